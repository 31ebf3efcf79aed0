//! `cs_core.kaplan_meier`, log-rank tests, the sBG cohort model and score backtests.
//!
//! Columns are borrowed (numpy float64 / bool arrays, single-chunk Arrow float64) and every
//! computation runs with the GIL released; the classes wrap cs-core values unchanged.

use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray, UInt32Array,
    UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use cs_arrow::survival::{CurveNames, at_risk_batch, curve_batch};
use cs_core::document::Document;
use cs_core::retention::{
    self as core, Backtest, BacktestOptions, ConfidenceBand, ConfidenceType, FitOptions, KaplanMeier,
    LeadTimes, LogRank, QuantileInterval, SbgFit, SbgModel, ScoreDirection, TopK,
};
use cs_core::statistics::Confidence;
use numpy::{PyArray1, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use pyo3_arrow::input::AnyRecordBatch;

use crate::error::{OrRaise, raise};
use crate::input::{Flags, Float, arrow_single, document_text, int_at, ints};
use crate::input::{column, read_table};
use crate::output::to_python;
use crate::output::{batch_to_pyarrow, to_pyarrow};
use cs_arrow::groups::Groups;

fn json_error(what: &str, e: &serde_json::Error) -> PyErr {
    raise(cs_core::Error::Parse {
        format: "JSON".into(),
        message: format!("{what}: {e}"),
    })
}

fn confidence_of(level: f64) -> PyResult<Confidence> {
    Confidence::new(level).or_raise()
}

fn float_col(values: impl IntoIterator<Item = f64>) -> ArrayRef {
    Arc::new(values.into_iter().map(Some).collect::<Float64Array>())
}

fn u64_col(values: impl IntoIterator<Item = u64>) -> ArrayRef {
    Arc::new(values.into_iter().map(Some).collect::<UInt64Array>())
}

fn field(name: &str, data_type: DataType, nullable: bool) -> Field {
    Field::new(name, data_type, nullable)
}

/// `None` (the estimate never reaches the level) as infinity, as lifelines reports it.
fn or_infinity(t: Option<f64>) -> f64 {
    t.unwrap_or(f64::INFINITY)
}

/// Churn flags of a column-like object, or every row churned when it is None.
fn flags_or_all<'py>(obj: Option<&Bound<'py, PyAny>>, name: &str, rows: usize) -> PyResult<Flags<'py>> {
    match obj {
        Some(o) if !o.is_none() => Flags::extract(o, name),
        _ => Ok(Flags::Owned(vec![true; rows])),
    }
}

