//! Nested groups: a weighted-mean group whose children are measures and groups, each group
//! scored by its own aggregation. Hand-computed scores, renormalisation when a subgroup has no
//! data, agreement of the batch and per-account paths, validation, and the weight fit over
//! every set of siblings.
#![allow(clippy::unwrap_used, clippy::many_single_char_names)]

use chrono::NaiveDate;
use cs_core::document::Document as _;
use cs_core::health::{
    AccountMeasures, MAX_GROUP_DEPTH, Measure, MeasureColumn, MeasureGroup, Rule, Scorecard, WeightFitOptions,
};
use cs_core::portfolio::Column;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

/// `a` (50) at the top; group Product (50) = mean of `b` (1) and Usage (1) = min(`c`, `d`).
const CARD: &str = r#"
schema_version = 1
name = "nested"

[[measures]]
name = "a"
weight = 50
rule = { kind = "linear", min = 0.0, max = 1.0 }

[[groups]]
name = "Product"
weight = 50

[[groups.measures]]
name = "b"
weight = 1
rule = { kind = "linear", min = 0.0, max = 1.0 }

[[groups.groups]]
name = "Usage"
weight = 1
aggregation = "min"

[[groups.groups.measures]]
name = "c"
weight = 1
rule = { kind = "linear", min = 0.0, max = 1.0 }

[[groups.groups.measures]]
name = "d"
weight = 1
rule = { kind = "linear", min = 0.0, max = 1.0 }
"#;

fn card() -> Scorecard {
    Scorecard::from_toml(CARD).unwrap()
}

fn account(values: &[(&str, f64)]) -> AccountMeasures {
    values
        .iter()
        .fold(AccountMeasures::new(), |a, (name, v)| a.with(*name, *v))
}

#[test]
fn hand_computed_nested_scores() {
    let c = card();
    assert_eq!(c.measure_names(), ["a", "b", "c", "d"]);
    // Usage = min(20, 80) = 20; Product = (50 + 20) / 2 = 35; score = (100 + 35) / 2 = 67.5.
    let full = c
        .score_account(&account(&[("a", 1.0), ("b", 0.5), ("c", 0.2), ("d", 0.8)]), day())
        .unwrap();
    assert!((full.score.unwrap() - 67.5).abs() < 1e-12, "{:?}", full.score);
    let points: f64 = full.contributions.iter().map(|x| x.points).sum();
    assert!((points - 67.5).abs() < 1e-9);
    // Without b, Product is Usage alone: (100 + 20) / 2 = 60.
    let no_b = c
        .score_account(&account(&[("a", 1.0), ("c", 0.2), ("d", 0.8)]), day())
        .unwrap();
    assert!((no_b.score.unwrap() - 60.0).abs() < 1e-12);
    // Without c and d, Usage has no data and Product is b alone: (100 + 50) / 2 = 75.
    let no_usage = c
        .score_account(&account(&[("a", 1.0), ("b", 0.5)]), day())
        .unwrap();
    assert!((no_usage.score.unwrap() - 75.0).abs() < 1e-12);
    // The nominal weights multiply down the tree: c is 1/2 (of Usage) of 1/2 (Usage of
    // Product) of 1/2 (Product of the card).
    let c_weight = full.contributions.iter().find(|x| x.measure == "c").unwrap();
    assert!((c_weight.nominal_weight - 0.125).abs() < 1e-12);
    assert_eq!(c_weight.group.as_deref(), Some("Usage"));
}

#[test]
fn batch_scores_equal_the_per_account_path() {
    let c = card();
    let n = 200;
    let col = |k: u64| -> Vec<f64> {
        (0..n)
            .map(|i| {
                let x = ((i as u64 * 2_654_435_761 + k * 97) % 1000) as f64 / 1000.0;
                if (i as u64 + k).is_multiple_of(7) {
                    f64::NAN
                } else {
                    x
                }
            })
            .collect()
    };
    let (a, b, cc, d) = (col(1), col(2), col(3), col(4));
    let mut nested = c.clone();
    nested.nan_is_missing = true;
    let columns = [
        MeasureColumn::number("a", Column::new("a", &a)),
        MeasureColumn::number("b", Column::new("b", &b)),
        MeasureColumn::number("c", Column::new("c", &cc)),
        MeasureColumn::number("d", Column::new("d", &d)),
    ];
    let batch = nested.score_batch(&columns, day()).unwrap();
    for i in 0..n {
        let values: Vec<(&str, f64)> = [("a", a[i]), ("b", b[i]), ("c", cc[i]), ("d", d[i])]
            .into_iter()
            .filter(|(_, v)| !v.is_nan())
            .collect();
        let one = nested.score_account(&account(&values), day()).unwrap();
        assert_eq!(
            batch.score.get(i).map(f64::to_bits),
            one.score.map(f64::to_bits),
            "row {i}"
        );
    }
}

