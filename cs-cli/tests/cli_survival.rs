//! `cs survival`'s statistics around the curve end to end: the median's interval by interval
//! type, the restricted mean and the numbers at risk, on R's aml data (values from R's
//! `print.survfit`, see docs/statistics.md).
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::fmt::Write as _;
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

/// R's aml data: weeks, status (1 = relapse), maintenance group.
fn aml_csv(name: &str) -> String {
    let maintained = (
        [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161],
        [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0],
    );
    let nonmaintained = (
        [5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45],
        [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1],
    );
    let mut text = String::from("time,status,x\n");
    for (group, (times, status)) in [
        ("Maintained", (&maintained.0[..], &maintained.1[..])),
        ("Nonmaintained", (&nonmaintained.0[..], &nonmaintained.1[..])),
    ] {
        for (t, s) in times.iter().zip(status) {
            let _ = writeln!(text, "{t},{s},{group}");
        }
    }
    let path = std::env::temp_dir().join(format!("cs-cli-survival-{}-{name}.csv", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write csv");
    path.to_string_lossy().into_owned()
}

fn aml_args(path: &str) -> Vec<&str> {
    vec![
        "survival",
        path,
        "--duration",
        "time",
        "--observed",
        "status",
        "--by",
        "x",
    ]
}

#[test]
fn median_interval_matches_r_print_survfit_on_aml() {
    let path = aml_csv("json");
    let mut args = aml_args(&path);
    args.extend([
        "--confidence-type",
        "log",
        "--rmean",
        "161",
        "--at",
        "0,12,45",
        "--json",
    ]);
    let (ok, out, err) = cs(&args);
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["confidence_type"], "log");
    let groups = doc["groups"].as_array().unwrap();
    // R: x=Maintained 11 7 31 18 NA; x=Nonmaintained 12 11 23 8 NA.
    assert_eq!(groups[0]["group"], "Maintained");
    assert_eq!(groups[0]["median"].as_f64(), Some(31.0));
    assert_eq!(groups[0]["median_ci"]["lower"].as_f64(), Some(18.0));
    assert!(groups[0]["median_ci"]["upper"].is_null(), "{out}");
    assert_eq!(groups[1]["median"].as_f64(), Some(23.0));
    assert_eq!(groups[1]["median_ci"]["lower"].as_f64(), Some(8.0));
    assert!(groups[1]["median_ci"]["upper"].is_null(), "{out}");
    // Nonmaintained falls to 0 at 45, so its area up to 161 is the whole area:
    // 5 + 3 (10/12) + 4 (8/12) + 11 (7/12) + (4 * 35 + 3 * 28 + 3 * 21 + 10 * 14 + 2 * 7) / 72
    // = 5 + 139/12 + 441/72 = 22.708333 (R prints 22.7).
    let rmean = groups[1]["rmean"]["value"].as_f64().unwrap();
    assert!(
        (rmean - (5.0 + 139.0 / 12.0 + 441.0 / 72.0)).abs() < 1e-12,
        "{rmean}"
    );
    assert!(groups[1]["rmean"]["standard_error"].as_f64().unwrap() > 0.0);
    // Numbers at risk, cumulative counts: by 12 weeks 5 relapses, none censored, 7 followed on.
    let at12 = &groups[1]["at_risk"][1];
    assert_eq!(
        (
            at12["at_risk"].as_u64(),
            at12["events"].as_u64(),
            at12["censored"].as_u64()
        ),
        (Some(7), Some(5), Some(0))
    );
    assert_eq!(groups[1]["at_risk"][2]["at_risk"].as_u64(), Some(0));
}

#[test]
fn text_table_shows_the_interval_and_bad_types_are_named() {
    let path = aml_csv("text");
    let mut args = aml_args(&path);
    args.extend(["--confidence-type", "log", "--rmean", "161"]);
    let (ok, out, err) = cs(&args);
    assert!(ok, "{err}");
    for want in [
        "median 95% CI",
        "18 to -",
        "8 to -",
        "rmean(161)",
        "22.71",
        "log band",
    ] {
        assert!(out.contains(want), "{want} missing:\n{out}");
    }
    let mut args = aml_args(&path);
    args.extend(["--confidence-type", "logit"]);
    let (ok, _, err) = cs(&args);
    assert!(!ok);
    assert!(err.contains("unknown confidence type \"logit\""), "{err}");
    let mut args = aml_args(&path);
    args.push("--rmean=-5");
    let (ok, _, err) = cs(&args);
    assert!(!ok);
    assert!(
        err.contains("restricted mean horizon -5 is outside 0 or more"),
        "{err}"
    );
}
