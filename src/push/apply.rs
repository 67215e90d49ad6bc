//! Applying a plan: creates, patches and uploads, dataset by dataset, with every write
//! reported, a lost answer reconciled by reading, never by sending twice.

use super::datastore::{self, TableAction};
use super::plan::{is_table, owned_resource_keys, remote_key};
use super::snapshot::show;
use super::{
    diff_dataset, DatasetAction, DatasetPlan, LocalDataset, LocalFile, LocalTable, RemoteDataset,
    RemoteState, ResourceAction,
};
use crate::ckan::client::{ActionBody, CkanClient, Replay, UploadFile};
use crate::ckan::{CkanError, ErrorKind};
use crate::i18n::Text;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// One line of the run report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ActionRecord {
    /// Dataset name (empty for the search, which concerns every dataset).
    pub dataset: String,
    /// Resource key (file name), for actions on one resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Resource keys (file names) a `package_revise` adds or changes, in order.
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
    /// What went wrong, in English (the report file is read by programs and by people who
    /// search the portal's own messages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What went wrong, to be written in the reader's language.
    #[serde(skip)]
    pub cause: Option<Text>,
}

impl ActionRecord {
    /// Records what went wrong.
    pub(crate) fn fail(&mut self, cause: Text) {
        self.error = Some(cause.render(crate::model::Lang::En));
        self.cause = Some(cause);
    }

    /// A line about `action` on `dataset` (and one of its resources), before it is sent.
    pub(super) fn about(dataset: &str, resource: Option<&str>, action: &str) -> Self {
        ActionRecord {
            dataset: dataset.into(),
            resource: resource.map(str::to_string),
            action: action.into(),
            ..ActionRecord::default()
        }
    }

