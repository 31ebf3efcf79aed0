//! Risk inputs derived from raw account columns: each standard input from its own column, or
//! from the columns it follows from, with a note of where it came from.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::health_step::band_indices;
use super::table::{AccountTable, Cells, ordered_labels};
use crate::health::{BatchScores, Scorecard};
use crate::nps::{Answer, Category};
use crate::portfolio::{ColumnBuf, epoch_days};
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
fn days_to(dates: crate::portfolio::Column<'_, i32>, as_of: NaiveDate) -> ColumnBuf<f64> {
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

/// Numbers of a column as an owned input column.
fn numbers(table: &AccountTable<'_>, name: &str) -> Result<Option<ColumnBuf<f64>>> {
    Ok(table
        .number(name)?
        .map(|c| (0..table.len()).map(|i| c.get(i)).collect::<Vec<_>>().into()))
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
