use std::fmt::Debug;

use chrono::{Months, NaiveDate};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::first_impact::{CHUNK, date_at};
use crate::portfolio::Column;
use crate::portfolio::DateLike;
use crate::{Error, Result};

/// Default length of the renewal window before the contract end, in months. The handbook starts
/// the internal renewal review three months before the customer's anniversary date
/// (docs/domain-sources.md, "Internal renewal review").
pub const DEFAULT_RENEWAL_WINDOW_MONTHS: u32 = 3;

/// The stage of an account's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleStage {
    /// Closed, but the handoff to CS is not complete and no kickoff was held.
    Handoff,
    /// From the handoff (or kickoff) until First Impact.
    Onboarding,
    /// After First Impact.
    Adoption,
    /// Within the renewal window before the contract end, or past the end without an outcome.
    RenewalWindow,
    /// The contract was renewed.
    Renewed,
    /// The customer left.
    Churned,
}

/// The dated milestones of one account that decide its stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Milestones {
    /// The commit (close) date.
    pub closed_on: NaiveDate,
    /// When the handoff was completed.
    #[serde(default)]
    pub handoff_completed: Option<NaiveDate>,
    /// When the kickoff was held.
    #[serde(default)]
    pub kickoff: Option<NaiveDate>,
    /// When First Impact was achieved; not before the kickoff.
    #[serde(default)]
    pub first_impact: Option<NaiveDate>,
    /// The contract end (renewal) date.
    #[serde(default)]
    pub contract_end: Option<NaiveDate>,
    /// When the renewal was signed.
    #[serde(default)]
    pub renewed_on: Option<NaiveDate>,
    /// When the customer churned.
    #[serde(default)]
    pub churned_on: Option<NaiveDate>,
}

impl Milestones {
    /// Milestones of an account closed on `closed_on`, with nothing else yet.
    pub fn closed(closed_on: NaiveDate) -> Self {
        Milestones {
            closed_on,
            handoff_completed: None,
            kickoff: None,
            first_impact: None,
            contract_end: None,
            renewed_on: None,
            churned_on: None,
        }
    }

    /// Checks the order of the milestones; errors name the field.
    pub fn validate(&self) -> Result<()> {
        let after_close = [
            ("handoff_completed", self.handoff_completed),
            ("kickoff", self.kickoff),
            ("renewed_on", self.renewed_on),
            ("churned_on", self.churned_on),
        ];
        for (field, date) in after_close {
            if let Some(d) = date
                && d < self.closed_on
            {
                return Err(Error::invalid(
                    field,
                    d,
                    format!("before the close date {}", self.closed_on),
                ));
            }
        }
        if let (Some(fi), Some(k)) = (self.first_impact, self.kickoff)
            && fi < k
        {
            return Err(Error::invalid(
                "first_impact",
                fi,
                format!("First Impact cannot be achieved before the kickoff date {k}"),
            ));
        }
        if let (Some(r), Some(c)) = (self.renewed_on, self.churned_on) {
            return Err(Error::invalid(
                "churned_on",
                c,
                format!("the account also renewed on {r}"),
            ));
        }
        Ok(())
    }

