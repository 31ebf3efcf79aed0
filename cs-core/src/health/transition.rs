//! Band transitions: how accounts move between health bands from one dated snapshot to the
//! next (a transition matrix), with the accounts that enter and leave the book.
//!
//! **Definition.** The states are the card's bands (lowest first) and one more, "insufficient
//! data" (no score). For two consecutive snapshot periods `p` and `q` (the sorted distinct
//! period keys), an account present in both is counted in `counts[s][t]`, `s` its state in `p`
//! and `t` in `q`; `shares[s][t]` is that count over the accounts in state `s` at `p` that are
//! still present at `q` (each row sums to 1, or 0 when no account started there). An account
//! only in `q` is counted in `entered[t]`, one only in `p` in `left[s]`. `total` sums every
//! step's counts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::portfolio::Column;
use crate::{Error, Result};

/// The name of the state of accounts without a score.
pub const INSUFFICIENT_DATA: &str = "insufficient data";

/// The moves between two snapshots (or, for [`BandTransitions::total`], summed over all
/// consecutive pairs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandTransition {
    /// The earlier period (the first one for the total).
    pub from: String,
    /// The later period (the last one for the total).
    pub to: String,
    /// `counts[s][t]`: accounts in state `s` at `from` and `t` at `to`.
    pub counts: Vec<Vec<u64>>,
    /// `counts` over each row's sum (0 for an empty row).
    pub shares: Vec<Vec<f64>>,
    /// Per state at `from`, the accounts still present at `to` (the row sums of `counts`).
    pub from_totals: Vec<u64>,
    /// Accounts present at both dates.
    pub stayed: u64,
    /// Of which in another state at `to` than at `from`.
    pub moved: u64,
    /// `moved / stayed` (0 when no account is at both).
    pub moved_share: f64,
    /// Accounts at `to` but not at `from`, per state at `to`.
    pub entered: Vec<u64>,
    /// Accounts at `from` but not at `to`, per state at `from`.
    pub left: Vec<u64>,
    /// All the accounts that entered (the sum of `entered`).
    pub entered_total: u64,
    /// All the accounts that left (the sum of `left`).
    pub left_total: u64,
}

impl BandTransition {
    fn empty(from: String, to: String, states: usize) -> BandTransition {
        BandTransition {
            from,
            to,
            counts: vec![vec![0; states]; states],
            shares: Vec::new(),
            from_totals: Vec::new(),
            stayed: 0,
            moved: 0,
            moved_share: 0.0,
            entered: vec![0; states],
            left: vec![0; states],
            entered_total: 0,
            left_total: 0,
        }
    }

    fn add(&mut self, other: &BandTransition) {
        for (row, o) in self.counts.iter_mut().zip(&other.counts) {
            for (c, x) in row.iter_mut().zip(o) {
                *c += x;
            }
        }
        for (e, x) in self.entered.iter_mut().zip(&other.entered) {
            *e += x;
        }
        for (l, x) in self.left.iter_mut().zip(&other.left) {
            *l += x;
        }
    }

    /// Fills the totals, `shares`, `stayed`, `moved` and `moved_share` from the counts.
    fn finish(mut self) -> BandTransition {
        self.from_totals = self.counts.iter().map(|row| row.iter().sum()).collect();
        self.shares = self
            .counts
            .iter()
            .zip(&self.from_totals)
            .map(|(row, &n)| {
                row.iter()
                    .map(|&c| if n > 0 { c as f64 / n as f64 } else { 0.0 })
                    .collect()
            })
            .collect();
        self.entered_total = self.entered.iter().sum();
        self.left_total = self.left.iter().sum();
        self.stayed = self.from_totals.iter().sum();
        let same: u64 = (0..self.counts.len()).map(|s| self.counts[s][s]).sum();
        self.moved = self.stayed - same;
        self.moved_share = if self.stayed > 0 {
            self.moved as f64 / self.stayed as f64
        } else {
            0.0
        };
        self
    }
}

