//! A dataset as the build writes it, and the view of a plan that the writers, the DCAT
//! description and the preview share: below all three, so none of them imports another.

use crate::fields::Progress;
use crate::model::{Commitment, Lang, Milestone, Plan, Status};
use crate::profile::FileFacts;
use serde_json::Map;
use std::collections::HashMap;

/// One dataset as written.
#[derive(Debug, Clone)]
pub struct BuiltDataset {
    /// CKAN dataset name; also its folder under `datasets/`.
    pub name: String,
    /// The plan it publishes.
    pub plan_id: String,
    /// The package dict in `package.json`.
    pub package: Map<String, serde_json::Value>,
    /// The resource files, in publishing order.
    pub files: Vec<FileFacts>,
    /// What `datastore.json` holds (`None` when the plan's `datastore` is `off`).
    pub datastore: Option<serde_json::Value>,
}

/// File names of a dataset's tables in a language.
pub(crate) struct Names {
    pub(crate) commitments: &'static str,
    pub(crate) milestones: &'static str,
    pub(crate) dictionary: &'static str,
    pub(crate) plan_key_commitments: &'static str,
    pub(crate) plan_key_milestones: &'static str,
}

/// The file and key names of `lang`.
pub(crate) fn names(lang: Lang) -> Names {
    match lang {
        Lang::Fr => Names {
            commitments: "engagements",
            milestones: "jalons",
            dictionary: "dictionnaire-donnees",
            plan_key_commitments: "engagements",
            plan_key_milestones: "jalons",
        },
        Lang::En => Names {
            commitments: "commitments",
            milestones: "milestones",
            dictionary: "data-dictionary",
            plan_key_commitments: "commitments",
            plan_key_milestones: "milestones",
        },
    }
}

/// A plan's records in publishing order (by id) and each commitment's progress, worked out
/// once per plan for its files and its preview page.
pub(crate) struct PlanView<'a> {
    pub(crate) plan: &'a Plan,
    pub(crate) commitments: Vec<&'a Commitment>,
    pub(crate) milestones: Vec<&'a Milestone>,
    pub(crate) progress: HashMap<&'a str, Progress>,
}

impl<'a> PlanView<'a> {
    pub(crate) fn new(plan: &'a Plan) -> Self {
        let mut progress: HashMap<&str, Progress> = HashMap::new();
        for m in &plan.milestones {
            let p = progress.entry(m.commitment_id.as_str()).or_default();
            p.total += 1;
            p.completed += u64::from(m.status == Some(Status::Completed));
        }
        let mut commitments: Vec<&Commitment> = plan.commitments.iter().collect();
        commitments.sort_by(|a, b| a.id.cmp(&b.id));
        let mut milestones: Vec<&Milestone> = plan.milestones.iter().collect();
        milestones.sort_by(|a, b| a.id.cmp(&b.id));
        PlanView {
            plan,
            commitments,
            milestones,
            progress,
        }
    }

    /// The progress of a commitment (none known when it has no milestone).
    pub(crate) fn progress_of(&self, c: &Commitment) -> Progress {
        self.progress
            .get(c.id.as_str())
            .copied()
            .unwrap_or_default()
    }
}

/// SPDX id, URL and title of a CKAN licence id.
pub fn license(id: &str) -> (&str, &str, &str) {
    match id {
        "cc-by" => (
            "CC-BY-4.0",
            "https://creativecommons.org/licenses/by/4.0/",
            "Creative Commons Attribution 4.0",
        ),
        "cc-by-sa" => (
            "CC-BY-SA-4.0",
            "https://creativecommons.org/licenses/by-sa/4.0/",
            "Creative Commons Attribution-ShareAlike 4.0",
        ),
        "cc-by-nc" => (
            "CC-BY-NC-4.0",
            "https://creativecommons.org/licenses/by-nc/4.0/",
            "Creative Commons Attribution-NonCommercial 4.0",
        ),
        "OGL-Canada-2.0" => (
            "OGL-Canada-2.0",
            "https://open.canada.ca/en/open-government-licence-canada",
            "Open Government Licence - Canada",
        ),
        other => (other, "", other),
    }
}
