use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Answer, Category};
use crate::portfolio::Column;
use crate::statistics::{Confidence, two_sided_p_value};
use crate::{Error, Result};

/// What to do with a null (or NaN) answer in a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingAnswers {
    /// A null answer is an error naming its position (the default: no data is dropped unseen).
    #[default]
    Reject,
    /// Null answers are skipped and counted in [`Nps::skipped`].
    Skip,
}

/// Rows per parallel task when counting a long column.
const PARALLEL_CHUNK: usize = 1 << 20;

/// How a confidence interval of an NPS is computed.
///
/// - [`IntervalMethod::Wald`] (the default): score ± z × SE, SE from the trinomial variance
///   pP + pD − (pP − pD)² of the sample. It collapses to a single point when every answer is in
///   one category (all promoters: "+100 ± 0"), which reads as certainty.
/// - [`IntervalMethod::AdjustedWald`]: the same interval after adding pseudo-counts, ¾ to the
///   promoters and ¾ to the detractors (3 to the sample size, so 1½ to the passives): centred on
///   the adjusted score and never collapsed. Rocks (2016, *The American Statistician*) found it
///   the best of six methods in coverage and width; Sauro and Lewis (`MeasuringU`, 2021)
///   confirmed it on real survey data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalMethod {
    /// Score ± z × SE of the sample.
    #[default]
    Wald,
    /// Wald after ¾ pseudo-promoter, ¾ pseudo-detractor and 1½ pseudo-passive answers.
    AdjustedWald,
}

impl IntervalMethod {
    /// Reads `wald` or `adjusted_wald` (also `adjusted-wald`, `adjusted`), case-insensitive.
    pub fn parse(name: &str) -> Result<Self> {
        match name.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "wald" => Ok(IntervalMethod::Wald),
            "adjusted_wald" | "adjusted" => Ok(IntervalMethod::AdjustedWald),
            _ => Err(Error::unknown("interval method", name, ["wald", "adjusted_wald"])),
        }
    }

    /// The method's name: `wald` or `adjusted_wald`.
    pub fn name(self) -> &'static str {
        match self {
            IntervalMethod::Wald => "wald",
            IntervalMethod::AdjustedWald => "adjusted_wald",
        }
    }
}

/// A margin of error and the interval around a score, in points (see [`Nps::interval`]).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Interval {
    /// z × standard error.
    pub margin_of_error: f64,
    /// Lower bound, at least −100.
    pub low: f64,
    /// Upper bound, at most 100.
    pub high: f64,
}

/// A Net Promoter Score with its counts and statistics.
///
/// NPS = 100 × (promoters − detractors) / responses, in points from −100 to 100.
///
/// Statistics treat each answer as a draw from a multinomial distribution over the three
/// categories with shares pP (promoters) and pD (detractors). The NPS per answer is the mean of
/// a variable worth +1 for a promoter, 0 for a passive and −1 for a detractor, whose variance is
/// `var = pP + pD − (pP − pD)²`. The standard error of the score is `100 × √(var / n)` points, the
/// margin of error at confidence c is `z × SE` with `z = Φ⁻¹((1 + c) / 2)`, and the interval is
/// the Wald interval `NPS ± margin`, clipped to [−100, 100]. Source: B. Rocks, "Interval
/// Estimation for the Net Promoter Score", The American Statistician 70(4), 2016 (the Wald
/// interval of section 2).
///
/// ```
/// use cs_core::nps::Nps;
/// // 50 promoters, 30 passives, 20 detractors: NPS = 50 % - 20 % = 30 points.
/// let nps = Nps::from_counts(50, 30, 20)?;
/// assert_eq!(nps.score(), 30.0);
/// // var = 0.5 + 0.2 - 0.3² = 0.61; SE = 100·√(0.61/100) = 7.8102 points.
/// assert!((nps.standard_error() - 7.810249675906654).abs() < 1e-12);
/// let (low, high) = nps.confidence_interval(0.95)?;
/// assert!((low - 14.692).abs() < 1e-3 && (high - 45.308).abs() < 1e-3);
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nps {
    promoters: u64,
    passives: u64,
    detractors: u64,
    #[serde(default)]
    skipped: u64,
}

