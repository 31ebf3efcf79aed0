use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::portfolio::Column;
use crate::renewal::Contract;
use crate::{Error, Result};

/// The ARR of every account at one point in time, keyed by account id (unique).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Snapshot {
    accounts: BTreeMap<String, (i64, Option<String>)>,
}

impl Snapshot {
    /// A snapshot from columns: account ids (unique, non-blank), ARR (no nulls, `>= 0`) and
    /// optional segments. A repeated id is [`Error::Duplicate`].
    pub fn new<S: AsRef<str>, G: AsRef<str>>(
        ids: &[S],
        arr: Column<'_, i64>,
        segment: Option<&[G]>,
    ) -> Result<Self> {
        arr.expect_len(ids.len())?;
        if let Some(s) = segment {
            super::check_len("segment", s.len(), ids.len())?;
        }
        let mut accounts = BTreeMap::new();
        for (i, id) in ids.iter().enumerate() {
            let id = id.as_ref();
            if id.trim().is_empty() {
                return Err(Error::invalid("account id", "\"\"", "must not be blank").at(i));
            }
            let a = arr.get(i).ok_or_else(|| Error::missing(arr.name()).at(i))?;
            if a < 0 {
                return Err(Error::out_of_range(arr.name(), a, ">= 0").at(i));
            }
            let seg = segment.map(|s| s[i].as_ref().to_owned());
            if accounts.insert(id.to_owned(), (a, seg)).is_some() {
                return Err(Error::duplicate("account id", id));
            }
        }
        Ok(Snapshot { accounts })
    }

    /// A snapshot of contracts (ARR and segment of each); duplicate account ids are an error.
    pub fn from_contracts(contracts: &[Contract]) -> Result<Self> {
        let mut accounts = BTreeMap::new();
        for c in contracts {
            let v = (c.arr(), c.segment().map(str::to_owned));
            if accounts.insert(c.account_id().to_owned(), v).is_some() {
                return Err(Error::duplicate("account id", c.account_id()));
            }
        }
        Ok(Snapshot { accounts })
    }

    /// Number of accounts.
    pub fn len(&self) -> usize {
        self.accounts.len()
    }

    /// True when the snapshot holds no account.
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// The ARR of an account, if present.
    pub fn arr(&self, account_id: &str) -> Option<i64> {
        self.accounts.get(account_id).map(|(a, _)| *a)
    }
}

/// Revenue retention of one cohort (the accounts of the starting snapshot) over a period.
///
/// With `start_i` and `end_i` each starting account's ARR at both ends (`end_i = 0` when it is
/// gone): GRR `= Σ min(end_i, start_i) ÷ Σ start_i` (expansion does not count, so GRR <= 1);
/// NRR `= Σ end_i ÷ Σ start_i`; logo churn = accounts with `end_i = 0` ÷ accounts. Accounts
/// that appear only in the end snapshot are new business: counted in `new_*`, excluded from
/// every ratio. Identity: `end_arr = start_arr + expansion − contraction − churned_arr`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetentionSummary {
    /// Accounts in the starting cohort.
    pub start_accounts: u64,
    /// Their ARR at the start.
    pub start_arr: i64,
    /// Their ARR at the end (0 for churned accounts).
    pub end_arr: i64,
    /// Σ min(end, start): the GRR numerator.
    pub retained_arr: i64,
    /// Accounts with ARR 0 or absent at the end (that had ARR at the start).
    pub churned_accounts: u64,
    /// Starting ARR of the churned accounts.
    pub churned_arr: i64,
    /// Σ (end − start) over accounts that grew.
    pub expansion_arr: i64,
    /// Σ (start − end) over accounts that shrank but stayed.
    pub contraction_arr: i64,
    /// Accounts present only at the end (excluded from the ratios).
    pub new_accounts: u64,
    /// Their ARR.
    pub new_arr: i64,
    /// Gross revenue retention, 0..=1; `None` when the starting ARR is 0.
    pub grr: Option<f64>,
    /// Net revenue retention; `None` when the starting ARR is 0.
    pub nrr: Option<f64>,
    /// Share of starting accounts lost; `None` without starting accounts.
    pub logo_churn: Option<f64>,
}

/// Retention overall and per segment (the segment of the starting snapshot; accounts without
/// one are grouped under `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevenueRetention {
    /// The whole cohort.
    pub overall: RetentionSummary,
    /// Per segment, sorted by segment.
    pub by_segment: Vec<(Option<String>, RetentionSummary)>,
}

