//! `cs_core.nps`, `NpsResult`, comparisons, CSAT and perceived-vs-actual calibration.

use cs_core::nps::{self as core_nps, Answer, Category, MissingAnswers, Nps, NpsScore, Perceived};
use cs_core::portfolio::{Column, Granularity};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::error::{OrRaise, raise};
use crate::input::{Float, Numeric, NumericFn, document_text, ints};
use crate::output::to_python;

/// The Net Promoter Score of a set of answers, with counts and statistics.
///
/// score = % promoters (9-10) - % detractors (0-6), in points from -100 to 100. The standard
/// error uses the multinomial variance pP + pD - (pP - pD)^2; intervals are Wald intervals
/// clipped to [-100, 100].
#[pyclass(name = "NpsResult", module = "cs_core", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PyNps {
    pub(crate) inner: Nps,
}

#[pymethods]
impl PyNps {
    /// The result as an HTML fragment (Jupyter shows it), drawn by the report's templates.
    fn _repr_html_(&self) -> String {
        cs_report::nps_html(&self.inner)
    }
    /// The score in points, -100..=100.
    #[getter]
    fn score(&self) -> f64 {
        self.inner.score()
    }
    /// Number of promoters (answers 9 and 10).
    #[getter]
    fn promoters(&self) -> u64 {
        self.inner.promoters()
    }
    /// Number of passives (answers 7 and 8).
    #[getter]
    fn passives(&self) -> u64 {
        self.inner.passives()
    }
    /// Number of detractors (answers 0 to 6).
    #[getter]
    fn detractors(&self) -> u64 {
        self.inner.detractors()
    }
    /// Number of answers counted.
    #[getter]
    fn responses(&self) -> u64 {
        self.inner.responses()
    }
    /// Number of null answers skipped (only with skip_missing=True).
    #[getter]
    fn skipped(&self) -> u64 {
        self.inner.skipped()
    }
    /// Share of promoters, 0..=1.
    #[getter]
    fn promoter_share(&self) -> f64 {
        self.inner.share(Category::Promoter)
    }
    /// Share of passives, 0..=1.
    #[getter]
    fn passive_share(&self) -> f64 {
        self.inner.share(Category::Passive)
    }
    /// Share of detractors, 0..=1.
    #[getter]
    fn detractor_share(&self) -> f64 {
        self.inner.share(Category::Detractor)
    }
    /// Standard error of the score, in points.
    #[getter]
    fn standard_error(&self) -> f64 {
        self.inner.standard_error()
    }
    /// Margin of error in points at a confidence level in (0, 1), of the interval ``method``
    /// (``"wald"``: z × SE; ``"adjusted_wald"``: z × the adjusted standard error, the half-width
    /// of ``confidence_interval(confidence, "adjusted_wald")`` before clipping).
    #[pyo3(signature = (confidence = 0.95, method = "wald"))]
    fn margin_of_error(&self, confidence: f64, method: &str) -> PyResult<f64> {
        let level = cs_core::statistics::Confidence::new(confidence).or_raise()?;
        let method = cs_core::nps::IntervalMethod::parse(method).or_raise()?;
        Ok(self.inner.interval_by(level, method).margin_of_error)
    }
    /// (low, high) confidence interval in points, clipped to [-100, 100]. ``method`` is
    /// ``"wald"`` (score ± z × SE; collapses when every answer is in one category) or
    /// ``"adjusted_wald"`` (¾ pseudo-promoter and ¾ pseudo-detractor added, Rocks 2016).
    #[pyo3(signature = (confidence = 0.95, method = "wald"))]
    fn confidence_interval(&self, confidence: f64, method: &str) -> PyResult<(f64, f64)> {
        let level = cs_core::statistics::Confidence::new(confidence).or_raise()?;
        let method = cs_core::nps::IntervalMethod::parse(method).or_raise()?;
        let i = self.inner.interval_by(level, method);
        Ok((i.low, i.high))
    }
    /// Compares with another independent result: difference = self - other.
    fn compare(&self, other: &PyNps) -> PyNpsComparison {
        PyNpsComparison {
            inner: self.inner.compare(&other.inner),
        }
    }
    /// The counts, score and statistics as a dict.
    #[pyo3(signature = (confidence = 0.95))]
    fn to_dict<'py>(&self, py: Python<'py>, confidence: f64) -> PyResult<Bound<'py, PyAny>> {
        let n = &self.inner;
        let (low, high) = n.confidence_interval(confidence).or_raise()?;
        let d = pyo3::types::PyDict::new(py);
        d.set_item("score", n.score())?;
        d.set_item("responses", n.responses())?;
        d.set_item("promoters", n.promoters())?;
        d.set_item("passives", n.passives())?;
        d.set_item("detractors", n.detractors())?;
        d.set_item("skipped", n.skipped())?;
        d.set_item("standard_error", n.standard_error())?;
        d.set_item("confidence", confidence)?;
        d.set_item("margin_of_error", n.margin_of_error(confidence).or_raise()?)?;
        d.set_item("ci_low", low)?;
        d.set_item("ci_high", high)?;
        Ok(d.into_any())
    }
    /// The counts as JSON (the serialised Rust value).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner).map_err(|e| {
            raise(cs_core::Error::Parse {
                format: "JSON".into(),
                message: e.to_string(),
            })
        })
    }
    /// Reads a result written by ``to_json``.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<PyNps> {
        let text = document_text(text, "JSON")?;
        let inner: Nps = serde_json::from_str(text).map_err(|e| {
            raise(cs_core::Error::Parse {
                format: "JSON".into(),
                message: format!("nps: {e}"),
            })
        })?;
        Nps::from_counts(inner.promoters(), inner.passives(), inner.detractors()).or_raise()?;
        Ok(PyNps { inner })
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.get_type().getattr("from_json")?;
        Ok((from_json, (slf.get().to_json()?,)))
    }
    fn __repr__(&self) -> PyResult<String> {
        let n = &self.inner;
        let (low, high) = n.confidence_interval(0.95).or_raise()?;
        Ok(format!(
            "NpsResult(score={:.1}, 95% CI [{low:.1}, {high:.1}], responses={}, promoters={}, passives={}, detractors={})",
            n.score(),
            n.responses(),
            n.promoters(),
            n.passives(),
            n.detractors()
        ))
    }
}

