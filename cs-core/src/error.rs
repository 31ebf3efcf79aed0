//! The crate's single error type.
//!
//! Every variant names the field (or column, or document key) and the offending value, so a
//! message read in a log, a notebook or a terminal says what to fix without a stack trace.

use std::fmt;

/// Result alias used by every fallible function of the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in cs-core.
///
/// Variants are generic over the domain (an out-of-range NPS answer and an out-of-range health
/// weight are both [`Error::OutOfRange`]); the `field` says which one it is. Messages are stable
/// and shared with the Python binding, which raises them as `cs_core.CsError`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value lies outside the range its field allows.
    #[error("{field} {value}{} is outside {allowed}", Position(*.position))]
    OutOfRange {
        /// The field, e.g. `"nps score"`.
        field: String,
        /// The offending value, formatted.
        value: String,
        /// The allowed range or set, e.g. `"0..=10"`.
        allowed: String,
        /// Row or element index (0-based) when the value came from a column or list.
        position: Option<usize>,
    },
    /// A value is not acceptable for a reason other than its range.
    #[error("{field} {value}{} is invalid: {reason}", Position(*.position))]
    Invalid {
        /// The field.
        field: String,
        /// The offending value, formatted.
        value: String,
        /// Why it is rejected.
        reason: String,
        /// Row or element index (0-based) when the value came from a column or list.
        position: Option<usize>,
    },
    /// A required value, column or key is absent (or null where nulls are not allowed).
    #[error("{field} is missing{}", Position(*.position))]
    Missing {
        /// The field or column.
        field: String,
        /// Row index (0-based) when a single value of a column is null.
        position: Option<usize>,
    },
    /// An input that must hold at least one element holds none.
    #[error("{field} is empty: at least one value is needed")]
    Empty {
        /// The field or column.
        field: String,
    },
    /// Two columns (or a column and its validity) that must have the same length do not.
    #[error("column {field} has {actual} rows, expected {expected}")]
    LengthMismatch {
        /// The column.
        field: String,
        /// The length of the table (or of the first column).
        expected: usize,
        /// The length of this column.
        actual: usize,
    },
    /// A name that should refer to something known does not.
    #[error("unknown {kind} {name:?}{}{}", Position(*.position), Known(.known))]
    Unknown {
        /// What kind of name, e.g. `"measure"`, `"activity"`.
        kind: String,
        /// The name given.
        name: String,
        /// The names that are known, when the list is short enough to help.
        known: Vec<String>,
        /// Row or element index (0-based) when the name came from a column or list.
        position: Option<usize>,
    },
    /// A value that must be unique appears twice.
    #[error("duplicate {field} {value:?}{}", Position(*.position))]
    Duplicate {
        /// The field, e.g. `"goal id"`.
        field: String,
        /// The repeated value.
        value: String,
        /// Row or element index (0-based) of the repeat when it came from a column or list.
        position: Option<usize>,
    },
    /// A document (TOML, JSON, CSV) could not be read.
    #[error("invalid {format} document: {message}")]
    Parse {
        /// `"TOML"`, `"JSON"`, `"CSV"`.
        format: String,
        /// The parser's message, which names the key, line and column.
        message: String,
    },
    /// A persisted document carries a schema version this build does not read.
    #[error("{document} schema_version {found} is not supported (this version reads {supported})")]
    SchemaVersion {
        /// The kind of document.
        document: String,
        /// The version found.
        found: u32,
        /// The version this build reads.
        supported: u32,
    },
    /// An iterative estimate did not converge or the data do not determine it.
    #[error("{what} failed: {reason}")]
    Estimation {
        /// What was being estimated, e.g. `"logistic fit"`.
        what: String,
        /// Why, e.g. `"no convergence after 100 iterations"`.
        reason: String,
    },
}

/// The text of an offending value. A float's `Display` writes every digit (1e308 as 309 of
/// them, 5e-324 as 324 decimals); a plain decimal that is exactly a float's text and longer
/// than 21 characters with a decimal point, or 40 without, is shown in exponent form, the
/// shortest that reads back to the same float. Every other value is shown as it displays.
fn shown(value: &impl fmt::Display) -> String {
    let text = value.to_string();
    let plain = text
        .strip_prefix('-')
        .unwrap_or(&text)
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.');
    match text.parse::<f64>() {
        // Only the exact text a float displays as: a long digit string (an id) stays as it is.
        // Integers up to 40 digits (a Python int such as 10**30) keep every digit.
        Ok(x) if plain && long(&text) && x.to_string() == text => format!("{x:e}"),
        _ => text,
    }
}

/// Longer than a value is shown in full: 21 characters with a decimal point, 40 without.
fn long(text: &str) -> bool {
    text.len() > if text.contains('.') { 21 } else { 40 }
}

impl Error {
    /// An [`Error::OutOfRange`] without a position.
    pub fn out_of_range(
        field: impl Into<String>,
        value: impl fmt::Display,
        allowed: impl Into<String>,
    ) -> Self {
        Error::OutOfRange {
            field: field.into(),
            value: shown(&value),
            allowed: allowed.into(),
            position: None,
        }
    }

