//! Inference on a fitted risk model: coefficient standard errors, Wald z and p-values, and
//! the likelihood-ratio test against the intercept-only model.
//!
//! The standard errors are the square roots of the diagonal of the inverse Hessian of the
//! fitted objective at the estimate, the Hessian the Newton fit already has. Without a penalty
//! (`C = None`) that is the observed information of the maximum-likelihood estimate, the
//! standard errors of statsmodels' `Logit`. With the L2 penalty the Hessian carries `1 / C` on
//! the coefficients' diagonal and the numbers are an approximation (the penalised estimate is
//! biased towards 0, and its sampling variance is not the inverse Hessian); the report says so
//! through [`RiskModel::inference_is_approximate`].
//!
//! Coefficients and their standard errors are per unit of the standardised factor (per
//! standard deviation when the fit standardised the factors).

use serde::{Deserialize, Serialize};

use super::model::{FitReport, RiskModel};
use crate::statistics::{chi_square_sf, cholesky, two_sided_p_value};
use crate::{Error, Result};

/// The likelihood-ratio test of a fitted model against the intercept-only model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LikelihoodRatio {
    /// `2 (ln L - ln L0)`.
    pub statistic: f64,
    /// Degrees of freedom: the number of factors.
    pub degrees_of_freedom: u32,
    /// `P(χ²(df) >= statistic)`.
    pub p_value: f64,
}

impl RiskModel {
    /// Standard errors of the coefficients, in factor order; `None` for a configured model or
    /// when the fit's Hessian was not invertible.
    ///
    /// ```
    /// use cs_core::portfolio::Column;
    /// use cs_core::renewal::{FitOptions, RiskModel, RiskTable};
    /// let health = [20.0, 35.0, 50.0, 60.0, 70.0, 80.0, 90.0, 40.0];
    /// let churned = [true, true, false, true, false, false, false, false];
    /// let table = RiskTable::new(8).with(Column::new("health_score", &health))?;
    /// let (template, _) = RiskModel::default().restricted_to(&table);
    /// let options = FitOptions { c: None, ..FitOptions::default() };
    /// let fitted = template.fit(&table, Column::new("churned", &churned), &options)?;
    /// let se = fitted.standard_errors().unwrap();
    /// let z = fitted.z_values().unwrap();
    /// assert!(se[0] > 0.0 && (z[0] - fitted.factors[0].coefficient / se[0]).abs() < 1e-15);
    /// assert!(!fitted.inference_is_approximate());
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn standard_errors(&self) -> Option<&[f64]> {
        let fit = self.fit.as_ref()?;
        (!fit.standard_errors.is_empty()).then_some(fit.standard_errors.as_slice())
    }

    /// Wald z of each coefficient (coefficient / standard error), in factor order.
    pub fn z_values(&self) -> Option<Vec<f64>> {
        let se = self.standard_errors()?;
        Some(
            self.factors
                .iter()
                .zip(se)
                .map(|(f, s)| f.coefficient / s)
                .collect(),
        )
    }

    /// Two-sided p-value of each coefficient's z, in factor order.
    pub fn p_values(&self) -> Option<Vec<f64>> {
        Some(self.z_values()?.into_iter().map(two_sided_p_value).collect())
    }

    /// The likelihood-ratio test against the intercept-only model on the fitted rows; `None`
    /// for a configured model. With a penalty the log-likelihood is that of the penalised
    /// estimate, so the test is approximate (and conservative).
    pub fn likelihood_ratio(&self) -> Option<LikelihoodRatio> {
        let fit = self.fit.as_ref()?;
        let null = fit.null_log_likelihood?;
        let statistic = (2.0 * (fit.log_likelihood - null)).max(0.0);
        let degrees_of_freedom = u32::try_from(self.factors.len()).ok()?;
        let p_value = if degrees_of_freedom == 0 {
            1.0
        } else {
            chi_square_sf(statistic, degrees_of_freedom)
        };
        Some(LikelihoodRatio {
            statistic,
            degrees_of_freedom,
            p_value,
        })
    }

    /// Whether the standard errors, z, p-values and the likelihood-ratio test are approximate:
    /// true when the fit was penalised (`C` set).
    pub fn inference_is_approximate(&self) -> bool {
        self.fit.as_ref().is_some_and(|f| f.c.is_some())
    }
}

impl FitReport {
    /// The report of a model restricted to some of its factors (`keep`, in factor order): the
    /// standard errors of the kept coefficients stay (they are the full fit's), and the
    /// likelihood-ratio test is gone (it belongs to the model with every factor).
    pub(crate) fn restrict(&mut self, keep: &[bool]) {
        if self.standard_errors.len() == keep.len() {
            let mut kept = keep.iter();
            self.standard_errors
                .retain(|_| kept.next().copied().unwrap_or(false));
        } else {
            self.standard_errors.clear();
        }
        self.null_log_likelihood = None;
    }

