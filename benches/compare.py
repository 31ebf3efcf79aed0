"""cs-core from Python against the best-written peer in each tool, side by side in one run.

Every peer is written the way an expert in that tool would write it: polars lazy with staged
columns, DuckDB SQL over the same Arrow table (no copy: DuckDB scans the pyarrow table in
place), vectorised numpy, and the reference libraries (lifelines, scikit-learn). Each peer's
result is checked equal to cs-core's before it is timed. Each benchmark also has its floor:
memory bandwidth for scans (a streaming pass over the same bytes), a sort for sorting paths.

Run from the repository root after a release build of the extension
(``cd cs-python && maturin develop --release``) and, for ``health`` and ``cli``, of the
Rust side (``cargo build --release -p cs-cli -p cs-benches --examples``):

    python benches/compare.py [--rows 10000000] [--only health] [--repeat 5]

One table of ratios is printed at the end: "x" is peer time / cs time (above 1: cs faster),
"peak MB" the peak resident memory a call adds (sampled in a run of its own, not a timed one).
Not part of the test suite: performance goals live here and in BENCHMARKS.md, never in timed
unit tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

import cs_core as cs

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release"


# --- timing, memory and the table -------------------------------------------------------------


@dataclass
class Line:
    """One row of the final table."""

    bench: str
    rows: int
    label: str
    ms: float
    peak_mb: float | None
    base_ms: float | None  # cs-core's time in the same benchmark (None: this is cs-core)
    note: str = ""


LINES: list[Line] = []


def best_of(repeat: int, fn: Callable[[], Any]) -> float:
    """Best wall time of ``repeat`` calls, in milliseconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times) * 1e3


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_mb(fn: Callable[[], Any]) -> float:
    """Peak resident memory added by one call of ``fn`` (its result included), sampled every
    millisecond by a thread (the call runs without the GIL in every library measured here)."""
    before = rss_bytes()
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_bytes())
            time.sleep(0.001)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        result = fn()
        peak = max(peak, rss_bytes())
    finally:
        done.set()
        sampler.join()
    del result
    return (peak - before) / 1e6


def measure(
    bench: str, rows: int, label: str, fn: Callable[[], Any], repeat: int, base: float | None, note: str = ""
) -> float:
    """Times ``fn`` (best of ``repeat``) and records its peak memory in a separate call."""
    mb = peak_mb(fn)
    ms = best_of(repeat, fn)
    LINES.append(Line(bench, rows, label, ms, mb, base, note))
    print(f"  {bench:<12} {rows:>12,} {label:<52} {ms:10.1f} ms  {mb:8.0f} MB", flush=True)
    return ms


def record(
    bench: str, rows: int, label: str, ms: float, base: float | None, mb: float | None = None, note: str = ""
) -> None:
    LINES.append(Line(bench, rows, label, ms, mb, base, note))
    print(f"  {bench:<12} {rows:>12,} {label:<52} {ms:10.1f} ms", flush=True)


def print_table() -> None:
    print("\n| benchmark | rows | implementation | time (ms) | peak MB | peer / cs |")
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    for x in LINES:
        ratio = "**1**" if x.base_ms is None else f"{x.ms / x.base_ms:.2f}x"
        ratio = "" if x.label.startswith("for reference") else ratio
        mb = "" if x.peak_mb is None else f"{x.peak_mb:,.0f}"
        label = x.label + (f" ({x.note})" if x.note else "")
        print(f"| {x.bench} | {x.rows:,} | {label} | {x.ms:,.1f} | {mb} | {ratio} |")


def two_threads(fn: Callable[[slice], Any], n: int, threads: int = 2) -> list[Any]:
    """``fn`` over ``threads`` contiguous row ranges in parallel (numpy releases the GIL)."""
    step = -(-n // threads)
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(fn, [slice(k, min(k + step, n)) for k in range(0, n, step)]))


