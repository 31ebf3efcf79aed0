use std::collections::HashMap;
use std::hash::Hash;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::event_table::{pack_key, validate};
use super::{ConfidenceType, EventTable};
use crate::statistics::{Confidence, normal_quantile};
use crate::{Error, Result};

/// A Kaplan-Meier (product-limit) estimate of the survival function of customer tenure.
///
/// With `n_i` customers at risk just before time `t_i` and `d_i` churns at `t_i`,
///
/// ```text
/// S(t) = Π_{t_i <= t} (1 - d_i / n_i)
/// ```
///
/// computed, as lifelines does, as `exp(Σ [ln(n_i - d_i) - ln(n_i)])`. Customers censored at
/// `t_i` (still active when last seen) count as at risk at `t_i`: churns come before censorings
/// at the same time. The timeline is time 0 followed by every distinct duration, and
/// [`KaplanMeier::survival_at`] is the step function through it (right-continuous).
///
/// The variance uses Greenwood's sum `Σ d_i / (n_i (n_i - d_i))` (a term with `n_i = d_i` counts
/// 0), and [`KaplanMeier::confidence_interval`] the exponential Greenwood ("log-log") bounds
/// `exp(-exp(ln(-ln S) ∓ z √var / ln S))`, 1 where `S = 1` and 0 where `S = 0`, exactly as
/// lifelines' `KaplanMeierFitter` (Kalbfleisch and Prentice, *The Statistical Analysis of
/// Failure Time Data*, 2002, section 1.4).
///
/// ```
/// use cs_core::retention::kaplan_meier;
/// use cs_core::statistics::Confidence;
/// // Months of tenure; `false` = still a customer.
/// let km = kaplan_meier(&[2.0, 5.0, 5.0, 8.0, 12.0], &[true, true, false, true, false], Confidence::NINETY_FIVE)?;
/// assert_eq!(km.timeline(), &[0.0, 2.0, 5.0, 8.0, 12.0]);
/// // S(5) = (1 - 1/5)(1 - 1/4) = 0.6; S(8) = 0.6 (1 - 1/2) = 0.3.
/// assert!((km.survival_at(6.0)? - 0.6).abs() < 1e-12);
/// assert_eq!(km.median(), Some(8.0));
/// # Ok::<(), cs_core::Error>(())
/// ```
///
/// Read back with serde, the estimate is recomputed from its (checked) event table and must
/// match the stored curve, so a deserialised estimate is always consistent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "KaplanMeierData")]
pub struct KaplanMeier {
    table: EventTable,
    survival: Vec<f64>,
    greenwood: Vec<f64>,
    confidence: Confidence,
}

/// The serialised form of a [`KaplanMeier`], checked before use.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KaplanMeierData {
    table: EventTable,
    survival: Vec<f64>,
    greenwood: Vec<f64>,
    confidence: Confidence,
}

impl TryFrom<KaplanMeierData> for KaplanMeier {
    type Error = Error;

    fn try_from(d: KaplanMeierData) -> Result<Self> {
        let km = KaplanMeier::from_table(d.table, d.confidence);
        if km.survival != d.survival || km.greenwood != d.greenwood {
            return Err(Error::invalid(
                "kaplan-meier estimate",
                "survival",
                "the stored curve does not match its event table",
            ));
        }
        Ok(km)
    }
}

/// Pointwise confidence bounds of a survival curve, one pair per timeline point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfidenceBand {
    /// The confidence level.
    pub confidence: Confidence,
    /// How the bounds were built (read as log-log when absent, the only band before it).
    #[serde(default)]
    pub confidence_type: ConfidenceType,
    /// Lower bounds.
    pub lower: Vec<f64>,
    /// Upper bounds.
    pub upper: Vec<f64>,
}

/// The Kaplan-Meier estimate of one group (segment, package, CSM, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurvivalGroup<K> {
    /// The group key.
    pub key: K,
    /// The group's estimate.
    pub estimate: KaplanMeier,
}

