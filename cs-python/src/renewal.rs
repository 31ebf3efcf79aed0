//! `cs_core.Contract`, renewal stages, `RiskModel` (score, fit, evaluate, explain), ARR at
//! risk, revenue retention, churn reasons and expansion signals.

use std::fmt::Write as _;
use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field};
use chrono::NaiveDate;
use cs_arrow::AccountBatch;
use cs_core::document::Document;
use cs_core::nps::Category;
use cs_core::pipeline::{MissingInputs, Pipeline};
use cs_core::portfolio::Column;
use cs_core::renewal::{
    self as core, Contract, ContractRecord, FitOptions, RenewalOutcome, RenewalStatus, RenewalWindows,
    RiskModel, RiskTable, RiskTier, TierThresholds,
};
use cs_core::revenue::{self, ChurnReason, ExpansionCriteria, Snapshot};
use numpy::{PyArray1, PyArrayMethods};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::input::AnyRecordBatch;

use crate::error::{OrRaise, raise};
use crate::input::{
    Owned, bools, column, date_arg, document_text, float_array, float_column, from_python, int_array,
    int_column, ints, optional, parsed, read_table, text,
};
use crate::output::{date_array, to_pyarrow, to_python};

fn json_error(e: impl std::fmt::Display) -> PyErr {
    raise(cs_core::Error::Parse {
        format: "JSON".into(),
        message: e.to_string(),
    })
}

/// A dict (or any JSON-like Python value) as JSON text, through the standard `json` module.
pub(crate) fn to_json_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    crate::input::document_json(obj)
}

/// Any supported table (pandas, polars, pyarrow, dict of columns) as one record batch, through
/// the Python helper `cs_core._to_arrow`.
pub(crate) fn batch_of(table: &Bound<'_, PyAny>) -> PyResult<RecordBatch> {
    let py = table.py();
    let arrow = py
        .import(intern!(py, "cs_core"))?
        .getattr(intern!(py, "_to_arrow"))?
        .call1((table,))?;
    read_table(arrow.extract::<AnyRecordBatch>()?)
}

/// `table` with the columns of the pyarrow table `added` appended (replacing same-named ones),
/// as the caller's table type (`cs_core._append_columns`).
pub(crate) fn append<'py>(
    table: &Bound<'py, PyAny>,
    added: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = table.py();
    py.import(intern!(py, "cs_core"))?
        .getattr(intern!(py, "_append_columns"))?
        .call1((table, added))
}

/// The pyarrow table `result` as the caller's table type (`cs_core._like_table`).
pub(crate) fn like<'py>(table: &Bound<'py, PyAny>, result: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = table.py();
    py.import(intern!(py, "cs_core"))?
        .getattr(intern!(py, "_like_table"))?
        .call1((table, result))
}

fn outcome_of(text: &str) -> cs_core::Result<RenewalOutcome> {
    RenewalOutcome::parse(text)
}

fn windows(
    planning_days: u32,
    internal_review_days: u32,
    imminent_days: u32,
    grace_days: u32,
) -> PyResult<RenewalWindows> {
    let w = RenewalWindows {
        planning_days,
        internal_review_days,
        imminent_days,
        grace_days,
    };
    w.validate().or_raise()?;
    Ok(w)
}

// --- contracts and renewal stages ---

/// One account's subscription contract: ARR (integer minor units), term dates, auto-renewal and
/// notice period, and the renewal contact with whether they are the confirmed decision maker.
/// Validated on construction: a renewal date not after the start, negative ARR, a blank id, a
/// term over 120 months or a notice deadline before the start raise CsError.
#[pyclass(name = "Contract", module = "cs_core", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct PyContract {
    pub(crate) inner: Contract,
}

