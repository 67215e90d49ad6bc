//! Writers for the published files: CSV and JSON tables, the data dictionary and the Frictionless
//! Data Package. Every writer streams to disk through [`HashingWriter`], so sizes and SHA-256 are
//! known without reading the file again, and records what it saw in the cells ([`CellFacts`]).

use crate::fields::{Field, Kind, Value};
use crate::model::PartialDate;
use crate::profile::{CellFacts, FileFacts, Lang, ResourceRole};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Counts and hashes every byte written through it.
pub struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
    head: Vec<u8>,
}

impl<W: Write> HashingWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
            head: Vec::new(),
        }
    }

    /// Flushes and returns the size, the lowercase hex SHA-256 and the first bytes written.
    pub fn finish(mut self) -> io::Result<(u64, String, Vec<u8>)> {
        self.inner.flush()?;
        Ok((self.bytes, hex(&self.hasher.finalize()), self.head))
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        if self.head.len() < 3 {
            let take = (3 - self.head.len()).min(n);
            self.head.extend_from_slice(&buf[..take]);
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A published file being written: buffered, then counted and hashed in large pieces.
pub type Out = BufWriter<HashingWriter<File>>;

/// Opens `path` for writing through a buffer and a hashing writer.
pub fn create(path: &Path) -> io::Result<Out> {
    Ok(BufWriter::with_capacity(
        1 << 16,
        HashingWriter::new(File::create(path)?),
    ))
}

/// Flushes a file opened by [`create`]; returns its size, SHA-256 and first bytes.
pub fn finish(out: Out) -> io::Result<(u64, String, Vec<u8>)> {
    out.into_inner().map_err(|e| e.into_error())?.finish()
}

/// Values people type when they mean "unknown"; Données Québec wants such cells empty.
const PLACEHOLDERS: &[&str] = &[
    "n/a", "na", "n/d", "nd", "s.o.", "so", "null", "none", "nil", "inconnu", "inconnue",
    "unknown", "-", "--", "?", "nan",
];

/// The length in bytes of the longest placeholder.
const PLACEHOLDER_MAX: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < PLACEHOLDERS.len() {
        if PLACEHOLDERS[i].len() > max {
            max = PLACEHOLDERS[i].len();
        }
        i += 1;
    }
    max
};

/// The one character outside ASCII whose lowercase is ASCII (`k`).
const KELVIN: char = '\u{212a}';

/// True when `text`, trimmed and lowercased, is one of [`PLACEHOLDERS`]; allocates only for
/// short text whose only characters outside ASCII are Kelvin signs.
fn is_placeholder(text: &str) -> bool {
    let b = text.as_bytes();
    // Text that starts and ends with a visible ASCII character has nothing to trim.
    let t = match (b.first(), b.last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    };
    // Placeholders are lowercase ASCII, one byte per character. Lowercasing turns a character
    // into one or more characters, and a character takes at most four bytes, so longer text can
    // never lowercase to a placeholder.
    if t.len() > 4 * PLACEHOLDER_MAX {
        return false;
    }
    if t.is_ascii() {
        return t.len() <= PLACEHOLDER_MAX
            && PLACEHOLDERS.iter().any(|p| p.eq_ignore_ascii_case(t));
    }
    // Any other character outside ASCII lowercases to characters outside ASCII, which no
    // placeholder holds.
    if t.chars().any(|c| !c.is_ascii() && c != KELVIN) {
        return false;
    }
    PLACEHOLDERS.contains(&t.to_lowercase().as_str())
}

impl CellFacts {
    /// Facts for a table with these columns, before any cell is seen.
    pub fn for_fields(fields: &[Field]) -> Self {
        CellFacts {
            date_columns: fields.iter().any(|f| f.kind == Kind::Date),
            number_columns: fields
                .iter()
                .any(|f| matches!(f.kind, Kind::Integer | Kind::Decimal)),
            ..CellFacts::default()
        }
    }

    /// Records one cell written in a column of `kind`.
    #[inline]
    pub fn observe(&mut self, kind: Kind, value: &Value) {
        match (kind, value) {
            (_, Value::Null) => {}
            (Kind::Date, Value::Text(t)) => {
                self.dates.0 += 1;
                self.dates.1 += u64::from(PartialDate::parse(t).is_some_and(PartialDate::is_day));
            }
            (Kind::Date, Value::Date(d)) => {
                self.dates.0 += 1;
                self.dates.1 += u64::from(d.is_day());
            }
            (Kind::Integer | Kind::Decimal, v) => {
                let text = match v {
                    Value::Int(_) => "0",
                    Value::Decimal(d) => d.as_str(),
                    Value::Text(t) => t,
                    _ => "",
                };
                self.numbers.0 += 1;
                let ok = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'.');
                self.numbers.1 += u64::from(ok);
            }
            (Kind::Text | Kind::List, Value::Text(t)) => {
                self.placeholders += u64::from(is_placeholder(t));
            }
            _ => {}
        }
    }
}

