//! `preview`: build, and with a portal show on each page what `push` would change there.

use super::{diff, DiffOpts, PortalOpts};
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::BuildOpts;
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
}

/// Builds the catalogue into `out` with its preview, as `build` does; with a portal, compares
/// the result with it (as `diff`, reading only) and renders the preview again with the
/// changes. Returns the warnings, or [`Error::Invalid`] with every diagnostic.
///
/// ```no_run
/// use ogp_publish::ops::{preview, PreviewOpts};
/// let warnings = preview(&PreviewOpts {
///     catalog: "catalog".into(),
///     out: "dist".into(),
///     portal: None,
/// })?;
/// println!("{} warning(s); open dist/preview/index.html", warnings.len());
/// # Ok::<(), ogp_publish::Error>(())
/// ```
pub fn preview(opts: &PreviewOpts) -> Result<Vec<Diagnostic>, Error> {
    let build = BuildOpts {
        catalog: opts.catalog.clone(),
        out: opts.out.clone(),
        jobs: 0,
    };
    let Some(portal) = &opts.portal else {
        return crate::build(&build).map(|(_, warnings)| warnings);
    };
    // The page of each dataset needs the whole catalogue again to show the changes.
    let (checked, built) = crate::build_checked(&build)?;
    let plans = diff(&DiffOpts {
        portal: portal.clone(),
        dist: opts.out.clone(),
    })?;
    crate::render_preview_with_diff(&checked.catalog, &built, &checked.diagnostics, &plans)?;
    Ok(checked.diagnostics)
}