/// Kaplan-Meier estimate from one duration per customer (tenure, in any unit) and whether the
/// customer churned (`true`) or is still active / was lost to follow-up (`false`, censored).
///
/// Errors: different lengths, no rows, a negative or non-finite duration (with its position),
/// or no churn at all (every duration censored: the curve would be flat at 1 and say nothing).
pub fn kaplan_meier(durations: &[f64], observed: &[bool], confidence: Confidence) -> Result<KaplanMeier> {
    let table = EventTable::from_durations(durations, observed)?;
    if table.total_events() == 0 {
        return Err(all_censored());
    }
    Ok(KaplanMeier::from_table(table, confidence))
}

/// Kaplan-Meier estimates per group: `key(i)` gives row `i`'s group. Groups come back sorted
/// by key. Durations are validated once for the whole table; a group without any churn gets a
/// flat curve at 1, but a table without any churn is an error, as in [`kaplan_meier`].
///
/// ```
/// use cs_core::retention::kaplan_meier_by;
/// use cs_core::statistics::Confidence;
/// let months = [3.0, 7.0, 7.0, 2.0, 9.0];
/// let churned = [true, false, true, true, true];
/// let segment = ["smb", "smb", "ent", "smb", "ent"];
/// let groups = kaplan_meier_by(&months, &churned, Confidence::NINETY_FIVE, |i| Ok(segment[i]))?;
/// assert_eq!(groups[0].key, "ent");
/// assert_eq!(groups[0].estimate.median(), Some(7.0));
/// assert_eq!(groups[1].estimate.median(), Some(3.0));
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn kaplan_meier_by<K, F>(
    durations: &[f64],
    observed: &[bool],
    confidence: Confidence,
    key: F,
) -> Result<Vec<SurvivalGroup<K>>>
where
    K: Eq + Hash + Ord + Send,
    F: FnMut(usize) -> Result<K>,
{
    let tables = event_tables_by(durations, observed, key)?;
    if tables.iter().all(|(_, t)| t.total_events() == 0) {
        return Err(all_censored());
    }
    Ok(tables
        .into_iter()
        .map(|(key, table)| SurvivalGroup {
            key,
            estimate: KaplanMeier::from_table(table, confidence),
        })
        .collect())
}

/// One event table per group, sorted by key.
pub(crate) fn event_tables_by<K, F>(
    durations: &[f64],
    observed: &[bool],
    mut key: F,
) -> Result<Vec<(K, EventTable)>>
where
    K: Eq + Hash + Ord + Send,
    F: FnMut(usize) -> Result<K>,
{
    validate(durations, observed)?;
    let mut index: HashMap<K, usize> = HashMap::new();
    let mut keys: Vec<Vec<u64>> = Vec::new();
    for (i, (&d, &o)) in durations.iter().zip(observed).enumerate() {
        let k = key(i)?;
        let next = keys.len();
        let g = *index.entry(k).or_insert(next);
        if g == next {
            keys.push(Vec::new());
        }
        keys[g].push(pack_key(d, o));
    }
    let mut groups: Vec<(K, Vec<u64>)> = index
        .into_iter()
        .map(|(k, g)| (k, std::mem::take(&mut keys[g])))
        .collect();
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(groups
        .into_par_iter()
        .map(|(k, mut group_keys)| {
            group_keys.sort_unstable();
            (k, EventTable::from_sorted_keys(&group_keys))
        })
        .collect())
}

/// Rows per parallel task of the per-row kernels (results do not depend on it).
const CHUNK: usize = 1 << 14;

pub(crate) fn all_censored() -> Error {
    Error::invalid(
        "observed",
        "all false",
        "every duration is censored; at least one churn is needed to estimate survival",
    )
}

