use serde::{Deserialize, Serialize};

use super::band::{Band, default_bands, validate_bands};
use super::rule::{Direction, Rule};
use crate::document::Document;
use crate::{Error, Result};

/// What to do when a measure has no (or only a stale) value.
///
/// In TOML: `missing = "renormalise"`, `"zero"`, `"fail"` or `missing = { neutral = 50.0 }`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingPolicy {
    /// Drop the measure and share its weight among the present measures of its group (the
    /// default); a group with nothing present shares its weight among the other groups.
    #[default]
    Renormalise,
    /// Keep the weight and score the measure 0.
    Zero,
    /// Keep the weight and score the measure with this neutral value (`0..=100`).
    Neutral(f64),
    /// Scoring the account is an error naming the measure.
    Fail,
}

/// How a group turns its measure scores into one group score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Weighted mean of the measure scores (the default).
    #[default]
    Mean,
    /// The lowest measure score (the group is as healthy as its weakest measure).
    Min,
    /// The highest measure score.
    Max,
}

/// One health measure: a named raw value, its weight within its parent and its scoring rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// The measure (and batch column) name, unique in the scorecard.
    pub name: String,
    /// Weight relative to its siblings: any non-negative scale, normalised.
    pub weight: f64,
    /// The rule mapping a raw value to `0..=100`.
    pub rule: Rule,
    /// Higher- or lower-is-better. Linear and boolean rules default to higher-is-better; for
    /// piecewise and step rules a stated direction is checked against the scores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// Overrides the scorecard's missing-data policy for this measure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<MissingPolicy>,
    /// Days a value stays valid: a value observed more than this many days before the scoring
    /// date counts as missing and is flagged stale. `None`: values never go stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_days: Option<u32>,
    /// The column holding the date each value was observed (default `<name>_date`); only read
    /// when `validity_days` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_column: Option<String>,
    /// A human description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Measure {
    /// A measure with the default direction, policy and no staleness.
    pub fn new(name: impl Into<String>, weight: f64, rule: Rule) -> Self {
        Measure {
            name: name.into(),
            weight,
            rule,
            direction: None,
            missing: None,
            validity_days: None,
            date_column: None,
            description: None,
        }
    }

    /// The same measure with a direction.
    pub fn with_direction(mut self, direction: Direction) -> Self {
        self.direction = Some(direction);
        self
    }

    /// The same measure with a missing-data policy of its own.
    pub fn with_missing(mut self, policy: MissingPolicy) -> Self {
        self.missing = Some(policy);
        self
    }

    /// The same measure with a validity period in days.
    pub fn with_validity_days(mut self, days: u32) -> Self {
        self.validity_days = Some(days);
        self
    }

    /// The direction in force (higher-is-better unless stated).
    pub fn effective_direction(&self) -> Direction {
        self.direction.unwrap_or_default()
    }

    /// The name of the column holding observation dates.
    pub fn date_column_name(&self) -> String {
        self.date_column
            .clone()
            .unwrap_or_else(|| format!("{}_date", self.name))
    }
}

/// A named group of measures (Adoption, Support, Sentiment, ...) with its weight.
///
/// A weighted-mean group may hold groups of its own (`groups`, at most
/// [`MAX_GROUP_DEPTH`] levels): its score is the weighted mean of its measures' and its
/// subgroups' scores, each subgroup scored by its own aggregation. A min / max group holds
/// measures only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureGroup {
    /// The group name.
    pub name: String,
    /// Weight relative to its siblings (the other groups and measures of its parent).
    pub weight: f64,
    /// How the children's scores combine (default weighted mean).
    #[serde(default)]
    pub aggregation: Aggregation,
    /// The measures.
    #[serde(default)]
    pub measures: Vec<Measure>,
    /// Subgroups (weighted-mean groups only), sharing the group's weight with its measures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<MeasureGroup>,
}

/// The most levels of groups in a scorecard (a top-level group is level 1).
pub const MAX_GROUP_DEPTH: usize = 8;

