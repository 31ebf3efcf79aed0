//! Property tests of the onboarding module: exact JSON round trips of generated plans with
//! generated revision histories, reconstruction of past states, progress bounds, TTFI
//! statistics invariants.
#![allow(clippy::unwrap_used, clippy::float_cmp)]

use chrono::{Days, NaiveDate};
use cs_core::document::Document;
use cs_core::onboarding::{
    ActionItem, ActionStatus, Challenge, ChallengeKind, Edit, FirstImpactStatus, Goal, GoalKind, GoalStatus,
    Horizon, ImportantDate, JointImpactPlan, Owners, Person, Review, Side, SuccessMetric, TtfiConfig,
    ttfi_summary,
};
use proptest::prelude::*;
use serde_json::json;

fn created() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 20).unwrap()
}

fn day(offset: u64) -> NaiveDate {
    created().checked_add_days(Days::new(offset)).unwrap()
}

fn finite() -> impl Strategy<Value = f64> {
    use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    prop_oneof![POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO, -1e6..1e6f64]
}

fn metric() -> impl Strategy<Value = SuccessMetric> {
    (
        "[a-z ]{1,12}",
        proptest::option::of("[a-z%]{1,5}"),
        finite(),
        finite(),
        proptest::option::of(finite()),
    )
        .prop_filter("target differs from baseline", |(_, _, b, t, _)| b != t)
        .prop_map(|(name, unit, baseline, target, current)| SuccessMetric {
            name,
            unit,
            baseline,
            target,
            current,
        })
}

const OPEN_STATUSES: [GoalStatus; 4] = [
    GoalStatus::NotStarted,
    GoalStatus::InProgress,
    GoalStatus::AtRisk,
    GoalStatus::Dropped,
];
const KINDS: [GoalKind; 3] = [
    GoalKind::Adoption,
    GoalKind::Organisational,
    GoalKind::BusinessOutcome,
];

fn goal(i: usize) -> impl Strategy<Value = Goal> {
    (
        "\\PC{1,30}",
        proptest::option::of(metric()),
        0usize..3,
        any::<bool>(),
        0u64..400,
        0usize..5,
        0u64..60,
        0.0..10.0f64,
        proptest::option::of(1u32..5),
    )
        .prop_map(
            move |(title, metric, kind, long, due, status, achieved, weight, priority)| {
                let kind = if i == 0 {
                    GoalKind::FirstImpact
                } else {
                    KINDS[kind]
                };
                let (status, achieved_on) = if status == 4 {
                    (GoalStatus::Achieved, Some(day(achieved)))
                } else {
                    (OPEN_STATUSES[status], None)
                };
                Goal {
                    id: format!("g{i}"),
                    title,
                    horizon: if long { Horizon::Long } else { Horizon::Short },
                    kind,
                    metric,
                    due: day(due),
                    status,
                    achieved_on,
                    priority,
                    weight,
                    owner: None,
                }
            },
        )
}

fn action(i: usize, goals: usize) -> impl Strategy<Value = ActionItem> {
    (
        "\\PC{1,20}",
        0u64..200,
        0usize..4,
        any::<bool>(),
        proptest::option::of(0..goals.max(1)),
    )
        .prop_map(move |(title, due, status, ours, goal)| ActionItem {
            id: format!("a{i}"),
            title,
            owner: "Owner".into(),
            side: if ours { Side::Ours } else { Side::Customer },
            due: day(due),
            status: [
                ActionStatus::Open,
                ActionStatus::InProgress,
                ActionStatus::Done,
                ActionStatus::Cancelled,
            ][status],
            goal: goal.filter(|_| goals > 0).map(|g| format!("g{g}")),
            completed_on: None,
        })
}

