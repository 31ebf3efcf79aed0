use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Whether a larger raw value is healthier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// More is better (licence utilisation, logins, NPS).
    #[default]
    HigherIsBetter,
    /// Less is better (support tickets, days since the last touch).
    LowerIsBetter,
}

/// Which side of a step threshold a value exactly on the threshold belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Edge {
    /// Intervals are `[t_i, t_{i+1})`: a value equal to a threshold takes the score above it.
    #[default]
    Lower,
    /// Intervals are `(t_i, t_{i+1}]`: a value equal to a threshold keeps the score below it.
    Upper,
}

/// A raw measure value as it arrives for one account.
///
/// In JSON a value is a bare number, boolean or string (`untagged`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A boolean (for [`Rule::Boolean`]).
    Bool(bool),
    /// A number (for [`Rule::Linear`], [`Rule::Piecewise`], [`Rule::Steps`]).
    Number(f64),
    /// A category name (for [`Rule::Categorical`]).
    Text(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(x) => write!(f, "{x}"),
            Value::Text(s) => write!(f, "{s:?}"),
        }
    }
}

/// The kind of raw value a rule reads; batch columns must match it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// Numbers.
    Number,
    /// Category names.
    Category,
    /// Booleans.
    Bool,
}

/// How a raw value becomes a measure score in `0..=100`.
///
/// Written in TOML as an inline table tagged by `kind`, e.g.
/// `rule = { kind = "linear", min = 0.2, max = 0.9 }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// Linear between two bounds, clamped outside: with [`Direction::HigherIsBetter`] the score is
    /// `100 × (x − min) / (max − min)`, with [`Direction::LowerIsBetter`] it is
    /// `100 × (max − x) / (max − min)`, both clamped to `0..=100`.
    Linear {
        /// The lower bound.
        min: f64,
        /// The upper bound (`> min`).
        max: f64,
    },
    /// Piecewise-linear through `(x, score)` points with strictly increasing `x`; flat (the
    /// first or last score) outside the points.
    Piecewise {
        /// The `[x, score]` points.
        points: Vec<[f64; 2]>,
    },
    /// Step thresholds: `n` strictly increasing thresholds cut the line into `n + 1` intervals
    /// scored by `scores` from the lowest interval up; `edge` says which interval a value on a
    /// threshold belongs to.
    Steps {
        /// The thresholds, strictly increasing.
        thresholds: Vec<f64>,
        /// One score per interval: `thresholds.len() + 1` values.
        scores: Vec<f64>,
        /// Edge inclusivity (default [`Edge::Lower`]: `x == t` takes the higher interval).
        #[serde(default)]
        edge: Edge,
    },
    /// A score per category name; `other` scores names not listed (without it, an unlisted name
    /// is an error).
    Categorical {
        /// Category name to score.
        scores: BTreeMap<String, f64>,
        /// The score of any other name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        other: Option<f64>,
    },
    /// A boolean: `when_true` and `when_false` default to 100 and 0 when higher is better
    /// (true is healthy) and to 0 and 100 when lower is better.
    Boolean {
        /// Score of `true`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        when_true: Option<f64>,
        /// Score of `false`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        when_false: Option<f64>,
    },
}

fn check_score(field: &str, s: f64) -> Result<()> {
    if s.is_finite() && (0.0..=100.0).contains(&s) {
        Ok(())
    } else {
        Err(Error::out_of_range(field, s, "0..=100"))
    }
}

fn check_finite(field: &str, x: f64) -> Result<()> {
    if x.is_finite() {
        Ok(())
    } else {
        Err(Error::invalid(field, x, "must be a finite number"))
    }
}

fn check_monotone(field: &str, scores: &[f64], direction: Option<Direction>) -> Result<()> {
    let ok = match direction {
        None => true,
        Some(Direction::HigherIsBetter) => scores.windows(2).all(|w| w[0] <= w[1]),
        Some(Direction::LowerIsBetter) => scores.windows(2).all(|w| w[0] >= w[1]),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("{scores:?}"),
            "scores must not decrease (higher_is_better) or increase (lower_is_better) along x",
        ))
    }
}

impl Rule {
    /// The kind of raw value this rule reads.
    pub fn value_kind(&self) -> ValueKind {
        match self {
            Rule::Linear { .. } | Rule::Piecewise { .. } | Rule::Steps { .. } => ValueKind::Number,
            Rule::Categorical { .. } => ValueKind::Category,
            Rule::Boolean { .. } => ValueKind::Bool,
        }
    }

