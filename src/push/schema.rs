//! What the portal itself accepts, checked before any write: its ckanext-scheming schema
//! (`scheming_dataset_schema_show`) against every package dict of `dist/`, and the existence of
//! each organisation and group the datasets name. A mismatch found here would otherwise be a
//! 409 in the middle of a night, or worse, a value the portal drops silently that every later
//! push finds changed again.

use crate::ckan::api::{ErrorKind, Status};
use crate::ckan::client::Replay;
use crate::ckan::{ActionBody, CkanClient, CkanError};
use crate::error::Error;
use crate::push::LocalDataset;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// One field of the portal's schema, as far as a client can check it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaField {
    /// The key in the package or resource dict.
    pub name: String,
    /// Its label on the portal's form.
    pub label: String,
    /// The portal refuses a dict without a value for it.
    pub required: bool,
    /// The values the portal accepts, when it lists them (`None`: any value).
    pub choices: Option<Vec<String>>,
    /// The value must pass CKAN's `email_validator`.
    pub email: bool,
    /// The value must be a natural number (`natural_number_validator`).
    pub natural_number: bool,
}

/// The dataset type's schema as the portal serves it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortalSchema {
    /// Package fields.
    pub dataset: Vec<SchemaField>,
    /// Resource fields.
    pub resource: Vec<SchemaField>,
}

/// Keys core CKAN keeps on a package whatever the scheming schema lists (its default package
/// schema stays under the scheming fields).
const CORE_PACKAGE_KEYS: &[&str] = &[
    "name",
    "title",
    "notes",
    "owner_org",
    "private",
    "type",
    "state",
    "tags",
    "groups",
    "extras",
    "license_id",
    "author",
    "author_email",
    "maintainer",
    "maintainer_email",
    "url",
    "version",
];

/// Keys core CKAN keeps on a resource whatever the scheming schema lists.
const CORE_RESOURCE_KEYS: &[&str] = &[
    "url",
    "name",
    "description",
    "format",
    "mimetype",
    "hash",
    "size",
];

fn field(v: &Value) -> Option<SchemaField> {
    let name = v.get("field_name")?.as_str()?.to_string();
    let validators: Vec<&str> = v
        .get("validators")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    // ckanext-scheming turns `required` into `not_empty` only for a field without validators
    // of its own; a field with validators is required when they say so (`not_empty`,
    // `scheming_required`, or CKAN's owner check).
    let marked = v.get("required").and_then(Value::as_bool).unwrap_or(false);
    let enforced = validators.is_empty()
        || validators.iter().any(|x| {
            matches!(
                *x,
                "not_empty" | "scheming_required" | "owner_org_validator"
            )
        });
    let choices = v.get("choices").and_then(Value::as_array).map(|c| {
        c.iter()
            .filter_map(|c| c.get("value").and_then(Value::as_str).map(str::to_string))
            .collect()
    });
    let label = match v.get("label") {
        Some(Value::String(s)) => s.clone(),
        // A translated label: {"fr": …, "en": …}.
        Some(Value::Object(m)) => m
            .get("fr")
            .or_else(|| m.values().next())
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        _ => String::new(),
    };
    Some(SchemaField {
        name,
        label,
        required: marked && enforced,
        choices,
        email: validators.contains(&"email_validator"),
        natural_number: validators.contains(&"natural_number_validator"),
    })
}

impl PortalSchema {
    /// Reads the `result` of `scheming_dataset_schema_show`.
    pub fn from_answer(v: &Value) -> PortalSchema {
        let fields = |key: &str| {
            v.get(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(field).collect())
                .unwrap_or_default()
        };
        PortalSchema {
            dataset: fields("dataset_fields"),
            resource: fields("resource_fields"),
        }
    }
}

pub use crate::error::{Mismatch, Problem};

/// The values of `v` as texts: a list gives its items, a scalar itself, `null` or `""` none.
fn texts(v: Option<&Value>) -> Vec<String> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) if s.trim().is_empty() => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items.iter().flat_map(|i| texts(Some(i))).collect(),
        Some(other) => vec![other.to_string()],
    }
}

