"""Retention from Python: Kaplan-Meier and log-rank against lifelines, the sBG fit against an
independent scipy maximum-likelihood fit, ROC AUC against scikit-learn, every input type, and
every bad input raising cs.CsError with the Rust message."""

from __future__ import annotations

import json
import math
import pickle
import re
import subprocess
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from scipy import optimize, special
from sklearn.metrics import roc_auc_score

import cs_core as cs

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import logrank_test, multivariate_logrank_test


@contextmanager
def quiet() -> Iterator[None]:
    """lifelines and its dependencies warn about pandas internals; not our concern here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def tenure_data(seed: int, n: int = 400) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whole-month tenures with heavy ties, ~35 % censoring, some zero durations, 3 groups."""
    rng = np.random.default_rng(seed)
    durations = np.floor(rng.exponential(14.0, n))
    durations[:5] = 0.0
    observed = rng.random(n) < 0.65
    observed[0] = True  # a churn at time 0
    groups = rng.integers(0, 3, n)
    return durations, observed, groups


def lifelines_km(durations: Any, observed: Any, alpha: float = 0.05) -> KaplanMeierFitter:
    with quiet():
        return KaplanMeierFitter(alpha=alpha).fit(durations, observed)


def assert_same_curve(km: cs.KaplanMeier, ref: KaplanMeierFitter, tol: float = 1e-9) -> None:
    np.testing.assert_allclose(km.timeline, ref.timeline, rtol=0, atol=tol)
    np.testing.assert_allclose(km.survival, ref.survival_function_.iloc[:, 0], rtol=0, atol=tol)
    ci = km.confidence_interval()
    np.testing.assert_allclose(ci["lower"], ref.confidence_interval_.iloc[:, 0], rtol=0, atol=tol)
    np.testing.assert_allclose(ci["upper"], ref.confidence_interval_.iloc[:, 1], rtol=0, atol=tol)
    assert km.median() == ref.median_survival_time_
    table = ref.event_table
    np.testing.assert_array_equal(km.event_table()["at_risk"].to_numpy(), table["at_risk"])
    np.testing.assert_array_equal(km.event_table()["events"].to_numpy(), table["observed"])
    np.testing.assert_array_equal(km.event_table()["censored"].to_numpy(), table["censored"])


# ---------------------------------------------------------------------------------------------
# Kaplan-Meier


def test_hand_computed_curve() -> None:
    # Months 2, 5, 5+, 8, 12+: S(2) = 4/5, S(5) = 0.8 * 3/4 = 0.6, S(8) = 0.6 * 1/2 = 0.3.
    km = cs.kaplan_meier([2, 5, 5, 8, 12], [True, True, False, True, False])
    np.testing.assert_array_equal(km.timeline, [0, 2, 5, 8, 12])
    np.testing.assert_allclose(km.survival, [1, 0.8, 0.6, 0.3, 0.3], atol=1e-15)
    assert km.survival_at(6) == pytest.approx(0.6, abs=1e-15)
    assert km.survival_at(-1.0) == 1.0
    np.testing.assert_allclose(km.survival_at([0, 4.9, 5, 100]), [1, 0.8, 0.6, 0.3], atol=1e-15)
    assert km.median() == 8.0
    assert km.survival_time(0.7) == 5.0
    assert (km.subjects, km.events, km.confidence) == (5, 3, 0.95)
    # Greenwood: 1/(5*4) + 1/(4*3) + 1/(2*1) at t = 8.
    assert km.greenwood[3] == pytest.approx(1 / 20 + 1 / 12 + 1 / 2, abs=1e-15)


@pytest.mark.parametrize("seed", [1, 7, 42])
@pytest.mark.parametrize("confidence", [0.95, 0.8, 0.99])
def test_curve_matches_lifelines_with_ties_censoring_and_zero_durations(seed: int, confidence: float) -> None:
    durations, observed, _ = tenure_data(seed)
    ref = lifelines_km(durations, observed, alpha=1 - confidence)
    km = cs.kaplan_meier(durations, observed, confidence=confidence)
    assert_same_curve(km, ref)
    times = np.array([0.0, 0.5, 3.0, 10.0, 27.5, 1000.0])
    with quiet():
        want = ref.predict(times).to_numpy()
    np.testing.assert_allclose(km.survival_at(times), want, rtol=0, atol=1e-9)


def test_fractional_durations_match_lifelines() -> None:
    rng = np.random.default_rng(3)
    durations = np.round(rng.gamma(2.0, 3.0, 500), 2)
    observed = rng.random(500) < 0.7
    assert_same_curve(cs.kaplan_meier(durations, observed), lifelines_km(durations, observed))


