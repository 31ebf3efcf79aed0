use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::batch::{BatchScores, MeasureColumn, run};
use super::scorecard::Scorecard;
use crate::document::Document;
use crate::portfolio::Column;
use crate::{Error, Result};

/// Assigns a scorecard to accounts whose attributes match every criterion.
///
/// `when = { segment = ["Enterprise", "Strategic"], region = ["EMEA"] }` matches an account
/// whose `segment` is one of the listed values and whose `region` is `EMEA`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// The scorecard name.
    pub scorecard: String,
    /// Attribute name to the accepted values; all attributes must match.
    pub when: BTreeMap<String, Vec<String>>,
}

/// Several scorecards, each assigned by segment criteria, with a default. A [`Document`].
///
/// Assignments are tried in order; the first that matches wins; accounts matching none get
/// the `default` scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScorecardSet {
    /// Must equal [`ScorecardSet::SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The name of the scorecard for accounts no assignment matches.
    pub default: String,
    /// The scorecards (names unique).
    pub scorecards: Vec<Scorecard>,
    /// The assignments, tried in order.
    #[serde(default)]
    pub assignments: Vec<Assignment>,
}

impl Document for ScorecardSet {
    const KIND: &'static str = "scorecard set";
    const SCHEMA_VERSION: u32 = 1;

    fn schema_version(&self) -> u32 {
        self.schema_version
    }

    fn validate(&self) -> Result<()> {
        if self.scorecards.is_empty() {
            return Err(Error::empty("scorecards"));
        }
        if self.scorecards.len() > usize::from(u16::MAX) {
            return Err(Error::out_of_range(
                "scorecard count",
                self.scorecards.len(),
                "1..=65535",
            ));
        }
        for (i, c) in self.scorecards.iter().enumerate() {
            if c.schema_version != Scorecard::SCHEMA_VERSION {
                return Err(Error::SchemaVersion {
                    document: Scorecard::KIND.into(),
                    found: c.schema_version,
                    supported: Scorecard::SCHEMA_VERSION,
                });
            }
            c.validate()?;
            if self.scorecards[..i].iter().any(|o| o.name == c.name) {
                return Err(Error::duplicate("scorecard name", c.name.clone()));
            }
        }
        self.index_of(&self.default)?;
        for a in &self.assignments {
            self.index_of(&a.scorecard)?;
        }
        Ok(())
    }
}

/// One attribute column for assignment: dictionary-encoded values (as in Arrow).
#[derive(Debug, Clone, Copy)]
pub struct AttributeColumn<'a> {
    /// The attribute name (`segment`, `region`, ...).
    pub name: &'a str,
    /// Codes into `dictionary`; a null matches no criterion.
    pub codes: Column<'a, u32>,
    /// The distinct values.
    pub dictionary: &'a [String],
}

impl ScorecardSet {
    /// A set holding one scorecard as the default.
    pub fn single(card: Scorecard) -> Self {
        ScorecardSet {
            schema_version: Self::SCHEMA_VERSION,
            default: card.name.clone(),
            scorecards: vec![card],
            assignments: Vec::new(),
        }
    }

    /// The index of the scorecard named `name`.
    pub fn index_of(&self, name: &str) -> Result<usize> {
        self.scorecards
            .iter()
            .position(|c| c.name == name)
            .ok_or_else(|| Error::unknown("scorecard", name, self.scorecards.iter().map(|c| c.name.as_str())))
    }

    /// The index of the scorecard for an account whose attributes `attribute(name)` returns.
    pub fn assign<'s>(&self, mut attribute: impl FnMut(&str) -> Option<&'s str>) -> usize {
        self.assignments
            .iter()
            .find(|a| {
                a.when
                    .iter()
                    .all(|(k, vs)| attribute(k).is_some_and(|v| vs.iter().any(|x| x == v)))
            })
            .and_then(|a| self.index_of(&a.scorecard).ok())
            .or_else(|| self.index_of(&self.default).ok())
            .unwrap_or(0)
    }

    /// The scorecard for an account with these attributes.
    pub fn card_for<'s>(&self, attribute: impl Fn(&str) -> Option<&'s str>) -> &Scorecard {
        &self.scorecards[self.assign(attribute).min(self.scorecards.len() - 1)]
    }

    /// The scorecard index of every row. Attributes named in criteria but not given are
    /// treated as null (no match).
    pub fn assign_rows(&self, attributes: &[AttributeColumn<'_>]) -> Result<Vec<u16>> {
        let rows = attributes.first().map_or(0, |a| a.codes.len());
        for a in attributes {
            a.codes.expect_len(rows)?;
        }
        (0..rows)
            .map(|row| {
                let mut bad = None;
                let k = self.assign(|name| {
                    let col = attributes.iter().find(|a| a.name == name)?;
                    let code = col.codes.get(row)?;
                    let v = col.dictionary.get(code as usize);
                    if v.is_none() {
                        bad = Some(
                            Error::out_of_range(
                                format!("column {name} code"),
                                code,
                                format!("0..{}", col.dictionary.len()),
                            )
                            .at(row),
                        );
                    }
                    v.map(String::as_str)
                });
                bad.map_or(Ok(k as u16), Err)
            })
            .collect()
    }

    /// The scorecard index of each of `rows` rows: by [`ScorecardSet::assign_rows`] over the
    /// attribute columns given, or the default scorecard for every row when none is given
    /// (a table without the attribute columns is scored with the default card).
    pub fn assign_all(&self, attributes: &[AttributeColumn<'_>], rows: usize) -> Result<Vec<u16>> {
        if attributes.is_empty() {
            let k = self.index_of(&self.default)?;
            return Ok(vec![k as u16; rows]);
        }
        let out = self.assign_rows(attributes)?;
        if out.len() == rows {
            Ok(out)
        } else {
            Err(Error::LengthMismatch {
                field: "scorecard attributes".into(),
                expected: rows,
                actual: out.len(),
            })
        }
    }

    /// Scores every row with its assigned scorecard (`assignment` from
    /// [`ScorecardSet::assign_rows`]). The columns must cover the measures of every scorecard;
    /// driver codes index the union of measure names in [`BatchScores::measure_names`].
    pub fn score_batch(
        &self,
        assignment: &[u16],
        columns: &[MeasureColumn<'_>],
        as_of: NaiveDate,
    ) -> Result<BatchScores> {
        let cards: Vec<&Scorecard> = self.scorecards.iter().collect();
        run(&cards, Some(assignment), columns, as_of)
    }
}
