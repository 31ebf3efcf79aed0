//! `cs report`: the portfolio review. Its numbers equal the single commands' `--json` output
//! on the same files (examples/data/omnico), it runs from any directory on the sample
//! generated in memory, and a missing input names the file.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn cs_in(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cs"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run cs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> Value {
    let (ok, out, err) = cs_in(&root(), args);
    assert!(ok, "cs {args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("cs {args:?}: {e}\n{out}"))
}

const D: &str = "examples/data/omnico";

fn file(name: &str) -> String {
    format!("{D}/{name}")
}

fn report() -> Value {
    json(&["report", "--data", D, "--as-of", "2026-06-30", "--json"])
}

#[test]
fn the_report_numbers_equal_the_single_commands() {
    let r = report();
    let h = &r["headline"];

    let score = json(&[
        "score",
        &file("portfolio.parquet"),
        "--as-of",
        "2026-06-30",
        "--json",
    ]);
    assert_eq!(h["accounts"], score["all"]["accounts"]);
    assert_eq!(score["all"]["insufficient"], 0, "the sample scores every account");
    // With every account scored, the shares over all accounts are `cs score`'s.
    assert_eq!(h["green_share"], score["all"]["band_share"]["green"]);
    assert_eq!(h["green_arr_share"], score["all"]["arr_share"]["green"]);
    assert_eq!(h["arr"], score["all"]["arr"]);
    assert_eq!(r["health"]["mean"], score["all"]["mean"]);

    let nps = json(&[
        "nps",
        &file("survey.parquet"),
        "--by",
        "segment",
        "--interval",
        "adjusted-wald",
        "--json",
    ]);
    assert_eq!(r["nps_interval"], nps["interval"]);
    for k in ["nps", "ci_low", "ci_high", "responses", "promoters", "detractors"] {
        assert_eq!(h["nps"][k], nps["total"][k], "{k}");
    }
    let groups = nps["groups"].as_array().unwrap();
    let by_segment = r["nps"]["by_segment"].as_array().unwrap();
    assert_eq!(groups.len(), by_segment.len());
    for (g, s) in groups.iter().zip(by_segment) {
        assert_eq!(g["segment"], s["key"]);
        for k in ["nps", "ci_low", "ci_high", "responses"] {
            assert_eq!(g[k], s[k], "{k} of {}", s["key"]);
        }
    }
    let quarters = json(&[
        "nps",
        &file("survey.parquet"),
        "--period",
        "quarter",
        "--interval",
        "adjusted-wald",
        "--json",
    ]);
    let q = quarters["groups"].as_array().unwrap();
    let by_quarter = r["nps"]["by_quarter"].as_array().unwrap();
    assert_eq!(q.len(), by_quarter.len());
    for (g, s) in q.iter().zip(by_quarter) {
        assert_eq!(g["period"], s["key"]);
        assert_eq!(g["nps"], s["nps"]);
        assert_eq!(g["ci_high"], s["ci_high"]);
    }

    let csat = json(&["csat", &file("survey.parquet"), "--json"]);
    assert_eq!(h["csat"], csat["total"]["csat"]);
    let perceived = json(&["perceived", &file("survey.parquet"), "--json"]);
    assert_eq!(r["nps"]["perceived"]["matches"], perceived["total"]["matches"]);
    assert_eq!(
        r["nps"]["perceived"]["confusion"],
        perceived["total"]["confusion"]
    );

    let retention = json(&[
        "retention",
        &file("arr_start.parquet"),
        &file("portfolio.parquet"),
        "--by",
        "segment",
        "--json",
    ]);
    assert_eq!(r["retention"]["revenue"], retention);
    for k in ["grr", "nrr", "logo_churn"] {
        assert_eq!(h[k], retention["overall"][k], "{k}");
    }
    let reasons = json(&["churn-reasons", &file("churned.parquet"), "--json"]);
    assert_eq!(r["retention"]["churn_reasons"], reasons["reasons"]);

    let risk = json(&[
        "risk",
        &file("portfolio.parquet"),
        "--as-of",
        "2026-06-30",
        "--json",
    ]);
    assert_eq!(h["arr_at_risk"], risk["summary"]["expected_loss"]);
    let top = &risk["accounts"][0];
    assert_eq!(r["renewals"]["top"][0]["account_id"], top["account_id"]);
    assert_eq!(r["renewals"]["top"][0]["expected_loss"], top["expected_loss"]);

    let compliance = json(&[
        "compliance",
        &file("contracts.parquet"),
        &file("delivered.parquet"),
        "--as-of",
        "2026-06-30",
        "--json",
    ]);
    assert_eq!(h["compliance"], compliance["total"]["ratio"]);
    for k in [
        "delivered",
        "owed",
        "overdue",
        "mean_account_ratio",
        "under_delivered_accounts",
    ] {
        assert_eq!(r["compliance"]["all"][k], compliance["total"][k], "{k}");
    }

    let survival = json(&["survival", &file("accounts.parquet"), "--by", "segment", "--json"]);
    let curves = r["survival"]["groups"].as_array().unwrap();
    for (g, c) in survival["groups"].as_array().unwrap().iter().zip(curves) {
        assert_eq!(g["group"], c["group"]);
        assert_eq!(g["customers"], c["customers"]);
        assert_eq!(g["median"], c["median"]);
        for (a, b) in g["at"]
            .as_array()
            .unwrap()
            .iter()
            .zip(c["at"].as_array().unwrap())
        {
            assert_eq!(a["time"], b[0]);
            assert_eq!(a["survival"], b[1]);
            assert_eq!(a["ci_low"], b[2]);
            assert_eq!(a["ci_high"], b[3]);
        }
    }
    assert_eq!(r["survival"]["logrank"], survival["logrank"]);

    let onboarding = json(&[
        "onboarding",
        &file("onboarding.parquet"),
        "--as-of",
        "2026-06-30",
        "--by",
        "segment",
        "--json",
    ]);
    assert_eq!(r["onboarding"]["total"], onboarding["total"]);
    assert_eq!(h["ttfi_median"], onboarding["total"]["median_days"]);

    let ctas = json(&[
        "ctas",
        &file("portfolio.parquet"),
        "--as-of",
        "2026-06-30",
        "--json",
    ]);
    assert_eq!(r["ctas"]["total"], ctas.as_array().unwrap().len());
}