/// Writes one CSV record (RFC 4180, comma, `\n` line end): a field is quoted when it holds a
/// comma, a quote or a line break, and its quotes are doubled; the same bytes as the `csv`
/// crate's writer with `\n` records. Hand-written for one measured reason: that writer searches
/// the rest of a field for a quote again for every buffer it fills, so a 50 MB field with commas
/// and no quote took 213 s to build instead of 2 s (debug build,
/// `cargo test --test hostile_inputs fifty_megabyte_valid_field`); this one passes over each
/// field once.
pub fn write_csv_record<W: Write, S: AsRef<str>>(
    out: &mut W,
    fields: impl IntoIterator<Item = S>,
) -> io::Result<()> {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_csv_field(out, field.as_ref())?;
    }
    out.write_all(b"\n")
}

/// Writes one field of a record, quoted when it must be.
fn write_csv_field<W: Write>(out: &mut W, f: &str) -> io::Result<()> {
    let b = f.as_bytes();
    if memchr::memchr3(b',', b'"', b'\n', b).is_none() && memchr::memchr(b'\r', b).is_none() {
        return out.write_all(b);
    }
    out.write_all(b"\"")?;
    for (j, part) in f.split('"').enumerate() {
        if j > 0 {
            out.write_all(b"\"\"")?;
        }
        out.write_all(part.as_bytes())?;
    }
    out.write_all(b"\"")
}

/// Writes the record of `row`'s cells as [`csv_cell`] gives them, formatting a number, a date
/// or a list into `scratch`, which is reused from cell to cell.
fn write_csv_row<W: Write>(out: &mut W, row: &[Value], scratch: &mut String) -> io::Result<()> {
    use std::fmt::Write as _;
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let text: &str = match v {
            Value::Null => "",
            Value::Text(t) => t,
            Value::Decimal(d) => d,
            Value::Int(n) => {
                scratch.clear();
                let _ = write!(scratch, "{n}");
                scratch
            }
            Value::Date(d) => {
                scratch.clear();
                let _ = write!(scratch, "{d}");
                scratch
            }
            Value::List(items) => {
                scratch.clear();
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        scratch.push(';');
                    }
                    scratch.push_str(item);
                }
                scratch
            }
        };
        write_csv_field(out, text)?;
    }
    out.write_all(b"\n")
}

/// How a table file is described to portals.
pub struct TableInfo {
    /// File name.
    pub file: String,
    /// Resource title.
    pub title: String,
    /// Resource description.
    pub description: String,
    /// Data or documentation.
    pub role: ResourceRole,
}

/// A file being written, with a byte-order mark first when asked.
fn start(path: &Path, bom: bool) -> io::Result<Out> {
    let mut out = create(path)?;
    if bom {
        out.write_all(b"\xEF\xBB\xBF")?;
    }
    Ok(out)
}

/// Writes a CSV table: header of published names, one row per record, `\n` line ends, an optional
/// byte-order mark.
pub fn write_csv<'a>(
    dir: &Path,
    info: TableInfo,
    fields: &[Field],
    lang: Lang,
    bom: bool,
    rows: impl Iterator<Item = Vec<Value<'a>>>,
) -> io::Result<FileFacts> {
    let mut csv = start(&dir.join(&info.file), bom)?;
    let mut facts = CellFacts {
        comma_separated: true,
        ..CellFacts::for_fields(fields)
    };
    write_csv_record(&mut csv, fields.iter().map(|f| f.name(lang)))?;
    let mut scratch = String::new();
    for row in rows {
        for (f, v) in fields.iter().zip(&row) {
            facts.observe(f.kind, v);
        }
        write_csv_row(&mut csv, &row, &mut scratch)?;
    }
    let (bytes, sha256, utf8_bom) = finish_csv(csv)?;
    facts.utf8_bom = utf8_bom;
    Ok(facts_of(
        info,
        "CSV",
        "text/csv",
        bytes,
        sha256,
        Some(facts),
    ))
}

