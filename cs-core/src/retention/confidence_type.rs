use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// How the pointwise confidence band of a survival curve is built from Greenwood's variance,
/// R's `conf.type`: with `S` the estimate, `g` Greenwood's sum `Σ d / (n (n - d))` (the
/// variance of `ln S`) and `z` the critical value,
///
/// - [`LogLog`](ConfidenceType::LogLog) (the default, lifelines' only band, R's
///   `"log-log"`): `exp(-exp(ln(-ln S) ∓ z √g / ln S))`, 1 where `S = 1`.
/// - [`Log`](ConfidenceType::Log) (R's default, `"log"`): `exp(ln S ∓ z √g)`, the upper
///   bound capped at 1.
/// - [`Plain`](ConfidenceType::Plain) (R's `"plain"`, Klein and Moeschberger eq. 4.3.1):
///   `S ∓ z S √g`, clipped to 0..=1.
///
/// Where `S = 0` every band here is 0 (R reports NA there: see
/// [`KaplanMeier::quantile_confidence_interval`](super::KaplanMeier::quantile_confidence_interval)
/// for what that changes).
///
/// ```
/// use cs_core::retention::ConfidenceType;
/// assert_eq!(ConfidenceType::parse("log")?, ConfidenceType::Log);
/// assert_eq!(ConfidenceType::default().name(), "log-log");
/// let e = ConfidenceType::parse("arcsin").unwrap_err().to_string();
/// assert!(e.starts_with("unknown confidence type \"arcsin\""), "{e}");
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfidenceType {
    /// Exponential Greenwood bounds (Kalbfleisch and Prentice 2002, section 1.4).
    #[default]
    LogLog,
    /// Bounds on `ln S`, transformed back.
    Log,
    /// Linear bounds on `S`.
    Plain,
}

impl ConfidenceType {
    /// Every type, in the order of [`ConfidenceType::name`]s listed in errors.
    pub const ALL: [ConfidenceType; 3] = [ConfidenceType::LogLog, ConfidenceType::Log, ConfidenceType::Plain];

    /// Reads `log-log`, `log` or `plain` (case-insensitive; `log_log` also reads as `log-log`).
    pub fn parse(name: &str) -> Result<Self> {
        match name.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "log-log" => Ok(ConfidenceType::LogLog),
            "log" => Ok(ConfidenceType::Log),
            "plain" => Ok(ConfidenceType::Plain),
            _ => Err(Error::unknown(
                "confidence type",
                name,
                ConfidenceType::ALL.map(ConfidenceType::name),
            )),
        }
    }

    /// The type's name: `log-log`, `log` or `plain` (R's `conf.type` values).
    pub fn name(self) -> &'static str {
        match self {
            ConfidenceType::LogLog => "log-log",
            ConfidenceType::Log => "log",
            ConfidenceType::Plain => "plain",
        }
    }

    /// The (lower, upper) bounds at one point of the curve: survival `s`, Greenwood sum `var`,
    /// critical value `z`.
    pub(crate) fn bounds(self, s: f64, var: f64, z: f64) -> (f64, f64) {
        match self {
            ConfidenceType::LogLog => {
                // exp(-exp(ln(-v) ∓ w)) with v = ln S and w = z √var / v is exp(v e^(∓w)):
                // the same bound from four transcendental calls instead of six (ln S, e^w and
                // the two outer exponentials; e^-w = 1 / e^w). NaN (S = 1: 0 / 0) is 1, as
                // lifelines' fillna(1); S = 0 gives exp(-inf) = 0.
                let v = s.ln();
                let w = z * var.sqrt() / v;
                let grow = w.exp();
                let bound = |factor: f64| {
                    let value = (v * factor).exp();
                    if value.is_nan() { 1.0 } else { value }
                };
                (bound(1.0 / grow), bound(grow))
            }
            ConfidenceType::Log => {
                // ln 0 = -inf: both bounds are exp(-inf) = 0.
                let (v, w) = (s.ln(), z * var.sqrt());
                ((v - w).exp(), (v + w).exp().min(1.0))
            }
            ConfidenceType::Plain => {
                let w = z * s * var.sqrt();
                ((s - w).max(0.0), (s + w).min(1.0))
            }
        }
    }

    /// Whether R defines this band at survival `s` (R's `survfit` reports NA where `S = 0`,
    /// and for the log-log band also where `S = 1`).
    pub(crate) fn defined_at(self, s: f64) -> bool {
        s > 0.0 && (self != ConfidenceType::LogLog || s < 1.0)
    }
}

