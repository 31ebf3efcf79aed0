//! Success packages: what a customer bought from Customer Success, the engagement calendar it
//! entitles them to, and whether what was delivered matches.
//!
//! A [`SuccessPackage`] is a [`TouchModel`] and a list of [`Entitlement`]s; an entitlement is
//! an [`Activity`] × a [`Cadence`] × a [`Channel`]. From a package (or a [`PackageTimeline`]
//! with upgrades and downgrades) and a [`ContractTerm`] (start and renewal dates), an
//! [`EngagementCalendar`] lists every entitled activity with its date; it exports to
//! iCalendar ([`EngagementCalendar::to_ical`]). A log of [`DeliveredActivity`] records is
//! compared with the calendar by [`entitlement_compliance`] (one account) and
//! [`entitlement_compliance_batch`] (a portfolio, columnar input).
//!
//! ```
//! use chrono::NaiveDate;
//! use cs_core::package::*;
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! let package = SuccessPackage::builtin("enterprise")?;
//! let term = ContractTerm::one_year(d(2026, 1, 15))?;
//! let calendar = engagement_calendar(&package, &term)?;
//! assert_eq!(calendar.of_activity(Activity::SuccessReview).count(), 5);
//!
//! let delivered = [
//!     DeliveredActivity::new(d(2026, 1, 15), Activity::CsmIntroduction, Channel::VirtualMeeting, 30, 3),
//!     DeliveredActivity::new(d(2026, 2, 2), Activity::Kickoff, Channel::OnSite, 120, 6),
//! ];
//! let report = entitlement_compliance(&package, &term, &delivered, d(2026, 3, 31), &MatchingRules::default())?;
//! assert_eq!(report.delivered, 2);
//! assert!(report.under_delivered); // the success plan (due 14 February) is overdue
//! # Ok::<(), cs_core::Error>(())
//! ```
//!
//! # Dates
//! A term is half-open, `[start, renewal)`: an activity that lands on or after the renewal
//! date belongs to the next term and is dropped. Recurring cadences are computed from the
//! contract start in whole months or weeks (`start + k·n months`), so month ends clamp
//! without drifting (31 January + 1 month = 28 or 29 February, + 2 months = 31 March).
//! Anniversaries are counted back from the renewal date in steps of 12 months; see
//! [`Cadence`] for every rule.
//!
//! # Built-in catalog
//! Sources, each stated with its title in docs/domain-sources.md: the *handbook* (sections 2.1,
//! the package table; 2.2, a year of activities; 3.1-3.5, the activities), the *segment deck*
//! (slides 5-14) and the practice *framework* ("Manage Entitlement", "Onboard Customers",
//! "Secure Renewal"). The tables cite them as handbook, deck and framework with a section,
//! slide or heading. Where the sources name an activity but no date, the date is our choice
//! and is marked "ours". Each entitlement's `source` field repeats its reference, naming the
//! document by its file name.
//!
//! **`commerce`** (digital touch; handbook section 2.1)
//!
//! | entitlement | cadence | channel | source |
//! | --- | --- | --- | --- |
//! | `csm_introduction` | at start | virtual meeting | handbook 2.1 |
//! | `kickoff` | start + 14 days | virtual meeting | handbook 2.1, 3.1; day 14 ours |
//! | `success_plan` | start + 30 days | digital | handbook 3.2; day 30 ours |
//! | `success_review` | every 6 months | virtual meeting | handbook 2.1 |
//! | `gap_analysis` | every 12 months, first at month 6 | virtual meeting | handbook 2.1 ("once a year"); placement ours |
//! | `proactive_outreach` | every month | digital | handbook 2.1 (digital touch: email, blogs); monthly ours |
//! | `feedback_monitoring` | every month | internal | handbook 2.1; monthly ours |
//! | `internal_renewal_review` | 3 months before each anniversary | internal | handbook 2.2 |
//! | `nps_survey` | 2 months before each anniversary | email | handbook 2.2, 3.5 (annual, after the review); 2 months ours |
//!
//! **`enterprise`** (high touch; handbook section 2.1): as Commerce except
//!
//! | entitlement | cadence | channel | source |
//! | --- | --- | --- | --- |
//! | `kickoff` | start + 14 days | on-site if location allows | handbook 2.1 (on-site preferred for Enterprise kickoffs) |
//! | `success_plan` | start + 30 days | virtual meeting | handbook 3.2; day 30 ours |
//! | `success_review` | every 2 months | virtual meeting | handbook 2.1 (bimonthly; virtual preferred for regular catch-ups) |
//! | `gap_analysis` | every 6 months, first at month 3 | on-site if location allows | handbook 2.1; placement ours |
//! | `proactive_outreach` | every month | phone | handbook 2.1 (high touch), deck 7 (calls); monthly ours |
//!
//! **`community_segment`** (digital; deck section 6): welcome email at start (deck 6, 9; framework
//! "Onboard Customers"), setup guidance (training) by email at day 7, community and support
//! outreach by email monthly, a webinar (training) every 3 months, monthly feedback
//! monitoring (deck 14), NPS survey 2 months before each anniversary (deck 14; timing from handbook
//! 2.2). Day 7, monthly and quarterly are ours.
//!
//! **`enterprise_segment`** (high touch; deck section 7): everything by phone ("contact based
//! on calls"): introduction at start, kickoff (goals, readiness, risks) at day 14, success
//! plan at day 30 (deck 10), success review every 3 months (deck 11, quarterly business
//! reviews), check-in monthly (deck 7 "follow up", 9), monthly internal feedback monitoring
//! (escalating a risky account is an event, left to the playbook module), internal renewal
//! review 3 months and NPS survey 2 months before each anniversary.
//!
//! **`strategic_segment`** (personal; deck section 8): introduction and kickoff on-site if
//! location allows (personal contact), executive sponsor selection and key-contact
//! confirmation at day 30, success plan at day 45, quarterly success reviews on-site if
//! location allows, monthly virtual check-ins, executive outreach every 6 months,
//! key-contact review 4 months before each anniversary (framework "Secure Renewal": ask the right
//! person), feedback monitoring, internal renewal review and NPS survey as above.
//!
//! # Compliance
//! See [`MatchingRules`] for how a delivered activity is matched to a calendar item (grace
//! and early windows, channel substitution) and [`AccountCompliance`] for the definitions of
//! delivered, due, overdue, upcoming, under- and over-delivery and the compliance ratio.
//! Under-delivery puts the relationship at risk and over-delivery erodes the value of the
//! higher tiers (framework "Manage Entitlement"); time spent with the customer is a success
//! measure of its own (handbook section 1.3).

