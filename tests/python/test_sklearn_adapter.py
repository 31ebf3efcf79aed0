"""cs_core.sklearn.RiskClassifier: a scikit-learn estimator over cs-core's risk fit."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import SkipTestWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.utils.estimator_checks import check_estimator

from cs_core.sklearn import RiskClassifier


def data(n: int = 600, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)) * [1.0, 5.0, 0.2] + [0.0, 50.0, 1.0]
    z = 0.8 * x[:, 0] - 0.1 * (x[:, 1] - 50) + 2.0 * (x[:, 2] - 1)
    y = np.where(rng.uniform(size=n) < 1 / (1 + np.exp(-z)), "churned", "renewed")
    return x, y


def test_passes_scikit_learns_estimator_checks() -> None:
    # scikit-learn skips its own array-API check unless SCIPY_ARRAY_API is set (it would test
    # inputs from array libraries other than numpy); that skip is scikit-learn's, not ours.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkipTestWarning)
        check_estimator(RiskClassifier())


@pytest.mark.parametrize("c", [1.0, 0.05])
def test_equals_logistic_regression_on_the_raw_columns(c: float) -> None:
    x, y = data()
    ours = RiskClassifier(C=c, standardise=False).fit(x, y)
    theirs = LogisticRegression(C=c, tol=1e-10, max_iter=10_000).fit(x, y)
    assert list(ours.classes_) == list(theirs.classes_) == ["churned", "renewed"]
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-5)
    np.testing.assert_allclose(ours.predict_proba(x), theirs.predict_proba(x), atol=1e-6)
    assert (ours.predict(x) == theirs.predict(x)).mean() > 0.99


def test_standardised_fit_reports_raw_unit_coefficients() -> None:
    x, y = data()
    model = RiskClassifier(C=None).fit(x, y)
    # The same linear predictor by the raw coefficients and by the model's own scoring.
    raw = x @ model.coef_[0] + model.intercept_[0]
    np.testing.assert_allclose(model.decision_function(x), raw, rtol=1e-9, atol=1e-9)
    unpenalised = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(x, y)
    np.testing.assert_allclose(model.coef_, unpenalised.coef_, rtol=1e-5)
    assert model.model_.standard_errors is not None


def test_grid_search_over_c_and_calibration_work() -> None:
    x, y = data(900)
    search = GridSearchCV(RiskClassifier(), {"C": [0.01, 0.1, 1.0]}, cv=3, scoring="roc_auc").fit(x, y)
    assert search.best_params_["C"] in (0.01, 0.1, 1.0)
    calibrated = CalibratedClassifierCV(RiskClassifier(), cv=3).fit(x, y)
    p = calibrated.predict_proba(x)
    assert p.shape == (900, 2) and np.allclose(p.sum(axis=1), 1.0)


def test_three_classes_are_refused() -> None:
    x, _ = data(30)
    with pytest.raises(ValueError, match=r"Only binary classification is supported\..*3 classes"):
        RiskClassifier().fit(x, np.arange(30) % 3)


def test_import_cs_core_does_not_import_scikit_learn() -> None:
    code = "import sys, cs_core; assert 'sklearn' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