/// A one-column batch named `name` holding a column-like object (group keys, bands).
fn key_batch(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<RecordBatch> {
    let array = arrow_single(obj, name)?;
    let schema = Arc::new(Schema::new(vec![field(name, array.data_type().clone(), true)]));
    RecordBatch::try_new(schema, vec![array]).map_err(|e| {
        raise(cs_core::Error::invalid(
            format!("column {name}"),
            "keys",
            e.to_string(),
        ))
    })
}

fn check_rows(name: &str, expected: usize, actual: usize) -> PyResult<()> {
    if expected == actual {
        Ok(())
    } else {
        Err(raise(cs_core::Error::LengthMismatch {
            field: name.into(),
            expected,
            actual,
        }))
    }
}

/// The Python key of each group in `order`: the value of the key column (one `by` column) or a
/// tuple of values (several), in the column's own type.
fn python_keys<'py>(py: Python<'py>, groups: &Groups, order: &[u64]) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let columns = groups.key_columns(order).or_raise()?;
    let table = to_pyarrow(py, columns)?;
    let lists: Vec<Vec<Bound<'py, PyAny>>> = (0..groups.by().len())
        .map(|c| {
            table
                .call_method1(intern!(py, "column"), (c,))?
                .call_method0(intern!(py, "to_pylist"))?
                .try_iter()?
                .collect()
        })
        .collect::<PyResult<_>>()?;
    (0..order.len())
        .map(|g| {
            if groups.by().len() == 1 {
                Ok(lists[0][g].clone())
            } else {
                Ok(PyTuple::new(py, lists.iter().map(|l| l[g].clone()))?.into_any())
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Kaplan-Meier

/// A Kaplan-Meier (product-limit) estimate of the survival function of customer tenure.
///
/// The timeline is 0 followed by every distinct duration; survival is the right-continuous
/// step function through it. Churns come before censorings at the same time, and the
/// confidence band is the exponential Greenwood ("log-log") one, exactly as lifelines'
/// KaplanMeierFitter computes them.
#[pyclass(name = "KaplanMeier", module = "cs_core", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct PyKaplanMeier {
    pub(crate) inner: KaplanMeier,
}

impl PyKaplanMeier {
    /// The level asked for, or the fit's.
    fn level(&self, confidence: Option<f64>) -> PyResult<Confidence> {
        confidence.map_or(Ok(self.inner.confidence()), confidence_of)
    }

    fn band(&self, confidence: Option<f64>, confidence_type: &str) -> PyResult<ConfidenceBand> {
        Ok(self
            .inner
            .confidence_band(self.level(confidence)?, confidence_type_of(confidence_type)?))
    }

    fn curve(&self, confidence: Option<f64>, confidence_type: &str, names: &str) -> PyResult<RecordBatch> {
        let level = self.level(confidence)?;
        let kind = confidence_type_of(confidence_type)?;
        let names = CurveNames::parse(names).or_raise()?;
        curve_batch(&self.inner, level, kind, names).or_raise()
    }
}

fn confidence_type_of(name: &str) -> PyResult<ConfidenceType> {
    ConfidenceType::parse(name).or_raise()
}

/// A quantile interval as Python's (lower, upper).
fn limits(ci: QuantileInterval) -> (Option<f64>, Option<f64>) {
    (ci.lower, ci.upper)
}

#[pymethods]
impl PyKaplanMeier {
    /// The result as an HTML fragment (Jupyter shows it), drawn by the report's templates.
    fn _repr_html_(&self) -> String {
        cs_report::kaplan_meier_html(&self.inner)
    }
    /// The times of the curve: 0 and every distinct duration, increasing (numpy array).
    #[getter]
    fn timeline<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_slice(py, self.inner.timeline())
    }
    /// S(t) at each timeline point (numpy array).
    #[getter]
    fn survival<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_slice(py, self.inner.survival())
    }
    /// Greenwood's cumulative sum of d / (n (n - d)) at each timeline point; Var S(t) = S(t)^2 x this.
    #[getter]
    fn greenwood<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_slice(py, self.inner.greenwood())
    }
    /// The confidence level given at fit time.
    #[getter]
    fn confidence(&self) -> f64 {
        self.inner.confidence().level()
    }
    /// Number of customers.
    #[getter]
    fn subjects(&self) -> u64 {
        self.inner.subjects()
    }
    /// Number of observed churns.
    #[getter]
    fn events(&self) -> u64 {
        self.inner.events()
    }
    /// S(t) at a time (a float back) or at each of several times (a numpy array back); 1 before 0.
    fn survival_at<'py>(&self, py: Python<'py>, t: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let is_array = t.is_instance_of::<PyUntypedArray>()
            || t.is_instance_of::<PyList>()
            || t.is_instance_of::<PyTuple>()
            || t.hasattr(intern!(py, "__arrow_c_array__"))?
            || t.hasattr(intern!(py, "__arrow_c_stream__"))?
            || t.hasattr(intern!(py, "__len__"))?;
        if !is_array {
            let v: f64 = t.extract().map_err(|_| {
                PyTypeError::new_err(format!(
                    "survival_at expects a number or a column of numbers, not {}",
                    t.get_type()
                ))
            })?;
            return Ok(self
                .inner
                .survival_at(v)
                .or_raise()?
                .into_pyobject(py)?
                .into_any());
        }
        let column = Float::extract(t, "time")?;
        let times = column.contiguous("time")?;
        let values = py.detach(|| self.inner.survival_at_times(&times)).or_raise()?;
        Ok(PyArray1::from_vec(py, values).into_any())
    }
    /// The first time at which S(t) <= q, for q in [0, 1]; math.inf when never reached.
    fn survival_time(&self, q: f64) -> PyResult<f64> {
        Ok(or_infinity(self.inner.survival_time(q).or_raise()?))
    }
    /// Median survival time: the first time with S(t) <= 0.5; math.inf when never reached.
    fn median(&self) -> f64 {
        or_infinity(self.inner.median())
    }
    /// R's quantile of tenure: the first time with S(t) <= 1 - p (the midpoint to the next drop
    /// where S equals 1 - p exactly), for 0 < p < 1; None when never reached. ``quantile(0.5)``
    /// is R's median; ``median()`` keeps lifelines' rule (no midpoint).
    fn quantile(&self, p: f64) -> PyResult<Option<f64>> {
        self.inner.quantile(p).or_raise()
    }
    /// Brookmeyer-Crowley interval of the p quantile as R's print.survfit: (lower, upper), the
    /// times where the lower and upper band first get down to 1 - p; None where never reached.
    #[pyo3(signature = (p, confidence = None, confidence_type = "log-log"))]
    fn quantile_confidence_interval(
        &self,
        p: f64,
        confidence: Option<f64>,
        confidence_type: &str,
    ) -> PyResult<(Option<f64>, Option<f64>)> {
        let level = self.level(confidence)?;
        let kind = confidence_type_of(confidence_type)?;
        Ok(limits(
            self.inner
                .quantile_confidence_interval(p, level, kind)
                .or_raise()?,
        ))
    }
    /// The median's Brookmeyer-Crowley interval (lower, upper), R's 0.95LCL and 0.95UCL; None
    /// where a band never gets down to 0.5.
    #[pyo3(signature = (confidence = None, confidence_type = "log-log"))]
    fn median_confidence_interval(
        &self,
        confidence: Option<f64>,
        confidence_type: &str,
    ) -> PyResult<(Option<f64>, Option<f64>)> {
        let level = self.level(confidence)?;
        let kind = confidence_type_of(confidence_type)?;
        Ok(limits(self.inner.median_confidence_interval(level, kind)))
    }
    /// Restricted mean tenure up to t and its standard error: (value, standard_error), R's rmean
    /// and se(rmean); the value is lifelines' restricted_mean_survival_time(kmf, t).
    fn restricted_mean(&self, t: f64) -> PyResult<(f64, f64)> {
        let rm = self.inner.restricted_mean(t).or_raise()?;
        Ok((rm.value, rm.standard_error))
    }
    /// The numbers-at-risk table at ``times`` as a pyarrow Table: ``time``, ``at_risk`` (tenure
    /// > time), ``events`` and ``censored`` (cumulative up to and including time), the counts of
    /// lifelines' add_at_risk_counts.
    fn at_risk<'py>(&self, py: Python<'py>, times: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let column = Float::extract(times, "time")?;
        let times = column.contiguous("time")?;
        let rows = py.detach(|| self.inner.at_risk(&times)).or_raise()?;
        batch_to_pyarrow(py, at_risk_batch(&rows).or_raise()?)
    }
    /// Pointwise bounds at the fit's level or at ``confidence``, of ``confidence_type``
    /// ("log-log", lifelines' and the default; "log", R's default; or "plain"): a dict of numpy
    /// arrays ``timeline``, ``lower``, ``upper`` (pass it to pandas.DataFrame or pyarrow.table
    /// as it is).
    #[pyo3(signature = (confidence = None, confidence_type = "log-log"))]
    fn confidence_interval<'py>(
        &self,
        py: Python<'py>,
        confidence: Option<f64>,
        confidence_type: &str,
    ) -> PyResult<Bound<'py, PyDict>> {
        let band = self.band(confidence, confidence_type)?;
        let d = PyDict::new(py);
        d.set_item("timeline", self.timeline(py))?;
        d.set_item("lower", PyArray1::from_vec(py, band.lower))?;
        d.set_item("upper", PyArray1::from_vec(py, band.upper))?;
        Ok(d)
    }
    /// The life table as a pyarrow Table: ``timeline``, ``at_risk`` (just before the time),
    /// ``events`` (churns) and ``censored`` at each time.
    fn event_table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let curve = self.curve(None, "log-log", "cs")?;
        let table = curve
            .project(&[0, 4, 5, 6])
            .map_err(|e| raise(cs_core::Error::invalid("event table", "columns", e.to_string())))?;
        batch_to_pyarrow(py, table)
    }
    /// The curve as a pyarrow Table: ``timeline``, ``survival``, ``ci_low``, ``ci_high``,
    /// ``at_risk``, ``events``, ``censored``; with ``names="lifelines"``: ``timeline``,
    /// ``KM_estimate``, ``KM_estimate_lower_<level>``, ``KM_estimate_upper_<level>``,
    /// ``at_risk``, ``observed``, ``censored``.
    #[pyo3(signature = (confidence = None, confidence_type = "log-log", names = "cs"))]
    fn to_arrow<'py>(
        &self,
        py: Python<'py>,
        confidence: Option<f64>,
        confidence_type: &str,
        names: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        batch_to_pyarrow(py, self.curve(confidence, confidence_type, names)?)
    }
    /// The curve as a pandas DataFrame indexed by ``timeline`` (the columns of ``to_arrow``):
    /// ``survival`` is lifelines' ``survival_function_``, ``ci_low`` / ``ci_high`` its
    /// ``confidence_interval_``; ``names="lifelines"`` gives them lifelines' column names.
    #[pyo3(signature = (confidence = None, confidence_type = "log-log", names = "cs"))]
    fn to_pandas<'py>(
        &self,
        py: Python<'py>,
        confidence: Option<f64>,
        confidence_type: &str,
        names: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.to_arrow(py, confidence, confidence_type, names)?
            .call_method0(intern!(py, "to_pandas"))?
            .call_method1(intern!(py, "set_index"), ("timeline",))
    }
    /// The estimate as a dict (its JSON form: event table, survival, Greenwood sums, level).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    /// The estimate as JSON.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner).map_err(|e| json_error("kaplan-meier", &e))
    }
    /// The estimate from life-table counts: ``events`` churns and ``censored`` still-active
    /// customers at each of ``times`` (columns of any kind; rows in any order, a time repeated
    /// any number of times has its counts added). The counts of several parts of a portfolio
    /// (Spark partitions, files) concatenated give the estimate of the whole portfolio, to the
    /// last bit: this is how ``cs_core.spark.kaplan_meier_by`` merges its partitions.
    #[staticmethod]
    #[pyo3(signature = (times, events, censored, confidence = 0.95))]
    fn from_counts(
        py: Python<'_>,
        times: &Bound<'_, PyAny>,
        events: &Bound<'_, PyAny>,
        censored: &Bound<'_, PyAny>,
        confidence: f64,
    ) -> PyResult<PyKaplanMeier> {
        let confidence = confidence_of(confidence)?;
        let times = arrow_single(times, "time")?;
        let events = arrow_single(events, "events")?;
        let censored = arrow_single(censored, "censored")?;
        let inner = py
            .detach(|| cs_arrow::survival::kaplan_meier_from_counts(&times, &events, &censored, confidence))
            .or_raise()?;
        Ok(PyKaplanMeier { inner })
    }
    /// Reads an estimate written by ``to_json``; the curve is recomputed from the event table
    /// and checked.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<PyKaplanMeier> {
        let text = document_text(text, "JSON")?;
        let inner = serde_json::from_str(text).map_err(|e| json_error("kaplan-meier", &e))?;
        Ok(PyKaplanMeier { inner })
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.get_type().getattr("from_json")?;
        Ok((from_json, (slf.get().to_json()?,)))
    }
    fn __repr__(&self) -> String {
        let km = &self.inner;
        format!(
            "KaplanMeier(subjects={}, events={}, median={}, confidence={})",
            km.subjects(),
            km.events(),
            km.median().map_or_else(|| "inf".to_owned(), |m| format!("{m}")),
            km.confidence().level()
        )
    }
}

