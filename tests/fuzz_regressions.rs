//! Every input of the fuzzers' corpus (fuzz/corpus/<target>/, seeds and crashes found) replayed
//! through the same entry points: none may panic. A crash the fuzzer finds is saved there and
//! so becomes a regression test.

mod common;

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = common::root().join("fuzz/corpus").join(target);
    let files: Vec<(String, Vec<u8>)> = common::read_tree(&dir).into_iter().collect();
    assert!(
        !files.is_empty(),
        "no corpus for {target} in {}",
        dir.display()
    );
    files
}

#[test]
fn source_bytes_corpus_never_panics() {
    for (name, data) in corpus("source_bytes") {
        let r = std::panic::catch_unwind(|| ogp_publish::fuzz::source_bytes(&data));
        assert!(
            r.is_ok(),
            "source_bytes panicked on fuzz/corpus/source_bytes/{name}"
        );
    }
}

#[test]
fn ckan_answer_corpus_never_panics() {
    for (name, data) in corpus("ckan_answer") {
        let r = std::panic::catch_unwind(|| ogp_publish::fuzz::ckan_answer(&data));
        assert!(
            r.is_ok(),
            "ckan_answer panicked on fuzz/corpus/ckan_answer/{name}"
        );
    }
}

#[test]
fn catalogue_corpus_never_panics_and_valid_seeds_build() {
    for (name, data) in corpus("catalogue") {
        let tmp = tempfile::tempdir().unwrap();
        let r = std::panic::catch_unwind(|| {
            ogp_publish::fuzz::catalogue_with_milestones(tmp.path(), &data)
        });
        assert!(
            r.is_ok(),
            "catalogue panicked on fuzz/corpus/catalogue/{name}"
        );
        if name.starts_with("valid") {
            assert!(
                tmp.path().join("dist/manifest.json").is_file(),
                "{name} should build"
            );
        }
    }
}
