//! Revenue: what the book of contracts is worth and how it moves. ARR at risk, revenue
//! retention (GRR / NRR / logo churn), churn reasons and expansion signals.
//!
//! Revenue retention counts money kept between two dates; how long customers stay (survival
//! curves, cohorts, backtests) is the `retention` module. This module builds on the `renewal`
//! module's contracts, risk tiers and risk tables; `renewal` does not import it.
//!
//! [`arr_at_risk`] sums expected loss (Σ ARR × risk) by tier, renewal month and segment.
//! [`revenue_retention`] compares two [`Snapshot`]s: GRR (each account capped at its starting
//! ARR), NRR, logo churn, expansion and contraction, with exact integer sums and new accounts
//! excluded. [`churn_reasons`] breaks lost accounts down by [`ChurnReason`] (capture the
//! reasons for every cancellation, docs/domain-sources.md, "Understand Objections").
//! [`ExpansionCriteria`] flags accounts near their usage limit with strong health and NPS.
//!
//! ```
//! use cs_core::portfolio::Column;
//! use cs_core::revenue::{Snapshot, revenue_retention};
//! let start = Snapshot::new(&["a", "b"], Column::new("arr", &[100i64, 100]), None::<&[&str]>)?;
//! let end = Snapshot::new(&["a", "c"], Column::new("arr", &[150i64, 80]), None::<&[&str]>)?;
//! // b churned, c is new (excluded): GRR = min(150, 100) / 200, NRR = 150 / 200.
//! let r = revenue_retention(&start, &end)?.overall;
//! assert_eq!((r.grr, r.nrr), (Some(0.5), Some(0.75)));
//! # Ok::<(), cs_core::Error>(())
//! ```

mod arr;
mod churn;
mod expansion;
mod retention;
mod upcoming;

pub use arr::{ArrAtRisk, ArrGroup, arr_at_risk};
pub use churn::{ChurnReason, ReasonShare, churn_reasons};
pub use expansion::{Evidence, ExpansionCriteria, ExpansionOpportunity};
pub use retention::{RetentionCounts, RetentionSummary, RevenueRetention, Snapshot, revenue_retention};
pub use upcoming::{RenewalMonth, UpcomingRenewals, upcoming_renewals};

/// [`crate::Error::LengthMismatch`] unless a per-row input has the table's length.
fn check_len(field: &str, actual: usize, expected: usize) -> crate::Result<()> {
    if actual == expected {
        Ok(())
    } else {
        Err(crate::Error::LengthMismatch {
            field: field.to_owned(),
            expected,
            actual,
        })
    }
}
