//! The record types of the sample company, one per file.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::package::{Activity, Channel};
use crate::revenue::ChurnReason;
use crate::sample::{Region, Segment};

/// One account ever won (file `accounts`; also the input of `cs survival`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRecord {
    /// The account id, `OMN-000042`; the same id in every file.
    pub account_id: String,
    /// Segment (touch model).
    pub segment: Segment,
    /// Sales region.
    pub region: Region,
    /// The account's CSM.
    pub csm: String,
    /// The success package of the latest contract (a built-in package name).
    pub package: String,
    /// The currency of `arr`.
    pub currency: String,
    /// ARR of the latest contract term, integer minor units (for a lost account, the ARR lost).
    pub arr: i64,
    /// The first contract's start date.
    pub customer_since: NaiveDate,
    /// The day the account left, if it did (its last renewal date).
    pub churned_on: Option<NaiveDate>,
    /// Whether the account has left.
    pub churned: bool,
    /// Whole months from `customer_since` to `churned_on`, or to the as-of date.
    pub tenure_months: u32,
    /// The start quarter, `2024Q3` (a column of `cohorts`).
    pub cohort: String,
}

/// Whether a contract is still open or how it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Not decided yet (the renewal date lies after the as-of date).
    Open,
    /// Renewed into a new term.
    Renewed,
    /// Not renewed: the customer left.
    Churned,
}

impl Outcome {
    /// `open`, `renewed` or `churned`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Open => "open",
            Outcome::Renewed => "renewed",
            Outcome::Churned => "churned",
        }
    }
}

/// The latest contract term of an account (file `contracts`; `cs compliance`, `cs renewals`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractRecord {
    /// The account id.
    pub account_id: String,
    /// The success package (built-in catalog name).
    pub package: String,
    /// Start of the term.
    pub start: NaiveDate,
    /// Renewal date: the first day after the term.
    pub renewal: NaiveDate,
    /// Term length in months.
    pub term_months: u32,
    /// Whether the contract renews automatically.
    pub auto_renew: bool,
    /// Notice period of an auto-renewing contract in days (0 otherwise).
    pub notice_days: u32,
    /// The customer's contact for the renewal decision.
    pub renewal_contact: String,
    /// Whether the renewal contact is confirmed.
    pub contact_confirmed: bool,
    /// ARR of the term, integer minor units.
    pub arr: i64,
    /// The currency of `arr`.
    pub currency: String,
    /// Open, or churned when the term ended with the customer leaving.
    pub outcome: Outcome,
}

/// Month-end health measures of one account (file `health_history`; `cs health-trend`). The
/// measure columns are those of the default scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthRecord {
    /// The account id.
    pub account_id: String,
    /// The measurement date: a month end, or the as-of date.
    pub date: NaiveDate,
    /// Segment.
    pub segment: Segment,
    /// ARR in force on `date`, integer minor units.
    pub arr: i64,
    /// Licences of the term in force.
    pub licences: u32,
    /// Users active in the 30 days to `date`.
    pub active_users: u32,
    /// `active_users / licences`.
    pub licence_utilisation: f64,
    /// Logins per active user in the 30 days to `date` (0 without active users).
    pub logins_per_user: f64,
    /// Support tickets opened in the 90 days to `date`.
    pub open_tickets: u32,
    /// Of which high priority.
    pub high_priority_tickets: u32,
    /// The latest NPS answer on or before `date`, if any.
    pub nps: Option<u8>,
    /// Its date.
    pub nps_date: Option<NaiveDate>,
    /// Days since the CSM's last touch.
    pub days_since_last_touch: u32,
    /// Whether an executive sponsor is engaged.
    pub executive_sponsor: bool,
}

/// One survey answer (file `survey`; `cs nps`, `cs csat`, `cs perceived`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyRecord {
    /// `R000001`, numbered by date.
    pub response_id: String,
    /// The answer date.
    pub date: NaiveDate,
    /// The account id.
    pub account_id: String,
    /// Segment.
    pub segment: Segment,
    /// Region.
    pub region: Region,
    /// The account's CSM.
    pub csm: String,
    /// NPS answer, 0..=10.
    pub score: u8,
    /// The CSM's estimate of the answer (NPS perceived), 0..=10, when given.
    pub perceived: Option<u8>,
    /// CSAT rating, 1..=5 in half points.
    pub csat: f64,
}

/// One delivered activity (file `delivered`; `cs compliance`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    /// The account id.
    pub account: String,
    /// The delivery date.
    pub date: NaiveDate,
    /// The activity (catalog name).
    pub activity: Activity,
    /// The channel it was delivered through.
    pub channel: Channel,
    /// Minutes spent.
    pub minutes: u32,
    /// Customer participants.
    pub participants: u32,
}