impl MeasureGroup {
    /// A weighted-mean group of `measures`.
    pub fn new(name: impl Into<String>, weight: f64, measures: Vec<Measure>) -> Self {
        MeasureGroup {
            name: name.into(),
            weight,
            aggregation: Aggregation::Mean,
            measures,
            groups: Vec::new(),
        }
    }

    /// Every measure of the group, its own first, then each subgroup's (depth first).
    fn collect_measures<'a>(&'a self, out: &mut Vec<&'a Measure>) {
        out.extend(self.measures.iter());
        for g in &self.groups {
            g.collect_measures(out);
        }
    }

    fn validate(&self, depth: usize, names: &mut Vec<String>) -> Result<()> {
        if depth > MAX_GROUP_DEPTH {
            return Err(Error::out_of_range(
                format!("group {} depth", self.name),
                depth,
                format!("1..={MAX_GROUP_DEPTH}"),
            ));
        }
        if self.name.trim().is_empty() {
            return Err(Error::invalid(
                "group name",
                format!("{:?}", self.name),
                "must not be blank",
            ));
        }
        if names.contains(&self.name) {
            return Err(Error::duplicate("group name", self.name.clone()));
        }
        names.push(self.name.clone());
        check_weight(&format!("group {} weight", self.name), self.weight)?;
        if self.measures.is_empty() && self.groups.is_empty() {
            return Err(Error::empty(format!("group {} measures", self.name)));
        }
        if self.aggregation != Aggregation::Mean && !self.groups.is_empty() {
            return Err(Error::invalid(
                format!("group {} groups", self.name),
                self.groups.len(),
                "a min / max group holds measures only; nest groups in a mean group",
            ));
        }
        check_some_weight(
            &format!("group {} weights", self.name),
            &self.measures,
            &self.groups,
        )?;
        for g in &self.groups {
            g.validate(depth + 1, names)?;
        }
        Ok(())
    }
}

/// A health scorecard: measures (optionally grouped), weights, rules, bands and the
/// missing-data policy. A [`Document`]: read it with `Scorecard::from_toml` / `from_json`.
///
/// Weights are shares of their parent on any positive scale: top-level measures and groups
/// share the whole, measures in a group share the group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scorecard {
    /// Must equal [`Scorecard::SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The scorecard name (unique within a [`super::ScorecardSet`]).
    pub name: String,
    /// A human description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Default missing-data policy.
    #[serde(default)]
    pub missing: MissingPolicy,
    /// Minimum coverage (share of nominal weight with present, fresh data, `0..=1`); below
    /// it the score is null ("insufficient data"). Default 0: any data scores.
    #[serde(default)]
    pub min_coverage: f64,
    /// Whether a NaN value counts as missing (true) or is an error (false, the default).
    /// Infinite values are always an error.
    #[serde(default)]
    pub nan_is_missing: bool,
    /// The bands from the lowest up (default red / amber / green).
    #[serde(default = "default_bands")]
    pub bands: Vec<Band>,
    /// Top-level measures not in any group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measures: Vec<Measure>,
    /// Measure groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<MeasureGroup>,
}

impl Document for Scorecard {
    const KIND: &'static str = "scorecard";
    const SCHEMA_VERSION: u32 = 1;

    fn schema_version(&self) -> u32 {
        self.schema_version
    }

    fn validate(&self) -> Result<()> {
        validate_bands(&self.bands)?;
        if !(0.0..=1.0).contains(&self.min_coverage) {
            return Err(Error::out_of_range("min_coverage", self.min_coverage, "0..=1"));
        }
        check_policy("scorecard missing", self.missing)?;
        if self.measures.is_empty() && self.groups.is_empty() {
            return Err(Error::empty(format!("scorecard {} measures", self.name)));
        }
        let mut names: Vec<&str> = Vec::new();
        for m in self.all_measures() {
            if m.name.trim().is_empty() {
                return Err(Error::invalid(
                    "measure name",
                    format!("{:?}", m.name),
                    "must not be blank",
                ));
            }
            if RESERVED_MEASURE_NAMES.contains(&m.name.as_str()) {
                return Err(Error::invalid(
                    "measure name",
                    format!("{:?}", m.name),
                    format!(
                        "collides with an output column of scoring (reserved: {})",
                        RESERVED_MEASURE_NAMES.join(", ")
                    ),
                ));
            }
            if names.contains(&m.name.as_str()) {
                return Err(Error::duplicate("measure name", m.name.clone()));
            }
            names.push(&m.name);
            check_weight(&format!("measure {} weight", m.name), m.weight)?;
            m.rule.validate(&m.name, m.direction)?;
            if let Some(p) = m.missing {
                check_policy(&format!("measure {} missing", m.name), p)?;
            }
            if m.validity_days == Some(0) {
                return Err(Error::out_of_range(
                    format!("measure {} validity_days", m.name),
                    0,
                    "1..",
                ));
            }
        }
        if names.len() > usize::from(u16::MAX) {
            return Err(Error::out_of_range("measure count", names.len(), "1..=65535"));
        }
        let mut group_names = Vec::new();
        for g in &self.groups {
            g.validate(1, &mut group_names)?;
        }
        check_some_weight(
            &format!("scorecard {} weights", self.name),
            &self.measures,
            &self.groups,
        )?;
        Ok(())
    }
}

