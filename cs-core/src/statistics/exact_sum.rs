//! An exact sum of non-negative floats, independent of the order of addition.
//!
//! A float sum rounds at every step, so its last bits depend on the order the values come in:
//! the mean of a group summed row by row on one machine differs from the same mean merged from
//! the partitions of a cluster. [`ExactSum`] keeps the sum as a fixed-point integer in units of
//! 2^-1074 (the smallest positive `f64`), in 32-bit digits, so every addition is exact and the
//! result, rounded once to the nearest `f64` (ties to even), is the same for any order and any
//! split into parts merged later.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Digits are 32 bits wide, held in `u64` so that additions can wait for their carries.
const DIGIT_BITS: u32 = 32;
const DIGIT_MASK: u64 = (1 << DIGIT_BITS) - 1;
/// Additions before the carries must be propagated: each adds less than 2^32 to a digit, so a
/// digit stays below 2^63 (with room for a carry) until then.
const ADDS_BEFORE_CARRY: u32 = 1 << 30;
/// The highest digit a sum may need: values below 2^1024, products with a `u64` below 2^1088,
/// and up to 2^64 of them, above 2^-1074: 1074 + 1088 + 64 bits, in 32-bit digits.
const MAX_DIGITS: usize = (1074 + 1088 + 64) / DIGIT_BITS as usize + 1;

/// The exact sum of non-negative finite `f64` values and of products `n × x` of a `u64` and such a
/// value (an ARR-weighted score), mergeable with other sums: the value does not depend on the
/// order of the additions or of the merges.
///
/// ```
/// use cs_core::statistics::ExactSum;
/// let mut forward = ExactSum::default();
/// let mut backward = ExactSum::default();
/// let values = [1e16, 1.0, -0.0, 0.1, 1.0, 3e-320];
/// for x in values { forward.add(x)?; }
/// for x in values.iter().rev() { backward.add(*x)?; }
/// assert_eq!(forward.value(), backward.value());
/// assert_eq!(forward.value(), 1e16 + 2.0); // the float sum in this order gives 1e16
/// let mut weighted = ExactSum::default();
/// weighted.add_product(3, 0.1)?; // exactly 3 × 0.1 (as stored), rounded once
/// assert_eq!(weighted.value(), 0.30000000000000004);
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ExactSum {
    /// The index of `digits[0]`: digit `i` weighs 2^(32 (low + i) - 1074).
    low: usize,
    /// Digits from the lowest up; each below 2^32 after [`ExactSum::carry`].
    digits: Vec<u64>,
    /// Additions since the last carry.
    pending: u32,
}

/// The stored form: carried digits, lowest first.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    low: usize,
    digits: Vec<u32>,
}

impl ExactSum {
    /// Adds `x`, a non-negative finite number (`-0.0` adds nothing).
    pub fn add(&mut self, x: f64) -> Result<()> {
        let (mantissa, position) = split(x)?;
        self.add_scaled(u128::from(mantissa), position);
        Ok(())
    }

    /// Adds `n × x` exactly, `x` a non-negative finite number.
    pub fn add_product(&mut self, n: u64, x: f64) -> Result<()> {
        let (mantissa, position) = split(x)?;
        self.add_scaled(u128::from(mantissa) * u128::from(n), position);
        Ok(())
    }

    /// Adds every addition of `other`.
    pub fn merge(&mut self, other: &ExactSum) {
        for (i, d) in other.digits.iter().enumerate() {
            // Each digit of `other` is below 2^63: added in two halves of at most 32 bits.
            let at = (other.low + i) as u32 * DIGIT_BITS;
            self.add_scaled(u128::from(*d), at);
        }
    }

    /// The sum rounded to the nearest `f64`, ties to even (`f64::INFINITY` beyond its range).
    pub fn value(&self) -> f64 {
        let mut digits = self.digits.clone();
        carry(&mut digits);
        let Some(top) = digits.iter().rposition(|d| *d != 0) else {
            return 0.0;
        };
        // Bits of the integer N (the sum in units of 2^-1074), counted from bit 0.
        let bits = (self.low + top) * DIGIT_BITS as usize + (64 - digits[top].leading_zeros() as usize);
        let bit = |i: usize| -> u64 {
            let d = i / DIGIT_BITS as usize;
            match d.checked_sub(self.low).and_then(|k| digits.get(k)) {
                Some(digit) => (digit >> (i % DIGIT_BITS as usize)) & 1,
                None => 0,
            }
        };
        if bits <= 53 {
            // N < 2^53: the bit pattern of N × 2^-1074 is N itself (subnormal or the first binade).
            let n = (0..bits).fold(0u64, |n, i| n | (bit(i) << i));
            return f64::from_bits(n);
        }
        let lowest = bits - 53;
        let mut m = (0..53).fold(0u64, |m, i| m | (bit(lowest + i) << i));
        let round = bit(lowest - 1) == 1;
        let sticky = any_below(&digits, self.low, lowest - 1);
        let mut exponent = lowest + 1; // the biased exponent of m × 2^(lowest - 1074)
        if round && (sticky || m & 1 == 1) {
            m += 1;
            if m == 1 << 53 {
                m >>= 1;
                exponent += 1;
            }
        }
        if exponent >= 2047 {
            return f64::INFINITY;
        }
        f64::from_bits(((exponent as u64) << 52) | (m & ((1 << 52) - 1)))
    }

