//! The Joint Impact Plan through its public API, on the example plan in examples/data.
#![allow(clippy::unwrap_used, clippy::float_cmp)]

use chrono::{NaiveDate, NaiveDateTime};
use cs_core::Error;
use cs_core::document::Document;
use cs_core::onboarding::{
    ActionStatus, Edit, FirstImpactState, GoalStatus, JointImpactPlan, TtfiConfig, TtfiOrigin,
};
use serde_json::{Value, json};

const EXAMPLE: &str = include_str!("../../examples/data/plan.json");

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

fn at(m: u32, day: u32, h: u32) -> NaiveDateTime {
    d(m, day).and_hms_opt(h, 0, 0).unwrap()
}

fn example() -> JointImpactPlan {
    JointImpactPlan::from_json(EXAMPLE).unwrap()
}

fn example_value() -> Value {
    serde_json::from_str(EXAMPLE).unwrap()
}

/// Loads a modified copy of the example, returning the error.
fn load_err(edit: impl FnOnce(&mut Value)) -> Error {
    let mut v = example_value();
    edit(&mut v);
    JointImpactPlan::from_json_value(v).unwrap_err()
}

#[test]
fn example_plan_loads_and_round_trips_exactly() {
    let plan = example();
    assert_eq!(plan.revisions.len(), 4);
    let back = JointImpactPlan::from_json(&plan.to_json().unwrap()).unwrap();
    assert_eq!(back, plan);
}

#[test]
fn current_progress_is_weighted_over_goals() {
    let p = example().progress(d(5, 15)).unwrap();
    let by_id: Vec<(&str, f64)> = p.goals.iter().map(|g| (g.id.as_str(), g.progress)).collect();
    // first-report achieved -> 1; adoption (26 − 4) / (40 − 4) = 11/18;
    // training 5 / 12; stockouts (85 − 120) / (40 − 120) = 7/16 (weight 2)
    let expect = [
        ("first-report", 1.0),
        ("adoption", 11.0 / 18.0),
        ("training", 5.0 / 12.0),
        ("stockouts", 7.0 / 16.0),
    ];
    for ((id, got), (eid, want)) in by_id.iter().zip(expect) {
        assert_eq!(*id, eid);
        assert!((got - want).abs() < 1e-12, "{id}: {got} vs {want}");
    }
    // (1 + 11/18 + 5/12 + 2 · 7/16) / 5 = (209/72) / 5 = 209/360
    assert!((p.overall.unwrap() - 209.0 / 360.0).abs() < 1e-12);
}

#[test]
fn progress_as_of_a_past_date_uses_the_plan_as_recorded_then() {
    let p = example().progress(d(2, 5)).unwrap();
    // after revision 1 only: adoption (9 − 4) / 36 = 5/36, everything else 0 -> 5/36 / 5 = 1/36
    assert!((p.overall.unwrap() - 1.0 / 36.0).abs() < 1e-12);
}

#[test]
fn revision_at_rebuilds_past_states() {
    let plan = example();
    let before_fi = plan.revision_at(d(2, 23)).unwrap();
    let fi = before_fi.goal("first-report").unwrap();
    assert_eq!((fi.status, fi.achieved_on), (GoalStatus::InProgress, None));
    assert_eq!(fi.metric.as_ref().unwrap().current, Some(2.0));
    assert_eq!(before_fi.revisions.len(), 2);
    assert!(before_fi.reviews.is_empty());
    // at creation: no revision applied, the original stock-out target of 50
    let created = plan.revision_at(d(1, 20)).unwrap();
    assert!(created.revisions.is_empty());
    assert_eq!(
        created.goal("stockouts").unwrap().metric.as_ref().unwrap().target,
        50.0
    );
    assert_eq!(created.action_items.len(), 4);
    // after the last revision: the plan itself
    assert_eq!(plan.revision_at(d(12, 31)).unwrap(), plan);
    // before creation: an error naming the as-of date
    let err = plan.revision_at(d(1, 19)).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("as_of 2026-01-19 is outside 2026-01-20.."),
        "{err}"
    );
}

