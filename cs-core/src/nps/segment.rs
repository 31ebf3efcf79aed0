use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Answer, MissingAnswers, Nps};
use crate::portfolio::Column;
use crate::{Error, Result};

/// The length of the periods an NPS trend is cut into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    /// Calendar months.
    Month,
    /// Calendar quarters (Q1 = January to March).
    Quarter,
    /// Calendar years.
    Year,
}

impl Granularity {
    /// Parses `"month"`, `"quarter"` or `"year"`.
    pub fn parse(name: &str) -> Result<Granularity> {
        match name.trim().to_ascii_lowercase().as_str() {
            "month" | "monthly" | "m" => Ok(Granularity::Month),
            "quarter" | "quarterly" | "q" => Ok(Granularity::Quarter),
            "year" | "yearly" | "annual" | "y" => Ok(Granularity::Year),
            _ => Err(Error::unknown("period", name, ["month", "quarter", "year"])),
        }
    }

    /// The period containing `date`.
    pub fn period_of(self, date: NaiveDate) -> Period {
        let index = match self {
            Granularity::Month => date.month() as u8,
            Granularity::Quarter => (date.month0() / 3 + 1) as u8,
            Granularity::Year => 0,
        };
        Period {
            granularity: self,
            year: date.year(),
            index,
        }
    }
}

/// A calendar period: `2026-03`, `2026-Q1` or `2026`. Periods of one granularity sort
/// chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Period {
    granularity: Granularity,
    year: i32,
    index: u8,
}

impl Period {
    /// The calendar year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The month (1..=12) or quarter (1..=4) within the year; 0 for a year.
    pub fn index(&self) -> u8 {
        self.index
    }

    /// The granularity.
    pub fn granularity(&self) -> Granularity {
        self.granularity
    }

    /// The first day of the period.
    pub fn start(&self) -> Option<NaiveDate> {
        let month = match self.granularity {
            Granularity::Month => u32::from(self.index),
            Granularity::Quarter => u32::from(self.index) * 3 - 2,
            Granularity::Year => 1,
        };
        NaiveDate::from_ymd_opt(self.year, month, 1)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.granularity {
            Granularity::Month => write!(f, "{:04}-{:02}", self.year, self.index),
            Granularity::Quarter => write!(f, "{:04}-Q{}", self.year, self.index),
            Granularity::Year => write!(f, "{:04}", self.year),
        }
    }
}

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
/// use cs_core::nps::{nps_trend, Granularity, MissingAnswers};
/// use cs_core::portfolio::Column;
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
    fn periods_format_and_sort() {
        let q = Granularity::Quarter.period_of(d(2026, 11, 24));
        assert_eq!(q.to_string(), "2026-Q4");
        assert_eq!(q.start(), Some(d(2026, 10, 1)));
        assert_eq!(
            Granularity::Month.period_of(d(2026, 2, 28)).to_string(),
            "2026-02"
        );
        assert_eq!(Granularity::Year.period_of(d(2025, 12, 31)).to_string(), "2025");
        assert!(Granularity::Month.period_of(d(2025, 12, 31)) < Granularity::Month.period_of(d(2026, 1, 1)));
    }

    #[test]
    fn granularity_parse_rejects_unknown() {
        assert_eq!(Granularity::parse("Quarter").unwrap(), Granularity::Quarter);
        assert!(
            Granularity::parse("week")
                .unwrap_err()
                .to_string()
                .contains("unknown period \"week\"")
        );
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
