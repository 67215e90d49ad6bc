//! The invalid-catalogue corpus: every folder of `tests/fixtures/invalid/` holds a `catalog/`
//! that is valid except for one problem, and an `expected.txt` listing the diagnostics `check`
//! must report, in order, each as a line `<severity>[<code>] <path>:<line>:<col>` with the path
//! relative to the case's `catalog/` folder, followed by its text, indented:
//!
//! ```text
//! error[bad-date] plans/p1/milestones.csv:3:19
//!   message: `start` "2022-13-01" is not a date
//!   field: start
//!   hint: use YYYY-MM-DD, or YYYY-MM when only the month is known; leave empty when unknown
//! ```
//!
//! `message:` always; `field:` and `hint:` exactly when the diagnostic has them. In the text,
//! `<catalog>` stands for the case's `catalog/` folder as given to `check`, `<case>` for the
//! case's folder, and `<U+FEFF>` for an invisible byte-order mark. Lines starting with `#` are
//! comments.
//!
//! For every case this test checks that `check` reports exactly those diagnostics, with that
//! message, field and hint, and exits 1,
//! that every error says how to fix it, that `build` exits 1 without writing anything or
//! touching a previous output, and that `push` of the output the failed build did not write
//! cannot even start (exit 2, naming `manifest.json`), so the portal is never reached. All broken
//! cases are reported together at the end.
//!
//! `expected.txt` holds what the tool *should* report. Where the tool disagrees today, the case
//! is listed in [`KNOWN_DISAGREEMENTS`] with the reason: its problems are printed, not failed,
//! and the test fails as soon as the case behaves, so that the entry is removed.

mod common;

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Output};

/// Exit code of `check` and `build` for a catalogue with errors.
const EXIT_INVALID: i32 = 1;

/// Exit code of `push` when nothing can be written (here: no `dist/`).
const EXIT_TROUBLE: i32 = 2;

/// Fewer cases than this means the corpus was lost or moved.
const MIN_CASES: usize = 75;

/// A port on the loopback interface where nothing listens: a `push` that tried to reach the
/// portal would be refused at once, without any traffic leaving the machine.
const REFUSED_PORTAL: &str = "http://127.0.0.1:9";

/// Cases whose `expected.txt` the tool does not meet yet, with why the expectation holds.
/// Their problems are printed instead of failing the test; a listed case that behaves fails it.
const KNOWN_DISAGREEMENTS: &[(&str, &str)] = &[];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid")
}