/// Checks one dict against `fields`, adding what is wrong to `out`.
fn check_dict(
    dict: &Map<String, Value>,
    fields: &[SchemaField],
    core: &[&str],
    at: (&str, Option<&str>),
    out: &mut Vec<Mismatch>,
) {
    let mismatch = |field: &str, value: Option<String>, problem| Mismatch {
        dataset: at.0.to_string(),
        resource: at.1.map(str::to_string),
        field: field.to_string(),
        value,
        problem,
    };
    for f in fields {
        // Tags arrive as core `tags`; `tag_string` is the form's way to send them.
        let key = if f.name == "tag_string" {
            "tags"
        } else {
            f.name.as_str()
        };
        let values = match dict.get(key) {
            Some(Value::Array(items)) if key == "tags" || key == "groups" => items
                .iter()
                .filter_map(|t| t.get("name").and_then(Value::as_str).map(str::to_string))
                .collect(),
            v => texts(v),
        };
        if values.is_empty() {
            if f.required {
                out.push(mismatch(&f.name, None, Problem::Missing));
            }
            continue;
        }
        for v in &values {
            let problem = match &f.choices {
                Some(allowed) if !allowed.contains(v) => Some(Problem::NotAChoice(allowed.clone())),
                _ if f.email && !crate::profile::is_portal_email(v.trim()) => {
                    Some(Problem::NotAnEmail)
                }
                _ if f.natural_number && v.parse::<u64>().is_err() => {
                    Some(Problem::NotANaturalNumber)
                }
                _ => None,
            };
            if let Some(p) = problem {
                out.push(mismatch(&f.name, Some(v.clone()), p));
            }
        }
    }
    let known: BTreeSet<&str> = fields
        .iter()
        .map(|f| f.name.as_str())
        .chain(core.iter().copied())
        .collect();
    for (k, v) in dict {
        if k != "resources" && !known.contains(k.as_str()) {
            let value = texts(Some(v)).join(", ");
            out.push(mismatch(k, Some(value), Problem::UnknownField));
        }
    }
}

/// Every value of `local` that `schema` would refuse or drop.
pub fn check(schema: &PortalSchema, local: &[LocalDataset]) -> Vec<Mismatch> {
    let mut out = Vec::new();
    for ds in local {
        check_dict(
            &ds.package,
            &schema.dataset,
            CORE_PACKAGE_KEYS,
            (&ds.name, None),
            &mut out,
        );
        for file in &ds.files {
            check_dict(
                &file.resource,
                &schema.resource,
                CORE_RESOURCE_KEYS,
                (&ds.name, Some(&file.key)),
                &mut out,
            );
        }
    }
    out
}

