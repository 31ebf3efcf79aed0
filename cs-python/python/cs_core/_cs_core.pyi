"""Type stubs of the compiled cs-core extension (checked against it by mypy.stubtest)."""

import datetime
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

# --- renewal and playbook ---

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
    def score(self, table: Any, *, drop_missing: bool = False) -> Any:
        """Scores every row of ``table`` and returns it (same type) with columns added: ``risk``,
        ``log_odds``, ``tier`` and ``reason_1`` .. ``reason_k`` with ``reason_i_contribution``
        (log-odds). Inputs are the columns named after the factors' inputs; null or NaN is
        unknown. A factor whose column is absent raises CsError, unless ``drop_missing``.
        """
    def design_matrix(self, table: Any, *, drop_missing: bool = False) -> Any:
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
        drop_missing: bool = False,
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
        self, table: Any, outcome: str = "churned", arr: str | None = None, *, drop_missing: bool = False
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
class RiskEvaluation:
    """How well a risk model's scores match outcomes."""

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
        """Per risk decile (1 = lowest): accounts, mean_risk, churn_rate."""
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
    def evaluate(self, table: Any, as_of: Any, open: Any = None, *, account_id: str = "account_id") -> Any:
        """Evaluates every rule for every account of ``table`` on ``as_of`` and returns the new
        CTAs as a table of the caller's type (account_id, rule_id, trigger, priority, created,
        due, owner_role, steps, evidence). Signals are read from the columns named after them
        (health_score, health_band, previous_health_band, nps_category, renewal_date,
        internal_review_done, next_success_review_due, ttfi_past_target, risk_tier,
        expansion_signal, contact_confirmed, notice_deadline); an absent column is unknown.
        ``open`` lists CTAs still open (a table or list of dicts with account_id and trigger,
        such as an earlier result): no second CTA opens for the same account and trigger.
        """
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, value: object, /) -> bool: ...

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
