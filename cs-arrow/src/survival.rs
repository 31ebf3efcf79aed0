//! Survival tables: tenures and churn flags read from a RecordBatch by the cell grammar, and
//! Kaplan-Meier curves and the log-rank test per group (the one recipe behind `cs survival`
//! and Python's `kaplan_meier_by` / `logrank_by`).

use arrow_array::RecordBatch;
use cs_core::retention::{LogRank, SurvivalGroup, kaplan_meier_by, logrank};
use cs_core::statistics::Confidence;
use cs_core::{Error, Result};

use crate::cells::{required_flags, required_numbers};
use crate::column;
use crate::groups::Groups;

/// One tenure and churn flag per customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Tenures {
    /// Tenure of each customer (any unit, 0 or more: checked by the core).
    pub durations: Vec<f64>,
    /// Whether each customer churned (`false`: still a customer, censored).
    pub observed: Vec<bool>,
}

/// The tenures of `batch`: numbers in `duration`, churn flags in `observed` (every customer
/// churned when `observed` is `None`), both by the cell grammar; a missing cell in either is
/// an error naming its row.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, RecordBatch, StringArray, Int64Array};
/// let tenure: ArrayRef = Arc::new(Int64Array::from(vec![3, 12, 7]));
/// let churned: ArrayRef = Arc::new(StringArray::from(vec!["true", "0", "FALSE"]));
/// let batch = RecordBatch::try_from_iter([("tenure", tenure), ("churned", churned)]).unwrap();
/// let t = cs_arrow::survival::tenures(&batch, "tenure", Some("churned"))?;
/// assert_eq!(t.durations, vec![3.0, 12.0, 7.0]);
/// assert_eq!(t.observed, vec![true, false, false]);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn tenures(batch: &RecordBatch, duration: &str, observed: Option<&str>) -> Result<Tenures> {
    let durations = required_numbers(column(batch, duration)?, duration)?;
    let observed = match observed {
        Some(name) => required_flags(column(batch, name)?, name)?,
        None => vec![true; batch.num_rows()],
    };
    Ok(Tenures { durations, observed })
}

/// Kaplan-Meier curves per group.
#[derive(Debug, Clone)]
pub struct SurvivalTable {
    /// The tenures read.
    pub tenure: Tenures,
    /// The groups of the rows.
    pub groups: Groups,
    /// One curve per group code, sorted by key.
    pub curves: Vec<SurvivalGroup<u64>>,
}

impl SurvivalTable {
    /// The key of curve `i` as text (see [`Groups::labels`]).
    pub fn labels(&self, i: usize) -> Vec<String> {
        self.curves
            .get(i)
            .map_or_else(Vec::new, |g| self.groups.labels(g.key))
    }
}

/// The groups of `by` (at least one key column), then the tenures (see [`tenures`]).
fn grouped(
    batch: &RecordBatch,
    duration: &str,
    observed: Option<&str>,
    by: &[String],
) -> Result<(Groups, Tenures)> {
    if by.is_empty() {
        return Err(Error::empty("by"));
    }
    let groups = Groups::new(batch, by)?;
    Ok((groups, tenures(batch, duration, observed)?))
}

/// Kaplan-Meier curves of the groups of `by` (see [`tenures`] for the columns).
pub fn kaplan_meier_table(
    batch: &RecordBatch,
    duration: &str,
    observed: Option<&str>,
    by: &[String],
    confidence: Confidence,
) -> Result<SurvivalTable> {
    let (groups, tenure) = grouped(batch, duration, observed, by)?;
    let codes = groups.codes();
    let curves = kaplan_meier_by(&tenure.durations, &tenure.observed, confidence, |i| Ok(codes[i]))?;
    Ok(SurvivalTable {
        tenure,
        groups,
        curves,
    })
}

/// The log-rank test between the groups of `by`, with the groups (for their keys).
pub fn logrank_table(
    batch: &RecordBatch,
    duration: &str,
    observed: Option<&str>,
    by: &[String],
) -> Result<(LogRank<u64>, Groups)> {
    let (groups, tenure) = grouped(batch, duration, observed, by)?;
    let codes = groups.codes();
    let test = logrank(&tenure.durations, &tenure.observed, |i| Ok(codes[i]))?;
    Ok((test, groups))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{ArrayRef, Float64Array, StringArray};
    use std::sync::Arc;

    #[test]
    fn missing_cells_name_their_row_and_groups_follow_the_group_rule() {
        let churned: ArrayRef = Arc::new(StringArray::from(vec!["1", "0", "1"]));
        let segment: ArrayRef = Arc::new(StringArray::from(vec!["b", " a", "a "]));
        let table = |tenure: ArrayRef| {
            RecordBatch::try_from_iter([("t", tenure), ("c", churned.clone()), ("s", segment.clone())])
                .unwrap()
        };
        let gap = table(Arc::new(Float64Array::from(vec![Some(1.0), None, Some(2.0)])));
        let err = tenures(&gap, "t", Some("c")).unwrap_err();
        assert_eq!(err.split_position().1, Some(1));
        let full = table(Arc::new(Float64Array::from(vec![1.0, 3.0, 2.0])));
        let curves = kaplan_meier_table(
            &full,
            "t",
            Some("c"),
            &["s".into()],
            Confidence::new(0.95).unwrap(),
        )
        .unwrap();
        assert_eq!(curves.curves.len(), 2);
        assert_eq!(curves.labels(0), vec!["a".to_owned()]);
        assert_eq!(curves.curves[0].estimate.subjects(), 2);
        let (test, _) = logrank_table(&full, "t", Some("c"), &["s".into()]).unwrap();
        assert_eq!(test.degrees_of_freedom, 1);
    }
}
