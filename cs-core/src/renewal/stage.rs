use std::fmt;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::Contract;
use super::MAX_NOTICE_DAYS;
use super::contract::notice_deadline;
use crate::portfolio::Column;
use crate::{Error, Result};

/// Where a contract stands in its renewal cycle on a given day.
///
/// Stages follow the days left to the renewal date, with the boundaries of
/// [`RenewalWindows`] (defaults in brackets): `Early` (more than 180 days), `Planning`
/// (180 days or fewer), `InternalReviewDue` (90 or fewer: the internal review held in the lead-up
/// to three months before the anniversary, docs/domain-sources.md, "Internal renewal review"),
/// `Imminent` (30 or fewer, including the renewal day itself), then after the date
/// `Overdue` (within the grace period) and `Lapsed` (past it). `Renewed` and `Churned` record a
/// known outcome; an auto-renewing contract whose date passes without a recorded outcome is
/// `Renewed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RenewalStage {
    /// More than the planning window away.
    Early,
    /// Within the planning window: confirm the renewal contact, plan the renewal.
    Planning,
    /// Within the internal-review window: the internal renewal review is due.
    InternalReviewDue,
    /// Within the imminent window: the decision is days away.
    Imminent,
    /// The renewal date has passed without an outcome, within the grace period.
    Overdue,
    /// The renewal date has passed without an outcome, beyond the grace period.
    Lapsed,
    /// The contract renewed (or auto-renewed).
    Renewed,
    /// The customer left.
    Churned,
}

impl RenewalStage {
    /// Every stage, in cycle order.
    pub const ALL: [RenewalStage; 8] = [
        RenewalStage::Early,
        RenewalStage::Planning,
        RenewalStage::InternalReviewDue,
        RenewalStage::Imminent,
        RenewalStage::Overdue,
        RenewalStage::Lapsed,
        RenewalStage::Renewed,
        RenewalStage::Churned,
    ];

    /// The snake-case name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            RenewalStage::Early => "early",
            RenewalStage::Planning => "planning",
            RenewalStage::InternalReviewDue => "internal_review_due",
            RenewalStage::Imminent => "imminent",
            RenewalStage::Overdue => "overdue",
            RenewalStage::Lapsed => "lapsed",
            RenewalStage::Renewed => "renewed",
            RenewalStage::Churned => "churned",
        }
    }

    /// Parses a stage name as produced by [`RenewalStage::as_str`].
    pub fn parse(name: &str) -> Result<Self> {
        let lower = name.trim().to_ascii_lowercase();
        RenewalStage::ALL
            .into_iter()
            .find(|s| s.as_str() == lower)
            .ok_or_else(|| Error::unknown("renewal stage", name, RenewalStage::ALL.map(RenewalStage::as_str)))
    }
}

impl fmt::Display for RenewalStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The recorded result of a renewal, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RenewalOutcome {
    /// No decision recorded yet.
    #[default]
    Open,
    /// The customer renewed.
    Renewed,
    /// The customer did not renew.
    Churned,
}

impl RenewalOutcome {
    /// Every outcome.
    pub const ALL: [RenewalOutcome; 3] = [
        RenewalOutcome::Open,
        RenewalOutcome::Renewed,
        RenewalOutcome::Churned,
    ];

    /// The snake-case name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            RenewalOutcome::Open => "open",
            RenewalOutcome::Renewed => "renewed",
            RenewalOutcome::Churned => "churned",
        }
    }

    /// Parses `"open"`, `"renewed"` or `"churned"` (case-insensitive).
    pub fn parse(name: &str) -> Result<Self> {
        let lower = name.trim().to_ascii_lowercase();
        RenewalOutcome::ALL
            .into_iter()
            .find(|o| o.as_str() == lower)
            .ok_or_else(|| {
                Error::unknown(
                    "renewal outcome",
                    name,
                    RenewalOutcome::ALL.map(RenewalOutcome::as_str),
                )
            })
    }
}

/// The day counts that separate the renewal stages. Configurable; the defaults are documented
/// on each field.
///
/// ```
/// use cs_core::renewal::{RenewalOutcome, RenewalStage, RenewalWindows};
/// let w = RenewalWindows::default();
/// assert_eq!(w.stage_for_days(200, false, RenewalOutcome::Open), RenewalStage::Early);
/// assert_eq!(w.stage_for_days(180, false, RenewalOutcome::Open), RenewalStage::Planning);
/// assert_eq!(w.stage_for_days(90, false, RenewalOutcome::Open), RenewalStage::InternalReviewDue);
/// assert_eq!(w.stage_for_days(0, false, RenewalOutcome::Open), RenewalStage::Imminent);
/// assert_eq!(w.stage_for_days(-10, false, RenewalOutcome::Open), RenewalStage::Overdue);
/// assert_eq!(w.stage_for_days(-10, true, RenewalOutcome::Open), RenewalStage::Renewed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RenewalWindows {
    /// Planning starts this many days before the renewal date (default 180: six months, when
    /// the renewal contact should be confirmed).
    pub planning_days: u32,
    /// The internal renewal review is due this many days before (default 90: three months before
    /// the anniversary, docs/domain-sources.md, "Internal renewal review").
    pub internal_review_days: u32,
    /// The renewal is imminent this many days before (default 30).
    pub imminent_days: u32,
    /// Days after the renewal date during which an undecided renewal is `Overdue` rather than
    /// `Lapsed` (default 30).
    pub grace_days: u32,
}

