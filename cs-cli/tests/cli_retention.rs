//! `cs survival`, `cs cohort` and `cs backtest` end to end: the binary, real files, exit codes
//! and messages.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::Write;
use std::process::Command;

fn cs(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cs"))
        .args(args)
        .output()
        .expect("run cs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_csv(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("cs-cli-retention-{}-{name}.csv", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write csv");
    path.to_string_lossy().into_owned()
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap()
}

fn close(v: &serde_json::Value, want: f64, tol: f64) -> bool {
    (v.as_f64().unwrap() - want).abs() < tol
}

// --- cs survival ---

#[test]
fn survival_of_the_bundled_sample_by_segment_with_log_rank() {
    let (ok, out, err) = cs(&["survival", "--by", "segment"]);
    assert!(ok, "{err}");
    for want in [
        "Community",
        "Enterprise",
        "Strategic",
        "S(12)",
        "median",
        "Log-rank test across segment",
    ] {
        assert!(out.contains(want), "{want} missing:\n{out}");
    }
}

#[test]
fn survival_json_has_hand_computed_values() {
    // Months 2, 5, 5 (active), 8, 12 (active): S(6) = (4/5)(3/4) = 0.6, S(8) = 0.3, median 8.
    let path = temp_csv(
        "km",
        // One flag grammar (true/false/1/0; "yes"/"no" were accepted here before).
        "tenure,left,seg\n2,true,a\n5,TRUE,a\n5,0,b\n8,1,b\n12,false,b\n",
    );
    let (ok, out, err) = cs(&[
        "survival",
        &path,
        "--duration",
        "tenure",
        "--observed",
        "left",
        "--at",
        "6,100",
        "--json",
    ]);
    assert!(ok, "{err}");
    let doc = json(&out);
    let all = &doc["all"];
    assert_eq!(
        (all["customers"].as_u64(), all["churned"].as_u64()),
        (Some(5), Some(3))
    );
    assert!(close(&all["at"][0]["survival"], 0.6, 1e-12), "{out}");
    assert!(close(&all["at"][1]["survival"], 0.3, 1e-12), "{out}");
    assert!(all["at"][0]["ci_low"].as_f64().unwrap() < 0.6);
    assert_eq!(all["median"].as_f64(), Some(8.0));

    // By group: a = {2, 5} both churned -> median 2; b = {5+, 8, 12+} -> S(8) = 1/2, median 8.
    let (ok, out, err) = cs(&[
        "survival",
        &path,
        "--duration",
        "tenure",
        "--observed",
        "left",
        "--by",
        "seg",
        "--json",
    ]);
    assert!(ok, "{err}");
    let doc = json(&out);
    assert_eq!(doc["groups"][0]["group"], "a");
    assert_eq!(doc["groups"][0]["median"].as_f64(), Some(2.0));
    assert_eq!(doc["groups"][1]["median"].as_f64(), Some(8.0));
    assert_eq!(doc["logrank"]["degrees_of_freedom"], 1);
    assert!(doc["logrank"]["p_value"].as_f64().unwrap() > 0.0);
}

#[test]
fn survival_bad_input_names_the_line_or_the_problem() {
    let path = temp_csv("neg", "tenure_months,churned\n3,true\n-1,false\n");
    let (ok, _, err) = cs(&["survival", &path]);
    assert!(
        // The core's check, placed at the file line (the CLI no longer checks on its own).
        !ok && err.contains("line 3, duration -1 is outside 0 or more"),
        "{err}"
    );
    let path = temp_csv("flag", "tenure_months,churned\n3,true\n4,maybe\n");
    let (ok, _, err) = cs(&["survival", &path]);
    assert!(
        !ok && err.contains("line 3, column churned value \"maybe\" is invalid: expected a flag"),
        "{err}"
    );
    let path = temp_csv("censored", "tenure_months,churned\n3,false\n4,false\n");
    let (ok, _, err) = cs(&["survival", &path]);
    assert!(!ok && err.contains("every duration is censored"), "{err}");
    let (ok, _, err) = cs(&["survival", "--by", "region"]);
    assert!(
        !ok && err.contains("unknown column \"region\"") && err.contains("segment"),
        "{err}"
    );
    let (ok, _, err) = cs(&["survival", "--at", "3,x"]);
    assert!(!ok && err.contains("--at: \"x\" is not a number"), "{err}");
}

// --- cs cohort ---

