//! Unit tests of the comparison and of the revise batches.

use super::apply::{batch_len, resource_fields, resource_json, revise_body};
use super::*;
use crate::ckan::client::ActionBody;
use serde_json::{json, Map, Value};

fn local() -> LocalDataset {
    let mut package = Map::new();
    package.insert("name".into(), "ds".into());
    package.insert("title".into(), "Titre".into());
    package.insert("notes".into(), "Texte\n".into());
    package.insert("owner_org".into(), "org".into());
    package.insert("private".into(), false.into());
    package.insert("tags".into(), json!([{"name": "b"}, {"name": "a"}]));
    package.insert("extras".into(), json!([{"key": "x", "value": "1"}]));
    let resource = json!({
        "name": "Jalons (CSV)", "format": "CSV", "hash": "abc", "url": "jalons.csv", "taille_entier": 0
    });
    LocalDataset {
        name: "ds".into(),
        package,
        files: vec![LocalFile {
            key: "jalons.csv".into(),
            path: "jalons.csv".into(),
            resource: resource.as_object().cloned().unwrap(),
            bytes: 3,
        }],
        datastore: None,
    }
}

/// What CKAN echoes for `local()`: ids, tag objects, the organisation by id, numbers as
/// text, server fields and the upload URL.
fn echo() -> Map<String, Value> {
    json!({
        "id": "p-1", "name": "ds", "title": "Titre", "notes": "Texte", "state": "active",
        "owner_org": "4f1c-uuid", "organization": {"id": "4f1c-uuid", "name": "org"},
        "private": false, "metadata_modified": "2026-11-27T00:00:00",
        "tags": [{"id": "t1", "name": "a", "display_name": "a"}, {"id": "t2", "name": "b"}],
        "extras": [{"key": "x", "value": "1"}],
        "resources": [{
            "id": "r-1", "name": "Jalons (CSV)", "format": "CSV", "hash": "abc", "taille_entier": "0",
            "url": "http://127.0.0.1:5000/dataset/p-1/resource/r-1/download/jalons.csv",
            "size": 3, "mimetype": "text/csv"
        }]
    })
    .as_object()
    .cloned()
    .unwrap()
}

#[test]
fn missing_dataset_is_created_with_every_file() {
    let p = diff_dataset(&local(), None);
    assert_eq!(p.action, DatasetAction::Create);
    assert_eq!(p.count(ResourceAction::Create), 1);
}

#[test]
fn ckan_echo_of_what_we_sent_is_unchanged() {
    let p = diff_dataset(&local(), Some(&echo()));
    assert_eq!(p.action, DatasetAction::Unchanged, "{p:?}");
    assert!(p.changed.is_empty());
    assert_eq!(p.resources[0].action, ResourceAction::Unchanged);
    assert_eq!(p.resources[0].remote_id.as_deref(), Some("r-1"));
}

#[test]
fn changed_keys_and_content_are_named() {
    let mut remote = echo();
    remote.insert("title".into(), "Autre".into());
    remote.insert("tags".into(), json!([{"name": "a"}]));
    remote["resources"][0]["hash"] = "old".into();
    let p = diff_dataset(&local(), Some(&remote));
    assert_eq!(p.action, DatasetAction::Update);
    assert_eq!(p.changed, vec!["tags".to_string(), "title".to_string()]);
    assert_eq!(p.resources[0].action, ResourceAction::Upload);
    assert_eq!(p.resources[0].changed, vec!["hash".to_string()]);
}

#[test]
fn metadata_only_resource_change_is_a_patch_without_upload() {
    let mut remote = echo();
    remote["resources"][0]["name"] = "Old name".into();
    let p = diff_dataset(&local(), Some(&remote));
    assert_eq!(p.resources[0].action, ResourceAction::Update);
    assert_eq!(p.resources[0].changed, vec!["name".to_string()]);
}

