//! Customer health scoring: configurable scorecards, explanations, trends, rollups and batch
//! scoring of large portfolios.
//!
//! A [`Scorecard`] (a [`Document`](crate::document::Document): TOML or JSON) lists measures,
//! optionally in [`MeasureGroup`]s, each with a non-negative weight and a [`Rule`] mapping its
//! raw value to a measure score in `0..=100`.
//!
//! **Definitions.**
//! - Weights are shares of their parent on any scale: top-level measures and groups share the
//!   whole, measures share their group. The nominal weight of a measure is
//!   `group_weight / Σ top weights × measure_weight / Σ group weights`.
//! - A group's score is the weighted mean of its measure scores ([`Aggregation::Mean`], the
//!   default) or their min / max; under min / max the selected measure carries the group's
//!   whole weight, so every score is `Σ effective_weight × measure_score` and an explanation's
//!   points (`effective_weight × measure_score`) sum to the score.
//! - Missing data ([`MissingPolicy`], per card, overridable per measure): `renormalise` (the
//!   default) shares a missing measure's weight among the present measures of its group, and
//!   an empty group's weight among the other groups; `zero` and `neutral` keep the weight and
//!   substitute 0 or the neutral value; `fail` is an error. A value observed more than
//!   `validity_days` before the scoring date is stale and handled as missing; an observation
//!   date after the scoring date is an error.
//! - Coverage is the share of nominal weight backed by fresh values. Below `min_coverage` (and
//!   whenever no weight is left) the score is `None`: insufficient data, never a number.
//! - Bands ([`Band`]) tile `0..=100` from the lowest up; a band's lower edge is exclusive except
//!   the first. The default is red `[0, 50]`, amber `(50, 75]`, green `(75, 100]`. Banding uses
//!   the unrounded score.
//! - The driver of a score is the measure losing the most points,
//!   `effective_weight × (100 − measure_score)`.
//!
//! The per-account path ([`Scorecard::score_account`]) and the columnar batch path
//! ([`Scorecard::score_batch`]) share one definition: the same rule scorers, the same weighing
//! (the batch path caches it per presence pattern) and the same accumulation of points (the
//! batch path runs it over blocks of rows), so their numbers agree to the bit.
//!
//! ```
//! use cs_core::document::Document;
//! use cs_core::health::{AccountMeasures, Scorecard};
//! use chrono::NaiveDate;
//! let card = Scorecard::from_toml(r#"
//! schema_version = 1
//! name = "simple"
//! [[groups]]
//! name = "Adoption"
//! weight = 3
//! [[groups.measures]]
//! name = "utilisation"
//! weight = 1
//! rule = { kind = "linear", min = 0.0, max = 1.0 }
//! [[measures]]
//! name = "tickets"
//! weight = 1
//! direction = "lower_is_better"
//! rule = { kind = "steps", thresholds = [1, 3], scores = [100, 50, 0] }
//! "#)?;
//! let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
//! let health = card.score_account(&AccountMeasures::new().with("utilisation", 0.6).with("tickets", 2.0), day)?;
//! // 0.75 × 60 + 0.25 × 50 = 57.5 points: amber.
//! assert_eq!(health.score, Some(57.5));
//! assert_eq!(health.band.as_deref(), Some("amber"));
//! # Ok::<(), cs_core::Error>(())
//! ```

mod account;
mod assignment;
mod band;
mod batch;
mod builtin;
mod fit;
mod kernel;
mod manual;
mod mix;
mod plan;
mod rollup;
mod rule;
mod scorecard;
mod scorer;
mod transition;
mod trend;
mod weights;

pub use crate::portfolio::epoch_days;
pub use account::{AccountMeasures, Contribution, HealthScore, MeasureStatus, Observation};
pub use assignment::{Assignment, AttributeColumn, ScorecardSet};
pub use band::{Band, default_bands};
pub use batch::{BATCH_CHUNK, BatchScores, MeasureColumn, MeasureData};
pub use fit::{FitSample, FitVerdict, FittedWeight, WeightFit, WeightFitOptions};
pub use manual::{Override, OverrideOutcome, OverrideStatus};
pub use mix::{BandMix, band_mix, band_mix_by};
pub use rollup::{HealthRollup, RollupAccumulator, RollupInput, RollupPart, health_rollup, health_summary};
pub use rule::{Direction, Edge, Rule, Value, ValueKind};
pub use scorecard::{
    Aggregation, MAX_GROUP_DEPTH, Measure, MeasureGroup, MissingPolicy, RESERVED_MEASURE_NAMES, Scorecard,
};
pub use transition::{BandTransition, BandTransitions, INSUFFICIENT_DATA, band_transitions};
pub use trend::{
    MeasureChange, Trend, TrendDirection, TrendOptions, explain_change, health_trend, largest_falls,
};
