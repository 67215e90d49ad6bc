//! Catalogue file bytes: UTF-8 decoding, the CSV reader and JSON positions.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| ogp_publish::fuzz::source_bytes(data));
