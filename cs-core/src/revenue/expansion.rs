use serde::{Deserialize, Serialize};

use crate::nps::Category;
use crate::renewal::{AccountFactors, RiskTable, inputs};
use crate::{Error, Result};

/// One piece of evidence behind an expansion opportunity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// Usage is close to (or over) the entitled / licensed limit.
    UtilisationNearLimit {
        /// Used ÷ entitled.
        utilisation: f64,
        /// The threshold it reached.
        threshold: f64,
    },
    /// The health score is strong.
    StrongHealth {
        /// The score.
        health_score: f64,
        /// The threshold it reached.
        threshold: f64,
    },
    /// The latest NPS answer is good enough.
    Advocate {
        /// The category.
        nps_category: Category,
    },
}

/// An account that needs more: usage close to its limit while the relationship is strong
/// (docs/domain-sources.md, "Grow Relationship Value": customers whose usage shows that they need
/// more are offered an expanded relationship).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpansionOpportunity {
    /// Why: one entry per criterion met.
    pub evidence: Vec<Evidence>,
}

/// When usage, health and NPS together signal room to expand. Every criterion must hold; a
/// missing input means no signal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExpansionCriteria {
    /// Utilisation at or above this (default 0.85: within 15 % of the limit).
    pub min_utilisation: f64,
    /// Health score at or above this (default 75).
    pub min_health: f64,
    /// Latest NPS category at least this (default promoter).
    pub min_nps: Category,
}

impl Default for ExpansionCriteria {
    fn default() -> Self {
        ExpansionCriteria {
            min_utilisation: 0.85,
            min_health: 75.0,
            min_nps: Category::Promoter,
        }
    }
}

impl ExpansionCriteria {
    /// Checks that the thresholds are finite and the utilisation positive.
    pub fn validate(&self) -> Result<()> {
        if !(self.min_utilisation.is_finite() && self.min_utilisation > 0.0) {
            return Err(Error::out_of_range(
                "min utilisation",
                self.min_utilisation,
                "finite and > 0",
            ));
        }
        if !(0.0..=100.0).contains(&self.min_health) {
            return Err(Error::out_of_range("min health", self.min_health, "0..=100"));
        }
        Ok(())
    }

    /// The per-account rule every other path calls: true when all criteria hold.
    #[inline]
    fn met(&self, utilisation: Option<f64>, health: Option<f64>, nps: Option<Category>) -> bool {
        utilisation.is_some_and(|u| u >= self.min_utilisation)
            && health.is_some_and(|h| h >= self.min_health)
            && nps.is_some_and(|c| c >= self.min_nps)
    }

    /// The opportunity of one account, with its evidence, or `None`.
    ///
    /// ```
    /// use cs_core::nps::Category;
    /// use cs_core::renewal::AccountFactors;
    /// use cs_core::revenue::ExpansionCriteria;
    /// let a = AccountFactors {
    ///     utilisation: Some(0.95),
    ///     health_score: Some(88.0),
    ///     nps_category: Some(Category::Promoter),
    ///     ..AccountFactors::default()
    /// };
    /// let o = ExpansionCriteria::default().assess(&a).unwrap();
    /// assert_eq!(o.evidence.len(), 3);
    /// ```
    pub fn assess(&self, account: &AccountFactors) -> Option<ExpansionOpportunity> {
        let u = account.value(inputs::UTILISATION);
        let h = account.value(inputs::HEALTH_SCORE);
        let c = account.nps_category;
        if !self.met(u, h, c) {
            return None;
        }
        let (u, h, c) = (u?, h?, c?);
        Some(ExpansionOpportunity {
            evidence: vec![
                Evidence::UtilisationNearLimit {
                    utilisation: u,
                    threshold: self.min_utilisation,
                },
                Evidence::StrongHealth {
                    health_score: h,
                    threshold: self.min_health,
                },
                Evidence::Advocate { nps_category: c },
            ],
        })
    }

    /// Expansion flags for every row of `table`, from its `utilisation`, `health_score` and
    /// `nps_category` columns (all three must be present; nulls give false).
    pub fn signals(&self, table: &RiskTable<'_>) -> Result<Vec<bool>> {
        self.validate()?;
        let u = table.require(inputs::UTILISATION)?;
        let h = table.require(inputs::HEALTH_SCORE)?;
        let c = table.require(inputs::NPS_CATEGORY)?;
        Ok((0..table.len())
            .map(|i| {
                // Category codes are 0, 1, 2; anything else is unknown.
                let cat = c
                    .get(i)
                    .filter(|v| v.is_finite() && v.fract() == 0.0 && *v >= 0.0)
                    .and_then(|v| Category::ALL.get(v as usize).copied());
                self.met(
                    u.get(i).filter(|v| v.is_finite()),
                    h.get(i).filter(|v| v.is_finite()),
                    cat,
                )
            })
            .collect())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp, clippy::many_single_char_names)]
mod tests {
    use super::*;
    use crate::portfolio::Column;

    #[test]
    fn every_criterion_is_needed() {
        let c = ExpansionCriteria::default();
        let good = AccountFactors {
            utilisation: Some(0.85),
            health_score: Some(75.0),
            nps_category: Some(Category::Promoter),
            ..AccountFactors::default()
        };
        assert!(c.assess(&good).is_some());
        for bad in [
            AccountFactors {
                utilisation: Some(0.84),
                ..good.clone()
            },
            AccountFactors {
                health_score: Some(74.9),
                ..good.clone()
            },
            AccountFactors {
                nps_category: Some(Category::Passive),
                ..good.clone()
            },
            AccountFactors {
                nps_category: None,
                ..good.clone()
            },
        ] {
            assert!(c.assess(&bad).is_none());
        }
    }

    #[test]
    fn batch_signals_match_the_account_rule() {
        let u = [0.9, 0.9, 0.5];
        let h = [80.0, 80.0, 90.0];
        let n = [2.0, 1.0, 2.0];
        let t = RiskTable::new(3)
            .with(Column::new("utilisation", &u))
            .unwrap()
            .with(Column::new("health_score", &h))
            .unwrap()
            .with(Column::new("nps_category", &n))
            .unwrap();
        assert_eq!(
            ExpansionCriteria::default().signals(&t).unwrap(),
            vec![true, false, false]
        );
    }
}
