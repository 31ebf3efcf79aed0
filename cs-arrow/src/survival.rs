//! Survival tables: tenures and churn flags read from a RecordBatch by the cell grammar, and
//! Kaplan-Meier curves and the log-rank test per group (the one recipe behind `cs survival`
//! and Python's `kaplan_meier_by` / `logrank_by`); a curve and its numbers-at-risk table as
//! RecordBatches, under this library's column names or lifelines'.

use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, UInt64Array};
use arrow_schema::{DataType, Field};
use cs_core::retention::{
    AtRisk, ConfidenceType, EventTable, KaplanMeier, LogRank, SurvivalGroup, kaplan_meier_by, logrank,
};
use cs_core::statistics::Confidence;
use cs_core::{Error, Result};

use crate::cells::{required_flags, required_integers, required_numbers};
use crate::column;
use crate::groups::Groups;
use crate::output::batch;

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

/// The Kaplan-Meier estimate from life-table counts: `events` churns and `censored` censored
/// customers at each of `times` (any order, a time repeated any number of times: its counts
/// add up), read by the cell grammar (numbers; whole numbers of 0 or more). This is how the
/// partial tables of a distributed run merge (see `EventTable::from_counts`).
pub fn kaplan_meier_from_counts(
    times: &ArrayRef,
    events: &ArrayRef,
    censored: &ArrayRef,
    confidence: Confidence,
) -> Result<KaplanMeier> {
    let times = required_numbers(times, "time")?;
    let counts = |array: &ArrayRef, name: &str| -> Result<Vec<u64>> {
        required_integers(array, name)?
            .into_iter()
            .enumerate()
            .map(|(i, v)| u64::try_from(v).map_err(|_| Error::out_of_range(name, v, "0 or more").at(i)))
            .collect()
    };
    let table = EventTable::from_counts(&times, &counts(events, "events")?, &counts(censored, "censored")?)?;
    Ok(KaplanMeier::from_table(table, confidence))
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

/// The column names of a curve table ([`curve_batch`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CurveNames {
    /// `timeline`, `survival`, `ci_low`, `ci_high`, `at_risk`, `events`, `censored`.
    #[default]
    Cs,
    /// lifelines' `KaplanMeierFitter` names, for notebooks ported from it: `timeline`,
    /// `KM_estimate` (its `survival_function_`), `KM_estimate_lower_<level>` and
    /// `KM_estimate_upper_<level>` (its `confidence_interval_`), and its `event_table`'s
    /// `at_risk`, `observed` (churns) and `censored`.
    Lifelines,
}

impl CurveNames {
    /// Reads `cs` or `lifelines` (case-insensitive).
    pub fn parse(name: &str) -> Result<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "cs" => Ok(CurveNames::Cs),
            "lifelines" => Ok(CurveNames::Lifelines),
            _ => Err(Error::unknown("column names", name, ["cs", "lifelines"])),
        }
    }

    /// The seven column names at `confidence`.
    pub fn names(self, confidence: Confidence) -> [String; 7] {
        match self {
            CurveNames::Cs => [
                "timeline", "survival", "ci_low", "ci_high", "at_risk", "events", "censored",
            ]
            .map(str::to_owned),
            CurveNames::Lifelines => {
                let level = lifelines_level(confidence.level());
                [
                    "timeline".to_owned(),
                    "KM_estimate".to_owned(),
                    format!("KM_estimate_lower_{level}"),
                    format!("KM_estimate_upper_{level}"),
                    "at_risk".to_owned(),
                    "observed".to_owned(),
                    "censored".to_owned(),
                ]
            }
        }
    }
}

/// A level as lifelines writes it in column names, Python's `"%g" % level`: six significant
/// digits, trailing zeros dropped (0.95 -> `0.95`, 0.9 -> `0.9`), for levels of 0.0001 or more.
fn lifelines_level(level: f64) -> String {
    let exponent = level.log10().floor();
    // Six significant digits: 6 - 1 - exponent decimals (exponent is -4..=-1 for a level).
    let decimals = usize::try_from((5.0 - exponent) as i64).unwrap_or(0);
    let fixed = format!("{level:.decimals$}");
    let trimmed = fixed.trim_end_matches('0').trim_end_matches('.');
    trimmed.to_owned()
}