def test_level_at_call_time_and_never_reaching_the_median() -> None:
    durations, observed, _ = tenure_data(5)
    km = cs.kaplan_meier(durations, observed)
    ref = lifelines_km(durations, observed, alpha=0.1)
    ci = km.confidence_interval(0.9)
    np.testing.assert_allclose(ci["lower"], ref.confidence_interval_.iloc[:, 0], rtol=0, atol=1e-9)
    # One churn among many active customers: S never reaches 0.5, lifelines says inf.
    km = cs.kaplan_meier([1, 2, 3, 4], [True, False, False, False])
    assert km.median() == math.inf == lifelines_km([1, 2, 3, 4], [1, 0, 0, 0]).median_survival_time_
    assert km.survival_time(0.1) == math.inf


def test_no_observed_column_means_everyone_churned() -> None:
    assert cs.kaplan_meier([3, 1, 2]) == cs.kaplan_meier([3, 1, 2], [True, True, True])


DURATIONS = [2, 5, 5, 8, 12, 0]
OBSERVED = [True, True, False, True, False, True]


@pytest.mark.parametrize(
    ("durations", "observed"),
    [
        (DURATIONS, OBSERVED),
        (tuple(DURATIONS), tuple(OBSERVED)),
        (np.array(DURATIONS, dtype=np.float64), np.array(OBSERVED)),
        (np.array(DURATIONS, dtype=np.int64), np.array(OBSERVED, dtype=np.int8)),
        (np.array(DURATIONS, dtype=np.uint16), np.array(OBSERVED, dtype=np.float64)),
        (np.repeat(np.array(DURATIONS, dtype=np.float64), 2)[::2], np.repeat(OBSERVED, 2)[::2]),
        (pa.array(DURATIONS), pa.array(OBSERVED)),
        (pa.array(DURATIONS, type=pa.float32()), pa.array([int(o) for o in OBSERVED])),
        (pa.chunked_array([DURATIONS[:2], DURATIONS[2:]]), pa.chunked_array([OBSERVED[:4], OBSERVED[4:]])),
        (pd.Series(DURATIONS), pd.Series(OBSERVED)),
        (pd.Series(DURATIONS, dtype="Int64"), pd.Series(OBSERVED, dtype="boolean")),
        (pd.Series(DURATIONS, dtype="float64[pyarrow]"), pd.Series(OBSERVED, dtype="bool[pyarrow]")),
        (pl.Series(DURATIONS), pl.Series(OBSERVED)),
        (pl.Series(DURATIONS, dtype=pl.UInt8), pl.Series(OBSERVED, dtype=pl.Int32)),
    ],
    ids=lambda c: type(c).__module__ + "." + type(c).__name__ + ":" + str(getattr(c, "dtype", "")),
)
def test_every_column_type_gives_the_same_curve(durations: object, observed: object) -> None:
    assert cs.kaplan_meier(durations, observed) == cs.kaplan_meier(DURATIONS, OBSERVED)


def test_read_only_numpy_input_is_borrowed() -> None:
    d = np.array(DURATIONS, dtype=np.float64)
    o = np.array(OBSERVED)
    d.flags.writeable = False
    o.flags.writeable = False
    assert cs.kaplan_meier(d, o).subjects == 6


def test_tables_and_round_trips() -> None:
    km = cs.kaplan_meier(DURATIONS, OBSERVED, confidence=0.9)
    frame = km.to_pandas()
    assert frame.index.name == "timeline"
    assert list(frame.columns) == ["survival", "ci_low", "ci_high", "at_risk", "events", "censored"]
    np.testing.assert_array_equal(frame["survival"].to_numpy(), km.survival)
    np.testing.assert_array_equal(frame["ci_low"].to_numpy(), km.confidence_interval()["lower"])
    assert km.to_arrow(0.5).column_names[0] == "timeline"
    assert km.event_table().column_names == ["timeline", "at_risk", "events", "censored"]
    assert pd.DataFrame(km.confidence_interval()).shape == (len(km.timeline), 3)
    assert pickle.loads(pickle.dumps(km)) == km
    assert cs.KaplanMeier.from_json(km.to_json()) == km
    assert km.to_dict()["confidence"] == 0.9
    # S(5) = 5/6 * 4/5 * 3/4 computed as exp(sum of logs) is 0.5000000000000001 > 0.5, so the
    # median is 8, exactly as lifelines (same formula) reports.
    assert km.median() == 8.0 == lifelines_km(DURATIONS, OBSERVED).median_survival_time_
    assert repr(km) == "KaplanMeier(subjects=6, events=4, median=8, confidence=0.9)"


