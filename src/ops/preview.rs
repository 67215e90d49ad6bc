//! `preview`: build, and with a portal show on each page what `push` would change there.

use super::build::build_showing;
use super::{diff, BuildOpts, DiffOpts, PortalOpts};
use crate::diagnostic::Diagnostics;
use crate::error::Error;
use std::path::PathBuf;

/// Options of [`preview`].
#[derive(Debug, Clone)]
pub struct PreviewOpts {
    /// The catalogue folder.
    pub catalog: PathBuf,
    /// The output folder (replaced whole), with its `preview/`.
    pub out: PathBuf,
    /// A portal to compare with: each page then shows what `push` would change.
    pub portal: Option<PortalOpts>,
    /// The language of the pages; `None` for the portal profile's.
    pub page_lang: Option<crate::model::Lang>,
}

/// Builds the catalogue into `out` with its preview, as `build` does; with a portal, compares
/// the result with it (as `diff`, reading only) and builds again with the changes on the
/// pages. Returns the warnings, or [`Error::Invalid`] with every diagnostic.
///
/// ```no_run
/// use ogp_publish::ops::{preview, PreviewOpts};
/// let warnings = preview(&PreviewOpts {
///     catalog: "catalog".into(),
///     out: "dist".into(),
///     portal: None,
///     page_lang: None,
/// })?;
/// println!("{} warning(s); open dist/preview/index.html", warnings.warnings());
/// # Ok::<(), ogp_publish::Error>(())
/// ```
pub fn preview(opts: &PreviewOpts) -> Result<Diagnostics, Error> {
    let build = BuildOpts {
        catalog: opts.catalog.clone(),
        out: opts.out.clone(),
        jobs: 0,
        page_lang: opts.page_lang,
    };
    let (_, warnings) = super::build(&build)?;
    let Some(portal) = &opts.portal else {
        return Ok(warnings);
    };
    // The comparison reads the files just written; the same build again (the same bytes) then
    // puts the changes on each page.
    let plans = diff(&DiffOpts {
        portal: portal.clone(),
        dist: opts.out.clone(),
    })?;
    build_showing(&build, Some(&plans), &super::Quiet).map(|(_, warnings)| warnings)
}
