use std::collections::HashMap;
use std::hash::Hash;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Answer, MissingAnswers, Nps};
use crate::portfolio::{Column, Granularity, Period};
use crate::{Error, Result};

/// One group of an NPS breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NpsGroup<K> {
    /// The group key.
    pub key: K,
    /// The group's NPS; `None` when every answer of the group was null and skipped.
    pub nps: Option<Nps>,
    /// Null answers skipped in this group (only under [`MissingAnswers::Skip`]).
    pub skipped: u64,
}

impl<K> NpsGroup<K> {
    /// Number of answers counted in the group.
    pub fn responses(&self) -> u64 {
        self.nps.map_or(0, |n| n.responses())
    }
}

/// NPS per key over columnar input, in one pass: `key(i)` gives row `i`'s group (a segment, a
/// period, a CSM, or a tuple of those). Groups come back sorted by key. Each group's result
/// carries its counts, so a group of three answers is visibly a group of three.
///
/// The key function may fail (an unreadable date, say); its error is returned as is.
///
/// ```
/// use cs_core::nps::{nps_by, MissingAnswers};
/// use cs_core::portfolio::Column;
/// let scores = [10u8, 3, 9, 8];
/// let segment = ["smb", "smb", "ent", "ent"];
/// let groups = nps_by(Column::new("score", &scores), MissingAnswers::Reject, |i| Ok(segment[i]))?;
/// assert_eq!(groups[0].key, "ent");
/// assert_eq!(groups[0].nps.unwrap().score(), 50.0);
/// assert_eq!(groups[1].nps.unwrap().score(), 0.0);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn nps_by<T, K, F>(scores: Column<'_, T>, missing: MissingAnswers, mut key: F) -> Result<Vec<NpsGroup<K>>>
where
    T: Answer,
    K: Eq + Hash + Ord,
    F: FnMut(usize) -> Result<K>,
{
    let mut groups: HashMap<K, ([u64; 11], u64)> = HashMap::new();
    for i in 0..scores.len() {
        let k = key(i)?;
        let entry = groups.entry(k).or_insert(([0; 11], 0));
        match scores.get(i) {
            Some(v) if !v.is_missing() => match v.to_score() {
                Some(s) => entry.0[usize::from(s)] += 1,
                None => return Err(Error::out_of_range(scores.name(), v.describe(), "0..=10").at(i)),
            },
            _ if missing == MissingAnswers::Skip => entry.1 += 1,
            _ => {
                return Err(Error::Missing {
                    field: scores.name().to_owned(),
                    position: Some(i),
                });
            }
        }
    }
    if groups.is_empty() {
        return Err(Error::empty(scores.name()));
    }
    let mut out = Vec::with_capacity(groups.len());
    for (key, (counts, skipped)) in groups {
        // A group whose answers were all skipped has no score; it stays visible with nps = None.
        let nps = Nps::from_histogram(&counts).ok().map(|n| n.with_skipped(skipped));
        out.push(NpsGroup { key, nps, skipped });
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// NPS per calendar period (the trend), from answer dates.
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::nps::{nps_trend, MissingAnswers};
/// use cs_core::portfolio::{Column, Granularity};
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let scores = [10u8, 2, 9, 9];
/// let dates = [d(1, 5), d(2, 9), d(4, 1), d(6, 30)];
/// let trend = nps_trend(Column::new("score", &scores), &dates, Granularity::Quarter, MissingAnswers::Reject)?;
/// assert_eq!(trend[0].key.to_string(), "2026-Q1");
/// assert_eq!(trend[0].nps.unwrap().score(), 0.0);
/// assert_eq!(trend[1].nps.unwrap().score(), 100.0);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn nps_trend<T: Answer>(
    scores: Column<'_, T>,
    dates: &[NaiveDate],
    granularity: Granularity,
    missing: MissingAnswers,
) -> Result<Vec<NpsGroup<Period>>> {
    Column::new("date", dates).expect_len(scores.len())?;
    nps_by(scores, missing, |i| Ok(granularity.period_of(dates[i])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portfolio::Validity;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn groups_by_tuple_key() {
        let scores = [10u8, 0, 9, 7, 10];
        let seg = ["a", "a", "b", "b", "a"];
        let dates = [
            d(2026, 1, 1),
            d(2026, 5, 1),
            d(2026, 1, 2),
            d(2026, 1, 3),
            d(2026, 1, 4),
        ];
        let out = nps_by(Column::new("score", &scores), MissingAnswers::Reject, |i| {
            Ok((seg[i], Granularity::Quarter.period_of(dates[i])))
        })
        .unwrap();
        let labels: Vec<String> = out.iter().map(|g| format!("{}/{}", g.key.0, g.key.1)).collect();
        assert_eq!(labels, ["a/2026-Q1", "a/2026-Q2", "b/2026-Q1"]);
        let scores: Vec<f64> = out.iter().map(|g| g.nps.unwrap().score()).collect();
        assert_eq!(scores, [100.0, -100.0, 50.0]);
    }

    #[test]
    fn a_group_of_skipped_answers_stays_visible() {
        let scores = [9u8, 0];
        let bits = [0b01u8];
        let col = Column::new("score", &scores)
            .with_validity(Validity::new(&bits, 0, 2).unwrap())
            .unwrap();
        let keys = ["a", "b"];
        let out = nps_by(col, MissingAnswers::Skip, |i| Ok(keys[i])).unwrap();
        assert_eq!(out[1].key, "b");
        assert_eq!((out[1].nps, out[1].skipped, out[1].responses()), (None, 1, 0));
        assert_eq!(out[0].responses(), 1);
    }

    #[test]
    fn bad_answer_in_a_group_names_its_row() {
        let scores = [9i64, 12];
        let err = nps_by(Column::new("score", &scores), MissingAnswers::Reject, |_| Ok(0)).unwrap_err();
        assert_eq!(err.to_string(), "score 12 at position 1 is outside 0..=10");
    }

    #[test]
    fn trend_checks_lengths() {
        let err = nps_trend(
            Column::new("score", &[9u8, 9]),
            &[d(2026, 1, 1)],
            Granularity::Month,
            MissingAnswers::Reject,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "column date has 1 rows, expected 2");
    }
}
