//! `cs score fit` end to end: the sample's renewals and the same file from disk give the same
//! fit, the proposed card is a scorecard `cs score` takes, weights are non-negative and sum to
//! 100 among siblings, the training AUC never drops, and bad input is named.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;
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

fn temp_path(name: &str) -> String {
    std::env::temp_dir()
        .join(format!("cs-cli-score-fit-{}-{name}", std::process::id()))
        .to_string_lossy()
        .into_owned()
}

fn omnico(file: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/data/omnico")
        .join(file)
        .to_string_lossy()
        .into_owned()
}

fn fit_json(args: &[&str]) -> Value {
    let mut all = vec!["score", "fit", "--json"];
    all.extend_from_slice(args);
    let (ok, out, err) = cs(&all);
    assert!(ok, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn the_sample_and_its_file_give_the_same_fit() {
    let sample = fit_json(&[]);
    let csv = fit_json(&[&omnico("renewal_health.csv"), "--as-of", "2026-06-30"]);
    let parquet = fit_json(&[&omnico("renewal_health.parquet"), "--as-of", "2026-06-30"]);
    assert_eq!(sample, csv);
    assert_eq!(sample, parquet);
    assert_eq!(sample["training"]["accounts"], 1202);
    assert_eq!(sample["holdout"]["accounts"], 515);
    assert!(["better", "worse", "no_evidence"].contains(&sample["verdict"].as_str().unwrap()));
}

#[test]
fn weights_sum_to_100_among_siblings_and_training_auc_never_drops() {
    for seed in ["0", "1", "7"] {
        let fit = fit_json(&["--seed", seed]);
        let mut sums: BTreeMap<String, f64> = BTreeMap::new();
        for w in fit["weights"].as_array().unwrap() {
            let proposed = w["proposed"].as_f64().unwrap();
            assert!(proposed >= 0.0, "{w}");
            let parent = w["parent"].as_str().unwrap_or("").to_owned();
            *sums.entry(parent).or_default() += proposed;
        }
        for (parent, sum) in &sums {
            assert!((sum - 100.0).abs() < 1e-9, "seed {seed}, {parent:?}: {sum}");
        }
        let t = &fit["training"];
        assert!(t["auc_proposed"].as_f64().unwrap() >= t["auc_current"].as_f64().unwrap());
        let h = &fit["holdout_proposed"];
        assert!(h["lower"].as_f64().unwrap() <= h["auc"].as_f64().unwrap());
        assert!(h["auc"].as_f64().unwrap() <= h["upper"].as_f64().unwrap());
    }
    // The seed changes the split, and the same seed gives the same fit.
    assert_ne!(
        fit_json(&["--seed", "1"])["holdout"],
        fit_json(&["--seed", "2"])["holdout"]
    );
    assert_eq!(fit_json(&["--seed", "3"]), fit_json(&["--seed", "3"]));
}

#[test]
fn the_proposed_card_is_written_and_scores_with_cs_score() {
    for ext in ["toml", "json"] {
        let out = temp_path(&format!("card.{ext}"));
        let (ok, text, err) = cs(&["score", "fit", "-o", &out]);
        assert!(ok, "{err}");
        assert!(text.contains("Weights (points of 100 among siblings)"), "{text}");
        assert!(text.contains("paired DeLong"), "{text}");
        assert!(
            text.contains(&format!("Wrote the proposed scorecard to {out}")),
            "{text}"
        );
        let written = std::fs::read_to_string(&out).unwrap();
        assert_eq!(written.trim_start().starts_with('{'), ext == "json");
        let fit = fit_json(&[]);
        let (ok, scored, err) = cs(&[
            "score",
            &omnico("portfolio.csv"),
            "--scorecard",
            &out,
            "--as-of",
            "2026-06-30",
        ]);
        assert!(ok, "{err}");
        assert!(scored.contains("scorecard \"default\""), "{scored}");
        // The written card is the fit's card, weight for weight.
        let (ok, again, err) = cs(&[
            "score",
            "fit",
            "--json",
            "--scorecard",
            &out,
            "--max-evaluations",
            "1",
        ]);
        assert!(ok, "{err}");
        let again: Value = serde_json::from_str(&again).unwrap();
        for (a, b) in again["weights"]
            .as_array()
            .unwrap()
            .iter()
            .zip(fit["weights"].as_array().unwrap())
        {
            assert_eq!(a["name"], b["name"]);
            assert!((a["current"].as_f64().unwrap() - b["proposed"].as_f64().unwrap()).abs() < 1e-9);
        }
        std::fs::remove_file(&out).unwrap();
    }
}

#[test]
fn bad_input_is_named() {
    let (ok, _, err) = cs(&["score", "fit", "--outcome", "renewed"]);
    assert!(!ok);
    assert!(err.contains("renewed"), "{err}");
    let (ok, _, err) = cs(&["score", "fit", "--holdout", "1.5"]);
    assert!(!ok);
    assert!(err.contains("holdout") && err.contains("1.5"), "{err}");
    let (ok, _, err) = cs(&["score", "fit", "--confidence", "1"]);
    assert!(!ok);
    assert!(err.contains("--confidence"), "{err}");
    // The history is not overwritten by the card.
    let history = temp_path("history.csv");
    std::fs::copy(omnico("renewal_health.csv"), &history).unwrap();
    let (ok, _, err) = cs(&["score", "fit", &history, "-o", &history]);
    assert!(!ok);
    assert!(err.contains(&history), "{err}");
    assert_eq!(
        std::fs::read(&history).unwrap(),
        std::fs::read(omnico("renewal_health.csv")).unwrap()
    );
    // A bad outcome cell names its line.
    let text = std::fs::read_to_string(&history).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let column = lines[0].split(',').position(|c| c == "churned").unwrap();
    let mut cells: Vec<String> = lines[3].split(',').map(str::to_owned).collect();
    cells[column] = "perhaps".into();
    lines[3] = cells.join(",");
    std::fs::write(&history, lines.join("\n") + "\n").unwrap();
    let (ok, _, err) = cs(&["score", "fit", &history, "--as-of", "2026-06-30"]);
    assert!(!ok);
    assert!(err.contains("line 4") && err.contains("perhaps"), "{err}");
    std::fs::remove_file(&history).unwrap();
    // A scorecard set is not one card to fit.
    let set = temp_path("set.toml");
    std::fs::write(
        &set,
        "schema_version = 1\ndefault = \"a\"\n[[scorecards]]\nschema_version = 1\nname = \"a\"\n\
         [[scorecards.measures]]\nname = \"nps\"\nweight = 1\nrule = { kind = \"nps\" }\n",
    )
    .unwrap();
    let (ok, _, err) = cs(&["score", "fit", "--scorecard", &set]);
    assert!(!ok);
    assert!(err.contains(&set), "{err}");
    std::fs::remove_file(&set).unwrap();
}
