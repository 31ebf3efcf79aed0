//! The Rust side of `benches/compare.py --only health`: `Scorecard::score_batch` on the synthetic
//! portfolio (the same rows the Python benchmark scores) at 1M and 10M accounts, on the current
//! rayon pool, and the bandwidth floor: one parallel streaming pass that reads every byte of the
//! kernel's input columns once and writes outputs of the kernel's size into fresh memory. Prints
//! one JSON object (milliseconds, best of `REPEAT`) that compare.py puts into its table.
//!
//! `cargo run --release -p cs-benches --example health_rust [ROWS...]`

// A benchmark over fixed, valid input: a panic is a broken benchmark.
#![allow(clippy::expect_used, clippy::unwrap_used)]
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use chrono::NaiveDate;
use cs_core::health::{MeasureColumn, MeasureData, Scorecard};
use cs_core::portfolio::Column;
use cs_core::sample::SyntheticPortfolio;
use rayon::prelude::*;

const REPEAT: usize = 10;
/// Rows per parallel task of the floor (the kernel's chunk size is of the same order).
const CHUNK: usize = 64 * 1024;

fn best(mut f: impl FnMut()) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..REPEAT {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
    }
    best
}

/// Sums of every input byte (as words), in parallel chunks of rows.
fn read_inputs(columns: &[MeasureColumn<'_>], rows: usize) -> u64 {
    fn words<T: Copy + Send + Sync>(
        c: &Column<'_, T>,
        from: usize,
        to: usize,
        bits: impl Fn(T) -> u64,
    ) -> u64 {
        let v = &c.values()[from..to];
        let mut sum = v.iter().fold(0u64, |a, &x| a.wrapping_add(bits(x)));
        if let Some(valid) = c.validity() {
            for w in (from..to).step_by(64) {
                sum = sum.wrapping_add(valid.word(w));
            }
        }
        sum
    }
    (0..rows.div_ceil(CHUNK))
        .into_par_iter()
        .map(|k| {
            let (from, to) = (k * CHUNK, ((k + 1) * CHUNK).min(rows));
            let mut sum = 0u64;
            for c in columns {
                sum = sum.wrapping_add(match c.data {
                    MeasureData::Number(v) => words(&v, from, to, f64::to_bits),
                    MeasureData::Bool(v) => words(&v, from, to, u64::from),
                    MeasureData::Category { codes, .. } => words(&codes, from, to, u64::from),
                });
                if let Some(o) = c.observed {
                    sum = sum.wrapping_add(words(&o, from, to, |d: i32| d as u64));
                }
            }
            sum
        })
        .reduce(|| 0, u64::wrapping_add)
}

/// Writes `bytes_per_row` bytes per row into fresh zeroed memory (as the kernel's outputs are),
/// in parallel chunks of rows, as u64 words.
fn write_outputs(rows: usize, bytes_per_row: usize) -> Vec<u64> {
    let mut out = vec![0u64; (rows * bytes_per_row).div_ceil(8)];
    out.par_chunks_mut(CHUNK * bytes_per_row / 8)
        .enumerate()
        .for_each(|(k, c)| c.fill(k as u64 + 1));
    out
}

fn main() {
    let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let sizes: Vec<usize> = std::env::args().skip(1).map(|a| a.parse().unwrap()).collect();
    let sizes = if sizes.is_empty() {
        vec![1_000_000, 10_000_000]
    } else {
        sizes
    };
    let card = Scorecard::default_card();
    let mut json = String::from("{");
    for (i, &n) in sizes.iter().enumerate() {
        let measures = SyntheticPortfolio::generate(n, 42, day).measures();
        let columns = measures.columns().unwrap();
        let scored = card.score_batch(&columns, day).unwrap();
        // Output bytes per row: score, coverage (f64), band (u8), driver, scorecard (u16), bits.
        let out_bytes = 8 + 8 + 1 + 2 + 2;
        assert_eq!(scored.coverage.len(), n);
        let score = best(|| {
            black_box(card.score_batch(black_box(&columns), day).unwrap());
        });
        let read = best(|| {
            black_box(read_inputs(black_box(&columns), n));
        });
        let floor = best(|| {
            black_box(read_inputs(black_box(&columns), n));
            black_box(write_outputs(n, out_bytes));
        });
        let sep = if i == 0 { "" } else { ", " };
        write!(
            json,
            "{sep}\"{n}\": {{\"score_batch_ms\": {score:.2}, \"read_ms\": {read:.2}, \"floor_ms\": {floor:.2}, \
             \"threads\": {}}}",
            rayon::current_num_threads()
        )
        .unwrap();
    }
    json.push('}');
    println!("{json}");
}
