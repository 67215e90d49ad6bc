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

use crate::ckan::client::{ActionBody, CkanClient, Replay, UploadFile};
use crate::ckan::{CkanError, ErrorKind};
use crate::error::Error;
use crate::resources;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// A file of a dataset as the build wrote it.
#[derive(Debug, Clone)]
pub struct LocalFile {
    /// File name: the resource's key on the portal.
    pub key: String,
    /// Where it is.
    pub path: PathBuf,
    /// The resource dict from `package.json`.
    pub resource: Map<String, Value>,
    /// SHA-256, checked against the manifest.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// A dataset as the build wrote it.
#[derive(Debug, Clone)]
pub struct LocalDataset {
    /// CKAN name.
    pub name: String,
    /// The package dict without `resources`.
    pub package: Map<String, Value>,
    /// Its files, in publishing order.
    pub files: Vec<LocalFile>,
}

fn read_json(path: &Path) -> Result<Value, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::DistMissing {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::DistMalformed(path.to_path_buf(), e.to_string()))
}

/// Reads the datasets of a built `dist/`, checking every file against `manifest.json`, so only
/// the bytes the build produced are ever uploaded.
pub fn read_dist(dist: &Path) -> Result<Vec<LocalDataset>, Error> {
    let manifest_path = dist.join("manifest.json");
    let manifest = read_json(&manifest_path)?;
    let bad = |what: &str| Error::DistMalformed(manifest_path.clone(), what.to_string());
    let files = manifest["files"]
        .as_object()
        .ok_or_else(|| bad("no `files`"))?;
    let names = manifest["datasets"]
        .as_object()
        .ok_or_else(|| bad("no `datasets`"))?;
    let mut out = Vec::new();
    for name in names.keys() {
        let dir = dist.join("datasets").join(name);
        let pkg_path = dir.join("package.json");
        let Value::Object(mut package) = read_json(&pkg_path)? else {
            return Err(Error::DistMalformed(pkg_path, "not an object".into()));
        };
        let resources = match package.remove("resources") {
            Some(Value::Array(r)) => r,
            _ => return Err(Error::DistMalformed(pkg_path, "no `resources` list".into())),
        };
        let mut local_files = Vec::new();
        for r in resources {
            let Value::Object(resource) = r else {
                return Err(Error::DistMalformed(
                    pkg_path,
                    "a resource is not an object".into(),
                ));
            };
            let key = resource
                .get("url")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    Error::DistMalformed(pkg_path.clone(), "a resource has no `url`".into())
                })?
                .to_string();
            let path = dir.join(&key);
            let entry = &files[&format!("datasets/{name}/{key}")];
            let bytes = std::fs::read(&path).map_err(|source| Error::DistMissing {
                path: path.clone(),
                source,
            })?;
            let sha256 = resources::sha256_hex(&bytes);
            let recorded = (entry["bytes"].as_u64(), entry["sha256"].as_str());
            if recorded != (Some(bytes.len() as u64), Some(sha256.as_str()))
                || resource.get("hash").and_then(Value::as_str) != Some(sha256.as_str())
            {
                return Err(Error::DistTampered(path));
            }
            local_files.push(LocalFile {
                key,
                path,
                resource,
                sha256,
                bytes: bytes.len() as u64,
            });
        }
        out.push(LocalDataset {
            name: name.clone(),
            package,
            files: local_files,
        });
    }
    Ok(out)
}

/// The portal's copy of a local dataset, and where it was read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RemoteDataset {
    /// The package dict; `None` when the portal does not have the dataset (or its search index
    /// does not list it).
    pub package: Option<Map<String, Value>>,
    /// True when `package_show` answered. Otherwise the copy comes from the search index, which
    /// can lag behind the portal: `push` reads the dataset again before its first write.
    pub confirmed: bool,
}

/// The portal's copy of each local dataset, by name.
pub type RemoteState = BTreeMap<String, RemoteDataset>;

/// What the portal holds for each local dataset, as its search index answers (see
/// [`snapshot_recorded`]).
pub async fn snapshot(
    client: &CkanClient,
    local: &[LocalDataset],
    concurrency: usize,
) -> Result<RemoteState, CkanError> {
    snapshot_recorded(client, local, concurrency).await.0
}

/// Asks `package_search` for the full dicts of our datasets (one request per [`SEARCH_CHUNK`]
/// datasets), so neither an unchanged dataset nor one that does not exist yet costs a read.
/// When the search fails, reads each dataset with `package_show` instead, `concurrency` at a
/// time. Also returns one report line per request (with its attempts).
pub async fn snapshot_recorded(
    client: &CkanClient,
    local: &[LocalDataset],
    concurrency: usize,
) -> (Result<RemoteState, CkanError>, Vec<ActionRecord>) {
    let names: Vec<&str> = local.iter().map(|d| d.name.as_str()).collect();
    let (found, mut records) = search(client, &names).await;
    if let Some(mut found) = found {
        // Not in the portal's search index: created without a read. Should the index lag, the
        // create is refused (names are unique) and the push reads the dataset then.
        let state = local
            .iter()
            .map(|ds| {
                let package = found.remove(&ds.name);
                let remote = RemoteDataset {
                    package,
                    confirmed: false,
                };
                (ds.name.clone(), remote)
            })
            .collect();
        return (Ok(state), records);
    }
    let mut state = RemoteState::new();
    let sem = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for ds in local {
        let (client, sem, name) = (client.clone(), sem.clone(), ds.name.clone());
        tasks.spawn(async move {
            let _permit = sem.acquire_owned().await;
            let (r, record) = show(&client, &name, "ok").await;
            (name, r, record)
        });
    }
    let mut failure = None;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((name, r, record)) => {
                records.push(record);
                match r {
                    Ok(package) => {
                        let remote = RemoteDataset {
                            package,
                            confirmed: true,
                        };
                        state.insert(name, remote);
                    }
                    Err(e) => failure = Some(e),
                }
            }
            Err(e) => {
                failure = Some(CkanError {
                    action: "package_show".into(),
                    status: None,
                    kind: ErrorKind::Unexpected,
                    message: e.to_string(),
                    attempts: 1,
                })
            }
        }
    }
    records.sort_by(|a, b| a.dataset.cmp(&b.dataset));
    (failure.map_or(Ok(state), Err), records)
}

