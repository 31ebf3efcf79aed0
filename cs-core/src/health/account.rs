use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::manual::{Override, OverrideOutcome, OverrideStatus};
use super::plan::{Plan, Reading, Slot};
use super::rule::Value;
use super::scorecard::Scorecard;
use crate::portfolio::epoch_days;
use crate::{Error, Result};

/// One raw measure value of one account, with the date it was observed (for staleness).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// The value; `None` is missing.
    pub value: Option<Value>,
    /// When the value was observed; `None` is taken as current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<NaiveDate>,
}

/// The raw measure values of one account, by measure name.
///
/// ```
/// use cs_core::health::AccountMeasures;
/// let account = AccountMeasures::new().with("licence_utilisation", 0.8).with("executive_sponsor", true);
/// assert_eq!(account.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountMeasures(pub BTreeMap<String, Observation>);

impl AccountMeasures {
    /// No values.
    pub fn new() -> Self {
        AccountMeasures::default()
    }

    /// Adds a current value (number, bool or category name).
    pub fn with(mut self, measure: impl Into<String>, value: impl Into<Value>) -> Self {
        self.0.insert(
            measure.into(),
            Observation {
                value: Some(value.into()),
                observed: None,
            },
        );
        self
    }

    /// Adds a value observed on `observed`.
    pub fn with_observed(
        mut self,
        measure: impl Into<String>,
        value: impl Into<Value>,
        observed: NaiveDate,
    ) -> Self {
        self.0.insert(
            measure.into(),
            Observation {
                value: Some(value.into()),
                observed: Some(observed),
            },
        );
        self
    }

    /// Number of measures given.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when no measure is given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Value::Number(x)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

/// How a measure's value entered the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureStatus {
    /// A fresh value was scored.
    Present,
    /// No value: handled by the missing-data policy.
    Missing,
    /// A value older than the validity period: handled as missing.
    Stale,
}

/// One line of an explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// The measure.
    pub measure: String,
    /// Its group, if any.
    pub group: Option<String>,
    /// The raw value given.
    pub raw: Option<Value>,
    /// Present, missing or stale.
    pub status: MeasureStatus,
    /// The measure score used, `0..=100` (a substitute under the zero / neutral policies).
    pub measure_score: Option<f64>,
    /// The nominal share of the whole score (weights normalised, nothing missing).
    pub nominal_weight: f64,
    /// The share actually used after renormalisation and min / max selection.
    pub effective_weight: f64,
    /// Points contributed: `effective_weight × measure_score`. The points sum to the score.
    pub points: f64,
}

impl Contribution {
    /// Points this measure cost the account: `effective_weight × (100 − measure_score)` (a
    /// measure without a score loses its whole weight). The driver of a score is the measure
    /// losing most points.
    ///
    /// ```
    /// use cs_core::health::{AccountMeasures, Scorecard};
    /// use chrono::NaiveDate;
    /// let card = Scorecard::default_card();
    /// let account = AccountMeasures::new().with("licence_utilisation", 0.3);
    /// let h = card.score_account(&account, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap())?;
    /// let c = &h.contributions[0];
    /// assert_eq!(c.points_lost(), c.effective_weight * (100.0 - c.measure_score.unwrap_or(0.0)));
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn points_lost(&self) -> f64 {
        self.effective_weight * (100.0 - self.measure_score.unwrap_or(0.0))
    }
}

/// The name of the built-in scorecard ([`Scorecard::default_card`]).
const BUILTIN_SCORECARD: &str = "default";

/// The health of one account: score, band, coverage, staleness and explanation.
///
/// Read from JSON (or any serde format) it is checked with [`HealthScore::check`]: a score
/// outside `0..=100`, a band without its index (or the reverse), or a band on a score of
/// insufficient data without an applied override is an error. [`HealthScore::validate_against`]
/// also checks the band against a scorecard's bands; a document naming the built-in scorecard
/// (`"scorecard": "default"`) is checked against its bands when read, so a band that
/// contradicts the score (`"score": 95.0, "band": "red"`) is an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// Derived under `remote = "Self"`: the trait impls below check the document after reading it.
#[serde(remote = "Self")]
pub struct HealthScore {
    /// The scorecard used.
    pub scorecard: String,
    /// The scoring date.
    pub as_of: NaiveDate,
    /// The score, `0..=100`; `None` is insufficient data.
    pub score: Option<f64>,
    /// The band name.
    pub band: Option<String>,
    /// The band index (0 = lowest).
    pub band_index: Option<usize>,
    /// Share of nominal weight backed by fresh data, `0..=1`.
    pub coverage: f64,
    /// Measures whose value was stale.
    pub stale: Vec<String>,
    /// Measures with no value.
    pub missing: Vec<String>,
    /// The measure losing the most points (`effective_weight × (100 − measure_score)`).
    pub driver: Option<String>,
    /// One line per measure, in scorecard order.
    pub contributions: Vec<Contribution>,
    /// The manual override considered, if any (see [`HealthScore::with_override`]).
    #[serde(rename = "override", default, skip_serializing_if = "Option::is_none")]
    pub override_outcome: Option<OverrideOutcome>,
}

