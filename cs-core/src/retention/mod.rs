//! Retention analytics: how long customers stay, and whether scores predict who leaves.
//!
//! - **Survival of tenure** ([`kaplan_meier`], [`kaplan_meier_by`], [`logrank`]): the
//!   Kaplan-Meier product-limit estimator with right censoring (customers still active), its
//!   exponential Greenwood ("log-log") confidence band at any level, the median tenure, and the
//!   log-rank test between segments. Conventions follow lifelines' `KaplanMeierFitter`,
//!   `logrank_test` and `multivariate_logrank_test`: the timeline starts at 0 and lists every
//!   distinct duration; churns precede censorings at the same time; the median is the first time
//!   with S(t) <= 0.5 and is `None` (infinite) when the curve never gets there.
//! - **Around the curve, as R's `survival` package** ([`ConfidenceType`],
//!   [`KaplanMeier::quantile_confidence_interval`], [`KaplanMeier::restricted_mean`],
//!   [`KaplanMeier::at_risk`]): log-log, log (R's default) or plain bands chosen per call; any
//!   quantile with its Brookmeyer-Crowley interval as `print.survfit` gives the median's
//!   (NA, here `None`, where a band never gets down to the level); the restricted mean tenure
//!   with R's standard error; the numbers-at-risk table under a survival plot, counted as
//!   lifelines' `add_at_risk_counts`.
//! - **Cohort projection** ([`SbgModel`]): the shifted-beta-geometric model of Fader and Hardie
//!   ("How to Project Customer Retention", *Journal of Interactive Marketing* 21(1), 2007):
//!   each customer churns at the end of a period with a constant probability θ, and θ varies
//!   across customers as Beta(α, β). Fitted by maximum likelihood from the number of customers
//!   still active at the start of each period, for one cohort or several jointly; projects
//!   survival S(t), retention r(t) and the discounted expected residual lifetime (DERL, Fader and
//!   Hardie, "Customer-Base Valuation in a Contractual Setting: The Perils of Ignoring
//!   Heterogeneity", *Marketing Science* 29(1), 2010).
//! - **Backtests** ([`roc_auc`], [`backtest`], [`churn_by_band`], [`red_lead_times`]): how well
//!   a risk or health score ranked the accounts that later churned: ROC AUC (ties count one
//!   half, the Mann-Whitney form scikit-learn's `roc_auc_score` computes), precision, recall
//!   and lift in the top k, churn rate per score decile and per health band, and how long
//!   before churn an account first turned red.
//!
//! Bad input is a typed [`Error`](crate::Error), never a panic or NaN: negative durations,
//! cohort counts that increase or start at zero, data without any churn, a backtest with one
//! outcome class.
//!
//! Performance: durations and scores are sorted once (parallel unstable sort of packed 64-bit
//! keys; whole-number tenures are counted without sorting), so a 10-million-row curve or AUC
//! is one pass plus one sort.
//!
//! ```
//! use cs_core::retention::{kaplan_meier, SbgModel, roc_auc};
//! use cs_core::statistics::Confidence;
//! let km = kaplan_meier(&[3.0, 12.0, 7.0, 12.0], &[true, false, true, true], Confidence::NINETY_FIVE)?;
//! assert_eq!(km.median(), Some(7.0));
//!
//! // Fader and Hardie (2007), "regular" cohort, years 0-7.
//! let fit = SbgModel::fit(&[1000, 631, 468, 382, 326, 289, 262, 241])?;
//! assert!((fit.model.alpha() - 0.704).abs() < 5e-4 && (fit.model.beta() - 1.182).abs() < 5e-4);
//!
//! assert_eq!(roc_auc(&[0.9, 0.2, 0.6, 0.6], &[true, false, true, false])?, 0.875);
//! # Ok::<(), cs_core::Error>(())
//! ```

mod at_risk;
mod auc;
mod backtest;
mod bands;
mod concordance;
mod confidence_type;
mod delong;
mod event_table;
mod kaplan_meier;
mod logrank;
mod quantile;
mod restricted_mean;
mod sbg;

pub use at_risk::AtRisk;
pub(crate) use auc::directed_auc;
pub use auc::roc_auc;
pub use backtest::{
    Backtest, BacktestOptions, MAX_BINS, ScoreBin, ScoreDirection, TopK, TopKResult, backtest,
};
pub use bands::{BandChurn, LeadTime, LeadTimes, churn_by_band, red_lead_times};
pub use concordance::{Concordance, concordance_index};
pub use confidence_type::ConfidenceType;
pub use delong::{AucComparison, AucInterval, roc_auc_compare, roc_auc_interval};
pub use event_table::EventTable;
pub use kaplan_meier::{ConfidenceBand, KaplanMeier, SurvivalGroup, kaplan_meier, kaplan_meier_by};
pub use logrank::{LogRank, LogRankGroup, logrank, logrank_groups};
pub use quantile::QuantileInterval;
pub use restricted_mean::RestrictedMean;
pub use sbg::{FitOptions, MAX_PERIODS, MAX_SHAPE, SbgFit, SbgModel};
