use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::state::AccountSignals;
use crate::nps::Category;
use crate::renewal::RiskTier;
use crate::{Error, Result};

/// A condition on an account's state that calls for action. Each kind has a stable
/// [`Trigger::key`]; at most one open CTA exists per account and key.
///
/// Defining triggers with their actions and metrics in the CS workflows is a checklist item
/// (docs/domain-sources.md, "Triggers and metrics").
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
// Derived under `remote = "Self"`: the trait impls below reject unknown keys next to a
// field-less kind (see `crate::unit_kinds`).
#[serde(remote = "Self")]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    /// The health band fell to `band` (or below) from a better band: current `<= band <
    /// previous`. Band indices count from 0 = worst (red).
    BandDroppedTo {
        /// The band index reached (0 = red).
        band: u8,
    },
    /// The health score is below `score`.
    HealthBelow {
        /// The threshold, 0..=100.
        score: f64,
    },
    /// The latest NPS answer is a detractor (0-6).
    DetractorAnswer,
    /// The renewal is at most `within_days` away (and not passed) and the internal renewal
    /// review has not been held.
    RenewalWindowWithoutReview {
        /// Days before renewal (default playbook: 90).
        within_days: u32,
    },
    /// The renewal is at most `within_days` away and the renewal contact is missing or not the
    /// confirmed decision maker.
    RenewalContactUnconfirmed {
        /// Days before renewal (default playbook: 180).
        within_days: u32,
    },
    /// The notice deadline of an auto-renewing contract is at most `within_days` away.
    NoticeDeadlineApproaching {
        /// Days before the deadline.
        within_days: u32,
    },
    /// The next success review (per the package cadence) is more than `grace_days` past due.
    SuccessReviewOverdue {
        /// Days of tolerance after the due date.
        grace_days: u32,
    },
    /// Time to First Impact is past its target.
    TtfiPastTarget,
    /// The risk tier is `tier` or worse.
    RiskTierAtLeast {
        /// The lowest tier that fires.
        tier: RiskTier,
    },
    /// The account shows an expansion signal.
    ExpansionSignal,
}

crate::unit_kinds::unit_kinds_impl!(
    Trigger,
    "kind",
    ["detractor_answer", "ttfi_past_target", "expansion_signal"]
);

impl Trigger {
    /// Every key, in declaration order.
    pub const KEYS: [&'static str; 10] = [
        "band_dropped_to",
        "health_below",
        "detractor_answer",
        "renewal_window_without_review",
        "renewal_contact_unconfirmed",
        "notice_deadline_approaching",
        "success_review_overdue",
        "ttfi_past_target",
        "risk_tier_at_least",
        "expansion_signal",
    ];

