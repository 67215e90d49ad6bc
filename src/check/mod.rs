//! Rules that need more than one value: unique ids, references between records, date order,
//! dataset names and tags CKAN accepts, and the fields the portal profile requires.

use crate::diagnostic::{Code, Diagnostic, LintLevel, Pos, Severity};
use crate::i18n::quote;
use crate::model::{Catalog, DatasetMeta, PartialDate, Plan, Publisher, RecordSrc, Sp};
use crate::profile;
use crate::t;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::path::Path;

/// Names CKAN reserves for its own pages.
const RESERVED_NAMES: &[&str] = &["new", "edit", "search"];

/// Every rule over a loaded catalogue. Diagnostics are returned unsorted.
pub fn validate(catalog: &Catalog) -> Vec<Diagnostic> {
    let publisher = &catalog.publisher;
    let mut diags = validate_publisher(publisher);
    let mut names = DatasetNames::default();
    for plan in &catalog.plans {
        let mut plan_diags = validate_plan(publisher, plan);
        apply_lints(publisher, plan, &mut plan_diags);
        diags.extend(plan_diags);
        let meta = plan.dataset.merged_over(&publisher.dataset);
        diags.extend(names.claim(&plan.id, dataset_name(plan, &meta)));
    }
    diags
}

/// The rules on `publisher.toml` alone: a known profile and a valid organisation name.
pub fn validate_publisher(publisher: &Publisher) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // An empty profile means publisher.toml did not load; that was reported already.
    if profile::lookup(&publisher.profile.value).is_none() && !publisher.profile.value.is_empty() {
        diags.push(
            Diagnostic::error(
                Code::UnknownProfile,
                &publisher.file,
                publisher.profile.pos,
                t!("rule-unknown-profile", name = &publisher.profile.value),
            )
            .field("profile")
            .hint(t!("rule-use-one-of", choices = profile::names())),
        );
    }
    if !publisher.profile.value.is_empty() {
        check_ckan_name(&publisher.organization, "organization.name", &mut diags);
    }
    diags
}

/// Dataset names claimed so far, in plan order: a second plan publishing the same dataset name
/// is an error.
#[derive(Debug, Default)]
pub struct DatasetNames {
    seen: HashMap<String, String>,
}

impl DatasetNames {
    /// Claims `name` for the plan `plan_id`; the error when an earlier plan holds it.
    pub fn claim(&mut self, plan_id: &str, name: Sp<String>) -> Option<Diagnostic> {
        if let Some(first) = self.seen.get(&name.value) {
            return Some(
                Diagnostic::error(
                    Code::DuplicateDatasetName,
                    &name.file,
                    name.pos,
                    t!(
                        "rule-duplicate-dataset-name",
                        first = first,
                        plan = plan_id,
                        name = &name.value
                    ),
                )
                .field("dataset.name")
                .hint(t!("rule-duplicate-dataset-name-hint")),
            );
        }
        self.seen.insert(name.value, plan_id.to_string());
        None
    }
}

/// The rules on one plan and its records, before [`apply_lints`]. The rule that needs
/// every plan (unique dataset names) is [`DatasetNames`].
pub fn validate_plan(publisher: &Publisher, plan: &Plan) -> Vec<Diagnostic> {
    let mut plan_diags = Vec::new();
    let meta = plan.dataset.merged_over(&publisher.dataset);
    let name = dataset_name(plan, &meta);
    check_ckan_name(&name, "dataset.name", &mut plan_diags);
    // A group is named by the same rule; the portal refuses the dataset otherwise.
    for group in &meta.groups {
        check_ckan_name(group, "dataset.groups", &mut plan_diags);
    }
    check_tags(&meta, &mut plan_diags);
    if plan.title.value.trim().is_empty() && !plan.title.file.as_os_str().is_empty() {
        plan_diags.push(
            Diagnostic::error(
                Code::MissingField,
                &plan.file,
                plan.title.pos,
                t!("rule-title-required"),
            )
            .field("title")
            .hint(t!("rule-title-required-hint")),
        );
    }
    if let (Some(s), Some(e)) = (&plan.start, &plan.end) {
        order(
            &plan.file,
            || e.pos,
            "end",
            s.value,
            e.value,
            &mut plan_diags,
        );
    }
    if plan.commitments.is_empty() && !plan.unreadable.commitments {
        plan_diags.push(
            Diagnostic::error(
                Code::EmptyPlan,
                &plan.commitments_table.file,
                Pos::START,
                t!("rule-empty-plan"),
            )
            .hint(t!("rule-empty-plan-hint"))
            .warning(),
        );
    }
    check_records(plan, &mut plan_diags);
    if let Some(p) = profile::lookup(&publisher.profile.value) {
        plan_diags.extend(p.check(publisher, plan, &meta));
    }
    plan_diags
}

