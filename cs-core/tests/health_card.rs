//! Scorecards as documents, scoring rules in context, missing data, staleness, overrides,
//! trends, rollups and scorecard sets, with hand-computed values.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use cs_core::Error;
use cs_core::document::Document;
use cs_core::health::{
    AccountMeasures, AttributeColumn, MeasureColumn, MeasureStatus, Override, OverrideStatus, RollupInput,
    Scorecard, ScorecardSet, TrendDirection, TrendOptions, health_rollup, health_trend,
};
use cs_core::portfolio::{Column, ColumnBuf, Validity};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const CARD: &str = r#"
schema_version = 1
name = "test"
min_coverage = 0.3

[[groups]]
name = "Adoption"
weight = 60
[[groups.measures]]
name = "utilisation"
weight = 2
rule = { kind = "linear", min = 0.0, max = 1.0 }
[[groups.measures]]
name = "logins"
weight = 1
rule = { kind = "piecewise", points = [[0, 0], [10, 50], [20, 100]] }

[[groups]]
name = "Support"
weight = 40
aggregation = "min"
[[groups.measures]]
name = "tickets"
weight = 1
direction = "lower_is_better"
rule = { kind = "steps", thresholds = [1, 3], scores = [100, 50, 0], edge = "upper" }
[[groups.measures]]
name = "tier"
weight = 1
rule = { kind = "categorical", scores = { gold = 100, silver = 60 }, other = 20 }
[[groups.measures]]
name = "sponsor"
weight = 1
rule = { kind = "boolean" }
validity_days = 30
"#;

fn card() -> Scorecard {
    Scorecard::from_toml(CARD).unwrap()
}

fn full() -> AccountMeasures {
    AccountMeasures::new()
        .with("utilisation", 0.5)
        .with("logins", 15.0)
        .with("tickets", 1.0)
        .with("tier", "silver")
        .with("sponsor", true)
}

#[test]
fn hand_computed_score_with_groups_and_min_aggregation() {
    let h = card().score_account(&full(), d(2026, 6, 30)).unwrap();
    // Adoption (0.6): utilisation 50 (2/3), logins 75 (1/3) -> 58.333...
    // Support (0.4), min of tickets 100 (x = 1 on an upper-inclusive edge), tier 60, sponsor 100 -> 60.
    // 0.6 * 58.333 + 0.4 * 60 = 35 + 24 = 59.
    assert!((h.score.unwrap() - 59.0).abs() < 1e-9);
    assert_eq!(h.band.as_deref(), Some("amber"));
    // Under min aggregation the tier measure carries the whole Support weight.
    let tier = h.contributions.iter().find(|c| c.measure == "tier").unwrap();
    assert!((tier.effective_weight - 0.4).abs() < 1e-12 && (tier.points - 24.0).abs() < 1e-9);
    assert_eq!(h.points_of("tickets"), 0.0);
    // Driver: utilisation loses 0.4 * 50 = 20 points, the most.
    assert_eq!(h.driver.as_deref(), Some("utilisation"));
    let sum: f64 = h.contributions.iter().map(|c| c.points).sum();
    assert!((sum - 59.0).abs() < 1e-9);
}

#[test]
fn missing_measure_renormalises_within_its_group() {
    let a = full().with("logins", f64::NAN);
    let mut c = card();
    c.nan_is_missing = true;
    let h = c.score_account(&a, d(2026, 6, 30)).unwrap();
    // Adoption is utilisation alone (50): 0.6 * 50 + 0.4 * 60 = 54. Coverage 1 - 0.6/3 = 0.8.
    assert!((h.score.unwrap() - 54.0).abs() < 1e-9);
    assert!((h.coverage - 0.8).abs() < 1e-12);
    assert_eq!(h.missing, vec!["logins".to_owned()]);
    // NaN is an error unless the card says it is missing.
    let e = card().score_account(&a, d(2026, 6, 30)).unwrap_err();
    assert!(e.to_string().contains("measure logins NaN"), "{e}");
}

