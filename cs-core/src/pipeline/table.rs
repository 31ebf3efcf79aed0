//! The raw account table the pipeline reads: named, borrowed columns of five kinds.

use serde::{Deserialize, Serialize};

use crate::portfolio::Column;
use crate::{Error, Result};

/// The kind of a column of the raw account table. The table layer (cs-arrow) turns every cell
/// into one of these by the one cell grammar; the pipeline reads them without further parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A finite number (`f64`); null where missing.
    Number,
    /// A whole number (`i64`): counts, days, money in integer minor units.
    Integer,
    /// A boolean.
    Flag,
    /// A calendar date, as days since 1970-01-01 (Arrow `date32`).
    Date,
    /// A name from a small set (a category, a tier, a band, a segment), dictionary-encoded;
    /// integer codes are also accepted where the names have an order (bands, NPS categories).
    Label,
}

impl Kind {
    /// The kind's name, as in [`ColumnSpec`] listings.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Number => "number",
            Kind::Integer => "integer",
            Kind::Flag => "flag",
            Kind::Date => "date",
            Kind::Label => "label",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One column of a raw account table, borrowed.
#[derive(Debug, Clone, Copy)]
pub enum Cells<'a> {
    /// Numbers.
    Number(Column<'a, f64>),
    /// Whole numbers.
    Integer(Column<'a, i64>),
    /// Booleans.
    Flag(Column<'a, bool>),
    /// Dates as days since 1970-01-01.
    Date(Column<'a, i32>),
    /// Names: row `i` is `dictionary[codes[i]]`, as in an Arrow dictionary array.
    Label {
        /// Codes into `dictionary`.
        codes: Column<'a, u32>,
        /// The distinct names.
        dictionary: &'a [String],
    },
}

impl<'a> Cells<'a> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Cells::Number(c) => c.len(),
            Cells::Integer(c) => c.len(),
            Cells::Flag(c) => c.len(),
            Cells::Date(c) => c.len(),
            Cells::Label { codes, .. } => codes.len(),
        }
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The kind of the cells.
    pub fn kind(&self) -> Kind {
        match self {
            Cells::Number(_) => Kind::Number,
            Cells::Integer(_) => Kind::Integer,
            Cells::Flag(_) => Kind::Flag,
            Cells::Date(_) => Kind::Date,
            Cells::Label { .. } => Kind::Label,
        }
    }

    /// The name of row `i` of a label column (`None` when null, out of range or not a label).
    pub fn label(&self, i: usize) -> Option<&'a str> {
        match self {
            Cells::Label { codes, dictionary } => codes
                .get(i)
                .and_then(|c| dictionary.get(c as usize))
                .map(String::as_str),
            _ => None,
        }
    }
}

/// A column the pipeline reads: its name, kind and meaning. [`super::Pipeline::input_columns`]
/// lists them, so front ends can convert cells by kind and name them in `--help`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnSpec {
    /// The column name.
    pub name: String,
    /// What its cells are.
    pub kind: Kind,
    /// What it means.
    pub doc: String,
}

/// The raw account table: account ids plus any set of named [`Cells`] of one length. An
/// absent column is unknown for every account.
///
/// ```
/// use cs_core::pipeline::{AccountTable, Cells};
/// use cs_core::portfolio::Column;
/// let ids = vec!["acme".to_owned(), "globex".to_owned()];
/// let arr = [120_000_00i64, 40_000_00];
/// let table = AccountTable::new(&ids)?.with("arr", Cells::Integer(Column::new("arr", &arr)))?;
/// assert_eq!(table.len(), 2);
/// assert!(table.integer("arr")?.is_some());
/// assert!(table.integer("previous_arr")?.is_none());
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AccountTable<'a> {
    len: usize,
    account_id: Option<&'a [String]>,
    columns: Vec<(&'a str, Cells<'a>)>,
}

