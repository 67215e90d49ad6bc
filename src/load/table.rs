//! The tables of a plan folder (CSV or JSON), read into records with the position of every
//! value; and the inverse, a plan's records written back in the catalogue's own CSV format.

use super::sandbox::Sandbox;
use super::source::{self, CsvError};
use crate::diagnostic::{Code, Diagnostic, Pos};
use crate::fields::{Field, Kind, COMMITMENT_FIELDS, MILESTONE_FIELDS};
use crate::i18n::quote;
use crate::model::{
    Commitment, Completion, CsvPlaces, Milestone, OgpValue, PartialDate, Plan, RecordSrc, Status,
    Table,
};
use crate::t;
use std::path::Path;

/// Reads the commitments and milestones tables of the plan folder `dir` into `plan`.
pub(super) fn load_records(
    sandbox: Sandbox,
    dir: &Path,
    plan: &mut Plan,
    diags: &mut Vec<Diagnostic>,
) {
    let extras_c = plan.extra_commitment_columns.clone();
    let extras_m = plan.extra_milestone_columns.clone();
    let commitments = load_table(
        sandbox,
        dir,
        "commitments",
        COMMITMENT_FIELDS,
        &extras_c,
        diags,
    );
    plan.unreadable.commitments = commitments
        .as_ref()
        .is_none_or(|(t, _)| !t.columns.iter().any(|c| c == "id"));
    if let Some((table, mut rows)) = commitments {
        let cols = CommitmentCols::of(&table, &extras_c);
        plan.commitments = (0..rows.len())
            .map(|r| to_commitment(&mut Row::new(&table, &mut rows, r), &cols, diags))
            .collect();
        plan.commitments_table = table;
    }
    let milestones = load_table(
        sandbox,
        dir,
        "milestones",
        MILESTONE_FIELDS,
        &extras_m,
        diags,
    );
    plan.unreadable.milestones = milestones.is_none();
    if let Some((table, mut rows)) = milestones {
        let cols = MilestoneCols::of(&table, &extras_m);
        plan.milestones = (0..rows.len())
            .map(|r| to_milestone(&mut Row::new(&table, &mut rows, r), &cols, diags))
            .collect();
        plan.milestones_table = table;
    }
}

/// The error for a value that is not a date.
pub(super) fn bad_date(file: &Path, pos: Pos, field: &str, value: &str) -> Diagnostic {
    Diagnostic::error(
        Code::BadDate,
        file,
        pos,
        t!("load-bad-date", field = field, value = quote(value)),
    )
    .field(field)
    .hint(t!("load-bad-date-hint"))
}

/// One value as read. It holds no text itself, so a table's cells are one flat vector that
/// owns nothing.
#[derive(Debug, Clone, Copy)]
enum Cell {
    /// An empty value, or one already taken.
    Empty,
    /// A byte range of the file's text, the value as it is.
    Text { start: usize, end: usize },
    /// An index in [`Rows::own`]: the value unescaped, or with its line breaks normalised.
    Own(usize),
}

/// The records of a table as read: a [`Cell`] per column of each record, row after row.
pub(super) struct Rows {
    /// The file's text, which the cells are ranges of (empty for JSON).
    places: std::sync::Arc<CsvPlaces>,
    /// Values per record: the table's number of columns.
    width: usize,
    cells: Vec<Cell>,
    /// The values that are not ranges of the text, in the order read.
    own: Vec<String>,
    /// Where each record and its values start.
    pub(super) srcs: Vec<RecordSrc>,
}

impl Rows {
    pub(super) fn new(width: usize) -> Self {
        Rows {
            places: Default::default(),
            width,
            cells: Vec::new(),
            own: Vec::new(),
            srcs: Vec::new(),
        }
    }

    /// Adds a record: its values in the table's column order, and where it and they are.
    pub(super) fn push_record(&mut self, src: RecordSrc, values: Vec<Option<String>>) {
        self.srcs.push(src);
        let own = &mut self.own;
        self.cells
            .extend(values.into_iter().map(|v| Rows::own_cell(own, v)));
    }

    /// The cell for `value`, which is kept in [`Rows::own`] (`None`: an empty cell).
    fn own_cell(own: &mut Vec<String>, value: Option<String>) -> Cell {
        match value {
            None => Cell::Empty,
            Some(v) => {
                own.push(v);
                Cell::Own(own.len() - 1)
            }
        }
    }

    /// The number of records.
    fn len(&self) -> usize {
        self.srcs.len()
    }

    /// The value in column `i` of record `r` (`None` when empty).
    #[inline]
    fn value(&self, r: usize, i: usize) -> Option<&str> {
        if i >= self.width {
            return None;
        }
        match self.cells[r * self.width + i] {
            Cell::Empty => None,
            Cell::Own(k) => Some(&self.own[k]),
            Cell::Text { start, end } => Some(&self.places.text[start..end]),
        }
    }

