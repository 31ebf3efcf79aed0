//! Playbook signals derived from the account table, the health result and the risk scores.

use chrono::NaiveDate;

use super::health_step::band_indices;
use super::risk_inputs::{RiskInputs, nps_categories};
use super::table::{AccountTable, Cells, ordered_labels};
use crate::health::Scorecard;
use crate::nps::Category;
use crate::playbook::PortfolioState;
use crate::portfolio::{ColumnBuf, DateLike};
use crate::renewal::{RenewalWindows, RiskScores, RiskTier, inputs};
use crate::revenue::ExpansionCriteria;
use crate::{Error, Result};

/// The playbook signals of every account (see [`super::Pipeline::signals`]), as owned
/// columns; `None` is a signal the table neither has nor implies.
#[derive(Debug, Clone, Default)]
pub struct Signals {
    /// See [`crate::playbook::AccountSignals::health_score`].
    pub health_score: Option<ColumnBuf<f64>>,
    /// See [`crate::playbook::AccountSignals::health_band`].
    pub health_band: Option<ColumnBuf<u8>>,
    /// See [`crate::playbook::AccountSignals::previous_health_band`].
    pub previous_health_band: Option<ColumnBuf<u8>>,
    /// See [`crate::playbook::AccountSignals::nps_category`].
    pub nps_category: Option<ColumnBuf<Category>>,
    /// See [`crate::playbook::AccountSignals::renewal_date`].
    pub renewal_date: Option<ColumnBuf<NaiveDate>>,
    /// See [`crate::playbook::AccountSignals::internal_review_done`].
    pub internal_review_done: Option<ColumnBuf<bool>>,
    /// See [`crate::playbook::AccountSignals::next_success_review_due`].
    pub next_success_review_due: Option<ColumnBuf<NaiveDate>>,
    /// See [`crate::playbook::AccountSignals::ttfi_past_target`].
    pub ttfi_past_target: Option<ColumnBuf<bool>>,
    /// See [`crate::playbook::AccountSignals::risk_tier`].
    pub risk_tier: Option<ColumnBuf<RiskTier>>,
    /// See [`crate::playbook::AccountSignals::expansion_signal`].
    pub expansion_signal: Option<ColumnBuf<bool>>,
    /// See [`crate::playbook::AccountSignals::contact_confirmed`].
    pub contact_confirmed: Option<ColumnBuf<bool>>,
    /// See [`crate::playbook::AccountSignals::notice_deadline`].
    pub notice_deadline: Option<ColumnBuf<NaiveDate>>,
}

impl Signals {
    /// The signals borrowed as a [`PortfolioState`] of the accounts `account_id`.
    pub fn state<'a>(&'a self, account_id: &'a [String]) -> PortfolioState<'a, String> {
        fn col<'a, T: Copy + Default>(
            c: Option<&'a ColumnBuf<T>>,
            name: &'a str,
        ) -> Option<crate::portfolio::Column<'a, T>> {
            c.map(|c| c.as_column(name))
        }
        let mut s = PortfolioState::new(account_id);
        s.health_score = col(self.health_score.as_ref(), "health_score");
        s.health_band = col(self.health_band.as_ref(), "health_band");
        s.previous_health_band = col(self.previous_health_band.as_ref(), "previous_health_band");
        s.nps_category = col(self.nps_category.as_ref(), "nps_category");
        s.renewal_date = col(self.renewal_date.as_ref(), "renewal_date");
        s.internal_review_done = col(self.internal_review_done.as_ref(), "internal_review_done");
        s.next_success_review_due = col(self.next_success_review_due.as_ref(), "next_success_review_due");
        s.ttfi_past_target = col(self.ttfi_past_target.as_ref(), "ttfi_past_target");
        s.risk_tier = col(self.risk_tier.as_ref(), "risk_tier");
        s.expansion_signal = col(self.expansion_signal.as_ref(), "expansion_signal");
        s.contact_confirmed = col(self.contact_confirmed.as_ref(), "contact_confirmed");
        s.notice_deadline = col(self.notice_deadline.as_ref(), "notice_deadline");
        s
    }
}

/// A date column as dates (a day count outside chrono's range is an error naming the row).
pub fn dates(table: &AccountTable<'_>, name: &str) -> Result<Option<ColumnBuf<NaiveDate>>> {
    let Some(c) = table.date(name)? else {
        return Ok(None);
    };
    (0..c.len())
        .map(|i| match c.get(i) {
            None => Ok(None),
            Some(d) => d
                .to_date()
                .map(Some)
                .ok_or_else(|| Error::out_of_range(name, d, "days within chrono's date range").at(i)),
        })
        .collect::<Result<Vec<_>>>()
        .map(|v| Some(v.into()))
}