#[pymethods]
impl PyContract {
    #[new]
    #[pyo3(signature = (account_id, arr, start, renewal_date, *, term_months = None, auto_renew = false,
        notice_days = 0, renewal_contact = None, contact_confirmed = false, segment = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        account_id: String,
        #[pyo3(from_py_with = ints::arr)] arr: i64,
        start: &Bound<'_, PyAny>,
        renewal_date: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = ints::term_months)] term_months: Option<u32>,
        auto_renew: bool,
        #[pyo3(from_py_with = ints::notice_days)] notice_days: u32,
        renewal_contact: Option<String>,
        contact_confirmed: bool,
        segment: Option<String>,
    ) -> PyResult<Self> {
        if contact_confirmed && renewal_contact.is_none() {
            return Err(raise(cs_core::Error::invalid(
                "contact confirmed",
                true,
                "needs a renewal contact",
            )));
        }
        let record = ContractRecord {
            account_id,
            arr,
            start: date_arg(start, "start")?,
            renewal_date: date_arg(renewal_date, "renewal date")?,
            term_months,
            auto_renew,
            notice_days,
            renewal_contact: renewal_contact.map(|name| core::RenewalContact {
                name,
                confirmed_decision_maker: contact_confirmed,
            }),
            segment,
        };
        Ok(PyContract {
            inner: Contract::try_from(record).or_raise()?,
        })
    }
    /// Account identifier.
    #[getter]
    fn account_id(&self) -> &str {
        self.inner.account_id()
    }
    /// ARR in integer minor units.
    #[getter]
    fn arr(&self) -> i64 {
        self.inner.arr()
    }
    /// First day of the current term.
    #[getter]
    fn start(&self) -> NaiveDate {
        self.inner.start()
    }
    /// The renewal (anniversary) date.
    #[getter]
    fn renewal_date(&self) -> NaiveDate {
        self.inner.renewal_date()
    }
    /// Term length in months (from the dates unless given).
    #[getter]
    fn term_months(&self) -> u32 {
        self.inner.term_months()
    }
    /// Whether the contract renews automatically unless notice is given.
    #[getter]
    fn auto_renew(&self) -> bool {
        self.inner.auto_renew()
    }
    /// Notice period in days.
    #[getter]
    fn notice_days(&self) -> u32 {
        self.inner.notice_days()
    }
    /// Name or e-mail of the renewal contact, if known.
    #[getter]
    fn renewal_contact(&self) -> Option<&str> {
        self.inner.renewal_contact().map(|c| c.name.as_str())
    }
    /// True when the renewal contact is the confirmed decision maker.
    #[getter]
    fn contact_confirmed(&self) -> bool {
        self.inner.contact_confirmed()
    }
    /// The segment, if set.
    #[getter]
    fn segment(&self) -> Option<&str> {
        self.inner.segment()
    }
    /// For an auto-renewing contract, the last day to give notice: renewal date - notice days.
    #[getter]
    fn notice_deadline(&self) -> Option<NaiveDate> {
        self.inner.notice_deadline()
    }
    /// Days from ``as_of`` to the renewal date (negative once passed).
    fn days_to_renewal(&self, as_of: &Bound<'_, PyAny>) -> PyResult<i64> {
        Ok(self.inner.days_to_renewal(date_arg(as_of, "as of")?))
    }
    /// The renewal status on ``as_of`` (see ``renewal_stage``).
    #[pyo3(signature = (as_of, outcome = "open", *, planning_days = 180, internal_review_days = 90,
        imminent_days = 30, grace_days = 30))]
    fn status(
        &self,
        as_of: &Bound<'_, PyAny>,
        outcome: &str,
        #[pyo3(from_py_with = ints::planning_days)] planning_days: u32,
        #[pyo3(from_py_with = ints::internal_review_days)] internal_review_days: u32,
        #[pyo3(from_py_with = ints::imminent_days)] imminent_days: u32,
        #[pyo3(from_py_with = ints::grace_days)] grace_days: u32,
    ) -> PyResult<PyRenewalStatus> {
        let w = windows(planning_days, internal_review_days, imminent_days, grace_days)?;
        let as_of = date_arg(as_of, "as of")?;
        Ok(PyRenewalStatus {
            inner: w.status(&self.inner, as_of, outcome_of(outcome).or_raise()?),
        })
    }
    /// The contract as a dict (dates as ISO strings).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    /// A contract from a dict as written by ``to_dict`` (validated; unknown keys rejected).
    #[staticmethod]
    fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<PyContract> {
        PyContract::from_json(&to_json_text(data)?)
    }
    /// The contract as JSON.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner).map_err(json_error)
    }
    /// A contract from JSON (validated; unknown keys rejected).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<PyContract> {
        let text = document_text(text, "JSON")?;
        let inner: Contract = serde_json::from_str(text).map_err(|e| json_error(format!("contract: {e}")))?;
        Ok(PyContract { inner })
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.get_type().getattr("from_json")?;
        Ok((from_json, (slf.get().to_json()?,)))
    }
    fn __repr__(&self) -> String {
        let c = &self.inner;
        let mut s = format!(
            "Contract(account_id={:?}, arr={}, start={}, renewal_date={}, term_months={}",
            c.account_id(),
            c.arr(),
            c.start(),
            c.renewal_date(),
            c.term_months()
        );
        if c.auto_renew() {
            let _ = write!(s, ", auto_renew=True, notice_days={}", c.notice_days());
        }
        if let Some(contact) = c.renewal_contact() {
            let _ = write!(
                s,
                ", renewal_contact={:?}, contact_confirmed={}",
                contact.name,
                if contact.confirmed_decision_maker {
                    "True"
                } else {
                    "False"
                }
            );
        }
        if let Some(seg) = c.segment() {
            let _ = write!(s, ", segment={seg:?}");
        }
        s + ")"
    }
}

/// A contract's renewal position on a date: its stage and the dates that matter.
#[pyclass(name = "RenewalStatus", module = "cs_core", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct PyRenewalStatus {
    inner: RenewalStatus,
}

#[pymethods]
impl PyRenewalStatus {
    /// early, planning, internal_review_due, imminent, overdue, lapsed, renewed or churned.
    #[getter]
    fn stage(&self) -> &'static str {
        self.inner.stage.as_str()
    }
    /// Days from the as-of date to the renewal date (negative once passed).
    #[getter]
    fn days_to_renewal(&self) -> i64 {
        self.inner.days_to_renewal
    }
    /// The day planning starts (renewal date - planning days).
    #[getter]
    fn planning_from(&self) -> Option<NaiveDate> {
        self.inner.planning_from
    }
    /// The day the internal renewal review is due by (renewal date - internal review days).
    #[getter]
    fn review_by(&self) -> Option<NaiveDate> {
        self.inner.internal_review_by
    }
    /// For auto-renewing contracts, the last day to give notice of non-renewal.
    #[getter]
    fn notice_deadline(&self) -> Option<NaiveDate> {
        self.inner.notice_deadline
    }
    /// Days from the as-of date to the notice deadline (negative once passed).
    #[getter]
    fn days_to_notice_deadline(&self) -> Option<i64> {
        self.inner.days_to_notice_deadline
    }
    /// The status as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    fn __repr__(&self) -> String {
        let s = &self.inner;
        let mut out = format!(
            "RenewalStatus(stage={:?}, days_to_renewal={}",
            s.stage.as_str(),
            s.days_to_renewal
        );
        if let Some(r) = s.internal_review_by {
            let _ = write!(out, ", review_by={r}");
        }
        if let Some(n) = s.notice_deadline {
            let _ = write!(out, ", notice_deadline={n}");
        }
        out + ")"
    }
}

