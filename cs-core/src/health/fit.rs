//! Weights fitted to outcomes: the group and measure weights that best rank past churners
//! below past renewals, with the rules, bands and policies of the card kept.
//!
//! **Definition.** Given past measure values (one row per account, as scored) and whether each
//! account churned, [`Scorecard::fit_weights`]
//! 1. scores every row with the current card and keeps the rows it scores (rows with
//!    insufficient data under the current card are counted in [`WeightFit::unscored`] and left
//!    out);
//! 2. splits them, within the churned and within the retained rows, into a training part and a
//!    held-out part of share [`WeightFitOptions::holdout`] (a seeded shuffle: the same seed
//!    gives the same split);
//! 3. searches the weights: each set of siblings (the top-level measures and groups; the
//!    measures and subgroups of each weighted-mean group, at every level) sums to 100 and
//!    stays non-negative. Starting from
//!    the current weights scaled to 100 and rounded to whole points, it moves points from one
//!    sibling to another in steps of 25, 10, 5, 2 and 1 and keeps a move only when it raises the
//!    training ROC AUC of the health score (healthier = higher score) — the scores come from
//!    the card itself ([`Scorecard::score_batch`]), so renormalisation, neutral values, staleness
//!    and min / max groups are those of scoring. The measure weights of a min / max group do not
//!    change its score and are kept;
//! 4. proposes the better on training AUC of that result and the current weights scaled to 100,
//!    so the proposal never ranks the training accounts worse than the current card;
//! 5. reports both cards' AUC on the held-out rows with DeLong's interval and the paired DeLong
//!    test of their difference (the answer to "better, or noise?").
//!
//! A row the proposed card cannot score (its only present measures weighted 0) ranks as the
//! least healthy.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::batch::MeasureColumn;
use super::scorecard::{Aggregation, MeasureGroup, Scorecard};
use crate::portfolio::Column;
use crate::retention::{
    AucComparison, AucInterval, ScoreDirection, directed_auc, roc_auc_compare, roc_auc_interval,
};
use crate::statistics::{Confidence, Rng};
use crate::{Error, Result};

/// The steps (in points of 100) by which the search moves weight between siblings.
const STEPS: [f64; 5] = [25.0, 10.0, 5.0, 2.0, 1.0];
/// The score a row gets in the objective when a candidate card cannot score it.
const UNSCORED: f64 = -1.0;
/// Seeded streams of the split (one per outcome class).
const SPLIT_STREAM: u64 = 0x5EED_F17E;

/// Options of [`Scorecard::fit_weights`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightFitOptions {
    /// Share of the churned and of the retained accounts held out for evaluation, in (0, 1)
    /// (default 0.3).
    pub holdout: f64,
    /// Seed of the split (default 0).
    pub seed: u64,
    /// Confidence level of the held-out AUC intervals (default 95 %).
    pub confidence: Confidence,
    /// At most this many scorings of the table in the search (default 2,000); the search stops
    /// early when no move improves.
    pub max_evaluations: u32,
}

impl Default for WeightFitOptions {
    fn default() -> Self {
        WeightFitOptions {
            holdout: 0.3,
            seed: 0,
            confidence: Confidence::NINETY_FIVE,
            max_evaluations: 2_000,
        }
    }
}

impl WeightFitOptions {
    /// Checks the options (a hold-out share in (0, 1), at least one scoring); the fit does
    /// it first, and a front end may before it reads any data.
    pub fn validate(&self) -> Result<()> {
        if !(self.holdout.is_finite() && self.holdout > 0.0 && self.holdout < 1.0) {
            return Err(Error::out_of_range("holdout", self.holdout, "(0, 1)"));
        }
        if self.max_evaluations == 0 {
            return Err(Error::out_of_range("max_evaluations", 0, "1.."));
        }
        Ok(())
    }
}

