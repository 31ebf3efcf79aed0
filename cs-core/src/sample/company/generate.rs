//! The simulation behind [`super::SampleCompany::generate`]: each account month by month.

use chrono::{Datelike, Months, NaiveDate, TimeDelta};

use super::records::{
    AccountRecord, ArrSnapshotRecord, ChurnRecord, CohortTable, ContractRecord, DeliveryRecord, HealthRecord,
    Movement, OnboardingRecord, Outcome, PortfolioRecord, RenewalRecord, SurveyRecord,
};
use super::{SAMPLE_CURRENCY, SampleCompany, SampleOptions};
use crate::package::{Channel, ContractTerm, SuccessPackage, engagement_calendar};
use crate::revenue::ChurnReason;
use crate::sample::synthetic::{CSM_NAMES, Rng, logistic, logit};
use crate::sample::{Region, Segment};
use crate::{Error, Result};

/// Mixed into the seed so the sample's streams differ from the synthetic portfolio's.
const STREAM: u64 = 0x4F4D_4E49_434F; // "OMNICO"

const FIRST_NAMES: [&str; 16] = [
    "Alex", "Blair", "Cameron", "Dana", "Eli", "Frankie", "Gray", "Harper", "Indra", "Jules", "Kai", "Lou",
    "Marin", "Noor", "Oakley", "Pat",
];
const LAST_NAMES: [&str; 16] = [
    "Andersen", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hoffmann", "Ivanova", "Jensen",
    "Kowalski", "Larsen", "Moreau", "Nilsen", "Okoye", "Petrov",
];

fn date_error(what: &str, date: NaiveDate) -> Error {
    Error::invalid("sample date", date, format!("{what} lies outside the calendar"))
}

fn add_days(d: NaiveDate, days: i64) -> Result<NaiveDate> {
    d.checked_add_signed(TimeDelta::days(days))
        .ok_or_else(|| date_error("a day offset", d))
}

fn add_months(d: NaiveDate, months: u32) -> Result<NaiveDate> {
    d.checked_add_months(Months::new(months))
        .ok_or_else(|| date_error("a month offset", d))
}

/// Whole months from `from` to `to` (0 when `to` is not later).
fn whole_months(from: NaiveDate, to: NaiveDate) -> u32 {
    let months = (to.year() - from.year()) * 12 + to.month() as i32
        - from.month() as i32
        - i32::from(to.day() < from.day());
    u32::try_from(months).unwrap_or(0)
}

fn quarter_label(d: NaiveDate) -> String {
    format!("{}Q{}", d.year(), (d.month() - 1) / 3 + 1)
}

fn last_day_of_month(d: NaiveDate) -> Result<NaiveDate> {
    let first = d.with_day(1).ok_or_else(|| date_error("a month start", d))?;
    add_days(add_months(first, 1)?, -1)
}

/// The check dates of the history: every month end before `as_of`, then `as_of`.
fn check_dates(start: NaiveDate, as_of: NaiveDate) -> Result<Vec<NaiveDate>> {
    let mut dates = Vec::new();
    let mut d = last_day_of_month(start)?;
    while d < as_of {
        dates.push(d);
        d = last_day_of_month(add_days(d, 1)?)?;
    }
    dates.push(as_of);
    Ok(dates)
}

fn pick<T: Copy>(r: &mut Rng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut u = r.uniform() * total;
    for &(item, w) in items {
        if u < w {
            return item;
        }
        u -= w;
    }
    items[items.len() - 1].0
}

fn whole_dollars(cents: f64) -> i64 {
    (libm::round(cents / 100.0) as i64).max(100) * 100
}

/// What one account's simulation yields.
struct Simulated {
    account: AccountRecord,
    contract: ContractRecord,
    onboarding: OnboardingRecord,
    health: Vec<HealthRecord>,
    survey: Vec<SurveyRecord>,
    delivered: Vec<DeliveryRecord>,
    renewals: Vec<RenewalRecord>,
    churn: Option<ChurnRecord>,
    /// `(term start, ARR)` of every term, oldest first.
    terms: Vec<(NaiveDate, i64)>,
    /// The package of the account, as a catalog package.
    first_impact: Option<NaiveDate>,
}

