"""cs_core renewal API: contracts, renewal stages, the risk model (score, fit against
scikit-learn, evaluate), ARR at risk, revenue retention, churn reasons and expansion signals."""

from __future__ import annotations

import datetime as dt
import json
import math
import pickle
import re
import threading
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

import cs_core as cs

D = dt.date
BASELINE = math.log(0.1 / 0.9)  # the default model's intercept


def raises(msg: str) -> Any:
    return pytest.raises(cs.CsError, match=re.escape(msg))


# --- contracts ---


def test_contract_fields_and_notice_deadline() -> None:
    c = cs.Contract(
        "acme",
        120_000_00,
        "2025-03-01",
        D(2026, 3, 1),
        auto_renew=True,
        notice_days=60,
        renewal_contact="cfo@acme.example",
        contact_confirmed=True,
        segment="Enterprise",
    )
    assert (c.account_id, c.arr, c.start, c.renewal_date) == (
        "acme",
        12_000_000,
        D(2025, 3, 1),
        D(2026, 3, 1),
    )
    assert c.term_months == 12
    # 2026-03-01 minus 60 days: 28 (Feb) + 31 (Jan) = 59 -> 2025-12-31.
    assert c.notice_deadline == D(2025, 12, 31)
    assert c.contact_confirmed and c.renewal_contact == "cfo@acme.example"
    assert c.days_to_renewal(np.datetime64("2026-02-01")) == 28
    plain = cs.Contract("b", 0, D(2025, 1, 15), D(2026, 1, 16))
    assert plain.notice_deadline is None and not plain.contact_confirmed
    assert plain.term_months == 13  # a partial month counts as one


def test_contract_round_trips() -> None:
    c = cs.Contract("acme", 5_000, "2025-01-01", "2026-01-01", renewal_contact="Ann", segment="smb")
    assert cs.Contract.from_json(c.to_json()) == c
    assert cs.Contract.from_dict(c.to_dict()) == c
    assert pickle.loads(pickle.dumps(c)) == c
    assert c.to_dict()["renewal_contact"] == {"name": "Ann", "confirmed_decision_maker": False}
    assert repr(c).startswith('Contract(account_id="acme", arr=5000, start=2025-01-01')
    assert c != cs.Contract("acme", 5_001, "2025-01-01", "2026-01-01")


def test_contract_bad_input() -> None:
    with raises("renewal date 2025-05-01 is invalid: must be after the contract start 2025-06-01"):
        cs.Contract("a", 10, D(2025, 6, 1), D(2025, 5, 1))
    with raises("arr -5 is outside >= 0"):
        cs.Contract("a", -5, D(2025, 1, 1), D(2026, 1, 1))
    with raises("contact confirmed true is invalid: needs a renewal contact"):
        cs.Contract("a", 5, D(2025, 1, 1), D(2026, 1, 1), contact_confirmed=True)
    # One date reader for every argument (its message names every accepted form).
    with raises('"01/01/2025" is invalid: expected a date (datetime.date, an ISO string YYYY-MM-DD'):
        cs.Contract("a", 5, "01/01/2025", D(2026, 1, 1))
    d = cs.Contract("a", 5, D(2025, 1, 1), D(2026, 1, 1)).to_dict()
    with raises("unknown field `colour`"):
        cs.Contract.from_dict({**d, "colour": 1})
    with raises("arr -1 is outside >= 0"):
        cs.Contract.from_dict({**d, "arr": -1})


# --- renewal stages ---


