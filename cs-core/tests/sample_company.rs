//! The sample company's invariants: determinism, ids consistent across record sets, ARR
//! reconciled, nothing dated after the as-of date, deliveries within contracts, answers in
//! range, and option validation.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use cs_core::Error;
use cs_core::package::builtin;
use cs_core::sample::{MAX_SAMPLE_ACCOUNTS, Movement, Outcome, SampleCompany, SampleOptions};

fn small() -> SampleOptions {
    SampleOptions {
        accounts: 400,
        ..SampleOptions::default()
    }
}

fn book() -> SampleCompany {
    SampleCompany::generate(small()).unwrap()
}

#[test]
fn same_options_same_book_other_seed_other_book() {
    let a = book();
    assert_eq!(a, book());
    let b = SampleCompany::generate(SampleOptions { seed: 14, ..small() }).unwrap();
    assert_ne!(a.accounts, b.accounts);
    assert_ne!(a.health, b.health);
}

#[test]
fn every_file_uses_the_accounts_ids() {
    let c = book();
    let ids: BTreeSet<&str> = c.accounts.iter().map(|a| a.account_id.as_str()).collect();
    assert_eq!(ids.len(), c.accounts.len(), "account ids are unique");
    let check = |name: &str, found: Vec<&str>| {
        for id in found {
            assert!(ids.contains(id), "{name}: unknown account {id}");
        }
    };
    check(
        "contracts",
        c.contracts.iter().map(|x| x.account_id.as_str()).collect(),
    );
    check("health", c.health.iter().map(|x| x.account_id.as_str()).collect());
    check("survey", c.survey.iter().map(|x| x.account_id.as_str()).collect());
    check(
        "delivered",
        c.delivered.iter().map(|x| x.account.as_str()).collect(),
    );
    check(
        "onboarding",
        c.onboarding.iter().map(|x| x.account.as_str()).collect(),
    );
    check(
        "renewals",
        c.renewals.iter().map(|x| x.account_id.as_str()).collect(),
    );
    check(
        "churned",
        c.churned.iter().map(|x| x.account_id.as_str()).collect(),
    );
    check(
        "arr_start",
        c.arr_start.iter().map(|x| x.account_id.as_str()).collect(),
    );
    check(
        "portfolio",
        c.portfolio.iter().map(|x| x.account_id.as_str()).collect(),
    );
    check(
        "handoffs",
        c.handoffs.iter().map(|x| x.account.as_str()).collect(),
    );
    assert!(!c.handoffs.is_empty());
    // One contract and one onboarding row per account, in the same order.
    let order = |v: Vec<&str>| {
        assert_eq!(
            v,
            c.accounts
                .iter()
                .map(|a| a.account_id.as_str())
                .collect::<Vec<_>>()
        );
    };
    order(c.contracts.iter().map(|x| x.account_id.as_str()).collect());
    order(c.onboarding.iter().map(|x| x.account.as_str()).collect());
    // The portfolio is exactly the accounts still customers; churned exactly the lost ones.
    let active: Vec<&str> = c
        .accounts
        .iter()
        .filter(|a| !a.churned)
        .map(|a| a.account_id.as_str())
        .collect();
    assert_eq!(
        active,
        c.portfolio
            .iter()
            .map(|p| p.account_id.as_str())
            .collect::<Vec<_>>()
    );
    let lost: Vec<&str> = c
        .accounts
        .iter()
        .filter(|a| a.churned)
        .map(|a| a.account_id.as_str())
        .collect();
    assert_eq!(
        lost,
        c.churned
            .iter()
            .map(|p| p.account_id.as_str())
            .collect::<Vec<_>>()
    );
    assert!(!lost.is_empty() && !active.is_empty());
    // Every survey response id is unique.
    let responses: BTreeSet<&str> = c.survey.iter().map(|s| s.response_id.as_str()).collect();
    assert_eq!(responses.len(), c.survey.len());
}

