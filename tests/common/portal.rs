//! The real CKAN servers the push tests use, started by `harness/ckan.sh` (run by
//! `scripts/test`), and helpers to make uniquely named catalogues for them.
#![allow(dead_code)]

use super::{read_tree, root};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// One CKAN configuration of the harness.
#[derive(Debug, Clone)]
pub struct Portal {
    /// `plain`, `dq`, or a CKAN version's core config (`v29`, `v210`, `v212`).
    pub config: &'static str,
    /// Base address.
    pub url: String,
    /// File holding the sysadmin token.
    pub token_file: PathBuf,
    /// The token (to prove it never leaks).
    pub token: String,
}

/// The harness's CKAN for `config` (`plain`: core CKAN 2.11; `dq`: scheming with the Données
/// Québec-like schema; `v29`, `v210`, `v212`: core CKAN 2.9, 2.10, 2.12). Panics with the fix
/// when the harness is not running: these tests must not pass without a server.
pub fn portal(config: &'static str) -> Portal {
    let var = |what: &str| format!("OGP_TEST_CKAN_{}_{what}", config.to_uppercase());
    let url = std::env::var(var("URL")).unwrap_or_else(|_| {
        panic!(
            "{} is not set: the push tests need the project's CKAN; run `bash scripts/test`, which starts it with harness/ckan.sh",
            var("URL")
        )
    });
    let token_file = PathBuf::from(
        std::env::var(var("TOKEN_FILE"))
            .unwrap_or_else(|_| panic!("{} is not set", var("TOKEN_FILE"))),
    );
    let token = std::fs::read_to_string(&token_file)
        .unwrap_or_else(|e| panic!("token file {}: {e}", token_file.display()))
        .trim()
        .to_string();
    let status = ureq_like_get(&format!("{url}/api/3/action/status_show"));
    assert!(
        status.is_some(),
        "the CKAN at {url} does not answer status_show: run `bash harness/ckan.sh up`"
    );
    Portal {
        config,
        url,
        token_file,
        token,
    }
}

/// The portal's `status_show` result (version, plugins).
pub fn status(portal: &Portal) -> serde_json::Value {
    let body = ureq_like_get(&format!("{}/api/3/action/status_show", portal.url))
        .unwrap_or_else(|| panic!("{} does not answer status_show", portal.url));
    let v: serde_json::Value = serde_json::from_slice(&body).expect("status_show JSON");
    v["result"].clone()
}

/// GET with a short timeout through curl (present on every machine of the project).
fn ureq_like_get(url: &str) -> Option<Vec<u8>> {
    let o = Command::new("curl")
        .args(["-sf", "-m", "10", url])
        .output()
        .ok()?;
    o.status.success().then_some(o.stdout)
}

/// Copies `source` into `dir/catalog`, giving every dataset a name unique to this run.
pub fn unique_catalog(source: &Path, dir: &Path, tag: &str) -> (PathBuf, String) {
    let suffix = format!("{tag}-{:06x}", fastrand::u32(..0xFF_FFFF));
    let catalog = dir.join("catalog");
    for (rel, bytes) in read_tree(source) {
        let mut rel = rel.clone();
        if let Some(rest) = rel.strip_prefix("plans/") {
            let (plan, file) = rest.split_once('/').expect("plan file");
            rel = format!("plans/{plan}-{suffix}/{file}");
        }
        let mut bytes = bytes;
        if rel.ends_with("plan.toml") {
            let text = String::from_utf8(bytes).expect("utf-8 plan.toml");
            let text: String = text
                .lines()
                .map(|l| {
                    match l
                        .strip_prefix("name = \"")
                        .and_then(|r| r.strip_suffix('"'))
                    {
                        Some(name) => format!("name = \"{name}-{suffix}\"\n"),
                        None => format!("{l}\n"),
                    }
                })
                .collect();
            bytes = text.into_bytes();
        }
        let p = catalog.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }
    (catalog, suffix)
}

