//! The catalogue-level DCAT description (`catalog.jsonld`) that harvesters read, and licence
//! facts shared with the Data Package.

use crate::dataset::BuiltDataset;
use crate::model::{Plan, Publisher};
use crate::profile::Profile;
use serde_json::{json, Value};

fn text(v: &Value, key: &str) -> Value {
    v.get(key).cloned().unwrap_or(Value::Null)
}

fn org_name(publisher: &Publisher) -> String {
    publisher
        .organization_title
        .clone()
        .unwrap_or_else(|| publisher.organization.value.clone())
}

/// The DCAT description of one built dataset, for [`catalog_of`].
pub fn dataset(
    publisher: &Publisher,
    profile: &dyn Profile,
    plan: &Plan,
    ds: &BuiltDataset,
) -> Value {
    let lang = profile.lang().code();
    let org_name = org_name(publisher);
    let lit = |v: Value| match v {
        Value::String(s) if !s.is_empty() => json!({ "@value": s, "@language": lang }),
        _ => Value::Null,
    };
    let pkg = Value::Object(ds.package.clone());
    let base = format!("datasets/{}/", ds.name);
    let distributions: Vec<Value> = ds
        .files
        .iter()
        .map(|f| {
            json!({
                "@id": format!("{base}{}", f.file),
                "@type": "dcat:Distribution",
                "dct:title": lit(f.title.clone().into()),
                "dct:description": lit(f.description.clone().into()),
                "dct:format": f.format,
                "dcat:mediaType": f.mimetype,
                "dcat:byteSize": { "@value": f.bytes.to_string(), "@type": "xsd:nonNegativeInteger" },
                "dcat:downloadURL": { "@id": format!("{base}{}", f.file) },
                "spdx:checksum": {
                    "@type": "spdx:Checksum",
                    "spdx:algorithm": { "@id": "spdx:checksumAlgorithm_sha256" },
                    "spdx:checksumValue": f.sha256,
                },
            })
        })
        .collect();
    let mut d = json!({
        "@id": base,
        "@type": "dcat:Dataset",
        "dct:identifier": ds.name,
        "dct:title": lit(text(&pkg, "title")),
        "dct:description": lit(text(&pkg, "notes")),
        "dct:language": { "@id": format!("http://id.loc.gov/vocabulary/iso639-1/{lang}") },
        "dct:publisher": { "@type": "foaf:Organization", "foaf:name": org_name },
        "dcat:keyword": pkg.get("tags").and_then(Value::as_array).map(|tags| {
            tags.iter().filter_map(|t| t.get("name").cloned()).map(lit).collect::<Vec<_>>()
        }),
        "dcat:distribution": distributions,
    });
    if let Some(id) = pkg.get("license_id").and_then(Value::as_str) {
        let (_, url, _) = crate::dataset::license(id);
        if !url.is_empty() {
            d["dct:license"] = json!({ "@id": url });
        }
    }
    if let Some(url) = &plan.url {
        d["dcat:landingPage"] = json!({ "@id": url });
    }
    if let (Some(s), Some(e)) = (&plan.start, &plan.end) {
        d["dct:temporal"] = json!({
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": { "@value": s.value.first_day().to_string(), "@type": "xsd:date" },
            "dcat:endDate": { "@value": e.value.last_day().to_string(), "@type": "xsd:date" },
        });
    }
    d
}

/// The DCAT catalogue holding `datasets` (from [`dataset`], sorted by name), as JSON-LD.
pub fn catalog_of(publisher: &Publisher, profile: &dyn Profile, datasets: Vec<Value>) -> Value {
    let lang = profile.lang().code();
    let org_name = org_name(publisher);
    let title = format!(
        "{org_name} — {}",
        profile.lang().pick(
            "plans d'action pour un gouvernement ouvert",
            "open government action plans"
        )
    );
    json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "spdx": "http://spdx.org/rdf/terms#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@type": "dcat:Catalog",
        "dct:title": { "@value": title, "@language": lang },
        "dct:publisher": { "@type": "foaf:Organization", "foaf:name": org_name },
        "dcat:dataset": datasets,
    })
}
