//! The message files: both languages have the same messages with the same arguments, every id
//! the code uses exists, and the French follows French typography.

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each message of an FTL file: the names of its arguments and its literal text.
type Messages = BTreeMap<String, (BTreeSet<String>, String)>;

/// Each message of an FTL file with the names of its arguments.
fn messages(name: &str, source: &str) -> Messages {
    let resource = fluent_syntax::parser::parse(source)
        .unwrap_or_else(|(_, errors)| panic!("{name} does not parse: {errors:?}"));
    let mut out = BTreeMap::new();
    for entry in resource.body {
        match entry {
            Entry::Message(m) => {
                let value = m
                    .value
                    .unwrap_or_else(|| panic!("{name}: `{}` has no value", m.id.name));
                let mut vars = BTreeSet::new();
                let mut text = String::new();
                walk(&value, &mut vars, &mut text);
                let fresh = out.insert(m.id.name.to_string(), (vars, text)).is_none();
                assert!(fresh, "{name}: `{}` is defined twice", m.id.name);
            }
            Entry::Junk { content } => panic!("{name}: cannot read {content:?}"),
            _ => {}
        }
    }
    out
}

/// Collects the variables of a pattern and its literal text (every variant's).
fn walk(pattern: &Pattern<&str>, vars: &mut BTreeSet<String>, text: &mut String) {
    for element in &pattern.elements {
        match element {
            PatternElement::TextElement { value } => text.push_str(value),
            PatternElement::Placeable { expression } => {
                text.push('\u{1}');
                expr(expression, vars, text);
            }
        }
    }
}

fn expr(e: &Expression<&str>, vars: &mut BTreeSet<String>, text: &mut String) {
    match e {
        Expression::Select { selector, variants } => {
            inline(selector, vars, text);
            for v in variants {
                walk(&v.value, vars, text);
                text.push('\n');
            }
        }
        Expression::Inline(i) => inline(i, vars, text),
    }
}

fn inline(e: &InlineExpression<&str>, vars: &mut BTreeSet<String>, text: &mut String) {
    match e {
        InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_string());
        }
        InlineExpression::Placeable { expression } => expr(expression, vars, text),
        InlineExpression::StringLiteral { value } => text.push_str(value),
        _ => {}
    }
}

fn both() -> (Messages, Messages) {
    (
        messages("fr.ftl", ogp_publish::i18n::FR_FTL),
        messages("en.ftl", ogp_publish::i18n::EN_FTL),
    )
}

#[test]
fn every_message_exists_in_both_languages_with_the_same_arguments() {
    let (fr, en) = both();
    let only_fr: Vec<_> = fr.keys().filter(|k| !en.contains_key(*k)).collect();
    let only_en: Vec<_> = en.keys().filter(|k| !fr.contains_key(*k)).collect();
    assert!(only_fr.is_empty(), "only in fr.ftl: {only_fr:?}");
    assert!(only_en.is_empty(), "only in en.ftl: {only_en:?}");
    for (id, (vars, _)) in &fr {
        assert_eq!(
            vars, &en[id].0,
            "`{id}` has other arguments in fr.ftl and en.ftl"
        );
    }
    assert!(fr.len() > 10, "the files hold {} messages", fr.len());
}

#[test]
fn the_parity_check_sees_a_missing_message_and_a_renamed_argument() {
    let fr = messages("fr", "a = un { $x }\nb = deux\n");
    let en = messages("en", "a = one { $y }\n");
    assert!(!en.contains_key("b"));
    assert_ne!(fr["a"].0, en["a"].0);
}

/// Every `t!("id"` and `Text::new("id"` of the sources.
fn ids_in_code() -> BTreeMap<String, String> {
    let re = regex::Regex::new(r#"(?:t!\(\s*|Text::new\(\s*)"([a-z0-9-]+)""#).unwrap();
    let mut out = BTreeMap::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                // Comments show examples, not messages.
                let code: Vec<&str> = text
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect();
                for c in re.captures_iter(&code.join("\n")) {
                    out.insert(c[1].to_string(), path.display().to_string());
                }
            }
        }
    }
    out
}

#[test]
fn every_message_the_code_uses_is_written() {
    let (fr, en) = both();
    let used = ids_in_code();
    assert!(used.len() > 10, "found only {} ids in src/", used.len());
    for (id, file) in &used {
        assert!(
            fr.contains_key(id) && en.contains_key(id),
            "`{id}` (used in {file}) is missing from the message files"
        );
    }
}

#[test]
fn french_puts_a_no_break_space_before_colons_and_inside_guillemets() {
    let (fr, _) = both();
    let mut bad = Vec::new();
    for (id, (_, text)) in &fr {
        // Code in backticks keeps its own punctuation (`a:b`, URLs).
        let prose: String = text
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(_, s)| s)
            .collect::<Vec<_>>()
            .join("`");
        let chars: Vec<char> = prose.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let before = i.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i + 1).copied();
            let spaced = |x: Option<char>| matches!(x, Some('\u{a0}' | '\u{202f}'));
            let wrong = match c {
                // A colon in prose is followed by a space; `12:30`, `1:2:3` are not prose.
                ':' => after == Some(' ') && !spaced(before),
                // Only after a word: `! key` at the start of a line is a marker.
                ';' | '!' | '?' => {
                    matches!(after, Some(' ') | None)
                        && before.is_some_and(|b| !b.is_whitespace() && !spaced(Some(b)))
                }
                '«' => !spaced(after),
                '»' => !spaced(before),
                _ => false,
            };
            if wrong {
                bad.push(format!("{id}: {prose:?}"));
                break;
            }
        }
    }
    assert!(bad.is_empty(), "French typography:\n{}", bad.join("\n"));
}

#[test]
fn french_messages_are_not_english_copies() {
    let (fr, en) = both();
    let same: Vec<_> = fr
        .iter()
        .filter(|(id, (_, text))| {
            let words = text.split_whitespace().filter(|w| w.len() > 3).count();
            words >= 3 && en.get(*id).is_some_and(|(_, e)| e == text)
        })
        .map(|(id, _)| id.clone())
        .collect();
    assert!(same.is_empty(), "the same text in both languages: {same:?}");
}
