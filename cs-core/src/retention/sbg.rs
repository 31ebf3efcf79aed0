use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::statistics::hyp2f1_one;
use crate::{Error, Result};

/// The shifted-beta-geometric (sBG) model of contractual retention (Fader and Hardie, "How to
/// Project Customer Retention", *Journal of Interactive Marketing* 21(1), 2007).
///
/// A customer renews at the end of each period with probability `1 - θ`; across customers θ is
/// Beta(α, β). With period `t = 1, 2, ...`:
///
/// ```text
/// P(T = 1) = α / (α + β)                 P(T = t) = P(T = t-1) (β + t - 2) / (α + β + t - 1)
/// S(t)     = Π_{j=1..t} (β + j - 1) / (α + β + j - 1)      (S(0) = 1)
/// r(t)     = S(t) / S(t-1) = (β + t - 1) / (α + β + t - 1)   (retention rises with tenure)
/// ```
///
/// The expected discounted residual lifetime of a customer who has renewed `n - 1` times, seen
/// just before the `n`-th renewal decision (Fader and Hardie, *Marketing Science* 29(1), 2010,
/// eq. 6) is
///
/// ```text
/// DERL(d | n - 1 renewals) = (β + n - 1) / (α + β + n - 1) · ₂F₁(1, β + n; α + β + n; 1 / (1 + d))
/// ```
///
/// in periods of margin; the expected residual value is DERL × margin per period.
///
/// A model is a persisted [`Document`] (`schema_version`, `alpha`, `beta`).
///
/// ```
/// use cs_core::retention::SbgModel;
/// let m = SbgModel::new(0.668, 3.806)?;
/// // S(1) = β / (α + β)
/// assert!((m.survival(1) - 3.806 / 4.474).abs() < 1e-15);
/// assert!((m.retention(2)? - 4.806 / 5.474).abs() < 1e-15);
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SbgModel {
    schema_version: u32,
    alpha: f64,
    beta: f64,
}

/// A maximum-likelihood fit of an [`SbgModel`] with its diagnostics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SbgFit {
    /// The fitted model.
    pub model: SbgModel,
    /// The maximised log-likelihood.
    pub log_likelihood: f64,
    /// Standard error of α from the observed information (inverse of minus the analytic
    /// Hessian of the log-likelihood at the estimate); `None` when that matrix is singular.
    pub alpha_se: Option<f64>,
    /// Standard error of β, likewise.
    pub beta_se: Option<f64>,
    /// Covariance matrix of (α, β), row-major, when the observed information is invertible.
    pub covariance: Option<[[f64; 2]; 2]>,
    /// Newton iterations used.
    pub iterations: u32,
    /// Largest absolute gradient of the log-likelihood with respect to (ln α, ln β) at the
    /// estimate: the convergence criterion.
    pub gradient_norm: f64,
    /// Number of cohorts fitted.
    pub cohorts: usize,
    /// Customers at the start, summed over cohorts.
    pub customers: u64,
}

/// Settings of the maximum-likelihood fit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FitOptions {
    /// Most Newton iterations (default 200).
    pub max_iterations: u32,
    /// Converged when every gradient component with respect to (ln α, ln β) is below this
    /// times the number of customers (default 1e-10).
    pub tolerance: f64,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            max_iterations: 200,
            tolerance: 1e-10,
        }
    }
}

/// Parameters beyond these bounds mean the likelihood has no interior maximum.
const LOG_PARAMETER_LIMIT: f64 = 18.420_680_743_952_367; // ln(1e8)

impl Document for SbgModel {
    const KIND: &'static str = "sbg model";
    const SCHEMA_VERSION: u32 = 1;

    fn schema_version(&self) -> u32 {
        self.schema_version
    }

    fn validate(&self) -> Result<()> {
        check_parameter("alpha", self.alpha)?;
        check_parameter("beta", self.beta)
    }
}

/// The largest α or β a model takes. Above it the Beta distribution of churn probabilities
/// is a point mass to six digits (its standard deviation is below `1 / sqrt(α + β)`), so the
/// model is the geometric one, and the log-gamma closed form of S(t) loses its precision.
pub const MAX_SHAPE: f64 = 1e12;

