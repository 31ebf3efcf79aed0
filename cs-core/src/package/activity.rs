use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Something Customer Success does for (or about) an account, as a package entitles it.
///
/// The list follows the activities of the handbook (sections 2.1-3.5) and the segment strategies
/// of the segment deck (docs/domain-sources.md, from "Success packages" to "Gap analysis", and
/// "Segment strategies").
/// Names are `snake_case` in documents, columns and the CLI; [`Activity::parse`] also accepts
/// spaces, hyphens and a few common aliases (`qbr`, `joint_impact_plan`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    /// The named CSM is introduced and the entitled activities are explained.
    CsmIntroduction,
    /// The Customer Success kickoff meeting: key contacts, goals, NPS perceived.
    Kickoff,
    /// Creation of the success plan (the joint impact plan).
    #[serde(alias = "joint_impact_plan")]
    SuccessPlan,
    /// A success review (business review) of the past period against the success plan.
    #[serde(alias = "business_review", alias = "qbr")]
    SuccessReview,
    /// A gap analysis: functionality and services the customer does not use yet.
    GapAnalysis,
    /// Proactive outreach: best practice, industry changes, releases, community content.
    ProactiveOutreach,
    /// Internal monitoring of support, health and NPS feedback.
    FeedbackMonitoring,
    /// The NPS survey (sent, promoted and explained to the customer).
    NpsSurvey,
    /// The internal review ahead of the renewal / anniversary date.
    #[serde(alias = "renewal_review")]
    InternalRenewalReview,
    /// A meeting with (or selection of) the customer's executive sponsor.
    ExecutiveSponsorMeeting,
    /// Training, setup guidance or an enablement webinar.
    Training,
    /// A regular check-in or follow-up call.
    CheckIn,
    /// Confirmation of the customer's key contacts (including who signs the renewal).
    KeyContactReview,
}

impl Activity {
    /// Every activity, in declaration order.
    pub const ALL: [Activity; 13] = [
        Activity::CsmIntroduction,
        Activity::Kickoff,
        Activity::SuccessPlan,
        Activity::SuccessReview,
        Activity::GapAnalysis,
        Activity::ProactiveOutreach,
        Activity::FeedbackMonitoring,
        Activity::NpsSurvey,
        Activity::InternalRenewalReview,
        Activity::ExecutiveSponsorMeeting,
        Activity::Training,
        Activity::CheckIn,
        Activity::KeyContactReview,
    ];