/// One weight of the card, as it was and as proposed (both on the scale of 100 within its
/// siblings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedWeight {
    /// The group holding the measure or subgroup; `None` at the top level.
    pub parent: Option<String>,
    /// The measure or group name.
    pub name: String,
    /// `"measure"` or `"group"`.
    pub kind: String,
    /// The current weight, scaled so that its siblings sum to 100.
    pub current: f64,
    /// The proposed weight (siblings sum to 100).
    pub proposed: f64,
    /// False for the measures of a min / max group (their weights do not change the score).
    pub fitted: bool,
}

/// The accounts of one part of the split and both cards' AUC on them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FitSample {
    /// Accounts in the part.
    pub accounts: u64,
    /// Of which churned.
    pub churned: u64,
    /// ROC AUC of the current card's score (healthier = higher).
    pub auc_current: f64,
    /// ROC AUC of the proposed card's score.
    pub auc_proposed: f64,
}

/// The result of [`Scorecard::fit_weights`]: the proposed card and the evidence for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightFit {
    /// The proposed scorecard: the current one with the fitted weights.
    pub scorecard: Scorecard,
    /// Every weight, current and proposed, in card order (top-level measures, groups, then
    /// each group's measures).
    pub weights: Vec<FittedWeight>,
    /// The training part.
    pub training: FitSample,
    /// The held-out part.
    pub holdout: FitSample,
    /// The current card's held-out AUC with DeLong's interval.
    pub holdout_current: AucInterval,
    /// The proposed card's held-out AUC with DeLong's interval.
    pub holdout_proposed: AucInterval,
    /// Proposed minus current on the held-out accounts: paired DeLong test (`auc_a` is the
    /// proposed card).
    pub comparison: AucComparison,
    /// What the held-out comparison says at the confidence level of the options.
    pub verdict: FitVerdict,
    /// Rows the current card does not score (insufficient data), left out of the fit.
    pub unscored: u64,
    /// The rows of the table held out for evaluation (0-based, ascending): which renewals the
    /// held-out AUCs are measured on, to audit or reproduce them.
    pub held_out_rows: Vec<u64>,
    /// Scorings of the table the search made.
    pub evaluations: u32,
    /// The options used.
    pub options: WeightFitOptions,
}

/// What the paired DeLong test of the held-out AUCs says, at the fit's confidence level: the
/// difference is significant when its two-sided p-value is below 1 − level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FitVerdict {
    /// The proposed card ranks the held-out churners significantly better.
    Better,
    /// The proposed card ranks them significantly worse (the training gain did not hold).
    Worse,
    /// No significant difference (or none measurable: identical scores); the gain may be
    /// noise.
    NoEvidence,
}

impl FitVerdict {
    /// The verdict of a held-out comparison (`auc_a` the proposed card) at `confidence`.
    ///
    /// ```
    /// use cs_core::health::FitVerdict;
    /// use cs_core::retention::AucComparison;
    /// use cs_core::statistics::Confidence;
    /// let c = AucComparison { auc_a: 0.8, auc_b: 0.7, difference: 0.1, standard_error: 0.04,
    ///     z: Some(2.5), p_value: Some(0.0124) };
    /// assert_eq!(FitVerdict::of(&c, Confidence::NINETY_FIVE), FitVerdict::Better);
    /// assert_eq!(FitVerdict::of(&c, Confidence::new(0.99)?), FitVerdict::NoEvidence);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn of(comparison: &AucComparison, confidence: Confidence) -> FitVerdict {
        match comparison.p_value {
            Some(p) if p < 1.0 - confidence.level() && comparison.difference > 0.0 => FitVerdict::Better,
            Some(p) if p < 1.0 - confidence.level() && comparison.difference < 0.0 => FitVerdict::Worse,
            _ => FitVerdict::NoEvidence,
        }
    }

    /// `"better"`, `"worse"` or `"no_evidence"`.
    pub fn as_str(self) -> &'static str {
        match self {
            FitVerdict::Better => "better",
            FitVerdict::Worse => "worse",
            FitVerdict::NoEvidence => "no_evidence",
        }
    }
}