/// Kaplan-Meier estimate of tenure: one duration per customer (any unit) and whether the
/// customer churned (``True``) or is still active (``False``, censored; all churned when
/// ``observed`` is None).
#[pyfunction]
#[pyo3(signature = (durations, observed = None, confidence = 0.95))]
pub(crate) fn kaplan_meier(
    py: Python<'_>,
    durations: &Bound<'_, PyAny>,
    observed: Option<&Bound<'_, PyAny>>,
    confidence: f64,
) -> PyResult<PyKaplanMeier> {
    let confidence = confidence_of(confidence)?;
    let d = Float::extract(durations, "duration")?;
    let d = d.contiguous("duration")?;
    let o = flags_or_all(observed, "observed", d.len())?;
    let o = o.as_slice()?;
    let inner = py.detach(|| core::kaplan_meier(&d, o, confidence)).or_raise()?;
    Ok(PyKaplanMeier { inner })
}

/// Kaplan-Meier estimates per group of a table; returns {key: KaplanMeier}.
#[pyfunction]
#[pyo3(signature = (table, duration, observed, by, confidence))]
pub(crate) fn _kaplan_meier_by<'py>(
    py: Python<'py>,
    table: AnyRecordBatch,
    duration: &str,
    observed: Option<&str>,
    by: Vec<String>,
    confidence: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let confidence = confidence_of(confidence)?;
    let batch = read_table(table)?;
    let survival = py
        .detach(|| cs_arrow::survival::kaplan_meier_table(&batch, duration, observed, &by, confidence))
        .or_raise()?;
    let order: Vec<u64> = survival.curves.iter().map(|g| g.key).collect();
    let keys = python_keys(py, &survival.groups, &order)?;
    let result = survival.curves;
    let out = PyDict::new(py);
    for (key, group) in keys.into_iter().zip(result) {
        out.set_item(
            key,
            PyKaplanMeier {
                inner: group.estimate,
            },
        )?;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Log-rank

/// The log-rank test of equal survival across groups (lifelines' logrank_test for two groups,
/// multivariate_logrank_test for more): chi-square statistic with groups - 1 degrees of freedom.
#[pyclass(name = "LogRankResult", module = "cs_core", frozen)]
pub(crate) struct PyLogRank {
    statistic: f64,
    degrees_of_freedom: u32,
    p_value: f64,
    groups: Py<PyAny>,
}

#[pymethods]
impl PyLogRank {
    /// The chi-square statistic.
    #[getter]
    fn statistic(&self) -> f64 {
        self.statistic
    }
    /// Degrees of freedom: number of groups - 1.
    #[getter]
    fn degrees_of_freedom(&self) -> u32 {
        self.degrees_of_freedom
    }
    /// P(chi-square > statistic) under equal survival.
    #[getter]
    fn p_value(&self) -> f64 {
        self.p_value
    }
    /// Per group (pyarrow Table, sorted by key): the key column(s), ``subjects``, ``observed``
    /// churns and ``expected`` churns under the pooled hazard.
    #[getter]
    fn groups(&self, py: Python<'_>) -> Py<PyAny> {
        self.groups.clone_ref(py)
    }
    /// The result as a dict (groups as a list of row dicts).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("statistic", self.statistic)?;
        d.set_item("degrees_of_freedom", self.degrees_of_freedom)?;
        d.set_item("p_value", self.p_value)?;
        d.set_item(
            "groups",
            self.groups.bind(py).call_method0(intern!(py, "to_pylist"))?,
        )?;
        Ok(d)
    }
    fn __repr__(&self) -> String {
        format!(
            "LogRankResult(statistic={:.4}, degrees_of_freedom={}, p_value={:.4e})",
            self.statistic, self.degrees_of_freedom, self.p_value
        )
    }
}

