//! `cs_core.Handoff`, `Kickoff`, `JointImpactPlan`, and the onboarding batch functions (Time
//! to First Impact, its portfolio summary, accounts still onboarding, lifecycle stages).

use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field};
use cs_core::document::Document;
use cs_core::onboarding::{
    self as core, Edit, FirstImpactStatus, Handoff, JointImpactPlan, Kickoff, MilestoneColumns, TtfiColumns,
    TtfiConfig, TtfiOrigin,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};
use pyo3_arrow::input::AnyRecordBatch;
use serde::Serialize;

use crate::error::{OrRaise, raise};
use crate::input::{Dates, date_arg, datetime_arg, document_text, from_python, ints};
use crate::input::{column, read_table};
use crate::output::{to_pyarrow, to_python};
use cs_arrow::onboarding::TtfiInputs;

// ---------------------------------------------------------------------------------------------
// Documents

/// A document from a dict plus keyword fields; `schema_version` defaults to the current one.
fn document<D: Document>(data: Option<&Bound<'_, PyAny>>, fields: Option<&Bound<'_, PyDict>>) -> PyResult<D> {
    let mut value = match data {
        Some(d) if !d.is_none() => from_python(d, "")?,
        _ => serde_json::Value::Object(serde_json::Map::new()),
    };
    let Some(map) = value.as_object_mut() else {
        return Err(raise(cs_core::Error::invalid(
            D::KIND,
            "a non-dict value",
            "expected a dict of fields",
        )));
    };
    if let Some(fields) = fields {
        for (k, v) in fields.iter() {
            let key: String = k.extract()?;
            let field = from_python(&v, &key)?;
            map.insert(key, field);
        }
    }
    map.entry("schema_version")
        .or_insert_with(|| serde_json::Value::from(D::SCHEMA_VERSION));
    D::from_json_value(value).or_raise()
}

fn json_of<D: Document>(doc: &D) -> PyResult<String> {
    doc.to_json().or_raise()
}

fn dict_of<'py, D: Document>(py: Python<'py>, doc: &D) -> PyResult<Bound<'py, PyAny>> {
    to_python(py, &doc.to_json_value().or_raise()?)
}

fn reduce<'py, T: pyo3::PyClass>(
    slf: &Bound<'py, T>,
    json: String,
) -> PyResult<(Bound<'py, PyAny>, (String,))> {
    Ok((slf.as_any().get_type().getattr("from_json")?, (json,)))
}

/// The Sales-to-CS handoff of one account: the SPICED frame (situation, pain, impact, critical
/// event, decision), the five handoff questions, org structure, personas, key contacts and red
/// flags.
///
/// Build it from a dict and/or keyword fields in the JSON form (dates as datetime.date or ISO
/// strings); `schema_version` defaults to the current version. Invalid input raises CsError
/// naming the field, and nothing is built.
#[pyclass(name = "Handoff", module = "cs_core", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct PyHandoff {
    inner: Handoff,
}

