//! Données Québec's `relidi_*` answers and `taille_entier`, recomputed from the bytes of every
//! written file by rules written here from the portal's own wording
//! (`shared/reference/donneesquebec.md`: « Séparateur virgule », « Encodage UTF-8 avec balise »,
//! « Valeurs inconnues laissées vides », « Date et heure (AAAA-MM-JJ/HH:MM:SS/AAAA-MM-JJTHH:MM:SS) »,
//! « Nombres avec point décimal », …), not from the build's own cell counts. Each answer in
//! `package.json` must be the one the file supports.
//!
//! The catalogues are the bundled one and variants of it edited to flip each answer
//! (full-day dates only; an unknown written as `inconnu`), so both `oui` and `non` are met.

mod common;

use common::{copy_tree, root};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What reusers meet as "unknown" written out instead of an empty cell.
const PLACEHOLDERS: &[&str] = &[
    "n/a",
    "na",
    "n.a.",
    "nd",
    "n/d",
    "n.d.",
    "null",
    "none",
    "nan",
    "-",
    "--",
    "?",
    "inconnu",
    "inconnue",
    "unknown",
    "s.o.",
    "so",
    "sans objet",
    "aucun",
    "aucune",
];

fn oui_non(applies: bool, ok: bool) -> &'static str {
    match (applies, ok) {
        (false, _) => "n/a",
        (true, true) => "oui",
        (true, false) => "non",
    }
}

/// A string that a reader would take for a date: four digits, a dash, two digits, and maybe a
/// dash and two more (with or without a time).
fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && (b.len() == 7 || b[7] == b'-')
}

/// Date forms Données Québec lists: `AAAA-MM-JJ`, `AAAA-MM-JJTHH:MM:SS` (a valid calendar day).
fn is_dq_date(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
        || chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").is_ok()
}

/// A number written with `.` as decimal mark and nothing else: no grouping, no comma.
fn is_dq_number(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let mut parts = s.split('.');
    let whole = parts.next().unwrap_or_default();
    let frac = parts.next();
    parts.next().is_none()
        && !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Every scalar of a JSON document: (key it sits under, value).
fn json_scalars<'a>(v: &'a Value, key: &'a str, out: &mut Vec<(&'a str, &'a Value)>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| json_scalars(i, key, out)),
        Value::Object(map) => map.iter().for_each(|(k, i)| json_scalars(i, k, out)),
        scalar => out.push((key, scalar)),
    }
}

/// Every member name of every object of a JSON document.
fn json_keys(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| json_keys(i, out)),
        Value::Object(map) => map.iter().for_each(|(k, i)| {
            out.insert(k.clone());
            json_keys(i, out);
        }),
        _ => {}
    }
}

/// The data dictionary: (resource, column) → type, as published in French.
fn dictionary(dir: &Path) -> BTreeMap<(String, String), String> {
    let mut r = csv::Reader::from_path(dir.join("dictionnaire-donnees.csv")).expect("dictionary");
    let head = r.headers().expect("header").clone();
    let col = |name: &str| {
        head.iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .unwrap_or_else(|| panic!("dictionary column {name}"))
    };
    let (res, field, ty) = (col("ressource"), col("champ"), col("type"));
    r.records()
        .map(|rec| {
            let rec = rec.expect("dictionary row");
            (
                (rec[res].to_string(), rec[field].to_string()),
                rec[ty].to_string(),
            )
        })
        .collect()
}