/// The weights of a card as sets of siblings, each on the scale of 100.
#[derive(Debug, Clone, PartialEq)]
struct Weights {
    /// Top-level measures then groups.
    top: Vec<f64>,
    /// Per group, in [`groups_in_order`] order: its measures then its subgroups (kept as they
    /// are for min / max groups).
    groups: Vec<Vec<f64>>,
}

/// Every group of the card, parents before their subgroups (depth first, in card order).
fn groups_in_order(card: &Scorecard) -> Vec<&MeasureGroup> {
    fn visit<'a>(g: &'a MeasureGroup, out: &mut Vec<&'a MeasureGroup>) {
        out.push(g);
        for sub in &g.groups {
            visit(sub, out);
        }
    }
    let mut out = Vec::new();
    for g in &card.groups {
        visit(g, &mut out);
    }
    out
}

/// The weights of a group's children: its measures, then its subgroups.
fn child_weights(g: &MeasureGroup) -> Vec<f64> {
    g.measures
        .iter()
        .map(|m| m.weight)
        .chain(g.groups.iter().map(|s| s.weight))
        .collect()
}

/// Sets the children's weights of `g` and (depth first) of its subgroups from `sets`, the
/// next of which is `sets[*next]`.
fn apply_group(g: &mut MeasureGroup, sets: &[Vec<f64>], next: &mut usize) {
    let w = &sets[*next];
    *next += 1;
    if g.aggregation == Aggregation::Mean {
        let n = g.measures.len();
        for (m, w) in g.measures.iter_mut().zip(w) {
            m.weight = *w;
        }
        for (sub, w) in g.groups.iter_mut().zip(&w[n..]) {
            sub.weight = *w;
        }
    }
    for sub in &mut g.groups {
        apply_group(sub, sets, next);
    }
}

impl Weights {
    fn of(card: &Scorecard) -> Weights {
        let top: Vec<f64> = card
            .measures
            .iter()
            .map(|m| m.weight)
            .chain(card.groups.iter().map(|g| g.weight))
            .collect();
        Weights {
            top: scaled(&top),
            groups: groups_in_order(card)
                .into_iter()
                .map(|g| scaled(&child_weights(g)))
                .collect(),
        }
    }

    fn rounded(&self) -> Weights {
        Weights {
            top: whole_points(&self.top),
            groups: self.groups.iter().map(|g| whole_points(g)).collect(),
        }
    }

    /// The card with these weights.
    fn apply(&self, card: &Scorecard) -> Scorecard {
        let mut out = card.clone();
        let n = out.measures.len();
        for (m, w) in out.measures.iter_mut().zip(&self.top) {
            m.weight = *w;
        }
        for (g, w) in out.groups.iter_mut().zip(&self.top[n..]) {
            g.weight = *w;
        }
        let mut next = 0;
        for g in &mut out.groups {
            apply_group(g, &self.groups, &mut next);
        }
        out
    }

    /// The sibling sets the search may change: the top level and each weighted-mean group.
    fn sets(card: &Scorecard) -> Vec<Option<usize>> {
        std::iter::once(None)
            .chain(
                groups_in_order(card)
                    .into_iter()
                    .enumerate()
                    .filter(|(_, g)| g.aggregation == Aggregation::Mean)
                    .map(|(i, _)| Some(i)),
            )
            .collect()
    }

    fn set_mut(&mut self, set: Option<usize>) -> &mut Vec<f64> {
        match set {
            None => &mut self.top,
            Some(g) => &mut self.groups[g],
        }
    }
}

/// `weights` scaled to sum to 100 (all zero stays all zero).
fn scaled(weights: &[f64]) -> Vec<f64> {
    let total: f64 = weights.iter().sum();
    if total > 0.0 {
        weights.iter().map(|w| w / total * 100.0).collect()
    } else {
        weights.to_vec()
    }
}