/// `package_show` of one dataset, and its report line (`outcome` when it answers).
async fn show(
    client: &CkanClient,
    name: &str,
    outcome: &str,
) -> (Result<Option<Map<String, Value>>, CkanError>, ActionRecord) {
    let start = Instant::now();
    let (r, attempts) = client.package_show_attempts(name).await;
    let record = ActionRecord {
        dataset: name.into(),
        action: "package_show".into(),
        outcome: if r.is_ok() { outcome } else { "failed" }.into(),
        status: match &r {
            Ok(Some(_)) => Some(200),
            Ok(None) => Some(404),
            Err(e) => e.status,
        },
        attempts,
        duration_ms: start.elapsed().as_millis() as u64,
        error: r.as_ref().err().map(|e| e.to_string()),
        ..ActionRecord::default()
    };
    (r, record)
}

/// Dataset names asked about per `package_search` request. Each answer holds the whole dicts
/// of at most this many datasets, within CKAN's default `ckan.search.rows_max` (1,000).
pub const SEARCH_CHUNK: usize = 500;

/// The dicts the portal's search index holds for `names` (private and draft datasets
/// included), by name. CKAN answers each result with the `package_show` output it indexed
/// at the dataset's last write. `None` when the search fails: then every dataset is read.
async fn search(
    client: &CkanClient,
    names: &[&str],
) -> (
    Option<BTreeMap<String, Map<String, Value>>>,
    Vec<ActionRecord>,
) {
    let mut found = BTreeMap::new();
    let mut records = Vec::new();
    for chunk in names.chunks(SEARCH_CHUNK) {
        // Dataset names are CKAN names (letters, digits, `-`, `_`): quoting them is enough.
        let terms: Vec<String> = chunk.iter().map(|n| format!("\"{n}\"")).collect();
        let fq = format!("name:({})", terms.join(" OR "));
        let mut start = 0;
        loop {
            let body = json!({
                "q": "*:*",
                "fq": fq,
                "rows": chunk.len(),
                "start": start,
                "include_private": true,
                "include_drafts": true,
            });
            let began = Instant::now();
            let (r, attempts) = client
                .action_attempts("package_search", ActionBody::Json(body), Replay::Safe)
                .await;
            let results = r.as_ref().ok().and_then(|v| v.get("results")?.as_array());
            records.push(ActionRecord {
                action: "package_search".into(),
                outcome: if results.is_some() { "ok" } else { "failed" }.into(),
                status: match &r {
                    Ok(_) => Some(200),
                    Err(e) => e.status,
                },
                attempts,
                duration_ms: began.elapsed().as_millis() as u64,
                error: match &r {
                    Ok(_) if results.is_none() => Some("the answer has no `results` list".into()),
                    Ok(_) => None,
                    Err(e) => Some(e.to_string()),
                },
                ..ActionRecord::default()
            });
            let Some(results) = results else {
                return (None, records);
            };
            for d in results {
                if let Some(name) = d.get("name").and_then(Value::as_str) {
                    if let (true, Value::Object(package)) = (chunk.contains(&name), d) {
                        found.insert(name.to_string(), package.clone());
                    }
                }
            }
            start += results.len();
            // More matches than one page (never more than the names asked, unless the index
            // holds a dataset twice): ask for the next page.
            let count = r
                .as_ref()
                .ok()
                .and_then(|v| v.get("count")?.as_u64())
                .unwrap_or(0);
            if results.is_empty() || start as u64 >= count {
                break;
            }
        }
    }
    (Some(found), records)
}

/// What will happen to a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DatasetAction {
    /// New on the portal.
    Create,
    /// Metadata or files differ.
    Update,
    /// Nothing to do.
    Unchanged,
}

/// What will happen to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResourceAction {
    /// A file the portal does not have: added with its upload, together with the dataset's
    /// other new files in one `package_revise` (one `resource_create` each on portals without
    /// it).
    Create,
    /// Content changed: `resource_patch` with the new upload.
    Upload,
    /// Only metadata changed: `resource_patch` with those fields.
    Update,
    /// Nothing to do.
    Unchanged,
    /// On the portal but no longer produced: reported; deleted with `--prune`.
    Extra,
    /// A second copy of a file we publish (same file name): `resource_delete`, on every push.
    /// Only our own writes make such copies, when a request of a run that died lands after
    /// the next run read the dataset; the first copy stays and carries the file.
    Duplicate,
}

/// The plan for one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourcePlan {
    /// File name.
    pub key: String,
    /// What to do.
    pub action: ResourceAction,
    /// Fields that differ (`hash` for content).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<String>,
    /// The portal's resource id, when it exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_id: Option<String>,
}

/// The plan for one dataset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetPlan {
    /// CKAN name.
    pub name: String,
    /// What to do with its metadata.
    pub action: DatasetAction,
    /// Top-level keys that differ (sent with `package_patch`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<String>,
    /// Per resource.
    pub resources: Vec<ResourcePlan>,
    /// The portal's dataset id, when it exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_id: Option<String>,
}

impl DatasetPlan {
    /// True when `push` would write something (extras alone are only reported).
    pub fn has_changes(&self) -> bool {
        self.action != DatasetAction::Unchanged
    }

    /// Resources in a state.
    pub fn count(&self, action: ResourceAction) -> usize {
        self.resources.iter().filter(|r| r.action == action).count()
    }
}

