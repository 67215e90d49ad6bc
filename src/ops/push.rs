//! `push`: publish `dist/` to the portal, writing only what changed.

use super::without_datastore_unless;
use super::{plan, runtime, PortalOpts, Reporter};
use crate::error::{Error, Mismatch, Problem};
use crate::push::schema as portal_schema;
use crate::push::{
    self as sync, ActionRecord, DatasetAction, DatasetPlan, LocalDataset, ResourceAction,
};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Options of [`push`].
#[derive(Debug, Clone)]
pub struct PushOpts {
    /// The portal (a token is needed unless `dry_run`).
    pub portal: PortalOpts,
    /// The built output to publish.
    pub dist: PathBuf,
    /// Plan only, like `diff`: no lock, no permission check, no write.
    pub dry_run: bool,
    /// Delete portal resources of our datasets that `dist/` no longer has.
    pub prune: bool,
    /// Write one JSON line per action to this file.
    pub report: Option<PathBuf>,
}

/// What a push did.
#[derive(Debug, Clone)]
pub struct PushOutcome {
    /// The plan, dataset by dataset.
    pub plans: Vec<DatasetPlan>,
    /// How the run ended (`None` for a dry run).
    pub summary: Option<sync::RunSummary>,
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Of which writes.
    pub writes: u64,
    /// Bytes of files uploaded.
    pub bytes_uploaded: u64,
}

impl PushOutcome {
    /// Datasets whose plan was `action`.
    pub fn count(&self, action: DatasetAction) -> usize {
        self.plans.iter().filter(|p| p.action == action).count()
    }
}

/// Publishes `dist/`: checks that the portal answers, that the token may create datasets in
/// the organisation and that the portal accepts every package (schema, groups); then creates
/// what is missing and updates what changed, dataset by dataset. One push of a `dist/` runs at
/// a time (a lock file beside it). Each action is reported to `reporter` and, with
/// [`PushOpts::report`], written as a JSON line.
///
/// ```no_run
/// use ogp_publish::ops::Secret;
/// use ogp_publish::ops::{push, PortalOpts, PushOpts, Quiet};
/// let mut portal = PortalOpts::new("https://pab.donneesquebec.ca/recherche");
/// portal.token = Some(Secret::new(&std::fs::read_to_string("/home/me/.dq-token")?));
/// let opts = PushOpts { portal, dist: "dist".into(), dry_run: false, prune: false, report: None };
/// let outcome = push(&opts, std::sync::Arc::new(Quiet))?;
/// assert!(outcome.summary.is_some_and(|s| s.failed_datasets.is_empty()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn push(opts: &PushOpts, reporter: Arc<dyn Reporter>) -> Result<PushOutcome, Error> {
    let client = opts.portal.client()?;
    // dist/ is read (and checked against its manifest) before the lock is taken, so a missing
    // or altered output stops the run without leaving a lock file anywhere.
    let mut local = sync::read_dist(&opts.dist)?;
    let _lock = if opts.dry_run {
        None
    } else {
        Some(lock(&opts.dist)?)
    };
    let rt = runtime()?;
    let (status, remote, plans, reads) = rt.block_on(async {
        let status = if opts.dry_run {
            client.status_show().await.map_err(Error::Unreachable)?
        } else {
            preflight(&client, &local).await?
        };
        without_datastore_unless(&status, &mut local);
        portal_schema::check_portal(&client, &status, &local, opts.dry_run).await?;
        let (remote, plans, reads) = plan(&client, &local, opts.portal.concurrency).await?;
        Ok::<_, Error>((status, remote, plans, reads))
    })?;
    if opts.dry_run {
        return Ok(PushOutcome {
            plans,
            summary: None,
            requests: 0,
            writes: 0,
            bytes_uploaded: 0,
        });
    }
    let report = match &opts.report {
        Some(p) => Some(std::fs::File::create(p).map_err(|source| Error::Io {
            path: p.clone(),
            source,
        })?),
        None => None,
    };
    let report = Arc::new(Mutex::new(report));
    for rec in &reads {
        write_line(&report, rec);
    }
    reporter.planned(changes(&plans));
    let sink = {
        let (report, reporter) = (report.clone(), reporter.clone());
        Arc::new(move |rec: &ActionRecord| {
            write_line(&report, rec);
            reporter.action(rec);
        })
    };
    let summary = rt.block_on(sync::apply(
        &client,
        &local,
        &remote,
        &sync::ApplyOpts {
            concurrency: opts.portal.concurrency,
            prune: opts.prune,
            revise: status.has_package_revise(),
        },
        sink,
    ));
    let c = client.counters();
    let load = |n: &std::sync::atomic::AtomicU64| n.load(std::sync::atomic::Ordering::Relaxed);
    Ok(PushOutcome {
        plans,
        summary: Some(summary),
        requests: load(&c.requests),
        writes: load(&c.writes),
        bytes_uploaded: load(&c.uploaded),
    })
}