    /// True for the actions that change the portal (not reads, not reported extras).
    pub fn is_write(&self) -> bool {
        !(crate::ckan::client::is_read(&self.action)
            || matches!(self.action.as_str(), "extra" | "sync"))
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

pub(super) struct Ctx {
    client: CkanClient,
    prune: bool,
    revise: AtomicBool,
    sink: Sink,
    stop: Arc<AtomicBool>,
    records: std::sync::Mutex<Vec<ActionRecord>>,
}

/// An action's failure, as seen by the dataset loop.
pub(super) enum Failure {
    /// The portal may or may not have applied it, or the dataset changed since it was read:
    /// read again and re-plan.
    Ambiguous(CkanError),
    /// Give up on this dataset (the failure is already recorded).
    Fatal,
}

impl Ctx {
    pub(super) fn record(&self, rec: ActionRecord) {
        (self.sink)(&rec);
        if let Ok(mut r) = self.records.lock() {
            r.push(rec);
        }
    }

    /// Sends the action `rec` is about and records how it went.
    pub(super) async fn call(
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
            Err(e) => ("failed", Some(e.text())),
        };
        rec.outcome = outcome.into();
        rec.status = match &r {
            Ok(_) => Some(200),
            Err(e) => e.status,
        };
        rec.attempts = attempts.max(1);
        rec.duration_ms = start.elapsed().as_millis() as u64;
        if let Some(cause) = error {
            rec.fail(cause);
        }
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
pub(super) fn resource_fields(file: &LocalFile) -> Vec<(String, String)> {
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
pub(super) fn resource_json(file: &LocalFile) -> Map<String, Value> {
    owned_resource_keys(file)
        .map(|k| {
            let v = match &file.resource[k] {
                list @ Value::Array(_) => list.clone(),
                scalar => Value::String(form_text(scalar)),
            };
            (k.clone(), v)
        })
        .collect()
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
    /// Resources whose DataStore table this run loaded or updated: the dataset last seen may
    /// not say `datastore_active` yet, and the DataStore views need it.
    loaded: BTreeSet<String>,
}

/// `resource_create` gives a new resource the portal's default views (a text or image
/// preview, per `ckan.views.default_views`); `package_revise` does not, so they are asked for
/// once per dataset, after its last write, from the dataset as last seen. CKAN skips a view
/// type a resource already has, so asking again is harmless. The files are published either
/// way: a refusal is reported (outcome `failed`) without failing the dataset.
async fn create_views(ctx: &Ctx, name: &str, mut package: Value, loaded: &BTreeSet<String>) {
    if !package.is_object() || ctx.stop.load(Ordering::SeqCst) {
        return;
    }
    let resources = package.get_mut("resources").and_then(Value::as_array_mut);
    for r in resources.into_iter().flatten() {
        if text(r, "id").is_some_and(|id| loaded.contains(&id)) {
            r["datastore_active"] = true.into();
        }
    }
    let body = json!({ "package": package, "create_datastore_views": !loaded.is_empty() });
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

/// How many of the next writes (at least one) a `package_revise` carries, given the bytes
/// each uploads (0 for one that uploads nothing).
pub(super) fn batch_len(uploads: impl IntoIterator<Item = u64>) -> usize {
    let mut total = 0;
    uploads
        .into_iter()
        .take(REVISE_MAX_FILES)
        .take_while(|bytes| {
            total += bytes;
            total <= REVISE_MAX_BYTES
        })
        .count()
        .max(1)
}

/// `package_revise` adding `files` as new resources, in order, with their uploads. The
/// `match` makes CKAN refuse it unless the dataset is `dataset` (`id` or `name`) and still has
/// the `metadata_modified` we last saw: a revise never lands on a dataset that changed since
/// it was planned, so it never adds a second copy of a file.
pub(super) fn revise_body(
    dataset: (&str, &str),
    modified: &str,
    files: &[&LocalFile],
) -> ActionBody {
    let matching = json!({ dataset.0: dataset.1, "metadata_modified": modified });
    let resources: Vec<Value> = files
        .iter()
        .map(|f| Value::Object(resource_json(f)))
        .collect();
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

/// Sends one `package_revise` guarded by `metadata_modified`, once: the dataset as revised;
/// `None` when the portal does not know the action (it gets one request per file for the
/// rest of the run); an ambiguous failure when CKAN refused the match (the dataset changed
/// since it was read) or the revise may have landed, so the dataset is read and planned again.
async fn send_revise(
    ctx: &Ctx,
    rec: ActionRecord,
    body: ActionBody,
) -> Result<Option<Value>, Failure> {
    match ctx.call(rec, body, Replay::Once).await {
        Ok(mut v) => Ok(Some(v["package"].take())),
        Err(e) if e.is_unknown_action() => {
            ctx.revise.store(false, Ordering::SeqCst);
            Ok(None)
        }
        Err(e) if e.is_refused_match() || ambiguous(&e) => Err(Failure::Ambiguous(e)),
        Err(_) => Err(Failure::Fatal),
    }
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
) -> Result<Option<String>, Failure> {
    let dataset = id.map_or(("name", name), |id| ("id", id));
    let mut rest = files;
    while !rest.is_empty() && ctx.revise.load(Ordering::SeqCst) {
        let Some(since) = modified.as_deref() else {
            break;
        };
        if ctx.stop.load(Ordering::SeqCst) {
            return Ok(None);
        }
        let (batch, after) = rest.split_at(batch_len(rest.iter().map(|f| f.bytes)));
        let mut rec = ActionRecord::about(name, None, "package_revise");
        rec.resources = batch.iter().map(|f| f.key.clone()).collect();
        match send_revise(ctx, rec, revise_body(dataset, since, batch)).await {
            Ok(Some(package)) => {
                modified = text(&package, "metadata_modified");
                views.due = true;
                views.revised = Some(package);
                rest = after;
            }
            Ok(None) => {}
            Err(Failure::Ambiguous(e)) => {
                // It may have landed (unless refused as stale): the files then need their
                // views too.
                views.due |= !e.is_refused_match();
                return Err(Failure::Ambiguous(e));
            }
            Err(fatal) => return Err(fatal),
        }
    }
    if !rest.is_empty() {
        // Files added one by one: the dataset changed since `modified`.
        modified = None;
    }
    for f in rest {
        if ctx.stop.load(Ordering::SeqCst) {
            return Ok(None);
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
    Ok(modified)
}

/// A change to one resource already on the portal: the fields to set and, when its content
/// changed, the file to upload.
struct Change<'a> {
    id: String,
    file: &'a LocalFile,
    fields: Map<String, Value>,
    upload: bool,
}

impl<'a> Change<'a> {
    /// The file's new content, with every field we own.
    fn upload(id: String, file: &'a LocalFile) -> Self {
        Change {
            id,
            file,
            fields: resource_json(file),
            upload: true,
        }
    }

    /// Only the fields named in `keys`.
    fn fields(id: String, file: &'a LocalFile, keys: &[String]) -> Self {
        let mut fields = resource_json(file);
        fields.retain(|k, _| keys.contains(k));
        Change {
            id,
            file,
            fields,
            upload: false,
        }
    }
}

/// `package_revise` applying `changes` to the dataset `id`, only if it still has the
/// `metadata_modified` we last saw: each resource's fields as one JSON object
/// (`update__resources__<id>`), its file as `update__resources__<id>__upload`.
fn change_body(id: &str, modified: &str, changes: &[Change]) -> ActionBody {
    let matching = json!({ "id": id, "metadata_modified": modified });
    let mut fields = vec![("match".to_string(), matching.to_string())];
    let mut files = Vec::new();
    for c in changes {
        let key = format!("update__resources__{}", c.id);
        fields.push((key.clone(), Value::Object(c.fields.clone()).to_string()));
        if c.upload {
            files.push(upload_file(c.file, format!("{key}__upload")));
        }
    }
    ActionBody::Upload { fields, files }
}

/// Applies `changes` to resources of the dataset: in `package_revise` batches guarded by
/// `metadata_modified`, like new files (a file uploaded this way does not fire the hooks of
/// loaders such as ckanext-xloader, which would replace the DataStore table and the `hash`);
/// without `package_revise`, one `resource_patch` each.
async fn change_files(
    ctx: &Ctx,
    name: &str,
    id: Option<&str>,
    mut modified: Option<String>,
    changes: &[Change<'_>],
    views: &mut ViewsDue,
) -> Result<(), Failure> {
    let mut rest = changes;
    while !rest.is_empty() && ctx.revise.load(Ordering::SeqCst) {
        let (Some(since), Some(id)) = (modified.as_deref(), id) else {
            break;
        };
        if ctx.stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let uploads = rest.iter().map(|c| if c.upload { c.file.bytes } else { 0 });
        let (batch, after) = rest.split_at(batch_len(uploads));
        let mut rec = ActionRecord::about(name, None, "package_revise");
        rec.resources = batch.iter().map(|c| c.file.key.clone()).collect();
        if let Some(package) = send_revise(ctx, rec, change_body(id, since, batch)).await? {
            modified = text(&package, "metadata_modified");
            views.revised = Some(package);
            rest = after;
        }
    }
    for c in rest {
        if ctx.stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let rec = ActionRecord::about(name, Some(&c.file.key), "resource_patch");
        let body = if c.upload {
            let mut fields = resource_fields(c.file);
            fields.push(("id".into(), c.id.clone()));
            upload(c.file, fields)
        } else {
            let mut body = c.fields.clone();
            body.insert("id".into(), c.id.clone().into());
            ActionBody::Json(Value::Object(body))
        };
        ctx.call(rec, body, Replay::Safe)
            .await
            .map_err(|_| Failure::Fatal)?;
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
    // New files first, while `modified` is current: the resource writes below change it. A
    // data table goes up without its hash, which vouches for a DataStore table not loaded yet.
    let new: Vec<LocalFile> = plan
        .resources
        .iter()
        .filter(|rp| rp.action == ResourceAction::Create)
        .filter_map(|rp| local.files.iter().find(|f| f.key == rp.key))
        .map(|f| {
            let mut f = f.clone();
            if is_table(local, &f.key) {
                f.resource.insert("hash".into(), "".into());
            }
            f
        })
        .collect();
    let fresh: Vec<&LocalFile> = new.iter().filter(|f| is_table(local, &f.key)).collect();
    let new: Vec<&LocalFile> = new.iter().collect();
    let mut modified = add_files(ctx, name, id.as_deref(), modified, &new, views).await?;
    // Then the DataStore, before any hash that vouches for it is written.
    let tables: Vec<(&LocalTable, TableAction)> = plan
        .resources
        .iter()
        .filter_map(|rp| {
            let action = rp.datastore.filter(|d| *d != TableAction::Unchanged)?;
            let spec = local.datastore.as_ref()?;
            Some((spec.tables.iter().find(|t| t.file == rp.key)?, action))
        })
        .collect();
    let mut ids = BTreeMap::new();
    if !tables.is_empty() {
        let wanted: Vec<&str> = tables.iter().map(|t| t.0.file.as_str()).collect();
        ids = resource_ids(ctx, name, views.revised.as_ref(), remote, &wanted).await?;
        let mut wrote = 0;
        for &(table, action) in &tables {
            let Some(rid) = ids.get(&table.file) else {
                return Err(Failure::Fatal);
            };
            // Brought up to date earlier in this run (before a refused revise, say).
            if views.loaded.contains(rid) {
                continue;
            }
            let dir = local.files.iter().find(|f| f.key == table.file);
            let dir = dir.and_then(|f| f.path.parent()).unwrap_or(Path::new("."));
            wrote += datastore::sync_table(ctx, local, table, rid, action, dir).await?;
            views.loaded.insert(rid.clone());
        }
        // A new DataStore table may get the portal's DataStore views (a table preview).
        if tables.iter().any(|(_, a)| *a == TableAction::Load) {
            views.due = true;
        }
        // CKAN 2.12 counts a DataStore write as a change of the dataset (a new
        // `metadata_modified`): read it again, or the revise below would be refused.
        if wrote > 0 && modified.is_some() {
            match read(ctx, name, "ok").await {
                Ok(Some(p)) => {
                    modified = p
                        .get("metadata_modified")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    views.revised = Some(Value::Object(p));
                }
                _ => return Err(Failure::Fatal),
            }
        }
    }
    // The changed files and fields, and the hash of each data table this run added, in one
    // `package_revise` (or one `resource_patch` each on a portal without it).
    let mut changes = Vec::new();
    for rp in &plan.resources {
        let Some(f) = local.files.iter().find(|f| f.key == rp.key) else {
            continue;
        };
        let id = rp.remote_id.clone().unwrap_or_default();
        match rp.action {
            ResourceAction::Upload => changes.push(Change::upload(id, f)),
            ResourceAction::Update => changes.push(Change::fields(id, f, &rp.changed)),
            _ => {}
        }
    }
    for f in &fresh {
        if let Some(id) = ids.get(&f.key) {
            let ours = local.files.iter().find(|l| l.key == f.key).unwrap_or(f);
            changes.push(Change::fields(id.clone(), ours, &["hash".to_string()]));
        }
    }
    change_files(ctx, name, id.as_deref(), modified, &changes, views).await?;
    for rp in &plan.resources {
        if ctx.stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let file = local.files.iter().find(|f| f.key == rp.key);
        let key = Some(rp.key.as_str());
        match (rp.action, file) {
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

/// The portal's id of each of the dataset's resources named in `wanted` (file names): from
/// the dataset as the last revise answered it, else as read before, else read now.
async fn resource_ids(
    ctx: &Ctx,
    name: &str,
    revised: Option<&Value>,
    remote: Option<&Map<String, Value>>,
    wanted: &[&str],
) -> Result<BTreeMap<String, String>, Failure> {
    let ids_of = |resources: Option<&Value>| -> BTreeMap<String, String> {
        let mut ids = BTreeMap::new();
        for r in resources.and_then(Value::as_array).into_iter().flatten() {
            if let (Some(key), Some(id)) = (remote_key(r), text(r, "id")) {
                ids.entry(key).or_insert(id);
            }
        }
        ids
    };
    let known = match revised {
        Some(p) => ids_of(p.get("resources")),
        None => ids_of(remote.and_then(|r| r.get("resources"))),
    };
    if wanted.iter().all(|k| known.contains_key(*k)) {
        return Ok(known);
    }
    match read(ctx, name, "ok").await {
        Ok(Some(p)) => Ok(ids_of(p.get("resources"))),
        _ => Err(Failure::Fatal),
    }
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
                    let package = package.unwrap_or_default();
                    create_views(&ctx, &local.name, package, &views.loaded).await;
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
        let mut rec = ActionRecord {
            outcome: "failed".into(),
            status: e.status,
            attempts: ROUNDS as u32,
            ..ActionRecord::about(&local.name, None, "sync")
        };
        rec.fail(crate::t!("push-gave-up", tries = ROUNDS, cause = e.text()));
        ctx.record(rec);
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
