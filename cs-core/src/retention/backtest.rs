use serde::{Deserialize, Serialize};

use super::auc::{Ranked, sortable, unsortable};
use crate::{Error, Result};

/// Which way a score points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreDirection {
    /// Risk scores and churn probabilities: higher means more likely to churn (the default,
    /// and scikit-learn's convention).
    #[default]
    HigherIsRiskier,
    /// Health scores: higher means healthier, less likely to churn.
    HigherIsHealthier,
}

impl ScoreDirection {
    /// Parses `"risk"` / `"higher_is_riskier"` or `"health"` / `"higher_is_healthier"`.
    pub fn parse(name: &str) -> Result<Self> {
        match name.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "risk" | "higher_is_riskier" => Ok(ScoreDirection::HigherIsRiskier),
            "health" | "higher_is_healthier" => Ok(ScoreDirection::HigherIsHealthier),
            _ => Err(Error::unknown(
                "score direction",
                name,
                ["risk", "health", "higher_is_riskier", "higher_is_healthier"],
            )),
        }
    }

    /// An integer key increasing with risk.
    pub(crate) fn key(self, score: f64) -> u64 {
        match self {
            ScoreDirection::HigherIsRiskier => sortable(score),
            ScoreDirection::HigherIsHealthier => !sortable(score),
        }
    }

    /// The score behind a key.
    pub(crate) fn score(self, key: u64) -> f64 {
        match self {
            ScoreDirection::HigherIsRiskier => unsortable(key),
            ScoreDirection::HigherIsHealthier => unsortable(!key),
        }
    }
}

/// How many of the most at-risk accounts to look at.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TopK {
    /// A number of accounts (1..=accounts).
    Count(u64),
    /// A share of the accounts in (0, 1]; k = round(share × accounts), at least 1.
    Share(f64),
}

/// Settings of a [`backtest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BacktestOptions {
    /// Which way the score points (default: higher is riskier).
    pub direction: ScoreDirection,
    /// Cut-offs for precision / recall / lift (default: top 5 %, 10 %, 20 %).
    pub top: Vec<TopK>,
    /// Number of score bins for the churn-rate table (default 10: deciles).
    pub bins: u32,
}

impl Default for BacktestOptions {
    fn default() -> Self {
        BacktestOptions {
            direction: ScoreDirection::HigherIsRiskier,
            top: vec![TopK::Share(0.05), TopK::Share(0.1), TopK::Share(0.2)],
            bins: 10,
        }
    }
}

/// How a score ranked the accounts that churned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    /// The score direction used.
    pub direction: ScoreDirection,
    /// Accounts scored.
    pub accounts: u64,
    /// Accounts that churned.
    pub churned: u64,
    /// Base churn rate, churned / accounts.
    pub churn_rate: f64,
    /// ROC AUC with ties one half, oriented so that 1 means every churned account looked
    /// riskier than every retained one.
    pub auc: f64,
    /// Precision, recall and lift at each requested cut-off.
    pub top: Vec<TopKResult>,
    /// Churn rate per score bin, most at risk first.
    pub bins: Vec<ScoreBin>,
}

/// Precision, recall and lift among the k most at-risk accounts.
///
/// Accounts tied with the k-th are shared pro rata: when `m` of a tie group of `g` accounts
/// fit in the top k, the group contributes `m / g` of its churned accounts, the expected count
/// under random tie-breaking (so the result does not depend on row order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopKResult {
    /// Number of accounts in the top.
    pub k: u64,
    /// Churned accounts in the top (fractional when ties straddle the cut-off).
    pub churned: f64,
    /// churned / k.
    pub precision: f64,
    /// churned / all churned accounts.
    pub recall: f64,
    /// precision / base churn rate.
    pub lift: f64,
}

/// One bin of the score ranking (deciles by default). Accounts with the same score stay in the
/// same bin: a tie group goes to the bin holding its middle rank, so bins can differ in size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreBin {
    /// 1 = the most at-risk bin.
    pub bin: u32,
    /// Accounts in the bin.
    pub accounts: u64,
    /// Churned accounts in the bin.
    pub churned: u64,
    /// churned / accounts; `None` for an empty bin.
    pub churn_rate: Option<f64>,
    /// Lowest score in the bin.
    pub min_score: Option<f64>,
    /// Highest score in the bin.
    pub max_score: Option<f64>,
}