/// Flushes a CSV file; returns its size, its SHA-256 and whether it starts with a byte-order
/// mark.
fn finish_csv(csv: Out) -> io::Result<(u64, String, bool)> {
    let (bytes, sha256, head) = finish(csv)?;
    Ok((bytes, sha256, head == b"\xEF\xBB\xBF"))
}

/// One record of a JSON table: the cells of `row` under the published names, keys in byte
/// order (a row shorter than the table has only the keys of the columns it reaches).
struct JsonRow<'r, 'a> {
    /// Column indexes in the byte order of their names.
    order: &'r [usize],
    names: &'r [&'r str],
    row: &'r [Value<'a>],
}

impl Serialize for JsonRow<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(
            self.order
                .iter()
                .filter_map(|&i| Some((self.names[i], self.row.get(i)?))),
        )
    }
}

/// The column indexes of `names` in the byte order of the names.
pub(crate) fn sorted_order(names: &[&str]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| names[i]);
    order
}

/// Writes a table as CSV (as [`write_csv`] does) and as JSON (an array with one object per
/// line, keys sorted, `null` for unknown, no byte-order mark) in one pass over its rows, so each
/// cell is computed and observed once. Returns the CSV file's facts, then the JSON file's.
///
/// `next_row` puts the next row's cells into the empty buffer it is given, which is reused
/// from row to row, and returns false when there is no row left.
pub fn write_table<'a>(
    dir: &Path,
    (csv_info, json_info): (TableInfo, TableInfo),
    fields: &[Field],
    lang: Lang,
    bom: bool,
    mut next_row: impl FnMut(&mut Vec<Value<'a>>) -> bool,
) -> io::Result<(FileFacts, FileFacts)> {
    let mut csv = start(&dir.join(&csv_info.file), bom)?;
    let mut json = start(&dir.join(&json_info.file), false)?;
    let names: Vec<&str> = fields.iter().map(|f| f.name(lang)).collect();
    let order = sorted_order(&names);
    write_csv_record(&mut csv, &names)?;
    let mut cells = CellFacts::for_fields(fields);
    json.write_all(b"[")?;
    let mut first = true;
    let mut row = Vec::with_capacity(fields.len());
    let mut scratch = String::new();
    while next_row(&mut row) {
        for (f, v) in fields.iter().zip(&row) {
            cells.observe(f.kind, v);
        }
        write_csv_row(&mut csv, &row, &mut scratch)?;
        json.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        let record = JsonRow {
            order: &order,
            names: &names,
            row: &row,
        };
        serde_json::to_writer(&mut json, &record)?;
        row.clear();
    }
    json.write_all(b"\n]\n")?;
    let (bytes, sha256, utf8_bom) = finish_csv(csv)?;
    let csv_cells = CellFacts {
        comma_separated: true,
        utf8_bom,
        ..cells
    };
    let csv_facts = facts_of(csv_info, "CSV", "text/csv", bytes, sha256, Some(csv_cells));
    let (bytes, sha256, _) = finish(json)?;
    let json_facts = facts_of(
        json_info,
        "JSON",
        "application/json",
        bytes,
        sha256,
        Some(cells),
    );
    Ok((csv_facts, json_facts))
}

/// `value` pretty-printed as serde_json prints it, with a final newline.
pub fn pretty_json<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).unwrap_or_default();
    out.push(b'\n');
    out
}

/// Writes `value`, pretty-printed, with a final newline, through the hashing writer; returns
/// the file's size and SHA-256.
pub fn write_pretty<T: Serialize + ?Sized>(path: &Path, value: &T) -> io::Result<(u64, String)> {
    let mut out = create(path)?;
    serde_json::to_writer_pretty(&mut out, value)?;
    out.write_all(b"\n")?;
    let (bytes, sha256, _) = finish(out)?;
    Ok((bytes, sha256))
}

/// Writes any JSON value, pretty-printed, with a final newline.
pub fn write_json_value(
    dir: &Path,
    info: TableInfo,
    value: &serde_json::Value,
) -> io::Result<FileFacts> {
    let (bytes, sha256) = write_pretty(&dir.join(&info.file), value)?;
    Ok(facts_of(
        info,
        "JSON",
        "application/json",
        bytes,
        sha256,
        None,
    ))
}

fn facts_of(
    info: TableInfo,
    format: &'static str,
    mimetype: &'static str,
    bytes: u64,
    sha256: String,
    cells: Option<CellFacts>,
) -> FileFacts {
    FileFacts {
        file: info.file,
        title: info.title,
        description: info.description,
        format,
        mimetype,
        role: info.role,
        bytes,
        sha256,
        cells,
    }
}

