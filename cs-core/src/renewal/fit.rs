use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::factors::RiskTable;
use super::inference::{inverse_diagonal, null_log_likelihood};
use super::model::{CHUNK, FitReport, MAX_FACTORS, RiskModel};
use crate::document::Document;
use crate::portfolio::Column;
use crate::statistics::cholesky;
use crate::{Error, Result};

/// Parameters of the model (intercept + factors) at most.
const MAX_PARAMS: usize = MAX_FACTORS + 1;

/// Coefficient magnitude beyond which an unpenalised fit is stopped as diverging.
const DIVERGENCE: f64 = 1e8;

/// Settings of [`RiskModel::fit`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FitOptions {
    /// Inverse regularisation strength, as scikit-learn's `LogisticRegression(C=...)`: the
    /// objective is `Σ log-loss + ‖w‖² ÷ (2C)` with the intercept not penalised. `None` fits
    /// without a penalty (maximum likelihood). Default 1.0.
    pub c: Option<f64>,
    /// Re-estimate every factor's center and scale from the data (mean and population standard
    /// deviation of the transformed, non-null inputs) before fitting, so the penalty treats the
    /// factors alike and coefficients compare. Default true. When false the template's center
    /// and scale are kept.
    pub standardise: bool,
    /// Newton iterations at most. Default 100.
    pub max_iterations: u32,
    /// Converged when the largest gradient component divided by the number of rows is below
    /// this. Default 1e-10.
    pub tolerance: f64,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            c: Some(1.0),
            standardise: true,
            max_iterations: 100,
            tolerance: 1e-10,
        }
    }
}

struct Eval {
    objective: f64,
    log_likelihood: f64,
    grad: Vec<f64>,
    /// Upper triangle, row-major p × p (only filled when asked).
    hess: Vec<f64>,
}

struct Problem<'a, 'm> {
    model: &'m RiskModel,
    cols: Vec<Column<'a, f64>>,
    y: Column<'a, bool>,
    n: usize,
    p: usize,
    lambda: f64,
}

/// `ln(1 + e^x)` without overflow.
#[inline]
fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

impl Problem<'_, '_> {
    #[inline]
    fn row(&self, i: usize, x: &mut [f64]) {
        x[0] = 1.0;
        for (j, (f, c)) in self.model.factors.iter().zip(&self.cols).enumerate() {
            x[j + 1] = f.standardised(c.get(i).filter(|v| v.is_finite()));
        }
    }

    #[inline]
    fn outcome(&self, i: usize) -> f64 {
        if self.y.get(i).unwrap_or(false) { 1.0 } else { 0.0 }
    }

    /// Objective, gradient and (optionally) Hessian at `beta`; chunks are reduced in order.
    #[allow(clippy::many_single_char_names)] // matrix notation: p, g, h, x, y
    fn eval(&self, beta: &[f64], hessian: bool) -> Eval {
        let p = self.p;
        let chunks = self.n.div_ceil(CHUNK);
        let partials: Vec<(f64, Vec<f64>, Vec<f64>)> = (0..chunks)
            .into_par_iter()
            .map(|c| {
                let mut ll = 0.0;
                let mut g = vec![0.0; p];
                let mut h = if hessian { vec![0.0; p * p] } else { Vec::new() };
                let mut x = [0.0; MAX_PARAMS];
                let x = &mut x[..p];
                for i in c * CHUNK..((c + 1) * CHUNK).min(self.n) {
                    self.row(i, x);
                    let eta: f64 = x.iter().zip(beta).map(|(a, b)| a * b).sum();
                    let y = self.outcome(i);
                    ll += y * eta - softplus(eta);
                    let mu = super::model::logistic(eta);
                    let r = mu - y;
                    for (gj, xj) in g.iter_mut().zip(x.iter()) {
                        *gj += r * xj;
                    }
                    if hessian {
                        let w = mu * (1.0 - mu);
                        for a in 0..p {
                            let wa = w * x[a];
                            for b in a..p {
                                h[a * p + b] += wa * x[b];
                            }
                        }
                    }
                }
                (ll, g, h)
            })
            .collect();
        let mut ll = 0.0;
        let mut grad = vec![0.0; p];
        let mut hess = vec![0.0; if hessian { p * p } else { 0 }];
        for (l, g, h) in &partials {
            ll += l;
            for (a, b) in grad.iter_mut().zip(g) {
                *a += b;
            }
            for (a, b) in hess.iter_mut().zip(h) {
                *a += b;
            }
        }
        let mut penalty = 0.0;
        for j in 1..p {
            penalty += 0.5 * self.lambda * beta[j] * beta[j];
            grad[j] += self.lambda * beta[j];
            if hessian {
                hess[j * p + j] += self.lambda;
            }
        }
        Eval {
            objective: -ll + penalty,
            log_likelihood: ll,
            grad,
            hess,
        }
    }

