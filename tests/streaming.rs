//! The plan-by-plan build on every core: it writes exactly what the whole-catalogue path writes,
//! finds exactly what `check` finds, and writes nothing when any plan is invalid, whichever
//! worker meets the problem.

mod common;

use common::read_tree;
use ogp_publish::{BuildOpts, Code, Error};
use std::path::{Path, PathBuf};

const PLANS: usize = 12;

/// A catalogue of `PLANS` copies of the bundled plan, each with its own folder and dataset name.
fn many_plans(dir: &Path) -> PathBuf {
    common::bundled_plans(dir, PLANS).0
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Builds a catalogue that must be refused; its diagnostics.
fn build_invalid(catalog: &Path, out: &Path) -> ogp_publish::Diagnostics {
    match ogp_publish::build(&BuildOpts {
        catalog: catalog.to_path_buf(),
        out: out.to_path_buf(),
        jobs: 0,
        page_lang: None,
    }) {
        Err(Error::Invalid(diags)) => diags,
        Err(e) => panic!("expected an invalid catalogue, got {e}"),
        Ok(_) => panic!("an invalid catalogue was built"),
    }
}

#[test]
fn plan_by_plan_build_writes_what_the_whole_catalogue_build_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let catalog = many_plans(tmp.path());
    let streamed = tmp.path().join("streamed");
    let (built, warnings) = ogp_publish::build(&BuildOpts {
        catalog: catalog.clone(),
        out: streamed.clone(),
        jobs: 0,
        page_lang: None,
    })
    .unwrap();
    assert_eq!(built.datasets.len(), PLANS);
    let whole = tmp.path().join("whole");
    let checked = ogp_publish::load_checked(&catalog);
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    assert_eq!(warnings, checked.diagnostics.clone().into());
    ogp_publish::write_dist(&checked.catalog, &whole, &checked.diagnostics).unwrap();
    let (a, b) = (read_tree(&streamed), read_tree(&whole));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "different files"
    );
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs");
    }
    // And again with three workers, and with one: the bytes do not change.
    let again = tmp.path().join("again");
    ogp_publish::build(&BuildOpts {
        catalog: catalog.clone(),
        out: again.clone(),
        jobs: 3,
        page_lang: None,
    })
    .unwrap();
    assert!(read_tree(&again) == a, "a build with three workers differs");
    let one = tmp.path().join("one");
    let o = common::run(&[
        "build",
        &catalog.to_string_lossy(),
        "--out",
        &one.to_string_lossy(),
        "--jobs",
        "1",
    ]);
    assert_eq!(
        common::code(&o),
        0,
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(read_tree(&one) == a, "a build with one worker differs");
}

#[test]
fn one_invalid_plan_among_many_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let catalog = many_plans(tmp.path());
    let bad = catalog.join("plans/plan-09/milestones.csv");
    let text = std::fs::read_to_string(&bad).unwrap();
    let (header, rows) = text.split_once('\n').unwrap();
    let (first, rest) = rows.split_once('\n').unwrap();
    assert!(
        first.matches(",completed,").count() == 1,
        "the bundled first milestone is no longer completed: {first}"
    );
    let first = first.replace(",completed,", ",finished,");
    std::fs::write(&bad, format!("{header}\n{first}\n{rest}")).unwrap();

    let out = tmp.path().join("dist");
    let diags = build_invalid(&catalog, &out);
    let errors: Vec<_> = diags.shown().iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, Code::UnknownStatus);
    assert!(errors[0].file.ends_with("plan-09/milestones.csv"));
    assert_eq!(errors[0].pos.line, 2);
    assert!(!out.exists(), "an invalid catalogue wrote output");
    assert_eq!(
        entries(tmp.path()),
        ["catalog"],
        "temporary output left behind"
    );
    // The lean check finds the same, in the same order.
    let report = ogp_publish::check(&ogp_publish::CheckOpts {
        catalog: catalog.clone(),
        jobs: 0,
    });
    assert_eq!(report.diagnostics, diags);
    assert_eq!(report.plans, PLANS);
    assert_eq!(
        ogp_publish::Diagnostics::from(ogp_publish::load_checked(&catalog).diagnostics),
        diags
    );
}

#[test]
fn a_dataset_name_taken_twice_is_reported_against_the_later_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let catalog = many_plans(tmp.path());
    for later in ["plan-07", "plan-11"] {
        let path = catalog.join("plans").join(later).join("plan.toml");
        let toml = std::fs::read_to_string(&path).unwrap();
        let suffix = &later[5..];
        std::fs::write(
            &path,
            toml.replace(&format!("plan-action-{suffix}"), "plan-action-03"),
        )
        .unwrap();
    }
    let out = tmp.path().join("dist");
    let diags = build_invalid(&catalog, &out);
    let messages: Vec<String> = diags
        .shown()
        .iter()
        .filter(|d| d.code == Code::DuplicateDatasetName)
        .map(|d| d.message.render(ogp_publish::model::Lang::En))
        .collect();
    assert_eq!(
        messages,
        [
            "plans `plan-03` and `plan-07` would publish the same dataset `plan-action-03`",
            "plans `plan-03` and `plan-11` would publish the same dataset `plan-action-03`",
        ]
    );
    assert!(!out.exists());
    assert_eq!(entries(tmp.path()), ["catalog"]);
}