    /// Checks the rule's parameters; `measure` names it in errors. A stated `direction` must
    /// agree with piecewise and step scores (non-decreasing for higher-is-better).
    pub fn validate(&self, measure: &str, direction: Option<Direction>) -> Result<()> {
        let f = |what: &str| format!("measure {measure} {what}");
        match self {
            Rule::Linear { min, max } => {
                check_finite(&f("min"), *min)?;
                check_finite(&f("max"), *max)?;
                if min >= max {
                    return Err(Error::invalid(f("max"), max, format!("must exceed min {min}")));
                }
            }
            Rule::Piecewise { points } => {
                if points.len() < 2 {
                    return Err(Error::invalid(
                        f("points"),
                        points.len(),
                        "need at least 2 points",
                    ));
                }
                for [x, s] in points {
                    check_finite(&f("point x"), *x)?;
                    check_score(&f("point score"), *s)?;
                }
                if let Some(w) = points.windows(2).find(|w| w[0][0] >= w[1][0]) {
                    return Err(Error::invalid(f("point x"), w[1][0], "x must strictly increase"));
                }
                let scores: Vec<f64> = points.iter().map(|p| p[1]).collect();
                check_monotone(&f("points"), &scores, direction)?;
            }
            Rule::Steps {
                thresholds, scores, ..
            } => {
                for t in thresholds {
                    check_finite(&f("threshold"), *t)?;
                }
                if let Some(w) = thresholds.windows(2).find(|w| w[0] >= w[1]) {
                    return Err(Error::invalid(
                        f("threshold"),
                        w[1],
                        "thresholds must strictly increase",
                    ));
                }
                if scores.len() != thresholds.len() + 1 {
                    return Err(Error::invalid(
                        f("scores"),
                        scores.len(),
                        format!(
                            "{} thresholds need {} scores",
                            thresholds.len(),
                            thresholds.len() + 1
                        ),
                    ));
                }
                for s in scores {
                    check_score(&f("step score"), *s)?;
                }
                check_monotone(&f("scores"), scores, direction)?;
            }
            Rule::Categorical { scores, other } => {
                if scores.is_empty() {
                    return Err(Error::empty(f("categories")));
                }
                for s in scores.values().chain(other) {
                    check_score(&f("category score"), *s)?;
                }
            }
            Rule::Boolean {
                when_true,
                when_false,
            } => {
                for s in when_true.iter().chain(when_false) {
                    check_score(&f("boolean score"), *s)?;
                }
            }
        }
        Ok(())
    }

    /// Scores a finite number (callers reject NaN and infinities first); see
    /// [`Rule::number_scorer`].
    #[inline]
    pub(crate) fn score_number(&self, x: f64, direction: Direction) -> Option<f64> {
        self.number_scorer(direction)?.score(x)
    }

    /// Scores a boolean.
    #[inline]
    pub(crate) fn score_bool(&self, b: bool, direction: Direction) -> Option<f64> {
        match self {
            Rule::Boolean {
                when_true,
                when_false,
            } => {
                let (t, f) = match direction {
                    Direction::HigherIsBetter => (100.0, 0.0),
                    Direction::LowerIsBetter => (0.0, 100.0),
                };
                Some(if b {
                    when_true.unwrap_or(t)
                } else {
                    when_false.unwrap_or(f)
                })
            }
            _ => None,
        }
    }

