use rayon::prelude::*;

use super::ScoreDirection;
use crate::{Error, Result};

/// ROC AUC of a score against churn outcomes: the probability that a randomly chosen churned
/// account scores higher than a randomly chosen retained one, ties counting one half (the
/// Mann-Whitney U statistic divided by `n_churned × n_retained`). Higher scores are taken to
/// mean more risk, as in scikit-learn's `roc_auc_score(churned, scores)`; for health scores
/// use [`backtest`](super::backtest) with [`ScoreDirection::HigherIsHealthier`].
///
/// Exact: the pairs are counted in integers after one sort of each class and the result is a
/// single division.
///
/// Errors: different lengths, no rows, a non-finite score (with its position), or only one
/// outcome class.
///
/// ```
/// use cs_core::retention::roc_auc;
/// // Churned 0.9 and 0.6 vs retained 0.2 and 0.6: pairs 1 + 1 + 1 + 1/2 of 4.
/// assert_eq!(roc_auc(&[0.9, 0.2, 0.6, 0.6], &[true, false, true, false])?, 0.875);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn roc_auc(scores: &[f64], churned: &[bool]) -> Result<f64> {
    let ranked = Ranked::new(scores, churned, ScoreDirection::HigherIsRiskier)?;
    Ok(ranked.auc())
}

/// The ROC AUC of `scores` read in `direction` (as [`roc_auc`]; for health scores,
/// [`ScoreDirection::HigherIsHealthier`]).
pub(crate) fn directed_auc(scores: &[f64], churned: &[bool], direction: ScoreDirection) -> Result<f64> {
    Ok(Ranked::new(scores, churned, direction)?.auc())
}

/// Scores split by outcome, each sorted ascending by risk as order-preserving integer keys.
pub(crate) struct Ranked {
    positives: Vec<u64>,
    negatives: Vec<u64>,
    direction: ScoreDirection,
}

/// Accounts sharing one score: how many churned and how many were retained.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tie {
    pub(crate) key: u64,
    pub(crate) positives: u64,
    pub(crate) negatives: u64,
}

impl Tie {
    pub(crate) fn size(&self) -> u64 {
        self.positives + self.negatives
    }
}

impl Ranked {
    pub(crate) fn new(scores: &[f64], churned: &[bool], direction: ScoreDirection) -> Result<Self> {
        if churned.len() != scores.len() {
            return Err(Error::LengthMismatch {
                field: "churned".into(),
                expected: scores.len(),
                actual: churned.len(),
            });
        }
        if scores.is_empty() {
            return Err(Error::empty("scores"));
        }
        if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
            return Err(Error::invalid("score", scores[i], "scores must be finite numbers").at(i));
        }
        let n_pos = churned.iter().filter(|&&c| c).count();
        if n_pos == 0 || n_pos == scores.len() {
            let value = if n_pos == 0 { "all false" } else { "all true" };
            return Err(Error::invalid(
                "churned",
                value,
                "a backtest needs both churned and retained accounts",
            ));
        }
        let mut positives = Vec::with_capacity(n_pos);
        let mut negatives = Vec::with_capacity(scores.len() - n_pos);
        for (&s, &c) in scores.iter().zip(churned) {
            let k = direction.key(s);
            if c {
                positives.push(k);
            } else {
                negatives.push(k);
            }
        }
        rayon::join(|| positives.par_sort_unstable(), || negatives.par_sort_unstable());
        Ok(Ranked {
            positives,
            negatives,
            direction,
        })
    }

    pub(crate) fn accounts(&self) -> u64 {
        (self.positives.len() + self.negatives.len()) as u64
    }

    pub(crate) fn positives(&self) -> u64 {
        self.positives.len() as u64
    }

    pub(crate) fn direction(&self) -> ScoreDirection {
        self.direction
    }

    /// Tie groups in increasing order of risk.
    pub(crate) fn ties(&self) -> impl Iterator<Item = Tie> + '_ {
        let (pos, neg) = (&self.positives, &self.negatives);
        let (mut i, mut j) = (0usize, 0usize);
        std::iter::from_fn(move || {
            let key = match (pos.get(i), neg.get(j)) {
                (Some(&a), Some(&b)) => a.min(b),
                (Some(&a), None) => a,
                (None, Some(&b)) => b,
                (None, None) => return None,
            };
            let (i0, j0) = (i, j);
            while pos.get(i) == Some(&key) {
                i += 1;
            }
            while neg.get(j) == Some(&key) {
                j += 1;
            }
            Some(Tie {
                key,
                positives: (i - i0) as u64,
                negatives: (j - j0) as u64,
            })
        })
    }

    /// Mann-Whitney AUC: Σ over churned of (retained below + ½ retained tied) / (P × N).
    pub(crate) fn auc(&self) -> f64 {
        let mut below = 0u128;
        let mut half_pairs = 0u128;
        for tie in self.ties() {
            half_pairs += u128::from(tie.positives) * (2 * below + u128::from(tie.negatives));
            below += u128::from(tie.negatives);
        }
        let denominator = 2 * self.positives.len() as u128 * self.negatives.len() as u128;
        half_pairs as f64 / denominator as f64
    }
}

