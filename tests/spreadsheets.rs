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
    let (exit, stderr) = build(&catalog, &ours);
    assert_eq!(exit, 0, "{stderr}");
    assert_eq!(
        stderr.matches("warning[semicolon-separator]").count(),
        2,
        "{stderr}"
    );
    let reference = tmp.path().join("from-commas");
    assert_eq!(build(&common::root().join("catalog"), &reference).0, 0);
    assert_same_data(&ours, &reference, ";");

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

/// The rows of a catalogue CSV file: header first.
fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    rdr.records()
        .map(|r| {
            r.unwrap()
                .iter()
                .map(|f| f.trim_start_matches('\u{feff}').to_string())
                .collect()
        })
        .collect()
}

/// A full date (`YYYY-MM-DD`), which a steward's spreadsheet keeps as a date cell.
fn full_date(v: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()
}

/// Writes the CSV file's rows to `out` as an Excel workbook with rust_xlsxwriter, as a
/// steward's spreadsheet holds them: full dates as date cells, whole numbers as number cells,
/// year-months as the date cells a spreadsheet makes of a typed `2022-06` (the 1st, shown
/// `mmm-yy`), the rest as text; empty cells left out; the third row hidden; a second sheet.
fn save_as_xlsx(csv: &Path, out: &Path, sheet: &str) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let rows = csv_rows(csv);
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let month = Format::new().set_num_format("mmm-yy");
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if v.is_empty() {
                continue;
            }
            if let (true, Some(d)) = (r > 0, full_date(v)) {
                use chrono::Datelike;
                let d = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                    .unwrap();
                ws.write_datetime_with_format(r, c, &d, &date).unwrap();
            } else if let (true, Some(d)) = (r > 0, full_date(&format!("{v}-01"))) {
                use chrono::Datelike;
                let d = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, 1).unwrap();
                ws.write_datetime_with_format(r, c, &d, &month).unwrap();
            } else if r > 0 && rows[0][c as usize] == "number" && v.parse::<u32>().is_ok() {
                ws.write_number(r, c, v.parse::<f64>().unwrap()).unwrap();
            } else {
                ws.write_string(r, c, v).unwrap();
            }
        }
    }
    ws.set_row_hidden(2).unwrap();
    // The first two records' second column, when equal, merged into one cell as a steward
    // would merge a commitment id over its milestones.
    if rows.len() > 2 && rows[1][1] == rows[2][1] {
        ws.merge_range(1, 1, 2, 1, &rows[1][1], &Format::new())
            .unwrap();
    }
    let notes = book.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes
        .write_string(0, 0, "ignoré : seule la première feuille est lue")
        .unwrap();
    book.save(out).unwrap();
}

/// The same as an OpenDocument spreadsheet, with spreadsheet-ods.
fn save_as_ods(csv: &Path, out: &Path, sheet: &str) {
    use spreadsheet_ods::{Sheet, WorkBook};
    let rows = csv_rows(csv);
    let mut book = WorkBook::new_empty();
    let mut ws = Sheet::new(sheet);
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u32);
            if v.is_empty() {
                continue;
            }
            match (r > 0, full_date(v)) {
                (true, Some(d)) => ws.set_value(r, c, d),
                _ if r > 0 && rows[0][c as usize] == "number" && v.parse::<u32>().is_ok() => {
                    ws.set_value(r, c, v.parse::<f64>().unwrap())
                }
                _ => ws.set_value(r, c, v.as_str()),
            }
        }
    }
    book.push_sheet(ws);
    let mut notes = Sheet::new("Notes");
    notes.set_value(0, 0, "ignoré");
    book.push_sheet(notes);
    spreadsheet_ods::write_ods(&mut book, out).unwrap();
}

/// Fails unless the `datasets/` folders of two outputs hold the same files, byte for byte.
fn assert_same_data(ours: &Path, reference: &Path, what: &str) {
    let (a, b) = (
        read_tree(&ours.join("datasets")),
        read_tree(&reference.join("datasets")),
    );
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}"
    );
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{what}: datasets/{name} differs");
    }
}

