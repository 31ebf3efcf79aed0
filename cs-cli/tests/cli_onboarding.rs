//! `cs plan show`, `cs plan check` and `cs onboarding` end to end: the binary, real files,
//! exit codes and messages.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::Write;
use std::process::Command;

const PLAN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/data/plan.json");
const ACCOUNTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/data/onboarding.csv");

/// Runs `cs`; returns the exit code, stdout and stderr.
fn cs(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cs"))
        .args(args)
        .output()
        .expect("run cs");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_file(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("cs-cli-onboarding-{}-{name}", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write file");
    path.to_string_lossy().into_owned()
}

/// The example plan with one change applied to its JSON.
fn plan_with(name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(PLAN).unwrap()).unwrap();
    edit(&mut v);
    temp_file(name, &v.to_string())
}

#[test]
fn plan_show_summarises_progress_overdue_items_review_and_ttfi() {
    let (code, out, err) = cs(&["plan", "show", PLAN, "--as-of", "2026-05-15"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("Northwind Grocers – Joint Impact Plan 2026\n"),
        "{out}"
    );
    assert!(out.contains("Ana Ruiz, Head of Supply Chain (customer)"), "{out}");
    // (1 + 11/18 + 5/12 + 2 · 7/16) / 5 = 209/360 = 58%
    assert!(
        out.contains("Overall progress [############--------] 58%"),
        "{out}"
    );
    // adoption (26 − 4) / (40 − 4) = 61%; training 5/12 = 42%, due 04-30 and at risk
    assert!(out.contains("[######----]   61%"), "{out}");
    assert!(out.contains("At risk (overdue)"), "{out}");
    assert!(out.contains("Overdue: 1 goal(s), 3 action item(s)"), "{out}");
    // training-plan due 03-06: 25 + 30 + 15 = 70 days overdue
    assert!(
        out.lines()
            .any(|l| l.contains("training-plan") && l.ends_with(" 70")),
        "{out}"
    );
    assert!(out.contains("Review: last 2026-03-20, next due 2026-09-20 (every 6 months): on schedule"));
    // kickoff 01-20 -> First Impact 02-24 = 11 + 24 = 35 days
    assert!(out.contains("Time to First Impact: achieved in 35 days from kickoff (target 90 days)"));
}

#[test]
fn plan_show_from_contract_start_and_as_recorded_in_the_past() {
    let (code, out, _) = cs(&[
        "plan",
        "show",
        PLAN,
        "--as-of",
        "2026-05-15",
        "--origin",
        "contract_start",
        "--target-days",
        "45",
    ]);
    assert_eq!(code, 0);
    // contract start 01-05 -> 02-24 = 26 + 24 = 50 days > 45
    assert!(
        out.contains("achieved in 50 days from contract start (target 45 days, past target)"),
        "{out}"
    );
    // On 02-05 only revision 1 applied: overall 1/36 = 3%, First Impact open 16 days.
    let (code, out, _) = cs(&["plan", "show", PLAN, "--as-of", "2026-02-05"]);
    assert_eq!(code, 0);
    assert!(out.contains("(revision 1 of 4)"), "{out}");
    assert!(out.contains("] 3%"), "{out}");
    assert!(out.contains("onboarding, open 16 days since kickoff"), "{out}");
}

#[test]
fn plan_show_markdown_and_json() {
    let (code, md, _) = cs(&["plan", "show", PLAN, "--markdown"]);
    assert_eq!(code, 0);
    assert!(
        md.starts_with("# Northwind Grocers – Joint Impact Plan 2026\n"),
        "{md}"
    );
    assert!(md.contains("**Overall progress:** 58%"));
    let (_, dated, _) = cs(&["plan", "show", PLAN, "--markdown", "--as-of", "2026-05-15"]);
    assert!(dated.contains("_Status as of 2026-05-15._") && dated.contains("At risk (overdue)"));
    let (code, out, _) = cs(&[
        "plan",
        "show",
        PLAN,
        "--as-of",
        "2026-05-15",
        "--json",
        "--limit",
        "2",
    ]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!((doc["progress"]["overall"].as_f64().unwrap() - 209.0 / 360.0).abs() < 1e-12);
    assert_eq!(doc["first_impact"]["days"], 35);
    assert_eq!(doc["next_actions"].as_array().unwrap().len(), 2);
    assert_eq!(doc["review"]["next_due"], "2026-09-20");
}

#[test]
fn plan_check_exit_codes() {
    // 02-12: everything due was done, review not yet due -> 0
    let (code, out, _) = cs(&["plan", "check", PLAN, "--as-of", "2026-02-12"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("valid joint impact plan") && out.contains("Overdue: nothing"),
        "{out}"
    );
    // 02-09: the ERP export (due 02-06) still in progress: 3 days overdue -> 1
    let (code, out, _) = cs(&["plan", "check", PLAN, "--as-of", "2026-02-09"]);
    assert_eq!(code, 1);
    assert!(
        out.lines().any(|l| l.contains("erp-export") && l.ends_with(" 3")),
        "{out}"
    );
    // review overdue alone: last review 03-20 + 6 months = 09-20; with the items done on
    // 10-01 only the review is late.
    let done = plan_with("reviewed.json", |v| {
        for goal in v["goals"].as_array_mut().unwrap() {
            goal["due"] = serde_json::json!("2027-01-31");
        }
        for a in v["action_items"].as_array_mut().unwrap() {
            a["due"] = serde_json::json!("2027-01-31");
        }
        v["revisions"] = serde_json::json!([]);
    });
    let (code, out, err) = cs(&["plan", "check", &done, "--as-of", "2026-10-01"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("Overdue: nothing") && out.contains("OVERDUE (no review for 195 days)"),
        "{out}"
    );
}

/// A change to a plan's JSON.
type Edit = fn(&mut serde_json::Value);

#[test]
fn plan_check_invalid_files_exit_2_naming_the_field() {
    let cases: [(&str, Edit, &str); 4] = [
        (
            "dup.json",
            |v| v["goals"][1]["id"] = serde_json::json!("training"),
            "duplicate goal id \"training\"",
        ),
        (
            "due.json",
            |v| v["goals"][1]["due"] = serde_json::json!("2026-01-19"),
            "goals[adoption].due 2026-01-19 is invalid: before the plan was created on 2026-01-20",
        ),
        (
            "flat.json",
            |v| v["goals"][2]["metric"]["target"] = serde_json::json!(0),
            "goals[training].metric.target 0 is invalid",
        ),
        (
            "path.json",
            |v| v["revisions"][0]["changes"][2]["path"] = serde_json::json!("goals/adoption/metric/curent"),
            "unknown revision 1: plan field \"goals/adoption/metric/curent\"",
        ),
    ];
    for (name, edit, message) in cases {
        let path = plan_with(name, edit);
        let (code, out, err) = cs(&["plan", "check", &path, "--as-of", "2026-05-15"]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(out.is_empty(), "an invalid plan prints no partial result: {out}");
        assert!(err.contains(&path) && err.contains(message), "{name}: {err}");
    }
    let (code, _, err) = cs(&["plan", "show", "/nonexistent/plan.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/plan.json"), "{err}");
    let not_json = temp_file("garbage.json", "{ not json");
    let (code, _, err) = cs(&["plan", "check", &not_json]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid JSON document: joint impact plan"), "{err}");
}

#[test]
fn onboarding_statistics_hand_computed() {
    // Kickoff -> First Impact: a 10, b 20, c 40 (late, target 30); d open 31 days (overdue);
    // e open 5 days; f no kickoff yet. Segment x = a, b, d; y = c, e, f.
    let csv = "account,segment,kickoff,first_impact\n\
               a,x,2026-01-01,2026-01-11\n\
               b,x,2026-01-01,2026-01-21\n\
               c,y,2026-01-01,2026-02-10\n\
               d,x,2026-05-01,\n\
               e,y,2026-05-27,\n\
               f,y,,\n";
    let path = temp_file("ttfi.csv", csv);
    let (code, out, err) = cs(&[
        "onboarding",
        &path,
        "--as-of",
        "2026-06-01",
        "--target-days",
        "30",
        "--by",
        "segment",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let total = &doc["total"];
    assert_eq!(total["accounts"], 6);
    assert_eq!(
        (total["achieved"].as_u64(), total["not_started"].as_u64()),
        (Some(3), Some(1))
    );
    // median of 10, 20, 40 = 20; p90: position 1.8 -> 20 + 0.8 · 20 = 36
    assert_eq!(total["median_days"], 20.0);
    assert!((total["p90_days"].as_f64().unwrap() - 36.0).abs() < 1e-12);
    // (1 late + 1 overdue) / (3 achieved + 1 overdue) = 0.5
    assert_eq!(total["share_past_target"], 0.5);
    let groups = doc["groups"].as_array().unwrap();
    assert_eq!(groups[0]["segment"], "x");
    // x: a 10, b 20 achieved; d overdue -> 1 / 3
    assert!((groups[0]["summary"]["share_past_target"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(groups[1]["summary"]["median_days"], 40.0);
    let open = doc["still_onboarding"].as_array().unwrap();
    assert_eq!(open.len(), 2);
    assert_eq!(
        (&open[0]["account"], &open[0]["days_open"], &open[0]["overdue"]),
        (
            &serde_json::json!("d"),
            &serde_json::json!(31),
            &serde_json::json!(true)
        )
    );
    // From contract start instead: the column is required.
    let (code, _, err) = cs(&[
        "onboarding",
        &path,
        "--as-of",
        "2026-06-01",
        "--origin",
        "contract_start",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown column \"contract_start\""), "{err}");
}

#[test]
fn onboarding_table_of_the_sample_portfolio() {
    let (code, out, err) = cs(&["onboarding", ACCOUNTS, "--as-of", "2026-06-30", "--by", "segment"]);
    assert_eq!(code, 0, "{err}");
    for needle in [
        "Community",
        "Enterprise",
        "Strategic",
        "median",
        "p90",
        "past target",
        "Still onboarding",
    ] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
    // The bundled sample is used when no file is given.
    let (code, bundled, _) = cs(&["onboarding", "--as-of", "2026-06-30", "--by", "segment"]);
    assert_eq!(code, 0);
    assert_eq!(
        bundled.lines().skip(1).collect::<Vec<_>>(),
        out.lines().skip(1).collect::<Vec<_>>()
    );
}

#[test]
fn onboarding_bad_rows_name_their_line() {
    let path = temp_file(
        "bad.csv",
        "account,kickoff,first_impact\na,2026-01-10,2026-02-01\nb,2026-02-01,2026-01-15\n",
    );
    let (code, _, err) = cs(&["onboarding", &path, "--as-of", "2026-06-01"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("line 3, first_impact 2026-01-15 is invalid: First Impact cannot be achieved before the kickoff date 2026-02-01"),
        "{err}"
    );
    let path = temp_file("text.csv", "account,kickoff,first_impact\na,soon,\n");
    let (code, _, err) = cs(&["onboarding", &path, "--as-of", "2026-06-01"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("line 2, column kickoff value \"soon\" is invalid: expected a date (YYYY-MM-DD)"),
        "{err}"
    );
    let (code, _, err) = cs(&["onboarding", &path, "--as-of", "June"]);
    assert_eq!(code, 1);
    assert!(err.contains("--as-of \"June\" is not a date"), "{err}");
}
