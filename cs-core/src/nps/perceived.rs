use serde::{Deserialize, Serialize};

use super::{Category, NpsScore};
use crate::portfolio::Column;
use crate::{Error, Result};

/// The CSM's estimate of how an account will answer the NPS survey ("NPS perceived"), captured
/// at kickoff and before each survey (docs/domain-sources.md, "NPS perceived"). Either an exact
/// 0..=10 score or just the expected category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Perceived {
    /// The CSM guessed the exact answer.
    Score(NpsScore),
    /// The CSM guessed only the category.
    Category(Category),
}

impl Perceived {
    /// The expected category.
    pub fn category(self) -> Category {
        match self {
            Perceived::Score(s) => s.category(),
            Perceived::Category(c) => c,
        }
    }

    /// Compares the estimate with the customer's actual answer.
    ///
    /// ```
    /// use cs_core::nps::{NpsScore, Perceived};
    /// let p = Perceived::Score(NpsScore::new(9)?);
    /// let gap = p.against(NpsScore::new(6)?);
    /// assert_eq!(gap.gap, Some(3)); // the CSM was 3 points too optimistic
    /// assert!(!gap.category_match);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn against(self, actual: NpsScore) -> PerceivedGap {
        let gap = match self {
            // Both values are validated to 0..=10, so they fit an i8 and so does their difference.
            Perceived::Score(s) => Some(s.value() as i8 - actual.value() as i8),
            Perceived::Category(_) => None,
        };
        PerceivedGap {
            perceived: self,
            actual,
            gap,
            category_match: self.category() == actual.category(),
        }
    }
}

/// One account's perceived-vs-actual comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerceivedGap {
    /// The CSM's estimate.
    pub perceived: Perceived,
    /// The customer's answer.
    pub actual: NpsScore,
    /// perceived − actual in points (positive: the CSM was too optimistic); `None` when the
    /// estimate is only a category.
    pub gap: Option<i8>,
    /// Whether the estimated category is the actual one.
    pub category_match: bool,
}

/// How well a team's CSMs read their accounts: the calibration of NPS perceived against actual
/// answers over a portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Number of accounts with both an estimate and an answer.
    pub pairs: u64,
    /// Accounts whose estimated category matches the answer.
    pub matches: u64,
    /// Accounts whose estimate is an exact score (the base of the gap statistics).
    pub scored_pairs: u64,
    /// Sum of perceived − actual over the scored pairs (kept so that calibrations merge exactly).
    pub gap_sum: i64,
    /// Sum of |perceived − actual| over the scored pairs.
    pub abs_gap_sum: u64,
    /// Counts by perceived category (rows) and actual category (columns), both in the order
    /// detractor, passive, promoter.
    pub confusion: [[u64; 3]; 3],
}

