//! Everything that enters from Python, read in one place: scalar arguments (dates, integers),
//! documents (dicts, lists), columns (numpy, Arrow, pandas, polars, lists) and tables (anything
//! speaking the Arrow PyCapsule protocol). Cells follow cs-arrow's one grammar; numpy and Arrow
//! memory is borrowed where the layout allows. Errors name the argument, column and row.

mod arguments;
mod columns;
mod dates;
mod documents;
mod tables;

pub(crate) use arguments::{date_arg, datetime_arg, int_at, ints, optional_date};
pub(crate) use columns::{Bool, Category, Flags, Float, Numeric, NumericFn, arrow_single};
pub(crate) use dates::Dates;
pub(crate) use documents::{document_json, document_text, from_python};
pub(crate) use tables::*;