#[test]
fn without_data_the_report_is_the_sample_made_in_memory_from_any_directory() {
    let dir = std::env::temp_dir().join(format!("cs-report-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (ok, out, err) = cs_in(&dir, &["report"]);
    assert!(ok, "{err}");
    assert!(out.contains("Portfolio review as of 2026-06-30"), "{out}");
    assert!(out.contains("Wrote report.html"), "{out}");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("default-src 'none'"));
    // The generator is deterministic: the same book as examples/data/omnico.
    let (ok, out, err) = cs_in(&dir, &["report", "--json"]);
    assert!(ok, "{err}");
    let mut memory: Value = serde_json::from_str(&out).unwrap();
    let mut files = report();
    memory["source"] = Value::Null;
    files["source"] = Value::Null;
    assert_eq!(memory, files);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_input_names_the_file() {
    let (ok, _, err) = cs_in(
        &root(),
        &["report", "--data", "no/such/folder", "--as-of", "2026-06-30"],
    );
    assert!(!ok);
    assert!(err.contains("no/such/folder/accounts.parquet"), "{err}");
    let (ok, _, err) = cs_in(&root(), &["report", "--as-of", "30/06/2026"]);
    assert!(!ok);
    assert!(err.contains("--as-of"), "{err}");
}

#[test]
fn a_bad_cell_is_placed_at_its_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("cs-report-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in [
        "accounts",
        "contracts",
        "health_history",
        "delivered",
        "onboarding",
        "churned",
        "arr_start",
        "portfolio",
        "cohorts",
    ] {
        let from = root().join(D).join(format!("{name}.parquet"));
        std::fs::copy(from, dir.join(format!("{name}.parquet"))).unwrap();
    }
    let survey = std::fs::read_to_string(root().join(D).join("survey.csv")).unwrap();
    let mut lines: Vec<String> = survey.lines().map(str::to_owned).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let score = header.iter().position(|h| *h == "score").unwrap();
    let mut cells: Vec<String> = lines[3].split(',').map(str::to_owned).collect();
    cells[score] = "eleven".into();
    lines[3] = cells.join(",");
    std::fs::write(dir.join("survey.csv"), lines.join("\n") + "\n").unwrap();
    let (ok, _, err) = cs_in(
        &root(),
        &["report", "--data", dir.to_str().unwrap(), "--as-of", "2026-06-30"],
    );
    assert!(!ok);
    assert!(err.contains("survey.csv line 4"), "{err}");
    assert!(err.contains("score"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