pub(super) fn generate(options: SampleOptions) -> Result<SampleCompany> {
    let packages = [
        SuccessPackage::builtin("community_segment")?,
        SuccessPackage::builtin("commerce")?,
        SuccessPackage::builtin("enterprise_segment")?,
        SuccessPackage::builtin("enterprise")?,
        SuccessPackage::builtin("strategic_segment")?,
    ];
    let dates = check_dates(options.start, options.as_of)?;
    let previous = options.previous_year()?;
    let mut book = SampleCompany {
        options,
        accounts: Vec::with_capacity(options.accounts),
        contracts: Vec::with_capacity(options.accounts),
        health: Vec::new(),
        survey: Vec::new(),
        delivered: Vec::new(),
        onboarding: Vec::with_capacity(options.accounts),
        renewals: Vec::new(),
        churned: Vec::new(),
        arr_start: Vec::new(),
        portfolio: Vec::new(),
        cohorts: CohortTable {
            labels: Vec::new(),
            alive: Vec::new(),
        },
        handoffs: Vec::new(),
    };
    for i in 0..options.accounts {
        let s = simulate(&options, i as u64, &packages, &dates)?;
        let active =
            |d: NaiveDate| s.account.customer_since <= d && s.account.churned_on.is_none_or(|c| c > d);
        if active(previous) {
            let arr = s
                .terms
                .iter()
                .rev()
                .find(|(start, _)| *start <= previous)
                .map_or(0, |(_, arr)| *arr);
            book.arr_start.push(ArrSnapshotRecord {
                account_id: s.account.account_id.clone(),
                date: previous,
                segment: s.account.segment,
                arr,
            });
        }
        if active(options.as_of)
            && let Some(latest) = s.health.last()
        {
            let previous_arr = s.terms.iter().rev().nth(1).map_or(s.account.arr, |(_, arr)| *arr);
            book.portfolio.push(PortfolioRecord {
                account_id: s.account.account_id.clone(),
                segment: s.account.segment,
                region: s.account.region,
                csm: s.account.csm.clone(),
                package: s.account.package.clone(),
                arr: s.account.arr,
                previous_arr,
                renewal_date: s.contract.renewal,
                auto_renew: s.contract.auto_renew,
                notice_days: s.contract.notice_days,
                contact_confirmed: s.contract.contact_confirmed,
                first_impact_reached: s.first_impact.is_some(),
                health: latest.clone(),
            });
        }
        book.accounts.push(s.account);
        book.contracts.push(s.contract);
        book.onboarding.push(s.onboarding);
        book.health.extend(s.health);
        book.survey.extend(s.survey);
        book.delivered.extend(s.delivered);
        book.renewals.extend(s.renewals);
        book.churned.extend(s.churn);
    }
    // Survey answers by date (then account), numbered in that order.
    book.survey
        .sort_by(|a, b| (a.date, &a.account_id).cmp(&(b.date, &b.account_id)));
    for (n, answer) in book.survey.iter_mut().enumerate() {
        answer.response_id = format!("R{:07}", n + 1);
    }
    book.cohorts = cohorts(&book.accounts, options.as_of)?;
    book.handoffs = super::handoff::handoffs(options.seed, &book.onboarding, options.as_of);
    Ok(book)
}

/// Alive counts per start quarter and contract year, for cohorts observed three contract years
/// or more (a shorter cohort has too few renewals to fit).
fn cohorts(accounts: &[AccountRecord], as_of: NaiveDate) -> Result<CohortTable> {
    let mut labels: Vec<String> = accounts.iter().map(|a| a.cohort.clone()).collect();
    labels.sort();
    labels.dedup();
    let mut table = CohortTable {
        labels: Vec::new(),
        alive: Vec::new(),
    };
    for label in labels {
        let members: Vec<&AccountRecord> = accounts.iter().filter(|a| a.cohort == label).collect();
        let Some(last_start) = members.iter().map(|a| a.customer_since).max() else {
            continue;
        };
        let mut alive = Vec::new();
        for year in 0u32.. {
            if add_months(last_start, 12 * year)? > as_of {
                break;
            }
            let mut count = 0u64;
            for a in &members {
                let anniversary = add_months(a.customer_since, 12 * year)?;
                if a.churned_on.is_none_or(|c| c > anniversary) {
                    count += 1;
                }
            }
            alive.push(count);
        }
        if alive.len() >= 3 {
            table.labels.push(label);
            table.alive.push(alive);
        }
    }
    Ok(table)
}

