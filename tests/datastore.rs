//! The DataStore against the harness's real CKAN (`datastore` plugin loaded): after `push`,
//! `datastore_search` on each data table returns the rows of its CSV, numbers typed, every
//! column documented in both languages; a second push writes nothing; an edited milestone
//! and a removed one reach the DataStore with the fewest writes.
//!
//! The expected values come from the published files, read here with the `csv` crate: the
//! CSV rows, the Table Schema types of `datapackage.json` (Frictionless) and the labels and
//! definitions of the data dictionary CSV; never from `datastore.json`, which the code under
//! test reads.

mod common;

use common::code;
use common::portal::{
    action_json, assert_portal_equals_dist, package_show, run_portal, view_types, Portal, Setup,
};
use common::proxy::{Fault, Proxy};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One test at a time against a server of two cores.
static SERIAL: Mutex<()> = Mutex::new(());

fn out(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A CSV file of `dist/` as a header and rows (the BOM dropped).
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = std::fs::read(path).unwrap();
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let mut r = csv::Reader::from_reader(bytes);
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// Every row of a DataStore table, sorted by `id`, without CKAN's `_id`; and its fields.
/// Read in pages of 32,000 rows, CKAN's default most.
fn datastore_rows(portal: &Portal, resource_id: &str) -> (Vec<Value>, Vec<Value>) {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    for page in 0..100 {
        let answer = action_json(
            portal,
            "datastore_search",
            &json!({ "resource_id": resource_id, "limit": 32000, "offset": page * 32000 }),
        );
        assert_eq!(answer["success"], true, "{answer}");
        let got = answer["result"]["records"].as_array().unwrap().clone();
        fields = answer["result"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["id"] != "_id")
            .cloned()
            .collect();
        let last = got.len() < 32000;
        records.extend(got);
        if last {
            break;
        }
    }
    for r in &mut records {
        r.as_object_mut().unwrap().remove("_id");
    }
    records.sort_by_key(|r| r["id"].as_str().unwrap_or_default().to_string());
    (records, fields)
}

/// Checks that each data table of `name` in the DataStore holds exactly its CSV's rows, typed
/// as the Table Schema says, with the dictionary's labels and definitions in both languages.
/// Returns the number of tables checked.
fn assert_datastore_equals_dist(portal: &Portal, dist: &Path, name: &str) -> usize {
    let dir = dist.join("datasets").join(name);
    let datapackage: Value =
        serde_json::from_slice(&std::fs::read(dir.join("datapackage.json")).unwrap()).unwrap();
    // The dictionary: (table, column) → (label fr, label en, definition fr, definition en).
    // The dictionary is the table whose rows name a table and a column.
    let dictionary = datapackage["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            let first = &r["schema"]["fields"][0]["name"];
            *first == "ressource" || *first == "resource"
        })
        .map(|r| r["path"].as_str().unwrap().to_string())
        .expect("a data dictionary in datapackage.json");
    let (_, dict_rows) = read_csv(&dir.join(&dictionary));
    let documented: BTreeMap<(String, String), Vec<String>> = dict_rows
        .into_iter()
        .map(|r| ((r[0].clone(), r[1].clone()), r[3..7].to_vec()))
        .collect();
    // A French dataset names the dictionary's first column `ressource`.
    let french = datapackage["resources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["schema"]["fields"][0]["name"] == "ressource");
    let remote = package_show(portal, name);
    let mut checked = 0;
    for table in datapackage["resources"].as_array().unwrap() {
        let file = table["path"].as_str().unwrap();
        let stem = table["name"].as_str().unwrap();
        if file == dictionary {
            continue;
        }
        let resource = remote["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["url"].as_str().unwrap().ends_with(&format!("/{file}")))
            .unwrap_or_else(|| panic!("{name}: no resource for {file}"));
        assert_eq!(resource["datastore_active"], true, "{name}/{file}");
        let (header, rows) = read_csv(&dir.join(file));
        let (records, fields) = datastore_rows(portal, resource["id"].as_str().unwrap());
        // Columns: the CSV's, in its order, typed from the Table Schema.
        let schema: BTreeMap<&str, &str> = table["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["name"].as_str().unwrap(), f["type"].as_str().unwrap()))
            .collect();
        let ids: Vec<&str> = fields.iter().map(|f| f["id"].as_str().unwrap()).collect();
        assert_eq!(ids, header, "{name}/{file}: columns");
        for f in &fields {
            let id = f["id"].as_str().unwrap();
            let want = match schema[id] {
                "integer" => "int4",
                "number" => "numeric",
                _ => "text",
            };
            assert_eq!(f["type"], want, "{name}/{file}/{id}: type");
            let doc = &documented[&(stem.to_string(), id.to_string())];
            let (label, notes, label_other, notes_other, other) = if french {
                (&doc[0], &doc[2], &doc[1], &doc[3], "en")
            } else {
                (&doc[1], &doc[3], &doc[0], &doc[2], "fr")
            };
            let info = &f["info"];
            assert_eq!(info["label"], label.as_str(), "{name}/{file}/{id}: label");
            assert_eq!(info["notes"], notes.as_str(), "{name}/{file}/{id}: notes");
            assert_eq!(info[format!("label_{other}")], label_other.as_str(), "{id}");
            assert_eq!(info[format!("notes_{other}")], notes_other.as_str(), "{id}");
        }
        // Rows: the CSV's, each value typed.
        let mut expected: Vec<Value> = rows
            .iter()
            .map(|row| {
                let obj = header
                    .iter()
                    .zip(row)
                    .map(|(h, cell)| {
                        let v = match (cell.as_str(), schema[h.as_str()]) {
                            ("", _) => Value::Null,
                            (c, "integer") => json!(c.parse::<i64>().unwrap()),
                            (c, "number") => json!(c.parse::<f64>().unwrap()),
                            (c, _) => json!(c),
                        };
                        (h.clone(), v)
                    })
                    .collect();
                Value::Object(obj)
            })
            .collect();
        expected.sort_by_key(|r| r["id"].as_str().unwrap_or_default().to_string());
        assert_eq!(records.len(), rows.len(), "{name}/{file}: rows");
        for (got, want) in records.iter().zip(&expected) {
            for (k, w) in want.as_object().unwrap() {
                let g = &got[k];
                let same = match (g, w) {
                    (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
                    // CKAN answers numeric columns as text on some versions.
                    (Value::String(a), Value::Number(b)) if schema[k.as_str()] == "number" => {
                        a.parse::<f64>().ok() == b.as_f64()
                    }
                    _ => g == w,
                };
                assert!(
                    same,
                    "{name}/{file} row {}: `{k}` is {g}, the CSV has {w}",
                    want["id"]
                );
            }
            if schema.values().any(|t| *t == "integer") {
                let n = schema.iter().find(|(_, t)| **t == "integer").unwrap().0;
                assert!(
                    got[*n].is_number() || got[*n].is_null(),
                    "{file}/{n}: {got}"
                );
            }
        }
        checked += 1;
    }
    checked
}

fn setup(config: &'static str, source: &str, tag: &str) -> Setup {
    Setup::new(config, source, tag, |_| {})
}

impl Setup {
    fn push(&self, url: &str) -> std::process::Output {
        let o = run_portal(
            "push",
            url,
            &self.portal.token_file,
            &self.dist,
            &["--lang", "en"],
        );
        assert_eq!(code(&o), 0, "{}", out(&o));
        o
    }

    /// `diff` through `url`, in `lang`.
    fn diff(&self, url: &str, lang: &str) -> std::process::Output {
        run_portal(
            "diff",
            url,
            &self.portal.token_file,
            &self.dist,
            &["--lang", lang],
        )
    }
}

/// The DataStore rows of the first dataset's milestones table.
fn first_milestone_rows(s: &Setup) -> Vec<Value> {
    let remote = package_show(&s.portal, &s.names[0]);
    let milestones = remote["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            let url = r["url"].as_str().unwrap();
            url.ends_with("/jalons.csv") || url.ends_with("/milestones.csv")
        })
        .unwrap();
    datastore_rows(&s.portal, milestones["id"].as_str().unwrap()).0
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The milestones file of the first plan of `catalog`, and the lines of its rows.
fn milestones_file(catalog: &Path) -> (PathBuf, Vec<String>) {
    let mut plans: Vec<PathBuf> = std::fs::read_dir(catalog.join("plans"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    plans.sort();
    let path = plans[0].join("milestones.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines = text.lines().skip(1).map(str::to_string).collect();
    (path, lines)
}

fn lands_typed_documented_then_stays_then_follows(config: &'static str, source: &str) {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut s = setup(config, source, "ds");
    let proxy = Proxy::start(s.portal.url.trim_start_matches("http://"));
    // diff names each table to load, in the reader's language.
    let d = s.diff(&proxy.url, "en");
    assert_eq!(code(&d), 1, "{}", out(&d));
    let loads = out(&d)
        .matches("DataStore table to create and load")
        .count();
    assert_eq!(loads, 2 * s.names.len(), "{}", out(&d));
    s.push(&proxy.url);
    let mut tables = 0;
    for name in &s.names {
        assert_portal_equals_dist(&s.portal, &s.dist, name);
        tables += assert_datastore_equals_dist(&s.portal, &s.dist, name);
    }
    assert_eq!(tables, 2 * s.names.len(), "two data tables per dataset");
    // Each table: one datastore_create, its rows in one upsert (they are few), nothing read.
    assert_eq!(proxy.forwarded("datastore_create") as usize, tables);
    assert_eq!(proxy.forwarded("datastore_upsert") as usize, tables);
    assert_eq!(proxy.forwarded("datastore_search"), 0);
    assert_eq!(proxy.forwarded("datastore_delete"), 0);
    // Per dataset, one revise adds the files and one gives the loaded tables their hash:
    // none is refused as stale (CKAN 2.12 changes `metadata_modified` on DataStore writes).
    assert_eq!(
        proxy.forwarded("package_revise") as usize,
        2 * s.names.len()
    );

    // A second push writes nothing, in the DataStore or elsewhere, and reads no table.
    proxy.reset();
    s.push(&proxy.url);
    assert_eq!(proxy.forwarded_writes(), 0);
    assert_eq!(proxy.forwarded("datastore_search"), 0);

    // An edited milestone and a removed one.
    let (path, lines) = milestones_file(&s.catalog);
    assert!(lines.len() >= 3, "{}: too few milestones", path.display());
    let removed_id = lines[2].split(',').next().unwrap().to_string();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen(&format!("{}\n", lines[2]), "", 1)).unwrap();
    let title = lines[1].split(',').nth(2).unwrap().to_string();
    assert!(!title.is_empty() && !title.starts_with('"'), "{}", lines[1]);
    edit(&path, &title, "Jalon révisé pour la DataStore");
    let before = data_tables(&s.dist);
    s.rebuild();
    let changed = data_tables(&s.dist)
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .count();
    assert!(changed >= 1);
    let d = s.diff(&proxy.url, "fr");
    assert_eq!(code(&d), 1, "{}", out(&d));
    let syncs = out(&d)
        .matches("table du DataStore à mettre à jour")
        .count();
    assert_eq!(syncs, changed, "{}", out(&d));
    proxy.reset();
    s.push(&proxy.url);
    for name in &s.names {
        assert_portal_equals_dist(&s.portal, &s.dist, name);
        assert_datastore_equals_dist(&s.portal, &s.dist, name);
    }
    // Each changed table is read once and gets one upsert of its changed rows; the removed
    // milestone goes in one delete; no table is created again.
    assert_eq!(proxy.forwarded("datastore_create"), 0);
    assert_eq!(proxy.forwarded("datastore_search") as usize, changed);
    assert_eq!(proxy.forwarded("datastore_upsert") as usize, changed);
    assert_eq!(proxy.forwarded("datastore_delete"), 1);
    let rows = first_milestone_rows(&s);
    assert!(
        rows.iter().all(|r| r["id"] != removed_id.as_str()),
        "{removed_id} still there"
    );
    let edited = "Jalon révisé pour la DataStore";
    assert!(rows
        .iter()
        .any(|r| r["titre"] == edited || r["title"] == edited));
}

/// A table longer than one `datastore_search` page (32,000 rows) loads in batches, is read
/// back page by page, and only its changed rows are sent: the sync compares each CSV record
/// with the stored rows as it reads them.
#[test]
fn a_table_longer_than_a_search_page_is_synced_row_by_row() {
    use std::fmt::Write as _;
    // Just over one page: with more rows, plan.json would pass the harness's 10 MB upload limit.
    const EXTRA: usize = 32_100;
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut s = Setup::new(
        "plain",
        "tests/fixtures/valid/ckan-two-plans/catalog",
        "big",
        |catalog| {
            let (path, lines) = milestones_file(catalog);
            let commitment = lines[0].split(',').nth(1).unwrap().to_string();
            let mut text = std::fs::read_to_string(&path).unwrap();
            for i in 0..EXTRA {
                let status = ["in_progress", "not_started"][i % 2];
                writeln!(
                    text,
                    "{commitment}-L{i:05},{commitment},Étape {i},2024-01,2024-0{},{status},,,Équipe {}",
                    1 + i % 9,
                    i % 7
                )
                .unwrap();
            }
            std::fs::write(&path, text).unwrap();
        },
    );
    let proxy = Proxy::start(s.portal.url.trim_start_matches("http://"));
    s.push(&proxy.url);
    let mut rows = 0;
    for name in &s.names {
        assert_datastore_equals_dist(&s.portal, &s.dist, name);
        let dir = s.dist.join("datasets").join(name);
        rows += std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .map(|p| read_csv(&p).1.len())
            .max()
            .unwrap();
    }
    assert!(rows > EXTRA, "{rows} rows");
    // At most 5,000 records per upsert: the big table alone takes seven at least.
    assert!(
        proxy.forwarded("datastore_upsert") as usize >= (EXTRA + 2).div_ceil(5_000),
        "{} upserts",
        proxy.forwarded("datastore_upsert")
    );

    // One row edited on the second page of the table, one removed from the first.
    let (path, _) = milestones_file(&s.catalog);
    edit(&path, "Étape 32050,", "Étape révisée,");
    let text = std::fs::read_to_string(&path).unwrap();
    let removed = text
        .lines()
        .find(|l| l.contains(",Étape 100,"))
        .unwrap()
        .to_string();
    std::fs::write(&path, text.replacen(&format!("{removed}\n"), "", 1)).unwrap();
    let removed_id = removed.split(',').next().unwrap().to_string();
    s.rebuild();
    proxy.reset();
    s.push(&proxy.url);
    for name in &s.names {
        assert_datastore_equals_dist(&s.portal, &s.dist, name);
    }
    // The milestones table is read in two pages, the commitments table (its counts changed)
    // in one; each gets one upsert of its one changed row; the removed milestone, one delete.
    assert_eq!(proxy.forwarded("datastore_search"), 3);
    assert_eq!(proxy.forwarded("datastore_upsert"), 2);
    assert_eq!(proxy.forwarded("datastore_delete"), 1);
    assert_eq!(proxy.forwarded("datastore_create"), 0);
    let stored = first_milestone_rows(&s);
    assert!(stored.iter().all(|r| r["id"] != removed_id.as_str()));
    assert!(stored.iter().any(|r| r["title"] == "Étape révisée"));
}

/// The bytes of every data table CSV of `dist/`, by path.
fn data_tables(dist: &Path) -> BTreeMap<String, Vec<u8>> {
    common::read_tree(&dist.join("datasets"))
        .into_iter()
        .filter(|(k, _)| {
            [
                "/engagements.csv",
                "/jalons.csv",
                "/commitments.csv",
                "/milestones.csv",
            ]
            .iter()
            .any(|t| k.ends_with(t))
        })
        .collect()
}

#[test]
fn donnees_quebec_bundled_catalogue_lands_in_the_datastore() {
    lands_typed_documented_then_stays_then_follows("dq", "catalog");
}

#[test]
fn plain_ckan_two_plans_land_in_the_datastore() {
    lands_typed_documented_then_stays_then_follows(
        "plain",
        "tests/fixtures/valid/ckan-two-plans/catalog",
    );
}

/// `xloader_status` of a resource: `None` when the portal never queued a job for it.
fn xloader_status(portal: &Portal, resource_id: &str) -> Option<Value> {
    let answer = action_json(
        portal,
        "xloader_status",
        &json!({ "resource_id": resource_id }),
    );
    match answer["success"].as_bool() {
        Some(true) => Some(answer["result"].clone()),
        _ if answer["error"]["__type"] == "Not Found Error" => None,
        _ => panic!("xloader_status: {answer}"),
    }
}

/// The ids of the data tables' resources of `name`.
fn table_ids(portal: &Portal, name: &str) -> Vec<String> {
    package_show(portal, name)["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["datastore_active"] == true)
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

/// On a CKAN whose ckanext-xloader loads every CSV it is told of (with its job worker):
/// `push` never sets it off (files go up through `package_revise`), loads the DataStore
/// itself, typed and documented; when the portal's loader loads a table again anyway, the
/// types survive (`type_override`), the next push finds the rows equal and only restores the
/// file's hash, which xloader replaced; then nothing is written.
#[test]
fn a_portal_with_xloader_keeps_typed_documented_tables() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let s = setup("xl", "tests/fixtures/valid/ckan-two-plans/catalog", "xl");
    let status = common::portal::status(&s.portal);
    assert!(
        status["extensions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "xloader"),
        "the xl portal runs without xloader: {status}"
    );
    let proxy = Proxy::start(s.portal.url.trim_start_matches("http://"));
    s.push(&proxy.url);
    let mut tables = Vec::new();
    for name in &s.names {
        assert_eq!(assert_datastore_equals_dist(&s.portal, &s.dist, name), 2);
        tables.extend(table_ids(&s.portal, name));
    }
    for id in &tables {
        assert_eq!(xloader_status(&s.portal, id), None, "a loader job for {id}");
        // The portal's default views include `datatables_view`: each table gets it.
        assert_eq!(
            view_types(&s.portal, id),
            ["datatables_view"],
            "{id}: views"
        );
    }
    proxy.reset();
    s.push(&proxy.url);
    assert_eq!(proxy.forwarded_writes(), 0);

    // The portal's loader loads one table again, as an administrator may ask it to.
    let id = &tables[1];
    let submitted = action_json(
        &s.portal,
        "xloader_submit",
        &json!({ "resource_id": id, "ignore_hash": true }),
    );
    assert_eq!(submitted["result"], true, "{submitted}");
    let start = std::time::Instant::now();
    loop {
        let st = xloader_status(&s.portal, id).expect("a job after xloader_submit");
        match st["status"].as_str() {
            Some("complete") => break,
            Some("error") => panic!("xloader failed: {st}"),
            _ => {}
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(90),
            "xloader did not finish in 90 s: {st}"
        );
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    // Typed and documented still, every row as in the CSV; xloader replaced the hash.
    for name in &s.names {
        assert_datastore_equals_dist(&s.portal, &s.dist, name);
    }
    proxy.reset();
    s.push(&proxy.url);
    for name in &s.names {
        assert_portal_equals_dist(&s.portal, &s.dist, name);
    }
    assert_eq!(
        proxy.forwarded("datastore_search"),
        1,
        "the reloaded table is read"
    );
    for action in ["datastore_create", "datastore_upsert", "datastore_delete"] {
        assert_eq!(proxy.forwarded(action), 0, "{action}: the rows were equal");
    }
    assert_eq!(proxy.forwarded("package_revise"), 1, "the hash put back");
    proxy.reset();
    s.push(&proxy.url);
    assert_eq!(proxy.forwarded_writes(), 0);
}

/// CKAN 2.9, Données Québec's stated version: the same loads, no-op and edits.
#[test]
fn ckan_2_9_two_plans_land_in_the_datastore() {
    lands_typed_documented_then_stays_then_follows(
        "v29",
        "tests/fixtures/valid/ckan-two-plans/catalog",
    );
}

/// CKAN 2.12, the newest release.
#[test]
fn ckan_2_12_two_plans_land_in_the_datastore() {
    lands_typed_documented_then_stays_then_follows(
        "v212",
        "tests/fixtures/valid/ckan-two-plans/catalog",
    );
}

fn report_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("report line is JSON"))
        .collect()
}

/// Each DataStore request faulted once on a fresh pair of datasets: the push exits 0 having
/// retried that request alone (every DataStore write is idempotent: the create carries no
/// records, rows are upserted by their id, deletes name ids), and the DataStore and the
/// portal equal `dist/`, no row twice.
#[test]
fn faults_on_datastore_requests_are_retried_and_converge() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let cases: Vec<(&str, &str, u32, Fault)> = vec![
        (
            "create applied, answer lost",
            "datastore_create",
            1,
            Fault::LoseResponse,
        ),
        (
            "upsert applied, answer lost",
            "datastore_upsert",
            2,
            Fault::LoseResponse,
        ),
        (
            "503 on an upsert",
            "datastore_upsert",
            1,
            Fault::Status {
                code: 503,
                body: "Service Unavailable".into(),
                retry_after: None,
            },
        ),
        (
            "upsert cut off mid-answer",
            "datastore_upsert",
            3,
            Fault::ResetResponse,
        ),
        (
            "search answer truncated",
            "datastore_search",
            1,
            Fault::Truncate,
        ),
        (
            "delete applied, answer lost",
            "datastore_delete",
            1,
            Fault::LoseResponse,
        ),
    ];
    for (what, action, nth, fault) in cases {
        let mut s = setup(
            "plain",
            "tests/fixtures/valid/ckan-two-plans/catalog",
            "dsfault",
        );
        // Searches and deletes happen when a table changes: publish, then remove a milestone.
        if matches!(action, "datastore_search" | "datastore_delete") {
            s.push(&s.portal.url);
            let (path, lines) = milestones_file(&s.catalog);
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replacen(&format!("{}\n", lines[0]), "", 1)).unwrap();
            s.rebuild();
        }
        let proxy = Proxy::start(s.portal.url.trim_start_matches("http://"));
        proxy.add(action, nth, fault.clone());
        let report = s.tmp.path().join("report.jsonl");
        let o = run_portal(
            "push",
            &proxy.url,
            &s.portal.token_file,
            &s.dist,
            &["--report", &report.to_string_lossy(), "--timeout", "3"],
        );
        assert_eq!(code(&o), 0, "{what}: {}", out(&o));
        assert_eq!(proxy.injected(), [(action.to_string(), fault)], "{what}");
        for name in &s.names {
            assert_portal_equals_dist(&s.portal, &s.dist, name);
            assert_datastore_equals_dist(&s.portal, &s.dist, name);
        }
        // One retry, of the faulted request; nothing else tried twice.
        let lines = report_lines(&report);
        let retried: Vec<String> = lines
            .iter()
            .filter(|l| l["attempts"].as_u64().unwrap_or(1) > 1)
            .map(|l| format!("{} x{}", l["action"], l["attempts"]))
            .collect();
        assert_eq!(
            retried,
            vec![format!("\"{action}\" x2")],
            "{what}: {lines:?}"
        );
    }
}

/// A push killed while it loads the DataStore (just after the proxy read its n-th DataStore
/// write, for every n the load makes) converges on the next run: every table holds exactly
/// its CSV's rows, the portal equals `dist/`, and a further push writes nothing.
#[test]
fn a_push_killed_during_a_load_converges_on_the_next_run() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let writes = ["datastore_create", "datastore_upsert"];
    // How many DataStore writes a first push makes: one create and one upsert per table.
    let per_run = 4 * 2;
    for nth in 1..=per_run {
        let s = setup(
            "plain",
            "tests/fixtures/valid/ckan-two-plans/catalog",
            "dskill",
        );
        let proxy = Proxy::start(s.portal.url.trim_start_matches("http://"));
        // Hold every answer, so the run surely waits while it is killed.
        proxy.delay_answers(std::time::Duration::from_millis(200));
        let mut child = common::ChildGuard::spawn(
            std::process::Command::new(env!("CARGO_BIN_EXE_ogp-publish"))
                .args(["push", "--portal", &proxy.url, "--dist"])
                .arg(&s.dist)
                .arg("--token-file")
                .arg(&s.portal.token_file)
                .env_remove("CKAN_URL")
                .env_remove("CKAN_API_TOKEN")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null()),
        );
        let start = std::time::Instant::now();
        loop {
            let seen: u32 = writes.iter().map(|a| proxy.forwarded(a)).sum();
            if seen >= nth {
                break;
            }
            assert!(
                child.try_wait().unwrap().is_none(),
                "run {nth}: ended before write {nth}"
            );
            assert!(
                start.elapsed() < std::time::Duration::from_secs(60),
                "run {nth}: stuck"
            );
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(
            proxy.wait_idle(std::time::Duration::from_secs(30)),
            "run {nth}: proxy busy"
        );
        proxy.delay_answers(std::time::Duration::ZERO);
        s.push(&s.portal.url);
        for name in &s.names {
            assert_portal_equals_dist(&s.portal, &s.dist, name);
            assert_datastore_equals_dist(&s.portal, &s.dist, name);
        }
        proxy.reset();
        s.push(&proxy.url);
        assert_eq!(
            proxy.forwarded_writes(),
            0,
            "run {nth}: writes after convergence"
        );
    }
}
