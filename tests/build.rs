//! `check` and `build` end to end: golden outputs, determinism, atomic replacement, and that
//! every output reads back with standard readers.

mod common;

use common::{assert_golden, code, read_tree, root, run};
use std::path::Path;

/// `ogp-publish build CATALOG --out OUT`.
fn build(catalog: &Path, out: &Path) -> std::process::Output {
    run(&[
        "build",
        &catalog.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ])
}

fn build_into(catalog: &Path, out: &Path) {
    let o = build(catalog, out);
    assert_eq!(
        code(&o),
        0,
        "build failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn bundled_catalogue_checks_clean() {
    let o = run(&["check"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stdout));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(!stdout.contains("error["), "{stdout}");
}

#[test]
fn bundled_catalogue_matches_golden_dist() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    build_into(&root().join("catalog"), &out);
    assert_golden(&out, &root().join("tests/golden/bundled"));
}

#[test]
fn valid_fixtures_match_their_golden_outputs() {
    let dir = root().join("tests/fixtures/valid");
    let mut cases = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let case = entry.unwrap().path();
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("dist");
        build_into(&case.join("catalog"), &out);
        assert_golden(&out, &case.join("expected"));
        cases += 1;
    }
    assert!(cases >= 1, "no valid fixture in {}", dir.display());
}

#[test]
fn same_catalogue_gives_identical_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build_into(&root().join("catalog"), &a);
    build_into(&root().join("catalog"), &b);
    assert_eq!(read_tree(&a), read_tree(&b));
    // Rebuilding over an existing output replaces it with the same bytes.
    build_into(&root().join("catalog"), &a);
    assert_eq!(read_tree(&a), read_tree(&b));
    // Where the catalogue sits on disk changes nothing either.
    let moved = tmp.path().join("elsewhere/catalog");
    common::copy_tree(&root().join("catalog"), &moved);
    let c = tmp.path().join("c");
    build_into(&moved, &c);
    assert_eq!(read_tree(&a), read_tree(&c));
}

#[test]
fn manifest_lists_every_file_with_its_size_and_hash() {
    use sha2::Digest;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    build_into(
        &root().join("tests/fixtures/valid/ckan-two-plans/catalog"),
        &out,
    );
    let tree = read_tree(&out);
    let manifest: serde_json::Value = serde_json::from_slice(&tree["manifest.json"]).unwrap();
    let files = manifest["files"].as_object().unwrap();
    let listed: Vec<&String> = files.keys().collect();
    // The manifest lists what is published; the steward preview is not.
    let present: Vec<&String> = tree
        .keys()
        .filter(|k| *k != "manifest.json" && !k.starts_with("preview/"))
        .collect();
    assert_eq!(listed, present);
    for (path, entry) in files {
        let bytes = &tree[path];
        assert_eq!(entry["bytes"].as_u64(), Some(bytes.len() as u64), "{path}");
        let hex: String = sha2::Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(entry["sha256"].as_str(), Some(hex.as_str()), "{path}");
    }
    assert_eq!(manifest["datasets"].as_object().unwrap().len(), 2);
}

#[test]
fn every_output_reads_back_with_standard_readers() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, catalog) in [
        ("bundled", "catalog"),
        ("fixture", "tests/fixtures/valid/ckan-two-plans/catalog"),
    ] {
        let out = tmp.path().join(name);
        build_into(&root().join(catalog), &out);
        for (path, bytes) in read_tree(&out) {
            if path.ends_with(".json") || path.ends_with(".jsonld") {
                serde_json::from_slice::<serde_json::Value>(&bytes)
                    .unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
                assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "{path} has a BOM");
            } else if path.ends_with(".csv") {
                let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
                let mut r = csv::Reader::from_reader(body);
                let width = r.headers().unwrap().len();
                let mut rows = 0;
                for rec in r.records() {
                    let rec = rec.unwrap_or_else(|e| panic!("{path}: {e}"));
                    assert_eq!(rec.len(), width, "{path}");
                    rows += 1;
                }
                assert!(rows > 0, "{path} has no rows");
            } else if path.starts_with("preview/")
                && (path.ends_with(".html") || path == "preview/style.css")
            {
                // Checked in a real browser by tests/preview.rs.
            } else {
                panic!("unexpected output file {path}");
            }
        }
    }
}

