//! CSV and Parquet files in and out as RecordBatches. Outputs are written to a temporary file
//! beside the target and renamed over it, so a reader never sees a half-written file and a
//! failed run leaves the previous output in place.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{DataType, Field, Schema};

/// A file that could not be read or written, naming it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct FileError {
    /// The file.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

impl FileError {
    fn new(path: &Path, message: impl std::fmt::Display) -> Self {
        FileError {
            path: path.display().to_string(),
            message: message.to_string(),
        }
    }
}

/// The formats files are read and written in, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated text with a header line (every cell read as text).
    Csv,
    /// Apache Parquet.
    Parquet,
}

impl Format {
    /// `.parquet` / `.pq` is Parquet; anything else CSV.
    pub fn of(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("parquet" | "pq") => Format::Parquet,
            _ => Format::Csv,
        }
    }
}

/// Rows per batch when reading.
const BATCH_ROWS: usize = 64 * 1024;

/// [`locate`] for an error of a batch whose first row is row `first_row` of the table.
///
/// ```
/// let e = cs_core::Error::missing("score").at(3);
/// assert_eq!(cs_arrow::files::locate_in_batch("a.csv", true, 100, e), "a.csv line 105, score is missing");
/// ```
pub fn locate_in_batch(source: &str, csv: bool, first_row: usize, e: cs_core::Error) -> String {
    locate(source, csv, e.shifted(first_row))
}

/// A core error placed in the table it came from: "SOURCE line N, message" for row N - 2 of a
/// CSV file with a header line (`csv`), "SOURCE row N, message" for other tables, and
/// "SOURCE: message" for an error without a row.
///
/// ```
/// let e = cs_core::Error::missing("score").at(3);
/// assert_eq!(cs_arrow::files::locate("survey.csv", true, e.clone()), "survey.csv line 5, score is missing");
/// assert_eq!(cs_arrow::files::locate("survey.parquet", false, e), "survey.parquet row 4, score is missing");
/// ```
pub fn locate(source: &str, csv: bool, e: cs_core::Error) -> String {
    let (e, position) = e.split_position();
    match position {
        Some(p) if csv => format!("{source} line {}, {e}", p + 2),
        Some(p) => format!("{source} row {}, {e}", p + 1),
        None => format!("{source}: {e}"),
    }
}

/// Reads a CSV or Parquet file (by extension) into one RecordBatch. CSV cells are all read as
/// text, so the cell grammar ([`crate::cells`]) decides what each means.
pub fn read_table(path: &Path) -> Result<RecordBatch, FileError> {
    match Format::of(path) {
        Format::Csv => read_csv(path),
        Format::Parquet => read_parquet(path),
    }
}

fn concat(path: &Path, schema: &Arc<Schema>, batches: &[RecordBatch]) -> Result<RecordBatch, FileError> {
    arrow_select::concat::concat_batches(schema, batches).map_err(|e| FileError::new(path, e))
}

/// Reads a CSV file with a header line; every column is text. Large files are parsed in
/// parallel parts cut at record boundaries (see `files/csv_parts.rs`); the result is the same
/// batch as one reader's.
pub fn read_csv(path: &Path) -> Result<RecordBatch, FileError> {
    let text = std::fs::read(path).map_err(|e| FileError::new(path, e))?;
    csv_text(&text, PARALLEL_BYTES).map_err(|m| FileError::new(path, m))
}

/// Reads CSV text with a header line; every column is text.
pub fn read_csv_bytes(text: &[u8]) -> Result<RecordBatch, String> {
    csv_text(text, PARALLEL_BYTES)
}

/// Bytes of CSV text per thread below which one reader parses the whole text.
const PARALLEL_BYTES: usize = 4 << 20;

mod csv_parts;