#[pymethods]
impl PyHandoff {
    #[new]
    #[pyo3(signature = (data = None, /, **fields))]
    fn new(data: Option<&Bound<'_, PyAny>>, fields: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        Ok(PyHandoff {
            inner: document(data, fields)?,
        })
    }
    /// A handoff from a dict in the JSON form.
    #[classmethod]
    fn from_dict(_cls: &Bound<'_, PyType>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        Self::new(Some(data), None)
    }
    /// Reads and validates a handoff from JSON text.
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, text: &str) -> PyResult<Self> {
        let text = document_text(text, "JSON")?;
        Ok(PyHandoff {
            inner: Handoff::from_json(text).or_raise()?,
        })
    }
    /// The handoff as a dict (the JSON form: dates as ISO strings).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        dict_of(py, &self.inner)
    }
    /// The handoff as pretty JSON.
    fn to_json(&self) -> PyResult<String> {
        json_of(&self.inner)
    }
    /// The account name or id.
    #[getter]
    fn account(&self) -> &str {
        &self.inner.account
    }
    /// The commit (close) date of the deal.
    #[getter]
    fn closed_on(&self) -> chrono::NaiveDate {
        self.inner.closed_on
    }
    /// When the handoff was completed; None while pending.
    #[getter]
    fn completed_on(&self) -> Option<chrono::NaiveDate> {
        self.inner.completed_on
    }
    /// Which of the 14 parts are missing: {"missing": [field names], "complete", "total",
    /// "share"}. A blank text counts as missing; an empty red-flag list counts as assessed.
    fn completeness<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let c = self.inner.completeness();
        let d = PyDict::new(py);
        let missing: Vec<&str> = c.missing.iter().map(|p| p.field()).collect();
        d.set_item("missing", missing)?;
        d.set_item("complete", c.complete)?;
        d.set_item("total", c.total)?;
        d.set_item("share", c.share)?;
        Ok(d.into_any())
    }
    /// Days from the close date to completion (or to ``as_of`` while pending) against
    /// ``target_days``: {"days", "completed", "target_days", "late"}.
    // 5 = core::DEFAULT_HANDOFF_LAG_TARGET_DAYS (a literal, so Python signatures show it).
    #[pyo3(signature = (as_of, target_days = 5))]
    fn lag<'py>(
        &self,
        py: Python<'py>,
        as_of: &Bound<'py, PyAny>,
        #[pyo3(from_py_with = ints::target_days)] target_days: u32,
    ) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.lag(date_arg(as_of, "as_of")?, target_days))
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce(slf, slf.get().to_json()?)
    }
    fn __repr__(&self) -> String {
        let c = self.inner.completeness();
        format!(
            "Handoff(account={:?}, closed_on={}, completed_on={}, complete={}/{})",
            self.inner.account,
            self.inner.closed_on,
            self.inner
                .completed_on
                .map_or_else(|| "None".to_owned(), |d| d.to_string()),
            c.complete,
            c.total
        )
    }
}

/// The customer kickoff: attendees, goals confirmed, roles, the First Impact definition, the
/// CSM's perceived NPS and next steps with owners and due dates.
///
/// Build it from a dict and/or keyword fields in the JSON form; `schema_version` defaults to
/// the current version.
#[pyclass(name = "Kickoff", module = "cs_core", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct PyKickoff {
    inner: Kickoff,
}

#[pymethods]
impl PyKickoff {
    #[new]
    #[pyo3(signature = (data = None, /, **fields))]
    fn new(data: Option<&Bound<'_, PyAny>>, fields: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        Ok(PyKickoff {
            inner: document(data, fields)?,
        })
    }
    /// A kickoff from a dict in the JSON form.
    #[classmethod]
    fn from_dict(_cls: &Bound<'_, PyType>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        Self::new(Some(data), None)
    }
    /// Reads and validates a kickoff from JSON text.
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, text: &str) -> PyResult<Self> {
        let text = document_text(text, "JSON")?;
        Ok(PyKickoff {
            inner: Kickoff::from_json(text).or_raise()?,
        })
    }
    /// The kickoff as a dict (the JSON form).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        dict_of(py, &self.inner)
    }
    /// The kickoff as pretty JSON.
    fn to_json(&self) -> PyResult<String> {
        json_of(&self.inner)
    }
    /// The account name or id.
    #[getter]
    fn account(&self) -> &str {
        &self.inner.account
    }
    /// The date of the kickoff meeting.
    #[getter]
    fn date(&self) -> chrono::NaiveDate {
        self.inner.date
    }
    /// The CSM's perceived NPS ({"score": 0-10} or {"category": ...}), or None.
    #[getter]
    fn perceived_nps<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.perceived_nps)
    }
    /// Recommended attendee roles that are absent: "key_contact", "csm", "sales".
    fn missing_attendees<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.missing_attendees())
    }
    /// Next steps due on or before ``date``, earliest first, as dicts.
    fn next_steps_due_by<'py>(
        &self,
        py: Python<'py>,
        date: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.next_steps_due_by(date_arg(date, "date")?))
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce(slf, slf.get().to_json()?)
    }
    fn __repr__(&self) -> String {
        format!(
            "Kickoff(account={:?}, date={}, attendees={}, next_steps={})",
            self.inner.account,
            self.inner.date,
            self.inner.attendees.len(),
            self.inner.next_steps.len()
        )
    }
}

fn ttfi_config(origin: &str, target_days: u32) -> PyResult<TtfiConfig> {
    Ok(TtfiConfig {
        origin: TtfiOrigin::parse(origin).or_raise()?,
        target_days,
    })
}

