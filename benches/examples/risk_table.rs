//! The risk benchmark of `benches/compare.py --only risk` from the table, in Rust, phase by
//! phase, as `cs.RiskModel.score` runs it: the Arrow columns read (`AccountBatch`), the risk
//! inputs derived (`Pipeline::health_and_inputs`), the model restricted to them and scored,
//! and the output columns built (`output::risk_columns`). The table has the shape of
//! compare.py's: six float64 columns, `health_score` NaN for 5 % of the rows, `nps_category`
//! codes 0-2. Prints one JSON object: milliseconds per phase (best of `REPEAT`) and a checksum
//! of the risks' bits.
//!
//! `cargo run --release -p cs-benches --example risk_table [ROWS]`

// A benchmark over fixed, valid input: a panic is a broken benchmark.
#![allow(clippy::expect_used, clippy::unwrap_used)]
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch};
use cs_arrow::AccountBatch;
use cs_benches::{Rng, best};
use cs_core::pipeline::{MissingInputs, Pipeline};
use cs_core::renewal::RiskModel;

const REPEAT: usize = 3;

fn column(rows: usize, mut f: impl FnMut() -> f64) -> ArrayRef {
    Arc::new(Float64Array::from_iter_values((0..rows).map(|_| f())))
}

fn main() {
    let rows: usize = std::env::args().nth(1).map_or(10_000_000, |a| a.parse().unwrap());
    let mut r = Rng(5);
    let health = column(rows, || {
        if r.unit() < 0.05 {
            f64::NAN
        } else {
            (r.unit() * 100.0).floor()
        }
    });
    let mut r = Rng(6);
    let nps = column(rows, || (r.next_u64() % 3) as f64);
    let mut r = Rng(7);
    let utilisation = column(rows, || r.unit() * 1.2);
    let mut r = Rng(8);
    let cases = column(rows, || (r.next_u64() % 3) as f64);
    let mut r = Rng(9);
    let contact = column(rows, || f64::from(r.unit() < 0.7));
    let mut r = Rng(10);
    let days = column(rows, || (r.next_u64() % 365) as f64);
    let batch = RecordBatch::try_from_iter([
        ("health_score", health),
        ("nps_category", nps),
        ("utilisation", utilisation),
        ("open_high_priority_cases", cases),
        ("contact_confirmed", contact),
        ("days_to_renewal", days),
    ])
    .unwrap();
    let pipeline = Pipeline {
        model: RiskModel::default(),
        ..Pipeline::default()
    };
    let (read_ms, accounts) = best(REPEAT, || {
        AccountBatch::with_optional_ids(&batch, &pipeline, "account_id").unwrap()
    });
    let table = accounts.table().unwrap();
    let (inputs_ms, (_, inputs)) = best(REPEAT, || pipeline.health_and_inputs(&table, None).unwrap());
    let risk_table = inputs.table().unwrap();
    let (model, _) = MissingInputs::Drop.model_for(&pipeline.model, &risk_table);
    let (score_ms, scores) = best(REPEAT, || model.score(&risk_table).unwrap());
    let checksum = scores
        .risk
        .iter()
        .fold(0u64, |a, v| a.rotate_left(5) ^ v.to_bits());
    let (columns_ms, columns) = best(REPEAT, || cs_arrow::output::risk_columns(scores.clone()).unwrap());
    let (clone_ms, _) = best(REPEAT, || scores.clone());
    println!(
        "{{\"rows\": {rows}, \"factors\": {}, \"threads\": {}, \"read_ms\": {read_ms:.1}, \"inputs_ms\": {inputs_ms:.1}, \"score_ms\": {score_ms:.1}, \"columns_ms\": {:.1}, \"output_columns\": {}, \"checksum\": \"{checksum:016x}\"}}",
        model.factors.len(),
        rayon::current_num_threads(),
        columns_ms - clone_ms,
        columns.len(),
    );
}
