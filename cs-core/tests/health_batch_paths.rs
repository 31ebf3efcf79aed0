//! The batch kernel's two shapes (column-at-a-time blocks and the row path) against the
//! per-account path: every rule kind, missing policy, nulls, NaN, staleness, blocks mixing
//! scorecards, errors reported at the first bad row, and golden checksums pinning the numbers.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use cs_core::document::Document;
use cs_core::health::{AccountMeasures, BatchScores, MeasureColumn, Scorecard, ScorecardSet, epoch_days};
use cs_core::portfolio::{Column, Validity};
use cs_core::sample::SyntheticPortfolio;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

const CARD: &str = r#"
schema_version = 1
name = "paths"
min_coverage = 0.4
nan_is_missing = true

[[groups]]
name = "Adoption"
weight = 50
[[groups.measures]]
name = "utilisation"
weight = 2
rule = { kind = "linear", min = 0.0, max = 1.0 }
missing = { neutral = 40 }
[[groups.measures]]
name = "logins"
weight = 1
rule = { kind = "piecewise", points = [[0, 0], [10, 50], [20, 100]] }
validity_days = 30

[[groups]]
name = "Support"
weight = 30
[[groups.measures]]
name = "tickets"
weight = 1
direction = "lower_is_better"
rule = { kind = "steps", thresholds = [1, 3], scores = [100, 50, 0], edge = "upper" }
missing = "zero"
[[groups.measures]]
name = "tier"
weight = 1
rule = { kind = "categorical", scores = { gold = 100, silver = 60 }, other = 20 }

[[measures]]
name = "sponsor"
weight = 20
rule = { kind = "boolean", when_false = 30 }
validity_days = 60
"#;

/// Deterministic test columns with nulls, NaN, dates (some stale) and categories.
struct Data {
    util: Vec<f64>,
    logins: Vec<f64>,
    logins_date: Vec<i32>,
    tickets: Vec<f64>,
    tier: Vec<u32>,
    sponsor: Vec<bool>,
    sponsor_date: Vec<i32>,
    /// Validity bitmaps of util, logins, its dates, tickets, tier, sponsor and its dates.
    valid: [Vec<u8>; 7],
    tiers: Vec<String>,
}

fn rng(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state >> 11
}

impl Data {
    fn new(n: usize, seed: u64) -> Data {
        let mut state = seed | 1;
        let mut u = move || (rng(&mut state) % 1_000_000) as f64 / 1_000_000.0;
        let today = epoch_days(day());
        let mut valid: [Vec<u8>; 7] = Default::default();
        for v in &mut valid {
            *v = vec![0; n.div_ceil(8)];
        }
        let mut d = Data {
            util: Vec::new(),
            logins: Vec::new(),
            logins_date: Vec::new(),
            tickets: Vec::new(),
            tier: Vec::new(),
            sponsor: Vec::new(),
            sponsor_date: Vec::new(),
            valid,
            tiers: vec!["gold".into(), "silver".into(), "tin".into()],
        };
        for i in 0..n {
            let x = u();
            d.util.push(if x < 0.1 { f64::NAN } else { u() * 1.4 - 0.2 });
            d.logins.push(u() * 25.0);
            d.logins_date.push(today - (u() * 60.0) as i32);
            d.tickets.push((u() * 5.0).floor());
            d.tier.push((u() * 3.0) as u32);
            d.sponsor.push(u() < 0.5);
            d.sponsor_date.push(today - (u() * 90.0) as i32);
            for v in &mut d.valid {
                if u() < 0.8 {
                    v[i / 8] |= 1 << (i % 8);
                }
            }
        }
        d
    }

    fn ok(&self, k: usize, i: usize) -> bool {
        self.valid[k][i / 8] >> (i % 8) & 1 == 1
    }

