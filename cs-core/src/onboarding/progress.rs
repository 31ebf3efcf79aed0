use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::first_impact::{FirstImpactStatus, TtfiConfig};
use super::goal::{GoalKind, GoalStatus};
use super::items::ActionItem;
use super::people::Side;
use super::plan::JointImpactPlan;
use super::review::ReviewStatus;
use crate::Result;
use crate::portfolio::days_between;

/// Progress of one goal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalProgress {
    /// The goal id.
    pub id: String,
    /// The goal's title.
    pub title: String,
    /// The goal's kind.
    pub kind: GoalKind,
    /// The goal's status.
    pub status: GoalStatus,
    /// Progress 0..=1 ([`Goal::progress`](super::Goal::progress)).
    pub progress: f64,
    /// The goal's weight in the overall progress.
    pub weight: f64,
    /// Due before the as-of date and neither achieved nor dropped.
    pub overdue: bool,
}

/// Progress of a plan as of a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanProgress {
    /// The date the plan was evaluated at.
    pub as_of: NaiveDate,
    /// Every goal, in plan order (dropped goals included, with their progress, but not counted
    /// in `overall`).
    pub goals: Vec<GoalProgress>,
    /// Weighted mean of goal progress over goals not dropped:
    /// `Σ wᵢ·pᵢ / Σ wᵢ`; `None` when no such goal has a positive weight.
    pub overall: Option<f64>,
}

/// A goal or action item past its due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueItem {
    /// The goal or action id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its due date.
    pub due: NaiveDate,
    /// Days from the due date to the as-of date (≥ 1).
    pub days_overdue: i64,
    /// Its owner, when known.
    pub owner: Option<String>,
    /// The owner's side, for action items.
    pub side: Option<Side>,
}

/// Overdue goals and action items as of a date, most overdue first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overdue {
    /// The date the plan was evaluated at.
    pub as_of: NaiveDate,
    /// Overdue goals.
    pub goals: Vec<OverdueItem>,
    /// Overdue action items.
    pub actions: Vec<OverdueItem>,
}

impl Overdue {
    /// True when nothing is overdue.
    pub fn is_empty(&self) -> bool {
        self.goals.is_empty() && self.actions.is_empty()
    }
}

/// Everything `cs plan show` and `cs plan check` report about a plan as of a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanStatus {
    /// The date the plan was evaluated at.
    pub as_of: NaiveDate,
    /// The number of revisions in effect at that date.
    pub revision: usize,
    /// Goal and overall progress.
    pub progress: PlanProgress,
    /// Overdue goals and action items.
    pub overdue: Overdue,
    /// Review status (flagged when the review interval passed without a review).
    pub review: ReviewStatus,
    /// Open action items, earliest due first (at most the limit asked for).
    pub next_actions: Vec<ActionItem>,
    /// Time to First Impact, when the plan defines a First Impact goal.
    pub first_impact: Option<FirstImpactStatus>,
}

