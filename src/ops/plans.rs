//! Each plan of a catalogue loaded and checked on its own, on every core, for `check` and
//! `build`; and the catalogue-wide rules once every plan has been seen.

use super::Reporter;
use crate::check;
use crate::diagnostic::{self, Code, Diagnostic, Diagnostics, Pos};
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

/// The diagnostics met before any plan is read: opening the catalogue, and `publisher.toml`'s
/// own rules.
pub(super) fn catalog_diagnostics(opened: &load::Opened) -> Vec<Diagnostic> {
    let mut diags = opened.diagnostics.clone();
    diags.extend(check::validate_publisher(&opened.publisher));
    diagnostic::sort(&mut diags);
    diags
}

/// Every diagnostic of a catalogue, counted and capped: those met opening it, the
/// publisher's, each plan's (in plan order), and duplicate dataset names, which are also
/// told to `progress` (the others were as each plan was checked).
pub(super) fn gather(
    opened: &load::Opened,
    per_plan: Vec<Diagnostics>,
    names: Vec<(String, model::Sp<String>)>,
    progress: &dyn Reporter,
) -> Diagnostics {
    let mut all = Diagnostics::from(catalog_diagnostics(opened));
    let mut claimed = check::DatasetNames::default();
    let mut duplicates = Vec::new();
    for (diags, (id, name)) in per_plan.into_iter().zip(names) {
        all.merge(diags);
        duplicates.extend(claimed.claim(&id, name));
    }
    if progress.wants_diagnostics() && !duplicates.is_empty() {
        progress.diagnostics(&duplicates);
    }
    all.add(duplicates);
    all
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
    // A workbook's positions are cells of its sheet.
    for table in [&plan.commitments_table, &plan.milestones_table] {
        if let Some(sheet) = &table.sheet {
            for d in diagnostics.iter_mut().filter(|d| d.file == table.file) {
                d.sheet = Some(sheet.clone());
            }
        }
    }
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
/// its diagnostics, sorted; results come back in plan order, each with the plan's diagnostics
/// counted and capped ([`Diagnostics`]). When `progress` wants them, each plan's diagnostics
/// are told to it whole, in plan order, those met opening the catalogue first: a worker that
/// finishes a plan before the plans ahead of it waits for its turn, so no more than one plan
/// per worker is held. The first error of `f` stops the others.
pub(super) fn each_plan<T: Send>(
    opened: &load::Opened,
    jobs: usize,
    progress: &dyn Reporter,
    f: impl Fn(model::Plan, &[Diagnostic]) -> Result<T, Error> + Sync,
) -> Result<Vec<(T, Diagnostics)>, Error> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let dirs = &opened.plan_dirs;
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let turns = Turns::default();
    let streams = progress.wants_diagnostics();
    if streams {
        let first = catalog_diagnostics(opened);
        if !first.is_empty() {
            progress.diagnostics(&first);
        }
    }
    let work = || {
        let mut done = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(dir) = dirs.get(i) else { break };
            // Passes the turn on even if the plan panics, so no other worker waits forever.
            let turn = streams.then_some(Turn { turns: &turns, i });
            let (plan, mut diags) = check_plan(opened, dir);
            diagnostic::sort(&mut diags);
            if let Some(turn) = turn {
                turn.wait();
                if !diags.is_empty() {
                    progress.diagnostics(&diags);
                }
            }
            let result = f(plan, &diags);
            if result.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            let mut counted = Diagnostics::new();
            counted.add_sorted(&diags);
            done.push((i, result.map(|t| (t, counted))));
        }
        done
    };
    let n = workers(jobs, dirs.len());
    let mut all: Vec<(usize, PlanResult<T>)> = if n == 1 {
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

/// What [`each_plan`] gives back for one plan.
type PlanResult<T> = Result<(T, Diagnostics), Error>;

/// Whose turn it is to tell its plan's diagnostics: the index of the next plan.
#[derive(Default)]
struct Turns {
    next: std::sync::Mutex<usize>,
    changed: std::sync::Condvar,
}

/// Plan `i`'s turn: [`Turn::wait`] waits for the plans ahead; dropping it passes the turn on.
struct Turn<'a> {
    turns: &'a Turns,
    i: usize,
}

impl Turn<'_> {
    fn wait(&self) {
        let mut next = self.turns.next.lock().unwrap_or_else(|e| e.into_inner());
        while *next < self.i {
            next = self
                .turns
                .changed
                .wait(next)
                .unwrap_or_else(|e| e.into_inner());
        }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        // The plans ahead pass their turns on first; a plan never waits for one behind it.
        self.wait();
        *self.turns.next.lock().unwrap_or_else(|e| e.into_inner()) = self.i + 1;
        self.turns.changed.notify_all();
    }
}
