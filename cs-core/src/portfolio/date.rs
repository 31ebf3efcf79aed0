//! Dates in columns: the `DateLike` element types and the day-count encoding of Arrow and numpy.

use chrono::{Days, NaiveDate};

use crate::{Error, Result};

/// 1970-01-01, day 0 of the Arrow and numpy encodings.
const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// A value that can be read as a calendar date: [`NaiveDate`] itself, or a day count since
/// 1970-01-01 as Arrow `date32` (`i32`) and numpy `datetime64[D]` (`i64`) store it.
///
/// Batch functions are generic over this trait so that Arrow and numpy date columns arrive
/// without conversion. A day count outside chrono's range reads as `None`, which batch
/// functions report as an invalid value naming the column and row.
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::portfolio::DateLike;
/// let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
/// assert_eq!(20_513i32.to_date(), Some(d));
/// assert_eq!(cs_core::portfolio::epoch_days(d), 20_513);
/// ```
pub trait DateLike: Copy {
    /// The date, or `None` when the value is out of range.
    fn to_date(self) -> Option<NaiveDate>;
}

impl DateLike for NaiveDate {
    #[inline]
    fn to_date(self) -> Option<NaiveDate> {
        Some(self)
    }
}

impl DateLike for i64 {
    #[inline]
    fn to_date(self) -> Option<NaiveDate> {
        let days = Days::new(self.unsigned_abs());
        if self >= 0 {
            EPOCH.checked_add_days(days)
        } else {
            EPOCH.checked_sub_days(days)
        }
    }
}

impl DateLike for i32 {
    #[inline]
    fn to_date(self) -> Option<NaiveDate> {
        i64::from(self).to_date()
    }
}

/// The first date any input may hold: 1900-01-01. Customer-success dates (contracts, renewals,
/// surveys, milestones) lie well within [`MIN_DATE`]..=[`MAX_DATE`]; a date outside, such as
/// `0000-01-01` or `9999-12-31` (placeholders, typos, a day count read in the wrong unit), is
/// an input error rather than a date to compute with. The cell grammar, the Python date
/// arguments and the command line's date arguments all check it through [`check_date`].
pub const MIN_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// The last date any input may hold: 2200-12-31 (see [`MIN_DATE`]).
pub const MAX_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2200, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// [`MIN_DATE`] in days since 1970-01-01 (see [`epoch_days`]), for range checks over Arrow
/// `date32` buffers without a date conversion per cell.
pub const MIN_EPOCH_DAY: i32 = -25_567;

/// [`MAX_DATE`] in days since 1970-01-01 (see [`MIN_EPOCH_DAY`]).
pub const MAX_EPOCH_DAY: i32 = 84_370;

/// The range inputs' dates must lie in, as error messages state it.
pub const DATE_RANGE: &str = "1900-01-01..=2200-12-31";

/// `date` when it lies within [`MIN_DATE`]..=[`MAX_DATE`], else [`Error::OutOfRange`] naming
/// `field` and the date.
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::portfolio::check_date;
/// let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
/// assert_eq!(check_date("start", d), Ok(d));
/// let e = check_date("start", NaiveDate::from_ymd_opt(0, 1, 1).unwrap()).unwrap_err();
/// assert_eq!(e.to_string(), "start 0000-01-01 is outside 1900-01-01..=2200-12-31");
/// ```
pub fn check_date(field: &str, date: NaiveDate) -> Result<NaiveDate> {
    if (MIN_DATE..=MAX_DATE).contains(&date) {
        Ok(date)
    } else {
        Err(Error::out_of_range(field, date, DATE_RANGE))
    }
}

/// Days since 1970-01-01 (the Arrow `date32` / numpy `datetime64[D]` encoding) of a date.
/// Every date chrono represents (years within ±262,143) is within ±96 million days, so the
/// count always fits an `i32`.
pub fn epoch_days(date: NaiveDate) -> i32 {
    (date - EPOCH).num_days() as i32
}

/// Whole days from `start` to `end` (negative when `end` is earlier).
#[inline]
pub(crate) fn days_between(start: NaiveDate, end: NaiveDate) -> i64 {
    (end - start).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_day_bounds_are_the_date_range() {
        assert_eq!(epoch_days(MIN_DATE), MIN_EPOCH_DAY);
        assert_eq!(epoch_days(MAX_DATE), MAX_EPOCH_DAY);
    }
}
