use std::fmt;

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Largest interval or offset in months a cadence accepts (10 years).
pub const MAX_CADENCE_MONTHS: u32 = 120;
/// Largest interval or offset in weeks a cadence accepts (10 years).
pub const MAX_CADENCE_WEEKS: u32 = 522;
/// Largest offset in days a cadence accepts (10 years).
pub const MAX_CADENCE_DAYS: u32 = 3653;

/// When an entitled activity happens, relative to the contract.
///
/// Dates are computed from a fixed anchor, never by repeated addition, so month ends do not
/// drift: monthly from 31 January gives 28/29 February, 31 March, 30 April, 31 May, ...
/// (`chrono`'s month arithmetic clamps to the last day of a shorter month).
///
/// | kind | dates |
/// | --- | --- |
/// | `at_start` | `anchor + offset_days` (anchor = contract start, or the date a package change takes effect) |
/// | `every_weeks` | `start + (offset_weeks + k * weeks) weeks`, k = 0, 1, ...; `offset_weeks` defaults to `weeks` |
/// | `every_months` | `start + (offset_months + k * months) months`, k = 0, 1, ...; `offset_months` defaults to `months` |
/// | `annually` | each anniversary strictly inside the term (none in a one-year term) |
/// | `before_anniversary` | `anniversary - months - days` for each anniversary, the renewal date included |
/// | `before_renewal` | `renewal - months - days`, once per term |
///
/// In documents a cadence is a table with a `kind`:
/// `cadence = { kind = "every_months", months = 6 }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
// Derived under `remote = "Self"`: the trait impls below reject unknown keys next to a
// field-less kind (see `crate::unit_kinds`).
#[serde(remote = "Self")]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Cadence {
    /// Once, at the start of the contract (or of the package, after a change).
    AtStart {
        /// Days after the start (0 = on the start date).
        #[serde(default)]
        offset_days: u32,
    },
    /// Every `weeks` weeks from the contract start.
    EveryWeeks {
        /// The interval, at least 1.
        weeks: u32,
        /// Weeks from the start to the first occurrence; `None` = one interval.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        offset_weeks: Option<u32>,
    },
    /// Every `months` months from the contract start.
    EveryMonths {
        /// The interval, at least 1.
        months: u32,
        /// Months from the start to the first occurrence; `None` = one interval.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        offset_months: Option<u32>,
    },
    /// On each anniversary inside the term (multi-year contracts).
    Annually,
    /// A lead time before every anniversary (the renewal date is the last anniversary).
    BeforeAnniversary {
        /// Months before the anniversary.
        #[serde(default)]
        months: u32,
        /// Days before the anniversary (after subtracting the months).
        #[serde(default)]
        days: u32,
    },
    /// A lead time before the renewal date, once per term.
    BeforeRenewal {
        /// Months before the renewal.
        #[serde(default)]
        months: u32,
        /// Days before the renewal (after subtracting the months).
        #[serde(default)]
        days: u32,
    },
}

crate::unit_kinds::unit_kinds_impl!(Cadence, "kind", ["annually"]);

/// The dates a cadence is evaluated against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Anchors<'a> {
    /// Contract start: the grid of recurring cadences.
    pub(crate) contract_start: NaiveDate,
    /// Where `at_start` counts from (the contract start or a package change).
    pub(crate) at_start: NaiveDate,
    /// Exclusive upper bound of the dates wanted.
    pub(crate) end: NaiveDate,
    /// Renewal date.
    pub(crate) renewal: NaiveDate,
    /// Anniversaries after the start, ascending, the renewal last.
    pub(crate) anniversaries: &'a [NaiveDate],
}