fn plan() -> impl Strategy<Value = JointImpactPlan> {
    (
        0usize..5,
        0usize..5,
        proptest::collection::vec("\\PC{1,20}", 0..3),
        1u32..24,
        0usize..3,
    )
        .prop_flat_map(|(ng, na, challenges, interval, reviews)| {
            let goals: Vec<_> = (0..ng).map(goal).collect();
            let actions: Vec<_> = (0..na).map(|i| action(i, ng)).collect();
            (goals, actions, Just(challenges), Just(interval), Just(reviews))
        })
        .prop_map(|(goals, actions, challenges, interval, reviews)| {
            let owners = Owners {
                customer: Person::new("Ana Ruiz"),
                ours: Person::new("Sam Lee").with_title("CSM"),
            };
            let mut p = JointImpactPlan::new("Acme", "Acme plan", created(), owners);
            p.kickoff_on = Some(created());
            p.goals = goals;
            p.action_items = actions;
            p.challenges = challenges
                .into_iter()
                .map(|description| Challenge {
                    kind: ChallengeKind::ChangeManagement,
                    description,
                    mitigation: None,
                })
                .collect();
            p.important_dates.push(ImportantDate {
                date: day(350),
                label: "Renewal".into(),
            });
            p.review_interval_months = interval;
            p.reviews = (0..reviews)
                .map(|r| Review {
                    date: day(60 * r as u64 + 30),
                    attendees: vec![],
                    notes: String::new(),
                    priority_changes: vec![],
                })
                .collect();
            p
        })
        .prop_filter("valid", |p| p.clone().checked().is_ok())
}

/// One generated edit, resolved against the plan when applied.
#[derive(Debug, Clone)]
enum EditSpec {
    Current(usize, f64),
    Status(usize, usize),
    Action(usize, usize),
    NewAction(u64),
    DropChallenge(usize),
    Title(String),
}

fn edit_spec() -> impl Strategy<Value = EditSpec> {
    prop_oneof![
        (any::<usize>(), finite()).prop_map(|(g, v)| EditSpec::Current(g, v)),
        (any::<usize>(), 0usize..4).prop_map(|(g, s)| EditSpec::Status(g, s)),
        (any::<usize>(), 0usize..4).prop_map(|(a, s)| EditSpec::Action(a, s)),
        (0u64..300).prop_map(EditSpec::NewAction),
        any::<usize>().prop_map(EditSpec::DropChallenge),
        "\\PC{1,20}"
            .prop_filter(
                "a title is not blank (a blank one is rejected: Missing title)",
                |t| !t.trim().is_empty()
            )
            .prop_map(EditSpec::Title),
    ]
}