#[test]
fn overdue_goals_and_actions_as_of_a_date() {
    let o = example().overdue(d(5, 15)).unwrap();
    let goals: Vec<(&str, i64)> = o.goals.iter().map(|g| (g.id.as_str(), g.days_overdue)).collect();
    // training due 04-30, at risk: 15 days
    assert_eq!(goals, [("training", 15)]);
    let actions: Vec<(&str, i64)> = o
        .actions
        .iter()
        .map(|a| (a.id.as_str(), a.days_overdue))
        .collect();
    // 03-06 -> 05-15 = 25 + 30 + 15 = 70; 03-31 -> 05-15 = 45; 04-15 -> 05-15 = 30
    assert_eq!(
        actions,
        [
            ("training-plan", 70),
            ("stockout-baseline", 45),
            ("planner-workshops", 30)
        ]
    );
    // On 2026-02-09 the ERP export (due 02-06) was still in progress: 3 days overdue.
    let early = example().overdue(d(2, 9)).unwrap();
    assert_eq!(early.actions[0].id, "erp-export");
    assert_eq!(early.actions[0].days_overdue, 3);
    assert!(example().overdue(d(2, 12)).unwrap().is_empty());
}

#[test]
fn next_actions_are_open_items_by_due_date() {
    let next = example().next_actions(d(5, 15), 2).unwrap();
    let ids: Vec<&str> = next.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["training-plan", "stockout-baseline"]);
    assert!(next.iter().all(|a| a.status != ActionStatus::Done));
}

#[test]
fn review_interval_flag() {
    let plan = example();
    // never reviewed before 03-20: due 6 months after creation (2026-07-20)
    let before = plan.review_status(d(3, 19)).unwrap();
    assert_eq!(
        (before.last_review, before.next_due, before.overdue),
        (None, d(7, 20), false)
    );
    // last review 03-20 + 6 months = 09-20; on 10-01 the plan is flagged, 195 days after it
    let late = plan.review_status(d(10, 1)).unwrap();
    assert_eq!(
        (late.next_due, late.overdue, late.days_since),
        (d(9, 20), true, 195)
    );
}

#[test]
fn default_review_interval_is_one_year() {
    let mut v = example_value();
    v.as_object_mut().unwrap().remove("review_interval_months");
    let plan = JointImpactPlan::from_json_value(v).unwrap();
    assert_eq!(plan.review_interval_months, 12);
    assert_eq!(
        plan.review_status(d(10, 1)).unwrap().next_due,
        NaiveDate::from_ymd_opt(2027, 3, 20).unwrap()
    );
}

#[test]
fn time_to_first_impact_from_kickoff_or_contract_start() {
    let plan = example();
    let s = plan.status(d(5, 15), 3, TtfiConfig::default()).unwrap();
    let fi = s.first_impact.unwrap();
    // kickoff 01-20 -> 02-24 = 11 + 24 = 35 days
    assert_eq!((fi.state, fi.days), (FirstImpactState::Achieved, Some(35)));
    let cfg = TtfiConfig {
        origin: TtfiOrigin::ContractStart,
        target_days: 45,
    };
    let fi = plan.status(d(5, 15), 3, cfg).unwrap().first_impact.unwrap();
    // contract start 01-05 -> 02-24 = 26 + 24 = 50 days > 45
    assert_eq!((fi.days, fi.past_target), (Some(50), true));
    assert_eq!(s.revision, 4);
    assert_eq!(s.next_actions.len(), 3);
}

#[test]
fn markdown_is_customer_facing() {
    let md = example().to_markdown();
    assert!(md.starts_with("# Northwind Grocers – Joint Impact Plan 2026\n"));
    assert!(md.contains(
        "**Owners:** Ana Ruiz (Head of Supply Chain) (customer), Sam Lee (Customer Success Manager) (ours)"
    ));
    assert!(
        md.contains("| Cut monthly stock-outs of fresh produce | Business outcome | Long term | stock-outs per month: 120 stock-outs → 40 stock-outs (now 85 stock-outs) | 44% | 2026-12-31 | In progress |"),
        "{md}"
    );
    assert!(md.contains("**Overall progress:** 58%"));
    assert!(md.contains("## Last review: 2026-03-20"));
    assert!(!md.contains("Revision"), "the revision log is internal");
    let dated = example().to_markdown_as_of(d(5, 15)).unwrap();
    assert!(dated.contains("At risk (overdue)"));
}