/// Every case folder, sorted by name.
fn case_dirs() -> Vec<PathBuf> {
    let dir = corpus_dir();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable entry of the corpus folder").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

fn case_name(case: &Path) -> String {
    case.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn run_tool(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ogp-publish"))
        .args(args)
        .output()
        .expect("the ogp-publish binary runs")
}

fn exit_code(out: &Output) -> Option<i32> {
    out.status.code()
}

/// The lines of `expected.txt` (diagnostic lines and their indented text), comments and blank
/// lines left out.
fn expected_lines(case: &Path) -> Result<Vec<String>, String> {
    let path = case.join("expected.txt");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect())
}

/// `file` relative to `catalog`, with `/` between components whatever the platform.
fn relative_path(file: &str, catalog: &Path) -> String {
    let file = Path::new(file);
    let rel = file.strip_prefix(catalog).unwrap_or(file);
    rel.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Text of a diagnostic as `expected.txt` writes it: the case's folders by name, an invisible
/// byte-order mark made visible.
fn readable(text: &str, catalog: &Path) -> String {
    let case = catalog.parent().expect("the case folder");
    text.replace(&catalog.display().to_string(), "<catalog>")
        .replace(&case.display().to_string(), "<case>")
        .replace('\u{feff}', "<U+FEFF>")
}

/// One diagnostic of `check --format json` as `expected.txt` lines: its position line, then
/// its message, field (when it has one) and hint (when it has one).
fn diagnostic_lines(d: &serde_json::Value, catalog: &Path) -> Result<Vec<String>, String> {
    let mut lines = vec![diagnostic_line(d, catalog)?];
    let message = d["message"]
        .as_str()
        .ok_or_else(|| format!("diagnostic without a string `message`: {d}"))?;
    lines.push(format!("  message: {}", readable(message, catalog)));
    for key in ["field", "hint"] {
        match &d[key] {
            serde_json::Value::Null => {}
            serde_json::Value::String(t) => {
                lines.push(format!("  {key}: {}", readable(t, catalog)))
            }
            other => return Err(format!("diagnostic with a `{key}` not a string: {other}")),
        }
    }
    Ok(lines)
}

/// One diagnostic of `check --format json` as an `expected.txt` position line.
fn diagnostic_line(d: &serde_json::Value, catalog: &Path) -> Result<String, String> {
    let text = |key: &str| {
        d[key]
            .as_str()
            .ok_or_else(|| format!("diagnostic without a string `{key}`: {d}"))
    };
    let number = |key: &str| {
        d[key]
            .as_u64()
            .ok_or_else(|| format!("diagnostic without a numeric `{key}`: {d}"))
    };
    Ok(format!(
        "{}[{}] {}:{}:{}",
        text("severity")?,
        text("code")?,
        relative_path(text("file")?, catalog),
        number("line")?,
        number("col")?
    ))
}

/// Runs `check --format json` on the case; returns its problems (empty when it behaves).
fn check_case(case: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let catalog = case.join("catalog");
    let out = run_tool(&[
        "check".as_ref(),
        catalog.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    if exit_code(&out) != Some(EXIT_INVALID) {
        problems.push(format!(
            "check exited with {:?}, expected {EXIT_INVALID}",
            exit_code(&out)
        ));
    }
    let report: serde_json::Value = match common::try_json_report(&out.stdout) {
        Ok(v) => v,
        Err(e) => {
            problems.push(format!(
                "check --format json: {e}: {}",
                String::from_utf8_lossy(&out.stdout)
            ));
            return problems;
        }
    };
    let Some(diagnostics) = report["diagnostics"].as_array() else {
        problems.push(format!("no `diagnostics` array in {report}"));
        return problems;
    };
    let mut got = Vec::new();
    for d in diagnostics {
        match diagnostic_lines(d, &catalog) {
            Ok(lines) => got.extend(lines),
            Err(e) => problems.push(e),
        }
        let is_error = d["severity"] == "error";
        let has_hint = d["hint"].as_str().is_some_and(|h| !h.trim().is_empty());
        if is_error && !has_hint {
            problems.push(format!("error without a hint: {d}"));
        }
    }
    match expected_lines(case) {
        Ok(want) if want == got => {}
        Ok(want) => problems.push(format!(
            "diagnostics differ from expected.txt\n      expected:\n{}\n      reported:\n{}",
            indent(&want),
            indent(&got)
        )),
        Err(e) => problems.push(e),
    }
    problems
}

fn indent(lines: &[String]) -> String {
    if lines.is_empty() {
        return "        (none)".to_string();
    }
    lines
        .iter()
        .map(|l| format!("        {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn run_build(catalog: &Path, out: &Path) -> Output {
    run_tool(&[
        "build".as_ref(),
        catalog.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
}

/// Names of the entries directly inside `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// `push` of the output that the failed `build` did not write: it stops before reaching the
/// portal (exit 2) and says that `manifest.json` is missing. The portal address is a refused
/// loopback port, so even a push that went further would send nothing off this machine.
fn push_cannot_start(case: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out_dir = tmp.path().join("dist");
    let _ = run_build(&case.join("catalog"), &out_dir);
    let out = Command::new(env!("CARGO_BIN_EXE_ogp-publish"))
        .args(["push", "--portal", REFUSED_PORTAL, "--max-attempts", "1"])
        .arg("--dist")
        .arg(&out_dir)
        .env_remove("CKAN_URL")
        .env_remove("CKAN_API_TOKEN")
        .output()
        .expect("the ogp-publish binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if exit_code(&out) != Some(EXIT_TROUBLE) {
        problems.push(format!(
            "push after the failed build exited with {:?}, expected {EXIT_TROUBLE}; stderr:\n{stderr}",
            exit_code(&out)
        ));
    }
    if !stderr.contains("manifest.json") {
        problems.push(format!(
            "push after the failed build should name the missing manifest.json; stderr:\n{stderr}"
        ));
    }
    problems
}

/// `build` into a fresh folder: exit 1, and nothing at all written next to or at `--out`.
fn build_fresh(case: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out_dir = tmp.path().join("dist");
    let out = run_build(&case.join("catalog"), &out_dir);
    if exit_code(&out) != Some(EXIT_INVALID) {
        problems.push(format!(
            "build exited with {:?}, expected {EXIT_INVALID}; stderr:\n{}",
            exit_code(&out),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    if out_dir.exists() {
        problems.push("build created the output folder of an invalid catalogue".to_string());
    }
    let left = entries(tmp.path());
    if !left.is_empty() {
        problems.push(format!("build left entries next to the output: {left:?}"));
    }
    problems
}

/// `build` over a previous output: exit 1, and the previous output untouched byte for byte.
fn build_over_previous(case: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out_dir = tmp.path().join("dist");
    std::fs::create_dir(&out_dir).expect("create the previous output folder");
    std::fs::write(
        out_dir.join("manifest.json"),
        b"{\"previous\": \"build\", \"datasets\": [\"older\"]}\n",
    )
    .expect("write the previous manifest.json");
    std::fs::write(out_dir.join("marker.txt"), b"left by an earlier build\n")
        .expect("write the previous marker.txt");
    let before = common::snapshot(tmp.path());
    let out = run_build(&case.join("catalog"), &out_dir);
    if exit_code(&out) != Some(EXIT_INVALID) {
        problems.push(format!(
            "build over a previous output exited with {:?}, expected {EXIT_INVALID}",
            exit_code(&out)
        ));
    }
    let after = common::snapshot(tmp.path());
    if after != before {
        let changed: BTreeSet<&String> = before
            .keys()
            .chain(after.keys())
            .filter(|k| before.get(*k) != after.get(*k))
            .collect();
        problems.push(format!(
            "build changed the previous output although the catalogue is invalid: {changed:?}"
        ));
    }
    problems
}

#[test]
fn every_invalid_catalog_is_reported_and_never_built() {
    let cases = case_dirs();
    assert!(
        cases.len() >= MIN_CASES,
        "expected at least {MIN_CASES} cases in {}, found {}",
        corpus_dir().display(),
        cases.len()
    );
    let names: BTreeSet<String> = cases.iter().map(|c| case_name(c)).collect();
    let mut failures = Vec::new();
    for (name, _) in KNOWN_DISAGREEMENTS {
        if !names.contains(*name) {
            failures.push(format!(
                "{name}: listed in KNOWN_DISAGREEMENTS but there is no such case"
            ));
        }
    }
    for case in &cases {
        let name = case_name(case);
        let problems: Vec<String> = [
            check_case,
            build_fresh,
            build_over_previous,
            push_cannot_start,
        ]
        .iter()
        .flat_map(|step| step(case))
        .collect();
        let known = KNOWN_DISAGREEMENTS.iter().find(|(n, _)| *n == name);
        match (known, problems.is_empty()) {
            (None, true) => {}
            (None, false) => failures.push(format!("{name}:\n  - {}", problems.join("\n  - "))),
            (Some(_), true) => failures.push(format!(
                "{name}: now behaves as expected.txt says; remove it from KNOWN_DISAGREEMENTS"
            )),
            (Some((_, why)), false) => eprintln!(
                "known disagreement, {name}: {why}\n  - {}",
                problems.join("\n  - ")
            ),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} invalid catalogues misbehave:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// The hint of the first diagnostic `check` reports for a case.
fn first_hint(case: &str) -> String {
    let catalog = corpus_dir().join(case).join("catalog");
    let out = run_tool(&[
        "check".as_ref(),
        catalog.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let report = common::try_json_report(&out.stdout)
        .unwrap_or_else(|e| panic!("{case}: check --format json: {e}"));
    report["diagnostics"][0]["hint"]
        .as_str()
        .unwrap_or_else(|| panic!("{case}: the first diagnostic has no hint: {report}"))
        .to_string()
}

#[test]
fn misspelt_names_get_a_did_you_mean_hint() {
    for case in [
        "unknown-column",
        "unknown-column-json",
        "toml-syntax-unknown-key",
    ] {
        let hint = first_hint(case);
        assert!(
            hint.contains("did you mean `title`?"),
            "{case}: the hint should suggest `title` for `titel`, got: {hint}"
        );
    }
}

#[test]
fn a_column_without_a_name_is_called_so_not_matched_to_a_known_name() {
    let hint = first_hint("unknown-column-trailing-comma");
    assert!(
        hint.contains("comma at the end of the header") && !hint.contains("did you mean"),
        "the hint should explain the empty column, got: {hint}"
    );
}