/// Renewal stages of a table of contracts; returns a pyarrow table of the added columns
/// (stage, days_to_renewal, review_by, notice_deadline).
#[pyfunction]
#[pyo3(signature = (table, as_of, renewal_date, auto_renew, notice_days, outcome, planning_days,
    internal_review_days, imminent_days, grace_days))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _renewal_stages<'py>(
    py: Python<'py>,
    table: &Bound<'py, PyAny>,
    as_of: &Bound<'py, PyAny>,
    renewal_date: &str,
    auto_renew: Option<&str>,
    notice_days: Option<&str>,
    outcome: Option<&str>,
    #[pyo3(from_py_with = ints::planning_days)] planning_days: u32,
    #[pyo3(from_py_with = ints::internal_review_days)] internal_review_days: u32,
    #[pyo3(from_py_with = ints::imminent_days)] imminent_days: u32,
    #[pyo3(from_py_with = ints::grace_days)] grace_days: u32,
) -> PyResult<Bound<'py, PyAny>> {
    let w = windows(planning_days, internal_review_days, imminent_days, grace_days)?;
    let as_of = date_arg(as_of, "as of")?;
    let batch = batch_of(table)?;
    let dates = crate::input::Dates::from_arrow(column(&batch, renewal_date)?, renewal_date)?
        .optional(renewal_date)?;
    let auto = optional(&batch, auto_renew)
        .map(|a| bools(a, auto_renew.unwrap_or_default()))
        .transpose()?;
    let notice: Option<Owned<u32>> = match optional(&batch, notice_days) {
        Some(a) => {
            let name = notice_days.unwrap_or_default();
            let ints = int_array(a, name)?;
            let col = int_column(&ints, name)?;
            let mut values = Vec::with_capacity(col.len());
            for i in 0..col.len() {
                values.push(match col.get(i) {
                    None => None,
                    Some(v) => Some(
                        u32::try_from(v)
                            .map_err(|_| raise(cs_core::Error::out_of_range(name, v, "0..=365").at(i)))?,
                    ),
                });
            }
            Some(crate::input::from_options(values, 0))
        }
        None => None,
    };
    let outcomes = match outcome {
        Some(name) => Some(parsed(
            column(&batch, name)?,
            name,
            &RenewalOutcome::ALL,
            false,
            outcome_of,
        )?),
        None => None,
    };
    let date_col = dates.column(renewal_date)?;
    let auto_col = auto.as_ref().map(|a| a.column("auto_renew")).transpose()?;
    let notice_col = notice.as_ref().map(|a| a.column("notice_days")).transpose()?;
    let outcome_col = outcomes.as_ref().map(|a| a.column("outcome")).transpose()?;
    let statuses = py
        .detach(|| w.statuses(date_col, as_of, auto_col, notice_col, outcome_col))
        .or_raise()?;
    let stage: StringArray = statuses.iter().map(|s| s.map(|s| s.stage.as_str())).collect();
    let days: Int64Array = statuses.iter().map(|s| s.map(|s| s.days_to_renewal)).collect();
    to_pyarrow(
        py,
        vec![
            (
                Field::new("stage", DataType::Utf8, true),
                Arc::new(stage) as ArrayRef,
            ),
            (
                Field::new("days_to_renewal", DataType::Int64, true),
                Arc::new(days),
            ),
            (
                Field::new("review_by", DataType::Date32, true),
                date_array(statuses.iter().map(|s| s.and_then(|s| s.internal_review_by))),
            ),
            (
                Field::new("notice_deadline", DataType::Date32, true),
                date_array(statuses.iter().map(|s| s.and_then(|s| s.notice_deadline))),
            ),
        ],
    )
}

// --- the risk model ---

/// The risk inputs of `batch` for `model`, read through the table layer and the core
/// pipeline: each standard input from its own column or derived from raw columns (NPS
/// category from the 0-10 answer, days to renewal from the renewal date with `as_of`, health
/// from the scorecard's measures, ...), plus the model's own inputs.
struct Inputs {
    accounts: AccountBatch,
    pipeline: Pipeline,
    as_of: Option<NaiveDate>,
    rows: usize,
}

impl Inputs {
    /// Reads the columns the pipeline knows (without the GIL). With `require_as_of`, a table
    /// that needs the evaluation date for a derivation and has none is an error (scoring);
    /// without, date-relative inputs stay absent (histories).
    fn read(
        py: Python<'_>,
        batch: &RecordBatch,
        model: &RiskModel,
        as_of: Option<NaiveDate>,
        require_as_of: bool,
    ) -> PyResult<Inputs> {
        let pipeline = Pipeline {
            model: model.clone(),
            ..Pipeline::default()
        };
        py.detach(|| {
            let accounts = AccountBatch::with_optional_ids(batch, &pipeline, "account_id")?;
            if require_as_of {
                pipeline.require_as_of(&accounts.table()?, as_of)?;
            }
            Ok::<_, cs_core::Error>(accounts)
        })
        .map(|accounts| Inputs {
            accounts,
            pipeline,
            as_of,
            rows: batch.num_rows(),
        })
        .or_raise()
    }