#[test]
fn zero_neutral_and_fail_policies() {
    let a = full();
    let mut a = a;
    a.0.remove("logins");
    let mut c = card();
    c.missing = "zero".parse_policy();
    // logins scored 0 with weight kept: Adoption = 2/3 * 50 = 33.333; 0.6 * 33.333 + 24 = 44.
    assert!((c.score_account(&a, d(2026, 6, 30)).unwrap().score.unwrap() - 44.0).abs() < 1e-9);
    c.missing = cs_core::health::MissingPolicy::Neutral(80.0);
    // Adoption = 2/3 * 50 + 1/3 * 80 = 60; 0.6 * 60 + 24 = 60.
    assert!((c.score_account(&a, d(2026, 6, 30)).unwrap().score.unwrap() - 60.0).abs() < 1e-9);
    c.missing = cs_core::health::MissingPolicy::Fail;
    let e = c.score_account(&a, d(2026, 6, 30)).unwrap_err();
    assert!(matches!(e, Error::Missing { .. }), "{e}");
}

trait ParsePolicy {
    fn parse_policy(&self) -> cs_core::health::MissingPolicy;
}
impl ParsePolicy for str {
    fn parse_policy(&self) -> cs_core::health::MissingPolicy {
        serde_json::from_value(serde_json::Value::String(self.to_owned())).unwrap()
    }
}

#[test]
fn coverage_below_the_minimum_is_insufficient_data_not_a_number() {
    let a = AccountMeasures::new().with("sponsor", true);
    // sponsor's nominal weight is 0.4 / 3 = 0.133 < 0.3.
    let h = card().score_account(&a, d(2026, 6, 30)).unwrap();
    assert_eq!(h.score, None);
    assert_eq!(h.band, None);
    assert!((h.coverage - 0.4 / 3.0).abs() < 1e-12);
}

#[test]
fn stale_values_are_missing_and_future_dates_are_errors() {
    let a = full().with_observed("sponsor", false, d(2026, 5, 1));
    // 60 days old > 30 valid days: stale, Support = min(100, 60) = 60, same as with sponsor fresh.
    let h = card().score_account(&a, d(2026, 6, 30)).unwrap();
    assert_eq!(h.stale, vec!["sponsor".to_owned()]);
    assert_eq!(h.contributions[4].status, MeasureStatus::Stale);
    assert!((h.score.unwrap() - 59.0).abs() < 1e-9);
    // Exactly 30 days old is still valid: sponsor false scores 0 and is the Support minimum.
    let a = full().with_observed("sponsor", false, d(2026, 5, 31));
    assert!((card().score_account(&a, d(2026, 6, 30)).unwrap().score.unwrap() - 35.0).abs() < 1e-9);
    let a = full().with_observed("sponsor", true, d(2026, 7, 1));
    let e = card().score_account(&a, d(2026, 6, 30)).unwrap_err();
    assert!(e.to_string().contains("sponsor_date 2026-07-01"), "{e}");
}

