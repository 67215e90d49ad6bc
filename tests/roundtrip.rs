//! Property tests: records written as CSV and read back are the same records, whatever their
//! text holds (commas, quotes, line breaks, accents, emoji, markup).

mod common;

use ogp_publish::model::{Commitment, Completion, Milestone, OgpValue, PartialDate, Plan, Status};
use proptest::prelude::*;
use std::path::Path;

/// Text a steward might type: non-empty, with every character CSV must escape.
fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Zé0-9 ,\"'\n<>/&;=+@-]{0,12}(🎉|<script>alert\\(1\\)</script>|Québec, « ok »|\"\")?[a-z]{1,3}")
        .unwrap()
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

/// List items: no `;` (the separator) and no surrounding spaces (they are trimmed).
fn list() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(
        proptest::string::string_regex("[a-zA-Zé0-9,\"'<>🎉]([a-zA-Zé0-9 ,\"'\n<>]{0,8}[a-z])?")
            .unwrap(),
        0..3,
    )
}

fn date() -> impl Strategy<Value = Option<PartialDate>> {
    proptest::option::of(
        (2000i32..2040, 1u32..13, proptest::option::of(1u32..29))
            .prop_map(|(year, month, day)| PartialDate { year, month, day }),
    )
}

fn url() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(
        "[a-z]{1,8}(/[a-z0-9]{1,5})?".prop_map(|p| format!("https://example.org/{p}")),
    )
}

fn commitment(i: usize) -> impl Strategy<Value = Commitment> {
    (
        (
            text(),
            opt_text(),
            opt_text(),
            opt_text(),
            proptest::option::of(0u32..1000),
        ),
        (
            list(),
            list(),
            proptest::sample::subsequence(OgpValue::ALL.to_vec(), 0..=4),
        ),
        (
            date(),
            date(),
            proptest::option::of(proptest::sample::select(Completion::ALL.to_vec())),
            url(),
        ),
    )
        .prop_map(
            move |(
                (title, title_en, description, problem, number),
                (lead, other, ogp),
                (start, end, completion, url),
            )| Commitment {
                id: format!("C{i:04}"),
                number,
                title,
                title_en,
                challenge: None,
                description,
                problem,
                lead_institution: lead,
                other_institutions: other,
                ogp_values: ogp,
                start,
                end,
                completion,
                url,
                ..Commitment::default()
            },
        )
}

fn milestone(i: usize) -> impl Strategy<Value = Milestone> {
    (
        text(),
        opt_text(),
        date(),
        date(),
        proptest::option::of(proptest::sample::select(Status::ALL.to_vec())),
        date(),
        url(),
    )
        .prop_map(
            move |(title, deliverable, start, end, status, completed_on, evidence_url)| Milestone {
                id: format!("M{i:04}"),
                commitment_id: "C0000".into(),
                title,
                deliverable,
                start,
                end,
                status,
                completed_on,
                evidence_url,
                ..Milestone::default()
            },
        )
}

fn records() -> impl Strategy<Value = (Vec<Commitment>, Vec<Milestone>)> {
    (1usize..5, 0usize..5).prop_flat_map(|(nc, nm)| {
        (
            (0..nc).map(commitment).collect::<Vec<_>>(),
            (0..nm).map(milestone).collect::<Vec<_>>(),
        )
    })
}

fn write_catalog(dir: &Path, plan: &Plan) {
    let p = dir.join("plans/p");
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(
        dir.join("publisher.toml"),
        "profile = \"ckan\"\n[organization]\nname = \"org\"\n",
    )
    .unwrap();
    std::fs::write(p.join("plan.toml"), "title = \"P\"\n").unwrap();
    let mut c = Vec::new();
    ogp_publish::write_commitments_csv(plan, &mut c).unwrap();
    std::fs::write(p.join("commitments.csv"), c).unwrap();
    let mut m = Vec::new();
    ogp_publish::write_milestones_csv(plan, &mut m).unwrap();
    std::fs::write(p.join("milestones.csv"), m).unwrap();
}

fn without_sources(mut plan: Plan) -> (Vec<Commitment>, Vec<Milestone>) {
    for c in &mut plan.commitments {
        c.src = Default::default();
    }
    for m in &mut plan.milestones {
        m.src = Default::default();
    }
    (plan.commitments, plan.milestones)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn catalogue_csv_round_trips((commitments, milestones) in records()) {
        let plan = Plan { id: "p".into(), commitments, milestones, ..Plan::default() };
        let tmp = tempfile::tempdir().unwrap();
        write_catalog(tmp.path(), &plan);
        let loaded = ogp_publish::load_catalog(tmp.path());
        // Text may start like a formula: that is a warning for reusers, not a change of data.
        prop_assert!(
            loaded.diagnostics.iter().all(|d| d.code == ogp_publish::Code::FormulaLikeCell),
            "{:?}",
            loaded.diagnostics
        );
        let got = without_sources(loaded.catalog.plans.into_iter().next().unwrap());
        prop_assert_eq!(got, (plan.commitments, plan.milestones));
    }

    #[test]
    fn published_csv_reads_back_cell_for_cell((commitments, milestones) in records()) {
        let plan = Plan { id: "p".into(), commitments, milestones, ..Plan::default() };
        let tmp = tempfile::tempdir().unwrap();
        write_catalog(tmp.path(), &plan);
        let loaded = ogp_publish::load_catalog(tmp.path());
        let out = tmp.path().join("dist");
        ogp_publish::write_dist(&loaded.catalog, &out, &[]).unwrap();
        let file = out.join("datasets/p/commitments.csv");
        let mut reader = csv::Reader::from_path(&file).unwrap();
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        let mut sorted = plan.commitments.clone();
        sorted.sort_by(|a, b| a.id.cmp(&b.id));
        prop_assert_eq!(rows.len(), sorted.len());
        for (row, c) in rows.iter().zip(&sorted) {
            prop_assert_eq!(&row[0], c.id.as_str());
            prop_assert_eq!(&row[3], c.title.as_str());
            prop_assert_eq!(&row[4], c.title_en.as_deref().unwrap_or(""));
            prop_assert_eq!(&row[6], c.description.as_deref().unwrap_or(""));
            let lead = c.lead_institution.join(";");
            prop_assert_eq!(&row[8], lead.as_str());
        }
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("datasets/p/commitments.json")).unwrap()).unwrap();
        for (obj, c) in json.as_array().unwrap().iter().zip(&sorted) {
            prop_assert_eq!(obj["title"].as_str(), Some(c.title.as_str()));
            prop_assert_eq!(obj["description"].as_str(), c.description.as_deref());
        }
    }
}