    /// The value in column `i` of record `r`, taken out of it unless it is blank (only
    /// whitespace): then it stays, and the answer is `None`.
    fn take_filled(&mut self, r: usize, i: usize) -> Option<String> {
        if i >= self.width {
            return None;
        }
        let at = r * self.width + i;
        let c = self.cells[at];
        let v = match c {
            Cell::Empty => return None,
            Cell::Own(k) => &self.own[k],
            Cell::Text { start, end } => &self.places.text[start..end],
        };
        if is_blank(v) {
            return None;
        }
        let v = match c {
            Cell::Own(k) => std::mem::take(&mut self.own[k]),
            _ => v.to_owned(),
        };
        self.cells[at] = Cell::Empty;
        Some(v)
    }

    /// The value in column `i` of record `r`, taken out of it.
    #[inline]
    fn take(&mut self, r: usize, i: usize) -> Option<String> {
        if i >= self.width {
            return None;
        }
        let cell = &mut self.cells[r * self.width + i];
        match std::mem::replace(cell, Cell::Empty) {
            Cell::Empty => None,
            Cell::Own(k) => Some(std::mem::take(&mut self.own[k])),
            Cell::Text { start, end } => Some(self.places.text[start..end].to_owned()),
        }
    }
}

/// The input keys of a table: standard, non-derived columns.
fn input_keys(fields: &[Field]) -> impl Iterator<Item = &str> {
    fields.iter().filter(|f| !f.derived).map(|f| f.key.as_ref())
}

fn load_table(
    sandbox: Sandbox,
    dir: &Path,
    stem: &str,
    fields: &[Field],
    extras: &[String],
    diags: &mut Vec<Diagnostic>,
) -> Option<(Table, Rows)> {
    let csv = dir.join(format!("{stem}.csv"));
    let known: Vec<&str> = input_keys(fields)
        .chain(extras.iter().map(String::as_str))
        .collect();
    let others: Vec<std::path::PathBuf> = ["json", "xlsx", "ods"]
        .iter()
        .map(|ext| dir.join(format!("{stem}.{ext}")))
        .filter(|p| p.exists())
        .collect();
    let (table, rows) = match (csv.exists(), &others[..]) {
        (_, []) => load_csv(sandbox, &csv, &known, diags)?,
        (false, [one]) if one.extension().is_some_and(|e| e == "json") => {
            load_json(sandbox, one, &known, diags)?
        }
        (false, [one]) => super::workbook::load(sandbox, one, &known, diags)?,
        (true, [json]) if json.extension().is_some_and(|e| e == "json") => {
            diags.push(
                Diagnostic::error(
                    Code::AmbiguousSource,
                    json,
                    Pos::START,
                    t!("load-ambiguous-source", stem = stem),
                )
                .hint(t!("load-ambiguous-source-hint")),
            );
            return None;
        }
        (has_csv, found) => {
            let mut names: Vec<String> = found
                .iter()
                .filter_map(|p| p.file_name())
                .map(|n| format!("`{}`", n.to_string_lossy()))
                .collect();
            if has_csv {
                names.insert(0, format!("`{stem}.csv`"));
            }
            diags.push(
                Diagnostic::error(
                    Code::AmbiguousSource,
                    &found[found.len() - 1],
                    Pos::START,
                    t!("load-ambiguous-sources", files = names.join(", ")),
                )
                .hint(t!("load-ambiguous-source-hint")),
            );
            return None;
        }
    };
    warn_formula_cells(&table, &rows, fields, diags);
    for key in fields.iter().filter(|f| f.required).map(|f| f.key.as_ref()) {
        if !table.columns.iter().any(|c| c == key) {
            diags.push(
                Diagnostic::error(
                    Code::MissingColumn,
                    &table.file,
                    Pos::START,
                    t!("load-missing-column", key = key),
                )
                .field(key)
                .hint(t!("load-missing-column-hint", key = key)),
            );
        }
    }
    Some((table, rows))
}

impl Table {
    /// Adds a header's column named `name` at `pos`; false, with the error, when the name is
    /// already a column or is not one of the `known` columns.
    pub(super) fn add_column(
        &mut self,
        name: String,
        pos: Pos,
        known: &[&str],
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        let ok = if self.columns.contains(&name) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateColumn,
                    &self.file,
                    pos,
                    t!("load-duplicate-column", name = name.as_str()),
                )
                .field(name.as_str())
                .hint(t!("load-duplicate-column-hint")),
            );
            false
        } else if !known.contains(&name.as_str()) {
            diags.push(unknown_column(&self.file, pos, &name, known));
            false
        } else {
            true
        };
        self.columns.push(name);
        self.header.push(pos);
        ok
    }
}