    /// An [`Error::Invalid`] without a position.
    pub fn invalid(field: impl Into<String>, value: impl fmt::Display, reason: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            value: shown(&value),
            reason: reason.into(),
            position: None,
        }
    }

    /// An [`Error::Missing`] without a position.
    pub fn missing(field: impl Into<String>) -> Self {
        Error::Missing {
            field: field.into(),
            position: None,
        }
    }

    /// An [`Error::Empty`].
    pub fn empty(field: impl Into<String>) -> Self {
        Error::Empty { field: field.into() }
    }

    /// An [`Error::Unknown`] listing the known names.
    pub fn unknown<S: AsRef<str>>(
        kind: impl Into<String>,
        name: impl Into<String>,
        known: impl IntoIterator<Item = S>,
    ) -> Self {
        Error::Unknown {
            kind: kind.into(),
            name: name.into(),
            known: known.into_iter().map(|s| s.as_ref().to_owned()).collect(),
            position: None,
        }
    }

    /// An [`Error::Duplicate`]: `value` of `field` appears twice.
    pub fn duplicate(field: impl Into<String>, value: impl Into<String>) -> Self {
        Error::Duplicate {
            field: field.into(),
            value: value.into(),
            position: None,
        }
    }

    /// The same error located at row or element `position` (0-based), when the variant has one.
    #[must_use]
    pub fn at(mut self, index: usize) -> Self {
        match &mut self {
            Error::OutOfRange { position, .. }
            | Error::Invalid { position, .. }
            | Error::Missing { position, .. }
            | Error::Unknown { position, .. }
            | Error::Duplicate { position, .. } => {
                *position = Some(index);
            }
            _ => {}
        }
        self
    }
}

impl Error {
    /// The row or element index the error names, when it names one.
    pub fn position(&self) -> Option<usize> {
        match self {
            Error::OutOfRange { position, .. }
            | Error::Invalid { position, .. }
            | Error::Missing { position, .. }
            | Error::Unknown { position, .. }
            | Error::Duplicate { position, .. } => *position,
            _ => None,
        }
    }

    /// The same error with its row position moved by `by` rows: a batch's row in the whole
    /// table (an error without a position is unchanged).
    ///
    /// ```
    /// let e = cs_core::Error::missing("score").at(3).shifted(100);
    /// assert_eq!(e.position(), Some(103));
    /// assert_eq!(cs_core::Error::missing("score").shifted(100).position(), None);
    /// ```
    #[must_use]
    pub fn shifted(self, by: usize) -> Self {
        match self.split_position() {
            (e, Some(row)) => e.at(row + by),
            (e, None) => e,
        }
    }

    /// The same error without its position, and the position: for a front end that names the
    /// place its own way (a file line, a spreadsheet cell).
    #[must_use]
    pub fn split_position(mut self) -> (Self, Option<usize>) {
        let found = self.position();
        if let Error::OutOfRange { position, .. }
        | Error::Invalid { position, .. }
        | Error::Missing { position, .. }
        | Error::Unknown { position, .. }
        | Error::Duplicate { position, .. } = &mut self
        {
            *position = None;
        }
        (self, found)
    }

    /// The same error with its position moved by `base` rows: a chunk's local row index becomes
    /// the table's.
    #[must_use]
    pub fn offset_by(mut self, base: usize) -> Self {
        match &mut self {
            Error::OutOfRange {
                position: Some(p), ..
            }
            | Error::Invalid {
                position: Some(p), ..
            }
            | Error::Missing {
                position: Some(p), ..
            }
            | Error::Unknown {
                position: Some(p), ..
            }
            | Error::Duplicate {
                position: Some(p), ..
            } => *p += base,
            _ => {}
        }
        self
    }
}

struct Position(Option<usize>);

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(i) => write!(f, " at position {i}"),
            None => Ok(()),
        }
    }
}

struct Known<'a>(&'a [String]);

impl fmt::Display for Known<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() || self.0.len() > 24 {
            return Ok(());
        }
        write!(f, " (known: {})", self.0.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_message_names_field_value_position_and_range() {
        let e = Error::out_of_range("nps score", 11, "0..=10").at(3);
        assert_eq!(e.to_string(), "nps score 11 at position 3 is outside 0..=10");
        assert_eq!(
            Error::out_of_range("x", 1e308, "0..=1").to_string(),
            "x 1e308 is outside 0..=1"
        );
        assert_eq!(
            Error::out_of_range("x", -5e-324, "0..=1").to_string(),
            "x -5e-324 is outside 0..=1"
        );
        assert_eq!(
            Error::out_of_range("x", 0.1, "0..=1").to_string(),
            "x 0.1 is outside 0..=1"
        );
        assert_eq!(
            Error::out_of_range("x", u64::MAX, "0..=1").to_string(),
            format!("x {} is outside 0..=1", u64::MAX)
        );
        assert_eq!(
            Error::invalid("x", "2026-01-01", "y").to_string(),
            "x 2026-01-01 is invalid: y"
        );
        let big = 10f64.powi(30);
        assert_eq!(
            Error::out_of_range("x", big, "y").to_string(),
            format!("x {big} is outside y")
        );
        let id = "0000000000000000000000001";
        assert_eq!(
            Error::invalid("x", id, "y").to_string(),
            format!("x {id} is invalid: y")
        );
    }

    #[test]
    fn unknown_lists_known_names() {
        let e = Error::unknown("measure", "logins", ["usage", "tickets"]);
        assert_eq!(
            e.to_string(),
            "unknown measure \"logins\" (known: usage, tickets)"
        );
    }

    #[test]
    fn at_leaves_variants_without_position_unchanged() {
        let e = Error::empty("answers").at(2);
        assert_eq!(e, Error::empty("answers"));
    }
}
