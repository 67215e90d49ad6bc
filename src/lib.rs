//! ogp-publish: validate open-government action plans kept as TOML + CSV, turn them into open
//! data (CSV, JSON, data dictionary, Frictionless and DCAT metadata, CKAN package dicts) and
//! publish them to a CKAN portal such as Données Québec.
//!
//! Each command is one function of [`ops`]: [`check()`], [`build()`], [`ops::preview()`],
//! [`ops::diff()`] and [`ops::push()`], with its options in and a result or the one [`Error`]
//! out. `check` and `build` go plan by plan on every core: each plan is loaded
//! (`load`), checked (`check`), written (`write`) and dropped, so memory does
//! not grow with the milestones.
//!
//! For records held in memory (built in code, or another system's), [`load_checked`] reads a
//! whole catalogue, [`validate()`] finds every problem of one, and [`write_dist`] writes its
//! `dist/` with the bytes `build` writes.
//!
//! ```
//! use ogp_publish::{check, CheckOpts};
//! let report = check(&CheckOpts { catalog: "catalog".into(), jobs: 0 });
//! assert!(!report.has_errors(), "{:?}", report.diagnostics);
//! ```

#![warn(missing_docs)]

pub(crate) mod check;
pub(crate) mod ckan;
pub(crate) mod dataset;
pub mod diagnostic;
pub mod error;
pub(crate) mod fields;
#[doc(hidden)]
pub mod fuzz;
pub mod i18n;
pub(crate) mod load;
pub mod model;
pub mod ops;
pub(crate) mod preview;
pub mod profile;
pub(crate) mod push;
pub mod serve;
pub(crate) mod write;

pub use check::validate;
pub use diagnostic::{Code, Diagnostic, Diagnostics, Omitted, Pos, Severity};
pub use error::Error;
pub use load::{load_catalog, write_commitments_csv, write_milestones_csv};
pub use model::Catalog;
pub use ops::{build, check, load_checked, write_dist, BuildOpts, CheckOpts, Checked, Report};
pub use write::{BuildSummary, DatasetSummary};