impl KaplanMeier {
    /// The estimate from a life table (see [`EventTable`]).
    pub fn from_table(table: EventTable, confidence: Confidence) -> Self {
        // lifelines: log(n - d) - log(n), summed; d / (n (n - d)) with 1/0 counted as 0.
        // A row without churn adds exactly 0 (ln n - ln n), so S is unchanged: skipping the
        // logarithms and the exponential there gives the same bits, faster. The per-row terms
        // and the exponentials are computed in parallel; the sums run in row order, so the
        // result is the same bits on any number of threads.
        let at_risk = table.at_risk();
        let events = table.events();
        let rows = at_risk.len();
        let mut survival = vec![0.0f64; rows];
        let mut greenwood = vec![0.0f64; rows];
        survival
            .par_chunks_mut(CHUNK)
            .zip(greenwood.par_chunks_mut(CHUNK))
            .zip(at_risk.par_chunks(CHUNK).zip(events.par_chunks(CHUNK)))
            .for_each(|((log_terms, var_terms), (at_risk, events))| {
                let terms = log_terms.iter_mut().zip(var_terms.iter_mut());
                // ln(n - d) of one churn row is ln n of the next when nobody was censored in
                // between (each churn at its own time, as with continuous tenures): the last
                // logarithm is kept and reused, the same call on the same integer.
                let mut last = (u64::MAX, 0.0f64);
                for ((log_term, var_term), (&n, &d)) in terms.zip(at_risk.iter().zip(events)) {
                    if d > 0 {
                        let ln_n = if last.0 == n { last.1 } else { (n as f64).ln() };
                        let ln_rest = ((n - d) as f64).ln();
                        last = (n - d, ln_rest);
                        *log_term = ln_rest - ln_n;
                        if n > d {
                            *var_term = d as f64 / (n * (n - d)) as f64;
                        }
                    }
                }
            });
        let (mut log_s, mut var) = (0.0f64, 0.0f64);
        for ((ls, v), &d) in survival.iter_mut().zip(greenwood.iter_mut()).zip(events) {
            if d > 0 {
                log_s += *ls;
                var += *v;
            }
            *ls = log_s;
            *v = var;
        }
        // S = exp(log S); consecutive rows with the same sum share one exponential
        // (exp(0) = 1 exactly, the value before the first churn).
        survival.par_chunks_mut(CHUNK).for_each(|chunk| {
            let mut prev = f64::NAN;
            let mut s = f64::NAN;
            for x in chunk {
                if x.to_bits() != prev.to_bits() {
                    prev = *x;
                    s = x.exp();
                }
                *x = s;
            }
        });
        KaplanMeier {
            table,
            survival,
            greenwood,
            confidence,
        }
    }

    /// The times of the curve: 0 and every distinct duration, increasing.
    pub fn timeline(&self) -> &[f64] {
        self.table.times()
    }

    /// S(t) at each timeline point.
    pub fn survival(&self) -> &[f64] {
        &self.survival
    }

    /// Greenwood's cumulative variance sum `Σ d_i / (n_i (n_i - d_i))` at each timeline point;
    /// the variance of S(t) is `S(t)² ×` this.
    pub fn greenwood(&self) -> &[f64] {
        &self.greenwood
    }

    /// The life table (at risk, events, censored per time).
    pub fn table(&self) -> &EventTable {
        &self.table
    }

    /// The confidence level given at fit time.
    pub fn confidence(&self) -> Confidence {
        self.confidence
    }

    /// Number of customers.
    pub fn subjects(&self) -> u64 {
        self.table.subjects()
    }

    /// Number of observed churns.
    pub fn events(&self) -> u64 {
        self.table.total_events()
    }

    /// S(t): the estimate at the last timeline point at or before `t`; 1 before time 0.
    pub fn survival_at(&self, t: f64) -> Result<f64> {
        if t.is_nan() {
            return Err(Error::invalid("time", t, "a time must be a number"));
        }
        let idx = self.timeline().partition_point(|&x| x <= t);
        Ok(if idx == 0 { 1.0 } else { self.survival[idx - 1] })
    }

    /// S(t) at each of `times` (see [`KaplanMeier::survival_at`]).
    pub fn survival_at_times(&self, times: &[f64]) -> Result<Vec<f64>> {
        times
            .iter()
            .enumerate()
            .map(|(i, &t)| self.survival_at(t).map_err(|e| e.at(i)))
            .collect()
    }

