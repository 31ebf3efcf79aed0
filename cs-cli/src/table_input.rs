//! Tables in: CSV or Parquet files read into Arrow through cs-arrow, and core errors placed at
//! their file line.

use std::path::Path;

use arrow_array::RecordBatch;
use cs_arrow::AccountBatch;
use cs_core::pipeline::Pipeline;

/// A table read from a file (or generated), with what to call it in messages.
pub(crate) struct Loaded {
    /// The path, or a description of a generated table.
    pub(crate) source: String,
    /// The rows.
    pub(crate) batch: RecordBatch,
    /// Whether row `i` is on line `i + 2` (a CSV file with a header line).
    pub(crate) csv: bool,
}

impl Loaded {
    /// Reads a CSV or Parquet file (by extension).
    pub(crate) fn read(path: &str) -> Result<Loaded, String> {
        let batch = cs_arrow::files::read_table(Path::new(path)).map_err(|e| e.to_string())?;
        Ok(Loaded {
            source: path.to_owned(),
            csv: cs_arrow::files::Format::of(Path::new(path)) == cs_arrow::files::Format::Csv,
            batch,
        })
    }

    /// A table from CSV text in memory.
    pub(crate) fn csv_text(source: &str, text: &[u8]) -> Result<Loaded, String> {
        let batch = cs_arrow::files::read_csv_bytes(text).map_err(|e| format!("{source}: {e}"))?;
        Ok(Loaded {
            source: source.to_owned(),
            csv: true,
            batch,
        })
    }

    /// Number of rows.
    pub(crate) fn len(&self) -> usize {
        self.batch.num_rows()
    }

    /// A core error placed in the file: "FILE line N, <message>" for a row of a CSV file,
    /// "FILE row N, ..." for other files, "FILE: <message>" otherwise.
    pub(crate) fn locate(&self, e: cs_core::Error) -> String {
        cs_arrow::files::locate(&self.source, self.csv, e)
    }

    /// The accounts of the table as `pipeline` reads them.
    pub(crate) fn accounts(&self, pipeline: &Pipeline) -> Result<AccountBatch, String> {
        AccountBatch::new(&self.batch, pipeline, "account_id").map_err(|e| self.locate(e))
    }
}

impl Loaded {
    /// Column `name` converted to `kind` by the one cell grammar, as the core's cells.
    fn held(&self, name: &str, kind: cs_core::pipeline::Kind) -> Result<cs_arrow::Held, String> {
        let array = cs_arrow::column(&self.batch, name).map_err(|e| format!("{}: {e}", self.source))?;
        cs_arrow::convert(array, name, kind).map_err(|e| self.locate(e))
    }

    /// The dates of column `name` (`None` for missing cells).
    pub(crate) fn dates(&self, name: &str) -> Result<Vec<Option<chrono::NaiveDate>>, String> {
        use cs_core::portfolio::DateLike as _;
        match self.held(name, cs_core::pipeline::Kind::Date)?.cells(name) {
            Ok(cs_core::pipeline::Cells::Date(c)) => {
                Ok((0..c.len()).map(|i| c.get(i).and_then(i32::to_date)).collect())
            }
            Ok(_) => Err(format!("{}: column {name} is not dates", self.source)),
            Err(e) => Err(self.locate(e)),
        }
    }

    /// The whole numbers of column `name` (`None` for missing cells).
    pub(crate) fn integers(&self, name: &str) -> Result<Vec<Option<i64>>, String> {
        match self.held(name, cs_core::pipeline::Kind::Integer)?.cells(name) {
            Ok(cs_core::pipeline::Cells::Integer(c)) => Ok((0..c.len()).map(|i| c.get(i)).collect()),
            Ok(_) => Err(format!("{}: column {name} is not whole numbers", self.source)),
            Err(e) => Err(self.locate(e)),
        }
    }

    /// Whether the table has a column `name`.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.batch.column_by_name(name).is_some()
    }

    /// The column names, in file order.
    pub(crate) fn headers(&self) -> Vec<String> {
        self.batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// An error about row `row` (0-based), placed at its line.
    pub(crate) fn error_at(&self, row: usize, message: impl std::fmt::Display) -> String {
        if self.csv {
            format!("{} line {}, {message}", self.source, row + 2)
        } else {
            format!("{} row {}, {message}", self.source, row + 1)
        }
    }

    /// The text cells of column `name` (trimmed; `None` for blank cells), or an error naming
    /// the columns there are.
    pub(crate) fn texts(&self, name: &str) -> Result<Vec<Option<String>>, String> {
        let array = cs_arrow::column(&self.batch, name).map_err(|e| format!("{}: {e}", self.source))?;
        cs_arrow::cells::texts(array, name).map_err(|e| self.locate(e))
    }
}

/// Named columns of a [`Loaded`] table converted by kind through the one cell grammar.
pub(crate) struct Converted {
    columns: Vec<(String, cs_arrow::Held)>,
    len: usize,
}

impl Loaded {
    /// The column names of the file, for messages.
    fn names(&self) -> String {
        self.batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Converts the columns `wanted` (name, kind) that the file has; a column of `required`
    /// the file lacks is an error naming the columns there are. Bad cells are placed at their
    /// line ("FILE line N, column C ...").
    pub(crate) fn convert(
        &self,
        wanted: &[(&str, cs_core::pipeline::Kind)],
        required: &[&str],
    ) -> Result<Converted, String> {
        let mut columns = Vec::new();
        for &(name, kind) in wanted {
            match self.batch.column_by_name(name) {
                Some(array) => {
                    let held = cs_arrow::convert(array, name, kind).map_err(|e| self.locate(e))?;
                    columns.push((name.to_owned(), held));
                }
                None if required.contains(&name) => {
                    return Err(format!(
                        "{}: no column {name:?} (columns: {})",
                        self.source,
                        self.names()
                    ));
                }
                None => {}
            }
        }
        Ok(Converted {
            columns,
            len: self.len(),
        })
    }
}

impl Converted {
    /// The converted columns as a core account table (without ids).
    pub(crate) fn table(&self) -> Result<cs_core::pipeline::AccountTable<'_>, cs_core::Error> {
        let mut table = cs_core::pipeline::AccountTable::without_ids(self.len);
        for (name, held) in &self.columns {
            table.push(name, held.cells(name)?)?;
        }
        Ok(table)
    }
}

impl Converted {
    /// A number column converted with `Kind::Number`, if the file has it.
    pub(crate) fn number(
        &self,
        name: &str,
    ) -> Result<Option<cs_core::portfolio::Column<'_, f64>>, cs_core::Error> {
        for (n, held) in &self.columns {
            if n == name {
                return match held.cells(n)? {
                    cs_core::pipeline::Cells::Number(c) => Ok(Some(c)),
                    other => Err(cs_core::Error::invalid(
                        format!("column {name}"),
                        format!("of kind {}", other.kind().as_str()),
                        "expected number",
                    )),
                };
            }
        }
        Ok(None)
    }
}
