//! Intervals for a proportion.

use super::Confidence;

/// Wilson's score interval for `successes` of `trials` (Wilson, "Probable inference, the law
/// of succession, and statistical inference", *JASA* 22(158), 1927): the proportions whose
/// score test does not reject at `confidence`. Unlike the Wald interval it stays inside
/// [0, 1] and does not collapse at 0 or 1 successes. The same as statsmodels'
/// `proportion_confint(method="wilson")`. `None` for 0 trials.
///
/// ```
/// use cs_core::statistics::{Confidence, wilson_interval};
/// // 0 of 10 at 95 %: [0, z² / (n + z²)] = [0, 0.2775...].
/// let (low, high) = wilson_interval(0, 10, Confidence::NINETY_FIVE).unwrap();
/// let z2 = Confidence::NINETY_FIVE.z().powi(2);
/// assert_eq!(low, 0.0);
/// assert!((high - z2 / (10.0 + z2)).abs() < 1e-15);
/// ```
pub fn wilson_interval(successes: u64, trials: u64, confidence: Confidence) -> Option<(f64, f64)> {
    if trials == 0 || successes > trials {
        return None;
    }
    let (k, n) = (successes as f64, trials as f64);
    let p = k / n;
    let z = confidence.z();
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denominator;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    // At 0 successes the lower limit is exactly 0 and at n exactly 1 (center and half cancel
    // there, up to rounding).
    let lower = if successes == 0 {
        0.0
    } else {
        (center - half).max(0.0)
    };
    let upper = if successes == trials {
        1.0
    } else {
        (center + half).min(1.0)
    };
    Some((lower, upper))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn published_value() {
        // Newcombe (1998), Statistics in Medicine 17, table I: 81 of 263 -> 0.2553 to 0.3662.
        let (low, high) = wilson_interval(81, 263, Confidence::NINETY_FIVE).unwrap();
        assert!(
            (low - 0.2553).abs() < 5e-5 && (high - 0.3662).abs() < 5e-5,
            "{low} {high}"
        );
        assert!(wilson_interval(1, 0, Confidence::NINETY_FIVE).is_none());
    }
}