impl Default for RenewalWindows {
    fn default() -> Self {
        RenewalWindows {
            planning_days: 180,
            internal_review_days: 90,
            imminent_days: 30,
            grace_days: 30,
        }
    }
}

/// A contract's renewal position on a given day: its stage and the dates that matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewalStatus {
    /// The stage.
    pub stage: RenewalStage,
    /// Days from the as-of date to the renewal date (negative once passed).
    pub days_to_renewal: i64,
    /// The day planning starts (renewal date − planning days).
    pub planning_from: Option<NaiveDate>,
    /// The day the internal review is due by (renewal date − internal review days).
    pub internal_review_by: Option<NaiveDate>,
    /// For auto-renewing contracts, the last day to give notice of non-renewal.
    pub notice_deadline: Option<NaiveDate>,
    /// Days from the as-of date to the notice deadline (negative once passed).
    pub days_to_notice_deadline: Option<i64>,
}

impl RenewalWindows {
    /// Checks `planning_days >= internal_review_days >= imminent_days` and that every count is
    /// at most 3650 days.
    pub fn validate(&self) -> Result<()> {
        for (field, v) in [
            ("planning days", self.planning_days),
            ("internal review days", self.internal_review_days),
            ("imminent days", self.imminent_days),
            ("grace days", self.grace_days),
        ] {
            if v > 3650 {
                return Err(Error::out_of_range(field, v, "0..=3650"));
            }
        }
        if self.internal_review_days > self.planning_days || self.imminent_days > self.internal_review_days {
            return Err(Error::invalid(
                "renewal windows",
                format!(
                    "{}/{}/{}",
                    self.planning_days, self.internal_review_days, self.imminent_days
                ),
                "need planning days >= internal review days >= imminent days",
            ));
        }
        Ok(())
    }

    /// The stage of a renewal `days_to_renewal` days away (negative: passed). This is the one
    /// definition every other stage function calls.
    #[inline]
    pub fn stage_for_days(
        &self,
        days_to_renewal: i64,
        auto_renew: bool,
        outcome: RenewalOutcome,
    ) -> RenewalStage {
        match outcome {
            RenewalOutcome::Renewed => return RenewalStage::Renewed,
            RenewalOutcome::Churned => return RenewalStage::Churned,
            RenewalOutcome::Open => {}
        }
        if days_to_renewal < 0 {
            if auto_renew {
                RenewalStage::Renewed
            } else if -days_to_renewal <= i64::from(self.grace_days) {
                RenewalStage::Overdue
            } else {
                RenewalStage::Lapsed
            }
        } else if days_to_renewal <= i64::from(self.imminent_days) {
            RenewalStage::Imminent
        } else if days_to_renewal <= i64::from(self.internal_review_days) {
            RenewalStage::InternalReviewDue
        } else if days_to_renewal <= i64::from(self.planning_days) {
            RenewalStage::Planning
        } else {
            RenewalStage::Early
        }
    }

    /// The status of `contract` on `as_of`.
    pub fn status(&self, contract: &Contract, as_of: NaiveDate, outcome: RenewalOutcome) -> RenewalStatus {
        self.status_of(
            contract.renewal_date(),
            contract.auto_renew(),
            contract.notice_days(),
            as_of,
            outcome,
        )
    }

    /// The status on `as_of` of a renewal given by its parts (renewal date, auto-renewal and
    /// notice period): the one definition behind [`RenewalWindows::status`] and
    /// [`RenewalWindows::statuses`].
    pub fn status_of(
        &self,
        renewal_date: NaiveDate,
        auto_renew: bool,
        notice_days: u32,
        as_of: NaiveDate,
        outcome: RenewalOutcome,
    ) -> RenewalStatus {
        let days = (renewal_date - as_of).num_days();
        let notice_deadline = notice_deadline(renewal_date, auto_renew, notice_days);
        RenewalStatus {
            stage: self.stage_for_days(days, auto_renew, outcome),
            days_to_renewal: days,
            planning_from: renewal_date.checked_sub_days(Days::new(u64::from(self.planning_days))),
            internal_review_by: renewal_date
                .checked_sub_days(Days::new(u64::from(self.internal_review_days))),
            notice_deadline,
            days_to_notice_deadline: notice_deadline.map(|n| (n - as_of).num_days()),
        }
    }