fn unknown_column(file: &Path, pos: Pos, name: &str, known: &[&str]) -> Diagnostic {
    if name.trim().is_empty() {
        return Diagnostic::error(Code::UnknownColumn, file, pos, t!("load-unnamed-column"))
            .hint(t!("load-unnamed-column-hint"));
    }
    let near = known
        .iter()
        .min_by_key(|k| edit_distance(k, name))
        .filter(|k| edit_distance(k, name) <= 2);
    let hint = match near {
        Some(k) => t!("load-unknown-column-near", name = *k),
        // A spreadsheet of a French locale separates values with `;`: the header is one name.
        None if name.contains(';') => t!("load-unknown-column-semicolon"),
        None => t!("load-unknown-column-hint"),
    };
    Diagnostic::error(
        Code::UnknownColumn,
        file,
        pos,
        // A byte-order mark glued to the name is invisible: show it.
        t!(
            "load-unknown-column",
            name = name.replace('\u{feff}', "\\u{feff}")
        ),
    )
    .field(name)
    .hint(hint)
}

fn load_csv(
    sandbox: Sandbox,
    path: &Path,
    known: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Option<(Table, Rows)> {
    let text = sandbox.read_text(path, diags)?;
    let separator = separator(&text, path, known, diags)?;
    let mut reader = source::CsvReader::with_separator(&text, separator);
    let mut spans = Vec::new();
    let header_pos = match reader.read_into(&mut spans) {
        None => {
            diags.push(
                Diagnostic::error(Code::EmptyFile, path, Pos::START, t!("load-empty-file"))
                    .hint(t!("load-empty-csv-hint")),
            );
            return None;
        }
        Some(Err(e)) => {
            diags.push(csv_error(path, e));
            return None;
        }
        Some(Ok(pos)) => pos,
    };
    let header_start = spans[0].at;
    let mut table = Table {
        file: path.to_path_buf(),
        columns: Vec::new(),
        header: Vec::new(),
        sheet: None,
    };
    let mut ok = true;
    for f in &spans {
        let value = f.value(&text).into_owned();
        let pos = crate::diagnostic::field_pos(&text, header_pos, header_start, f.at);
        ok &= table.add_column(value, pos, known, diags);
    }
    let width = table.columns.len();
    // Without a CR in the file, no value holds one.
    let has_cr = memchr::memchr(b'\r', text.as_bytes()).is_some();
    let records = record_bound(&text, width);
    let mut cells = Vec::with_capacity(records * width);
    let mut own = Vec::new();
    let mut starts = Vec::with_capacity(records * width);
    let mut rec_pos = Vec::with_capacity(records);
    while let Some(rec) = reader.read_into(&mut spans) {
        let pos = match rec {
            Ok(pos) => pos,
            Err(e) => {
                diags.push(csv_error(path, e));
                return None;
            }
        };
        if spans.len() != width {
            diags.push(
                Diagnostic::error(
                    Code::CsvFieldCount,
                    path,
                    pos,
                    t!("load-field-count", fields = spans.len(), width = width),
                )
                .hint(t!("load-field-count-hint")),
            );
            ok = false;
            continue;
        }
        starts.extend(spans.iter().map(|f| f.at));
        rec_pos.push(pos);
        cells.extend(spans.iter().map(|f| match f {
            _ if f.start == f.end => Cell::Empty,
            // An unquoted value ends at any line break: only a quoted one can hold a `\r`.
            source::CsvSpan {
                quoted: true,
                doubled,
                ..
            } if *doubled
                || (has_cr && memchr::memchr(b'\r', f.raw(&text).as_bytes()).is_some()) =>
            {
                let v = normalize_newlines(f.value(&text).into_owned());
                Rows::own_cell(&mut own, Some(v))
            }
            _ => Cell::Text {
                start: f.start,
                end: f.end,
            },
        }));
    }
    // A header that cannot be trusted would misplace every value: report it and stop here.
    if !ok {
        return None;
    }
    let places = std::sync::Arc::new(CsvPlaces {
        text,
        width,
        starts,
    });
    let srcs = rec_pos
        .into_iter()
        .enumerate()
        .map(|(r, pos)| RecordSrc::csv(pos, places.clone(), r))
        .collect();
    Some((
        table,
        Rows {
            places,
            width,
            cells,
            own,
            srcs,
        },
    ))
}

/// The separator of a CSV file, told by its header: `,` when the header splits on it into
/// known columns, or has no `;`; `;` when the header splits on `;` and not on `,` (a
/// French-locale spreadsheet's « CSV », noted as a `semicolon-separator` warning). A header
/// that splits on both cannot be read either way: `None`, with a `csv-separator` error.
fn separator(text: &str, path: &Path, known: &[&str], diags: &mut Vec<Diagnostic>) -> Option<u8> {
    let header = |sep: u8| {
        let mut spans = Vec::new();
        match source::CsvReader::with_separator(text, sep).read_into(&mut spans) {
            Some(Ok(_)) => spans.iter().map(|s| s.value(text).into_owned()).collect(),
            _ => Vec::new(),
        }
    };
    let commas: Vec<String> = header(b',');
    if commas.iter().all(|c| known.contains(&c.as_str())) {
        return Some(b',');
    }
    let semicolons: Vec<String> = header(b';');
    match (commas.len() > 1, semicolons.len() > 1) {
        (_, false) => Some(b','),
        (false, true) => {
            diags.push(
                Diagnostic::error(
                    Code::SemicolonSeparator,
                    path,
                    Pos::START,
                    t!("load-semicolon-separator"),
                )
                .hint(t!("load-semicolon-separator-hint"))
                .warning(),
            );
            Some(b';')
        }
        (true, true) => {
            diags.push(
                Diagnostic::error(
                    Code::CsvSeparator,
                    path,
                    Pos::START,
                    t!(
                        "load-csv-separator",
                        commas = commas.len() - 1,
                        semicolons = semicolons.len() - 1
                    ),
                )
                .hint(t!("load-csv-separator-hint")),
            );
            None
        }
    }
}

/// How many records of `width` fields a CSV text holds at most (header included) when its
/// lines end with `\n` or `\r\n`, so that the table's vectors are allocated once: each record
/// but the last ends with a line break, and holds `width - 1` commas. Lines ended by a lone
/// `\r` are not counted: such a file's vectors grow as they fill.
fn record_bound(text: &str, width: usize) -> usize {
    let bytes = text.as_bytes();
    let breaks = memchr::memchr_iter(b'\n', bytes).count();
    (breaks + 1).min(bytes.len() / width.max(1) + 1)
}

fn csv_error(path: &Path, e: CsvError) -> Diagnostic {
    match e {
        CsvError::UnclosedQuote(pos) => Diagnostic::error(
            Code::CsvUnbalancedQuote,
            path,
            pos,
            t!("load-unclosed-quote"),
        )
        .hint(t!("load-unclosed-quote-hint")),
        CsvError::TextAfterQuote(pos) => Diagnostic::error(
            Code::CsvTextAfterQuote,
            path,
            pos,
            t!("load-text-after-quote"),
        )
        .hint(t!("load-text-after-quote-hint")),
    }
}

fn load_json(
    sandbox: Sandbox,
    path: &Path,
    known: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Option<(Table, Rows)> {
    let text = sandbox.read_text(path, diags)?;
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::error(Code::EmptyFile, path, Pos::START, t!("load-empty-file"))
                .hint(t!("load-empty-json-hint")),
        );
        return None;
    }
    let items: Vec<serde_json::Value> = match serde_json::from_str(&text) {
        Ok(serde_json::Value::Array(items)) => items,
        Ok(_) => {
            diags.push(
                Diagnostic::error(
                    Code::JsonSyntax,
                    path,
                    Pos::START,
                    t!("load-json-not-array"),
                )
                .hint(t!("load-json-not-array-hint")),
            );
            return None;
        }
        Err(e) => {
            // serde_json counts columns in bytes; diagnostics count characters.
            let line_text = text
                .lines()
                .nth(e.line().saturating_sub(1))
                .unwrap_or_default();
            let upto = e.column().saturating_sub(1).min(line_text.len());
            let upto = (0..=upto)
                .rev()
                .find(|i| line_text.is_char_boundary(*i))
                .unwrap_or(0);
            let col = line_text[..upto].chars().count() + 1;
            let message = e.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_string();
            diags.push(
                Diagnostic::error(
                    Code::JsonSyntax,
                    path,
                    Pos::new(e.line() as u32, col as u32),
                    t!("load-json-invalid", cause = message),
                )
                .hint(t!("load-json-invalid-hint")),
            );
            return None;
        }
    };
    let offsets = source::json_array_positions(&text);
    let table = Table {
        file: path.to_path_buf(),
        columns: known.iter().map(|s| s.to_string()).collect(),
        header: Vec::new(),
        sheet: None,
    };
    let mut rows = Rows::new(known.len());
    let mut ok = true;
    for (i, item) in items.into_iter().enumerate() {
        let (start, keys) = offsets.get(i).cloned().unwrap_or_default();
        let pos = crate::diagnostic::pos_at(&text, start);
        let key_pos = |k: &str| {
            keys.iter()
                .find(|(name, _)| name == k)
                .map_or(pos, |(_, off)| crate::diagnostic::pos_at(&text, *off))
        };
        let serde_json::Value::Object(obj) = item else {
            diags.push(
                Diagnostic::error(Code::JsonSyntax, path, pos, t!("load-json-not-object"))
                    .hint(t!("load-json-not-object-hint")),
            );
            ok = false;
            continue;
        };
        let mut seen_keys = std::collections::HashSet::new();
        for (name, off) in &keys {
            if !seen_keys.insert(name.as_str()) {
                diags.push(
                    Diagnostic::error(
                        Code::DuplicateColumn,
                        path,
                        crate::diagnostic::pos_at(&text, *off),
                        t!("load-json-duplicate-key", name = name.as_str()),
                    )
                    .field(name.as_str())
                    .hint(t!("load-json-duplicate-key-hint")),
                );
                ok = false;
            }
        }
        let mut values: Vec<Option<String>> = vec![None; known.len()];
        for (k, v) in obj {
            let Some(col) = known.iter().position(|c| *c == k) else {
                diags.push(unknown_column(path, key_pos(&k), &k, known));
                ok = false;
                continue;
            };
            let text_value = match v {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s),
                serde_json::Value::Number(n) => Some(n.to_string()),
                serde_json::Value::Array(a) if a.iter().all(|x| x.is_string()) => Some(
                    a.iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(";"),
                ),
                _ => {
                    diags.push(
                        Diagnostic::error(
                            Code::JsonSyntax,
                            path,
                            key_pos(&k),
                            t!("load-json-bad-value", key = k.as_str()),
                        )
                        .field(k.as_str())
                        .hint(t!("load-json-bad-value-hint", key = k.as_str())),
                    );
                    ok = false;
                    None
                }
            };
            values[col] = text_value.filter(|s| !s.is_empty()).map(normalize_newlines);
        }
        let cols = known.iter().map(|k| key_pos(k)).collect();
        rows.srcs.push(RecordSrc::new(pos, cols));
        let own = &mut rows.own;
        rows.cells
            .extend(values.into_iter().map(|v| Rows::own_cell(own, v)));
    }
    ok.then_some((table, rows))
}