/// Applies the lint levels in force for `plan` (its `[lints]`, else the publisher's, else the
/// lint's default) to `diags`, the plan's diagnostics: `allow` removes them, `warn` and `deny`
/// set their severity. The hint then says how to change the level, never what the files
/// already say: an error by default suggests `warn`, a warning suggests `allow`.
pub fn apply_lints(publisher: &Publisher, plan: &Plan, diags: &mut Vec<Diagnostic>) {
    diags.retain_mut(|d| {
        if !Code::LINTS.contains(&d.code) {
            return true;
        }
        let set = plan
            .lints
            .get(&d.code)
            .map(|l| (*l, "plan.toml"))
            .or_else(|| publisher.lints.get(&d.code).map(|l| (*l, "publisher.toml")));
        let level = match set {
            Some((level, _)) => level,
            None if d.is_error() => LintLevel::Deny,
            None => LintLevel::Warn,
        };
        d.severity = match level {
            LintLevel::Allow => return false,
            LintLevel::Warn => Severity::Warning,
            LintLevel::Deny => Severity::Error,
        };
        let suggest = match (level, set) {
            (LintLevel::Warn, Some((_, file))) => {
                Some(t!("lint-allow-here", code = d.code.as_str(), file = file))
            }
            (LintLevel::Warn, None) => Some(t!("lint-allow-all", code = d.code.as_str())),
            (LintLevel::Deny, None) => Some(t!("lint-warn", code = d.code.as_str())),
            // Denied on purpose: the fix is in the data.
            (LintLevel::Deny, Some(_)) | (LintLevel::Allow, _) => None,
        };
        if let Some(suggest) = suggest {
            d.hint = Some(match d.hint.take() {
                Some(h) => t!("hint-and", first = h, then = suggest),
                None => suggest,
            });
        }
        true
    });
}

/// The dataset name of a plan: `[dataset] name`, or the plan's folder name.
pub fn dataset_name(plan: &Plan, meta: &DatasetMeta) -> Sp<String> {
    meta.name.clone().unwrap_or_else(|| Sp {
        value: plan.id.clone(),
        file: plan.file.clone(),
        pos: Pos::START,
    })
}

fn check_ckan_name(name: &Sp<String>, field: &str, diags: &mut Vec<Diagnostic>) {
    let v = &name.value;
    let problem = if !(2..=100).contains(&v.len()) {
        Some(t!("rule-name-length"))
    } else if !v
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    {
        Some(t!("rule-name-characters"))
    } else if RESERVED_NAMES.contains(&v.as_str()) {
        Some(t!("rule-name-reserved"))
    } else {
        None
    };
    if let Some(problem) = problem {
        diags.push(
            Diagnostic::error(
                Code::BadDatasetName,
                &name.file,
                name.pos,
                t!("rule-bad-name", name = v, problem = problem),
            )
            .field(field)
            .hint(t!(
                "rule-bad-name-hint",
                good = match slug(v) {
                    Some(good) if good != *v => good,
                    _ => slug(&format!("plan {v}")).unwrap_or_else(|| "plan".into()),
                }
            )),
        );
    }
}

