//! The compiled form of a scorecard and the one scoring kernel both shapes (per account and
//! batch) call: readings in, effective weights, score, coverage and driver out, no allocation.

use chrono::NaiveDate;

use super::band::{Band, band_index};
use super::rule::{Direction, Rule, Value, ValueKind};
use super::scorecard::{Aggregation, MissingPolicy, Scorecard};
use crate::{Error, Result};

/// The state of one measure for one account after reading its raw value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Reading {
    /// A fresh value with its measure score.
    Score(f64),
    /// No value.
    Missing,
    /// A value older than the measure's validity period.
    Stale,
}

/// Per-measure kernel output: the score used (after substitution) and the effective weight.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Slot {
    pub(crate) score: Option<f64>,
    pub(crate) weight: f64,
}

/// Coverage and whether the account is scored, from [`Plan::weigh`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Weighed {
    pub(crate) coverage: f64,
    pub(crate) scored: bool,
}

/// The running sum of one account's points and its driver so far: [`Accumulator::add`] is
/// called for every measure in measure order, then [`Accumulator::finish`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Accumulator {
    /// `Σ effective_weight × score` so far.
    pub(crate) total: f64,
    /// The most points lost by one measure so far (0: none lost).
    pub(crate) lost: f64,
    /// The measure losing them, [`Accumulator::NO_DRIVER`] while none.
    pub(crate) driver: u16,
}

impl Default for Accumulator {
    fn default() -> Self {
        Accumulator {
            total: 0.0,
            lost: 0.0,
            driver: Accumulator::NO_DRIVER,
        }
    }
}

impl Accumulator {
    /// No measure lost points.
    pub(crate) const NO_DRIVER: u16 = u16::MAX;

    /// Adds measure `i` with effective weight `w` and score used `s`. The driver is the first
    /// measure losing strictly the most points, `w × (100 − s) > 0` (starting the running
    /// maximum at 0 makes "some points lost" and "more than the best so far" one comparison).
    #[inline]
    pub(crate) fn add(&mut self, i: u16, w: f64, s: f64) {
        self.total += w * s;
        let lost = w * (100.0 - s);
        // Which measure loses the most is data: a branch here mispredicts half the time.
        let more = lost > self.lost;
        self.lost = std::hint::select_unpredictable(more, lost, self.lost);
        self.driver = std::hint::select_unpredictable(more, i, self.driver);
    }

    /// The score (clamped to `0..=100`), its band and the driver.
    #[inline]
    pub(crate) fn finish(&self, bands: &[Band]) -> (f64, u8, Option<u16>) {
        let score = self.total.clamp(0.0, 100.0);
        let driver = (self.driver != Accumulator::NO_DRIVER).then_some(self.driver);
        (score, band_index(bands, score), driver)
    }
}

/// Kernel output for one account.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Outcome {
    pub(crate) score: Option<f64>,
    pub(crate) band: Option<u8>,
    pub(crate) coverage: f64,
    pub(crate) driver: Option<u16>,
}

#[derive(Debug, Clone)]
pub(crate) struct PlanMeasure {
    pub(crate) name: String,
    pub(crate) group: Option<String>,
    pub(crate) rule: Rule,
    pub(crate) direction: Direction,
    pub(crate) policy: MissingPolicy,
    pub(crate) validity_days: Option<u32>,
    pub(crate) date_column: String,
    /// Share of the group's weight.
    pub(crate) in_group: f64,
    /// Share of the whole card (group share × share in group).
    pub(crate) nominal: f64,
}

/// A group of the plan: its own measures are `start..own_end`, its subgroups' follow up to
/// `end` (depth first), and `children` are the subgroups' indexes in [`Plan::groups`].
#[derive(Debug, Clone)]
struct PlanGroup {
    start: usize,
    own_end: usize,
    end: usize,
    /// Share of its parent's weight (of the whole card for a top-level group).
    share: f64,
    aggregation: Aggregation,
    children: Vec<usize>,
}

