//! Health tables: the scoring result as Arrow columns (the health output table of `cs score`
//! and Python's `Scorecard.score`), and health rollups of a scored table by group (`cs score`'s
//! rollups and Python's `health_rollup`).

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::types::ArrowDictionaryKeyType;
use arrow_array::{
    Array, ArrayRef, DictionaryArray, Float64Array, Int64Array, PrimitiveArray, RecordBatch, StringArray,
    UInt8Array, UInt16Array, UInt64Array,
};
use arrow_buffer::{NullBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Schema};
use cs_core::health::{
    BatchScores, HealthRollup, RollupAccumulator, RollupInput, Scorecard, ScorecardSet, WeightFit,
    WeightFitOptions, health_rollup as rollup_by, health_summary,
};
use cs_core::pipeline::{Cells, ColumnSpec, Kind};
use cs_core::portfolio::ColumnBuf;
use cs_core::{Error, Result};

use crate::cells::{Held, convert, name_indexes, required_integers};
use crate::column;
use crate::groups::Groups;
use crate::output::batch;

/// A nullable column as Arrow buffers, without copying the values or the bitmap.
pub(crate) fn arrow_parts<T: arrow_buffer::ArrowNativeType + Copy + Default>(
    col: ColumnBuf<T>,
) -> (ScalarBuffer<T>, Option<NullBuffer>) {
    let len = col.len();
    let (values, bits) = col.into_parts();
    (values.into(), crate::output::null_buffer(bits, len))
}

/// A dictionary column of `keys` into `names`.
fn dictionary<K: ArrowDictionaryKeyType>(
    keys: PrimitiveArray<K>,
    names: &[impl AsRef<str>],
    field: &str,
) -> Result<DictionaryArray<K>> {
    let values = StringArray::from_iter_values(names.iter().map(AsRef::as_ref));
    DictionaryArray::try_new(keys, Arc::new(values))
        .map_err(|e| Error::invalid(field, "dictionary", e.to_string()))
}

/// The band names of every scorecard of a result, in first-seen order (one scorecard: its
/// bands from the lowest up).
pub fn band_names(scores: &BatchScores) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for b in scores.band_names.iter().flatten() {
        if !names.contains(b) {
            names.push(b.clone());
        }
    }
    names
}

/// The result columns of a scoring run: `score` (null: insufficient data), `band` (dictionary
/// of [`band_names`]), `coverage`, `driver` (dictionary of measure names; null when no measure
/// loses points) and, with `card_names`, `scorecard` (dictionary). The kernel's buffers are
/// kept as they are (no copy of the scores, coverage or drivers); only a scorecard set's bands
/// are mapped onto the shared dictionary, in one pass.
pub fn score_columns(out: BatchScores, card_names: Option<&[String]>) -> Result<Vec<(Field, ArrayRef)>> {
    let names = band_names(&out);
    let code_of: Vec<Vec<u16>> = out
        .band_names
        .iter()
        .map(|bands| {
            bands
                .iter()
                .map(|b| names.iter().position(|n| n == b).unwrap_or(0) as u16)
                .collect()
        })
        .collect();
    let (score, scored) = arrow_parts(out.score);
    let (bands, _) = arrow_parts(out.band);
    let band: ArrayRef = if code_of.len() == 1 {
        Arc::new(dictionary(
            UInt8Array::new(bands, scored.clone()),
            &names,
            "band",
        )?)
    } else {
        let keys = bands
            .iter()
            .zip(&out.scorecard)
            .map(|(&b, &c)| {
                let code = code_of.get(usize::from(c)).and_then(|k| k.get(usize::from(b)));
                code.copied().unwrap_or(0)
            })
            .collect();
        Arc::new(dictionary(
            UInt16Array::new(keys, scored.clone()),
            &names,
            "band",
        )?)
    };
    let (drivers, driven) = arrow_parts(out.driver);
    let driver = dictionary(UInt16Array::new(drivers, driven), &out.measure_names, "driver")?;
    let mut columns: Vec<(Field, ArrayRef)> = vec![
        (
            Field::new("score", DataType::Float64, true),
            Arc::new(Float64Array::new(score, scored)),
        ),
        (Field::new("band", band.data_type().clone(), true), band),
        (
            Field::new("coverage", DataType::Float64, false),
            Arc::new(Float64Array::new(out.coverage.into(), None)),
        ),
        (
            Field::new("driver", driver.data_type().clone(), true),
            Arc::new(driver),
        ),
    ];
    if let Some(card_names) = card_names {
        let cards = dictionary(
            UInt16Array::new(out.scorecard.into(), None),
            card_names,
            "scorecard",
        )?;
        columns.push((
            Field::new("scorecard", cards.data_type().clone(), false),
            Arc::new(cards),
        ));
    }
    Ok(columns)
}

