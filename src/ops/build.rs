//! `build`: the catalogue checked and written to `dist/`, plan by plan on every core.

use super::check::check_opened;
use super::plans::{each_plan, gather, plan_name};
use super::Reporter;
use crate::check;
use crate::dataset::PlanView;
use crate::diagnostic::{self, Diagnostic, Diagnostics};
use crate::error::{Error, IoContext};
use crate::load;
use crate::model::{Catalog, Lang, Plan, Publisher};
use crate::preview::{IndexRow, Pages};
use crate::profile::{self, Profile};
use crate::push::DatasetPlan;
use crate::write::{self, BuildSummary, DistWriter, Finished, PlanOutput};
use std::path::{Path, PathBuf};

/// Options of [`build()`].
#[derive(Debug, Clone)]
pub struct BuildOpts {
    /// The catalogue folder.
    pub catalog: PathBuf,
    /// The output folder, replaced whole.
    pub out: PathBuf,
    /// Plans checked and written at once; 0 for one per core (at most 8).
    pub jobs: usize,
    /// The language of the preview pages; `None` for the portal profile's. The data files do
    /// not depend on it.
    pub page_lang: Option<Lang>,
}

/// Checks the catalogue and writes the output folder, plan by plan on every core: each plan is
/// loaded, checked and written, then dropped, so memory does not grow with the milestones. Of
/// each plan only what the catalogue-wide files need is kept (its name, its files' sizes and
/// hashes, its preview index row; its DCAT entry waits in a file): 9 to 12 KB a plan in the
/// many-plans part of `bench/run.sh`. An invalid catalogue writes nothing (the folder being
/// written is removed) and returns [`Error::Invalid`] with the diagnostics counted and the
/// first of each code ([`Diagnostics`]); warnings come back the same way with the result, with
/// a [`BuildSummary`] of what was written. Each preview page shows its plan's first warnings
/// and links to a page with all of them.
///
/// ```
/// use ogp_publish::{build, BuildOpts};
/// let out = tempfile::tempdir()?;
/// let (summary, warnings) = build(&BuildOpts {
///     catalog: "catalog".into(),
///     out: out.path().join("dist"),
///     jobs: 0,
///     page_lang: None,
/// })?;
/// assert_eq!(summary.datasets[0].plan_id, "quebec-2021-2023");
/// assert!(out.path().join("dist/manifest.json").is_file());
/// println!("{} warning(s)", warnings.warnings());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn build(opts: &BuildOpts) -> Result<(BuildSummary, Diagnostics), Error> {
    build_showing(opts, None, &super::Quiet)
}

/// [`build()`], telling `progress` the number of plans and each plan done.
pub fn build_reporting(
    opts: &BuildOpts,
    progress: &dyn Reporter,
) -> Result<(BuildSummary, Diagnostics), Error> {
    build_showing(opts, None, progress)
}

/// [`build()`], with each preview page showing what `push` would change on the portal
/// (`changes`, from [`super::diff()`] of an earlier build of the same catalogue).
pub(super) fn build_showing(
    opts: &BuildOpts,
    changes: Option<&[DatasetPlan]>,
    progress: &dyn Reporter,
) -> Result<(BuildSummary, Diagnostics), Error> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let opened = load::open_catalog(&opts.catalog);
    // Problems with the output folder come after the catalogue's own errors.
    let invalid_or = |e: Error| {
        let report = check_opened(&opened, opts.jobs, &super::Quiet);
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
    let tmp = write::prepare_out(&opts.out).map_err(invalid_or)?;
    let site = match Site::new(publisher, profile, opts.page_lang, &tmp, changes) {
        Ok(w) => w,
        Err(e) => {
            write::discard_out(&tmp);
            return Err(e);
        }
    };
    let failed = AtomicBool::new(
        opened.diagnostics.iter().any(Diagnostic::is_error)
            || check::validate_publisher(publisher)
                .iter()
                .any(Diagnostic::is_error),
    );
    let claimed = std::sync::Mutex::new(std::collections::HashSet::new());
    progress.plans(opened.plan_dirs.len() as u64);
    let results = each_plan(&opened, opts.jobs, progress, |plan, diags| {
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
            Some(site.plan(&plan, diags)?)
        };
        progress.plan_done();
        Ok((name, output))
    });
    let results = match results {
        Ok(r) => r,
        Err(e) => {
            write::discard_out(&tmp);
            return Err(e);
        }
    };
    let mut names = Vec::with_capacity(results.len());
    let mut per_plan = Vec::with_capacity(results.len());
    let mut outputs = Vec::with_capacity(results.len());
    for ((name, output), diags) in results {
        names.push(name);
        per_plan.push(diags);
        outputs.extend(output);
    }
    let diagnostics = gather(&opened, per_plan, names, progress);
    if diagnostics.has_errors() {
        write::discard_out(&tmp);
        return Err(Error::Invalid(diagnostics));
    }
    let written = site.finish(outputs, &diagnostics);
    let finished = write::finish_out(written, &tmp, &opts.out)?;
    let summary = BuildSummary {
        out: opts.out.clone(),
        datasets: finished.summaries,
        files: finished.files,
    };
    Ok((summary, diagnostics))
}