fn check_parameter(name: &str, value: f64) -> Result<()> {
    if value > 0.0 && value <= MAX_SHAPE {
        Ok(())
    } else {
        Err(Error::out_of_range(name, value, "the range (0, 1e12]"))
    }
}

impl SbgModel {
    /// A model with the given α and β (both finite and above 0).
    pub fn new(alpha: f64, beta: f64) -> Result<Self> {
        let m = SbgModel {
            schema_version: Self::SCHEMA_VERSION,
            alpha,
            beta,
        };
        m.validate()?;
        Ok(m)
    }

    /// α of the Beta distribution of churn probabilities.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// β of the Beta distribution of churn probabilities.
    pub fn beta(&self) -> f64 {
        self.beta
    }

    /// Mean churn probability per period across customers, α / (α + β).
    pub fn mean_churn(&self) -> f64 {
        self.alpha / (self.alpha + self.beta)
    }

    /// The observed survival of one cohort, `alive[t] / alive[0]` for each period `t` (what a
    /// projection [`SbgModel::survival`] is compared with). An empty cohort, or one that
    /// starts with no customer, is an error.
    ///
    /// ```
    /// use cs_core::retention::SbgModel;
    /// assert_eq!(SbgModel::observed_survival(&[1000, 869, 743])?, vec![1.0, 0.869, 0.743]);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn observed_survival(alive: &[u64]) -> Result<Vec<f64>> {
        let first = *alive.first().ok_or_else(|| Error::empty("alive"))?;
        if first == 0 {
            return Err(Error::out_of_range("alive[0] (the cohort size)", 0, "1 or more"));
        }
        Ok(alive.iter().map(|&n| n as f64 / first as f64).collect())
    }

    /// Fits α and β by maximum likelihood to one cohort: `alive[t]` customers still active at
    /// the start of period `t + 1` (`alive[0]` is the cohort size).
    ///
    /// ```
    /// use cs_core::retention::SbgModel;
    /// // Fader and Hardie (2007), "high end" cohort, years 0-7: α = 0.668, β = 3.806.
    /// let fit = SbgModel::fit(&[1000, 869, 743, 653, 593, 551, 517, 491])?;
    /// assert!((fit.model.alpha() - 0.668).abs() < 5e-4);
    /// assert!((fit.model.beta() - 3.806).abs() < 5e-4);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn fit(alive: &[u64]) -> Result<SbgFit> {
        Self::fit_cohorts(&[alive])
    }

    /// Fits one (α, β) to several cohorts jointly (the log-likelihoods add up); each cohort
    /// may cover a different number of periods.
    pub fn fit_cohorts<C: AsRef<[u64]>>(cohorts: &[C]) -> Result<SbgFit> {
        Self::fit_with(cohorts, &FitOptions::default())
    }

    /// [`SbgModel::fit_cohorts`] with explicit settings.
    ///
    /// Errors: no cohort; a cohort with fewer than two counts, a first count of 0 or a count
    /// above the previous one (with its position); no cohort spanning two periods; no churn at
    /// all; a likelihood whose maximum lies at the edge of the parameter space (for example
    /// retention that falls with tenure, which the sBG model cannot produce) or that the Newton
    /// iterations do not reach.
    pub fn fit_with<C: AsRef<[u64]>>(cohorts: &[C], options: &FitOptions) -> Result<SbgFit> {
        let cohorts: Vec<&[u64]> = cohorts.iter().map(AsRef::as_ref).collect();
        validate_cohorts(&cohorts)?;
        if !(options.tolerance.is_finite() && options.tolerance > 0.0) {
            return Err(Error::out_of_range(
                "tolerance",
                options.tolerance,
                "a finite number above 0",
            ));
        }
        let customers = cohorts
            .iter()
            .try_fold(0u64, |n, c| n.checked_add(c[0]))
            .ok_or_else(|| {
                Error::invalid(
                    "alive counts",
                    "the cohort sizes",
                    format!("their sum must be at most {}", u64::MAX),
                )
            })?;
        let (lost_first, at_start): (u64, u64) = cohorts
            .iter()
            .fold((0, 0), |(l, n), c| (l + c[0] - c[1], n + c[0]));
        // Start at α = 1 with the mean churn equal to the first period's churn rate.
        let p1 = (lost_first as f64 / at_start as f64).clamp(0.01, 0.99);
        let mut theta = [0.0f64, ((1.0 - p1) / p1).ln()];
        let tolerance = options.tolerance * (customers as f64).max(1.0);
        let mut current = evaluate(theta, &cohorts);
        for iteration in 0..=options.max_iterations {
            let (ll, grad, hess) = current;
            let gradient_norm = grad[0].abs().max(grad[1].abs());
            if gradient_norm < tolerance {
                return finish(theta, ll, gradient_norm, iteration, &cohorts, customers);
            }
            if iteration == options.max_iterations {
                break;
            }
            let mut step = newton_step(grad, hess);
            let size = step[0].abs().max(step[1].abs());
            if size > 2.0 {
                step = [step[0] * 2.0 / size, step[1] * 2.0 / size];
            }
            let mut accepted = false;
            for _ in 0..60 {
                let candidate = [theta[0] + step[0], theta[1] + step[1]];
                let next = evaluate(candidate, &cohorts);
                if next.0.is_finite() && next.0 >= ll {
                    theta = candidate;
                    current = next;
                    accepted = true;
                    break;
                }
                step = [step[0] / 2.0, step[1] / 2.0];
            }
            if theta[0].abs() > LOG_PARAMETER_LIMIT || theta[1].abs() > LOG_PARAMETER_LIMIT {
                return Err(Error::Estimation {
                    what: "sBG fit".into(),
                    reason: format!(
                        "the likelihood has no interior maximum (alpha = {:.3e}, beta = {:.3e} and \
                         growing); retention that does not rise with tenure fits a model without \
                         heterogeneity, not the sBG model",
                        theta[0].exp(),
                        theta[1].exp()
                    ),
                });
            }
            if !accepted {
                // No ascent along the Newton direction: at the maximum to machine precision.
                let (ll, grad, _) = current;
                let gradient_norm = grad[0].abs().max(grad[1].abs());
                if gradient_norm < tolerance * 1e4 {
                    return finish(theta, ll, gradient_norm, iteration, &cohorts, customers);
                }
                break;
            }
        }
        Err(Error::Estimation {
            what: "sBG fit".into(),
            reason: format!("no convergence after {} iterations", options.max_iterations),
        })
    }

    /// Log-likelihood of cohorts of counts alive under this model:
    /// `Σ_t (n_{t-1} - n_t) ln P(T = t) + n_T ln S(T)` per cohort.
    pub fn log_likelihood<C: AsRef<[u64]>>(&self, cohorts: &[C]) -> Result<f64> {
        let cohorts: Vec<&[u64]> = cohorts.iter().map(AsRef::as_ref).collect();
        for (c, counts) in cohorts.iter().enumerate() {
            validate_cohort(c, counts)?;
        }
        Ok(evaluate([self.alpha.ln(), self.beta.ln()], &cohorts).0)
    }

    /// P(T = t): the probability that a customer's last period is `t` (churn at its end), t >= 1.
    pub fn churn_probability(&self, t: u32) -> Result<f64> {
        if t == 0 {
            return Err(Error::out_of_range("period", t, "1 or more"));
        }
        Ok(self.survival(t - 1) * self.alpha / (self.alpha + self.beta + (f64::from(t) - 1.0)))
    }

    /// S(t): the share of a cohort still active after `t` periods (S(0) = 1).
    ///
    /// Up to [`MAX_PERIODS`] the product of the period retention rates (the same bits as
    /// [`SbgModel::survival_curve`]); beyond, the closed form B(α, β + t) / B(α, β) through
    /// log-gamma, so any `t` takes constant time (its relative error, about 1e-9 at 10^5
    /// periods and 1e-6 at 2^32, is far below any horizon a cohort is read at).
    ///
    /// ```
    /// let m = cs_core::retention::SbgModel::new(0.704, 1.182)?;
    /// let near = m.survival(cs_core::retention::MAX_PERIODS);
    /// let far = m.survival(cs_core::retention::MAX_PERIODS + 1);
    /// assert!(far < near && (near - far) / near < 1e-4);
    /// assert!(m.survival(u32::MAX) > 0.0);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn survival(&self, t: u32) -> f64 {
        if t <= MAX_PERIODS {
            return (1..=t).fold(1.0, |s, j| {
                let j = f64::from(j);
                s * (self.beta + (j - 1.0)) / (self.alpha + self.beta + (j - 1.0))
            });
        }
        let (a, b, t) = (self.alpha, self.beta, f64::from(t));
        let log = libm::lgamma(b + t) - libm::lgamma(b) + libm::lgamma(a + b) - libm::lgamma(a + b + t);
        log.exp()
    }

    /// S(0), S(1), ..., S(periods).
    ///
    /// Errors: `periods` above [`MAX_PERIODS`] (checked before anything is allocated).
    pub fn survival_curve(&self, periods: u32) -> Result<Vec<f64>> {
        check_periods(periods)?;
        let mut out = Vec::with_capacity(periods as usize + 1);
        let mut s = 1.0;
        out.push(s);
        for j in 1..=periods {
            let j = f64::from(j);
            s *= (self.beta + (j - 1.0)) / (self.alpha + self.beta + (j - 1.0));
            out.push(s);
        }
        Ok(out)
    }

    /// r(t) = S(t) / S(t-1): the share of customers active in period t-1 who renew for period t,
    /// for t >= 1.
    pub fn retention(&self, t: u32) -> Result<f64> {
        if t == 0 {
            return Err(Error::out_of_range("period", t, "1 or more"));
        }
        let t = f64::from(t);
        Ok((self.beta + (t - 1.0)) / (self.alpha + self.beta + (t - 1.0)))
    }

    /// Expected number of customers alive at the start of periods 0..=periods from a cohort of
    /// `initial` customers: `initial × S(t)`.
    ///
    /// Errors: `periods` above [`MAX_PERIODS`].
    pub fn expected_alive(&self, initial: u64, periods: u32) -> Result<Vec<f64>> {
        Ok(self
            .survival_curve(periods)?
            .into_iter()
            .map(|s| s * initial as f64)
            .collect())
    }

    /// Discounted expected residual lifetime, in periods, of a customer who has renewed
    /// `renewals` (= n - 1) times, at discount rate `discount` per period (> 0, e.g. 0.1).
    ///
    /// ```
    /// use cs_core::retention::SbgModel;
    /// let m = SbgModel::new(1.0, 1.0)?;
    /// // α = β = 1, n = 1, d = 1: (1/2) ₂F₁(1, 2; 3; 1/2) = (1/2)(8 ln 2 - 4) = 0.7726...
    /// let want = 4.0 * 2f64.ln() - 2.0;
    /// assert!((m.derl(1.0, 0)? - want).abs() < 1e-14);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn derl(&self, discount: f64, renewals: u32) -> Result<f64> {
        if !(discount > 0.0 && discount.is_finite()) {
            return Err(Error::out_of_range(
                "discount rate",
                discount,
                "a finite number above 0",
            ));
        }
        let r = f64::from(renewals);
        let lead = (self.beta + r) / (self.alpha + self.beta + r);
        let z = 1.0 / (1.0 + discount);
        // The series converges for z < 1; a rate so small that 1 / (1 + d) rounds to 1 (or one
        // needing more terms than the series takes) is named as the rate it is.
        let series = hyp2f1_one(self.beta + r + 1.0, self.alpha + self.beta + r + 1.0, z).map_err(|_| {
            Error::out_of_range(
                "discount rate",
                discount,
                "large enough for the residual-lifetime series to converge",
            )
        })?;
        Ok(lead * series)
    }

    /// Expected residual value of such a customer: DERL × `margin` per period (any currency
    /// unit; `margin` must be finite).
    pub fn residual_value(&self, margin: f64, discount: f64, renewals: u32) -> Result<f64> {
        if !margin.is_finite() {
            return Err(Error::invalid(
                "margin",
                margin,
                "a margin must be a finite number",
            ));
        }
        let value = margin * self.derl(discount, renewals)?;
        if value.is_finite() {
            Ok(value)
        } else {
            Err(Error::out_of_range(
                "margin",
                margin,
                "small enough that DERL x margin is a finite number",
            ))
        }
    }
}