impl<'a> AccountTable<'a> {
    /// A table of `account_id.len()` accounts; ids must not be blank.
    pub fn new(account_id: &'a [String]) -> Result<Self> {
        for (i, id) in account_id.iter().enumerate() {
            if id.trim().is_empty() {
                return Err(Error::invalid("account_id", format!("{id:?}"), "must not be blank").at(i));
            }
        }
        Ok(AccountTable {
            len: account_id.len(),
            account_id: Some(account_id),
            columns: Vec::new(),
        })
    }

    /// A table of `len` accounts without ids (enough for health and risk; playbook CTAs need
    /// ids).
    pub fn without_ids(len: usize) -> Self {
        AccountTable {
            len,
            account_id: None,
            columns: Vec::new(),
        }
    }

    /// Adds a column; its length must be the table's and its name new.
    pub fn with(mut self, name: &'a str, cells: Cells<'a>) -> Result<Self> {
        self.push(name, cells)?;
        Ok(self)
    }

    /// Adds a column in place (see [`AccountTable::with`]).
    pub fn push(&mut self, name: &'a str, cells: Cells<'a>) -> Result<()> {
        if cells.len() != self.len() {
            return Err(Error::LengthMismatch {
                field: name.to_owned(),
                expected: self.len(),
                actual: cells.len(),
            });
        }
        if self.has(name) {
            return Err(Error::duplicate("column", name));
        }
        self.columns.push((name, cells));
        Ok(())
    }

    /// Number of accounts.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True without accounts.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The account ids, or [`Error::Missing`] for a table made without them.
    pub fn account_id(&self) -> Result<&'a [String]> {
        self.account_id.ok_or_else(|| Error::missing("column account_id"))
    }

    /// Whether a column called `name` is present.
    pub fn has(&self, name: &str) -> bool {
        self.columns.iter().any(|(n, _)| *n == name)
    }

    /// The column called `name`, whatever its kind.
    pub fn get(&self, name: &str) -> Option<Cells<'a>> {
        self.columns.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
    }

    /// The column names, in insertion order.
    pub fn names(&self) -> Vec<&'a str> {
        self.columns.iter().map(|(n, _)| *n).collect()
    }

    fn wrong_kind(name: &str, cells: &Cells<'_>, expected: Kind) -> Error {
        Error::invalid(
            format!("column {name}"),
            format!("of kind {}", cells.kind()),
            format!("expected {expected}"),
        )
    }

    /// A number column; integers and flags (1 / 0) are read as numbers.
    pub fn number(&self, name: &str) -> Result<Option<NumberCells<'a>>> {
        match self.get(name) {
            None => Ok(None),
            Some(Cells::Number(c)) => Ok(Some(NumberCells::Float(c))),
            Some(Cells::Integer(c)) => Ok(Some(NumberCells::Integer(c))),
            Some(Cells::Flag(c)) => Ok(Some(NumberCells::Flag(c))),
            Some(other) => Err(Self::wrong_kind(name, &other, Kind::Number)),
        }
    }

    /// A whole-number column.
    pub fn integer(&self, name: &str) -> Result<Option<Column<'a, i64>>> {
        match self.get(name) {
            None => Ok(None),
            Some(Cells::Integer(c)) => Ok(Some(c)),
            Some(other) => Err(Self::wrong_kind(name, &other, Kind::Integer)),
        }
    }

    /// A boolean column.
    pub fn flag(&self, name: &str) -> Result<Option<Column<'a, bool>>> {
        match self.get(name) {
            None => Ok(None),
            Some(Cells::Flag(c)) => Ok(Some(c)),
            Some(other) => Err(Self::wrong_kind(name, &other, Kind::Flag)),
        }
    }

    /// A date column (days since 1970-01-01).
    pub fn date(&self, name: &str) -> Result<Option<Column<'a, i32>>> {
        match self.get(name) {
            None => Ok(None),
            Some(Cells::Date(c)) => Ok(Some(c)),
            Some(other) => Err(Self::wrong_kind(name, &other, Kind::Date)),
        }
    }

    /// A label column, or integer codes for ordered labels.
    pub fn label(&self, name: &str) -> Result<Option<Cells<'a>>> {
        match self.get(name) {
            None => Ok(None),
            Some(c @ (Cells::Label { .. } | Cells::Integer(_))) => Ok(Some(c)),
            Some(other) => Err(Self::wrong_kind(name, &other, Kind::Label)),
        }
    }

    /// The text of a label column per row (`None` for nulls), e.g. a segment.
    pub fn labels(&self, name: &str) -> Result<Option<Vec<Option<&'a str>>>> {
        Ok(self
            .label(name)?
            .map(|c| (0..self.len()).map(|i| c.label(i)).collect()))
    }
}

