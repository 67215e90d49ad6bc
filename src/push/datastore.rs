//! The DataStore: each CSV data table of a dataset (`datastore.json`) loaded into the
//! DataStore table of its resource, typed, with the data dictionary as each column's `info`,
//! so that reusers can query it (`datastore_search`, `datastore_search_sql`) and the portal's
//! data explorer shows labels and descriptions.
//!
//! What proves a table current is its resource: the file's SHA-256 in `hash` and CKAN's
//! `datastore_active`. `push` keeps that true by writing a table's DataStore before the
//! `hash` that vouches for it: a changed file's DataStore rows are brought up to date first,
//! and only then is the file uploaded with its new hash (in the dataset's one
//! `package_revise`); a new data table is added with an empty `hash`, loaded, then given its
//! hash. A run that dies in between leaves a hash that differs, and the next run reads the
//! DataStore table and finishes the job. A changed data dictionary re-applies the `info` of
//! every table. An unchanged night therefore reads and writes nothing in the DataStore.
//!
//! A table is brought up to date by reading it whole (`datastore_search`, by pages) and
//! sending only the rows that differ (`datastore_upsert`) and then deleting the ids that are
//! gone (`datastore_delete` with a list filter): reusers never see it empty. Only a change of
//! columns (a column added, removed or retyped) rebuilds the table: it is deleted and loaded
//! again in the same run.

use super::apply::{ActionRecord, Ctx, Failure};
use super::{LocalDataset, LocalTable};
use crate::ckan::client::{ActionBody, Replay};
use crate::ckan::ErrorKind;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// What a data table's DataStore needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TableAction {
    /// No DataStore table yet (or CKAN says it is not active): created and loaded.
    Load,
    /// The file or its dictionary changed: the rows that differ are sent.
    Sync,
    /// Current.
    Unchanged,
}

/// What the DataStore table behind `remote` (the resource on the portal, if any) needs, when
/// the file's hash is `hash` and the dictionary did or did not change.
pub(super) fn table_action(
    hash: Option<&Value>,
    remote: Option<&Value>,
    dictionary_changed: bool,
) -> TableAction {
    let Some(remote) = remote else {
        return TableAction::Load;
    };
    if remote.get("datastore_active") != Some(&Value::Bool(true)) {
        TableAction::Load
    } else if dictionary_changed || remote.get("hash") != hash {
        TableAction::Sync
    } else {
        TableAction::Unchanged
    }
}

/// Records per `datastore_upsert` at most, and bytes of records per request: far below
/// what a CKAN behind a usual proxy accepts (nginx's default body limit is 1 MiB; portals
/// raise it for uploads), so a request is never refused for its size.
const BATCH_RECORDS: usize = 5_000;
const BATCH_BYTES: usize = 900 * 1024;
/// Ids per `datastore_delete` at most (they become one SQL `IN (…)`).
const DELETE_IDS: usize = 1_000;
/// Rows per `datastore_search` page: CKAN's default `ckan.datastore.search.rows_max`.
const PAGE_ROWS: usize = 32_000;

/// A cell as compared: numbers by value (`5`, `5.0` and `"5"` are one number), text as is.
fn canon(ty: &str, v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) if ty != "text" => Some(
            s.parse::<f64>()
                .map_or_else(|_| s.clone(), |n| n.to_string()),
        ),
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.as_f64().map_or_else(|| n.to_string(), |n| n.to_string())),
        other => Some(other.to_string()),
    }
}

/// A CSV cell as the JSON value sent for a column of DataStore type `ty`.
fn cell(ty: &str, text: &str) -> Value {
    if text.is_empty() {
        return Value::Null;
    }
    let number = match ty {
        "int" => text.parse::<i64>().ok().map(Value::from),
        "numeric" => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        _ => None,
    };
    number.unwrap_or_else(|| Value::String(text.to_string()))
}

