//! Health from raw measure columns: the scorecard's measures read from the account table.

use chrono::NaiveDate;

use std::collections::BTreeMap;

use super::table::{AccountTable, Cells, ColumnSpec, Kind, NumberCells, ordered_labels};
use crate::health::{
    AccountMeasures, AttributeColumn, BatchScores, HealthScore, Measure, MeasureColumn, Observation,
    Override, Scorecard, ScorecardSet, Trend, TrendOptions, Value, ValueKind, WeightFit, WeightFitOptions,
    health_trend,
};
use crate::portfolio::{Column, ColumnBuf, DateLike};
use crate::{Error, Result};

/// Whether `table` has every measure column of `card`.
pub fn has_measures(card: &Scorecard, table: &AccountTable<'_>) -> bool {
    card.all_measures().all(|m| table.has(&m.name))
}

/// Scores `table` with `card` (see [`super::Pipeline::health`]): every measure column must be
/// present; a measure's observation dates are read from `<measure>_date` when present.
pub(crate) fn score_health(
    card: &Scorecard,
    table: &AccountTable<'_>,
    as_of: NaiveDate,
) -> Result<BatchScores> {
    let measures: Vec<&Measure> = card.all_measures().collect();
    let converted = converted_numbers(&measures, table)?;
    let columns = measure_columns(&measures, table, &converted)?;
    card.score_batch(&columns, as_of)
}

/// Scores `table` with a scorecard set: each account gets the scorecard its attribute columns
/// (the set's criteria keys present in `table`, read as labels) assign, then every measure of
/// every scorecard is read as [`super::Pipeline::health`] reads one card's.
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::health::{Measure, Rule, Scorecard, ScorecardSet};
/// use cs_core::pipeline::{AccountTable, Cells, score_health_set};
/// use cs_core::portfolio::Column;
/// let mut card = Scorecard::new("usage");
/// card.measures.push(Measure::new("usage", 1.0, Rule::Linear { min: 0.0, max: 1.0 }));
/// let set = ScorecardSet::single(card);
/// let usage = [0.25, 1.0];
/// let table = AccountTable::without_ids(2).with("usage", Cells::Number(Column::new("usage", &usage)))?;
/// let scores = score_health_set(&set, &table, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap())?;
/// assert_eq!(scores.score.get(1), Some(100.0));
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn score_health_set(
    set: &ScorecardSet,
    table: &AccountTable<'_>,
    as_of: NaiveDate,
) -> Result<BatchScores> {
    let mut keys: Vec<&str> = Vec::new();
    for a in &set.assignments {
        for k in a.when.keys() {
            if table.has(k) && !keys.contains(&k.as_str()) {
                keys.push(k);
            }
        }
    }
    let mut attributes = Vec::with_capacity(keys.len());
    for k in keys {
        if let Some(Cells::Label { codes, dictionary }) = table.label(k)? {
            attributes.push(AttributeColumn {
                name: k,
                codes,
                dictionary,
            });
        }
    }
    let assignment = set.assign_all(&attributes, table.len())?;
    let mut measures: Vec<&Measure> = Vec::new();
    for m in set.scorecards.iter().flat_map(Scorecard::all_measures) {
        if !measures.iter().any(|x| x.name == m.name) {
            measures.push(m);
        }
    }
    let converted = converted_numbers(&measures, table)?;
    let columns = measure_columns(&measures, table, &converted)?;
    set.score_batch(&assignment, &columns, as_of)
}

/// Fits `card`'s weights to past outcomes ([`Scorecard::fit_weights`]) from a table holding the
/// card's measure columns and the flag column `outcome` (true: the account churned), the values
/// as of `as_of`.
///
/// Errors: a missing measure or outcome column, and those of [`Scorecard::fit_weights`].
pub fn fit_weights(
    card: &Scorecard,
    table: &AccountTable<'_>,
    outcome: &str,
    as_of: NaiveDate,
    options: &WeightFitOptions,
) -> Result<WeightFit> {
    let churned = table
        .flag(outcome)?
        .ok_or_else(|| Error::missing(format!("outcome column {outcome}")))?;
    let measures: Vec<&Measure> = card.all_measures().collect();
    let converted = converted_numbers(&measures, table)?;
    let columns = measure_columns(&measures, table, &converted)?;
    card.fit_weights(&columns, churned, as_of, options)
}

/// The columns [`score_health_set`] reads: every measure of every scorecard (numbers, flags or
/// labels by the measure's rule), each measure's `<measure>_date`, and the set's criteria keys
/// (labels), in first-use order.
pub fn health_columns(set: &ScorecardSet) -> Vec<ColumnSpec> {
    let mut out: Vec<ColumnSpec> = Vec::new();
    let mut push = |name: &str, kind: Kind, doc: String| {
        if !out.iter().any(|c| c.name == name) {
            out.push(ColumnSpec {
                name: name.to_owned(),
                kind,
                doc,
            });
        }
    };
    for card in &set.scorecards {
        for m in card.all_measures() {
            let kind = match m.rule.value_kind() {
                ValueKind::Number => Kind::Number,
                ValueKind::Bool => Kind::Flag,
                ValueKind::Category => Kind::Label,
            };
            push(
                &m.name,
                kind,
                format!("health measure of scorecard \"{}\"", card.name),
            );
            push(
                &m.date_column_name(),
                Kind::Date,
                format!("when {} was observed", m.name),
            );
        }
    }
    for a in &set.assignments {
        for k in a.when.keys() {
            push(k, Kind::Label, "scorecard assignment attribute".into());
        }
    }
    out
}