/// CSV text in parallel parts of at least `min_part` bytes when it is that large and its
/// quotes allow cutting it; otherwise (and on any error, so that the error names its line as
/// one reader counts them) in one piece.
fn csv_text(text: &[u8], min_part: usize) -> Result<RecordBatch, String> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let parts = threads.min(text.len() / min_part.max(1));
    if parts > 1
        && let Some(cuts) = csv_parts::cuts(text, parts)
        && let Some(batch) = csv_in_parts(text, &cuts)
    {
        return Ok(batch);
    }
    csv_from(std::io::Cursor::new(text))
}

/// Parses the parts `text[cuts[k]..cuts[k + 1]]` in parallel (the header in the first) and
/// concatenates them in order; `None` on any error.
fn csv_in_parts(text: &[u8], cuts: &[usize]) -> Option<RecordBatch> {
    let schema = csv_schema(&mut std::io::Cursor::new(text)).ok()?;
    let parsed: Vec<Option<Vec<RecordBatch>>> = std::thread::scope(|s| {
        let jobs: Vec<_> = cuts
            .windows(2)
            .enumerate()
            .map(|(k, w)| {
                let (part, schema) = (&text[w[0]..w[1]], schema.clone());
                s.spawn(move || {
                    let reader = arrow_csv::ReaderBuilder::new(schema)
                        .with_header(k == 0)
                        .with_batch_size(BATCH_ROWS)
                        .build_buffered(std::io::Cursor::new(part))
                        .ok()?;
                    reader.collect::<Result<Vec<_>, _>>().ok()
                })
            })
            .collect();
        jobs.into_iter().map(|j| j.join().ok().flatten()).collect()
    });
    let batches: Vec<RecordBatch> = parsed.into_iter().collect::<Option<Vec<_>>>()?.concat();
    arrow_select::concat::concat_batches(&schema, &batches).ok()
}

/// The header's column names (trimmed), every column text.
fn csv_schema<R: std::io::BufRead + std::io::Seek>(reader: &mut R) -> Result<Arc<Schema>, String> {
    let (inferred, _) = arrow_csv::reader::Format::default()
        .with_header(true)
        .infer_schema(reader, Some(0))
        .map_err(|e| e.to_string())?;
    Ok(Arc::new(Schema::new(
        inferred
            .fields()
            .iter()
            .map(|f| Field::new(f.name().trim(), DataType::Utf8, true))
            .collect::<Vec<_>>(),
    )))
}

fn csv_from<R: std::io::BufRead + std::io::Seek>(mut reader: R) -> Result<RecordBatch, String> {
    let schema = csv_schema(&mut reader)?;
    reader.rewind().map_err(|e| e.to_string())?;
    let csv = arrow_csv::ReaderBuilder::new(schema.clone())
        .with_header(true)
        .with_batch_size(BATCH_ROWS)
        .build_buffered(reader)
        .map_err(|e| e.to_string())?;
    let batches = csv.collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())?;
    arrow_select::concat::concat_batches(&schema, &batches).map_err(|e| e.to_string())
}

mod arrow_hint;

/// Reads a Parquet file. The Arrow schema a writer embeds is checked before it is decoded: a
/// damaged one is an error naming the field (see `files/arrow_hint.rs`), not a panic; a
/// damaged data page the parquet crate panics on is an error naming the file.
pub fn read_parquet(path: &Path) -> Result<RecordBatch, FileError> {
    let file = File::open(path).map_err(|e| FileError::new(path, e))?;
    let (schema, reader, _) = parquet_reader(path, file, BATCH_ROWS)?;
    // The parquet crate asserts on some damaged data pages (an RLE bit width wider than the
    // values, `BitReader::get_batch`, parquet 59.3) instead of returning an error. The reader
    // and everything it touched are dropped with the panic, so it is caught and reported as
    // an error naming the file.
    let batches = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        reader.collect::<Result<Vec<_>, _>>()
    }))
    .map_err(|panic| reader_panic(path, "damaged Parquet data, the reader gave up", &panic))?
    .map_err(|e| FileError::new(path, e))?;
    concat(path, &schema, &batches)
}

