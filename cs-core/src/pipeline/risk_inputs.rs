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

/// One risk input column: the table's own float column, borrowed as it is, or a column
/// derived from other cells (codes, flags, whole numbers, dates, the health scorecard).
/// Either way a null, NaN or infinite value is unknown, as [`RiskTable`] reads it.
#[derive(Debug, Clone)]
pub enum InputColumn<'a> {
    /// The table's float column of the input's name (or of the raw name it follows from).
    Table(Column<'a, f64>),
    /// Values derived from other cells.
    Derived(ColumnBuf<f64>),
}

impl InputColumn<'_> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            InputColumn::Table(c) => c.len(),
            InputColumn::Derived(c) => c.len(),
        }
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i`: `None` when null, not finite or out of range.
    #[inline]
    pub fn get(&self, i: usize) -> Option<f64> {
        match self {
            InputColumn::Table(c) => c.get(i),
            InputColumn::Derived(c) => c.get(i),
        }
        .filter(|v| v.is_finite())
    }

    /// The rows in order (`None` for unknown values).
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Option<f64>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// A borrowed view named `name`, for a [`RiskTable`].
    pub fn as_column<'b>(&'b self, name: &'b str) -> Column<'b, f64> {
        match self {
            InputColumn::Table(c) => c.renamed(name),
            InputColumn::Derived(c) => c.as_column(name),
        }
    }
}

/// The risk inputs of a table (see [`super::Pipeline::risk_inputs`]): float columns borrowed
/// from the table, derived ones owned.
#[derive(Debug, Clone)]
pub struct RiskInputs<'a> {
    len: usize,
    columns: Vec<(String, InputColumn<'a>)>,
    sources: Vec<InputSource>,
}

impl<'a> RiskInputs<'a> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The column of input `name`, when the table had or implied it.
    pub fn get(&self, name: &str) -> Option<&InputColumn<'a>> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }

    /// The inputs found, in [`inputs::ALL`] order, with their columns.
    pub fn columns(&self) -> impl Iterator<Item = (&str, &InputColumn<'a>)> {
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

/// Numbers of a column as an input column: a float column borrowed as it is, whole numbers
/// and flags converted.
fn numbers<'a>(table: &AccountTable<'a>, name: &str) -> Result<Option<InputColumn<'a>>> {
    Ok(table.number(name)?.map(|c| match c {
        NumberCells::Float(f) => InputColumn::Table(f),
        NumberCells::Integer(c) => InputColumn::Derived(converted(c, |v| v as f64)),
        NumberCells::Flag(c) => InputColumn::Derived(converted(c, f64::from)),
    }))
}

/// A column's values through `f` as an owned float column with the column's nulls, 64 rows
/// at a time (0 behind nulls, as a [`ColumnBuf`] holds them).
fn converted<T: Copy>(column: Column<'_, T>, f: impl Fn(T) -> f64) -> ColumnBuf<f64> {
    let values: Vec<f64> = column.values().iter().map(|&v| f(v)).collect();
    let Some(valid) = column.validity() else {
        return ColumnBuf::from_values(values);
    };
    let mut out = ColumnBuf::from_values(values);
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

/// True when every non-null value of `column` satisfies `ok`.
fn all_valid<T: Copy>(column: Column<'_, T>, ok: impl Fn(T) -> bool) -> bool {
    match column.validity() {
        None => column.values().iter().all(|&v| ok(v)),
        Some(valid) => column.values().chunks(64).enumerate().all(|(k, rows)| {
            let word = valid.word(k * 64);
            rows.iter()
                .enumerate()
                .all(|(j, &v)| (word >> j) & 1 == 0 || ok(v))
        }),
    }
}

/// NPS categories as the input's codes ([`Category::index`]).
fn category_codes(cats: &ColumnBuf<Category>) -> ColumnBuf<f64> {
    cats.iter().map(|c| c.map(|c| c.index() as f64)).collect()
}

/// The `nps_category` input of a label column (names or codes). Whole-number codes that are
/// all categories are converted in one pass; anything else goes through [`nps_categories`],
/// which names the first bad value.
fn nps_category_input(name: &str, cells: Cells<'_>) -> Result<ColumnBuf<f64>> {
    let index = Category::ALL.map(|c| c.index() as f64);
    if let Cells::Integer(codes) = cells
        && all_valid(codes, |v| usize::try_from(v).is_ok_and(|v| v < index.len()))
    {
        // Checked above: every code indexes a category.
        return Ok(converted(codes, |v| {
            index.get(v as usize).copied().unwrap_or_default()
        }));
    }
    let cats = nps_categories(name, cells)?;
    Ok(category_codes(&cats))
}

/// Derives every risk input the table has or implies. See [`super::Pipeline::risk_inputs`]
/// for the rules.
pub(crate) fn derive<'a>(
    table: &AccountTable<'a>,
    card: &Scorecard,
    health: Option<&BatchScores>,
    as_of: Option<NaiveDate>,
    extra_inputs: &[String],
) -> Result<RiskInputs<'a>> {
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
        let derived: Option<(InputColumn<'a>, String)> = if table.has(name) {
            let values = match name {
                inputs::NPS_CATEGORY => {
                    let cells = table.label(name)?.ok_or_else(|| Error::missing(name))?;
                    InputColumn::Derived(nps_category_input(name, cells)?)
                }
                inputs::HEALTH_BAND => {
                    let cells = table.label(name)?.ok_or_else(|| Error::missing(name))?;
                    let bands = band_indices(card, name, cells)?;
                    InputColumn::Derived(bands.iter().map(|b| b.map(f64::from)).collect())
                }
                _ => numbers(table, name)?.ok_or_else(|| Error::missing(name))?,
            };
            Some((values, name.to_owned()))
        } else {
            match name {
                inputs::HEALTH_SCORE => {
                    health.map(|h| (InputColumn::Derived(h.score.clone()), card_source()))
                }
                inputs::HEALTH_BAND if !table.has(inputs::HEALTH_SCORE) => health.map(|h| {
                    (
                        InputColumn::Derived(h.band.iter().map(|b| b.map(f64::from)).collect()),
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
                        InputColumn::Derived(category_codes(&cats)),
                        "nps (0-10 answer)".to_owned(),
                    )
                }),
                inputs::DAYS_TO_RENEWAL => match (table.date("renewal_date")?, as_of) {
                    (Some(dates), Some(as_of)) => Some((
                        InputColumn::Derived(days_to(dates, as_of)),
                        format!("renewal_date as of {as_of}"),
                    )),
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
                        Some((
                            InputColumn::Derived(change.into()),
                            "arr / previous_arr - 1".to_owned(),
                        ))
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

    /// Values and validity bits of `n` rows read at a bit offset of 5: rows 3, 64 and every
    /// 7th are null.
    fn nulls_at_an_offset(n: usize) -> Vec<u8> {
        let mut bits = vec![0u8; (n + 5).div_ceil(8)];
        for i in 0..n {
            if i != 3 && i != 64 && i % 7 != 0 {
                bits[(i + 5) / 8] |= 1 << ((i + 5) % 8);
            }
        }
        bits
    }

    #[test]
    fn converted_columns_read_as_row_by_row() {
        let n = 200;
        let values: Vec<i64> = (0..n as i64).map(|i| i * 3 - 70).collect();
        let bits = nulls_at_an_offset(n);
        let col = Column::new("x", &values)
            .with_validity(Validity::new(&bits, 5, n).unwrap())
            .unwrap();
        let rows: ColumnBuf<f64> = (0..col.len()).map(|i| col.get(i).map(|v| v as f64)).collect();
        let out = converted(col, |v| v as f64);
        assert_eq!(out, rows);
        assert_eq!(out.values(), rows.values(), "0 behind nulls");
        assert_eq!((out.get(3), out.get(64), out.get(65)), (None, None, Some(125.0)));
        let plain = converted(Column::new("x", &values), |v| v as f64);
        assert_eq!(plain.get(199), Some(527.0));
        assert!(plain.validity().is_none());
    }

    #[test]
    fn all_valid_skips_nulls_only() {
        let n = 200;
        let mut values = vec![1i64; n];
        let bits = nulls_at_an_offset(n);
        let valid = Validity::new(&bits, 5, n).unwrap();
        values[64] = 9; // null: not looked at
        let col = Column::new("x", &values).with_validity(valid).unwrap();
        assert!(all_valid(col, |v| v == 1));
        values[65] = 9; // valid: fails
        let col = Column::new("x", &values).with_validity(valid).unwrap();
        assert!(!all_valid(col, |v| v == 1));
        assert!(!all_valid(Column::new("x", &values), |v| v == 1));
    }

    #[test]
    fn nps_category_codes_in_one_pass_equal_the_label_path() {
        let n = 200;
        let codes: Vec<i64> = (0..n as i64).map(|i| i % 3).collect();
        let bits = nulls_at_an_offset(n);
        let valid = Validity::new(&bits, 5, n).unwrap();
        let col = Column::new("nps_category", &codes).with_validity(valid).unwrap();
        let fast = nps_category_input("nps_category", Cells::Integer(col)).unwrap();
        let labels = nps_categories("nps_category", Cells::Integer(col)).unwrap();
        let slow = category_codes(&labels);
        assert_eq!(fast, slow);
        assert_eq!(
            (fast.get(2), fast.get(3), fast.get(4)),
            (Some(2.0), None, Some(1.0))
        );
        // A code off the scale, even among valid ones, is the label path's error at its row.
        let mut bad = codes.clone();
        bad[65] = 3;
        let col = Column::new("nps_category", &bad).with_validity(valid).unwrap();
        let e = nps_category_input("nps_category", Cells::Integer(col)).unwrap_err();
        assert!(
            e.to_string().contains("row 65") || e.to_string().contains("65"),
            "{e}"
        );
        assert!(e.to_string().contains('3'), "{e}");
    }
}
