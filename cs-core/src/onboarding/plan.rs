use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::goal::{Goal, GoalKind, GoalStatus};
use super::items::{ActionItem, Challenge, ImportantDate, Opportunity, Owners};
use super::people::non_blank;
use super::review::{DEFAULT_REVIEW_INTERVAL_MONTHS, Review};
use super::revision::{Edit, Revision};
use crate::document::Document;
use crate::{Error, Result};

/// The Joint Impact Plan (JIP; also success plan or account plan): the customer-facing,
/// jointly owned record of goals, action items, challenges, opportunities and important dates
/// that guides the engagement (docs/domain-sources.md, "Joint Impact Plan" and "Success plan").
///
/// It is a living record: the document holds the current state, and every change since
/// creation is a [`Revision`] listing its [`Change`](super::Change)s with the values they
/// replaced, so [`JointImpactPlan::revision_at`] rebuilds the plan as it stood on any past date.
/// Reviews with the customer are kept in [`JointImpactPlan::reviews`].
///
/// Loading ([`Document::from_json`], [`Document::from_toml`]) validates the whole document,
/// including every state its revision history passes through; a plan that fails is never
/// partially loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JointImpactPlan {
    /// Must equal [`JointImpactPlan::SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The account (customer) name or id.
    pub account: String,
    /// The plan's title.
    pub title: String,
    /// When the plan was created; no goal or action is due before it.
    pub created_on: NaiveDate,
    /// The kickoff date, once held; the First Impact cannot be achieved before it.
    #[serde(default)]
    pub kickoff_on: Option<NaiveDate>,
    /// The contract start date.
    #[serde(default)]
    pub contract_start: Option<NaiveDate>,
    /// The plan's owners on both sides.
    pub owners: Owners,
    /// The goals; ids are unique, at most one goal is the First Impact.
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// Action items; ids are unique.
    #[serde(default)]
    pub action_items: Vec<ActionItem>,
    /// Challenges discussed with the champion.
    #[serde(default)]
    pub challenges: Vec<Challenge>,
    /// Opportunities discussed with the champion.
    #[serde(default)]
    pub opportunities: Vec<Opportunity>,
    /// Dates both sides keep in mind.
    #[serde(default)]
    pub important_dates: Vec<ImportantDate>,
    /// A plan not reviewed for this many months is flagged (default
    /// [`DEFAULT_REVIEW_INTERVAL_MONTHS`]).
    #[serde(default = "default_interval")]
    pub review_interval_months: u32,
    /// Reviews held with the customer.
    #[serde(default)]
    pub reviews: Vec<Review>,
    /// Every change since creation, oldest first.
    #[serde(default)]
    pub revisions: Vec<Revision>,
}

fn default_interval() -> u32 {
    DEFAULT_REVIEW_INTERVAL_MONTHS
}

impl JointImpactPlan {
    /// An empty plan created on `created_on`.
    pub fn new(
        account: impl Into<String>,
        title: impl Into<String>,
        created_on: NaiveDate,
        owners: Owners,
    ) -> Self {
        JointImpactPlan {
            schema_version: Self::SCHEMA_VERSION,
            account: account.into(),
            title: title.into(),
            created_on,
            kickoff_on: None,
            contract_start: None,
            owners,
            goals: Vec::new(),
            action_items: Vec::new(),
            challenges: Vec::new(),
            opportunities: Vec::new(),
            important_dates: Vec::new(),
            review_interval_months: DEFAULT_REVIEW_INTERVAL_MONTHS,
            reviews: Vec::new(),
            revisions: Vec::new(),
        }
    }

    /// The goal with this id.
    pub fn goal(&self, id: &str) -> Option<&Goal> {
        self.goals.iter().find(|g| g.id == id)
    }

    /// The First Impact goal, if defined.
    pub fn first_impact(&self) -> Option<&Goal> {
        self.goals.iter().find(|g| g.kind == GoalKind::FirstImpact)
    }

    /// The last revision's time, if any.
    pub fn last_revised(&self) -> Option<NaiveDateTime> {
        self.revisions.last().map(|r| r.at)
    }

