//! Stewards read French: every diagnostic of the bad-input corpus, run under a French and an
//! English locale, is written wholly in the locale's language — message and hint — with the
//! same code, file and position.

mod common;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every case folder of the corpus.
fn cases() -> Vec<PathBuf> {
    let dir = common::root().join("tests/fixtures/invalid");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("catalog").is_dir())
        .collect();
    cases.sort();
    cases
}

/// The diagnostics of `check --format json` on `catalog` under the locale `lang` (`LANG`, with
/// `LC_ALL` and `LC_MESSAGES` unset so the locale decides).
fn diagnostics(catalog: &Path, lang: &str) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_ogp-publish"))
        .args(["check", "--format", "json"])
        .arg(catalog)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang)
        .output()
        .expect("the binary runs");
    let report = common::json_report(&out.stdout);
    report["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The prose of a message: what is in backticks (code, file and column names) and in double
/// quotes (the steward's own values) is left out.
fn prose(text: &str) -> String {
    let unticked: String = text
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, s)| s)
        .collect::<Vec<_>>()
        .join(" ");
    let quote = regex::Regex::new(r#""(?:[^"\\]|\\.)*""#).unwrap();
    quote.replace_all(&unticked, " ").into_owned()
}

/// The first word of `words` found in `text`'s prose.
fn word_of(text: &str, words: &str) -> Option<String> {
    let re = regex::Regex::new(&format!(r"(?i)\b({words})\b")).unwrap();
    re.find(&prose(text)).map(|m| m.as_str().to_string())
}

const ENGLISH: &str =
    "the|is|are|must|should|with|has|have|this|these|which|not|use|add|when|only|would|was|or|and";
const FRENCH: &str = "le|la|les|des|est|une|dans|pour|ou|et|doit|utilisez|ajoutez|colonne";

#[test]
fn every_diagnostic_of_the_corpus_reads_in_french_and_in_english() {
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    for case in cases() {
        let catalog = case.join("catalog");
        let fr = diagnostics(&catalog, "fr_CA.UTF-8");
        let en = diagnostics(&catalog, "en_CA.UTF-8");
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(fr.len(), en.len(), "{name}: not the same diagnostics");
        assert!(!en.is_empty(), "{name}: no diagnostic");
        for (f, e) in fr.iter().zip(&en) {
            for key in ["code", "severity", "file", "line", "col", "field"] {
                assert_eq!(f[key], e[key], "{name}: `{key}` differs with the language");
            }
            seen.insert(e["code"].as_str().unwrap_or_default().to_string());
            for key in ["message", "hint"] {
                let (Some(f), Some(e)) = (f[key].as_str(), e[key].as_str()) else {
                    assert_eq!(f[key].is_null(), e[key].is_null(), "{name}: {key}");
                    continue;
                };
                if f == e {
                    problems.push(format!("{name}: the same {key} in both: {e}"));
                }
                if let Some(w) = word_of(f, ENGLISH) {
                    problems.push(format!(
                        "{name}: English word `{w}` in the French {key}: {f}"
                    ));
                }
                if let Some(w) = word_of(e, FRENCH) {
                    problems.push(format!(
                        "{name}: French word `{w}` in the English {key}: {e}"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every code the program can report is in the corpus, so every message above was read.
    let source = std::fs::read_to_string(common::root().join("src/diagnostic.rs")).unwrap();
    let all: BTreeSet<String> = regex::Regex::new(r#"Code::\w+ => "([a-z0-9-]+)""#)
        .unwrap()
        .captures_iter(&source)
        .map(|c| c[1].to_string())
        .collect();
    assert!(
        all.len() > 30,
        "read {} codes from src/diagnostic.rs",
        all.len()
    );
    let missing: Vec<_> = all.difference(&seen).collect();
    assert!(
        missing.is_empty(),
        "codes the corpus never shows: {missing:?}"
    );
}

#[test]
fn the_word_check_finds_english_in_french_and_skips_code_and_values() {
    assert_eq!(
        word_of("la valeur is wrong", ENGLISH).as_deref(),
        Some("is")
    );
    assert_eq!(word_of("la colonne `the_id` : \"is\"", ENGLISH), None);
    assert_eq!(
        word_of("the value est vide", FRENCH).as_deref(),
        Some("est")
    );
}

#[test]
fn the_flag_wins_over_the_locale_and_the_locale_over_the_default() {
    let catalog = common::root().join("tests/fixtures/invalid/bad-number/catalog");
    let run = |args: &[&str], lang: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ogp-publish"));
        cmd.args(args)
            .arg("check")
            .arg(&catalog)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG");
        if let Some(l) = lang {
            cmd.env("LANG", l);
        }
        let out = cmd.output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let english = run(&[], None);
    assert!(english.contains("error[bad-number]"), "{english}");
    let french = run(&[], Some("fr_CA.UTF-8"));
    assert!(french.contains("erreur[bad-number]"), "{french}");
    assert!(french.contains("= aide\u{a0}: "), "{french}");
    let flag = run(&["--lang", "en"], Some("fr_CA.UTF-8"));
    assert!(flag.contains("error[bad-number]"), "{flag}");
}

#[test]
fn preview_pages_follow_the_profile_unless_lang_is_given_and_data_never_does() {
    let tmp = tempfile::tempdir().unwrap();
    let build = |args: &[&str], out: &str, locale: &str| {
        let out = tmp.path().join(out);
        let o = Command::new(env!("CARGO_BIN_EXE_ogp-publish"))
            .args(args)
            .arg("preview")
            .arg(common::root().join("catalog"))
            .arg("--out")
            .arg(&out)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", locale)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        out
    };
    let page = |out: &Path| std::fs::read_to_string(out.join("preview/index.html")).unwrap();
    // Données Québec's profile is French; an English locale does not change the pages.
    let profile = build(&[], "profile", "en_CA.UTF-8");
    assert!(
        page(&profile).contains("<html lang=\"fr\""),
        "{}",
        page(&profile)
    );
    let english = build(&["--lang", "en"], "english", "fr_CA.UTF-8");
    assert!(
        page(&english).contains("<html lang=\"en\""),
        "{}",
        page(&english)
    );
    assert!(page(&english).contains("Open government action plans"));
    // The English page still previews the tables, named as the files are (in French), with
    // the data dictionary's English labels.
    let dataset_page = |out: &Path| {
        std::fs::read_to_string(
            out.join("preview/datasets/plan-action-gouvernement-ouvert-2021-2023.html"),
        )
        .unwrap()
    };
    for (out, label) in [(&profile, "Titre"), (&english, "Title")] {
        let html = dataset_page(out);
        for table in ["id=\"table-engagements\"", "id=\"table-jalons\""] {
            assert!(
                html.contains(table),
                "{table} missing from {}",
                out.display()
            );
        }
        assert!(html.contains(&format!(
            "<span class=\"label\">{label}</span><br><code>titre</code>"
        )));
    }
    let data = |out: &Path| common::read_tree(&out.join("datasets"));
    assert_eq!(
        data(&profile),
        data(&english),
        "the data files changed with --lang"
    );
}
