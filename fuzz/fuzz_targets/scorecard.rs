#![no_main]
//! Fuzz target `scorecard`: see `cs_fuzz::scorecard`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| cs_fuzz::scorecard(data));