#[test]
fn arr_reconciles_across_sections() {
    let c = book();
    let contracts: BTreeMap<&str, i64> = c
        .contracts
        .iter()
        .map(|x| (x.account_id.as_str(), x.arr))
        .collect();
    for a in &c.accounts {
        assert_eq!(a.currency, "USD");
        assert!(a.arr > 0 && a.arr % 100 == 0, "{}: {}", a.account_id, a.arr);
        assert_eq!(contracts[a.account_id.as_str()], a.arr, "{}", a.account_id);
    }
    let accounts: BTreeMap<&str, _> = c.accounts.iter().map(|a| (a.account_id.as_str(), a)).collect();
    for p in &c.portfolio {
        assert_eq!(p.arr, accounts[p.account_id.as_str()].arr);
        assert_eq!(p.health.arr, p.arr);
        assert_eq!(p.health.date, c.options.as_of);
    }
    for l in &c.churned {
        assert_eq!(l.arr, accounts[l.account_id.as_str()].arr);
    }
    // Renewal history: each account's chain of terms ends at its contract's ARR, and a lost
    // account's last decision is its churn.
    let mut by_account: BTreeMap<&str, Vec<_>> = BTreeMap::new();
    for r in &c.renewals {
        by_account.entry(r.account_id.as_str()).or_default().push(r);
    }
    for (id, rs) in &by_account {
        for pair in rs.windows(2) {
            assert_eq!(pair[0].arr_after, pair[1].arr_before, "{id}");
            assert!(pair[0].renewal_date < pair[1].renewal_date);
        }
        let last = rs.last().unwrap();
        match last.outcome {
            Outcome::Churned => {
                assert_eq!(last.arr_before, accounts[id].arr);
                assert_eq!(last.movement, Movement::Churn);
                assert!(last.reason.is_some());
            }
            _ => assert_eq!(last.arr_after, accounts[id].arr),
        }
    }
    // The opening snapshot's ARR is the ARR in force a year before: the arr_before of the
    // first renewal after that date, or the current ARR without one.
    let previous = c.options.previous_year().unwrap();
    for s in &c.arr_start {
        let expected = by_account
            .get(s.account_id.as_str())
            .and_then(|rs| rs.iter().find(|r| r.renewal_date > previous))
            .map_or(accounts[s.account_id.as_str()].arr, |r| r.arr_before);
        assert_eq!(s.arr, expected, "{}", s.account_id);
    }
    // And each month's ARR in the health history is the ARR in force.
    for h in &c.health {
        let expected = by_account
            .get(h.account_id.as_str())
            .and_then(|rs| rs.iter().find(|r| r.renewal_date > h.date))
            .map_or(accounts[h.account_id.as_str()].arr, |r| r.arr_before);
        assert_eq!(h.arr, expected, "{} {}", h.account_id, h.date);
    }
}

#[test]
fn nothing_is_dated_after_as_of_and_deliveries_lie_within_contracts() {
    let c = book();
    let as_of = c.options.as_of;
    let start = c.options.start;
    let mut dates: Vec<NaiveDate> = Vec::new();
    for a in &c.accounts {
        dates.push(a.customer_since);
        dates.extend(a.churned_on);
    }
    for o in &c.onboarding {
        assert!(o.closed_on >= start);
        dates.extend(
            [
                Some(o.closed_on),
                o.handoff_completed,
                Some(o.contract_start),
                o.kickoff,
            ]
            .into_iter()
            .flatten(),
        );
        dates.extend(
            [o.joint_impact_plan, o.first_impact, o.renewed_on, o.churned_on]
                .into_iter()
                .flatten(),
        );
        if let (Some(k), Some(j)) = (o.kickoff, o.joint_impact_plan) {
            assert!(k < j);
        }
        if let (Some(j), Some(f)) = (o.kickoff, o.first_impact) {
            assert!(j < f);
        }
    }
    dates.extend(c.contracts.iter().map(|x| x.start));
    dates.extend(c.health.iter().flat_map(|h| [Some(h.date), h.nps_date]).flatten());
    dates.extend(c.survey.iter().map(|s| s.date));
    dates.extend(c.delivered.iter().map(|d| d.date));
    dates.extend(c.renewals.iter().map(|r| r.renewal_date));
    dates.extend(c.churned.iter().map(|r| r.churned_on));
    let window = as_of - chrono::TimeDelta::days(cs_core::sample::HANDOFF_WINDOW_DAYS);
    for h in &c.handoffs {
        assert!(h.closed_on >= window, "{} {}", h.account, h.closed_on);
        dates.extend([Some(h.closed_on), h.completed_on].into_iter().flatten());
    }
    for d in dates {
        assert!(d <= as_of, "{d} after {as_of}");
    }
    let contracts: BTreeMap<&str, _> = c.contracts.iter().map(|x| (x.account_id.as_str(), x)).collect();
    for d in &c.delivered {
        let k = contracts[d.account.as_str()];
        assert!(
            k.start <= d.date && d.date < k.renewal,
            "{} {}",
            d.account,
            d.date
        );
        // The activity is one the account's package entitles.
        let package = builtin(&k.package).unwrap();
        assert!(package.entitlements.iter().any(|e| e.activity == d.activity));
    }
    for k in &c.contracts {
        assert!(k.start < k.renewal);
        assert_eq!(k.outcome == Outcome::Open, k.renewal > as_of, "{}", k.account_id);
    }
}

