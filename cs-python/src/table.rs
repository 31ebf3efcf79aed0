//! Tables in and out: any Arrow-compatible table (pyarrow, polars, pandas through the Arrow
//! PyCapsule interface) arrives as one `RecordBatch`; results leave as a pyarrow Table.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Date32Type;
use arrow_array::{Array, ArrayRef, RecordBatch, UInt32Array};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3_arrow::PyTable;
use pyo3_arrow::input::AnyRecordBatch;

use crate::error::raise;

/// Reads any Arrow-compatible table into one record batch (chunks are concatenated).
pub(crate) fn read_table(table: AnyRecordBatch) -> PyResult<RecordBatch> {
    let table = table.into_table()?;
    let (batches, schema) = table.into_inner();
    arrow_select::concat::concat_batches(&schema, &batches)
        .map_err(|e| raise(cs_core::Error::invalid("table", "record batches", e.to_string())))
}

/// The column `name`, or an error listing the columns there are.
pub(crate) fn column<'a>(batch: &'a RecordBatch, name: &str) -> PyResult<&'a ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| {
        let schema = batch.schema();
        let known: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        raise(cs_core::Error::unknown("column", name, known))
    })
}

/// A column of dates (date32, date64 or timestamps) as `NaiveDate`s; a null is an error naming
/// its row.
pub(crate) fn dates(array: &ArrayRef, name: &str) -> PyResult<Vec<NaiveDate>> {
    let cast = if array.data_type() == &DataType::Date32 {
        array.clone()
    } else {
        arrow_cast::cast(array, &DataType::Date32).map_err(|e| {
            raise(cs_core::Error::invalid(
                format!("column {name}"),
                format!("type {}", array.data_type()),
                e.to_string(),
            ))
        })?
    };
    let days = cast.as_primitive::<Date32Type>();
    let mut out = Vec::with_capacity(days.len());
    for i in 0..days.len() {
        if days.is_null(i) {
            return Err(raise(cs_core::Error::Missing {
                field: name.to_owned(),
                position: Some(i),
            }));
        }
        out.push(Date32Type::to_naive_date_opt(days.value(i)).ok_or_else(|| {
            raise(cs_core::Error::out_of_range(name, days.value(i), "dates chrono can represent").at(i))
        })?);
    }
    Ok(out)
}

/// Group codes of the rows of a table over one or more key columns: codes follow the sorted
/// order of the key tuples (nulls first), and each group remembers its first row so the output
/// can carry the key values in their original type.
pub(crate) struct Groups {
    /// Code of each row.
    pub(crate) codes: Vec<u64>,
    /// First row of each code seen.
    first_row: HashMap<u64, u32>,
}

impl Groups {
    /// Factorises the key columns `by` of `batch` (empty `by`: one group).
    pub(crate) fn new(batch: &RecordBatch, by: &[String]) -> PyResult<Groups> {
        let n = batch.num_rows();
        let mut codes = vec![0u64; n];
        let mut stride = 1u64;
        for name in by.iter().rev() {
            let col = column(batch, name)?;
            let text = arrow_cast::cast(col, &DataType::Utf8).map_err(|e| {
                raise(cs_core::Error::invalid(
                    format!("column {name}"),
                    format!("type {}", col.data_type()),
                    e.to_string(),
                ))
            })?;
            let text = text.as_string::<i32>();
            let mut distinct: Vec<Option<&str>> =
                (0..n).map(|i| text.is_valid(i).then(|| text.value(i))).collect();
            distinct.sort_unstable();
            distinct.dedup();
            let index: HashMap<Option<&str>, u64> =
                distinct.iter().enumerate().map(|(k, v)| (*v, k as u64)).collect();
            for (i, code) in codes.iter_mut().enumerate() {
                let key = text.is_valid(i).then(|| text.value(i));
                *code += index.get(&key).copied().unwrap_or(0) * stride;
            }
            let radix = distinct.len() as u64;
            stride = stride.checked_mul(radix.max(1)).ok_or_else(|| {
                raise(cs_core::Error::invalid(
                    "by",
                    by.join(", "),
                    "too many distinct key combinations",
                ))
            })?;
        }
        let mut first_row = HashMap::new();
        for (i, code) in codes.iter().enumerate() {
            first_row.entry(*code).or_insert(i as u32);
        }
        Ok(Groups { codes, first_row })
    }

    /// The key columns of the output: the values of each group's first row, in `order`.
    pub(crate) fn key_columns(
        &self,
        batch: &RecordBatch,
        by: &[String],
        order: &[u64],
    ) -> PyResult<Vec<(Field, ArrayRef)>> {
        let rows: UInt32Array = order.iter().map(|c| self.first_row.get(c).copied()).collect();
        let mut out = Vec::with_capacity(by.len());
        for name in by {
            let col = column(batch, name)?;
            let taken = arrow_select::take::take(col.as_ref(), &rows, None).map_err(|e| {
                raise(cs_core::Error::invalid(
                    format!("column {name}"),
                    "keys",
                    e.to_string(),
                ))
            })?;
            out.push((Field::new(name, col.data_type().clone(), true), taken));
        }
        Ok(out)
    }
}

/// A pyarrow Table from named columns.
/// A record batch as a pyarrow Table.
pub(crate) fn batch_to_pyarrow(py: Python<'_>, batch: RecordBatch) -> PyResult<Bound<'_, PyAny>> {
    let schema = batch.schema();
    PyTable::try_new(vec![batch], schema)?.into_pyarrow(py)
}

pub(crate) fn to_pyarrow(py: Python<'_>, columns: Vec<(Field, ArrayRef)>) -> PyResult<Bound<'_, PyAny>> {
    let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = columns.into_iter().unzip();
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), arrays)
        .map_err(|e| raise(cs_core::Error::invalid("result table", "columns", e.to_string())))?;
    PyTable::try_new(vec![batch], schema)?.into_pyarrow(py)
}