#[test]
fn bundled_csv_follow_donnees_quebec_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    build_into(&root().join("catalog"), &out);
    let ds = out.join("datasets/plan-action-gouvernement-ouvert-2021-2023");
    let csv = std::fs::read(ds.join("engagements.csv")).unwrap();
    assert!(
        csv.starts_with(b"\xEF\xBB\xBF"),
        "Données Québec CSV start with a BOM"
    );
    let text = std::str::from_utf8(&csv[3..]).unwrap();
    assert!(text.starts_with("id,plan,numero,titre,"), "{}", &text[..40]);
    assert!(!text.contains('\r'));
    // Unknown values stay empty: commitment 2 has no dates in the sources.
    let row = text.lines().find(|l| l.starts_with("CAQUE0002,")).unwrap();
    assert!(row.contains(",,,,,,,3,3,100.0"), "{row}");
    let package: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ds.join("package.json")).unwrap()).unwrap();
    assert_eq!(package["license_id"], "cc-by");
    assert_eq!(package["temporal"], "2021-12-16/2023-03-31");
    let first = &package["resources"][0];
    assert_eq!(first["url"], "engagements.csv");
    assert_eq!(first["relidi_confic_utf8"], "oui");
    assert_eq!(first["relidi_confic_separateur_virgule"], "oui");
    let hash = first["hash"].as_str().unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let key = "datasets/plan-action-gouvernement-ouvert-2021-2023/engagements.csv";
    assert_eq!(manifest["files"][key]["sha256"].as_str(), Some(hash));
}

