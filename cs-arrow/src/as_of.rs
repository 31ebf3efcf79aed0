//! "Nothing after the as-of date": the rows of a dated table on or before a date, and which
//! column dates each table of the sample company's layout (docs/sample-company.md).
//!
//! A review made as of a date must not show an answer, a delivery or a renewal recorded after
//! it; every front end (`cs report`, `cs.report`) filters its inputs here, by the one cell
//! grammar's reading of dates.

use arrow_array::{BooleanArray, RecordBatch};
use chrono::NaiveDate;
use cs_core::pipeline::{Cells, Kind};
use cs_core::{Error, Result};

use crate::{column, convert};

/// The tables of the sample company's layout whose rows are events on a date, with the column
/// that dates them. Snapshot tables (`accounts`, `contracts`, `portfolio`, `onboarding`,
/// `cohorts`) describe the book on its own date and are not filtered row by row.
pub const DATED_TABLES: [(&str, &str); 6] = [
    ("survey", "date"),
    ("health_history", "date"),
    ("delivered", "date"),
    ("renewals", "renewal_date"),
    ("churned", "churned_on"),
    ("arr_start", "date"),
];

/// The column dating rows of table `name` ([`DATED_TABLES`]), if it is a dated table.
pub fn date_column_of(name: &str) -> Option<&'static str> {
    DATED_TABLES.iter().find(|(t, _)| *t == name).map(|(_, c)| *c)
}

/// The rows of `batch` whose `date_column` is on or before `as_of` (a row with an empty date
/// is kept: it is not dated after). A cell that is not a date is an error at its row.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{RecordBatch, StringArray};
/// use chrono::NaiveDate;
/// let dates = StringArray::from(vec![Some("2026-06-30"), Some("2026-07-01"), None]);
/// let batch = RecordBatch::try_from_iter([("date", Arc::new(dates) as _)]).unwrap();
/// let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
/// let kept = cs_arrow::as_of::on_or_before(&batch, "date", as_of)?;
/// assert_eq!(kept.num_rows(), 2);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn on_or_before(batch: &RecordBatch, date_column: &str, as_of: NaiveDate) -> Result<RecordBatch> {
    let held = convert(column(batch, date_column)?, date_column, Kind::Date)?;
    let Cells::Date(days) = held.cells(date_column)? else {
        return Err(Error::invalid(
            format!("column {date_column}"),
            "cells",
            "expected dates",
        ));
    };
    let limit = cs_core::portfolio::epoch_days(as_of);
    let keep: BooleanArray = (0..days.len())
        .map(|i| Some(days.get(i).is_none_or(|d| d <= limit)))
        .collect();
    if keep.true_count() == batch.num_rows() {
        return Ok(batch.clone());
    }
    arrow_select::filter::filter_record_batch(batch, &keep)
        .map_err(|e| Error::invalid(format!("column {date_column}"), "filter", e.to_string()))
}

/// Table `name` of the sample company's layout as of `as_of`: a dated table filtered by
/// [`on_or_before`], any other table as it is.
pub fn table_as_of(name: &str, batch: &RecordBatch, as_of: NaiveDate) -> Result<RecordBatch> {
    match date_column_of(name) {
        Some(c) => on_or_before(batch, c, as_of),
        None => Ok(batch.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use arrow_array::{Array, Date32Array, Int64Array};

    #[test]
    fn keeps_rows_up_to_the_date_and_only_those() {
        let d = |y, m, day| cs_core::portfolio::epoch_days(NaiveDate::from_ymd_opt(y, m, day).unwrap());
        let dates = Date32Array::from(vec![
            Some(d(2026, 7, 1)),
            Some(d(2026, 6, 30)),
            None,
            Some(d(2020, 1, 1)),
        ]);
        let ids = Int64Array::from(vec![1, 2, 3, 4]);
        let batch =
            RecordBatch::try_from_iter([("renewal_date", Arc::new(dates) as _), ("id", Arc::new(ids) as _)])
                .unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        let kept = table_as_of("renewals", &batch, as_of).unwrap();
        let ids = kept.column(1).as_any().downcast_ref::<Int64Array>().unwrap();
        assert_eq!(ids.values().to_vec(), vec![2, 3, 4]);
        assert_eq!(table_as_of("portfolio", &batch, as_of).unwrap().num_rows(), 4);
        assert!(on_or_before(&batch, "nope", as_of).is_err());
        assert_eq!(kept.column(0).null_count(), 1);
    }
}
