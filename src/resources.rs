//! Writers for the published files: CSV and JSON tables, the data dictionary and the Frictionless
//! Data Package. Every writer streams to disk through [`HashingWriter`], so sizes and SHA-256 are
//! known without reading the file again, and records what it saw in the cells ([`CellFacts`]).

use crate::fields::{Field, Kind, Value};
use crate::json_out;
use crate::model::PartialDate;
use crate::profile::{CellFacts, FileFacts, Lang, ResourceRole};
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

/// Opens `path` for writing through a hashing buffer. The buffer is small: the table writers
/// gather 256 KiB (`CHUNK`) in memory and hand them over in one call, which goes straight to the
/// file; only the few small pieces written between chunks are copied into it.
pub fn create(path: &Path) -> io::Result<HashingWriter<BufWriter<File>>> {
    Ok(HashingWriter::new(BufWriter::with_capacity(
        SMALL_WRITES,
        File::create(path)?,
    )))
}

/// The capacity of [`create`]'s file buffer.
const SMALL_WRITES: usize = 1 << 13;

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

/// The text of a cell in CSV: empty for unknown, `;` between list items.
pub fn csv_cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Text(t) => t.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Decimal(d) => d.clone(),
        Value::List(items) => items.join(";"),
        Value::Date(d) => d.to_string(),
    }
}

/// The JSON value of a cell: `null` for unknown, numbers as numbers, lists as arrays.
pub fn json_cell(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Text(t) => t.as_ref().into(),
        Value::Int(n) => (*n).into(),
        Value::Decimal(d) => serde_json::from_str::<serde_json::Number>(d)
            .map_or_else(|_| d.as_str().into(), serde_json::Value::Number),
        Value::List(items) => items.iter().map(|s| s.as_ref()).collect::<Vec<_>>().into(),
        Value::Date(d) => d.to_string().into(),
    }
}

/// Writes one CSV record (RFC 4180, comma, `\n` line end): a field is quoted when it holds a
/// comma, a quote or a line break, and its quotes are doubled. One pass over each field, so a
/// 50 MB cell costs what its bytes cost.
pub fn write_csv_record<W: Write, S: AsRef<str>>(
    out: &mut W,
    fields: impl IntoIterator<Item = S>,
) -> io::Result<()> {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let f = field.as_ref();
        if f.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            out.write_all(b"\"")?;
            let mut rest = f;
            while let Some(q) = rest.find('"') {
                out.write_all(&rest.as_bytes()[..=q])?;
                out.write_all(b"\"")?;
                rest = &rest[q + 1..];
            }
            out.write_all(rest.as_bytes())?;
            out.write_all(b"\"")?;
        } else {
            out.write_all(f.as_bytes())?;
        }
    }
    out.write_all(b"\n")
}

/// Bytes gathered in memory before they go through the hashing writer, and on to the file, in
/// one call. At 256 KiB a 1,000-plan build spent about 0.1 s less system time than at 64 KiB
/// (0.90 against 1.02 s on average, lower in seven of eight interleaved pairs of runs): a
/// quarter as many `write` calls, each with its own locking and accounting in the kernel.
pub(crate) const CHUNK: usize = 1 << 18;

/// Writes the gathered bytes and empties the buffer, giving back memory a huge cell took.
fn drain<W: Write>(out: &mut W, buf: &mut Vec<u8>) -> io::Result<()> {
    out.write_all(buf)?;
    buf.clear();
    if buf.capacity() > 16 * CHUNK {
        buf.shrink_to(2 * CHUNK);
    }
    Ok(())
}

/// True when a CSV field must be quoted.
fn needs_quotes(text: &str) -> bool {
    crate::scan::needs_csv_quotes(text.as_bytes())
}

