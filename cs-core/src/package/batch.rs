use std::collections::HashMap;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{
    AccountCompliance, ComplianceTotals, ContractTerm, DeliveredActivity, MatchingRules, PackageTimeline,
    SuccessPackage, delivered_from_columns, resolve, timeline_compliance,
};
use crate::document::Document;
use crate::portfolio::Column;
use crate::{Error, Result};

/// The contracts of a portfolio as columns: one row per account.
#[derive(Debug, Clone, Copy)]
pub struct ContractColumns<'a, S> {
    /// Account identifiers, unique.
    pub account: &'a [S],
    /// Package names: a custom package passed alongside, or a built-in one.
    pub package: &'a [S],
    /// Contract start dates.
    pub start: &'a [NaiveDate],
    /// Renewal dates.
    pub renewal: &'a [NaiveDate],
}

/// The delivered-activity log of a portfolio as columns: one row per delivery.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryColumns<'a, S> {
    /// The account each delivery belongs to (must appear in the contracts).
    pub account: &'a [S],
    /// Delivery dates.
    pub date: &'a [NaiveDate],
    /// Activity names ([`Activity::parse`]).
    pub activity: &'a [S],
    /// Channel names ([`Channel::parse`]).
    pub channel: &'a [S],
    /// Minutes; a null counts as 0.
    pub minutes: Column<'a, u32>,
    /// Customer participants; a null counts as 0.
    pub participants: Column<'a, u32>,
}

/// Entitlement compliance of a portfolio: one report per account, in contract-row order,
/// and the portfolio aggregate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortfolioCompliance {
    /// The as-of date.
    pub as_of: NaiveDate,
    /// Account identifiers, in contract-row order.
    pub accounts: Vec<String>,
    /// One report per account, same order.
    pub reports: Vec<AccountCompliance>,
    /// Items delivered, all accounts.
    pub delivered: u64,
    /// Items owed (delivered + overdue), all accounts.
    pub owed: u64,
    /// Items overdue, all accounts.
    pub overdue: u64,
    /// Pooled ratio `delivered / owed`; `None` when nothing is owed.
    pub ratio: Option<f64>,
    /// Mean of the account ratios over accounts that owe something; `None` when none does.
    pub mean_account_ratio: Option<f64>,
    /// Accounts with some overdue item.
    pub under_delivered_accounts: u32,
    /// Accounts with some over-delivery.
    pub over_delivered_accounts: u32,
    /// Minutes with customers, all accounts.
    pub minutes_with_customer: u64,
}

impl PortfolioCompliance {
    /// Aggregates per-account reports through [`ComplianceTotals`] (exact sums: the result does
    /// not depend on the order of the reports).
    pub fn from_reports(
        as_of: NaiveDate,
        accounts: Vec<String>,
        reports: Vec<AccountCompliance>,
    ) -> Result<Self> {
        if accounts.len() != reports.len() {
            return Err(Error::LengthMismatch {
                field: "reports".into(),
                expected: accounts.len(),
                actual: reports.len(),
            });
        }
        let mut totals = ComplianceTotals::new();
        for r in &reports {
            totals.add_account(
                u64::from(r.delivered),
                u64::from(r.owed),
                u64::from(r.overdue),
                r.ratio,
                r.under_delivered,
                r.over_delivered,
                r.minutes_with_customer,
            )?;
        }
        let count =
            |n: u64| u32::try_from(n).map_err(|_| Error::out_of_range("accounts", n, "0..=4294967295"));
        Ok(PortfolioCompliance {
            as_of,
            delivered: totals.delivered(),
            owed: totals.owed(),
            overdue: totals.overdue(),
            ratio: totals.ratio(),
            mean_account_ratio: totals.mean_account_ratio(),
            under_delivered_accounts: count(totals.under_delivered_accounts())?,
            over_delivered_accounts: count(totals.over_delivered_accounts())?,
            minutes_with_customer: totals.minutes_with_customer(),
            accounts,
            reports,
        })
    }
}

