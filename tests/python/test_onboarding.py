"""Onboarding from Python: the handoff, the kickoff, the Joint Impact Plan (round trips,
hand-computed progress and Time to First Impact matching the Rust tests, revisions), the batch
functions over every table type, agreement with the Rust CLI, and every bad input raising
cs.CsError with the Rust message naming the field."""

from __future__ import annotations

import copy
import datetime as dt
import json
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

DATA = Path(__file__).resolve().parents[2] / "examples" / "data"
PLAN_TEXT = (DATA / "plan.json").read_text()


def plan_dict() -> dict[str, Any]:
    return json.loads(PLAN_TEXT)


@pytest.fixture
def plan() -> cs.JointImpactPlan:
    return cs.JointImpactPlan.from_json(PLAN_TEXT)


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


# --- Joint Impact Plan: construction and round trips --------------------------------------


def test_plan_round_trips_through_json_dict_and_pickle(plan: cs.JointImpactPlan) -> None:
    assert cs.JointImpactPlan.from_json(plan.to_json()) == plan
    assert cs.JointImpactPlan(plan.to_dict()) == plan
    assert cs.JointImpactPlan.from_dict(plan_dict()) == plan
    assert cs.JointImpactPlan(**plan_dict()) == plan  # keyword fields
    assert pickle.loads(pickle.dumps(plan)) == plan
    assert json.loads(plan.to_json()) == plan.to_dict()
    assert repr(plan) == (
        'JointImpactPlan(account="Northwind Grocers", title="Northwind Grocers – Joint Impact Plan '
        '2026", goals=4, action_items=5, reviews=1, revisions=4)'
    )
    assert plan != cs.JointImpactPlan(plan_dict() | {"title": "Other"})
    with pytest.raises(TypeError):
        hash(plan)  # mutable (revise), so unhashable


def test_plan_accepts_python_dates_and_defaults_the_schema_version() -> None:
    raw = plan_dict()
    del raw["schema_version"]
    raw["created_on"] = dt.date(2026, 1, 20)
    raw["kickoff_on"] = np.datetime64("2026-01-20")
    raw["goals"][0]["metric"]["target"] = np.int64(5)
    raw["revisions"][0]["at"] = dt.datetime(2026, 2, 3, 16, 30)
    assert cs.JointImpactPlan(raw) == cs.JointImpactPlan.from_json(PLAN_TEXT)


def test_plan_getters(plan: cs.JointImpactPlan) -> None:
    assert (plan.account, plan.created_on, plan.kickoff_on) == ("Northwind Grocers", d(1, 20), d(1, 20))
    assert plan.contract_start == d(1, 5)
    assert plan.review_interval_months == 6
    assert [g["id"] for g in plan.goals] == ["first-report", "adoption", "training", "stockouts"]
    assert len(plan.action_items) == 5 and len(plan.revisions) == 4 and len(plan.reviews) == 1


# --- progress, overdue, next actions, review: the Rust tests' numbers -------------------------


def test_progress_is_weighted_and_hand_computed(plan: cs.JointImpactPlan) -> None:
    p = plan.progress("2026-05-15")
    # first-report achieved -> 1; adoption (26 - 4) / (40 - 4) = 11/18; training 5/12;
    # stockouts (85 - 120) / (40 - 120) = 7/16 with weight 2.
    got = {g["id"]: g["progress"] for g in p["goals"]}
    assert got == pytest.approx(
        {"first-report": 1.0, "adoption": 11 / 18, "training": 5 / 12, "stockouts": 7 / 16}, abs=1e-12
    )
    # (1 + 11/18 + 5/12 + 2 * 7/16) / 5 = 209/360
    assert p["overall"] == pytest.approx(209 / 360, abs=1e-12)
    assert p["as_of"] == "2026-05-15"
    # As recorded on 02-05 (revision 1 only): adoption (9 - 4) / 36 = 5/36, overall 1/36.
    assert plan.progress(d(2, 5))["overall"] == pytest.approx(1 / 36, abs=1e-12)


