"""Type stubs of the compiled cs-core extension (checked against it by mypy.stubtest)."""

from collections.abc import Sequence
from typing import Any, ClassVar, final, overload

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from typing_extensions import Self, disjoint_base

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

# --- retention ---

@final
class KaplanMeier:
    """A Kaplan-Meier (product-limit) estimate of the survival function of customer tenure.

    The timeline is 0 followed by every distinct duration; survival is the right-continuous
    step function through it. Churns come before censorings at the same time, and the
    confidence band is the exponential Greenwood ("log-log") one, exactly as lifelines'
    KaplanMeierFitter computes them.
    """

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
    def confidence_interval(self, confidence: float | None = None) -> dict[str, npt.NDArray[np.float64]]:
        """Pointwise exponential Greenwood bounds at the fit's level or at ``confidence``: a dict of
        numpy arrays ``timeline``, ``lower``, ``upper`` (pass it to pandas.DataFrame or
        pyarrow.table as it is)."""
    def event_table(self) -> pa.Table:
        """The life table as a pyarrow Table: ``timeline``, ``at_risk`` (just before the time),
        ``events`` (churns) and ``censored`` at each time."""
    def to_arrow(self, confidence: float | None = None) -> pa.Table:
        """The curve as a pyarrow Table: ``timeline``, ``survival``, ``ci_low``, ``ci_high``,
        ``at_risk``, ``events``, ``censored``."""
    def to_pandas(self, confidence: float | None = None) -> Any:
        """The curve as a pandas DataFrame indexed by ``timeline`` (the columns of ``to_arrow``):
        ``survival`` is lifelines' ``survival_function_``, ``ci_low`` / ``ci_high`` its
        ``confidence_interval_``."""
    def to_dict(self) -> dict[str, Any]:
        """The estimate as a dict (its JSON form: event table, survival, Greenwood sums, level)."""
    def to_json(self) -> str:
        """The estimate as JSON."""
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
