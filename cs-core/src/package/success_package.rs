use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::{Entitlement, TouchModel, catalog};
use crate::document::Document;
use crate::{Error, Result};

/// What a customer bought from Customer Success: a touch model and a list of entitlements.
///
/// A persisted [`Document`] (kind `"success package"`, schema version 1): read custom packages
/// with [`Document::from_toml`] / [`Document::from_json`]; unknown keys are rejected and every
/// validation error names the entitlement at fault. Built-in packages come from
/// [`SuccessPackage::builtin`] (see the module docs for the catalog and its sources).
///
/// ```
/// use cs_core::document::Document;
/// use cs_core::package::{Activity, SuccessPackage};
/// let premier = SuccessPackage::from_toml(r#"
///     schema_version = 1
///     name = "premier"
///     touch_model = "high_touch"
///
///     [[entitlements]]
///     activity = "success_review"
///     channel = "virtual_meeting"
///     cadence = { kind = "every_months", months = 3 }
/// "#)?;
/// assert_eq!(premier.entitlements[0].activity, Activity::SuccessReview);
///
/// let bad = SuccessPackage::from_toml(r#"
///     schema_version = 1
///     name = "broken"
///     touch_model = "digital"
///     [[entitlements]]
///     activity = "success_review"
///     channel = "email"
///     cadence = { kind = "every_months", months = 0 }
/// "#);
/// assert_eq!(
///     bad.unwrap_err().to_string(),
///     "entitlement \"success_review\" cadence every_months months 0 is outside 1..=120"
/// );
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuccessPackage {
    /// Always [`SuccessPackage::SCHEMA_VERSION`] for documents this build writes.
    pub schema_version: u32,
    /// The package name, unique in a catalog (`"enterprise"`); compared case-insensitively.
    pub name: String,
    /// The engagement model.
    pub touch_model: TouchModel,
    /// A one-line description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the package definition comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The entitled activities, at least one.
    pub entitlements: Vec<Entitlement>,
}

impl SuccessPackage {
    /// A package with the current schema version.
    pub fn new(
        name: impl Into<String>,
        touch_model: TouchModel,
        entitlements: Vec<Entitlement>,
    ) -> SuccessPackage {
        SuccessPackage {
            schema_version: <Self as Document>::SCHEMA_VERSION,
            name: name.into(),
            touch_model,
            description: None,
            source: None,
            entitlements,
        }
    }

    /// A built-in package by name (case-insensitive): `commerce`, `enterprise`,
    /// `community_segment`, `enterprise_segment`, `strategic_segment` (`community` and
    /// `strategic` are accepted for the segment packages).
    ///
    /// ```
    /// use cs_core::package::SuccessPackage;
    /// let p = SuccessPackage::builtin("Enterprise")?;
    /// assert_eq!(p.name, "enterprise");
    /// assert!(SuccessPackage::builtin("platinum").is_err());
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn builtin(name: &str) -> Result<SuccessPackage> {
        catalog::builtin(name)
    }

    /// The entitlement with this label, if any.
    pub fn entitlement(&self, label: &str) -> Option<&Entitlement> {
        self.entitlements.iter().find(|e| e.label() == label)
    }
}

impl Document for SuccessPackage {
    const KIND: &'static str = "success package";
    const SCHEMA_VERSION: u32 = 1;

    fn schema_version(&self) -> u32 {
        self.schema_version
    }

    fn validate(&self) -> Result<()> {
        if self.name.trim().is_empty() {
            return Err(Error::invalid(
                "package name",
                format!("{:?}", self.name),
                "it must not be blank",
            ));
        }
        if self.entitlements.is_empty() {
            return Err(Error::empty(format!("entitlements of package {:?}", self.name)));
        }
        let mut seen = HashSet::new();
        for e in &self.entitlements {
            e.validate()?;
            if !seen.insert(e.label()) {
                return Err(Error::duplicate(
                    format!("entitlement name in package {:?}", self.name),
                    e.label(),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::{Activity, Cadence, Channel};

    const PREMIER: &str = r#"
        schema_version = 1
        name = "premier"
        touch_model = "high_touch"
        description = "Quarterly reviews"

        [[entitlements]]
        activity = "kickoff"
        channel = "on_site"
        cadence = { kind = "at_start", offset_days = 10 }

        [[entitlements]]
        name = "qbr"
        activity = "success_review"
        channel = "virtual_meeting"
        cadence = { kind = "every_months", months = 3 }
    "#;

    #[test]
    fn toml_package_round_trips_through_toml_and_json() {
        let p = SuccessPackage::from_toml(PREMIER).unwrap();
        assert_eq!(p.entitlements.len(), 2);
        assert_eq!(p.entitlements[0].cadence, Cadence::AtStart { offset_days: 10 });
        assert_eq!(p.entitlement("qbr").unwrap().channel, Channel::VirtualMeeting);
        assert_eq!(SuccessPackage::from_toml(&p.to_toml().unwrap()).unwrap(), p);
        assert_eq!(SuccessPackage::from_json(&p.to_json().unwrap()).unwrap(), p);
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let text = PREMIER.replace("description =", "colour = \"gold\"\n        description =");
        let e = SuccessPackage::from_toml(&text).unwrap_err();
        assert!(matches!(e, Error::Parse { .. }));
        assert!(e.to_string().contains("colour"), "{e}");
    }

    #[test]
    fn unknown_activity_in_a_document_names_the_value() {
        let text = PREMIER.replace("activity = \"kickoff\"", "activity = \"golf_day\"");
        let e = SuccessPackage::from_toml(&text).unwrap_err();
        assert!(e.to_string().contains("golf_day"), "{e}");
    }

    #[test]
    fn duplicate_entitlement_names_are_rejected() {
        let text = PREMIER.replace("name = \"qbr\"", "name = \"kickoff\"");
        let e = SuccessPackage::from_toml(&text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "duplicate entitlement name in package \"premier\" \"kickoff\""
        );
    }

    #[test]
    fn wrong_schema_version_is_rejected() {
        let text = PREMIER.replace("schema_version = 1", "schema_version = 2");
        let e = SuccessPackage::from_toml(&text).unwrap_err();
        assert!(matches!(
            e,
            Error::SchemaVersion {
                found: 2,
                supported: 1,
                ..
            }
        ));
    }

    #[test]
    fn package_without_entitlements_is_empty() {
        let p = SuccessPackage::new("nothing", TouchModel::Digital, vec![]);
        assert_eq!(
            p.validate().unwrap_err(),
            Error::empty("entitlements of package \"nothing\"")
        );
    }

    #[test]
    fn json_value_shape_matches_python_dicts() {
        let p = SuccessPackage::new(
            "mini",
            TouchModel::Digital,
            vec![Entitlement::new(
                Activity::NpsSurvey,
                Cadence::BeforeAnniversary { months: 2, days: 0 },
                Channel::Email,
            )],
        );
        let v = p.to_json_value().unwrap();
        assert_eq!(v["entitlements"][0]["cadence"]["kind"], "before_anniversary");
        assert_eq!(SuccessPackage::from_json_value(v).unwrap(), p);
    }
}
