//! The TOML files of a catalogue: `publisher.toml` and each plan's `plan.toml`, then the plan
//! folder whole (its tables through [`super::table`]).

use super::sandbox::Sandbox;
use super::table::{self, bad_date, check_url, edit_distance};
use crate::diagnostic::{Code, Diagnostic, LintLevel, Pos};
use crate::fields::{Field, COMMITMENT_FIELDS, MILESTONE_FIELDS};
use crate::model::{Challenge, DatasetMeta, DatastoreMode, PartialDate, Plan, Publisher, Sp};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

fn sp<T>(v: Spanned<T>, file: &Path, text: &str) -> Sp<T> {
    let pos = crate::diagnostic::pos_at(text, v.span().start);
    Sp {
        value: v.into_inner(),
        file: file.to_path_buf(),
        pos,
    }
}

fn parse_toml<T: for<'de> Deserialize<'de>>(
    sandbox: Sandbox,
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<(T, String)> {
    let text = sandbox.read_text(path, diags)?;
    match toml::from_str::<T>(&text) {
        Ok(v) => Some((v, text)),
        Err(e) => {
            let pos = e
                .span()
                .map_or(Pos::START, |s| crate::diagnostic::pos_at(&text, s.start));
            // One line: the TOML reader may give two, which would break the report's layout.
            let reader = e.message().trim().replace('\n', ": ");
            let mut hint =
                unknown_key_hint(&reader).unwrap_or_else(|| crate::t!("load-toml-syntax-hint"));
            // The TOML reader's own words, in English, except for the common unknown key.
            let mut message = unknown_key(&reader)
                .unwrap_or_else(|| crate::t!("load-toml-syntax", cause = reader.as_str()));
            // A bare TOML date reaches serde as a map: say what was written.
            let written = e.span().and_then(|s| text.get(s)).unwrap_or_default();
            if reader.starts_with("invalid type: map, expected a string")
                && written.starts_with(|c: char| c.is_ascii_digit())
            {
                message = crate::t!("load-toml-date", written = written);
                hint = crate::t!("load-toml-date-hint", written = written);
            }
            diags.push(Diagnostic::error(Code::TomlSyntax, path, pos, message).hint(hint));
            None
        }
    }
}

/// serde's `unknown field `x`, expected one of `a`, `b`` as a message of ours.
fn unknown_key(message: &str) -> Option<crate::i18n::Text> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, expected) = rest.split_once('`')?;
    let known: Vec<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|k| format!("`{k}`"))
        .collect();
    Some(crate::t!(
        "load-toml-unknown-key",
        key = key,
        known = known.join(", ")
    ))
}

/// "did you mean" for serde's `unknown field `x`, expected one of `a`, `b`` messages.
fn unknown_key_hint(message: &str) -> Option<crate::i18n::Text> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, expected) = rest.split_once('`')?;
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let near = known
        .iter()
        .min_by_key(|k| edit_distance(k, key))
        .filter(|k| edit_distance(k, key) <= 2);
    Some(match near {
        Some(k) => crate::t!("load-did-you-mean", name = *k),
        None => crate::t!("load-unknown-key-hint", key = key, known = known.join(", ")),
    })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DatasetToml {
    name: Option<Spanned<String>>,
    title: Option<Spanned<String>>,
    notes: Option<Spanned<String>>,
    #[serde(default)]
    tags: Vec<Spanned<String>>,
    #[serde(default)]
    groups: Vec<Spanned<String>>,
    license_id: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
    update_frequency: Option<Spanned<String>>,
    spatial: Option<Spanned<String>>,
    main_organization: Option<Spanned<String>>,
    methodology: Option<Spanned<String>>,
    author: Option<Spanned<String>>,
    author_email: Option<Spanned<String>>,
    maintainer: Option<Spanned<String>>,
    maintainer_email: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    private: Option<Spanned<bool>>,
}

