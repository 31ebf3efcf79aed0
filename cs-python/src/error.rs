//! The Python face of `cs_core::Error`, in one place: `CsError` (a `ValueError` subclass) is
//! the base, with one subclass per family of error variants. Every message is the Rust message
//! unchanged.

use pyo3::PyErr;
use pyo3::create_exception;
use pyo3::exceptions::PyValueError;

create_exception!(
    cs_core,
    CsError,
    PyValueError,
    "Raised for every invalid input or document; the message names the field and the value. \
     The base of the more specific Cs*Error classes."
);
create_exception!(
    cs_core,
    CsOutOfRangeError,
    CsError,
    "A value lies outside the range its field allows (e.g. an NPS answer of 11)."
);
create_exception!(
    cs_core,
    CsInvalidError,
    CsError,
    "A value is not acceptable for a reason other than its range (e.g. a cell that is not a date)."
);
create_exception!(
    cs_core,
    CsMissingError,
    CsError,
    "A required value, column or key is absent, or null where nulls are not allowed."
);
create_exception!(
    cs_core,
    CsEmptyError,
    CsError,
    "An input that must hold at least one element holds none."
);
create_exception!(
    cs_core,
    CsLengthMismatchError,
    CsError,
    "Two columns that must have the same length do not."
);
create_exception!(
    cs_core,
    CsUnknownError,
    CsError,
    "A name (column, measure, package, ...) that should refer to something known does not."
);
create_exception!(
    cs_core,
    CsDuplicateError,
    CsError,
    "A value that must be unique appears twice."
);
create_exception!(
    cs_core,
    CsParseError,
    CsError,
    "A document (TOML, JSON, CSV) could not be read."
);
create_exception!(
    cs_core,
    CsSchemaVersionError,
    CsError,
    "A persisted document carries a schema version this build does not read."
);
create_exception!(
    cs_core,
    CsEstimationError,
    CsError,
    "An iterative estimate did not converge or the data do not determine it."
);

/// Converts a cs-core result into a Python result (the orphan rule forbids `From` here).
pub(crate) trait OrRaise<T> {
    /// Maps the error to the [`CsError`] subclass of its variant, with the same message.
    fn or_raise(self) -> Result<T, PyErr>;
}

impl<T> OrRaise<T> for cs_core::Result<T> {
    fn or_raise(self) -> Result<T, PyErr> {
        self.map_err(raise)
    }
}

/// The Python exception for a cs-core error value: the [`CsError`] subclass of its variant
/// (plain [`CsError`] for a variant added to the non-exhaustive enum later), with the Rust
/// message.
pub(crate) fn raise(e: cs_core::Error) -> PyErr {
    use cs_core::Error as E;
    let message = e.to_string();
    match e {
        E::OutOfRange { .. } => CsOutOfRangeError::new_err(message),
        E::Invalid { .. } => CsInvalidError::new_err(message),
        E::Missing { .. } => CsMissingError::new_err(message),
        E::Empty { .. } => CsEmptyError::new_err(message),
        E::LengthMismatch { .. } => CsLengthMismatchError::new_err(message),
        E::Unknown { .. } => CsUnknownError::new_err(message),
        E::Duplicate { .. } => CsDuplicateError::new_err(message),
        E::Parse { .. } => CsParseError::new_err(message),
        E::SchemaVersion { .. } => CsSchemaVersionError::new_err(message),
        E::Estimation { .. } => CsEstimationError::new_err(message),
        _ => CsError::new_err(message),
    }
}