def test_from_counts_of_parts_is_the_whole_curve() -> None:
    # Two parts of the customers, each reduced to its life table, the tables concatenated in
    # any order: the curve of all the customers, to the bit.
    durations = np.array([5.0, 0.0, 2.5, 2.5, 7.0, 5.0, 0.0, 1.0, 9.25, 3.0])
    observed = np.array([True, False, True, True, False, True, True, False, True, False])
    whole = cs.kaplan_meier(durations, observed, confidence=0.9)
    first, second = (
        cs.kaplan_meier(durations[p], observed[p]).event_table() for p in (slice(0, 4), slice(4, None))
    )
    rows = pa.concat_tables([second, first])
    merged = cs.KaplanMeier.from_counts(rows["timeline"], rows["events"], rows["censored"], confidence=0.9)
    assert merged == whole
    assert merged.survival.tobytes() == whole.survival.tobytes()
    # Plain lists too; a time repeated has its counts added.
    km = cs.KaplanMeier.from_counts([2.0, 1.0, 2.0], [1, 0, 1], [0, 1, 0])
    assert km == cs.kaplan_meier([2.0, 1.0, 2.0], [True, False, True])
    with pytest.raises(cs.CsOutOfRangeError, match="events -1 at position 1 is outside 0 or more"):
        cs.KaplanMeier.from_counts([1.0, 2.0], [1, -1], [0, 0])
    # NaN is a missing cell by the cell grammar; infinity is not a time.
    with pytest.raises(cs.CsMissingError, match="time is missing at position 0"):
        cs.KaplanMeier.from_counts([math.nan], [1], [0])
    infinite = "column time value inf at position 1 is invalid: expected a finite number"
    with pytest.raises(cs.CsInvalidError, match=infinite):
        cs.KaplanMeier.from_counts([1.0, math.inf], [1, 1], [0, 0])
    with pytest.raises(cs.CsEmptyError):
        cs.KaplanMeier.from_counts([1.0], [0], [0])
    with pytest.raises(cs.CsLengthMismatchError):
        cs.KaplanMeier.from_counts([1.0, 2.0], [1], [0, 0])


def test_large_input_runs_on_both_paths_and_matches_lifelines() -> None:
    rng = np.random.default_rng(11)
    n = 200_000
    months = np.floor(rng.exponential(20.0, n))  # counting path
    days = months * 30.4 + np.round(rng.random(n), 3)  # sorting path
    observed = rng.random(n) < 0.5
    for d in (months, days):
        assert_same_curve(cs.kaplan_meier(d, observed), lifelines_km(d, observed))


