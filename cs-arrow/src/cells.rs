//! The one cell grammar: how a cell of any Arrow type becomes a value of a [`Kind`].
//!
//! | kind | accepted | null | an error |
//! | --- | --- | --- | --- |
//! | number | floats, integers, booleans (1 / 0), numeric text | null, NaN, `""`, `"NaN"` | ±inf, other text |
//! | integer | integers, whole floats, whole-number text (`"12"`, `"12.0"`) | null, NaN, `""` | fractions, ±inf, booleans, other text |
//! | flag | booleans, the numbers 1 and 0, `true` / `false` / `1` / `0` (any case) | null, NaN, `""` | any other number (2) or text (`"t"`, `"yes"`) |
//! | date | date32, date64 and timestamps at midnight, ISO text `YYYY-MM-DD` (a time part only if midnight), within 1900-01-01..=2200-12-31 | null, `""` | a time of day, a date outside the range (`0000-01-01`), other text, numbers |
//! | label | text, dictionary text, whole numbers (as codes) | null, `""` | fractions, booleans |
//!
//! Text is trimmed first. Money is an integer column of minor units. The same cell gives the
//! same value, or the same error message, whatever the table came from: a CSV file (every
//! cell text), Parquet, pyarrow, pandas, polars or numpy.

use std::collections::HashMap;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Date64Type, Float64Type, Int64Type, UInt32Type};
use arrow_array::{Array, ArrayRef, StringArray};
use arrow_buffer::{BooleanBuffer, BooleanBufferBuilder, NullBuffer, ScalarBuffer};
use arrow_schema::{DataType, TimeUnit};
use chrono::NaiveDate;
use cs_core::pipeline::{Cells, Kind};
use cs_core::portfolio::{Column, MAX_EPOCH_DAY, MIN_EPOCH_DAY, Validity, epoch_days};
use cs_core::{Error, Result};

/// The cells of one column converted to a [`Kind`], owned (or sharing the Arrow buffers when
/// no conversion was needed), ready to borrow as core [`Cells`].
#[derive(Debug, Clone)]
pub enum Held {
    /// Numbers.
    Number(ScalarBuffer<f64>, Option<NullBuffer>),
    /// Whole numbers.
    Integer(ScalarBuffer<i64>, Option<NullBuffer>),
    /// Booleans.
    Flag(Vec<bool>, Option<NullBuffer>),
    /// Days since 1970-01-01.
    Date(ScalarBuffer<i32>, Option<NullBuffer>),
    /// Dictionary codes and names.
    Label(ScalarBuffer<u32>, Option<NullBuffer>, Vec<String>),
}

fn validity(nulls: Option<&NullBuffer>) -> Result<Option<Validity<'_>>> {
    match nulls {
        Some(n) if n.null_count() > 0 => Ok(Some(Validity::new(n.validity(), n.offset(), n.len())?)),
        _ => Ok(None),
    }
}