fn logrank_result(py: Python<'_>, test: &LogRank<u64>, groups: &Groups) -> PyResult<PyLogRank> {
    let order: Vec<u64> = test.groups.iter().map(|g| g.key).collect();
    let mut columns = groups.key_columns(&order).or_raise()?;
    columns.push((
        field("subjects", DataType::UInt64, false),
        u64_col(test.groups.iter().map(|g| g.subjects)),
    ));
    columns.push((
        field("observed", DataType::UInt64, false),
        u64_col(test.groups.iter().map(|g| g.observed)),
    ));
    columns.push((
        field("expected", DataType::Float64, false),
        float_col(test.groups.iter().map(|g| g.expected)),
    ));
    Ok(PyLogRank {
        statistic: test.statistic,
        degrees_of_freedom: test.degrees_of_freedom,
        p_value: test.p_value,
        groups: to_pyarrow(py, columns)?.unbind(),
    })
}

fn run_logrank(
    py: Python<'_>,
    durations: &[f64],
    observed: &[bool],
    groups: &Groups,
) -> PyResult<LogRank<u64>> {
    check_rows("group", durations.len(), groups.codes().len())?;
    let codes = groups.codes();
    py.detach(|| core::logrank(durations, observed, |i| Ok(codes[i])))
        .or_raise()
}

/// Log-rank test between the groups of ``groups`` (any column of labels).
#[pyfunction]
#[pyo3(signature = (durations, observed, groups))]
pub(crate) fn logrank(
    py: Python<'_>,
    durations: &Bound<'_, PyAny>,
    observed: Option<&Bound<'_, PyAny>>,
    groups: &Bound<'_, PyAny>,
) -> PyResult<PyLogRank> {
    let d = Float::extract(durations, "duration")?;
    let d = d.contiguous("duration")?;
    let o = flags_or_all(observed, "observed", d.len())?;
    let batch = key_batch(groups, "group")?;
    let by = vec!["group".to_owned()];
    let g = Groups::new(&batch, &by).or_raise()?;
    let test = run_logrank(py, &d, o.as_slice()?, &g)?;
    logrank_result(py, &test, &g)
}

/// Log-rank test between the groups of a table.
#[pyfunction]
#[pyo3(signature = (table, duration, observed, by))]
pub(crate) fn _logrank_by(
    py: Python<'_>,
    table: AnyRecordBatch,
    duration: &str,
    observed: Option<&str>,
    by: Vec<String>,
) -> PyResult<PyLogRank> {
    let batch = read_table(table)?;
    let (test, g) = py
        .detach(|| cs_arrow::survival::logrank_table(&batch, duration, observed, &by))
        .or_raise()?;
    logrank_result(py, &test, &g)
}

// ---------------------------------------------------------------------------------------------
// sBG

/// One cohort's counts from a list / numpy array / Arrow column of whole numbers >= 0.
fn counts(obj: &Bound<'_, PyAny>, cohort: usize) -> PyResult<Vec<u64>> {
    let name = format!("alive count (cohort {cohort})");
    let values = Float::extract(obj, &name)?;
    let values = values.contiguous(&name)?;
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if v >= 0.0 && v.fract() == 0.0 && v < 9.0e15 {
                Ok(v as u64)
            } else {
                Err(raise(
                    cs_core::Error::out_of_range(name.as_str(), v, "a whole number from 0 to 9e15").at(i),
                ))
            }
        })
        .collect()
}

/// One cohort (a flat sequence of counts) or several (a sequence of sequences).
fn cohorts(alive: &Bound<'_, PyAny>) -> PyResult<Vec<Vec<u64>>> {
    let nested = if alive.is_instance_of::<PyList>() || alive.is_instance_of::<PyTuple>() {
        let first = alive.try_iter()?.next().transpose()?;
        first.is_some_and(|f| {
            f.is_instance_of::<PyList>()
                || f.is_instance_of::<PyTuple>()
                || f.is_instance_of::<PyUntypedArray>()
        })
    } else if let Ok(arr) = alive.cast::<PyUntypedArray>() {
        arr.ndim() == 2
    } else {
        false
    };
    if nested {
        alive
            .try_iter()?
            .enumerate()
            .map(|(c, item)| counts(&item?, c))
            .collect()
    } else {
        Ok(vec![counts(alive, 0)?])
    }
}

/// The shifted-beta-geometric (sBG) cohort model (Fader and Hardie 2007): each customer churns
/// at the end of a period with probability theta, and theta varies across customers as
/// Beta(alpha, beta). A persisted document (``to_json`` / ``from_json``).
#[pyclass(name = "SbgModel", module = "cs_core", frozen, eq, subclass)]
#[derive(Clone, PartialEq)]
pub(crate) struct PySbgModel {
    inner: SbgModel,
}

fn fit_model(py: Python<'_>, data: Vec<Vec<u64>>, options: FitOptions) -> PyResult<Py<PySbgFit>> {
    let fit = py.detach(|| SbgModel::fit_with(&data, &options)).or_raise()?;
    Py::new(
        py,
        PyClassInitializer::from(PySbgModel { inner: fit.model }).add_subclass(PySbgFit { inner: fit }),
    )
}