def test_gil_is_released_and_threads_agree() -> None:
    durations, observed, _ = tenure_data(2, 100_000)
    want = cs.kaplan_meier(durations, observed)
    results: list[cs.KaplanMeier] = []
    threads = [
        threading.Thread(target=lambda: results.append(cs.kaplan_meier(durations, observed)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [want] * 4


# ---------------------------------------------------------------------------------------------
# By group and log-rank


def tenure_frame(seed: int = 7) -> pd.DataFrame:
    durations, observed, groups = tenure_data(seed)
    return pd.DataFrame(
        {
            "tenure": durations,
            "churned": observed,
            "segment": np.array(["Community", "Enterprise", "Strategic"])[groups],
            "tier": np.arange(len(groups)) % 2,
        }
    )


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow", "dict"])
def test_by_group_matches_separate_lifelines_fits(kind: str) -> None:
    frame = tenure_frame()
    table: Any = {
        "pandas": frame,
        "polars": pl.from_pandas(frame),
        "arrow": pa.Table.from_pandas(frame),
        "dict": frame.to_dict("list"),
    }[kind]
    curves = cs.kaplan_meier_by(table, duration="tenure", observed="churned", by="segment")
    assert list(curves) == ["Community", "Enterprise", "Strategic"]
    for segment, km in curves.items():
        part = frame[frame.segment == segment]
        assert_same_curve(km, lifelines_km(part.tenure, part.churned))
        assert km == cs.kaplan_meier(part.tenure, part.churned)


def test_by_several_keys_gives_tuples_in_their_own_types() -> None:
    curves = cs.kaplan_meier_by(tenure_frame(), "tenure", "churned", by=["segment", "tier"])
    assert list(curves)[:2] == [("Community", 0), ("Community", 1)]
    assert sum(km.subjects for km in curves.values()) == 400


def test_logrank_two_groups_matches_lifelines() -> None:
    durations, observed, groups = tenure_data(7)
    a, b = groups == 0, groups == 1
    with quiet():
        ref = logrank_test(durations[a], durations[b], observed[a], observed[b])
    keep = a | b
    test = cs.logrank(durations[keep], observed[keep], groups[keep])
    assert test.statistic == pytest.approx(ref.test_statistic, rel=0, abs=1e-9)
    assert test.p_value == pytest.approx(ref.p_value, rel=0, abs=1e-9)
    assert test.degrees_of_freedom == 1
    rows = test.groups.to_pylist()
    assert [r["group"] for r in rows] == [0, 1]
    assert sum(r["observed"] for r in rows) == pytest.approx(sum(r["expected"] for r in rows))


def test_logrank_lifelines_docstring_example() -> None:
    t = [1, 4, 10, 12, 12, 3, 5.4, 4, 5, 7, 11, 14, 20, 8, 8]
    e = [1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    g = ["A"] * 7 + ["B"] * 8
    with quiet():
        ref = logrank_test(t[:7], t[7:], e[:7], e[7:])
    test = cs.logrank(t, e, g)
    assert (test.statistic, test.p_value) == pytest.approx((ref.test_statistic, ref.p_value), abs=1e-12)


@pytest.mark.parametrize("seed", [7, 8])
def test_logrank_three_groups_matches_lifelines_multivariate(seed: int) -> None:
    frame = tenure_frame(seed)
    with quiet():
        ref = multivariate_logrank_test(frame.tenure, frame.segment, frame.churned)
    for key, test in (
        ("group", cs.logrank(frame.tenure, frame.churned, frame.segment)),
        ("segment", cs.logrank_by(frame, duration="tenure", observed="churned", by="segment")),
        (
            "segment",
            cs.logrank_by(pl.from_pandas(frame), duration="tenure", observed="churned", by="segment"),
        ),
    ):
        assert test.statistic == pytest.approx(ref.test_statistic, rel=0, abs=1e-9)
        assert test.p_value == pytest.approx(ref.p_value, rel=0, abs=1e-9)
        assert test.degrees_of_freedom == 2
        assert test.groups.column_names == [key, "subjects", "observed", "expected"]
    d = cs.logrank(frame.tenure, frame.churned, frame.segment).to_dict()
    assert d["degrees_of_freedom"] == 2 and len(d["groups"]) == 3
    assert repr(cs.logrank(frame.tenure, frame.churned, frame.segment)).startswith("LogRankResult(statistic=")


# ---------------------------------------------------------------------------------------------
# sBG

REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]


def sbg_log_likelihood(log_params: np.ndarray, cohorts: list[list[int]]) -> float:
    """Fader and Hardie (2007), eq. 5, written with scipy's log-beta function."""
    a, b = np.exp(log_params)
    ll = 0.0
    for counts in cohorts:
        n = np.asarray(counts, dtype=float)
        t = np.arange(1, len(n))
        log_p = special.betaln(a + 1, b + t - 1) - special.betaln(a, b)
        log_s = special.betaln(a, b + t[-1]) - special.betaln(a, b)
        ll += float(np.sum((n[:-1] - n[1:]) * log_p) + n[-1] * log_s)
    return ll


def scipy_fit(cohorts: list[list[int]]) -> tuple[float, float, float]:
    res = optimize.minimize(
        lambda p: -sbg_log_likelihood(p, cohorts),
        np.zeros(2),
        method="Nelder-Mead",
        options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 20_000},
    )
    a, b = np.exp(res.x)
    return float(a), float(b), float(-res.fun)


@pytest.mark.parametrize(
    "cohorts",
    [[REGULAR], [HIGH_END], [REGULAR, HIGH_END], [REGULAR[:5], HIGH_END]],
    ids=["regular", "high_end", "joint", "joint_unequal_lengths"],
)
def test_sbg_fit_matches_scipy_maximum_likelihood(cohorts: list[list[int]]) -> None:
    a, b, ll = scipy_fit(cohorts)
    fit = cs.SbgModel.fit(cohorts if len(cohorts) > 1 else cohorts[0])
    assert fit.alpha == pytest.approx(a, abs=1e-4)
    assert fit.beta == pytest.approx(b, abs=1e-4)
    assert fit.log_likelihood == pytest.approx(ll, abs=1e-6)
    assert fit.log_likelihood_of(cohorts) == pytest.approx(fit.log_likelihood, abs=1e-9)
    assert fit.cohorts == len(cohorts)
    assert fit.customers == sum(c[0] for c in cohorts)
    assert fit.gradient_norm < 1e-6 and fit.iterations > 0


def test_sbg_paper_estimates_and_standard_errors() -> None:
    fit = cs.SbgModel.fit(np.array(REGULAR, dtype=np.int64))
    assert (round(fit.alpha, 3), round(fit.beta, 3)) == (0.704, 1.182)  # Fader and Hardie (2007)
    fit = cs.SbgModel.fit_cohorts([HIGH_END])
    assert (round(fit.alpha, 3), round(fit.beta, 3)) == (0.668, 3.806)
    # Standard errors: inverse of the numerical observed information in (alpha, beta).
    theta = np.array([fit.alpha, fit.beta])

    def ll(p: np.ndarray) -> float:
        return sbg_log_likelihood(np.log(p), [HIGH_END])

    h = 1e-4
    hess = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            ei, ej = np.eye(2)[i] * h, np.eye(2)[j] * h
            hess[i, j] = (
                ll(theta + ei + ej) - ll(theta + ei - ej) - ll(theta - ei + ej) + ll(theta - ei - ej)
            ) / (4 * h * h)
    cov = np.linalg.inv(-hess)
    assert fit.covariance is not None
    np.testing.assert_allclose(fit.covariance, cov, rtol=1e-4)
    assert fit.alpha_se == pytest.approx(math.sqrt(cov[0, 0]), rel=1e-4)
    assert fit.beta_se == pytest.approx(math.sqrt(cov[1, 1]), rel=1e-4)


def test_sbg_projections_by_hand() -> None:
    m = cs.SbgModel(0.668, 3.806)
    # S(1) = b / (a + b); r(t) = (b + t - 1) / (a + b + t - 1); S(t) = prod of r.
    assert m.survival(0) == 1.0
    assert m.survival(1) == pytest.approx(3.806 / 4.474, abs=1e-15)
    assert m.retention(2) == pytest.approx(4.806 / 5.474, abs=1e-15)
    curve = m.survival_curve(12)
    np.testing.assert_allclose(curve[1:] / curve[:-1], [m.retention(t) for t in range(1, 13)], rtol=1e-14)
    np.testing.assert_allclose(m.expected_alive(1000, 12), 1000 * curve, rtol=1e-15)
    assert m.churn_probability(1) == pytest.approx(0.668 / 4.474, abs=1e-15)
    assert m.mean_churn == pytest.approx(0.668 / 4.474, abs=1e-15)
    # DERL (Fader and Hardie 2010, eq. 6) against scipy's hyp2f1 and a discounted sum.
    for renewals in (0, 4):
        n = renewals + 1
        want = (3.806 + n - 1) / (0.668 + 3.806 + n - 1)
        want *= special.hyp2f1(1, 3.806 + n, 0.668 + 3.806 + n, 1 / 1.1)
        assert m.derl(0.1, renewals) == pytest.approx(want, rel=1e-12)
        s = m.survival_curve(n + 3000)
        series = sum(s[t] / s[n - 1] / 1.1 ** (t - n) for t in range(n, n + 3000))
        assert m.derl(0.1, renewals) == pytest.approx(series, rel=1e-9)
    assert m.residual_value(250.0, 0.1, 4) == pytest.approx(250.0 * m.derl(0.1, 4), rel=1e-15)


def test_sbg_documents_round_trip() -> None:
    fit = cs.SbgModel.fit(REGULAR)
    assert isinstance(fit, cs.SbgModel) and isinstance(fit, cs.SbgFit)
    model = fit.model
    assert type(model) is cs.SbgModel and model == cs.SbgModel(fit.alpha, fit.beta)
    assert cs.SbgModel.from_json(model.to_json()) == model
    assert cs.SbgModel.from_dict(model.to_dict()) == model
    assert model.to_dict() == {"schema_version": 1, "alpha": fit.alpha, "beta": fit.beta}
    assert pickle.loads(pickle.dumps(model)) == model
    again = pickle.loads(pickle.dumps(fit))
    assert type(again) is cs.SbgFit and again.to_dict() == fit.to_dict()
    assert cs.SbgFit.from_json(fit.to_json()).log_likelihood == fit.log_likelihood
    assert json.loads(fit.to_json())["model"] == model.to_dict()
    assert repr(model).startswith("SbgModel(alpha=0.704")
    assert repr(fit).startswith("SbgFit(alpha=0.7041 (se ")


# ---------------------------------------------------------------------------------------------
# Backtests


def scored(seed: int, n: int = 2000, decimals: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    scores = np.round(rng.normal(0.0, 1.0, n), decimals)  # many ties
    churned = rng.random(n) < 1 / (1 + np.exp(-scores))
    return scores, churned


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("decimals", [0, 1, 6])
def test_auc_matches_scikit_learn_with_ties(seed: int, decimals: int) -> None:
    scores, churned = scored(seed, decimals=decimals)
    assert cs.roc_auc(scores, churned) == pytest.approx(roc_auc_score(churned, scores), rel=0, abs=1e-12)


def test_auc_by_hand_and_every_input_type() -> None:
    # Pairs (churned, retained): (0.9, 0.2) right, (0.9, 0.6) right, (0.6, 0.2) right,
    # (0.6, 0.6) tied = 1/2: (3 + 0.5) / 4 = 0.875.
    s, c = [0.9, 0.2, 0.6, 0.6], [True, False, True, False]
    assert cs.roc_auc(s, c) == 0.875
    for scores, churned in [
        (np.array(s), np.array(c)),
        (pa.array(s), pa.array(c)),
        (pd.Series(s), pd.Series(c).astype(int)),
        (pl.Series(s), pl.Series(c)),
        (np.array([9, 2, 6, 6], dtype=np.int32), [1, 0, 1, 0]),
    ]:
        assert cs.roc_auc(scores, churned) == 0.875


def test_auc_of_two_million_scores_matches_scikit_learn() -> None:
    rng = np.random.default_rng(5)
    scores = np.round(rng.random(2_000_000), 3)
    churned = rng.random(2_000_000) < scores * 0.3
    assert cs.roc_auc(scores, churned) == pytest.approx(roc_auc_score(churned, scores), abs=1e-12)


def test_backtest_top_k_and_deciles() -> None:
    scores, churned = scored(4, n=1000, decimals=6)
    bt = cs.backtest(scores, churned, top=[100, 0.2], bins=10)
    assert bt.auc == pytest.approx(roc_auc_score(churned, scores), abs=1e-12)
    assert (bt.accounts, bt.churned) == (1000, int(churned.sum()))
    assert bt.direction == "risk" and bt.churn_rate == churned.mean()
    top = bt.top.to_pylist()
    order = np.argsort(-scores, kind="stable")
    for row, k in zip(top, [100, 200], strict=True):
        hits = churned[order[:k]].sum()  # scores with 6 decimals: no tie at the cut
        assert row["k"] == k and row["churned"] == hits
        assert row["precision"] == pytest.approx(hits / k)
        assert row["recall"] == pytest.approx(hits / churned.sum())
        assert row["lift"] == pytest.approx(hits / k / churned.mean())
    bins = bt.bins.to_pandas()
    assert list(bins["bin"]) == list(range(1, 11)) and (bins["accounts"] == 100).all()
    assert bins["churned"].sum() == churned.sum()
    assert bins["min_score"].iloc[0] >= bins["max_score"].iloc[1]  # most at risk first
    assert bt.to_dict()["auc"] == bt.auc and json.loads(bt.to_json())["accounts"] == 1000
    assert repr(bt).startswith("Backtest(auc=")


def test_health_direction_flips_the_score() -> None:
    scores, churned = scored(6)
    health = cs.backtest(-scores, churned, direction="health")
    risk = cs.backtest(scores, churned)
    assert health.auc == pytest.approx(risk.auc, abs=1e-15)
    assert health.direction == "health"
    assert health.bins["churned"].to_pylist() == risk.bins["churned"].to_pylist()
    assert len(cs.backtest(scores, churned).top) == 3  # default cut-offs: top 5 %, 10 %, 20 %


def test_churn_by_band_and_lead_times() -> None:
    rates = cs.churn_by_band(["red", "green", "red", "yellow", "green"], [True, False, False, False, False])
    assert rates.to_pylist() == [
        {"band": "green", "accounts": 2, "churned": 0, "churn_rate": 0.0},
        {"band": "red", "accounts": 2, "churned": 1, "churn_rate": 0.5},
        {"band": "yellow", "accounts": 1, "churned": 0, "churn_rate": 0.0},
    ]
    history = pd.DataFrame(
        {
            "account": ["a", "a", "a", "b", "b", "c"],
            "date": pd.to_datetime(
                ["2026-01-01", "2026-02-01", "2026-03-01", "2026-01-01", "2026-02-01", "2026-01-01"]
            ),
            "band": ["green", "red", "red", "yellow", "green", "red"],
        }
    )
    churns = pd.DataFrame({"account": ["a", "b"], "churn_date": ["2026-03-15", "2026-04-01"]})
    churns["churn_date"] = pd.to_datetime(churns["churn_date"])
    lead = cs.red_lead_times(history.assign(red=history.band == "red"), churns)
    # a: first red 1 Feb, churn 15 Mar: 42 days. b churned without warning; c red and stayed.
    assert lead.accounts.to_pylist()[0]["lead_days"] == 42
    assert lead.accounts.to_pylist()[1]["first_red"] is None
    assert (lead.churned, lead.flagged, lead.red_retained) == (2, 1, 1)
    assert (lead.flagged_share, lead.red_precision, lead.median_lead_days) == (0.5, 0.5, 42.0)
    assert lead.to_dict()["mean_lead_days"] == 42.0
    assert repr(lead) == "LeadTimes(churned=2, flagged=1, red_retained=1, median_lead_days=42.0)"


# ---------------------------------------------------------------------------------------------
# Bad input

KM: Callable[[], cs.KaplanMeier] = lambda: cs.kaplan_meier([1, 2], [True, False])  # noqa: E731


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cs.kaplan_meier([1, -2], [True, True]), "duration -2 at position 1 is outside 0 or more"),
        (
            lambda: cs.kaplan_meier(pa.chunked_array([[1.0], [2.0, -1.0]]), [1, 1, 1]),
            "duration -1 at position 2",
        ),
        (lambda: cs.kaplan_meier([1, math.nan], [True, True]), "duration NaN at position 1 is invalid"),
        (lambda: cs.kaplan_meier([1, math.inf], [True, True]), "duration inf at position 1 is invalid"),
        (lambda: cs.kaplan_meier([1, None], [True, True]), "duration is missing at position 1"),
        (
            lambda: cs.kaplan_meier([1, 2], [False, False]),
            "observed all false is invalid: every duration is censored",
        ),
        (lambda: cs.kaplan_meier([1, 2], [True]), "column observed has 1 rows, expected 2"),
        (lambda: cs.kaplan_meier([], []), "durations is empty"),
        # The one flag grammar (the message was "observed 2 ... is outside 0 or 1 (or booleans)").
        (
            lambda: cs.kaplan_meier([1, 2], [1, 2]),
            "column observed value 2 at position 1 is invalid: expected a flag: true / false / 1 / 0",
        ),
        (lambda: cs.kaplan_meier([1, 2], [True, None]), "observed is missing at position 1"),
        # Text is read by the one flag grammar: "y" is not a flag (text was a type error).
        (
            lambda: cs.kaplan_meier([1, 2], ["y", "n"]),
            'column observed value "y" at position 0 is invalid: expected a flag',
        ),
        (
            lambda: cs.kaplan_meier(["x"], [True]),
            'column duration value "x" at position 0 is invalid: expected a number',
        ),
        (lambda: cs.kaplan_meier(np.zeros((2, 2)), [True]), "2-dimensional array"),
        (lambda: cs.kaplan_meier([1], [True], confidence=1.0), "confidence level 1 is outside"),
        (lambda: KM().survival_at(math.nan), "time NaN is invalid"),
        (lambda: KM().survival_time(1.5), "survival quantile 1.5 is outside 0..=1"),
        (lambda: KM().confidence_interval(0.0), "confidence level 0 is outside"),
        (lambda: cs.KaplanMeier.from_json("{}"), "missing field `table`"),
        (
            lambda: cs.KaplanMeier.from_json(KM().to_json().replace('"at_risk":[2,2', '"at_risk":[2,3')),
            "event table at_risk 3 at position 1 is invalid: expected 2",
        ),
        (
            lambda: cs.kaplan_meier_by({"d": [1], "o": [True]}, "d", "o", by="segment"),
            'unknown column "segment" (known: d, o)',
        ),
        (lambda: cs.kaplan_meier_by({"d": [1], "o": [True], "s": ["a"]}, "d", "o", by=[]), "by is empty"),
        (
            lambda: cs.kaplan_meier_by({"d": [-1], "o": [True], "s": ["a"]}, "d", "o", by="s"),
            "duration -1 at position 0",
        ),
        (
            lambda: cs.logrank([1, 2], [True, True], ["a", "a"]),
            "the log-rank test compares at least two groups",
        ),
        (lambda: cs.logrank([1, 2], [True, True], ["a"]), "column group has 1 rows, expected 2"),
        (lambda: cs.logrank([1, 2], [False, False], ["a", "b"]), "observed all false is invalid"),
        (lambda: cs.logrank_by({"d": [1], "o": [True]}, "d", "o", by="s"), 'unknown column "s"'),
        (
            lambda: cs.SbgModel.fit([100, 80, 90]),
            "alive count (cohort 0) 90 at position 2 is outside 0..=80 (the previous count)",
        ),
        (lambda: cs.SbgModel.fit([0, 0, 0]), "alive count (cohort 0) 0 at position 0 is outside 1 or more"),
        (lambda: cs.SbgModel.fit([100]), "a cohort needs its size and at least one later count"),
        (lambda: cs.SbgModel.fit([100, 90]), "at least one cohort needs three counts"),
        (lambda: cs.SbgModel.fit([100, -1, 3]), "alive count (cohort 0) -1 at position 1 is outside"),
        (lambda: cs.SbgModel.fit([100, 50.5, 3]), "alive count (cohort 0) 50.5 at position 1"),
        (
            lambda: cs.SbgModel.fit([[100, 90, 80], [100, 120, 80]]),
            "alive count (cohort 1) 120 at position 1",
        ),
        (lambda: cs.SbgModel.fit([100, 100, 100]), "sBG fit failed: no customer churned"),
        (lambda: cs.SbgModel.fit([1000, 900, 700, 400, 100]), "the likelihood has no interior maximum"),
        (lambda: cs.SbgModel.fit_cohorts([]), "cohorts is empty"),
        (lambda: cs.SbgModel(-1, 2), "alpha -1 is outside the range (0, 1e12]"),
        (lambda: cs.SbgModel(1, math.nan), "beta NaN is outside"),
        (lambda: cs.SbgModel(1, 2).derl(0), "discount rate 0 is outside a finite number above 0"),
        (lambda: cs.SbgModel(1, 2).derl(0.1, -1), "renewals -1 is outside 0..=4294967295"),
        (lambda: cs.SbgModel(1, 2).retention(0), "period 0 is outside 1 or more"),
        (lambda: cs.SbgModel(1, 2).survival(-1), "t -1 is outside 0..=4294967295"),
        (lambda: cs.SbgModel(1, 2).residual_value(math.inf, 0.1), "margin inf is invalid"),
        (lambda: cs.SbgModel.from_json('{"schema_version":1,"alpha":-1,"beta":2}'), "alpha -1 is outside"),
        (
            lambda: cs.SbgModel.from_json('{"schema_version":9,"alpha":1,"beta":2}'),
            "sbg model schema_version 9 is not supported",
        ),
        (
            lambda: cs.roc_auc([0.1, 0.2], [True, True]),
            "churned all true is invalid: a backtest needs both churned and retained accounts",
        ),
        (lambda: cs.roc_auc([0.1, 0.2], [0, 0]), "churned all false is invalid"),
        (lambda: cs.roc_auc([0.1, 0.2], [False]), "column churned has 1 rows, expected 2"),
        (lambda: cs.roc_auc([0.1, math.nan], [False, True]), "score NaN at position 1 is invalid"),
        (lambda: cs.backtest([0.1], [True]), "churned all true is invalid"),
        (lambda: cs.backtest([0.1, 0.2], [True, False], direction="up"), 'unknown score direction "up"'),
        (lambda: cs.backtest([0.1, 0.2], [True, False], top=[3]), "top k 3 is outside 1..=2"),
        (lambda: cs.backtest([0.1, 0.2], [True, False], top=[-1]), "top k -1 at position 0 is outside"),
        (lambda: cs.backtest([0.1, 0.2], [True, False], top=[1.5]), "top share 1.5 is outside (0, 1]"),
        (lambda: cs.backtest([0.1, 0.2], [True, False], top=["x"]), "expected a count (int) or a share"),
        (lambda: cs.backtest([0.1, 0.2], [True, False], bins=0), "bins 0 is outside 1..=10000"),
        (lambda: cs.churn_by_band(["a"], [True, False]), "column churned has 2 rows, expected 1"),
        (lambda: cs.churn_by_band([], []), "churned is empty"),
        (
            lambda: cs.red_lead_times(
                {"account": ["a"], "date": ["2026-01-01"], "red": [True]},
                {"account": ["a", "a"], "churn_date": ["2026-02-01", "2026-03-01"]},
            ),
            "duplicate churned account",
        ),
        (
            lambda: cs.red_lead_times(
                {"account": ["a"], "date": ["2026-01-01"], "band": ["red"]},
                {"account": ["a"], "churn_date": ["2026-02-01"]},
            ),
            'unknown column "red"',
        ),
    ],
)
def test_bad_input_raises_cs_error_with_the_rust_message(call: Callable[[], object], message: str) -> None:
    with pytest.raises(cs.CsError, match=re.escape(message)) as info:
        call()
    assert isinstance(info.value, ValueError)