/// The rows of a data table's CSV, read one at a time: the header must be the table's columns.
fn open_records(
    path: &Path,
    table: &LocalTable,
) -> Result<csv::Reader<std::io::BufReader<std::fs::File>>, String> {
    use std::io::BufRead;
    let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let file = std::fs::File::open(path).map_err(|e| fail(&e))?;
    let mut text = std::io::BufReader::new(file);
    if text
        .fill_buf()
        .map_err(|e| fail(&e))?
        .starts_with(b"\xEF\xBB\xBF")
    {
        text.consume(3);
    }
    let mut reader = csv::Reader::from_reader(text);
    let header = reader.headers().map_err(|e| fail(&e))?;
    if header.iter().ne(table.columns().map(|c| c.0)) {
        return Err(fail(&"the columns are not those of datastore.json"));
    }
    Ok(reader)
}

/// A CSV record as the DataStore record sent for it, keyed by column name.
fn record(columns: &[(&str, &str)], row: &csv::StringRecord) -> Map<String, Value> {
    columns
        .iter()
        .zip(row.iter())
        .map(|((id, ty), text)| (id.to_string(), cell(ty, text)))
        .collect()
}

/// A row's cells as compared (see [`canon`]), reduced to their SHA-256: a DataStore table is
/// remembered as its ids and these digests, so that a sync holds one page of the table and one
/// batch of records at a time, never the whole table (a plan of 200,000 milestones would
/// otherwise keep two copies of its rows as JSON maps).
fn digest(columns: &[(&str, &str)], row: &Map<String, Value>) -> [u8; 32] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for (id, ty) in columns {
        match canon(ty, row.get(*id).unwrap_or(&Value::Null)) {
            None => h.update([0]),
            Some(text) => {
                h.update([1]);
                h.update((text.len() as u64).to_le_bytes());
                h.update(text);
            }
        }
    }
    h.finalize().into()
}

/// The DataStore type names CKAN answers with, as `datastore.json` writes them.
fn same_type(ours: &str, theirs: &str) -> bool {
    fn plain(t: &str) -> &str {
        match t {
            "int" | "int4" | "integer" => "int",
            other => other,
        }
    }
    plain(ours) == plain(theirs)
}

/// A DataStore table as read: its columns (without CKAN's `_id`) and each row's [`digest`]
/// by primary key.
struct Stored {
    fields: Vec<Map<String, Value>>,
    rows: HashMap<String, [u8; 32]>,
}

