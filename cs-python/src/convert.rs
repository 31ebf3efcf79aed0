//! serde values to and from Python objects, through the standard `json` module (documents and
//! results are small; this keeps one serialisation definition, the Rust one).

use pyo3::intern;
use pyo3::prelude::*;
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

// --- package ---

/// The JSON value of a Python dict / list / scalar (dates become ISO strings), for
/// `Document::from_json_value`.
pub(crate) fn from_python(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<serde_json::Value> {
    let py = obj.py();
    let json = py.import(intern!(py, "json"))?;
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("default", py.import(intern!(py, "builtins"))?.getattr("str")?)?;
    let text: String = json
        .call_method("dumps", (obj,), Some(&kwargs))
        .map_err(|e| {
            raise(cs_core::Error::invalid(
                what,
                obj.get_type().to_string(),
                e.to_string(),
            ))
        })?
        .extract()?;
    serde_json::from_str(&text).map_err(|e| {
        raise(cs_core::Error::Parse {
            format: "JSON".into(),
            message: format!("{what}: {e}"),
        })
    })
}

/// A date from a `datetime.date` (or `datetime`, pandas `Timestamp`: the date part), an ISO
/// string `YYYY-MM-DD`, a numpy `datetime64` or a pyarrow date scalar; `field` names it in errors.
pub(crate) fn date_of(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<chrono::NaiveDate> {
    let py = obj.py();
    if let Ok(s) = obj.cast::<pyo3::types::PyString>() {
        let text = s.to_str()?;
        return chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
            raise(cs_core::Error::invalid(
                field,
                format!("{text:?}"),
                "expected a date (YYYY-MM-DD)",
            ))
        });
    }
    if let Ok(d) = obj.extract::<chrono::NaiveDate>() {
        return Ok(d);
    }
    let type_name = obj.get_type().fully_qualified_name()?.to_string();
    if type_name == "numpy.datetime64" {
        let day = obj.call_method1(intern!(py, "astype"), ("datetime64[D]",))?;
        let item = day.call_method0(intern!(py, "item"))?;
        if !item.is_none() {
            return date_of(&item, field);
        }
    } else if type_name.starts_with("pyarrow.") && obj.hasattr(intern!(py, "as_py"))? {
        let value = obj.call_method0(intern!(py, "as_py"))?;
        if !value.is_none() {
            return date_of(&value, field);
        }
    }
    Err(raise(cs_core::Error::invalid(
        field,
        obj.repr()?.to_string(),
        "expected a date (datetime.date, YYYY-MM-DD string or numpy datetime64)",
    )))
}

/// [`date_of`] for an optional argument.
pub(crate) fn optional_date(
    obj: Option<&Bound<'_, PyAny>>,
    field: &str,
) -> PyResult<Option<chrono::NaiveDate>> {
    match obj {
        Some(o) if !o.is_none() => date_of(o, field).map(Some),
        _ => Ok(None),
    }
}
