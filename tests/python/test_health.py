"""Health scoring from Python: hand-computed values, every table kind, agreement between the
batch and per-account paths and with the Rust CLI, and every bad input raising cs.CsError."""

from __future__ import annotations

import datetime
import pickle
import re
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import cs_core as cs

ROOT = Path(__file__).resolve().parents[2]
DAY = datetime.date(2026, 6, 30)

# Adoption (weight 3) holds utilisation; tickets (weight 1, lower is better) stands alone, so
# utilisation carries 3/4 of the score and tickets 1/4.
CARD_TOML = """
schema_version = 1
name = "simple"
[[groups]]
name = "Adoption"
weight = 3
[[groups.measures]]
name = "utilisation"
weight = 1
rule = { kind = "linear", min = 0.0, max = 1.0 }
[[measures]]
name = "tickets"
weight = 1
direction = "lower_is_better"
rule = { kind = "steps", thresholds = [1, 3], scores = [100, 50, 0] }
"""

ROWS = {
    "utilisation": [0.6, 1.0, 0.2, None],
    "tickets": [2.0, 0.0, 5.0, 0.0],
}
# Row 0: 0.75 × 60 + 0.25 × 50 = 57.5 amber, driver utilisation (0.75 × 40 = 30 lost > 12.5).
# Row 1: 0.75 × 100 + 0.25 × 100 = 100 green, no driver (nothing lost).
# Row 2: 0.75 × 20 + 0.25 × 0 = 15 red, driver utilisation (60 lost > 25).
# Row 3: utilisation missing, renormalised: tickets alone, 0 tickets = 100, green; coverage 1/4.
EXPECTED_SCORE = [57.5, 100.0, 15.0, 100.0]
EXPECTED_BAND = ["amber", "green", "red", "green"]
EXPECTED_COVERAGE = [1.0, 1.0, 1.0, 0.25]
EXPECTED_DRIVER = ["utilisation", None, "utilisation", None]


@pytest.fixture(scope="module")
def card() -> cs.Scorecard:
    return cs.Scorecard.from_toml(CARD_TOML)


def raises(msg: str) -> Any:
    return pytest.raises(cs.CsError, match=re.escape(msg))


# --- documents ------------------------------------------------------------------------------


def test_document_round_trips(card: cs.Scorecard) -> None:
    assert card.name == "simple"
    assert card.measure_names == ["tickets", "utilisation"]  # top-level measures first
    assert card.band_names == ["red", "amber", "green"]
    assert cs.Scorecard.from_json(card.to_json()) == card
    assert cs.Scorecard.from_dict(card.to_dict()) == card
    assert cs.Scorecard.from_toml(card.to_toml()) == card
    assert pickle.loads(pickle.dumps(card)) == card
    assert repr(card) == 'Scorecard(name="simple", measures=2, bands=red/amber/green)'
    default = cs.Scorecard.default()
    assert default.name == "default"
    assert default.input_columns[-1] == "nps_date"
    # The default card's measures are columns of the synthetic portfolio.
    assert set(default.input_columns) <= set(cs.synthetic_portfolio(1).column_names)


def test_bands_use_the_unrounded_score(card: cs.Scorecard) -> None:
    # Red [0, 50], amber (50, 75], green (75, 100].
    assert [card.band_of(s) for s in (0, 50, 50.0001, 75, 75.4, 100)] == [
        "red",
        "red",
        "amber",
        "amber",
        "green",
        "green",
    ]
    h = card.explain({"utilisation": 0.672, "tickets": 0}, as_of=DAY)
    # 0.75 × 67.2 + 25 = 75.4: displayed as 75 but green.
    assert h.score == pytest.approx(75.4, abs=1e-12)
    assert (h.display_score, h.band) == (75.0, "green")


# --- batch scoring over every table kind ----------------------------------------------------


