//! The capabilities added to the command line for issue 11 (item 4): CSAT, NPS perceived and
//! comparison, lifecycle and handoff, renewal stages, risk fit / evaluate, churn reasons,
//! expansion and red-band lead times, end to end through the binary.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::Write;
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn cs(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cs"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run cs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("cs-cli-caps-{}-{name}", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write file");
    path.to_string_lossy().into_owned()
}

fn example(name: &str) -> String {
    format!("{ROOT}/examples/data/{name}")
}

fn json(args: &[&str]) -> serde_json::Value {
    let (ok, out, err) = cs(args);
    assert!(ok, "{err}");
    serde_json::from_str(&out).expect("json")
}

fn close(a: &serde_json::Value, b: f64) -> bool {
    (a.as_f64().unwrap() - b).abs() < 1e-9
}

#[test]
fn csat_of_the_sample_survey_matches_a_hand_count() {
    // 267 of the 372 ratings of survey.csv are above 3.5.
    let v = json(&["csat", &example("survey.csv"), "--json"]);
    assert_eq!(v["total"]["responses"], 372);
    assert_eq!(v["total"]["satisfied"], 267);
    assert!(close(&v["total"]["csat"], 100.0 * 267.0 / 372.0));
    let (ok, out, err) = cs(&["csat", &example("survey.csv"), "--by", "segment"]);
    assert!(
        ok && out.contains("Enterprise") && out.contains("71.8%"),
        "{out}{err}"
    );
}

#[test]
fn csat_threshold_groups_and_bad_rating() {
    let f = temp("csat.csv", "csm,csat\nana,5\nana,2\nben,4\nben,4.5\n");
    let v = json(&["csat", &f, "--by", "csm", "--threshold", "4", "--json"]);
    assert_eq!(v["groups"][0]["csm"], "ana");
    assert_eq!(v["groups"][0]["satisfied"], 1);
    assert_eq!(v["groups"][1]["satisfied"], 1); // 4 is not above 4
    let bad = temp("csat-bad.csv", "csat\n4\n7\n");
    let (ok, _, err) = cs(&["csat", &bad]);
    assert!(
        !ok && err.contains("line 3") && err.contains("csat") && err.contains("1..=5"),
        "{err}"
    );
}

#[test]
fn perceived_calibration_of_the_sample_and_by_hand() {
    // survey.csv: 315 rows with an estimate, 199 in the right category, 44 hidden detractors.
    let v = json(&["perceived", &example("survey.csv"), "--json"]);
    assert_eq!(v["total"]["pairs"], 315);
    assert_eq!(v["total"]["matches"], 199);
    assert_eq!(v["total"]["hidden_detractors"], 44);
    let f = temp(
        "perceived.csv",
        "csm,perceived,score\nana,9,10\nben,8,4\nben,,3\nben,7,5\n",
    );
    let v = json(&["perceived", &f, "--by", "csm", "--json"]);
    assert_eq!(v["total"]["pairs"], 3);
    assert!(close(&v["total"]["mean_signed_gap"], 5.0 / 3.0));
    assert_eq!(v["groups"][1]["hidden_detractors"], 2);
    let (ok, out, _) = cs(&["perceived", &f]);
    assert!(
        ok && out.contains("hidden detractors") && out.contains("33.3%"),
        "{out}"
    );
    let bad = temp("perceived-bad.csv", "perceived,score\n9,10\n11,4\n");
    let (ok, _, err) = cs(&["perceived", &bad]);
    assert!(
        !ok && err.contains("line 3") && err.contains("perceived"),
        "{err}"
    );
}