/// A uniquely named copy of the catalogue at `source` (relative to the project), changed by
/// `adjust` and built, in a fresh temporary folder: the folder, the catalogue, `dist/` and the
/// names of its datasets.
pub fn built_copy(
    source: &str,
    tag: &str,
    adjust: impl FnOnce(&Path),
) -> (tempfile::TempDir, PathBuf, PathBuf, Vec<String>) {
    let tmp = tempfile::tempdir().unwrap();
    let (catalog, _) = unique_catalog(&root().join(source), tmp.path(), tag);
    adjust(&catalog);
    let dist = build(&catalog, tmp.path());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dist.join("manifest.json")).unwrap()).unwrap();
    let names = manifest["datasets"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    (tmp, catalog, dist, names)
}

/// A uniquely named, built copy of a catalogue, and the harness's CKAN it goes to.
pub struct Setup {
    /// The portal.
    pub portal: Portal,
    /// The test's folder: the catalogue, `dist/` and whatever else the test writes.
    pub tmp: tempfile::TempDir,
    /// The catalogue copy.
    pub catalog: PathBuf,
    /// Its build.
    pub dist: PathBuf,
    /// Its datasets' names.
    pub names: Vec<String>,
}

impl Setup {
    /// The catalogue at `source` (relative to the project), copied under unique names, changed
    /// by `adjust` and built, for the harness's CKAN `config`.
    pub fn new(config: &'static str, source: &str, tag: &str, adjust: impl FnOnce(&Path)) -> Self {
        let portal = portal(config);
        let (tmp, catalog, dist, names) = built_copy(source, tag, adjust);
        Setup {
            portal,
            tmp,
            catalog,
            dist,
            names,
        }
    }

    /// Builds the catalogue again.
    pub fn rebuild(&mut self) {
        self.dist = build(&self.catalog, self.tmp.path());
    }
}

/// Builds `catalog` into `dir/dist` with the library.
pub fn build(catalog: &Path, dir: &Path) -> PathBuf {
    let out = dir.join("dist");
    let opts = ogp_publish::BuildOpts {
        catalog: catalog.to_path_buf(),
        out: out.clone(),
        jobs: 0,
        page_lang: None,
    };
    ogp_publish::build(&opts).unwrap_or_else(|e| panic!("build failed: {e}"));
    out
}

/// Runs `ogp-publish <cmd> --portal URL --dist DIST --token-file F <extra>`.
pub fn run_portal(
    cmd: &str,
    portal_url: &str,
    token_file: &Path,
    dist: &Path,
    extra: &[&str],
) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ogp-publish"))
        .arg(cmd)
        .args(["--portal", portal_url, "--dist"])
        .arg(dist)
        .arg("--token-file")
        .arg(token_file)
        .args(["--retry-delay-ms", "50"])
        .args(extra)
        .env_remove("CKAN_URL")
        .env_remove("CKAN_API_TOKEN")
        .current_dir(root())
        .output()
        .expect("ogp-publish runs")
}

/// `package_show` straight from the portal, with the token.
pub fn package_show(portal: &Portal, name: &str) -> serde_json::Value {
    let o = Command::new("curl")
        .args(["-s", "-m", "30", "-H"])
        .arg(format!("Authorization: {}", portal.token))
        .arg(format!(
            "{}/api/3/action/package_show?id={name}",
            portal.url
        ))
        .output()
        .expect("curl");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("package_show JSON");
    v["result"].clone()
}

/// Downloads a resource URL (with the token, for private datasets).
pub fn download(portal: &Portal, url: &str) -> Vec<u8> {
    let o = Command::new("curl")
        .args(["-sf", "-m", "60", "-H"])
        .arg(format!("Authorization: {}", portal.token))
        .arg(url)
        .output()
        .expect("curl");
    assert!(o.status.success(), "download {url} failed");
    o.stdout
}

/// The view types of a resource (`resource_view_list`), in the portal's order.
pub fn view_types(portal: &Portal, resource_id: &str) -> Vec<String> {
    let body = serde_json::json!({ "id": resource_id });
    let views = action_json(portal, "resource_view_list", &body);
    views["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{views}"))
        .iter()
        .filter_map(|v| v["view_type"].as_str().map(str::to_string))
        .collect()
}

