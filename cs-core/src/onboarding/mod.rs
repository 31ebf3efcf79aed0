//! Onboarding: the Sales-to-CS handoff, the kickoff, the Joint Impact Plan and Time to First
//! Impact.
//!
//! Onboarding lays the foundation of the relationship (docs/domain-sources.md, "Onboarding
//! moments": the operating model's onboarding part, blueprints 01-04):
//!
//! 1. **Handoff** ([`Handoff`]): Sales transfers what it learned in the SPICED frame
//!    (Situation, Pain, Impact, Critical event, Decision), answers five questions (who bought,
//!    why, what they did before, why that was not working, what problem to solve or avoid), and
//!    describes org structure, personas, key contacts and red flags.
//!    [`Handoff::completeness`] lists the missing parts of the 14 and their share;
//!    [`Handoff::lag`] measures days from the commit (close) date to completion against a target
//!    ([`DEFAULT_HANDOFF_LAG_TARGET_DAYS`] = 5, this crate's choice: the source only says "as
//!    close to commit as possible").
//! 2. **Kickoff** ([`Kickoff`]): attendees (customer key contacts, CSM, sales or account
//!    manager; docs/domain-sources.md, "Kickoff"), goals confirmed, roles, next steps, the First Impact
//!    definition and the CSM's perceived NPS ([`crate::nps::Perceived`]).
//! 3. **Joint Impact Plan** ([`JointImpactPlan`], a [`Document`](crate::document::Document)):
//!    owners on both sides; [`Goal`]s with a [`Horizon`], a [`GoalKind`], a [`SuccessMetric`]
//!    (baseline, target, current), a due date and a status; [`ActionItem`]s; challenges,
//!    opportunities and important dates; [`Review`]s; and [`Revision`]s recording every
//!    [`Change`] so [`JointImpactPlan::revision_at`] rebuilds the plan on any past date.
//!    Goal progress is `clamp((current − baseline) / (target − baseline), 0, 1)` (1 once
//!    achieved); overall progress is the weight-averaged goal progress over goals not dropped.
//!    A plan not reviewed within `review_interval_months` ([`DEFAULT_REVIEW_INTERVAL_MONTHS`] =
//!    12) is flagged by [`JointImpactPlan::review_status`].
//! 4. **First Impact** (a goal of kind [`GoalKind::FirstImpact`], defined at kickoff) ends
//!    onboarding. Time to First Impact counts days from the kickoff or the contract start
//!    ([`TtfiOrigin`]) against a target ([`DEFAULT_TTFI_TARGET_DAYS`] = 90, this crate's
//!    choice); onboarding is overdue once the target passes without First Impact.
//!
//! [`Milestones::stage`] places an account in its [`LifecycleStage`] on a date (handoff,
//! onboarding, adoption, renewal window with [`DEFAULT_RENEWAL_WINDOW_MONTHS`] = 3 from seed
//! 000 section 2.2, renewed, churned). Portfolio functions work over columns:
//! [`time_to_first_impact`], [`lifecycle_stages`], [`ttfi_summary`], [`ttfi_by`],
//! [`still_onboarding`].
//!
//! ```
//! use chrono::NaiveDate;
//! use cs_core::document::Document;
//! use cs_core::onboarding::JointImpactPlan;
//! let plan = JointImpactPlan::from_json(r#"{
//!   "schema_version": 1, "account": "Acme", "title": "Acme Joint Impact Plan",
//!   "created_on": "2026-01-20", "kickoff_on": "2026-01-20",
//!   "owners": {"customer": {"name": "Ana Ruiz"}, "ours": {"name": "Sam Lee"}},
//!   "goals": [{"id": "first-report", "title": "First replenishment report", "horizon": "short",
//!              "kind": "first_impact", "due": "2026-02-20", "status": "in_progress",
//!              "metric": {"name": "reports downloaded", "baseline": 0, "target": 1, "current": 0}}]
//! }"#)?;
//! let as_of = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
//! assert_eq!(plan.overdue(as_of)?.goals[0].days_overdue, 9);
//! assert!(plan.to_markdown().contains("| First replenishment report | First Impact |"));
//! # Ok::<(), cs_core::Error>(())
//! ```

mod first_impact;
mod goal;
mod handoff;
mod items;
mod kickoff;
mod lifecycle;
mod markdown;
mod people;
mod plan;
mod progress;
mod review;
mod revision;
mod ttfi_stats;

pub use crate::portfolio::{DateLike, epoch_days};
pub use first_impact::{
    DEFAULT_TTFI_TARGET_DAYS, FirstImpactState, FirstImpactStatus, TtfiColumns, TtfiConfig, TtfiOrigin,
    time_to_first_impact,
};
pub use goal::{Goal, GoalKind, GoalStatus, Horizon, SuccessMetric};
pub use handoff::{
    DEFAULT_HANDOFF_LAG_TARGET_DAYS, Handoff, HandoffCompleteness, HandoffLag, HandoffPart, HandoffQuestions,
    Persona, Spiced,
};
pub use items::{
    ActionItem, ActionStatus, Challenge, ChallengeKind, ImportantDate, Opportunity, OpportunityKind, Owners,
};
pub use kickoff::{Attendee, AttendeeRole, Kickoff, NextStep, Responsibility};
pub use lifecycle::{
    DEFAULT_RENEWAL_WINDOW_MONTHS, LifecycleStage, MilestoneColumns, Milestones, lifecycle_stages,
};
pub use people::{Person, Side};
pub use plan::JointImpactPlan;
pub use progress::{GoalProgress, Overdue, OverdueItem, PlanProgress, PlanStatus};
pub use review::{DEFAULT_REVIEW_INTERVAL_MONTHS, PriorityChange, Review, ReviewStatus};
pub use revision::{Change, Edit, Revision};
pub use ttfi_stats::{
    OpenOnboarding, TtfiGroup, TtfiSummary, still_onboarding, ttfi_by, ttfi_by_label, ttfi_summary,
};
