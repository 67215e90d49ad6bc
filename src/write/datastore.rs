//! `datastore.json`: what `push` loads into the portal's DataStore for a dataset: each CSV
//! data table with its columns in file order, their DataStore types and their data dictionary
//! (`info`) in both languages. It is written only when the plan's `datastore` setting is
//! `auto`; without it, `push` publishes the files alone.

use crate::fields::{Field, Kind};
use crate::model::Lang;
use crate::write::resources::full_description;
use serde::Serialize;

/// The file's contents.
#[derive(Serialize)]
pub(crate) struct Spec<'a> {
    /// The data dictionary's file: when it changes, so may the tables' `info`.
    pub(crate) dictionary: String,
    /// The data tables, in publishing order.
    pub(crate) tables: Vec<Table<'a>>,
}

/// One CSV data table.
#[derive(Serialize)]
pub(crate) struct Table<'a> {
    /// The CSV file (the resource's file name).
    pub(crate) file: String,
    /// The column whose value identifies a row.
    pub(crate) primary_key: &'a str,
    /// Every column, in the CSV's order.
    pub(crate) fields: Vec<Column<'a>>,
}

/// One column, as `datastore_create` takes it.
#[derive(Serialize)]
pub(crate) struct Column<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    ty: &'static str,
    info: Info,
}

/// A column's data dictionary entry: CKAN shows `label` and `notes`; the other language's are
/// kept beside them (`label_en`, `notes_en` in a French dataset, `label_fr`, `notes_fr` in an
/// English one). `type_override` is the column's type again: loaders such as
/// ckanext-xloader load every column as text unless it is set, so a table a portal's loader
/// loads again keeps its types.
#[derive(Serialize)]
struct Info {
    label: String,
    notes: String,
    type_override: &'static str,
    #[serde(flatten)]
    other: std::collections::BTreeMap<String, String>,
}

/// The DataStore type of a column. Dates stay text: a milestone may be known to the month
/// only (`2022-06`), which no PostgreSQL `date` holds; ISO text sorts and compares as dates do
/// (`"fin" >= '2022-06'`, `"fin" LIKE '2022-%'`).
fn datastore_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Integer => "int",
        Kind::Decimal => "numeric",
        _ => "text",
    }
}

/// The entry of one CSV table of `fields` published as `file`.
pub(crate) fn table<'a>(file: String, fields: &'a [Field], lang: Lang) -> Table<'a> {
    let (shown, other, suffix) = match lang {
        Lang::Fr => (0, 1, "en"),
        Lang::En => (1, 0, "fr"),
    };
    let columns = fields
        .iter()
        .map(|f| Column {
            id: f.name(lang),
            ty: datastore_type(f.kind),
            info: Info {
                type_override: datastore_type(f.kind),
                label: f.label[shown].to_string(),
                notes: full_description(f, shown),
                other: [
                    (format!("label_{suffix}"), f.label[other].to_string()),
                    (format!("notes_{suffix}"), full_description(f, other)),
                ]
                .into(),
            },
        })
        .collect();
    Table {
        file,
        primary_key: fields
            .iter()
            .find(|f| f.key == "id")
            .map_or("id", |f| f.name(lang)),
        fields: columns,
    }
}
