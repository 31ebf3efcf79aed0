"""Statistics around scores and models (issue 16): DeLong's AUC interval and paired test.

The reference is DeLong's method written out directly in numpy: the full P x N matrix of
pairwise comparisons (1 when the churned account scores higher, 1/2 on a tie), its row and
column means as the structural components, their sample (co)variances, and scipy's normal
distribution. cs-core computes the components from one sort, so the two share no code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats

import cs_core as cs

ROOT = Path(__file__).resolve().parents[2]


def delong_reference(scores: list[np.ndarray], churned: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """AUCs and their covariance matrix by the textbook formula."""
    v10, v01, aucs = [], [], []
    for s in scores:
        x, y = s[churned], s[~churned]
        psi = (x[:, None] > y[None, :]) + 0.5 * (x[:, None] == y[None, :])
        v10.append(psi.mean(axis=1))
        v01.append(psi.mean(axis=0))
        aucs.append(psi.mean())
    s10 = np.atleast_2d(np.cov(np.array(v10)))
    s01 = np.atleast_2d(np.cov(np.array(v01)))
    return np.array(aucs), s10 / churned.sum() + s01 / (~churned).sum()


def sample(seed: int, n: int = 400) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    churned = rng.random(n) < 0.3
    # Two scores that both carry signal, correlated through the outcome, rounded to force ties.
    a = np.round(churned * 0.8 + rng.normal(size=n), 1)
    b = np.round(churned * 0.5 + 0.5 * a + rng.normal(size=n), 1)
    return a, b, churned


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_auc_interval_equals_delong_written_out(seed: int, confidence: float) -> None:
    a, _, churned = sample(seed)
    aucs, cov = delong_reference([a], churned)
    z = stats.norm.ppf(0.5 + confidence / 2)
    half = z * np.sqrt(cov[0, 0])
    auc, low, high = cs.roc_auc_ci(a, churned, confidence)
    assert auc == cs.roc_auc(a, churned)
    assert auc == pytest.approx(aucs[0], abs=1e-12)
    assert low == pytest.approx(max(0.0, aucs[0] - half), abs=1e-10)
    assert high == pytest.approx(min(1.0, aucs[0] + half), abs=1e-10)


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_paired_comparison_equals_delong_written_out(seed: int) -> None:
    a, b, churned = sample(seed)
    aucs, cov = delong_reference([a, b], churned)
    se = np.sqrt(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    want_z = (aucs[0] - aucs[1]) / se
    difference, z, p = cs.roc_auc_compare(a, b, churned)
    assert difference == pytest.approx(aucs[0] - aucs[1], abs=1e-12)
    assert z == pytest.approx(want_z, rel=1e-9)
    assert p == pytest.approx(2 * stats.norm.sf(abs(want_z)), rel=1e-9)


def test_health_scores_read_in_their_direction() -> None:
    a, b, churned = sample(7)
    assert cs.roc_auc_ci(-a, churned, direction="health") == cs.roc_auc_ci(a, churned)
    assert cs.roc_auc_compare(-a, -b, churned, direction="health") == cs.roc_auc_compare(a, b, churned)


def test_interval_widens_with_the_level_and_holds_the_estimate() -> None:
    a, _, churned = sample(8)
    previous = (1.0, 0.0)
    for level in [0.5, 0.8, 0.9, 0.95, 0.99, 0.999]:
        auc, low, high = cs.roc_auc_ci(a, churned, level)
        assert low <= auc <= high
        assert low <= previous[0] and high >= previous[1]
        previous = (low, high)


def test_identical_scores_have_no_test_and_bad_input_is_named() -> None:
    a, _, churned = sample(9)
    difference, z, p = cs.roc_auc_compare(a, a, churned)
    assert (difference, z, p) == (0.0, None, None)
    with pytest.raises(cs.CsOutOfRangeError, match="churned accounts 1 is outside 2 or more"):
        cs.roc_auc_ci([0.9, 0.2, 0.1], [True, False, False])
    with pytest.raises(cs.CsLengthMismatchError, match="scores_b"):
        cs.roc_auc_compare([0.1, 0.2, 0.3, 0.4], [0.1], [True, False, True, False])
    with pytest.raises(cs.CsOutOfRangeError, match=r"confidence level 1\.5"):
        cs.roc_auc_ci(a, churned, 1.5)
    with pytest.raises(cs.CsUnknownError, match="sideways"):
        cs.roc_auc_ci(a, churned, direction="sideways")


# --- Harrell's C against lifelines ------------------------------------------------------------


def test_concordance_equals_lifelines_on_rossi() -> None:
    from lifelines.datasets import load_rossi
    from lifelines.utils import concordance_index as lifelines_c

    rossi = load_rossi()
    # Age as a (weak) predictor of a longer time to re-arrest, with many tied ages and weeks.
    want = lifelines_c(rossi["week"], rossi["age"], rossi["arrest"])
    got = cs.concordance_index(rossi["week"], rossi["age"], rossi["arrest"])
    assert got == want
    assert cs.concordance_index(rossi["week"], -rossi["age"], rossi["arrest"], direction="risk") == want


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_concordance_equals_lifelines_with_ties_and_censoring(seed: int) -> None:
    from lifelines.utils import concordance_index as lifelines_c

    rng = np.random.default_rng(seed)
    n = 3000
    durations = rng.integers(0, 40, n).astype(float)
    scores = np.round(durations / 10 + rng.normal(size=n), 1)
    observed = rng.random(n) < 0.6
    assert cs.concordance_index(durations, scores, observed) == lifelines_c(durations, scores, observed)
    assert cs.concordance_index(durations, scores) == lifelines_c(durations, scores)


def test_concordance_without_a_comparable_pair_is_named() -> None:
    with pytest.raises(cs.CsInvalidError, match="no comparable pair"):
        cs.concordance_index([1.0, 2.0], [0.3, 0.4], [False, False])


# --- Risk fit inference against statsmodels ---------------------------------------------------


def renewals(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    health = rng.normal(70, 15, n).clip(0, 100)
    utilisation = rng.uniform(0, 1.2, n)
    cases = rng.poisson(1.0, n).astype(float)
    z = -1.5 - 0.05 * (health - 70) - (utilisation - 0.8) + 0.3 * cases
    churned = rng.uniform(size=n) < 1 / (1 + np.exp(-z))
    return {
        "health_score": health,
        "utilisation": utilisation,
        "open_high_priority_cases": cases,
        "churned": churned,
    }


def test_unpenalised_standard_errors_equal_statsmodels_logit() -> None:
    import statsmodels.api as sm

    data = renewals(3_000, seed=21)
    model = cs.RiskModel.fit(data, C=None, drop_missing=True)
    x = model.design_matrix(data)
    logit = sm.Logit(data["churned"].astype(float), sm.add_constant(x))
    logit = logit.fit(method="newton", tol=1e-12, disp=0)
    names = model.factor_names
    np.testing.assert_allclose([b for _, b in model.coefficients], logit.params[1:], rtol=1e-7)
    assert model.standard_errors is not None and model.z_values is not None and model.p_values is not None
    assert [n for n, _ in model.standard_errors] == names
    np.testing.assert_allclose([s for _, s in model.standard_errors], logit.bse[1:], rtol=1e-6)
    np.testing.assert_allclose([z for _, z in model.z_values], logit.tvalues[1:], rtol=1e-6)
    np.testing.assert_allclose([p for _, p in model.p_values], logit.pvalues[1:], rtol=1e-5, atol=1e-300)
    report = model.fit_report
    assert report is not None
    assert report["intercept_standard_error"] == pytest.approx(logit.bse[0], rel=1e-6)
    lr = model.likelihood_ratio
    assert lr is not None
    assert lr["statistic"] == pytest.approx(logit.llr, rel=1e-8)
    assert lr["degrees_of_freedom"] == logit.df_model
    assert lr["p_value"] == pytest.approx(logit.llr_pvalue, rel=1e-6, abs=1e-300)
    # statsmodels fits the null model iteratively; the closed form here is exact.
    assert report["null_log_likelihood"] == pytest.approx(logit.llnull, rel=1e-10)
    assert not model.inference_is_approximate


def test_penalised_inference_is_flagged_and_configured_models_have_none() -> None:
    data = renewals(2_000, seed=22)
    model = cs.RiskModel.fit(data, C=1.0, drop_missing=True)
    assert model.inference_is_approximate
    assert model.standard_errors is not None and all(s > 0 for _, s in model.standard_errors)
    default = cs.RiskModel.default()
    assert (default.standard_errors, default.z_values, default.p_values, default.likelihood_ratio) == (
        None,
        None,
        None,
        None,
    )
    # The report round-trips as part of the document.
    assert cs.RiskModel.from_json(model.to_json()) == model
    doc = model.to_dict()
    doc["fit"]["standard_errors"] = [-1.0] * len(model.factor_names)
    with pytest.raises(cs.CsOutOfRangeError, match="fit standard error -1"):
        cs.RiskModel.from_dict(doc)


# --- Calibration: Wilson intervals and the Brier decomposition --------------------------------


def test_calibration_bins_carry_wilson_intervals_and_the_brier_decomposes() -> None:
    from statsmodels.stats.proportion import proportion_confint

    data = renewals(2_000, seed=23)
    model = cs.RiskModel.fit(data, C=1.0, drop_missing=True)
    evaluation = model.evaluate(data, drop_missing=True)
    risk = np.asarray(model.score(data, drop_missing=True)["risk"])
    churned = data["churned"]
    order = np.argsort(risk, kind="stable")
    for b, row in enumerate(evaluation.calibration):
        rows = order[b * 2000 // 10 : (b + 1) * 2000 // 10]
        assert row["accounts"] == len(rows) and row["churned"] == int(churned[rows].sum())
        assert row["mean_risk"] == pytest.approx(risk[rows].mean(), rel=1e-12)
        low, high = proportion_confint(row["churned"], row["accounts"], alpha=0.05, method="wilson")
        assert row["churn_rate_lower"] == pytest.approx(low, abs=1e-12)
        assert row["churn_rate_upper"] == pytest.approx(high, abs=1e-12)
        assert row["churn_rate_lower"] <= row["churn_rate"] <= row["churn_rate_upper"]
    d = evaluation.brier_decomposition
    assert d["reliability"] - d["resolution"] + d["uncertainty"] + d["within_bin"] == pytest.approx(
        evaluation.brier, abs=1e-15
    )
    o = churned.mean()
    assert d["uncertainty"] == pytest.approx(o * (1 - o), rel=1e-12)
    assert abs(d["within_bin"]) < 0.01 * evaluation.brier
    assert d["reliability"] >= 0 and d["resolution"] >= 0


def test_cs_backtest_prints_the_same_interval_and_comparison(cs_binary: Any) -> None:
    import json
    import subprocess

    import pyarrow.csv as pv

    path = ROOT / "examples" / "data" / "scores.csv"
    command = [str(cs_binary), "backtest", str(path), "--score", "health_score", "--direction", "health"]
    out = subprocess.run(
        [*command, "--compare", "risk", "--json"],
        check=False,
        capture_output=True,
        text=True,
    )
    # --compare reads the second score in the same direction: risk read as health is
    # backwards, so the comparison says the health score is far better.
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    table = pv.read_csv(path)
    health = np.asarray(table["health_score"], dtype=float)
    risk = np.asarray(table["risk"], dtype=float)
    churned = np.asarray(table["churned"])
    auc, low, high = cs.roc_auc_ci(health, churned, direction="health")
    assert (doc["auc"], doc["auc_interval"]["lower"], doc["auc_interval"]["upper"]) == (auc, low, high)
    difference, z, p = cs.roc_auc_compare(health, risk, churned, direction="health")
    assert doc["comparison"]["difference"] == difference
    assert (doc["comparison"]["z"], doc["comparison"]["p_value"]) == (z, p)
    text = subprocess.run(
        [str(cs_binary), "backtest", str(path), "--score", "risk", "--compare", "health_score"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "(DeLong)" in text and "Against health_score" in text and "paired DeLong" in text