/// A value as CKAN would echo it, for comparison: strings trimmed, numbers and booleans as text,
/// `null` and `""` alike, tags/groups as sorted names, extras as sorted pairs.
fn normalize(key: &str, v: Option<&Value>) -> Value {
    let scalar = |v: &Value| match v {
        Value::Null => Value::Null,
        Value::String(s) if s.trim().is_empty() => Value::Null,
        Value::String(s) => Value::String(s.replace("\r\n", "\n").trim_end().to_string()),
        Value::Number(n) => Value::String(n.to_string()),
        Value::Bool(b) => Value::String(b.to_string()),
        other => other.clone(),
    };
    let Some(v) = v else { return Value::Null };
    match (key, v) {
        ("tags" | "groups", Value::Array(items)) => {
            let names: BTreeSet<String> = items
                .iter()
                .filter_map(|t| t.get("name").and_then(Value::as_str).map(str::to_string))
                .collect();
            json!(names)
        }
        ("extras", Value::Array(items)) => {
            let pairs: BTreeMap<String, Value> = items
                .iter()
                .filter_map(|e| {
                    Some((e.get("key")?.as_str()?.to_string(), scalar(e.get("value")?)))
                })
                .collect();
            json!(pairs)
        }
        (_, v) => scalar(v),
    }
}

/// The file name a remote resource was uploaded under.
fn remote_key(resource: &Value) -> Option<String> {
    let url = resource.get("url")?.as_str()?;
    let name = url.rsplit('/').next()?;
    let name = name.split(['?', '#']).next()?;
    Some(crate::source::percent_decode(name))
}

/// Keys of a package dict that `push` sends and compares.
fn owned_package_keys(local: &LocalDataset) -> impl Iterator<Item = &String> {
    local.package.keys().filter(|k| k.as_str() != "resources")
}

/// Keys of a resource dict that `push` sends as fields (the upload sets `url`).
fn owned_resource_keys(file: &LocalFile) -> impl Iterator<Item = &String> {
    file.resource.keys().filter(|k| k.as_str() != "url")
}

/// Compares one local dataset with the portal's copy.
pub fn diff_dataset(local: &LocalDataset, remote: Option<&Map<String, Value>>) -> DatasetPlan {
    let Some(remote) = remote else {
        return DatasetPlan {
            name: local.name.clone(),
            action: DatasetAction::Create,
            changed: Vec::new(),
            resources: local
                .files
                .iter()
                .map(|f| ResourcePlan {
                    key: f.key.clone(),
                    action: ResourceAction::Create,
                    changed: Vec::new(),
                    remote_id: None,
                })
                .collect(),
            remote_id: None,
        };
    };
    let mut changed: Vec<String> = owned_package_keys(local)
        .filter(|k| {
            let theirs = if k.as_str() == "owner_org" {
                // CKAN answers with the organisation's id; compare names.
                remote.get("organization").and_then(|o| o.get("name"))
            } else {
                remote.get(k.as_str())
            };
            normalize(k, local.package.get(k.as_str())) != normalize(k, theirs)
        })
        .cloned()
        .collect();
    if remote.get("state").and_then(Value::as_str) == Some("deleted") {
        changed.push("state".into());
    }
    let remote_resources: Vec<&Value> = remote
        .get("resources")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let mut matched = BTreeSet::new();
    let mut resources = Vec::new();
    for f in &local.files {
        let found = remote_resources.iter().enumerate().find(|(i, r)| {
            !matched.contains(i) && remote_key(r).as_deref() == Some(f.key.as_str())
        });
        let Some((i, r)) = found else {
            resources.push(ResourcePlan {
                key: f.key.clone(),
                action: ResourceAction::Create,
                changed: Vec::new(),
                remote_id: None,
            });
            continue;
        };
        matched.insert(i);
        let fields: Vec<String> = owned_resource_keys(f)
            .filter(|k| normalize(k, f.resource.get(k.as_str())) != normalize(k, r.get(k.as_str())))
            .cloned()
            .collect();
        let action = if fields.iter().any(|k| k == "hash") {
            ResourceAction::Upload
        } else if fields.is_empty() {
            ResourceAction::Unchanged
        } else {
            ResourceAction::Update
        };
        resources.push(ResourcePlan {
            key: f.key.clone(),
            action,
            changed: fields,
            remote_id: r.get("id").and_then(Value::as_str).map(str::to_string),
        });
    }
    for (i, r) in remote_resources.iter().enumerate() {
        if !matched.contains(&i) {
            let key = remote_key(r);
            let ours = key
                .as_deref()
                .is_some_and(|k| local.files.iter().any(|f| f.key == k));
            resources.push(ResourcePlan {
                key: key
                    .or_else(|| r.get("name").and_then(Value::as_str).map(str::to_string))
                    .unwrap_or_default(),
                action: if ours {
                    ResourceAction::Duplicate
                } else {
                    ResourceAction::Extra
                },
                changed: Vec::new(),
                remote_id: r.get("id").and_then(Value::as_str).map(str::to_string),
            });
        }
    }
    let writes = !changed.is_empty()
        || resources
            .iter()
            .any(|r| !matches!(r.action, ResourceAction::Unchanged | ResourceAction::Extra));
    DatasetPlan {
        name: local.name.clone(),
        action: if writes {
            DatasetAction::Update
        } else {
            DatasetAction::Unchanged
        },
        changed,
        resources,
        remote_id: remote.get("id").and_then(Value::as_str).map(str::to_string),
    }
}

/// Compares every local dataset with the snapshot.
pub fn diff(local: &[LocalDataset], remote: &RemoteState) -> Vec<DatasetPlan> {
    local
        .iter()
        .map(|ds| diff_dataset(ds, remote.get(&ds.name).and_then(|r| r.package.as_ref())))
        .collect()
}

/// One line of the run report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ActionRecord {
    /// Dataset name (empty for the search, which concerns every dataset).
    pub dataset: String,
    /// Resource key (file name), for actions on one resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Resource keys (file names) a `package_revise` adds, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// The CKAN action, or `extra` for a resource only reported.
    pub action: String,
    /// `ok`; `failed`; `reconciled` (a read after a write that may have been applied);
    /// `reported`; `exists` (a create refused because the dataset exists: it is read next);
    /// `stale` (a `package_revise` refused because the dataset changed since it was read: it
    /// is read and planned again); `unsupported` (the portal lacks `package_revise`: its files
    /// go up one `resource_create` each).
    pub outcome: String,
    /// HTTP status of the last answer, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Attempts made.
    pub attempts: u32,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
    /// What went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ActionRecord {
    /// A line about `action` on `dataset` (and one of its resources), before it is sent.
    fn about(dataset: &str, resource: Option<&str>, action: &str) -> Self {
        ActionRecord {
            dataset: dataset.into(),
            resource: resource.map(str::to_string),
            action: action.into(),
            ..ActionRecord::default()
        }
    }

    /// True for the actions that change the portal (not reads, not reported extras).
    pub fn is_write(&self) -> bool {
        !matches!(
            self.action.as_str(),
            "package_show" | "package_search" | "extra" | "sync"
        )
    }
}

