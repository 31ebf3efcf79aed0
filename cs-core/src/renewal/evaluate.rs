use serde::{Deserialize, Serialize};

use super::factors::RiskTable;
use super::model::RiskModel;
use super::tier::RiskTier;
use crate::portfolio::Column;
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
    /// Mean predicted risk.
    pub mean_risk: f64,
    /// Observed churn rate.
    pub churn_rate: f64,
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
        let calibration = (0..bins)
            .map(|b| {
                let rows = &order[b * n / bins..(b + 1) * n / bins];
                let m = rows.len() as f64;
                CalibrationBin {
                    bin: b as u32 + 1,
                    accounts: rows.len() as u64,
                    mean_risk: rows.iter().map(|&i| scores.risk[i]).sum::<f64>() / m,
                    churn_rate: rows.iter().filter(|&&i| y[i]).count() as f64 / m,
                }
            })
            .collect();
        Ok(Evaluation {
            rows: n as u64,
            churned: y.iter().filter(|v| **v).count() as u64,
            auc: roc_auc(&scores.risk, &y),
            brier: brier / n as f64,
            log_loss: log_loss / n as f64,
            by_tier,
            calibration,
        })
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
