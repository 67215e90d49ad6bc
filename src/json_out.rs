//! A small JSON writer for the per-record output files. It writes the bytes `serde_json` would
//! write for the same `serde_json::Map` (keys in byte order, compact or pretty with two-space
//! indentation) without building a map per record: the key order and the encoded keys are
//! computed once per file ([`Keys`]), then every record is appended to a byte buffer.

use crate::fields::Value;
use crate::model::PartialDate;
use crate::resources::json_cell;

/// What `serde_json` writes for each byte of a string: 0 for the byte itself, else the letter
/// after the backslash (`u` for a `\u00XX` escape).
const ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Appends `s` as a JSON string, escaped exactly as `serde_json` escapes it: `"` and `\`,
/// `\b \f \n \r \t`, other control characters as `\u00xx`; everything else as is.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    let mut rest = s.as_bytes();
    out.reserve(rest.len() + 2);
    out.push(b'"');
    loop {
        let plain = crate::scan::json_plain_len(rest);
        out.extend_from_slice(&rest[..plain]);
        let Some(&b) = rest.get(plain) else { break };
        let esc = ESCAPE[usize::from(b)];
        if esc == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.push(b'\\');
            out.push(esc);
        }
        rest = &rest[plain + 1..];
    }
    out.push(b'"');
}

/// The decimal digits of `n`, written into `buf` without allocating.
pub fn digits(n: u64, buf: &mut [u8; 20]) -> &str {
    std::str::from_utf8(digit_bytes(n, buf)).expect("ASCII digits")
}

/// The bytes of [`digits`], without checking that they are text.
fn digit_bytes(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
}

/// Appends the decimal digits of `n`.
pub fn write_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(digit_bytes(n, &mut [0; 20]));
}

/// Appends `d` the short way ([`PartialDate::short_form`]: digits and hyphens only) and
/// returns true; appends nothing and returns false when it has no short form.
#[inline]
pub fn push_date(out: &mut Vec<u8>, d: PartialDate) -> bool {
    match d.short_form() {
        Some((bytes, len)) => {
            out.extend_from_slice(&bytes[..len]);
            true
        }
        None => false,
    }
}

/// Appends two spaces per level.
fn indent(out: &mut Vec<u8>, depth: usize) {
    const SPACES: &[u8; 32] = b"                                ";
    let mut width = 2 * depth;
    while width > SPACES.len() {
        out.extend_from_slice(SPACES);
        width -= SPACES.len();
    }
    out.extend_from_slice(&SPACES[..width]);
}
/// Appends a cell that is not a list, as [`json_cell`] would have it serialized.
fn write_scalar(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Text(t) => write_str(out, t),
        Value::Int(n) => write_u64(out, *n),
        // A date written the short way is digits and hyphens: nothing to escape.
        Value::Date(d) => {
            out.push(b'"');
            if push_date(out, *d) {
                out.push(b'"');
            } else {
                out.pop();
                write_str(out, &d.to_string());
            }
        }
        // A decimal is parsed as a JSON number and printed again (a string when it is not one);
        // serde_json keeps the exact text it has always had.
        Value::Decimal(_) => serde_json::to_writer(&mut *out, &json_cell(value))
            .expect("a JSON number or string always serializes to memory"),
        Value::List(items) => write_compact_list(out, items),
    }
}

/// Appends a list in compact JSON: `["a","b"]`.
fn write_compact_list(out: &mut Vec<u8>, items: &[std::borrow::Cow<str>]) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, item);
    }
    out.push(b']');
}

/// Appends a cell in compact JSON: `null`, a string, a number or `["a","b"]`.
pub fn write_compact(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::List(items) => write_compact_list(out, items),
        other => write_scalar(out, other),
    }
}

/// Appends a cell in pretty JSON, as the value of a member at `depth` levels of indentation:
/// a list puts one item per line, one level deeper.
pub fn write_pretty(out: &mut Vec<u8>, value: &Value, depth: usize) {
    match value {
        Value::List(items) => {
            write_pretty_array(out, items.len(), depth, |out, i| write_str(out, &items[i]))
        }
        other => write_scalar(out, other),
    }
}

/// The members of an object in the order `serde_json::Map` keeps them (key bytes sorted), each
/// with the bytes written before its value: the object's opening brace before the first
/// member, a comma before the others, then the encoded key. Built once per file from the
/// published names of its columns.
#[derive(Debug, Clone)]
pub struct Keys {
    /// `(index of the name given, bytes written before the member's value)`.
    members: Vec<(usize, Vec<u8>)>,
    /// The bytes of all the keys together.
    key_bytes: usize,
}

