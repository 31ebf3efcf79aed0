use serde::{Deserialize, Serialize};

use super::{ConfidenceType, KaplanMeier};
use crate::statistics::Confidence;
use crate::{Error, Result};

/// R's tolerance for "S equals 1 - p": `sqrt(.Machine$double.eps)`, as `print.survfit` uses.
const TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// A quantile of tenure with its Brookmeyer-Crowley confidence interval (see
/// [`KaplanMeier::quantile_confidence_interval`]). `None` where the curve (or its band) never
/// gets down to `1 - probability`: R prints NA there.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuantileInterval {
    /// The probability `p` of churning by the quantile (0.5: the median).
    pub probability: f64,
    /// The confidence level.
    pub confidence: Confidence,
    /// The band the limits come from.
    pub confidence_type: ConfidenceType,
    /// The quantile (R's rule, see [`KaplanMeier::quantile`]).
    pub estimate: Option<f64>,
    /// Where the lower band first gets down to `1 - p`.
    pub lower: Option<f64>,
    /// Where the upper band first gets down to `1 - p`; often `None` (not reached).
    pub upper: Option<f64>,
}

fn check_probability(p: f64) -> Result<f64> {
    if p > 0.0 && p < 1.0 {
        Ok(p)
    } else {
        Err(Error::out_of_range("quantile probability", p, "0 < p < 1"))
    }
}

/// R's `minmin` (`survmean` in `print.survfit`): the first time whose value is at or below
/// `target` (within [`TOLERANCE`]), skipping rows where `keep` is false; when that value
/// equals `target` and the curve drops below it later, the midpoint of the two times.
fn first_at_or_below(
    times: &[f64],
    values: &[f64],
    target: f64,
    keep: impl Fn(usize) -> bool,
) -> Option<f64> {
    let mut rows = (0..values.len()).filter(|&i| keep(i));
    let k = rows.find(|&i| values[i] < target + TOLERANCE)?;
    if (values[k] - target).abs() < TOLERANCE
        && let Some(j) = rows.find(|&j| values[j] < values[k])
    {
        return Some(f64::midpoint(times[k], times[j]));
    }
    Some(times[k])
}

impl KaplanMeier {
    /// The `p` quantile of tenure, as R's `survival` package gives it: the first time at which
    /// S(t) <= 1 - `p`; when S equals 1 - `p` exactly over a stretch (within R's tolerance
    /// 1.5e-8), the midpoint of that stretch's start and the next drop. `None` when the curve
    /// never gets down to 1 - `p`. `p` must lie strictly between 0 and 1.
    ///
    /// `quantile(0.5)` is R's median (`print.survfit`); [`KaplanMeier::median`] keeps
    /// lifelines' rule (the first time with S <= 0.5, no midpoint). They differ only when S is
    /// exactly 0.5 on a flat stretch.
    ///
    /// ```
    /// use cs_core::retention::kaplan_meier;
    /// use cs_core::statistics::Confidence;
    /// let km = kaplan_meier(&[1.0, 2.0, 3.0, 4.0], &[true, true, true, true], Confidence::NINETY_FIVE)?;
    /// // S = 0.75, 0.5, 0.25, 0: S is exactly 0.5 from 2 to 3, so R's median is 2.5.
    /// assert_eq!(km.quantile(0.5)?, Some(2.5));
    /// assert_eq!(km.median(), Some(2.0)); // lifelines' rule
    /// assert_eq!(km.quantile(0.6)?, Some(3.0));
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn quantile(&self, p: f64) -> Result<Option<f64>> {
        let p = check_probability(p)?;
        Ok(first_at_or_below(
            self.timeline(),
            self.survival(),
            1.0 - p,
            |_| true,
        ))
    }