def stream_floor(buffers: list[np.ndarray], out_bytes: int, threads: int) -> int:
    """The bandwidth floor of a scan: reads every byte of ``buffers`` once (summed as 64-bit
    words) and writes ``out_bytes`` bytes into fresh memory, over ``threads`` threads."""
    words = [b[: b.size // 8 * 8].view(np.uint64) for b in buffers]
    out = np.empty(out_bytes // 8, dtype=np.uint64)

    def part(rows: slice, total: int) -> int:
        s = 0
        for w in words:
            k = w.size * rows.start // total, w.size * rows.stop // total
            s += int(np.add.reduce(w[k[0] : k[1]]))
        k = out.size * rows.start // total, out.size * rows.stop // total
        out[k[0] : k[1]] = 1
        return s

    total = 1 << 20
    return sum(two_threads(lambda r: part(r, total), total, threads))


def arrow_buffers(table: pa.Table) -> list[np.ndarray]:
    """Every buffer (validity and values) of every column of a single-chunk table, as bytes."""
    out = []
    for col in table.columns:
        for chunk in col.chunks:
            for buf in chunk.buffers():
                if buf is not None:
                    out.append(np.frombuffer(buf, dtype=np.uint8))
    return out


# --- health ---------------------------------------------------------------------------------
# The default scorecard (cs.Scorecard.default()) written out in each tool: groups Adoption 35,
# Support 20, Sentiment 25, Engagement 20; NPS valid 365 days; a missing or stale NPS
# renormalises its group's share over the other groups (present share 0.75, coverage 0.75);
# the driver is the first measure losing strictly the most points, none when nothing is lost.
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
PIECEWISE = {
    "logins_per_user": ([0.0, 4.0, 12.0, 20.0], [0.0, 50.0, 85.0, 100.0]),
    "nps": ([0.0, 6.0, 8.0, 10.0], [0.0, 30.0, 70.0, 100.0]),
}


def health_inputs(rows: int) -> pa.Table:
    table = cs.synthetic_portfolio(rows, seed=42, as_of=HEALTH_DAY)
    # Measures as float64 (borrowed by cs without a copy), NPS with nulls, dates as date32.
    cols = {m: pc.cast(table.column(m), pa.float64()) for m in MEASURES if m != "executive_sponsor"}
    cols["executive_sponsor"] = table.column("executive_sponsor")
    cols["nps_date"] = table.column("nps_date")
    return pa.table(cols).combine_chunks()


def np_piecewise(x: np.ndarray, xs: list[float], ys: list[float]) -> np.ndarray:
    """cs-core's piecewise rule: segment (i - 1, i) for the count i of points at or below x,
    ``y0 + (y1 - y0) (x - x0) / (x1 - x0)``, flat outside."""
    i = np.clip(np.searchsorted(xs, x, side="right"), 1, len(xs) - 1)
    x0, y0, x1, y1 = (np.asarray(v)[j] for v, j in ((xs, i - 1), (ys, i - 1), (xs, i), (ys, i)))
    inside = y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return np.where(x <= xs[0], ys[0], np.where(x >= xs[-1], ys[-1], inside))


def numpy_health(
    a: dict[str, np.ndarray], nps_valid: np.ndarray, with_lost: bool = False
) -> tuple[np.ndarray, ...]:
    """Vectorised numpy: one array per measure score, weights per presence, a stacked arg-max."""
    s = {
        "licence_utilisation": 100 * np.clip((a["licence_utilisation"] - 0.2) / (0.9 - 0.2), 0, 1),
        "logins_per_user": np_piecewise(a["logins_per_user"], *PIECEWISE["logins_per_user"]),
        "high_priority_tickets": np.array([100.0, 60.0, 30.0, 0.0])[
            np.searchsorted([1.0, 2.0, 4.0], a["high_priority_tickets"], side="right")
        ],
        "open_tickets": 100 * (1 - np.clip(a["open_tickets"] / 12.0, 0, 1)),
        "nps": np_piecewise(a["nps"], *PIECEWISE["nps"]),
        "days_since_last_touch": 100
        * (1 - np.clip((a["days_since_last_touch"] - 14.0) / (120.0 - 14.0), 0, 1)),
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
    return (score, band, present, driver, lost) if with_lost else (score, band, present, driver)


def polars_health(frame: pl.DataFrame) -> pl.DataFrame:
    """Polars, lazy, in stages: measure scores, then effective weights, then points and points
    lost, then score, band, coverage and the driver (arg-max by when/then over the points lost,
    first strict maximum as cs-core). Bands and drivers are integer codes (cheaper than cs's
    dictionary columns)."""
    c = pl.col

    def interp(x: pl.Expr, xs: list[float], ys: list[float]) -> pl.Expr:
        expr = pl.when(x <= xs[0]).then(pl.lit(ys[0]))
        for k in range(1, len(xs)):
            x0, y0, x1, y1 = xs[k - 1], ys[k - 1], xs[k], ys[k]
            expr = expr.when(x < x1).then(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
        return expr.otherwise(pl.lit(ys[-1]))

    hpt = c("high_priority_tickets")
    scores = {
        "licence_utilisation": 100 * ((c("licence_utilisation") - 0.2) / (0.9 - 0.2)).clip(0, 1),
        "logins_per_user": interp(c("logins_per_user"), *PIECEWISE["logins_per_user"]),
        "high_priority_tickets": pl.when(hpt < 1)
        .then(100.0)
        .when(hpt < 2)
        .then(60.0)
        .when(hpt < 4)
        .then(30.0)
        .otherwise(0.0),
        "open_tickets": 100 * (1 - (c("open_tickets") / 12.0).clip(0, 1)),
        "nps": interp(c("nps"), *PIECEWISE["nps"]).fill_null(0.0),
        "days_since_last_touch": 100
        * (1 - ((c("days_since_last_touch") - 14.0) / (120.0 - 14.0)).clip(0, 1)),
        "executive_sponsor": pl.when(c("executive_sponsor")).then(100.0).otherwise(30.0),
    }
    age = (pl.lit(HEALTH_DAY).cast(pl.Date) - c("nps_date")).dt.total_days()
    fresh = (c("nps").is_not_null() & (age <= 365)).fill_null(False)
    weights = {}
    for m in MEASURES:
        group, share = IN_GROUP[m]
        w = share * (SHARES[group] / c("_present"))
        weights[f"w_{m}"] = pl.when(c("_fresh")).then(w).otherwise(0.0) if m == "nps" else w
    lost = [c(f"w_{m}") * (100 - c(f"s_{m}")) for m in MEASURES]
    driver = pl.when(c("_most") <= 0).then(None)
    for k in range(len(MEASURES)):
        driver = driver.when(c(f"l_{k}") == c("_most")).then(pl.lit(k, pl.UInt16))
    return (
        frame.lazy()
        .with_columns(_fresh=fresh, **{f"s_{m}": e for m, e in scores.items()})
        .with_columns(_present=pl.when(c("_fresh")).then(1.0).otherwise(0.75))
        .with_columns(**weights)
        .with_columns(
            _total=pl.sum_horizontal([c(f"w_{m}") * c(f"s_{m}") for m in MEASURES]),
            **{f"l_{k}": e for k, e in enumerate(lost)},
        )
        .with_columns(
            score=c("_total").clip(0, 100),
            _most=pl.max_horizontal([c(f"l_{k}") for k in range(len(MEASURES))]),
        )
        .select(
            "score",
            band=pl.when(c("score") <= 50)
            .then(pl.lit(0, pl.UInt8))
            .when(c("score") <= 75)
            .then(pl.lit(1, pl.UInt8))
            .otherwise(pl.lit(2, pl.UInt8)),
            coverage=c("_present"),
            driver=driver,
        )
        .collect()
    )


def duckdb_health(tbl: pa.Table) -> pa.Table:
    """DuckDB SQL over the pyarrow table in place (replacement scan of the local ``tbl``), in
    CTE stages like the polars version; Arrow out."""

    def interp(x: str, xs: list[float], ys: list[float]) -> str:
        cases = [f"WHEN {x} <= {xs[0]} THEN {ys[0]}"]
        for k in range(1, len(xs)):
            x0, y0, x1, y1 = xs[k - 1], ys[k - 1], xs[k], ys[k]
            cases.append(f"WHEN {x} < {x1} THEN {y0} + {y1 - y0} * ({x} - {x0}) / {x1 - x0}")
        return f"CASE {' '.join(cases)} ELSE {ys[-1]} END"

    def clip01(e: str) -> str:
        return f"least(greatest({e}, 0.0), 1.0)"

    s = {
        "licence_utilisation": f"100 * {clip01(f'(licence_utilisation - 0.2) / {0.9 - 0.2!r}')}",
        "logins_per_user": interp("logins_per_user", *PIECEWISE["logins_per_user"]),
        "high_priority_tickets": "CASE WHEN high_priority_tickets < 1 THEN 100.0 "
        "WHEN high_priority_tickets < 2 THEN 60.0 WHEN high_priority_tickets < 4 THEN 30.0 ELSE 0.0 END",
        "open_tickets": f"100 * (1 - {clip01('open_tickets / 12.0')})",
        "nps": f"coalesce({interp('nps', *PIECEWISE['nps'])}, 0.0)",
        "days_since_last_touch": f"100 * (1 - {clip01('(days_since_last_touch - 14.0) / 106.0')})",
        "executive_sponsor": "CASE WHEN executive_sponsor THEN 100.0 ELSE 30.0 END",
    }
    w = {}
    for m in MEASURES:
        group, share = IN_GROUP[m]
        expr = f"{share} * ({SHARES[group]} / present)"
        w[m] = f"CASE WHEN fresh THEN {expr} ELSE 0.0 END" if m == "nps" else expr
    k = range(len(MEASURES))
    sql = f"""
    WITH s AS (
      SELECT {", ".join(f"{e} AS s_{m}" for m, e in s.items())},
             coalesce(nps IS NOT NULL AND DATE '2026-06-30' - nps_date <= 365, false) AS fresh
      FROM tbl),
    p AS (SELECT *, CASE WHEN fresh THEN 1.0 ELSE 0.75 END AS present FROM s),
    w AS (SELECT *, {", ".join(f"{e} AS w_{m}" for m, e in w.items())} FROM p),
    l AS (SELECT present, {" + ".join(f"w_{m} * s_{m}" for m in MEASURES)} AS total,
                 {", ".join(f"w_{m} * (100 - s_{m}) AS l_{i}" for i, m in enumerate(MEASURES))} FROM w),
    m AS (SELECT *, least(greatest(total, 0), 100) AS score,
                 greatest({", ".join(f"l_{i}" for i in k)}) AS most FROM l)
    SELECT score,
           CAST(CASE WHEN score <= 50 THEN 0 WHEN score <= 75 THEN 1 ELSE 2 END AS UTINYINT) AS band,
           present AS coverage,
           CAST(CASE WHEN most <= 0 THEN NULL {" ".join(f"WHEN l_{i} = most THEN {i}" for i in k)} END
                AS USMALLINT) AS driver
    FROM m"""
    return duckdb.sql(sql).to_arrow_table()


def check_health(
    card: cs.Scorecard,
    ours: pa.Table,
    ties: np.ndarray,
    score: Any,
    band: Any,
    coverage: Any,
    driver: Any,
    who: str,
) -> None:
    """A peer equals cs-core: scores to 1e-9 (polars divides by a constant as a multiplication
    by its reciprocal, so its last bits may differ), coverage exactly, bands and drivers exactly
    except where a score sits within 1e-9 of a band edge or two measures lose points within
    1e-9 of each other (``ties``: a rounding tie)."""
    ref = ours.column("score").to_numpy(zero_copy_only=False)
    score = np.asarray(score, dtype=np.float64)
    assert np.abs(ref - score).max() <= 1e-9, f"{who}: score"
    assert (ours.column("coverage").to_numpy() == np.asarray(coverage)).all(), f"{who}: coverage"
    band_names = np.array(card.band_names)
    ours_band = ours.column("band").cast(pa.string()).to_numpy(zero_copy_only=False)
    near_edge = (np.abs(ref - 50) < 1e-9) | (np.abs(ref - 75) < 1e-9)
    same = ours_band == band_names[np.asarray(band, dtype=np.int64)]
    assert (same | near_edge).all(), f"{who}: band ({(~same).sum()} differ)"
    names = np.array([*MEASURES, None], dtype=object)
    driver = np.array(pa.array(driver).fill_null(len(MEASURES)), dtype=np.int64)
    driver[driver < 0] = len(MEASURES)
    ours_driver = ours.column("driver").cast(pa.string()).to_numpy(zero_copy_only=False)
    differ = ours_driver != names[driver]
    assert not (differ & ~ties).any(), f"{who}: driver ({(differ & ~ties).sum()} differ)"
    exact = int((ref != score).sum())
    print(
        f"  (checked: {who} equals cs-core; scores not bit-equal: {exact}, drivers differing: {differ.sum()})"
    )


def health_case(card: cs.Scorecard, n: int, repeat: int, rust: dict[str, Any] | None) -> None:
    table = health_inputs(n)
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    nps_valid = table.column("nps").is_valid().to_numpy(zero_copy_only=False)
    arrays = {m: table.column(m).to_numpy(zero_copy_only=False) for m in MEASURES}
    arrays["nps"] = np.nan_to_num(arrays["nps"])
    dates = table.column("nps_date").to_numpy(zero_copy_only=False).astype("datetime64[D]")
    arrays["nps_date"] = np.where(nps_valid, dates, HEALTH_DAY)
    day = "2026-06-30"

    ours = card.score(table, as_of=day)
    *result, lost = numpy_health(arrays, nps_valid, with_lost=True)
    top2 = -np.partition(-lost, 1, axis=0)[:2]
    ties = (top2[0] - top2[1]) <= 1e-9
    check_health(card, ours, ties, *result, who="numpy")
    p = polars_health(frame)
    check_health(card, ours, ties, p["score"], p["band"], p["coverage"], p["driver"].to_arrow(), who="polars")
    d = duckdb_health(table)
    check_health(
        card,
        ours,
        ties,
        d.column("score"),
        d.column("band"),
        d.column("coverage"),
        d.column("driver"),
        who="duckdb",
    )

    bench = "health"
    base = measure(
        bench,
        n,
        "cs Scorecard.score (pyarrow in and out)",
        lambda: card.score(table, as_of=day),
        repeat,
        None,
    )
    measure(
        bench, n, "cs Scorecard.score (polars in and out)", lambda: card.score(frame, as_of=day), repeat, base
    )
    measure(bench, n, "polars lazy, staged, when/then driver", lambda: polars_health(frame), repeat, base)
    measure(bench, n, "DuckDB SQL over the Arrow table", lambda: duckdb_health(table), repeat, base)
    measure(bench, n, "numpy vectorised", lambda: numpy_health(arrays, nps_valid), repeat, base)
    out_bytes = sum(
        b.size
        for name in ("score", "band", "coverage", "driver")
        for b in ours.column(name).chunks[0].buffers()
        if b is not None
    )
    buffers = arrow_buffers(table)
    in_mb = sum(b.size for b in buffers) / 1e6
    for threads in (1, 2):
        measure(
            bench,
            n,
            f"floor: numpy streaming pass, {threads} thread{'s' * (threads > 1)}",
            lambda t=threads: stream_floor(buffers, out_bytes, t),
            repeat,
            base,
            note=f"reads {in_mb:,.0f} MB, writes {out_bytes / 1e6:,.0f} MB",
        )
    if rust is not None and str(n) in rust:
        r = rust[str(n)]
        record(bench, n, f"Rust Scorecard::score_batch ({r['threads']} threads)", r["score_batch_ms"], base)
        record(bench, n, "Rust floor: parallel streaming pass (read + write)", r["floor_ms"], base)


def rust_health(sizes: list[int]) -> dict[str, Any] | None:
    exe = TARGET / "examples" / "health_rust"
    if not exe.exists():
        print(f"  ({exe} not built: cargo build --release -p cs-benches --examples)")
        return None
    out = subprocess.run([str(exe), *map(str, sizes)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def bench_health(rows: int, repeat: int) -> None:
    card = cs.Scorecard.default()
    sizes = sorted({min(rows, 1_000_000), rows})
    rust = rust_health(sizes)
    for n in sizes:
        health_case(card, n, repeat, rust)


# --- cs score end to end (command line) -------------------------------------------------------

POLARS_SCRIPT = r"""
import sys, polars as pl
sys.path.insert(0, sys.argv[4])
import compare
src, dst, mode = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "io":
    pl.read_parquet(src).write_parquet(dst)
    raise SystemExit
frame = pl.read_csv(src, try_parse_dates=True) if src.endswith(".csv") else pl.read_parquet(src)
scored = compare.polars_health(frame)
bands = pl.Series(["red", "amber", "green"])
names = pl.Series(compare.MEASURES)
out = frame.with_columns(
    score=scored["score"],
    band=bands.gather(scored["band"]),
    coverage=scored["coverage"],
    driver=names.gather(scored["driver"]),
)
(out.write_csv if dst.endswith(".csv") else out.write_parquet)(dst)
"""


def timed_process(args: list[str]) -> tuple[float, float]:
    """Wall time (ms) and peak resident memory (MB) of a child process."""
    t = time.perf_counter()
    res = subprocess.run(["/usr/bin/time", "-f", "%M", *args], check=True, capture_output=True, text=True)
    ms = (time.perf_counter() - t) * 1e3
    return ms, int(res.stderr.strip().splitlines()[-1]) / 1e3


def bench_cli(rows: int, repeat: int) -> None:
    """``cs score`` on a portfolio file (read, score, write) against polars read + the staged
    expressions + write in a process of its own, on CSV and Parquet; Parquet also against polars
    read_parquet + write_parquet alone (the I/O floor)."""
    exe = TARGET / "cs"
    if not exe.exists():
        print(f"  ({exe} not built: cargo build --release -p cs-cli)")
        return
    tmp = Path(tempfile.mkdtemp(prefix="cs-bench-"))
    try:
        _cli_runs(exe, tmp, rows, repeat)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _cli_runs(exe: Path, tmp: Path, rows: int, repeat: int) -> None:
    table = cs.synthetic_portfolio(rows, seed=42, as_of=HEALTH_DAY)
    decoded_mb = table.nbytes / 1e6
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    pacsv.write_csv(table, tmp / "in.csv")
    pq.write_table(table, tmp / "in.parquet", compression="snappy")
    day = "2026-06-30"
    for ext in ("csv", "parquet"):
        src, bench = tmp / f"in.{ext}", f"cs score {ext}"
        size = src.stat().st_size / 1e6
        cs_args = [str(exe), "score", str(src), "--as-of", day, "--output", str(tmp / f"cs.{ext}")]
        polars_args = [
            sys.executable,
            "-c",
            POLARS_SCRIPT,
            str(src),
            str(tmp / f"pl.{ext}"),
            "full",
            str(ROOT / "benches"),
        ]
        runs = {"cs": [], "polars": [], "io": []}
        for _ in range(max(1, repeat // 2)):
            runs["cs"].append(timed_process(cs_args))
            runs["polars"].append(timed_process(polars_args))
            if ext == "parquet":
                runs["io"].append(
                    timed_process([*polars_args[:4], str(tmp / "io.parquet"), "io", polars_args[-1]])
                )
        a = pl.read_csv(tmp / f"cs.{ext}") if ext == "csv" else pl.read_parquet(tmp / f"cs.{ext}")
        b = pl.read_csv(tmp / f"pl.{ext}") if ext == "csv" else pl.read_parquet(tmp / f"pl.{ext}")
        assert (a["score"] - b["score"]).abs().max() <= 1e-9, "cs score vs polars: score"  # type: ignore[operator]
        edge = ((a["score"] - 50).abs() < 1e-9) | ((a["score"] - 75).abs() < 1e-9)
        assert ((a["band"].cast(pl.String) == b["band"]) | edge).all(), "cs score vs polars: band"
        note = f"file {size:,.0f} MB, decoded {decoded_mb:,.0f} MB"
        cs_ms, cs_mb = min(runs["cs"])
        record(bench, rows, "cs score (read, score, write)", cs_ms, None, mb=cs_mb, note=note)
        ms, mb = min(runs["polars"])
        record(bench, rows, "polars read + staged expressions + write", ms, cs_ms, mb=mb)
        if runs["io"]:
            ms, mb = min(runs["io"])
            record(bench, rows, "polars read_parquet + write_parquet alone (I/O floor)", ms, cs_ms, mb=mb)
    start = [
        sys.executable,
        "-c",
        f"import sys; sys.path.insert(0, {str(ROOT / 'benches')!r}); import compare",
    ]
    ms, mb = min(timed_process(start) for _ in range(3))
    record(
        "cs score",
        rows,
        "for reference: python + import polars, duckdb, cs_core (in the polars times)",
        ms,
        None,
        mb=mb,
    )


# --- NPS by group -----------------------------------------------------------------------------


def nps_by_inputs(rows: int) -> pa.Table:
    """``rows`` answers over 10,000 accounts and 20 quarters (2021-2025)."""
    rng = np.random.default_rng(4)
    start = np.datetime64("2021-01-01").astype(np.int32)
    days = (np.datetime64("2026-01-01") - np.datetime64("2021-01-01")).astype(np.int32)
    return pa.table(
        {
            "account": rng.integers(0, 10_000, rows, dtype=np.int32),
            "date": pa.array(rng.integers(0, days, rows, dtype=np.int32) + start, pa.date32()),
            "score": rng.integers(0, 11, rows, dtype=np.uint8),
        }
    )


Z95 = 1.959963984540054  # Φ⁻¹(0.975)


def polars_nps_by(frame: pl.DataFrame) -> pl.DataFrame:
    c = pl.col
    n = c("responses").cast(pl.Float64)
    p, d = c("promoters") / n, c("detractors") / n
    return (
        frame.lazy()
        .group_by("account", period_start=c("date").dt.truncate("1q"))
        .agg(
            responses=pl.len(),
            promoters=(c("score") >= 9).sum(),
            detractors=(c("score") <= 6).sum(),
        )
        .with_columns(nps=100 * (p - d), se=100 * ((p + d - (p - d) ** 2).clip(0, None) / n).sqrt())
        .with_columns(
            ci_low=(c("nps") - Z95 * c("se")).clip(-100, None),
            ci_high=(c("nps") + Z95 * c("se")).clip(None, 100),
        )
        .sort("account", "period_start")
        .collect()
    )


def duckdb_nps_by(tbl: pa.Table) -> pa.Table:
    return duckdb.sql(f"""
    WITH g AS (
      SELECT account, date_trunc('quarter', date)::DATE AS period_start, count(*) AS responses,
             count_if(score >= 9) AS promoters, count_if(score <= 6) AS detractors
      FROM tbl GROUP BY ALL),
    s AS (SELECT *, promoters / responses AS p, detractors / responses AS d FROM g),
    e AS (SELECT *, 100 * (p - d) AS nps,
                 100 * sqrt(greatest(p + d - (p - d) * (p - d), 0) / responses) AS se FROM s)
    SELECT account, period_start, responses, promoters, detractors, nps, se,
           greatest(nps - {Z95} * se, -100) AS ci_low, least(nps + {Z95} * se, 100) AS ci_high
    FROM e ORDER BY account, period_start""").to_arrow_table()


def bench_nps_by(rows: int, repeat: int) -> None:
    n = rows
    table = nps_by_inputs(n)
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)

    def ours() -> pa.Table:
        return cs.nps_by(table, score="score", by="account", period="quarter", date="date")

    # cs-core sorts integer keys by value, as the peers' ORDER BY does; the sort is a check.
    ref = ours()
    assert ref.equals(ref.sort_by([("account", "ascending"), ("period_start", "ascending")]))
    for who, other in (("polars", polars_nps_by(frame).to_arrow()), ("duckdb", duckdb_nps_by(table))):
        assert other.num_rows == ref.num_rows, who
        for col in ("responses", "promoters", "detractors"):
            assert (np.asarray(other.column(col)) == np.asarray(ref.column(col))).all(), f"{who}: {col}"
        for col in ("nps", "ci_low", "ci_high"):
            gap = np.abs(np.asarray(other.column(col)) - np.asarray(ref.column(col))).max()
            assert gap <= 1e-9, f"{who}: {col} {gap}"
        print(f"  (checked: {who} equals cs-core over {ref.num_rows:,} groups)")
    bench = "nps_by"
    base = measure(bench, n, "cs.nps_by (account x quarter, Wald 95%)", ours, repeat, None)
    measure(bench, n, "polars lazy group_by().agg()", lambda: polars_nps_by(frame), repeat, base)
    measure(bench, n, "DuckDB GROUP BY over the Arrow table", lambda: duckdb_nps_by(table), repeat, base)
    buffers = arrow_buffers(table)
    measure(
        bench, n, "floor: numpy streaming read, 2 threads", lambda: stream_floor(buffers, 8, 2), repeat, base
    )


# --- retention --------------------------------------------------------------------------------


def bench_kaplan_meier(rows: int, repeat: int) -> None:
    """Kaplan-Meier and its 95 % band against lifelines' KaplanMeierFitter on four shapes of
    tenure; the floor of the sorting shapes is numpy's sort of the same durations."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from lifelines import KaplanMeierFitter

    rng = np.random.default_rng(2)
    observed = rng.random(rows) < 0.4
    exponential = rng.exponential(700.0, rows)
    shapes = {
        "whole days, uniform over 4 years": rng.integers(1, 4 * 365 + 1, rows).astype(np.float64),
        "whole days, exponential (mean 700)": np.floor(exponential),
        "exponential days, continuous": exponential,
        "fractional months (6 decimals)": np.round(np.floor(exponential) / 30.4 + rng.random(rows), 6),
    }

    def lifelines_km(d: np.ndarray) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return KaplanMeierFitter().fit(d, observed)

    for label, d in shapes.items():
        ref = lifelines_km(d)
        km = cs.kaplan_meier(d, observed)
        assert np.abs(km.survival - ref.survival_function_.to_numpy()[:, 0]).max() < 1e-9
        ci = km.confidence_interval()
        lo = ref.confidence_interval_.to_numpy()[:, 0]
        assert np.nanmax(np.abs(ci["lower"] - lo)) < 1e-9
        distinct = len(km.timeline) - 1
        bench = "kaplan_meier"
        note = f"{label}, {distinct:,} distinct times"
        base = measure(
            bench,
            rows,
            "cs.kaplan_meier + confidence_interval",
            lambda d=d: cs.kaplan_meier(d, observed).confidence_interval(),
            repeat,
            None,
            note,
        )
        measure(
            bench,
            rows,
            "lifelines KaplanMeierFitter.fit",
            lambda d=d: lifelines_km(d),
            max(1, repeat // 3),
            base,
            note,
        )
        measure(
            bench,
            rows,
            "floor: numpy sort of the durations",
            lambda d=d: np.sort(d),
            max(1, repeat // 2),
            base,
            note,
        )


def bench_auc(rows: int, repeat: int) -> None:
    """ROC AUC of float scores (with ties) against scikit-learn's roc_auc_score; the floor is
    numpy's sort of the scores."""
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(3)
    scores = np.round(rng.random(rows), 4)
    churned = rng.random(rows) < scores * 0.4
    assert abs(cs.roc_auc(scores, churned) - roc_auc_score(churned, scores)) < 1e-12
    bench = "auc"
    note = f"{len(np.unique(scores)):,} distinct scores"
    base = measure(bench, rows, "cs.roc_auc", lambda: cs.roc_auc(scores, churned), repeat, None, note)
    measure(
        bench,
        rows,
        "sklearn roc_auc_score",
        lambda: roc_auc_score(churned, scores),
        max(1, repeat // 3),
        base,
    )
    measure(
        bench, rows, "floor: numpy sort of the scores", lambda: np.sort(scores), max(1, repeat // 2), base
    )


# --- renewal risk -----------------------------------------------------------------------------


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
    """The model in numpy: standardised contributions, logistic risk, tiers and top-k reasons
    (argpartition then a sort of the k, not a full argsort)."""
    n = len(next(iter(cols.values())))
    contrib = np.empty((len(model.factors), n))
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
        np.multiply(v - f["center"], f["coefficient"] / f["scale"], out=contrib[j])
    z = model.intercept + contrib.sum(axis=0)
    risk = 1.0 / (1.0 + np.exp(-z))
    tiers = model.tiers
    tier = np.searchsorted([tiers["medium"], tiers["high"], tiers["critical"]], risk, side="right")
    ct = contrib.T
    part = np.argpartition(-ct, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(ct, part, axis=1), axis=1, kind="stable")
    top = np.take_along_axis(part, order, axis=1)
    top[np.take_along_axis(ct, top, axis=1) <= 0] = -1
    return risk, np.stack([tier, *top.T])


def bench_risk(rows: int, repeat: int) -> None:
    """Scoring ``rows`` accounts (cs vs numpy) and a fit on ``rows // 10`` past renewals
    (cs vs scikit-learn's LogisticRegression lbfgs on the same design matrix)."""
    from sklearn.linear_model import LogisticRegression

    cols = risk_inputs(rows, seed=5)
    table = pa.table(cols)  # zero-copy over the numpy buffers
    model, _ = cs.RiskModel.default().restricted_to(table)
    scored = model.score(table)
    risk, _ = numpy_risk(model, cols, model.reason_count)
    assert np.allclose(scored.column("risk").to_numpy(), risk, rtol=0, atol=1e-12)
    bench = "risk score"
    note = f"{len(model.factors)} factors, tier, {model.reason_count} reasons"
    base = measure(bench, rows, "RiskModel.score (pyarrow)", lambda: model.score(table), repeat, None, note)
    measure(
        bench,
        rows,
        "numpy vectorised (argpartition reasons)",
        lambda: numpy_risk(model, cols, model.reason_count),
        max(1, repeat // 2),
        base,
    )
    buffers = [np.frombuffer(v.data, dtype=np.uint8) for v in cols.values()]
    measure(
        bench,
        rows,
        "floor: numpy streaming pass, 2 threads",
        lambda: stream_floor(buffers, rows * 20, 2),
        repeat,
        base,
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

    def sklearn_fit(tol: float) -> LogisticRegression:
        return LogisticRegression(C=1.0, tol=tol, max_iter=10_000).fit(x, y)

    ours = np.array([b for _, b in fitted.coefficients])
    gaps = {tol: float(np.abs(ours - sklearn_fit(tol).coef_[0]).max()) for tol in (1e-10, 1e-4)}
    bench = "risk fit"
    base = measure(
        bench,
        n,
        "RiskModel.fit (Newton, from the table)",
        lambda: cs.RiskModel.fit(history, C=1.0, drop_missing=True),
        max(1, repeat // 2),
        None,
        f"{fitted.fit_report['iterations']} Newton steps",
    )
    for tol, gap in gaps.items():
        measure(
            bench,
            n,
            f"sklearn lbfgs tol={tol:g} (matrix given)",
            lambda t=tol: sklearn_fit(t),
            max(1, repeat // 3),
            base,
            f"max coefficient gap {gap:.1e}",
        )


BENCHES: dict[str, Callable[[int, int], None]] = {
    "health": bench_health,
    "cli": bench_cli,
    "nps_by": bench_nps_by,
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
    print(f"load before: {os.getloadavg()}")
    for name in args.only or list(BENCHES):
        BENCHES[name](args.rows, args.repeat)
    print(f"load after: {os.getloadavg()}")
    print_table()


if __name__ == "__main__":
    main()
