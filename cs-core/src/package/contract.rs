use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::portfolio::MAX_TERM_MONTHS;
use crate::{Error, Result};

/// The dates of one contract term that a calendar is built over: the start date and the
/// renewal (anniversary) date.
///
/// The term is half-open, `[start, renewal)`: the renewal date is the first day of the next
/// term, so an activity that would land on or after it belongs to the next term and is
/// dropped. Anniversaries are counted back from the renewal date in steps of 12 months
/// (`renewal - 12k months`, clamped to month ends), so a co-termed contract whose renewal is
/// not a whole number of years after its start has a short first contract year.
///
/// This is the small date input of the calendar; the commercial contract (ARR, owner, renewal
/// stages) belongs to the `renewal` module.
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::package::ContractTerm;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let term = ContractTerm::with_term_months(d(2024, 2, 29), 24)?;
/// assert_eq!(term.renewal(), d(2026, 2, 28)); // no 29 February in 2026
/// assert_eq!(term.anniversaries(), vec![d(2025, 2, 28), d(2026, 2, 28)]);
/// assert!(ContractTerm::new(d(2026, 1, 15), d(2025, 1, 15)).is_err());
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawTerm", deny_unknown_fields)]
pub struct ContractTerm {
    start: NaiveDate,
    renewal: NaiveDate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    start: NaiveDate,
    renewal: NaiveDate,
}

impl TryFrom<RawTerm> for ContractTerm {
    type Error = Error;
    fn try_from(raw: RawTerm) -> Result<Self> {
        ContractTerm::new(raw.start, raw.renewal)
    }
}

impl ContractTerm {
    /// A term from its start and renewal dates; the renewal must be after the start and at
    /// most [`MAX_TERM_MONTHS`] later.
    pub fn new(start: NaiveDate, renewal: NaiveDate) -> Result<ContractTerm> {
        if renewal <= start {
            return Err(Error::invalid(
                "renewal date",
                renewal,
                format!("it must be after the contract start {start}"),
            ));
        }
        let limit = start.checked_add_months(Months::new(MAX_TERM_MONTHS));
        if limit.is_none_or(|l| renewal > l) {
            return Err(Error::invalid(
                "renewal date",
                renewal,
                format!("the term from {start} is longer than {MAX_TERM_MONTHS} months"),
            ));
        }
        Ok(ContractTerm { start, renewal })
    }

    /// A term of `months` months from `start` (renewal = start + months, clamped to the
    /// month end: a 1-month term from 31 January renews on 28 or 29 February).
    pub fn with_term_months(start: NaiveDate, months: u32) -> Result<ContractTerm> {
        if months == 0 || months > MAX_TERM_MONTHS {
            return Err(Error::out_of_range(
                "contract term months",
                months,
                format!("1..={MAX_TERM_MONTHS}"),
            ));
        }
        let renewal = start.checked_add_months(Months::new(months)).ok_or_else(|| {
            Error::invalid("contract start", start, "the term ends past the calendar range")
        })?;
        ContractTerm::new(start, renewal)
    }

    /// The usual one-year term from `start`.
    pub fn one_year(start: NaiveDate) -> Result<ContractTerm> {
        ContractTerm::with_term_months(start, 12)
    }

    /// The first day of the term.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The renewal (anniversary) date: the first day after the term.
    pub fn renewal(&self) -> NaiveDate {
        self.renewal
    }

    /// The last day of the term (the day before renewal).
    pub fn last_day(&self) -> NaiveDate {
        self.renewal.pred_opt().unwrap_or(self.renewal)
    }

    /// Whole months from start to renewal (the largest `m` with `start + m months <= renewal`).
    pub fn term_months(&self) -> u32 {
        let mut m = 0;
        while m < MAX_TERM_MONTHS
            && self
                .start
                .checked_add_months(Months::new(m + 1))
                .is_some_and(|d| d <= self.renewal)
        {
            m += 1;
        }
        m
    }

