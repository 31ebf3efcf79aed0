"""The one cell grammar (cs-arrow/src/cells.rs) through every table kind.

Each case is one column of logical cells (flags, numbers, labels, dates, money) beside an
account id and an ARR. The same table is built as a CSV file run through the ``cs`` command line
(every cell text), as pyarrow, pandas and polars tables and as a dict of numpy arrays, and read
by ``RiskModel.default().score`` (``cs risk``), ``Playbook.default().evaluate`` (``cs ctas``)
or ``Scorecard.default().score`` (``cs score``).
Every source must give the same risks / CTAs, or the same error: the Python message equals the
CLI's after its "FILE line N, " prefix, with " at position N-2" where the CLI names the line.
"""

from __future__ import annotations

import csv
import datetime
import json
import math
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import cs_core as cs

AS_OF = "2026-06-30"
SOURCES = ["pyarrow", "pandas", "polars", "numpy"]
D = datetime.date


@dataclass
class Case:
    """One column under test; ``error`` is the expected message (Python form), if any."""

    id: str
    column: str
    cells: list[Any]
    command: str  # "risk", "ctas" or "score" (health: `cs score -o`, `Scorecard.score`)
    error: str | None = None
    # Source -> why that source cannot express these cells (the combination is skipped).
    cannot: dict[str, str] = field(default_factory=dict)
    # Extra columns (same for every source), e.g. a renewal date for the review flag.
    extra: dict[str, list[Any]] = field(default_factory=dict)


# The default scorecard's measures, each at a typical value, beside the column under test.
SCORE_MEASURES: dict[str, Any] = {
    "licence_utilisation": 0.6,
    "logins_per_user": 4.0,
    "open_tickets": 2,
    "high_priority_tickets": 0,
    "nps": 8,
    "days_since_last_touch": 12,
    "executive_sponsor": True,
}

NO_NULL_BOOL = "a numpy bool array cannot hold null"
NO_NULL_INT = "a numpy integer array cannot hold null"
NO_NULL_STR = "a numpy text array cannot hold null"
NO_MIXED = "the cells mix Python types; a numpy array of them is an object array, not a column"

FLAG = "expected a flag: true / false / 1 / 0"
MIDNIGHT = "expected a date (a time of day other than midnight is not a date)"

