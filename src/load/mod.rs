//! Loading a `catalog/` folder into the typed [`Catalog`], keeping the position of every value.
//!
//! Loading never stops at the first problem: every file is read as far as it can be, and each
//! problem becomes a [`Diagnostic`]. Problems that need more than one record (duplicates,
//! references, profile rules) are found later by [`crate::validate()`].

mod plan;
mod sandbox;
pub mod source;
mod table;
mod workbook;

use sandbox::Sandbox;

pub use table::{write_commitments_csv, write_milestones_csv};

use crate::diagnostic::{Code, Diagnostic, Pos};
use crate::model::{Catalog, Plan, Publisher};
use std::path::{Path, PathBuf};

/// A catalogue as far as it could be read, with the problems met on the way.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The records that could be read.
    pub catalog: Catalog,
    /// Problems found while reading, unsorted.
    pub diagnostics: Vec<Diagnostic>,
}

/// A catalogue opened for reading plan by plan: its publisher, its plan folders, and the
/// problems met so far. Plans are loaded one at a time with [`load_plan_at`], so a catalogue of
/// any size is checked and built holding one plan per worker in memory.
#[derive(Debug, Clone, Default)]
pub struct Opened {
    /// The catalogue folder, resolved (links and `..`); no file outside it is read.
    pub resolved: Option<PathBuf>,
    /// `publisher.toml`, as far as it could be read.
    pub publisher: Publisher,
    /// The plan folders to load, sorted.
    pub plan_dirs: Vec<PathBuf>,
    /// Problems met reading `publisher.toml` and listing `plans/`.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads `publisher.toml` and lists the plan folders of the catalogue in `root`.
pub fn open_catalog(root: &Path) -> Opened {
    let resolved = std::fs::canonicalize(root).ok();
    let sandbox = Sandbox::new(resolved.as_deref());
    {
        let mut diags = Vec::new();
        // The catalogue folder resolves to `resolved`, inside by definition.
        let publisher = plan::load_publisher(
            sandbox.knowing(resolved.is_some().then_some(root)),
            &root.join("publisher.toml"),
            &mut diags,
        );
        let mut plan_dirs = Vec::new();
        let plans_dir = root.join("plans");
        match std::fs::read_dir(&plans_dir) {
            Err(_) => diags.push(
                Diagnostic::error(
                    Code::MissingFile,
                    &plans_dir,
                    Pos::START,
                    crate::t!("load-no-plans-folder"),
                )
                .hint(crate::t!("load-no-plans-folder-hint")),
            ),
            Ok(entries) => {
                let mut dirs: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok())
                    // Follows links, so a linked plan folder is not skipped silently.
                    .filter(|e| {
                        e.file_type().is_ok_and(|t| t.is_dir())
                            || std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir())
                    })
                    .map(|e| e.path())
                    .collect();
                dirs.sort();
                let found = dirs.len();
                // When `plans` resolves inside, so does each of its folders that is not a link.
                let plans_inside = resolved.as_ref().is_some_and(|r| {
                    std::fs::canonicalize(&plans_dir).is_ok_and(|p| p.starts_with(r))
                });
                let listed = sandbox.knowing(plans_inside.then_some(plans_dir.as_path()));
                for dir in dirs {
                    match listed.outside(&dir) {
                        Some(d) => diags.push(d),
                        None => plan_dirs.push(dir),
                    }
                }
                // Plan folders that lead outside were reported already: "no plan" would only
                // echo that.
                if found == 0 {
                    diags.push(
                        Diagnostic::error(
                            Code::NoPlans,
                            &plans_dir,
                            Pos::START,
                            crate::t!("load-no-plans"),
                        )
                        .hint(crate::t!("load-no-plans-hint")),
                    );
                }
            }
        }
        Opened {
            resolved: resolved.clone(),
            publisher,
            plan_dirs,
            diagnostics: diags,
        }
    }
}

/// Loads one plan folder of an opened catalogue, with the problems met reading it.
pub fn load_plan_at(opened: &Opened, dir: &Path) -> (Plan, Vec<Diagnostic>) {
    // A folder of `plan_dirs` was found to resolve inside the catalogue.
    let known = opened
        .plan_dirs
        .binary_search_by(|d| d.as_path().cmp(dir))
        .is_ok();
    let sandbox = Sandbox::new(opened.resolved.as_deref()).knowing(known.then_some(dir));
    let mut diags = Vec::new();
    let plan = plan::load_plan(sandbox, dir, &mut diags);
    (plan, diags)
}

/// Reads the catalogue in `root` (`publisher.toml` and `plans/*/`), every plan at once.
pub fn load_catalog(root: &Path) -> Loaded {
    let opened = open_catalog(root);
    let mut diagnostics = opened.diagnostics.clone();
    let plans = opened
        .plan_dirs
        .iter()
        .map(|dir| {
            let (plan, diags) = load_plan_at(&opened, dir);
            diagnostics.extend(diags);
            plan
        })
        .collect();
    Loaded {
        catalog: Catalog {
            publisher: opened.publisher,
            plans,
        },
        diagnostics,
    }
}