/// Number measures given as integers or flags, converted once (float columns are borrowed).
fn converted_numbers(measures: &[&Measure], table: &AccountTable<'_>) -> Result<Vec<Option<ColumnBuf<f64>>>> {
    let mut converted = Vec::with_capacity(measures.len());
    for m in measures {
        let cells = table
            .get(&m.name)
            .ok_or_else(|| Error::missing(format!("health measure column {}", m.name)))?;
        converted.push(match (m.rule.value_kind(), cells) {
            (ValueKind::Number, Cells::Integer(_) | Cells::Flag(_)) => {
                let numbers = table.number(&m.name)?;
                numbers
                    .map(|c: NumberCells<'_>| (0..table.len()).map(|i| c.get(i)).collect::<Vec<_>>().into())
            }
            _ => None,
        });
    }
    Ok(converted)
}

/// The measure columns of `measures` from `table` (with their observation dates).
fn measure_columns<'a>(
    measures: &[&'a Measure],
    table: &AccountTable<'a>,
    converted: &'a [Option<ColumnBuf<f64>>],
) -> Result<Vec<MeasureColumn<'a>>> {
    let mut columns = Vec::with_capacity(measures.len());
    for (m, owned) in measures.iter().zip(converted) {
        let cells = table
            .get(&m.name)
            .ok_or_else(|| Error::missing(format!("health measure column {}", m.name)))?;
        let wrong = |expected: &str| {
            Error::invalid(
                format!("column {}", m.name),
                format!("of kind {}", cells.kind()),
                format!("measure {} expects {expected}", m.name),
            )
        };
        let mut col = match (m.rule.value_kind(), cells) {
            (ValueKind::Number, Cells::Number(c)) => MeasureColumn::number(&m.name, c),
            (ValueKind::Number, _) => match owned {
                Some(buf) => MeasureColumn::number(&m.name, buf.as_column(&m.name)),
                None => return Err(wrong("numbers")),
            },
            (ValueKind::Bool, Cells::Flag(c)) => MeasureColumn::boolean(&m.name, c),
            (ValueKind::Bool, _) => return Err(wrong("flags")),
            (ValueKind::Category, Cells::Label { codes, dictionary }) => {
                MeasureColumn::category(&m.name, codes, dictionary)
            }
            (ValueKind::Category, _) => return Err(wrong("labels")),
        };
        if let Some(dates) = table.date(&m.date_column_name())? {
            col = col.with_observed(dates);
        }
        columns.push(col);
    }
    Ok(columns)
}

/// The band index of every row of a band column given as names (of `card`'s bands) or as
/// indices (0 = the worst band).
pub fn band_indices(card: &Scorecard, name: &str, cells: Cells<'_>) -> Result<ColumnBuf<u8>> {
    let bands = card.bands.len();
    ordered_labels(
        name,
        cells,
        |n| card.band_named(n).map(|b| b as u8),
        |v| usize::try_from(v).ok().filter(|v| *v < bands).map(|v| v as u8),
        &format!("band names or indices 0..{bands}"),
    )
}

/// The measures of row `i` of `table` as `card` reads them (the one-account form of the batch
/// scoring): each measure's value from its column (null: missing) and its observation date
/// from `<measure>_date` when the table has it. Every measure column must be present.
pub fn account_measures(card: &Scorecard, table: &AccountTable<'_>, i: usize) -> Result<AccountMeasures> {
    let mut out = AccountMeasures::new();
    for m in card.all_measures() {
        let missing = || Error::missing(format!("health measure column {}", m.name));
        let value = match m.rule.value_kind() {
            ValueKind::Number => table
                .number(&m.name)?
                .ok_or_else(missing)?
                .get(i)
                .map(Value::Number),
            ValueKind::Bool => table.flag(&m.name)?.ok_or_else(missing)?.get(i).map(Value::Bool),
            ValueKind::Category => {
                let cells = table.label(&m.name)?.ok_or_else(missing)?;
                cells.label(i).map(|l| Value::Text(l.to_owned()))
            }
        };
        let date_column = m.date_column_name();
        let observed = match table.date(&date_column)?.and_then(|c| c.get(i)) {
            None => None,
            Some(d) => Some(d.to_date().ok_or_else(|| {
                Error::out_of_range(date_column.as_str(), d, "days within chrono's date range")
            })?),
        };
        out.0.insert(m.name.clone(), Observation { value, observed });
    }
    Ok(out)
}