    /// A report read from a document: standard errors finite and at least 0, one per factor.
    pub(crate) fn validate(&self, factors: usize) -> Result<()> {
        if !self.standard_errors.is_empty() && self.standard_errors.len() != factors {
            return Err(Error::LengthMismatch {
                field: "fit standard_errors".into(),
                expected: factors,
                actual: self.standard_errors.len(),
            });
        }
        let values = self.standard_errors.iter().chain(&self.intercept_standard_error);
        if let Some(v) = values.copied().find(|v| !(v.is_finite() && *v >= 0.0)) {
            return Err(Error::out_of_range(
                "fit standard error",
                v,
                "a finite number, 0 or more",
            ));
        }
        for (field, v) in [
            ("fit log_likelihood", Some(self.log_likelihood)),
            ("fit null_log_likelihood", self.null_log_likelihood),
        ] {
            if let Some(v) = v.filter(|v| !(v.is_finite() && *v <= 0.0)) {
                return Err(Error::out_of_range(field, v, "a finite number, 0 or less"));
            }
        }
        Ok(())
    }
}

/// The diagonal of the inverse of a symmetric positive definite matrix given by its upper
/// triangle (row-major p × p), by one Cholesky factorisation; `None` when it is not positive
/// definite or an entry is not finite.
#[allow(clippy::many_single_char_names)] // matrix notation
pub(super) fn inverse_diagonal(upper: &[f64], p: usize) -> Option<Vec<f64>> {
    let l = cholesky(upper, p, 0.0)?;
    // (H⁻¹)_ii = ‖L⁻¹ e_i‖²: solve L z = e_i by forward substitution for each i.
    let mut out = Vec::with_capacity(p);
    let mut z = vec![0.0; p];
    for i in 0..p {
        z.fill(0.0);
        for r in i..p {
            let e = if r == i { 1.0 } else { 0.0 };
            let s: f64 = (i..r).map(|k| l[r * p + k] * z[k]).sum();
            z[r] = (e - s) / l[r * p + r];
        }
        out.push(z[i..].iter().map(|v| v * v).sum());
    }
    out.iter().all(|v: &f64| v.is_finite()).then_some(out)
}

/// `k ln(k / n) + (n - k) ln(1 - k / n)`: the log-likelihood of the intercept-only model.
pub(super) fn null_log_likelihood(churned: u64, rows: u64) -> f64 {
    let (k, n) = (churned as f64, rows as f64);
    let p = k / n;
    k * p.ln() + (n - k) * (1.0 - p).ln()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)] // exact expected values; unwrap reports a failure
mod tests {
    use super::*;
    use crate::document::Document;

    #[test]
    fn inverse_diagonal_of_a_hand_matrix() {
        // [[4, 2], [2, 3]]: inverse = [[3, -2], [-2, 4]] / 8.
        let d = inverse_diagonal(&[4.0, 2.0, 0.0, 3.0], 2).unwrap();
        assert!((d[0] - 3.0 / 8.0).abs() < 1e-15 && (d[1] - 0.5).abs() < 1e-15);
        assert!(inverse_diagonal(&[1.0, 2.0, 0.0, 1.0], 2).is_none());
    }

    #[test]
    fn a_restricted_model_keeps_its_kept_standard_errors() {
        use crate::portfolio::Column;
        use crate::renewal::{FitOptions, RiskTable};
        let health = [20.0, 35.0, 50.0, 60.0, 70.0, 80.0, 90.0, 40.0];
        let utilisation = [0.2, 0.9, 0.5, 0.1, 0.8, 0.7, 0.95, 0.3];
        let churned = [true, true, false, true, false, false, false, false];
        let table = RiskTable::new(8)
            .with(Column::new("health_score", &health))
            .unwrap()
            .with(Column::new("utilisation", &utilisation))
            .unwrap();
        let (template, _) = RiskModel::default().restricted_to(&table);
        let options = FitOptions {
            c: Some(1.0),
            ..FitOptions::default()
        };
        let fitted = template
            .fit(&table, Column::new("churned", &churned), &options)
            .unwrap();
        let se = fitted.standard_errors().unwrap().to_vec();
        assert_eq!(se.len(), fitted.factors.len());
        let only_health = RiskTable::new(8)
            .with(Column::new("health_score", &health))
            .unwrap();
        let (restricted, dropped) = fitted.restricted_to(&only_health);
        assert!(!dropped.is_empty());
        let kept: Vec<f64> = fitted
            .factors
            .iter()
            .zip(&se)
            .filter(|(f, _)| f.input == "health_score")
            .map(|(_, s)| *s)
            .collect();
        assert_eq!(restricted.standard_errors().unwrap(), kept.as_slice());
        assert!(restricted.likelihood_ratio().is_none());
        // The restricted model is a valid document.
        assert_eq!(
            RiskModel::from_json(&restricted.to_json().unwrap()).unwrap(),
            restricted
        );
    }

    #[test]
    fn null_log_likelihood_by_hand() {
        // 1 churned of 4: ln(1/4) + 3 ln(3/4).
        let want = 0.25f64.ln() + 3.0 * 0.75f64.ln();
        assert!((null_log_likelihood(1, 4) - want).abs() < 1e-15);
    }
}