    /// The kind's name, used to deduplicate CTAs.
    pub fn key(&self) -> &'static str {
        let i = match self {
            Trigger::BandDroppedTo { .. } => 0,
            Trigger::HealthBelow { .. } => 1,
            Trigger::DetractorAnswer => 2,
            Trigger::RenewalWindowWithoutReview { .. } => 3,
            Trigger::RenewalContactUnconfirmed { .. } => 4,
            Trigger::NoticeDeadlineApproaching { .. } => 5,
            Trigger::SuccessReviewOverdue { .. } => 6,
            Trigger::TtfiPastTarget => 7,
            Trigger::RiskTierAtLeast { .. } => 8,
            Trigger::ExpansionSignal => 9,
        };
        Self::KEYS[i]
    }

    pub(crate) fn validate(&self) -> Result<()> {
        match *self {
            Trigger::HealthBelow { score } if !(0.0..=100.0).contains(&score) => {
                Err(Error::out_of_range("health_below score", score, "0..=100"))
            }
            Trigger::RenewalWindowWithoutReview { within_days: d }
            | Trigger::RenewalContactUnconfirmed { within_days: d }
            | Trigger::NoticeDeadlineApproaching { within_days: d }
            | Trigger::SuccessReviewOverdue { grace_days: d }
                if d > 3650 =>
            {
                Err(Error::out_of_range(format!("{} days", self.key()), d, "0..=3650"))
            }
            _ => Ok(()),
        }
    }

    /// Whether the trigger fires for an account on `as_of`, with the evidence as a sentence.
    /// Unknown state never fires (except a missing renewal contact, which is the problem).
    pub fn fires(&self, s: &AccountSignals, as_of: NaiveDate) -> Option<String> {
        let days_to = |d: Option<NaiveDate>| d.map(|d| (d - as_of).num_days());
        let within = |days: Option<i64>, limit: u32| days.filter(|d| (0..=i64::from(limit)).contains(d));
        match *self {
            Trigger::BandDroppedTo { band } => {
                let (now, before) = (s.health_band?, s.previous_health_band?);
                (now <= band && before > band).then(|| format!("health band fell from {before} to {now}"))
            }
            Trigger::HealthBelow { score } => {
                let h = s.health_score.filter(|h| h.is_finite())?;
                (h < score).then(|| format!("health score {h} is below {score}"))
            }
            Trigger::DetractorAnswer => (s.nps_category? == Category::Detractor)
                .then(|| "the latest NPS answer is a detractor".to_owned()),
            Trigger::RenewalWindowWithoutReview { within_days } => {
                let d = within(days_to(s.renewal_date), within_days)?;
                (s.internal_review_done != Some(true))
                    .then(|| format!("renewal in {d} days and no internal renewal review held"))
            }
            Trigger::RenewalContactUnconfirmed { within_days } => {
                let d = within(days_to(s.renewal_date), within_days)?;
                (s.contact_confirmed != Some(true))
                    .then(|| format!("renewal in {d} days and the decision maker is not confirmed"))
            }
            Trigger::NoticeDeadlineApproaching { within_days } => {
                let d = within(days_to(s.notice_deadline), within_days)?;
                Some(format!("notice deadline in {d} days"))
            }
            Trigger::SuccessReviewOverdue { grace_days } => {
                let late = -days_to(s.next_success_review_due)?;
                (late > i64::from(grace_days)).then(|| format!("success review {late} days overdue"))
            }
            Trigger::TtfiPastTarget => {
                (s.ttfi_past_target?).then(|| "time to First Impact is past target".to_owned())
            }
            Trigger::RiskTierAtLeast { tier } => {
                let t = s.risk_tier?;
                (t >= tier).then(|| format!("renewal risk tier {t}"))
            }
            Trigger::ExpansionSignal => s.expansion_signal?.then(|| "expansion signal".to_owned()),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp, clippy::many_single_char_names)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn band_drop_needs_a_better_previous_band() {
        let t = Trigger::BandDroppedTo { band: 0 };
        let mut s = AccountSignals {
            health_band: Some(0),
            previous_health_band: Some(1),
            ..AccountSignals::default()
        };
        let as_of = d(2026, 1, 1);
        assert!(t.fires(&s, as_of).is_some());
        s.previous_health_band = Some(0); // already red: no new drop
        assert!(t.fires(&s, as_of).is_none());
        s.previous_health_band = None;
        assert!(t.fires(&s, as_of).is_none());
    }

    #[test]
    fn renewal_window_counts_days_inclusively_and_ignores_passed_dates() {
        let t = Trigger::RenewalWindowWithoutReview { within_days: 90 };
        let as_of = d(2026, 1, 1);
        let at = |renewal| AccountSignals {
            renewal_date: Some(renewal),
            ..AccountSignals::default()
        };
        // 2026-01-01 + 90 days = 2026-04-01.
        assert!(t.fires(&at(d(2026, 4, 1)), as_of).is_some());
        assert!(t.fires(&at(d(2026, 4, 2)), as_of).is_none());
        assert!(t.fires(&at(d(2025, 12, 31)), as_of).is_none());
        let reviewed = AccountSignals {
            internal_review_done: Some(true),
            ..at(d(2026, 2, 1))
        };
        assert!(t.fires(&reviewed, as_of).is_none());
    }

    #[test]
    fn missing_contact_counts_as_unconfirmed() {
        let t = Trigger::RenewalContactUnconfirmed { within_days: 180 };
        let s = AccountSignals {
            renewal_date: Some(d(2026, 6, 1)),
            ..AccountSignals::default()
        };
        assert_eq!(
            t.fires(&s, d(2026, 1, 1)).unwrap(),
            "renewal in 151 days and the decision maker is not confirmed"
        );
    }

    #[test]
    fn success_review_overdue_respects_grace() {
        let t = Trigger::SuccessReviewOverdue { grace_days: 7 };
        let s = AccountSignals {
            next_success_review_due: Some(d(2026, 1, 1)),
            ..AccountSignals::default()
        };
        assert!(t.fires(&s, d(2026, 1, 8)).is_none());
        assert_eq!(
            t.fires(&s, d(2026, 1, 9)).unwrap(),
            "success review 8 days overdue"
        );
    }

    #[test]
    fn keys_are_unique_and_serde_uses_them() {
        let mut keys = Trigger::KEYS.to_vec();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), 10);
        let t = Trigger::RiskTierAtLeast { tier: RiskTier::High };
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"kind":"risk_tier_at_least","tier":"high"}"#);
        assert!(Trigger::HealthBelow { score: 120.0 }.validate().is_err());
    }
}
