//! The typed catalogue: publisher, plans, commitments and milestones, each value with the place
//! in the source it came from so that validation can point at it.

use crate::diagnostic::{Code, LintLevel, Pos};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

pub use crate::i18n::Lang;

/// A value with the file and position it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// The file it came from (empty for values built in code).
    pub file: PathBuf,
    /// Where in that file.
    pub pos: Pos,
}

impl<T> Sp<T> {
    /// A value built in code, with no source position.
    pub fn new(value: T) -> Self {
        Sp {
            value,
            file: PathBuf::new(),
            pos: Pos::START,
        }
    }
}

/// A date as plans give them: a full ISO date or a year-month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    /// Year, four digits.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of month, when known.
    pub day: Option<u32>,
}

impl PartialDate {
    /// Parses `YYYY-MM-DD` or `YYYY-MM`; `None` for anything else, including impossible dates.
    pub fn parse(s: &str) -> Option<PartialDate> {
        let b = s.as_bytes();
        let long = match b.len() {
            7 => false,
            10 => true,
            _ => return None,
        };
        if b[4] != b'-' || (long && b[7] != b'-') {
            return None;
        }
        let year = digits(s.get(..4)?)?;
        let month = digits(s.get(5..7)?)?;
        let day = if long {
            Some(digits(s.get(8..10)?)?)
        } else {
            None
        };
        let date = PartialDate {
            year: year as i32,
            month,
            day,
        };
        date.is_iso().then_some(date)
    }

    /// True when the date's text ([`Display`](fmt::Display)) parses back, so the cell counts as
    /// an ISO 8601 date: a year from 0 to 9999 (four digits), and a month, and a day when there
    /// is one, that exist in the proleptic Gregorian calendar. The same answer as
    /// `PartialDate::parse(&d.to_string()).is_some()`, without the text.
    pub fn is_iso(self) -> bool {
        if !(0..=9999).contains(&self.year) || !(1..=12).contains(&self.month) {
            return false;
        }
        let days = days_in_month(self.year, self.month);
        self.day.is_none_or(|d| (1..=days).contains(&d))
    }

    /// True when `self` is a valid calendar day written in full (`YYYY-MM-DD`), the one date form
    /// of Données Québec's rule « AAAA-MM-JJ » that our data holds.
    pub fn is_day(self) -> bool {
        self.day.is_some() && self.is_iso()
    }

    /// True when the last day `self` can mean comes before the first day `start` can mean:
    /// `self.last_day() < start.first_day()`, compared as year, month and day without building
    /// the calendar dates when both are ISO dates ([`is_iso`](Self::is_iso)).
    pub fn ends_before(self, start: PartialDate) -> bool {
        if !(self.is_iso() && start.is_iso()) {
            return self.last_day() < start.first_day();
        }
        let last = self
            .day
            .unwrap_or_else(|| days_in_month(self.year, self.month));
        (self.year, self.month, last) < (start.year, start.month, start.day.unwrap_or(1))
    }

    /// The first day the value can mean.
    pub fn first_day(self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(self.year, self.month, self.day.unwrap_or(1))
            .unwrap_or_default()
    }

    /// The last day the value can mean (the month's last day for a year-month).
    pub fn last_day(self) -> chrono::NaiveDate {
        match self.day {
            Some(_) => self.first_day(),
            None => {
                let (y, m) = if self.month == 12 {
                    (self.year + 1, 1)
                } else {
                    (self.year, self.month + 1)
                };
                chrono::NaiveDate::from_ymd_opt(y, m, 1)
                    .and_then(|d| d.pred_opt())
                    .unwrap_or_default()
            }
        }
    }
}

/// The number written by `t`, which must be ASCII digits only (no sign, no space).
fn digits(t: &str) -> Option<u32> {
    if t.bytes().all(|c| c.is_ascii_digit()) {
        t.parse().ok()
    } else {
        None
    }
}