CASES = [
    # --- flags (contact_confirmed is a risk factor) ---
    Case("flag-bool", "contact_confirmed", [True, False, None], "risk", cannot={"numpy": NO_NULL_BOOL}),
    Case("flag-bool-no-null", "contact_confirmed", [True, False, True], "risk"),
    Case("flag-int", "contact_confirmed", [1, 0, None], "risk", cannot={"numpy": NO_NULL_INT}),
    Case("flag-int-no-null", "contact_confirmed", [1, 0, 0], "risk"),
    Case(
        "flag-2",
        "contact_confirmed",
        [1, 2, 0],
        "risk",
        error=f"column contact_confirmed value 2 at position 1 is invalid: {FLAG}",
    ),
    Case("flag-text", "contact_confirmed", ["true", "FALSE", "1", "0", " True "], "risk"),
    Case("flag-text-blank", "contact_confirmed", ["true", "", "0"], "risk"),
    Case(
        "flag-t",
        "contact_confirmed",
        ["true", "t"],
        "risk",
        error=f'column contact_confirmed value "t" at position 1 is invalid: {FLAG}',
    ),
    Case(
        "flag-yes",
        "contact_confirmed",
        ["yes", "false"],
        "risk",
        error=f'column contact_confirmed value "yes" at position 0 is invalid: {FLAG}',
    ),
    # internal_review_done silences the internal renewal review CTA (renewal within 90 days).
    Case(
        "flag-review",
        "internal_review_done",
        [True, False, None],
        "ctas",
        cannot={"numpy": NO_NULL_BOOL},
        extra={"renewal_date": ["2026-08-15", "2026-08-15", "2026-08-15"]},
    ),
    # --- numbers ---
    Case("number", "health_score", [80.0, 35.5, 61.0], "risk"),
    Case("number-int", "health_score", [80, 35, 61], "risk"),
    Case("number-nan", "health_score", [80.0, math.nan, 61.0], "risk"),
    Case("number-none", "health_score", [80.0, None, 61.0], "risk"),
    Case(
        "number-inf",
        "health_score",
        [80.0, 12.0, math.inf],
        "risk",
        error="column health_score value inf at position 2 is invalid: expected a finite number",
    ),
    Case(
        "number-text",
        "health_score",
        ["80", "NaN", "", " 61.5 "],
        "risk",
    ),
    Case(
        "number-bad-text",
        "health_score",
        ["80", "high"],
        "risk",
        error='column health_score value "high" at position 1 is invalid: expected a number',
    ),
    # --- labels (names or codes) ---
    Case("label-names", "nps_category", ["promoter", "detractor", "passive"], "risk"),
    Case("label-names-blank", "nps_category", ["promoter", "", None], "risk", cannot={"numpy": NO_NULL_STR}),
    Case("label-codes", "nps_category", [2, 0, 1], "risk"),
    Case("label-band", "health_band", ["red", "green", "amber"], "risk"),
    Case("label-band-codes", "health_band", [0, 2, 1], "risk"),
    Case("label-band-codes-null", "health_band", [0, None, 1], "risk", cannot={"numpy": NO_NULL_INT}),
    # A number in an ordered label column (bands, NPS categories, tiers) is a code, typed or
    # written as text ("0.0" in a CSV file); a fraction is an error either way.
    Case(
        "label-fraction",
        "health_band",
        [0.0, 1.5],
        "risk",
        error="column health_band value 1.5 at position 1 is invalid: expected a whole number",
    ),
    # --- dates ---
    Case(
        "date-iso", "renewal_date", ["2026-08-15", "2027-01-31", None], "ctas", cannot={"numpy": NO_NULL_STR}
    ),
    Case("date-iso-risk", "renewal_date", ["2026-08-15", "2027-01-31", "2026-12-01"], "risk"),
    Case("date-date", "renewal_date", [D(2026, 8, 15), D(2027, 1, 31), None], "ctas"),
    Case(
        "date-datetime64",
        "renewal_date",
        [np.datetime64("2026-08-15"), np.datetime64("2027-01-31"), np.datetime64("2026-12-01")],
        "ctas",
    ),
    Case(
        "date-timestamp",
        "renewal_date",
        [pd.Timestamp("2026-08-15"), pd.Timestamp("2027-01-31"), None],
        "ctas",
    ),
    Case(
        "date-review-due",
        "next_success_review_due",
        [D(2026, 6, 1), D(2026, 7, 31), None],
        "ctas",
    ),
    Case(
        "date-time-of-day",
        "renewal_date",
        [pd.Timestamp("2026-08-15"), pd.Timestamp("2026-09-30 10:30:00")],
        "ctas",
        error=f'column renewal_date value "2026-09-30 10:30:00" at position 1 is invalid: {MIDNIGHT}',
    ),
    Case(
        "date-bad-text",
        "renewal_date",
        ["2026-08-15", "next spring"],
        "ctas",
        error='column renewal_date value "next spring" at position 1 is invalid: '
        "expected a date (YYYY-MM-DD)",
    ),
    # --- money (integer minor units): previous_arr drives arr_change ---
    Case("money-int", "previous_arr", [100_000, 150_000, 80_000], "risk"),
    Case("money-whole-float", "previous_arr", [100_000.0, 150_000.0, 80_000.0], "risk"),
    Case("money-null", "previous_arr", [100_000, None, 80_000], "risk", cannot={"numpy": NO_NULL_INT}),
    Case(
        "money-fraction",
        "arr",
        [100_000.0, 100.5],
        "risk",
        error="column arr value 100.5 at position 1 is invalid: expected a whole number",
    ),
    # --- health measures (the default scorecard through `cs score` and Scorecard.score) ---
    Case(
        "score-flag-bool", "executive_sponsor", [True, False, None], "score", cannot={"numpy": NO_NULL_BOOL}
    ),
    Case("score-flag-int", "executive_sponsor", [1, 0, 0], "score"),
    Case("score-flag-text", "executive_sponsor", ["true", "FALSE", "1", " 0 "], "score"),
    Case(
        "score-flag-2",
        "executive_sponsor",
        [1, 2, 0],
        "score",
        error=f"column executive_sponsor value 2 at position 1 is invalid: {FLAG}",
    ),
    Case(
        "score-flag-t",
        "executive_sponsor",
        ["true", "t"],
        "score",
        error=f'column executive_sponsor value "t" at position 1 is invalid: {FLAG}',
    ),
    Case("score-number", "licence_utilisation", [0.5, 0.75, 0.9], "score"),
    Case("score-number-int", "licence_utilisation", [1, 0, 1], "score"),
    Case("score-number-nan", "licence_utilisation", [0.5, math.nan, 0.9], "score"),
    Case("score-number-none", "licence_utilisation", [0.5, None, 0.9], "score"),
    Case("score-number-text", "licence_utilisation", ["0.5", "NaN", "", " 0.9 "], "score"),
    Case(
        "score-number-bad-text",
        "licence_utilisation",
        ["0.5", "high"],
        "score",
        error='column licence_utilisation value "high" at position 1 is invalid: expected a number',
    ),
]


