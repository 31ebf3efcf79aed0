//! A CSV or Parquet file written batch by batch, to a temporary file beside the target that
//! is renamed over it by [`TableWriter::finish`]: a run that fails or is dropped before then
//! leaves the previous file whole and no temporary file behind.
//!
//! The bytes are those [`super::write_table`] writes for the concatenated batches: CSV is
//! formatted per row, so only the first batch carries the header line; Parquet is handed to
//! its writer one whole row group per call (the writer cuts pages in runs of rows counted
//! from the start of each call, and one call with every row writes each row group in one
//! piece), so the row groups and the pages of the input columns fall where one call puts them.
//! Memory: at most one row group of decoded rows is held back, besides the writer's own
//! encoded row group.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_buffer::NullBuffer;
use arrow_schema::{DataType, SchemaRef};
use parquet::arrow::ArrowWriter;

use super::{FileError, Format, temporary_path, write_csv_rows};

/// Rows per Parquet row group: the parquet crate's default (`max_row_group_row_count`), set
/// explicitly so that the row groups held back here are the writer's.
const ROW_GROUP_ROWS: usize = 1024 * 1024;

enum Sink {
    Csv {
        out: BufWriter<File>,
        header: bool,
    },
    Parquet {
        writer: Box<ArrowWriter<BufWriter<File>>>,
        /// Rows held back until a whole row group can be written.
        carry: Vec<RecordBatch>,
    },
}

/// A table file being written batch by batch (CSV or Parquet by the target's extension).
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Int64Array, RecordBatch};
/// # let dir = std::env::temp_dir().join(format!("cs-arrow-writer-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("out.csv");
/// let n: ArrayRef = Arc::new(Int64Array::from(vec![1, 2, 3]));
/// let batch = RecordBatch::try_from_iter([("n", n)]).unwrap();
/// let mut w = cs_arrow::files::TableWriter::create(&path, batch.schema())?;
/// w.write(&batch.slice(0, 2))?;
/// w.write(&batch.slice(2, 1))?;
/// assert!(!path.exists()); // nothing at the target before `finish`
/// w.finish()?;
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "n\n1\n2\n3\n");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), cs_arrow::files::FileError>(())
/// ```
pub struct TableWriter {
    path: PathBuf,
    tmp: PathBuf,
    schema: SchemaRef,
    sink: Option<Sink>,
}

impl TableWriter {
    /// Starts writing a table of `schema` to `path` (nothing appears there before
    /// [`TableWriter::finish`]).
    pub fn create(path: &Path, schema: SchemaRef) -> Result<TableWriter, FileError> {
        let tmp = temporary_path(path);
        let file = File::create(&tmp).map_err(|e| FileError::new(path, e))?;
        let out = BufWriter::with_capacity(1 << 20, file);
        let mut w = TableWriter {
            path: path.to_path_buf(),
            tmp,
            schema: schema.clone(),
            sink: None,
        };
        w.sink = Some(match Format::of(path) {
            Format::Csv => Sink::Csv { out, header: true },
            Format::Parquet => {
                let props = parquet::file::properties::WriterProperties::builder()
                    .set_compression(parquet::basic::Compression::SNAPPY)
                    .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
                    .build();
                let writer = ArrowWriter::try_new(out, schema, Some(props)).map_err(|e| w.error(e))?;
                Sink::Parquet {
                    writer: Box::new(writer),
                    carry: Vec::new(),
                }
            }
        });
        Ok(w)
    }

    fn error(&self, e: impl std::fmt::Display) -> FileError {
        FileError::new(&self.path, e)
    }

    /// Writes the next rows.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), FileError> {
        let result = match &mut self.sink {
            None => Err("the writer has already failed".to_owned()),
            Some(Sink::Csv { out, header }) => {
                let written = write_csv_rows(out, batch, *header);
                *header = false;
                written
            }
            Some(Sink::Parquet { writer, carry }) => parquet_rows(writer, carry, batch, &self.schema),
        };
        result.map_err(|m| {
            self.sink = None;
            self.error(m)
        })
    }

    /// Writes what is held back, syncs the file and renames it over the target.
    pub fn finish(mut self) -> Result<(), FileError> {
        let result = match self.sink.take() {
            None => Err("the writer has already failed".to_owned()),
            Some(Sink::Csv { mut out, header }) => {
                let empty = RecordBatch::new_empty(self.schema.clone());
                // A table without rows is its header line.
                let head = if header {
                    write_csv_rows(&mut out, &empty, true)
                } else {
                    Ok(())
                };
                head.and_then(|()| close(out, &self.tmp, &self.path))
            }
            Some(Sink::Parquet { mut writer, carry }) => (|| {
                if !carry.is_empty() {
                    let rest = concat(&self.schema, &carry)?;
                    writer.write(&rest).map_err(|e| e.to_string())?;
                }
                // Flushes the last row group and writes the footer.
                let out = writer.into_inner().map_err(|e| e.to_string())?;
                close(out, &self.tmp, &self.path)
            })(),
        };
        result.map_err(|m| self.error(m))
    }
}

/// Holds `batch` back with the rows before it until a whole row group of [`ROW_GROUP_ROWS`]
/// rows is there, then hands the row group to the writer in one call.
fn parquet_rows(
    writer: &mut ArrowWriter<BufWriter<File>>,
    carry: &mut Vec<RecordBatch>,
    batch: &RecordBatch,
    schema: &SchemaRef,
) -> Result<(), String> {
    carry.push(batch.clone());
    let mut held: usize = carry.iter().map(RecordBatch::num_rows).sum();
    while held >= ROW_GROUP_ROWS {
        let rows = concat(schema, carry)?;
        writer
            .write(&rows.slice(0, ROW_GROUP_ROWS))
            .map_err(|e| e.to_string())?;
        carry.clear();
        held -= ROW_GROUP_ROWS;
        if held > 0 {
            carry.push(rows.slice(ROW_GROUP_ROWS, held));
        }
    }
    Ok(())
}

