use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::people::{Person, Side, non_blank};
use crate::document::Document;
use crate::nps::Perceived;
use crate::{Error, Result};

/// The part a kickoff attendee plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendeeRole {
    /// A key contact of the customer.
    KeyContact,
    /// The customer's executive sponsor.
    ExecutiveSponsor,
    /// The Customer Success Manager.
    Csm,
    /// The seller who closed the deal.
    Sales,
    /// The account manager.
    AccountManager,
    /// Anyone else (services, support, product).
    Other,
}

/// One attendee of the kickoff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attendee {
    /// The person.
    pub person: Person,
    /// Which side they are on.
    pub side: Side,
    /// Their part in the meeting.
    pub role: AttendeeRole,
}

/// Who is responsible for what, agreed at kickoff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Responsibility {
    /// The party: a person or a team ("Customer IT", "Our services team").
    pub party: String,
    /// Which side the party is on.
    pub side: Side,
    /// What they own.
    pub responsibilities: String,
}

/// A next step with an owner and a due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextStep {
    /// What is to be done.
    pub description: String,
    /// Who does it.
    pub owner: String,
    /// Which side the owner is on.
    pub side: Side,
    /// When it is due; not before the kickoff.
    pub due: NaiveDate,
}

/// The customer kickoff: the CSM's formal introduction, where goals are confirmed, roles set,
/// the First Impact defined and the CSM records the account's perceived NPS
/// (docs/domain-sources.md, "Kickoff call" and "Kickoff": the customer key contacts, the CSM and the
/// sales or account manager attend).
///
/// ```
/// use cs_core::document::Document;
/// use cs_core::nps::{Category, NpsScore, Perceived};
/// use cs_core::onboarding::{AttendeeRole, Kickoff};
/// let k = Kickoff::from_json(r#"{
///     "schema_version": 1, "account": "Acme", "date": "2026-01-20",
///     "attendees": [{"person": {"name": "Ana Ruiz"}, "side": "customer", "role": "key_contact"},
///                   {"person": {"name": "Sam Lee"}, "side": "ours", "role": "csm"}],
///     "perceived_nps": {"score": 8}
/// }"#)?;
/// assert_eq!(k.perceived_nps.map(Perceived::category), Some(Category::Passive));
/// assert_eq!(k.missing_attendees(), vec![AttendeeRole::Sales]);
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kickoff {
    /// Must equal [`Kickoff::SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The account (customer) name or id.
    pub account: String,
    /// The date of the kickoff meeting.
    pub date: NaiveDate,
    /// Who attended; at least one person.
    pub attendees: Vec<Attendee>,
    /// The goals confirmed with the customer (statements, or goal ids of the plan).
    #[serde(default)]
    pub goals_confirmed: Vec<String>,
    /// The First Impact agreed at kickoff, in the customer's words.
    #[serde(default)]
    pub first_impact: Option<String>,
    /// Roles and responsibilities on both sides.
    #[serde(default)]
    pub roles: Vec<Responsibility>,
    /// The CSM's perceived NPS for the account, captured at kickoff; it feeds the NPS
    /// perceived-vs-actual comparison ([`Perceived::against`]).
    #[serde(default)]
    pub perceived_nps: Option<Perceived>,
    /// Next steps with owners and due dates.
    #[serde(default)]
    pub next_steps: Vec<NextStep>,
}

impl Kickoff {
    /// Recommended attendees that are absent: a customer key contact (or executive sponsor),
    /// the CSM, and the sales or account manager (docs/domain-sources.md, "Kickoff"). A reminder, not an
    /// error.
    pub fn missing_attendees(&self) -> Vec<AttendeeRole> {
        let has = |f: &dyn Fn(AttendeeRole) -> bool| self.attendees.iter().any(|a| f(a.role));
        let mut out = Vec::new();
        if !has(&|r| matches!(r, AttendeeRole::KeyContact | AttendeeRole::ExecutiveSponsor)) {
            out.push(AttendeeRole::KeyContact);
        }
        if !has(&|r| r == AttendeeRole::Csm) {
            out.push(AttendeeRole::Csm);
        }
        if !has(&|r| matches!(r, AttendeeRole::Sales | AttendeeRole::AccountManager)) {
            out.push(AttendeeRole::Sales);
        }
        out
    }

