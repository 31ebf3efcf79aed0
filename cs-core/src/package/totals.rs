//! The portfolio totals of entitlement compliance, mergeable: the counts of any set of accounts
//! and the exact sum of their ratios, so totals over parts of a portfolio (a cluster's
//! partitions) merged in any order equal the totals of the whole, to the last bit.

use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::statistics::ExactSum;
use crate::{Error, Result};

/// Compliance totals of a set of accounts: items delivered, owed and overdue, accounts under-
/// and over-delivered, minutes with customers, and the exact sum of the account ratios of the
/// accounts that owe something. [`super::PortfolioCompliance`] takes its totals from here.
///
/// ```
/// use cs_core::document::Document;
/// use cs_core::package::ComplianceTotals;
/// let mut first = ComplianceTotals::new();
/// first.add_account(3, 4, 1, Some(0.75), true, false, 120)?;
/// let mut second = ComplianceTotals::new();
/// second.add_account(1, 3, 2, Some(1.0 / 3.0), true, true, 30)?;
/// second.add_account(0, 0, 0, None, false, false, 0)?; // owes nothing yet
/// let mut all = ComplianceTotals::from_json(&second.to_json()?)?;
/// all.merge(&first)?;
/// assert_eq!((all.accounts(), all.delivered(), all.owed()), (3, 4, 7));
/// assert_eq!(all.ratio(), Some(4.0 / 7.0)); // pooled
/// assert_eq!(all.mean_account_ratio(), Some((0.75 + 1.0 / 3.0) / 2.0));
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplianceTotals {
    schema_version: u32,
    accounts: u64,
    delivered: u64,
    owed: u64,
    overdue: u64,
    under_delivered_accounts: u64,
    over_delivered_accounts: u64,
    minutes_with_customer: u64,
    /// Accounts with a ratio (that owe something).
    ratio_accounts: u64,
    /// Σ ratio over those accounts, exact.
    ratio_sum: ExactSum,
}

impl Default for ComplianceTotals {
    fn default() -> Self {
        Self::new()
    }
}

fn sum(total: &mut u64, add: u64, what: &str) -> Result<()> {
    *total = total
        .checked_add(add)
        .ok_or_else(|| Error::out_of_range(what, add, "a total within 64 bits"))?;
    Ok(())
}

impl ComplianceTotals {
    /// The version of the totals document this build writes and reads.
    pub const SCHEMA_VERSION: u32 = 1;

    /// No accounts yet.
    pub fn new() -> Self {
        ComplianceTotals {
            schema_version: Self::SCHEMA_VERSION,
            accounts: 0,
            delivered: 0,
            owed: 0,
            overdue: 0,
            under_delivered_accounts: 0,
            over_delivered_accounts: 0,
            minutes_with_customer: 0,
            ratio_accounts: 0,
            ratio_sum: ExactSum::default(),
        }
    }

    /// Adds one account's figures (its ratio `delivered / owed`, `None` when it owes nothing);
    /// a ratio outside `0..=1` is an error.
    #[allow(clippy::too_many_arguments)]
    pub fn add_account(
        &mut self,
        delivered: u64,
        owed: u64,
        overdue: u64,
        ratio: Option<f64>,
        under_delivered: bool,
        over_delivered: bool,
        minutes_with_customer: u64,
    ) -> Result<()> {
        if let Some(r) = ratio {
            if !(0.0..=1.0).contains(&r) {
                return Err(Error::out_of_range("account ratio", r, "0..=1"));
            }
            self.ratio_sum.add(r)?;
            self.ratio_accounts += 1;
        }
        self.accounts += 1;
        sum(&mut self.delivered, delivered, "delivered")?;
        sum(&mut self.owed, owed, "owed")?;
        sum(&mut self.overdue, overdue, "overdue")?;
        self.under_delivered_accounts += u64::from(under_delivered);
        self.over_delivered_accounts += u64::from(over_delivered);
        sum(
            &mut self.minutes_with_customer,
            minutes_with_customer,
            "minutes with customer",
        )
    }