/// The curve as a table, one row per timeline point: time, S(t), the pointwise band of `kind`
/// at `confidence`, and the life table's at-risk, churn and censored counts, under `names`.
///
/// ```
/// use cs_arrow::survival::{CurveNames, curve_batch};
/// use cs_core::retention::{ConfidenceType, kaplan_meier};
/// use cs_core::statistics::Confidence;
/// let km = kaplan_meier(&[2.0, 5.0, 8.0], &[true, false, true], Confidence::NINETY_FIVE)?;
/// let table = curve_batch(&km, Confidence::NINETY_FIVE, ConfidenceType::LogLog, CurveNames::Lifelines)?;
/// assert_eq!(table.num_rows(), 4);
/// assert_eq!(table.schema().field(2).name(), "KM_estimate_lower_0.95");
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn curve_batch(
    km: &KaplanMeier,
    confidence: Confidence,
    kind: ConfidenceType,
    names: CurveNames,
) -> Result<RecordBatch> {
    let band = km.confidence_band(confidence, kind);
    let table = km.table();
    let floats = |v: &[f64]| -> ArrayRef { Arc::new(Float64Array::from(v.to_vec())) };
    let counts = |v: &[u64]| -> ArrayRef { Arc::new(UInt64Array::from(v.to_vec())) };
    let arrays = [
        floats(km.timeline()),
        floats(km.survival()),
        floats(&band.lower),
        floats(&band.upper),
        counts(table.at_risk()),
        counts(table.events()),
        counts(table.censored()),
    ];
    let columns = names
        .names(confidence)
        .into_iter()
        .zip(arrays)
        .map(|(name, array)| (Field::new(name, array.data_type().clone(), false), array))
        .collect();
    batch(columns)
}

/// The numbers-at-risk table ([`KaplanMeier::at_risk`]) as columns `time`, `at_risk`,
/// `events` and `censored`.
pub fn at_risk_batch(rows: &[AtRisk]) -> Result<RecordBatch> {
    let count = |name: &str, f: fn(&AtRisk) -> u64| -> (Field, ArrayRef) {
        let values: UInt64Array = rows.iter().map(|r| Some(f(r))).collect();
        (Field::new(name, DataType::UInt64, false), Arc::new(values))
    };
    let times: Float64Array = rows.iter().map(|r| Some(r.time)).collect();
    batch(vec![
        (Field::new("time", DataType::Float64, false), Arc::new(times)),
        count("at_risk", |r| r.at_risk),
        count("events", |r| r.events),
        count("censored", |r| r.censored),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Array, StringArray};
    use cs_core::retention::kaplan_meier;

    #[test]
    fn lifelines_levels_are_formatted_as_python_g() {
        assert_eq!(lifelines_level(0.95), "0.95");
        assert_eq!(lifelines_level(0.9), "0.9");
        assert_eq!(lifelines_level(0.8), "0.8");
        assert_eq!(lifelines_level(0.999), "0.999");
        assert_eq!(lifelines_level(0.123_456_789), "0.123457");
        assert_eq!(lifelines_level(0.05), "0.05");
        let e = CurveNames::parse("R").unwrap_err().to_string();
        assert!(e.starts_with("unknown column names \"R\""), "{e}");
    }

    #[test]
    fn curve_and_at_risk_tables() {
        let km = kaplan_meier(&[2.0, 5.0, 8.0], &[true, false, true], Confidence::NINETY_FIVE).unwrap();
        let cs = curve_batch(&km, Confidence::NINETY_FIVE, ConfidenceType::Log, CurveNames::Cs).unwrap();
        let lifelines = curve_batch(
            &km,
            Confidence::new(0.9).unwrap(),
            ConfidenceType::Log,
            CurveNames::Lifelines,
        )
        .unwrap();
        let names = |b: &RecordBatch| -> Vec<String> {
            b.schema().fields().iter().map(|f| f.name().clone()).collect()
        };
        assert_eq!(
            names(&cs),
            [
                "timeline", "survival", "ci_low", "ci_high", "at_risk", "events", "censored"
            ]
        );
        assert_eq!(
            names(&lifelines),
            [
                "timeline",
                "KM_estimate",
                "KM_estimate_lower_0.9",
                "KM_estimate_upper_0.9",
                "at_risk",
                "observed",
                "censored"
            ]
        );
        // The same numbers under both names (the level aside).
        assert_eq!(cs.column(1), lifelines.column(1));
        assert_eq!(cs.column(5), lifelines.column(5));
        let band = km.confidence_band(Confidence::NINETY_FIVE, ConfidenceType::Log);
        let low = cs.column(2).as_any().downcast_ref::<Float64Array>().unwrap();
        assert_eq!(low.values().to_vec(), band.lower);
        let rows = km.at_risk(&[0.0, 5.0]).unwrap();
        let t = at_risk_batch(&rows).unwrap();
        assert_eq!(t.num_rows(), 2);
        let at = t.column(1).as_any().downcast_ref::<UInt64Array>().unwrap();
        assert_eq!(at.values().to_vec(), [3, 1]);
    }

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
