//! One function per command: [`check()`], [`build()`], [`preview()`], [`diff()`], [`push()`].
//! Each takes its options (and, for long work, a [`Reporter`]) and returns a result or the
//! library's [`Error`]. Nothing here prints or exits; the command line turns results into
//! text and errors into exit codes.

mod build;
mod check;
mod diff;
mod plans;
mod preview;
mod push;

pub use crate::ckan::Secret;
pub use crate::preview::render_errors;
pub use crate::push::{
    ActionRecord, DatasetAction, DatasetPlan, ResourceAction, ResourcePlan, RunSummary,
    TableAction, VIEWS_ACTION,
};
pub use build::{build, build_reporting, write_dist, BuildOpts};
pub use check::{check, check_reporting, load_checked, CheckOpts, Checked, Report};
pub use diff::{diff, DiffOpts};
pub use preview::{preview, PreviewOpts};
pub use push::{push, PushOpts, PushOutcome};

pub use crate::ckan::client::Trace;
use crate::ckan::client::{ClientOpts, RetryPolicy};
use crate::ckan::CkanClient;
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::push::{self as sync, LocalDataset};
use std::time::Duration;

/// Where the portal is and how to talk to it, for every command that does.
#[derive(Clone)]
pub struct PortalOpts {
    /// The portal's base address; may carry a path (`https://host/recherche`).
    pub url: String,
    /// The API token, when one was given.
    pub token: Option<Secret>,
    /// Allow plain `http://` to a host other than this machine.
    pub allow_http: bool,
    /// Datasets read or written at once.
    pub concurrency: usize,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Times a request is sent at most.
    pub max_attempts: u32,
    /// First retry delay (doubled each retry, with jitter).
    pub retry_delay: Duration,
    /// Receives one line per request and retry (never the token).
    pub trace: Option<Trace>,
}

impl std::fmt::Debug for PortalOpts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortalOpts")
            .field("url", &self.url)
            .field("token", &self.token)
            .field("allow_http", &self.allow_http)
            .field("concurrency", &self.concurrency)
            .finish()
    }
}

impl PortalOpts {
    /// The defaults for `url`: no token, 4 datasets at once, 60 s requests, 5 attempts from
    /// 500 ms.
    pub fn new(url: impl Into<String>) -> Self {
        PortalOpts {
            url: url.into(),
            token: None,
            allow_http: false,
            concurrency: 4,
            timeout: Duration::from_secs(60),
            max_attempts: 5,
            retry_delay: Duration::from_millis(500),
            trace: None,
        }
    }

    /// The one client of a command.
    pub(crate) fn client(&self) -> Result<CkanClient, Error> {
        let base = url::Url::parse(&self.url).map_err(|_| Error::BadPortalUrl(self.url.clone()))?;
        let mut opts = ClientOpts::new(base);
        opts.token = self.token.clone();
        opts.allow_http = self.allow_http;
        opts.trace = self.trace.clone();
        opts.timeout = self.timeout.max(Duration::from_secs(1));
        opts.retry = RetryPolicy {
            max_attempts: self.max_attempts,
            base_delay: self.retry_delay,
            ..RetryPolicy::default()
        };
        CkanClient::new(opts)
    }
}

/// What a long command tells its caller while it works (progress bars, lines per action).
pub trait Reporter: Send + Sync {
    /// The number of plans `build` goes through.
    fn plans(&self, _total: u64) {}
    /// One more plan checked (and written, when the catalogue is valid so far).
    fn plan_done(&self) {}
    /// True when [`Reporter::diagnostics`] should be called: `check` and `build` then tell
    /// every diagnostic as they go, not only the first of each code that they return.
    fn wants_diagnostics(&self) -> bool {
        false
    }
    /// Every diagnostic of one part of the catalogue, sorted, in catalogue order: those met
    /// opening it and in `publisher.toml`, then each plan's, then dataset names that two plans
    /// claim. Called only when [`Reporter::wants_diagnostics`] is true.
    fn diagnostics(&self, _diags: &[Diagnostic]) {}
    /// The number of changes the run will make, once known.
    fn planned(&self, _changes: u64) {}
    /// An action finished (a read, a write, a failure).
    fn action(&self, _record: &ActionRecord) {}
}

/// A reporter that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Quiet;

impl Reporter for Quiet {}

/// The portal's copy of each dataset and the plan to bring it to `local`, with the report
/// lines of the reads.
pub(crate) async fn plan(
    client: &CkanClient,
    local: &[LocalDataset],
    concurrency: usize,
) -> Result<(sync::RemoteState, Vec<DatasetPlan>, Vec<ActionRecord>), Error> {
    let (remote, reads) = sync::snapshot_recorded(client, local, concurrency).await;
    let remote = remote.map_err(Error::Portal)?;
    let plans = sync::diff(local, &remote);
    Ok((remote, plans, reads))
}

/// Forgets what `datastore.json` asks for when the portal has no DataStore (`datastore`
/// absent from `status_show`'s plugins): the files are published alone.
pub(crate) fn without_datastore_unless(
    status: &crate::ckan::api::Status,
    local: &mut [LocalDataset],
) {
    if !status.extensions.iter().any(|e| e == "datastore") {
        for ds in local {
            ds.datastore = None;
        }
    }
}

/// A runtime for one command's requests (two worker threads: the requests wait on the
/// network, not on the processor).
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Http(format!("cannot start the async runtime: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_portal_without_the_datastore_plugin_gets_the_files_alone() {
        let spec = crate::push::DatastoreSpec {
            dictionary: "dictionary.csv".into(),
            tables: Vec::new(),
        };
        let dataset = LocalDataset {
            name: "ds".into(),
            package: serde_json::Map::new(),
            files: Vec::new(),
            datastore: Some(spec),
        };
        let status = |extensions: &[&str]| crate::ckan::api::Status {
            ckan_version: "2.11.6".into(),
            site_url: String::new(),
            extensions: extensions.iter().map(|e| e.to_string()).collect(),
        };
        let mut with = vec![dataset.clone()];
        without_datastore_unless(&status(&["activity", "datastore"]), &mut with);
        assert!(with[0].datastore.is_some());
        let mut without = vec![dataset];
        without_datastore_unless(&status(&["activity", "text_view"]), &mut without);
        assert!(without[0].datastore.is_none());
    }
}
