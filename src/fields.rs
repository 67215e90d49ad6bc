//! The columns of the published tables, defined once: input key, published names in each
//! language, type, labels, descriptions and an example. CSV headers, JSON keys, the data
//! dictionary and the Frictionless Table Schemas are all generated from these lists, so they
//! cannot disagree.

use crate::model::{Commitment, Completion, Milestone, OgpValue, PartialDate, Plan, Status};
use crate::profile::Lang;
use serde::Serialize;
use std::borrow::Cow;

/// The type of a column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text.
    Text,
    /// A whole number.
    Integer,
    /// A decimal number written with `.` and one decimal.
    Decimal,
    /// `YYYY-MM-DD` or `YYYY-MM`.
    Date,
    /// An absolute URL.
    Url,
    /// One code from a fixed list.
    Code(&'static [&'static str]),
    /// Several values, `;`-separated in CSV, an array in JSON.
    List,
    /// Several codes from a fixed list.
    CodeList(&'static [&'static str]),
}

/// One published column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The column name in catalogue input files (English snake_case).
    pub key: Cow<'static, str>,
    /// Published name in French.
    pub fr: Cow<'static, str>,
    /// Published name in English.
    pub en: Cow<'static, str>,
    /// Value type.
    pub kind: Kind,
    /// Must be non-empty in input.
    pub required: bool,
    /// Computed by the build, not read from input.
    pub derived: bool,
    /// Label, French then English.
    pub label: [Cow<'static, str>; 2],
    /// Description, French then English.
    pub description: [Cow<'static, str>; 2],
    /// An example value.
    pub example: Cow<'static, str>,
}

impl Field {
    /// The published column name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }

    /// A plan-declared extra column: text, published under its own name.
    pub fn extra(name: &str) -> Field {
        let name: Cow<'static, str> = Cow::Owned(name.to_string());
        Field {
            key: name.clone(),
            fr: name.clone(),
            en: name.clone(),
            kind: Kind::Text,
            required: false,
            derived: false,
            label: [name.clone(), name],
            description: [
                Cow::Borrowed("Colonne supplémentaire déclarée par le plan."),
                Cow::Borrowed("Extra column declared by the plan."),
            ],
            example: Cow::Borrowed(""),
        }
    }
}

#[allow(clippy::too_many_arguments)]
const fn f(
    key: &'static str,
    fr: &'static str,
    en: &'static str,
    kind: Kind,
    required: bool,
    derived: bool,
    label: [&'static str; 2],
    description: [&'static str; 2],
    example: &'static str,
) -> Field {
    Field {
        key: Cow::Borrowed(key),
        fr: Cow::Borrowed(fr),
        en: Cow::Borrowed(en),
        kind,
        required,
        derived,
        label: [Cow::Borrowed(label[0]), Cow::Borrowed(label[1])],
        description: [Cow::Borrowed(description[0]), Cow::Borrowed(description[1])],
        example: Cow::Borrowed(example),
    }
}

const PLAN_FIELD: Field = f(
    "plan",
    "plan",
    "plan",
    Kind::Text,
    false,
    true,
    ["Plan d'action", "Action plan"],
    [
        "Identifiant du plan d'action auquel la ligne appartient.",
        "Identifier of the action plan the row belongs to.",
    ],
    "quebec-2021-2023",
);

/// The standard commitment columns, in published order.
pub const COMMITMENT_FIELDS: &[Field] = &[
    f("id", "id", "id", Kind::Text, true, false,
      ["Identifiant", "Identifier"],
      ["Identifiant stable de l'engagement (identifiant du PGO lorsqu'il existe).",
       "Stable commitment identifier (OGP's id where there is one)."],
      "CAQUE0001"),
    PLAN_FIELD,
    f("number", "numero", "number", Kind::Integer, false, false,
      ["Numéro", "Number"],
      ["Numéro de l'engagement dans le plan.", "Number of the commitment within the plan."],
      "1"),
    f("title", "titre", "title", Kind::Text, true, false,
      ["Titre", "Title"],
      ["Titre de l'engagement dans la langue du plan.", "Commitment title in the plan's language."],
      "Démocratiser les données ouvertes"),
    f("title_en", "titre_en", "title_en", Kind::Text, false, false,
      ["Titre en anglais", "English title"],
      ["Titre de l'engagement en anglais.", "Commitment title in English."],
      "Democratize open data"),
    f("challenge", "defi", "challenge", Kind::Text, false, false,
      ["Défi", "Challenge"],
      ["Identifiant du défi du plan auquel l'engagement répond.",
       "Identifier of the plan challenge the commitment answers."],
      "1"),
    f("description", "description", "description", Kind::Text, false, false,
      ["Description", "Description"],
      ["Ce que l'engagement prévoit faire (Markdown).", "What the commitment will do (Markdown)."],
      ""),
    f("problem", "probleme", "problem", Kind::Text, false, false,
      ["Problème", "Problem"],
      ["Problème public que l'engagement vise à régler.",
       "Public problem the commitment addresses."],
      ""),
    f("lead_institution", "institution_responsable", "lead_institution", Kind::List, false, false,
      ["Institution responsable", "Lead institution"],
      ["Institution(s) responsable(s), séparées par « ; ».", "Lead institution(s), separated by \";\"."],
      "Secrétariat du Conseil du trésor"),
    f("other_institutions", "autres_institutions", "other_institutions", Kind::List, false, false,
      ["Autres institutions", "Other institutions"],
      ["Autres institutions participantes, séparées par « ; ».",
       "Other institutions taking part, separated by \";\"."],
      "Bibliothèque et Archives nationales du Québec"),
    f("ogp_values", "valeurs_pgo", "ogp_values", Kind::CodeList(OgpValue::CODES), false, false,
      ["Valeurs du PGO", "OGP values"],
      ["Valeurs du Partenariat pour un gouvernement ouvert visées, séparées par « ; ».",
       "Open Government Partnership values the commitment is relevant to, separated by \";\"."],
      "access_to_information"),
    f("start", "debut", "start", Kind::Date, false, false,
      ["Début", "Start"],
      ["Début de l'engagement (AAAA-MM-JJ ou AAAA-MM).", "Commitment start (YYYY-MM-DD or YYYY-MM)."],
      "2022-04"),
    f("end", "fin", "end", Kind::Date, false, false,
      ["Fin", "End"],
      ["Fin prévue de l'engagement (AAAA-MM-JJ ou AAAA-MM).",
       "Planned end of the commitment (YYYY-MM-DD or YYYY-MM)."],
      "2023-03"),
    f("completion", "achevement", "completion", Kind::Code(Completion::CODES), false, false,
      ["Achèvement", "Completion"],
      ["Niveau d'achèvement selon l'échelle du Mécanisme d'évaluation indépendant (MEI).",
       "Completion level on the Independent Reporting Mechanism (IRM) scale."],
      "complete"),
    f("url", "url", "url", Kind::Url, false, false,
      ["Page web", "Web page"],
      ["Page décrivant l'engagement.", "Page describing the commitment."],
      "https://www.quebec.ca/gouvernement/gouvernement-ouvert"),
    f("milestones_total", "jalons_total", "milestones_total", Kind::Integer, false, true,
      ["Nombre de jalons", "Number of milestones"],
      ["Nombre de jalons connus de l'engagement (calculé).",
       "Number of known milestones of the commitment (computed)."],
      "3"),
    f("milestones_completed", "jalons_realises", "milestones_completed", Kind::Integer, false, true,
      ["Jalons réalisés", "Milestones completed"],
      ["Nombre de jalons au statut « completed » (calculé).",
       "Number of milestones whose status is \"completed\" (computed)."],
      "2"),
    f("progress", "progression", "progress", Kind::Decimal, false, true,
      ["Progression (%)", "Progress (%)"],
      ["Pourcentage des jalons réalisés, une décimale; vide quand aucun jalon n'est connu (calculé).",
       "Percentage of milestones completed, one decimal; empty when no milestone is known (computed)."],
      "66.7"),
];

/// The standard milestone columns, in published order.
pub const MILESTONE_FIELDS: &[Field] = &[
    f(
        "id",
        "id",
        "id",
        Kind::Text,
        true,
        false,
        ["Identifiant", "Identifier"],
        [
            "Identifiant stable du jalon.",
            "Stable milestone identifier.",
        ],
        "CAQUE0002-01",
    ),
    PLAN_FIELD,
    f(
        "commitment_id",
        "engagement_id",
        "commitment_id",
        Kind::Text,
        true,
        false,
        ["Engagement", "Commitment"],
        [
            "Identifiant de l'engagement auquel le jalon appartient.",
            "Identifier of the commitment the milestone belongs to.",
        ],
        "CAQUE0002",
    ),
    f(
        "title",
        "titre",
        "title",
        Kind::Text,
        true,
        false,
        ["Titre", "Title"],
        ["Titre du jalon.", "Milestone title."],
        "Mise en ligne d'une page de soutien",
    ),
    f(
        "deliverable",
        "livrable",
        "deliverable",
        Kind::Text,
        false,
        false,
        ["Livrable", "Deliverable"],
        [
            "Livrable vérifiable attendu.",
            "Verifiable deliverable expected.",
        ],
        "",
    ),
    f(
        "start",
        "debut",
        "start",
        Kind::Date,
        false,
        false,
        ["Début", "Start"],
        [
            "Début du jalon (AAAA-MM-JJ ou AAAA-MM).",
            "Milestone start (YYYY-MM-DD or YYYY-MM).",
        ],
        "2022-02",
    ),
    f(
        "end",
        "fin",
        "end",
        Kind::Date,
        false,
        false,
        ["Échéance", "Due"],
        [
            "Échéance du jalon (AAAA-MM-JJ ou AAAA-MM).",
            "Milestone due date (YYYY-MM-DD or YYYY-MM).",
        ],
        "2023-03",
    ),
    f(
        "status",
        "statut",
        "status",
        Kind::Code(Status::CODES),
        false,
        false,
        ["Statut", "Status"],
        [
            "État d'avancement du jalon.",
            "Progress status of the milestone.",
        ],
        "completed",
    ),
    f(
        "completed_on",
        "date_realisation",
        "completed_on",
        Kind::Date,
        false,
        false,
        ["Date de réalisation", "Completed on"],
        [
            "Date à laquelle le jalon a été réalisé (AAAA-MM-JJ ou AAAA-MM).",
            "Date the milestone was completed (YYYY-MM-DD or YYYY-MM).",
        ],
        "2022-06-30",
    ),
    f(
        "evidence_url",
        "url_preuve",
        "evidence_url",
        Kind::Url,
        false,
        false,
        ["Preuve", "Evidence"],
        [
            "Lien vers une preuve de réalisation.",
            "Link to evidence of completion.",
        ],
        "",
    ),
];

/// The members of `plan.json` that are the plan's own (its commitments and milestones carry
/// the columns of those tables), so that the data dictionary documents every key of every
/// file and Données Québec's `relidi_description_champs` answer holds for `plan.json` too.
#[rustfmt::skip]
pub const PLAN_FIELDS: &[Field] = &[
    f("id", "id", "id", Kind::Text, true, false,
      ["Identifiant", "Identifier"],
      ["Identifiant du plan d'action (nom de son dossier dans le catalogue).",
       "Identifier of the action plan (its folder name in the catalogue)."],
      "quebec-2021-2023"),
    f("title", "titre", "title", Kind::Text, true, false,
      ["Titre", "Title"],
      ["Titre du plan d'action dans sa langue.", "Title of the action plan in its language."],
      "Plan d'action favorisant un gouvernement ouvert 2021-2023"),
    f("title_en", "titre_en", "title_en", Kind::Text, false, false,
      ["Titre en anglais", "English title"],
      ["Titre du plan d'action en anglais.", "Title of the action plan in English."],
      ""),
    f("subtitle", "sous_titre", "subtitle", Kind::Text, false, false,
      ["Sous-titre", "Subtitle"],
      ["Sous-titre du plan d'action.", "Subtitle of the action plan."],
      "Pour un Québec transparent"),
    f("member", "membre", "member", Kind::Text, false, false,
      ["Membre", "Member"],
      ["Membre du Partenariat pour un gouvernement ouvert qui porte le plan.",
       "Open Government Partnership member that carries the plan."],
      "Québec, Canada"),
    f("start", "debut", "start", Kind::Date, false, false,
      ["Début", "Start"],
      ["Date de début du plan (AAAA-MM-JJ ou AAAA-MM).", "Start date of the plan (YYYY-MM-DD or YYYY-MM)."],
      "2021-12-16"),
    f("end", "fin", "end", Kind::Date, false, false,
      ["Fin", "End"],
      ["Date de fin du plan (AAAA-MM-JJ ou AAAA-MM).", "End date of the plan (YYYY-MM-DD or YYYY-MM)."],
      "2023-03"),
    f("submitted_on", "date_soumission", "submitted_on", Kind::Date, false, false,
      ["Date de soumission", "Submitted on"],
      ["Date à laquelle le plan a été soumis au Partenariat (AAAA-MM-JJ ou AAAA-MM).",
       "Date the plan was submitted to the Partnership (YYYY-MM-DD or YYYY-MM)."],
      "2021-09-22"),
    f("url", "url", "url", Kind::Url, false, false,
      ["Page web", "Web page"],
      ["Page web du plan d'action.", "Web page of the action plan."],
      ""),
    f("description", "description", "description", Kind::Text, false, false,
      ["Description", "Description"],
      ["Présentation du plan d'action (Markdown).", "Presentation of the action plan (Markdown)."],
      ""),
    f("challenges", "defis", "challenges", Kind::List, false, false,
      ["Défis", "Challenges"],
      ["Défis du plan : liste d'objets, chacun avec son identifiant et son titre.",
       "Challenges of the plan: list of objects, each with its identifier and title."],
      ""),
    f("commitments", "engagements", "commitments", Kind::List, false, false,
      ["Engagements", "Commitments"],
      ["Engagements du plan : liste d'objets, chacun avec les colonnes de la ressource des engagements (sauf le plan) et ses jalons.",
       "Commitments of the plan: list of objects, each with the columns of the commitments resource (except the plan) and its milestones."],
      ""),
    f("milestones", "jalons", "milestones", Kind::List, false, false,
      ["Jalons", "Milestones"],
      ["Jalons d'un engagement : liste d'objets, chacun avec les colonnes de la ressource des jalons (sauf le plan et l'engagement).",
       "Milestones of a commitment: list of objects, each with the columns of the milestones resource (except the plan and the commitment)."],
      ""),
];

/// The columns of the data dictionary.
pub const DICTIONARY_FIELDS: &[Field] = &[
    f("resource", "ressource", "resource", Kind::Text, true, false,
      ["Ressource", "Resource"],
      ["Nom de la ressource (fichier sans extension) qui contient le champ.",
       "Name of the resource (file without extension) holding the field."],
      "engagements"),
    f("field", "champ", "field", Kind::Text, true, false,
      ["Champ", "Field"],
      ["Nom de la colonne, tel qu'il paraît dans l'en-tête.", "Column name as it appears in the header."],
      "titre"),
    f("type", "type", "type", Kind::Text, true, false,
      ["Type", "Type"],
      ["Type des valeurs : texte, entier, décimal, date, url, code ou liste (« ; » entre les éléments).",
       "Value type: text, integer, decimal, date, url, code or list (\";\" between items)."],
      "texte"),
    f("label_fr", "libelle_fr", "label_fr", Kind::Text, true, false,
      ["Libellé (français)", "Label (French)"],
      ["Libellé du champ en français.", "Field label in French."],
      "Titre"),
    f("label_en", "libelle_en", "label_en", Kind::Text, true, false,
      ["Libellé (anglais)", "Label (English)"],
      ["Libellé du champ en anglais.", "Field label in English."],
      "Title"),
    f("description_fr", "description_fr", "description_fr", Kind::Text, true, false,
      ["Description (français)", "Description (French)"],
      ["Définition du champ en français.", "Field definition in French."],
      ""),
    f("description_en", "description_en", "description_en", Kind::Text, true, false,
      ["Description (anglais)", "Description (English)"],
      ["Définition du champ en anglais.", "Field definition in English."],
      ""),
    f("example", "exemple", "example", Kind::Text, false, false,
      ["Exemple", "Example"],
      ["Exemple de valeur.", "Example value."],
      "CAQUE0001"),
];

/// A cell value on its way to CSV or JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// Unknown: empty in CSV, `null` in JSON.
    Null,
    /// Text.
    Text(Cow<'a, str>),
    /// Whole number.
    Int(u64),
    /// Decimal, already formatted with `.` (fixed digits keep outputs byte-stable).
    Decimal(String),
    /// A list of texts.
    List(Vec<Cow<'a, str>>),
    /// A date, written as its text ([`PartialDate`]'s `Display`) wherever text would be; kept
    /// as a date so that writers need not format it into an owned string, nor parse it back.
    Date(PartialDate),
}

impl Serialize for Value<'_> {
    /// The cell as published in JSON: `null` for unknown, numbers as numbers (a decimal keeps
    /// its digits: it is parsed as JSON text), lists as arrays, dates as their text.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_none(),
            Value::Text(t) => s.serialize_str(t),
            Value::Int(n) => s.serialize_u64(*n),
            Value::Decimal(d) => match serde_json::from_str::<serde_json::Number>(d) {
                Ok(n) => n.serialize(s),
                Err(_) => s.serialize_str(d),
            },
            Value::List(items) => s.collect_seq(items),
            Value::Date(d) => s.collect_str(d),
        }
    }
}

// Unknown cells are made with `map_or_else`: a `Value::Null` given to `map_or` is built, then
// dropped (a call) whenever the value is known.
fn text(s: &Option<String>) -> Value<'_> {
    s.as_deref()
        .map_or_else(|| Value::Null, |s| Value::Text(Cow::Borrowed(s)))
}

