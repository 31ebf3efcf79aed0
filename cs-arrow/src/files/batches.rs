//! A CSV or Parquet file read batch by batch (bounded memory), optionally read ahead on a
//! thread of its own so that parsing overlaps the caller's work on the batch before.
//!
//! CSV is parsed by one reader from the start of the file, so a parse error names its line as
//! [`super::read_csv`] does; Parquet decoding panics of the parquet crate are errors naming the
//! file, as in [`super::read_parquet`].

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::arrow_reader::ParquetRecordBatchReader;

use super::{FileError, Format, csv_schema, parquet_reader, reader_panic};

/// How far a read has come: bytes of the file consumed (CSV) and rows decoded, with the totals
/// known before reading (the file size; a Parquet file's row count). Shared with the read-ahead
/// thread, so a progress display can poll it.
#[derive(Debug, Default)]
pub struct ReadProgress {
    bytes: AtomicU64,
    rows: AtomicU64,
    /// The file's size in bytes.
    pub total_bytes: u64,
    /// The row count when the file states it (Parquet).
    pub total_rows: Option<u64>,
}

impl ReadProgress {
    /// Bytes of the file read so far (Parquet: the whole file once every row is decoded).
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Rows decoded so far.
    pub fn rows(&self) -> u64 {
        self.rows.load(Ordering::Relaxed)
    }
}

/// A reader that counts the bytes read through it.
struct Counted<R> {
    inner: R,
    progress: Arc<ReadProgress>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

enum Decoder {
    Csv(Box<arrow_csv::reader::BufReader<BufReader<Counted<File>>>>),
    Parquet(ParquetRecordBatchReader),
}

/// The batches of a CSV or Parquet file (by extension), at most `batch_rows` rows each, in
/// file order. At least one batch comes out: a file without rows gives one empty batch with
/// the file's columns. CSV cells are all text, as [`super::read_table`] reads them.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("cs-arrow-batches-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("a.csv");
/// std::fs::write(&path, "id,n\na,1\nb,2\nc,3\n").unwrap();
/// let batches = cs_arrow::files::TableBatches::open(&path, 2)?;
/// let rows: Vec<usize> = batches.map(|b| b.map(|b| b.num_rows())).collect::<Result<_, _>>()?;
/// assert_eq!(rows, vec![2, 1]);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), cs_arrow::files::FileError>(())
/// ```
pub struct TableBatches {
    path: String,
    schema: SchemaRef,
    decoder: Option<Decoder>,
    progress: Arc<ReadProgress>,
    produced: bool,
}

impl TableBatches {
    /// Opens `path` (CSV: reads the header line; Parquet: reads and checks the metadata).
    pub fn open(path: &Path, batch_rows: usize) -> Result<TableBatches, FileError> {
        let batch_rows = batch_rows.max(1);
        let file = File::open(path).map_err(|e| FileError::new(path, e))?;
        let total_bytes = file.metadata().map_err(|e| FileError::new(path, e))?.len();
        let (schema, decoder, total_rows) = match Format::of(path) {
            Format::Csv => {
                let mut head = BufReader::new(File::open(path).map_err(|e| FileError::new(path, e))?);
                let schema = csv_schema(&mut head).map_err(|m| FileError::new(path, m))?;
                drop(head);
                let progress = Arc::new(ReadProgress {
                    total_bytes,
                    ..ReadProgress::default()
                });
                let counted = Counted {
                    inner: file,
                    progress: Arc::clone(&progress),
                };
                let reader = arrow_csv::ReaderBuilder::new(schema.clone())
                    .with_header(true)
                    .with_batch_size(batch_rows)
                    .build_buffered(BufReader::with_capacity(1 << 20, counted))
                    .map_err(|e| FileError::new(path, e))?;
                return Ok(TableBatches {
                    path: path.display().to_string(),
                    schema,
                    decoder: Some(Decoder::Csv(Box::new(reader))),
                    progress,
                    produced: false,
                });
            }
            Format::Parquet => {
                let (schema, reader, rows) = parquet_reader(path, file, batch_rows)?;
                (schema, Decoder::Parquet(reader), Some(rows))
            }
        };
        Ok(TableBatches {
            path: path.display().to_string(),
            schema,
            decoder: Some(decoder),
            progress: Arc::new(ReadProgress {
                total_bytes,
                total_rows,
                ..ReadProgress::default()
            }),
            produced: false,
        })
    }

