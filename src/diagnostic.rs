//! Diagnostics: one problem found in a catalogue, with where it is (file, line, column, field),
//! a stable code, a message and a hint that says how to fix it.

use crate::i18n::{Lang, Text};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A position in a source file: 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
}

impl Pos {
    /// A position; `Pos::new(1, 1)` is the start of a file.
    pub const fn new(line: u32, col: u32) -> Self {
        Pos { line, col }
    }

    /// The start of a file, for problems that concern a whole file.
    pub const START: Pos = Pos::new(1, 1);
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks `build` and `push`; `check` exits 1.
    Error,
    /// Printed, but does not block.
    Warning,
}

/// What a `[lints]` table makes of a lint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LintLevel {
    /// Not reported at all, not even counted.
    Allow,
    /// Reported as a warning: printed, does not block.
    Warn,
    /// Reported as an error: blocks `build` and `push`.
    Deny,
}

impl LintLevel {
    /// The level a `[lints]` value names (`error` is read as `deny`).
    pub fn parse(s: &str) -> Option<LintLevel> {
        match s {
            "allow" => Some(LintLevel::Allow),
            "warn" => Some(LintLevel::Warn),
            "deny" | "error" => Some(LintLevel::Deny),
            _ => None,
        }
    }

    /// Its name in a `[lints]` table.
    pub fn as_str(self) -> &'static str {
        match self {
            LintLevel::Allow => "allow",
            LintLevel::Warn => "warn",
            LintLevel::Deny => "deny",
        }
    }
}

/// Every kind of problem `check` can report. The kebab-case names are stable: scripts and
/// `plan.toml` `[lints]` tables refer to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// A file the catalogue needs is absent.
    MissingFile,
    /// A file is not UTF-8 (or is UTF-16).
    InvalidUtf8,
    /// A file has no header row or no content.
    EmptyFile,
    /// TOML that does not parse or does not fit the expected shape.
    TomlSyntax,
    /// JSON that does not parse or is not an array of objects.
    JsonSyntax,
    /// A quoted CSV field that is never closed.
    CsvUnbalancedQuote,
    /// Text after a closing quote in a CSV field.
    CsvTextAfterQuote,
    /// A CSV record with more or fewer fields than the header.
    CsvFieldCount,
    /// A workbook that cannot be opened: encrypted with a password, damaged, or not a workbook.
    UnreadableWorkbook,
    /// A workbook cell holding an error value (`#REF!`, `#DIV/0!`).
    CellError,
    /// A workbook cell holding a formula: its last computed value is read.
    FormulaCell,
    /// A CSV header separated by both `,` and `;`: which one the file uses cannot be told.
    CsvSeparator,
    /// A CSV file separated by `;`, as a French-locale spreadsheet saves « CSV »: read with
    /// `;`, and noted once.
    SemicolonSeparator,
    /// A column that is neither known nor declared as extra.
    UnknownColumn,
    /// The same records given both as CSV and as JSON.
    AmbiguousSource,
    /// The same column twice in a header.
    DuplicateColumn,
    /// A required column is absent from the header.
    MissingColumn,
    /// A required value is empty.
    MissingField,
    /// A value that is not an ISO date (YYYY-MM-DD) or year-month (YYYY-MM).
    BadDate,
    /// A value that is not a whole number.
    BadNumber,
    /// A value that is not an absolute http(s) URL.
    BadUrl,
    /// `end` earlier than `start`.
    EndBeforeStart,
    /// A milestone status outside the vocabulary.
    UnknownStatus,
    /// A commitment completion outside the IRM scale.
    UnknownCompletion,
    /// An OGP value outside OGP's vocabulary.
    UnknownOgpValue,
    /// A commitment's challenge that the plan does not declare.
    UnknownChallenge,
    /// Two records with the same id.
    DuplicateId,
    /// A milestone whose `commitment_id` names no commitment of the plan.
    UnknownCommitment,
    /// A completed milestone without `completed_on`.
    CompletedWithoutDate,
    /// `completed_on` set on a milestone that is not completed.
    DateWithoutCompletion,
    /// A dataset name that CKAN would reject.
    BadDatasetName,
    /// Two plans that would publish the same dataset.
    DuplicateDatasetName,
    /// A tag CKAN would reject (length or characters).
    BadTag,
    /// An unknown portal profile.
    UnknownProfile,
    /// A field the portal profile requires is missing.
    ProfileRequiredField,
    /// A value outside the portal profile's choice list.
    ProfileBadValue,
    /// A `[lints]` entry that names no known code or level.
    BadLint,
    /// A setting of `publisher.toml` or `plan.toml` whose value is none of those it takes
    /// (`datastore`).
    BadSetting,
    /// A catalogue with no plans.
    NoPlans,
    /// Text that a spreadsheet would run as a formula (starts with `=`, `+`, `-` or `@`).
    FormulaLikeCell,
    /// A file or folder that resolves outside the catalogue (a symbolic link, `..`).
    PathOutsideCatalog,
    /// A plan whose commitments file holds no record: its dataset would publish empty tables.
    EmptyPlan,
}

