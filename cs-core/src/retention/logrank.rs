use std::hash::Hash;

use serde::{Deserialize, Serialize};

use super::kaplan_meier::{all_censored, event_tables_by};
use super::{EventTable, SurvivalGroup};
use crate::statistics::chi_square_sf;
use crate::{Error, Result};

/// The log-rank test of equal survival across groups (Mantel 1966; the k-sample form of
/// Klein and Moeschberger, *Survival Analysis*, 2003, section 7.3), as lifelines'
/// `logrank_test` (two groups) and `multivariate_logrank_test` (any number) compute it.
///
/// At each distinct churn time `t_i` with `d_i` churns among `n_i` at risk (`n_ij` in group j):
/// expected churns `E_j = Σ n_ij d_i / n_i`, `Z_j = O_j - E_j`, and the covariance
/// `V_jl = Σ d_i (n_i - d_i)/(n_i - 1) · n_ij (δ_jl n_i - n_il) / n_i²`. The statistic is
/// `Zᵀ V⁻ Z` over the first k-1 groups (V⁻ the pseudo-inverse) and is chi-square with k-1
/// degrees of freedom under the null hypothesis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogRank<K> {
    /// The chi-square statistic.
    pub statistic: f64,
    /// Degrees of freedom: number of groups - 1.
    pub degrees_of_freedom: u32,
    /// P(χ²_{k-1} > statistic).
    pub p_value: f64,
    /// Observed and expected churns per group, sorted by key.
    pub groups: Vec<LogRankGroup<K>>,
}

/// One group's counts in a log-rank test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogRankGroup<K> {
    /// The group key.
    pub key: K,
    /// Customers in the group.
    pub subjects: u64,
    /// Observed churns.
    pub observed: u64,
    /// Churns expected if every group had the pooled hazard.
    pub expected: f64,
}

/// Log-rank test between the groups given by `key(i)` for row `i`.
///
/// ```
/// use cs_core::retention::logrank;
/// // lifelines' logrank_test docstring example: statistic 0.0872, p 0.7676.
/// let t = [1.0, 4.0, 10.0, 12.0, 12.0, 3.0, 5.4, 4.0, 5.0, 7.0, 11.0, 14.0, 20.0, 8.0, 8.0];
/// let e = [true, false, true, false, true, true, true, true, true, true, true, true, true, true, true];
/// let test = logrank(&t, &e, |i| Ok(if i < 7 { "A" } else { "B" }))?;
/// assert!((test.statistic - 0.0872).abs() < 1e-4);
/// assert!((test.p_value - 0.7676).abs() < 1e-4);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn logrank<K, F>(durations: &[f64], observed: &[bool], key: F) -> Result<LogRank<K>>
where
    K: Eq + Hash + Ord + Send + Clone,
    F: FnMut(usize) -> Result<K>,
{
    let tables = event_tables_by(durations, observed, key)?;
    from_tables(tables.iter().map(|(k, t)| (k.clone(), t)).collect())
}

/// Log-rank test between groups already estimated with
/// [`kaplan_meier_by`](super::kaplan_meier_by), without re-reading the rows.
pub fn logrank_groups<K: Clone>(groups: &[SurvivalGroup<K>]) -> Result<LogRank<K>> {
    from_tables(
        groups
            .iter()
            .map(|g| (g.key.clone(), g.estimate.table()))
            .collect(),
    )
}

