//! Batch health scoring of 10M synthetic accounts with the default scorecard (7 measures read
//! from 8 columns: 6 numbers, NPS with its validity and answer dates, a boolean), against the
//! floor: a loop over the same columns writing the same outputs without scoring. On 1 and 2
//! threads, plus 1M accounts for the Python overhead comparison in `benches/compare.py`.
//!
//! Run with `cargo bench -p cs-benches --bench health`.

// A benchmark's fixed, valid input cannot fail; a panic there is a broken benchmark.
#![allow(clippy::expect_used)]

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cs_benches::health_floor;
use cs_core::health::Scorecard;
use cs_core::sample::SyntheticPortfolio;

const N: usize = 10_000_000;
const SMALL: usize = 1_000_000;

fn bench(c: &mut Criterion) {
    let day = NaiveDate::from_ymd_opt(2026, 6, 30).expect("date");
    let measures = SyntheticPortfolio::generate(N, 42, day).measures();
    let columns = measures.columns().expect("columns");
    let card = Scorecard::default_card();
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .expect("pool")
    };
    let (one, two) = (pool(1), pool(2));

    let mut g = c.benchmark_group("health_10m");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);
    for (label, threads) in [("1_thread", &one), ("2_threads", &two)] {
        g.bench_function(format!("floor_{label}"), |b| {
            b.iter(|| threads.install(|| health_floor(black_box(&columns))));
        });
        g.bench_function(format!("score_batch_{label}"), |b| {
            b.iter(|| threads.install(|| card.score_batch(black_box(&columns), day).expect("valid")));
        });
    }
    g.finish();

    let small: Vec<_> = columns.iter().map(|c| slice(c, SMALL)).collect();
    let mut g = c.benchmark_group("health_1m");
    g.throughput(Throughput::Elements(SMALL as u64));
    g.sample_size(20);
    g.bench_function("score_batch_2_threads", |b| {
        b.iter(|| two.install(|| card.score_batch(black_box(&small), day).expect("valid")));
    });
    g.finish();
}

/// The first `n` rows of a measure column.
fn slice<'a>(c: &cs_core::health::MeasureColumn<'a>, n: usize) -> cs_core::health::MeasureColumn<'a> {
    use cs_core::health::MeasureData;
    let mut out = *c;
    out.data = match c.data {
        MeasureData::Number(v) => MeasureData::Number(v.slice(0, n)),
        MeasureData::Bool(v) => MeasureData::Bool(v.slice(0, n)),
        MeasureData::Category { codes, dictionary } => MeasureData::Category {
            codes: codes.slice(0, n),
            dictionary,
        },
    };
    out.observed = c.observed.map(|o| o.slice(0, n));
    out
}

criterion_group!(benches, bench);
criterion_main!(benches);