#[test]
fn cohort_reproduces_fader_and_hardie() {
    let (ok, out, err) = cs(&["cohort"]);
    assert!(ok, "{err}");
    // Fader and Hardie (2007): regular 0.704 / 1.182, high end 0.668 / 3.806.
    assert!(out.contains("0.704") && out.contains("1.182"), "{out}");
    assert!(out.contains("0.668") && out.contains("3.806"), "{out}");
    assert!(out.contains("DERL"), "{out}");
    let (ok, out, err) = cs(&["cohort", "--json", "--joint", "--margin", "100", "--project", "3"]);
    assert!(ok, "{err}");
    let doc = json(&out);
    let fits = doc["fits"].as_array().unwrap();
    assert_eq!(fits.len(), 3);
    assert_eq!(fits[2]["cohort"], "joint");
    assert!(close(&fits[0]["model"]["alpha"], 0.704, 5e-4));
    // Years 0-7 observed plus 3 projected: S(0..=10).
    assert_eq!(fits[0]["survival"].as_array().unwrap().len(), 11);
    let derl = fits[1]["derl"][0].as_f64().unwrap();
    assert!(close(&fits[1]["residual_value"][0], 100.0 * derl, 1e-9));
    // The residual value is the core's (a non-finite margin is an error, not "inf" or NaN).
    let (ok, out, err) = cs(&["cohort", "--margin", "inf"]);
    assert!(!ok && err.contains("margin inf is invalid"), "{out}{err}");
}

#[test]
fn cohort_of_unequal_lengths_and_bad_counts() {
    let path = temp_csv("cohorts", "month,jan,feb\n0,100,80\n1,70,60\n2,60,\n3,55,\n");
    let (ok, out, err) = cs(&["cohort", &path, "--cohort", "jan", "--json"]);
    assert!(ok, "{err}");
    assert_eq!(json(&out)["fits"].as_array().unwrap().len(), 1);
    let (ok, _, err) = cs(&["cohort", &path]);
    // feb has two counts only: one period cannot separate alpha from beta.
    assert!(!ok && err.contains("cohort feb"), "{err}");
    let path = temp_csv("increase", "year,c\n0,100\n1,80\n2,90\n");
    let (ok, _, err) = cs(&["cohort", &path]);
    assert!(!ok && err.contains("90 at position 2 is outside 0..=80"), "{err}");
    let path = temp_csv("zero", "year,c\n0,0\n1,0\n2,0\n");
    let (ok, _, err) = cs(&["cohort", &path]);
    assert!(
        !ok && err.contains("0 at position 0 is outside 1 or more"),
        "{err}"
    );
    let path = temp_csv("gap", "year,c\n0,100\n1,\n2,50\n");
    let (ok, _, err) = cs(&["cohort", &path]);
    assert!(
        !ok && err.contains("line 4, column c: a count after an empty cell"),
        "{err}"
    );
    let path = temp_csv("text", "year,c\n0,100\n1,many\n");
    let (ok, _, err) = cs(&["cohort", &path]);
    assert!(
        !ok && err.contains("line 3, column c value \"many\" is invalid: expected a whole number"),
        "{err}"
    );
}

// --- cs backtest ---

#[test]
fn backtest_json_has_the_hand_computed_auc() {
    // Pairs (churned, retained): 3 ordered right, (0.6, 0.6) tied = 1/2 -> 3.5 / 4 = 0.875.
    let path = temp_csv("auc", "p,left\n0.9,1\n0.2,0\n0.6,1\n0.6,0\n");
    let (ok, out, err) = cs(&[
        "backtest",
        &path,
        "--score",
        "p",
        "--churned",
        "left",
        "--top",
        "1",
        "--bins",
        "2",
        "--json",
    ]);
    assert!(ok, "{err}");
    let doc = json(&out);
    assert_eq!(doc["auc"].as_f64(), Some(0.875));
    assert_eq!(doc["top"][0]["precision"].as_f64(), Some(1.0));
    assert_eq!(doc["bins"].as_array().unwrap().len(), 2);
}

#[test]
fn backtest_of_the_bundled_health_scores_with_bands() {
    let (ok, out, err) = cs(&[
        "backtest",
        "--score",
        "health_score",
        "--direction",
        "health",
        "--band",
        "band",
    ]);
    assert!(ok, "{err}");
    for want in [
        "ROC AUC 0.7",
        "higher is healthier",
        "Churn rate per band",
        "red",
        "lift",
    ] {
        assert!(out.contains(want), "{want} missing:\n{out}");
    }
}

#[test]
fn backtest_bad_input() {
    let path = temp_csv("oneclass", "risk,churned\n0.2,false\n0.4,false\n");
    let (ok, _, err) = cs(&["backtest", &path]);
    assert!(!ok && err.contains("churned all false is invalid"), "{err}");
    let (ok, _, err) = cs(&["backtest", "--direction", "up"]);
    assert!(!ok && err.contains("unknown score direction \"up\""), "{err}");
    let (ok, _, err) = cs(&["backtest", "--top", "2.5"]);
    assert!(!ok && err.contains("top share 2.5 is outside (0, 1]"), "{err}");
    let path = temp_csv("nan", "risk,churned\n0.2,false\nNaN,true\n");
    let (ok, _, err) = cs(&["backtest", &path]);
    assert!(
        // NaN is a missing cell by the grammar, and every score is required.
        !ok && err.contains("line 3, risk is missing"),
        "{err}"
    );
    let (ok, _, err) = cs(&["backtest", "--score", "nps"]);
    assert!(!ok && err.contains("unknown column \"nps\""), "{err}");
}
