//! `diff` and `push` against the project's real CKAN servers (plain CKAN with the `ckan`
//! profile, CKAN + ckanext-scheming with the `donneesquebec` profile), started by
//! `harness/ckan.sh`. A fault proxy sits between the client and the server where a test needs
//! to count what the server received or to break the connection.

mod common;

use common::portal::{
    action, action_json, assert_portal_equals_dist, assert_portal_equals_dist_in_any_order, build,
    package_show, portal, portal_differences, run_portal, view_types, Portal, Setup,
};
use common::proxy::{Fault, FilePart, Gate, Proxy};
use common::{code, root, ChildGuard};
use ogp_publish::ops::VIEWS_ACTION;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// One push test at a time: the server has two cores, and timings stay readable.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn setup(config: &'static str, tag: &str) -> Setup {
    // The Données Québec-like portal gets the bundled catalogue; every plain CKAN (the full
    // suite's and one per other CKAN version) the `ckan` profile's.
    let source = match config {
        "dq" => "catalog",
        _ => "tests/fixtures/valid/ckan-two-plans/catalog",
    };
    setup_from(config, source, tag)
}

/// A uniquely named copy of the catalogue at `source` (relative to the project), built.
fn setup_from(config: &'static str, source: &str, tag: &str) -> Setup {
    // The files and metadata alone: the DataStore has its own tests (tests/datastore.rs),
    // and the request counts here are those of a portal without it.
    Setup::new(config, source, tag, datastore_off)
}

/// Sets `datastore = "off"` in the catalogue's `publisher.toml`.
fn datastore_off(catalog: &Path) {
    let path = catalog.join("publisher.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("datastore = \"off\"\n{text}")).unwrap();
}

impl Setup {
    fn push(&self, url: &str, extra: &[&str]) -> std::process::Output {
        run_portal("push", url, &self.portal.token_file, &self.dist, extra)
    }

    fn diff(&self, url: &str, extra: &[&str]) -> std::process::Output {
        run_portal("diff", url, &self.portal.token_file, &self.dist, extra)
    }

    fn proxy(&self) -> Proxy {
        Proxy::start(self.portal.url.trim_start_matches("http://"))
    }

    fn report(&self) -> PathBuf {
        self.tmp
            .path()
            .join(format!("report-{}.jsonl", fastrand::u32(..)))
    }

    /// Resource files of the local datasets (every file but package.json).
    fn files(&self) -> usize {
        self.names
            .iter()
            .map(|n| {
                std::fs::read_dir(self.dist.join("datasets").join(n))
                    .unwrap()
                    .count()
                    - 1
            })
            .sum()
    }

    fn assert_converged(&self) {
        for name in &self.names {
            assert_portal_equals_dist(&self.portal, &self.dist, name);
        }
    }
}

/// Starts a push in the background (output discarded), for tests that kill or race it. It is
/// killed and reaped when the guard is dropped: a test that fails leaves it running no longer.
fn spawn_push(portal: &str, dist: &Path, token_file: &Path) -> ChildGuard {
    ChildGuard::spawn(
        std::process::Command::new(env!("CARGO_BIN_EXE_ogp-publish"))
            .args(["push", "--portal", portal, "--dist"])
            .arg(dist)
            .arg("--token-file")
            .arg(token_file)
            .env_remove("CKAN_URL")
            .env_remove("CKAN_API_TOKEN")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null()),
    )
}

fn out(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn report_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("report line is JSON"))
        .collect()
}

