#![no_main]
//! Fuzz target `parquet_commands`: see `cs_fuzz::parquet_commands`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| cs_fuzz::parquet_commands(data));