impl Code {
    /// The stable kebab-case name, e.g. `bad-date`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::MissingFile => "missing-file",
            Code::InvalidUtf8 => "invalid-utf8",
            Code::EmptyFile => "empty-file",
            Code::TomlSyntax => "toml-syntax",
            Code::JsonSyntax => "json-syntax",
            Code::CsvUnbalancedQuote => "csv-unbalanced-quote",
            Code::CsvTextAfterQuote => "csv-text-after-quote",
            Code::CsvFieldCount => "csv-field-count",
            Code::CsvSeparator => "csv-separator",
            Code::UnreadableWorkbook => "unreadable-workbook",
            Code::CellError => "cell-error",
            Code::FormulaCell => "formula-cell",
            Code::SemicolonSeparator => "semicolon-separator",
            Code::UnknownColumn => "unknown-column",
            Code::AmbiguousSource => "ambiguous-source",
            Code::DuplicateColumn => "duplicate-column",
            Code::MissingColumn => "missing-column",
            Code::MissingField => "missing-field",
            Code::BadDate => "bad-date",
            Code::BadNumber => "bad-number",
            Code::BadUrl => "bad-url",
            Code::EndBeforeStart => "end-before-start",
            Code::UnknownStatus => "unknown-status",
            Code::UnknownCompletion => "unknown-completion",
            Code::UnknownOgpValue => "unknown-ogp-value",
            Code::UnknownChallenge => "unknown-challenge",
            Code::DuplicateId => "duplicate-id",
            Code::UnknownCommitment => "unknown-commitment",
            Code::CompletedWithoutDate => "completed-without-date",
            Code::DateWithoutCompletion => "date-without-completion",
            Code::BadDatasetName => "bad-dataset-name",
            Code::DuplicateDatasetName => "duplicate-dataset-name",
            Code::BadTag => "bad-tag",
            Code::UnknownProfile => "unknown-profile",
            Code::ProfileRequiredField => "profile-required-field",
            Code::ProfileBadValue => "profile-bad-value",
            Code::BadLint => "bad-lint",
            Code::BadSetting => "bad-setting",
            Code::NoPlans => "no-plans",
            Code::FormulaLikeCell => "formula-like-cell",
            Code::PathOutsideCatalog => "path-outside-catalog",
            Code::EmptyPlan => "empty-plan",
        }
    }

    /// The lints: rules about the completeness of the record or its reuse, never about its
    /// structure, whose level a `[lints]` table sets (`allow`, `warn`, `deny`). A plan whose
    /// sources give no completion dates, for example, says so there instead of inventing dates.
    pub const LINTS: [Code; 6] = [
        Code::CompletedWithoutDate,
        Code::DateWithoutCompletion,
        Code::FormulaLikeCell,
        Code::EmptyPlan,
        Code::SemicolonSeparator,
        Code::FormulaCell,
    ];

    /// The lint of this name.
    pub fn from_lint_name(name: &str) -> Option<Code> {
        Code::LINTS.into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code.
    pub code: Code,
    /// The file, as given (relative to the working directory when the catalogue path was).
    pub file: PathBuf,
    /// Where in the file.
    pub pos: Pos,
    /// The field or column concerned, when there is one.
    pub field: Option<String>,
    /// What is wrong, in one sentence (written in the reader's language when shown).
    pub message: Text,
    /// How to fix it.
    pub hint: Option<Text>,
    /// The sheet, when the file is a workbook: `pos` is then a cell (line = row, column =
    /// column), shown as `B12`.
    pub sheet: Option<String>,
}

