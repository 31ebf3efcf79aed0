//! Batch scoring over columns: agreement with the per-account path, determinism across thread
//! counts, bad input, and the synthetic portfolio with the built-in scorecard.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use cs_core::health::{AccountMeasures, RollupInput, Scorecard, health_rollup, health_summary};
use cs_core::sample::SyntheticPortfolio;

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
        assert_eq!(
            batch.score.get(i).map(f64::to_bits),
            one.score.map(f64::to_bits),
            "row {i}"
        );
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
    let bits =
        |v: &cs_core::portfolio::ColumnBuf<f64>| v.iter().map(|x| x.map(f64::to_bits)).collect::<Vec<_>>();
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
        score: out.score.as_column("score"),
        band: out.band.as_column("band"),
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

#[test]
fn synthetic_portfolio_is_deterministic_and_realistic() {
    let a = SyntheticPortfolio::generate(5_000, 99, day());
    assert_eq!(a, SyntheticPortfolio::generate(5_000, 99, day()));
    assert_ne!(a.arr, SyntheticPortfolio::generate(5_000, 100, day()).arr);
    let n = a.len() as f64;
    let community = a.segment.iter().filter(|s| s.name() == "Community").count() as f64 / n;
    assert!((0.67..0.73).contains(&community), "{community}");
    for i in 0..a.len() {
        assert!(a.active_users[i] <= a.licences[i] && a.licences[i] >= 1);
        assert!(a.high_priority_tickets[i] <= a.open_tickets[i]);
        assert!(a.start_date[i] < day() && a.renewal_date[i] > day());
        assert!(a.nps_date[i].is_none_or(|d| d <= day()) && a.nps[i].is_none_or(|v| v <= 10));
        assert!(a.arr[i] >= 10_000); // at least 100.00 in major units
    }
    let answered = a.nps.iter().filter(|v| v.is_some()).count() as f64 / n;
    assert!((0.35..0.55).contains(&answered), "{answered}");
    // Strategic accounts are larger than Community ones in the median.
    let median = |seg: &str| {
        let mut v: Vec<i64> = (0..a.len())
            .filter(|&i| a.segment[i].name() == seg)
            .map(|i| a.arr[i])
            .collect();
        v.sort_unstable();
        v[v.len() / 2]
    };
    assert!(median("Strategic") > 20 * median("Community"));
}

#[test]
fn synthetic_csv_has_a_header_and_one_line_per_account() {
    let p = SyntheticPortfolio::generate(50, 1, day());
    let mut out = Vec::new();
    p.write_csv(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 51);
    assert!(lines[0].starts_with("account_id,segment,region,csm,arr,"));
    assert!(lines[1].starts_with("ACC-0000001,"));
    let columns = lines[0].split(',').count();
    assert!(lines.iter().all(|l| l.split(',').count() == columns));
    // Every measure of the built-in card is a CSV column.
    for m in Scorecard::default_card().measure_names() {
        assert!(lines[0].split(',').any(|c| c == m), "{m}");
    }
}

#[test]
fn rollup_by_csm_covers_every_account() {
    let p = SyntheticPortfolio::generate(2_000, 3, day());
    let m = p.measures();
    let out = Scorecard::default_card()
        .score_batch(&m.columns().unwrap(), day())
        .unwrap();
    let keys: Vec<&str> = p
        .csm
        .iter()
        .map(|c| p.csm_names[usize::from(*c)].as_str())
        .collect();
    let input = RollupInput {
        score: out.score.as_column("score"),
        band: out.band.as_column("band"),
        arr: Some(&p.arr),
        band_count: 3,
    };
    let r = health_rollup(&keys, input).unwrap();
    assert_eq!(r.iter().map(|g| g.accounts).sum::<u64>(), 2_000);
    assert_eq!(
        r.iter().map(|g| g.arr).sum::<i64>(),
        health_summary(input).unwrap().arr
    );
}
