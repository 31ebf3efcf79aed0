"""cs_core.Playbook: documents, CTA evaluation over a portfolio table, deduplication."""

from __future__ import annotations

import datetime as dt
import pickle
import re
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import cs_core as cs

D = dt.date


def raises(msg: str) -> Any:
    return pytest.raises(cs.CsError, match=re.escape(msg))


PORTFOLIO = {
    # a renews in 60 days (no review, contact unconfirmed), b in 200 days, c in 100 days.
    "account_id": ["a", "b", "c"],
    "risk_tier": ["critical", "high", "low"],
    "health_band": [0, 0, 2],
    "previous_health_band": [1, 0, 2],
    "renewal_date": [D(2026, 3, 2), D(2026, 7, 20), D(2026, 4, 11)],
    "contact_confirmed": [False, False, True],
}
AS_OF = D(2026, 1, 1)


def test_builtin_playbook_document() -> None:
    p = cs.Playbook.default()
    ids = [r["id"] for r in p.rules]
    assert ids[:4] == ["critical_risk", "health_red", "detractor_follow_up", "renewal_internal_review"]
    assert p.name == "default" and len(ids) == 9
    assert cs.Playbook.from_toml(p.to_toml()) == p
    assert cs.Playbook.from_json(p.to_json()) == p
    assert cs.Playbook.from_dict(p.to_dict()) == p
    assert pickle.loads(pickle.dumps(p)) == p
    assert repr(p).startswith('Playbook(name="default", rules=["critical_risk"')


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow", "dict"])
def test_builtin_playbook_opens_the_expected_ctas(kind: str) -> None:
    table: Any = {
        "pandas": lambda: pd.DataFrame(PORTFOLIO),
        "polars": lambda: pl.DataFrame(PORTFOLIO),
        "arrow": lambda: pa.table(PORTFOLIO),
        "dict": lambda: PORTFOLIO,
    }[kind]()
    ctas = cs.Playbook.default().evaluate(table, as_of=AS_OF)
    assert type(ctas) is (pa.Table if kind == "dict" else type(table))
    rows = ctas.to_dicts() if kind == "polars" else pa.table(ctas).to_pylist()
    assert [(r["account_id"], r["rule_id"]) for r in rows] == [
        ("a", "critical_risk"),
        ("a", "health_red"),
        ("a", "renewal_internal_review"),
        ("a", "renewal_contact"),
    ]
    first = rows[0]
    due = first["due"].date() if hasattr(first["due"], "date") and kind == "pandas" else first["due"]
    assert (first["priority"], first["owner_role"], first["trigger"]) == (
        "urgent",
        "cs_manager",
        "risk_tier_at_least",
    )
    assert due == D(2026, 1, 2)  # due in 1 day
    assert next(iter(first["steps"])) == "Review the risk reason codes with the CSM"
    assert rows[2]["evidence"] == "renewal in 60 days and no internal renewal review held"


def test_open_ctas_are_not_opened_again() -> None:
    p = cs.Playbook.default()
    first = p.evaluate(PORTFOLIO, AS_OF)
    assert p.evaluate(PORTFOLIO, AS_OF, open=first).num_rows == 0
    as_dicts = [{"account_id": "a", "trigger": "risk_tier_at_least"}]
    again = p.evaluate(PORTFOLIO, AS_OF, open=as_dicts)
    assert again.column("rule_id").to_pylist() == ["health_red", "renewal_internal_review", "renewal_contact"]
    pairs = [("a", "band_dropped_to"), ("a", "renewal_window_without_review")]
    assert p.evaluate(PORTFOLIO, AS_OF, open=pairs).column("rule_id").to_pylist() == [
        "critical_risk",
        "renewal_contact",
    ]


def test_custom_playbook_from_toml_and_signal_encodings() -> None:
    p = cs.Playbook.from_toml(
        """
        schema_version = 1
        name = "mine"
        [[rules]]
        id = "detractor"
        trigger = { kind = "detractor_answer" }
        priority = "high"
        due_in_days = 3
        owner_role = "csm"
        steps = ["Call"]
        [[rules]]
        id = "review"
        trigger = { kind = "success_review_overdue", grace_days = 7 }
        priority = "medium"
        due_in_days = 14
        owner_role = "csm"
        """
    )
    t = pl.DataFrame(
        {
            "id": ["x", "y", "z"],
            "nps_category": [0, 2, None],  # category codes: 0 detractor, 2 promoter
            "next_success_review_due": ["2025-12-20", "2025-12-30", None],
        }
    )
    out = p.evaluate(t, "2026-01-01", account_id="id")
    assert out.select("account_id", "rule_id").rows() == [("x", "detractor"), ("x", "review")]
    assert out["evidence"].to_list()[1] == "success review 12 days overdue"
    names = t.with_columns(pl.Series("nps_category", ["Detractor", "promoter", None]))
    assert p.evaluate(names, "2026-01-01", account_id="id").equals(out)


def test_bad_playbooks_and_portfolios() -> None:
    text = cs.Playbook.default().to_toml()
    with raises("unknown variant `sadness`"):
        cs.Playbook.from_toml(text.replace('kind = "detractor_answer"', 'kind = "sadness"'))
    doc = cs.Playbook.default().to_dict()
    doc["rules"][1]["id"] = doc["rules"][0]["id"]
    with raises('duplicate rule id "critical_risk"'):
        cs.Playbook.from_dict(doc)
    with raises('unknown risk tier "severe"'):
        cs.Playbook.default().evaluate({"account_id": ["a"], "risk_tier": ["severe"]}, AS_OF)
    with raises("account_id is missing at position 1"):
        cs.Playbook.default().evaluate({"account_id": ["a", None]}, AS_OF)
    with raises("column health_band value 1.5 at position 0 is invalid: expected a whole number"):
        cs.Playbook.default().evaluate({"account_id": ["a"], "health_band": [1.5]}, AS_OF)
    with raises("as of"):
        cs.Playbook.default().evaluate(PORTFOLIO, "next tuesday")
