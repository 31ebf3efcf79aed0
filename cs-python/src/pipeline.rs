//! `cs_core.portfolio_pipeline`: the whole portfolio pipeline per account, one core call.

use cs_core::pipeline::{MissingInputs, Pipeline};
use cs_core::renewal::RiskModel;
use pyo3::prelude::*;

use crate::error::OrRaise;
use crate::health::PyScorecard;
use crate::input::date_arg;
use crate::output::batch_to_pyarrow;
use crate::playbook::{PyPlaybook, open_ctas};
use crate::renewal::{PyRiskModel, batch_of, like, warn_dropped};

/// Runs the whole portfolio pipeline on every account of ``table`` as of ``as_of`` and
/// returns one row per account, in input order, as a table of the caller's type: account_id;
/// health_score, health_band, health_coverage and health_driver (when the table has the
/// scorecard's measures); risk, log_odds, risk_tier and the reason codes (reason_k,
/// reason_k_contribution); expected_loss (ARR x risk in minor units, when the table has
/// ``arr``); expansion_signal and notice_deadline (when given or derivable); ctas (the rule ids
/// of the account's new calls to action). Inputs are read and derived as in
/// ``RiskModel.score`` and ``Playbook.evaluate``, with the same numbers. ``scorecard``,
/// ``model`` and ``playbook`` default to the built-in documents; ``open`` lists CTAs still
/// open. ``drop_missing``: None leaves out risk factors without input and warns naming them,
/// True leaves them out silently, False raises ``CsMissingError``.
#[pyfunction]
#[pyo3(signature = (table, as_of, *, scorecard = None, model = None, playbook = None, open = None,
    account_id = "account_id", drop_missing = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn portfolio_pipeline<'py>(
    py: Python<'py>,
    table: &Bound<'py, PyAny>,
    as_of: &Bound<'py, PyAny>,
    scorecard: Option<&PyScorecard>,
    model: Option<&PyRiskModel>,
    playbook: Option<&PyPlaybook>,
    open: Option<&Bound<'py, PyAny>>,
    account_id: &str,
    drop_missing: Option<bool>,
) -> PyResult<Bound<'py, PyAny>> {
    let as_of = date_arg(as_of, "as of")?;
    let open = open.map(open_ctas).transpose()?.unwrap_or_default();
    let defaults = Pipeline::default();
    let pipeline = Pipeline {
        scorecard: scorecard.map_or(defaults.scorecard, |c| c.inner.clone()),
        model: model.map_or_else(RiskModel::default, |m| m.inner.clone()),
        playbook: playbook.map_or(defaults.playbook, |p| p.inner.clone()),
        missing_inputs: if drop_missing == Some(false) {
            MissingInputs::Error
        } else {
            MissingInputs::Drop
        },
        ..defaults
    };
    let batch = batch_of(table)?;
    let out = py
        .detach(|| cs_arrow::pipeline::run(&batch, &pipeline, account_id, as_of, &open))
        .or_raise()?;
    if drop_missing.is_none() {
        warn_dropped(py, &out.dropped)?;
    }
    like(table, batch_to_pyarrow(py, out.batch)?)
}