/// The explained health of row `i` of `table` on `as_of` ([`Scorecard::score_account`] of
/// [`account_measures`]): the score with each measure's points, for trends and overrides.
pub fn explain_row(
    card: &Scorecard,
    table: &AccountTable<'_>,
    i: usize,
    as_of: NaiveDate,
) -> Result<HealthScore> {
    card.score_account(&account_measures(card, table, i)?, as_of)
        .map_err(|e| e.at(i))
}

/// The health trend of every account of a score history: one row per account and scoring
/// date (`dates`, no nulls), each row scored with `card` on its own date, then
/// [`health_trend`] per account. Accounts in id order; errors name the row.
///
/// ```
/// use cs_core::health::{Rule, Scorecard, Measure, TrendDirection, TrendOptions};
/// use cs_core::pipeline::{AccountTable, Cells, health_trends};
/// use cs_core::portfolio::{Column, epoch_days};
/// use chrono::NaiveDate;
/// let d = |m, day| epoch_days(NaiveDate::from_ymd_opt(2026, m, day).unwrap());
/// let mut card = Scorecard::new("usage only");
/// card.measures.push(Measure::new("usage", 1.0, Rule::Linear { min: 0.0, max: 1.0 }));
/// let ids: Vec<String> = ["a", "a", "b"].map(String::from).to_vec();
/// let usage = [0.8, 0.5, 0.9];
/// let dates = [d(1, 1), d(3, 1), d(3, 1)];
/// let table = AccountTable::new(&ids)?.with("usage", Cells::Number(Column::new("usage", &usage)))?;
/// let trends = health_trends(&card, &table, Column::new("date", &dates), TrendOptions::default())?;
/// assert_eq!(trends[0].0, "a");
/// assert_eq!(trends[0].1.direction, Some(TrendDirection::Down));
/// assert!((trends[0].1.delta.unwrap() + 30.0).abs() < 1e-9); // 80 -> 50
/// assert_eq!(trends[1].1.delta, Some(0.0)); // one score in the window
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn health_trends(
    card: &Scorecard,
    table: &AccountTable<'_>,
    dates: Column<'_, i32>,
    options: TrendOptions,
) -> Result<Vec<(String, Trend)>> {
    let ids = table.account_id()?;
    dates.expect_len(table.len())?;
    let mut history: BTreeMap<&str, Vec<HealthScore>> = BTreeMap::new();
    for (i, id) in ids.iter().enumerate() {
        let as_of = dates
            .get(i)
            .ok_or_else(|| Error::missing(dates.name()).at(i))?
            .to_date()
            .ok_or_else(|| Error::out_of_range(dates.name(), "day count", "chrono's date range").at(i))?;
        history
            .entry(id.as_str())
            .or_default()
            .push(explain_row(card, table, i, as_of)?);
    }
    history
        .into_iter()
        .map(|(id, scores)| Ok((id.to_owned(), health_trend(&scores, options)?)))
        .collect()
}

/// Manual overrides applied on `as_of` to the accounts of `table` they name: for each
/// `(account id, override)` in order, the account's explained health with
/// [`HealthScore::with_override`] (the outcome in `override_outcome`: applied, expired or
/// not lower). An override of an account the table lacks, or an invalid override, is an error
/// at the override's position.
///
/// ```
/// use cs_core::health::{Measure, Override, OverrideStatus, Rule, Scorecard};
/// use cs_core::pipeline::{AccountTable, Cells, apply_overrides};
/// use cs_core::portfolio::Column;
/// use chrono::NaiveDate;
/// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
/// let mut card = Scorecard::new("usage only");
/// card.measures.push(Measure::new("usage", 1.0, Rule::Linear { min: 0.0, max: 1.0 }));
/// let ids: Vec<String> = ["a", "b"].map(String::from).to_vec();
/// let usage = [0.9, 0.2];
/// let table = AccountTable::new(&ids)?.with("usage", Cells::Number(Column::new("usage", &usage)))?;
/// let manual = Override { score: Some(30.0), band: None, reason: "exec left".into(),
///     author: "ana".into(), expires: day(12, 31), lower_only: true };
/// let out = apply_overrides(&card, &table, day(6, 30), &[("a".into(), manual.clone()), ("b".into(), manual)])?;
/// assert_eq!(out[0].score, Some(30.0)); // 90 lowered to 30
/// assert_eq!(out[1].override_outcome.as_ref().unwrap().status, OverrideStatus::NotLower);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn apply_overrides(
    card: &Scorecard,
    table: &AccountTable<'_>,
    as_of: NaiveDate,
    overrides: &[(String, Override)],
) -> Result<Vec<HealthScore>> {
    let ids = table.account_id()?;
    let rows: std::collections::HashMap<&str, usize> =
        ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    overrides
        .iter()
        .enumerate()
        .map(|(k, (id, manual))| {
            let &i = rows.get(id.as_str()).ok_or_else(|| {
                Error::invalid(
                    "override account",
                    format!("{id:?}"),
                    "not an account of the table",
                )
                .at(k)
            })?;
            // A scoring error is the account row's, not the override's: it names no position.
            let score = card.score_account(&account_measures(card, table, i)?, as_of)?;
            score.with_override(manual, card).map_err(|e| e.at(k))
        })
        .collect()
}
