#![no_main]
//! Fuzz target `risk_model`: see `cs_fuzz::risk_model`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| cs_fuzz::risk_model(data));
