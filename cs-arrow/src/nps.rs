//! NPS of a survey table, by group and calendar period: the one table recipe behind `cs nps`
//! and Python's `nps_by` (answers by the cell grammar, keys by [`Groups`], periods from the
//! answer dates, the result as a RecordBatch).

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type,
    UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, ArrowPrimitiveType, Date32Array, Float64Array, RecordBatch, StringArray, UInt64Array,
};
use arrow_schema::{DataType, Field};
use cs_core::nps::{Answer, IntervalMethod, MissingAnswers, Nps, NpsGroup};
use cs_core::pipeline::Kind;
use cs_core::portfolio::{Column, Granularity, Period, Validity};
use cs_core::statistics::Confidence;
use cs_core::{Error, Result};

use crate::cells::{Held, convert};
use crate::column;
use crate::groups::Groups;
use crate::output::batch;

/// What to compute: the answer column, the key columns, and optionally a calendar period cut
/// from an answer-date column.
#[derive(Debug, Clone, Copy)]
pub struct NpsBy<'a> {
    /// The column of 0-10 answers.
    pub score: &'a str,
    /// Key columns (none: one group).
    pub by: &'a [String],
    /// Cut a trend by this calendar period of the answer date.
    pub period: Option<Granularity>,
    /// The answer-date column, read with `period`.
    pub date: &'a str,
    /// Null answers: an error, or skipped and counted.
    pub missing: MissingAnswers,
}

/// One group (code) and period of an NPS table.
type Row = NpsGroup<(u64, Option<Period>)>;

/// The NPS of each group (and period), sorted by key then period.
#[derive(Debug, Clone)]
pub struct NpsTable {
    groups: Groups,
    rows: Vec<NpsGroup<(u64, Option<Period>)>>,
    period: bool,
}

/// A computation over an answer column, generic over its element type.
trait OnAnswers {
    type Output;
    fn call<T: Answer>(&self, answers: Column<'_, T>) -> Result<Self::Output>;
}

fn validity(array: &dyn Array) -> Result<Option<Validity<'_>>> {
    match array.nulls() {
        Some(n) if n.null_count() > 0 => Ok(Some(Validity::new(n.validity(), n.offset(), n.len())?)),
        _ => Ok(None),
    }
}

fn primitive<P, F>(array: &ArrayRef, name: &str, f: &F) -> Result<F::Output>
where
    P: ArrowPrimitiveType,
    P::Native: Answer,
    F: OnAnswers,
{
    let a = array.as_primitive::<P>();
    f.call(Column::new(name, a.values().as_ref()).with_optional_validity(validity(a)?)?)
}

/// Runs `f` over the answers: integer and float columns borrowed as they are (so u8 answers
/// take the byte histogram), every other layout (text, booleans, dictionaries) read as numbers
/// by the cell grammar.
fn on_answers<F: OnAnswers>(array: &ArrayRef, name: &str, f: &F) -> Result<F::Output> {
    match array.data_type() {
        DataType::UInt8 => primitive::<UInt8Type, F>(array, name, f),
        DataType::UInt16 => primitive::<UInt16Type, F>(array, name, f),
        DataType::UInt32 => primitive::<UInt32Type, F>(array, name, f),
        DataType::UInt64 => primitive::<UInt64Type, F>(array, name, f),
        DataType::Int8 => primitive::<Int8Type, F>(array, name, f),
        DataType::Int16 => primitive::<Int16Type, F>(array, name, f),
        DataType::Int32 => primitive::<Int32Type, F>(array, name, f),
        DataType::Int64 => primitive::<Int64Type, F>(array, name, f),
        DataType::Float64 => primitive::<Float64Type, F>(array, name, f),
        DataType::Null => {
            let nulls = vec![0i64; array.len()];
            let validity = vec![0u8; array.len().div_ceil(8)];
            f.call(Column::new(name, &nulls).with_validity(Validity::new(&validity, 0, array.len())?)?)
        }
        _ => match convert(array, name, Kind::Number)? {
            Held::Number(values, nulls) => {
                let a: ArrayRef = Arc::new(Float64Array::new(values, nulls));
                primitive::<Float64Type, F>(&a, name, f)
            }
            _ => Err(Error::invalid(
                format!("column {name}"),
                "cells",
                "expected numbers",
            )),
        },
    }
}

struct Grouped<'a> {
    groups: &'a Groups,
    /// Every code is below this.
    bound: u64,
    dates: Option<(&'a Date32Array, Granularity)>,
    date: &'a str,
    missing: MissingAnswers,
}

