//! # cs-arrow
//!
//! The table layer between [`cs_core`] and its front ends (the `cs` command line, the Python
//! binding, Spark or DuckDB functions): Arrow [`RecordBatch`](arrow_array::RecordBatch)es in,
//! the core's borrowed columns through, RecordBatches out.
//!
//! - [`cells`]: the one cell grammar (booleans, dates, numbers, money, labels, NaN and null),
//!   enforced here and only here, so a cell means the same through a CSV file, Parquet,
//!   pyarrow, pandas, polars or numpy.
//! - [`AccountBatch`]: a RecordBatch read as the [`cs_core::pipeline`]'s raw account table.
//! - [`output`]: risk scores and calls to action as Arrow columns.
//! - [`pipeline`]: the whole portfolio pipeline per account (health, risk, expected loss,
//!   signals, calls to action) as one table.
//! - [`revenue`]: ARR snapshots for GRR / NRR.
//! - [`groups`]: rows grouped by key columns (the one rule for `--by` and `by=`).
//! - [`nps`]: NPS of a survey table by group and period.
//! - [`survival`]: tenures and churn flags; Kaplan-Meier and log-rank per group.
//! - [`onboarding`]: Time to First Impact per row and per group.
//! - [`health`]: scoring results as Arrow columns; health rollups of a scored table.
//! - [`compliance`]: contracts and delivered-activity tables for entitlement compliance.
//! - [`sample`]: the sample company's files as RecordBatches (and, with `files`, written to a
//!   directory).
//! - [`as_of`]: nothing after the as-of date (the dated tables filtered to it).
//! - [`files`]: CSV and Parquet files read into, and written from, RecordBatches (outputs
//!   written to a temporary file and renamed).
//!
//! cs-core stays free of Arrow; this crate holds no domain rule of its own.
#![forbid(unsafe_code)]
// Docs name Arrow types (RecordBatch, date32) in prose.
#![allow(clippy::doc_markdown)]
#![deny(missing_docs)]

mod account;
pub mod as_of;
pub mod cells;
pub mod compliance;
#[cfg(feature = "files")]
pub mod files;
pub mod groups;
pub mod health;
pub mod nps;
pub mod onboarding;
pub mod output;
pub mod pipeline;
pub mod revenue;
pub mod rollup;
pub mod sample;
pub mod survival;

use arrow_array::{ArrayRef, RecordBatch};

/// The column `name` of `batch`, or [`cs_core::Error::Unknown`] listing the columns there are.
pub fn column<'a>(batch: &'a RecordBatch, name: &str) -> cs_core::Result<&'a ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| {
        let schema = batch.schema();
        cs_core::Error::unknown("column", name, schema.fields().iter().map(|f| f.name().as_str()))
    })
}

pub use account::AccountBatch;
pub use cells::{Held, convert};
