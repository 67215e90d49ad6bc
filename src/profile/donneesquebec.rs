//! Données Québec: the fields of its ckanext-scheming schema as top-level keys, French names,
//! CSV in UTF-8 with a byte-order mark, and the `relidi_*` answers computed from the written files.

use super::{
    core_package, core_resource, put, CellFacts, FileFacts, Lang, PackageInput, Profile,
    ResourceRole,
};
use crate::diagnostic::{Code, Diagnostic, Pos};
use crate::model::{DatasetMeta, Plan, Publisher, Sp};
use serde_json::{Map, Value};

/// The `donneesquebec` profile.
#[derive(Debug, Clone, Copy)]
pub struct DonneesQuebec;

/// `update_frequency` codes accepted by Données Québec.
pub const UPDATE_FREQUENCIES: &[&str] = &[
    "irregular",
    "continuous",
    "hourly",
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "semiannual",
    "annual",
    "biennial",
    "triennial",
    "notPlanned",
    "asNeeded",
    "quinquennial",
];

/// `language` codes accepted by Données Québec.
pub const LANGUAGES: &[&str] = &["FR", "EN", "FR_EN", "SP"];

/// Licences offered by Données Québec.
pub const LICENSES: &[&str] = &["cc-by", "cc-by-sa", "cc-by-nc", "OGL-Canada-2.0"];

fn oui_non(all_ok: bool, applies: bool) -> &'static str {
    match (applies, all_ok) {
        (false, _) => "n/a",
        (true, true) => "oui",
        (true, false) => "non",
    }
}

fn relidi(map: &mut Map<String, Value>, cells: &CellFacts, csv: bool) {
    let answers = [
        ("relidi_description_champs", "relidi.descha.foudoc"),
        (
            "relidi_confic_separateur_virgule",
            oui_non(cells.comma_separated, csv),
        ),
        ("relidi_confic_utf8", oui_non(cells.utf8_bom, csv)),
        ("relidi_confic_epsg", "n/a"),
        ("relidi_confic_pascom", "oui"),
        (
            "relidi_condon_valinc",
            oui_non(cells.placeholders == 0, true),
        ),
        (
            "relidi_condon_datheu",
            oui_non(cells.dates.0 == cells.dates.1, cells.date_columns),
        ),
        (
            "relidi_condon_nombre",
            oui_non(cells.numbers.0 == cells.numbers.1, cells.number_columns),
        ),
        ("relidi_condon_boolee", "n/a"),
    ];
    for (k, v) in answers {
        map.insert(k.into(), v.into());
    }
}

fn resource(f: &FileFacts) -> Map<String, Value> {
    let mut map = core_resource(f);
    let kind = match f.role {
        ResourceRole::Data => "donnees",
        ResourceRole::Documentation => "support",
    };
    map.insert("resource_type".into(), kind.into());
    // Données Québec's publishers round the size to whole megabytes.
    map.insert(
        "taille_entier".into(),
        ((f.bytes + 524_288) / 1_048_576).into(),
    );
    match (f.role, &f.cells) {
        (ResourceRole::Data, Some(cells)) => relidi(&mut map, cells, f.format == "CSV"),
        // The dictionary and the Data Package document the data: Données Québec marks such
        // resources as complementary (a multiple-choice field, hence the list).
        (ResourceRole::Documentation, _) => {
            map.insert(
                "relidi_ressource_complementaire".into(),
                Value::Array(vec!["relidi.rescom".into()]),
            );
        }
        (ResourceRole::Data, None) => {}
    }
    map
}

