//! `cs_core.Playbook`: rules that turn account state into calls to action (CTAs).

use cs_arrow::AccountBatch;
use cs_core::document::Document;
use cs_core::pipeline::Pipeline;
use cs_core::playbook::{OpenCta, Playbook};
use cs_core::renewal::RiskModel;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::error::{OrRaise, raise};
use crate::input::{column, date_arg, document_text, required_text};
use crate::output::batch_to_pyarrow;
use crate::output::to_python;
use crate::renewal::{PyRiskModel, batch_of, to_json_text};

/// The CTAs still open: a table (or list of dicts) with ``account_id`` and ``trigger``, or a
/// list of (account_id, trigger) pairs.
pub(crate) fn open_ctas(open: &Bound<'_, PyAny>) -> PyResult<Vec<OpenCta>> {
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

/// A set of rules turning account state into calls to action (CTAs), as a TOML / JSON
/// document. Each rule has a trigger, a priority, a due-date offset, an owner role and steps.
#[pyclass(name = "Playbook", module = "cs_core", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct PyPlaybook {
    pub(crate) inner: Playbook,
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
        let text = document_text(text, "TOML")?;
        Ok(PyPlaybook {
            inner: Playbook::from_toml(text).or_raise()?,
        })
    }
    /// A playbook from JSON (validated; unknown keys rejected).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<PyPlaybook> {
        let text = document_text(text, "JSON")?;
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
    /// due, owner_role, steps, evidence). This is the portfolio pipeline ``cs ctas`` runs:
    /// signals are read from the columns named after them (health_score, health_band,
    /// previous_health_band, nps_category, renewal_date, internal_review_done,
    /// next_success_review_due, ttfi_past_target, risk_tier, expansion_signal,
    /// contact_confirmed, notice_deadline) or derived from raw columns: health from the
    /// scorecard's measures, the NPS category from the ``nps`` answer, the risk tier from
    /// ``model`` (default: the built-in model, factors without input left out), the expansion
    /// signal, the notice deadline from ``renewal_date``, ``auto_renew`` and ``notice_days``.
    /// Bands are names or indices. ``open`` lists CTAs still open (a table or list of dicts
    /// with account_id and trigger, such as an earlier result): no second CTA opens for the
    /// same account and trigger.
    #[pyo3(signature = (table, as_of, open = None, *, account_id = "account_id", model = None))]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        table: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        open: Option<&Bound<'py, PyAny>>,
        account_id: &str,
        model: Option<&PyRiskModel>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let as_of = date_arg(as_of, "as of")?;
        let open = open.map(open_ctas).transpose()?.unwrap_or_default();
        let batch = batch_of(table)?;
        let pipeline = Pipeline {
            model: model.map_or_else(RiskModel::default, |m| m.inner.clone()),
            playbook: self.inner.clone(),
            ..Pipeline::default()
        };
        let accounts = AccountBatch::new(&batch, &pipeline, account_id).or_raise()?;
        let result = py
            .detach(|| {
                let table = accounts.table()?;
                pipeline.run(&table, as_of, &open)
            })
            .or_raise()?;
        let ctas = cs_arrow::output::cta_batch(&result.ctas).or_raise()?;
        crate::renewal::like(table, batch_to_pyarrow(py, ctas)?)
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
