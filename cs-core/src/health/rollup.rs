use std::collections::BTreeMap;
use std::fmt::Display;

use serde::{Deserialize, Serialize};

use crate::portfolio::Column;
use crate::{Error, Result};

/// Health of a group of accounts (a CSM's book, a segment, a parent account, the portfolio).
///
/// Shares per band are over the accounts with a score (accounts with insufficient data are
/// counted apart); ARR figures are over the same accounts. "% green" is
/// `band_share[green index]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthRollup {
    /// The group key (`"all"` for the whole portfolio).
    pub key: String,
    /// Accounts in the group.
    pub accounts: u64,
    /// Accounts with a score.
    pub scored: u64,
    /// Accounts with insufficient data (no score).
    pub insufficient: u64,
    /// Mean score of the scored accounts.
    pub mean: Option<f64>,
    /// ARR-weighted mean score: `Σ arr × score / Σ arr` over scored accounts.
    pub arr_weighted_mean: Option<f64>,
    /// Scored accounts per band (lowest band first).
    pub band_counts: Vec<u64>,
    /// Share of scored accounts per band, `0..=1`.
    pub band_share: Vec<f64>,
    /// ARR of the scored accounts, in minor units.
    pub arr: i64,
    /// ARR per band, in minor units.
    pub arr_by_band: Vec<i64>,
    /// Share of ARR per band, `0..=1`.
    pub arr_share_by_band: Vec<f64>,
}

/// The inputs of a rollup: per account the score, band index and ARR (minor units). The
/// score and band columns of a batch (`BatchScores::score.as_column("score")`) or borrowed
/// Arrow columns go in as they are.
#[derive(Debug, Clone, Copy)]
pub struct RollupInput<'a> {
    /// Scores (null = insufficient data).
    pub score: Column<'a, f64>,
    /// Band indexes.
    pub band: Column<'a, u8>,
    /// ARR in minor units (non-negative); `None` leaves the ARR figures at 0 / `None`.
    pub arr: Option<&'a [i64]>,
    /// Number of bands.
    pub band_count: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Acc {
    accounts: u64,
    scored: u64,
    sum: f64,
    arr_score: f64,
    arr: i64,
    counts: Vec<u64>,
    arr_by_band: Vec<i64>,
}

fn add_arr(total: &mut i64, a: i64, row: usize) -> Result<()> {
    *total = total
        .checked_add(a)
        .ok_or_else(|| Error::out_of_range("arr total", a, "a sum within i64").at(row))?;
    Ok(())
}

impl RollupInput<'_> {
    fn check(&self) -> Result<()> {
        let n = self.score.len();
        if self.band.len() != n {
            return Err(Error::LengthMismatch {
                field: "band".into(),
                expected: n,
                actual: self.band.len(),
            });
        }
        if let Some(arr) = self.arr {
            if arr.len() != n {
                return Err(Error::LengthMismatch {
                    field: "arr".into(),
                    expected: n,
                    actual: arr.len(),
                });
            }
            if let Some((i, a)) = arr.iter().enumerate().find(|(_, a)| **a < 0) {
                return Err(Error::out_of_range("arr", a, ">= 0").at(i));
            }
        }
        Ok(())
    }

    fn add(&self, acc: &mut Acc, row: usize) -> Result<()> {
        if acc.counts.is_empty() {
            acc.counts = vec![0; self.band_count];
            acc.arr_by_band = vec![0; self.band_count];
        }
        acc.accounts += 1;
        let Some(s) = self.score.get(row) else {
            return Ok(());
        };
        if !(s.is_finite() && (0.0..=100.0).contains(&s)) {
            return Err(Error::out_of_range("score", s, "0..=100").at(row));
        }
        let b = usize::from(self.band.get(row).ok_or_else(|| Error::missing("band").at(row))?);
        if b >= self.band_count {
            return Err(Error::out_of_range("band", b, format!("0..{}", self.band_count)).at(row));
        }
        acc.scored += 1;
        acc.sum += s;
        acc.counts[b] += 1;
        if let Some(arr) = self.arr {
            let a = arr[row];
            acc.arr_score += a as f64 * s;
            add_arr(&mut acc.arr, a, row)?;
            add_arr(&mut acc.arr_by_band[b], a, row)?;
        }
        Ok(())
    }
}

