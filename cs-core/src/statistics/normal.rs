//! A validated confidence level, the standard normal distribution function and its inverse.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// A confidence level strictly between 0 and 1 (e.g. 0.95).
///
/// ```
/// use cs_core::statistics::Confidence;
/// let c = Confidence::new(0.95)?;
/// assert!((c.z() - 1.959_963_984_540_054).abs() < 1e-12);
/// assert!(Confidence::new(1.0).is_err());
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Confidence(f64);

impl Confidence {
    /// The conventional 95 % level.
    pub const NINETY_FIVE: Confidence = Confidence(0.95);

    /// Validates a level; 0, 1, NaN and anything outside (0, 1) are rejected, and so is a
    /// level so close to 1 that its critical value is infinite (0.5 + level / 2 rounds to 1:
    /// 0.9999999999999999 is refused, 0.9999999999999998 is the highest level taken).
    ///
    /// ```
    /// use cs_core::statistics::Confidence;
    /// assert!(Confidence::new(0.999_999_999_999_999_8)?.z().is_finite());
    /// assert!(Confidence::new(0.999_999_999_999_999_9).is_err());
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn new(level: f64) -> Result<Self> {
        if level > 0.0 && 0.5 + level / 2.0 < 1.0 {
            Ok(Confidence(level))
        } else {
            Err(Error::out_of_range(
                "confidence level",
                level,
                "the open interval (0, 1), at most 0.9999999999999998",
            ))
        }
    }

    /// The level as a number.
    pub fn level(self) -> f64 {
        self.0
    }

    /// The two-sided critical value z such that P(-z < Z < z) = level for a standard normal Z.
    pub fn z(self) -> f64 {
        normal_quantile(0.5 + self.0 / 2.0)
    }
}

impl Default for Confidence {
    fn default() -> Self {
        Confidence::NINETY_FIVE
    }
}

impl TryFrom<f64> for Confidence {
    type Error = Error;
    fn try_from(level: f64) -> Result<Self> {
        Confidence::new(level)
    }
}

impl From<Confidence> for f64 {
    fn from(c: Confidence) -> f64 {
        c.0
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0 * 100.0)
    }
}

/// The standard normal distribution function Φ(x) = erfc(-x / √2) / 2.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// Two-sided p-value of a z statistic: P(|Z| >= |z|) = erfc(|z| / √2).
pub fn two_sided_p_value(z: f64) -> f64 {
    libm::erfc(z.abs() / std::f64::consts::SQRT_2)
}

/// The standard normal quantile Φ⁻¹(p) for p in (0, 1), by Wichura's algorithm AS 241
/// (Applied Statistics 37(3), 1988, "PPND16"), accurate to about 1e-16. The same algorithm
/// backs Python's `statistics.NormalDist.inv_cdf`. Returns ±infinity at 0 and 1 and NaN outside;
/// callers validate `p` first (see [`Confidence`]).
#[allow(clippy::excessive_precision, clippy::unreadable_literal)]
pub fn normal_quantile(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        let num = ((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853)
            * r
            + 45921.953931549871457)
            * r
            + 13731.693765509461125)
            * r
            + 1971.5909503065514427)
            * r
            + 133.14166789178437745)
            * r
            + 3.387132872796366608;
        let den = ((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
            + 21213.794301586595867)
            * r
            + 5394.1960214247511077)
            * r
            + 687.1870074920579083)
            * r
            + 42.313330701600911252)
            * r
            + 1.0;
        return q * num / den;
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let mut r = (-tail.ln()).sqrt();
    let value = if r <= 5.0 {
        r -= 1.6;
        let num = ((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r
            + 0.24178072517745061177)
            * r
            + 1.27045825245236838258)
            * r
            + 3.64784832476320460504)
            * r
            + 5.7694972214606914055)
            * r
            + 4.6303378461565452959)
            * r
            + 1.42343711074968357734;
        let den = ((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r
            + 0.0151986665636164571966)
            * r
            + 0.14810397642748007459)
            * r
            + 0.68976733498510000455)
            * r
            + 1.6763848301838038494)
            * r
            + 2.05319162663775882187)
            * r
            + 1.0;
        num / den
    } else {
        r -= 5.0;
        let num = ((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
            + 0.0012426609473880784386)
            * r
            + 0.026532189526576123093)
            * r
            + 0.29656057182850489123)
            * r
            + 1.7848265399172913358)
            * r
            + 5.4637849111641143699)
            * r
            + 6.6579046435011037772;
        let den = ((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r
            + 1.8463183175100546818e-5)
            * r
            + 7.868691311456132591e-4)
            * r
            + 0.0148753612908506148525)
            * r
            + 0.13692988092273580531)
            * r
            + 0.59983220655588793769)
            * r
            + 1.0;
        num / den
    };
    if q < 0.0 { -value } else { value }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values: R qnorm and Python statistics.NormalDist.inv_cdf (16 significant digits).
    #[test]
    fn quantile_matches_published_values() {
        let cases = [
            (0.975, 1.959963984540054),
            (0.995, 2.575829303548901),
            (0.9, 1.2815515655446008),
            (0.5, 0.0),
            (0.025, -1.959963984540054),
            (1e-10, -6.361340902404056),
            (0.999_999_999_999, 7.034486910047836),
        ];
        for (p, z) in cases {
            let got = normal_quantile(p);
            assert!((got - z).abs() < 1e-12 * z.abs().max(1.0), "p={p}: {got} vs {z}");
        }
    }

    #[test]
    fn cdf_inverts_quantile() {
        for p in [1e-8, 0.001, 0.2, 0.5, 0.7, 0.95, 0.999999] {
            assert!((normal_cdf(normal_quantile(p)) - p).abs() < 1e-14 * p.max(1e-3) * 1e3);
        }
    }

    #[test]
    fn two_sided_p_value_at_1_96_is_five_percent() {
        assert!((two_sided_p_value(1.959963984540054) - 0.05).abs() < 1e-14);
        assert!((two_sided_p_value(-1.959963984540054) - 0.05).abs() < 1e-14);
        assert!((two_sided_p_value(0.0) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn confidence_rejects_bounds_and_nan() {
        for bad in [0.0, 1.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
            let err = Confidence::new(bad).unwrap_err().to_string();
            assert!(err.starts_with("confidence level "), "{err}");
        }
    }
}
