//! The Rust side of the risk benchmark: `RiskModel::score` (the default model, every factor's
//! input present, 5 % nulls in each column) over synthetic rows on the current rayon pool.
//! Prints one JSON object: milliseconds (best of `REPEAT`) and a checksum of the results'
//! bits, so two builds can be checked to score identically before their times are compared.
//!
//! `cargo run --release -p cs-benches --example risk_rust [ROWS]`

// A benchmark over fixed, valid input: a panic is a broken benchmark.
#![allow(clippy::expect_used, clippy::unwrap_used)]
use std::hint::black_box;
use std::time::Instant;

use cs_benches::Rng;

use cs_core::portfolio::{Column, Validity};
use cs_core::renewal::{RiskModel, RiskTable};

const REPEAT: usize = 5;

fn main() {
    let rows: usize = std::env::args().nth(1).map_or(10_000_000, |a| a.parse().unwrap());
    let model = RiskModel::default();
    let mut rng = Rng(7);
    let inputs: Vec<String> = model.factors.iter().map(|f| f.input.clone()).collect();
    let mut names: Vec<String> = Vec::new();
    for i in &inputs {
        if !names.contains(i) {
            names.push(i.clone());
        }
    }
    let values: Vec<Vec<f64>> = names
        .iter()
        .map(|_| {
            (0..rows)
                .map(|_| {
                    let u = rng.unit();
                    // Flags, codes and amounts alike: a spread over 0..100 with whole values.
                    if u < 0.5 {
                        (u * 4.0).floor()
                    } else {
                        u * 200.0 - 50.0
                    }
                })
                .collect()
        })
        .collect();
    let bits: Vec<Vec<u8>> = names
        .iter()
        .map(|_| {
            (0..rows.div_ceil(8))
                .map(|_| {
                    let mut b = 0u8;
                    for k in 0..8 {
                        if rng.unit() >= 0.05 {
                            b |= 1 << k;
                        }
                    }
                    b
                })
                .collect()
        })
        .collect();
    let mut table = RiskTable::new(rows);
    for ((name, v), b) in names.iter().zip(&values).zip(&bits) {
        let validity = Validity::new(b, 0, rows).unwrap();
        table = table
            .with(Column::new(name, v).with_validity(validity).unwrap())
            .unwrap();
    }
    let mut best = f64::MAX;
    let mut checksum = 0u64;
    for _ in 0..REPEAT {
        let t = Instant::now();
        let s = black_box(model.score(&table).unwrap());
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
        // Row by row, rank by rank: the order of the row-major reason matrix this example
        // was first written against, so the checksum is comparable across that change.
        let rows_ranks = || (0..s.len()).flat_map(|row| s.ranks.iter().map(move |r| (row, r)));
        checksum = s
            .risk
            .iter()
            .chain(&s.log_odds)
            .copied()
            .chain(rows_ranks().map(|(row, r)| r.contribution[row]))
            .fold(0u64, |a, v| a.rotate_left(5) ^ v.to_bits())
            ^ rows_ranks()
                .map(|(row, r)| r.factor.get(row))
                .fold(0u64, |a, f| a.rotate_left(3) ^ f.map_or(u64::MAX, u64::from));
    }
    println!(
        "{{\"rows\": {rows}, \"factors\": {}, \"score_ms\": {best:.1}, \"checksum\": \"{checksum:016x}\"}}",
        model.factors.len()
    );
}
