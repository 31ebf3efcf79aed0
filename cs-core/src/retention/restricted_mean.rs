use serde::{Deserialize, Serialize};

use super::KaplanMeier;
use crate::{Error, Result};

/// The restricted mean tenure up to a horizon and its standard error (see
/// [`KaplanMeier::restricted_mean`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RestrictedMean {
    /// The horizon τ.
    pub horizon: f64,
    /// ∫₀^τ S(t) dt: the expected tenure within the first τ.
    pub value: f64,
    /// Its standard error (Greenwood-type, as R's `se(rmean)`).
    pub standard_error: f64,
}

impl KaplanMeier {
    /// The restricted mean survival time (RMST) up to `horizon` τ: the area under the step curve
    /// from 0 to τ, i.e. how long a customer stays on average within the first τ. The value is
    /// lifelines' `restricted_mean_survival_time(kmf, t=τ)` and R's `rmean` (`print(fit,
    /// rmean = τ)`); beyond the last time the curve is carried flat, as both do.
    ///
    /// The standard error is R's `se(rmean)` (Klein and Moeschberger, *Survival Analysis*, 2003,
    /// eq. 4.5.2; Miller 1981): `√ Σ_{t_i <= τ} A_i² d_i / (n_i (n_i - d_i))` with
    /// `A_i = ∫_{t_i}^τ S(t) dt` (a term with `n_i = d_i` counts 0, as in Greenwood's sum).
    /// lifelines' `return_variance=True` gives something else, the variance of min(T, τ) across
    /// customers, not the uncertainty of the estimate.
    ///
    /// Errors: a horizon that is negative or not a finite number.
    ///
    /// ```
    /// use cs_core::retention::kaplan_meier;
    /// use cs_core::statistics::Confidence;
    /// // S = 1 until 2, 0.5 until 4, then 0: area up to 5 = 2 + 2 * 0.5 = 3.
    /// let km = kaplan_meier(&[2.0, 4.0], &[true, true], Confidence::NINETY_FIVE)?;
    /// let rm = km.restricted_mean(5.0)?;
    /// assert_eq!(rm.value, 3.0);
    /// // Only the churn at 2 has n > d: A = 1 (area from 2 to 5), term 1 / (2 * 1).
    /// assert!((rm.standard_error - 0.5f64.sqrt()).abs() < 1e-15);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn restricted_mean(&self, horizon: f64) -> Result<RestrictedMean> {
        if !horizon.is_finite() {
            return Err(Error::invalid(
                "restricted mean horizon",
                horizon,
                "the horizon must be a finite number",
            ));
        }
        if horizon < 0.0 {
            return Err(Error::out_of_range(
                "restricted mean horizon",
                horizon,
                "0 or more",
            ));
        }
        let times = self.timeline();
        let survival = self.survival();
        let table = self.table();
        // Rows up to τ; row i covers [t_i, min(t_{i+1}, τ)) at height S_i.
        let rows = times.partition_point(|&t| t <= horizon);
        let widths =
            (0..rows).map(|i| times.get(i + 1).map_or(horizon, |&next| next.min(horizon)) - times[i]);
        let rectangles: Vec<f64> = widths.zip(survival).map(|(w, &s)| w * s).collect();
        let value = rectangles.iter().sum::<f64>();
        // A_i = Σ_{j >= i} rectangle_j, summed from τ backwards.
        let (mut area, mut variance) = (0.0f64, 0.0f64);
        for i in (0..rows).rev() {
            area += rectangles[i];
            let (n, d) = (table.at_risk()[i], table.events()[i]);
            if d > 0 && n > d {
                variance += area * area * (d as f64 / (n as f64 * (n - d) as f64));
            }
        }
        Ok(RestrictedMean {
            horizon,
            value,
            standard_error: variance.sqrt(),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)] // exact expected values; unwrap reports a failure
mod tests {
    use crate::retention::kaplan_meier;
    use crate::statistics::Confidence;

    #[test]
    fn area_and_error_by_hand_with_censoring() {
        // Churns at 1 and 3, censored at 2, churn at 4; n = 4, 3 (censor), 2, 1.
        // S = 1 on [0,1), 0.75 on [1,3), 0.375 on [3,4), 0 after.
        let km = kaplan_meier(
            &[1.0, 2.0, 3.0, 4.0],
            &[true, false, true, true],
            Confidence::NINETY_FIVE,
        )
        .unwrap();
        let rm = km.restricted_mean(3.5).unwrap();
        // 1 + 0.75 * 2 + 0.375 * 0.5 = 2.6875.
        assert_eq!(rm.value, 2.6875);
        // t = 1: A = 0.75 * 2 + 0.375 * 0.5 = 1.6875, term 1 / (4 * 3);
        // t = 3: A = 0.1875, term 1 / (2 * 1). The churn at 4 is beyond τ.
        let var = 1.6875f64.powi(2) / 12.0 + 0.1875f64.powi(2) / 2.0;
        assert!((rm.standard_error - var.sqrt()).abs() < 1e-15);
        // Horizon 0: nothing; past the end the curve is flat (0 here).
        assert_eq!(km.restricted_mean(0.0).unwrap().value, 0.0);
        assert_eq!(
            km.restricted_mean(10.0).unwrap().value,
            km.restricted_mean(4.0).unwrap().value
        );
    }

    #[test]
    fn horizon_exactly_on_a_churn_time() {
        let km = kaplan_meier(&[2.0, 4.0], &[true, true], Confidence::NINETY_FIVE).unwrap();
        let rm = km.restricted_mean(2.0).unwrap();
        // Area 2; the churn at 2 has A = 0, so no variance.
        assert_eq!((rm.value, rm.standard_error), (2.0, 0.0));
    }

    #[test]
    fn bad_horizons_are_errors() {
        let km = kaplan_meier(&[2.0, 4.0], &[true, true], Confidence::NINETY_FIVE).unwrap();
        let e = km.restricted_mean(-1.0).unwrap_err().to_string();
        assert_eq!(e, "restricted mean horizon -1 is outside 0 or more");
        for bad in [f64::NAN, f64::INFINITY] {
            let e = km.restricted_mean(bad).unwrap_err().to_string();
            assert!(e.starts_with("restricted mean horizon"), "{e}");
        }
    }
}
