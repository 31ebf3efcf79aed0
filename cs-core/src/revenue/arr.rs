use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::portfolio::{Column, Granularity, Period};
use crate::renewal::RiskTier;
use crate::{Error, Result};

/// Compensated (Neumaier) sum: the expected loss stays accurate to a fraction of a minor unit
/// over tens of millions of accounts, and the order of addition is the row order, so results
/// are reproducible.
#[derive(Debug, Clone, Copy, Default)]
struct Sum {
    sum: f64,
    compensation: f64,
}

impl Sum {
    #[inline]
    fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    fn value(self) -> f64 {
        self.sum + self.compensation
    }
}

/// ARR and expected loss of one group of accounts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArrGroup<K> {
    /// The group key.
    pub key: K,
    /// Accounts in the group.
    pub accounts: u64,
    /// Their ARR, exact (minor units).
    pub arr: i64,
    /// Expected ARR lost: Σ ARR × risk (minor units, f64).
    pub expected_loss: f64,
}

#[derive(Default)]
struct Acc {
    accounts: u64,
    arr: i64,
    loss: Sum,
}

impl Acc {
    fn add(&mut self, arr: i64, loss: f64) -> Result<()> {
        self.accounts += 1;
        self.arr = self.arr.checked_add(arr).ok_or_else(|| {
            Error::out_of_range("arr total", format!("{} + {arr}", self.arr), "the i64 range")
        })?;
        self.loss.add(loss);
        Ok(())
    }

    fn group<K>(self, key: K) -> ArrGroup<K> {
        ArrGroup {
            key,
            accounts: self.accounts,
            arr: self.arr,
            expected_loss: self.loss.value(),
        }
    }
}

/// Revenue exposed to churn across a portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArrAtRisk {
    /// Accounts counted.
    pub accounts: u64,
    /// Total ARR, exact.
    pub arr: i64,
    /// Expected loss Σ ARR × risk, in minor units.
    pub expected_loss: f64,
    /// Per tier, low to critical (every tier listed).
    pub by_tier: Vec<ArrGroup<RiskTier>>,
    /// Per renewal month (`None`: no renewal date), sorted; empty when no dates were given.
    pub by_renewal_month: Vec<ArrGroup<Option<Period>>>,
    /// Per segment, sorted; empty when no segments were given.
    pub by_segment: Vec<ArrGroup<String>>,
}