#[test]
fn revise_records_changes_and_keeps_history_exact() {
    let mut plan = example();
    let before = plan.clone();
    plan.revise(
        "Sam Lee",
        at(5, 20, 10),
        "Workshops done",
        vec![
            Edit::Set {
                path: "action_items/planner-workshops/status".into(),
                value: json!("done"),
            },
            Edit::Set {
                path: "action_items/planner-workshops/completed_on".into(),
                value: json!("2026-05-19"),
            },
            Edit::Remove {
                path: "challenges/1".into(),
            },
        ],
    )
    .unwrap();
    assert_eq!(plan.revisions.len(), 5);
    assert_eq!(plan.challenges.len(), 1);
    assert_eq!(plan.revision_at(d(5, 19)).unwrap(), before);
    let reloaded = JointImpactPlan::from_json(&plan.to_json().unwrap()).unwrap();
    assert_eq!(reloaded, plan);
}

#[test]
fn revise_rejects_an_invalid_result_and_leaves_the_plan_unchanged() {
    let mut plan = example();
    let before = plan.clone();
    let err = plan
        .revise(
            "Sam Lee",
            at(5, 20, 10),
            "",
            vec![Edit::Set {
                path: "goals/adoption/metric/target".into(),
                value: json!(4),
            }],
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("goals[adoption].metric.target 4 is invalid: equals the baseline"),
        "{err}"
    );
    let err = plan
        .revise(
            "Sam Lee",
            at(3, 1, 10),
            "",
            vec![Edit::Set {
                path: "title".into(),
                value: json!("x"),
            }],
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("earlier than the revision before it"),
        "{err}"
    );
    assert_eq!(plan, before);
}

#[test]
fn due_date_before_creation_names_the_field() {
    let err = load_err(|v| v["goals"][1]["due"] = json!("2026-01-19"));
    assert!(
        err.to_string().starts_with(
            "goals[adoption].due 2026-01-19 is invalid: before the plan was created on 2026-01-20"
        ),
        "{err}"
    );
    let err = load_err(|v| v["action_items"][0]["due"] = json!("2025-12-31"));
    assert!(
        err.to_string()
            .starts_with("action_items[erp-export].due 2025-12-31 is invalid"),
        "{err}"
    );
}

#[test]
fn target_equal_to_baseline_names_the_field() {
    let err = load_err(|v| v["goals"][2]["metric"]["target"] = json!(0));
    assert!(
        err.to_string()
            .starts_with("goals[training].metric.target 0 is invalid"),
        "{err}"
    );
}

#[test]
fn duplicate_goal_ids_are_rejected() {
    let err = load_err(|v| v["goals"][1]["id"] = json!("training"));
    assert_eq!(
        err,
        Error::Duplicate {
            field: "goal id".into(),
            value: "training".into(),
            position: None,
        }
    );
}

#[test]
fn first_impact_before_kickoff_is_rejected() {
    let err = load_err(|v| v["kickoff_on"] = json!("2026-02-25"));
    assert!(
        err.to_string().starts_with(
            "goals[first-report].achieved_on 2026-02-24 is invalid: the First Impact cannot be achieved before the kickoff on 2026-02-25"
        ),
        "{err}"
    );
}

#[test]
fn a_revision_editing_a_missing_field_names_it() {
    let err = load_err(|v| v["revisions"][0]["changes"][2]["path"] = json!("goals/adoption/metric/curent"));
    assert_eq!(
        err.to_string(),
        "unknown revision 1: plan field \"goals/adoption/metric/curent\" (known: baseline, current, name, target, unit)"
    );
}

#[test]
fn a_history_that_does_not_lead_to_the_plan_is_rejected() {
    // revision 4 says the adoption metric went to 26, but the plan holds 30
    let err = load_err(|v| v["goals"][1]["metric"]["current"] = json!(30));
    assert!(err.to_string().starts_with("revision 4: revision change of goals/adoption/metric/current 26 is invalid: the plan holds 30.0 there"), "{err}");
}

#[test]
fn unknown_keys_and_versions_are_rejected_whole() {
    let err = load_err(|v| v["goals"][0]["colour"] = json!("red"));
    assert!(matches!(err, Error::Parse { .. }));
    assert!(err.to_string().contains("unknown field `colour`"), "{err}");
    let err = load_err(|v| v["schema_version"] = json!(2));
    assert!(matches!(err, Error::SchemaVersion { found: 2, .. }));
}