/// The Joint Impact Plan (success plan): owners on both sides, goals with success metrics,
/// action items, challenges, opportunities, important dates, reviews, and the revision history
/// that rebuilds the plan on any past date.
///
/// Build it from a dict and/or keyword fields in the JSON form (see examples/data/plan.json);
/// `schema_version` defaults to the current version. The whole plan, including every state its
/// revision history passes through, is validated: a plan that fails is never partially loaded.
/// Methods taking ``as_of`` evaluate the plan as recorded on that date; dates are
/// datetime.date, ISO strings, numpy.datetime64 or pyarrow scalars. Results are dicts in the
/// JSON form (dates as ISO strings).
#[pyclass(name = "JointImpactPlan", module = "cs_core", eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct PyJointImpactPlan {
    inner: JointImpactPlan,
}

#[pymethods]
impl PyJointImpactPlan {
    #[new]
    #[pyo3(signature = (data = None, /, **fields))]
    fn new(data: Option<&Bound<'_, PyAny>>, fields: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        Ok(PyJointImpactPlan {
            inner: document(data, fields)?,
        })
    }
    /// A plan from a dict in the JSON form.
    #[classmethod]
    fn from_dict(_cls: &Bound<'_, PyType>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        Self::new(Some(data), None)
    }
    /// Reads and validates a plan from JSON text (schema_version required).
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, text: &str) -> PyResult<Self> {
        let text = document_text(text, "JSON")?;
        Ok(PyJointImpactPlan {
            inner: JointImpactPlan::from_json(text).or_raise()?,
        })
    }
    /// The plan as a dict (the JSON form).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        dict_of(py, &self.inner)
    }
    /// The plan as pretty JSON; ``from_json`` reads it back exactly.
    fn to_json(&self) -> PyResult<String> {
        json_of(&self.inner)
    }
    /// The account name or id.
    #[getter]
    fn account(&self) -> &str {
        &self.inner.account
    }
    /// The plan's title.
    #[getter]
    fn title(&self) -> &str {
        &self.inner.title
    }
    /// When the plan was created.
    #[getter]
    fn created_on(&self) -> chrono::NaiveDate {
        self.inner.created_on
    }
    /// The kickoff date, once held.
    #[getter]
    fn kickoff_on(&self) -> Option<chrono::NaiveDate> {
        self.inner.kickoff_on
    }
    /// The contract start date.
    #[getter]
    fn contract_start(&self) -> Option<chrono::NaiveDate> {
        self.inner.contract_start
    }
    /// Months without a review after which the plan is flagged.
    #[getter]
    fn review_interval_months(&self) -> u32 {
        self.inner.review_interval_months
    }
    /// The goals, as dicts.
    #[getter]
    fn goals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.goals)
    }
    /// The action items, as dicts.
    #[getter]
    fn action_items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.action_items)
    }
    /// The revisions (author, time, summary, changes), oldest first, as dicts.
    #[getter]
    fn revisions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.revisions)
    }
    /// The reviews held with the customer, as dicts.
    #[getter]
    fn reviews<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.reviews)
    }
    /// Goal progress (clamp((current - baseline) / (target - baseline), 0, 1); 1 once achieved)
    /// and the weighted overall progress over goals not dropped: {"as_of", "goals", "overall"}.
    fn progress<'py>(&self, py: Python<'py>, as_of: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.progress(date_arg(as_of, "as_of")?).or_raise()?)
    }
    /// Goals and action items past due and not closed at ``as_of``, earliest due first:
    /// {"as_of", "goals": [...], "actions": [...]}, each item with "days_overdue".
    fn overdue<'py>(&self, py: Python<'py>, as_of: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.overdue(date_arg(as_of, "as_of")?).or_raise()?)
    }
    /// Open action items at ``as_of``, earliest due first, at most ``limit``.
    #[pyo3(signature = (as_of, limit = 5))]
    fn next_actions<'py>(
        &self,
        py: Python<'py>,
        as_of: &Bound<'py, PyAny>,
        #[pyo3(from_py_with = ints::limit)] limit: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        to_python(
            py,
            &self
                .inner
                .next_actions(date_arg(as_of, "as_of")?, limit)
                .or_raise()?,
        )
    }
    /// Whether the plan was reviewed within its interval: {"last_review", "next_due",
    /// "overdue", "days_since"}.
    fn review_status<'py>(&self, py: Python<'py>, as_of: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        to_python(
            py,
            &self.inner.review_status(date_arg(as_of, "as_of")?).or_raise()?,
        )
    }
    /// Everything ``cs plan show`` reports: progress, overdue items, review status, the next
    /// ``limit`` actions and the Time to First Impact (from ``origin``, "kickoff" or
    /// "contract_start", against ``target_days``).
    // 90 = core::DEFAULT_TTFI_TARGET_DAYS (a literal, so Python signatures show it).
    #[pyo3(signature = (as_of, limit = 5, origin = "kickoff", target_days = 90))]
    fn status<'py>(
        &self,
        py: Python<'py>,
        as_of: &Bound<'py, PyAny>,
        #[pyo3(from_py_with = ints::limit)] limit: usize,
        origin: &str,
        #[pyo3(from_py_with = ints::target_days)] target_days: u32,
    ) -> PyResult<Bound<'py, PyAny>> {
        let cfg = ttfi_config(origin, target_days)?;
        to_python(
            py,
            &self
                .inner
                .status(date_arg(as_of, "as_of")?, limit, cfg)
                .or_raise()?,
        )
    }
    /// The customer-facing Markdown rendering; with ``as_of``, the plan as recorded then with
    /// overdue goals and actions marked.
    #[pyo3(signature = (as_of = None))]
    fn to_markdown(&self, as_of: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        match as_of {
            None => Ok(self.inner.to_markdown()),
            Some(d) => self.inner.to_markdown_as_of(date_arg(d, "as_of")?).or_raise(),
        }
    }
    /// The plan as it stood at the end of ``date`` (later revisions undone).
    fn revision_at(&self, date: &Bound<'_, PyAny>) -> PyResult<PyJointImpactPlan> {
        Ok(PyJointImpactPlan {
            inner: self.inner.revision_at(date_arg(date, "date")?).or_raise()?,
        })
    }
    /// Applies ``edits`` as one new revision by ``author`` at ``at`` (a datetime or ISO
    /// string) and returns the recorded revision as a dict. Edits are dicts:
    /// {"op": "set", "path": "goals/adoption/metric/current", "value": 30},
    /// {"op": "insert", "path": "action_items", "value": {...}, "index": 0 (optional)},
    /// {"op": "remove", "path": "challenges/1"}. Paths address list elements by id (goals,
    /// action items) or index. If any edit fails, or the result is not a valid plan, CsError
    /// is raised and the plan is left unchanged.
    #[pyo3(signature = (author, at, summary, edits))]
    fn revise<'py>(
        &mut self,
        py: Python<'py>,
        author: &str,
        at: &Bound<'py, PyAny>,
        summary: &str,
        edits: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let at = datetime_arg(at, "at")?;
        let mut parsed = Vec::new();
        for (i, item) in edits.try_iter()?.enumerate() {
            let field = format!("edits[{i}]");
            let value = from_python(&item?, &field)?;
            let edit: Edit = serde_json::from_value(value).map_err(|e| {
                raise(cs_core::Error::Parse {
                    format: "JSON".into(),
                    message: format!("{field}: {e}"),
                })
            })?;
            parsed.push(edit);
        }
        let revision = self.inner.revise(author, at, summary, parsed).or_raise()?;
        to_python(py, revision)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let json = slf.borrow().to_json()?;
        reduce(slf, json)
    }
    fn __repr__(&self) -> String {
        let p = &self.inner;
        format!(
            "JointImpactPlan(account={:?}, title={:?}, goals={}, action_items={}, reviews={}, revisions={})",
            p.account,
            p.title,
            p.goals.len(),
            p.action_items.len(),
            p.reviews.len(),
            p.revisions.len()
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Batch functions over tables

/// Per-row Time to First Impact of a table (only the origin column `cfg.origin` names is read).
fn ttfi_statuses(
    py: Python<'_>,
    batch: &RecordBatch,
    as_of: chrono::NaiveDate,
    cfg: TtfiConfig,
    names: &TtfiInputs<'_>,
) -> PyResult<Vec<FirstImpactStatus>> {
    py.detach(|| cs_arrow::onboarding::ttfi_statuses(batch, as_of, cfg, names))
        .or_raise()
}

/// The snake_case name of a serde unit variant.
fn label<T: Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Fails when the table already has a column the result would add.
fn check_new_columns(batch: &RecordBatch, names: &[&str]) -> PyResult<()> {
    for name in names {
        if batch.column_by_name(name).is_some() {
            return Err(raise(cs_core::Error::duplicate("column", *name)));
        }
    }
    Ok(())
}

/// Time to First Impact per row: the columns state, days, days_open and past_target as a
/// pyarrow Table (the Python wrapper attaches them to the caller's table).
#[pyfunction]
#[pyo3(signature = (table, as_of, origin, target_days, kickoff, contract_start, first_impact))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _time_to_first_impact<'py>(
    py: Python<'py>,
    table: AnyRecordBatch,
    as_of: &Bound<'py, PyAny>,
    origin: &str,
    #[pyo3(from_py_with = ints::target_days)] target_days: u32,
    kickoff: &str,
    contract_start: &str,
    first_impact: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let as_of = date_arg(as_of, "as_of")?;
    let cfg = ttfi_config(origin, target_days)?;
    let batch = read_table(table)?;
    check_new_columns(&batch, &["state", "days", "days_open", "past_target"])?;
    let names = TtfiInputs {
        kickoff,
        contract_start,
        first_impact,
    };
    let statuses = ttfi_statuses(py, &batch, as_of, cfg, &names)?;
    let cols = TtfiColumns::from_statuses(&statuses);
    let labels: Vec<String> = [
        core::FirstImpactState::NotStarted,
        core::FirstImpactState::Onboarding,
        core::FirstImpactState::Overdue,
        core::FirstImpactState::Achieved,
    ]
    .into_iter()
    .map(label)
    .collect();
    let state_label = |s: core::FirstImpactState| match s {
        core::FirstImpactState::NotStarted => labels[0].as_str(),
        core::FirstImpactState::Onboarding => labels[1].as_str(),
        core::FirstImpactState::Overdue => labels[2].as_str(),
        core::FirstImpactState::Achieved => labels[3].as_str(),
    };
    let state: StringArray = cols.state.iter().map(|s| Some(state_label(*s))).collect();
    to_pyarrow(
        py,
        vec![
            (
                Field::new("state", DataType::Utf8, false),
                Arc::new(state) as ArrayRef,
            ),
            (
                Field::new("days", DataType::Int64, true),
                Arc::new(Int64Array::from(cols.days)) as ArrayRef,
            ),
            (
                Field::new("days_open", DataType::Int64, true),
                Arc::new(Int64Array::from(cols.days_open)) as ArrayRef,
            ),
            (
                Field::new("past_target", DataType::Boolean, false),
                Arc::new(BooleanArray::from(cols.past_target)) as ArrayRef,
            ),
        ],
    )
}

/// The TTFI summary per group of the `by` columns (one row without `by`), as a pyarrow Table.
#[pyfunction]
#[pyo3(signature = (table, by, as_of, origin, target_days, kickoff, contract_start, first_impact))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _ttfi_summary<'py>(
    py: Python<'py>,
    table: AnyRecordBatch,
    by: Vec<String>,
    as_of: &Bound<'py, PyAny>,
    origin: &str,
    #[pyo3(from_py_with = ints::target_days)] target_days: u32,
    kickoff: &str,
    contract_start: &str,
    first_impact: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let as_of = date_arg(as_of, "as_of")?;
    let cfg = ttfi_config(origin, target_days)?;
    let batch = read_table(table)?;
    let names = TtfiInputs {
        kickoff,
        contract_start,
        first_impact,
    };
    let statuses = ttfi_statuses(py, &batch, as_of, cfg, &names)?;
    let summary = cs_arrow::onboarding::ttfi_table(&batch, &statuses, &by)
        .and_then(|t| t.to_batch())
        .or_raise()?;
    crate::output::batch_to_pyarrow(py, summary)
}

