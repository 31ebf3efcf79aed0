use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::kernel::{Input, Kernel, Out, Source};
use super::plan::Plan;
use super::rule::ValueKind;
use super::scorecard::Scorecard;
use super::weights::WeightTable;
use crate::portfolio::epoch_days;
use crate::portfolio::{Column, ColumnBuf};
use crate::{Error, Result};

/// Rows per parallel task. Fixed, so the work split never depends on the thread count (each
/// row is computed on its own anyway, so results are bit-identical for any thread count).
pub const BATCH_CHUNK: usize = 16 * 1024;

/// The raw values of one measure for every row.
#[derive(Debug, Clone, Copy)]
pub enum MeasureData<'a> {
    /// Numbers (linear, piecewise and step rules). Integer columns are cast by the caller.
    Number(Column<'a, f64>),
    /// Booleans (boolean rules).
    Bool(Column<'a, bool>),
    /// Dictionary-encoded category names (categorical rules): row `i` is
    /// `dictionary[codes[i]]`, as in an Arrow dictionary array.
    Category {
        /// Codes into `dictionary`.
        codes: Column<'a, u32>,
        /// The distinct names.
        dictionary: &'a [String],
    },
}

impl MeasureData<'_> {
    fn kind(&self) -> ValueKind {
        match self {
            MeasureData::Number(_) => ValueKind::Number,
            MeasureData::Bool(_) => ValueKind::Bool,
            MeasureData::Category { .. } => ValueKind::Category,
        }
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            MeasureData::Number(c) => c.len(),
            MeasureData::Bool(c) => c.len(),
            MeasureData::Category { codes, .. } => codes.len(),
        }
    }
}

/// One measure's column for batch scoring, with its optional observation dates (days since
/// 1970-01-01, Arrow `date32`; see [`epoch_days`]) for staleness.
#[derive(Debug, Clone, Copy)]
pub struct MeasureColumn<'a> {
    /// The measure name.
    pub measure: &'a str,
    /// The values.
    pub data: MeasureData<'a>,
    /// When each value was observed; a null date (or no column) means current.
    pub observed: Option<Column<'a, i32>>,
}

impl<'a> MeasureColumn<'a> {
    /// A numeric measure column.
    pub fn number(measure: &'a str, values: Column<'a, f64>) -> Self {
        MeasureColumn {
            measure,
            data: MeasureData::Number(values),
            observed: None,
        }
    }

    /// A boolean measure column.
    pub fn boolean(measure: &'a str, values: Column<'a, bool>) -> Self {
        MeasureColumn {
            measure,
            data: MeasureData::Bool(values),
            observed: None,
        }
    }

    /// A dictionary-encoded categorical measure column.
    pub fn category(measure: &'a str, codes: Column<'a, u32>, dictionary: &'a [String]) -> Self {
        MeasureColumn {
            measure,
            data: MeasureData::Category { codes, dictionary },
            observed: None,
        }
    }

    /// The same column with observation dates.
    pub fn with_observed(mut self, observed: Column<'a, i32>) -> Self {
        self.observed = Some(observed);
        self
    }
}

/// Batch results: one entry per row in every column. The nullable columns are
/// [`ColumnBuf`]s (values plus an Arrow validity bitmap), so they go to Arrow without a copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchScores {
    /// Scores, null for insufficient data.
    pub score: ColumnBuf<f64>,
    /// Band indexes into the row's scorecard bands (see `band_names`), null with the score.
    pub band: ColumnBuf<u8>,
    /// Coverage, `0..=1`.
    pub coverage: Vec<f64>,
    /// The top negative driver: an index into `measure_names`, null when no measure loses
    /// points (or the row is not scored).
    pub driver: ColumnBuf<u16>,
    /// The scorecard index of each row (all 0 for a single scorecard).
    pub scorecard: Vec<u16>,
    /// The measure names driver codes refer to.
    pub measure_names: Vec<String>,
    /// Per scorecard, its band names from the lowest up.
    pub band_names: Vec<Vec<String>>,
}