/// Options of [`apply`].
#[derive(Debug, Clone)]
pub struct ApplyOpts {
    /// Datasets written in parallel.
    pub concurrency: usize,
    /// Delete remote resources we no longer produce.
    pub prune: bool,
    /// Add a dataset's new files with one `package_revise` (CKAN 2.9+, see
    /// [`Status::has_package_revise`](crate::ckan::api::Status::has_package_revise)) rather
    /// than one `resource_create` each. A portal that answers that it does not know the action
    /// gets `resource_create` for the rest of the run.
    pub revise: bool,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    /// Every action taken, in the order they finished.
    pub actions: Vec<ActionRecord>,
    /// Datasets whose sync failed.
    pub failed_datasets: Vec<String>,
    /// The run stopped on an authorisation error.
    pub stopped_on_auth: bool,
}

type Sink = Arc<dyn Fn(&ActionRecord) + Send + Sync>;

struct Ctx {
    client: CkanClient,
    prune: bool,
    revise: AtomicBool,
    sink: Sink,
    stop: Arc<AtomicBool>,
    records: std::sync::Mutex<Vec<ActionRecord>>,
}

/// An action's failure, as seen by the dataset loop.
enum Failure {
    /// The portal may or may not have applied it, or the dataset changed since it was read:
    /// read again and re-plan.
    Ambiguous(CkanError),
    /// Give up on this dataset (the failure is already recorded).
    Fatal,
}

impl Ctx {
    fn record(&self, rec: ActionRecord) {
        (self.sink)(&rec);
        if let Ok(mut r) = self.records.lock() {
            r.push(rec);
        }
    }

    /// Sends the action `rec` is about and records how it went.
    async fn call(
        &self,
        mut rec: ActionRecord,
        body: ActionBody,
        replay: Replay,
    ) -> Result<Value, CkanError> {
        let start = Instant::now();
        let (r, attempts) = self.client.action_attempts(&rec.action, body, replay).await;
        let (outcome, error) = match &r {
            Ok(_) => ("ok", None),
            // The dataset is already there (a lagging search index, or an earlier create whose
            // answer was lost): it is read and compared next, nothing failed.
            Err(e)
                if rec.action == "package_create"
                    && e.has_field_error("name", "already in use") =>
            {
                ("exists", None)
            }
            // Someone wrote to the dataset since it was read: read again and plan anew.
            Err(e) if rec.action == "package_revise" && e.is_refused_match() => ("stale", None),
            Err(e) if e.is_unknown_action() => ("unsupported", None),
            Err(e) => ("failed", Some(e.to_string())),
        };
        rec.outcome = outcome.into();
        rec.status = match &r {
            Ok(_) => Some(200),
            Err(e) => e.status,
        };
        rec.attempts = attempts.max(1);
        rec.duration_ms = start.elapsed().as_millis() as u64;
        rec.error = error;
        self.record(rec);
        if let Err(e) = &r {
            if e.is_auth() {
                self.stop.store(true, Ordering::SeqCst);
            }
        }
        r
    }
}

/// The owned fields of a resource as text, the way a form sends them: a list (a multiple-choice
/// field such as Données Québec's `relidi_ressource_complementaire`) as one field per item.
fn resource_fields(file: &LocalFile) -> Vec<(String, String)> {
    owned_resource_keys(file)
        .flat_map(|k| match &file.resource[k] {
            Value::Array(items) => items.iter().map(|v| (k.clone(), form_text(v))).collect(),
            v => vec![(k.clone(), form_text(v))],
        })
        .collect()
}

/// A JSON value as a form field's text.
fn form_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The owned fields of a resource as JSON, scalars as text (as a form sends them) and lists
/// kept as lists.
fn resource_json(file: &LocalFile) -> Value {
    Value::Object(
        owned_resource_keys(file)
            .map(|k| {
                let v = match &file.resource[k] {
                    list @ Value::Array(_) => list.clone(),
                    scalar => Value::String(form_text(scalar)),
                };
                (k.clone(), v)
            })
            .collect(),
    )
}

/// `file` as the multipart part `field`.
fn upload_file(file: &LocalFile, field: String) -> UploadFile {
    UploadFile {
        field,
        path: file.path.clone(),
        file_name: file.key.clone(),
        mime: file
            .resource
            .get("mimetype")
            .and_then(Value::as_str)
            .unwrap_or("application/octet-stream")
            .to_string(),
    }
}

/// `resource_create` or `resource_patch` with `file` as the `upload` part.
fn upload(file: &LocalFile, mut fields: Vec<(String, String)>) -> ActionBody {
    fields.sort();
    ActionBody::Upload {
        fields,
        files: vec![upload_file(file, "upload".into())],
    }
}

/// The action that gives resources added by `package_revise` the portal's default views.
pub const VIEWS_ACTION: &str = "package_create_default_resource_views";

/// Whether resources added by `package_revise` still wait for their default views, and the
/// dataset as the last revise answered it (`None` once the dataset has been read since).
#[derive(Default)]
struct ViewsDue {
    due: bool,
    revised: Option<Value>,
}

/// `resource_create` gives a new resource the portal's default views (a text or image
/// preview, per `ckan.views.default_views`); `package_revise` does not, so they are asked for
/// once per dataset, after its last write, from the dataset as last seen. CKAN skips a view
/// type a resource already has, so asking again is harmless. The files are published either
/// way: a refusal is reported (outcome `failed`) without failing the dataset.
async fn create_views(ctx: &Ctx, name: &str, package: Value) {
    if !package.is_object() || ctx.stop.load(Ordering::SeqCst) {
        return;
    }
    let body = json!({ "package": package, "create_datastore_views": false });
    let rec = ActionRecord::about(name, None, VIEWS_ACTION);
    let _ = ctx.call(rec, ActionBody::Json(body), Replay::Safe).await;
}

