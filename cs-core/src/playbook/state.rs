use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::nps::Category;
use crate::portfolio::Column;
use crate::renewal::{Contract, RiskTier};
use crate::{Error, Result};

/// What the playbook rules look at for one account; `None` is unknown. The other modules
/// produce these values (health band and trend, NPS, package cadence, onboarding, renewal).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AccountSignals {
    /// Current health score, 0..=100.
    pub health_score: Option<f64>,
    /// Current health band index, 0 = worst (red).
    pub health_band: Option<u8>,
    /// Health band index at the previous scoring.
    pub previous_health_band: Option<u8>,
    /// Latest NPS category.
    pub nps_category: Option<Category>,
    /// Renewal date.
    pub renewal_date: Option<NaiveDate>,
    /// Whether the internal renewal review has been held for the coming renewal.
    pub internal_review_done: Option<bool>,
    /// When the next success review is due (per the package cadence).
    pub next_success_review_due: Option<NaiveDate>,
    /// Whether time to First Impact is past target.
    pub ttfi_past_target: Option<bool>,
    /// Renewal risk tier.
    pub risk_tier: Option<RiskTier>,
    /// Whether the account shows an expansion signal.
    pub expansion_signal: Option<bool>,
    /// Whether the renewal contact is the confirmed decision maker.
    pub contact_confirmed: Option<bool>,
    /// Notice deadline of an auto-renewing contract.
    pub notice_deadline: Option<NaiveDate>,
}

impl AccountSignals {
    /// The renewal-related signals of a contract (renewal date, contact confirmation, notice
    /// deadline); the rest stay unknown.
    pub fn from_contract(contract: &Contract) -> Self {
        AccountSignals {
            renewal_date: Some(contract.renewal_date()),
            contact_confirmed: Some(contract.contact_confirmed()),
            notice_deadline: contract.notice_deadline(),
            ..AccountSignals::default()
        }
    }
}

/// The signals of a whole portfolio as borrowed columns: account ids plus any subset of the
/// signal columns (an absent column is unknown for every account). Set the public fields, then
/// hand it to [`super::Playbook::evaluate`].
#[derive(Debug, Clone, Copy)]
pub struct PortfolioState<'a, S> {
    /// Account ids, one per row.
    pub account_id: &'a [S],
    /// See [`AccountSignals::health_score`].
    pub health_score: Option<Column<'a, f64>>,
    /// See [`AccountSignals::health_band`].
    pub health_band: Option<Column<'a, u8>>,
    /// See [`AccountSignals::previous_health_band`].
    pub previous_health_band: Option<Column<'a, u8>>,
    /// See [`AccountSignals::nps_category`].
    pub nps_category: Option<Column<'a, Category>>,
    /// See [`AccountSignals::renewal_date`].
    pub renewal_date: Option<Column<'a, NaiveDate>>,
    /// See [`AccountSignals::internal_review_done`].
    pub internal_review_done: Option<Column<'a, bool>>,
    /// See [`AccountSignals::next_success_review_due`].
    pub next_success_review_due: Option<Column<'a, NaiveDate>>,
    /// See [`AccountSignals::ttfi_past_target`].
    pub ttfi_past_target: Option<Column<'a, bool>>,
    /// See [`AccountSignals::risk_tier`].
    pub risk_tier: Option<Column<'a, RiskTier>>,
    /// See [`AccountSignals::expansion_signal`].
    pub expansion_signal: Option<Column<'a, bool>>,
    /// See [`AccountSignals::contact_confirmed`].
    pub contact_confirmed: Option<Column<'a, bool>>,
    /// See [`AccountSignals::notice_deadline`].
    pub notice_deadline: Option<Column<'a, NaiveDate>>,
}

impl<'a, S: AsRef<str>> PortfolioState<'a, S> {
    /// A portfolio of `account_id.len()` accounts with every signal unknown.
    pub fn new(account_id: &'a [S]) -> Self {
        PortfolioState {
            account_id,
            health_score: None,
            health_band: None,
            previous_health_band: None,
            nps_category: None,
            renewal_date: None,
            internal_review_done: None,
            next_success_review_due: None,
            ttfi_past_target: None,
            risk_tier: None,
            expansion_signal: None,
            contact_confirmed: None,
            notice_deadline: None,
        }
    }

    /// Number of accounts.
    pub fn len(&self) -> usize {
        self.account_id.len()
    }

    /// True without accounts.
    pub fn is_empty(&self) -> bool {
        self.account_id.is_empty()
    }

    /// Checks that every column present has one row per account.
    pub fn validate(&self) -> Result<()> {
        fn check<T: Copy>(c: Option<&Column<'_, T>>, n: usize) -> Result<()> {
            c.map_or(Ok(()), |c| c.expect_len(n))
        }
        let n = self.len();
        check(self.health_score.as_ref(), n)?;
        check(self.health_band.as_ref(), n)?;
        check(self.previous_health_band.as_ref(), n)?;
        check(self.nps_category.as_ref(), n)?;
        check(self.renewal_date.as_ref(), n)?;
        check(self.internal_review_done.as_ref(), n)?;
        check(self.next_success_review_due.as_ref(), n)?;
        check(self.ttfi_past_target.as_ref(), n)?;
        check(self.risk_tier.as_ref(), n)?;
        check(self.expansion_signal.as_ref(), n)?;
        check(self.contact_confirmed.as_ref(), n)?;
        check(self.notice_deadline.as_ref(), n)?;
        for (i, id) in self.account_id.iter().enumerate() {
            if id.as_ref().trim().is_empty() {
                return Err(Error::invalid("account id", "\"\"", "must not be blank").at(i));
            }
        }
        Ok(())
    }

    /// The signals of row `i`.
    pub fn signals(&self, i: usize) -> AccountSignals {
        fn at<T: Copy>(c: Option<&Column<'_, T>>, i: usize) -> Option<T> {
            c.and_then(|c| c.get(i))
        }
        AccountSignals {
            health_score: at(self.health_score.as_ref(), i),
            health_band: at(self.health_band.as_ref(), i),
            previous_health_band: at(self.previous_health_band.as_ref(), i),
            nps_category: at(self.nps_category.as_ref(), i),
            renewal_date: at(self.renewal_date.as_ref(), i),
            internal_review_done: at(self.internal_review_done.as_ref(), i),
            next_success_review_due: at(self.next_success_review_due.as_ref(), i),
            ttfi_past_target: at(self.ttfi_past_target.as_ref(), i),
            risk_tier: at(self.risk_tier.as_ref(), i),
            expansion_signal: at(self.expansion_signal.as_ref(), i),
            contact_confirmed: at(self.contact_confirmed.as_ref(), i),
            notice_deadline: at(self.notice_deadline.as_ref(), i),
        }
    }
}
