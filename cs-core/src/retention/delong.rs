//! DeLong's variance of the ROC AUC: an interval for one score and the paired test of two
//! scores on the same accounts (DeLong, DeLong and Clarke-Pearson, "Comparing the areas under
//! two or more correlated receiver operating characteristic curves: a nonparametric approach",
//! *Biometrics* 44(3), 1988).
//!
//! With P churned and N retained accounts, each churned account `i` has the structural
//! component `V10(i)` = the share of retained accounts it outranks (ties one half), and each
//! retained account `j` has `V01(j)` = the share of churned accounts that outrank it. The AUC
//! is the mean of either; its variance is `S10 / P + S01 / N`, with `S10` and `S01` the sample
//! variances (divisor P - 1 and N - 1) of the components. For two scores the components'
//! covariances give the variance of the difference. The interval is the normal one, clipped to
//! [0, 1], as pROC's `ci.auc(method = "delong")`.

use serde::{Deserialize, Serialize};

use super::ScoreDirection;
use super::auc::Ranked;
use crate::statistics::{Confidence, two_sided_p_value};
use crate::{Error, Result};

/// The ROC AUC of one score with its DeLong standard error and interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AucInterval {
    /// The AUC (Mann-Whitney, ties one half), the same bits as [`roc_auc`](super::roc_auc).
    pub auc: f64,
    /// DeLong's standard error of the AUC.
    pub standard_error: f64,
    /// Lower end of the interval, at least 0.
    pub lower: f64,
    /// Upper end of the interval, at most 1.
    pub upper: f64,
    /// The confidence level of the interval.
    pub confidence: Confidence,
}

/// Two scores of the same accounts compared by their AUC (paired DeLong test).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AucComparison {
    /// AUC of the first score.
    pub auc_a: f64,
    /// AUC of the second score.
    pub auc_b: f64,
    /// `auc_a - auc_b`.
    pub difference: f64,
    /// Standard error of the difference, from the components' variances and covariance.
    pub standard_error: f64,
    /// `difference / standard_error`; `None` when the standard error is 0 (the two scores rank
    /// every pair alike, or both separate the classes perfectly).
    pub z: Option<f64>,
    /// Two-sided p-value of `z`; `None` with it.
    pub p_value: Option<f64>,
}

/// The ROC AUC of `scores` against `churned` with DeLong's standard error and a normal interval
/// at `confidence`, clipped to [0, 1].
///
/// Errors: as [`roc_auc`](super::roc_auc), and fewer than two churned or two retained accounts
/// (a sample variance needs two values).
///
/// ```
/// use cs_core::retention::{ScoreDirection, roc_auc_interval};
/// use cs_core::statistics::Confidence;
/// // Churned 0.9 and 0.6, retained 0.2 and 0.6: V10 = (1, 0.75), V01 = (1, 0.75), AUC 0.875,
/// // S10 = S01 = 2 × 0.125² = 0.03125, variance 0.03125 / 2 + 0.03125 / 2.
/// let r = roc_auc_interval(
///     &[0.9, 0.2, 0.6, 0.6],
///     &[true, false, true, false],
///     ScoreDirection::HigherIsRiskier,
///     Confidence::NINETY_FIVE,
/// )?;
/// assert_eq!(r.auc, 0.875);
/// assert!((r.standard_error - 0.03125f64.sqrt()).abs() < 1e-15);
/// assert_eq!(r.upper, 1.0);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn roc_auc_interval(
    scores: &[f64],
    churned: &[bool],
    direction: ScoreDirection,
    confidence: Confidence,
) -> Result<AucInterval> {
    let auc = Ranked::new(scores, churned, direction)?.auc();
    let c = Components::new(scores, churned, direction)?;
    let variance = c.covariance(&c, auc, auc);
    let standard_error = variance.max(0.0).sqrt();
    let half = confidence.z() * standard_error;
    Ok(AucInterval {
        auc,
        standard_error,
        lower: (auc - half).max(0.0),
        upper: (auc + half).min(1.0),
        confidence,
    })
}

