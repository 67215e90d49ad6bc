//! CKAN answers: the envelope and error decoder.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| ogp_publish::fuzz::ckan_answer(data));
