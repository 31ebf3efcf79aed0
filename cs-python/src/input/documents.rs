//! Documents given as Python objects (dicts, lists, scalars, dates) turned into the JSON text the
//! core's serde parsers read, so a document has one definition: the Rust one.

use pyo3::intern;
use pyo3::prelude::*;

use super::arguments::{date_arg, datetime_arg};
use crate::error::raise;

/// The JSON value of a Python object built from dicts, lists, strings, numbers, booleans,
/// `None`, dates and datetimes (as ISO strings), numpy scalars and pyarrow scalars. `path`
/// names the object in errors (e.g. `goals[1].metric.current`); NaN and infinities are errors,
/// since a missing value is `None`.
pub(crate) fn from_python(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<serde_json::Value> {
    let mut size = 0;
    from_python_at(obj, path, 0, &mut size)
}

/// A document given as text (`from_json`, `from_toml`), refused above
/// `cs_core::document::MAX_DOCUMENT_BYTES` before it is parsed; `kind` names it.
pub(crate) fn document_text<'a>(text: &'a str, kind: &str) -> PyResult<&'a str> {
    cs_core::document::check_document_size(kind, text.len()).map_err(raise)?;
    Ok(text)
}

/// Counts `bytes` more of the JSON a Python document converts to (about: strings and keys by
/// length, other values by a few bytes) and refuses it above the document size limit.
fn grow(size: &mut usize, bytes: usize) -> PyResult<()> {
    *size = size.saturating_add(bytes);
    cs_core::document::check_document_size("the", *size).map_err(raise)
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

fn from_python_at(
    obj: &Bound<'_, PyAny>,
    path: &str,
    depth: usize,
    size: &mut usize,
) -> PyResult<serde_json::Value> {
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
    grow(size, 4)?;
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_str()?;
        grow(size, text.len())?;
        return Ok(Value::String(text.to_owned()));
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
            grow(size, key.len() + 4)?;
            let child = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            map.insert(key, from_python_at(&v, &child, depth + 1, size)?);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            out.push(from_python_at(&item?, &format!("{path}[{i}]"), depth + 1, size)?);
        }
        return Ok(Value::Array(out));
    }
    let module = obj.get_type().module().map(|m| m.to_string()).unwrap_or_default();
    if module == "numpy" {
        if obj.get_type().name()? == "datetime64" {
            return Ok(Value::String(date_arg(obj, path)?.to_string()));
        }
        // numpy scalars (bool_, integers, floats): their Python value.
        return from_python_at(&obj.call_method0(intern!(py, "item"))?, path, depth, size);
    }
    if module.starts_with("pyarrow") && obj.hasattr(intern!(py, "as_py"))? {
        return from_python_at(&obj.call_method0(intern!(py, "as_py"))?, path, depth, size);
    }
    if obj.is_instance_of::<pyo3::types::PyMapping>() {
        let as_dict = py
            .import(intern!(py, "builtins"))?
            .getattr(intern!(py, "dict"))?
            .call1((obj,))?;
        return from_python_at(&as_dict, path, depth, size);
    }
    Err(bad(
        "cannot be stored in a document (expected dicts, lists, strings, numbers, booleans, None or dates)",
    ))
}
