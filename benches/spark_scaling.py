"""Scaling of ``cs_core.spark.score_health`` against ``Scorecard.score`` in one process.

    python benches/spark_scaling.py --rows 10000000 --repeat 3
    python benches/spark_scaling.py --function portfolio_pipeline --partitions 8

(``--function portfolio_pipeline``: ``cs.portfolio_pipeline`` against
``cs_core.spark.portfolio_pipeline``, the whole nightly pipeline per account.)

Writes the synthetic portfolio (``cs.synthetic_portfolio``) once as Parquet files under
``--dir``, then times, best of ``--repeat``:

- one process: ``pyarrow.parquet.read_table`` + ``Scorecard.score`` (and the score alone);
- Spark ``local[1]`` and ``local[2]`` at several partition counts, each to the ``noop`` sink:
  the read alone (Spark's floor), the read through an identity ``mapInArrow`` (what handing
  Arrow batches to Python workers and back costs) and ``score_health`` on the same read, so
  the differences are the exchange's cost and scoring's.

Each Spark configuration is checked first: the scored rows' checksum (sum of scores, band
counts) equals the single-process one. Prints one table; BENCHMARKS.md records it.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import cs_core as cs
from cs_core import spark as css

AS_OF = datetime.date(2026, 6, 30)
FILES = 64


def write_portfolio(rows: int, directory: Path) -> None:
    """The synthetic portfolio as ``FILES`` Parquet files (unsigned counts as int64: Spark has
    no unsigned integers), so Spark reads it as ``FILES`` splits to coalesce from."""
    stamp = directory / f"rows-{rows}"
    if stamp.exists():
        return
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    table = cs.synthetic_portfolio(rows, seed=42, as_of=AS_OF, kind="pyarrow")
    wide = pa.schema(
        [
            pa.field(f.name, pa.int64() if pa.types.is_unsigned_integer(f.type) else f.type, f.nullable)
            for f in table.schema
        ]
    )
    table = table.cast(wide)
    step = -(-rows // FILES)
    for i in range(FILES):
        pq.write_table(table.slice(i * step, step), directory / f"part-{i:03}.parquet")
    stamp.touch()


# Per function: the single-process call, the Spark call, and the (number, label) columns of
# the checksum.
FUNCTIONS: dict[str, tuple[Any, Any, tuple[str, str]]] = {
    "score_health": (
        lambda t: cs.Scorecard.default().score(t, AS_OF),
        lambda f: css.score_health(f, cs.Scorecard.default(), AS_OF),
        ("score", "band"),
    ),
    "portfolio_pipeline": (
        lambda t: cs.portfolio_pipeline(t, AS_OF, drop_missing=True),
        lambda f: css.portfolio_pipeline(f, AS_OF, drop_missing=True),
        ("risk", "risk_tier"),
    ),
}


def checksum(table: pa.Table, columns: tuple[str, str]) -> tuple[float, dict[str, int]]:
    """Sum of the number column (in a fixed order: sorted by account) and the count per label."""
    number, label = columns
    ordered = table.select(["account_id", number, label]).sort_by("account_id")
    total = float(sum(v for v in ordered.column(number).to_pylist() if v is not None))
    labels = ordered.column(label).cast(pa.string())
    counts = {row["values"]: row["counts"] for row in pc.value_counts(labels).to_pylist()}
    return total, counts


def best(repeat: int, run: Any) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def session(master: str, batch: int) -> Any:
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(master)
        .appName("cs-core-scaling")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "8g")
        .config("spark.sql.files.maxPartitionBytes", str(1 << 40))
        .config("spark.sql.files.openCostInBytes", str(1 << 40))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch))
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default="/tmp/cs-spark-scaling")
    parser.add_argument("--batch", type=int, default=10_000, help="Arrow records per batch")
    parser.add_argument("--partitions", default="1,2,8,64")
    parser.add_argument("--function", choices=sorted(FUNCTIONS), default="score_health")
    args = parser.parse_args()
    single, distributed, columns = FUNCTIONS[args.function]
    directory = Path(args.dir)
    # Every Python worker scores its batch on one thread: Spark runs one task per core.
    os.environ["RAYON_NUM_THREADS"] = "1"
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    write_portfolio(args.rows, directory)
    files = sorted(str(p) for p in directory.glob("*.parquet"))

    print(f"{args.rows:,} accounts, {FILES} Parquet files, Arrow batches of {args.batch:,} rows")
    print("(one process: RAYON_NUM_THREADS=1 unless stated; times are the best of the runs)\n")
    table = pq.read_table(files)
    expected = checksum(single(table), columns)
    rows = []
    read = best(args.repeat, lambda: pq.read_table(files))
    score = best(args.repeat, lambda t=table: single(t))
    rows.append(("one process, 1 thread", "-", read, read, read + score))
    table = None  # free the single-process copy before Spark reads the files

    for master in ("local[1]", "local[2]"):
        spark = session(master, args.batch)
        for partitions in [int(p) for p in args.partitions.split(",")]:
            frame = spark.read.parquet(str(directory)).coalesce(partitions)
            scored = distributed(frame)
            got = checksum(scored.select("account_id", *columns).toArrow(), columns)
            if got[1] != expected[1] or abs(got[0] - expected[0]) != 0.0:
                raise SystemExit(f"{master} x {partitions}: {got} != {expected}")
            floor = best(args.repeat, lambda f=frame: f.write.format("noop").mode("overwrite").save())
            passed = frame.mapInArrow(lambda batches: batches, frame.schema)
            exchange = best(args.repeat, lambda f=passed: f.write.format("noop").mode("overwrite").save())
            total = best(
                args.repeat,
                lambda s=scored: s.write.format("noop").mode("overwrite").save(),
            )
            rows.append((master, str(partitions), floor, exchange, total))
            print(
                f"  {master} x {partitions}: read {floor:.2f} s, + Arrow exchange {exchange:.2f} s, "
                f"+ {args.function} {total:.2f} s",
                flush=True,
            )
        spark.stop()

    print()
    print(
        f"| run | partitions | read (s) | + Arrow exchange (s) | + {args.function} (s) "
        "| scoring (s) | accounts / s / core, whole run |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for run, partitions, floor, exchange, total in rows:
        cores = 2 if run == "local[2]" else 1
        per_core = args.rows / total / cores
        print(
            f"| {run} | {partitions} | {floor:.2f} | {exchange:.2f} | {total:.2f} "
            f"| {total - exchange:.2f} | {per_core / 1e6:.2f} M |"
        )


if __name__ == "__main__":
    main()