def test_survival_at_rejects_non_numbers_with_a_type_error() -> None:
    with pytest.raises(TypeError, match="survival_at expects a number"):
        KM().survival_at(object())


def test_python_and_the_cli_agree_on_the_bundled_samples(cs_binary: Any) -> None:
    root = Path(__file__).resolve().parents[2]
    run = lambda *args: json.loads(  # noqa: E731
        subprocess.run([str(cs_binary), *args, "--json"], check=True, capture_output=True, text=True).stdout
    )
    tenure = pd.read_csv(root / "examples/data/tenure.csv")
    cli = run("survival", "--by", "segment", "--at", "12")
    curves = cs.kaplan_meier_by(tenure, "tenure_months", "churned", by="segment")
    for row in cli["groups"]:
        km = curves[row["group"]]
        assert row["at"][0]["survival"] == km.survival_at(12.0)
        assert row["median"] == (None if km.median() == math.inf else km.median())
    assert cli["logrank"]["p_value"] == cs.logrank_by(tenure, "tenure_months", "churned", "segment").p_value
    cohorts = pd.read_csv(root / "examples/data/cohorts.csv")
    fit = cs.SbgModel.fit(cohorts["regular"].to_numpy())
    assert run("cohort")["fits"][0]["model"] == fit.model.to_dict()
    scores = pd.read_csv(root / "examples/data/scores.csv")
    cli = run("backtest", "--score", "health_score", "--direction", "health")
    assert cli["auc"] == cs.backtest(scores.health_score, scores.churned, direction="health").auc
