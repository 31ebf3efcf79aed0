#![no_main]
//! Fuzz target `csv_commands`: see `cs_fuzz::csv_commands`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| cs_fuzz::csv_commands(data));
