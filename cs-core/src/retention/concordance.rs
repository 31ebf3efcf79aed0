//! Harrell's concordance index (C) of a score against censored tenures (Harrell, Lee and Mark,
//! "Multivariable prognostic models", *Statistics in Medicine* 15(4), 1996), with the pair
//! rules of lifelines' `concordance_index`.
//!
//! A pair of accounts is comparable when the one that left first churned: its tenure is
//! shorter than the other's, or equal with the other censored (a customer still active at the
//! moment the other left outlasted it). Two churns at the same tenure, and two censored
//! accounts, are not comparable. A comparable pair is concordant when the score ranks the
//! longer-staying account as the healthier one; a tie in the score counts one half.
//! C = (concordant + ties / 2) / comparable: 0.5 for a random score, 1 for a perfect one.

use serde::{Deserialize, Serialize};

use super::ScoreDirection;
use crate::{Error, Result};

/// The concordance index with the pair counts behind it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Concordance {
    /// C = (concordant + tied / 2) / comparable.
    pub index: f64,
    /// Comparable pairs.
    pub comparable: u64,
    /// Comparable pairs the score orders correctly.
    pub concordant: u64,
    /// Comparable pairs with equal scores.
    pub tied: u64,
}

/// Harrell's C of `scores` against `durations` (tenures) and `observed` (true = churned,
/// false = still a customer, censored). With [`ScoreDirection::HigherIsHealthier`] a higher
/// score predicts a longer tenure (lifelines' convention for `predicted_scores`); with
/// [`ScoreDirection::HigherIsRiskier`] a shorter one. O(n log n).
///
/// Errors: different lengths, no rows, a duration that is negative or not finite, a score
/// that is not finite (each with its position), no comparable pair (no churn before another
/// account's exit).
///
/// ```
/// use cs_core::retention::{ScoreDirection, concordance_index};
/// // Tenures 1 (churned), 2 (churned), 3 (censored). Comparable pairs: (1,2), (1,3), (2,3).
/// // Health 0.1, 0.5, 0.4: (1,2) and (1,3) concordant, (2,3) not; C = 2 / 3.
/// let c = concordance_index(&[1.0, 2.0, 3.0], &[0.1, 0.5, 0.4], &[true, true, false],
///     ScoreDirection::HigherIsHealthier)?;
/// assert_eq!((c.comparable, c.concordant, c.tied), (3, 2, 0));
/// assert_eq!(c.index, 2.0 / 3.0);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn concordance_index(
    durations: &[f64],
    scores: &[f64],
    observed: &[bool],
    direction: ScoreDirection,
) -> Result<Concordance> {
    for (field, len) in [("scores", scores.len()), ("observed", observed.len())] {
        if len != durations.len() {
            return Err(Error::LengthMismatch {
                field: field.into(),
                expected: durations.len(),
                actual: len,
            });
        }
    }
    if durations.is_empty() {
        return Err(Error::empty("durations"));
    }
    if let Some(i) = durations.iter().position(|d| !(d.is_finite() && *d >= 0.0)) {
        return Err(Error::out_of_range("duration", durations[i], "a finite number, 0 or more").at(i));
    }
    if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
        return Err(Error::invalid("score", scores[i], "scores must be finite numbers").at(i));
    }
    // Predicted tenure as an order-preserving key: higher = predicted to stay longer.
    let predicted = |i: usize| match direction {
        ScoreDirection::HigherIsHealthier => ScoreDirection::HigherIsRiskier.key(scores[i]),
        ScoreDirection::HigherIsRiskier => ScoreDirection::HigherIsHealthier.key(scores[i]),
    };
    // The churned accounts' predictions, as ranks into their sorted distinct values.
    let mut values: Vec<u64> = (0..durations.len())
        .filter(|&i| observed[i])
        .map(predicted)
        .collect();
    values.sort_unstable();
    values.dedup();
    let mut pool = Fenwick::new(values.len());

    // Exits in tenure order; at a tied tenure, churns before censorings.
    let mut order: Vec<usize> = (0..durations.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        durations[a]
            .total_cmp(&durations[b])
            .then_with(|| observed[b].cmp(&observed[a]))
    });
    let (mut comparable, mut concordant, mut tied) = (0u64, 0u64, 0u64);
    let mut start = 0;
    while start < order.len() {
        // One batch: the same tenure and the same outcome.
        let (t, churned) = (durations[order[start]], observed[order[start]]);
        let mut end = start;
        while end < order.len() && durations[order[end]] == t && observed[order[end]] == churned {
            end += 1;
        }
        // Every account of the batch is compared with the churns strictly earlier (and, for a
        // censored batch, with the churns at the same tenure, already in the pool).
        for &i in &order[start..end] {
            let key = predicted(i);
            let below = values.partition_point(|&v| v < key);
            let equal = values.get(below).is_some_and(|&v| v == key);
            comparable += pool.total();
            concordant += pool.prefix(below);
            if equal {
                tied += pool.at(below);
            }
        }
        if churned {
            for &i in &order[start..end] {
                let rank = values.partition_point(|&v| v < predicted(i));
                pool.add(rank);
            }
        }
        start = end;
    }
    if comparable == 0 {
        return Err(Error::invalid(
            "observed",
            format!(
                "{} churned of {}",
                observed.iter().filter(|&&o| o).count(),
                observed.len()
            ),
            "no comparable pair: the concordance needs a churn before another account's exit",
        ));
    }
    let index = (concordant as f64 + tied as f64 / 2.0) / comparable as f64;
    Ok(Concordance {
        index,
        comparable,
        concordant,
        tied,
    })
}

