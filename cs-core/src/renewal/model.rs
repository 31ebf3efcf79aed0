use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::factors::{AccountFactors, RiskTable, inputs};
use super::tier::{RiskTier, TierThresholds};
use crate::document::Document;
use crate::portfolio::{Column, ColumnBuf};
use crate::{Error, Result};

/// The most factors a model may have (the scoring kernel keeps one row on the stack).
pub const MAX_FACTORS: usize = 64;

/// The most reason codes reported per account.
pub const MAX_REASONS: usize = 8;

/// The largest `|coefficient|` a factor may have, in log-odds per scale unit. Far beyond any
/// fitted or hand-written model (a coefficient of 40 already takes a risk from 0.5 to 1 − 4e-18
/// in one unit); larger values are rejected at validation.
pub const MAX_COEFFICIENT: f64 = 1e6;

/// The largest `|contribution|` of one factor to an account's log-odds. A contribution beyond
/// it (an input so extreme that `coefficient × standardised` overflows) counts as this much:
/// the risk is the same (the logistic function saturates long before) and the log-odds stay
/// finite, so no row scores `inf` or NaN.
pub const MAX_CONTRIBUTION: f64 = 1e9;

/// Rows per parallel chunk in batch scoring and fitting. Fixed, so results do not depend on the
/// number of threads.
pub(crate) const CHUNK: usize = 16_384;
/// Rows per block of the factor-major scoring loop (15 factors × 256 rows × 8 bytes = 30 KiB:
/// the block stays in L1 / L2 between the factor passes and the row sums).
const BLOCK: usize = 256;

/// How a factor's raw input is turned into the number the model weighs, before
/// standardisation.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
// Derived under `remote = "Self"`: the trait impls below reject unknown keys next to a
// field-less kind (see `crate::unit_kinds`).
#[serde(remote = "Self")]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Transform {
    /// The value as is.
    #[default]
    Identity,
    /// The value limited to `min..=max` (outliers stop counting beyond the bounds).
    Clamp {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// `ln(1 + max(x, 0))`: diminishing weight for counts.
    Log1p,
    /// 1 when the value equals `value`, else 0 (a category or a flag).
    Equals {
        /// The value that sets the indicator.
        value: f64,
    },
    /// 1 when the value is below `threshold`, else 0.
    Below {
        /// The threshold.
        threshold: f64,
    },
    /// 1 when the value is at least `threshold`, else 0.
    AtLeast {
        /// The threshold.
        threshold: f64,
    },
}

crate::unit_kinds::unit_kinds_impl!(Transform, "kind", ["identity", "log1p"]);

impl Transform {
    /// Applies the transform to a finite input.
    #[inline]
    #[allow(clippy::float_cmp)] // `Equals` matches category codes and flags exactly, by design.
    pub fn apply(self, x: f64) -> f64 {
        let indicator = |b: bool| if b { 1.0 } else { 0.0 };
        match self {
            Transform::Identity => x,
            Transform::Clamp { min, max } => x.clamp(min, max),
            Transform::Log1p => x.max(0.0).ln_1p(),
            Transform::Equals { value } => indicator(x == value),
            Transform::Below { threshold } => indicator(x < threshold),
            Transform::AtLeast { threshold } => indicator(x >= threshold),
        }
    }

    fn validate(self, factor: &str) -> Result<()> {
        let finite = match self {
            Transform::Identity | Transform::Log1p => true,
            Transform::Clamp { min, max } => min.is_finite() && max.is_finite() && min <= max,
            Transform::Equals { value: t }
            | Transform::Below { threshold: t }
            | Transform::AtLeast { threshold: t } => t.is_finite(),
        };
        if finite {
            Ok(())
        } else {
            Err(Error::invalid(
                format!("transform of factor {factor}"),
                format!("{self:?}"),
                "parameters must be finite (and min <= max)",
            ))
        }
    }
}

/// One named factor of a [`RiskModel`]: `contribution = coefficient × (transform(input) −
/// center) ÷ scale`, in log-odds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactorSpec {
    /// The factor's name, used as its reason code (e.g. `"nps_detractor"`).
    pub name: String,
    /// The input column it reads (see [`inputs`]).
    pub input: String,
    /// The transform applied to the input.
    #[serde(default)]
    pub transform: Transform,
    /// Subtracted after the transform (the "typical" value, which contributes nothing).
    #[serde(default)]
    pub center: f64,
    /// Divides after centering (the unit one coefficient step refers to); `> 0`.
    #[serde(default = "one")]
    pub scale: f64,
    /// Weight in log-odds per scale unit; positive raises risk.
    pub coefficient: f64,
    /// The transformed value used when the input is null; when absent, a null input takes the
    /// center and contributes nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<f64>,
    /// What the factor means, for people reading reason codes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

fn one() -> f64 {
    1.0
}

fn three() -> usize {
    3
}

impl FactorSpec {
    /// The transformed value of an input: `transform(x)`, or for a null input (`None`) the
    /// `missing` value (the center when absent).
    #[inline]
    fn transformed(&self, input: Option<f64>) -> f64 {
        match input {
            Some(x) => self.transform.apply(x),
            None => self.missing.unwrap_or(self.center),
        }
    }

    /// `(t − center) ÷ scale` of a transformed value.
    #[inline]
    fn standardise(&self, t: f64) -> f64 {
        (t - self.center) / self.scale
    }