/// A validated scorecard with normalised weights, ready to score.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) measures: Vec<PlanMeasure>,
    /// Every group, parents before their subgroups; top-level measures are groups of one.
    groups: Vec<PlanGroup>,
    /// The top-level groups (indexes into `groups`).
    top: Vec<usize>,
    pub(crate) bands: Vec<Band>,
    min_coverage: f64,
    pub(crate) nan_is_missing: bool,
}

fn share(w: f64, total: f64) -> f64 {
    if total > 0.0 { w / total } else { 0.0 }
}

/// The scale and scaled total of `weights` for [`share`]: `(1, Σ w)` when the sum is finite
/// (the same bits as before), else `(2⁻⁶⁴, Σ w·2⁻⁶⁴)`. Scaling by a power of two is exact, so
/// weights near `f64::MAX` keep their ratios instead of every share becoming `w / ∞ = 0`.
fn weight_total(total_at: impl Fn(f64) -> f64) -> (f64, f64) {
    let total = total_at(1.0);
    if total.is_finite() {
        (1.0, total)
    } else {
        let scale = 2f64.powi(-64);
        (scale, total_at(scale))
    }
}

/// What [`Plan::add_group`] adds: one group's name, weight share, aggregation and children.
struct GroupSpec<'a> {
    name: Option<&'a String>,
    /// Share of the parent.
    share: f64,
    /// Share of the whole card.
    nominal: f64,
    aggregation: Aggregation,
    measures: &'a [crate::health::Measure],
    groups: &'a [crate::health::MeasureGroup],
}

impl Plan {
    pub(crate) fn new(card: &Scorecard) -> Result<Plan> {
        crate::document::Document::validate(card)?;
        let (top_scale, top_total) = weight_total(|k| {
            card.measures.iter().map(|m| m.weight * k).sum::<f64>()
                + card.groups.iter().map(|g| g.weight * k).sum::<f64>()
        });
        let mut plan = Plan {
            measures: Vec::new(),
            groups: Vec::new(),
            top: Vec::new(),
            bands: card.bands.clone(),
            min_coverage: card.min_coverage,
            nan_is_missing: card.nan_is_missing,
        };
        for m in &card.measures {
            let share = share(m.weight * top_scale, top_total);
            let g = plan.add_group(
                card,
                &GroupSpec {
                    name: None,
                    share,
                    nominal: share,
                    aggregation: Aggregation::Mean,
                    measures: std::slice::from_ref(m),
                    groups: &[],
                },
            );
            plan.top.push(g);
        }
        for group in &card.groups {
            let share = share(group.weight * top_scale, top_total);
            let g = plan.add_group(
                card,
                &GroupSpec {
                    name: Some(&group.name),
                    share,
                    nominal: share,
                    aggregation: group.aggregation,
                    measures: &group.measures,
                    groups: &group.groups,
                },
            );
            plan.top.push(g);
        }
        Ok(plan)
    }

    /// Adds a group, its measures and (recursively, depth first) its subgroups; returns its
    /// index. The validation bounds the depth.
    fn add_group(&mut self, card: &Scorecard, spec: &GroupSpec<'_>) -> usize {
        let (scale, total) = weight_total(|k| {
            spec.measures.iter().map(|m| m.weight * k).sum::<f64>()
                + spec.groups.iter().map(|g| g.weight * k).sum::<f64>()
        });
        let index = self.groups.len();
        let start = self.measures.len();
        self.groups.push(PlanGroup {
            start,
            own_end: start,
            end: start,
            share: spec.share,
            aggregation: spec.aggregation,
            children: Vec::new(),
        });
        for m in spec.measures {
            let in_group = share(m.weight * scale, total);
            self.measures.push(PlanMeasure {
                name: m.name.clone(),
                group: spec.name.cloned(),
                rule: m.rule.clone(),
                direction: m.effective_direction(),
                policy: m.missing.unwrap_or(card.missing),
                validity_days: m.validity_days,
                date_column: m.date_column_name(),
                in_group,
                nominal: spec.nominal * in_group,
            });
        }
        let own_end = self.measures.len();
        let mut children = Vec::with_capacity(spec.groups.len());
        for sub in spec.groups {
            let share = share(sub.weight * scale, total);
            children.push(self.add_group(
                card,
                &GroupSpec {
                    name: Some(&sub.name),
                    share,
                    nominal: spec.nominal * share,
                    aggregation: sub.aggregation,
                    measures: &sub.measures,
                    groups: &sub.groups,
                },
            ));
        }
        let end = self.measures.len();
        let g = &mut self.groups[index];
        g.own_end = own_end;
        g.end = end;
        g.children = children;
        index
    }