impl Cadence {
    /// The `snake_case` kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Cadence::AtStart { .. } => "at_start",
            Cadence::EveryWeeks { .. } => "every_weeks",
            Cadence::EveryMonths { .. } => "every_months",
            Cadence::Annually => "annually",
            Cadence::BeforeAnniversary { .. } => "before_anniversary",
            Cadence::BeforeRenewal { .. } => "before_renewal",
        }
    }

    /// True for cadences that happen once per package (`at_start`).
    pub fn is_one_time(&self) -> bool {
        matches!(self, Cadence::AtStart { .. })
    }

    /// Checks intervals (at least 1) and offsets (bounded); `entitlement` names the
    /// entitlement in the error.
    pub fn validate(&self, entitlement: &str) -> Result<()> {
        let field = |name: &str| format!("entitlement {entitlement:?} cadence {} {name}", self.kind());
        let check = |name: &str, value: u32, min: u32, max: u32| {
            if (min..=max).contains(&value) {
                Ok(())
            } else {
                Err(Error::out_of_range(field(name), value, format!("{min}..={max}")))
            }
        };
        match *self {
            Cadence::AtStart { offset_days } => check("offset_days", offset_days, 0, MAX_CADENCE_DAYS),
            Cadence::EveryWeeks { weeks, offset_weeks } => {
                check("weeks", weeks, 1, MAX_CADENCE_WEEKS)?;
                check(
                    "offset_weeks",
                    offset_weeks.unwrap_or(weeks),
                    0,
                    MAX_CADENCE_WEEKS,
                )
            }
            Cadence::EveryMonths {
                months,
                offset_months,
            } => {
                check("months", months, 1, MAX_CADENCE_MONTHS)?;
                check(
                    "offset_months",
                    offset_months.unwrap_or(months),
                    0,
                    MAX_CADENCE_MONTHS,
                )
            }
            Cadence::Annually => Ok(()),
            Cadence::BeforeAnniversary { months, days } | Cadence::BeforeRenewal { months, days } => {
                check("months", months, 0, MAX_CADENCE_MONTHS)?;
                check("days", days, 0, MAX_CADENCE_DAYS)?;
                if months == 0 && days == 0 {
                    return Err(Error::invalid(
                        field("lead time"),
                        "0 months 0 days",
                        "a lead time of zero lands on the renewal date, which belongs to the next term",
                    ));
                }
                Ok(())
            }
        }
    }

    /// The dates of this cadence before `anchors.end`, ascending and distinct (dates before
    /// the contract start are included; the caller clips to its window).
    pub(crate) fn dates(&self, anchors: &Anchors<'_>) -> Vec<NaiveDate> {
        let end = anchors.end;
        let mut out = Vec::new();
        match *self {
            Cadence::AtStart { offset_days } => {
                if let Some(d) = anchors
                    .at_start
                    .checked_add_days(Days::new(u64::from(offset_days)))
                {
                    out.push(d);
                }
            }
            Cadence::EveryWeeks { weeks, offset_weeks } => {
                let first = u64::from(offset_weeks.unwrap_or(weeks));
                let step = u64::from(weeks.max(1));
                for k in 0.. {
                    let days = (first + k * step) * 7;
                    match anchors.contract_start.checked_add_days(Days::new(days)) {
                        Some(d) if d < end => out.push(d),
                        _ => break,
                    }
                }
            }
            Cadence::EveryMonths {
                months,
                offset_months,
            } => {
                let first = offset_months.unwrap_or(months);
                let step = months.max(1);
                for k in 0u32.. {
                    let Some(n) = k.checked_mul(step).and_then(|m| m.checked_add(first)) else {
                        break;
                    };
                    match anchors.contract_start.checked_add_months(Months::new(n)) {
                        Some(d) if d < end => out.push(d),
                        _ => break,
                    }
                }
            }
            Cadence::Annually => {
                out.extend(
                    anchors
                        .anniversaries
                        .iter()
                        .copied()
                        .filter(|&a| a < anchors.renewal),
                );
            }
            Cadence::BeforeAnniversary { months, days } => {
                out.extend(
                    anchors
                        .anniversaries
                        .iter()
                        .filter_map(|&a| lead(a, months, days)),
                );
            }
            Cadence::BeforeRenewal { months, days } => out.extend(lead(anchors.renewal, months, days)),
        }
        out.retain(|&d| d < end);
        out
    }
}

