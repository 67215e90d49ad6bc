//! Builds a catalogue in code — no files to edit — validates it and writes the open-data files.
//!
//! Run it with `cargo run --example build_catalog -- OUT_DIR` (default `dist-example`). This is
//! the way to publish a plan kept in another system: map its records onto the model, then let
//! the library check and write them exactly as `ogp-publish build` does.

use ogp_publish::model::{
    Catalog, Challenge, Commitment, Lang, Milestone, OgpValue, PartialDate, Plan, Publisher, Sp,
    Status,
};
use ogp_publish::{validate, write_dist, BuildSummary, Error};
use std::path::{Path, PathBuf};

/// The catalogue: one plan, two commitments, three milestones, published with the `ckan` profile.
pub fn catalog() -> Catalog {
    let date = |s: &str| PartialDate::parse(s);
    let commitment = |id: &str, number: u32, title: &str, value: OgpValue| Commitment {
        id: id.into(),
        number: Some(number),
        title: title.into(),
        challenge: Some("1".into()),
        lead_institution: vec!["Ministry of Open Data".into()],
        ogp_values: vec![value],
        start: date("2024-01"),
        end: date("2025-12"),
        ..Commitment::default()
    };
    let milestone =
        |id: &str, commitment_id: &str, title: &str, status, done: Option<&str>| Milestone {
            id: id.into(),
            commitment_id: commitment_id.into(),
            title: title.into(),
            status: Some(status),
            completed_on: done.and_then(date),
            ..Milestone::default()
        };
    Catalog {
        publisher: Publisher {
            profile: Sp::new("ckan".into()),
            organization: Sp::new("ministry-of-open-data".into()),
            organization_title: Some("Ministry of Open Data".into()),
            ..Publisher::default()
        },
        plans: vec![Plan {
            id: "example-2024-2025".into(),
            title: Sp::new("Example action plan 2024-2025".into()),
            start: date("2024-01").map(Sp::new),
            end: date("2025-12").map(Sp::new),
            description: Some("A plan built in code by `examples/build_catalog.rs`.".into()),
            challenges: vec![Challenge {
                id: "1".into(),
                title: "Open data by default".into(),
            }],
            commitments: vec![
                commitment(
                    "EX0001",
                    1,
                    "Publish budgets as open data",
                    OgpValue::AccessToInformation,
                ),
                commitment(
                    "EX0002",
                    2,
                    "Consult residents online",
                    OgpValue::CivicParticipation,
                ),
            ],
            milestones: vec![
                milestone(
                    "EX0001-01",
                    "EX0001",
                    "Budget 2024 published, \"line by line\"",
                    Status::Completed,
                    Some("2024-06-30"),
                ),
                milestone(
                    "EX0001-02",
                    "EX0001",
                    "Budget 2025 published",
                    Status::InProgress,
                    None,
                ),
                milestone(
                    "EX0002-01",
                    "EX0002",
                    "Consultation platform chosen",
                    Status::NotStarted,
                    None,
                ),
            ],
            ..Plan::default()
        }],
    }
}

/// Validates the catalogue and writes it to `out`.
pub fn run(out: &Path) -> Result<BuildSummary, Error> {
    let catalog = catalog();
    let diagnostics = validate(&catalog);
    if diagnostics.iter().any(|d| d.is_error()) {
        return Err(Error::Invalid(diagnostics.into()));
    }
    write_dist(&catalog, out, &diagnostics)
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    let out = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("dist-example"), PathBuf::from);
    match run(&out) {
        Ok(built) => {
            for ds in &built.datasets {
                let prefix = format!("datasets/{}/", ds.name);
                let files = built
                    .files
                    .keys()
                    .filter(|f| f.starts_with(&prefix))
                    .count();
                println!("{}: {files} files", ds.name);
            }
            std::process::ExitCode::SUCCESS
        }
        Err(Error::Invalid(diags)) => {
            for d in diags.shown() {
                eprintln!("{d}");
            }
            for more in diags.omitted() {
                eprintln!("{}", more.text().render(Lang::En));
            }
            std::process::ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
