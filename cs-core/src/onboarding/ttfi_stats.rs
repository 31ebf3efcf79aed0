use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::first_impact::{FirstImpactState, FirstImpactStatus};
use crate::{Error, Result};

/// The Time to First Impact distribution of a group of accounts.
///
/// Median and p90 are over accounts that achieved First Impact (with a known origin), by
/// linear interpolation between order statistics (numpy's default `percentile`). Accounts
/// still onboarding are censored observations, so these percentiles understate the true TTFI
/// while many accounts are open; `share_past_target` counts them where the outcome is already
/// known: `(achieved late + onboarding overdue) / (achieved + onboarding overdue)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TtfiSummary {
    /// Accounts in the group.
    pub accounts: u64,
    /// Accounts whose clock has not started.
    pub not_started: u64,
    /// Accounts onboarding within target.
    pub onboarding: u64,
    /// Accounts onboarding past target.
    pub overdue: u64,
    /// Accounts that achieved First Impact.
    pub achieved: u64,
    /// Of those, accounts whose TTFI exceeded the target.
    pub achieved_late: u64,
    /// Median TTFI in days.
    pub median_days: Option<f64>,
    /// 90th percentile of TTFI in days.
    pub p90_days: Option<f64>,
    /// Share of decided accounts past the target (see the type's docs); `None` when none is
    /// decided.
    pub share_past_target: Option<f64>,
}

/// One group of a TTFI breakdown (a segment, a CSM).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TtfiGroup<K> {
    /// The group key.
    pub key: K,
    /// The group's summary.
    pub summary: TtfiSummary,
}

/// An account still onboarding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenOnboarding {
    /// The account's row in the input.
    pub row: usize,
    /// Days since the origin.
    pub days_open: i64,
    /// Past the target.
    pub overdue: bool,
}

/// The `q`-quantile (0..=1) of sorted values by linear interpolation; `None` when empty.
fn quantile(sorted: &[i64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let pos = q * last as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let (a, b) = (sorted[lo] as f64, sorted[hi.min(last)] as f64);
    Some(a + (b - a) * (pos - lo as f64))
}

/// The TTFI summary of a group of accounts.
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::onboarding::{ttfi_summary, TtfiConfig};
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day);
/// let cfg = TtfiConfig { target_days: 30, ..TtfiConfig::default() };
/// let as_of = d(6, 1).unwrap();
/// let rows = [
///     cfg.status(d(1, 1), d(1, 11), as_of)?, // 10 days
///     cfg.status(d(1, 1), d(1, 21), as_of)?, // 20 days
///     cfg.status(d(1, 1), d(2, 10), as_of)?, // 40 days: late
///     cfg.status(d(5, 1), None, as_of)?,     // 31 days open: overdue
/// ];
/// let s = ttfi_summary(&rows);
/// assert_eq!(s.median_days, Some(20.0));
/// assert_eq!(s.share_past_target, Some(0.5)); // (1 late + 1 overdue) / (3 + 1)
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn ttfi_summary(statuses: &[FirstImpactStatus]) -> TtfiSummary {
    summarise(statuses.iter())
}

fn summarise<'s>(statuses: impl Iterator<Item = &'s FirstImpactStatus>) -> TtfiSummary {
    let mut s = TtfiSummary {
        accounts: 0,
        not_started: 0,
        onboarding: 0,
        overdue: 0,
        achieved: 0,
        achieved_late: 0,
        median_days: None,
        p90_days: None,
        share_past_target: None,
    };
    let mut days = Vec::new();
    for st in statuses {
        s.accounts += 1;
        match st.state {
            FirstImpactState::NotStarted => s.not_started += 1,
            FirstImpactState::Onboarding => s.onboarding += 1,
            FirstImpactState::Overdue => s.overdue += 1,
            FirstImpactState::Achieved => {
                s.achieved += 1;
                s.achieved_late += u64::from(st.past_target);
                days.extend(st.days);
            }
        }
    }
    days.sort_unstable();
    s.median_days = quantile(&days, 0.5);
    s.p90_days = quantile(&days, 0.9);
    let decided = s.achieved + s.overdue;
    s.share_past_target = (decided > 0).then(|| (s.achieved_late + s.overdue) as f64 / decided as f64);
    s
}

