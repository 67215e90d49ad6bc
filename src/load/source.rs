//! Reading source files as stewards save them: UTF-8 decoding (BOM tolerated), positions as
//! line and column, an RFC 4180 CSV reader that keeps the position of every field, and the
//! positions of the elements of a JSON array of objects.
//!
//! We parse CSV ourselves rather than through the `csv` crate because diagnostics must point at
//! the field (line and column, even inside multi-line quoted cells) and unbalanced quotes must be
//! an error, not a silently swallowed rest of the file.

use crate::diagnostic::Pos;
use crate::diagnostic::{field_pos, pos_at};

/// Why a file's bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The file starts with a UTF-16 byte-order mark.
    Utf16,
    /// Bytes that are not UTF-8, at this position.
    InvalidUtf8(Pos),
}

/// Decodes a file's bytes as UTF-8 text, dropping a leading byte-order mark.
pub fn decode_utf8(bytes: &[u8]) -> Result<&str, DecodeError> {
    let body = strip_bom(bytes)?;
    std::str::from_utf8(body).map_err(|e| invalid_at(body, e))
}

/// Like [`decode_utf8`], reusing the buffer: no copy of the text.
pub fn decode_utf8_owned(mut bytes: Vec<u8>) -> Result<String, DecodeError> {
    let bom = bytes.len() - strip_bom(&bytes)?.len();
    bytes.drain(..bom);
    decode_body(bytes, bom > 0)
}

/// Reads a file and decodes it as [`decode_utf8_owned`] does.
pub fn read_utf8_file(path: &std::path::Path) -> std::io::Result<Result<String, DecodeError>> {
    Ok(decode_utf8_owned(std::fs::read(path)?))
}

/// The UTF-8 byte-order mark.
const BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Decodes bytes whose byte-order mark, if any, is already removed (`had_bom`): the checks of
/// [`strip_bom`] on what follows the mark, then UTF-8 validation.
fn decode_body(bytes: Vec<u8>, had_bom: bool) -> Result<String, DecodeError> {
    if !had_bom && utf16_mark(&bytes) || has_nul_near_start(&bytes) {
        return Err(DecodeError::Utf16);
    }
    // The fast check (SIMD) accepts exactly the valid UTF-8; invalid text is checked again by
    // the standard library, which tells where it fails.
    if simdutf8::basic::from_utf8(&bytes).is_err() {
        return String::from_utf8(bytes).map_err(|e| invalid_at(e.as_bytes(), e.utf8_error()));
    }
    // SAFETY: `simdutf8::basic::from_utf8` has just found `bytes` to be valid UTF-8.
    Ok(unsafe { String::from_utf8_unchecked(bytes) })
}

/// True when `bytes` start with a UTF-16 byte-order mark.
fn utf16_mark(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

/// True when a NUL byte is among the first 4096: catalogue text never holds one, UTF-16 without
/// a byte-order mark does.
fn has_nul_near_start(body: &[u8]) -> bool {
    memchr::memchr(0, &body[..body.len().min(4096)]).is_some()
}

/// The bytes after a UTF-8 byte-order mark; an error for UTF-16.
fn strip_bom(bytes: &[u8]) -> Result<&[u8], DecodeError> {
    if utf16_mark(bytes) {
        return Err(DecodeError::Utf16);
    }
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    if has_nul_near_start(body) {
        return Err(DecodeError::Utf16);
    }
    Ok(body)
}

fn invalid_at(body: &[u8], e: std::str::Utf8Error) -> DecodeError {
    let good = &body[..e.valid_up_to()];
    // The prefix is valid UTF-8 by construction.
    let text = std::str::from_utf8(good).unwrap_or_default();
    DecodeError::InvalidUtf8(pos_at(text, text.len()))
}

/// One field of a CSV record: its unescaped text and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvField {
    /// The value with quotes removed and doubled quotes unescaped.
    pub value: String,
    /// Position of the field's first character (the opening quote when quoted).
    pub pos: Pos,
    /// Whether the field was quoted: only a quoted field can hold a line break.
    pub quoted: bool,
}