    fn columns(&self) -> Vec<MeasureColumn<'_>> {
        let n = self.util.len();
        let col = |name, k: usize, v| {
            Column::new(name, v)
                .with_validity(Validity::new(&self.valid[k], 0, n).unwrap())
                .unwrap()
        };
        let date = |name, k: usize, v| {
            Column::new(name, v)
                .with_validity(Validity::new(&self.valid[k], 0, n).unwrap())
                .unwrap()
        };
        vec![
            MeasureColumn::number("utilisation", col("utilisation", 0, &self.util)),
            MeasureColumn::number("logins", col("logins", 1, &self.logins)).with_observed(date(
                "logins_date",
                2,
                &self.logins_date,
            )),
            MeasureColumn::number("tickets", col("tickets", 3, &self.tickets)),
            MeasureColumn::category(
                "tier",
                Column::new("tier", &self.tier)
                    .with_validity(Validity::new(&self.valid[4], 0, n).unwrap())
                    .unwrap(),
                &self.tiers,
            ),
            MeasureColumn::boolean(
                "sponsor",
                Column::new("sponsor", &self.sponsor)
                    .with_validity(Validity::new(&self.valid[5], 0, n).unwrap())
                    .unwrap(),
            )
            .with_observed(date("sponsor_date", 6, &self.sponsor_date)),
        ]
    }

    fn account(&self, i: usize) -> AccountMeasures {
        let mut a = AccountMeasures::new();
        let when = |k: usize, d: i32| {
            self.ok(k, i)
                .then(|| NaiveDate::default() + chrono::TimeDelta::days(i64::from(d)))
        };
        let add =
            |a: AccountMeasures, name: &str, v: cs_core::health::Value, date: Option<NaiveDate>| match date {
                Some(d) => a.with_observed(name, v, d),
                None => a.with(name, v),
            };
        if self.ok(0, i) {
            a = add(a, "utilisation", self.util[i].into(), None);
        }
        if self.ok(1, i) {
            a = add(a, "logins", self.logins[i].into(), when(2, self.logins_date[i]));
        }
        if self.ok(3, i) {
            a = add(a, "tickets", self.tickets[i].into(), None);
        }
        if self.ok(4, i) {
            a = add(a, "tier", self.tiers[self.tier[i] as usize].as_str().into(), None);
        }
        if self.ok(5, i) {
            a = add(
                a,
                "sponsor",
                self.sponsor[i].into(),
                when(6, self.sponsor_date[i]),
            );
        }
        a
    }
}

fn assert_same(out: &BatchScores, i: usize, one: &cs_core::health::HealthScore) {
    assert_eq!(
        out.score.get(i).map(f64::to_bits),
        one.score.map(f64::to_bits),
        "row {i}"
    );
    assert_eq!(out.coverage[i].to_bits(), one.coverage.to_bits(), "row {i}");
    assert_eq!(out.band_name(i), one.band.as_deref(), "row {i}");
    assert_eq!(out.driver_name(i), one.driver.as_deref(), "row {i}");
}

/// FNV-1a over every output bit.
fn checksum(out: &BatchScores) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut eat = |x: u64| {
        h ^= x;
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    for i in 0..out.len() {
        eat(out.score.get(i).map_or(u64::MAX, f64::to_bits));
        eat(out.band.get(i).map_or(999, u64::from));
        eat(out.coverage[i].to_bits());
        eat(out.driver.get(i).map_or(999, u64::from));
    }
    h
}

#[test]
fn every_rule_policy_null_and_stale_value_matches_the_per_account_path() {
    let data = Data::new(3_001, 7);
    let card = Scorecard::from_toml(CARD).unwrap();
    let out = card.score_batch(&data.columns(), day()).unwrap();
    for i in 0..data.util.len() {
        assert_same(&out, i, &card.score_account(&data.account(i), day()).unwrap());
    }
    assert!(out.score.iter().any(|s| s.is_none()) && out.score.iter().any(|s| s.is_some()));
}

#[test]
fn min_aggregation_takes_the_row_path_and_still_matches() {
    let data = Data::new(1_500, 3);
    let toml = CARD.replace(
        "name = \"Support\"\nweight = 30",
        "name = \"Support\"\nweight = 30\naggregation = \"min\"",
    );
    let card = Scorecard::from_toml(&toml).unwrap();
    let out = card.score_batch(&data.columns(), day()).unwrap();
    for i in 0..data.util.len() {
        assert_same(&out, i, &card.score_account(&data.account(i), day()).unwrap());
    }
}

