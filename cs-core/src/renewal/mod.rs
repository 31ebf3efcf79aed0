//! Renewals: contracts and their renewal windows, and an explainable and fittable churn-risk
//! model. What the contracts are worth over time (ARR at risk, GRR / NRR, churn reasons,
//! expansion) is the `revenue` module, built on top of this one.
//!
//! # Contracts and renewal stages
//! A [`Contract`] holds an account's ARR (integer minor units), term dates, auto-renewal and
//! notice period, and the renewal contact with whether they are the confirmed decision maker.
//! Asking the wrong person is a leading cause of late and lost renewals
//! (docs/domain-sources.md, "Secure Renewal"), hence the flag.
//! [`RenewalWindows`] cuts the days to renewal into [`RenewalStage`]s: planning from 180 days,
//! the internal review from 90 days (three months before the anniversary,
//! docs/domain-sources.md, "Internal renewal review"), imminent from 30 days, then overdue for a 30-day
//! grace period and lapsed after it. An auto-renewing contract has a notice deadline
//! (renewal date − notice period).
//!
//! # The risk model
//! [`RiskModel`] is a logistic model over named factors:
//! `risk = σ(intercept + Σ_j β_j (t_j(x_j) − c_j) / s_j)` with `t_j` a [`Transform`], `c_j` a
//! center and `s_j` a scale. Each term is the factor's contribution in log-odds; the largest
//! positive ones are the account's reason codes. Inputs come from a columnar [`RiskTable`]
//! (names in [`inputs`]) or a typed [`AccountFactors`]; both go through the same row function.
//! A null input takes the factor's `missing` value, or its center (contributing nothing).
//!
//! ## Default coefficients
//! The built-in model ([`RiskModel::default`]) is an expert prior, to be replaced by a fitted
//! model once a history of renewals exists. Its intercept, ln(0.1 / 0.9) = −2.197, gives a
//! 10 % churn risk to an account with every factor at its center: health 70, no trend, a
//! passive NPS answer read accurately by the CSM, 80 % utilisation, no open high-priority
//! case, entitlements delivered, First Impact reached on time, a reviewed success plan, a
//! confirmed decision maker, six months to renewal and flat ARR. Coefficients are log-odds per
//! scale unit (e^0.35 = 1.42: a 42 % rise in the odds). Where the why comes from a source
//! document, `sources:` names the heading of docs/domain-sources.md that states it.
//!
//! | factor | input, transform | center / scale | β | why |
//! | --- | --- | --- | --- | --- |
//! | `low_health` | `health_score`, clamp 0..=100 | 70 / 10 | −0.35 | health is the summary of the leading indicators |
//! | `health_red` | `health_band` = 0 | 0 / 1 | +0.6 | red is where the escalation playbooks start |
//! | `health_declining` | `health_delta`, clamp ±50 | 0 / 10 | −0.3 | a falling score precedes a low one |
//! | `nps_detractor` | `nps_category` = detractor | 0 / 1 | +0.8 | detractors are the unhappy customers |
//! | `nps_promoter` | `nps_category` = promoter | 0 / 1 | −0.5 | promoters are loyal |
//! | `nps_overestimated` | `nps_gap`, clamp ±10 | 0 / 3 | +0.25 | the CSM misreads the account (sources: "NPS perceived") |
//! | `low_utilisation` | `utilisation`, clamp 0..=1.2 | 0.8 / 0.2 | −0.5 | customers who use little question the value (sources: "Measure Success") |
//! | `open_high_priority_cases` | `open_high_priority_cases`, ln(1 + x) | 0 / ln 2 | +0.4 | unresolved high-priority issues |
//! | `under_delivery` | `under_delivery`, clamp 0..=1 | 0 / 0.25 | +0.3 | under-delivered entitlements put relationships at risk (sources: "Manage Entitlement") |
//! | `no_first_impact` | `first_impact_reached` = 0 | 0 / 1 | +0.7 | no value delivered yet (sources: "First Impact") |
//! | `ttfi_past_target` | `ttfi_past_target`, clamp 0..=1 | 0 / 1 | +0.4 | value later than promised |
//! | `no_reviewed_plan` | `plan_reviewed` = 0 | 0 / 1 | +0.5 | no agreed definition of success (sources: "Success plan", "Success reviews") |
//! | `contact_unconfirmed` | `contact_confirmed` = 0, missing = 1 | 0 / 1 | +0.6 | renewal asked of the wrong person (sources: "Secure Renewal") |
//! | `renewal_close` | `days_to_renewal`, clamp 0..=365 | 180 / 90 | −0.1 | less time left to recover |
//! | `arr_contraction` | `arr_change`, clamp ±1 | 0 / 0.1 | −0.2 | contraction often precedes churn; expansion the opposite |
//!
//! Tiers ([`TierThresholds`]): medium from 0.15, high from 0.30, critical from 0.50.
//!
//! ## Fitting and evaluating
//! [`RiskModel::fit`] estimates the coefficients from past renewals by L2-regularised logistic
//! regression with scikit-learn's parametrisation (`C`, intercept not penalised), by Newton's
//! method with a line search; it reports convergence and perfect separation
//! ([`FitReport`]) and never returns non-finite coefficients. [`RiskModel::evaluate`] gives ROC
//! AUC, Brier score, log-loss, churn rate and ARR per tier and calibration by decile.
//! [`RiskModel::design_matrix`] exposes the standardised inputs for comparisons with other
//! implementations.

mod contract;
mod evaluate;
mod factors;
mod fit;
mod inference;
mod linear;
mod model;
mod stage;
mod tier;

pub use contract::{Contract, ContractRecord, MAX_NOTICE_DAYS, RenewalContact};
pub use evaluate::{BrierDecomposition, CalibrationBin, Evaluation, TierOutcome};
pub use factors::{AccountFactors, RiskTable, inputs};
pub use fit::FitOptions;
pub use inference::LikelihoodRatio;
pub use linear::LinearPredictor;
pub use model::{
    FactorSpec, FitReport, MAX_COEFFICIENT, MAX_CONTRIBUTION, MAX_FACTORS, MAX_REASONS, Reason, RiskModel,
    RiskScore, RiskScores, Transform,
};
pub use stage::{RenewalOutcome, RenewalStage, RenewalStatus, RenewalWindows, renewal_stage};
pub use tier::{RiskTier, TierThresholds};