    /// The stage as of `as_of`, with a renewal window of `window_months` before the contract
    /// end; `None` before the close date. Precedence: an outcome (renewed / churned) dated on
    /// or before `as_of`; then the renewal window; then handoff (neither handoff completed nor
    /// kickoff held), onboarding (no First Impact yet) and adoption.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use cs_core::onboarding::{LifecycleStage, Milestones};
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let mut m = Milestones::closed(d(2026, 1, 5));
    /// m.handoff_completed = Some(d(2026, 1, 9));
    /// m.kickoff = Some(d(2026, 1, 20));
    /// m.first_impact = Some(d(2026, 3, 2));
    /// m.contract_end = Some(d(2027, 1, 31));
    /// assert_eq!(m.stage(d(2026, 2, 1), 3)?, Some(LifecycleStage::Onboarding));
    /// assert_eq!(m.stage(d(2026, 6, 1), 3)?, Some(LifecycleStage::Adoption));
    /// assert_eq!(m.stage(d(2026, 10, 31), 3)?, Some(LifecycleStage::RenewalWindow));
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn stage(&self, as_of: NaiveDate, window_months: u32) -> Result<Option<LifecycleStage>> {
        self.validate()?;
        if as_of < self.closed_on {
            return Ok(None);
        }
        let by = |d: Option<NaiveDate>| d.is_some_and(|d| d <= as_of);
        let stage = if by(self.churned_on) {
            LifecycleStage::Churned
        } else if by(self.renewed_on) {
            LifecycleStage::Renewed
        } else if self.contract_end.is_some_and(|end| {
            end.checked_sub_months(Months::new(window_months))
                .unwrap_or(NaiveDate::MIN)
                <= as_of
        }) {
            LifecycleStage::RenewalWindow
        } else if !by(self.handoff_completed) && !by(self.kickoff) {
            LifecycleStage::Handoff
        } else if !by(self.first_impact) {
            LifecycleStage::Onboarding
        } else {
            LifecycleStage::Adoption
        };
        Ok(Some(stage))
    }
}

/// The columns of an account table that [`lifecycle_stages`] reads; only `closed_on` is
/// required.
#[derive(Debug, Clone, Copy)]
pub struct MilestoneColumns<'a, D> {
    /// Close dates (no nulls).
    pub closed_on: Column<'a, D>,
    /// Handoff completion dates.
    pub handoff_completed: Option<Column<'a, D>>,
    /// Kickoff dates.
    pub kickoff: Option<Column<'a, D>>,
    /// First Impact dates.
    pub first_impact: Option<Column<'a, D>>,
    /// Contract end dates.
    pub contract_end: Option<Column<'a, D>>,
    /// Renewal dates.
    pub renewed_on: Option<Column<'a, D>>,
    /// Churn dates.
    pub churned_on: Option<Column<'a, D>>,
}

impl<'a, D: DateLike + Debug> MilestoneColumns<'a, D> {
    /// Only the close dates.
    pub fn new(closed_on: Column<'a, D>) -> Self {
        MilestoneColumns {
            closed_on,
            handoff_completed: None,
            kickoff: None,
            first_impact: None,
            contract_end: None,
            renewed_on: None,
            churned_on: None,
        }
    }

    fn optional(&self) -> [Option<&Column<'a, D>>; 6] {
        [
            self.handoff_completed.as_ref(),
            self.kickoff.as_ref(),
            self.first_impact.as_ref(),
            self.contract_end.as_ref(),
            self.renewed_on.as_ref(),
            self.churned_on.as_ref(),
        ]
    }

    /// The milestones of row `i`.
    pub fn row(&self, i: usize) -> Result<Milestones> {
        let closed_on =
            date_at(&self.closed_on, i)?.ok_or_else(|| Error::missing(self.closed_on.name()).at(i))?;
        let get = |c: Option<&Column<'a, D>>| c.map_or(Ok(None), |c| date_at(c, i));
        let [handoff, kickoff, first_impact, end, renewed, churned] = self.optional();
        Ok(Milestones {
            closed_on,
            handoff_completed: get(handoff)?,
            kickoff: get(kickoff)?,
            first_impact: get(first_impact)?,
            contract_end: get(end)?,
            renewed_on: get(renewed)?,
            churned_on: get(churned)?,
        })
    }
}