fn resolve(plan: &JointImpactPlan, spec: &EditSpec, tag: &str) -> Option<Edit> {
    let statuses = ["not_started", "in_progress", "at_risk", "dropped"];
    let actions = ["open", "in_progress", "done", "cancelled"];
    match spec {
        EditSpec::Current(g, v) => {
            let goal = plan
                .goals
                .iter()
                .filter(|g| g.metric.is_some())
                .nth(g % plan.goals.len().max(1))?;
            Some(Edit::Set {
                path: format!("goals/{}/metric/current", goal.id),
                value: json!(v),
            })
        }
        EditSpec::Status(g, s) => {
            let goal = plan
                .goals
                .iter()
                .filter(|g| g.status != GoalStatus::Achieved)
                .nth(g % plan.goals.len().max(1))?;
            Some(Edit::Set {
                path: format!("goals/{}/status", goal.id),
                value: json!(statuses[*s]),
            })
        }
        EditSpec::Action(a, s) => {
            let item = plan.action_items.get(a % plan.action_items.len().max(1))?;
            Some(Edit::Set {
                path: format!("action_items/{}/status", item.id),
                value: json!(actions[*s]),
            })
        }
        EditSpec::NewAction(due) => Some(Edit::Insert {
            path: "action_items".into(),
            index: Some(0),
            value: json!({"id": format!("new{tag}"), "title": "Follow up", "owner": "Sam Lee", "side": "ours",
                          "due": day(*due).to_string(), "status": "open"}),
        }),
        EditSpec::DropChallenge(c) => (!plan.challenges.is_empty()).then(|| Edit::Remove {
            path: format!("challenges/{}", c % plan.challenges.len()),
        }),
        EditSpec::Title(t) => Some(Edit::Set {
            path: "title".into(),
            value: json!(t),
        }),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn plans_with_histories_round_trip_and_rebuild_every_past_state(
        mut plan in plan(),
        history in proptest::collection::vec((1u64..20, 0u32..24, proptest::collection::vec(edit_spec(), 1..4)), 0..6),
    ) {
        let mut snapshots = vec![(created(), plan.clone())];
        let mut offset = 0;
        for (n, (gap, hour, specs)) in history.iter().enumerate() {
            offset += gap;
            // Edits resolve against the plan before the revision, so keep one removal per revision.
            let first_drop = specs.iter().position(|s| matches!(s, EditSpec::DropChallenge(_)));
            let edits: Vec<Edit> = specs
                .iter()
                .enumerate()
                .filter(|(k, s)| !matches!(s, EditSpec::DropChallenge(_)) || Some(*k) == first_drop)
                .filter_map(|(k, s)| resolve(&plan, s, &format!("{n}-{k}")))
                .collect();
            if edits.is_empty() {
                continue;
            }
            let at = day(offset).and_hms_opt(*hour, 0, 0).unwrap();
            plan.revise("Sam Lee", at, "generated", edits).unwrap();
            snapshots.push((day(offset), plan.clone()));
        }
        let text = plan.to_json().unwrap();
        let back = JointImpactPlan::from_json(&text).unwrap();
        prop_assert_eq!(&back, &plan);
        prop_assert_eq!(back.to_json().unwrap(), text);
        for (date, snapshot) in &snapshots {
            let mut past = back.revision_at(*date).unwrap();
            let mut expect = snapshot.clone();
            // reviews are kept up to the date in the rebuilt plan
            past.reviews.clear();
            expect.reviews.clear();
            prop_assert_eq!(past, expect);
        }
    }

    #[test]
    fn progress_is_bounded(plan in plan(), as_of in 0u64..500) {
        let p = plan.progress(day(as_of)).unwrap();
        for g in &p.goals {
            prop_assert!((0.0..=1.0).contains(&g.progress), "{}", g.progress);
        }
        if let Some(o) = p.overall {
            prop_assert!((0.0..=1.0).contains(&o), "{o}");
        }
    }

    #[test]
    fn metric_progress_is_monotone_towards_the_target(b in -1e6..1e6f64, span in 1e-3..1e6f64, x in -1e7..1e7f64, dx in 0.0..1e6f64) {
        for (baseline, target) in [(b, b + span), (b + span, b)] {
            let m = |c| SuccessMetric { name: "m".into(), unit: None, baseline, target, current: Some(c) }.progress();
            // moving the value towards the target never lowers progress
            let step = if target > baseline { dx } else { -dx };
            prop_assert!(m(x + step) >= m(x));
        }
    }

    #[test]
    fn ttfi_summary_is_order_independent_and_bounded(
        rows in proptest::collection::vec((0u64..200, proptest::option::of(0u64..200)), 0..60),
        target in 1u32..120,
        seed in any::<u64>(),
    ) {
        let cfg = TtfiConfig { target_days: target, ..TtfiConfig::default() };
        let as_of = day(250);
        let statuses: Vec<FirstImpactStatus> = rows
            .iter()
            .map(|(k, fi)| cfg.status(Some(day(*k)), fi.map(|f| day(k + f)), as_of).unwrap())
            .collect();
        let s = ttfi_summary(&statuses);
        let mut shuffled = statuses.clone();
        // a deterministic permutation
        let n = shuffled.len();
        for i in 0..n {
            shuffled.swap(i, (seed as usize).wrapping_add(i * 7) % n.max(1));
        }
        prop_assert_eq!(&ttfi_summary(&shuffled), &s);
        prop_assert_eq!(s.accounts as usize, rows.len());
        if let (Some(m), Some(p90)) = (s.median_days, s.p90_days) {
            prop_assert!(m <= p90);
        }
        if let Some(share) = s.share_past_target {
            prop_assert!((0.0..=1.0).contains(&share));
        }
    }
}
