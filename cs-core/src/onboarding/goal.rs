use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Short-term goals are reached within onboarding or the first months; long-term goals span
/// the contract (docs/domain-sources.md, "Joint Impact Plan").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Horizon {
    /// Within onboarding or the first months.
    Short,
    /// Over the contract term and beyond.
    Long,
}

/// What a goal is about (docs/domain-sources.md, "Joint Impact Plan").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalKind {
    /// The First Impact: the first tangible Impact, defined at kickoff, whose achievement
    /// ends onboarding. A plan holds at most one.
    FirstImpact,
    /// Adoption of the product (users, features, usage).
    Adoption,
    /// Internal organisational goals (change management, training, process).
    Organisational,
    /// A business outcome or return on investment.
    BusinessOutcome,
}

impl GoalKind {
    /// A label for people: `"First Impact"`, `"Adoption"`, ...
    pub fn label(self) -> &'static str {
        match self {
            GoalKind::FirstImpact => "First Impact",
            GoalKind::Adoption => "Adoption",
            GoalKind::Organisational => "Organisational",
            GoalKind::BusinessOutcome => "Business outcome",
        }
    }
}

/// Where a goal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    /// Agreed, work not started.
    NotStarted,
    /// Work under way.
    InProgress,
    /// Under way but at risk of missing its due date or target.
    AtRisk,
    /// Reached (set `achieved_on`).
    Achieved,
    /// No longer pursued; excluded from progress and overdue lists.
    Dropped,
}

impl GoalStatus {
    /// True for achieved and dropped goals.
    pub fn is_closed(self) -> bool {
        matches!(self, GoalStatus::Achieved | GoalStatus::Dropped)
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            GoalStatus::NotStarted => "Not started",
            GoalStatus::InProgress => "In progress",
            GoalStatus::AtRisk => "At risk",
            GoalStatus::Achieved => "Achieved",
            GoalStatus::Dropped => "Dropped",
        }
    }
}

/// How a goal is measured: a metric moving from a baseline towards a target. The target may
/// lie below the baseline (e.g. "cut stock-outs from 40 to 10 a month").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuccessMetric {
    /// What is measured, e.g. "weekly active planners".
    pub name: String,
    /// The unit, e.g. "%", "users", "days".
    #[serde(default)]
    pub unit: Option<String>,
    /// The value when the goal was set; finite.
    pub baseline: f64,
    /// The value that means the goal is reached; finite and different from the baseline.
    pub target: f64,
    /// The latest measured value; `None` before the first measurement.
    #[serde(default)]
    pub current: Option<f64>,
}

impl SuccessMetric {
    /// Progress from baseline to target, clamped to 0..=1:
    /// `clamp((current − baseline) / (target − baseline), 0, 1)`; 0 before the first
    /// measurement. Works for falling targets too, since numerator and denominator change sign
    /// together.
    ///
    /// ```
    /// use cs_core::onboarding::SuccessMetric;
    /// let m = SuccessMetric { name: "stock-outs".into(), unit: None, baseline: 40.0, target: 10.0, current: Some(25.0) };
    /// assert_eq!(m.progress(), 0.5); // (25 − 40) / (10 − 40)
    /// ```
    pub fn progress(&self) -> f64 {
        let span = self.target - self.baseline;
        match self.current {
            Some(current) if span != 0.0 && current.is_finite() => {
                ((current - self.baseline) / span).clamp(0.0, 1.0)
            }
            _ => 0.0,
        }
    }

    /// Checks finiteness and target ≠ baseline; `field` locates the metric in errors.
    pub fn validate(&self, field: &str) -> Result<()> {
        for (name, v) in [
            ("baseline", Some(self.baseline)),
            ("target", Some(self.target)),
            ("current", self.current),
        ] {
            if let Some(v) = v
                && !v.is_finite()
            {
                return Err(Error::invalid(
                    format!("{field}.{name}"),
                    v,
                    "must be a finite number",
                ));
            }
        }
        // Exact equality is the one case where progress is undefined (0 / 0); any other gap,
        // however small, gives a finite clamped progress.
        #[allow(clippy::float_cmp)]
        let flat = self.target == self.baseline;
        if flat {
            return Err(Error::invalid(
                format!("{field}.target"),
                self.target,
                "equals the baseline, so progress cannot be measured",
            ));
        }
        Ok(())
    }
}