/// The most periods a survival curve or an expected-alive series spans: a century of monthly
/// periods many times over, small enough that the curve is never a memory hazard.
pub const MAX_PERIODS: u32 = 100_000;

fn check_periods(periods: u32) -> Result<()> {
    if periods > MAX_PERIODS {
        return Err(Error::out_of_range(
            "periods",
            periods,
            format!("0..={MAX_PERIODS}"),
        ));
    }
    Ok(())
}

fn validate_cohorts(cohorts: &[&[u64]]) -> Result<()> {
    if cohorts.is_empty() {
        return Err(Error::empty("cohorts"));
    }
    for (c, counts) in cohorts.iter().enumerate() {
        validate_cohort(c, counts)?;
    }
    if cohorts.iter().all(|c| c.len() < 3) {
        return Err(Error::invalid(
            "alive counts",
            "one period per cohort",
            "at least one cohort needs three counts (two periods) to separate alpha from beta",
        ));
    }
    if cohorts.iter().all(|c| c[0] == c[c.len() - 1]) {
        return Err(Error::Estimation {
            what: "sBG fit".into(),
            reason: "no customer churned, so the churn distribution is not determined".into(),
        });
    }
    Ok(())
}

fn validate_cohort(index: usize, counts: &[u64]) -> Result<()> {
    let field = format!("alive count (cohort {index})");
    if counts.len() < 2 {
        return Err(Error::invalid(
            field,
            format!("{counts:?}"),
            "a cohort needs its size and at least one later count",
        ));
    }
    if counts[0] == 0 {
        return Err(Error::out_of_range(field, 0, "1 or more for the first count").at(0));
    }
    for (i, w) in counts.windows(2).enumerate() {
        if w[1] > w[0] {
            return Err(
                Error::out_of_range(field, w[1], format!("0..={} (the previous count)", w[0])).at(i + 1),
            );
        }
    }
    Ok(())
}

