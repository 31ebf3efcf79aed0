//! Renewals coming up: the accounts renewing within a horizon, by renewal month and risk tier.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::portfolio::{Column, Granularity, Period};
use crate::renewal::RiskTier;
use crate::{Error, Result};

/// Accounts and ARR renewing in one month, per risk tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RenewalMonth {
    /// The calendar month of the renewal dates.
    pub month: Period,
    /// Accounts renewing that month.
    pub accounts: u64,
    /// Their ARR, minor units.
    pub arr: i64,
    /// Accounts per tier, low to critical.
    pub accounts_by_tier: [u64; 4],
    /// ARR per tier, low to critical, minor units.
    pub arr_by_tier: [i64; 4],
}

/// The renewals on `as_of ..= as_of + horizon_days`, by month (chronological, only months
/// with a renewal), and their totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpcomingRenewals {
    /// The first day counted.
    pub from: NaiveDate,
    /// The last day counted.
    pub to: NaiveDate,
    /// Accounts renewing in the horizon.
    pub accounts: u64,
    /// Their ARR, minor units.
    pub arr: i64,
    /// Per month.
    pub by_month: Vec<RenewalMonth>,
}

/// Renewals within `horizon_days` of `as_of` (both ends included) by renewal month and risk
/// tier. `arr` (no nulls, `>= 0`), `tier` and `renewal_date` are per account; an account
/// without a renewal date, or renewing before `as_of` or after the horizon, is not counted.
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::portfolio::Column;
/// use cs_core::renewal::RiskTier;
/// use cs_core::revenue::upcoming_renewals;
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let arr = [100_00i64, 50_00, 70_00];
/// let tier = [RiskTier::Low, RiskTier::High, RiskTier::High];
/// let dates = [d(7, 15), d(7, 31), d(12, 31)];
/// let r = upcoming_renewals(Column::new("arr", &arr), &tier, Column::new("renewal_date", &dates), d(6, 30), 180)?;
/// assert_eq!((r.accounts, r.arr), (2, 150_00)); // 2026-12-31 is 184 days away
/// assert_eq!(r.by_month[0].month.to_string(), "2026-07");
/// assert_eq!(r.by_month[0].arr_by_tier, [100_00, 0, 50_00, 0]);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn upcoming_renewals(
    arr: Column<'_, i64>,
    tier: &[RiskTier],
    renewal_date: Column<'_, NaiveDate>,
    as_of: NaiveDate,
    horizon_days: u32,
) -> Result<UpcomingRenewals> {
    let n = arr.len();
    Column::new("tier", tier).expect_len(n)?;
    renewal_date.expect_len(n)?;
    let to = as_of
        .checked_add_days(chrono::Days::new(u64::from(horizon_days)))
        .ok_or_else(|| Error::out_of_range("horizon days", horizon_days, "a date chrono can represent"))?;
    let overflow = |row: usize, a: i64| Error::out_of_range("arr total", a, "a sum within i64").at(row);
    let mut months: BTreeMap<Period, RenewalMonth> = BTreeMap::new();
    let (mut accounts, mut total) = (0u64, 0i64);
    for (i, tier) in tier.iter().enumerate() {
        let a = arr.get(i).ok_or_else(|| Error::missing(arr.name()).at(i))?;
        if a < 0 {
            return Err(Error::out_of_range(arr.name(), a, ">= 0").at(i));
        }
        let Some(date) = renewal_date.get(i) else { continue };
        if date < as_of || date > to {
            continue;
        }
        let month = Granularity::Month.period_of(date);
        let m = months.entry(month).or_insert(RenewalMonth {
            month,
            accounts: 0,
            arr: 0,
            accounts_by_tier: [0; 4],
            arr_by_tier: [0; 4],
        });
        let t = tier.index();
        m.accounts += 1;
        m.arr = m.arr.checked_add(a).ok_or_else(|| overflow(i, a))?;
        m.accounts_by_tier[t] += 1;
        m.arr_by_tier[t] = m.arr_by_tier[t].checked_add(a).ok_or_else(|| overflow(i, a))?;
        accounts += 1;
        total = total.checked_add(a).ok_or_else(|| overflow(i, a))?;
    }
    Ok(UpcomingRenewals {
        from: as_of,
        to,
        accounts,
        arr: total,
        by_month: months.into_values().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_horizon_inclusively_by_month_and_tier() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        // as of 2026-06-30, 10 days: 06-30 and 07-10 count; 06-29 (past) and 07-11 do not.
        let dates = [
            d(2026, 6, 30),
            d(2026, 7, 10),
            d(2026, 6, 29),
            d(2026, 7, 11),
            d(2026, 7, 1),
        ];
        let arr = [1, 2, 4, 8, 16];
        let tier = [
            RiskTier::Critical,
            RiskTier::Low,
            RiskTier::Low,
            RiskTier::Low,
            RiskTier::Critical,
        ];
        let r = upcoming_renewals(
            Column::new("arr", &arr),
            &tier,
            Column::new("d", &dates),
            d(2026, 6, 30),
            10,
        )
        .unwrap();
        assert_eq!(r.to, d(2026, 7, 10));
        assert_eq!((r.accounts, r.arr), (3, 19));
        assert_eq!(r.by_month.len(), 2);
        assert_eq!(r.by_month[0].arr_by_tier, [0, 0, 0, 1]);
        assert_eq!(r.by_month[1].accounts_by_tier, [1, 0, 0, 1]);
        assert_eq!(r.by_month[1].arr, 18);
        let neg = upcoming_renewals(
            Column::new("arr", &[-1]),
            &tier[..1],
            Column::new("d", &dates[..1]),
            d(2026, 6, 30),
            10,
        );
        assert!(neg.is_err());
    }
}