/// Counts per rank with prefix sums in O(log n) (a Fenwick tree).
struct Fenwick {
    tree: Vec<u64>,
    count: Vec<u64>,
    total: u64,
}

impl Fenwick {
    fn new(n: usize) -> Self {
        Fenwick {
            tree: vec![0; n + 1],
            count: vec![0; n],
            total: 0,
        }
    }

    fn add(&mut self, rank: usize) {
        self.count[rank] += 1;
        self.total += 1;
        let mut i = rank + 1;
        while i < self.tree.len() {
            self.tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }

    /// How many were added with a rank below `rank`.
    fn prefix(&self, rank: usize) -> u64 {
        let (mut i, mut sum) = (rank, 0);
        while i > 0 {
            sum += self.tree[i];
            i -= i & i.wrapping_neg();
        }
        sum
    }

    fn at(&self, rank: usize) -> u64 {
        self.count[rank]
    }

    fn total(&self) -> u64 {
        self.total
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)] // exact expected values; unwrap reports a failure
mod tests {
    use super::*;

    const HEALTH: ScoreDirection = ScoreDirection::HigherIsHealthier;

    /// Every pair by lifelines' rules, O(n²).
    fn naive(durations: &[f64], scores: &[f64], observed: &[bool]) -> (u64, u64, u64) {
        let (mut pairs, mut correct, mut tied) = (0, 0, 0);
        for a in 0..durations.len() {
            for b in 0..durations.len() {
                // a leaves first and churned; b outlasts it.
                let first = observed[a]
                    && (durations[a] < durations[b] || (durations[a] == durations[b] && !observed[b]));
                if first {
                    pairs += 1;
                    if scores[a] == scores[b] {
                        tied += 1;
                    } else if scores[a] < scores[b] {
                        correct += 1;
                    }
                }
            }
        }
        (pairs, correct, tied)
    }

    #[test]
    fn ties_in_tenure_and_score() {
        // Churn at 2 and censoring at 2: comparable. Two churns at 3: not. Scores tie once.
        let d = [2.0, 2.0, 3.0, 3.0, 5.0];
        let s = [0.2, 0.4, 0.3, 0.3, 0.9];
        let o = [true, false, true, true, false];
        let c = concordance_index(&d, &s, &o, HEALTH).unwrap();
        assert_eq!((c.comparable, c.concordant, c.tied), naive(&d, &s, &o));
        let risk: Vec<f64> = s.iter().map(|x| -x).collect();
        assert_eq!(
            concordance_index(&d, &risk, &o, ScoreDirection::HigherIsRiskier).unwrap(),
            c
        );
    }

    #[test]
    fn bad_input_is_named() {
        let e = concordance_index(&[1.0, 2.0], &[0.1, 0.2], &[false, false], HEALTH).unwrap_err();
        assert!(e.to_string().contains("no comparable pair"), "{e}");
        let e = concordance_index(&[1.0, -2.0], &[0.1, 0.2], &[true, false], HEALTH).unwrap_err();
        assert_eq!(
            e.to_string(),
            "duration -2 at position 1 is outside a finite number, 0 or more"
        );
        let e = concordance_index(&[1.0, 2.0], &[0.1], &[true, false], HEALTH).unwrap_err();
        assert!(e.to_string().contains("scores"), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn equals_every_pair_counted(
            rows in proptest::collection::vec((0u8..6, 0u8..5, proptest::prelude::any::<bool>()), 2..60),
        ) {
            let d: Vec<f64> = rows.iter().map(|r| f64::from(r.0)).collect();
            let s: Vec<f64> = rows.iter().map(|r| f64::from(r.1)).collect();
            let o: Vec<bool> = rows.iter().map(|r| r.2).collect();
            let want = naive(&d, &s, &o);
            if let Ok(c) = concordance_index(&d, &s, &o, HEALTH) {
                proptest::prop_assert_eq!((c.comparable, c.concordant, c.tied), want);
                proptest::prop_assert!((0.0..=1.0).contains(&c.index));
            } else {
                proptest::prop_assert_eq!(want.0, 0);
            }
        }
    }
}
