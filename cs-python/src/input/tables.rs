//! Tables: any Arrow-compatible table (pyarrow, polars, pandas through the Arrow PyCapsule
//! interface) arrives as one `RecordBatch`; its columns are read by cs-arrow's cell grammar
//! (numbers, integers, flags, dates, labels), names are parsed into enums, and key columns are
//! factorised into groups. Float64 memory is borrowed; other layouts are converted once. Null
//! stays null: a validity bitmap beside the values.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, RecordBatch};
use arrow_buffer::{BooleanBuffer, NullBuffer};
use arrow_schema::DataType;
use cs_core::pipeline::Kind;
use cs_core::portfolio::{Column, Validity};
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;

use crate::error::{OrRaise, raise};

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

/// Values with an optional Arrow null buffer, borrowed as a cs-core [`Column`].
pub(crate) struct Owned<T> {
    pub(crate) values: Vec<T>,
    pub(crate) nulls: Option<NullBuffer>,
}

impl<T: Copy> Owned<T> {
    /// Borrows the values and nulls as a column called `name`.
    pub(crate) fn column<'a>(&'a self, name: &'a str) -> PyResult<Column<'a, T>> {
        Column::new(name, &self.values)
            .with_optional_validity(validity(self.nulls.as_ref())?)
            .or_raise()
    }
}

fn type_error(name: &str, array: &ArrayRef, expected: &str) -> PyErr {
    raise(cs_core::Error::invalid(
        format!("column {name}"),
        format!("type {}", array.data_type()),
        expected.to_owned(),
    ))
}

fn cast(array: &ArrayRef, to: &DataType, name: &str) -> PyResult<ArrayRef> {
    if array.data_type() == to {
        return Ok(array.clone());
    }
    arrow_cast::cast(array, to).map_err(|e| {
        raise(cs_core::Error::invalid(
            format!("column {name}"),
            format!("type {}", array.data_type()),
            e.to_string(),
        ))
    })
}

/// The column `name` of `batch` if it is there.
pub(crate) fn optional<'a>(batch: &'a RecordBatch, name: Option<&str>) -> Option<&'a ArrayRef> {
    name.and_then(|n| batch.column_by_name(n))
}

/// A number column by the cell grammar (floats, integers, booleans, numeric text; NaN and null
/// are missing) as a float64 array: the same memory when it already is float64.
pub(crate) fn float_array(array: &ArrayRef, name: &str) -> PyResult<ArrayRef> {
    match cs_arrow::convert(array, name, Kind::Number).or_raise()? {
        cs_arrow::Held::Number(values, nulls) => Ok(Arc::new(Float64Array::new(values, nulls))),
        _ => Err(type_error(name, array, "expected numbers")),
    }
}

/// Borrows a float64 array (see [`float_array`]) as a column.
pub(crate) fn float_column<'a>(array: &'a ArrayRef, name: &'a str) -> PyResult<Column<'a, f64>> {
    let a = array
        .as_primitive_opt::<Float64Type>()
        .ok_or_else(|| type_error(name, array, "expected float64"))?;
    Column::new(name, a.values().as_ref())
        .with_optional_validity(validity(a.nulls())?)
        .or_raise()
}

/// An integer column by the cell grammar (integers, whole floats, whole-number text; money is
/// integer minor units) as an int64 array.
pub(crate) fn int_array(array: &ArrayRef, name: &str) -> PyResult<ArrayRef> {
    match cs_arrow::convert(array, name, Kind::Integer).or_raise()? {
        cs_arrow::Held::Integer(values, nulls) => Ok(Arc::new(Int64Array::new(values, nulls))),
        _ => Err(type_error(name, array, "expected integers")),
    }
}

/// Borrows an int64 array (see [`int_array`]) as a column.
pub(crate) fn int_column<'a>(array: &'a ArrayRef, name: &'a str) -> PyResult<Column<'a, i64>> {
    let a = array
        .as_primitive_opt::<Int64Type>()
        .ok_or_else(|| type_error(name, array, "expected int64"))?;
    Column::new(name, a.values().as_ref())
        .with_optional_validity(validity(a.nulls())?)
        .or_raise()
}

fn validity(nulls: Option<&NullBuffer>) -> PyResult<Option<Validity<'_>>> {
    match nulls {
        Some(n) if n.null_count() > 0 => {
            Ok(Some(Validity::new(n.validity(), n.offset(), n.len()).or_raise()?))
        }
        _ => Ok(None),
    }
}

/// Text cells of a column by the cell grammar (trimmed; blank or null is `None`).
pub(crate) fn text(array: &ArrayRef, name: &str) -> PyResult<Vec<Option<String>>> {
    cs_arrow::cells::texts(array, name).or_raise()
}

/// Text cells that must all be present (a null or blank cell is an error naming its row).
pub(crate) fn required_text(array: &ArrayRef, name: &str) -> PyResult<Vec<String>> {
    cs_arrow::cells::required_texts(array, name).or_raise()
}

/// Names parsed into values with `parse` (`None` for nulls); with `indices`, numbers are read
/// as positions in `all` (every value, in code order). Errors name the row.
pub(crate) fn parsed<T: Copy>(
    array: &ArrayRef,
    name: &str,
    all: &[T],
    indices: bool,
    parse: impl Fn(&str) -> cs_core::Result<T>,
) -> PyResult<Owned<T>> {
    let dt = array.data_type();
    let values: Vec<Option<T>> = if dt.is_numeric() && indices {
        let f = cast(array, &DataType::Float64, name)?;
        let f = f.as_primitive::<Float64Type>();
        (0..f.len())
            .map(|i| {
                if f.is_null(i) || !f.value(i).is_finite() {
                    return Ok(None);
                }
                let v = f.value(i);
                let ok = v >= 0.0 && v.fract() == 0.0 && (v as usize) < all.len();
                if ok {
                    Ok(Some(all[v as usize]))
                } else {
                    Err(raise(
                        cs_core::Error::out_of_range(name, v, format!("0..={}", all.len() - 1)).at(i),
                    ))
                }
            })
            .collect::<PyResult<_>>()?
    } else {
        text(array, name)?
            .iter()
            .enumerate()
            .map(|(i, t)| match t {
                None => Ok(None),
                Some(t) => parse(t).map(Some).map_err(|e| raise(e.at(i))),
            })
            .collect::<PyResult<_>>()?
    };
    let fill = all
        .first()
        .copied()
        .ok_or_else(|| raise(cs_core::Error::empty(format!("values of {name}"))))?;
    Ok(from_options(values, fill))
}

/// Values and a null buffer from options (`fill` under a null).
pub(crate) fn from_options<T: Copy>(values: Vec<Option<T>>, fill: T) -> Owned<T> {
    let nulls = values
        .iter()
        .any(Option::is_none)
        .then(|| NullBuffer::new(values.iter().map(Option::is_some).collect::<BooleanBuffer>()));
    Owned {
        values: values.into_iter().map(|v| v.unwrap_or(fill)).collect(),
        nulls,
    }
}

/// A flag column by the cell grammar: booleans, the numbers 1 / 0, the text true / false / 1 / 0.
pub(crate) fn bools(array: &ArrayRef, name: &str) -> PyResult<Owned<bool>> {
    match cs_arrow::convert(array, name, Kind::Flag).or_raise()? {
        cs_arrow::Held::Flag(values, nulls) => Ok(Owned { values, nulls }),
        _ => Err(type_error(name, array, "expected flags")),
    }
}