def test_stage_of_a_contract_follows_the_windows() -> None:
    c = cs.Contract("acme", 50_000_00, D(2025, 7, 1), D(2026, 7, 1))
    # 2026-04-15 -> 2026-07-01 is 77 days: within the 90-day internal review window.
    s = cs.renewal_stage(c, as_of=D(2026, 4, 15))
    assert isinstance(s, cs.RenewalStatus)
    assert (s.stage, s.days_to_renewal, s.review_by) == ("internal_review_due", 77, D(2026, 4, 2))
    assert s.planning_from == D(2026, 1, 2)  # 2026-07-01 - 180 days
    expected = {
        D(2025, 12, 1): "early",  # 212 days
        D(2026, 1, 2): "planning",  # 180 days
        D(2026, 6, 1): "imminent",  # 30 days
        D(2026, 7, 1): "imminent",  # the renewal day itself
        D(2026, 7, 31): "overdue",  # 30 days after, within grace
        D(2026, 8, 1): "lapsed",
    }
    for as_of, stage in expected.items():
        assert cs.renewal_stage(c, as_of).stage == stage, as_of
    assert cs.renewal_stage(c, "2026-08-01", outcome="renewed").stage == "renewed"
    assert cs.renewal_stage(c, "2026-04-15", internal_review_days=60).stage == "planning"
    auto = cs.Contract("a", 1, D(2025, 7, 1), D(2026, 7, 1), auto_renew=True, notice_days=60)
    s = cs.renewal_stage(auto, D(2026, 4, 1))
    assert (s.notice_deadline, s.days_to_notice_deadline) == (D(2026, 5, 2), 31)
    assert cs.renewal_stage(auto, D(2026, 9, 1)).stage == "renewed"  # passed, auto-renewed
    assert s.to_dict()["stage"] == "planning"
    with raises("renewal windows 180/200/30 is invalid"):
        cs.renewal_stage(c, D(2026, 1, 1), internal_review_days=200)
    with raises("unknown renewal outcome"):
        cs.renewal_stage(c, D(2026, 1, 1), outcome="lost")


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow", "dict"])
def test_stage_of_a_table_matches_the_contract_path(kind: str) -> None:
    cols: dict[str, Any] = {
        "account_id": ["a", "b", "c", "d"],
        "renewal_date": [D(2026, 12, 1), D(2026, 2, 1), D(2025, 1, 1), None],
        "auto_renew": [False, True, True, False],
        "notice_days": [0, 10, 30, 0],
    }
    table: Any = {
        "pandas": lambda: pd.DataFrame(cols),
        "polars": lambda: pl.DataFrame(cols),
        "arrow": lambda: pa.table(cols),
        "dict": lambda: cols,
    }[kind]()
    as_of = D(2026, 1, 15)
    out = cs.renewal_stage(table, as_of=as_of)
    rows = pa.table(out).to_pylist() if kind != "pandas" else pa.Table.from_pandas(out).to_pylist()
    assert [r["stage"] for r in rows] == ["early", "imminent", "renewed", None]
    assert [r["days_to_renewal"] for r in rows] == [320, 17, -379, None]
    assert rows[1]["notice_deadline"] == D(2026, 1, 22)
    assert rows[0]["notice_deadline"] is None
    for row in rows[:3]:
        c = cs.Contract(
            row["account_id"],
            0,
            D(2024, 12, 1),
            row["renewal_date"],
            auto_renew=row["auto_renew"],
            notice_days=row["notice_days"],
        )
        s = cs.renewal_stage(c, as_of)
        assert (s.stage, s.review_by, s.notice_deadline) == (
            row["stage"],
            row["review_by"],
            row["notice_deadline"],
        )


def test_stage_table_outcome_column_and_errors() -> None:
    t = pa.table({"renewal_date": ["2026-03-01", "2026-03-01"], "outcome": ["churned", None]})
    out = cs.renewal_stage(t, "2026-02-01", outcome="outcome")
    assert out.column("stage").to_pylist() == ["churned", "imminent"]
    with raises('unknown column "renewal"'):
        cs.renewal_stage(t, "2026-02-01", renewal_date="renewal")
    bad = pa.table({"renewal_date": ["2026-03-01"], "auto_renew": [True], "notice_days": [400]})
    with raises("notice days 400 at position 0 is outside 0..=365"):
        cs.renewal_stage(bad, "2026-02-01")


# --- the risk model ---


def test_default_model_baseline_and_reasons() -> None:
    model = cs.RiskModel.default()
    assert len(model.factor_names) == 15
    assert model.intercept == pytest.approx(BASELINE, abs=1e-15)
    assert model.tiers == {"medium": 0.15, "high": 0.30, "critical": 0.50}
    typical = model.explain({"contact_confirmed": 1})
    assert typical["risk"] == pytest.approx(0.1, abs=1e-12) and typical["reasons"] == []
    # health 40: (40 - 70) / 10 x -0.35 = +1.05; detractor +0.8; one case: ln 2 / ln 2 x 0.4.
    troubled = model.explain(
        {
            "health_score": 40,
            "nps_category": "detractor",
            "open_high_priority_cases": 1,
            "contact_confirmed": 1,
        }
    )
    assert troubled["log_odds"] == pytest.approx(BASELINE + 1.05 + 0.8 + 0.4, abs=1e-12)
    assert [r["factor"] for r in troubled["reasons"]] == [
        "low_health",
        "nps_detractor",
        "open_high_priority_cases",
    ]
    assert troubled["tier"] == "critical"  # risk 0.51


