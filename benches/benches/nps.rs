//! NPS over 100M answers against the floor: a bare counting loop over the same bytes.
//!
//! Run with `cargo bench -p cs-benches --bench nps`. The kernel validates every answer, counts
//! categories and (above 1M answers) splits the work across threads; the floor only counts.

// A benchmark's fixed, valid input cannot fail; a panic there is a broken benchmark.
#![allow(clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cs_benches::{answers, count_bytes_floor};
use cs_core::nps::Nps;

const N: usize = 100_000_000;

fn bench(c: &mut Criterion) {
    let data = answers(N);
    let mut g = c.benchmark_group("nps_100m");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);
    g.bench_function("floor_count_bytes_1_thread", |b| {
        b.iter(|| count_bytes_floor(black_box(&data)));
    });
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    g.bench_function("nps_from_answers_1_thread", |b| {
        b.iter(|| one.install(|| Nps::from_answers(black_box(&data)).expect("valid")));
    });
    g.bench_function("nps_from_answers_all_threads", |b| {
        b.iter(|| Nps::from_answers(black_box(&data)).expect("valid"));
    });
    let wide: Vec<i64> = data.iter().map(|&v| i64::from(v)).collect();
    g.bench_function("nps_from_answers_i64_all_threads", |b| {
        b.iter(|| Nps::from_answers(black_box(&wide)).expect("valid"));
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