    /// Whether the value observed on `observed` (days since 1970-01-01) is stale on `today`.
    /// A date after `today` is an error; no date means current.
    #[inline]
    pub(crate) fn is_stale(&self, i: usize, observed: Option<i32>, today: i32) -> Result<bool> {
        let (Some(days), Some(obs)) = (self.measures[i].validity_days, observed) else {
            return Ok(false);
        };
        if obs > today {
            return Err(Error::invalid(
                self.measures[i].date_column.clone(),
                day_label(obs),
                format!("is after the scoring date {}", day_label(today)),
            ));
        }
        Ok(i64::from(today) - i64::from(obs) > i64::from(days))
    }

    /// The reading of a number for measure `i` (NaN is missing or an error per the card).
    #[inline]
    pub(crate) fn read_number(&self, i: usize, x: f64) -> Result<Reading> {
        let m = &self.measures[i];
        if x.is_nan() && self.nan_is_missing {
            return Ok(Reading::Missing);
        }
        if !x.is_finite() {
            return Err(Error::invalid(
                format!("measure {}", m.name),
                x,
                "must be a finite number",
            ));
        }
        m.rule
            .score_number(x, m.direction)
            .map(Reading::Score)
            .ok_or_else(|| self.wrong_kind(i, ValueKind::Number))
    }

    /// The reading of a boolean for measure `i`.
    #[inline]
    pub(crate) fn read_bool(&self, i: usize, b: bool) -> Result<Reading> {
        let m = &self.measures[i];
        m.rule
            .score_bool(b, m.direction)
            .map(Reading::Score)
            .ok_or_else(|| self.wrong_kind(i, ValueKind::Bool))
    }

    /// The reading of a category name for measure `i`.
    pub(crate) fn read_category(&self, i: usize, name: &str) -> Result<Reading> {
        let m = &self.measures[i];
        if m.rule.value_kind() != ValueKind::Category {
            return Err(self.wrong_kind(i, ValueKind::Category));
        }
        m.rule
            .score_category(name)
            .map(Reading::Score)
            .ok_or_else(|| self.unknown_category(i, name))
    }

    pub(crate) fn unknown_category(&self, i: usize, name: &str) -> Error {
        let known: Vec<&str> = match &self.measures[i].rule {
            Rule::Categorical { scores, .. } => scores.keys().map(String::as_str).collect(),
            _ => Vec::new(),
        };
        Error::unknown(
            format!("category of measure {}", self.measures[i].name),
            name,
            known,
        )
    }

    pub(crate) fn wrong_kind(&self, i: usize, got: ValueKind) -> Error {
        let m = &self.measures[i];
        Error::invalid(
            format!("measure {}", m.name),
            format!("{got:?}").to_lowercase(),
            format!(
                "the {:?} rule reads a {:?} value",
                rule_name(&m.rule),
                m.rule.value_kind()
            )
            .to_lowercase(),
        )
    }

