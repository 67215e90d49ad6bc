//! The programs in `examples/` are part of the documentation: they must keep compiling and
//! producing what they promise.

mod common;

#[path = "../examples/build_catalog.rs"]
#[allow(dead_code)]
mod build_catalog;

#[test]
fn build_catalog_example_writes_a_valid_dataset() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    let built = build_catalog::run(&out).expect("the example builds");
    assert_eq!(built.datasets.len(), 1);
    let ds = out.join("datasets/example-2024-2025");
    let csv = std::fs::read_to_string(ds.join("commitments.csv")).unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("id,plan,number,title,"));
    // EX0001 has one of its two milestones completed.
    assert!(lines.next().unwrap().ends_with(",2,1,50.0"), "{csv}");
    let milestones = std::fs::read_to_string(ds.join("milestones.csv")).unwrap();
    assert!(milestones.contains("\"Budget 2024 published, \"\"line by line\"\"\""));
    // The library output passes the same checks as the command's: rerunning gives the same bytes.
    let again = tmp.path().join("again");
    build_catalog::run(&again).unwrap();
    assert_eq!(common::read_tree(&out), common::read_tree(&again));
}

#[test]
fn build_catalog_example_runs_as_a_program() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    let o = std::process::Command::new(env!("CARGO"))
        .args(["run", "-q", "--example", "build_catalog", "--"])
        .arg(&out)
        .current_dir(common::root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The count it prints is the files in the dataset's folder: seven resources,
    // package.json and datastore.json.
    let on_disk = std::fs::read_dir(out.join("datasets/example-2024-2025"))
        .unwrap()
        .count();
    assert_eq!(on_disk, 9);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!("example-2024-2025: {on_disk} files\n")
    );
    assert!(out.join("manifest.json").is_file());
}