#[pymethods]
impl PySbgModel {
    /// A model with the given alpha and beta (both finite and above 0).
    #[new]
    fn new(alpha: f64, beta: f64) -> PyResult<Self> {
        Ok(PySbgModel {
            inner: SbgModel::new(alpha, beta).or_raise()?,
        })
    }
    /// Fits alpha and beta by maximum likelihood to the counts of customers still active at the
    /// start of each period (``alive[0]`` is the cohort size), or to several cohorts jointly
    /// (a list of such lists, of any lengths).
    #[staticmethod]
    #[pyo3(signature = (alive, *, max_iterations = 200, tolerance = 1e-10))]
    fn fit(
        py: Python<'_>,
        alive: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = ints::max_iterations)] max_iterations: u32,
        tolerance: f64,
    ) -> PyResult<Py<PySbgFit>> {
        fit_model(
            py,
            cohorts(alive)?,
            FitOptions {
                max_iterations,
                tolerance,
            },
        )
    }
    /// Fits one (alpha, beta) to several cohorts jointly (a list of lists of alive counts).
    #[staticmethod]
    #[pyo3(signature = (cohorts, *, max_iterations = 200, tolerance = 1e-10))]
    fn fit_cohorts(
        py: Python<'_>,
        cohorts: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = ints::max_iterations)] max_iterations: u32,
        tolerance: f64,
    ) -> PyResult<Py<PySbgFit>> {
        let data = cohorts
            .try_iter()?
            .enumerate()
            .map(|(c, item)| counts(&item?, c))
            .collect::<PyResult<Vec<_>>>()?;
        fit_model(
            py,
            data,
            FitOptions {
                max_iterations,
                tolerance,
            },
        )
    }
    /// Alpha of the Beta distribution of churn probabilities.
    #[getter]
    fn alpha(&self) -> f64 {
        self.inner.alpha()
    }
    /// Beta of the Beta distribution of churn probabilities.
    #[getter]
    fn beta(&self) -> f64 {
        self.inner.beta()
    }
    /// Mean churn probability per period across customers, alpha / (alpha + beta).
    #[getter]
    fn mean_churn(&self) -> f64 {
        self.inner.mean_churn()
    }
    /// S(t): the share of a cohort still active after t periods (S(0) = 1).
    fn survival(&self, #[pyo3(from_py_with = ints::t)] t: u32) -> PyResult<f64> {
        Ok(self.inner.survival(t))
    }
    /// S(0), S(1), ..., S(periods) as a numpy array.
    fn survival_curve<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = ints::periods)] periods: u32,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        Ok(PyArray1::from_vec(
            py,
            self.inner.survival_curve(periods).or_raise()?,
        ))
    }
    /// r(t) = S(t) / S(t-1): the share of customers active in period t-1 who renew, t >= 1.
    fn retention(&self, #[pyo3(from_py_with = ints::t)] t: u32) -> PyResult<f64> {
        self.inner.retention(t).or_raise()
    }
    /// P(T = t): the probability that a customer's last period is t, t >= 1.
    fn churn_probability(&self, #[pyo3(from_py_with = ints::t)] t: u32) -> PyResult<f64> {
        self.inner.churn_probability(t).or_raise()
    }
    /// Expected customers alive at the start of periods 0..=periods from ``initial`` customers.
    fn expected_alive<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = ints::initial)] initial: u64,
        #[pyo3(from_py_with = ints::periods)] periods: u32,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        Ok(PyArray1::from_vec(
            py,
            self.inner.expected_alive(initial, periods).or_raise()?,
        ))
    }
    /// Log-likelihood of one cohort's (or several cohorts') alive counts under this model.
    fn log_likelihood_of(&self, alive: &Bound<'_, PyAny>) -> PyResult<f64> {
        self.inner.log_likelihood(&cohorts(alive)?).or_raise()
    }
    /// Discounted expected residual lifetime, in periods, of a customer who has renewed
    /// ``renewals`` (= n - 1) times, at ``discount`` per period (Fader and Hardie 2010).
    #[pyo3(signature = (discount, renewals = 0))]
    fn derl(&self, discount: f64, #[pyo3(from_py_with = ints::renewals)] renewals: u32) -> PyResult<f64> {
        self.inner.derl(discount, renewals).or_raise()
    }
    /// Expected residual value: DERL x ``margin`` per period.
    #[pyo3(signature = (margin, discount, renewals = 0))]
    fn residual_value(
        &self,
        margin: f64,
        discount: f64,
        #[pyo3(from_py_with = ints::renewals)] renewals: u32,
    ) -> PyResult<f64> {
        self.inner.residual_value(margin, discount, renewals).or_raise()
    }
    /// The model document as a dict (``schema_version``, ``alpha``, ``beta``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    /// The model document as JSON.
    fn to_json(&self) -> PyResult<String> {
        self.inner.to_json().or_raise()
    }
    /// Reads a model document (checked: schema version, alpha and beta above 0).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<PySbgModel> {
        let text = document_text(text, "JSON")?;
        Ok(PySbgModel {
            inner: SbgModel::from_json(text).or_raise()?,
        })
    }
    /// Reads a model document from a dict.
    #[staticmethod]
    fn from_dict(document: &Bound<'_, PyAny>) -> PyResult<PySbgModel> {
        Self::from_json(&crate::input::document_json(document)?)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.py().get_type::<PySbgModel>().getattr("from_json")?;
        Ok((from_json, (slf.get().to_json()?,)))
    }
    fn __repr__(&self) -> String {
        format!(
            "SbgModel(alpha={}, beta={})",
            self.inner.alpha(),
            self.inner.beta()
        )
    }
}

/// A maximum-likelihood sBG fit: the model (this object is an SbgModel) with its diagnostics.
#[pyclass(name = "SbgFit", module = "cs_core", frozen, extends = PySbgModel)]
pub(crate) struct PySbgFit {
    inner: SbgFit,
}