/// Accounts still onboarding, longest open first: the columns row (position in the input),
/// days_open and overdue, as a pyarrow Table (the wrapper takes the rows of the caller's table).
#[pyfunction]
#[pyo3(signature = (table, as_of, origin, target_days, kickoff, contract_start, first_impact))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _still_onboarding<'py>(
    py: Python<'py>,
    table: AnyRecordBatch,
    as_of: &Bound<'py, PyAny>,
    origin: &str,
    #[pyo3(from_py_with = ints::target_days)] target_days: u32,
    kickoff: &str,
    contract_start: &str,
    first_impact: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let as_of = date_arg(as_of, "as_of")?;
    let cfg = ttfi_config(origin, target_days)?;
    let batch = read_table(table)?;
    check_new_columns(&batch, &["days_open", "overdue"])?;
    let names = TtfiInputs {
        kickoff,
        contract_start,
        first_impact,
    };
    let statuses = ttfi_statuses(py, &batch, as_of, cfg, &names)?;
    let open = core::still_onboarding(&statuses);
    let rows: UInt64Array = open.iter().map(|o| Some(o.row as u64)).collect();
    let days: Int64Array = open.iter().map(|o| Some(o.days_open)).collect();
    let overdue: BooleanArray = open.iter().map(|o| Some(o.overdue)).collect();
    to_pyarrow(
        py,
        vec![
            (
                Field::new("row", DataType::UInt64, false),
                Arc::new(rows) as ArrayRef,
            ),
            (
                Field::new("days_open", DataType::Int64, false),
                Arc::new(days) as ArrayRef,
            ),
            (
                Field::new("overdue", DataType::Boolean, false),
                Arc::new(overdue) as ArrayRef,
            ),
        ],
    )
}

