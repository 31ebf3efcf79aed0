//! CSV input with line numbers, for `cs compliance` only (its contract and delivery checks
//! move into the core and its tables behind cs-arrow next); every other command reads tables
//! through `table_input` (cs-arrow).

use std::fmt::Display;

/// A CSV file read fully into memory (files here are surveys and portfolios, not logs).
pub(crate) struct CsvTable {
    /// What to call the input in messages (the path, or "the bundled sample").
    pub(crate) source: String,
    headers: Vec<String>,
    rows: Vec<csv::StringRecord>,
    lines: Vec<u64>,
}

impl CsvTable {
    /// Reads a file, or the bundled text when `path` is None.
    pub(crate) fn read(path: Option<&str>, bundled: (&str, &str)) -> Result<CsvTable, String> {
        let (source, text) = match path {
            Some(p) => (
                p.to_owned(),
                std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}"))?,
            ),
            None => (bundled.0.to_owned(), bundled.1.to_owned()),
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| format!("{source}: {e}"))?
            .iter()
            .map(str::to_owned)
            .collect();
        let mut rows = Vec::new();
        let mut lines = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, csv::Position::line);
                format!("{source} line {line}: {e}")
            })?;
            lines.push(record.position().map_or(0, csv::Position::line));
            rows.push(record);
        }
        Ok(CsvTable {
            source,
            headers,
            rows,
            lines,
        })
    }

    /// Number of data rows.
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// Index of a column, or an error listing the columns there are.
    pub(crate) fn column(&self, name: &str) -> Result<usize, String> {
        self.headers.iter().position(|h| h == name).ok_or_else(|| {
            format!(
                "{}: no column {name:?} (columns: {})",
                self.source,
                self.headers.join(", ")
            )
        })
    }

    /// The cell of row `row` in column `col` ("" when the row is short).
    pub(crate) fn cell(&self, row: usize, col: usize) -> &str {
        self.rows[row].get(col).unwrap_or("")
    }

    /// Parses every cell of a column with `parse`; the first failure names its line.
    pub(crate) fn parse_column<T, E: Display>(
        &self,
        name: &str,
        mut parse: impl FnMut(&str) -> Result<T, E>,
    ) -> Result<Vec<T>, String> {
        let col = self.column(name)?;
        (0..self.len())
            .map(|r| parse(self.cell(r, col)).map_err(|e| self.error_at(r, name, e)))
            .collect()
    }

    /// An error message for row `row`, column `name`.
    pub(crate) fn error_at(&self, row: usize, name: &str, e: impl Display) -> String {
        format!("{} line {}, column {name}: {e}", self.source, self.lines[row])
    }
}
