use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Channel;
use crate::document::Document;
use crate::{Error, Result};

/// Largest grace or early window accepted, in days.
const MAX_WINDOW_DAYS: u32 = 366;

/// How delivered activities are matched to calendar items.
///
/// A calendar item due on `d` is fulfilled by a delivered activity of the same activity
/// dated in `[d - early_days, d + grace_days]` whose channel is the entitled one or one the
/// substitution table accepts for it. Items are matched in date order, each to the earliest
/// unused delivery in its window (with windows of equal length this greedy choice matches as
/// many items as any other assignment).
///
/// Defaults (cs-core's choices; the sources give no tolerance): `grace_days = 30`,
/// `early_days = 30`, and this substitution table (entitled channel ← accepted instead):
///
/// | entitled | also accepted |
/// | --- | --- |
/// | digital | email, blog, webinar |
/// | email, blog | digital |
/// | phone | virtual meeting, on-site, on-site if location allows |
/// | virtual meeting | on-site, on-site if location allows |
/// | on-site if location allows | on-site, virtual meeting (the handbook's fallback when location does not allow) |
/// | on-site | on-site if location allows |
/// | internal | every channel |
///
/// A richer channel may stand in for a leaner one (an on-site meeting for a virtual one), not
/// the other way round; the one exception is "on-site if location allows", which the handbook
/// (docs/domain-sources.md, "Touch and channels") lets fall back to virtual. A richer
/// channel that the table does not list (on-site for a digital touch) still fulfils the item
/// when no listed channel does, and is flagged as a channel upgrade (over-delivery); a leaner
/// channel never fulfils it. A custom table replaces the default table entirely. As a
/// document (kind `"matching rules"`) every key is optional:
///
/// ```
/// use cs_core::document::Document;
/// use cs_core::package::{Channel, MatchingRules};
/// let rules = MatchingRules::from_toml(r#"
///     schema_version = 1
///     grace_days = 14
///     [substitutions]
///     on_site = ["virtual_meeting"]
/// "#)?;
/// assert_eq!(rules.early_days, 30);
/// assert!(rules.accepts(Channel::OnSite, Channel::VirtualMeeting));
/// assert!(!rules.accepts(Channel::Phone, Channel::OnSite)); // the default table was replaced
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MatchingRules {
    /// Always 1 for this build.
    pub schema_version: u32,
    /// How many days after its due date a delivery still counts (0..=366).
    pub grace_days: u32,
    /// How many days before its due date a delivery already counts (0..=366).
    pub early_days: u32,
    /// For each entitled channel, the other channels accepted in its place.
    pub substitutions: BTreeMap<Channel, Vec<Channel>>,
}

impl Default for MatchingRules {
    fn default() -> Self {
        use Channel::{
            Blog, Digital, Email, Internal, OnSite, OnSiteIfLocationAllows, Phone, VirtualMeeting, Webinar,
        };
        let mut substitutions = BTreeMap::new();
        substitutions.insert(Digital, vec![Email, Blog, Webinar]);
        substitutions.insert(Email, vec![Digital]);
        substitutions.insert(Blog, vec![Digital]);
        substitutions.insert(Phone, vec![VirtualMeeting, OnSite, OnSiteIfLocationAllows]);
        substitutions.insert(VirtualMeeting, vec![OnSite, OnSiteIfLocationAllows]);
        substitutions.insert(OnSiteIfLocationAllows, vec![OnSite, VirtualMeeting]);
        substitutions.insert(OnSite, vec![OnSiteIfLocationAllows]);
        substitutions.insert(
            Internal,
            Channel::ALL.into_iter().filter(|&c| c != Internal).collect(),
        );
        MatchingRules {
            schema_version: 1,
            grace_days: 30,
            early_days: 30,
            substitutions,
        }
    }
}

impl MatchingRules {
    /// Whether a delivery through `delivered` counts for an item entitled through `entitled`.
    pub fn accepts(&self, entitled: Channel, delivered: Channel) -> bool {
        entitled == delivered
            || self
                .substitutions
                .get(&entitled)
                .is_some_and(|v| v.contains(&delivered))
    }

    /// The same rules with another grace period.
    #[must_use]
    pub fn with_grace_days(mut self, days: u32) -> Self {
        self.grace_days = days;
        self
    }

    /// The same rules with another early window.
    #[must_use]
    pub fn with_early_days(mut self, days: u32) -> Self {
        self.early_days = days;
        self
    }
}

impl Document for MatchingRules {
    const KIND: &'static str = "matching rules";
    const SCHEMA_VERSION: u32 = 1;

    fn schema_version(&self) -> u32 {
        self.schema_version
    }

    fn validate(&self) -> Result<()> {
        for (field, value) in [("grace_days", self.grace_days), ("early_days", self.early_days)] {
            if value > MAX_WINDOW_DAYS {
                return Err(Error::out_of_range(
                    format!("matching rules {field}"),
                    value,
                    format!("0..={MAX_WINDOW_DAYS}"),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_accept_richer_channels_but_not_leaner_ones() {
        let r = MatchingRules::default();
        assert!(r.accepts(Channel::VirtualMeeting, Channel::OnSite));
        assert!(!r.accepts(Channel::OnSite, Channel::VirtualMeeting));
        assert!(r.accepts(Channel::OnSiteIfLocationAllows, Channel::VirtualMeeting));
        assert!(r.accepts(Channel::Digital, Channel::Email));
        assert!(!r.accepts(Channel::VirtualMeeting, Channel::Email));
        assert!(r.accepts(Channel::Internal, Channel::Phone));
    }

    #[test]
    fn rules_round_trip_and_reject_huge_windows() {
        let r = MatchingRules::default();
        assert_eq!(MatchingRules::from_json(&r.to_json().unwrap()).unwrap(), r);
        assert_eq!(MatchingRules::from_toml(&r.to_toml().unwrap()).unwrap(), r);
        let e = MatchingRules::from_toml("grace_days = 400").unwrap_err();
        assert_eq!(e.to_string(), "matching rules grace_days 400 is outside 0..=366");
        assert!(MatchingRules::from_toml("grace = 4").is_err());
    }
}