/// `table` with `columns` appended; a column name the table already has is an error.
pub fn append_columns(table: &RecordBatch, columns: Vec<(Field, ArrayRef)>) -> Result<RecordBatch> {
    let schema = table.schema();
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    let mut arrays: Vec<ArrayRef> = table.columns().to_vec();
    for (field, array) in columns {
        if schema.column_with_name(field.name()).is_some() {
            return Err(Error::duplicate("column", field.name()));
        }
        fields.push(field);
        arrays.push(array);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| Error::invalid("result table", "arrays", e.to_string()))
}

/// Which columns of a scored table a rollup reads.
#[derive(Debug, Clone, Copy)]
pub struct RollupColumns<'a> {
    /// Key columns (none: the whole table).
    pub by: &'a [String],
    /// ARR in integer minor units, by the cell grammar (a missing cell is an error naming its
    /// row); `None` leaves the ARR figures out.
    pub arr: Option<&'a str>,
    /// The score column (null: insufficient data).
    pub score: &'a str,
    /// The band column (names of `band_names`; blank or null beside a missing score).
    pub band: &'a str,
    /// The band names from the lowest up (at most 255).
    pub band_names: &'a [String],
}

/// Health rollups of the groups of a scored table, in key order.
#[derive(Debug, Clone)]
pub struct RollupTable {
    groups: Groups,
    rows: Vec<HealthRollup>,
    codes: Vec<u64>,
    band_names: Vec<String>,
    arr: bool,
    /// The whole table (key "all").
    pub all: HealthRollup,
}

fn read_rollup<'a>(
    batch: &'a RecordBatch,
    spec: &RollupColumns<'a>,
) -> Result<(Held, ColumnBuf<u8>, Option<Vec<i64>>)> {
    if spec.band_names.is_empty() || spec.band_names.len() > usize::from(u8::MAX) {
        return Err(Error::out_of_range(
            "band count",
            spec.band_names.len(),
            "1..=255",
        ));
    }
    let score = convert(column(batch, spec.score)?, spec.score, Kind::Number)?;
    let bands = name_indexes(column(batch, spec.band)?, spec.band, spec.band_names)?
        .into_iter()
        .map(|k| k.map(|k| k as u8)) // at most 255 names, checked above
        .collect::<Vec<Option<u8>>>();
    let arr = match spec.arr {
        None => None,
        Some(name) => Some(required_integers(column(batch, name)?, name)?),
    };
    Ok((score, ColumnBuf::from(bands), arr))
}

/// Rolls up a scored table (the output of a scoring run with the portfolio's columns) by the
/// groups of `spec.by`, with the whole-table row.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
/// let seg: ArrayRef = Arc::new(StringArray::from(vec!["smb", "smb", "ent"]));
/// let score: ArrayRef = Arc::new(Float64Array::from(vec![Some(80.0), None, Some(30.0)]));
/// let band: ArrayRef = Arc::new(StringArray::from(vec![Some("green"), None, Some("red")]));
/// let arr: ArrayRef = Arc::new(Int64Array::from(vec![100, 300, 100]));
/// let t = RecordBatch::try_from_iter([("segment", seg), ("score", score), ("band", band), ("arr", arr)]).unwrap();
/// let names = ["red", "amber", "green"].map(String::from);
/// let by = ["segment".to_owned()];
/// let spec = cs_arrow::health::RollupColumns { by: &by, arr: Some("arr"), score: "score", band: "band", band_names: &names };
/// let r = cs_arrow::health::health_rollup(&t, &spec)?;
/// assert_eq!(r.labels(1), vec!["smb".to_owned()]);
/// assert_eq!((r.rows()[1].accounts, r.rows()[1].insufficient), (2, 1));
/// assert_eq!(r.all.scored, 2);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn health_rollup(batch: &RecordBatch, spec: &RollupColumns<'_>) -> Result<RollupTable> {
    with_rollup_input(batch, spec, |input| rollup_table(batch, spec, input))
}

