//! Publishing `dist/` to a portal: read what the build wrote ([`read_dist`]), snapshot the
//! portal ([`snapshot`]), compare ([`diff`]) and apply the difference ([`apply`]).
//!
//! The comparison looks only at the fields we own, after normalising what CKAN echoes back (tag
//! and group objects, extras, numbers sent as text). File content is compared through the
//! SHA-256 we store in each resource's `hash`, never by downloading. Resources are matched by
//! their file name, the last segment of the upload URL, which re-uploads keep.
//!
//! The snapshot comes from the portal's search index (one `package_search` per
//! [`SEARCH_CHUNK`] datasets, whole dicts), so unchanged datasets cost no request; a dataset
//! that needs a write is read again with `package_show` first. A dataset's new files go up
//! in one `package_revise` that CKAN applies only if the dataset is still as read.

mod apply;
mod datastore;
mod local;
mod plan;
mod preflight;
pub mod schema;
mod snapshot;
#[cfg(test)]
mod tests;

pub use apply::{apply, ActionRecord, ApplyOpts, RunSummary, VIEWS_ACTION};
pub use datastore::TableAction;
#[cfg(test)]
pub(crate) use local::DatastoreSpec;
pub use local::{read_dist, LocalDataset, LocalFile, LocalTable};
pub use plan::{diff, diff_dataset, DatasetAction, DatasetPlan, ResourceAction, ResourcePlan};
pub use preflight::{check_read_token, preflight};
pub use snapshot::{snapshot_recorded, RemoteDataset, RemoteState};