impl Nps {
    /// An NPS from category counts. All zero is [`Error::Empty`]: a score of nobody is unknown,
    /// not zero.
    ///
    /// Counts whose total exceeds `u64::MAX` are [`Error::OutOfRange`] (the total used to wrap
    /// around, so 2^64 - 1 promoters and passives and one detractor scored 100).
    pub fn from_counts(promoters: u64, passives: u64, detractors: u64) -> Result<Self> {
        if promoters
            .checked_add(passives)
            .and_then(|s| s.checked_add(detractors))
            .is_none()
        {
            return Err(Error::out_of_range(
                "nps responses",
                format!("{promoters} + {passives} + {detractors}"),
                format!("0..={}", u64::MAX),
            ));
        }
        let nps = Nps {
            promoters,
            passives,
            detractors,
            skipped: 0,
        };
        if nps.responses() == 0 {
            return Err(Error::empty("nps answers"));
        }
        Ok(nps)
    }

    /// An NPS from the eleven per-score counts (index = score).
    pub fn from_histogram(counts: &[u64; 11]) -> Result<Self> {
        let total = |c: &[u64]| c.iter().try_fold(0u64, |s, &x| s.checked_add(x));
        let (Some(detractors), Some(passives), Some(promoters)) =
            (total(&counts[..7]), total(&counts[7..9]), total(&counts[9..]))
        else {
            return Err(Error::out_of_range(
                "nps responses",
                "the sum of the score counts",
                format!("0..={}", u64::MAX),
            ));
        };
        Nps::from_counts(promoters, passives, detractors)
    }

    /// An NPS from answers of any integer type (or integral `f64`).
    ///
    /// An answer outside 0..=10 is [`Error::OutOfRange`] naming its position.
    pub fn from_answers<T: Answer>(answers: &[T]) -> Result<Self> {
        Nps::from_column(Column::new("nps score", answers), MissingAnswers::Reject)
    }

    /// An NPS from a column with optional nulls. Long columns are counted in parallel; the
    /// counts (and so the result) do not depend on the number of threads, and the error reported
    /// is always the one at the lowest position.
    pub fn from_column<T: Answer>(answers: Column<'_, T>, missing: MissingAnswers) -> Result<Self> {
        if answers.is_empty() {
            return Err(Error::empty(answers.name()));
        }
        let (counts, skipped) = if answers.len() > PARALLEL_CHUNK {
            let parts: Vec<Result<([u64; 11], u64)>> = (0..answers.len().div_ceil(PARALLEL_CHUNK))
                .into_par_iter()
                .map(|c| {
                    let start = c * PARALLEL_CHUNK;
                    count_answers(answers.slice(start, start + PARALLEL_CHUNK), start, missing)
                })
                .collect();
            let mut total = ([0u64; 11], 0u64);
            for part in parts {
                let (counts, skipped) = part?;
                for (t, c) in total.0.iter_mut().zip(counts) {
                    *t += c;
                }
                total.1 += skipped;
            }
            total
        } else {
            count_answers(answers, 0, missing)?
        };
        let mut nps = Nps::from_histogram(&counts)?;
        nps.skipped = skipped;
        Ok(nps)
    }

    /// Number of promoters (answers 9 and 10).
    pub fn promoters(&self) -> u64 {
        self.promoters
    }

    /// Number of passives (answers 7 and 8).
    pub fn passives(&self) -> u64 {
        self.passives
    }

    /// Number of detractors (answers 0 to 6).
    pub fn detractors(&self) -> u64 {
        self.detractors
    }

    /// Number of null answers skipped under [`MissingAnswers::Skip`].
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// Number of answers counted.
    pub fn responses(&self) -> u64 {
        self.promoters + self.passives + self.detractors
    }

    /// The count of one category.
    pub fn count(&self, category: Category) -> u64 {
        match category {
            Category::Promoter => self.promoters,
            Category::Passive => self.passives,
            Category::Detractor => self.detractors,
        }
    }

