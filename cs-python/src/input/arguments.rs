//! Scalar arguments: dates, date-times and integers given as Python values, read by one rule
//! each.

use std::fmt;
use std::ops::RangeInclusive;

use pyo3::intern;
use pyo3::prelude::*;

use crate::error::raise;

/// An error for a value that is not a date.
fn not_a_date(obj: &Bound<'_, PyAny>, name: &str, expected: &str) -> PyErr {
    let shown = obj.repr().map_or_else(|_| "?".to_owned(), |r| r.to_string());
    raise(cs_core::Error::invalid(
        name,
        shown,
        format!("expected {expected}"),
    ))
}

const DATE_KINDS: &str =
    "a date (datetime.date, an ISO string YYYY-MM-DD, numpy.datetime64 or an Arrow date)";

/// A date argument: `datetime.date` (a `datetime` gives its date), an ISO string
/// (`YYYY-MM-DD`), `numpy.datetime64`, or a pyarrow date / timestamp scalar. `name` is the
/// argument's name in errors.
pub(crate) fn date_arg(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<chrono::NaiveDate> {
    let date = any_date(obj, name)?;
    cs_core::portfolio::check_date(name, date).map_err(raise)
}

fn any_date(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<chrono::NaiveDate> {
    use pyo3::types::{PyDate, PyDateTime, PyString};
    let py = obj.py();
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_str()?;
        return text.trim().parse::<chrono::NaiveDate>().map_err(|_| {
            raise(cs_core::Error::invalid(
                name,
                format!("{text:?}"),
                format!("expected {DATE_KINDS}"),
            ))
        });
    }
    if obj.is_instance_of::<PyDateTime>() {
        return date_arg(&obj.call_method0(intern!(py, "date"))?, name);
    }
    if obj.is_instance_of::<PyDate>() {
        return obj.extract().map_err(|_| not_a_date(obj, name, DATE_KINDS));
    }
    let module = obj.get_type().module().map(|m| m.to_string()).unwrap_or_default();
    if module == "numpy" && obj.get_type().name()? == "datetime64" {
        let text = py
            .import(intern!(py, "numpy"))?
            .call_method1(intern!(py, "datetime_as_string"), (obj,))?;
        let text: String = text.extract()?;
        return text
            .get(..10)
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| not_a_date(obj, name, DATE_KINDS));
    }
    if module.starts_with("pyarrow") && obj.hasattr(intern!(py, "as_py"))? {
        let value = obj.call_method0(intern!(py, "as_py"))?;
        if value.is_none() {
            return Err(raise(cs_core::Error::missing(name)));
        }
        return date_arg(&value, name);
    }
    Err(not_a_date(obj, name, DATE_KINDS))
}

const DATETIME_KINDS: &str = "a date and time (datetime.datetime without a time zone, an ISO string YYYY-MM-DDTHH:MM:SS, a date, or numpy.datetime64)";

