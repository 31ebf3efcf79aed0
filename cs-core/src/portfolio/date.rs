//! Dates in columns: the `DateLike` element types and the day-count encoding of Arrow and numpy.

use chrono::{Days, NaiveDate};

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