impl DatasetToml {
    fn into_meta(self, file: &Path, text: &str) -> DatasetMeta {
        let o = |v: Option<Spanned<String>>| v.map(|v| sp(v, file, text));
        let l = |v: Vec<Spanned<String>>| v.into_iter().map(|v| sp(v, file, text)).collect();
        DatasetMeta {
            name: o(self.name),
            title: o(self.title),
            notes: o(self.notes),
            tags: l(self.tags),
            groups: l(self.groups),
            license_id: o(self.license_id),
            language: o(self.language),
            update_frequency: o(self.update_frequency),
            spatial: o(self.spatial),
            main_organization: o(self.main_organization),
            methodology: o(self.methodology),
            author: o(self.author),
            author_email: o(self.author_email),
            maintainer: o(self.maintainer),
            maintainer_email: o(self.maintainer_email),
            url: o(self.url),
            private: self.private.map(|v| sp(v, file, text)),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganizationToml {
    name: Spanned<String>,
    title: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PublisherToml {
    profile: Spanned<String>,
    organization: OrganizationToml,
    #[serde(default)]
    dataset: DatasetToml,
    #[serde(default)]
    lints: BTreeMap<Spanned<String>, Spanned<String>>,
    datastore: Option<Spanned<String>>,
}

/// Reads `publisher.toml`.
pub(super) fn load_publisher(
    sandbox: Sandbox,
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Publisher {
    let Some((toml, text)) = parse_toml::<PublisherToml>(sandbox, path, diags) else {
        return Publisher {
            file: path.to_path_buf(),
            ..Publisher::default()
        };
    };
    Publisher {
        file: path.to_path_buf(),
        profile: sp(toml.profile, path, &text),
        organization: sp(toml.organization.name, path, &text),
        organization_title: toml.organization.title,
        dataset: toml.dataset.into_meta(path, &text),
        lints: read_lints(toml.lints, path, &text, diags),
        datastore: read_datastore(toml.datastore, path, &text, diags).unwrap_or_default(),
    }
}

/// The `datastore` setting of `file`, when it has a valid one: `auto` or `off`.
fn read_datastore(
    value: Option<Spanned<String>>,
    file: &Path,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<DatastoreMode> {
    let value = sp(value?, file, text);
    match value.value.as_str() {
        "auto" => Some(DatastoreMode::Auto),
        "off" => Some(DatastoreMode::Off),
        _ => {
            diags.push(
                Diagnostic::error(
                    Code::BadSetting,
                    file,
                    value.pos,
                    crate::t!("load-bad-datastore", value = &value.value),
                )
                .field("datastore")
                .hint(crate::t!("load-bad-datastore-hint")),
            );
            None
        }
    }
}

/// The `[lints]` table of `file`: each lint's level; a name that is no lint, or a value that
/// is no level, is an error.
fn read_lints(
    table: BTreeMap<Spanned<String>, Spanned<String>>,
    file: &Path,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<Code, LintLevel> {
    let mut lints = BTreeMap::new();
    for (name, level) in table {
        let name = sp(name, file, text);
        let level = sp(level, file, text);
        match (
            Code::from_lint_name(&name.value),
            LintLevel::parse(&level.value),
        ) {
            (Some(code), Some(level)) => {
                lints.insert(code, level);
            }
            (None, _) => {
                let known: Vec<&str> = Code::LINTS.iter().map(|c| c.as_str()).collect();
                diags.push(
                    Diagnostic::error(
                        Code::BadLint,
                        file,
                        name.pos,
                        crate::t!("load-not-a-lint", name = &name.value),
                    )
                    .field(format!("lints.{}", name.value))
                    .hint(crate::t!("load-not-a-lint-hint", lints = known.join(", "))),
                )
            }
            (Some(_), None) => diags.push(
                Diagnostic::error(
                    Code::BadLint,
                    file,
                    level.pos,
                    crate::t!("load-not-a-lint-level", level = &level.value),
                )
                .field(format!("lints.{}", name.value))
                .hint(crate::t!("load-not-a-lint-level-hint")),
            ),
        }
    }
    lints
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChallengeToml {
    id: String,
    title: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ColumnsToml {
    #[serde(default)]
    commitments: Vec<Spanned<String>>,
    #[serde(default)]
    milestones: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanToml {
    title: Spanned<String>,
    title_en: Option<String>,
    subtitle: Option<String>,
    member: Option<String>,
    start: Option<Spanned<String>>,
    end: Option<Spanned<String>>,
    submitted_on: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    description: Option<String>,
    #[serde(default)]
    challenges: Vec<ChallengeToml>,
    #[serde(default)]
    dataset: DatasetToml,
    #[serde(default)]
    columns: ColumnsToml,
    #[serde(default)]
    lints: BTreeMap<Spanned<String>, Spanned<String>>,
    datastore: Option<Spanned<String>>,
}

fn toml_date(
    v: Option<Spanned<String>>,
    field: &str,
    file: &Path,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Sp<PartialDate>> {
    let v = sp(v?, file, text);
    match PartialDate::parse(&v.value) {
        Some(d) => Some(Sp {
            value: d,
            file: v.file,
            pos: v.pos,
        }),
        None => {
            diags.push(bad_date(file, v.pos, field, &v.value));
            None
        }
    }
}

/// The extra columns a plan declares under `[columns]`. A name that a standard column already
/// has (as input key or as published name, in either language) or that is declared twice would
/// publish two columns of the same name: an error. The name stays declared, so the data file's
/// column is not reported again as unknown.
fn extra_columns(
    declared: Vec<Spanned<String>>,
    standard: &[Field],
    table: &str,
    file: &Path,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for name in declared {
        let name = sp(name, file, text);
        let clash = standard
            .iter()
            .find(|f| {
                [&f.key, &f.fr, &f.en]
                    .iter()
                    .any(|n| n.as_ref() == name.value)
            })
            .map(|f| {
                crate::t!(
                    "load-standard-column",
                    name = &name.value,
                    key = f.key.to_string()
                )
            })
            .or_else(|| {
                kept.contains(&name.value)
                    .then(|| crate::t!("load-column-twice", name = &name.value))
            });
        if let Some(message) = clash {
            diags.push(
                Diagnostic::error(Code::DuplicateColumn, file, name.pos, message)
                    .field(format!("columns.{table}"))
                    .hint(crate::t!("load-extra-column-hint")),
            );
        }
        if !kept.contains(&name.value) {
            kept.push(name.value);
        }
    }
    kept
}

pub(super) fn load_plan(sandbox: Sandbox, dir: &Path, diags: &mut Vec<Diagnostic>) -> Plan {
    let id = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = dir.join("plan.toml");
    let mut plan = Plan {
        id,
        file: file.clone(),
        ..Plan::default()
    };
    let parsed = parse_toml::<PlanToml>(sandbox, &file, diags);
    plan.unreadable.plan = parsed.is_none();
    if let Some((toml, text)) = parsed {
        plan.title = sp(toml.title, &file, &text);
        plan.title_en = toml.title_en;
        plan.subtitle = toml.subtitle;
        plan.member = toml.member;
        plan.start = toml_date(toml.start, "start", &file, &text, diags);
        plan.end = toml_date(toml.end, "end", &file, &text, diags);
        plan.submitted_on =
            toml_date(toml.submitted_on, "submitted_on", &file, &text, diags).map(|d| d.value);
        if let Some(url) = toml.url.map(|u| sp(u, &file, &text)) {
            if let Some(d) = check_url(&url.value, &file, || url.pos, "url") {
                diags.push(d);
            }
            plan.url = Some(url.value);
        }
        plan.description = toml.description;
        plan.challenges = toml
            .challenges
            .into_iter()
            .map(|c| Challenge {
                id: c.id,
                title: c.title,
            })
            .collect();
        plan.dataset = toml.dataset.into_meta(&file, &text);
        plan.extra_commitment_columns = extra_columns(
            toml.columns.commitments,
            COMMITMENT_FIELDS,
            "commitments",
            &file,
            &text,
            diags,
        );
        plan.extra_milestone_columns = extra_columns(
            toml.columns.milestones,
            MILESTONE_FIELDS,
            "milestones",
            &file,
            &text,
            diags,
        );
        plan.lints = read_lints(toml.lints, &file, &text, diags);
        plan.datastore = read_datastore(toml.datastore, &file, &text, diags);
    }
    table::load_records(sandbox, dir, &mut plan, diags);
    plan
}
