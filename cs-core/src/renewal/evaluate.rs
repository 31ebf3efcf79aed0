use serde::{Deserialize, Serialize};

use super::factors::RiskTable;
use super::model::RiskModel;
use super::tier::RiskTier;
use crate::portfolio::Column;
use crate::statistics::{Confidence, wilson_interval};
use crate::{Error, Result};

/// Churn and revenue of the accounts in one risk tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierOutcome {
    /// The tier.
    pub tier: RiskTier,
    /// Accounts in the tier.
    pub accounts: u64,
    /// Of which churned.
    pub churned: u64,
    /// `churned ÷ accounts`; `None` for an empty tier.
    pub churn_rate: Option<f64>,
    /// Mean predicted risk; `None` for an empty tier.
    pub mean_risk: Option<f64>,
    /// ARR of the tier's accounts (minor units; 0 when no ARR was given).
    pub arr: i64,
    /// ARR of the tier's churned accounts.
    pub churned_arr: i64,
}

/// One bin of a calibration table: accounts sorted by predicted risk, cut into equal-count
/// bins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    /// Bin number, 1 = lowest risks.
    pub bin: u32,
    /// Accounts in the bin.
    pub accounts: u64,
    /// Accounts in the bin that churned.
    pub churned: u64,
    /// Mean predicted risk: the expected churn rate.
    pub mean_risk: f64,
    /// Observed churn rate.
    pub churn_rate: f64,
    /// Lower end of the 95 % Wilson interval of the observed churn rate.
    pub churn_rate_lower: f64,
    /// Upper end of the 95 % Wilson interval of the observed churn rate.
    pub churn_rate_upper: f64,
}

/// Murphy's decomposition of the Brier score over the calibration bins (Murphy, "A new vector
/// partition of the probability score", *Journal of Applied Meteorology* 12(4), 1973):
/// `brier = reliability - resolution + uncertainty + within_bin`. With N accounts, bin k of
/// `n_k` accounts, mean risk `f_k` and churn rate `o_k`, and overall churn rate o:
/// reliability = `Σ n_k (f_k - o_k)² / N` (0 = calibrated), resolution = `Σ n_k (o_k - o)² / N`
/// (higher = the bins separate churners), uncertainty = `o (1 - o)`. The identity is exact when
/// every account of a bin has the same risk; `within_bin` is the remainder from the risks
/// varying inside the bins (Stephenson, Coelho and Jolliffe, *Weather and Forecasting* 23,
/// 2008), small for deciles of a smooth score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BrierDecomposition {
    /// `Σ n_k (f_k - o_k)² / N`.
    pub reliability: f64,
    /// `Σ n_k (o_k - o)² / N`.
    pub resolution: f64,
    /// o (1 - o).
    pub uncertainty: f64,
    /// brier - (reliability - resolution + uncertainty).
    pub within_bin: f64,
}

/// How well a risk model ranks and calibrates on a labelled (ideally held-out) set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Rows evaluated.
    pub rows: u64,
    /// Rows that churned.
    pub churned: u64,
    /// Area under the ROC curve (ties count one half); `None` when one class is absent.
    pub auc: Option<f64>,
    /// Mean squared error of the predicted risk against the 0/1 outcome.
    pub brier: f64,
    /// Mean log-loss (natural log).
    pub log_loss: f64,
    /// Churn and ARR per tier, low to critical.
    pub by_tier: Vec<TierOutcome>,
    /// Calibration by decile (fewer bins when there are fewer than ten rows).
    pub calibration: Vec<CalibrationBin>,
    /// The Brier score decomposed over the calibration bins.
    pub brier_decomposition: BrierDecomposition,
}

/// ROC AUC of the risks against the outcomes ([`crate::retention::roc_auc`]: Mann-Whitney,
/// ties one half); `None` without both classes.
fn roc_auc(scores: &[f64], positive: &[bool]) -> Option<f64> {
    crate::retention::roc_auc(scores, positive).ok()
}