impl BatchScores {
    /// `rows` unscored rows, ready for the kernel to fill (zeroed memory: the pages are first
    /// touched by the parallel kernel, not by one thread up front).
    pub(crate) fn empty(
        rows: usize,
        scorecard: Vec<u16>,
        measure_names: Vec<String>,
        band_names: Vec<Vec<String>>,
    ) -> Self {
        BatchScores {
            score: ColumnBuf::nulls(rows),
            band: ColumnBuf::nulls(rows),
            coverage: vec![0.0; rows],
            driver: ColumnBuf::nulls(rows),
            scorecard,
            measure_names,
            band_names,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.coverage.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.coverage.is_empty()
    }

    /// The rows with a score, lowest score first (ties in row order), at most `n`: the
    /// accounts to look at first.
    pub fn worst(&self, n: usize) -> Vec<usize> {
        let mut rows: Vec<usize> = (0..self.len()).filter(|&i| self.score.get(i).is_some()).collect();
        // (score, row) is a strict total order, so selecting the first `n` and sorting only
        // them gives the rows a full sort would, in linear time.
        let order = |&a: &usize, &b: &usize| {
            let s = |i: usize| self.score.get(i).unwrap_or(0.0);
            s(a).total_cmp(&s(b)).then(a.cmp(&b))
        };
        if n < rows.len() {
            if n == 0 {
                return Vec::new();
            }
            rows.select_nth_unstable_by(n - 1, order);
            rows.truncate(n);
        }
        rows.sort_unstable_by(order);
        rows
    }

    /// The band name of row `i`.
    pub fn band_name(&self, i: usize) -> Option<&str> {
        let b = usize::from(self.band.get(i)?);
        let card = usize::from(*self.scorecard.get(i)?);
        self.band_names.get(card)?.get(b).map(String::as_str)
    }

    /// The driver name of row `i`.
    pub fn driver_name(&self, i: usize) -> Option<&str> {
        let d = usize::from(self.driver.get(i)?);
        self.measure_names.get(d).map(String::as_str)
    }
}

/// Scores plans over columns, each row with the plan `assignment[row]` (or plan 0).
pub(crate) fn run(
    cards: &[&Scorecard],
    assignment: Option<&[u16]>,
    columns: &[MeasureColumn<'_>],
    as_of: NaiveDate,
) -> Result<BatchScores> {
    let plans = cards.iter().map(|c| Plan::new(c)).collect::<Result<Vec<_>>>()?;
    let mut names: Vec<String> = Vec::new();
    for p in &plans {
        for m in &p.measures {
            if !names.contains(&m.name) {
                names.push(m.name.clone());
            }
        }
    }
    let rows = columns.first().map_or(0, |c| c.data.len());
    if let Some(a) = assignment {
        if a.len() != rows {
            return Err(Error::LengthMismatch {
                field: "scorecard assignment".into(),
                expected: rows,
                actual: a.len(),
            });
        }
        if let Some((row, k)) = a
            .iter()
            .enumerate()
            .find(|(_, k)| usize::from(**k) >= plans.len())
        {
            return Err(Error::out_of_range("scorecard index", k, format!("0..{}", plans.len())).at(row));
        }
    }
    // Map each (plan, measure) to its column; check names, kinds and lengths.
    for (k, c) in columns.iter().enumerate() {
        if !names.iter().any(|n| n == c.measure) {
            return Err(Error::unknown("measure", c.measure, &names));
        }
        if columns[..k].iter().any(|o| o.measure == c.measure) {
            return Err(Error::duplicate("measure column", c.measure));
        }
        if c.data.len() != rows {
            return Err(Error::LengthMismatch {
                field: c.measure.to_owned(),
                expected: rows,
                actual: c.data.len(),
            });
        }
        if let Some(o) = &c.observed {
            o.expect_len(rows)?;
        }
    }
    let mut index: Vec<Vec<usize>> = Vec::with_capacity(plans.len());
    for p in &plans {
        let mut idx = Vec::with_capacity(p.measures.len());
        for (i, m) in p.measures.iter().enumerate() {
            let k = columns
                .iter()
                .position(|c| c.measure == m.name)
                .ok_or_else(|| Error::missing(format!("column {}", m.name)))?;
            let kind = columns[k].data.kind();
            if kind != m.rule.value_kind() {
                return Err(p.wrong_kind(i, kind));
            }
            idx.push(k);
        }
        index.push(idx);
    }
    let inputs: Vec<Input<'_>> = columns
        .iter()
        .map(|c| Input {
            observed: c.observed,
            source: match c.data {
                MeasureData::Number(v) => Source::Number(v),
                MeasureData::Bool(v) => Source::Bool(v),
                MeasureData::Category { codes, dictionary } => Source::Category {
                    codes,
                    dictionary,
                    name: c.measure,
                    scores: plans
                        .iter()
                        .map(|p| match p.measures.iter().find(|m| m.name == c.measure) {
                            Some(m) => dictionary.iter().map(|d| m.rule.score_category(d)).collect(),
                            None => Vec::new(),
                        })
                        .collect(),
                },
            },
        })
        .collect();
    let driver_map: Vec<Vec<u16>> = plans
        .iter()
        .map(|p| {
            p.measures
                .iter()
                .map(|m| names.iter().position(|n| *n == m.name).unwrap_or(0) as u16)
                .collect()
        })
        .collect();
    let tables: Vec<_> = plans.iter().map(WeightTable::new).collect();
    let kernel = Kernel {
        plans: &plans,
        tables: &tables,
        index: &index,
        inputs: &inputs,
        driver_map: &driver_map,
        assignment,
        today: epoch_days(as_of),
        width: plans.iter().map(|p| p.measures.len()).max().unwrap_or(0),
    };
    let mut out = BatchScores::empty(
        rows,
        assignment.map_or_else(|| vec![0; rows], <[u16]>::to_vec),
        names,
        cards.iter().map(|c| c.band_names()).collect(),
    );
    let (score, scored) = out.score.parts_mut();
    let (band, _) = out.band.parts_mut();
    let (driver, driven) = out.driver.parts_mut();
    let bytes = BATCH_CHUNK / 8;
    let results: Vec<Result<()>> = score
        .par_chunks_mut(BATCH_CHUNK)
        .zip(scored.par_chunks_mut(bytes))
        .zip(band.par_chunks_mut(BATCH_CHUNK))
        .zip(out.coverage.par_chunks_mut(BATCH_CHUNK))
        .zip(driver.par_chunks_mut(BATCH_CHUNK))
        .zip(driven.par_chunks_mut(bytes))
        .enumerate()
        .map(|(k, (((((score, scored), band), coverage), driver), driven))| {
            let out = Out {
                score,
                scored,
                band,
                coverage,
                driver,
                driven,
            };
            kernel.chunk(k * BATCH_CHUNK, out)
        })
        .collect();
    results.into_iter().collect::<Result<()>>()?;
    // A band is null exactly when its score is.
    out.band = out
        .score
        .with_values(std::mem::take(&mut out.band).into_parts().0);
    Ok(out)
}

impl Scorecard {
    /// Scores every row of a table of measure columns on `as_of` (one column per measure; extra,
    /// duplicate, mistyped or wrong-length columns are errors). Runs in parallel on the
    /// current rayon pool in chunks of [`BATCH_CHUNK`] rows; the result is bit-identical for any
    /// thread count and equal to [`Scorecard::score_account`] row by row. A bad value is an
    /// error naming the measure and its row.
    ///
    /// ```
    /// use cs_core::health::{MeasureColumn, Scorecard};
    /// use cs_core::portfolio::Column;
    /// use cs_core::document::Document;
    /// use chrono::NaiveDate;
    /// let card = Scorecard::from_toml(r#"
    /// schema_version = 1
    /// name = "usage"
    /// [[measures]]
    /// name = "utilisation"
    /// weight = 1
    /// rule = { kind = "linear", min = 0.0, max = 1.0 }
    /// "#)?;
    /// let values = [0.3, 0.9];
    /// let out = card.score_batch(&[MeasureColumn::number("utilisation", Column::new("utilisation", &values))],
    ///     NaiveDate::from_ymd_opt(2026, 6, 30).unwrap())?;
    /// assert_eq!(out.score.iter().collect::<Vec<_>>(), vec![Some(30.0), Some(90.0)]);
    /// assert_eq!(out.band_name(0), Some("red"));
    /// assert_eq!(out.band_name(1), Some("green"));
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn score_batch(&self, columns: &[MeasureColumn<'_>], as_of: NaiveDate) -> Result<BatchScores> {
        run(&[self], None, columns, as_of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition `worst` must keep: every scored row, sorted by (score, row), the first n.
    fn by_full_sort(scores: &[Option<f64>], n: usize) -> Vec<usize> {
        let mut rows: Vec<usize> = (0..scores.len()).filter(|&i| scores[i].is_some()).collect();
        rows.sort_by(|&a, &b| {
            let s = |i: usize| scores[i].unwrap_or(0.0);
            s(a).total_cmp(&s(b)).then(a.cmp(&b))
        });
        rows.truncate(n);
        rows
    }

    #[test]
    fn worst_selects_what_a_full_sort_would_with_ties_and_nulls() {
        let scores: Vec<Option<f64>> = (0..200u32)
            .map(|i| (i % 7 != 3).then_some(f64::from((i * 37) % 23)))
            .collect();
        let len = scores.len();
        let batch = BatchScores {
            score: ColumnBuf::from(scores.clone()),
            band: ColumnBuf::nulls(len),
            coverage: vec![1.0; len],
            driver: ColumnBuf::nulls(len),
            scorecard: vec![0; len],
            measure_names: Vec::new(),
            band_names: Vec::new(),
        };
        for n in [0, 1, 2, 10, 22, 23, 100, 171, 172, 500] {
            assert_eq!(batch.worst(n), by_full_sort(&scores, n), "n = {n}");
        }
    }
}