#[pymethods]
impl PySbgFit {
    /// The fitted model alone.
    #[getter]
    fn model(&self) -> PySbgModel {
        PySbgModel {
            inner: self.inner.model,
        }
    }
    /// The maximised log-likelihood.
    #[getter]
    fn log_likelihood(&self) -> f64 {
        self.inner.log_likelihood
    }
    /// Standard error of alpha (observed information); None when that matrix is singular.
    #[getter]
    fn alpha_se(&self) -> Option<f64> {
        self.inner.alpha_se
    }
    /// Standard error of beta; None when the observed information is singular.
    #[getter]
    fn beta_se(&self) -> Option<f64> {
        self.inner.beta_se
    }
    /// Covariance matrix of (alpha, beta) as [[var a, cov], [cov, var b]]; None when singular.
    #[getter]
    fn covariance(&self) -> Option<[[f64; 2]; 2]> {
        self.inner.covariance
    }
    /// Newton iterations used.
    #[getter]
    fn iterations(&self) -> u32 {
        self.inner.iterations
    }
    /// Largest absolute gradient of the log-likelihood in (ln alpha, ln beta) at the estimate.
    #[getter]
    fn gradient_norm(&self) -> f64 {
        self.inner.gradient_norm
    }
    /// Number of cohorts fitted.
    #[getter]
    fn cohorts(&self) -> usize {
        self.inner.cohorts
    }
    /// Customers at the start, summed over cohorts.
    #[getter]
    fn customers(&self) -> u64 {
        self.inner.customers
    }
    /// The fit as a dict: ``model`` (the document) and the diagnostics.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    /// The fit as JSON (model and diagnostics).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner).map_err(|e| json_error("sbg fit", &e))
    }
    /// Reads a fit written by ``to_json`` (the model is checked).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Py<PySbgFit>> {
        let text = document_text(text, "JSON")?;
        let fit: SbgFit = serde_json::from_str(text).map_err(|e| json_error("sbg fit", &e))?;
        let model = SbgModel::new(fit.model.alpha(), fit.model.beta()).or_raise()?;
        Py::new(
            py,
            PyClassInitializer::from(PySbgModel { inner: model }).add_subclass(PySbgFit { inner: fit }),
        )
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.py().get_type::<PySbgFit>().getattr("from_json")?;
        Ok((from_json, (slf.get().to_json()?,)))
    }
    fn __repr__(&self) -> String {
        let f = &self.inner;
        let se = |v: Option<f64>| v.map_or_else(|| "None".to_owned(), |v| format!("{v:.4}"));
        format!(
            "SbgFit(alpha={:.4} (se {}), beta={:.4} (se {}), log_likelihood={:.4}, cohorts={}, customers={})",
            f.model.alpha(),
            se(f.alpha_se),
            f.model.beta(),
            se(f.beta_se),
            f.log_likelihood,
            f.cohorts,
            f.customers
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Backtests

fn scores_and_flags<'py>(
    scores: &Bound<'py, PyAny>,
    churned: &Bound<'py, PyAny>,
) -> PyResult<(Float<'py>, Flags<'py>)> {
    Ok((
        Float::extract(scores, "score")?,
        Flags::extract(churned, "churned")?,
    ))
}

/// ROC AUC of a score against churn, ties counted one half (scikit-learn's roc_auc_score with
/// churned as the positive class and higher scores riskier).
#[pyfunction]
pub(crate) fn roc_auc(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    churned: &Bound<'_, PyAny>,
) -> PyResult<f64> {
    let (s, c) = scores_and_flags(scores, churned)?;
    let s = s.contiguous("score")?;
    let c = c.as_slice()?;
    py.detach(|| core::roc_auc(&s, c)).or_raise()
}

/// ROC AUC with DeLong's interval: (auc, lower, upper) at `confidence`, clipped to [0, 1].
#[pyfunction]
#[pyo3(signature = (scores, churned, confidence = 0.95, *, direction = "risk"))]
pub(crate) fn roc_auc_ci(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    churned: &Bound<'_, PyAny>,
    confidence: f64,
    direction: &str,
) -> PyResult<(f64, f64, f64)> {
    let (s, c) = scores_and_flags(scores, churned)?;
    let s = s.contiguous("score")?;
    let c = c.as_slice()?;
    let (confidence, direction) = (
        confidence_of(confidence)?,
        ScoreDirection::parse(direction).or_raise()?,
    );
    let r = py
        .detach(|| core::roc_auc_interval(&s, c, direction, confidence))
        .or_raise()?;
    Ok((r.auc, r.lower, r.upper))
}

/// Paired DeLong test of two scores of the same accounts: (difference, z, p_value), with z and
/// p_value None when the difference has no variance.
#[pyfunction]
#[pyo3(signature = (scores_a, scores_b, churned, *, direction = "risk"))]
pub(crate) fn roc_auc_compare(
    py: Python<'_>,
    scores_a: &Bound<'_, PyAny>,
    scores_b: &Bound<'_, PyAny>,
    churned: &Bound<'_, PyAny>,
    direction: &str,
) -> PyResult<(f64, Option<f64>, Option<f64>)> {
    let a = Float::extract(scores_a, "scores_a")?;
    let a = a.contiguous("scores_a")?;
    let b = Float::extract(scores_b, "scores_b")?;
    let b = b.contiguous("scores_b")?;
    let c = Flags::extract(churned, "churned")?;
    let c = c.as_slice()?;
    let direction = ScoreDirection::parse(direction).or_raise()?;
    let r = py
        .detach(|| core::roc_auc_compare(&a, &b, c, direction))
        .or_raise()?;
    Ok((r.difference, r.z, r.p_value))
}

/// Harrell's concordance index of a score against censored tenures, as lifelines'
/// concordance_index: a higher score predicts a longer tenure unless `direction="risk"`.
#[pyfunction]
#[pyo3(signature = (durations, scores, observed = None, *, direction = "health"))]
pub(crate) fn concordance_index(
    py: Python<'_>,
    durations: &Bound<'_, PyAny>,
    scores: &Bound<'_, PyAny>,
    observed: Option<&Bound<'_, PyAny>>,
    direction: &str,
) -> PyResult<f64> {
    let d = Float::extract(durations, "duration")?;
    let d = d.contiguous("duration")?;
    let s = Float::extract(scores, "score")?;
    let s = s.contiguous("score")?;
    let o = flags_or_all(observed, "observed", d.len())?;
    let o = o.as_slice()?;
    let direction = ScoreDirection::parse(direction).or_raise()?;
    let c = py
        .detach(|| core::concordance_index(&d, &s, o, direction))
        .or_raise()?;
    Ok(c.index)
}

fn direction_name(d: ScoreDirection) -> &'static str {
    match d {
        ScoreDirection::HigherIsRiskier => "risk",
        ScoreDirection::HigherIsHealthier => "health",
    }
}