/// ARR at risk: the expected loss `Σ ARR_i × risk_i` and ARR by tier, by renewal month and by
/// segment. `arr` (no nulls, `>= 0`), `risk` (0..=1), `tier`, and the optional renewal dates
/// and segments are per account and must have equal lengths.
///
/// ```
/// use cs_core::portfolio::Column;
/// use cs_core::renewal::RiskTier;
/// use cs_core::revenue::arr_at_risk;
/// let arr = [100_000i64, 50_000];
/// let risk = [0.1, 0.6];
/// let tier = [RiskTier::Low, RiskTier::Critical];
/// let r = arr_at_risk(Column::new("arr", &arr), &risk, &tier, None, Some(&["ent", "smb"]))?;
/// assert_eq!(r.arr, 150_000);
/// assert!((r.expected_loss - 40_000.0).abs() < 1e-9); // 10 000 + 30 000
/// assert_eq!(r.by_tier[3].arr, 50_000);
/// assert_eq!(r.by_segment[1].key, "smb");
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn arr_at_risk<S: AsRef<str>>(
    arr: Column<'_, i64>,
    risk: &[f64],
    tier: &[RiskTier],
    renewal_date: Option<Column<'_, NaiveDate>>,
    segment: Option<&[S]>,
) -> Result<ArrAtRisk> {
    let n = arr.len();
    Column::new("risk", risk).expect_len(n)?;
    Column::new("tier", tier).expect_len(n)?;
    if let Some(d) = &renewal_date {
        d.expect_len(n)?;
    }
    if let Some(s) = segment {
        super::check_len("segment", s.len(), n)?;
    }
    let mut total = Acc::default();
    let mut tiers: [Acc; 4] = Default::default();
    let mut months: BTreeMap<Option<Period>, Acc> = BTreeMap::new();
    let mut segments: BTreeMap<&str, Acc> = BTreeMap::new();
    for i in 0..n {
        let a = arr.get(i).ok_or_else(|| Error::missing(arr.name()).at(i))?;
        if a < 0 {
            return Err(Error::out_of_range(arr.name(), a, ">= 0").at(i));
        }
        let r = risk[i];
        if !(0.0..=1.0).contains(&r) {
            return Err(Error::out_of_range("risk", r, "0..=1").at(i));
        }
        let loss = a as f64 * r;
        total.add(a, loss)?;
        tiers[tier[i].index()].add(a, loss)?;
        if let Some(d) = &renewal_date {
            let key = d.get(i).map(|d| Granularity::Month.period_of(d));
            months.entry(key).or_default().add(a, loss)?;
        }
        if let Some(s) = segment {
            segments.entry(s[i].as_ref()).or_default().add(a, loss)?;
        }
    }
    Ok(ArrAtRisk {
        accounts: total.accounts,
        arr: total.arr,
        expected_loss: total.loss.value(),
        by_tier: RiskTier::ALL
            .into_iter()
            .zip(tiers)
            .map(|(t, a)| a.group(t))
            .collect(),
        by_renewal_month: months.into_iter().map(|(k, a)| a.group(k)).collect(),
        by_segment: segments.into_iter().map(|(k, a)| a.group(k.to_owned())).collect(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp, clippy::many_single_char_names)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn groups_by_month_and_rejects_bad_rows() {
        let arr = [1_000i64, 2_000, 3_000];
        let risk = [0.5, 0.25, 0.0];
        let tier = [RiskTier::Critical, RiskTier::Medium, RiskTier::Low];
        let dates = [d(2026, 3, 1), d(2026, 3, 31), d(2026, 5, 2)];
        let r = arr_at_risk::<&str>(
            Column::new("arr", &arr),
            &risk,
            &tier,
            Some(Column::new("renewal_date", &dates)),
            None,
        )
        .unwrap();
        // March: 1 000 × 0.5 + 2 000 × 0.25 = 1 000 expected of 3 000; May: 0 of 3 000.
        assert_eq!(r.by_renewal_month.len(), 2);
        assert_eq!(r.by_renewal_month[0].key.unwrap().to_string(), "2026-03");
        assert_eq!(
            (r.by_renewal_month[0].arr, r.by_renewal_month[0].expected_loss),
            (3_000, 1_000.0)
        );
        assert!(r.by_segment.is_empty());
        let bad = [0.5, 1.5, 0.0];
        let e = arr_at_risk::<&str>(Column::new("arr", &arr), &bad, &tier, None, None).unwrap_err();
        assert_eq!(e.to_string(), "risk 1.5 at position 1 is outside 0..=1");
        let neg = [1i64, -2, 3];
        assert!(arr_at_risk::<&str>(Column::new("arr", &neg), &risk, &tier, None, None).is_err());
        assert!(arr_at_risk::<&str>(Column::new("arr", &arr[..2]), &risk, &tier, None, None).is_err());
    }

    #[test]
    fn compensated_sum_is_exact_on_many_small_terms() {
        // 10⁶ × (10 × 0.1): a naive f64 sum drifts; the compensated one lands on 10⁶ within 1e-6.
        let n = 1_000_000;
        let arr = vec![10i64; n];
        let risk = vec![0.1; n];
        let tier = vec![RiskTier::Low; n];
        let r = arr_at_risk::<&str>(Column::new("arr", &arr), &risk, &tier, None, None).unwrap();
        assert!(
            (r.expected_loss - 1_000_000.0).abs() < 1e-6,
            "{}",
            r.expected_loss
        );
    }
}
