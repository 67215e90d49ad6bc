//! Loading a `catalog/` folder into the typed [`Catalog`], keeping the position of every value.
//!
//! Loading never stops at the first problem: every file is read as far as it can be, and each
//! problem becomes a [`Diagnostic`]. Problems that need more than one record (duplicates,
//! references, profile rules) are found later by [`crate::validate()`].

use crate::diagnostic::{quote, Code, Diagnostic, Pos, Severity};
use crate::fields::{Field, Kind, COMMITMENT_FIELDS, MILESTONE_FIELDS};
use crate::model::{
    Catalog, Challenge, Commitment, Completion, CsvPlaces, DatasetMeta, Milestone, OgpValue,
    PartialDate, Plan, Publisher, RecordSrc, Sp, Status, Table,
};
use crate::source::{self, CsvError, DecodeError};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A catalogue as far as it could be read, with the problems met on the way.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The records that could be read.
    pub catalog: Catalog,
    /// Problems found while reading, unsorted.
    pub diagnostics: Vec<Diagnostic>,
}

thread_local! {
    /// The catalogue being loaded on this thread, resolved: no file outside it is read.
    static ROOT: std::cell::RefCell<Option<PathBuf>> = const { std::cell::RefCell::new(None) };
    /// A folder known to resolve inside the catalogue: an entry of it that is not a symbolic
    /// link is inside too, without resolving it again.
    static INSIDE: std::cell::RefCell<Option<PathBuf>> = const { std::cell::RefCell::new(None) };
}

/// True when `path` is an entry, not a symbolic link, of the folder [`INSIDE`] names: it resolves
/// inside the catalogue, so [`outside_catalog`] has nothing to say.
fn plain_entry_inside(path: &Path) -> bool {
    INSIDE.with(|d| {
        d.borrow()
            .as_deref()
            .is_some_and(|d| path.parent() == Some(d))
    }) && std::fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_symlink())
}

/// Runs `f` with [`INSIDE`] set to `dir` on this thread.
fn inside<T>(dir: Option<&Path>, f: impl FnOnce() -> T) -> T {
    let before = INSIDE.with(|d| d.replace(dir.map(Path::to_path_buf)));
    let out = f();
    INSIDE.with(|d| *d.borrow_mut() = before);
    out
}

/// An error when `path` resolves (through symbolic links or `..`) outside the catalogue.
fn outside_catalog(path: &Path) -> Option<Diagnostic> {
    let root = ROOT.with(|r| r.borrow().clone())?;
    if plain_entry_inside(path) {
        return None;
    }
    let resolved = std::fs::canonicalize(path).ok().or_else(|| {
        // A link whose target does not exist: judge where it points.
        let target = std::fs::read_link(path).ok()?;
        let parent = std::fs::canonicalize(path.parent()?).ok()?;
        let mut out = PathBuf::new();
        for c in parent.join(target).components() {
            match c {
                std::path::Component::ParentDir => {
                    out.pop();
                }
                std::path::Component::CurDir => {}
                other => out.push(other),
            }
        }
        Some(out)
    })?;
    (!resolved.starts_with(&root)).then(|| {
        Diagnostic::error(
            Code::PathOutsideCatalog,
            path,
            Pos::START,
            format!("this path leads outside the catalogue, to `{}`", resolved.display()),
        )
        .hint("keep every catalogue file inside the catalogue folder; replace the link by the file itself")
    })
}

/// A catalogue opened for reading plan by plan: its publisher, its plan folders, and the
/// problems met so far. Plans are loaded one at a time with [`load_plan_at`], so a catalogue of
/// any size is checked and built holding one plan per worker in memory.
#[derive(Debug, Clone, Default)]
pub struct Opened {
    /// The catalogue folder, resolved (links and `..`); no file outside it is read.
    pub resolved: Option<PathBuf>,
    /// `publisher.toml`, as far as it could be read.
    pub publisher: Publisher,
    /// The plan folders to load, sorted.
    pub plan_dirs: Vec<PathBuf>,
    /// Problems met reading `publisher.toml` and listing `plans/`.
    pub diagnostics: Vec<Diagnostic>,
}