impl Acc {
    fn finish(self, key: String, band_count: usize) -> HealthRollup {
        let share = |x: f64, total: f64| if total > 0.0 { x / total } else { 0.0 };
        let counts = if self.counts.is_empty() {
            vec![0; band_count]
        } else {
            self.counts
        };
        let arr_by_band = if self.arr_by_band.is_empty() {
            vec![0; band_count]
        } else {
            self.arr_by_band
        };
        HealthRollup {
            key,
            accounts: self.accounts,
            scored: self.scored,
            insufficient: self.accounts - self.scored,
            mean: (self.scored > 0).then(|| self.sum / self.scored as f64),
            arr_weighted_mean: (self.arr > 0).then(|| self.arr_score / self.arr as f64),
            band_share: counts
                .iter()
                .map(|c| share(*c as f64, self.scored as f64))
                .collect(),
            band_counts: counts,
            arr: self.arr,
            arr_share_by_band: arr_by_band
                .iter()
                .map(|a| share(*a as f64, self.arr as f64))
                .collect(),
            arr_by_band,
        }
    }
}

/// The health of the whole portfolio (key `"all"`).
///
/// ```
/// use cs_core::health::{RollupInput, health_summary};
/// use cs_core::portfolio::ColumnBuf;
/// let score = ColumnBuf::from(vec![Some(80.0), Some(40.0), None, Some(90.0)]);
/// let band = ColumnBuf::from(vec![Some(2), Some(0), None, Some(2)]);
/// let arr = [100_00, 300_00, 50_00, 100_00];
/// let all = health_summary(RollupInput {
///     score: score.as_column("score"),
///     band: band.as_column("band"),
///     arr: Some(&arr),
///     band_count: 3,
/// })?;
/// assert_eq!(all.band_share[2], 2.0 / 3.0); // two of three scored accounts are green
/// assert_eq!(all.arr_share_by_band[2], 0.4); // 200_00 of 500_00 scored ARR
/// // (100·80 + 300·40 + 100·90) / 500 = 58
/// assert!((all.arr_weighted_mean.unwrap() - 58.0).abs() < 1e-12);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn health_summary(input: RollupInput<'_>) -> Result<HealthRollup> {
    input.check()?;
    let mut acc = Acc::default();
    for row in 0..input.score.len() {
        input.add(&mut acc, row)?;
    }
    Ok(acc.finish("all".into(), input.band_count))
}

/// Rollups accumulated batch by batch, for a table read in batches (`cs score` streams its
/// file): rows are added in row order, each batch after the one before it, so every sum runs
/// in the order of one pass over the whole table and the results are bit-identical to
/// [`health_summary`] and [`health_rollup`] over the concatenated table.
///
/// ```
/// use cs_core::health::{RollupAccumulator, RollupInput, health_summary};
/// use cs_core::portfolio::ColumnBuf;
/// let score = ColumnBuf::from(vec![Some(80.1), Some(40.7), None, Some(90.3)]);
/// let band = ColumnBuf::from(vec![Some(2), Some(0), None, Some(2)]);
/// let arr = [100_00, 300_00, 50_00, 100_00];
/// let input = |from: usize, to: usize| RollupInput {
///     score: score.as_column("score").slice(from, to),
///     band: band.as_column("band").slice(from, to),
///     arr: Some(&arr[from..to]),
///     band_count: 3,
/// };
/// // Two batches of two rows, each row in group 0 (the whole table).
/// let mut acc = RollupAccumulator::new(3);
/// acc.add(None, input(0, 2), 0)?;
/// acc.add(None, input(2, 4), 2)?;
/// assert_eq!(acc.finish(0, "all"), health_summary(input(0, 4))?);
/// // (80.1 + 40.7 + 90.3) / 3, summed in row order.
/// assert_eq!(acc.finish(0, "all").mean, Some((80.1 + 40.7 + 90.3) / 3.0));
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollupAccumulator {
    band_count: usize,
    groups: Vec<Acc>,
}

/// `e` with its row position moved by `by` rows (a batch's row in the whole table).
fn shifted(e: Error, by: usize) -> Error {
    match e.split_position() {
        (e, Some(row)) => e.at(row + by),
        (e, None) => e,
    }
}

impl RollupAccumulator {
    /// No rows yet, rollups over `band_count` bands.
    pub fn new(band_count: usize) -> Self {
        RollupAccumulator {
            band_count,
            groups: Vec::new(),
        }
    }

