//! A CSV or Parquet file written batch by batch, to a temporary file beside the target that
//! is renamed over it by [`TableWriter::finish`]: a run that fails or is dropped before then
//! leaves the previous file whole and no temporary file behind.
//!
//! The bytes are those [`super::write_table`] writes for the concatenated batches: CSV is
//! formatted per row, so only the first batch carries the header line; Parquet is handed to
//! its writer in runs of whole multiples of [`PARQUET_RUN`] rows (the writer cuts pages and
//! row groups per run of 1,024 rows counted from the start of each call), so pages and row
//! groups fall where they fall for one call with every row.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;

use super::{FileError, Format, temporary_path, write_csv_rows};

/// Rows per mini-batch of the parquet crate's column writers (`write_batch_size`, 1,024 by
/// default): batches are written in multiples of it.
const PARQUET_RUN: usize = 1024;

enum Sink {
    Csv {
        out: BufWriter<File>,
        header: bool,
    },
    Parquet {
        writer: Box<ArrowWriter<BufWriter<File>>>,
        /// Rows held back until a whole multiple of [`PARQUET_RUN`] rows can be written.
        carry: Option<RecordBatch>,
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
                    .build();
                let writer = ArrowWriter::try_new(out, schema, Some(props)).map_err(|e| w.error(e))?;
                Sink::Parquet {
                    writer: Box::new(writer),
                    carry: None,
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
                if let Some(rest) = carry {
                    writer.write(&rest).map_err(|e| e.to_string())?;
                }
                writer.finish().map_err(|e| e.to_string())?;
                let out = writer.into_inner().map_err(|e| e.to_string())?;
                close(out, &self.tmp, &self.path)
            })(),
        };
        result.map_err(|m| self.error(m))
    }
}

/// Hands `batch` to the Parquet writer after the rows carried from before, in a run of a
/// whole multiple of [`PARQUET_RUN`] rows; the rest is carried to the next call.
fn parquet_rows(
    writer: &mut ArrowWriter<BufWriter<File>>,
    carry: &mut Option<RecordBatch>,
    batch: &RecordBatch,
    schema: &SchemaRef,
) -> Result<(), String> {
    let rows = match carry.take() {
        Some(before) => {
            arrow_select::concat::concat_batches(schema, [&before, batch]).map_err(|e| e.to_string())?
        }
        None => batch.clone(),
    };
    let whole = rows.num_rows() / PARQUET_RUN * PARQUET_RUN;
    if whole > 0 {
        writer.write(&rows.slice(0, whole)).map_err(|e| e.to_string())?;
    }
    if whole < rows.num_rows() {
        *carry = Some(rows.slice(whole, rows.num_rows() - whole));
    }
    Ok(())
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