impl Profile for DonneesQuebec {
    fn name(&self) -> &'static str {
        "donneesquebec"
    }

    fn lang(&self) -> Lang {
        Lang::Fr
    }

    fn csv_bom(&self) -> bool {
        true
    }

    fn check(&self, publisher: &Publisher, plan: &Plan, meta: &DatasetMeta) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        // (field, example, value, choice list: empty when the portal publishes none)
        type Rule<'a> = (&'a str, &'a str, &'a Option<Sp<String>>, &'a [&'a str]);
        let required: [Rule; 8] = [
            (
                "update_frequency",
                "update_frequency = \"irregular\"",
                &meta.update_frequency,
                UPDATE_FREQUENCIES,
            ),
            ("spatial", "spatial = \"quebec\"", &meta.spatial, &[]),
            (
                "main_organization",
                "main_organization = \"gouvernement-du-quebec\"",
                &meta.main_organization,
                &[],
            ),
            ("language", "language = \"FR\"", &meta.language, LANGUAGES),
            (
                "license_id",
                "license_id = \"cc-by\"",
                &meta.license_id,
                LICENSES,
            ),
            (
                "notes",
                "notes = \"…\" (or a plan `description`)",
                &meta.notes,
                &[],
            ),
            // « Publieur » and « Courriel » on Données Québec's form.
            (
                "author",
                "author = \"Ministère de l'Exemple\"",
                &meta.author,
                &[],
            ),
            (
                "author_email",
                "author_email = \"donnees.ouvertes@exemple.gouv.qc.ca\"",
                &meta.author_email,
                &[],
            ),
        ];
        for (field, example, value, choices) in required {
            match value {
                None if field == "notes" && plan.description.is_some() => {}
                None => out.push(
                    Diagnostic::error(
                        Code::ProfileRequiredField,
                        &plan.file,
                        Pos::START,
                        crate::t!("dq-required", field = field, plan = &plan.id),
                    )
                    .field(format!("dataset.{field}"))
                    .hint(crate::t!(
                        "dq-required-hint",
                        example = example,
                        file = publisher.file.display()
                    )),
                ),
                Some(v) if !choices.is_empty() && !choices.contains(&v.value.as_str()) => out.push(
                    Diagnostic::error(
                        Code::ProfileBadValue,
                        &v.file,
                        v.pos,
                        crate::t!("dq-bad-value", value = &v.value, field = field),
                    )
                    .field(format!("dataset.{field}"))
                    .hint(crate::t!("rule-use-one-of", choices = choices.join(", "))),
                ),
                Some(v) if v.value.trim().is_empty() => out.push(
                    Diagnostic::error(
                        Code::ProfileRequiredField,
                        &v.file,
                        v.pos,
                        crate::t!("dq-empty", field = field),
                    )
                    .field(format!("dataset.{field}"))
                    .hint(crate::t!("dq-empty-hint", example = example)),
                ),
                Some(_) => {}
            }
        }
        for (field, value) in [
            ("author_email", &meta.author_email),
            ("maintainer_email", &meta.maintainer_email),
        ] {
            if let Some(v) = value.as_ref().filter(|v| !v.value.trim().is_empty()) {
                if !super::is_portal_email(v.value.trim()) {
                    out.push(
                        Diagnostic::error(
                            Code::ProfileBadValue,
                            &v.file,
                            v.pos,
                            crate::t!("dq-bad-email", value = &v.value),
                        )
                        .field(format!("dataset.{field}"))
                        .hint(crate::t!("dq-bad-email-hint")),
                    );
                }
            }
        }
        if meta.tags.is_empty() {
            out.push(
                Diagnostic::error(
                    Code::ProfileRequiredField,
                    &plan.file,
                    Pos::START,
                    crate::t!("dq-no-tag", plan = &plan.id),
                )
                .field("dataset.tags")
                .hint(crate::t!("dq-no-tag-hint")),
            );
        }
        out
    }

    fn package(&self, input: &PackageInput) -> Map<String, Value> {
        let mut map = core_package(input);
        let m = input.meta;
        let s = |v: &Option<Sp<String>>| v.as_ref().map(|s| s.value.clone());
        map.insert("type".into(), "dataset".into());
        put(&mut map, "language", s(&m.language).as_deref());
        put(
            &mut map,
            "update_frequency",
            s(&m.update_frequency).as_deref(),
        );
        put(&mut map, "ext_spatial", s(&m.spatial).as_deref());
        put(
            &mut map,
            "extras_organisation_principale",
            s(&m.main_organization).as_deref(),
        );
        put(&mut map, "methodologie", s(&m.methodology).as_deref());
        put(&mut map, "temporal", input.temporal.as_deref());
        map.insert(
            "resources".into(),
            Value::Array(
                input
                    .files
                    .iter()
                    .map(|f| Value::Object(resource(f)))
                    .collect(),
            ),
        );
        map
    }
}