/// The additive counts behind a [`RetentionSummary`]: sums over accounts, exact (`i128`), so
/// the counts of several parts of a cohort (Spark partitions, files) add up to the counts of the
/// whole cohort whatever the split or the order ([`RetentionCounts::merge`]), and
/// [`RevenueRetention::from_counts`] gives the single-machine result from them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionCounts {
    /// Accounts in the starting cohort.
    pub start_accounts: u64,
    /// Their ARR at the start.
    pub start_arr: i128,
    /// Their ARR at the end.
    pub end_arr: i128,
    /// Σ min(end, start).
    pub retained_arr: i128,
    /// Starting accounts with ARR 0 or absent at the end.
    pub churned_accounts: u64,
    /// Their starting ARR.
    pub churned_arr: i128,
    /// Σ (end − start) over accounts that grew.
    pub expansion_arr: i128,
    /// Σ (start − end) over accounts that shrank but stayed.
    pub contraction_arr: i128,
    /// Accounts present only at the end.
    pub new_accounts: u64,
    /// Their ARR.
    pub new_arr: i128,
}

impl RetentionCounts {
    /// Adds `other` (another part of the cohort); a count beyond its type is
    /// [`Error::OutOfRange`].
    pub fn merge(&mut self, other: &RetentionCounts) -> Result<()> {
        let count = |a: u64, b: u64, what: &str| {
            a.checked_add(b)
                .ok_or_else(|| Error::out_of_range(what, "the sum", "a count within u64"))
        };
        let sum = |a: i128, b: i128, what: &str| {
            a.checked_add(b)
                .ok_or_else(|| Error::out_of_range(what, "the sum", "a sum within i128"))
        };
        *self = RetentionCounts {
            start_accounts: count(self.start_accounts, other.start_accounts, "start accounts")?,
            start_arr: sum(self.start_arr, other.start_arr, "start arr")?,
            end_arr: sum(self.end_arr, other.end_arr, "end arr")?,
            retained_arr: sum(self.retained_arr, other.retained_arr, "retained arr")?,
            churned_accounts: count(self.churned_accounts, other.churned_accounts, "churned accounts")?,
            churned_arr: sum(self.churned_arr, other.churned_arr, "churned arr")?,
            expansion_arr: sum(self.expansion_arr, other.expansion_arr, "expansion arr")?,
            contraction_arr: sum(self.contraction_arr, other.contraction_arr, "contraction arr")?,
            new_accounts: count(self.new_accounts, other.new_accounts, "new accounts")?,
            new_arr: sum(self.new_arr, other.new_arr, "new arr")?,
        };
        Ok(())
    }

    fn add(&mut self, start: i64, end: i64) {
        let (s, e) = (i128::from(start), i128::from(end));
        self.start_accounts += 1;
        self.start_arr += s;
        self.end_arr += e;
        self.retained_arr += s.min(e);
        if e == 0 && s > 0 {
            self.churned_accounts += 1;
            self.churned_arr += s;
        } else if e > s {
            self.expansion_arr += e - s;
        } else {
            self.contraction_arr += s - e;
        }
    }

    /// The summary of these counts: the sums (each within `i64`, else [`Error::OutOfRange`])
    /// and the ratios GRR, NRR and logo churn.
    pub fn summary(&self) -> Result<RetentionSummary> {
        let fit =
            |v: i128, what: &str| i64::try_from(v).map_err(|_| Error::out_of_range(what, v, "the i64 range"));
        let ratio = |num: i128| (self.start_arr > 0).then(|| num as f64 / self.start_arr as f64);
        Ok(RetentionSummary {
            start_accounts: self.start_accounts,
            start_arr: fit(self.start_arr, "start arr")?,
            end_arr: fit(self.end_arr, "end arr")?,
            retained_arr: fit(self.retained_arr, "retained arr")?,
            churned_accounts: self.churned_accounts,
            churned_arr: fit(self.churned_arr, "churned arr")?,
            expansion_arr: fit(self.expansion_arr, "expansion arr")?,
            contraction_arr: fit(self.contraction_arr, "contraction arr")?,
            new_accounts: self.new_accounts,
            new_arr: fit(self.new_arr, "new arr")?,
            grr: ratio(self.retained_arr),
            nrr: ratio(self.end_arr),
            logo_churn: (self.start_accounts > 0)
                .then(|| self.churned_accounts as f64 / self.start_accounts as f64),
        })
    }
}

impl RetentionSummary {
    /// The additive counts of this summary (to merge with other parts of a cohort).
    pub fn counts(&self) -> RetentionCounts {
        RetentionCounts {
            start_accounts: self.start_accounts,
            start_arr: i128::from(self.start_arr),
            end_arr: i128::from(self.end_arr),
            retained_arr: i128::from(self.retained_arr),
            churned_accounts: self.churned_accounts,
            churned_arr: i128::from(self.churned_arr),
            expansion_arr: i128::from(self.expansion_arr),
            contraction_arr: i128::from(self.contraction_arr),
            new_accounts: self.new_accounts,
            new_arr: i128::from(self.new_arr),
        }
    }
}

