//! ogp-publish: validate open-government action plans kept as TOML + CSV, turn them into open
//! data (CSV, JSON, data dictionary, Frictionless and DCAT metadata, CKAN package dicts) and
//! publish them to a CKAN portal such as Données Québec.
//!
//! The flow runs one way: [`load_catalog`] reads `catalog/` into typed records that remember
//! where each value came from; [`validate()`] finds every problem at once; [`write_dist`] writes
//! `dist/` deterministically and atomically. [`check`] chains the first two over the whole
//! catalogue. [`check_report`] and [`build()`], which the command-line tool runs, go plan by plan
//! on every core: each plan is loaded, checked, written and dropped, so memory does not grow
//! with the milestones (and by a few kilobytes per plan only), and the bytes are those of the
//! whole-catalogue path.
//!
//! ```
//! let checked = ogp_publish::check(std::path::Path::new("catalog"));
//! assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
//! assert_eq!(checked.catalog.plans[0].id, "quebec-2021-2023");
//! ```

#![warn(missing_docs)]

pub mod build;
pub mod catalog;
pub mod ckan;
pub(crate) mod dataset;
pub mod dcat;
pub mod diagnostic;
pub mod error;
pub mod fields;
#[doc(hidden)]
pub mod fuzz;
pub mod model;
pub mod ops;
pub mod preview;
pub mod profile;
pub mod push;
pub mod resources;
pub mod serve;
pub mod source;
pub mod validate;

pub use build::{write_dist, BuildSummary, Built, DatasetSummary};
pub use catalog::load_catalog;
pub use diagnostic::{Code, Diagnostic, Pos, Severity};
pub use error::Error;
pub use model::Catalog;
pub use validate::validate;

use std::path::{Path, PathBuf};

/// A catalogue with every problem found in it, sorted by file and position.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The records as far as they could be read.
    pub catalog: Catalog,
    /// Every problem, sorted.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Loads and validates the catalogue in `root`, keeping every record (see [`check_report`] for
/// a check that holds one plan at a time).
pub fn check(root: &Path) -> Checked {
    let opened = catalog::open_catalog(root);
    let checked = each_plan(&opened, 0, |plan, diags| Ok((plan, diags)));
    let results = checked.unwrap_or_default();
    let mut names = Vec::with_capacity(results.len());
    let mut per_plan = Vec::with_capacity(results.len());
    let mut plans = Vec::with_capacity(results.len());
    for (plan, diags) in results {
        names.push(plan_name(&opened.publisher, &plan));
        per_plan.push(diags);
        plans.push(plan);
    }
    let diagnostics = gather(&opened, per_plan, names);
    Checked {
        catalog: Catalog {
            publisher: opened.publisher,
            plans,
        },
        diagnostics,
    }
}

