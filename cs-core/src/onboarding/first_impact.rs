use std::fmt::Debug;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::portfolio::Column;
use crate::portfolio::{DateLike, days_between};
use crate::{Error, Result};

/// Default Time to First Impact target in days. The operating model
/// (docs/domain-sources.md, "First Impact") asks for First Impact quickly and
/// measures it in days without a number; 90 days (one quarter) is this crate's default, meant
/// to be set per segment.
pub const DEFAULT_TTFI_TARGET_DAYS: u32 = 90;

/// Rows per parallel chunk in batch functions (fixed, so results never depend on threads).
pub(crate) const CHUNK: usize = 1 << 14;

/// Where the Time to First Impact clock starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TtfiOrigin {
    /// The kickoff meeting, where the First Impact is defined (the operating model's choice).
    #[default]
    Kickoff,
    /// The contract start date.
    ContractStart,
}

impl TtfiOrigin {
    /// Parses `"kickoff"` or `"contract_start"` (also `"contract-start"`, `"contract"`).
    pub fn parse(name: &str) -> Result<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "kickoff" => Ok(TtfiOrigin::Kickoff),
            "contract_start" | "contract-start" | "contract" => Ok(TtfiOrigin::ContractStart),
            _ => Err(Error::unknown("ttfi origin", name, ["kickoff", "contract_start"])),
        }
    }

    /// The origin date among the two candidates.
    pub fn pick(self, kickoff: Option<NaiveDate>, contract_start: Option<NaiveDate>) -> Option<NaiveDate> {
        match self {
            TtfiOrigin::Kickoff => kickoff,
            TtfiOrigin::ContractStart => contract_start,
        }
    }

    /// The field name of the origin, used in errors.
    pub fn field(self) -> &'static str {
        match self {
            TtfiOrigin::Kickoff => "kickoff",
            TtfiOrigin::ContractStart => "contract_start",
        }
    }
}

/// Where an account stands on its way to First Impact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FirstImpactState {
    /// The clock has not started (no origin date yet, or it lies after the as-of date).
    NotStarted,
    /// Onboarding, within the target.
    Onboarding,
    /// Onboarding, and the target has passed without First Impact.
    Overdue,
    /// First Impact achieved.
    Achieved,
}

/// One account's Time to First Impact as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstImpactStatus {
    /// The state.
    pub state: FirstImpactState,
    /// Time to First Impact in days, once achieved (`None` when the origin is unknown).
    pub days: Option<i64>,
    /// Days since the origin while still onboarding.
    pub days_open: Option<i64>,
    /// TTFI (or days open) exceeds the target.
    pub past_target: bool,
}

/// How Time to First Impact is measured: from kickoff or contract start, against a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TtfiConfig {
    /// Where the clock starts.
    #[serde(default)]
    pub origin: TtfiOrigin,
    /// The target in days.
    #[serde(default = "default_target")]
    pub target_days: u32,
}

fn default_target() -> u32 {
    DEFAULT_TTFI_TARGET_DAYS
}

impl Default for TtfiConfig {
    fn default() -> Self {
        TtfiConfig {
            origin: TtfiOrigin::Kickoff,
            target_days: DEFAULT_TTFI_TARGET_DAYS,
        }
    }
}

impl TtfiConfig {
    /// Time to First Impact of one account as of `as_of`, from its origin date (kickoff or
    /// contract start, per [`TtfiConfig::origin`]) and its First Impact date. A First Impact
    /// dated after `as_of` had not happened yet at `as_of`. A First Impact before the origin
    /// is an error naming the field.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use cs_core::onboarding::{FirstImpactState, TtfiConfig};
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day);
    /// let cfg = TtfiConfig { target_days: 30, ..TtfiConfig::default() };
    /// let s = cfg.status(d(1, 20), d(2, 14), d(3, 1).unwrap())?;
    /// assert_eq!((s.state, s.days, s.past_target), (FirstImpactState::Achieved, Some(25), false));
    /// let open = cfg.status(d(1, 20), None, d(3, 1).unwrap())?;
    /// assert_eq!((open.state, open.days_open), (FirstImpactState::Overdue, Some(40)));
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn status(
        &self,
        origin: Option<NaiveDate>,
        achieved: Option<NaiveDate>,
        as_of: NaiveDate,
    ) -> Result<FirstImpactStatus> {
        let target = i64::from(self.target_days);
        if let (Some(o), Some(a)) = (origin, achieved)
            && a < o
        {
            return Err(Error::invalid(
                "first_impact",
                a,
                format!(
                    "First Impact cannot be achieved before the {} date {o}",
                    self.origin.field()
                ),
            ));
        }
        let achieved = achieved.filter(|a| *a <= as_of);
        let status = match (origin, achieved) {
            (origin, Some(a)) => {
                let days = origin.map(|o| days_between(o, a));
                FirstImpactStatus {
                    state: FirstImpactState::Achieved,
                    days,
                    days_open: None,
                    past_target: days.is_some_and(|d| d > target),
                }
            }
            (Some(o), None) if o <= as_of => {
                let open = days_between(o, as_of);
                FirstImpactStatus {
                    state: if open > target {
                        FirstImpactState::Overdue
                    } else {
                        FirstImpactState::Onboarding
                    },
                    days: None,
                    days_open: Some(open),
                    past_target: open > target,
                }
            }
            _ => FirstImpactStatus {
                state: FirstImpactState::NotStarted,
                days: None,
                days_open: None,
                past_target: false,
            },
        };
        Ok(status)
    }
}