/// Count arrays larger than this many groups (group codes x periods) are not worth their
/// memory; such tables take the keyed path.
const MAX_COUNTED_GROUPS: u64 = 1 << 24;

impl Grouped<'_> {
    /// The periods of the answer dates as dense ids: the sorted distinct periods of the date
    /// range and each row's id, when the range is small enough for a table by day and every
    /// day of it is a date chrono represents (otherwise `None`: the keyed path reads the dates
    /// and names a bad one).
    fn period_ids(&self) -> Option<(Vec<Period>, i32, Vec<u32>)> {
        let (dates, granularity) = self.dates?;
        let days = dates.values();
        if days.is_empty() {
            return None;
        }
        // One pass for both ends, in chunks the compiler vectorises.
        let (lo, hi) = days
            .chunks(1 << 16)
            .map(|c| {
                c.iter()
                    .fold((i32::MAX, i32::MIN), |(lo, hi), &d| (lo.min(d), hi.max(d)))
            })
            .fold((i32::MAX, i32::MIN), |(lo, hi), (l, h)| (lo.min(l), hi.max(h)));
        if i64::from(hi) - i64::from(lo) > 1 << 20 {
            return None;
        }
        let by_day: Vec<Period> = (lo..=hi)
            .map(|d| Date32Type::to_naive_date_opt(d).map(|date| granularity.period_of(date)))
            .collect::<Option<_>>()?;
        let mut periods = by_day.clone();
        periods.sort_unstable();
        periods.dedup();
        let ids = by_day
            .iter()
            .map(|p| periods.binary_search(p).map_or(0, |k| k as u32))
            .collect();
        Some((periods, lo, ids))
    }

    /// The groups counted on integer ids (group code x period) in one pass, when the count
    /// arrays are small enough; `None` for the keyed path.
    fn by_id<T: Answer>(&self, answers: Column<'_, T>) -> Option<Result<Vec<Row>>> {
        let (codes, bound) = (self.groups, self.bound);
        match self.dates {
            None => {
                if bound > MAX_COUNTED_GROUPS {
                    return None;
                }
                let groups =
                    cs_core::nps::nps_by_id_blocks(answers, self.missing, bound as usize, |start, ids| {
                        codes.fill_codes(start, ids);
                    });
                Some(groups.map(|g| g.iter().map(|g| regroup(g, |k| (k as u64, None))).collect()))
            }
            Some((dates, _)) => {
                let (periods, lo, ids) = self.period_ids()?;
                let p = periods.len() as u64;
                if bound
                    .checked_mul(p)
                    .is_none_or(|cells| cells > MAX_COUNTED_GROUPS)
                {
                    return None;
                }
                let days = dates.values();
                let groups = cs_core::nps::nps_by_id_blocks(
                    answers,
                    self.missing,
                    (bound * p) as usize,
                    |start, out| {
                        codes.fill_codes(start, out);
                        let days = &days[start..start + out.len()];
                        for (g, &day) in out.iter_mut().zip(days) {
                            *g = *g * p + u64::from(ids[(day - lo) as usize]);
                        }
                    },
                );
                let p = p as usize;
                Some(groups.map(|g| {
                    g.iter()
                        .map(|g| regroup(g, |k| ((k / p) as u64, Some(periods[k % p]))))
                        .collect()
                }))
            }
        }
    }
}

/// A group counted by id, keyed by its (code, period).
fn regroup(g: &NpsGroup<usize>, key: impl Fn(usize) -> (u64, Option<Period>)) -> Row {
    NpsGroup {
        key: key(g.key),
        nps: g.nps,
        skipped: g.skipped,
    }
}

impl OnAnswers for Grouped<'_> {
    type Output = Vec<NpsGroup<(u64, Option<Period>)>>;
    fn call<T: Answer>(&self, answers: Column<'_, T>) -> Result<Self::Output> {
        if let Some(rows) = self.by_id(answers) {
            return rows;
        }
        cs_core::nps::nps_by(answers, self.missing, |i| {
            let period = match self.dates {
                Some((d, g)) => {
                    let day = d.value(i);
                    let date = Date32Type::to_naive_date_opt(day).ok_or_else(|| {
                        Error::out_of_range(self.date, day, "dates chrono can represent").at(i)
                    })?;
                    Some(g.period_of(date))
                }
                None => None,
            };
            Ok((self.groups.codes()[i], period))
        })
    }
}