    /// Whether `date` lies in the term, `start <= date < renewal`.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date < self.renewal
    }

    /// The anniversaries after the start, ascending; the last one is the renewal date.
    pub fn anniversaries(&self) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut k = 0;
        while let Some(a) = self.renewal.checked_sub_months(Months::new(12 * k)) {
            if a <= self.start {
                break;
            }
            out.push(a);
            k += 1;
        }
        out.reverse();
        out
    }

    /// The contract year (1-based) that `date` falls in: 1 + the number of anniversaries
    /// before the renewal that are on or before `date`.
    ///
    /// Errors: a date outside the term (before the start, or on or after the renewal) is
    /// [`Error::OutOfRange`] naming the date and the term; it falls in no contract year.
    pub fn contract_year(&self, date: NaiveDate) -> Result<u32> {
        if !self.contains(date) {
            return Err(Error::out_of_range(
                "contract year date",
                date,
                format!("the term {}..={}", self.start, self.last_day()),
            ));
        }
        let anniversaries = self.anniversaries();
        let before_renewal = &anniversaries[..anniversaries.len().saturating_sub(1)];
        Ok(1 + before_renewal.iter().filter(|&&a| a <= date).count() as u32)
    }

    /// The next term of the same length in months, starting on this term's renewal date.
    pub fn next(&self) -> Result<ContractTerm> {
        ContractTerm::with_term_months(self.renewal, self.term_months().max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn renewal_before_start_is_an_error_naming_the_date() {
        let e = ContractTerm::new(d(2026, 1, 15), d(2025, 12, 31)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "renewal date 2025-12-31 is invalid: it must be after the contract start 2026-01-15"
        );
        assert!(ContractTerm::new(d(2026, 1, 15), d(2026, 1, 15)).is_err());
    }

    #[test]
    fn zero_month_term_is_out_of_range() {
        let e = ContractTerm::with_term_months(d(2026, 1, 15), 0).unwrap_err();
        assert_eq!(e.to_string(), "contract term months 0 is outside 1..=120");
    }

    #[test]
    fn terms_longer_than_ten_years_are_out_of_range() {
        let start = d(2026, 1, 15);
        assert_eq!(
            ContractTerm::with_term_months(start, 120).unwrap().term_months(),
            120
        );
        let e = ContractTerm::with_term_months(start, 121).unwrap_err();
        assert_eq!(e.to_string(), "contract term months 121 is outside 1..=120");
        assert!(ContractTerm::new(start, d(2036, 1, 15)).is_ok());
        let e = ContractTerm::new(start, d(2036, 1, 16)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "renewal date 2036-01-16 is invalid: the term from 2026-01-15 is longer than 120 months"
        );
    }

    #[test]
    fn one_month_term_from_january_31_renews_at_february_end() {
        // 2028 is a leap year: 31 Jan + 1 month = 29 Feb; 2027 is not: 28 Feb.
        assert_eq!(
            ContractTerm::with_term_months(d(2028, 1, 31), 1)
                .unwrap()
                .renewal(),
            d(2028, 2, 29)
        );
        assert_eq!(
            ContractTerm::with_term_months(d(2027, 1, 31), 1)
                .unwrap()
                .renewal(),
            d(2027, 2, 28)
        );
    }

    #[test]
    fn three_year_term_has_three_anniversaries_and_three_contract_years() {
        let t = ContractTerm::with_term_months(d(2026, 1, 15), 36).unwrap();
        assert_eq!(
            t.anniversaries(),
            vec![d(2027, 1, 15), d(2028, 1, 15), d(2029, 1, 15)]
        );
        assert_eq!(t.term_months(), 36);
        assert_eq!(t.contract_year(d(2026, 1, 15)), Ok(1));
        assert_eq!(t.contract_year(d(2027, 1, 14)), Ok(1));
        assert_eq!(t.contract_year(d(2027, 1, 15)), Ok(2));
        assert_eq!(t.contract_year(d(2029, 1, 14)), Ok(3));
        // Outside the term there is no contract year (it used to be 1 before the start and 3
        // after the end).
        let e = t.contract_year(d(2025, 12, 31)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "contract year date 2025-12-31 is outside the term 2026-01-15..=2029-01-14"
        );
        assert!(t.contract_year(d(2029, 1, 15)).is_err());
    }

    #[test]
    fn co_termed_contract_has_a_short_first_year() {
        // 18 months: anniversaries counted back from the renewal: 2027-07-01, 2026-07-01.
        let t = ContractTerm::new(d(2026, 1, 1), d(2027, 7, 1)).unwrap();
        assert_eq!(t.anniversaries(), vec![d(2026, 7, 1), d(2027, 7, 1)]);
        assert_eq!(t.contract_year(d(2026, 6, 30)), Ok(1));
        assert_eq!(t.contract_year(d(2026, 7, 1)), Ok(2));
        assert_eq!(t.term_months(), 18);
    }

    #[test]
    fn deserialising_checks_the_dates() {
        let ok: ContractTerm =
            serde_json::from_str(r#"{"start":"2026-01-15","renewal":"2027-01-15"}"#).unwrap();
        assert_eq!(ok.term_months(), 12);
        let bad = serde_json::from_str::<ContractTerm>(r#"{"start":"2026-01-15","renewal":"2025-01-15"}"#);
        assert!(bad.unwrap_err().to_string().contains("renewal date 2025-01-15"));
    }
}
