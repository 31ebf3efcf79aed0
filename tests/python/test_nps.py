"""NPS from Python: hand-computed values, every input type, agreement with the Rust CLI, and
every bad input raising cs.CsError."""

from __future__ import annotations

import json
import math
import pickle
import re
import subprocess
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import cs_core as cs

ANSWERS = [10, 9, 9, 8, 7, 6, 0]  # 3 promoters, 2 passives, 2 detractors


def reference(answers: list[int], confidence: float = 0.95) -> dict[str, float]:
    """The textbook formulas, written out independently in Python."""
    n = len(answers)
    p = sum(a >= 9 for a in answers) / n
    d = sum(a <= 6 for a in answers) / n
    score = 100 * (p - d)
    se = 100 * math.sqrt((p + d - (p - d) ** 2) / n)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    return {
        "score": score,
        "se": se,
        "moe": z * se,
        "low": max(-100, score - z * se),
        "high": min(100, score + z * se),
    }


def test_hand_computed_score_and_statistics() -> None:
    r = cs.nps(ANSWERS)
    # (3 - 2) / 7 = 14.2857 points; var = 5/7 - (1/7)^2 = 34/49; SE = 100 * sqrt(34/49/7).
    assert (r.promoters, r.passives, r.detractors, r.responses) == (3, 2, 2, 7)
    assert r.score == pytest.approx(100 / 7, abs=1e-12)
    assert r.standard_error == pytest.approx(100 * math.sqrt(34 / 49 / 7), abs=1e-12)
    ref = reference(ANSWERS, 0.9)
    assert r.margin_of_error(0.9) == pytest.approx(ref["moe"], abs=1e-12)
    assert r.confidence_interval(0.9) == pytest.approx((ref["low"], ref["high"]), abs=1e-12)


@pytest.mark.parametrize(
    "column",
    [
        ANSWERS,
        tuple(ANSWERS),
        np.array(ANSWERS, dtype=np.uint8),
        np.array(ANSWERS, dtype=np.int8),
        np.array(ANSWERS, dtype=np.int16),
        np.array(ANSWERS, dtype=np.int32),
        np.array(ANSWERS, dtype=np.int64),
        np.array(ANSWERS, dtype=np.uint64),
        np.array(ANSWERS, dtype=np.float64),
        np.array(ANSWERS * 2, dtype=np.int64)[::2],  # not contiguous
        pa.array(ANSWERS),
        pa.array(ANSWERS, type=pa.int8()),
        pa.chunked_array([ANSWERS[:3], ANSWERS[3:]]),
        pd.Series(ANSWERS),
        pd.Series(ANSWERS, dtype="Int64"),
        pd.Series(ANSWERS, dtype="int32[pyarrow]"),
        pl.Series(ANSWERS),
        pl.Series(ANSWERS, dtype=pl.UInt8),
    ],
    ids=lambda c: type(c).__module__ + "." + type(c).__name__ + ":" + str(getattr(c, "dtype", "")),
)
def test_every_column_type_gives_the_same_result(column: object) -> None:
    assert cs.nps(column) == cs.nps_from_counts(3, 2, 2)


def test_numpy_input_is_not_copied_or_modified() -> None:
    arr = np.array(ANSWERS, dtype=np.uint8)
    arr.flags.writeable = False  # a read-only view must be accepted as is
    assert cs.nps(arr).responses == 7


def test_large_numpy_column_counts_in_parallel_and_matches_bincount() -> None:
    rng = np.random.default_rng(7)
    arr = rng.integers(0, 11, size=3_000_001, dtype=np.uint8)
    counts = np.bincount(arr, minlength=11)
    r = cs.nps(arr)
    assert (r.promoters, r.passives, r.detractors) == (
        counts[9:].sum(),
        counts[7:9].sum(),
        counts[:7].sum(),
    )


