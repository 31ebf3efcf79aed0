//! The queue of calls to action per owner role: what each team has to do, by priority.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{Cta, Priority};

/// The open calls to action of one owner role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleQueue {
    /// The owner role (`csm`, `cs_manager`, ...).
    pub owner_role: String,
    /// Calls to action owned.
    pub ctas: u64,
    /// Per priority, low to urgent.
    pub by_priority: [u64; 4],
    /// Distinct accounts concerned.
    pub accounts: u64,
    /// Per rule id: how many it opened, sorted by rule id.
    pub by_rule: Vec<(String, u64)>,
}

/// Groups calls to action by owner role (sorted by role).
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::playbook::{Playbook, cta_queue};
/// use cs_core::nps::Category;
/// use cs_core::playbook::AccountSignals;
/// let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
/// let signals = AccountSignals { nps_category: Some(Category::Detractor), ..AccountSignals::default() };
/// let ctas = Playbook::builtin().evaluate_account("acme", &signals, day, &[])?;
/// assert!(!ctas.is_empty());
/// let queue = cta_queue(&ctas);
/// assert_eq!(queue.iter().map(|q| q.ctas).sum::<u64>(), ctas.len() as u64);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn cta_queue(ctas: &[Cta]) -> Vec<RoleQueue> {
    struct Acc<'a> {
        ctas: u64,
        by_priority: [u64; 4],
        accounts: BTreeSet<&'a str>,
        by_rule: BTreeMap<&'a str, u64>,
    }
    let mut roles: BTreeMap<&str, Acc<'_>> = BTreeMap::new();
    for c in ctas {
        let acc = roles.entry(&*c.owner_role).or_insert_with(|| Acc {
            ctas: 0,
            by_priority: [0; 4],
            accounts: BTreeSet::new(),
            by_rule: BTreeMap::new(),
        });
        acc.ctas += 1;
        acc.by_priority[priority_index(c.priority)] += 1;
        acc.accounts.insert(c.account_id.as_str());
        *acc.by_rule.entry(&*c.rule_id).or_default() += 1;
    }
    roles
        .into_iter()
        .map(|(role, a)| RoleQueue {
            owner_role: role.to_owned(),
            ctas: a.ctas,
            by_priority: a.by_priority,
            accounts: a.accounts.len() as u64,
            by_rule: a.by_rule.into_iter().map(|(r, n)| (r.to_owned(), n)).collect(),
        })
        .collect()
}

fn priority_index(p: Priority) -> usize {
    match p {
        Priority::Low => 0,
        Priority::Medium => 1,
        Priority::High => 2,
        Priority::Urgent => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn cta(account: &str, rule: &str, role: &str, priority: Priority) -> Cta {
        let d = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        Cta {
            account_id: account.into(),
            rule_id: rule.into(),
            trigger: rule.into(),
            priority,
            created: d,
            due: d,
            owner_role: role.into(),
            steps: Vec::new().into(),
            evidence: String::new(),
        }
    }

    #[test]
    fn groups_by_role_priority_account_and_rule() {
        let ctas = [
            cta("a", "r1", "csm", Priority::High),
            cta("a", "r2", "csm", Priority::Low),
            cta("b", "r1", "csm", Priority::High),
            cta("b", "r3", "manager", Priority::Urgent),
        ];
        let q = cta_queue(&ctas);
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].owner_role, "csm");
        assert_eq!((q[0].ctas, q[0].accounts), (3, 2));
        assert_eq!(q[0].by_priority, [1, 0, 2, 0]);
        assert_eq!(q[0].by_rule, vec![("r1".to_owned(), 2), ("r2".to_owned(), 1)]);
        assert_eq!(q[1].by_priority, [0, 0, 0, 1]);
    }
}
