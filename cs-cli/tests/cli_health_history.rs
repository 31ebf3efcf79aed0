//! `cs health-history` end to end: a hand-computed history (band mix per date, transition
//! matrix, entered and left), JSON, and bad input named with its line.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::process::Command;

use serde_json::Value;

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

fn temp(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("cs-cli-health-history-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

const CARD: &str = r#"
schema_version = 1
name = "usage only"
[[measures]]
name = "usage"
weight = 1
rule = { kind = "linear", min = 0.0, max = 1.0 }
"#;

/// Default bands red < 50 <= amber < 75 <= green. May: a green, b red, c amber.
/// June: a red (fell), b red (stayed), c gone, d green (new), e no score (new).
const HISTORY: &str = "account_id,date,usage,arr\n\
a,2026-05-31,0.9,100\n\
b,2026-05-31,0.2,300\n\
c,2026-05-31,0.6,200\n\
a,2026-06-30,0.3,100\n\
b,2026-06-30,0.1,300\n\
d,2026-06-30,0.8,400\n\
e,2026-06-30,,100\n";

#[test]
fn hand_computed_mix_and_transitions() {
    let card = temp("card.toml", CARD);
    let file = temp("history.csv", HISTORY);
    let (ok, out, err) = cs(&["health-history", &file, "--scorecard", &card, "--json"]);
    assert!(ok, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let h = &doc["history"];
    assert_eq!(h["bands"], serde_json::json!(["red", "amber", "green"]));
    let may = &h["mix"][0];
    assert_eq!(may["key"], "2026-05-31");
    assert_eq!(may["band_counts"], serde_json::json!([1, 1, 1]));
    assert_eq!(may["arr_by_band"], serde_json::json!([300, 200, 100]));
    let june = &h["mix"][1];
    assert_eq!(june["band_counts"], serde_json::json!([2, 0, 1]));
    assert_eq!(june["insufficient"], 1);
    assert_eq!(june["arr_share_by_band"][0].as_f64().unwrap(), 400.0 / 900.0);
    let t = &h["transitions"];
    assert_eq!(t["states"][3], "insufficient data");
    let step = &t["steps"][0];
    assert_eq!(step["counts"][2][0], 1); // a: green -> red
    assert_eq!(step["counts"][0][0], 1); // b stayed red
    assert_eq!(step["stayed"], 2);
    assert_eq!(step["moved"], 1);
    assert_eq!(step["moved_share"], 0.5);
    assert_eq!(step["left"], serde_json::json!([0, 1, 0, 0])); // c, amber
    assert_eq!(step["entered"], serde_json::json!([0, 0, 1, 1])); // d green, e no score
    assert_eq!(t["total"]["counts"], step["counts"]);

    let (ok, text, err) = cs(&["health-history", &file, "--scorecard", &card]);
    assert!(ok, "{err}");
    for part in [
        "2 snapshot dates",
        "Band mix",
        "red ARR",
        "1 of 2 account-steps changed band (50.0%)",
        "2 entered, 1 left",
    ] {
        assert!(text.contains(part), "{part:?} in\n{text}");
    }
}

#[test]
fn the_sample_history_reads_and_bad_input_is_named() {
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/data/omnico/health_history.parquet"
    );
    let (ok, out, err) = cs(&["health-history", sample, "--json"]);
    assert!(ok, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["history"]["mix"].as_array().unwrap().len(), 42);
    assert_eq!(
        doc["history"]["transitions"]["steps"].as_array().unwrap().len(),
        41
    );

    let card = temp("card2.toml", CARD);
    let twice = temp(
        "twice.csv",
        "account_id,date,usage\na,2026-05-31,0.9\na,2026-05-31,0.5\n",
    );
    let (ok, _, err) = cs(&["health-history", &twice, "--scorecard", &card]);
    assert!(!ok);
    assert!(
        err.contains("line 3") && err.contains("2026-05-31") && err.contains('a'),
        "{err}"
    );
    let bad_date = temp("bad-date.csv", "account_id,date,usage\na,2026-02-30,0.9\n");
    let (ok, _, err) = cs(&["health-history", &bad_date, "--scorecard", &card]);
    assert!(!ok);
    assert!(err.contains("line 2") && err.contains("2026-02-30"), "{err}");
    let no_arr = temp("no-arr.csv", "account_id,date,usage,arr\na,2026-05-31,0.9,\n");
    let (ok, _, err) = cs(&["health-history", &no_arr, "--scorecard", &card]);
    assert!(!ok);
    assert!(err.contains("line 2") && err.contains("arr"), "{err}");
}
