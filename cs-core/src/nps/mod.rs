//! Net Promoter Score: validated answers, the score with its statistics, comparisons between
//! periods, NPS perceived (the CSM's estimate) against actual answers, breakdowns by segment
//! and period, and CSAT.
//!
//! Definitions: an answer is an integer 0..=10; promoters answer 9-10, passives 7-8 and
//! detractors 0-6; NPS = % promoters − % detractors, in points from −100 to 100. The handbook
//! this crate follows tracks NPS alongside "NPS perceived", the CSM's own estimate captured at
//! kickoff (docs/domain-sources.md, "NPS perceived").
//!
//! ```
//! use cs_core::nps::Nps;
//! let nps = Nps::from_answers(&[10u8, 9, 8, 6, 10, 3, 9])?;
//! assert_eq!(nps.responses(), 7);
//! assert!((nps.score() - 100.0 * (4.0 - 2.0) / 7.0).abs() < 1e-12);
//! # Ok::<(), cs_core::Error>(())
//! ```

mod by_id;
mod csat;
mod perceived;
mod result;
mod score;
mod segment;

pub use crate::portfolio::{Granularity, Period};
pub use by_id::{ID_BLOCK, nps_by_id, nps_by_id_blocks};
pub use csat::Csat;
pub use perceived::{Calibration, Perceived, PerceivedGap};
pub use result::{Interval, IntervalMethod, MissingAnswers, Nps, NpsComparison};
pub use score::{Answer, Category, NpsScore};
pub use segment::{NpsGroup, nps_by, nps_trend};
