//! [`Plan::weigh`] cached per presence pattern, for the batch kernel.
//!
//! When every group aggregates by weighted mean, an account's effective weights, coverage and
//! whether it is scored depend only on which measures have a fresh value: a bit mask with bit
//! `i` set when measure `i` is fresh. For cards of up to [`MAX_MEASURES`] measures the batch
//! kernel looks these up instead of recomputing them per row. The table is filled by calling
//! [`Plan::weigh`] itself, so the numbers are the per-account path's to the bit.

use super::plan::{Plan, Reading, Slot};

/// Largest card (in measures) with a table.
pub(crate) const MAX_MEASURES: usize = 10;

/// Table rows: every pattern of [`MAX_MEASURES`] bits, whatever the card's size, so that a
/// masked pattern indexes them without a bounds check (8 KiB per measure, of which a card of
/// `n` measures touches the first `2^n` entries).
pub(crate) const PATTERNS: usize = 1 << MAX_MEASURES;

/// How an account with a given presence pattern is weighed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Pattern {
    /// Scored: combine the scores with the pattern's weights.
    Scored,
    /// Not scored (insufficient coverage or nothing left to weigh).
    Insufficient,
    /// A missing measure's policy is `fail`: an error.
    Fail,
}

/// Per presence pattern: the weighing outcome, coverage and effective weights.
#[derive(Debug, Clone)]
pub(crate) struct WeightTable {
    patterns: Box<[(Pattern, f64); PATTERNS]>,
    /// Effective weights, one row per measure (so the kernel's pass over one measure reads
    /// one contiguous row), one column per pattern.
    weights: Vec<[f64; PATTERNS]>,
    /// Whether some pattern of the card is [`Pattern::Fail`].
    fails: bool,
}

impl WeightTable {
    /// The table of `plan`, `None` when a group aggregates by min / max (weights then depend
    /// on the scores) or the card has more than [`MAX_MEASURES`] measures.
    pub(crate) fn new(plan: &Plan) -> Option<WeightTable> {
        let n = plan.measures.len();
        if n == 0 || n > MAX_MEASURES || !plan.mean_only() {
            return None;
        }
        let count = 1usize << n;
        let mut patterns = Box::new([(Pattern::Fail, 0.0); PATTERNS]);
        let mut weights = vec![[0.0; PATTERNS]; n];
        let mut readings = vec![Reading::Missing; n];
        let mut slots = vec![Slot::default(); n];
        for mask in 0..count {
            for (i, r) in readings.iter_mut().enumerate() {
                *r = if mask >> i & 1 == 1 {
                    Reading::Score(0.0)
                } else {
                    Reading::Missing
                };
            }
            let entry = match plan.weigh(&readings, &mut slots) {
                Ok(w) if w.scored => (Pattern::Scored, w.coverage),
                Ok(w) => (Pattern::Insufficient, w.coverage),
                Err(_) => (Pattern::Fail, 0.0),
            };
            patterns[mask] = entry;
            if entry.0 != Pattern::Fail {
                for (row, s) in weights.iter_mut().zip(&slots) {
                    row[mask] = s.weight;
                }
            }
        }
        let fails = patterns.iter().take(count).any(|p| p.0 == Pattern::Fail);
        Some(WeightTable {
            patterns,
            weights,
            fails,
        })
    }

    /// Whether some presence pattern is [`Pattern::Fail`] (a measure's policy is `fail`).
    pub(crate) fn fails(&self) -> bool {
        self.fails
    }

    /// The outcome and coverage of presence pattern `mask`.
    #[inline]
    pub(crate) fn pattern(&self, mask: u16) -> (Pattern, f64) {
        self.patterns[usize::from(mask) & (PATTERNS - 1)]
    }

    /// The effective weight of measure `i` under every pattern (index it with
    /// [`WeightTable::index`]).
    #[inline]
    pub(crate) fn weights(&self, i: usize) -> &[f64; PATTERNS] {
        &self.weights[i]
    }

    /// The table index of a presence pattern.
    #[inline]
    pub(crate) fn index(mask: u16) -> usize {
        usize::from(mask) & (PATTERNS - 1)
    }
}
