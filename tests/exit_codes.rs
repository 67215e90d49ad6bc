//! The cells of the README's exit-code table that need no portal: `check` bad usage (2),
//! `diff` without `dist/` (2), and `push` and `diff` of a `dist/` altered since the build (2).
//! A listener on 127.0.0.1 stands for the portal, so that a request sent by mistake would be
//! seen: each test asserts that none reached it.

mod common;

use common::{code, run};
use std::net::TcpListener;

/// A listener standing for the portal, and its address.
fn portal() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    (listener, url)
}

/// Fails if anything connected to the listener.
fn assert_untouched(listener: &TcpListener) {
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        Ok((_, peer)) => panic!("the portal was contacted (from {peer})"),
        Err(e) => panic!("cannot poll the listener: {e}"),
    }
}

#[test]
fn check_with_bad_usage_exits_2() {
    for args in [
        &["--lang", "en", "check", "--format", "yaml"][..],
        &["--lang", "en", "check", "--no-such-option"][..],
    ] {
        let o = run(args);
        assert_eq!(code(&o), 2, "{args:?}");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn diff_without_dist_exits_2_without_a_request() {
    let tmp = tempfile::tempdir().unwrap();
    let (listener, url) = portal();
    let missing = tmp.path().join("dist");
    let o = run(&[
        "--lang",
        "en",
        "diff",
        "--portal",
        &url,
        "--dist",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("manifest.json"), "{stderr}");
    assert!(stderr.contains("run `ogp-publish build` first"), "{stderr}");
    assert_untouched(&listener);
    assert!(!missing.exists());
}

#[test]
fn push_and_diff_of_an_altered_dist_exit_2_without_a_request() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = tmp.path().join("dist");
    let o = run(&["build", "catalog", "--out", dist.to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    let table = dist.join("datasets/plan-action-gouvernement-ouvert-2021-2023/engagements.csv");
    let mut bytes = std::fs::read(&table).unwrap();
    bytes.extend_from_slice(b"edited by hand\r\n");
    std::fs::write(&table, bytes).unwrap();
    let (listener, url) = portal();
    for command in ["push", "diff"] {
        let o = run(&[
            "--lang",
            "en",
            command,
            "--portal",
            &url,
            "--dist",
            dist.to_str().unwrap(),
        ]);
        assert_eq!(code(&o), 2, "{command}");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            stderr.contains(&format!(
                "`{}` changed since the build (size or SHA-256 differs from manifest.json); run `ogp-publish build` again",
                table.display()
            )),
            "{command}: {stderr}"
        );
        assert_untouched(&listener);
    }
    // No lock left beside the output.
    let mut names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["dist"]);
}