#[test]
fn nps_compare_two_segments_and_two_periods() {
    let v = json(&[
        "nps-compare",
        "Enterprise",
        "Community",
        "--by",
        "segment",
        "--file",
        &example("survey.csv"),
        "--json",
    ]);
    assert!(close(&v["a"]["nps"], 100.0 * 36.0 / 145.0), "{v}");
    assert!(
        close(&v["difference"], 100.0 * 36.0 / 145.0 + 100.0 * 67.0 / 190.0),
        "{v}"
    );
    assert!(v["p_value"].as_f64().unwrap() < 0.001);
    // By hand: a = {10, 10, 0} (NPS 33.3), b = {9, 7} (NPS 50).
    let f = temp(
        "compare.csv",
        "date,score\n2025-01-10,10\n2025-02-10,10\n2025-03-10,0\n2025-04-10,9\n2025-05-10,7\n",
    );
    let v = json(&[
        "nps-compare",
        "2025-Q1",
        "2025-Q2",
        "--period",
        "quarter",
        "--file",
        &f,
        "--json",
    ]);
    assert!(close(&v["difference"], 100.0 / 3.0 - 50.0), "{v}");
    let (ok, out, _) = cs(&[
        "nps-compare",
        "2025-Q1",
        "2025-Q2",
        "--period",
        "quarter",
        "--file",
        &f,
    ]);
    assert!(ok && out.contains("difference -16.7 points"), "{out}");
    let (ok, _, err) = cs(&[
        "nps-compare",
        "2025-Q1",
        "2026-Q1",
        "--period",
        "quarter",
        "--file",
        &f,
    ]);
    assert!(!ok && err.contains("\"2026-Q1\""), "{err}");
    let bad = temp("compare-bad.csv", "segment,score\na,9\nb,x\n");
    let (ok, _, err) = cs(&["nps-compare", "a", "b", "--by", "segment", "--file", &bad]);
    assert!(!ok && err.contains("line 3") && err.contains("score"), "{err}");
}