fn lead(date: NaiveDate, months: u32, days: u32) -> Option<NaiveDate> {
    date.checked_sub_months(Months::new(months))?
        .checked_sub_days(Days::new(u64::from(days)))
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: u32, unit: &str| {
            if n == 1 {
                format!("1 {unit}")
            } else {
                format!("{n} {unit}s")
            }
        };
        let lead = |months: u32, days: u32| match (months, days) {
            (0, d) => plural(d, "day"),
            (m, 0) => plural(m, "month"),
            (m, d) => format!("{} {}", plural(m, "month"), plural(d, "day")),
        };
        match *self {
            Cadence::AtStart { offset_days: 0 } => f.write_str("once at start"),
            Cadence::AtStart { offset_days } => write!(f, "once, {} after start", plural(offset_days, "day")),
            Cadence::EveryWeeks { weeks, offset_weeks } => {
                let every = if weeks == 1 {
                    "every week".to_owned()
                } else {
                    format!("every {weeks} weeks")
                };
                match offset_weeks {
                    Some(o) if o != weeks => write!(f, "{every}, first at week {o}"),
                    _ => f.write_str(&every),
                }
            }
            Cadence::EveryMonths {
                months,
                offset_months,
            } => {
                let every = if months == 1 {
                    "every month".to_owned()
                } else {
                    format!("every {months} months")
                };
                match offset_months {
                    Some(o) if o != months => write!(f, "{every}, first at month {o}"),
                    _ => f.write_str(&every),
                }
            }
            Cadence::Annually => f.write_str("annually on the anniversary"),
            Cadence::BeforeAnniversary { months, days } => {
                write!(f, "{} before each anniversary", lead(months, days))
            }
            Cadence::BeforeRenewal { months, days } => write!(f, "{} before renewal", lead(months, days)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn anchors(start: NaiveDate, renewal: NaiveDate, anniversaries: &[NaiveDate]) -> Anchors<'_> {
        Anchors {
            contract_start: start,
            at_start: start,
            end: renewal,
            renewal,
            anniversaries,
        }
    }

    #[test]
    fn monthly_from_january_31_clamps_to_month_ends_without_drift() {
        // 2028 is a leap year: Feb 29; then back to Mar 31, not Mar 29.
        let ann = [d(2029, 1, 31)];
        let a = anchors(d(2028, 1, 31), d(2028, 6, 1), &ann);
        let c = Cadence::EveryMonths {
            months: 1,
            offset_months: None,
        };
        assert_eq!(
            c.dates(&a),
            vec![d(2028, 2, 29), d(2028, 3, 31), d(2028, 4, 30), d(2028, 5, 31)]
        );
    }

    #[test]
    fn every_six_months_in_a_one_year_term_lands_once() {
        // start + 6 months = 2026-07-15; start + 12 months = renewal, which is next term's.
        let ann = [d(2027, 1, 15)];
        let a = anchors(d(2026, 1, 15), d(2027, 1, 15), &ann);
        let c = Cadence::EveryMonths {
            months: 6,
            offset_months: None,
        };
        assert_eq!(c.dates(&a), vec![d(2026, 7, 15)]);
        let with_offset = Cadence::EveryMonths {
            months: 6,
            offset_months: Some(0),
        };
        assert_eq!(with_offset.dates(&a), vec![d(2026, 1, 15), d(2026, 7, 15)]);
    }

    #[test]
    fn every_two_weeks_counts_fourteen_days() {
        let ann = [d(2027, 1, 1)];
        let a = anchors(d(2026, 1, 1), d(2026, 2, 1), &ann);
        let c = Cadence::EveryWeeks {
            weeks: 2,
            offset_weeks: None,
        };
        assert_eq!(c.dates(&a), vec![d(2026, 1, 15), d(2026, 1, 29)]);
    }

    #[test]
    fn before_anniversary_lands_in_every_contract_year() {
        let ann = [d(2027, 3, 31), d(2028, 3, 31)];
        let a = anchors(d(2026, 3, 31), d(2028, 3, 31), &ann);
        let c = Cadence::BeforeAnniversary { months: 1, days: 0 };
        // 31 March - 1 month = 28 February (2027) and 29 February (2028, leap year).
        assert_eq!(c.dates(&a), vec![d(2027, 2, 28), d(2028, 2, 29)]);
        let r = Cadence::BeforeRenewal { months: 3, days: 0 };
        assert_eq!(r.dates(&a), vec![d(2027, 12, 31)]);
        assert_eq!(Cadence::Annually.dates(&a), vec![d(2027, 3, 31)]);
    }

    #[test]
    fn zero_interval_is_rejected_naming_the_entitlement() {
        let e = Cadence::EveryMonths {
            months: 0,
            offset_months: None,
        }
        .validate("success_review")
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "entitlement \"success_review\" cadence every_months months 0 is outside 1..=120"
        );
        let e = Cadence::EveryWeeks {
            weeks: 0,
            offset_weeks: None,
        }
        .validate("check_in")
        .unwrap_err();
        assert!(e.to_string().contains("\"check_in\" cadence every_weeks weeks 0"));
        let e = Cadence::BeforeRenewal { months: 0, days: 0 }
            .validate("renewal")
            .unwrap_err();
        assert!(e.to_string().contains("lead time 0 months 0 days is invalid"));
    }

    #[test]
    fn cadence_documents_use_a_kind_tag_and_reject_unknown_keys() {
        let c: Cadence = serde_json::from_str(r#"{"kind":"every_months","months":6}"#).unwrap();
        assert_eq!(
            c,
            Cadence::EveryMonths {
                months: 6,
                offset_months: None
            }
        );
        assert!(serde_json::from_str::<Cadence>(r#"{"kind":"every_months","months":6,"x":1}"#).is_err());
        assert_eq!(c.to_string(), "every 6 months");
        let gap = Cadence::EveryMonths {
            months: 12,
            offset_months: Some(6),
        };
        assert_eq!(gap.to_string(), "every 12 months, first at month 6");
        assert_eq!(
            Cadence::EveryMonths {
                months: 1,
                offset_months: None
            }
            .to_string(),
            "every month"
        );
        assert_eq!(
            Cadence::BeforeAnniversary { months: 3, days: 0 }.to_string(),
            "3 months before each anniversary"
        );
        assert_eq!(
            Cadence::AtStart { offset_days: 14 }.to_string(),
            "once, 14 days after start"
        );
    }
}
