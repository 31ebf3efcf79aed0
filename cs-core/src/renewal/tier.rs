use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// A risk tier: the risk cut into four bands that set how urgently to act. (`Default` is low:
/// the filler behind null rows of a column.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RiskTier {
    /// Below the medium threshold.
    #[default]
    Low,
    /// At least the medium threshold.
    Medium,
    /// At least the high threshold.
    High,
    /// At least the critical threshold.
    Critical,
}

impl RiskTier {
    /// All tiers, from low to critical.
    pub const ALL: [RiskTier; 4] = [
        RiskTier::Low,
        RiskTier::Medium,
        RiskTier::High,
        RiskTier::Critical,
    ];

    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskTier::Low => "low",
            RiskTier::Medium => "medium",
            RiskTier::High => "high",
            RiskTier::Critical => "critical",
        }
    }

    /// Position in [`RiskTier::ALL`] (0 = low).
    pub fn index(self) -> usize {
        self as usize
    }

    /// Parses `"low"`, `"medium"`, `"high"` or `"critical"` (case-insensitive).
    pub fn parse(name: &str) -> Result<Self> {
        let lower = name.trim().to_ascii_lowercase();
        RiskTier::ALL
            .into_iter()
            .find(|t| t.as_str() == lower)
            .ok_or_else(|| Error::unknown("risk tier", name, RiskTier::ALL.map(RiskTier::as_str)))
    }
}

impl fmt::Display for RiskTier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The lowest risk of each tier above `low`: a risk `r` is `critical` when `r >= critical`,
/// else `high` when `r >= high`, else `medium` when `r >= medium`, else `low`.
///
/// Defaults 0.15 / 0.30 / 0.50: with the default model's baseline of 10 % churn for an account
/// with nothing unusual, `medium` is half as likely again as baseline, `high` three times, and
/// `critical` means the model thinks churn is at least as likely as renewal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierThresholds {
    /// Lowest risk of the medium tier.
    pub medium: f64,
    /// Lowest risk of the high tier.
    pub high: f64,
    /// Lowest risk of the critical tier.
    pub critical: f64,
}

impl Default for TierThresholds {
    fn default() -> Self {
        TierThresholds {
            medium: 0.15,
            high: 0.30,
            critical: 0.50,
        }
    }
}

impl TierThresholds {
    /// Checks `0 < medium < high < critical <= 1`.
    pub fn validate(&self) -> Result<()> {
        let ok =
            self.medium > 0.0 && self.medium < self.high && self.high < self.critical && self.critical <= 1.0;
        if ok {
            Ok(())
        } else {
            Err(Error::invalid(
                "tier thresholds",
                format!("{}/{}/{}", self.medium, self.high, self.critical),
                "need 0 < medium < high < critical <= 1",
            ))
        }
    }

    /// The tier of a risk.
    #[inline]
    pub fn tier(&self, risk: f64) -> RiskTier {
        if risk >= self.critical {
            RiskTier::Critical
        } else if risk >= self.high {
            RiskTier::High
        } else if risk >= self.medium {
            RiskTier::Medium
        } else {
            RiskTier::Low
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp, clippy::many_single_char_names)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_lower_bounds() {
        let t = TierThresholds::default();
        assert_eq!(t.tier(0.149), RiskTier::Low);
        assert_eq!(t.tier(0.15), RiskTier::Medium);
        assert_eq!(t.tier(0.30), RiskTier::High);
        assert_eq!(t.tier(0.5), RiskTier::Critical);
        assert_eq!(t.tier(1.0), RiskTier::Critical);
    }

    #[test]
    fn unordered_thresholds_are_rejected() {
        let t = TierThresholds {
            medium: 0.4,
            high: 0.3,
            critical: 0.5,
        };
        assert!(t.validate().is_err());
        assert_eq!(RiskTier::parse("Critical").unwrap(), RiskTier::Critical);
        assert!(RiskTier::parse("severe").is_err());
    }
}