/// Appends `text` with its quotes doubled.
fn push_quoted_part(out: &mut Vec<u8>, text: &str) {
    let mut rest = text.as_bytes();
    while let Some(q) = memchr::memchr(b'"', rest) {
        out.extend_from_slice(&rest[..=q]);
        out.push(b'"');
        rest = &rest[q + 1..];
    }
    out.extend_from_slice(rest);
}

/// Appends a text as a CSV field, quoted when it must be.
fn push_csv_text(out: &mut Vec<u8>, text: &str) {
    if needs_quotes(text) {
        out.push(b'"');
        push_quoted_part(out, text);
        out.push(b'"');
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

/// Appends one cell as a CSV field: the bytes [`write_csv_record`] writes for [`csv_cell`],
/// without building the cell's text.
fn push_csv_cell(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => {}
        Value::Int(n) => json_out::write_u64(out, *n),
        // A date written the short way is digits and hyphens: never quoted.
        Value::Date(d) => {
            if !json_out::push_date(out, *d) {
                push_csv_text(out, &d.to_string());
            }
        }
        Value::Text(t) => push_csv_text(out, t),
        Value::Decimal(t) => push_csv_text(out, t),
        Value::List(items) => {
            let quoted = items.iter().any(|t| needs_quotes(t));
            if quoted {
                out.push(b'"');
            }
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b';');
                }
                if quoted {
                    push_quoted_part(out, item);
                } else {
                    out.extend_from_slice(item.as_bytes());
                }
            }
            if quoted {
                out.push(b'"');
            }
        }
    }
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
    let mut out = create(&dir.join(&info.file))?;
    let mut facts = CellFacts {
        comma_separated: true,
        ..CellFacts::for_fields(fields)
    };
    let mut buf = Vec::with_capacity(2 * CHUNK);
    if bom {
        buf.extend_from_slice(b"\xEF\xBB\xBF");
    }
    write_csv_record(&mut buf, fields.iter().map(|f| f.name(lang)))?;
    for row in rows {
        push_csv_row(&mut buf, fields, &row, Some(&mut facts));
        if buf.len() >= CHUNK {
            drain(&mut out, &mut buf)?;
        }
    }
    drain(&mut out, &mut buf)?;
    let (bytes, sha256, head) = out.finish()?;
    facts.utf8_bom = head == b"\xEF\xBB\xBF";
    Ok(facts_of(
        info,
        "CSV",
        "text/csv",
        bytes,
        sha256,
        Some(facts),
    ))
}

/// Appends one CSV record for `row`, observing each cell into `facts` when given.
fn push_csv_row(
    buf: &mut Vec<u8>,
    fields: &[Field],
    row: &[Value],
    mut facts: Option<&mut CellFacts>,
) {
    for (i, (f, v)) in fields.iter().zip(row).enumerate() {
        if let Some(facts) = facts.as_deref_mut() {
            facts.observe(f.kind, v);
        }
        if i > 0 {
            buf.push(b',');
        }
        push_csv_cell(buf, v);
    }
    buf.push(b'\n');
}

/// Each row of a table as a pretty JSON object of the columns another file shows, kept while
/// the table's JSON file is written, for that file which nests the same rows (`plan.json`
/// nests the milestones): each cell is computed, escaped and observed once, and a row is then
/// one slice to copy. The objects are those [`json_out::write_pretty_object`] writes at
/// [`depth`](Self::new) for the shown columns (keys in byte order, the later of equal names
/// winning, lists one item per line).
#[derive(Debug)]
pub struct KeptCells {
    /// Which columns the other file shows; the facts of a row count only these.
    shown: Vec<bool>,
    /// The shown members in writing order, by column, with their pretty keys.
    keys: json_out::Keys,
    depth: usize,
    bytes: Vec<u8>,
    /// Where each row's object ends in `bytes`.
    ends: Vec<usize>,
    /// What was observed in each row's shown cells.
    facts: Vec<CellFacts>,
    /// Where the cell of each column of the row being kept sits in `bytes`, when it was
    /// written there and its compact JSON is the same text (not a list).
    at: Vec<Option<(usize, usize)>>,
}