/// Runs `f` with the catalogue root set for [`outside_catalog`] on this thread.
fn within<T>(resolved: Option<&PathBuf>, f: impl FnOnce() -> T) -> T {
    let before = ROOT.with(|r| r.replace(resolved.cloned()));
    let out = f();
    ROOT.with(|r| *r.borrow_mut() = before);
    out
}

/// Reads `publisher.toml` and lists the plan folders of the catalogue in `root`.
pub fn open_catalog(root: &Path) -> Opened {
    let resolved = std::fs::canonicalize(root).ok();
    within(resolved.as_ref(), || {
        let mut diags = Vec::new();
        // The catalogue folder resolves to `resolved`, inside by definition.
        let publisher = inside(resolved.is_some().then_some(root), || {
            load_publisher(&root.join("publisher.toml"), &mut diags)
        });
        let mut plan_dirs = Vec::new();
        let plans_dir = root.join("plans");
        match std::fs::read_dir(&plans_dir) {
            Err(_) => diags.push(
                Diagnostic::error(
                    Code::MissingFile,
                    &plans_dir,
                    Pos::START,
                    "the catalogue has no `plans` folder",
                )
                .hint(
                    "create `plans/<plan-id>/` holding plan.toml, commitments.csv and milestones.csv",
                ),
            ),
            Ok(entries) => {
                let mut dirs: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok())
                    // Follows links, so a linked plan folder is not skipped silently.
                    .filter(|e| {
                        e.file_type().is_ok_and(|t| t.is_dir())
                            || std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir())
                    })
                    .map(|e| e.path())
                    .collect();
                dirs.sort();
                let found = dirs.len();
                // When `plans` resolves inside, so does each of its folders that is not a link.
                let plans_inside = resolved.as_ref().is_some_and(|r| {
                    std::fs::canonicalize(&plans_dir).is_ok_and(|p| p.starts_with(r))
                });
                inside(plans_inside.then_some(plans_dir.as_path()), || {
                    for dir in dirs {
                        match outside_catalog(&dir) {
                            Some(d) => diags.push(d),
                            None => plan_dirs.push(dir),
                        }
                    }
                });
                // Plan folders that lead outside were reported already: "no plan" would only
                // echo that.
                if found == 0 {
                    diags.push(
                        Diagnostic::error(Code::NoPlans, &plans_dir, Pos::START, "no plan to publish")
                            .hint("add a folder `plans/<plan-id>/` with plan.toml, commitments.csv and milestones.csv"),
                    );
                }
            }
        }
        Opened {
            resolved: resolved.clone(),
            publisher,
            plan_dirs,
            diagnostics: diags,
        }
    })
}

/// Loads one plan folder of an opened catalogue, with the problems met reading it.
pub fn load_plan_at(opened: &Opened, dir: &Path) -> (Plan, Vec<Diagnostic>) {
    // A folder of `plan_dirs` was found to resolve inside the catalogue.
    let known = opened
        .plan_dirs
        .binary_search_by(|d| d.as_path().cmp(dir))
        .is_ok();
    within(opened.resolved.as_ref(), || {
        inside(known.then_some(dir), || {
            let mut diags = Vec::new();
            let plan = load_plan(dir, &mut diags);
            (plan, diags)
        })
    })
}

/// Reads the catalogue in `root` (`publisher.toml` and `plans/*/`), every plan at once.
pub fn load_catalog(root: &Path) -> Loaded {
    let opened = open_catalog(root);
    let mut diagnostics = opened.diagnostics.clone();
    let plans = opened
        .plan_dirs
        .iter()
        .map(|dir| {
            let (plan, diags) = load_plan_at(&opened, dir);
            diagnostics.extend(diags);
            plan
        })
        .collect();
    Loaded {
        catalog: Catalog {
            publisher: opened.publisher,
            plans,
        },
        diagnostics,
    }
}