#[test]
fn lifecycle_stages_of_the_onboarding_sample() {
    let v = json(&[
        "lifecycle",
        &example("onboarding.csv"),
        "--as-of",
        "2026-03-01",
        "--json",
    ]);
    let n: u64 = v["stages"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(n, 60);
    // ACC-0001: first impact 2025-09-18, contract end 2026-07-10: adoption on 2026-03-01.
    assert_eq!(v["accounts"][0]["account"], "ACC-0001");
    assert_eq!(v["accounts"][0]["stage"], "adoption");
    let f = temp(
        "life.csv",
        "account,closed_on,kickoff,contract_end\na,2026-01-01,,2026-12-31\nb,2026-01-01,2026-01-10,2026-03-15\n",
    );
    let v = json(&["lifecycle", &f, "--as-of", "2026-02-01", "--json"]);
    assert_eq!(v["accounts"][0]["stage"], "handoff");
    assert_eq!(v["accounts"][1]["stage"], "renewal_window");
    let bad = temp("life-bad.csv", "account,closed_on\na,2026-01-01\nb,soon\n");
    let (ok, _, err) = cs(&["lifecycle", &bad, "--as-of", "2026-02-01"]);
    assert!(
        !ok && err.contains("line 3") && err.contains("closed_on"),
        "{err}"
    );
}

#[test]
fn handoff_completeness_and_lag() {
    let f = temp(
        "handoff.json",
        r#"{"schema_version": 1, "account": "Acme", "closed_on": "2026-01-05",
            "completed_on": "2026-01-09",
            "spiced": {"situation": "3 regional warehouses", "pain": "stock-outs"},
            "red_flags": []}"#,
    );
    let p = temp(
        "pending.json",
        r#"{"schema_version": 1, "account": "Globex", "closed_on": "2026-01-20"}"#,
    );
    let v = json(&["handoff", &f, &p, "--as-of", "2026-02-01", "--json"]);
    assert_eq!(v["handoffs"][0]["completeness"]["complete"], 3);
    assert_eq!(v["handoffs"][0]["lag"]["days"], 4);
    assert_eq!(v["handoffs"][0]["lag"]["late"], false);
    assert_eq!(v["handoffs"][1]["lag"]["days"], 12);
    assert_eq!(v["handoffs"][1]["lag"]["late"], true);
    let (ok, out, _) = cs(&["handoff", &f, &p, "--as-of", "2026-02-01"]);
    assert!(ok && out.contains("pending") && out.contains("3/14"), "{out}");
    let bad = temp("handoff-bad.json", r#"{"schema_version": 1, "account": "X"}"#);
    let (ok, _, err) = cs(&["handoff", &bad]);
    assert!(
        !ok && err.contains("handoff-bad.json") && err.contains("closed_on"),
        "{err}"
    );
}

#[test]
fn renewal_stages_of_the_contracts_sample() {
    let v = json(&[
        "renewals",
        &example("contracts.csv"),
        "--id",
        "account",
        "--renewal-date",
        "renewal",
        "--as-of",
        "2026-06-20",
        "--json",
    ]);
    // Acme Corp renews 2026-09-15: 87 days after 2026-06-20, inside the 90-day review window.
    assert_eq!(v["contracts"][0]["account"], "Acme Corp");
    assert_eq!(v["contracts"][0]["status"]["days_to_renewal"], 87);
    assert_eq!(v["contracts"][0]["status"]["stage"], "internal_review_due");
    let f = temp(
        "renew.csv",
        "account_id,renewal_date,auto_renew,notice_days,outcome\na,2026-07-01,true,60,\nb,2027-01-01,false,,\nc,2026-03-01,false,,renewed\n",
    );
    let v = json(&["renewals", &f, "--as-of", "2026-04-15", "--json"]);
    assert_eq!(v["contracts"][0]["status"]["notice_deadline"], "2026-05-02");
    assert_eq!(v["contracts"][1]["status"]["stage"], "early");
    assert_eq!(v["contracts"][2]["status"]["stage"], "renewed");
    let bad = temp(
        "renew-bad.csv",
        "renewal_date,outcome\n2026-07-01,\n2026-08-01,maybe\n",
    );
    let (ok, _, err) = cs(&["renewals", &bad, "--as-of", "2026-04-15"]);
    assert!(!ok && err.contains("line 3") && err.contains("maybe"), "{err}");
}

#[test]
fn risk_fit_writes_a_model_that_risk_and_evaluate_read() {
    let model = std::env::temp_dir().join(format!("cs-cli-caps-{}-model.json", std::process::id()));
    let model = model.to_string_lossy().into_owned();
    let (ok, out, err) = cs(&["risk", "fit", &example("renewals_history.csv"), "-o", &model]);
    assert!(ok, "{err}");
    assert!(
        out.contains("1500 rows") && out.contains("converged: true"),
        "{out}"
    );
    let fitted: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert!(fitted["fit"]["converged"].as_bool().unwrap());
    // Scoring with the fitted model: the same command as before, a new model.
    let (ok, out, err) = cs(&[
        "risk",
        &example("portfolio.csv"),
        "--model",
        &model,
        "--as-of",
        "2026-06-30",
        "--top",
        "3",
    ]);
    assert!(ok, "{err}");
    assert!(
        out.contains(&format!("model \"{}\"", fitted["name"].as_str().unwrap())),
        "{out}"
    );
    // Evaluated on its own history the fitted model ranks well.
    let v = json(&[
        "risk",
        "evaluate",
        &example("renewals_history.csv"),
        "--model",
        &model,
        "--json",
    ]);
    assert_eq!(v["evaluation"]["rows"], 1500);
    assert!(v["evaluation"]["auc"].as_f64().unwrap() > 0.7, "{v}");
    let (ok, out, _) = cs(&["risk", "evaluate", &example("renewals_history.csv")]);
    assert!(
        ok && out.contains("ROC AUC") && out.contains("Calibration"),
        "{out}"
    );
    let bad = temp(
        "history-bad.csv",
        "account_id,health_score,churned\na,50,true\nb,60,perhaps\n",
    );
    let (ok, _, err) = cs(&["risk", "fit", &bad, "-o", &model]);
    assert!(!ok && err.contains("line 3") && err.contains("churned"), "{err}");
}

#[test]
fn churn_reasons_by_hand() {
    let f = temp(
        "reasons.csv",
        "account,reason,arr\na,price,10000\nb,Renewal not asked,50000\nc,price,20000\n",
    );
    let v = json(&["churn-reasons", &f, "--json"]);
    assert_eq!(v["reasons"][0]["reason"], "renewal_not_asked");
    assert_eq!(v["reasons"][1]["accounts"], 2);
    assert_eq!(v["reasons"][1]["arr"], 30000);
    assert!(close(&v["reasons"][1]["arr_share"], 0.375));
    let bad = temp("reasons-bad.csv", "reason,arr\nprice,100\nboredom,200\n");
    let (ok, _, err) = cs(&["churn-reasons", &bad]);
    assert!(!ok && err.contains("line 3") && err.contains("boredom"), "{err}");
}

#[test]
fn expansion_signals_by_hand_and_on_the_sample() {
    let f = temp(
        "expansion.csv",
        "account_id,utilisation,health_score,nps_category\na,0.9,80,promoter\nb,0.9,70,promoter\nc,0.95,90,passive\n",
    );
    let v = json(&["expansion", &f, "--json", "--all"]);
    assert_eq!(v["signalled"], 1);
    assert_eq!(v["rows"][0]["expansion_signal"], true);
    let v = json(&["expansion", &f, "--min-health", "60", "--json"]);
    assert_eq!(v["signalled"], 2);
    let (ok, out, err) = cs(&["expansion", &example("portfolio.csv"), "--as-of", "2026-06-30"]);
    assert!(ok && out.contains("Expansion signals"), "{out}{err}");
    let bad = temp(
        "expansion-bad.csv",
        "account_id,utilisation,health_score,nps_category\na,0.9,80,promoter\nb,high,80,promoter\n",
    );
    let (ok, _, err) = cs(&["expansion", &bad]);
    assert!(
        !ok && err.contains("line 3") && err.contains("utilisation"),
        "{err}"
    );
}

#[test]
fn red_lead_times_by_hand() {
    // The doctest of red_lead_times: a red from 1 Feb, churned 15 Mar (42 days); b churned
    // without warning; c red and retained.
    let h = temp(
        "history.csv",
        "account_id,date,red\na,2026-01-01,false\na,2026-02-01,true\na,2026-03-01,true\nb,2026-01-01,false\nb,2026-02-01,false\nc,2026-01-01,true\n",
    );
    let c = temp(
        "churns.csv",
        "account_id,churn_date\na,2026-03-15\nb,2026-04-01\n",
    );
    let v = json(&["lead-times", &h, &c, "--json"]);
    let l = &v["lead_times"];
    assert_eq!(l["churned"], 2);
    assert_eq!(l["flagged"], 1);
    assert_eq!(l["red_retained"], 1);
    assert_eq!(l["accounts"][0]["lead_days"], 42);
    assert!(l["accounts"][1]["first_red"].is_null());
    let (ok, out, _) = cs(&["lead-times", &h, &c]);
    assert!(ok && out.contains("50.0%") && out.contains("never"), "{out}");
    let bad = temp(
        "history-bad.csv",
        "account_id,date,red\na,2026-01-01,false\na,2026-13-01,true\n",
    );
    let (ok, _, err) = cs(&["lead-times", &bad, &c]);
    assert!(!ok && err.contains("line 3") && err.contains("date"), "{err}");
}

#[test]
fn help_names_the_input_columns() {
    for (cmd, column) in [
        ("csat", "csat"),
        ("perceived", "perceived"),
        ("nps-compare", "score"),
        ("lifecycle", "first_impact"),
        ("renewals", "notice_days"),
        ("churn-reasons", "reason"),
        ("expansion", "licence_utilisation"),
        ("lead-times", "churn_date"),
        ("health-trend", "licence_utilisation"),
        ("health-override", "lower_only"),
    ] {
        let (ok, out, _) = cs(&[cmd, "--help"]);
        assert!(
            ok && out.contains("Input columns") && out.contains(column),
            "{cmd}: {out}"
        );
    }
    let (ok, out, _) = cs(&["risk", "fit", "--help"]);
    assert!(
        ok && out.contains("churned") && out.contains("health_score"),
        "{out}"
    );
}

const HISTORY: &str = "account_id,date,licence_utilisation,logins_per_user,open_tickets,high_priority_tickets,nps,days_since_last_touch,executive_sponsor\n\
a,2026-01-01,0.9,20,0,0,10,3,true\n\
a,2026-03-01,0.5,20,0,0,10,3,true\n\
b,2026-03-01,0.9,20,0,0,10,3,true\n\
b,2026-04-01,0.9,20,0,0,10,3,false\n";

#[test]
fn health_trend_explains_the_move_per_measure() {
    let h = temp("trend.csv", HISTORY);
    let v = json(&["health-trend", &h, "--json"]);
    let a = &v["accounts"][0]["trend"];
    assert_eq!(v["accounts"][0]["account_id"], "a");
    // Every measure is at its best on 2026-01-01 (score 100); only utilisation moved after.
    assert!(close(&a["from_score"], 100.0), "{a}");
    assert_eq!(a["direction"], "down");
    assert_eq!(a["changes"][0]["measure"], "licence_utilisation");
    let sum: f64 = a["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["change"].as_f64().unwrap())
        .sum();
    assert!(close(&a["delta"], sum), "{a}");
    assert_eq!(
        v["accounts"][1]["trend"]["changes"][0]["measure"],
        "executive_sponsor"
    );
    // Outside a 30-day window a's earlier score is left out: one score, no move.
    let v = json(&["health-trend", &h, "--window-days", "30", "--json"]);
    assert!(close(&v["accounts"][0]["trend"]["delta"], 0.0));
    let (ok, out, _) = cs(&["health-trend", &h]);
    assert!(ok && out.contains("licence_utilisation -12.0"), "{out}");
    let bad = temp("trend-bad.csv", &HISTORY.replace("2026-04-01", "April"));
    let (ok, _, err) = cs(&["health-trend", &bad]);
    assert!(!ok && err.contains("line 5") && err.contains("date"), "{err}");
}

#[test]
fn health_override_applies_expires_and_keeps_lower_only() {
    let p = temp(
        "override-portfolio.csv",
        &HISTORY
            .replace("a,2026-01-01", "c,2026-01-01")
            .replace("b,2026-03-01", "d,2026-03-01"),
    );
    let o = temp(
        "overrides.csv",
        "account_id,score,band,reason,author,expires,lower_only\n\
         a,30,,exec left,ana,2026-12-31,true\n\
         b,,green,renewal signed,ben,2026-01-31,false\n\
         c,100,,looks great,ana,2026-12-31,true\n",
    );
    let v = json(&[
        "health-override",
        &p,
        "--overrides",
        &o,
        "--as-of",
        "2026-06-30",
        "--json",
    ]);
    let status = |i: usize| v["accounts"][i]["health"]["override"]["status"].clone();
    assert_eq!(status(0), "applied");
    assert!(close(&v["accounts"][0]["health"]["score"], 30.0));
    assert_eq!(status(1), "expired");
    assert_eq!(status(2), "not_lower");
    let (ok, out, _) = cs(&["health-override", &p, "--overrides", &o, "--as-of", "2026-06-30"]);
    assert!(
        ok && out.contains("applied") && out.contains("exec left"),
        "{out}"
    );
    let bad = temp(
        "overrides-bad.csv",
        "account_id,score,reason,author,expires\na,30,x,ana,2026-12-31\nzz,30,x,ana,2026-12-31\n",
    );
    let (ok, _, err) = cs(&[
        "health-override",
        &p,
        "--overrides",
        &bad,
        "--as-of",
        "2026-06-30",
    ]);
    assert!(
        !ok && err.contains("overrides-bad.csv line 3") && err.contains("zz"),
        "{err}"
    );
}