/// Log-likelihood, gradient and Hessian with respect to θ = (ln α, ln β).
fn evaluate(theta: [f64; 2], cohorts: &[&[u64]]) -> (f64, [f64; 2], [[f64; 2]; 2]) {
    let (a, b) = (theta[0].exp(), theta[1].exp());
    let (mut ll, mut ga, mut gb, mut haa, mut hbb, mut hab) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    let ln_a = a.ln();
    for counts in cohorts {
        // Running sums over j = 1..t of ln, 1/x, 1/x² for x = α + β + j - 1 (A) and, for
        // y = β + j - 1, over j = 1..t-1 (B, lagging one period behind for P(T = t)).
        let (mut ln_sa, mut a1, mut a2) = (0.0f64, 0.0f64, 0.0f64);
        let (mut ln_sb, mut b1, mut b2) = (0.0f64, 0.0f64, 0.0f64);
        for t in 1..counts.len() {
            let tf = t as f64;
            let x = a + b + (tf - 1.0);
            ln_sa += x.ln();
            a1 += 1.0 / x;
            a2 += 1.0 / (x * x);
            let lost = (counts[t - 1] - counts[t]) as f64;
            if lost > 0.0 {
                ll += lost * (ln_a + ln_sb - ln_sa);
                ga += lost * (1.0 / a - a1);
                gb += lost * (b1 - a1);
                haa += lost * (a2 - 1.0 / (a * a));
                hbb += lost * (a2 - b2);
                hab += lost * a2;
            }
            let y = b + (tf - 1.0);
            ln_sb += y.ln();
            b1 += 1.0 / y;
            b2 += 1.0 / (y * y);
        }
        let survivors = counts[counts.len() - 1] as f64;
        if survivors > 0.0 {
            ll += survivors * (ln_sb - ln_sa);
            ga -= survivors * a1;
            gb += survivors * (b1 - a1);
            haa += survivors * a2;
            hbb += survivors * (a2 - b2);
            hab += survivors * a2;
        }
    }
    // Chain rule to log parameters.
    let grad = [ga * a, gb * b];
    let hess = [
        [haa * a * a + ga * a, hab * a * b],
        [hab * a * b, hbb * b * b + gb * b],
    ];
    (ll, grad, hess)
}

