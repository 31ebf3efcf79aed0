use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::people::{Person, is_blank};
use crate::document::Document;
use crate::portfolio::days_between;
use crate::{Error, Result};

/// Default target for the handoff lag, in days from the commit (close) date.
///
/// The operating model (docs/domain-sources.md, "Handoff to CS") asks for the
/// handoff "as close to commit as possible" without a number; five days (one working week) is
/// this crate's default, to be set per team.
pub const DEFAULT_HANDOFF_LAG_TARGET_DAYS: u32 = 5;

/// The SPICED frame Sales uses to describe a deal (docs/domain-sources.md, "SPICED"):
/// Situation, Pain, Impact, Critical event, Decision. Each part is free text; a blank part
/// counts as missing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spiced {
    /// The customer's current situation: business, team, tools.
    #[serde(default)]
    pub situation: Option<String>,
    /// The pain that made them look for a solution.
    #[serde(default)]
    pub pain: Option<String>,
    /// The Impact they expect: what changes for the business once the pain is gone.
    #[serde(default)]
    pub impact: Option<String>,
    /// The event with a date that drives the timeline (a launch, a contract end, an audit).
    #[serde(default)]
    pub critical_event: Option<String>,
    /// Who decided, how, and on what criteria.
    #[serde(default)]
    pub decision: Option<String>,
}

/// The five questions every handoff must answer (docs/domain-sources.md, "Handoff to CS").
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoffQuestions {
    /// Who bought from us?
    #[serde(default)]
    pub who_bought: Option<String>,
    /// Why did they buy?
    #[serde(default)]
    pub why_bought: Option<String>,
    /// What were they doing before?
    #[serde(default)]
    pub before: Option<String>,
    /// Why was that not working for them?
    #[serde(default)]
    pub why_not_working: Option<String>,
    /// What was the problem to solve or avoid?
    #[serde(default)]
    pub problem: Option<String>,
}

/// A buyer persona met during the sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    /// The persona, e.g. "economic buyer", "champion", "end user".
    pub role: String,
    /// What this persona cares about.
    #[serde(default)]
    pub cares_about: Option<String>,
    /// The person, when one is named.
    #[serde(default)]
    pub person: Option<Person>,
}

/// One part of a handoff, the unit of [`Handoff::completeness`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoffPart {
    /// SPICED: Situation.
    Situation,
    /// SPICED: Pain.
    Pain,
    /// SPICED: Impact.
    Impact,
    /// SPICED: Critical event.
    CriticalEvent,
    /// SPICED: Decision.
    Decision,
    /// Who bought from us?
    WhoBought,
    /// Why did they buy?
    WhyBought,
    /// What were they doing before?
    Before,
    /// Why was that not working for them?
    WhyNotWorking,
    /// What was the problem to solve or avoid?
    Problem,
    /// The customer's org structure.
    OrgStructure,
    /// At least one persona.
    Personas,
    /// At least one key contact.
    KeyContacts,
    /// Red flags assessed (an empty list counts: "none found").
    RedFlags,
}

impl HandoffPart {
    /// Every part, in the order they are reported.
    pub const ALL: [HandoffPart; 14] = [
        HandoffPart::Situation,
        HandoffPart::Pain,
        HandoffPart::Impact,
        HandoffPart::CriticalEvent,
        HandoffPart::Decision,
        HandoffPart::WhoBought,
        HandoffPart::WhyBought,
        HandoffPart::Before,
        HandoffPart::WhyNotWorking,
        HandoffPart::Problem,
        HandoffPart::OrgStructure,
        HandoffPart::Personas,
        HandoffPart::KeyContacts,
        HandoffPart::RedFlags,
    ];

    /// The field path of the part in a handoff document, e.g. `"spiced.pain"`.
    pub fn field(self) -> &'static str {
        match self {
            HandoffPart::Situation => "spiced.situation",
            HandoffPart::Pain => "spiced.pain",
            HandoffPart::Impact => "spiced.impact",
            HandoffPart::CriticalEvent => "spiced.critical_event",
            HandoffPart::Decision => "spiced.decision",
            HandoffPart::WhoBought => "questions.who_bought",
            HandoffPart::WhyBought => "questions.why_bought",
            HandoffPart::Before => "questions.before",
            HandoffPart::WhyNotWorking => "questions.why_not_working",
            HandoffPart::Problem => "questions.problem",
            HandoffPart::OrgStructure => "org_structure",
            HandoffPart::Personas => "personas",
            HandoffPart::KeyContacts => "key_contacts",
            HandoffPart::RedFlags => "red_flags",
        }
    }
}

/// Which parts of a handoff are filled in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoffCompleteness {
    /// The parts that are missing, in [`HandoffPart::ALL`] order.
    pub missing: Vec<HandoffPart>,
    /// Number of parts filled in.
    pub complete: usize,
    /// Number of parts (14).
    pub total: usize,
    /// `complete / total`, 0..=1.
    pub share: f64,
}

