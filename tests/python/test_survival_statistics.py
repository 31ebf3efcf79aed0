"""Statistics around the Kaplan-Meier curve against independent references: R's `survival`
package through its published output (aml, and the lung data that lifelines ships), and
lifelines on its own datasets (waltons, rossi). Where a value comes from is listed in
docs/statistics.md."""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import pytest

import cs_core as cs

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import matplotlib

    matplotlib.use("Agg")
    from lifelines import KaplanMeierFitter
    from lifelines.datasets import load_lung, load_rossi, load_waltons
    from lifelines.plotting import add_at_risk_counts
    from lifelines.utils import median_survival_times, qth_survival_times, restricted_mean_survival_time


@contextmanager
def quiet() -> Iterator[None]:
    """lifelines, pandas and matplotlib warn about each other's internals; not our concern here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def lifelines_km(durations: Any, observed: Any, alpha: float = 0.05) -> KaplanMeierFitter:
    with quiet():
        return KaplanMeierFitter(alpha=alpha).fit(durations, observed)


def or_none(t: float) -> float | None:
    """lifelines' "never reached" (inf) as this library's None."""
    return None if math.isinf(t) else float(t)


# R's aml data (survival package): weeks to relapse, status 1 = relapse, by maintenance.
AML = {
    "Maintained": ([9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161], [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0]),
    "Nonmaintained": ([5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45], [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]),
}


def lung_by_sex() -> dict[int, cs.KaplanMeier]:
    # lifelines ships R's lung data with status recoded 1 = died (R: 2), 0 = censored (R: 1).
    lung = load_lung()
    return {
        sex: cs.kaplan_meier(part["time"].to_numpy(float), part["status"].to_numpy() == 1)
        for sex, part in lung.groupby("sex")
    }


# ---------------------------------------------------------------------------------------------
# R's published output


@pytest.mark.parametrize(
    ("group", "median", "lcl", "ucl"),
    # print(survfit(Surv(time, status) ~ x, data = aml)): median 0.95LCL 0.95UCL.
    [("Maintained", 31.0, 18.0, None), ("Nonmaintained", 23.0, 8.0, None)],
)
def test_aml_median_interval_matches_r_print_survfit(
    group: str, median: float, lcl: float, ucl: float | None
) -> None:
    weeks, status = AML[group]
    km = cs.kaplan_meier(weeks, np.array(status, dtype=bool))
    assert km.quantile(0.5) == median
    assert km.median_confidence_interval(confidence_type="log") == (lcl, ucl)
    assert km.quantile_confidence_interval(0.5, confidence_type="log") == (lcl, ucl)


def test_lung_log_band_matches_r_surv_summary() -> None:
    # surv_summary(survfit(Surv(time, status) ~ sex, data = lung)), sex = 1, first six times:
    # time, surv, upper, lower (R's default conf.type "log"), printed to 7 decimals.
    r_rows = [
        (11, 0.9782609, 1.0000000, 0.9542301),
        (12, 0.9710145, 0.9994124, 0.9434235),
        (13, 0.9565217, 0.9911586, 0.9230952),
        (15, 0.9492754, 0.9866017, 0.9133612),
        (26, 0.9420290, 0.9818365, 0.9038355),
        (30, 0.9347826, 0.9768989, 0.8944820),
    ]
    km = lung_by_sex()[1]
    band = km.confidence_interval(confidence_type="log")
    for time, surv, upper, lower in r_rows:
        i = int(np.searchsorted(km.timeline, time))
        assert km.timeline[i] == time
        assert km.survival[i] == pytest.approx(surv, abs=1e-7)
        assert band["upper"][i] == pytest.approx(upper, abs=1e-7)
        assert band["lower"][i] == pytest.approx(lower, abs=1e-7)


@pytest.mark.parametrize(
    ("sex", "rmean", "se", "median", "lcl", "ucl"),
    # summary(survfit(Surv(time, status) ~ sex, data = lung))$table: *rmean *se(rmean) median
    # 0.95LCL 0.95UCL. The table does not print its upper limit; both groups' rmean and se match
    # every printed digit at 993.5 days, the midpoint of the curves' last times (1022 and 965),
    # the common limit of the survival version that printed it (see docs/statistics.md).
    [(1, 325.0663, 22.59845, 270.0, 212.0, 310.0), (2, 458.2757, 33.78530, 426.0, 348.0, 550.0)],
)
def test_lung_table_matches_r(
    sex: int, rmean: float, se: float, median: float, lcl: float, ucl: float
) -> None:
    km = lung_by_sex()[sex]
    value, error = km.restricted_mean(993.5)
    assert value == pytest.approx(rmean, abs=5e-5)
    assert error == pytest.approx(se, abs=5e-6)
    assert km.quantile(0.5) == median
    assert km.median_confidence_interval(confidence_type="log") == (lcl, ucl)


# ---------------------------------------------------------------------------------------------
# lifelines on its own datasets


def waltons() -> Iterator[tuple[str, cs.KaplanMeier, KaplanMeierFitter]]:
    data = load_waltons()
    for group, part in data.groupby("group"):
        yield str(group), cs.kaplan_meier(part["T"], part["E"] == 1), lifelines_km(part["T"], part["E"])


@pytest.mark.parametrize("p", [0.25, 0.5, 0.75])
def test_quantile_intervals_match_lifelines_log_log_band_on_waltons(p: float) -> None:
    for group, km, ref in waltons():
        # lifelines: the first time each column of confidence_interval_ is at or below 1 - p.
        with quiet():
            limits = qth_survival_times(1 - p, ref.confidence_interval_)
            estimate = ref.percentile(1 - p)
        want = (or_none(limits.iloc[0, 0]), or_none(limits.iloc[0, 1]))
        assert km.quantile_confidence_interval(p) == want, group
        assert km.quantile(p) == or_none(estimate), group
    for group, km, ref in waltons():
        with quiet():
            m = median_survival_times(ref.confidence_interval_)
        assert km.median_confidence_interval() == (or_none(m.iloc[0, 0]), or_none(m.iloc[0, 1])), group


def test_restricted_mean_matches_lifelines_on_rossi() -> None:
    rossi = load_rossi()
    km = cs.kaplan_meier(rossi["week"], rossi["arrest"] == 1)
    ref = lifelines_km(rossi["week"], rossi["arrest"])
    for t in [0.0, 1.0, 10.5, 26.0, 52.0, 60.0]:
        with quiet():
            want = restricted_mean_survival_time(ref, t=t)
        value, error = km.restricted_mean(t)
        assert value == pytest.approx(want, abs=1e-10), t
        assert error >= 0.0
    # lifelines' "variance" is Var(min(T, t)) across people, not the estimate's: far larger.
    with quiet():
        _, spread = restricted_mean_survival_time(ref, t=52.0, return_variance=True)
    assert km.restricted_mean(52.0)[1] ** 2 < spread / 100


def lifelines_at_risk(ref: KaplanMeierFitter, ticks: list[float]) -> list[tuple[int, int, int]]:
    """(at risk, censored, events) per tick, read from the labels lifelines draws."""
    import matplotlib.pyplot as plt

    with quiet():
        ax = ref.plot_survival_function()
        add_at_risk_counts(ref, ax=ax, xticks=ticks, labels=False)
        # The counts are the tick labels of the axes it adds under the plot.
        labels = [t.get_text() for t in ax.figure.axes[-1].get_xticklabels()]
        plt.close("all")
    assert len(labels) == len(ticks)
    counts = []
    for label in labels:
        numbers = [int(x) for x in re.findall(r"-?\d+", label)]
        counts.append((numbers[0], numbers[1], numbers[2]))
    return counts


def test_at_risk_matches_lifelines_add_at_risk_counts() -> None:
    data = load_waltons()
    ticks = [0.0, 6.0, 15.0, 29.0, 45.0, 60.0]
    for _, km, ref in waltons():
        table = km.at_risk(ticks)
        assert table.column_names == ["time", "at_risk", "events", "censored"]
        ours = list(
            zip(
                table["at_risk"].to_pylist(),
                table["censored"].to_pylist(),
                table["events"].to_pylist(),
                strict=True,
            )
        )
        assert ours == lifelines_at_risk(ref, ticks)
        # Every customer is at risk, churned or censored by t.
        assert all(sum(row) == km.subjects for row in ours)
    assert len(data) == sum(km.subjects for _, km, _ in waltons())


def test_lifelines_column_names() -> None:
    _, km, ref = next(waltons())
    df = km.to_pandas(names="lifelines")
    pd.testing.assert_frame_equal(df[["KM_estimate"]], ref.survival_function_, check_exact=False, atol=1e-12)
    pd.testing.assert_frame_equal(
        df[["KM_estimate_lower_0.95", "KM_estimate_upper_0.95"]],
        ref.confidence_interval_,
        check_exact=False,
        atol=1e-12,
        check_names=False,  # lifelines leaves this index unnamed
    )
    ref90 = lifelines_km(ref.durations, ref.event_observed, alpha=0.1)
    df90 = km.to_pandas(confidence=0.9, names="lifelines")
    assert list(ref90.confidence_interval_.columns) == list(df90.columns[1:3])
    assert km.to_arrow(names="lifelines").column_names[-3:] == ["at_risk", "observed", "censored"]
    assert km.to_arrow().column_names[1:4] == ["survival", "ci_low", "ci_high"]


# ---------------------------------------------------------------------------------------------
# Interval types and bad input


def test_interval_types_contain_the_estimate_and_widen_with_the_level() -> None:
    rossi = load_rossi()
    km = cs.kaplan_meier(rossi["week"], rossi["arrest"] == 1)
    for kind in ["log-log", "log", "plain"]:
        narrow = km.confidence_interval(0.8, confidence_type=kind)
        wide = km.confidence_interval(0.99, confidence_type=kind)
        assert np.all(narrow["lower"] <= km.survival) and np.all(km.survival <= narrow["upper"])
        assert np.all(wide["lower"] <= narrow["lower"]) and np.all(narrow["upper"] <= wide["upper"])
    # The default is today's log-log band, lifelines' own.
    ref = lifelines_km(rossi["week"], rossi["arrest"])
    np.testing.assert_allclose(
        km.confidence_interval()["lower"], ref.confidence_interval_.iloc[:, 0], atol=1e-12
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda km: km.confidence_interval(confidence_type="logit"), 'unknown confidence type "logit"'),
        (
            lambda km: km.median_confidence_interval(confidence_type="arcsin"),
            'unknown confidence type "arcsin"',
        ),
        (lambda km: km.to_pandas(names="R"), 'unknown column names "R"'),
        (lambda km: km.quantile(1.5), "quantile probability 1.5 is outside 0 < p < 1"),
        (lambda km: km.quantile_confidence_interval(0.0), "quantile probability 0 is outside"),
        (lambda km: km.restricted_mean(-1.0), "restricted mean horizon -1 is outside 0 or more"),
        (lambda km: km.at_risk([1.0, -2.0]), "at-risk time -2 at position 1 is outside 0 or more"),
        (lambda km: km.median_confidence_interval(confidence=1.2), "confidence level 1.2"),
    ],
)
def test_bad_input_is_a_cs_error_naming_the_value(call: Any, message: str) -> None:
    km = cs.kaplan_meier([1.0, 2.0, 3.0], [True, False, True])
    with pytest.raises(cs.CsError, match=re.escape(message)):
        call(km)
