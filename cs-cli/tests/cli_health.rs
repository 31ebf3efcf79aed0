//! `cs score` and `cs portfolio` end to end: the binary, real files, exit codes and messages.
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

fn temp(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("cs-cli-health-{}-{name}", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write file");
    path.to_string_lossy().into_owned()
}

fn temp_path(name: &str) -> String {
    std::env::temp_dir()
        .join(format!("cs-cli-health-{}-{name}", std::process::id()))
        .to_string_lossy()
        .into_owned()
}

/// One linear measure and one boolean, weights 3:1, default bands.
const CARD: &str = r#"
schema_version = 1
name = "simple"
[[measures]]
name = "usage"
weight = 3
rule = { kind = "linear", min = 0.0, max = 1.0 }
[[measures]]
name = "sponsor"
weight = 1
rule = { kind = "boolean" }
"#;

#[test]
fn no_arguments_scores_the_built_in_sample_with_a_summary() {
    let (ok, out, err) = cs(&["score", "--as-of", "2026-06-30"]);
    assert!(ok, "{err}");
    for part in [
        "Health of 5,000 accounts",
        "built-in sample portfolio",
        "green",
        "amber",
        "red",
        "ARR share",
        "Mean score",
        "By segment",
        "By csm",
        "Strategic",
        "Worst 10 accounts",
        "top negative driver",
    ] {
        assert!(out.contains(part), "{part:?} missing from\n{out}");
    }
}

#[test]
fn hand_computed_scores_bands_and_drivers() {
    // a: 0.75 × 80 + 0.25 × 100 = 85 green; b: 0.75 × 40 + 0 = 30 red, driver usage
    // (0.75 × 60 = 45 points lost > 0.25 × 100 = 25); c: usage missing, renormalised: sponsor
    // alone, false = 0, red.
    let card = temp("card.toml", CARD);
    let csv = temp(
        "simple.csv",
        "account_id,usage,sponsor,segment\na,0.8,true,x\nb,0.4,false,y\nc,,false,x\n",
    );
    let out_csv = temp_path("out.csv");
    let (ok, out, err) = cs(&[
        "score",
        &csv,
        "--scorecard",
        &card,
        "--as-of",
        "2026-06-30",
        "-o",
        &out_csv,
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("Health of 3 accounts"), "{out}");
    let written = std::fs::read_to_string(&out_csv).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(
        lines[0],
        "account_id,usage,sponsor,segment,score,band,coverage,driver"
    );
    assert_eq!(lines[1], "a,0.8,true,x,85.0,green,1.0,usage");
    assert_eq!(lines[2], "b,0.4,false,y,30.0,red,1.0,usage");
    assert_eq!(lines[3], "c,,false,x,0.0,red,0.25,sponsor");

    let (ok, out, err) = cs(&[
        "score",
        &csv,
        "--scorecard",
        &card,
        "--as-of",
        "2026-06-30",
        "--json",
    ]);
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    // Mean (85 + 30 + 0) / 3; one of three green.
    assert!((doc["all"]["mean"].as_f64().unwrap() - 115.0 / 3.0).abs() < 1e-12);
    assert!((doc["all"]["band_share"]["green"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(doc["by"]["segment"][0]["key"], "x");
    assert_eq!(doc["worst"][0]["account"], "c");
    assert_eq!(doc["worst"][0]["driver"], "sponsor");
}

#[test]
fn json_output_lists_every_account() {
    let card = temp("card-json.toml", CARD);
    let csv = temp("json.csv", "usage,sponsor\n0.5,true\n,\n");
    let out_json = temp_path("out.json");
    let (ok, _, err) = cs(&[
        "score",
        &csv,
        "--scorecard",
        &card,
        "--as-of",
        "2026-06-30",
        "-o",
        &out_json,
    ]);
    assert!(ok, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out_json).unwrap()).unwrap();
    // 0.75 × 50 + 0.25 × 100 = 62.5 amber; the empty row has no data: insufficient (null).
    assert_eq!(rows[0]["score"], 62.5);
    assert_eq!(rows[0]["band"], "amber");
    assert_eq!(rows[1]["score"], serde_json::Value::Null);
    assert_eq!(rows[1]["line"], 3);
}

#[test]
fn bad_cell_names_file_line_and_column() {
    let card = temp("card-bad.toml", CARD);
    let csv = temp("bad.csv", "usage,sponsor\n0.5,true\n0.7,maybe\n");
    let (ok, _, err) = cs(&["score", &csv, "--scorecard", &card, "--as-of", "2026-06-30"]);
    assert!(!ok);
    assert!(
        err.contains("bad.csv line 3, column sponsor value \"maybe\" is invalid: expected a flag"),
        "{err}"
    );
    // `cs score` reads cells by the same grammar as every other command: "yes" is not a flag.
    let csv = temp("yes.csv", "usage,sponsor\n0.5,yes\n");
    let (ok, _, err) = cs(&["score", &csv, "--scorecard", &card, "--as-of", "2026-06-30"]);
    assert!(
        !ok && err.contains("line 2, column sponsor value \"yes\" is invalid"),
        "{err}"
    );
    let csv = temp("bad-number.csv", "usage,sponsor\nlots,true\n");
    let (ok, _, err) = cs(&["score", &csv, "--scorecard", &card]);
    assert!(!ok);
    assert!(
        err.contains("line 2, column usage value \"lots\" is invalid: expected a number"),
        "{err}"
    );
}

#[test]
fn bad_values_found_by_the_scorer_name_their_line() {
    let card = temp("card-inf.toml", CARD);
    let csv = temp("inf.csv", "usage,sponsor\n0.5,true\n0.5,true\ninf,true\n");
    let (ok, _, err) = cs(&["score", &csv, "--scorecard", &card, "--as-of", "2026-06-30"]);
    assert!(!ok);
    assert!(
        // Rejected by the cell grammar (inf is not a number), at its line, before scoring.
        err.contains("inf.csv line 4, column usage value inf is invalid: expected a finite number"),
        "{err}"
    );
    // An NPS answered after the scoring date (default scorecard, nps valid 365 days).
    let (ok, out, _) = cs(&["portfolio", "--rows", "20", "--as-of", "2026-06-30"]);
    assert!(ok);
    let csv = temp("future.csv", &out);
    let (ok, _, err) = cs(&["score", &csv, "--as-of", "2026-01-01"]);
    assert!(!ok);
    assert!(
        err.contains(
            "future.csv line 3, nps_date 2026-04-25 is invalid: is after the scoring date 2026-01-01"
        ),
        "{err}"
    );
}

#[test]
fn missing_measure_column_and_bad_scorecard_are_reported() {
    let card = temp("card-missing.toml", CARD);
    let csv = temp("nosponsor.csv", "usage\n0.5\n");
    let (ok, _, err) = cs(&["score", &csv, "--scorecard", &card]);
    assert!(!ok);
    assert!(err.contains("no column \"sponsor\" (columns: usage)"), "{err}");
    let bad = temp("bad-card.toml", &CARD.replace("weight = 3", "weight = -3"));
    let (ok, _, err) = cs(&["score", &csv, "--scorecard", &bad]);
    assert!(!ok);
    assert!(
        err.contains("measure usage weight -3 is outside a finite number >= 0"),
        "{err}"
    );
    let (ok, _, err) = cs(&["score", "--as-of", "30/06/2026"]);
    assert!(!ok);
    assert!(err.contains("--as-of \"30/06/2026\" is not a date"), "{err}");
}

#[test]
fn portfolio_is_deterministic_and_matches_the_committed_sample() {
    let path = temp_path("portfolio.csv");
    let (ok, out, err) = cs(&[
        "portfolio",
        "--rows",
        "500",
        "--seed",
        "42",
        "--as-of",
        "2026-06-30",
        "-o",
        &path,
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("wrote 500 accounts"), "{out}");
    let written = std::fs::read_to_string(&path).unwrap();
    let committed = include_str!("../../examples/data/portfolio.csv");
    assert_eq!(
        written, committed,
        "regenerate: cs portfolio --rows 500 --seed 42 --as-of 2026-06-30 -o examples/data/portfolio.csv"
    );
    let (_, first, _) = cs(&["portfolio", "--rows", "3", "--as-of", "2026-06-30"]);
    assert_eq!(first.lines().count(), 4);
    assert!(
        committed.starts_with(&first),
        "the first accounts do not depend on --rows"
    );
}

#[test]
fn scorecard_set_assigns_by_segment() {
    let set = temp(
        "set.toml",
        r#"
schema_version = 1
default = "usage_only"
[[scorecards]]
schema_version = 1
name = "usage_only"
[[scorecards.measures]]
name = "usage"
weight = 1
rule = { kind = "linear", min = 0.0, max = 1.0 }
[[scorecards]]
schema_version = 1
name = "sponsor_only"
[[scorecards.measures]]
name = "sponsor"
weight = 1
rule = { kind = "boolean" }
[[assignments]]
scorecard = "sponsor_only"
when = { segment = ["Strategic"] }
"#,
    );
    let csv = temp(
        "set.csv",
        "segment,usage,sponsor\nCommunity,0.9,false\nStrategic,0.1,true\n",
    );
    let out_csv = temp_path("set-out.csv");
    let (ok, _, err) = cs(&[
        "score",
        &csv,
        "--scorecard",
        &set,
        "--as-of",
        "2026-06-30",
        "-o",
        &out_csv,
    ]);
    assert!(ok, "{err}");
    let written = std::fs::read_to_string(&out_csv).unwrap();
    // Community: usage 0.9 -> 90; Strategic: sponsor true -> 100.
    assert!(
        written.contains("Community,0.9,false,90.0,green,1.0,usage"),
        "{written}"
    );
    assert!(
        written.contains("Strategic,0.1,true,100.0,green,1.0,"),
        "{written}"
    );
}

#[test]
fn scoring_a_file_onto_itself_keeps_every_row() {
    // `cs score same.csv -o same.csv` used to leave only the header: the output truncated the
    // input before its second read. Outputs now go to a temporary file renamed at the end.
    let sample = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/data/portfolio.csv"
    ))
    .expect("sample");
    let path = temp("same.csv", &sample);
    let (ok, out, err) = cs(&["score", &path, "--as-of", "2026-06-30", "-o", &path]);
    assert!(ok, "{err}");
    assert!(out.contains("Wrote 500 scored accounts"), "{out}");
    let written = std::fs::read_to_string(&path).expect("output");
    assert_eq!(written.lines().count(), 501);
    assert!(
        written
            .lines()
            .next()
            .unwrap()
            .ends_with(",score,band,coverage,driver")
    );
    // A failing run leaves the previous output whole and no temporary file behind.
    let (ok, _, _) = cs(&["score", "/nonexistent.csv", "-o", &path]);
    assert!(!ok);
    assert_eq!(std::fs::read_to_string(&path).expect("output"), written);
    let dir = std::path::Path::new(&path).parent().unwrap();
    let leftovers = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name().to_string_lossy().contains("same.csv.")
                && e.file_name().to_string_lossy().ends_with(".tmp")
        })
        .count();
    assert_eq!(leftovers, 0);
}