    /// The reading of an optional per-account value.
    pub(crate) fn read_value(&self, i: usize, value: Option<&Value>) -> Result<Reading> {
        match value {
            None => Ok(Reading::Missing),
            Some(Value::Number(x)) => self.read_number(i, *x),
            Some(Value::Bool(b)) => self.read_bool(i, *b),
            Some(Value::Text(s)) => self.read_category(i, s),
        }
    }

    /// The kernel of one account: [`Plan::weigh`], then [`Plan::combine`]. `readings` and
    /// `slots` have one entry per measure. On a missing measure whose policy is
    /// [`MissingPolicy::Fail`] it returns the measure's index.
    #[inline]
    pub(crate) fn evaluate(
        &self,
        readings: &[Reading],
        slots: &mut [Slot],
    ) -> std::result::Result<Outcome, usize> {
        let w = self.weigh(readings, slots)?;
        if !w.scored {
            return Ok(Outcome {
                score: None,
                band: None,
                coverage: w.coverage,
                driver: None,
            });
        }
        let (score, band, driver) = self.combine(slots.iter().map(|s| (s.weight, s.score.unwrap_or(0.0))));
        Ok(Outcome {
            score: Some(score),
            band: Some(band),
            coverage: w.coverage,
            driver,
        })
    }

    /// Fills `slots` from `readings` (the score used, after the missing policy's substitution)
    /// and sets the effective weights (all 0 when the account is not scored). With only
    /// [`Aggregation::Mean`] groups the result depends on which readings are scores, not on
    /// their values, which is what [`WeightTable`] caches. On a missing measure whose policy
    /// is [`MissingPolicy::Fail`] it returns the measure's index.
    #[inline]
    pub(crate) fn weigh(
        &self,
        readings: &[Reading],
        slots: &mut [Slot],
    ) -> std::result::Result<Weighed, usize> {
        let mut coverage = 0.0;
        let mut absent = 0usize;
        for (i, (m, (r, slot))) in self
            .measures
            .iter()
            .zip(readings.iter().zip(slots.iter_mut()))
            .enumerate()
        {
            let score = if let Reading::Score(s) = *r {
                coverage += m.nominal;
                Some(s)
            } else {
                absent += 1;
                match m.policy {
                    MissingPolicy::Renormalise => None,
                    MissingPolicy::Zero => Some(0.0),
                    MissingPolicy::Neutral(v) => Some(v),
                    MissingPolicy::Fail => return Err(i),
                }
            };
            *slot = Slot { score, weight: 0.0 };
        }
        // Exactly 1 with nothing absent and 0 with nothing present, whatever the rounding.
        let coverage = match absent {
            0 => 1.0,
            a if a == self.measures.len() => 0.0,
            _ => coverage.clamp(0.0, 1.0),
        };
        let mut present_share = 0.0;
        for &g in &self.top {
            if self.weigh_group(g, slots) {
                present_share += self.groups[g].share;
            }
        }
        if present_share <= 0.0 || coverage + 1e-12 < self.min_coverage {
            for s in slots.iter_mut() {
                s.weight = 0.0;
            }
            return Ok(Weighed {
                coverage,
                scored: false,
            });
        }
        for &g in &self.top {
            let g = &self.groups[g];
            let factor = g.share / present_share;
            for slot in &mut slots[g.start..g.end] {
                slot.weight *= factor;
            }
        }
        Ok(Weighed {
            coverage,
            scored: true,
        })
    }

    /// The score (clamped to `0..=100`), its band and the driver (the measure losing the most
    /// points) from `(effective weight, score used)` pairs in measure order; an absent measure
    /// without a substitute has score 0 (and weight 0). The per-account form of
    /// [`Accumulator`], which the batch kernel runs one measure column at a time.
    #[inline]
    pub(crate) fn combine(&self, parts: impl Iterator<Item = (f64, f64)>) -> (f64, u8, Option<u16>) {
        let mut acc = Accumulator::default();
        for (i, (w, s)) in parts.enumerate() {
            acc.add(i as u16, w, s);
        }
        acc.finish(&self.bands)
    }

