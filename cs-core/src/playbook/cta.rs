use std::collections::HashSet;
use std::sync::Arc;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::rule::{Playbook, Priority};
use super::state::{AccountSignals, PortfolioState};
use super::trigger::Trigger;
use crate::{Error, Result};

/// A call to action: a task for a role, on an account, with a due date and steps.
///
/// The rule's texts (`rule_id`, `trigger`, `owner_role`, `steps`) are shared by every CTA the
/// rule opens in one evaluation (`Arc`), not copied per CTA: a nightly run opens millions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cta {
    /// The account.
    pub account_id: String,
    /// The rule that opened it.
    pub rule_id: Arc<str>,
    /// The trigger kind ([`super::Trigger::key`]), the deduplication key with the account.
    pub trigger: Arc<str>,
    /// Urgency.
    pub priority: Priority,
    /// The evaluation date.
    pub created: NaiveDate,
    /// Due date: created + the rule's `due_in_days`.
    pub due: NaiveDate,
    /// Who owns it.
    pub owner_role: Arc<str>,
    /// The rule's steps.
    pub steps: Arc<[String]>,
    /// Why it fired, as a sentence.
    pub evidence: String,
}

/// A CTA still open from earlier evaluations: an account and a trigger kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OpenCta {
    /// The account.
    pub account_id: String,
    /// The trigger kind.
    pub trigger: String,
}

impl From<&Cta> for OpenCta {
    fn from(c: &Cta) -> Self {
        OpenCta {
            account_id: c.account_id.clone(),
            trigger: c.trigger.to_string(),
        }
    }
}

/// The (account, trigger key) pairs of `open`; a trigger that is not one of [`Trigger::KEYS`]
/// is [`Error::Unknown`] (a misspelt key would never match, and the CTA would be opened again).
fn open_set(open: &[OpenCta]) -> Result<HashSet<(&str, &str)>> {
    open.iter()
        .map(|o| {
            if Trigger::KEYS.contains(&o.trigger.as_str()) {
                Ok((o.account_id.as_str(), o.trigger.as_str()))
            } else {
                Err(Error::unknown(
                    format!("open CTA trigger (account {})", o.account_id),
                    o.trigger.clone(),
                    Trigger::KEYS,
                ))
            }
        })
        .collect()
}

/// The texts of a rule that its CTAs share.
struct Shared {
    id: Arc<str>,
    trigger: Arc<str>,
    owner_role: Arc<str>,
    steps: Arc<[String]>,
}

impl Playbook {
    fn shared(&self) -> Vec<Shared> {
        self.rules
            .iter()
            .map(|r| Shared {
                id: r.id.as_str().into(),
                trigger: r.trigger.key().into(),
                owner_role: r.owner_role.as_str().into(),
                steps: r.steps.as_slice().into(),
            })
            .collect()
    }

    /// The CTAs for one account on `as_of`, skipping trigger kinds in `open` (pairs of
    /// account id and trigger key already open). At most one CTA per trigger kind: the first
    /// rule of that kind that fires.
    fn account_ctas(
        &self,
        account_id: &str,
        signals: &AccountSignals,
        as_of: NaiveDate,
        open: &HashSet<(&str, &str)>,
        shared: &[Shared],
        out: &mut Vec<Cta>,
    ) -> Result<()> {
        let first = out.len();
        for (r, texts) in self.rules.iter().zip(shared) {
            let key = r.trigger.key();
            if open.contains(&(account_id, key)) || out[first..].iter().any(|c| &*c.trigger == key) {
                continue;
            }
            let Some(evidence) = r.trigger.fires(signals, as_of) else {
                continue;
            };
            let due = as_of
                .checked_add_days(Days::new(u64::from(r.due_in_days)))
                .ok_or_else(|| Error::out_of_range("as of", as_of, "a date the due date can follow"))?;
            out.push(Cta {
                account_id: account_id.to_owned(),
                rule_id: Arc::clone(&texts.id),
                trigger: Arc::clone(&texts.trigger),
                priority: r.priority,
                created: as_of,
                due,
                owner_role: Arc::clone(&texts.owner_role),
                steps: Arc::clone(&texts.steps),
                evidence,
            });
        }
        Ok(())
    }

