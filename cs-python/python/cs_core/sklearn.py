"""A scikit-learn estimator over cs-core's risk-model fit.

``RiskClassifier`` fits ``cs.RiskModel.fit`` (Newton's method on scikit-learn's objective: summed
log-loss + ||w||^2 / (2C), intercept not penalised) on a numeric matrix, one identity factor per
column, and behaves as a binary scikit-learn classifier: ``fit`` / ``predict`` /
``predict_proba`` / ``decision_function``, ``classes_``, ``coef_``, ``intercept_`` (per unit of
the raw inputs, as ``LogisticRegression``'s) and ``get_params`` / ``set_params``. So
``GridSearchCV`` over ``C`` and ``CalibratedClassifierCV`` work, and the fitted cs-core document
is ``model_`` (a ``cs.RiskModel``, with its standard errors and fit report).

scikit-learn is imported when this module is, never by ``import cs_core``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

import cs_core as cs

__all__ = ["RiskClassifier"]


class RiskClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]  # sklearn is untyped
    """Binary L2-regularised logistic regression fitted by cs-core.

    Parameters
    ----------
    C:
        Inverse regularisation strength, as ``LogisticRegression(C=...)``; ``None`` fits
        without a penalty (maximum likelihood, with standard errors as statsmodels' ``Logit``).
    standardise:
        Fit on standardised columns (mean 0, standard deviation 1) so the penalty treats them
        alike; ``coef_`` is still per unit of the raw inputs. ``False`` fits the raw columns,
        exactly ``LogisticRegression``'s problem.
    max_iterations, tolerance:
        Newton iterations at most, and the gradient tolerance (per row).

    The second of ``classes_`` (sorted) is the positive class ("churned"), as in scikit-learn.
    """

    def __init__(
        self,
        C: float | None = 1.0,  # noqa: N803 (scikit-learn's name)
        standardise: bool = True,
        max_iterations: int = 100,
        tolerance: float = 1e-10,
    ) -> None:
        self.C = C
        self.standardise = standardise
        self.max_iterations = max_iterations
        self.tolerance = tolerance

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def fit(self, X: Any, y: Any) -> RiskClassifier:  # noqa: N803 (scikit-learn's name)
        """Fits the model to ``X`` (n_samples, n_features) and the binary labels ``y``."""
        x, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        classes = np.unique(y)
        target = type_of_target(y, input_name="y", raise_unknown=True)
        if target != "binary":
            raise ValueError(
                f"Only binary classification is supported. The type of the target is {target} "
                f"(y has {len(classes)} classes); RiskClassifier models churn."
            )
        self.classes_ = classes
        names = [f"x{j}" for j in range(x.shape[1])]
        template = cs.RiskModel.from_dict(
            {
                "schema_version": 1,
                "name": "RiskClassifier",
                "intercept": 0.0,
                "factors": [{"name": n, "input": n, "coefficient": 0.0} for n in names],
            }
        )
        table = self._table(x)
        table = table.append_column("churned", pa.array(y == classes[-1]))
        self.model_ = cs.RiskModel.fit(
            table,
            outcome="churned",
            C=self.C,
            standardise=self.standardise,
            max_iterations=self.max_iterations,
            tolerance=self.tolerance,
            template=template,
            drop_missing=False,
        )
        linear = self.model_.linear_in_inputs()
        if linear is None:  # every factor is an identity factor: cannot happen
            raise RuntimeError("the fitted model is not linear in its inputs")
        intercept, slopes = linear
        self.coef_ = np.asarray([slopes], dtype=np.float64)
        self.intercept_ = np.asarray([intercept], dtype=np.float64)
        report = self.model_.fit_report or {}
        self.n_iter_ = np.asarray([report.get("iterations", 0)], dtype=np.int32)
        return self

    def decision_function(self, X: Any) -> np.ndarray:  # noqa: N803 (scikit-learn's name)
        """The log-odds of the positive class, one per row."""
        return self._scores(X, "log_odds")

    def predict_proba(self, X: Any) -> np.ndarray:  # noqa: N803 (scikit-learn's name)
        """Probabilities of ``classes_[0]`` and ``classes_[1]``, one row per sample."""
        risk = self._scores(X, "risk")
        return np.column_stack([1.0 - risk, risk])

    def predict(self, X: Any) -> np.ndarray:  # noqa: N803 (scikit-learn's name)
        """The class of each row: ``classes_[1]`` where the log-odds are above 0."""
        check_is_fitted(self)
        return self.classes_[(self.decision_function(X) > 0).astype(int)]

    def _scores(self, X: Any, column: str) -> np.ndarray:  # noqa: N803 (scikit-learn's name)
        check_is_fitted(self)
        x = validate_data(self, X, dtype=np.float64, reset=False)
        scored = self.model_.score(self._table(x), drop_missing=False)
        return np.asarray(scored.column(column).to_numpy(), dtype=np.float64)

    @staticmethod
    def _table(x: np.ndarray) -> pa.Table:
        columns = {f"x{j}": np.ascontiguousarray(x[:, j]) for j in range(x.shape[1])}
        return pa.table(columns) if columns else pa.table({})
