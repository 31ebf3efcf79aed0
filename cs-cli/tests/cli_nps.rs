//! The `cs nps` command end to end: the binary, real files, exit codes and messages.
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
    let path = std::env::temp_dir().join(format!("cs-cli-test-{}-{name}.csv", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write csv");
    path.to_string_lossy().into_owned()
}

#[test]
fn bundled_sample_prints_a_table_by_segment() {
    let (ok, out, err) = cs(&["nps", "--by", "segment"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("Community") && out.contains("Strategic") && out.contains("95% CI"),
        "{out}"
    );
}

#[test]
fn json_output_has_hand_computed_values() {
    // a: 10, 9, 3 -> (2 - 1) / 3 = 33.33; b: 8, 0 -> -50.
    let path = temp_csv("json", "score,seg\n10,a\n9,a\n3,a\n8,b\n0,b\n");
    let (ok, out, err) = cs(&["nps", &path, "--by", "seg", "--json"]);
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let groups = doc["groups"].as_array().unwrap();
    assert_eq!(groups[0]["seg"], "a");
    assert!((groups[0]["nps"].as_f64().unwrap() - 100.0 / 3.0).abs() < 1e-12);
    assert_eq!(groups[1]["nps"].as_f64().unwrap(), -50.0);
    assert_eq!(doc["total"]["responses"], 5);
}

#[test]
fn malformed_rows_are_reported_with_their_line() {
    let path = temp_csv("bad", "score,seg\n10,a\n11,a\n");
    let (ok, _, err) = cs(&["nps", &path]);
    assert!(!ok);
    assert!(err.contains("line 3, score 11 is outside 0..=10"), "{err}");
    let path = temp_csv("text", "score\n9\nnine\n");
    let (_, _, err) = cs(&["nps", &path]);
    assert!(
        err.contains("line 3, column score value \"nine\" is invalid: expected a number"),
        "{err}"
    );
    let path = temp_csv("empty", "score,seg\n9,a\n,b\n");
    let (ok, _, err) = cs(&["nps", &path]);
    assert!(
        !ok && err.contains("line 3, score is missing (use --skip-missing"),
        "{err}"
    );
    let (ok, out, err) = cs(&["nps", &path, "--skip-missing"]);
    assert!(ok && out.contains("1 empty skipped"), "{err}");
    let path = temp_csv("ragged", "score,seg\n9,a\n8\n");
    let (ok, _, err) = cs(&["nps", &path]);
    assert!(!ok && err.contains("line 3"), "{err}");
}

#[test]
fn missing_column_lists_the_columns() {
    let (ok, _, err) = cs(&["nps", "--by", "tier"]);
    assert!(!ok);
    assert!(
        err.contains("unknown column \"tier\"") && err.contains("segment"),
        "{err}"
    );
}

#[test]
fn quarter_trend_and_bad_period() {
    let (ok, out, _) = cs(&["nps", "--period", "quarter"]);
    assert!(ok && out.contains("2025-Q1") && out.contains("2026-Q3"), "{out}");
    let (ok, _, err) = cs(&["nps", "--period", "week"]);
    assert!(!ok && err.contains("unknown period \"week\""), "{err}");
    let (ok, _, err) = cs(&["nps", "--confidence", "1"]);
    assert!(!ok && err.contains("confidence level 1 is outside"), "{err}");
}