/// Calls a write action as the sysadmin (test set-up only), with an optional upload.
pub fn action(
    portal: &Portal,
    action: &str,
    fields: &[(&str, &str)],
    upload: Option<&Path>,
) -> serde_json::Value {
    let mut cmd = Command::new("curl");
    cmd.args(["-s", "-m", "60", "-H"])
        .arg(format!("Authorization: {}", portal.token))
        .arg(format!("{}/api/3/action/{action}", portal.url));
    for (k, v) in fields {
        // Taken as written: `-F` would read `;`, `@` and `<` in a value as directives.
        cmd.arg("--form-string").arg(format!("{k}={v}"));
    }
    if let Some(p) = upload {
        cmd.arg("-F").arg(format!("upload=@{}", p.display()));
    }
    let o = cmd.output().expect("curl");
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|_| panic!("{action}: {}", String::from_utf8_lossy(&o.stdout)))
}

/// Calls a write action as the sysadmin with a JSON body (test set-up only): for values a
/// form cannot carry, such as lists of tags or extras.
pub fn action_json(portal: &Portal, action: &str, body: &serde_json::Value) -> serde_json::Value {
    let o = Command::new("curl")
        .args(["-s", "-m", "60", "-H"])
        .arg(format!("Authorization: {}", portal.token))
        .args(["-H", "Content-Type: application/json", "--data-binary"])
        .arg(body.to_string())
        .arg(format!("{}/api/3/action/{action}", portal.url))
        .output()
        .expect("curl");
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|_| panic!("{action}: {}", String::from_utf8_lossy(&o.stdout)))
}

/// Keys CKAN adds to every dataset it returns (`package_show`): identifiers, timestamps,
/// counts, the organisation object behind `owner_org`, the licence's title and URL, and
/// relationship lists. CKAN's API documentation lists them as output of `package_show`; a
/// package dict we send never carries them.
const CKAN_DATASET_KEYS: &[&str] = &[
    "id",
    "metadata_created",
    "metadata_modified",
    "creator_user_id",
    "revision_id",
    "revision_timestamp",
    "num_tags",
    "num_resources",
    "organization",
    "isopen",
    "license_title",
    "license_url",
    "relationships_as_subject",
    "relationships_as_object",
    "tracking_summary",
];

/// Keys CKAN adds to each resource of an upload: identifiers, timestamps, its place in the
/// dataset, and what it learns from the file (size, MIME type, storage state).
const CKAN_RESOURCE_KEYS: &[&str] = &[
    "id",
    "package_id",
    "created",
    "last_modified",
    "metadata_modified",
    "position",
    "revision_id",
    "size",
    "mimetype",
    "mimetype_inner",
    "url_type",
    "datastore_active",
    // ckanext-xloader (the `xl` harness portal) keeps its job's metadata on a resource it
    // loaded: the flag below and the keys of the job it ran.
    "datastore_contains_all_records_of_source_file",
    "ckan_url",
    "ignore_hash",
    "original_url",
    "queue_name",
    "resource_id",
    "set_url_type",
    "task_created",
    "cache_url",
    "cache_last_updated",
    "tracking_summary",
];

/// Keys CKAN adds to a tag object (`{"name": ...}` is what we send).
const CKAN_TAG_KEYS: &[&str] = &["id", "display_name", "vocabulary_id", "state"];

/// Keys CKAN adds to a group object (`{"name": ...}` is what we send).
const CKAN_GROUP_KEYS: &[&str] = &[
    "id",
    "display_name",
    "title",
    "description",
    "image_display_url",
    "image_url",
    "type",
    "is_organization",
    "approval_status",
    "state",
    "capacity",
    "created",
];

/// True for what CKAN answers for a field nobody set: `null`, `""`, `[]`, `{}`.
fn is_unset(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::String(s) => s.is_empty(),
        serde_json::Value::Array(a) => a.is_empty(),
        serde_json::Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// Compares one value we publish with the portal's, recording each difference under `path`.
/// The only leeway: a number or boolean we send comes back as the text a form sends for it
/// (`push` uploads resources as multipart forms, where every field is text).
fn compare_value(
    path: &str,
    ours: &serde_json::Value,
    theirs: &serde_json::Value,
    diffs: &mut Vec<String>,
) {
    use serde_json::Value;
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                compare_value(
                    &format!("{path}.{k}"),
                    a.get(k.as_str()).unwrap_or(&Value::Null),
                    b.get(k.as_str()).unwrap_or(&Value::Null),
                    diffs,
                );
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare_value(&format!("{path}[{i}]"), x, y, diffs);
            }
        }
        (Value::Number(_) | Value::Bool(_), Value::String(t))
            if t.trim() == t && serde_json::from_str::<Value>(t).ok().as_ref() == Some(ours) => {}
        _ if ours == theirs => {}
        _ => diffs.push(format!("{path}: dist/ has {ours}, the portal {theirs}")),
    }
}

