use std::fmt;

use serde::{Deserialize, Serialize};

use super::trigger::Trigger;
use crate::document::Document;
use crate::renewal::RiskTier;
use crate::{Error, Result};

/// How urgent a CTA is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// When time allows.
    Low,
    /// This cycle.
    Medium,
    /// Before other work.
    High,
    /// Now.
    Urgent,
}

impl Priority {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One playbook rule: when `trigger` fires for an account, open a CTA for `owner_role` due
/// `due_in_days` after the evaluation date, with these steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Unique id within the playbook.
    pub id: String,
    /// The condition.
    pub trigger: Trigger,
    /// Urgency.
    pub priority: Priority,
    /// Days from the evaluation date to the CTA's due date (0..=365).
    pub due_in_days: u32,
    /// Who owns the CTA (`"csm"`, `"account_manager"`, `"cs_manager"`, ...).
    pub owner_role: String,
    /// What to do, in order.
    #[serde(default)]
    pub steps: Vec<String>,
    /// Why the rule exists.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A set of rules turning account state into calls to action, as a TOML / JSON document.
///
/// ```
/// use cs_core::document::Document;
/// use cs_core::playbook::Playbook;
/// let p = Playbook::from_toml(r#"
///     schema_version = 1
///     name = "mine"
///     [[rules]]
///     id = "critical"
///     trigger = { kind = "risk_tier_at_least", tier = "critical" }
///     priority = "urgent"
///     due_in_days = 1
///     owner_role = "cs_manager"
///     steps = ["Escalate", "Agree a save plan"]
/// "#)?;
/// assert_eq!(p.rules[0].trigger.key(), "risk_tier_at_least");
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    /// Document schema version.
    pub schema_version: u32,
    /// The playbook's name.
    pub name: String,
    /// The rules, in evaluation order (an earlier rule wins when two share a trigger kind).
    pub rules: Vec<Rule>,
}

impl Document for Playbook {
    const KIND: &'static str = "playbook";
    const SCHEMA_VERSION: u32 = 1;

    fn schema_version(&self) -> u32 {
        self.schema_version
    }

    fn validate(&self) -> Result<()> {
        for (i, r) in self.rules.iter().enumerate() {
            if r.id.trim().is_empty() {
                return Err(Error::invalid("rule id", "\"\"", "must not be blank").at(i));
            }
            if self.rules[..i].iter().any(|o| o.id == r.id) {
                return Err(Error::duplicate("rule id", r.id.clone()));
            }
            if r.owner_role.trim().is_empty() {
                return Err(Error::invalid(
                    format!("owner role of rule {}", r.id),
                    "\"\"",
                    "must not be blank",
                ));
            }
            if r.due_in_days > 365 {
                return Err(Error::out_of_range(
                    format!("due_in_days of rule {}", r.id),
                    r.due_in_days,
                    "0..=365",
                ));
            }
            r.trigger.validate()?;
        }
        Ok(())
    }
}

fn rule(
    id: &str,
    trigger: Trigger,
    priority: Priority,
    due_in_days: u32,
    owner: &str,
    description: &str,
    steps: &[&str],
) -> Rule {
    Rule {
        id: id.into(),
        trigger,
        priority,
        due_in_days,
        owner_role: owner.into(),
        steps: steps.iter().map(|s| (*s).to_owned()).collect(),
        description: description.into(),
    }
}

