//! The band mix of a portfolio over **all** its accounts: the share of accounts and of ARR
//! in each band and in "insufficient data", so the shares add up to one.

use std::collections::BTreeMap;
use std::fmt::Display;

use serde::{Deserialize, Serialize};

use super::HealthRollup;
use super::rollup::{RollupInput, health_rollup, health_summary};
use crate::{Error, Result};

/// Accounts and ARR per band, with accounts lacking a score counted as "insufficient data".
///
/// Unlike [`HealthRollup`] (whose shares are over the scored accounts), every share here is
/// over all the accounts of the group (`band_share` and `insufficient_share` add up to 1) and
/// over all their ARR (`arr_share_by_band` and `insufficient_arr_share` add up to 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandMix {
    /// The group key (`"all"` for the whole portfolio).
    pub key: String,
    /// Accounts in the group.
    pub accounts: u64,
    /// Their ARR, minor units (0 without an ARR column).
    pub arr: i64,
    /// Accounts per band (lowest band first).
    pub band_counts: Vec<u64>,
    /// Accounts without a score.
    pub insufficient: u64,
    /// Share of all accounts per band, `0..=1`.
    pub band_share: Vec<f64>,
    /// Share of all accounts without a score.
    pub insufficient_share: f64,
    /// ARR per band, minor units.
    pub arr_by_band: Vec<i64>,
    /// ARR of the accounts without a score.
    pub insufficient_arr: i64,
    /// Share of all ARR per band (0 when the group has no ARR).
    pub arr_share_by_band: Vec<f64>,
    /// Share of all ARR held by accounts without a score.
    pub insufficient_arr_share: f64,
}

fn share(x: f64, total: f64) -> f64 {
    if total > 0.0 { x / total } else { 0.0 }
}

fn total_arr(arr: &[i64]) -> Result<i64> {
    arr.iter().enumerate().try_fold(0i64, |t, (i, a)| {
        t.checked_add(*a)
            .ok_or_else(|| Error::out_of_range("arr total", a, "a sum within i64").at(i))
    })
}

impl BandMix {
    fn from_rollup(r: HealthRollup, arr: i64) -> BandMix {
        let accounts = r.accounts as f64;
        let insufficient_arr = arr - r.arr;
        BandMix {
            key: r.key,
            accounts: r.accounts,
            arr,
            band_share: r.band_counts.iter().map(|c| share(*c as f64, accounts)).collect(),
            insufficient_share: share(r.insufficient as f64, accounts),
            arr_share_by_band: r
                .arr_by_band
                .iter()
                .map(|a| share(*a as f64, arr as f64))
                .collect(),
            insufficient_arr_share: share(insufficient_arr as f64, arr as f64),
            band_counts: r.band_counts,
            insufficient: r.insufficient,
            arr_by_band: r.arr_by_band,
            insufficient_arr,
        }
    }
}

/// The band mix of the whole portfolio (key `"all"`); the same checks as [`health_summary`].
///
/// ```
/// use cs_core::health::{RollupInput, band_mix};
/// use cs_core::portfolio::ColumnBuf;
/// let score = ColumnBuf::from(vec![Some(80.0), Some(40.0), None, Some(90.0)]);
/// let band = ColumnBuf::from(vec![Some(2), Some(0), None, Some(2)]);
/// let arr = [100_00, 300_00, 100_00, 100_00];
/// let mix = band_mix(RollupInput {
///     score: score.as_column("score"),
///     band: band.as_column("band"),
///     arr: Some(&arr),
///     band_count: 3,
/// })?;
/// assert_eq!(mix.band_share[2], 0.5); // two of four accounts are green
/// assert_eq!(mix.insufficient_share, 0.25);
/// assert_eq!(mix.arr_share_by_band[2], 200_00.0 / 600_00.0); // of ALL the ARR
/// assert_eq!(mix.insufficient_arr_share, 100_00.0 / 600_00.0);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn band_mix(input: RollupInput<'_>) -> Result<BandMix> {
    let rollup = health_summary(input)?;
    let arr = input.arr.map(total_arr).transpose()?.unwrap_or(0);
    Ok(BandMix::from_rollup(rollup, arr))
}