def test_missing_answers_raise_or_are_skipped() -> None:
    with pytest.raises(cs.CsError, match="nps score is missing at position 1"):
        cs.nps([9, None, 3])
    with pytest.raises(cs.CsError, match="nps score is missing at position 1"):
        cs.nps(np.array([9, np.nan, 3]))
    r = cs.nps(pd.Series([9, None, 3], dtype="Int64"), skip_missing=True)
    assert (r.responses, r.skipped, r.score) == (2, 1, 0.0)
    r = cs.nps(pl.Series([9, None, 3, None]), skip_missing=True)
    assert (r.responses, r.skipped) == (2, 2)


def test_positions_are_global_across_chunks() -> None:
    chunked = pa.chunked_array([[9, 9, 9], [10, 11]])
    with pytest.raises(cs.CsError, match=r"nps score 11 at position 4 is outside 0\.\.=10"):
        cs.nps(chunked)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cs.nps([9, 10, 3, 11]), "nps score 11 at position 3 is outside 0..=10"),
        (lambda: cs.nps([-1]), "nps score -1 at position 0 is outside 0..=10"),
        (lambda: cs.nps([9.5]), "nps score 9.5 at position 0 is outside 0..=10"),
        (lambda: cs.nps(np.array([300], dtype=np.int64)), "nps score 300 at position 0 is outside 0..=10"),
        (lambda: cs.nps([]), "nps score is empty: at least one value is needed"),
        (lambda: cs.nps(np.array([], dtype=np.uint8)), "nps score is empty"),
        (lambda: cs.nps([None], skip_missing=True), "nps answers is empty"),
        (lambda: cs.nps(["nine"]), "column nps score"),
        (lambda: cs.nps(np.zeros((2, 2), dtype=np.uint8)), "2-dimensional array"),
        (
            lambda: cs.nps(np.array(["nine"])),
            'column nps score value "nine" at position 0 is invalid: expected a number',
        ),
        (lambda: cs.nps([None, None]), "nps score is missing at position 0"),
        (lambda: cs.nps_from_counts(0, 0, 0), "nps answers is empty"),
        (lambda: cs.nps(ANSWERS).margin_of_error(1.0), "confidence level 1 is outside the open interval"),
        (lambda: cs.nps(ANSWERS).confidence_interval(0.0), "confidence level 0 is outside"),
        (lambda: cs.nps(ANSWERS).confidence_interval(float("nan")), "confidence level NaN is outside"),
        (lambda: cs.csat([4, 6]), "csat rating 6 at position 1 is outside 1..=5"),
        (lambda: cs.csat([4.0, float("nan")]), "csat rating is missing at position 1"),
        (lambda: cs.csat([4], threshold=7), "csat threshold 7 is outside 1..=5"),
        (lambda: cs.nps_calibration([9, 8], [9]), "column actual has 1 rows, expected 2"),
        (lambda: cs.nps_calibration(["fan"], [9]), 'unknown nps category "fan"'),
        (lambda: cs.nps_calibration([12], [9]), "nps score 12 at position 0 is outside 0..=10"),
        (lambda: cs.nps_calibration([None], [9]), "perceived vs actual pairs is empty"),
        (lambda: cs.nps_by({"score": [9]}, by="segment"), 'unknown column "segment" (known: score)'),
        (lambda: cs.nps_by({"score": [9], "date": ["x"]}, period="week"), 'unknown period "week"'),
        (lambda: cs.nps_by({"score": [9, 12]}), "score 12 at position 1 is outside 0..=10"),
        (lambda: cs.NpsResult.from_json('{"promoters": 1}'), "invalid JSON document"),
    ],
)
def test_bad_input_raises_cs_error_with_the_rust_message(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(cs.CsError, match=re.escape(message)) as info:
        call()
    assert isinstance(info.value, ValueError)


def test_comparison_matches_the_normal_test() -> None:
    a, b = cs.nps_from_counts(60, 20, 20), cs.nps_from_counts(45, 30, 25)
    c = cs.nps_compare(a, b)
    se = math.hypot(a.standard_error, b.standard_error)
    z = (a.score - b.score) / se
    assert c.difference == pytest.approx(20.0, abs=1e-12)
    assert c.z == pytest.approx(z, abs=1e-12)
    assert c.p_value == pytest.approx(2 * (1 - NormalDist().cdf(abs(z))), abs=1e-12)
    same = cs.nps_from_counts(5, 0, 0)
    assert (same.compare(same).z, same.compare(same).p_value) == (None, None)


def test_result_round_trips_and_prints() -> None:
    r = cs.nps(ANSWERS)
    assert pickle.loads(pickle.dumps(r)) == r
    assert cs.NpsResult.from_json(r.to_json()) == r
    assert hash(r) == hash(cs.nps_from_counts(3, 2, 2))
    d = r.to_dict()
    assert d["responses"] == 7 and d["ci_low"] < d["score"] < d["ci_high"]
    assert repr(r).startswith("NpsResult(score=14.3, 95% CI [")


def test_csat_and_calibration() -> None:
    c = cs.csat(pa.array([5, 4, 3.5, 2]))
    assert (c.satisfied, c.responses, c.score) == (2, 4, 50.0)
    assert c.margin_of_error() == pytest.approx(NormalDist().inv_cdf(0.975) * 100 * math.sqrt(0.25 / 4))
    cal = cs.nps_calibration([9, "promoter", None, 8, "Detractor"], [10, 4, 5, 6, 2])
    # pairs: (9,10) match gap -1; (promoter,4) miss; (8,6) miss gap +2; (detractor,2) match.
    assert (cal.pairs, cal.matches, cal.hidden_detractors) == (4, 2, 2)
    assert cal.mean_signed_gap == pytest.approx(0.5)
    assert cal.confusion == [[1, 0, 0], [1, 0, 0], [1, 0, 1]]


def survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "score": [10, 3, 9, 8, 10, 6, 7],
            "segment": ["smb", "smb", "ent", "ent", "smb", "ent", None],
            "date": pd.to_datetime(
                [
                    "2026-01-05",
                    "2026-02-11",
                    "2026-04-02",
                    "2026-05-20",
                    "2026-06-01",
                    "2026-06-30",
                    "2026-07-01",
                ]
            ),
        }
    )


