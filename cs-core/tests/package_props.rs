//! Property tests of the engagement calendar and entitlement compliance.
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::HashSet;

use chrono::{Datelike, Months, NaiveDate};
use cs_core::document::Document;
use cs_core::package::{
    Activity, Cadence, Channel, ContractTerm, DateRange, DeliveredActivity, EngagementCalendar, Entitlement,
    IcalOptions, ItemStatus, MatchingRules, PackageTimeline, SuccessPackage, TouchModel, timeline_compliance,
};
use proptest::prelude::*;

fn date() -> impl Strategy<Value = NaiveDate> {
    // 1999-01-01 .. 2100-12-31, month ends and leap days included by construction.
    (1999i32..=2100, 1u32..=12, 1u32..=31).prop_map(|(y, m, d)| {
        let last = last_day(y, m);
        NaiveDate::from_ymd_opt(y, m, d.min(last)).unwrap()
    })
}

fn last_day(y: i32, m: u32) -> u32 {
    let first_next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    first_next.unwrap().pred_opt().unwrap().day()
}

fn cadence() -> impl Strategy<Value = Cadence> {
    prop_oneof![
        (0u32..400).prop_map(|offset_days| Cadence::AtStart { offset_days }),
        (1u32..30, proptest::option::of(0u32..30))
            .prop_map(|(weeks, offset_weeks)| Cadence::EveryWeeks { weeks, offset_weeks }),
        (1u32..25, proptest::option::of(0u32..25)).prop_map(|(months, offset_months)| Cadence::EveryMonths {
            months,
            offset_months
        }),
        Just(Cadence::Annually),
        (0u32..13, 0u32..90)
            .prop_filter("non-zero lead", |(m, d)| m + d > 0)
            .prop_map(|(months, days)| Cadence::BeforeAnniversary { months, days }),
        (0u32..13, 0u32..90)
            .prop_filter("non-zero lead", |(m, d)| m + d > 0)
            .prop_map(|(months, days)| Cadence::BeforeRenewal { months, days }),
    ]
}

fn package(name: &'static str) -> impl Strategy<Value = SuccessPackage> {
    proptest::collection::vec(
        (0usize..Activity::ALL.len(), cadence(), 0usize..Channel::ALL.len()),
        1..8,
    )
    .prop_map(move |lines| {
        let entitlements = lines
            .into_iter()
            .enumerate()
            .map(|(i, (a, c, ch))| {
                Entitlement::new(Activity::ALL[a], c, Channel::ALL[ch]).named(format!("e{i}"))
            })
            .collect();
        SuccessPackage::new(name, TouchModel::HighTouch, entitlements)
    })
}

fn term() -> impl Strategy<Value = ContractTerm> {
    prop_oneof![
        (date(), 1u32..61).prop_map(|(s, m)| ContractTerm::with_term_months(s, m).unwrap()),
        (date(), 1u64..1500).prop_map(|(s, days)| ContractTerm::new(s, s + chrono::Days::new(days)).unwrap()),
    ]
}

