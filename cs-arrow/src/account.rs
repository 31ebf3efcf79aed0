//! A RecordBatch read as the pipeline's raw account table.

use arrow_array::RecordBatch;
use cs_core::pipeline::{AccountTable, ColumnSpec, Pipeline};
use cs_core::{Error, Result};

use crate::cells::{Held, convert, required_texts};

/// The columns of a RecordBatch that `pipeline` reads, converted by the cell grammar to the
/// kind it reads them as; other columns are ignored. Borrow it as an [`AccountTable`] with
/// [`AccountBatch::table`].
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, RecordBatch, StringArray};
/// use cs_core::pipeline::{MissingInputs, Pipeline};
/// let ids: ArrayRef = Arc::new(StringArray::from(vec!["acme", "globex"]));
/// let nps: ArrayRef = Arc::new(StringArray::from(vec!["3", "10"]));
/// let batch = RecordBatch::try_from_iter([("account_id", ids), ("nps", nps)]).unwrap();
/// let pipeline = Pipeline { missing_inputs: MissingInputs::Drop, ..Pipeline::default() };
/// let accounts = cs_arrow::AccountBatch::new(&batch, &pipeline, "account_id")?;
/// let table = accounts.table()?;
/// let inputs = pipeline.risk_inputs(&table, None, None)?;
/// assert_eq!(inputs.get("nps_category").unwrap().get(0), Some(0.0)); // 3 is a detractor
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AccountBatch {
    len: usize,
    ids: Option<Vec<String>>,
    columns: Vec<(String, Held)>,
}

impl AccountBatch {
    /// Reads the columns of `batch` that `pipeline` knows; `id` names the account id column,
    /// which must be there.
    pub fn new(batch: &RecordBatch, pipeline: &Pipeline, id: &str) -> Result<AccountBatch> {
        if batch.column_by_name(id).is_none() {
            let schema = batch.schema();
            return Err(Error::unknown(
                "column",
                id,
                schema.fields().iter().map(|f| f.name().as_str()),
            ));
        }
        Self::with_optional_ids(batch, pipeline, id)
    }

    /// As [`AccountBatch::new`], but a batch without the id column is read without ids
    /// (enough for health and risk).
    pub fn with_optional_ids(batch: &RecordBatch, pipeline: &Pipeline, id: &str) -> Result<AccountBatch> {
        Self::with_columns(batch, &pipeline.input_columns(), Some(id))
    }

    /// Reads the columns of `batch` that `specs` name (each by its kind; an absent one is left
    /// out), and the ids from `id` when the batch has that column: e.g. the health columns of a
    /// scorecard set ([`cs_core::pipeline::health_columns`]) without ids.
    pub fn with_columns(batch: &RecordBatch, specs: &[ColumnSpec], id: Option<&str>) -> Result<AccountBatch> {
        let ids = id
            .and_then(|id| batch.column_by_name(id).map(|a| required_texts(a, id)))
            .transpose()?;
        let mut columns = Vec::new();
        for spec in specs {
            if Some(spec.name.as_str()) == id || (id.is_some() && spec.name == "account_id") {
                continue;
            }
            if let Some(array) = batch.column_by_name(&spec.name) {
                columns.push((spec.name.clone(), convert(array, &spec.name, spec.kind)?));
            }
        }
        Ok(AccountBatch {
            len: batch.num_rows(),
            ids,
            columns,
        })
    }

    /// The account ids, when the batch had them.
    pub fn ids(&self) -> Option<&[String]> {
        self.ids.as_deref()
    }

    /// Number of accounts.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True without accounts.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The converted cells of column `name`, when the batch had it.
    pub fn column(&self, name: &str) -> Option<&Held> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, h)| h)
    }

    /// Borrows the columns as the pipeline's [`AccountTable`].
    pub fn table(&self) -> Result<AccountTable<'_>> {
        let mut t = match &self.ids {
            Some(ids) => AccountTable::new(ids)?,
            None => AccountTable::without_ids(self.len),
        };
        for (name, held) in &self.columns {
            t.push(name, held.cells(name)?)?;
        }
        Ok(t)
    }
}
