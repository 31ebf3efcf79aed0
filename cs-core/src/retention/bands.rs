use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Churn rate of the accounts in one health band (or any other label).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandChurn<K> {
    /// The band.
    pub key: K,
    /// Accounts in the band.
    pub accounts: u64,
    /// Of which churned.
    pub churned: u64,
    /// churned / accounts.
    pub churn_rate: f64,
}

/// Churn rate per band: `key(i)` is row `i`'s band (red / yellow / green, or any label) at the
/// start of the backtest window and `churned[i]` its outcome. Bands come back sorted by key.
///
/// ```
/// use cs_core::retention::churn_by_band;
/// let band = ["red", "green", "red", "yellow", "green"];
/// let churned = [true, false, false, false, false];
/// let rates = churn_by_band(&churned, |i| Ok(band[i]))?;
/// assert_eq!(rates[1].key, "red");
/// assert_eq!(rates[1].churn_rate, 0.5);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn churn_by_band<K, F>(churned: &[bool], mut key: F) -> Result<Vec<BandChurn<K>>>
where
    K: Eq + Hash + Ord,
    F: FnMut(usize) -> Result<K>,
{
    if churned.is_empty() {
        return Err(Error::empty("churned"));
    }
    let mut counts: HashMap<K, (u64, u64)> = HashMap::new();
    for (i, &c) in churned.iter().enumerate() {
        let e = counts.entry(key(i)?).or_insert((0, 0));
        e.0 += 1;
        e.1 += u64::from(c);
    }
    let mut out: Vec<BandChurn<K>> = counts
        .into_iter()
        .map(|(key, (accounts, churned))| BandChurn {
            key,
            accounts,
            churned,
            churn_rate: churned as f64 / accounts as f64,
        })
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// Lead time of one churned account: from its first red observation to its churn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadTime<K> {
    /// The account.
    pub account: K,
    /// The churn date.
    pub churn_date: NaiveDate,
    /// The first date on or before churn at which the account was red; `None` if it never was
    /// (the score missed this churn).
    pub first_red: Option<NaiveDate>,
    /// Days from `first_red` to `churn_date`.
    pub lead_days: Option<i64>,
}

/// How early the red band warned of churn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadTimes<K> {
    /// One entry per churned account, sorted by account.
    pub accounts: Vec<LeadTime<K>>,
    /// Churned accounts.
    pub churned: u64,
    /// Churned accounts that were red at some point on or before churn.
    pub flagged: u64,
    /// flagged / churned (the red band's recall); `None` without churned accounts.
    pub flagged_share: Option<f64>,
    /// Accounts of the history that were red at some point but did not churn (false alarms).
    pub red_retained: u64,
    /// `flagged / (flagged + red_retained)`: the share of red accounts that churned.
    pub red_precision: Option<f64>,
    /// Mean lead time in days over flagged accounts.
    pub mean_lead_days: Option<f64>,
    /// Median lead time in days over flagged accounts (mean of the two middle values for an
    /// even count).
    pub median_lead_days: Option<f64>,
}