/// Reads a file as UTF-8 text; reports a missing or undecodable file.
fn read_text(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    if let Some(d) = outside_catalog(path) {
        diags.push(d);
        return None;
    }
    let decoded = match source::read_utf8_file(path) {
        Ok(d) => d,
        Err(e) => {
            let what = if e.kind() == std::io::ErrorKind::NotFound {
                "is missing".to_string()
            } else {
                format!("cannot be read: {e}")
            };
            let hint = if path.ends_with("publisher.toml") {
                "the catalogue folder needs publisher.toml: the portal profile, the organisation and default metadata (see the README)"
            } else {
                "every plan folder needs plan.toml, commitments.csv (or .json) and milestones.csv (or .json)"
            };
            diags.push(
                Diagnostic::error(
                    Code::MissingFile,
                    path,
                    Pos::START,
                    format!("this file {what}"),
                )
                .hint(hint),
            );
            return None;
        }
    };
    match decoded {
        Ok(text) => Some(text),
        Err(DecodeError::Utf16) => {
            diags.push(
                Diagnostic::error(
                    Code::InvalidUtf8,
                    path,
                    Pos::START,
                    "the file is UTF-16, not UTF-8",
                )
                .hint("save it again as « CSV UTF-8 » (or UTF-8 text)"),
            );
            None
        }
        Err(DecodeError::InvalidUtf8(pos)) => {
            // « CSV UTF-8 » is a spreadsheet's choice: a TOML or JSON file is saved as UTF-8 text.
            let save_as = if path.extension().is_some_and(|e| e == "csv") {
                "« CSV UTF-8 »"
            } else {
                "UTF-8 text"
            };
            diags.push(
                Diagnostic::error(Code::InvalidUtf8, path, pos, "bytes that are not UTF-8").hint(
                    format!("save the file as {save_as}; a file saved as Windows-1252/Latin-1 breaks accented letters"),
                ),
            );
            None
        }
    }
}

fn sp<T>(v: Spanned<T>, file: &Path, text: &str) -> Sp<T> {
    let pos = source::pos_at(text, v.span().start);
    Sp {
        value: v.into_inner(),
        file: file.to_path_buf(),
        pos,
    }
}

fn parse_toml<T: for<'de> Deserialize<'de>>(
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<(T, String)> {
    let text = read_text(path, diags)?;
    match toml::from_str::<T>(&text) {
        Ok(v) => Some((v, text)),
        Err(e) => {
            let pos = e
                .span()
                .map_or(Pos::START, |s| source::pos_at(&text, s.start));
            // One line: the TOML reader may give two, which would break the report's layout.
            let mut message = e.message().trim().replace('\n', ": ");
            let mut hint = unknown_key_hint(&message).unwrap_or_else(|| {
                "see the catalogue format in the README: keys, quotes and [tables]".to_string()
            });
            // A bare TOML date reaches serde as a map: say what was written.
            let written = e.span().and_then(|s| text.get(s)).unwrap_or_default();
            if message.starts_with("invalid type: map, expected a string")
                && written.starts_with(|c: char| c.is_ascii_digit())
            {
                message = format!("`{written}` is a TOML date, not text");
                hint = format!("write the date in quotes: \"{written}\"");
            }
            diags.push(Diagnostic::error(Code::TomlSyntax, path, pos, message).hint(hint));
            None
        }
    }
}

/// "did you mean" for serde's `unknown field `x`, expected one of `a`, `b`` messages.
fn unknown_key_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, expected) = rest.split_once('`')?;
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let near = known
        .iter()
        .min_by_key(|k| edit_distance(k, key))
        .filter(|k| edit_distance(k, key) <= 2);
    Some(match near {
        Some(k) => format!("did you mean `{k}`?"),
        None => format!(
            "remove `{key}`; the keys allowed here are: {}",
            known.join(", ")
        ),
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
}

fn load_publisher(path: &Path, diags: &mut Vec<Diagnostic>) -> Publisher {
    let Some((toml, text)) = parse_toml::<PublisherToml>(path, diags) else {
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
    }
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
                format!(
                    "`{}` is already a standard column (`{}`)",
                    name.value, f.key
                )
            })
            .or_else(|| {
                kept.contains(&name.value)
                    .then(|| format!("`{}` is declared twice", name.value))
            });
        if let Some(message) = clash {
            diags.push(
                Diagnostic::error(Code::DuplicateColumn, file, name.pos, message)
                    .field(format!("columns.{table}"))
                    .hint("declare only columns the standard ones do not cover, each once; rename this one"),
            );
        }
        if !kept.contains(&name.value) {
            kept.push(name.value);
        }
    }
    kept
}