/// The token's right to create datasets in each organisation; when it is missing, whether the
/// organisation exists at all, so the message names the real cause.
async fn preflight(
    client: &crate::ckan::CkanClient,
    local: &[LocalDataset],
) -> Result<crate::ckan::api::Status, Error> {
    match sync::preflight(client, local, client.has_token()).await {
        Err(Error::CannotWrite(org))
            if portal_schema::organization_exists(client, &org).await == Ok(false) =>
        {
            let dataset = local
                .iter()
                .find(|d| d.package.get("owner_org").and_then(|v| v.as_str()) == Some(&org))
                .map(|d| d.name.clone())
                .unwrap_or_default();
            Err(Error::PortalMismatch(vec![Mismatch {
                dataset,
                resource: None,
                field: "owner_org".into(),
                value: Some(org),
                problem: Problem::NoSuchOrganization,
            }]))
        }
        other => other,
    }
}

/// The changes a plan makes: dataset creations and metadata updates, and resource writes.
fn changes(plans: &[DatasetPlan]) -> u64 {
    plans
        .iter()
        .map(|p| {
            u64::from(p.action == DatasetAction::Create || !p.changed.is_empty())
                + p.resources
                    .iter()
                    .filter(|r| {
                        !matches!(r.action, ResourceAction::Unchanged | ResourceAction::Extra)
                    })
                    .count() as u64
        })
        .sum()
}

/// Appends `rec` to the report file, if there is one.
fn write_line(report: &Mutex<Option<std::fs::File>>, rec: &ActionRecord) {
    if let Ok(mut f) = report.lock() {
        if let Some(f) = f.as_mut() {
            let _ = writeln!(f, "{}", serde_json::to_string(rec).unwrap_or_default());
            let _ = f.flush();
        }
    }
}

/// The push lock of a `dist/`: `.<name>.push.lock` beside it, locked while a push runs and
/// removed when it ends.
struct PushLock {
    file: std::fs::File,
    path: PathBuf,
}

impl Drop for PushLock {
    /// Removes the lock file while still holding its lock, so a push that opened the file
    /// meanwhile finds, once it has the lock, that the path no longer names the file it locked,
    /// and starts over (see [`lock`]).
    fn drop(&mut self) {
        if same_file(&self.file, &self.path) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// True when `path` still names the open `file`.
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

/// Takes the push lock of `dist` ([`PushLock`]), holding the pid of the push that holds it.
fn lock(dist: &Path) -> Result<PushLock, Error> {
    let name = dist
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "dist".into());
    let path = dist.with_file_name(format!(".{name}.push.lock"));
    let io = |source| Error::Io {
        path: path.clone(),
        source,
    };
    // A push that ends removes the file: a lock taken on a file no longer at `path` protects
    // nothing, so open the path again (a bounded number of times: each retry means another
    // push has just ended).
    for _ in 0..16 {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) if same_file(&file, &path) => {
                let _ = file.set_len(0);
                let _ = writeln!(file, "{}", std::process::id());
                return Ok(PushLock { file, path });
            }
            Ok(()) => continue,
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::Locked {
                    dist: dist.to_path_buf(),
                    pid: std::fs::read_to_string(&path)
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                })
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
    }
    Err(io(std::io::Error::other(
        "the lock file kept being replaced while it was taken",
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_excludes_a_second_push_and_goes_with_the_push() {
        let tmp = tempfile::tempdir().unwrap();
        let dist = tmp.path().join("dist");
        let path = tmp.path().join(".dist.push.lock");
        let first = lock(&dist).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap().trim(),
            std::process::id().to_string()
        );
        assert!(matches!(lock(&dist), Err(Error::Locked { .. })));
        // A push that opened the file just before the first one ended…
        let late = std::fs::File::open(&path).unwrap();
        drop(first);
        assert!(!path.exists());
        // …gets the lock of a file no longer at the path, and must not count it as held.
        late.try_lock().unwrap();
        assert!(!same_file(&late, &path));
        let second = lock(&dist).unwrap();
        assert!(same_file(&second.file, &path));
        drop(second);
        assert!(!path.exists());
    }
}
