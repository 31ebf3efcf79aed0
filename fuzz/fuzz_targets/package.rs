#![no_main]
//! Fuzz target `package`: see `cs_fuzz::package`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| cs_fuzz::package(data));
