//! Helpers shared by the integration tests: running the binary, reading output trees, golden
//! comparisons and the external validators the tests rely on.
#![allow(dead_code)]

pub mod browser;
pub mod portal;
pub mod proxy;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the `ogp-publish` binary with `args` from the project root.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ogp-publish"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the ogp-publish binary runs")
}

/// A child process that is killed and reaped when dropped, so that a test failing at any point
/// leaves it running no longer. Only this child is signalled, by its own pid, and only while it
/// has not been reaped (std's `Child::kill` sends nothing once it has: the pid may belong to
/// another process by then).
pub struct ChildGuard(Child);

impl ChildGuard {
    /// Guards `child`.
    pub fn new(child: Child) -> ChildGuard {
        ChildGuard(child)
    }

    /// Spawns `cmd`, guarded from the moment it exists.
    pub fn spawn(cmd: &mut Command) -> ChildGuard {
        ChildGuard(
            cmd.spawn()
                .unwrap_or_else(|e| panic!("start {:?}: {e}", cmd.get_program())),
        )
    }
}

impl std::ops::Deref for ChildGuard {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for ChildGuard {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

/// Exit code of a finished process (panics when it was killed by a signal).
pub fn code(out: &Output) -> i32 {
    out.status.code().expect("process exited normally")
}

/// Every file under `dir`, by `/`-separated relative path, with its bytes.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).expect("under base");
                let key = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(key, std::fs::read(&p).expect("read file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Copies every file under `from` to `to` (a catalogue a test may then edit).
pub fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in read_tree(from) {
        let p = to.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }
}

/// Every file and folder under `dir` (`/`-separated relative path → bytes; folders end with `/`
/// and have no bytes), so that a test sees an added empty folder as well as a changed file.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Option<Vec<u8>>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for path in entries.filter_map(Result::ok).map(|e| e.path()) {
            let rel = path
                .strip_prefix(base)
                .expect("under base")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            if path.is_dir() {
                out.insert(format!("{rel}/"), None);
                walk(base, &path, out);
            } else {
                out.insert(rel, std::fs::read(&path).ok());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A copy of the bundled catalogue in `dir/catalog`, and the folder of its plan.
pub fn bundled_copy(dir: &Path) -> (PathBuf, PathBuf) {
    let catalog = dir.join("catalog");
    copy_tree(&root().join("catalog"), &catalog);
    let plan = std::fs::read_dir(catalog.join("plans"))
        .expect("the bundled plans")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.is_dir())
        .expect("a bundled plan");
    (catalog, plan)
}

/// Compares the tree at `actual` with the reviewed tree at `golden`: same file names, same bytes.
/// With `UPDATE_GOLDEN=1` the golden tree is rewritten instead (review the diff before committing).
pub fn assert_golden(actual: &Path, golden: &Path) {
    let got = read_tree(actual);
    // Only `1` rewrites: `UPDATE_GOLDEN=0` or an empty value must compare, not rewrite.
    if std::env::var("UPDATE_GOLDEN").as_deref() == Ok("1") {
        if golden.exists() {
            std::fs::remove_dir_all(golden).expect("clear golden");
        }
        for (rel, bytes) in &got {
            let p = golden.join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, bytes).expect("write golden");
        }
        return;
    }
    assert!(
        golden.is_dir(),
        "golden tree {} is missing; create it with UPDATE_GOLDEN=1 and review it",
        golden.display()
    );
    let want = read_tree(golden);
    let missing: Vec<_> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<_> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "files differ from {}: missing {missing:?}, extra {extra:?}",
        golden.display()
    );
    for (rel, bytes) in &want {
        if &got[rel] != bytes {
            let g = String::from_utf8_lossy(&got[rel]);
            let w = String::from_utf8_lossy(bytes);
            let line = g
                .lines()
                .zip(w.lines())
                .position(|(a, b)| a != b)
                .map_or(0, |i| i + 1);
            panic!(
                "{rel} differs from golden {} (first differing line {line}); rerun with UPDATE_GOLDEN=1 if the change is intended",
                golden.display()
            );
        }
    }
}

/// The `frictionless` command: `$OGP_FRICTIONLESS`, or the one the test script installs in
/// `.tools/venv`. Panics with the fix when neither exists: this test must not pass silently.
pub fn frictionless() -> PathBuf {
    let path = std::env::var_os("OGP_FRICTIONLESS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".tools/venv/bin/frictionless"));
    assert!(
        path.is_file(),
        "the Frictionless validator is missing at {}: run `bash scripts/test` (it installs it), or set OGP_FRICTIONLESS",
        path.display()
    );
    path
}

/// The output of `check` or `build` under `--format json`, read back into one value: every
/// line but the last is a diagnostic, gathered under `diagnostics`; the last line holds the
/// totals and the rest. Fails when a line is not JSON, when the totals line is missing, or
/// when the number of diagnostic lines is not the totals' sum (every diagnostic is printed).
pub fn try_json_report(stdout: &[u8]) -> Result<serde_json::Value, String> {
    let text = std::str::from_utf8(stdout).map_err(|e| format!("not UTF-8: {e}"))?;
    let mut lines: Vec<serde_json::Value> = Vec::new();
    for line in text.lines() {
        lines.push(serde_json::from_str(line).map_err(|e| format!("{e}: {line:?}"))?);
    }
    let mut totals = lines.pop().ok_or("no output")?;
    let (Some(errors), Some(warnings)) = (totals["errors"].as_u64(), totals["warnings"].as_u64())
    else {
        return Err(format!("the last line has no totals: {totals}"));
    };
    if lines.len() as u64 != errors + warnings {
        return Err(format!(
            "{} diagnostic lines for {errors} errors and {warnings} warnings",
            lines.len()
        ));
    }
    totals["diagnostics"] = serde_json::Value::Array(lines);
    Ok(totals)
}

/// [`try_json_report`], failing the test on malformed output.
#[allow(dead_code)]
pub fn json_report(stdout: &[u8]) -> serde_json::Value {
    try_json_report(stdout)
        .unwrap_or_else(|e| panic!("--format json: {e}\n{}", String::from_utf8_lossy(stdout)))
}

/// A copy of the bundled catalogue in `dir` whose one plan is replaced by `n` copies of it,
/// `plans/plan-00` … each publishing its own dataset (`plan-action-00` …). Returns the
/// catalogue and the plan folders.
#[allow(dead_code)]
pub fn bundled_plans(dir: &Path, n: usize) -> (PathBuf, Vec<PathBuf>) {
    let (catalog, original) = bundled_copy(dir);
    let mut plans = Vec::with_capacity(n);
    for i in 0..n {
        let copy = catalog.join("plans").join(format!("plan-{i:02}"));
        copy_tree(&original, &copy);
        let toml_path = copy.join("plan.toml");
        let toml = std::fs::read_to_string(&toml_path).unwrap();
        let renamed = toml.replace(
            "name = \"plan-action-gouvernement-ouvert-2021-2023\"",
            &format!("name = \"plan-action-{i:02}\""),
        );
        assert_ne!(
            renamed, toml,
            "the bundled plan.toml no longer names its dataset"
        );
        std::fs::write(&toml_path, renamed).unwrap();
        plans.push(copy);
    }
    std::fs::remove_dir_all(&original).unwrap();
    (catalog, plans)
}
