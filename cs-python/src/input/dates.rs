//! Date columns, read by cs-arrow's one date grammar (date32, date64 and timestamps at
//! midnight, ISO text `YYYY-MM-DD`; null or blank is missing) whatever the caller hands in.
//! Date32 memory is shared, not copied.

use arrow_array::ArrayRef;
use arrow_array::types::Date32Type;
use arrow_buffer::{NullBuffer, ScalarBuffer};
use chrono::NaiveDate;
use cs_core::portfolio::{Column, Validity};
use pyo3::prelude::*;

use super::columns::arrow_single;
use super::tables::{Owned, from_options};
use crate::error::{OrRaise, raise};

/// A date column as days since 1970-01-01 (the layout cs-core's `DateLike` reads for `i32`),
/// with its nulls.
pub(crate) struct Dates {
    days: ScalarBuffer<i32>,
    nulls: Option<NullBuffer>,
}

impl Dates {
    /// Reads an Arrow column of a table; `name` is the column name used in errors.
    pub(crate) fn from_arrow(array: &ArrayRef, name: &str) -> PyResult<Dates> {
        match cs_arrow::convert(array, name, cs_core::pipeline::Kind::Date).or_raise()? {
            cs_arrow::Held::Date(days, nulls) => Ok(Dates { days, nulls }),
            _ => Err(raise(cs_core::Error::invalid(
                format!("column {name}"),
                format!("type {}", array.data_type()),
                "expected dates",
            ))),
        }
    }

    /// Reads any column-like object of dates (numpy datetime64, Arrow, pandas, polars, lists).
    pub(crate) fn extract(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Dates> {
        Dates::from_arrow(&arrow_single(obj, name)?, name)
    }

    fn is_null(&self, i: usize) -> bool {
        self.nulls.as_ref().is_some_and(|n| n.is_null(i))
    }

    fn date(&self, i: usize, name: &str) -> PyResult<NaiveDate> {
        let d = self.days[i];
        Date32Type::to_naive_date_opt(d)
            .ok_or_else(|| raise(cs_core::Error::out_of_range(name, d, "dates chrono can represent").at(i)))
    }

    /// Borrows the days as a cs-core column (validity only where nulls exist).
    pub(crate) fn column<'a>(&'a self, name: &'a str) -> PyResult<Column<'a, i32>> {
        let validity = match &self.nulls {
            Some(n) if n.null_count() > 0 => {
                Some(Validity::new(n.validity(), n.offset(), n.len()).or_raise()?)
            }
            _ => None,
        };
        Column::new(name, &self.days)
            .with_optional_validity(validity)
            .or_raise()
    }

    /// Every date, a missing one being an error naming its row.
    pub(crate) fn required(&self, name: &str) -> PyResult<Vec<NaiveDate>> {
        (0..self.days.len())
            .map(|i| {
                if self.is_null(i) {
                    Err(raise(cs_core::Error::missing(name).at(i)))
                } else {
                    self.date(i, name)
                }
            })
            .collect()
    }

    /// The dates with their nulls.
    pub(crate) fn optional(&self, name: &str) -> PyResult<Owned<NaiveDate>> {
        let values = (0..self.days.len())
            .map(|i| {
                if self.is_null(i) {
                    Ok(None)
                } else {
                    self.date(i, name).map(Some)
                }
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok(from_options(values, NaiveDate::MIN))
    }
}