fn bad_date(file: &Path, pos: Pos, field: &str, value: &str) -> Diagnostic {
    Diagnostic::error(
        Code::BadDate,
        file,
        pos,
        format!("`{field}` {} is not a date", quote(value)),
    )
    .field(field)
    .hint("use YYYY-MM-DD, or YYYY-MM when only the month is known; leave empty when unknown")
}

fn load_plan(dir: &Path, diags: &mut Vec<Diagnostic>) -> Plan {
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
    let parsed = parse_toml::<PlanToml>(&file, diags);
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
        for (name, level) in toml.lints {
            let name = sp(name, &file, &text);
            let level = sp(level, &file, &text);
            let severity = match level.value.as_str() {
                "warn" => Some(Severity::Warning),
                "error" => Some(Severity::Error),
                _ => None,
            };
            let lints = "`completed-without-date` and `date-without-completion`";
            match (Code::from_lint_name(&name.value), severity) {
                (Some(code), Some(sev)) => {
                    plan.lints.insert(code, sev);
                }
                (None, _) => diags.push(
                    Diagnostic::error(
                        Code::BadLint,
                        &file,
                        name.pos,
                        format!("`{}` is not a lint a plan can set", name.value),
                    )
                    .field(format!("lints.{}", name.value))
                    .hint(format!(
                        "only {lints} can be lowered; structural rules always hold"
                    )),
                ),
                (Some(_), None) => diags.push(
                    Diagnostic::error(
                        Code::BadLint,
                        &file,
                        level.pos,
                        format!("`{}` is not a lint level", level.value),
                    )
                    .field(format!("lints.{}", name.value))
                    .hint("use \"warn\" or \"error\""),
                ),
            }
        }
    }
    let extras_c = plan.extra_commitment_columns.clone();
    let extras_m = plan.extra_milestone_columns.clone();
    let commitments = load_table(dir, "commitments", COMMITMENT_FIELDS, &extras_c, diags);
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
    let milestones = load_table(dir, "milestones", MILESTONE_FIELDS, &extras_m, diags);
    plan.unreadable.milestones = milestones.is_none();
    if let Some((table, mut rows)) = milestones {
        let cols = MilestoneCols::of(&table, &extras_m);
        plan.milestones = (0..rows.len())
            .map(|r| to_milestone(&mut Row::new(&table, &mut rows, r), &cols, diags))
            .collect();
        plan.milestones_table = table;
    }
    plan
}

/// One value as read, without drop glue: a byte range of the file's text as it is, or, when
/// `start` is [`Cell::OWN`], the index in [`Rows::own`] of the value unescaped or with its line
/// breaks normalised. An empty range is an empty value, or one already taken.
#[derive(Debug, Clone, Copy)]
struct Cell {
    start: usize,
    end: usize,
}

impl Cell {
    /// An empty value.
    const EMPTY: Cell = Cell { start: 0, end: 0 };
    /// The `start` of a value held in [`Rows::own`].
    const OWN: usize = usize::MAX;
}

/// The records of a table as read: a [`Cell`] per column of each record, row after row.
struct Rows {
    /// The file's text, which the cells are ranges of (empty for JSON).
    places: std::sync::Arc<CsvPlaces>,
    /// Values per record: the table's number of columns.
    width: usize,
    cells: Vec<Cell>,
    /// The values that are not ranges of the text, in the order read.
    own: Vec<String>,
    /// Where each record and its values start.
    srcs: Vec<RecordSrc>,
}