/// The lifecycle stage of every account of a table as of `as_of` (a loop over
/// [`Milestones::stage`]); `None` for accounts not closed yet at `as_of`. Errors name the
/// column and row.
pub fn lifecycle_stages<D: DateLike + Debug + Send + Sync>(
    table: &MilestoneColumns<'_, D>,
    as_of: NaiveDate,
    window_months: u32,
) -> Result<Vec<Option<LifecycleStage>>> {
    let n = table.closed_on.len();
    for c in table.optional().into_iter().flatten() {
        c.expect_len(n)?;
    }
    let chunks: Vec<Result<Vec<Option<LifecycleStage>>>> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let (start, end) = (c * CHUNK, ((c + 1) * CHUNK).min(n));
            (start..end)
                .map(|i| table.row(i)?.stage(as_of, window_months).map_err(|e| e.at(i)))
                .collect()
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for chunk in chunks {
        out.extend(chunk?);
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn account() -> Milestones {
        Milestones {
            closed_on: d(2026, 1, 5),
            handoff_completed: Some(d(2026, 1, 9)),
            kickoff: Some(d(2026, 1, 20)),
            first_impact: Some(d(2026, 3, 2)),
            contract_end: Some(d(2027, 1, 31)),
            renewed_on: None,
            churned_on: None,
        }
    }

    #[test]
    fn stages_follow_the_milestones() {
        let m = account();
        assert_eq!(m.stage(d(2026, 1, 4), 3).unwrap(), None);
        assert_eq!(m.stage(d(2026, 1, 5), 3).unwrap(), Some(LifecycleStage::Handoff));
        assert_eq!(
            m.stage(d(2026, 1, 9), 3).unwrap(),
            Some(LifecycleStage::Onboarding)
        );
        assert_eq!(m.stage(d(2026, 3, 2), 3).unwrap(), Some(LifecycleStage::Adoption));
        // window opens 2027-01-31 − 3 months = 2026-10-31
        assert_eq!(
            m.stage(d(2026, 10, 30), 3).unwrap(),
            Some(LifecycleStage::Adoption)
        );
        assert_eq!(
            m.stage(d(2026, 10, 31), 3).unwrap(),
            Some(LifecycleStage::RenewalWindow)
        );
        // past the end without an outcome: still in the renewal window
        assert_eq!(
            m.stage(d(2027, 3, 1), 3).unwrap(),
            Some(LifecycleStage::RenewalWindow)
        );
    }

    #[test]
    fn outcomes_end_the_term() {
        let mut m = account();
        m.renewed_on = Some(d(2027, 1, 15));
        assert_eq!(
            m.stage(d(2027, 1, 14), 3).unwrap(),
            Some(LifecycleStage::RenewalWindow)
        );
        assert_eq!(m.stage(d(2027, 1, 15), 3).unwrap(), Some(LifecycleStage::Renewed));
        let mut c = account();
        c.churned_on = Some(d(2026, 6, 1));
        assert_eq!(c.stage(d(2026, 7, 1), 3).unwrap(), Some(LifecycleStage::Churned));
    }

    #[test]
    fn first_impact_before_kickoff_is_rejected() {
        let mut m = account();
        m.first_impact = Some(d(2026, 1, 19));
        let err = m.stage(d(2026, 6, 1), 3).unwrap_err();
        assert!(
            err.to_string().starts_with("first_impact 2026-01-19 is invalid"),
            "{err}"
        );
    }

    #[test]
    fn batch_matches_rows_and_names_the_bad_row() {
        let closed = [d(2026, 1, 5), d(2026, 1, 5)];
        let kickoff = [d(2026, 1, 20), d(2026, 2, 1)];
        let first = [d(2026, 3, 2), d(2026, 1, 30)];
        let mut t = MilestoneColumns::new(Column::new("closed_on", &closed));
        t.kickoff = Some(Column::new("kickoff", &kickoff));
        let out = lifecycle_stages(&t, d(2026, 2, 15), 3).unwrap();
        assert_eq!(out, vec![Some(LifecycleStage::Onboarding); 2]);
        t.first_impact = Some(Column::new("first_impact", &first));
        let err = lifecycle_stages(&t, d(2026, 2, 15), 3).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("first_impact 2026-01-30 at position 1"),
            "{err}"
        );
    }
}