    /// The `p` quantile with its confidence interval by Brookmeyer and Crowley (*Biometrics*
    /// 38, 1982) as R's `print.survfit` computes it for the median: the times at which the
    /// lower and the upper pointwise band (of `kind`, at `confidence`) first get down to
    /// 1 - `p`, by the rule of [`KaplanMeier::quantile`].
    ///
    /// R leaves its band undefined (NA) where S = 0, and the log-log band also where S = 1;
    /// those points are skipped here too, so an upper band that only gets there because the
    /// curve fell to 0 gives `None`, as R's NA, not the last time.
    ///
    /// ```
    /// use cs_core::retention::{ConfidenceType, kaplan_meier};
    /// use cs_core::statistics::Confidence;
    /// // R's `aml` data, maintained group (weeks; false = censored). R:
    /// // survfit(Surv(time, status) ~ x, data = aml) prints median 31, 0.95LCL 18, 0.95UCL NA.
    /// let weeks = [9.0, 13.0, 13.0, 18.0, 23.0, 28.0, 31.0, 34.0, 45.0, 48.0, 161.0];
    /// let died = [true, true, false, true, true, false, true, true, false, true, false];
    /// let km = kaplan_meier(&weeks, &died, Confidence::NINETY_FIVE)?;
    /// let ci = km.quantile_confidence_interval(0.5, Confidence::NINETY_FIVE, ConfidenceType::Log)?;
    /// assert_eq!((ci.estimate, ci.lower, ci.upper), (Some(31.0), Some(18.0), None));
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn quantile_confidence_interval(
        &self,
        p: f64,
        confidence: Confidence,
        kind: ConfidenceType,
    ) -> Result<QuantileInterval> {
        Ok(self.interval(check_probability(p)?, confidence, kind))
    }

    /// The median with its Brookmeyer-Crowley interval: `quantile_confidence_interval(0.5, ..)`,
    /// R's `median`, `0.95LCL` and `0.95UCL` columns of `print(survfit(...))`.
    pub fn median_confidence_interval(
        &self,
        confidence: Confidence,
        kind: ConfidenceType,
    ) -> QuantileInterval {
        self.interval(0.5, confidence, kind)
    }

    fn interval(&self, p: f64, confidence: Confidence, kind: ConfidenceType) -> QuantileInterval {
        let band = self.confidence_band(confidence, kind);
        let (times, survival) = (self.timeline(), self.survival());
        let keep = |i: usize| kind.defined_at(survival[i]);
        let target = 1.0 - p;
        QuantileInterval {
            probability: p,
            confidence,
            confidence_type: kind,
            estimate: first_at_or_below(times, survival, target, |_| true),
            lower: first_at_or_below(times, &band.lower, target, keep),
            upper: first_at_or_below(times, &band.upper, target, keep),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)] // exact expected values; unwrap reports a failure
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::retention::kaplan_meier;

    const C95: Confidence = Confidence::NINETY_FIVE;

    /// R's `aml` data (survival package): weeks to relapse, status 1 = relapse.
    fn aml_nonmaintained() -> KaplanMeier {
        let weeks = [5.0, 5.0, 8.0, 8.0, 12.0, 16.0, 23.0, 27.0, 30.0, 33.0, 43.0, 45.0];
        let died = [
            true, true, true, true, true, false, true, true, true, true, true, true,
        ];
        kaplan_meier(&weeks, &died, C95).unwrap()
    }

    #[test]
    fn aml_matches_r_print_survfit() {
        // R: survfit(Surv(time, status) ~ x, data = aml)
        //   x=Nonmaintained 12 11 23 8 NA (median, 0.95LCL, 0.95UCL; conf.type "log").
        let km = aml_nonmaintained();
        let ci = km.median_confidence_interval(C95, ConfidenceType::Log);
        assert_eq!((ci.estimate, ci.lower, ci.upper), (Some(23.0), Some(8.0), None));
        // The log upper band is 0 at 45 (S = 0), where R's is NA: not the limit.
        let band = km.confidence_band(C95, ConfidenceType::Log);
        assert_eq!(*band.upper.last().unwrap(), 0.0);
        assert!(band.upper[..band.upper.len() - 1].iter().all(|&u| u > 0.5));
        assert_eq!(
            km.quantile_confidence_interval(0.5, C95, ConfidenceType::Log)
                .unwrap(),
            ci
        );
    }

