//! Number rules resolved for a direction: the one place a raw number becomes a measure score.
//! [`Rule::score_number`] (the per-account path) and the batch column loops both call these
//! `score` methods, so the two shapes agree to the bit; the batch loops match on the scorer
//! once per column block instead of once per value.

use super::rule::{Direction, Edge, Rule};

/// A linear rule: `100 × t` (higher is better) or `100 × (1 − t)` with
/// `t = ((x − min) / (max − min))` clamped to `0..=1`.
///
/// When `max − min` overflows (bounds near `±f64::MAX`), every term is halved first:
/// `t = (x/2 − min/2) / (max/2 − min/2)`, which cannot overflow; halving is exact there, so
/// `t` is the same ratio. Other rules keep the unhalved bits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Linear {
    /// `min`, or `min / 2` when the range overflows.
    min: f64,
    /// `max − min`, computed once (the same bits as computing it per value), or
    /// `max/2 − min/2` when `max − min` overflows.
    range: f64,
    /// 1, or 0.5 when the range overflows (applied to `x`).
    factor: f64,
    higher: bool,
}

impl Linear {
    fn new(min: f64, max: f64, higher: bool) -> Self {
        let range = max - min;
        if range.is_finite() {
            Linear {
                min,
                range,
                factor: 1.0,
                higher,
            }
        } else {
            Linear {
                min: min * 0.5,
                range: max * 0.5 - min * 0.5,
                factor: 0.5,
                higher,
            }
        }
    }

    #[inline]
    pub(crate) fn score(&self, x: f64) -> f64 {
        // `x × 1` is `x`; `x − min` may still overflow to ±∞, which the clamp takes to 0 or 1.
        let t = ((x * self.factor - self.min) / self.range).clamp(0.0, 1.0);
        if self.higher { 100.0 * t } else { 100.0 * (1.0 - t) }
    }
}

/// Cut points held in a fixed array, padded with `+∞`, when there are at most [`CUTS`]:
/// counting the cut points below a value is then a fixed run of comparisons the compiler
/// unrolls and vectorises, not a loop of unknown length.
#[derive(Debug, Clone, Copy)]
struct Cuts {
    padded: [f64; CUTS],
    /// False when there are more than [`CUTS`]: the caller counts over its own slice.
    fits: bool,
}

/// Most cut points held in a [`Cuts`] array.
const CUTS: usize = 8;

impl Cuts {
    fn new(all: impl ExactSizeIterator<Item = f64>) -> Self {
        let fits = all.len() <= CUTS;
        let mut padded = [f64::INFINITY; CUTS];
        for (p, c) in padded.iter_mut().zip(all) {
            *p = c;
        }
        Cuts { padded, fits }
    }
}

/// The number of `cuts` `<= x` (`< x` when `strict`).
#[inline]
fn count_below(cuts: impl Iterator<Item = f64>, x: f64, strict: bool) -> usize {
    if strict {
        cuts.map(|c| usize::from(c < x)).sum()
    } else {
        cuts.map(|c| usize::from(c <= x)).sum()
    }
}

/// A piecewise-linear rule over its points (flat outside them).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piecewise<'r> {
    points: &'r [[f64; 2]],
    /// The points' x.
    cuts: Cuts,
}

impl Piecewise<'_> {
    /// Flat at the first score up to the first point, at the last score from the last point,
    /// linear between the two points around `x` in between. Without branches on `x`: which
    /// segment holds a value is data, and a branch on it mispredicts.
    #[inline]
    #[allow(clippy::needless_bitwise_bool)] // both sides are evaluated on purpose: no branch
    pub(crate) fn score(&self, x: f64) -> f64 {
        let points = self.points;
        let (Some(first), Some(last)) = (points.first(), points.last()) else {
            return 0.0;
        };
        // The points are strictly increasing in x, so the count of points at or below `x` is
        // the partition point: inside the range, the segment is (i - 1, i).
        // (`x` is finite, so the padding never counts.)
        let below = if self.cuts.fits {
            count_below(self.cuts.padded.iter().copied(), x, false)
        } else {
            count_below(points.iter().map(|p| p[0]), x, false)
        };
        let i = below.clamp(1, points.len().saturating_sub(1).max(1));
        let [x0, y0] = points.get(i - 1).copied().unwrap_or(*first);
        let [x1, y1] = points.get(i).copied().unwrap_or([x0 + 1.0, y0]);
        let span = x1 - x0;
        let rise = (y1 - y0) * (x - x0);
        let inside = if span.is_finite() && rise.is_finite() {
            y0 + rise / span
        } else {
            // Points near ±f64::MAX: `x1 − x0` or the product overflows. Halving every x is
            // exact there and cannot overflow; `t` is in 0..=1 inside the segment.
            let t = (x * 0.5 - x0 * 0.5) / (x1 * 0.5 - x0 * 0.5);
            y0 + (y1 - y0) * t
        };
        let at_first = x <= first[0];
        let outside = std::hint::select_unpredictable(at_first, first[1], last[1]);
        std::hint::select_unpredictable(at_first | (x >= last[0]), outside, inside)
    }
}

/// A step rule: the score of the interval holding `x`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Steps<'r> {
    thresholds: &'r [f64],
    cuts: Cuts,
    scores: &'r [f64],
    edge: Edge,
}

impl Steps<'_> {
    /// `None` only for an unvalidated rule with too few scores.
    #[inline]
    pub(crate) fn score(&self, x: f64) -> Option<f64> {
        // The thresholds are strictly increasing: the count is the partition point.
        let strict = self.edge == Edge::Upper;
        let i = if self.cuts.fits {
            count_below(self.cuts.padded.iter().copied(), x, strict)
        } else {
            count_below(self.thresholds.iter().copied(), x, strict)
        };
        self.scores.get(i).copied()
    }
}

/// A number rule resolved for a direction.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NumberScorer<'r> {
    Linear(Linear),
    Piecewise(Piecewise<'r>),
    Steps(Steps<'r>),
}

impl NumberScorer<'_> {
    /// Scores a finite number (callers reject NaN and infinities first).
    #[inline]
    pub(crate) fn score(&self, x: f64) -> Option<f64> {
        match self {
            NumberScorer::Linear(r) => Some(r.score(x)),
            NumberScorer::Piecewise(r) => Some(r.score(x)),
            NumberScorer::Steps(r) => r.score(x),
        }
    }
}

impl Rule {
    /// The scorer of a number rule, `None` for boolean and categorical rules.
    pub(crate) fn number_scorer(&self, direction: Direction) -> Option<NumberScorer<'_>> {
        match self {
            Rule::Linear { min, max } => Some(NumberScorer::Linear(Linear::new(
                *min,
                *max,
                direction == Direction::HigherIsBetter,
            ))),
            Rule::Piecewise { points } => Some(NumberScorer::Piecewise(Piecewise {
                points,
                cuts: Cuts::new(points.iter().map(|p| p[0])),
            })),
            Rule::Steps {
                thresholds,
                scores,
                edge,
            } => Some(NumberScorer::Steps(Steps {
                thresholds,
                cuts: Cuts::new(thresholds.iter().copied()),
                scores,
                edge: *edge,
            })),
            Rule::Categorical { .. } | Rule::Boolean { .. } => None,
        }
    }
}
