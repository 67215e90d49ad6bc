//! A whole catalogue whose milestones file is the input: load, validate and build.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(dir) = tempfile::tempdir() {
        ogp_publish::fuzz::catalogue_with_milestones(dir.path(), data);
    }
});
