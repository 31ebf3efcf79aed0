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


def test_portfolio_pipeline_equals_the_single_machine_table(
    spark: Any, portfolio: pa.Table, omnico: pa.Table
) -> None:
    for table in (portfolio, omnico):
        expected = cs.portfolio_pipeline(table, AS_OF, drop_missing=True)
        assert sum(len(c) for c in expected.column("ctas").to_pylist()) > 0
        actual = cs_spark().portfolio_pipeline(frame(spark, table), AS_OF, drop_missing=True)
        assert_same(actual, expected, ["account_id"])


@pytest.mark.parametrize(
    ("by", "period"), [(None, None), ("segment", None), (["region", "csm"], None), ("segment", "quarter")]
)
def test_nps_by_equals_the_single_machine_table(spark: Any, survey: pa.Table, by: Any, period: Any) -> None:
    expected = cs.nps_by(survey, "score", by, period)
    actual = cs_spark().nps_by(frame(spark, survey), by, period)
    assert_same(actual, expected, None)


@pytest.mark.parametrize("by", ["segment", ["region", "csm"]])
def test_nps_by_adjusted_wald_equals_the_single_machine_table(spark: Any, survey: pa.Table, by: Any) -> None:
    expected = cs.nps_by(survey, "score", by, "quarter", confidence=0.9, interval="adjusted_wald")
    wald = cs.nps_by(survey, "score", by, "quarter", confidence=0.9)
    # The adjusted interval differs from Wald's, so equality below is not Wald's by accident.
    assert expected.column("margin_of_error") != wald.column("margin_of_error")
    actual = cs_spark().nps_by(frame(spark, survey), by, "quarter", confidence=0.9, interval="adjusted_wald")
    assert_same(actual, expected, None)


def test_nps_by_on_the_synthetic_portfolio_with_skipped_answers(spark: Any, portfolio: pa.Table) -> None:
    # The portfolio's nps column is null for accounts that did not answer.
    expected = cs.nps_by(portfolio, "nps", ["segment", "region"], skip_missing=True)
    assert sum(expected.column("skipped").to_pylist()) > 0
    actual = cs_spark().nps_by(frame(spark, portfolio), ["segment", "region"], score="nps", skip_missing=True)
    assert_same(actual, expected, None)


def _scored(table: pa.Table) -> pa.Table:
    """``table``'s key and ARR columns with its default-scorecard score and band."""
    scored = cs.Scorecard.default().score(table, AS_OF)
    keys = [c for c in ("segment", "region", "csm", "arr") if c in table.column_names]
    return (
        table.select(keys)
        .append_column("score", scored.column("score"))
        .append_column("band", scored.column("band").cast(pa.string()))
    )


@pytest.mark.parametrize("by", [None, "segment", ["region", "csm"]])
def test_health_rollup_equals_the_single_machine_table(
    spark: Any, portfolio: pa.Table, omnico: pa.Table, by: Any
) -> None:
    for table in (_scored(portfolio), _scored(omnico)):
        if by is not None and not set(cs._names(by)) <= set(table.column_names):
            continue
        expected = cs.health_rollup(table, by, "arr")
        assert expected.num_rows > 0
        assert sum(expected.column("insufficient").to_pylist()) < sum(expected.column("accounts").to_pylist())
        actual = cs_spark().health_rollup(frame(spark, table), by, "arr")
        assert_same(actual, expected, cs._names(by) or None)


def test_health_rollup_means_do_not_depend_on_row_order(portfolio: pa.Table) -> None:
    # The reversed table sums the scores in the other order: a float sum would differ in the
    # last bits for some group; the exact sums give the same means.
    table = _scored(portfolio)
    reversed_rows = table.take(pa.array(range(table.num_rows - 1, -1, -1)))
    forward = cs.health_rollup(table, "csm", "arr")
    backward = cs.health_rollup(reversed_rows, "csm", "arr")
    assert _rows(forward, None) == _rows(backward, None)
    float_sums = [
        (sum(s), sum(reversed(s)))
        for s in (
            [r["score"] for r in table.to_pylist() if r["csm"] == csm and r["score"] is not None]
            for csm in forward.column("csm").to_pylist()
        )
    ]
    assert any(a != b for a, b in float_sums), "the data should make float sums order-dependent"


