use std::collections::BTreeMap;
use std::fmt::Display;

use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::portfolio::Column;
use crate::statistics::ExactSum;
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

/// The mergeable partial rollup of one group: counts, ARR sums and exact score sums
/// ([`ExactSum`]), so parts of a group accumulated anywhere (a cluster's partitions, a file's
/// batches) and merged in any order finish to the same [`HealthRollup`], bit for bit.
///
/// It travels as a JSON document (`schema_version`, unknown fields rejected, validated).
///
/// ```
/// use cs_core::document::Document;
/// use cs_core::health::{RollupAccumulator, RollupInput, RollupPart, health_summary};
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
/// let part = |from, to| -> cs_core::Result<RollupPart> {
///     let mut acc = RollupAccumulator::new(3);
///     acc.add(None, input(from, to), from)?;
///     Ok(acc.part(0))
/// };
/// // The second half first, and through JSON: the same rollup as one pass.
/// let mut merged = RollupPart::from_json(&part(2, 4)?.to_json()?)?;
/// merged.merge(&part(0, 2)?)?;
/// assert_eq!(merged.finish("all"), health_summary(input(0, 4))?);
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollupPart {
    /// The document version ([`RollupPart::SCHEMA_VERSION`]).
    schema_version: u32,
    band_count: usize,
    accounts: u64,
    scored: u64,
    /// Σ score over scored accounts, exact.
    sum: ExactSum,
    /// Σ arr × score over scored accounts, exact.
    arr_score: ExactSum,
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

    fn add(&self, acc: &mut RollupPart, row: usize) -> Result<()> {
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
        acc.sum.add(s).map_err(|e| e.at(row))?;
        acc.counts[b] += 1;
        if let Some(arr) = self.arr {
            let a = arr[row];
            // `check` refused a negative ARR.
            acc.arr_score
                .add_product(a.unsigned_abs(), s)
                .map_err(|e| e.at(row))?;
            add_arr(&mut acc.arr, a, row)?;
            add_arr(&mut acc.arr_by_band[b], a, row)?;
        }
        Ok(())
    }
}

impl RollupPart {
    /// The version of the part document this build writes and reads.
    pub const SCHEMA_VERSION: u32 = 1;

    /// No accounts yet, over `band_count` bands.
    pub fn new(band_count: usize) -> Self {
        RollupPart {
            schema_version: Self::SCHEMA_VERSION,
            band_count,
            accounts: 0,
            scored: 0,
            sum: ExactSum::default(),
            arr_score: ExactSum::default(),
            arr: 0,
            counts: vec![0; band_count],
            arr_by_band: vec![0; band_count],
        }
    }

    /// The number of bands.
    pub fn band_count(&self) -> usize {
        self.band_count
    }

    /// Adds the accounts of `other` (a part of the same group over the same bands).
    pub fn merge(&mut self, other: &RollupPart) -> Result<()> {
        if other.band_count != self.band_count {
            return Err(Error::LengthMismatch {
                field: "rollup part bands".into(),
                expected: self.band_count,
                actual: other.band_count,
            });
        }
        let over = |what: &str| Error::out_of_range(what, "the merged parts", "a sum within 64 bits");
        self.accounts = self
            .accounts
            .checked_add(other.accounts)
            .ok_or_else(|| over("accounts"))?;
        self.scored = self
            .scored
            .checked_add(other.scored)
            .ok_or_else(|| over("scored"))?;
        self.arr = self.arr.checked_add(other.arr).ok_or_else(|| over("arr total"))?;
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a = a.checked_add(*b).ok_or_else(|| over("band count"))?;
        }
        for (a, b) in self.arr_by_band.iter_mut().zip(&other.arr_by_band) {
            *a = a.checked_add(*b).ok_or_else(|| over("arr total"))?;
        }
        self.sum.merge(&other.sum);
        self.arr_score.merge(&other.arr_score);
        Ok(())
    }

    /// The rollup of the accounts added, under `key`. The mean is the exact sum of the scores
    /// rounded once, divided by the count; the ARR-weighted mean likewise from the exact
    /// Σ arr × score.
    pub fn finish(&self, key: impl Into<String>) -> HealthRollup {
        let share = |x: f64, total: f64| if total > 0.0 { x / total } else { 0.0 };
        HealthRollup {
            key: key.into(),
            accounts: self.accounts,
            scored: self.scored,
            insufficient: self.accounts - self.scored,
            mean: (self.scored > 0).then(|| self.sum.value() / self.scored as f64),
            arr_weighted_mean: (self.arr > 0).then(|| self.arr_score.value() / self.arr as f64),
            band_share: self
                .counts
                .iter()
                .map(|c| share(*c as f64, self.scored as f64))
                .collect(),
            band_counts: self.counts.clone(),
            arr: self.arr,
            arr_share_by_band: self
                .arr_by_band
                .iter()
                .map(|a| share(*a as f64, self.arr as f64))
                .collect(),
            arr_by_band: self.arr_by_band.clone(),
        }
    }
}

impl Document for RollupPart {
    const KIND: &'static str = "rollup part";
    const SCHEMA_VERSION: u32 = RollupPart::SCHEMA_VERSION;

    fn schema_version(&self) -> u32 {
        self.schema_version
    }

