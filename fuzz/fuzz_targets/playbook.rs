#![no_main]
//! Fuzz target `playbook`: see `cs_fuzz::playbook`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| cs_fuzz::playbook(data));