    /// Applies `edits` as one new revision by `author` at `at`, recording what each replaced.
    /// The result must be a valid plan; on any error the plan is left unchanged.
    ///
    /// ```
    /// # use cs_core::onboarding::*;
    /// # use chrono::NaiveDate;
    /// # let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// # let owners = Owners { customer: Person::new("Ana Ruiz"), ours: Person::new("Sam Lee") };
    /// let mut plan = JointImpactPlan::new("Acme", "Acme JIP", d(1, 20), owners);
    /// plan.goals.push(Goal::new("fi", "First report", GoalKind::FirstImpact, Horizon::Short, d(2, 20)));
    /// plan.revise("Sam Lee", d(2, 3).and_hms_opt(9, 0, 0).unwrap(), "status update",
    ///     vec![Edit::Set { path: "goals/fi/status".into(), value: "in_progress".into() }])?;
    /// assert_eq!(plan.goals[0].status, GoalStatus::InProgress);
    /// assert_eq!(plan.revision_at(d(2, 2))?.goals[0].status, GoalStatus::NotStarted);
    /// // A field that does not exist is named in the error, and nothing changes.
    /// let err = plan.revise("Sam Lee", d(2, 4).and_hms_opt(9, 0, 0).unwrap(), "",
    ///     vec![Edit::Set { path: "goals/fi/stauts".into(), value: "achieved".into() }]).unwrap_err();
    /// assert!(err.to_string().contains("goals/fi/stauts"));
    /// assert_eq!(plan.revisions.len(), 1);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn revise(
        &mut self,
        author: &str,
        at: NaiveDateTime,
        summary: &str,
        edits: Vec<Edit>,
    ) -> Result<&Revision> {
        non_blank("revision author", author)?;
        if edits.is_empty() {
            return Err(Error::empty("revision edits"));
        }
        let mut value = self.to_json_value()?;
        let mut changes = Vec::with_capacity(edits.len());
        for edit in edits {
            changes.push(edit.apply(&mut value)?);
        }
        let mut next: JointImpactPlan = serde_json::from_value(value).map_err(|e| Error::Parse {
            format: "JSON".into(),
            message: format!("{}: revision result: {e}", Self::KIND),
        })?;
        let number = u32::try_from(self.revisions.len() + 1).unwrap_or(u32::MAX);
        next.revisions.push(Revision {
            number,
            author: author.to_owned(),
            at,
            summary: summary.to_owned(),
            changes,
        });
        next.validate_state()?;
        next.validate_revision_order()?;
        *self = next;
        Ok(&self.revisions[self.revisions.len() - 1])
    }

    /// The plan as it stood at the end of `date`: revisions made after that day are undone,
    /// and only the revisions and reviews up to that day are kept. A date on or after the last
    /// revision gives the current plan; a date before the plan's creation is an error.
    pub fn revision_at(&self, date: NaiveDate) -> Result<JointImpactPlan> {
        if date < self.created_on {
            return Err(Error::out_of_range(
                "as_of",
                date,
                format!(
                    "{}.. (the plan was created on {})",
                    self.created_on, self.created_on
                ),
            ));
        }
        let keep = self.revisions.iter().take_while(|r| r.at.date() <= date).count();
        self.with_revisions(keep, Some(date))
    }

    /// The plan after its first `keep` revisions (reviews up to `reviews_until` kept).
    fn with_revisions(&self, keep: usize, reviews_until: Option<NaiveDate>) -> Result<JointImpactPlan> {
        if keep == self.revisions.len()
            && reviews_until.is_none_or(|d| self.reviews.iter().all(|r| r.date <= d))
        {
            return Ok(self.clone());
        }
        let mut value = self.to_json_value()?;
        for revision in self.revisions[keep..].iter().rev() {
            for change in revision.changes.iter().rev() {
                change.undo(&mut value)?;
            }
        }
        let mut past: JointImpactPlan = serde_json::from_value(value).map_err(|e| Error::Parse {
            format: "JSON".into(),
            message: format!("{}: state before revision {}: {e}", Self::KIND, keep + 1),
        })?;
        past.revisions.truncate(keep);
        if let Some(until) = reviews_until {
            past.reviews.retain(|r| r.date <= until);
        }
        Ok(past)
    }

    /// Every invariant of one state, without replaying the history.
    fn validate_state(&self) -> Result<()> {
        non_blank("account", &self.account)?;
        non_blank("title", &self.title)?;
        self.owners.customer.validate("owners.customer")?;
        self.owners.ours.validate("owners.ours")?;
        if self.review_interval_months == 0 {
            return Err(Error::out_of_range("review_interval_months", 0, "1.."));
        }
        self.validate_goals()?;
        self.validate_actions()?;
        for (i, d) in self.important_dates.iter().enumerate() {
            non_blank(&format!("important_dates[{i}].label"), &d.label)?;
        }
        for (i, c) in self.challenges.iter().enumerate() {
            non_blank(&format!("challenges[{i}].description"), &c.description)?;
        }
        for (i, o) in self.opportunities.iter().enumerate() {
            non_blank(&format!("opportunities[{i}].description"), &o.description)?;
        }
        for (i, r) in self.reviews.iter().enumerate() {
            if r.date < self.created_on {
                return Err(self.before_creation(&format!("reviews[{i}].date"), r.date));
            }
        }
        Ok(())
    }

    fn before_creation(&self, field: &str, date: NaiveDate) -> Error {
        Error::invalid(
            field,
            date,
            format!("before the plan was created on {}", self.created_on),
        )
    }

    fn validate_goals(&self) -> Result<()> {
        let mut ids = HashSet::new();
        let mut first_impact: Option<&str> = None;
        for g in &self.goals {
            non_blank("goals[].id", &g.id)?;
            if !ids.insert(g.id.as_str()) {
                return Err(Error::duplicate("goal id", g.id.clone()));
            }
            let field = |name: &str| format!("goals[{}].{name}", g.id);
            non_blank(&field("title"), &g.title)?;
            if g.due < self.created_on {
                return Err(self.before_creation(&field("due"), g.due));
            }
            if let Some(m) = &g.metric {
                m.validate(&field("metric"))?;
            }
            if !g.weight.is_finite() || g.weight < 0.0 {
                return Err(Error::out_of_range(field("weight"), g.weight, "finite and >= 0"));
            }
            match (g.status, g.achieved_on) {
                (GoalStatus::Achieved, None) => return Err(Error::missing(field("achieved_on"))),
                (status, Some(d)) if status != GoalStatus::Achieved => {
                    return Err(Error::invalid(
                        field("achieved_on"),
                        d,
                        format!("set while the status is {}", status.label().to_lowercase()),
                    ));
                }
                _ => {}
            }
            if g.kind == GoalKind::FirstImpact {
                if let Some(first) = first_impact {
                    return Err(Error::duplicate(
                        "first impact goal",
                        format!("{first}, {}", g.id),
                    ));
                }
                first_impact = Some(&g.id);
                if let (Some(achieved), Some(kickoff)) = (g.achieved_on, self.kickoff_on)
                    && achieved < kickoff
                {
                    return Err(Error::invalid(
                        field("achieved_on"),
                        achieved,
                        format!("the First Impact cannot be achieved before the kickoff on {kickoff}"),
                    ));
                }
            }
        }
        Ok(())
    }

    fn validate_actions(&self) -> Result<()> {
        let mut ids = HashSet::new();
        for a in &self.action_items {
            non_blank("action_items[].id", &a.id)?;
            if !ids.insert(a.id.as_str()) {
                return Err(Error::duplicate("action item id", a.id.clone()));
            }
            let field = |name: &str| format!("action_items[{}].{name}", a.id);
            non_blank(&field("title"), &a.title)?;
            non_blank(&field("owner"), &a.owner)?;
            if a.due < self.created_on {
                return Err(self.before_creation(&field("due"), a.due));
            }
            if let Some(goal) = &a.goal
                && self.goal(goal).is_none()
            {
                return Err(Error::unknown(
                    "goal",
                    goal,
                    self.goals.iter().map(|g| g.id.as_str()),
                ));
            }
        }
        Ok(())
    }

    fn validate_revision_order(&self) -> Result<()> {
        let mut previous: Option<NaiveDateTime> = None;
        for (i, r) in self.revisions.iter().enumerate() {
            let field = |name: &str| format!("revisions[{i}].{name}");
            if r.number as usize != i + 1 {
                return Err(Error::invalid(
                    field("number"),
                    r.number,
                    format!("expected {}", i + 1),
                ));
            }
            non_blank(&field("author"), &r.author)?;
            if r.changes.is_empty() {
                return Err(Error::empty(field("changes")));
            }
            if r.at.date() < self.created_on {
                return Err(self.before_creation(&field("at"), r.at.date()));
            }
            if previous.is_some_and(|p| r.at < p) {
                return Err(Error::invalid(
                    field("at"),
                    r.at,
                    "earlier than the revision before it",
                ));
            }
            previous = Some(r.at);
        }
        Ok(())
    }
}

