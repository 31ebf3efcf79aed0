use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// A named score band such as "green".
///
/// Bands are listed from the lowest up and tile `0..=100`: the first covers `[min, max]`, every
/// later one `(min, max]` (its lower edge is exclusive), and each band's `min` equals the
/// previous band's `max`. With the default bands a score of exactly 50 is red and exactly 75 is
/// amber.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// The band name.
    pub name: String,
    /// Lower edge (exclusive except for the first band).
    pub min: f64,
    /// Upper edge (inclusive).
    pub max: f64,
}

impl Band {
    /// A band.
    pub fn new(name: impl Into<String>, min: f64, max: f64) -> Self {
        Band {
            name: name.into(),
            min,
            max,
        }
    }
}

/// The default bands: red `[0, 50]`, amber `(50, 75]`, green `(75, 100]`.
///
/// The three-colour scheme is the one CS teams report as "% of accounts that are green"
/// (docs/domain-sources.md, "Key performance metrics"); the 50 and 75 cut-offs
/// are this crate's defaults.
pub fn default_bands() -> Vec<Band> {
    vec![
        Band::new("red", 0.0, 50.0),
        Band::new("amber", 50.0, 75.0),
        Band::new("green", 75.0, 100.0),
    ]
}

/// Checks that `bands` are ordered, contiguous (no gap, no overlap) and tile `0..=100`.
pub(crate) fn validate_bands(bands: &[Band]) -> Result<()> {
    let (Some(first), Some(last)) = (bands.first(), bands.last()) else {
        return Err(Error::empty("bands"));
    };
    if bands.len() > usize::from(u8::MAX) {
        return Err(Error::out_of_range("band count", bands.len(), "1..=255"));
    }
    if first.min.abs() > 0.0 || first.min.is_nan() {
        return Err(Error::invalid(
            format!("band {} min", first.name),
            first.min,
            "the first band must start at 0",
        ));
    }
    if (last.max - 100.0).abs() > 0.0 || last.max.is_nan() {
        return Err(Error::invalid(
            format!("band {} max", last.name),
            last.max,
            "the last band must end at 100",
        ));
    }
    for (i, b) in bands.iter().enumerate() {
        if b.name.trim().is_empty() {
            return Err(Error::invalid(
                "band name",
                format!("{:?}", b.name),
                "must not be blank",
            ));
        }
        if !(b.min.is_finite() && b.max.is_finite() && b.min < b.max) {
            return Err(Error::invalid(
                format!("band {} max", b.name),
                b.max,
                format!(
                    "must exceed its min {} (bands are listed from the lowest up)",
                    b.min
                ),
            ));
        }
        if bands[..i].iter().any(|o| o.name == b.name) {
            return Err(Error::duplicate("band name", b.name.clone()));
        }
        if let Some(prev) = i.checked_sub(1).and_then(|j| bands.get(j)) {
            if b.min < prev.max {
                return Err(Error::invalid(
                    format!("band {} min", b.name),
                    b.min,
                    format!("overlaps band {} which ends at {}", prev.name, prev.max),
                ));
            }
            if b.min > prev.max {
                return Err(Error::invalid(
                    format!("band {} min", b.name),
                    b.min,
                    format!("leaves a gap after band {} which ends at {}", prev.name, prev.max),
                ));
            }
        }
    }
    Ok(())
}

/// The index of the band holding `score` (unrounded). Scores are in `0..=100`.
#[inline]
pub(crate) fn band_index(bands: &[Band], score: f64) -> u8 {
    // The bands are ordered, so this count is the partition point (without branches).
    let i = bands.iter().map(|b| usize::from(b.max < score)).sum::<usize>();
    i.min(bands.len().saturating_sub(1)) as u8
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn default_band_edges_belong_to_the_lower_band() {
        let b = default_bands();
        // [0, 50] red, (50, 75] amber, (75, 100] green.
        assert_eq!(band_index(&b, 0.0), 0);
        assert_eq!(band_index(&b, 50.0), 0);
        assert_eq!(band_index(&b, 50.000_001), 1);
        assert_eq!(band_index(&b, 75.0), 1);
        assert_eq!(band_index(&b, 75.4), 2); // displays as 75 but is green
        assert_eq!(band_index(&b, 100.0), 2);
    }

    #[test]
    fn overlapping_gapped_and_unordered_bands_are_rejected() {
        let overlap = [Band::new("low", 0.0, 60.0), Band::new("high", 50.0, 100.0)];
        let e = validate_bands(&overlap).unwrap_err();
        assert!(e.to_string().contains("overlaps band low"), "{e}");
        let gap = [Band::new("low", 0.0, 40.0), Band::new("high", 50.0, 100.0)];
        assert!(validate_bands(&gap).unwrap_err().to_string().contains("gap"));
        let unordered = [Band::new("high", 50.0, 100.0), Band::new("low", 0.0, 50.0)];
        assert!(validate_bands(&unordered).is_err());
        assert!(validate_bands(&default_bands()).is_ok());
    }
}
