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


BENCHES: dict[str, Callable[[int, int], None]] = {"nps": bench_nps}


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