/// An optional milestone column: an explicit name must exist; the default name is used when
/// the table has it.
fn milestone<'b>(
    batch: &'b RecordBatch,
    explicit: Option<&str>,
    default: &str,
) -> PyResult<Option<(String, &'b ArrayRef)>> {
    match explicit {
        Some(name) => Ok(Some((name.to_owned(), column(batch, name)?))),
        None => Ok(batch.column_by_name(default).map(|c| (default.to_owned(), c))),
    }
}

/// The lifecycle stage per row (null before the close date), as a one-column pyarrow Table.
#[pyfunction]
#[pyo3(signature = (table, as_of, window_months, closed_on, handoff_completed, kickoff, first_impact, contract_end, renewed_on, churned_on))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _lifecycle_stage<'py>(
    py: Python<'py>,
    table: AnyRecordBatch,
    as_of: &Bound<'py, PyAny>,
    #[pyo3(from_py_with = ints::window_months)] window_months: u32,
    closed_on: &str,
    handoff_completed: Option<&str>,
    kickoff: Option<&str>,
    first_impact: Option<&str>,
    contract_end: Option<&str>,
    renewed_on: Option<&str>,
    churned_on: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let as_of = date_arg(as_of, "as_of")?;
    let batch = read_table(table)?;
    check_new_columns(&batch, &["stage"])?;
    let closed = Dates::from_arrow(column(&batch, closed_on)?, closed_on)?;
    let optional = [
        milestone(&batch, handoff_completed, "handoff_completed")?,
        milestone(&batch, kickoff, "kickoff")?,
        milestone(&batch, first_impact, "first_impact")?,
        milestone(&batch, contract_end, "contract_end")?,
        milestone(&batch, renewed_on, "renewed_on")?,
        milestone(&batch, churned_on, "churned_on")?,
    ];
    let read: Vec<Option<(String, Dates)>> = optional
        .into_iter()
        .map(|m| {
            m.map(|(name, a)| Dates::from_arrow(a, &name).map(|d| (name, d)))
                .transpose()
        })
        .collect::<PyResult<_>>()?;
    let cols: Vec<Option<cs_core::portfolio::Column<'_, i32>>> = read
        .iter()
        .map(|m| m.as_ref().map(|(name, d)| d.column(name)).transpose())
        .collect::<PyResult<_>>()?;
    let mut milestones = MilestoneColumns::new(closed.column(closed_on)?);
    milestones.handoff_completed = cols[0];
    milestones.kickoff = cols[1];
    milestones.first_impact = cols[2];
    milestones.contract_end = cols[3];
    milestones.renewed_on = cols[4];
    milestones.churned_on = cols[5];
    let stages = py
        .detach(|| core::lifecycle_stages(&milestones, as_of, window_months))
        .or_raise()?;
    let stage: StringArray = stages.into_iter().map(|s| s.map(label)).collect();
    to_pyarrow(
        py,
        vec![(
            Field::new("stage", DataType::Utf8, true),
            Arc::new(stage) as ArrayRef,
        )],
    )
}

// The Python defaults above are literals; keep them equal to the Rust defaults.
const _: () = assert!(core::DEFAULT_HANDOFF_LAG_TARGET_DAYS == 5);
const _: () = assert!(core::DEFAULT_TTFI_TARGET_DAYS == 90);
const _: () = assert!(core::DEFAULT_RENEWAL_WINDOW_MONTHS == 3);