def test_overdue_goals_and_actions(plan: cs.JointImpactPlan) -> None:
    o = plan.overdue(d(5, 15))
    assert [(g["id"], g["days_overdue"]) for g in o["goals"]] == [("training", 15)]
    # 03-06 -> 05-15 = 25 + 30 + 15 = 70; 03-31 -> 05-15 = 45; 04-15 -> 05-15 = 30
    assert [(a["id"], a["days_overdue"]) for a in o["actions"]] == [
        ("training-plan", 70),
        ("stockout-baseline", 45),
        ("planner-workshops", 30),
    ]
    assert o["actions"][0]["side"] == "customer"
    early = plan.overdue("2026-02-09")  # the ERP export (due 02-06) still in progress
    assert [(a["id"], a["days_overdue"]) for a in early["actions"]] == [("erp-export", 3)]
    assert plan.overdue("2026-02-12") == {"as_of": "2026-02-12", "goals": [], "actions": []}


def test_next_actions_and_review_status(plan: cs.JointImpactPlan) -> None:
    assert [a["id"] for a in plan.next_actions(d(5, 15), limit=2)] == ["training-plan", "stockout-baseline"]
    assert len(plan.next_actions(d(5, 15))) == 3
    # never reviewed before 03-20: due 6 months after creation
    assert plan.review_status(d(3, 19)) == {
        "last_review": None,
        "next_due": "2026-07-20",
        "overdue": False,
        "days_since": 58,
    }
    # last review 03-20 + 6 months = 09-20; on 10-01 flagged, 195 days after the review
    late = plan.review_status(d(10, 1))
    assert (late["next_due"], late["overdue"], late["days_since"]) == ("2026-09-20", True, 195)


def test_time_to_first_impact_of_the_plan(plan: cs.JointImpactPlan) -> None:
    s = plan.status(d(5, 15), limit=3)
    # kickoff 01-20 -> 02-24 = 11 + 24 = 35 days
    assert s["first_impact"] == {"state": "achieved", "days": 35, "days_open": None, "past_target": False}
    assert s["revision"] == 4 and len(s["next_actions"]) == 3
    fi = plan.status(d(5, 15), origin="contract_start", target_days=45)["first_impact"]
    # contract start 01-05 -> 02-24 = 26 + 24 = 50 days > 45
    assert (fi["days"], fi["past_target"]) == (50, True)


def test_markdown_is_customer_facing(plan: cs.JointImpactPlan) -> None:
    md = plan.to_markdown()
    assert md.startswith("# Northwind Grocers – Joint Impact Plan 2026\n")
    assert "**Overall progress:** 58%" in md
    assert (
        "| Cut monthly stock-outs of fresh produce | Business outcome | Long term | stock-outs per month: "
        "120 stock-outs → 40 stock-outs (now 85 stock-outs) | 44% | 2026-12-31 | In progress |"
    ) in md
    assert "Revision" not in md
    dated = plan.to_markdown(as_of="2026-05-15")
    assert "_Status as of 2026-05-15._" in dated and "At risk (overdue)" in dated


# --- revisions -----------------------------------------------------------------------------


def test_revision_at_rebuilds_past_states(plan: cs.JointImpactPlan) -> None:
    before = plan.revision_at(d(2, 23))
    assert isinstance(before, cs.JointImpactPlan)
    fi = before.goals[0]
    assert (fi["status"], fi["achieved_on"], fi["metric"]["current"]) == ("in_progress", None, 2.0)
    assert len(before.revisions) == 2 and before.reviews == []
    created = plan.revision_at("2026-01-20")
    assert created.revisions == [] and created.goals[3]["metric"]["target"] == 50.0
    assert plan.revision_at(d(12, 31)) == plan
    with pytest.raises(cs.CsError, match=re.escape("as_of 2026-01-19 is outside 2026-01-20..")):
        plan.revision_at(d(1, 19))