    /// The `snake_case` name used in documents and columns.
    pub fn name(self) -> &'static str {
        match self {
            Activity::CsmIntroduction => "csm_introduction",
            Activity::Kickoff => "kickoff",
            Activity::SuccessPlan => "success_plan",
            Activity::SuccessReview => "success_review",
            Activity::GapAnalysis => "gap_analysis",
            Activity::ProactiveOutreach => "proactive_outreach",
            Activity::FeedbackMonitoring => "feedback_monitoring",
            Activity::NpsSurvey => "nps_survey",
            Activity::InternalRenewalReview => "internal_renewal_review",
            Activity::ExecutiveSponsorMeeting => "executive_sponsor_meeting",
            Activity::Training => "training",
            Activity::CheckIn => "check_in",
            Activity::KeyContactReview => "key_contact_review",
        }
    }

    /// A human title, e.g. `"Success review"` (used as the calendar event summary).
    pub fn title(self) -> &'static str {
        match self {
            Activity::CsmIntroduction => "CSM introduction",
            Activity::Kickoff => "Customer Success kickoff",
            Activity::SuccessPlan => "Success plan",
            Activity::SuccessReview => "Success review",
            Activity::GapAnalysis => "Gap analysis",
            Activity::ProactiveOutreach => "Proactive outreach",
            Activity::FeedbackMonitoring => "Feedback monitoring",
            Activity::NpsSurvey => "NPS survey",
            Activity::InternalRenewalReview => "Internal renewal review",
            Activity::ExecutiveSponsorMeeting => "Executive sponsor meeting",
            Activity::Training => "Training",
            Activity::CheckIn => "Check-in",
            Activity::KeyContactReview => "Key contact review",
        }
    }

    /// Parses a name; case, spaces and hyphens are ignored and common aliases accepted.
    ///
    /// ```
    /// use cs_core::package::Activity;
    /// assert_eq!(Activity::parse("Success Review")?, Activity::SuccessReview);
    /// assert_eq!(Activity::parse("QBR")?, Activity::SuccessReview);
    /// assert!(Activity::parse("golf day").is_err());
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn parse(name: &str) -> Result<Activity> {
        let key = normalise(name);
        let found = match key.as_str() {
            "joint_impact_plan" | "success_plan_creation" => Some(Activity::SuccessPlan),
            "qbr" | "business_review" | "quarterly_business_review" => Some(Activity::SuccessReview),
            "renewal_review" => Some(Activity::InternalRenewalReview),
            "nps" => Some(Activity::NpsSurvey),
            "executive_sponsor" => Some(Activity::ExecutiveSponsorMeeting),
            "checkin" | "follow_up" => Some(Activity::CheckIn),
            "kick_off" => Some(Activity::Kickoff),
            _ => Activity::ALL.into_iter().find(|a| a.name() == key),
        };
        found.ok_or_else(|| Error::unknown("activity", name, Activity::ALL.map(Activity::name)))
    }

    /// True for work done without the customer (monitoring, internal reviews): it never counts
    /// as time spent with the customer.
    pub fn is_internal(self) -> bool {
        matches!(
            self,
            Activity::FeedbackMonitoring | Activity::InternalRenewalReview
        )
    }
}

impl fmt::Display for Activity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How an activity reaches the customer.
///
/// The handbook distinguishes digital content (email, blogs), virtual meetings, on-site
/// meetings and "on-site if location allows" (docs/domain-sources.md, "Touch and channels"); the
/// segment deck adds phone calls and webinars (docs/domain-sources.md, "Segment strategies").
/// [`Channel::Internal`] marks work done without the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Any digital content: email, blog, newsletter, in-app message.
    Digital,
    /// An email.
    Email,
    /// A blog post or article.
    Blog,
    /// A webinar (one to many).
    Webinar,
    /// A phone call.
    Phone,
    /// A virtual (video) meeting.
    VirtualMeeting,
    /// An on-site meeting.
    OnSite,
    /// On-site if the customer's location allows, otherwise a virtual meeting.
    OnSiteIfLocationAllows,
    /// Internal work, no customer contact.
    Internal,
}

impl Channel {
    /// Every channel, in declaration order.
    pub const ALL: [Channel; 9] = [
        Channel::Digital,
        Channel::Email,
        Channel::Blog,
        Channel::Webinar,
        Channel::Phone,
        Channel::VirtualMeeting,
        Channel::OnSite,
        Channel::OnSiteIfLocationAllows,
        Channel::Internal,
    ];

