//! The Data Packages we write pass the Frictionless validator (the `frictionless` package from
//! PyPI), which reads the CSV files and checks them against the Table Schemas, the primary and
//! foreign keys, and the declared sizes and SHA-256 hashes.

mod common;

use common::{frictionless, root, run};
use std::path::Path;

fn validate(datapackage: &Path) -> serde_json::Value {
    let o = std::process::Command::new(frictionless())
        .args(["validate", "--json"])
        .arg(datapackage)
        .output()
        .expect("frictionless runs");
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "frictionless printed no JSON report ({e}): {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn errors(report: &serde_json::Value) -> Vec<String> {
    report["tasks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|t| t["errors"].as_array().cloned().unwrap_or_default())
        .chain(report["errors"].as_array().cloned().unwrap_or_default())
        .map(|e| format!("{}: {}", e["type"], e["note"]))
        .collect()
}

fn built(catalog: &str, tmp: &Path) -> Vec<std::path::PathBuf> {
    let out = tmp.join("dist");
    let o = run(&["build", catalog, "--out", &out.to_string_lossy()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut packages: Vec<_> = std::fs::read_dir(out.join("datasets"))
        .unwrap()
        .map(|e| e.unwrap().path().join("datapackage.json"))
        .collect();
    packages.sort();
    packages
}

#[test]
fn data_packages_pass_the_frictionless_validator() {
    for catalog in ["catalog", "tests/fixtures/valid/ckan-two-plans/catalog"] {
        let tmp = tempfile::tempdir().unwrap();
        for package in built(catalog, tmp.path()) {
            let report = validate(&package);
            assert_eq!(
                report["valid"],
                true,
                "{}: {:?}",
                package.display(),
                errors(&report)
            );
            // All three tables were read, not skipped.
            assert_eq!(
                report["tasks"].as_array().map(Vec::len),
                Some(3),
                "{report}"
            );
        }
    }
}

#[test]
fn the_validator_catches_a_broken_reference_and_a_wrong_hash() {
    // A control for the test above: the validator does read our files and keys.
    let tmp = tempfile::tempdir().unwrap();
    let packages = built(&root().join("catalog").to_string_lossy(), tmp.path());
    let dir = packages[0].parent().unwrap();
    let path = dir.join("jalons.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen(",CAQUE0003,", ",CAQUE0009,", 1)).unwrap();
    let report = validate(&packages[0]);
    assert_eq!(report["valid"], false);
    let errs = errors(&report);
    assert!(errs.iter().any(|e| e.contains("foreign-key")), "{errs:?}");
    assert!(errs.iter().any(|e| e.contains("hash-count")), "{errs:?}");
}
