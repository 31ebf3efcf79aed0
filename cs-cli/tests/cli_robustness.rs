//! Robustness of the `cs` binary: sizes that would abort an allocation are named errors.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::process::Command;

fn cs(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cs"))
        .args(args)
        .output()
        .expect("run cs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn portfolio_with_too_many_rows_is_a_named_error() {
    for rows in ["1000000000000", "9223372036854775807"] {
        let (code, out, err) = cs(&["portfolio", "--rows", rows]);
        assert_eq!(code, Some(1), "{err}");
        assert!(out.is_empty());
        assert!(
            err.contains("--rows") && err.contains("synthetic portfolio accounts") && err.contains(rows),
            "{err}"
        );
        assert!(err.contains("0..=200000000"), "{err}");
    }
    let (code, out, err) = cs(&["portfolio", "--rows", "3"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.lines().count(), 4, "{out}");
}

#[test]
fn score_with_too_many_sample_rows_is_a_named_error() {
    let (code, out, err) = cs(&["score", "--sample-rows", "1000000000000"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("--sample-rows") && err.contains("synthetic portfolio accounts"),
        "{err}"
    );
}

fn temp(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("cs-cli-robust-{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("write file");
    path.to_string_lossy().into_owned()
}

fn example(name: &str) -> String {
    format!("{}/../examples/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `args` with `OUT` standing for `output` and asserts the refusal: exit 1, a message
/// naming the output and the input, and every input byte for byte as before.
fn assert_refused(args: &[&str], output: &str, input: &str) {
    let before = std::fs::read(input).expect("input");
    let args: Vec<&str> = args
        .iter()
        .map(|a| if *a == "OUT" { output } else { a })
        .collect();
    let (code, out, err) = cs(&args);
    assert_eq!(code, Some(1), "{args:?}: {out}{err}");
    assert!(err.contains(output) && err.contains("is also an input"), "{err}");
    assert_eq!(std::fs::read(input).expect("input"), before, "{args:?}");
}

#[test]
fn an_output_that_is_an_input_is_refused_before_anything_is_written() {
    let portfolio = temp(
        "portfolio.csv",
        &std::fs::read_to_string(example("portfolio.csv")).unwrap(),
    );
    assert_refused(&["score", &portfolio, "-o", "OUT"], &portfolio, &portfolio);
    // The same file by another name: ./dir/../file, a hard link, a symbolic link.
    let dir = std::path::Path::new(&portfolio).parent().unwrap();
    let file = std::path::Path::new(&portfolio)
        .file_name()
        .unwrap()
        .to_string_lossy();
    let dotted = format!("{}/./{file}", dir.display());
    assert_refused(&["score", &portfolio, "-o", "OUT"], &dotted, &portfolio);
    let hard = format!("{portfolio}.hard");
    let _ = std::fs::remove_file(&hard);
    std::fs::hard_link(&portfolio, &hard).unwrap();
    assert_refused(&["score", &portfolio, "-o", "OUT"], &hard, &portfolio);
    #[cfg(unix)]
    {
        let soft = format!("{portfolio}.soft");
        let _ = std::fs::remove_file(&soft);
        std::os::unix::fs::symlink(&portfolio, &soft).unwrap();
        assert_refused(&["score", &portfolio, "-o", "OUT"], &soft, &portfolio);
        let _ = std::fs::remove_file(&soft);
    }
    let _ = std::fs::remove_file(&hard);

    // The scorecard is an input too.
    let card = temp("card.toml", "schema_version = 1\n");
    assert_refused(
        &["score", &portfolio, "--scorecard", &card, "-o", "OUT"],
        &card,
        &card,
    );
    // cs risk fit: the history and the template.
    let history = temp(
        "history.csv",
        &std::fs::read_to_string(example("renewals_history.csv")).unwrap(),
    );
    assert_refused(&["risk", "fit", &history, "-o", "OUT"], &history, &history);
    let template = temp("template.json", "{}");
    assert_refused(
        &["risk", "fit", &history, "--template", &template, "-o", "OUT"],
        &template,
        &template,
    );
    // cs calendar --ics: a package file.
    let package = temp("package.toml", "schema_version = 1\n");
    assert_refused(
        &[
            "calendar",
            "--package",
            &package,
            "--start",
            "2026-01-15",
            "--ics",
            "OUT",
        ],
        &package,
        &package,
    );

    // A different output is written as before.
    let out = temp("scored.csv", "");
    let (code, _, err) = cs(&["score", &portfolio, "--as-of", "2026-06-30", "-o", &out]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 501);
}