    /// The CTAs of one account (see [`Playbook::evaluate`]).
    pub fn evaluate_account(
        &self,
        account_id: &str,
        signals: &AccountSignals,
        as_of: NaiveDate,
        open: &[OpenCta],
    ) -> Result<Vec<Cta>> {
        let open = open_set(open)?;
        let mut out = Vec::new();
        self.account_ctas(account_id, signals, as_of, &open, &self.shared(), &mut out)?;
        Ok(out)
    }

    /// Evaluates every rule for every account of `portfolio` on `as_of` and returns the new
    /// CTAs, in account order then rule order. No CTA is opened for an (account, trigger kind)
    /// that is in `open` or already opened by an earlier rule in this evaluation, so feeding
    /// the result back as `open` makes a second evaluation return nothing new. An open CTA
    /// whose trigger is not one of [`Trigger::KEYS`] is [`Error::Unknown`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use cs_core::nps::Category;
    /// use cs_core::playbook::{OpenCta, Playbook, PortfolioState};
    /// use cs_core::portfolio::Column;
    /// let ids = ["acme", "globex"];
    /// let nps = [Category::Detractor, Category::Promoter];
    /// let mut state = PortfolioState::new(&ids);
    /// state.nps_category = Some(Column::new("nps_category", &nps));
    /// let as_of = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    /// let playbook = Playbook::builtin();
    /// let ctas = playbook.evaluate(&state, as_of, &[])?;
    /// assert_eq!(ctas.len(), 1);
    /// assert_eq!((ctas[0].account_id.as_str(), &*ctas[0].rule_id), ("acme", "detractor_follow_up"));
    /// let open: Vec<OpenCta> = ctas.iter().map(OpenCta::from).collect();
    /// assert!(playbook.evaluate(&state, as_of, &open)?.is_empty());
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn evaluate<S: AsRef<str>>(
        &self,
        portfolio: &PortfolioState<'_, S>,
        as_of: NaiveDate,
        open: &[OpenCta],
    ) -> Result<Vec<Cta>> {
        Ok(self.evaluate_rows(portfolio, as_of, open)?.0)
    }

