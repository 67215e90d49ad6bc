//! A table kept as a workbook (`commitments.xlsx`, `milestones.ods`): the first sheet, read
//! with `calamine`, its header in row 1. Each value becomes the text the same cell would hold
//! in the catalogue's CSV: date cells become `YYYY-MM-DD`, whole numbers keep their digits
//! (`12`, never `12.0`), text stays text (a `2022-06` typed as text stays a year-month).
//! Positions are cells: line = row, column = column (`B12` is line 12, column 2). Every cell
//! of a merged area of an `.xlsx` sheet reads the area's value; hidden rows and columns are
//! read like the others; the other sheets are ignored.

use super::sandbox::Sandbox;
use super::table::{normalize_newlines, Rows};
use crate::diagnostic::{Code, Diagnostic, Pos};
use crate::i18n::{quote, Text};
use crate::model::{RecordSrc, Table};
use crate::t;
use calamine::{Data, Reader};
use std::path::Path;

/// Reads the first sheet of the workbook at `path` into a table of the `known` columns. The
/// diagnostics met name the sheet, so that their positions read as cells (`B12`).
pub(super) fn load(
    sandbox: Sandbox,
    path: &Path,
    known: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Option<(Table, Rows)> {
    let before = diags.len();
    let mut sheet = None;
    let loaded = read(sandbox, path, known, &mut sheet, diags);
    if let Some(sheet) = sheet {
        for d in &mut diags[before..] {
            d.sheet = Some(sheet.clone());
        }
    }
    loaded
}

/// [`load`], telling `sheet` the name of the sheet read once it is known.
fn read(
    sandbox: Sandbox,
    path: &Path,
    known: &[&str],
    sheet_read: &mut Option<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Table, Rows)> {
    let bytes = sandbox.read_bytes(path, diags)?;
    // What the workbook library says is shown as it says it.
    let unreadable = |cause: Text, hint: Text| {
        Diagnostic::error(
            Code::UnreadableWorkbook,
            path,
            Pos::START,
            t!("load-workbook-unreadable", cause = cause),
        )
        .hint(hint)
    };
    let damaged = |e: &dyn std::fmt::Display| {
        unreadable(
            Text::plain(e.to_string()),
            t!("load-workbook-unreadable-hint"),
        )
    };
    // The extension chooses the reader: an encrypted `.xlsx` is an OLE container that format
    // sniffing would not recognise, while the `.xlsx` reader names the password.
    let cursor = std::io::Cursor::new(bytes);
    let opened = if path.extension().is_some_and(|e| e == "ods") {
        calamine::Ods::new(cursor)
            .map(calamine::Sheets::Ods)
            .map_err(calamine::Error::Ods)
    } else {
        calamine::Xlsx::new(cursor)
            .map(calamine::Sheets::Xlsx)
            .map_err(calamine::Error::Xlsx)
    };
    let mut book = match opened {
        Ok(book) => book,
        Err(e) if is_password(&e) => {
            diags.push(unreadable(
                t!("load-workbook-password"),
                t!("load-workbook-password-hint"),
            ));
            return None;
        }
        Err(e) => {
            diags.push(damaged(&e));
            return None;
        }
    };
    let Some(sheet) = book.sheet_names().first().cloned() else {
        diags.push(unreadable(
            t!("load-workbook-no-sheet"),
            t!("load-workbook-unreadable-hint"),
        ));
        return None;
    };
    *sheet_read = Some(sheet.clone());
    let values = match book.worksheet_range(&sheet) {
        Ok(r) => r,
        Err(e) => {
            diags.push(damaged(&e));
            return None;
        }
    };
    // Merged cells show their first cell's value over the whole area: every cell of it reads
    // that value, as the steward sees it. (calamine reports merges of .xlsx files only.)
    let merges = match &mut book {
        calamine::Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&sheet).unwrap_or_default(),
        _ => Vec::new(),
    };
    // Number formats tell a month from a day: `2022-06` typed into a spreadsheet becomes the
    // date 2022-06-01 shown as `juin-22` (.xlsx only; other formats give no styles).
    let styles = book
        .worksheet_style(&sheet)
        .unwrap_or_else(|_| calamine::StyleRange::empty());
    // A workbook without formulas (or a format that keeps none) reads as an empty range.
    let formulas = book.worksheet_formula(&sheet).unwrap_or_default();
    let formula_at = |row: u32, col: u32| -> Option<&str> {
        let (r0, c0) = formulas.start()?;
        let f = formulas.get((
            (row.checked_sub(r0)?) as usize,
            (col.checked_sub(c0)?) as usize,
        ))?;
        (!f.is_empty()).then_some(f.as_str())
    };
    let Some((first_row, first_col)) = values.start() else {
        diags.push(
            Diagnostic::error(
                Code::EmptyFile,
                path,
                Pos::START,
                t!("load-workbook-empty", sheet = sheet.as_str()),
            )
            .hint(t!("load-workbook-header-hint")),
        );
        return None;
    };
    let (last_row, last_col) = values.end().unwrap_or((first_row, first_col));
    let cell = |row: u32, col: u32| -> &Data {
        let (row, col) = merges
            .iter()
            .find(|m| (m.start.0..=m.end.0).contains(&row) && (m.start.1..=m.end.1).contains(&col))
            .map_or((row, col), |m| m.start);
        values.get_value((row, col)).unwrap_or(&Data::Empty)
    };
    if first_row > 0 {
        diags.push(
            Diagnostic::error(
                Code::EmptyFile,
                path,
                Pos::START,
                t!("load-workbook-no-header", sheet = sheet.as_str()),
            )
            .hint(t!("load-workbook-header-hint")),
        );
        return None;
    }
    let mut ok = true;
    let mut table = Table {
        file: path.to_path_buf(),
        columns: Vec::new(),
        header: Vec::new(),
        sheet: Some(sheet.clone()),
    };
    // Columns from A to the last one used: an empty header cell before a used column is an
    // unnamed column.
    for col in 0..=last_col {
        let pos = Pos::new(1, col + 1);
        let name = text_of(cell(0, col), None).unwrap_or_default();
        ok &= table.add_column(name, pos, known, diags);
    }
    if !ok {
        return None;
    }
    let width = table.columns.len();
    let mut rows = Rows::new(width);
    for row in 1..=last_row {
        if (0..=last_col).all(|col| matches!(cell(row, col), Data::Empty)) {
            continue;
        }
        let mut record = Vec::with_capacity(width);
        for col in 0..=last_col {
            let pos = Pos::new(row + 1, col + 1);
            let data = cell(row, col);
            let column = &table.columns[col as usize];
            if let Data::Error(e) = data {
                diags.push(
                    Diagnostic::error(
                        Code::CellError,
                        path,
                        pos,
                        t!("load-cell-error", error = e.to_string()),
                    )
                    .field(column.as_str())
                    .hint(t!("load-cell-error-hint")),
                );
                record.push(None);
                continue;
            }
            let format = styles
                .get((row, col))
                .and_then(|s| s.number_format.as_ref())
                .map(|f| f.format_code.as_str());
            let value = text_of(data, format);
            if let (Some(f), Some(v)) = (formula_at(row, col), &value) {
                diags.push(
                    Diagnostic::error(
                        Code::FormulaCell,
                        path,
                        pos,
                        t!(
                            "load-formula-cell",
                            formula = format!("={f}"),
                            value = quote(v)
                        ),
                    )
                    .field(column.as_str())
                    .hint(t!("load-formula-cell-hint"))
                    .warning(),
                );
            }
            record.push(value.filter(|v| !v.is_empty()).map(normalize_newlines));
        }
        let cols = (0..width as u32)
            .map(|c| Pos::new(row + 1, c + 1))
            .collect();
        rows.push_record(RecordSrc::new(Pos::new(row + 1, 1), cols), record);
    }
    Some((table, rows))
}

