"""cs_core.spark in Spark local mode equals the single-machine functions.

Per account bit for bit, counts exactly, statistics to the last bit; on the synthetic portfolio
and the sample company (examples/data/omnico), with 1, 3 and 17 partitions and several Arrow
batches per partition.
"""

from __future__ import annotations

import datetime
import os
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import cs_core as cs

ROOT = Path(__file__).resolve().parents[2]
OMNICO = ROOT / "examples" / "data" / "omnico"
AS_OF = datetime.date(2026, 6, 30)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One Spark session in local mode for the module (small batches: several per partition)."""
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("cs-core-tests")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "128")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def portfolio() -> pa.Table:
    return cs.synthetic_portfolio(700, seed=7, as_of=AS_OF, kind="pyarrow")


@pytest.fixture(scope="module")
def omnico() -> pa.Table:
    return pq.read_table(OMNICO / "portfolio.parquet")


@pytest.fixture(scope="module")
def survey() -> pa.Table:
    return pq.read_table(OMNICO / "survey.parquet")


def _cell(value: Any) -> Any:
    """A cell compared bit for bit: floats by their IEEE bytes (0.0 and -0.0 differ)."""
    if isinstance(value, float):
        return struct.pack("<d", value)
    return value


def _rows(table: pa.Table, order: list[str] | None) -> list[tuple[Any, ...]]:
    rows = [tuple(_cell(v) for v in row.values()) for row in table.to_pylist()]
    if order is None:
        return rows
    positions = [table.column_names.index(name) for name in order]
    return sorted(rows, key=lambda row: tuple(row[i] for i in positions))


def assert_same(actual: Any, expected: pa.Table, order: list[str] | None) -> None:
    """The Spark result has the columns of the single-machine one and the same cells; rows are
    compared sorted by ``order`` (``None``: in the order given, for sorted aggregates)."""
    table = actual.toArrow()
    assert table.column_names == expected.column_names
    assert table.num_rows == expected.num_rows
    assert _rows(table, order) == _rows(expected, order)


def frame(spark: Any, table: pa.Table, partitions: int = 3) -> Any:
    """``table`` as a Spark DataFrame of ``partitions`` partitions (Spark has no unsigned
    integers: the synthetic portfolio's counts go in as int64)."""
    wide = [
        pa.field(f.name, pa.int64() if pa.types.is_unsigned_integer(f.type) else f.type, f.nullable)
        for f in table.schema
    ]
    return spark.createDataFrame(table.cast(pa.schema(wide))).repartition(partitions)


def test_import_cs_core_does_not_import_pyspark() -> None:
    code = "import sys, cs_core; assert 'pyspark' not in sys.modules, 'pyspark imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_score_health_equals_scorecard_score(spark: Any, portfolio: pa.Table, omnico: pa.Table) -> None:
    card = cs.Scorecard.default()
    for table in (portfolio, omnico):
        expected = card.score(table, AS_OF)
        assert_same(cs_spark().score_health(frame(spark, table), card, AS_OF), expected, ["account_id"])


def test_score_health_with_a_scorecard_set(spark: Any, portfolio: pa.Table) -> None:
    base = cs.Scorecard.default().to_dict()
    usage = {
        "schema_version": 1,
        "name": "usage",
        "measures": [
            {"name": "licence_utilisation", "weight": 1, "rule": {"kind": "linear", "min": 0, "max": 1}}
        ],
    }
    segment = portfolio.column("segment")[0].as_py()
    cards = cs.ScorecardSet.from_dict(
        {
            "schema_version": 1,
            "default": base["name"],
            "scorecards": [base, usage],
            "assignments": [{"scorecard": "usage", "when": {"segment": [segment]}}],
        }
    )
    expected = cards.score(portfolio, AS_OF)
    assert_same(cs_spark().score_health(frame(spark, portfolio), cards, AS_OF), expected, ["account_id"])


def test_score_risk_equals_risk_model_score(spark: Any, omnico: pa.Table) -> None:
    model = cs.RiskModel.default()
    expected = model.score(omnico, drop_missing=True, as_of=AS_OF)
    actual = cs_spark().score_risk(frame(spark, omnico), model, AS_OF, drop_missing=True)
    assert_same(actual, expected, ["account_id"])


def test_evaluate_playbook_equals_playbook_evaluate(spark: Any, omnico: pa.Table) -> None:
    playbook = cs.Playbook.default()
    expected = playbook.evaluate(omnico, AS_OF)
    assert expected.num_rows > 0
    actual = cs_spark().evaluate_playbook(frame(spark, omnico), playbook, AS_OF)
    assert_same(actual, expected, ["account_id", "rule_id"])


@pytest.mark.parametrize(
    ("by", "period"), [(None, None), ("segment", None), (["region", "csm"], None), ("segment", "quarter")]
)
def test_nps_by_equals_the_single_machine_table(spark: Any, survey: pa.Table, by: Any, period: Any) -> None:
    expected = cs.nps_by(survey, "score", by, period)
    actual = cs_spark().nps_by(frame(spark, survey), by, period)
    assert_same(actual, expected, None)


def test_nps_by_on_the_synthetic_portfolio_with_skipped_answers(spark: Any, portfolio: pa.Table) -> None:
    # The portfolio's nps column is null for accounts that did not answer.
    expected = cs.nps_by(portfolio, "nps", ["segment", "region"], skip_missing=True)
    assert sum(expected.column("skipped").to_pylist()) > 0
    actual = cs_spark().nps_by(frame(spark, portfolio), ["segment", "region"], score="nps", skip_missing=True)
    assert_same(actual, expected, None)


@pytest.mark.parametrize("partitions", [1, 3, 17])
def test_partition_count_does_not_change_results(
    spark: Any, portfolio: pa.Table, survey: pa.Table, partitions: int
) -> None:
    card = cs.Scorecard.default()
    scored = cs_spark().score_health(frame(spark, portfolio, partitions), card, AS_OF)
    assert_same(scored, card.score(portfolio, AS_OF), ["account_id"])
    nps = cs_spark().nps_by(frame(spark, survey, partitions), ["segment", "region"], "month")
    assert_same(nps, cs.nps_by(survey, "score", ["segment", "region"], "month"), None)


def test_bad_input_raises_the_core_error(spark: Any, survey: pa.Table) -> None:
    with pytest.raises(cs.CsUnknownError):
        cs_spark().nps_by(frame(spark, survey), "no_such_column")
    with pytest.raises(cs.CsInvalidError, match="adjusted_wald"):
        cs_spark().nps_by(frame(spark, survey), "segment", interval="adjusted_wald")


def cs_spark() -> Any:
    """``cs_core.spark``, imported on use."""
    from cs_core import spark as css

    return css
