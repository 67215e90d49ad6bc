//! ogp-publish: validate open-government action plans kept as TOML + CSV, turn them into open
//! data (CSV, JSON, data dictionary, Frictionless and DCAT metadata, CKAN package dicts) and
//! publish them to a CKAN portal such as Données Québec.
//!
//! The flow runs one way: [`load_catalog`] reads `catalog/` into typed records that remember
//! where each value came from; [`validate()`] finds every problem at once; [`write_dist`] writes
//! `dist/` deterministically and atomically. [`check`] and [`build`] chain them the way the
//! command-line tool does.
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
pub mod dcat;
pub mod diagnostic;
pub mod error;
pub mod fields;
#[doc(hidden)]
pub mod fuzz;
pub mod json_out;
pub mod model;
pub mod preview;
pub mod profile;
pub mod resources;
pub mod serve;
pub mod source;
pub mod sync;
pub mod validate;

pub use build::{write_dist, Built};
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

/// Loads and validates the catalogue in `root`.
pub fn check(root: &Path) -> Checked {
    let loaded = load_catalog(root);
    let mut diagnostics = loaded.diagnostics;
    // A value already reported as malformed is not reported again as missing.
    let malformed: std::collections::HashSet<(PathBuf, Pos)> = diagnostics
        .iter()
        .map(|d| (d.file.clone(), d.pos))
        .collect();
    diagnostics.extend(validate(&loaded.catalog).into_iter().filter(|d| {
        !(d.code == Code::CompletedWithoutDate && malformed.contains(&(d.file.clone(), d.pos)))
    }));
    diagnostic::sort(&mut diagnostics);
    Checked {
        catalog: loaded.catalog,
        diagnostics,
    }
}

/// Options of [`build`].
#[derive(Debug, Clone)]
pub struct BuildOpts {
    /// The catalogue folder.
    pub catalog: PathBuf,
    /// The output folder, replaced whole.
    pub out: PathBuf,
}

/// Checks the catalogue, then writes the output folder. An invalid catalogue writes nothing and
/// returns [`Error::Invalid`] with the diagnostics; warnings come back with the result.
pub fn build(opts: &BuildOpts) -> Result<(Built, Vec<Diagnostic>), Error> {
    build_checked(opts).map(|(checked, built)| (built, checked.diagnostics))
}

/// Like [`build`], also returning the checked catalogue (for a preview rendered again).
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
    diff: &[sync::DatasetPlan],
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