#[test]
fn documents_round_trip_and_reject_bad_input() {
    let c = card();
    assert_eq!(Scorecard::from_toml(&c.to_toml().unwrap()).unwrap(), c);
    assert_eq!(Scorecard::from_json(&c.to_json().unwrap()).unwrap(), c);
    let builtin = Scorecard::default_card();
    assert_eq!(
        Scorecard::from_toml(&builtin.to_toml().unwrap()).unwrap(),
        builtin
    );
    let unknown = CARD.replace("min_coverage = 0.3", "min_coverage = 0.3\ncolour = 1");
    assert!(matches!(Scorecard::from_toml(&unknown), Err(Error::Parse { .. })));
    let negative = CARD.replace("weight = 60", "weight = -60");
    let e = Scorecard::from_toml(&negative).unwrap_err();
    assert!(e.to_string().contains("group Adoption weight -60"), "{e}");
    let zero = CARD
        .replace("weight = 60", "weight = 0")
        .replace("weight = 40", "weight = 0");
    assert!(
        Scorecard::from_toml(&zero)
            .unwrap_err()
            .to_string()
            .contains("all weights are zero")
    );
    let bands = format!(
        "{CARD}\n[[bands]]\nname = \"hi\"\nmin = 50\nmax = 100\n[[bands]]\nname = \"lo\"\nmin = 0\nmax = 50\n"
    );
    assert!(Scorecard::from_toml(&bands).is_err());
    let e = card()
        .score_account(&full().with("usage", 1.0), d(2026, 6, 30))
        .unwrap_err();
    assert!(matches!(e, Error::Unknown { .. }), "{e}");
    let e = card()
        .score_account(
            &full().with("tier", "tin").with("utilisation", true),
            d(2026, 6, 30),
        )
        .unwrap_err();
    assert!(e.to_string().contains("measure utilisation"), "{e}");
}

fn manual(score: Option<f64>, band: Option<&str>, lower_only: bool) -> Override {
    Override {
        score,
        band: band.map(str::to_owned),
        reason: "champion left".into(),
        author: "kim".into(),
        expires: d(2026, 6, 30),
        lower_only,
    }
}

#[test]
fn overrides_apply_expire_and_lower_only() {
    let c = card();
    let h = c.score_account(&full(), d(2026, 6, 30)).unwrap(); // 59, amber
    let o = h
        .clone()
        .with_override(&manual(Some(90.0), None, false), &c)
        .unwrap();
    assert_eq!((o.score, o.band.as_deref()), (Some(90.0), Some("green")));
    let o = h
        .clone()
        .with_override(&manual(Some(90.0), None, true), &c)
        .unwrap();
    assert_eq!(
        o.override_outcome.as_ref().unwrap().status,
        OverrideStatus::NotLower
    );
    assert_eq!(o.score, h.score);
    let o = h
        .clone()
        .with_override(&manual(None, Some("red"), true), &c)
        .unwrap();
    assert_eq!((o.score, o.band.as_deref()), (h.score, Some("red")));
    let later = c.score_account(&full(), d(2026, 7, 1)).unwrap();
    let o = later.with_override(&manual(Some(10.0), None, false), &c).unwrap();
    assert_eq!(
        o.override_outcome.as_ref().unwrap().status,
        OverrideStatus::Expired
    );
    assert_eq!(o.score.map(f64::round), Some(59.0));
    let mut blank = manual(Some(10.0), None, false);
    blank.reason = " ".into();
    assert!(h.with_override(&blank, &c).is_err());
}

#[test]
fn trend_explains_the_move_per_measure() {
    let c = card();
    let before = c.score_account(&full(), d(2026, 3, 1)).unwrap(); // 59
    let after = c
        .score_account(&full().with("utilisation", 1.0), d(2026, 5, 1))
        .unwrap();
    // Adoption: 2/3 * 100 + 1/3 * 75 = 91.667; 0.6 * 91.667 + 24 = 79.
    let too_old = c
        .score_account(&full().with("utilisation", 0.0), d(2025, 1, 1))
        .unwrap();
    let t = health_trend(&[after.clone(), too_old, before], TrendOptions::default()).unwrap();
    assert_eq!((t.from, t.to), (d(2026, 3, 1), d(2026, 5, 1)));
    assert!((t.delta.unwrap() - 20.0).abs() < 1e-9);
    assert_eq!(t.direction, Some(TrendDirection::Up));
    assert!(t.band_changed && t.to_band.as_deref() == Some("green"));
    assert_eq!(t.changes[0].measure, "utilisation");
    assert!((t.changes[0].change - 20.0).abs() < 1e-9);
    let sum: f64 = t.changes.iter().map(|c| c.change).sum();
    assert!((sum - 20.0).abs() < 1e-9);
    let single = health_trend(&[after], TrendOptions::default()).unwrap();
    assert_eq!(
        (single.delta, single.direction),
        (Some(0.0), Some(TrendDirection::Flat))
    );
    assert!(health_trend(&[], TrendOptions::default()).is_err());
}

