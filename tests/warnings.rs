//! Warnings that scale: `check` and `build` print the first 20 diagnostics of each code and one
//! « … et N autres » line for the rest, `--all` prints every one, `--format json` streams every
//! one as a line of JSON, errors are capped the same way, and the preview shows the first
//! warnings of each plan with every one on a page beside it.
//!
//! The expected counts come from the catalogue's rows, read here with the `csv` crate: the
//! milestones that are completed and have no `completed_on`.

mod common;

use common::{code, run};
use std::path::{Path, PathBuf};

/// Diagnostics kept of each code: `Diagnostics::KEEP`.
const KEEP: usize = 20;

/// Rows added to each plan's milestones, every one completed without a date.
const EXTRA: usize = 130;

/// A copy of the bundled catalogue with `plans` plans, each the bundled plan with `EXTRA` more
/// milestones completed without a date (the plan sets that lint to `warn`). `bad_dates` of
/// them also get a malformed `start`, an error.
fn catalogue(dir: &Path, plans: usize, bad_dates: usize) -> PathBuf {
    let (catalog, copies) = common::bundled_plans(dir, plans);
    for copy in copies {
        let path = copy.join("milestones.csv");
        let mut text = std::fs::read_to_string(&path).unwrap();
        let header = text.lines().next().unwrap().to_string();
        assert_eq!(
            header,
            "id,commitment_id,title,deliverable,start,end,status,completed_on,evidence_url"
        );
        for n in 0..EXTRA {
            let start = if n < bad_dates { "le 3 mars" } else { "" };
            text.push_str(&format!(
                "CAQUE0002-9{n:03},CAQUE0002,Jalon ajouté {n},,{start},,completed,,\n"
            ));
        }
        std::fs::write(&path, text).unwrap();
    }
    catalog
}

/// The milestones of `catalog` that are completed without a `completed_on`, counted from the
/// files.
fn undated(catalog: &Path) -> usize {
    let mut n = 0;
    for plan in std::fs::read_dir(catalog.join("plans")).unwrap() {
        let mut rdr = csv::Reader::from_path(plan.unwrap().path().join("milestones.csv")).unwrap();
        let headers = rdr.headers().unwrap().clone();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (status, done) = (col("status"), col("completed_on"));
        for row in rdr.records() {
            let row = row.unwrap();
            n += usize::from(&row[status] == "completed" && row[done].is_empty());
        }
    }
    n
}

fn text(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8(out.stdout.clone()).unwrap(),
        String::from_utf8(out.stderr.clone()).unwrap(),
    )
}

/// English digit grouping: 1,234.
fn grouped(n: usize) -> String {
    grouped_with(n, ',')
}

/// `n` with its digits grouped by three with `sep` (French: a no-break space).
fn grouped_with(n: usize, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[test]
fn check_prints_the_first_of_each_code_and_one_line_for_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let catalog = catalogue(tmp.path(), 3, 0);
    let total = undated(&catalog);
    assert!(total > 3 * EXTRA, "{total}");
    let c = catalog.to_str().unwrap();

    let out = run(&["--lang", "en", "check", c]);
    assert_eq!(code(&out), 0);
    let (stdout, _) = text(&out);
    let shown = stdout.matches("warning[completed-without-date]").count();
    assert_eq!(shown, KEEP, "{stdout}");
    assert!(
        stdout.contains(&format!(
            "… and {} more completed-without-date in 3 files\n",
            grouped(total - KEEP)
        )),
        "{stdout}"
    );
    assert!(
        stdout.ends_with(&format!("0 errors, {} warnings\n", grouped(total))),
        "{stdout}"
    );
    // The first 20 in file order: the first plan's first rows.
    assert!(stdout.starts_with(&format!("{}/plans/plan-00/milestones.csv:2:", c)));
    assert!(stdout.lines().count() < 100, "{stdout}");

    let out = run(&["--lang", "fr", "check", c]);
    let (stdout, _) = text(&out);
    let french = grouped_with(total - KEEP, '\u{a0}');
    assert!(
        stdout.contains(&format!(
            "… et {french} autres completed-without-date dans 3 fichiers\n"
        )),
        "{stdout}"
    );
}