    /// Scores a category name; `None` when it is not listed and there is no `other`.
    pub(crate) fn score_category(&self, name: &str) -> Option<f64> {
        match self {
            Rule::Categorical { scores, other } => scores.get(name).copied().or(*other),
            _ => None,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use Direction::{HigherIsBetter as Up, LowerIsBetter as Down};

    #[test]
    fn linear_is_clamped_and_follows_direction() {
        let r = Rule::Linear { min: 0.2, max: 0.9 };
        // (0.55 - 0.2) / 0.7 = 0.5 -> 50 points either way.
        assert!((r.score_number(0.55, Up).unwrap() - 50.0).abs() < 1e-12);
        assert_eq!(r.score_number(0.0, Up), Some(0.0));
        assert_eq!(r.score_number(1.5, Up), Some(100.0));
        assert_eq!(r.score_number(0.0, Down), Some(100.0));
        // lower is better at 0.76: 100 * (0.9 - 0.76) / 0.7 = 20.
        assert!((r.score_number(0.76, Down).unwrap() - 20.0).abs() < 1e-9);
    }

    #[test]
    fn piecewise_interpolates_and_is_flat_outside() {
        let r = Rule::Piecewise {
            points: vec![[0.0, 0.0], [4.0, 50.0], [12.0, 90.0]],
        };
        // Between 4 and 12: 50 + 40 * (8 - 4) / 8 = 70.
        assert_eq!(r.score_number(8.0, Up), Some(70.0));
        assert_eq!(r.score_number(4.0, Up), Some(50.0));
        assert_eq!(r.score_number(-3.0, Up), Some(0.0));
        assert_eq!(r.score_number(40.0, Up), Some(90.0));
    }

    #[test]
    fn step_edges_follow_the_stated_inclusivity() {
        let lower = Rule::Steps {
            thresholds: vec![1.0, 3.0],
            scores: vec![100.0, 50.0, 0.0],
            edge: Edge::Lower,
        };
        let upper = Rule::Steps {
            thresholds: vec![1.0, 3.0],
            scores: vec![100.0, 50.0, 0.0],
            edge: Edge::Upper,
        };
        // x = 1 is on a threshold: lower-inclusive intervals put it in [1, 3) -> 50,
        // upper-inclusive ones in (-inf, 1] -> 100.
        assert_eq!(lower.score_number(1.0, Down), Some(50.0));
        assert_eq!(upper.score_number(1.0, Down), Some(100.0));
        assert_eq!(lower.score_number(3.0, Down), Some(0.0));
        assert_eq!(upper.score_number(3.0, Down), Some(50.0));
        assert_eq!(lower.score_number(0.5, Down), Some(100.0));
        assert_eq!(upper.score_number(9.0, Down), Some(0.0));
    }

    #[test]
    fn categorical_uses_other_for_unlisted_names() {
        let mut scores = BTreeMap::new();
        scores.insert("gold".to_owned(), 100.0);
        let strict = Rule::Categorical {
            scores: scores.clone(),
            other: None,
        };
        let lenient = Rule::Categorical {
            scores,
            other: Some(40.0),
        };
        assert_eq!(strict.score_category("gold"), Some(100.0));
        assert_eq!(strict.score_category("tin"), None);
        assert_eq!(lenient.score_category("tin"), Some(40.0));
    }

    #[test]
    fn boolean_defaults_follow_direction() {
        let r = Rule::Boolean {
            when_true: None,
            when_false: None,
        };
        assert_eq!(r.score_bool(true, Up), Some(100.0));
        assert_eq!(r.score_bool(true, Down), Some(0.0));
        let custom = Rule::Boolean {
            when_true: Some(100.0),
            when_false: Some(30.0),
        };
        assert_eq!(custom.score_bool(false, Up), Some(30.0));
    }

    #[test]
    fn invalid_rules_name_the_measure() {
        let e = Rule::Linear { min: 1.0, max: 1.0 }
            .validate("usage", None)
            .unwrap_err();
        assert!(e.to_string().contains("measure usage max 1"), "{e}");
        let e = Rule::Steps {
            thresholds: vec![2.0, 1.0],
            scores: vec![0.0; 3],
            edge: Edge::Lower,
        }
        .validate("tickets", None)
        .unwrap_err();
        assert!(e.to_string().contains("strictly increase"), "{e}");
        let e = Rule::Piecewise {
            points: vec![[0.0, 0.0], [1.0, 100.0]],
        }
        .validate("tickets", Some(Down))
        .unwrap_err();
        assert!(e.to_string().contains("lower_is_better"), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn rules_stay_in_range_and_linear_is_monotone(a in -1e6f64..1e6, b in -1e6f64..1e6) {
            let r = Rule::Linear { min: -10.0, max: 25.0 };
            let (sa, sb) = (r.score_number(a, Up).unwrap(), r.score_number(b, Up).unwrap());
            proptest::prop_assert!((0.0..=100.0).contains(&sa));
            if a <= b { proptest::prop_assert!(sa <= sb); }
            let p = Rule::Piecewise { points: vec![[0.0, 10.0], [5.0, 80.0], [9.0, 20.0]] };
            let s = p.score_number(a, Up).unwrap();
            proptest::prop_assert!((10.0..=80.0).contains(&s));
        }

        /// The branch-free piecewise scorer gives the bits of the textbook form: a binary
        /// search for the segment, then `y0 + (y1 - y0)(x - x0) / (x1 - x0)`.
        #[test]
        fn piecewise_matches_the_binary_search_form_bit_for_bit(
            steps in proptest::collection::vec((0.01f64..50.0, -100.0f64..200.0), 1..7),
            x in -50.0f64..400.0,
        ) {
            let mut points = Vec::new();
            let mut at = -10.0;
            for (dx, y) in steps {
                points.push([at, y]);
                at += dx;
            }
            let reference = |x: f64| -> f64 {
                let (first, last) = (points[0], points[points.len() - 1]);
                if x <= first[0] {
                    return first[1];
                }
                if x >= last[0] {
                    return last[1];
                }
                let i = points.partition_point(|p| p[0] <= x);
                let ([x0, y0], [x1, y1]) = (points[i - 1], points[i]);
                y0 + (y1 - y0) * (x - x0) / (x1 - x0)
            };
            let rule = Rule::Piecewise { points: points.clone() };
            for v in [x, points[0][0], points[points.len() - 1][0], points[points.len() / 2][0]] {
                proptest::prop_assert_eq!(rule.score_number(v, Up).unwrap().to_bits(), reference(v).to_bits());
            }
        }
    }
}