def check_result(score: list[Any], band: list[Any], coverage: list[Any], driver: list[Any]) -> None:
    assert score == pytest.approx(EXPECTED_SCORE, abs=1e-12)
    assert list(band) == EXPECTED_BAND
    assert list(coverage) == pytest.approx(EXPECTED_COVERAGE, abs=1e-15)
    assert [d if isinstance(d, str) else None for d in driver] == EXPECTED_DRIVER


def test_pyarrow_table_in_pyarrow_table_out(card: cs.Scorecard) -> None:
    table = pa.table({"id": ["a", "b", "c", "d"], **ROWS})
    out = card.score(table, as_of=DAY)
    assert isinstance(out, pa.Table)
    assert out.column_names == ["id", "utilisation", "tickets", "score", "band", "coverage", "driver"]
    check_result(*(out.column(c).to_pylist() for c in ("score", "band", "coverage", "driver")))


def test_record_batch_in_record_batch_out(card: cs.Scorecard) -> None:
    out = card.score(pa.RecordBatch.from_pydict(ROWS), as_of=DAY)
    assert isinstance(out, pa.RecordBatch)
    check_result(*(out.column(c).to_pylist() for c in ("score", "band", "coverage", "driver")))


def test_chunked_pyarrow_columns(card: cs.Scorecard) -> None:
    table = pa.concat_tables([pa.table(ROWS).slice(0, 1), pa.table(ROWS).slice(1)])
    assert table.column("tickets").num_chunks == 2
    out = card.score(table, as_of=DAY)
    check_result(*(out.column(c).to_pylist() for c in ("score", "band", "coverage", "driver")))


def test_pandas_in_pandas_out_keeps_the_index(card: cs.Scorecard) -> None:
    df = pd.DataFrame(ROWS, index=[10, 11, 12, 13])  # None becomes NaN: missing in pandas
    out = card.score(df, as_of=DAY)
    assert isinstance(out, pd.DataFrame)
    assert list(out.index) == [10, 11, 12, 13]
    check_result(list(out["score"]), list(out["band"]), list(out["coverage"]), list(out["driver"]))
    # Insufficient data is NaN in pandas (its null), never a computed NaN.
    assert out["band"].cat.categories.tolist() == ["red", "amber", "green"]


def test_polars_in_polars_out(card: cs.Scorecard) -> None:
    out = card.score(pl.DataFrame(ROWS), as_of=DAY)
    assert isinstance(out, pl.DataFrame)
    check_result(*(out[c].to_list() for c in ("score", "band", "coverage", "driver")))


def test_dict_of_numpy_arrays_in_numpy_out(card: cs.Scorecard) -> None:
    util = np.ma.masked_invalid(np.array([0.6, 1.0, 0.2, np.nan]))  # the mask marks missing
    cols = {"utilisation": util, "tickets": np.array([2, 0, 5, 0], dtype=np.int64)}
    out = card.score(cols, as_of=DAY)
    assert isinstance(out, dict)
    assert out["score"].dtype == np.float64
    check_result(list(out["score"]), list(out["band"]), list(out["coverage"]), list(out["driver"]))


def test_dict_of_lists_and_series(card: cs.Scorecard) -> None:
    out = card.score({"utilisation": ROWS["utilisation"], "tickets": pl.Series(ROWS["tickets"])}, as_of=DAY)
    check_result(list(out["score"]), list(out["band"]), list(out["coverage"]), list(out["driver"]))


def test_nan_in_a_table_is_missing_whatever_the_table_kind(card: cs.Scorecard) -> None:
    # One cell grammar: NaN in a float column is missing in numpy as in pandas (numpy NaN was an
    # error unless the card set nan_is_missing; that flag now only matters per account).
    cols = {"utilisation": np.array([0.5, np.nan]), "tickets": np.array([0.0, 0.0])}
    out = card.score(cols, as_of=DAY)
    assert list(out["score"]) == [0.75 * 50 + 25, 100.0]
    assert list(card.score(pd.DataFrame(cols), as_of=DAY)["score"]) == list(out["score"])
    lenient = cs.Scorecard.from_dict({**card.to_dict(), "nan_is_missing": True})
    assert list(lenient.score(cols, as_of=DAY)["score"]) == list(out["score"])
    # Infinity is still an error, named.
    with raises("inf"):
        card.score({"utilisation": np.array([0.5, np.inf]), "tickets": np.array([0.0, 0.0])}, as_of=DAY)