    /// The standardised value `(transform(x) − center) ÷ scale` of an input (`None` = null).
    #[inline]
    pub fn standardised(&self, input: Option<f64>) -> f64 {
        self.standardise(self.transformed(input))
    }

    /// The contribution `coefficient × standardised` of one input to the log-odds (`None` or
    /// not finite: missing): the one definition every scoring path sums.
    ///
    /// Always finite: a standardised value that overflows counts as `±f64::MAX` (never
    /// `0 × ∞ = NaN`), and a contribution is limited to `±`[`MAX_CONTRIBUTION`]. Both are the
    /// identity on every value that does not overflow.
    #[inline]
    pub fn contribution(&self, input: Option<f64>) -> f64 {
        self.weigh(self.transformed(input.filter(|v| v.is_finite())))
    }

    /// The contribution of a transformed value (see [`FactorSpec::contribution`]).
    #[inline]
    fn weigh(&self, t: f64) -> f64 {
        let x = self.standardise(t).clamp(-f64::MAX, f64::MAX);
        (self.coefficient * x).clamp(-MAX_CONTRIBUTION, MAX_CONTRIBUTION)
    }

    /// [`FactorSpec::contribution`] of rows `start..start + out.len()` of `column`, one pass
    /// over the column: the transform chosen once (each arm calls [`Transform::apply`] on a
    /// variant the compiler sees), the missing value chosen by a select before the division,
    /// so the loop has no branch per row and the division runs on vector lanes.
    fn contributions(&self, column: &Column<'_, f64>, start: usize, out: &mut [f64]) {
        match self.transform {
            Transform::Identity => {
                self.contributions_by(column, start, out, |x| Transform::Identity.apply(x));
            }
            Transform::Clamp { min, max } => {
                self.contributions_by(column, start, out, |x| Transform::Clamp { min, max }.apply(x));
            }
            Transform::Log1p => self.contributions_by(column, start, out, |x| Transform::Log1p.apply(x)),
            Transform::Equals { value } => {
                self.contributions_by(column, start, out, |x| Transform::Equals { value }.apply(x));
            }
            Transform::Below { threshold } => {
                self.contributions_by(column, start, out, |x| Transform::Below { threshold }.apply(x));
            }
            Transform::AtLeast { threshold } => {
                self.contributions_by(column, start, out, |x| Transform::AtLeast { threshold }.apply(x));
            }
        }
    }

    /// The loop of [`FactorSpec::contributions`] for one transform.
    #[inline]
    fn contributions_by(
        &self,
        column: &Column<'_, f64>,
        start: usize,
        out: &mut [f64],
        apply: impl Fn(f64) -> f64,
    ) {
        let missing = self.transformed(None);
        let Some(values) = column.values().get(start..start + out.len()) else {
            // A column shorter than the table (never from RiskTable::with): its rows are missing.
            out.fill(self.weigh(missing));
            return;
        };
        match column.validity() {
            None => {
                for (o, &v) in out.iter_mut().zip(values) {
                    let t = apply(v);
                    *o = self.weigh(if v.is_finite() { t } else { missing });
                }
            }
            Some(valid) => {
                // The validity bits of 64 rows at a time as bools, so the value loop is the
                // same straight line as without nulls.
                let mut present = [false; 64];
                for (w, (out, values)) in out.chunks_mut(64).zip(values.chunks(64)).enumerate() {
                    let bits = valid.word(start + w * 64);
                    for (b, p) in present.iter_mut().enumerate() {
                        *p = (bits >> b) & 1 == 1;
                    }
                    for ((o, &v), &p) in out.iter_mut().zip(values).zip(&present) {
                        let t = apply(v);
                        *o = self.weigh(if p & v.is_finite() { t } else { missing });
                    }
                }
            }
        }
    }

    fn validate(&self) -> Result<()> {
        if self.name.trim().is_empty() || self.input.trim().is_empty() {
            return Err(Error::invalid(
                "factor",
                format!("{:?}", self.name),
                "name and input must not be blank",
            ));
        }
        self.transform.validate(&self.name)?;
        let field = |what: &str| format!("{what} of factor {}", self.name);
        if !(self.scale.is_finite() && self.scale > 0.0) {
            return Err(Error::out_of_range(field("scale"), self.scale, "finite and > 0"));
        }
        for (what, v) in [("center", self.center), ("coefficient", self.coefficient)] {
            if !v.is_finite() {
                return Err(Error::invalid(field(what), v, "must be finite"));
            }
        }
        if self.coefficient.abs() > MAX_COEFFICIENT {
            return Err(Error::out_of_range(
                field("coefficient"),
                format!("{:?}", self.coefficient),
                format!("-{MAX_COEFFICIENT:e}..={MAX_COEFFICIENT:e}"),
            ));
        }
        if let Some(m) = self.missing
            && !m.is_finite()
        {
            return Err(Error::invalid(field("missing"), m, "must be finite"));
        }
        Ok(())
    }
}

/// A factor that raised an account's risk, with its contribution in log-odds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// The factor name (reason code).
    pub factor: String,
    /// Its contribution to the log-odds of churn (> 0).
    pub contribution: f64,
}

/// One account's risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskScore {
    /// Probability of churn at renewal, 0..=1.
    pub risk: f64,
    /// The log-odds `intercept + Σ contributions`.
    pub log_odds: f64,
    /// The tier of `risk`.
    pub tier: RiskTier,
    /// The factors that raised the risk most, largest first (at most `reason_count`).
    pub reasons: Vec<Reason>,
}