impl Keys {
    /// Keys of a compact object: each member is written `"key":value`.
    pub fn compact<'a>(names: impl IntoIterator<Item = &'a str>) -> Keys {
        Keys::sorted(names, |out, name| {
            write_str(out, name);
            out.push(b':');
        })
    }

    /// Keys of a pretty object whose members sit `depth` levels deep: each member is written
    /// on its own line, `"key": value`.
    pub fn pretty<'a>(names: impl IntoIterator<Item = &'a str>, depth: usize) -> Keys {
        Keys::sorted(names, |out, name| {
            out.push(b'\n');
            indent(out, depth);
            write_str(out, name);
            out.extend_from_slice(b": ");
        })
    }

    /// Keys of a pretty object as [`Keys::pretty`] makes them, each name given with the index
    /// its member reports, in place of its position among the names.
    pub fn pretty_indexed<'a>(
        names: impl IntoIterator<Item = (&'a str, usize)>,
        depth: usize,
    ) -> Keys {
        Keys::sorted_indexed(names.into_iter().collect(), |out, name| {
            out.push(b'\n');
            indent(out, depth);
            write_str(out, name);
            out.extend_from_slice(b": ");
        })
    }

    /// Sorts the names by bytes; when a name is given twice, the later one wins, as a second
    /// `insert` into a map replaces the value.
    fn sorted<'a>(
        names: impl IntoIterator<Item = &'a str>,
        encode: impl Fn(&mut Vec<u8>, &str),
    ) -> Keys {
        Keys::sorted_indexed(names.into_iter().zip(0..).collect(), encode)
    }

    /// [`Keys::sorted`] for names given with their indices, in the order given.
    fn sorted_indexed(mut named: Vec<(&str, usize)>, encode: impl Fn(&mut Vec<u8>, &str)) -> Keys {
        // Stable: equal names stay in the order given, so the last of each run is the winner.
        named.sort_by(|a, b| a.0.cmp(b.0));
        let mut members: Vec<(usize, Vec<u8>)> = Vec::with_capacity(named.len());
        let mut previous: Option<&str> = None;
        for (name, index) in named {
            let mut key = Vec::new();
            encode(&mut key, name);
            match members.last_mut() {
                Some(last) if previous == Some(name) => *last = (index, key),
                _ => members.push((index, key)),
            }
            previous = Some(name);
        }
        for (n, (_, key)) in members.iter_mut().enumerate() {
            key.insert(0, if n == 0 { b'{' } else { b',' });
        }
        let key_bytes = members.iter().map(|(_, k)| k.len()).sum();
        Keys { members, key_bytes }
    }

    /// How many bytes the keys take in an object, with the separators before them and the
    /// opening brace.
    pub fn key_bytes(&self) -> usize {
        self.key_bytes
    }

    /// The members in writing order: the index of the name as given, and the bytes to write
    /// before its value (the opening brace or a comma, then the key).
    pub fn members(&self) -> impl Iterator<Item = (usize, &[u8])> + '_ {
        self.members.iter().map(|(i, k)| (*i, k.as_slice()))
    }

    /// How many members the object has.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True when the object has no member.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

/// Appends a compact object `{"key":value,...}`; `keys` index into `values`.
pub fn write_compact_object(out: &mut Vec<u8>, keys: &Keys, values: &[Value]) {
    if keys.is_empty() {
        out.extend_from_slice(b"{}");
        return;
    }
    for (i, key) in keys.members() {
        out.extend_from_slice(key);
        write_compact(out, &values[i]);
    }
    out.push(b'}');
}

