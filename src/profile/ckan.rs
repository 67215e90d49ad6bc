//! Plain CKAN: core fields as top-level keys, everything else as `extras`, English names.

use super::{core_package, core_resource, Lang, PackageInput, Profile};
use crate::diagnostic::Diagnostic;
use crate::model::{DatasetMeta, Plan, Publisher};
use serde_json::{json, Map, Value};

/// The `ckan` profile.
#[derive(Debug, Clone, Copy)]
pub struct Ckan;

impl Profile for Ckan {
    fn name(&self) -> &'static str {
        "ckan"
    }

    fn lang(&self) -> Lang {
        Lang::En
    }

    fn csv_bom(&self) -> bool {
        false
    }

    fn check(&self, _: &Publisher, _: &Plan, _: &DatasetMeta) -> Vec<Diagnostic> {
        // Core CKAN needs only `name` and `owner_org`, which every catalogue must have anyway.
        Vec::new()
    }

    fn package(&self, input: &PackageInput) -> Map<String, Value> {
        let mut map = core_package(input);
        let m = input.meta;
        let mut extras: Vec<(&str, String)> = Vec::new();
        let mut add = |k, v: Option<String>| {
            if let Some(v) = v {
                extras.push((k, v));
            }
        };
        let s = |v: &Option<crate::model::Sp<String>>| v.as_ref().map(|s| s.value.clone());
        add("language", s(&m.language));
        add("update_frequency", s(&m.update_frequency));
        add("spatial_coverage", s(&m.spatial));
        add("main_organization", s(&m.main_organization));
        add("methodology", s(&m.methodology));
        add("temporal_coverage", input.temporal.clone());
        add("ogp_member", input.plan.member.clone());
        add("ogp_plan_id", Some(input.plan.id.clone()));
        // CKAN echoes extras sorted by key; sending them sorted keeps the diff quiet.
        extras.sort();
        map.insert(
            "extras".into(),
            Value::Array(
                extras
                    .into_iter()
                    .map(|(k, v)| json!({ "key": k, "value": v }))
                    .collect(),
            ),
        );
        map.insert(
            "resources".into(),
            Value::Array(
                input
                    .files
                    .iter()
                    .map(|f| Value::Object(core_resource(f)))
                    .collect(),
            ),
        );
        map
    }
}