    /// Next steps not done by their due date are the caller's to track; this lists those due
    /// on or before `date`, earliest first.
    pub fn next_steps_due_by(&self, date: NaiveDate) -> Vec<&NextStep> {
        let mut steps: Vec<&NextStep> = self.next_steps.iter().filter(|s| s.due <= date).collect();
        steps.sort_by_key(|s| s.due);
        steps
    }
}

impl Document for Kickoff {
    const KIND: &'static str = "kickoff";
    const SCHEMA_VERSION: u32 = 1;

    fn schema_version(&self) -> u32 {
        self.schema_version
    }

    fn validate(&self) -> Result<()> {
        non_blank("account", &self.account)?;
        if self.attendees.is_empty() {
            return Err(Error::empty("attendees"));
        }
        for (i, a) in self.attendees.iter().enumerate() {
            a.person.validate(&format!("attendees[{i}].person"))?;
        }
        for (i, s) in self.next_steps.iter().enumerate() {
            non_blank(&format!("next_steps[{i}].description"), &s.description)?;
            non_blank(&format!("next_steps[{i}].owner"), &s.owner)?;
            if s.due < self.date {
                return Err(Error::invalid(
                    format!("next_steps[{i}].due"),
                    s.due,
                    format!("due before the kickoff on {}", self.date),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)]
mod tests {
    use super::*;
    use crate::nps::{Category, NpsScore};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn kickoff() -> Kickoff {
        Kickoff {
            schema_version: 1,
            account: "Acme".into(),
            date: d(2026, 1, 20),
            attendees: vec![
                Attendee {
                    person: Person::new("Ana Ruiz"),
                    side: Side::Customer,
                    role: AttendeeRole::KeyContact,
                },
                Attendee {
                    person: Person::new("Sam Lee"),
                    side: Side::Ours,
                    role: AttendeeRole::Csm,
                },
                Attendee {
                    person: Person::new("Kim Park"),
                    side: Side::Ours,
                    role: AttendeeRole::AccountManager,
                },
            ],
            goals_confirmed: vec!["first-report".into()],
            first_impact: Some("First replenishment report downloaded".into()),
            roles: vec![],
            perceived_nps: Some(Perceived::Score(NpsScore::new(9).unwrap())),
            next_steps: vec![NextStep {
                description: "Connect the ERP export".into(),
                owner: "Customer IT".into(),
                side: Side::Customer,
                due: d(2026, 2, 1),
            }],
        }
    }

    #[test]
    fn full_attendance_has_no_missing_roles() {
        assert!(kickoff().missing_attendees().is_empty());
    }

    #[test]
    fn next_step_due_before_kickoff_is_rejected_naming_the_step() {
        let mut k = kickoff();
        k.next_steps[0].due = d(2026, 1, 19);
        let err = k.checked().unwrap_err();
        assert!(
            err.to_string()
                .starts_with("next_steps[0].due 2026-01-19 is invalid"),
            "{err}"
        );
    }

    #[test]
    fn perceived_nps_feeds_the_perceived_vs_actual_comparison() {
        let k = kickoff();
        let gap = k.perceived_nps.unwrap().against(NpsScore::new(6).unwrap());
        // 9 perceived - 6 actual = +3: the CSM was optimistic
        assert_eq!(gap.gap, Some(3));
        assert_eq!(k.perceived_nps.unwrap().category(), Category::Promoter);
    }

    #[test]
    fn json_round_trip_and_no_attendees_is_an_error() {
        let k = kickoff();
        assert_eq!(Kickoff::from_json(&k.to_json().unwrap()).unwrap(), k);
        let mut empty = k;
        empty.attendees.clear();
        assert_eq!(empty.checked().unwrap_err(), Error::empty("attendees"));
    }
}