#[test]
fn all_prints_every_diagnostic_sorted_and_json_streams_every_one() {
    let tmp = tempfile::tempdir().unwrap();
    let catalog = catalogue(tmp.path(), 3, 0);
    let total = undated(&catalog);
    let c = catalog.to_str().unwrap();

    // Three workers finish in any order; the lines come out in catalogue order all the same.
    let out = run(&["--lang", "en", "check", c, "--all", "--jobs", "3"]);
    assert_eq!(code(&out), 0);
    let (stdout, _) = text(&out);
    let places: Vec<(String, u32)> = stdout
        .lines()
        .filter(|l| l.contains("warning[completed-without-date]"))
        .map(|l| {
            let mut parts = l.split(':');
            let file = parts.next().unwrap().to_string();
            (file, parts.next().unwrap().parse().unwrap())
        })
        .collect();
    assert_eq!(places.len(), total);
    let mut sorted = places.clone();
    sorted.sort();
    assert_eq!(places, sorted, "--all prints in file and line order");
    assert!(!stdout.contains("more completed-without-date"), "{stdout}");
    assert!(stdout.ends_with(&format!("0 errors, {} warnings\n", grouped(total))));

    let out = run(&[
        "--lang", "fr", "check", c, "--format", "json", "--jobs", "3",
    ]);
    assert_eq!(code(&out), 0);
    // One line per diagnostic, then the totals (the helper checks that they agree).
    let report = common::json_report(&out.stdout);
    assert_eq!(report["warnings"], total);
    assert_eq!(report["codes"]["completed-without-date"], total);
    assert_eq!(report["plans"], 3);
    let diags = report["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), total);
    assert!(diags
        .iter()
        .all(|d| d["message"].as_str().unwrap().contains("est réalisé")));
}

#[test]
fn errors_are_capped_too_and_still_fail_the_build() {
    let tmp = tempfile::tempdir().unwrap();
    let catalog = catalogue(tmp.path(), 2, 50);
    let out_dir = tmp.path().join("dist");
    let out = run(&[
        "--lang",
        "en",
        "build",
        catalog.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 1);
    let (_, stderr) = text(&out);
    assert_eq!(stderr.matches("error[bad-date]").count(), KEEP, "{stderr}");
    assert!(
        stderr.contains("… and 80 more bad-date in 2 files\n"),
        "{stderr}"
    );
    assert!(stderr.contains("100 errors, "), "{stderr}");
    assert!(!out_dir.exists(), "an invalid catalogue wrote output");
}

#[test]
fn preview_pages_show_the_first_warnings_and_link_to_every_one() {
    let tmp = tempfile::tempdir().unwrap();
    let catalog = catalogue(tmp.path(), 2, 0);
    let per_plan = undated(&catalog) / 2;
    let out_dir = tmp.path().join("dist");
    let out = run(&[
        "build",
        catalog.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let pages = out_dir.join("preview/datasets");
    let page = std::fs::read_to_string(pages.join("plan-action-00.html")).unwrap();
    let section = &page[page.find("class=\"problems\"").expect("a warnings section")..];
    assert_eq!(section.matches("<li><code>").count(), KEEP);
    // The page is French (the profile's language): counts, the « … » line and the link.
    assert!(section.contains(&format!(
        "completed-without-date\u{a0}: {}",
        grouped_with(per_plan, '\u{a0}')
    )));
    assert!(section.contains("autres completed-without-date dans un fichier"));
    assert!(section.contains("href=\"plan-action-00.warnings.html\""));
    let list = std::fs::read_to_string(pages.join("plan-action-00.warnings.html")).unwrap();
    assert_eq!(list.matches("<li><code>").count(), per_plan);
    assert!(list.contains("plans/plan-00/milestones.csv:"));
    assert!(!list.contains("plans/plan-01/"), "another plan's warnings");
    // The index keeps the first of the catalogue and counts the rest.
    let index = std::fs::read_to_string(out_dir.join("preview/index.html")).unwrap();
    let warnings = &index[index.find("id=\"warnings-h\"").unwrap()..];
    assert_eq!(warnings.matches("<li><code>").count(), KEEP);
    assert!(warnings.contains("autres completed-without-date dans 2 fichiers"));
}