impl RevenueRetention {
    /// Retention from counts per segment, in any order, a segment repeated any number of times
    /// (its counts are merged): the counts of the parts of a cohort (the `by_segment` summaries
    /// of [`revenue_retention`] on each part, through [`RetentionSummary::counts`]) give the
    /// result of [`revenue_retention`] on the whole cohort, exactly. The overall summary is the
    /// sum of the segments.
    ///
    /// ```
    /// use cs_core::portfolio::Column;
    /// use cs_core::revenue::{RevenueRetention, Snapshot, revenue_retention};
    /// let snap = |ids: &[&str], arr: &[i64], seg: &[&str]| {
    ///     Snapshot::new(ids, Column::new("arr", arr), Some(seg))
    /// };
    /// let whole = revenue_retention(
    ///     &snap(&["a", "b", "c"], &[100, 200, 300], &["x", "y", "x"])?,
    ///     &snap(&["a", "c", "d"], &[150, 100, 50], &["x", "x", "y"])?,
    /// )?;
    /// // The same accounts in two parts (each account's start and end in the same part).
    /// let one = revenue_retention(&snap(&["a", "b"], &[100, 200], &["x", "y"])?, &snap(&["a"], &[150], &["x"])?)?;
    /// let two = revenue_retention(&snap(&["c"], &[300], &["x"])?, &snap(&["c", "d"], &[100, 50], &["x", "y"])?)?;
    /// let counts = one.by_segment.iter().chain(&two.by_segment).map(|(k, s)| (k.clone(), s.counts()));
    /// assert_eq!(RevenueRetention::from_counts(counts)?, whole);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn from_counts(
        by_segment: impl IntoIterator<Item = (Option<String>, RetentionCounts)>,
    ) -> Result<RevenueRetention> {
        let mut segments: BTreeMap<Option<String>, RetentionCounts> = BTreeMap::new();
        let mut overall = RetentionCounts::default();
        for (segment, counts) in by_segment {
            overall.merge(&counts)?;
            segments.entry(segment).or_default().merge(&counts)?;
        }
        Ok(RevenueRetention {
            overall: overall.summary()?,
            by_segment: segments
                .into_iter()
                .map(|(k, c)| Ok((k, c.summary()?)))
                .collect::<Result<Vec<_>>>()?,
        })
    }
}