/// The most score bins a [`backtest`] makes (more is an error, not an allocation that aborts).
pub const MAX_BINS: u32 = 10_000;

/// Backtest of a score against churn outcomes: AUC, top-k precision / recall / lift and churn
/// rate per score bin, from one sort of the scores.
///
/// Errors: as [`roc_auc`](super::roc_auc) (lengths, empty, non-finite score, one class), plus a
/// top-k count outside 1..=accounts, a share outside (0, 1] or bins outside 1..=[`MAX_BINS`].
///
/// ```
/// use cs_core::retention::{backtest, BacktestOptions, TopK};
/// let risk = [0.9, 0.8, 0.7, 0.3, 0.2, 0.1];
/// let churned = [true, true, false, false, true, false];
/// let options = BacktestOptions { top: vec![TopK::Count(2)], bins: 2, ..Default::default() };
/// let bt = backtest(&risk, &churned, &options)?;
/// // 7 of the 9 (churned, retained) pairs are ordered right (0.2 is below 0.3 and 0.7).
/// assert!((bt.auc - 7.0 / 9.0).abs() < 1e-15);
/// assert_eq!(bt.top[0].precision, 1.0);
/// assert_eq!(bt.top[0].lift, 2.0);
/// assert_eq!((bt.bins[0].churned, bt.bins[1].churned), (2, 1));
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn backtest(scores: &[f64], churned: &[bool], options: &BacktestOptions) -> Result<Backtest> {
    if !(1..=MAX_BINS).contains(&options.bins) {
        return Err(Error::out_of_range(
            "bins",
            options.bins,
            format!("1..={MAX_BINS}"),
        ));
    }
    let ranked = Ranked::new(scores, churned, options.direction)?;
    let n = ranked.accounts();
    let positives = ranked.positives();
    let ks = options
        .top
        .iter()
        .map(|t| resolve_k(*t, n))
        .collect::<Result<Vec<u64>>>()?;
    let bins = u64::from(options.bins);
    let mut table: Vec<ScoreBin> = (1..=options.bins)
        .map(|bin| ScoreBin {
            bin,
            accounts: 0,
            churned: 0,
            churn_rate: None,
            min_score: None,
            max_score: None,
        })
        .collect();
    // Churned accounts in the top k: whole tie groups (integers) plus one partial group.
    let mut whole = vec![0u64; ks.len()];
    let mut partial = vec![0.0f64; ks.len()];
    let mut below = 0u64;
    for tie in ranked.ties() {
        let size = tie.size();
        let above = n - below - size;
        for (idx, &k) in ks.iter().enumerate() {
            if above + size <= k {
                whole[idx] += tie.positives;
            } else if above < k {
                partial[idx] = tie.positives as f64 * (k - above) as f64 / size as f64;
            }
        }
        // Middle rank from the top (in halves) decides the bin.
        let bin = ((2 * above + size) * bins / (2 * n)).min(bins - 1) as usize;
        let score = ranked.direction().score(tie.key);
        let b = &mut table[bin];
        b.accounts += size;
        b.churned += tie.positives;
        b.min_score = Some(b.min_score.map_or(score, |m| m.min(score)));
        b.max_score = Some(b.max_score.map_or(score, |m| m.max(score)));
        below += size;
    }
    for b in &mut table {
        b.churn_rate = (b.accounts > 0).then(|| b.churned as f64 / b.accounts as f64);
    }
    let churn_rate = positives as f64 / n as f64;
    let top = ks
        .iter()
        .enumerate()
        .map(|(idx, &k)| {
            let hit = whole[idx] as f64 + partial[idx];
            let precision = hit / k as f64;
            TopKResult {
                k,
                churned: hit,
                precision,
                recall: hit / positives as f64,
                lift: precision / churn_rate,
            }
        })
        .collect();
    Ok(Backtest {
        direction: options.direction,
        accounts: n,
        churned: positives,
        churn_rate,
        auc: ranked.auc(),
        top,
        bins: table,
    })
}

