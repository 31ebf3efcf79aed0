//! Onboarding tables: Time to First Impact per row of an accounts table, and its summary per
//! group (the one recipe behind `cs onboarding` and Python's `time_to_first_impact` /
//! `ttfi_summary`).

use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, UInt64Array};
use arrow_schema::{DataType, Field};
use chrono::NaiveDate;
use cs_core::onboarding::{
    FirstImpactStatus, TtfiConfig, TtfiOrigin, TtfiSummary, time_to_first_impact, ttfi_by, ttfi_summary,
};
use cs_core::pipeline::Kind;
use cs_core::portfolio::{Column, Validity};
use cs_core::{Error, Result};

use crate::cells::{Held, convert};
use crate::column;
use crate::groups::Groups;
use crate::output::batch;

/// The date columns Time to First Impact reads: the origin (kickoff or contract start, as the
/// configuration says; only that one is read) and the First Impact date.
#[derive(Debug, Clone, Copy)]
pub struct TtfiInputs<'a> {
    /// Kickoff dates.
    pub kickoff: &'a str,
    /// Contract start dates.
    pub contract_start: &'a str,
    /// First Impact dates (missing: not yet).
    pub first_impact: &'a str,
}

impl TtfiInputs<'_> {
    /// The origin column `config` reads.
    pub fn origin(&self, config: TtfiConfig) -> &str {
        match config.origin {
            TtfiOrigin::Kickoff => self.kickoff,
            TtfiOrigin::ContractStart => self.contract_start,
        }
    }
}

/// Days since 1970-01-01 of a date column, by the cell grammar.
fn days(batch: &RecordBatch, name: &str) -> Result<Held> {
    convert(column(batch, name)?, name, Kind::Date)
}

fn date_column<'a>(held: &'a Held, name: &'a str) -> Result<Column<'a, i32>> {
    let Held::Date(days, nulls) = held else {
        return Err(Error::invalid(
            format!("column {name}"),
            "cells",
            "expected dates",
        ));
    };
    let validity = match nulls {
        Some(n) if n.null_count() > 0 => Some(Validity::new(n.validity(), n.offset(), n.len())?),
        _ => None,
    };
    Column::new(name, days).with_optional_validity(validity)
}

/// The Time to First Impact status of every row of `batch` as of `as_of`; an error names its
/// row.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, RecordBatch, StringArray};
/// use cs_core::onboarding::{TtfiConfig, FirstImpactState};
/// let kickoff: ArrayRef = Arc::new(StringArray::from(vec!["2026-01-10", "2026-03-01"]));
/// let first: ArrayRef = Arc::new(StringArray::from(vec![Some("2026-02-14"), None]));
/// let batch = RecordBatch::try_from_iter([("kickoff", kickoff), ("first_impact", first)]).unwrap();
/// let cols = cs_arrow::onboarding::TtfiInputs { kickoff: "kickoff", contract_start: "contract_start", first_impact: "first_impact" };
/// let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
/// let s = cs_arrow::onboarding::ttfi_statuses(&batch, as_of, TtfiConfig::default(), &cols)?;
/// assert_eq!(s[0].days, Some(35));
/// assert_eq!(s[1].state, FirstImpactState::Onboarding);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn ttfi_statuses(
    batch: &RecordBatch,
    as_of: NaiveDate,
    config: TtfiConfig,
    columns: &TtfiInputs<'_>,
) -> Result<Vec<FirstImpactStatus>> {
    let origin_name = columns.origin(config);
    let origin = days(batch, origin_name)?;
    let first = days(batch, columns.first_impact)?;
    let origin_col = date_column(&origin, origin_name)?;
    let first_col = date_column(&first, columns.first_impact)?;
    let (kickoff, contract_start) = match config.origin {
        TtfiOrigin::Kickoff => (Some(origin_col), None),
        TtfiOrigin::ContractStart => (None, Some(origin_col)),
    };
    time_to_first_impact(kickoff, contract_start, first_col, as_of, config)
}

/// The Time to First Impact summary per group of `by` (one row of every account without `by`).
#[derive(Debug, Clone)]
pub struct TtfiTable {
    groups: Option<Groups>,
    rows: Vec<(u64, TtfiSummary)>,
}

/// Summarises `statuses` (one per row of `batch`) per group of `by`.
pub fn ttfi_table(batch: &RecordBatch, statuses: &[FirstImpactStatus], by: &[String]) -> Result<TtfiTable> {
    if by.is_empty() {
        return Ok(TtfiTable {
            groups: None,
            rows: vec![(0, ttfi_summary(statuses))],
        });
    }
    let groups = Groups::new(batch, by)?;
    let codes = groups.codes();
    let rows = ttfi_by(statuses, |i| Ok(codes[i]))?
        .into_iter()
        .map(|g| (g.key, g.summary))
        .collect();
    Ok(TtfiTable {
        groups: Some(groups),
        rows,
    })
}

impl TtfiTable {
    /// The summaries in key order.
    pub fn summaries(&self) -> impl Iterator<Item = &TtfiSummary> {
        self.rows.iter().map(|(_, s)| s)
    }

    /// The key of row `i` as text, one per key column.
    pub fn labels(&self, i: usize) -> Vec<String> {
        match (&self.groups, self.rows.get(i)) {
            (Some(g), Some((code, _))) => g.labels(*code),
            _ => Vec::new(),
        }
    }

    /// The table: the key columns, then `accounts`, `not_started`, `onboarding`, `overdue`,
    /// `achieved`, `achieved_late`, `median_days`, `p90_days` and `share_past_target`.
    pub fn to_batch(&self) -> Result<RecordBatch> {
        let mut columns = match &self.groups {
            Some(g) => g.key_columns(&self.rows.iter().map(|(c, _)| *c).collect::<Vec<_>>())?,
            None => Vec::new(),
        };
        let count = |name: &str, f: fn(&TtfiSummary) -> u64| -> (Field, ArrayRef) {
            let values: UInt64Array = self.summaries().map(|s| Some(f(s))).collect();
            (Field::new(name, DataType::UInt64, false), Arc::new(values))
        };
        let stat = |name: &str, f: fn(&TtfiSummary) -> Option<f64>| -> (Field, ArrayRef) {
            let values: Float64Array = self.summaries().map(f).collect();
            (Field::new(name, DataType::Float64, true), Arc::new(values))
        };
        columns.extend([
            count("accounts", |s| s.accounts),
            count("not_started", |s| s.not_started),
            count("onboarding", |s| s.onboarding),
            count("overdue", |s| s.overdue),
            count("achieved", |s| s.achieved),
            count("achieved_late", |s| s.achieved_late),
            stat("median_days", |s| s.median_days),
            stat("p90_days", |s| s.p90_days),
            stat("share_past_target", |s| s.share_past_target),
        ]);
        batch(columns)
    }
}