/// An f64 as a u64 with the same order (-0.0 folded into 0.0).
#[inline]
pub(crate) fn sortable(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    if bits >> 63 == 1 { !bits } else { bits | (1 << 63) }
}

/// The inverse of [`sortable`].
pub(crate) fn unsortable(k: u64) -> f64 {
    let bits = if k >> 63 == 1 { k & !(1 << 63) } else { !k };
    f64::from_bits(bits)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)] // exact expected values; unwrap reports a failure
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// O(n²) definition: pairs (churned, retained) with churned scoring higher, ties ½.
    fn auc_by_pairs(s: &[f64], c: &[bool]) -> f64 {
        let mut num = 0.0;
        let mut den = 0.0;
        for i in 0..s.len() {
            for j in 0..s.len() {
                if c[i] && !c[j] {
                    den += 1.0;
                    if s[i] > s[j] {
                        num += 1.0;
                    } else if s[i] == s[j] {
                        num += 0.5;
                    }
                }
            }
        }
        num / den
    }

    #[test]
    fn sortable_keys_preserve_order() {
        let xs = [f64::NEG_INFINITY, -3.5, -1e-300, -0.0, 0.0, 1e-300, 2.0, f64::MAX];
        for w in xs.windows(2) {
            assert!(sortable(w[0]) <= sortable(w[1]), "{} {}", w[0], w[1]);
        }
        assert_eq!(sortable(-0.0), sortable(0.0));
        for x in xs {
            assert_eq!(unsortable(sortable(x)), x + 0.0);
        }
    }

    #[test]
    fn perfect_inverted_and_all_tied() {
        assert_eq!(roc_auc(&[0.9, 0.8, 0.1], &[true, true, false]).unwrap(), 1.0);
        assert_eq!(roc_auc(&[0.1, 0.8, 0.9], &[true, false, false]).unwrap(), 0.0);
        assert_eq!(roc_auc(&[0.5; 4], &[true, false, true, false]).unwrap(), 0.5);
    }

    #[test]
    fn one_class_and_bad_scores_are_errors() {
        let e = roc_auc(&[0.1, 0.2], &[false, false]).unwrap_err();
        assert!(e.to_string().contains("both churned and retained"), "{e}");
        let e = roc_auc(&[0.1, f64::NAN], &[true, false]).unwrap_err();
        assert!(e.to_string().starts_with("score NaN at position 1"), "{e}");
        assert!(roc_auc(&[], &[]).is_err());
        assert!(roc_auc(&[0.1], &[true, false]).is_err());
    }

    proptest! {
        #[test]
        fn matches_the_pairwise_definition(
            rows in proptest::collection::vec((0u8..8, any::<bool>()), 2..80)
        ) {
            let s: Vec<f64> = rows.iter().map(|r| f64::from(r.0) / 2.0 - 1.0).collect();
            let c: Vec<bool> = rows.iter().map(|r| r.1).collect();
            prop_assume!(c.iter().any(|&x| x) && c.iter().any(|&x| !x));
            let got = roc_auc(&s, &c).unwrap();
            prop_assert!((got - auc_by_pairs(&s, &c)).abs() < 1e-12);
            // Negating the scores mirrors the AUC.
            let neg: Vec<f64> = s.iter().map(|x| -x).collect();
            prop_assert!((roc_auc(&neg, &c).unwrap() - (1.0 - got)).abs() < 1e-12);
        }
    }
}
