//! # cs-core
//!
//! The Customer Success domain as a library: precise, explainable, fast definitions of the
//! numbers CS teams run on. Each module owns one concept:
//!
//! | module | owns |
//! | --- | --- |
//! | [`nps`] | NPS answers, score and statistics, comparisons, NPS perceived, trends, CSAT |
//! | [`health`] | health scorecards, explanations, trends, rollups, batch scoring |
//! | [`package`] | success packages and entitlements, the built-in catalog, the engagement calendar (iCalendar export), delivered-vs-entitled compliance |
//! | [`onboarding`] | handoff (SPICED), kickoff, Joint Impact Plan with revisions, Time to First Impact, lifecycle stage |
//! | [`renewal`] | contracts, renewal stages, the churn-risk model (fit, score, evaluate) |
//! | [`revenue`] | ARR at risk, revenue retention (GRR / NRR / logo churn), churn reasons, expansion signals |
//! | [`playbook`] | rules that turn account state into calls to action (CTAs) |
//! | [`retention`] | Kaplan-Meier survival and log-rank test, sBG cohort model, score backtests (AUC, lift) |
//! | [`sample`] | a deterministic synthetic portfolio for tests, benchmarks and demos |
//! | [`portfolio`] | the columnar account table used by batch APIs, dates, calendar periods |
//! | [`pipeline`] | the portfolio pipeline: raw account columns -> health -> risk inputs -> risk -> playbook signals -> CTAs |
//! | [`statistics`] | confidence levels, the normal and chi-square distributions, the hypergeometric series |
//! | [`document`] | versioned TOML / JSON documents |
//!
//! Conventions (see ARCHITECTURE.md in the repository): dates are [`chrono::NaiveDate`]; money is integer minor units;
//! a missing value is `None`, never NaN; every error is an [`Error`] naming the field and value.
//!
//! ```
//! use cs_core::nps::Nps;
//! let nps = Nps::from_counts(120, 50, 30)?;
//! assert_eq!(nps.score(), 45.0);
//! let (low, high) = nps.confidence_interval(0.95)?;
//! assert!(low < 45.0 && 45.0 < high);
//! # Ok::<(), cs_core::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod document;
mod error;
pub mod health;
pub mod nps;
pub mod onboarding;
pub mod package;
pub mod pipeline;
pub mod playbook;
pub mod portfolio;
pub mod renewal;
pub mod retention;
pub mod revenue;
pub mod sample;
pub mod statistics;
mod unit_kinds;

pub use error::{Error, Result};
