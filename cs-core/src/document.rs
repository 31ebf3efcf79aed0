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

    /// Parses and validates a JSON document.
    fn from_json(text: &str) -> Result<Self> {
        check_document_size(Self::KIND, text.len())?;
        let doc: Self = serde_json::from_str(text).map_err(|e| Error::Parse {
            format: "JSON".into(),
            message: format!("{}: {e}", Self::KIND),
        })?;
        doc.checked()
    }

    /// Converts and validates a JSON value (the shape Python dicts arrive in).
    fn from_json_value(value: serde_json::Value) -> Result<Self> {
        let doc: Self = serde_json::from_value(value).map_err(|e| Error::Parse {
            format: "JSON".into(),
            message: format!("{}: {e}", Self::KIND),
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

    /// Checks the schema version, then [`Document::validate`]; returns the document if both pass.
    fn checked(self) -> Result<Self> {
        if self.schema_version() != Self::SCHEMA_VERSION {
            return Err(Error::SchemaVersion {
                document: Self::KIND.into(),
                found: self.schema_version(),
                supported: Self::SCHEMA_VERSION,
            });
        }
        self.validate()?;
        Ok(self)
    }
}
