//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/*`) through the fuzz targets'
//! bodies on stable Rust, so `cargo test` catches a regression of any input the fuzzers found
//! or were seeded with, without the nightly sanitizer build (`scripts/fuzz.sh` runs the
//! fuzzers themselves).
//!
//! `cargo test -p cs-cli --test fuzz_corpus -- --ignored` rewrites the seed files
//! (`seed-*`) from the built-in documents and `examples/data`; inputs found by fuzzing
//! (`crash-*`, `found-*`) are kept.
#![allow(clippy::expect_used, clippy::unwrap_used)]

#[allow(dead_code, unreachable_pub)]
#[path = "../../fuzz/src/lib.rs"]
mod cs_fuzz;

use std::path::{Path, PathBuf};
use std::sync::Arc;

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target)
}

/// Runs `target`'s body on every file of its corpus; fails naming each input that panics.
fn replay(target: &str) {
    let body = cs_fuzz::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, body)| *body)
        .expect("a target of that name");
    let dir = corpus_dir(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus in {}", dir.display());
    let failed: Vec<String> = files
        .iter()
        .filter(|path| {
            let data = std::fs::read(path).unwrap();
            std::panic::catch_unwind(|| body(&data)).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        failed.is_empty(),
        "{target}: these inputs panic:\n{}",
        failed.join("\n")
    );
}

#[test]
fn every_target_has_a_corpus_and_a_test() {
    let this = include_str!("fuzz_corpus.rs");
    for (name, _) in cs_fuzz::TARGETS {
        assert!(corpus_dir(name).is_dir(), "no corpus directory for {name}");
        assert!(
            this.contains(&format!("fn {name}_corpus()")),
            "no replay test for {name}"
        );
        let target = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fuzz/fuzz_targets")
            .join(format!("{name}.rs"));
        assert!(target.is_file(), "no fuzz target {}", target.display());
    }
}

#[test]
fn scorecard_corpus() {
    replay("scorecard");
}

#[test]
fn scorecard_set_corpus() {
    replay("scorecard_set");
}

#[test]
fn package_corpus() {
    replay("package");
}

#[test]
fn matching_rules_corpus() {
    replay("matching_rules");
}

#[test]
fn plan_corpus() {
    replay("plan");
}

#[test]
fn playbook_corpus() {
    replay("playbook");
}

#[test]
fn risk_model_corpus() {
    replay("risk_model");
}

#[test]
fn health_override_corpus() {
    replay("health_override");
}

#[test]
fn csv_commands_corpus() {
    replay("csv_commands");
}

#[test]
fn parquet_commands_corpus() {
    replay("parquet_commands");
}

// --- the seed corpus -----------------------------------------------------------------------

mod seeds {
    use super::{Arc, Path, corpus_dir, cs_fuzz};
    use arrow_array::{
        ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
    };
    use std::fmt::Write as _;

    use cs_core::document::Document;
    use cs_core::health::{Scorecard, ScorecardSet};
    use cs_core::package::{BUILTIN_PACKAGES, MatchingRules, SuccessPackage};
    use cs_core::playbook::Playbook;
    use cs_core::renewal::RiskModel;

    /// Rows kept of each example file: small inputs keep the fuzzers fast.
    const ROWS: usize = 40;

    fn example(name: &str) -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/data")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn fixture(name: &str) -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fuzz/fixtures")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The header and the first `rows` lines.
    fn head(csv: &[u8], rows: usize) -> Vec<u8> {
        let text = String::from_utf8_lossy(csv);
        let mut out: String = text.lines().take(rows + 1).collect::<Vec<_>>().join("\n");
        out.push('\n');
        out.into_bytes()
    }

    /// A score history for `cs health-trend`: the first rows of the portfolio on two dates.
    fn history() -> Vec<u8> {
        let text = String::from_utf8(head(&example("portfolio.csv"), 10)).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        let rows: Vec<&str> = lines.collect();
        let mut out = format!("date,{header}\n");
        for date in ["2026-06-30", "2026-09-30"] {
            for row in &rows {
                let _ = writeln!(out, "{date},{row}");
            }
        }
        out.into_bytes()
    }

    /// The natural input of each of [`cs_fuzz::COMMANDS`], as CSV.
    fn command_input(args: &[&str]) -> Vec<u8> {
        let file = args.iter().position(|a| *a == "FILE").unwrap();
        let name = match (args[0], file) {
            ("nps" | "csat" | "perceived" | "nps-compare", _) => "survey.csv",
            ("score" | "risk" | "expansion", _) if args[1] == "FILE" => "portfolio.csv",
            ("risk", _) => "renewals_history.csv",
            ("retention", 1) => "snapshot_2025.csv",
            ("retention" | "ctas", _) => "snapshot_2026.csv",
            ("renewals" | "compliance", 1) => "contracts.csv",
            ("compliance", _) => "delivered.csv",
            ("churn-reasons", _) => {
                return b"account_id,reason,arr\nACC-1,price,120000\nACC-2,low_adoption,5000\nACC-3,price,700\nACC-4,price,\n"
                    .to_vec();
            }
            ("onboarding" | "lifecycle", _) => "onboarding.csv",
            ("survival", _) => "tenure.csv",
            ("cohort", _) => "cohorts.csv",
            ("backtest", _) => "scores.csv",
            ("health-trend", _) => return history(),
            ("health-override", 1) => "portfolio.csv",
            ("health-override", _) => return fixture("overrides.csv"),
            ("lead-times", 1) => return fixture("red_history.csv"),
            ("lead-times", _) => return fixture("churns.csv"),
            (other, _) => panic!("no seed input for {other}"),
        };
        head(&example(name), ROWS)
    }

    /// The CSV as a batch of typed columns (integers, numbers, flags, dates where every cell
    /// parses as one; text otherwise), the way a Parquet file from a data frame holds it.
    fn typed(csv: &[u8]) -> RecordBatch {
        let text = cs_arrow::files::read_csv_bytes(csv).unwrap();
        let columns: Vec<(String, ArrayRef)> = text
            .schema()
            .fields()
            .iter()
            .zip(text.columns())
            .map(|(field, column)| {
                let cells: Vec<Option<&str>> = column
                    .as_any()
                    .downcast_ref::<StringArray>()
                    .unwrap()
                    .iter()
                    .map(|c| c.map(str::trim).filter(|c| !c.is_empty()))
                    .collect();
                (field.name().clone(), typed_column(&cells))
            })
            .collect();
        RecordBatch::try_from_iter(columns).unwrap()
    }

    fn typed_column(cells: &[Option<&str>]) -> ArrayRef {
        fn all<T>(cells: &[Option<&str>], parse: impl Fn(&str) -> Option<T>) -> Option<Vec<Option<T>>> {
            cells
                .iter()
                .map(|c| c.map(&parse).map_or(Some(None), |v| v.map(Some)))
                .collect()
        }
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        if let Some(v) = all(cells, |c| c.parse::<i64>().ok()) {
            Arc::new(Int64Array::from(v))
        } else if let Some(v) = all(cells, |c| c.parse::<f64>().ok()) {
            Arc::new(Float64Array::from(v))
        } else if let Some(v) = all(cells, |c| c.parse::<bool>().ok()) {
            Arc::new(BooleanArray::from(v))
        } else if let Some(v) = all(cells, |c| {
            chrono::NaiveDate::parse_from_str(c, "%Y-%m-%d")
                .ok()
                .map(|d| (d - epoch).num_days() as i32)
        }) {
            Arc::new(Date32Array::from(v))
        } else {
            Arc::new(StringArray::from(cells.to_vec()))
        }
    }

    fn parquet(batch: &RecordBatch) -> Vec<u8> {
        let dir = std::env::temp_dir().join(format!("cs-fuzz-seeds-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("seed.parquet");
        cs_arrow::files::write_table(&path, batch).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        bytes
    }

    /// Replaces the `seed-*` files of `target` with `seeds`.
    fn write(target: &str, seeds: &[(String, Vec<u8>)]) {
        let dir = corpus_dir(target);
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().unwrap().to_string_lossy().starts_with("seed-") {
                std::fs::remove_file(path).unwrap();
            }
        }
        for (name, bytes) in seeds {
            std::fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
        }
    }

    /// TOML and JSON of each document, whole and cut in half (a truncated file).
    fn document_seeds<D: Document>(docs: &[(&str, D)]) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        for (name, doc) in docs {
            // A plan with a revision history has no TOML form (TOML has no null).
            let toml = doc.to_toml().ok().map(|t| ("toml", t));
            for (ext, text) in toml.into_iter().chain([("json", doc.to_json().unwrap())]) {
                let cut = text.len() / 2;
                out.push((format!("{name}.{ext}"), text.clone().into_bytes()));
                out.push((format!("{name}-truncated.{ext}"), text.as_bytes()[..cut].to_vec()));
            }
        }
        out
    }

    const SIMPLE_CARD: &str = r#"
schema_version = 1
name = "simple"
[[groups]]
name = "Adoption"
weight = 3
[[groups.measures]]
name = "utilisation"
weight = 1
rule = { kind = "linear", min = 0.0, max = 1.0 }
[[measures]]
name = "tickets"
weight = 1
direction = "lower_is_better"
rule = { kind = "steps", thresholds = [1, 3], scores = [100, 50, 0] }
"#;

    const SET: &str = r#"
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
"#;

    #[test]
    #[ignore = "rewrites fuzz/corpus/*/seed-*; run by hand after changing the seeds"]
    fn regenerate_seed_corpus() {
        let simple = Scorecard::from_toml(SIMPLE_CARD).unwrap();
        write(
            "scorecard",
            &document_seeds(&[("default", Scorecard::default_card()), ("simple", simple)]),
        );
        let set = ScorecardSet::from_toml(SET).unwrap();
        write(
            "scorecard_set",
            &document_seeds(&[
                ("default", ScorecardSet::single(Scorecard::default_card())),
                ("segments", set),
            ]),
        );
        let packages: Vec<(&str, SuccessPackage)> = BUILTIN_PACKAGES
            .iter()
            .map(|name| (*name, SuccessPackage::builtin(name).unwrap()))
            .collect();
        write("package", &document_seeds(&packages));
        let strict =
            MatchingRules::from_toml("schema_version = 1\ngrace_days = 0\nearly_days = 0\n").unwrap();
        write(
            "matching_rules",
            &document_seeds(&[("default", MatchingRules::default()), ("strict", strict)]),
        );
        let plan = String::from_utf8(example("plan.json")).unwrap();
        let plan = cs_core::onboarding::JointImpactPlan::from_json(&plan).unwrap();
        let mut unrevised = plan.clone();
        unrevised.revisions.clear();
        write(
            "plan",
            &document_seeds(&[("example", plan), ("unrevised", unrevised)]),
        );
        write("playbook", &document_seeds(&[("builtin", Playbook::builtin())]));
        write(
            "risk_model",
            &document_seeds(&[("default", RiskModel::default())]),
        );

        let overrides = fixture("overrides.csv");
        let json = br#"{"score": 35.0, "reason": "escalation open", "author": "Riley Chen", "expires": "2026-12-31", "lower_only": true}"#;
        let band = br#"{"band": "green", "reason": "renewed early", "author": "Jordan Lee", "expires": "2026-03-31"}"#;
        let prefixed = |selector: u8, bytes: &[u8]| [&[selector][..], bytes].concat();
        let text = cs_arrow::files::read_csv_bytes(&overrides).unwrap();
        write(
            "health_override",
            &[
                ("score.json".to_owned(), prefixed(0, json)),
                ("band.json".to_owned(), prefixed(0, band)),
                ("overrides.csv".to_owned(), prefixed(1, &overrides)),
                (
                    "overrides-typed.parquet".to_owned(),
                    prefixed(2, &parquet(&typed(&overrides))),
                ),
                ("overrides-text.parquet".to_owned(), prefixed(2, &parquet(&text))),
            ],
        );

        let mut csv = Vec::new();
        let mut pq = Vec::new();
        for (i, args) in cs_fuzz::COMMANDS.iter().enumerate() {
            let selector = u8::try_from(i).unwrap();
            let input = command_input(args);
            let sub = if matches!(args[1], "fit" | "evaluate") {
                format!("-{}", args[1])
            } else {
                String::new()
            };
            let role = if args
                .iter()
                .take_while(|a| **a != "FILE")
                .any(|a| a.starts_with('@'))
            {
                "-second"
            } else {
                ""
            };
            let name = format!("{i:02}-{}{sub}{role}", args[0]);
            csv.push((format!("{name}.csv"), prefixed(selector, &input)));
            let text = cs_arrow::files::read_csv_bytes(&input).unwrap();
            pq.push((
                format!("{name}-typed.parquet"),
                prefixed(selector, &parquet(&typed(&input))),
            ));
            pq.push((
                format!("{name}-text.parquet"),
                prefixed(selector, &parquet(&text)),
            ));
        }
        write("csv_commands", &csv);
        write("parquet_commands", &pq);
    }
}