    /// The share (0..=1) of one category.
    pub fn share(&self, category: Category) -> f64 {
        self.count(category) as f64 / self.responses() as f64
    }

    /// The score in points, −100..=100.
    pub fn score(&self) -> f64 {
        let n = self.responses() as f64;
        100.0 * (self.promoters as f64 - self.detractors as f64) / n
    }

    /// Variance of one answer on the −1/0/+1 scale: pP + pD − (pP − pD)².
    pub fn variance(&self) -> f64 {
        let p = self.share(Category::Promoter);
        let d = self.share(Category::Detractor);
        // Clamp the rounding residue of e.g. all-promoter samples (1 - 1² = 0 exactly anyway).
        (p + d - (p - d) * (p - d)).max(0.0)
    }

    /// Standard error of the score, in points: 100 × √(var / n).
    pub fn standard_error(&self) -> f64 {
        100.0 * (self.variance() / self.responses() as f64).sqrt()
    }

    /// Margin of error in points at a confidence level in (0, 1): z × SE.
    pub fn margin_of_error(&self, confidence: f64) -> Result<f64> {
        Ok(self.interval(Confidence::new(confidence)?).margin_of_error)
    }

    /// Wald confidence interval in points, clipped to [−100, 100].
    pub fn confidence_interval(&self, confidence: f64) -> Result<(f64, f64)> {
        let i = self.interval(Confidence::new(confidence)?);
        Ok((i.low, i.high))
    }

    /// The margin of error and the Wald interval at a validated confidence level: the one
    /// definition every table of NPS by group uses (z × SE; score ± margin clipped to
    /// [−100, 100]).
    ///
    /// ```
    /// use cs_core::nps::Nps;
    /// use cs_core::statistics::Confidence;
    /// let nps = Nps::from_counts(2, 0, 0)?; // all promoters: the Wald interval collapses
    /// let i = nps.interval(Confidence::new(0.95)?);
    /// assert_eq!((i.margin_of_error, i.low, i.high), (0.0, 100.0, 100.0));
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn interval(&self, confidence: Confidence) -> Interval {
        self.interval_by(confidence, IntervalMethod::Wald)
    }

    /// The interval by `method` (see [`IntervalMethod`]), clipped to [−100, 100]. For the
    /// adjusted Wald interval the margin is z × the adjusted SE and the interval is centred on
    /// the adjusted score 100 × (P + ¾ − D − ¾) / (n + 3) = 100 × (P − D) / (n + 3).
    ///
    /// ```
    /// use cs_core::nps::{IntervalMethod, Nps};
    /// use cs_core::statistics::Confidence;
    /// let nps = Nps::from_counts(2, 0, 0)?; // all promoters
    /// let i = nps.interval_by(Confidence::new(0.95)?, IntervalMethod::AdjustedWald);
    /// // p = 2.75 / 5, d = 0.75 / 5: 40 ± 64.4, clipped to [−24.4, 100]; not "+100 ± 0".
    /// assert!((i.low + 24.41).abs() < 0.01 && i.high == 100.0 && i.margin_of_error > 64.0);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn interval_by(&self, confidence: Confidence, method: IntervalMethod) -> Interval {
        let (center, se) = match method {
            IntervalMethod::Wald => (self.score(), self.standard_error()),
            IntervalMethod::AdjustedWald => {
                let n = self.responses() as f64 + 3.0;
                let p = (self.promoters as f64 + 0.75) / n;
                let d = (self.detractors as f64 + 0.75) / n;
                let variance = (p + d - (p - d) * (p - d)).max(0.0);
                (100.0 * (p - d), 100.0 * (variance / n).sqrt())
            }
        };
        let margin_of_error = confidence.z() * se;
        Interval {
            margin_of_error,
            low: (center - margin_of_error).max(-100.0),
            high: (center + margin_of_error).min(100.0),
        }
    }

    /// Compares this result with another, independent one (another period, another segment).
    ///
    /// difference = self − other (points); SE = √(SE₁² + SE₂²); z = difference / SE;
    /// p = 2(1 − Φ(|z|)) (two-sided). When both samples have zero variance (e.g. all promoters)
    /// z and p are `None`: the test is undefined, and saying "significant" would be a lie.
    ///
    /// ```
    /// use cs_core::nps::Nps;
    /// let now = Nps::from_counts(600, 200, 200)?; // 40
    /// let before = Nps::from_counts(450, 300, 250)?; // 20
    /// let cmp = now.compare(&before);
    /// assert_eq!(cmp.difference, 20.0);
    /// assert!(cmp.p_value.unwrap() < 0.05);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn compare(&self, other: &Nps) -> NpsComparison {
        let difference = self.score() - other.score();
        let standard_error = self.standard_error().hypot(other.standard_error());
        let (z, p_value) = if standard_error > 0.0 {
            let z = difference / standard_error;
            (Some(z), Some(two_sided_p_value(z)))
        } else {
            (None, None)
        };
        NpsComparison {
            difference,
            standard_error,
            z,
            p_value,
        }
    }

    pub(super) fn with_skipped(mut self, skipped: u64) -> Nps {
        self.skipped = skipped;
        self
    }

    /// Adds the counts of another result (pooling two samples).
    #[must_use]
    pub fn merge(&self, other: &Nps) -> Nps {
        Nps {
            promoters: self.promoters + other.promoters,
            passives: self.passives + other.passives,
            detractors: self.detractors + other.detractors,
            skipped: self.skipped + other.skipped,
        }
    }
}

