//! The Rust side of the Kaplan-Meier benchmark, phase by phase: the event table
//! (`EventTable::from_durations`: validation, then counting or sorting), the curve
//! (`KaplanMeier::from_table`) and the 95 % log-log band, over 10M synthetic tenures of the
//! shapes in `benches/compare.py` (whole days or continuous exponential, 40 % churned).
//! Prints one JSON object per shape: milliseconds per phase (best of `REPEAT`) and a checksum
//! of the curve's and the band's bits, so two builds can be checked to compute the same
//! curve before their times are compared.
//!
//! `cargo run --release -p cs-benches --example km_rust [ROWS]`

// A benchmark over fixed, valid input: a panic is a broken benchmark.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use cs_benches::{Rng, best};

use cs_core::retention::{EventTable, KaplanMeier};
use cs_core::statistics::Confidence;

const REPEAT: usize = 5;

fn main() {
    let rows: usize = std::env::args().nth(1).map_or(10_000_000, |a| a.parse().unwrap());
    let mut rng = Rng(2);
    let observed: Vec<bool> = (0..rows).map(|_| rng.unit() < 0.4).collect();
    let exponential: Vec<f64> = (0..rows).map(|_| -700.0 * (1.0 - rng.unit()).ln()).collect();
    let days: Vec<f64> = exponential.iter().map(|d| d.floor()).collect();
    for (shape, durations) in [
        ("whole days, exponential", &days),
        ("continuous, exponential", &exponential),
    ] {
        let (table_ms, table) = best(REPEAT, || {
            EventTable::from_durations(durations, &observed).unwrap()
        });
        // The curve consumes its table: the copy is timed alone and taken off.
        let (copy_ms, _) = best(REPEAT, || table.clone());
        let (curve_ms, km) = best(REPEAT, || {
            KaplanMeier::from_table(table.clone(), Confidence::NINETY_FIVE)
        });
        let curve_ms = curve_ms - copy_ms;
        let (band_ms, band) = best(REPEAT, || km.confidence_interval());
        let mut checksum = 0u64;
        for x in km
            .survival()
            .iter()
            .chain(km.greenwood())
            .chain(&band.lower)
            .chain(&band.upper)
        {
            checksum = checksum.rotate_left(5) ^ x.to_bits();
        }
        println!(
            "{{\"shape\": \"{shape}\", \"rows\": {rows}, \"distinct\": {}, \"threads\": {}, \"table_ms\": {table_ms:.1}, \"curve_ms\": {curve_ms:.1}, \"band_ms\": {band_ms:.1}, \"checksum\": \"{checksum:016x}\"}}",
            table.times().len() - 1,
            rayon::current_num_threads(),
        );
    }
}
