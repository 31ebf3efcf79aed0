"""Type stubs of the compiled cs-core extension (checked against it by mypy.stubtest)."""

import datetime
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, ClassVar, final, overload

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from typing_extensions import Self, disjoint_base

__version__: str

class CsError(ValueError):
    """Raised for every invalid input or document; the message names the field and the value.

    The base of the more specific Cs*Error classes."""

class CsOutOfRangeError(CsError):
    """A value lies outside the range its field allows (e.g. an NPS answer of 11)."""

class CsInvalidError(CsError):
    """A value is not acceptable for a reason other than its range (e.g. a cell that is not a date)."""

class CsMissingError(CsError):
    """A required value, column or key is absent, or null where nulls are not allowed."""

class CsEmptyError(CsError):
    """An input that must hold at least one element holds none."""

class CsLengthMismatchError(CsError):
    """Two columns that must have the same length do not."""

class CsUnknownError(CsError):
    """A name (column, measure, package, ...) that should refer to something known does not."""

class CsDuplicateError(CsError):
    """A value that must be unique appears twice."""

class CsParseError(CsError):
    """A document (TOML, JSON, CSV) could not be read."""

class CsSchemaVersionError(CsError):
    """A persisted document carries a schema version this build does not read."""

class CsEstimationError(CsError):
    """An iterative estimate did not converge or the data do not determine it."""

