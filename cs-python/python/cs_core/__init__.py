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
    Backtest,
    Calibration,
    Csat,
    CsError,
    KaplanMeier,
    LeadTimes,
    LogRankResult,
    NpsComparison,
    NpsResult,
    SbgFit,
    SbgModel,
    __version__,
    _kaplan_meier_by,
    _logrank_by,
    _nps_by,
    _red_lead_times,
    backtest,
    churn_by_band,
    csat,
    kaplan_meier,
    logrank,
    nps,
    nps_calibration,
    nps_compare,
    nps_from_counts,
    roc_auc,
)

__all__ = [
    "Backtest",
    "Calibration",
    "CsError",
    "Csat",
    "KaplanMeier",
    "LeadTimes",
    "LogRankResult",
    "NpsComparison",
    "NpsResult",
    "SbgFit",
    "SbgModel",
    "__version__",
    "backtest",
    "churn_by_band",
    "csat",
    "kaplan_meier",
    "kaplan_meier_by",
    "logrank",
    "logrank_by",
    "nps",
    "nps_by",
    "nps_calibration",
    "nps_compare",
    "nps_from_counts",
    "red_lead_times",
    "roc_auc",
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


# --- retention ---


def kaplan_meier_by(
    table: Any,
    duration: str = "duration",
    observed: str | None = "observed",
    by: str | Sequence[str] = "segment",
    confidence: float = 0.95,
) -> dict[Any, KaplanMeier]:
    """Kaplan-Meier estimates of tenure per group (segment, package, CSM, ...) of a table.

    Args:
        table: a pandas or polars DataFrame, a pyarrow Table or RecordBatch, or a dict of
            columns.
        duration: the column of tenures (any unit, >= 0).
        observed: the column of churn flags (booleans or 0/1; ``False`` = still a customer,
            censored), or ``None`` when every customer churned.
        by: one key column or several.
        confidence: level of the confidence bands, in (0, 1).

    Returns:
        ``{key: KaplanMeier}`` sorted by key; a key is the column's value (one ``by`` column)
        or a tuple of values (several). A group without any churn gets a flat curve at 1.
    """
    return _kaplan_meier_by(_to_arrow(table), duration, observed, _names(by), confidence)


def logrank_by(
    table: Any,
    duration: str = "duration",
    observed: str | None = "observed",
    by: str | Sequence[str] = "segment",
) -> LogRankResult:
    """Log-rank test of equal survival between the groups of a table (columns as in
    :func:`kaplan_meier_by`); the result's ``groups`` table is keyed by the ``by`` columns."""
    return _logrank_by(_to_arrow(table), duration, observed, _names(by))


def red_lead_times(
    history: Any,
    churns: Any,
    account: str = "account",
    date: str = "date",
    red: str = "red",
    churn_date: str = "churn_date",
) -> LeadTimes:
    """Lead time between an account's first red health band and its churn.

    Args:
        history: a table with one row per account and date: ``account``, ``date`` and ``red``
            (a boolean column: was the account's band red that day; e.g.
            ``history.assign(red=history.band == "red")`` in pandas).
        churns: a table with one row per churned account: ``account`` and ``churn_date``.
        account, date, red, churn_date: the column names.

    Returns:
        A :class:`LeadTimes`: per churned account the first red date on or before churn and the
        days between, plus how many churns the red band flagged and how many red accounts did
        not churn (false alarms).
    """
    return _red_lead_times(_to_arrow(history), _to_arrow(churns), account, date, red, churn_date)
