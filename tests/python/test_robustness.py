"""Bad input gets a named error, never a crash: deep documents, NaN in documents."""

from __future__ import annotations

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
