#![no_main]
//! Fuzz target `health_override`: see `cs_fuzz::health_override`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| cs_fuzz::health_override(data));