impl RiskModel {
    /// Scores `table` and compares the risks with the outcomes `churned` (no nulls): ROC AUC,
    /// Brier score, log-loss, churn rate and ARR per tier, calibration by decile. `arr`, when
    /// given, must have the table's length and no nulls or negative values.
    #[allow(clippy::many_single_char_names)]
    pub fn evaluate(
        &self,
        table: &RiskTable<'_>,
        churned: Column<'_, bool>,
        arr: Option<Column<'_, i64>>,
    ) -> Result<Evaluation> {
        let n = table.len();
        if n == 0 {
            return Err(Error::empty("risk table"));
        }
        churned.expect_len(n)?;
        if let Some(a) = &arr {
            a.expect_len(n)?;
        }
        let mut y = Vec::with_capacity(n);
        for i in 0..n {
            y.push(churned.get(i).ok_or_else(|| Error::Missing {
                field: format!("outcome {}", churned.name()),
                position: Some(i),
            })?);
        }
        let mut arr_values = vec![0i64; n];
        if let Some(a) = &arr {
            for (i, v) in arr_values.iter_mut().enumerate() {
                *v = a.get(i).ok_or_else(|| Error::missing(a.name()).at(i))?;
                if *v < 0 {
                    return Err(Error::out_of_range(a.name(), *v, ">= 0").at(i));
                }
            }
        }
        let scores = self.score(table)?;
        let mut by_tier: Vec<TierOutcome> = RiskTier::ALL
            .iter()
            .map(|&tier| TierOutcome {
                tier,
                accounts: 0,
                churned: 0,
                churn_rate: None,
                mean_risk: None,
                arr: 0,
                churned_arr: 0,
            })
            .collect();
        let mut risk_sums = [0.0; 4];
        let (mut brier, mut log_loss) = (0.0, 0.0);
        for i in 0..n {
            let p = scores.risk[i];
            let t = &mut by_tier[scores.tier[i].index()];
            t.accounts += 1;
            risk_sums[scores.tier[i].index()] += p;
            t.arr = checked(t.arr, arr_values[i])?;
            let yi = if y[i] { 1.0 } else { 0.0 };
            if y[i] {
                t.churned += 1;
                t.churned_arr = checked(t.churned_arr, arr_values[i])?;
            }
            brier += (p - yi) * (p - yi);
            // Clip to keep the loss finite at a risk of exactly 0 or 1.
            let q = p.clamp(1e-15, 1.0 - 1e-15);
            log_loss -= yi * q.ln() + (1.0 - yi) * (1.0 - q).ln();
        }
        for (t, s) in by_tier.iter_mut().zip(risk_sums) {
            if t.accounts > 0 {
                t.churn_rate = Some(t.churned as f64 / t.accounts as f64);
                t.mean_risk = Some(s / t.accounts as f64);
            }
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| scores.risk[a].total_cmp(&scores.risk[b]).then(a.cmp(&b)));
        let bins = n.min(10);
        let calibration: Vec<CalibrationBin> = (0..bins)
            .map(|b| {
                let rows = &order[b * n / bins..(b + 1) * n / bins];
                let m = rows.len() as f64;
                let churned = rows.iter().filter(|&&i| y[i]).count() as u64;
                let (lower, upper) = wilson_interval(churned, rows.len() as u64, Confidence::NINETY_FIVE)
                    .unwrap_or((0.0, 1.0));
                CalibrationBin {
                    bin: b as u32 + 1,
                    accounts: rows.len() as u64,
                    churned,
                    mean_risk: rows.iter().map(|&i| scores.risk[i]).sum::<f64>() / m,
                    churn_rate: churned as f64 / m,
                    churn_rate_lower: lower,
                    churn_rate_upper: upper,
                }
            })
            .collect();
        let churned = y.iter().filter(|v| **v).count() as u64;
        let brier = brier / n as f64;
        let brier_decomposition = decompose(brier, &calibration, churned, n as u64);
        Ok(Evaluation {
            rows: n as u64,
            churned,
            auc: roc_auc(&scores.risk, &y),
            brier,
            log_loss: log_loss / n as f64,
            by_tier,
            calibration,
            brier_decomposition,
        })
    }
}

/// Murphy's terms from the bins (see [`BrierDecomposition`]).
fn decompose(brier: f64, bins: &[CalibrationBin], churned: u64, rows: u64) -> BrierDecomposition {
    let n = rows as f64;
    let o = churned as f64 / n;
    let (mut reliability, mut resolution) = (0.0, 0.0);
    for b in bins {
        let w = b.accounts as f64 / n;
        reliability += w * (b.mean_risk - b.churn_rate).powi(2);
        resolution += w * (b.churn_rate - o).powi(2);
    }
    let uncertainty = o * (1.0 - o);
    BrierDecomposition {
        reliability,
        resolution,
        uncertainty,
        within_bin: brier - (reliability - resolution + uncertainty),
    }
}