#[test]
fn derived_progress_counts_milestones() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    build_into(&root().join("catalog"), &out);
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            out.join("datasets/plan-action-gouvernement-ouvert-2021-2023/engagements.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let by_id = |id: &str| {
        json.as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    // Commitment 5: three milestones known, two completed.
    assert_eq!(by_id("CAQUE0005")["jalons_total"], 3);
    assert_eq!(by_id("CAQUE0005")["jalons_realises"], 2);
    assert_eq!(by_id("CAQUE0005")["progression"], 66.7);
    // Commitment 1: its milestones are not detailed in the sources, so progress is unknown.
    assert_eq!(by_id("CAQUE0001")["jalons_total"], 0);
    assert!(by_id("CAQUE0001")["progression"].is_null());
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    build_into(&root().join("catalog"), &out);
    let before = read_tree(&out);
    // A 4 KiB file-size limit makes the writes fail part-way through the new output.
    let o = std::process::Command::new("bash")
        .arg("-c")
        .arg("ulimit -f 4; trap '' XFSZ; exec \"$0\" build tests/fixtures/valid/ckan-two-plans/catalog --out \"$1\"")
        .arg(env!("CARGO_BIN_EXE_ogp-publish"))
        .arg(&out)
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(code(&o), 2, "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.starts_with("error: `"), "{stderr}");
    assert_eq!(read_tree(&out), before);
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "dist")
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary output left behind: {leftovers:?}"
    );
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("precious");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "keep me").unwrap();
    let o = run(&["build", "catalog", "--out", &out.to_string_lossy()]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("refusing to replace it"));
    assert_eq!(std::fs::read(out.join("notes.txt")).unwrap(), b"keep me");
}

#[test]
fn refuses_an_output_folder_inside_the_catalogue() {
    let tmp = tempfile::tempdir().unwrap();
    let catalog = tmp.path().join("catalog");
    common::copy_tree(&root().join("catalog"), &catalog);
    let before = read_tree(&catalog);
    for out in [catalog.clone(), catalog.join("dist")] {
        let o = build(&catalog, &out);
        assert_eq!(code(&o), 2, "{}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stderr).contains("overlaps the catalogue"));
    }
    assert_eq!(read_tree(&catalog), before);
}

#[test]
fn check_json_format_lists_diagnostics_with_positions() {
    let o = run(&["check", "catalog", "--format", "json"]);
    assert_eq!(code(&o), 0);
    let v = common::json_report(&o.stdout);
    assert_eq!(v["errors"], 0);
    let diags = v["diagnostics"].as_array().unwrap();
    // The bundled plan lowers completed-without-date to a warning: the sources give no dates.
    assert!(!diags.is_empty());
    for d in diags {
        assert_eq!(d["severity"], "warning");
        assert_eq!(d["code"], "completed-without-date");
        assert_eq!(d["file"], "catalog/plans/quebec-2021-2023/milestones.csv");
        assert!(d["line"].as_u64().unwrap() > 1 && d["col"].as_u64().unwrap() > 1);
    }
}

#[test]
fn help_explains_the_commands() {
    let o = run(&["--help"]);
    assert_eq!(code(&o), 0);
    let text = String::from_utf8_lossy(&o.stdout);
    for word in ["check", "build", "catalogue"] {
        assert!(text.contains(word), "{text}");
    }
    let o = run(&["build", "--help"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("--out") && text.contains("byte-identical"),
        "{text}"
    );
}

#[test]
fn formula_like_cells_get_a_warning_naming_the_risk() {
    let o = run(&["check", "tests/fixtures/valid/ckan-two-plans/catalog"]);
    assert_eq!(code(&o), 0);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("commitments.csv:3:139: warning[formula-like-cell]: `indicator` starts with `=`: spreadsheet programs may run it as a formula"),
        "{text}"
    );
}

#[test]
fn links_leading_outside_the_catalogue_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let catalog = tmp.path().join("catalog");
    common::copy_tree(&root().join("catalog"), &catalog);
    let secret = tmp.path().join("secret.csv");
    std::fs::write(&secret, "id,commitment_id,title\n").unwrap();
    let milestones = catalog.join("plans/quebec-2021-2023/milestones.csv");
    std::fs::remove_file(&milestones).unwrap();
    std::os::unix::fs::symlink(&secret, &milestones).unwrap();
    std::os::unix::fs::symlink(tmp.path(), catalog.join("plans/elsewhere")).unwrap();
    let out = tmp.path().join("dist");
    let o = run(&[
        "build",
        &catalog.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 1);
    let v = common::json_report(&o.stdout);
    let codes: Vec<(&str, &str)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["file"].as_str().unwrap()))
        .filter(|(c, _)| *c == "path-outside-catalog")
        .collect();
    assert_eq!(codes.len(), 2, "{v}");
    assert!(codes[0].1.ends_with("plans/elsewhere"));
    assert!(codes[1]
        .1
        .ends_with("plans/quebec-2021-2023/milestones.csv"));
    assert!(!out.exists());
}

#[test]
fn a_plan_without_records_is_built_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let (catalog, plan) = common::bundled_copy(tmp.path());
    for file in ["commitments.csv", "milestones.csv"] {
        let text = std::fs::read_to_string(plan.join(file)).unwrap();
        let header = text.lines().next().unwrap();
        std::fs::write(plan.join(file), format!("{header}\n")).unwrap();
    }
    let out = tmp.path().join("dist");
    let o = build(&catalog, &out);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("commitments.csv:1:1: warning[empty-plan]"),
        "{stderr}"
    );
    let o = run(&["check", &catalog.to_string_lossy()]);
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("warning[empty-plan]"));
}

/// Runs `ogp-publish <args>` in a pseudo-terminal (util-linux `script`), as a steward types it;
/// returns everything the terminal received.
fn on_terminal(args: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_ogp-publish");
    let o = std::process::Command::new("script")
        .args(["-qec", &format!("{bin} {args}"), "/dev/null"])
        .current_dir(root())
        .output()
        .expect("`script` (util-linux) runs: the terminal tests need it");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn build_shows_a_bar_over_the_plans_on_a_terminal_only() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    let catalog = "tests/fixtures/valid/ckan-two-plans/catalog";
    let args = format!("build {catalog} --out {}", out.display());
    let shown = on_terminal(&args);
    assert!(shown.contains("2/2 plans"), "{shown:?}");
    let french = on_terminal(&format!("--lang fr {args}"));
    assert!(
        french.contains("2/2 plans") && french.contains("écrit"),
        "{french:?}"
    );
    let quiet = on_terminal(&format!("--quiet {args}"));
    assert!(
        !quiet.contains("/2 plans") && quiet.contains("wrote"),
        "{quiet:?}"
    );
    let piped = build(Path::new(catalog), &out);
    assert_eq!(code(&piped), 0);
    let text = String::from_utf8_lossy(&piped.stderr);
    assert!(
        !text.contains("/2 plans") && text.contains("wrote"),
        "{text}"
    );
}