/// The number of days of `month` (1–12) in `year` of the proleptic Gregorian calendar.
fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl PartialDate {
    /// The date as `YYYY-MM-DD` or `YYYY-MM`: the bytes, of which the first 10 or 7 are the
    /// text, and that length; `None` when a part does not fit those widths (a year outside
    /// 0–9999, a month or day above 99), which [`Display`](fmt::Display) then writes the long
    /// way. Digits come from a table of pairs, without dividing each digit out.
    ///
    /// Hand-written for a measured reason: every published date (three per milestone, written
    /// to the CSV, the JSON table and `plan.json`) goes through it. Writing them with
    /// `write!("{:04}-{:02}-{:02}")` alone took 0.28 s more CPU (+9 %, 3.19–3.24 s against
    /// 2.85–2.99 s, three runs each) on the 1,000-plan catalogue of `bench/run.sh`
    /// (`build --jobs 1`, a fresh file system per run). `dates_format_as_display_always_did`
    /// holds it to that plain form.
    #[inline]
    pub fn short_form(self) -> Option<([u8; 10], usize)> {
        let year = usize::try_from(self.year).ok().filter(|&y| y <= 9999)?;
        let month = self.month as usize;
        let day = self.day.map(|n| n as usize);
        if month > 99 || day.is_some_and(|n| n > 99) {
            return None;
        }
        let (hi, lo) = (year / 100, year % 100);
        let mut buf = [
            PAIRS[2 * hi],
            PAIRS[2 * hi + 1],
            PAIRS[2 * lo],
            PAIRS[2 * lo + 1],
            b'-',
            PAIRS[2 * month],
            PAIRS[2 * month + 1],
            b'-',
            b'0',
            b'0',
        ];
        let len = match day {
            Some(n) => {
                buf[8] = PAIRS[2 * n];
                buf[9] = PAIRS[2 * n + 1];
                10
            }
            None => 7,
        };
        Some((buf, len))
    }

    /// [`PartialDate::short_form`] written into `buf`, as text.
    pub fn format_into(self, buf: &mut [u8; 10]) -> Option<&str> {
        let (bytes, len) = self.short_form()?;
        *buf = bytes;
        std::str::from_utf8(&buf[..len]).ok()
    }
}

/// The two-digit texts `00` to `99`, one after the other.
const PAIRS: [u8; 200] = {
    let mut table = [0u8; 200];
    let mut n = 0;
    while n < 100 {
        table[2 * n] = b'0' + (n / 10) as u8;
        table[2 * n + 1] = b'0' + (n % 10) as u8;
        n += 1;
    }
    table
};

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = self.format_into(&mut [0; 10]) {
            return f.write_str(s);
        }
        write!(f, "{:04}-{:02}", self.year, self.month)?;
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $code:literal, $fr:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$vm])* $variant,)+ }

        impl $name {
            /// Every value, in the vocabulary's order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// Every code, in the vocabulary's order.
            pub const CODES: &'static [&'static str] = &[$($code,)+];

            /// The stable code written in catalogues and outputs.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// A label for people, in French or English.
            pub fn label(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(($name::$variant, Lang::Fr) => $fr,
                      ($name::$variant, Lang::En) => $en,)+
                }
            }

            /// Parses a code; `None` when it is not in the vocabulary.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == s)
            }

            /// The codes joined for a hint: `a, b, c`.
            pub fn codes() -> String {
                Self::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}

vocabulary! {
    /// The state of a milestone.
    Status {
        /// Not begun.
        NotStarted = "not_started", "Non commencé", "Not started";
        /// Under way.
        InProgress = "in_progress", "En cours", "In progress";
        /// Done; `completed_on` says when.
        Completed = "completed", "Réalisé", "Completed";
        /// Paused.
        OnHold = "on_hold", "En suspens", "On hold";
        /// Abandoned.
        Cancelled = "cancelled", "Annulé", "Cancelled";
    }
}

vocabulary! {
    /// The IRM's completion scale for a commitment.
    Completion {
        /// No evidence available.
        NoEvidence = "no_evidence", "Aucune preuve disponible", "No evidence available";
        /// Not started.
        NotStarted = "not_started", "Non commencé", "Not started";
        /// Limited.
        Limited = "limited", "Limité", "Limited";
        /// Substantial.
        Substantial = "substantial", "Substantiel", "Substantial";
        /// Complete.
        Complete = "complete", "Complet", "Complete";
    }
}

