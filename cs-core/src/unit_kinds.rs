//! Unknown keys next to a field-less `kind`.
//!
//! serde's `deny_unknown_fields` does not reach the unit variants of an internally tagged
//! enum: `{kind = "annually", colour = 1}` deserialised as `Annually` with `colour` ignored.
//! The enums with unit variants derive their serde code under `#[serde(remote = "Self")]`
//! (inherent `serialize` / `deserialize` functions, the same serialised form) and implement the
//! traits through [`unit_kinds_impl`], which buffers the value, rejects any key other than the
//! tag next to a unit kind, and then runs the derived code.

use serde::Deserialize;
use serde::de::Error as _;

/// Reads one value and fails when its `tag` names one of `unit_kinds` and it has another key.
pub(crate) fn checked<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
    tag: &str,
    unit_kinds: &[&str],
) -> Result<serde_json::Value, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    if let Some(map) = value.as_object()
        && let Some(kind) = map.get(tag).and_then(serde_json::Value::as_str)
        && unit_kinds.contains(&kind)
        && let Some(extra) = map.keys().find(|k| k.as_str() != tag)
    {
        return Err(D::Error::custom(format_args!(
            "unknown field `{extra}`: {tag} {kind:?} takes no other fields"
        )));
    }
    Ok(value)
}

/// `Serialize` and `Deserialize` for an enum deriving them under `#[serde(remote = "Self")]`,
/// rejecting unknown keys next to the given unit kinds.
macro_rules! unit_kinds_impl {
    ($ty:ty, $tag:literal, [$($kind:literal),* $(,)?]) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                <$ty>::serialize(self, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = $crate::unit_kinds::checked(deserializer, $tag, &[$($kind),*])?;
                <$ty>::deserialize(value).map_err(<D::Error as serde::de::Error>::custom)
            }
        }
    };
}
pub(crate) use unit_kinds_impl;