/// A column read as numbers (see [`AccountTable::number`]).
#[derive(Debug, Clone, Copy)]
pub enum NumberCells<'a> {
    /// Numbers.
    Float(Column<'a, f64>),
    /// Whole numbers.
    Integer(Column<'a, i64>),
    /// Flags as 1 / 0.
    Flag(Column<'a, bool>),
}

impl NumberCells<'_> {
    /// Row `i` as a number (`None` when null or not finite).
    #[inline]
    pub fn get(&self, i: usize) -> Option<f64> {
        match self {
            NumberCells::Float(c) => c.get(i).filter(|v| v.is_finite()),
            NumberCells::Integer(c) => c.get(i).map(|v| v as f64),
            NumberCells::Flag(c) => c.get(i).map(|b| if b { 1.0 } else { 0.0 }),
        }
    }
}

/// Reads an ordered-label column (bands, NPS categories, risk tiers) given as names, as
/// whole-number codes, or as names that are codes ("2" in a CSV file): each distinct name is
/// parsed once.
pub(crate) fn ordered_labels<T: Copy + Default>(
    name: &str,
    cells: Cells<'_>,
    parse: impl Fn(&str) -> Result<T>,
    by_code: impl Fn(i64) -> Option<T>,
    codes_allowed: &str,
) -> Result<crate::portfolio::ColumnBuf<T>> {
    let code = |v: i64, i: usize| by_code(v).ok_or_else(|| Error::out_of_range(name, v, codes_allowed).at(i));
    let rows: Vec<Option<T>> = match cells {
        Cells::Label { codes, dictionary } => {
            let known: Vec<Result<T>> = dictionary
                .iter()
                .map(|d| match d.trim().parse::<f64>() {
                    // Numbers written as text ("2", "2.0" in a CSV file) are codes, as typed
                    // numbers are; a fraction is an error, as it is for a typed number.
                    Ok(v) if v.is_finite() && v.fract() == 0.0 => {
                        by_code(v as i64).ok_or_else(|| Error::out_of_range(name, v as i64, codes_allowed))
                    }
                    Ok(v) if v.is_finite() => Err(Error::invalid(
                        format!("column {name} value"),
                        v,
                        "expected a whole number",
                    )),
                    _ => parse(d.trim()),
                })
                .collect();
            (0..codes.len())
                .map(|i| match codes.get(i) {
                    None => Ok(None),
                    Some(c) => match known.get(c as usize) {
                        Some(Ok(v)) => Ok(Some(*v)),
                        Some(Err(e)) => Err(e.clone().at(i)),
                        None => Err(Error::out_of_range(format!("{name} code"), c, "the dictionary").at(i)),
                    },
                })
                .collect::<Result<_>>()?
        }
        Cells::Integer(c) => (0..c.len())
            .map(|i| c.get(i).map(|v| code(v, i)).transpose())
            .collect::<Result<_>>()?,
        other => {
            return Err(Error::invalid(
                format!("column {name}"),
                format!("of kind {}", other.kind()),
                format!("expected names or codes ({codes_allowed})"),
            ));
        }
    };
    Ok(rows.into())
}
