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

// --- Python objects to documents and dates ---

/// The JSON value of a Python object built from dicts, lists, strings, numbers, booleans,
/// `None`, dates and datetimes (as ISO strings), numpy scalars and pyarrow scalars. `path`
/// names the object in errors (e.g. `goals[1].metric.current`); NaN and infinities are errors,
/// since a missing value is `None`.
pub(crate) fn from_python(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<serde_json::Value> {
    from_python_at(obj, path, 0)
}

/// JSON text of a Python document (see [`from_python`]): what `from_dict` constructors parse.
pub(crate) fn document_json(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let value = from_python(obj, "")?;
    serde_json::to_string(&value).map_err(|e| {
        raise(cs_core::Error::Parse {
            format: "JSON".into(),
            message: e.to_string(),
        })
    })
}

/// How deeply documents may nest (dicts and lists): far beyond any real document, well within
/// the native stack, so a self-similar structure is an error instead of a crash.
const MAX_DEPTH: usize = 64;

fn from_python_at(obj: &Bound<'_, PyAny>, path: &str, depth: usize) -> PyResult<serde_json::Value> {
    use pyo3::types::{PyBool, PyDate, PyDateTime, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
    use serde_json::Value;

    let py = obj.py();
    let bad = |reason: &str| -> PyErr {
        let shown = obj.repr().map_or_else(|_| "?".to_owned(), |r| r.to_string());
        raise(cs_core::Error::invalid(
            if path.is_empty() { "document" } else { path },
            shown,
            reason,
        ))
    };
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_str()?.to_owned()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(v) = obj.extract::<i64>() {
            return Ok(Value::from(v));
        }
        return obj
            .extract::<u64>()
            .map(Value::from)
            .map_err(|_| bad("is too large an integer"));
    }
    if obj.is_instance_of::<PyFloat>() {
        let v: f64 = obj.extract()?;
        return serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| bad("must be a finite number (use None for a missing value)"));
    }
    if obj.is_instance_of::<PyDateTime>() {
        return Ok(Value::String(
            datetime_arg(obj, path)?
                .format("%Y-%m-%dT%H:%M:%S%.f")
                .to_string(),
        ));
    }
    if obj.is_instance_of::<PyDate>() {
        return Ok(Value::String(date_arg(obj, path)?.to_string()));
    }
    let nests = obj.is_instance_of::<PyDict>()
        || obj.is_instance_of::<PyList>()
        || obj.is_instance_of::<PyTuple>()
        || obj.is_instance_of::<pyo3::types::PyMapping>();
    if nests && depth >= MAX_DEPTH {
        return Err(bad(&format!("nests deeper than {MAX_DEPTH} levels")));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = serde_json::Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key = k
                .cast::<PyString>()
                .map_err(|_| bad("has a key that is not a string"))?
                .to_str()?
                .to_owned();
            let child = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            map.insert(key, from_python_at(&v, &child, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            out.push(from_python_at(&item?, &format!("{path}[{i}]"), depth + 1)?);
        }
        return Ok(Value::Array(out));
    }
    let module = obj.get_type().module().map(|m| m.to_string()).unwrap_or_default();
    if module == "numpy" {
        if obj.get_type().name()? == "datetime64" {
            return Ok(Value::String(date_arg(obj, path)?.to_string()));
        }
        // numpy scalars (bool_, integers, floats): their Python value.
        return from_python_at(&obj.call_method0(intern!(py, "item"))?, path, depth);
    }
    if module.starts_with("pyarrow") && obj.hasattr(intern!(py, "as_py"))? {
        return from_python_at(&obj.call_method0(intern!(py, "as_py"))?, path, depth);
    }
    if obj.is_instance_of::<pyo3::types::PyMapping>() {
        let as_dict = py
            .import(intern!(py, "builtins"))?
            .getattr(intern!(py, "dict"))?
            .call1((obj,))?;
        return from_python_at(&as_dict, path, depth);
    }
    Err(bad(
        "cannot be stored in a document (expected dicts, lists, strings, numbers, booleans, None or dates)",
    ))
}

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
