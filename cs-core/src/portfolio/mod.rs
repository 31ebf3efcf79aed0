//! The columnar account table shared by the batch APIs.
//!
//! Batch functions take [`Column`]s: borrowed value slices with an optional Arrow-style validity
//! bitmap, so numpy arrays and Arrow buffers arrive without a copy. They return plain vectors
//! (one entry per row) that the Python binding hands back as Arrow arrays.
//!
//! [`synthetic`] generates a deterministic, seeded portfolio for tests, benchmarks and demos.

mod column;
mod date;
pub mod synthetic;

pub use column::{Column, Validity};
pub(crate) use date::days_between;
pub use date::{DateLike, epoch_days};