/// One field of a CSV record as a place in the text: what [`CsvReader::read_into`] gives, so
/// that a value is copied only when it is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvSpan {
    /// The byte range of the value in the text, quotes excluded.
    pub start: usize,
    /// End of that range.
    pub end: usize,
    /// Byte offset of the field's first character (the opening quote when quoted): its
    /// position is [`field_pos`].
    pub at: usize,
    /// Whether the field was quoted: only a quoted field can hold a line break.
    pub quoted: bool,
    /// Whether the value holds a doubled quote, written once in the value.
    pub doubled: bool,
}

impl CsvSpan {
    /// The raw text of the value: quotes excluded, doubled quotes still doubled.
    pub fn raw<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }

    /// The value, doubled quotes unescaped ([`CsvField::value`]).
    pub fn value<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let raw = self.raw(text);
        if self.doubled {
            // Between the quotes every `"` is the first of a pair: keep it, skip the second.
            let mut out = String::with_capacity(raw.len());
            let mut rest = raw;
            while let Some(i) = memchr::memchr(b'"', rest.as_bytes()) {
                out.push_str(&rest[..=i]);
                rest = rest.get(i + 2..).unwrap_or_default();
            }
            out.push_str(rest);
            std::borrow::Cow::Owned(out)
        } else {
            std::borrow::Cow::Borrowed(raw)
        }
    }
}

/// One CSV record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRecord {
    /// Where the record starts.
    pub pos: Pos,
    /// Its fields in order.
    pub fields: Vec<CsvField>,
}

/// A CSV syntax problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvError {
    /// A quoted field that is never closed; the position of its opening quote.
    UnclosedQuote(Pos),
    /// Text after a closing quote, before the next comma or line end.
    TextAfterQuote(Pos),
}

/// Streams CSV records from text: comma separator (or another, [`CsvReader::with_separator`]),
/// `"` quotes, CRLF or LF line ends.
///
/// Blank lines are skipped (spreadsheets often leave one at the end).
pub struct CsvReader<'a> {
    text: &'a str,
    /// The byte between values: `,`, or `;` as a French-locale spreadsheet writes « CSV ».
    separator: u8,
    at: usize,
    line: u32,
    line_start: usize,
    col_cache: (usize, u32),
    failed: bool,
    /// The spans of the last record read by the iterator, reused for the next one.
    spans: Vec<CsvSpan>,
}

impl<'a> CsvReader<'a> {
    /// A reader over the whole text of a file (already decoded, BOM removed).
    pub fn new(text: &'a str) -> Self {
        CsvReader::with_separator(text, b',')
    }

    /// A reader whose values are separated by `separator` (an ASCII byte other than a quote or
    /// a line break).
    pub fn with_separator(text: &'a str, separator: u8) -> Self {
        CsvReader {
            text,
            separator,
            at: 0,
            line: 1,
            line_start: 0,
            col_cache: (0, 1),
            failed: false,
            spans: Vec::new(),
        }
    }

    fn pos(&mut self) -> Pos {
        // A record starts a line: its column is the first, with nothing to count.
        if self.at == self.line_start {
            return Pos::new(self.line, 1);
        }
        // Columns are counted in characters; cache the last count to stay linear on long lines.
        let (from, mut col) = if self.col_cache.0 >= self.line_start && self.col_cache.0 <= self.at
        {
            self.col_cache
        } else {
            (self.line_start, 1)
        };
        col += self.text[from..self.at].chars().count() as u32;
        self.col_cache = (self.at, col);
        Pos::new(self.line, col)
    }

    fn newline(&mut self, next: usize) {
        self.line += 1;
        self.at = next;
        self.line_start = next;
    }