fn date(d: &Option<PartialDate>) -> Value<'static> {
    d.map_or_else(|| Value::Null, Value::Date)
}

fn list(v: &[String]) -> Value<'_> {
    if v.is_empty() {
        Value::Null
    } else {
        Value::List(v.iter().map(|s| Cow::Borrowed(s.as_str())).collect())
    }
}

/// Counts computed from a commitment's milestones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Milestones known.
    pub total: u64,
    /// Milestones completed.
    pub completed: u64,
}

impl Progress {
    /// Percentage completed with one decimal, or `None` when no milestone is known.
    pub fn percent(self) -> Option<String> {
        // Integer arithmetic, rounded half up, so the text never depends on float printing.
        (self.total > 0).then(|| {
            let tenths = (self.completed * 1000 * 2 + self.total) / (self.total * 2);
            format!("{}.{}", tenths / 10, tenths % 10)
        })
    }
}

/// A commitment column, resolved once per table so rows are read without comparing key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitmentCol {
    /// `id`.
    Id,
    /// `plan`.
    Plan,
    /// `number`.
    Number,
    /// `title`.
    Title,
    /// `title_en`.
    TitleEn,
    /// `challenge`.
    Challenge,
    /// `description`.
    Description,
    /// `problem`.
    Problem,
    /// `lead_institution`.
    LeadInstitution,
    /// `other_institutions`.
    OtherInstitutions,
    /// `ogp_values`.
    OgpValues,
    /// `start`.
    Start,
    /// `end`.
    End,
    /// `completion`.
    Completion,
    /// `url`.
    Url,
    /// `milestones_total`.
    MilestonesTotal,
    /// `milestones_completed`.
    MilestonesCompleted,
    /// `progress`.
    Progress,
    /// A declared extra column (its index), or an unknown key (`None`: always empty).
    Extra(Option<usize>),
}

