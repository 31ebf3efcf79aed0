//! Health from raw measure columns: the scorecard's measures read from the account table.

use chrono::NaiveDate;

use super::table::{AccountTable, Cells, NumberCells, ordered_labels};
use crate::health::{BatchScores, MeasureColumn, Scorecard, ValueKind};
use crate::portfolio::ColumnBuf;
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
    let measures: Vec<_> = card.all_measures().collect();
    // Numbers given as integers or flags are converted once; float columns are borrowed.
    let mut converted: Vec<Option<ColumnBuf<f64>>> = Vec::with_capacity(measures.len());
    for m in &measures {
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
    let mut columns = Vec::with_capacity(measures.len());
    for (m, owned) in measures.iter().zip(&converted) {
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
    card.score_batch(&columns, as_of)
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