    /// Adds `m × 2^(position - 1074)`, `m < 2^128`.
    fn add_scaled(&mut self, m: u128, position: u32) {
        if m == 0 {
            return;
        }
        let first = (position / DIGIT_BITS) as usize;
        let shift = position % DIGIT_BITS;
        // m in two halves, each shifted into three digits: the low half at `first`, the high
        // half two digits up.
        if first < self.low || first + 5 > self.low + self.digits.len() {
            self.cover(first, first + 5);
        }
        let k = first - self.low;
        let halves = [(m as u64, k), ((m >> 64) as u64, k + 2)];
        for (half, at) in halves {
            if half == 0 {
                continue;
            }
            let v = u128::from(half) << shift; // below 2^95
            if let [d0, d1, d2, ..] = &mut self.digits[at..] {
                *d0 += (v as u64) & DIGIT_MASK;
                *d1 += ((v >> DIGIT_BITS) as u64) & DIGIT_MASK;
                *d2 += (v >> (2 * DIGIT_BITS)) as u64;
            }
        }
        self.pending += 1;
        if self.pending >= ADDS_BEFORE_CARRY {
            carry(&mut self.digits);
            self.pending = 0;
        }
    }

    /// Makes the digits cover indexes `first..last`, with room above for sums that grow.
    fn cover(&mut self, first: usize, last: usize) {
        if self.digits.is_empty() {
            self.low = first;
        }
        if first < self.low {
            let grow = self.low - first;
            self.digits.splice(0..0, std::iter::repeat_n(0, grow));
            self.low = first;
        }
        let end = last + 2;
        if self.low + self.digits.len() < end {
            self.digits.resize(end - self.low, 0);
        }
    }
}

/// Propagates the carries: every digit below 2^32 but the last, which takes the rest.
fn carry(digits: &mut Vec<u64>) {
    let mut c = 0u64;
    for d in digits.iter_mut() {
        let v = *d + c;
        *d = v & DIGIT_MASK;
        c = v >> DIGIT_BITS;
    }
    while c != 0 {
        digits.push(c & DIGIT_MASK);
        c >>= DIGIT_BITS;
    }
}

/// Whether any bit below bit `i` of the integer is set (`digits[0]` is digit `low`).
fn any_below(digits: &[u64], low: usize, i: usize) -> bool {
    let whole = (i / DIGIT_BITS as usize).saturating_sub(low).min(digits.len());
    if digits[..whole].iter().any(|d| *d != 0) {
        return true;
    }
    let part = i / DIGIT_BITS as usize;
    match part.checked_sub(low).and_then(|k| digits.get(k)) {
        Some(d) => d & ((1 << (i % DIGIT_BITS as usize)) - 1) != 0,
        None => false,
    }
}

/// `x = mantissa × 2^(position - 1074)`.
fn split(x: f64) -> Result<(u64, u32)> {
    if !(x.is_finite() && x >= 0.0) {
        return Err(Error::out_of_range("summand", x, "a finite number >= 0"));
    }
    let bits = x.to_bits() & !(1 << 63); // -0.0 is 0
    let exponent = (bits >> 52) as u32;
    let fraction = bits & ((1 << 52) - 1);
    Ok(if exponent == 0 {
        (fraction, 0)
    } else {
        (fraction | (1 << 52), exponent - 1)
    })
}

impl PartialEq for ExactSum {
    fn eq(&self, other: &Self) -> bool {
        Stored::from(self) == Stored::from(other)
    }
}

impl PartialEq for Stored {
    fn eq(&self, other: &Self) -> bool {
        (self.digits.is_empty() && other.digits.is_empty())
            || (self.low == other.low && self.digits == other.digits)
    }
}

impl From<&ExactSum> for Stored {
    fn from(sum: &ExactSum) -> Self {
        let mut digits = sum.digits.clone();
        carry(&mut digits);
        let first = digits.iter().position(|d| *d != 0).unwrap_or(digits.len());
        let last = digits.iter().rposition(|d| *d != 0).map_or(first, |t| t + 1);
        Stored {
            low: if first < last { sum.low + first } else { 0 },
            // Carried digits are below 2^32.
            digits: digits[first..last].iter().map(|d| *d as u32).collect(),
        }
    }
}