impl Held {
    /// Borrows the cells as core [`Cells`] named `name`.
    pub fn cells<'a>(&'a self, name: &'a str) -> Result<Cells<'a>> {
        Ok(match self {
            Held::Number(v, n) => {
                Cells::Number(Column::new(name, v).with_optional_validity(validity(n.as_ref())?)?)
            }
            Held::Integer(v, n) => {
                Cells::Integer(Column::new(name, v).with_optional_validity(validity(n.as_ref())?)?)
            }
            Held::Flag(v, n) => {
                Cells::Flag(Column::new(name, v).with_optional_validity(validity(n.as_ref())?)?)
            }
            Held::Date(v, n) => {
                Cells::Date(Column::new(name, v).with_optional_validity(validity(n.as_ref())?)?)
            }
            Held::Label(v, n, dictionary) => Cells::Label {
                codes: Column::new(name, v).with_optional_validity(validity(n.as_ref())?)?,
                dictionary,
            },
        })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Held::Number(v, _) => v.len(),
            Held::Integer(v, _) => v.len(),
            Held::Flag(v, _) => v.len(),
            Held::Date(v, _) => v.len(),
            Held::Label(v, _, _) => v.len(),
        }
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn bad(name: &str, value: impl std::fmt::Display, expected: &str, row: usize) -> Error {
    Error::invalid(
        format!("column {name} value"),
        value,
        format!("expected {expected}"),
    )
    .at(row)
}

fn wrong_type(name: &str, dt: &DataType, kind: Kind) -> Error {
    Error::invalid(
        format!("column {name}"),
        format!("of type {dt}"),
        format!("expected {kind} cells"),
    )
}

/// Builds values and nulls from per-row options.
fn collect<T: Default>(
    rows: impl ExactSizeIterator<Item = Result<Option<T>>>,
) -> Result<(Vec<T>, Option<NullBuffer>)> {
    let mut values = Vec::with_capacity(rows.len());
    let mut valid = BooleanBufferBuilder::new(rows.len());
    for r in rows {
        let v = r?;
        valid.append(v.is_some());
        values.push(v.unwrap_or_default());
    }
    let nulls = NullBuffer::new(valid.finish());
    Ok((values, (nulls.null_count() > 0).then_some(nulls)))
}

/// A string-like column (utf8, large utf8, utf8 view, dictionary of text) as one utf8 array;
/// `None` for other types. Cells are read through [`cell`], without a copy per cell.
fn text_of(array: &ArrayRef) -> Option<StringArray> {
    let is_text = matches!(
        array.data_type(),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    ) || matches!(array.data_type(), DataType::Dictionary(_, v)
            if matches!(v.as_ref(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View));
    if !is_text {
        return None;
    }
    let utf8 = arrow_cast::cast(array, &DataType::Utf8).ok()?;
    Some(utf8.as_string::<i32>().clone())
}

/// Cell `i` of a text column, trimmed; `None` for a null or blank cell.
fn cell(s: &StringArray, i: usize) -> Option<&str> {
    if s.is_null(i) {
        return None;
    }
    let t = s.value(i).trim();
    (!t.is_empty()).then_some(t)
}

/// Every cell of a text column as owned text (see [`cell`]).
fn owned_texts(s: &StringArray) -> Vec<Option<String>> {
    (0..s.len()).map(|i| cell(s, i).map(str::to_owned)).collect()
}

/// The cells of a text column parsed one by one by `parse` (null and blank cells are null).
fn parse_text<'s, T: Default>(
    s: &'s StringArray,
    mut parse: impl FnMut(&'s str, usize) -> Result<Option<T>>,
) -> Result<(Vec<T>, Option<NullBuffer>)> {
    collect((0..s.len()).map(|i| match cell(s, i) {
        None => Ok(None),
        Some(t) => parse(t, i),
    }))
}

/// A number from text: `None` for NaN, an error for anything not a finite number.
fn number_text(name: &str, t: &str, row: usize) -> Result<Option<f64>> {
    if let Ok(v) = t.parse::<f64>() {
        // Rust reads "NaN", "nan", "inf" and "infinity" in any case too: `finite` sorts them.
        return finite(name, v, row);
    }
    if t.eq_ignore_ascii_case("true") {
        Ok(Some(1.0))
    } else if t.eq_ignore_ascii_case("false") {
        Ok(Some(0.0))
    } else {
        Err(bad(name, format!("{t:?}"), "a number", row))
    }
}

fn finite(name: &str, v: f64, row: usize) -> Result<Option<f64>> {
    if v.is_nan() {
        Ok(None)
    } else if v.is_infinite() {
        Err(bad(name, v, "a finite number", row))
    } else {
        Ok(Some(v))
    }
}

/// Any numeric or boolean array as float64 (`None` for other types).
fn floats(array: &ArrayRef) -> Option<ArrayRef> {
    let dt = array.data_type();
    if dt.is_numeric() || dt == &DataType::Boolean || dt == &DataType::Null {
        arrow_cast::cast(array, &DataType::Float64).ok()
    } else {
        None
    }
}

fn number(array: &ArrayRef, name: &str) -> Result<Held> {
    if let Some(text) = text_of(array) {
        let (v, n) = parse_text(&text, |t, i| number_text(name, t, i))?;
        return Ok(Held::Number(v.into(), n));
    }
    let f = floats(array).ok_or_else(|| wrong_type(name, array.data_type(), Kind::Number))?;
    let p = f.as_primitive::<Float64Type>();
    let values = p.values();
    // One branch-free pass over the values buffer (null slots included: what they hold does
    // not matter unless something is not finite).
    if values.iter().all(|v| v.is_finite()) {
        // Shares the Arrow buffers: no copy.
        return Ok(Held::Number(values.clone(), p.nulls().cloned()));
    }
    finite_numbers(name, values, p.nulls())
}

/// Float cells with NaN or ±inf somewhere in the buffer: NaN cells become nulls holding 0 (the
/// validity ANDed with "not NaN", in two passes without a branch per cell), and an infinite
/// valid cell is the error naming its row.
fn finite_numbers(name: &str, values: &ScalarBuffer<f64>, nulls: Option<&NullBuffer>) -> Result<Held> {
    let valid = |i: usize| nulls.is_none_or(|n| n.is_valid(i));
    if let Some(row) = (0..values.len()).find(|&i| values[i].is_infinite() && valid(i)) {
        return Err(bad(name, values[row], "a finite number", row));
    }
    let not_nan = NullBuffer::from(values.iter().map(|v| !v.is_nan()).collect::<BooleanBuffer>());
    let merged = NullBuffer::union(nulls, Some(&not_nan));
    let merged = merged.filter(|n| n.null_count() > 0);
    let zeroed: Vec<f64> = values.iter().map(|&v| if v.is_nan() { 0.0 } else { v }).collect();
    Ok(Held::Number(zeroed.into(), merged))
}

/// 2^63: the floats in `-I64_LIMIT..I64_LIMIT` cast to `i64` without loss of range.
const I64_LIMIT: f64 = 9_223_372_036_854_775_808.0;

/// Whether `test` holds for every value, in one pass without a branch per value (a bitwise
/// AND, not `all`'s early exit, so the loop vectorises).
#[allow(clippy::needless_bitwise_bool)]
fn every<T: Copy>(values: &[T], test: impl Fn(T) -> bool) -> bool {
    values.iter().fold(true, |all, &x| all & test(x))
}

fn whole(name: &str, v: f64, row: usize) -> Result<Option<i64>> {
    match finite(name, v, row)? {
        None => Ok(None),
        // 2^63 is exact in f64; the range check keeps the cast lossless.
        Some(x) if x.fract() == 0.0 && (-I64_LIMIT..I64_LIMIT).contains(&x) => Ok(Some(x as i64)),
        Some(x) => Err(bad(name, x, "a whole number", row)),
    }
}

fn integer(array: &ArrayRef, name: &str) -> Result<Held> {
    if let Some(text) = text_of(array) {
        let (v, n) = parse_text(&text, |t, i| integer_text(name, t, i))?;
        return Ok(Held::Integer(v.into(), n));
    }
    let dt = array.data_type();
    if dt.is_integer() || dt == &DataType::Null {
        if matches!(dt, DataType::UInt64) {
            let u = array.as_primitive::<arrow_array::types::UInt64Type>();
            let (v, n) = collect(u.iter().enumerate().map(|(i, v)| {
                match v {
                    None => Ok(None),
                    Some(v) => i64::try_from(v)
                        .map(Some)
                        .map_err(|_| bad(name, v, "a whole number below 2^63", i)),
                }
            }))?;
            return Ok(Held::Integer(v.into(), n));
        }
        let cast =
            arrow_cast::cast(array, &DataType::Int64).map_err(|_| wrong_type(name, dt, Kind::Integer))?;
        let p = cast.as_primitive::<Int64Type>();
        return Ok(Held::Integer(p.values().clone(), p.nulls().cloned()));
    }
    if dt.is_floating() {
        let f = floats(array).ok_or_else(|| wrong_type(name, dt, Kind::Integer))?;
        let p = f.as_primitive::<Float64Type>();
        // One branch-free pass: when every slot (null slots too) holds a whole number within
        // i64 (NaN and ±inf have no zero fraction), the values are cast in a second pass.
        if every(p.values(), |x| {
            (x.fract() == 0.0) & (-I64_LIMIT..I64_LIMIT).contains(&x)
        }) {
            let ints: Vec<i64> = p.values().iter().map(|&x| x as i64).collect();
            return Ok(Held::Integer(ints.into(), p.nulls().cloned()));
        }
        let (v, n) = collect(p.iter().enumerate().map(|(i, v)| match v {
            None => Ok(None),
            Some(v) => whole(name, v, i),
        }))?;
        return Ok(Held::Integer(v.into(), n));
    }
    Err(wrong_type(name, dt, Kind::Integer))
}

fn flag_number(name: &str, v: f64, row: usize) -> Result<Option<bool>> {
    if v.is_nan() {
        Ok(None)
    } else if v == 1.0 {
        Ok(Some(true))
    } else if v == 0.0 {
        Ok(Some(false))
    } else {
        Err(bad(name, v, "a flag: true / false / 1 / 0", row))
    }
}

fn integer_text(name: &str, t: &str, row: usize) -> Result<Option<i64>> {
    match t.parse::<i64>() {
        Ok(v) => Ok(Some(v)),
        Err(_) => match t.parse::<f64>() {
            Ok(f) => whole(name, f, row),
            Err(_) => Err(bad(name, format!("{t:?}"), "a whole number", row)),
        },
    }
}

fn flag_text(name: &str, t: &str, row: usize) -> Result<Option<bool>> {
    if t.eq_ignore_ascii_case("true") {
        Ok(Some(true))
    } else if t.eq_ignore_ascii_case("false") {
        Ok(Some(false))
    } else {
        match t.parse::<f64>() {
            Ok(f) if f.is_finite() => flag_number(name, f, row),
            _ => Err(bad(name, format!("{t:?}"), "a flag: true / false / 1 / 0", row)),
        }
    }
}

fn flag(array: &ArrayRef, name: &str) -> Result<Held> {
    if let Some(text) = text_of(array) {
        let (v, n) = parse_text(&text, |t, i| flag_text(name, t, i))?;
        return Ok(Held::Flag(v, n));
    }
    let dt = array.data_type();
    if dt == &DataType::Boolean {
        let b = array.as_boolean();
        let values: Vec<bool> = b.values().iter().collect();
        return Ok(Held::Flag(values, b.nulls().cloned()));
    }
    let f = floats(array).ok_or_else(|| wrong_type(name, dt, Kind::Flag))?;
    let p = f.as_primitive::<Float64Type>();
    // Every slot 0 or 1 (null slots too): the flags in one pass, no check per cell.
    if every(p.values(), |x| x == 0.0 || x == 1.0) {
        let flags: Vec<bool> = p.values().iter().map(|&x| x == 1.0).collect();
        return Ok(Held::Flag(flags, p.nulls().cloned()));
    }
    let (v, n) = collect(p.iter().enumerate().map(|(i, v)| match v {
        None => Ok(None),
        Some(v) => flag_number(name, v, i),
    }))?;
    Ok(Held::Flag(v, n))
}

const DAY_MS: i64 = 86_400_000;

fn date_text(name: &str, t: &str, row: usize) -> Result<i32> {
    let expected = "a date (YYYY-MM-DD)";
    let (day, time) = match t.find(['T', ' ']) {
        Some(p) => (&t[..p], Some(t[p + 1..].trim_end_matches('Z'))),
        None => (t, None),
    };
    // Text that does not start with a date is not a date, whatever follows a space.
    let parsed =
        NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| bad(name, format!("{t:?}"), expected, row))?;
    if let Some(time) = time {
        let midnight = time
            .split(['+'])
            .next()
            .is_some_and(|h| h.chars().all(|c| c == '0' || c == ':' || c == '.'));
        if !midnight {
            return Err(bad(
                name,
                format!("{t:?}"),
                "a date (a time of day other than midnight is not a date)",
                row,
            ));
        }
    }
    within_range(name, epoch_days(parsed), || format!("{t:?}"), row)
}

/// `days` when the date lies within cs-core's date range (1900-01-01..=2200-12-31), else the
/// cell error naming the column, the value (`shown`) and the row.
fn within_range(name: &str, days: i32, shown: impl FnOnce() -> String, row: usize) -> Result<i32> {
    if (MIN_EPOCH_DAY..=MAX_EPOCH_DAY).contains(&days) {
        Ok(days)
    } else {
        Err(bad(
            name,
            shown(),
            &format!("a date within {}", cs_core::portfolio::DATE_RANGE),
            row,
        ))
    }
}

/// The text of a day count for an error: the date, or the count when chrono cannot hold it.
fn day_text(days: i32) -> String {
    Date32Type::to_naive_date_opt(days)
        .map_or_else(|| format!("day {days}"), |d| format!("{:?}", d.to_string()))
}

/// A timestamp of `ms` milliseconds (plus `sub_ms` nanoseconds) since the epoch as the text a
/// CSV file would hold, `"YYYY-MM-DD HH:MM:SS[.fff]"`, so an error names the cell the same way
/// whatever the table came from.
fn timestamp_text(ms: i64, sub_ns: u32) -> String {
    match chrono::DateTime::from_timestamp_millis(ms) {
        Some(t) => {
            let t = t.naive_utc() + chrono::Duration::nanoseconds(i64::from(sub_ns));
            format!("{:?}", t.format("%Y-%m-%d %H:%M:%S%.f").to_string())
        }
        None => format!("timestamp {ms} ms"),
    }
}

fn date(array: &ArrayRef, name: &str) -> Result<Held> {
    if let Some(text) = text_of(array) {
        let (v, n) = parse_text(&text, |t, i| date_text(name, t, i).map(Some))?;
        return Ok(Held::Date(v.into(), n));
    }
    let dt = array.data_type();
    match dt {
        DataType::Date32 => {
            let p = array.as_primitive::<Date32Type>();
            // One branch-free pass over the buffer; the cell by cell check (nulls skipped) only
            // when some slot is outside the range, to name the first such valid row.
            if !every(p.values(), |d| (MIN_EPOCH_DAY..=MAX_EPOCH_DAY).contains(&d)) {
                for (i, d) in p.iter().enumerate() {
                    if let Some(d) = d {
                        within_range(name, d, || day_text(d), i)?;
                    }
                }
            }
            Ok(Held::Date(p.values().clone(), p.nulls().cloned()))
        }
        DataType::Null => {
            let (v, n) = collect((0..array.len()).map(|_| Ok(None::<i32>)))?;
            Ok(Held::Date(v.into(), n))
        }
        DataType::Date64 | DataType::Timestamp(_, _) => {
            let ms: Vec<Option<(i64, u32)>> = if dt == &DataType::Date64 {
                array
                    .as_primitive::<Date64Type>()
                    .iter()
                    .map(|m| m.map(|m| (m, 0)))
                    .collect()
            } else {
                let as_ms = arrow_cast::cast(array, &DataType::Timestamp(TimeUnit::Millisecond, None))
                    .map_err(|_| wrong_type(name, dt, Kind::Date))?;
                let sub_ms = match dt {
                    DataType::Timestamp(TimeUnit::Microsecond, _) => Some(1_000),
                    DataType::Timestamp(TimeUnit::Nanosecond, _) => Some(1_000_000),
                    _ => None,
                };
                let raw = arrow_cast::cast(array, &DataType::Int64)
                    .map_err(|_| wrong_type(name, dt, Kind::Date))?;
                let raw = raw.as_primitive::<Int64Type>();
                let ms = as_ms.as_primitive::<arrow_array::types::TimestampMillisecondType>();
                (0..array.len())
                    .map(|i| {
                        let m = ms.is_valid(i).then(|| ms.value(i))?;
                        // A fraction of a millisecond is a time of day too.
                        let sub_ns = sub_ms.map_or(0, |d: i64| {
                            let ns_per = 1_000_000 / d;
                            (raw.value(i).rem_euclid(d) * ns_per) as u32
                        });
                        Some((m, sub_ns))
                    })
                    .collect()
            };
            let (v, n) = collect(ms.iter().enumerate().map(|(i, m)| {
                match *m {
                    None => Ok(None),
                    Some((m, 0)) if m.rem_euclid(DAY_MS) == 0 => i32::try_from(m.div_euclid(DAY_MS))
                        .map_err(|_| bad(name, timestamp_text(m, 0), "a date within range", i))
                        .and_then(|d| within_range(name, d, || day_text(d), i))
                        .map(Some),
                    Some((m, sub_ns)) => Err(bad(
                        name,
                        timestamp_text(m, sub_ns),
                        "a date (a time of day other than midnight is not a date)",
                        i,
                    )),
                }
            }))?;
            Ok(Held::Date(v.into(), n))
        }
        _ => Err(wrong_type(name, dt, Kind::Date)),
    }
}

fn label(array: &ArrayRef, name: &str) -> Result<Held> {
    let dt = array.data_type().clone();
    if let DataType::Dictionary(_, value) = &dt
        && matches!(
            value.as_ref(),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        )
    {
        // Keep the dictionary: codes as they are, names trimmed (blank names read as null).
        let d = array.as_any_dictionary();
        let keys =
            arrow_cast::cast(d.keys(), &DataType::UInt32).map_err(|_| wrong_type(name, &dt, Kind::Label))?;
        let names = text_of(d.values()).map(|s| owned_texts(&s)).unwrap_or_default();
        if names.iter().all(Option::is_some) {
            let k = keys.as_primitive::<UInt32Type>();
            let dictionary = names.into_iter().flatten().collect();
            return Ok(Held::Label(k.values().clone(), k.nulls().cloned(), dictionary));
        }
    }
    if let Some(text) = text_of(array) {
        let mut index: HashMap<&str, u32> = HashMap::new();
        let mut dictionary: Vec<String> = Vec::new();
        let (v, n) = parse_text(&text, |t, _| {
            Ok(Some(*index.entry(t).or_insert_with(|| {
                dictionary.push(t.to_owned());
                (dictionary.len() - 1) as u32
            })))
        })?;
        return Ok(Held::Label(v.into(), n, dictionary));
    }
    if dt == DataType::Boolean {
        return Err(wrong_type(name, &dt, Kind::Label));
    }
    // Whole numbers are codes (band indices, NPS category codes).
    integer(array, name)
}

/// One text cell (a CSV field) read as a number by the cell grammar: trimmed, `""` and `"NaN"`
/// are `None`; `row` places an error. For readers that stream text row by row.
pub fn number_cell(name: &str, text: &str, row: usize) -> Result<Option<f64>> {
    let t = text.trim();
    if t.is_empty() {
        Ok(None)
    } else {
        number_text(name, t, row)
    }
}

/// One text cell read as a whole number (see [`number_cell`]).
pub fn integer_cell(name: &str, text: &str, row: usize) -> Result<Option<i64>> {
    let t = text.trim();
    if t.is_empty() {
        Ok(None)
    } else {
        integer_text(name, t, row)
    }
}

/// One text cell read as a flag (see [`number_cell`]).
pub fn flag_cell(name: &str, text: &str, row: usize) -> Result<Option<bool>> {
    let t = text.trim();
    if t.is_empty() {
        Ok(None)
    } else {
        flag_text(name, t, row)
    }
}

/// One text cell read as a date, in days since 1970-01-01 (see [`number_cell`]).
pub fn date_cell(name: &str, text: &str, row: usize) -> Result<Option<i32>> {
    let t = text.trim();
    if t.is_empty() {
        Ok(None)
    } else {
        date_text(name, t, row).map(Some)
    }
}

/// Converts the cells of `array` (column `name`) to `kind` by the cell grammar.
pub fn convert(array: &ArrayRef, name: &str, kind: Kind) -> Result<Held> {
    match kind {
        Kind::Number => number(array, name),
        Kind::Integer => integer(array, name),
        Kind::Flag => flag(array, name),
        Kind::Date => date(array, name),
        Kind::Label => label(array, name),
    }
}

/// Text cells of a column (ids, names), trimmed; `None` for blank or null cells. Numbers and
/// other types are formatted as Arrow displays them.
pub fn texts(array: &ArrayRef, name: &str) -> Result<Vec<Option<String>>> {
    if let Some(t) = text_of(array) {
        return Ok(owned_texts(&t));
    }
    let utf8 = arrow_cast::cast(array, &DataType::Utf8).map_err(|_| {
        Error::invalid(
            format!("column {name}"),
            format!("of type {}", array.data_type()),
            "expected text",
        )
    })?;
    text_of(&utf8)
        .map(|t| owned_texts(&t))
        .ok_or_else(|| Error::invalid(format!("column {name}"), "cells", "expected text"))
}

/// The position in `names` of each cell of a text column (trimmed; a null or blank cell is
/// `None`); a cell not among `names` is an [`Error::Unknown`] naming the column, the value and
/// its row. A dictionary column is looked up once per dictionary value, not once per row.
pub fn name_indexes(array: &ArrayRef, name: &str, names: &[String]) -> Result<Vec<Option<usize>>> {
    fn position<'t>(names: &[String], t: Option<&'t str>) -> Option<std::result::Result<usize, &'t str>> {
        t.map(|t| names.iter().position(|n| n == t).ok_or(t))
    }
    let lookup = |t| position(names, t);
    let unknown = |t: &str, row: usize| Error::unknown(name, t, names).at(row);
    if let DataType::Dictionary(_, value) = array.data_type()
        && matches!(
            value.as_ref(),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        )
    {
        let dictionary = array.as_any_dictionary();
        let values = text_of(dictionary.values())
            .ok_or_else(|| Error::invalid(format!("column {name}"), "cells", "expected text"))?;
        let found: Vec<Option<std::result::Result<usize, &str>>> =
            (0..values.len()).map(|v| lookup(cell(&values, v))).collect();
        let keys = dictionary.normalized_keys();
        return (0..array.len())
            .map(|row| match (array.is_null(row), &found[keys[row]]) {
                (true, _) | (false, None) => Ok(None),
                (false, Some(Ok(k))) => Ok(Some(*k)),
                (false, Some(Err(t))) => Err(unknown(t, row)),
            })
            .collect();
    }
    let Some(values) = text_of(array) else {
        return texts(array, name)?
            .iter()
            .enumerate()
            .map(|(row, t)| lookup(t.as_deref()).transpose().map_err(|t| unknown(t, row)))
            .collect();
    };
    (0..values.len())
        .map(|row| {
            lookup(cell(&values, row))
                .transpose()
                .map_err(|t| unknown(t, row))
        })
        .collect()
}

