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


BENCHES: dict[str, Callable[[int, int], None]] = {
    "nps": bench_nps,
    "kaplan_meier": bench_kaplan_meier,
    "auc": bench_auc,
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