impl JointImpactPlan {
    /// Progress of the plan as recorded at `as_of` (see [`JointImpactPlan::revision_at`]):
    /// each goal's clamped metric progress and the weighted overall progress.
    ///
    /// ```
    /// # use cs_core::onboarding::*;
    /// # use chrono::NaiveDate;
    /// # let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// # let owners = Owners { customer: Person::new("Ana Ruiz"), ours: Person::new("Sam Lee") };
    /// let metric = |b, t, c| SuccessMetric { name: "m".into(), unit: None, baseline: b, target: t, current: Some(c) };
    /// let mut plan = JointImpactPlan::new("Acme", "JIP", d(1, 20), owners);
    /// plan.goals.push(Goal::new("a", "Adoption", GoalKind::Adoption, Horizon::Short, d(3, 1)).with_metric(metric(0.0, 100.0, 50.0)));
    /// let mut roi = Goal::new("b", "ROI", GoalKind::BusinessOutcome, Horizon::Long, d(12, 1)).with_metric(metric(40.0, 10.0, 34.0));
    /// roi.weight = 3.0;
    /// plan.goals.push(roi);
    /// let p = plan.progress(d(2, 1))?;
    /// // goal a: 0.5; goal b: (34 − 40) / (10 − 40) = 0.2; overall (1·0.5 + 3·0.2) / 4 = 0.275
    /// assert!((p.overall.unwrap() - 0.275).abs() < 1e-12);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn progress(&self, as_of: NaiveDate) -> Result<PlanProgress> {
        Ok(self.revision_at(as_of)?.progress_now(as_of))
    }

    /// Goals and action items overdue at `as_of`, in the plan as recorded then.
    pub fn overdue(&self, as_of: NaiveDate) -> Result<Overdue> {
        Ok(self.revision_at(as_of)?.overdue_now(as_of))
    }

    /// Open action items as recorded at `as_of`, earliest due first (ties by id), at most
    /// `limit`.
    pub fn next_actions(&self, as_of: NaiveDate, limit: usize) -> Result<Vec<ActionItem>> {
        Ok(self.revision_at(as_of)?.next_actions_now(limit))
    }

    /// Whether the plan was reviewed within its interval, as of `as_of`.
    pub fn review_status(&self, as_of: NaiveDate) -> Result<ReviewStatus> {
        let past = self.revision_at(as_of)?;
        let last = past.reviews.iter().map(|r| r.date).max();
        Ok(ReviewStatus::compute(
            last,
            past.created_on,
            past.review_interval_months,
            as_of,
        ))
    }

    /// Progress, overdue items, review status, the next `limit` actions and the Time to First
    /// Impact (with `ttfi`), all of the plan as recorded at `as_of`.
    pub fn status(&self, as_of: NaiveDate, limit: usize, ttfi: TtfiConfig) -> Result<PlanStatus> {
        let past = self.revision_at(as_of)?;
        let last = past.reviews.iter().map(|r| r.date).max();
        let first_impact = match past.first_impact() {
            Some(goal) => {
                let origin = ttfi.origin.pick(past.kickoff_on, past.contract_start);
                Some(ttfi.status(origin, goal.achieved_on, as_of)?)
            }
            None => None,
        };
        Ok(PlanStatus {
            as_of,
            revision: past.revisions.len(),
            progress: past.progress_now(as_of),
            overdue: past.overdue_now(as_of),
            review: ReviewStatus::compute(last, past.created_on, past.review_interval_months, as_of),
            next_actions: past.next_actions_now(limit),
            first_impact,
        })
    }

    pub(crate) fn progress_now(&self, as_of: NaiveDate) -> PlanProgress {
        let goals: Vec<GoalProgress> = self
            .goals
            .iter()
            .map(|g| GoalProgress {
                id: g.id.clone(),
                title: g.title.clone(),
                kind: g.kind,
                status: g.status,
                progress: g.progress(),
                weight: g.weight,
                overdue: g.is_overdue(as_of),
            })
            .collect();
        let (mut num, mut den) = (0.0, 0.0);
        for g in goals.iter().filter(|g| g.status != GoalStatus::Dropped) {
            num += g.weight * g.progress;
            den += g.weight;
        }
        PlanProgress {
            as_of,
            goals,
            overall: (den > 0.0).then(|| (num / den).clamp(0.0, 1.0)),
        }
    }

    pub(crate) fn overdue_now(&self, as_of: NaiveDate) -> Overdue {
        let mut goals: Vec<OverdueItem> = self
            .goals
            .iter()
            .filter(|g| g.is_overdue(as_of))
            .map(|g| OverdueItem {
                id: g.id.clone(),
                title: g.title.clone(),
                due: g.due,
                days_overdue: days_between(g.due, as_of),
                owner: g.owner.clone(),
                side: None,
            })
            .collect();
        let mut actions: Vec<OverdueItem> = self
            .action_items
            .iter()
            .filter(|a| a.is_overdue(as_of))
            .map(|a| OverdueItem {
                id: a.id.clone(),
                title: a.title.clone(),
                due: a.due,
                days_overdue: days_between(a.due, as_of),
                owner: Some(a.owner.clone()),
                side: Some(a.side),
            })
            .collect();
        let order = |a: &OverdueItem, b: &OverdueItem| a.due.cmp(&b.due).then_with(|| a.id.cmp(&b.id));
        goals.sort_by(order);
        actions.sort_by(order);
        Overdue {
            as_of,
            goals,
            actions,
        }
    }

    pub(crate) fn next_actions_now(&self, limit: usize) -> Vec<ActionItem> {
        let mut open: Vec<&ActionItem> = self.action_items.iter().filter(|a| a.status.is_open()).collect();
        open.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.id.cmp(&b.id)));
        open.into_iter().take(limit).cloned().collect()
    }
}
