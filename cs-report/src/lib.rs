//! # cs-report
//!
//! The portfolio review of a book of business (the tables of docs/sample-company.md): every
//! number computed by a cs-core function ([`Review::build`]), then shown three ways:
//! [`render_html`] (one self-contained page with inline CSS and SVG charts drawn by plotters,
//! no script, no fetch), [`summary_text`] (the terminal summary) and JSON
//! (`serde_json::to_string(&review)`, with a top-level `headline` object).
//!
//! This crate computes nothing of its own: it reads columns through cs-arrow, calls the core
//! and formats. Inputs dated after the as-of date are dropped by
//! [`cs_arrow::as_of::table_as_of`] before anything is computed.
#![forbid(unsafe_code)]
#![allow(clippy::doc_markdown)]

mod charts;
mod html;
pub mod input;
mod notebook;
mod review;
mod summary;

pub use html::{grouped, major_units, render_html};
pub use input::{ReviewInput, Table};
pub use notebook::{
    backtest_html, health_html, kaplan_meier_html, nps_html, risk_evaluation_html, weight_fit_html,
};
pub use review::*;
pub use summary::summary_text;

/// A review that could not be made: the message names the file (and line) or the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportError(pub String);

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ReportError {}

/// Writes `html` to `path` through a temporary file beside it, renamed over `path` at the end:
/// a failure leaves no partial file and any previous report whole.
pub fn write_html(path: &std::path::Path, html: &str) -> Result<(), ReportError> {
    use std::io::Write as _;
    cs_arrow::files::write_atomically(path, |out| {
        out.write_all(html.as_bytes()).map_err(|e| e.to_string())
    })
    .map_err(|e| ReportError(e.to_string()))
}