/// Days between the commit (close) date and handoff completion, against a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffLag {
    /// Days from close to completion, or to the as-of date while the handoff is pending.
    pub days: i64,
    /// Whether the handoff was completed (by the as-of date).
    pub completed: bool,
    /// The target in days.
    pub target_days: u32,
    /// `days > target_days`: late (a pending handoff becomes late once the target passes).
    pub late: bool,
}

/// The Sales-to-CS handoff record of one account: what Sales learned, in the SPICED frame,
/// plus the five handoff questions, org structure, personas, key contacts and red flags
/// (docs/domain-sources.md, "Handoff to CS").
///
/// ```
/// use cs_core::document::Document;
/// use cs_core::onboarding::{Handoff, HandoffPart};
/// let h = Handoff::from_json(r#"{
///     "schema_version": 1, "account": "Acme", "closed_on": "2026-01-05",
///     "completed_on": "2026-01-09",
///     "spiced": {"situation": "3 regional warehouses", "pain": "stock-outs"},
///     "red_flags": []
/// }"#)?;
/// let c = h.completeness();
/// assert_eq!(c.complete, 3); // situation, pain, red flags (assessed: none)
/// assert!(c.missing.contains(&HandoffPart::Impact));
/// let lag = h.lag(chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(), 5);
/// assert_eq!((lag.days, lag.late), (4, false));
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handoff {
    /// Must equal [`Handoff::SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The account (customer) name or id.
    pub account: String,
    /// The commit (close) date of the deal.
    pub closed_on: NaiveDate,
    /// When the handoff was completed; `None` while pending.
    #[serde(default)]
    pub completed_on: Option<NaiveDate>,
    /// The seller handing over.
    #[serde(default)]
    pub sales_owner: Option<Person>,
    /// The CSM taking over.
    #[serde(default)]
    pub csm: Option<Person>,
    /// The SPICED summary.
    #[serde(default)]
    pub spiced: Spiced,
    /// Answers to the five handoff questions.
    #[serde(default)]
    pub questions: HandoffQuestions,
    /// The customer's org structure (teams, reporting lines, sites).
    #[serde(default)]
    pub org_structure: Option<String>,
    /// Personas met during the sale.
    #[serde(default)]
    pub personas: Vec<Persona>,
    /// The customer's key contacts.
    #[serde(default)]
    pub key_contacts: Vec<Person>,
    /// Red flags; `None` when not assessed, an empty list when assessed and none found.
    #[serde(default)]
    pub red_flags: Option<Vec<String>>,
}

impl Handoff {
    /// A pending handoff with nothing filled in.
    pub fn new(account: impl Into<String>, closed_on: NaiveDate) -> Self {
        Handoff {
            schema_version: Self::SCHEMA_VERSION,
            account: account.into(),
            closed_on,
            completed_on: None,
            sales_owner: None,
            csm: None,
            spiced: Spiced::default(),
            questions: HandoffQuestions::default(),
            org_structure: None,
            personas: Vec::new(),
            key_contacts: Vec::new(),
            red_flags: None,
        }
    }

    /// Whether one part is filled in (blank text counts as missing).
    pub fn has(&self, part: HandoffPart) -> bool {
        let text = |t: &Option<String>| !is_blank(t.as_ref());
        match part {
            HandoffPart::Situation => text(&self.spiced.situation),
            HandoffPart::Pain => text(&self.spiced.pain),
            HandoffPart::Impact => text(&self.spiced.impact),
            HandoffPart::CriticalEvent => text(&self.spiced.critical_event),
            HandoffPart::Decision => text(&self.spiced.decision),
            HandoffPart::WhoBought => text(&self.questions.who_bought),
            HandoffPart::WhyBought => text(&self.questions.why_bought),
            HandoffPart::Before => text(&self.questions.before),
            HandoffPart::WhyNotWorking => text(&self.questions.why_not_working),
            HandoffPart::Problem => text(&self.questions.problem),
            HandoffPart::OrgStructure => text(&self.org_structure),
            HandoffPart::Personas => !self.personas.is_empty(),
            HandoffPart::KeyContacts => !self.key_contacts.is_empty(),
            HandoffPart::RedFlags => self.red_flags.is_some(),
        }
    }

    /// The missing parts, as a list and a share of the 14 parts.
    pub fn completeness(&self) -> HandoffCompleteness {
        let missing: Vec<HandoffPart> = HandoffPart::ALL.into_iter().filter(|p| !self.has(*p)).collect();
        let total = HandoffPart::ALL.len();
        let complete = total - missing.len();
        HandoffCompleteness {
            missing,
            complete,
            total,
            share: complete as f64 / total as f64,
        }
    }