/// A reader of the Parquet file `file` (at `path`) in batches of `batch_rows` rows, its Arrow
/// schema and its row count, after checking the Arrow schema a writer embedded.
fn parquet_reader(
    path: &Path,
    file: File,
    batch_rows: usize,
) -> Result<
    (
        Arc<Schema>,
        parquet::arrow::arrow_reader::ParquetRecordBatchReader,
        u64,
    ),
    FileError,
> {
    let metadata = parquet::file::metadata::ParquetMetaDataReader::new()
        .parse_and_finish(&file)
        .map_err(|e| FileError::new(path, e))?;
    let hint = metadata.file_metadata().key_value_metadata().and_then(|kv| {
        kv.iter()
            .find(|kv| kv.key == arrow_hint::KEY)
            .and_then(|kv| kv.value.as_deref())
    });
    if let Some(hint) = hint {
        arrow_hint::check(hint)
            .map_err(|m| FileError::new(path, format!("metadata {}: {m}", arrow_hint::KEY)))?;
    }
    let rows = u64::try_from(metadata.file_metadata().num_rows()).unwrap_or(0);
    let builder = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| FileError::new(path, e))?
        .with_batch_size(batch_rows);
    let schema = builder.schema().clone();
    let reader = builder.build().map_err(|e| FileError::new(path, e))?;
    Ok((schema, reader, rows))
}

/// A reader's panic as an error naming the file: `what`, then the panic's message.
fn reader_panic(path: &Path, what: &str, panic: &Box<dyn std::any::Any + Send>) -> FileError {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    FileError::new(path, format!("{what}: {detail}"))
}

mod atomic_file;
mod batches;
mod table_writer;

pub use atomic_file::AtomicFile;
pub use batches::{ReadAhead, ReadProgress, TableBatches};
pub use table_writer::TableWriter;

/// Writes `batch` to `path` as CSV or Parquet (by extension), through a temporary file renamed
/// over the target.
pub fn write_table(path: &Path, batch: &RecordBatch) -> Result<(), FileError> {
    write_atomically(path, |file| match Format::of(path) {
        Format::Csv => write_csv(file, batch),
        Format::Parquet => {
            let props = parquet::file::properties::WriterProperties::builder()
                .set_compression(parquet::basic::Compression::SNAPPY)
                .build();
            let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), Some(props))
                .map_err(|e| e.to_string())?;
            w.write(batch).map_err(|e| e.to_string())?;
            w.close().map(|_| ()).map_err(|e| e.to_string())
        }
    })
}

/// Rows formatted by one thread at a time when writing CSV (a few MB of text each).
const WRITE_ROWS: usize = 32 * 1024;

/// Writes `batch` as CSV with a header line: slices of [`WRITE_ROWS`] rows are formatted to
/// text in parallel, one per thread, and written in row order, so the bytes are those of one
/// writer over the whole batch and at most one slice per thread is held as text.
fn write_csv(out: &mut impl Write, batch: &RecordBatch) -> Result<(), String> {
    write_csv_rows(out, batch, true)
}