/// Reads a nullable date cell; an out-of-range value is an error naming the column and row.
pub(crate) fn date_at<D: DateLike + Debug>(col: &Column<'_, D>, i: usize) -> Result<Option<NaiveDate>> {
    match col.get(i) {
        None => Ok(None),
        Some(v) => v
            .to_date()
            .map(Some)
            .ok_or_else(|| Error::invalid(col.name(), format!("{v:?}"), "not a representable date").at(i)),
    }
}

/// Time to First Impact for every account of a table, as of `as_of`: a loop over
/// [`TtfiConfig::status`]. Pass the kickoff and/or contract start column (the one
/// `config.origin` names is required) and the First Impact date column; nulls are allowed in
/// all of them. Dates are [`DateLike`] (chrono dates, Arrow `date32`, numpy `datetime64[D]`).
/// Runs in parallel over fixed chunks; the first error in row order is returned.
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::onboarding::{time_to_first_impact, FirstImpactState, TtfiConfig};
/// use cs_core::portfolio::Column;
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let kickoff = [d(1, 10), d(1, 20)];
/// let first = [d(2, 9), d(1, 1)]; // row 1 is null below
/// let bits = [0b01u8];
/// let first = Column::new("first_impact", &first).with_validity(cs_core::portfolio::Validity::new(&bits, 0, 2)?)?;
/// let out = time_to_first_impact(Some(Column::new("kickoff", &kickoff)), None, first, d(5, 1), TtfiConfig::default())?;
/// assert_eq!(out[0].days, Some(30));
/// assert_eq!((out[1].state, out[1].days_open), (FirstImpactState::Overdue, Some(101)));
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn time_to_first_impact<D: DateLike + Debug + Send + Sync>(
    kickoff: Option<Column<'_, D>>,
    contract_start: Option<Column<'_, D>>,
    first_impact: Column<'_, D>,
    as_of: NaiveDate,
    config: TtfiConfig,
) -> Result<Vec<FirstImpactStatus>> {
    let n = first_impact.len();
    let origin = match config.origin {
        TtfiOrigin::Kickoff => kickoff,
        TtfiOrigin::ContractStart => contract_start,
    }
    .ok_or_else(|| Error::missing(config.origin.field()))?;
    origin.expect_len(n)?;
    let chunks: Vec<Result<Vec<FirstImpactStatus>>> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let (start, end) = (c * CHUNK, ((c + 1) * CHUNK).min(n));
            let mut out = Vec::with_capacity(end - start);
            for i in start..end {
                let o = date_at(&origin, i)?;
                let a = date_at(&first_impact, i)?;
                out.push(config.status(o, a, as_of).map_err(|e| e.at(i))?);
            }
            Ok(out)
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for chunk in chunks {
        out.extend(chunk?);
    }
    Ok(out)
}

/// Batch results as columns, the shape the Python binding returns.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TtfiColumns {
    /// State per row.
    pub state: Vec<FirstImpactState>,
    /// TTFI in days per row (null unless achieved).
    pub days: Vec<Option<i64>>,
    /// Days open per row (null unless onboarding or overdue).
    pub days_open: Vec<Option<i64>>,
    /// Past target per row.
    pub past_target: Vec<bool>,
}

