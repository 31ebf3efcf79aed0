//! Groups of rows by one or more key columns: the one rule for `--by` on the command line and
//! `by=` in Python, so a group means the same rows through either door.
//!
//! - A key is the cell's text by the cell grammar ([`crate::cells::texts`]: trimmed; integers
//!   in decimal; a blank or null cell is *missing*), so a CSV file, where every cell is text,
//!   and a typed table group the same rows.
//! - Keys sort naturally: a missing key first, then keys that are whole numbers by value (9
//!   before 10; "07" and "7" stay two groups, ordered by text), then every other key by its
//!   text (byte order; ISO dates sort as dates).
//! - Several key columns sort as a tuple, the first column most significant.
//!
//! Keys are read on the Arrow values: integer columns by value (a table over the value range,
//! or a hash map when the range is wide), text by its bytes (one entry per distinct trimmed
//! text), every other type as its text. The text of a key and its place in the natural order
//! are computed once per distinct key, not per row.
//!
//! A row's code is computed when asked for ([`Groups::fill_codes`], a block of rows at a time),
//! from each key column's rank of the row: an integer column over a narrow range keeps only its
//! table of ranks by value (nothing per row), other columns a u32 rank per row. The code column
//! ([`Groups::codes`]) is built on first use, in parallel.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, OnceLock};

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, ArrowPrimitiveType, Int64Array, PrimitiveArray, RecordBatch, StringArray,
};
use arrow_buffer::ArrowNativeType;
use arrow_schema::{DataType, Field};
use cs_core::{Error, Result};
use rayon::prelude::*;

use crate::column;

/// The groups of a table's rows: a code per row (codes follow the sorted order of the key
/// tuples, so sorting by code sorts by key) and each code's key.
#[derive(Debug, Clone)]
pub struct Groups {
    /// The key column names.
    by: Vec<String>,
    /// Number of rows.
    rows: usize,
    /// How each key column ranks the rows, with the stride of its rank in a code.
    ranks: Vec<(RowRanks, u64)>,
    /// Code of each row, built on first use.
    codes: OnceLock<Vec<u64>>,
    /// The distinct keys of each column, in natural order (a column's part of a code is the
    /// rank of its key).
    keys: Vec<KeyColumn>,
    /// The codes some row has.
    present: Present,
}

/// Which codes some row has.
#[derive(Debug, Clone)]
enum Present {
    /// Every code below this (no key column, or one: its ranks are dense).
    Below(u64),
    /// These, sorted (several key columns: not every combination occurs).
    Listed(Vec<u64>),
}

/// The rank of each row in one key column.
#[derive(Debug, Clone)]
enum RowRanks {
    /// Rank 0 for every row (no value, or no row).
    Zero,
    /// Each row's rank.
    Stored(Vec<u32>),
    /// An integer column ranked through a table over its value range: a row's rank is
    /// `rank[value - lo]` (0 for a null row).
    Table {
        array: ArrayRef,
        lo: i64,
        rank: Vec<u32>,
    },
}

/// Where [`add_by_table`] reads: the range's low end and its ranks, the first row, the stride.
#[derive(Clone, Copy)]
struct Table<'a> {
    lo: i64,
    rank: &'a [u32],
    start: usize,
    stride: u64,
}

/// Adds `rank * stride` of rows `start..start + out.len()` of an integer column ranked by a
/// table over its range (see [`RowRanks::Table`]).
fn add_by_table<T: ArrowPrimitiveType>(a: &PrimitiveArray<T>, at: Table<'_>, out: &mut [u64]) {
    let Table {
        lo,
        rank,
        start,
        stride,
    } = at;
    let values = &a.values()[start..start + out.len()];
    let index = |v: T::Native| (v.to_i64().unwrap_or(lo) - lo) as usize;
    match a.nulls().filter(|n| n.null_count() > 0) {
        None => {
            for (c, &v) in out.iter_mut().zip(values) {
                *c += u64::from(rank[index(v)]) * stride;
            }
        }
        Some(nulls) => {
            for (k, (c, &v)) in out.iter_mut().zip(values).enumerate() {
                let r = if nulls.is_valid(start + k) {
                    rank[index(v)]
                } else {
                    0
                };
                *c += u64::from(r) * stride;
            }
        }
    }
}

