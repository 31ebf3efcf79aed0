use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::portfolio::MAX_TERM_MONTHS;
use crate::{Error, Result};

/// The longest notice period accepted, in days (one year).
pub const MAX_NOTICE_DAYS: u32 = 365;

/// The person a renewal is asked of, and whether that person is known to be the one who
/// decides.
///
/// Asking the wrong person is among the top reasons renewals are lost and the first reason they
/// are late (docs/domain-sources.md, "Secure Renewal"), so the flag is part of the contract
/// record rather than a CRM afterthought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenewalContact {
    /// Name or e-mail of the contact.
    pub name: String,
    /// True when the contact has been confirmed as the decision maker for the renewal.
    pub confirmed_decision_maker: bool,
}

/// One account's subscription contract: what it is worth and when it renews.
///
/// Built with [`Contract::new`] (which validates) and the `with_*` methods; deserialising
/// validates the same way, so an invalid contract cannot exist.
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::renewal::Contract;
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// let c = Contract::new("acme", 120_000_00, d(2025, 3, 1), d(2026, 3, 1))?
///     .with_auto_renew(60)?
///     .with_renewal_contact("cfo@acme.example", true)?;
/// assert_eq!(c.term_months(), 12);
/// assert_eq!(c.notice_deadline(), Some(d(2025, 12, 31)));
/// assert!(Contract::new("acme", -1, d(2025, 3, 1), d(2026, 3, 1)).is_err());
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ContractRecord", into = "ContractRecord")]
pub struct Contract {
    account_id: String,
    arr: i64,
    start: NaiveDate,
    renewal_date: NaiveDate,
    term_months: u32,
    auto_renew: bool,
    notice_days: u32,
    renewal_contact: Option<RenewalContact>,
    segment: Option<String>,
}

/// The serialised shape of a [`Contract`]; deserialising goes through [`Contract::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractRecord {
    /// Account identifier, unique within a portfolio.
    pub account_id: String,
    /// Annual recurring revenue in integer minor units (cents), `>= 0`.
    pub arr: i64,
    /// First day of the current term.
    pub start: NaiveDate,
    /// The renewal (anniversary) date, after `start`.
    pub renewal_date: NaiveDate,
    /// Term length in months; derived from the dates when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term_months: Option<u32>,
    /// Whether the contract renews automatically unless notice is given.
    #[serde(default)]
    pub auto_renew: bool,
    /// Days before the renewal date by which notice of non-renewal must be given.
    #[serde(default)]
    pub notice_days: u32,
    /// The renewal contact, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_contact: Option<RenewalContact>,
    /// Customer segment (e.g. `"enterprise"`), for breakdowns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
}

/// The notice deadline of a renewal: `renewal_date − notice_days` when it auto-renews, else
/// `None`. The one definition behind [`Contract::notice_deadline`] and the batch statuses.
pub(crate) fn notice_deadline(
    renewal_date: NaiveDate,
    auto_renew: bool,
    notice_days: u32,
) -> Option<NaiveDate> {
    if !auto_renew {
        return None;
    }
    renewal_date.checked_sub_days(chrono::Days::new(u64::from(notice_days)))
}

/// Whole months from `start` to `end`, counting a partial month as a whole one.
pub(crate) fn months_between(start: NaiveDate, end: NaiveDate) -> i64 {
    let mut months =
        i64::from(end.year() - start.year()) * 12 + i64::from(end.month()) - i64::from(start.month());
    if end.day() > start.day() {
        months += 1;
    }
    months
}

/// An explicit term must agree with the dates: the whole months from `start` to `renewal`,
/// or that plus one for a partial month (the term [`months_between`] derives).
fn check_term(start: NaiveDate, renewal: NaiveDate, term: u32) -> Result<()> {
    let derived = months_between(start, renewal);
    let whole = if renewal.day() > start.day() {
        derived - 1
    } else {
        derived
    };
    if i64::from(term) == derived || i64::from(term) == whole {
        return Ok(());
    }
    let span = if whole == derived {
        format!("{derived} months")
    } else {
        format!("{whole} months and part of another ({derived})")
    };
    Err(Error::invalid(
        "term months",
        term,
        format!("the dates {start} to {renewal} span {span}"),
    ))
}

impl Contract {
    /// A validated contract with no auto-renewal, no contact and no segment; the term is the
    /// number of months from `start` to `renewal_date` (a partial month counts as one).
    ///
    /// Errors: empty account id, negative ARR, renewal date not after the start, or a term
    /// longer than [`MAX_TERM_MONTHS`].
    pub fn new(
        account_id: impl Into<String>,
        arr: i64,
        start: NaiveDate,
        renewal_date: NaiveDate,
    ) -> Result<Self> {
        ContractRecord {
            account_id: account_id.into(),
            arr,
            start,
            renewal_date,
            term_months: None,
            auto_renew: false,
            notice_days: 0,
            renewal_contact: None,
            segment: None,
        }
        .try_into()
    }