/// Counts one chunk; `base` is the chunk's first row, so errors name global positions.
fn count_answers<T: Answer>(
    answers: Column<'_, T>,
    base: usize,
    missing: MissingAnswers,
) -> Result<([u64; 11], u64)> {
    let mut counts = [0u64; 11];
    let mut skipped = 0u64;
    let values = answers.values();
    let out_of_range =
        |i: usize| Error::out_of_range(answers.name(), values[i].describe(), "0..=10").at(base + i);
    match answers.validity() {
        None if !(missing == MissingAnswers::Skip && values.iter().any(|v| v.is_missing())) => {
            if let Some(i) = T::count_into(values, &mut counts) {
                return Err(if values[i].is_missing() {
                    Error::Missing {
                        field: answers.name().to_owned(),
                        position: Some(base + i),
                    }
                } else {
                    out_of_range(i)
                });
            }
        }
        _ => {
            for (i, v) in values.iter().enumerate() {
                let present = answers.validity().is_none_or(|b| b.is_valid(i)) && !v.is_missing();
                if !present {
                    if missing == MissingAnswers::Skip {
                        skipped += 1;
                        continue;
                    }
                    return Err(Error::Missing {
                        field: answers.name().to_owned(),
                        position: Some(base + i),
                    });
                }
                match v.to_score() {
                    Some(s) => counts[usize::from(s)] += 1,
                    None => return Err(out_of_range(i)),
                }
            }
        }
    }
    Ok((counts, skipped))
}