/// Whole points summing to 100 (largest remainder, ties to the first).
fn whole_points(weights: &[f64]) -> Vec<f64> {
    let floors: Vec<f64> = weights.iter().map(|w| w.floor()).collect();
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return floors;
    }
    let mut short = (100.0 - floors.iter().sum::<f64>()).round().max(0.0) as usize;
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (weights[b] - floors[b])
            .total_cmp(&(weights[a] - floors[a]))
            .then(a.cmp(&b))
    });
    let mut out = floors;
    for i in order {
        if short == 0 {
            break;
        }
        out[i] += 1.0;
        short -= 1;
    }
    out
}

/// The rows of one part of the split with their outcomes.
struct Part {
    rows: Vec<usize>,
    churned: Vec<bool>,
}

impl Part {
    fn new(mut rows: Vec<usize>, outcome: &[bool]) -> Part {
        rows.sort_unstable();
        let churned = rows.iter().map(|&r| outcome[r]).collect();
        Part { rows, churned }
    }

    fn churned_count(&self) -> u64 {
        self.churned.iter().filter(|&&c| c).count() as u64
    }

    /// The scores of the part's rows (unscored rows rank lowest).
    fn scores(&self, scores: &super::BatchScores) -> Vec<f64> {
        self.rows
            .iter()
            .map(|&r| scores.score.get(r).unwrap_or(UNSCORED))
            .collect()
    }
}

/// The search: scorings of the table, counted against the budget.
struct Search<'s, 'a> {
    card: &'s Scorecard,
    columns: &'s [MeasureColumn<'a>],
    as_of: NaiveDate,
    training: &'s Part,
    evaluations: u32,
    budget: u32,
}

impl Search<'_, '_> {
    /// The training AUC of the card with `weights`, `None` once the budget is spent.
    fn auc(&mut self, weights: &Weights) -> Result<Option<f64>> {
        if self.evaluations >= self.budget {
            return Ok(None);
        }
        self.evaluations += 1;
        let scores = weights.apply(self.card).score_batch(self.columns, self.as_of)?;
        let s = self.training.scores(&scores);
        directed_auc(&s, &self.training.churned, ScoreDirection::HigherIsHealthier).map(Some)
    }

    /// Hill-climbs from `start` (first improvement, sets and pairs in card order).
    fn climb(&mut self, start: Weights, start_auc: f64) -> Result<(Weights, f64)> {
        let sets = Weights::sets(self.card);
        let (mut best, mut best_auc) = (start, start_auc);
        for step in STEPS {
            loop {
                let mut improved = false;
                for &set in &sets {
                    let n = best.clone().set_mut(set).len();
                    for from in 0..n {
                        for to in (0..n).filter(|&t| t != from) {
                            let mut candidate = best.clone();
                            let w = candidate.set_mut(set);
                            if w[from] < step {
                                continue;
                            }
                            w[from] -= step;
                            w[to] += step;
                            let Some(auc) = self.auc(&candidate)? else {
                                return Ok((best, best_auc));
                            };
                            if auc > best_auc {
                                (best, best_auc) = (candidate, auc);
                                improved = true;
                            }
                        }
                    }
                }
                if !improved {
                    break;
                }
            }
        }
        Ok((best, best_auc))
    }
}

/// Splits `rows` (indexes into `outcome`) within each class: the held-out rows and the rest.
fn split(rows: &[usize], outcome: &[bool], options: &WeightFitOptions) -> (Vec<usize>, Vec<usize>) {
    let (mut training, mut held) = (Vec::new(), Vec::new());
    for (stream, class) in [true, false].into_iter().enumerate() {
        let mut members: Vec<usize> = rows.iter().copied().filter(|&r| outcome[r] == class).collect();
        let mut rng = Rng::for_account(options.seed ^ SPLIT_STREAM, stream as u64);
        // Fisher-Yates.
        for i in (1..members.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            members.swap(i, j.min(i));
        }
        let k = (options.holdout * members.len() as f64).round() as usize;
        held.extend_from_slice(&members[..k.min(members.len())]);
        training.extend_from_slice(&members[k.min(members.len())..]);
    }
    (training, held)
}