/// A timeline with 0 or 1 change strictly inside the term.
fn timeline_and_term() -> impl Strategy<Value = (PackageTimeline, ContractTerm)> {
    (
        package("first"),
        package("second"),
        term(),
        proptest::option::of(0.0f64..1.0),
    )
        .prop_map(|(a, b, t, change)| {
            let span = (t.renewal() - t.start()).num_days();
            let timeline = match change {
                Some(f) if span > 2 => {
                    let offset = 1 + ((span - 2) as f64 * f) as i64;
                    PackageTimeline::new(a).with_change(t.start() + chrono::Duration::days(offset), b)
                }
                _ => PackageTimeline::new(a),
            };
            (timeline, t)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn calendar_is_sorted_unique_and_inside_the_term((timeline, term) in timeline_and_term()) {
        let cal = EngagementCalendar::build(&timeline, &term, None).unwrap();
        for w in cal.items.windows(2) {
            prop_assert!(w[0].date <= w[1].date);
        }
        let mut seen = HashSet::new();
        for item in &cal.items {
            prop_assert!(term.contains(item.date), "{} outside {:?}", item.date, term);
            prop_assert!(seen.insert((item.date, item.package.clone(), item.entitlement.clone())), "duplicate {item:?}");
            prop_assert_eq!(&timeline.package_on(item.date).name, &item.package);
            prop_assert!(item.contract_year >= 1 && item.contract_year as usize <= term.anniversaries().len());
        }
    }

    #[test]
    fn range_calendar_is_the_term_calendar_filtered((timeline, term) in timeline_and_term(), a in date(), b in date()) {
        let (from, to) = if a <= b { (a, b) } else { (b, a) };
        let whole = EngagementCalendar::build(&timeline, &term, None).unwrap();
        let part = EngagementCalendar::build(&timeline, &term, Some(DateRange::new(from, to).unwrap())).unwrap();
        let expected: Vec<_> = whole.items.iter().filter(|i| from <= i.date && i.date <= to).cloned().collect();
        prop_assert_eq!(part.items, expected);
    }

    #[test]
    fn monthly_cadences_land_on_the_clamped_day_of_the_right_month(
        start in date(), months in 1u32..13, offset in proptest::option::of(0u32..13), term_months in 1u32..49,
    ) {
        let term = ContractTerm::with_term_months(start, term_months).unwrap();
        let p = SuccessPackage::new(
            "monthly",
            TouchModel::Digital,
            vec![Entitlement::new(Activity::CheckIn, Cadence::EveryMonths { months, offset_months: offset }, Channel::Phone)],
        );
        let cal = cs_core::package::engagement_calendar(&p, &term).unwrap();
        let first = offset.unwrap_or(months);
        for (k, item) in cal.items.iter().enumerate() {
            let n = first + k as u32 * months;
            let month_index = start.year() * 12 + start.month0() as i32 + n as i32;
            let (y, m) = (month_index.div_euclid(12), month_index.rem_euclid(12) as u32 + 1);
            prop_assert_eq!((item.date.year(), item.date.month()), (y, m));
            // The start's day of month, clamped to the month's last day (31 Jan -> 28/29 Feb).
            prop_assert_eq!(item.date.day(), start.day().min(last_day(y, m)));
            prop_assert_eq!(item.date, start.checked_add_months(Months::new(n)).unwrap());
        }
        // Nothing is missing: the next occurrence would be on or after the renewal.
        let next = first + cal.items.len() as u32 * months;
        prop_assert!(start.checked_add_months(Months::new(next)).unwrap() >= term.renewal());
    }

    #[test]
    fn package_documents_round_trip(p in package("custom")) {
        prop_assert_eq!(&SuccessPackage::from_toml(&p.to_toml().unwrap()).unwrap(), &p);
        prop_assert_eq!(&SuccessPackage::from_json(&p.to_json().unwrap()).unwrap(), &p);
    }

    #[test]
    fn ical_has_one_event_per_item((timeline, term) in timeline_and_term()) {
        let cal = EngagementCalendar::build(&timeline, &term, None).unwrap();
        let ics = cal.to_ical(&IcalOptions::default());
        prop_assert_eq!(ics.matches("BEGIN:VEVENT").count(), cal.len());
        let uids: HashSet<&str> = ics.lines().filter(|l| l.starts_with("UID:")).collect();
        prop_assert_eq!(uids.len(), cal.len());
    }

    #[test]
    fn compliance_counts_partition_the_items_and_ignore_log_order(
        (timeline, term) in timeline_and_term(),
        log in proptest::collection::vec((0i64..1500, 0usize..Activity::ALL.len(), 0usize..Channel::ALL.len(), 0u32..240), 0..40),
        as_of_offset in -30i64..1600,
        grace in 0u32..60,
        early in 0u32..60,
    ) {
        let delivered: Vec<DeliveredActivity> = log
            .iter()
            .map(|&(off, a, c, min)| DeliveredActivity::new(term.start() + chrono::Duration::days(off), Activity::ALL[a], Channel::ALL[c], min, 1))
            .collect();
        let as_of = term.start() + chrono::Duration::days(as_of_offset);
        let rules = MatchingRules::default().with_grace_days(grace).with_early_days(early);
        let r = timeline_compliance(&timeline, &term, &delivered, as_of, &rules).unwrap();
        prop_assert_eq!((r.delivered + r.due + r.overdue + r.upcoming) as usize, r.items.len());
        prop_assert_eq!(r.owed, r.delivered + r.overdue);
        if let Some(x) = r.ratio {
            prop_assert!((0.0..=1.0).contains(&x));
        } else {
            prop_assert_eq!(r.owed, 0);
        }
        for it in &r.items {
            match it.status {
                ItemStatus::Upcoming => prop_assert!(it.item.date > as_of),
                ItemStatus::Overdue => prop_assert!(it.item.date < as_of),
                ItemStatus::Due => prop_assert!(it.item.date <= as_of),
                ItemStatus::Delivered => {
                    let late = it.days_late.unwrap();
                    prop_assert!(-i64::from(early) <= late && late <= i64::from(grace));
                }
            }
        }
        let matched: u32 = r.activities.iter().map(|a| a.matched).sum();
        prop_assert_eq!(matched, r.delivered);
        let mut reversed = delivered.clone();
        reversed.reverse();
        let again = timeline_compliance(&timeline, &term, &reversed, as_of, &rules).unwrap();
        prop_assert_eq!(again, r);
    }

    #[test]
    fn one_more_delivery_never_lowers_the_delivered_count(
        (timeline, term) in timeline_and_term(),
        off in 0i64..1500, a in 0usize..Activity::ALL.len(), c in 0usize..Channel::ALL.len(),
    ) {
        let as_of = term.last_day();
        let rules = MatchingRules::default();
        let before = timeline_compliance(&timeline, &term, &[], as_of, &rules).unwrap();
        let extra = [DeliveredActivity::new(term.start() + chrono::Duration::days(off), Activity::ALL[a], Channel::ALL[c], 30, 1)];
        let after = timeline_compliance(&timeline, &term, &extra, as_of, &rules).unwrap();
        prop_assert!(after.delivered >= before.delivered);
        prop_assert!(after.delivered <= before.delivered + 1);
    }
}
