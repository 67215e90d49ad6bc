//! Portal profiles: how our model maps onto one portal's dataset schema. A profile decides the
//! language of file and column names, the CSV rules, the fields the portal requires and the shape
//! of the package and resource dicts. Adding a portal means adding one file here and one line to
//! [`PROFILES`].

mod ckan;
mod donneesquebec;

use crate::diagnostic::Diagnostic;
use crate::model::{DatasetMeta, Plan, Publisher};
use serde_json::{Map, Value};

pub use ckan::Ckan;
pub use donneesquebec::DonneesQuebec;

pub use crate::model::Lang;

/// What a resource holds, in the portal's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceRole {
    /// Data (Données Québec `donnees`).
    Data,
    /// Documentation (Données Québec `support`).
    Documentation,
}

/// Facts about a file as it was written, from which profiles derive resource fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    /// File name inside the dataset folder; also the upload name.
    pub file: String,
    /// Resource title.
    pub title: String,
    /// Resource description (Markdown).
    pub description: String,
    /// `CSV` or `JSON`.
    pub format: &'static str,
    /// Media type.
    pub mimetype: &'static str,
    /// Data or documentation.
    pub role: ResourceRole,
    /// Size in bytes.
    pub bytes: u64,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    /// What was observed in the cells, for tabular files.
    pub cells: Option<CellFacts>,
}

/// What a writer observed in the cells of a table it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CellFacts {
    /// The file is CSV with a comma separator.
    pub comma_separated: bool,
    /// The file starts with a UTF-8 byte-order mark.
    pub utf8_bom: bool,
    /// The table has date columns.
    pub date_columns: bool,
    /// The table has numeric columns.
    pub number_columns: bool,
    /// Number of date cells, and how many of them are in a form Données Québec lists: a whole
    /// ISO 8601 day `YYYY-MM-DD` (a year-month such as `2022-04` is ISO 8601 too, but none of
    /// the portal's forms, so a file holding one cannot answer `relidi_condon_datheu: oui`).
    pub dates: (u64, u64),
    /// Number of numeric cells, and how many use `.` as decimal mark and no grouping.
    pub numbers: (u64, u64),
    /// Text cells holding a placeholder for "unknown" (`N/A`, `inconnu`, `-`…).
    pub placeholders: u64,
}

/// Everything a profile needs to write a package dict.
#[derive(Debug, Clone)]
pub struct PackageInput<'a> {
    /// The publisher.
    pub publisher: &'a Publisher,
    /// The plan.
    pub plan: &'a Plan,
    /// Plan metadata merged over publisher defaults.
    pub meta: &'a DatasetMeta,
    /// Dataset name.
    pub name: &'a str,
    /// Dataset title.
    pub title: &'a str,
    /// Dataset description (Markdown).
    pub notes: &'a str,
    /// Time coverage `YYYY-MM-DD/YYYY-MM-DD`, from the plan period.
    pub temporal: Option<String>,
    /// The files, in publishing order.
    pub files: &'a [FileFacts],
}

/// A portal profile.
pub trait Profile: Sync {
    /// The name used in `publisher.toml`.
    fn name(&self) -> &'static str;
    /// The language of file names, column names and labels.
    fn lang(&self) -> Lang;
    /// Whether CSV files start with a UTF-8 byte-order mark.
    fn csv_bom(&self) -> bool;
    /// Adds a diagnostic for every field the portal requires that `meta` lacks, and every value
    /// outside the portal's choice lists.
    fn check(&self, publisher: &Publisher, plan: &Plan, meta: &DatasetMeta) -> Vec<Diagnostic>;
    /// The package dict to send (no server-managed fields), with its resources.
    fn package(&self, input: &PackageInput) -> Map<String, Value>;
}

/// Every profile, by name.
pub const PROFILES: &[&dyn Profile] = &[&Ckan, &DonneesQuebec];

/// The profile called `name`.
pub fn lookup(name: &str) -> Option<&'static dyn Profile> {
    PROFILES.iter().copied().find(|p| p.name() == name)
}