#[test]
fn answers_and_measures_are_in_range_and_compliance_varies() {
    let c = book();
    for s in &c.survey {
        assert!(s.score <= 10);
        assert!(s.perceived.is_none_or(|p| p <= 10));
        assert!((1.0..=5.0).contains(&s.csat));
    }
    for h in &c.health {
        assert!((0.0..=1.0).contains(&h.licence_utilisation));
        assert!(h.high_priority_tickets <= h.open_tickets);
        assert!(h.nps.is_none_or(|n| n <= 10));
        assert_eq!(h.nps.is_some(), h.nps_date.is_some());
        assert!(h.nps_date.is_none_or(|d| d <= h.date));
    }
    // Health has a history: most customers have a year or more of months.
    let months = c.health.len() as f64 / c.accounts.len() as f64;
    assert!(months > 8.0, "{months}");
    // Delivery varies: some accounts get almost everything, others far less.
    let mut per: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &c.delivered {
        *per.entry(d.account.as_str()).or_default() += 1;
    }
    let counts: BTreeSet<usize> = per.values().copied().collect();
    assert!(counts.len() > 10);
    // Renewals both expand and contract.
    assert!(c.renewals.iter().any(|r| r.movement == Movement::Expansion));
    assert!(c.renewals.iter().any(|r| r.movement == Movement::Contraction));
    // Cohorts start with their members and never grow.
    for (label, alive) in c.cohorts.labels.iter().zip(&c.cohorts.alive) {
        let members = c.accounts.iter().filter(|a| &a.cohort == label).count() as u64;
        assert_eq!(alive[0], members);
        assert!(alive.windows(2).all(|w| w[1] <= w[0]));
    }
    assert!(c.cohorts.labels.len() >= 4);
}

#[test]
fn options_are_validated_with_typed_errors() {
    for accounts in [0, MAX_SAMPLE_ACCOUNTS + 1] {
        let e = SampleCompany::generate(SampleOptions { accounts, ..small() }).unwrap_err();
        match &e {
            Error::OutOfRange { field, value, .. } => {
                assert_eq!(field, "sample accounts");
                assert_eq!(value, &accounts.to_string());
            }
            other => panic!("{other:?}"),
        }
    }
    let late_start = SampleOptions {
        start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        ..small()
    };
    let e = SampleCompany::generate(late_start).unwrap_err();
    assert!(
        matches!(&e, Error::Invalid { field, value, .. } if field == "sample start" && value == "2026-01-01"),
        "{e:?}"
    );
    assert!(e.to_string().contains("2026-06-30"));
}

#[test]
fn the_first_accounts_do_not_depend_on_the_count() {
    let a = SampleCompany::generate(SampleOptions {
        accounts: 30,
        ..small()
    })
    .unwrap();
    let b = book();
    assert_eq!(a.accounts[..], b.accounts[..30]);
    assert_eq!(a.contracts[..], b.contracts[..30]);
}