impl Document for JointImpactPlan {
    const KIND: &'static str = "joint impact plan";
    const SCHEMA_VERSION: u32 = 1;

    fn schema_version(&self) -> u32 {
        self.schema_version
    }

    /// Validates the current state, the revision list, and every past state the history
    /// passes through (each must be reachable by undoing the changes and be valid itself).
    fn validate(&self) -> Result<()> {
        self.validate_state()?;
        self.validate_revision_order()?;
        // Undo one revision at a time, newest first, validating each earlier state.
        let mut value = self.to_json_value()?;
        for (i, revision) in self.revisions.iter().enumerate().rev() {
            for change in revision.changes.iter().rev() {
                change
                    .undo(&mut value)
                    .map_err(|e| in_revision(e, revision.number))?;
            }
            let mut past: JointImpactPlan =
                serde_json::from_value(value.clone()).map_err(|e| Error::Parse {
                    format: "JSON".into(),
                    message: format!("{}: state before revision {}: {e}", Self::KIND, revision.number),
                })?;
            past.revisions.truncate(i);
            past.validate_state()
                .map_err(|e| in_revision(e, revision.number))?;
        }
        Ok(())
    }
}

/// Prefixes the field of an error raised while replaying revision `number`.
fn in_revision(error: Error, number: u32) -> Error {
    let prefix = |f: String| format!("revision {number}: {f}");
    match error {
        Error::Invalid {
            field,
            value,
            reason,
            position,
        } => Error::Invalid {
            field: prefix(field),
            value,
            reason,
            position,
        },
        Error::OutOfRange {
            field,
            value,
            allowed,
            position,
        } => Error::OutOfRange {
            field: prefix(field),
            value,
            allowed,
            position,
        },
        Error::Missing { field, position } => Error::Missing {
            field: prefix(field),
            position,
        },
        Error::Unknown {
            kind,
            name,
            known,
            position,
        } => Error::Unknown {
            kind: prefix(kind),
            name,
            known,
            position,
        },
        Error::Duplicate {
            field,
            value,
            position,
        } => Error::Duplicate {
            field: prefix(field),
            value,
            position,
        },
        other => other,
    }
}
