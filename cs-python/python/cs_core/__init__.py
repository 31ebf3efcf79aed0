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
    Contract,
    Csat,
    CsError,
    NpsComparison,
    NpsResult,
    Playbook,
    RenewalStatus,
    RevenueRetention,
    RiskEvaluation,
    RiskModel,
    __version__,
    _churn_reasons,
    _nps_by,
    _renewal_stages,
    arr_at_risk,
    csat,
    expansion_signals,
    nps,
    nps_calibration,
    nps_compare,
    nps_from_counts,
    revenue_retention,
)

__all__ = [
    "Calibration",
    "Contract",
    "CsError",
    "Csat",
    "NpsComparison",
    "NpsResult",
    "Playbook",
    "RenewalStatus",
    "RevenueRetention",
    "RiskEvaluation",
    "RiskModel",
    "__version__",
    "arr_at_risk",
    "churn_reasons",
    "csat",
    "expansion_signals",
    "nps",
    "nps_by",
    "nps_calibration",
    "nps_compare",
    "nps_from_counts",
    "renewal_stage",
    "revenue_retention",
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


# --- renewal and playbook ---


def _like_table(table: Any, result: pa.Table) -> Any:
    """``result`` as the type of ``table`` (called from the compiled module)."""
    return _like(_table_kind(table), result)


def _append_columns(table: Any, added: pa.Table) -> Any:
    """``table`` with the columns of ``added`` appended (same-named columns replaced), as the
    caller's table type (called from the compiled module)."""
    kind = _table_kind(table)
    if kind == "pandas":
        out = table.copy()
        for name in added.column_names:
            column = added.column(name).to_pandas()
            column.index = out.index
            out[name] = column
        return out
    if kind == "polars":
        import polars as pl

        frame = pl.from_arrow(added)
        assert isinstance(frame, pl.DataFrame)
        return table.with_columns(frame.get_columns())
    out = _to_arrow(table)
    if isinstance(out, pa.RecordBatch):
        out = pa.Table.from_batches([out])
    elif not isinstance(out, pa.Table):
        out = pa.table(out)
    for name in added.column_names:
        if name in out.column_names:
            out = out.set_column(out.column_names.index(name), name, added.column(name))
        else:
            out = out.append_column(name, added.column(name))
    return out


def renewal_stage(
    contract_or_table: Any,
    as_of: Any,
    *,
    outcome: str | None = None,
    renewal_date: str = "renewal_date",
    auto_renew: str | None = "auto_renew",
    notice_days: str | None = "notice_days",
    planning_days: int = 180,
    internal_review_days: int = 90,
    imminent_days: int = 30,
    grace_days: int = 30,
) -> Any:
    """Where a contract, or every contract of a table, stands in its renewal cycle on ``as_of``.

    Stages by days to the renewal date: early (> ``planning_days``), planning (<= 180),
    internal_review_due (<= 90: the internal review three months before the anniversary),
    imminent (<= 30, including the renewal day), then overdue (within ``grace_days`` after
    the date) and lapsed; renewed and churned record an outcome, and an auto-renewing contract
    whose date passes is renewed.

    Args:
        contract_or_table: a :class:`Contract`, or a table (pandas, polars, pyarrow, dict of
            columns) with a ``renewal_date`` column and optionally ``auto_renew`` and
            ``notice_days`` columns (used when present).
        as_of: the date (``datetime.date``, ISO string, ``numpy.datetime64``).
        outcome: for a contract, its recorded outcome (``"open"``, ``"renewed"``,
            ``"churned"``); for a table, the name of a column of outcomes.

    Returns:
        For a contract, a :class:`RenewalStatus`. For a table, the table (same type) with
        columns ``stage``, ``days_to_renewal``, ``review_by`` and ``notice_deadline`` added.
    """
    windows = {
        "planning_days": planning_days,
        "internal_review_days": internal_review_days,
        "imminent_days": imminent_days,
        "grace_days": grace_days,
    }
    if isinstance(contract_or_table, Contract):
        return contract_or_table.status(as_of, outcome or "open", **windows)
    added = _renewal_stages(
        contract_or_table,
        as_of,
        renewal_date,
        auto_renew,
        notice_days,
        outcome,
        planning_days,
        internal_review_days,
        imminent_days,
        grace_days,
    )
    return _append_columns(contract_or_table, added)


def churn_reasons(table: Any, reason: str = "churn_reason", arr: str = "arr") -> Any:
    """Lost accounts broken down by cancellation reason, by count and ARR.

    Args:
        table: one row per lost account, with a reason from the taxonomy (price, no_value,
            low_adoption, product_fit, product_quality, service_experience, competitor,
            champion_left, renewal_not_asked, business_change, consolidation, other) and its
            ARR in integer minor units.

    Returns:
        A table of the caller's kind: ``reason``, ``accounts``, ``arr``, ``account_share``,
        ``arr_share``; largest ARR first, reasons nobody gave left out.
    """
    return _like(_table_kind(table), _churn_reasons(table, reason, arr))