def test_insufficient_data_is_null_not_nan() -> None:
    card = cs.Scorecard.from_dict(
        {
            "schema_version": 1,
            "name": "strict",
            "min_coverage": 0.5,
            "measures": [
                {"name": "a", "weight": 1, "rule": {"kind": "linear", "min": 0, "max": 10}},
                {"name": "b", "weight": 3, "rule": {"kind": "linear", "min": 0, "max": 10}},
            ],
        }
    )
    out = card.score(pa.table({"a": [5.0, 5.0], "b": [None, 10.0]}), as_of=DAY)
    # Row 0: coverage 1/4 < 0.5: null score and band. Row 1: 0.25 × 50 + 0.75 × 100 = 87.5.
    assert out.column("score").to_pylist() == [None, 87.5]
    assert out.column("band").to_pylist() == [None, "green"]
    assert out.column("coverage").to_pylist() == [0.25, 1.0]


def test_categorical_and_boolean_measures() -> None:
    card = cs.Scorecard.from_dict(
        {
            "schema_version": 1,
            "name": "kinds",
            "measures": [
                {
                    "name": "stage",
                    "weight": 1,
                    "rule": {"kind": "categorical", "scores": {"live": 100, "onboarding": 40}},
                },
                {"name": "sponsor", "weight": 1, "rule": {"kind": "boolean", "when_false": 20}},
            ],
        }
    )
    table = {"stage": ["live", "onboarding", None], "sponsor": [True, False, False]}
    # (100 + 100) / 2, (40 + 20) / 2, stage missing -> sponsor alone 20.
    for kind in (pa.table(table), pd.DataFrame(table), pl.DataFrame(table), table):
        out = card.score(kind, as_of=DAY)
        scores = out["score"]
        assert list(np.asarray(scores, dtype=float)) == [100.0, 30.0, 20.0]
    polars_cat = pl.DataFrame(table).with_columns(pl.col("stage").cast(pl.Categorical))
    assert card.score(polars_cat, as_of=DAY)["score"].to_list() == [100.0, 30.0, 20.0]
    with raises('unknown category of measure stage "churned" at position 0 (known: live, onboarding)'):
        card.score({"stage": ["churned"], "sponsor": [True]}, as_of=DAY)


@pytest.mark.parametrize("offset", [0, 3, 8, 13])
def test_packed_arrow_booleans_are_read_at_any_offset(offset: int) -> None:
    # Arrow packs booleans 8 to a byte; a sliced array starts mid-byte unless its offset is a
    # multiple of 8. Every row must read its own bit, nulls included.
    card = cs.Scorecard.from_dict(
        {
            "schema_version": 1,
            "name": "sponsor",
            "measures": [{"name": "sponsor", "weight": 1, "rule": {"kind": "boolean", "when_false": 20}}],
        }
    )
    rng = np.random.default_rng(7)
    flags = [None if x < 0.1 else bool(x > 0.5) for x in rng.random(100)]
    sliced = pa.array(flags, type=pa.bool_()).slice(offset)
    out = card.score({"sponsor": sliced}, as_of=DAY)
    expected = [np.nan if f is None else (100.0 if f else 20.0) for f in flags[offset:]]
    np.testing.assert_array_equal(out["score"], expected)


# --- staleness and dates ----------------------------------------------------------------------