/// Appends a pretty object whose closing brace sits `depth` levels deep; `keys` must have been
/// made with [`Keys::pretty`] at `depth + 1`. `member` writes the value at an index.
pub fn write_pretty_object(
    out: &mut Vec<u8>,
    keys: &Keys,
    depth: usize,
    mut member: impl FnMut(&mut Vec<u8>, usize),
) {
    if keys.is_empty() {
        out.extend_from_slice(b"{}");
        return;
    }
    for (i, key) in keys.members() {
        out.extend_from_slice(key);
        member(out, i);
    }
    out.push(b'\n');
    indent(out, depth);
    out.push(b'}');
}

/// Appends a pretty array whose closing bracket sits `depth` levels deep, `len` elements each
/// written by `element` (given its index) after its line's indentation.
pub fn write_pretty_array(
    out: &mut Vec<u8>,
    len: usize,
    depth: usize,
    mut element: impl FnMut(&mut Vec<u8>, usize),
) {
    if len == 0 {
        out.extend_from_slice(b"[]");
        return;
    }
    out.push(b'[');
    for i in 0..len {
        out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        indent(out, depth + 1);
        element(out, i);
    }
    out.push(b'\n');
    indent(out, depth);
    out.push(b']');
}

/// Appends any `serde_json` value pretty-printed as `serde_json::to_vec_pretty` prints it,
/// as the value of a member `depth` levels deep: every line after the first is indented by
/// `depth` more levels. Strings go through [`write_str`] and members through the buffer
/// directly, instead of the serializer's call per token.
pub fn write_value_pretty(out: &mut Vec<u8>, value: &serde_json::Value, depth: usize) {
    use serde_json::Value as J;
    match value {
        J::Null => out.extend_from_slice(b"null"),
        J::Bool(true) => out.extend_from_slice(b"true"),
        J::Bool(false) => out.extend_from_slice(b"false"),
        J::String(s) => write_str(out, s),
        J::Number(n) => match n.as_u64() {
            Some(u) => write_u64(out, u),
            // Negative and fractional numbers are rare here: serde_json prints them itself.
            None => serde_json::to_writer(&mut *out, n).expect("a number serializes to memory"),
        },
        J::Array(items) => write_pretty_array(out, items.len(), depth, |out, i| {
            write_value_pretty(out, &items[i], depth + 1)
        }),
        J::Object(map) => write_map_pretty(out, map, depth),
    }
}

/// A JSON file's bytes: the map pretty-printed as `serde_json::to_vec_pretty` prints the
/// object holding it, with a final newline.
pub fn pretty_file(map: &serde_json::Map<String, serde_json::Value>) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_map_pretty(&mut bytes, map, 0);
    bytes.push(b'\n');
    bytes
}

/// [`pretty_file`] of any value.
pub fn pretty_value_file(value: &serde_json::Value) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_value_pretty(&mut bytes, value, 0);
    bytes.push(b'\n');
    bytes
}

/// Appends a `serde_json` map as [`write_value_pretty`] appends the object holding it.
pub fn write_map_pretty(
    out: &mut Vec<u8>,
    map: &serde_json::Map<String, serde_json::Value>,
    depth: usize,
) {
    write_members_pretty(out, map, depth, |out, member| {
        write_value_pretty(out, member, depth + 1)
    });
}

