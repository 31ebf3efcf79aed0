"""The Python comparison benchmarks: cs-core from Python against numpy, pandas and polars.

Run from the repository root after ``scripts/test.sh`` (which builds the extension into .venv)
or, for release numbers, after ``cd cs-python && maturin develop --release``:

    .venv/bin/python benches/compare.py [--rows 10000000] [--only nps]

Each benchmark prints the best of ``--repeat`` runs. Not part of the test suite: performance
targets live here and in the criterion benches, never in timed unit tests.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

import cs_core as cs


def best_of(repeat: int, fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def report(name: str, rows: int, results: dict[str, float]) -> None:
    base = results[next(iter(results))]
    print(f"\n{name} ({rows:,} rows)")
    for label, seconds in results.items():
        rate = rows / seconds / 1e6
        print(f"  {label:<34} {seconds * 1e3:9.1f} ms  {rate:8.1f} M rows/s  x{seconds / base:5.2f}")


def bench_nps(rows: int, repeat: int) -> None:
    rng = np.random.default_rng(1)
    answers = rng.integers(0, 11, size=rows, dtype=np.uint8)
    series = pd.Series(answers)
    frame = pl.DataFrame({"score": answers})

    def numpy_nps() -> float:
        counts = np.bincount(answers, minlength=11)
        if counts[11:].any():
            raise ValueError("out of range")
        return 100.0 * (counts[9:].sum() - counts[:7].sum()) / answers.size

    def pandas_nps() -> float:
        cat = pd.cut(series, [-1, 6, 8, 10], labels=["d", "p", "P"]).value_counts()
        return 100.0 * (cat["P"] - cat["d"]) / len(series)

    def polars_nps() -> float:
        out = frame.select(
            ((pl.col("score") >= 9).mean() - (pl.col("score") <= 6).mean()).alias("nps") * 100.0
        )
        return float(out.item())

    assert abs(numpy_nps() - cs.nps(answers).score) < 1e-9
    assert abs(polars_nps() - cs.nps(answers).score) < 1e-9
    report(
        "NPS of uint8 answers",
        rows,
        {
            "cs.nps (numpy, zero-copy)": best_of(repeat, lambda: cs.nps(answers)),
            "numpy bincount": best_of(repeat, numpy_nps),
            "polars expressions": best_of(repeat, polars_nps),
            "pandas cut + value_counts": best_of(max(1, repeat // 3), pandas_nps),
        },
    )


def bench_kaplan_meier(rows: int, repeat: int) -> None:
    """Kaplan-Meier of whole-day tenures (the counting path) and of fractional tenures (the
    sorting path) against lifelines' KaplanMeierFitter, which sorts and groups with pandas.
    Both sides compute the curve and its 95 % exponential Greenwood band (lifelines at fit
    time, cs-core on ``confidence_interval()``)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from lifelines import KaplanMeierFitter

    rng = np.random.default_rng(2)
    days = np.floor(rng.exponential(700.0, rows))
    months = np.round(days / 30.4 + rng.random(rows), 6)
    observed = rng.random(rows) < 0.4

    def lifelines_km(d: np.ndarray) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return KaplanMeierFitter().fit(d, observed)

    for label, d in (("whole days", days), ("fractional months", months)):
        ref = lifelines_km(d)
        km = cs.kaplan_meier(d, observed)
        assert np.abs(km.survival - ref.survival_function_.to_numpy()[:, 0]).max() < 1e-9
        report(
            f"Kaplan-Meier with 95% band, {label}",
            rows,
            {
                "cs.kaplan_meier + confidence_interval": best_of(
                    repeat, lambda d=d: cs.kaplan_meier(d, observed).confidence_interval()
                ),
                "lifelines KaplanMeierFitter.fit": best_of(max(1, repeat // 3), lambda d=d: lifelines_km(d)),
            },
        )


def bench_auc(rows: int, repeat: int) -> None:
    """ROC AUC of float scores (with ties) against scikit-learn's roc_auc_score."""
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(3)
    scores = np.round(rng.random(rows), 4)
    churned = rng.random(rows) < scores * 0.4
    assert abs(cs.roc_auc(scores, churned) - roc_auc_score(churned, scores)) < 1e-12
    report(
        "ROC AUC, float64 scores with ties",
        rows,
        {
            "cs.roc_auc (numpy, zero-copy)": best_of(repeat, lambda: cs.roc_auc(scores, churned)),
            "sklearn roc_auc_score": best_of(max(1, repeat // 3), lambda: roc_auc_score(churned, scores)),
        },
    )


# --- health ---------------------------------------------------------------------------------
# The default scorecard (cs.Scorecard.default()) written out by hand, vectorised: groups Adoption
# 35, Support 20, Sentiment 25, Engagement 20; NPS valid 365 days; a missing or stale NPS
# renormalises its group's share over the other groups; the driver loses the most points.
HEALTH_DAY = np.datetime64("2026-06-30")
SHARES = {"adoption": 0.35, "support": 0.2, "sentiment": 0.25, "engagement": 0.2}
IN_GROUP = {
    "licence_utilisation": ("adoption", 0.6),
    "logins_per_user": ("adoption", 0.4),
    "high_priority_tickets": ("support", 0.6),
    "open_tickets": ("support", 0.4),
    "nps": ("sentiment", 1.0),
    "days_since_last_touch": ("engagement", 0.6),
    "executive_sponsor": ("engagement", 0.4),
}
MEASURES = list(IN_GROUP)


def health_inputs(rows: int) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    table = cs.synthetic_portfolio(rows, seed=42, as_of=HEALTH_DAY)
    # Measures as float64 (borrowed by cs without a copy), NPS with nulls, dates as date32.
    cols = {m: pc.cast(table.column(m), pa.float64()) for m in MEASURES if m != "executive_sponsor"}
    cols["executive_sponsor"] = table.column("executive_sponsor")
    cols["nps_date"] = table.column("nps_date")
    return pa.table(cols).combine_chunks()


def numpy_health(a: dict[str, np.ndarray], nps_valid: np.ndarray) -> tuple[np.ndarray, ...]:
    s = {
        "licence_utilisation": np.clip(100 * (a["licence_utilisation"] - 0.2) / 0.7, 0, 100),
        "logins_per_user": np.interp(a["logins_per_user"], [0, 4, 12, 20], [0, 50, 85, 100]),
        "high_priority_tickets": np.array([100.0, 60.0, 30.0, 0.0])[
            np.searchsorted([1.0, 2.0, 4.0], a["high_priority_tickets"], side="right")
        ],
        "open_tickets": np.clip(100 * (12 - a["open_tickets"]) / 12, 0, 100),
        "nps": np.interp(a["nps"], [0, 6, 8, 10], [0, 30, 70, 100]),
        "days_since_last_touch": np.clip(100 * (120 - a["days_since_last_touch"]) / 106, 0, 100),
        "executive_sponsor": np.where(a["executive_sponsor"], 100.0, 30.0),
    }
    fresh = nps_valid & ((HEALTH_DAY - a["nps_date"]).astype(np.int64) <= 365)
    present = np.where(fresh, 1.0, 0.75)
    lost = np.empty((len(MEASURES), len(present)))
    score = np.zeros(len(present))
    for k, m in enumerate(MEASURES):
        group, share = IN_GROUP[m]
        w = share * (SHARES[group] / present)
        if m == "nps":
            w = np.where(fresh, w, 0.0)
        score += w * np.where(w > 0, s[m], 0.0)
        lost[k] = w * (100 - s[m])
    score = np.clip(score, 0, 100)
    band = np.searchsorted([50.0, 75.0], score, side="left")
    driver = np.where(lost.max(axis=0) > 0, np.argmax(lost, axis=0), -1)  # -1: nothing lost
    coverage = np.where(fresh, 1.0, 0.75)
    return score, band, coverage, driver


def polars_health(frame: pl.DataFrame) -> pl.DataFrame:
    c = pl.col

    def interp(x: pl.Expr, xs: list[float], ys: list[float]) -> pl.Expr:
        expr = pl.when(x <= xs[0]).then(pl.lit(ys[0]))
        for k in range(1, len(xs)):
            x0, y0, x1, y1 = xs[k - 1], ys[k - 1], xs[k], ys[k]
            expr = expr.when(x <= x1).then(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
        return expr.otherwise(pl.lit(ys[-1]))

    s = {
        "licence_utilisation": (100 * (c("licence_utilisation") - 0.2) / 0.7).clip(0, 100),
        "logins_per_user": interp(c("logins_per_user"), [0, 4, 12, 20], [0, 50, 85, 100]),
        "high_priority_tickets": pl.when(c("high_priority_tickets") < 1)
        .then(100.0)
        .when(c("high_priority_tickets") < 2)
        .then(60.0)
        .when(c("high_priority_tickets") < 4)
        .then(30.0)
        .otherwise(0.0),
        "open_tickets": (100 * (12 - c("open_tickets")) / 12).clip(0, 100),
        "nps": interp(c("nps"), [0, 6, 8, 10], [0, 30, 70, 100]),
        "days_since_last_touch": (100 * (120 - c("days_since_last_touch")) / 106).clip(0, 100),
        "executive_sponsor": pl.when(c("executive_sponsor")).then(100.0).otherwise(30.0),
    }
    age = (pl.lit(HEALTH_DAY).cast(pl.Date) - c("nps_date")).dt.total_days()
    fresh = c("nps").is_not_null() & (age <= 365)
    present = pl.when(fresh).then(1.0).otherwise(0.75)
    weights = {}
    for m in MEASURES:
        group, share = IN_GROUP[m]
        w = share * (SHARES[group] / present)
        weights[m] = pl.when(fresh).then(w).otherwise(0.0) if m == "nps" else w
    points = [weights[m] * s[m].fill_null(0.0) for m in MEASURES]
    lost = [weights[m] * (100 - s[m].fill_null(0.0)) for m in MEASURES]
    score = pl.sum_horizontal(points).clip(0, 100)
    return frame.select(
        score.alias("score"),
        pl.when(score <= 50).then(0).when(score <= 75).then(1).otherwise(2).alias("band"),
        pl.when(fresh).then(1.0).otherwise(0.75).alias("coverage"),
        pl.when(pl.max_horizontal(lost) > 0).then(pl.concat_list(lost).list.arg_max()).alias("driver"),
    )


def health_case(card: cs.Scorecard, n: int, repeat: int) -> None:
    table = health_inputs(n)
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    pandas_frame = table.to_pandas()
    nps_valid = table.column("nps").is_valid().to_numpy(zero_copy_only=False)
    arrays = {m: table.column(m).to_numpy(zero_copy_only=False) for m in MEASURES}
    arrays["nps"] = np.nan_to_num(arrays["nps"])
    dates = table.column("nps_date").to_numpy(zero_copy_only=False).astype("datetime64[D]")
    arrays["nps_date"] = np.where(nps_valid, dates, HEALTH_DAY)
    day = "2026-06-30"

    # The three implementations agree before they are timed.
    ours = card.score(table, as_of=day)
    score, band, _, driver = numpy_health(arrays, nps_valid)
    assert np.allclose(ours.column("score").to_numpy(), score, rtol=0, atol=1e-9)
    as_text = lambda name: ours.column(name).cast("string").to_numpy(zero_copy_only=False).astype(str)  # noqa: E731
    assert (as_text("band") == np.array(card.band_names)[band]).mean() > 0.9999
    # Drivers may differ on near-ties (8.0 vs 7.999999999999998 points lost: rounding order).
    assert (as_text("driver") == np.array([*MEASURES, "None"])[driver]).mean() > 0.999
    assert np.allclose(polars_health(frame)["score"].to_numpy(), score, rtol=0, atol=1e-9)

    report(
        "health: default scorecard, 7 measures (8 columns)",
        n,
        {
            "cs Scorecard.score (pyarrow)": best_of(repeat, lambda: card.score(table, as_of=day)),
            "cs Scorecard.score (polars)": best_of(repeat, lambda: card.score(frame, as_of=day)),
            "cs Scorecard.score (pandas)": best_of(repeat, lambda: card.score(pandas_frame, as_of=day)),
            "polars expressions": best_of(repeat, lambda: polars_health(frame)),
            "numpy vectorised": best_of(repeat, lambda: numpy_health(arrays, nps_valid)),
        },
    )


def bench_health(rows: int, repeat: int) -> None:
    card = cs.Scorecard.default()
    for n in sorted({min(rows, 1_000_000), rows}):
        health_case(card, n, repeat)


def risk_inputs(rows: int, seed: int) -> dict[str, np.ndarray]:
    """Risk inputs of a portfolio: health, NPS category, utilisation, cases, contact, days."""
    rng = np.random.default_rng(seed)
    health = rng.normal(65, 18, rows).clip(0, 100)
    health[rng.uniform(size=rows) < 0.05] = np.nan  # unknown for 5 % of accounts
    return {
        "health_score": health,
        "nps_category": rng.integers(0, 3, rows).astype(np.float64),
        "utilisation": rng.uniform(0, 1.2, rows),
        "open_high_priority_cases": rng.poisson(0.6, rows).astype(np.float64),
        "contact_confirmed": (rng.uniform(size=rows) < 0.7).astype(np.float64),
        "days_to_renewal": rng.integers(0, 365, rows).astype(np.float64),
    }


def numpy_risk(model: cs.RiskModel, cols: dict[str, np.ndarray], k: int) -> tuple[np.ndarray, np.ndarray]:
    """The model in numpy: standardised contributions, logistic risk, tiers and top-k reasons."""
    n = len(next(iter(cols.values())))
    contrib = np.empty((n, len(model.factors)))
    for j, f in enumerate(model.factors):
        x = cols[f["input"]]
        t = f["transform"]
        kind = t["kind"]
        if kind == "clamp":
            v = np.clip(x, t["min"], t["max"])
        elif kind == "equals":
            v = (x == t["value"]).astype(np.float64)
        elif kind == "log1p":
            v = np.log1p(np.maximum(x, 0.0))
        else:
            v = x.copy()
        missing = f.get("missing")
        v[np.isnan(x)] = f["center"] if missing is None else missing
        contrib[:, j] = f["coefficient"] * (v - f["center"]) / f["scale"]
    z = model.intercept + contrib.sum(axis=1)
    risk = 1.0 / (1.0 + np.exp(-z))
    tiers = model.tiers
    tier = np.searchsorted([tiers["medium"], tiers["high"], tiers["critical"]], risk, side="right")
    top = np.argsort(-contrib, axis=1, kind="stable")[:, :k]
    top_values = np.take_along_axis(contrib, top, axis=1)
    top[top_values <= 0] = -1
    return risk, np.stack([tier, *top.T])


def bench_risk(rows: int, repeat: int) -> None:
    """Scoring ``rows`` accounts (cs vs numpy) and a fit on ``rows // 10`` past renewals
    (cs vs scikit-learn's LogisticRegression on the same design matrix)."""
    from sklearn.linear_model import LogisticRegression

    cols = risk_inputs(rows, seed=5)
    table = pa.table(cols)  # zero-copy over the numpy buffers
    model, _ = cs.RiskModel.default().restricted_to(table)
    scored = model.score(table)
    risk, _ = numpy_risk(model, cols, model.reason_count)
    assert np.allclose(scored.column("risk").to_numpy(), risk, rtol=0, atol=1e-12)
    report(
        f"Risk scoring, {len(model.factors)} factors, tier and {model.reason_count} reason codes",
        rows,
        {
            "RiskModel.score (pyarrow, zero-copy)": best_of(repeat, lambda: model.score(table)),
            "numpy (vectorised, argsort reasons)": best_of(
                max(1, repeat // 2), lambda: numpy_risk(model, cols, 3)
            ),
        },
    )

    n = max(rows // 10, 1000)
    hist = risk_inputs(n, seed=6)
    rng = np.random.default_rng(7)
    z = -1.8 - 0.04 * (np.nan_to_num(hist["health_score"], nan=65) - 65) - (hist["utilisation"] - 0.8)
    z += (
        0.3 * hist["open_high_priority_cases"]
        - 0.6 * hist["contact_confirmed"]
        + 0.7 * (hist["nps_category"] == 0)
    )
    hist["churned"] = rng.uniform(size=n) < 1 / (1 + np.exp(-z))
    history = pa.table(hist)
    fitted = cs.RiskModel.fit(history, C=1.0, drop_missing=True)
    x = fitted.design_matrix(history)
    y = hist["churned"]

    def sklearn_fit() -> LogisticRegression:
        return LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000).fit(x, y)

    sk = sklearn_fit()
    gap = float(np.abs(np.array([b for _, b in fitted.coefficients]) - sk.coef_[0]).max())
    print(f"\n(fit: max |coefficient difference| vs scikit-learn = {gap:.1e}; {fitted.fit_report})")
    report(
        f"Risk model fit, L2 (C=1), {len(fitted.factors)} factors + intercept",
        n,
        {
            "RiskModel.fit (Newton, from the table)": best_of(
                max(1, repeat // 2), lambda: cs.RiskModel.fit(history, C=1.0, drop_missing=True)
            ),
            "sklearn lbfgs tol=1e-10 (matrix given)": best_of(1, sklearn_fit),
            "sklearn lbfgs default tol (matrix given)": best_of(
                1, lambda: LogisticRegression(C=1.0).fit(x, y)
            ),
        },
    )


BENCHES: dict[str, Callable[[int, int], None]] = {
    "nps": bench_nps,
    "health": bench_health,
    "kaplan_meier": bench_kaplan_meier,
    "auc": bench_auc,
    "risk": bench_risk,
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=sorted(BENCHES), action="append")
    args = parser.parse_args()
    for name in args.only or list(BENCHES):
        BENCHES[name](args.rows, args.repeat)


if __name__ == "__main__":
    main()
