use serde::{Deserialize, Serialize};

use crate::portfolio::Column;
use crate::statistics::Confidence;
use crate::{Error, Result};

/// Customer satisfaction: the share of survey ratings on a 1..=5 scale strictly above a
/// threshold. The default threshold 3.5 follows the KPI "% of surveys > 3.5 (out of 5)"
/// (docs/domain-sources.md, "Key performance metrics").
///
/// ```
/// use cs_core::nps::Csat;
/// let csat = Csat::from_ratings(&[5.0, 4.0, 3.5, 2.0], None)?;
/// assert_eq!(csat.satisfied, 2); // 3.5 is not above 3.5
/// assert_eq!(csat.score(), 50.0);
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Csat {
    /// Ratings above the threshold.
    pub satisfied: u64,
    /// Ratings counted.
    pub responses: u64,
    /// The threshold used.
    pub threshold: f64,
}

impl Csat {
    /// The default threshold: 3.5 on a 1..=5 scale.
    pub const DEFAULT_THRESHOLD: f64 = 3.5;

    /// CSAT of ratings in 1..=5 (any real value, e.g. an average of several questions).
    /// A rating outside the scale, NaN or infinite is an error naming its position; a threshold
    /// outside 1..=5 is an error; no ratings is an error.
    pub fn from_ratings(ratings: &[f64], threshold: Option<f64>) -> Result<Self> {
        Csat::from_column(Column::new("csat rating", ratings), threshold)
    }

    /// CSAT of a column; null (or NaN) ratings are an error naming their position.
    pub fn from_column(ratings: Column<'_, f64>, threshold: Option<f64>) -> Result<Self> {
        let threshold = threshold.unwrap_or(Csat::DEFAULT_THRESHOLD);
        if !(1.0..=5.0).contains(&threshold) {
            return Err(Error::out_of_range("csat threshold", threshold, "1..=5"));
        }
        let mut satisfied = 0u64;
        for i in 0..ratings.len() {
            // Null and NaN (the float missing marker) are both a missing rating.
            let r = ratings
                .get(i)
                .filter(|r| !r.is_nan())
                .ok_or_else(|| Error::Missing {
                    field: ratings.name().to_owned(),
                    position: Some(i),
                })?;
            if !(1.0..=5.0).contains(&r) {
                return Err(Error::out_of_range(ratings.name(), r, "1..=5").at(i));
            }
            satisfied += u64::from(r > threshold);
        }
        if ratings.is_empty() {
            return Err(Error::empty(ratings.name()));
        }
        Ok(Csat {
            satisfied,
            responses: ratings.len() as u64,
            threshold,
        })
    }

    /// CSAT per group: rows are grouped by `key(i)`, each group scored as
    /// [`Csat::from_column`] does (same threshold and validation, errors naming the row), groups
    /// in key order.
    ///
    /// ```
    /// use cs_core::nps::Csat;
    /// use cs_core::portfolio::Column;
    /// let ratings = [5.0, 2.0, 4.0, 4.5];
    /// let csm = ["ana", "ana", "ben", "ben"];
    /// let groups = Csat::by(Column::new("csat", &ratings), None, |i| Ok(csm[i]))?;
    /// assert_eq!(groups[0].0, "ana");
    /// assert_eq!(groups[0].1.score(), 50.0);
    /// assert_eq!(groups[1].1.satisfied, 2);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn by<K, F>(ratings: Column<'_, f64>, threshold: Option<f64>, mut key: F) -> Result<Vec<(K, Csat)>>
    where
        K: Ord,
        F: FnMut(usize) -> Result<K>,
    {
        // Validate every row (and the threshold) once, in row order, so errors name the row.
        Csat::from_column(ratings, threshold)?;
        let threshold = threshold.unwrap_or(Csat::DEFAULT_THRESHOLD);
        let mut groups: std::collections::BTreeMap<K, Csat> = std::collections::BTreeMap::new();
        for i in 0..ratings.len() {
            let r = ratings.get(i).unwrap_or(f64::NAN);
            let g = groups.entry(key(i)?).or_insert(Csat {
                satisfied: 0,
                responses: 0,
                threshold,
            });
            g.responses += 1;
            g.satisfied += u64::from(r > threshold);
        }
        Ok(groups.into_iter().collect())
    }

    /// Percentage (0..=100) of satisfied ratings.
    pub fn score(&self) -> f64 {
        100.0 * self.satisfied as f64 / self.responses as f64
    }

    /// Wald margin of error of the percentage: z × 100 × √(p(1 − p) / n).
    pub fn margin_of_error(&self, confidence: f64) -> Result<f64> {
        let p = self.satisfied as f64 / self.responses as f64;
        Ok(Confidence::new(confidence)?.z() * 100.0 * (p * (1.0 - p) / self.responses as f64).sqrt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_is_strict_and_configurable() {
        let c = Csat::from_ratings(&[4.0, 4.0, 3.0, 1.0], Some(3.0)).unwrap();
        assert_eq!((c.satisfied, c.responses), (2, 4));
    }

    #[test]
    fn bad_ratings_are_rejected_with_position() {
        assert_eq!(
            Csat::from_ratings(&[4.0, 6.0], None).unwrap_err().to_string(),
            "csat rating 6 at position 1 is outside 1..=5"
        );
        assert_eq!(
            Csat::from_ratings(&[f64::NAN], None).unwrap_err().to_string(),
            "csat rating is missing at position 0"
        );
        assert_eq!(
            Csat::from_ratings(&[f64::INFINITY], None)
                .unwrap_err()
                .to_string(),
            "csat rating inf at position 0 is outside 1..=5"
        );
        assert!(Csat::from_ratings(&[], None).is_err());
        assert!(Csat::from_ratings(&[3.0], Some(0.5)).is_err());
    }

    #[test]
    fn margin_hand_computed() {
        // p = 0.5, n = 100: 1.959964 * 100 * 0.05 = 9.79982
        let c = Csat {
            satisfied: 50,
            responses: 100,
            threshold: 3.5,
        };
        assert!((c.margin_of_error(0.95).unwrap() - 9.799_819_922_700_27).abs() < 1e-9);
    }
}
