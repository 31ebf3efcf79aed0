//! Revenue tables: ARR snapshots read from RecordBatches, for GRR / NRR.

use arrow_array::RecordBatch;
use cs_core::Result;
use cs_core::pipeline::{Cells, Kind};
use cs_core::revenue::Snapshot;

use crate::cells::{convert, required_texts, texts};
use crate::column;

/// A snapshot of ARR per account from a table: account ids in `id` (non-blank, unique), ARR in
/// integer minor units in `arr` (by the cell grammar: whole floats are accepted, fractions are
/// an error) and, optionally, the segment in `segment` (a blank segment is ""). With
/// `segment_required`, a missing segment column is an error; otherwise it is ignored (the
/// end-of-period snapshot may lack it).
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
/// let ids: ArrayRef = Arc::new(StringArray::from(vec!["a", "b"]));
/// let arr: ArrayRef = Arc::new(Float64Array::from(vec![100.0, 250.0])); // pandas-style floats
/// let batch = RecordBatch::try_from_iter([("account_id", ids), ("arr", arr)]).unwrap();
/// let s = cs_arrow::revenue::snapshot(&batch, "account_id", "arr", None, false)?;
/// assert_eq!(s.arr("b"), Some(250));
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn snapshot(
    batch: &RecordBatch,
    id: &str,
    arr: &str,
    segment: Option<&str>,
    segment_required: bool,
) -> Result<Snapshot> {
    let ids = required_texts(column(batch, id)?, id)?;
    let held = convert(column(batch, arr)?, arr, Kind::Integer)?;
    let Cells::Integer(arr_col) = held.cells(arr)? else {
        return Err(cs_core::Error::invalid(
            format!("column {arr}"),
            "cells",
            "expected integers",
        ));
    };
    let segments = match segment {
        Some(s) => match batch.column_by_name(s) {
            Some(a) => Some(
                texts(a, s)?
                    .into_iter()
                    .map(Option::unwrap_or_default)
                    .collect::<Vec<_>>(),
            ),
            None if segment_required => {
                column(batch, s)?;
                None
            }
            None => None,
        },
        None => None,
    };
    Snapshot::new(&ids, arr_col, segments.as_deref())
}
