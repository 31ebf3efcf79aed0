use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::cadence::Anchors;
use super::{Activity, Channel, ContractTerm, PackageTimeline, SuccessPackage};
use crate::{Error, Result};

/// An inclusive range of dates, `from..=to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawRange", deny_unknown_fields)]
pub struct DateRange {
    from: NaiveDate,
    to: NaiveDate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRange {
    from: NaiveDate,
    to: NaiveDate,
}

impl TryFrom<RawRange> for DateRange {
    type Error = Error;
    fn try_from(raw: RawRange) -> Result<Self> {
        DateRange::new(raw.from, raw.to)
    }
}

impl DateRange {
    /// The dates `from..=to`; `to` must not be before `from`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<DateRange> {
        if to < from {
            return Err(Error::invalid(
                "date range end",
                to,
                format!("it is before the range start {from}"),
            ));
        }
        Ok(DateRange { from, to })
    }

    /// First day.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// Last day (inclusive).
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// Whether `date` is in the range.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

/// One dated, entitled activity of an engagement calendar.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CalendarItem {
    /// The day the activity is due.
    pub date: NaiveDate,
    /// The contract year (1-based) the date falls in.
    pub contract_year: u32,
    /// The package in force on that date.
    pub package: String,
    /// The entitlement's label in that package.
    pub entitlement: String,
    /// The activity.
    pub activity: Activity,
    /// The entitled channel.
    pub channel: Channel,
}

/// The dated schedule of every entitled activity of a contract term, or of a part of it.
///
/// Items are sorted by date, then by package segment and entitlement order; every item lies
/// in the term (`start <= date < renewal`) and in the requested range; an entitlement never
/// has two items on one date.
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::package::{engagement_calendar, Activity, ContractTerm, SuccessPackage};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let term = ContractTerm::one_year(d(2026, 1, 15))?;
/// let cal = engagement_calendar(&SuccessPackage::builtin("commerce")?, &term)?;
/// let reviews: Vec<_> = cal.items.iter().filter(|i| i.activity == Activity::SuccessReview).collect();
/// assert_eq!(reviews.len(), 1); // month 6; month 12 is the renewal date, next term's
/// assert_eq!(reviews[0].date, d(2026, 7, 15));
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngagementCalendar {
    /// The contract term.
    pub term: ContractTerm,
    /// The dates covered: the requested range clipped to the term (the whole term by default).
    /// `None` when the requested range lies outside the term.
    pub window: Option<DateRange>,
    /// The items, sorted.
    pub items: Vec<CalendarItem>,
}

