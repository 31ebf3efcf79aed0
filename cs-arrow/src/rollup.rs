//! Health rollups in parts: each part of a table (a cluster's partition) rolls up into one
//! mergeable [`RollupPart`] per group, as JSON beside the group's key columns; the parts of a
//! group, gathered from anywhere and in any order, finish to the rollup of the whole table.
//! The Spark `health_rollup` runs on these two functions.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field};
use cs_core::document::Document;
use cs_core::health::{RollupAccumulator, RollupInput, RollupPart};
use cs_core::{Error, Result};

use crate::groups::Groups;
use crate::health::{RollupColumns, rollup_columns, with_rollup_input};
use crate::output::batch;

/// The rollup parts of a scored table: the key columns of `spec.by` (as in
/// [`crate::health::health_rollup`]: integers as int64, other keys as trimmed text) and `part`,
/// each group's [`RollupPart`] as JSON, one row per group in key order.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, ListArray, RecordBatch, StringArray};
/// use arrow_array::builder::{ListBuilder, StringBuilder};
/// let seg: ArrayRef = Arc::new(StringArray::from(vec!["smb", "smb", "ent"]));
/// let score: ArrayRef = Arc::new(Float64Array::from(vec![Some(80.1), None, Some(30.7)]));
/// let band: ArrayRef = Arc::new(StringArray::from(vec![Some("green"), None, Some("red")]));
/// let arr: ArrayRef = Arc::new(Int64Array::from(vec![100, 300, 100]));
/// let t = RecordBatch::try_from_iter([("segment", seg), ("score", score), ("band", band), ("arr", arr)]).unwrap();
/// let names = ["red", "amber", "green"].map(String::from);
/// let by = ["segment".to_owned()];
/// let spec = cs_arrow::health::RollupColumns { by: &by, arr: Some("arr"), score: "score", band: "band", band_names: &names };
/// // Two parts of the table, rolled up apart and finished together.
/// let (first, second) = (
///     cs_arrow::rollup::rollup_parts(&t.slice(0, 2), &spec)?,
///     cs_arrow::rollup::rollup_parts(&t.slice(2, 1), &spec)?,
/// );
/// let text = |b: &RecordBatch| b.column_by_name("part").unwrap().as_any().downcast_ref::<StringArray>().unwrap().value(0).to_owned();
/// let mut lists = ListBuilder::new(StringBuilder::new());
/// lists.append_value([Some(text(&second))]); // "ent"
/// lists.append_value([Some(text(&first))]); // "smb"
/// let parts: ArrayRef = Arc::new(lists.finish());
/// let finished = cs_arrow::rollup::finish_rollup_parts(&parts, &names, true)?;
/// let whole = cs_arrow::health::health_rollup(&t, &spec)?.to_batch()?;
/// assert_eq!(finished.columns(), &whole.columns()[1..]);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn rollup_parts(batch_in: &RecordBatch, spec: &RollupColumns<'_>) -> Result<RecordBatch> {
    with_rollup_input(batch_in, spec, |input| parts_of(batch_in, spec, input))
}

fn parts_of(batch_in: &RecordBatch, spec: &RollupColumns<'_>, input: RollupInput<'_>) -> Result<RecordBatch> {
    let groups = Groups::new(batch_in, spec.by)?;
    let mut order: Vec<u64> = groups.codes().to_vec();
    order.sort_unstable();
    order.dedup();
    // Each row's group: the rank of its code among the codes present.
    let dense: Vec<usize> = groups
        .codes()
        .iter()
        .map(|c| order.partition_point(|o| o < c))
        .collect();
    let mut acc = RollupAccumulator::new(spec.band_names.len());
    acc.add(Some(&dense), input, 0)?;
    let parts = (0..order.len())
        .map(|g| Ok(acc.part(g).to_json_value()?.to_string()))
        .collect::<Result<Vec<String>>>()?;
    let mut columns = groups.key_columns(&order)?;
    columns.push((
        Field::new("part", DataType::Utf8, false),
        Arc::new(StringArray::from(parts)) as ArrayRef,
    ));
    batch(columns)
}

/// The rollup figures of each row of `parts`, a list of [`RollupPart`] JSON texts per group (the
/// `part` column of [`rollup_parts`] gathered per key): the columns after the keys of
/// [`crate::health::health_rollup`], one row per list, merged in any order to the same bits.
/// `arr` adds the ARR columns. A malformed part, or one over other bands than `band_names`, is
/// an error naming the row.
pub fn finish_rollup_parts(parts: &ArrayRef, band_names: &[String], arr: bool) -> Result<RecordBatch> {
    let item = Arc::new(Field::new_list_field(DataType::Utf8, true));
    let lists = arrow_cast::cast(parts, &DataType::List(item))
        .map_err(|e| Error::invalid("rollup parts", parts.data_type().to_string(), e.to_string()))?;
    let lists = lists.as_list::<i32>();
    let mut rows = Vec::with_capacity(lists.len());
    for i in 0..lists.len() {
        let mut merged = RollupPart::new(band_names.len());
        if lists.is_valid(i) {
            let texts = lists.value(i);
            for text in texts.as_string::<i32>().iter().flatten() {
                let part = RollupPart::from_json(text).map_err(|e| match e {
                    Error::Parse { message, .. } => {
                        let shown: String = text.chars().take(40).collect();
                        Error::invalid("rollup part", shown, message).at(i)
                    }
                    e => e.at(i),
                })?;
                if part.band_count() != band_names.len() {
                    return Err(Error::LengthMismatch {
                        field: "rollup part bands".into(),
                        expected: band_names.len(),
                        actual: part.band_count(),
                    }
                    .at(i));
                }
                merged.merge(&part).map_err(|e| e.at(i))?;
            }
        }
        rows.push(merged.finish(""));
    }
    batch(rollup_columns(&rows, band_names, arr))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed setup fails the test
mod tests {
    use super::*;
    use arrow_array::builder::{ListBuilder, StringBuilder};

    fn lists(rows: &[&[&str]]) -> ArrayRef {
        let mut b = ListBuilder::new(StringBuilder::new());
        for r in rows {
            b.append_value(r.iter().map(|t| Some(*t)));
        }
        Arc::new(b.finish())
    }

    #[test]
    fn bad_parts_name_the_row() {
        let names = ["red", "green"].map(String::from);
        let good = RollupPart::new(2).to_json().unwrap();
        let three = RollupPart::new(3).to_json().unwrap();
        let e = finish_rollup_parts(&lists(&[&[&good], &["{"]]), &names, false).unwrap_err();
        assert_eq!(e.position(), Some(1), "{e}");
        let e = finish_rollup_parts(&lists(&[&[&three]]), &names, false).unwrap_err();
        assert!(e.to_string().contains("bands"), "{e}");
        let numbers: ArrayRef = Arc::new(arrow_array::Int64Array::from(vec![1]));
        assert!(finish_rollup_parts(&numbers, &names, false).is_err());
        let empty = finish_rollup_parts(&lists(&[]), &names, true).unwrap();
        assert_eq!((empty.num_rows(), empty.num_columns()), (0, 12));
    }
}