/// Onboarding and lifecycle milestones of one account (file `onboarding`; `cs onboarding`,
/// `cs lifecycle`). Empty dates: not (yet) reached by the as-of date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OnboardingRecord {
    /// The account id.
    pub account: String,
    /// Segment.
    pub segment: Segment,
    /// The account's CSM.
    pub csm: String,
    /// Close (commit) date of the deal.
    pub closed_on: NaiveDate,
    /// Sales-to-CS handoff completed.
    pub handoff_completed: Option<NaiveDate>,
    /// Start of the first contract.
    pub contract_start: NaiveDate,
    /// The kickoff meeting.
    pub kickoff: Option<NaiveDate>,
    /// The Joint Impact Plan agreed.
    pub joint_impact_plan: Option<NaiveDate>,
    /// First Impact reached.
    pub first_impact: Option<NaiveDate>,
    /// End of the latest contract term (its renewal date).
    pub contract_end: NaiveDate,
    /// The latest renewal of a current customer (empty for a lost account, whose last
    /// decision is `churned_on`).
    pub renewed_on: Option<NaiveDate>,
    /// The day the account left, if it did.
    pub churned_on: Option<NaiveDate>,
}

/// How ARR moved at a renewal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    /// Renewed at a higher ARR.
    Expansion,
    /// Renewed at a lower ARR.
    Contraction,
    /// Renewed at the same ARR.
    Flat,
    /// Not renewed.
    Churn,
}

impl Movement {
    /// The snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Movement::Expansion => "expansion",
            Movement::Contraction => "contraction",
            Movement::Flat => "flat",
            Movement::Churn => "churn",
        }
    }
}

/// One renewal decision (file `renewals`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RenewalRecord {
    /// The account id.
    pub account_id: String,
    /// The renewal date (the end of the term decided on).
    pub renewal_date: NaiveDate,
    /// The number of the term that ends, 1-based.
    pub term: u32,
    /// Renewed or churned.
    pub outcome: Outcome,
    /// ARR of the ending term, integer minor units.
    pub arr_before: i64,
    /// ARR of the next term (0 when churned).
    pub arr_after: i64,
    /// Expansion, contraction, flat or churn.
    pub movement: Movement,
    /// The cancellation reason of a churn.
    pub reason: Option<ChurnReason>,
    /// The currency of the amounts.
    pub currency: String,
}

/// One lost account (file `churned`; `cs churn-reasons`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnRecord {
    /// The account id.
    pub account_id: String,
    /// The day it left.
    pub churned_on: NaiveDate,
    /// Segment.
    pub segment: Segment,
    /// The cancellation reason.
    pub reason: ChurnReason,
    /// The lost ARR, integer minor units.
    pub arr: i64,
}

/// ARR of one customer on a date (file `arr_start`; the start snapshot of `cs retention`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArrSnapshotRecord {
    /// The account id.
    pub account_id: String,
    /// The snapshot date.
    pub date: NaiveDate,
    /// Segment.
    pub segment: Segment,
    /// ARR in force on `date`, integer minor units.
    pub arr: i64,
}

/// One customer on the as-of date (file `portfolio`: the end snapshot of `cs retention` and the
/// input of `cs score`, `cs risk`, `cs ctas`, `cs expansion`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortfolioRecord {
    /// The account id.
    pub account_id: String,
    /// Segment.
    pub segment: Segment,
    /// Region.
    pub region: Region,
    /// The account's CSM.
    pub csm: String,
    /// The success package.
    pub package: String,
    /// ARR in force, integer minor units.
    pub arr: i64,
    /// ARR of the previous term (the current one's for a first term), integer minor units.
    pub previous_arr: i64,
    /// The next renewal date.
    pub renewal_date: NaiveDate,
    /// Whether the contract renews automatically.
    pub auto_renew: bool,
    /// Notice period in days (0 without auto renewal).
    pub notice_days: u32,
    /// Whether the renewal contact is confirmed.
    pub contact_confirmed: bool,
    /// Whether First Impact has been reached.
    pub first_impact_reached: bool,
    /// The latest health measures (the as-of row of `health_history`).
    pub health: HealthRecord,
}

/// Customers still active at the start of each contract year, one column per start quarter
/// (file `cohorts`; `cs cohort`). Only cohorts observed for at least three contract years
/// (periods 0, 1 and 2) are listed, each up to its last fully observed year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortTable {
    /// Start quarters, `2023Q1`, oldest first.
    pub labels: Vec<String>,
    /// `alive[c][y]`: customers of cohort `c` still active at the start of contract year `y`.
    pub alive: Vec<Vec<u64>>,
}

impl CohortTable {
    /// The number of periods (rows) of the table: the longest cohort.
    pub fn periods(&self) -> usize {
        self.alive.iter().map(Vec::len).max().unwrap_or(0)
    }
}
