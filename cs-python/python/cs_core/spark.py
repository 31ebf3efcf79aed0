"""cs-core on Spark: the single-machine functions over a Spark DataFrame, one Arrow batch at a time.

``from cs_core import spark as css`` (``import cs_core`` alone never imports pyspark). Every
function is a ``mapInArrow`` over the single-machine Python API, which runs the Rust table layer
on each Arrow batch, so a cluster computes exactly what one process computes:

- per account (:func:`score_health`, :func:`score_risk`, :func:`evaluate_playbook`,
  :func:`portfolio_pipeline`): each batch goes through ``Scorecard.score`` /
  ``RiskModel.score`` / ``Playbook.evaluate`` / ``cs_core.portfolio_pipeline``; the result has
  the same columns, bit for bit, as the single-machine call on the whole table.
- aggregates (:func:`nps_by`, :func:`kaplan_meier_by`, :func:`revenue_retention`,
  :func:`health_rollup`): each batch emits mergeable partial results (the single-machine
  function's counts on the batch; for the rollup, the core's rollup parts with exact score
  sums), Spark combines them with its own ``groupBy``, and the statistics per group come from
  the core on the combined parts (``nps_from_counts``, ``KaplanMeier.from_counts``,
  ``RevenueRetention.from_counts``, the rollup parts merged): the single-machine statistics to
  the last bit.
- entitlement compliance (:func:`entitlement_compliance`, :func:`compliance_totals`): Spark
  brings each account's contract and deliveries into one partition, the core computes each
  partition's accounts, and the totals come from the core's mergeable totals (exact sums).

The output schema of every function is derived by running the single-machine function on an
empty Arrow table of the input's schema (``nps_by``: on its first row, as it rejects an empty
table), so it cannot drift from the core. Scorecards, models and
playbooks travel to the executors by pickling (their ``__reduce__``); there is no global state.
Spark has no unsigned integers and no dictionary arrays: counts arrive as ``long``, categorical
columns as ``string``. Needs pyspark 4 (``DataFrame.toArrow``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

import cs_core as cs
from cs_core import _cs_core

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = [
    "compliance_totals",
    "entitlement_compliance",
    "evaluate_playbook",
    "health_rollup",
    "kaplan_meier_by",
    "nps_by",
    "portfolio_pipeline",
    "revenue_retention",
    "score_health",
    "score_risk",
]

Batches = Iterator[pa.RecordBatch]

# The partial counts of ``cs.nps_by`` that add up across batches.
_NPS_COUNTS = ["responses", "promoters", "passives", "detractors", "skipped"]


def _spark_arrow_type(t: pa.DataType) -> pa.DataType:
    """The Arrow type a Spark column can hold for values of type ``t``."""
    if pa.types.is_dictionary(t):
        return _spark_arrow_type(t.value_type)
    if pa.types.is_unsigned_integer(t):
        return pa.int64()
    if pa.types.is_large_string(t):
        return pa.string()
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return pa.list_(_spark_arrow_type(t.value_type))
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, _spark_arrow_type(f.type), f.nullable) for f in t])
    return t


def _spark_schema(arrow: pa.Schema) -> Any:
    """The Spark schema (StructType) holding a table of Arrow schema ``arrow``."""
    from pyspark.sql.pandas.types import from_arrow_schema

    fields = [pa.field(f.name, _spark_arrow_type(f.type), f.nullable) for f in arrow]
    return from_arrow_schema(pa.schema(fields))


def _arrow_schema(spark_schema: Any) -> pa.Schema:
    """The Arrow schema Spark exchanges batches of ``spark_schema`` in."""
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(spark_schema)


def _empty_like(df: DataFrame) -> pa.Table:
    """An empty Arrow table with the schema of the batches ``df`` hands to ``mapInArrow``."""
    return _arrow_schema(df.schema).empty_table()


def _batches(result: pa.Table | pa.RecordBatch) -> list[pa.RecordBatch]:
    if isinstance(result, pa.RecordBatch):
        return [result]
    return result.to_batches()


def _conform(result: pa.Table | pa.RecordBatch, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """The batches of ``result`` cast to the Arrow schema Spark declared for them (dictionary
    columns decoded, unsigned counts widened to int64: a count beyond int64 raises)."""
    for batch in _batches(result):
        if batch.num_rows:
            # Table.cast: RecordBatch.cast needs pyarrow 16, the package supports 14.
            yield from pa.Table.from_batches([batch]).select(schema.names).cast(schema).to_batches()


def _map_batches(
    df: DataFrame,
    apply: Callable[[Any], Any],
    sample: pa.Table | None = None,
    schema: pa.Schema | None = None,
) -> DataFrame:
    """``df.mapInArrow`` of ``apply`` (a single-machine function of one Arrow table), with the
    output schema ``schema``, or taken from ``apply`` on ``sample`` (default: an empty table of
    ``df``'s schema)."""
    if schema is None:
        schema = _schema_of(apply(_empty_like(df) if sample is None else sample))
    spark_schema = _spark_schema(schema)
    target = _arrow_schema(spark_schema)

    def run(batches: Batches) -> Batches:
        for batch in batches:
            if batch.num_rows:
                yield from _conform(apply(batch), target)

    return df.mapInArrow(run, spark_schema)


def _collect(df: DataFrame) -> pa.Table:
    """``df.toArrow()``, with a cs-core error raised on an executor raised again on the driver
    as the same ``CsError`` subclass and message (Spark wraps it in a ``PythonException``)."""
    from pyspark.errors import PythonException

    try:
        return df.toArrow()
    except PythonException as error:
        found = re.search(r"cs_core\.(Cs\w*Error): ([^\n]*)", str(error))
        kind = getattr(cs, found.group(1), None) if found else None
        if found and isinstance(kind, type) and issubclass(kind, cs.CsError):
            raise kind(found.group(2)) from error
        raise


def _schema_of(result: Any) -> pa.Schema:
    if isinstance(result, (pa.Table, pa.RecordBatch)):
        return result.schema
    return pa.table(result).schema


def score_health(df: DataFrame, scorecard: cs.Scorecard | cs.ScorecardSet, as_of: Any) -> DataFrame:
    """``scorecard.score`` on every account of a Spark DataFrame.

    Args:
        df: accounts, one per row, with the columns ``scorecard.input_columns`` names.
        scorecard: a :class:`cs_core.Scorecard` or :class:`cs_core.ScorecardSet`.
        as_of: the scoring date (``datetime.date`` or ISO string). Required: executors must not
            each pick their own "today".

    Returns:
        ``df`` with the columns of ``Scorecard.score`` added (``score``, ``band``, ``coverage``,
        ``driver``; ``scorecard`` for a set), bit for bit the single-machine values.
    """
    return _map_batches(df, lambda table: scorecard.score(table, as_of))


def score_risk(
    df: DataFrame, model: cs.RiskModel, as_of: Any, *, drop_missing: bool | None = None
) -> DataFrame:
    """``model.score`` (renewal risk) on every account of a Spark DataFrame.

    Args:
        df: accounts with the model's inputs or the raw columns ``RiskModel.score`` derives
            them from.
        model: a :class:`cs_core.RiskModel`.
        as_of: the date days to renewal are counted from.
        drop_missing: as in ``RiskModel.score`` (``None`` warns once, on the driver, about
            factors without input and leaves them out).

    Returns:
        ``df`` with ``risk``, ``log_odds``, ``tier`` and the reason columns added.
    """
    return _map_batches(df, lambda table: model.score(table, drop_missing=drop_missing, as_of=as_of))


def evaluate_playbook(
    df: DataFrame,
    playbook: cs.Playbook,
    as_of: Any,
    open: Any = None,
    *,
    account_id: str = "account_id",
    model: cs.RiskModel | None = None,
) -> DataFrame:
    """``playbook.evaluate`` (the portfolio pipeline of ``cs ctas``) on every account.

    Args:
        df: accounts, one per row (the columns ``Playbook.evaluate`` reads or derives from).
        playbook: a :class:`cs_core.Playbook`.
        as_of: the evaluation date.
        open: CTAs still open (a small table or list of dicts with ``account_id`` and
            ``trigger``), shipped to every executor.
        account_id: the account id column.
        model: the risk model for the risk tier (default: the built-in one).

    Returns:
        The new CTAs, one row per account and rule fired, with the columns of
        ``Playbook.evaluate``. Rules are per account, so batches are independent.
    """
    return _map_batches(
        df, lambda table: playbook.evaluate(table, as_of, open, account_id=account_id, model=model)
    )


def portfolio_pipeline(
    df: DataFrame,
    as_of: Any,
    *,
    scorecard: cs.Scorecard | None = None,
    model: cs.RiskModel | None = None,
    playbook: cs.Playbook | None = None,
    open: Any = None,
    account_id: str = "account_id",
    drop_missing: bool | None = None,
) -> DataFrame:
    """``cs_core.portfolio_pipeline`` (health, risk, expected loss, signals and CTAs per
    account) on every account of a Spark DataFrame.

    Args:
        df: accounts, one per row (the columns the pipeline reads or derives from).
        as_of: the evaluation date.
        scorecard, model, playbook: the documents (default: the built-in ones).
        open: CTAs still open (a small table or list of dicts with ``account_id`` and
            ``trigger``), shipped to every executor.
        account_id: the account id column.
        drop_missing: as in ``cs_core.portfolio_pipeline`` (``None`` warns on the driver, when
            the schema is derived, about factors without input, and leaves them out).

    Returns:
        One row per account with the columns of ``cs_core.portfolio_pipeline``, bit for bit
        the single-machine values (dictionary columns as strings, ``ctas`` as an array of
        strings).
    """

    def apply(table: Any) -> Any:
        return cs.portfolio_pipeline(
            table,
            as_of,
            scorecard=scorecard,
            model=model,
            playbook=playbook,
            open=open,
            account_id=account_id,
            drop_missing=drop_missing,
        )

    return _map_batches(df, apply)


def nps_by(
    df: DataFrame,
    by: str | Sequence[str] | None = None,
    period: str | None = None,
    date: str = "date",
    score: str = "score",
    confidence: float = 0.95,
    interval: str = "wald",
    skip_missing: bool = False,
) -> DataFrame:
    """NPS per group and/or calendar period of a Spark DataFrame of answers (``cs.nps_by``).

    Each Arrow batch is counted by ``cs.nps_by`` (responses, promoters, passives, detractors,
    skipped per group and period), Spark sums the counts per group, and every statistic comes
    from ``cs.nps_from_counts`` on the sums: the same counts as ``cs.nps_by`` on the whole
    table, exactly, and so the same score, standard error, margin and interval to the last bit.

    Args:
        df: one answer per row.
        by, period, date, score, confidence, interval, skip_missing: as in
            :func:`cs_core.nps_by` (``interval``: ``"wald"`` or ``"adjusted_wald"``).

    Returns:
        A DataFrame with the columns of :func:`cs_core.nps_by`, sorted by key then period.
    """
    from pyspark.sql import functions

    keys = cs._names(by) + (["period", "period_start"] if period else [])

    def counts(table: Any) -> pa.Table:
        result = cs.nps_by(table, score, by, period, date, confidence, skip_missing, interval)
        return result.select([*keys, *_NPS_COUNTS])

    # The final columns and their order are those of the single-machine function on one row
    # (it rejects an empty table, as it does the whole table when that is empty).
    sample = df.limit(1).toArrow()
    whole = cs.nps_by(sample, score, by, period, date, confidence, skip_missing, interval)
    partial = _map_batches(df, counts, sample)
    summed = partial.groupBy(*keys).agg(*[functions.sum(c).alias(c) for c in _NPS_COUNTS])
    final_schema = _spark_schema(whole.schema)
    target = _arrow_schema(final_schema)

    def finish(batches: Batches) -> Batches:
        for batch in batches:
            if batch.num_rows:
                yield _nps_statistics(batch, target, confidence, interval)

    result = summed.mapInArrow(finish, final_schema)
    return result.orderBy(*keys) if keys else result


def health_rollup(
    df: DataFrame,
    by: str | Sequence[str] | None = None,
    arr: str | None = None,
    *,
    bands: cs.Scorecard | Sequence[str] | None = None,
    score: str = "score",
    band: str = "band",
) -> DataFrame:
    """Health of groups of scored accounts of a Spark DataFrame (``cs.health_rollup``).

    Each partition (its key, score, band and ARR columns) rolls up into one mergeable part per
    group (the core's ``RollupPart``: counts, ARR sums and exact, order-independent sums of
    the scores and of ARR x score), Spark
    gathers the parts of each group with ``groupBy(...).agg(collect_list)``, and the core merges
    them and computes the figures: counts and ARR exactly, and the mean and ARR-weighted mean
    to the last bit, as ``cs.health_rollup`` on the whole table, for any partitioning.

    Args:
        df: scored accounts (the output of :func:`score_health`, with the key and ARR columns).
        by, arr, bands, score, band: as in :func:`cs_core.health_rollup`.

    Returns:
        A DataFrame with the columns of :func:`cs_core.health_rollup`, sorted by key (Spark's
        order: a text key column sorts "10" before "9", where ``cs.health_rollup`` sorts whole
        numbers by value). Keys are the core's: text keys trimmed, integer keys as ``long``.
    """
    from pyspark.sql import functions

    keys = cs._names(by)
    names = cs._band_names(bands)

    needed = df.select(*dict.fromkeys([*keys, score, band, *([arr] if arr else [])]))
    source = _arrow_schema(needed.schema)

    def parts(table: Any) -> pa.Table:
        return _cs_core._health_rollup_parts(table, keys, arr, score, band, names)

    part_schema = _spark_schema(_schema_of(parts(source.empty_table())))
    part_target = _arrow_schema(part_schema)

    def partition_parts(batches: Batches) -> Batches:
        # The whole partition (its rollup columns only) at once: one part per group per
        # partition, not per Arrow batch, so the shuffle carries few parts.
        table = pa.Table.from_batches(list(batches), schema=source)
        if table.num_rows:
            yield from _conform(parts(table), part_target)

    partial = needed.mapInArrow(partition_parts, part_schema)
    gathered = (partial.groupBy(*keys) if keys else partial).agg(
        functions.collect_list("part").alias("parts")
    )
    gathered = gathered.where(functions.size("parts") > 0)  # no rows: no group, as on one machine
    whole = cs._health_rollup(_empty_like(df), keys, arr, score, band, names)
    final_schema = _spark_schema(whole.schema)
    target = _arrow_schema(final_schema)

    def finish(batches: Batches) -> Batches:
        for batch in batches:
            if batch.num_rows:
                figures = _cs_core._health_rollup_finish(batch, names, arr is not None)
                columns = [batch.column(k) for k in keys] + figures.columns
                table = pa.Table.from_arrays(columns, names=[*keys, *figures.column_names])
                yield from _conform(table, target)

    result = gathered.mapInArrow(finish, final_schema)
    return result.orderBy(*keys) if keys else result


def _nps_statistics(
    batch: pa.RecordBatch, schema: pa.Schema, confidence: float, interval: str
) -> pa.RecordBatch:
    """Rows of summed counts with the statistics of ``cs.nps_from_counts`` added (null for a
    group whose answers were all skipped, as in ``cs.nps_by``)."""
    rows = batch.to_pylist()
    stats: dict[str, list[float | None]] = {
        name: [] for name in ("nps", "standard_error", "margin_of_error", "ci_low", "ci_high")
    }
    for row in rows:
        if row["responses"] == 0:
            for values in stats.values():
                values.append(None)
            continue
        result = cs.nps_from_counts(row["promoters"], row["passives"], row["detractors"])
        low, high = result.confidence_interval(confidence, interval)
        stats["nps"].append(result.score)
        stats["standard_error"].append(result.standard_error)
        stats["margin_of_error"].append(result.margin_of_error(confidence, interval))
        stats["ci_low"].append(low)
        stats["ci_high"].append(high)
    columns = {name: batch.column(name) for name in batch.schema.names}
    columns.update({name: pa.array(values, pa.float64()) for name, values in stats.items()})
    return pa.RecordBatch.from_arrays([columns[name] for name in schema.names], schema=schema)


def kaplan_meier_by(
    df: DataFrame,
    duration: str = "duration",
    observed: str | None = "observed",
    by: str | Sequence[str] = "segment",
    confidence: float = 0.95,
) -> dict[Any, cs.KaplanMeier]:
    """Kaplan-Meier estimates of tenure per group of a Spark DataFrame (``cs.kaplan_meier_by``).

    Each Arrow batch is turned into its life table per group by ``cs.kaplan_meier_by``
    (churns and censored customers per distinct tenure), Spark sums the counts per group and
    tenure with its own ``groupBy``, and the driver builds each curve with
    ``KaplanMeier.from_counts`` from the summed table: the same table as the single-machine
    call on the whole DataFrame, hence the same curves, bands and medians to the last bit.

    Args:
        df: one customer per row.
        duration, observed, by, confidence: as in :func:`cs_core.kaplan_meier_by`.

    Returns:
        ``{key: KaplanMeier}`` sorted by key, as :func:`cs_core.kaplan_meier_by`. The summed life
        table reaches the driver: one row per group and distinct tenure (tenures in whole days
        or months keep it small; continuous tenures make it as long as the data).
    """
    from pyspark.sql import functions

    keys = cs._names(by)
    source = _arrow_schema(df.schema)
    key_fields = [pa.field(k, _spark_arrow_type(source.field(k).type)) for k in keys]
    partial_schema = pa.schema(
        [
            *key_fields,
            pa.field("time", pa.float64()),
            pa.field("events", pa.int64()),
            pa.field("censored", pa.int64()),
        ]
    )

    def counts(table: Any) -> pa.Table:
        curves = cs.kaplan_meier_by(table, duration, observed, keys, confidence)
        parts = []
        for key, curve in curves.items():
            life = curve.event_table()
            values = key if len(keys) > 1 else (key,)
            rows = life.num_rows
            columns = [
                pa.array([value] * rows, field.type) for value, field in zip(values, key_fields, strict=True)
            ]
            columns += [life.column("timeline"), life.column("events"), life.column("censored")]
            parts.append(pa.Table.from_arrays(columns, schema=partial_schema.remove_metadata()))
        return pa.concat_tables(parts) if parts else partial_schema.empty_table()

    partial = _map_batches(df, counts, schema=partial_schema)
    summed = partial.groupBy(*keys, "time").agg(
        functions.sum("events").alias("events"), functions.sum("censored").alias("censored")
    )
    summed = _collect(summed)
    groups: dict[Any, list[int]] = {}
    key_columns = [summed.column(k).to_pylist() for k in keys]
    for row, values in enumerate(zip(*key_columns, strict=True)):
        groups.setdefault(values if len(keys) > 1 else values[0], []).append(row)
    result = {}
    for key in _core_order(list(groups), key_fields, duration, observed, keys):
        rows = pa.array(groups[key], pa.int64())
        part = summed.take(rows)
        result[key] = cs.KaplanMeier.from_counts(
            part.column("time"), part.column("events"), part.column("censored"), confidence
        )
    return result


def _core_order(
    found: list[Any], key_fields: list[pa.Field], duration: str, observed: str | None, keys: list[str]
) -> list[Any]:
    """``found`` (keys as ``cs.kaplan_meier_by`` returns them) in the core's natural order of
    keys (a missing key first, whole numbers by value, then text), taken from the core itself:
    ``cs.kaplan_meier_by`` on one row per key."""
    values = [key if len(keys) > 1 else (key,) for key in found]
    table = {field.name: pa.array([v[i] for v in values], field.type) for i, field in enumerate(key_fields)}
    table[duration] = pa.array([1.0] * len(found), pa.float64())
    if observed is not None:
        table[observed] = pa.array([True] * len(found), pa.bool_())
    return list(cs.kaplan_meier_by(pa.table(table), duration, observed, keys))


# The additive counts of a revenue retention summary (RevenueRetention.from_counts).
_RETENTION_COUNTS = [
    "start_accounts",
    "start_arr",
    "end_arr",
    "retained_arr",
    "churned_accounts",
    "churned_arr",
    "expansion_arr",
    "contraction_arr",
    "new_accounts",
    "new_arr",
]


def revenue_retention(
    start: DataFrame,
    end: DataFrame,
    *,
    id: str = "account_id",
    arr: str = "arr",
    segment: str | None = None,
) -> cs.RevenueRetention:
    """GRR, NRR, logo churn, expansion and contraction between two snapshot DataFrames
    (``cs.revenue_retention``).

    Spark joins the snapshots by account id (a full outer join, so each account's start and end
    meet in one batch), each Arrow batch goes through ``cs.revenue_retention``, Spark sums the
    additive counts per segment (as ``decimal(38, 0)``: no overflow), and the driver builds the
    result with ``RevenueRetention.from_counts``: exact integer sums, the single-machine result.

    Args:
        start, end: one row per account (``id``, ``arr`` in integer minor units, and
            ``segment`` when given; ``end`` may lack it).
        id, arr, segment: as in :func:`cs_core.revenue_retention`.

    Returns:
        A :class:`cs_core.RevenueRetention`. A repeated id in either snapshot raises the core's
        ``CsDuplicateError`` (checked by a ``groupBy`` count before the join); a bad cell raises
        the core's error, its position counted within the Arrow batch.
    """
    from pyspark.sql import functions

    for snapshot in (start, end):
        repeated = snapshot.groupBy(id).count().where(functions.col("count") > 1).limit(1).collect()
        if repeated:
            twice = pa.table({id: [repeated[0][id]] * 2, arr: [0, 0]})
            cs.revenue_retention(twice, twice.slice(0, 0), id=id, arr=arr)  # raises the core's error
    end_segment = segment is not None and segment in end.columns

    def side(frame: DataFrame, prefix: str, with_segment: bool) -> DataFrame:
        columns = [functions.col(id).alias("__id"), functions.col(arr).alias(f"__{prefix}_arr")]
        if with_segment:
            columns.append(functions.col(str(segment)).alias(f"__{prefix}_segment"))
        return frame.select(*columns, functions.lit(True).alias(f"__in_{prefix}"))

    joined = side(start, "start", segment is not None).join(
        side(end, "end", end_segment), "__id", "full_outer"
    )
    partial_schema = pa.schema(
        [pa.field("segment", pa.string()), *[pa.field(c, pa.int64(), False) for c in _RETENTION_COUNTS]]
    )

    def snapshot_of(batch: Any, prefix: str, with_segment: bool) -> pa.Table:
        table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
        present = table.filter(table.column(f"__in_{prefix}").fill_null(False))
        columns = {id: present.column("__id"), arr: present.column(f"__{prefix}_arr")}
        if with_segment:
            columns[str(segment)] = present.column(f"__{prefix}_segment")
        return pa.table(columns)

    def counts(batch: Any) -> pa.Table:
        result = cs.revenue_retention(
            snapshot_of(batch, "start", segment is not None),
            snapshot_of(batch, "end", end_segment),
            id=id,
            arr=arr,
            segment=segment,
        )
        rows = [
            {"segment": key, **{c: summary[c] for c in _RETENTION_COUNTS}}
            for key, summary in result.by_segment.items()
        ]
        return pa.Table.from_pylist(rows, schema=partial_schema)

    partial = _map_batches(joined, counts, schema=partial_schema)
    summed = _collect(
        partial.groupBy("segment").agg(
            *[functions.sum(functions.col(c).cast("decimal(38,0)")).alias(c) for c in _RETENTION_COUNTS]
        )
    )
    rows = [
        {"segment": row["segment"], **{c: int(row[c]) for c in _RETENTION_COUNTS}}
        for row in summed.to_pylist()
    ]
    return cs.RevenueRetention.from_counts(rows)


# The columns of a contract and of a delivery (PortfolioCompliance's tables).
_CONTRACT_COLUMNS = ["account", "package", "start", "renewal"]
_DELIVERY_COLUMNS = ["account", "date", "activity", "channel", "minutes", "participants"]


def entitlement_compliance(
    contracts: DataFrame,
    delivered: DataFrame,
    as_of: Any,
    *,
    packages: Any = None,
    rules: Any = None,
    partitions: int | None = None,
) -> DataFrame:
    """Delivered-vs-entitled compliance per account of a portfolio held in two Spark DataFrames
    (``cs.entitlement_compliance_batch``).

    Spark brings each account's contract and its deliveries into one partition (``unionByName``
    then ``repartition`` by account), and each partition goes through
    ``cs.entitlement_compliance_batch`` as a whole (it is held in the executor's memory: use
    more partitions for a bigger portfolio). The rows equal the single-machine
    ``PortfolioCompliance.accounts``, bit for bit; a duplicate account, an unknown package or a
    delivery without a contract raises the core's error, as on one machine.

    Args:
        contracts: one row per account: ``account``, ``package``, ``start``, ``renewal``.
        delivered: one row per delivery: ``account``, ``date``, ``activity``, ``channel`` and
            optional ``minutes`` and ``participants``.
        as_of, packages, rules: as in :func:`cs_core.entitlement_compliance_batch` (packages
            and rules travel to the executors by pickling).
        partitions: the number of partitions accounts are spread over (default: Spark's
            ``spark.sql.shuffle.partitions``).

    Returns:
        A DataFrame with the columns of ``PortfolioCompliance.accounts``; its totals come from
        :func:`compliance_totals`.
    """
    from pyspark.sql import functions

    log_columns = [c for c in _DELIVERY_COLUMNS if c in delivered.columns]
    both = contracts.select(*_CONTRACT_COLUMNS, functions.lit(True).alias("__contract")).unionByName(
        delivered.select(*log_columns, functions.lit(False).alias("__contract")), allowMissingColumns=True
    )
    spread = both.repartition(partitions, "account") if partitions else both.repartition("account")
    source = _arrow_schema(spread.schema)

    def compliance(table: pa.Table) -> pa.Table:
        is_contract = table.column("__contract").fill_null(False)
        book = table.filter(is_contract).select(_CONTRACT_COLUMNS)
        log = table.filter(pc.invert(is_contract)).select(log_columns)
        return cs.entitlement_compliance_batch(book, log, as_of, packages=packages, rules=rules).accounts

    schema = _schema_of(compliance(source.empty_table()))
    spark_schema = _spark_schema(schema)
    target = _arrow_schema(spark_schema)

    def run(batches: Batches) -> Batches:
        # The whole partition at once: an account's rows may straddle Arrow batches.
        table = pa.Table.from_batches(list(batches), schema=source)
        if table.num_rows:
            yield from _conform(compliance(table), target)

    return spread.mapInArrow(run, spark_schema)


def compliance_totals(accounts: DataFrame) -> dict[str, Any]:
    """The portfolio totals of a per-account compliance DataFrame (the output of
    :func:`entitlement_compliance`): items delivered, owed, overdue, the pooled ``ratio``,
    ``mean_account_ratio``, accounts under- and over-delivered, minutes with customers.

    Each Arrow batch becomes the core's mergeable totals (counts and an exact sum of the
    account ratios), the driver merges them: the totals of ``PortfolioCompliance`` on one
    machine, to the last bit, for any partitioning.
    """
    from pyspark.sql.types import StringType, StructField, StructType

    needed = [
        "delivered",
        "owed",
        "overdue",
        "ratio",
        "under_delivered",
        "over_delivered",
        "minutes_with_customer",
    ]
    schema = pa.schema([pa.field("part", pa.string(), False)])

    def part(batches: Batches) -> Batches:
        for batch in batches:
            if batch.num_rows:
                text = _cs_core._compliance_totals_part(batch)
                yield pa.RecordBatch.from_arrays([pa.array([text], pa.string())], schema=schema)

    parts = accounts.select(*needed).mapInArrow(part, StructType([StructField("part", StringType(), False)]))
    return _cs_core._compliance_totals(_collect(parts).column("part").to_pylist())