fn checked(a: i64, b: i64) -> Result<i64> {
    a.checked_add(b)
        .ok_or_else(|| Error::out_of_range("arr total", format!("{a} + {b}"), "the i64 range"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp, clippy::many_single_char_names)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn brier_decomposition_by_hand() {
        // Bin 1: risk 0.5, outcomes 1 and 0; bin 2: risk 0.9, outcomes 1 and 1.
        // Brier (0.25 + 0.25 + 0.01 + 0.01) / 4 = 0.13; o = 3/4.
        let bin = |bin, churned, mean_risk, churn_rate| CalibrationBin {
            bin,
            accounts: 2,
            churned,
            mean_risk,
            churn_rate,
            churn_rate_lower: 0.0,
            churn_rate_upper: 1.0,
        };
        let d = decompose(0.13, &[bin(1, 1, 0.5, 0.5), bin(2, 2, 0.9, 1.0)], 3, 4);
        assert!((d.reliability - 0.005).abs() < 1e-15);
        assert!((d.resolution - 0.0625).abs() < 1e-15);
        assert!((d.uncertainty - 0.1875).abs() < 1e-15);
        assert!(d.within_bin.abs() < 1e-15);
    }

    #[test]
    fn auc_counts_ties_as_one_half() {
        // Positives score 0.8 and 0.5, negatives 0.5 and 0.2. Pairs: (0.8 > 0.5), (0.8 > 0.2),
        // (0.5 = 0.5 -> ½), (0.5 > 0.2): 3.5 of 4 = 0.875.
        let auc = roc_auc(&[0.8, 0.5, 0.5, 0.2], &[true, true, false, false]).unwrap();
        assert!((auc - 0.875).abs() < 1e-15);
        assert_eq!(roc_auc(&[0.1, 0.2], &[true, true]), None);
        assert_eq!(roc_auc(&[0.3, 0.3, 0.3], &[true, false, true]), Some(0.5));
    }

    fn brute_auc(s: &[f64], y: &[bool]) -> f64 {
        let (mut wins, mut pairs) = (0.0, 0.0);
        for i in 0..s.len() {
            for j in 0..s.len() {
                if y[i] && !y[j] {
                    pairs += 1.0;
                    if s[i] > s[j] {
                        wins += 1.0;
                    } else if s[i] == s[j] {
                        wins += 0.5;
                    }
                }
            }
        }
        wins / pairs
    }

    proptest! {
        #[test]
        fn auc_matches_pair_counting(v in prop::collection::vec((0u8..6, any::<bool>()), 2..40)) {
            let s: Vec<f64> = v.iter().map(|(a, _)| f64::from(*a)).collect();
            let y: Vec<bool> = v.iter().map(|(_, b)| *b).collect();
            if let Some(a) = roc_auc(&s, &y) {
                prop_assert!((a - brute_auc(&s, &y)).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn evaluation_reports_tiers_and_calibration() {
        let health = [
            10.0, 20.0, 30.0, 80.0, 90.0, 95.0, 100.0, 60.0, 50.0, 40.0, 70.0, 85.0,
        ];
        let churn = [
            true, true, false, false, false, false, false, true, false, true, false, false,
        ];
        let arr = [100i64, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200];
        let t = RiskTable::new(12)
            .with(Column::new("health_score", &health))
            .unwrap();
        let (m, _) = RiskModel::default().restricted_to(&t);
        let e = m
            .evaluate(&t, Column::new("churned", &churn), Some(Column::new("arr", &arr)))
            .unwrap();
        assert_eq!((e.rows, e.churned), (12, 4));
        assert_eq!(e.calibration.len(), 10);
        assert_eq!(e.calibration.iter().map(|b| b.accounts).sum::<u64>(), 12);
        assert_eq!(e.by_tier.iter().map(|t| t.arr).sum::<i64>(), 7800);
        assert_eq!(
            e.by_tier.iter().map(|t| t.churned_arr).sum::<i64>(),
            100 + 200 + 800 + 1000
        );
        // Churned healths 10, 20, 60, 40 vs renewed 30, 80, 90, 95, 100, 50, 70, 85: risk falls with
        // health, so wins are the renewed rows healthier than each churned one: 8 + 8 + 6 + 7 = 29
        // of 8 × 4 = 32 pairs.
        assert!((e.auc.unwrap() - 29.0 / 32.0).abs() < 1e-12);
    }
}
