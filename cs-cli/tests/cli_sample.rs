//! `cs sample`: regenerates examples/data/omnico byte for byte, and every command that reads
//! one of its files runs on it unchanged.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
const AS_OF: &str = "2026-06-30";

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

fn run(args: &[&str]) -> String {
    let (ok, out, err) = cs(args);
    assert!(ok, "cs {}: {err}", args.join(" "));
    out
}

fn committed() -> PathBuf {
    Path::new(ROOT).join("examples/data/omnico")
}

/// A fresh `cs sample --out` directory with the default options.
fn generated(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cs-cli-sample-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    run(&["sample", "--out", dir.to_str().unwrap()]);
    dir
}

fn rows(dir: &Path, file: &str) -> usize {
    cs_arrow::files::read_table(&dir.join(file)).unwrap().num_rows()
}

/// `1732` as `1,732`, as the tables print counts.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            Path::new(n)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("parquet"))
        })
        .collect();
    let handoffs = dir.join("handoffs");
    if handoffs.is_dir() {
        for e in std::fs::read_dir(handoffs).unwrap() {
            names.push(format!("handoffs/{}", e.unwrap().file_name().to_string_lossy()));
        }
    }
    names.sort();
    names
}

#[test]
fn cs_sample_regenerates_the_committed_files_byte_for_byte() {
    let dir = generated("bytes");
    let names = file_names(&dir);
    assert_eq!(names, file_names(&committed()), "the same set of files");
    assert!(names.len() >= 11, "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("handoffs/")), "{names:?}");
    for name in &names {
        let fresh = std::fs::read(dir.join(name)).unwrap();
        let shipped = std::fs::read(committed().join(name)).unwrap();
        assert!(
            fresh == shipped,
            "{name} differs from examples/data/omnico: run `cs sample`"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_command_runs_on_the_sample() {
    let dir = generated("commands");
    let f = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let accounts = rows(&dir, "accounts.parquet");
    assert_eq!(accounts, 2_000);
    assert_eq!(rows(&dir, "accounts.csv"), accounts);
    let customers = rows(&dir, "portfolio.parquet");
    let lost = rows(&dir, "churned.parquet");
    assert_eq!(customers + lost, accounts);

    let out = run(&["score", &f("portfolio.parquet"), "--as-of", AS_OF]);
    assert!(
        out.contains(&format!("Health of {} accounts", grouped(customers))),
        "{out}"
    );
    let out = run(&["risk", &f("portfolio.parquet"), "--as-of", AS_OF]);
    assert!(out.contains(&format!("({customers} accounts)")), "{out}");
    run(&["ctas", &f("portfolio.parquet"), "--as-of", AS_OF]);
    run(&["expansion", &f("portfolio.parquet"), "--as-of", AS_OF]);

    let answers = rows(&dir, "survey.parquet");
    let out = run(&["nps", &f("survey.parquet"), "--period", "year"]);
    assert!(out.contains(&format!("({answers} answers)")), "{out}");
    let out = run(&["csat", &f("survey.parquet")]);
    assert!(out.contains(&format!("({answers} ratings")), "{out}");
    run(&["perceived", &f("survey.parquet"), "--by", "csm"]);

    let deliveries = rows(&dir, "delivered.parquet");
    let out = run(&[
        "compliance",
        &f("contracts.parquet"),
        &f("delivered.parquet"),
        "--as-of",
        AS_OF,
    ]);
    assert!(
        out.contains(&format!("({accounts} accounts, {deliveries} deliveries)")),
        "{out}"
    );

    let out = run(&[
        "onboarding",
        &f("onboarding.parquet"),
        "--as-of",
        AS_OF,
        "--by",
        "segment",
    ]);
    assert!(out.contains(&format!("({accounts} accounts;")), "{out}");
    let out = run(&["lifecycle", &f("onboarding.parquet"), "--as-of", AS_OF]);
    assert!(out.contains(&format!("({accounts} accounts)")), "{out}");

    let starting = rows(&dir, "arr_start.parquet");
    let out = run(&[
        "retention",
        &f("arr_start.parquet"),
        &f("portfolio.parquet"),
        "--by",
        "segment",
    ]);
    assert!(out.contains(&format!("({starting} starting accounts)")), "{out}");
    let out = run(&["churn-reasons", &f("churned.parquet")]);
    assert!(out.contains(&format!("({lost} lost accounts)")), "{out}");
    let out = run(&["survival", &f("accounts.parquet"), "--by", "segment"]);
    assert!(
        out.contains(&format!("({accounts} customers, {lost} churned)")),
        "{out}"
    );
    run(&["cohort", &f("cohorts.csv")]);
    let out = run(&["health-trend", &f("health_history.parquet")]);
    assert!(out.contains(&format!("({accounts} accounts)")), "{out}");
    let out = run(&["renewals", &f("contracts.parquet"), "--as-of", AS_OF]);
    assert!(out.contains(&format!("({accounts} contracts)")), "{out}");
    let mut docs: Vec<String> = std::fs::read_dir(dir.join("handoffs"))
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .collect();
    docs.sort();
    let mut args = vec!["handoff", "--as-of", AS_OF];
    args.extend(docs.iter().map(String::as_str));
    let out = run(&args);
    assert!(out.contains(&format!("({} accounts)", docs.len())), "{out}");
    // The CSV copies read the same as the Parquet files.
    let csv = run(&["score", &f("portfolio.csv"), "--as-of", AS_OF]);
    let parquet = run(&["score", &f("portfolio.parquet"), "--as-of", AS_OF]);
    assert_eq!(
        csv.lines().skip(1).collect::<Vec<_>>(),
        parquet.lines().skip(1).collect::<Vec<_>>()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cs_sample_rejects_bad_options_naming_them() {
    let dir = std::env::temp_dir().join(format!("cs-cli-sample-{}-bad", std::process::id()));
    for accounts in ["0", "50001"] {
        let (ok, _, err) = cs(&["sample", "--out", dir.to_str().unwrap(), "--accounts", accounts]);
        assert!(!ok);
        assert!(err.contains("sample accounts") && err.contains(accounts), "{err}");
    }
    let (ok, _, err) = cs(&["sample", "--out", dir.to_str().unwrap(), "--as-of", "2026-13-01"]);
    assert!(!ok && err.contains("--as-of"), "{err}");
    assert!(!dir.exists(), "nothing is written on a bad option");
}
