use std::fmt;

use serde::{Deserialize, Serialize};

use crate::portfolio::Column;
use crate::{Error, Result};

/// Why a customer cancelled: a fixed taxonomy, so reasons captured by surveys and exit
/// interviews add up across accounts (docs/domain-sources.md, "Understand Objections").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChurnReason {
    /// Price too high or budget cut: the benefits did not exceed the cost.
    Price,
    /// The customer did not achieve the outcomes they bought the product for.
    NoValue,
    /// The product was little used: adoption never took hold.
    LowAdoption,
    /// Missing functionality or poor fit with needs.
    ProductFit,
    /// Defects, reliability or performance problems.
    ProductQuality,
    /// Dissatisfaction with support or success services (including under-delivered
    /// entitlements).
    ServiceExperience,
    /// Moved to a competitor.
    Competitor,
    /// The sponsor or champion left, or the decision maker changed.
    ChampionLeft,
    /// The renewal was not asked for, or asked of the wrong person.
    RenewalNotAsked,
    /// Acquisition, merger, bankruptcy or closure of the customer's business.
    BusinessChange,
    /// The customer consolidated onto another product or vendor of their own.
    Consolidation,
    /// Anything else.
    Other,
}

impl ChurnReason {
    /// Every reason, in taxonomy order.
    pub const ALL: [ChurnReason; 12] = [
        ChurnReason::Price,
        ChurnReason::NoValue,
        ChurnReason::LowAdoption,
        ChurnReason::ProductFit,
        ChurnReason::ProductQuality,
        ChurnReason::ServiceExperience,
        ChurnReason::Competitor,
        ChurnReason::ChampionLeft,
        ChurnReason::RenewalNotAsked,
        ChurnReason::BusinessChange,
        ChurnReason::Consolidation,
        ChurnReason::Other,
    ];

    /// The snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChurnReason::Price => "price",
            ChurnReason::NoValue => "no_value",
            ChurnReason::LowAdoption => "low_adoption",
            ChurnReason::ProductFit => "product_fit",
            ChurnReason::ProductQuality => "product_quality",
            ChurnReason::ServiceExperience => "service_experience",
            ChurnReason::Competitor => "competitor",
            ChurnReason::ChampionLeft => "champion_left",
            ChurnReason::RenewalNotAsked => "renewal_not_asked",
            ChurnReason::BusinessChange => "business_change",
            ChurnReason::Consolidation => "consolidation",
            ChurnReason::Other => "other",
        }
    }

    /// Parses a reason name (case-insensitive; spaces and hyphens read as underscores).
    pub fn parse(name: &str) -> Result<Self> {
        let key = name.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        ChurnReason::ALL
            .into_iter()
            .find(|r| r.as_str() == key)
            .ok_or_else(|| Error::unknown("churn reason", name, ChurnReason::ALL.map(ChurnReason::as_str)))
    }
}

impl fmt::Display for ChurnReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of a churn-reason breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasonShare {
    /// The reason.
    pub reason: ChurnReason,
    /// Lost accounts giving it.
    pub accounts: u64,
    /// Their ARR, exact.
    pub arr: i64,
    /// Share of lost accounts.
    pub account_share: f64,
    /// Share of lost ARR; `None` when the lost ARR is 0.
    pub arr_share: Option<f64>,
}

/// Breakdown of lost accounts by cancellation reason, by count and ARR, largest ARR first
/// (then count, then taxonomy order); reasons nobody gave are left out. `arr` must have the
/// same length as `reasons`, no nulls and no negative values.
///
/// ```
/// use cs_core::portfolio::Column;
/// use cs_core::revenue::{churn_reasons, ChurnReason};
/// let reasons = [ChurnReason::Price, ChurnReason::RenewalNotAsked, ChurnReason::Price];
/// let arr = [10_000i64, 50_000, 20_000];
/// let b = churn_reasons(&reasons, Column::new("arr", &arr))?;
/// assert_eq!(b[0].reason, ChurnReason::RenewalNotAsked);
/// assert_eq!((b[1].accounts, b[1].arr), (2, 30_000));
/// assert_eq!(b[1].arr_share, Some(0.375));
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn churn_reasons(reasons: &[ChurnReason], arr: Column<'_, i64>) -> Result<Vec<ReasonShare>> {
    arr.expect_len(reasons.len())?;
    let mut counts = [(0u64, 0i64); ChurnReason::ALL.len()];
    let mut total = 0i64;
    for (i, r) in reasons.iter().enumerate() {
        let a = arr.get(i).ok_or_else(|| Error::missing(arr.name()).at(i))?;
        if a < 0 {
            return Err(Error::out_of_range(arr.name(), a, ">= 0").at(i));
        }
        let overflow = || Error::out_of_range("lost arr", "sum", "the i64 range");
        let slot = &mut counts[*r as usize];
        slot.0 += 1;
        slot.1 = slot.1.checked_add(a).ok_or_else(overflow)?;
        total = total.checked_add(a).ok_or_else(overflow)?;
    }
    let n = reasons.len() as f64;
    let mut out: Vec<ReasonShare> = ChurnReason::ALL
        .into_iter()
        .zip(counts)
        .filter(|(_, (c, _))| *c > 0)
        .map(|(reason, (accounts, arr))| ReasonShare {
            reason,
            accounts,
            arr,
            account_share: accounts as f64 / n,
            arr_share: (total > 0).then(|| arr as f64 / total as f64),
        })
        .collect();
    out.sort_by(|a, b| {
        b.arr
            .cmp(&a.arr)
            .then(b.accounts.cmp(&a.accounts))
            .then(a.reason.cmp(&b.reason))
    });
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp, clippy::many_single_char_names)]
mod tests {
    use super::*;

    #[test]
    fn parse_is_lenient_about_case_and_separators() {
        assert_eq!(
            ChurnReason::parse("Renewal not asked").unwrap(),
            ChurnReason::RenewalNotAsked
        );
        assert_eq!(ChurnReason::parse("no-value").unwrap(), ChurnReason::NoValue);
        assert!(ChurnReason::parse("bored").is_err());
    }

    #[test]
    fn zero_lost_arr_leaves_arr_share_empty() {
        let b = churn_reasons(&[ChurnReason::Other], Column::new("arr", &[0i64])).unwrap();
        assert_eq!((b[0].account_share, b[0].arr_share), (1.0, None));
        assert!(
            churn_reasons(&[], Column::new("arr", &[] as &[i64]))
                .unwrap()
                .is_empty()
        );
    }
}
