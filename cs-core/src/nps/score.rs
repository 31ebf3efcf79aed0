use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// One answer to "How likely are you to recommend us to a friend or colleague?", validated to
/// the 0..=10 scale.
///
/// ```
/// use cs_core::nps::{Category, NpsScore};
/// let s = NpsScore::new(9)?;
/// assert_eq!(s.category(), Category::Promoter);
/// assert!(NpsScore::new(11).is_err());
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct NpsScore(u8);

impl NpsScore {
    /// The lowest answer.
    pub const MIN: NpsScore = NpsScore(0);
    /// The highest answer.
    pub const MAX: NpsScore = NpsScore(10);

    /// Validates an answer; anything outside 0..=10 is [`Error::OutOfRange`].
    pub fn new(value: i64) -> Result<Self> {
        match u8::try_from(value) {
            Ok(v) if v <= 10 => Ok(NpsScore(v)),
            _ => Err(Error::out_of_range("nps score", value, "0..=10")),
        }
    }

    /// The answer as a number.
    pub fn value(self) -> u8 {
        self.0
    }

    /// Promoter (9-10), passive (7-8) or detractor (0-6).
    pub fn category(self) -> Category {
        Category::of(self.0)
    }
}

impl TryFrom<i64> for NpsScore {
    type Error = Error;
    fn try_from(value: i64) -> Result<Self> {
        NpsScore::new(value)
    }
}

impl From<NpsScore> for u8 {
    fn from(s: NpsScore) -> u8 {
        s.0
    }
}

impl fmt::Display for NpsScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The NPS category of an answer. (`Default` is passive: the filler behind null rows of a column.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 0 to 6: unhappy customers who may damage the brand.
    Detractor,
    /// 7 or 8: satisfied but unenthusiastic.
    #[default]
    Passive,
    /// 9 or 10: loyal enthusiasts.
    Promoter,
}

impl Category {
    /// All categories, from detractor to promoter (the order of confusion tables).
    pub const ALL: [Category; 3] = [Category::Detractor, Category::Passive, Category::Promoter];

    /// The category of a 0..=10 answer (values above 10 count as promoters; validate first).
    pub fn of(score: u8) -> Category {
        match score {
            0..=6 => Category::Detractor,
            7 | 8 => Category::Passive,
            _ => Category::Promoter,
        }
    }