/// Text cells that must all be present (account ids): a null or blank cell is an error naming
/// its row.
pub fn required_texts(array: &ArrayRef, name: &str) -> Result<Vec<String>> {
    texts(array, name)?
        .into_iter()
        .enumerate()
        .map(|(i, t)| t.ok_or_else(|| Error::missing(name).at(i)))
        .collect()
}

/// An error naming the row of the first missing cell, if any.
fn none_missing(nulls: Option<&NullBuffer>, name: &str) -> Result<()> {
    match nulls.and_then(|n| (0..n.len()).find(|&i| n.is_null(i))) {
        Some(row) => Err(Error::missing(name).at(row)),
        None => Ok(()),
    }
}

/// Numbers that must all be present (tenures, scores), by the cell grammar: a missing cell (null,
/// blank, NaN) is an error naming its row.
pub fn required_numbers(array: &ArrayRef, name: &str) -> Result<Vec<f64>> {
    match convert(array, name, Kind::Number)? {
        Held::Number(values, nulls) => none_missing(nulls.as_ref(), name).map(|()| values.to_vec()),
        _ => Err(Error::invalid(
            format!("column {name}"),
            "cells",
            "expected numbers",
        )),
    }
}

/// Whole numbers that must all be present (ARR in minor units), by the cell grammar: a missing
/// cell is an error naming its row.
pub fn required_integers(array: &ArrayRef, name: &str) -> Result<Vec<i64>> {
    match convert(array, name, Kind::Integer)? {
        Held::Integer(values, nulls) => none_missing(nulls.as_ref(), name).map(|()| values.to_vec()),
        _ => Err(Error::invalid(
            format!("column {name}"),
            "cells",
            "expected integers",
        )),
    }
}

