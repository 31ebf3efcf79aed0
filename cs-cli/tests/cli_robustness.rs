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