/// The portal's dataset schema, when it serves one (ckanext-scheming's `scheming_datasets`
/// plugin, as `status_show` lists it).
pub async fn fetch(
    client: &CkanClient,
    status: &Status,
) -> Result<Option<PortalSchema>, CkanError> {
    if !status.extensions.iter().any(|e| e == "scheming_datasets") {
        return Ok(None);
    }
    let answer = client
        .action(
            "scheming_dataset_schema_show",
            ActionBody::Json(json!({ "type": "dataset" })),
            Replay::Safe,
        )
        .await;
    match answer {
        Ok(v) => Ok(Some(PortalSchema::from_answer(&v))),
        // The plugin is listed but the action is not there (or not for this type): nothing to
        // check against.
        Err(e) if e.is_unknown_action() || e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether the portal has the organisation `name` (`push` asks only when the token may not
/// create datasets there, to tell a missing organisation from a missing permission).
pub async fn organization_exists(client: &CkanClient, name: &str) -> Result<bool, CkanError> {
    exists(client, "organization_show", name).await
}

/// Whether `action` (`organization_show` or `group_show`) finds `name`.
async fn exists(client: &CkanClient, action: &str, name: &str) -> Result<bool, CkanError> {
    let body = json!({
        "id": name,
        "include_datasets": false,
        "include_users": false,
        "include_extras": false,
        "include_tags": false,
        "include_groups": false,
        "include_followers": false,
    });
    match client
        .action(action, ActionBody::Json(body), Replay::Safe)
        .await
    {
        Ok(_) => Ok(true),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// The names under `key` of every package: `owner_org`, or the `name`s of `groups`.
fn names_of(local: &[LocalDataset], key: &str) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for ds in local {
        match ds.package.get(key) {
            Some(Value::String(s)) => {
                out.insert((s.clone(), ds.name.clone()));
            }
            Some(Value::Array(items)) => {
                for g in items {
                    if let Some(n) = g.get("name").and_then(Value::as_str) {
                        out.insert((n.to_string(), ds.name.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Checks `local` against the portal before any write: its schema (when it serves one) and
/// the existence of each organisation (when `organizations` is true; `push` learns it from
/// the token's permissions instead) and each group. One request per distinct name.
pub async fn check_portal(
    client: &CkanClient,
    status: &Status,
    local: &[LocalDataset],
    organizations: bool,
) -> Result<(), Error> {
    let mut mismatches = match fetch(client, status).await.map_err(Error::Portal)? {
        Some(schema) => check(&schema, local),
        None => Vec::new(),
    };
    let mut lookups = vec![("groups", "group_show", Problem::NoSuchGroup)];
    if organizations {
        lookups.insert(
            0,
            (
                "owner_org",
                "organization_show",
                Problem::NoSuchOrganization,
            ),
        );
    }
    for (key, action, problem) in lookups {
        let mut known: Option<(String, bool)> = None;
        for (name, dataset) in names_of(local, key) {
            let found = match &known {
                Some((n, found)) if *n == name => *found,
                _ => exists(client, action, &name).await.map_err(Error::Portal)?,
            };
            known = Some((name.clone(), found));
            if !found {
                mismatches.push(Mismatch {
                    dataset,
                    resource: None,
                    field: key.to_string(),
                    value: Some(name),
                    problem: problem.clone(),
                });
            }
        }
    }
    if mismatches.is_empty() {
        Ok(())
    } else {
        Err(Error::PortalMismatch(mismatches))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::push::LocalFile;

    /// The answer of the harness's Données Québec-like CKAN (ckanext-scheming 3.1.0 serving
    /// `harness/schema/donneesquebec.yaml`), saved from the real server.
    fn dq_schema() -> PortalSchema {
        let text = include_str!("../../tests/fixtures/ckan/scheming_dataset_schema_show.dq.json");
        PortalSchema::from_answer(&serde_json::from_str(text).expect("saved answer"))
    }

    fn dataset(package: Value, resources: Vec<Value>) -> LocalDataset {
        let Value::Object(package) = package else {
            panic!("object")
        };
        LocalDataset {
            name: "ds".into(),
            package,
            files: resources
                .into_iter()
                .map(|r| {
                    let Value::Object(resource) = r else {
                        panic!("object")
                    };
                    LocalFile {
                        key: resource["url"].as_str().unwrap_or_default().to_string(),
                        path: "x".into(),
                        resource,
                        bytes: 0,
                    }
                })
                .collect(),
            datastore: None,
        }
    }

    fn good_package() -> Value {
        json!({
            "name": "ds", "title": "T", "notes": "N", "owner_org": "org", "private": false,
            "type": "dataset", "license_id": "cc-by", "update_frequency": "irregular",
            "ext_spatial": "quebec", "extras_organisation_principale": "gouvernement-du-quebec",
            "language": "FR", "author": "A", "author_email": "a@b.ca",
            "tags": [{"name": "t1"}], "groups": [],
        })
    }

    #[test]
    fn required_fields_follow_the_validators_not_only_the_flag() {
        let s = dq_schema();
        let req = |n: &str| s.dataset.iter().find(|f| f.name == n).map(|f| f.required);
        assert_eq!(req("author_email"), Some(true));
        assert_eq!(req("update_frequency"), Some(true));
        // Marked required for the form, but its validators let the API take a dataset without.
        assert_eq!(req("tag_string"), Some(false));
        assert_eq!(req("maintainer_email"), Some(false));
        let f = s
            .resource
            .iter()
            .find(|f| f.name == "resource_type")
            .unwrap();
        assert!(f
            .choices
            .as_ref()
            .unwrap()
            .contains(&"file.upload".to_string()));
    }

    #[test]
    fn a_package_the_portal_accepts_has_no_mismatch() {
        let ds = dataset(
            good_package(),
            vec![
                json!({"url": "a.csv", "name": "A", "format": "CSV", "resource_type": "donnees",
                        "taille_entier": 0, "relidi_ressource_complementaire": ["relidi.rescom"]}),
            ],
        );
        assert_eq!(check(&dq_schema(), &[ds]), Vec::new());
    }

    #[test]
    fn every_refusal_names_the_dataset_the_field_the_value_and_the_choices() {
        let mut p = good_package();
        p.as_object_mut().unwrap().remove("author_email");
        p["language"] = json!("FRA");
        p["maintainer_email"] = json!("Jean <j@x.ca>");
        p["extras"] = json!([]);
        p["frequence"] = json!("annuelle");
        let ds = dataset(
            p,
            vec![json!({"url": "a.csv", "name": "A", "resource_type": "data",
                        "taille_entier": "1.5", "relidi_ressource_complementaire": ["autre"]})],
        );
        let found: Vec<String> = check(&dq_schema(), &[ds])
            .iter()
            .map(|m| m.to_string())
            .collect();
        let want = [
            "dataset `ds`: `language` = `FRA` is not accepted by the portal; allowed: FR, EN, FR_EN, SP",
            "dataset `ds`: the portal requires `author_email` and it is missing (set it under `[dataset]` in publisher.toml or plan.toml)",
            "dataset `ds`: `maintainer_email` = `Jean <j@x.ca>` is not an e-mail address the portal accepts",
            "dataset `ds`: the portal's schema has no field `frequence`: it would drop `annuelle`, and every push would find it changed (choose the profile of this portal, or ask the portal team to add the field)",
            "dataset `ds`, resource `a.csv`: `resource_type` = `data` is not accepted by the portal; allowed: donnees, support, web, cartes, file, file.upload",
            "dataset `ds`, resource `a.csv`: `relidi_ressource_complementaire` = `autre` is not accepted by the portal; allowed: relidi.rescom",
            "dataset `ds`, resource `a.csv`: `taille_entier` = `1.5` is not a whole number of zero or more",
        ];
        assert_eq!(found, want);
    }
}