/// One goal of a Joint Impact Plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// Identifier, unique within the plan (revisions address goals by it).
    pub id: String,
    /// The goal in the customer's words.
    pub title: String,
    /// Short or long term.
    pub horizon: Horizon,
    /// First Impact, adoption, organisational or business outcome.
    pub kind: GoalKind,
    /// How it is measured; `None` for a yes/no goal (progress 0 until achieved).
    #[serde(default)]
    pub metric: Option<SuccessMetric>,
    /// When it is due; not before the plan's creation.
    pub due: NaiveDate,
    /// Where it stands.
    pub status: GoalStatus,
    /// When it was achieved (required when the status is achieved).
    #[serde(default)]
    pub achieved_on: Option<NaiveDate>,
    /// Priority, 1 = highest; changed at reviews.
    #[serde(default)]
    pub priority: Option<u32>,
    /// Weight in the plan's overall progress (default 1); finite and ≥ 0.
    #[serde(default = "default_weight")]
    pub weight: f64,
    /// Who owns the goal.
    #[serde(default)]
    pub owner: Option<String>,
}

fn default_weight() -> f64 {
    1.0
}

impl Goal {
    /// A not-started goal without a metric, weight 1.
    pub fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        kind: GoalKind,
        horizon: Horizon,
        due: NaiveDate,
    ) -> Self {
        Goal {
            id: id.into(),
            title: title.into(),
            horizon,
            kind,
            metric: None,
            due,
            status: GoalStatus::NotStarted,
            achieved_on: None,
            priority: None,
            weight: 1.0,
            owner: None,
        }
    }

    /// The same goal with a metric.
    pub fn with_metric(mut self, metric: SuccessMetric) -> Self {
        self.metric = Some(metric);
        self
    }

    /// Progress 0..=1: 1 when achieved, otherwise the metric's clamped progress (0 without a
    /// metric).
    pub fn progress(&self) -> f64 {
        if self.status == GoalStatus::Achieved {
            return 1.0;
        }
        self.metric.as_ref().map_or(0.0, SuccessMetric::progress)
    }

    /// Due before `as_of` and neither achieved nor dropped.
    pub fn is_overdue(&self, as_of: NaiveDate) -> bool {
        self.due < as_of && !self.status.is_closed()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)]
mod tests {
    use super::*;

    fn metric(baseline: f64, target: f64, current: Option<f64>) -> SuccessMetric {
        SuccessMetric {
            name: "m".into(),
            unit: None,
            baseline,
            target,
            current,
        }
    }

    #[test]
    fn metric_progress_is_linear_and_clamped() {
        // (30 − 20) / (60 − 20) = 0.25
        assert_eq!(metric(20.0, 60.0, Some(30.0)).progress(), 0.25);
        // overshoot clamps to 1, regression to 0
        assert_eq!(metric(20.0, 60.0, Some(75.0)).progress(), 1.0);
        assert_eq!(metric(20.0, 60.0, Some(5.0)).progress(), 0.0);
        assert_eq!(metric(20.0, 60.0, None).progress(), 0.0);
    }

    #[test]
    fn falling_target_progress() {
        // baseline 40, target 10, current 16: (16 − 40) / (10 − 40) = 0.8
        assert!((metric(40.0, 10.0, Some(16.0)).progress() - 0.8).abs() < 1e-15);
    }

    #[test]
    fn target_equal_to_baseline_is_rejected_naming_the_field() {
        let err = metric(5.0, 5.0, None)
            .validate("goals[adopt].metric")
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("goals[adopt].metric.target 5 is invalid"),
            "{err}"
        );
    }

    #[test]
    fn non_finite_values_are_rejected() {
        let err = metric(0.0, 1.0, Some(f64::NAN)).validate("m").unwrap_err();
        assert!(err.to_string().starts_with("m.current NaN is invalid"), "{err}");
    }

    #[test]
    fn achieved_goal_counts_fully_and_is_never_overdue() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let mut g = Goal::new("g", "t", GoalKind::Adoption, Horizon::Short, d).with_metric(metric(
            0.0,
            10.0,
            Some(2.0),
        ));
        assert_eq!(g.progress(), 0.2);
        assert!(g.is_overdue(d.succ_opt().unwrap()));
        assert!(!g.is_overdue(d)); // due today is not overdue
        g.status = GoalStatus::Achieved;
        assert_eq!(g.progress(), 1.0);
        assert!(!g.is_overdue(d.succ_opt().unwrap()));
    }
}