/// Flags that must all be present (churn outcomes), by the cell grammar: a missing cell is an
/// error naming its row.
pub fn required_flags(array: &ArrayRef, name: &str) -> Result<Vec<bool>> {
    match convert(array, name, Kind::Flag)? {
        Held::Flag(flags, nulls) => none_missing(nulls.as_ref(), name).map(|()| flags),
        _ => Err(Error::invalid(
            format!("column {name}"),
            "cells",
            "expected flags",
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed setup fails the test
mod tests {
    use std::sync::Arc;

    use arrow_array::{DictionaryArray, types::Int8Type};

    use super::*;

    #[test]
    fn name_indexes_of_text_and_dictionary_columns() {
        let names = ["red", "amber", "green"].map(String::from);
        let plain: ArrayRef = Arc::new(StringArray::from(vec![
            Some("green "),
            None,
            Some(""),
            Some("red"),
        ]));
        let dict: ArrayRef = Arc::new(
            vec![Some("green "), None, Some(""), Some("red")]
                .into_iter()
                .collect::<DictionaryArray<Int8Type>>(),
        );
        for array in [&plain, &dict] {
            assert_eq!(
                name_indexes(array, "band", &names).unwrap(),
                [Some(2), None, None, Some(0)]
            );
        }
        // An unknown value is an error at its row; in a dictionary only where a row uses it.
        let bad: ArrayRef = Arc::new(
            vec![Some("red"), Some("blue")]
                .into_iter()
                .collect::<DictionaryArray<Int8Type>>(),
        );
        let e = name_indexes(&bad, "band", &names).unwrap_err();
        assert_eq!(e.position(), Some(1));
        assert!(e.to_string().contains("blue"), "{e}");
        let unused = bad.slice(0, 1);
        assert_eq!(name_indexes(&unused, "band", &names).unwrap(), [Some(0)]);
        let plain_bad: ArrayRef = Arc::new(StringArray::from(vec!["purple"]));
        assert!(
            name_indexes(&plain_bad, "band", &names)
                .unwrap_err()
                .to_string()
                .contains("purple")
        );
    }
}