def test_revise_records_the_change_and_keeps_history_exact(plan: cs.JointImpactPlan) -> None:
    before = copy.deepcopy(plan)
    revision = plan.revise(
        "Sam Lee",
        dt.datetime(2026, 5, 20, 10),
        "Workshops done",
        [
            {"op": "set", "path": "action_items/planner-workshops/status", "value": "done"},
            {"op": "set", "path": "action_items/planner-workshops/completed_on", "value": d(5, 19)},
            {"op": "remove", "path": "challenges/1"},
        ],
    )
    assert revision["number"] == 5 and revision["at"] == "2026-05-20T10:00:00"
    assert revision["changes"][0] == {
        "op": "set",
        "path": "action_items/planner-workshops/status",
        "from": "open",
        "to": "done",
    }
    assert len(plan.revisions) == 5 and len(plan.to_dict()["challenges"]) == 1
    assert plan.revision_at(d(5, 19)) == before
    assert cs.JointImpactPlan.from_json(plan.to_json()) == plan


@pytest.mark.parametrize(
    ("at", "edits", "message"),
    [
        (
            "2026-05-20T10:00",
            [{"op": "set", "path": "goals/adoption/metric/target", "value": 4}],
            "goals[adoption].metric.target 4 is invalid: equals the baseline",
        ),
        (
            "2026-03-01 10:00",
            [{"op": "set", "path": "title", "value": "x"}],
            "earlier than the revision before it",
        ),
        (
            "2026-05-20T10:00",
            [{"op": "set", "path": "goals/adoption/stauts", "value": "achieved"}],
            'unknown plan field "goals/adoption/stauts" (known: achieved_on, due, horizon, id, kind, '
            "metric, owner, priority, status, title, weight)",
        ),
        ("2026-05-20T10:00", [{"path": "title", "value": "x"}], "edits[0]: missing field `op`"),
        ("2026-05-20T10:00", [], "revision edits is empty"),
        (
            "soon",
            [{"op": "set", "path": "title", "value": "x"}],
            "at 'soon' is invalid: expected a date and time",
        ),
    ],
)
def test_revise_failures_leave_the_plan_unchanged(
    plan: cs.JointImpactPlan, at: str, edits: list[dict[str, Any]], message: str
) -> None:
    before = copy.deepcopy(plan)
    with pytest.raises(cs.CsError, match=re.escape(message)):
        plan.revise("Sam Lee", at, "", edits)
    assert plan == before


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "as_of",
    [
        d(5, 15),
        dt.datetime(2026, 5, 15, 23, 59),
        "2026-05-15",
        np.datetime64("2026-05-15"),
        np.datetime64("2026-05-15T12:00:00.000000000"),
        pa.scalar(d(5, 15)),
        pa.scalar(dt.datetime(2026, 5, 15), pa.timestamp("us")),
        pd.Timestamp("2026-05-15"),
    ],
)
def test_dates_in_every_form(plan: cs.JointImpactPlan, as_of: Any) -> None:
    assert plan.overdue(as_of)["as_of"] == "2026-05-15"


@pytest.mark.parametrize("bad", ["15/05/2026", 20260515, None, np.datetime64("NaT")])
def test_bad_dates_name_the_argument(plan: cs.JointImpactPlan, bad: Any) -> None:
    with pytest.raises(cs.CsError, match=r"^as_of .* is invalid: expected a date"):
        plan.progress(bad)


# --- bad plans: typed errors naming the field, never partially loaded -------------------------


def load_error(edit: Any) -> str:
    raw = plan_dict()
    edit(raw)
    with pytest.raises(cs.CsError) as err:
        cs.JointImpactPlan(raw)
    # the same message from JSON text: one validation
    with pytest.raises(cs.CsError, match=re.escape(str(err.value))):
        cs.JointImpactPlan.from_json(json.dumps(raw))
    return str(err.value)


def test_due_date_before_creation_names_the_field() -> None:
    msg = load_error(lambda v: v["goals"][1].update(due="2026-01-19"))
    assert msg.startswith(
        "goals[adoption].due 2026-01-19 is invalid: before the plan was created on 2026-01-20"
    )
    msg = load_error(lambda v: v["action_items"][0].update(due="2025-12-31"))
    assert msg.startswith("action_items[erp-export].due 2025-12-31 is invalid")