// Tests unwrap freely (the brief allows it); library code is linted without this in the lib target.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod activity;
mod batch;
mod cadence;
mod calendar;
mod catalog;
mod compliance;
mod contract;
mod delivery;
mod entitlement;
mod groups;
mod ical;
mod rules;
mod success_package;
mod timeline;
mod totals;

pub use activity::{Activity, Channel, TouchModel};
pub use batch::{
    ComplianceInput, ContractColumns, DeliveryColumns, PortfolioCompliance, entitlement_compliance_batch,
    entitlement_compliance_located,
};
pub use cadence::{Cadence, MAX_CADENCE_DAYS, MAX_CADENCE_MONTHS, MAX_CADENCE_WEEKS};
pub use calendar::{
    CalendarItem, DateRange, EngagementCalendar, engagement_calendar, engagement_calendar_between,
};
pub use catalog::{BUILTIN_PACKAGES, builtin, catalog, resolve};
pub use compliance::{
    AccountCompliance, ActivityBalance, EntitlementCompliance, ItemCompliance, ItemStatus,
    entitlement_compliance, timeline_compliance,
};
pub use contract::ContractTerm;
pub use delivery::{DeliveredActivity, TimeWithCustomer, delivered_from_columns, time_with_customer};
pub use entitlement::Entitlement;
pub use groups::{ComplianceGroup, compliance_by};
pub use ical::IcalOptions;
pub use rules::MatchingRules;
pub use success_package::SuccessPackage;
pub use timeline::{PackageChange, PackageTimeline};
pub use totals::ComplianceTotals;