/// The reasons of one rank for every row: `ranks[r]` of [`RiskScores`] holds each row's
/// (r + 1)-th largest raising factor. Kept rank by rank, so each is a column of its own (an
/// Arrow front end wraps the buffers without a copy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasonRank {
    /// Index into [`RiskScores::factor_names`] per row; null when fewer factors raised the
    /// risk. A null here is a null at every later rank.
    pub factor: ColumnBuf<u16>,
    /// The contribution (log-odds, > 0) of that factor per row; 0 where `factor` is null.
    pub contribution: Vec<f64>,
}

/// Risks of a table of accounts, as columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskScores {
    /// Probability of churn per row.
    pub risk: Vec<f64>,
    /// Log-odds per row.
    pub log_odds: Vec<f64>,
    /// Tier per row.
    pub tier: Vec<RiskTier>,
    /// The reason codes by rank, the model's `reason_count` of them, largest first.
    pub ranks: Vec<ReasonRank>,
    /// The model's factor names, in model order.
    pub factor_names: Vec<String>,
}

impl RiskScores {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.risk.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.risk.is_empty()
    }

    /// Reason codes per row (the model's `reason_count`).
    pub fn reason_count(&self) -> usize {
        self.ranks.len()
    }

    /// The reasons of row `row`, largest first.
    pub fn reasons(&self, row: usize) -> Vec<Reason> {
        self.ranks
            .iter()
            .filter_map(|rank| {
                let f = rank.factor.get(row)?;
                Some(Reason {
                    factor: self.factor_names.get(usize::from(f))?.clone(),
                    contribution: *rank.contribution.get(row)?,
                })
            })
            .collect()
    }

    /// The r-th reason (0-based) of every row, as a factor-name column and a contribution
    /// column, for handing to a data frame as `reason_{r+1}`.
    pub fn reason_column(&self, rank: usize) -> (Vec<Option<&str>>, Vec<Option<f64>>) {
        let Some(rank) = self.ranks.get(rank) else {
            return (vec![None; self.len()], vec![None; self.len()]);
        };
        (0..self.len())
            .map(|row| match rank.factor.get(row) {
                Some(f) => (
                    self.factor_names.get(usize::from(f)).map(String::as_str),
                    rank.contribution.get(row).copied(),
                ),
                None => (None, None),
            })
            .unzip()
    }
}

/// An explainable logistic model of churn at renewal.
///
/// `risk = 1 / (1 + exp(−(intercept + Σ_j coefficient_j × (transform_j(x_j) − center_j) ÷
/// scale_j)))`. Each term is a factor's contribution in log-odds, so the factors that raised
/// an account's risk most are its reason codes. Models are [`Document`]s: write one by hand in
/// TOML, fit one with [`RiskModel::fit`], store either as JSON.
///
/// ```
/// use cs_core::nps::Category;
/// use cs_core::renewal::{AccountFactors, RiskModel, RiskTier};
/// let model = RiskModel::default();
/// let typical = AccountFactors { contact_confirmed: Some(true), ..AccountFactors::default() };
/// assert!((model.score_account(&typical).risk - 0.1).abs() < 1e-12); // the baseline: 10 %
/// let troubled = AccountFactors {
///     health_score: Some(35.0),
///     health_band: Some(0),
///     nps_category: Some(Category::Detractor),
///     contact_confirmed: Some(false),
///     ..AccountFactors::default()
/// };
/// let s = model.score_account(&troubled);
/// assert_eq!(s.tier, RiskTier::Critical);
/// assert_eq!(s.reasons[0].factor, "low_health");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskModel {
    /// Document schema version.
    pub schema_version: u32,
    /// The model's name.
    pub name: String,
    /// What the model is for, where it came from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Log-odds of churn for an account at every factor's center.
    pub intercept: f64,
    /// The factors.
    pub factors: Vec<FactorSpec>,
    /// Tier thresholds.
    #[serde(default)]
    pub tiers: TierThresholds,
    /// Reason codes reported per account (0..=8, default 3).
    #[serde(default = "three")]
    pub reason_count: usize,
    /// How the coefficients were estimated, when they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fit: Option<FitReport>,
}

/// How a model's coefficients were estimated, stored with the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitReport {
    /// Rows fitted on.
    pub rows: u64,
    /// Rows whose outcome was churn.
    pub churned: u64,
    /// The inverse regularisation strength used (`None`: unpenalised).
    pub c: Option<f64>,
    /// Newton iterations run.
    pub iterations: u32,
    /// Whether the gradient tolerance was reached.
    pub converged: bool,
    /// Whether the fitted scores separate churned from renewed rows perfectly (every churned
    /// row scores above every renewed one). Without a penalty the maximum-likelihood estimate
    /// then does not exist and the coefficients are where the iterations stopped.
    pub separation: bool,
    /// Log-likelihood at the estimate.
    pub log_likelihood: f64,
    /// Penalised objective (negative log-likelihood + penalty) at the estimate.
    pub objective: f64,
    /// Largest absolute gradient component at the estimate.
    pub max_gradient: f64,
    /// Factors whose transformed input did not vary (left with scale 1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constant_factors: Vec<String>,
    /// A sentence on the outcome, for people.
    pub message: String,
    /// Standard error of the intercept, from the inverse of the Hessian of the objective at
    /// the estimate (see [`RiskModel::standard_errors`]); `None` when it is not invertible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intercept_standard_error: Option<f64>,
    /// Standard errors of the coefficients, in the order of the factors; empty when the
    /// Hessian is not invertible (or for a report written before they were computed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standard_errors: Vec<f64>,
    /// Log-likelihood of the intercept-only model on the same rows,
    /// `k ln(k / n) + (n - k) ln(1 - k / n)` for k churned of n.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub null_log_likelihood: Option<f64>,
}