impl KeptCells {
    /// Keeps the rows of a table of `fields` whose columns are shown in the other file as
    /// `shown` says, as objects whose members sit `depth` levels deep there (their closing
    /// brace one level less), with room for `rows` rows made at once.
    pub fn new(fields: &[Field], shown: Vec<bool>, lang: Lang, depth: usize, rows: usize) -> Self {
        // About the size of a milestone's object in JSON; more only costs a copy as it grows.
        const ROW_BYTES: usize = 512;
        let names = fields
            .iter()
            .zip(&shown)
            .enumerate()
            .filter(|(_, (_, &s))| s)
            .map(|(i, (f, _))| (f.name(lang), i));
        KeptCells {
            keys: json_out::Keys::pretty_indexed(names, depth),
            bytes: Vec::with_capacity(rows * ROW_BYTES),
            ends: Vec::with_capacity(rows),
            facts: Vec::with_capacity(rows),
            at: Vec::with_capacity(fields.len()),
            shown,
            depth,
        }
    }

    /// The pretty JSON object of row `row` (in the order the table was written).
    pub fn object(&self, row: usize) -> &[u8] {
        let start = if row == 0 { 0 } else { self.ends[row - 1] };
        &self.bytes[start..self.ends[row]]
    }

    /// What was observed in the shown cells of row `row`.
    pub fn facts(&self, row: usize) -> &CellFacts {
        &self.facts[row]
    }

    /// Keeps one row, observing each cell into the row's facts when shown, into `hidden`
    /// otherwise; the row is then written compact into `out`, its scalar cells copied from
    /// the kept object.
    fn keep(
        &mut self,
        out: &mut Vec<u8>,
        keys: &json_out::Keys,
        fields: &[Field],
        row: &[Value],
        hidden: &mut CellFacts,
    ) {
        let mut facts = CellFacts::default();
        for (i, (f, v)) in fields.iter().zip(row).enumerate() {
            if self.shown.get(i) == Some(&true) {
                facts.observe(f.kind, v);
            } else {
                hidden.observe(f.kind, v);
            }
        }
        self.facts.push(facts);
        self.at.clear();
        self.at.resize(row.len(), None);
        let object_start = self.bytes.len();
        self.bytes
            .reserve(self.keys.key_bytes() + self.keys.len() + 2 * self.depth + 2);
        // A short row writes a shown column it does not reach as its key alone.
        json_out::write_pretty_object(&mut self.bytes, &self.keys, self.depth - 1, |bytes, i| {
            if let Some(v) = row.get(i) {
                let start = bytes.len();
                json_out::write_pretty(bytes, v, self.depth);
                if !matches!(v, Value::List(_)) {
                    self.at[i] = Some((start, bytes.len()));
                }
            }
        });
        self.ends.push(self.bytes.len());
        out.reserve(self.bytes.len() - object_start + keys.key_bytes() + 2);
        if keys.is_empty() {
            out.extend_from_slice(b"{}");
            return;
        }
        for (i, key) in keys.members() {
            out.extend_from_slice(key);
            match self.at[i] {
                Some((start, end)) => out.extend_from_slice(&self.bytes[start..end]),
                None => json_out::write_compact(out, &row[i]),
            }
        }
        out.push(b'}');
    }
}

impl CellFacts {
    /// Adds the cell counts of `other` (dates, numbers, placeholders) to these.
    pub fn add_counts(&mut self, other: &CellFacts) {
        self.dates.0 += other.dates.0;
        self.dates.1 += other.dates.1;
        self.numbers.0 += other.numbers.0;
        self.numbers.1 += other.numbers.1;
        self.placeholders += other.placeholders;
    }
}