/// The band mix per key (a segment, a snapshot date), sorted by key; accumulation in row
/// order, as [`health_rollup`].
///
/// ```
/// use cs_core::health::{RollupInput, band_mix_by};
/// use cs_core::portfolio::ColumnBuf;
/// let score = ColumnBuf::from(vec![Some(80.0), None, Some(20.0)]);
/// let band = ColumnBuf::from(vec![Some(1), None, Some(0)]);
/// let input = RollupInput { score: score.as_column("score"), band: band.as_column("band"), arr: None, band_count: 2 };
/// let mix = band_mix_by(&["may", "may", "june"], input)?;
/// assert_eq!(mix[1].key, "may");
/// assert_eq!(mix[1].insufficient_share, 0.5);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn band_mix_by<K: Ord + Display>(keys: &[K], input: RollupInput<'_>) -> Result<Vec<BandMix>> {
    let rollups = health_rollup(keys, input)?;
    let mut arr_of: BTreeMap<&K, i64> = BTreeMap::new();
    if let Some(arr) = input.arr {
        for (row, k) in keys.iter().enumerate() {
            let t = arr_of.entry(k).or_default();
            *t = t
                .checked_add(arr[row])
                .ok_or_else(|| Error::out_of_range("arr total", arr[row], "a sum within i64").at(row))?;
        }
    }
    let totals: Vec<i64> = arr_of.into_values().collect();
    Ok(rollups
        .into_iter()
        .enumerate()
        .map(|(g, r)| BandMix::from_rollup(r, totals.get(g).copied().unwrap_or(0)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portfolio::ColumnBuf;

    #[test]
    fn shares_are_over_all_accounts_and_all_arr() {
        // Hand-computed: 5 accounts, ARR 10+20+30+40+100 = 200; green {10, 30}, red {20},
        // unscored {40, 100}.
        let score = ColumnBuf::from(vec![Some(90.0), Some(10.0), Some(85.0), None, None]);
        let band = ColumnBuf::from(vec![Some(1), Some(0), Some(1), None, None]);
        let arr = [10, 20, 30, 40, 100];
        let mix = band_mix(RollupInput {
            score: score.as_column("score"),
            band: band.as_column("band"),
            arr: Some(&arr),
            band_count: 2,
        })
        .unwrap();
        assert_eq!(mix.accounts, 5);
        assert_eq!(mix.arr, 200);
        assert_eq!(mix.band_counts, vec![1, 2]);
        assert_eq!(mix.band_share, vec![0.2, 0.4]);
        assert_eq!(mix.insufficient, 2);
        assert_eq!(mix.insufficient_share, 0.4);
        assert_eq!(mix.arr_by_band, vec![20, 40]);
        assert_eq!(mix.arr_share_by_band, vec![0.1, 0.2]);
        assert_eq!(mix.insufficient_arr, 140);
        assert_eq!(mix.insufficient_arr_share, 0.7);
        let by = band_mix_by(
            &["b", "a", "b", "a", "b"],
            RollupInput {
                score: score.as_column("score"),
                band: band.as_column("band"),
                arr: Some(&arr),
                band_count: 2,
            },
        )
        .unwrap();
        // a: rows 1, 3 (ARR 20 red, 40 unscored); b: rows 0, 2, 4 (10, 30 green, 100 unscored)
        assert_eq!(
            (by[0].key.as_str(), by[0].arr, by[0].insufficient_arr),
            ("a", 60, 40)
        );
        assert_eq!(by[1].arr_share_by_band, vec![0.0, 40.0 / 140.0]);
    }

    #[test]
    fn negative_arr_is_an_error() {
        let score = ColumnBuf::from(vec![Some(90.0)]);
        let band = ColumnBuf::from(vec![Some(0)]);
        let e = band_mix(RollupInput {
            score: score.as_column("score"),
            band: band.as_column("band"),
            arr: Some(&[-1]),
            band_count: 1,
        });
        assert!(e.is_err());
    }
}