/// Compares the AUC of two scores of the same accounts against the same outcomes: DeLong's
/// paired test of `auc_a - auc_b` (both scores read in the same `direction`).
///
/// Errors: as [`roc_auc_interval`] for either score, and scores of different lengths.
///
/// ```
/// use cs_core::retention::{ScoreDirection, roc_auc_compare};
/// let churned = [true, true, true, false, false, false];
/// let a = [0.9, 0.8, 0.4, 0.5, 0.2, 0.1];
/// let b = [0.9, 0.3, 0.4, 0.5, 0.2, 0.6];
/// let c = roc_auc_compare(&a, &b, &churned, ScoreDirection::HigherIsRiskier)?;
/// assert!(c.auc_a > c.auc_b && c.difference == c.auc_a - c.auc_b);
/// assert!(c.p_value.is_some_and(|p| p > 0.0 && p < 1.0));
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn roc_auc_compare(
    scores_a: &[f64],
    scores_b: &[f64],
    churned: &[bool],
    direction: ScoreDirection,
) -> Result<AucComparison> {
    if scores_b.len() != scores_a.len() {
        return Err(Error::LengthMismatch {
            field: "scores_b".into(),
            expected: scores_a.len(),
            actual: scores_b.len(),
        });
    }
    for (field, scores) in [("scores_a", scores_a), ("scores_b", scores_b)] {
        if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
            return Err(Error::invalid(field, scores[i], "scores must be finite numbers").at(i));
        }
    }
    let auc_a = Ranked::new(scores_a, churned, direction)?.auc();
    let auc_b = Ranked::new(scores_b, churned, direction)?.auc();
    let a = Components::new(scores_a, churned, direction)?;
    let b = Components::new(scores_b, churned, direction)?;
    let variance = a.covariance(&a, auc_a, auc_a) + b.covariance(&b, auc_b, auc_b)
        - 2.0 * a.covariance(&b, auc_a, auc_b);
    let standard_error = variance.max(0.0).sqrt();
    let difference = auc_a - auc_b;
    // A variance within rounding of 0 has no test: the scores rank every pair the same way.
    let z = (standard_error > 1e-12).then(|| difference / standard_error);
    Ok(AucComparison {
        auc_a,
        auc_b,
        difference,
        standard_error,
        z,
        p_value: z.map(two_sided_p_value),
    })
}

/// DeLong's structural components of one score, in row order within each class.
struct Components {
    /// V10 of each churned account, in row order.
    churned: Vec<f64>,
    /// V01 of each retained account, in row order.
    retained: Vec<f64>,
}

impl Components {
    fn new(scores: &[f64], churned: &[bool], direction: ScoreDirection) -> Result<Self> {
        let positives = churned.iter().filter(|&&c| c).count();
        let negatives = churned.len() - positives;
        if positives < 2 || negatives < 2 {
            let (field, count) = if positives < 2 {
                ("churned accounts", positives)
            } else {
                ("retained accounts", negatives)
            };
            return Err(Error::out_of_range(
                field,
                count,
                "2 or more (DeLong's variance needs two of each class)",
            ));
        }
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_unstable_by_key(|&i| direction.key(scores[i]));
        let (p, n) = (positives as f64, negatives as f64);
        let mut value = vec![0.0f64; scores.len()];
        let (mut neg_below, mut pos_below) = (0usize, 0usize);
        let mut start = 0;
        while start < order.len() {
            let key = direction.key(scores[order[start]]);
            let mut end = start;
            let (mut pos_tied, mut neg_tied) = (0usize, 0usize);
            while end < order.len() && direction.key(scores[order[end]]) == key {
                if churned[order[end]] {
                    pos_tied += 1;
                } else {
                    neg_tied += 1;
                }
                end += 1;
            }
            let v10 = (neg_below as f64 + 0.5 * neg_tied as f64) / n;
            let pos_above = positives - pos_below - pos_tied;
            let v01 = (pos_above as f64 + 0.5 * pos_tied as f64) / p;
            for &i in &order[start..end] {
                value[i] = if churned[i] { v10 } else { v01 };
            }
            neg_below += neg_tied;
            pos_below += pos_tied;
            start = end;
        }
        let (mut churned_v, mut retained_v) = (Vec::with_capacity(positives), Vec::with_capacity(negatives));
        for (v, &c) in value.into_iter().zip(churned) {
            if c {
                churned_v.push(v);
            } else {
                retained_v.push(v);
            }
        }
        Ok(Components {
            churned: churned_v,
            retained: retained_v,
        })
    }

