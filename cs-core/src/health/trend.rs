use chrono::{NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};

use super::account::HealthScore;
use crate::{Error, Result};

/// Which way a score moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendDirection {
    /// Up by more than the flat tolerance.
    Up,
    /// Down by more than the flat tolerance.
    Down,
    /// Within the flat tolerance.
    Flat,
}

/// Options of [`health_trend`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrendOptions {
    /// The window: the trend compares the latest score with the earliest one at most this
    /// many days older (default 90).
    pub window_days: u32,
    /// A move of at most this many points is flat (default 1.0).
    pub flat_within: f64,
}

impl Default for TrendOptions {
    fn default() -> Self {
        TrendOptions {
            window_days: 90,
            flat_within: 1.0,
        }
    }
}

/// How many points one measure contributed to a move between two dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureChange {
    /// The measure.
    pub measure: String,
    /// Its points on the earlier date.
    pub from_points: f64,
    /// Its points on the later date.
    pub to_points: f64,
    /// `to_points − from_points`; the changes sum to the score delta.
    pub change: f64,
}

/// A score's move over a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    /// The earlier date.
    pub from: NaiveDate,
    /// The later date.
    pub to: NaiveDate,
    /// The earlier score.
    pub from_score: Option<f64>,
    /// The later score.
    pub to_score: Option<f64>,
    /// `to_score − from_score`, when both exist.
    pub delta: Option<f64>,
    /// Up, down or flat, when both scores exist.
    pub direction: Option<TrendDirection>,
    /// The earlier band.
    pub from_band: Option<String>,
    /// The later band.
    pub to_band: Option<String>,
    /// True when the band differs.
    pub band_changed: bool,
    /// Per measure, the points it added to or took from the move, largest move first.
    pub changes: Vec<MeasureChange>,
}

/// Explains the move from `earlier` to `later`: per measure, the change in points. When both
/// scores exist the changes sum to the score delta (each score is the sum of its points).
pub fn explain_change(earlier: &HealthScore, later: &HealthScore) -> Vec<MeasureChange> {
    let mut names: Vec<&str> = earlier.contributions.iter().map(|c| c.measure.as_str()).collect();
    for c in &later.contributions {
        if !names.contains(&c.measure.as_str()) {
            names.push(&c.measure);
        }
    }
    let mut changes: Vec<MeasureChange> = names
        .into_iter()
        .map(|m| {
            let (from_points, to_points) = (earlier.points_of(m), later.points_of(m));
            MeasureChange {
                measure: m.to_owned(),
                from_points,
                to_points,
                change: to_points - from_points,
            }
        })
        .collect();
    changes.sort_by(|a, b| b.change.abs().total_cmp(&a.change.abs()));
    changes
}

/// The trend of one account's scores over `options.window_days`, ending at the latest score.
///
/// `history` holds one [`HealthScore`] per scoring date, in any order (same-date duplicates:
/// the last one given wins). The earliest score inside the window is the starting point; with
/// a single score in the window the delta is 0.
pub fn health_trend(history: &[HealthScore], options: TrendOptions) -> Result<Trend> {
    if !(options.flat_within.is_finite() && options.flat_within >= 0.0) {
        return Err(Error::out_of_range(
            "flat_within",
            options.flat_within,
            "a finite number >= 0",
        ));
    }
    let latest = history
        .iter()
        .enumerate()
        .max_by_key(|(i, h)| (h.as_of, *i))
        .map(|(_, h)| h)
        .ok_or_else(|| Error::empty("health history"))?;
    let start = latest
        .as_of
        .checked_sub_signed(TimeDelta::days(i64::from(options.window_days)))
        .unwrap_or(NaiveDate::MIN);
    let earliest = history
        .iter()
        .enumerate()
        .filter(|(_, h)| h.as_of >= start)
        .min_by_key(|(i, h)| (h.as_of, std::cmp::Reverse(*i)))
        .map_or(latest, |(_, h)| h);
    let delta = match (earliest.score, latest.score) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    let direction = delta.map(|d| {
        if d > options.flat_within {
            TrendDirection::Up
        } else if d < -options.flat_within {
            TrendDirection::Down
        } else {
            TrendDirection::Flat
        }
    });
    Ok(Trend {
        from: earliest.as_of,
        to: latest.as_of,
        from_score: earliest.score,
        to_score: latest.score,
        delta,
        direction,
        from_band: earliest.band.clone(),
        to_band: latest.band.clone(),
        band_changed: earliest.band != latest.band,
        changes: explain_change(earliest, latest),
    })
}

/// The positions of the `n` largest falls among `trends` (most negative delta first; ties in
/// input order); trends without a delta or with a delta of 0 or more are not falls.
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::health::{Trend, largest_falls};
/// let d = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
/// let t = |delta| Trend { from: d, to: d, from_score: None, to_score: None, delta, direction: None,
///     from_band: None, to_band: None, band_changed: false, changes: Vec::new() };
/// let trends = [t(Some(-5.0)), t(Some(3.0)), t(None), t(Some(-12.5))];
/// assert_eq!(largest_falls(&trends, 5), vec![3, 0]);
/// assert_eq!(largest_falls(&trends, 1), vec![3]);
/// ```
pub fn largest_falls(trends: &[Trend], n: usize) -> Vec<usize> {
    let mut falls: Vec<(usize, f64)> = trends
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.delta.filter(|d| *d < 0.0).map(|d| (i, d)))
        .collect();
    falls.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    falls.into_iter().take(n).map(|(i, _)| i).collect()
}