/// Appends a pretty object of `members`, keys with their values, in the order given (byte
/// order of the keys, for the bytes serde_json prints for a map), whose closing brace sits
/// `depth` levels deep; `value` writes each member's value, whose own members sit at
/// `depth + 2`.
pub fn write_members_pretty<K: AsRef<str>, V>(
    out: &mut Vec<u8>,
    members: impl IntoIterator<Item = (K, V)>,
    depth: usize,
    mut value: impl FnMut(&mut Vec<u8>, V),
) {
    let mut any = false;
    for (key, member) in members {
        out.extend_from_slice(if any { b",\n" } else { b"{\n" });
        any = true;
        indent(out, depth + 1);
        write_str(out, key.as_ref());
        out.extend_from_slice(b": ");
        value(out, member);
    }
    if !any {
        out.extend_from_slice(b"{}");
        return;
    }
    out.push(b'\n');
    indent(out, depth);
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::json_cell;
    use std::borrow::Cow;

    fn tricky() -> Vec<String> {
        let mut all: Vec<String> = (0u8..=0x20).map(|b| char::from(b).to_string()).collect();
        all.extend(
            [
                "",
                "plain",
                "quote \" and backslash \\ and slash /",
                "\\\"\\\\\"",
                "line\nfeed\r\ntab\tbell\u{7}nul\u{0}us\u{1f}del\u{7f}",
                "backspace\u{8}formfeed\u{c}vt\u{b}",
                "separators \u{2028} \u{2029}",
                "émoji 🎉 👩‍👩‍👧 accents éàçÉ ÿ Kelvin \u{212a}",
                "\u{feff}bom and nbsp\u{a0}",
                "</script><!-- & ' \u{0}",
            ]
            .map(String::from),
        );
        let every_control: String = (0u8..0x20).map(char::from).collect();
        all.push(every_control);
        all
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for s in tricky() {
            let mut out = Vec::new();
            write_str(&mut out, &s);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&s).unwrap(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn numbers_are_written_as_serde_json_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 12345, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            write_u64(&mut out, n);
            assert_eq!(out, serde_json::to_vec(&n).unwrap());
        }
    }

    fn sample<'a>(texts: &'a [String]) -> Vec<Value<'a>> {
        vec![
            Value::Text(Cow::Borrowed(&texts[0])),
            Value::Null,
            Value::Int(42),
            Value::Decimal("66.7".into()),
            Value::Decimal("100.0".into()),
            Value::Decimal("not a number".into()),
            Value::List(texts.iter().map(|t| Cow::Borrowed(t.as_str())).collect()),
            Value::List(vec![]),
            Value::Text(Cow::Borrowed(&texts[1])),
            Value::Text(Cow::Borrowed("replaced")),
        ]
    }

    /// Names out of order, one of them twice, one that sorts before the others only by bytes.
    const NAMES: [&str; 10] = [
        "titre",
        "id",
        "numero",
        "progression",
        "z_total",
        "texte",
        "liste",
        "vide",
        "titre",
        "Été",
    ];

    fn map_of(values: &[Value]) -> serde_json::Map<String, serde_json::Value> {
        let mut map = serde_json::Map::new();
        for (name, v) in NAMES.iter().zip(values) {
            map.insert((*name).to_string(), json_cell(v));
        }
        map
    }

    #[test]
    fn compact_objects_equal_serde_json() {
        let texts = tricky();
        let values = sample(&texts);
        let keys = Keys::compact(NAMES);
        let mut out = Vec::new();
        write_compact_object(&mut out, &keys, &values);
        assert_eq!(out, serde_json::to_vec(&map_of(&values)).unwrap());
        let mut out = Vec::new();
        write_compact_object(&mut out, &Keys::compact([]), &[]);
        assert_eq!(out, serde_json::to_vec(&serde_json::Map::new()).unwrap());
    }

    #[test]
    fn integers_are_written_as_display_writes_them() {
        let mut n = 1u64;
        for value in [0, 9, 10, 99, 100, u64::MAX - 1, u64::MAX]
            .into_iter()
            .chain(std::iter::from_fn(|| {
                n = n.checked_mul(7)?;
                Some(n)
            }))
        {
            let mut out = b"x".to_vec();
            write_u64(&mut out, value);
            assert_eq!(out, format!("x{value}").as_bytes());
            assert_eq!(digits(value, &mut [0; 20]), value.to_string());
        }
    }

    #[test]
    fn a_name_given_twice_keeps_its_later_value_first_or_not() {
        let names = ["b", "a", "c", "a", "b", "a"];
        let values: Vec<Value> = (0..names.len()).map(|i| Value::Int(i as u64)).collect();
        let mut map = serde_json::Map::new();
        for (n, v) in names.iter().zip(&values) {
            map.insert(n.to_string(), json_cell(v));
        }
        let mut out = Vec::new();
        write_compact_object(&mut out, &Keys::compact(names), &values);
        assert_eq!(out, serde_json::to_vec(&map).unwrap());
        let mut out = Vec::new();
        write_pretty_object(&mut out, &Keys::pretty(names, 1), 0, |out, i| {
            write_pretty(out, &values[i], 1)
        });
        assert_eq!(out, serde_json::to_vec_pretty(&map).unwrap());
    }

    #[test]
    fn deep_values_are_indented_as_serde_json_indents_them() {
        let mut value = serde_json::json!({ "a": [1, "x"], "b": {} });
        for depth in 0..40 {
            value = if depth % 2 == 0 {
                serde_json::json!([value, depth])
            } else {
                serde_json::json!({ "k": value, "n": depth })
            };
            let mut out = Vec::new();
            write_value_pretty(&mut out, &value, 0);
            assert_eq!(out, serde_json::to_vec_pretty(&value).unwrap(), "{depth}");
        }
    }

    #[test]
    fn pretty_objects_and_arrays_equal_serde_json() {
        let texts = tricky();
        let values = sample(&texts);
        let map = map_of(&values);
        // An object holding a list of objects, as plan.json nests milestones in commitments.
        let mut outer = map.clone();
        let inner: Vec<serde_json::Value> = vec![map.clone().into(), map.clone().into()];
        outer.insert("nested".into(), inner.into());
        outer.insert("empty".into(), serde_json::Value::Array(vec![]));
        let expected = serde_json::to_vec_pretty(&outer).unwrap();

        let names: Vec<&str> = NAMES.iter().copied().chain(["nested", "empty"]).collect();
        let (nested, empty) = (NAMES.len(), NAMES.len() + 1);
        let outer_keys = Keys::pretty(names, 1);
        let inner_keys = Keys::pretty(NAMES, 3);
        let mut out = Vec::new();
        write_pretty_object(&mut out, &outer_keys, 0, |out, i| match i {
            i if i == nested => write_pretty_array(out, 2, 1, |out, _| {
                write_pretty_object(out, &inner_keys, 2, |out, j| {
                    write_pretty(out, &values[j], 3);
                });
            }),
            i if i == empty => write_pretty_array(out, 0, 1, |_, _| {}),
            i => write_pretty(out, &values[i], 1),
        });
        assert_eq!(
            String::from_utf8(out).unwrap(),
            String::from_utf8(expected).unwrap()
        );

        let mut out = Vec::new();
        write_pretty_object(&mut out, &Keys::pretty([], 1), 0, |_, _| {});
        assert_eq!(
            out,
            serde_json::to_vec_pretty(&serde_json::Map::new()).unwrap()
        );
    }

    #[test]
    fn the_scan_stops_at_every_byte_that_is_escaped_and_no_other() {
        for b in 0..=255u8 {
            let escaped = ESCAPE[usize::from(b)] != 0;
            for len in [1, 8, 16, 17, 40] {
                for at in [0, len / 2, len - 1] {
                    let mut text = vec![b'a'; len];
                    text[at] = b;
                    let expected = if escaped { at } else { len };
                    assert_eq!(
                        crate::scan::json_plain_len(&text),
                        expected,
                        "byte {b:#04x} at {at} of {len}"
                    );
                }
            }
        }
    }

    /// Any JSON value: the tricky strings and arbitrary ones, every kind of number, nested
    /// arrays and objects (empty ones included).
    fn any_json() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let text = prop_oneof![
            proptest::sample::select(tricky()),
            any::<String>(),
            "[a-zé\"\\\n ]{0,6}",
        ];
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            text.clone().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(serde_json::Value::from),
            (0u32..1000).prop_map(|n| serde_json::Value::from(f64::from(n) / 8.0)),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
                proptest::collection::btree_map(text.clone(), inner, 0..6)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        /// At depth 0 the bytes are `to_vec_pretty`'s; deeper, they are the same text with each
        /// line after the first indented by two spaces per level, as a member's value is.
        #[test]
        fn any_value_prints_as_serde_json_pretty_prints_it(
            value in any_json(),
            depth in 0usize..4,
        ) {
            let mut out = Vec::new();
            write_value_pretty(&mut out, &value, depth);
            let expected = serde_json::to_string_pretty(&value)
                .unwrap()
                .replace('\n', &format!("\n{}", "  ".repeat(depth)));
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), expected);
        }
    }
}