    /// Adds the rows of `input` in row order, row `i` to group `groups[i]` (`None`: every row
    /// to group 0). `first_row` is the batch's first row in the whole table: errors name the
    /// row there.
    pub fn add(&mut self, groups: Option<&[usize]>, input: RollupInput<'_>, first_row: usize) -> Result<()> {
        input.check().map_err(|e| shifted(e, first_row))?;
        let n = input.score.len();
        if let Some(g) = groups
            && g.len() != n
        {
            return Err(Error::LengthMismatch {
                field: "rollup group".into(),
                expected: n,
                actual: g.len(),
            });
        }
        for row in 0..n {
            let g = groups.map_or(0, |g| g[row]);
            if g >= self.groups.len() {
                self.groups.resize_with(g + 1, Acc::default);
            }
            input
                .add(&mut self.groups[g], row)
                .map_err(|e| shifted(e, first_row))?;
        }
        Ok(())
    }

    /// Number of groups seen (one more than the largest group index added).
    pub fn groups(&self) -> usize {
        self.groups.len()
    }

    /// The rollup of group `group` under the key `key` (a group without rows: all zero).
    pub fn finish(&self, group: usize, key: impl Into<String>) -> HealthRollup {
        self.groups
            .get(group)
            .cloned()
            .unwrap_or_default()
            .finish(key.into(), self.band_count)
    }
}

/// Rollups by any key (CSM, segment, parent account), sorted by key. Accumulation runs in
/// row order, so results do not depend on threads or hashing.
pub fn health_rollup<K: Ord + Display>(keys: &[K], input: RollupInput<'_>) -> Result<Vec<HealthRollup>> {
    input.check()?;
    if keys.len() != input.score.len() {
        return Err(Error::LengthMismatch {
            field: "rollup key".into(),
            expected: input.score.len(),
            actual: keys.len(),
        });
    }
    let mut groups: BTreeMap<&K, Acc> = BTreeMap::new();
    for (row, k) in keys.iter().enumerate() {
        input.add(groups.entry(k).or_default(), row)?;
    }
    Ok(groups
        .into_iter()
        .map(|(k, acc)| acc.finish(k.to_string(), input.band_count))
        .collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed setup fails the test
mod tests {
    use super::*;
    use crate::portfolio::ColumnBuf;

    /// Scores whose float sum depends on the order of addition.
    fn input<'a>(score: &'a ColumnBuf<f64>, band: &'a ColumnBuf<u8>, arr: &'a [i64]) -> RollupInput<'a> {
        RollupInput {
            score: score.as_column("score"),
            band: band.as_column("band"),
            arr: Some(arr),
            band_count: 3,
        }
    }

    #[test]
    fn batches_in_row_order_equal_one_pass_by_key() {
        let n = 1000;
        let score = ColumnBuf::from(
            (0..n)
                .map(|i| (i % 7 != 0).then(|| (f64::from(i) * 0.731) % 100.0))
                .collect::<Vec<_>>(),
        );
        let band = ColumnBuf::from(
            (0..n)
                .map(|i| (i % 7 != 0).then_some((i % 3) as u8))
                .collect::<Vec<_>>(),
        );
        let arr: Vec<i64> = (0..n).map(|i| i64::from(i) * 13 % 997).collect();
        let keys: Vec<u32> = (0..n).map(|i| (i * 7919) % 5).collect();
        let whole = health_rollup(&keys, input(&score, &band, &arr)).unwrap();
        let all = health_summary(input(&score, &band, &arr)).unwrap();
        for size in [1, 3, 128, 999] {
            let mut by_key = RollupAccumulator::new(3);
            let mut total = RollupAccumulator::new(3);
            for from in (0..n as usize).step_by(size) {
                let to = (from + size).min(n as usize);
                let part = RollupInput {
                    score: score.as_column("score").slice(from, to),
                    band: band.as_column("band").slice(from, to),
                    arr: Some(&arr[from..to]),
                    band_count: 3,
                };
                let groups: Vec<usize> = keys[from..to].iter().map(|&k| k as usize).collect();
                by_key.add(Some(&groups), part, from).unwrap();
                total.add(None, part, from).unwrap();
            }
            assert_eq!(total.finish(0, "all"), all);
            assert_eq!(by_key.groups(), whole.len());
            for (k, r) in whole.iter().enumerate() {
                assert_eq!(&by_key.finish(k, r.key.clone()), r, "key {k}, batches of {size}");
            }
        }
    }

    #[test]
    fn errors_name_the_row_in_the_whole_table() {
        let score = ColumnBuf::from(vec![Some(50.0), Some(150.0)]);
        let band = ColumnBuf::from(vec![Some(1), Some(1)]);
        let arr = [1, 2];
        let mut acc = RollupAccumulator::new(3);
        let e = acc.add(None, input(&score, &band, &arr), 40).unwrap_err();
        assert_eq!(e.position(), Some(41));
    }
}