fn flags(table: &AccountTable<'_>, name: &str) -> Result<Option<ColumnBuf<bool>>> {
    Ok(table
        .flag(name)?
        .map(|c| (0..c.len()).map(|i| c.get(i)).collect::<Vec<_>>().into()))
}

fn tiers(name: &str, cells: Cells<'_>) -> Result<ColumnBuf<RiskTier>> {
    ordered_labels(
        name,
        cells,
        RiskTier::parse,
        |v| {
            usize::try_from(v)
                .ok()
                .and_then(|v| RiskTier::ALL.get(v).copied())
        },
        "0 (low) ..= 3 (critical)",
    )
}

/// What [`derive`] works from besides the table.
pub(crate) struct SignalSources<'a> {
    pub(crate) card: &'a Scorecard,
    pub(crate) inputs: &'a RiskInputs<'a>,
    pub(crate) risk: Option<&'a RiskScores>,
    pub(crate) windows: &'a RenewalWindows,
    pub(crate) expansion: &'a ExpansionCriteria,
    pub(crate) as_of: NaiveDate,
}

pub(crate) fn derive(table: &AccountTable<'_>, from: &SignalSources<'_>) -> Result<Signals> {
    let n = table.len();
    let input = |name: &str| from.inputs.get(name);
    let health_score = input(inputs::HEALTH_SCORE).map(|c| c.iter().collect());
    let health_band =
        input(inputs::HEALTH_BAND).map(|c| c.iter().map(|v| v.map(|v| v as u8)).collect::<Vec<_>>().into());
    let previous_health_band = table
        .label("previous_health_band")?
        .map(|c| band_indices(from.card, "previous_health_band", c))
        .transpose()?;
    let nps_category = match table.label(inputs::NPS_CATEGORY)? {
        Some(c) => Some(nps_categories(inputs::NPS_CATEGORY, c)?),
        None => input(inputs::NPS_CATEGORY).map(|c| {
            c.iter()
                .map(|v| v.and_then(|v| Category::ALL.get(v as usize).copied()))
                .collect::<Vec<_>>()
                .into()
        }),
    };
    let risk_tier = match table.label("risk_tier")? {
        Some(c) => Some(tiers("risk_tier", c)?),
        None => from.risk.map(|r| ColumnBuf::from_values(r.tier.clone())),
    };
    let expansion_signal = match flags(table, "expansion_signal")? {
        Some(c) => Some(c),
        None => from
            .inputs
            .table()
            .and_then(|t| from.expansion.signals(&t))
            .ok()
            .map(ColumnBuf::from_values),
    };
    let renewal_date = dates(table, "renewal_date")?;
    let notice_deadline = match dates(table, "notice_deadline")? {
        Some(c) => Some(c),
        None => match (&renewal_date, table.flag("auto_renew")?) {
            (Some(renewal), Some(auto)) => {
                let days: Vec<u32> = match table.integer("notice_days")? {
                    None => vec![0; n],
                    Some(c) => (0..n)
                        .map(|i| match c.get(i) {
                            None => Ok(0),
                            Some(v) => u32::try_from(v)
                                .map_err(|_| Error::out_of_range("notice_days", v, "0..=365").at(i)),
                        })
                        .collect::<Result<_>>()?,
                };
                let statuses = from.windows.statuses(
                    renewal.as_column("renewal_date"),
                    from.as_of,
                    Some(auto),
                    Some(crate::portfolio::Column::new("notice_days", &days)),
                    None,
                )?;
                Some(
                    statuses
                        .iter()
                        .map(|s| s.and_then(|s| s.notice_deadline))
                        .collect::<Vec<_>>()
                        .into(),
                )
            }
            _ => None,
        },
    };
    Ok(Signals {
        health_score,
        health_band,
        previous_health_band,
        nps_category,
        renewal_date,
        internal_review_done: flags(table, "internal_review_done")?,
        next_success_review_due: dates(table, "next_success_review_due")?,
        ttfi_past_target: flags(table, "ttfi_past_target")?,
        risk_tier,
        expansion_signal,
        contact_confirmed: flags(table, "contact_confirmed")?,
        notice_deadline,
    })
}