/// Builds `catalog` into `out` (English messages); the exit code and standard error.
fn build(catalog: &Path, out: &Path) -> (i32, String) {
    let o = run(&[
        "--lang",
        "en",
        "build",
        catalog.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    (code(&o), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn workbooks_build_the_same_data_files_as_the_csv_catalogue() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("from-csv");
    assert_eq!(build(&common::root().join("catalog"), &reference).0, 0);
    for (ext, save) in [
        ("xlsx", save_as_xlsx as fn(&Path, &Path, &str)),
        ("ods", save_as_ods),
    ] {
        let dir = tmp.path().join(ext);
        std::fs::create_dir(&dir).unwrap();
        let (catalog, plan) = common::bundled_copy(&dir);
        for (table, sheet) in [("commitments", "Engagements"), ("milestones", "Jalons")] {
            let csv = plan.join(format!("{table}.csv"));
            save(&csv, &plan.join(format!("{table}.{ext}")), sheet);
            std::fs::remove_file(&csv).unwrap();
        }
        let out = dir.join("dist");
        let (exit, stderr) = build(&catalog, &out);
        assert_eq!(exit, 0, "{ext}: {stderr}");
        // The bundled plan's own warnings, now at cells of the sheet.
        assert!(
            stderr.contains(&format!(
                "milestones.{ext}, sheet Jalons, cell H2: warning[completed-without-date]"
            )),
            "{ext}: {stderr}"
        );
        assert_same_data(&out, &reference, ext);
    }
}

#[test]
fn a_workbook_diagnostic_names_file_sheet_cell_and_column_in_both_languages() {
    let catalog = common::root().join("tests/fixtures/invalid/formula-cell-bad-date/catalog");
    let c = catalog.to_str().unwrap();
    let o = run(&["--lang", "fr", "check", c]);
    assert_eq!(code(&o), 1);
    let fr = String::from_utf8_lossy(&o.stdout);
    assert!(
        fr.contains(
            "milestones.xlsx, feuille Jalons, cellule D3\u{a0}: erreur[bad-date]\u{a0}: `start` \"30/06/2022\" n’est pas une date\n"
        ),
        "{fr}"
    );
    assert!(fr.contains("  = champ\u{a0}: start\n"), "{fr}");
    assert!(
        fr.contains("cellule C2\u{a0}: avertissement[formula-cell]"),
        "{fr}"
    );
    let o = run(&["--lang", "en", "check", c]);
    let en = String::from_utf8_lossy(&o.stdout);
    assert!(
        en.contains("milestones.xlsx, sheet Jalons, cell D3: error[bad-date]: `start` \"30/06/2022\" is not a date\n  = field: start\n"),
        "{en}"
    );
    let o = run(&["check", c, "--format", "json"]);
    let report = common::json_report(&o.stdout);
    let d = &report["diagnostics"][1];
    assert_eq!(
        (
            &d["code"],
            &d["sheet"],
            &d["cell"],
            &d["field"],
            &d["line"],
            &d["col"]
        ),
        (
            &"bad-date".into(),
            &"Jalons".into(),
            &"D3".into(),
            &"start".into(),
            &3.into(),
            &4.into()
        )
    );
}

#[test]
fn a_csv_and_a_workbook_for_the_same_records_are_ambiguous() {
    let tmp = tempfile::tempdir().unwrap();
    let (catalog, plan) = common::bundled_copy(tmp.path());
    save_as_xlsx(
        &plan.join("milestones.csv"),
        &plan.join("milestones.xlsx"),
        "Jalons",
    );
    let out = tmp.path().join("dist");
    let (exit, stderr) = build(&catalog, &out);
    assert_eq!(exit, 1);
    assert!(
        stderr.contains("error[ambiguous-source]: `milestones.csv`, `milestones.xlsx` all exist; only one can be the source"),
        "{stderr}"
    );
    assert!(!out.exists());
}
