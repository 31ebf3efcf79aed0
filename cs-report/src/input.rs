//! What the review reads: the tables of the sample company's layout (docs/sample-company.md),
//! from files (Parquet or CSV) or generated in memory, filtered to the as-of date.

use std::path::Path;

use arrow_array::{ArrayRef, RecordBatch};
use chrono::NaiveDate;
use cs_arrow::files::Format;
use cs_core::pipeline::{Cells, Kind};
use cs_core::portfolio::DateLike as _;
use cs_core::sample::{SampleCompany, SampleOptions};

use crate::ReportError;

/// Today's date (UTC) from the system clock: the as-of date of a review of files when none is
/// given.
pub fn today() -> NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(days)))
        .unwrap_or_default()
}

/// The tables the review reads, by file stem.
pub const TABLES: [&str; 10] = [
    "accounts",
    "contracts",
    "health_history",
    "survey",
    "delivered",
    "onboarding",
    "churned",
    "arr_start",
    "portfolio",
    "cohorts",
];

/// One input table and where it came from, so an error can name the file and line.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file stem (`survey`).
    pub name: &'static str,
    /// The path read, or a description of the generated table.
    pub source: String,
    /// Whether row `i` is on line `i + 2` (a CSV file with a header line).
    pub csv: bool,
    /// The rows (already filtered to the as-of date when the table is dated).
    pub batch: RecordBatch,
}

impl Table {
    /// A core error placed in the file: "FILE line N, message" for a row of a CSV file,
    /// "FILE row N, ..." for other rows, "FILE: message" otherwise.
    pub fn locate(&self, e: cs_core::Error) -> ReportError {
        ReportError(cs_arrow::files::locate(&self.source, self.csv, e))
    }

    fn array(&self, name: &str) -> Result<&ArrayRef, ReportError> {
        cs_arrow::column(&self.batch, name).map_err(|e| ReportError(format!("{}: {e}", self.source)))
    }

    /// Whether the table has column `name`.
    pub fn has(&self, name: &str) -> bool {
        self.batch.column_by_name(name).is_some()
    }

    /// Text cells of column `name` (blank = `None`).
    pub fn texts(&self, name: &str) -> Result<Vec<Option<String>>, ReportError> {
        cs_arrow::cells::texts(self.array(name)?, name).map_err(|e| self.locate(e))
    }

    /// Text cells of column `name`, blank as "".
    pub fn labels(&self, name: &str) -> Result<Vec<String>, ReportError> {
        Ok(self
            .texts(name)?
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect())
    }

    fn held(&self, name: &str, kind: Kind) -> Result<cs_arrow::Held, ReportError> {
        cs_arrow::convert(self.array(name)?, name, kind).map_err(|e| self.locate(e))
    }

    /// Numbers of column `name` (`None` = missing), by the one cell grammar.
    pub fn numbers(&self, name: &str) -> Result<Vec<Option<f64>>, ReportError> {
        match self
            .held(name, Kind::Number)?
            .cells(name)
            .map_err(|e| self.locate(e))?
        {
            Cells::Number(c) => Ok((0..c.len()).map(|i| c.get(i)).collect()),
            _ => Err(ReportError(format!(
                "{}: column {name} is not numbers",
                self.source
            ))),
        }
    }

    /// Whole numbers of column `name`.
    pub fn integers(&self, name: &str) -> Result<Vec<Option<i64>>, ReportError> {
        match self
            .held(name, Kind::Integer)?
            .cells(name)
            .map_err(|e| self.locate(e))?
        {
            Cells::Integer(c) => Ok((0..c.len()).map(|i| c.get(i)).collect()),
            _ => Err(ReportError(format!(
                "{}: column {name} is not whole numbers",
                self.source
            ))),
        }
    }

    /// Flags of column `name`.
    pub fn flags(&self, name: &str) -> Result<Vec<Option<bool>>, ReportError> {
        match self
            .held(name, Kind::Flag)?
            .cells(name)
            .map_err(|e| self.locate(e))?
        {
            Cells::Flag(c) => Ok((0..c.len()).map(|i| c.get(i)).collect()),
            _ => Err(ReportError(format!(
                "{}: column {name} is not flags",
                self.source
            ))),
        }
    }

    /// Dates of column `name`.
    pub fn dates(&self, name: &str) -> Result<Vec<Option<NaiveDate>>, ReportError> {
        match self
            .held(name, Kind::Date)?
            .cells(name)
            .map_err(|e| self.locate(e))?
        {
            Cells::Date(c) => Ok((0..c.len()).map(|i| c.get(i).and_then(i32::to_date)).collect()),
            _ => Err(ReportError(format!(
                "{}: column {name} is not dates",
                self.source
            ))),
        }
    }

