"""Customer Success logic from the cs-core Rust library.

``import cs_core as cs``. Every function mirrors a Rust function of the same name; batch
functions accept numpy arrays, pyarrow arrays and tables, pandas and polars objects (numpy and
Arrow memory is borrowed, not copied) and release the GIL while computing. Every invalid input
raises :class:`CsError`, a :class:`ValueError` whose message names the field and the value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from cs_core._cs_core import (
    Calibration,
    Csat,
    CsError,
    Handoff,
    JointImpactPlan,
    Kickoff,
    NpsComparison,
    NpsResult,
    __version__,
    _lifecycle_stage,
    _nps_by,
    _still_onboarding,
    _time_to_first_impact,
    _ttfi_summary,
    csat,
    nps,
    nps_calibration,
    nps_compare,
    nps_from_counts,
)

__all__ = [
    "Calibration",
    "CsError",
    "Csat",
    "Handoff",
    "JointImpactPlan",
    "Kickoff",
    "NpsComparison",
    "NpsResult",
    "__version__",
    "csat",
    "lifecycle_stage",
    "nps",
    "nps_by",
    "nps_calibration",
    "nps_compare",
    "nps_from_counts",
    "still_onboarding",
    "time_to_first_impact",
    "ttfi_summary",
]


def _table_kind(table: Any) -> str:
    module = type(table).__module__.split(".")[0]
    if module in ("pandas", "polars"):
        return module
    return "arrow"


def _to_arrow(table: Any) -> Any:
    """An object speaking the Arrow PyCapsule protocol for any supported table type."""
    if isinstance(table, Mapping):
        return pa.table(dict(table))
    if _table_kind(table) == "pandas":
        return pa.Table.from_pandas(table, preserve_index=False)
    return table


def _like(kind: str, result: pa.Table) -> Any:
    """Returns ``result`` as the caller's table type: pandas in, pandas out; polars likewise."""
    if kind == "pandas":
        return result.to_pandas()
    if kind == "polars":
        import polars as pl

        return pl.from_arrow(result)
    return result


