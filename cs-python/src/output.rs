//! What leaves for Python: results as pyarrow Tables (the `cs_core` package turns them into the
//! caller's table kind: pandas in, pandas out; polars in, polars out), and serde values as
//! Python dicts and lists.

use std::sync::Arc;

use arrow_array::types::Date32Type;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema};
use chrono::NaiveDate;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3_arrow::PyTable;
use serde::Serialize;

use crate::error::raise;

/// A Python dict / list / scalar equal to the JSON form of `value`.
pub(crate) fn to_python<'py>(py: Python<'py>, value: &impl Serialize) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value).map_err(|e| {
        raise(cs_core::Error::Parse {
            format: "JSON".into(),
            message: e.to_string(),
        })
    })?;
    py.import(intern!(py, "json"))?
        .call_method1(intern!(py, "loads"), (text,))
}

/// A record batch as a pyarrow Table.
pub(crate) fn batch_to_pyarrow(py: Python<'_>, batch: RecordBatch) -> PyResult<Bound<'_, PyAny>> {
    let schema = batch.schema();
    PyTable::try_new(vec![batch], schema)?.into_pyarrow(py)
}

/// A pyarrow Table from named columns.
pub(crate) fn to_pyarrow(py: Python<'_>, columns: Vec<(Field, ArrayRef)>) -> PyResult<Bound<'_, PyAny>> {
    let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = columns.into_iter().unzip();
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), arrays)
        .map_err(|e| raise(cs_core::Error::invalid("result table", "columns", e.to_string())))?;
    PyTable::try_new(vec![batch], schema)?.into_pyarrow(py)
}

/// A date32 Arrow array from optional dates.
pub(crate) fn date_array(values: impl IntoIterator<Item = Option<NaiveDate>>) -> ArrayRef {
    Arc::new(
        values
            .into_iter()
            .map(|d| d.map(Date32Type::from_naive_date))
            .collect::<arrow_array::Date32Array>(),
    )
}
