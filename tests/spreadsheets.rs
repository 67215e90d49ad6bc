//! Catalogues as spreadsheets save them: « CSV » from a French-locale spreadsheet, with `;`
//! between values, CRLF line ends and a byte-order mark, builds the same data files as the
//! catalogue's own CSV, with one `semicolon-separator` warning per file that a `[lints]` table
//! can silence.
//!
//! The `;` files are written here by the `csv` crate (as a spreadsheet writes them: every
//! value quoted only when it must be), not by ogp-publish.

mod common;

use common::{code, read_tree, run};
use std::path::Path;

/// Rewrites the CSV file at `path` with `;` between values, CRLF line ends and a BOM.
fn save_as_french_csv(path: &Path) {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        for rec in rdr.records() {
            let rec = rec.unwrap();
            // The reader keeps the BOM of the original's first name: drop it.
            let fields: Vec<&str> = rec
                .iter()
                .map(|f| f.trim_start_matches('\u{feff}'))
                .collect();
            w.write_record(&fields).unwrap();
        }
        w.flush().unwrap();
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn semicolon_csv_builds_the_same_data_files_and_can_be_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let (catalog, plan) = common::bundled_copy(tmp.path());
    for table in ["commitments.csv", "milestones.csv"] {
        save_as_french_csv(&plan.join(table));
    }
    let text = std::fs::read_to_string(plan.join("milestones.csv")).unwrap();
    assert!(
        text.starts_with("\u{feff}id;commitment_id;title;"),
        "{text:.80}"
    );
    assert!(
        text.contains(";completed;;\r\n"),
        "CRLF and `;` between values"
    );

    let ours = tmp.path().join("from-semicolons");
    let o = run(&[
        "--lang",
        "en",
        "build",
        catalog.to_str().unwrap(),
        "--out",
        ours.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        stderr.matches("warning[semicolon-separator]").count(),
        2,
        "{stderr}"
    );
    let reference = tmp.path().join("from-commas");
    let o = run(&[
        "build",
        common::root().join("catalog").to_str().unwrap(),
        "--out",
        reference.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0);
    let (a, b) = (
        read_tree(&ours.join("datasets")),
        read_tree(&reference.join("datasets")),
    );
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "datasets/{name} differs");
    }

    // A publisher that accepts `;` files says so once, and the run is quiet about them.
    let publisher = catalog.join("publisher.toml");
    let mut toml = std::fs::read_to_string(&publisher).unwrap();
    assert!(!toml.contains("[lints]"));
    toml.push_str("\n[lints]\nsemicolon-separator = \"allow\"\n");
    std::fs::write(&publisher, toml).unwrap();
    let o = run(&["--lang", "en", "check", catalog.to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(!stdout.contains("semicolon"), "{stdout}");
    assert!(
        stdout.contains("warning[completed-without-date]"),
        "{stdout}"
    );
}

#[test]
fn a_semicolon_file_reports_problems_at_their_own_line_and_column_in_french() {
    let tmp = tempfile::tempdir().unwrap();
    let (catalog, plan) = common::bundled_copy(tmp.path());
    let path = plan.join("milestones.csv");
    save_as_french_csv(&path);
    // The spreadsheet rewrote the second row's start as a French date.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_string).collect();
    let mut cells: Vec<String> = lines[2].split(';').map(str::to_string).collect();
    let start = 4;
    assert!(cells[start].is_empty() || cells[start].starts_with("20"));
    cells[start] = "30/06/2022".into();
    let col = cells[..start]
        .iter()
        .map(|c| c.chars().count() + 1)
        .sum::<usize>()
        + 1;
    lines[2] = cells.join(";");
    std::fs::write(&path, lines.join("\r\n")).unwrap();
    let o = run(&["--lang", "fr", "check", catalog.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let place = format!("milestones.csv:3:{col}\u{a0}: erreur[bad-date]");
    assert!(stdout.contains(&place), "{place} in:\n{stdout}");
    assert!(
        stdout.contains("avertissement[semicolon-separator]\u{a0}: les valeurs de ce fichier sont séparées par des `;`"),
        "{stdout}"
    );
}