impl Scorecard {
    /// Proposes group and measure weights that best rank churners below renewals on past
    /// outcomes; see [the module](self) for the definition. `columns` are the card's measure
    /// columns as for [`Scorecard::score_batch`], `churned` whether each row's account churned
    /// (no nulls), `as_of` the scoring date of the values.
    ///
    /// Errors: any error of scoring the table; `churned` of another length or with a null;
    /// options out of range; fewer than two churned or two retained accounts in the training
    /// or the held-out part.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use cs_core::health::{Measure, MeasureColumn, Rule, Scorecard, WeightFitOptions};
    /// use cs_core::portfolio::Column;
    /// let mut card = Scorecard::new("two signals");
    /// card.measures.push(Measure::new("usage", 50.0, Rule::Linear { min: 0.0, max: 1.0 }));
    /// card.measures.push(Measure::new("noise", 50.0, Rule::Linear { min: 0.0, max: 1.0 }));
    /// // Usage separates churners; noise does not.
    /// let usage: Vec<f64> = (0..40).map(|i| if i % 2 == 0 { 0.2 } else { 0.8 } + (i as f64) / 1000.0).collect();
    /// let noise: Vec<f64> = (0..40).map(|i| ((i * 7) % 11) as f64 / 10.0).collect();
    /// let churned: Vec<bool> = (0..40).map(|i| i % 2 == 0).collect();
    /// let columns = [
    ///     MeasureColumn::number("usage", Column::new("usage", &usage)),
    ///     MeasureColumn::number("noise", Column::new("noise", &noise)),
    /// ];
    /// let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    /// let fit = card.fit_weights(&columns, Column::new("churned", &churned), day, &WeightFitOptions::default())?;
    /// assert_eq!(fit.training.auc_proposed, 1.0);
    /// assert!(fit.weights[0].proposed > fit.weights[1].proposed);
    /// assert_eq!(fit.weights.iter().map(|w| w.proposed).sum::<f64>(), 100.0);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn fit_weights(
        &self,
        columns: &[MeasureColumn<'_>],
        churned: Column<'_, bool>,
        as_of: NaiveDate,
        options: &WeightFitOptions,
    ) -> Result<WeightFit> {
        options.validate()?;
        let current = self.score_batch(columns, as_of)?;
        churned.expect_len(current.len())?;
        let mut outcome = Vec::with_capacity(current.len());
        for i in 0..current.len() {
            outcome.push(
                churned
                    .get(i)
                    .ok_or_else(|| Error::missing(churned.name()).at(i))?,
            );
        }
        let eligible: Vec<usize> = (0..current.len())
            .filter(|&r| current.score.get(r).is_some())
            .collect();
        let unscored = (current.len() - eligible.len()) as u64;
        let (training, held) = split(&eligible, &outcome, options);
        let (training, held) = (Part::new(training, &outcome), Part::new(held, &outcome));
        for (name, part) in [("training", &training), ("held-out", &held)] {
            let c = part.churned_count();
            let r = part.rows.len() as u64 - c;
            if c < 2 || r < 2 {
                return Err(Error::invalid(
                    "holdout",
                    options.holdout,
                    format!(
                        "the {name} part has {c} churned and {r} retained scored accounts; each part needs at least two of each"
                    ),
                ));
            }
        }

        let mut search = Search {
            card: self,
            columns,
            as_of,
            training: &training,
            evaluations: 0,
            budget: options.max_evaluations,
        };
        let exact = Weights::of(self);
        let current_auc = directed_auc(
            &training.scores(&current),
            &training.churned,
            ScoreDirection::HigherIsHealthier,
        )?;
        let start = exact.rounded();
        let start_auc = search.auc(&start)?.unwrap_or(f64::NEG_INFINITY);
        let (climbed, climbed_auc) = search.climb(start, start_auc)?;
        let best = if climbed_auc > current_auc {
            climbed
        } else {
            exact.clone()
        };
        let proposed_card = best.apply(self);
        let proposed = proposed_card.score_batch(columns, as_of)?;
        // The proposed card's own training AUC (for the climbed weights, the search's value).
        let best_auc = directed_auc(
            &training.scores(&proposed),
            &training.churned,
            ScoreDirection::HigherIsHealthier,
        )?;

        let (held_current, held_proposed) = (held.scores(&current), held.scores(&proposed));
        let direction = ScoreDirection::HigherIsHealthier;
        let holdout_current = roc_auc_interval(&held_current, &held.churned, direction, options.confidence)?;
        let holdout_proposed =
            roc_auc_interval(&held_proposed, &held.churned, direction, options.confidence)?;
        let comparison = roc_auc_compare(&held_proposed, &held_current, &held.churned, direction)?;
        Ok(WeightFit {
            weights: report(self, &exact, &best),
            scorecard: proposed_card,
            training: FitSample {
                accounts: training.rows.len() as u64,
                churned: training.churned_count(),
                auc_current: current_auc,
                auc_proposed: best_auc,
            },
            holdout: FitSample {
                accounts: held.rows.len() as u64,
                churned: held.churned_count(),
                auc_current: holdout_current.auc,
                auc_proposed: holdout_proposed.auc,
            },
            holdout_current,
            holdout_proposed,
            verdict: FitVerdict::of(&comparison, options.confidence),
            comparison,
            unscored,
            held_out_rows: held.rows.iter().map(|&r| r as u64).collect(),
            evaluations: search.evaluations,
            options: *options,
        })
    }
}