#[test]
fn unknown_remote_resources_are_extra_and_copies_of_ours_are_duplicates() {
    let mut remote = echo();
    let dup = remote["resources"][0].clone();
    let mut other = dup.clone();
    other["id"] = "r-9".into();
    other["url"] = "http://h/dataset/p-1/resource/r-9/download/old%20file.csv".into();
    let mut dup2 = dup;
    dup2["id"] = "r-2".into();
    remote["resources"]
        .as_array_mut()
        .unwrap()
        .extend([dup2, other]);
    let p = diff_dataset(&local(), Some(&remote));
    // The copy of our file is removed on this push; the foreign file only with --prune.
    assert_eq!(p.action, DatasetAction::Update);
    let of = |action| -> Vec<(&str, Option<&str>)> {
        p.resources
            .iter()
            .filter(|r| r.action == action)
            .map(|r| (r.key.as_str(), r.remote_id.as_deref()))
            .collect()
    };
    assert_eq!(
        of(ResourceAction::Duplicate),
        vec![("jalons.csv", Some("r-2"))]
    );
    assert_eq!(
        of(ResourceAction::Extra),
        vec![("old file.csv", Some("r-9"))]
    );
    // The first copy is the one kept and compared.
    assert_eq!(of(ResourceAction::Unchanged).len(), 1);
    assert_eq!(p.resources[0].remote_id.as_deref(), Some("r-1"));
}

fn file(key: &str, bytes: u64) -> LocalFile {
    let mut f = local().files.remove(0);
    f.key = key.into();
    f.path = key.into();
    f.bytes = bytes;
    f
}

#[test]
fn a_multiple_choice_field_goes_as_a_list_in_json_and_one_form_field_per_item() {
    let mut f = file("dictionnaire-donnees.csv", 10);
    f.resource.insert(
        "relidi_ressource_complementaire".into(),
        json!(["relidi.rescom", "autre"]),
    );
    f.resource.insert("taille_entier".into(), json!(0));
    let form: Vec<(String, String)> = resource_fields(&f)
        .into_iter()
        .filter(|(k, _)| k.starts_with("relidi") || k == "taille_entier")
        .collect();
    let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(
        form,
        [
            pair("relidi_ressource_complementaire", "relidi.rescom"),
            pair("relidi_ressource_complementaire", "autre"),
            pair("taille_entier", "0"),
        ]
    );
    let body = resource_json(&f);
    assert_eq!(
        body["relidi_ressource_complementaire"],
        json!(["relidi.rescom", "autre"])
    );
    assert_eq!(body["taille_entier"], json!("0"));
    assert!(body.get("url").is_none());
}

#[test]
fn revise_batches_keep_the_order_and_stay_within_the_upload_limit() {
    let lens = |sizes: &[u64]| {
        let files: Vec<LocalFile> = sizes.iter().map(|b| file("f", *b)).collect();
        let mut rest: Vec<&LocalFile> = files.iter().collect();
        let mut out = Vec::new();
        while !rest.is_empty() {
            let n = batch_len(rest.iter().map(|f| f.bytes));
            out.push(n);
            rest.drain(..n);
        }
        out
    };
    let mib = 1024 * 1024;
    assert_eq!(lens(&[40_000; 7]), [7]);
    assert_eq!(lens(&[4 * mib, 4 * mib, 4 * mib]), [2, 1]);
    // A file the portal may refuse as too large goes alone.
    assert_eq!(lens(&[1, 12 * mib, 1, 1]), [1, 1, 2]);
    assert_eq!(lens(&[1; 2500]), [999, 999, 502]);
}

#[test]
fn a_revise_matches_the_last_read_and_attaches_each_file_to_its_new_resource() {
    let (a, b) = (file("a.csv", 3), file("b.json", 4));
    let ActionBody::Upload { fields, files } =
        revise_body(("id", "p-1"), "2026-11-27T00:00:00.123456", &[&a, &b])
    else {
        panic!("not an upload")
    };
    let field = |k: &str| -> Value {
        let (_, v) = fields.iter().find(|(name, _)| name == k).unwrap();
        serde_json::from_str(v).unwrap()
    };
    assert_eq!(
        field("match"),
        json!({"id": "p-1", "metadata_modified": "2026-11-27T00:00:00.123456"})
    );
    // Owned fields as text (as a form sends them), no `url`: the upload sets it.
    let resource =
        json!({"name": "Jalons (CSV)", "format": "CSV", "hash": "abc", "taille_entier": "0"});
    assert_eq!(
        field("update__resources__extend"),
        json!([resource, resource])
    );
    let parts: Vec<(&str, &str)> = files
        .iter()
        .map(|f| (f.field.as_str(), f.file_name.as_str()))
        .collect();
    assert_eq!(
        parts,
        [
            ("update__resources__-2__upload", "a.csv"),
            ("update__resources__-1__upload", "b.json")
        ]
    );
}

#[test]
fn a_deleted_dataset_is_brought_back() {
    let mut remote = echo();
    remote.insert("state".into(), "deleted".into());
    let p = diff_dataset(&local(), Some(&remote));
    assert_eq!(p.changed, vec!["state".to_string()]);
}