/// TTFI summaries per key (segment, CSM, or a tuple of them), sorted by key; `key(i)` gives
/// row `i`'s group and may fail (its error is returned as is).
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::onboarding::{ttfi_by, TtfiConfig};
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day);
/// let cfg = TtfiConfig::default();
/// let rows = [cfg.status(d(1, 1), d(1, 11), d(6, 1).unwrap())?, cfg.status(d(1, 1), d(1, 31), d(6, 1).unwrap())?];
/// let segment = ["smb", "enterprise"];
/// let groups = ttfi_by(&rows, |i| Ok(segment[i]))?;
/// assert_eq!((groups[0].key, groups[0].summary.median_days), ("enterprise", Some(30.0)));
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn ttfi_by<K, F>(statuses: &[FirstImpactStatus], mut key: F) -> Result<Vec<TtfiGroup<K>>>
where
    K: Ord,
    F: FnMut(usize) -> Result<K>,
{
    let mut groups: BTreeMap<K, Vec<usize>> = BTreeMap::new();
    for i in 0..statuses.len() {
        groups.entry(key(i)?).or_default().push(i);
    }
    if groups.is_empty() {
        return Err(Error::empty("accounts"));
    }
    Ok(groups
        .into_iter()
        .map(|(key, rows)| TtfiGroup {
            key,
            summary: summarise(rows.iter().map(|&i| &statuses[i])),
        })
        .collect())
}

/// TTFI summaries per label of a string column (segment or CSM names); a length mismatch is
/// an error naming `column`.
pub fn ttfi_by_label<S: AsRef<str>>(
    statuses: &[FirstImpactStatus],
    column: &str,
    labels: &[S],
) -> Result<Vec<TtfiGroup<String>>> {
    if labels.len() != statuses.len() {
        return Err(Error::LengthMismatch {
            field: column.to_owned(),
            expected: statuses.len(),
            actual: labels.len(),
        });
    }
    ttfi_by(statuses, |i| Ok(labels[i].as_ref().to_owned()))
}

/// Accounts still onboarding (within or past target), longest open first (ties by row).
pub fn still_onboarding(statuses: &[FirstImpactStatus]) -> Vec<OpenOnboarding> {
    let mut open: Vec<OpenOnboarding> = statuses
        .iter()
        .enumerate()
        .filter_map(|(row, s)| {
            s.days_open.map(|days_open| OpenOnboarding {
                row,
                days_open,
                overdue: s.state == FirstImpactState::Overdue,
            })
        })
        .collect();
    open.sort_by(|a, b| b.days_open.cmp(&a.days_open).then(a.row.cmp(&b.row)));
    open
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)]
mod tests {
    use super::*;

    fn achieved(days: i64, target: i64) -> FirstImpactStatus {
        FirstImpactStatus {
            state: FirstImpactState::Achieved,
            days: Some(days),
            days_open: None,
            past_target: days > target,
        }
    }

    fn open(days: i64, target: i64) -> FirstImpactStatus {
        FirstImpactStatus {
            state: if days > target {
                FirstImpactState::Overdue
            } else {
                FirstImpactState::Onboarding
            },
            days: None,
            days_open: Some(days),
            past_target: days > target,
        }
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        // numpy.percentile([10, 20, 30, 40, 100], [50, 90]) = [30, 76]
        let rows: Vec<_> = [10, 20, 30, 40, 100].iter().map(|&d| achieved(d, 60)).collect();
        let s = ttfi_summary(&rows);
        assert_eq!(s.median_days, Some(30.0));
        // position 0.9 * 4 = 3.6: 40 + 0.6 * (100 − 40) = 76
        assert!((s.p90_days.unwrap() - 76.0).abs() < 1e-12);
        assert_eq!(s.share_past_target, Some(0.2));
    }

    #[test]
    fn open_accounts_count_only_once_past_target() {
        let rows = [achieved(10, 30), open(5, 30), open(45, 30)];
        let s = ttfi_summary(&rows);
        // decided: 1 achieved + 1 overdue; past target: 0 late + 1 overdue -> 1 / 2
        assert_eq!(s.share_past_target, Some(0.5));
        assert_eq!((s.onboarding, s.overdue, s.median_days), (1, 1, Some(10.0)));
    }

    #[test]
    fn empty_group_has_no_statistics() {
        let s = ttfi_summary(&[]);
        assert_eq!((s.accounts, s.median_days, s.share_past_target), (0, None, None));
    }

    #[test]
    fn still_onboarding_sorted_by_days_open() {
        let rows = [open(5, 30), achieved(3, 30), open(45, 30), open(5, 30)];
        let list = still_onboarding(&rows);
        let order: Vec<(usize, i64, bool)> = list.iter().map(|o| (o.row, o.days_open, o.overdue)).collect();
        assert_eq!(order, [(2, 45, true), (0, 5, false), (3, 5, false)]);
    }

    #[test]
    fn by_label_groups_and_checks_length() {
        let rows = [achieved(10, 30), achieved(50, 30), open(40, 30)];
        let groups = ttfi_by_label(&rows, "csm", &["ana", "ben", "ana"]).unwrap();
        assert_eq!(groups[0].key, "ana");
        assert_eq!(groups[0].summary.share_past_target, Some(0.5));
        assert_eq!(groups[1].summary.achieved_late, 1);
        assert!(ttfi_by_label(&rows, "csm", &["ana"]).is_err());
    }
}