@final
class NpsResult:
    """The Net Promoter Score of a set of answers, with counts and statistics.

    score = % promoters (9-10) - % detractors (0-6), in points from -100 to 100. The standard
    error uses the multinomial variance pP + pD - (pP - pD)^2; intervals are Wald intervals
    clipped to [-100, 100].
    """
    def _repr_html_(self) -> str: ...
    @property
    def score(self) -> float:
        """The score in points, -100..=100."""
    @property
    def promoters(self) -> int:
        """Number of promoters (answers 9 and 10)."""
    @property
    def passives(self) -> int:
        """Number of passives (answers 7 and 8)."""
    @property
    def detractors(self) -> int:
        """Number of detractors (answers 0 to 6)."""
    @property
    def responses(self) -> int:
        """Number of answers counted."""
    @property
    def skipped(self) -> int:
        """Number of null answers skipped (only with skip_missing=True)."""
    @property
    def promoter_share(self) -> float:
        """Share of promoters, 0..=1."""
    @property
    def passive_share(self) -> float:
        """Share of passives, 0..=1."""
    @property
    def detractor_share(self) -> float:
        """Share of detractors, 0..=1."""
    @property
    def standard_error(self) -> float:
        """Standard error of the score, in points."""
    def margin_of_error(self, confidence: float = 0.95, method: str = "wald") -> float:
        """Margin of error in points at a confidence level in (0, 1), of the interval ``method``
        (``"wald"``: z × SE; ``"adjusted_wald"``: z × the adjusted standard error, the half-width
        of ``confidence_interval(confidence, "adjusted_wald")`` before clipping)."""
    def confidence_interval(self, confidence: float = 0.95, method: str = "wald") -> tuple[float, float]:
        """(low, high) confidence interval in points, clipped to [-100, 100]. ``method`` is
        ``"wald"`` (score ± z × SE; collapses when every answer is in one category) or
        ``"adjusted_wald"`` (¾ pseudo-promoter and ¾ pseudo-detractor added, Rocks 2016)."""
    def compare(self, other: NpsResult) -> NpsComparison:
        """Compares with another independent result: difference = self - other."""
    def to_dict(self, confidence: float = 0.95) -> dict[str, Any]:
        """The counts, score and statistics as a dict."""
    def to_json(self) -> str:
        """The counts as JSON (the serialised Rust value)."""
    @staticmethod
    def from_json(text: str) -> NpsResult:
        """Reads a result written by ``to_json``."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class NpsComparison:
    """The comparison of two independent NPS results (difference = a - b)."""

    @property
    def difference(self) -> float:
        """a.score - b.score, in points."""
    @property
    def standard_error(self) -> float:
        """Standard error of the difference, in points."""
    @property
    def z(self) -> float | None:
        """z statistic; None when both samples have zero variance."""
    @property
    def p_value(self) -> float | None:
        """Two-sided p-value; None when both samples have zero variance."""
    def to_dict(self) -> dict[str, Any]:
        """The comparison as a dict."""

@final
class Csat:
    """CSAT: the share of 1..5 ratings above a threshold."""

    @property
    def score(self) -> float:
        """Percentage (0..=100) of ratings above the threshold."""
    @property
    def satisfied(self) -> int:
        """Ratings above the threshold."""
    @property
    def responses(self) -> int:
        """Ratings counted."""
    @property
    def threshold(self) -> float:
        """The threshold used."""
    def margin_of_error(self, confidence: float = 0.95) -> float:
        """Wald margin of error of the percentage."""
    def to_dict(self) -> dict[str, Any]:
        """The result as a dict."""

@final
class Calibration:
    """Calibration of NPS perceived (the CSM's estimates) against actual answers."""

    @property
    def pairs(self) -> int:
        """Accounts with both an estimate and an answer."""
    @property
    def matches(self) -> int:
        """Accounts whose estimated category matches the answer."""
    @property
    def match_share(self) -> float:
        """Share (0..=1) of estimates in the right category."""
    @property
    def mean_signed_gap(self) -> float | None:
        """Mean perceived - actual over exact-score estimates (positive: optimistic); None if none."""
    @property
    def mean_absolute_gap(self) -> float | None:
        """Mean |perceived - actual| over exact-score estimates; None if none."""
    @property
    def hidden_detractors(self) -> int:
        """Accounts believed passive or promoter that answered as detractors."""
    @property
    def confusion(self) -> list[list[int]]:
        """Counts by perceived (rows) x actual (columns), order detractor, passive, promoter."""
    def to_dict(self) -> dict[str, Any]:
        """The calibration as a dict."""

def nps(scores: Any, *, skip_missing: bool = False) -> NpsResult:
    """NPS of answers: a list, numpy array, pyarrow array, pandas or polars Series."""

def nps_from_counts(promoters: int, passives: int, detractors: int) -> NpsResult:
    """NPS from the three category counts."""

def nps_compare(a: NpsResult, b: NpsResult) -> NpsComparison:
    """Compares two independent NPS results: difference = a - b, z, two-sided p-value."""

def csat(ratings: Any, threshold: float = 3.5) -> Csat:
    """CSAT of ratings on a 1..5 scale: % of ratings strictly above ``threshold``."""

def nps_calibration(perceived: Any, actual: Any) -> Calibration:
    """Calibration of perceived estimates (0-10 scores or category names) against actual answers;
    rows where either side is missing are not counted."""

def _nps_by(
    table: Any,
    score: str,
    by: list[str],
    period: str | None,
    date: str,
    confidence: float,
    skip_missing: bool,
    interval: str = "wald",
) -> pa.Table: ...

# --- package ---

@final
class SuccessPackage:
    """A success package: what a customer bought from Customer Success. A touch model and a list
    of entitlements (activity x cadence x channel).

    Built-in packages come from ``SuccessPackage.builtin(name)`` (``commerce``, ``enterprise``,
    ``community_segment``, ``enterprise_segment``, ``strategic_segment``); custom ones from a
    TOML / JSON document or a dict (``schema_version = 1``, unknown keys rejected, errors
    naming the entitlement).
    """

    @staticmethod
    def builtin(name: str) -> SuccessPackage:
        """A built-in package by name (case-insensitive)."""
    @staticmethod
    def catalog() -> list[SuccessPackage]:
        """Every built-in package, in catalog order."""
    @staticmethod
    def from_toml(text: str) -> SuccessPackage:
        """Reads and validates a TOML package document."""
    @staticmethod
    def from_json(text: str) -> SuccessPackage:
        """Reads and validates a JSON package document."""
    @staticmethod
    def from_dict(data: Any) -> SuccessPackage:
        """Reads and validates a package from a dict (the shape of ``to_dict``)."""
    def to_dict(self) -> dict[str, Any]:
        """The package as a dict (the document shape)."""
    def to_json(self) -> str:
        """The package as a JSON document."""
    def to_toml(self) -> str:
        """The package as a TOML document."""
    @property
    def name(self) -> str:
        """The package name."""
    @property
    def touch_model(self) -> str:
        """The touch model: ``"digital"``, ``"high_touch"`` or ``"personal"``."""
    @property
    def description(self) -> str | None:
        """A one-line description, if any."""
    @property
    def source(self) -> str | None:
        """Where the package definition comes from, if known."""
    @property
    def entitlements(self) -> list[dict[str, Any]]:
        """The entitlements as dicts (activity, cadence, channel, optional name and source)."""
    def describe(self) -> pa.Table:
        """The entitlements as a pyarrow Table: entitlement, activity, cadence (readable), channel,
        source."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def package_catalog() -> pa.Table:
    """The built-in catalog as a pyarrow Table: one row per entitlement of every built-in
    package (package, touch_model, entitlement, activity, cadence, channel, source)."""

@final
class ContractTerm:
    """The dates of one contract term: start and renewal (the first day of the next term).

    ``ContractTerm(start, renewal)`` or ``ContractTerm(start, term_months=24)`` (default 12
    months; month ends clamp: 31 January + 1 month renews on 28/29 February). The term is
    half-open, ``[start, renewal)``.
    """

    def __new__(cls, start: Any, renewal: Any = None, *, term_months: int | None = None) -> ContractTerm: ...
    @property
    def start(self) -> date:
        """The first day of the term."""
    @property
    def renewal(self) -> date:
        """The renewal (anniversary) date: the first day after the term."""
    @property
    def last_day(self) -> date:
        """The last day of the term (the day before renewal)."""
    @property
    def term_months(self) -> int:
        """Whole months from start to renewal."""
    @property
    def anniversaries(self) -> list[date]:
        """The anniversaries after the start, ascending; the last one is the renewal date."""
    def contract_year(self, date: Any) -> int:
        """The contract year (1-based) that a date falls in; a date outside the term raises
        CsOutOfRangeError."""
    def contains(self, date: Any) -> bool:
        """Whether start <= date < renewal."""
    def next(self) -> ContractTerm:
        """The next term of the same length, starting on the renewal date."""
    def to_dict(self) -> dict[str, date]:
        """``{"start": date, "renewal": date}``."""
    def __reduce__(self) -> tuple[Any, tuple[date, date]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class MatchingRules:
    """How delivered activities are matched to calendar items.

    An item due on ``d`` is fulfilled by a delivery of the same activity dated in
    ``[d - early_days, d + grace_days]`` through the entitled channel or one the substitution
    table accepts for it. Defaults: 30 days each way and the documented substitution table
    (a richer channel stands in for a leaner one; "on-site if location allows" falls back to a
    virtual meeting). ``substitutions`` replaces the default table entirely.
    """

    def __new__(
        cls, *, grace_days: int = 30, early_days: int = 30, substitutions: Any = None
    ) -> MatchingRules: ...
    @property
    def grace_days(self) -> int:
        """Days after its due date a delivery still counts."""
    @property
    def early_days(self) -> int:
        """Days before its due date a delivery already counts."""
    @property
    def substitutions(self) -> dict[str, list[str]]:
        """For each entitled channel, the channels accepted in its place."""
    def accepts(self, entitled: str, delivered: str) -> bool:
        """Whether a delivery through ``delivered`` counts for an item entitled through ``entitled``."""
    @staticmethod
    def from_toml(text: str) -> MatchingRules:
        """Reads and validates a TOML rules document (every key optional)."""
    @staticmethod
    def from_json(text: str) -> MatchingRules:
        """Reads and validates a JSON rules document."""
    @staticmethod
    def from_dict(data: Any) -> MatchingRules:
        """Reads and validates rules from a dict."""
    def to_dict(self) -> dict[str, Any]:
        """The rules as a dict."""
    def to_json(self) -> str:
        """The rules as a JSON document."""
    def to_toml(self) -> str:
        """The rules as a TOML document."""

# --- health ---

@final
class Scorecard:
    """A health scorecard: measures (optionally in weighted groups), scoring rules, bands and the
    missing-data policy. Read one with ``from_toml`` / ``from_json`` / ``from_dict``, or take the
    built-in ``Scorecard.default()``; score tables with ``score`` and one account with ``explain``.
    """

    @staticmethod
    def from_toml(text: str) -> Scorecard:
        """Reads and validates a scorecard written in TOML."""
    @staticmethod
    def from_json(text: str) -> Scorecard:
        """Reads and validates a scorecard written in JSON."""
    @staticmethod
    def from_dict(document: Any) -> Scorecard:
        """Reads and validates a scorecard from a dict (the JSON shape)."""
    @staticmethod
    def default() -> Scorecard:
        """The built-in scorecard (adoption, support, sentiment, engagement), whose measure names
        are the columns of ``synthetic_portfolio``."""
    def to_dict(self) -> dict[str, Any]:
        """The scorecard as a dict (the JSON shape)."""
    def to_json(self) -> str:
        """The scorecard as pretty JSON."""
    def to_toml(self) -> str:
        """The scorecard as TOML."""
    @property
    def name(self) -> str:
        """The scorecard name."""
    @property
    def measure_names(self) -> list[str]:
        """The measure names in scoring order (the order of explanations)."""
    @property
    def band_names(self) -> list[str]:
        """The band names from the lowest up."""
    @property
    def input_columns(self) -> list[str]:
        """The columns ``score`` reads: every measure, then the date column of each measure with a
        validity period (optional: without it values count as current)."""
    def band_of(self, score: float) -> str:
        """The band holding an unrounded score."""
    def score(self, table: Any, as_of: Any = None) -> Any:
        """Scores every row of a table on ``as_of`` (default today).

        ``table``: a pandas or polars DataFrame, a pyarrow Table or RecordBatch, or a dict of
        columns (numpy arrays, lists, Series). Returns the same kind with the columns ``score``
        (null: insufficient data), ``band``, ``coverage`` and ``driver`` (the measure losing the
        most points) added. Float64 numpy and Arrow columns are borrowed, not copied; the GIL is
        released while scoring.
        """
    def _score(self, columns: dict[str, Any], as_of: Any = None) -> pa.Table:
        """Scores a dict of columns; returns a pyarrow Table of score, band, coverage, driver."""
    def health_history(self, history: Any, *, date: str = "date", arr: str | None = None) -> dict[str, Any]:
        """The health of a portfolio over time from dated snapshots (``cs health-history``):
        every row of ``history`` (one per ``account_id`` and snapshot date in column ``date``,
        with the card's measures) scored on its own date. Returns a dict: ``bands`` (names,
        lowest first); ``mix``, per date in order, the band mix over all accounts (``key`` the
        date, ``band_counts``, ``band_share``, ``insufficient``, ``insufficient_share`` and, with
        ``arr`` the column of ARR in minor units, ``arr_by_band`` and ``arr_share_by_band``);
        ``transitions``: ``states`` (the bands, then "insufficient data"), ``steps`` (per pair
        of consecutive dates ``counts[from][to]``, row ``shares`` and ``from_totals``, ``stayed``, ``moved``,
        ``moved_share``, ``entered``, ``left``, ``entered_total``, ``left_total``) and ``total``.
        ``pandas.DataFrame(h["mix"])`` is the mix as a table.
        """
    def fit_weights(
        self,
        history: Any,
        outcome: str = "churned",
        *,
        as_of: Any = None,
        holdout: float = 0.3,
        seed: int = 0,
        confidence: float = 0.95,
        max_evaluations: int = 2000,
    ) -> WeightFit:
        """Proposes group and measure weights that best rank past churners below past renewals,
        the rules, bands and policies kept (``cs score fit``).

        ``history``: one row per past renewal with the card's measures as they were some time
        before it (a pandas or polars DataFrame, a pyarrow Table or RecordBatch, or a dict of
        columns) and the ``outcome`` column (true: churned). Every row is scored on ``as_of``
        (default today). A seeded, stratified split holds out ``holdout`` of the churned and of
        the retained renewals; the weights are searched on the rest (each set of siblings
        non-negative and summing to 100, whole points; the training AUC never falls below the
        current card's) and both cards are compared on the held-out rows (DeLong interval at
        ``confidence``, paired DeLong test). The GIL is released during the fit.
        """
    def explain(self, account: Any, as_of: Any = None) -> HealthScore:
        """Scores one account (a dict of measure values, e.g. a table row) on ``as_of`` (default
        today) and explains the score: per measure the raw value, measure score, effective weight
        and points (the points sum to the score). A measure's date column (``nps_date``) in the
        dict is its observation date; keys that are not measures are ignored."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class ScorecardSet:
    """Several scorecards, each assigned to accounts by attribute criteria (segment, region, ...),
    with a default. ``score`` picks each row's scorecard from its attribute columns."""

    @staticmethod
    def from_toml(text: str) -> ScorecardSet:
        """Reads and validates a scorecard set written in TOML."""
    @staticmethod
    def from_json(text: str) -> ScorecardSet:
        """Reads and validates a scorecard set written in JSON."""
    @staticmethod
    def from_dict(document: Any) -> ScorecardSet:
        """Reads and validates a scorecard set from a dict (the JSON shape)."""
    def to_dict(self) -> dict[str, Any]:
        """The set as a dict (the JSON shape)."""
    def to_json(self) -> str:
        """The set as pretty JSON."""
    def to_toml(self) -> str:
        """The set as TOML."""
    @property
    def scorecards(self) -> list[Scorecard]:
        """The scorecards."""
    @property
    def default(self) -> str:
        """The name of the scorecard of accounts no assignment matches."""
    @property
    def attribute_names(self) -> list[str]:
        """The attribute columns the assignments read, in first-use order."""
    @property
    def input_columns(self) -> list[str]:
        """The columns ``score`` reads: attributes, measures of every scorecard, date columns."""
    def card_for(self, account: Any) -> Scorecard:
        """The scorecard for an account with these attributes (a dict, e.g. a table row)."""
    def score(self, table: Any, as_of: Any = None) -> Any:
        """Scores every row with its assigned scorecard; like ``Scorecard.score`` with one more
        column, ``scorecard``. Rows lacking an attribute column match no criterion on it."""
    def _score(self, columns: dict[str, Any], as_of: Any = None) -> pa.Table:
        """Scores a dict of columns; returns a pyarrow Table of score, band, coverage, driver,
        scorecard."""
    def explain(self, account: Any, as_of: Any = None) -> HealthScore:
        """Scores one account with its assigned scorecard and explains the score."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class EngagementCalendar:
    """The dated schedule of every entitled activity of a contract term (or of ``from_..to``).

    ``EngagementCalendar(package, start, renewal=None, *, term_months=12, from_=None, to=None,
    changes=None)``: ``package`` is a ``SuccessPackage``, a built-in name or a dict; ``changes``
    lists upgrades / downgrades as ``[(date, package), ...]``. Items land in ``[start,
    renewal)``; recurring cadences count from the start in whole months or weeks, so month ends
    clamp without drifting (31 January + 1 month = 28/29 February).
    """

    def __new__(
        cls,
        package: Any,
        start: Any,
        renewal: Any = None,
        *,
        term_months: int | None = None,
        from_: Any = None,
        to: Any = None,
        changes: Any = None,
    ) -> EngagementCalendar: ...
    @property
    def term(self) -> ContractTerm:
        """The contract term."""
    @property
    def window(self) -> tuple[date, date] | None:
        """The dates covered, ``(from, to)`` inclusive, or None when the range misses the term."""
    def to_table(self) -> pa.Table:
        """The items as a pyarrow Table: date, contract_year, package, entitlement, activity,
        channel, title (a readable summary), sorted by date."""
    def to_ics(
        self,
        *,
        calendar_name: str | None = None,
        account: str | None = None,
        uid_domain: str | None = None,
        stamp: Any = None,
    ) -> str:
        """The calendar as an iCalendar (RFC 5545) document: one all-day, non-blocking event per
        item, with stable UIDs so a re-import updates rather than duplicates. ``stamp`` (the
        DTSTAMP, UTC) defaults to midnight of the contract start, keeping the output
        reproducible."""
    def to_dict(self) -> dict[str, Any]:
        """The calendar as a dict (term, window, items)."""
    def __len__(self) -> int: ...

@final
class AccountCompliance:
    """Delivered-vs-entitled compliance of one account as of a date.

    An item is delivered (matched by the rules), upcoming (due after ``as_of``), due (within the
    grace period) or overdue. owed = delivered + overdue; ``ratio`` = delivered / owed (None
    when nothing is owed yet). ``under_delivered``: some item is overdue (a risk);
    ``over_delivered``: more customer-facing deliveries than entitled to date, or a richer
    channel than entitled (margin and value erosion).
    """

    @property
    def as_of(self) -> date:
        """The as-of date."""
    @property
    def term(self) -> ContractTerm:
        """The contract term."""
    @property
    def delivered(self) -> int:
        """Items delivered."""
    @property
    def due(self) -> int:
        """Items due, within the grace period."""
    @property
    def overdue(self) -> int:
        """Items overdue: promised service missing."""
    @property
    def upcoming(self) -> int:
        """Items not due yet."""
    @property
    def owed(self) -> int:
        """Delivered + overdue."""
    @property
    def ratio(self) -> float | None:
        """Delivered / owed; None when nothing is owed yet."""
    @property
    def under_delivered(self) -> bool:
        """Some item is overdue."""
    @property
    def over_delivered(self) -> bool:
        """Some activity has deliveries beyond what is entitled, or a channel upgrade."""
    @property
    def minutes_with_customer(self) -> int:
        """Minutes of customer-facing deliveries counted."""
    @property
    def ignored(self) -> int:
        """Deliveries ignored: after ``as_of`` or on/after the renewal date."""
    @property
    def entitlements(self) -> pa.Table:
        """Per entitlement, a pyarrow Table: package, entitlement, activity, channel, in_term,
        delivered, due, overdue, upcoming, ratio, under_delivered."""
    @property
    def items(self) -> pa.Table:
        """Every calendar item with its status, a pyarrow Table: date, contract_year, package,
        entitlement, activity, channel, status, delivered_on, days_late, channel_upgrade."""
    @property
    def activities(self) -> pa.Table:
        """Per activity entitled or delivered, a pyarrow Table: activity, logged, matched,
        upgraded, entitled_to_date, downgraded, extra (over-delivery)."""
    def to_dict(self) -> dict[str, Any]:
        """The full report as a dict (the serialised Rust value)."""
    def to_json(self) -> str:
        """The full report as JSON."""
    @staticmethod
    def from_json(text: str) -> AccountCompliance:
        """Reads a report written by ``to_json``."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class PortfolioCompliance:
    """Entitlement compliance of a portfolio: one report per contract row and the totals.

    ``ratio`` pools items over accounts (delivered / owed); ``mean_account_ratio`` averages the
    account ratios of accounts that owe something.
    """

    @property
    def as_of(self) -> date:
        """The as-of date."""
    @property
    def delivered(self) -> int:
        """Items delivered, all accounts."""
    @property
    def owed(self) -> int:
        """Items owed (delivered + overdue), all accounts."""
    @property
    def overdue(self) -> int:
        """Items overdue, all accounts."""
    @property
    def ratio(self) -> float | None:
        """Pooled delivered / owed; None when nothing is owed."""
    @property
    def mean_account_ratio(self) -> float | None:
        """Mean of the account ratios over accounts that owe something."""
    @property
    def under_delivered_accounts(self) -> int:
        """Accounts with some overdue item."""
    @property
    def over_delivered_accounts(self) -> int:
        """Accounts with some over-delivery."""
    @property
    def minutes_with_customer(self) -> int:
        """Minutes with customers, all accounts."""
    @property
    def accounts(self) -> pa.Table:
        """One row per account, in contract order, a pyarrow Table: account, package, start,
        renewal (as given), delivered, due, overdue, upcoming, owed, ratio, under_delivered,
        over_delivered, minutes_with_customer, ignored."""
    def report(self, account: Any) -> AccountCompliance:
        """The report of one account."""
    def to_dict(self) -> dict[str, Any]:
        """The totals and every account report as a dict."""
    def __len__(self) -> int: ...

def _entitlement_compliance(
    package: Any,
    contract: Any,
    delivered: Any,
    as_of: Any,
    rules: Any = None,
    changes: Any = None,
) -> AccountCompliance: ...
def _entitlement_compliance_batch(
    contracts: Any,
    delivered: Any,
    as_of: Any,
    packages: Any = None,
    rules: Any = None,
) -> PortfolioCompliance: ...
def _compliance_totals_part(accounts: Any) -> str: ...
def _compliance_totals(parts: list[str]) -> dict[str, Any]: ...
def _time_with_customer(delivered: Any, period: str, from_: Any, to: Any) -> pa.Table: ...

# --- onboarding ---

@final
class Handoff:
    """The Sales-to-CS handoff of one account: the SPICED frame (situation, pain, impact, critical
    event, decision), the five handoff questions, org structure, personas, key contacts and red
    flags.

    Build it from a dict and/or keyword fields in the JSON form (dates as datetime.date or ISO
    strings); `schema_version` defaults to the current version. Invalid input raises CsError
    naming the field, and nothing is built.
    """

    def __new__(cls, data: Mapping[str, Any] | None = None, /, **fields: Any) -> Handoff: ...
    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Handoff:
        """A handoff from a dict in the JSON form."""
    @classmethod
    def from_json(cls, text: str) -> Handoff:
        """Reads and validates a handoff from JSON text."""
    def to_dict(self) -> dict[str, Any]:
        """The handoff as a dict (the JSON form: dates as ISO strings)."""
    def to_json(self) -> str:
        """The handoff as pretty JSON."""
    @property
    def account(self) -> str:
        """The account name or id."""
    @property
    def closed_on(self) -> datetime.date:
        """The commit (close) date of the deal."""
    @property
    def completed_on(self) -> datetime.date | None:
        """When the handoff was completed; None while pending."""
    def completeness(self) -> dict[str, Any]:
        """Which of the 14 parts are missing: {"missing": [field names], "complete", "total",
        "share"}. A blank text counts as missing; an empty red-flag list counts as assessed."""
    def lag(self, as_of: Any, target_days: int = 5) -> dict[str, Any]:
        """Days from the close date to completion (or to ``as_of`` while pending) against
        ``target_days``: {"days", "completed", "target_days", "late"}."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Kickoff:
    """The customer kickoff: attendees, goals confirmed, roles, the First Impact definition, the
    CSM's perceived NPS and next steps with owners and due dates.

    Build it from a dict and/or keyword fields in the JSON form; `schema_version` defaults to
    the current version.
    """

    def __new__(cls, data: Mapping[str, Any] | None = None, /, **fields: Any) -> Kickoff: ...
    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Kickoff:
        """A kickoff from a dict in the JSON form."""
    @classmethod
    def from_json(cls, text: str) -> Kickoff:
        """Reads and validates a kickoff from JSON text."""
    def to_dict(self) -> dict[str, Any]:
        """The kickoff as a dict (the JSON form)."""
    def to_json(self) -> str:
        """The kickoff as pretty JSON."""
    @property
    def account(self) -> str:
        """The account name or id."""
    @property
    def date(self) -> datetime.date:
        """The date of the kickoff meeting."""
    @property
    def perceived_nps(self) -> dict[str, Any] | None:
        """The CSM's perceived NPS ({"score": 0-10} or {"category": ...}), or None."""
    def missing_attendees(self) -> list[str]:
        """Recommended attendee roles that are absent: "key_contact", "csm", "sales"."""
    def next_steps_due_by(self, date: Any) -> list[dict[str, Any]]:
        """Next steps due on or before ``date``, earliest first, as dicts."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class JointImpactPlan:
    """The Joint Impact Plan (success plan): owners on both sides, goals with success metrics,
    action items, challenges, opportunities, important dates, reviews, and the revision history
    that rebuilds the plan on any past date.

    Build it from a dict and/or keyword fields in the JSON form (see examples/data/plan.json);
    `schema_version` defaults to the current version. The whole plan, including every state its
    revision history passes through, is validated: a plan that fails is never partially loaded.
    Methods taking ``as_of`` evaluate the plan as recorded on that date; dates are
    datetime.date, ISO strings, numpy.datetime64 or pyarrow scalars. Results are dicts in the
    JSON form (dates as ISO strings).
    """

    def __new__(cls, data: Mapping[str, Any] | None = None, /, **fields: Any) -> JointImpactPlan: ...
    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> JointImpactPlan:
        """A plan from a dict in the JSON form."""
    @classmethod
    def from_json(cls, text: str) -> JointImpactPlan:
        """Reads and validates a plan from JSON text (schema_version required)."""
    def to_dict(self) -> dict[str, Any]:
        """The plan as a dict (the JSON form)."""
    def to_json(self) -> str:
        """The plan as pretty JSON; ``from_json`` reads it back exactly."""
    @property
    def account(self) -> str:
        """The account name or id."""
    @property
    def title(self) -> str:
        """The plan's title."""
    @property
    def created_on(self) -> datetime.date:
        """When the plan was created."""
    @property
    def kickoff_on(self) -> datetime.date | None:
        """The kickoff date, once held."""
    @property
    def contract_start(self) -> datetime.date | None:
        """The contract start date."""
    @property
    def review_interval_months(self) -> int:
        """Months without a review after which the plan is flagged."""
    @property
    def goals(self) -> list[dict[str, Any]]:
        """The goals, as dicts."""
    @property
    def action_items(self) -> list[dict[str, Any]]:
        """The action items, as dicts."""
    @property
    def revisions(self) -> list[dict[str, Any]]:
        """The revisions (author, time, summary, changes), oldest first, as dicts."""
    @property
    def reviews(self) -> list[dict[str, Any]]:
        """The reviews held with the customer, as dicts."""
    def progress(self, as_of: Any) -> dict[str, Any]:
        """Goal progress (clamp((current - baseline) / (target - baseline), 0, 1); 1 once achieved)
        and the weighted overall progress over goals not dropped: {"as_of", "goals", "overall"}."""
    def overdue(self, as_of: Any) -> dict[str, Any]:
        """Goals and action items past due and not closed at ``as_of``, earliest due first:
        {"as_of", "goals": [...], "actions": [...]}, each item with "days_overdue"."""
    def next_actions(self, as_of: Any, limit: int = 5) -> list[dict[str, Any]]:
        """Open action items at ``as_of``, earliest due first, at most ``limit``."""
    def review_status(self, as_of: Any) -> dict[str, Any]:
        """Whether the plan was reviewed within its interval: {"last_review", "next_due",
        "overdue", "days_since"}."""
    def status(
        self, as_of: Any, limit: int = 5, origin: str = "kickoff", target_days: int = 90
    ) -> dict[str, Any]:
        """Everything ``cs plan show`` reports: progress, overdue items, review status, the next
        ``limit`` actions and the Time to First Impact (from ``origin``, "kickoff" or
        "contract_start", against ``target_days``)."""
    def to_markdown(self, as_of: Any = None) -> str:
        """The customer-facing Markdown rendering; with ``as_of``, the plan as recorded then with
        overdue goals and actions marked."""
    def revision_at(self, date: Any) -> JointImpactPlan:
        """The plan as it stood at the end of ``date`` (later revisions undone)."""
    def revise(
        self, author: str, at: Any, summary: str, edits: Iterable[Mapping[str, Any]]
    ) -> dict[str, Any]:
        """Applies ``edits`` as one new revision by ``author`` at ``at`` (a datetime or ISO
        string) and returns the recorded revision as a dict. Edits are dicts:
        {"op": "set", "path": "goals/adoption/metric/current", "value": 30},
        {"op": "insert", "path": "action_items", "value": {...}, "index": 0 (optional)},
        {"op": "remove", "path": "challenges/1"}. Paths address list elements by id (goals,
        action items) or index. If any edit fails, or the result is not a valid plan, CsError
        is raised and the plan is left unchanged."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

def _time_to_first_impact(
    table: Any,
    as_of: Any,
    origin: str,
    target_days: int,
    kickoff: str,
    contract_start: str,
    first_impact: str,
) -> pa.Table: ...
def _ttfi_summary(
    table: Any,
    by: list[str],
    as_of: Any,
    origin: str,
    target_days: int,
    kickoff: str,
    contract_start: str,
    first_impact: str,
) -> pa.Table: ...
def _still_onboarding(
    table: Any,
    as_of: Any,
    origin: str,
    target_days: int,
    kickoff: str,
    contract_start: str,
    first_impact: str,
) -> pa.Table: ...
def _lifecycle_stage(
    table: Any,
    as_of: Any,
    window_months: int,
    closed_on: str,
    handoff_completed: str | None,
    kickoff: str | None,
    first_impact: str | None,
    contract_end: str | None,
    renewed_on: str | None,
    churned_on: str | None,
) -> pa.Table: ...

# --- retention ---

@final
class KaplanMeier:
    """A Kaplan-Meier (product-limit) estimate of the survival function of customer tenure.

    The timeline is 0 followed by every distinct duration; survival is the right-continuous
    step function through it. Churns come before censorings at the same time, and the
    confidence band is the exponential Greenwood ("log-log") one, exactly as lifelines'
    KaplanMeierFitter computes them.
    """
    def _repr_html_(self) -> str: ...
    @property
    def timeline(self) -> npt.NDArray[np.float64]:
        """The times of the curve: 0 and every distinct duration, increasing (numpy array)."""
    @property
    def survival(self) -> npt.NDArray[np.float64]:
        """S(t) at each timeline point (numpy array)."""
    @property
    def greenwood(self) -> npt.NDArray[np.float64]:
        """Greenwood's cumulative sum of d / (n (n - d)) at each timeline point; Var S(t) = S(t)^2 x this."""
    @property
    def confidence(self) -> float:
        """The confidence level given at fit time."""
    @property
    def subjects(self) -> int:
        """Number of customers."""
    @property
    def events(self) -> int:
        """Number of observed churns."""
    @overload
    def survival_at(self, t: float) -> float: ...
    @overload
    def survival_at(self, t: Any) -> npt.NDArray[np.float64]: ...
    def survival_time(self, q: float) -> float:
        """The first time at which S(t) <= q, for q in [0, 1]; math.inf when never reached."""
    def median(self) -> float:
        """Median survival time: the first time with S(t) <= 0.5; math.inf when never reached."""
    def quantile(self, p: float) -> float | None:
        """R's quantile of tenure: the first time with S(t) <= 1 - p (the midpoint to the next drop
        where S equals 1 - p exactly), for 0 < p < 1; None when never reached. ``quantile(0.5)``
        is R's median; ``median()`` keeps lifelines' rule (no midpoint)."""
    def quantile_confidence_interval(
        self, p: float, confidence: float | None = None, confidence_type: str = "log-log"
    ) -> tuple[float | None, float | None]:
        """Brookmeyer-Crowley interval of the p quantile as R's print.survfit: (lower, upper), the
        times where the lower and upper band first get down to 1 - p; None where never reached."""
    def median_confidence_interval(
        self, confidence: float | None = None, confidence_type: str = "log-log"
    ) -> tuple[float | None, float | None]:
        """The median's Brookmeyer-Crowley interval (lower, upper), R's 0.95LCL and 0.95UCL; None
        where a band never gets down to 0.5."""
    def restricted_mean(self, t: float) -> tuple[float, float]:
        """Restricted mean tenure up to t and its standard error: (value, standard_error), R's rmean
        and se(rmean); the value is lifelines' restricted_mean_survival_time(kmf, t)."""
    def at_risk(self, times: Any) -> pa.Table:
        """The numbers-at-risk table at ``times`` as a pyarrow Table: ``time``, ``at_risk`` (tenure
        > time), ``events`` and ``censored`` (cumulative up to and including time), the counts of
        lifelines' add_at_risk_counts."""
    def confidence_interval(
        self, confidence: float | None = None, confidence_type: str = "log-log"
    ) -> dict[str, npt.NDArray[np.float64]]:
        """Pointwise bounds at the fit's level or at ``confidence``, of ``confidence_type``
        ("log-log", lifelines' and the default; "log", R's default; or "plain"): a dict of numpy
        arrays ``timeline``, ``lower``, ``upper`` (pass it to pandas.DataFrame or pyarrow.table
        as it is)."""
    def event_table(self) -> pa.Table:
        """The life table as a pyarrow Table: ``timeline``, ``at_risk`` (just before the time),
        ``events`` (churns) and ``censored`` at each time."""
    def to_arrow(
        self, confidence: float | None = None, confidence_type: str = "log-log", names: str = "cs"
    ) -> pa.Table:
        """The curve as a pyarrow Table: ``timeline``, ``survival``, ``ci_low``, ``ci_high``,
        ``at_risk``, ``events``, ``censored``; with ``names="lifelines"``: ``timeline``,
        ``KM_estimate``, ``KM_estimate_lower_<level>``, ``KM_estimate_upper_<level>``,
        ``at_risk``, ``observed``, ``censored``."""
    def to_pandas(
        self, confidence: float | None = None, confidence_type: str = "log-log", names: str = "cs"
    ) -> Any:
        """The curve as a pandas DataFrame indexed by ``timeline`` (the columns of ``to_arrow``):
        ``survival`` is lifelines' ``survival_function_``, ``ci_low`` / ``ci_high`` its
        ``confidence_interval_``; ``names="lifelines"`` gives them lifelines' column names."""
    def to_dict(self) -> dict[str, Any]:
        """The estimate as a dict (its JSON form: event table, survival, Greenwood sums, level)."""
    def to_json(self) -> str:
        """The estimate as JSON."""
    @staticmethod
    def from_counts(times: Any, events: Any, censored: Any, confidence: float = 0.95) -> KaplanMeier:
        """The estimate from life-table counts: ``events`` churns and ``censored`` still-active
        customers at each of ``times`` (columns of any kind; rows in any order, a time repeated
        any number of times has its counts added). The counts of several parts of a portfolio
        (Spark partitions, files) concatenated give the estimate of the whole portfolio, to the
        last bit: this is how ``cs_core.spark.kaplan_meier_by`` merges its partitions."""
    @staticmethod
    def from_json(text: str) -> KaplanMeier:
        """Reads an estimate written by ``to_json``; the curve is recomputed from the event table
        and checked."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class LogRankResult:
    """The log-rank test of equal survival across groups (lifelines' logrank_test for two groups,
    multivariate_logrank_test for more): chi-square statistic with groups - 1 degrees of freedom."""

    @property
    def statistic(self) -> float:
        """The chi-square statistic."""
    @property
    def degrees_of_freedom(self) -> int:
        """Degrees of freedom: number of groups - 1."""
    @property
    def p_value(self) -> float:
        """P(chi-square > statistic) under equal survival."""
    @property
    def groups(self) -> pa.Table:
        """Per group (pyarrow Table, sorted by key): the key column(s), ``subjects``, ``observed``
        churns and ``expected`` churns under the pooled hazard."""
    def to_dict(self) -> dict[str, Any]:
        """The result as a dict (groups as a list of row dicts)."""

@disjoint_base
class SbgModel:
    """The shifted-beta-geometric (sBG) cohort model (Fader and Hardie 2007): each customer churns
    at the end of a period with probability theta, and theta varies across customers as
    Beta(alpha, beta). A persisted document (``to_json`` / ``from_json``)."""

    def __new__(cls, alpha: float, beta: float) -> Self: ...
    @staticmethod
    def fit(alive: Any, *, max_iterations: int = 200, tolerance: float = 1e-10) -> SbgFit:
        """Fits alpha and beta by maximum likelihood to the counts of customers still active at the
        start of each period (``alive[0]`` is the cohort size), or to several cohorts jointly
        (a list of such lists, of any lengths)."""
    @staticmethod
    def fit_cohorts(cohorts: Any, *, max_iterations: int = 200, tolerance: float = 1e-10) -> SbgFit:
        """Fits one (alpha, beta) to several cohorts jointly (a list of lists of alive counts)."""
    @property
    def alpha(self) -> float:
        """Alpha of the Beta distribution of churn probabilities."""
    @property
    def beta(self) -> float:
        """Beta of the Beta distribution of churn probabilities."""
    @property
    def mean_churn(self) -> float:
        """Mean churn probability per period across customers, alpha / (alpha + beta)."""
    def survival(self, t: int) -> float:
        """S(t): the share of a cohort still active after t periods (S(0) = 1)."""
    def survival_curve(self, periods: int) -> npt.NDArray[np.float64]:
        """S(0), S(1), ..., S(periods) as a numpy array."""
    def retention(self, t: int) -> float:
        """r(t) = S(t) / S(t-1): the share of customers active in period t-1 who renew, t >= 1."""
    def churn_probability(self, t: int) -> float:
        """P(T = t): the probability that a customer's last period is t, t >= 1."""
    def expected_alive(self, initial: int, periods: int) -> npt.NDArray[np.float64]:
        """Expected customers alive at the start of periods 0..=periods from ``initial`` customers."""
    def log_likelihood_of(self, alive: Any) -> float:
        """Log-likelihood of one cohort's (or several cohorts') alive counts under this model."""
    def derl(self, discount: float, renewals: int = 0) -> float:
        """Discounted expected residual lifetime, in periods, of a customer who has renewed
        ``renewals`` (= n - 1) times, at ``discount`` per period (Fader and Hardie 2010)."""
    def residual_value(self, margin: float, discount: float, renewals: int = 0) -> float:
        """Expected residual value: DERL x ``margin`` per period."""
    def to_dict(self) -> dict[str, Any]:
        """The model document as a dict (``schema_version``, ``alpha``, ``beta``)."""
    def to_json(self) -> str:
        """The model document as JSON."""
    @staticmethod
    def from_json(text: str) -> SbgModel:
        """Reads a model document (checked: schema version, alpha and beta above 0)."""
    @staticmethod
    def from_dict(document: Any) -> SbgModel:
        """Reads a model document from a dict."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class SbgFit(SbgModel):
    """A maximum-likelihood sBG fit: the model (this object is an SbgModel) with its diagnostics."""

    @property
    def model(self) -> SbgModel:
        """The fitted model alone."""
    @property
    def log_likelihood(self) -> float:
        """The maximised log-likelihood."""
    @property
    def alpha_se(self) -> float | None:
        """Standard error of alpha (observed information); None when that matrix is singular."""
    @property
    def beta_se(self) -> float | None:
        """Standard error of beta; None when the observed information is singular."""
    @property
    def covariance(self) -> list[list[float]] | None:
        """Covariance matrix of (alpha, beta) as [[var a, cov], [cov, var b]]; None when singular."""
    @property
    def iterations(self) -> int:
        """Newton iterations used."""
    @property
    def gradient_norm(self) -> float:
        """Largest absolute gradient of the log-likelihood in (ln alpha, ln beta) at the estimate."""
    @property
    def cohorts(self) -> int:
        """Number of cohorts fitted."""
    @property
    def customers(self) -> int:
        """Customers at the start, summed over cohorts."""
    def to_dict(self) -> dict[str, Any]:
        """The fit as a dict: ``model`` (the document) and the diagnostics."""
    def to_json(self) -> str:
        """The fit as JSON (model and diagnostics)."""
    @staticmethod
    def from_json(text: str) -> SbgFit:
        """Reads a fit written by ``to_json`` (the model is checked)."""

@final
class Backtest:
    """How a score ranked the accounts that churned: AUC, precision / recall / lift at the top k,
    churn rate per score bin."""
    def _repr_html_(self) -> str: ...
    @property
    def direction(self) -> str:
        """``"risk"`` (higher is riskier) or ``"health"`` (higher is healthier)."""
    @property
    def accounts(self) -> int:
        """Accounts scored."""
    @property
    def churned(self) -> int:
        """Accounts that churned."""
    @property
    def churn_rate(self) -> float:
        """Base churn rate, churned / accounts."""
    @property
    def auc(self) -> float:
        """ROC AUC with ties one half; 1 means every churned account looked riskier than every
        retained one, whatever the direction."""
    @property
    def top(self) -> pa.Table:
        """Top-k rows (pyarrow Table): ``k``, ``churned`` (fractional when ties straddle the cut),
        ``precision``, ``recall``, ``lift``."""
    @property
    def bins(self) -> pa.Table:
        """Churn per score bin, most at risk first (pyarrow Table): ``bin``, ``accounts``,
        ``churned``, ``churn_rate``, ``min_score``, ``max_score`` (null for an empty bin)."""
    def to_dict(self) -> dict[str, Any]:
        """The backtest as a dict (top and bins as lists of row dicts)."""
    def to_json(self) -> str:
        """The backtest as JSON."""

@final
class LeadTimes:
    """How early the red band warned of churn: per churned account the first red date on or
    before churn, and summary rates."""

    @property
    def churned(self) -> int:
        """Churned accounts."""
    @property
    def flagged(self) -> int:
        """Churned accounts that were red at some point on or before churn."""
    @property
    def flagged_share(self) -> float | None:
        """flagged / churned (the red band's recall); None without churned accounts."""
    @property
    def red_retained(self) -> int:
        """Accounts that were red at some point but did not churn (false alarms)."""
    @property
    def red_precision(self) -> float | None:
        """flagged / (flagged + red_retained): the share of red accounts that churned."""
    @property
    def mean_lead_days(self) -> float | None:
        """Mean lead time in days over flagged accounts."""
    @property
    def median_lead_days(self) -> float | None:
        """Median lead time in days over flagged accounts."""
    @property
    def accounts(self) -> pa.Table:
        """One row per churned account (pyarrow Table, sorted by account): ``account``,
        ``churn_date``, ``first_red`` and ``lead_days`` (null when never red)."""
    def to_dict(self) -> dict[str, Any]:
        """The summary and the per-account rows as a dict."""

def kaplan_meier(durations: Any, observed: Any = None, confidence: float = 0.95) -> KaplanMeier:
    """Kaplan-Meier estimate of tenure: one duration per customer (any unit) and whether the
    customer churned (``True``) or is still active (``False``, censored; all churned when
    ``observed`` is None)."""

def logrank(durations: Any, observed: Any, groups: Any) -> LogRankResult:
    """Log-rank test between the groups of ``groups`` (any column of labels)."""

def roc_auc(scores: Any, churned: Any) -> float:
    """ROC AUC of a score against churn, ties counted one half (scikit-learn's roc_auc_score with
    churned as the positive class and higher scores riskier)."""

def concordance_index(
    durations: Any, scores: Any, observed: Any = None, *, direction: str = "health"
) -> float:
    """Harrell's C of ``scores`` against tenures ``durations`` and ``observed`` (True = churned,
    False = censored; all churned when None), with lifelines' ``concordance_index`` rules: a
    higher score predicts a longer tenure; ``direction="risk"`` for risk scores. Score ties
    count one half; pairs of two churns at the same tenure are not comparable."""

def roc_auc_ci(
    scores: Any, churned: Any, confidence: float = 0.95, *, direction: str = "risk"
) -> tuple[float, float, float]:
    """ROC AUC with DeLong's interval: ``(auc, lower, upper)`` at ``confidence``, the normal
    interval on DeLong's standard error clipped to [0, 1] (pROC's ``ci.auc(method="delong")``).
    ``direction="health"`` for scores where higher means healthier. Needs two churned and two
    retained accounts."""

def roc_auc_compare(
    scores_a: Any, scores_b: Any, churned: Any, *, direction: str = "risk"
) -> tuple[float, float | None, float | None]:
    """Paired DeLong test of two scores of the same accounts (pROC's ``roc.test``):
    ``(difference, z, p_value)`` with difference = AUC(a) - AUC(b) and a two-sided p-value;
    z and p_value are None when the difference has no variance."""

def backtest(
    scores: Any,
    churned: Any,
    *,
    direction: str = "risk",
    top: Sequence[int | float] | None = None,
    bins: int = 10,
) -> Backtest:
    """Backtest of a score against churn outcomes."""

def churn_by_band(bands: Any, churned: Any) -> pa.Table:
    """Churn rate per band: a pyarrow Table of ``band``, ``accounts``, ``churned``, ``churn_rate``."""

def _kaplan_meier_by(
    table: Any, duration: str, observed: str | None, by: list[str], confidence: float
) -> dict[Any, KaplanMeier]: ...
def _logrank_by(table: Any, duration: str, observed: str | None, by: list[str]) -> LogRankResult: ...
def _red_lead_times(
    history: Any, churns: Any, account: str, date: str, red: str, churn_date: str
) -> LeadTimes: ...

@final
class HealthScore:
    """The health of one account: score, band, coverage, stale and missing measures, the driver,
    and one contribution per measure (raw value, measure score, effective weight, points; the
    points sum to the score)."""
    def _repr_html_(self) -> str: ...
    @property
    def scorecard(self) -> str:
        """The scorecard used."""
    @property
    def as_of(self) -> datetime.date:
        """The scoring date."""
    @property
    def score(self) -> float | None:
        """The score, 0..=100; None is insufficient data."""
    @property
    def display_score(self) -> float | None:
        """The score rounded for display (banding uses the unrounded score)."""
    @property
    def band(self) -> str | None:
        """The band name; None with insufficient data."""
    @property
    def band_index(self) -> int | None:
        """The band index (0 = lowest)."""
    @property
    def coverage(self) -> float:
        """Share of nominal weight backed by fresh data, 0..=1."""
    @property
    def stale(self) -> list[str]:
        """Measures whose value was older than their validity period."""
    @property
    def missing(self) -> list[str]:
        """Measures with no value."""
    @property
    def driver(self) -> str | None:
        """The measure losing the most points."""
    @property
    def contributions(self) -> list[dict[str, Any]]:
        """One dict per measure, in scorecard order: measure, group, raw, status, measure_score,
        nominal_weight, effective_weight, points."""
    @property
    def override_outcome(self) -> dict[str, Any] | None:
        """The manual override considered (status applied / expired / not_lower), if any."""
    def points_of(self, measure: str) -> float:
        """The points of a measure (0 when it is not in the explanation)."""
    def with_override(self, manual: Any, scorecard: Scorecard) -> HealthScore:
        """Applies a manual override (a dict: score or band, reason, author, expires, lower_only)
        on this score's date; the outcome is kept in ``override_outcome``."""
    def to_dict(self) -> dict[str, Any]:
        """The score as a dict."""
    def to_json(self) -> str:
        """The score as JSON."""
    @staticmethod
    def from_json(text: str) -> HealthScore:
        """Reads a score written by ``to_json``."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, value: object, /) -> bool: ...

def explain_change(earlier: HealthScore, later: HealthScore) -> list[dict[str, Any]]:
    """Per measure, how many points it added to or took from the move from ``earlier`` to
    ``later``, largest first (a list of dicts: measure, from_points, to_points, change)."""

def health_trend(
    history: Sequence[HealthScore], window_days: int = 90, flat_within: float = 1.0
) -> dict[str, Any]:
    """The trend of one account's scores (HealthScores in any order) over the last
    ``window_days``: from / to dates and scores, delta, direction (up / down / flat within
    ``flat_within`` points), band change and the per-measure change explanation."""

def _health_rollup(
    table: Any,
    by: list[str],
    arr: str | None,
    score: str,
    band: str,
    band_names: list[str],
) -> pa.Table: ...
def _health_rollup_parts(
    table: Any,
    by: list[str],
    arr: str | None,
    score: str,
    band: str,
    band_names: list[str],
) -> pa.Table: ...
def _health_rollup_finish(table: Any, band_names: list[str], arr: bool) -> pa.Table: ...
def _synthetic_portfolio(n: int, seed: int, as_of: Any) -> pa.Table: ...

@final
class Contract:
    """One account's subscription contract: ARR (integer minor units), term dates, auto-renewal and
    notice period, and the renewal contact with whether they are the confirmed decision maker.
    Validated on construction: a renewal date not after the start, negative ARR, a blank id, a
    term over 120 months or a notice deadline before the start raise CsError.
    """

    def __new__(
        cls,
        account_id: str,
        arr: int,
        start: Any,
        renewal_date: Any,
        *,
        term_months: int | None = None,
        auto_renew: bool = False,
        notice_days: int = 0,
        renewal_contact: str | None = None,
        contact_confirmed: bool = False,
        segment: str | None = None,
    ) -> Contract: ...
    @property
    def account_id(self) -> str:
        """Account identifier."""
    @property
    def arr(self) -> int:
        """ARR in integer minor units."""
    @property
    def start(self) -> datetime.date:
        """First day of the current term."""
    @property
    def renewal_date(self) -> datetime.date:
        """The renewal (anniversary) date."""
    @property
    def term_months(self) -> int:
        """Term length in months (from the dates unless given)."""
    @property
    def auto_renew(self) -> bool:
        """Whether the contract renews automatically unless notice is given."""
    @property
    def notice_days(self) -> int:
        """Notice period in days."""
    @property
    def renewal_contact(self) -> str | None:
        """Name or e-mail of the renewal contact, if known."""
    @property
    def contact_confirmed(self) -> bool:
        """True when the renewal contact is the confirmed decision maker."""
    @property
    def segment(self) -> str | None:
        """The segment, if set."""
    @property
    def notice_deadline(self) -> datetime.date | None:
        """For an auto-renewing contract, the last day to give notice: renewal date - notice days."""
    def days_to_renewal(self, as_of: Any) -> int:
        """Days from ``as_of`` to the renewal date (negative once passed)."""
    def status(
        self,
        as_of: Any,
        outcome: str = "open",
        *,
        planning_days: int = 180,
        internal_review_days: int = 90,
        imminent_days: int = 30,
        grace_days: int = 30,
    ) -> RenewalStatus:
        """The renewal status on ``as_of`` (see ``renewal_stage``)."""
    def to_dict(self) -> dict[str, Any]:
        """The contract as a dict (dates as ISO strings)."""
    @staticmethod
    def from_dict(data: Any) -> Contract:
        """A contract from a dict as written by ``to_dict`` (validated; unknown keys rejected)."""
    def to_json(self) -> str:
        """The contract as JSON."""
    @staticmethod
    def from_json(text: str) -> Contract:
        """A contract from JSON (validated; unknown keys rejected)."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class RenewalStatus:
    """A contract's renewal position on a date: its stage and the dates that matter."""

    @property
    def stage(self) -> str:
        """early, planning, internal_review_due, imminent, overdue, lapsed, renewed or churned."""
    @property
    def days_to_renewal(self) -> int:
        """Days from the as-of date to the renewal date (negative once passed)."""
    @property
    def planning_from(self) -> datetime.date | None:
        """The day planning starts (renewal date - planning days)."""
    @property
    def review_by(self) -> datetime.date | None:
        """The day the internal renewal review is due by (renewal date - internal review days)."""
    @property
    def notice_deadline(self) -> datetime.date | None:
        """For auto-renewing contracts, the last day to give notice of non-renewal."""
    @property
    def days_to_notice_deadline(self) -> int | None:
        """Days from the as-of date to the notice deadline (negative once passed)."""
    def to_dict(self) -> dict[str, Any]:
        """The status as a dict."""
    def __eq__(self, value: object, /) -> bool: ...

@final
class RiskModel:
    """An explainable logistic model of churn at renewal, a serialisable document.

    risk = 1 / (1 + exp(-(intercept + sum_j coefficient_j * (transform_j(x_j) - center_j) /
    scale_j))). Each term is a factor's contribution in log-odds; the largest positive ones are
    the account's reason codes. ``RiskModel.default()`` is the documented expert prior (10 %
    baseline risk); ``RiskModel.fit`` estimates coefficients from past renewals.
    """

    @staticmethod
    def default() -> RiskModel:
        """The built-in model: 15 factors with documented coefficients, tiers 0.15 / 0.30 / 0.50."""
    @staticmethod
    def from_json(text: str) -> RiskModel:
        """A model from JSON (validated; unknown keys rejected)."""
    @staticmethod
    def from_toml(text: str) -> RiskModel:
        """A model from TOML (validated; unknown keys rejected)."""
    @staticmethod
    def from_dict(data: Any) -> RiskModel:
        """A model from a dict as written by ``to_dict``."""
    def to_json(self) -> str:
        """The model as JSON."""
    def to_toml(self) -> str:
        """The model as TOML."""
    def to_dict(self) -> dict[str, Any]:
        """The model as a dict."""
    @property
    def name(self) -> str:
        """The model's name."""
    @property
    def intercept(self) -> float:
        """Log-odds of churn for an account at every factor's center."""
    @property
    def factors(self) -> list[dict[str, Any]]:
        """The factors as dicts (name, input, transform, center, scale, coefficient, ...)."""
    @property
    def factor_names(self) -> list[str]:
        """Factor names, in model order."""
    @property
    def coefficients(self) -> list[tuple[str, float]]:
        """Factor name -> coefficient (log-odds per scale unit)."""
    @property
    def standard_errors(self) -> list[tuple[str, float]] | None:
        """Factor name -> standard error of its coefficient, in the order of ``coefficients``,
        from the inverse Hessian of the fit (statsmodels ``Logit`` for an unpenalised fit;
        approximate when penalised); None for a configured model."""
    @property
    def z_values(self) -> list[tuple[str, float]] | None:
        """Factor name -> Wald z (coefficient / standard error)."""
    @property
    def p_values(self) -> list[tuple[str, float]] | None:
        """Factor name -> two-sided p-value of its z."""
    @property
    def likelihood_ratio(self) -> dict[str, Any] | None:
        """The likelihood-ratio test against the intercept-only model: statistic,
        degrees_of_freedom, p_value; None for a configured model."""
    def linear_in_inputs(self) -> tuple[float, list[float]] | None:
        """The model as one linear predictor of its raw inputs, ``(intercept, slopes)`` with the
        slopes in factor order, when every factor reads its input as is (identity transform);
        None otherwise. The form of scikit-learn's ``intercept_`` and ``coef_``."""
    @property
    def inference_is_approximate(self) -> bool:
        """True when the fit was penalised (``C`` set): the standard errors and tests are then
        approximate."""
    @property
    def tiers(self) -> dict[str, float]:
        """Tier thresholds as a dict: the lowest risk of the medium, high and critical tiers."""
    @property
    def reason_count(self) -> int:
        """Reason codes reported per account."""
    @property
    def fit_report(self) -> dict[str, Any] | None:
        """How the coefficients were estimated (a dict), or None for a configured model."""
    def with_tiers(
        self,
        *,
        medium: float | None = None,
        high: float | None = None,
        critical: float | None = None,
        reason_count: int | None = None,
    ) -> RiskModel:
        """A copy with other tier thresholds and/or number of reason codes."""
    def restricted_to(self, table: Any) -> tuple[RiskModel, list[str]]:
        """The model without the factors whose input column ``table`` lacks, and their names."""
    def score(self, table: Any, *, drop_missing: bool | None = None, as_of: Any = None) -> Any:
        """Scores every row of ``table`` and returns it (same type) with columns added: ``risk``,
        ``log_odds``, ``tier`` and ``reason_1`` .. ``reason_k`` with ``reason_i_contribution``
        (log-odds). Inputs are the columns named after the factors' inputs, or derived from
        raw account columns exactly as ``cs risk`` derives them (``nps`` answer -> NPS category,
        ``renewal_date`` -> days to renewal with ``as_of``, ``licence_utilisation``,
        ``high_priority_tickets``, ``previous_arr``, the scorecard's measures -> health); null
        or NaN is unknown. A factor without input is left out with a UserWarning naming it (the
        library's default, as ``cs risk``); ``drop_missing=True`` leaves it out silently,
        ``drop_missing=False`` raises CsError naming the input."""
    def design_matrix(self, table: Any, *, drop_missing: bool | None = None) -> Any:
        """The standardised design matrix (rows x factors, numpy float64) the model weighs: hand
        it to another logistic regression to compare fits.
        """
    @staticmethod
    def fit(
        table: Any,
        outcome: str = "churned",
        *,
        C: float | None = 1.0,
        standardise: bool = True,
        max_iterations: int = 100,
        tolerance: float = 1e-10,
        template: RiskModel | None = None,
        drop_missing: bool | None = None,
    ) -> RiskModel:
        """Estimates intercept and coefficients from past renewals by L2-regularised logistic
        regression (scikit-learn's objective: summed log-loss + ||w||^2 / (2C), intercept not
        penalised; Newton's method). ``table`` holds the inputs as of some days before each
        renewal, ``outcome`` the result (bool churned, 0/1, or "churned"/"renewed"). The
        factors of ``template`` (default: the built-in model) are kept, their centers and scales
        re-estimated when ``standardise``. ``C=None`` fits without a penalty. The returned
        model's ``fit_report`` records convergence and perfect separation.
        """
    def evaluate(
        self,
        table: Any,
        outcome: str = "churned",
        arr: str | None = None,
        *,
        drop_missing: bool | None = None,
    ) -> RiskEvaluation:
        """Scores ``table`` and compares with the outcomes: ROC AUC, Brier score, log-loss, churn
        rate and ARR per tier, calibration by decile (use a held-out set).
        """
    def explain(self, inputs: dict[str, Any]) -> dict[str, Any]:
        """One account's risk from a mapping of input name -> value (None: unknown): a dict with
        risk, log_odds, tier and reasons (factor, contribution), largest first. Inputs the
        mapping lacks are unknown.
        """
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class WeightFit:
    """The weights of a scorecard fitted to past renewal outcomes (``Scorecard.fit_weights``):
    the proposed card, every weight current and proposed, both cards' ROC AUC on the training
    and the held-out renewals (healthier = higher score), and the paired DeLong test of the
    held-out difference with its verdict."""
    def _repr_html_(self) -> str:
        """The result as an HTML fragment (Jupyter shows it)."""
    @property
    def scorecard(self) -> Scorecard:
        """The proposed scorecard: the current one with the fitted weights (rules, bands and
        policies kept)."""
    @property
    def weights(self) -> list[dict[str, Any]]:
        """Every weight as a dict (``parent``: the group or None, ``name``, ``kind``: "measure" or
        "group", ``current`` and ``proposed`` on the scale of 100 among siblings, ``fitted``:
        False for the measures of a min / max group), in card order."""
    @property
    def training(self) -> dict[str, Any]:
        """The training part: dict of ``accounts``, ``churned``, ``auc_current``, ``auc_proposed``."""
    @property
    def holdout(self) -> dict[str, Any]:
        """The held-out part: dict of ``accounts``, ``churned``, ``auc_current``, ``auc_proposed``."""
    @property
    def holdout_current(self) -> tuple[float, float, float]:
        """The current card's held-out AUC with DeLong's interval: (auc, lower, upper), as
        ``roc_auc_ci``."""
    @property
    def holdout_proposed(self) -> tuple[float, float, float]:
        """The proposed card's held-out AUC with DeLong's interval: (auc, lower, upper)."""
    @property
    def comparison(self) -> tuple[float, float | None, float | None]:
        """Proposed minus current on the held-out renewals, paired DeLong: (difference, z,
        p_value) as ``roc_auc_compare`` (z and p_value None when the difference has no
        variance)."""
    @property
    def verdict(self) -> str:
        """The paired test at the fit's confidence level: "better", "worse" or "no_evidence"."""
    @property
    def unscored(self) -> int:
        """Rows the current card does not score (insufficient data), left out of the fit."""
    @property
    def held_out_rows(self) -> npt.NDArray[np.int64]:
        """The rows of ``history`` held out for evaluation (0-based, ascending), as a numpy
        int64 array: ``history.iloc[fit.held_out_rows]`` are the renewals of the held-out AUCs."""
    @property
    def evaluations(self) -> int:
        """Scorings of the history the search made."""
    def to_dict(self) -> dict[str, Any]:
        """The whole result as a dict (the JSON of ``cs score fit --json``)."""
    def to_json(self) -> str:
        """The whole result as JSON text (``cs score fit --json``)."""

@final
class RiskEvaluation:
    """How well a risk model's scores match outcomes."""
    def _repr_html_(self) -> str: ...
    @property
    def rows(self) -> int:
        """Rows evaluated."""
    @property
    def churned(self) -> int:
        """Rows that churned."""
    @property
    def auc(self) -> float | None:
        """ROC AUC (Mann-Whitney, ties count one half); None without both outcomes."""
    @property
    def brier(self) -> float:
        """Mean squared error of the risks."""
    @property
    def log_loss(self) -> float:
        """Mean log-loss of the risks."""
    @property
    def by_tier(self) -> list[dict[str, Any]]:
        """Per tier (low to critical): accounts, churned, churn_rate, mean_risk, arr, churned_arr."""
    @property
    def calibration(self) -> list[dict[str, Any]]:
        """Per risk decile (1 = lowest): accounts, churned, mean_risk (the expected rate),
        churn_rate (observed) and its 95 % Wilson interval churn_rate_lower / churn_rate_upper."""
    @property
    def brier_decomposition(self) -> dict[str, float]:
        """Murphy's decomposition of the Brier score over the deciles: reliability, resolution,
        uncertainty and within_bin (brier = reliability - resolution + uncertainty + within_bin)."""
    def to_dict(self) -> dict[str, Any]:
        """Everything as a dict."""

@final
class RevenueRetention:
    """Revenue retention between two snapshots: GRR, NRR, logo churn, expansion and contraction,
    overall and by segment.
    """

    @property
    def grr(self) -> float | None:
        """Gross revenue retention: sum(min(end, start)) / sum(start); None without starting ARR."""
    @property
    def nrr(self) -> float | None:
        """Net revenue retention: sum(end) / sum(start) over the starting accounts."""
    @property
    def logo_churn(self) -> float | None:
        """Share of starting accounts gone at the end."""
    @property
    def overall(self) -> dict[str, Any]:
        """The overall summary as a dict (accounts, ARR sums in minor units, ratios)."""
    @property
    def by_segment(self) -> dict[str | None, dict[str, Any]]:
        """Segment (None: no segment) -> summary dict, from the starting snapshot's segments."""
    def to_dict(self) -> dict[str, Any]:
        """Everything as a dict."""
    @staticmethod
    def from_counts(rows: Iterable[dict[str, Any]]) -> RevenueRetention:
        """Retention from counts per segment: one dict per part of the cohort and segment, with
        ``segment`` (None: no segment) and the additive counts of a ``by_segment`` summary
        (``start_accounts``, ``start_arr``, ``end_arr``, ``retained_arr``, ``churned_accounts``,
        ``churned_arr``, ``expansion_arr``, ``contraction_arr``, ``new_accounts``, ``new_arr``).
        Segments may repeat (their counts add up): the counts of the parts of a cohort give
        the result on the whole cohort, exactly. This is how ``cs_core.spark.revenue_retention``
        merges its partitions."""

@final
class Report:
    """The portfolio review (``cs report``): every number (``to_json()``), its HTML page
    (``html``, shown by notebooks through ``_repr_html_``) and its terminal summary."""

    @property
    def html(self) -> str:
        """The self-contained HTML page (inline CSS and SVG, no script)."""
    @property
    def as_of(self) -> date:
        """The date of the review: nothing dated after it is counted."""
    def to_json(self) -> str:
        """Every number of the review as JSON, with a top-level ``headline`` object."""
    def summary(self) -> str:
        """The terminal summary (what ``cs report`` prints)."""
    def write(self, path: str | os.PathLike[str]) -> None:
        """Writes the page to ``path`` (through a temporary file renamed over it)."""
    def _repr_html_(self) -> str:
        """The page, for Jupyter."""

def report(data: str | os.PathLike[str] | None = None, as_of: Any = None) -> Report:
    """The portfolio review of a book of business (``cs report``): without ``data``, the Omnico
    sample generated in memory (as of 2026-06-30 unless ``as_of`` is given); with ``data``, a
    folder holding the sample company's files (``accounts``, ``contracts``, ``health_history``,
    ``survey``, ``delivered``, ``onboarding``, ``churned``, ``arr_start``, ``portfolio``,
    ``cohorts``; each ``.parquet`` or ``.csv``), as of ``as_of`` or today. A missing or malformed
    file raises ``CsError`` naming the file (and line)."""

@final
class Playbook:
    """A set of rules turning account state into calls to action (CTAs), as a TOML / JSON
    document. Each rule has a trigger, a priority, a due-date offset, an owner role and steps.
    """

    @staticmethod
    def default() -> Playbook:
        """The built-in playbook: critical risk, health red, detractor follow-up, internal renewal
        review at 90 days, renewal contact at 180 days, notice deadline, TTFI past target,
        success review overdue, expansion.
        """
    @staticmethod
    def from_toml(text: str) -> Playbook:
        """A playbook from TOML (validated; unknown keys rejected)."""
    @staticmethod
    def from_json(text: str) -> Playbook:
        """A playbook from JSON (validated; unknown keys rejected)."""
    @staticmethod
    def from_dict(data: Any) -> Playbook:
        """A playbook from a dict as written by ``to_dict``."""
    def to_toml(self) -> str:
        """The playbook as TOML."""
    def to_json(self) -> str:
        """The playbook as JSON."""
    def to_dict(self) -> dict[str, Any]:
        """The playbook as a dict."""
    @property
    def name(self) -> str:
        """The playbook's name."""
    @property
    def rules(self) -> list[dict[str, Any]]:
        """The rules as dicts, in evaluation order."""
    def evaluate(
        self,
        table: Any,
        as_of: Any,
        open: Any = None,
        *,
        account_id: str = "account_id",
        model: RiskModel | None = None,
    ) -> Any:
        """Evaluates every rule for every account of ``table`` on ``as_of`` and returns the new
        CTAs as a table of the caller's type (account_id, rule_id, trigger, priority, created,
        due, owner_role, steps, evidence). This is the portfolio pipeline ``cs ctas`` runs:
        signals are read from the columns named after them (health_score, health_band,
        previous_health_band, nps_category, renewal_date, internal_review_done,
        next_success_review_due, ttfi_past_target, risk_tier, expansion_signal,
        contact_confirmed, notice_deadline) or derived from raw columns: health from the
        scorecard's measures, the NPS category from the ``nps`` answer, the risk tier from
        ``model`` (default: the built-in model, factors without input left out), the expansion
        signal, the notice deadline from ``renewal_date``, ``auto_renew`` and ``notice_days``.
        Bands are names or indices. ``open`` lists CTAs still open (a table or list of dicts
        with account_id and trigger, such as an earlier result): no second CTA opens for the
        same account and trigger."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, value: object, /) -> bool: ...

def portfolio_pipeline(
    table: Any,
    as_of: Any,
    *,
    scorecard: Scorecard | None = None,
    model: RiskModel | None = None,
    playbook: Playbook | None = None,
    open: Any = None,
    account_id: str = "account_id",
    drop_missing: bool | None = None,
) -> Any:
    """Runs the whole portfolio pipeline on every account of ``table`` as of ``as_of`` and
    returns one row per account, in input order, as a table of the caller's type: account_id;
    health_score, health_band, health_coverage and health_driver (when the table has the
    scorecard's measures); risk, log_odds, risk_tier and the reason codes (reason_k,
    reason_k_contribution); expected_loss (ARR x risk in minor units, when the table has
    ``arr``); expansion_signal and notice_deadline (when given or derivable); ctas (the rule ids
    of the account's new calls to action). Inputs are read and derived as in
    ``RiskModel.score`` and ``Playbook.evaluate``, with the same numbers. ``scorecard``,
    ``model`` and ``playbook`` default to the built-in documents; ``open`` lists CTAs still
    open. ``drop_missing``: None leaves out risk factors without input and warns naming them,
    True leaves them out silently, False raises ``CsMissingError``."""

def arr_at_risk(
    table: Any,
    *,
    arr: str = "arr",
    risk: str = "risk",
    tier: str = "tier",
    renewal_date: str | None = None,
    segment: str | None = None,
) -> dict[str, Any]:
    """ARR at risk of a scored table: expected loss (sum of ARR x risk) and ARR by tier, renewal
    month and segment, as a dict.
    """

def revenue_retention(
    start: Any, end: Any, *, id: str = "account_id", arr: str = "arr", segment: str | None = None
) -> RevenueRetention:
    """GRR, NRR, logo churn, expansion and contraction between two snapshot tables (one row per
    account: id and ARR in integer minor units), overall and by segment. Exact integer sums;
    accounts only in ``end`` are new business, excluded from the ratios; a repeated id raises.
    """

def expansion_signals(
    table: Any, *, min_utilisation: float = 0.85, min_health: float = 75.0, min_nps: str = "promoter"
) -> Any:
    """Expansion flags of a table (utilisation, health_score and nps_category columns); returns
    the table (same type) with a boolean ``expansion_signal`` column added.
    """

def _renewal_stages(
    table: Any,
    as_of: Any,
    renewal_date: str,
    auto_renew: str | None,
    notice_days: str | None,
    outcome: str | None,
    planning_days: int,
    internal_review_days: int,
    imminent_days: int,
    grace_days: int,
) -> pa.Table: ...
def _churn_reasons(table: Any, reason: str, arr: str) -> pa.Table: ...