@pytest.mark.parametrize("partitions", [1, 3, 17])
def test_partition_count_does_not_change_results(
    spark: Any, portfolio: pa.Table, survey: pa.Table, partitions: int
) -> None:
    card = cs.Scorecard.default()
    scored = cs_spark().score_health(frame(spark, portfolio, partitions), card, AS_OF)
    assert_same(scored, card.score(portfolio, AS_OF), ["account_id"])
    pipeline = cs_spark().portfolio_pipeline(frame(spark, portfolio, partitions), AS_OF, drop_missing=True)
    assert_same(pipeline, cs.portfolio_pipeline(portfolio, AS_OF, drop_missing=True), ["account_id"])
    nps = cs_spark().nps_by(frame(spark, survey, partitions), ["segment", "region"], "month")
    assert_same(nps, cs.nps_by(survey, "score", ["segment", "region"], "month"), None)
    accounts = pq.read_table(OMNICO / "accounts.parquet")
    curves = cs_spark().kaplan_meier_by(
        frame(spark, accounts, partitions), "tenure_months", "churned", "segment"
    )
    assert_same_curves(curves, cs.kaplan_meier_by(accounts, "tenure_months", "churned", "segment"))
    scored = _scored(portfolio)
    rollup = cs_spark().health_rollup(frame(spark, scored, partitions), ["segment", "region"], "arr")
    assert_same(rollup, cs.health_rollup(scored, ["segment", "region"], "arr"), ["segment", "region"])


@pytest.fixture(scope="module")
def accounts() -> pa.Table:
    return pq.read_table(OMNICO / "accounts.parquet")


def _bits(values: Any) -> list[bytes]:
    return [struct.pack("<d", v) for v in values]


def assert_same_curves(actual: dict[Any, cs.KaplanMeier], expected: dict[Any, cs.KaplanMeier]) -> None:
    """The same keys in the same order, and every curve the same to the bit: life table,
    survival, Greenwood sums, band and median."""
    assert list(actual) == list(expected)
    for key, curve in expected.items():
        got = actual[key]
        assert got.event_table().equals(curve.event_table()), key
        assert _bits(got.survival) == _bits(curve.survival), key
        assert _bits(got.greenwood) == _bits(curve.greenwood), key
        band, want = got.confidence_interval(), curve.confidence_interval()
        assert _bits(band["lower"]) == _bits(want["lower"]) and _bits(band["upper"]) == _bits(want["upper"])
        assert got.median() == curve.median()
        assert got == curve


@pytest.mark.parametrize("by", ["segment", ["segment", "region"]])
def test_kaplan_meier_by_equals_the_single_machine_curves(spark: Any, accounts: pa.Table, by: Any) -> None:
    expected = cs.kaplan_meier_by(accounts, "tenure_months", "churned", by)
    assert sum(curve.events for curve in expected.values()) > 0
    actual = cs_spark().kaplan_meier_by(frame(spark, accounts), "tenure_months", "churned", by)
    assert_same_curves(actual, expected)


def test_kaplan_meier_by_with_fractional_tenures_and_missing_keys(spark: Any) -> None:
    # The sorting path (fractional tenures), zero tenures, a group that never churns and
    # customers without a segment (null key: the first group, as on one machine).
    rows = 1500
    table = pa.table(
        {
            "tenure": [0.0 if i % 97 == 0 else (i * 7.31) % 41.5 for i in range(rows)],
            "churned": [i % 3 == 0 and i % 5 != 4 for i in range(rows)],
            "segment": [
                # Keys in the core's natural order, not Python's: "9" before "10", both before text.
                None if i % 11 == 0 else ("loyal" if i % 5 == 4 else ["s2", "10", "9", "s1"][i % 4])
                for i in range(rows)
            ],
        }
    )
    expected = cs.kaplan_meier_by(table, "tenure", "churned", "segment", confidence=0.9)
    assert None in expected and expected["loyal"].events == 0
    assert list(expected) == [None, "9", "10", "loyal", "s1", "s2"]
    actual = cs_spark().kaplan_meier_by(frame(spark, table), "tenure", "churned", "segment", confidence=0.9)
    assert_same_curves(actual, expected)


def test_revenue_retention_equals_the_single_machine_result(spark: Any) -> None:
    import pyarrow.csv as pacsv

    start, end = (pacsv.read_csv(ROOT / "examples" / "data" / f"snapshot_{y}.csv") for y in (2025, 2026))
    expected = cs.revenue_retention(start, end, segment="segment")
    actual = cs_spark().revenue_retention(frame(spark, start), frame(spark, end), segment="segment")
    assert actual.to_dict() == expected.to_dict()
    overall = cs_spark().revenue_retention(frame(spark, start), frame(spark, end))
    assert overall.to_dict() == cs.revenue_retention(start, end).to_dict()