/// The type name shown in the data dictionary.
fn dictionary_type(kind: Kind, lang: Lang) -> &'static str {
    match kind {
        Kind::Text => lang.pick("texte", "text"),
        Kind::Integer => lang.pick("entier", "integer"),
        Kind::Decimal => lang.pick("décimal", "decimal"),
        Kind::Date => "date",
        Kind::Url => "url",
        Kind::Code(_) => "code",
        Kind::List | Kind::CodeList(_) => lang.pick("liste", "list"),
    }
}

/// A field's description, with its allowed codes appended.
pub fn full_description(f: &Field, i: usize) -> String {
    let base = f.description[i].to_string();
    match f.kind {
        Kind::Code(codes) | Kind::CodeList(codes) if i == 0 => {
            format!("{base} Valeurs permises : {}.", codes.join(", "))
        }
        Kind::Code(codes) | Kind::CodeList(codes) => {
            format!("{base} Allowed values: {}.", codes.join(", "))
        }
        _ => base,
    }
}

/// One dictionary row per column of each table: `(resource name, fields)`.
pub fn dictionary_rows<'a>(
    tables: &'a [(&'a str, &'a [Field])],
    lang: Lang,
) -> impl Iterator<Item = Vec<Value<'a>>> + 'a {
    tables.iter().flat_map(move |(resource, fields)| {
        fields.iter().map(move |f| {
            let t = |s: String| Value::Text(s.into());
            vec![
                t(resource.to_string()),
                t(f.name(lang).to_string()),
                t(dictionary_type(f.kind, lang).to_string()),
                t(f.label[0].to_string()),
                t(f.label[1].to_string()),
                t(full_description(f, 0)),
                t(full_description(f, 1)),
                if f.example.is_empty() {
                    Value::Null
                } else {
                    t(f.example.to_string())
                },
            ]
        })
    })
}

/// The Frictionless Table Schema field for a column.
fn schema_field(f: &Field, lang: Lang, unique: bool) -> serde_json::Value {
    let i = usize::from(lang == Lang::En);
    let (ty, extra): (&str, serde_json::Value) = match f.kind {
        Kind::Text | Kind::List => ("string", json!({})),
        Kind::Integer => ("integer", json!({ "minimum": 0 })),
        Kind::Decimal => ("number", json!({ "minimum": 0 })),
        Kind::Date => (
            "string",
            json!({ "pattern": "[0-9]{4}-[0-9]{2}(-[0-9]{2})?" }),
        ),
        Kind::Url => ("string", json!({ "pattern": "https?://.+" })),
        Kind::Code(codes) => ("string", json!({ "enum": codes })),
        Kind::CodeList(codes) => {
            let alt = codes.join("|");
            (
                "string",
                json!({ "pattern": format!("({alt})(;({alt}))*") }),
            )
        }
    };
    let mut constraints = extra.as_object().cloned().unwrap_or_default();
    if f.required {
        constraints.insert("required".into(), true.into());
    }
    if unique {
        constraints.insert("unique".into(), true.into());
    }
    let mut field = json!({
        "name": f.name(lang),
        "type": ty,
        "title": f.label[i],
        "description": full_description(f, i),
    });
    if f.kind == Kind::Date {
        field["format"] = "default".into();
    }
    if !constraints.is_empty() {
        field["constraints"] = constraints.into();
    }
    field
}

/// A Frictionless Table Schema for `fields`; `id` is the primary key when present.
pub fn table_schema(
    fields: &[Field],
    lang: Lang,
    foreign_key: Option<(&str, &str)>,
) -> serde_json::Value {
    let has_id = fields.iter().any(|f| f.key == "id");
    let mut schema = json!({
        "fields": fields.iter().map(|f| schema_field(f, lang, f.key == "id")).collect::<Vec<_>>(),
        "missingValues": [""],
    });
    if has_id {
        schema["primaryKey"] = json!(["id"]);
    }
    if let Some((field, resource)) = foreign_key {
        schema["foreignKeys"] = json!([{
            "fields": [field],
            "reference": { "resource": resource, "fields": ["id"] }
        }]);
    }
    schema
}