/// A CKAN-safe name for `text`: accents folded, lowercase, words joined by `-`.
pub fn slug(text: &str) -> Option<String> {
    let mut out = String::new();
    for c in text.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    let out: String = out.chars().take(100).collect();
    let out = out.trim_end_matches('-').to_string();
    (out.len() >= 2 && !RESERVED_NAMES.contains(&out.as_str())).then_some(out)
}

fn fold_accent(c: char) -> Vec<char> {
    let base = match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'À' | 'Â' | 'Ä' | 'Á' => 'a',
        'ç' | 'Ç' => 'c',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
        'î' | 'ï' | 'í' | 'Î' | 'Ï' => 'i',
        'ô' | 'ö' | 'ó' | 'Ô' | 'Ö' => 'o',
        'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' => 'u',
        'ÿ' => 'y',
        'œ' | 'Œ' => return vec!['o', 'e'],
        'æ' | 'Æ' => return vec!['a', 'e'],
        c => c,
    };
    vec![base]
}

fn check_tags(meta: &DatasetMeta, diags: &mut Vec<Diagnostic>) {
    for tag in &meta.tags {
        let len = tag.value.chars().count();
        let bad_char = tag
            .value
            .chars()
            .find(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.')));
        let problem = if len < 2 {
            Some(t!("rule-tag-short"))
        } else if len > 100 {
            Some(t!("rule-tag-long"))
        } else {
            bad_char.map(|c| t!("rule-tag-character", character = format!("{c:?}")))
        };
        if let Some(problem) = problem {
            diags.push(
                Diagnostic::error(
                    Code::BadTag,
                    &tag.file,
                    tag.pos,
                    t!("rule-bad-tag", tag = quote(&tag.value), problem = problem),
                )
                .field("dataset.tags")
                .hint(t!("rule-bad-tag-hint")),
            );
        }
    }
}

/// `pos` is called only for dates out of order: a record's positions are counted when needed.
fn order(
    file: &Path,
    pos: impl FnOnce() -> Pos,
    field: &str,
    start: PartialDate,
    end: PartialDate,
    diags: &mut Vec<Diagnostic>,
) {
    // A year-month covers its whole month: 2022-03 ends after 2022-03-15 starts.
    if end.ends_before(start) {
        diags.push(
            Diagnostic::error(
                Code::EndBeforeStart,
                file,
                pos(),
                t!(
                    "rule-end-before-start",
                    field = field,
                    end = end.to_string(),
                    start = start.to_string()
                ),
            )
            .field(field)
            .hint(t!("rule-end-before-start-hint")),
        );
    }
}

/// The ids of one table seen so far, each with its first record, for duplicate-id errors.
struct Ids<'a> {
    seen: HashMap<&'a str, &'a RecordSrc>,
    /// The table's file, and the column of its ids.
    file: &'a Path,
    column: Option<usize>,
    /// What a record is: `commitment`, `milestone`.
    what: &'static str,
}

impl<'a> Ids<'a> {
    fn new(table: &'a crate::model::Table, records: usize, what: &'static str) -> Self {
        Ids {
            seen: HashMap::with_capacity(records),
            file: &table.file,
            column: table.column("id"),
            what,
        }
    }

    /// The error for the record at `src` when an earlier record has its `id`; otherwise `src`
    /// is noted as that id's first record (one lookup either way). An empty id, which the
    /// loader reports, is no one's duplicate and is not noted.
    fn duplicate(&mut self, id: &'a str, src: &'a RecordSrc) -> Option<Diagnostic> {
        if id.is_empty() {
            return None;
        }
        let first = match self.seen.entry(id) {
            Entry::Occupied(first) => *first.get(),
            Entry::Vacant(e) => {
                e.insert(src);
                return None;
            }
        };
        let line = first.pos_of(self.column).line;
        Some(
            Diagnostic::error(
                Code::DuplicateId,
                self.file,
                src.pos_of(self.column),
                t!(
                    "rule-duplicate-id",
                    what = self.what,
                    id = id,
                    line = line.to_string()
                ),
            )
            .field("id")
            .hint(t!("rule-duplicate-id-hint")),
        )
    }
}

