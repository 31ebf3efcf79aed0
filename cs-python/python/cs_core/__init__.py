"""Customer Success logic from the cs-core Rust library.

``import cs_core as cs``. Every function mirrors a Rust function of the same name; batch
functions accept numpy arrays, pyarrow arrays and tables, pandas and polars objects (numpy and
Arrow memory is borrowed, not copied) and release the GIL while computing. Every invalid input
raises :class:`CsError`, a :class:`ValueError` whose message names the field and the value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from cs_core._cs_core import (
    Calibration,
    Csat,
    CsError,
    HealthScore,
    NpsComparison,
    NpsResult,
    Scorecard,
    ScorecardSet,
    __version__,
    _health_rollup,
    _nps_by,
    _synthetic_portfolio,
    csat,
    explain_change,
    health_trend,
    nps,
    nps_calibration,
    nps_compare,
    nps_from_counts,
)

__all__ = [
    "Calibration",
    "CsError",
    "Csat",
    "HealthScore",
    "NpsComparison",
    "NpsResult",
    "Scorecard",
    "ScorecardSet",
    "__version__",
    "csat",
    "explain_change",
    "health_rollup",
    "health_trend",
    "nps",
    "nps_by",
    "nps_calibration",
    "nps_compare",
    "nps_from_counts",
    "synthetic_portfolio",
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


# --- health ---------------------------------------------------------------------------------

_DEFAULT_BANDS = ["red", "amber", "green"]


def _columns(table: Any) -> dict[str, Any]:
    """The columns of any supported table by name, without copying (numpy arrays, pandas or
    polars Series, Arrow arrays)."""
    if isinstance(table, Mapping):
        # numpy has no null: a masked array's mask marks missing values (NaN is a value, which
        # the scorecard rejects unless it sets nan_is_missing).
        return {
            name: pa.array(np.ma.getdata(col), mask=np.ma.getmaskarray(col))
            if isinstance(col, np.ma.MaskedArray)
            else col
            for name, col in table.items()
        }
    kind = _table_kind(table)
    if kind == "pandas":
        return {str(name): table[name] for name in table.columns}
    if kind == "polars":
        return {s.name: s for s in table.get_columns()}
    if not isinstance(table, (pa.Table, pa.RecordBatch)):
        table = pa.table(table)
    return dict(zip(table.column_names, table.columns, strict=True))


def _with_columns(table: Any, result: pa.Table) -> Any:
    """``table`` of the caller's kind with the columns of ``result`` added (or replaced)."""
    if isinstance(table, Mapping):
        out = dict(table)
        for name in result.column_names:
            # numpy has no null: insufficient data is NaN in ``score``, None in text columns.
            column = result.column(name)
            if pa.types.is_dictionary(column.type):
                column = column.cast(pa.string())
            out[name] = column.to_numpy(zero_copy_only=False)
        return out
    kind = _table_kind(table)
    if kind == "pandas":
        added = result.to_pandas()
        added.index = table.index
        return table.assign(**{name: added[name] for name in result.column_names})
    if kind == "polars":
        import polars as pl

        frame = pl.from_arrow(result)
        assert isinstance(frame, pl.DataFrame)
        return table.with_columns(frame.get_columns())
    batch = isinstance(table, pa.RecordBatch)
    out = pa.Table.from_batches([table]) if batch else table
    if not isinstance(out, pa.Table):
        out = pa.table(out)
    for name in result.column_names:
        column = result.column(name)
        if name in out.column_names:
            out = out.set_column(out.column_names.index(name), name, column)
        else:
            out = out.append_column(name, column)
    if batch:
        return pa.RecordBatch.from_arrays([c.combine_chunks() for c in out.columns], schema=out.schema)
    return out


def _score_table(scorer: Scorecard | ScorecardSet, table: Any, as_of: Any) -> Any:
    """The body of ``Scorecard.score`` / ``ScorecardSet.score``: columns in, same kind out."""
    return _with_columns(table, scorer._score(_columns(table), as_of))


def health_rollup(
    table: Any,
    by: str | Sequence[str] | None = None,
    arr: str | None = None,
    *,
    bands: Scorecard | Sequence[str] | None = None,
    score: str = "score",
    band: str = "band",
) -> Any:
    """Health of groups of accounts: share per band, mean score, ARR-weighted mean, ARR share.

    Args:
        table: scored accounts (the output of ``Scorecard.score``): a pandas or polars
            DataFrame, a pyarrow Table or RecordBatch, or a dict of columns.
        by: one key column or several (``"csm"``, ``"segment"``, a parent account); ``None``
            for the whole portfolio in one row.
        arr: the column of ARR in integer minor units; adds ``arr_weighted_mean``, ``arr`` and
            ``<band>_arr_share``.
        bands: the band names from the lowest up, or the Scorecard they come from (default
            red, amber, green).
        score: the score column (null = insufficient data).
        band: the band column.

    Returns:
        A table of the caller's kind with the key columns, ``accounts``, ``scored``,
        ``insufficient``, ``mean``, ``<band>_count`` and ``<band>_share`` per band (shares of
        the scored accounts: ``green_share`` is "% green"), then the ARR columns. Groups are
        sorted by key.
    """
    if bands is None:
        names = list(_DEFAULT_BANDS)
    elif isinstance(bands, Scorecard):
        names = bands.band_names
    else:
        names = list(bands)
    kind = _table_kind(table)
    result = _health_rollup(_to_arrow(table), _names(by), arr, score, band, names)
    return _like(kind, result)


def synthetic_portfolio(n: int, seed: int = 42, as_of: Any = None, kind: str = "pyarrow") -> Any:
    """A deterministic synthetic portfolio of ``n`` accounts (the same as ``cs portfolio``).

    Columns: account_id, segment, region, csm, arr (minor units), start_date, renewal_date,
    licences, active_users, logins_30d, licence_utilisation, logins_per_user, open_tickets,
    high_priority_tickets, nps (null when not answered), nps_date, days_since_last_touch,
    executive_sponsor: the default scorecard's measures are among them. The first accounts do
    not depend on ``n``; dates are relative to ``as_of`` (default today).

    Args:
        n: number of accounts.
        seed: the seed; the same seed gives the same portfolio.
        as_of: the date the portfolio describes.
        kind: ``"pyarrow"``, ``"pandas"`` or ``"polars"``.
    """
    if kind not in ("pyarrow", "arrow", "pandas", "polars"):
        raise CsError(f"kind {kind!r} is invalid: expected pyarrow, pandas or polars")
    return _like(kind, _synthetic_portfolio(n, seed, as_of))