/// Writes a table as CSV (as [`write_csv`] does) and as JSON (an array with one object per
/// line, keys sorted, `null` for unknown, no byte-order mark) in one pass over its rows, so each
/// cell is computed and observed once. Returns the CSV file's facts, then the JSON file's.
/// With `kept`, each cell's JSON is also kept there for another file.
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
    mut kept: Option<&mut KeptCells>,
) -> io::Result<(FileFacts, FileFacts)> {
    let mut csv = create(&dir.join(&csv_info.file))?;
    let mut json = create(&dir.join(&json_info.file))?;
    let (mut cbuf, mut jbuf) = (Vec::with_capacity(2 * CHUNK), Vec::with_capacity(2 * CHUNK));
    if bom {
        cbuf.extend_from_slice(b"\xEF\xBB\xBF");
    }
    write_csv_record(&mut cbuf, fields.iter().map(|f| f.name(lang)))?;
    let mut cells = CellFacts::for_fields(fields);
    let keys = json_out::Keys::compact(fields.iter().map(|f| f.name(lang)));
    jbuf.push(b'[');
    let mut first = true;
    let mut row = Vec::with_capacity(fields.len());
    while next_row(&mut row) {
        jbuf.extend_from_slice(if first { b"\n" } else { b",\n" });
        first = false;
        let short = (row.len() < fields.len())
            .then(|| json_out::Keys::compact(fields[..row.len()].iter().map(|f| f.name(lang))));
        // A short row has only the keys of the columns it reaches.
        let keys = short.as_ref().unwrap_or(&keys);
        match kept.as_deref_mut() {
            Some(kept) => {
                push_csv_row(&mut cbuf, fields, &row, None);
                kept.keep(&mut jbuf, keys, fields, &row, &mut cells);
            }
            None => {
                push_csv_row(&mut cbuf, fields, &row, Some(&mut cells));
                json_out::write_compact_object(&mut jbuf, keys, &row);
            }
        }
        if cbuf.len() >= CHUNK {
            drain(&mut csv, &mut cbuf)?;
        }
        if jbuf.len() >= CHUNK {
            drain(&mut json, &mut jbuf)?;
        }
        row.clear();
    }
    if let Some(kept) = kept {
        for facts in &kept.facts {
            cells.add_counts(facts);
        }
    }
    drain(&mut csv, &mut cbuf)?;
    jbuf.extend_from_slice(b"\n]\n");
    drain(&mut json, &mut jbuf)?;
    let (bytes, sha256, head) = csv.finish()?;
    let csv_cells = CellFacts {
        comma_separated: true,
        utf8_bom: head == b"\xEF\xBB\xBF",
        ..cells
    };
    let csv_facts = facts_of(csv_info, "CSV", "text/csv", bytes, sha256, Some(csv_cells));
    let (bytes, sha256, _) = json.finish()?;
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

/// A row source for [`write_table`] that hands out the rows of `rows` one after the other.
pub fn rows_of<'a>(
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

/// Writes any JSON value, pretty-printed, with a final newline.
pub fn write_json_value(
    dir: &Path,
    info: TableInfo,
    value: &serde_json::Value,
) -> io::Result<FileFacts> {
    let mut out = create(&dir.join(&info.file))?;
    // Printed into memory first: the printer's many small writes would each go through the
    // hasher and the file buffer.
    let bytes = json_out::pretty_value_file(value);
    out.write_all(&bytes)?;
    let (bytes, sha256, _) = out.finish()?;
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
    use std::borrow::Cow;

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
    fn csv_cells_are_written_as_csv_records_write_them() {
        let texts = tricky();
        let values = cells(&texts);
        for v in &values {
            let mut expected = Vec::new();
            write_csv_record(&mut expected, [csv_cell(v)]).unwrap();
            let mut got = Vec::new();
            push_csv_cell(&mut got, v);
            got.push(b'\n');
            assert_eq!(got, expected, "{v:?}");
        }
    }

    #[test]
    fn tables_equal_the_serde_json_and_csv_record_writers() {
        let texts = tricky();
        let values = cells(&texts);
        // Names whose byte order is not the column order, several given twice.
        let fields: Vec<Field> = (0..values.len())
            .map(|i| Field::extra(&format!("col{}", (values.len() - i) % 13)))
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
            None,
        )
        .unwrap();
        // Keeping the cells for another file changes neither file nor their facts; the kept
        // cells are the pretty JSON of each value, and the shown cells' facts add up to what
        // observing them gives.
        let shown: Vec<bool> = (0..fields.len()).map(|i| i % 3 != 1).collect();
        let mut kept = KeptCells::new(&fields, shown.clone(), Lang::Fr, 5, 0);
        let facts_kept = write_table(
            dir.path(),
            (table("k.csv"), table("k.json")),
            &fields,
            Lang::Fr,
            true,
            rows_of(rows()),
            Some(&mut kept),
        )
        .unwrap();
        for (a, b) in [("k.csv", "t.csv"), ("k.json", "t.json")] {
            assert_eq!(
                std::fs::read(dir.path().join(a)).unwrap(),
                std::fs::read(dir.path().join(b)).unwrap()
            );
        }
        assert_eq!(facts_kept.0.cells, csv_facts.cells);
        assert_eq!(facts_kept.1.cells, json_facts.cells);
        // Each kept object is what serde_json pretty-prints for a map of the shown columns,
        // as the value of a member four levels deep.
        for (r, row) in rows().enumerate() {
            let mut shown_facts = CellFacts::default();
            let mut map = serde_json::Map::new();
            for (c, v) in row.iter().enumerate() {
                if shown[c] {
                    shown_facts.observe(fields[c].kind, v);
                    map.insert(fields[c].name(Lang::Fr).to_string(), json_cell(v));
                }
            }
            let printed = serde_json::to_string_pretty(&serde_json::json!([[[[map]]]])).unwrap();
            let inner = printed
                .trim_start_matches(['[', ' ', '\n'])
                .trim_end_matches([']', ' ', '\n']);
            assert_eq!(String::from_utf8_lossy(kept.object(r)), inner);
            assert_eq!(kept.facts(r), &shown_facts);
        }
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
        assert_eq!(
            std::fs::read(dir.path().join("alone.csv")).unwrap(),
            std::fs::read(dir.path().join("t.csv")).unwrap()
        );
        assert_eq!(alone.cells, csv_facts.cells);
        assert_eq!(
            json_facts
                .cells
                .map(|c| (c.dates, c.numbers, c.placeholders)),
            csv_facts
                .cells
                .map(|c| (c.dates, c.numbers, c.placeholders))
        );

        let mut json = b"[".to_vec();
        let mut csv = b"\xEF\xBB\xBF".to_vec();
        write_csv_record(&mut csv, fields.iter().map(|f| f.name(Lang::Fr))).unwrap();
        for (i, row) in rows().enumerate() {
            let mut obj = serde_json::Map::new();
            for (f, v) in fields.iter().zip(&row) {
                obj.insert(f.name(Lang::Fr).to_string(), json_cell(v));
            }
            json.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            serde_json::to_writer(&mut json, &obj).unwrap();
            write_csv_record(&mut csv, row.iter().map(csv_cell)).unwrap();
        }
        json.extend_from_slice(b"\n]\n");
        assert_eq!(std::fs::read(dir.path().join("t.json")).unwrap(), json);
        assert_eq!(std::fs::read(dir.path().join("t.csv")).unwrap(), csv);
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
                    let mut pushed = b"x".to_vec();
                    match d.format_into(&mut [0; 10]) {
                        Some(s) => {
                            assert_eq!(s, old(d));
                            assert!(json_out::push_date(&mut pushed, d));
                            assert_eq!(pushed, format!("x{s}").as_bytes());
                        }
                        None => {
                            assert!(!json_out::push_date(&mut pushed, d));
                            assert_eq!(pushed, b"x");
                        }
                    }
                }
            }
        }
    }
}