impl Document for RiskModel {
    const KIND: &'static str = "risk model";
    const SCHEMA_VERSION: u32 = 1;

    fn schema_version(&self) -> u32 {
        self.schema_version
    }

    fn validate(&self) -> Result<()> {
        if self.factors.len() > MAX_FACTORS {
            return Err(Error::out_of_range(
                "risk model factors",
                self.factors.len(),
                format!("0..={MAX_FACTORS}"),
            ));
        }
        if self.reason_count > MAX_REASONS {
            return Err(Error::out_of_range(
                "reason count",
                self.reason_count,
                format!("0..={MAX_REASONS}"),
            ));
        }
        if !self.intercept.is_finite() {
            return Err(Error::invalid("intercept", self.intercept, "must be finite"));
        }
        self.tiers.validate()?;
        if let Some(fit) = &self.fit {
            fit.validate(self.factors.len())?;
        }
        for (i, f) in self.factors.iter().enumerate() {
            f.validate()?;
            if self.factors[..i].iter().any(|g| g.name == f.name) {
                return Err(Error::duplicate("factor name", f.name.clone()));
            }
        }
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
fn factor(
    name: &str,
    input: &str,
    transform: Transform,
    center: f64,
    scale: f64,
    coefficient: f64,
    missing: Option<f64>,
    description: &str,
) -> FactorSpec {
    FactorSpec {
        name: name.into(),
        input: input.into(),
        transform,
        center,
        scale,
        coefficient,
        missing,
        description: description.into(),
    }
}

impl Default for RiskModel {
    /// The built-in model; see [the module documentation](super) for each coefficient's
    /// reasoning.
    fn default() -> Self {
        use Transform::{Clamp, Equals, Log1p};
        let flag = Clamp { min: 0.0, max: 1.0 };
        RiskModel {
            schema_version: Self::SCHEMA_VERSION,
            name: "default".into(),
            description: "Built-in renewal risk model: expert coefficients, 10 % baseline churn".into(),
            intercept: -2.197_224_577_336_219_6, // ln(0.1 / 0.9)
            factors: vec![
                factor(
                    "low_health",
                    inputs::HEALTH_SCORE,
                    Clamp { min: 0.0, max: 100.0 },
                    70.0,
                    10.0,
                    -0.35,
                    None,
                    "each 10 health points below 70 raises the odds of churn by 42 %",
                ),
                factor(
                    "health_red",
                    inputs::HEALTH_BAND,
                    Equals { value: 0.0 },
                    0.0,
                    1.0,
                    0.6,
                    None,
                    "the account is in the worst (red) health band",
                ),
                factor(
                    "health_declining",
                    inputs::HEALTH_DELTA,
                    Clamp {
                        min: -50.0,
                        max: 50.0,
                    },
                    0.0,
                    10.0,
                    -0.3,
                    None,
                    "each 10-point drop in health over the trend period",
                ),
                factor(
                    "nps_detractor",
                    inputs::NPS_CATEGORY,
                    Equals { value: 0.0 },
                    0.0,
                    1.0,
                    0.8,
                    None,
                    "the latest NPS answer was a detractor (0-6)",
                ),
                factor(
                    "nps_promoter",
                    inputs::NPS_CATEGORY,
                    Equals { value: 2.0 },
                    0.0,
                    1.0,
                    -0.5,
                    None,
                    "the latest NPS answer was a promoter (9-10)",
                ),
                factor(
                    "nps_overestimated",
                    inputs::NPS_GAP,
                    Clamp {
                        min: -10.0,
                        max: 10.0,
                    },
                    0.0,
                    3.0,
                    0.25,
                    None,
                    "the CSM's perceived NPS was higher than the customer's answer",
                ),
                factor(
                    "low_utilisation",
                    inputs::UTILISATION,
                    Clamp { min: 0.0, max: 1.2 },
                    0.8,
                    0.2,
                    -0.5,
                    None,
                    "each 20 points of licence utilisation below 80 %",
                ),
                factor(
                    "open_high_priority_cases",
                    inputs::OPEN_HIGH_PRIORITY_CASES,
                    Log1p,
                    0.0,
                    std::f64::consts::LN_2,
                    0.4,
                    None,
                    "open high-priority support cases (one case: +0.4, three: +0.8)",
                ),
                factor(
                    "under_delivery",
                    inputs::UNDER_DELIVERY,
                    flag,
                    0.0,
                    0.25,
                    0.3,
                    None,
                    "each quarter of entitled success activities not delivered",
                ),
                factor(
                    "no_first_impact",
                    inputs::FIRST_IMPACT_REACHED,
                    Equals { value: 0.0 },
                    0.0,
                    1.0,
                    0.7,
                    None,
                    "First Impact has not been reached",
                ),
                factor(
                    "ttfi_past_target",
                    inputs::TTFI_PAST_TARGET,
                    flag,
                    0.0,
                    1.0,
                    0.4,
                    None,
                    "time to First Impact is past its target",
                ),
                factor(
                    "no_reviewed_plan",
                    inputs::PLAN_REVIEWED,
                    Equals { value: 0.0 },
                    0.0,
                    1.0,
                    0.5,
                    None,
                    "no success plan has been reviewed with the customer",
                ),
                factor(
                    "contact_unconfirmed",
                    inputs::CONTACT_CONFIRMED,
                    Equals { value: 0.0 },
                    0.0,
                    1.0,
                    0.6,
                    Some(1.0),
                    "the renewal contact is missing or not the confirmed decision maker",
                ),
                factor(
                    "renewal_close",
                    inputs::DAYS_TO_RENEWAL,
                    Clamp { min: 0.0, max: 365.0 },
                    180.0,
                    90.0,
                    -0.1,
                    None,
                    "each 90 days closer than six months to the renewal date",
                ),
                factor(
                    "arr_contraction",
                    inputs::ARR_CHANGE,
                    Clamp { min: -1.0, max: 1.0 },
                    0.0,
                    0.1,
                    -0.2,
                    None,
                    "each 10 % of ARR lost since the last term (expansion lowers the risk)",
                ),
            ],
            tiers: TierThresholds::default(),
            reason_count: 3,
            fit: None,
        }
    }
}

/// The logistic function, computed without overflow.
#[inline]
pub(crate) fn logistic(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Writes the `k` largest positive contributions (ties: earlier factor first) into
/// `idx`/`val`; unused slots get `None`/0.
#[inline]
fn top_reasons(contrib: &[f64], idx: &mut [Option<u16>], val: &mut [f64]) {
    idx.fill(None);
    val.fill(0.0);
    let Some(last) = idx.len().checked_sub(1) else {
        return;
    };
    // An empty slot holds 0 and every contribution taken is > 0, so one comparison with the
    // last slot rejects most factors; a strict `<` keeps the earlier factor ahead on ties.
    for (j, &c) in contrib.iter().enumerate() {
        if c <= val[last] {
            continue;
        }
        let mut pos = last;
        while pos > 0 && val[pos - 1] < c {
            val[pos] = val[pos - 1];
            idx[pos] = idx[pos - 1];
            pos -= 1;
        }
        idx[pos] = Some(j as u16);
        val[pos] = c;
    }
}

/// One chunk's part of one reason rank: factor indices, validity bytes, contributions.
type RankPart<'p> = (&'p mut [u16], &'p mut [u8], &'p mut [f64]);

impl RiskModel {
    /// Log-odds of one row: the single definition used by every scoring path. `get(j)` is the
    /// input of factor `j` (null or not finite: `None`); contributions
    /// ([`FactorSpec::contribution`]) go to `contrib`.
    #[inline]
    fn row_log_odds(&self, get: impl Fn(usize) -> Option<f64>, contrib: &mut [f64]) -> f64 {
        for (j, f) in self.factors.iter().enumerate() {
            contrib[j] = f.contribution(get(j));
        }
        self.log_odds(contrib)
    }

    /// The intercept plus the contributions, summed in factor order (the order every path
    /// keeps, so the block and per-account paths agree to the bit).
    #[inline]
    fn log_odds(&self, contrib: &[f64]) -> f64 {
        contrib.iter().fold(self.intercept, |z, &c| z + c)
    }

    /// Scores one account. Inputs the account does not have count as null.
    pub fn score_account(&self, account: &AccountFactors) -> RiskScore {
        let mut contrib = [0.0; MAX_FACTORS];
        let n = self.factors.len().min(MAX_FACTORS);
        let z = self.row_log_odds(|j| account.value(&self.factors[j].input), &mut contrib[..n]);
        let k = self.reason_count.min(MAX_REASONS);
        let mut idx = [None; MAX_REASONS];
        let mut val = [0.0; MAX_REASONS];
        top_reasons(&contrib[..n], &mut idx[..k], &mut val[..k]);
        let risk = logistic(z);
        RiskScore {
            risk,
            log_odds: z,
            tier: self.tiers.tier(risk),
            reasons: idx[..k]
                .iter()
                .zip(&val[..k])
                .filter_map(|(i, v)| {
                    i.map(|i| Reason {
                        factor: self.factors[usize::from(i)].name.clone(),
                        contribution: *v,
                    })
                })
                .collect(),
        }
    }

    /// The input columns of every factor, in factor order; a factor whose input is not in the
    /// table is [`Error::Missing`] (see [`RiskModel::restricted_to`]).
    pub(crate) fn resolve<'a>(&self, table: &RiskTable<'a>) -> Result<Vec<Column<'a, f64>>> {
        self.validate()?;
        self.factors.iter().map(|f| table.require(&f.input)).collect()
    }

