//! Agreement with lifelines (Kaplan-Meier, log-rank), scikit-learn (ROC AUC) and scipy (sBG
//! maximum likelihood, ₂F₁) on the data of `retention_reference.json`, which
//! `retention_reference.py` regenerates.

#![allow(clippy::unwrap_used, clippy::float_cmp)] // exact expected values; unwrap reports a failure

use cs_core::retention::{SbgModel, kaplan_meier, logrank, roc_auc};
use cs_core::statistics::Confidence;
use serde_json::Value;

fn reference() -> Value {
    serde_json::from_str(include_str!("retention_reference.json")).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn bools(v: &Value) -> Vec<bool> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_bool().unwrap())
        .collect()
}

fn assert_close(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol, "{what}[{i}]: {g} vs {w}");
    }
}

fn check_km(durations: &[f64], observed: &[bool], level: f64, want: &Value) {
    let km = kaplan_meier(durations, observed, Confidence::new(level).unwrap()).unwrap();
    assert_close(km.timeline(), &floats(&want["timeline"]), 0.0, "timeline");
    assert_close(km.survival(), &floats(&want["survival"]), 1e-12, "survival");
    let ci = km.confidence_interval();
    assert_close(&ci.lower, &floats(&want["lower"]), 1e-12, "lower");
    assert_close(&ci.upper, &floats(&want["upper"]), 1e-12, "upper");
    assert_eq!(km.median(), want["median"].as_f64());
    for pair in want["at"].as_array().unwrap() {
        let (t, s) = (pair[0].as_f64().unwrap(), pair[1].as_f64().unwrap());
        assert!((km.survival_at(t).unwrap() - s).abs() < 1e-12, "S({t})");
    }
}

#[test]
fn kaplan_meier_matches_lifelines() {
    let r = reference();
    let d = floats(&r["durations"]);
    let o = bools(&r["observed"]);
    check_km(&d, &o, 0.95, &r["km95"]);
    check_km(&d, &o, 0.80, &r["km80"]);
    check_km(
        &floats(&r["frac_durations"]),
        &bools(&r["frac_observed"]),
        0.95,
        &r["frac_km95"],
    );
}

#[test]
fn logrank_matches_lifelines() {
    let r = reference();
    let d = floats(&r["durations"]);
    let o = bools(&r["observed"]);
    let g: Vec<u64> = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect();
    // Two groups: rows of groups 0 and 1 only.
    let rows: Vec<usize> = (0..d.len()).filter(|&i| g[i] < 2).collect();
    let d2: Vec<f64> = rows.iter().map(|&i| d[i]).collect();
    let o2: Vec<bool> = rows.iter().map(|&i| o[i]).collect();
    let two = logrank(&d2, &o2, |i| Ok(g[rows[i]])).unwrap();
    assert!((two.statistic - r["logrank2"]["statistic"].as_f64().unwrap()).abs() < 1e-9);
    assert!((two.p_value - r["logrank2"]["p_value"].as_f64().unwrap()).abs() < 1e-9);
    let three = logrank(&d, &o, |i| Ok(g[i])).unwrap();
    assert!((three.statistic - r["logrank3"]["statistic"].as_f64().unwrap()).abs() < 1e-9);
    assert!((three.p_value - r["logrank3"]["p_value"].as_f64().unwrap()).abs() < 1e-9);
}

#[test]
fn auc_matches_scikit_learn_with_ties() {
    let r = reference();
    let auc = roc_auc(&floats(&r["scores"]), &bools(&r["churned"])).unwrap();
    assert!((auc - r["auc"].as_f64().unwrap()).abs() < 1e-12, "{auc}");
}

#[test]
fn sbg_matches_scipy_maximum_likelihood() {
    let r = reference();
    let cohort = |name: &str| -> Vec<u64> {
        r["sbg_cohorts"][name]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect()
    };
    let (regular, high) = (cohort("regular"), cohort("high_end"));
    let fits = [
        ("regular", SbgModel::fit(&regular).unwrap()),
        ("high_end", SbgModel::fit(&high).unwrap()),
        (
            "joint",
            SbgModel::fit_cohorts(&[regular.clone(), high.clone()]).unwrap(),
        ),
    ];
    for (name, fit) in fits {
        let want = &r["sbg"][name];
        assert!(
            (fit.model.alpha() - want["alpha"].as_f64().unwrap()).abs() < 1e-6,
            "{name}"
        );
        assert!(
            (fit.model.beta() - want["beta"].as_f64().unwrap()).abs() < 1e-6,
            "{name}"
        );
        assert!(
            (fit.log_likelihood - want["log_likelihood"].as_f64().unwrap()).abs() < 1e-8,
            "{name}"
        );
    }
    for case in r["derl"].as_array().unwrap() {
        let m = SbgModel::new(case["alpha"].as_f64().unwrap(), case["beta"].as_f64().unwrap()).unwrap();
        let got = m
            .derl(
                case["discount"].as_f64().unwrap(),
                case["renewals"].as_u64().unwrap() as u32,
            )
            .unwrap();
        let want = case["derl"].as_f64().unwrap();
        assert!((got - want).abs() < 1e-11 * want, "{case}: {got}");
    }
}