    /// The risk inputs, found or derived (without the GIL): float columns stay the table's
    /// buffers.
    fn derive(&self, py: Python<'_>) -> PyResult<cs_core::pipeline::RiskInputs<'_>> {
        py.detach(|| {
            let table = self.accounts.table()?;
            let (_, inputs) = self.pipeline.health_and_inputs(&table, self.as_of)?;
            Ok(inputs)
        })
        .or_raise()
    }
}

/// The model to use on `table`, by the core's rule for missing inputs
/// ([`MissingInputs::model_for`]): `drop_missing` True leaves out the factors whose input the
/// table lacks, False keeps them (scoring then names the missing input), None is the core's
/// default ([`MissingInputs::default`]: leave them out), with a warning naming them.
fn usable(
    py: Python<'_>,
    model: &RiskModel,
    table: &RiskTable<'_>,
    drop_missing: Option<bool>,
) -> PyResult<RiskModel> {
    let policy = match drop_missing {
        None => MissingInputs::default(),
        Some(true) => MissingInputs::Drop,
        Some(false) => MissingInputs::Error,
    };
    let (model, dropped) = policy.model_for(model, table);
    if drop_missing.is_none() {
        warn_dropped(py, &dropped)?;
    }
    Ok(model)
}

/// A `UserWarning` naming the risk factors left out for want of input (none: no warning).
pub(crate) fn warn_dropped(py: Python<'_>, dropped: &[String]) -> PyResult<()> {
    if dropped.is_empty() {
        return Ok(());
    }
    let message = format!(
        "risk factors left out, the table has no input for them (they count as typical): {}; \
         pass drop_missing=False to make this an error, True to silence it",
        dropped.join(", ")
    );
    let category = py.get_type::<pyo3::exceptions::PyUserWarning>();
    PyErr::warn(
        py,
        &category,
        &std::ffi::CString::new(message).unwrap_or_default(),
        1,
    )
}

/// An outcome column as churned flags: booleans, 0 / 1, or "churned" / "renewed".
fn churned_flags(array: &ArrayRef, name: &str) -> PyResult<Owned<bool>> {
    let dt = array.data_type();
    if dt == &DataType::Boolean || dt.is_numeric() || dt == &DataType::Null {
        return bools(array, name);
    }
    let t = text(array, name)?;
    let mut out = Vec::with_capacity(t.len());
    for (i, v) in t.iter().enumerate() {
        out.push(match v {
            None => None,
            Some(s) => match RenewalOutcome::parse(s).map_err(|e| raise(e.at(i)))? {
                RenewalOutcome::Churned => Some(true),
                RenewalOutcome::Renewed => Some(false),
                RenewalOutcome::Open => {
                    return Err(raise(
                        cs_core::Error::invalid(
                            name,
                            "\"open\"",
                            "a fit needs decided renewals: churned or renewed",
                        )
                        .at(i),
                    ));
                }
            },
        });
    }
    Ok(crate::input::from_options(out, false))
}

/// An explainable logistic model of churn at renewal, a serialisable document.
///
/// risk = 1 / (1 + exp(-(intercept + sum_j coefficient_j * (transform_j(x_j) - center_j) /
/// scale_j))). Each term is a factor's contribution in log-odds; the largest positive ones are
/// the account's reason codes. ``RiskModel.default()`` is the documented expert prior (10 %
/// baseline risk); ``RiskModel.fit`` estimates coefficients from past renewals.
#[pyclass(name = "RiskModel", module = "cs_core", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct PyRiskModel {
    pub(crate) inner: RiskModel,
}

impl PyRiskModel {
    /// Per-factor values paired with the factor names, in factor order.
    fn named(&self, values: &[f64]) -> Vec<(String, f64)> {
        self.inner
            .factors
            .iter()
            .zip(values)
            .map(|(f, v)| (f.name.clone(), *v))
            .collect()
    }
}