    /// Adds the accounts of `other`.
    pub fn merge(&mut self, other: &ComplianceTotals) -> Result<()> {
        sum(&mut self.accounts, other.accounts, "accounts")?;
        sum(&mut self.delivered, other.delivered, "delivered")?;
        sum(&mut self.owed, other.owed, "owed")?;
        sum(&mut self.overdue, other.overdue, "overdue")?;
        sum(
            &mut self.under_delivered_accounts,
            other.under_delivered_accounts,
            "accounts",
        )?;
        sum(
            &mut self.over_delivered_accounts,
            other.over_delivered_accounts,
            "accounts",
        )?;
        sum(
            &mut self.minutes_with_customer,
            other.minutes_with_customer,
            "minutes with customer",
        )?;
        sum(&mut self.ratio_accounts, other.ratio_accounts, "accounts")?;
        self.ratio_sum.merge(&other.ratio_sum);
        Ok(())
    }

    /// Accounts added.
    pub fn accounts(&self) -> u64 {
        self.accounts
    }
    /// Items delivered.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }
    /// Items owed (delivered + overdue).
    pub fn owed(&self) -> u64 {
        self.owed
    }
    /// Items overdue.
    pub fn overdue(&self) -> u64 {
        self.overdue
    }
    /// Accounts with some overdue item.
    pub fn under_delivered_accounts(&self) -> u64 {
        self.under_delivered_accounts
    }
    /// Accounts with some over-delivery.
    pub fn over_delivered_accounts(&self) -> u64 {
        self.over_delivered_accounts
    }
    /// Minutes with customers.
    pub fn minutes_with_customer(&self) -> u64 {
        self.minutes_with_customer
    }
    /// The pooled ratio `delivered / owed`; `None` when nothing is owed.
    pub fn ratio(&self) -> Option<f64> {
        (self.owed > 0).then(|| self.delivered as f64 / self.owed as f64)
    }
    /// The mean of the account ratios over the accounts that owe something (the exact sum,
    /// rounded once, over their number); `None` when none does.
    pub fn mean_account_ratio(&self) -> Option<f64> {
        (self.ratio_accounts > 0).then(|| self.ratio_sum.value() / self.ratio_accounts as f64)
    }
}

impl Document for ComplianceTotals {
    const KIND: &'static str = "compliance totals";
    const SCHEMA_VERSION: u32 = ComplianceTotals::SCHEMA_VERSION;

    fn schema_version(&self) -> u32 {
        self.schema_version
    }

    fn validate(&self) -> Result<()> {
        let most = |what: &str, n: u64| {
            if n > self.accounts {
                Err(Error::invalid(
                    "compliance totals",
                    format!("{what} {n} of {} accounts", self.accounts),
                    "at most the accounts",
                ))
            } else {
                Ok(())
            }
        };
        most("ratio accounts", self.ratio_accounts)?;
        most("under-delivered accounts", self.under_delivered_accounts)?;
        most("over-delivered accounts", self.over_delivered_accounts)?;
        if self.delivered > self.owed || self.overdue > self.owed {
            return Err(Error::invalid(
                "compliance totals",
                format!(
                    "{} delivered, {} overdue of {} owed",
                    self.delivered, self.overdue, self.owed
                ),
                "delivered and overdue at most the items owed",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed setup fails the test
mod tests {
    use super::*;

    #[test]
    fn bad_figures_are_refused() {
        let e = ComplianceTotals::new()
            .add_account(1, 1, 0, Some(1.5), false, false, 0)
            .unwrap_err();
        assert!(e.to_string().contains("1.5"), "{e}");
        assert!(
            ComplianceTotals::new()
                .add_account(1, 1, 0, Some(f64::NAN), false, false, 0)
                .is_err()
        );
        let text = serde_json::to_string(&ComplianceTotals::new()).unwrap();
        for (from, to) in [
            ("\"accounts\":0", "\"accounts\":0,\"x\":1"),
            ("\"ratio_accounts\":0", "\"ratio_accounts\":2"),
            ("\"delivered\":0", "\"delivered\":3"),
            ("\"schema_version\":1", "\"schema_version\":2"),
        ] {
            assert!(text.contains(from), "{text}");
            assert!(
                ComplianceTotals::from_json(&text.replace(from, to)).is_err(),
                "{to}"
            );
        }
    }
}