#[test]
fn blocks_mixing_scorecards_match_each_rows_card() {
    let data = Data::new(2_500, 5);
    let card = Scorecard::from_toml(CARD).unwrap();
    let mut other = card.clone();
    other.name = "other".into();
    other.groups[0].weight = 10.0;
    let mut set = ScorecardSet::single(card.clone());
    set.scorecards.push(other.clone());
    // Rows 0..1024 all card 0 (whole blocks), then alternating (mixed blocks), then all card 1.
    let assignment: Vec<u16> = (0..2_500u16)
        .map(|i| match i {
            0..1024 => 0,
            1024..2000 => i % 2,
            _ => 1,
        })
        .collect();
    let out = set.score_batch(&assignment, &data.columns(), day()).unwrap();
    for (i, &k) in assignment.iter().enumerate() {
        let c = if k == 0 { &card } else { &other };
        assert_same(&out, i, &c.score_account(&data.account(i), day()).unwrap());
    }
}

#[test]
fn results_are_bit_identical_on_one_and_two_threads() {
    let data = Data::new(40_000, 9);
    let card = Scorecard::from_toml(CARD).unwrap();
    let cols = data.columns();
    let pool = |n| rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap();
    let one = pool(1).install(|| card.score_batch(&cols, day()).unwrap());
    let two = pool(2).install(|| card.score_batch(&cols, day()).unwrap());
    assert_eq!(checksum(&one), checksum(&two));
    assert_eq!(one, two);
}

#[test]
fn the_first_bad_row_is_reported_whatever_its_column() {
    let mut data = Data::new(2_000, 1);
    for k in [0, 3] {
        data.valid[k].fill(0xff);
    }
    let card = Scorecard::from_toml(CARD).unwrap();
    // A bad utilisation (first column) after a bad ticket count (third column), in another
    // block, and a bad value hidden behind a stale date (not an error).
    data.util[900] = f64::INFINITY;
    data.tickets[700] = f64::NEG_INFINITY;
    data.valid[1][100 / 8] |= 1 << (100 % 8);
    data.valid[2][100 / 8] |= 1 << (100 % 8);
    data.logins[100] = f64::INFINITY;
    data.logins_date[100] = epoch_days(day()) - 45;
    let e = card.score_batch(&data.columns(), day()).unwrap_err().to_string();
    assert!(e.contains("measure tickets -inf at position 700"), "{e}");
    // An observation after the scoring date, earlier still.
    data.valid[5][600 / 8] |= 1 << (600 % 8);
    data.valid[6][600 / 8] |= 1 << (600 % 8);
    data.sponsor_date[600] = epoch_days(day()) + 1;
    let e = card.score_batch(&data.columns(), day()).unwrap_err().to_string();
    assert!(
        e.contains("sponsor_date") && e.contains("after the scoring date"),
        "{e}"
    );
    // A missing measure under the fail policy.
    let fail = CARD.replace(
        "name = \"tier\"\nweight = 1",
        "name = \"tier\"\nweight = 1\nmissing = \"fail\"",
    );
    let fail = Scorecard::from_toml(&fail).unwrap();
    data.util[900] = 0.5;
    data.tickets[700] = 1.0;
    data.sponsor_date[600] = epoch_days(day());
    data.valid[4].fill(0xff);
    data.valid[4][1_234 / 8] &= !(1 << (1_234 % 8));
    let e = fail.score_batch(&data.columns(), day()).unwrap_err().to_string();
    assert!(e.contains("measure tier"), "{e}");
    let e = fail
        .score_account(&data.account(1_234), day())
        .unwrap_err()
        .to_string();
    assert!(e.contains("measure tier"), "{e}");
}

#[test]
fn golden_checksums_pin_the_numbers() {
    // Pinned from the row-at-a-time kernel before the column-at-a-time rewrite: any change in
    // the scores, bands, coverages or drivers changes these.
    let p = SyntheticPortfolio::generate(50_000, 7, day());
    let m = p.measures();
    let out = Scorecard::default_card()
        .score_batch(&m.columns().unwrap(), day())
        .unwrap();
    let data = Data::new(20_000, 11);
    let paths = Scorecard::from_toml(CARD)
        .unwrap()
        .score_batch(&data.columns(), day())
        .unwrap();
    eprintln!("golden {:#x} {:#x}", checksum(&out), checksum(&paths));
    assert_eq!(
        (checksum(&out), checksum(&paths)),
        (0x8de3_6009_cdec_347c, 0x411d_bfd1_1495_f8c1)
    );
}
