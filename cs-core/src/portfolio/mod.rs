//! The columnar account table shared by the batch APIs.
//!
//! Batch functions take [`Column`]s: borrowed value slices with an optional Arrow-style validity
//! bitmap, so numpy arrays and Arrow buffers arrive without a copy. They return vectors (one
//! entry per row) and, where rows can be null, [`ColumnBuf`]s: values plus an Arrow validity
//! bitmap, which the Python binding hands back as Arrow arrays without a copy.
//!
//! It also holds the calendar vocabulary every module shares: dates as columns store them
//! ([`DateLike`], [`epoch_days`]), calendar periods ([`Period`], [`Granularity`]) and the
//! longest contract term accepted ([`MAX_TERM_MONTHS`]).

mod column;
mod column_buf;
mod date;
mod period;

pub use column::{Column, Validity};
pub use column_buf::ColumnBuf;
pub(crate) use date::days_between;
pub use date::{
    DATE_RANGE, DateLike, MAX_DATE, MAX_EPOCH_DAY, MIN_DATE, MIN_EPOCH_DAY, check_date, epoch_days,
};
pub use period::{Granularity, MAX_TERM_MONTHS, Period};