/// The comparison of two independent NPS results (difference = a - b).
#[pyclass(name = "NpsComparison", module = "cs_core", frozen)]
pub(crate) struct PyNpsComparison {
    inner: core_nps::NpsComparison,
}

#[pymethods]
impl PyNpsComparison {
    /// a.score - b.score, in points.
    #[getter]
    fn difference(&self) -> f64 {
        self.inner.difference
    }
    /// Standard error of the difference, in points.
    #[getter]
    fn standard_error(&self) -> f64 {
        self.inner.standard_error
    }
    /// z statistic; None when both samples have zero variance.
    #[getter]
    fn z(&self) -> Option<f64> {
        self.inner.z
    }
    /// Two-sided p-value; None when both samples have zero variance.
    #[getter]
    fn p_value(&self) -> Option<f64> {
        self.inner.p_value
    }
    /// The comparison as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    fn __repr__(&self) -> String {
        let fmt = |v: Option<f64>| v.map_or_else(|| "None".to_owned(), |v| format!("{v:.4}"));
        format!(
            "NpsComparison(difference={:.2}, standard_error={:.2}, z={}, p_value={})",
            self.inner.difference,
            self.inner.standard_error,
            fmt(self.inner.z),
            fmt(self.inner.p_value)
        )
    }
}

struct CountNps {
    missing: MissingAnswers,
}