def test_stale_values_count_as_missing_and_future_dates_are_errors() -> None:
    card = cs.Scorecard.default()
    row = {
        "licence_utilisation": 0.9,
        "logins_per_user": 20.0,
        "high_priority_tickets": 0,
        "open_tickets": 0,
        "nps": 0,
        "days_since_last_touch": 3,
        "executive_sponsor": True,
    }
    fresh = card.explain({**row, "nps_date": "2026-01-01"}, as_of=DAY)
    stale = card.explain({**row, "nps_date": datetime.date(2025, 6, 29)}, as_of=DAY)  # 366 days
    # Fresh: NPS 0 scores 0 with weight 0.25 -> 75. Stale: renormalised away -> 100.
    assert fresh.score == pytest.approx(75.0, abs=1e-12)
    assert (stale.score, stale.stale, stale.coverage) == (100.0, ["nps"], 0.75)
    with raises("nps_date 2026-07-01 is invalid: is after the scoring date 2026-06-30"):
        card.explain({**row, "nps_date": np.datetime64("2026-07-01")}, as_of=DAY)
    table = pa.table({k: [v] for k, v in row.items()} | {"nps_date": ["2026-07-01"]})
    with raises("nps_date 2026-07-01 at position 0 is invalid: is after the scoring date 2026-06-30"):
        card.score(table, as_of=DAY)
    # as_of in every accepted spelling.
    for as_of in ("2026-06-30", DAY, datetime.datetime(2026, 6, 30, 12), np.datetime64("2026-06-30")):
        assert card.explain({**row, "nps_date": "2025-06-29"}, as_of=as_of) == stale


# --- explanations, Python == Rust -------------------------------------------------------------


def test_explain_hand_computed(card: cs.Scorecard) -> None:
    h = card.explain({"utilisation": 0.6, "tickets": 2, "account_id": "ignored"}, as_of=DAY)
    assert (h.score, h.band, h.coverage, h.driver) == (57.5, "amber", 1.0, "utilisation")
    by_measure = {c["measure"]: c for c in h.contributions}
    assert by_measure["utilisation"] == {
        "measure": "utilisation",
        "group": "Adoption",
        "raw": 0.6,
        "status": "present",
        "measure_score": pytest.approx(60.0),
        "nominal_weight": 0.75,
        "effective_weight": 0.75,
        "points": pytest.approx(45.0),
    }
    assert by_measure["tickets"]["points"] == 12.5
    assert sum(c["points"] for c in h.contributions) == pytest.approx(h.score, abs=1e-12)
    assert h.points_of("tickets") == 12.5
    assert pickle.loads(pickle.dumps(h)) == h
    assert cs.HealthScore.from_json(h.to_json()) == h
    assert h.to_dict()["as_of"] == "2026-06-30"
    assert h.as_of == DAY
    assert repr(h).startswith('HealthScore(score=57.5, band="amber"')


def test_explain_accepts_observation_dicts(card: cs.Scorecard) -> None:
    h = card.explain({"utilisation": {"value": 0.6, "observed": "2026-06-01"}, "tickets": None}, as_of=DAY)
    assert (h.score, h.missing) == (60.0, ["tickets"])


def test_batch_equals_per_account_explain_on_the_synthetic_portfolio() -> None:
    card = cs.Scorecard.default()
    table = cs.synthetic_portfolio(400, seed=7, as_of=DAY)
    out = card.score(table, as_of=DAY)
    for row in out.to_pylist():
        h = card.explain(row, as_of=DAY)
        assert h.score == row["score"]  # bit for bit: one kernel
        assert h.band == row["band"]
        assert h.coverage == row["coverage"]
        assert h.driver == row["driver"]
        if h.score is not None:
            assert sum(c["points"] for c in h.contributions) == pytest.approx(h.score, abs=1e-9)


