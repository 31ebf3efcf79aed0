//! Persisted documents: scorecards, packages, plans, risk models, playbooks.
//!
//! A document is configuration or a record that people write by hand (TOML) or that systems
//! exchange (JSON). Every document type carries a `schema_version` field, rejects unknown keys
//! (`#[serde(deny_unknown_fields)]` on the type) and is validated as a whole after parsing, so a
//! file that fails validation is never partially loaded.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Error, Result};

/// The largest document read: 16 MiB of TOML or JSON text (a Python dict counts the JSON it
/// converts to). Real scorecards, packages, plans and models are a few kilobytes; a larger
/// input is refused before it is parsed, so untrusted input cannot make parsing the cost.
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;

/// Refuses a `kind` document of `bytes` bytes above [`MAX_DOCUMENT_BYTES`], before parsing:
/// [`Error::OutOfRange`] naming the document and its size.
///
/// ```
/// use cs_core::document::{check_document_size, MAX_DOCUMENT_BYTES};
/// assert!(check_document_size("scorecard", 1_000).is_ok());
/// let e = check_document_size("scorecard", MAX_DOCUMENT_BYTES + 1).unwrap_err();
/// assert_eq!(e.to_string(), "scorecard document size 16777217 bytes is outside 0..=16777216 bytes (16 MiB)");
/// ```
pub fn check_document_size(kind: &str, bytes: usize) -> Result<()> {
    if bytes > MAX_DOCUMENT_BYTES {
        return Err(Error::out_of_range(
            format!("{kind} document size"),
            format!("{bytes} bytes"),
            format!("0..={MAX_DOCUMENT_BYTES} bytes (16 MiB)"),
        ));
    }
    Ok(())
}

/// A versioned, validated document that round-trips through TOML and JSON.
///
/// Implementors derive `Serialize`/`Deserialize` with `deny_unknown_fields` and hold a
/// `schema_version: u32` field returned by [`Document::schema_version`].
pub trait Document: Serialize + DeserializeOwned {
    /// The document kind, used in error messages (`"scorecard"`).
    const KIND: &'static str;
    /// The schema version this build writes and reads.
    const SCHEMA_VERSION: u32;

    /// The `schema_version` stored in this document.
    fn schema_version(&self) -> u32;

    /// Checks every invariant that serde cannot express (ranges, references, uniqueness).
    fn validate(&self) -> Result<()>;

    /// Parses and validates a TOML document.
    fn from_toml(text: &str) -> Result<Self> {
        check_document_size(Self::KIND, text.len())?;
        let doc: Self = toml::from_str(text).map_err(|e| Error::Parse {
            format: "TOML".into(),
            message: format!("{}: {}", Self::KIND, e.to_string().trim_end()),
        })?;
        doc.checked()
    }

    /// Parses and validates a JSON document. A value serde cannot read is named by its path
    /// and shown (`handoff: closed_on "2026-02-30": input is out of range`).
    fn from_json(text: &str) -> Result<Self> {
        check_document_size(Self::KIND, text.len())?;
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Parse {
            format: "JSON".into(),
            message: format!("{}: {e}", Self::KIND),
        })?;
        Self::from_json_value(value)
    }

    /// Converts and validates a JSON value (the shape Python dicts arrive in); errors as in
    /// [`Document::from_json`].
    fn from_json_value(value: serde_json::Value) -> Result<Self> {
        let doc: Self = serde_path_to_error::deserialize(&value).map_err(|e| Error::Parse {
            format: "JSON".into(),
            message: format!("{}: {}", Self::KIND, located(&value, &e)),
        })?;
        doc.checked()
    }

    /// Serialises to pretty JSON.
    fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| Error::Parse {
            format: "JSON".into(),
            message: format!("{}: {e}", Self::KIND),
        })
    }

    /// Serialises to a JSON value.
    fn to_json_value(&self) -> Result<serde_json::Value> {
        serde_json::to_value(self).map_err(|e| Error::Parse {
            format: "JSON".into(),
            message: format!("{}: {e}", Self::KIND),
        })
    }

    /// Serialises to TOML.
    fn to_toml(&self) -> Result<String> {
        toml::to_string(self).map_err(|e| Error::Parse {
            format: "TOML".into(),
            message: format!("{}: {e}", Self::KIND),
        })
    }

    /// Checks the schema version, every date in the document (within
    /// [`MIN_DATE`](crate::portfolio::MIN_DATE)..=[`MAX_DATE`](crate::portfolio::MAX_DATE)),
    /// then [`Document::validate`]; returns the document if all pass.
    fn checked(self) -> Result<Self> {
        if self.schema_version() != Self::SCHEMA_VERSION {
            return Err(Error::SchemaVersion {
                document: Self::KIND.into(),
                found: self.schema_version(),
                supported: Self::SCHEMA_VERSION,
            });
        }
        check_dates(&self.to_json_value()?, &mut String::new())?;
        self.validate()?;
        Ok(self)
    }
}

/// A serde error at a path of `value`: the path, the value found there, the error.
fn located(value: &serde_json::Value, e: &serde_path_to_error::Error<serde_json::Error>) -> String {
    use serde_path_to_error::Segment;
    let mut at = Some(value);
    for segment in e.path() {
        at = match (segment, at) {
            (Segment::Seq { index }, Some(v)) => v.get(index),
            (Segment::Map { key }, Some(v)) => v.get(key),
            (Segment::Enum { .. }, v) => v,
            _ => None,
        };
    }
    let path = e.path().to_string();
    match at {
        _ if path == "." => e.inner().to_string(),
        Some(v) if !v.is_object() && !v.is_array() => format!("{path} {v}: {}", e.inner()),
        _ => format!("{path}: {}", e.inner()),
    }
}

/// Every date of a document (a text of the form YYYY-MM-DD, as chrono writes `NaiveDate`) within
/// the supported range: an error names its path and value.
fn check_dates(value: &serde_json::Value, path: &mut String) -> Result<()> {
    use serde_json::Value;
    use std::fmt::Write as _;
    match value {
        Value::String(s) => {
            let b = s.as_bytes();
            let shaped = b.len() == 10
                && b[4] == b'-'
                && b[7] == b'-'
                && b.iter()
                    .enumerate()
                    .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
            if shaped && let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                crate::portfolio::check_date(path, d)?;
            }
            Ok(())
        }
        Value::Array(items) => {
            let len = path.len();
            for (i, item) in items.iter().enumerate() {
                let _ = write!(path, "[{i}]");
                check_dates(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Object(map) => {
            let len = path.len();
            for (key, item) in map {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                check_dates(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