    #[test]
    fn limits_by_hand_on_a_small_curve() {
        // Five churns at 1..=5: S = 0.8, 0.6, 0.4, 0.2, 0 and g = 1/20, 1/20 + 1/12, ...
        let km = kaplan_meier(&[1.0, 2.0, 3.0, 4.0, 5.0], &[true; 5], C95).unwrap();
        let band = km.confidence_band(C95, ConfidenceType::Plain);
        // Plain at t = 3: S = 0.4, g = 1/20 + 1/12 + 1/6 = 0.3, so 0.4 ± 1.96 * 0.4 * 0.5477 =
        // 0.4 ± 0.429: the lower bound is clipped at 0.
        let w = 1.959_963_984_540_054 * 0.4 * 0.3f64.sqrt();
        assert!((band.upper[3] - (0.4 + w)).abs() < 1e-15);
        assert_eq!(band.lower[3], 0.0);
        // The upper band is 0.829 at 3 and 0.2 + z 0.2 √(0.3 + 1/2) = 0.551 at 4: it only
        // reaches 0.5 where S = 0 (time 5), which does not count.
        let ci = km.median_confidence_interval(C95, ConfidenceType::Plain);
        assert_eq!(ci.estimate, Some(3.0));
        assert_eq!(ci.upper, None);
        // Lower band at t = 1: 0.8 - 1.96 * 0.8 * √(1/20) = 0.449 <= 0.5 already.
        assert_eq!(ci.lower, Some(1.0));
    }

    #[test]
    fn probability_must_be_inside_zero_one() {
        let km = aml_nonmaintained();
        for p in [0.0, 1.0, -0.1, f64::NAN] {
            let e = km.quantile(p).unwrap_err().to_string();
            assert!(e.starts_with("quantile probability"), "{e}");
            assert!(
                km.quantile_confidence_interval(p, C95, ConfidenceType::Log)
                    .is_err()
            );
        }
    }

    #[test]
    fn quantiles_follow_the_curve() {
        let km = aml_nonmaintained();
        // S: 5 -> 10/12, 8 -> 8/12, 12 -> 7/12, 23 -> 7/12 * 5/6 = 0.486.
        assert_eq!(km.quantile(0.1).unwrap(), Some(5.0));
        assert_eq!(km.quantile(0.25).unwrap(), Some(8.0));
        assert_eq!(km.quantile(0.5).unwrap(), Some(23.0));
        assert_eq!(km.quantile(0.999).unwrap(), Some(45.0));
        let never = kaplan_meier(&[1.0, 2.0, 3.0], &[true, false, false], C95).unwrap();
        assert_eq!(never.quantile(0.5).unwrap(), None);
    }

    proptest! {
        #[test]
        fn limits_bracket_the_estimate_and_widen_with_the_level(
            rows in proptest::collection::vec((1u32..40, any::<bool>()), 2..120),
            p in 0.05f64..0.95,
            low in 0.5f64..0.9,
            step in 0.01f64..0.09,
        ) {
            let d: Vec<f64> = rows.iter().map(|r| f64::from(r.0)).collect();
            let o: Vec<bool> = rows.iter().map(|r| r.1).collect();
            prop_assume!(o.iter().any(|&x| x));
            let km = kaplan_meier(&d, &o, C95).unwrap();
            let (narrow, wide) = (Confidence::new(low).unwrap(), Confidence::new(low + step).unwrap());
            for kind in ConfidenceType::ALL {
                let a = km.quantile_confidence_interval(p, narrow, kind).unwrap();
                let b = km.quantile_confidence_interval(p, wide, kind).unwrap();
                let inf = f64::INFINITY;
                // None = not reached = later than any time.
                let (est, lo, hi) = (a.estimate.unwrap_or(inf), a.lower.unwrap_or(inf), a.upper.unwrap_or(inf));
                // R skips the band where S = 0, so an estimate where the curve hits 0 may have
                // no lower limit; anywhere else the limits bracket it.
                if a.estimate.is_none_or(|t| km.survival_at(t).unwrap() > 0.0) {
                    prop_assert!(lo <= est, "{kind}: {lo} {est}");
                }
                prop_assert!(est <= hi, "{kind}: {est} {hi}");
                prop_assert!(b.lower.unwrap_or(inf) <= lo, "{kind}: lower {:?} vs {lo}", b.lower);
                prop_assert!(b.upper.unwrap_or(inf) >= hi, "{kind}: upper {:?} vs {hi}", b.upper);
            }
        }
    }
}