    /// The first timeline time at which S(t) <= `q`, or `None` when the curve stays above `q`
    /// (lifelines reports infinity). `q` must lie in 0..=1.
    pub fn survival_time(&self, q: f64) -> Result<Option<f64>> {
        if !(0.0..=1.0).contains(&q) {
            return Err(Error::out_of_range("survival quantile", q, "0..=1"));
        }
        let idx = self.survival.partition_point(|&s| s > q);
        Ok(self.timeline().get(idx).copied())
    }

    /// Median survival time: the first time with S(t) <= 0.5; `None` (infinite) when the curve
    /// never gets there.
    pub fn median(&self) -> Option<f64> {
        let idx = self.survival.partition_point(|&s| s > 0.5);
        self.timeline().get(idx).copied()
    }

    /// Exponential Greenwood bounds at the confidence level given at fit time.
    pub fn confidence_interval(&self) -> ConfidenceBand {
        self.confidence_interval_at(self.confidence)
    }

    /// Exponential Greenwood ("log-log") bounds at any level.
    pub fn confidence_interval_at(&self, confidence: Confidence) -> ConfidenceBand {
        self.confidence_band(confidence, ConfidenceType::LogLog)
    }

    /// Pointwise bounds at any level, of any [`ConfidenceType`].
    ///
    /// ```
    /// use cs_core::retention::{ConfidenceType, kaplan_meier};
    /// use cs_core::statistics::Confidence;
    /// let km = kaplan_meier(&[1.0, 2.0, 3.0, 4.0], &[true, true, false, true], Confidence::NINETY_FIVE)?;
    /// // S(1) = 0.75 with Greenwood's sum 1 / (4 * 3): the log band is 0.75 e^(∓1.96 √(1/12)).
    /// let band = km.confidence_band(Confidence::NINETY_FIVE, ConfidenceType::Log);
    /// let w = 1.959_963_984_540_054 * (1.0f64 / 12.0).sqrt();
    /// assert!((band.lower[1] - 0.75 * (-w).exp()).abs() < 1e-15);
    /// assert_eq!(band.upper[1], 1.0); // 0.75 e^0.566 = 1.32, capped at 1
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn confidence_band(&self, confidence: Confidence, kind: ConfidenceType) -> ConfidenceBand {
        // lifelines: z = Φ⁻¹(1 - alpha / 2) with alpha = 1 - level.
        let z = normal_quantile(1.0 - (1.0 - confidence.level()) / 2.0);
        // Rows with the same S and variance (no churn) share their bounds; chunks are computed
        // in parallel, each row independently of the thread count.
        let rows = self.survival.len();
        let mut lower = vec![0.0f64; rows];
        let mut upper = vec![0.0f64; rows];
        lower
            .par_chunks_mut(CHUNK)
            .zip(upper.par_chunks_mut(CHUNK))
            .zip(
                self.survival
                    .par_chunks(CHUNK)
                    .zip(self.greenwood.par_chunks(CHUNK)),
            )
            .for_each(|((lo, hi), (surv, green))| {
                let (mut prev_s, mut prev_var) = (f64::NAN, f64::NAN);
                let (mut b_lo, mut b_hi) = (f64::NAN, f64::NAN);
                for (((l, h), &s), &var) in lo.iter_mut().zip(hi.iter_mut()).zip(surv).zip(green) {
                    if s.to_bits() != prev_s.to_bits() || var.to_bits() != prev_var.to_bits() {
                        (prev_s, prev_var) = (s, var);
                        (b_lo, b_hi) = kind.bounds(s, var, z);
                    }
                    *l = b_lo;
                    *h = b_hi;
                }
            });
        ConfidenceBand {
            confidence,
            confidence_type: kind,
            lower,
            upper,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)] // exact expected values; unwrap reports a failure
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn fit(d: &[f64], o: &[bool]) -> KaplanMeier {
        kaplan_meier(d, o, Confidence::NINETY_FIVE).unwrap()
    }

