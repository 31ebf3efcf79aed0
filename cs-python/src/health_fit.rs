//! `Scorecard.fit_weights` and its result, `cs_core.WeightFit`: the conversion of a history
//! table and the options; the fit is `cs_arrow::health::fit_weights`, the same call as
//! `cs score fit`.

use cs_core::health::{Scorecard, WeightFit, WeightFitOptions};
use cs_core::statistics::Confidence;
use pyo3::prelude::*;

use crate::error::OrRaise;
use crate::health::{PyScorecard, date_of};
use crate::output::to_python;

/// The body of `Scorecard.fit_weights`.
#[allow(clippy::too_many_arguments)] // the keyword arguments of the Python method
pub(crate) fn fit_weights(
    py: Python<'_>,
    card: &Scorecard,
    history: &Bound<'_, PyAny>,
    outcome: &str,
    as_of: Option<&Bound<'_, PyAny>>,
    holdout: f64,
    seed: u64,
    confidence: f64,
    max_evaluations: u32,
) -> PyResult<PyWeightFit> {
    let as_of = date_of(as_of, "as_of")?;
    let options = WeightFitOptions {
        holdout,
        seed,
        confidence: Confidence::new(confidence).or_raise()?,
        max_evaluations,
    };
    let batch = crate::renewal::batch_of(history)?;
    let inner = py
        .detach(|| cs_arrow::health::fit_weights(&batch, card, outcome, as_of, &options))
        .or_raise()?;
    Ok(PyWeightFit { inner })
}

/// The weights of a scorecard fitted to past renewal outcomes (``Scorecard.fit_weights``):
/// the proposed card, every weight current and proposed, both cards' ROC AUC on the training
/// and the held-out renewals (healthier = higher score), and the paired DeLong test of the
/// held-out difference with its verdict.
#[pyclass(name = "WeightFit", module = "cs_core", frozen)]
pub(crate) struct PyWeightFit {
    inner: WeightFit,
}

#[pymethods]
impl PyWeightFit {
    /// The result as an HTML fragment (Jupyter shows it).
    fn _repr_html_(&self) -> String {
        cs_report::weight_fit_html(&self.inner)
    }
    /// The proposed scorecard: the current one with the fitted weights (rules, bands and
    /// policies kept).
    #[getter]
    fn scorecard(&self) -> PyScorecard {
        PyScorecard {
            inner: self.inner.scorecard.clone(),
        }
    }
    /// Every weight as a dict (``parent``: the group or None, ``name``, ``kind``: "measure" or
    /// "group", ``current`` and ``proposed`` on the scale of 100 among siblings, ``fitted``:
    /// False for the measures of a min / max group), in card order.
    #[getter]
    fn weights<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.weights)
    }
    /// The training part: dict of ``accounts``, ``churned``, ``auc_current``, ``auc_proposed``.
    #[getter]
    fn training<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.training)
    }
    /// The held-out part: dict of ``accounts``, ``churned``, ``auc_current``, ``auc_proposed``.
    #[getter]
    fn holdout<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.holdout)
    }
    /// The current card's held-out AUC with DeLong's interval: (auc, lower, upper), as
    /// ``roc_auc_ci``.
    #[getter]
    fn holdout_current(&self) -> (f64, f64, f64) {
        let i = &self.inner.holdout_current;
        (i.auc, i.lower, i.upper)
    }
    /// The proposed card's held-out AUC with DeLong's interval: (auc, lower, upper).
    #[getter]
    fn holdout_proposed(&self) -> (f64, f64, f64) {
        let i = &self.inner.holdout_proposed;
        (i.auc, i.lower, i.upper)
    }
    /// Proposed minus current on the held-out renewals, paired DeLong: (difference, z,
    /// p_value) as ``roc_auc_compare`` (z and p_value None when the difference has no
    /// variance).
    #[getter]
    fn comparison(&self) -> (f64, Option<f64>, Option<f64>) {
        let c = &self.inner.comparison;
        (c.difference, c.z, c.p_value)
    }
    /// The paired test at the fit's confidence level: "better", "worse" or "no_evidence".
    #[getter]
    fn verdict(&self) -> &'static str {
        self.inner.verdict.as_str()
    }
    /// Rows the current card does not score (insufficient data), left out of the fit.
    #[getter]
    fn unscored(&self) -> u64 {
        self.inner.unscored
    }
    /// The rows of ``history`` held out for evaluation (0-based, ascending), as a numpy
    /// int64 array: ``history.iloc[fit.held_out_rows]`` are the renewals of the held-out AUCs.
    #[getter]
    fn held_out_rows<'py>(&self, py: Python<'py>) -> Bound<'py, numpy::PyArray1<i64>> {
        let rows = self.inner.held_out_rows.iter().map(|&r| r as i64);
        numpy::PyArray1::from_iter(py, rows)
    }
    /// Scorings of the history the search made.
    #[getter]
    fn evaluations(&self) -> u32 {
        self.inner.evaluations
    }
    /// The whole result as a dict (the JSON of ``cs score fit --json``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    /// The whole result as JSON text (``cs score fit --json``).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string_pretty(&self.inner).map_err(|e| {
            crate::error::raise(cs_core::Error::Parse {
                format: "JSON".into(),
                message: e.to_string(),
            })
        })
    }
    fn __repr__(&self) -> String {
        let f = &self.inner;
        format!(
            "WeightFit(scorecard={:?}, holdout_auc_current={:.3}, holdout_auc_proposed={:.3}, verdict={:?})",
            f.scorecard.name,
            f.holdout.auc_current,
            f.holdout.auc_proposed,
            f.verdict.as_str()
        )
    }
}