#[pymethods]
impl PyRiskModel {
    /// The built-in model: 15 factors with documented coefficients, tiers 0.15 / 0.30 / 0.50.
    #[staticmethod]
    fn default() -> PyRiskModel {
        PyRiskModel {
            inner: RiskModel::default(),
        }
    }
    /// A model from JSON (validated; unknown keys rejected).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<PyRiskModel> {
        let text = document_text(text, "JSON")?;
        Ok(PyRiskModel {
            inner: RiskModel::from_json(text).or_raise()?,
        })
    }
    /// A model from TOML (validated; unknown keys rejected).
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<PyRiskModel> {
        let text = document_text(text, "TOML")?;
        Ok(PyRiskModel {
            inner: RiskModel::from_toml(text).or_raise()?,
        })
    }
    /// A model from a dict as written by ``to_dict``.
    #[staticmethod]
    fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<PyRiskModel> {
        PyRiskModel::from_json(&to_json_text(data)?)
    }
    /// The model as JSON.
    fn to_json(&self) -> PyResult<String> {
        self.inner.to_json().or_raise()
    }
    /// The model as TOML.
    fn to_toml(&self) -> PyResult<String> {
        self.inner.to_toml().or_raise()
    }
    /// The model as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    /// The model's name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }
    /// Log-odds of churn for an account at every factor's center.
    #[getter]
    fn intercept(&self) -> f64 {
        self.inner.intercept
    }
    /// The factors as dicts (name, input, transform, center, scale, coefficient, ...).
    #[getter]
    fn factors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.factors)
    }
    /// Factor names, in model order.
    #[getter]
    fn factor_names(&self) -> Vec<String> {
        self.inner.factors.iter().map(|f| f.name.clone()).collect()
    }
    /// Factor name -> coefficient (log-odds per scale unit).
    #[getter]
    fn coefficients(&self) -> Vec<(String, f64)> {
        self.inner
            .factors
            .iter()
            .map(|f| (f.name.clone(), f.coefficient))
            .collect()
    }
    /// Factor name -> standard error of its coefficient, in the order of ``coefficients``;
    /// None for a configured model or a fit whose Hessian is not invertible.
    #[getter]
    fn standard_errors(&self) -> Option<Vec<(String, f64)>> {
        let se = self.inner.standard_errors()?;
        Some(self.named(se))
    }
    /// Factor name -> Wald z (coefficient / standard error), in the order of ``coefficients``.
    #[getter]
    fn z_values(&self) -> Option<Vec<(String, f64)>> {
        Some(self.named(&self.inner.z_values()?))
    }
    /// Factor name -> two-sided p-value of its z, in the order of ``coefficients``.
    #[getter]
    fn p_values(&self) -> Option<Vec<(String, f64)>> {
        Some(self.named(&self.inner.p_values()?))
    }
    /// The likelihood-ratio test against the intercept-only model (statistic,
    /// degrees_of_freedom, p_value) as a dict; None for a configured model.
    #[getter]
    fn likelihood_ratio<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .likelihood_ratio()
            .map(|t| to_python(py, &t))
            .transpose()
    }
    /// The model as one linear predictor of its raw inputs, ``(intercept, slopes)`` with the
    /// slopes in factor order, when every factor reads its input as is (identity transform);
    /// None otherwise. The form of scikit-learn's ``intercept_`` and ``coef_``.
    fn linear_in_inputs(&self) -> Option<(f64, Vec<f64>)> {
        self.inner.linear_in_inputs().map(|l| (l.intercept, l.slopes))
    }
    /// Whether standard errors, z, p-values and the likelihood-ratio test are approximate
    /// (the fit was penalised).
    #[getter]
    fn inference_is_approximate(&self) -> bool {
        self.inner.inference_is_approximate()
    }
    /// Tier thresholds as a dict: the lowest risk of the medium, high and critical tiers.
    #[getter]
    fn tiers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.tiers)
    }
    /// Reason codes reported per account.
    #[getter]
    fn reason_count(&self) -> usize {
        self.inner.reason_count
    }
    /// How the coefficients were estimated (a dict), or None for a configured model.
    #[getter]
    fn fit_report<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner.fit.as_ref().map(|f| to_python(py, f)).transpose()
    }
    /// A copy with other tier thresholds and/or number of reason codes.
    #[pyo3(signature = (*, medium = None, high = None, critical = None, reason_count = None))]
    fn with_tiers(
        &self,
        medium: Option<f64>,
        high: Option<f64>,
        critical: Option<f64>,
        #[pyo3(from_py_with = ints::reason_count)] reason_count: Option<usize>,
    ) -> PyResult<PyRiskModel> {
        let mut m = self.inner.clone();
        let t = m.tiers;
        m.tiers = TierThresholds {
            medium: medium.unwrap_or(t.medium),
            high: high.unwrap_or(t.high),
            critical: critical.unwrap_or(t.critical),
        };
        m.reason_count = reason_count.unwrap_or(m.reason_count);
        m.validate().or_raise()?;
        Ok(PyRiskModel { inner: m })
    }
    /// The model without the factors whose input column ``table`` lacks, and their names.
    fn restricted_to(&self, table: &Bound<'_, PyAny>) -> PyResult<(PyRiskModel, Vec<String>)> {
        let batch = batch_of(table)?;
        let read = Inputs::read(table.py(), &batch, &self.inner, None, false)?;
        let inputs = read.derive(table.py())?;
        let (inner, dropped) = self.inner.restricted_to(&inputs.table().or_raise()?);
        Ok((PyRiskModel { inner }, dropped))
    }
    /// Scores every row of ``table`` and returns it (same type) with columns added: ``risk``,
    /// ``log_odds``, ``tier`` and ``reason_1`` .. ``reason_k`` with ``reason_i_contribution``
    /// (log-odds). Inputs are the columns named after the factors' inputs, or derived from
    /// raw account columns exactly as ``cs risk`` derives them (``nps`` answer -> NPS category,
    /// ``renewal_date`` -> days to renewal with ``as_of``, ``licence_utilisation``,
    /// ``high_priority_tickets``, ``previous_arr``, the scorecard's measures -> health); null
    /// or NaN is unknown. A factor without input is left out with a warning naming it (the
    /// library's default, as ``cs risk``); ``drop_missing=True`` leaves it out silently,
    /// ``drop_missing=False`` raises CsError naming the input.
    #[pyo3(signature = (table, *, drop_missing = None, as_of = None))]
    fn score<'py>(
        &self,
        table: &Bound<'py, PyAny>,
        drop_missing: Option<bool>,
        as_of: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = table.py();
        let as_of = as_of.map(|d| date_arg(d, "as of")).transpose()?;
        let batch = batch_of(table)?;
        let read = Inputs::read(py, &batch, &self.inner, as_of, true)?;
        let inputs = read.derive(py)?;
        let risk_table = inputs.table().or_raise()?;
        let model = usable(py, &self.inner, &risk_table, drop_missing)?;
        let columns = py
            .detach(|| cs_arrow::output::risk_columns(model.score(&risk_table)?))
            .or_raise()?;
        append(table, to_pyarrow(py, columns)?)
    }
    /// The standardised design matrix (rows x factors, numpy float64) the model weighs: hand
    /// it to another logistic regression to compare fits.
    #[pyo3(signature = (table, *, drop_missing = None))]
    fn design_matrix<'py>(
        &self,
        table: &Bound<'py, PyAny>,
        drop_missing: Option<bool>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = table.py();
        let batch = batch_of(table)?;
        let read = Inputs::read(py, &batch, &self.inner, None, false)?;
        let inputs = read.derive(py)?;
        let risk_table = inputs.table().or_raise()?;
        let model = usable(py, &self.inner, &risk_table, drop_missing)?;
        let p = model.factors.len();
        let x = py.detach(|| model.design_matrix(&risk_table)).or_raise()?;
        let rows = read.rows;
        Ok(PyArray1::from_vec(py, x).reshape([rows, p])?.into_any())
    }
    /// Estimates intercept and coefficients from past renewals by L2-regularised logistic
    /// regression (scikit-learn's objective: summed log-loss + ||w||^2 / (2C), intercept not
    /// penalised; Newton's method). ``table`` holds the inputs as of some days before each
    /// renewal, ``outcome`` the result (bool churned, 0/1, or "churned"/"renewed"). The
    /// factors of ``template`` (default: the built-in model) are kept, their centers and scales
    /// re-estimated when ``standardise``. ``C=None`` fits without a penalty. The returned
    /// model's ``fit_report`` records convergence and perfect separation.
    #[staticmethod]
    #[pyo3(signature = (table, outcome = "churned", *, C = Some(1.0), standardise = true,
        max_iterations = 100, tolerance = 1e-10, template = None, drop_missing = None),
        text_signature = "(table, outcome='churned', *, C=1.0, standardise=True, max_iterations=100, tolerance=1e-10, template=None, drop_missing=None)")]
    #[allow(non_snake_case, clippy::too_many_arguments)]
    fn fit(
        py: Python<'_>,
        table: &Bound<'_, PyAny>,
        outcome: &str,
        C: Option<f64>,
        standardise: bool,
        #[pyo3(from_py_with = ints::max_iterations)] max_iterations: u32,
        tolerance: f64,
        template: Option<&PyRiskModel>,
        drop_missing: Option<bool>,
    ) -> PyResult<PyRiskModel> {
        let template = template.map_or_else(RiskModel::default, |t| t.inner.clone());
        let batch = batch_of(table)?;
        let read = Inputs::read(py, &batch, &template, None, false)?;
        let inputs = read.derive(py)?;
        let risk_table = inputs.table().or_raise()?;
        let model = usable(py, &template, &risk_table, drop_missing)?;
        let churned = churned_flags(column(&batch, outcome)?, outcome)?;
        let churned = churned.column(outcome)?;
        let options = FitOptions {
            c: C,
            standardise,
            max_iterations,
            tolerance,
        };
        let inner = py
            .detach(|| model.fit(&risk_table, churned, &options))
            .or_raise()?;
        Ok(PyRiskModel { inner })
    }
    /// Scores ``table`` and compares with the outcomes: ROC AUC, Brier score, log-loss, churn
    /// rate and ARR per tier, calibration by decile (use a held-out set).
    #[pyo3(signature = (table, outcome = "churned", arr = None, *, drop_missing = None))]
    fn evaluate(
        &self,
        py: Python<'_>,
        table: &Bound<'_, PyAny>,
        outcome: &str,
        arr: Option<&str>,
        drop_missing: Option<bool>,
    ) -> PyResult<PyRiskEvaluation> {
        let batch = batch_of(table)?;
        let read = Inputs::read(py, &batch, &self.inner, None, false)?;
        let inputs = read.derive(py)?;
        let risk_table = inputs.table().or_raise()?;
        let model = usable(py, &self.inner, &risk_table, drop_missing)?;
        let churned = churned_flags(column(&batch, outcome)?, outcome)?;
        let churned = churned.column(outcome)?;
        let arr_array = arr.map(|a| int_array(column(&batch, a)?, a)).transpose()?;
        let arr_col = match (&arr_array, arr) {
            (Some(a), Some(name)) => Some(int_column(a, name)?),
            _ => None,
        };
        let inner = py
            .detach(|| model.evaluate(&risk_table, churned, arr_col))
            .or_raise()?;
        Ok(PyRiskEvaluation { inner })
    }
    /// One account's risk from a mapping of input name -> value (None: unknown): a dict with
    /// risk, log_odds, tier and reasons (factor, contribution), largest first. Inputs the
    /// mapping lacks are unknown.
    fn explain<'py>(&self, py: Python<'py>, inputs: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
        let mut names = Vec::new();
        let mut values = Vec::new();
        for (k, v) in inputs.iter() {
            let name: String = k.extract()?;
            let value = if v.is_none() {
                f64::NAN
            } else if let Ok(s) = v.extract::<String>() {
                if name == core::inputs::NPS_CATEGORY {
                    Category::parse(&s).or_raise()?.index() as f64
                } else {
                    return Err(raise(cs_core::Error::invalid(
                        name,
                        format!("{s:?}"),
                        "expected a number",
                    )));
                }
            } else {
                v.extract::<f64>()?
            };
            names.push(name);
            values.push([value]);
        }
        let mut table = RiskTable::new(1);
        for (n, v) in names.iter().zip(&values) {
            table = table.with(Column::new(n, v)).or_raise()?;
        }
        let (model, _) = self.inner.restricted_to(&table);
        let scores = model.score(&table).or_raise()?;
        let d = PyDict::new(py);
        d.set_item("risk", scores.risk[0])?;
        d.set_item("log_odds", scores.log_odds[0])?;
        d.set_item("tier", scores.tier[0].as_str())?;
        d.set_item("reasons", to_python(py, &scores.reasons(0))?)?;
        Ok(d.into_any())
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.get_type().getattr("from_json")?;
        Ok((from_json, (slf.get().to_json()?,)))
    }
    fn __repr__(&self) -> String {
        let m = &self.inner;
        let fitted = m.fit.as_ref().map_or_else(
            || "configured".to_owned(),
            |f| format!("fitted on {} rows, {}", f.rows, f.message),
        );
        format!(
            "RiskModel(name={:?}, factors={}, intercept={:.4}, tiers={}/{}/{}, {fitted})",
            m.name,
            m.factors.len(),
            m.intercept,
            m.tiers.medium,
            m.tiers.high,
            m.tiers.critical
        )
    }
}