/// [`write_csv`] with the header line only when `header` (a batch after the first of a table).
fn write_csv_rows(out: &mut impl Write, batch: &RecordBatch, header: bool) -> Result<(), String> {
    let format = |from: usize, header: bool| -> Result<Vec<u8>, String> {
        let rows = WRITE_ROWS.min(batch.num_rows() - from);
        let mut text = Vec::new();
        let mut w = arrow_csv::WriterBuilder::new()
            .with_header(header)
            .build(&mut text);
        w.write(&batch.slice(from, rows)).map_err(|e| e.to_string())?;
        drop(w);
        Ok(text)
    };
    if batch.num_rows() == 0 {
        if !header {
            return Ok(());
        }
        let mut w = arrow_csv::WriterBuilder::new().with_header(true).build(out);
        return w.write(batch).map_err(|e| e.to_string());
    }
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let starts: Vec<usize> = (0..batch.num_rows()).step_by(WRITE_ROWS).collect();
    for round in starts.chunks(threads) {
        let texts: Vec<Result<Vec<u8>, String>> = std::thread::scope(|s| {
            let jobs: Vec<_> = round
                .iter()
                .map(|&from| s.spawn(move || format(from, header && from == 0)))
                .collect();
            jobs.into_iter()
                .map(|j| {
                    j.join()
                        .unwrap_or_else(|_| Err("the CSV writer panicked".to_owned()))
                })
                .collect()
        });
        for text in texts {
            out.write_all(&text?).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Reads a document file (TOML or JSON text) of at most
/// [`cs_core::document::MAX_DOCUMENT_BYTES`]: a larger file is refused from its size, before
/// anything is read, with the error naming the file and the size.
pub fn read_document(path: &Path) -> Result<String, FileError> {
    use std::io::Read as _;
    let limit = cs_core::document::MAX_DOCUMENT_BYTES;
    let file = File::open(path).map_err(|e| FileError::new(path, e))?;
    let size = file.metadata().map_err(|e| FileError::new(path, e))?.len();
    let too_large = |bytes: usize| {
        cs_core::document::check_document_size("the", bytes).map_err(|e| FileError::new(path, e))
    };
    too_large(usize::try_from(size).unwrap_or(usize::MAX))?;
    // A file that grows, or a device reporting no size, still stops one byte past the limit.
    let mut text = String::new();
    file.take(limit as u64 + 1)
        .read_to_string(&mut text)
        .map_err(|e| FileError::new(path, e))?;
    too_large(text.len())?;
    Ok(text)
}

/// Whether a document file is JSON: a `.json` file is, a `.toml` file is not, and any other
/// name is JSON when its text starts (after white space) with `{`. TOML text never does.
pub fn document_is_json(path: &Path, text: &str) -> bool {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("json") => true,
        Some("toml") => false,
        _ => text.trim_start().starts_with('{'),
    }
}

/// Reads, parses and validates a document file ([`read_document`], then TOML or JSON by
/// [`document_is_json`]); every error names the file.
///
/// ```
/// use cs_core::document::Document as _;
/// use cs_core::health::Scorecard;
/// # let dir = std::env::temp_dir().join(format!("cs-arrow-doc-as-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("card.json");
/// std::fs::write(&path, Scorecard::default_card().to_json().unwrap()).unwrap();
/// let card: Scorecard = cs_arrow::files::read_document_as(&path).unwrap();
/// assert_eq!(card, Scorecard::default_card());
/// std::fs::write(&path, "{\"schema_version\": 1, \"colour\": 1}").unwrap();
/// let e = cs_arrow::files::read_document_as::<Scorecard>(&path).unwrap_err();
/// assert!(e.to_string().starts_with(&path.display().to_string()));
/// ```
pub fn read_document_as<T: cs_core::document::Document>(path: &Path) -> Result<T, FileError> {
    let text = read_document(path)?;
    let parsed = if document_is_json(path, &text) {
        T::from_json(&text)
    } else {
        T::from_toml(&text)
    };
    parsed.map_err(|e| FileError::new(path, e))
}

/// Refuses an output file that is one of the inputs, before anything is read or written: the
/// same file by another name too (a symbolic or hard link, `./a.csv` for `a.csv`), compared by
/// device and inode on Unix and by canonical path elsewhere. Inputs that do not exist (a
/// built-in name given where a file may be) and an output that does not exist yet never match.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("cs-arrow-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let input = dir.join("accounts.csv");
/// std::fs::write(&input, "a\n1\n").unwrap();
/// let e = cs_arrow::files::refuse_input_as_output(&input, &[input.as_path()]).unwrap_err();
/// assert!(e.message.starts_with("is also an input"));
/// assert!(cs_arrow::files::refuse_input_as_output(&dir.join("out.csv"), &[input.as_path()]).is_ok());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn refuse_input_as_output<P: AsRef<Path>>(output: &Path, inputs: &[P]) -> Result<(), FileError> {
    let Ok(out) = std::fs::metadata(output) else {
        return Ok(());
    };
    for input in inputs {
        let input = input.as_ref();
        if std::fs::metadata(input).is_ok_and(|m| same_file(output, &out, input, &m)) {
            return Err(FileError::new(
                output,
                format!(
                    "is also an input ({}): write the output to another file (nothing was written)",
                    input.display()
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn same_file(_: &Path, a: &std::fs::Metadata, _: &Path, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &Path, _: &std::fs::Metadata, b: &Path, _: &std::fs::Metadata) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// Runs `write` on a temporary file beside `path`, then renames it over `path`. On failure the
/// temporary file is removed and `path` is untouched.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<(), String>,
) -> Result<(), FileError> {
    let tmp = temporary_path(path);
    let result = (|| {
        let file = File::create(&tmp).map_err(|e| e.to_string())?;
        let mut out = BufWriter::new(file);
        write(&mut out)?;
        out.flush().map_err(|e| e.to_string())?;
        let file = out.into_inner().map_err(|e| e.to_string())?;
        file.sync_all().map_err(|e| e.to_string())?;
        std::fs::rename(&tmp, path).map_err(|e| e.to_string())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|m| FileError::new(path, m))
}

fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed setup fails the test
mod tests {
    use super::*;
    use arrow_array::{ArrayRef, Float64Array, StringArray};
    use std::fmt::Write as _;

    #[test]
    fn parallel_csv_reading_gives_the_batch_of_one_reader() {
        let mut text = String::from("id , note,n\n");
        for i in 0..5000 {
            let _ = match i % 4 {
                0 => write!(text, "{i},\"multi\nline, \"\"quoted\"\"\",{i}\n"),
                1 => write!(text, "{i},,\r\n"),
                2 => writeln!(text, "{i},\"\",x"),
                _ => writeln!(text, "{i},plain,{}", i * 3),
            };
        }
        let one = csv_from(std::io::Cursor::new(text.as_bytes())).unwrap();
        assert_eq!(one.num_rows(), 5000);
        assert_eq!(one.schema().field(0).name(), "id");
        for min_part in [1, 100, 10_000, 1 << 30] {
            assert_eq!(
                csv_text(text.as_bytes(), min_part).unwrap(),
                one,
                "min_part {min_part}"
            );
        }
        // A bad row: the error is one reader's, naming the line, whichever part holds it.
        let bad = text.replace("4001,,", "4001,,,");
        let expected = csv_from(std::io::Cursor::new(bad.as_bytes())).unwrap_err();
        assert_eq!(csv_text(bad.as_bytes(), 1).unwrap_err(), expected);
        // A quote inside an unquoted field: not cut, read as one reader does.
        let stray = text.replace("4003,plain", "4003,pl\"ain");
        let expected = csv_from(std::io::Cursor::new(stray.as_bytes()));
        assert_eq!(csv_text(stray.as_bytes(), 1), expected);
    }

    #[test]
    fn parallel_csv_writing_gives_the_bytes_of_one_writer() {
        let n = 3 * WRITE_ROWS + 17;
        let text: StringArray = (0..n)
            .map(|i| (i % 5 != 0).then(|| format!("a \"quoted\", {i}\nline")))
            .collect();
        let number: Float64Array = (0..n).map(|i| (i % 3 != 0).then_some(i as f64 / 7.0)).collect();
        let batch = RecordBatch::try_from_iter([
            ("text", Arc::new(text) as ArrayRef),
            ("number", Arc::new(number) as ArrayRef),
        ])
        .unwrap();
        for rows in [0, 1, WRITE_ROWS, n] {
            let part = batch.slice(0, rows);
            let mut expected = Vec::new();
            arrow_csv::WriterBuilder::new()
                .with_header(true)
                .build(&mut expected)
                .write(&part)
                .unwrap();
            let mut got = Vec::new();
            write_csv(&mut got, &part).unwrap();
            assert_eq!(got, expected, "{rows} rows");
        }
    }
}