def _csv_text(cell: Any) -> str:
    """A cell as the text a CSV file holds."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        if math.isnan(cell):
            return "NaN"
        if math.isinf(cell):
            return "inf" if cell > 0 else "-inf"
        return repr(cell)
    if isinstance(cell, pd.Timestamp):
        return str(cell)
    if isinstance(cell, D):
        return cell.isoformat()
    return str(cell)


def _columns(case: Case) -> dict[str, list[Any]]:
    n = len(case.cells)
    columns: dict[str, list[Any]] = {"account_id": [f"a{i}" for i in range(n)]}
    if case.column != "arr":
        columns["arr"] = [100_000] * n
    if case.command == "score":
        columns.update({m: [v] * n for m, v in SCORE_MEASURES.items()})
    columns.update(case.extra)
    columns[case.column] = case.cells
    return columns


def _native(cells: list[Any]) -> Any:
    """numpy datetime64 scalars in a numpy array (pyarrow and polars take no list of them)."""
    if any(isinstance(c, np.datetime64) for c in cells):
        return np.array(cells, dtype="datetime64[D]")
    return cells


def _numpy_column(cells: list[Any]) -> np.ndarray:
    """The natural numpy array of the cells: NaN for a missing float, NaT for a missing date."""
    kinds = {type(c) for c in cells if c is not None}
    if kinds <= {bool}:
        return np.array(cells, dtype=bool)
    if kinds <= {int}:
        return np.array(cells, dtype=np.int64)
    if kinds <= {int, float}:
        return np.array([np.nan if c is None else c for c in cells], dtype=np.float64)
    if kinds <= {str}:
        return np.array(cells, dtype=str)
    if kinds <= {D, np.datetime64}:
        return np.array(["NaT" if c is None else c for c in cells], dtype="datetime64[D]")
    if kinds <= {pd.Timestamp}:
        return np.array(["NaT" if c is None else c.to_datetime64() for c in cells], dtype="datetime64[ns]")
    raise AssertionError(f"no numpy column for {kinds}")


def _table(source: str, case: Case) -> Any:
    columns = _columns(case)
    if source == "pyarrow":
        return pa.table({k: pa.array(_native(v)) for k, v in columns.items()})
    if source == "pandas":
        return pd.DataFrame({k: _native(v) for k, v in columns.items()})
    if source == "polars":
        return pl.DataFrame({k: _native(v) for k, v in columns.items()})
    if source == "numpy":
        return {k: _numpy_column(v) for k, v in columns.items()}
    raise AssertionError(source)


def _write_csv(path: Path, case: Case) -> None:
    columns = _columns(case)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for row in zip(*columns.values(), strict=True):
            w.writerow([_csv_text(c) for c in row])


def _cli_result(cs_binary: Path, tmp_path: Path, case: Case) -> tuple[Any, str | None]:
    """(result, None) or (None, error message in the Python form)."""
    path = tmp_path / f"{case.id}.csv"
    _write_csv(path, case)
    scored = tmp_path / f"{case.id}.scored.json"
    extra = ["-o", str(scored)] if case.command == "score" else []
    run = subprocess.run(
        [str(cs_binary), case.command, str(path), "--as-of", AS_OF, "--json", *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode == 0:
        if case.command == "score":
            rows = json.loads(scored.read_text())
            return {r["account"]: (r["score"], r["band"]) for r in rows}, None
        doc = json.loads(run.stdout)
        if case.command == "risk":
            return {a["account_id"]: a["risk"] for a in doc["accounts"]}, None
        return sorted((c["account_id"], c["rule_id"], str(c["due"])) for c in doc), None
    stderr = run.stderr.strip()
    m = re.fullmatch(rf"cs: {re.escape(str(path))} line (\d+), (.*)", stderr, flags=re.S)
    if m is None:
        # An error the CLI places in no line: compared as it stands.
        return None, stderr.removeprefix(f"cs: {path}: ")
    line, message = int(m.group(1)), m.group(2)
    # "column C value V is invalid: ..." -> "column C value V at position N-2 is invalid: ..."
    where = re.match(r"(column \S+ value .*?|\S+) (is invalid|is outside|is missing)", message)
    assert where, message
    at = where.end(1)
    return None, f"{message[:at]} at position {line - 2}{message[at:]}"


def _column_values(result: Any, name: str) -> list[Any]:
    if isinstance(result, pd.DataFrame):
        return [None if pd.isna(v) else v for v in result[name].tolist()]
    if isinstance(result, pl.DataFrame):
        return result[name].to_list()
    if isinstance(result, pa.Table):
        return result.column(name).to_pylist()
    if isinstance(result, dict):  # a dict of numpy columns comes back as one
        column = result[name]
        if isinstance(column, np.ndarray):
            return [None if isinstance(v, float) and math.isnan(v) else v for v in column.tolist()]
        return pa.array(column).to_pylist()
    raise AssertionError(type(result))


def _python_result(source: str, case: Case) -> tuple[Any, str | None]:
    table = _table(source, case)
    try:
        if case.command == "score":
            health = cs.Scorecard.default().score(table, as_of=AS_OF)
            ids = _columns(case)["account_id"]
            pairs = zip(
                _column_values(health, "score"), [str(b) for b in _column_values(health, "band")], strict=True
            )
            return dict(zip(ids, pairs, strict=True)), None
        if case.command == "risk":
            scored = cs.RiskModel.default().score(table, drop_missing=True, as_of=AS_OF)
            ids = _columns(case)["account_id"]
            return dict(zip(ids, _column_values(scored, "risk"), strict=True)), None
        ctas = cs.Playbook.default().evaluate(table, AS_OF)
        rows = zip(
            _column_values(ctas, "account_id"),
            _column_values(ctas, "rule_id"),
            _column_values(ctas, "due"),
            strict=True,
        )
        return sorted((a, r, str(d)[:10]) for a, r, d in rows), None
    except cs.CsError as e:
        return None, str(e)


class _CliResults:
    """The CLI's result of each case, run once on first use."""

    def __init__(self, cs_binary: Path, tmp: Path) -> None:
        self.cs_binary, self.tmp, self.done = cs_binary, tmp, {}

    def __getitem__(self, case_id: str) -> tuple[Any, str | None]:
        if case_id not in self.done:
            case = next(c for c in CASES if c.id == case_id)
            self.done[case_id] = _cli_result(self.cs_binary, self.tmp, case)
        return self.done[case_id]


@pytest.fixture(scope="module")
def cli_results(cs_binary: Path, tmp_path_factory: pytest.TempPathFactory) -> _CliResults:
    return _CliResults(cs_binary, tmp_path_factory.mktemp("cells"))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cli_reads_the_csv_as_the_case_expects(case: Case, cli_results: _CliResults) -> None:
    if "csv" in case.cannot:
        pytest.skip(case.cannot["csv"])
    result, error = cli_results[case.id]
    assert error == case.error
    if error is None:
        assert result, "the case should produce risks or CTAs"


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_source_gives_the_cli_result(case: Case, source: str, cli_results: _CliResults) -> None:
    if source in case.cannot:
        pytest.skip(case.cannot[source])
    expected = _python_result("pyarrow", case) if "csv" in case.cannot else cli_results[case.id]
    if case.error is not None:
        assert expected == (None, case.error)
    assert _python_result(source, case) == expected