impl Diagnostic {
    /// An error at `file:pos`.
    pub fn error(code: Code, file: &Path, pos: Pos, message: impl Into<Text>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.to_path_buf(),
            pos,
            field: None,
            message: message.into(),
            hint: None,
            sheet: None,
        }
    }

    /// Names the field or column concerned.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Adds how to fix it.
    pub fn hint(mut self, hint: impl Into<Text>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Lowers it to a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostic for people, in `lang`: `path:line:col: error[code]: message`, then the
    /// field and the hint on their own lines.
    pub fn render(&self, lang: Lang) -> String {
        let level = match self.severity {
            Severity::Error => crate::t!("level-error"),
            Severity::Warning => crate::t!("level-warning"),
        };
        let mut out = match &self.sheet {
            Some(sheet) => crate::t!(
                "diagnostic-line-cell",
                file = self.file.display(),
                sheet = sheet.as_str(),
                cell = cell_name(self.pos),
                level = level,
                code = self.code.as_str(),
                message = self.message.clone()
            ),
            None => crate::t!(
                "diagnostic-line",
                file = self.file.display(),
                line = self.pos.line.to_string(),
                col = self.pos.col.to_string(),
                level = level,
                code = self.code.as_str(),
                message = self.message.clone()
            ),
        }
        .render(lang);
        if let Some(field) = &self.field {
            out.push_str("\n  = ");
            out.push_str(&crate::t!("diagnostic-field", field = field).render(lang));
        }
        if let Some(hint) = &self.hint {
            out.push_str("\n  = ");
            out.push_str(&crate::t!("diagnostic-hint", hint = hint.clone()).render(lang));
        }
        out
    }

    /// The diagnostic for programs, with its message and hint in `lang`; the keys and the
    /// code do not change with the language.
    pub fn json(&self, lang: Lang) -> impl Serialize + '_ {
        Json {
            severity: self.severity,
            code: self.code,
            file: &self.file,
            line: self.pos.line,
            col: self.pos.col,
            field: self.field.as_deref(),
            message: self.message.render(lang),
            hint: self.hint.as_ref().map(|h| h.render(lang)),
            sheet: self.sheet.as_deref(),
            cell: self.sheet.as_ref().map(|_| cell_name(self.pos)),
        }
    }

    /// Where it is, in a few words: `path:line:col`, or `path, Feuil1!B12` in a workbook.
    pub fn place(&self, file: &Path) -> String {
        match &self.sheet {
            Some(sheet) => format!("{}, {sheet}!{}", file.display(), cell_name(self.pos)),
            None => format!("{}:{}:{}", file.display(), self.pos.line, self.pos.col),
        }
    }
}

/// The spreadsheet name of a cell: column letters and row number (`B12`, `AA3`).
pub fn cell_name(pos: Pos) -> String {
    let mut col = pos.col;
    let mut letters = Vec::new();
    while col > 0 {
        let rem = (col - 1) % 26;
        letters.push(b'A' + rem as u8);
        col = (col - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), pos.line)
}

/// A diagnostic as JSON shows it.
#[derive(Serialize)]
struct Json<'a> {
    severity: Severity,
    code: Code,
    file: &'a Path,
    line: u32,
    col: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sheet: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<String>,
}

impl fmt::Display for Diagnostic {
    /// [`Diagnostic::render`] in English.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// Sorts diagnostics by file, position, code and message (then severity and hint, so the
/// order never depends on the input's), and drops exact repeats.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        (
            &a.file, a.pos, a.code, &a.field, &a.message, a.severity, &a.hint,
        )
            .cmp(&(
                &b.file, b.pos, b.code, &b.field, &b.message, b.severity, &b.hint,
            ))
    });
    diags.dedup();
}

/// The line and column (1-based, columns counted in characters) of a byte offset in `text`.
pub fn pos_at(text: &str, offset: usize) -> Pos {
    // An offset inside a character counts as that character's start (found by fuzzing).
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    Pos::new(line as u32, col as u32)
}

/// The position of the field starting at byte `at` of a record that starts at byte `rec_start`
/// and position `rec` (a record starts a line): lines are counted by the line breaks of its
/// quoted values before `at`, as the CSV reader counts them.
pub fn field_pos(text: &str, rec: Pos, rec_start: usize, at: usize) -> Pos {
    let before = &text.as_bytes()[rec_start..at];
    match memchr::memrchr(b'\n', before) {
        None => Pos::new(
            rec.line,
            rec.col + text[rec_start..at].chars().count() as u32,
        ),
        Some(nl) => {
            let lines = memchr::memchr_iter(b'\n', before).count() as u32;
            let line_start = rec_start + nl + 1;
            Pos::new(
                rec.line + lines,
                1 + text[line_start..at].chars().count() as u32,
            )
        }
    }
}