/// The answers a resource's file supports, recomputed from its bytes.
fn expected(dir: &Path, resource: &Value) -> BTreeMap<&'static str, Value> {
    let file = resource["url"].as_str().expect("url");
    let bytes = std::fs::read(dir.join(file)).expect("file");
    let dict = dictionary(dir);
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let typed = |column: &str, types: &[&str]| {
        dict.get(&(stem.to_string(), column.to_string()))
            .is_some_and(|t| types.contains(&t.as_str()))
    };
    let csv = file.ends_with(".csv");
    let has_bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let text = std::str::from_utf8(&bytes).ok();
    // (column, text) of every non-empty value, and whether date/number columns exist.
    let mut cells: Vec<(String, String)> = Vec::new();
    let mut numbers_seen = false;
    let mut comma_ok = false;
    let columns: Vec<String>;
    let mut nested_keys: BTreeSet<String> = BTreeSet::new();
    if csv {
        let body = &bytes[if has_bom { 3 } else { 0 }..];
        let mut r = csv::ReaderBuilder::new()
            .delimiter(b',')
            .flexible(true)
            .from_reader(body);
        columns = r
            .headers()
            .expect("csv header")
            .iter()
            .map(String::from)
            .collect();
        comma_ok = columns.len() > 1;
        for rec in r.records() {
            let rec = rec.expect("csv record");
            comma_ok &= rec.len() == columns.len();
            for (c, v) in columns.iter().zip(rec.iter()) {
                if !v.is_empty() {
                    cells.push((c.clone(), v.to_string()));
                }
            }
        }
    } else {
        let doc: Value = serde_json::from_slice(&bytes).expect("JSON");
        // The file's own members: a table's record keys, or a document's top-level keys.
        let top = match &doc {
            Value::Array(records) => records.first(),
            object => Some(object),
        };
        columns = top
            .and_then(Value::as_object)
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        json_keys(&doc, &mut nested_keys);
        let mut scalars = Vec::new();
        json_scalars(&doc, "", &mut scalars);
        for (k, v) in scalars {
            match v {
                Value::String(s) => cells.push((k.to_string(), s.clone())),
                Value::Number(n) => {
                    numbers_seen = true;
                    cells.push((k.to_string(), n.to_string()));
                }
                _ => {}
            }
        }
    }
    let date_cells: Vec<&str> = cells
        .iter()
        .filter(|(c, v)| typed(c, &["date"]) || looks_like_date(v))
        .map(|(_, v)| v.as_str())
        .collect();
    let date_columns = columns.iter().any(|c| typed(c, &["date"])) || !date_cells.is_empty();
    let number_cells: Vec<&str> = cells
        .iter()
        .filter(|(c, _)| typed(c, &["entier", "décimal"]))
        .map(|(_, v)| v.as_str())
        .collect();
    let number_columns = numbers_seen || columns.iter().any(|c| typed(c, &["entier", "décimal"]));
    let unknown_written = cells
        .iter()
        .any(|(_, v)| PLACEHOLDERS.contains(&v.trim().to_lowercase().as_str()));
    let compressed = bytes.starts_with(b"\x1f\x8b") || bytes.starts_with(b"PK\x03\x04");
    // Field descriptions are supplied when the dictionary lists each of the file's own columns
    // under the file's name, and every nested member under some resource of the dataset.
    let documented_anywhere: BTreeSet<&String> = dict.keys().map(|(_, c)| c).collect();
    let documented = !columns.is_empty()
        && columns
            .iter()
            .all(|c| dict.contains_key(&(stem.to_string(), c.clone())))
        && nested_keys.iter().all(|k| documented_anywhere.contains(k));
    let mut want = BTreeMap::new();
    want.insert(
        "taille_entier",
        Value::from((bytes.len() as f64 / 1_048_576.0).round() as u64),
    );
    if resource["resource_type"] == "support" {
        want.insert(
            "relidi_ressource_complementaire",
            serde_json::json!(["relidi.rescom"]),
        );
        return want;
    }
    let mut put = |k: &'static str, v: &str| {
        want.insert(k, Value::from(v));
    };
    put("relidi_confic_separateur_virgule", oui_non(csv, comma_ok));
    put(
        "relidi_confic_utf8",
        oui_non(csv, has_bom && text.is_some()),
    );
    put("relidi_confic_epsg", "n/a");
    put("relidi_confic_pascom", oui_non(true, !compressed));
    put("relidi_condon_valinc", oui_non(true, !unknown_written));
    put(
        "relidi_condon_datheu",
        oui_non(date_columns, date_cells.iter().all(|d| is_dq_date(d))),
    );
    put(
        "relidi_condon_nombre",
        oui_non(number_columns, number_cells.iter().all(|n| is_dq_number(n))),
    );
    put("relidi_condon_boolee", "n/a");
    let where_described = if documented {
        "relidi.descha.foudoc"
    } else {
        "relidi.descha.absent"
    };
    put("relidi_description_champs", where_described);
    want
}