fn resolve_k(top: TopK, n: u64) -> Result<u64> {
    match top {
        TopK::Count(k) if (1..=n).contains(&k) => Ok(k),
        TopK::Count(k) => Err(Error::out_of_range(
            "top k",
            k,
            format!("1..={n} (the number of accounts)"),
        )),
        TopK::Share(s) if s > 0.0 && s <= 1.0 => Ok(((s * n as f64).round() as u64).clamp(1, n)),
        TopK::Share(s) => Err(Error::out_of_range("top share", s, "(0, 1]")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)] // exact expected values; unwrap reports a failure
mod tests {
    use super::*;

    #[test]
    fn ties_at_the_cut_off_are_shared_pro_rata() {
        // Scores 0.9 (churned), then three tied at 0.5 with one churned, then 0.1 (retained).
        let s = [0.9, 0.5, 0.5, 0.5, 0.1];
        let c = [true, true, false, false, false];
        let o = BacktestOptions {
            top: vec![TopK::Count(2), TopK::Count(4), TopK::Share(1.0)],
            bins: 5,
            ..Default::default()
        };
        let bt = backtest(&s, &c, &o).unwrap();
        // k = 2: 1 + 1 of the 3 tied × 1/3 churned = 4/3.
        assert!((bt.top[0].churned - 4.0 / 3.0).abs() < 1e-15);
        assert!((bt.top[0].precision - 2.0 / 3.0).abs() < 1e-15);
        // k = 4: whole tie group inside: 2 churned of 4.
        assert_eq!(bt.top[1].churned, 2.0);
        assert_eq!(bt.top[1].recall, 1.0);
        // k = 5 (everyone): lift 1.
        assert!((bt.top[2].lift - 1.0).abs() < 1e-15);
        // Bins: the tie group (ranks 1..4 from the top, middle 2.5 of 5) sits whole in bin 3.
        let sizes: Vec<u64> = bt.bins.iter().map(|b| b.accounts).collect();
        assert_eq!(sizes, [1, 0, 3, 0, 1]);
        assert_eq!(bt.bins[1].churn_rate, None);
        assert_eq!(
            (bt.bins[2].min_score, bt.bins[2].max_score),
            (Some(0.5), Some(0.5))
        );
    }

    #[test]
    fn health_scores_point_the_other_way() {
        let health = [90.0, 80.0, 30.0, 20.0];
        let churned = [false, false, true, true];
        let o = BacktestOptions {
            direction: ScoreDirection::HigherIsHealthier,
            top: vec![TopK::Count(2)],
            bins: 2,
        };
        let bt = backtest(&health, &churned, &o).unwrap();
        assert_eq!(bt.auc, 1.0);
        assert_eq!(bt.top[0].precision, 1.0);
        assert_eq!(bt.bins[0].max_score, Some(30.0));
        assert_eq!(bt.bins[0].churn_rate, Some(1.0));
        assert_eq!(
            ScoreDirection::parse("health").unwrap(),
            ScoreDirection::HigherIsHealthier
        );
    }

    #[test]
    fn bad_options_are_errors() {
        let s = [0.1, 0.2];
        let c = [true, false];
        let bad = |top: TopK| BacktestOptions {
            top: vec![top],
            ..Default::default()
        };
        assert!(backtest(&s, &c, &bad(TopK::Count(0))).is_err());
        assert!(backtest(&s, &c, &bad(TopK::Count(3))).is_err());
        assert!(backtest(&s, &c, &bad(TopK::Share(1.5))).is_err());
        assert!(backtest(&s, &c, &bad(TopK::Share(f64::NAN))).is_err());
        let zero_bins = BacktestOptions {
            bins: 0,
            ..Default::default()
        };
        assert!(backtest(&s, &c, &zero_bins).is_err());
    }

    #[test]
    fn bins_hold_every_account_once() {
        let s: Vec<f64> = (0..103).map(|i| f64::from(i % 17)).collect();
        let c: Vec<bool> = (0..103).map(|i| i % 3 == 0).collect();
        let bt = backtest(&s, &c, &BacktestOptions::default()).unwrap();
        assert_eq!(bt.bins.iter().map(|b| b.accounts).sum::<u64>(), 103);
        assert_eq!(bt.bins.iter().map(|b| b.churned).sum::<u64>(), bt.churned);
        // Most at risk first: bin maxima decrease.
        let maxima: Vec<f64> = bt.bins.iter().filter_map(|b| b.max_score).collect();
        assert!(maxima.windows(2).all(|w| w[0] > w[1]));
    }
}