def table_of(kind: str, cols: dict[str, Any]) -> Any:
    if kind == "pandas":
        return pd.DataFrame(cols)
    if kind == "polars":
        return pl.DataFrame(cols)
    if kind == "arrow":
        return pa.table(cols)
    return cols


def as_arrow(t: Any) -> pa.Table:
    if isinstance(t, pd.DataFrame):
        return pa.Table.from_pandas(t, preserve_index=False)
    if isinstance(t, pl.DataFrame):
        return t.to_arrow()
    return t


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow", "dict"])
def test_score_adds_columns_to_the_callers_table(kind: str) -> None:
    cols = {
        "account_id": ["a", "b", "c"],
        "health_score": [40.0, 80.0, None],
        "nps_category": [0, 2, 1],
        "open_high_priority_cases": [1, 0, 0],
        "contact_confirmed": [True, True, False],
    }
    t = table_of(kind, cols)
    model = cs.RiskModel.default()
    with raises("risk input column health_band is missing"):
        model.score(t, drop_missing=False)
    out = model.score(t, drop_missing=True)
    assert type(out) is (pa.Table if kind == "dict" else type(t))
    a = as_arrow(out)
    assert a.column_names[:5] == list(cols)
    assert a.column_names[5:] == [
        "risk",
        "log_odds",
        "tier",
        "reason_1",
        "reason_1_contribution",
        "reason_2",
        "reason_2_contribution",
        "reason_3",
        "reason_3_contribution",
    ]
    rows = a.to_pylist()
    assert rows[0]["log_odds"] == pytest.approx(BASELINE + 1.05 + 0.8 + 0.4, abs=1e-12)
    assert (rows[0]["tier"], rows[0]["reason_1"], rows[0]["reason_1_contribution"]) == (
        "critical",
        "low_health",
        pytest.approx(1.05),
    )
    # b: health 80 -> -0.35, promoter -0.5: nothing raised the risk, so no reasons.
    assert rows[1]["log_odds"] == pytest.approx(BASELINE - 0.35 - 0.5, abs=1e-12)
    assert rows[1]["reason_1"] is None and rows[1]["tier"] == "low"
    # c: health unknown (contributes nothing), passive, unconfirmed contact +0.6 -> 0.168.
    assert rows[2]["risk"] == pytest.approx(1 / (1 + math.exp(-(BASELINE + 0.6))), abs=1e-12)
    assert (rows[2]["tier"], rows[2]["reason_1"]) == ("medium", "contact_unconfirmed")
    for row, cols_row in zip(rows, range(3), strict=True):
        single = model.explain({k: v[cols_row] for k, v in cols.items() if k != "account_id"})
        assert single["risk"] == row["risk"]


def test_score_is_the_same_for_numpy_nan_and_arrow_null() -> None:
    model, _ = cs.RiskModel.default().restricted_to({"health_score": [1.0], "utilisation": [1.0]})
    with_nan = model.score({"health_score": np.array([50.0, np.nan]), "utilisation": np.array([0.3, 0.9])})
    with_null = model.score(pa.table({"health_score": [50.0, None], "utilisation": [0.3, 0.9]}))
    assert with_nan.column("risk").to_pylist() == with_null.column("risk").to_pylist()
    assert model.factor_names == ["low_health", "low_utilisation"]


