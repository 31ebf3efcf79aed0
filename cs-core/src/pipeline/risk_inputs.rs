//! Risk inputs derived from raw account columns: each standard input from its own column, or
//! from the columns it follows from, with a note of where it came from.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::health_step::band_indices;
use super::table::{AccountTable, Cells, NumberCells, ordered_labels};
use crate::health::{BatchScores, Scorecard};
use crate::nps::{Answer, Category};
use crate::portfolio::{Column, ColumnBuf, epoch_days};
use crate::renewal::{RiskTable, inputs};
use crate::{Error, Result};

/// Where one risk input came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputSource {
    /// The standard input name (see [`inputs`]).
    pub input: String,
    /// Its source: the column of the same name, or how it was derived.
    pub source: String,
}

/// The risk inputs of a table (see [`super::Pipeline::risk_inputs`]), as owned columns.
#[derive(Debug, Clone)]
pub struct RiskInputs {
    len: usize,
    columns: Vec<(String, ColumnBuf<f64>)>,
    sources: Vec<InputSource>,
}

impl RiskInputs {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The column of input `name`, when the table had or implied it.
    pub fn get(&self, name: &str) -> Option<&ColumnBuf<f64>> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }

    /// The inputs found, in [`inputs::ALL`] order, with their columns.
    pub fn columns(&self) -> impl Iterator<Item = (&str, &ColumnBuf<f64>)> {
        self.columns.iter().map(|(n, c)| (n.as_str(), c))
    }

    /// Where each input came from, in [`inputs::ALL`] order.
    pub fn sources(&self) -> &[InputSource] {
        &self.sources
    }

    /// The inputs as a [`RiskTable`] for [`crate::renewal::RiskModel::score`].
    pub fn table(&self) -> Result<RiskTable<'_>> {
        let mut t = RiskTable::new(self.len);
        for (name, c) in &self.columns {
            t = t.with(c.as_column(name))?;
        }
        Ok(t)
    }
}

/// A whole number of days to a date column, as of `as_of`.
fn days_to(dates: Column<'_, i32>, as_of: NaiveDate) -> ColumnBuf<f64> {
    let today = i64::from(epoch_days(as_of));
    (0..dates.len())
        .map(|i| dates.get(i).map(|d| (i64::from(d) - today) as f64))
        .collect::<Vec<_>>()
        .into()
}

/// NPS categories of a column given as names or as codes (0 detractor, 1 passive, 2 promoter).
pub(crate) fn nps_categories(name: &str, cells: Cells<'_>) -> Result<ColumnBuf<Category>> {
    ordered_labels(
        name,
        cells,
        Category::parse,
        |v| {
            usize::try_from(v)
                .ok()
                .and_then(|v| Category::ALL.get(v).copied())
        },
        "0 (detractor), 1 (passive), 2 (promoter)",
    )
}

/// NPS categories of 0-10 answers (null stays null; anything else off the scale is an error).
pub(crate) fn categories_of_answers(
    table: &AccountTable<'_>,
    name: &str,
) -> Result<Option<ColumnBuf<Category>>> {
    let Some(answers) = table.number(name)? else {
        return Ok(None);
    };
    (0..table.len())
        .map(|i| match answers.get(i) {
            None => Ok(None),
            Some(x) => x
                .to_score()
                .map(|s| Some(Category::of(s)))
                .ok_or_else(|| Error::out_of_range("nps score", x, "0..=10").at(i)),
        })
        .collect::<Result<Vec<_>>>()
        .map(|v| Some(ColumnBuf::from(v)))
}

/// Numbers of a column as an owned input column: a float column of finite values is copied
/// as its two buffers (values, validity), every other column row by row.
fn numbers(table: &AccountTable<'_>, name: &str) -> Result<Option<ColumnBuf<f64>>> {
    Ok(table.number(name)?.map(|c| match c {
        NumberCells::Float(f) if f.values().iter().all(|v| v.is_finite()) => copy_floats(f),
        c => (0..table.len()).map(|i| c.get(i)).collect(),
    }))
}

/// A float column as an owned column, 64 rows at a time: the values (0 behind nulls, as a
/// [`ColumnBuf`] holds them) and the validity bits.
fn copy_floats(column: Column<'_, f64>) -> ColumnBuf<f64> {
    let Some(valid) = column.validity() else {
        return ColumnBuf::from_values(column.values().to_vec());
    };
    let mut out = ColumnBuf::from_values(column.values().to_vec());
    let (values, bits) = out.parts_mut();
    for (k, (rows, bytes)) in values.chunks_mut(64).zip(bits.chunks_mut(8)).enumerate() {
        let word = valid.word(k * 64);
        if word != u64::MAX {
            for (j, v) in rows.iter_mut().enumerate() {
                if (word >> j) & 1 == 0 {
                    *v = 0.0;
                }
            }
        }
        bytes.copy_from_slice(&word.to_le_bytes()[..bytes.len()]);
    }
    out
}

