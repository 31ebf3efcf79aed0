//! The Python face of `cs_core::Error`: one exception class, a `ValueError` subclass, carrying
//! the Rust message unchanged.

use pyo3::PyErr;
use pyo3::create_exception;
use pyo3::exceptions::PyValueError;

create_exception!(
    cs_core,
    CsError,
    PyValueError,
    "Raised for every invalid input or document; the message names the field and the value."
);

/// Converts a cs-core result into a Python result (the orphan rule forbids `From` here).
pub(crate) trait OrRaise<T> {
    /// Maps the error to [`CsError`] with the same message.
    fn or_raise(self) -> Result<T, PyErr>;
}

impl<T> OrRaise<T> for cs_core::Result<T> {
    fn or_raise(self) -> Result<T, PyErr> {
        self.map_err(|e| CsError::new_err(e.to_string()))
    }
}

/// A [`CsError`] from a cs-core error value.
pub(crate) fn raise(e: cs_core::Error) -> PyErr {
    CsError::new_err(e.to_string())
}