/// The diagnostics of a catalogue as the commands keep them: the first [`Diagnostics::KEEP`]
/// of each code and severity, in sorted order, and a count of every one per code and file.
/// Memory does not grow with the number of diagnostics past the cap (the counts grow with the
/// number of files that have some), so a catalogue where every row draws a warning stays as
/// cheap to check as a clean one. Each plan's diagnostics are added once it is checked;
/// [`Diagnostics::add`] keeps exactly what sorting them all and keeping the first of each
/// code would keep.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    /// At most `KEEP` of each (severity, code), sorted as [`sort`] sorts.
    kept: Vec<Diagnostic>,
    /// Every diagnostic added, per (severity, code) and file.
    counts: BTreeMap<(Severity, Code), BTreeMap<PathBuf, u64>>,
}

/// Diagnostics of one code and severity beyond those kept: "… and 139,980 more".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Omitted {
    /// Their code.
    pub code: Code,
    /// Their severity.
    pub severity: Severity,
    /// How many were not kept.
    pub count: u64,
    /// In how many files.
    pub files: u64,
}

impl Omitted {
    /// « … et 139 980 autres completed-without-date dans 40 fichiers ».
    pub fn text(&self) -> Text {
        crate::t!(
            "more-diagnostics",
            count = self.count,
            code = self.code.as_str(),
            files = self.files
        )
    }
}

impl Diagnostics {
    /// Diagnostics kept of each code and severity: enough to see the pattern and fix the
    /// first ones, few enough to read on a terminal.
    pub const KEEP: usize = 20;

    /// No diagnostic.
    pub fn new() -> Self {
        Diagnostics::default()
    }

    /// Counts `diags` and keeps the first of each code among them and those kept so far.
    pub fn add(&mut self, mut diags: Vec<Diagnostic>) {
        sort(&mut diags);
        self.add_sorted(&diags);
    }

    /// [`Diagnostics::add`] for diagnostics already sorted as [`sort`] sorts them: only the
    /// first of each code are copied.
    pub fn add_sorted<'a>(&mut self, diags: impl IntoIterator<Item = &'a Diagnostic>) {
        let mut seen: BTreeMap<(Severity, Code), usize> = BTreeMap::new();
        for d in diags {
            let files = self.counts.entry((d.severity, d.code)).or_default();
            match files.get_mut(&d.file) {
                Some(n) => *n += 1,
                None => {
                    files.insert(d.file.clone(), 1);
                }
            }
            if keep_one(&mut seen, d) {
                self.kept.push(d.clone());
            }
        }
        self.recap();
    }

    /// Adds every diagnostic `other` counted and keeps the first of each code of both.
    pub fn merge(&mut self, other: Diagnostics) {
        for (key, files) in other.counts {
            let mine = self.counts.entry(key).or_default();
            for (file, n) in files {
                *mine.entry(file).or_default() += n;
            }
        }
        let mut kept = other.kept;
        self.kept.append(&mut kept);
        self.recap();
    }

    /// Sorts what is kept and drops all but the first of each code.
    fn recap(&mut self) {
        sort(&mut self.kept);
        let mut seen = BTreeMap::new();
        self.kept.retain(|d| keep_one(&mut seen, d));
    }

    /// The diagnostics kept, sorted by file and position.
    pub fn shown(&self) -> &[Diagnostic] {
        &self.kept
    }

    /// Errors counted.
    pub fn errors(&self) -> u64 {
        self.total_of(Severity::Error)
    }

    /// Warnings counted.
    pub fn warnings(&self) -> u64 {
        self.total_of(Severity::Warning)
    }

    /// True when at least one error was counted.
    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    /// True when nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Every code counted with its number of diagnostics, of either severity.
    pub fn by_code(&self) -> BTreeMap<Code, u64> {
        let mut out = BTreeMap::new();
        for ((_, code), files) in &self.counts {
            *out.entry(*code).or_default() += files.values().sum::<u64>();
        }
        out
    }

    /// For each code and severity with more diagnostics than were kept: how many more, and
    /// in how many files (the files holding some that were not kept).
    pub fn omitted(&self) -> Vec<Omitted> {
        let mut kept: BTreeMap<(Severity, Code, &Path), u64> = BTreeMap::new();
        for d in &self.kept {
            *kept.entry((d.severity, d.code, &d.file)).or_default() += 1;
        }
        let mut out = Vec::new();
        for (&(severity, code), files) in &self.counts {
            let (mut count, mut in_files) = (0, 0);
            for (file, n) in files {
                let shown = kept.get(&(severity, code, file.as_path())).copied();
                let more = n.saturating_sub(shown.unwrap_or(0));
                if more > 0 {
                    count += more;
                    in_files += 1;
                }
            }
            if count > 0 {
                out.push(Omitted {
                    code,
                    severity,
                    count,
                    files: in_files,
                });
            }
        }
        out
    }

    fn total_of(&self, severity: Severity) -> u64 {
        self.counts
            .iter()
            .filter(|((s, _), _)| *s == severity)
            .flat_map(|(_, files)| files.values())
            .sum()
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(diags: Vec<Diagnostic>) -> Self {
        let mut all = Diagnostics::new();
        all.add(diags);
        all
    }
}