/// A Data Package resource entry for a written CSV file.
pub fn package_resource(
    name: &str,
    file: &FileFacts,
    bom: bool,
    schema: serde_json::Value,
) -> serde_json::Value {
    json!({
        "name": name,
        "path": file.file,
        "profile": "tabular-data-resource",
        "title": file.title,
        "description": file.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": if bom { "utf-8-sig" } else { "utf-8" },
        "bytes": file.bytes,
        "hash": format!("sha256:{}", file.sha256),
        "dialect": { "delimiter": ",", "lineTerminator": "\n", "quoteChar": "\"", "doubleQuote": true, "header": true },
        "schema": schema,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::csv_cell;
    use std::borrow::Cow;

    /// A row source for [`write_table`] that hands out the rows of `rows` one after the other.
    fn rows_of<'a>(
        mut rows: impl Iterator<Item = Vec<Value<'a>>>,
    ) -> impl FnMut(&mut Vec<Value<'a>>) -> bool {
        move |row| match rows.next() {
            Some(next) => {
                *row = next;
                true
            }
            None => false,
        }
    }

    fn tricky() -> Vec<String> {
        let mut all: Vec<String> = [
            "",
            " ",
            "n/a",
            " N/A ",
            "Na",
            "NULL",
            "Inconnue",
            "inconnu\t",
            "UNKNOWN",
            "--",
            "?",
            "nan",
            "NaN ",
            "so",
            "S.O.",
            "none!",
            "unknownn",
            "plain text, with a comma",
            "say \"hi\"",
            "\"",
            "line\nbreak",
            "cr\rreturn",
            "crlf\r\n",
            "a;b",
            "é",
            "ÉTÉ",
            // The Kelvin sign lowercases to an ASCII `k`; İ lowercases to two characters.
            "un\u{212a}nown",
            " UN\u{212a}NOWN\u{a0}",
            "\u{212a}",
            "İ",
            "\u{a0}n/d\u{2003}",
            "inconnu\u{301}",
            "ÑA",
            "ña",
            "😀",
            "n/a😀",
        ]
        .map(String::from)
        .to_vec();
        all.push("x".repeat(40));
        all.push(format!("un{}nown", "\u{212a}"));
        all
    }

    #[test]
    fn placeholders_are_lowercase_ascii() {
        for p in PLACEHOLDERS {
            assert!(p.is_ascii() && p.to_lowercase() == *p, "{p}");
        }
    }

    #[test]
    fn only_the_kelvin_sign_lowercases_to_ascii_from_outside_it() {
        for c in (0x80..=0x10ffff).filter_map(char::from_u32) {
            if c != KELVIN {
                assert!(c.to_lowercase().any(|l| !l.is_ascii()), "{c:?}");
            }
        }
        assert_eq!(KELVIN.to_lowercase().to_string(), "k");
    }

    #[test]
    fn placeholders_match_as_trimmed_lowercase_text_does() {
        for t in tricky() {
            let expected = PLACEHOLDERS.contains(&t.trim().to_lowercase().as_str());
            assert_eq!(is_placeholder(&t), expected, "{t:?}");
        }
        assert!(is_placeholder(" un\u{212a}nown "));
        assert!(is_placeholder("N/A"));
    }

    fn cells(texts: &[String]) -> Vec<Value<'_>> {
        let mut all = vec![
            Value::Null,
            Value::Int(0),
            Value::Int(1234567890),
            Value::Int(u64::MAX),
            Value::Decimal("66.7".into()),
            Value::Decimal("1,5".into()),
            Value::List(vec![]),
            Value::List(texts.iter().map(|t| Cow::Borrowed(t.as_str())).collect()),
            Value::List(vec![Cow::Borrowed("a"), Cow::Borrowed("b")]),
            Value::List(vec![Cow::Borrowed("a,\"b\""), Cow::Borrowed("c")]),
            Value::Date(PartialDate {
                year: 2024,
                month: 2,
                day: Some(29),
            }),
            Value::Date(PartialDate {
                year: 7,
                month: 12,
                day: None,
            }),
            Value::Date(PartialDate {
                year: -5,
                month: 100,
                day: Some(1),
            }),
        ];
        all.extend(texts.iter().map(|t| Value::Text(Cow::Borrowed(t.as_str()))));
        all
    }

    #[test]
    fn tables_read_back_as_their_cells_with_the_csv_and_json_readers() {
        let texts = tricky();
        let values = cells(&texts);
        // Names whose byte order is not the column order.
        let fields: Vec<Field> = (0..values.len())
            .map(|i| Field::extra(&format!("col{:02}", (values.len() - i) * 7 % values.len())))
            .collect();
        let rows = || (0..3).map(|_| values.clone());
        let dir = tempfile::tempdir().unwrap();
        let table = |file: &str| TableInfo {
            file: file.into(),
            title: String::new(),
            description: String::new(),
            role: ResourceRole::Data,
        };
        let (csv_facts, json_facts) = write_table(
            dir.path(),
            (table("t.csv"), table("t.json")),
            &fields,
            Lang::Fr,
            true,
            rows_of(rows()),
        )
        .unwrap();
        // The CSV, read by the csv crate's reader, gives back the header and each cell's text.
        let bytes = std::fs::read(dir.path().join("t.csv")).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let names: Vec<String> = fields
            .iter()
            .map(|f| f.name(Lang::Fr).to_string())
            .collect();
        assert_eq!(header, names);
        let records: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        let want: Vec<String> = values.iter().map(|v| csv_cell(v).into_owned()).collect();
        assert_eq!(records, vec![want; 3]);
        // The JSON is one record per line, keys in byte order, and parses back to the cells.
        let text = std::fs::read_to_string(dir.path().join("t.json")).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            (lines[0], lines[lines.len() - 1], lines.len()),
            ("[", "]", 5)
        );
        let parsed: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(&text).unwrap();
        for record in &parsed {
            let keys: Vec<&String> = record.keys().collect();
            let mut sorted = keys.clone();
            sorted.sort();
            assert_eq!(keys, sorted);
            for (f, v) in fields.iter().zip(&values) {
                let want = serde_json::to_value(v).unwrap();
                assert_eq!(record[f.name(Lang::Fr)], want, "{v:?}");
            }
        }
        assert_eq!(json_cell_of(&Value::Decimal("66.7".into())), "66.7");
        assert_eq!(json_cell_of(&Value::Decimal("1,5".into())), "\"1,5\"");
        // The one-table CSV writer writes the same CSV, with the same facts.
        let alone = write_csv(
            dir.path(),
            table("alone.csv"),
            &fields,
            Lang::Fr,
            true,
            rows(),
        )
        .unwrap();
        assert_eq!(std::fs::read(dir.path().join("alone.csv")).unwrap(), bytes);
        assert_eq!(alone.cells, csv_facts.cells);
        assert_eq!(
            json_facts
                .cells
                .map(|c| (c.dates, c.numbers, c.placeholders)),
            csv_facts
                .cells
                .map(|c| (c.dates, c.numbers, c.placeholders))
        );
    }

    fn json_cell_of(v: &Value) -> String {
        serde_json::to_string(v).unwrap()
    }

    #[test]
    fn date_cells_count_as_their_text_would() {
        let kinds = [Kind::Date, Kind::Text, Kind::Integer, Kind::List];
        for year in [-5, 0, 4, 100, 1900, 2000, 2023, 2024, 9999, 10000] {
            for month in [0, 1, 2, 4, 12, 13, 99, 100] {
                for day in [
                    None,
                    Some(0),
                    Some(1),
                    Some(28),
                    Some(29),
                    Some(30),
                    Some(31),
                    Some(32),
                    Some(100),
                ] {
                    let d = PartialDate { year, month, day };
                    let text = d.to_string();
                    assert_eq!(d.is_iso(), PartialDate::parse(&text).is_some(), "{d:?}");
                    let exists = chrono::NaiveDate::from_ymd_opt(year, month, day.unwrap_or(1));
                    assert_eq!(d.is_iso(), (0..=9999).contains(&year) && exists.is_some());
                    for kind in kinds {
                        let (mut a, mut b) = (CellFacts::default(), CellFacts::default());
                        a.observe(kind, &Value::Date(d));
                        b.observe(kind, &Value::Text(Cow::Owned(text.clone())));
                        assert_eq!(a, b, "{d:?} {kind:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn dates_format_as_display_always_did() {
        let old = |d: PartialDate| {
            let mut s = format!("{:04}-{:02}", d.year, d.month);
            if let Some(day) = d.day {
                s.push_str(&format!("-{day:02}"));
            }
            s
        };
        for year in [-5, -1, 0, 7, 10, 99, 100, 999, 1000, 2024, 9999, 10000] {
            for month in [0, 1, 9, 10, 12, 99, 100] {
                for day in [
                    None,
                    Some(0),
                    Some(1),
                    Some(9),
                    Some(31),
                    Some(99),
                    Some(100),
                ] {
                    let d = PartialDate { year, month, day };
                    assert_eq!(d.to_string(), old(d), "{d:?}");
                    if let Some(s) = d.format_into(&mut [0; 10]) {
                        assert_eq!(s, old(d));
                    }
                }
            }
        }
    }
}