    fn validate(&self) -> Result<()> {
        for (field, len) in [
            ("band counts", self.counts.len()),
            ("arr by band", self.arr_by_band.len()),
        ] {
            if len != self.band_count {
                return Err(Error::LengthMismatch {
                    field: format!("rollup part {field}"),
                    expected: self.band_count,
                    actual: len,
                });
            }
        }
        if self.scored > self.accounts || self.counts.iter().sum::<u64>() != self.scored {
            return Err(Error::invalid(
                "rollup part",
                format!("{} scored of {} accounts", self.scored, self.accounts),
                "band counts summing to the scored accounts, at most the accounts",
            ));
        }
        if self.arr_by_band.iter().any(|a| *a < 0) || self.arr_by_band.iter().sum::<i64>() != self.arr {
            return Err(Error::invalid(
                "rollup part",
                format!("arr {}", self.arr),
                "the sum of the non-negative ARR per band",
            ));
        }
        Ok(())
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
    let mut acc = RollupPart::new(input.band_count);
    for row in 0..input.score.len() {
        input.add(&mut acc, row)?;
    }
    Ok(acc.finish("all"))
}

/// Rollups accumulated batch by batch, for a table read in batches (`cs score` streams its
/// file): every sum is exact ([`RollupPart`]), so the results are bit-identical to
/// [`health_summary`] and [`health_rollup`] over the concatenated table, and to parts merged
/// in any order.
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
/// // (80.1 + 40.7 + 90.3) / 3: the exact sum rounded once, divided by 3.
/// assert_eq!(acc.finish(0, "all").mean, Some(211.1 / 3.0));
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollupAccumulator {
    band_count: usize,
    groups: Vec<RollupPart>,
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
        input.check().map_err(|e| e.shifted(first_row))?;
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
                let bands = self.band_count;
                self.groups.resize_with(g + 1, || RollupPart::new(bands));
            }
            input
                .add(&mut self.groups[g], row)
                .map_err(|e| e.shifted(first_row))?;
        }
        Ok(())
    }

    /// Number of groups seen (one more than the largest group index added).
    pub fn groups(&self) -> usize {
        self.groups.len()
    }

    /// The rollup of group `group` under the key `key` (a group without rows: all zero).
    pub fn finish(&self, group: usize, key: impl Into<String>) -> HealthRollup {
        self.part(group).finish(key)
    }

    /// The mergeable part of group `group` (a group without rows: an empty part).
    pub fn part(&self, group: usize) -> RollupPart {
        self.groups
            .get(group)
            .cloned()
            .unwrap_or_else(|| RollupPart::new(self.band_count))
    }
}

/// Rollups by any key (CSM, segment, parent account), sorted by key. Sums are exact, so
/// results do not depend on row order, threads or hashing.
pub fn health_rollup<K: Ord + Display>(keys: &[K], input: RollupInput<'_>) -> Result<Vec<HealthRollup>> {
    input.check()?;
    if keys.len() != input.score.len() {
        return Err(Error::LengthMismatch {
            field: "rollup key".into(),
            expected: input.score.len(),
            actual: keys.len(),
        });
    }
    let mut groups: BTreeMap<&K, RollupPart> = BTreeMap::new();
    for (row, k) in keys.iter().enumerate() {
        input.add(
            groups
                .entry(k)
                .or_insert_with(|| RollupPart::new(input.band_count)),
            row,
        )?;
    }
    Ok(groups
        .into_iter()
        .map(|(k, acc)| acc.finish(k.to_string()))
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
    fn parts_merged_in_any_order_equal_one_pass() {
        let n = 500;
        let score = ColumnBuf::from(
            (0..n)
                .map(|i| Some((f64::from(i) * 0.731 + 0.1) % 100.0))
                .collect::<Vec<_>>(),
        );
        let band = ColumnBuf::from((0..n).map(|i| Some((i % 3) as u8)).collect::<Vec<_>>());
        let arr: Vec<i64> = (0..n).map(|i| i64::from(i) * 1_013 % 99_991).collect();
        let whole = health_summary(input(&score, &band, &arr)).unwrap();
        // Parts of 7 rows, merged from the last to the first, each through JSON.
        let mut merged = RollupPart::new(3);
        for from in (0..n as usize).step_by(7).rev() {
            let to = (from + 7).min(n as usize);
            let mut acc = RollupAccumulator::new(3);
            let part = RollupInput {
                score: score.as_column("score").slice(from, to),
                band: band.as_column("band").slice(from, to),
                arr: Some(&arr[from..to]),
                band_count: 3,
            };
            acc.add(None, part, from).unwrap();
            merged
                .merge(&RollupPart::from_json(&acc.part(0).to_json().unwrap()).unwrap())
                .unwrap();
        }
        assert_eq!(merged.finish("all"), whole);
        // Close to the row-order float sum (which differs from it in the last bits).
        let naive: f64 = (0..n as usize)
            .map(|i| score.as_column("score").get(i).unwrap())
            .sum();
        let exact = whole.mean.unwrap() * f64::from(n);
        assert!((naive - exact).abs() < 1e-9);
    }

    #[test]
    fn bad_parts_are_refused() {
        let good = serde_json::to_string(&RollupPart::new(3)).unwrap();
        for (from, to, names) in [
            ("\"accounts\":0", "\"accounts\":0,\"extra\":1", "extra"),
            ("\"scored\":0", "\"scored\":2", "scored"),
            ("\"schema_version\":1", "\"schema_version\":9", "9"),
            ("\"arr\":0", "\"arr\":5", "arr 5"),
        ] {
            assert!(good.contains(from), "{good}");
            let e = RollupPart::from_json(&good.replace(from, to)).unwrap_err();
            assert!(e.to_string().contains(names), "{e}");
        }
        let e = RollupPart::new(3).merge(&RollupPart::new(2)).unwrap_err();
        assert!(e.to_string().contains("bands"), "{e}");
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