impl NumericFn for CountNps {
    type Output = Nps;
    fn call<T: Answer>(&self, chunks: &[(usize, Column<'_, T>)]) -> cs_core::Result<Nps> {
        let mut total: Option<Nps> = None;
        for (base, col) in chunks {
            if col.is_empty() {
                continue;
            }
            let part = Nps::from_column(*col, self.missing).map_err(|e| e.offset_by(*base))?;
            total = Some(total.map_or(part, |t| t.merge(&part)));
        }
        total.ok_or_else(|| cs_core::Error::empty("nps score"))
    }
}

fn missing_policy(skip_missing: bool) -> MissingAnswers {
    if skip_missing {
        MissingAnswers::Skip
    } else {
        MissingAnswers::Reject
    }
}

/// NPS of answers: a list, numpy array, pyarrow array, pandas or polars Series.
#[pyfunction]
#[pyo3(signature = (scores, *, skip_missing = false))]
pub(crate) fn nps(py: Python<'_>, scores: &Bound<'_, PyAny>, skip_missing: bool) -> PyResult<PyNps> {
    let column = Numeric::extract(scores, "nps score")?;
    let inner = column.run(
        py,
        "nps score",
        &CountNps {
            missing: missing_policy(skip_missing),
        },
    )?;
    Ok(PyNps { inner })
}

/// NPS from the three category counts.
#[pyfunction]
pub(crate) fn nps_from_counts(
    #[pyo3(from_py_with = ints::promoters)] promoters: u64,
    #[pyo3(from_py_with = ints::passives)] passives: u64,
    #[pyo3(from_py_with = ints::detractors)] detractors: u64,
) -> PyResult<PyNps> {
    Ok(PyNps {
        inner: Nps::from_counts(promoters, passives, detractors).or_raise()?,
    })
}

/// Compares two independent NPS results: difference = a - b, z, two-sided p-value.
#[pyfunction]
pub(crate) fn nps_compare(a: &PyNps, b: &PyNps) -> PyNpsComparison {
    a.compare(b)
}

/// CSAT: the share of 1..5 ratings above a threshold.
#[pyclass(name = "Csat", module = "cs_core", frozen)]
pub(crate) struct PyCsat {
    inner: core_nps::Csat,
}

#[pymethods]
impl PyCsat {
    /// Percentage (0..=100) of ratings above the threshold.
    #[getter]
    fn score(&self) -> f64 {
        self.inner.score()
    }
    /// Ratings above the threshold.
    #[getter]
    fn satisfied(&self) -> u64 {
        self.inner.satisfied
    }
    /// Ratings counted.
    #[getter]
    fn responses(&self) -> u64 {
        self.inner.responses
    }
    /// The threshold used.
    #[getter]
    fn threshold(&self) -> f64 {
        self.inner.threshold
    }
    /// Wald margin of error of the percentage.
    #[pyo3(signature = (confidence = 0.95))]
    fn margin_of_error(&self, confidence: f64) -> PyResult<f64> {
        self.inner.margin_of_error(confidence).or_raise()
    }
    /// The result as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let d = to_python(py, &self.inner)?;
        d.set_item("score", self.inner.score())?;
        Ok(d)
    }
    fn __repr__(&self) -> String {
        format!(
            "Csat(score={:.1}, satisfied={}, responses={}, threshold={})",
            self.inner.score(),
            self.inner.satisfied,
            self.inner.responses,
            self.inner.threshold
        )
    }
}

/// CSAT of ratings on a 1..5 scale: % of ratings strictly above ``threshold``.
#[pyfunction]
#[pyo3(signature = (ratings, threshold = 3.5))]
pub(crate) fn csat(py: Python<'_>, ratings: &Bound<'_, PyAny>, threshold: f64) -> PyResult<PyCsat> {
    let column = Float::extract(ratings, "csat rating")?;
    let chunks = column.chunks("csat rating")?;
    let inner = py
        .detach(|| {
            let mut satisfied = 0;
            let mut responses = 0;
            for (base, col) in &chunks {
                if col.is_empty() {
                    continue;
                }
                let part =
                    core_nps::Csat::from_column(*col, Some(threshold)).map_err(|e| e.offset_by(*base))?;
                satisfied += part.satisfied;
                responses += part.responses;
            }
            if responses == 0 {
                return Err(cs_core::Error::empty("csat rating"));
            }
            Ok(core_nps::Csat {
                satisfied,
                responses,
                threshold,
            })
        })
        .or_raise()?;
    Ok(PyCsat { inner })
}

/// Calibration of NPS perceived (the CSM's estimates) against actual answers.
#[pyclass(name = "Calibration", module = "cs_core", frozen)]
pub(crate) struct PyCalibration {
    inner: core_nps::Calibration,
}

#[pymethods]
impl PyCalibration {
    /// Accounts with both an estimate and an answer.
    #[getter]
    fn pairs(&self) -> u64 {
        self.inner.pairs
    }
    /// Accounts whose estimated category matches the answer.
    #[getter]
    fn matches(&self) -> u64 {
        self.inner.matches
    }
    /// Share (0..=1) of estimates in the right category.
    #[getter]
    fn match_share(&self) -> f64 {
        self.inner.match_share()
    }
    /// Mean perceived - actual over exact-score estimates (positive: optimistic); None if none.
    #[getter]
    fn mean_signed_gap(&self) -> Option<f64> {
        self.inner.mean_signed_gap()
    }
    /// Mean |perceived - actual| over exact-score estimates; None if none.
    #[getter]
    fn mean_absolute_gap(&self) -> Option<f64> {
        self.inner.mean_absolute_gap()
    }
    /// Accounts believed passive or promoter that answered as detractors.
    #[getter]
    fn hidden_detractors(&self) -> u64 {
        self.inner.hidden_detractors()
    }
    /// Counts by perceived (rows) x actual (columns), order detractor, passive, promoter.
    #[getter]
    fn confusion(&self) -> [[u64; 3]; 3] {
        self.inner.confusion
    }
    /// The calibration as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let d = to_python(py, &self.inner)?;
        d.set_item("match_share", self.inner.match_share())?;
        d.set_item("mean_signed_gap", self.inner.mean_signed_gap())?;
        d.set_item("mean_absolute_gap", self.inner.mean_absolute_gap())?;
        d.set_item("hidden_detractors", self.inner.hidden_detractors())?;
        Ok(d)
    }
    fn __repr__(&self) -> String {
        let gap = self
            .inner
            .mean_signed_gap()
            .map_or_else(|| "None".to_owned(), |g| format!("{g:.2}"));
        format!(
            "Calibration(pairs={}, match_share={:.3}, mean_signed_gap={gap}, hidden_detractors={})",
            self.inner.pairs,
            self.inner.match_share(),
            self.inner.hidden_detractors()
        )
    }
}

