//! Each plan of a catalogue loaded and checked on its own, on every core, for `check` and
//! `build`; and the catalogue-wide rules once every plan has been seen.

use crate::check;
use crate::diagnostic::{self, Code, Diagnostic, Pos};
use crate::error::Error;
use crate::load;
use crate::model;
use std::path::{Path, PathBuf};

/// The plan id and dataset name of a plan, for the rule that names are unique.
pub(super) fn plan_name(
    publisher: &model::Publisher,
    plan: &model::Plan,
) -> (String, model::Sp<String>) {
    let meta = plan.dataset.merged_over(&publisher.dataset);
    (plan.id.clone(), check::dataset_name(plan, &meta))
}

/// Every diagnostic of a catalogue, sorted: those met opening it, the publisher's, each plan's
/// (in plan order), and duplicate dataset names.
pub(super) fn gather(
    opened: &load::Opened,
    per_plan: Vec<Vec<Diagnostic>>,
    names: Vec<(String, model::Sp<String>)>,
) -> Vec<Diagnostic> {
    let mut diagnostics = opened.diagnostics.clone();
    diagnostics.extend(check::validate_publisher(&opened.publisher));
    let mut claimed = check::DatasetNames::default();
    for (diags, (id, name)) in per_plan.into_iter().zip(names) {
        diagnostics.extend(diags);
        diagnostics.extend(claimed.claim(&id, name));
    }
    diagnostic::sort(&mut diagnostics);
    diagnostics
}

/// Loads one plan and runs the rules that need only that plan.
fn check_plan(opened: &load::Opened, dir: &Path) -> (model::Plan, Vec<Diagnostic>) {
    let (plan, mut diagnostics) = load::load_plan_at(opened, dir);
    // A value already reported as malformed is not reported again as missing.
    let malformed: std::collections::HashSet<(PathBuf, Pos)> = diagnostics
        .iter()
        .map(|d| (d.file.clone(), d.pos))
        .collect();
    diagnostics.extend(
        check::validate_plan(&opened.publisher, &plan)
            .into_iter()
            .filter(|d| {
                !(d.code == Code::CompletedWithoutDate
                    && malformed.contains(&(d.file.clone(), d.pos)))
            }),
    );
    check::apply_lints(&opened.publisher, &plan, &mut diagnostics);
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
pub(super) fn each_plan<T: Send>(
    opened: &load::Opened,
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