/// Entitlement compliance over a portfolio, from columns: the batch form of
/// [`super::entitlement_compliance`], which it calls once per account (in parallel; the
/// result is identical for any thread count).
///
/// Packages are resolved by name among `packages` first, then the built-in catalog. Errors
/// name the value and, where it has one, the row: columns of unequal length, a duplicate
/// account, an unknown package, activity or channel name, a renewal before its start, a
/// delivery for an account without a contract or dated before its contract start.
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::package::*;
/// use cs_core::portfolio::Column;
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let contracts = ContractColumns {
///     account: &["acme", "globex"],
///     package: &["enterprise", "commerce"],
///     start: &[d(1, 15), d(2, 1)],
///     renewal: &[NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(), NaiveDate::from_ymd_opt(2027, 2, 1).unwrap()],
/// };
/// let deliveries = DeliveryColumns {
///     account: &["acme", "globex"],
///     date: &[d(1, 15), d(2, 1)],
///     activity: &["csm_introduction", "csm_introduction"],
///     channel: &["virtual_meeting", "virtual_meeting"],
///     minutes: Column::new("minutes", &[30, 30]),
///     participants: Column::new("participants", &[2, 1]),
/// };
/// let p = entitlement_compliance_batch(&contracts, &deliveries, &[], d(3, 31), &MatchingRules::default())?;
/// assert_eq!(p.reports.len(), 2);
/// assert_eq!(p.minutes_with_customer, 60);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn entitlement_compliance_batch<S: AsRef<str> + Sync>(
    contracts: &ContractColumns<'_, S>,
    deliveries: &DeliveryColumns<'_, S>,
    packages: &[SuccessPackage],
    as_of: NaiveDate,
    rules: &MatchingRules,
) -> Result<PortfolioCompliance> {
    entitlement_compliance_located(contracts, deliveries, packages, as_of, rules).map_err(|(_, e)| e)
}

/// The input of [`entitlement_compliance_batch`] an error concerns, so that a front end can
/// name the file (and, with the error's position, the row) to fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceInput {
    /// The contracts table (one row per account).
    Contracts,
    /// The delivered-activity log.
    Deliveries,
    /// The matching rules.
    Rules,
}