/// How well a risk model's scores match outcomes.
#[pyclass(name = "RiskEvaluation", module = "cs_core", frozen)]
pub(crate) struct PyRiskEvaluation {
    inner: core::Evaluation,
}

#[pymethods]
impl PyRiskEvaluation {
    /// The result as an HTML fragment (Jupyter shows it), drawn by the report's templates.
    fn _repr_html_(&self) -> String {
        cs_report::risk_evaluation_html(&self.inner)
    }
    /// Rows evaluated.
    #[getter]
    fn rows(&self) -> u64 {
        self.inner.rows
    }
    /// Rows that churned.
    #[getter]
    fn churned(&self) -> u64 {
        self.inner.churned
    }
    /// ROC AUC (Mann-Whitney, ties count one half); None without both outcomes.
    #[getter]
    fn auc(&self) -> Option<f64> {
        self.inner.auc
    }
    /// Mean squared error of the risks.
    #[getter]
    fn brier(&self) -> f64 {
        self.inner.brier
    }
    /// Mean log-loss of the risks.
    #[getter]
    fn log_loss(&self) -> f64 {
        self.inner.log_loss
    }
    /// Per tier (low to critical): accounts, churned, churn_rate, mean_risk, arr, churned_arr.
    #[getter]
    fn by_tier<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.by_tier)
    }
    /// Per risk decile (1 = lowest): accounts, churned, mean_risk (the expected rate),
    /// churn_rate (observed) and its 95 % Wilson interval churn_rate_lower / churn_rate_upper.
    #[getter]
    fn calibration<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.calibration)
    }
    /// Murphy's decomposition of the Brier score over the deciles: reliability, resolution,
    /// uncertainty and within_bin (brier = reliability - resolution + uncertainty + within_bin).
    #[getter]
    fn brier_decomposition<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.brier_decomposition)
    }
    /// Everything as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    fn __repr__(&self) -> String {
        let e = &self.inner;
        let auc = e.auc.map_or_else(|| "None".to_owned(), |a| format!("{a:.4}"));
        format!(
            "RiskEvaluation(rows={}, churned={}, auc={auc}, brier={:.4}, log_loss={:.4})",
            e.rows, e.churned, e.brier, e.log_loss
        )
    }
}

// --- revenue ---

