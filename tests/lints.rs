//! Lint levels (`allow`, `warn`, `deny`) in `plan.toml` and `publisher.toml`: the plan's level
//! wins over the publisher's, which wins over the lint's default; `allow` silences a lint
//! entirely; a hint never suggests the level already in force.

mod common;

use common::{bundled_copy, code, run};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// `check --format json` of `catalog`: exit code and the diagnostics of `lint`.
fn check_lint(catalog: &Path, lint: &str) -> (i32, Vec<Value>) {
    let o = run(&["check", catalog.to_str().unwrap(), "--format", "json"]);
    let report: Value = common::json_report(&o.stdout);
    let diags = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == lint)
        .cloned()
        .collect();
    (code(&o), diags)
}

/// A copy of the bundled catalogue whose plan's `[lints]` line for `completed-without-date` is
/// replaced by `line` (or dropped), with `publisher.toml` setting that lint to `publisher`
/// (when given). Returns the temporary folder (keep it) and the catalogue.
fn catalogue_with(line: Option<&str>, publisher: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let (catalog, plan) = bundled_copy(tmp.path());
    let toml = plan.join("plan.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let old = "completed-without-date = \"warn\"";
    assert!(text.contains(old), "the bundled plan sets the lint to warn");
    std::fs::write(&toml, text.replace(old, line.unwrap_or(""))).unwrap();
    if let Some(level) = publisher {
        let path = catalog.join("publisher.toml");
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(&format!(
            "\n[lints]\ncompleted-without-date = \"{level}\"\n"
        ));
        std::fs::write(&path, text).unwrap();
    }
    (tmp, catalog)
}

const LINT: &str = "completed-without-date";

#[test]
fn a_warned_lint_suggests_allow_never_warn() {
    let (_tmp, catalog) = catalogue_with(Some("completed-without-date = \"warn\""), None);
    let (exit, diags) = check_lint(&catalog, LINT);
    assert_eq!(exit, 0);
    assert_eq!(
        diags.len(),
        7,
        "the bundled plan's seven undated completions"
    );
    for d in &diags {
        assert_eq!(d["severity"], "warning");
        let hint = d["hint"].as_str().unwrap();
        assert!(
            hint.contains("`completed-without-date = \"allow\"`"),
            "{hint}"
        );
        assert!(hint.contains("in plan.toml"), "{hint}");
        assert!(
            !hint.contains("\"warn\""),
            "suggests what the file says: {hint}"
        );
    }
}

#[test]
fn allow_in_the_plan_silences_the_lint_and_the_build_writes() {
    let (tmp, catalog) = catalogue_with(Some("completed-without-date = \"allow\""), None);
    let (exit, diags) = check_lint(&catalog, LINT);
    assert_eq!((exit, diags.len()), (0, 0), "{diags:?}");
    let out = tmp.path().join("dist");
    let o = run(&[
        "build",
        catalog.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains(LINT), "{stderr}");
    // Silent in every run, the accepted gap is listed in the page's metadata.
    let page = |out: &Path| {
        std::fs::read_to_string(
            out.join("preview/datasets/plan-action-gouvernement-ouvert-2021-2023.html"),
        )
        .unwrap()
    };
    let row = format!("<th scope=\"row\">Lacunes acceptées (règles à «\u{202f}allow\u{202f}»)</th><td>{LINT}</td>");
    assert!(page(&out).contains(&row), "{}", page(&out));
    // The bundled plan only warns: no such row.
    let bundled = tmp.path().join("bundled");
    let o = run(&["build", "catalog", "--out", bundled.to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    assert!(!page(&bundled).contains("Lacunes acceptées"));
}

#[test]
fn the_publisher_level_holds_unless_the_plan_sets_its_own() {
    // No level anywhere: the lint's default, an error, whose hint suggests `warn`.
    let (_tmp, catalog) = catalogue_with(None, None);
    let (exit, diags) = check_lint(&catalog, LINT);
    assert_eq!((exit, diags.len()), (1, 7));
    assert!(diags.iter().all(|d| d["severity"] == "error"
        && d["hint"]
            .as_str()
            .unwrap()
            .contains("= \"warn\"` under `[lints]` in plan.toml")));

    // The publisher allows it for every plan.
    let (_tmp, catalog) = catalogue_with(None, Some("allow"));
    assert_eq!(check_lint(&catalog, LINT), (0, vec![]));

    // The publisher warns: the hint names publisher.toml, where the level was set.
    let (_tmp, catalog) = catalogue_with(None, Some("warn"));
    let (exit, diags) = check_lint(&catalog, LINT);
    assert_eq!((exit, diags.len()), (0, 7));
    assert!(diags
        .iter()
        .all(|d| d["hint"].as_str().unwrap().contains("in publisher.toml")));

    // The plan denies what the publisher allows: errors, with no suggestion to lower it.
    let (_tmp, catalog) = catalogue_with(Some("completed-without-date = \"deny\""), Some("allow"));
    let (exit, diags) = check_lint(&catalog, LINT);
    assert_eq!((exit, diags.len()), (1, 7));
    for d in &diags {
        assert_eq!(d["severity"], "error");
        assert!(!d["hint"].as_str().unwrap().contains("[lints]"), "{d}");
    }
}

#[test]
fn an_unknown_level_or_lint_is_an_error_naming_the_choices() {
    let (_tmp, catalog) = catalogue_with(
        Some("completed-without-date = \"sometimes\"\nunknown-column = \"allow\""),
        None,
    );
    let (exit, diags) = check_lint(&catalog, "bad-lint");
    assert_eq!(exit, 1);
    let messages: Vec<(&str, &str)> = diags
        .iter()
        .map(|d| (d["message"].as_str().unwrap(), d["hint"].as_str().unwrap()))
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages
        .iter()
        .any(|(m, h)| *m == "`sometimes` is not a lint level"
            && *h == "use \"allow\", \"warn\" or \"deny\""));
    assert!(messages
        .iter()
        .any(|(m, h)| *m == "`unknown-column` is not a lint"
            && h.contains(
                "completed-without-date, date-without-completion, formula-like-cell, empty-plan"
            )));
}