/// True when the workbook could not be opened because it is encrypted with a password.
fn is_password(e: &calamine::Error) -> bool {
    matches!(
        e,
        calamine::Error::Xlsx(calamine::XlsxError::Password)
            | calamine::Error::Ods(calamine::OdsError::Password)
    )
}

/// The text a cell holds, as the catalogue's CSV would hold it; `None` when empty. `format` is
/// the cell's number format, when known: a date shown without its day is a year-month.
fn text_of(data: &Data, format: Option<&str>) -> Option<String> {
    match data {
        Data::Empty | Data::Error(_) => None,
        Data::String(s) => Some(s.clone()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) => Some(number(*f)),
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTime(d) => Some(match d.as_datetime() {
            Some(dt) if d.is_datetime() && format.is_some_and(shows_month_only) => {
                dt.date().format("%Y-%m").to_string()
            }
            Some(dt) if d.is_datetime() => date_time(dt),
            // A duration, or a serial number out of the calendar: the number as typed.
            _ => number(d.as_f64()),
        }),
        Data::DateTimeIso(s) => Some(
            match chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
                Ok(dt) => date_time(dt),
                Err(_) => s.clone(),
            },
        ),
        Data::DurationIso(s) => Some(s.clone()),
    }
}

/// True for a date format that shows the month and the year but no day (`mmm-yy`,
/// `mmmm yyyy`, `[$-fr-CA]yyyy-mm`): its quoted text, `[…]` sections and escaped characters
/// aside, it has no `d`, no hour and no second.
fn shows_month_only(code: &str) -> bool {
    let mut shown = String::new();
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                }
            }
            '[' => {
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                }
            }
            '\\' => {
                chars.next();
            }
            c => shown.push(c.to_ascii_lowercase()),
        }
    }
    shown.contains('m') && shown.contains('y') && !shown.contains(['d', 'h', 's'])
}

/// A date cell: `YYYY-MM-DD`, with the time only when there is one.
fn date_time(dt: chrono::NaiveDateTime) -> String {
    if dt.time() == chrono::NaiveTime::MIN {
        dt.date().format("%Y-%m-%d").to_string()
    } else {
        dt.format("%Y-%m-%dT%H:%M:%S").to_string()
    }
}

/// A number cell: whole numbers without a decimal part (spreadsheets store every number as a
/// float), others in the shortest form that reads back the same.
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_format_without_its_day_shows_a_month() {
        for code in [
            "mmm-yy",
            "mmmm yyyy",
            "[$-fr-CA]yyyy-mm",
            "yyyy\"-\"mm",
            "MMM YYYY",
        ] {
            assert!(shows_month_only(code), "{code}");
        }
        for code in [
            "yyyy-mm-dd",
            "dd/mm/yyyy",
            "m/d/yy h:mm",
            "General",
            "0.00",
            "mm:ss",
        ] {
            assert!(!shows_month_only(code), "{code}");
        }
    }

    #[test]
    fn numbers_keep_their_digits() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(1234567.5), "1234567.5");
    }
}
