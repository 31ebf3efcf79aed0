use serde::{Deserialize, Serialize};

use super::{Activity, Cadence, Channel};
use crate::{Error, Result};

/// One line of a success package: an activity, how often, through which channel.
///
/// An entitlement is identified inside its package by its [`label`](Entitlement::label): the
/// `name` when given, otherwise the activity name. Two entitlements of one activity (a monthly
/// email and a yearly on-site review, say) need distinct names.
///
/// ```toml
/// [[entitlements]]
/// name = "success_review"          # optional, defaults to the activity name
/// activity = "success_review"
/// channel = "virtual_meeting"
/// cadence = { kind = "every_months", months = 2 }
/// source = "000 section 2.1: bimonthly success reviews"   # optional, free text
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entitlement {
    /// The entitlement's name within its package; `None` = the activity name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What is delivered.
    pub activity: Activity,
    /// When.
    pub cadence: Cadence,
    /// Through which channel.
    pub channel: Channel,
    /// Where the value comes from (a source document, a decision), free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Entitlement {
    /// An entitlement named after its activity.
    pub fn new(activity: Activity, cadence: Cadence, channel: Channel) -> Entitlement {
        Entitlement {
            name: None,
            activity,
            cadence,
            channel,
            source: None,
        }
    }

    /// The same entitlement with an explicit name.
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Entitlement {
        self.name = Some(name.into());
        self
    }

    /// The same entitlement with a source note.
    #[must_use]
    pub fn sourced(mut self, source: impl Into<String>) -> Entitlement {
        self.source = Some(source.into());
        self
    }

    /// The name identifying the entitlement in its package, in errors, calendars and reports.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(self.activity.name())
    }

    /// Checks the name (non-blank when given) and the cadence; errors name the entitlement.
    pub fn validate(&self) -> Result<()> {
        if let Some(name) = &self.name
            && name.trim().is_empty()
        {
            return Err(Error::invalid(
                format!("entitlement name (activity {})", self.activity),
                format!("{name:?}"),
                "it must not be blank",
            ));
        }
        self.cadence.validate(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_defaults_to_the_activity_name() {
        let e = Entitlement::new(
            Activity::GapAnalysis,
            Cadence::EveryMonths {
                months: 6,
                offset_months: None,
            },
            Channel::VirtualMeeting,
        );
        assert_eq!(e.label(), "gap_analysis");
        assert_eq!(e.clone().named("deep_dive").label(), "deep_dive");
    }

    #[test]
    fn blank_name_is_rejected() {
        let e = Entitlement::new(
            Activity::Kickoff,
            Cadence::AtStart { offset_days: 0 },
            Channel::OnSite,
        )
        .named(" ");
        assert!(
            e.validate()
                .unwrap_err()
                .to_string()
                .contains("must not be blank")
        );
    }
}
