//! Entitlement compliance per group of accounts (a package, a segment, a CSM).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::PortfolioCompliance;
use crate::{Error, Result};

/// The compliance aggregate of one group: the fields of [`PortfolioCompliance`] without the
/// per-account reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplianceGroup {
    /// The group key.
    pub key: String,
    /// Accounts in the group.
    pub accounts: u64,
    /// Items delivered.
    pub delivered: u64,
    /// Items owed (delivered + overdue).
    pub owed: u64,
    /// Items overdue.
    pub overdue: u64,
    /// Pooled ratio `delivered / owed`; `None` when nothing is owed.
    pub ratio: Option<f64>,
    /// Mean of the account ratios over accounts that owe something.
    pub mean_account_ratio: Option<f64>,
    /// Accounts with some overdue item.
    pub under_delivered_accounts: u32,
    /// Accounts with some over-delivery.
    pub over_delivered_accounts: u32,
    /// Minutes with customers.
    pub minutes_with_customer: u64,
}

/// The compliance of `portfolio` per key (`keys[i]` is the group of account `i`, in the
/// portfolio's account order), sorted by key; each group aggregated by
/// [`PortfolioCompliance::from_reports`], so a group of everything equals the portfolio.
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::package::*;
/// use cs_core::portfolio::Column;
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let next = |m, day| NaiveDate::from_ymd_opt(2027, m, day).unwrap();
/// let contracts = ContractColumns {
///     account: &["acme", "globex"],
///     package: &["enterprise", "commerce"],
///     start: &[d(1, 15), d(2, 1)],
///     renewal: &[next(1, 15), next(2, 1)],
/// };
/// let deliveries = DeliveryColumns {
///     account: &["acme"], date: &[d(1, 15)], activity: &["csm_introduction"],
///     channel: &["virtual_meeting"],
///     minutes: Column::new("minutes", &[30]), participants: Column::new("participants", &[2]),
/// };
/// let p = entitlement_compliance_batch(&contracts, &deliveries, &[], d(3, 31), &MatchingRules::default())?;
/// let groups = compliance_by(&p, &["enterprise", "commerce"])?;
/// assert_eq!(groups[0].key, "commerce");
/// assert_eq!(groups[1].minutes_with_customer, 30);
/// assert_eq!(groups.iter().map(|g| g.delivered).sum::<u64>(), p.delivered);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn compliance_by<S: AsRef<str>>(
    portfolio: &PortfolioCompliance,
    keys: &[S],
) -> Result<Vec<ComplianceGroup>> {
    if keys.len() != portfolio.reports.len() {
        return Err(Error::LengthMismatch {
            field: "compliance group key".into(),
            expected: portfolio.reports.len(),
            actual: keys.len(),
        });
    }
    let mut rows: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, k) in keys.iter().enumerate() {
        rows.entry(k.as_ref()).or_default().push(i);
    }
    rows.into_iter()
        .map(|(key, rows)| {
            let accounts = rows.iter().map(|&i| portfolio.accounts[i].clone()).collect();
            let reports = rows.iter().map(|&i| portfolio.reports[i].clone()).collect();
            let g = PortfolioCompliance::from_reports(portfolio.as_of, accounts, reports)?;
            Ok(ComplianceGroup {
                key: key.to_owned(),
                accounts: g.reports.len() as u64,
                delivered: g.delivered,
                owed: g.owed,
                overdue: g.overdue,
                ratio: g.ratio,
                mean_account_ratio: g.mean_account_ratio,
                under_delivered_accounts: g.under_delivered_accounts,
                over_delivered_accounts: g.over_delivered_accounts,
                minutes_with_customer: g.minutes_with_customer,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::{ContractColumns, DeliveryColumns, MatchingRules, entitlement_compliance_batch};
    use crate::portfolio::Column;
    use chrono::NaiveDate;

    #[test]
    fn groups_add_up_to_the_portfolio() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let next = NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
        let contracts = ContractColumns {
            account: &["a", "b", "c"],
            package: &["enterprise", "enterprise", "commerce"],
            start: &[d(1, 15), d(1, 15), d(1, 15)],
            renewal: &[next, next, next],
        };
        let deliveries = DeliveryColumns {
            account: &["a", "c"],
            date: &[d(1, 15), d(1, 20)],
            activity: &["csm_introduction", "csm_introduction"],
            channel: &["virtual_meeting", "virtual_meeting"],
            minutes: Column::new("minutes", &[30, 45]),
            participants: Column::new("participants", &[2, 1]),
        };
        let p =
            entitlement_compliance_batch(&contracts, &deliveries, &[], d(6, 30), &MatchingRules::default())
                .unwrap();
        let g = compliance_by(&p, &["x", "y", "x"]).unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(
            (g[0].key.as_str(), g[0].accounts, g[0].minutes_with_customer),
            ("x", 2, 75)
        );
        assert_eq!(g[1].minutes_with_customer, 0);
        assert_eq!(g[0].owed + g[1].owed, p.owed);
        assert_eq!(
            g[0].delivered,
            u64::from(p.reports[0].delivered) + u64::from(p.reports[2].delivered)
        );
        assert!(compliance_by(&p, &["x"]).is_err());
    }
}