impl Serialize for HealthScore {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        HealthScore::serialize(self, serializer)
    }
}

impl<'de> Deserialize<'de> for HealthScore {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let h = HealthScore::deserialize(deserializer)?;
        // A score of the built-in scorecard carries its bands with it: the band must be the
        // score's under the default thresholds. Other scorecards: `validate_against(card)`.
        if h.scorecard == BUILTIN_SCORECARD {
            h.validate_against(&Scorecard::default_card())
        } else {
            h.check()
        }
        .map_err(serde::de::Error::custom)?;
        Ok(h)
    }
}

impl HealthScore {
    /// Whether an override is in force (its band may then differ from the score's).
    fn overridden(&self) -> bool {
        self.override_outcome
            .as_ref()
            .is_some_and(|o| o.status == OverrideStatus::Applied)
    }

    /// Checks that the document is consistent on its own: the score (if any) is finite in
    /// `0..=100`, the coverage in `0..=1`, `band` and `band_index` are both given or both
    /// absent, and a score of insufficient data (`null`) has no band unless an override is
    /// applied.
    pub fn check(&self) -> Result<()> {
        if let Some(s) = self.score
            && !(s.is_finite() && (0.0..=100.0).contains(&s))
        {
            return Err(Error::out_of_range("health score", s, "0..=100"));
        }
        if !(self.coverage.is_finite() && (0.0..=1.0).contains(&self.coverage)) {
            return Err(Error::out_of_range("health coverage", self.coverage, "0..=1"));
        }
        match (&self.band, self.band_index) {
            (Some(_), Some(_)) | (None, None) => {}
            (b, i) => {
                return Err(Error::invalid(
                    "health band",
                    format!("band {b:?}, band_index {i:?}"),
                    "band and band_index must both be given or both be null",
                ));
            }
        }
        if self.score.is_none()
            && let Some(b) = &self.band
            && !self.overridden()
        {
            return Err(Error::invalid(
                "health band",
                format!("{b:?}"),
                "a score of insufficient data (null) has no band unless an override is applied",
            ));
        }
        Ok(())
    }

    /// [`HealthScore::check`], then the band against `card`'s bands: `band_index` names a band
    /// of the card, `band` is that band's name, and (unless an override is applied) it is the
    /// band of the score.
    pub fn validate_against(&self, card: &Scorecard) -> Result<()> {
        self.check()?;
        let (Some(name), Some(i)) = (&self.band, self.band_index) else {
            return Ok(());
        };
        let Some(band) = card.bands.get(i) else {
            return Err(Error::out_of_range(
                "health band_index",
                i,
                format!("0..{} (the bands of scorecard {})", card.bands.len(), card.name),
            ));
        };
        if band.name != *name {
            return Err(Error::invalid(
                "health band",
                format!("{name:?}"),
                format!(
                    "band_index {i} is band {:?} of scorecard {}",
                    band.name, card.name
                ),
            ));
        }
        if let Some(s) = self.score
            && !self.overridden()
            && card.band_of(s) != i
        {
            return Err(Error::invalid(
                "health band",
                format!("{name:?}"),
                format!(
                    "score {s} is in band {:?} of scorecard {}",
                    card.bands[card.band_of(s)].name,
                    card.name
                ),
            ));
        }
        Ok(())
    }

    /// The score rounded to whole points for display. Banding uses the unrounded score, so a
    /// score of 75.4 shows as 75 but is green under the default bands.
    pub fn display_score(&self) -> Option<f64> {
        self.score.map(f64::round)
    }

    /// The points of a measure, 0 when it is not in the explanation.
    pub fn points_of(&self, measure: &str) -> f64 {
        self.contributions
            .iter()
            .find(|c| c.measure == measure)
            .map_or(0.0, |c| c.points)
    }