/// The band transitions of a history of snapshots ([`band_transitions`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandTransitions {
    /// The state names: the bands, lowest first, then [`INSUFFICIENT_DATA`].
    pub states: Vec<String>,
    /// One step per pair of consecutive periods, in period order.
    pub steps: Vec<BandTransition>,
    /// Every step summed (None with fewer than two periods).
    pub total: Option<BandTransition>,
}

/// The transitions between consecutive periods of a history: row `i` is account `accounts[i]`
/// in period `periods[i]` with band index `band[i]` (null: insufficient data). Periods are
/// ordered by `P`'s order and named by its `Display` (a date prints `2026-06-30`).
///
/// Errors: columns of different lengths; a band index outside `band_names`; the same account
/// twice in one period (named with its row).
///
/// ```
/// use cs_core::health::band_transitions;
/// use cs_core::portfolio::ColumnBuf;
/// let accounts = ["a", "b", "c", "a", "b", "d"];
/// let periods = [1, 1, 1, 2, 2, 2];
/// // a: red -> green, b: green -> green, c leaves, d enters without a score.
/// let band = ColumnBuf::from(vec![Some(0u8), Some(1), Some(1), Some(1), Some(1), None]);
/// let names = ["red".to_owned(), "green".to_owned()];
/// let t = band_transitions(&accounts, &periods, band.as_column("band"), &names)?;
/// assert_eq!(t.states, ["red", "green", "insufficient data"]);
/// let step = &t.steps[0];
/// assert_eq!(step.counts[0][1], 1); // a moved up
/// assert_eq!(step.counts[1][1], 1); // b stayed green
/// assert_eq!((step.stayed, step.moved, step.moved_share), (2, 1, 0.5));
/// assert_eq!(step.shares[0], [0.0, 1.0, 0.0]);
/// assert_eq!(step.left, [0, 1, 0]); // c left from green
/// assert_eq!(step.entered, [0, 0, 1]); // d entered without a score
/// assert_eq!((step.from_totals.clone(), step.entered_total, step.left_total), (vec![1, 1, 0], 1, 1));
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn band_transitions<K: Ord + std::fmt::Display, P: Ord + std::fmt::Display>(
    accounts: &[K],
    periods: &[P],
    band: Column<'_, u8>,
    band_names: &[String],
) -> Result<BandTransitions> {
    if periods.len() != accounts.len() {
        return Err(Error::LengthMismatch {
            field: "period".into(),
            expected: accounts.len(),
            actual: periods.len(),
        });
    }
    band.expect_len(accounts.len())?;
    let states = band_names.len() + 1;
    let insufficient = band_names.len();
    // Per period, per account, its state.
    let mut by_period: BTreeMap<&P, BTreeMap<&K, usize>> = BTreeMap::new();
    for (row, (account, period)) in accounts.iter().zip(periods).enumerate() {
        let state = match band.get(row) {
            Some(b) if usize::from(b) < band_names.len() => usize::from(b),
            Some(b) => {
                return Err(Error::out_of_range(band.name(), b, format!("0..{}", band_names.len())).at(row));
            }
            None => insufficient,
        };
        if by_period
            .entry(period)
            .or_default()
            .insert(account, state)
            .is_some()
        {
            return Err(Error::duplicate(format!("account of period {period}"), account.to_string()).at(row));
        }
    }
    let periods: Vec<(&P, BTreeMap<&K, usize>)> = by_period.into_iter().collect();
    let mut steps = Vec::new();
    for pair in periods.windows(2) {
        let [(p, before), (q, after)] = pair else { continue };
        let mut step = BandTransition::empty(p.to_string(), q.to_string(), states);
        for (account, &s) in before {
            match after.get(account) {
                Some(&t) => step.counts[s][t] += 1,
                None => step.left[s] += 1,
            }
        }
        for (account, &t) in after {
            if !before.contains_key(account) {
                step.entered[t] += 1;
            }
        }
        steps.push(step);
    }
    let total = match (steps.first(), steps.last()) {
        (Some(first), Some(last)) => {
            let mut total = BandTransition::empty(first.from.clone(), last.to.clone(), states);
            for s in &steps {
                total.add(s);
            }
            Some(total.finish())
        }
        _ => None,
    };
    let mut names: Vec<String> = band_names.to_vec();
    names.push(INSUFFICIENT_DATA.to_owned());
    Ok(BandTransitions {
        states: names,
        steps: steps.into_iter().map(BandTransition::finish).collect(),
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portfolio::ColumnBuf;
    use proptest::prelude::*;

    fn names() -> Vec<String> {
        ["red", "amber", "green"].map(String::from).to_vec()
    }

    #[test]
    fn duplicates_and_bad_bands_are_named() {
        let band = ColumnBuf::from(vec![Some(0u8), Some(1)]);
        let e = band_transitions(&["a", "a"], &[1, 1], band.as_column("band"), &names()).unwrap_err();
        assert!(e.to_string().contains("period 1"), "{e}");
        let band = ColumnBuf::from(vec![Some(7u8)]);
        let e = band_transitions(&["a"], &[1], band.as_column("band"), &names()).unwrap_err();
        assert!(e.to_string().contains('7'), "{e}");
        let band = ColumnBuf::from(vec![Some(0u8)]);
        assert!(band_transitions(&["a", "b"], &[1], band.as_column("band"), &names()).is_err());
    }

    #[test]
    fn one_period_has_no_steps() {
        let band = ColumnBuf::from(vec![Some(0u8), None]);
        let t = band_transitions(&["a", "b"], &[1, 1], band.as_column("band"), &names()).unwrap();
        assert!(t.steps.is_empty() && t.total.is_none());
    }

    proptest! {
        /// Every account of a period is counted once: in a row of the step from it (stayed or
        /// left) and in a column of the step into it (stayed or entered); shares rows sum to 1.
        #[test]
        fn every_account_is_counted_once(rows in proptest::collection::vec((0u8..6, 0u8..4, proptest::option::of(0u8..3)), 0..80)) {
            let mut seen = std::collections::BTreeSet::new();
            let rows: Vec<_> = rows.into_iter().filter(|(a, p, _)| seen.insert((*a, *p))).collect();
            let accounts: Vec<u8> = rows.iter().map(|r| r.0).collect();
            let periods: Vec<u32> = rows.iter().map(|r| u32::from(r.1)).collect();
            let band = ColumnBuf::from(rows.iter().map(|r| r.2).collect::<Vec<_>>());
            let t = band_transitions(&accounts, &periods, band.as_column("band"), &names()).unwrap();
            let distinct: std::collections::BTreeSet<u32> = periods.iter().copied().collect();
            prop_assert_eq!(t.steps.len(), distinct.len().saturating_sub(1));
            for step in &t.steps {
                let from: u32 = step.from.parse().unwrap();
                let to: u32 = step.to.parse().unwrap();
                let at = |p: u32| periods.iter().filter(|&&x| x == p).count() as u64;
                let left: u64 = step.left.iter().sum();
                let entered: u64 = step.entered.iter().sum();
                prop_assert_eq!(step.stayed + left, at(from));
                prop_assert_eq!(step.stayed + entered, at(to));
                for (row, shares) in step.counts.iter().zip(&step.shares) {
                    let sum: f64 = shares.iter().sum();
                    if row.iter().sum::<u64>() > 0 {
                        prop_assert!((sum - 1.0).abs() < 1e-12);
                    } else {
                        prop_assert_eq!(sum, 0.0);
                    }
                }
            }
            if let Some(total) = &t.total {
                prop_assert_eq!(total.stayed, t.steps.iter().map(|s| s.stayed).sum::<u64>());
                prop_assert_eq!(total.moved, t.steps.iter().map(|s| s.moved).sum::<u64>());
            }
        }
    }
}
