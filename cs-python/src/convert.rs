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