/// What [`check_report`] found: the number of plans and every problem, sorted.
#[derive(Debug, Clone)]
pub struct Report {
    /// Plans read.
    pub plans: usize,
    /// Every problem, sorted.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Checks the catalogue in `root` plan by plan, on every core, dropping each plan's records once
/// checked: memory does not grow with the number of plans. Finds what [`check`] finds.
pub fn check_report(root: &Path) -> Report {
    check_report_jobs(root, 0)
}

/// Like [`check_report`], with `jobs` workers (0: one per core).
pub fn check_report_jobs(root: &Path, jobs: usize) -> Report {
    let opened = catalog::open_catalog(root);
    check_opened(&opened, jobs)
}

fn check_opened(opened: &catalog::Opened, jobs: usize) -> Report {
    let results = each_plan(opened, jobs, |plan, diags| {
        Ok((plan_name(&opened.publisher, &plan), diags))
    })
    .unwrap_or_default();
    let plans = results.len();
    let (names, per_plan) = results.into_iter().unzip();
    Report {
        plans,
        diagnostics: gather(opened, per_plan, names),
    }
}

/// The plan id and dataset name of a plan, for the rule that names are unique.
fn plan_name(publisher: &model::Publisher, plan: &model::Plan) -> (String, model::Sp<String>) {
    let meta = plan.dataset.merged_over(&publisher.dataset);
    (plan.id.clone(), validate::dataset_name(plan, &meta))
}

/// Every diagnostic of a catalogue, sorted: those met opening it, the publisher's, each plan's
/// (in plan order), and duplicate dataset names.
fn gather(
    opened: &catalog::Opened,
    per_plan: Vec<Vec<Diagnostic>>,
    names: Vec<(String, model::Sp<String>)>,
) -> Vec<Diagnostic> {
    let mut diagnostics = opened.diagnostics.clone();
    diagnostics.extend(validate::validate_publisher(&opened.publisher));
    let mut claimed = validate::DatasetNames::default();
    for (diags, (id, name)) in per_plan.into_iter().zip(names) {
        diagnostics.extend(diags);
        diagnostics.extend(claimed.claim(&id, name));
    }
    diagnostic::sort(&mut diagnostics);
    diagnostics
}

/// Loads one plan and runs the rules that need only that plan.
fn check_plan(opened: &catalog::Opened, dir: &Path) -> (model::Plan, Vec<Diagnostic>) {
    let (plan, mut diagnostics) = catalog::load_plan_at(opened, dir);
    // A value already reported as malformed is not reported again as missing.
    let malformed: std::collections::HashSet<(PathBuf, Pos)> = diagnostics
        .iter()
        .map(|d| (d.file.clone(), d.pos))
        .collect();
    diagnostics.extend(
        validate::validate_plan(&opened.publisher, &plan)
            .into_iter()
            .filter(|d| {
                !(d.code == Code::CompletedWithoutDate
                    && malformed.contains(&(d.file.clone(), d.pos)))
            }),
    );
    (plan, diagnostics)
}

/// How many plans are checked or built at once: `jobs`, or with 0 one per core (at most 8);
/// never more than there are plans.
fn workers(jobs: usize, plans: usize) -> usize {
    let jobs = if jobs == 0 {
        std::thread::available_parallelism()
            .map_or(1, usize::from)
            .clamp(1, 8)
    } else {
        jobs
    };
    jobs.min(plans.max(1))
}

/// Loads and checks every plan of `opened`, [`workers`] at a time, and hands each to `f` with
/// its diagnostics; results come back in plan order. The first error of `f` stops the others.
fn each_plan<T: Send>(
    opened: &catalog::Opened,
    jobs: usize,
    f: impl Fn(model::Plan, Vec<Diagnostic>) -> Result<T, Error> + Sync,
) -> Result<Vec<T>, Error> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let dirs = &opened.plan_dirs;
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let work = || {
        let mut done = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(dir) = dirs.get(i) else { break };
            let (plan, diags) = check_plan(opened, dir);
            let result = f(plan, diags);
            if result.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            done.push((i, result));
        }
        done
    };
    let n = workers(jobs, dirs.len());
    let mut all: Vec<(usize, Result<T, Error>)> = if n == 1 {
        work()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..n).map(|_| scope.spawn(work)).collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        })
    };
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

/// Options of [`build()`].
#[derive(Debug, Clone)]
pub struct BuildOpts {
    /// The catalogue folder.
    pub catalog: PathBuf,
    /// The output folder, replaced whole.
    pub out: PathBuf,
    /// Plans checked and written at once; 0 for one per core (at most 8).
    pub jobs: usize,
}