def test_metric_target_equal_to_baseline_names_the_field() -> None:
    msg = load_error(lambda v: v["goals"][2]["metric"].update(target=0))
    assert msg.startswith("goals[training].metric.target 0 is invalid")


def test_duplicate_goal_ids() -> None:
    assert load_error(lambda v: v["goals"][1].update(id="training")) == 'duplicate goal id "training"'


def test_first_impact_before_kickoff() -> None:
    msg = load_error(lambda v: v.update(kickoff_on="2026-02-25"))
    assert msg.startswith(
        "goals[first-report].achieved_on 2026-02-24 is invalid: the First Impact cannot be achieved "
        "before the kickoff on 2026-02-25"
    )


def test_a_revision_editing_a_missing_field() -> None:
    msg = load_error(lambda v: v["revisions"][0]["changes"][2].update(path="goals/adoption/metric/curent"))
    assert msg == (
        'unknown revision 1: plan field "goals/adoption/metric/curent" '
        "(known: baseline, current, name, target, unit)"
    )


def test_a_history_that_does_not_lead_to_the_plan_is_rejected_whole() -> None:
    msg = load_error(lambda v: v["goals"][1]["metric"].update(current=30))
    assert msg.startswith("revision 4: revision change of goals/adoption/metric/current 26 is invalid")


def test_unknown_keys_and_versions() -> None:
    assert "unknown field `colour`" in load_error(lambda v: v["goals"][0].update(colour="red"))
    assert load_error(lambda v: v.update(schema_version=2)) == (
        "joint impact plan schema_version 2 is not supported (this version reads 1)"
    )


def test_values_python_cannot_store_name_their_path() -> None:
    raw = plan_dict()
    raw["goals"][1]["metric"]["current"] = float("nan")
    with pytest.raises(
        cs.CsError, match=re.escape("goals[1].metric.current nan is invalid: must be a finite number")
    ):
        cs.JointImpactPlan(raw)
    raw = plan_dict()
    raw["owners"]["ours"]["name"] = object()
    with pytest.raises(cs.CsError, match=re.escape("owners.ours.name <object object at")):
        cs.JointImpactPlan(raw)
    with pytest.raises(cs.CsError, match="expected a dict of fields"):
        cs.JointImpactPlan([1, 2])


# --- handoff and kickoff ---------------------------------------------------------------------

HANDOFF = {
    "schema_version": 1,
    "account": "Acme",
    "closed_on": "2026-01-05",
    "completed_on": "2026-01-09",
    "spiced": {"situation": "3 regional warehouses", "pain": "stock-outs"},
    "red_flags": [],
}


def test_handoff_completeness_and_lag() -> None:
    h = cs.Handoff(HANDOFF)
    c = h.completeness()
    # situation, pain and red flags (assessed: none) of 14 parts
    assert (c["complete"], c["total"]) == (3, 14)
    assert c["share"] == pytest.approx(3 / 14, abs=1e-15)
    assert c["missing"][:3] == ["spiced.impact", "spiced.critical_event", "spiced.decision"]
    assert "red_flags" not in c["missing"]
    # 01-05 -> 01-09 = 4 days, target 5
    assert h.lag("2026-02-01") == {"days": 4, "completed": True, "target_days": 5, "late": False}
    pending = cs.Handoff(account="Acme", closed_on=dt.date(2026, 1, 5))
    # pending: 01-05 -> 01-12 = 7 days > 5
    assert pending.lag(dt.date(2026, 1, 12)) == {
        "days": 7,
        "completed": False,
        "target_days": 5,
        "late": True,
    }
    assert pending.lag("2026-01-12", target_days=7)["late"] is False
    assert (h.account, h.closed_on, h.completed_on, pending.completed_on) == ("Acme", d(1, 5), d(1, 9), None)