    /// The `snake_case` name used in documents and columns.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Digital => "digital",
            Channel::Email => "email",
            Channel::Blog => "blog",
            Channel::Webinar => "webinar",
            Channel::Phone => "phone",
            Channel::VirtualMeeting => "virtual_meeting",
            Channel::OnSite => "on_site",
            Channel::OnSiteIfLocationAllows => "on_site_if_location_allows",
            Channel::Internal => "internal",
        }
    }

    /// A human title, e.g. `"virtual meeting"`.
    pub fn title(self) -> &'static str {
        match self {
            Channel::Digital => "digital",
            Channel::Email => "email",
            Channel::Blog => "blog",
            Channel::Webinar => "webinar",
            Channel::Phone => "phone call",
            Channel::VirtualMeeting => "virtual meeting",
            Channel::OnSite => "on-site",
            Channel::OnSiteIfLocationAllows => "on-site if location allows",
            Channel::Internal => "internal",
        }
    }

    /// Parses a name; case, spaces and hyphens are ignored (`"On-site"`, `"virtual"` work).
    pub fn parse(name: &str) -> Result<Channel> {
        let key = normalise(name);
        let found = match key.as_str() {
            "virtual" | "video" | "video_call" => Some(Channel::VirtualMeeting),
            "onsite" | "in_person" => Some(Channel::OnSite),
            "call" => Some(Channel::Phone),
            _ => Channel::ALL.into_iter().find(|c| c.name() == key),
        };
        found.ok_or_else(|| Error::unknown("channel", name, Channel::ALL.map(Channel::name)))
    }

    /// True for email, blog, webinar and generic digital content.
    pub fn is_digital(self) -> bool {
        matches!(
            self,
            Channel::Digital | Channel::Email | Channel::Blog | Channel::Webinar
        )
    }

    /// How personal the channel is, from 0 (internal) through 1 (digital), 2 (phone) and 3
    /// (virtual meeting, or on-site if location allows) to 4 (on-site). Compliance uses it to
    /// tell an upgrade (over-delivery) from a downgrade (no delivery) of the entitled channel.
    pub fn touch_level(self) -> u8 {
        match self {
            Channel::Internal => 0,
            Channel::Digital | Channel::Email | Channel::Blog | Channel::Webinar => 1,
            Channel::Phone => 2,
            Channel::VirtualMeeting | Channel::OnSiteIfLocationAllows => 3,
            Channel::OnSite => 4,
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The engagement model of a package: how much of the service is personal.
///
/// Commerce is digital touch and Enterprise high touch in the handbook
/// (docs/domain-sources.md, "Touch and channels"); the segment deck's Strategic tier is personal
/// contact (docs/domain-sources.md, "Segment strategies").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TouchModel {
    /// One to many, mostly automated and digital ("tech touch").
    Digital,
    /// Regular meetings with a named CSM.
    HighTouch,
    /// Personal contact, executive relationships, on-site where possible.
    Personal,
}

impl TouchModel {
    /// The `snake_case` name.
    pub fn name(self) -> &'static str {
        match self {
            TouchModel::Digital => "digital",
            TouchModel::HighTouch => "high_touch",
            TouchModel::Personal => "personal",
        }
    }
}

impl fmt::Display for TouchModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn normalise(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| {
            if c == ' ' || c == '-' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_activity_parses_from_its_own_name() {
        for a in Activity::ALL {
            assert_eq!(Activity::parse(a.name()).unwrap(), a);
            assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{}\"", a.name()));
        }
    }

    #[test]
    fn every_channel_parses_from_its_own_name() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.name()).unwrap(), c);
            assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{}\"", c.name()));
        }
    }

    #[test]
    fn unknown_activity_names_the_value() {
        let e = Activity::parse("golf day").unwrap_err();
        assert!(matches!(&e, Error::Unknown { kind, name, .. } if kind == "activity" && name == "golf day"));
        assert!(
            e.to_string()
                .starts_with("unknown activity \"golf day\" (known: csm_introduction")
        );
    }

    #[test]
    fn parse_ignores_case_spaces_and_hyphens() {
        assert_eq!(Activity::parse(" Gap-Analysis ").unwrap(), Activity::GapAnalysis);
        assert_eq!(Channel::parse("On-Site").unwrap(), Channel::OnSite);
        assert_eq!(
            Channel::parse("on site if location allows").unwrap(),
            Channel::OnSiteIfLocationAllows
        );
    }

    #[test]
    fn touch_levels_order_channels_from_internal_to_on_site() {
        assert!(Channel::Internal.touch_level() < Channel::Email.touch_level());
        assert!(Channel::Email.touch_level() < Channel::Phone.touch_level());
        assert!(Channel::Phone.touch_level() < Channel::VirtualMeeting.touch_level());
        assert!(Channel::VirtualMeeting.touch_level() < Channel::OnSite.touch_level());
    }
}
