"""Scorecard.fit_weights: weights fitted to renewal outcomes, with the evidence (held-out AUC of
both cards, DeLong interval and paired test) checked against the statistics functions and an
independent AUC."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import cs_core as cs

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / "examples" / "data" / "omnico" / "renewal_health.parquet"

TWO_SIGNALS = """
schema_version = 1
name = "two signals"
[[measures]]
name = "usage"
weight = 50
rule = { kind = "linear", min = 0.0, max = 1.0 }
[[measures]]
name = "noise"
weight = 50
rule = { kind = "linear", min = 0.0, max = 1.0 }
"""


def two_signals(n: int = 400, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    churned = rng.random(n) < 0.3
    usage = np.clip(np.where(churned, 0.35, 0.65) + rng.normal(0, 0.15, n), 0, 1)
    return pd.DataFrame({"usage": usage, "noise": rng.random(n), "churned": churned})


def mann_whitney_auc(scores: np.ndarray, churned: np.ndarray) -> float:
    """AUC with healthier = higher: P(score of a renewal > score of a churner), ties one half."""
    kept, lost = scores[~churned], scores[churned]
    greater = (kept[:, None] > lost[None, :]).sum()
    ties = (kept[:, None] == lost[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(kept) * len(lost)))


def test_the_signal_gets_the_weight_and_the_evidence_says_so() -> None:
    card = cs.Scorecard.from_toml(TWO_SIGNALS)
    fit = card.fit_weights(two_signals(), as_of="2026-06-30")
    weights = {w["name"]: w["proposed"] for w in fit.weights}
    assert weights["usage"] > 80 and weights["usage"] + weights["noise"] == 100
    assert fit.training["auc_proposed"] >= fit.training["auc_current"]
    assert fit.verdict == "better"
    difference, z, p = fit.comparison
    assert difference > 0 and z is not None and p is not None and p < 0.05
    assert fit.holdout_proposed[1] <= fit.holdout_proposed[0] <= fit.holdout_proposed[2]
    assert fit.unscored == 0 and fit.evaluations >= 1
    assert "usage" in fit._repr_html_() and "DeLong" in fit._repr_html_()
    assert "WeightFit(" in repr(fit)
    # The proposed card is a Scorecard with the weights, the rules kept.
    doc = fit.scorecard.to_dict()
    assert [m["weight"] for m in doc["measures"]] == [weights["usage"], weights["noise"]]
    assert doc["measures"][0]["rule"] == card.to_dict()["measures"][0]["rule"]
    assert json.loads(fit.to_json()) == fit.to_dict()


def test_held_out_aucs_are_those_of_an_independent_computation() -> None:
    card = cs.Scorecard.from_toml(TWO_SIGNALS)
    data = two_signals(seed=3)
    fit = card.fit_weights(data, as_of="2026-06-30")
    rows = fit.held_out_rows
    assert rows.dtype == np.int64 and len(rows) == fit.holdout["accounts"]
    assert np.all(np.diff(rows) > 0)
    held = data.iloc[rows]
    churned = held["churned"].to_numpy()
    assert int(churned.sum()) == fit.holdout["churned"]
    for scorecard, auc, interval in [
        (card, fit.holdout["auc_current"], fit.holdout_current),
        (fit.scorecard, fit.holdout["auc_proposed"], fit.holdout_proposed),
    ]:
        scores = np.asarray(scorecard.score(held, as_of="2026-06-30")["score"], dtype=float)
        assert auc == pytest.approx(mann_whitney_auc(scores, churned), abs=1e-12)
        assert interval == pytest.approx(cs.roc_auc_ci(scores, churned, direction="health"), abs=1e-12)
    current = np.asarray(card.score(held, as_of="2026-06-30")["score"], dtype=float)
    proposed = np.asarray(fit.scorecard.score(held, as_of="2026-06-30")["score"], dtype=float)
    compare = cs.roc_auc_compare(proposed, current, churned, direction="health")
    assert fit.comparison == pytest.approx(compare, abs=1e-12)
    # One scoring: the search cannot move, the proposal is the current card and the test has
    # nothing to compare.
    still = card.fit_weights(data, as_of="2026-06-30", max_evaluations=1)
    assert [w["proposed"] for w in still.weights] == [50.0, 50.0]
    assert still.comparison == (0.0, None, None) and still.verdict == "no_evidence"


def test_the_split_is_seeded_stratified_and_sized() -> None:
    history = pq.read_table(HISTORY)
    card = cs.Scorecard.default()
    a = card.fit_weights(history, as_of="2026-06-30", seed=11)
    b = card.fit_weights(history, as_of="2026-06-30", seed=11)
    c = card.fit_weights(history, as_of="2026-06-30", seed=12)
    assert a.to_dict() == b.to_dict()
    assert a.holdout != c.holdout or a.training != c.training
    churned = int(np.sum(history.column("churned").to_numpy()))
    rows = history.num_rows - a.unscored
    assert a.training["accounts"] + a.holdout["accounts"] == rows
    assert a.training["churned"] + a.holdout["churned"] == churned
    assert a.holdout["churned"] == round(0.3 * churned) or abs(a.holdout["churned"] - 0.3 * churned) <= 1
    small = card.fit_weights(history, as_of="2026-06-30", holdout=0.1)
    assert small.holdout["accounts"] < a.holdout["accounts"]


def test_polars_and_dicts_of_numpy_columns_give_the_same_fit() -> None:
    import polars as pl

    card = cs.Scorecard.from_toml(TWO_SIGNALS)
    data = two_signals(seed=4)
    expected = card.fit_weights(data, as_of="2026-06-30").to_dict()
    assert card.fit_weights(pl.from_pandas(data), as_of="2026-06-30").to_dict() == expected
    columns = {k: data[k].to_numpy() for k in data.columns}
    assert card.fit_weights(columns, as_of="2026-06-30").to_dict() == expected


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({"holdout": 1.5}, ["holdout", "1.5"]),
        ({"holdout": float("nan")}, ["holdout"]),
        ({"confidence": 1.0}, ["confidence"]),
        ({"seed": -1}, ["seed", "-1"]),
        ({"max_evaluations": 0}, ["max_evaluations", "0"]),
        ({"outcome": "renewed"}, ["renewed"]),
    ],
)
def test_bad_arguments_are_named(kwargs: dict, names: list[str]) -> None:
    card = cs.Scorecard.from_toml(TWO_SIGNALS)
    with pytest.raises(cs.CsError) as e:
        card.fit_weights(two_signals(), as_of="2026-06-30", **kwargs)
    for name in names:
        assert name in str(e.value)


def test_a_bad_outcome_cell_and_too_few_churners_are_named() -> None:
    card = cs.Scorecard.from_toml(TWO_SIGNALS)
    data = two_signals()
    data["churned"] = data["churned"].map({True: "true", False: "false"})
    data.loc[5, "churned"] = "perhaps"
    with pytest.raises(cs.CsError, match="perhaps"):
        card.fit_weights(data, as_of="2026-06-30")
    few = two_signals().assign(churned=False)
    few.loc[0, "churned"] = True
    with pytest.raises(cs.CsError, match="churned"):
        card.fit_weights(few, as_of="2026-06-30")


def test_health_history_by_hand() -> None:
    card = cs.Scorecard.from_toml(
        'schema_version = 1\nname = "u"\n[[measures]]\nname = "usage"\nweight = 1\n'
        'rule = { kind = "linear", min = 0.0, max = 1.0 }\n'
    )
    history = pd.DataFrame(
        {
            "account_id": ["a", "b", "c", "a", "b", "d"],
            "date": pd.to_datetime(["2026-05-31"] * 3 + ["2026-06-30"] * 3).date,
            "usage": [0.9, 0.2, 0.6, 0.3, 0.1, None],
            "arr": [100, 300, 200, 100, 300, 400],
        }
    )
    h = card.health_history(history, arr="arr")
    assert h["bands"] == ["red", "amber", "green"]
    assert [m["key"] for m in h["mix"]] == ["2026-05-31", "2026-06-30"]
    assert h["mix"][0]["band_counts"] == [1, 1, 1]
    assert h["mix"][1]["band_counts"] == [2, 0, 0] and h["mix"][1]["insufficient"] == 1
    assert h["mix"][1]["insufficient_arr_share"] == pytest.approx(400 / 800)
    step = h["transitions"]["steps"][0]
    assert step["counts"][2][0] == 1 and step["counts"][0][0] == 1
    assert step["shares"][2] == [1.0, 0.0, 0.0, 0.0]
    assert (step["stayed"], step["moved"], step["moved_share"]) == (2, 1, 0.5)
    assert step["left"] == [0, 1, 0, 0] and step["entered"] == [0, 0, 0, 1]
    twice = pd.concat([history, history.iloc[[0]]])
    with pytest.raises(cs.CsError, match="2026-05-31"):
        card.health_history(twice)