    /// Statuses for columns of renewal dates, auto-renewal flags and notice periods on `as_of`
    /// (the batch shape of [`RenewalWindows::status`]); a null renewal date gives `None`, a
    /// null flag counts as false, a null notice period as 0 days and a null outcome as open.
    /// Optional columns must have the dates' length; a notice period above
    /// [`MAX_NOTICE_DAYS`](super::MAX_NOTICE_DAYS) is an error naming its row.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use cs_core::portfolio::Column;
    /// use cs_core::renewal::{RenewalStage, RenewalWindows};
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// let dates = [d(2026, 7, 1), d(2027, 1, 1)];
    /// let auto = [true, false];
    /// let notice = [60u32, 0];
    /// let s = RenewalWindows::default().statuses(
    ///     Column::new("renewal_date", &dates), d(2026, 4, 15),
    ///     Some(Column::new("auto_renew", &auto)), Some(Column::new("notice_days", &notice)), None)?;
    /// let first = s[0].unwrap();
    /// assert_eq!(first.stage, RenewalStage::InternalReviewDue);
    /// assert_eq!(first.notice_deadline, Some(d(2026, 5, 2)));
    /// assert_eq!(s[1].unwrap().stage, RenewalStage::Early);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn statuses(
        &self,
        renewal_dates: Column<'_, NaiveDate>,
        as_of: NaiveDate,
        auto_renew: Option<Column<'_, bool>>,
        notice_days: Option<Column<'_, u32>>,
        outcome: Option<Column<'_, RenewalOutcome>>,
    ) -> Result<Vec<Option<RenewalStatus>>> {
        self.validate()?;
        let n = renewal_dates.len();
        if let Some(c) = &auto_renew {
            c.expect_len(n)?;
        }
        if let Some(c) = &notice_days {
            c.expect_len(n)?;
        }
        if let Some(c) = &outcome {
            c.expect_len(n)?;
        }
        (0..n)
            .map(|i| {
                let Some(date) = renewal_dates.get(i) else {
                    return Ok(None);
                };
                let auto = auto_renew.and_then(|c| c.get(i)).unwrap_or(false);
                let notice = notice_days.and_then(|c| c.get(i)).unwrap_or(0);
                if notice > MAX_NOTICE_DAYS {
                    return Err(
                        Error::out_of_range("notice days", notice, format!("0..={MAX_NOTICE_DAYS}")).at(i),
                    );
                }
                let out = outcome.and_then(|c| c.get(i)).unwrap_or_default();
                Ok(Some(self.status_of(date, auto, notice, as_of, out)))
            })
            .collect()
    }

    /// Stages for a column of renewal dates on `as_of`; a null date gives `None`. `auto_renew`
    /// and `outcome`, when given, must have the same length (a null flag counts as false, a
    /// null outcome as open).
    pub fn stages(
        &self,
        renewal_dates: Column<'_, NaiveDate>,
        as_of: NaiveDate,
        auto_renew: Option<Column<'_, bool>>,
        outcome: Option<Column<'_, RenewalOutcome>>,
    ) -> Result<Vec<Option<RenewalStage>>> {
        let n = renewal_dates.len();
        if let Some(c) = &auto_renew {
            c.expect_len(n)?;
        }
        if let Some(c) = &outcome {
            c.expect_len(n)?;
        }
        Ok((0..n)
            .map(|i| {
                let date = renewal_dates.get(i)?;
                let auto = auto_renew.and_then(|c| c.get(i)).unwrap_or(false);
                let out = outcome.and_then(|c| c.get(i)).unwrap_or_default();
                Some(self.stage_for_days((date - as_of).num_days(), auto, out))
            })
            .collect())
    }
}