impl CommitmentCol {
    /// The column `key` of a plan's commitments.
    pub fn of(plan: &Plan, key: &str) -> Self {
        match key {
            "id" => Self::Id,
            "plan" => Self::Plan,
            "number" => Self::Number,
            "title" => Self::Title,
            "title_en" => Self::TitleEn,
            "challenge" => Self::Challenge,
            "description" => Self::Description,
            "problem" => Self::Problem,
            "lead_institution" => Self::LeadInstitution,
            "other_institutions" => Self::OtherInstitutions,
            "ogp_values" => Self::OgpValues,
            "start" => Self::Start,
            "end" => Self::End,
            "completion" => Self::Completion,
            "url" => Self::Url,
            "milestones_total" => Self::MilestonesTotal,
            "milestones_completed" => Self::MilestonesCompleted,
            "progress" => Self::Progress,
            other => Self::Extra(
                plan.extra_commitment_columns
                    .iter()
                    .position(|n| n == other),
            ),
        }
    }
}

/// A milestone column, resolved once per table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneCol {
    /// `id`.
    Id,
    /// `plan`.
    Plan,
    /// `commitment_id`.
    CommitmentId,
    /// `title`.
    Title,
    /// `deliverable`.
    Deliverable,
    /// `start`.
    Start,
    /// `end`.
    End,
    /// `status`.
    Status,
    /// `completed_on`.
    CompletedOn,
    /// `evidence_url`.
    EvidenceUrl,
    /// A declared extra column (its index), or an unknown key (`None`: always empty).
    Extra(Option<usize>),
}

