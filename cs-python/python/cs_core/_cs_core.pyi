"""Type stubs of the compiled cs-core extension (checked against it by mypy.stubtest)."""

import datetime
from collections.abc import Sequence
from typing import Any, final

import pyarrow as pa

__version__: str

class CsError(ValueError):
    """Raised for every invalid input or document; the message names the field and the value."""

@final
class NpsResult:
    """The Net Promoter Score of a set of answers, with counts and statistics.

    score = % promoters (9-10) - % detractors (0-6), in points from -100 to 100. The standard
    error uses the multinomial variance pP + pD - (pP - pD)^2; intervals are Wald intervals
    clipped to [-100, 100].
    """

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
    def margin_of_error(self, confidence: float = 0.95) -> float:
        """Margin of error in points at a confidence level in (0, 1)."""
    def confidence_interval(self, confidence: float = 0.95) -> tuple[float, float]:
        """(low, high) confidence interval in points, clipped to [-100, 100]."""
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
) -> pa.Table: ...

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
class HealthScore:
    """The health of one account: score, band, coverage, stale and missing measures, the driver,
    and one contribution per measure (raw value, measure score, effective weight, points; the
    points sum to the score)."""

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
def _synthetic_portfolio(n: int, seed: int, as_of: Any) -> pa.Table: ...
