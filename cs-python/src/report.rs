//! `cs_core.report()`: the portfolio review of cs-report as a Python object (`Report`) with its
//! HTML page, its JSON and a notebook rendering. The numbers come from cs-core through
//! cs-report, as `cs report` prints them.

use std::path::PathBuf;

use pyo3::prelude::*;

use crate::error::CsError;
use crate::input::optional_date;

fn raise(e: cs_report::ReportError) -> PyErr {
    CsError::new_err(e.0)
}

/// The portfolio review: every number of ``cs report`` (``to_json()``), its HTML page
/// (``html``, shown by notebooks through ``_repr_html_``) and its terminal summary.
#[pyclass(name = "Report", module = "cs_core", frozen)]
pub struct PyReport {
    review: cs_report::Review,
    html: String,
}

#[pymethods]
impl PyReport {
    /// The self-contained HTML page (inline CSS and SVG, no script).
    #[getter]
    fn html(&self) -> String {
        self.html.clone()
    }

    /// The date of the review: nothing dated after it is counted.
    #[getter]
    fn as_of(&self) -> chrono::NaiveDate {
        self.review.as_of
    }

    /// Every number of the review as JSON, with a top-level ``headline`` object.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.review).map_err(|e| CsError::new_err(e.to_string()))
    }

    /// The terminal summary (what ``cs report`` prints).
    fn summary(&self) -> String {
        cs_report::summary_text(&self.review)
    }

    /// Writes the page to ``path`` (through a temporary file renamed over it).
    fn write(&self, path: PathBuf) -> PyResult<()> {
        cs_report::write_html(&path, &self.html).map_err(raise)
    }

    /// The page, for Jupyter.
    fn _repr_html_(&self) -> String {
        self.html.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "Report(as_of={}, accounts={}, source={:?})",
            self.review.as_of, self.review.headline.accounts, self.review.source
        )
    }
}

/// The portfolio review of a book of business (``cs report``): without ``data``, the Omnico
/// sample generated in memory (as of 2026-06-30 unless ``as_of`` is given); with ``data``, a
/// folder holding the sample company's files (``accounts``, ``contracts``, ``health_history``,
/// ``survey``, ``delivered``, ``onboarding``, ``churned``, ``arr_start``, ``portfolio``,
/// ``cohorts``; each ``.parquet`` or ``.csv``), as of ``as_of`` or today. A missing or malformed
/// file raises ``CsError`` naming the file (and line).
#[pyfunction]
#[pyo3(signature = (data = None, as_of = None))]
pub fn report(py: Python<'_>, data: Option<PathBuf>, as_of: Option<&Bound<'_, PyAny>>) -> PyResult<PyReport> {
    let as_of = optional_date(as_of, "as_of")?;
    let review = py
        .detach(|| {
            let input = cs_report::ReviewInput::open(data.as_deref(), as_of)?;
            cs_report::Review::build(&input, |_| {})
        })
        .map_err(raise)?;
    let html = cs_report::render_html(&review);
    Ok(PyReport { review, html })
}