vocabulary! {
    /// OGP's values, which a commitment must be relevant to.
    OgpValue {
        /// Access to information.
        AccessToInformation = "access_to_information", "Accès à l'information", "Access to information";
        /// Civic participation.
        CivicParticipation = "civic_participation", "Participation citoyenne", "Civic participation";
        /// Public accountability.
        PublicAccountability = "public_accountability", "Reddition de comptes", "Public accountability";
        /// Technology and innovation for transparency and accountability.
        TechnologyAndInnovation = "technology_and_innovation", "Technologie et innovation pour la transparence et la reddition de comptes", "Technology and innovation for transparency and accountability";
    }
}

/// Where a record and each of its columns start in its file.
#[derive(Clone, Default)]
pub struct RecordSrc {
    /// Start of the record (line of a CSV row, opening brace of a JSON object).
    pub pos: Pos,
    /// Start of each column, in the order of the file's [`Table::columns`].
    cols: Cols,
}

/// The starts of a record's columns: known, or counted from a CSV file's text when asked.
#[derive(Clone)]
enum Cols {
    Known(Box<[Pos]>),
    /// The record's fields are `starts[first..first + width]` of the file.
    Csv(std::sync::Arc<CsvPlaces>, usize),
}

impl Default for Cols {
    fn default() -> Self {
        Cols::Known(Box::default())
    }
}

/// The text of a CSV file and the byte offset where each field of its records starts, shared by
/// the records: a field's line and column are counted only when a diagnostic needs them.
#[derive(Debug, Default)]
pub struct CsvPlaces {
    /// The file's text.
    pub text: String,
    /// Fields per record.
    pub width: usize,
    /// The offset of each field, record after record (`width` per record; the first field of a
    /// record starts it).
    pub starts: Vec<usize>,
}

impl RecordSrc {
    /// A record whose columns start at `cols`.
    pub fn new(pos: Pos, cols: Box<[Pos]>) -> Self {
        RecordSrc {
            pos,
            cols: Cols::Known(cols),
        }
    }

    /// Record `index` of a CSV file, starting at `pos`.
    pub fn csv(pos: Pos, places: std::sync::Arc<CsvPlaces>, index: usize) -> Self {
        let first = index * places.width;
        RecordSrc {
            pos,
            cols: Cols::Csv(places, first),
        }
    }

    /// Where column `i` starts, when the record has it.
    pub fn col(&self, i: usize) -> Option<Pos> {
        match &self.cols {
            Cols::Known(cols) => cols.get(i).copied(),
            Cols::Csv(places, first) => {
                if i >= places.width {
                    return None;
                }
                let rec_start = *places.starts.get(*first)?;
                let at = *places.starts.get(first + i)?;
                Some(crate::diagnostic::field_pos(
                    &places.text,
                    self.pos,
                    rec_start,
                    at,
                ))
            }
        }
    }

    /// The start of every column, in order.
    pub fn cols(&self) -> Vec<Pos> {
        let n = match &self.cols {
            Cols::Known(cols) => cols.len(),
            Cols::Csv(places, _) => places.width,
        };
        (0..n).filter_map(|i| self.col(i)).collect()
    }

    /// Where the column of index `column` (from [`Table::column`]) starts, falling back to the
    /// record's start: [`Table::pos`] with the column looked up once for many records.
    pub fn pos_of(&self, column: Option<usize>) -> Pos {
        column.and_then(|i| self.col(i)).unwrap_or(self.pos)
    }
}

impl PartialEq for RecordSrc {
    fn eq(&self, other: &Self) -> bool {
        self.pos == other.pos && self.cols() == other.cols()
    }
}

impl Eq for RecordSrc {}

impl fmt::Debug for RecordSrc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordSrc")
            .field("pos", &self.pos)
            .field("cols", &self.cols())
            .finish()
    }
}