    /// A copy of the model without the factors whose input column `table` lacks, and the
    /// names of the factors dropped. Dropping a factor is the same as every row having its
    /// center, so risks stay comparable.
    pub fn restricted_to(&self, table: &RiskTable<'_>) -> (RiskModel, Vec<String>) {
        let mut model = self.clone();
        let keep: Vec<bool> = self
            .factors
            .iter()
            .map(|f| table.column(&f.input).is_some())
            .collect();
        let dropped = self
            .factors
            .iter()
            .zip(&keep)
            .filter(|(_, k)| !**k)
            .map(|(f, _)| f.name.clone())
            .collect::<Vec<_>>();
        let mut kept = keep.iter();
        model.factors.retain(|_| kept.next().copied().unwrap_or(false));
        if let Some(fit) = model.fit.as_mut().filter(|_| !dropped.is_empty()) {
            fit.restrict(&keep);
        }
        (model, dropped)
    }

    /// Scores every row of `table`, in parallel over fixed chunks (results are identical for
    /// any number of threads). No allocation happens per row.
    ///
    /// ```
    /// use cs_core::portfolio::Column;
    /// use cs_core::renewal::{RiskModel, RiskTable};
    /// let model = RiskModel::default();
    /// let health = [90.0, 30.0];
    /// let table = RiskTable::new(2).with(Column::new("health_score", &health))?;
    /// let (model, dropped) = model.restricted_to(&table);
    /// assert_eq!(dropped.len(), 14);
    /// let scores = model.score(&table)?;
    /// assert!(scores.risk[1] > scores.risk[0]);
    /// assert_eq!(scores.reasons(1)[0].factor, "low_health");
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn score(&self, table: &RiskTable<'_>) -> Result<RiskScores> {
        let cols = self.resolve(table)?;
        let n = table.len();
        let k = self.reason_count.min(MAX_REASONS);
        let mut risk = vec![0.0; n];
        let mut log_odds = vec![0.0; n];
        let mut tier = vec![RiskTier::Low; n];
        let mut ranks: Vec<ReasonRank> = (0..k)
            .map(|_| ReasonRank {
                factor: ColumnBuf::nulls(n),
                contribution: vec![0.0; n],
            })
            .collect();
        // Each chunk's part of every rank: factor indices, validity bytes (CHUNK is a multiple
        // of 8, so a chunk starts on a byte) and contributions.
        let mut rank_parts: Vec<Vec<RankPart<'_>>> =
            (0..n.div_ceil(CHUNK)).map(|_| Vec::with_capacity(k)).collect();
        for rank in &mut ranks {
            let (factor, bits) = rank.factor.parts_mut();
            let parts = factor
                .chunks_mut(CHUNK)
                .zip(bits.chunks_mut(CHUNK / 8))
                .zip(rank.contribution.chunks_mut(CHUNK));
            for (chunk, ((f, b), c)) in rank_parts.iter_mut().zip(parts) {
                chunk.push((f, b, c));
            }
        }
        risk.par_chunks_mut(CHUNK)
            .zip(log_odds.par_chunks_mut(CHUNK))
            .zip(tier.par_chunks_mut(CHUNK))
            .zip(rank_parts.par_iter_mut())
            .enumerate()
            .for_each(|(chunk, (((risk, log_odds), tier), ranks))| {
                // Factor-major over blocks of rows: one pass per factor column into `block`
                // (factor j's contributions at j × BLOCK), then each row's sum in factor order
                // and its top reasons, written to each rank's column.
                let factors = cols.len();
                let mut block = vec![0.0; factors * BLOCK];
                let mut contrib = [0.0; MAX_FACTORS];
                let contrib = &mut contrib[..factors];
                let mut idx = [None; MAX_REASONS];
                let mut val = [0.0; MAX_REASONS];
                let base = chunk * CHUNK;
                for from in (0..risk.len()).step_by(BLOCK) {
                    let len = BLOCK.min(risk.len() - from);
                    for (j, (f, col)) in self.factors.iter().zip(&cols).enumerate() {
                        f.contributions(col, base + from, &mut block[j * BLOCK..j * BLOCK + len]);
                    }
                    for at in 0..len {
                        for (j, value) in contrib.iter_mut().enumerate() {
                            *value = block[j * BLOCK + at];
                        }
                        let row = from + at;
                        let odds = self.log_odds(contrib);
                        let probability = logistic(odds);
                        risk[row] = probability;
                        log_odds[row] = odds;
                        tier[row] = self.tiers.tier(probability);
                        if k > 0 {
                            top_reasons(contrib, &mut idx[..k], &mut val[..k]);
                            for ((factor, bits, contribution), (&i, &v)) in
                                ranks.iter_mut().zip(idx.iter().zip(&val))
                            {
                                // Without a branch: an empty slot writes 0, 0 and no bit.
                                factor[row] = i.unwrap_or(0);
                                bits[row / 8] |= u8::from(i.is_some()) << (row % 8);
                                contribution[row] = v;
                            }
                        }
                    }
                }
            });
        Ok(RiskScores {
            risk,
            log_odds,
            tier,
            ranks,
            factor_names: self.factors.iter().map(|f| f.name.clone()).collect(),
        })
    }