fn writes_in(report: &[serde_json::Value]) -> Vec<String> {
    report
        .iter()
        .filter(|r| {
            !["package_show", "package_search", "extra"]
                .contains(&r["action"].as_str().unwrap_or_default())
        })
        .map(|r| {
            format!(
                "{} {}",
                r["action"].as_str().unwrap(),
                r["resource"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

/// The outcomes of the report lines about `action`, in order.
fn outcomes<'a>(report: &'a [serde_json::Value], action: &str) -> Vec<&'a str> {
    report
        .iter()
        .filter(|l| l["action"] == action)
        .map(|l| l["outcome"].as_str().unwrap_or_default())
        .collect()
}

/// The requests `diff` and `push` make to learn what a harness portal accepts.
struct PortalChecks {
    schema: u32,
    groups: u32,
}

impl PortalChecks {
    fn total(&self) -> usize {
        (self.schema + self.groups) as usize
    }
}

/// `dq` serves its scheming schema, and the bundled catalogue names one group; `plain` has
/// neither.
fn portal_checks(config: &str) -> PortalChecks {
    match config {
        "dq" => PortalChecks {
            schema: 1,
            groups: 1,
        },
        _ => PortalChecks {
            schema: 0,
            groups: 0,
        },
    }
}

fn first_push_then_noop(config: &'static str) {
    let _g = serial();
    let s = setup(config, "first");
    let proxy = s.proxy();
    // Before anything exists, diff says everything is to be created and exits 1.
    let d = s.diff(&proxy.url, &[]);
    assert_eq!(code(&d), 1, "{}", out(&d));
    assert!(out(&d).contains(": create"), "{}", out(&d));

    proxy.reset();
    let report = s.report();
    let o = s.push(&proxy.url, &["--report", &report.to_string_lossy()]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    // Every file is on the portal once, byte for byte (downloaded back), with our hash.
    s.assert_converged();
    let files = s.files();
    let datasets = s.names.len();
    // One create per dataset, then one package_revise carrying all its files and one call
    // for the default resource views resource_create would have made; the only reads are the
    // two preflight checks and one search: no dataset is read before it exists.
    assert_eq!(proxy.forwarded("package_create") as usize, datasets);
    assert_eq!(proxy.forwarded("package_revise") as usize, datasets);
    assert_eq!(proxy.forwarded(VIEWS_ACTION) as usize, datasets);
    assert_eq!(proxy.forwarded("resource_create"), 0);
    assert_eq!(proxy.forwarded("package_show"), 0);
    assert_eq!(proxy.forwarded("package_search"), 1);
    assert_eq!(proxy.forwarded_writes() as usize, 3 * datasets);
    // Before any write: the two preflight reads, and what the portal accepts (on the Données
    // Québec-like portal, its scheming schema once and each group the datasets name once).
    let checks = portal_checks(config);
    assert_eq!(
        proxy.forwarded("scheming_dataset_schema_show"),
        checks.schema
    );
    assert_eq!(proxy.forwarded("group_show"), checks.groups);
    assert_eq!(
        proxy.forwarded_total() as usize,
        3 * datasets + 3 + checks.total()
    );
    // The target: no more requests in all than one create per dataset plus one per file.
    assert!(proxy.forwarded_total() as usize <= datasets + files + checks.total());
    let lines = report_lines(&report);
    assert_eq!(writes_in(&lines).len(), 3 * datasets, "{lines:?}");
    assert!(
        outcomes(&lines, VIEWS_ACTION).iter().all(|o| *o == "ok"),
        "{lines:?}"
    );
    for name in &s.names {
        // The revise names its files in publishing order, and the portal keeps that order with
        // the fields we own on each resource.
        let local: serde_json::Value = serde_json::from_slice(
            &std::fs::read(s.dist.join("datasets").join(name).join("package.json")).unwrap(),
        )
        .unwrap();
        let keys: Vec<&str> = local["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["url"].as_str().unwrap())
            .collect();
        let revise = lines
            .iter()
            .find(|l| l["action"] == "package_revise" && l["dataset"] == name.as_str())
            .unwrap_or_else(|| panic!("no package_revise line for {name}: {lines:?}"));
        assert_eq!(revise["resources"], serde_json::json!(keys));
        let remote = package_show(&s.portal, name);
        let remote = remote["resources"].as_array().unwrap();
        assert_eq!(remote.len(), keys.len());
        for (theirs, ours) in remote.iter().zip(local["resources"].as_array().unwrap()) {
            let url = theirs["url"].as_str().unwrap();
            assert_eq!(
                url.rsplit('/').next(),
                ours["url"].as_str(),
                "{name}: order"
            );
            let bytes = std::fs::metadata(
                s.dist
                    .join("datasets")
                    .join(name)
                    .join(url.rsplit('/').next().unwrap()),
            )
            .unwrap()
            .len();
            assert_eq!(theirs["size"], bytes, "{name}/{url}: size");
            // The harness portals list text_view among their default views: a JSON file gets
            // one, as resource_create would have given it, and a CSV file none.
            let id = theirs["id"].as_str().unwrap();
            let types = view_types(&s.portal, id);
            let want: &[&str] = if ours["format"] == "JSON" {
                &["text_view"]
            } else {
                &[]
            };
            assert_eq!(types, want, "{name}/{url}: views");
            for (k, v) in ours.as_object().unwrap() {
                if k == "url" {
                    continue;
                }
                let want = match v {
                    serde_json::Value::String(t) => t.clone(),
                    other => other.to_string(),
                };
                let got = match &theirs[k] {
                    serde_json::Value::String(t) => t.clone(),
                    other => other.to_string(),
                };
                assert_eq!(got, want, "{name}/{url}: `{k}`");
            }
        }
    }

    // The second push right after writes nothing, and reads nothing but the search.
    proxy.reset();
    let report2 = s.report();
    let o = s.push(&proxy.url, &["--report", &report2.to_string_lossy(), "-v"]);
    assert!(
        out(&o).contains("debug: package_search attempt 1: ok"),
        "{}",
        out(&o)
    );
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert_eq!(proxy.forwarded_writes(), 0, "{:?}", report_lines(&report2));
    assert!(writes_in(&report_lines(&report2)).is_empty());
    // Exactly the two preflight reads and the search, however many datasets (the target, at
    // most one read per dataset, holds from three datasets on; bench/push.sh checks 200).
    assert_eq!(proxy.forwarded("package_show"), 0);
    assert_eq!(proxy.forwarded("package_search"), 1);
    assert_eq!(proxy.forwarded_total() as usize, 3 + checks.total());
    proxy.reset();
    let d = s.diff(&proxy.url, &[]);
    assert_eq!(code(&d), 0, "{}", out(&d));
    // diff asks status_show and whether the organisation exists, then the same portal
    // checks as push, whether its token may read the organisation (a token CKAN does not
    // know reads as none), then the search index once.
    assert_eq!(proxy.forwarded("organization_show"), 1);
    assert_eq!(proxy.forwarded("organization_list_for_user"), 1);
    assert_eq!(proxy.forwarded("package_search"), 1);
    assert_eq!(
        proxy.forwarded_total() as usize,
        4 + checks.total(),
        "diff: status, organisation, portal checks, token, one search"
    );
    for o in [&o, &d] {
        assert!(!out(o).contains(&s.portal.token), "token leaked");
    }
    assert!(!std::fs::read_to_string(&report)
        .unwrap()
        .contains(&s.portal.token));
}

#[test]
fn plain_ckan_first_push_creates_everything_and_second_writes_nothing() {
    first_push_then_noop("plain");
}

#[test]
fn donnees_quebec_schema_first_push_creates_everything_and_second_writes_nothing() {
    first_push_then_noop("dq");
}

/// One change made on the portal behind the tool's back, and the exact differences the
/// comparison must report for it.
struct Alteration {
    /// The dataset-level fields to `package_patch`, or (with `resource`) the resource fields
    /// to `resource_patch`.
    fields: serde_json::Value,
    /// The file whose resource is patched.
    resource: Option<&'static str>,
    /// A file to upload in place of that resource's.
    upload: Option<&'static str>,
    expected: Vec<String>,
}

/// The comparison behind every "the portal equals dist/" of these tests: after a push it
/// finds nothing, and each published field changed on the portal alone (a dataset field,
/// a tag, an extra, a group, the organisation, a resource's field or bytes, a field dist/
/// does not have) is reported with its key path and both values, and nothing else; the
/// assertion built on it panics.
fn the_portal_comparison_catches_each_difference(config: &'static str) {
    use serde_json::json;
    let _g = serial();
    let s = setup(config, "compare");
    assert_eq!(code(&s.push(&s.portal.url, &[])), 0);
    let name = s.names[0].clone();
    assert_eq!(
        portal_differences(&s.portal, &s.dist, &name),
        Vec::<String>::new()
    );
    let local: serde_json::Value = serde_json::from_slice(
        &std::fs::read(s.dist.join("datasets").join(&name).join("package.json")).unwrap(),
    )
    .unwrap();
    let rs = |file: &str| {
        let i = local["resources"]
            .as_array()
            .unwrap()
            .iter()
            .position(|r| r["url"] == file)
            .unwrap();
        format!("{name}.resources[{i}] ({file})")
    };
    let title = local["title"].clone();
    let notes = local["notes"].clone();
    let license = local["license_id"].clone();
    let mut extras = local["extras"].clone();
    let mut tags = local["tags"].clone();
    tags.as_array_mut().unwrap().pop();
    let other_org = if local["owner_org"] == "open-gov-office" {
        "secretariat-du-conseil-du-tresor"
    } else {
        "open-gov-office"
    };
    let table = if config == "dq" {
        "jalons.csv"
    } else {
        "milestones.csv"
    };
    let table_path = s.dist.join("datasets").join(&name).join(table);
    let table_len = std::fs::metadata(&table_path).unwrap().len();
    let mut cases = vec![
        Alteration {
            fields: json!({"title": "Altered title"}),
            resource: None,
            upload: None,
            expected: vec![format!(
                "{name}.title: dist/ has {title}, the portal \"Altered title\""
            )],
        },
        Alteration {
            fields: json!({"notes": "Altered notes"}),
            resource: None,
            upload: None,
            expected: vec![format!(
                "{name}.notes: dist/ has {notes}, the portal \"Altered notes\""
            )],
        },
        Alteration {
            fields: json!({"license_id": "odc-odbl"}),
            resource: None,
            upload: None,
            expected: vec![format!(
                "{name}.license_id: dist/ has {license}, the portal \"odc-odbl\""
            )],
        },
        Alteration {
            fields: json!({"private": true}),
            resource: None,
            upload: None,
            expected: vec![format!("{name}.private: dist/ has false, the portal true")],
        },
        Alteration {
            fields: json!({"tags": tags.clone()}),
            resource: None,
            upload: None,
            expected: vec![format!(
                "{name}.tags: dist/ has {}, the portal {tags}",
                local["tags"]
            )],
        },
        Alteration {
            fields: json!({"owner_org": other_org}),
            resource: None,
            upload: None,
            expected: vec![format!(
                "{name}.owner_org: dist/ has {}, the portal \"{other_org}\" (organization.name)",
                local["owner_org"]
            )],
        },
        Alteration {
            fields: json!({"version": "9"}),
            resource: None,
            upload: None,
            expected: vec![format!("{name}.version: dist/ has none, the portal \"9\"")],
        },
        Alteration {
            fields: json!({"description": "Altered description"}),
            resource: Some(table),
            upload: None,
            expected: vec![format!(
                "{}.description: dist/ has {}, the portal \"Altered description\"",
                rs(table),
                local["resources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["url"] == table)
                    .unwrap()["description"]
            )],
        },
        Alteration {
            fields: json!({"added_by_hand": "x"}),
            resource: Some(table),
            upload: None,
            expected: vec![format!(
                "{}.added_by_hand: dist/ has none, the portal \"x\"",
                rs(table)
            )],
        },
        // Other bytes under the same file name, our hash left in place: only a download sees it.
        Alteration {
            fields: json!({}),
            resource: Some(table),
            upload: Some("a,b\n1,2\n"),
            expected: vec![
                format!(
                    "{}.size: the file has {table_len} bytes, the portal 8",
                    rs(table)
                ),
                format!(
                    "{}: downloaded bytes differ from dist/ (8 vs {table_len} bytes)",
                    rs(table)
                ),
            ],
        },
    ];
    if config == "dq" {
        let method = local["methodologie"].clone();
        cases.push(Alteration {
            fields: json!({"methodologie": "Autre méthode"}),
            resource: None,
            upload: None,
            expected: vec![format!(
                "{name}.methodologie: dist/ has {method}, the portal \"Autre méthode\""
            )],
        });
        cases.push(Alteration {
            fields: json!({"groups": []}),
            resource: None,
            upload: None,
            expected: vec![format!(
                "{name}.groups: dist/ has {}, the portal []",
                local["groups"]
            )],
        });
        cases.push(Alteration {
            fields: json!({"relidi_condon_valinc": "non"}),
            resource: Some(table),
            upload: None,
            expected: vec![format!(
                "{}.relidi_condon_valinc: dist/ has \"oui\", the portal \"non\"",
                rs(table)
            )],
        });
    } else {
        let old = extras[1]["value"].clone();
        extras[1]["value"] = json!("1999-01-01/1999-12-31");
        cases.push(Alteration {
            fields: json!({"extras": extras.clone()}),
            resource: None,
            upload: None,
            expected: vec![format!(
                "{name}.extras[1].value: dist/ has {old}, the portal \"1999-01-01/1999-12-31\""
            )],
        });
    }
    for case in &cases {
        // Alter, compare, then restore what was there.
        let before = package_show(&s.portal, &name);
        let resource = case.resource.map(|file| {
            before["resources"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["url"].as_str().unwrap().ends_with(&format!("/{file}")))
                .unwrap()
                .clone()
        });
        let restore = |fields: &serde_json::Value| -> serde_json::Value {
            let source = resource.as_ref().unwrap_or(&before);
            let mut back = serde_json::Map::new();
            for k in fields.as_object().unwrap().keys() {
                back.insert(k.clone(), source.get(k).cloned().unwrap_or(json!("")));
            }
            serde_json::Value::Object(back)
        };
        let patch = |fields: &serde_json::Value| {
            let mut body = fields.clone();
            let answer = match &resource {
                Some(r) => {
                    body["id"] = r["id"].clone();
                    action_json(&s.portal, "resource_patch", &body)
                }
                None => {
                    body["id"] = json!(name);
                    action_json(&s.portal, "package_patch", &body)
                }
            };
            assert_eq!(answer["success"], true, "{body}: {answer}");
        };
        match (case.upload, &resource) {
            (Some(text), Some(r)) => {
                let file = s.tmp.path().join(case.resource.unwrap());
                std::fs::write(&file, text).unwrap();
                let id = r["id"].as_str().unwrap();
                let answer = action(&s.portal, "resource_patch", &[("id", id)], Some(&file));
                assert_eq!(answer["success"], true, "{answer}");
            }
            _ => patch(&case.fields),
        }
        let found = portal_differences(&s.portal, &s.dist, &name);
        assert_eq!(found, case.expected, "after {}", case.fields);
        if case.upload.is_some() {
            let panicked =
                std::panic::catch_unwind(|| assert_portal_equals_dist(&s.portal, &s.dist, &name));
            let message = panicked.expect_err("the assertion passed on a different file");
            let message = message
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default();
            assert!(message.contains(&case.expected[1]), "{message}");
            let id = resource.as_ref().unwrap()["id"].as_str().unwrap();
            let answer = action(
                &s.portal,
                "resource_patch",
                &[("id", id)],
                Some(&table_path),
            );
            assert_eq!(answer["success"], true, "{answer}");
        } else {
            patch(&restore(&case.fields));
        }
        assert_eq!(
            portal_differences(&s.portal, &s.dist, &name),
            Vec::<String>::new(),
            "not restored after {}",
            case.fields
        );
    }
    // A second copy of a file, and files out of dist/'s order.
    let copy = action(
        &s.portal,
        "resource_create",
        &[("package_id", &name), ("name", "copy")],
        Some(&table_path),
    );
    assert_eq!(copy["success"], true, "{copy}");
    let files: Vec<String> = local["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["url"].as_str().unwrap().to_string())
        .collect();
    let mut with_copy = files.clone();
    with_copy.push(table.to_string());
    assert_eq!(
        portal_differences(&s.portal, &s.dist, &name),
        [format!(
            "{name}.resources: dist/ has files {files:?}, the portal {with_copy:?}"
        )]
    );
}

#[test]
fn plain_ckan_portal_comparison_catches_each_difference() {
    the_portal_comparison_catches_each_difference("plain");
}

#[test]
fn donnees_quebec_portal_comparison_catches_each_difference() {
    the_portal_comparison_catches_each_difference("dq");
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn plan_dir(catalog: &Path, prefix: &str) -> PathBuf {
    std::fs::read_dir(catalog.join("plans"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap()
}

fn changes_write_only_what_changed(
    config: &'static str,
    plan: &str,
    milestones: &str,
    from: &str,
    to: &str,
) {
    let _g = serial();
    let mut s = setup(config, "change");
    assert_eq!(code(&s.push(&s.portal.url, &[])), 0);
    // A milestone title changes: its tables, the nested plan and the Data Package change.
    let dir = plan_dir(&s.catalog, plan);
    edit(&dir.join(milestones), from, to);
    s.rebuild();
    let proxy = s.proxy();
    let report = s.report();
    let d = s.diff(&proxy.url, &["--format", "json"]);
    assert_eq!(code(&d), 1);
    let o = s.push(&proxy.url, &["--report", &report.to_string_lossy()]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    // One write: a package_revise carrying the four changed files (it replaces one
    // resource_patch per file; the metadata_modified match guards it like an addition).
    let lines = report_lines(&report);
    assert_eq!(writes_in(&lines), vec!["package_revise -".to_string()]);
    let revise = lines
        .iter()
        .find(|l| l["action"] == "package_revise")
        .unwrap();
    let mut carried: Vec<String> = revise["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    carried.sort();
    let m = if config == "dq" {
        "jalons"
    } else {
        "milestones"
    };
    let mut want = vec![
        "datapackage.json".to_string(),
        format!("{m}.csv"),
        format!("{m}.json"),
        "plan.json".to_string(),
    ];
    want.sort();
    assert_eq!(carried, want);
    assert_eq!(proxy.forwarded("package_patch"), 0);
    assert_eq!(proxy.forwarded("resource_patch"), 0);
    assert_eq!(proxy.forwarded_writes(), 1);
    s.assert_converged();

    // The dataset's title changes: only package_patch, with that key only.
    edit(
        &dir.join("plan.toml"),
        "[dataset]\n",
        "[dataset]\ntitle = \"Titre modifié pour le test\"\n",
    );
    s.rebuild();
    proxy.reset();
    let report = s.report();
    let o = s.push(
        &proxy.url,
        &["--report", &report.to_string_lossy(), "--format", "json"],
    );
    assert_eq!(code(&o), 0, "{}", out(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let changed: Vec<&serde_json::Value> = v["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["action"] == "update")
        .collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["changed"], serde_json::json!(["title"]));
    assert_eq!(
        writes_in(&report_lines(&report)),
        vec!["package_patch -".to_string()]
    );
    assert_eq!(proxy.forwarded_writes(), 1);
    let name = changed[0]["name"].as_str().unwrap();
    assert_eq!(
        package_show(&s.portal, name)["title"],
        "Titre modifié pour le test"
    );
}

#[test]
fn plain_ckan_changes_write_only_what_changed() {
    changes_write_only_what_changed(
        "plain",
        "alpha",
        "milestones.csv",
        "Second step",
        "Second step (renamed)",
    );
}

#[test]
fn donnees_quebec_schema_changes_write_only_what_changed() {
    changes_write_only_what_changed(
        "dq",
        "quebec",
        "milestones.csv",
        "Offrir des conférences de formation en ligne",
        "Offrir des conférences de formation en ligne (modifié)",
    );
}

/// Pushes `s` through a proxy and asserts the run stopped with exit 2 before any write,
/// leaving the portal without the datasets; returns what it printed.
fn refused_before_any_write(s: &Setup, cmd: &str) -> String {
    let proxy = s.proxy();
    let o = run_portal(cmd, &proxy.url, &s.portal.token_file, &s.dist, &[]);
    assert_eq!(code(&o), 2, "{}", out(&o));
    assert_eq!(proxy.forwarded_writes(), 0, "{cmd} wrote");
    assert_eq!(proxy.forwarded("package_search"), 0, "{cmd} read datasets");
    assert_eq!(proxy.forwarded("package_show"), 0, "{cmd} read a dataset");
    for name in &s.names {
        assert!(
            package_show(&s.portal, name).is_null(),
            "{name} exists on the portal"
        );
    }
    out(&o)
}

#[test]
fn a_dataset_the_portal_schema_refuses_stops_diff_and_push_before_any_write() {
    let _g = serial();
    // The plain CKAN profile's datasets lack every field the Données Québec-like schema
    // requires: both commands name each dataset and field before reading or writing one.
    let s = setup_from(
        "dq",
        "tests/fixtures/valid/ckan-two-plans/catalog",
        "schema",
    );
    for cmd in ["diff", "push"] {
        let text = refused_before_any_write(&s, cmd);
        for name in &s.names {
            for field in ["author_email", "ext_spatial", "update_frequency"] {
                let line =
                    format!("dataset `{name}`: the portal requires `{field}` and it is missing");
                assert!(text.contains(&line), "{cmd}: no `{line}` in:\n{text}");
            }
        }
        assert!(text.contains("nothing was written"), "{text}");
        assert!(!text.contains(&s.portal.token), "token leaked");
    }
}

#[test]
fn a_group_or_organisation_missing_on_the_portal_stops_before_any_write() {
    let _g = serial();
    for (from, to, what) in [
        (
            "groups = [\"gouvernement-finances\"]",
            "groups = [\"categorie-inexistante\"]",
            "the group `categorie-inexistante` does not exist on the portal",
        ),
        (
            "name = \"secretariat-du-conseil-du-tresor\"",
            "name = \"organisme-inexistant\"",
            "the organisation `organisme-inexistant` does not exist on the portal",
        ),
    ] {
        let mut s = setup("dq", what.split('`').nth(1).unwrap_or("missing"));
        edit(&s.catalog.join("publisher.toml"), from, to);
        s.rebuild();
        for cmd in ["diff", "push"] {
            let text = refused_before_any_write(&s, cmd);
            assert!(text.contains(what), "{cmd}: {text}");
        }
    }
}

#[test]
fn extra_resources_are_reported_and_pruned_only_when_asked() {
    let _g = serial();
    let s = setup("plain", "extra");
    assert_eq!(code(&s.push(&s.portal.url, &[])), 0);
    let name = &s.names[0];
    let old = s.tmp.path().join("old-table.csv");
    std::fs::write(&old, "a,b\n1,2\n").unwrap();
    let created = action(
        &s.portal,
        "resource_create",
        &[("package_id", name), ("name", "Old table")],
        Some(&old),
    );
    assert_eq!(created["success"], true, "{created}");
    let d = s.diff(&s.portal.url, &[]);
    assert!(
        out(&d).contains("old-table.csv: extra on the portal"),
        "{}",
        out(&d)
    );
    let report = s.report();
    let o = s.push(&s.portal.url, &["--report", &report.to_string_lossy()]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    let lines = report_lines(&report);
    assert!(lines.iter().any(|l| l["action"] == "extra"
        && l["resource"] == "old-table.csv"
        && l["outcome"] == "reported"));
    assert_eq!(
        package_show(&s.portal, name)["resources"]
            .as_array()
            .unwrap()
            .len(),
        8
    );
    let o = s.push(&s.portal.url, &["--prune"]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    s.assert_converged();
}

#[test]
fn a_second_copy_of_one_of_our_files_is_removed_by_the_next_push() {
    let _g = serial();
    let s = setup("plain", "copy");
    assert_eq!(code(&s.push(&s.portal.url, &[])), 0);
    let name = &s.names[0];
    // What a request of a killed run does when it lands after the next run read the dataset:
    // the same file, uploaded once more.
    let file = s.dist.join("datasets").join(name).join("milestones.csv");
    let ids_of = |key: &str| -> Vec<String> {
        package_show(&s.portal, name)["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["url"].as_str().unwrap().ends_with(&format!("/{key}")))
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    let first = ids_of("milestones.csv");
    assert_eq!(first.len(), 1, "{first:?}");
    let copy = action(
        &s.portal,
        "resource_create",
        &[("package_id", name), ("name", "Milestones (CSV)")],
        Some(&file),
    );
    assert_eq!(copy["success"], true, "{copy}");
    let count = || {
        package_show(&s.portal, name)["resources"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count(), 8);
    let d = s.diff(&s.portal.url, &[]);
    assert_eq!(code(&d), 1, "{}", out(&d));
    assert!(
        out(&d).contains("milestones.csv: second copy of our file"),
        "{}",
        out(&d)
    );
    let report = s.report();
    let o = s.push(&s.portal.url, &["--report", &report.to_string_lossy()]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert_eq!(
        writes_in(&report_lines(&report)),
        ["resource_delete milestones.csv"]
    );
    assert_eq!(count(), 7);
    // The first copy, ours, is the one kept (its id, in its place); the second is gone.
    let copy_id = copy["result"]["id"].as_str().unwrap();
    assert_ne!(first[0], copy_id);
    assert_eq!(ids_of("milestones.csv"), first);
    s.assert_converged();
}

#[test]
fn a_search_index_that_lags_costs_a_refused_create_not_a_duplicate() {
    let _g = serial();
    let s = setup("plain", "lag");
    assert_eq!(code(&s.push(&s.portal.url, &[])), 0);
    // The index answers as if no dataset existed yet (a portal indexing asynchronously).
    let proxy = s.proxy();
    proxy.add(
        "package_search",
        1,
        Fault::Status {
            code: 200,
            body: "{\"success\": true, \"result\": {\"count\": 0, \"results\": []}}".into(),
            retry_after: None,
        },
    );
    let report = s.report();
    let o = s.push(&proxy.url, &["--report", &report.to_string_lossy()]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert_eq!(proxy.injected().len(), 1);
    // Each create is refused (the name is taken), then the dataset is read and found equal.
    assert_eq!(proxy.forwarded("package_create") as usize, s.names.len());
    let lines = report_lines(&report);
    assert_eq!(
        outcomes(&lines, "package_create"),
        vec!["exists"; s.names.len()],
        "{lines:?}"
    );
    assert_eq!(proxy.forwarded("package_show") as usize, s.names.len());
    assert_eq!(
        proxy.forwarded_writes() as usize,
        s.names.len(),
        "{:?}",
        report_lines(&report)
    );
    s.assert_converged();
}

/// The search index answers with older copies of the datasets (an index that lags): one
/// looks changed, and every one looks short of a file. Each is read before any write, found
/// current, and nothing is written: a stale index costs a read, never a wrong write or a copy.
#[test]
fn a_stale_search_answer_costs_a_read_never_a_wrong_write() {
    let _g = serial();
    let mut s = setup("plain", "stalesearch");
    assert_eq!(code(&s.push(&s.portal.url, &[])), 0);
    // What the index held after that push (package_search answers with package_show's output),
    // each copy short of its last file, as if the index had not seen that upload yet.
    let mut old: Vec<serde_json::Value> =
        s.names.iter().map(|n| package_show(&s.portal, n)).collect();
    for dataset in &mut old {
        dataset["resources"].as_array_mut().unwrap().pop();
    }
    let dir = plan_dir(&s.catalog, "alpha");
    edit(
        &dir.join("plan.toml"),
        "[dataset]\n",
        "[dataset]\ntitle = \"Alpha v2\"\n",
    );
    edit(&dir.join("milestones.csv"), "First step", "First step (v2)");
    s.rebuild();
    assert_eq!(code(&s.push(&s.portal.url, &[])), 0);
    let proxy = s.proxy();
    let stale = serde_json::json!({
        "success": true,
        "result": {"count": old.len(), "results": old},
    });
    proxy.add(
        "package_search",
        1,
        Fault::Status {
            code: 200,
            body: stale.to_string(),
            retry_after: None,
        },
    );
    let report = s.report();
    let o = s.push(&proxy.url, &["--report", &report.to_string_lossy()]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert_eq!(proxy.injected().len(), 1);
    let lines = report_lines(&report);
    assert_eq!(proxy.forwarded_writes(), 0, "{lines:?}");
    assert_eq!(
        outcomes(&lines, "package_show"),
        vec!["ok"; s.names.len()],
        "{lines:?}"
    );
    assert_eq!(proxy.forwarded("package_show") as usize, s.names.len());
    s.assert_converged();
}

/// The fields `push` sends for one resource of `dist/`, as form text.
fn resource_form(dist: &Path, name: &str, key: &str) -> Vec<(String, String)> {
    let package: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dist.join("datasets").join(name).join("package.json")).unwrap(),
    )
    .unwrap();
    let resource = package["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["url"] == key)
        .unwrap();
    resource
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.as_str() != "url")
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(t) => t.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

/// Someone writes to a dataset between the push's read and its revise (here the same file,
/// uploaded with our fields, as a request of a killed run would): CKAN refuses the revise on
/// its `metadata_modified` match; the push reads the dataset again, plans from that, and the
/// portal ends with exactly one copy of each file, the outside one kept, last.
///
/// The order is made by events, not by a delay: the proxy holds the revise at a gate until
/// the outside upload has been answered, and only then lets it reach the portal.
#[test]
fn a_revise_refused_because_the_dataset_changed_is_planned_again_without_a_copy() {
    stale_revise("plain");
}

fn stale_revise(config: &'static str) {
    let _g = serial();
    let s = setup(config, "stalerevise");
    assert_eq!(code(&s.push(&s.portal.url, &[])), 0);
    let (name, key) = (&s.names[0], "milestones.csv");
    // The portal loses one of our files: the next push adds it back with a revise.
    let gone = package_show(&s.portal, name)["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["url"].as_str().unwrap().ends_with(key))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let deleted = action(&s.portal, "resource_delete", &[("id", &gone)], None);
    assert_eq!(deleted["success"], true, "{deleted}");
    let proxy = s.proxy();
    let gate = Gate::new(Duration::from_secs(60));
    proxy.add("package_revise", 1, Fault::Hold(gate.clone()));
    let report = s.report();
    let report_arg = report.to_string_lossy().into_owned();
    let (o, outside) = std::thread::scope(|scope| {
        // Opened below once the outside upload is answered, or as this closure unwinds.
        let opener = gate.opener();
        let push = scope.spawn(|| s.push(&proxy.url, &["--report", &report_arg]));
        // The revise is held in the proxy: it has not reached the portal.
        gate.wait_reached(1, Duration::from_secs(60));
        assert_eq!(proxy.forwarded("package_revise"), 0);
        // Meanwhile the file is uploaded by someone else, straight to the portal.
        let form = resource_form(&s.dist, name, key);
        let mut fields: Vec<(&str, &str)> =
            form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        fields.push(("package_id", name));
        let file = s.dist.join("datasets").join(name).join(key);
        let created = action(&s.portal, "resource_create", &fields, Some(&file));
        assert_eq!(created["success"], true, "{created}");
        // Only now, the outside upload answered, does the revise go on.
        drop(opener);
        let outside = created["result"]["id"].as_str().unwrap().to_string();
        (push.join().unwrap(), outside)
    });
    assert_eq!(gate.timed_out(), 0, "the revise was never let go");
    assert_eq!(code(&o), 0, "{}", out(&o));
    let lines = report_lines(&report);
    assert_eq!(outcomes(&lines, "package_revise"), ["stale"], "{lines:?}");
    // Read before the write (the index may lag), then again after the refusal: nothing left.
    assert_eq!(outcomes(&lines, "package_show"), ["ok", "reconciled"]);
    assert_eq!(proxy.forwarded("package_revise"), 1);
    assert_eq!(proxy.forwarded_writes(), 1, "{lines:?}");
    // Every field of every dataset as in dist/, one resource per file. The copy uploaded by
    // someone else stays where CKAN put it, last: push does not reorder resources it finds
    // (a known limit: it never sends `package_resource_reorder`), so dist/'s order is not
    // restored for this dataset.
    for other in &s.names[1..] {
        assert_portal_equals_dist(&s.portal, &s.dist, other);
    }
    assert_portal_equals_dist_in_any_order(&s.portal, &s.dist, name);
    let resources: Vec<(String, String)> = package_show(&s.portal, name)["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let file = r["url"].as_str().unwrap().rsplit('/').next().unwrap();
            (file.to_string(), r["id"].as_str().unwrap().to_string())
        })
        .collect();
    // One copy of the file, and it is the outside one, last.
    let copies: Vec<&String> = resources
        .iter()
        .filter(|(file, _)| file == key)
        .map(|(_, id)| id)
        .collect();
    assert_eq!(copies, [&outside], "{resources:?}");
    assert_eq!(
        resources.last().map(|(file, _)| file.as_str()),
        Some(key),
        "{resources:?}"
    );
}

/// A revise that CKAN applied but whose answer was lost is never sent again: the push reads
/// the dataset, finds the files there, and has nothing left to do.
#[test]
fn a_revise_whose_answer_is_lost_is_reconciled_not_sent_again() {
    revise_answer_lost("plain");
}

fn revise_answer_lost(config: &'static str) {
    let _g = serial();
    let s = setup(config, "lostrevise");
    let proxy = s.proxy();
    proxy.add("package_revise", 1, Fault::LoseResponse);
    let report = s.report();
    let o = s.push(&proxy.url, &["--report", &report.to_string_lossy()]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert_eq!(proxy.injected().len(), 1);
    let lines = report_lines(&report);
    // One revise per dataset reached the portal, the lost one included, and nothing more;
    // the dataset whose answer was lost still gets its files' default views, asked for once.
    assert_eq!(proxy.forwarded("package_revise") as usize, s.names.len());
    assert_eq!(proxy.forwarded(VIEWS_ACTION) as usize, s.names.len());
    assert_eq!(proxy.forwarded_writes() as usize, 3 * s.names.len());
    assert!(
        outcomes(&lines, VIEWS_ACTION).iter().all(|o| *o == "ok"),
        "{lines:?}"
    );
    assert_eq!(
        outcomes(&lines, "package_show"),
        ["reconciled"],
        "{lines:?}"
    );
    s.assert_converged();
}

/// A portal without `package_revise` (CKAN before 2.9) gets one `resource_create` per file,
/// whether `status_show` gives its version or the portal answers that the action is unknown.
#[test]
fn a_portal_without_package_revise_gets_one_resource_create_per_file() {
    let _g = serial();
    let unknown = || Fault::Status {
        code: 400,
        body: "\"Bad request - Action name not known: package_revise\"".into(),
        retry_after: None,
    };
    // A portal that does not know the action: the first revise tells.
    let s = setup("plain", "norevise");
    let proxy = s.proxy();
    proxy.add_every("package_revise", unknown());
    let report = s.report();
    let o = s.push(&proxy.url, &["--report", &report.to_string_lossy()]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    s.assert_converged();
    // Datasets written at the same time may each try once before the answer is known.
    let tried = proxy.injected_into("package_revise");
    assert!((1..=s.names.len()).contains(&tried), "{tried} revises");
    assert_eq!(proxy.forwarded("package_revise"), 0);
    assert_eq!(proxy.forwarded("resource_create") as usize, s.files());
    let lines = report_lines(&report);
    assert_eq!(
        outcomes(&lines, "package_revise"),
        vec!["unsupported"; tried]
    );
    assert!(lines.iter().all(|l| l["outcome"] != "failed"), "{lines:?}");

    // A portal whose version predates the action: no revise is tried at all.
    let s = setup("plain", "ckan28");
    let proxy = s.proxy();
    let status = serde_json::json!({
        "success": true,
        "result": {"ckan_version": "2.8.12", "site_url": s.portal.url, "extensions": []},
    });
    proxy.add(
        "status_show",
        1,
        Fault::Status {
            code: 200,
            body: status.to_string(),
            retry_after: None,
        },
    );
    proxy.add_every("package_revise", unknown());
    let o = s.push(&proxy.url, &[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    s.assert_converged();
    assert_eq!(proxy.injected_into("status_show"), 1);
    assert_eq!(proxy.injected_into("package_revise"), 0);
    assert_eq!(proxy.forwarded("resource_create") as usize, s.files());
    proxy.reset();
    assert_eq!(code(&s.push(&proxy.url, &[])), 0);
    assert_eq!(proxy.forwarded_writes(), 0);
}

#[test]
fn bad_token_stops_before_any_write_and_never_shows_the_token() {
    let _g = serial();
    let s = setup("plain", "badtoken");
    let proxy = s.proxy();
    let fake = "eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJub3QtYS1yZWFsLXRva2VuIn0.c2VjcmV0LXRoYXQtbXVzdC1ub3QtbGVhaw";
    let token_file = s.tmp.path().join("bad-token");
    std::fs::write(&token_file, format!("{fake}\n")).unwrap();
    // Readable by other users whatever the umask of the machine running the tests.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&token_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let report = s.report();
    let o = run_portal(
        "push",
        &proxy.url,
        &token_file,
        &s.dist,
        &["--report", &report.to_string_lossy()],
    );
    assert_eq!(code(&o), 2, "{}", out(&o));
    // The organisation, and the fix.
    assert!(
        out(&o).contains(
            "the API token cannot create datasets in organisation `open-gov-office`: check that \
             the token is current and that its user is an editor or admin of `open-gov-office` \
             on the portal"
        ),
        "{}",
        out(&o)
    );
    // Anyone on the machine can read the file: the push says so.
    assert!(
        out(&o).contains("can be read by other users (mode 644)"),
        "{}",
        out(&o)
    );
    assert_eq!(proxy.forwarded_writes(), 0);
    assert!(!out(&o).contains(fake) && !out(&o).contains("c2VjcmV0LXRoYXQtbXVzdC1ub3QtbGVhaw"));
    assert!(!std::fs::read_to_string(&report)
        .unwrap_or_default()
        .contains(fake));
    // The same token through the environment.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ogp-publish"))
        .args(["push", "--portal", &proxy.url, "--dist"])
        .arg(&s.dist)
        .env("CKAN_API_TOKEN", fake)
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    assert!(!out(&o).contains(fake));
    assert_eq!(proxy.forwarded_writes(), 0);
}

/// `diff` with token trouble exits 2, as README's exit-code table gives for `diff` ("portal,
/// token or `dist/` trouble"), says which, and writes nothing: a token the portal refuses
/// (it answers `status_show` to anyone, then CKAN's 403 `Authorization Error` to every read
/// the token is sent with: the run stops at the first, never retried), and a token file that
/// cannot be read or is empty (no request at all).
#[test]
fn diff_exits_2_on_token_trouble_and_writes_nothing() {
    let _g = serial();
    let s = setup("plain", "difftoken");
    let refused = || Fault::Status {
        code: 403,
        body: "{\"success\": false, \"error\": {\"__type\": \"Authorization Error\", \
               \"message\": \"Access denied: the API token is not valid\"}}"
            .into(),
        retry_after: None,
    };
    let proxy = s.proxy();
    for read in [
        "organization_show",
        "package_search",
        "package_show",
        "group_show",
    ] {
        proxy.add_every(read, refused());
    }
    let o = s.diff(&proxy.url, &[]);
    assert_eq!(code(&o), 2, "{}", out(&o));
    assert!(o.stdout.is_empty(), "a plan was printed: {}", out(&o));
    assert!(
        out(&o).contains(
            "error: cannot read the portal: `organization_show` (HTTP 403): not authorised: \
             Access denied: the API token is not valid"
        ),
        "{}",
        out(&o)
    );
    // Stopped at the first refusal, sent once: a 4xx is never retried.
    assert_eq!(proxy.injected().len(), 1, "{:?}", proxy.injected());
    assert_eq!(
        proxy.forwarded_total(),
        1,
        "only `status_show` reached the portal"
    );
    assert_eq!(proxy.forwarded_writes(), 0);

    // A token file that cannot be read, or that is empty: no request at all.
    let empty = s.tmp.path().join("empty-token");
    std::fs::write(&empty, "\n").unwrap();
    let missing = s.tmp.path().join("no-token");
    for (file, says) in [
        (
            &missing,
            format!("cannot read the token file `{}`", missing.display()),
        ),
        (
            &empty,
            format!("the token file `{}` is empty", empty.display()),
        ),
    ] {
        let proxy = s.proxy();
        let o = run_portal("diff", &proxy.url, file, &s.dist, &[]);
        assert_eq!(code(&o), 2, "{}", out(&o));
        assert!(o.stdout.is_empty(), "a plan was printed: {}", out(&o));
        assert!(out(&o).contains(&says), "{}", out(&o));
        assert_eq!(proxy.connections(), 0, "the portal was contacted");
    }
}

/// README's exit-code table gives `diff` exit 2 on token trouble. CKAN (2.9 to 2.12 alike)
/// serves a read sent with a token it does not know as one sent with none, which would give
/// the anonymous plan, where a private dataset looks missing: `diff` asks the portal which
/// organisations the token may read, and stops when one of the datasets' is not among them.
#[test]
fn diff_with_a_token_the_portal_does_not_know_exits_2() {
    let _g = serial();
    let s = setup("plain", "diffwrongtoken");
    let fake =
        "eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJub3QtYS1yZWFsLXRva2VuIn0.bm90LWEtcmVhbC1zaWduYXR1cmU";
    let token_file = s.tmp.path().join("wrong-token");
    std::fs::write(&token_file, format!("{fake}\n")).unwrap();
    let proxy = s.proxy();
    let o = run_portal("diff", &proxy.url, &token_file, &s.dist, &["--lang", "en"]);
    assert_eq!(code(&o), 2, "{}", out(&o));
    assert!(
        out(&o).contains("the portal does not know the API token"),
        "{}",
        out(&o)
    );
    assert_eq!(proxy.forwarded_writes(), 0);
    // The sysadmin's token passes the same check.
    let o = run_portal("diff", &proxy.url, &s.portal.token_file, &s.dist, &[]);
    assert_eq!(code(&o), 1, "{}", out(&o));
}

#[test]
fn a_portal_side_rejection_fails_one_dataset_and_pushes_the_others() {
    let _g = serial();
    let mut s = setup("plain", "reject");
    // CKAN validates e-mail addresses; the catalogue format does not.
    let dir = plan_dir(&s.catalog, "beta");
    let mut text = std::fs::read_to_string(dir.join("plan.toml")).unwrap();
    text.push_str("\n[dataset]\nauthor_email = \"not an address\"\n");
    std::fs::write(dir.join("plan.toml"), text).unwrap();
    s.rebuild();
    let report = s.report();
    let o = s.push(&s.portal.url, &["--report", &report.to_string_lossy()]);
    assert_eq!(code(&o), 3, "{}", out(&o));
    assert!(out(&o).contains("`author_email`"), "{}", out(&o));
    let failed: Vec<_> = report_lines(&report)
        .into_iter()
        .filter(|l| l["outcome"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["status"], 409);
    // A validation error is never retried.
    assert_eq!(failed[0]["attempts"], 1);
    let good = s.names.iter().find(|n| n.starts_with("alpha")).unwrap();
    assert_portal_equals_dist(&s.portal, &s.dist, good);
}

#[test]
fn a_file_over_the_upload_limit_gets_a_clear_message() {
    let _g = serial();
    let mut s = setup("plain", "big");
    let dir = plan_dir(&s.catalog, "alpha");
    let mut csv = std::fs::read_to_string(dir.join("milestones.csv")).unwrap();
    let filler = "x".repeat(6000);
    for i in 0..2000 {
        csv.push_str(&format!("AL0001-9{i:04},AL0001,Step {i} {filler},,,,,,\n"));
    }
    std::fs::write(dir.join("milestones.csv"), csv).unwrap();
    s.rebuild();
    let before = stored_resource_ids(&s.portal);
    let proxy = s.proxy();
    let o = s.push(&proxy.url, &[]);
    assert_eq!(code(&o), 3, "{}", out(&o));
    assert!(out(&o).contains("File upload too large"), "{}", out(&o));
    let alpha = s.names.iter().find(|n| n.starts_with("alpha")).unwrap();
    // Request by request, as the proxy read them: the dataset's revises, each with the files it
    // carried (field, file name, size).
    let id = package_show(&s.portal, alpha)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let revises: Vec<Vec<FilePart>> = proxy
        .log()
        .into_iter()
        .filter(|r| r.action == "package_revise")
        .filter(|r| {
            r.fields.iter().any(|(k, v)| {
                k == "match"
                    && serde_json::from_str::<serde_json::Value>(v).unwrap()["id"] == id.as_str()
            })
        })
        .map(|r| r.files)
        .collect();
    // What they must be, from dist/: the files in package.json's order, those before the first
    // one over CKAN's default upload limit together (they fit under it), then that one alone,
    // in a revise of its own; nothing after it, as the portal refused it.
    let local: serde_json::Value = serde_json::from_slice(
        &std::fs::read(s.dist.join("datasets").join(alpha).join("package.json")).unwrap(),
    )
    .unwrap();
    let files: Vec<&str> = local["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["url"].as_str().unwrap())
        .collect();
    let size = |f: &str| {
        std::fs::metadata(s.dist.join("datasets").join(alpha).join(f))
            .unwrap()
            .len() as usize
    };
    const CKAN_DEFAULT_UPLOAD_LIMIT: usize = 10 * 1024 * 1024;
    let big = files
        .iter()
        .position(|f| size(f) > CKAN_DEFAULT_UPLOAD_LIMIT)
        .expect("a file over the limit");
    assert!(big > 0, "no file before the big one: {files:?}");
    let ahead: usize = files[..big].iter().map(|f| size(f)).sum();
    assert!(
        ahead <= CKAN_DEFAULT_UPLOAD_LIMIT,
        "{ahead} bytes ahead of it"
    );
    let sent = |batch: &[&str]| {
        batch
            .iter()
            .enumerate()
            .map(|(i, f)| FilePart {
                field: format!("update__resources__-{}__upload", batch.len() - i),
                name: f.to_string(),
                size: size(f),
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        revises,
        [sent(&files[..big]), sent(&files[big..=big])],
        "the dataset's revises, by the files each carried"
    );
    // The files before it are published, in order.
    let resources = package_show(&s.portal, alpha)["resources"].clone();
    let published: Vec<&str> = resources
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["url"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(published, files[..big]);
    // Those files and the dataset's every field are as in dist/: only the files from the one
    // over the limit on are missing.
    assert_eq!(
        portal_differences(&s.portal, &s.dist, alpha),
        [format!(
            "{alpha}.resources: dist/ has files {files:?}, the portal {published:?}"
        )]
    );
    // The other dataset was published whole, as if nothing had failed.
    let others: Vec<&String> = s.names.iter().filter(|n| *n != alpha).collect();
    assert!(!others.is_empty());
    for other in others {
        assert_portal_equals_dist(&s.portal, &s.dist, other);
    }
    let orphans = uploads_without_resource(&s, &before);
    assert!(orphans.is_empty(), "orphan uploads: {orphans:?}");
}

#[test]
fn network_faults_are_retried_and_the_push_converges_without_duplicates() {
    let _g = serial();
    let s = setup("plain", "faults");
    let proxy = s.proxy();
    proxy.add("status_show", 1, Fault::Drop);
    proxy.add("package_search", 1, Fault::Status { code: 500, body: "{\"success\": false, \"error\": {\"__type\": \"Internal Server Error\", \"message\": \"boom\"}}".into(), retry_after: None });
    proxy.add(
        "package_search",
        2,
        Fault::Delay(Duration::from_millis(300)),
    );
    proxy.add("package_create", 1, Fault::LoseResponse);
    // Two datasets, one revise each, plus those the faults make: the first is throttled and
    // retried; a later one is dropped unsent and, after a read, sent again; then one is
    // applied but its answer cut short, and a read shows it landed.
    proxy.add(
        "package_revise",
        1,
        Fault::Status {
            code: 429,
            body: "{\"success\": false, \"error\": {\"message\": \"slow down\"}}".into(),
            retry_after: Some(1),
        },
    );
    proxy.add("package_revise", 3, Fault::Drop);
    proxy.add("package_revise", 4, Fault::Truncate);
    let report = s.report();
    let o = s.push(&proxy.url, &["--report", &report.to_string_lossy()]);
    assert_eq!(code(&o), 0, "{}\n{:?}", out(&o), report_lines(&report));
    assert_eq!(proxy.injected().len(), 7, "{:?}", proxy.injected());
    s.assert_converged();
    let lines = report_lines(&report);
    assert!(
        lines.iter().any(|l| l["outcome"] == "reconciled"),
        "{lines:?}"
    );
    // Four revises reached the proxy and two the portal: the dropped one was sent again after
    // a read, the cut-short one was not (the read showed it had landed).
    assert_eq!(proxy.injected_into("package_revise"), 3);
    assert_eq!(proxy.forwarded("package_revise"), 2, "{lines:?}");
    // The 429 asked for one second: the retry waited for it.
    assert!(
        lines.iter().any(|l| l["action"] == "package_revise"
            && l["attempts"] == 2
            && l["duration_ms"].as_u64().unwrap_or(0) >= 1000),
        "{lines:?}"
    );
    proxy.reset();
    let o = s.push(&proxy.url, &[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert_eq!(proxy.forwarded_writes(), 0);
}

/// Eight pushes killed back to back, each at an event, not after a sleep: its first write,
/// either held by the proxy and let go only once the next run has sent its first request
/// (the dead run's write lands while the next run works), or applied by the portal with its
/// answer withheld. Every run is cut short (asserted per run): each pushes a version of the
/// catalogue of its own, so each has writes to make whatever the earlier ones left. After
/// every round, once every request of the earlier runs has been answered (while the next run
/// waits at its first write), every new upload file in storage belongs to a live resource;
/// the final push, after every request has landed, converges with no second copy.
#[test]
fn a_push_killed_at_random_moments_converges_on_the_next_run() {
    killed_pushes_converge("plain");
}

fn killed_pushes_converge(config: &'static str) {
    // RELIABILITY.md: "A second test kills 8 pushes back to back".
    const RUNS: usize = 8;
    let _g = serial();
    let mut s = setup(config, "kill");
    let before = stored_resource_ids(&s.portal);
    // A version of the catalogue per run, and one for the final push, each with a milestone of
    // its own (so each run has a file to write, whatever the earlier ones left) and, every
    // second version, a new title (so a run's first write is the dataset's patch or a file's,
    // or, after a dataset created without its files, the revise that adds them); the first
    // run starts from nothing on the portal.
    let dir = plan_dir(&s.catalog, "alpha");
    let (milestones, plan) = (dir.join("milestones.csv"), dir.join("plan.toml"));
    let (milestones_text, plan_text) = (
        std::fs::read_to_string(&milestones).unwrap(),
        std::fs::read_to_string(&plan).unwrap(),
    );
    let versions: Vec<PathBuf> = (0..=RUNS)
        .map(|v| {
            std::fs::write(&milestones, &milestones_text).unwrap();
            std::fs::write(&plan, &plan_text).unwrap();
            edit(&milestones, "First step", &format!("First step (v{v})"));
            let titled = v - v % 2;
            if titled > 0 {
                edit(
                    &plan,
                    "[dataset]\n",
                    &format!("[dataset]\ntitle = \"Alpha v{titled}\"\n"),
                );
            }
            let out = s.tmp.path().join(format!("v{v}"));
            std::fs::create_dir_all(&out).unwrap();
            build(&s.catalog, &out)
        })
        .collect();
    let proxy = s.proxy();
    let hold = Duration::from_millis(60);
    proxy.delay_all(hold);
    proxy.delay_answers(hold);
    let mut rng = fastrand::Rng::with_seed(0x5eed_2026);
    // Half the kills in each phase, in a random order: true when the write is applied.
    let mut phases: Vec<bool> = (0..RUNS).map(|i| i % 2 == 0).collect();
    rng.shuffle(&mut phases);
    let limit = Duration::from_secs(60);
    // The gate the dead run's writes wait at, let go once the next run has started.
    let mut dead: Option<Gate> = None;
    // Every gate opens when the test ends, or fails.
    let (mut gates, mut openers) = (Vec::new(), Vec::new());
    let mut killed = Vec::new();
    for (round, applied) in phases.into_iter().enumerate() {
        let gate = Gate::new(limit);
        openers.push(gate.opener());
        gates.push(gate.clone());
        proxy.hold_writes(Some(gate.clone()));
        let first_request = proxy.log().len();
        let mut child = spawn_push(&proxy.url, &versions[round], &s.portal.token_file);
        let start = std::time::Instant::now();
        let alive = |child: &mut ChildGuard, what: &str| {
            assert!(
                child.try_wait().unwrap().is_none(),
                "round {round}: the run ended before {what}"
            );
            assert!(start.elapsed() < limit, "round {round}: {what} never came");
            std::thread::sleep(Duration::from_millis(1));
        };
        // The dead run's held writes go on once this run has sent its first request.
        if let Some(dead) = dead.take() {
            while proxy.log().len() == first_request {
                alive(&mut child, "its first request");
            }
            dead.open();
        }
        // This run's first write waits at the gate.
        while gate.waiting() == 0 {
            alive(&mut child, "its first write");
        }
        let log = proxy.log();
        let (index, write) = log
            .iter()
            .enumerate()
            .skip(first_request)
            .find(|(_, r)| !common::proxy::is_read(&r.action))
            .map(|(i, r)| (i, r.action.clone()))
            .unwrap();
        // Every request of the earlier runs has been answered: no upload without a resource.
        assert!(
            proxy.settle_but_held(&gate, limit),
            "round {round}: the requests of the earlier runs were never answered"
        );
        if round > 0 {
            let orphans = uploads_without_resource(&s, &before);
            assert!(
                orphans.is_empty(),
                "after round {}: upload files without a live resource: {orphans:?}",
                round - 1
            );
        }
        if applied {
            // The write reaches the portal; the kill comes while its answer is withheld.
            gate.open();
            while !proxy.log()[index].answered {
                alive(&mut child, "the answer to its first write");
            }
            std::thread::sleep(Duration::from_millis(rng.u64(0..20)));
        } else {
            dead = Some(gate.clone());
        }
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert!(
            status.code().is_none(),
            "round {round}: the run was not cut short ({status}) at `{write}`"
        );
        killed.push(format!(
            "{write} {}",
            if applied { "applied" } else { "held" }
        ));
    }
    assert_eq!(killed.len(), RUNS, "runs cut short: {killed:?}");
    // The last dead run's writes go on; the final push starts once every request of every
    // killed run, even one still in the proxy's listen queue, has been answered.
    proxy.hold_writes(None);
    if let Some(dead) = dead.take() {
        dead.open();
    }
    assert!(proxy.settle(limit), "the proxy never went idle");
    // Every held write went on when let go, none when its gate's limit passed.
    let gave_up: u32 = gates.iter().map(Gate::timed_out).sum();
    assert_eq!(gave_up, 0, "writes held until their gate gave up");
    let orphans = uploads_without_resource(&s, &before);
    assert!(
        orphans.is_empty(),
        "after round {}: upload files without a live resource: {orphans:?}",
        RUNS - 1
    );
    s.dist = versions[RUNS].clone();
    let o = s.push(&s.portal.url, &[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    s.assert_converged();
    let alpha = s.names.iter().find(|n| n.starts_with("alpha")).unwrap();
    assert_eq!(
        package_show(&s.portal, alpha)["title"],
        format!("Alpha v{RUNS}")
    );
    let d = s.diff(&s.portal.url, &[]);
    assert_eq!(code(&d), 0, "{}", out(&d));
    let orphans = uploads_without_resource(&s, &before);
    assert!(orphans.is_empty(), "orphan uploads: {orphans:?}");
    eprintln!("{config}: {RUNS} kills back to back, all cut short, at: {killed:?}");
}

#[test]
fn the_nightly_example_script_builds_and_publishes() {
    let _g = serial();
    let s = setup("plain", "nightly");
    let home = s.tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::rename(&s.catalog, home.join("catalog")).unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_ogp-publish"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = || {
        std::process::Command::new("bash")
            .arg(root().join("examples/nightly/ogp-publish-nightly.sh"))
            .env("PATH", &path)
            .env("OGP_HOME", &home)
            .env("CKAN_URL", &s.portal.url)
            .env("OGP_TOKEN_FILE", &s.portal.token_file)
            .output()
            .unwrap()
    };
    let o = run();
    assert_eq!(code(&o), 0, "{}", out(&o));
    let o = run();
    assert_eq!(code(&o), 0, "{}", out(&o));
    let reports: Vec<_> = std::fs::read_dir(home.join("reports")).unwrap().collect();
    assert!(!reports.is_empty());
    for name in &s.names {
        assert_portal_equals_dist(&s.portal, &home.join("dist"), name);
    }
    assert!(!out(&o).contains(&s.portal.token));
}

#[test]
fn a_portal_under_a_path_prefix_is_published_and_diffed() {
    let _g = serial();
    // Données Québec serves its API under /recherche: a proxy in front of the harness's CKAN
    // serves it the same way and answers 404 to anything outside the prefix.
    let s = setup("plain", "prefix");
    let proxy = Proxy::start_under(s.portal.url.trim_start_matches("http://"), "/recherche");
    let url = format!("{}/recherche", proxy.url);
    let d = s.diff(&url, &[]);
    assert_eq!(code(&d), 1, "{}", out(&d));
    let o = s.push(&url, &[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    s.assert_converged();
    let d = s.diff(&url, &[]);
    assert_eq!(code(&d), 0, "{}", out(&d));
    assert_eq!(proxy.outside_prefix(), 0, "a request left the prefix");
    assert!(proxy.forwarded("package_revise") >= 1);
    // The same portal addressed without its prefix answers 404 to every action: the push
    // stops before any write.
    let o = s.push(&proxy.url, &[]);
    assert_eq!(code(&o), 2, "{}", out(&o));
    assert!(proxy.outside_prefix() >= 1);
}

#[test]
fn a_dry_run_plans_without_writing_and_ckan_url_names_the_portal() {
    let _g = serial();
    let s = setup("plain", "dryrun");
    let proxy = s.proxy();
    // The portal from CKAN_URL, not --portal.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ogp-publish"))
        .args(["push", "--dry-run", "--dist"])
        .arg(&s.dist)
        .arg("--token-file")
        .arg(&s.portal.token_file)
        .env("CKAN_URL", &proxy.url)
        .env_remove("CKAN_API_TOKEN")
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", out(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    for name in &s.names {
        assert!(stdout.contains(&format!("{name}: create")), "{stdout}");
    }
    assert!(
        stdout.contains(&format!("{} to create, 0 to update", s.names.len())),
        "{stdout}"
    );
    // It read the portal through CKAN_URL, wrote nothing, and left no lock file.
    assert!(proxy.forwarded("package_search") >= 1);
    assert_eq!(proxy.forwarded_writes(), 0);
    let name = s.dist.file_name().unwrap().to_string_lossy().into_owned();
    assert!(!s.dist.with_file_name(format!(".{name}.push.lock")).exists());
    for name in &s.names {
        assert!(
            package_show(&s.portal, name).is_null(),
            "{name} was created"
        );
    }
}

/// `ogp-publish diff|push` to `portal`, with `http_proxy` set to `proxy` (and nothing that
/// could bypass it); the portal from `--portal`, or from `CKAN_URL` when `via_env`.
fn through_http_proxy(
    s: &Setup,
    proxy: &Proxy,
    cmd: &str,
    portal: &str,
    via_env: bool,
    extra: &[&str],
) -> std::process::Output {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_ogp-publish"));
    c.arg(cmd);
    if via_env {
        c.env("CKAN_URL", portal);
    } else {
        c.args(["--portal", portal]).env_remove("CKAN_URL");
    }
    c.arg("--dist")
        .arg(&s.dist)
        .arg("--token-file")
        .arg(&s.portal.token_file)
        .args(["--retry-delay-ms", "50"])
        .args(extra)
        .env("http_proxy", &proxy.url)
        .env("HTTP_PROXY", &proxy.url);
    // reqwest would skip the proxy for a host in NO_PROXY, prefer ALL_PROXY's, and ignore
    // HTTP_PROXY under CGI (REQUEST_METHOD set).
    for var in [
        "NO_PROXY",
        "no_proxy",
        "ALL_PROXY",
        "all_proxy",
        "REQUEST_METHOD",
        "CKAN_API_TOKEN",
    ] {
        c.env_remove(var);
    }
    c.current_dir(root()).output().expect("ogp-publish runs")
}

/// Plain `http://` to a host other than this machine (README, "Publishing"), end to end with
/// real requests that never leave 127.0.0.1: the portal is named `portal.example.test` (a
/// reserved name that resolves nowhere) and the client's `http_proxy` is the test proxy, which
/// receives each request in a forward proxy's form, naming that host, and passes it to the
/// harness CKAN. Without `--allow-http`, `diff` and `push` (portal from `--portal` or from
/// `CKAN_URL`) exit 2 with the refusal and the proxy never sees a connection; with it, `diff`
/// and `push` go through the proxy, every request naming the remote host, and the portal ends
/// equal to dist/.
#[test]
fn plain_http_to_a_remote_host_is_refused_without_a_request_unless_allowed() {
    let _g = serial();
    let s = setup("plain", "allowhttp");
    let proxy = s.proxy();
    let port = s.portal.url.rsplit(':').next().unwrap();
    let authority = format!("portal.example.test:{port}");
    let remote = format!("http://{authority}/");
    let refusal = "refusing plain http:// to `portal.example.test`: the token would travel unencrypted (use https://, or --allow-http if you accept that)";
    for cmd in ["diff", "push"] {
        for via_env in [false, true] {
            let o = through_http_proxy(&s, &proxy, cmd, &remote, via_env, &[]);
            assert_eq!(code(&o), 2, "{cmd} (CKAN_URL: {via_env}): {}", out(&o));
            assert!(
                out(&o).contains(refusal),
                "{cmd} (CKAN_URL: {via_env}): {}",
                out(&o)
            );
        }
    }
    assert_eq!(proxy.connections(), 0, "a refused run reached the proxy");
    for name in &s.names {
        assert!(package_show(&s.portal, name).is_null(), "{name} exists");
    }

    // Allowed: diff (portal from CKAN_URL) sees everything to create, push creates it, diff
    // (from --portal) then finds nothing left, all through the proxy.
    let d = through_http_proxy(&s, &proxy, "diff", &remote, true, &["--allow-http"]);
    assert_eq!(code(&d), 1, "{}", out(&d));
    for name in &s.names {
        assert!(out(&d).contains(&format!("{name}: create")), "{}", out(&d));
    }
    let read_by_diff = proxy.requests_read();
    assert!(proxy.forwarded("package_search") >= 1);
    assert_eq!(proxy.forwarded_writes(), 0);
    let o = through_http_proxy(&s, &proxy, "push", &remote, false, &["--allow-http"]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    s.assert_converged();
    assert_eq!(proxy.forwarded("package_create") as usize, s.names.len());
    assert_eq!(proxy.forwarded("package_revise") as usize, s.names.len());
    let d = through_http_proxy(&s, &proxy, "diff", &remote, false, &["--allow-http"]);
    assert_eq!(code(&d), 0, "{}", out(&d));
    // Every request of the three runs came to the proxy as a proxy request for the remote host.
    let targets = proxy.absolute_targets();
    assert!(targets.len() > read_by_diff as usize);
    assert_eq!(targets.len(), proxy.requests_read() as usize);
    assert!(targets.iter().all(|t| *t == authority), "{targets:?}");
    assert!(!out(&o).contains(&s.portal.token), "token leaked");
}

#[test]
fn a_token_file_only_its_owner_can_read_gets_no_warning() {
    use std::os::unix::fs::PermissionsExt;
    let (dist, token, _tmp) = setup_offline();
    for (mode, warned) in [(0o600, false), (0o640, true)] {
        std::fs::set_permissions(&token, std::fs::Permissions::from_mode(mode)).unwrap();
        // Nothing listens on port 9: the run stops at the first request, after the check.
        let o = run_portal("push", "http://127.0.0.1:9", &token, &dist, &[]);
        assert_eq!(code(&o), 2, "{}", out(&o));
        assert_eq!(
            out(&o).contains("can be read by other users"),
            warned,
            "mode {mode:o}: {}",
            out(&o)
        );
    }
}

#[test]
fn a_missing_dist_stops_the_push_before_its_lock_is_taken() {
    let (_, token, tmp) = setup_offline();
    let missing = tmp.path().join("nowhere").join("dist");
    std::fs::create_dir_all(missing.parent().unwrap()).unwrap();
    let o = run_portal("push", "http://127.0.0.1:9", &token, &missing, &[]);
    assert_eq!(code(&o), 2, "{}", out(&o));
    assert!(out(&o).contains("manifest.json"), "{}", out(&o));
    // No lock file (nor anything else) appeared beside the missing output.
    let beside: Vec<_> = std::fs::read_dir(missing.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

fn setup_offline() -> (PathBuf, PathBuf, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let dist = build(&root().join("catalog"), tmp.path());
    let token = tmp.path().join("token");
    std::fs::write(&token, "x").unwrap();
    (dist, token, tmp)
}

#[test]
fn a_second_push_of_the_same_output_stops_with_a_clear_message() {
    let _g = serial();
    let s = setup("plain", "lock");
    let proxy = s.proxy();
    proxy.delay_all(Duration::from_millis(150));
    let mut first = spawn_push(&proxy.url, &s.dist, &s.portal.token_file);
    // Wait until the first push holds the lock (it writes its pid there).
    let name = s.dist.file_name().unwrap().to_string_lossy().into_owned();
    let lock = s.dist.with_file_name(format!(".{name}.push.lock"));
    let start = std::time::Instant::now();
    while std::fs::read_to_string(&lock).unwrap_or_default().trim() != first.id().to_string() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the first push never took the lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = s.push(&proxy.url, &[]);
    assert_eq!(code(&second), 2, "{}", out(&second));
    let message = format!(
        "another push of `{}` is running (pid {})",
        s.dist.display(),
        first.id()
    );
    assert!(out(&second).contains(&message), "{}", out(&second));
    assert!(first.wait().unwrap().success());
    // The push that held the lock removed its file on the way out.
    assert!(!lock.exists(), "{} left behind", lock.display());
    // Every write came from the first push: per dataset, one create, one revise and one
    // request for the default views.
    assert_eq!(proxy.forwarded_writes() as usize, 3 * s.names.len());
    s.assert_converged();
    let third = s.push(&proxy.url, &[]);
    assert_eq!(code(&third), 0, "{}", out(&third));
    assert!(!lock.exists(), "{} left behind", lock.display());
}

/// One row of the fault matrix: the fault, where it is injected, and the outcome
/// RELIABILITY.md gives for that row.
struct FaultRow {
    name: &'static str,
    action: &'static str,
    nth: u32,
    fault: Fault,
    /// Retries of the faulted request (attempts beyond the first), all on that request.
    retries: u64,
    /// Datasets read again to learn whether an ambiguous write landed.
    reconciled: usize,
}

/// One fault per run, each on a fresh pair of datasets: the push must converge with no
/// duplicate, exit 0, and its report must show, for that row, exactly the retries and
/// reconciliations RELIABILITY.md's fault matrix gives: retries on the faulted request only,
/// a reconciliation as a read of the dataset whose write was faulted.
#[test]
fn fault_matrix_every_fault_converges_and_is_reported() {
    let _g = serial();
    let json_error = |t: &str| {
        format!(
            "{{\"success\": false, \"error\": {{\"__type\": \"{t}\", \"message\": \"injected\"}}}}"
        )
    };
    let row = |name, action, nth, fault, retries, reconciled| FaultRow {
        name,
        action,
        nth,
        fault,
        retries,
        reconciled,
    };
    let status = |code: u16, body: String, retry_after: Option<u64>| Fault::Status {
        code,
        body,
        retry_after,
    };
    let cases: Vec<FaultRow> = vec![
        row(
            "stall 30 s (timeout 3 s)",
            "package_search",
            1,
            Fault::Delay(Duration::from_secs(30)),
            1,
            0,
        ),
        row("connection dropped", "package_search", 1, Fault::Drop, 1, 0),
        row("truncated JSON", "package_search", 1, Fault::Truncate, 1, 0),
        row(
            "reset mid-request",
            "package_revise",
            2,
            Fault::ResetRequest,
            0,
            1,
        ),
        row(
            "reset mid-response",
            "package_revise",
            2,
            Fault::ResetResponse,
            0,
            1,
        ),
        row(
            "500",
            "package_revise",
            2,
            status(500, json_error("Internal Server Error"), None),
            0,
            1,
        ),
        row(
            "502 with HTML",
            "package_revise",
            2,
            status(
                502,
                "<html><body><h1>502 Bad Gateway</h1></body></html>".into(),
                None,
            ),
            0,
            1,
        ),
        row(
            "503",
            "package_patch",
            1,
            status(503, "Service Unavailable".into(), None),
            1,
            0,
        ),
        row(
            "429 with Retry-After",
            "package_revise",
            2,
            status(429, json_error("Throttled"), Some(1)),
            1,
            0,
        ),
        row(
            "429 without Retry-After",
            "package_revise",
            2,
            status(429, json_error("Throttled"), None),
            1,
            0,
        ),
        row("truncated JSON", "package_revise", 2, Fault::Truncate, 0, 1),
        row(
            "revise applied, answer lost",
            "package_revise",
            2,
            Fault::LoseResponse,
            0,
            1,
        ),
        row(
            "dataset created, answer lost",
            "package_create",
            1,
            Fault::LoseResponse,
            1,
            1,
        ),
        row(
            "patch applied, answer lost",
            "package_patch",
            1,
            Fault::LoseResponse,
            1,
            0,
        ),
    ];
    let mut rows = Vec::new();
    for FaultRow {
        name,
        action,
        nth,
        fault,
        retries: want_retries,
        reconciled: want_reconciled,
    } in cases
    {
        let mut s = setup("plain", "fault");
        // Faults on patches need something to patch: publish first, then change a title.
        if action.ends_with("_patch") {
            assert_eq!(code(&s.push(&s.portal.url, &[])), 0);
            let dir = plan_dir(&s.catalog, "alpha");
            edit(
                &dir.join("plan.toml"),
                "[dataset]\n",
                "[dataset]\ntitle = \"Alpha patched\"\n",
            );
            edit(
                &dir.join("milestones.csv"),
                "First step",
                "First step (patched)",
            );
            s.rebuild();
        }
        let proxy = s.proxy();
        proxy.add(action, nth, fault.clone());
        let report = s.report();
        let o = s.push(
            &proxy.url,
            &["--report", &report.to_string_lossy(), "--timeout", "3"],
        );
        assert_eq!(code(&o), 0, "{name}: {}", out(&o));
        assert_eq!(
            proxy.injected(),
            [(action.to_string(), fault.clone())],
            "{name}: the fault was not injected once"
        );
        s.assert_converged();
        let lines = report_lines(&report);
        let retried = |l: &serde_json::Value| l["attempts"].as_u64().unwrap_or(1) - 1;
        let retries: u64 = lines.iter().map(retried).sum();
        let reconciled: Vec<&serde_json::Value> = lines
            .iter()
            .filter(|l| l["outcome"] == "reconciled")
            .collect();
        rows.push(format!(
            "| {name} | `{action}` #{nth} | {retries} | {} | converged, no duplicate |",
            reconciled.len()
        ));
        // This row's own figures, not a sum over the matrix.
        assert_eq!(
            (retries, reconciled.len()),
            (want_retries, want_reconciled),
            "{name}: (retries, reconciliations) differ from RELIABILITY.md: {lines:?}"
        );
        // Every retry was of the faulted action, and nothing else was tried twice.
        let elsewhere: u64 = lines
            .iter()
            .filter(|l| l["action"] != action)
            .map(retried)
            .sum();
        assert_eq!(elsewhere, 0, "{name}: retries of other actions: {lines:?}");
        if name == "429 with Retry-After" {
            // The retry waited for the second Retry-After asked for.
            assert!(
                lines.iter().any(|l| l["action"] == action
                    && l["attempts"] == 2
                    && l["duration_ms"].as_u64().unwrap_or(0) >= 1000),
                "{name}: {lines:?}"
            );
        }
        // A reconciliation is a read of the dataset whose write was faulted: the line of
        // that write names the dataset, and is not reported as done.
        for r in &reconciled {
            assert_eq!(r["action"], "package_show", "{name}: {lines:?}");
            let faulted = lines
                .iter()
                .find(|l| l["action"] == action && l["dataset"] == r["dataset"])
                .unwrap_or_else(|| panic!("{name}: no {action} line for {r}: {lines:?}"));
            assert_ne!(faulted["outcome"], "ok", "{name}: {lines:?}");
        }
        proxy.reset();
        let again = s.push(&proxy.url, &[]);
        assert_eq!(code(&again), 0);
        assert_eq!(
            proxy.forwarded_writes(),
            0,
            "{name}: a second push still had writes"
        );
    }
    eprintln!(
        "| fault | where | retries | reconciliations | result |\n|---|---|---|---|---|\n{}",
        rows.join("\n")
    );
}

#[test]
fn a_portal_that_refuses_connections_stops_the_push_before_any_write() {
    let s = setup_offline();
    // Nothing listens on port 9 of the loopback address.
    let o = run_portal(
        "push",
        "http://127.0.0.1:9",
        &s.1,
        &s.0,
        &["--max-attempts", "3"],
    );
    assert_eq!(code(&o), 2, "{}", out(&o));
    assert!(
        out(&o).contains("the portal does not answer: `status_show`: could not connect"),
        "{}",
        out(&o)
    );
    assert!(out(&o).contains("(after 3 attempts)"), "{}", out(&o));
}

/// Every command, verbose, on success and on failure, with the token in `CKAN_API_TOKEN` and,
/// for each command that takes one, in `--token-file`: neither the token nor its signature is
/// in any of the bytes the tool writes (standard output, standard error, every report, every
/// file `build` and `preview` write), nor any 12 characters in a row of its signature or of
/// the claims before it (the JWT's header, the same in every token, is left out).
#[test]
fn the_token_never_appears_in_any_output() {
    let _g = serial();
    let s = setup("plain", "secret");
    let token = s.portal.token.clone();
    // The token's last part: recognisable on its own, and not the whole token.
    let signature = token.rsplit('.').next().unwrap().to_string();
    assert!(
        signature.len() >= 16 && signature.len() < token.len(),
        "the harness token is not a JWT"
    );
    // What gives the token away, whole or in part: the first found in `text`.
    let leak = |text: &str| -> Option<String> {
        let own: Vec<char> = token.split_once('.').unwrap().1.chars().collect();
        [token.clone(), signature.clone()]
            .into_iter()
            .chain(own.windows(12).map(|w| w.iter().collect()))
            .find(|part| text.contains(part.as_str()))
    };
    let proxy = s.proxy();
    proxy.add(
        "package_revise",
        1,
        Fault::Status {
            code: 500,
            body: "{\"success\": false}".into(),
            retry_after: None,
        },
    );
    proxy.add("package_search", 1, Fault::Drop);
    let bin = env!("CARGO_BIN_EXE_ogp-publish");
    let text = |p: &Path| p.to_string_lossy().into_owned();
    let (dist, catalog) = (text(&s.dist), text(&s.catalog));
    // The token in a file (`--token-file`) or in the environment, never both.
    let give_token = |cmd: &mut std::process::Command, via_file: bool| {
        if via_file {
            cmd.arg("--token-file")
                .arg(&s.portal.token_file)
                .env_remove("CKAN_API_TOKEN");
        } else {
            cmd.env("CKAN_API_TOKEN", &token);
        }
    };
    let invalid = text(&root().join("tests/fixtures/invalid/bad-dataset-name/catalog"));
    // A `dist/` that does not exist, inside the test's folder.
    let missing_dist = text(&s.tmp.path().join("no-dist"));
    // Every file a run writes goes under here: `{out}` in a run's arguments stands for a path
    // of its own there.
    let outputs = s.tmp.path().join("outputs");
    let argv = |args: &[&str]| args.iter().map(|a| a.to_string()).collect::<Vec<String>>();
    let url = proxy.url.as_str();
    let portal = |cmd: &str, portal: &str, dist: &str, more: &[&str]| {
        let mut v = argv(&["-v", cmd, "--portal", portal, "--dist", dist]);
        v.extend(argv(more));
        v
    };
    let unreachable = "http://127.0.0.1:9";
    let preview_at = |portal: &str| {
        argv(&[
            "-v", "preview", &catalog, "--out", "{out}", "--portal", portal,
        ])
    };
    // Each run with the exit code it must give, in this order: diff before anything is pushed
    // (changes pending), the pushes (the first meets the injected faults), diff once all is
    // published (nothing would change), then the failures.
    let runs: Vec<(Vec<String>, i32)> = vec![
        (argv(&["-v", "check", &catalog]), 0),
        (argv(&["-v", "check", &invalid]), 1),
        (argv(&["-v", "build", &catalog, "--out", "{out}"]), 0),
        (argv(&["-v", "build", &invalid, "--out", "{out}"]), 1),
        (portal("diff", url, &dist, &[]), 1),
        (portal("push", url, &dist, &["--report", "{out}"]), 0),
        (
            portal(
                "push",
                url,
                &dist,
                &["--format", "json", "--report", "{out}"],
            ),
            0,
        ),
        (portal("diff", url, &dist, &[]), 0),
        (preview_at(&s.portal.url), 0),
        (
            portal(
                "push",
                unreachable,
                &dist,
                &["--max-attempts", "2", "--report", "{out}"],
            ),
            2,
        ),
        (
            portal("diff", unreachable, &dist, &["--max-attempts", "2"]),
            2,
        ),
        (preview_at(unreachable), 2),
        (portal("push", "http://portal.example", &dist, &[]), 2),
        (portal("diff", "http://portal.example", &dist, &[]), 2),
        (
            portal("push", url, &missing_dist, &["--report", "{out}"]),
            2,
        ),
        (portal("diff", url, &missing_dist, &[]), 2),
    ];
    let mut tried = 0;
    // The files each successful run must have written: its report, or its preview's index.
    let mut expected = Vec::new();
    for (i, (args, want)) in runs.iter().enumerate() {
        // `check` and `build` take no `--token-file`: only the environment applies.
        let takes_file = !matches!(args[1].as_str(), "check" | "build");
        for via_file in [false, true] {
            if via_file && !takes_file {
                continue;
            }
            let way = if via_file { "file" } else { "env" };
            let here = outputs.join(format!("{i:02}-{}-{way}", args[1]));
            let args: Vec<String> = args
                .iter()
                .map(|a| match a.as_str() {
                    "{out}" => text(&here),
                    _ => a.clone(),
                })
                .collect();
            if *want == 0 && args.contains(&text(&here)) {
                expected.push(match args[1].as_str() {
                    "push" => here.clone(),
                    _ => here.join("preview/index.html"),
                });
            }
            let mut cmd = std::process::Command::new(bin);
            cmd.args(&args)
                .env("RUST_BACKTRACE", "1")
                .env_remove("CKAN_URL");
            give_token(&mut cmd, via_file);
            let o = cmd.output().unwrap();
            let all = out(&o);
            assert_eq!(code(&o), *want, "{args:?} ({way}): {all}");
            assert!(!all.is_empty(), "{args:?} ({way}) printed nothing");
            // `-v` is heard: each request to a portal that answers is printed, `preview`'s too.
            let portal_arg = args
                .iter()
                .position(|a| a == "--portal")
                .map(|i| &args[i + 1]);
            if portal_arg.is_some_and(|p| p == url || *p == s.portal.url) && *want != 2 {
                assert!(
                    String::from_utf8_lossy(&o.stderr).contains("debug: status_show"),
                    "{args:?} ({way}) printed no request: {all}"
                );
            }
            if let Some(part) = leak(&all) {
                panic!("{args:?} ({way}) printed the token, or {part:?} of it");
            }
            tried += 1;
        }
    }
    assert_eq!(tried, 2 * runs.len() - 4, "runs tried");
    // Every file written (the reports, `build`'s dist/ and preview, `preview`'s pages, those
    // of the failed runs included), and among them those of every successful run.
    let written = common::read_tree(&outputs);
    for path in &expected {
        let key = text(path.strip_prefix(&outputs).unwrap());
        assert!(
            written.get(&key).is_some_and(|b| !b.is_empty()),
            "{key} was not written"
        );
    }
    assert_eq!(expected.len(), 7, "{expected:?}");
    for (path, bytes) in &written {
        if let Some(part) = leak(&String::from_utf8_lossy(bytes)) {
            panic!("{path} holds the token, or {part:?} of it");
        }
    }

    // `preview --serve --portal -v`: what it prints, the page it serves and the files it
    // writes, with the token in the environment and then in a file.
    for via_file in [false, true] {
        let here = outputs.join(format!("serve-{via_file}"));
        let stderr = s.tmp.path().join(format!("serve-{via_file}.err"));
        let mut cmd = std::process::Command::new(bin);
        cmd.args(["-v", "preview", &catalog, "--out", &text(&here), "--serve"])
            .args(["--port", "0", "--portal", &s.portal.url])
            .env_remove("CKAN_URL")
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap());
        give_token(&mut cmd, via_file);
        let mut server = common::ChildGuard::spawn(&mut cmd);
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(server.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        let got = std::process::Command::new("curl")
            .args(["-sf", "-m", "30", url])
            .output()
            .expect("curl");
        assert!(got.status.success(), "{url}: {got:?}");
        let page = String::from_utf8_lossy(&got.stdout).into_owned();
        assert!(page.contains("<html"), "{url}: {page}");
        drop(server);
        let printed = format!("{line}{}", std::fs::read_to_string(&stderr).unwrap());
        assert!(
            printed.contains("debug: status_show"),
            "preview --serve -v printed no request: {printed}"
        );
        for (what, text) in [("its output", printed), ("its page", page)] {
            if let Some(part) = leak(&text) {
                panic!("preview --serve ({via_file}): {what} holds the token, or {part:?} of it");
            }
        }
        for (path, bytes) in common::read_tree(&here) {
            if let Some(part) = leak(&String::from_utf8_lossy(&bytes)) {
                panic!("preview --serve wrote {path} holding the token, or {part:?} of it");
            }
        }
    }
}

/// Upload files in the portal's storage, by resource id.
fn stored_resource_ids(portal: &Portal) -> std::collections::BTreeSet<String> {
    let dir = portal
        .token_file
        .parent()
        .unwrap()
        .join("storage/resources");
    let mut ids = std::collections::BTreeSet::new();
    // Right after `ckan.sh reset` no upload exists yet, nor the folder.
    if !dir.exists() {
        return ids;
    }
    for (rel, _) in common::read_tree(&dir) {
        ids.insert(rel.replace('/', ""));
    }
    ids
}

/// Upload files stored since `before` that belong to no live resource (a dataset of ours not
/// created yet has none).
///
/// The harness CKAN is shared: other tests, of this run or of another developer's, upload at
/// the same time. A file that is not a resource of our datasets is therefore looked up on the
/// whole portal (`resource_show`): one of a live resource of someone else's dataset is not
/// an orphan, nor one whose upload was still in progress (looked up again a moment later).
/// A file left by someone else's deleted resource would still be counted.
fn uploads_without_resource(s: &Setup, before: &std::collections::BTreeSet<String>) -> Vec<String> {
    let mut live = std::collections::BTreeSet::new();
    for name in &s.names {
        let package = package_show(&s.portal, name);
        if package.is_null() {
            continue;
        }
        for r in package["resources"].as_array().unwrap() {
            live.insert(r["id"].as_str().unwrap().replace('-', ""));
        }
    }
    let elsewhere = |id: &String| {
        let uuid = format!(
            "{}-{}-{}-{}-{}",
            &id[..8],
            &id[8..12],
            &id[12..16],
            &id[16..20],
            &id[20..]
        );
        let shown = action(&s.portal, "resource_show", &[("id", &uuid)], None);
        shown["success"] == true
    };
    let mut orphans: Vec<String> = stored_resource_ids(&s.portal)
        .difference(before)
        .map(|id| id.replace('-', ""))
        .filter(|id| !live.contains(id))
        .filter(|id| !elsewhere(id))
        .collect();
    if !orphans.is_empty() {
        std::thread::sleep(Duration::from_secs(2));
        orphans.retain(|id| !elsewhere(id));
    }
    orphans
}

/// The requests a push makes from a portal that holds `from` to `to`, counted from the two
/// `dist/` alone, as README and RELIABILITY.md give them: the two checks and the search, then,
/// for each dataset that changed, one `package_show` before writing, one `resource_patch` per
/// file whose bytes changed and one `package_patch` when the dataset's own fields did.
fn requests_between(from: &Path, to: &Path) -> u32 {
    let (before, after) = (common::read_tree(from), common::read_tree(to));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the two versions hold different files"
    );
    let dataset_fields = |bytes: &[u8]| {
        let mut package: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        package.as_object_mut().unwrap().remove("resources");
        package
    };
    // Per dataset: whether its own fields changed (one package_patch) and whether any of
    // its files did (one package_revise carries them all).
    let mut per_dataset: std::collections::BTreeMap<&str, (bool, bool)> = Default::default();
    for (path, bytes) in &before {
        let Some(rest) = path.strip_prefix("datasets/") else {
            continue;
        };
        let (name, file) = rest.split_once('/').unwrap();
        let entry = per_dataset.entry(name).or_default();
        if file == "package.json" {
            entry.0 |= dataset_fields(bytes) != dataset_fields(&after[path]);
        } else if file != "datastore.json" {
            entry.1 |= *bytes != after[path];
        }
    }
    // The two checks and the search, then per dataset to change one read before writing.
    3 + per_dataset
        .values()
        .filter(|(fields, files)| *fields || *files)
        .map(|(fields, files)| 1 + u32::from(*fields) + u32::from(*files))
        .sum::<u32>()
}

/// Fifty pushes killed at random moments, every one of them cut short, each followed by a
/// full push: the portal always ends equal to dist/, with no duplicate resource, and every
/// upload file in storage belongs to a live resource of ours (no orphan left by a killed run).
///
/// The moment of each kill is decided by events the proxy sees rather than by a sleep: one
/// of the run's requests and a phase, just after the proxy read it (it reaches the portal
/// after the client died: a write landing late) or just after the portal answered it
/// (applied, but the client never learns it). The proxy holds each request and each answer
/// 60 ms, and the kill comes within 0-20 ms of the event, while the run waits for that
/// answer: it cannot have finished. The moments are dealt at random from a deck holding each
/// of them once, dealt again when empty, so that the 50 kills fall at every request of a run
/// in both phases (RELIABILITY.md: "at each of the 8 requests of a run, before and after the
/// portal applied it"), which the test asserts from the moments it killed at.
#[test]
fn fifty_killed_pushes_each_followed_by_a_full_push_always_converge() {
    // RELIABILITY.md, "Latest figures": "50 of 50 runs were cut short (at each of the 5
    // requests of a run, before and after the portal applied it)".
    const RUNS: usize = 50;
    const REQUESTS_PER_RUN: u32 = 5;
    let _g = serial();
    let mut s = setup("plain", "kill50");
    let first = s.dist.clone();
    let dir = plan_dir(&s.catalog, "alpha");
    edit(&dir.join("milestones.csv"), "First step", "First step (v2)");
    let second_dir = s.tmp.path().join("v2");
    std::fs::create_dir_all(&second_dir).unwrap();
    let second = build(&s.catalog, &second_dir);
    let before = stored_resource_ids(&s.portal);
    let proxy = s.proxy();
    let hold = Duration::from_millis(60);
    // Publish the first version, then count the requests of a run from one version to the
    // other, each way (the runs below make exactly these, until they are killed): as many as
    // the two dist/ give, and as many as RELIABILITY.md says.
    assert_eq!(code(&s.push(&s.portal.url, &[])), 0);
    let mut requests = Vec::new();
    for (from, to) in [(&first, &second), (&second, &first)] {
        proxy.reset();
        let o = run_portal("push", &proxy.url, &s.portal.token_file, to, &[]);
        assert_eq!(code(&o), 0, "{}", out(&o));
        let log: Vec<String> = proxy.log().into_iter().map(|r| r.action).collect();
        assert_eq!(
            proxy.requests_read(),
            requests_between(from, to),
            "requests of a run: {log:?}"
        );
        assert_eq!(proxy.answers_received(), proxy.requests_read(), "{log:?}");
        requests.push(proxy.requests_read());
    }
    assert_eq!(
        requests, [REQUESTS_PER_RUN; 2],
        "requests per run, each way"
    );
    proxy.delay_all(hold);
    proxy.delay_answers(hold);
    let mut rng = fastrand::Rng::with_seed(50);
    let every_moment: Vec<(u32, bool)> = (1..=REQUESTS_PER_RUN)
        .flat_map(|n| [(n, false), (n, true)])
        .collect();
    let mut deck: Vec<(u32, bool)> = Vec::new();
    let mut cut_short = 0;
    let mut moments: std::collections::BTreeMap<(u32, bool), u32> = Default::default();
    for round in 0..RUNS {
        // Alternate versions so every run has writes left to interrupt (the full push of the
        // previous round published the other one).
        s.dist = if round % 2 == 0 {
            second.clone()
        } else {
            first.clone()
        };
        if deck.is_empty() {
            deck = every_moment.clone();
            rng.shuffle(&mut deck);
        }
        let (nth, answered) = deck.pop().unwrap();
        let (read0, answered0) = (proxy.requests_read(), proxy.answers_received());
        let mut child = spawn_push(&proxy.url, &s.dist, &s.portal.token_file);
        let start = std::time::Instant::now();
        let seen = loop {
            let seen = if answered {
                proxy.answers_received() - answered0
            } else {
                proxy.requests_read() - read0
            };
            if seen >= nth {
                break seen;
            }
            assert!(
                child.try_wait().unwrap().is_none(),
                "round {round}: the run ended before its request {nth}"
            );
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "round {round}: request {nth} never came"
            );
            std::thread::sleep(Duration::from_millis(1));
        };
        std::thread::sleep(Duration::from_millis(rng.u64(0..20)));
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert!(
            status.code().is_none(),
            "round {round}: the run was not cut short ({status}) at request {nth}"
        );
        cut_short += 1;
        // The moment as seen: the request (or answer) the kill followed.
        *moments.entry((seen, answered)).or_default() += 1;
        // Every request the killed run sent (even one still in the listen queue) reaches the
        // portal and is answered before the full push starts.
        assert!(
            proxy.settle(Duration::from_secs(60)),
            "round {round}: proxy busy"
        );
        let o = s.push(&s.portal.url, &[]);
        assert_eq!(code(&o), 0, "round {round}: {}", out(&o));
        s.assert_converged();
        let orphans = uploads_without_resource(&s, &before);
        assert!(
            orphans.is_empty(),
            "round {round}: upload files without a live resource: {orphans:?}"
        );
    }
    assert_eq!(
        cut_short, RUNS,
        "only {cut_short} of {RUNS} runs were cut short"
    );
    // A kill at each request of a run, in each phase.
    let killed_at: std::collections::BTreeSet<(u32, bool)> = moments.keys().copied().collect();
    let wanted: std::collections::BTreeSet<(u32, bool)> = every_moment.into_iter().collect();
    assert_eq!(killed_at, wanted, "moments killed at: {moments:?}");
    let at = |answered: bool| {
        moments
            .iter()
            .filter(|((_, a), _)| *a == answered)
            .map(|((n, _), k)| format!("{n}:{k}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    eprintln!(
        "{RUNS} kills: {cut_short} cut short; request:kills just after the proxy read it: {}; \
         just after the portal answered it: {}; all converged, no orphan upload",
        at(false),
        at(true)
    );
}

/// The push core against another CKAN version Données Québec may run (harness configs `v29`,
/// `v210`, `v212`: core CKAN of that version, as the `plain` config is for 2.11): the portal
/// really runs that version, a first push is byte-identical and a second writes nothing, a
/// change writes only what changed, a revise whose answer is lost is reconciled, a revise
/// refused because the dataset changed meanwhile is planned again without a copy, and killed
/// pushes converge.
fn push_core_on(config: &'static str, version: &str) {
    let p = portal(config);
    let status = common::portal::status(&p);
    let running = status["ckan_version"].as_str().unwrap_or_default();
    assert!(
        running.starts_with(version),
        "{config}: expected CKAN {version}.x, the harness runs {running}"
    );
    first_push_then_noop(config);
    changes_write_only_what_changed(
        config,
        "alpha",
        "milestones.csv",
        "Second step",
        "Second step (renamed)",
    );
    revise_answer_lost(config);
    stale_revise(config);
    killed_pushes_converge(config);
}

#[test]
fn ckan_2_9_push_core() {
    push_core_on("v29", "2.9.");
}

#[test]
fn ckan_2_10_push_core() {
    push_core_on("v210", "2.10.");
}

#[test]
fn ckan_2_12_push_core() {
    push_core_on("v212", "2.12.");
}

/// A `ckan`-profile catalogue in `dir/<folder>` of the plans `indexes` of 501 uniquely named
/// copies of the fixture's alpha plan (`p000-<suffix>` to `p500-<suffix>`), built; returns its
/// `dist/` (in `dir/<folder>-out`).
fn copies_of_one_plan(dir: &Path, folder: &str, suffix: &str, indexes: &[usize]) -> PathBuf {
    let source = root().join("tests/fixtures/valid/ckan-two-plans/catalog");
    let catalog = dir.join(folder);
    let plans = catalog.join("plans");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::copy(
        source.join("publisher.toml"),
        catalog.join("publisher.toml"),
    )
    .unwrap();
    let plan = source.join("plans/alpha-2024");
    let toml = std::fs::read_to_string(plan.join("plan.toml")).unwrap();
    assert!(toml.contains("name = \"alpha-plan-2024\"\n"), "{toml}");
    for i in indexes {
        let name = format!("p{i:03}-{suffix}");
        let to = plans.join(&name);
        std::fs::create_dir_all(&to).unwrap();
        for file in ["commitments.csv", "milestones.csv"] {
            std::fs::copy(plan.join(file), to.join(file)).unwrap();
        }
        let own = toml.replace("name = \"alpha-plan-2024\"", &format!("name = \"{name}\""));
        std::fs::write(to.join("plan.toml"), own).unwrap();
    }
    let out = dir.join(format!("{folder}-out"));
    std::fs::create_dir_all(&out).unwrap();
    build(&catalog, &out)
}

/// `diff` and `push` read the portal with one `package_search` per 500 local datasets (the
/// names of 500 datasets in each): with 501, two searches, and a dataset the portal holds is
/// found whichever search names it. Only the first dataset (named by the first search) and the
/// 501st (by the second) are on the portal, pushed from a catalogue of those two plans alone:
/// `diff` and `push --dry-run` of the 501 plan 499 creates, find both unchanged, and read
/// nothing but the two searches.
#[test]
fn five_hundred_and_one_datasets_are_looked_up_in_two_searches() {
    let _g = serial();
    let portal = portal("plain");
    let tmp = tempfile::tempdir().unwrap();
    let suffix = format!("page-{:06x}", fastrand::u32(..0xFF_FFFF));
    let all: Vec<usize> = (0..501).collect();
    let dist = copies_of_one_plan(tmp.path(), "all", &suffix, &all);
    let two = copies_of_one_plan(tmp.path(), "two", &suffix, &[0, 500]);
    let (first, last) = (format!("p000-{suffix}"), format!("p500-{suffix}"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dist.join("manifest.json")).unwrap()).unwrap();
    let names: Vec<&String> = manifest["datasets"].as_object().unwrap().keys().collect();
    assert_eq!(names.len(), 501);
    let o = run_portal("push", &portal.url, &portal.token_file, &two, &[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    for name in [&first, &last] {
        assert_portal_equals_dist(&portal, &dist, name);
    }
    let proxy = Proxy::start(portal.url.trim_start_matches("http://"));
    for (cmd, extra) in [("diff", &[][..]), ("push", &["--dry-run"][..])] {
        proxy.reset();
        let o = run_portal(cmd, &proxy.url, &portal.token_file, &dist, extra);
        let text = out(&o);
        assert_eq!(code(&o), if cmd == "diff" { 1 } else { 0 }, "{cmd}: {text}");
        assert!(
            text.contains("499 to create, 0 to update, 2 unchanged"),
            "{cmd}: {text}"
        );
        for name in &names {
            let create = text.contains(&format!("{name}: create"));
            assert_eq!(
                create,
                **name != first && **name != last,
                "{cmd}: {name}: {text}"
            );
        }
        assert_eq!(proxy.forwarded("package_search"), 2, "{cmd}");
        assert_eq!(proxy.forwarded("package_show"), 0, "{cmd}");
        assert_eq!(proxy.forwarded_writes(), 0, "{cmd}");
    }
}

/// A push guarded by [`ChildGuard`] in a test that fails (panics) while the push is still
/// running is killed and reaped as the test unwinds, at once (not waited for: its request is
/// held 30 s): its process no longer exists.
#[test]
fn a_push_of_a_failing_test_is_killed_and_reaped() {
    let s = setup_offline();
    let mut pid = None;
    let mut failed_at = None;
    let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // Every request waits 30 s in the proxy: the push cannot end by itself meanwhile.
        let proxy = Proxy::start("127.0.0.1:9");
        proxy.delay_all(Duration::from_secs(30));
        let mut child = spawn_push(&proxy.url, &s.0, &s.1);
        pid = Some(child.id());
        let start = std::time::Instant::now();
        while proxy.requests_read() == 0 && start.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(proxy.requests_read() > 0, "the push sent no request");
        assert!(child.try_wait().unwrap().is_none(), "the push ended early");
        failed_at = Some(std::time::Instant::now());
        panic!("the test fails while the push runs");
    }));
    assert!(failed.is_err());
    let unwound = failed_at.expect("the test failed").elapsed();
    assert!(
        unwound < Duration::from_secs(10),
        "unwinding took {unwound:?}: the push was waited for, not killed"
    );
    let pid = pid.expect("the push started");
    let proc_dir = format!("/proc/{pid}");
    assert!(
        !Path::new(&proc_dir).exists(),
        "process {pid} outlived its test: {}",
        std::fs::read_to_string(format!("{proc_dir}/stat")).unwrap_or_default()
    );
}

/// A proxy stops when dropped: its port no longer accepts connections, so a test that fails
/// early leaves no listener behind.
#[test]
fn a_dropped_proxy_stops_listening() {
    // Alone among the push tests: another test's outgoing connection may take the freed port
    // as its source port for a moment.
    let _g = serial();
    let proxy = Proxy::start("127.0.0.1:9");
    let addr = proxy.url.trim_start_matches("http://").to_string();
    assert!(
        std::net::TcpStream::connect(&addr).is_ok(),
        "the proxy listens"
    );
    drop(proxy);
    // The port is free again: this process can listen on it. (A connection attempt would also
    // be refused, but on a free port in the ephemeral range a connect can pick that very port
    // as its source and connect to itself.)
    // Tried for at most a second, in case a connection of a test still running holds it as
    // its source port.
    let free = (0..50).any(|_| {
        let ok = std::net::TcpListener::bind(&addr).is_ok();
        if !ok {
            std::thread::sleep(Duration::from_millis(20));
        }
        ok
    });
    assert!(
        free,
        "{addr} is still taken a second after the proxy was dropped"
    );
}
