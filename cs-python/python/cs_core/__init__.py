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
    AccountCompliance,
    Backtest,
    Calibration,
    Contract,
    ContractTerm,
    Csat,
    CsDuplicateError,
    CsEmptyError,
    CsError,
    CsEstimationError,
    CsInvalidError,
    CsLengthMismatchError,
    CsMissingError,
    CsOutOfRangeError,
    CsParseError,
    CsSchemaVersionError,
    CsUnknownError,
    EngagementCalendar,
    Handoff,
    HealthScore,
    JointImpactPlan,
    KaplanMeier,
    Kickoff,
    LeadTimes,
    LogRankResult,
    MatchingRules,
    NpsComparison,
    NpsResult,
    Playbook,
    PortfolioCompliance,
    RenewalStatus,
    Report,
    RevenueRetention,
    RiskEvaluation,
    RiskModel,
    SbgFit,
    SbgModel,
    Scorecard,
    ScorecardSet,
    SuccessPackage,
    WeightFit,
    __version__,
    _churn_reasons,
    _entitlement_compliance,
    _entitlement_compliance_batch,
    _health_rollup,
    _kaplan_meier_by,
    _lifecycle_stage,
    _logrank_by,
    _nps_by,
    _red_lead_times,
    _renewal_stages,
    _still_onboarding,
    _synthetic_portfolio,
    _time_to_first_impact,
    _time_with_customer,
    _ttfi_summary,
    arr_at_risk,
    backtest,
    churn_by_band,
    concordance_index,
    csat,
    expansion_signals,
    explain_change,
    health_trend,
    kaplan_meier,
    logrank,
    nps,
    nps_calibration,
    nps_compare,
    nps_from_counts,
    package_catalog,
    portfolio_pipeline,
    report,
    revenue_retention,
    roc_auc,
    roc_auc_ci,
    roc_auc_compare,
)