    /// `S10(a, b) / P + S01(a, b) / N`: the covariance of two AUCs on the same accounts (the
    /// variance of one when `other` is `self`).
    fn covariance(&self, other: &Components, auc: f64, other_auc: f64) -> f64 {
        fn sample_covariance(x: &[f64], y: &[f64], mx: f64, my: f64) -> f64 {
            let sum: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
            sum / (x.len() - 1) as f64
        }
        let p = self.churned.len() as f64;
        let n = self.retained.len() as f64;
        sample_covariance(&self.churned, &other.churned, auc, other_auc) / p
            + sample_covariance(&self.retained, &other.retained, auc, other_auc) / n
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)] // exact expected values; unwrap reports a failure
mod tests {
    use super::*;

    const RISK: ScoreDirection = ScoreDirection::HigherIsRiskier;

    #[test]
    fn hand_computed_variance() {
        let r = roc_auc_interval(
            &[0.9, 0.2, 0.6, 0.6],
            &[true, false, true, false],
            RISK,
            Confidence::NINETY_FIVE,
        )
        .unwrap();
        assert_eq!(r.auc, 0.875);
        assert!((r.standard_error - 0.03125f64.sqrt()).abs() < 1e-15);
        let half = Confidence::NINETY_FIVE.z() * 0.03125f64.sqrt();
        assert!((r.lower - (0.875 - half)).abs() < 1e-15);
        assert_eq!(r.upper, 1.0);
    }

    #[test]
    fn health_direction_mirrors_risk() {
        let churned = [true, false, true, false, false, true];
        let risk = [0.9, 0.2, 0.6, 0.6, 0.1, 0.3];
        let health: Vec<f64> = risk.iter().map(|r| -r).collect();
        let a = roc_auc_interval(&risk, &churned, RISK, Confidence::NINETY_FIVE).unwrap();
        let b = roc_auc_interval(
            &health,
            &churned,
            ScoreDirection::HigherIsHealthier,
            Confidence::NINETY_FIVE,
        )
        .unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn a_score_compared_with_itself_has_no_test() {
        let churned = [true, false, true, false, false, true];
        let s = [0.9, 0.2, 0.6, 0.6, 0.1, 0.3];
        let c = roc_auc_compare(&s, &s, &churned, RISK).unwrap();
        assert_eq!(c.difference, 0.0);
        assert_eq!((c.z, c.p_value), (None, None));
    }

    #[test]
    fn too_few_of_a_class_is_named() {
        let e = roc_auc_interval(
            &[0.9, 0.2, 0.1],
            &[true, false, false],
            RISK,
            Confidence::NINETY_FIVE,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "churned accounts 1 is outside 2 or more (DeLong's variance needs two of each class)"
        );
        let e = roc_auc_compare(&[0.1, 0.2], &[0.1], &[true, false], RISK).unwrap_err();
        assert!(e.to_string().contains("scores_b"), "{e}");
        let e = roc_auc_compare(&[0.1, 0.2], &[0.1, f64::NAN], &[true, false], RISK).unwrap_err();
        assert_eq!(
            e.to_string(),
            "scores_b NaN at position 1 is invalid: scores must be finite numbers"
        );
    }

    proptest::proptest! {
        #[test]
        fn the_interval_holds_the_estimate_and_widens_with_the_level(
            rows in proptest::collection::vec((0u8..6, proptest::prelude::any::<bool>()), 4..60),
        ) {
            let scores: Vec<f64> = rows.iter().map(|r| f64::from(r.0)).collect();
            let churned: Vec<bool> = rows.iter().map(|r| r.1).collect();
            let p = churned.iter().filter(|&&c| c).count();
            proptest::prop_assume!(p >= 2 && churned.len() - p >= 2);
            let narrow = roc_auc_interval(&scores, &churned, RISK, Confidence::new(0.8).unwrap()).unwrap();
            let wide = roc_auc_interval(&scores, &churned, RISK, Confidence::new(0.99).unwrap()).unwrap();
            proptest::prop_assert!(narrow.lower <= narrow.auc && narrow.auc <= narrow.upper);
            proptest::prop_assert!(wide.lower <= narrow.lower && narrow.upper <= wide.upper);
            proptest::prop_assert!(narrow.standard_error.is_finite());
            // The components' means are the AUC (a check of the components themselves).
            let c = Components::new(&scores, &churned, RISK).unwrap();
            let mean = c.churned.iter().sum::<f64>() / c.churned.len() as f64;
            proptest::prop_assert!((mean - narrow.auc).abs() < 1e-12);
            let mean = c.retained.iter().sum::<f64>() / c.retained.len() as f64;
            proptest::prop_assert!((mean - narrow.auc).abs() < 1e-12);
        }
    }
}