impl MilestoneCol {
    /// The column `key` of a plan's milestones.
    pub fn of(plan: &Plan, key: &str) -> Self {
        match key {
            "id" => Self::Id,
            "plan" => Self::Plan,
            "commitment_id" => Self::CommitmentId,
            "title" => Self::Title,
            "deliverable" => Self::Deliverable,
            "start" => Self::Start,
            "end" => Self::End,
            "status" => Self::Status,
            "completed_on" => Self::CompletedOn,
            "evidence_url" => Self::EvidenceUrl,
            other => Self::Extra(plan.extra_milestone_columns.iter().position(|n| n == other)),
        }
    }
}

/// The value of `key` for a commitment (standard key or extra column).
pub fn commitment_value<'a>(
    plan: &'a Plan,
    c: &'a Commitment,
    progress: Progress,
    key: &str,
) -> Value<'a> {
    commitment_cell(plan, c, progress, CommitmentCol::of(plan, key))
}

/// The value of a resolved column for a commitment.
pub fn commitment_cell<'a>(
    plan: &'a Plan,
    c: &'a Commitment,
    progress: Progress,
    col: CommitmentCol,
) -> Value<'a> {
    use CommitmentCol as C;
    match col {
        C::Id => Value::Text(Cow::Borrowed(&c.id)),
        C::Plan => Value::Text(Cow::Borrowed(&plan.id)),
        C::Number => c
            .number
            .map_or_else(|| Value::Null, |n| Value::Int(n.into())),
        C::Title => Value::Text(Cow::Borrowed(&c.title)),
        C::TitleEn => text(&c.title_en),
        C::Challenge => text(&c.challenge),
        C::Description => text(&c.description),
        C::Problem => text(&c.problem),
        C::LeadInstitution => list(&c.lead_institution),
        C::OtherInstitutions => list(&c.other_institutions),
        C::OgpValues if c.ogp_values.is_empty() => Value::Null,
        C::OgpValues => Value::List(
            c.ogp_values
                .iter()
                .map(|v| Cow::Borrowed(v.code()))
                .collect(),
        ),
        C::Start => date(&c.start),
        C::End => date(&c.end),
        C::Completion => c
            .completion
            .map_or_else(|| Value::Null, |v| Value::Text(Cow::Borrowed(v.code()))),
        C::Url => text(&c.url),
        C::MilestonesTotal => Value::Int(progress.total),
        C::MilestonesCompleted => Value::Int(progress.completed),
        C::Progress => progress
            .percent()
            .map_or_else(|| Value::Null, Value::Decimal),
        C::Extra(i) => extra(&c.extra, i),
    }
}

