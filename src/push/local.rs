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
            let bytes = std::fs::read(&path).map_err(|source| Error::DistMissing {
                path: path.clone(),
                source,
            })?;
            let sha256 = format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&bytes));
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