/// A date-and-time argument: a naive `datetime.datetime`, an ISO string
/// (`YYYY-MM-DDTHH:MM[:SS[.f]]`, a space also separates), a date (midnight), or
/// `numpy.datetime64`.
pub(crate) fn datetime_arg(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<chrono::NaiveDateTime> {
    let at = any_datetime(obj, name)?;
    cs_core::portfolio::check_date(name, at.date()).map_err(raise)?;
    Ok(at)
}

fn any_datetime(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<chrono::NaiveDateTime> {
    use pyo3::types::{PyDate, PyDateTime, PyString};
    let py = obj.py();
    let parse = |text: &str| -> Option<chrono::NaiveDateTime> {
        let text = text.trim();
        [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| {
            text.parse::<chrono::NaiveDate>()
                .ok()
                .map(|d| d.and_time(chrono::NaiveTime::MIN))
        })
    };
    if let Ok(s) = obj.cast::<PyString>() {
        return parse(s.to_str()?).ok_or_else(|| not_a_date(obj, name, DATETIME_KINDS));
    }
    if obj.is_instance_of::<PyDateTime>() {
        if !obj.getattr(intern!(py, "tzinfo"))?.is_none() {
            return Err(not_a_date(obj, name, DATETIME_KINDS));
        }
        let text: String = obj.call_method0(intern!(py, "isoformat"))?.extract()?;
        return parse(&text).ok_or_else(|| not_a_date(obj, name, DATETIME_KINDS));
    }
    if obj.is_instance_of::<PyDate>() {
        return Ok(date_arg(obj, name)?.and_time(chrono::NaiveTime::MIN));
    }
    let module = obj.get_type().module().map(|m| m.to_string()).unwrap_or_default();
    if module == "numpy" && obj.get_type().name()? == "datetime64" {
        let text: String = py
            .import(intern!(py, "numpy"))?
            .call_method1(intern!(py, "datetime_as_string"), (obj,))?
            .extract()?;
        return parse(&text).ok_or_else(|| not_a_date(obj, name, DATETIME_KINDS));
    }
    if module.starts_with("pyarrow") && obj.hasattr(intern!(py, "as_py"))? {
        return datetime_arg(&obj.call_method0(intern!(py, "as_py"))?, name);
    }
    Err(not_a_date(obj, name, DATETIME_KINDS))
}

/// [`date_arg`] for an optional argument (`None` or absent: no date).
pub(crate) fn optional_date(
    obj: Option<&Bound<'_, PyAny>>,
    name: &str,
) -> PyResult<Option<chrono::NaiveDate>> {
    match obj {
        Some(o) if !o.is_none() => date_arg(o, name).map(Some),
        _ => Ok(None),
    }
}

/// The text of a Python value for an error message: its `repr`, or for an integer too long to
/// print (Python refuses `str` of more than 4300 digits) its size in bits.
fn shown(obj: &Bound<'_, PyAny>) -> String {
    match obj.repr() {
        Ok(r) => r.to_string(),
        Err(_) => obj
            .call_method0(intern!(obj.py(), "bit_length"))
            .and_then(|b| b.extract::<u64>())
            .map_or_else(|_| "?".to_owned(), |bits| format!("(an integer of {bits} bits)")),
    }
}

/// An integer argument read by the one rule every integer parameter follows: a Python `int`
/// (or an object with `__index__`, e.g. a numpy integer) within `range`, converted to `T`.
/// `bool` and `float` (even `3.0`) are not integers here. `name` is the parameter's name:
/// a value that is not an integer is a `CsInvalidError` and one outside `range` a
/// `CsOutOfRangeError` ("bins -1 is outside 1..=10000"), never a bare `OverflowError` or
/// `TypeError` without the name.
pub(crate) fn int_arg<T>(obj: &Bound<'_, PyAny>, name: &str, range: RangeInclusive<T>) -> PyResult<T>
where
    T: Copy + fmt::Display + TryFrom<i128>,
    i128: TryFrom<T>,
{
    int_at(obj, name, range, None)
}

/// [`int_arg`] for an element of a list argument: errors name its `position`.
pub(crate) fn int_at<T>(
    obj: &Bound<'_, PyAny>,
    name: &str,
    range: RangeInclusive<T>,
    position: Option<usize>,
) -> PyResult<T>
where
    T: Copy + fmt::Display + TryFrom<i128>,
    i128: TryFrom<T>,
{
    use pyo3::types::{PyBool, PyFloat, PyInt};
    let located = |e: cs_core::Error| {
        raise(match position {
            Some(p) => e.at(p),
            None => e,
        })
    };
    let allowed = || format!("{}..={}", range.start(), range.end());
    let not_an_integer = |reason: &str| located(cs_core::Error::invalid(name, shown(obj), reason));
    if obj.is_instance_of::<PyBool>() {
        return Err(not_an_integer("expected an integer, not a bool"));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Err(not_an_integer("expected an integer, not a float"));
    }
    let index = if obj.is_instance_of::<PyInt>() {
        obj.clone()
    } else if obj.hasattr(intern!(obj.py(), "__index__"))? {
        obj.call_method0(intern!(obj.py(), "__index__"))
            .map_err(|_| not_an_integer("expected an integer"))?
    } else {
        return Err(not_an_integer("expected an integer"));
    };
    let out_of_range = || located(cs_core::Error::out_of_range(name, shown(&index), allowed()));
    // Beyond i128 is beyond every target type.
    let value: i128 = index.extract().map_err(|_| out_of_range())?;
    let (Ok(lo), Ok(hi)) = (i128::try_from(*range.start()), i128::try_from(*range.end())) else {
        return Err(out_of_range());
    };
    if !(lo..=hi).contains(&value) {
        return Err(out_of_range());
    }
    T::try_from(value).map_err(|_| out_of_range())
}

/// The bounds of a primitive integer type.
pub(crate) trait Bounded: Sized {
    /// The smallest value.
    const MIN: Self;
    /// The largest value.
    const MAX: Self;
}

macro_rules! bounded {
    ($($t:ty),*) => { $(impl Bounded for $t { const MIN: Self = <$t>::MIN; const MAX: Self = <$t>::MAX; })* };
}
bounded!(u8, u16, u32, u64, usize, i32, i64);

/// The integer parameters of the binding, one extractor each for `#[pyo3(from_py_with = ...)]`
/// (pyo3 does not pass the parameter's name to an extractor, so each name has its function).
/// `name: T` takes the whole range of `T`, `name: T [range]` a range the core defines;
/// `name: Option<T>` also takes `None`.
macro_rules! int_params {
    (@range $t:ty) => { <$t as Bounded>::MIN..=<$t as Bounded>::MAX };
    (@range $t:ty, $range:expr) => { $range };
    ($($name:ident: $t:ty $([$range:expr])?;)*) => {
        $(
            #[doc = concat!("The `", stringify!($name), "` argument (see [`int_arg`]).")]
            pub(crate) fn $name(obj: &Bound<'_, PyAny>) -> PyResult<$t> {
                int_arg(obj, stringify!($name), int_params!(@range $t $(, $range)?))
            }
        )*
    };
}

macro_rules! optional_int_params {
    ($($name:ident: $t:ty $([$range:expr])?;)*) => {
        $(
            #[doc = concat!("The optional `", stringify!($name), "` argument (`None`: absent; see [`int_arg`]).")]
            pub(crate) fn $name(obj: &Bound<'_, PyAny>) -> PyResult<Option<$t>> {
                if obj.is_none() {
                    return Ok(None);
                }
                int_arg(obj, stringify!($name), int_params!(@range $t $(, $range)?)).map(Some)
            }
        )*
    };
}

/// Extractors of the integer parameters, by parameter name (`#[pyo3(from_py_with = ints::bins)]`).
pub(crate) mod ints {
    use super::{Bounded, int_arg};
    use pyo3::prelude::*;

    int_params! {
        arr: i64;
        bins: u32 [1..=cs_core::retention::MAX_BINS];
        detractors: u64;
        early_days: u32;
        grace_days: u32;
        imminent_days: u32;
        initial: u64;
        internal_review_days: u32;
        limit: usize;
        max_evaluations: u32 [1..=u32::MAX];
        max_iterations: u32;
        n: usize [0..=cs_core::sample::MAX_ACCOUNTS];
        notice_days: u32;
        passives: u64;
        periods: u32 [0..=cs_core::retention::MAX_PERIODS];
        planning_days: u32;
        promoters: u64;
        renewals: u32;
        seed: u64;
        t: u32;
        target_days: u32;
        window_days: u32;
        window_months: u32;
    }
    optional_int_params! {
        reason_count: usize;
        term_months: u32;
    }
}