/// Reads the whole DataStore table of `resource_id`, page by page; `None` when it does not
/// exist.
async fn read_table(
    ctx: &Ctx,
    name: &str,
    table: &LocalTable,
    resource_id: &str,
) -> Result<Option<Stored>, Failure> {
    let mut stored = Stored {
        fields: Vec::new(),
        rows: HashMap::new(),
    };
    let columns: Vec<(&str, &str)> = table.columns().collect();
    let mut offset = 0;
    loop {
        let body = json!({
            "resource_id": resource_id,
            "limit": PAGE_ROWS,
            "offset": offset,
            "sort": "_id",
        });
        let rec = ActionRecord::about(name, Some(&table.file), "datastore_search");
        let mut answer = match ctx.call(rec, ActionBody::Json(body), Replay::Safe).await {
            Ok(v) => v,
            Err(e) if e.kind == ErrorKind::NotFound => return Ok(None),
            Err(_) => return Err(Failure::Fatal),
        };
        if offset == 0 {
            stored.fields = answer["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
                .filter(|f| f.get("id").and_then(Value::as_str) != Some("_id"))
                .cloned()
                .collect();
        }
        let records = match answer["records"].take() {
            Value::Array(records) => records,
            _ => Vec::new(),
        };
        let got = records.len();
        for r in records.iter().filter_map(Value::as_object) {
            stored.rows.insert(key_of(table, r), digest(&columns, r));
        }
        offset += got;
        if got < PAGE_ROWS {
            return Ok(Some(stored));
        }
    }
}

/// Sends one DataStore write about `table`.
async fn write(
    ctx: &Ctx,
    name: &str,
    table: &LocalTable,
    action: &str,
    body: Value,
) -> Result<(), Failure> {
    let rec = ActionRecord::about(name, Some(&table.file), action);
    match ctx.call(rec, ActionBody::Json(body), Replay::Safe).await {
        Ok(_) => Ok(()),
        // A table or rows already gone: a run before this one deleted them.
        Err(e) if action == "datastore_delete" && e.kind == ErrorKind::NotFound => Ok(()),
        Err(_) => Err(Failure::Fatal),
    }
}

/// A row's primary key, as compared.
fn key_of(table: &LocalTable, row: &Map<String, Value>) -> String {
    row.get(&table.primary_key)
        .and_then(|v| canon("text", v))
        .unwrap_or_default()
}

/// Records gathered into requests of at most [`BATCH_RECORDS`] records and
/// [`BATCH_BYTES`] bytes of records (a record bigger than that goes alone).
#[derive(Default)]
struct Batcher {
    records: Vec<Map<String, Value>>,
    bytes: usize,
}

impl Batcher {
    /// Adds `record`; returns the batch it did not fit in, full and ready to send.
    fn push(&mut self, record: Map<String, Value>) -> Option<Vec<Map<String, Value>>> {
        let size = serde_json::to_vec(&record).map_or(0, |b| b.len());
        let fits = self.records.len() < BATCH_RECORDS && self.bytes + size <= BATCH_BYTES;
        let full = (!fits && !self.records.is_empty()).then(|| self.take());
        self.bytes += size;
        self.records.push(record);
        full
    }

    /// The records gathered, leaving it empty.
    fn take(&mut self) -> Vec<Map<String, Value>> {
        self.bytes = 0;
        std::mem::take(&mut self.records)
    }
}

/// Sends one `datastore_upsert` of `records`.
async fn upsert(
    ctx: &Ctx,
    name: &str,
    table: &LocalTable,
    resource_id: &str,
    records: Vec<Map<String, Value>>,
) -> Result<(), Failure> {
    let body = json!({
        "resource_id": resource_id,
        "force": true,
        "method": "upsert",
        "records": records,
    });
    write(ctx, name, table, "datastore_upsert", body).await
}

/// Brings the DataStore table of `resource_id` (which needs `action`) to the rows of `table`'s
/// CSV in `dir`: the CSV is read one record at a time and compared with the stored rows'
/// digests, and the records that differ are sent as soon as a batch is full.
pub(super) async fn sync_table(
    ctx: &Ctx,
    local: &LocalDataset,
    table: &LocalTable,
    resource_id: &str,
    action: TableAction,
    dir: &Path,
) -> Result<usize, Failure> {
    let name = local.name.as_str();
    let unreadable = |cause: String| {
        let mut rec = ActionRecord::about(name, Some(&table.file), "datastore_upsert");
        rec.outcome = "failed".into();
        rec.fail(crate::t!("push-datastore-unreadable", cause = cause));
        ctx.record(rec);
        Failure::Fatal
    };
    let mut reader = open_records(&dir.join(&table.file), table).map_err(unreadable)?;
    let mut wrote = 0;
    let columns: Vec<(&str, &str)> = table.columns().collect();
    // A table CKAN does not call active does not exist: nothing to read.
    let stored = match action {
        TableAction::Load => None,
        _ => read_table(ctx, name, table, resource_id).await?,
    };
    let same_columns = stored.as_ref().is_some_and(|s| {
        s.fields.len() == columns.len()
            && s.fields.iter().zip(&columns).all(|(f, (id, ty))| {
                f.get("id").and_then(Value::as_str) == Some(id)
                    && same_type(ty, f.get("type").and_then(Value::as_str).unwrap_or(""))
            })
    });
    let create = json!({
        "resource_id": resource_id,
        "force": true,
        "fields": table.fields,
        "primary_key": table.primary_key,
    });
    let mut stored = match stored {
        Some(s) if same_columns => {
            // The dictionary: each column's `info` as `datastore.json` gives it.
            let documented = s.fields.iter().zip(&table.fields).all(|(theirs, ours)| {
                let info = |f: &Map<String, Value>| f.get("info").cloned().unwrap_or_default();
                let (theirs, ours) = (info(theirs), info(ours));
                ours.as_object()
                    .into_iter()
                    .flatten()
                    .all(|(k, v)| theirs.get(k) == Some(v))
            });
            if !documented {
                write(ctx, name, table, "datastore_create", create).await?;
                wrote += 1;
            }
            s.rows
        }
        other => {
            if other.is_some() {
                // Columns added, removed or retyped: the table is built again.
                let body = json!({ "resource_id": resource_id, "force": true });
                write(ctx, name, table, "datastore_delete", body).await?;
                wrote += 1;
            }
            write(ctx, name, table, "datastore_create", create).await?;
            wrote += 1;
            HashMap::new()
        }
    };
    // Each stored row met in the CSV is crossed off: the rows left at the end are gone.
    let mut batch = Batcher::default();
    for row in reader.records() {
        let row = record(&columns, &row.map_err(|e| unreadable(e.to_string()))?);
        if stored.remove(&key_of(table, &row)) == Some(digest(&columns, &row)) {
            continue;
        }
        if let Some(full) = batch.push(row) {
            upsert(ctx, name, table, resource_id, full).await?;
            wrote += 1;
        }
    }
    let last = batch.take();
    if !last.is_empty() {
        upsert(ctx, name, table, resource_id, last).await?;
        wrote += 1;
    }
    let mut gone: Vec<String> = stored.into_keys().collect();
    gone.sort();
    for ids in gone.chunks(DELETE_IDS) {
        let body = json!({
            "resource_id": resource_id,
            "force": true,
            "filters": { table.primary_key.as_str(): ids },
        });
        write(ctx, name, table, "datastore_delete", body).await?;
        wrote += 1;
    }
    Ok(wrote)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resource_says_what_its_table_needs() {
        let ours = json!("abc");
        let on_portal = |hash: &str, active: Option<bool>| {
            let mut r = json!({ "id": "r1", "hash": hash });
            if let Some(a) = active {
                r["datastore_active"] = a.into();
            }
            r
        };
        // (the portal's hash, its `datastore_active`, the dictionary changed) → the action.
        let cases = [
            // No DataStore table behind it (CKAN omits the flag or says false): loaded.
            ("abc", None, false, TableAction::Load),
            ("abc", Some(false), false, TableAction::Load),
            // A file or dictionary changed, or a hash withheld or replaced (a load this run
            // did not finish, a portal loader's MD5): synced.
            ("old", Some(true), false, TableAction::Sync),
            ("", Some(true), false, TableAction::Sync),
            ("abc", Some(true), true, TableAction::Sync),
            // The hash vouches for the table.
            ("abc", Some(true), false, TableAction::Unchanged),
        ];
        for (hash, active, dictionary, want) in cases {
            let got = table_action(Some(&ours), Some(&on_portal(hash, active)), dictionary);
            assert_eq!(got, want, "{hash:?} {active:?} {dictionary}");
        }
        // Not on the portal at all: loaded.
        assert_eq!(table_action(Some(&ours), None, false), TableAction::Load);
    }

    #[test]
    fn numbers_compare_by_value_and_text_as_written() {
        assert_eq!(canon("int", &json!(5)), canon("int", &json!("5")));
        assert_eq!(
            canon("numeric", &json!(2.5)),
            canon("numeric", &json!("2.50"))
        );
        assert_ne!(canon("text", &json!("5")), canon("text", &json!("5.0")));
        assert_eq!(canon("text", &json!("")), None);
        assert_eq!(cell("int", "12"), json!(12));
        assert_eq!(cell("numeric", "12.5"), json!(12.5));
        assert_eq!(cell("text", "0012"), json!("0012"));
        assert_eq!(cell("int", ""), Value::Null);
    }

    #[test]
    fn batches_keep_every_record_in_order_within_both_limits() {
        let record = |i: usize| {
            let mut m = Map::new();
            m.insert("id".into(), json!(i));
            m.insert("text".into(), json!("x".repeat(i % 700)));
            m
        };
        let records: Vec<_> = (0..12_000).map(record).collect();
        let mut batcher = Batcher::default();
        let mut cut: Vec<_> = records
            .iter()
            .filter_map(|r| batcher.push(r.clone()))
            .collect();
        cut.push(batcher.take());
        assert!(cut.len() > 3, "{} batches", cut.len());
        for b in &cut {
            let bytes: usize = b.iter().map(|r| serde_json::to_vec(r).unwrap().len()).sum();
            assert!(
                b.len() <= BATCH_RECORDS && bytes <= BATCH_BYTES,
                "{} {bytes}",
                b.len()
            );
        }
        assert_eq!(cut.concat(), records);
    }
}