/// The file a set of records came from and its columns, for positions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// The file path (empty for records built in code).
    pub file: PathBuf,
    /// Column names in file order (CSV header; known fields for JSON).
    pub columns: Vec<String>,
    /// Position of each header cell (CSV and workbooks).
    pub header: Vec<Pos>,
    /// The sheet read, for a workbook (`.xlsx`, `.ods`): its first.
    pub sheet: Option<String>,
}

impl Table {
    /// The index of `column` in [`Table::columns`], when the file has it.
    pub fn column(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == column)
    }

    /// Where `column` starts in `rec`, falling back to the record's start.
    pub fn pos(&self, rec: &RecordSrc, column: &str) -> Pos {
        rec.pos_of(self.column(column))
    }
}

/// One commitment of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Commitment {
    /// Stable id, e.g. `CAQUE0001`.
    pub id: String,
    /// Number within the plan.
    pub number: Option<u32>,
    /// Title in the plan's language.
    pub title: String,
    /// English title.
    pub title_en: Option<String>,
    /// Id of the plan challenge it answers.
    pub challenge: Option<String>,
    /// What will be done (Markdown).
    pub description: Option<String>,
    /// The problem it addresses.
    pub problem: Option<String>,
    /// Lead institution(s).
    pub lead_institution: Vec<String>,
    /// Other institutions taking part.
    pub other_institutions: Vec<String>,
    /// OGP values it is relevant to.
    pub ogp_values: Vec<OgpValue>,
    /// Start.
    pub start: Option<PartialDate>,
    /// End.
    pub end: Option<PartialDate>,
    /// Completion on the IRM scale, when assessed.
    pub completion: Option<Completion>,
    /// A page about it.
    pub url: Option<String>,
    /// Values of the plan's declared extra columns, in declaration order.
    pub extra: Vec<Option<String>>,
    /// Where it was read.
    pub src: RecordSrc,
}

/// One milestone of a commitment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Milestone {
    /// Stable id.
    pub id: String,
    /// Id of its commitment.
    pub commitment_id: String,
    /// Title.
    pub title: String,
    /// The verifiable deliverable.
    pub deliverable: Option<String>,
    /// Start.
    pub start: Option<PartialDate>,
    /// End (due date).
    pub end: Option<PartialDate>,
    /// Status, when known.
    pub status: Option<Status>,
    /// When it was completed.
    pub completed_on: Option<PartialDate>,
    /// Evidence of completion.
    pub evidence_url: Option<String>,
    /// Values of the plan's declared extra columns, in declaration order.
    pub extra: Vec<Option<String>>,
    /// Where it was read.
    pub src: RecordSrc,
}

/// A challenge (défi) named by a plan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Challenge {
    /// Id referenced by commitments' `challenge` column.
    pub id: String,
    /// Title.
    pub title: String,
}

/// Dataset metadata: publisher defaults, overridden per plan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DatasetMeta {
    /// CKAN dataset name (URL slug).
    pub name: Option<Sp<String>>,
    /// Dataset title; defaults to the plan title.
    pub title: Option<Sp<String>>,
    /// Dataset description (Markdown); defaults to the plan description.
    pub notes: Option<Sp<String>>,
    /// Tags (keywords).
    pub tags: Vec<Sp<String>>,
    /// CKAN groups.
    pub groups: Vec<Sp<String>>,
    /// Licence id.
    pub license_id: Option<Sp<String>>,
    /// Language code of the profile (e.g. `FR`).
    pub language: Option<Sp<String>>,
    /// Update frequency code.
    pub update_frequency: Option<Sp<String>>,
    /// Geographic coverage code.
    pub spatial: Option<Sp<String>>,
    /// Main organisation (Données Québec `extras_organisation_principale`).
    pub main_organization: Option<Sp<String>>,
    /// Methodology (Markdown).
    pub methodology: Option<Sp<String>>,
    /// Author.
    pub author: Option<Sp<String>>,
    /// Author e-mail.
    pub author_email: Option<Sp<String>>,
    /// Maintainer.
    pub maintainer: Option<Sp<String>>,
    /// Maintainer e-mail.
    pub maintainer_email: Option<Sp<String>>,
    /// Source page.
    pub url: Option<Sp<String>>,
    /// Private dataset.
    pub private: Option<Sp<bool>>,
}