/// Files per `package_revise` at most. CKAN reads a flattened key part of five characters or
/// more as the start of a resource id, so `update__resources__-1000__upload` would not name
/// the 1,000th resource from the end.
const REVISE_MAX_FILES: usize = 999;

/// Bytes per `package_revise` at most: CKAN's default upload limit (`ckan.max_resource_size`,
/// 10 MiB), so a request is never bigger than one upload the portal takes anyway. A larger
/// file goes alone. CKAN stores a revise's files one after the other and rolls back the
/// dataset when one of them is refused as too large, leaving the files stored before it
/// without a resource: within the default limit no batch is refused for size, and a file
/// that may be goes with no other.
const REVISE_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// How many of `files` (at least one) the next `package_revise` carries.
fn batch_len(files: &[&LocalFile]) -> usize {
    let mut total = 0;
    files
        .iter()
        .take(REVISE_MAX_FILES)
        .take_while(|f| {
            total += f.bytes;
            total <= REVISE_MAX_BYTES
        })
        .count()
        .max(1)
}

/// `package_revise` adding `files` as new resources, in order, with their uploads. The
/// `match` makes CKAN refuse it unless the dataset is `dataset` (`id` or `name`) and still has
/// the `metadata_modified` we last saw: a revise never lands on a dataset that changed since
/// it was planned, so it never adds a second copy of a file.
fn revise_body(dataset: (&str, &str), modified: &str, files: &[&LocalFile]) -> ActionBody {
    let matching = json!({ dataset.0: dataset.1, "metadata_modified": modified });
    let resources: Vec<Value> = files.iter().map(|f| resource_json(f)).collect();
    // CKAN applies the `__extend` key first, so the upload keys then name the new resources
    // from the end of the list: -n for the first of n, -1 for the last.
    let n = files.len();
    let uploads = files
        .iter()
        .enumerate()
        .map(|(i, f)| upload_file(f, format!("update__resources__-{}__upload", n - i)))
        .collect();
    ActionBody::Upload {
        fields: vec![
            ("match".into(), matching.to_string()),
            (
                "update__resources__extend".into(),
                Value::Array(resources).to_string(),
            ),
        ],
        files: uploads,
    }
}