    /// Sets an explicit term length in months (1..=[`MAX_TERM_MONTHS`]), which must agree with
    /// the dates: the whole months from the start to the renewal date, or one more for a
    /// partial month.
    pub fn with_term_months(mut self, months: u32) -> Result<Self> {
        if !(1..=MAX_TERM_MONTHS).contains(&months) {
            return Err(Error::out_of_range(
                "term months",
                months,
                format!("1..={MAX_TERM_MONTHS}"),
            ));
        }
        check_term(self.start, self.renewal_date, months)?;
        self.term_months = months;
        Ok(self)
    }

    /// Makes the contract auto-renewing with a notice period of `notice_days` (0..=365), which
    /// must leave the deadline on or after the start date.
    pub fn with_auto_renew(mut self, notice_days: u32) -> Result<Self> {
        self.auto_renew = true;
        self.notice_days = notice_days;
        self.check_notice()?;
        Ok(self)
    }

    /// Sets the renewal contact and whether they are the confirmed decision maker.
    pub fn with_renewal_contact(
        mut self,
        name: impl Into<String>,
        confirmed_decision_maker: bool,
    ) -> Result<Self> {
        let name = name.into();
        if name.trim().is_empty() {
            return Err(Error::invalid("renewal contact", "\"\"", "must not be blank"));
        }
        self.renewal_contact = Some(RenewalContact {
            name,
            confirmed_decision_maker,
        });
        Ok(self)
    }

    /// Sets the segment.
    pub fn with_segment(mut self, segment: impl Into<String>) -> Self {
        self.segment = Some(segment.into());
        self
    }

    /// Account identifier.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// ARR in integer minor units.
    pub fn arr(&self) -> i64 {
        self.arr
    }

    /// First day of the current term.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The renewal (anniversary) date.
    pub fn renewal_date(&self) -> NaiveDate {
        self.renewal_date
    }

    /// Term length in months.
    pub fn term_months(&self) -> u32 {
        self.term_months
    }

    /// Whether the contract renews automatically.
    pub fn auto_renew(&self) -> bool {
        self.auto_renew
    }

    /// Notice period in days (meaningful for auto-renewing contracts).
    pub fn notice_days(&self) -> u32 {
        self.notice_days
    }

    /// The renewal contact, if known.
    pub fn renewal_contact(&self) -> Option<&RenewalContact> {
        self.renewal_contact.as_ref()
    }

    /// True when a renewal contact is recorded and confirmed as the decision maker.
    pub fn contact_confirmed(&self) -> bool {
        self.renewal_contact
            .as_ref()
            .is_some_and(|c| c.confirmed_decision_maker)
    }

    /// The segment, if set.
    pub fn segment(&self) -> Option<&str> {
        self.segment.as_deref()
    }

    /// For an auto-renewing contract, the last day on which the customer can give notice of
    /// non-renewal: the renewal date minus the notice period. `None` when the contract does not
    /// auto-renew.
    pub fn notice_deadline(&self) -> Option<NaiveDate> {
        notice_deadline(self.renewal_date, self.auto_renew, self.notice_days)
    }

    /// Days from `as_of` to the renewal date (negative once it has passed).
    pub fn days_to_renewal(&self, as_of: NaiveDate) -> i64 {
        (self.renewal_date - as_of).num_days()
    }

    fn check_notice(&self) -> Result<()> {
        if self.notice_days > MAX_NOTICE_DAYS {
            return Err(Error::out_of_range(
                "notice days",
                self.notice_days,
                format!("0..={MAX_NOTICE_DAYS}"),
            ));
        }
        match self.notice_deadline() {
            Some(deadline) if deadline < self.start => Err(Error::invalid(
                "notice days",
                self.notice_days,
                format!(
                    "the notice deadline {deadline} falls before the contract start {}",
                    self.start
                ),
            )),
            _ => Ok(()),
        }
    }
}

impl TryFrom<ContractRecord> for Contract {
    type Error = Error;