/// The value of `key` for a milestone.
pub fn milestone_value<'a>(plan: &'a Plan, m: &'a Milestone, key: &str) -> Value<'a> {
    milestone_cell(plan, m, MilestoneCol::of(plan, key))
}

/// The value of a resolved column for a milestone.
pub fn milestone_cell<'a>(plan: &'a Plan, m: &'a Milestone, col: MilestoneCol) -> Value<'a> {
    use MilestoneCol as M;
    match col {
        M::Id => Value::Text(Cow::Borrowed(&m.id)),
        M::Plan => Value::Text(Cow::Borrowed(&plan.id)),
        M::CommitmentId => Value::Text(Cow::Borrowed(&m.commitment_id)),
        M::Title => Value::Text(Cow::Borrowed(&m.title)),
        M::Deliverable => text(&m.deliverable),
        M::Start => date(&m.start),
        M::End => date(&m.end),
        M::Status => m
            .status
            .map_or_else(|| Value::Null, |v| Value::Text(Cow::Borrowed(v.code()))),
        M::CompletedOn => date(&m.completed_on),
        M::EvidenceUrl => text(&m.evidence_url),
        M::Extra(i) => extra(&m.extra, i),
    }
}

fn extra(values: &[Option<String>], index: Option<usize>) -> Value<'_> {
    index
        .and_then(|i| values.get(i))
        .map_or_else(|| Value::Null, text)
}