    /// True when every group aggregates by weighted mean (weights then depend only on which
    /// measures are present).
    pub(crate) fn mean_only(&self) -> bool {
        self.groups.iter().all(|g| g.aggregation == Aggregation::Mean)
    }

    /// Sets the in-group weights of one group's slots (its subgroups' included, each scaled
    /// by its share); false, with every weight of the group 0, when nothing in it is present.
    #[inline]
    fn weigh_group(&self, index: usize, slots: &mut [Slot]) -> bool {
        let g = &self.groups[index];
        let present = match g.aggregation {
            Aggregation::Mean => self.weigh_mean(g, slots),
            Aggregation::Min | Aggregation::Max => self.weigh_extreme(g, slots),
        };
        if !present {
            for s in &mut slots[g.start..g.end] {
                s.weight = 0.0;
            }
        }
        present
    }

    /// A weighted-mean group: the present measures and subgroups share the group by weight.
    #[inline]
    fn weigh_mean(&self, g: &PlanGroup, slots: &mut [Slot]) -> bool {
        let ms = &self.measures[g.start..g.own_end];
        let mut total: f64 = ms
            .iter()
            .zip(slots[g.start..g.own_end].iter())
            .filter(|(_, s)| s.score.is_some())
            .map(|(m, _)| m.in_group)
            .sum();
        for &c in &g.children {
            if self.weigh_group(c, slots) {
                total += self.groups[c].share;
            }
        }
        if total <= 0.0 {
            return false;
        }
        for (m, s) in ms.iter().zip(slots[g.start..g.own_end].iter_mut()) {
            if s.score.is_some() {
                s.weight = m.in_group / total;
            }
        }
        // An absent subgroup's weights are 0, so scaling every subgroup is exact.
        for &c in &g.children {
            let c = &self.groups[c];
            let factor = c.share / total;
            for s in &mut slots[c.start..c.end] {
                s.weight *= factor;
            }
        }
        true
    }

    /// A min / max group (measures only): the lowest / highest present measure score with a
    /// positive weight takes the whole group.
    #[inline]
    fn weigh_extreme(&self, g: &PlanGroup, slots: &mut [Slot]) -> bool {
        let ms = &self.measures[g.start..g.end];
        let ss = &mut slots[g.start..g.end];
        match g.aggregation {
            Aggregation::Mean => false,
            Aggregation::Min | Aggregation::Max => {
                let mut best: Option<(usize, f64)> = None;
                for (k, (m, s)) in ms.iter().zip(ss.iter()).enumerate() {
                    let (Some(v), true) = (s.score, m.in_group > 0.0) else {
                        continue;
                    };
                    let better = match best {
                        None => true,
                        Some((_, b)) if g.aggregation == Aggregation::Min => v < b,
                        Some((_, b)) => v > b,
                    };
                    if better {
                        best = Some((k, v));
                    }
                }
                match best {
                    Some((k, _)) => {
                        ss[k].weight = 1.0;
                        true
                    }
                    None => false,
                }
            }
        }
    }

    /// The error for a missing measure under [`MissingPolicy::Fail`].
    pub(crate) fn fail_error(&self, i: usize) -> Error {
        Error::missing(format!(
            "measure {} (missing policy is fail)",
            self.measures[i].name
        ))
    }
}

fn rule_name(rule: &Rule) -> &'static str {
    match rule {
        Rule::Linear { .. } => "linear",
        Rule::Piecewise { .. } => "piecewise",
        Rule::Steps { .. } => "steps",
        Rule::Categorical { .. } => "categorical",
        Rule::Boolean { .. } => "boolean",
    }
}

fn day_label(days: i32) -> String {
    NaiveDate::default()
        .checked_add_signed(chrono::TimeDelta::days(i64::from(days)))
        .map_or_else(|| format!("day {days}"), |d| d.to_string())
}
