//! `diff`: what `push` would change on the portal, reading only.

use super::{plan, runtime, PortalOpts};
use crate::error::Error;
use crate::push::schema as portal_schema;
use crate::push::{self as sync, DatasetPlan};
use std::path::PathBuf;

/// Options of [`diff`].
#[derive(Debug, Clone)]
pub struct DiffOpts {
    /// The portal.
    pub portal: PortalOpts,
    /// The built output to compare (written by `build`).
    pub dist: PathBuf,
}

/// Compares `dist/` with the portal: checks first that the portal answers and accepts what
/// `dist/` holds (its schema, organisation and groups), then asks its search index for each
/// dataset. Writes nothing.
///
/// ```no_run
/// use ogp_publish::ops::{diff, DiffOpts, PortalOpts};
/// let plans = diff(&DiffOpts {
///     portal: PortalOpts::new("https://pab.donneesquebec.ca/recherche"),
///     dist: "dist".into(),
/// })?;
/// let pending = plans.iter().filter(|p| p.has_changes()).count();
/// println!("{pending} dataset(s) would change");
/// # Ok::<(), ogp_publish::Error>(())
/// ```
pub fn diff(opts: &DiffOpts) -> Result<Vec<DatasetPlan>, Error> {
    let client = opts.portal.client()?;
    let mut local = sync::read_dist(&opts.dist)?;
    runtime()?.block_on(async {
        let status = client.status_show().await.map_err(Error::Unreachable)?;
        super::without_datastore_unless(&status, &mut local);
        portal_schema::check_portal(&client, &status, &local, true).await?;
        if client.has_token() {
            sync::check_read_token(&client, &local).await?;
        }
        let (_, plans, _) = plan(&client, &local, opts.portal.concurrency).await?;
        Ok(plans)
    })
}