/// The comparison of two independent NPS results; see [`Nps::compare`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NpsComparison {
    /// First score minus second, in points.
    pub difference: f64,
    /// Standard error of the difference, in points.
    pub standard_error: f64,
    /// The z statistic; `None` when the standard error is zero.
    pub z: Option<f64>,
    /// Two-sided p-value; `None` when the standard error is zero.
    pub p_value: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portfolio::Validity;

    #[test]
    fn score_from_answers_hand_computed() {
        // 10, 9, 9 promoters; 8, 7 passives; 6, 0 detractors: (3 - 2) / 7 = 14.2857 points.
        let nps = Nps::from_answers(&[10u8, 9, 9, 8, 7, 6, 0]).unwrap();
        assert_eq!((nps.promoters(), nps.passives(), nps.detractors()), (3, 2, 2));
        assert!((nps.score() - 100.0 / 7.0).abs() < 1e-12);
    }

    #[test]
    fn standard_error_hand_computed() {
        // pP = 3/7, pD = 2/7: var = 5/7 - (1/7)² = 34/49; SE = 100·√(34/49/7) = 31.4843 points.
        let nps = Nps::from_answers(&[10i64, 9, 9, 8, 7, 6, 0]).unwrap();
        let expected = 100.0 * (34.0f64 / 49.0 / 7.0).sqrt();
        assert!((nps.standard_error() - expected).abs() < 1e-12);
        // 90 % margin: z = 1.6448536269514722.
        let m = nps.margin_of_error(0.90).unwrap();
        assert!((m - 1.6448536269514722 * expected).abs() < 1e-9);
    }

    #[test]
    fn empty_input_is_an_error_not_zero() {
        assert_eq!(
            Nps::from_answers::<u8>(&[]).unwrap_err(),
            Error::empty("nps score")
        );
        assert_eq!(
            Nps::from_counts(0, 0, 0).unwrap_err(),
            Error::empty("nps answers")
        );
        // Every answer skipped: nothing to score either.
        let nan = [f64::NAN];
        assert_eq!(
            Nps::from_column(Column::new("nps score", &nan), MissingAnswers::Skip).unwrap_err(),
            Error::empty("nps answers")
        );
    }

    #[test]
    fn out_of_range_answer_names_position() {
        let err = Nps::from_answers(&[9i32, 10, 3, 11]).unwrap_err();
        assert_eq!(err.to_string(), "nps score 11 at position 3 is outside 0..=10");
        let err = Nps::from_answers(&[9i32, -2]).unwrap_err();
        assert_eq!(err.to_string(), "nps score -2 at position 1 is outside 0..=10");
    }

    #[test]
    fn confidence_level_is_validated() {
        let nps = Nps::from_counts(1, 1, 1).unwrap();
        assert!(nps.margin_of_error(1.0).is_err());
        assert!(nps.confidence_interval(0.0).is_err());
    }

    #[test]
    fn interval_is_clipped_to_the_scale() {
        let nps = Nps::from_counts(2, 0, 1).unwrap();
        let (lo, hi) = nps.confidence_interval(0.99).unwrap();
        assert!(lo >= -100.0 && hi <= 100.0);
    }

    #[test]
    fn nulls_rejected_or_skipped() {
        let values = [9u8, 0, 7];
        let bits = [0b101u8];
        let col = Column::new("nps score", &values)
            .with_validity(Validity::new(&bits, 0, 3).unwrap())
            .unwrap();
        assert_eq!(
            Nps::from_column(col, MissingAnswers::Reject)
                .unwrap_err()
                .to_string(),
            "nps score is missing at position 1"
        );
        let nps = Nps::from_column(col, MissingAnswers::Skip).unwrap();
        assert_eq!((nps.responses(), nps.skipped()), (2, 1));
    }

    #[test]
    fn nan_is_missing_in_float_columns() {
        let values = [9.0, f64::NAN, 3.0];
        let col = Column::new("nps score", &values);
        assert_eq!(
            Nps::from_column(col, MissingAnswers::Reject)
                .unwrap_err()
                .to_string(),
            "nps score is missing at position 1"
        );
        let nps = Nps::from_column(col, MissingAnswers::Skip).unwrap();
        assert_eq!((nps.promoters(), nps.detractors(), nps.skipped()), (1, 1, 1));
        let err = Nps::from_answers(&[9.0, 9.5]).unwrap_err().to_string();
        assert_eq!(err, "nps score 9.5 at position 1 is outside 0..=10");
    }

    #[test]
    fn parallel_count_equals_serial_and_reports_first_error() {
        let n = PARALLEL_CHUNK * 3 + 17;
        let values: Vec<u8> = (0..n).map(|i| (i % 11) as u8).collect();
        let nps = Nps::from_answers(&values).unwrap();
        let mut serial = [0u64; 11];
        for v in &values {
            serial[usize::from(*v)] += 1;
        }
        assert_eq!(nps, Nps::from_histogram(&serial).unwrap());
        let mut bad = values;
        bad[PARALLEL_CHUNK * 2 + 5] = 42;
        bad[PARALLEL_CHUNK + 3] = 11;
        let err = Nps::from_answers(&bad).unwrap_err();
        assert_eq!(
            err,
            Error::out_of_range("nps score", 11, "0..=10").at(PARALLEL_CHUNK + 3)
        );
    }

    #[test]
    fn comparison_hand_computed() {
        // a: 60/20/20 -> 40, var = 0.8 - 0.16 = 0.64, SE = 8; b: 45/30/25 -> 20,
        // var = 0.7 - 0.04 = 0.66, SE = 8.1240; SE diff = √130 = 11.4018; z = 1.754116; p = erfc(z/√2) = 0.0794106.
        let cmp = Nps::from_counts(60, 20, 20)
            .unwrap()
            .compare(&Nps::from_counts(45, 30, 25).unwrap());
        assert!((cmp.difference - 20.0).abs() < 1e-12);
        assert!((cmp.standard_error - (64.0f64 + 66.0).sqrt()).abs() < 1e-12);
        assert!((cmp.z.unwrap() - 20.0 / 130.0f64.sqrt()).abs() < 1e-12);
        assert!((cmp.p_value.unwrap() - 0.079_410_6).abs() < 1e-6);
    }

    #[test]
    fn comparison_of_zero_variance_samples_is_undefined() {
        let all = Nps::from_counts(10, 0, 0).unwrap();
        let cmp = all.compare(&all);
        assert_eq!((cmp.z, cmp.p_value), (None, None));
    }
}