    fn read_field(&mut self, bytes: &[u8]) -> Result<(CsvSpan, bool), CsvError> {
        // The position is counted only for an error; a field's place is its offset.
        let at = self.at;
        let start_line = (self.line, self.line_start);
        let quoted = bytes.get(self.at) == Some(&b'"');
        let mut doubled = false;
        let (start, end) = if quoted {
            self.at += 1;
            let start = self.at;
            let end = loop {
                // Jump to the next quote or line break; everything between is the value.
                self.at += memchr::memchr2(b'"', b'\n', &bytes[self.at..])
                    .unwrap_or(bytes.len() - self.at);
                match bytes.get(self.at) {
                    None => {
                        let col = 1 + self.text[start_line.1..at].chars().count() as u32;
                        return Err(CsvError::UnclosedQuote(Pos::new(start_line.0, col)));
                    }
                    Some(b'"') if bytes.get(self.at + 1) == Some(&b'"') => {
                        doubled = true;
                        self.at += 2;
                    }
                    Some(b'"') => {
                        let end = self.at;
                        self.at += 1;
                        break end;
                    }
                    Some(b'\n') => {
                        let next = self.at + 1;
                        self.newline(next);
                    }
                    Some(_) => self.at += 1,
                }
            };
            match bytes.get(self.at) {
                None | Some(b'\n') | Some(b'\r') => {}
                Some(&b) if b == self.separator => {}
                Some(_) => return Err(CsvError::TextAfterQuote(self.pos())),
            }
            (start, end)
        } else {
            let start = self.at;
            // A lone CR (old Mac line ends) ends a line too.
            let rest = &bytes[self.at..];
            self.at += memchr::memchr3(self.separator, b'\n', b'\r', rest).unwrap_or(rest.len());
            (start, self.at)
        };
        // Consume the separator; report whether the record goes on.
        let more = match bytes.get(self.at) {
            Some(&b) if b == self.separator => {
                self.at += 1;
                true
            }
            Some(b'\r') => {
                let next = self.at
                    + if bytes.get(self.at + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                self.newline(next);
                false
            }
            Some(b'\n') => {
                let next = self.at + 1;
                self.newline(next);
                false
            }
            _ => false,
        };
        let span = CsvSpan {
            start,
            end,
            at,
            quoted,
            doubled,
        };
        Ok((span, more))
    }

    /// Reads the next record into `fields` (emptied first): the record's start, `None` at the
    /// end of the text or after an error. What the iterator gives, without copying the values.
    pub fn read_into(&mut self, fields: &mut Vec<CsvSpan>) -> Option<Result<Pos, CsvError>> {
        fields.clear();
        if self.failed {
            return None;
        }
        let bytes = self.text.as_bytes();
        // Skip blank lines.
        loop {
            match bytes.get(self.at) {
                None => return None,
                Some(b'\n') => {
                    let next = self.at + 1;
                    self.newline(next);
                }
                Some(b'\r') => {
                    let next = self.at
                        + if bytes.get(self.at + 1) == Some(&b'\n') {
                            2
                        } else {
                            1
                        };
                    self.newline(next);
                }
                Some(_) => break,
            }
        }
        let pos = self.pos();
        loop {
            match self.read_field(bytes) {
                Ok((field, more)) => {
                    fields.push(field);
                    if !more {
                        break;
                    }
                }
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
        Some(Ok(pos))
    }
}

impl Iterator for CsvReader<'_> {
    type Item = Result<CsvRecord, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut spans = std::mem::take(&mut self.spans);
        let read = self.read_into(&mut spans);
        let text = self.text;
        let record = read.map(|r| {
            r.map(|pos| CsvRecord {
                pos,
                fields: spans
                    .iter()
                    .map(|f| CsvField {
                        value: f.value(text).into_owned(),
                        pos: field_pos(text, pos, spans[0].at, f.at),
                        quoted: f.quoted,
                    })
                    .collect(),
            })
        });
        self.spans = spans;
        record
    }
}

/// The byte offsets of the elements of a top-level JSON array, and of the keys of each element
/// that is an object (key name → offset of the key's opening quote).
///
/// Call it only on text that `serde_json` has already parsed, so the structure is known to be
/// valid; it does not validate.
pub fn json_array_positions(text: &str) -> Vec<(usize, Vec<(String, usize)>)> {
    let bytes = text.as_bytes();
    let mut out: Vec<(usize, Vec<(String, usize)>)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    // At depth 1 we are inside the array; at depth 2 inside an element object.
    let mut expect_key = false;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if depth == 1 && expect_key {
                    out.push((start, Vec::new()));
                    expect_key = false;
                } else if depth == 2 && expect_key {
                    let raw = &text[start..=i.min(bytes.len() - 1)];
                    let key: String = serde_json::from_str(raw).unwrap_or_default();
                    if let Some(last) = out.last_mut() {
                        last.1.push((key, start));
                    }
                    expect_key = false;
                }
            }
            b'[' | b'{' => {
                if depth == 1 && expect_key {
                    out.push((i, Vec::new()));
                }
                depth += 1;
                expect_key = depth == 1 || (depth == 2 && b == b'{');
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                expect_key = false;
            }
            b',' => expect_key = depth == 1 || depth == 2,
            b' ' | b'\t' | b'\r' | b'\n' | b':' => {}
            _ => {
                if depth == 1 && expect_key {
                    out.push((i, Vec::new()));
                    expect_key = false;
                }
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decoding owned bytes and reading a file give what decoding borrowed bytes gives, for
    /// text with and without byte-order marks (one, two, cut short), UTF-16 and NUL bytes.
    #[test]
    fn owned_text_decodes_as_borrowed_text_does() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.csv");
        let long = "é,a\n".repeat(100);
        for body in [
            &b""[..],
            b"\xEF\xBB\xBFtwice",
            b"\xEF\xBB",
            b"\xEF",
            b"\xFF\xFEi\0",
            b"\xFE\xFF\0i",
            b"a\0b",
            b"plain",
            long.as_bytes(),
            b"ok\n\xff",
            b"line\nt\xc3\xa9\xc3(",
            b"\xed\xa0\x80 surrogate",
            b"overlong \xc0\xaf",
            b"cut \xe2\x82",
        ] {
            for bom in [&b""[..], b"\xEF\xBB\xBF"] {
                let mut bytes = bom.to_vec();
                bytes.extend_from_slice(body);
                let mut longer = bytes.clone();
                longer.extend_from_slice(long.as_bytes());
                longer.extend_from_slice(body);
                let mut late_nul = bytes.clone();
                late_nul.extend_from_slice(&[b'x'; 4100]);
                late_nul.push(0);
                for bytes in [bytes, longer, late_nul] {
                    let borrowed = decode_utf8(&bytes).map(str::to_string);
                    assert_eq!(decode_utf8_owned(bytes.clone()), borrowed, "{bytes:?}");
                    std::fs::write(&file, &bytes).unwrap();
                    assert_eq!(read_utf8_file(&file).unwrap(), borrowed, "{bytes:?}");
                }
            }
        }
    }