def test_handoff_round_trips_and_errors() -> None:
    h = cs.Handoff(HANDOFF)
    assert cs.Handoff.from_json(h.to_json()) == h
    assert cs.Handoff.from_dict(h.to_dict()) == h
    assert pickle.loads(pickle.dumps(h)) == h
    assert repr(h) == 'Handoff(account="Acme", closed_on=2026-01-05, completed_on=2026-01-09, complete=3/14)'
    with pytest.raises(cs.CsError, match=re.escape("completed_on 2026-01-04 is invalid")):
        cs.Handoff(HANDOFF | {"completed_on": "2026-01-04"})
    with pytest.raises(cs.CsError, match="unknown field `pains`"):
        cs.Handoff(HANDOFF, pains="x")
    with pytest.raises(cs.CsError, match=re.escape("account is missing")):
        cs.Handoff(HANDOFF | {"account": " "})


KICKOFF = {
    "account": "Acme",
    "date": "2026-01-20",
    "attendees": [
        {"person": {"name": "Ana Ruiz"}, "side": "customer", "role": "key_contact"},
        {"person": {"name": "Sam Lee"}, "side": "ours", "role": "csm"},
    ],
    "perceived_nps": {"score": 8},
    "next_steps": [
        {
            "description": "Connect the ERP export",
            "owner": "Customer IT",
            "side": "customer",
            "due": "2026-02-01",
        }
    ],
}


def test_kickoff() -> None:
    k = cs.Kickoff(KICKOFF)
    assert k.missing_attendees() == ["sales"]
    assert k.perceived_nps == {"score": 8}
    assert (k.account, k.date) == ("Acme", d(1, 20))
    assert [s["owner"] for s in k.next_steps_due_by("2026-02-01")] == ["Customer IT"]
    assert k.next_steps_due_by("2026-01-31") == []
    assert cs.Kickoff.from_json(k.to_json()) == k and pickle.loads(pickle.dumps(k)) == k
    bad = copy.deepcopy(KICKOFF)
    bad["next_steps"][0]["due"] = "2026-01-19"
    with pytest.raises(
        cs.CsError, match=re.escape("next_steps[0].due 2026-01-19 is invalid: due before the kickoff")
    ):
        cs.Kickoff(bad)
    with pytest.raises(cs.CsError, match=re.escape("attendees is empty")):
        cs.Kickoff(KICKOFF | {"attendees": []})


# --- batch: Time to First Impact over tables -----------------------------------------------

# The Rust batch test: contract start 01-01 for both; First Impact 03-03 and 01-15; kickoff 02-01.
ROWS = {
    "account": ["a", "b"],
    "kickoff": [d(2, 1), d(2, 1)],
    "contract_start": [d(1, 1), d(1, 1)],
    "first_impact": [d(3, 3), d(1, 15)],
}


def as_arrow(out: Any) -> pa.Table:
    """A result as a pyarrow Table; a dict result holds numpy arrays with NaN / None for null."""
    if isinstance(out, dict):
        return pa.table(
            {
                k: v if isinstance(v, (pa.Array, pa.ChunkedArray)) else pa.array(v, from_pandas=True)
                for k, v in out.items()
            }
        )
    return out


def tables(columns: dict[str, list[Any]]) -> list[Any]:
    arrow = pa.table(columns)
    return [arrow, arrow.to_batches()[0], pd.DataFrame(columns), pl.DataFrame(columns), columns]


@pytest.mark.parametrize("table", tables(ROWS))
def test_ttfi_from_contract_start_in_every_table_type(table: Any) -> None:
    out = cs.time_to_first_impact(table, as_of="2026-06-01", origin="contract_start", target_days=60)
    if isinstance(table, pd.DataFrame):
        assert isinstance(out, pd.DataFrame)
        out = pa.Table.from_pandas(out, preserve_index=False)
    elif isinstance(table, pl.DataFrame):
        assert isinstance(out, pl.DataFrame)
        out = out.to_arrow()
    elif isinstance(table, pa.RecordBatch):
        assert isinstance(out, pa.RecordBatch)
        out = pa.Table.from_batches([out])
    elif isinstance(table, dict):  # a dict of columns comes back as one, new columns as numpy
        assert isinstance(out, dict) and isinstance(out["days"], np.ndarray)
        out = as_arrow(out)
    assert isinstance(out, pa.Table)
    # 01-01 -> 03-03 = 31 + 28 + 2 = 61 days > 60; 01-01 -> 01-15 = 14 days
    assert out.column_names[:4] == ["account", "kickoff", "contract_start", "first_impact"]
    assert out["state"].to_pylist() == ["achieved", "achieved"]
    assert out["days"].to_pylist() == [61, 14]
    assert out["days_open"].to_pylist() == [None, None]
    assert out["past_target"].to_pylist() == [True, False]