    /// Smallest score among churned rows and largest among renewed rows.
    fn score_ranges(&self, beta: &[f64]) -> (f64, f64) {
        let chunks = self.n.div_ceil(CHUNK);
        let parts: Vec<(f64, f64)> = (0..chunks)
            .into_par_iter()
            .map(|c| {
                let mut x = [0.0; MAX_PARAMS];
                let x = &mut x[..self.p];
                let (mut min_pos, mut max_neg) = (f64::INFINITY, f64::NEG_INFINITY);
                for i in c * CHUNK..((c + 1) * CHUNK).min(self.n) {
                    self.row(i, x);
                    let eta: f64 = x.iter().zip(beta).map(|(a, b)| a * b).sum();
                    if self.outcome(i) > 0.5 {
                        min_pos = min_pos.min(eta);
                    } else {
                        max_neg = max_neg.max(eta);
                    }
                }
                (min_pos, max_neg)
            })
            .collect();
        parts
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (c, d)| {
                (a.min(*c), b.max(*d))
            })
    }
}

/// Solves `H d = rhs` for a symmetric matrix given by its upper triangle, by Cholesky with
/// increasing diagonal jitter when `H` is not positive definite. `None` if even that fails.
fn solve_spd(upper: &[f64], rhs: &[f64], p: usize) -> Option<Vec<f64>> {
    let max_diag = (0..p)
        .map(|i| upper[i * p + i].abs())
        .fold(0.0, f64::max)
        .max(1e-300);
    let mut jitter = 0.0;
    for _ in 0..12 {
        if let Some(d) = cholesky_solve(upper, rhs, p, jitter) {
            return Some(d);
        }
        jitter = if jitter == 0.0 {
            max_diag * 1e-12
        } else {
            jitter * 100.0
        };
    }
    None
}

