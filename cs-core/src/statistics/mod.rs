//! Statistical building blocks shared by the NPS, CSAT, retention and backtest code.
//!
//! - **Normal distribution** ([`Confidence`], [`normal_cdf`], [`normal_quantile`],
//!   [`two_sided_p_value`]): a validated confidence level with its critical value, the standard
//!   normal distribution function and its inverse.
//! - **Chi-square** ([`chi_square_sf`]): the survival function through the regularized
//!   incomplete gamma function, for the log-rank test.
//! - **Exact sum** ([`ExactSum`]): an order-independent, mergeable sum of non-negative floats,
//!   rounded once, for means that must not depend on how rows are split (a cluster's partitions).
//! - **Hypergeometric** ([`hyp2f1_one`]): the Gaussian hypergeometric series ₂F₁(1, b; c; z),
//!   for the discounted expected residual lifetime of the sBG model.
//!
//! ```
//! use cs_core::statistics::{Confidence, chi_square_sf, hyp2f1_one};
//! assert!((Confidence::NINETY_FIVE.z() - 1.959_963_984_540_054).abs() < 1e-12);
//! assert!((chi_square_sf(3.841_458_820_694_124, 1) - 0.05).abs() < 1e-14);
//! assert!((hyp2f1_one(2.5, 2.5, 0.5)? - 2.0).abs() < 1e-15);
//! # Ok::<(), cs_core::Error>(())
//! ```

mod chi_square;
mod cholesky;
mod exact_sum;
mod hypergeometric;
mod normal;
mod proportion;
mod random;

pub use chi_square::chi_square_sf;
pub(crate) use cholesky::cholesky;
pub use exact_sum::ExactSum;
pub use hypergeometric::hyp2f1_one;
pub use normal::{Confidence, normal_cdf, normal_quantile, two_sided_p_value};
pub use proportion::wilson_interval;
pub(crate) use random::Rng;
