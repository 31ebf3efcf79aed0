"""A sweep over every numeric parameter of the public API.

For every public function and method of ``cs_core`` whose signature gives a parameter a float or
int default, the sweep calls it with that parameter set to values no caller means (NaN, huge
and negative floats; negative and 70-bit ints), everything else valid. Each call must either
succeed with a finite result or raise a ``CsError`` whose message names the parameter and shows
the value; never another exception type, and never a message that loses the value in a
309-digit expansion. The catalog (test_bad_input_catalog.py) checks chosen cases by hand; this
test finds the parameters nobody wrote a case for.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import cs_core as cs

ROOT = Path(__file__).resolve().parents[2]

DAY = "2026-06-30"


def fixtures() -> dict[str, Any]:
    """Valid values for the required parameters, by name."""
    onboarding = pa.table(
        {
            "account_id": ["a", "b"],
            "kickoff": ["2026-01-10", "2026-02-01"],
            "contract_start": ["2026-01-01", "2026-01-20"],
            "first_impact": ["2026-03-01", None],
            "closed_on": ["2025-12-20", "2026-01-05"],
        }
    )
    return {
        "durations": [1.0, 2.0, 3.0, 4.0],
        "observed": [True, False, True, True],
        "times": [1.0, 2.0, 2.0],
        "events": [1, 0, 1],
        "censored": [0, 1, 0],
        "scores": [0.1, 0.5, 0.3, 0.9],
        "churned": [True, False, False, True],
        "groups": ["a", "a", "b", "b"],
        "ratings": [4.0, 5.0],
        "answers": [9, 10, 3],
        "perceived": [9.0],
        "actual": [9],
        "promoters": 5,
        "passives": 3,
        "detractors": 2,
        "alive": [100, 80, 70, 65],
        "cohorts": [[100, 80, 70]],
        "bands": ["red", "green"],
        "discount": 0.1,
        "margin": 100.0,
        "n": 20,
        "as_of": DAY,
        "history": {
            "health_trend": [cs.Scorecard.default().explain({"licence_utilisation": 0.5, "nps": 8.0}, DAY)],
            "Scorecard.fit_weights": pq.read_table(ROOT / "examples/data/omnico/renewal_health.parquet"),
        },
        "contract_or_table": cs.Contract("A", 1000, "2026-01-01", "2027-01-01"),
        "table": {
            "expansion_signals": pa.table(
                {"utilisation": [0.9], "health_score": [80.0], "nps_category": ["promoter"]}
            ),
            "kaplan_meier_by": pa.table(
                {"duration": [1.0, 2.0, 3.0], "observed": [True, False, True], "segment": ["x", "x", "y"]}
            ),
            "nps_by": pa.table({"score": [9, 10, 3]}),
            "lifecycle_stage": onboarding,
            "still_onboarding": onboarding,
            "time_to_first_impact": onboarding,
            "ttfi_summary": onboarding,
            "RiskModel.fit": pa.table(
                {
                    "health_score": [20.0, 35.0, 50.0, 60.0, 70.0, 80.0, 90.0, 40.0],
                    "churned": [True, True, False, True, False, False, False, False],
                }
            ),
        },
    }


def instances() -> dict[str, Any]:
    """An instance of each class whose methods are swept."""
    return {
        "Scorecard": cs.Scorecard.default(),
        "RiskModel": cs.RiskModel.default(),
        "SbgModel": cs.SbgModel(1.0, 2.0),
        "KaplanMeier": cs.kaplan_meier([1.0, 2.0, 3.0], [True, False, True]),
        "NpsResult": cs.nps_from_counts(5, 3, 2),
    }


def bad_values(default: float) -> list[float]:
    if isinstance(default, float):
        return [math.nan, -1e308, 1e308]
    return [-1, 2**70]


def callables() -> Iterator[tuple[str, Callable[..., Any]]]:
    objects = instances()
    for name in cs.__all__:
        obj = getattr(cs, name)
        if inspect.isclass(obj):
            if name not in objects:
                continue
            for method in dir(objects[name]):
                attribute = getattr(objects[name], method)
                if not method.startswith("_") and callable(attribute):
                    yield f"{name}.{method}", attribute
        elif callable(obj):
            yield name, obj


def cases() -> Iterator[Any]:
    for name, function in callables():
        try:
            signature = inspect.signature(function)
        except (TypeError, ValueError):
            continue
        for parameter in signature.parameters.values():
            default = parameter.default
            if isinstance(default, bool) or not isinstance(default, int | float):
                continue
            for value in bad_values(default):
                case_id = f"{name}({parameter.name}={value!r})"
                yield pytest.param(name, function, parameter.name, value, id=case_id)


def required_arguments(name: str, function: Callable[..., Any], skip: str) -> dict[str, Any]:
    known = fixtures()
    arguments: dict[str, Any] = {}
    for parameter in inspect.signature(function).parameters.values():
        if parameter.name == skip or parameter.default is not inspect.Parameter.empty:
            continue
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        value = known[parameter.name]
        if isinstance(value, dict):
            value = value[name]
        arguments[parameter.name] = value
    return arguments


def shown(value: float) -> tuple[str, ...]:
    if isinstance(value, float) and math.isnan(value):
        return ("nan", "NaN")
    return (str(value), repr(value).replace("e+", "e"))


def finite(result: Any) -> bool:
    if isinstance(result, float):
        return math.isfinite(result)
    if isinstance(result, tuple | list):
        return all(finite(v) for v in result)
    return True


@pytest.mark.parametrize(("name", "function", "parameter", "value"), list(cases()))
def test_a_bad_number_is_named_or_harmless(
    name: str, function: Callable[..., Any], parameter: str, value: Any
) -> None:
    arguments = required_arguments(name, function, parameter)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = function(**arguments, **{parameter: value})
        except cs.CsError as e:
            message = str(e)
            assert parameter in message or parameter.replace("_", " ") in message, message
            assert any(text in message for text in shown(value)), message
            assert len(message) < 400, message
            return
    assert finite(result), f"{name}({parameter}={value!r}) returned {result!r}"


def test_the_sweep_reaches_the_parameters() -> None:
    swept = {(c.values[0], c.values[2]) for c in cases()}
    # A few that must be in it: if the signatures stop exposing defaults, the sweep is empty.
    for expected in [
        ("kaplan_meier", "confidence"),
        ("SbgModel.fit", "tolerance"),
        ("csat", "threshold"),
        ("synthetic_portfolio", "seed"),
        ("renewal_stage", "grace_days"),
    ]:
        assert expected in swept
    assert len(swept) > 30