/// Builds `catalog` and checks every resource's answers; returns every (file, key, answer).
fn check_answers(catalog: &Path) -> BTreeSet<(String, String, String)> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dist = common::portal::build(catalog, tmp.path());
    let mut seen = BTreeSet::new();
    for entry in std::fs::read_dir(dist.join("datasets")).expect("datasets") {
        let dir = entry.expect("entry").path();
        let pkg: Value =
            serde_json::from_slice(&std::fs::read(dir.join("package.json")).expect("package"))
                .expect("package.json");
        for r in pkg["resources"].as_array().expect("resources") {
            let file = r["url"].as_str().expect("url").to_string();
            for (key, want) in expected(&dir, r) {
                assert_eq!(
                    r[key], want,
                    "{file}: `{key}` does not match the file's bytes"
                );
                seen.insert((file.clone(), key.to_string(), want.to_string()));
            }
            // No answer is sent that this test does not recompute.
            for key in r.as_object().expect("resource").keys() {
                if key.starts_with("relidi_") {
                    assert!(
                        seen.iter().any(|(f, k, _)| f == &file && k == key),
                        "{file}: `{key}` is sent but not checked here"
                    );
                }
            }
        }
    }
    seen
}

fn edited_catalog(dir: &Path, edit: impl Fn(&str, String) -> String) -> std::path::PathBuf {
    let catalog = dir.join("catalog");
    copy_tree(&root().join("catalog"), &catalog);
    for (rel, _) in common::read_tree(&catalog) {
        let p = catalog.join(&rel);
        let text = std::fs::read_to_string(&p).expect("text");
        std::fs::write(&p, edit(&rel, text)).expect("write");
    }
    catalog
}

#[test]
fn every_relidi_answer_of_the_bundled_catalogue_is_true_of_its_files() {
    let seen = check_answers(&root().join("catalog"));
    // The commitments hold year-months (`2022-04`), which are none of the portal's forms.
    assert!(seen.contains(&(
        "engagements.csv".into(),
        "relidi_condon_datheu".into(),
        "\"non\"".into()
    )));
    assert!(seen.contains(&(
        "dictionnaire-donnees.csv".into(),
        "relidi_ressource_complementaire".into(),
        "[\"relidi.rescom\"]".into()
    )));
}

#[test]
fn full_day_dates_answer_oui_and_a_written_unknown_answers_non() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // Every year-month becomes the first of its month; one text cell says "inconnu".
    let catalog = edited_catalog(tmp.path(), |rel, text| {
        let mut out = String::new();
        for (i, field) in text.split(',').enumerate() {
            if i > 0 {
                out.push(',');
            }
            let trimmed = field.trim_end_matches(['\n', '\r']);
            let is_ym = trimmed.len() == 7 && looks_like_date(trimmed);
            if is_ym {
                out.push_str(&format!("{trimmed}-01{}", &field[7..]));
            } else {
                out.push_str(field);
            }
        }
        let out = out.replace("end = \"2023-03\"", "end = \"2023-03-31\"");
        if rel.ends_with("milestones.csv") {
            let edited = out.replacen(",Page web de soutien et FAQ,", ",inconnu,", 1);
            assert_ne!(
                edited, out,
                "the milestone to edit is in the bundled catalogue"
            );
            edited
        } else {
            out
        }
    });
    let seen = check_answers(&catalog);
    for file in ["engagements.csv", "engagements.json", "plan.json"] {
        assert!(
            seen.contains(&(file.into(), "relidi_condon_datheu".into(), "\"oui\"".into())),
            "{file}: {seen:?}"
        );
    }
    assert!(seen.contains(&(
        "jalons.csv".into(),
        "relidi_condon_valinc".into(),
        "\"non\"".into()
    )));
}