/// Line breaks inside a value become `\n` whatever the spreadsheet saved (`\r\n`, `\r`), so the
/// published bytes do not depend on the steward's operating system.
pub(super) fn normalize_newlines(s: String) -> String {
    let Some(first) = memchr::memchr(b'\r', s.as_bytes()) else {
        return s;
    };
    let mut out = String::with_capacity(s.len());
    let mut rest = &s[..];
    let mut cr = first;
    loop {
        out.push_str(&rest[..cr]);
        out.push('\n');
        rest = &rest[cr + 1..];
        rest = rest.strip_prefix('\n').unwrap_or(rest);
        match memchr::memchr(b'\r', rest.as_bytes()) {
            Some(i) => cr = i,
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// Declares the columns of a table that loading reads, each field named as its column, plus
/// the plan's declared extra columns; `of` looks them all up once per table.
macro_rules! table_columns {
    ($(#[$doc:meta])* $name:ident { $($field:ident),* $(,)? }) => {
        $(#[$doc])*
        struct $name {
            $($field: Option<usize>,)*
            /// The plan's declared extra columns, in declaration order.
            extras: Vec<Option<usize>>,
        }

        impl $name {
            fn of(t: &Table, extras: &[String]) -> Self {
                $name {
                    $($field: t.column(stringify!($field)),)*
                    extras: extras.iter().map(|n| t.column(n)).collect(),
                }
            }
        }
    };
}

table_columns! {
    /// The columns of a commitments table that loading reads, looked up once per table.
    CommitmentCols {
        id, number, title, title_en, challenge, description, problem, lead_institution,
        other_institutions, ogp_values, start, end, completion, url,
    }
}

table_columns! {
    /// The columns of a milestones table that loading reads, looked up once per table.
    MilestoneCols {
        id, commitment_id, title, deliverable, start, end, status, completed_on, evidence_url,
    }
}

/// One record of a table; values are moved out of it as they are used. Each method takes the
/// column of its key (from [`CommitmentCols`] or [`MilestoneCols`]) and the key for messages.
struct Row<'a> {
    table: &'a Table,
    rows: &'a mut Rows,
    r: usize,
}

impl<'a> Row<'a> {
    fn new(table: &'a Table, rows: &'a mut Rows, r: usize) -> Self {
        Row { table, rows, r }
    }

    /// The value in column `i`.
    #[inline]
    fn value(&self, i: usize) -> Option<&str> {
        self.rows.value(self.r, i)
    }

    #[inline]
    fn get(&self, i: Option<usize>) -> Option<&str> {
        self.value(i?)
    }

    fn pos(&self, i: Option<usize>) -> Pos {
        self.rows.srcs[self.r].pos_of(i)
    }

    /// The value in column `i`, taken out of the row.
    fn text(&mut self, i: Option<usize>) -> Option<String> {
        self.rows.take(self.r, i?)
    }

    fn required(&mut self, key: &str, i: Option<usize>, diags: &mut Vec<Diagnostic>) -> String {
        match i {
            // A missing column is reported once for the whole file.
            None => String::new(),
            Some(c) => match self.rows.take_filled(self.r, c) {
                Some(v) => v,
                None => {
                    self.report_missing(key, i, diags);
                    String::new()
                }
            },
        }
    }

    /// Reports that the required `key` (column `i`) is empty in this row; kept out of line so
    /// that the conversion of a well-formed row carries none of it.
    #[cold]
    #[inline(never)]
    fn report_missing(&self, key: &str, i: Option<usize>, diags: &mut Vec<Diagnostic>) {
        diags.push(
            Diagnostic::error(
                Code::MissingField,
                &self.table.file,
                self.pos(i),
                t!("load-missing-field", key = key),
            )
            .field(key)
            .hint(t!("load-missing-field-hint", key = key)),
        );
    }

    /// Reports that `v`, the value of `key` (column `i`), is not a date; out of line as
    /// [`Row::report_missing`].
    #[cold]
    #[inline(never)]
    fn report_bad_date(&self, key: &str, i: Option<usize>, v: &str, diags: &mut Vec<Diagnostic>) {
        diags.push(bad_date(&self.table.file, self.pos(i), key, v));
    }

    fn date(
        &self,
        key: &str,
        i: Option<usize>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<PartialDate> {
        let v = self.get(i)?;
        let d = PartialDate::parse(v);
        if d.is_none() {
            self.report_bad_date(key, i, v, diags);
        }
        d
    }

    fn list(&self, i: Option<usize>) -> Vec<String> {
        split_list(self.get(i))
    }

    fn url(&mut self, key: &str, i: Option<usize>, diags: &mut Vec<Diagnostic>) -> Option<String> {
        let v = self.get(i)?;
        if let Some(d) = check_url(v, &self.table.file, || self.pos(i), key) {
            diags.push(d);
        }
        self.text(i)
    }

    /// The value of `key` parsed by `parse`; `choices` (called only for a value it refuses)
    /// lists the accepted codes for the hint.
    fn code<T>(
        &self,
        key: &str,
        i: Option<usize>,
        parse: fn(&str) -> Option<T>,
        code: Code,
        choices: fn() -> String,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<T> {
        let v = self.get(i)?;
        let parsed = parse(v);
        if parsed.is_none() {
            diags.push(
                Diagnostic::error(
                    code,
                    &self.table.file,
                    self.pos(i),
                    t!("load-unknown-value", key = key, value = quote(v)),
                )
                .field(key)
                .hint(t!("rule-use-one-of", choices = choices())),
            );
        }
        parsed
    }

    fn extras(&mut self, cols: &[Option<usize>]) -> Vec<Option<String>> {
        // A declared extra column may not repeat a standard column's name (`extra_columns`
        // reports it), so its value is its own to take.
        cols.iter().map(|&i| self.text(i)).collect()
    }

    /// Where the record was read, taken out of the row.
    fn take_src(&mut self) -> RecordSrc {
        std::mem::take(&mut self.rows.srcs[self.r])
    }
}

/// Warns about text cells that a spreadsheet would run as a formula when a reuser opens the
/// published CSV ("CSV injection"). Dates, numbers and codes are checked by their own rules.
fn warn_formula_cells(table: &Table, rows: &Rows, fields: &[Field], diags: &mut Vec<Diagnostic>) {
    let text_columns: Vec<usize> = table
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            fields
                .iter()
                .find(|f| f.key == c.as_str())
                .is_none_or(|f| matches!(f.kind, Kind::Text | Kind::List))
        })
        .map(|(i, _)| i)
        .collect();
    for (r, src) in rows.srcs.iter().enumerate() {
        for &i in &text_columns {
            let Some(v) = rows.value(r, i) else {
                continue;
            };
            let Some(first) = formula_start(v) else {
                continue;
            };
            let pos = src.pos_of(Some(i));
            diags.push(
                Diagnostic::error(
                    Code::FormulaLikeCell,
                    &table.file,
                    pos,
                    t!(
                        "load-formula-like",
                        column = table.columns[i].as_str(),
                        first = first.to_string()
                    ),
                )
                .field(table.columns[i].as_str())
                .hint(t!("load-formula-like-hint"))
                .warning(),
            );
        }
    }
}

/// True when `v` holds only whitespace (`v.trim().is_empty()`), told by its first byte when
/// that is a visible ASCII character.
fn is_blank(v: &str) -> bool {
    match v.as_bytes().first() {
        None => true,
        Some(&b) if b.is_ascii() && !matches!(b, b'\t'..=b'\r' | b' ') => false,
        Some(_) => v.trim().is_empty(),
    }
}

/// The character a spreadsheet reads as the start of a formula (`=`, `+`, `-`, `@`) when `v`
/// starts with one.
fn formula_start(v: &str) -> Option<char> {
    v.chars()
        .next()
        .filter(|c| matches!(c, '=' | '+' | '-' | '@'))
}

/// Splits a `;`-separated cell into trimmed, non-empty items.
pub fn split_list(cell: Option<&str>) -> Vec<String> {
    cell.map(|s| {
        s.split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
}

/// An error when `v` is not an http(s) address (as `url::Url::parse` reads it); `pos`, where
/// the value is, is called only then.
pub(super) fn check_url(
    v: &str,
    file: &Path,
    pos: impl FnOnce() -> Pos,
    field: &str,
) -> Option<Diagnostic> {
    (!parser_accepts(v)).then(|| {
        Diagnostic::error(
            Code::BadUrl,
            file,
            pos(),
            t!("load-bad-url", field = field, value = quote(v)),
        )
        .field(field)
        .hint(t!("load-bad-url-hint"))
    })
}

/// True when the WHATWG URL parser reads `v` as an http(s) address.
fn parser_accepts(v: &str) -> bool {
    url::Url::parse(v).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

fn to_commitment(row: &mut Row, c: &CommitmentCols, diags: &mut Vec<Diagnostic>) -> Commitment {
    let number = row
        .get(c.number)
        .and_then(|v| match v.trim().parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                diags.push(
                    Diagnostic::error(
                        Code::BadNumber,
                        &row.table.file,
                        row.pos(c.number),
                        t!("load-bad-number", value = quote(v)),
                    )
                    .field("number")
                    .hint(t!("load-bad-number-hint")),
                );
                None
            }
        });
    let mut ogp_values = Vec::new();
    for v in row.list(c.ogp_values) {
        match OgpValue::parse(&v) {
            Some(x) => ogp_values.push(x),
            None => diags.push(
                Diagnostic::error(
                    Code::UnknownOgpValue,
                    &row.table.file,
                    row.pos(c.ogp_values),
                    t!("load-bad-ogp-value", value = quote(&v)),
                )
                .field("ogp_values")
                .hint(t!("load-bad-ogp-value-hint", codes = OgpValue::codes())),
            ),
        }
    }
    Commitment {
        id: row.required("id", c.id, diags),
        number,
        title: row.required("title", c.title, diags),
        title_en: row.text(c.title_en),
        challenge: row.text(c.challenge),
        description: row.text(c.description),
        problem: row.text(c.problem),
        lead_institution: row.list(c.lead_institution),
        other_institutions: row.list(c.other_institutions),
        ogp_values,
        start: row.date("start", c.start, diags),
        end: row.date("end", c.end, diags),
        completion: row.code(
            "completion",
            c.completion,
            Completion::parse,
            Code::UnknownCompletion,
            Completion::codes,
            diags,
        ),
        url: row.url("url", c.url, diags),
        extra: row.extras(&c.extras),
        src: row.take_src(),
    }
}

fn to_milestone(row: &mut Row, c: &MilestoneCols, diags: &mut Vec<Diagnostic>) -> Milestone {
    Milestone {
        id: row.required("id", c.id, diags),
        commitment_id: row.required("commitment_id", c.commitment_id, diags),
        title: row.required("title", c.title, diags),
        deliverable: row.text(c.deliverable),
        start: row.date("start", c.start, diags),
        end: row.date("end", c.end, diags),
        status: row.code(
            "status",
            c.status,
            Status::parse,
            Code::UnknownStatus,
            Status::codes,
            diags,
        ),
        completed_on: row.date("completed_on", c.completed_on, diags),
        evidence_url: row.url("evidence_url", c.evidence_url, diags),
        extra: row.extras(&c.extras),
        src: row.take_src(),
    }
}

/// Levenshtein distance, for "did you mean" hints on column names.
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Writes a plan's commitments in the catalogue's own CSV format (input column names, `;`
/// between list items), the inverse of loading: what a converter or a generator writes.
pub fn write_commitments_csv(plan: &Plan, w: impl std::io::Write) -> std::io::Result<()> {
    let keys: Vec<String> = input_keys(COMMITMENT_FIELDS)
        .map(str::to_string)
        .chain(plan.extra_commitment_columns.iter().cloned())
        .collect();
    write_input_csv(w, &keys, plan.commitments.iter(), |c, k| {
        crate::fields::commitment_value(plan, c, Default::default(), k)
    })
}

/// Writes a plan's milestones in the catalogue's own CSV format.
pub fn write_milestones_csv(plan: &Plan, w: impl std::io::Write) -> std::io::Result<()> {
    let keys: Vec<String> = input_keys(MILESTONE_FIELDS)
        .map(str::to_string)
        .chain(plan.extra_milestone_columns.iter().cloned())
        .collect();
    write_input_csv(w, &keys, plan.milestones.iter(), |m, k| {
        crate::fields::milestone_value(plan, m, k)
    })
}

fn write_input_csv<'a, T: 'a>(
    mut w: impl std::io::Write,
    keys: &[String],
    records: impl Iterator<Item = &'a T>,
    value: impl Fn(&'a T, &str) -> crate::fields::Value<'a>,
) -> std::io::Result<()> {
    use crate::fields::csv_cell;
    use crate::write::resources::write_csv_record;
    write_csv_record(&mut w, keys)?;
    for r in records {
        write_csv_record(
            &mut w,
            keys.iter().map(|k| csv_cell(&value(r, k)).into_owned()),
        )?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `text` loaded as a CSV file of the columns `a` and `b`, from a temporary folder.
    fn load_ab(text: &str, diags: &mut Vec<Diagnostic>) -> Option<(Table, Rows)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, text).unwrap();
        load_csv(Sandbox::default(), &path, &["a", "b"], diags)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// The values and positions of a CSV table are the reader's fields, unescaped, empty as
        /// `None` and with a quoted value's line breaks normalised: the cells kept as places in
        /// the text read as the copied fields did.
        #[test]
        fn csv_cells_are_the_fields_read(body in "([a-zé]{0,6}(\"[a-z,\"\n\ré]{0,8}\")?,[a-z]{0,3}(\r\n|\n|\r))*") {
            let text = format!("a,b\n{body}");
            let mut diags = Vec::new();
            let loaded = load_ab(&text, &mut diags);
            let plain: Vec<_> = source::CsvReader::new(&text).skip(1).collect();
            match loaded {
                Some((_, rows)) => {
                    prop_assert_eq!(rows.len(), plain.len());
                    for (r, rec) in plain.into_iter().enumerate() {
                        let rec = rec.unwrap();
                        prop_assert_eq!(&rows.srcs[r].pos, &rec.pos);
                        for (i, f) in rec.fields.into_iter().enumerate() {
                            prop_assert_eq!(rows.srcs[r].pos_of(Some(i)), f.pos);
                            let want = match f.quoted {
                                _ if f.value.is_empty() => None,
                                true => Some(normalize_newlines(f.value)),
                                false => Some(f.value),
                            };
                            prop_assert_eq!(rows.value(r, i), want.as_deref());
                        }
                    }
                }
                None => prop_assert!(!diags.is_empty()),
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]

        /// Blank values are the ones that trim to nothing.
        #[test]
        fn blank_is_trimmed_to_nothing(v in "[ a\t\n\r\u{b}\u{c}\u{1c}\u{85}\u{a0}\u{3000}é]{0,4}") {
            prop_assert_eq!(is_blank(&v), v.trim().is_empty(), "{:?}", v);
        }

        /// Line breaks are normalised as replacing `\r\n`, then `\r`, by `\n` does.
        #[test]
        fn newlines_normalise_as_replacing_does(v in "[a\r\né]{0,30}") {
            let plain = v.replace("\r\n", "\n").replace('\r', "\n");
            prop_assert_eq!(normalize_newlines(v), plain);
        }

        /// The bound on records is never below the number of records of that width.
        #[test]
        fn record_bound_holds_every_record(text in "([a,\"\n]|\r\n){0,40}", width in 1usize..5) {
            let mut reader = source::CsvReader::new(&text);
            let mut spans = Vec::new();
            let mut n = 0;
            while let Some(Ok(_)) = reader.read_into(&mut spans) {
                n += usize::from(spans.len() == width);
            }
            prop_assert!(n <= record_bound(&text, width), "{:?}", text);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1_000))]

        /// Taking a filled value gives what looking at it, trimming it and taking it gives, and
        /// leaves the cell as that does: blank values stay, others are gone.
        #[test]
        fn taking_filled_values_is_looking_then_taking(body in "(( |[a ]{0,3}|\"[a \"\r\n]{0,4}\"),( |[a ]{0,3}|\"[a \"\r\n]{0,4}\")\r?\n){0,6}") {
            let text = format!("a,b\n{body}");
            let mut diags = Vec::new();
            let fast = load_ab(&text, &mut diags);
            let plain = load_ab(&text, &mut diags);
            if let (Some((_, mut fast)), Some((_, mut plain))) = (fast, plain) {
                for r in 0..fast.len() {
                    for i in 0..3 {
                        let want = plain
                            .value(r, i)
                            .filter(|v| !v.trim().is_empty())
                            .map(str::to_string);
                        if want.is_some() {
                            plain.take(r, i);
                        }
                        prop_assert_eq!(fast.take_filled(r, i), want);
                        prop_assert_eq!(fast.value(r, i), plain.value(r, i));
                    }
                }
            }
        }
    }

    #[test]
    fn http_addresses_are_the_ones_the_url_parser_reads_as_http() {
        for v in [
            "https://www.donneesquebec.ca/recherche/dataset/x?jalon=A-01",
            "http://a",
            "https://1password.com",
            "https://xn--caf-dma.fr",
            "https://a.b:8080/",
            "HTTPS://a.b",
            "https://a.b/é",
        ] {
            assert!(
                check_url(v, Path::new("m.csv"), || Pos::START, "url").is_none(),
                "{v}"
            );
        }
        for v in [
            "https://",
            "http:///",
            "ftp://a.b",
            "javascript:alert(1)",
            "www.a.b",
            "",
        ] {
            let d = check_url(v, Path::new("m.csv"), || Pos::START, "url");
            assert_eq!(d.map(|d| d.code), Some(Code::BadUrl), "{v}");
        }
    }

    #[test]
    fn a_row_of_one_field_reads_in_the_singular_in_french() {
        use crate::i18n::Lang;
        let text = |fields: usize| t!("load-field-count", fields = fields, width = 8usize);
        assert_eq!(
            text(1).render(Lang::Fr),
            "cette ligne a 1 champ, mais l\u{2019}en-t\u{ea}te en a 8"
        );
        assert_eq!(
            text(9).render(Lang::Fr),
            "cette ligne a 9 champs, mais l\u{2019}en-t\u{ea}te en a 8"
        );
        // English is unchanged, word for word.
        assert_eq!(
            text(9).render(Lang::En),
            "this row has 9 fields but the header has 8"
        );
    }
}
