//! Entitlement compliance from two tables: contracts (one row per account) and the
//! delivered-activity log, read by the cell grammar and handed to
//! [`cs_core::package::entitlement_compliance_located`]. `cs compliance` and Python's
//! `entitlement_compliance_batch` both come through here.

use arrow_array::RecordBatch;
use chrono::NaiveDate;
use cs_core::package::{
    ComplianceInput, ComplianceTotals, ContractColumns, DeliveryColumns, MatchingRules, PortfolioCompliance,
    SuccessPackage, entitlement_compliance_located,
};
use cs_core::pipeline::{Cells, Kind};
use cs_core::portfolio::{Column, DateLike as _};
use cs_core::{Error, Result};

use crate::cells::{convert, required_flags, required_integers, required_texts};
use crate::column;

/// The contracts table: `account` (non-blank, unique), `package`, `start` and `renewal`.
#[derive(Debug, Clone)]
pub struct Contracts {
    /// Account ids.
    pub account: Vec<String>,
    /// Package names (custom or built-in).
    pub package: Vec<String>,
    /// Contract start dates.
    pub start: Vec<NaiveDate>,
    /// Renewal dates.
    pub renewal: Vec<NaiveDate>,
}

impl Contracts {
    /// Reads the four columns of `batch`; a blank or unreadable cell is an error naming its
    /// column and row.
    pub fn read(batch: &RecordBatch) -> Result<Contracts> {
        Ok(Contracts {
            account: required_texts(column(batch, "account")?, "account")?,
            package: required_texts(column(batch, "package")?, "package")?,
            start: required_dates(batch, "start")?,
            renewal: required_dates(batch, "renewal")?,
        })
    }

    /// The columns as the core reads them.
    pub fn columns(&self) -> ContractColumns<'_, String> {
        ContractColumns {
            account: &self.account,
            package: &self.package,
            start: &self.start,
            renewal: &self.renewal,
        }
    }
}

/// A delivered-activity log: `date`, `activity`, `channel`, optional `minutes` and
/// `participants` (whole numbers 0..=4294967295; a null or an absent column counts as 0) and,
/// for a portfolio, `account`.
#[derive(Debug, Clone)]
pub struct Deliveries {
    /// The account of each delivery (empty when the log has no `account` column).
    pub account: Vec<String>,
    /// Delivery dates.
    pub date: Vec<NaiveDate>,
    /// Activity names.
    pub activity: Vec<String>,
    /// Channel names.
    pub channel: Vec<String>,
    /// Minutes (0 for a null).
    pub minutes: Vec<u32>,
    /// Customer participants (0 for a null).
    pub participants: Vec<u32>,
}

impl Deliveries {
    /// Reads a log; with `with_account`, the `account` column is required.
    pub fn read(batch: &RecordBatch, with_account: bool) -> Result<Deliveries> {
        let account = if with_account {
            required_texts(column(batch, "account")?, "account")?
        } else {
            Vec::new()
        };
        Ok(Deliveries {
            account,
            date: required_dates(batch, "date")?,
            activity: required_texts(column(batch, "activity")?, "activity")?,
            channel: required_texts(column(batch, "channel")?, "channel")?,
            minutes: counts(batch, "minutes")?,
            participants: counts(batch, "participants")?,
        })
    }

    /// The columns as the core reads them.
    pub fn columns(&self) -> DeliveryColumns<'_, String> {
        DeliveryColumns {
            account: &self.account,
            date: &self.date,
            activity: &self.activity,
            channel: &self.channel,
            minutes: Column::new("minutes", &self.minutes),
            participants: Column::new("participants", &self.participants),
        }
    }
}

/// Compliance of a portfolio from its contracts and deliveries tables; an error says which
/// table (and, through its position, which row) holds the value to fix.
pub fn portfolio(
    contracts: &RecordBatch,
    deliveries: &RecordBatch,
    packages: &[SuccessPackage],
    as_of: NaiveDate,
    rules: &MatchingRules,
) -> std::result::Result<(Contracts, PortfolioCompliance), (ComplianceInput, Error)> {
    let book = Contracts::read(contracts).map_err(|e| (ComplianceInput::Contracts, e))?;
    let log = Deliveries::read(deliveries, true).map_err(|e| (ComplianceInput::Deliveries, e))?;
    let result = entitlement_compliance_located(&book.columns(), &log.columns(), packages, as_of, rules)?;
    Ok((book, result))
}

/// The totals of a per-account compliance table (the `accounts` table of a portfolio's
/// compliance, or any part of its rows): `delivered`, `owed`, `overdue`, `ratio` (null when the
/// account owes nothing), `under_delivered`, `over_delivered` and `minutes_with_customer`. A
/// missing count or flag, or a bad cell, is an error naming the column and row.
pub fn totals_of_accounts(batch: &RecordBatch) -> Result<ComplianceTotals> {
    let whole = |name: &str| -> Result<Vec<u64>> {
        required_integers(column(batch, name)?, name)?
            .into_iter()
            .enumerate()
            .map(|(i, v)| u64::try_from(v).map_err(|_| Error::out_of_range(name, v, ">= 0").at(i)))
            .collect()
    };
    let flags = |name: &str| required_flags(column(batch, name)?, name);
    let (delivered, owed, overdue) = (whole("delivered")?, whole("owed")?, whole("overdue")?);
    let minutes = whole("minutes_with_customer")?;
    let (under, over) = (flags("under_delivered")?, flags("over_delivered")?);
    let held = convert(column(batch, "ratio")?, "ratio", Kind::Number)?;
    let Cells::Number(ratio) = held.cells("ratio")? else {
        return Err(Error::invalid("column ratio", "cells", "expected numbers"));
    };
    let mut totals = ComplianceTotals::new();
    for i in 0..batch.num_rows() {
        totals
            .add_account(
                delivered[i],
                owed[i],
                overdue[i],
                ratio.get(i),
                under[i],
                over[i],
                minutes[i],
            )
            .map_err(|e| e.at(i))?;
    }
    Ok(totals)
}

fn required_dates(batch: &RecordBatch, name: &str) -> Result<Vec<NaiveDate>> {
    let held = convert(column(batch, name)?, name, Kind::Date)?;
    let Cells::Date(days) = held.cells(name)? else {
        return Err(Error::invalid(
            format!("column {name}"),
            "cells",
            "expected dates",
        ));
    };
    (0..days.len())
        .map(|i| {
            days.get(i)
                .ok_or_else(|| Error::missing(name).at(i))?
                .to_date()
                .ok_or_else(|| {
                    Error::out_of_range(name, days.values()[i], "dates chrono can represent").at(i)
                })
        })
        .collect()
}

/// Whole numbers 0..=u32::MAX of an optional column (absent or null: 0).
fn counts(batch: &RecordBatch, name: &str) -> Result<Vec<u32>> {
    let Some(array) = batch.column_by_name(name) else {
        return Ok(vec![0; batch.num_rows()]);
    };
    let held = convert(array, name, Kind::Integer)?;
    let Cells::Integer(values) = held.cells(name)? else {
        return Err(Error::invalid(
            format!("column {name}"),
            "cells",
            "expected whole numbers",
        ));
    };
    (0..values.len())
        .map(|i| match values.get(i) {
            None => Ok(0),
            Some(v) => {
                u32::try_from(v).map_err(|_| Error::out_of_range(name, v, format!("0..={}", u32::MAX)).at(i))
            }
        })
        .collect()
}