    /// Position in [`Category::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The lower-case name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Detractor => "detractor",
            Category::Passive => "passive",
            Category::Promoter => "promoter",
        }
    }

    /// Parses `"promoter"`, `"passive"` or `"detractor"` (case-insensitive, plural accepted).
    pub fn parse(name: &str) -> Result<Category> {
        match name.trim().to_ascii_lowercase().trim_end_matches('s') {
            "detractor" => Ok(Category::Detractor),
            "passive" => Ok(Category::Passive),
            "promoter" => Ok(Category::Promoter),
            _ => Err(Error::unknown(
                "nps category",
                name,
                ["promoter", "passive", "detractor"],
            )),
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A numeric type that can hold an NPS answer: every integer type, and `f64` (integral values
/// only; NaN is the missing marker pandas uses).
pub trait Answer: Copy + Send + Sync + 'static {
    /// The answer as a 0..=10 score, `None` when outside the scale.
    fn to_score(self) -> Option<u8>;

    /// True when the value is a missing marker (NaN) rather than an answer.
    fn is_missing(self) -> bool {
        false
    }

    /// The value as written in an error message.
    fn describe(self) -> String;

    /// Adds the answers of `values` to `counts`; returns the index of the first value outside
    /// the scale, leaving `counts` partially updated, when there is one.
    #[inline]
    fn count_into(values: &[Self], counts: &mut [u64; 11]) -> Option<usize> {
        for (i, v) in values.iter().enumerate() {
            match v.to_score() {
                Some(s) => counts[usize::from(s)] += 1,
                None => return Some(i),
            }
        }
        None
    }
}

macro_rules! integer_answer {
    ($($t:ty),*) => {$(
        impl Answer for $t {
            #[inline]
            fn to_score(self) -> Option<u8> {
                u8::try_from(self).ok().filter(|v| *v <= 10)
            }
            fn describe(self) -> String {
                self.to_string()
            }
        }
    )*};
}

integer_answer!(u16, u32, u64, i8, i16, i32, i64);

impl Answer for u8 {
    #[inline]
    fn to_score(self) -> Option<u8> {
        (self <= 10).then_some(self)
    }

    fn describe(self) -> String {
        self.to_string()
    }

    /// Bytes take a branch-free path: four interleaved 256-bin histograms (so consecutive equal
    /// bytes do not serialise on one counter), then a check that no bin above 10 was hit.
    fn count_into(values: &[Self], counts: &mut [u64; 11]) -> Option<usize> {
        let mut bins = [[0u64; 256]; 4];
        let mut quads = values.chunks_exact(4);
        for q in &mut quads {
            bins[0][usize::from(q[0])] += 1;
            bins[1][usize::from(q[1])] += 1;
            bins[2][usize::from(q[2])] += 1;
            bins[3][usize::from(q[3])] += 1;
        }
        for &v in quads.remainder() {
            bins[0][usize::from(v)] += 1;
        }
        let out_of_scale: u64 = (11..256)
            .map(|b| bins[0][b] + bins[1][b] + bins[2][b] + bins[3][b])
            .sum();
        if out_of_scale > 0 {
            return values.iter().position(|&v| v > 10);
        }
        for (s, c) in counts.iter_mut().enumerate() {
            *c += bins[0][s] + bins[1][s] + bins[2][s] + bins[3][s];
        }
        None
    }
}

impl Answer for f64 {
    #[inline]
    fn to_score(self) -> Option<u8> {
        if (0.0..=10.0).contains(&self) && self.fract() == 0.0 {
            Some(self as u8)
        } else {
            None
        }
    }

    fn is_missing(self) -> bool {
        self.is_nan()
    }

    fn describe(self) -> String {
        self.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_follow_the_standard_cut_points() {
        let cats: Vec<Category> = (0..=10).map(|s| NpsScore::new(s).unwrap().category()).collect();
        assert_eq!(&cats[..7], &[Category::Detractor; 7]);
        assert_eq!(&cats[7..9], &[Category::Passive; 2]);
        assert_eq!(&cats[9..], &[Category::Promoter; 2]);
    }

    #[test]
    fn out_of_scale_scores_are_rejected_with_the_value() {
        assert_eq!(
            NpsScore::new(11).unwrap_err().to_string(),
            "nps score 11 is outside 0..=10"
        );
        assert_eq!(
            NpsScore::new(-1).unwrap_err().to_string(),
            "nps score -1 is outside 0..=10"
        );
    }

    #[test]
    fn serde_validates() {
        assert_eq!(serde_json::from_str::<NpsScore>("7").unwrap().value(), 7);
        assert!(serde_json::from_str::<NpsScore>("12").is_err());
        assert_eq!(
            serde_json::to_string(&Category::Promoter).unwrap(),
            "\"promoter\""
        );
    }

    #[test]
    fn category_parse_accepts_plural_and_case() {
        assert_eq!(Category::parse("Promoters").unwrap(), Category::Promoter);
        assert!(Category::parse("fan").is_err());
    }

    #[test]
    fn float_answers_must_be_integral() {
        assert_eq!(9.0f64.to_score(), Some(9));
        assert_eq!(8.5f64.to_score(), None);
        assert_eq!(f64::NAN.to_score(), None);
        assert!(f64::NAN.is_missing());
    }

    #[test]
    fn byte_histogram_matches_generic_loop_and_finds_first_bad_position() {
        let values: Vec<u8> = (0..1001u32).map(|i| (i * 7 % 11) as u8).collect();
        let mut fast = [0u64; 11];
        assert_eq!(u8::count_into(&values, &mut fast), None);
        let mut slow = [0u64; 11];
        for v in &values {
            slow[usize::from(*v)] += 1;
        }
        assert_eq!(fast, slow);
        let mut bad = values.clone();
        bad[500] = 12;
        bad[900] = 200;
        assert_eq!(u8::count_into(&bad, &mut [0; 11]), Some(500));
    }
}