/// [`entitlement_compliance_batch`], with the input each error concerns: a duplicate account,
/// an unknown package or a renewal before its start is a [`ComplianceInput::Contracts`] error
/// at that contract row; an unknown activity or channel, a delivery for an account without a
/// contract or dated before its contract start is a [`ComplianceInput::Deliveries`] error at
/// that delivery row.
pub fn entitlement_compliance_located<S: AsRef<str> + Sync>(
    contracts: &ContractColumns<'_, S>,
    deliveries: &DeliveryColumns<'_, S>,
    packages: &[SuccessPackage],
    as_of: NaiveDate,
    rules: &MatchingRules,
) -> std::result::Result<PortfolioCompliance, (ComplianceInput, Error)> {
    use ComplianceInput::{Contracts, Deliveries, Rules};
    rules.validate().map_err(|e| (Rules, e))?;
    let rows = contracts.account.len();
    let same = |field: &str, len: usize, expected: usize| {
        if len == expected {
            Ok(())
        } else {
            Err(Error::LengthMismatch {
                field: field.into(),
                expected,
                actual: len,
            })
        }
    };
    let in_contracts = |e| (Contracts, e);
    let in_deliveries = |e| (Deliveries, e);
    same("package", contracts.package.len(), rows).map_err(in_contracts)?;
    same("start", contracts.start.len(), rows).map_err(in_contracts)?;
    same("renewal", contracts.renewal.len(), rows).map_err(in_contracts)?;
    let log_rows = deliveries.account.len();
    same("date", deliveries.date.len(), log_rows).map_err(in_deliveries)?;
    same("activity", deliveries.activity.len(), log_rows).map_err(in_deliveries)?;
    same("channel", deliveries.channel.len(), log_rows).map_err(in_deliveries)?;
    deliveries.minutes.expect_len(log_rows).map_err(in_deliveries)?;
    deliveries
        .participants
        .expect_len(log_rows)
        .map_err(in_deliveries)?;

    let mut index: HashMap<&str, usize> = HashMap::with_capacity(rows);
    let mut resolved: HashMap<String, PackageTimeline> = HashMap::new();
    let mut terms = Vec::with_capacity(rows);
    let mut package_keys = Vec::with_capacity(rows);
    for row in 0..rows {
        let account = contracts.account[row].as_ref();
        if index.insert(account, row).is_some() {
            return Err((Contracts, Error::duplicate("account", account).at(row)));
        }
        terms.push(
            ContractTerm::new(contracts.start[row], contracts.renewal[row])
                .map_err(|e| (Contracts, e.at(row)))?,
        );
        let key = contracts.package[row].as_ref().trim().to_ascii_lowercase();
        if !resolved.contains_key(&key) {
            let package = resolve(&key, packages).map_err(|e| (Contracts, e.at(row)))?;
            resolved.insert(key.clone(), PackageTimeline::new(package));
        }
        package_keys.push(key);
    }

    let log = delivered_from_columns(
        deliveries.date,
        deliveries.activity,
        deliveries.channel,
        deliveries.minutes,
        deliveries.participants,
    )
    .map_err(in_deliveries)?;
    let mut logs: Vec<Vec<DeliveredActivity>> = vec![Vec::new(); rows];
    for (entry, delivery) in log.into_iter().enumerate() {
        let account = deliveries.account[entry].as_ref();
        let Some(&row) = index.get(account) else {
            return Err((
                Deliveries,
                Error::invalid(
                    "delivery account",
                    format!("{account:?}"),
                    "no contract row has this account",
                )
                .at(entry),
            ));
        };
        if delivery.date < terms[row].start() {
            return Err((
                Deliveries,
                Error::invalid(
                    "delivered activity date",
                    delivery.date,
                    format!(
                        "it is before the contract start {} of account {account}",
                        terms[row].start()
                    ),
                )
                .at(entry),
            ));
        }
        logs[row].push(delivery);
    }

    let results: Vec<Result<AccountCompliance>> = (0..rows)
        .into_par_iter()
        .map(|row| {
            timeline_compliance(
                &resolved[&package_keys[row]],
                &terms[row],
                &logs[row],
                as_of,
                rules,
            )
            .map_err(|e| e.at(row))
        })
        .collect();
    // The first error in row order, whatever the thread that found it.
    let reports = results
        .into_iter()
        .collect::<Result<Vec<_>>>()
        .map_err(in_contracts)?;
    let accounts = contracts.account.iter().map(|a| a.as_ref().to_owned()).collect();
    PortfolioCompliance::from_reports(as_of, accounts, reports).map_err(in_contracts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::{MatchingRules, entitlement_compliance};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    struct Fixture {
        account: Vec<&'static str>,
        package: Vec<&'static str>,
        start: Vec<NaiveDate>,
        renewal: Vec<NaiveDate>,
        d_account: Vec<&'static str>,
        d_date: Vec<NaiveDate>,
        d_activity: Vec<&'static str>,
        d_channel: Vec<&'static str>,
        minutes: Vec<u32>,
        participants: Vec<u32>,
    }

    fn fixture() -> Fixture {
        Fixture {
            account: vec!["acme", "globex", "initech"],
            package: vec!["enterprise", "Commerce", "strategic"],
            start: vec![d(2026, 1, 15), d(2026, 2, 1), d(2025, 11, 30)],
            renewal: vec![d(2027, 1, 15), d(2027, 2, 1), d(2026, 11, 30)],
            d_account: vec!["acme", "acme", "globex", "initech", "acme"],
            d_date: vec![
                d(2026, 1, 15),
                d(2026, 3, 16),
                d(2026, 2, 2),
                d(2025, 12, 1),
                d(2026, 2, 1),
            ],
            d_activity: vec![
                "csm_introduction",
                "success review",
                "csm_introduction",
                "csm_introduction",
                "kickoff",
            ],
            d_channel: vec!["virtual_meeting", "on_site", "virtual", "on_site", "on_site"],
            minutes: vec![30, 60, 25, 45, 120],
            participants: vec![2, 3, 1, 4, 6],
        }
    }

    fn run(f: &Fixture, as_of: NaiveDate) -> Result<PortfolioCompliance> {
        let contracts = ContractColumns {
            account: &f.account,
            package: &f.package,
            start: &f.start,
            renewal: &f.renewal,
        };
        let deliveries = DeliveryColumns {
            account: &f.d_account,
            date: &f.d_date,
            activity: &f.d_activity,
            channel: &f.d_channel,
            minutes: Column::new("minutes", &f.minutes),
            participants: Column::new("participants", &f.participants),
        };
        entitlement_compliance_batch(&contracts, &deliveries, &[], as_of, &MatchingRules::default())
    }

    #[test]
    fn batch_equals_the_per_account_function() {
        let f = fixture();
        let as_of = d(2026, 6, 30);
        let p = run(&f, as_of).unwrap();
        let acme_log = [
            DeliveredActivity::parse(d(2026, 1, 15), "csm_introduction", "virtual_meeting", 30, 2).unwrap(),
            DeliveredActivity::parse(d(2026, 3, 16), "success_review", "on_site", 60, 3).unwrap(),
            DeliveredActivity::parse(d(2026, 2, 1), "kickoff", "on_site", 120, 6).unwrap(),
        ];
        let acme = entitlement_compliance(
            &SuccessPackage::builtin("enterprise").unwrap(),
            &ContractTerm::new(d(2026, 1, 15), d(2027, 1, 15)).unwrap(),
            &acme_log,
            as_of,
            &MatchingRules::default(),
        )
        .unwrap();
        assert_eq!(p.reports[0], acme);
        assert_eq!(p.accounts, vec!["acme", "globex", "initech"]);
        assert_eq!(p.reports[2].entitlements[0].package, "strategic_segment");
        // Pooled ratio = Σ delivered / Σ owed.
        let delivered: u32 = p.reports.iter().map(|r| r.delivered).sum();
        let owed: u32 = p.reports.iter().map(|r| r.owed).sum();
        assert_eq!(p.ratio, Some(f64::from(delivered) / f64::from(owed)));
        assert_eq!(p.minutes_with_customer, 30 + 60 + 25 + 45 + 120);
        assert_eq!(p.under_delivered_accounts, 3);
    }

    #[test]
    fn errors_say_which_input_holds_the_value() {
        let located = |f: &Fixture| {
            let contracts = ContractColumns {
                account: &f.account,
                package: &f.package,
                start: &f.start,
                renewal: &f.renewal,
            };
            let deliveries = DeliveryColumns {
                account: &f.d_account,
                date: &f.d_date,
                activity: &f.d_activity,
                channel: &f.d_channel,
                minutes: Column::new("minutes", &f.minutes),
                participants: Column::new("participants", &f.participants),
            };
            let rules = MatchingRules::default();
            entitlement_compliance_located(&contracts, &deliveries, &[], d(2026, 6, 30), &rules)
                .map(|_| ())
                .unwrap_err()
        };
        let mut f = fixture();
        f.account[2] = "acme";
        let (input, e) = located(&f);
        assert_eq!((input, e.position()), (ComplianceInput::Contracts, Some(2)));
        let mut f = fixture();
        f.d_channel[3] = "pigeon";
        let (input, e) = located(&f);
        assert_eq!((input, e.position()), (ComplianceInput::Deliveries, Some(3)));
        let mut f = fixture();
        f.d_account[4] = "hooli";
        let (input, e) = located(&f);
        assert_eq!((input, e.position()), (ComplianceInput::Deliveries, Some(4)));
    }

    #[test]
    fn bad_rows_are_named() {
        let mut f = fixture();
        f.d_date[2] = d(2026, 1, 20);
        let e = run(&f, d(2026, 6, 30)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "delivered activity date 2026-01-20 at position 2 is invalid: it is before the contract start 2026-02-01 of account globex"
        );

        let mut f = fixture();
        f.d_activity[1] = "golf";
        assert!(
            run(&f, d(2026, 6, 30))
                .unwrap_err()
                .to_string()
                .starts_with("unknown activity \"golf\" at position 1")
        );

        let mut f = fixture();
        f.renewal[1] = d(2026, 1, 1);
        assert!(
            run(&f, d(2026, 6, 30))
                .unwrap_err()
                .to_string()
                .starts_with("renewal date 2026-01-01 at position 1")
        );

        let mut f = fixture();
        f.account[2] = "acme";
        assert_eq!(
            run(&f, d(2026, 6, 30)).unwrap_err().to_string(),
            "duplicate account \"acme\" at position 2"
        );

        let mut f = fixture();
        f.package[0] = "platinum";
        assert!(
            run(&f, d(2026, 6, 30))
                .unwrap_err()
                .to_string()
                .starts_with("unknown success package \"platinum\"")
        );

        let mut f = fixture();
        f.d_account[0] = "hooli";
        assert!(
            run(&f, d(2026, 6, 30))
                .unwrap_err()
                .to_string()
                .contains("delivery account \"hooli\" at position 0")
        );

        let mut f = fixture();
        f.minutes.pop();
        assert!(matches!(
            run(&f, d(2026, 6, 30)).unwrap_err(),
            Error::LengthMismatch { .. }
        ));
    }

    #[test]
    fn result_does_not_depend_on_the_thread_count() {
        let f = fixture();
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let a = one.install(|| run(&f, d(2026, 9, 1)).unwrap());
        let b = run(&f, d(2026, 9, 1)).unwrap();
        assert_eq!(a, b);
    }
}
