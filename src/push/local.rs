//! The local side: the datasets of a built `dist/`, each file checked against the manifest so
//! that only the bytes the build produced are ever uploaded.

use crate::error::Error;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// A file of a dataset as the build wrote it.
#[derive(Debug, Clone)]
pub struct LocalFile {
    /// File name: the resource's key on the portal.
    pub key: String,
    /// Where it is.
    pub path: PathBuf,
    /// The resource dict from `package.json`.
    pub resource: Map<String, Value>,
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
    /// What goes into the DataStore (`datastore.json`); `None` when the plan's `datastore`
    /// is `off` or the portal has no DataStore.
    pub datastore: Option<DatastoreSpec>,
}

/// `datastore.json`: the data tables of a dataset and the file that documents them.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct DatastoreSpec {
    /// The data dictionary's file name.
    pub dictionary: String,
    /// The CSV data tables.
    pub tables: Vec<LocalTable>,
}

/// One CSV data table as the DataStore will hold it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct LocalTable {
    /// The CSV file (its resource's key).
    pub file: String,
    /// The column that identifies a row.
    pub primary_key: String,
    /// Its columns, as `datastore_create` takes them: `id`, `type`, `info`.
    pub fields: Vec<Map<String, Value>>,
}

impl LocalTable {
    /// Column names and DataStore types, in order.
    pub fn columns(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|f| {
            let text = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or_default();
            (text("id"), text("type"))
        })
    }
}

/// Reads a file of `dist/` whose manifest entry is `entry`, refusing one that differs from it.
fn read_checked(path: &Path, entry: &Value) -> Result<Vec<u8>, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::DistMissing {
        path: path.to_path_buf(),
        source,
    })?;
    let sha256 = format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&bytes));
    if (entry["bytes"].as_u64(), entry["sha256"].as_str())
        != (Some(bytes.len() as u64), Some(sha256.as_str()))
    {
        return Err(Error::DistTampered(path.to_path_buf()));
    }
    Ok(bytes)
}

fn read_json(path: &Path) -> Result<Value, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::DistMissing {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Error::DistMalformed(
            path.to_path_buf(),
            crate::t!("dist-bad-json", cause = e.to_string()),
        )
    })
}

/// Reads the datasets of a built `dist/`, checking every file against `manifest.json`, so only
/// the bytes the build produced are ever uploaded.
pub fn read_dist(dist: &Path) -> Result<Vec<LocalDataset>, Error> {
    let manifest_path = dist.join("manifest.json");
    let manifest = read_json(&manifest_path)?;
    let bad = |what: &str| {
        Error::DistMalformed(
            manifest_path.clone(),
            crate::t!("dist-no-member", member = what),
        )
    };
    let files = manifest["files"].as_object().ok_or_else(|| bad("files"))?;
    let names = manifest["datasets"]
        .as_object()
        .ok_or_else(|| bad("datasets"))?;
    let mut out = Vec::new();
    for name in names.keys() {
        let dir = dist.join("datasets").join(name);
        let pkg_path = dir.join("package.json");
        let Value::Object(mut package) = read_json(&pkg_path)? else {
            return Err(Error::DistMalformed(
                pkg_path,
                crate::t!("dist-not-an-object"),
            ));
        };
        let resources = match package.remove("resources") {
            Some(Value::Array(r)) => r,
            _ => {
                return Err(Error::DistMalformed(
                    pkg_path,
                    crate::t!("dist-no-resources"),
                ))
            }
        };
        let mut local_files = Vec::new();
        for r in resources {
            let Value::Object(resource) = r else {
                return Err(Error::DistMalformed(
                    pkg_path,
                    crate::t!("dist-resource-not-an-object"),
                ));
            };
            let key = resource
                .get("url")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    Error::DistMalformed(pkg_path.clone(), crate::t!("dist-resource-no-url"))
                })?
                .to_string();
            let path = dir.join(&key);
            let entry = &files[&format!("datasets/{name}/{key}")];
            let bytes = read_checked(&path, entry)?;
            if resource.get("hash") != entry.get("sha256") {
                return Err(Error::DistTampered(path));
            }
            local_files.push(LocalFile {
                key,
                path,
                resource,
                bytes: bytes.len() as u64,
            });
        }
        let spec_key = format!("datasets/{name}/{}", crate::model::DATASTORE_FILE);
        let datastore = match files.get(&spec_key) {
            Some(entry) => {
                let path = dir.join(crate::model::DATASTORE_FILE);
                let bytes = read_checked(&path, entry)?;
                let spec: DatastoreSpec = serde_json::from_slice(&bytes).map_err(|e| {
                    Error::DistMalformed(path, crate::t!("dist-bad-json", cause = e.to_string()))
                })?;
                Some(spec)
            }
            None => None,
        };
        out.push(LocalDataset {
            name: name.clone(),
            package,
            files: local_files,
            datastore,
        });
    }
    Ok(out)
}
