//! Scalar arguments: dates and date-times given as Python values, read by one rule each.

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