fn perceived_of(item: &Bound<'_, PyAny>, position: usize) -> PyResult<Option<Perceived>> {
    if item.is_none() {
        return Ok(None);
    }
    if let Ok(s) = item.cast::<PyString>() {
        let text = s.to_str()?;
        if let Ok(v) = text.trim().parse::<i64>() {
            return Ok(Some(Perceived::Score(
                NpsScore::new(v).map_err(|e| raise(e.at(position)))?,
            )));
        }
        return Ok(Some(Perceived::Category(Category::parse(text).or_raise()?)));
    }
    let v: f64 = item.extract()?;
    if v.is_nan() {
        return Ok(None);
    }
    let score = v.to_score().ok_or_else(|| {
        raise(cs_core::Error::out_of_range("perceived nps score", v, "0..=10").at(position))
    })?;
    Ok(Some(Perceived::Score(
        NpsScore::new(i64::from(score)).or_raise()?,
    )))
}

fn actual_of(item: &Bound<'_, PyAny>, position: usize) -> PyResult<Option<NpsScore>> {
    if item.is_none() {
        return Ok(None);
    }
    let v: f64 = item.extract()?;
    if v.is_nan() {
        return Ok(None);
    }
    let score = v
        .to_score()
        .ok_or_else(|| raise(cs_core::Error::out_of_range("actual nps score", v, "0..=10").at(position)))?;
    NpsScore::new(i64::from(score)).or_raise().map(Some)
}

fn as_list<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let obj = if obj.hasattr("to_pylist")? {
        obj.call_method0("to_pylist")?
    } else {
        obj.clone()
    };
    obj.try_iter()?.collect()
}

/// Calibration of perceived estimates (0-10 scores or category names) against actual answers;
/// rows where either side is missing are not counted.
#[pyfunction]
pub(crate) fn nps_calibration(
    perceived: &Bound<'_, PyAny>,
    actual: &Bound<'_, PyAny>,
) -> PyResult<PyCalibration> {
    let p = as_list(perceived)?;
    let a = as_list(actual)?;
    if p.len() != a.len() {
        return Err(raise(cs_core::Error::LengthMismatch {
            field: "actual".into(),
            expected: p.len(),
            actual: a.len(),
        }));
    }
    let mut pairs = Vec::with_capacity(p.len());
    for (i, (pi, ai)) in p.iter().zip(&a).enumerate() {
        if let (Some(pe), Some(ac)) = (perceived_of(pi, i)?, actual_of(ai, i)?) {
            pairs.push((pe, ac));
        }
    }
    Ok(PyCalibration {
        inner: core_nps::Calibration::from_pairs(pairs).or_raise()?,
    })
}

/// NPS per group and/or period over a table; returns a pyarrow Table (the Python wrapper
/// converts it back to the caller's table type).
#[pyfunction]
#[pyo3(signature = (table, score, by, period, date, confidence, skip_missing, interval = "wald"))]
#[allow(clippy::too_many_arguments, clippy::needless_pass_by_value)]
pub(crate) fn _nps_by<'py>(
    py: Python<'py>,
    table: pyo3_arrow::input::AnyRecordBatch,
    score: &str,
    by: Vec<String>,
    period: Option<&str>,
    date: &str,
    confidence: f64,
    skip_missing: bool,
    interval: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let confidence = cs_core::statistics::Confidence::new(confidence).or_raise()?;
    let method = cs_core::nps::IntervalMethod::parse(interval).or_raise()?;
    let granularity = period.map(Granularity::parse).transpose().or_raise()?;
    let batch = crate::input::read_table(table)?;
    let spec = cs_arrow::nps::NpsBy {
        score,
        by: &by,
        period: granularity,
        date,
        missing: missing_policy(skip_missing),
    };
    let result = py
        .detach(|| cs_arrow::nps::nps_by(&batch, &spec).and_then(|t| t.to_batch(confidence, method)))
        .or_raise()?;
    crate::output::batch_to_pyarrow(py, result)
}