/// ARR at risk of a scored table: expected loss (sum of ARR x risk) and ARR by tier, renewal
/// month and segment, as a dict.
#[pyfunction]
#[pyo3(signature = (table, *, arr = "arr", risk = "risk", tier = "tier", renewal_date = None, segment = None))]
pub(crate) fn arr_at_risk<'py>(
    py: Python<'py>,
    table: &Bound<'py, PyAny>,
    arr: &str,
    risk: &str,
    tier: &str,
    renewal_date: Option<&str>,
    segment: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let batch = batch_of(table)?;
    let arr_array = int_array(column(&batch, arr)?, arr)?;
    let arr_col = int_column(&arr_array, arr)?;
    let risk_array = float_array(column(&batch, risk)?, risk)?;
    let risk_col = float_column(&risk_array, risk)?;
    let mut risks = Vec::with_capacity(risk_col.len());
    for i in 0..risk_col.len() {
        risks.push(
            risk_col
                .get(i)
                .ok_or_else(|| raise(cs_core::Error::missing(risk).at(i)))?,
        );
    }
    let tiers = parsed(column(&batch, tier)?, tier, &RiskTier::ALL, true, RiskTier::parse)?;
    if let Some(n) = &tiers.nulls
        && let Some(i) = (0..n.len()).find(|&i| n.is_null(i))
    {
        return Err(raise(cs_core::Error::missing(tier).at(i)));
    }
    let dates = renewal_date
        .map(|d| crate::input::Dates::from_arrow(column(&batch, d)?, d)?.optional(d))
        .transpose()?;
    let date_col = match (&dates, renewal_date) {
        (Some(d), Some(name)) => Some(d.column(name)?),
        _ => None,
    };
    let segments = segment
        .map(|s| {
            Ok::<_, PyErr>(
                text(column(&batch, s)?, s)?
                    .into_iter()
                    .map(Option::unwrap_or_default)
                    .collect::<Vec<String>>(),
            )
        })
        .transpose()?;
    let result = py
        .detach(|| revenue::arr_at_risk(arr_col, &risks, &tiers.values, date_col, segments.as_deref()))
        .or_raise()?;
    let d = PyDict::new(py);
    d.set_item("accounts", result.accounts)?;
    d.set_item("arr", result.arr)?;
    d.set_item("expected_loss", result.expected_loss)?;
    let group = |key: Bound<'py, PyAny>, name: &str, g_accounts: u64, g_arr: i64, loss: f64| {
        let row = PyDict::new(py);
        row.set_item(name, key)?;
        row.set_item("accounts", g_accounts)?;
        row.set_item("arr", g_arr)?;
        row.set_item("expected_loss", loss)?;
        Ok::<_, PyErr>(row)
    };
    let by_tier = result
        .by_tier
        .iter()
        .map(|g| {
            group(
                g.key.as_str().into_pyobject(py)?.into_any(),
                "tier",
                g.accounts,
                g.arr,
                g.expected_loss,
            )
        })
        .collect::<PyResult<Vec<_>>>()?;
    let by_month = result
        .by_renewal_month
        .iter()
        .map(|g| {
            let key = g.key.map(|p| p.to_string()).into_pyobject(py)?.into_any();
            group(key, "month", g.accounts, g.arr, g.expected_loss)
        })
        .collect::<PyResult<Vec<_>>>()?;
    let by_segment = result
        .by_segment
        .iter()
        .map(|g| {
            group(
                g.key.as_str().into_pyobject(py)?.into_any(),
                "segment",
                g.accounts,
                g.arr,
                g.expected_loss,
            )
        })
        .collect::<PyResult<Vec<_>>>()?;
    d.set_item("by_tier", by_tier)?;
    d.set_item("by_renewal_month", by_month)?;
    d.set_item("by_segment", by_segment)?;
    Ok(d.into_any())
}

fn snapshot(
    batch: &RecordBatch,
    id: &str,
    arr: &str,
    segment: Option<&str>,
    required: bool,
) -> PyResult<Snapshot> {
    cs_arrow::revenue::snapshot(batch, id, arr, segment, required).or_raise()
}

/// Revenue retention between two snapshots: GRR, NRR, logo churn, expansion and contraction,
/// overall and by segment.
#[pyclass(name = "RevenueRetention", module = "cs_core", frozen)]
pub(crate) struct PyRevenueRetention {
    inner: revenue::RevenueRetention,
}

#[pymethods]
impl PyRevenueRetention {
    /// Gross revenue retention: sum(min(end, start)) / sum(start); None without starting ARR.
    #[getter]
    fn grr(&self) -> Option<f64> {
        self.inner.overall.grr
    }
    /// Net revenue retention: sum(end) / sum(start) over the starting accounts.
    #[getter]
    fn nrr(&self) -> Option<f64> {
        self.inner.overall.nrr
    }
    /// Share of starting accounts gone at the end.
    #[getter]
    fn logo_churn(&self) -> Option<f64> {
        self.inner.overall.logo_churn
    }
    /// The overall summary as a dict (accounts, ARR sums in minor units, ratios).
    #[getter]
    fn overall<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.overall)
    }
    /// Segment (None: no segment) -> summary dict, from the starting snapshot's segments.
    #[getter]
    fn by_segment<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in &self.inner.by_segment {
            d.set_item(k.as_deref(), to_python(py, v)?)?;
        }
        Ok(d)
    }
    /// Retention from counts per segment: one dict per part of the cohort and segment, with
    /// ``segment`` (None: no segment) and the additive counts of a ``by_segment`` summary
    /// (``start_accounts``, ``start_arr``, ``end_arr``, ``retained_arr``, ``churned_accounts``,
    /// ``churned_arr``, ``expansion_arr``, ``contraction_arr``, ``new_accounts``, ``new_arr``).
    /// Segments may repeat (their counts add up): the counts of the parts of a cohort give
    /// the result on the whole cohort, exactly. This is how ``cs_core.spark.revenue_retention``
    /// merges its partitions.
    #[staticmethod]
    fn from_counts(rows: &Bound<'_, PyAny>) -> PyResult<PyRevenueRetention> {
        let mut parts = Vec::new();
        for (i, row) in rows.try_iter()?.enumerate() {
            let path = format!("counts[{i}]");
            let serde_json::Value::Object(mut fields) = from_python(&row?, &path)? else {
                return Err(raise(cs_core::Error::invalid(
                    path,
                    "the row",
                    "expected a dict of counts",
                )));
            };
            let segment = match fields.remove("segment") {
                None | Some(serde_json::Value::Null) => None,
                Some(serde_json::Value::String(s)) => Some(s),
                Some(other) => {
                    return Err(raise(cs_core::Error::invalid(
                        format!("{path}.segment"),
                        other,
                        "expected text or None",
                    )));
                }
            };
            let counts: revenue::RetentionCounts = serde_json::from_value(serde_json::Value::Object(fields))
                .map_err(|e| json_error(format!("{path}: {e}")))?;
            parts.push((segment, counts));
        }
        let inner = revenue::RevenueRetention::from_counts(parts).or_raise()?;
        Ok(PyRevenueRetention { inner })
    }
    /// Everything as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    fn __repr__(&self) -> String {
        let o = &self.inner.overall;
        let f = |v: Option<f64>| v.map_or_else(|| "None".to_owned(), |v| format!("{v:.4}"));
        format!(
            "RevenueRetention(grr={}, nrr={}, logo_churn={}, start_arr={}, end_arr={}, new_accounts={})",
            f(o.grr),
            f(o.nrr),
            f(o.logo_churn),
            o.start_arr,
            o.end_arr,
            o.new_accounts
        )
    }
}

