//! One sample company: the seeded book of business of Omnico, a software vendor (the vendor of
//! the handbook in docs/domain-sources.md, "Customer Success"), as typed records, one set per
//! file of `examples/data/omnico` (docs/sample-company.md).
//!
//! Every record is a pure function of [`SampleOptions`]: account `i` is simulated from its own
//! random stream (the generator of [`super::SyntheticPortfolio`], seeded from the seed and `i`),
//! month by month from its close date to the as-of date, so its health history, survey answers,
//! renewals and churn follow from one latent health path. No clock is read, no hash map is
//! iterated, and nothing is dated after the as-of date.

mod generate;
mod handoff;
mod records;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::onboarding::Handoff;
use crate::{Error, Result};

pub use handoff::HANDOFF_WINDOW_DAYS;

/// Days before a renewal at which [`SampleCompany::renewal_health`] reads the health measures.
pub const RENEWAL_HEALTH_LEAD_DAYS: i64 = 90;
pub use records::{
    AccountRecord, ArrSnapshotRecord, ChurnRecord, CohortTable, ContractRecord, DeliveryRecord, HealthRecord,
    Movement, OnboardingRecord, Outcome, PortfolioRecord, RenewalRecord, SurveyRecord,
};

/// The most accounts [`SampleCompany::generate`] makes.
pub const MAX_SAMPLE_ACCOUNTS: usize = 50_000;

/// The longest history [`SampleCompany::generate`] simulates, in years.
pub const MAX_SAMPLE_YEARS: u32 = 15;

/// The currency of every amount of the sample (ISO 4217); amounts are integer minor units
/// (cents).
pub const SAMPLE_CURRENCY: &str = "USD";

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleOptions {
    /// The seed of every random stream.
    pub seed: u64,
    /// Number of accounts ever won, 1..=[`MAX_SAMPLE_ACCOUNTS`].
    pub accounts: usize,
    /// The date the book describes: no record is dated after it.
    pub as_of: NaiveDate,
    /// The first day deals may close (the history begins); at least a year before `as_of`
    /// and at most [`MAX_SAMPLE_YEARS`] years before it.
    pub start: NaiveDate,
}

impl Default for SampleOptions {
    /// Seed 13, 2,000 accounts, history from 2023-01-01 to 2026-06-30.
    fn default() -> Self {
        SampleOptions {
            seed: 13,
            accounts: 2_000,
            as_of: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or(NaiveDate::MIN),
            start: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or(NaiveDate::MIN),
        }
    }
}

impl SampleOptions {
    /// Checks the options: accounts in 1..=[`MAX_SAMPLE_ACCOUNTS`] ([`Error::OutOfRange`]
    /// naming `sample accounts`), `start` at least a year and at most [`MAX_SAMPLE_YEARS`]
    /// years before `as_of` ([`Error::Invalid`] naming `sample start`).
    pub fn validate(&self) -> Result<()> {
        if self.accounts == 0 || self.accounts > MAX_SAMPLE_ACCOUNTS {
            return Err(Error::out_of_range(
                "sample accounts",
                self.accounts,
                format!("1..={MAX_SAMPLE_ACCOUNTS}"),
            ));
        }
        let earliest = self.as_of.checked_sub_months(Months::new(12 * MAX_SAMPLE_YEARS));
        let latest = self.as_of.checked_sub_months(Months::new(12));
        // The far end of the history must leave room for terms past the as-of date.
        let room = self.as_of.checked_add_months(Months::new(36));
        match (earliest, latest, room) {
            (Some(earliest), Some(latest), Some(_)) if self.start >= earliest && self.start <= latest => {
                Ok(())
            }
            _ => Err(Error::invalid(
                "sample start",
                self.start,
                format!(
                    "must lie between {MAX_SAMPLE_YEARS} years and one year before the as-of date {}",
                    self.as_of
                ),
            )),
        }
    }