impl Calibration {
    /// Calibration of a list of (estimate, answer) pairs; an empty list is an error.
    ///
    /// ```
    /// use cs_core::nps::{Calibration, Category, NpsScore, Perceived};
    /// let s = |v| NpsScore::new(v).unwrap();
    /// let cal = Calibration::from_pairs([
    ///     (Perceived::Score(s(9)), s(10)),             // match, gap -1
    ///     (Perceived::Score(s(8)), s(4)),              // miss, gap +4
    ///     (Perceived::Category(Category::Passive), s(7)), // match, no gap
    /// ])?;
    /// assert!((cal.match_share() - 2.0 / 3.0).abs() < 1e-12);
    /// assert_eq!(cal.mean_signed_gap(), Some(1.5));
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Perceived, NpsScore)>) -> Result<Self> {
        let mut cal = Calibration {
            pairs: 0,
            matches: 0,
            scored_pairs: 0,
            gap_sum: 0,
            abs_gap_sum: 0,
            confusion: [[0; 3]; 3],
        };
        for (perceived, actual) in pairs {
            cal.add(perceived.against(actual));
        }
        if cal.pairs == 0 {
            return Err(Error::empty("perceived vs actual pairs"));
        }
        Ok(cal)
    }

    /// Calibration of two columns of 0..=10 scores, the CSM's estimates and the customers'
    /// answers, row by row; rows where either side is null (or NaN) are not counted. A value
    /// that is not a whole number in 0..=10 is an error naming its column and row; no complete
    /// pair is an error.
    ///
    /// ```
    /// use cs_core::nps::Calibration;
    /// use cs_core::portfolio::Column;
    /// let perceived = [9.0, 8.0, f64::NAN, 7.0];
    /// let actual = [10.0, 4.0, 3.0, 5.0];
    /// let cal = Calibration::from_columns(Column::new("perceived", &perceived), Column::new("score", &actual))?;
    /// assert_eq!((cal.pairs, cal.matches), (3, 1));
    /// assert_eq!(cal.hidden_detractors(), 2); // 8 -> 4 and 7 -> 5
    /// assert_eq!(cal.mean_signed_gap(), Some(5.0 / 3.0)); // (-1 + 4 + 2) / 3
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn from_columns(perceived: Column<'_, f64>, actual: Column<'_, f64>) -> Result<Self> {
        Calibration::by(perceived, actual, |_| Ok(()))?
            .pop()
            .map(|((), c)| c)
            .ok_or_else(|| Error::empty("perceived vs actual pairs"))
    }

    /// [`Calibration::from_columns`] per group: rows are grouped by `key(i)`, groups in key
    /// order; a group without a complete pair is left out.
    ///
    /// ```
    /// use cs_core::nps::Calibration;
    /// use cs_core::portfolio::Column;
    /// let perceived = [9.0, 8.0, 7.0];
    /// let actual = [10.0, 4.0, 5.0];
    /// let csm = ["ana", "ben", "ben"];
    /// let by = Calibration::by(Column::new("perceived", &perceived), Column::new("score", &actual), |i| Ok(csm[i]))?;
    /// assert_eq!(by[0].0, "ana");
    /// assert_eq!(by[0].1.match_share(), 1.0);
    /// assert_eq!(by[1].1.hidden_detractors(), 2);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn by<K, F>(perceived: Column<'_, f64>, actual: Column<'_, f64>, mut key: F) -> Result<Vec<(K, Self)>>
    where
        K: Ord,
        F: FnMut(usize) -> Result<K>,
    {
        actual.expect_len(perceived.len())?;
        let score = |c: &Column<'_, f64>, i: usize| -> Result<Option<NpsScore>> {
            match c.get(i).filter(|v| !v.is_nan()) {
                None => Ok(None),
                Some(v) => {
                    let s = super::Answer::to_score(v)
                        .ok_or_else(|| Error::out_of_range(c.name(), v, "a whole number in 0..=10").at(i))?;
                    NpsScore::new(i64::from(s)).map(Some)
                }
            }
        };
        let mut groups: std::collections::BTreeMap<K, Calibration> = std::collections::BTreeMap::new();
        for i in 0..perceived.len() {
            let (p, a) = (score(&perceived, i)?, score(&actual, i)?);
            if let (Some(p), Some(a)) = (p, a) {
                groups
                    .entry(key(i)?)
                    .or_insert(Calibration {
                        pairs: 0,
                        matches: 0,
                        scored_pairs: 0,
                        gap_sum: 0,
                        abs_gap_sum: 0,
                        confusion: [[0; 3]; 3],
                    })
                    .add(Perceived::Score(p).against(a));
            }
        }
        Ok(groups.into_iter().collect())
    }

    fn add(&mut self, g: PerceivedGap) {
        self.pairs += 1;
        self.matches += u64::from(g.category_match);
        if let Some(gap) = g.gap {
            self.scored_pairs += 1;
            self.gap_sum += i64::from(gap);
            self.abs_gap_sum += u64::from(gap.unsigned_abs());
        }
        self.confusion[g.perceived.category().index()][g.actual.category().index()] += 1;
    }

    /// Share (0..=1) of accounts whose category was read right.
    pub fn match_share(&self) -> f64 {
        self.matches as f64 / self.pairs as f64
    }

    /// Mean of perceived − actual over the scored pairs (positive: CSMs are optimistic);
    /// `None` when no estimate was an exact score.
    pub fn mean_signed_gap(&self) -> Option<f64> {
        (self.scored_pairs > 0).then(|| self.gap_sum as f64 / self.scored_pairs as f64)
    }

    /// Mean of |perceived − actual| over the scored pairs.
    pub fn mean_absolute_gap(&self) -> Option<f64> {
        (self.scored_pairs > 0).then(|| self.abs_gap_sum as f64 / self.scored_pairs as f64)
    }

    /// Accounts the CSM believed were not detractors but who answered as detractors: the
    /// surprises that matter most for renewal.
    pub fn hidden_detractors(&self) -> u64 {
        self.confusion[Category::Passive.index()][Category::Detractor.index()]
            + self.confusion[Category::Promoter.index()][Category::Detractor.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: i64) -> NpsScore {
        NpsScore::new(v).unwrap()
    }

    #[test]
    fn gap_sign_is_perceived_minus_actual() {
        assert_eq!(Perceived::Score(s(3)).against(s(10)).gap, Some(-7));
        assert_eq!(Perceived::Category(Category::Promoter).against(s(10)).gap, None);
    }

    #[test]
    fn confusion_table_rows_are_perceived() {
        let cal = Calibration::from_pairs([
            (Perceived::Score(s(9)), s(2)),
            (Perceived::Score(s(9)), s(9)),
            (Perceived::Category(Category::Detractor), s(8)),
        ])
        .unwrap();
        assert_eq!(cal.confusion, [[0, 1, 0], [0, 0, 0], [1, 0, 1]]);
        assert_eq!(cal.hidden_detractors(), 1);
        // gaps: +7, 0 -> mean 3.5, mean |gap| 3.5
        assert_eq!(cal.mean_signed_gap(), Some(3.5));
        assert_eq!(cal.mean_absolute_gap(), Some(3.5));
    }

    #[test]
    fn empty_calibration_is_an_error() {
        assert_eq!(
            Calibration::from_pairs([]).unwrap_err(),
            Error::empty("perceived vs actual pairs")
        );
    }

    #[test]
    fn only_categories_means_no_gap() {
        let cal = Calibration::from_pairs([(Perceived::Category(Category::Passive), s(7))]).unwrap();
        assert_eq!(cal.mean_signed_gap(), None);
        assert_eq!(cal.match_share(), 1.0);
    }
}