struct Total(MissingAnswers);

impl OnAnswers for Total {
    type Output = Nps;
    fn call<T: Answer>(&self, answers: Column<'_, T>) -> Result<Nps> {
        Nps::from_column(answers, self.0)
    }
}

/// The answer dates of a survey: every row must have one (a missing date is an error naming
/// its row), by the cell grammar.
fn answer_dates(batch: &RecordBatch, name: &str) -> Result<Date32Array> {
    let Held::Date(days, nulls) = convert(column(batch, name)?, name, Kind::Date)? else {
        return Err(Error::invalid(
            format!("column {name}"),
            "cells",
            "expected dates",
        ));
    };
    if let Some(n) = &nulls
        && let Some(row) = (0..n.len()).find(|&i| n.is_null(i))
    {
        return Err(Error::missing(format!("column {name} date")).at(row));
    }
    Ok(Date32Array::new(days, None))
}

/// The NPS of every group of `spec.by` (and period of `spec.date`) in `batch`.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, RecordBatch, StringArray, UInt8Array};
/// use cs_core::nps::{IntervalMethod, MissingAnswers};
/// let seg: ArrayRef = Arc::new(StringArray::from(vec!["smb", "ent", "smb", "smb"]));
/// let score: ArrayRef = Arc::new(UInt8Array::from(vec![10, 3, 9, 6]));
/// let survey = RecordBatch::try_from_iter([("segment", seg), ("score", score)]).unwrap();
/// let by = ["segment".to_owned()];
/// let spec = cs_arrow::nps::NpsBy { score: "score", by: &by, period: None, date: "date", missing: MissingAnswers::Reject };
/// let table = cs_arrow::nps::nps_by(&survey, &spec)?;
/// assert_eq!(table.labels(0), vec!["ent".to_owned()]);
/// let smb = table.rows()[1].nps.unwrap();
/// assert_eq!((smb.promoters(), smb.detractors()), (2, 1));
/// let out = table.to_batch(cs_core::statistics::Confidence::new(0.95)?, IntervalMethod::Wald)?;
/// assert_eq!(out.num_rows(), 2);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn nps_by(batch: &RecordBatch, spec: &NpsBy<'_>) -> Result<NpsTable> {
    let groups = Groups::new(batch, spec.by)?;
    let dates = match spec.period {
        Some(g) => Some((answer_dates(batch, spec.date)?, g)),
        None => None,
    };
    let grouped = Grouped {
        groups: &groups,
        bound: groups.code_bound(),
        dates: dates.as_ref().map(|(d, g)| (d, *g)),
        date: spec.date,
        missing: spec.missing,
    };
    let rows = on_answers(column(batch, spec.score)?, spec.score, &grouped)?;
    Ok(NpsTable {
        groups,
        rows,
        period: spec.period.is_some(),
    })
}

/// The NPS of every answer of `score` in `batch` (the "all" row under a breakdown).
pub fn nps_total(batch: &RecordBatch, score: &str, missing: MissingAnswers) -> Result<Nps> {
    on_answers(column(batch, score)?, score, &Total(missing))
}

impl NpsTable {
    /// The groups in key order (then period order): each key is a group code of
    /// [`NpsTable::labels`] and the period, when one was asked for.
    pub fn rows(&self) -> &[NpsGroup<(u64, Option<Period>)>] {
        &self.rows
    }

    /// The key of row `row` as text, one per key column (a missing key is "").
    pub fn labels(&self, row: usize) -> Vec<String> {
        self.rows
            .get(row)
            .map_or_else(Vec::new, |g| self.groups.labels(g.key.0))
    }