impl DatasetMeta {
    /// This plan's values, falling back to `defaults` field by field; tags and groups are the
    /// union of both, sorted, without repeats.
    pub fn merged_over(&self, defaults: &DatasetMeta) -> DatasetMeta {
        fn pick<T: Clone>(a: &Option<Sp<T>>, b: &Option<Sp<T>>) -> Option<Sp<T>> {
            a.clone().or_else(|| b.clone())
        }
        fn union(a: &[Sp<String>], b: &[Sp<String>]) -> Vec<Sp<String>> {
            let mut seen = BTreeMap::new();
            for t in b.iter().chain(a) {
                seen.entry(t.value.clone()).or_insert_with(|| t.clone());
            }
            seen.into_values().collect()
        }
        DatasetMeta {
            name: pick(&self.name, &defaults.name),
            title: pick(&self.title, &defaults.title),
            notes: pick(&self.notes, &defaults.notes),
            tags: union(&self.tags, &defaults.tags),
            groups: union(&self.groups, &defaults.groups),
            license_id: pick(&self.license_id, &defaults.license_id),
            language: pick(&self.language, &defaults.language),
            update_frequency: pick(&self.update_frequency, &defaults.update_frequency),
            spatial: pick(&self.spatial, &defaults.spatial),
            main_organization: pick(&self.main_organization, &defaults.main_organization),
            methodology: pick(&self.methodology, &defaults.methodology),
            author: pick(&self.author, &defaults.author),
            author_email: pick(&self.author_email, &defaults.author_email),
            maintainer: pick(&self.maintainer, &defaults.maintainer),
            maintainer_email: pick(&self.maintainer_email, &defaults.maintainer_email),
            url: pick(&self.url, &defaults.url),
            private: pick(&self.private, &defaults.private),
        }
    }
}

/// One action plan: its own metadata and its records.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// The plan's id: its folder name under `plans/`.
    pub id: String,
    /// `plan.toml` (empty for plans built in code).
    pub file: PathBuf,
    /// Official title.
    pub title: Sp<String>,
    /// English title.
    pub title_en: Option<String>,
    /// Subtitle or slogan.
    pub subtitle: Option<String>,
    /// OGP member (government) that owns the plan.
    pub member: Option<String>,
    /// Start of the plan period.
    pub start: Option<Sp<PartialDate>>,
    /// End of the plan period.
    pub end: Option<Sp<PartialDate>>,
    /// Date the plan was submitted to OGP.
    pub submitted_on: Option<PartialDate>,
    /// A page about the plan.
    pub url: Option<String>,
    /// Description (Markdown).
    pub description: Option<String>,
    /// The challenges commitments answer.
    pub challenges: Vec<Challenge>,
    /// Dataset metadata specific to this plan.
    pub dataset: DatasetMeta,
    /// Extra commitment columns declared by the plan, published after the standard ones.
    pub extra_commitment_columns: Vec<String>,
    /// Extra milestone columns declared by the plan.
    pub extra_milestone_columns: Vec<String>,
    /// Lint levels from the plan's `[lints]`, over the publisher's.
    pub lints: BTreeMap<Code, LintLevel>,
    /// `datastore` in `plan.toml`, over the publisher's.
    pub datastore: Option<DatastoreMode>,
    /// Commitments.
    pub commitments: Vec<Commitment>,
    /// Where commitments were read.
    pub commitments_table: Table,
    /// Milestones.
    pub milestones: Vec<Milestone>,
    /// Where milestones were read.
    pub milestones_table: Table,
    /// Files of the plan that could not be read; rules that need them are skipped rather than
    /// reporting problems that are only echoes of the first.
    pub unreadable: Unreadable,
}

/// Which files of a plan could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Unreadable {
    /// `plan.toml`.
    pub plan: bool,
    /// Commitments (missing, malformed, or without an `id` column).
    pub commitments: bool,
    /// Milestones.
    pub milestones: bool,
}