    /// The date of the opening ARR snapshot: one year before `as_of`.
    pub fn previous_year(&self) -> Result<NaiveDate> {
        self.as_of
            .checked_sub_months(Months::new(12))
            .ok_or_else(|| Error::invalid("sample as-of date", self.as_of, "has no date a year before"))
    }
}

/// The whole book of business: one record set per file. Every set is sorted (by account id,
/// then date, unless its type says otherwise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleCompany {
    /// The options it was generated from.
    pub options: SampleOptions,
    /// Every account ever won (`accounts`).
    pub accounts: Vec<AccountRecord>,
    /// The latest contract term of every account (`contracts`).
    pub contracts: Vec<ContractRecord>,
    /// Month-end health measures of every account while it is a customer (`health_history`).
    pub health: Vec<HealthRecord>,
    /// NPS, NPS perceived and CSAT answers, by date (`survey`).
    pub survey: Vec<SurveyRecord>,
    /// Activities delivered in each account's latest contract term (`delivered`).
    pub delivered: Vec<DeliveryRecord>,
    /// Onboarding and lifecycle milestones of every account (`onboarding`).
    pub onboarding: Vec<OnboardingRecord>,
    /// Every renewal decision up to the as-of date (`renewals`).
    pub renewals: Vec<RenewalRecord>,
    /// The lost accounts, with reason and lost ARR (`churned`).
    pub churned: Vec<ChurnRecord>,
    /// ARR of the accounts that were customers a year before the as-of date (`arr_start`).
    pub arr_start: Vec<ArrSnapshotRecord>,
    /// The customers on the as-of date: ARR, contract and latest health (`portfolio`).
    pub portfolio: Vec<PortfolioRecord>,
    /// Customers alive at the start of each contract year, by start quarter (`cohorts`).
    pub cohorts: CohortTable,
    /// Sales-to-CS handoff documents of the deals closed within [`HANDOFF_WINDOW_DAYS`] of
    /// the as-of date (`handoffs/<account>.json`).
    pub handoffs: Vec<Handoff>,
}

impl SampleCompany {
    /// Generates the book of business of `options` (validated first, see
    /// [`SampleOptions::validate`]).
    ///
    /// ```
    /// use cs_core::sample::{SampleCompany, SampleOptions};
    /// let options = SampleOptions { accounts: 50, ..SampleOptions::default() };
    /// let a = SampleCompany::generate(options)?;
    /// assert_eq!(a.accounts.len(), 50);
    /// assert_eq!(a, SampleCompany::generate(options)?);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn generate(options: SampleOptions) -> Result<SampleCompany> {
        options.validate()?;
        generate::generate(options)
    }

    /// Every decided renewal with the account's health measures as they stood
    /// [`RENEWAL_HEALTH_LEAD_DAYS`] before it (the latest month-end record on or before that
    /// day), in renewal order: the history a weight fit learns from (`cs score fit`). Renewals
    /// without such a record (within the account's first months) are left out.
    ///
    /// ```
    /// use cs_core::sample::{SampleCompany, SampleOptions};
    /// let c = SampleCompany::generate(SampleOptions { accounts: 200, ..SampleOptions::default() })?;
    /// let rows = c.renewal_health();
    /// assert!(rows.iter().all(|(r, h)| h.account_id == r.account_id
    ///     && (r.renewal_date - h.date).num_days() >= 90));
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn renewal_health(&self) -> Vec<(&RenewalRecord, &HealthRecord)> {
        let mut out = Vec::new();
        for r in self.renewals.iter().filter(|r| r.outcome != Outcome::Open) {
            let Some(until) = r
                .renewal_date
                .checked_sub_signed(chrono::TimeDelta::days(RENEWAL_HEALTH_LEAD_DAYS))
            else {
                continue;
            };
            // Health is sorted by account, then date.
            let end = self
                .health
                .partition_point(|h| (h.account_id.as_str(), h.date) <= (r.account_id.as_str(), until));
            if let Some(h) = end.checked_sub(1).map(|i| &self.health[i])
                && h.account_id == r.account_id
            {
                out.push((r, h));
            }
        }
        out
    }
}