/// Checks the catalogue and writes the output folder, plan by plan on every core: each plan is
/// loaded, checked and written, then dropped, so memory does not grow with the milestones. Of
/// each plan only what the catalogue-wide files need is kept (its name, its files' sizes and
/// hashes, its preview index row; its DCAT entry waits in a file): 9 to 12 KB a plan in the
/// many-plans part of `bench/run.sh`. An invalid catalogue writes nothing (the folder being
/// written is removed) and returns [`Error::Invalid`] with every diagnostic; warnings come back
/// with the result, with a [`BuildSummary`] of what was written.
pub fn build(opts: &BuildOpts) -> Result<(BuildSummary, Vec<Diagnostic>), Error> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let opened = catalog::open_catalog(&opts.catalog);
    // Problems with the output folder come after the catalogue's own errors.
    let invalid_or = |e: Error| {
        let report = check_opened(&opened, opts.jobs);
        if report.has_errors() {
            Error::Invalid(report.diagnostics)
        } else {
            e
        }
    };
    if overlaps(&opts.catalog, &opts.out) {
        return Err(invalid_or(Error::OutputOverlapsCatalog {
            out: opts.out.clone(),
            catalog: opts.catalog.clone(),
        }));
    }
    let publisher = &opened.publisher;
    let Some(profile) = profile::lookup(&publisher.profile.value) else {
        return Err(invalid_or(Error::UnknownProfile(
            publisher.profile.value.clone(),
        )));
    };
    let tmp = build::prepare_out(&opts.out).map_err(invalid_or)?;
    let writer = match build::DistWriter::new(publisher, profile, &tmp, false) {
        Ok(w) => w,
        Err(e) => {
            build::discard_out(&tmp);
            return Err(e);
        }
    };
    let failed = AtomicBool::new(
        opened.diagnostics.iter().any(Diagnostic::is_error)
            || validate::validate_publisher(publisher)
                .iter()
                .any(Diagnostic::is_error),
    );
    let claimed = std::sync::Mutex::new(std::collections::HashSet::new());
    let results = each_plan(&opened, opts.jobs, |plan, diags| {
        let name = plan_name(publisher, &plan);
        if diags.iter().any(Diagnostic::is_error) {
            failed.store(true, Ordering::Relaxed);
        }
        // A plan whose dataset name an earlier plan took is reported once every plan is read;
        // it is not written over the other.
        let first_claim = claimed
            .lock()
            .is_ok_and(|mut c| c.insert(name.1.value.clone()));
        let output = if failed.load(Ordering::Relaxed) || !first_claim {
            None
        } else {
            Some(writer.plan(&plan, &diags)?)
        };
        Ok((name, diags, output))
    });
    let results = match results {
        Ok(r) => r,
        Err(e) => {
            build::discard_out(&tmp);
            return Err(e);
        }
    };
    let mut names = Vec::with_capacity(results.len());
    let mut per_plan = Vec::with_capacity(results.len());
    let mut outputs = Vec::with_capacity(results.len());
    for (name, diags, output) in results {
        names.push(name);
        per_plan.push(diags);
        outputs.extend(output);
    }
    let diagnostics = gather(&opened, per_plan, names);
    if diagnostics.iter().any(Diagnostic::is_error) {
        build::discard_out(&tmp);
        return Err(Error::Invalid(diagnostics));
    }
    let written = writer.finish(outputs, &diagnostics);
    let finished = build::finish_out(written, &tmp, &opts.out)?;
    let summary = BuildSummary {
        out: opts.out.clone(),
        datasets: finished.summaries,
        files: finished.files,
    };
    Ok((summary, diagnostics))
}

/// Like [`build()`], holding the whole catalogue and returning it checked (for a preview rendered
/// again with a portal diff).
pub fn build_checked(opts: &BuildOpts) -> Result<(Checked, Built), Error> {
    let checked = check(&opts.catalog);
    if checked.has_errors() {
        return Err(Error::Invalid(checked.diagnostics));
    }
    if overlaps(&opts.catalog, &opts.out) {
        return Err(Error::OutputOverlapsCatalog {
            out: opts.out.clone(),
            catalog: opts.catalog.clone(),
        });
    }
    let built = write_dist(&checked.catalog, &opts.out, &checked.diagnostics)?;
    Ok((checked, built))
}

/// True when one folder is the other or contains it.
fn overlaps(catalog: &Path, out: &Path) -> bool {
    let abs = |p: &Path| {
        std::fs::canonicalize(p).unwrap_or_else(|_| {
            // The output may not exist yet: resolve its parent instead.
            let parent = p
                .parent()
                .filter(|x| !x.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            std::fs::canonicalize(parent)
                .map(|d| d.join(p.file_name().unwrap_or_default()))
                .unwrap_or_else(|_| p.to_path_buf())
        })
    };
    let (c, o) = (abs(catalog), abs(out));
    c.starts_with(&o) || o.starts_with(&c)
}

/// Renders the preview of a built output again, showing what `push` would change; the
/// `preview` folder is replaced whole.
pub fn render_preview_with_diff(
    catalog: &Catalog,
    built: &Built,
    warnings: &[Diagnostic],
    diff: &[push::DatasetPlan],
) -> Result<(), Error> {
    use error::IoContext;
    let profile = profile::lookup(&catalog.publisher.profile.value)
        .ok_or_else(|| Error::UnknownProfile(catalog.publisher.profile.value.clone()))?;
    let target = built.out.join("preview");
    let tmp = built
        .out
        .join(format!(".preview.tmp-{}", std::process::id()));
    let input = preview::PreviewInput {
        catalog,
        profile,
        datasets: &built.datasets,
        dist: &built.out,
        warnings,
        diff: Some(diff),
    };
    let written = preview::render_preview(&input, &tmp).at(&tmp);
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if target.exists() {
        std::fs::remove_dir_all(&target).at(&target)?;
    }
    std::fs::rename(&tmp, &target).at(&target)
}