/// How a score ranked the accounts that churned: AUC, precision / recall / lift at the top k,
/// churn rate per score bin.
#[pyclass(name = "Backtest", module = "cs_core", frozen)]
pub(crate) struct PyBacktest {
    inner: Backtest,
}

#[pymethods]
impl PyBacktest {
    /// The result as an HTML fragment (Jupyter shows it), drawn by the report's templates.
    fn _repr_html_(&self) -> String {
        cs_report::backtest_html(&self.inner)
    }
    /// ``"risk"`` (higher is riskier) or ``"health"`` (higher is healthier).
    #[getter]
    fn direction(&self) -> &'static str {
        direction_name(self.inner.direction)
    }
    /// Accounts scored.
    #[getter]
    fn accounts(&self) -> u64 {
        self.inner.accounts
    }
    /// Accounts that churned.
    #[getter]
    fn churned(&self) -> u64 {
        self.inner.churned
    }
    /// Base churn rate, churned / accounts.
    #[getter]
    fn churn_rate(&self) -> f64 {
        self.inner.churn_rate
    }
    /// ROC AUC with ties one half; 1 means every churned account looked riskier than every
    /// retained one, whatever the direction.
    #[getter]
    fn auc(&self) -> f64 {
        self.inner.auc
    }
    /// Top-k rows (pyarrow Table): ``k``, ``churned`` (fractional when ties straddle the cut),
    /// ``precision``, ``recall``, ``lift``.
    #[getter]
    fn top<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let t = &self.inner.top;
        to_pyarrow(
            py,
            vec![
                (
                    field("k", DataType::UInt64, false),
                    u64_col(t.iter().map(|r| r.k)),
                ),
                (
                    field("churned", DataType::Float64, false),
                    float_col(t.iter().map(|r| r.churned)),
                ),
                (
                    field("precision", DataType::Float64, false),
                    float_col(t.iter().map(|r| r.precision)),
                ),
                (
                    field("recall", DataType::Float64, false),
                    float_col(t.iter().map(|r| r.recall)),
                ),
                (
                    field("lift", DataType::Float64, false),
                    float_col(t.iter().map(|r| r.lift)),
                ),
            ],
        )
    }
    /// Churn per score bin, most at risk first (pyarrow Table): ``bin``, ``accounts``,
    /// ``churned``, ``churn_rate``, ``min_score``, ``max_score`` (null for an empty bin).
    #[getter]
    fn bins<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let b = &self.inner.bins;
        let opt = |f: &dyn Fn(&core::ScoreBin) -> Option<f64>| -> ArrayRef {
            Arc::new(b.iter().map(f).collect::<Float64Array>())
        };
        to_pyarrow(
            py,
            vec![
                (
                    field("bin", DataType::UInt32, false),
                    Arc::new(b.iter().map(|r| Some(r.bin)).collect::<UInt32Array>()) as ArrayRef,
                ),
                (
                    field("accounts", DataType::UInt64, false),
                    u64_col(b.iter().map(|r| r.accounts)),
                ),
                (
                    field("churned", DataType::UInt64, false),
                    u64_col(b.iter().map(|r| r.churned)),
                ),
                (
                    field("churn_rate", DataType::Float64, true),
                    opt(&|r| r.churn_rate),
                ),
                (field("min_score", DataType::Float64, true), opt(&|r| r.min_score)),
                (field("max_score", DataType::Float64, true), opt(&|r| r.max_score)),
            ],
        )
    }
    /// The backtest as a dict (top and bins as lists of row dicts).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let d = to_python(py, &self.inner)?;
        d.set_item("direction", self.direction())?;
        Ok(d)
    }
    /// The backtest as JSON.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner).map_err(|e| json_error("backtest", &e))
    }
    fn __repr__(&self) -> String {
        let b = &self.inner;
        format!(
            "Backtest(auc={:.4}, accounts={}, churned={}, churn_rate={:.4}, direction={:?})",
            b.auc,
            b.accounts,
            b.churned,
            b.churn_rate,
            direction_name(b.direction)
        )
    }
}

fn top_k(item: &Bound<'_, PyAny>, position: usize) -> PyResult<TopK> {
    if item.is_instance_of::<pyo3::types::PyInt>() {
        return int_at(item, "top k", 1..=u64::MAX, Some(position)).map(TopK::Count);
    }
    let share: f64 = item.extract().map_err(|_| {
        raise(
            cs_core::Error::invalid(
                "top",
                item.to_string(),
                "expected a count (int) or a share of the accounts (float)",
            )
            .at(position),
        )
    })?;
    Ok(TopK::Share(share))
}

/// Backtest of a score against churn outcomes.
#[pyfunction]
#[pyo3(signature = (scores, churned, *, direction = "risk", top = None, bins = 10))]
pub(crate) fn backtest(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    churned: &Bound<'_, PyAny>,
    direction: &str,
    top: Option<&Bound<'_, PyAny>>,
    #[pyo3(from_py_with = ints::bins)] bins: u32,
) -> PyResult<PyBacktest> {
    let mut options = BacktestOptions {
        direction: ScoreDirection::parse(direction).or_raise()?,
        bins,
        ..BacktestOptions::default()
    };
    if let Some(top) = top {
        options.top = top
            .try_iter()?
            .enumerate()
            .map(|(i, item)| top_k(&item?, i))
            .collect::<PyResult<_>>()?;
    }
    let (s, c) = scores_and_flags(scores, churned)?;
    let s = s.contiguous("score")?;
    let c = c.as_slice()?;
    let inner = py.detach(|| core::backtest(&s, c, &options)).or_raise()?;
    Ok(PyBacktest { inner })
}