fn check_records(plan: &Plan, diags: &mut Vec<Diagnostic>) {
    let ct = &plan.commitments_table;
    // Columns are looked up once per table, not per record.
    let (c_end, c_challenge) = (ct.column("end"), ct.column("challenge"));
    // The first record of each id; its position is counted only for a duplicate.
    let mut commitments = Ids::new(ct, plan.commitments.len(), "commitment");
    for c in &plan.commitments {
        // A commitment without an id is not in `commitments`, so no milestone can name it;
        // its other cells are checked all the same, so that every mistake of the row is told
        // at once.
        diags.extend(commitments.duplicate(&c.id, &c.src));
        if let (Some(s), Some(e)) = (c.start, c.end) {
            order(&ct.file, || c.src.pos_of(c_end), "end", s, e, diags);
        }
        if let (Some(ch), false) = (&c.challenge, plan.unreadable.plan) {
            if !plan.challenges.iter().any(|x| &x.id == ch) {
                let known: Vec<&str> = plan.challenges.iter().map(|x| x.id.as_str()).collect();
                diags.push(
                    Diagnostic::error(
                        Code::UnknownChallenge,
                        &ct.file,
                        c.src.pos_of(c_challenge),
                        t!("rule-unknown-challenge", id = ch),
                    )
                    .field("challenge")
                    .hint(if known.is_empty() {
                        t!("rule-unknown-challenge-hint")
                    } else {
                        t!("rule-use-one-of", choices = known.join(", "))
                    }),
                );
            }
        }
    }
    let mt = &plan.milestones_table;
    let (m_commitment, m_end, m_completed_on) = (
        mt.column("commitment_id"),
        mt.column("end"),
        mt.column("completed_on"),
    );
    let mut milestones = Ids::new(mt, plan.milestones.len(), "milestone");
    for m in &plan.milestones {
        diags.extend(milestones.duplicate(&m.id, &m.src));
        if !m.commitment_id.is_empty()
            && !plan.unreadable.commitments
            && !commitments.seen.contains_key(m.commitment_id.as_str())
        {
            diags.push(
                Diagnostic::error(
                    Code::UnknownCommitment,
                    &mt.file,
                    m.src.pos_of(m_commitment),
                    t!(
                        "rule-unknown-commitment",
                        // A byte-order mark glued to the id is invisible: show it.
                        id = m.commitment_id.replace('\u{feff}', "\\u{feff}")
                    ),
                )
                .field("commitment_id")
                .hint(t!("rule-unknown-commitment-hint", file = ct.file.display())),
            );
        }
        if let (Some(s), Some(e)) = (m.start, m.end) {
            order(&mt.file, || m.src.pos_of(m_end), "end", s, e, diags);
        }
        let completed = m.status == Some(crate::model::Status::Completed);
        if completed && m.completed_on.is_none() {
            diags.push(
                Diagnostic::error(
                    Code::CompletedWithoutDate,
                    &mt.file,
                    m.src.pos_of(m_completed_on),
                    t!("rule-completed-without-date", id = &m.id),
                )
                .field("completed_on")
                .hint(t!("rule-completed-without-date-hint")),
            );
        }
        if !completed && m.completed_on.is_some() && m.status.is_some() {
            diags.push(
                Diagnostic::error(
                    Code::DateWithoutCompletion,
                    &mt.file,
                    m.src.pos_of(m_completed_on),
                    t!("rule-date-without-completion", id = &m.id),
                )
                .field("completed_on")
                .hint(t!("rule-date-without-completion-hint")),
            );
        }
    }
}