/// Who publishes, where, and the default dataset metadata.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Publisher {
    /// `publisher.toml` (empty when built in code).
    pub file: PathBuf,
    /// Portal profile name (`ckan`, `donneesquebec`).
    pub profile: Sp<String>,
    /// CKAN organisation (`owner_org`) that owns the datasets.
    pub organization: Sp<String>,
    /// Display name of the organisation.
    pub organization_title: Option<String>,
    /// Default dataset metadata.
    pub dataset: DatasetMeta,
    /// Lint levels from `publisher.toml`'s `[lints]`: every plan's, unless the plan sets its
    /// own.
    pub lints: BTreeMap<Code, LintLevel>,
    /// `datastore` in `publisher.toml`: every plan's, unless the plan sets its own.
    pub datastore: DatastoreMode,
}

/// The file beside a dataset's `package.json` that tells `push` what to load into the
/// DataStore (written by `write`, read by `push`).
pub const DATASTORE_FILE: &str = "datastore.json";

/// Whether a dataset's data tables are loaded into the portal's DataStore (`datastore` in
/// `publisher.toml` or `plan.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DatastoreMode {
    /// Loaded when the portal has CKAN's `datastore` plugin.
    #[default]
    Auto,
    /// Never loaded: only the files are published.
    Off,
}

/// A whole catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Catalog {
    /// The publisher.
    pub publisher: Publisher,
    /// Plans, sorted by id.
    pub plans: Vec<Plan>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dates the standard number parser reads from the text, field by field.
    fn by_std(s: &str) -> Option<PartialDate> {
        let b = s.as_bytes();
        let ok = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if !(b.len() == 7 || b.len() == 10) || b[4] != b'-' || !ok(0..4) || !ok(5..7) {
            return None;
        }
        let day = match b.len() {
            10 if b[7] == b'-' && ok(8..10) => Some(s[8..10].parse().ok()?),
            10 => return None,
            _ => None,
        };
        let d = PartialDate {
            year: s[0..4].parse().ok()?,
            month: s[5..7].parse().ok()?,
            day,
        };
        d.is_iso().then_some(d)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5_000))]

        /// The order of two dates is the order of their calendar days, for any parts (also
        /// impossible ones, which fall back to the calendar).
        #[test]
        fn ends_before_compares_as_the_calendar_days(
            a in (-1i32..10_001, 0u32..14, proptest::option::of(0u32..33)),
            b in (-1i32..10_001, 0u32..14, proptest::option::of(0u32..33)),
            near in proptest::bool::ANY,
        ) {
            let end = PartialDate { year: a.0, month: a.1, day: a.2 };
            // Dates of the same or next year, so the comparison often turns on month and day.
            let year = if near { a.0 + b.0 % 2 } else { b.0 };
            let start = PartialDate { year, month: b.1, day: b.2 };
            proptest::prop_assert_eq!(
                end.ends_before(start),
                end.last_day() < start.first_day(),
                "{:?} {:?}", end, start
            );
        }

        /// Any short text parses as the standard number parser reads it.
        #[test]
        fn parses_any_text_as_the_standard_number_parser(s in "[0-9]{4}-[0-9]{2}(-[0-9]{2})?|[0-9/: +-é]{0,11}") {
            proptest::prop_assert_eq!(PartialDate::parse(&s), by_std(&s), "{}", s);
        }
    }

    #[test]
    fn parses_dates_as_the_standard_number_parser_reads_them() {
        for year in [
            "0000", "0999", "1999", "2000", "2024", "2100", "9999", "20x4", "+202",
        ] {
            for month in ["00", "01", "02", "09", "12", "13", "99", "1a"] {
                for day in [
                    "", "-00", "-01", "-28", "-29", "-30", "-31", "-32", "-99", "/01", "-1",
                ] {
                    let s = format!("{year}-{month}{day}");
                    assert_eq!(PartialDate::parse(&s), by_std(&s), "{s}");
                }
            }
        }
    }
}