def test_python_equals_the_cli_on_the_sample_portfolio(cs_binary: Path, tmp_path: Path) -> None:
    sample = ROOT / "examples" / "data" / "portfolio.csv"
    out_csv = tmp_path / "scored.csv"
    subprocess.run(
        [cs_binary, "score", sample, "--as-of", "2026-06-30", "-o", out_csv],
        check=True,
        capture_output=True,
    )
    rust = pd.read_csv(out_csv, float_precision="round_trip")
    frame = pd.read_csv(sample, float_precision="round_trip")  # exact parsing, as Rust
    python = cs.Scorecard.default().score(frame, as_of="2026-06-30")
    assert python["score"].tolist() == rust["score"].tolist()

    def labels(column: pd.Series) -> list[object]:  # text with None for missing, any pandas
        return column.astype(object).where(column.notna(), None).tolist()

    assert labels(python["band"]) == labels(rust["band"])
    assert labels(python["driver"]) == labels(rust["driver"])


# --- trends, overrides, sets ------------------------------------------------------------------


def test_trend_and_change_explanation(card: cs.Scorecard) -> None:
    before = card.explain({"utilisation": 1.0, "tickets": 0}, as_of="2026-04-01")  # 100
    after = card.explain({"utilisation": 0.6, "tickets": 2}, as_of="2026-06-30")  # 57.5
    trend = cs.health_trend([after, before])
    assert trend["delta"] == -42.5
    assert (trend["direction"], trend["from_band"], trend["to_band"], trend["band_changed"]) == (
        "down",
        "green",
        "amber",
        True,
    )
    # utilisation 75 -> 45 points (-30), tickets 25 -> 12.5 (-12.5); largest move first.
    assert [(c["measure"], c["change"]) for c in trend["changes"]] == [
        ("utilisation", -30.0),
        ("tickets", -12.5),
    ]
    assert cs.explain_change(before, after) == trend["changes"]
    # A window of 30 days holds only the latest score: delta 0.
    assert cs.health_trend([before, after], window_days=30)["delta"] == 0.0
    with raises("health history is empty"):
        cs.health_trend([])


def test_overrides(card: cs.Scorecard) -> None:
    h = card.explain({"utilisation": 1.0, "tickets": 0}, as_of=DAY)
    manual = {
        "score": 30,
        "reason": "sponsor left",
        "author": "dana",
        "expires": "2026-07-31",
        "lower_only": True,
    }
    low = h.with_override(manual, card)
    assert (low.score, low.band, low.override_outcome["status"]) == (30.0, "red", "applied")
    expired = h.with_override({**manual, "expires": datetime.date(2026, 6, 1)}, card)
    assert (expired.score, expired.override_outcome["status"]) == (100.0, "expired")
    raised = card.explain({"utilisation": 0.2, "tickets": 5}, as_of=DAY).with_override(
        {**manual, "score": 90}, card
    )
    assert raised.override_outcome["status"] == "not_lower"
    with raises("override reason is missing"):
        h.with_override({**manual, "reason": " "}, card)


def test_scorecard_set_assigns_by_segment(card: cs.Scorecard) -> None:
    usage = {
        "schema_version": 1,
        "name": "usage",
        "measures": [{"name": "utilisation", "weight": 1, "rule": {"kind": "linear", "min": 0, "max": 1}}],
    }
    doc = {
        "schema_version": 1,
        "default": "simple",
        "scorecards": [card.to_dict(), usage],
        "assignments": [{"scorecard": "usage", "when": {"segment": ["Community"]}}],
    }
    cards = cs.ScorecardSet.from_dict(doc)
    assert cs.ScorecardSet.from_toml(cards.to_toml()) == cards
    assert pickle.loads(pickle.dumps(cards)) == cards
    assert cards.attribute_names == ["segment"]
    table = pd.DataFrame(
        {"segment": ["Community", "Enterprise"], "utilisation": [0.6, 0.6], "tickets": [2, 2]}
    )
    out = cards.score(table, as_of=DAY)
    # Community: usage card, 60. Enterprise: the default card, 57.5.
    assert out["score"].tolist() == [60.0, 57.5]
    assert out["scorecard"].astype(str).tolist() == ["usage", "simple"]
    assert cards.explain(table.iloc[0].to_dict(), as_of=DAY).score == 60.0
    assert cards.card_for({"segment": "Strategic"}).name == "simple"


