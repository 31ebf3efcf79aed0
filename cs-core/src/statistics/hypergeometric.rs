//! The Gaussian hypergeometric function with first parameter 1, as DERL needs it.

use crate::{Error, Result};

/// Most series terms summed before giving up (reached only for z within ~1e-7 of 1).
const MAX_TERMS: u64 = 100_000_000;

/// ₂F₁(1, b; c; z) = Σ_{k>=0} (b)_k / (c)_k · z^k for b > 0, c > 0 and 0 <= z < 1, where
/// (x)_k is the rising factorial.
///
/// Every term is positive, so the series is summed directly (with Neumaier's compensated sum)
/// and stopped when a bound on the rest of the series, `t_{k+1} / (1 - ρ)` with ρ the largest
/// ratio of consecutive terms still to come, falls below 1e-17 of the sum. Convergence slows as
/// z approaches 1 (about `37 / (1 - z)` terms); past 10^8 terms the call fails.
///
/// ```
/// use cs_core::statistics::hyp2f1_one;
/// // b = c: the geometric series 1 / (1 - z).
/// assert!((hyp2f1_one(2.5, 2.5, 0.5)? - 2.0).abs() < 1e-15);
/// // 2F1(1, 1; 2; z) = -ln(1 - z) / z.
/// let z: f64 = 0.9;
/// assert!((hyp2f1_one(1.0, 2.0, z)? + (1.0 - z).ln() / z).abs() < 1e-14);
/// # Ok::<(), cs_core::Error>(())
/// ```
#[allow(clippy::many_single_char_names)] // the function's standard notation
pub fn hyp2f1_one(b: f64, c: f64, z: f64) -> Result<f64> {
    if !(b > 0.0 && b.is_finite()) {
        return Err(Error::out_of_range(
            "hypergeometric b",
            b,
            "a finite number above 0",
        ));
    }
    if !(c > 0.0 && c.is_finite()) {
        return Err(Error::out_of_range(
            "hypergeometric c",
            c,
            "a finite number above 0",
        ));
    }
    if !(0.0..1.0).contains(&z) {
        return Err(Error::out_of_range("hypergeometric z", z, "0 <= z < 1"));
    }
    let (mut sum, mut compensation) = (1.0f64, 0.0f64);
    let mut term = 1.0f64;
    let mut k = 0.0f64;
    for _ in 0..MAX_TERMS {
        term *= (b + k) / (c + k) * z;
        k += 1.0;
        // Neumaier: add `term`, keeping the low-order bits lost in `sum`.
        let t = sum + term;
        if sum.abs() >= term.abs() {
            compensation += (sum - t) + term;
        } else {
            compensation += (term - t) + sum;
        }
        sum = t;
        let rho = z * ((b + k) / (c + k)).max(1.0);
        if rho < 1.0 && term * z * ((b + k) / (c + k)) / (1.0 - rho) <= 1e-17 * sum {
            return Ok(sum + compensation);
        }
        if !sum.is_finite() {
            break;
        }
    }
    Err(Error::Estimation {
        what: "hypergeometric series 2F1(1, b; c; z)".into(),
        reason: format!("no convergence for b = {b}, c = {c}, z = {z} (z too close to 1)"),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)] // exact expected values; unwrap reports a failure
mod tests {
    use super::*;

    #[test]
    fn closed_forms() {
        // 2F1(1, 1; 2; z) = -ln(1 - z) / z
        for z in [0.0001f64, 0.3, 0.9, 0.99, 0.999] {
            let want = -(-z).ln_1p() / z;
            let got = hyp2f1_one(1.0, 2.0, z).unwrap();
            assert!((got - want).abs() < 1e-13 * want, "z={z}: {got} vs {want}");
        }
        // z = 0 gives 1.
        assert_eq!(hyp2f1_one(3.0, 4.0, 0.0).unwrap(), 1.0);
    }

    #[test]
    fn b_above_c_still_converges() {
        // 2F1(1, 2; 1; z) = (1 + z) / (1 - z)^2 ... check via Σ (k+1) z^k = 1 / (1 - z)^2.
        // (2)_k / (1)_k = k + 1.
        let z = 0.5;
        let got = hyp2f1_one(2.0, 1.0, z).unwrap();
        assert!((got - 4.0).abs() < 1e-14, "{got}");
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(hyp2f1_one(1.0, 2.0, 1.0).is_err());
        assert!(hyp2f1_one(-1.0, 2.0, 0.5).is_err());
        assert!(hyp2f1_one(1.0, f64::NAN, 0.5).is_err());
    }
}
