#![no_main]
//! Fuzz target `matching_rules`: see `cs_fuzz::matching_rules`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| cs_fuzz::matching_rules(data));