/// GRR, NRR, logo churn, expansion and contraction between two snapshot tables (one row per
/// account: id and ARR in integer minor units), overall and by segment. Exact integer sums;
/// accounts only in ``end`` are new business, excluded from the ratios; a repeated id raises.
#[pyfunction]
#[pyo3(signature = (start, end, *, id = "account_id", arr = "arr", segment = None))]
pub(crate) fn revenue_retention(
    py: Python<'_>,
    start: &Bound<'_, PyAny>,
    end: &Bound<'_, PyAny>,
    id: &str,
    arr: &str,
    segment: Option<&str>,
) -> PyResult<PyRevenueRetention> {
    let s = snapshot(&batch_of(start)?, id, arr, segment, true)?;
    let e = snapshot(&batch_of(end)?, id, arr, segment, false)?;
    let inner = py.detach(|| revenue::revenue_retention(&s, &e)).or_raise()?;
    Ok(PyRevenueRetention { inner })
}

/// Lost accounts by cancellation reason; returns a pyarrow table (reason, accounts, arr,
/// account_share, arr_share), largest ARR first.
#[pyfunction]
#[pyo3(signature = (table, reason, arr))]
pub(crate) fn _churn_reasons<'py>(
    py: Python<'py>,
    table: &Bound<'py, PyAny>,
    reason: &str,
    arr: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let batch = batch_of(table)?;
    let reasons = parsed(
        column(&batch, reason)?,
        reason,
        &ChurnReason::ALL,
        false,
        ChurnReason::parse,
    )?;
    if let Some(n) = &reasons.nulls
        && let Some(i) = (0..n.len()).find(|&i| n.is_null(i))
    {
        return Err(raise(cs_core::Error::missing(reason).at(i)));
    }
    let arr_array = int_array(column(&batch, arr)?, arr)?;
    let arr_col = int_column(&arr_array, arr)?;
    let rows = revenue::churn_reasons(&reasons.values, arr_col).or_raise()?;
    to_pyarrow(
        py,
        vec![
            (
                Field::new("reason", DataType::Utf8, false),
                Arc::new(StringArray::from_iter_values(
                    rows.iter().map(|r| r.reason.as_str()),
                )) as ArrayRef,
            ),
            (
                Field::new("accounts", DataType::UInt64, false),
                Arc::new(UInt64Array::from_iter_values(rows.iter().map(|r| r.accounts))),
            ),
            (
                Field::new("arr", DataType::Int64, false),
                Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.arr))),
            ),
            (
                Field::new("account_share", DataType::Float64, false),
                Arc::new(Float64Array::from_iter_values(
                    rows.iter().map(|r| r.account_share),
                )),
            ),
            (
                Field::new("arr_share", DataType::Float64, true),
                Arc::new(rows.iter().map(|r| r.arr_share).collect::<Float64Array>()),
            ),
        ],
    )
}

/// Expansion flags of a table (utilisation, health_score and nps_category columns); returns
/// the table (same type) with a boolean ``expansion_signal`` column added.
#[pyfunction]
#[pyo3(signature = (table, *, min_utilisation = 0.85, min_health = 75.0, min_nps = "promoter"))]
pub(crate) fn expansion_signals<'py>(
    table: &Bound<'py, PyAny>,
    min_utilisation: f64,
    min_health: f64,
    min_nps: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let py = table.py();
    let criteria = ExpansionCriteria {
        min_utilisation,
        min_health,
        min_nps: Category::parse(min_nps).or_raise()?,
    };
    let batch = batch_of(table)?;
    // The inputs the criteria read, through the same column reader as the risk model.
    let template = RiskModel {
        factors: RiskModel::default()
            .factors
            .into_iter()
            .filter(|f| {
                [
                    core::inputs::UTILISATION,
                    core::inputs::HEALTH_SCORE,
                    core::inputs::NPS_CATEGORY,
                ]
                .contains(&f.input.as_str())
            })
            .collect(),
        ..RiskModel::default()
    };
    let read = Inputs::read(py, &batch, &template, None, false)?;
    let inputs = read.derive(py)?;
    let risk_table = inputs.table().or_raise()?;
    let flags = py.detach(|| criteria.signals(&risk_table)).or_raise()?;
    let added = to_pyarrow(
        py,
        vec![(
            Field::new("expansion_signal", DataType::Boolean, false),
            Arc::new(BooleanArray::from(flags)) as ArrayRef,
        )],
    )?;
    append(table, added)
}