@pytest.mark.parametrize(
    "kickoff",
    [
        pa.array([d(1, 10), d(1, 20), None], pa.date32()),
        pa.array([dt.datetime(2026, 1, 10), dt.datetime(2026, 1, 20), None], pa.timestamp("ns")),
        pa.array([dt.datetime(2026, 1, 10), dt.datetime(2026, 1, 20), None], pa.date64()),
        pa.array(["2026-01-10", "2026-01-20", None]),
        pa.array(["2026-01-10", "2026-01-20", ""], pa.large_string()),
        np.array(["2026-01-10", "2026-01-20", "NaT"], dtype="datetime64[D]"),
    ],
)
def test_ttfi_date_column_types_and_nulls(kickoff: Any) -> None:
    table = {"kickoff": kickoff, "first_impact": pa.array([d(2, 9), None, None], pa.date32())}
    out = as_arrow(cs.time_to_first_impact(table, as_of=d(5, 1)))
    # a: 01-10 -> 02-09 = 30 days; b: open 01-20 -> 05-01 = 11 + 28 + 31 + 30 + 1 = 101 > 90;
    # c: no kickoff yet
    assert out["state"].to_pylist() == ["achieved", "overdue", "not_started"]
    assert out["days"].to_pylist() == [30, None, None]
    assert out["days_open"].to_pylist() == [None, 101, None]
    assert out["past_target"].to_pylist() == [False, True, False]


def test_ttfi_timestamp_with_a_time_of_day_is_not_a_date() -> None:
    # The one cell grammar: a timestamp is a date only at midnight (it was truncated before).
    kickoff = pa.array([dt.datetime(2026, 1, 10, 9), None], pa.timestamp("ns"))
    with pytest.raises(cs.CsInvalidError, match=r"kickoff .* at position 0 is invalid: expected a date"):
        cs.time_to_first_impact({"kickoff": kickoff, "first_impact": [None, None]}, as_of=d(5, 1))


def test_ttfi_pandas_keeps_index_and_dtypes() -> None:
    df = pd.DataFrame(
        {"kickoff": pd.to_datetime(["2026-01-10", "2026-01-20"]), "first_impact": ["2026-02-09", None]},
        index=pd.Index(["acme", "globex"], name="account"),
    )
    out = cs.time_to_first_impact(df, "2026-05-01")
    assert list(out.index) == ["acme", "globex"]
    assert out["kickoff"].dtype == df["kickoff"].dtype
    assert str(out["days"].dtype) == "Int64" and out.loc["acme", "days"] == 30
    assert out["days"].isna().tolist() == [False, True]
    assert list(df.columns) == ["kickoff", "first_impact"]  # the input is not modified


def test_ttfi_bad_input() -> None:
    with pytest.raises(
        cs.CsError,
        match=re.escape(
            "first_impact 2026-01-15 at position 1 is invalid: "
            "First Impact cannot be achieved before the kickoff date 2026-02-01"
        ),
    ):
        cs.time_to_first_impact(ROWS, as_of="2026-06-01")
    with pytest.raises(cs.CsError, match=re.escape('unknown column "start" (known: account, kickoff')):
        cs.time_to_first_impact(ROWS, as_of="2026-06-01", origin="contract_start", contract_start="start")
    with pytest.raises(
        cs.CsError, match=re.escape('unknown ttfi origin "close" (known: kickoff, contract_start)')
    ):
        cs.time_to_first_impact(ROWS, as_of="2026-06-01", origin="close")
    with pytest.raises(cs.CsError, match=re.escape("target_days -1 is outside")):
        cs.time_to_first_impact(ROWS, as_of="2026-06-01", target_days=-1)
    soon = 'column kickoff value "soon" at position 1 is invalid: expected a date (YYYY-MM-DD)'
    with pytest.raises(cs.CsError, match=re.escape(soon)):
        cs.time_to_first_impact(
            {"kickoff": ["2026-01-01", "soon"], "first_impact": [None, None]}, "2026-06-01"
        )
    int64 = "column kickoff of type Int64 is invalid: expected date cells"
    with pytest.raises(cs.CsError, match=re.escape(int64)):
        cs.time_to_first_impact({"kickoff": [1, 2], "first_impact": [None, None]}, "2026-06-01")
    with pytest.raises(cs.CsError, match=re.escape('duplicate column "state"')):
        cs.time_to_first_impact(ROWS | {"state": ["CA", "NY"]}, as_of="2026-06-01", origin="contract_start")