/// A transport failure, a 5xx or an unreadable answer: the write may have been applied.
fn ambiguous(e: &CkanError) -> bool {
    matches!(e.kind, ErrorKind::Transport | ErrorKind::Unexpected)
        || e.status.is_some_and(|s| s >= 500 || s == 408 || s == 429)
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Adds `files` to the dataset as new resources: `package_revise` batches (see
/// [`batch_len`]), each sent once and applied only if the dataset still has the
/// `metadata_modified` it was planned from (`modified`); without `package_revise`, or without
/// a `metadata_modified` to match, one `resource_create` per file.
async fn add_files(
    ctx: &Ctx,
    name: &str,
    id: Option<&str>,
    mut modified: Option<String>,
    files: &[&LocalFile],
    views: &mut ViewsDue,
) -> Result<(), Failure> {
    let dataset = id.map_or(("name", name), |id| ("id", id));
    let mut rest = files;
    while !rest.is_empty() && ctx.revise.load(Ordering::SeqCst) {
        let Some(since) = modified.as_deref() else {
            break;
        };
        if ctx.stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let (batch, after) = rest.split_at(batch_len(rest));
        let mut rec = ActionRecord::about(name, None, "package_revise");
        rec.resources = batch.iter().map(|f| f.key.clone()).collect();
        match ctx
            .call(rec, revise_body(dataset, since, batch), Replay::Once)
            .await
        {
            Ok(mut v) => {
                modified = v.get("package").and_then(|p| text(p, "metadata_modified"));
                views.due = true;
                views.revised = Some(v["package"].take());
                rest = after;
            }
            Err(e) if e.is_unknown_action() => ctx.revise.store(false, Ordering::SeqCst),
            Err(e) if e.is_refused_match() => return Err(Failure::Ambiguous(e)),
            Err(e) if ambiguous(&e) => {
                // It may have landed: the files then need their views too.
                views.due = true;
                return Err(Failure::Ambiguous(e));
            }
            Err(_) => return Err(Failure::Fatal),
        }
    }
    for f in rest {
        if ctx.stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let mut fields = resource_fields(f);
        fields.push(("package_id".into(), id.unwrap_or(name).to_string()));
        let rec = ActionRecord::about(name, Some(&f.key), "resource_create");
        match ctx.call(rec, upload(f, fields), Replay::Once).await {
            Ok(_) => {}
            Err(e) if ambiguous(&e) => return Err(Failure::Ambiguous(e)),
            Err(_) => return Err(Failure::Fatal),
        }
    }
    Ok(())
}

async fn execute(
    ctx: &Ctx,
    local: &LocalDataset,
    plan: &DatasetPlan,
    remote: Option<&Map<String, Value>>,
    views: &mut ViewsDue,
) -> Result<(), Failure> {
    let name = local.name.as_str();
    let mut id = plan.remote_id.clone();
    // The dataset as last seen; the dataset-level writes answer with its new value.
    let mut modified =
        remote.and_then(|r| r.get("metadata_modified")?.as_str().map(str::to_string));
    if plan.action == DatasetAction::Create {
        let body = ActionBody::Json(Value::Object(local.package.clone()));
        let rec = ActionRecord::about(name, None, "package_create");
        match ctx.call(rec, body, Replay::Safe).await {
            Ok(v) => {
                id = text(&v, "id");
                modified = text(&v, "metadata_modified");
            }
            // A retried create whose first attempt was applied, or a run that died after it.
            Err(e) if e.has_field_error("name", "already in use") => {
                return Err(Failure::Ambiguous(e))
            }
            Err(e) if ambiguous(&e) => return Err(Failure::Ambiguous(e)),
            Err(_) => return Err(Failure::Fatal),
        }
    } else if !plan.changed.is_empty() {
        let mut body = Map::new();
        body.insert("id".into(), id.clone().unwrap_or_default().into());
        for k in &plan.changed {
            let v = if k == "state" {
                Value::from("active")
            } else {
                local.package.get(k).cloned().unwrap_or(Value::Null)
            };
            body.insert(k.clone(), v);
        }
        let rec = ActionRecord::about(name, None, "package_patch");
        let v = ctx
            .call(rec, ActionBody::Json(Value::Object(body)), Replay::Safe)
            .await
            .map_err(|_| Failure::Fatal)?;
        modified = text(&v, "metadata_modified");
    }
    // New files first, while `modified` is current: the resource writes below change it.
    let new: Vec<&LocalFile> = plan
        .resources
        .iter()
        .filter(|rp| rp.action == ResourceAction::Create)
        .filter_map(|rp| local.files.iter().find(|f| f.key == rp.key))
        .collect();
    add_files(ctx, name, id.as_deref(), modified, &new, views).await?;
    for rp in &plan.resources {
        if ctx.stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let file = local.files.iter().find(|f| f.key == rp.key);
        let key = Some(rp.key.as_str());
        match (rp.action, file) {
            (ResourceAction::Upload, Some(f)) => {
                let mut fields = resource_fields(f);
                fields.push(("id".into(), rp.remote_id.clone().unwrap_or_default()));
                let rec = ActionRecord::about(name, key, "resource_patch");
                ctx.call(rec, upload(f, fields), Replay::Safe)
                    .await
                    .map_err(|_| Failure::Fatal)?;
            }
            (ResourceAction::Update, Some(f)) => {
                let mut body = Map::new();
                body.insert("id".into(), rp.remote_id.clone().unwrap_or_default().into());
                for k in &rp.changed {
                    body.insert(k.clone(), f.resource.get(k).cloned().unwrap_or(Value::Null));
                }
                let rec = ActionRecord::about(name, key, "resource_patch");
                ctx.call(rec, ActionBody::Json(Value::Object(body)), Replay::Safe)
                    .await
                    .map_err(|_| Failure::Fatal)?;
            }
            // A second copy of our own file always goes; a foreign one only with --prune.
            (ResourceAction::Duplicate, _) | (ResourceAction::Extra, _)
                if rp.action == ResourceAction::Duplicate || ctx.prune =>
            {
                let body = ActionBody::Json(json!({ "id": rp.remote_id }));
                let rec = ActionRecord::about(name, key, "resource_delete");
                match ctx.call(rec, body, Replay::Safe).await {
                    Ok(_) => {}
                    // Already gone: a previous run deleted it before dying.
                    Err(e) if e.kind == ErrorKind::NotFound => {}
                    Err(_) => return Err(Failure::Fatal),
                }
            }
            (ResourceAction::Extra, _) => {
                let mut rec = ActionRecord::about(name, key, "extra");
                rec.outcome = "reported".into();
                ctx.record(rec);
            }
            _ => {}
        }
    }
    Ok(())
}

/// Reconciliation rounds per dataset: each re-reads the portal after an ambiguous failure.
const ROUNDS: usize = 4;

/// Writes still pending in a plan.
fn pending(plan: &DatasetPlan) -> usize {
    usize::from(plan.action == DatasetAction::Create)
        + plan.changed.len()
        + plan
            .resources
            .iter()
            .filter(|r| !matches!(r.action, ResourceAction::Unchanged | ResourceAction::Extra))
            .count()
}

/// True when carrying out `plan` writes to the portal.
fn writes(plan: &DatasetPlan, prune: bool) -> bool {
    plan.has_changes() || (prune && plan.count(ResourceAction::Extra) > 0)
}

/// Reads the dataset with `package_show` and records the read (`outcome` when it answers).
async fn read(
    ctx: &Ctx,
    name: &str,
    outcome: &str,
) -> Result<Option<Map<String, Value>>, CkanError> {
    let (r, record) = show(&ctx.client, name, outcome).await;
    ctx.record(record);
    r
}

async fn sync_dataset(ctx: Arc<Ctx>, local: LocalDataset, start: RemoteDataset) -> bool {
    let RemoteDataset {
        package: mut remote,
        mut confirmed,
    } = start;
    let mut last: Option<CkanError> = None;
    let mut views = ViewsDue::default();
    // Give up after ROUNDS ambiguous failures in a row that made no progress; the total stays
    // bounded because every round with progress removes at least one pending write.
    let mut stalled = 0;
    let mut before = usize::MAX;
    let max_rounds = ROUNDS + 2 * (local.files.len() + 1);
    for _ in 0..max_rounds {
        if stalled >= ROUNDS {
            break;
        }
        if ctx.stop.load(Ordering::SeqCst) {
            return false;
        }
        let mut plan = diff_dataset(&local, remote.as_ref());
        // The search index may lag behind the portal: before the first write to a dataset it
        // listed, read the dataset itself and plan from that. (One it does not list is
        // created without a read: a name already taken makes the create fail, then it is read.)
        if !confirmed && remote.is_some() && writes(&plan, ctx.prune) {
            match read(&ctx, &local.name, "ok").await {
                Ok(r) => {
                    remote = r;
                    views.revised = None;
                }
                Err(_) => return false,
            }
            plan = diff_dataset(&local, remote.as_ref());
        }
        let now = pending(&plan);
        stalled = if now < before { 1 } else { stalled + 1 };
        before = now;
        let failure = if writes(&plan, ctx.prune) || plan.count(ResourceAction::Extra) > 0 {
            execute(&ctx, &local, &plan, remote.as_ref(), &mut views)
                .await
                .err()
        } else {
            None
        };
        match failure {
            None => {
                if views.due {
                    let package = views.revised.take();
                    let package = package.or_else(|| remote.clone().map(Value::Object));
                    create_views(&ctx, &local.name, package.unwrap_or_default()).await;
                }
                return !ctx.stop.load(Ordering::SeqCst);
            }
            Some(Failure::Fatal) => return false,
            Some(Failure::Ambiguous(e)) => {
                last = Some(e);
                // Read what the portal now holds, then plan again from there. Should the read
                // fail, the next round reads before writing: nothing is sent twice blindly.
                match read(&ctx, &local.name, "reconciled").await {
                    Ok(r) => {
                        remote = r;
                        confirmed = true;
                        views.revised = None;
                    }
                    Err(e) => {
                        last = Some(e);
                        confirmed = false;
                    }
                }
            }
        }
    }
    if let Some(e) = last {
        ctx.record(ActionRecord {
            outcome: "failed".into(),
            status: e.status,
            attempts: ROUNDS as u32,
            error: Some(format!(
                "gave up after {ROUNDS} tries without progress: {e}"
            )),
            ..ActionRecord::about(&local.name, None, "sync")
        });
    }
    false
}

/// Applies the differences: datasets in parallel up to `opts.concurrency`, the writes of one
/// dataset in order. Stops everything on an authorisation error. `sink` sees every action as
/// it finishes (for progress and the report).
pub async fn apply(
    client: &CkanClient,
    local: &[LocalDataset],
    remote: &RemoteState,
    opts: &ApplyOpts,
    sink: Sink,
) -> RunSummary {
    let ctx = Arc::new(Ctx {
        client: client.clone(),
        prune: opts.prune,
        revise: AtomicBool::new(opts.revise),
        sink,
        stop: Arc::new(AtomicBool::new(false)),
        records: std::sync::Mutex::new(Vec::new()),
    });
    let sem = Arc::new(tokio::sync::Semaphore::new(opts.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for ds in local {
        let r = remote.get(&ds.name).cloned().unwrap_or_default();
        let (ctx, sem, ds) = (ctx.clone(), sem.clone(), ds.clone());
        tasks.spawn(async move {
            let _permit = sem.acquire_owned().await;
            let name = ds.name.clone();
            (name, sync_dataset(ctx, ds, r).await)
        });
    }
    let mut failed = Vec::new();
    while let Some(j) = tasks.join_next().await {
        match j {
            Ok((_, true)) => {}
            Ok((name, false)) => failed.push(name),
            Err(e) => failed.push(format!("(task: {e})")),
        }
    }
    failed.sort();
    let actions = ctx.records.lock().map(|r| r.clone()).unwrap_or_default();
    RunSummary {
        actions,
        failed_datasets: failed,
        stopped_on_auth: ctx.stop.load(Ordering::SeqCst),
    }
}

/// Checks, before any write, that the portal answers and that the token may create datasets
/// in every organisation the datasets belong to.
pub async fn preflight(
    client: &CkanClient,
    local: &[LocalDataset],
    has_token: bool,
) -> Result<crate::ckan::api::Status, Error> {
    let status = client.status_show().await.map_err(Error::Unreachable)?;
    if !has_token {
        return Err(Error::NoToken);
    }
    let orgs: BTreeSet<&str> = local
        .iter()
        .filter_map(|d| d.package.get("owner_org").and_then(Value::as_str))
        .collect();
    let allowed = client
        .action(
            "organization_list_for_user",
            ActionBody::Json(json!({ "permission": "create_dataset" })),
            Replay::Safe,
        )
        .await;
    let allowed = match allowed {
        Ok(v) => v,
        Err(e) if e.is_auth() => {
            let first = orgs.iter().next().copied().unwrap_or_default();
            return Err(Error::CannotWrite(first.to_string()));
        }
        Err(e) => return Err(Error::Portal(e)),
    };
    let names: BTreeSet<&str> = allowed
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|o| [o.get("name"), o.get("id")])
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if let Some(org) = orgs.iter().find(|o| !names.contains(*o)) {
        return Err(Error::CannotWrite(org.to_string()));
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local() -> LocalDataset {
        let mut package = Map::new();
        package.insert("name".into(), "ds".into());
        package.insert("title".into(), "Titre".into());
        package.insert("notes".into(), "Texte\n".into());
        package.insert("owner_org".into(), "org".into());
        package.insert("private".into(), false.into());
        package.insert("tags".into(), json!([{"name": "b"}, {"name": "a"}]));
        package.insert("extras".into(), json!([{"key": "x", "value": "1"}]));
        let resource = json!({
            "name": "Jalons (CSV)", "format": "CSV", "hash": "abc", "url": "jalons.csv", "taille_entier": 0
        });
        LocalDataset {
            name: "ds".into(),
            package,
            files: vec![LocalFile {
                key: "jalons.csv".into(),
                path: "jalons.csv".into(),
                resource: resource.as_object().cloned().unwrap(),
                sha256: "abc".into(),
                bytes: 3,
            }],
        }
    }

    /// What CKAN echoes for `local()`: ids, tag objects, the organisation by id, numbers as
    /// text, server fields and the upload URL.
    fn echo() -> Map<String, Value> {
        json!({
            "id": "p-1", "name": "ds", "title": "Titre", "notes": "Texte", "state": "active",
            "owner_org": "4f1c-uuid", "organization": {"id": "4f1c-uuid", "name": "org"},
            "private": false, "metadata_modified": "2026-11-27T00:00:00",
            "tags": [{"id": "t1", "name": "a", "display_name": "a"}, {"id": "t2", "name": "b"}],
            "extras": [{"key": "x", "value": "1"}],
            "resources": [{
                "id": "r-1", "name": "Jalons (CSV)", "format": "CSV", "hash": "abc", "taille_entier": "0",
                "url": "http://127.0.0.1:5000/dataset/p-1/resource/r-1/download/jalons.csv",
                "size": 3, "mimetype": "text/csv"
            }]
        })
        .as_object()
        .cloned()
        .unwrap()
    }

    #[test]
    fn missing_dataset_is_created_with_every_file() {
        let p = diff_dataset(&local(), None);
        assert_eq!(p.action, DatasetAction::Create);
        assert_eq!(p.count(ResourceAction::Create), 1);
    }

    #[test]
    fn ckan_echo_of_what_we_sent_is_unchanged() {
        let p = diff_dataset(&local(), Some(&echo()));
        assert_eq!(p.action, DatasetAction::Unchanged, "{p:?}");
        assert!(p.changed.is_empty());
        assert_eq!(p.resources[0].action, ResourceAction::Unchanged);
        assert_eq!(p.resources[0].remote_id.as_deref(), Some("r-1"));
    }

    #[test]
    fn changed_keys_and_content_are_named() {
        let mut remote = echo();
        remote.insert("title".into(), "Autre".into());
        remote.insert("tags".into(), json!([{"name": "a"}]));
        remote["resources"][0]["hash"] = "old".into();
        let p = diff_dataset(&local(), Some(&remote));
        assert_eq!(p.action, DatasetAction::Update);
        assert_eq!(p.changed, vec!["tags".to_string(), "title".to_string()]);
        assert_eq!(p.resources[0].action, ResourceAction::Upload);
        assert_eq!(p.resources[0].changed, vec!["hash".to_string()]);
    }

    #[test]
    fn metadata_only_resource_change_is_a_patch_without_upload() {
        let mut remote = echo();
        remote["resources"][0]["name"] = "Old name".into();
        let p = diff_dataset(&local(), Some(&remote));
        assert_eq!(p.resources[0].action, ResourceAction::Update);
        assert_eq!(p.resources[0].changed, vec!["name".to_string()]);
    }

    #[test]
    fn unknown_remote_resources_are_extra_and_copies_of_ours_are_duplicates() {
        let mut remote = echo();
        let dup = remote["resources"][0].clone();
        let mut other = dup.clone();
        other["id"] = "r-9".into();
        other["url"] = "http://h/dataset/p-1/resource/r-9/download/old%20file.csv".into();
        let mut dup2 = dup;
        dup2["id"] = "r-2".into();
        remote["resources"]
            .as_array_mut()
            .unwrap()
            .extend([dup2, other]);
        let p = diff_dataset(&local(), Some(&remote));
        // The copy of our file is removed on this push; the foreign file only with --prune.
        assert_eq!(p.action, DatasetAction::Update);
        let of = |action| -> Vec<(&str, Option<&str>)> {
            p.resources
                .iter()
                .filter(|r| r.action == action)
                .map(|r| (r.key.as_str(), r.remote_id.as_deref()))
                .collect()
        };
        assert_eq!(
            of(ResourceAction::Duplicate),
            vec![("jalons.csv", Some("r-2"))]
        );
        assert_eq!(
            of(ResourceAction::Extra),
            vec![("old file.csv", Some("r-9"))]
        );
        // The first copy is the one kept and compared.
        assert_eq!(of(ResourceAction::Unchanged).len(), 1);
        assert_eq!(p.resources[0].remote_id.as_deref(), Some("r-1"));
    }

    fn file(key: &str, bytes: u64) -> LocalFile {
        let mut f = local().files.remove(0);
        f.key = key.into();
        f.path = key.into();
        f.bytes = bytes;
        f
    }

    #[test]
    fn a_multiple_choice_field_goes_as_a_list_in_json_and_one_form_field_per_item() {
        let mut f = file("dictionnaire-donnees.csv", 10);
        f.resource.insert(
            "relidi_ressource_complementaire".into(),
            json!(["relidi.rescom", "autre"]),
        );
        f.resource.insert("taille_entier".into(), json!(0));
        let form: Vec<(String, String)> = resource_fields(&f)
            .into_iter()
            .filter(|(k, _)| k.starts_with("relidi") || k == "taille_entier")
            .collect();
        let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(
            form,
            [
                pair("relidi_ressource_complementaire", "relidi.rescom"),
                pair("relidi_ressource_complementaire", "autre"),
                pair("taille_entier", "0"),
            ]
        );
        let body = resource_json(&f);
        assert_eq!(
            body["relidi_ressource_complementaire"],
            json!(["relidi.rescom", "autre"])
        );
        assert_eq!(body["taille_entier"], json!("0"));
        assert!(body.get("url").is_none());
    }

    #[test]
    fn revise_batches_keep_the_order_and_stay_within_the_upload_limit() {
        let lens = |sizes: &[u64]| {
            let files: Vec<LocalFile> = sizes.iter().map(|b| file("f", *b)).collect();
            let mut rest: Vec<&LocalFile> = files.iter().collect();
            let mut out = Vec::new();
            while !rest.is_empty() {
                let n = batch_len(&rest);
                out.push(n);
                rest.drain(..n);
            }
            out
        };
        let mib = 1024 * 1024;
        assert_eq!(lens(&[40_000; 7]), [7]);
        assert_eq!(lens(&[4 * mib, 4 * mib, 4 * mib]), [2, 1]);
        // A file the portal may refuse as too large goes alone.
        assert_eq!(lens(&[1, 12 * mib, 1, 1]), [1, 1, 2]);
        assert_eq!(lens(&[1; 2500]), [999, 999, 502]);
    }

    #[test]
    fn a_revise_matches_the_last_read_and_attaches_each_file_to_its_new_resource() {
        let (a, b) = (file("a.csv", 3), file("b.json", 4));
        let ActionBody::Upload { fields, files } =
            revise_body(("id", "p-1"), "2026-11-27T00:00:00.123456", &[&a, &b])
        else {
            panic!("not an upload")
        };
        let field = |k: &str| -> Value {
            let (_, v) = fields.iter().find(|(name, _)| name == k).unwrap();
            serde_json::from_str(v).unwrap()
        };
        assert_eq!(
            field("match"),
            json!({"id": "p-1", "metadata_modified": "2026-11-27T00:00:00.123456"})
        );
        // Owned fields as text (as a form sends them), no `url`: the upload sets it.
        let resource =
            json!({"name": "Jalons (CSV)", "format": "CSV", "hash": "abc", "taille_entier": "0"});
        assert_eq!(
            field("update__resources__extend"),
            json!([resource, resource])
        );
        let parts: Vec<(&str, &str)> = files
            .iter()
            .map(|f| (f.field.as_str(), f.file_name.as_str()))
            .collect();
        assert_eq!(
            parts,
            [
                ("update__resources__-2__upload", "a.csv"),
                ("update__resources__-1__upload", "b.json")
            ]
        );
    }

    #[test]
    fn a_deleted_dataset_is_brought_back() {
        let mut remote = echo();
        remote.insert("state".into(), "deleted".into());
        let p = diff_dataset(&local(), Some(&remote));
        assert_eq!(p.changed, vec!["state".to_string()]);
    }
}