/// Lead time between the first red band and churn.
///
/// The score history is three columns, one row per account and date: `accounts`, `dates` and
/// `red` (whether the account's band was red on that date). Churns are two columns:
/// `churned_accounts` and `churn_dates`. For each churned account the first red date on or
/// before its churn date gives the lead time; accounts of the history that were red but are not
/// among the churns count as false alarms.
///
/// Errors: columns of different lengths, or an account that churns twice.
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::retention::red_lead_times;
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let accounts = ["a", "a", "a", "b", "b", "c"];
/// let dates = [d(1, 1), d(2, 1), d(3, 1), d(1, 1), d(2, 1), d(1, 1)];
/// let red = [false, true, true, false, false, true];
/// let lead = red_lead_times(&accounts, &dates, &red, &["a", "b"], &[d(3, 15), d(4, 1)])?;
/// assert_eq!(lead.accounts[0].lead_days, Some(42)); // 1 Feb to 15 Mar
/// assert_eq!(lead.accounts[1].first_red, None); // b churned without warning
/// assert_eq!((lead.flagged, lead.red_retained), (1, 1)); // c was red and stayed
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn red_lead_times<K>(
    accounts: &[K],
    dates: &[NaiveDate],
    red: &[bool],
    churned_accounts: &[K],
    churn_dates: &[NaiveDate],
) -> Result<LeadTimes<K>>
where
    K: Eq + Hash + Ord + Clone,
{
    for (field, len) in [("dates", dates.len()), ("red", red.len())] {
        if len != accounts.len() {
            return Err(Error::LengthMismatch {
                field: field.into(),
                expected: accounts.len(),
                actual: len,
            });
        }
    }
    if churn_dates.len() != churned_accounts.len() {
        return Err(Error::LengthMismatch {
            field: "churn dates".into(),
            expected: churned_accounts.len(),
            actual: churn_dates.len(),
        });
    }
    let mut churn: HashMap<&K, NaiveDate> = HashMap::with_capacity(churned_accounts.len());
    for (i, (k, &date)) in churned_accounts.iter().zip(churn_dates).enumerate() {
        if churn.insert(k, date).is_some() {
            return Err(Error::duplicate("churned account", format!("row {i}")));
        }
    }
    let mut first_red: HashMap<&K, NaiveDate> = HashMap::new();
    let mut red_retained: HashSet<&K> = HashSet::new();
    for ((k, &date), &is_red) in accounts.iter().zip(dates).zip(red) {
        if !is_red {
            continue;
        }
        match churn.get(k) {
            Some(&churned_on) if date <= churned_on => {
                let e = first_red.entry(k).or_insert(date);
                *e = (*e).min(date);
            }
            Some(_) => {}
            None => {
                red_retained.insert(k);
            }
        }
    }
    let mut out: Vec<LeadTime<K>> = churned_accounts
        .iter()
        .zip(churn_dates)
        .map(|(k, &churn_date)| {
            let first = first_red.get(k).copied();
            LeadTime {
                account: k.clone(),
                churn_date,
                first_red: first,
                lead_days: first.map(|f| (churn_date - f).num_days()),
            }
        })
        .collect();
    out.sort_by(|a, b| a.account.cmp(&b.account));
    let mut leads: Vec<i64> = out.iter().filter_map(|l| l.lead_days).collect();
    leads.sort_unstable();
    let flagged = leads.len() as u64;
    let churned = out.len() as u64;
    let red_retained = red_retained.len() as u64;
    let median = match leads.len() {
        0 => None,
        n if n % 2 == 1 => Some(leads[n / 2] as f64),
        n => Some(f64::midpoint(leads[n / 2 - 1] as f64, leads[n / 2] as f64)),
    };
    Ok(LeadTimes {
        accounts: out,
        churned,
        flagged,
        flagged_share: (churned > 0).then(|| flagged as f64 / churned as f64),
        red_retained,
        red_precision: (flagged + red_retained > 0).then(|| flagged as f64 / (flagged + red_retained) as f64),
        mean_lead_days: (flagged > 0).then(|| leads.iter().map(|&d| d as f64).sum::<f64>() / flagged as f64),
        median_lead_days: median,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)] // exact expected values; unwrap reports a failure
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn red_after_churn_does_not_count_and_first_red_wins() {
        // x: red on 10 Jan and 1 Mar, churns 1 Feb -> first red 10 Jan, lead 22 days.
        // y: red only after churn -> missed. z: red on 5 Jan, churns 25 Jan -> 20 days.
        let acc = ["x", "x", "y", "z", "x"];
        let dates = [d(3, 1), d(1, 10), d(3, 1), d(1, 5), d(1, 20)];
        let red = [true, true, true, true, false];
        let lt = red_lead_times(
            &acc,
            &dates,
            &red,
            &["z", "x", "y"],
            &[d(1, 25), d(2, 1), d(2, 1)],
        )
        .unwrap();
        let days: Vec<Option<i64>> = lt.accounts.iter().map(|l| l.lead_days).collect();
        assert_eq!(days, [Some(22), None, Some(20)]);
        assert_eq!(lt.flagged_share, Some(2.0 / 3.0));
        assert_eq!(lt.median_lead_days, Some(21.0));
        assert_eq!(lt.mean_lead_days, Some(21.0));
        assert_eq!(lt.red_precision, Some(1.0));
    }

    #[test]
    fn duplicate_churn_and_length_mismatch_are_errors() {
        let e = red_lead_times(&["a"], &[d(1, 1)], &[true], &["a", "a"], &[d(1, 2), d(1, 3)]).unwrap_err();
        assert!(matches!(e, Error::Duplicate { .. }));
        assert!(red_lead_times(&["a"], &[], &[true], &["a"], &[d(1, 2)]).is_err());
    }

    #[test]
    fn band_rates_by_hand() {
        let churned = [true, true, false, false];
        let band = ["red", "red", "red", "green"];
        let r = churn_by_band(&churned, |i| Ok(band[i])).unwrap();
        assert_eq!(r[0].churn_rate, 0.0);
        assert!((r[1].churn_rate - 2.0 / 3.0).abs() < 1e-15);
        assert!(churn_by_band(&[], |_| Ok("x")).is_err());
    }
}