impl RowRanks {
    /// Adds `rank * stride` of rows `start..start + out.len()` to `out`.
    fn add(&self, start: usize, out: &mut [u64], stride: u64) {
        match self {
            RowRanks::Zero => {}
            RowRanks::Stored(ranks) => {
                let ranks = &ranks[start..start + out.len()];
                for (c, &r) in out.iter_mut().zip(ranks) {
                    *c += u64::from(r) * stride;
                }
            }
            RowRanks::Table { array, lo, rank } => {
                let at = Table {
                    lo: *lo,
                    rank,
                    start,
                    stride,
                };
                match array.data_type() {
                    DataType::Int8 => add_by_table(array.as_primitive::<Int8Type>(), at, out),
                    DataType::Int16 => add_by_table(array.as_primitive::<Int16Type>(), at, out),
                    DataType::Int32 => add_by_table(array.as_primitive::<Int32Type>(), at, out),
                    DataType::Int64 => add_by_table(array.as_primitive::<Int64Type>(), at, out),
                    DataType::UInt8 => add_by_table(array.as_primitive::<UInt8Type>(), at, out),
                    DataType::UInt16 => add_by_table(array.as_primitive::<UInt16Type>(), at, out),
                    DataType::UInt32 => add_by_table(array.as_primitive::<UInt32Type>(), at, out),
                    DataType::UInt64 => add_by_table(array.as_primitive::<UInt64Type>(), at, out),
                    // Only integer columns are ranked by a table (`integer_key`).
                    _ => {}
                }
            }
        }
    }
}

/// Each row's rank from its first-seen id (`u32::MAX`: the missing key, rank 0) and the rank
/// of each id.
fn ranks_of_ids(mut row_ids: Vec<u32>, rank: &[u32]) -> RowRanks {
    for id in &mut row_ids {
        *id = if *id == u32::MAX { 0 } else { rank[*id as usize] };
    }
    RowRanks::Stored(row_ids)
}

/// The distinct keys of one column, by rank.
#[derive(Debug, Clone)]
struct KeyColumn {
    /// The key text of each rank (`None`: the missing key, rank 0 when present).
    text: Vec<Option<String>>,
    /// The value of each rank when the column holds integers (the output keeps their type).
    integers: Option<Vec<Option<i64>>>,
}

/// A hasher for keys (integers and short texts): a folded multiply per word, much faster
/// than SipHash on the per-row lookups; tables are the caller's own, not an attack surface.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.write_u64(u64::from_le_bytes(b));
        }
        let mut b = [0u8; 8];
        b[..words.remainder().len()].copy_from_slice(words.remainder());
        self.write_u64(u64::from_le_bytes(b) ^ ((bytes.len() as u64) << 56));
    }
    fn write_u64(&mut self, v: u64) {
        let m = u128::from(self.0 ^ v ^ 0x243f_6a88_85a3_08d3) * 0x9e37_79b9_7f4a_7c15;
        self.0 = (m as u64) ^ ((m >> 64) as u64);
    }
    fn write_i64(&mut self, v: i64) {
        self.write_u64(v as u64);
    }
}

type KeyMap<K> = HashMap<K, u32, BuildHasherDefault<KeyHasher>>;

/// Rows per task when the code column is built.
const CODE_BLOCK: usize = 1 << 16;

/// Integer key columns whose values span at most this many (and at most a few per row) are
/// ranked through a table over the range instead of a hash map.
const TABLE_SPAN: u64 = 1 << 24;

/// The whole-number value of a key text (`None`: not a whole number).
fn whole(key: &str) -> Option<i128> {
    key.parse::<i128>().ok()
}