    /// [`Playbook::evaluate`], with where each row's CTAs are: row `i`'s are
    /// `ctas[offsets[i]..offsets[i + 1]]` (`offsets` has one entry per row and one more), so
    /// rows sharing an account id keep their own CTAs.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use cs_core::nps::Category;
    /// use cs_core::playbook::{Playbook, PortfolioState};
    /// use cs_core::portfolio::Column;
    /// let ids = ["acme", "globex", "initech"];
    /// let nps = [Category::Detractor, Category::Promoter, Category::Detractor];
    /// let mut state = PortfolioState::new(&ids);
    /// state.nps_category = Some(Column::new("nps_category", &nps));
    /// let as_of = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    /// let (ctas, offsets) = Playbook::builtin().evaluate_rows(&state, as_of, &[])?;
    /// assert_eq!(offsets, vec![0, 1, 1, 2]);
    /// assert_eq!(ctas[offsets[2]].account_id, "initech");
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn evaluate_rows<S: AsRef<str>>(
        &self,
        portfolio: &PortfolioState<'_, S>,
        as_of: NaiveDate,
        open: &[OpenCta],
    ) -> Result<(Vec<Cta>, Vec<usize>)> {
        portfolio.validate()?;
        let open = open_set(open)?;
        let mut out = Vec::new();
        let mut offsets = Vec::with_capacity(portfolio.len() + 1);
        offsets.push(0);
        let shared = self.shared();
        for i in 0..portfolio.len() {
            let signals = portfolio.signals(i);
            self.account_ctas(
                portfolio.account_id[i].as_ref(),
                &signals,
                as_of,
                &open,
                &shared,
                &mut out,
            )?;
            offsets.push(out.len());
        }
        Ok((out, offsets))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp, clippy::many_single_char_names)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::playbook::{Rule, Trigger};
    use crate::portfolio::Column;
    use crate::renewal::RiskTier;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn builtin_playbook_opens_the_expected_ctas() {
        let ids = ["a", "b", "c"];
        let tiers = [RiskTier::Critical, RiskTier::High, RiskTier::Low];
        let band = [0u8, 0, 2];
        let prev = [1u8, 0, 2];
        // a renews in 60 days (no review, no contact), b in 200 days, c in 100 days.
        let renewal = [d(2026, 3, 2), d(2026, 7, 20), d(2026, 4, 11)];
        let confirmed = [false, false, true];
        let as_of = d(2026, 1, 1);
        let mut s = PortfolioState::new(&ids);
        s.risk_tier = Some(Column::new("tier", &tiers));
        s.health_band = Some(Column::new("band", &band));
        s.previous_health_band = Some(Column::new("prev", &prev));
        s.renewal_date = Some(Column::new("renewal", &renewal));
        s.contact_confirmed = Some(Column::new("confirmed", &confirmed));
        let ctas = Playbook::builtin().evaluate(&s, as_of, &[]).unwrap();
        let got: Vec<(&str, &str)> = ctas
            .iter()
            .map(|c| (c.account_id.as_str(), &*c.rule_id))
            .collect();
        assert_eq!(
            got,
            [
                ("a", "critical_risk"),
                ("a", "health_red"),
                ("a", "renewal_internal_review"),
                ("a", "renewal_contact"),
            ]
        );
        assert_eq!(ctas[0].due, d(2026, 1, 2));
        assert_eq!(ctas[0].priority, Priority::Urgent);
        assert_eq!(
            ctas[2].evidence,
            "renewal in 60 days and no internal renewal review held"
        );
    }

    #[test]
    fn open_ctas_suppress_the_same_trigger_for_the_same_account_only() {
        let ids = ["a", "b"];
        let tiers = [RiskTier::Critical, RiskTier::Critical];
        let mut s = PortfolioState::new(&ids);
        s.risk_tier = Some(Column::new("tier", &tiers));
        let open = [OpenCta {
            account_id: "a".into(),
            trigger: "risk_tier_at_least".into(),
        }];
        let ctas = Playbook::builtin().evaluate(&s, d(2026, 1, 1), &open).unwrap();
        assert_eq!(ctas.len(), 1);
        assert_eq!(ctas[0].account_id, "b");
    }

    #[test]
    fn two_rules_of_one_kind_open_one_cta() {
        let mut p = Playbook::builtin();
        p.rules.insert(
            0,
            Rule {
                id: "high_risk".into(),
                trigger: Trigger::RiskTierAtLeast { tier: RiskTier::High },
                priority: Priority::High,
                due_in_days: 5,
                owner_role: "csm".into(),
                steps: vec![],
                description: String::new(),
            },
        );
        p.validate().unwrap();
        let signals = AccountSignals {
            risk_tier: Some(RiskTier::Critical),
            ..AccountSignals::default()
        };
        let ctas = p.evaluate_account("a", &signals, d(2026, 1, 1), &[]).unwrap();
        assert_eq!(ctas.len(), 1);
        assert_eq!(&*ctas[0].rule_id, "high_risk");
    }

    #[test]
    fn mismatched_columns_are_rejected() {
        let ids = ["a", "b"];
        let tiers = [RiskTier::Low];
        let mut s = PortfolioState::new(&ids);
        s.risk_tier = Some(Column::new("tier", &tiers));
        assert!(Playbook::builtin().evaluate(&s, d(2026, 1, 1), &[]).is_err());
    }
}