    fn try_from(r: ContractRecord) -> Result<Self> {
        if r.account_id.trim().is_empty() {
            return Err(Error::invalid("account id", "\"\"", "must not be blank"));
        }
        if r.arr < 0 {
            return Err(Error::out_of_range("arr", r.arr, ">= 0"));
        }
        if r.renewal_date <= r.start {
            return Err(Error::invalid(
                "renewal date",
                r.renewal_date,
                format!("must be after the contract start {}", r.start),
            ));
        }
        let derived = months_between(r.start, r.renewal_date);
        let term = match r.term_months {
            Some(t) => i64::from(t),
            None => derived,
        };
        if !(1..=i64::from(MAX_TERM_MONTHS)).contains(&term) {
            return Err(Error::out_of_range(
                "term months",
                term,
                format!("1..={MAX_TERM_MONTHS}"),
            ));
        }
        if let Some(t) = r.term_months {
            check_term(r.start, r.renewal_date, t)?;
        }
        if let Some(c) = &r.renewal_contact
            && c.name.trim().is_empty()
        {
            return Err(Error::invalid("renewal contact", "\"\"", "must not be blank"));
        }
        let contract = Contract {
            account_id: r.account_id,
            arr: r.arr,
            start: r.start,
            renewal_date: r.renewal_date,
            term_months: term as u32,
            auto_renew: r.auto_renew,
            notice_days: r.notice_days,
            renewal_contact: r.renewal_contact,
            segment: r.segment,
        };
        contract.check_notice()?;
        Ok(contract)
    }
}

impl From<Contract> for ContractRecord {
    fn from(c: Contract) -> Self {
        ContractRecord {
            account_id: c.account_id,
            arr: c.arr,
            start: c.start,
            renewal_date: c.renewal_date,
            term_months: Some(c.term_months),
            auto_renew: c.auto_renew,
            notice_days: c.notice_days,
            renewal_contact: c.renewal_contact,
            segment: c.segment,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp, clippy::many_single_char_names)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn term_is_derived_from_the_dates() {
        // 2025-01-15 -> 2026-01-15 is exactly 12 months; one more day makes a 13th partial month.
        assert_eq!(
            Contract::new("a", 0, d(2025, 1, 15), d(2026, 1, 15))
                .unwrap()
                .term_months(),
            12
        );
        assert_eq!(
            Contract::new("a", 0, d(2025, 1, 15), d(2026, 1, 16))
                .unwrap()
                .term_months(),
            13
        );
        assert_eq!(
            Contract::new("a", 0, d(2025, 1, 15), d(2025, 2, 1))
                .unwrap()
                .term_months(),
            1
        );
    }

    #[test]
    fn renewal_before_start_is_rejected_with_both_dates() {
        let e = Contract::new("a", 10, d(2025, 6, 1), d(2025, 5, 1)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "renewal date 2025-05-01 is invalid: must be after the contract start 2025-06-01"
        );
        assert!(Contract::new("a", 10, d(2025, 6, 1), d(2025, 6, 1)).is_err());
    }

    #[test]
    fn negative_arr_and_blank_id_are_rejected() {
        assert_eq!(
            Contract::new("a", -5, d(2025, 1, 1), d(2026, 1, 1))
                .unwrap_err()
                .to_string(),
            "arr -5 is outside >= 0"
        );
        assert!(Contract::new(" ", 5, d(2025, 1, 1), d(2026, 1, 1)).is_err());
    }

    #[test]
    fn notice_deadline_is_renewal_minus_notice_for_auto_renewing_contracts() {
        let c = Contract::new("a", 1, d(2025, 1, 1), d(2026, 1, 1)).unwrap();
        assert_eq!(c.notice_deadline(), None);
        // 2026-01-01 minus 90 days = 2025-10-03 (Dec 31, Nov 30, Oct 29 remaining days).
        let c = c.with_auto_renew(90).unwrap();
        assert_eq!(c.notice_deadline(), Some(d(2025, 10, 3)));
        // A notice period longer than the term puts the deadline before the start.
        assert!(
            Contract::new("a", 1, d(2025, 1, 1), d(2025, 3, 1))
                .unwrap()
                .with_auto_renew(90)
                .is_err()
        );
        assert!(
            Contract::new("a", 1, d(2020, 1, 1), d(2026, 1, 1))
                .unwrap()
                .with_auto_renew(400)
                .is_err()
        );
    }

    #[test]
    fn json_round_trip_validates() {
        let c = Contract::new("acme", 5_000, d(2025, 1, 1), d(2026, 1, 1))
            .unwrap()
            .with_renewal_contact("Ann", false)
            .unwrap()
            .with_segment("smb");
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Contract>(&json).unwrap(), c);
        let bad = json.replace("5000", "-1");
        assert!(serde_json::from_str::<Contract>(&bad).is_err());
        let unknown = json.replace("\"arr\"", "\"colour\":1,\"arr\"");
        assert!(serde_json::from_str::<Contract>(&unknown).is_err());
    }

    #[test]
    fn term_months_out_of_range() {
        let c = Contract::new("a", 1, d(2025, 1, 1), d(2026, 1, 1)).unwrap();
        assert!(c.clone().with_term_months(0).is_err());
        // The term must agree with the dates: 24 months on one year of dates is an error.
        assert!(c.with_term_months(24).is_err());
        let two = Contract::new("a", 1, d(2025, 1, 1), d(2027, 1, 1)).unwrap();
        assert_eq!(two.with_term_months(24).unwrap().term_months(), 24);
    }
}