def test_nps_by_returns_the_callers_table_type() -> None:
    df = survey()
    out = cs.nps_by(df, by="segment")
    assert isinstance(out, pd.DataFrame)
    assert isinstance(cs.nps_by(pl.from_pandas(df), by="segment"), pl.DataFrame)
    assert isinstance(cs.nps_by(pa.Table.from_pandas(df), by="segment"), pa.Table)
    assert isinstance(cs.nps_by({"score": np.array([9, 3]), "k": ["a", "b"]}, by="k"), pa.Table)
    # Null keys form their own group, first; each group equals cs.nps of its rows.
    assert out["segment"].isna().tolist() == [True, False, False]
    for _, row in out.iterrows():
        key = row["segment"]
        rows = df[df["segment"].isna()] if pd.isna(key) else df[df["segment"] == key]
        expected = cs.nps(rows["score"])
        assert row["responses"] == expected.responses
        assert row["nps"] == pytest.approx(expected.score, abs=1e-12)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(expected.confidence_interval(), abs=1e-12)


def test_nps_by_period_and_several_keys() -> None:
    df = survey().dropna()
    out = cs.nps_by(df, by=["segment"], period="quarter")
    assert out[["segment", "period"]].values.tolist() == [
        ["ent", "2026-Q2"],
        ["smb", "2026-Q1"],
        ["smb", "2026-Q2"],
    ]
    trend = cs.nps_by(df, period="month", confidence=0.9)
    assert trend["period"].tolist() == ["2026-01", "2026-02", "2026-04", "2026-05", "2026-06"]
    assert trend["responses"].sum() == len(df)