impl Serialize for ExactSum {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        Stored::from(self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ExactSum {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let stored = Stored::deserialize(deserializer)?;
        let end = stored.low.checked_add(stored.digits.len());
        if end.is_none_or(|end| end > MAX_DIGITS) {
            return Err(serde::de::Error::custom(format!(
                "exact sum digits from {} ({} of them) are outside 0..{MAX_DIGITS}",
                stored.low,
                stored.digits.len()
            )));
        }
        Ok(ExactSum {
            low: stored.low,
            digits: stored.digits.into_iter().map(u64::from).collect(),
            pending: 0,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed setup fails the test
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The sum of `k × 2^-40` exactly: an i128 fixed-point sum, converted once (`as` rounds to
    /// nearest, ties to even), then scaled by a power of two (exact).
    fn fixed_point(ks: &[u64]) -> f64 {
        let total: u128 = ks.iter().map(|k| u128::from(*k)).sum();
        total as f64 * 2f64.powi(-40)
    }

    proptest! {
        #[test]
        fn equals_the_fixed_point_sum_in_any_order(
            ks in prop::collection::vec(0u64..(1 << 53), 0..200),
            cut in 0usize..200,
        ) {
            let xs: Vec<f64> = ks.iter().map(|k| *k as f64 * 2f64.powi(-40)).collect();
            let mut forward = ExactSum::default();
            for x in &xs { forward.add(*x).unwrap(); }
            let mut backward = ExactSum::default();
            for x in xs.iter().rev() { backward.add(*x).unwrap(); }
            // Split in two parts, merged.
            let cut = cut.min(xs.len());
            let (mut a, mut b) = (ExactSum::default(), ExactSum::default());
            for x in &xs[..cut] { a.add(*x).unwrap(); }
            for x in &xs[cut..] { b.add(*x).unwrap(); }
            b.merge(&a);
            let want = fixed_point(&ks);
            prop_assert_eq!(forward.value().to_bits(), want.to_bits());
            prop_assert_eq!(backward.value().to_bits(), want.to_bits());
            prop_assert_eq!(b.value().to_bits(), want.to_bits());
            prop_assert_eq!(&forward, &b);
        }

        #[test]
        fn products_are_exact(pairs in prop::collection::vec((0u64..(1 << 40), 0u64..(1 << 53)), 0..100)) {
            let mut sum = ExactSum::default();
            let mut total: u128 = 0;
            for (n, k) in &pairs {
                sum.add_product(*n, *k as f64 * 2f64.powi(-30)).unwrap();
                total += u128::from(*n) * u128::from(*k);
            }
            prop_assert_eq!(sum.value().to_bits(), (total as f64 * 2f64.powi(-30)).to_bits());
        }

        #[test]
        fn round_trips_through_json(xs in prop::collection::vec(0.0f64..100.0, 0..50)) {
            let mut sum = ExactSum::default();
            for x in &xs { sum.add(*x).unwrap(); }
            let back: ExactSum = serde_json::from_str(&serde_json::to_string(&sum).unwrap()).unwrap();
            prop_assert_eq!(back.value().to_bits(), sum.value().to_bits());
            prop_assert_eq!(&back, &sum);
        }
    }

    #[test]
    fn subnormals_and_extremes() {
        let mut sum = ExactSum::default();
        for _ in 0..3 {
            sum.add(f64::from_bits(1)).unwrap();
        }
        assert_eq!(sum.value(), f64::from_bits(3));
        let mut big = ExactSum::default();
        big.add(f64::MAX).unwrap();
        assert_eq!(big.value(), f64::MAX);
        big.add(f64::MAX).unwrap();
        assert_eq!(big.value(), f64::INFINITY);
        let mut tie = ExactSum::default();
        tie.add(1.0).unwrap();
        tie.add(2f64.powi(-53)).unwrap(); // halfway between 1 and its successor: to even (1)
        assert_eq!(tie.value(), 1.0);
        tie.add(2f64.powi(-100)).unwrap(); // past halfway: up
        assert_eq!(tie.value(), 1.0 + f64::EPSILON);
        let mut product = ExactSum::default();
        product.add_product(u64::MAX, f64::MAX).unwrap();
        assert_eq!(product.value(), f64::INFINITY);
        assert_eq!(ExactSum::default().value(), 0.0);
    }

    #[test]
    fn many_additions_carry() {
        let mut sum = ExactSum {
            pending: ADDS_BEFORE_CARRY - 2,
            ..ExactSum::default()
        };
        for _ in 0..5 {
            sum.add(4_294_967_295.0).unwrap();
        }
        assert_eq!(sum.value(), 5.0 * 4_294_967_295.0);
    }

    #[test]
    fn bad_summands_are_errors() {
        for x in [f64::NAN, f64::INFINITY, -1.0] {
            let e = ExactSum::default().add(x).unwrap_err();
            assert!(e.to_string().contains("summand"), "{e}");
        }
        for text in [
            r#"{"low": 100, "digits": [1]}"#,
            r#"{"low": 18446744073709551615, "digits": [1]}"#,
        ] {
            let e = serde_json::from_str::<ExactSum>(text).unwrap_err();
            assert!(e.to_string().contains("outside"), "{e}");
        }
        assert!(serde_json::from_str::<ExactSum>(r#"{"low": 0, "digits": [], "x": 1}"#).is_err());
    }
}