def test_score_from_threads_releases_the_gil() -> None:
    n = 200_000
    rng = np.random.default_rng(3)
    t = {"health_score": rng.uniform(0, 100, n), "utilisation": rng.uniform(0, 1.2, n)}
    model, _ = cs.RiskModel.default().restricted_to(t)
    expected = model.score(t).column("risk").to_numpy()
    results: list[np.ndarray] = []
    threads = [
        threading.Thread(target=lambda: results.append(model.score(t).column("risk").to_numpy()))
        for _ in range(4)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(results) == 4 and all(np.array_equal(r, expected) for r in results)


def test_model_documents_round_trip_and_reject_bad_input() -> None:
    m = cs.RiskModel.default()
    assert cs.RiskModel.from_json(m.to_json()) == m
    assert cs.RiskModel.from_toml(m.to_toml()) == m
    assert cs.RiskModel.from_dict(m.to_dict()) == m
    assert pickle.loads(pickle.dumps(m)) == m
    assert repr(m).startswith('RiskModel(name="default", factors=15')
    t = m.with_tiers(medium=0.2, reason_count=2)
    assert t.tiers["medium"] == 0.2 and t.reason_count == 2 and t != m
    with raises("tier thresholds 0.6/0.3/0.5 is invalid: need 0 < medium < high < critical <= 1"):
        m.with_tiers(medium=0.6)
    doc = m.to_dict()
    doc["factors"][0]["scale"] = 0
    with raises("scale of factor low_health 0 is outside finite and > 0"):
        cs.RiskModel.from_dict(doc)
    with raises("unknown field `colour`"):
        cs.RiskModel.from_json(json.dumps({**m.to_dict(), "colour": 1}))


def history(n: int, seed: int) -> pd.DataFrame:
    """Past renewals: factors as of 90 days before each renewal and the outcome."""
    rng = np.random.default_rng(seed)
    h = rng.normal(70, 15, n).clip(0, 100)
    util = rng.uniform(0, 1.2, n)
    cases = rng.poisson(1.0, n).astype(float)
    contact = rng.integers(0, 2, n).astype(bool)
    nps = rng.integers(0, 3, n)
    z = -1.5 - 0.05 * (h - 70) - (util - 0.8) + 0.3 * cases - 0.6 * contact + 0.7 * (nps == 0)
    churned = rng.uniform(size=n) < 1 / (1 + np.exp(-z))
    h[::17] = np.nan  # health unknown for some accounts
    return pd.DataFrame(
        {
            "health_score": h,
            "utilisation": util,
            "open_high_priority_cases": cases,
            "contact_confirmed": contact,
            "nps_category": nps,
            "arr": rng.integers(1_000_00, 100_000_00, n),
            "churned": churned,
        }
    )


@pytest.mark.parametrize("c", [1.0, 0.05, 100.0])
def test_fit_agrees_with_scikit_learn(c: float) -> None:
    # Same design matrix, same objective (summed log-loss + ||w||^2 / (2C), intercept free).
    data = history(4_000, seed=7)
    model = cs.RiskModel.fit(data, outcome="churned", C=c, drop_missing=True)
    report = model.fit_report
    assert report is not None and report["converged"] and not report["separation"], report
    assert report["rows"] == 4_000 and report["churned"] == int(data.churned.sum())
    x = model.design_matrix(data)
    assert x.shape == (4_000, len(model.factor_names))
    sk = LogisticRegression(C=c, tol=1e-10, max_iter=10_000).fit(x, data.churned)
    ours = np.array([b for _, b in model.coefficients])
    np.testing.assert_allclose(ours, sk.coef_[0], atol=1e-4, rtol=0)
    assert model.intercept == pytest.approx(sk.intercept_[0], abs=1e-4)
    # Standardised: each factor's center is the mean of its transformed inputs.
    low_health = model.factors[0]
    assert low_health["name"] == "low_health"
    assert low_health["center"] == pytest.approx(np.nanmean(data.health_score), rel=1e-12)


def test_fit_unpenalised_and_outcome_encodings() -> None:
    data = history(3_000, seed=11)
    m = cs.RiskModel.fit(data, C=None, drop_missing=True)
    assert m.fit_report is not None and m.fit_report["converged"] and m.fit_report["c"] is None
    sk = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(m.design_matrix(data), data.churned)
    np.testing.assert_allclose([b for _, b in m.coefficients], sk.coef_[0], atol=1e-4)
    words = data.assign(outcome=np.where(data.churned, "churned", "renewed"))
    assert cs.RiskModel.fit(words, outcome="outcome", C=None, drop_missing=True) == m
    ints = pl.from_pandas(data.assign(churned=data.churned.astype(int)))
    assert cs.RiskModel.fit(ints, C=None, drop_missing=True) == m
    # A template of the caller's: only its factors are fitted.
    template, dropped = cs.RiskModel.default().restricted_to(data[["health_score"]])
    assert len(dropped) == 14
    one = cs.RiskModel.fit(data, template=template)
    assert one.factor_names == ["low_health"] and one.coefficients[0][1] < 0


def test_fit_bad_input_is_a_typed_error_or_a_reported_condition() -> None:
    data = history(200, seed=1)
    with raises("the outcome has one class only (0 churned of 200)"):
        cs.RiskModel.fit(data.assign(churned=False), drop_missing=True)
    with raises("risk input column health_band is missing"):
        cs.RiskModel.fit(data, drop_missing=False)
    with raises('unknown column "lost"'):
        cs.RiskModel.fit(data, outcome="lost", drop_missing=True)
    with raises("C 0 is outside finite and > 0"):
        cs.RiskModel.fit(data, C=0.0, drop_missing=True)
    with raises("a fit needs decided renewals: churned or renewed"):
        cs.RiskModel.fit(data.assign(churned="open"), drop_missing=True)
    with_null = pa.Table.from_pandas(data).set_column(
        6, "churned", pa.array([None] + [True, False] * 99 + [True])
    )
    with raises("outcome churned is missing at position 0"):
        cs.RiskModel.fit(with_null, drop_missing=True)
    # Perfectly separable: reported, coefficients finite, with and without a penalty.
    sep = pd.DataFrame({"health_score": [10.0, 20, 30, 60, 70, 80], "churned": [True] * 3 + [False] * 3})
    for c in (1.0, None):
        m = cs.RiskModel.fit(sep, C=c, drop_missing=True)
        assert m.fit_report is not None and m.fit_report["separation"], m.fit_report
        assert all(math.isfinite(b) for _, b in m.coefficients) and math.isfinite(m.intercept)
    assert "perfectly separated" in str(m.fit_report["message"])


def test_evaluate_against_scikit_learn_and_pandas() -> None:
    train, test = history(4_000, seed=21), history(2_000, seed=22)
    model = cs.RiskModel.fit(train, drop_missing=True)
    e = model.evaluate(test, outcome="churned", arr="arr")
    scored = model.score(test)
    assert e.rows == 2_000 and e.churned == int(test.churned.sum())
    assert e.auc == pytest.approx(roc_auc_score(test.churned, scored.risk), abs=1e-12)
    assert e.brier == pytest.approx(float(np.mean((scored.risk - test.churned) ** 2)), abs=1e-12)
    by_tier = {t["tier"]: t for t in e.by_tier}
    for tier, group in scored.groupby("tier", observed=True):
        assert by_tier[str(tier)]["accounts"] == len(group)
        assert by_tier[str(tier)]["churn_rate"] == pytest.approx(group.churned.mean(), abs=1e-12)
        assert by_tier[str(tier)]["arr"] == int(group.arr.sum())
    assert len(e.calibration) == 10 and sum(b["accounts"] for b in e.calibration) == 2_000
    ordered = np.sort(scored.risk.to_numpy())
    assert e.calibration[0]["mean_risk"] == pytest.approx(ordered[:200].mean(), abs=1e-12)
    assert e.to_dict()["auc"] == e.auc
    assert repr(e).startswith("RiskEvaluation(rows=2000")


def test_design_matrix_is_the_standardised_input() -> None:
    m, _ = cs.RiskModel.default().restricted_to({"health_score": [0.0]})
    x = m.design_matrix({"health_score": [40.0, 120.0, None]})
    # (clamp(x, 0, 100) - 70) / 10; unknown -> 0.
    np.testing.assert_array_equal(x, [[-3.0], [3.0], [0.0]])


# --- revenue ---


def test_arr_at_risk_hand_computed() -> None:
    t = pd.DataFrame(
        {
            "arr": [100_000, 50_000, 25_000],
            "risk": [0.1, 0.6, 0.2],
            "tier": ["low", "critical", "medium"],
            "renewal_date": [D(2026, 3, 1), D(2026, 3, 31), D(2026, 5, 2)],
            "segment": ["ent", "smb", "smb"],
        }
    )
    r = cs.arr_at_risk(t, renewal_date="renewal_date", segment="segment")
    assert (r["accounts"], r["arr"]) == (3, 175_000)
    assert r["expected_loss"] == pytest.approx(10_000 + 30_000 + 5_000, abs=1e-9)
    assert [g["arr"] for g in r["by_tier"]] == [100_000, 25_000, 0, 50_000]
    assert r["by_renewal_month"] == [
        {"month": "2026-03", "accounts": 2, "arr": 150_000, "expected_loss": pytest.approx(40_000)},
        {"month": "2026-05", "accounts": 1, "arr": 25_000, "expected_loss": pytest.approx(5_000)},
    ]
    assert [g["segment"] for g in r["by_segment"]] == ["ent", "smb"]
    with raises("risk 1.5 at position 0 is outside 0..=1"):
        cs.arr_at_risk(t.assign(risk=[1.5, 0.1, 0.1]))
    # Money is integer minor units; whole floats (what pandas makes of an int column with a
    # gap) are read as integers by the one cell grammar, fractions are an error.
    assert cs.arr_at_risk(t.assign(arr=[100_000.0, 50_000.0, 25_000.0]))["arr"] == 175_000
    with raises("column arr value 1.5 at position 0 is invalid: expected a whole number"):
        cs.arr_at_risk(t.assign(arr=[1.5, 2.0, 3.0]))


def test_revenue_retention_hand_computed() -> None:
    start = pd.DataFrame({"account_id": ["a", "b", "c"], "arr": [100, 200, 300], "segment": ["x", "x", "y"]})
    end = pl.DataFrame({"account_id": ["a", "b", "d"], "arr": [150, 100, 999], "segment": ["x", "x", "y"]})
    r = cs.revenue_retention(start, end, segment="segment")
    # GRR = (100 + 100 + 0) / 600; NRR = (150 + 100 + 0) / 600; c churned; d is new.
    assert r.grr == 200 / 600 and r.nrr == 250 / 600 and r.logo_churn == 1 / 3
    o = r.overall
    assert (o["expansion_arr"], o["contraction_arr"], o["churned_arr"]) == (50, 100, 300)
    assert (o["new_accounts"], o["new_arr"]) == (1, 999)
    assert o["end_arr"] == o["start_arr"] + o["expansion_arr"] - o["contraction_arr"] - o["churned_arr"]
    assert r.by_segment["x"]["grr"] == 200 / 300 and r.by_segment["y"]["logo_churn"] == 1.0
    assert r.to_dict()["overall"]["grr"] == r.grr
    with raises('duplicate account id "a"'):
        cs.revenue_retention(start, pd.DataFrame({"account_id": ["a", "a"], "arr": [1, 2]}))
    with raises("arr -1 at position 0 is outside >= 0"):
        cs.revenue_retention(start.assign(arr=[-1, 1, 1]), end)


def test_churn_reasons_hand_computed() -> None:
    lost = pd.DataFrame(
        {"churn_reason": ["price", "Renewal not asked", "price"], "arr": [10_000, 50_000, 20_000]}
    )
    out = cs.churn_reasons(lost)
    assert isinstance(out, pd.DataFrame)
    assert out.to_dict("records") == [
        {
            "reason": "renewal_not_asked",
            "accounts": 1,
            "arr": 50_000,
            "account_share": 1 / 3,
            "arr_share": 0.625,
        },
        {"reason": "price", "accounts": 2, "arr": 30_000, "account_share": 2 / 3, "arr_share": 0.375},
    ]
    with raises('unknown churn reason "weather"'):
        cs.churn_reasons(lost.assign(churn_reason=["price", "weather", "price"]))


def test_expansion_signals() -> None:
    t = pl.DataFrame(
        {
            "utilisation": [0.95, 0.95, 0.5, None],
            "health_score": [88.0, 60.0, 90.0, 90.0],
            "nps_category": ["promoter", "promoter", "promoter", "promoter"],
        }
    )
    out = cs.expansion_signals(t)
    assert isinstance(out, pl.DataFrame)
    assert out["expansion_signal"].to_list() == [True, False, False, False]
    assert cs.expansion_signals(t, min_health=50)["expansion_signal"].to_list() == [True, True, False, False]
    with raises("risk input column utilisation is missing"):
        cs.expansion_signals(t.drop("utilisation"))