    /// The standardised design matrix (row-major, `rows × factors`) the model weighs: what to
    /// hand to another logistic regression (e.g. scikit-learn) to compare fits.
    pub fn design_matrix(&self, table: &RiskTable<'_>) -> Result<Vec<f64>> {
        let cols = self.resolve(table)?;
        let mut out = Vec::with_capacity(table.len() * cols.len());
        for row in 0..table.len() {
            for (f, c) in self.factors.iter().zip(&cols) {
                out.push(f.standardised(c.get(row).filter(|v| v.is_finite())));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp, clippy::many_single_char_names)]
mod tests {
    use super::*;
    use crate::nps::Category;
    use crate::portfolio::Validity;
    use proptest::prelude::*;

    #[test]
    fn typical_account_scores_the_baseline() {
        // Every factor at its center: log-odds = ln(0.1/0.9), risk = 0.1 exactly (to rounding).
        let s = RiskModel::default().score_account(&AccountFactors {
            contact_confirmed: Some(true),
            ..AccountFactors::default()
        });
        assert!((s.risk - 0.1).abs() < 1e-12);
        assert_eq!(s.tier, RiskTier::Low);
        assert!(s.reasons.is_empty());
    }

    #[test]
    fn missing_contact_counts_as_unconfirmed() {
        // contact_unconfirmed has missing = 1: log-odds −2.1972 + 0.6 = −1.5972, risk 0.1684.
        let s = RiskModel::default().score_account(&AccountFactors::default());
        assert!((s.log_odds - (-2.197_224_577_336_219_6 + 0.6)).abs() < 1e-12);
        assert!((s.risk - 0.168_4).abs() < 1e-4);
        assert_eq!(s.tier, RiskTier::Medium);
        assert_eq!(s.reasons[0].factor, "contact_unconfirmed");
    }

    #[test]
    fn reasons_are_the_largest_positive_contributions_in_order() {
        let a = AccountFactors {
            health_score: Some(40.0),                // (40 − 70)/10 × −0.35 = +1.05
            nps_category: Some(Category::Detractor), // +0.8
            open_high_priority_cases: Some(1),       // ln 2 / ln 2 × 0.4 = +0.4
            utilisation: Some(1.0),                  // (1.0 − 0.8)/0.2 × −0.5 = −0.5
            contact_confirmed: Some(true),
            ..AccountFactors::default()
        };
        let s = RiskModel::default().score_account(&a);
        let names: Vec<&str> = s.reasons.iter().map(|r| r.factor.as_str()).collect();
        assert_eq!(names, ["low_health", "nps_detractor", "open_high_priority_cases"]);
        assert!((s.reasons[0].contribution - 1.05).abs() < 1e-12);
        assert!((s.reasons[2].contribution - 0.4).abs() < 1e-12);
        // z = −2.19722 + 1.05 + 0.8 + 0.4 − 0.5 = −0.44722 -> risk 0.39002.
        assert!((s.risk - 0.390_02).abs() < 1e-5);
        assert_eq!(s.tier, RiskTier::High);
    }

    #[test]
    fn default_model_round_trips_through_toml_and_json() {
        let m = RiskModel::default();
        m.validate().unwrap();
        assert_eq!(RiskModel::from_toml(&m.to_toml().unwrap()).unwrap(), m);
        assert_eq!(RiskModel::from_json(&m.to_json().unwrap()).unwrap(), m);
    }

    #[test]
    fn hand_written_toml_model_parses_with_defaults() {
        let text = r#"
            schema_version = 1
            name = "tiny"
            intercept = -1
            [[factors]]
            name = "cases"
            input = "open_high_priority_cases"
            transform = { kind = "clamp", min = 0, max = 5 }
            coefficient = 0.5
        "#;
        let m = RiskModel::from_toml(text).unwrap();
        assert_eq!(m.factors[0].scale, 1.0);
        assert_eq!(m.reason_count, 3);
        assert_eq!(m.factors[0].transform, Transform::Clamp { min: 0.0, max: 5.0 });
        let bad = text.replace("coefficient = 0.5", "coefficient = 0.5\nweight = 2");
        assert!(RiskModel::from_toml(&bad).is_err());
        let bad = text.replace("coefficient = 0.5", "coefficient = 0.5\nscale = 0");
        assert!(
            RiskModel::from_toml(&bad)
                .unwrap_err()
                .to_string()
                .contains("scale of factor cases")
        );
    }

    #[test]
    fn missing_factor_column_is_a_typed_error() {
        let h = [50.0];
        let t = RiskTable::new(1).with(Column::new("health_score", &h)).unwrap();
        let e = RiskModel::default().score(&t).unwrap_err();
        assert!(matches!(e, Error::Missing { .. }), "{e}");
    }

    #[test]
    fn batch_scoring_matches_the_account_path_and_crosses_chunks() {
        let n = CHUNK + 37;
        let accounts: Vec<AccountFactors> = (0..n)
            .map(|i| AccountFactors {
                health_score: Some((i * 37 % 101) as f64),
                health_band: Some((i % 4) as u8),
                health_delta: Some((i % 41) as f64 - 20.0),
                nps_category: Some(Category::ALL[i % 3]),
                utilisation: Some((i % 13) as f64 / 10.0),
                open_high_priority_cases: Some((i % 5) as u32),
                contact_confirmed: (i % 7 != 0).then_some(i % 2 == 0),
                days_to_renewal: Some((i % 400) as i64 - 20),
                ..AccountFactors::default()
            })
            .collect();
        let cols: Vec<(&str, Vec<f64>)> = inputs::ALL
            .iter()
            .map(|name| {
                (
                    *name,
                    accounts
                        .iter()
                        .map(|a| a.value(name).unwrap_or(f64::NAN))
                        .collect(),
                )
            })
            .collect();
        let mut t = RiskTable::new(n);
        for (name, v) in &cols {
            t = t.with(Column::new(name, v)).unwrap();
        }
        let m = RiskModel::default();
        let s = m.score(&t).unwrap();
        for row in [0, 1, 7, CHUNK - 1, CHUNK, n - 1] {
            let one = m.score_account(&accounts[row]);
            assert_eq!(one.risk.to_bits(), s.risk[row].to_bits());
            assert_eq!(one.tier, s.tier[row]);
            assert_eq!(one.reasons, s.reasons(row));
        }
        let (names, contributions) = s.reason_column(0);
        assert_eq!(names.len(), n);
        assert_eq!(names[0].is_some(), contributions[0].is_some());
    }

    proptest! {
        /// The factor-major block loop (validity as words, transforms hoisted, selects before
        /// the division) gives the bits of the per-row definition (`row_log_odds` over
        /// `Column::get`), whatever the values (NaN, ±inf, huge), the nulls and the row count
        /// (blocks of 256 rows, validity words of 64, a bitmap offset).
        #[test]
        fn block_scoring_is_the_per_row_definition_to_the_bit(
            rows in prop::collection::vec(
                (prop::num::f64::ANY, prop::num::f64::ANY, prop::num::f64::ANY, any::<u8>()), 0..700),
            offset in 0usize..8,
        ) {
            let n = rows.len();
            let pick = |k: usize| rows.iter().map(|r| [r.0, r.1, r.2][k]).collect::<Vec<f64>>();
            let (h, u, c) = (pick(0), pick(1), pick(2));
            let mut bits = vec![0u8; (n + offset).div_ceil(8) + 1];
            for (i, r) in rows.iter().enumerate() {
                if r.3 % 5 != 0 {
                    bits[(i + offset) / 8] |= 1 << ((i + offset) % 8);
                }
            }
            let valid = Validity::new(&bits, offset, n).unwrap();
            let t = RiskTable::new(n)
                .with(Column::new("health_score", &h).with_validity(valid).unwrap()).unwrap()
                .with(Column::new("utilisation", &u)).unwrap()
                .with(Column::new("open_high_priority_cases", &c).with_validity(valid).unwrap()).unwrap();
            let (m, _) = RiskModel::default().restricted_to(&t);
            let s = m.score(&t).unwrap();
            let cols = m.resolve(&t).unwrap();
            let mut contrib = vec![0.0; cols.len()];
            for row in 0..n {
                let z = m.row_log_odds(|j| cols[j].get(row), &mut contrib);
                prop_assert_eq!(z.to_bits(), s.log_odds[row].to_bits());
                let mut idx = [None; 3];
                let mut val = [0.0; 3];
                top_reasons(&contrib, &mut idx, &mut val);
                let ranked: Vec<Option<u16>> = s.ranks.iter().map(|r| r.factor.get(row)).collect();
                prop_assert_eq!(&idx[..], &ranked[..]);
                for (r, rank) in s.ranks.iter().enumerate() {
                    prop_assert_eq!(rank.contribution[row].to_bits(), val[r].to_bits());
                }
            }
        }

        /// Many tied, zero and negative contributions, 1-8 reasons of up to 12 factors,
        /// across blocks: the block path's reasons are `top_reasons` of each row.
        #[test]
        fn block_reasons_are_top_reasons_with_ties(
            cells in prop::collection::vec(0u8..4, 12 * 300..12 * 600),
            factors in 1usize..=12,
            k in 1usize..=MAX_REASONS,
        ) {
            let n = cells.len() / 12;
            let names: Vec<String> = (0..factors).map(|j| format!("x{j}")).collect();
            let cols: Vec<Vec<f64>> = (0..factors)
                .map(|j| (0..n).map(|i| f64::from(cells[i * 12 + j])).collect())
                .collect();
            let mut t = RiskTable::new(n);
            for (name, v) in names.iter().zip(&cols) {
                t = t.with(Column::new(name, v)).unwrap();
            }
            let m = RiskModel {
                factors: names
                    .iter()
                    .map(|name| FactorSpec {
                        name: name.clone(),
                        input: name.clone(),
                        transform: Transform::Identity,
                        center: 1.0,
                        scale: 1.0,
                        coefficient: 0.5,
                        missing: None,
                        description: String::new(),
                    })
                    .collect(),
                reason_count: k,
                ..RiskModel::default()
            };
            let s = m.score(&t).unwrap();
            prop_assert_eq!(s.reason_count(), k);
            for row in 0..n {
                let contrib: Vec<f64> = cols.iter().map(|c| (c[row] - 1.0) * 0.5).collect();
                let mut idx = vec![None; k];
                let mut val = vec![0.0; k];
                top_reasons(&contrib, &mut idx, &mut val);
                for (r, rank) in s.ranks.iter().enumerate() {
                    prop_assert_eq!(rank.factor.get(row), idx[r]);
                    prop_assert_eq!(rank.contribution[row].to_bits(), val[r].to_bits());
                }
            }
        }

        #[test]
        fn risk_is_a_probability_and_never_nan(
            h in prop::num::f64::ANY, u in prop::num::f64::ANY, cases in prop::num::f64::ANY
        ) {
            let hv = [h]; let uv = [u]; let cv = [cases];
            let t = RiskTable::new(1)
                .with(Column::new("health_score", &hv)).unwrap()
                .with(Column::new("utilisation", &uv)).unwrap()
                .with(Column::new("open_high_priority_cases", &cv)).unwrap();
            let (m, _) = RiskModel::default().restricted_to(&t);
            let s = m.score(&t).unwrap();
            prop_assert!((0.0..=1.0).contains(&s.risk[0]));
            prop_assert!(s.log_odds[0].is_finite());
        }

        #[test]
        fn lower_health_never_lowers_risk(a in 0.0f64..100.0, b in 0.0f64..100.0) {
            let m = RiskModel::default();
            let r = |h| m.score_account(&AccountFactors { health_score: Some(h), ..AccountFactors::default() }).risk;
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            prop_assert!(r(lo) >= r(hi));
        }
    }
}