/// `items` (tag or group objects) without the keys CKAN adds, sorted by name (CKAN returns
/// them in name order whatever order they were sent in).
fn named_objects(items: &serde_json::Value, added: &[&str]) -> serde_json::Value {
    let mut list: Vec<serde_json::Value> = items
        .as_array()
        .map(|a| {
            a.iter()
                .map(|item| match item {
                    serde_json::Value::Object(o) => serde_json::Value::Object(
                        o.iter()
                            .filter(|(k, _)| !added.contains(&k.as_str()))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    ),
                    other => other.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    list.sort_by_key(|v| v["name"].as_str().unwrap_or_default().to_string());
    serde_json::Value::Array(list)
}

/// Extras sorted by key (CKAN stores them as a mapping and returns them in key order).
fn sorted_extras(items: &serde_json::Value) -> serde_json::Value {
    let mut list = items.as_array().cloned().unwrap_or_default();
    list.sort_by_key(|v| v["key"].as_str().unwrap_or_default().to_string());
    serde_json::Value::Array(list)
}

/// The file name of an uploaded resource: the last segment of its download URL.
fn uploaded_name(resource: &serde_json::Value) -> String {
    let url = resource["url"].as_str().unwrap_or_default();
    let last = url.rsplit('/').next().unwrap_or_default();
    last.split(['?', '#'])
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Every difference between what `dist/` publishes for `name` (`package.json`, its files)
/// and what the portal's `package_show` holds, as `path: dist/ has X, the portal Y` lines
/// (empty when they are equal).
///
/// Every field of `package.json` is compared, recursively, with the portal's field of the
/// same name; resources are matched by file name (one resource per file, no copy), in the
/// order of `package.json`, and each resource's every field as well, its downloaded bytes
/// and its `size`. What CKAN adds is left out, and only that: the keys of
/// [`CKAN_DATASET_KEYS`], [`CKAN_RESOURCE_KEYS`], the ids and display names of tag and group
/// objects, `owner_org` given as the organisation's id (compared through `organization.name`),
/// the full download URL of an upload (its file name is compared, and `url_type` must be
/// `upload`), and fields of the portal's schema nobody set (`null`, `""`, `[]`). Any other
/// field the portal holds and `dist/` does not is a difference, as is a dataset or resource
/// whose `state` is not `active`.
pub fn portal_differences(portal: &Portal, dist: &Path, name: &str) -> Vec<String> {
    differences(portal, dist, name, true)
}

/// [`portal_differences`], except for the order of the resources: one resource per file
/// still, in whatever order the portal holds them.
pub fn portal_differences_in_any_order(portal: &Portal, dist: &Path, name: &str) -> Vec<String> {
    differences(portal, dist, name, false)
}

fn differences(portal: &Portal, dist: &Path, name: &str, in_order: bool) -> Vec<String> {
    use serde_json::Value;
    let mut diffs = Vec::new();
    let remote = package_show(portal, name);
    let Some(remote) = remote.as_object() else {
        return vec![format!("{name}: not on the portal ({remote})")];
    };
    let dir = dist.join("datasets").join(name);
    let local: Value =
        serde_json::from_slice(&std::fs::read(dir.join("package.json")).expect("package.json"))
            .expect("package.json is JSON");
    let local = local.as_object().expect("package.json is an object");
    for (k, ours) in local {
        let path = format!("{name}.{k}");
        let theirs = remote.get(k).unwrap_or(&Value::Null);
        match k.as_str() {
            "resources" => {}
            // CKAN answers with the organisation's id and gives its name beside.
            "owner_org" => {
                let org = &remote["organization"]["name"];
                if org != ours {
                    diffs.push(format!(
                        "{path}: dist/ has {ours}, the portal {org} (organization.name)"
                    ));
                }
            }
            "tags" => compare_value(
                &path,
                &named_objects(ours, &[]),
                &named_objects(theirs, CKAN_TAG_KEYS),
                &mut diffs,
            ),
            "groups" => compare_value(
                &path,
                &named_objects(ours, &[]),
                &named_objects(theirs, CKAN_GROUP_KEYS),
                &mut diffs,
            ),
            "extras" => compare_value(
                &path,
                &sorted_extras(ours),
                &sorted_extras(theirs),
                &mut diffs,
            ),
            _ => compare_value(&path, ours, theirs, &mut diffs),
        }
    }
    for (k, theirs) in remote {
        if local.contains_key(k) || CKAN_DATASET_KEYS.contains(&k.as_str()) {
            continue;
        }
        let fine = match k.as_str() {
            "state" => theirs == "active",
            // The type CKAN gives a dataset created without one.
            "type" => theirs == "dataset",
            _ => is_unset(theirs),
        };
        if !fine {
            diffs.push(format!("{name}.{k}: dist/ has none, the portal {theirs}"));
        }
    }

    let ours = local["resources"].as_array().expect("resources");
    let theirs = remote
        .get("resources")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let want: Vec<&str> = ours
        .iter()
        .map(|r| r["url"].as_str().expect("resource url"))
        .collect();
    let mut got: Vec<String> = theirs.iter().map(uploaded_name).collect();
    let mut want: Vec<String> = want.iter().map(|w| w.to_string()).collect();
    if !in_order {
        got.sort();
        want.sort();
    }
    if got != want {
        diffs.push(format!(
            "{name}.resources: dist/ has files {want:?}, the portal {got:?}"
        ));
    }
    // Each file's first resource (a second copy is a difference of the file list above).
    for (i, mine) in ours.iter().enumerate() {
        let file = mine["url"].as_str().expect("resource url").to_string();
        let Some(r) = theirs.iter().find(|r| uploaded_name(r) == file) else {
            continue;
        };
        let path = format!("{name}.resources[{i}] ({file})");
        let mine = mine.as_object().expect("resource object");
        for (k, v) in mine {
            if k == "url" {
                if r["url_type"] != "upload" {
                    diffs.push(format!(
                        "{path}.url_type: dist/ uploads the file, the portal has {}",
                        r["url_type"]
                    ));
                }
                continue;
            }
            compare_value(&format!("{path}.{k}"), v, &r[k.as_str()], &mut diffs);
        }
        for (k, v) in r.as_object().expect("remote resource object") {
            if mine.contains_key(k) || CKAN_RESOURCE_KEYS.contains(&k.as_str()) {
                continue;
            }
            let fine = match k.as_str() {
                "state" => v == "active",
                _ => is_unset(v),
            };
            if !fine {
                diffs.push(format!("{path}.{k}: dist/ has none, the portal {v}"));
            }
        }
        let bytes = std::fs::read(dir.join(&file)).expect("local file");
        if r["size"] != bytes.len() {
            diffs.push(format!(
                "{path}.size: the file has {} bytes, the portal {}",
                bytes.len(),
                r["size"]
            ));
        }
        let downloaded = download(portal, r["url"].as_str().unwrap_or_default());
        if downloaded != bytes {
            diffs.push(format!(
                "{path}: downloaded bytes differ from dist/ ({} vs {} bytes)",
                downloaded.len(),
                bytes.len()
            ));
        }
    }
    diffs
}

/// [`assert_portal_equals_dist`], except for the order of the resources.
pub fn assert_portal_equals_dist_in_any_order(portal: &Portal, dist: &Path, name: &str) {
    let diffs = portal_differences_in_any_order(portal, dist, name);
    assert!(
        diffs.is_empty(),
        "the portal differs from dist/ for {name}:\n  {}",
        diffs.join("\n  ")
    );
}

/// Asserts the portal holds exactly what `dist/` publishes for `name`: every field of
/// `package.json` and of each resource, one resource per file in `dist/`'s order, and
/// downloads byte-identical to the files ([`portal_differences`]). Panics listing every
/// difference, with its key path and both values.
pub fn assert_portal_equals_dist(portal: &Portal, dist: &Path, name: &str) {
    let diffs = portal_differences(portal, dist, name);
    assert!(
        diffs.is_empty(),
        "the portal differs from dist/ for {name}:\n  {}",
        diffs.join("\n  ")
    );
}
