//! `Scorecard.health_history`: the conversion of a history table; the computation is
//! `cs_arrow::health::health_history`, the same call as `cs health-history`.

use cs_core::health::Scorecard;
use pyo3::prelude::*;

use crate::error::OrRaise;
use crate::output::to_python;

/// The body of `Scorecard.health_history`: the history as a dict (bands, mix, transitions).
pub(crate) fn health_history<'py>(
    py: Python<'py>,
    card: &Scorecard,
    history: &Bound<'py, PyAny>,
    date: &str,
    arr: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let batch = crate::renewal::batch_of(history)?;
    let h = py
        .detach(|| cs_arrow::health::health_history(&batch, card, date, arr))
        .or_raise()?;
    to_python(py, &h)
}