/// The rows of `parts` as one batch, a column keeping a validity bitmap that marks no null
/// when a part's column had one. The writer encodes a column with a bitmap level by level and
/// one without as runs, so the pages depend on it; concatenating drops such a bitmap, which
/// the whole table's column (a scoring result's score, band and driver) keeps. Done for the
/// primitive and dictionary columns the scoring results are; other columns as concatenated.
fn concat(schema: &SchemaRef, parts: &[RecordBatch]) -> Result<RecordBatch, String> {
    let rows = arrow_select::concat::concat_batches(schema, parts).map_err(|e| e.to_string())?;
    let columns = rows
        .columns()
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let had = parts.iter().any(|p| p.column(k).nulls().is_some());
            if c.nulls().is_none() && had {
                keep_bitmap(c).map_err(|e| e.to_string())
            } else {
                Ok(c.clone())
            }
        })
        .collect::<Result<Vec<_>, String>>()?;
    RecordBatch::try_new(rows.schema(), columns).map_err(|e| e.to_string())
}

/// `array` with an all-valid bitmap, for the types of the scoring results.
fn keep_bitmap(array: &ArrayRef) -> Result<ArrayRef, arrow_schema::ArrowError> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, UInt8Type, UInt16Type};
    use arrow_array::{DictionaryArray, PrimitiveArray};
    let valid = Some(NullBuffer::new_valid(array.len()));
    Ok(match array.data_type() {
        DataType::Float64 => {
            let a = array.as_primitive::<Float64Type>();
            Arc::new(PrimitiveArray::<Float64Type>::try_new(a.values().clone(), valid)?)
        }
        DataType::Dictionary(key, _) if **key == DataType::UInt8 => {
            let d = array.as_dictionary::<UInt8Type>();
            let keys = PrimitiveArray::<UInt8Type>::try_new(d.keys().values().clone(), valid)?;
            Arc::new(DictionaryArray::try_new(keys, d.values().clone())?)
        }
        DataType::Dictionary(key, _) if **key == DataType::UInt16 => {
            let d = array.as_dictionary::<UInt16Type>();
            let keys = PrimitiveArray::<UInt16Type>::try_new(d.keys().values().clone(), valid)?;
            Arc::new(DictionaryArray::try_new(keys, d.values().clone())?)
        }
        _ => array.clone(),
    })
}

/// Flushes and syncs `out`, then renames `tmp` over `path`.
fn close(out: BufWriter<File>, tmp: &Path, path: &Path) -> Result<(), String> {
    let file = out.into_inner().map_err(|e| e.to_string())?;
    file.sync_all().map_err(|e| e.to_string())?;
    std::fs::rename(tmp, path).map_err(|e| e.to_string())
}

impl Drop for TableWriter {
    /// An unfinished (or failed) table leaves no temporary file; the target is untouched.
    fn drop(&mut self) {
        self.sink = None;
        if self.tmp.exists() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed setup fails the test
mod tests {
    use arrow_array::cast::AsArray;
    use arrow_array::types::Float64Type;
    use arrow_array::{Float64Array, Int64Array, StringArray};

    use super::*;

    #[test]
    fn batches_of_one_table_give_its_bytes() {
        // More than a row group, with nulls (levels row by row) and without (runs), and a
        // bitmap marking no null.
        let n = ROW_GROUP_ROWS + 70_001;
        let ints: Int64Array = (0..n as i64).map(|i| Some(i * 7 % 1000)).collect();
        let text: StringArray = (0..n)
            .map(|i| (i % 11 != 0).then(|| format!("k{}", i % 300)))
            .collect();
        let valid = NullBuffer::new_valid(n);
        let score = Float64Array::new((0..n).map(|i| (i as f64 * 0.37) % 97.0).collect(), Some(valid));
        let table = RecordBatch::try_from_iter([
            ("n", Arc::new(ints) as ArrayRef),
            ("k", Arc::new(text) as ArrayRef),
            ("score", Arc::new(score) as ArrayRef),
        ])
        .unwrap();
        let dir = std::env::temp_dir().join(format!("cs-arrow-table-writer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for ext in ["parquet", "csv"] {
            let whole = dir.join(format!("whole.{ext}"));
            super::super::write_table(&whole, &table).unwrap();
            for rows in [65_536, 20_001] {
                let path = dir.join(format!("batches-{rows}.{ext}"));
                let mut w = TableWriter::create(&path, table.schema()).unwrap();
                for from in (0..n).step_by(rows) {
                    // Each part's score built on its own, with its own all-valid bitmap, as a
                    // batch's scoring result is.
                    let part = table.slice(from, rows.min(n - from));
                    let values = part.column(2).as_primitive::<Float64Type>().values().clone();
                    let fresh = Float64Array::new(
                        values.to_vec().into(),
                        Some(NullBuffer::new_valid(part.num_rows())),
                    );
                    let mut columns = part.columns().to_vec();
                    columns[2] = Arc::new(fresh);
                    w.write(&RecordBatch::try_new(part.schema(), columns).unwrap())
                        .unwrap();
                }
                w.finish().unwrap();
                assert!(
                    std::fs::read(&path).unwrap() == std::fs::read(&whole).unwrap(),
                    "{ext} in batches of {rows}"
                );
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
