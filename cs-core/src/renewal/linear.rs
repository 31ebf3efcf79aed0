//! A risk model whose factors all read their input as is, written as one linear predictor of
//! the raw inputs: the form scikit-learn's `coef_` and `intercept_` take.

use serde::{Deserialize, Serialize};

use super::model::{RiskModel, Transform};

/// `log-odds = intercept + Σ_j slope_j × x_j` over the raw inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearPredictor {
    /// The log-odds at every input 0.
    pub intercept: f64,
    /// Log-odds per unit of each factor's input, in factor order.
    pub slopes: Vec<f64>,
}

impl RiskModel {
    /// The model as a linear predictor of its raw inputs, when every factor's transform is the
    /// identity: a factor's term `coefficient × (x - center) / scale` is the slope
    /// `coefficient / scale` and the offset `-coefficient × center / scale`. `None` when a
    /// factor transforms its input (a clamp, an indicator, log1p), which is not linear.
    ///
    /// ```
    /// use cs_core::renewal::{FactorSpec, RiskModel, Transform};
    /// let mut m = RiskModel::default();
    /// assert!(m.linear_in_inputs().is_none()); // the built-in factors clamp and compare
    /// m.factors = vec![FactorSpec {
    ///     name: "x".into(), input: "x".into(), transform: Transform::Identity,
    ///     center: 10.0, scale: 2.0, coefficient: 0.5, missing: None, description: String::new(),
    /// }];
    /// m.intercept = -1.0;
    /// let l = m.linear_in_inputs().unwrap();
    /// assert_eq!((l.intercept, l.slopes), (-1.0 - 0.5 * 10.0 / 2.0, vec![0.25]));
    /// ```
    pub fn linear_in_inputs(&self) -> Option<LinearPredictor> {
        let mut intercept = self.intercept;
        let mut slopes = Vec::with_capacity(self.factors.len());
        for f in &self.factors {
            if f.transform != Transform::Identity {
                return None;
            }
            slopes.push(f.coefficient / f.scale);
            intercept -= f.coefficient * f.center / f.scale;
        }
        Some(LinearPredictor { intercept, slopes })
    }
}