#[test]
fn documents_round_trip_and_bad_nesting_is_named() {
    let c = card();
    assert_eq!(Scorecard::from_json(&c.to_json().unwrap()).unwrap(), c);
    assert_eq!(Scorecard::from_toml(&c.to_toml().unwrap()).unwrap(), c);
    // A min / max group holds measures only.
    let mut bad = c.clone();
    bad.groups[0].aggregation = cs_core::health::Aggregation::Max;
    let e = bad.validate().unwrap_err().to_string();
    assert!(
        e.contains("group Product groups") && e.contains("min / max"),
        "{e}"
    );
    // Group names are unique at every level.
    let mut twice = c.clone();
    twice.groups[0].groups[0].name = "Product".into();
    assert!(twice.validate().unwrap_err().to_string().contains("Product"));
    // An empty subgroup, and nesting deeper than the limit.
    let mut empty = c.clone();
    empty.groups[0]
        .groups
        .push(MeasureGroup::new("Empty", 1.0, Vec::new()));
    assert!(empty.validate().unwrap_err().to_string().contains("Empty"));
    let mut deep = MeasureGroup::new(
        "L1",
        1.0,
        vec![Measure::new("x", 1.0, Rule::Linear { min: 0.0, max: 1.0 })],
    );
    for level in 2..=MAX_GROUP_DEPTH + 1 {
        let inner = std::mem::replace(&mut deep, MeasureGroup::new(format!("L{level}"), 1.0, Vec::new()));
        deep.groups.push(inner);
    }
    let mut too_deep = Scorecard::new("deep");
    too_deep.groups.push(deep);
    let e = too_deep.validate().unwrap_err().to_string();
    assert!(e.contains("depth"), "{e}");
}

#[test]
fn the_weight_fit_covers_every_set_of_siblings() {
    let c = card();
    let n = 120;
    let churned: Vec<bool> = (0..n).map(|i| i % 3 == 0).collect();
    // b separates churners; a, c and d are noise.
    let noise = |k: usize| -> Vec<f64> { (0..n).map(|i| ((i * k + 7) % 13) as f64 / 13.0).collect() };
    let b: Vec<f64> = churned
        .iter()
        .enumerate()
        .map(|(i, &x)| if x { 0.2 } else { 0.7 } + (i % 5) as f64 / 50.0)
        .collect();
    let (a, cc, d) = (noise(5), noise(7), noise(11));
    let columns = [
        MeasureColumn::number("a", Column::new("a", &a)),
        MeasureColumn::number("b", Column::new("b", &b)),
        MeasureColumn::number("c", Column::new("c", &cc)),
        MeasureColumn::number("d", Column::new("d", &d)),
    ];
    let fit = c
        .fit_weights(
            &columns,
            Column::new("churned", &churned),
            day(),
            &WeightFitOptions::default(),
        )
        .unwrap();
    let rows: Vec<(Option<&str>, &str, &str, f64, bool)> = fit
        .weights
        .iter()
        .map(|w| {
            (
                w.parent.as_deref(),
                w.name.as_str(),
                w.kind.as_str(),
                w.proposed,
                w.fitted,
            )
        })
        .collect();
    let names: Vec<(Option<&str>, &str, &str)> = rows.iter().map(|r| (r.0, r.1, r.2)).collect();
    assert_eq!(
        names,
        [
            (None, "a", "measure"),
            (None, "Product", "group"),
            (Some("Product"), "b", "measure"),
            (Some("Product"), "Usage", "group"),
            (Some("Usage"), "c", "measure"),
            (Some("Usage"), "d", "measure"),
        ]
    );
    for parent in [None, Some("Product")] {
        let sum: f64 = rows.iter().filter(|r| r.0 == parent).map(|r| r.3).sum();
        assert_eq!(sum, 100.0, "{parent:?}");
    }
    // The min group's measures are kept; the signal gains weight within Product.
    assert!(rows.iter().filter(|r| r.0 == Some("Usage")).all(|r| !r.4));
    let b_weight = rows.iter().find(|r| r.1 == "b").unwrap().3;
    assert!(b_weight > 50.0, "{rows:?}");
    assert!(fit.training.auc_proposed >= fit.training.auc_current);
    // The proposed card carries the weights at every level.
    let product = &fit.scorecard.groups[0];
    assert_eq!(product.measures[0].weight, b_weight);
    assert_eq!(product.groups[0].weight, 100.0 - b_weight);
}