def _names(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def nps_by(
    table: Any,
    score: str = "score",
    by: str | Sequence[str] | None = None,
    period: str | None = None,
    date: str = "date",
    confidence: float = 0.95,
    skip_missing: bool = False,
) -> Any:
    """NPS per group and/or calendar period, in one pass over a table.

    Args:
        table: a pandas or polars DataFrame, a pyarrow Table or RecordBatch, or a dict of
            columns.
        score: the column of 0-10 answers.
        by: one key column or several (segment, CSM, ...); ``None`` for no grouping.
        period: ``"month"``, ``"quarter"`` or ``"year"`` to cut a trend by answer date.
        date: the date column used with ``period``.
        confidence: level of the confidence intervals, in (0, 1).
        skip_missing: skip null answers (counted in ``skipped``) instead of raising.

    Returns:
        A table of the caller's kind (pandas in, pandas out; polars in, polars out; pyarrow
        otherwise) with the key columns, ``period`` and ``period_start`` when a period is
        given, then ``responses``, ``promoters``, ``passives``, ``detractors``, ``skipped``,
        ``nps``, ``standard_error``, ``margin_of_error``, ``ci_low`` and ``ci_high``. Groups
        are sorted by key; every group shows its counts so that small groups look small.
    """
    kind = _table_kind(table)
    result = _nps_by(_to_arrow(table), score, _names(by), period, date, confidence, skip_missing)
    return _like(kind, result)


# --- onboarding ---


def _with_columns(table: Any, kind: str, new: pa.Table) -> Any:
    """``table`` with the columns of ``new`` appended, as the caller's table type (a pandas
    DataFrame keeps its index; nullable integer columns become pandas ``Int64``)."""
    if kind == "pandas":
        import pandas as pd  # type: ignore[import-untyped]

        extra = new.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        extra.index = table.index
        return pd.concat([table, extra], axis=1)
    if kind == "polars":
        import polars as pl

        return table.hstack(pl.DataFrame(new).get_columns())
    base = table if isinstance(table, pa.Table) else pa.table(_to_arrow(table))
    for name in new.column_names:
        base = base.append_column(name, new[name])
    return base


def _take_with(table: Any, kind: str, new: pa.Table) -> Any:
    """The rows ``new["row"]`` of ``table``, in that order, with the other columns of ``new``."""
    rows = new["row"].to_pylist()
    extra = new.drop_columns(["row"])
    if kind == "pandas":
        return _with_columns(table.iloc[rows], kind, extra)
    if kind == "polars":
        import polars as pl

        return _with_columns(table.select(pl.all().gather(rows)), kind, extra)
    base = table if isinstance(table, pa.Table) else pa.table(_to_arrow(table))
    return _with_columns(base.take(rows), "arrow", extra)


def time_to_first_impact(
    table: Any,
    as_of: Any,
    origin: str = "kickoff",
    target_days: int = 90,
    kickoff: str = "kickoff",
    contract_start: str = "contract_start",
    first_impact: str = "first_impact",
) -> Any:
    """Time to First Impact of every account of a table, as of a date.

    Args:
        table: a pandas or polars DataFrame, a pyarrow Table or RecordBatch, or a dict of
            columns, one account per row.
        as_of: the date to evaluate at (datetime.date, ISO string, numpy.datetime64 or a
            pyarrow scalar); First Impact dates after it count as not reached yet.
        origin: where the clock starts: ``"kickoff"`` or ``"contract_start"``.
        target_days: the TTFI target in days; onboarding is overdue once it passes.
        kickoff, contract_start, first_impact: the date columns (date32/date64, timestamps
            or ISO strings; nulls allowed). Only the origin column ``origin`` names and the
            First Impact column are read.

    Returns:
        The caller's table (pandas in, pandas out; polars in, polars out; pyarrow otherwise)
        with four columns added: ``state`` (``"not_started"``, ``"onboarding"``,
        ``"overdue"`` or ``"achieved"``), ``days`` (TTFI in days once achieved, else null),
        ``days_open`` (days since the origin while onboarding, else null) and
        ``past_target``. A First Impact dated before its origin raises CsError naming the
        column and row.
    """
    kind = _table_kind(table)
    new = _time_to_first_impact(
        _to_arrow(table), as_of, origin, target_days, kickoff, contract_start, first_impact
    )
    return _with_columns(table, kind, new)


def ttfi_summary(
    table: Any,
    by: str | Sequence[str] | None = None,
    *,
    as_of: Any,
    origin: str = "kickoff",
    target_days: int = 90,
    kickoff: str = "kickoff",
    contract_start: str = "contract_start",
    first_impact: str = "first_impact",
) -> Any:
    """The Time to First Impact distribution of a portfolio, overall or per segment / CSM.

    Args:
        table: accounts, one per row (pandas, polars, pyarrow or a dict of columns).
        by: one key column or several (``"segment"``, ``["segment", "csm"]``); ``None`` for
            one row over all accounts.
        as_of: the date to evaluate at (datetime.date, ISO string, numpy.datetime64 or a
            pyarrow scalar); First Impact dates after it count as not reached yet.
        origin: where the clock starts: ``"kickoff"`` or ``"contract_start"``.
        target_days: the TTFI target in days; onboarding is overdue once it passes.
        kickoff, contract_start, first_impact: the date columns (date32/date64, timestamps
            or ISO strings; nulls allowed). Only the origin column ``origin`` names and the
            First Impact column are read.

    Returns:
        A table of the caller's kind: the key columns, then ``accounts``, ``not_started``,
        ``onboarding``, ``overdue``, ``achieved``, ``achieved_late``, ``median_days`` and
        ``p90_days`` (over accounts that achieved First Impact; linear interpolation like
        ``numpy.percentile``; null when none did) and ``share_past_target`` = (achieved late +
        overdue) / (achieved + overdue), null when no account is decided yet.
    """
    kind = _table_kind(table)
    result = _ttfi_summary(
        _to_arrow(table),
        _names(by),
        as_of,
        origin,
        target_days,
        kickoff,
        contract_start,
        first_impact,
    )
    return _like(kind, result)


def still_onboarding(
    table: Any,
    as_of: Any,
    origin: str = "kickoff",
    target_days: int = 90,
    kickoff: str = "kickoff",
    contract_start: str = "contract_start",
    first_impact: str = "first_impact",
) -> Any:
    """The accounts still onboarding (clock started, no First Impact yet), longest open first.

    Args:
        table: accounts, one per row (pandas, polars, pyarrow or a dict of columns).
        as_of: the date to evaluate at (datetime.date, ISO string, numpy.datetime64 or a
            pyarrow scalar); First Impact dates after it count as not reached yet.
        origin: where the clock starts: ``"kickoff"`` or ``"contract_start"``.
        target_days: the TTFI target in days; onboarding is overdue once it passes.
        kickoff, contract_start, first_impact: the date columns (date32/date64, timestamps
            or ISO strings; nulls allowed). Only the origin column ``origin`` names and the
            First Impact column are read.

    Returns:
        Those rows of the caller's table (a pandas DataFrame keeps its index), sorted by
        ``days_open`` descending (ties in table order), with ``days_open`` and ``overdue``
        (past the target) added.
    """
    kind = _table_kind(table)
    new = _still_onboarding(
        _to_arrow(table), as_of, origin, target_days, kickoff, contract_start, first_impact
    )
    return _take_with(table, kind, new)


def lifecycle_stage(
    table: Any,
    as_of: Any,
    window_months: int = 3,
    closed_on: str = "closed_on",
    handoff_completed: str | None = None,
    kickoff: str | None = None,
    first_impact: str | None = None,
    contract_end: str | None = None,
    renewed_on: str | None = None,
    churned_on: str | None = None,
) -> Any:
    """The lifecycle stage of every account as of a date.

    Stages: ``"handoff"`` (closed, handoff not completed and no kickoff), ``"onboarding"``
    (until First Impact), ``"adoption"``, ``"renewal_window"`` (from ``window_months``
    before the contract end, and past the end without an outcome), ``"renewed"`` and
    ``"churned"`` (an outcome dated on or before ``as_of`` wins); null before the close date.

    Args:
        table: accounts, one per row (pandas, polars, pyarrow or a dict of columns).
        as_of: the date (datetime.date, ISO string, numpy.datetime64 or a pyarrow scalar).
        window_months: length of the renewal window before the contract end.
        closed_on: the close-date column (required, no nulls).
        handoff_completed, kickoff, first_impact, contract_end, renewed_on, churned_on: the
            milestone date columns. ``None`` uses the column of that name when the table has
            one (and treats the milestone as never reached otherwise); a name given
            explicitly must exist.

    Returns:
        The caller's table with a ``stage`` column added. Milestones out of order (a First
        Impact before the kickoff, a renewal before the close) raise CsError naming the
        column and row.
    """
    kind = _table_kind(table)
    new = _lifecycle_stage(
        _to_arrow(table),
        as_of,
        window_months,
        closed_on,
        handoff_completed,
        kickoff,
        first_impact,
        contract_end,
        renewed_on,
        churned_on,
    )
    return _with_columns(table, kind, new)
