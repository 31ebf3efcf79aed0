use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::portfolio::days_between;

/// Default review interval of a plan: twelve months. The handbook reviews the success plan at
/// least yearly, in the gap analysis of its lightest package (docs/domain-sources.md, "Gap
/// analysis"); busier packages review every six or two months and set a shorter interval.
pub const DEFAULT_REVIEW_INTERVAL_MONTHS: u32 = 12;

/// A priority change agreed at a review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityChange {
    /// The goal id.
    pub goal: String,
    /// The priority before (1 = highest), if it had one.
    #[serde(default)]
    pub from: Option<u32>,
    /// The priority after.
    #[serde(default)]
    pub to: Option<u32>,
    /// Why it changed.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A review of the plan with the customer (a success review; docs/domain-sources.md, "Success reviews").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// The date of the review.
    pub date: NaiveDate,
    /// Who attended.
    #[serde(default)]
    pub attendees: Vec<String>,
    /// What was discussed and agreed.
    #[serde(default)]
    pub notes: String,
    /// Priority changes agreed.
    #[serde(default)]
    pub priority_changes: Vec<PriorityChange>,
}

/// Whether a plan was reviewed within its review interval, as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewStatus {
    /// The last review on or before the as-of date.
    pub last_review: Option<NaiveDate>,
    /// The date the next review is due: the last review (or the plan's creation) plus the
    /// interval.
    pub next_due: NaiveDate,
    /// The as-of date is past `next_due`.
    pub overdue: bool,
    /// Days since the last review (or since creation when never reviewed).
    pub days_since: i64,
}

impl ReviewStatus {
    /// The status given the base date (last review, else creation), the interval and `as_of`.
    pub(crate) fn compute(
        last_review: Option<NaiveDate>,
        created_on: NaiveDate,
        interval_months: u32,
        as_of: NaiveDate,
    ) -> Self {
        let base = last_review.unwrap_or(created_on);
        let next_due = base
            .checked_add_months(Months::new(interval_months))
            .unwrap_or(NaiveDate::MAX);
        ReviewStatus {
            last_review,
            next_due,
            overdue: as_of > next_due,
            days_since: days_between(base, as_of),
        }
    }
}
