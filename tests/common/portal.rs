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

/// Builds `catalog` into `dir/dist` with the library.
pub fn build(catalog: &Path, dir: &Path) -> PathBuf {
    let out = dir.join("dist");
    let opts = ogp_publish::BuildOpts {
        catalog: catalog.to_path_buf(),
        out: out.clone(),
        jobs: 0,
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

/// Asserts the portal holds exactly what `dist/` has for `name`: one resource per file, the
/// same hashes, and downloads byte-identical to the files.
pub fn assert_portal_equals_dist(portal: &Portal, dist: &Path, name: &str) {
    let pkg = package_show(portal, name);
    assert_eq!(
        pkg["name"], name,
        "dataset {name} missing on the portal: {pkg}"
    );
    let dir = dist.join("datasets").join(name);
    let local: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("package.json")).expect("package.json"))
            .expect("json");
    let files: Vec<&str> = local["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| r["url"].as_str().expect("url"))
        .collect();
    let remote = pkg["resources"].as_array().expect("remote resources");
    let mut remote_names: Vec<String> = remote
        .iter()
        .map(|r| {
            r["url"]
                .as_str()
                .unwrap_or_default()
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    remote_names.sort();
    let mut want: Vec<String> = files.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(
        remote_names, want,
        "resources of {name} (duplicates or missing)"
    );
    for r in remote {
        let file = r["url"]
            .as_str()
            .unwrap_or_default()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let bytes = std::fs::read(dir.join(&file)).expect("local file");
        let got = download(portal, r["url"].as_str().unwrap_or_default());
        assert!(
            got == bytes,
            "{name}/{file}: downloaded bytes differ from dist/ ({} vs {} bytes)",
            got.len(),
            bytes.len()
        );
        let hash = local["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["url"] == file.as_str())
            .unwrap()["hash"]
            .clone();
        assert_eq!(r["hash"], hash, "{name}/{file}: hash");
    }
}