#[allow(clippy::many_single_char_names)] // matrix notation
fn cholesky_solve(upper: &[f64], rhs: &[f64], p: usize, jitter: f64) -> Option<Vec<f64>> {
    let l = cholesky(upper, p, jitter)?;
    let mut z = vec![0.0; p];
    for i in 0..p {
        let s: f64 = (0..i).map(|k| l[i * p + k] * z[k]).sum();
        z[i] = (rhs[i] - s) / l[i * p + i];
    }
    let mut x = vec![0.0; p];
    for i in (0..p).rev() {
        let s: f64 = (i + 1..p).map(|k| l[k * p + i] * x[k]).sum();
        x[i] = (z[i] - s) / l[i * p + i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

impl RiskModel {
    /// Estimates this model's intercept and coefficients from past renewals: `table` holds the
    /// factors as they were some days before each renewal, `churned` the outcome (true =
    /// churned, false = renewed; no nulls). The factors, transforms, tiers and reason count
    /// are kept; centers and scales are re-estimated when `options.standardise`.
    ///
    /// The estimate minimises `Σ_i log-loss_i + ‖w‖² ÷ (2C)` (intercept not penalised), the
    /// objective of scikit-learn's `LogisticRegression(C=C)`, by Newton's method (iteratively
    /// reweighted least squares) with a backtracking line search. The result carries a
    /// [`FitReport`]: convergence, iterations, and whether the classes are perfectly separated.
    /// Coefficients are always finite.
    ///
    /// Errors: empty table, a null outcome, an outcome with one class only, a factor column
    /// missing from the table, invalid options.
    ///
    /// ```
    /// use cs_core::portfolio::Column;
    /// use cs_core::renewal::{FitOptions, RiskModel, RiskTable};
    /// let health = [20.0, 35.0, 50.0, 60.0, 70.0, 80.0, 90.0, 40.0];
    /// let churned = [true, true, false, true, false, false, false, false];
    /// let table = RiskTable::new(8).with(Column::new("health_score", &health))?;
    /// let (template, _) = RiskModel::default().restricted_to(&table);
    /// let fitted = template.fit(&table, Column::new("churned", &churned), &FitOptions::default())?;
    /// let report = fitted.fit.as_ref().unwrap();
    /// assert!(report.converged && !report.separation);
    /// assert!(fitted.factors[0].coefficient < 0.0); // higher health, lower risk
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn fit(
        &self,
        table: &RiskTable<'_>,
        churned: Column<'_, bool>,
        options: &FitOptions,
    ) -> Result<RiskModel> {
        let lambda = match options.c {
            Some(c) if c.is_finite() && c > 0.0 => 1.0 / c,
            Some(c) => return Err(Error::out_of_range("C", c, "finite and > 0")),
            None => 0.0,
        };
        if options.max_iterations == 0 {
            return Err(Error::out_of_range("max iterations", 0, ">= 1"));
        }
        if !(options.tolerance.is_finite() && options.tolerance > 0.0) {
            return Err(Error::out_of_range(
                "tolerance",
                options.tolerance,
                "finite and > 0",
            ));
        }
        let n = table.len();
        if n == 0 {
            return Err(Error::empty("risk table"));
        }
        churned.expect_len(n)?;
        let mut positives = 0u64;
        for i in 0..n {
            match churned.get(i) {
                Some(true) => positives += 1,
                Some(false) => {}
                None => {
                    return Err(Error::Missing {
                        field: format!("outcome {}", churned.name()),
                        position: Some(i),
                    });
                }
            }
        }
        if positives == 0 || positives == n as u64 {
            return Err(Error::Estimation {
                what: "logistic fit".into(),
                reason: format!(
                    "the outcome has one class only ({positives} churned of {n}); both renewals and churns are needed"
                ),
            });
        }
        let mut model = self.clone();
        let cols = model.resolve(table)?;
        let mut constant = Vec::new();
        if options.standardise {
            for (f, c) in model.factors.iter_mut().zip(&cols) {
                let (mut count, mut sum) = (0u64, 0.0);
                for i in 0..n {
                    if let Some(v) = c.get(i).filter(|v| v.is_finite()) {
                        count += 1;
                        sum += f.transform.apply(v);
                    }
                }
                let mean = if count > 0 { sum / count as f64 } else { f.center };
                let mut ss = 0.0;
                for i in 0..n {
                    if let Some(v) = c.get(i).filter(|v| v.is_finite()) {
                        let d = f.transform.apply(v) - mean;
                        ss += d * d;
                    }
                }
                let sd = if count > 0 {
                    (ss / count as f64).sqrt()
                } else {
                    0.0
                };
                f.center = mean;
                if sd > 1e-12 * mean.abs().max(1.0) && sd.is_finite() {
                    f.scale = sd;
                } else {
                    f.scale = 1.0;
                    constant.push(f.name.clone());
                }
            }
        }
        let p = model.factors.len() + 1;
        let base_rate = positives as f64 / n as f64;
        let mut beta = vec![0.0; p];
        beta[0] = (base_rate / (1.0 - base_rate)).ln();
        let problem = Problem {
            model: &model,
            cols,
            y: churned,
            n,
            p,
            lambda,
        };
        let scale_n = n as f64;
        let mut current = problem.eval(&beta, true);
        let mut iterations = 0;
        let mut converged = false;
        let mut stalled = false;
        let mut diverged = false;
        while iterations < options.max_iterations {
            if max_abs(&current.grad) / scale_n < options.tolerance {
                converged = true;
                break;
            }
            iterations += 1;
            let neg_grad: Vec<f64> = current.grad.iter().map(|g| -g).collect();
            let Some(step) = solve_spd(&current.hess, &neg_grad, p) else {
                stalled = true;
                break;
            };
            let slope: f64 = step.iter().zip(&current.grad).map(|(a, b)| a * b).sum();
            // Near the optimum the decrease a Newton step promises (about −slope / 2) falls
            // below the rounding noise of the objective, a sum over every row: the line search
            // can no longer see it and would shrink the step to nothing. Within that noise the
            // full Newton step is taken as is (it converges quadratically there).
            let noise = 1e3 * f64::EPSILON * current.objective.abs().max(1.0);
            let within_noise = -slope <= noise;
            let mut t = 1.0;
            let mut accepted = None;
            for _ in 0..60 {
                let cand: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + t * s).collect();
                if cand.iter().all(|v| v.is_finite()) {
                    let e = problem.eval(&cand, false);
                    let sufficient = e.objective <= current.objective + 1e-4 * t * slope.min(0.0);
                    let flat = within_noise && e.objective <= current.objective + noise;
                    if e.objective.is_finite() && (sufficient || flat) {
                        accepted = Some(cand);
                        break;
                    }
                }
                t *= 0.5;
            }
            let Some(cand) = accepted else {
                stalled = true;
                break;
            };
            beta = cand;
            current = problem.eval(&beta, true);
            if max_abs(&beta[1..]) > DIVERGENCE {
                diverged = true;
                break;
            }
        }
        if !converged && !diverged && !stalled && max_abs(&current.grad) / scale_n < options.tolerance {
            converged = true;
        }
        let (min_pos, max_neg) = problem.score_ranges(&beta);
        let separation = min_pos > max_neg;
        let message = match (converged, separation, lambda > 0.0) {
            (true, false, _) => format!("converged in {iterations} Newton iterations"),
            (true, true, true) => format!(
                "converged in {iterations} iterations; the classes are perfectly separated, the coefficients are finite only because of the L2 penalty"
            ),
            (_, true, false) => format!(
                "the classes are perfectly separated: no finite maximum-likelihood estimate exists; stopped after {iterations} iterations with coefficients that grow without bound; fit with a penalty (C)"
            ),
            (false, _, _) if diverged => format!(
                "coefficients diverged after {iterations} iterations (collinear or separated factors)"
            ),
            (false, _, _) if stalled => format!(
                "stopped after {iterations} iterations: no further decrease of the objective (gradient {:.3e})",
                max_abs(&current.grad)
            ),
            (false, _, _) => format!(
                "did not converge in {iterations} iterations (gradient {:.3e})",
                max_abs(&current.grad)
            ),
        };
        model.intercept = beta[0];
        for (f, b) in model.factors.iter_mut().zip(&beta[1..]) {
            f.coefficient = *b;
        }
        // Standard errors from the Hessian at the estimate; none without a finite
        // maximum-likelihood estimate (separated classes and no penalty).
        let variances = if separation && lambda == 0.0 {
            None
        } else {
            inverse_diagonal(&current.hess, p)
        };
        let (intercept_standard_error, standard_errors) = match variances {
            Some(v) => (Some(v[0].sqrt()), v[1..].iter().map(|x| x.sqrt()).collect()),
            None => (None, Vec::new()),
        };
        model.fit = Some(FitReport {
            rows: n as u64,
            churned: positives,
            c: options.c,
            iterations,
            converged,
            separation,
            log_likelihood: current.log_likelihood,
            objective: current.objective,
            max_gradient: max_abs(&current.grad),
            constant_factors: constant,
            message,
            intercept_standard_error,
            standard_errors,
            null_log_likelihood: Some(null_log_likelihood(positives, n as u64)),
        });
        model.validate()?;
        Ok(model)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp, clippy::many_single_char_names)]
mod tests {
    use super::*;
    use crate::renewal::model::{FactorSpec, Transform};
    use crate::renewal::tier::TierThresholds;

    fn one_factor_model() -> RiskModel {
        RiskModel {
            schema_version: RiskModel::SCHEMA_VERSION,
            name: "t".into(),
            description: String::new(),
            intercept: 0.0,
            factors: vec![FactorSpec {
                name: "x".into(),
                input: "x".into(),
                transform: Transform::Identity,
                center: 0.0,
                scale: 1.0,
                coefficient: 0.0,
                missing: None,
                description: String::new(),
            }],
            tiers: TierThresholds::default(),
            reason_count: 3,
            fit: None,
        }
    }

    fn raw() -> FitOptions {
        FitOptions {
            c: None,
            standardise: false,
            ..FitOptions::default()
        }
    }

    #[test]
    fn unpenalised_fit_matches_the_closed_form_of_a_binary_factor() {
        // x = 0: 1 churn of 4 -> log-odds ln(1/3); x = 1: 3 churns of 4 -> ln(3).
        // The saturated logistic MLE is intercept ln(1/3) = −1.098612, slope ln 3 − ln(1/3) = 2.197225.
        let x = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
        let y = [true, false, false, false, true, true, true, false];
        let t = RiskTable::new(8).with(Column::new("x", &x)).unwrap();
        let m = one_factor_model().fit(&t, Column::new("y", &y), &raw()).unwrap();
        assert!(
            (m.intercept - (1.0f64 / 3.0).ln()).abs() < 1e-9,
            "{}",
            m.intercept
        );
        assert!((m.factors[0].coefficient - 9.0f64.ln()).abs() < 1e-9);
        let r = m.fit.unwrap();
        assert!(r.converged && !r.separation);
        assert!(r.iterations < 10);
    }

    #[test]
    fn penalised_fit_satisfies_the_penalised_score_equations() {
        // At the optimum: Σ(p_i − y_i) = 0 and Σ(p_i − y_i) x_i + w / C = 0.
        let x = [-2.0, -1.0, -0.5, 0.0, 0.3, 1.0, 1.5, 2.0, 2.5, -1.5];
        let y = [false, false, true, false, true, true, false, true, true, false];
        let t = RiskTable::new(10).with(Column::new("x", &x)).unwrap();
        let c = 0.5;
        let m = one_factor_model()
            .fit(&t, Column::new("y", &y), &FitOptions { c: Some(c), ..raw() })
            .unwrap();
        let (b0, b1) = (m.intercept, m.factors[0].coefficient);
        let (mut g0, mut g1) = (0.0, 0.0);
        for (xi, yi) in x.iter().zip(&y) {
            let r = 1.0 / (1.0 + (-(b0 + b1 * xi)).exp()) - f64::from(u8::from(*yi));
            g0 += r;
            g1 += r * xi;
        }
        assert!(g0.abs() < 1e-9 && (g1 + b1 / c).abs() < 1e-9, "{g0} {g1}");
    }

    #[test]
    fn one_outcome_class_is_an_estimation_error() {
        let x = [1.0, 2.0];
        let y = [false, false];
        let t = RiskTable::new(2).with(Column::new("x", &x)).unwrap();
        let e = one_factor_model()
            .fit(&t, Column::new("y", &y), &FitOptions::default())
            .unwrap_err();
        assert!(matches!(e, Error::Estimation { .. }));
        assert!(e.to_string().contains("0 churned of 2"));
    }

    #[test]
    fn separable_data_are_reported_with_finite_coefficients() {
        let x = [-3.0, -2.0, -1.0, 1.0, 2.0, 3.0];
        let y = [false, false, false, true, true, true];
        let t = RiskTable::new(6).with(Column::new("x", &x)).unwrap();
        let m = one_factor_model().fit(&t, Column::new("y", &y), &raw()).unwrap();
        let r = m.fit.as_ref().unwrap();
        assert!(r.separation, "{r:?}");
        assert!(m.factors[0].coefficient.is_finite() && m.intercept.is_finite());
        assert!(r.message.contains("separated"));
        // With a penalty the same data give a modest finite slope and a converged fit.
        let m = one_factor_model()
            .fit(
                &t,
                Column::new("y", &y),
                &FitOptions {
                    c: Some(1.0),
                    ..raw()
                },
            )
            .unwrap();
        let r = m.fit.as_ref().unwrap();
        assert!(r.converged && r.separation);
        assert!(m.factors[0].coefficient > 0.5 && m.factors[0].coefficient < 5.0);
    }

    #[test]
    fn constant_and_collinear_factors_do_not_produce_nan() {
        let x = [1.0; 6];
        let y = [false, true, false, true, false, false];
        let t = RiskTable::new(6).with(Column::new("x", &x)).unwrap();
        for opts in [
            raw(),
            FitOptions::default(),
            FitOptions {
                c: None,
                ..FitOptions::default()
            },
        ] {
            let m = one_factor_model().fit(&t, Column::new("y", &y), &opts).unwrap();
            assert!(m.intercept.is_finite() && m.factors[0].coefficient.is_finite());
            // Base rate 2/6: intercept + slope × 1 must reproduce ln(2/4) on the only x value.
            let eta = m.intercept + m.factors[0].coefficient * m.factors[0].standardised(Some(1.0));
            assert!((eta - 0.5f64.ln()).abs() < 1e-6, "{opts:?} {eta}");
        }
    }

    #[test]
    fn standardisation_uses_mean_and_population_sd() {
        // x = 0, 2, 4, 6: mean 3, population sd √5.
        let x = [0.0, 2.0, 4.0, 6.0];
        let y = [false, true, false, true];
        let t = RiskTable::new(4).with(Column::new("x", &x)).unwrap();
        let m = one_factor_model()
            .fit(&t, Column::new("y", &y), &FitOptions::default())
            .unwrap();
        assert!((m.factors[0].center - 3.0).abs() < 1e-12);
        assert!((m.factors[0].scale - 5.0f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn null_outcome_and_bad_c_are_rejected() {
        let x = [1.0, 2.0];
        let y = [false, true];
        let bits = [0b01u8];
        let t = RiskTable::new(2).with(Column::new("x", &x)).unwrap();
        let col = Column::new("y", &y)
            .with_validity(crate::portfolio::Validity::new(&bits, 0, 2).unwrap())
            .unwrap();
        let e = one_factor_model()
            .fit(&t, col, &FitOptions::default())
            .unwrap_err();
        assert_eq!(e.to_string(), "outcome y is missing at position 1");
        let opts = FitOptions {
            c: Some(0.0),
            ..FitOptions::default()
        };
        assert!(one_factor_model().fit(&t, Column::new("y", &y), &opts).is_err());
    }

    #[test]
    fn fit_is_deterministic_across_chunks() {
        let n = CHUNK * 2 + 101;
        let x: Vec<f64> = (0..n).map(|i| ((i * 7919) % 1000) as f64 / 100.0 - 5.0).collect();
        let y: Vec<bool> = (0..n)
            .map(|i| (i * 104_729) % 1000 < 300 + ((x[i] + 5.0) * 40.0) as usize)
            .collect();
        let t = RiskTable::new(n).with(Column::new("x", &x)).unwrap();
        let a = one_factor_model()
            .fit(&t, Column::new("y", &y), &FitOptions::default())
            .unwrap();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let b = pool.install(|| {
            one_factor_model()
                .fit(&t, Column::new("y", &y), &FitOptions::default())
                .unwrap()
        });
        assert_eq!(a.intercept.to_bits(), b.intercept.to_bits());
        assert_eq!(
            a.factors[0].coefficient.to_bits(),
            b.factors[0].coefficient.to_bits()
        );
        assert!(a.factors[0].coefficient > 0.0);
    }
}