# --- rollups and the synthetic portfolio ------------------------------------------------------


def test_rollup_hand_computed() -> None:
    scored = pd.DataFrame(
        {
            "csm": ["ann", "ann", "bo", "bo"],
            "score": [80.0, 40.0, None, 90.0],
            "band": ["green", "red", None, "green"],
            "arr": [100_00, 300_00, 50_00, 100_00],
        }
    )
    all_ = cs.health_rollup(scored, arr="arr")
    # Scored: 3; green 2/3; ARR-weighted (100·80 + 300·40 + 100·90) / 500 = 58; green ARR 200/500.
    assert all_["accounts"][0] == 4 and all_["insufficient"][0] == 1
    assert all_["green_share"][0] == pytest.approx(2 / 3)
    assert all_["mean"][0] == pytest.approx(70.0)
    assert all_["arr_weighted_mean"][0] == pytest.approx(58.0)
    assert all_["green_arr_share"][0] == pytest.approx(0.4)
    by = cs.health_rollup(pl.from_pandas(scored), by="csm", arr="arr", bands=cs.Scorecard.default())
    assert isinstance(by, pl.DataFrame)
    assert by["csm"].to_list() == ["ann", "bo"]
    assert by["mean"].to_list() == [60.0, 90.0]
    assert by["red_count"].to_list() == [1, 0]
    assert "arr" not in cs.health_rollup(pa.Table.from_pandas(scored)).column_names


def test_synthetic_portfolio_is_deterministic_in_every_kind() -> None:
    a = cs.synthetic_portfolio(50, seed=3, as_of=DAY)
    assert a.num_rows == 50 and a.column("account_id")[0].as_py() == "ACC-0000001"
    assert cs.synthetic_portfolio(10, seed=3, as_of=DAY).equals(a.slice(0, 10))
    assert cs.synthetic_portfolio(5, as_of=DAY, kind="pandas").shape == (5, 18)
    assert isinstance(cs.synthetic_portfolio(5, as_of=DAY, kind="polars"), pl.DataFrame)
    assert cs.synthetic_portfolio(3, as_of=DAY).column("arr").to_pylist() == [358_558, 770_684, 624_402]
    with raises("n -1 is outside 0..=200000000"):
        cs.synthetic_portfolio(-1)


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "msg"),
    [
        (
            {"measures": [{"name": "x", "weight": -1, "rule": {"kind": "boolean"}}]},
            "measure x weight -1 is outside",
        ),
        (
            {"measures": [{"name": "x", "weight": 0, "rule": {"kind": "boolean"}}]},
            "weights 0 is invalid: all weights are zero",
        ),
        ({"colour": "red"}, "unknown field `colour`"),
        ({"schema_version": 2}, "scorecard schema_version 2 is not supported (this version reads 1)"),
        (
            {"bands": [{"name": "red", "min": 0, "max": 60}, {"name": "green", "min": 50, "max": 100}]},
            "band green min 50 is invalid: overlaps band red which ends at 60",
        ),
        (
            {"measures": [{"name": "x", "weight": 1, "rule": {"kind": "linear", "min": 1, "max": 0}}]},
            "measure x max 0 is invalid: must exceed min 1",
        ),
    ],
)
def test_bad_documents_raise(card: cs.Scorecard, change: dict[str, Any], msg: str) -> None:
    doc = {**card.to_dict(), **change}
    if "measures" in change:
        doc.pop("groups")
    with pytest.raises(cs.CsError, match=re.escape(msg)):
        cs.Scorecard.from_dict(doc)


