"""The exception hierarchy: every cs-core error variant raises its own CsError subclass (a
ValueError), through a real public call, with the Rust message unchanged; errors pickle."""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable
from typing import Any

import pytest

import cs_core as cs


def _sbg_without_churn() -> Any:
    return cs.SbgModel.fit([100, 100, 100, 100])


def _future_risk_model() -> Any:
    document = cs.RiskModel.default().to_dict()
    document["schema_version"] = 99
    return cs.RiskModel.from_dict(document)


CASES: list[tuple[type[cs.CsError], Callable[[], Any], str]] = [
    (cs.CsOutOfRangeError, lambda: cs.nps([11]), "nps score 11 at position 0 is outside 0..=10"),
    (
        cs.CsInvalidError,
        lambda: cs.RiskModel.default().score({"contact_confirmed": ["yes"]}, drop_missing=True),
        'column contact_confirmed value "yes" at position 0 is invalid: '
        "expected a flag: true / false / 1 / 0",
    ),
    (
        cs.CsMissingError,
        lambda: cs.Playbook.default().evaluate({"account_id": [None, "a"]}, "2026-01-01"),
        "account_id is missing at position 0",
    ),
    (cs.CsEmptyError, lambda: cs.nps([]), "nps score is empty: at least one value is needed"),
    (
        cs.CsLengthMismatchError,
        lambda: cs.roc_auc([0.1, 0.2], [True]),
        "column churned has 1 rows, expected 2",
    ),
    (
        cs.CsUnknownError,
        lambda: cs.SuccessPackage.builtin("platinum"),
        'unknown success package "platinum" (known: commerce, enterprise, community_segment, '
        "enterprise_segment, strategic_segment)",
    ),
    (
        cs.CsDuplicateError,
        lambda: cs.revenue_retention(
            {"account_id": ["a", "a"], "arr": [1, 2]}, {"account_id": ["a"], "arr": [1]}
        ),
        'duplicate account id "a"',
    ),
    (
        cs.CsParseError,
        lambda: cs.RiskModel.from_json("{"),
        "invalid JSON document: risk model: EOF while parsing an object at line 1 column 1",
    ),
    (
        cs.CsSchemaVersionError,
        _future_risk_model,
        "risk model schema_version 99 is not supported (this version reads 1)",
    ),
    (
        cs.CsEstimationError,
        _sbg_without_churn,
        "sBG fit failed: no customer churned, so the churn distribution is not determined",
    ),
]

SUBCLASSES = [
    cs.CsOutOfRangeError,
    cs.CsInvalidError,
    cs.CsMissingError,
    cs.CsEmptyError,
    cs.CsLengthMismatchError,
    cs.CsUnknownError,
    cs.CsDuplicateError,
    cs.CsParseError,
    cs.CsSchemaVersionError,
    cs.CsEstimationError,
]


def test_every_subclass_has_a_case() -> None:
    assert [c for c, _, _ in CASES] == SUBCLASSES


@pytest.mark.parametrize(("cls", "call", "message"), CASES, ids=[c.__name__ for c, _, _ in CASES])
def test_variant_raises_its_subclass_with_the_rust_message(
    cls: type[cs.CsError], call: Callable[[], Any], message: str
) -> None:
    with pytest.raises(cls, match=f"^{re.escape(message)}$") as err:
        call()
    assert type(err.value) is cls
    # Catching the base (or ValueError) still works.
    assert isinstance(err.value, cs.CsError)
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize("cls", SUBCLASSES, ids=[c.__name__ for c in SUBCLASSES])
def test_hierarchy(cls: type[cs.CsError]) -> None:
    assert issubclass(cls, cs.CsError)
    assert cls is not cs.CsError
    assert cls.__module__ == "cs_core"
    assert cls.__doc__
    assert cls.__name__ in cs.__all__
    # Families are disjoint: no subclass is another's.
    assert [other for other in SUBCLASSES if other is not cls and issubclass(cls, other)] == []


def test_base_is_a_value_error() -> None:
    assert issubclass(cs.CsError, ValueError)
    assert "CsError" in cs.__all__


@pytest.mark.parametrize(("cls", "call", "message"), CASES, ids=[c.__name__ for c, _, _ in CASES])
def test_raised_error_pickles(cls: type[cs.CsError], call: Callable[[], Any], message: str) -> None:
    with pytest.raises(cls) as err:
        call()
    back = pickle.loads(pickle.dumps(err.value))
    assert type(back) is cls
    assert str(back) == message
    assert back.args == err.value.args


def test_errors_raised_in_python_are_the_base_class() -> None:
    with pytest.raises(cs.CsError, match="unknown table type") as err:
        cs.engagement_calendar("enterprise", "2026-01-01", as_="excel")
    assert type(err.value) is cs.CsError