#[test]
fn rollup_by_key_reports_means_and_arr_shares() {
    let score = ColumnBuf::from(vec![Some(80.0), Some(40.0), None, Some(60.0)]);
    let band = ColumnBuf::from(vec![Some(2), Some(0), None, Some(1)]);
    let arr = [100, 300, 50, 100];
    let keys = ["kim", "kim", "lee", "lee"];
    let input = RollupInput {
        score: score.as_column("score"),
        band: band.as_column("band"),
        arr: Some(&arr),
        band_count: 3,
    };
    let r = health_rollup(&keys, input).unwrap();
    assert_eq!(r.len(), 2);
    // kim: mean (80 + 40) / 2 = 60; ARR-weighted (100·80 + 300·40) / 400 = 50; red ARR 300/400.
    assert_eq!(
        (r[0].key.as_str(), r[0].mean, r[0].arr_weighted_mean),
        ("kim", Some(60.0), Some(50.0))
    );
    assert_eq!(r[0].arr_share_by_band, vec![0.75, 0.0, 0.25]);
    // lee: one scored account (amber), one with insufficient data.
    assert_eq!((r[1].scored, r[1].insufficient, r[1].band_share[1]), (1, 1, 1.0));
    let bad = [-1, 0, 0, 0];
    let e = health_rollup(
        &keys,
        RollupInput {
            arr: Some(&bad),
            ..input
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("arr -1 at position 0"), "{e}");
}

#[test]
fn scorecard_sets_assign_by_segment_with_a_default() {
    let mut strategic = card();
    strategic.name = "strategic".into();
    strategic.groups[1].weight = 0.0; // adoption only
    let mut set = ScorecardSet::single(card());
    set.scorecards.push(strategic);
    set.assignments.push(
        serde_json::from_str(r#"{"scorecard": "strategic", "when": {"segment": ["Strategic"]}}"#).unwrap(),
    );
    let set = ScorecardSet::from_toml(&set.to_toml().unwrap()).unwrap();
    assert_eq!(
        set.card_for(|k| (k == "segment").then_some("Strategic")).name,
        "strategic"
    );
    assert_eq!(set.card_for(|_| None).name, "test");
    let dict = vec!["Community".to_owned(), "Strategic".to_owned()];
    let codes = [0u32, 1];
    let rows = set
        .assign_rows(&[AttributeColumn {
            name: "segment",
            codes: Column::new("segment", &codes),
            dictionary: &dict,
        }])
        .unwrap();
    assert_eq!(rows, vec![0, 1]);
    let util = [0.5, 0.5];
    let logins = [15.0, 15.0];
    let tickets = [1.0, 1.0];
    let tiers = vec!["silver".to_owned()];
    let tier = [0u32, 0];
    let sponsor = [true, true];
    let cols = [
        MeasureColumn::number("utilisation", Column::new("utilisation", &util)),
        MeasureColumn::number("logins", Column::new("logins", &logins)),
        MeasureColumn::number("tickets", Column::new("tickets", &tickets)),
        MeasureColumn::category("tier", Column::new("tier", &tier), &tiers),
        MeasureColumn::boolean("sponsor", Column::new("sponsor", &sponsor)),
    ];
    let out = set.score_batch(&rows, &cols, d(2026, 6, 30)).unwrap();
    // Row 0 as above (59); row 1 adoption only: 58.333.
    assert!((out.score.get(0).unwrap() - 59.0).abs() < 1e-9);
    assert!((out.score.get(1).unwrap() - 175.0 / 3.0).abs() < 1e-9);
}

#[test]
fn batch_bad_input_names_column_and_row() {
    let c = card();
    let util = [0.5, f64::INFINITY];
    let short = [1.0];
    let day = d(2026, 6, 30);
    let only_util = [MeasureColumn::number(
        "utilisation",
        Column::new("utilisation", &util),
    )];
    assert!(matches!(
        c.score_batch(&only_util, day),
        Err(Error::Missing { .. })
    ));
    let ones = [1.0, 1.0];
    let flags = [true, false];
    let tiers = vec!["gold".to_owned(), "tin".to_owned()];
    let tier = [0u32, 1];
    let bits = [0b01u8];
    let with_nulls = Column::new("logins", &ones)
        .with_validity(Validity::new(&bits, 0, 2).unwrap())
        .unwrap();
    let mut cols = vec![
        MeasureColumn::number("utilisation", Column::new("utilisation", &util)),
        MeasureColumn::number("logins", with_nulls),
        MeasureColumn::number("tickets", Column::new("tickets", &ones)),
        MeasureColumn::category("tier", Column::new("tier", &tier), &tiers),
        MeasureColumn::boolean("sponsor", Column::new("sponsor", &flags)),
    ];
    let e = c.score_batch(&cols, day).unwrap_err();
    assert_eq!(
        e.to_string(),
        "measure utilisation inf at position 1 is invalid: must be a finite number"
    );
    cols[0] = MeasureColumn::number("utilisation", Column::new("utilisation", &ones));
    let out = c.score_batch(&cols, day).unwrap();
    assert_eq!(out.coverage[0], 1.0);
    assert!(out.coverage[1] < 1.0); // logins null on row 1
    cols[1] = MeasureColumn::number("logins", Column::new("logins", &short));
    assert!(matches!(
        c.score_batch(&cols, day),
        Err(Error::LengthMismatch { .. })
    ));
    cols[1] = MeasureColumn::boolean("logins", Column::new("logins", &flags));
    assert!(
        c.score_batch(&cols, day)
            .unwrap_err()
            .to_string()
            .contains("measure logins")
    );
    cols[1] = MeasureColumn::number("usage", Column::new("usage", &ones));
    assert!(matches!(c.score_batch(&cols, day), Err(Error::Unknown { .. })));
}

proptest! {
    #[test]
    fn contributions_sum_to_the_score_and_scores_stay_in_range(
        u in proptest::option::of(-1.0f64..2.0), l in proptest::option::of(0.0f64..30.0),
        t in proptest::option::of(0.0f64..6.0), s in proptest::option::of(proptest::bool::ANY),
        policy in 0usize..3,
    ) {
        let mut c = card();
        c.missing = [cs_core::health::MissingPolicy::Renormalise, cs_core::health::MissingPolicy::Zero,
            cs_core::health::MissingPolicy::Neutral(50.0)][policy];
        let mut a = AccountMeasures::new().with("tier", "gold");
        if let Some(u) = u { a = a.with("utilisation", u); }
        if let Some(l) = l { a = a.with("logins", l); }
        if let Some(t) = t { a = a.with("tickets", t); }
        if let Some(s) = s { a = a.with("sponsor", s); }
        let h = c.score_account(&a, d(2026, 6, 30)).unwrap();
        if let Some(score) = h.score {
            prop_assert!((0.0..=100.0).contains(&score));
            let sum: f64 = h.contributions.iter().map(|c| c.points).sum();
            prop_assert!((sum - score).abs() < 1e-9);
            let w: f64 = h.contributions.iter().map(|c| c.effective_weight).sum();
            prop_assert!((w - 1.0).abs() < 1e-9);
        }
        prop_assert!((0.0..=1.0).contains(&h.coverage));
    }

    #[test]
    fn more_utilisation_never_lowers_the_score(a in 0.0f64..1.0, b in 0.0f64..1.0) {
        let c = card();
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let s = |u: f64| c.score_account(&full().with("utilisation", u), d(2026, 6, 30)).unwrap().score.unwrap();
        prop_assert!(s(lo) <= s(hi) + 1e-12);
    }
}
