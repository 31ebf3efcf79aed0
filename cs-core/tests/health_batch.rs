//! Batch scoring over columns: agreement with the per-account path, determinism across thread
//! counts, bad input, and the synthetic portfolio with the built-in scorecard.

use chrono::NaiveDate;
use cs_core::Error;
use cs_core::document::Document;
use cs_core::health::{AccountMeasures, MeasureColumn, RollupInput, Scorecard, Value, health_summary};
use cs_core::portfolio::Column;
use cs_core::portfolio::synthetic::SyntheticPortfolio;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

fn account_row(p: &SyntheticPortfolio, i: usize) -> AccountMeasures {
    let mut a = AccountMeasures::new()
        .with("licence_utilisation", p.licence_utilisation[i])
        .with("logins_per_user", p.logins_per_user[i])
        .with("high_priority_tickets", f64::from(p.high_priority_tickets[i]))
        .with("open_tickets", f64::from(p.open_tickets[i]))
        .with("days_since_last_touch", f64::from(p.days_since_last_touch[i]))
        .with("executive_sponsor", p.executive_sponsor[i]);
    if let (Some(v), Some(d)) = (p.nps[i], p.nps_date[i]) {
        a = a.with_observed("nps", f64::from(v), d);
    }
    a
}

#[test]
fn batch_equals_the_per_account_path_bit_for_bit() {
    let p = SyntheticPortfolio::generate(3_000, 11, day());
    let m = p.measures();
    let card = Scorecard::default_card();
    let batch = card.score_batch(&m.columns().unwrap(), day()).unwrap();
    for i in 0..p.len() {
        let one = card.score_account(&account_row(&p, i), day()).unwrap();
        assert_eq!(batch.score[i].map(f64::to_bits), one.score.map(f64::to_bits), "row {i}");
        assert_eq!(batch.coverage[i].to_bits(), one.coverage.to_bits(), "row {i}");
        assert_eq!(batch.band_name(i), one.band.as_deref(), "row {i}");
        assert_eq!(batch.driver_name(i), one.driver.as_deref(), "row {i}");
    }
}

#[test]
fn batch_results_are_bit_identical_on_one_and_two_threads() {
    // 40_000 rows = three chunks of 16_384, the last one partial.
    let p = SyntheticPortfolio::generate(40_000, 5, day());
    let m = p.measures();
    let cols = m.columns().unwrap();
    let card = Scorecard::default_card();
    let pool = |n| rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap();
    let one = pool(1).install(|| card.score_batch(&cols, day()).unwrap());
    let two = pool(2).install(|| card.score_batch(&cols, day()).unwrap());
    let bits = |v: &[Option<f64>]| v.iter().map(|x| x.map(f64::to_bits)).collect::<Vec<_>>();
    assert_eq!(bits(&one.score), bits(&two.score));
    assert_eq!(one, two);
}

#[test]
fn default_card_gives_a_plausible_spread_on_the_synthetic_portfolio() {
    let p = SyntheticPortfolio::generate(20_000, 42, day());
    let m = p.measures();
    let card = Scorecard::default_card();
    let out = card.score_batch(&m.columns().unwrap(), day()).unwrap();
    let all = health_summary(RollupInput {
        score: &out.score,
        band: &out.band,
        arr: Some(&p.arr),
        band_count: 3,
    })
    .unwrap();
    eprintln!("{all:?}");
    for share in &all.band_share {
        assert!((0.10..=0.70).contains(share), "band shares {:?}", all.band_share);
    }
    assert_eq!(all.scored + all.insufficient, 20_000);
}