/// The renewal stage of `contract` on `as_of` under the default [`RenewalWindows`].
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::renewal::{renewal_stage, Contract, RenewalOutcome, RenewalStage};
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// let c = Contract::new("acme", 50_000_00, d(2025, 7, 1), d(2026, 7, 1))?;
/// // 2026-04-15 is 77 days before 2026-07-01: inside the 90-day internal review window.
/// assert_eq!(renewal_stage(&c, d(2026, 4, 15), RenewalOutcome::Open), RenewalStage::InternalReviewDue);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn renewal_stage(contract: &Contract, as_of: NaiveDate, outcome: RenewalOutcome) -> RenewalStage {
    RenewalWindows::default().status(contract, as_of, outcome).stage
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp, clippy::many_single_char_names)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn boundaries_are_inclusive_of_the_window_length() {
        let w = RenewalWindows::default();
        let open = RenewalOutcome::Open;
        assert_eq!(w.stage_for_days(181, false, open), RenewalStage::Early);
        assert_eq!(w.stage_for_days(91, false, open), RenewalStage::Planning);
        assert_eq!(w.stage_for_days(31, false, open), RenewalStage::InternalReviewDue);
        assert_eq!(w.stage_for_days(30, false, open), RenewalStage::Imminent);
        assert_eq!(w.stage_for_days(-30, false, open), RenewalStage::Overdue);
        assert_eq!(w.stage_for_days(-31, false, open), RenewalStage::Lapsed);
        assert_eq!(
            w.stage_for_days(500, false, RenewalOutcome::Churned),
            RenewalStage::Churned
        );
    }

    #[test]
    fn status_reports_notice_deadline_and_review_date() {
        let c = Contract::new("a", 1, d(2025, 7, 1), d(2026, 7, 1))
            .unwrap()
            .with_auto_renew(60)
            .unwrap();
        let s = RenewalWindows::default().status(&c, d(2026, 4, 1), RenewalOutcome::Open);
        // 2026-04-01 -> 2026-07-01: 29 + 31 + 30 + 1 = 91 days.
        assert_eq!(s.days_to_renewal, 91);
        assert_eq!(s.stage, RenewalStage::Planning);
        // 2026-07-01 − 90 days = 2026-04-02; − 60 days = 2026-05-02.
        assert_eq!(s.internal_review_by, Some(d(2026, 4, 2)));
        assert_eq!(s.notice_deadline, Some(d(2026, 5, 2)));
        assert_eq!(s.days_to_notice_deadline, Some(31));
    }

    #[test]
    fn inconsistent_windows_are_rejected() {
        let w = RenewalWindows {
            internal_review_days: 200,
            ..RenewalWindows::default()
        };
        assert!(w.validate().is_err());
        assert!(RenewalWindows::default().validate().is_ok());
        let w: RenewalWindows = serde_json::from_str(r#"{"planning_days": 120}"#).unwrap();
        assert_eq!((w.planning_days, w.imminent_days), (120, 30));
    }

    #[test]
    fn batch_stages_match_the_single_contract_path() {
        let dates = [d(2026, 12, 1), d(2026, 2, 1), d(2025, 1, 1)];
        let auto = [false, false, true];
        let w = RenewalWindows::default();
        let as_of = d(2026, 1, 15);
        let got = w
            .stages(
                Column::new("renewal_date", &dates),
                as_of,
                Some(Column::new("auto", &auto)),
                None,
            )
            .unwrap();
        assert_eq!(
            got,
            vec![
                Some(RenewalStage::Early),
                Some(RenewalStage::Imminent),
                Some(RenewalStage::Renewed)
            ]
        );
        assert_eq!(
            RenewalStage::parse("Internal_Review_Due").unwrap(),
            RenewalStage::InternalReviewDue
        );
    }

    #[test]
    fn batch_statuses_match_the_contract_path() {
        let w = RenewalWindows::default();
        let c = Contract::new("a", 1, d(2025, 7, 1), d(2026, 7, 1))
            .unwrap()
            .with_auto_renew(60)
            .unwrap();
        let as_of = d(2026, 4, 1);
        let dates = [d(2026, 7, 1), d(2026, 1, 1)];
        let auto = [true, false];
        let notice = [60u32, 400];
        let got = w
            .statuses(
                Column::new("renewal_date", &dates[..1]),
                as_of,
                Some(Column::new("auto_renew", &auto[..1])),
                Some(Column::new("notice_days", &notice[..1])),
                None,
            )
            .unwrap();
        assert_eq!(got, vec![Some(w.status(&c, as_of, RenewalOutcome::Open))]);
        // A notice period of 400 days is out of range, reported at its row.
        let e = w
            .statuses(
                Column::new("renewal_date", &dates),
                as_of,
                Some(Column::new("auto_renew", &auto)),
                Some(Column::new("notice_days", &notice)),
                None,
            )
            .unwrap_err();
        assert_eq!(e.to_string(), "notice days 400 at position 1 is outside 0..=365");
        assert_eq!(RenewalOutcome::parse("Churned").unwrap(), RenewalOutcome::Churned);
        assert!(RenewalOutcome::parse("lost").is_err());
    }

    proptest! {
        #[test]
        fn stage_advances_monotonically_as_the_date_approaches(days in -400i64..400) {
            let w = RenewalWindows::default();
            let a = w.stage_for_days(days, false, RenewalOutcome::Open);
            let b = w.stage_for_days(days - 1, false, RenewalOutcome::Open);
            prop_assert!(a <= b);
        }
    }
}
