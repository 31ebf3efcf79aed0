//! Manual overrides: the score or band a person sets, and the record of what became of it.
//! [`HealthScore::with_override`](super::HealthScore::with_override) applies one.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::scorecard::Scorecard;
use crate::{Error, Result};

/// A manual score or band set by a person, with the reason, the author and an expiry date.
///
/// Exactly one of `score` and `band` is given. An override is in force up to and including
/// `expires`; after that it is ignored and reported as expired. With `lower_only` it is an
/// exception that may only make the account look less healthy: it applies only when it lowers
/// the score (or the band).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// A manual score, `0..=100` (the band follows from it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// A manual band name (the computed score is kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub band: Option<String>,
    /// Why (required, not blank).
    pub reason: String,
    /// Who (required, not blank).
    pub author: String,
    /// Last day in force.
    pub expires: NaiveDate,
    /// Only apply when it lowers the score or band.
    #[serde(default)]
    pub lower_only: bool,
}

/// What happened to an override.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverrideStatus {
    /// In force: the score / band shown are the override's.
    Applied,
    /// Past its expiry date: ignored.
    Expired,
    /// A lower-only exception that would not lower the score (or there is no computed score to
    /// compare with): ignored.
    NotLower,
}

/// The record of an override kept on the [`HealthScore`](super::HealthScore).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverrideOutcome {
    /// Applied or why not.
    pub status: OverrideStatus,
    /// The override.
    pub manual: Override,
    /// The computed score before the override.
    pub computed_score: Option<f64>,
    /// The computed band before the override.
    pub computed_band: Option<String>,
}

impl Override {
    /// Checks the override against `card` (score range, band name, reason and author).
    pub fn validate(&self, card: &Scorecard) -> Result<()> {
        match (self.score, &self.band) {
            (Some(s), None) if !(s.is_finite() && (0.0..=100.0).contains(&s)) => {
                return Err(Error::out_of_range("override score", s, "0..=100"));
            }
            (Some(_), None) => {}
            (None, Some(b)) => {
                card.band_named(b)?;
            }
            _ => {
                return Err(Error::invalid(
                    "override",
                    "score and band",
                    "give exactly one of score or band",
                ));
            }
        }
        if self.reason.trim().is_empty() {
            return Err(Error::missing("override reason"));
        }
        if self.author.trim().is_empty() {
            return Err(Error::missing("override author"));
        }
        Ok(())
    }

    /// Whether the override is in force on `as_of` (its expiry date included).
    pub fn is_active(&self, as_of: NaiveDate) -> bool {
        as_of <= self.expires
    }
}
