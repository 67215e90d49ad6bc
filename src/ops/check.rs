//! `check`: every problem of a catalogue, plan by plan on every core.

use super::plans::{catalog_diagnostics, each_plan, gather, plan_name};
use super::Reporter;
use crate::check::DatasetNames;
use crate::diagnostic::{self, Diagnostic, Diagnostics};
use crate::load;
use crate::model::Catalog;
use std::path::{Path, PathBuf};

/// Options of [`check()`].
#[derive(Debug, Clone)]
pub struct CheckOpts {
    /// The catalogue folder.
    pub catalog: PathBuf,
    /// Plans checked at once; 0 for one per core (at most 8).
    pub jobs: usize,
}

/// What [`check()`] found: the number of plans and the problems, counted, with the first of
/// each code.
#[derive(Debug, Clone)]
pub struct Report {
    /// Plans read.
    pub plans: usize,
    /// Every problem counted; the first of each code kept, sorted.
    pub diagnostics: Diagnostics,
}

impl Report {
    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }
}

/// Checks the catalogue plan by plan, on every core, dropping each plan's records once
/// checked: memory does not grow with the number of plans. Never fails: what it could not
/// read is a diagnostic.
///
/// ```
/// use ogp_publish::{check, CheckOpts};
/// let report = check(&CheckOpts { catalog: "catalog".into(), jobs: 0 });
/// assert_eq!(report.plans, 1);
/// assert!(!report.has_errors(), "{:?}", report.diagnostics);
/// ```
pub fn check(opts: &CheckOpts) -> Report {
    check_reporting(opts, &super::Quiet)
}

/// [`check()`], telling `progress` the number of plans, each plan done and, when it wants
/// them, every diagnostic as it is found.
pub fn check_reporting(opts: &CheckOpts, progress: &dyn Reporter) -> Report {
    check_opened(&load::open_catalog(&opts.catalog), opts.jobs, progress)
}

pub(super) fn check_opened(opened: &load::Opened, jobs: usize, progress: &dyn Reporter) -> Report {
    progress.plans(opened.plan_dirs.len() as u64);
    let results = each_plan(opened, jobs, progress, |plan, _| {
        progress.plan_done();
        Ok(plan_name(&opened.publisher, &plan))
    })
    .unwrap_or_default();
    let plans = results.len();
    let (names, per_plan) = results.into_iter().unzip();
    Report {
        plans,
        diagnostics: gather(opened, per_plan, names, progress),
    }
}

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

/// Loads and validates the catalogue in `root`, keeping every record: for a library user who
/// wants the records (the `check` command, [`check()`], holds one plan at a time).
///
/// ```
/// let checked = ogp_publish::load_checked(std::path::Path::new("catalog"));
/// assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
/// assert_eq!(checked.catalog.plans[0].id, "quebec-2021-2023");
/// ```
pub fn load_checked(root: &Path) -> Checked {
    let opened = load::open_catalog(root);
    let checked = each_plan(&opened, 0, &super::Quiet, |plan, diags| {
        Ok((plan, diags.to_vec()))
    });
    let results = checked.unwrap_or_default();
    let mut diagnostics = catalog_diagnostics(&opened);
    let mut claimed = DatasetNames::default();
    let mut plans = Vec::with_capacity(results.len());
    for ((plan, diags), _) in results {
        let (id, name) = plan_name(&opened.publisher, &plan);
        diagnostics.extend(diags);
        diagnostics.extend(claimed.claim(&id, name));
        plans.push(plan);
    }
    diagnostic::sort(&mut diagnostics);
    Checked {
        catalog: Catalog {
            publisher: opened.publisher,
            plans,
        },
        diagnostics,
    }
}