/// Writes `dist/` for a catalogue held in memory (built in code, or loaded whole) that
/// [`crate::validate()`] found valid; `warnings` are shown in the preview. The files are those
/// `build` writes for the same records.
///
/// The output is replaced whole: written to `.<out>.tmp-<pid>` beside it, then renamed. An
/// existing `out` that has no `manifest.json` is not ours, and is never replaced.
pub fn write_dist(
    catalog: &Catalog,
    out: &Path,
    warnings: &[Diagnostic],
) -> Result<BuildSummary, Error> {
    let profile = profile::lookup(&catalog.publisher.profile.value)
        .ok_or_else(|| Error::UnknownProfile(catalog.publisher.profile.value.clone()))?;
    let tmp = write::prepare_out(out)?;
    let mut warnings = warnings.to_vec();
    diagnostic::sort(&mut warnings);
    let written = (|| {
        let site = Site::new(&catalog.publisher, profile, None, &tmp, None)?;
        let done = catalog
            .plans
            .iter()
            .map(|plan| site.plan(plan, &warnings))
            .collect::<Result<Vec<_>, _>>()?;
        let mut counted = Diagnostics::new();
        counted.add_sorted(&warnings);
        site.finish(done, &counted)
    })();
    write::finish_out(written, &tmp, out).map(|w| BuildSummary {
        out: out.to_path_buf(),
        datasets: w.summaries,
        files: w.files,
    })
}

/// A folder being built: each plan's dataset folder (`write`) and its preview page (`preview`),
/// from any thread, then the catalogue-wide files and the preview's index.
struct Site<'a> {
    writer: DistWriter<'a>,
    pages: Pages<'a>,
    preview_dir: PathBuf,
    /// What `push` would change on the portal, shown on each dataset's page (`preview
    /// --portal`).
    changes: Option<&'a [DatasetPlan]>,
}

impl<'a> Site<'a> {
    /// A site in the empty folder `root`, its pages in `page_lang` (the profile's when `None`).
    fn new(
        publisher: &'a Publisher,
        profile: &'a dyn Profile,
        page_lang: Option<Lang>,
        root: &'a Path,
        changes: Option<&'a [DatasetPlan]>,
    ) -> Result<Self, Error> {
        let pages = Pages::new(publisher, profile, page_lang);
        let preview_dir = root.join("preview");
        pages.start(&preview_dir).at(&preview_dir)?;
        Ok(Site {
            writer: DistWriter::new(publisher, profile, root)?,
            pages,
            preview_dir,
            changes,
        })
    }

    /// Writes one valid plan's dataset folder and its preview page; `warnings`, sorted, are
    /// shown on the page, the first of each code, and all of them on a page of their own when
    /// there are more (other plans' warnings are left out).
    fn plan(&self, plan: &Plan, warnings: &[Diagnostic]) -> Result<(PlanOutput, IndexRow), Error> {
        let view = PlanView::new(plan);
        let (output, dataset) = self.writer.plan(&view)?;
        let changes = self
            .changes
            .and_then(|c| c.iter().find(|p| p.name == dataset.name));
        let dir = &self.preview_dir;
        let row = self
            .pages
            .dataset(dir, &view, &dataset, warnings, changes)
            .at(dir)?;
        Ok((output, row))
    }

    /// Writes `catalog.jsonld`, `manifest.json` and the preview's index once every plan is
    /// written; `warnings` are the catalogue's, counted with the first of each code.
    fn finish(
        self,
        done: Vec<(PlanOutput, IndexRow)>,
        warnings: &Diagnostics,
    ) -> Result<Finished, Error> {
        let (outputs, rows): (Vec<_>, Vec<_>) = done.into_iter().unzip();
        let finished = self.writer.finish(outputs)?;
        // The preview is for stewards, not published: it is not in the manifest.
        let dir = &self.preview_dir;
        let has_diff = self.changes.is_some();
        self.pages.index(dir, rows, warnings, has_diff).at(dir)?;
        Ok(finished)
    }
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