def test_bad_toml_and_json_raise() -> None:
    with raises("invalid TOML document: scorecard"):
        cs.Scorecard.from_toml("schema_version = 1\nname = ")
    with raises("invalid JSON document: scorecard"):
        cs.Scorecard.from_json("{")


def test_bad_tables_raise(card: cs.Scorecard) -> None:
    with raises('unknown column "tickets" (known: utilisation)'):
        card.score({"utilisation": [0.5]}, as_of=DAY)
    with raises("column utilisation has 2 rows, expected 1"):
        card.score({"utilisation": [0.5, 0.6], "tickets": [1.0]}, as_of=DAY)
    with raises('column tickets value "two" at position 0 is invalid: expected a number'):
        card.score(pa.table({"utilisation": [0.5], "tickets": ["two"]}), as_of=DAY)
    # Numeric text is a number by the one cell grammar, as in a CSV file.
    text = pa.table(card.score(pa.table({"utilisation": ["0.5"], "tickets": [" 1 "]}), as_of=DAY))
    plain = pa.table(card.score(pa.table({"utilisation": [0.5], "tickets": [1.0]}), as_of=DAY))
    assert text.column("score").to_pylist() == plain.column("score").to_pylist()
    with raises("measure tickets inf at position 1 is invalid: must be a finite number"):
        card.score({"utilisation": [0.5, 0.5], "tickets": [1.0, np.inf]}, as_of=DAY)
    with raises('as_of "30/06/2026" is invalid: expected a date'):
        card.score({"utilisation": [0.5], "tickets": [1.0]}, as_of="30/06/2026")
    with raises('measure tickets category is invalid: the "steps" rule reads a number value'):
        card.explain({"utilisation": 0.5, "tickets": "two"}, as_of=DAY)
    with raises("account"):
        card.explain([0.5, 1.0], as_of=DAY)
    with raises('unknown band "blue"'):
        cs.health_rollup({"score": [50.0], "band": ["blue"]})
    # ARR by the cell grammar (as in cs score and revenue snapshots): whole floats (pandas'
    # integers with nulls) are minor units, a fraction or a missing cell is an error.
    with raises("column arr value 1.5 at position 0 is invalid: expected a whole number"):
        cs.health_rollup({"score": [50.0], "band": ["red"], "arr": [1.5]}, arr="arr")
    with raises("arr is missing at position 1"):
        cs.health_rollup({"score": [50.0, 60.0], "band": ["red", "red"], "arr": [100, None]}, arr="arr")
    whole = pa.table(cs.health_rollup({"score": [50.0], "band": ["red"], "arr": [100.0]}, arr="arr"))
    assert whole.column("arr").to_pylist() == [100]


def test_errors_are_value_errors(card: cs.Scorecard) -> None:
    with pytest.raises(ValueError):
        card.band_of(101)


@pytest.mark.parametrize(
    "column",
    [np.array([1, 2]), pa.array([1, 2]), pd.Series([1, 2]), pl.Series([1, 2]), ["true", "t"]],
    ids=["numpy", "pyarrow", "pandas", "polars", "text"],
)
def test_a_boolean_measure_reads_flags_by_the_one_grammar(column: Any) -> None:
    # 2 was read as True (nonzero); "t" was a type error. Now both name the cell, as the CLI does.
    card = cs.Scorecard.default()
    cols: dict[str, Any] = {m: np.array([0.5, 0.6]) for m in card.measure_names}
    cols["executive_sponsor"] = column
    with raises("column executive_sponsor value"):
        card.score(cols, as_of=DAY)
    cols["executive_sponsor"] = np.array([1, 0]) if not isinstance(column, list) else ["TRUE", "0"]
    flags = card.score(cols, as_of=DAY)["score"]
    cols["executive_sponsor"] = np.array([True, False])
    assert list(card.score(cols, as_of=DAY)["score"]) == list(flags)