def test_python_and_rust_cli_agree(cs_binary: Path) -> None:
    csv = Path(__file__).resolve().parents[2] / "examples" / "data" / "survey.csv"
    cli = json.loads(
        subprocess.run(
            [str(cs_binary), "nps", str(csv), "--by", "segment", "--json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    py = cs.nps_by(pd.read_csv(csv), by="segment")
    assert [g["segment"] for g in cli["groups"]] == py["segment"].tolist()
    for g, (_, row) in zip(cli["groups"], py.iterrows(), strict=True):
        assert g["responses"] == row["responses"]
        assert g["nps"] == row["nps"]  # bit-identical: one definition
        assert g["ci_low"] == row["ci_low"] and g["ci_high"] == row["ci_high"]
    assert cli["total"]["nps"] == cs.nps(pd.read_csv(csv)["score"]).score


def test_text_answers_follow_the_cell_grammar() -> None:
    # Numeric text is a number, as in a CSV file, whatever holds it; blank text is missing.
    want = cs.nps([10, 9, 3]).score
    assert cs.nps(np.array(["10", "9", "3"])).score == want
    assert cs.nps(pa.array(["10", " 9", "3", ""]), skip_missing=True).score == want
    assert cs.nps(pd.Series(["10", "9", "3"])).score == want


def _adjusted_wald(p: int, q: int, d: int, z: float) -> tuple[float, float]:
    """The adjusted Wald interval from its definition (Rocks 2016), independently of the library."""
    n = p + q + d + 3
    pp, dd = (p + 0.75) / n, (d + 0.75) / n
    se = math.sqrt((pp + dd - (pp - dd) ** 2) / n)
    return max(-100.0, 100 * (pp - dd - z * se)), min(100.0, 100 * (pp - dd + z * se))


def test_adjusted_wald_interval_does_not_collapse(cs_binary: Path) -> None:
    z = NormalDist().inv_cdf(0.975)
    all_promoters = cs.nps([10, 9, 10])
    assert all_promoters.confidence_interval() == (100.0, 100.0)  # Wald collapses: "+100 ± 0"
    low, high = all_promoters.confidence_interval(method="adjusted_wald")
    assert (low, high) == pytest.approx(_adjusted_wald(3, 0, 0, z), abs=1e-9)
    assert high - low > 50
    table = pd.DataFrame({"score": [10, 9, 10, 3, 8, 9], "segment": ["a", "a", "a", "b", "b", "b"]})
    out = cs.nps_by(table, by="segment", interval="adjusted_wald")
    assert out["ci_low"][0] == pytest.approx(_adjusted_wald(3, 0, 0, z)[0], abs=1e-9)
    assert out["ci_high"][1] == pytest.approx(_adjusted_wald(1, 1, 1, z)[1], abs=1e-9)
    # The margin from the counts is the column's (the Spark helper rebuilds it that way).
    ab = cs.nps_from_counts(1, 1, 1)
    assert ab.margin_of_error(0.95, "adjusted_wald") == out["margin_of_error"][1]
    assert ab.margin_of_error(0.95, "adjusted_wald") != ab.margin_of_error(0.95)
    assert ab.margin_of_error() == cs.nps_by(table, by="segment")["margin_of_error"][1]
    with pytest.raises(cs.CsUnknownError, match='unknown interval method "wilson"'):
        cs.nps_by(table, interval="wilson")
    # The command line computes the same interval.
    path = Path(__import__("tempfile").mkdtemp()) / "s.csv"
    table.to_csv(path, index=False)
    run = subprocess.run(
        [str(cs_binary), "nps", str(path), "--by", "segment", "--interval", "adjusted-wald", "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    doc = json.loads(run.stdout)
    assert doc["interval"] == "adjusted_wald"
    assert [g["ci_low"] for g in doc["groups"]] == out["ci_low"].tolist()