impl TtfiColumns {
    /// Splits per-row statuses into columns.
    pub fn from_statuses(statuses: &[FirstImpactStatus]) -> Self {
        TtfiColumns {
            state: statuses.iter().map(|s| s.state).collect(),
            days: statuses.iter().map(|s| s.days).collect(),
            days_open: statuses.iter().map(|s| s.days_open).collect(),
            past_target: statuses.iter().map(|s| s.past_target).collect(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)]
mod tests {
    use super::*;
    use crate::portfolio::Validity;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn first_impact_before_kickoff_is_an_error_naming_the_field() {
        let err = TtfiConfig::default()
            .status(Some(d(2, 1)), Some(d(1, 31)), d(3, 1))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "first_impact 2026-01-31 is invalid: First Impact cannot be achieved before the kickoff date 2026-02-01"
        );
    }

    #[test]
    fn same_day_first_impact_is_zero_days() {
        let s = TtfiConfig::default()
            .status(Some(d(2, 1)), Some(d(2, 1)), d(2, 1))
            .unwrap();
        assert_eq!(
            (s.state, s.days, s.past_target),
            (FirstImpactState::Achieved, Some(0), false)
        );
    }

    #[test]
    fn onboarding_is_overdue_only_after_the_target_day() {
        let cfg = TtfiConfig {
            origin: TtfiOrigin::Kickoff,
            target_days: 10,
        };
        // kickoff 02-01, as of 02-11 = 10 days open: on target, not overdue
        assert_eq!(
            cfg.status(Some(d(2, 1)), None, d(2, 11)).unwrap().state,
            FirstImpactState::Onboarding
        );
        // 11 days open: overdue
        assert_eq!(
            cfg.status(Some(d(2, 1)), None, d(2, 12)).unwrap().state,
            FirstImpactState::Overdue
        );
    }

    #[test]
    fn a_first_impact_after_the_as_of_date_has_not_happened_yet() {
        let s = TtfiConfig::default()
            .status(Some(d(2, 1)), Some(d(3, 1)), d(2, 15))
            .unwrap();
        assert_eq!((s.state, s.days_open), (FirstImpactState::Onboarding, Some(14)));
        let before = TtfiConfig::default()
            .status(Some(d(2, 1)), None, d(1, 15))
            .unwrap();
        assert_eq!(before.state, FirstImpactState::NotStarted);
    }

    #[test]
    fn batch_uses_the_configured_origin_and_locates_errors() {
        let kickoff = [epoch(d(2, 1)), epoch(d(2, 1))];
        let contract = [epoch(d(1, 1)), epoch(d(1, 1))];
        let first = [epoch(d(3, 3)), epoch(d(1, 15))];
        let cfg = TtfiConfig {
            origin: TtfiOrigin::ContractStart,
            target_days: 60,
        };
        let out = time_to_first_impact(
            Some(Column::new("kickoff", &kickoff)),
            Some(Column::new("contract_start", &contract)),
            Column::new("first_impact", &first),
            d(6, 1),
            cfg,
        )
        .unwrap();
        // 01-01 -> 03-03 = 31 + 28 + 2 = 61 days > 60; 01-01 -> 01-15 = 14 days
        assert_eq!((out[0].days, out[0].past_target), (Some(61), true));
        assert_eq!(out[1].days, Some(14));
        // From kickoff, row 1's First Impact (01-15) precedes the kickoff (02-01).
        let err = time_to_first_impact(
            Some(Column::new("kickoff", &kickoff)),
            None,
            Column::new("first_impact", &first),
            d(6, 1),
            TtfiConfig::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("first_impact 2026-01-15 at position 1 is invalid"),
            "{err}"
        );
        let missing =
            time_to_first_impact(None, None, Column::new("first_impact", &first), d(6, 1), cfg).unwrap_err();
        assert_eq!(missing, Error::missing("contract_start"));
    }

    #[test]
    fn batch_agrees_with_the_row_function_across_chunks() {
        let n = CHUNK * 2 + 17;
        let kickoff: Vec<i32> = (0..n).map(|i| 20_000 + (i % 97) as i32).collect();
        let first: Vec<i32> = (0..n)
            .map(|i| 20_000 + (i % 97) as i32 + (i % 200) as i32)
            .collect();
        let bits: Vec<u8> = (0..n.div_ceil(8))
            .map(|i| if i % 3 == 0 { 0x0f } else { 0xff })
            .collect();
        let first_col = Column::new("first_impact", &first)
            .with_validity(Validity::new(&bits, 0, n).unwrap())
            .unwrap();
        let as_of = d(10, 1);
        let cfg = TtfiConfig::default();
        let out = time_to_first_impact(
            Some(Column::new("kickoff", &kickoff)),
            None,
            first_col,
            as_of,
            cfg,
        )
        .unwrap();
        for i in [0, 5, CHUNK - 1, CHUNK, n - 1] {
            let expect = cfg
                .status(
                    kickoff[i].to_date(),
                    first_col.get(i).and_then(DateLike::to_date),
                    as_of,
                )
                .unwrap();
            assert_eq!(out[i], expect, "row {i}");
        }
        assert_eq!(out.len(), n);
    }

    fn epoch(date: NaiveDate) -> i32 {
        crate::portfolio::epoch_days(date)
    }
}