    /// Applies a manual override on this score's date, recording what happened in
    /// [`HealthScore::override_outcome`].
    ///
    /// ```
    /// use cs_core::health::{AccountMeasures, Override, OverrideStatus, Scorecard};
    /// use chrono::NaiveDate;
    /// let card = Scorecard::default_card();
    /// let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    /// let account = AccountMeasures::new().with("licence_utilisation", 0.9).with("logins_per_user", 20.0).with("nps", 10.0);
    /// let health = card.score_account(&account, day)?;
    /// assert_eq!(health.score, Some(100.0)); // 60 % of the weight present, all of it perfect
    /// let manual = Override { score: Some(30.0), band: None, reason: "exec sponsor left".into(),
    ///     author: "dana".into(), expires: NaiveDate::from_ymd_opt(2026, 7, 31).unwrap(), lower_only: true };
    /// let health = health.with_override(&manual, &card)?;
    /// assert_eq!(health.score, Some(30.0));
    /// assert_eq!(health.band.as_deref(), Some("red"));
    /// assert_eq!(health.override_outcome.unwrap().status, OverrideStatus::Applied);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn with_override(mut self, manual: &Override, card: &Scorecard) -> Result<HealthScore> {
        manual.validate(card)?;
        let computed_score = self.score;
        let computed_band = self.band.clone();
        let status = if manual.is_active(self.as_of) {
            let target_band = match (manual.score, &manual.band) {
                (Some(s), _) => card.band_of(s),
                (None, Some(b)) => card.band_named(b)?,
                (None, None) => return Err(Error::invalid("override", "none", "give a score or band")),
            };
            let lowers = match (manual.score, self.score, self.band_index) {
                (Some(s), Some(c), _) => s < c,
                (None, _, Some(b)) => target_band < b,
                _ => false,
            };
            if manual.lower_only && !lowers {
                OverrideStatus::NotLower
            } else {
                if let Some(s) = manual.score {
                    self.score = Some(s);
                }
                self.band_index = Some(target_band);
                self.band = card.bands.get(target_band).map(|b| b.name.clone());
                OverrideStatus::Applied
            }
        } else {
            OverrideStatus::Expired
        };
        self.override_outcome = Some(OverrideOutcome {
            status,
            manual: manual.clone(),
            computed_score,
            computed_band,
        });
        Ok(self)
    }
}

impl Scorecard {
    /// Scores one account on `as_of` and explains the score.
    ///
    /// Unknown measure names, NaN (unless `nan_is_missing`) or infinite values, values of the
    /// wrong kind, observation dates after `as_of` and missing measures under the `fail`
    /// policy are errors.
    ///
    /// ```
    /// use cs_core::health::{AccountMeasures, Scorecard};
    /// use chrono::NaiveDate;
    /// let card = Scorecard::default_card();
    /// let account = AccountMeasures::new()
    ///     .with("licence_utilisation", 0.9)
    ///     .with("logins_per_user", 20.0)
    ///     .with("open_tickets", 0.0)
    ///     .with("high_priority_tickets", 0.0)
    ///     .with("nps", 10.0)
    ///     .with("days_since_last_touch", 3.0)
    ///     .with("executive_sponsor", true);
    /// let health = card.score_account(&account, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap())?;
    /// assert_eq!(health.score, Some(100.0));
    /// assert_eq!(health.band.as_deref(), Some("green"));
    /// let sum: f64 = health.contributions.iter().map(|c| c.points).sum();
    /// assert!((sum - 100.0).abs() < 1e-9);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn score_account(&self, account: &AccountMeasures, as_of: NaiveDate) -> Result<HealthScore> {
        let plan = Plan::new(self)?;
        if let Some(name) = account
            .0
            .keys()
            .find(|k| !plan.measures.iter().any(|m| &m.name == *k))
        {
            return Err(Error::unknown(
                "measure",
                name,
                plan.measures.iter().map(|m| m.name.as_str()),
            ));
        }
        let today = epoch_days(as_of);
        let n = plan.measures.len();
        let mut readings = Vec::with_capacity(n);
        for (i, m) in plan.measures.iter().enumerate() {
            let obs = account.0.get(&m.name);
            let observed = obs.and_then(|o| o.observed).map(epoch_days);
            let present = obs
                .and_then(|o| o.value.as_ref())
                .is_some_and(|v| !(plan.nan_is_missing && matches!(v, Value::Number(x) if x.is_nan())));
            let reading = if present && plan.is_stale(i, observed, today)? {
                Reading::Stale
            } else {
                plan.read_value(i, obs.and_then(|o| o.value.as_ref()))?
            };
            readings.push(reading);
        }
        let mut slots = vec![Slot::default(); n];
        let out = plan
            .evaluate(&readings, &mut slots)
            .map_err(|i| plan.fail_error(i))?;
        let mut contributions = Vec::with_capacity(n);
        let (mut stale, mut missing) = (Vec::new(), Vec::new());
        for ((m, r), s) in plan.measures.iter().zip(&readings).zip(&slots) {
            let status = match r {
                Reading::Score(_) => MeasureStatus::Present,
                Reading::Missing => {
                    missing.push(m.name.clone());
                    MeasureStatus::Missing
                }
                Reading::Stale => {
                    stale.push(m.name.clone());
                    MeasureStatus::Stale
                }
            };
            contributions.push(Contribution {
                measure: m.name.clone(),
                group: m.group.clone(),
                raw: account.0.get(&m.name).and_then(|o| o.value.clone()),
                status,
                measure_score: s.score,
                nominal_weight: m.nominal,
                effective_weight: s.weight,
                points: s.weight * s.score.unwrap_or(0.0),
            });
        }
        let band_index = out.band.map(usize::from);
        Ok(HealthScore {
            scorecard: self.name.clone(),
            as_of,
            score: out.score,
            band: band_index.and_then(|b| plan.bands.get(b)).map(|b| b.name.clone()),
            band_index,
            coverage: out.coverage,
            stale,
            missing,
            driver: out
                .driver
                .and_then(|d| plan.measures.get(usize::from(d)))
                .map(|m| m.name.clone()),
            contributions,
            override_outcome: None,
        })
    }
}