    // lifelines' docstring example (logrank_test, group A):
    // T = [1, 4, 10, 12, 12, 3, 5.4], E = [1, 0, 1, 0, 1, 1, 1].
    fn example() -> KaplanMeier {
        fit(
            &[1.0, 4.0, 10.0, 12.0, 12.0, 3.0, 5.4],
            &[true, false, true, false, true, true, true],
        )
    }

    #[test]
    fn product_limit_with_censoring_and_ties() {
        let km = example();
        assert_eq!(km.timeline(), &[0.0, 1.0, 3.0, 4.0, 5.4, 10.0, 12.0]);
        // at risk 7, 7, 6, 5, 4, 3, 2; deaths 0, 1, 1, 0, 1, 1, 1 (the censoring at 12 is
        // still at risk when the death at 12 happens).
        assert_eq!(km.table().at_risk(), &[7, 7, 6, 5, 4, 3, 2]);
        let expected = [
            1.0,
            6.0 / 7.0,
            6.0 / 7.0 * 5.0 / 6.0,
            5.0 / 7.0,
            5.0 / 7.0 * 3.0 / 4.0,
            5.0 / 7.0 * 3.0 / 4.0 * 2.0 / 3.0,
            5.0 / 7.0 * 3.0 / 4.0 * 2.0 / 3.0 * 1.0 / 2.0,
        ];
        for (got, want) in km.survival().iter().zip(expected) {
            assert!((got - want).abs() < 1e-15, "{got} vs {want}");
        }
        // S = 0.357 at 10 is the first value <= 0.5.
        assert_eq!(km.median(), Some(10.0));
        assert_eq!(km.survival_time(0.2).unwrap(), Some(12.0));
        assert_eq!(km.survival_time(0.1).unwrap(), None);
    }

    #[test]
    fn survival_at_is_a_right_continuous_step() {
        let km = example();
        assert_eq!(km.survival_at(-1.0).unwrap(), 1.0);
        assert_eq!(km.survival_at(0.999).unwrap(), 1.0);
        assert!((km.survival_at(1.0).unwrap() - 6.0 / 7.0).abs() < 1e-15);
        assert!((km.survival_at(1e9).unwrap() - 5.0 / 28.0).abs() < 1e-15);
        assert!(km.survival_at(f64::NAN).is_err());
    }

    #[test]
    fn greenwood_log_log_bounds_by_hand() {
        let km = example();
        // At t = 1: S = 6/7, var sum = 1 / (7 * 6); v = ln S.
        let s: f64 = 6.0 / 7.0;
        let var: f64 = 1.0 / 42.0;
        let v = s.ln();
        let z = 1.959_963_984_540_054;
        let lower = (-((-v).ln() - z * var.sqrt() / v).exp()).exp();
        let upper = (-((-v).ln() + z * var.sqrt() / v).exp()).exp();
        let ci = km.confidence_interval();
        assert!((ci.lower[1] - lower).abs() < 1e-14 && (ci.upper[1] - upper).abs() < 1e-14);
        assert!(ci.lower[1] < s && s < ci.upper[1]);
        // S = 1 at time 0: both bounds are 1 (lifelines' fillna(1)).
        assert_eq!((ci.lower[0], ci.upper[0]), (1.0, 1.0));
        // A wider level gives a wider band.
        let ci99 = km.confidence_interval_at(Confidence::new(0.99).unwrap());
        assert!(ci99.lower[3] < ci.lower[3] && ci99.upper[3] > ci.upper[3]);
    }

    #[test]
    fn curve_reaching_zero_has_zero_bounds() {
        let km = fit(&[1.0, 2.0], &[true, true]);
        assert!((km.survival()[1] - 0.5).abs() < 1e-15);
        assert_eq!(km.survival()[2], 0.0);
        let ci = km.confidence_interval();
        assert_eq!((ci.lower[2], ci.upper[2]), (0.0, 0.0));
    }