impl Rows {
    fn new(width: usize) -> Self {
        Rows {
            places: Default::default(),
            width,
            cells: Vec::new(),
            own: Vec::new(),
            srcs: Vec::new(),
        }
    }

    /// The cell for `value`, which is kept in [`Rows::own`] (`None`: an empty cell).
    fn own_cell(own: &mut Vec<String>, value: Option<String>) -> Cell {
        match value {
            None => Cell::EMPTY,
            Some(v) => {
                own.push(v);
                Cell {
                    start: Cell::OWN,
                    end: own.len() - 1,
                }
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
        let c = self.cells[r * self.width + i];
        match c.start {
            _ if c.start == c.end => None,
            Cell::OWN => Some(&self.own[c.end]),
            _ => Some(&self.places.text[c.start..c.end]),
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
        let v = match c.start {
            _ if c.start == c.end => return None,
            Cell::OWN => &self.own[c.end],
            _ => &self.places.text[c.start..c.end],
        };
        if is_blank(v) {
            return None;
        }
        let v = match c.start {
            Cell::OWN => std::mem::take(&mut self.own[c.end]),
            _ => v.to_owned(),
        };
        self.cells[at] = Cell::EMPTY;
        Some(v)
    }

    /// The value in column `i` of record `r`, taken out of it.
    #[inline]
    fn take(&mut self, r: usize, i: usize) -> Option<String> {
        if i >= self.width {
            return None;
        }
        let cell = &mut self.cells[r * self.width + i];
        let c = std::mem::replace(cell, Cell::EMPTY);
        match c.start {
            _ if c.start == c.end => None,
            Cell::OWN => Some(std::mem::take(&mut self.own[c.end])),
            _ => Some(self.places.text[c.start..c.end].to_owned()),
        }
    }
}

/// The input keys of a table: standard, non-derived columns.
fn input_keys(fields: &[Field]) -> impl Iterator<Item = &str> {
    fields.iter().filter(|f| !f.derived).map(|f| f.key.as_ref())
}

fn load_table(
    dir: &Path,
    stem: &str,
    fields: &[Field],
    extras: &[String],
    diags: &mut Vec<Diagnostic>,
) -> Option<(Table, Rows)> {
    let csv = dir.join(format!("{stem}.csv"));
    let json = dir.join(format!("{stem}.json"));
    let known: Vec<&str> = input_keys(fields)
        .chain(extras.iter().map(String::as_str))
        .collect();
    let (table, rows) = match (csv.exists(), json.exists()) {
        (true, true) => {
            diags.push(
                Diagnostic::error(
                    Code::AmbiguousSource,
                    &json,
                    Pos::START,
                    format!(
                        "both `{stem}.csv` and `{stem}.json` exist; only one can be the source"
                    ),
                )
                .hint("delete or rename the one that is not maintained"),
            );
            return None;
        }
        (false, true) => load_json(&json, &known, diags)?,
        _ => load_csv(&csv, &known, diags)?,
    };
    warn_formula_cells(&table, &rows, fields, diags);
    for key in fields.iter().filter(|f| f.required).map(|f| f.key.as_ref()) {
        if !table.columns.iter().any(|c| c == key) {
            diags.push(
                Diagnostic::error(
                    Code::MissingColumn,
                    &table.file,
                    Pos::START,
                    format!("required column `{key}` is missing"),
                )
                .field(key)
                .hint(format!("add a `{key}` column to the header")),
            );
        }
    }
    Some((table, rows))
}

fn unknown_column(file: &Path, pos: Pos, name: &str, known: &[&str]) -> Diagnostic {
    if name.trim().is_empty() {
        return Diagnostic::error(
            Code::UnknownColumn,
            file,
            pos,
            "a column has no name: its values would be lost",
        )
        .hint("name the column, or delete it (a comma at the end of the header row makes an empty column)");
    }
    let near = known
        .iter()
        .min_by_key(|k| edit_distance(k, name))
        .filter(|k| edit_distance(k, name) <= 2);
    let hint = match near {
        Some(k) => format!("did you mean `{k}`? Otherwise declare it under `[columns]` in plan.toml so it is published"),
        // A spreadsheet of a French locale separates values with `;`: the header is one name.
        None if name.contains(';') => "the values are separated by `;`: save the file again as « CSV UTF-8 (comma delimited) »".to_string(),
        None => "declare it under `[columns]` in plan.toml so it is published, or remove it".to_string(),
    };
    Diagnostic::error(
        Code::UnknownColumn,
        file,
        pos,
        // A byte-order mark glued to the name is invisible: show it.
        format!(
            "unknown column `{}`: its values would be lost",
            name.replace('\u{feff}', "\\u{feff}")
        ),
    )
    .field(name)
    .hint(hint)
}

fn load_csv(path: &Path, known: &[&str], diags: &mut Vec<Diagnostic>) -> Option<(Table, Rows)> {
    let text = read_text(path, diags)?;
    let mut reader = source::CsvReader::new(&text);
    let mut spans = Vec::new();
    let header_pos = match reader.read_into(&mut spans) {
        None => {
            diags.push(
                Diagnostic::error(Code::EmptyFile, path, Pos::START, "the file is empty")
                    .hint("the first row must name the columns, e.g. `id,title,...`"),
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
    };
    let mut ok = true;
    for f in &spans {
        let value = f.value(&text).into_owned();
        let pos = source::field_pos(&text, header_pos, header_start, f.at);
        if table.columns.contains(&value) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateColumn,
                    path,
                    pos,
                    format!("column `{value}` appears twice in the header"),
                )
                .field(value.as_str())
                .hint("keep one column of each name"),
            );
            ok = false;
        } else if !known.contains(&value.as_str()) {
            diags.push(unknown_column(path, pos, &value, known));
            ok = false;
        }
        table.columns.push(value);
        table.header.push(pos);
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
                    format!(
                        "this row has {} fields but the header has {width}",
                        spans.len()
                    ),
                )
                .hint("a comma inside a value needs the value in double quotes: \"a, b\""),
            );
            ok = false;
            continue;
        }
        starts.extend(spans.iter().map(|f| f.at));
        rec_pos.push(pos);
        cells.extend(spans.iter().map(|f| match f {
            _ if f.start == f.end => Cell::EMPTY,
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
            _ => Cell {
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
            "this quoted value is never closed",
        )
        .hint("close the value with a double quote; a quote inside a value is written twice: \"\""),
        CsvError::TextAfterQuote(pos) => Diagnostic::error(
            Code::CsvTextAfterQuote,
            path,
            pos,
            "text after the closing quote of a value",
        )
        .hint("put the whole value in quotes and double the inner quotes: \"a \"\"b\"\" c\""),
    }
}

fn load_json(path: &Path, known: &[&str], diags: &mut Vec<Diagnostic>) -> Option<(Table, Rows)> {
    let text = read_text(path, diags)?;
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::error(Code::EmptyFile, path, Pos::START, "the file is empty")
                .hint("write an array of records: `[ {\"id\": \"…\", …} ]`"),
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
                    "expected an array of objects",
                )
                .hint("write `[ {\"id\": \"…\", …}, … ]`"),
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
                    format!("invalid JSON: {message}"),
                )
                .hint("check commas, quotes and brackets near this place"),
            );
            return None;
        }
    };
    let offsets = source::json_array_positions(&text);
    let table = Table {
        file: path.to_path_buf(),
        columns: known.iter().map(|s| s.to_string()).collect(),
        header: Vec::new(),
    };
    let mut rows = Rows::new(known.len());
    let mut ok = true;
    for (i, item) in items.into_iter().enumerate() {
        let (start, keys) = offsets.get(i).cloned().unwrap_or_default();
        let pos = source::pos_at(&text, start);
        let key_pos = |k: &str| {
            keys.iter()
                .find(|(name, _)| name == k)
                .map_or(pos, |(_, off)| source::pos_at(&text, *off))
        };
        let serde_json::Value::Object(obj) = item else {
            diags.push(
                Diagnostic::error(Code::JsonSyntax, path, pos, "expected an object")
                    .hint("each element is one record: {\"id\": \"…\", …}"),
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
                        source::pos_at(&text, *off),
                        format!("key `{name}` appears twice in this record"),
                    )
                    .field(name.as_str())
                    .hint("keep one key of each name: JSON keeps only the last one"),
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
                            format!("`{k}` must be a string, a number, null or a list of strings"),
                        )
                        .field(k.as_str())
                        .hint(format!("write `\"{k}\": \"…\"`, or `null` when unknown")),
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
fn normalize_newlines(s: String) -> String {
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
                format!("`{key}` is required"),
            )
            .field(key)
            .hint(format!("fill in `{key}` for this row")),
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
                    format!("`{key}` {} is not a known value", quote(v)),
                )
                .field(key)
                .hint(format!("use one of: {}", choices())),
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
                    format!(
                        "`{}` starts with `{first}`: spreadsheet programs may run it as a formula when reusers open the CSV",
                        table.columns[i]
                    ),
                )
                .field(table.columns[i].as_str())
                .hint("if a formula is not meant, reword the start (e.g. « Moins de … » instead of « - … »); the text is published as written")
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
fn check_url(v: &str, file: &Path, pos: impl FnOnce() -> Pos, field: &str) -> Option<Diagnostic> {
    (!parser_accepts(v)).then(|| {
        Diagnostic::error(
            Code::BadUrl,
            file,
            pos(),
            format!("`{field}` {} is not an http(s) address", quote(v)),
        )
        .field(field)
        .hint("write the full address, starting with https://")
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
                        format!("`number` {} is not a whole number", quote(v)),
                    )
                    .field("number")
                    .hint("write the commitment's number in the plan, e.g. 3"),
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
                    format!("{} is not an OGP value", quote(&v)),
                )
                .field("ogp_values")
                .hint(format!(
                    "use one or more of, separated by `;`: {}",
                    OgpValue::codes()
                )),
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
fn edit_distance(a: &str, b: &str) -> usize {
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
    use crate::resources::{csv_cell, write_csv_record};
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
        load_csv(&path, &["a", "b"], diags)
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

    /// Entries of a folder known to be inside are judged as the full resolution judges them:
    /// plain files, missing ones, links inside, outside, dangling or looping.
    #[cfg(unix)]
    #[test]
    fn entries_of_a_folder_inside_are_judged_as_resolved() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path();
        let (root, out) = (base.join("catalog"), base.join("elsewhere"));
        let plan = root.join("plans/p1");
        std::fs::create_dir_all(&plan).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(plan.join("plan.toml"), "").unwrap();
        std::fs::write(root.join("publisher.toml"), "").unwrap();
        std::fs::write(out.join("x.csv"), "").unwrap();
        symlink(root.join("publisher.toml"), plan.join("inside.csv")).unwrap();
        symlink(out.join("x.csv"), plan.join("outside.csv")).unwrap();
        symlink("../../../elsewhere/none.csv", plan.join("dangling.csv")).unwrap();
        symlink("loop.csv", plan.join("loop.csv")).unwrap();
        symlink(&out, plan.join("sub")).unwrap();
        let resolved = std::fs::canonicalize(&root).ok();
        for name in [
            "plan.toml",
            "missing.csv",
            "inside.csv",
            "outside.csv",
            "dangling.csv",
            "loop.csv",
            "sub",
        ] {
            let path = plan.join(name);
            let message = |d: Option<Diagnostic>| d.map(|d| d.message);
            let full = within(resolved.as_ref(), || message(outside_catalog(&path)));
            let fast = within(resolved.as_ref(), || {
                inside(Some(&plan), || message(outside_catalog(&path)))
            });
            assert_eq!(fast, full, "{name}");
            assert_eq!(
                full.is_some(),
                ["outside.csv", "dangling.csv", "sub"].contains(&name),
                "{name}"
            );
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
}