# Kickoff -> First Impact: a 10, b 20, c 40 (late, target 30); d open 31 days (overdue); e open
# 5 days; f no kickoff yet. The same accounts as the CLI test.
PORTFOLIO = {
    "account": ["a", "b", "c", "d", "e", "f"],
    "segment": ["x", "x", "y", "x", "y", "y"],
    "kickoff": ["2026-01-01", "2026-01-01", "2026-01-01", "2026-05-01", "2026-05-27", None],
    "first_impact": ["2026-01-11", "2026-01-21", "2026-02-10", None, None, None],
}


@pytest.mark.parametrize("table", tables(PORTFOLIO))
def test_ttfi_summary_hand_computed(table: Any) -> None:
    total = pa.table(cs.ttfi_summary(pa.table(PORTFOLIO), as_of="2026-06-01", target_days=30)).to_pylist()
    # median of 10, 20, 40 = 20; p90 at position 1.8: 20 + 0.8 * 20 = 36;
    # share past target (1 late + 1 overdue) / (3 achieved + 1 overdue) = 0.5
    assert total == [
        {
            "accounts": 6,
            "not_started": 1,
            "onboarding": 1,
            "overdue": 1,
            "achieved": 3,
            "achieved_late": 1,
            "median_days": 20.0,
            "p90_days": pytest.approx(36.0, abs=1e-12),
            "share_past_target": 0.5,
        }
    ]
    by = cs.ttfi_summary(table, as_of="2026-06-01", by="segment", target_days=30)
    if isinstance(by, pd.DataFrame):
        by = pa.Table.from_pandas(by, preserve_index=False)
    elif isinstance(by, pl.DataFrame):
        by = by.to_arrow()
    rows = by.to_pylist()
    assert [r["segment"] for r in rows] == ["x", "y"]
    # x: a 10, b 20 achieved, d overdue -> share 1/3; y: c 40 (late), e open, f not started
    assert rows[0]["median_days"] == 15.0 and rows[0]["share_past_target"] == pytest.approx(1 / 3)
    assert (rows[1]["median_days"], rows[1]["achieved_late"], rows[1]["share_past_target"]) == (40.0, 1, 1.0)


def test_ttfi_summary_of_nothing_decided_has_null_statistics() -> None:
    out = cs.ttfi_summary(
        {"kickoff": [d(5, 1)], "first_impact": pa.array([None], pa.date32())}, as_of=d(5, 2)
    )
    assert out.to_pylist()[0]["median_days"] is None and out.to_pylist()[0]["share_past_target"] is None


@pytest.mark.parametrize("table", tables(PORTFOLIO))
def test_still_onboarding_longest_open_first(table: Any) -> None:
    out = cs.still_onboarding(table, as_of="2026-06-01", target_days=30)
    if isinstance(out, pd.DataFrame):
        assert list(out.index) == [3, 4]  # the caller's index
        out = pa.Table.from_pandas(out, preserve_index=False)
    elif isinstance(out, pl.DataFrame):
        out = out.to_arrow()
    assert out.select(["account", "days_open", "overdue"]).to_pylist() == [
        {"account": "d", "days_open": 31, "overdue": True},
        {"account": "e", "days_open": 5, "overdue": False},
    ]


