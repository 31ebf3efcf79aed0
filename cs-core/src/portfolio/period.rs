//! Calendar periods (months, quarters, years), the keys of trends and breakdowns by date, and
//! the longest contract term the crate accepts.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The longest contract term accepted, in months (ten years). One bound for every contract: the
/// commercial `Contract` of the renewal module and the `ContractTerm` that the package module
/// builds engagement calendars over.
pub const MAX_TERM_MONTHS: u32 = 120;

/// The length of a calendar period: a month, a quarter or a year.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