/// Newton ascent step, regularised (Levenberg) when the Hessian is not negative definite.
fn newton_step(grad: [f64; 2], hess: [[f64; 2]; 2]) -> [f64; 2] {
    // Solve (-H + λ I) δ = g with λ making -H + λ I positive definite.
    let (p, q, r) = (-hess[0][0], -hess[0][1], -hess[1][1]);
    let mean = f64::midpoint(p, r);
    let spread = (((p - r) / 2.0).powi(2) + q * q).sqrt();
    let smallest = mean - spread;
    let scale = p.abs().max(r.abs()).max(1e-12);
    let lambda = if smallest > 1e-10 * scale {
        0.0
    } else {
        1e-3 * scale - smallest
    };
    let (p, r) = (p + lambda, r + lambda);
    let det = p * r - q * q;
    if det <= 0.0 || !det.is_finite() {
        return [grad[0] / scale, grad[1] / scale];
    }
    [
        (r * grad[0] - q * grad[1]) / det,
        (p * grad[1] - q * grad[0]) / det,
    ]
}

#[allow(clippy::many_single_char_names)] // α, β and the 2 × 2 matrix entries
fn finish(
    theta: [f64; 2],
    ll: f64,
    gradient_norm: f64,
    iterations: u32,
    cohorts: &[&[u64]],
    customers: u64,
) -> Result<SbgFit> {
    let model = SbgModel::new(theta[0].exp(), theta[1].exp())?;
    let (a, b) = (model.alpha, model.beta);
    // Observed information in (α, β): undo the chain rule of `evaluate`.
    let (_, grad, hess) = evaluate(theta, cohorts);
    let haa = (hess[0][0] - grad[0]) / (a * a);
    let hbb = (hess[1][1] - grad[1]) / (b * b);
    let hab = hess[0][1] / (a * b);
    let (p, q, r) = (-haa, -hab, -hbb);
    let det = p * r - q * q;
    let covariance =
        (p > 0.0 && det > 0.0 && det.is_finite()).then(|| [[r / det, -q / det], [-q / det, p / det]]);
    Ok(SbgFit {
        model,
        log_likelihood: ll,
        alpha_se: covariance.map(|c| c[0][0].sqrt()),
        beta_se: covariance.map(|c| c[1][1].sqrt()),
        covariance,
        iterations,
        gradient_norm,
        cohorts: cohorts.len(),
        customers,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)] // exact expected values; unwrap reports a failure
mod tests {
    use super::*;

    const REGULAR: [u64; 8] = [1000, 631, 468, 382, 326, 289, 262, 241];
    const HIGH_END: [u64; 8] = [1000, 869, 743, 653, 593, 551, 517, 491];

    #[test]
    fn paper_estimates_for_regular_and_high_end() {
        // Fader and Hardie (2007), section 4, years 0-7 of each cohort: regular α = 0.704,
        // β = 1.182 (mean churn 0.373, first-year churn 36.9 %); high end α = 0.668, β = 3.806
        // (mean churn 0.149, first-year churn 13.1 %).
        let regular = SbgModel::fit(&REGULAR).unwrap();
        assert!((regular.model.alpha() - 0.704).abs() < 5e-4, "{regular:?}");
        assert!((regular.model.beta() - 1.182).abs() < 5e-4);
        let high = SbgModel::fit(&HIGH_END).unwrap();
        assert!((high.model.alpha() - 0.668).abs() < 5e-4, "{high:?}");
        assert!((high.model.beta() - 3.806).abs() < 5e-4);
        assert!(regular.alpha_se.unwrap() > 0.0 && high.beta_se.unwrap() > 0.0);
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let cohorts: [&[u64]; 2] = [&REGULAR, &HIGH_END[..5]];
        let theta = [-0.3, 1.1];
        let (_, g, h) = evaluate(theta, &cohorts);
        let eps = 1e-6;
        for k in 0..2 {
            let mut up = theta;
            let mut down = theta;
            up[k] += eps;
            down[k] -= eps;
            let (lu, gu, _) = evaluate(up, &cohorts);
            let (ld, gd, _) = evaluate(down, &cohorts);
            let num = (lu - ld) / (2.0 * eps);
            assert!(
                (num - g[k]).abs() < 1e-5 * g[k].abs().max(1.0),
                "grad {k}: {num} vs {}",
                g[k]
            );
            for j in 0..2 {
                let num = (gu[j] - gd[j]) / (2.0 * eps);
                assert!(
                    (num - h[j][k]).abs() < 1e-4 * h[j][k].abs().max(1.0),
                    "hess {j}{k}"
                );
            }
        }
    }

    #[test]
    fn log_likelihood_by_hand() {
        // α = β = 1, counts [10, 6, 5]: P1 = 1/2, P2 = 1/6, S(2) = 1/3.
        // LL = 4 ln(1/2) + 1 ln(1/6) + 5 ln(1/3).
        let m = SbgModel::new(1.0, 1.0).unwrap();
        let want = 4.0 * 0.5f64.ln() + (1.0f64 / 6.0).ln() + 5.0 * (1.0f64 / 3.0).ln();
        assert!((m.log_likelihood(&[[10u64, 6, 5]]).unwrap() - want).abs() < 1e-12);
        assert!((m.churn_probability(2).unwrap() - 1.0 / 6.0).abs() < 1e-15);
    }

    #[test]
    fn joint_fit_of_identical_cohorts_equals_single_fit() {
        let one = SbgModel::fit(&REGULAR).unwrap();
        let two = SbgModel::fit_cohorts(&[REGULAR, REGULAR]).unwrap();
        assert!((one.model.alpha() - two.model.alpha()).abs() < 1e-8);
        assert!((2.0 * one.log_likelihood - two.log_likelihood).abs() < 1e-8);
        // Twice the data: standard errors shrink by √2.
        let ratio = one.alpha_se.unwrap() / two.alpha_se.unwrap();
        assert!((ratio - 2f64.sqrt()).abs() < 1e-6);
    }

    #[test]
    fn derl_equals_the_discounted_sum_of_survival() {
        // DERL = Σ_{t>=n} S(t)/S(n-1) / (1+d)^{t-n}
        let m = SbgModel::new(0.668, 3.806).unwrap();
        for (d, renewals) in [(0.1, 0u32), (0.1, 4), (0.25, 1)] {
            let n = renewals + 1;
            let base = m.survival(n - 1);
            let direct: f64 = (n..n + 3000)
                .map(|t| m.survival(t) / base / 1.0f64.mul_add(d, 1.0).powi((t - n) as i32))
                .sum();
            let derl = m.derl(d, renewals).unwrap();
            assert!((derl - direct).abs() < 1e-10, "d={d} n={n}: {derl} vs {direct}");
        }
        assert!((m.residual_value(120.0, 0.1, 0).unwrap() - 120.0 * m.derl(0.1, 0).unwrap()).abs() < 1e-9);
    }

    #[test]
    fn survival_beyond_the_product_follows_the_closed_form() {
        for (a, b) in [(0.704, 1.182), (3.8, 15.4), (0.05, 0.2)] {
            let m = SbgModel::new(a, b).unwrap();
            let t = f64::from(MAX_PERIODS);
            let closed =
                (libm::lgamma(b + t) - libm::lgamma(b) + libm::lgamma(a + b) - libm::lgamma(a + b + t)).exp();
            let product = m.survival(MAX_PERIODS);
            assert!(
                ((closed - product) / product).abs() < 1e-9,
                "{a} {b}: {closed} vs {product}"
            );
            assert!(m.survival(MAX_PERIODS + 1) < product);
            assert!(m.survival(u32::MAX).is_finite());
        }
    }

    #[test]
    fn retention_rises_with_tenure() {
        let m = SbgModel::new(0.704, 1.182).unwrap();
        let r: Vec<f64> = (1..10).map(|t| m.retention(t).unwrap()).collect();
        assert!(r.windows(2).all(|w| w[1] > w[0]));
        let s = m.survival_curve(5).unwrap();
        assert!(m.survival_curve(MAX_PERIODS + 1).is_err());
        assert!((s[5] / s[4] - m.retention(5).unwrap()).abs() < 1e-15);
        assert!(m.retention(0).is_err());
    }

    #[test]
    fn bad_counts_are_typed_errors() {
        let e = SbgModel::fit(&[100, 80, 90]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "alive count (cohort 0) 90 at position 2 is outside 0..=80 (the previous count)"
        );
        let e = SbgModel::fit(&[0, 0, 0]).unwrap_err();
        assert!(e.to_string().contains("is outside 1 or more"), "{e}");
        assert!(SbgModel::fit(&[100, 50]).is_err());
        let e = SbgModel::fit(&[100, 100, 100]).unwrap_err();
        assert!(e.to_string().contains("no customer churned"), "{e}");
        assert!(SbgModel::fit_cohorts::<Vec<u64>>(&[]).is_err());
        assert!(SbgModel::new(0.0, 1.0).is_err());
        assert!(SbgModel::new(1.0, f64::NAN).is_err());
        assert!(SbgModel::new(1.0, 1.0).unwrap().derl(0.0, 0).is_err());
        for tolerance in [f64::NAN, -1.0, 0.0, f64::INFINITY] {
            let options = FitOptions {
                tolerance,
                ..FitOptions::default()
            };
            let e = SbgModel::fit_with(&[[100, 80, 70]], &options).unwrap_err();
            assert!(
                e.to_string()
                    .starts_with(&format!("tolerance {tolerance} is outside")),
                "{e}"
            );
        }
        let e = SbgModel::fit_cohorts(&[[u64::MAX, 5, 1], [2, 1, 1]]).unwrap_err();
        assert!(e.to_string().contains("their sum must be at most"), "{e}");
    }

    #[test]
    fn falling_retention_has_no_interior_maximum() {
        // Retention 0.9, 0.5, 0.2: the opposite of what the sBG model allows.
        let e = SbgModel::fit(&[1000, 900, 450, 90]).unwrap_err();
        assert!(matches!(e, Error::Estimation { .. }), "{e}");
    }

    #[test]
    fn model_round_trips_as_a_document() {
        let m = SbgModel::new(0.668, 3.806).unwrap();
        let back = SbgModel::from_toml(&m.to_toml().unwrap()).unwrap();
        assert_eq!(back, m);
        assert!(SbgModel::from_json(r#"{"schema_version": 1, "alpha": -1.0, "beta": 1.0}"#).is_err());
    }

    #[test]
    fn extreme_parameters_give_finite_numbers_or_a_named_error() {
        // 1 + 1e-300 - 1 is 0: the periods are added to the shapes as (j - 1), not j then -1,
        // so tiny shapes do not turn S(t) into 0 / 0.
        let m = SbgModel::new(1e-300, 1e-300).unwrap();
        assert_eq!(m.survival_curve(3).unwrap(), vec![1.0, 0.5, 0.5, 0.5]);
        assert!((m.survival(MAX_PERIODS + 1) - 0.5).abs() < 1e-6);
        assert!(SbgModel::new(MAX_SHAPE, 1.0).is_ok());
        let e = SbgModel::new(1e308, 1.0).unwrap_err();
        assert_eq!(e.to_string(), "alpha 1e308 is outside the range (0, 1e12]");
        let m = SbgModel::new(1.0, 2.0).unwrap();
        let e = m.derl(1e-300, 0).unwrap_err();
        assert!(
            e.to_string().starts_with("discount rate 1e-300 is outside"),
            "{e}"
        );
        let e = m.residual_value(1e308, 0.1, 0).unwrap_err();
        assert!(e.to_string().starts_with("margin 1e308 is outside"), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn every_output_is_finite(
            a in 1e-300f64..=MAX_SHAPE,
            b in 1e-300f64..=MAX_SHAPE,
            t in proptest::prelude::any::<u32>(),
            d in 1e-3f64..1e6,
        ) {
            let m = SbgModel::new(a, b).unwrap();
            let s = m.survival(t);
            proptest::prop_assert!((0.0..=1.0).contains(&s), "S({t}) = {s}");
            for (i, s) in m.survival_curve(20).unwrap().into_iter().enumerate() {
                proptest::prop_assert!((0.0..=1.0).contains(&s), "S({i}) = {s}");
            }
            let r = m.retention(t.max(1)).unwrap();
            proptest::prop_assert!((0.0..=1.0).contains(&r));
            let p = m.churn_probability(t.clamp(1, MAX_PERIODS)).unwrap();
            proptest::prop_assert!((0.0..=1.0).contains(&p));
            if let Ok(v) = m.derl(d, 0) {
                proptest::prop_assert!(v.is_finite() && v >= 0.0, "DERL = {v}");
            }
        }
    }
}
