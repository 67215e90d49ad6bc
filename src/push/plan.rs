//! Comparing a local dataset with the portal's copy: only the fields we own, after normalising
//! what CKAN echoes back; file content by the SHA-256 kept in each resource's `hash`.

use super::datastore::{table_action, TableAction};
use super::{LocalDataset, LocalFile, RemoteState};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

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
    /// For a data table loaded into the DataStore, what its DataStore table needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datastore: Option<TableAction>,
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
pub(super) fn remote_key(resource: &Value) -> Option<String> {
    let url = resource.get("url")?.as_str()?;
    let name = url.rsplit('/').next()?;
    let name = name.split(['?', '#']).next()?;
    Some(
        percent_encoding::percent_decode_str(name)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// Keys of a package dict that `push` sends and compares.
fn owned_package_keys(local: &LocalDataset) -> impl Iterator<Item = &String> {
    local.package.keys().filter(|k| k.as_str() != "resources")
}

/// Keys of a resource dict that `push` sends as fields (the upload sets `url`).
pub(super) fn owned_resource_keys(file: &LocalFile) -> impl Iterator<Item = &String> {
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
                    datastore: is_table(local, &f.key).then_some(TableAction::Load),
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
    // The portal's copy of each local file, in order: `resources` starts with one entry per
    // local file in the same order (extras come after), so the two zip for the table actions.
    let mut theirs: Vec<Option<&Value>> = Vec::new();
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
                datastore: None,
            });
            theirs.push(None);
            continue;
        };
        matched.insert(i);
        theirs.push(Some(r));
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
            datastore: None,
        });
    }
    if let Some(spec) = &local.datastore {
        let dictionary_changed = resources.iter().any(|r| {
            r.key == spec.dictionary
                && matches!(r.action, ResourceAction::Create | ResourceAction::Upload)
        });
        for ((rp, f), r) in resources.iter_mut().zip(&local.files).zip(theirs) {
            if is_table(local, &f.key) {
                rp.datastore = Some(table_action(f.resource.get("hash"), r, dictionary_changed));
            }
        }
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
                datastore: None,
            });
        }
    }
    let writes = !changed.is_empty()
        || resources.iter().any(|r| {
            !matches!(r.action, ResourceAction::Unchanged | ResourceAction::Extra)
                || r.datastore.is_some_and(|d| d != TableAction::Unchanged)
        });
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

/// True when `key` is a data table the DataStore holds.
pub(super) fn is_table(local: &LocalDataset, key: &str) -> bool {
    local
        .datastore
        .as_ref()
        .is_some_and(|s| s.tables.iter().any(|t| t.file == key))
}

/// Compares every local dataset with the snapshot.
pub fn diff(local: &[LocalDataset], remote: &RemoteState) -> Vec<DatasetPlan> {
    local
        .iter()
        .map(|ds| diff_dataset(ds, remote.get(&ds.name).and_then(|r| r.package.as_ref())))
        .collect()
}
