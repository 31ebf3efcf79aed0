"""Bad input gets a named error, never a crash: deep documents, NaN in documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import cs_core as cs


def nested(depth: int) -> list[Any]:
    x: list[Any] = []
    for _ in range(depth):
        x = [x]
    return x


def test_deeply_nested_documents_are_an_error_not_a_crash() -> None:
    deep = nested(20_000)
    # Used to overflow the native stack (segfault) in the dict-to-document converter.
    with pytest.raises(cs.CsInvalidError, match="nests deeper than 64 levels"):
        cs.Handoff(account="A", closed_on="2026-01-05", red_flags=deep)
    builders = (
        cs.SuccessPackage.from_dict,
        cs.RiskModel.from_dict,
        cs.Scorecard.from_dict,
        cs.Playbook.from_dict,
    )
    for build in builders:
        with pytest.raises(cs.CsInvalidError, match="nests deeper than 64 levels"):
            build({"schema_version": 1, "name": "x", "extra": deep})
    # Real documents are far shallower and still convert.
    doc = cs.RiskModel.default().to_dict()
    assert cs.RiskModel.from_dict(doc) == cs.RiskModel.default()


def test_nan_in_a_document_is_named() -> None:
    doc = cs.RiskModel.default().to_dict()
    doc["intercept"] = float("nan")
    # Used to read "expected value at line 1 column 11" (NaN through json.dumps).
    with pytest.raises(cs.CsInvalidError, match=r"intercept nan is invalid: must be a finite number"):
        cs.RiskModel.from_dict(doc)


def test_huge_synthetic_portfolios_are_a_named_error() -> None:
    # Used to abort the process on a failed allocation (10**12) or panic (2**63 - 1).
    for n in (10**12, 2**63 - 1):
        with pytest.raises(cs.CsOutOfRangeError, match=r"outside 0\.\.=200000000"):
            cs.synthetic_portfolio(n)


def test_a_calendar_name_cannot_forge_events() -> None:
    cal = cs.EngagementCalendar(cs.SuccessPackage.builtin("enterprise"), "2026-01-01")
    ics = cal.to_ics(calendar_name="C\r\nBEGIN:VEVENT\r\nSUMMARY:fake\r\nEND:VEVENT")
    lines = ics.split("\r\n")
    # The name stays one (escaped) property line: no extra event, no forged summary line.
    assert lines.count("BEGIN:VEVENT") == len(cal)
    assert "SUMMARY:fake" not in lines


ONBOARDING = {"kickoff": ["2026-02-01"], "contract_start": ["2026-01-01"], "first_impact": [None]}


def _plan() -> cs.JointImpactPlan:
    return cs.JointImpactPlan.from_json(
        (Path(__file__).resolve().parents[2] / "examples/data/plan.json").read_text()
    )


def _contract() -> cs.Contract:
    return cs.Contract("A", 1, "2026-01-01", "2027-01-01")


def _sbg() -> cs.SbgModel:
    return cs.SbgModel(1.0, 2.0)


# Every integer parameter, called with the value under test (the other arguments valid).
INTEGER_PARAMETERS: list[tuple[str, Any]] = [
    ("promoters", lambda v: cs.nps_from_counts(v, 1, 1)),
    ("passives", lambda v: cs.nps_from_counts(1, v, 1)),
    ("detractors", lambda v: cs.nps_from_counts(1, 1, v)),
    ("term_months", lambda v: cs.ContractTerm("2026-01-01", term_months=v)),
    ("grace_days", lambda v: cs.MatchingRules(grace_days=v)),
    ("early_days", lambda v: cs.MatchingRules(early_days=v)),
    ("bins", lambda v: cs.backtest([0.1, 0.9], [False, True], bins=v)),
    ("t", lambda v: _sbg().survival(v)),
    ("periods", lambda v: _sbg().survival_curve(v)),
    ("initial", lambda v: _sbg().expected_alive(v, 3)),
    ("renewals", lambda v: _sbg().derl(0.1, v)),
    ("max_iterations", lambda v: cs.SbgModel.fit([100, 80, 70], max_iterations=v)),
    ("n", lambda v: cs.synthetic_portfolio(v)),
    ("seed", lambda v: cs.synthetic_portfolio(3, seed=v)),
    ("window_days", lambda v: cs.health_trend([], window_days=v)),
    ("arr", lambda v: cs.Contract("A", v, "2026-01-01", "2027-01-01")),
    ("notice_days", lambda v: cs.Contract("A", 1, "2026-01-01", "2027-01-01", notice_days=v)),
    ("planning_days", lambda v: _contract().status("2026-06-01", planning_days=v)),
    ("internal_review_days", lambda v: _contract().status("2026-06-01", internal_review_days=v)),
    ("imminent_days", lambda v: _contract().status("2026-06-01", imminent_days=v)),
    ("reason_count", lambda v: cs.RiskModel.default().with_tiers(reason_count=v)),
    ("target_days", lambda v: cs.time_to_first_impact(ONBOARDING, "2026-06-01", target_days=v)),
    ("target_days", lambda v: cs.ttfi_summary(ONBOARDING, as_of="2026-06-01", target_days=v)),
    ("target_days", lambda v: cs.still_onboarding(ONBOARDING, "2026-06-01", target_days=v)),
    (
        "target_days",
        lambda v: cs.Handoff(account="A", closed_on="2026-01-05").lag("2026-02-01", target_days=v),
    ),
    ("target_days", lambda v: _plan().status("2026-06-01", target_days=v)),
    ("limit", lambda v: _plan().status("2026-06-01", limit=v)),
    ("limit", lambda v: _plan().next_actions("2026-06-01", limit=v)),
    (
        "window_months",
        lambda v: cs.lifecycle_stage({"closed_on": ["2026-01-01"]}, "2026-06-01", window_months=v),
    ),
]


@pytest.mark.parametrize(("name", "call"), INTEGER_PARAMETERS, ids=[n for n, _ in INTEGER_PARAMETERS])
@pytest.mark.parametrize("value", [2**64, 10**30, -(2**70)])
def test_a_huge_integer_is_out_of_range_and_named(name: str, call: Any, value: int) -> None:
    # Used to raise a bare OverflowError ("int too big to convert") without the parameter.
    with pytest.raises(cs.CsOutOfRangeError, match=rf"^{name} {value} is outside "):
        call(value)


@pytest.mark.parametrize(("name", "call"), INTEGER_PARAMETERS, ids=[n for n, _ in INTEGER_PARAMETERS])
@pytest.mark.parametrize(("value", "shown"), [(True, "True"), (2.0, "2.0"), ("3", "'3'")])
def test_a_non_integer_is_invalid_and_named(name: str, call: Any, value: Any, shown: str) -> None:
    # bool and float used to pass silently (True as 1) or raise a bare TypeError.
    with pytest.raises(cs.CsInvalidError, match=rf"^{name} {shown} is invalid: expected an integer"):
        call(value)


def test_an_integer_too_long_to_print_is_still_named() -> None:
    # Python refuses str() of more than 4300 digits; the message gives the size instead.
    bits = r"^bins \(an integer of \d+ bits\) is outside 1\.\.=10000"
    with pytest.raises(cs.CsOutOfRangeError, match=bits):
        cs.backtest([0.1, 0.9], [False, True], bins=10**5000)


def test_numpy_integers_are_integers() -> None:
    import numpy as np

    assert cs.backtest([0.1, 0.9], [False, True], bins=np.int64(2)).auc == 1.0
    with pytest.raises(cs.CsOutOfRangeError, match=r"^bins -1 is outside 1\.\.=10000"):
        cs.backtest([0.1, 0.9], [False, True], bins=np.int32(-1))


def test_a_huge_survival_curve_is_refused_before_allocating() -> None:
    # Used to abort the process (an allocation of 32 GiB).
    with pytest.raises(cs.CsOutOfRangeError, match=r"^periods 4294967295 is outside 0\.\.=100000"):
        _sbg().survival_curve(2**32 - 1)
    with pytest.raises(cs.CsOutOfRangeError, match=r"^periods 100001 is outside 0\.\.=100000"):
        _sbg().expected_alive(10, 100_001)
