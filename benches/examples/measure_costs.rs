//! Where the health kernel's time goes, measure by measure: scores 10M synthetic accounts on
//! one thread with the default scorecard, then with a card of each measure alone (plus NPS
//! without its dates and/or nulls), best of 5 each. `one` scores `licence_utilisation` alone, six
//! times (a steady load for `perf record`).
//!
//! `cargo run --release -p cs-benches --example measure_costs [one]`

// A profiling tool over fixed, valid input: a panic is a broken tool.
#![allow(clippy::expect_used, clippy::unwrap_used)]
use chrono::NaiveDate;
use cs_core::health::{MeasureColumn, Scorecard};
use cs_core::sample::SyntheticPortfolio;
use std::time::Instant;

fn main() {
    let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let n = 10_000_000;
    let measures = SyntheticPortfolio::generate(n, 42, day).measures();
    let columns = measures.columns().unwrap();
    let card = Scorecard::default_card();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let time = |card: &Scorecard, cols: &[MeasureColumn<'_>]| {
        let mut best = f64::MAX;
        for _ in 0..5 {
            let t = Instant::now();
            let out = pool.install(|| card.score_batch(cols, day).unwrap());
            std::hint::black_box(&out);
            best = best.min(t.elapsed().as_secs_f64() * 1000.0);
        }
        best
    };
    if std::env::args().nth(1).as_deref() == Some("one") {
        let mut c = card.clone();
        for g in &mut c.groups {
            g.measures.retain(|m| m.name == "licence_utilisation");
        }
        c.groups.retain(|g| !g.measures.is_empty());
        let cols: Vec<_> = columns
            .iter()
            .copied()
            .filter(|m| m.measure == "licence_utilisation")
            .collect();
        for _ in 0..6 {
            println!("one: {:.1} ms", time(&c, &cols));
        }
        return;
    }
    println!("full card: {:.1} ms", time(&card, &columns));
    for keep in card.measure_names() {
        let mut c = card.clone();
        for g in &mut c.groups {
            g.measures.retain(|m| m.name == keep);
        }
        c.groups.retain(|g| !g.measures.is_empty());
        c.min_coverage = 0.0;
        let cols: Vec<_> = columns.iter().copied().filter(|m| m.measure == keep).collect();
        println!("{keep:>24}: {:.1} ms", time(&c, &cols));
        if keep == "nps" {
            let mut nodates = cols.clone();
            nodates[0].observed = None;
            println!("{:>24}: {:.1} ms", "nps without dates", time(&c, &nodates));
            if let cs_core::health::MeasureData::Number(v) = nodates[0].data {
                let mut plain = nodates.clone();
                plain[0].data =
                    cs_core::health::MeasureData::Number(cs_core::portfolio::Column::new("nps", v.values()));
                println!("{:>24}: {:.1} ms", "nps no dates no nulls", time(&c, &plain));
                let mut dated = cols.clone();
                dated[0].data = plain[0].data;
                println!("{:>24}: {:.1} ms", "nps dates no nulls", time(&c, &dated));
            }
        }
    }
}