def test_python_and_rust_cli_agree(cs_binary: Path) -> None:
    csv = DATA / "onboarding.csv"
    cli = json.loads(
        subprocess.run(
            [str(cs_binary), "onboarding", str(csv), "--as-of", "2026-06-30", "--by", "segment", "--json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    df = pd.read_csv(csv)
    py = cs.ttfi_summary(df, as_of="2026-06-30", by="segment")
    assert [g["segment"] for g in cli["groups"]] == py["segment"].tolist()
    for g, (_, row) in zip(cli["groups"], py.iterrows(), strict=True):
        s = g["summary"]
        assert s["accounts"] == row["accounts"] and s["achieved"] == row["achieved"]
        assert s["median_days"] == row["median_days"] and s["p90_days"] == row["p90_days"]
        assert s["share_past_target"] == row["share_past_target"]  # bit-identical
    open_py = cs.still_onboarding(df, as_of="2026-06-30")
    assert [o["account"] for o in cli["still_onboarding"]] == open_py["account"].tolist()
    assert [o["days_open"] for o in cli["still_onboarding"]] == open_py["days_open"].tolist()


def test_plan_status_agrees_with_cs_plan_show(cs_binary: Path, plan: cs.JointImpactPlan) -> None:
    out = subprocess.run(
        [str(cs_binary), "plan", "show", str(DATA / "plan.json"), "--as-of", "2026-05-15", "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert json.loads(out) == plan.status("2026-05-15")


# --- lifecycle stage -------------------------------------------------------------------------


def test_lifecycle_stages_follow_the_milestones() -> None:
    # The Rust test's account (closed 01-05, handoff 01-09, kickoff 01-20, First Impact 03-02,
    # contract end 2027-01-31) on different dates is the same as different accounts on one
    # date; here one date, 2026-11-01, and accounts at each stage.
    table = pd.DataFrame(
        {
            "closed_on": [
                "2026-01-05",
                "2026-10-30",
                "2026-09-01",
                "2026-03-01",
                "2025-11-01",
                "2025-11-01",
                "2026-12-01",
            ],
            "handoff_completed": [None, None, "2026-09-05", "2026-03-04", None, None, None],
            "kickoff": ["2026-01-20", None, "2026-09-20", "2026-03-20", None, None, None],
            "first_impact": ["2026-03-02", None, None, "2026-04-30", None, None, None],
            "contract_end": ["2027-01-31", None, None, "2027-02-28", "2026-10-31", "2026-10-31", None],
            "renewed_on": [None, None, None, None, "2026-10-15", None, None],
            "churned_on": [None, None, None, None, None, "2026-10-31", None],
        }
    )
    out = cs.lifecycle_stage(table, as_of="2026-11-01")
    # window opens 2027-01-31 - 3 months = 2026-10-31: account 0 is in it
    assert out["stage"].tolist() == [
        "renewal_window",
        "handoff",
        "onboarding",
        "adoption",
        "renewed",
        "churned",
        None,  # not closed yet
    ]
    narrow = cs.lifecycle_stage(table, as_of="2026-11-01", window_months=1)
    assert narrow["stage"].tolist()[0] == "adoption"


def test_lifecycle_stage_optional_columns_and_errors() -> None:
    closed = {"closed_on": [d(1, 5), d(1, 5)], "kickoff": [d(1, 20), d(2, 1)]}
    assert list(cs.lifecycle_stage(closed, as_of=d(2, 15))["stage"]) == ["onboarding", "onboarding"]
    with pytest.raises(cs.CsError, match=re.escape('unknown column "go_live"')):
        cs.lifecycle_stage(closed, as_of=d(2, 15), first_impact="go_live")
    bad = closed | {"first_impact": [d(3, 2), d(1, 30)]}
    with pytest.raises(cs.CsError, match=re.escape("first_impact 2026-01-30 at position 1 is invalid")):
        cs.lifecycle_stage(bad, as_of=d(2, 15))
    with pytest.raises(cs.CsError, match=re.escape("closed_on is missing at position 0")):
        cs.lifecycle_stage({"closed_on": pa.array([None], pa.date32())}, as_of=d(2, 15))
