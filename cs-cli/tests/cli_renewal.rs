//! `cs risk`, `cs retention` and `cs ctas` end to end: the binary, real files, exit codes and
//! messages.
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
    let path = std::env::temp_dir().join(format!("cs-cli-renewal-{}-{name}", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write file");
    path.to_string_lossy().into_owned()
}

fn example(name: &str) -> String {
    format!("{ROOT}/examples/data/{name}")
}

#[test]
fn risk_without_a_file_scores_a_synthetic_portfolio_and_reports_dropped_factors() {
    // Run outside the repository: no examples/data/portfolio.csv, so the synthetic portfolio.
    let (ok, out, err) = cs(&["risk", "--top", "5"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("a synthetic portfolio (seed 42) (1000 accounts) as of 2026-06-30"),
        "{out}"
    );
    assert!(
        out.contains("ARR at risk by tier") && out.contains("ARR at risk by renewal month"),
        "{out}"
    );
    assert!(out.contains("utilisation <- licence_utilisation"), "{out}");
    assert!(
        out.contains("health_score <- the built-in health scorecard"),
        "{out}"
    );
    assert!(
        out.contains("Dropped factors") && out.contains("contact_unconfirmed"),
        "{out}"
    );
}

#[test]
fn risk_json_is_sorted_by_expected_loss_with_hand_computed_risks() {
    // a: health 40 (+1.05), detractor (+0.8), confirmed contact; b: health 80 (-0.35), promoter
    // (-0.5). Log-odds = ln(1/9) + contributions.
    let path = temp(
        "risk.csv",
        "account_id,arr,health_score,nps_category,contact_confirmed,renewal_date\n\
         a,100000,40,detractor,true,2026-03-01\n\
         b,900000,80,promoter,true,2026-04-15\n",
    );
    let (ok, out, err) = cs(&["risk", &path, "--as-of", "2026-01-01", "--json"]);
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let base = (0.1f64 / 0.9).ln();
    let risk = |z: f64| 1.0 / (1.0 + (-z).exp());
    // days_to_renewal: a 59 days ((59 − 180)/90 × −0.1 = +0.1344), b 104 days (+0.0844).
    let ra = risk(base + 1.05 + 0.8 + (59.0 - 180.0) / 90.0 * -0.1);
    let rb = risk(base - 0.35 - 0.5 + (104.0 - 180.0) / 90.0 * -0.1);
    let accounts = doc["accounts"].as_array().unwrap();
    // Expected loss: a 100000 × 0.42 = 42 000; b 900000 × 0.044 = 39 600: a first.
    assert_eq!(accounts[0]["account_id"], "a");
    assert!((accounts[0]["risk"].as_f64().unwrap() - ra).abs() < 1e-12);
    assert!((accounts[1]["risk"].as_f64().unwrap() - rb).abs() < 1e-12);
    assert_eq!(accounts[0]["reasons"][0]["factor"], "low_health");
    assert_eq!(doc["inputs"]["days_to_renewal"], "renewal_date as of 2026-01-01");
    let expected = 100_000.0 * ra + 900_000.0 * rb;
    assert!((doc["summary"]["expected_loss"].as_f64().unwrap() - expected).abs() < 1e-6);
    assert_eq!(doc["summary"]["by_renewal_month"][0]["month"], "2026-03");
    assert!(
        doc["dropped_factors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "health_red")
    );
}

#[test]
fn risk_uses_a_model_document() {
    let model = temp(
        "model.toml",
        "schema_version = 1\nname = \"health only\"\nintercept = 0.0\n\
         [[factors]]\nname = \"low_health\"\ninput = \"health_score\"\ncenter = 50.0\nscale = 10.0\ncoefficient = -1.0\n",
    );
    let path = temp("m.csv", "account_id,arr,health_score\na,100,50\nb,100,60\n");
    let (ok, out, err) = cs(&[
        "risk",
        &path,
        "--model",
        &model,
        "--as-of",
        "2026-01-01",
        "--json",
    ]);
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["model"], "health only");
    // a: log-odds 0 -> 0.5; b: -1 -> 0.2689.
    assert_eq!(doc["accounts"][0]["risk"].as_f64().unwrap(), 0.5);
    let (ok, _, err) = cs(&["risk", &path, "--model", "/nonexistent/model.json"]);
    assert!(!ok && err.contains("/nonexistent/model.json"), "{err}");
}

#[test]
fn risk_bad_cells_name_file_line_and_column() {
    let path = temp("bad.csv", "account_id,arr,health_score\na,100,50\nb,100,high\n");
    let (ok, _, err) = cs(&["risk", &path, "--as-of", "2026-01-01"]);
    assert!(!ok);
    assert!(
        err.contains("line 3, column health_score value \"high\" is invalid: expected a number"),
        "{err}"
    );
    // One cell grammar: flags are true / false / 1 / 0, nothing else ("yes" was accepted once).
    let path = temp(
        "flag.csv",
        "account_id,arr,contact_confirmed\na,100,true\nb,100,yes\n",
    );
    let (ok, _, err) = cs(&["risk", &path, "--as-of", "2026-01-01"]);
    assert!(
        !ok && err.contains("line 3, column contact_confirmed value \"yes\" is invalid: expected a flag"),
        "{err}"
    );
    let path = temp("money.csv", "account_id,arr,health_score\na,100.5,50\n");
    let (ok, _, err) = cs(&["risk", &path, "--as-of", "2026-01-01"]);
    assert!(!ok && err.contains("line 2, column arr"), "{err}");
    let (ok, _, err) = cs(&["risk", &path, "--as-of", "01/01/2026"]);
    assert!(
        // One date-argument reader for every command (its message had a colon here only).
        !ok && err.contains("--as-of \"01/01/2026\" is not a date"),
        "{err}"
    );
}

#[test]
fn retention_of_the_example_snapshots_by_segment() {
    let (ok, out, err) = cs(&[
        "retention",
        &example("snapshot_2025.csv"),
        &example("snapshot_2026.csv"),
        "--by",
        "segment",
    ]);
    assert!(ok, "{err}");
    assert!(
        out.contains("Community") && out.contains("Strategic") && out.contains("GRR"),
        "{out}"
    );
}

#[test]
fn retention_json_hand_computed_and_duplicates_rejected() {
    let start = temp("s.csv", "account_id,arr,segment\na,100,x\nb,200,x\nc,300,y\n");
    let end = temp("e.csv", "account_id,arr\na,150\nb,100\nd,999\n");
    let (ok, out, err) = cs(&["retention", &start, &end, "--by", "segment", "--json"]);
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    // GRR = (100 + 100 + 0) / 600; NRR = (150 + 100) / 600; c churned, d new.
    assert_eq!(doc["overall"]["grr"].as_f64().unwrap(), 200.0 / 600.0);
    assert_eq!(doc["overall"]["nrr"].as_f64().unwrap(), 250.0 / 600.0);
    assert_eq!(doc["overall"]["new_accounts"], 1);
    assert_eq!(doc["overall"]["expansion_arr"], 50);
    let dup = temp("d.csv", "account_id,arr\na,1\na,2\n");
    let (ok, _, err) = cs(&["retention", &start, &dup]);
    assert!(!ok && err.contains("duplicate account id \"a\""), "{err}");
    let neg = temp("n.csv", "account_id,arr\na,-1\n");
    let (ok, _, err) = cs(&["retention", &neg, &end]);
    assert!(
        // The row is placed at its file line (was "at position 0 ... (data row 1)").
        !ok && err.contains("n.csv line 2, arr -1 is outside >= 0"),
        "{err}"
    );
}

#[test]
fn ctas_open_the_builtin_rules_and_deduplicate_against_open_ones() {
    // a renews in 60 days with no review and no confirmed contact, red after yellow.
    let path = temp(
        "ctas.csv",
        "account_id,renewal_date,contact_confirmed,health_band,previous_health_band,risk_tier\n\
         a,2026-03-02,false,0,1,critical\n\
         b,2026-07-20,false,0,0,high\n\
         c,2026-04-11,true,2,2,low\n",
    );
    let (ok, out, err) = cs(&["ctas", &path, "--as-of", "2026-01-01", "--json"]);
    assert!(ok, "{err}");
    let ctas: serde_json::Value = serde_json::from_str(&out).unwrap();
    let got: Vec<(String, String)> = ctas
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["account_id"].as_str().unwrap().to_owned(),
                c["rule_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want = [
        ("a", "critical_risk"),
        ("a", "health_red"),
        ("a", "renewal_internal_review"),
        ("a", "renewal_contact"),
    ];
    assert_eq!(
        got,
        want.map(|(a, r)| (a.to_owned(), r.to_owned())).to_vec(),
        "{out}"
    );
    assert_eq!(ctas[0]["due"], "2026-01-02");
    let open = temp("open.json", &out);
    let (ok, out, err) = cs(&["ctas", &path, "--as-of", "2026-01-01", "--open", &open]);
    assert!(ok, "{err}");
    assert!(out.starts_with("0 new calls to action"), "{out}");
}

#[test]
fn ctas_with_a_custom_playbook_and_derived_signals() {
    let playbook = temp(
        "p.toml",
        "schema_version = 1\nname = \"notice\"\n[[rules]]\nid = \"notice\"\n\
         trigger = { kind = \"notice_deadline_approaching\", within_days = 30 }\n\
         priority = \"high\"\ndue_in_days = 2\nowner_role = \"account_manager\"\n",
    );
    // Notice deadline = renewal − notice days: 2026-03-01 − 45 = 2026-01-15, 14 days away.
    let path = temp(
        "notice.csv",
        "account_id,renewal_date,auto_renew,notice_days\na,2026-03-01,true,45\nb,2026-03-01,false,45\n",
    );
    let (ok, out, err) = cs(&["ctas", &path, "--as-of", "2026-01-01", "--playbook", &playbook]);
    assert!(ok, "{err}");
    assert!(
        out.contains("1 new calls to action") && out.contains("notice deadline in 14 days"),
        "{out}"
    );
    let (ok, out, err) = cs(&["ctas", &example("snapshot_2026.csv"), "--as-of", "2026-01-15"]);
    assert!(
        ok && out.contains("critical_risk") && out.contains("expansion"),
        "{err}{out}"
    );
    let bad = temp("bad.toml", "schema_version = 1\nname = \"x\"\nrules = 3\n");
    let (ok, _, err) = cs(&["ctas", &path, "--as-of", "2026-01-01", "--playbook", &bad]);
    assert!(!ok && err.contains("bad.toml"), "{err}");
    let (ok, _, err) = cs(&["ctas", &path]);
    assert!(!ok && err.contains("--as-of"), "{err}");
}

#[test]
fn risk_and_ctas_help_name_the_input_columns() {
    for command in ["risk", "ctas"] {
        let (ok, out, err) = cs(&[command, "--help"]);
        assert!(ok, "{err}");
        for column in [
            "nps ",
            "renewal_date",
            "licence_utilisation",
            "health_band",
            "notice_days",
            "risk_tier",
        ] {
            assert!(out.contains(&format!("  {column}")), "{command}: {column}\n{out}");
        }
    }
}
