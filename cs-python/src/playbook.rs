//! `cs_core.Playbook`: rules that turn account state into calls to action (CTAs).

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{Array, ArrayRef, StringArray};
use arrow_schema::{DataType, Field};
use cs_core::document::Document;
use cs_core::nps::Category;
use cs_core::playbook::{Cta, OpenCta, Playbook, PortfolioState};
use cs_core::renewal::RiskTier;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::convert::to_python;
use crate::error::{OrRaise, raise};
use crate::renewal::{batch_of, to_json_text};
use crate::table::{column, to_pyarrow};
use crate::typed::{
    Owned, bools, date_arg, date_array, dates, float_array, float_column, parsed, required_text,
};

/// The CTAs still open: a table (or list of dicts) with ``account_id`` and ``trigger``, or a
/// list of (account_id, trigger) pairs.
fn open_ctas(open: &Bound<'_, PyAny>) -> PyResult<Vec<OpenCta>> {
    if open.is_instance_of::<PyList>() || open.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for item in open.try_iter()? {
            let item = item?;
            let (account_id, trigger): (String, String) = if let Ok(d) = item.cast::<PyDict>() {
                let get = |k: &str| -> PyResult<String> {
                    d.get_item(k)?
                        .ok_or_else(|| raise(cs_core::Error::missing(format!("open CTA {k}"))))?
                        .extract()
                };
                (get("account_id")?, get("trigger")?)
            } else {
                item.extract()?
            };
            out.push(OpenCta { account_id, trigger });
        }
        return Ok(out);
    }
    let batch = batch_of(open)?;
    let ids = required_text(column(&batch, "account_id")?, "account_id")?;
    let triggers = required_text(column(&batch, "trigger")?, "trigger")?;
    Ok(ids
        .into_iter()
        .zip(triggers)
        .map(|(account_id, trigger)| OpenCta { account_id, trigger })
        .collect())
}

fn band(v: f64) -> cs_core::Result<u8> {
    if (0.0..=255.0).contains(&v) && v.fract() == 0.0 {
        Ok(v as u8)
    } else {
        Err(cs_core::Error::out_of_range(
            "health band",
            v,
            "whole numbers 0..=255",
        ))
    }
}

fn bands(array: &ArrayRef, name: &str) -> PyResult<Owned<u8>> {
    let f = float_array(array, name)?;
    let col = float_column(&f, name)?;
    let values = (0..col.len())
        .map(|i| {
            col.get(i)
                .filter(|v| !v.is_nan())
                .map(|v| band(v).map_err(|e| raise(e.at(i))))
                .transpose()
        })
        .collect::<PyResult<Vec<_>>>()?;
    Ok(crate::typed::from_options(values, 0))
}

fn cta_table<'py>(py: Python<'py>, ctas: &[Cta]) -> PyResult<Bound<'py, PyAny>> {
    let s = |f: &dyn Fn(&Cta) -> &str| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(ctas.iter().map(f)))
    };
    let mut steps = ListBuilder::new(StringBuilder::new());
    for c in ctas {
        for step in &c.steps {
            steps.values().append_value(step);
        }
        steps.append(true);
    }
    let steps = steps.finish();
    let steps_type = steps.data_type().clone();
    to_pyarrow(
        py,
        vec![
            (
                Field::new("account_id", DataType::Utf8, false),
                s(&|c| &c.account_id),
            ),
            (Field::new("rule_id", DataType::Utf8, false), s(&|c| &c.rule_id)),
            (Field::new("trigger", DataType::Utf8, false), s(&|c| &c.trigger)),
            (
                Field::new("priority", DataType::Utf8, false),
                s(&|c| c.priority.as_str()),
            ),
            (
                Field::new("created", DataType::Date32, false),
                date_array(ctas.iter().map(|c| Some(c.created))),
            ),
            (
                Field::new("due", DataType::Date32, false),
                date_array(ctas.iter().map(|c| Some(c.due))),
            ),
            (
                Field::new("owner_role", DataType::Utf8, false),
                s(&|c| &c.owner_role),
            ),
            (
                Field::new("steps", steps_type, false),
                Arc::new(steps) as ArrayRef,
            ),
            (Field::new("evidence", DataType::Utf8, false), s(&|c| &c.evidence)),
        ],
    )
}

/// A set of rules turning account state into calls to action (CTAs), as a TOML / JSON
/// document. Each rule has a trigger, a priority, a due-date offset, an owner role and steps.
#[pyclass(name = "Playbook", module = "cs_core", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct PyPlaybook {
    inner: Playbook,
}

