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

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, ArrayRef, Int64Array, RecordBatch, StringArray, UInt32Array};
use arrow_schema::{DataType, Field};
use cs_core::{Error, Result};

use crate::cells::texts;
use crate::column;

/// The groups of a table's rows: a code per row (codes follow the sorted order of the key
/// tuples, so sorting by code sorts by key) and each code's key.
#[derive(Debug, Clone)]
pub struct Groups {
    /// The key column names.
    by: Vec<String>,
    /// Code of each row.
    codes: Vec<u64>,
    /// First row of each code seen (the row whose cells label the group).
    first_row: HashMap<u64, usize>,
    /// The key cells of each column, by row: `keys[c][row]`.
    keys: Vec<KeyColumn>,
}

#[derive(Debug, Clone)]
struct KeyColumn {
    /// The key text of each row.
    text: Vec<Option<String>>,
    /// The column itself when it holds integers (the output keeps their type).
    integers: Option<Int64Array>,
}

impl KeyColumn {
    fn read(array: &ArrayRef, name: &str) -> Result<KeyColumn> {
        let integers = if array.data_type().is_integer() {
            let cast = arrow_cast::cast(array, &DataType::Int64).map_err(|e| {
                Error::invalid(
                    format!("column {name}"),
                    format!("type {}", array.data_type()),
                    e.to_string(),
                )
            })?;
            Some(cast.as_primitive::<Int64Type>().clone())
        } else {
            None
        };
        Ok(KeyColumn {
            text: texts(array, name)?,
            integers,
        })
    }

    /// Dense ranks of the rows' keys in natural order (see the module) and the number of ranks.
    fn ranks(&self) -> (Vec<u64>, u64) {
        let mut distinct: Vec<Option<&str>> = self.text.iter().map(Option::as_deref).collect();
        distinct.sort_unstable();
        distinct.dedup();
        distinct.sort_by(|a, b| natural(*a, *b));
        let index: HashMap<Option<&str>, u64> =
            distinct.iter().enumerate().map(|(k, v)| (*v, k as u64)).collect();
        let ranks = self
            .text
            .iter()
            .map(|k| index.get(&k.as_deref()).copied().unwrap_or(0))
            .collect();
        (ranks, distinct.len() as u64)
    }

    fn label(&self, row: usize) -> String {
        self.text.get(row).cloned().flatten().unwrap_or_default()
    }

    /// The key of each group in `rows` (first rows) as an Arrow column.
    fn take(&self, rows: &[usize], name: &str) -> Result<ArrayRef> {
        match &self.integers {
            Some(a) => {
                let idx: UInt32Array = rows.iter().map(|&r| Some(r as u32)).collect();
                arrow_select::take::take(a, &idx, None)
                    .map_err(|e| Error::invalid(format!("column {name}"), "keys", e.to_string()))
            }
            None => Ok(Arc::new(
                rows.iter()
                    .map(|&r| self.text[r].as_deref())
                    .collect::<StringArray>(),
            )),
        }
    }

    fn data_type(&self) -> DataType {
        if self.integers.is_some() {
            DataType::Int64
        } else {
            DataType::Utf8
        }
    }
}

/// The natural order of keys: missing first, then whole numbers by value (ties by text), then
/// text by bytes.
fn natural(left: Option<&str>, right: Option<&str>) -> Ordering {
    let number = |key: &str| key.parse::<i128>().ok();
    match (left, right) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(l), Some(r)) => match (number(l), number(r)) {
            (Some(m), Some(n)) => m.cmp(&n).then(l.cmp(r)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => l.cmp(r),
        },
    }
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
        let mut codes = vec![0u64; n];
        let mut keys = Vec::with_capacity(by.len());
        for name in by {
            keys.push(KeyColumn::read(column(batch, name)?, name)?);
        }
        let mut stride = 1u64;
        for key in keys.iter().rev() {
            let (ranks, radix) = key.ranks();
            for (code, rank) in codes.iter_mut().zip(ranks) {
                *code += rank * stride;
            }
            stride = stride
                .checked_mul(radix.max(1))
                .ok_or_else(|| Error::invalid("by", by.join(", "), "too many distinct key combinations"))?;
        }
        let mut first_row = HashMap::new();
        for (i, code) in codes.iter().enumerate() {
            first_row.entry(*code).or_insert(i);
        }
        Ok(Groups {
            by: by.to_vec(),
            codes,
            first_row,
            keys,
        })
    }

    /// The code of each row.
    pub fn codes(&self) -> &[u64] {
        &self.codes
    }

    /// The key column names.
    pub fn by(&self) -> &[String] {
        &self.by
    }

    fn first(&self, code: u64) -> Result<usize> {
        self.first_row
            .get(&code)
            .copied()
            .ok_or_else(|| Error::invalid("group", code.to_string(), "no row has this group code"))
    }

    /// The key of group `code` as text, one per key column (a missing key is "").
    pub fn labels(&self, code: u64) -> Vec<String> {
        match self.first_row.get(&code) {
            Some(&row) => self.keys.iter().map(|k| k.label(row)).collect(),
            None => vec![String::new(); self.keys.len()],
        }
    }

    /// The key columns of a result with one row per group of `order` (codes): integers as
    /// int64, every other key as its text (null for a missing key).
    pub fn key_columns(&self, order: &[u64]) -> Result<Vec<(Field, ArrayRef)>> {
        let rows: Vec<usize> = order.iter().map(|&c| self.first(c)).collect::<Result<_>>()?;
        self.by
            .iter()
            .zip(&self.keys)
            .map(|(name, key)| Ok((Field::new(name, key.data_type(), true), key.take(&rows, name)?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
