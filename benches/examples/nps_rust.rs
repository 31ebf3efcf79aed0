//! The Rust side of the NPS-by-group benchmark: `cs_arrow::nps::nps_by` over the table of
//! `benches/compare.py --only nps_by` (int32 accounts, 10,000 of them; Date32 answer dates over
//! 2021-2025, by quarter; u8 answers), phase by phase: the groups (`Groups::new`), the whole
//! table recipe, and its output batch. Prints one JSON object: milliseconds per phase (best of
//! `REPEAT`) and a checksum of the counts, so two builds can be checked to count the same
//! answers before their times are compared.
//!
//! `cargo run --release -p cs-benches --example nps_rust [ROWS]`

// A benchmark over fixed, valid input: a panic is a broken benchmark.
#![allow(clippy::expect_used, clippy::unwrap_used)]
use std::sync::Arc;

use arrow_array::{ArrayRef, Date32Array, Int32Array, RecordBatch, UInt8Array};
use cs_arrow::groups::Groups;
use cs_arrow::nps::{NpsBy, nps_by};
use cs_benches::{Rng, best};
use cs_core::nps::{IntervalMethod, MissingAnswers};
use cs_core::portfolio::Granularity;
use cs_core::statistics::Confidence;

const REPEAT: usize = 3;

fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .map_or(100_000_000, |a| a.parse().unwrap());
    let mut rng = Rng(4);
    // 2021-01-01 is day 18,628 of the Unix epoch; 1,826 days to 2026-01-01.
    let account: ArrayRef = Arc::new(Int32Array::from_iter_values(
        (0..rows).map(|_| (rng.next_u64() % 10_000) as i32),
    ));
    let date: ArrayRef = Arc::new(Date32Array::from_iter_values(
        (0..rows).map(|_| 18_628 + (rng.next_u64() % 1_826) as i32),
    ));
    let score: ArrayRef = Arc::new(UInt8Array::from_iter_values(
        (0..rows).map(|_| (rng.next_u64() % 11) as u8),
    ));
    let batch = RecordBatch::try_from_iter([("account", account), ("date", date), ("score", score)]).unwrap();
    let by = ["account".to_owned()];
    let spec = NpsBy {
        score: "score",
        by: &by,
        period: Some(Granularity::Quarter),
        date: "date",
        missing: MissingAnswers::Reject,
    };
    let (groups_ms, _) = best(REPEAT, || Groups::new(&batch, &by).unwrap());
    let (nps_by_ms, table) = best(REPEAT, || nps_by(&batch, &spec).unwrap());
    let confidence = Confidence::new(0.95).unwrap();
    let (batch_ms, out) = best(REPEAT, || {
        table.to_batch(confidence, IntervalMethod::Wald).unwrap()
    });
    let mut checksum = 0u64;
    for g in table.rows() {
        let n = g.nps.unwrap();
        for x in [g.key.0, n.promoters(), n.passives(), n.detractors()] {
            checksum = checksum.rotate_left(5) ^ x;
        }
    }
    println!(
        "{{\"rows\": {rows}, \"groups\": {}, \"threads\": {}, \"groups_ms\": {groups_ms:.1}, \"nps_by_ms\": {nps_by_ms:.1}, \"to_batch_ms\": {batch_ms:.1}, \"checksum\": \"{checksum:016x}\"}}",
        out.num_rows(),
        rayon::current_num_threads(),
    );
}