    /// Values of a column with no missing cell: a missing one is an error at its line.
    pub fn required<T>(&self, name: &str, cells: Vec<Option<T>>) -> Result<Vec<T>, ReportError> {
        cells
            .into_iter()
            .enumerate()
            .map(|(i, v)| v.ok_or_else(|| self.locate(cs_core::Error::missing(name.to_owned()).at(i))))
            .collect()
    }
}

/// The input tables of one review, each filtered to the as-of date
/// ([`cs_arrow::as_of::table_as_of`]).
#[derive(Debug, Clone)]
pub struct ReviewInput {
    /// What the tables are (a folder, "the Omnico sample").
    pub source: String,
    /// The date the review is made on.
    pub as_of: NaiveDate,
    /// The tables, in [`TABLES`] order.
    pub tables: Vec<Table>,
}

impl ReviewInput {
    /// Omnico's book (`cs sample` with its defaults), generated in memory, as of its date
    /// 2026-06-30: the same tables as examples/data/omnico.
    pub fn sample() -> Result<ReviewInput, ReportError> {
        let options = SampleOptions::default();
        let company = SampleCompany::generate(options).map_err(|e| ReportError(e.to_string()))?;
        let batches = cs_arrow::sample::sample_batches(&company).map_err(|e| ReportError(e.to_string()))?;
        let mut tables = Vec::new();
        for name in TABLES {
            let batch = batches
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, b)| b.clone())
                .ok_or_else(|| ReportError(format!("the sample company has no table {name}")))?;
            tables.push(Table {
                name,
                source: format!("the Omnico sample ({name})"),
                csv: false,
                batch,
            });
        }
        ReviewInput::new(
            "the Omnico sample (seed 13, 2,000 accounts)".into(),
            options.as_of,
            tables,
        )
    }

    /// The review's input by the one rule of every front end (`cs report`, `cs_core.report`):
    /// without `data`, the Omnico sample in memory, as of `as_of` or the sample's 2026-06-30;
    /// with `data`, the files of that folder as of `as_of` or today (never the sample's date).
    pub fn open(data: Option<&Path>, as_of: Option<NaiveDate>) -> Result<ReviewInput, ReportError> {
        match (data, as_of) {
            (Some(dir), as_of) => ReviewInput::read_dir(dir, as_of.unwrap_or_else(today)),
            (None, None) => ReviewInput::sample(),
            (None, Some(d)) => {
                let s = ReviewInput::sample()?;
                ReviewInput::new(s.source, d, s.tables)
            }
        }
    }

    /// The tables of folder `dir`: `NAME.parquet`, else `NAME.csv`, for each of [`TABLES`].
    /// A missing file or a malformed one is an error naming the file.
    pub fn read_dir(dir: &Path, as_of: NaiveDate) -> Result<ReviewInput, ReportError> {
        let mut tables = Vec::new();
        for name in TABLES {
            let parquet = dir.join(format!("{name}.parquet"));
            let csv = dir.join(format!("{name}.csv"));
            let path = if parquet.exists() {
                parquet
            } else if csv.exists() {
                csv
            } else {
                return Err(ReportError(format!(
                    "{}: no such file (nor {}); `cs report --data DIR` reads the files of docs/sample-company.md",
                    parquet.display(),
                    csv.display()
                )));
            };
            let batch = cs_arrow::files::read_table(&path).map_err(|e| ReportError(e.to_string()))?;
            tables.push(Table {
                name,
                source: path.display().to_string(),
                csv: Format::of(&path) == Format::Csv,
                batch,
            });
        }
        ReviewInput::new(dir.display().to_string(), as_of, tables)
    }

    /// Tables given as batches (Python, tests), filtered to `as_of`.
    pub fn new(source: String, as_of: NaiveDate, tables: Vec<Table>) -> Result<ReviewInput, ReportError> {
        let tables = tables
            .into_iter()
            .map(|t| {
                let batch = cs_arrow::as_of::table_as_of(t.name, &t.batch, as_of).map_err(|e| t.locate(e))?;
                Ok(Table { batch, ..t })
            })
            .collect::<Result<Vec<_>, ReportError>>()?;
        Ok(ReviewInput {
            source,
            as_of,
            tables,
        })
    }

    /// Table `name`.
    pub fn table(&self, name: &str) -> Result<&Table, ReportError> {
        self.tables
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| ReportError(format!("{}: no table {name}", self.source)))
    }
}