/// Calls `f` with the rollup input of `batch`'s columns named by `spec` (read by the cell
/// grammar: scores as numbers, bands among `spec.band_names`, ARR as whole numbers).
pub(crate) fn with_rollup_input<T>(
    batch: &RecordBatch,
    spec: &RollupColumns<'_>,
    f: impl FnOnce(RollupInput<'_>) -> Result<T>,
) -> Result<T> {
    let (score, bands, arr) = read_rollup(batch, spec)?;
    let Cells::Number(score) = score.cells(spec.score)? else {
        return Err(Error::invalid(
            format!("column {}", spec.score),
            "cells",
            "expected numbers",
        ));
    };
    f(RollupInput {
        score,
        band: bands.as_column(spec.band),
        arr: arr.as_deref(),
        band_count: spec.band_names.len(),
    })
}

fn rollup_table(
    batch: &RecordBatch,
    spec: &RollupColumns<'_>,
    input: RollupInput<'_>,
) -> Result<RollupTable> {
    let all = health_summary(input)?;
    let groups = Groups::new(batch, spec.by)?;
    let rows = rollup_by(groups.codes(), input)?;
    let codes = rows
        .iter()
        .map(|r| {
            r.key
                .parse::<u64>()
                .map_err(|e| Error::invalid("rollup key", &r.key, e.to_string()))
        })
        .collect::<Result<Vec<u64>>>()?;
    let rows = rows
        .into_iter()
        .zip(&codes)
        .map(|(mut r, &c)| {
            r.key = groups.labels(c).join(" / ");
            r
        })
        .collect();
    Ok(RollupTable {
        groups,
        rows,
        codes,
        band_names: spec.band_names.to_vec(),
        arr: spec.arr.is_some(),
        all,
    })
}

impl RollupTable {
    /// The rollups in key order; each `key` is the group's key text (columns joined by " / ").
    pub fn rows(&self) -> &[HealthRollup] {
        &self.rows
    }

    /// The key of row `i` as text, one per key column.
    pub fn labels(&self, i: usize) -> Vec<String> {
        self.codes
            .get(i)
            .map_or_else(Vec::new, |&c| self.groups.labels(c))
    }

    /// The table: the key columns, `accounts`, `scored`, `insufficient`, `mean`,
    /// `<band>_count` and `<band>_share` per band (shares of the scored accounts), then, with
    /// ARR, `arr_weighted_mean`, `arr` and `<band>_arr_share`.
    pub fn to_batch(&self) -> Result<RecordBatch> {
        let mut columns = self.groups.key_columns(&self.codes)?;
        columns.extend(rollup_columns(&self.rows, &self.band_names, self.arr));
        batch(columns)
    }
}

/// The figures of `rows` as the columns of a rollup table after its keys: `accounts`, `scored`,
/// `insufficient`, `mean`, `<band>_count` and `<band>_share` per band, then, with `arr`,
/// `arr_weighted_mean`, `arr` and `<band>_arr_share`. Every row has `band_names.len()` bands.
pub(crate) fn rollup_columns(
    rows: &[HealthRollup],
    band_names: &[String],
    arr: bool,
) -> Vec<(Field, ArrayRef)> {
    let mut columns = Vec::new();
    let u = |name: String, f: &dyn Fn(&HealthRollup) -> u64| -> (Field, ArrayRef) {
        let values: UInt64Array = rows.iter().map(|r| Some(f(r))).collect();
        (Field::new(name, DataType::UInt64, false), Arc::new(values))
    };
    let fl = |name: String, f: &dyn Fn(&HealthRollup) -> Option<f64>| -> (Field, ArrayRef) {
        let values: Float64Array = rows.iter().map(f).collect();
        (Field::new(name, DataType::Float64, true), Arc::new(values))
    };
    columns.push(u("accounts".into(), &|r| r.accounts));
    columns.push(u("scored".into(), &|r| r.scored));
    columns.push(u("insufficient".into(), &|r| r.insufficient));
    columns.push(fl("mean".into(), &|r| r.mean));
    for (k, b) in band_names.iter().enumerate() {
        columns.push(u(format!("{b}_count"), &|r| r.band_counts[k]));
    }
    for (k, b) in band_names.iter().enumerate() {
        columns.push(fl(format!("{b}_share"), &|r| Some(r.band_share[k])));
    }
    if arr {
        columns.push(fl("arr_weighted_mean".into(), &|r| r.arr_weighted_mean));
        let arr: Int64Array = rows.iter().map(|r| Some(r.arr)).collect();
        columns.push((Field::new("arr", DataType::Int64, false), Arc::new(arr)));
        for (k, b) in band_names.iter().enumerate() {
            columns.push(fl(format!("{b}_arr_share"), &|r| Some(r.arr_share_by_band[k])));
        }
    }
    columns
}

/// Health rollups of a table scored batch by batch (`cs score` streams its file): the whole
/// table and one rollup per key column, each accumulated in row order across the batches
/// ([`RollupAccumulator`]), so every figure is bit-identical to [`health_rollup`] over the
/// concatenated table. Keys follow the groups rule of [`Groups`] (its natural order, over the
/// keys of every batch).
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
/// use cs_core::document::Document;
/// use cs_core::health::Scorecard;
/// use cs_core::pipeline::{health_columns, score_health_set};
/// let seg: ArrayRef = Arc::new(StringArray::from(vec!["smb", "ent", "smb", "10", "9"]));
/// let nps: ArrayRef = Arc::new(StringArray::from(vec!["10", "2", "9", "", "7"]));
/// let arr: ArrayRef = Arc::new(Int64Array::from(vec![100, 300, 100, 50, 10]));
/// let t = RecordBatch::try_from_iter([("segment", seg), ("nps", nps), ("arr", arr)]).unwrap();
/// let set = cs_core::health::ScorecardSet::single(Scorecard::from_toml(r#"
/// schema_version = 1
/// name = "nps only"
/// [[measures]]
/// name = "nps"
/// weight = 1.0
/// rule = { kind = "linear", min = 0.0, max = 10.0 }
/// "#)?);
/// let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
/// let score = |b: &RecordBatch| -> cs_core::Result<_> {
///     let accounts = cs_arrow::AccountBatch::with_columns(b, &health_columns(&set), None)?;
///     score_health_set(&set, &accounts.table()?, as_of)
/// };
/// let names = cs_arrow::health::band_names(&score(&t)?);
/// let mut r = cs_arrow::health::BatchRollups::new(&["segment".into()], Some("arr"), &names)?;
/// for (from, len) in [(0, 2), (2, 3)] {
///     let batch = t.slice(from, len);
///     r.add(&batch, &score(&batch)?)?;
/// }
/// let by = r.by()?;
/// // Whole numbers first, by value; then text.
/// let keys: Vec<&str> = by[0].1.iter().map(|g| g.key.as_str()).collect();
/// assert_eq!(keys, ["9", "10", "ent", "smb"]);
/// assert_eq!((r.all().accounts, r.all().scored), (5, 4));
/// assert_eq!(by[0].1[3].mean, Some((100.0 + 90.0) / 2.0));
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct BatchRollups {
    arr: Option<String>,
    band_names: Vec<String>,
    all: RollupAccumulator,
    keyed: Vec<KeyedRollup>,
    rows: usize,
}

/// The rollup by one key column: the group index of each key seen and the accumulator.
#[derive(Debug, Clone)]
struct KeyedRollup {
    name: String,
    index: HashMap<String, usize>,
    /// The key text of each group index ("" for a missing key).
    labels: Vec<String>,
    acc: RollupAccumulator,
}

impl BatchRollups {
    /// No rows yet: rollups of the whole table and by each of `keys`, with the ARR figures
    /// from the column `arr` (integer minor units by the cell grammar), over `band_names` (the
    /// result's [`band_names`], at most 255).
    pub fn new(keys: &[String], arr: Option<&str>, band_names: &[String]) -> Result<BatchRollups> {
        if band_names.is_empty() || band_names.len() > usize::from(u8::MAX) {
            return Err(Error::out_of_range("band count", band_names.len(), "1..=255"));
        }
        let bands = band_names.len();
        Ok(BatchRollups {
            arr: arr.map(str::to_owned),
            band_names: band_names.to_vec(),
            all: RollupAccumulator::new(bands),
            keyed: keys
                .iter()
                .map(|name| KeyedRollup {
                    name: name.clone(),
                    index: HashMap::new(),
                    labels: Vec::new(),
                    acc: RollupAccumulator::new(bands),
                })
                .collect(),
            rows: 0,
        })
    }

    /// Adds the next batch: its key and ARR columns, and `scores`, its scoring result. Errors
    /// name the row in the whole table. Gives the batch's [`Groups`] per key column (what a
    /// caller shows of a row's keys: `groups[k].labels(groups[k].codes()[row])`), so that no
    /// key column is read twice.
    pub fn add(&mut self, batch: &RecordBatch, scores: &BatchScores) -> Result<Vec<Groups>> {
        let first = self.rows;
        let shift = |e: Error| e.shifted(first);
        let bands = shared_bands(scores, &self.band_names);
        let arr = match &self.arr {
            None => None,
            Some(name) => Some(required_integers(column(batch, name)?, name).map_err(shift)?),
        };
        let input = RollupInput {
            score: scores.score.as_column("score"),
            band: bands.as_ref().unwrap_or(&scores.band).as_column("band"),
            arr: arr.as_deref(),
            band_count: self.band_names.len(),
        };
        self.all.add(None, input, first)?;
        let mut batch_groups = Vec::with_capacity(self.keyed.len());
        for keyed in &mut self.keyed {
            let groups = Groups::new(batch, std::slice::from_ref(&keyed.name)).map_err(shift)?;
            let mut local: HashMap<u64, usize> = HashMap::new();
            let mut rows = Vec::with_capacity(groups.codes().len());
            for &code in groups.codes() {
                let g = if let Some(&g) = local.get(&code) {
                    g
                } else {
                    let label = groups.labels(code).concat();
                    let next = keyed.labels.len();
                    let g = *keyed.index.entry(label.clone()).or_insert(next);
                    if g == next {
                        keyed.labels.push(label);
                    }
                    local.insert(code, g);
                    g
                };
                rows.push(g);
            }
            keyed.acc.add(Some(&rows), input, first)?;
            batch_groups.push(groups);
        }
        self.rows += batch.num_rows();
        Ok(batch_groups)
    }

    /// The whole table (key "all").
    pub fn all(&self) -> HealthRollup {
        self.all.finish(0, "all")
    }

    /// Per key column, its name and its rollups in the key order of [`Groups`].
    pub fn by(&self) -> Result<Vec<(String, Vec<HealthRollup>)>> {
        self.keyed
            .iter()
            .map(|keyed| {
                // The keys seen, grouped once more by the groups rule to sort them.
                let keys: ArrayRef = Arc::new(
                    keyed
                        .labels
                        .iter()
                        .map(|l| (!l.is_empty()).then_some(l.as_str()))
                        .collect::<StringArray>(),
                );
                let table = RecordBatch::try_from_iter([(keyed.name.as_str(), keys)])
                    .map_err(|e| Error::invalid("rollup keys", &keyed.name, e.to_string()))?;
                let order = Groups::new(&table, std::slice::from_ref(&keyed.name))?;
                let mut groups: Vec<usize> = (0..keyed.labels.len()).collect();
                groups.sort_by_key(|&g| order.codes()[g]);
                let rows = groups
                    .into_iter()
                    .map(|g| keyed.acc.finish(g, keyed.labels[g].clone()))
                    .collect();
                Ok((keyed.name.clone(), rows))
            })
            .collect()
    }
}

/// The band of each row as an index into the shared `names` when a scorecard's bands are not
/// those names in that order (a scorecard set); `None` when the kernel's indexes already are.
fn shared_bands(scores: &BatchScores, names: &[String]) -> Option<ColumnBuf<u8>> {
    let code_of: Vec<Vec<u8>> = scores
        .band_names
        .iter()
        .map(|bands| {
            bands
                .iter()
                .map(|b| names.iter().position(|n| n == b).unwrap_or(0) as u8)
                .collect()
        })
        .collect();
    let identity = code_of
        .iter()
        .all(|codes| codes.iter().enumerate().all(|(k, &c)| usize::from(c) == k));
    if identity {
        return None;
    }
    let bands = (0..scores.band.len())
        .map(|i| {
            let b = scores.band.get(i)?;
            let card = usize::from(*scores.scorecard.get(i)?);
            code_of.get(card)?.get(usize::from(b)).copied()
        })
        .collect::<Vec<Option<u8>>>();
    Some(ColumnBuf::from(bands))
}

/// Fits `card`'s weights to past outcomes ([`cs_core::health::Scorecard::fit_weights`]) over a
/// batch holding the card's measure columns (and their `<measure>_date` columns) and the flag
/// column `outcome` (true: the account churned), every column read by the one cell grammar.
///
/// Errors: a missing or unreadable column, and those of the fit.
pub fn fit_weights(
    batch: &RecordBatch,
    card: &Scorecard,
    outcome: &str,
    as_of: chrono::NaiveDate,
    options: &WeightFitOptions,
) -> Result<WeightFit> {
    options.validate()?;
    let mut specs = cs_core::pipeline::health_columns(&ScorecardSet::single(card.clone()));
    specs.push(ColumnSpec {
        name: outcome.to_owned(),
        kind: Kind::Flag,
        doc: "whether the account churned".into(),
    });
    let accounts = crate::AccountBatch::with_columns(batch, &specs, None)?;
    cs_core::pipeline::fit_weights(card, &accounts.table()?, outcome, as_of, options)
}

/// The band mix per snapshot date and the band transitions of a history batch
/// ([`cs_core::pipeline::health_history`]): one row per account (`account_id`) and snapshot
/// date (column `date`) with `card`'s measure columns, and the ARR in integer minor units
/// from column `arr` when given (a null ARR is an error naming its row). Every column is read
/// by the one cell grammar.
///
/// Errors: a missing or unreadable column, an account twice on one date, and those of scoring.
pub fn health_history(
    batch: &RecordBatch,
    card: &Scorecard,
    date: &str,
    arr: Option<&str>,
) -> Result<cs_core::pipeline::HealthHistory> {
    let mut specs = cs_core::pipeline::health_columns(&ScorecardSet::single(card.clone()));
    specs.push(ColumnSpec {
        name: date.to_owned(),
        kind: Kind::Date,
        doc: "the snapshot date".into(),
    });
    if let Some(a) = arr {
        specs.push(ColumnSpec {
            name: a.to_owned(),
            kind: Kind::Integer,
            doc: "ARR, minor units".into(),
        });
    }
    let accounts = crate::AccountBatch::with_columns(batch, &specs, Some("account_id"))?;
    let table = accounts.table()?;
    let dates = table.date(date)?.ok_or_else(|| Error::missing(date))?;
    let arr = match arr {
        Some(a) => {
            let column = table.integer(a)?.ok_or_else(|| Error::missing(a))?;
            let values = (0..table.len())
                .map(|i| column.get(i).ok_or_else(|| Error::missing(a).at(i)))
                .collect::<Result<Vec<i64>>>()?;
            Some(values)
        }
        None => None,
    };
    cs_core::pipeline::health_history(card, &table, dates, arr.as_deref())
}