/// The natural order of present keys, with their whole-number values parsed once: whole
/// numbers by value (ties by text), then text by bytes.
fn natural(left: (Option<i128>, &str), right: (Option<i128>, &str)) -> Ordering {
    match (left, right) {
        ((Some(m), l), (Some(n), r)) => m.cmp(&n).then(l.cmp(r)),
        ((Some(_), _), (None, _)) => Ordering::Less,
        ((None, _), (Some(_), _)) => Ordering::Greater,
        ((None, l), (None, r)) => l.cmp(r),
    }
}

impl KeyColumn {
    /// Reads column `name`: its distinct keys and the rank of each row.
    fn fold(array: &ArrayRef, name: &str) -> Result<(KeyColumn, RowRanks)> {
        let integers = match array.data_type() {
            DataType::Int8 => integer_key(array, array.as_primitive::<Int8Type>()),
            DataType::Int16 => integer_key(array, array.as_primitive::<Int16Type>()),
            DataType::Int32 => integer_key(array, array.as_primitive::<Int32Type>()),
            DataType::Int64 => integer_key(array, array.as_primitive::<Int64Type>()),
            DataType::UInt8 => integer_key(array, array.as_primitive::<UInt8Type>()),
            DataType::UInt16 => integer_key(array, array.as_primitive::<UInt16Type>()),
            DataType::UInt32 => integer_key(array, array.as_primitive::<UInt32Type>()),
            DataType::UInt64 => integer_key(array, array.as_primitive::<UInt64Type>()),
            _ => None,
        };
        match integers {
            Some(key) => Ok(key),
            None => text_key(array, name),
        }
    }

    /// Number of distinct keys.
    fn radix(&self) -> u64 {
        self.text.len() as u64
    }

    fn data_type(&self) -> DataType {
        if self.integers.is_some() {
            DataType::Int64
        } else {
            DataType::Utf8
        }
    }

    /// The key of each rank of `ranks` as an Arrow column.
    fn take(&self, ranks: &[usize]) -> ArrayRef {
        match &self.integers {
            Some(values) => Arc::new(ranks.iter().map(|&r| values[r]).collect::<Int64Array>()),
            None => Arc::new(
                ranks
                    .iter()
                    .map(|&r| self.text[r].as_deref())
                    .collect::<StringArray>(),
            ),
        }
    }
}

