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


BENCHES: dict[str, Callable[[int, int], None]] = {"nps": bench_nps, "risk": bench_risk}


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
