//! Typed inputs of the renewal and playbook bindings: dates given as Python arguments, and Arrow
//! columns read as float64, booleans, strings, dates and parsed names. Float64 memory is
//! borrowed; other layouts are converted once (booleans are bit-packed in Arrow, names are
//! parsed into enums). Null stays null: a validity bitmap beside the values.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_buffer::{BooleanBuffer, NullBuffer};
use arrow_schema::DataType;
use chrono::NaiveDate;
use cs_core::portfolio::{Column, Validity};
use pyo3::prelude::*;

use crate::error::{OrRaise, raise};

/// The one reader of date arguments (see [`crate::convert::date_arg`]).
pub(crate) use crate::convert::date_arg;

/// Values with an optional Arrow null buffer, borrowed as a cs-core [`Column`].
pub(crate) struct Owned<T> {
    pub(crate) values: Vec<T>,
    pub(crate) nulls: Option<NullBuffer>,
}

impl<T: Copy> Owned<T> {
    /// Borrows the values and nulls as a column called `name`.
    pub(crate) fn column<'a>(&'a self, name: &'a str) -> PyResult<Column<'a, T>> {
        let validity = match &self.nulls {
            Some(n) if n.null_count() > 0 => {
                Some(Validity::new(n.validity(), n.offset(), n.len()).or_raise()?)
            }
            _ => None,
        };
        Column::new(name, &self.values)
            .with_optional_validity(validity)
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

/// A numeric or boolean column as a float64 array (the same memory when already float64).
pub(crate) fn float_array(array: &ArrayRef, name: &str) -> PyResult<ArrayRef> {
    let dt = array.data_type();
    if dt == &DataType::Float64 {
        Ok(array.clone())
    } else if dt.is_numeric() || dt == &DataType::Boolean || dt == &DataType::Null {
        cast(array, &DataType::Float64, name)
    } else {
        Err(type_error(name, array, "expected numbers"))
    }
}

/// Borrows a float64 array (see [`float_array`]) as a column.
pub(crate) fn float_column<'a>(array: &'a ArrayRef, name: &'a str) -> PyResult<Column<'a, f64>> {
    let a = array
        .as_primitive_opt::<Float64Type>()
        .ok_or_else(|| type_error(name, array, "expected float64"))?;
    let validity = match a.nulls() {
        Some(n) if n.null_count() > 0 => Some(Validity::new(n.validity(), n.offset(), n.len()).or_raise()?),
        _ => None,
    };
    Column::new(name, a.values().as_ref())
        .with_optional_validity(validity)
        .or_raise()
}

/// A column as an int64 array; floats are refused (money is integer minor units).
pub(crate) fn int_array(array: &ArrayRef, name: &str) -> PyResult<ArrayRef> {
    let dt = array.data_type();
    if dt.is_integer() || dt == &DataType::Null {
        cast(array, &DataType::Int64, name)
    } else {
        Err(type_error(
            name,
            array,
            "expected integers (money in minor units)",
        ))
    }
}

/// Borrows an int64 array (see [`int_array`]) as a column.
pub(crate) fn int_column<'a>(array: &'a ArrayRef, name: &'a str) -> PyResult<Column<'a, i64>> {
    let a = array
        .as_primitive_opt::<Int64Type>()
        .ok_or_else(|| type_error(name, array, "expected int64"))?;
    let validity = match a.nulls() {
        Some(n) if n.null_count() > 0 => Some(Validity::new(n.validity(), n.offset(), n.len()).or_raise()?),
        _ => None,
    };
    Column::new(name, a.values().as_ref())
        .with_optional_validity(validity)
        .or_raise()
}

/// Text of a column (strings, dictionary-encoded strings, or anything castable to text);
/// `None` for nulls.
pub(crate) fn text(array: &ArrayRef, name: &str) -> PyResult<Vec<Option<String>>> {
    let s = cast(array, &DataType::Utf8, name)?;
    let s = s.as_string::<i32>();
    Ok((0..s.len())
        .map(|i| s.is_valid(i).then(|| s.value(i).to_owned()))
        .collect())
}

/// Text of a column without nulls (a null is an error naming its row).
pub(crate) fn required_text(array: &ArrayRef, name: &str) -> PyResult<Vec<String>> {
    text(array, name)?
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            v.ok_or_else(|| {
                raise(cs_core::Error::Missing {
                    field: name.to_owned(),
                    position: Some(i),
                })
            })
        })
        .collect()
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

/// A boolean column: booleans, integers 0 / 1, or the strings true/false, yes/no, 1/0.
pub(crate) fn bools(array: &ArrayRef, name: &str) -> PyResult<Owned<bool>> {
    if array.data_type() == &DataType::Boolean {
        let b = array.as_boolean();
        return Ok(Owned {
            values: b.values().iter().collect(),
            nulls: b.nulls().cloned(),
        });
    }
    // Numbers and text by the one cell grammar (cs-arrow): true / false / 1 / 0.
    match cs_arrow::convert(array, name, cs_core::pipeline::Kind::Flag).or_raise()? {
        cs_arrow::Held::Flag(values, nulls) => Ok(Owned { values, nulls }),
        _ => Err(type_error(name, array, "expected flags")),
    }
}

/// A date column (date32, date64, timestamps or ISO strings), nulls kept.
pub(crate) fn dates(array: &ArrayRef, name: &str) -> PyResult<Owned<NaiveDate>> {
    // Any date layout (date32/64, timestamps at midnight, ISO text) by the one cell grammar.
    let cs_arrow::Held::Date(days, nulls) =
        cs_arrow::convert(array, name, cs_core::pipeline::Kind::Date).or_raise()?
    else {
        return Err(type_error(name, array, "expected dates"));
    };
    let mut values = Vec::with_capacity(days.len());
    for (i, &d) in days.iter().enumerate() {
        if nulls.as_ref().is_some_and(|n| n.is_null(i)) {
            values.push(None);
        } else {
            values.push(Some(Date32Type::to_naive_date_opt(d).ok_or_else(|| {
                raise(cs_core::Error::out_of_range(name, d, "dates chrono can represent").at(i))
            })?));
        }
    }
    Ok(from_options(values, NaiveDate::MIN))
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
