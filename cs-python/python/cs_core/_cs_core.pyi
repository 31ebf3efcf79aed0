"""Type stubs of the compiled cs-core extension (checked against it by mypy.stubtest)."""

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