#[pymethods]
impl PyPlaybook {
    /// The built-in playbook: critical risk, health red, detractor follow-up, internal renewal
    /// review at 90 days, renewal contact at 180 days, notice deadline, TTFI past target,
    /// success review overdue, expansion.
    #[staticmethod]
    fn default() -> PyPlaybook {
        PyPlaybook {
            inner: Playbook::builtin(),
        }
    }
    /// A playbook from TOML (validated; unknown keys rejected).
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<PyPlaybook> {
        Ok(PyPlaybook {
            inner: Playbook::from_toml(text).or_raise()?,
        })
    }
    /// A playbook from JSON (validated; unknown keys rejected).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<PyPlaybook> {
        Ok(PyPlaybook {
            inner: Playbook::from_json(text).or_raise()?,
        })
    }
    /// A playbook from a dict as written by ``to_dict``.
    #[staticmethod]
    fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<PyPlaybook> {
        PyPlaybook::from_json(&to_json_text(data)?)
    }
    /// The playbook as TOML.
    fn to_toml(&self) -> PyResult<String> {
        self.inner.to_toml().or_raise()
    }
    /// The playbook as JSON.
    fn to_json(&self) -> PyResult<String> {
        self.inner.to_json().or_raise()
    }
    /// The playbook as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    /// The playbook's name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }
    /// The rules as dicts, in evaluation order.
    #[getter]
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.rules)
    }
    /// Evaluates every rule for every account of ``table`` on ``as_of`` and returns the new
    /// CTAs as a table of the caller's type (account_id, rule_id, trigger, priority, created,
    /// due, owner_role, steps, evidence). Signals are read from the columns named after them
    /// (health_score, health_band, previous_health_band, nps_category, renewal_date,
    /// internal_review_done, next_success_review_due, ttfi_past_target, risk_tier,
    /// expansion_signal, contact_confirmed, notice_deadline); an absent column is unknown.
    /// ``open`` lists CTAs still open (a table or list of dicts with account_id and trigger,
    /// such as an earlier result): no second CTA opens for the same account and trigger.
    #[pyo3(signature = (table, as_of, open = None, *, account_id = "account_id"))]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        table: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        open: Option<&Bound<'py, PyAny>>,
        account_id: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let as_of = date_arg(as_of, "as of")?;
        let open = open.map(open_ctas).transpose()?.unwrap_or_default();
        let batch = batch_of(table)?;
        let ids = required_text(column(&batch, account_id)?, account_id)?;
        let get = |name: &str| batch.column_by_name(name);
        let health_score = get("health_score")
            .map(|a| float_array(a, "health_score"))
            .transpose()?;
        let health_band = get("health_band").map(|a| bands(a, "health_band")).transpose()?;
        let previous_band = get("previous_health_band")
            .map(|a| bands(a, "previous_health_band"))
            .transpose()?;
        let nps = get("nps_category")
            .map(|a| parsed(a, "nps_category", &Category::ALL, true, Category::parse))
            .transpose()?;
        let tier = get("risk_tier")
            .map(|a| parsed(a, "risk_tier", &RiskTier::ALL, true, RiskTier::parse))
            .transpose()?;
        let date = |name: &str| get(name).map(|a| dates(a, name)).transpose();
        let flag = |name: &str| get(name).map(|a| bools(a, name)).transpose();
        let renewal_date = date("renewal_date")?;
        let review_due = date("next_success_review_due")?;
        let notice = date("notice_deadline")?;
        let review_done = flag("internal_review_done")?;
        let ttfi = flag("ttfi_past_target")?;
        let expansion = flag("expansion_signal")?;
        let confirmed = flag("contact_confirmed")?;

        let mut state = PortfolioState::new(&ids);
        state.health_score = health_score
            .as_ref()
            .map(|a| float_column(a, "health_score"))
            .transpose()?;
        state.health_band = health_band
            .as_ref()
            .map(|c| c.column("health_band"))
            .transpose()?;
        state.previous_health_band = previous_band
            .as_ref()
            .map(|c| c.column("previous_health_band"))
            .transpose()?;
        state.nps_category = nps.as_ref().map(|c| c.column("nps_category")).transpose()?;
        state.risk_tier = tier.as_ref().map(|c| c.column("risk_tier")).transpose()?;
        state.renewal_date = renewal_date
            .as_ref()
            .map(|c| c.column("renewal_date"))
            .transpose()?;
        state.next_success_review_due = review_due
            .as_ref()
            .map(|c| c.column("next_success_review_due"))
            .transpose()?;
        state.notice_deadline = notice.as_ref().map(|c| c.column("notice_deadline")).transpose()?;
        state.internal_review_done = review_done
            .as_ref()
            .map(|c| c.column("internal_review_done"))
            .transpose()?;
        state.ttfi_past_target = ttfi.as_ref().map(|c| c.column("ttfi_past_target")).transpose()?;
        state.expansion_signal = expansion
            .as_ref()
            .map(|c| c.column("expansion_signal"))
            .transpose()?;
        state.contact_confirmed = confirmed
            .as_ref()
            .map(|c| c.column("contact_confirmed"))
            .transpose()?;
        let ctas = py
            .detach(|| self.inner.evaluate(&state, as_of, &open))
            .or_raise()?;
        crate::renewal::like(table, cta_table(py, &ctas)?)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.get_type().getattr("from_json")?;
        Ok((from_json, (slf.get().to_json()?,)))
    }
    fn __repr__(&self) -> String {
        let ids: Vec<&str> = self.inner.rules.iter().map(|r| r.id.as_str()).collect();
        format!("Playbook(name={:?}, rules={ids:?})", self.inner.name)
    }
}