/// Churn rate per band: a pyarrow Table of ``band``, ``accounts``, ``churned``, ``churn_rate``.
#[pyfunction]
pub(crate) fn churn_by_band<'py>(
    py: Python<'py>,
    bands: &Bound<'py, PyAny>,
    churned: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let c = Flags::extract(churned, "churned")?;
    let c = c.as_slice()?;
    let batch = key_batch(bands, "band")?;
    check_rows("churned", batch.num_rows(), c.len())?;
    let by = vec!["band".to_owned()];
    let groups = Groups::new(&batch, &by).or_raise()?;
    let codes = groups.codes();
    let rates = py
        .detach(|| core::churn_by_band(c, |i| Ok(codes[i])))
        .or_raise()?;
    let order: Vec<u64> = rates.iter().map(|r| r.key).collect();
    let mut columns = groups.key_columns(&order).or_raise()?;
    columns.push((
        field("accounts", DataType::UInt64, false),
        u64_col(rates.iter().map(|r| r.accounts)),
    ));
    columns.push((
        field("churned", DataType::UInt64, false),
        u64_col(rates.iter().map(|r| r.churned)),
    ));
    columns.push((
        field("churn_rate", DataType::Float64, false),
        float_col(rates.iter().map(|r| r.churn_rate)),
    ));
    to_pyarrow(py, columns)
}

/// How early the red band warned of churn: per churned account the first red date on or
/// before churn, and summary rates.
#[pyclass(name = "LeadTimes", module = "cs_core", frozen)]
pub(crate) struct PyLeadTimes {
    inner: LeadTimes<String>,
}

#[pymethods]
impl PyLeadTimes {
    /// Churned accounts.
    #[getter]
    fn churned(&self) -> u64 {
        self.inner.churned
    }
    /// Churned accounts that were red at some point on or before churn.
    #[getter]
    fn flagged(&self) -> u64 {
        self.inner.flagged
    }
    /// flagged / churned (the red band's recall); None without churned accounts.
    #[getter]
    fn flagged_share(&self) -> Option<f64> {
        self.inner.flagged_share
    }
    /// Accounts that were red at some point but did not churn (false alarms).
    #[getter]
    fn red_retained(&self) -> u64 {
        self.inner.red_retained
    }
    /// flagged / (flagged + red_retained): the share of red accounts that churned.
    #[getter]
    fn red_precision(&self) -> Option<f64> {
        self.inner.red_precision
    }
    /// Mean lead time in days over flagged accounts.
    #[getter]
    fn mean_lead_days(&self) -> Option<f64> {
        self.inner.mean_lead_days
    }
    /// Median lead time in days over flagged accounts.
    #[getter]
    fn median_lead_days(&self) -> Option<f64> {
        self.inner.median_lead_days
    }
    /// One row per churned account (pyarrow Table, sorted by account): ``account``,
    /// ``churn_date``, ``first_red`` and ``lead_days`` (null when never red).
    #[getter]
    fn accounts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        use arrow_array::types::Date32Type;
        let a = &self.inner.accounts;
        to_pyarrow(
            py,
            vec![
                (
                    field("account", DataType::Utf8, false),
                    Arc::new(
                        a.iter()
                            .map(|l| Some(l.account.as_str()))
                            .collect::<StringArray>(),
                    ) as ArrayRef,
                ),
                (
                    field("churn_date", DataType::Date32, false),
                    Arc::new(
                        a.iter()
                            .map(|l| Some(Date32Type::from_naive_date(l.churn_date)))
                            .collect::<Date32Array>(),
                    ),
                ),
                (
                    field("first_red", DataType::Date32, true),
                    Arc::new(
                        a.iter()
                            .map(|l| l.first_red.map(Date32Type::from_naive_date))
                            .collect::<Date32Array>(),
                    ),
                ),
                (
                    field("lead_days", DataType::Int64, true),
                    Arc::new(a.iter().map(|l| l.lead_days).collect::<Int64Array>()),
                ),
            ],
        )
    }
    /// The summary and the per-account rows as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    fn __repr__(&self) -> String {
        let l = &self.inner;
        let opt = |v: Option<f64>| v.map_or_else(|| "None".to_owned(), |v| format!("{v:.1}"));
        format!(
            "LeadTimes(churned={}, flagged={}, red_retained={}, median_lead_days={})",
            l.churned,
            l.flagged,
            l.red_retained,
            opt(l.median_lead_days)
        )
    }
}

fn text_column(batch: &RecordBatch, name: &str) -> PyResult<Vec<String>> {
    let array = column(batch, name)?;
    let text = arrow_cast::cast(array, &DataType::Utf8).map_err(|e| {
        raise(cs_core::Error::invalid(
            format!("column {name}"),
            format!("type {}", array.data_type()),
            e.to_string(),
        ))
    })?;
    let text = arrow_array::cast::AsArray::as_string::<i32>(&text);
    (0..text.len())
        .map(|i| {
            if text.is_null(i) {
                Err(raise(cs_core::Error::Missing {
                    field: name.to_owned(),
                    position: Some(i),
                }))
            } else {
                Ok(text.value(i).to_owned())
            }
        })
        .collect()
}

/// Lead time between the first red band and churn, from a score history table (account,
/// date, red flag) and a churn table (account, churn date).
#[pyfunction]
#[pyo3(signature = (history, churns, account, date, red, churn_date))]
pub(crate) fn _red_lead_times(
    py: Python<'_>,
    history: AnyRecordBatch,
    churns: AnyRecordBatch,
    account: &str,
    date: &str,
    red: &str,
    churn_date: &str,
) -> PyResult<PyLeadTimes> {
    let history = read_table(history)?;
    let churns = read_table(churns)?;
    let accounts = text_column(&history, account)?;
    let dates: Vec<NaiveDate> =
        crate::input::Dates::from_arrow(column(&history, date)?, date)?.required(date)?;
    let flags = Flags::from_arrow(&[column(&history, red)?.clone()], red)?;
    let churned = text_column(&churns, account)?;
    let churn_dates =
        crate::input::Dates::from_arrow(column(&churns, churn_date)?, churn_date)?.required(churn_date)?;
    let flags = flags.as_slice()?;
    let inner = py
        .detach(|| core::red_lead_times(&accounts, &dates, flags, &churned, &churn_dates))
        .or_raise()?;
    Ok(PyLeadTimes { inner })
}
