use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::people::{Person, Side};

/// Where an action item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// Not started.
    Open,
    /// Started.
    InProgress,
    /// Finished.
    Done,
    /// No longer needed.
    Cancelled,
}

impl ActionStatus {
    /// True while the action still has to be done (open or in progress).
    pub fn is_open(self) -> bool {
        matches!(self, ActionStatus::Open | ActionStatus::InProgress)
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::Open => "Open",
            ActionStatus::InProgress => "In progress",
            ActionStatus::Done => "Done",
            ActionStatus::Cancelled => "Cancelled",
        }
    }
}

/// An action item of the plan: who does what by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionItem {
    /// Identifier, unique within the plan.
    pub id: String,
    /// What is to be done.
    pub title: String,
    /// Who does it.
    pub owner: String,
    /// Which side the owner is on.
    pub side: Side,
    /// When it is due; not before the plan's creation.
    pub due: NaiveDate,
    /// Where it stands.
    pub status: ActionStatus,
    /// The goal it serves (a goal id of the plan), if any.
    #[serde(default)]
    pub goal: Option<String>,
    /// When it was done.
    #[serde(default)]
    pub completed_on: Option<NaiveDate>,
}

impl ActionItem {
    /// Due before `as_of` and still open.
    pub fn is_overdue(&self, as_of: NaiveDate) -> bool {
        self.due < as_of && self.status.is_open()
    }
}

/// Kinds of challenge discussed openly with the champion (docs/domain-sources.md, "Joint Impact Plan").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengeKind {
    /// Detractors to convert.
    Detractors,
    /// Change management.
    ChangeManagement,
    /// Technical or integration hurdles.
    Technical,
    /// Resourcing or sponsorship gaps.
    Resourcing,
    /// Anything else.
    Other,
}

/// A challenge to the plan's goals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Challenge {
    /// What kind of challenge.
    pub kind: ChallengeKind,
    /// The challenge in plain words.
    pub description: String,
    /// How it will be handled.
    #[serde(default)]
    pub mitigation: Option<String>,
}

/// Kinds of opportunity discussed openly with the champion (docs/domain-sources.md, "Joint Impact Plan").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpportunityKind {
    /// More users, products or sites.
    Expansion,
    /// Replacing a competing product.
    ReplaceCompetitor,
    /// A goal the customer has for their organisation that we can serve.
    OrganisationGoal,
    /// Anything else.
    Other,
}

/// An opportunity seen together with the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opportunity {
    /// What kind of opportunity.
    pub kind: OpportunityKind,
    /// The opportunity in plain words.
    pub description: String,
}

/// A date both sides should keep in mind (go-live, peak season, renewal, survey).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportantDate {
    /// The date.
    pub date: NaiveDate,
    /// What happens then.
    pub label: String,
}

/// The plan's owners: one on the customer's side (the customer names who owns the plan,
/// docs/domain-sources.md, "Success plan") and one on ours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Owners {
    /// The customer's owner of the plan.
    pub customer: Person,
    /// Our owner, usually the CSM.
    pub ours: Person,
}