#[cfg(test)]
mod interval_tests {
    use super::*;

    /// The adjusted Wald interval computed independently from its definition (Rocks 2016):
    /// n' = n + 3, p' = (P + 0.75) / n', d' = (D + 0.75) / n', SE' = √((p' + d' − (p' − d')²) / n').
    fn reference(promoters: u64, passives: u64, detractors: u64, z: f64) -> (f64, f64) {
        let n = (promoters + passives + detractors) as f64 + 3.0;
        let (pp, dd) = ((promoters as f64 + 0.75) / n, (detractors as f64 + 0.75) / n);
        let se = ((pp + dd - (pp - dd).powi(2)) / n).sqrt();
        (100.0 * (pp - dd - z * se), 100.0 * (pp - dd + z * se))
    }

    #[test]
    fn adjusted_wald_matches_its_definition_and_never_collapses() {
        let c = Confidence::new(0.95).unwrap();
        for (p, q, d) in [(2, 0, 0), (0, 0, 7), (40, 30, 30), (5, 0, 5), (120, 13, 2)] {
            let i = Nps::from_counts(p, q, d)
                .unwrap()
                .interval_by(c, IntervalMethod::AdjustedWald);
            let (low, high) = reference(p, q, d, c.z());
            assert!((i.low - low.max(-100.0)).abs() < 1e-9, "{p} {q} {d}");
            assert!((i.high - high.min(100.0)).abs() < 1e-9, "{p} {q} {d}");
            assert!(i.high - i.low > 1.0, "collapsed: {p} {q} {d}");
        }
        // Hand-computed: 2 promoters. n' = 5, p' = 0.55, d' = 0.15, p' − d' = 0.4,
        // var = 0.7 − 0.16 = 0.54, SE = √(0.54 / 5) = 0.328634..., z = 1.959964.
        let i = Nps::from_counts(2, 0, 0)
            .unwrap()
            .interval_by(c, IntervalMethod::AdjustedWald);
        assert!((i.margin_of_error - 100.0 * 1.959_963_985 * (0.54_f64 / 5.0).sqrt()).abs() < 1e-6);
        assert!((i.low - (40.0 - 64.410_87)).abs() < 1e-3);
        // Wald is unchanged and collapses, as documented.
        let w = Nps::from_counts(2, 0, 0)
            .unwrap()
            .interval_by(c, IntervalMethod::Wald);
        assert_eq!((w.low, w.high), (100.0, 100.0));
        assert_eq!(
            IntervalMethod::parse("Adjusted-Wald").unwrap(),
            IntervalMethod::AdjustedWald
        );
        assert!(IntervalMethod::parse("wilson").is_err());
    }
}