#[allow(clippy::too_many_lines, clippy::many_single_char_names)] // one account's story, read top to bottom
fn simulate(
    options: &SampleOptions,
    index: u64,
    packages: &[SuccessPackage; 5],
    dates: &[NaiveDate],
) -> Result<Simulated> {
    let as_of = options.as_of;
    let mut r = Rng::for_account(options.seed ^ STREAM, index);
    let h = r.normal();
    let u = r.uniform();
    let (segment, k) = if u < 0.70 {
        (Segment::Community, 0)
    } else if u < 0.93 {
        (Segment::Enterprise, 1)
    } else {
        (Segment::Strategic, 2)
    };
    let region = pick(
        &mut r,
        &[
            (Region::NorthAmerica, 0.45),
            (Region::Emea, 0.33),
            (Region::Apac, 0.17),
            (Region::Latam, 0.05),
        ],
    );
    let csm_index = [0u64, 4, 10][k] + r.below([4u64, 6, 2][k]);
    let csm = CSM_NAMES[usize::try_from(csm_index).unwrap_or(0) % CSM_NAMES.len()].to_owned();
    let package = match k {
        0 => &packages[0],
        1 => &packages[if r.chance(0.5) { 1 } else { 2 }],
        _ => &packages[if r.chance(0.5) { 3 } else { 4 }],
    };
    let account_id = format!("OMN-{:06}", index + 1);

    // Onboarding. Deals close more often as the company grows: the close day is
    // span * u^0.7 into the history.
    let span = (as_of - options.start).num_days() - 30;
    let closed_on = add_days(
        options.start,
        libm::floor(span as f64 * libm::pow(r.uniform(), 0.7)) as i64,
    )?;
    let handoff_lag = libm::round(-libm::log(1.0 - r.uniform()) * [3.0, 4.0, 6.0][k]) as i64;
    let handoff_completed = Some(add_days(closed_on, handoff_lag)?).filter(|d| *d <= as_of);
    let contract_start = add_days(closed_on, 3 + r.below(15) as i64)?;
    let kickoff = Some(add_days(contract_start, 3 + r.below(18) as i64)?).filter(|d| *d <= as_of);
    let jip_days = 7 + r.below(21) as i64;
    let joint_impact_plan = match kickoff {
        Some(k) => Some(add_days(k, jip_days)?).filter(|d| *d <= as_of),
        None => None,
    };
    let ttfi = r.lognormal([40.0, 55.0, 75.0][k], 0.45) * libm::exp(-0.25 * h);
    let misses_first_impact = r.chance(logistic(-2.2 - 0.8 * h));
    let first_impact = match joint_impact_plan {
        Some(_) if !misses_first_impact => kickoff
            .map(|k| add_days(k, libm::round(ttfi) as i64))
            .transpose()?
            .filter(|d| *d <= as_of),
        _ => None,
    };

    // The commercial terms of the first contract.
    let term_months = [12u32, 12, 24][k];
    let auto_renew = r.chance([0.8, 0.5, 0.1][k]);
    let notice_days = if auto_renew { [30u32, 60, 90][k] } else { 0 };
    let renewal_contact = format!(
        "{} {}",
        FIRST_NAMES[r.below(16) as usize % 16],
        LAST_NAMES[r.below(16) as usize % 16]
    );
    let seat_price = [48_000.0, 36_000.0, 24_000.0][k]; // cents per licence and year
    let mut arr = whole_dollars(r.lognormal([6_000.0, 60_000.0, 400_000.0][k], [0.6, 0.5, 0.4][k]) * 100.0);
    let mut term_start = contract_start;
    let mut renewal = add_months(contract_start, term_months)?;
    let mut term = 1u32;
    let mut terms = vec![(term_start, arr)];
    let mut renewals = Vec::new();
    let mut churn = None;
    let mut churned_on = None;

    // The monthly history: health drifts around the account's level.
    let mut drift = 0.0;
    let mut sponsor = r.chance(logistic(logit([0.15, 0.55, 0.85][k]) + 0.8 * h));
    let mut health = Vec::new();
    let mut survey = Vec::new();
    let mut last_answer: Option<(u8, NaiveDate)> = None;
    let response_rate = [0.35, 0.55, 0.70][k];
    for &date in dates.iter().filter(|d| **d >= contract_start) {
        drift = 0.8 * drift + 0.3 * r.normal();
        let hm = h + drift;
        // Renewals falling due up to this date are decided on the health of the moment.
        while renewal <= date && churned_on.is_none() {
            let no_impact = first_impact.is_none_or(|d| d > renewal);
            // Customers who stay grow attached: each renewal lowers the odds of leaving.
            let loyalty = 0.6 * f64::from(term - 1);
            let p = logistic(
                logit([0.18, 0.11, 0.08][k]) - 1.1 * hm - loyalty + if no_impact { 0.8 } else { 0.0 },
            );
            if r.chance(p) {
                let reason = churn_reason(&mut r, hm);
                renewals.push(RenewalRecord {
                    account_id: account_id.clone(),
                    renewal_date: renewal,
                    term,
                    outcome: Outcome::Churned,
                    arr_before: arr,
                    arr_after: 0,
                    movement: Movement::Churn,
                    reason: Some(reason),
                    currency: SAMPLE_CURRENCY.to_owned(),
                });
                churn = Some(ChurnRecord {
                    account_id: account_id.clone(),
                    churned_on: renewal,
                    segment,
                    reason,
                    arr,
                });
                churned_on = Some(renewal);
            } else {
                let next = if r.chance(0.45) {
                    arr
                } else {
                    let factor = libm::exp(0.10 + 0.15 * hm + 0.15 * r.normal()).clamp(0.5, 2.5);
                    whole_dollars(arr as f64 * factor)
                };
                let movement = match next.cmp(&arr) {
                    std::cmp::Ordering::Greater => Movement::Expansion,
                    std::cmp::Ordering::Less => Movement::Contraction,
                    std::cmp::Ordering::Equal => Movement::Flat,
                };
                renewals.push(RenewalRecord {
                    account_id: account_id.clone(),
                    renewal_date: renewal,
                    term,
                    outcome: Outcome::Renewed,
                    arr_before: arr,
                    arr_after: next,
                    movement,
                    reason: None,
                    currency: SAMPLE_CURRENCY.to_owned(),
                });
                arr = next;
                term += 1;
                term_start = renewal;
                renewal = add_months(term_start, term_months)?;
                terms.push((term_start, arr));
            }
        }
        if churned_on.is_some_and(|c| c <= date) {
            break;
        }
        let tenure = whole_months(contract_start, date);
        // A survey goes out in the fourth month of every half year.
        if tenure % 6 == 3 {
            let answer_day = add_days(date, -(r.below(20) as i64))?.max(contract_start);
            if r.chance(response_rate) {
                let score = libm::round(7.6 + 1.9 * hm + 1.6 * r.normal()).clamp(0.0, 10.0) as u8;
                let perceived = r
                    .chance(0.7)
                    .then(|| libm::round(7.4 + 1.2 * h + 1.5 * r.normal()).clamp(0.0, 10.0) as u8);
                let csat_raw = 1.0 + 4.0 * logistic(0.9 + 0.8 * hm + 0.5 * r.normal());
                let csat = (libm::round(csat_raw * 2.0) / 2.0).clamp(1.0, 5.0);
                survey.push(SurveyRecord {
                    response_id: String::new(),
                    date: answer_day,
                    account_id: account_id.clone(),
                    segment,
                    region,
                    csm: csm.clone(),
                    score,
                    perceived,
                    csat,
                });
                last_answer = Some((score, answer_day));
            }
        }
        if r.chance(0.05) {
            sponsor = r.chance(logistic(logit([0.15, 0.55, 0.85][k]) + 0.8 * hm));
        }
        let licences = ((arr as f64 / seat_price).round() as u32).max(1);
        let ramp = (0.5 + 0.17 * f64::from(tenure)).min(1.0);
        let util = logistic(1.0 + 1.1 * hm + 0.3 * r.normal()) * ramp;
        let active = ((f64::from(licences) * util).round() as u32).min(licences);
        let rate = libm::exp(libm::log(9.0) + 0.45 * hm + 0.25 * r.normal());
        let logins = (f64::from(active) * rate).round() as u32;
        let tickets = r.poisson([1.5, 3.5, 6.0][k] * libm::exp(-0.4 * hm));
        let p_high = (0.12 * libm::exp(-0.5 * hm)).min(0.6);
        let high = (0..tickets).filter(|_| r.chance(p_high)).count() as u32;
        let touch = -libm::log(1.0 - r.uniform()) * [75.0, 30.0, 12.0][k] * libm::exp(-0.35 * hm);
        let since_start = u32::try_from((date - contract_start).num_days()).unwrap_or(0);
        health.push(HealthRecord {
            account_id: account_id.clone(),
            date,
            segment,
            arr,
            licences,
            active_users: active,
            licence_utilisation: f64::from(active) / f64::from(licences),
            logins_per_user: if active > 0 {
                f64::from(logins) / f64::from(active)
            } else {
                0.0
            },
            open_tickets: tickets,
            high_priority_tickets: high,
            nps: last_answer.map(|(s, _)| s),
            nps_date: last_answer.map(|(_, d)| d),
            days_since_last_touch: (libm::round(touch) as u32).min(since_start),
            executive_sponsor: sponsor,
        });
    }

    let contact_confirmed = r.chance(logistic(0.3 + 0.9 * h));
    let contract = ContractRecord {
        account_id: account_id.clone(),
        package: package.name.clone(),
        start: term_start,
        renewal,
        term_months,
        auto_renew,
        notice_days,
        renewal_contact,
        contact_confirmed,
        arr,
        currency: SAMPLE_CURRENCY.to_owned(),
        outcome: if churned_on.is_some() {
            Outcome::Churned
        } else {
            Outcome::Open
        },
    };
    let delivered = deliveries(&mut r, &account_id, package, &contract, as_of, h, k)?;
    let end = churned_on.unwrap_or(as_of);
    let account = AccountRecord {
        account_id: account_id.clone(),
        segment,
        region,
        csm: csm.clone(),
        package: package.name.clone(),
        currency: SAMPLE_CURRENCY.to_owned(),
        arr,
        customer_since: contract_start,
        churned_on,
        churned: churned_on.is_some(),
        tenure_months: whole_months(contract_start, end),
        cohort: quarter_label(contract_start),
    };
    let onboarding = OnboardingRecord {
        account: account_id,
        segment,
        csm,
        closed_on,
        handoff_completed,
        contract_start,
        kickoff,
        joint_impact_plan,
        first_impact,
        contract_end: renewal,
        renewed_on: renewals
            .iter()
            .rev()
            .find(|r| r.outcome == Outcome::Renewed)
            .map(|r| r.renewal_date)
            .filter(|_| churned_on.is_none()),
        churned_on,
    };
    Ok(Simulated {
        account,
        contract,
        onboarding,
        health,
        survey,
        delivered,
        renewals,
        churn,
        terms,
        first_impact,
    })
}