#[allow(clippy::many_single_char_names)] // the textbook's notation
fn from_tables<K>(tables: Vec<(K, &EventTable)>) -> Result<LogRank<K>> {
    let k = tables.len();
    if k < 2 {
        return Err(Error::invalid(
            "groups",
            k,
            "the log-rank test compares at least two groups",
        ));
    }
    if tables.iter().all(|(_, t)| t.total_events() == 0) {
        return Err(all_censored());
    }
    // (time, group, removed, events) for every row of every group, merged in time order.
    let mut rows: Vec<(f64, usize, u64, u64)> = Vec::new();
    for (g, (_, t)) in tables.iter().enumerate() {
        for i in 0..t.times().len() {
            if t.removed(i) > 0 {
                rows.push((t.times()[i], g, t.removed(i), t.events()[i]));
            }
        }
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));

    let mut remaining: Vec<u64> = tables.iter().map(|(_, t)| t.subjects()).collect();
    let mut total: u64 = remaining.iter().sum();
    let mut observed = vec![0u64; k];
    let mut expected = vec![0.0f64; k];
    let m = k - 1;
    let mut v = vec![0.0f64; m * m];
    let mut i = 0;
    while i < rows.len() {
        let time = rows[i].0;
        let start = i;
        let mut deaths = 0u64;
        while i < rows.len() && rows[i].0.total_cmp(&time).is_eq() {
            deaths += rows[i].3;
            observed[rows[i].1] += rows[i].3;
            i += 1;
        }
        if deaths > 0 {
            let n = total as f64;
            let d = deaths as f64;
            let ratio = d / n;
            let c = if total > 1 { (n - d) / (n - 1.0) } else { 1.0 };
            let f = c * d / (n * n);
            for j in 0..k {
                expected[j] += remaining[j] as f64 * ratio;
            }
            for j in 0..m {
                let nj = remaining[j] as f64;
                if nj == 0.0 {
                    continue;
                }
                v[j * m + j] += f * nj * (n - nj);
                for l in (j + 1)..m {
                    let cross = f * nj * remaining[l] as f64;
                    v[j * m + l] -= cross;
                    v[l * m + j] -= cross;
                }
            }
        }
        for row in &rows[start..i] {
            remaining[row.1] -= row.2;
            total -= row.2;
        }
    }
    let z: Vec<f64> = (0..m).map(|j| observed[j] as f64 - expected[j]).collect();
    let statistic = quadratic_form_pinv(&v, &z, m).max(0.0);
    let dof = m as u32;
    let groups = tables
        .into_iter()
        .enumerate()
        .map(|(j, (key, t))| LogRankGroup {
            key,
            subjects: t.subjects(),
            observed: observed[j],
            expected: expected[j],
        })
        .collect();
    Ok(LogRank {
        statistic,
        degrees_of_freedom: dof,
        p_value: chi_square_sf(statistic, dof),
        groups,
    })
}

/// `zᵀ A⁺ z` for a symmetric positive semi-definite `m × m` matrix `a` (row-major), with the
/// Moore-Penrose pseudo-inverse from a cyclic Jacobi eigendecomposition; eigenvalues below
/// 1e-15 × the largest are treated as zero, as numpy's `pinv` does.
#[allow(clippy::many_single_char_names)] // the textbook's notation
fn quadratic_form_pinv(a: &[f64], z: &[f64], m: usize) -> f64 {
    let mut a = a.to_vec();
    // Eigenvectors as columns of `q`.
    let mut q = vec![0.0f64; m * m];
    for j in 0..m {
        q[j * m + j] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..m)
            .flat_map(|r| ((r + 1)..m).map(move |c| (r, c)))
            .map(|(r, c)| a[r * m + c] * a[r * m + c])
            .sum();
        let diag: f64 = (0..m).map(|r| a[r * m + r] * a[r * m + r]).sum();
        if off <= 1e-32 * diag || off == 0.0 {
            break;
        }
        for p in 0..m {
            for r in (p + 1)..m {
                let apr = a[p * m + r];
                if apr == 0.0 {
                    continue;
                }
                let theta = (a[r * m + r] - a[p * m + p]) / (2.0 * apr);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for x in 0..m {
                    let axp = a[x * m + p];
                    let axr = a[x * m + r];
                    a[x * m + p] = c * axp - s * axr;
                    a[x * m + r] = s * axp + c * axr;
                }
                for x in 0..m {
                    let apx = a[p * m + x];
                    let arx = a[r * m + x];
                    a[p * m + x] = c * apx - s * arx;
                    a[r * m + x] = s * apx + c * arx;
                }
                for x in 0..m {
                    let qxp = q[x * m + p];
                    let qxr = q[x * m + r];
                    q[x * m + p] = c * qxp - s * qxr;
                    q[x * m + r] = s * qxp + c * qxr;
                }
            }
        }
    }
    let largest = (0..m).map(|j| a[j * m + j].abs()).fold(0.0, f64::max);
    let cutoff = 1e-15 * largest;
    let mut total = 0.0;
    for j in 0..m {
        let lambda = a[j * m + j];
        if lambda.abs() > cutoff && lambda != 0.0 {
            let proj: f64 = (0..m).map(|x| q[x * m + j] * z[x]).sum();
            total += proj * proj / lambda;
        }
    }
    total
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)] // exact expected values; unwrap reports a failure
mod tests {
    use super::*;
    use crate::retention::kaplan_meier_by;
    use crate::statistics::Confidence;