    /// The table: the key columns, `period` and `period_start` when a period was asked for,
    /// then `responses`, `promoters`, `passives`, `detractors`, `skipped`, `nps`,
    /// `standard_error`, `margin_of_error`, `ci_low` and `ci_high` (null for a group whose
    /// answers were all skipped).
    pub fn to_batch(&self, confidence: Confidence, method: IntervalMethod) -> Result<RecordBatch> {
        let rows = &self.rows;
        let order: Vec<u64> = rows.iter().map(|g| g.key.0).collect();
        let mut columns = self.groups.key_columns(&order)?;
        if self.period {
            let labels: StringArray = rows.iter().map(|g| g.key.1.map(|p| p.to_string())).collect();
            let starts: Date32Array = rows
                .iter()
                .map(|g| g.key.1.and_then(|p| p.start()).map(Date32Type::from_naive_date))
                .collect();
            columns.push((
                Field::new("period", DataType::Utf8, true),
                Arc::new(labels) as ArrayRef,
            ));
            columns.push((
                Field::new("period_start", DataType::Date32, true),
                Arc::new(starts),
            ));
        }
        let count = |name: &str, f: &dyn Fn(&Row) -> u64| -> (Field, ArrayRef) {
            let values: UInt64Array = rows.iter().map(|g| Some(f(g))).collect();
            (Field::new(name, DataType::UInt64, false), Arc::new(values))
        };
        let stat = |name: &str, f: &dyn Fn(&Nps) -> f64| -> (Field, ArrayRef) {
            let values: Float64Array = rows.iter().map(|g| g.nps.as_ref().map(f)).collect();
            (Field::new(name, DataType::Float64, true), Arc::new(values))
        };
        columns.extend([
            count("responses", &|g| g.responses()),
            count("promoters", &|g| g.nps.map_or(0, |n| n.promoters())),
            count("passives", &|g| g.nps.map_or(0, |n| n.passives())),
            count("detractors", &|g| g.nps.map_or(0, |n| n.detractors())),
            count("skipped", &|g| g.skipped),
            stat("nps", &Nps::score),
            stat("standard_error", &Nps::standard_error),
            stat("margin_of_error", &|n| {
                n.interval_by(confidence, method).margin_of_error
            }),
            stat("ci_low", &|n| n.interval_by(confidence, method).low),
            stat("ci_high", &|n| n.interval_by(confidence, method).high),
        ]);
        batch(columns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Int64Array, StringArray};

    fn survey(scores: ArrayRef, dates: &[&str]) -> RecordBatch {
        let seg: ArrayRef = Arc::new(StringArray::from(vec!["a", "b", "a", "a"]));
        let date: ArrayRef = Arc::new(StringArray::from(dates.to_vec()));
        RecordBatch::try_from_iter([("segment", seg), ("score", scores), ("date", date)]).unwrap()
    }

    #[test]
    fn every_answer_type_gives_the_same_counts() {
        let dates = ["2026-01-05", "2026-02-01", "2026-04-30", "2026-05-01"];
        let by = ["segment".to_owned()];
        let spec = NpsBy {
            score: "score",
            by: &by,
            period: Some(Granularity::Quarter),
            date: "date",
            missing: MissingAnswers::Reject,
        };
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(vec![10, 0, 9, 7])),
            Arc::new(Float64Array::from(vec![10.0, 0.0, 9.0, 7.0])),
            Arc::new(StringArray::from(vec!["10", " 0", "9", "7"])),
            Arc::new(arrow_array::UInt8Array::from(vec![10, 0, 9, 7])),
        ];
        let mut tables = Vec::new();
        for a in arrays {
            let t = nps_by(&survey(a, &dates), &spec).unwrap();
            tables.push(
                t.to_batch(Confidence::new(0.9).unwrap(), IntervalMethod::AdjustedWald)
                    .unwrap(),
            );
        }
        for t in &tables[1..] {
            assert_eq!(t, &tables[0]);
        }
        // a/2026-Q1 {10}, a/2026-Q2 {9, 7}, b/2026-Q1 {0}
        let t = &tables[0];
        assert_eq!(t.num_rows(), 3);
        let nps = t.column_by_name("nps").unwrap().as_primitive::<Float64Type>();
        assert_eq!((nps.value(0), nps.value(1), nps.value(2)), (100.0, 50.0, -100.0));
    }

    #[test]
    fn bad_cells_name_their_row() {
        let by: [String; 0] = [];
        let mut spec = NpsBy {
            score: "score",
            by: &by,
            period: None,
            date: "date",
            missing: MissingAnswers::Reject,
        };
        let bad: ArrayRef = Arc::new(Int64Array::from(vec![10, 11, 9, 7]));
        let e = nps_by(&survey(bad, &["2026-01-01"; 4]), &spec).unwrap_err();
        assert!(e.to_string().contains("11"), "{e}");
        let ok: ArrayRef = Arc::new(Int64Array::from(vec![10, 1, 9, 7]));
        spec.period = Some(Granularity::Month);
        let e = nps_by(&survey(ok, &["2026-01-01", "", "2026-01-01", "x"]), &spec).unwrap_err();
        assert!(e.to_string().contains("date"), "{e}");
    }
}