/// Gross and net revenue retention, logo churn, expansion and contraction between two
/// snapshots, overall and per segment. Sums are exact (integer); new accounts are excluded.
///
/// ```
/// use cs_core::portfolio::Column;
/// use cs_core::revenue::{revenue_retention, Snapshot};
/// let start = Snapshot::new(&["a", "b", "c"], Column::new("arr", &[100i64, 200, 300]), None::<&[&str]>)?;
/// let end = Snapshot::new(&["a", "b", "d"], Column::new("arr", &[150i64, 100, 999]), None::<&[&str]>)?;
/// let r = revenue_retention(&start, &end)?.overall;
/// // GRR = (100 + 100 + 0) / 600; NRR = (150 + 100 + 0) / 600; c churned; d is new.
/// assert_eq!(r.grr, Some(200.0 / 600.0));
/// assert_eq!(r.nrr, Some(250.0 / 600.0));
/// assert_eq!((r.expansion_arr, r.contraction_arr, r.churned_arr), (50, 100, 300));
/// assert_eq!((r.new_accounts, r.new_arr), (1, 999));
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn revenue_retention(start: &Snapshot, end: &Snapshot) -> Result<RevenueRetention> {
    let mut overall = RetentionCounts::default();
    let mut segments: HashMap<Option<&str>, RetentionCounts> = HashMap::new();
    for (id, (s, seg)) in &start.accounts {
        let e = end.arr(id).unwrap_or(0);
        overall.add(*s, e);
        segments.entry(seg.as_deref()).or_default().add(*s, e);
    }
    for (id, (e, seg)) in &end.accounts {
        if !start.accounts.contains_key(id) {
            overall.new_accounts += 1;
            overall.new_arr += i128::from(*e);
            let t = segments.entry(seg.as_deref()).or_default();
            t.new_accounts += 1;
            t.new_arr += i128::from(*e);
        }
    }
    let mut keys: Vec<Option<&str>> = segments.keys().copied().collect();
    keys.sort_unstable();
    let by_segment = keys
        .into_iter()
        .map(|k| Ok((k.map(str::to_owned), segments[&k].summary()?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(RevenueRetention {
        overall: overall.summary()?,
        by_segment,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp, clippy::many_single_char_names)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An account of the split test: start ARR, end ARR, where it is (0 start only, 1 end
    /// only, else both), its segment and its part.
    type Row = (i64, i64, u8, u8, usize);

    #[test]
    fn duplicate_ids_are_rejected() {
        let e = Snapshot::new(
            &["a", "b", "a"],
            Column::new("arr", &[1i64, 2, 3]),
            None::<&[&str]>,
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "duplicate account id \"a\"");
    }

    #[test]
    fn by_segment_uses_the_starting_segment() {
        let start = Snapshot::new(
            &["a", "b"],
            Column::new("arr", &[100i64, 100]),
            Some(&["ent", "smb"]),
        )
        .unwrap();
        let end = Snapshot::new(
            &["a", "b", "c"],
            Column::new("arr", &[120i64, 0, 50]),
            Some(&["smb", "smb", "smb"]),
        )
        .unwrap();
        let r = revenue_retention(&start, &end).unwrap();
        assert_eq!(r.by_segment.len(), 2);
        let (ent, smb) = (&r.by_segment[0].1, &r.by_segment[1].1);
        // a moved to smb but stays in its starting segment: ent GRR 1.0, NRR 1.2.
        assert_eq!((ent.grr, ent.nrr), (Some(1.0), Some(1.2)));
        // b went to 0 ARR: churned. c is new in smb.
        assert_eq!(
            (smb.churned_accounts, smb.logo_churn, smb.new_accounts),
            (1, Some(1.0), 1)
        );
        assert_eq!(r.overall.logo_churn, Some(0.5));
    }

    #[test]
    fn empty_start_gives_no_ratios() {
        let start = Snapshot::default();
        let end = Snapshot::new(&["x"], Column::new("arr", &[5i64]), None::<&[&str]>).unwrap();
        let r = revenue_retention(&start, &end).unwrap().overall;
        assert_eq!((r.grr, r.nrr, r.logo_churn), (None, None, None));
        assert_eq!(r.new_arr, 5);
    }

    proptest! {
        #[test]
        fn retention_identities_hold(rows in prop::collection::vec((0i64..1_000_000, 0i64..1_000_000, any::<bool>()), 1..60)) {
            let ids: Vec<String> = (0..rows.len()).map(|i| format!("acct{i}")).collect();
            let s: Vec<i64> = rows.iter().map(|r| r.0).collect();
            let e: Vec<i64> = rows.iter().map(|r| if r.2 { r.1 } else { 0 }).collect();
            let start = Snapshot::new(&ids, Column::new("arr", &s), None::<&[&str]>).unwrap();
            let end = Snapshot::new(&ids, Column::new("arr", &e), None::<&[&str]>).unwrap();
            let r = revenue_retention(&start, &end).unwrap().overall;
            prop_assert_eq!(r.end_arr, r.start_arr + r.expansion_arr - r.contraction_arr - r.churned_arr);
            if let (Some(g), Some(n)) = (r.grr, r.nrr) {
                prop_assert!((0.0..=1.0).contains(&g));
                prop_assert!(g <= n + 1e-12);
            }
        }

        /// The counts of any split of the accounts (start, end, segments, new accounts), merged,
        /// are the whole result.
        #[test]
        fn counts_of_parts_merge_into_the_whole(
            rows in prop::collection::vec(
                (0i64..1_000, 0i64..1_000, 0u8..4, 0u8..3, 0usize..3), 1..80),
        ) {
            // r.2: 0 start only, 1 end only (new), 2-3 both; r.3 the segment; r.4 the part.
            let side = |keep: &dyn Fn(&Row) -> bool, value: &dyn Fn(&Row) -> i64| {
                let chosen: Vec<(usize, &Row)> = rows.iter().enumerate().filter(|(_, r)| keep(r)).collect();
                let ids: Vec<String> = chosen.iter().map(|(i, _)| format!("a{i}")).collect();
                let arr: Vec<i64> = chosen.iter().map(|(_, r)| value(r)).collect();
                let seg: Vec<String> = chosen.iter().map(|(_, r)| format!("s{}", r.3)).collect();
                Snapshot::new(&ids, Column::new("arr", &arr), Some(&seg)).unwrap()
            };
            let whole = revenue_retention(
                &side(&|r| r.2 != 1, &|r| r.0),
                &side(&|r| r.2 != 0, &|r| r.1),
            ).unwrap();
            let mut counts = Vec::new();
            for part in 0..3 {
                let one = revenue_retention(
                    &side(&|r| r.4 == part && r.2 != 1, &|r| r.0),
                    &side(&|r| r.4 == part && r.2 != 0, &|r| r.1),
                ).unwrap();
                counts.extend(one.by_segment.iter().map(|(k, s)| (k.clone(), s.counts())));
            }
            counts.reverse();
            prop_assert_eq!(RevenueRetention::from_counts(counts).unwrap(), whole);
        }
    }
}