def test_revenue_retention_with_churn_new_business_and_no_end_segment(spark: Any) -> None:
    rows = 2000
    start = pa.table(
        {
            "id": [f"a{i}" for i in range(rows)],
            "arr": [(i * 7919) % 50_000_00 for i in range(rows)],
            "tier": [None if i % 13 == 0 else f"t{i % 3}" for i in range(rows)],
        }
    )
    # Every fifth account churned, every seventh grew, 300 new accounts; no segment at the end.
    kept = [i for i in range(rows) if i % 5 != 0]
    end = pa.table(
        {
            "id": [f"a{i}" for i in kept] + [f"n{i}" for i in range(300)],
            "arr": [(i * 7919) % 50_000_00 * (2 if i % 7 == 0 else 1) // (1 if i % 3 else 2) for i in kept]
            + [1000 * i for i in range(300)],
        }
    )
    expected = cs.revenue_retention(start, end, id="id", segment="tier")
    assert expected.overall["new_accounts"] == 300 and expected.overall["churned_accounts"] > 0
    for partitions in (1, 3, 17):
        actual = cs_spark().revenue_retention(
            frame(spark, start, partitions), frame(spark, end, partitions), id="id", segment="tier"
        )
        assert actual.to_dict() == expected.to_dict(), partitions


_TOTALS = [
    "delivered",
    "owed",
    "overdue",
    "ratio",
    "mean_account_ratio",
    "under_delivered_accounts",
    "over_delivered_accounts",
    "minutes_with_customer",
]


@pytest.mark.parametrize("partitions", [1, 3, 17])
def test_entitlement_compliance_equals_the_single_machine_portfolio(spark: Any, partitions: int) -> None:
    contracts = pq.read_table(OMNICO / "contracts.parquet")
    delivered = pq.read_table(OMNICO / "delivered.parquet")
    expected = cs.entitlement_compliance_batch(contracts, delivered, AS_OF)
    assert 0 < expected.under_delivered_accounts < len(expected)
    accounts = cs_spark().entitlement_compliance(
        frame(spark, contracts), frame(spark, delivered, 5), AS_OF, partitions=partitions
    )
    assert_same(accounts, expected.accounts, ["account"])
    totals = cs_spark().compliance_totals(accounts)
    assert totals["accounts"] == len(expected)
    assert [_cell(totals[name]) for name in _TOTALS] == [_cell(getattr(expected, name)) for name in _TOTALS]


def test_compliance_totals_do_not_depend_on_account_order() -> None:
    contracts = pq.read_table(OMNICO / "contracts.parquet")
    delivered = pq.read_table(OMNICO / "delivered.parquet")
    forward = cs.entitlement_compliance_batch(contracts, delivered, AS_OF)
    reversed_contracts = contracts.take(pa.array(range(contracts.num_rows - 1, -1, -1)))
    backward = cs.entitlement_compliance_batch(reversed_contracts, delivered, AS_OF)
    assert [_cell(getattr(forward, n)) for n in _TOTALS] == [_cell(getattr(backward, n)) for n in _TOTALS]
    ratios = [r for r in forward.accounts.column("ratio").to_pylist() if r is not None]
    assert sum(ratios) != sum(reversed(ratios)), "the data should make float sums order-dependent"


def test_bad_input_raises_the_core_error(spark: Any, survey: pa.Table) -> None:
    with pytest.raises(cs.CsUnknownError):
        cs_spark().nps_by(frame(spark, survey), "no_such_column")
    with pytest.raises(cs.CsUnknownError, match='unknown interval method "wilson"'):
        cs_spark().nps_by(frame(spark, survey), "segment", interval="wilson")
    negative = pa.table({"tenure": [1.0, -2.0], "churned": [True, False], "segment": ["a", "a"]})
    with pytest.raises(cs.CsOutOfRangeError, match="duration"):
        cs_spark().kaplan_meier_by(frame(spark, negative, 1), "tenure", "churned", "segment")
    twice = pa.table({"account_id": ["a", "b", "a"], "arr": [1, 2, 3]})
    once = pa.table({"account_id": ["a"], "arr": [1]})
    with pytest.raises(cs.CsDuplicateError, match='duplicate account id "a"'):
        cs_spark().revenue_retention(frame(spark, twice), frame(spark, once))
    with pytest.raises(cs.CsOutOfRangeError, match="arr -1"):
        cs_spark().revenue_retention(
            frame(spark, pa.table({"account_id": ["a"], "arr": [-1]})), frame(spark, once)
        )
    contracts = pa.table(
        {
            "account": ["a", "b"],
            "package": ["enterprise", "no such package"],
            "start": [datetime.date(2026, 1, 1)] * 2,
            "renewal": [datetime.date(2027, 1, 1)] * 2,
        }
    )
    log = pa.table(
        {"account": ["a"], "date": [datetime.date(2026, 2, 1)], "activity": ["qbr"], "channel": ["video"]}
    )
    with pytest.raises(cs.CsUnknownError, match="no such package"):
        cs_spark()._collect(
            cs_spark().entitlement_compliance(frame(spark, contracts), frame(spark, log), AS_OF)
        )
    scored = pa.table({"csm": ["x", "y"], "score": [50.0, 60.0], "band": ["amber", "purple"]})
    with pytest.raises(cs.CsUnknownError, match="purple"):
        cs_spark()._collect(cs_spark().health_rollup(frame(spark, scored, 1), "csm"))
    stranger = log.set_column(0, "account", pa.array(["z"]))
    with pytest.raises(cs.CsError, match='"z"'):
        cs_spark()._collect(
            cs_spark().entitlement_compliance(
                frame(spark, contracts.slice(0, 1)), frame(spark, stranger), AS_OF
            )
        )


def cs_spark() -> Any:
    """``cs_core.spark``, imported on use."""
    from cs_core import spark as css

    return css