impl Playbook {
    /// The built-in playbook: one rule per trigger kind that a CS team usually automates.
    ///
    /// | id | trigger | priority | due | owner |
    /// | --- | --- | --- | --- | --- |
    /// | `critical_risk` | risk tier critical | urgent | 1 day | `cs_manager` |
    /// | `health_red` | band dropped to 0 (red) | high | 2 days | `csm` |
    /// | `detractor_follow_up` | detractor answer | high | 3 days | `csm` |
    /// | `renewal_internal_review` | renewal within 90 days, no internal review | high | 7 days | `csm` |
    /// | `renewal_contact` | renewal within 180 days, decision maker unconfirmed | high | 7 days | `account_manager` |
    /// | `notice_deadline` | notice deadline within 30 days | high | 3 days | `account_manager` |
    /// | `ttfi_past_target` | time to First Impact past target | high | 5 days | `csm` |
    /// | `success_review_overdue` | success review 7+ days overdue | medium | 14 days | `csm` |
    /// | `expansion` | expansion signal | medium | 14 days | `account_manager` |
    ///
    /// Sources (docs/domain-sources.md): the 90-day internal review ("Internal renewal review"),
    /// asking the right person for the renewal ("Secure Renewal"), growing relationship value
    /// ("Grow Relationship Value"), triggers with actions in the workflows ("Triggers and
    /// metrics") and First Impact ("First Impact").
    pub fn builtin() -> Playbook {
        use Priority::{High, Medium, Urgent};
        Playbook {
            schema_version: Self::SCHEMA_VERSION,
            name: "default".into(),
            rules: vec![
                rule(
                    "critical_risk",
                    Trigger::RiskTierAtLeast {
                        tier: RiskTier::Critical,
                    },
                    Urgent,
                    1,
                    "cs_manager",
                    "The renewal risk model puts churn at least as likely as renewal.",
                    &[
                        "Review the risk reason codes with the CSM",
                        "Engage the executive sponsor",
                        "Agree a save plan with owners and dates",
                        "Track the save plan weekly until the renewal",
                    ],
                ),
                rule(
                    "health_red",
                    Trigger::BandDroppedTo { band: 0 },
                    High,
                    2,
                    "csm",
                    "The health score dropped into the red band.",
                    &[
                        "Read the health explanation: which measures fell",
                        "Call the customer's main contact",
                        "Agree recovery actions and add them to the success plan",
                    ],
                ),
                rule(
                    "detractor_follow_up",
                    Trigger::DetractorAnswer,
                    High,
                    3,
                    "csm",
                    "A detractor answer needs the loop closed quickly.",
                    &[
                        "Thank the respondent and ask for a call",
                        "Understand the reasons behind the score",
                        "Agree actions and record them in the success plan",
                        "Compare with the NPS perceived for this account",
                    ],
                ),
                rule(
                    "renewal_internal_review",
                    Trigger::RenewalWindowWithoutReview { within_days: 90 },
                    High,
                    7,
                    "csm",
                    "Hold the internal renewal review three months before the anniversary.",
                    &[
                        "Gather health, NPS, usage and entitlement delivery",
                        "Review risks and objections with the account manager",
                        "Decide the renewal strategy and the proposal",
                        "Record the review as held",
                    ],
                ),
                rule(
                    "renewal_contact",
                    Trigger::RenewalContactUnconfirmed { within_days: 180 },
                    High,
                    7,
                    "account_manager",
                    "Renewals are lost or late when the wrong person is asked.",
                    &[
                        "Identify who signs the renewal",
                        "Confirm the decision maker with the customer",
                        "Update the renewal contact on the contract",
                    ],
                ),
                rule(
                    "notice_deadline",
                    Trigger::NoticeDeadlineApproaching { within_days: 30 },
                    High,
                    3,
                    "account_manager",
                    "The customer's notice deadline for an auto-renewing contract is close.",
                    &[
                        "Confirm the customer's renewal intent before the deadline",
                        "Escalate any sign of a cancellation notice",
                    ],
                ),
                rule(
                    "ttfi_past_target",
                    Trigger::TtfiPastTarget,
                    High,
                    5,
                    "csm",
                    "First Impact is later than agreed in the Joint Impact Plan.",
                    &[
                        "Find the blocker on the path to First Impact",
                        "Re-plan the First Impact milestone with the customer",
                        "Escalate blockers owned by our side",
                    ],
                ),
                rule(
                    "success_review_overdue",
                    Trigger::SuccessReviewOverdue { grace_days: 7 },
                    Medium,
                    14,
                    "csm",
                    "The package's success review cadence has slipped.",
                    &[
                        "Schedule the success review",
                        "Send the success plan to the customer contacts beforehand",
                    ],
                ),
                rule(
                    "expansion",
                    Trigger::ExpansionSignal,
                    Medium,
                    14,
                    "account_manager",
                    "Usage near the limit with strong health and NPS: the customer may need more.",
                    &[
                        "Review usage against entitlements",
                        "Link the expansion to goals in the success plan",
                        "Propose the expanded relationship",
                    ],
                ),
            ],
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp, clippy::many_single_char_names)]
mod tests {
    use super::*;

    #[test]
    fn builtin_is_valid_and_round_trips() {
        let p = Playbook::builtin();
        p.validate().unwrap();
        assert_eq!(Playbook::from_toml(&p.to_toml().unwrap()).unwrap(), p);
        assert_eq!(Playbook::from_json(&p.to_json().unwrap()).unwrap(), p);
    }

    #[test]
    fn duplicate_rule_ids_and_unknown_keys_are_rejected() {
        let mut p = Playbook::builtin();
        p.rules[1].id = p.rules[0].id.clone();
        assert_eq!(
            p.validate().unwrap_err().to_string(),
            "duplicate rule id \"critical_risk\""
        );
        let text = Playbook::builtin()
            .to_toml()
            .unwrap()
            .replace("due_in_days = 1\n", "due_in_days = 1\ncolour = 3\n");
        assert!(Playbook::from_toml(&text).is_err());
        let text = Playbook::builtin()
            .to_toml()
            .unwrap()
            .replace("kind = \"detractor_answer\"", "kind = \"sadness\"");
        assert!(Playbook::from_toml(&text).is_err());
    }
}