__all__ = [
    "AccountCompliance",
    "Backtest",
    "Calibration",
    "Contract",
    "ContractTerm",
    "CsDuplicateError",
    "CsEmptyError",
    "CsError",
    "CsEstimationError",
    "CsInvalidError",
    "CsLengthMismatchError",
    "CsMissingError",
    "CsOutOfRangeError",
    "CsParseError",
    "CsSchemaVersionError",
    "CsUnknownError",
    "Csat",
    "EngagementCalendar",
    "Handoff",
    "HealthScore",
    "JointImpactPlan",
    "KaplanMeier",
    "Kickoff",
    "LeadTimes",
    "LogRankResult",
    "MatchingRules",
    "NpsComparison",
    "NpsResult",
    "Playbook",
    "PortfolioCompliance",
    "RenewalStatus",
    "Report",
    "RevenueRetention",
    "RiskEvaluation",
    "RiskModel",
    "SbgFit",
    "SbgModel",
    "Scorecard",
    "ScorecardSet",
    "SuccessPackage",
    "WeightFit",
    "__version__",
    "arr_at_risk",
    "backtest",
    "churn_by_band",
    "churn_reasons",
    "concordance_index",
    "csat",
    "engagement_calendar",
    "engagement_calendar_ics",
    "entitlement_compliance",
    "entitlement_compliance_batch",
    "expansion_signals",
    "explain_change",
    "health_rollup",
    "health_trend",
    "kaplan_meier",
    "kaplan_meier_by",
    "lifecycle_stage",
    "logrank",
    "logrank_by",
    "nps",
    "nps_by",
    "nps_calibration",
    "nps_compare",
    "nps_from_counts",
    "package_catalog",
    "portfolio_pipeline",
    "red_lead_times",
    "renewal_stage",
    "report",
    "revenue_retention",
    "roc_auc",
    "roc_auc_ci",
    "roc_auc_compare",
    "still_onboarding",
    "synthetic_portfolio",
    "time_to_first_impact",
    "time_with_customer",
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
    interval: str = "wald",
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
        interval: ``"wald"`` (score ± z × SE) or ``"adjusted_wald"`` (¾ pseudo-promoter and ¾
            pseudo-detractor added; does not collapse to "±0" for small one-sided groups).

    Returns:
        A table of the caller's kind (pandas in, pandas out; polars in, polars out; pyarrow
        otherwise) with the key columns, ``period`` and ``period_start`` when a period is
        given, then ``responses``, ``promoters``, ``passives``, ``detractors``, ``skipped``,
        ``nps``, ``standard_error``, ``margin_of_error``, ``ci_low`` and ``ci_high``. Groups
        are sorted by key; every group shows its counts so that small groups look small.
    """
    kind = _table_kind(table)
    result = _nps_by(_to_arrow(table), score, _names(by), period, date, confidence, skip_missing, interval)
    return _like(kind, result)


# --- package ---


def _rows_to_arrow(table: Any) -> Any:
    """``_to_arrow``, also accepting a list of row dicts."""
    if isinstance(table, list):
        return pa.Table.from_pylist(table)
    return _to_arrow(table)


def engagement_calendar(
    package: Any,
    start: Any,
    renewal: Any = None,
    *,
    term_months: int | None = None,
    from_: Any = None,
    to: Any = None,
    changes: Any = None,
    as_: str = "arrow",
) -> Any:
    """The dated schedule of every entitled activity of a contract ("a year in the life").

    Args:
        package: a :class:`SuccessPackage`, the name of a built-in package (``"enterprise"``)
            or a package dict.
        start: the contract start (``datetime.date``, ``"YYYY-MM-DD"``, numpy ``datetime64``),
            or a :class:`ContractTerm`.
        renewal: the renewal date; default ``start + term_months``.
        term_months: the term in months when no renewal date is given (default 12).
        from_, to: restrict to this inclusive date range (clipped to the term).
        changes: package changes during the term, ``[(date, package), ...]``.
        as_: ``"arrow"`` (default), ``"pandas"`` or ``"polars"``.

    Returns:
        A table sorted by date with ``date``, ``contract_year``, ``package``, ``entitlement``,
        ``activity``, ``channel`` and ``title``. Items on or after the renewal date belong to
        the next term and are dropped; month ends clamp (31 January + 1 month = 28/29 February).
    """
    calendar = EngagementCalendar(
        package, start, renewal, term_months=term_months, from_=from_, to=to, changes=changes
    )
    return _like(_kind_of(as_), calendar.to_table())


def engagement_calendar_ics(
    package: Any,
    start: Any,
    renewal: Any = None,
    *,
    term_months: int | None = None,
    from_: Any = None,
    to: Any = None,
    changes: Any = None,
    calendar_name: str | None = None,
    account: str | None = None,
    uid_domain: str | None = None,
    stamp: Any = None,
) -> str:
    """The engagement calendar as an iCalendar (RFC 5545) document, ready to import.

    Takes the arguments of :func:`engagement_calendar`, plus the options of
    :meth:`EngagementCalendar.to_ics` (``calendar_name``, ``account`` prefixed to every event,
    ``uid_domain``, ``stamp``).
    """
    calendar = EngagementCalendar(
        package, start, renewal, term_months=term_months, from_=from_, to=to, changes=changes
    )
    return calendar.to_ics(calendar_name=calendar_name, account=account, uid_domain=uid_domain, stamp=stamp)


def _kind_of(as_: str) -> str:
    kinds = {"arrow": "arrow", "pyarrow": "arrow", "pandas": "pandas", "polars": "polars"}
    if as_ not in kinds:
        raise CsError(f"unknown table type {as_!r} (known: arrow, pandas, polars)")
    return kinds[as_]


def entitlement_compliance(
    package: Any,
    contract: Any,
    delivered: Any,
    as_of: Any,
    *,
    rules: Any = None,
    changes: Any = None,
) -> AccountCompliance:
    """Delivered-vs-entitled compliance of one account as of a date.

    Args:
        package: a :class:`SuccessPackage`, a built-in name or a package dict.
        contract: a :class:`ContractTerm` or ``{"start": ..., "renewal": ...}`` (or
            ``"term_months"`` instead of ``"renewal"``).
        delivered: the delivery log, a table (pandas, polars, pyarrow, dict of columns or list
            of row dicts) with ``date``, ``activity``, ``channel`` and optional ``minutes`` and
            ``participants``; ``None`` for no deliveries.
        as_of: the date the comparison is made on.
        rules: :class:`MatchingRules` or a rules dict (default grace 30 days, early 30 days,
            the documented channel substitutions).
        changes: package changes during the term, ``[(date, package), ...]``.

    Returns:
        An :class:`AccountCompliance` with counts, ``ratio``, the under/over-delivery flags,
        ``minutes_with_customer`` and per-entitlement, per-item and per-activity tables.
    """
    log = None if delivered is None else _rows_to_arrow(delivered)
    return _entitlement_compliance(package, contract, log, as_of, rules, changes)


def entitlement_compliance_batch(
    contracts: Any,
    delivered: Any,
    as_of: Any,
    *,
    packages: Any = None,
    rules: Any = None,
) -> PortfolioCompliance:
    """Entitlement compliance of a portfolio, from two tables.

    Args:
        contracts: one row per account: ``account``, ``package`` (a custom package name or a
            built-in one), ``start``, ``renewal``.
        delivered: one row per delivery: ``account``, ``date``, ``activity``, ``channel`` and
            optional ``minutes`` and ``participants`` (null counts as 0).
        as_of: the date the comparison is made on.
        packages: custom :class:`SuccessPackage` objects (or dicts) the ``package`` column may
            name, looked up before the built-in catalog.
        rules: :class:`MatchingRules` or a rules dict.

    Returns:
        A :class:`PortfolioCompliance`: totals, ``accounts`` (one row per contract) and
        ``report(account)``. Equal to calling :func:`entitlement_compliance` per account.
    """
    return _entitlement_compliance_batch(
        _rows_to_arrow(contracts), _rows_to_arrow(delivered), as_of, packages, rules
    )


def time_with_customer(delivered: Any, period: str = "month", *, from_: Any = None, to: Any = None) -> Any:
    """Time spent with the customer per calendar period, from a delivery log.

    Only customer-facing deliveries count (not internal activities or the internal channel).
    With ``from_`` and ``to`` every period overlapping the range is reported, zero when nothing
    happened; otherwise periods run from the first to the last delivery.

    Returns:
        A table of the caller's kind with ``period``, ``period_start``, ``touches``,
        ``minutes`` and ``participant_minutes`` (minutes x customer participants).
    """
    kind = _table_kind(delivered)
    return _like(kind, _time_with_customer(_rows_to_arrow(delivered), period, from_, to))


# --- onboarding ---


def _take_with(table: Any, kind: str, new: pa.Table) -> Any:
    """The rows ``new["row"]`` of ``table``, in that order, with the other columns of ``new``."""
    rows = new["row"].to_pylist()
    extra = new.drop_columns(["row"])
    if kind == "pandas":
        return _with_columns(table.iloc[rows], extra)
    if kind == "polars":
        import polars as pl

        return _with_columns(table.select(pl.all().gather(rows)), extra)
    base = table if isinstance(table, pa.Table) else pa.table(_to_arrow(table))
    return _with_columns(base.take(rows), extra)


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
    new = _time_to_first_impact(
        _to_arrow(table), as_of, origin, target_days, kickoff, contract_start, first_impact
    )
    return _with_columns(table, new)


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
    return _with_columns(table, new)


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
    """``table`` of the caller's kind with the columns of ``result`` added (or replaced): a
    dict of columns gets numpy arrays, a pandas DataFrame keeps its index (nullable integers
    become ``Int64``), polars and pyarrow tables get Arrow columns."""
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
        import pandas as pd  # type: ignore[import-untyped]

        added = result.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
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


def _band_names(bands: Scorecard | Sequence[str] | None) -> list[str]:
    """The band names from the lowest up: given, a Scorecard's, or the default ones."""
    if bands is None:
        return list(_DEFAULT_BANDS)
    if isinstance(bands, Scorecard):
        return bands.band_names
    return list(bands)


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
    kind = _table_kind(table)
    result = _health_rollup(_to_arrow(table), _names(by), arr, score, band, _band_names(bands))
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
