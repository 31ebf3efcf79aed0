//! Sales-to-CS handoff documents of the recent deals (docs/domain-sources.md, "Handoff to CS",
//! "SPICED"): filled in more or less completely, so `cs handoff` has gaps and lags to report.

use chrono::{NaiveDate, TimeDelta};

use super::records::OnboardingRecord;
use crate::onboarding::{Handoff, Person, Persona};
use crate::sample::synthetic::Rng;

/// Deals closed this many days before the as-of date, or fewer, get a handoff document.
pub const HANDOFF_WINDOW_DAYS: i64 = 90;

/// Mixed into the seed for the handoff streams (independent of the account streams).
const STREAM: u64 = 0x4841_4E44_4F46; // "HANDOF"

const SITUATIONS: [&str; 4] = [
    "regional retailer running three web shops on separate platforms",
    "wholesaler moving order intake from email to self-service",
    "manufacturer opening a direct-to-consumer channel",
    "marketplace operator consolidating its catalogue tools",
];
const PAINS: [&str; 4] = [
    "manual catalogue updates take a week per season",
    "checkout outages during campaigns",
    "no single view of stock across channels",
    "slow onboarding of new sellers",
];
const IMPACTS: [&str; 4] = [
    "launch new collections in a day",
    "conversion up two points at peak",
    "stock-outs halved",
    "sellers live within a week",
];

/// The handoff documents of the accounts of `onboarding` closed within
/// [`HANDOFF_WINDOW_DAYS`] of `as_of`, in account order.
pub(super) fn handoffs(seed: u64, onboarding: &[OnboardingRecord], as_of: NaiveDate) -> Vec<Handoff> {
    let from = as_of - TimeDelta::days(HANDOFF_WINDOW_DAYS);
    let mut out = Vec::new();
    for (i, o) in onboarding.iter().enumerate() {
        if o.closed_on < from {
            continue;
        }
        let mut r = Rng::for_account(seed ^ STREAM, i as u64);
        // How diligent this seller was: the chance that any one part is filled in.
        let care = 0.55 + 0.45 * r.uniform();
        let part = |r: &mut Rng, text: &str| r.chance(care).then(|| text.to_owned());
        let mut h = Handoff::new(o.account.clone(), o.closed_on);
        h.completed_on = o.handoff_completed;
        h.csm = Some(Person::new(o.csm.clone()));
        let k = (r.below(4) as usize) % 4;
        h.spiced.situation = part(&mut r, SITUATIONS[k]);
        h.spiced.pain = part(&mut r, PAINS[k]);
        h.spiced.impact = part(&mut r, IMPACTS[k]);
        h.spiced.critical_event = part(&mut r, "go-live before the next peak season");
        h.spiced.decision = part(&mut r, "COO signs; IT and e-commerce lead evaluated");
        h.questions.who_bought = part(&mut r, "the head of e-commerce, backed by the COO");
        h.questions.why_bought = part(&mut r, "one platform for every channel");
        h.questions.before = part(&mut r, "in-house shop plus spreadsheets");
        h.questions.why_not_working = part(&mut r, "every change needed a developer");
        h.questions.problem = part(&mut r, PAINS[k]);
        h.org_structure = part(&mut r, "e-commerce team of six reporting to the COO; IT shared");
        if r.chance(care) {
            h.personas.push(Persona {
                role: "champion".to_owned(),
                cares_about: Some("time to market".to_owned()),
                person: None,
            });
        }
        if r.chance(care) {
            h.key_contacts.push(Person::new("Head of E-commerce"));
        }
        if r.chance(care) {
            h.red_flags = Some(if r.chance(0.2) {
                vec!["budget approved for one year only".to_owned()]
            } else {
                Vec::new()
            });
        }
        out.push(h);
    }
    out
}