    #[test]
    fn median_is_none_when_never_reached() {
        let km = fit(&[1.0, 2.0, 3.0], &[true, false, false]);
        assert_eq!(km.median(), None);
    }

    #[test]
    fn json_round_trip_recomputes_and_checks_the_curve() {
        let km = fit(&[2.0, 5.0, 5.0, 8.0, 12.0], &[true, true, false, true, false]);
        let text = serde_json::to_string(&km).unwrap();
        assert_eq!(serde_json::from_str::<KaplanMeier>(&text).unwrap(), km);
        // S(2) = 0.8 by the table; a tampered curve is rejected.
        let tampered = text.replacen("0.8", "0.7", 1);
        let e = serde_json::from_str::<KaplanMeier>(&tampered)
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not match its event table"), "{e}");
        let e = serde_json::from_str::<KaplanMeier>(&text.replace("0.95", "1.5")).unwrap_err();
        assert!(e.to_string().contains("confidence level 1.5"), "{e}");
    }

    #[test]
    fn all_censored_is_an_error() {
        let e = kaplan_meier(&[1.0, 2.0], &[false, false], Confidence::NINETY_FIVE).unwrap_err();
        assert!(e.to_string().starts_with("observed all false is invalid"), "{e}");
    }

    #[test]
    fn by_group_matches_separate_fits() {
        let d = [3.0, 7.0, 7.0, 2.0, 9.0, 4.0, 4.0];
        let o = [true, false, true, true, true, false, true];
        let g = ["b", "b", "a", "b", "a", "c", "b"];
        let groups = kaplan_meier_by(&d, &o, Confidence::NINETY_FIVE, |i| Ok(g[i])).unwrap();
        assert_eq!(groups.iter().map(|x| x.key).collect::<Vec<_>>(), ["a", "b", "c"]);
        let b = fit(&[3.0, 7.0, 2.0, 4.0], &[true, false, true, true]);
        assert_eq!(groups[1].estimate, b);
        // Group c has no churn: a flat curve, not an error.
        assert_eq!(groups[2].estimate.survival(), &[1.0, 1.0]);
    }

    proptest! {
        #[test]
        fn survival_is_non_increasing_and_bounded(
            rows in proptest::collection::vec((0u32..50, any::<bool>()), 1..200)
        ) {
            let d: Vec<f64> = rows.iter().map(|r| f64::from(r.0) / 4.0).collect();
            let o: Vec<bool> = rows.iter().map(|r| r.1).collect();
            prop_assume!(o.iter().any(|&x| x));
            let km = fit(&d, &o);
            let ci = km.confidence_interval();
            for w in km.survival().windows(2) {
                prop_assert!(w[1] <= w[0]);
            }
            for ((&s, &lo), &hi) in km.survival().iter().zip(&ci.lower).zip(&ci.upper) {
                prop_assert!((0.0..=1.0).contains(&s));
                prop_assert!(lo <= s + 1e-12 && s <= hi + 1e-12, "{lo} {s} {hi}");
                prop_assert!(!lo.is_nan() && !hi.is_nan());
            }
        }

        #[test]
        fn row_order_does_not_matter(
            rows in proptest::collection::vec((0u32..30, any::<bool>()), 1..100),
            seed in any::<u64>()
        ) {
            let mut o: Vec<bool> = rows.iter().map(|r| r.1).collect();
            o[0] = true;
            let d: Vec<f64> = rows.iter().map(|r| f64::from(r.0) + 0.5).collect();
            let mut idx: Vec<usize> = (0..d.len()).collect();
            idx.sort_by_key(|&i| (i as u64).wrapping_mul(seed | 1).rotate_left(17));
            let d2: Vec<f64> = idx.iter().map(|&i| d[i]).collect();
            let o2: Vec<bool> = idx.iter().map(|&i| o[i]).collect();
            prop_assert_eq!(fit(&d, &o), fit(&d2, &o2));
        }
    }
}