impl fmt::Display for ConfidenceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for ConfidenceType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        ConfidenceType::parse(s)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)] // exact expected values; unwrap reports a failure
mod tests {
    use super::*;

    const Z: f64 = 1.959_963_984_540_054;

    #[test]
    fn log_and_plain_bounds_by_hand() {
        // S = 0.8, g = 0.05: √g = 0.223607, z √g = 0.438262.
        let (s, g) = (0.8f64, 0.05f64);
        let w = Z * g.sqrt();
        let (lo, hi) = ConfidenceType::Log.bounds(s, g, Z);
        assert!((lo - 0.8 * (-w).exp()).abs() < 1e-15);
        // 0.8 e^0.438 = 1.24 is capped at 1.
        assert_eq!(hi, 1.0);
        let (lo, hi) = ConfidenceType::Plain.bounds(s, g, Z);
        assert!((lo - (0.8 - 0.8 * w)).abs() < 1e-15 && hi == 1.0);
        // Plain lower bound below 0 is clipped.
        let (lo, _) = ConfidenceType::Plain.bounds(0.2, 2.0, Z);
        assert_eq!(lo, 0.0);
    }

    #[test]
    fn log_log_bounds_by_hand() {
        // S = 0.8, g = 0.05: ln S = -0.223144, z √g / ln S = -1.964033; the bounds are
        // exp(-exp(ln(0.223144) ∓ (-1.964033))) as lifelines writes them.
        let (s, g) = (0.8f64, 0.05f64);
        let v = s.ln();
        let w = Z * g.sqrt() / v;
        let lifelines = |e: f64| (-((-v).ln() + e).exp()).exp();
        let (lo, hi) = ConfidenceType::LogLog.bounds(s, g, Z);
        assert!((lo - lifelines(-w)).abs() < 1e-15, "{lo}");
        assert!((hi - lifelines(w)).abs() < 1e-15, "{hi}");
        // By hand: ln(0.223144) = -1.499940; exp(-exp(-1.499940 + 1.964033)) = 0.203809 and
        // exp(-exp(-1.499940 - 1.964033)) = 0.969180.
        assert!(
            (lo - 0.203_809).abs() < 1e-6 && (hi - 0.969_180).abs() < 1e-6,
            "{lo} {hi}"
        );
    }

    #[test]
    fn degenerate_points() {
        for kind in ConfidenceType::ALL {
            assert_eq!(kind.bounds(0.0, 0.5, Z), (0.0, 0.0), "{kind}");
            assert_eq!(kind.bounds(1.0, 0.0, Z), (1.0, 1.0), "{kind}");
            assert!(!kind.defined_at(0.0));
        }
        assert!(!ConfidenceType::LogLog.defined_at(1.0));
        assert!(ConfidenceType::Log.defined_at(1.0) && ConfidenceType::Plain.defined_at(1.0));
    }

    #[test]
    fn names_round_trip_and_serde_uses_them() {
        for kind in ConfidenceType::ALL {
            assert_eq!(ConfidenceType::parse(kind.name()).unwrap(), kind);
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.name())
            );
        }
        assert_eq!(
            ConfidenceType::parse(" LOG_LOG ").unwrap(),
            ConfidenceType::LogLog
        );
        let e = ConfidenceType::parse("logit").unwrap_err().to_string();
        assert!(e.contains("\"logit\"") && e.contains("log-log"), "{e}");
    }
}