/// An integer column ranked by value: `None` when a value does not fit i64 (the text path
/// then reads the column, as its keys are texts that no int64 holds).
fn integer_key<T: ArrowPrimitiveType>(
    array: &ArrayRef,
    a: &PrimitiveArray<T>,
) -> Option<(KeyColumn, RowRanks)> {
    let values = a.values();
    let nulls = a.nulls().filter(|n| n.null_count() > 0);
    let valid = |i: usize| nulls.is_none_or(|n| n.is_valid(i));
    // Both passes below in parallel over one chunk per thread (min, max and presence do not
    // depend on the order in which chunks are read).
    let chunk = values.len().div_ceil(rayon::current_num_threads()).max(1 << 16);
    let ends: Vec<(i64, i64)> = values
        .par_chunks(chunk)
        .enumerate()
        .map(|(c, part)| {
            let (mut lo, mut hi) = (i64::MAX, i64::MIN);
            if nulls.is_none() {
                // Branch-free, so it vectorises: a value beyond i64 clears `fits`.
                let mut fits = true;
                for v in part {
                    let v = v.to_i64();
                    fits &= v.is_some();
                    let v = v.unwrap_or(0);
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
                return fits.then_some((lo, hi));
            }
            for (k, v) in part.iter().enumerate() {
                if valid(c * chunk + k) {
                    let v = v.to_i64()?;
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
            Some((lo, hi))
        })
        .collect::<Option<_>>()?;
    let (lo, hi) = ends
        .iter()
        .fold((i64::MAX, i64::MIN), |(lo, hi), &(l, h)| (lo.min(l), hi.max(h)));
    let missing = nulls.is_some();
    let offset = u32::from(missing);
    let mut distinct: Vec<Option<i64>> = Vec::new();
    if missing {
        distinct.push(None);
    }
    let span = if lo <= hi {
        (i128::from(hi) - i128::from(lo)) as u64
    } else {
        0
    };
    let rows = if lo > hi {
        // No value (every cell null, or no row): the missing key alone, rank 0 for all.
        RowRanks::Zero
    } else if span < TABLE_SPAN && span <= 4 * values.len() as u64 {
        // A rank per value of the range: mark the values present, number them in order.
        let index = |v: T::Native| (v.to_i64().unwrap_or(lo) - lo) as usize;
        let mark = |c: usize, part: &[T::Native]| {
            let mut seen = vec![0u32; span as usize + 1];
            for (k, &v) in part.iter().enumerate() {
                if valid(c * chunk + k) {
                    seen[index(v)] = 1;
                }
            }
            seen
        };
        // A mark table per thread while it is small; one table over a wide range.
        let mut rank = if span <= 1 << 20 {
            values
                .par_chunks(chunk)
                .enumerate()
                .map(|(c, part)| mark(c, part))
                .reduce_with(|mut a, b| {
                    a.iter_mut().zip(b).for_each(|(x, y)| *x |= y);
                    a
                })
                .unwrap_or_default()
        } else {
            mark(0, values)
        };
        let mut next = offset;
        for (k, r) in rank.iter_mut().enumerate() {
            if *r == 1 {
                *r = next;
                next += 1;
                distinct.push(Some(lo + k as i64));
            }
        }
        RowRanks::Table {
            array: array.clone(),
            lo,
            rank,
        }
    } else {
        // A wide range: a first-seen id per distinct value, then ranks by value.
        let mut ids: KeyMap<i64> = KeyMap::default();
        let mut seen: Vec<i64> = Vec::new();
        let row_ids: Vec<u32> = (0..values.len())
            .map(|i| {
                if !valid(i) {
                    return u32::MAX;
                }
                let v = values[i].to_i64().unwrap_or(lo);
                *ids.entry(v).or_insert_with(|| {
                    seen.push(v);
                    (seen.len() - 1) as u32
                })
            })
            .collect();
        let mut order: Vec<u32> = (0..seen.len() as u32).collect();
        order.sort_unstable_by_key(|&id| seen[id as usize]);
        let mut rank = vec![0u32; seen.len()];
        for (r, &id) in order.iter().enumerate() {
            rank[id as usize] = r as u32 + offset;
            distinct.push(Some(seen[id as usize]));
        }
        ranks_of_ids(row_ids, &rank)
    };
    let key = KeyColumn {
        text: distinct.iter().map(|v| v.map(|v| v.to_string())).collect(),
        integers: Some(distinct),
    };
    Some((key, rows))
}

/// A column ranked by its text (trimmed; blank or null is missing): text columns on their
/// bytes, every other type as its text by the cell grammar. Integer columns that come here
/// (values beyond int64) keep their int64 values, null where the value does not fit.
fn text_key(array: &ArrayRef, name: &str) -> Result<(KeyColumn, RowRanks)> {
    let utf8 = match array.data_type() {
        DataType::Utf8 => array.clone(),
        _ => arrow_cast::cast(array, &DataType::Utf8).map_err(|_| {
            Error::invalid(
                format!("column {name}"),
                format!("of type {}", array.data_type()),
                "expected text",
            )
        })?,
    };
    let s = utf8.as_string::<i32>();
    let mut ids: KeyMap<&str> = KeyMap::default();
    // Distinct present texts in first-seen order, with the first row of each.
    let mut seen: Vec<(&str, usize)> = Vec::new();
    let mut missing = false;
    let row_ids: Vec<u32> = (0..s.len())
        .map(|i| {
            let t = if s.is_null(i) { "" } else { s.value(i).trim() };
            if t.is_empty() {
                missing = true;
                return u32::MAX;
            }
            *ids.entry(t).or_insert_with(|| {
                seen.push((t, i));
                (seen.len() - 1) as u32
            })
        })
        .collect();
    let offset = u32::from(missing);
    let numbers: Vec<Option<i128>> = seen.iter().map(|(t, _)| whole(t)).collect();
    let mut order: Vec<u32> = (0..seen.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        natural((numbers[a], seen[a].0), (numbers[b], seen[b].0))
    });
    let mut rank = vec![0u32; seen.len()];
    let mut text = Vec::with_capacity(seen.len() + usize::from(missing));
    let mut first = Vec::with_capacity(text.capacity());
    if missing {
        text.push(None);
        first.push(None);
    }
    for (r, &id) in order.iter().enumerate() {
        rank[id as usize] = r as u32 + offset;
        let (t, row) = seen[id as usize];
        text.push(Some(t.to_owned()));
        first.push(Some(row));
    }
    let rows = ranks_of_ids(row_ids, &rank);
    let integers = if array.data_type().is_integer() {
        let cast = arrow_cast::cast(array, &DataType::Int64).map_err(|e| {
            Error::invalid(
                format!("column {name}"),
                format!("type {}", array.data_type()),
                e.to_string(),
            )
        })?;
        let cast = cast.as_primitive::<Int64Type>();
        Some(
            first
                .iter()
                .map(|row| row.and_then(|r| cast.is_valid(r).then(|| cast.value(r))))
                .collect(),
        )
    } else {
        None
    };
    Ok((KeyColumn { text, integers }, rows))
}

impl Groups {
    /// Groups the rows of `batch` by the key columns `by` (none: one group of every row).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
    /// let seg: ArrayRef = Arc::new(StringArray::from(vec![Some("smb "), None, Some("ent"), Some("smb")]));
    /// let year: ArrayRef = Arc::new(Int64Array::from(vec![2026, 2025, 2026, 2025]));
    /// let batch = RecordBatch::try_from_iter([("segment", seg), ("year", year)]).unwrap();
    /// let g = cs_arrow::groups::Groups::new(&batch, &["segment".into()])?;
    /// // "smb " and "smb" are one group; the missing segment sorts first.
    /// assert_eq!(g.codes(), &[2, 0, 1, 2]);
    /// assert_eq!(g.labels(2), vec!["smb".to_owned()]);
    /// let g = cs_arrow::groups::Groups::new(&batch, &["year".into(), "segment".into()])?;
    /// assert_eq!(g.labels(g.codes()[3]), vec!["2025".to_owned(), "smb".to_owned()]);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn new(batch: &RecordBatch, by: &[String]) -> Result<Groups> {
        let n = batch.num_rows();
        let mut keys = Vec::with_capacity(by.len());
        let mut ranks = Vec::with_capacity(by.len());
        let mut stride = 1u64;
        for name in by.iter().rev() {
            let (key, rows) = KeyColumn::fold(column(batch, name)?, name)?;
            ranks.push((rows, stride));
            stride = stride
                .checked_mul(key.radix().max(1))
                .ok_or_else(|| Error::invalid("by", by.join(", "), "too many distinct key combinations"))?;
            keys.push(key);
        }
        keys.reverse();
        let mut groups = Groups {
            by: by.to_vec(),
            rows: n,
            ranks,
            codes: OnceLock::new(),
            keys,
            present: Present::Below(stride),
        };
        if n == 0 {
            groups.present = Present::Listed(Vec::new());
        } else if groups.keys.len() > 1 {
            let mut listed = groups.codes().to_vec();
            listed.par_sort_unstable();
            listed.dedup();
            groups.present = Present::Listed(listed);
        }
        Ok(groups)
    }

    /// The code of each row (built on first use).
    pub fn codes(&self) -> &[u64] {
        self.codes.get_or_init(|| {
            let mut codes = vec![0u64; self.rows];
            codes
                .par_chunks_mut(CODE_BLOCK)
                .enumerate()
                .for_each(|(b, out)| self.fill_codes(b * CODE_BLOCK, out));
            codes
        })
    }

    /// Writes the codes of rows `start..start + out.len()` into `out`, without building the
    /// code column: the way a kernel that visits the rows once asks for them.
    ///
    /// Panics when the rows run past the table.
    pub fn fill_codes(&self, start: usize, out: &mut [u64]) {
        if let Some(codes) = self.codes.get() {
            out.copy_from_slice(&codes[start..start + out.len()]);
            return;
        }
        out.fill(0);
        for (rows, stride) in &self.ranks {
            rows.add(start, out, *stride);
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The key column names.
    pub fn by(&self) -> &[String] {
        &self.by
    }

    /// A bound on the codes: every code is below it (with one key column or none, every code
    /// below it has rows).
    pub fn code_bound(&self) -> u64 {
        match &self.present {
            Present::Below(n) => *n,
            Present::Listed(codes) => codes.last().map_or(0, |c| c + 1),
        }
    }

    fn has(&self, code: u64) -> bool {
        match &self.present {
            Present::Below(n) => code < *n,
            Present::Listed(codes) => codes.binary_search(&code).is_ok(),
        }
    }

    /// The rank of each key column in `code` (present codes only).
    fn ranks(&self, code: u64) -> Result<Vec<usize>> {
        if !self.has(code) {
            return Err(Error::invalid(
                "group",
                code.to_string(),
                "no row has this group code",
            ));
        }
        let mut rest = code;
        let mut ranks = vec![0usize; self.keys.len()];
        for (r, key) in ranks.iter_mut().zip(&self.keys).rev() {
            let radix = key.radix().max(1);
            *r = (rest % radix) as usize;
            rest /= radix;
        }
        Ok(ranks)
    }

    /// The key of group `code` as text, one per key column (a missing key is "").
    pub fn labels(&self, code: u64) -> Vec<String> {
        match self.ranks(code) {
            Ok(ranks) => ranks
                .iter()
                .zip(&self.keys)
                .map(|(&r, k)| k.text[r].clone().unwrap_or_default())
                .collect(),
            Err(_) => vec![String::new(); self.keys.len()],
        }
    }

    /// The key columns of a result with one row per group of `order` (codes): integers as
    /// int64, every other key as its text (null for a missing key).
    pub fn key_columns(&self, order: &[u64]) -> Result<Vec<(Field, ArrayRef)>> {
        let ranks: Vec<Vec<usize>> = order.iter().map(|&c| self.ranks(c)).collect::<Result<_>>()?;
        Ok(self
            .by
            .iter()
            .zip(&self.keys)
            .enumerate()
            .map(|(c, (name, key))| {
                let column: Vec<usize> = ranks.iter().map(|r| r[c]).collect();
                (Field::new(name, key.data_type(), true), key.take(&column))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{DictionaryArray, Float64Array, UInt64Array};

    fn batch(cols: Vec<(&str, ArrayRef)>) -> RecordBatch {
        RecordBatch::try_from_iter(cols).unwrap()
    }

    #[test]
    fn integers_sort_numerically_and_text_by_bytes() {
        let n: ArrayRef = Arc::new(Int64Array::from(vec![Some(10), Some(9), None, Some(10)]));
        let g = Groups::new(&batch(vec![("n", n)]), &["n".into()]).unwrap();
        assert_eq!(g.codes(), &[2, 1, 0, 2]);
        let cols = g.key_columns(&[0, 1, 2]).unwrap();
        let keys = cols[0].1.as_primitive::<Int64Type>();
        assert!(keys.is_null(0));
        assert_eq!((keys.value(1), keys.value(2)), (9, 10));
        // The same cells as text (a CSV file) group and sort the same; the blank cell is missing.
        let t: ArrayRef = Arc::new(StringArray::from(vec!["10", "9", " ", "10"]));
        let g = Groups::new(&batch(vec![("t", t)]), &["t".into()]).unwrap();
        assert_eq!(g.codes(), &[2, 1, 0, 2]);
        assert_eq!(g.labels(0), vec![String::new()]);
        // Whole numbers before other text; "07" and "7" are two keys.
        let t: ArrayRef = Arc::new(StringArray::from(vec!["b", "7", "07", "-1", "a", "10"]));
        let g = Groups::new(&batch(vec![("t", t)]), &["t".into()]).unwrap();
        assert_eq!(g.codes(), &[5, 2, 1, 0, 4, 3]);
    }

    #[test]
    fn no_key_is_one_group_and_unknown_column_is_named() {
        let t: ArrayRef = Arc::new(StringArray::from(vec!["a", "b"]));
        let b = batch(vec![("t", t)]);
        assert_eq!(Groups::new(&b, &[]).unwrap().codes(), &[0, 0]);
        let e = Groups::new(&b, &["segment".into()]).unwrap_err().to_string();
        assert!(e.contains("segment") && e.contains('t'), "{e}");
    }

    /// A key text with its whole-number value.
    fn key(t: Option<&String>) -> Option<(Option<i128>, &str)> {
        t.map(|t| (whole(t), t.as_str()))
    }

    /// The rule as it was first written: every row's key text by the cell grammar, distinct
    /// keys sorted naturally, dense ranks; several columns as mixed-radix codes.
    fn by_text(batch: &RecordBatch, by: &[&str]) -> (Vec<u64>, Vec<Vec<String>>) {
        let mut codes = vec![0u64; batch.num_rows()];
        let mut stride = 1;
        let mut labels = vec![Vec::new(); batch.num_rows()];
        for name in by.iter().rev() {
            let text = crate::cells::texts(column(batch, name).unwrap(), name).unwrap();
            let mut distinct: Vec<Option<(Option<i128>, &str)>> =
                text.iter().map(Option::as_ref).map(key).collect();
            distinct.sort_unstable();
            distinct.dedup();
            distinct.sort_by(|a, b| match (a, b) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(a), Some(b)) => natural(*a, *b),
            });
            for (i, t) in text.iter().enumerate() {
                let rank = distinct.iter().position(|d| *d == key(t.as_ref())).unwrap() as u64;
                codes[i] += rank * stride;
                labels[i].insert(0, t.clone().unwrap_or_default());
            }
            stride *= distinct.len() as u64;
        }
        (codes, labels)
    }

    #[test]
    fn integer_keys_rank_the_same_on_any_thread_count() {
        // Several chunks (of 65,536 rows) per thread; nulls in one column. Every value of each
        // range occurs, so the ranks are known: the missing key first, then value order.
        let n = 200_003usize;
        let narrow = |i: usize| (i % 11 != 4).then_some(((i * 7919) % 503) as i32 - 250);
        let dense = |i: usize| ((i * 31) % 977) as i64;
        let b = batch(vec![
            (
                "narrow",
                Arc::new((0..n).map(narrow).collect::<arrow_array::Int32Array>()) as ArrayRef,
            ),
            ("dense", Arc::new(Int64Array::from_iter_values((0..n).map(dense)))),
        ]);
        let want: Vec<u64> = (0..n)
            .map(|i| narrow(i).map_or(0, |v| (v + 251) as u64) * 977 + dense(i) as u64)
            .collect();
        let by = ["narrow".to_owned(), "dense".to_owned()];
        for threads in [1, 2, 3, 7] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let g = pool.install(|| Groups::new(&b, &by)).unwrap();
            let mut block = vec![0u64; 1000];
            g.fill_codes(n - 1000, &mut block);
            assert_eq!(block, want[n - 1000..], "{threads} threads");
            assert_eq!(g.codes(), want.as_slice(), "{threads} threads");
            let one = pool.install(|| Groups::new(&b, &by[..1])).unwrap();
            assert_eq!(
                one.code_bound(),
                504,
                "{threads} threads: 503 values and the missing key"
            );
            assert_eq!(one.labels(1), vec!["-250".to_owned()]);
        }
    }

    #[test]
    #[allow(clippy::many_single_char_names)]
    fn every_key_type_groups_as_its_text() {
        let n: i64 = 300;
        let wide: ArrayRef = Arc::new(
            (0..n)
                .map(|i| (i % 7 != 3).then_some((i % 13) * 1_000_000_007 - 6_000_000_000))
                .collect::<Int64Array>(),
        );
        let narrow: ArrayRef = Arc::new(arrow_array::Int32Array::from_iter_values(
            (0..n).map(|i| ((i * 7) % 11 - 5) as i32),
        ));
        let huge: ArrayRef = Arc::new(UInt64Array::from_iter_values((0..n).map(|i| {
            if i % 5 == 0 {
                u64::MAX - (i % 3) as u64
            } else {
                (i % 4) as u64
            }
        })));
        let text: ArrayRef = Arc::new(
            (0..n)
                .map(|i| match i % 6 {
                    0 => None,
                    1 => Some(" 07".to_owned()),
                    2 => Some("7".to_owned()),
                    3 => Some(" ".to_owned()),
                    _ => Some(format!("k{}", i % 4)),
                })
                .collect::<StringArray>(),
        );
        let floats: ArrayRef = Arc::new(Float64Array::from_iter_values(
            (0..n).map(|i| (i % 3) as f64 / 2.0),
        ));
        let dict: ArrayRef = Arc::new(
            (0..n)
                .map(|i| ["b", " a", "10", "9"][i as usize % 4])
                .collect::<DictionaryArray<Int32Type>>(),
        );
        let b = batch(vec![
            ("wide", wide),
            ("narrow", narrow),
            ("huge", huge),
            ("text", text),
            ("floats", floats),
            ("dict", dict),
        ]);
        for by in [
            vec!["wide"],
            vec!["narrow"],
            vec!["huge"],
            vec!["text"],
            vec!["floats"],
            vec!["dict"],
            vec!["text", "wide"],
            vec!["narrow", "dict", "huge"],
        ] {
            let names: Vec<String> = by.iter().map(|s| (*s).to_owned()).collect();
            let g = Groups::new(&b, &names).unwrap();
            let (codes, labels) = by_text(&b, &by);
            // A block of rows asked for before the code column exists.
            let mut block = vec![u64::MAX; 50];
            g.fill_codes(7, &mut block);
            assert_eq!(block, codes[7..57], "{by:?}");
            assert_eq!(g.codes(), codes.as_slice(), "{by:?}");
            g.fill_codes(250, &mut block);
            assert_eq!(block, codes[250..], "{by:?}");
            for (code, label) in codes.iter().zip(&labels) {
                assert_eq!(&g.labels(*code), label, "{by:?}");
            }
        }
        // Integer keys keep their type; a value beyond int64 is a null int64 key, as a cast.
        let g = Groups::new(&b, &["huge".into()]).unwrap();
        let cols = g.key_columns(&[0, 4]).unwrap();
        let keys = cols[0].1.as_primitive::<Int64Type>();
        assert_eq!((keys.value(0), keys.is_null(1)), (0, true));
        // A code no row has is named.
        let a: ArrayRef = Arc::new(Int64Array::from(vec![1, 2]));
        let t: ArrayRef = Arc::new(StringArray::from(vec!["x", "y"]));
        let g = Groups::new(&batch(vec![("a", a), ("t", t)]), &["a".into(), "t".into()]).unwrap();
        assert_eq!((g.codes(), g.code_bound()), (&[0, 3][..], 4));
        assert!(g.key_columns(&[1]).is_err());
        assert_eq!(g.labels(1), vec![String::new(); 2]);
        assert_eq!(g.labels(3), vec!["2".to_owned(), "y".to_owned()]);
    }
}
