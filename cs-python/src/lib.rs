//! The Python binding of cs-core: `import cs_core`.
//!
//! This crate converts and detaches; every computation is a cs-core call. Arguments, documents,
//! columns and tables enter through one module (`input`: borrowed numpy or Arrow memory, the
//! cell grammar of cs-arrow), results leave through one (`output`: pyarrow tables, which the
//! Python package hands back as the caller's table kind), and errors leave as `cs_core.CsError`
//! subclasses with the Rust message (`error`).
// pyo3's macros expand to items clippy's pedantic set would flag in user code.
#![allow(clippy::unnecessary_wraps, clippy::needless_pass_by_value, unreachable_pub)]
// Doc comments here become Python docstrings, written for Python readers, not rustdoc.
#![allow(clippy::doc_markdown)]

use pyo3::prelude::*;

mod error;
mod health;
mod health_fit;
mod health_history;
mod input;
mod nps;
mod onboarding;
mod output;
mod package;
mod pipeline;
mod playbook;
mod renewal;
mod report;
mod retention;

/// Customer Success logic from the cs-core Rust library.
#[pymodule]
mod _cs_core {
    #[pymodule_export]
    use super::error::{
        CsDuplicateError, CsEmptyError, CsError, CsEstimationError, CsInvalidError, CsLengthMismatchError,
        CsMissingError, CsOutOfRangeError, CsParseError, CsSchemaVersionError, CsUnknownError,
    };
    #[pymodule_export]
    use super::nps::{
        _nps_by, PyCalibration, PyCsat, PyNps, PyNpsComparison, csat, nps, nps_calibration, nps_compare,
        nps_from_counts,
    };
    #[pymodule_export]
    use super::onboarding::{
        _lifecycle_stage, _still_onboarding, _time_to_first_impact, _ttfi_summary, PyHandoff,
        PyJointImpactPlan, PyKickoff,
    };
    #[pymodule_export]
    use super::package::{
        _compliance_totals, _compliance_totals_part, _entitlement_compliance, _entitlement_compliance_batch,
        _time_with_customer, PyAccountCompliance, PyContractTerm, PyEngagementCalendar, PyMatchingRules,
        PyPortfolioCompliance, PySuccessPackage, package_catalog,
    };
    #[pymodule_export]
    use super::retention::{
        _kaplan_meier_by, _logrank_by, _red_lead_times, PyBacktest, PyKaplanMeier, PyLeadTimes, PyLogRank,
        PySbgFit, PySbgModel, backtest, churn_by_band, concordance_index, kaplan_meier, logrank, roc_auc,
        roc_auc_ci, roc_auc_compare,
    };

    #[pymodule_export]
    use super::health::{
        _health_rollup, _health_rollup_finish, _health_rollup_parts, _synthetic_portfolio, PyHealthScore,
        PyScorecard, PyScorecardSet, explain_change, health_trend,
    };
    #[pymodule_export]
    use super::health_fit::PyWeightFit;
    #[pymodule_export]
    use super::pipeline::portfolio_pipeline;
    #[pymodule_export]
    use super::playbook::PyPlaybook;
    #[pymodule_export]
    use super::renewal::{
        _churn_reasons, _renewal_stages, PyContract, PyRenewalStatus, PyRevenueRetention, PyRiskEvaluation,
        PyRiskModel, arr_at_risk, expansion_signals, revenue_retention,
    };
    #[pymodule_export]
    use super::report::{PyReport, report};

    use pyo3::prelude::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