    fn records(text: &str) -> Vec<Vec<(String, u32, u32)>> {
        CsvReader::new(text)
            .map(|r| {
                r.unwrap()
                    .fields
                    .into_iter()
                    .map(|f| (f.value, f.pos.line, f.pos.col))
                    .collect()
            })
            .collect()
    }

    /// A CSV reader written the plain way, one character at a time, with the rules of
    /// [`CsvReader`]: what its faster scanning must give.
    fn plain_records(text: &str) -> Vec<Result<CsvRecord, CsvError>> {
        let b: Vec<char> = text.chars().collect();
        let (mut i, mut line, mut line_start) = (0, 1u32, 0);
        let pos =
            |i: usize, line: u32, line_start: usize| Pos::new(line, (i - line_start) as u32 + 1);
        let mut out = Vec::new();
        'records: loop {
            loop {
                match b.get(i) {
                    None => break 'records,
                    Some('\n') => i += 1,
                    Some('\r') => i += if b.get(i + 1) == Some(&'\n') { 2 } else { 1 },
                    Some(_) => break,
                }
                line += 1;
                line_start = i;
            }
            let rec_pos = pos(i, line, line_start);
            let mut fields = Vec::new();
            loop {
                let fpos = pos(i, line, line_start);
                let quoted = b.get(i) == Some(&'"');
                let mut value = String::new();
                if quoted {
                    i += 1;
                    loop {
                        match b.get(i) {
                            None => {
                                out.push(Err(CsvError::UnclosedQuote(fpos)));
                                break 'records;
                            }
                            Some('"') if b.get(i + 1) == Some(&'"') => {
                                value.push('"');
                                i += 2;
                            }
                            Some('"') => {
                                i += 1;
                                break;
                            }
                            Some(&c) => {
                                value.push(c);
                                i += 1;
                                if c == '\n' {
                                    line += 1;
                                    line_start = i;
                                }
                            }
                        }
                    }
                    if !matches!(b.get(i), None | Some(',' | '\n' | '\r')) {
                        out.push(Err(CsvError::TextAfterQuote(pos(i, line, line_start))));
                        break 'records;
                    }
                } else {
                    while let Some(&c) = b.get(i).filter(|c| !matches!(c, ',' | '\n' | '\r')) {
                        value.push(c);
                        i += 1;
                    }
                }
                fields.push(CsvField {
                    value,
                    pos: fpos,
                    quoted,
                });
                match b.get(i) {
                    Some(',') => i += 1,
                    None => {
                        out.push(Ok(CsvRecord {
                            pos: rec_pos,
                            fields,
                        }));
                        break 'records;
                    }
                    Some(_) => {
                        i += if b[i] == '\r' && b.get(i + 1) == Some(&'\n') {
                            2
                        } else {
                            1
                        };
                        line += 1;
                        line_start = i;
                        out.push(Ok(CsvRecord {
                            pos: rec_pos,
                            fields,
                        }));
                        continue 'records;
                    }
                }
            }
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5_000))]

        /// The reader gives the fields, values, positions and errors of the plain reader.
        #[test]
        fn reads_as_the_plain_reader(text in "[ab,\"\n\ré€😀]{0,40}|([a-zé,]{0,12}(\"[a-z,\"\n\ré]{0,12}\")?[,\n]|\r\n){0,12}") {
            let got: Vec<_> = CsvReader::new(&text).collect();
            proptest::prop_assert_eq!(got, plain_records(&text), "{:?}", text);
        }
    }

    #[test]
    fn reads_quoted_fields_with_positions() {
        let got = records("a,b\r\n\"x,\"\"y\"\"\",é\n\"multi\nline\",z\n");
        assert_eq!(
            got,
            vec![
                vec![("a".into(), 1, 1), ("b".into(), 1, 3)],
                vec![("x,\"y\"".into(), 2, 1), ("é".into(), 2, 11)],
                vec![("multi\nline".into(), 3, 1), ("z".into(), 4, 7)],
            ]
        );
    }

    #[test]
    fn tells_quoted_fields() {
        let quoted: Vec<bool> = CsvReader::new("a,\"b\",\"\",\"c\"\"\"\n")
            .next()
            .unwrap()
            .unwrap()
            .fields
            .iter()
            .map(|f| f.quoted)
            .collect();
        assert_eq!(quoted, [false, true, true, true]);
    }

    #[test]
    fn reports_unclosed_quote_at_its_opening() {
        let mut r = CsvReader::new("a,b\n1,\"open\n2,3\n");
        assert!(r.next().unwrap().is_ok());
        assert_eq!(
            r.next().unwrap(),
            Err(CsvError::UnclosedQuote(Pos::new(2, 3)))
        );
        assert!(r.next().is_none());
    }

    #[test]
    fn reports_text_after_closing_quote() {
        let mut r = CsvReader::new("\"ab\"c,d\n");
        assert_eq!(
            r.next().unwrap(),
            Err(CsvError::TextAfterQuote(Pos::new(1, 5)))
        );
    }

    #[test]
    fn keeps_trailing_empty_field() {
        assert_eq!(records("a,\n").len(), 1);
        assert_eq!(records("a,\n")[0].len(), 2);
    }

    #[test]
    fn positions_inside_a_character_do_not_panic() {
        assert_eq!(pos_at("aè", 2), Pos::new(1, 2));
        assert_eq!(pos_at("aè\nb", 99), Pos::new(2, 2));
    }

    #[test]
    fn decodes_bom_and_rejects_bad_bytes() {
        assert_eq!(decode_utf8(b"\xEF\xBB\xBFid"), Ok("id"));
        assert_eq!(decode_utf8(b"\xFF\xFEi\0"), Err(DecodeError::Utf16));
        assert_eq!(
            decode_utf8(b"id\nab\xE9c"),
            Err(DecodeError::InvalidUtf8(Pos::new(2, 3)))
        );
    }

    #[test]
    fn finds_json_element_and_key_offsets() {
        let text = "[\n {\"id\": \"a\", \"t\": [1]},\n {\"id\": \"b\"}\n]";
        let pos = json_array_positions(text);
        assert_eq!(pos.len(), 2);
        assert_eq!(pos_at(text, pos[1].0), Pos::new(3, 2));
        assert_eq!(
            pos[0].1.iter().map(|k| k.0.as_str()).collect::<Vec<_>>(),
            ["id", "t"]
        );
        assert_eq!(pos_at(text, pos[1].1[0].1), Pos::new(3, 3));
    }
}