    /// The columns of every batch.
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// How far the read has come (shared: it keeps counting on a read-ahead thread).
    pub fn progress(&self) -> Arc<ReadProgress> {
        Arc::clone(&self.progress)
    }

    /// The batches read ahead on a thread of their own, `depth` batches at most waiting, so
    /// that decoding the next batch overlaps the caller's work on this one. Memory stays
    /// bounded: at most `depth` + 1 decoded batches beyond the caller's.
    pub fn read_ahead(self, depth: usize) -> ReadAhead {
        let (send, receive) = sync_channel(depth);
        let progress = self.progress();
        let schema = self.schema();
        let self_path = self.path.clone();
        let reader = std::thread::spawn(move || {
            for batch in self {
                let failed = batch.is_err();
                if send.send(batch).is_err() || failed {
                    break;
                }
            }
        });
        ReadAhead {
            receive,
            progress,
            schema,
            reader: Some(reader),
            path: self_path,
        }
    }

    fn decode(&mut self) -> Option<Result<RecordBatch, FileError>> {
        let path = Path::new(&self.path);
        let next = match self.decoder.as_mut()? {
            Decoder::Csv(reader) => reader.next(),
            Decoder::Parquet(reader) => {
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.next())) {
                    Ok(next) => next,
                    Err(panic) => {
                        self.decoder = None;
                        return Some(Err(reader_panic(
                            path,
                            "damaged Parquet data, the reader gave up",
                            &panic,
                        )));
                    }
                }
            }
        };
        match next {
            Some(Ok(batch)) => Some(Ok(batch)),
            Some(Err(e)) => {
                self.decoder = None;
                Some(Err(FileError::new(path, e)))
            }
            None => {
                self.decoder = None;
                if self.progress.total_rows.is_some() {
                    self.progress
                        .bytes
                        .store(self.progress.total_bytes, Ordering::Relaxed);
                }
                None
            }
        }
    }
}

impl Iterator for TableBatches {
    type Item = Result<RecordBatch, FileError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.decode() {
            Some(Ok(batch)) => {
                self.produced = true;
                self.progress
                    .rows
                    .fetch_add(batch.num_rows() as u64, Ordering::Relaxed);
                Some(Ok(batch))
            }
            Some(Err(e)) => {
                self.produced = true;
                Some(Err(e))
            }
            None if !self.produced => {
                self.produced = true;
                Some(Ok(RecordBatch::new_empty(self.schema.clone())))
            }
            None => None,
        }
    }
}

/// The batches of a [`TableBatches`] decoded on a thread of their own
/// ([`TableBatches::read_ahead`]).
pub struct ReadAhead {
    receive: Receiver<Result<RecordBatch, FileError>>,
    progress: Arc<ReadProgress>,
    schema: SchemaRef,
    reader: Option<std::thread::JoinHandle<()>>,
    path: String,
}

impl ReadAhead {
    /// The columns of every batch.
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// How far the read has come.
    pub fn progress(&self) -> Arc<ReadProgress> {
        Arc::clone(&self.progress)
    }
}

impl Iterator for ReadAhead {
    type Item = Result<RecordBatch, FileError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Ok(batch) = self.receive.recv() {
            return Some(batch);
        }
        // The reader thread is done: it ended at the end of the file or after an error it
        // sent, unless it panicked, which must not pass for the end of the file.
        let reader = self.reader.take()?;
        reader
            .join()
            .err()
            .map(|panic| Err(reader_panic(Path::new(&self.path), "the reader gave up", &panic)))
    }
}