/// Derives every risk input the table has or implies. See [`super::Pipeline::risk_inputs`]
/// for the rules.
pub(crate) fn derive(
    table: &AccountTable<'_>,
    card: &Scorecard,
    health: Option<&BatchScores>,
    as_of: Option<NaiveDate>,
    extra_inputs: &[String],
) -> Result<RiskInputs> {
    let n = table.len();
    let mut columns = Vec::new();
    let mut sources = Vec::new();
    let card_source = || {
        if *card == Scorecard::default_card() {
            "the built-in health scorecard".to_owned()
        } else {
            format!("the health scorecard \"{}\"", card.name)
        }
    };
    for name in inputs::ALL {
        let derived: Option<(ColumnBuf<f64>, String)> = if table.has(name) {
            let values = match name {
                inputs::NPS_CATEGORY => {
                    let cats = nps_categories(name, table.label(name)?.ok_or_else(|| Error::missing(name))?)?;
                    cats.iter()
                        .map(|c| c.map(|c| c.index() as f64))
                        .collect::<Vec<_>>()
                        .into()
                }
                inputs::HEALTH_BAND => {
                    let cells = table.label(name)?.ok_or_else(|| Error::missing(name))?;
                    let bands = band_indices(card, name, cells)?;
                    bands.iter().map(|b| b.map(f64::from)).collect::<Vec<_>>().into()
                }
                _ => numbers(table, name)?.ok_or_else(|| Error::missing(name))?,
            };
            Some((values, name.to_owned()))
        } else {
            match name {
                inputs::HEALTH_SCORE => health.map(|h| (h.score.clone(), card_source())),
                inputs::HEALTH_BAND if !table.has(inputs::HEALTH_SCORE) => health.map(|h| {
                    (
                        h.band.iter().map(|b| b.map(f64::from)).collect::<Vec<_>>().into(),
                        card_source(),
                    )
                }),
                inputs::UTILISATION => {
                    numbers(table, "licence_utilisation")?.map(|c| (c, "licence_utilisation".to_owned()))
                }
                inputs::OPEN_HIGH_PRIORITY_CASES => {
                    numbers(table, "high_priority_tickets")?.map(|c| (c, "high_priority_tickets".to_owned()))
                }
                inputs::NPS_CATEGORY => categories_of_answers(table, "nps")?.map(|cats| {
                    (
                        cats.iter()
                            .map(|c| c.map(|c| c.index() as f64))
                            .collect::<Vec<_>>()
                            .into(),
                        "nps (0-10 answer)".to_owned(),
                    )
                }),
                inputs::DAYS_TO_RENEWAL => match (table.date("renewal_date")?, as_of) {
                    (Some(dates), Some(as_of)) => {
                        Some((days_to(dates, as_of), format!("renewal_date as of {as_of}")))
                    }
                    _ => None,
                },
                inputs::ARR_CHANGE => match (table.number("arr")?, table.number("previous_arr")?) {
                    (Some(now), Some(before)) => {
                        let change: Vec<Option<f64>> = (0..n)
                            .map(|i| match (now.get(i), before.get(i)) {
                                (Some(a), Some(b)) if b > 0.0 => Some(a / b - 1.0),
                                _ => None,
                            })
                            .collect();
                        Some((change.into(), "arr / previous_arr - 1".to_owned()))
                    }
                    _ => None,
                },
                _ => None,
            }
        };
        if let Some((values, source)) = derived {
            columns.push((name.to_owned(), values));
            sources.push(InputSource {
                input: name.to_owned(),
                source,
            });
        }
    }
    // Inputs of the model's own (non-standard) factors, read as numbers.
    for input in extra_inputs {
        if let Some(values) = numbers(table, input)? {
            columns.push((input.clone(), values));
            sources.push(InputSource {
                input: input.clone(),
                source: input.clone(),
            });
        }
    }
    Ok(RiskInputs {
        len: n,
        columns,
        sources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portfolio::Validity;

    #[test]
    fn floats_copied_by_buffers_read_as_row_by_row() {
        let n = 200;
        let values: Vec<f64> = (0..n).map(|i| f64::from(i) * 0.5 - 7.0).collect();
        // Rows 3, 64 and every 7th are null, read at a bit offset of 5.
        let mut bits = vec![0u8; (n as usize + 5).div_ceil(8)];
        for i in 0..n as usize {
            if i != 3 && i != 64 && i % 7 != 0 {
                bits[(i + 5) / 8] |= 1 << ((i + 5) % 8);
            }
        }
        let col = Column::new("x", &values)
            .with_validity(Validity::new(&bits, 5, n as usize).unwrap())
            .unwrap();
        let rows: ColumnBuf<f64> = (0..col.len()).map(|i| col.get(i)).collect();
        let copied = copy_floats(col);
        assert_eq!(copied, rows);
        assert_eq!(copied.values(), rows.values());
        assert_eq!(
            (copied.get(3), copied.get(64), copied.get(65)),
            (None, None, Some(25.5))
        );
        let plain = copy_floats(Column::new("x", &values));
        assert_eq!(plain.values(), values.as_slice());
    }
}