fn churn_reason(r: &mut Rng, health: f64) -> ChurnReason {
    use ChurnReason::{
        BusinessChange, ChampionLeft, Competitor, Consolidation, LowAdoption, NoValue, Other, Price,
        ProductFit, ProductQuality, RenewalNotAsked, ServiceExperience,
    };
    if health < -0.5 {
        pick(
            r,
            &[
                (LowAdoption, 3.0),
                (NoValue, 3.0),
                (ServiceExperience, 1.0),
                (ProductFit, 1.0),
                (Competitor, 2.0),
                (Price, 2.0),
                (ChampionLeft, 1.0),
                (RenewalNotAsked, 1.0),
            ],
        )
    } else {
        pick(
            r,
            &[
                (Price, 3.0),
                (BusinessChange, 2.0),
                (Consolidation, 2.0),
                (Competitor, 2.0),
                (ChampionLeft, 2.0),
                (ProductQuality, 1.0),
                (Other, 1.0),
            ],
        )
    }
}

/// The activities delivered against the engagement calendar of the account's latest term, up
/// to the as-of date: each item delivered with a probability that rises with health, a few
/// days early or late, through the entitled channel or an accepted substitute.
fn deliveries(
    r: &mut Rng,
    account: &str,
    package: &SuccessPackage,
    contract: &ContractRecord,
    as_of: NaiveDate,
    h: f64,
    k: usize,
) -> Result<Vec<DeliveryRecord>> {
    let term = ContractTerm::new(contract.start, contract.renewal)?;
    let calendar = engagement_calendar(package, &term)?;
    let last = term.last_day().min(as_of);
    let p_deliver = logistic(logit([0.72, 0.80, 0.88][k]) + 0.7 * h);
    let mut out = Vec::new();
    for item in calendar.items.iter().filter(|i| i.date <= as_of) {
        if !r.chance(p_deliver) {
            continue;
        }
        let shift = libm::round(4.0 * r.normal()) as i64;
        let date = add_days(item.date, shift)?.clamp(term.start(), last);
        let channel = match item.channel {
            Channel::OnSiteIfLocationAllows => {
                if r.chance(0.4) {
                    Channel::OnSite
                } else {
                    Channel::VirtualMeeting
                }
            }
            Channel::Digital => pick(
                r,
                &[
                    (Channel::Email, 0.7),
                    (Channel::Webinar, 0.15),
                    (Channel::Blog, 0.15),
                ],
            ),
            c => c,
        };
        let (minutes, participants) = match channel {
            Channel::Internal => (15 + 15 * r.below(4) as u32, 0),
            Channel::OnSite => (90 + 30 * r.below(4) as u32, 1 + r.below(6) as u32),
            Channel::VirtualMeeting => (30 + 15 * r.below(4) as u32, 1 + r.below(5) as u32),
            Channel::Phone => (15 + 15 * r.below(3) as u32, 1 + r.below(2) as u32),
            Channel::Webinar => (60, 1 + r.below(3) as u32),
            _ => (0, 0),
        };
        out.push(DeliveryRecord {
            account: account.to_owned(),
            date,
            activity: item.activity,
            channel,
            minutes,
            participants,
        });
    }
    out.sort_by_key(|d| d.date);
    Ok(out)
}