    /// The handoff lag against `target_days`: from the close date to completion, or to
    /// `as_of` while the handoff is pending (a pending handoff is measured, not skipped).
    pub fn lag(&self, as_of: NaiveDate, target_days: u32) -> HandoffLag {
        let completed = self.completed_on.is_some_and(|d| d <= as_of);
        let end = if completed {
            self.completed_on.unwrap_or(as_of)
        } else {
            as_of
        };
        let days = days_between(self.closed_on, end).max(0);
        HandoffLag {
            days,
            completed,
            target_days,
            late: days > i64::from(target_days),
        }
    }
}

impl Document for Handoff {
    const KIND: &'static str = "handoff";
    const SCHEMA_VERSION: u32 = 1;

    fn schema_version(&self) -> u32 {
        self.schema_version
    }

    fn validate(&self) -> Result<()> {
        super::people::non_blank("account", &self.account)?;
        if let Some(done) = self.completed_on
            && done < self.closed_on
        {
            return Err(Error::invalid(
                "completed_on",
                done,
                format!(
                    "the handoff cannot be completed before the close date {}",
                    self.closed_on
                ),
            ));
        }
        if let Some(p) = &self.sales_owner {
            p.validate("sales_owner")?;
        }
        if let Some(p) = &self.csm {
            p.validate("csm")?;
        }
        for (i, p) in self.key_contacts.iter().enumerate() {
            p.validate(&format!("key_contacts[{i}]"))?;
        }
        for (i, p) in self.personas.iter().enumerate() {
            super::people::non_blank(&format!("personas[{i}].role"), &p.role)?;
            if let Some(person) = &p.person {
                person.validate(&format!("personas[{i}].person"))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn empty_handoff_misses_all_fourteen_parts() {
        let c = Handoff::new("Acme", d(2026, 1, 5)).completeness();
        assert_eq!((c.complete, c.total, c.share), (0, 14, 0.0));
        assert_eq!(c.missing, HandoffPart::ALL.to_vec());
    }

    #[test]
    fn blank_text_counts_as_missing_and_empty_red_flags_count_as_assessed() {
        let mut h = Handoff::new("Acme", d(2026, 1, 5));
        h.spiced.pain = Some("   ".into());
        h.questions.who_bought = Some("VP Operations".into());
        h.red_flags = Some(vec![]);
        h.key_contacts.push(Person::new("Ana Ruiz"));
        let c = h.completeness();
        // who_bought, red_flags, key_contacts: 3 of 14
        assert_eq!(c.complete, 3);
        assert!((c.share - 3.0 / 14.0).abs() < 1e-15);
        assert!(c.missing.contains(&HandoffPart::Pain));
    }

    #[test]
    fn lag_of_a_pending_handoff_runs_to_the_as_of_date() {
        let h = Handoff::new("Acme", d(2026, 1, 5));
        // 2026-01-05 -> 2026-01-12 = 7 days > 5
        let lag = h.lag(d(2026, 1, 12), DEFAULT_HANDOFF_LAG_TARGET_DAYS);
        assert_eq!(
            lag,
            HandoffLag {
                days: 7,
                completed: false,
                target_days: 5,
                late: true
            }
        );
    }

    #[test]
    fn lag_of_a_completed_handoff_is_close_to_completion() {
        let mut h = Handoff::new("Acme", d(2026, 1, 5));
        h.completed_on = Some(d(2026, 1, 10));
        let lag = h.lag(d(2026, 6, 1), 5);
        // 5 days, exactly on target: not late
        assert_eq!((lag.days, lag.completed, lag.late), (5, true, false));
        // As of a date before completion the handoff was still pending.
        assert!(!h.lag(d(2026, 1, 8), 5).completed);
    }

    #[test]
    fn completion_before_close_is_rejected_naming_the_field() {
        let mut h = Handoff::new("Acme", d(2026, 1, 5));
        h.completed_on = Some(d(2026, 1, 4));
        let err = h.checked().unwrap_err();
        assert!(
            err.to_string().starts_with("completed_on 2026-01-04 is invalid"),
            "{err}"
        );
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err =
            Handoff::from_json(r#"{"schema_version":1,"account":"A","closed_on":"2026-01-01","pains":"x"}"#)
                .unwrap_err();
        assert!(err.to_string().contains("unknown field `pains`"), "{err}");
    }

    #[test]
    fn json_round_trip() {
        let mut h = Handoff::new("Acme", d(2026, 1, 5));
        h.spiced.critical_event = Some("peak season starts 2026-03-01".into());
        h.personas.push(Persona {
            role: "champion".into(),
            cares_about: Some("fewer stock-outs".into()),
            person: Some(Person::new("Ana Ruiz").with_title("Head of Ops")),
        });
        let back = Handoff::from_json(&h.to_json().unwrap()).unwrap();
        assert_eq!(back, h);
    }
}