    #[test]
    fn two_groups_by_hand() {
        // A: churn at 1, 3 (2 customers); B: churn at 2, censored at 4.
        // t=1: n=4, d=1, nA=2 -> E_A = 0.5, V = 1*(3/3)*2*2/16 = 0.25
        // t=2: n=3, d=1, nA=1 -> E_A += 1/3, V += 1*(2/2)*1*2/9 = 2/9
        // t=3: n=2, d=1, nA=1 -> E_A += 1/2, V += 1*(1/1)*1*1/4 = 1/4
        // O_A = 2, E_A = 4/3, Z = 2/3, V = 0.25 + 2/9 + 0.25 = 13/18; U = (4/9) / (13/18) = 8/13.
        let test = logrank(&[1.0, 3.0, 2.0, 4.0], &[true, true, true, false], |i| Ok(i / 2)).unwrap();
        assert!((test.statistic - 8.0 / 13.0).abs() < 1e-14, "{}", test.statistic);
        assert_eq!(test.degrees_of_freedom, 1);
        assert!((test.groups[0].expected - 4.0 / 3.0).abs() < 1e-14);
        assert_eq!(test.groups[1].observed, 1);
        assert!((test.p_value - chi_square_sf(8.0 / 13.0, 1)).abs() < 1e-15);
    }

    #[test]
    fn three_groups_lifelines_docstring_example() {
        // lifelines multivariate_logrank_test docstring data; statistic from lifelines 0.30.3.
        let t = [5.0, 3.0, 9.0, 8.0, 7.0, 4.0, 4.0, 3.0, 2.0, 5.0, 6.0, 7.0];
        let e = [
            true, true, true, true, true, true, false, false, true, true, true, false,
        ];
        let g = [0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2];
        let test = logrank(&t, &e, |i| Ok(g[i])).unwrap();
        assert_eq!(test.degrees_of_freedom, 2);
        assert!(
            (test.statistic - 1.080_046_731_489_190_6).abs() < 1e-12,
            "{}",
            test.statistic
        );
        assert!(
            (test.p_value - 0.582_734_636_186_238_2).abs() < 1e-12,
            "{}",
            test.p_value
        );
        let sum_z: f64 = test.groups.iter().map(|x| x.observed as f64 - x.expected).sum();
        assert!(sum_z.abs() < 1e-12);
        // Same result from the fitted curves.
        let curves = kaplan_meier_by(&t, &e, Confidence::NINETY_FIVE, |i| Ok(g[i])).unwrap();
        assert_eq!(logrank_groups(&curves).unwrap(), test);
    }

    #[test]
    fn all_censored_is_an_error() {
        let e = logrank(&[1.0, 2.0], &[false, false], Ok).unwrap_err();
        assert!(e.to_string().starts_with("observed all false is invalid"), "{e}");
    }

    #[test]
    fn one_group_is_an_error() {
        let e = logrank(&[1.0, 2.0], &[true, true], |_| Ok("a")).unwrap_err();
        assert!(e.to_string().contains("at least two groups"));
    }

    #[test]
    fn identical_groups_give_zero_statistic() {
        let t = [1.0, 2.0, 3.0, 1.0, 2.0, 3.0];
        let e = [true; 6];
        let test = logrank(&t, &e, |i| Ok(i / 3)).unwrap();
        assert!(test.statistic.abs() < 1e-15);
        assert!((test.p_value - 1.0).abs() < 1e-12);
    }
}