/// True while fewer than [`Diagnostics::KEEP`] of `d`'s code and severity were seen.
fn keep_one(seen: &mut BTreeMap<(Severity, Code), usize>, d: &Diagnostic) -> bool {
    let n = seen.entry((d.severity, d.code)).or_default();
    *n += 1;
    *n <= Diagnostics::KEEP
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A diagnostic of one of three codes, in one of three files, at a small position.
    fn diag(code: u8, file: u8, line: u32, warning: bool) -> Diagnostic {
        let code = [Code::BadDate, Code::CompletedWithoutDate, Code::BadUrl][code as usize % 3];
        let d = Diagnostic::error(
            code,
            Path::new(&format!("plans/p{}/milestones.csv", file % 3)),
            Pos::new(line, 1),
            Text::new("rule-title-required"),
        );
        if warning {
            d.warning()
        } else {
            d
        }
    }

    #[test]
    fn cells_are_named_as_spreadsheets_name_them() {
        let name = |line, col| cell_name(Pos::new(line, col));
        assert_eq!(name(12, 2), "B12");
        assert_eq!(name(1, 26), "Z1");
        assert_eq!(name(3, 27), "AA3");
        assert_eq!(name(7, 702), "ZZ7");
        assert_eq!(name(7, 703), "AAA7");
    }

    proptest! {
        /// Adding diagnostics in parts, as the plans come, keeps exactly what sorting them all
        /// and keeping the first `KEEP` of each code and severity keeps, and counts every one.
        #[test]
        fn parts_keep_what_the_whole_keeps(
            all in proptest::collection::vec((0u8..3, 0u8..3, 1u32..60, any::<bool>()), 0..200),
            cuts in proptest::collection::vec(0usize..200, 0..6),
        ) {
            // Distinct diagnostics in random order (`sort` drops exact repeats).
            let mut seen = std::collections::HashSet::new();
            let diags: Vec<Diagnostic> = all
                .into_iter()
                .filter(|t| seen.insert(*t))
                .map(|(c, f, l, w)| diag(c, f, l, w))
                .collect();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(diags.len())).collect();
            cuts.sort();
            let mut parts = Diagnostics::new();
            let mut start = 0;
            for end in cuts.into_iter().chain([diags.len()]) {
                let mut part = Diagnostics::new();
                part.add(diags[start..end].to_vec());
                parts.merge(part);
                start = end;
            }

            let mut whole = diags.clone();
            sort(&mut whole);
            let mut per_key: BTreeMap<(Severity, Code), Vec<Diagnostic>> = BTreeMap::new();
            for d in &whole {
                per_key.entry((d.severity, d.code)).or_default().push(d.clone());
            }
            let mut expected: Vec<Diagnostic> = per_key
                .values()
                .flat_map(|v| v.iter().take(Diagnostics::KEEP).cloned())
                .collect();
            sort(&mut expected);
            prop_assert_eq!(parts.shown(), &expected[..]);
            let errors = diags.iter().filter(|d| d.is_error()).count() as u64;
            prop_assert_eq!(parts.errors() + parts.warnings(), diags.len() as u64);
            prop_assert_eq!(parts.errors(), errors);
            let omitted: u64 = parts.omitted().iter().map(|o| o.count).sum();
            prop_assert_eq!(omitted, (diags.len() - expected.len()) as u64);
        }
    }
}
