#![no_main]
//! Fuzz target `scorecard_set`: see `cs_fuzz::scorecard_set`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| cs_fuzz::scorecard_set(data));