/// Names a measure may not have: the columns scoring writes next to the input columns
/// (`cs score` adds `score`, `band`, `coverage` and `driver`; explanations name the
/// `scorecard`).
pub const RESERVED_MEASURE_NAMES: [&str; 5] = ["score", "band", "coverage", "driver", "scorecard"];

fn check_weight(field: &str, w: f64) -> Result<()> {
    if w.is_finite() && w >= 0.0 {
        Ok(())
    } else {
        Err(Error::out_of_range(field, w, "a finite number >= 0"))
    }
}

/// Refuses a set of siblings (measures and groups) whose weights are all zero.
fn check_some_weight(field: &str, measures: &[Measure], groups: &[MeasureGroup]) -> Result<()> {
    let weights = measures
        .iter()
        .map(|m| m.weight)
        .chain(groups.iter().map(|g| g.weight));
    if weights.into_iter().all(|w| w == 0.0) {
        return Err(Error::invalid(field, 0, "all weights are zero"));
    }
    Ok(())
}

fn check_policy(field: &str, p: MissingPolicy) -> Result<()> {
    match p {
        MissingPolicy::Neutral(v) if !(v.is_finite() && (0.0..=100.0).contains(&v)) => {
            Err(Error::out_of_range(format!("{field} neutral"), v, "0..=100"))
        }
        _ => Ok(()),
    }
}

impl Scorecard {
    /// An empty scorecard named `name` with the defaults (add measures or groups, then
    /// [`Scorecard::validate`]).
    pub fn new(name: impl Into<String>) -> Self {
        Scorecard {
            schema_version: Self::SCHEMA_VERSION,
            name: name.into(),
            description: None,
            missing: MissingPolicy::default(),
            min_coverage: 0.0,
            nan_is_missing: false,
            bands: default_bands(),
            measures: Vec::new(),
            groups: Vec::new(),
        }
    }

    /// Every measure in scoring order: top-level measures first, then each group's (its own
    /// measures, then its subgroups', depth first).
    pub fn all_measures(&self) -> impl Iterator<Item = &Measure> {
        let mut out: Vec<&Measure> = self.measures.iter().collect();
        for g in &self.groups {
            g.collect_measures(&mut out);
        }
        out.into_iter()
    }

    /// The measure names in scoring order (the order of explanations and batch driver codes).
    pub fn measure_names(&self) -> Vec<String> {
        self.all_measures().map(|m| m.name.clone()).collect()
    }

    /// The band names from the lowest up (band indexes of batch results refer to these).
    pub fn band_names(&self) -> Vec<String> {
        self.bands.iter().map(|b| b.name.clone()).collect()
    }

    /// The index of the band holding an unrounded `score`.
    pub fn band_of(&self, score: f64) -> usize {
        usize::from(super::band::band_index(&self.bands, score.clamp(0.0, 100.0)))
    }

    /// The index of the band named `name`.
    pub fn band_named(&self, name: &str) -> Result<usize> {
        self.bands
            .iter()
            .position(|b| b.name == name)
            .ok_or_else(|| Error::unknown("band", name, self.bands.iter().map(|b| b.name.as_str())))
    }
}