/// The commitment columns of a plan: standard ones, then its declared extras.
pub fn commitment_fields(plan: &Plan) -> Vec<Field> {
    with_extras(COMMITMENT_FIELDS, &plan.extra_commitment_columns)
}

/// The milestone columns of a plan: standard ones, then its declared extras.
pub fn milestone_fields(plan: &Plan) -> Vec<Field> {
    with_extras(MILESTONE_FIELDS, &plan.extra_milestone_columns)
}

fn with_extras(base: &[Field], extras: &[String]) -> Vec<Field> {
    base.iter()
        .cloned()
        .chain(extras.iter().map(|e| Field::extra(e)))
        .collect()
}

/// The text of a cell in CSV: empty for unknown, `;` between list items.
pub fn csv_cell<'v>(value: &'v Value) -> Cow<'v, str> {
    match value {
        Value::Null => Cow::Borrowed(""),
        Value::Text(t) => Cow::Borrowed(t),
        Value::Int(n) => Cow::Owned(n.to_string()),
        Value::Decimal(d) => Cow::Borrowed(d),
        Value::List(items) => Cow::Owned(items.join(";")),
        Value::Date(d) => Cow::Owned(d.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_rounds_half_up_with_one_decimal() {
        let p = |completed, total| Progress { total, completed }.percent();
        assert_eq!(p(2, 3), Some("66.7".into()));
        assert_eq!(p(1, 3), Some("33.3".into()));
        assert_eq!(p(1, 8), Some("12.5".into()));
        assert_eq!(p(1, 16), Some("6.3".into()));
        assert_eq!(p(3, 3), Some("100.0".into()));
        assert_eq!(p(0, 0), None);
    }

    #[test]
    fn published_names_are_ascii_snake_case_and_unique() {
        for fields in [COMMITMENT_FIELDS, MILESTONE_FIELDS] {
            for lang in [Lang::Fr, Lang::En] {
                let names: Vec<&str> = fields.iter().map(|f| f.name(lang)).collect();
                for n in &names {
                    assert!(
                        n.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                        "{n}"
                    );
                }
                let mut sorted = names.clone();
                sorted.sort();
                sorted.dedup();
                assert_eq!(sorted.len(), names.len());
            }
        }
    }
}
