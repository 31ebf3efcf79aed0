#![no_main]
//! Fuzz target `plan`: see `cs_fuzz::plan`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| cs_fuzz::plan(data));