impl EngagementCalendar {
    /// The calendar of a package timeline over `term`, restricted to `range` when given
    /// (a range is clipped to the term; items after the renewal date are always dropped).
    pub fn build(timeline: &PackageTimeline, term: &ContractTerm, range: Option<DateRange>) -> Result<Self> {
        timeline.validate(term)?;
        let (lo, hi) = match range {
            Some(r) => (r.from().max(term.start()), r.to().min(term.last_day())),
            None => (term.start(), term.last_day()),
        };
        if lo > hi {
            return Ok(EngagementCalendar {
                term: *term,
                window: None,
                items: Vec::new(),
            });
        }
        let hi_exclusive = hi.checked_add_days(Days::new(1)).unwrap_or(hi);
        let anniversaries = term.anniversaries();
        let mut items = Vec::new();
        for segment in timeline.segments(*term) {
            let anchors = Anchors {
                contract_start: term.start(),
                at_start: segment.start,
                end: segment.end.min(hi_exclusive),
                renewal: term.renewal(),
                anniversaries: &anniversaries,
            };
            let from = segment.start.max(lo);
            for e in &segment.package.entitlements {
                let repeated = e.cadence.is_one_time()
                    && segment
                        .previous
                        .is_some_and(|p| p.entitlements.iter().any(|x| x.activity == e.activity));
                if repeated {
                    continue;
                }
                for date in e.cadence.dates(&anchors).into_iter().filter(|&d| d >= from) {
                    items.push(CalendarItem {
                        date,
                        contract_year: term.contract_year(date)?,
                        package: segment.package.name.clone(),
                        entitlement: e.label().to_owned(),
                        activity: e.activity,
                        channel: e.channel,
                    });
                }
            }
        }
        // Stable: ties keep segment order, then entitlement order.
        items.sort_by_key(|i| i.date);
        Ok(EngagementCalendar {
            term: *term,
            window: Some(DateRange { from: lo, to: hi }),
            items,
        })
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when the calendar has no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items of one activity.
    pub fn of_activity(&self, activity: Activity) -> impl Iterator<Item = &CalendarItem> {
        self.items.iter().filter(move |i| i.activity == activity)
    }
}

/// The engagement calendar of one package over the whole term.
pub fn engagement_calendar(package: &SuccessPackage, term: &ContractTerm) -> Result<EngagementCalendar> {
    EngagementCalendar::build(&PackageTimeline::new(package.clone()), term, None)
}

/// The engagement calendar of one package over `from..=to` (clipped to the term): "a year in
/// the life" when the range is a year.
pub fn engagement_calendar_between(
    package: &SuccessPackage,
    term: &ContractTerm,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<EngagementCalendar> {
    EngagementCalendar::build(
        &PackageTimeline::new(package.clone()),
        term,
        Some(DateRange::new(from, to)?),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::{Cadence, Entitlement, TouchModel};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dates(cal: &EngagementCalendar, label: &str) -> Vec<NaiveDate> {
        cal.items
            .iter()
            .filter(|i| i.entitlement == label)
            .map(|i| i.date)
            .collect()
    }

    #[test]
    fn commerce_year_in_the_life_from_2026_01_15() {
        let term = ContractTerm::one_year(d(2026, 1, 15)).unwrap();
        let cal = engagement_calendar(&SuccessPackage::builtin("commerce").unwrap(), &term).unwrap();
        assert_eq!(dates(&cal, "csm_introduction"), vec![d(2026, 1, 15)]);
        assert_eq!(dates(&cal, "kickoff"), vec![d(2026, 1, 29)]); // +14 days
        assert_eq!(dates(&cal, "success_plan"), vec![d(2026, 2, 14)]); // +30 days
        assert_eq!(dates(&cal, "success_review"), vec![d(2026, 7, 15)]);
        assert_eq!(dates(&cal, "gap_analysis"), vec![d(2026, 7, 15)]); // offset 6 months
        assert_eq!(dates(&cal, "internal_renewal_review"), vec![d(2026, 10, 15)]); // renewal - 3 months
        assert_eq!(dates(&cal, "nps_survey"), vec![d(2026, 11, 15)]); // renewal - 2 months
        // Monthly items at months 1..=11 (month 12 is the renewal date).
        assert_eq!(dates(&cal, "proactive_outreach").len(), 11);
        // 1 + 1 + 1 + 1 + 1 + 11 + 11 + 1 + 1 = 29 items.
        assert_eq!(cal.len(), 29);
        assert!(cal.items.iter().all(|i| i.contract_year == 1));
    }

    #[test]
    fn enterprise_has_five_reviews_and_two_gap_analyses_a_year() {
        let term = ContractTerm::one_year(d(2026, 1, 15)).unwrap();
        let cal = engagement_calendar(&SuccessPackage::builtin("enterprise").unwrap(), &term).unwrap();
        // Every 2 months: months 2, 4, 6, 8, 10 (12 is the renewal).
        assert_eq!(
            dates(&cal, "success_review"),
            vec![
                d(2026, 3, 15),
                d(2026, 5, 15),
                d(2026, 7, 15),
                d(2026, 9, 15),
                d(2026, 11, 15)
            ]
        );
        assert_eq!(dates(&cal, "gap_analysis"), vec![d(2026, 4, 15), d(2026, 10, 15)]);
    }

    #[test]
    fn three_year_term_repeats_anniversary_items_every_year() {
        let term = ContractTerm::with_term_months(d(2026, 1, 15), 36).unwrap();
        let cal = engagement_calendar(&SuccessPackage::builtin("commerce").unwrap(), &term).unwrap();
        assert_eq!(
            dates(&cal, "internal_renewal_review"),
            vec![d(2026, 10, 15), d(2027, 10, 15), d(2028, 10, 15)]
        );
        // Reviews at months 6, 12, 18, 24, 30 (36 is the renewal).
        assert_eq!(dates(&cal, "success_review").len(), 5);
        assert_eq!(dates(&cal, "csm_introduction").len(), 1);
        let years: Vec<u32> = cal
            .items
            .iter()
            .filter(|i| i.entitlement == "success_review")
            .map(|i| i.contract_year)
            .collect();
        assert_eq!(years, vec![1, 2, 2, 3, 3]);
    }

    #[test]
    fn leap_day_start_over_four_years() {
        // Start 29 Feb 2028, 48 months: renewal 29 Feb 2032. Anniversaries counted back from the
        // renewal: 28 Feb 2029, 2030, 2031 (no 29th) and 29 Feb 2032.
        let term = ContractTerm::with_term_months(d(2028, 2, 29), 48).unwrap();
        assert_eq!(term.renewal(), d(2032, 2, 29));
        let cal = engagement_calendar(&SuccessPackage::builtin("commerce").unwrap(), &term).unwrap();
        // Internal review 3 months before each: 28 Nov (2028, 2029, 2030) and 29 Nov 2031.
        assert_eq!(
            dates(&cal, "internal_renewal_review"),
            vec![d(2028, 11, 28), d(2029, 11, 28), d(2030, 11, 28), d(2031, 11, 29)]
        );
        // Monthly items keep the 29th (28th only in non-leap Februaries): 29 Mar 2028 first,
        // 28 Feb 2029, 29 Mar 2029.
        let monthly = dates(&cal, "feedback_monitoring");
        assert_eq!(monthly[0], d(2028, 3, 29));
        assert_eq!(monthly[11], d(2029, 2, 28));
        assert_eq!(monthly[12], d(2029, 3, 29));
        assert_eq!(monthly.len(), 47);
    }

    #[test]
    fn range_restricts_and_clips_to_the_term() {
        let term = ContractTerm::one_year(d(2026, 1, 15)).unwrap();
        let p = SuccessPackage::builtin("enterprise").unwrap();
        let cal = engagement_calendar_between(&p, &term, d(2026, 3, 1), d(2026, 5, 31)).unwrap();
        assert_eq!(
            dates(&cal, "success_review"),
            vec![d(2026, 3, 15), d(2026, 5, 15)]
        );
        assert!(
            cal.items
                .iter()
                .all(|i| i.date >= d(2026, 3, 1) && i.date <= d(2026, 5, 31))
        );
        let wide = engagement_calendar_between(&p, &term, d(2025, 1, 1), d(2030, 1, 1)).unwrap();
        assert_eq!(wide, engagement_calendar(&p, &term).unwrap());
        let outside = engagement_calendar_between(&p, &term, d(2027, 2, 1), d(2027, 3, 1)).unwrap();
        assert!(outside.is_empty() && outside.window.is_none());
        assert!(engagement_calendar_between(&p, &term, d(2026, 5, 1), d(2026, 4, 1)).is_err());
    }

    #[test]
    fn upgrade_mid_term_switches_cadence_on_the_contract_grid() {
        let term = ContractTerm::one_year(d(2026, 1, 15)).unwrap();
        let timeline = PackageTimeline::new(SuccessPackage::builtin("commerce").unwrap())
            .with_change(d(2026, 5, 1), SuccessPackage::builtin("enterprise").unwrap());
        let cal = EngagementCalendar::build(&timeline, &term, None).unwrap();
        // Commerce until 30 April (no review due yet: its first is 15 July); Enterprise reviews
        // on the contract's 2-month grid from 1 May: 15 May, 15 July, 15 September, 15 November.
        let reviews: Vec<(NaiveDate, &str)> = cal
            .of_activity(Activity::SuccessReview)
            .map(|i| (i.date, i.package.as_str()))
            .collect();
        assert_eq!(
            reviews,
            vec![
                (d(2026, 5, 15), "enterprise"),
                (d(2026, 7, 15), "enterprise"),
                (d(2026, 9, 15), "enterprise"),
                (d(2026, 11, 15), "enterprise")
            ]
        );
        // The upgrade does not repeat the introduction, kickoff or plan (Commerce had them).
        assert_eq!(cal.of_activity(Activity::Kickoff).count(), 1);
        assert_eq!(cal.of_activity(Activity::CsmIntroduction).count(), 1);
    }

    #[test]
    fn downgrade_keeps_items_before_the_change_and_new_one_time_items_start_at_the_change() {
        let term = ContractTerm::one_year(d(2026, 1, 15)).unwrap();
        let mut lite = SuccessPackage::new(
            "lite",
            TouchModel::Digital,
            vec![
                Entitlement::new(
                    Activity::Training,
                    Cadence::AtStart { offset_days: 3 },
                    Channel::Webinar,
                ),
                Entitlement::new(
                    Activity::SuccessReview,
                    Cadence::EveryMonths {
                        months: 6,
                        offset_months: None,
                    },
                    Channel::Email,
                ),
            ],
        );
        lite.description = None;
        let timeline = PackageTimeline::new(SuccessPackage::builtin("enterprise").unwrap())
            .with_change(d(2026, 6, 1), lite);
        let cal = EngagementCalendar::build(&timeline, &term, None).unwrap();
        let reviews: Vec<NaiveDate> = cal.of_activity(Activity::SuccessReview).map(|i| i.date).collect();
        // Enterprise: 15 March, 15 May; lite (6-monthly on the contract grid): 15 July.
        assert_eq!(reviews, vec![d(2026, 3, 15), d(2026, 5, 15), d(2026, 7, 15)]);
        // Training is new in "lite": once, 3 days after the change.
        assert_eq!(
            cal.of_activity(Activity::Training)
                .map(|i| i.date)
                .collect::<Vec<_>>(),
            vec![d(2026, 6, 4)]
        );
        // Nothing of Enterprise remains after the change.
        assert!(
            cal.items
                .iter()
                .filter(|i| i.date >= d(2026, 6, 1))
                .all(|i| i.package == "lite")
        );
    }

    #[test]
    fn items_that_land_on_or_after_renewal_are_dropped() {
        // A 2-month term: the 3-month lead before renewal falls before the start; the
        // 60-day kickoff falls after the renewal: both dropped.
        let term = ContractTerm::with_term_months(d(2026, 1, 31), 2).unwrap();
        assert_eq!(term.renewal(), d(2026, 3, 31));
        let p = SuccessPackage::new(
            "short",
            TouchModel::Digital,
            vec![
                Entitlement::new(
                    Activity::Kickoff,
                    Cadence::AtStart { offset_days: 60 },
                    Channel::VirtualMeeting,
                ),
                Entitlement::new(
                    Activity::InternalRenewalReview,
                    Cadence::BeforeRenewal { months: 3, days: 0 },
                    Channel::Internal,
                ),
                Entitlement::new(
                    Activity::CheckIn,
                    Cadence::EveryMonths {
                        months: 1,
                        offset_months: None,
                    },
                    Channel::Phone,
                ),
            ],
        );
        let cal = engagement_calendar(&p, &term).unwrap();
        // Only the check-in on 28 Feb (31 Jan + 1 month, clamped; 2026 is not a leap year).
        assert_eq!(
            cal.items.iter().map(|i| i.date).collect::<Vec<_>>(),
            vec![d(2026, 2, 28)]
        );
    }

    #[test]
    fn calendar_validates_the_package() {
        let term = ContractTerm::one_year(d(2026, 1, 15)).unwrap();
        let p = SuccessPackage::new(
            "bad",
            TouchModel::Digital,
            vec![Entitlement::new(
                Activity::CheckIn,
                Cadence::EveryWeeks {
                    weeks: 0,
                    offset_weeks: None,
                },
                Channel::Phone,
            )],
        );
        let e = engagement_calendar(&p, &term).unwrap_err();
        assert!(e.to_string().contains("\"check_in\" cadence every_weeks weeks 0"));
    }
}