/// The profile names, for hints.
pub fn names() -> String {
    PROFILES
        .iter()
        .map(|p| p.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts `key` when the value is known.
pub(crate) fn put(map: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        map.insert(key.to_string(), Value::String(v.to_string()));
    }
}

/// The core CKAN keys every profile sends: name, title, notes, owner_org, private, licence,
/// people, url, tags and groups.
pub(crate) fn core_package(input: &PackageInput) -> Map<String, Value> {
    let m = input.meta;
    let s = |v: &Option<crate::model::Sp<String>>| v.as_ref().map(|s| s.value.clone());
    let mut map = Map::new();
    map.insert("name".into(), input.name.into());
    map.insert("title".into(), input.title.into());
    map.insert("notes".into(), input.notes.into());
    map.insert(
        "owner_org".into(),
        input.publisher.organization.value.clone().into(),
    );
    map.insert(
        "private".into(),
        Value::Bool(m.private.as_ref().is_some_and(|p| p.value)),
    );
    for (key, v) in [
        ("license_id", &m.license_id),
        ("author", &m.author),
        ("author_email", &m.author_email),
        ("maintainer", &m.maintainer),
        ("maintainer_email", &m.maintainer_email),
        ("url", &m.url),
    ] {
        put(&mut map, key, s(v).as_deref());
    }
    let named = |v: &[crate::model::Sp<String>]| {
        Value::Array(
            v.iter()
                .map(|t| serde_json::json!({ "name": t.value }))
                .collect(),
        )
    };
    map.insert("tags".into(), named(&m.tags));
    map.insert("groups".into(), named(&m.groups));
    map
}

/// The core CKAN resource keys: name, description, format, mimetype, our hash, and `url` set to
/// the file name (the upload's name; the portal replaces it with the download address).
pub(crate) fn core_resource(f: &FileFacts) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("name".into(), f.title.clone().into());
    map.insert("description".into(), f.description.clone().into());
    map.insert("format".into(), f.format.into());
    map.insert("mimetype".into(), f.mimetype.into());
    map.insert("hash".into(), f.sha256.clone().into());
    map.insert("url".into(), f.file.clone().into());
    map
}

/// Whether `address` passes CKAN's `email_validator`, which Données Québec's schema applies to
/// `author_email` and `maintainer_email`: a portal refuses the whole dataset otherwise. This is
/// the pattern of `ckan/logic/validators.py` in CKAN 2.11 (2.9's lacks the three dot rules,
/// so an address 2.11 accepts passes 2.9 too); its look-aheads, which the `regex` crate does
/// not have, are the three tests on dots. A general e-mail parser would accept addresses CKAN
/// refuses (quoted local parts, IP literals), so the portal's own rule is used.
pub(crate) fn is_portal_email(address: &str) -> bool {
    static PATTERN: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        regex::Regex::new(
            r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$",
        )
        .expect("a valid pattern")
    });
    !address.starts_with('.')
        && !address.ends_with('.')
        && !address.contains("..")
        && pattern.is_match(address)
}

#[cfg(test)]
mod tests {
    use super::is_portal_email;

    #[test]
    fn email_addresses_are_judged_as_ckan_judges_them() {
        // Expected answers from CKAN 2.11.6's email_validator, run on each address.
        for ok in [
            "gouvernement.ouvert@mcn.gouv.qc.ca",
            "a+b@x.io",
            "o'neil@exemple.ca",
            "x@localhost",
        ] {
            assert!(is_portal_email(ok), "{ok}");
        }
        for bad in [
            "",
            "Jean <jean@x.ca>",
            "jean@",
            "@x.ca",
            ".jean@x.ca",
            "jean..a@x.ca",
            "jean@x.ca.",
            "jean@-x.ca",
            "jean@x_y.ca",
            "é@x.ca",
            "jean @x.ca",
            "jean@x.ca, marie@x.ca",
        ] {
            assert!(!is_portal_email(bad), "{bad}");
        }
    }
}