/// Every weight of the card, current and proposed, in card order.
fn report(card: &Scorecard, current: &Weights, proposed: &Weights) -> Vec<FittedWeight> {
    let mut out = Vec::new();
    let n = card.measures.len();
    for (i, m) in card.measures.iter().enumerate() {
        out.push(FittedWeight {
            parent: None,
            name: m.name.clone(),
            kind: "measure".into(),
            current: current.top[i],
            proposed: proposed.top[i],
            fitted: true,
        });
    }
    for (i, g) in card.groups.iter().enumerate() {
        out.push(FittedWeight {
            parent: None,
            name: g.name.clone(),
            kind: "group".into(),
            current: current.top[n + i],
            proposed: proposed.top[n + i],
            fitted: true,
        });
    }
    for (i, g) in groups_in_order(card).into_iter().enumerate() {
        let fitted = g.aggregation == Aggregation::Mean;
        let children = g
            .measures
            .iter()
            .map(|m| (m.name.as_str(), "measure"))
            .chain(g.groups.iter().map(|s| (s.name.as_str(), "group")));
        for (j, (name, kind)) in children.enumerate() {
            out.push(FittedWeight {
                parent: Some(g.name.clone()),
                name: name.to_owned(),
                kind: kind.into(),
                current: current.groups[i][j],
                proposed: if fitted {
                    proposed.groups[i][j]
                } else {
                    current.groups[i][j]
                },
                fitted,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::{Measure, MeasureGroup, Rule};
    use proptest::prelude::*;

    #[test]
    fn whole_points_sum_to_100_by_largest_remainder() {
        assert_eq!(whole_points(&[100.0 / 3.0; 3]), vec![34.0, 33.0, 33.0]);
        assert_eq!(whole_points(&[12.5, 37.5, 50.0]), vec![13.0, 37.0, 50.0]);
        assert_eq!(whole_points(&[0.0, 100.0]), vec![0.0, 100.0]);
    }

    #[test]
    fn split_is_stratified_seeded_and_disjoint() {
        let outcome: Vec<bool> = (0..100).map(|i| i % 4 == 0).collect();
        let rows: Vec<usize> = (0..100).collect();
        let o = WeightFitOptions::default();
        let (t, h) = split(&rows, &outcome, &o);
        assert_eq!(h.iter().filter(|&&r| outcome[r]).count(), 8); // 0.3 × 25, rounded
        assert_eq!(h.len(), 8 + 23); // and 0.3 × 75 = 22.5 → 23
        let mut all: Vec<usize> = t.iter().chain(&h).copied().collect();
        all.sort_unstable();
        assert_eq!(all, rows);
        assert_eq!(split(&rows, &outcome, &o), (t.clone(), h.clone()));
        let other = split(&rows, &outcome, &WeightFitOptions { seed: 1, ..o });
        assert_ne!(other.1, h);
    }

    fn card(weights: [f64; 3], min_group: bool) -> Scorecard {
        let mut c = Scorecard::new("fit");
        c.measures
            .push(Measure::new("a", weights[0], Rule::Linear { min: 0.0, max: 1.0 }));
        c.groups.push(MeasureGroup {
            name: "g".into(),
            weight: weights[1],
            aggregation: if min_group {
                Aggregation::Min
            } else {
                Aggregation::Mean
            },
            groups: Vec::new(),
            measures: vec![
                Measure::new("b", weights[2], Rule::Linear { min: 0.0, max: 1.0 }),
                Measure::new("c", 1.0, Rule::Linear { min: 0.0, max: 1.0 }),
            ],
        });
        c
    }

    /// Rows whose churn is driven by `a` and `c` (not `b`), with noise from the seed.
    fn history(seed: u64, n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<bool>) {
        let mut rng = crate::statistics::Rng::for_account(seed, 9);
        let mut columns = (vec![], vec![], vec![], vec![]);
        for i in 0..n {
            let (x, y, z) = (rng.uniform(), rng.uniform(), rng.uniform());
            columns.0.push(x);
            columns.1.push(y);
            columns.2.push(z);
            // Alternate classes at first so that every part has both.
            let churned = if i < 8 {
                i % 2 == 0
            } else {
                x + z + 0.5 * rng.normal() < 0.9
            };
            columns.3.push(churned);
        }
        columns
    }

    fn fit(card: &Scorecard, seed: u64, n: usize, options: &WeightFitOptions) -> Result<WeightFit> {
        let (a, b, c, churned) = history(seed, n);
        let columns = [
            MeasureColumn::number("a", Column::new("a", &a)),
            MeasureColumn::number("b", Column::new("b", &b)),
            MeasureColumn::number("c", Column::new("c", &c)),
        ];
        let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default();
        card.fit_weights(&columns, Column::new("churned", &churned), day, options)
    }

    #[test]
    fn fit_moves_weight_to_the_measures_that_predict_churn() -> Result<()> {
        let f = fit(
            &card([1.0, 1.0, 1.0], false),
            3,
            600,
            &WeightFitOptions::default(),
        )?;
        let w = |name: &str| f.weights.iter().find(|w| w.name == name).map(|w| w.proposed);
        assert!(w("b") < w("c"), "{:?}", f.weights);
        assert!(f.training.auc_proposed > f.training.auc_current);
        assert_eq!(f.training.accounts + f.holdout.accounts, 600);
        assert_eq!(f.comparison.auc_a, f.holdout_proposed.auc);
        assert_eq!(f.comparison.auc_b, f.holdout_current.auc);
        assert!(f.evaluations > 1 && f.evaluations <= 2_000);
        // The proposal is a valid document.
        crate::document::Document::validate(&f.scorecard)?;
        Ok(())
    }

    /// Weights 50.4 / 49.6 rank every pair right; rounded to 50 / 50 they tie every pair.
    /// With a budget of one scoring the search stops at the rounded start, and the current
    /// weights (scaled) must be proposed instead.
    #[test]
    fn rounding_never_costs_training_auc() -> Result<()> {
        let mut c = Scorecard::new("fine");
        c.measures
            .push(Measure::new("a", 50.4, Rule::Linear { min: 0.0, max: 1.0 }));
        c.measures
            .push(Measure::new("b", 49.6, Rule::Linear { min: 0.0, max: 1.0 }));
        let churned: Vec<bool> = (0..20).map(|i| i % 2 == 0).collect();
        let a: Vec<f64> = churned.iter().map(|&x| if x { 0.0 } else { 1.0 }).collect();
        let b: Vec<f64> = a.iter().map(|x| 1.0 - x).collect();
        let columns = [
            MeasureColumn::number("a", Column::new("a", &a)),
            MeasureColumn::number("b", Column::new("b", &b)),
        ];
        let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default();
        let options = WeightFitOptions {
            max_evaluations: 1,
            ..Default::default()
        };
        let f = c.fit_weights(&columns, Column::new("churned", &churned), day, &options)?;
        assert_eq!(f.training.auc_current, 1.0);
        assert_eq!(f.training.auc_proposed, 1.0);
        assert_eq!(f.evaluations, 1);
        assert!((f.weights[0].proposed - 50.4).abs() < 1e-12, "{:?}", f.weights);
        Ok(())
    }

    #[test]
    fn min_group_measure_weights_are_kept() -> Result<()> {
        let c = card([1.0, 3.0, 2.0], true);
        let f = fit(&c, 5, 300, &WeightFitOptions::default())?;
        let inner: Vec<&FittedWeight> = f.weights.iter().filter(|w| w.parent.is_some()).collect();
        assert!(inner.iter().all(|w| !w.fitted && w.current == w.proposed));
        assert_eq!(f.scorecard.groups[0].measures[0].weight, 2.0);
        Ok(())
    }

    #[test]
    fn bad_options_and_outcomes_are_named() {
        let c = card([1.0, 1.0, 1.0], false);
        let e = fit(
            &c,
            1,
            100,
            &WeightFitOptions {
                holdout: 1.0,
                ..Default::default()
            },
        );
        assert!(e.is_err_and(|e| e.to_string().contains("holdout")));
        let e = fit(
            &c,
            1,
            10,
            &WeightFitOptions {
                holdout: 0.05,
                ..Default::default()
            },
        );
        assert!(e.is_err_and(|e| e.to_string().contains("held-out part has 0 churned")));
        let a = [0.1, 0.2];
        let churned = [true];
        let columns = [
            MeasureColumn::number("a", Column::new("a", &a)),
            MeasureColumn::number("b", Column::new("b", &a)),
            MeasureColumn::number("c", Column::new("c", &a)),
        ];
        let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default();
        let e = c.fit_weights(
            &columns,
            Column::new("churned", &churned),
            day,
            &WeightFitOptions::default(),
        );
        assert!(e.is_err_and(|e| e.to_string().contains("churned")));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// The fit never ranks the training accounts worse than the current card, and every
        /// sibling set of the proposal sums to 100.
        #[test]
        fn never_lowers_the_training_auc(
            seed in 0u64..1_000,
            wa in 0.0f64..10.0, wg in 0.1f64..10.0, wb in 0.1f64..10.0,
            min_group in any::<bool>(),
        ) {
            let options = WeightFitOptions { seed, max_evaluations: 60, ..Default::default() };
            let f = fit(&card([wa, wg, wb], min_group), seed, 120, &options).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(f.training.auc_proposed >= f.training.auc_current);
            let top: f64 = f.weights.iter().filter(|w| w.parent.is_none()).map(|w| w.proposed).sum();
            prop_assert!((top - 100.0).abs() < 1e-9);
            let inner: f64 = f.weights.iter().filter(|w| w.parent.is_some()).map(|w| w.proposed).sum();
            prop_assert!((inner - 100.0).abs() < 1e-9);
            prop_assert!(f.weights.iter().all(|w| w.proposed >= 0.0));
        }
    }
}
