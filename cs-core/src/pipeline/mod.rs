//! The portfolio pipeline: one definition of how raw account columns become health, risk
//! inputs, risk, playbook signals and calls to action.
//!
//! ```text
//! raw account table ─┬─> health (the scorecard's measures)
//!                    ├─> risk inputs (own columns, or derived: NPS category from the 0-10
//!                    │   answer, days to renewal from the renewal date, utilisation, ARR change)
//!                    ├─> risk, tier, reasons, expected loss (ARR × risk)
//!                    └─> playbook signals (risk tier, expansion, notice deadline, ...) -> CTAs
//! ```
//!
//! Every front end (the `cs` command line, the Python binding, the report) calls these
//! functions, so one file gives the same numbers everywhere. Each step is callable alone:
//! [`Pipeline::health`], [`Pipeline::risk_inputs`], [`Pipeline::risk`],
//! [`Pipeline::signals`], [`Pipeline::ctas`]; [`Pipeline::run`] chains them.
//!
//! # The columns it reads
//! [`Pipeline::input_columns`] lists every column with its [`Kind`] and meaning: the
//! scorecard's measures (and their `<measure>_date` observation dates), the risk model's
//! standard inputs ([`crate::renewal::inputs`]), the raw columns they can be derived from, and
//! the playbook's signals. An absent column is unknown for every account.
//!
//! # Derivations
//! | input | from its own column, else |
//! | --- | --- |
//! | `health_score`, `health_band` | the scorecard over its measure columns, when all are present (the band only when no `health_score` column is given) |
//! | `nps_category` | names (`promoter`, ...) or codes 0/1/2; else the 0-10 answer in `nps` (0-6 detractor, 7-8 passive, 9-10 promoter) |
//! | `days_to_renewal` | `renewal_date` − as of |
//! | `utilisation` | `licence_utilisation` |
//! | `open_high_priority_cases` | `high_priority_tickets` |
//! | `arr_change` | `arr` ÷ `previous_arr` − 1 (null unless `previous_arr` > 0) |
//! | `risk_tier` (signal) | the risk model's tier |
//! | `expansion_signal` (signal) | [`ExpansionCriteria`] over utilisation, health and NPS category |
//! | `notice_deadline` (signal) | `renewal_date` − `notice_days` for rows with `auto_renew` |
//!
//! Band columns (`health_band`, `previous_health_band`) take the scorecard's band names or
//! their indices (0 = the worst band).

mod health_step;
mod history;
mod risk_inputs;
mod signals;
mod table;

use chrono::NaiveDate;
use serde::Serialize;

pub use health_step::{
    account_measures, apply_overrides, band_indices, explain_row, fit_weights, has_measures, health_columns,
    health_trends, score_health_set,
};
pub use history::{HealthHistory, HistoryScores, health_history, score_history};
pub use risk_inputs::{InputColumn, InputSource, RiskInputs};
pub use signals::{Signals, dates};
pub use table::{AccountTable, Cells, ColumnSpec, Kind, NumberCells};

use crate::health::{BatchScores, Scorecard, ValueKind};
use crate::playbook::{Cta, OpenCta, Playbook};
use crate::renewal::{RenewalWindows, RiskModel, RiskScores, RiskTable, inputs};
use crate::revenue::ExpansionCriteria;
use crate::{Error, Result};

/// What to do with a risk factor whose input the table neither has nor implies.
///
/// The default, for every front end, is [`MissingInputs::Drop`]: an export rarely holds every
/// input, and a model scored without a factor is what a CS team can act on, provided the
/// factors left out are reported (the command line prints them, Python warns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingInputs {
    /// Leave the factor out, as if every account had its center; the factors left out are
    /// reported.
    #[default]
    Drop,
    /// Fail with [`Error::Missing`] naming the first missing input.
    Error,
}

impl MissingInputs {
    /// The model to score `table` with, and the factors left out: `model` without the factors
    /// whose input `table` lacks ([`RiskModel::restricted_to`]) for [`MissingInputs::Drop`],
    /// `model` itself for [`MissingInputs::Error`] (scoring then names the missing input).
    #[must_use]
    pub fn model_for(self, model: &RiskModel, table: &RiskTable<'_>) -> (RiskModel, Vec<String>) {
        match self {
            MissingInputs::Drop => model.restricted_to(table),
            MissingInputs::Error => (model.clone(), Vec::new()),
        }
    }
}

/// The risk step's result: the model actually used, what was dropped, the scores and the
/// expected loss.
#[derive(Debug, Clone, Serialize)]
pub struct RiskStep {
    /// The model scored (the given model less any dropped factors).
    pub model: RiskModel,
    /// Factors left out because their input was absent.
    pub dropped: Vec<String>,
    /// Risk, log-odds, tier and reasons per account.
    pub scores: RiskScores,
    /// ARR × risk per account in minor units (`None` without an `arr` column; a null where
    /// the account's ARR is null).
    pub expected_loss: Option<Vec<Option<f64>>>,
}

impl RiskStep {
    /// The rows ordered by expected loss, largest first (ties in row order; rows without ARR
    /// last); by risk when there is no ARR column.
    pub fn worst_first(&self) -> Vec<usize> {
        let key = |i: usize| match &self.expected_loss {
            Some(loss) => loss[i].unwrap_or(f64::NEG_INFINITY),
            None => self.scores.risk[i],
        };
        let mut order: Vec<usize> = (0..self.scores.len()).collect();
        order.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
        order
    }
}

/// Everything [`Pipeline::run`] computes.
#[derive(Debug, Clone)]
pub struct PipelineResult<'a> {
    /// Health of each account, when the table has the scorecard's measures.
    pub health: Option<BatchScores>,
    /// The risk inputs found or derived.
    pub inputs: RiskInputs<'a>,
    /// The risk of each account.
    pub risk: RiskStep,
    /// The playbook signals.
    pub signals: Signals,
    /// The new calls to action, in row order then rule order.
    pub ctas: Vec<Cta>,
    /// Where each row's calls to action are: row `i`'s are `ctas[cta_offsets[i]..cta_offsets[i + 1]]`.
    pub cta_offsets: Vec<usize>,
}

/// The configuration of the portfolio pipeline: the documents each step applies.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// The health scorecard (also gives the band names of band columns).
    pub scorecard: Scorecard,
    /// The renewal risk model.
    pub model: RiskModel,
    /// The playbook.
    pub playbook: Playbook,
    /// Renewal windows (notice deadlines).
    pub windows: RenewalWindows,
    /// When an account signals room to expand.
    pub expansion: ExpansionCriteria,
    /// Missing risk inputs: drop the factor or fail.
    pub missing_inputs: MissingInputs,
}

impl Default for Pipeline {
    /// The built-in documents: [`Scorecard::default_card`], [`RiskModel::default`],
    /// [`Playbook::builtin`], the default windows and expansion criteria, and the default
    /// handling of missing risk inputs ([`MissingInputs::Drop`]).
    fn default() -> Self {
        Pipeline {
            scorecard: Scorecard::default_card(),
            model: RiskModel::default(),
            playbook: Playbook::builtin(),
            windows: RenewalWindows::default(),
            expansion: ExpansionCriteria::default(),
            missing_inputs: MissingInputs::default(),
        }
    }
}

/// Columns the playbook reads directly, with their kinds.
const SIGNAL_COLUMNS: [(&str, Kind, &str); 9] = [
    (
        "previous_health_band",
        Kind::Label,
        "health band at the previous scoring (name or index)",
    ),
    ("renewal_date", Kind::Date, "renewal date"),
    (
        "auto_renew",
        Kind::Flag,
        "whether the contract renews automatically",
    ),
    (
        "notice_days",
        Kind::Integer,
        "notice period of an auto-renewing contract, days",
    ),
    ("notice_deadline", Kind::Date, "last day to give notice"),
    ("internal_review_done", Kind::Flag, "internal renewal review held"),
    ("next_success_review_due", Kind::Date, "next success review due"),
    (
        "risk_tier",
        Kind::Label,
        "renewal risk tier (low, medium, high, critical)",
    ),
    (
        "expansion_signal",
        Kind::Flag,
        "the account signals room to expand",
    ),
];

/// Raw columns the risk inputs are derived from, and account attributes.
const RAW_COLUMNS: [(&str, Kind, &str); 6] = [
    (
        "arr",
        Kind::Integer,
        "annual recurring revenue, integer minor units",
    ),
    (
        "previous_arr",
        Kind::Integer,
        "ARR of the previous term, integer minor units",
    ),
    ("segment", Kind::Label, "customer segment"),
    ("nps", Kind::Number, "latest NPS answer, 0-10"),
    ("licence_utilisation", Kind::Number, "licences used / entitled"),
    (
        "high_priority_tickets",
        Kind::Number,
        "open high-priority support cases",
    ),
];

impl Pipeline {
    /// Every column the pipeline reads, with its kind and meaning, measures first.
    pub fn input_columns(&self) -> Vec<ColumnSpec> {
        let mut out: Vec<ColumnSpec> = Vec::new();
        let mut push = |name: &str, kind: Kind, doc: String| {
            if !out.iter().any(|c| c.name == name) {
                out.push(ColumnSpec {
                    name: name.to_owned(),
                    kind,
                    doc,
                });
            }
        };
        push("account_id", Kind::Label, "account id (text, not blank)".into());
        for m in self.scorecard.all_measures() {
            let kind = match m.rule.value_kind() {
                ValueKind::Number => Kind::Number,
                ValueKind::Bool => Kind::Flag,
                ValueKind::Category => Kind::Label,
            };
            push(
                &m.name,
                kind,
                format!("health measure of scorecard \"{}\"", self.scorecard.name),
            );
            push(
                &m.date_column_name(),
                Kind::Date,
                format!("when {} was observed", m.name),
            );
        }
        for name in inputs::ALL {
            let kind = match name {
                inputs::NPS_CATEGORY | inputs::HEALTH_BAND => Kind::Label,
                inputs::FIRST_IMPACT_REACHED
                | inputs::TTFI_PAST_TARGET
                | inputs::PLAN_REVIEWED
                | inputs::CONTACT_CONFIRMED => Kind::Flag,
                _ => Kind::Number,
            };
            push(name, kind, "risk model input".into());
        }
        for input in self.extra_inputs() {
            push(
                &input,
                Kind::Number,
                format!("input of risk model \"{}\"", self.model.name),
            );
        }
        for (name, kind, doc) in RAW_COLUMNS.iter().chain(SIGNAL_COLUMNS.iter()) {
            push(name, *kind, (*doc).to_owned());
        }
        out
    }

    /// The inputs of the model's factors that are not standard inputs ([`inputs::ALL`]).
    fn extra_inputs(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for f in &self.model.factors {
            if !inputs::ALL.contains(&f.input.as_str()) && !out.contains(&f.input) {
                out.push(f.input.clone());
            }
        }
        out
    }

    /// The kind the pipeline reads column `name` as, when it reads it.
    pub fn kind_of(&self, name: &str) -> Option<Kind> {
        self.input_columns()
            .into_iter()
            .find(|c| c.name == name)
            .map(|c| c.kind)
    }

    /// Health of every account from the scorecard's measure columns; `None` when the table
    /// lacks one of them (or gives `health_score` itself).
    pub fn health(&self, table: &AccountTable<'_>, as_of: NaiveDate) -> Result<Option<BatchScores>> {
        if table.has(inputs::HEALTH_SCORE) || !has_measures(&self.scorecard, table) {
            return Ok(None);
        }
        health_step::score_health(&self.scorecard, table, as_of).map(Some)
    }

    /// [`Error::Missing`] naming `as_of` when `table` has columns that are read relative to
    /// the evaluation date and no date is given: `renewal_date` without `days_to_renewal`, or
    /// the scorecard's measures without `health_score`. Front ends that take an optional date
    /// call this, so an input is never silently unknown for want of a date.
    pub fn require_as_of(&self, table: &AccountTable<'_>, as_of: Option<NaiveDate>) -> Result<()> {
        if as_of.is_some() {
            return Ok(());
        }
        if table.has("renewal_date") && !table.has(inputs::DAYS_TO_RENEWAL) {
            return Err(Error::missing(
                "as_of (needed to derive days_to_renewal from renewal_date)",
            ));
        }
        if !table.has(inputs::HEALTH_SCORE) && has_measures(&self.scorecard, table) {
            return Err(Error::missing(
                "as_of (needed to score health from the scorecard's measure columns)",
            ));
        }
        Ok(())
    }

    /// The risk inputs the table has or implies (see the module docs for the derivations).
    /// Without `as_of`, `days_to_renewal` is not derived from `renewal_date` (a history of
    /// renewals has no single evaluation date); see [`Pipeline::require_as_of`].
    pub fn risk_inputs<'a>(
        &self,
        table: &AccountTable<'a>,
        health: Option<&BatchScores>,
        as_of: Option<NaiveDate>,
    ) -> Result<RiskInputs<'a>> {
        risk_inputs::derive(table, &self.scorecard, health, as_of, &self.extra_inputs())
    }

    /// Health (when `as_of` is given and the table has the measures) and then the risk inputs:
    /// the first two steps every risk front end takes, in one place.
    pub fn health_and_inputs<'a>(
        &self,
        table: &AccountTable<'a>,
        as_of: Option<NaiveDate>,
    ) -> Result<(Option<BatchScores>, RiskInputs<'a>)> {
        let health = match as_of {
            Some(d) => self.health(table, d)?,
            None => None,
        };
        let inputs = self.risk_inputs(table, health.as_ref(), as_of)?;
        Ok((health, inputs))
    }

    /// Scores the risk of every account; a factor without input is dropped or an error, as
    /// `missing_inputs` says. With `arr` (minor units), the expected loss ARR × risk.
    pub fn risk(
        &self,
        inputs: &RiskInputs<'_>,
        arr: Option<crate::portfolio::Column<'_, i64>>,
    ) -> Result<RiskStep> {
        let table = inputs.table()?;
        let (model, dropped) = self.missing_inputs.model_for(&self.model, &table);
        let scores = model.score(&table)?;
        let expected_loss = arr
            .map(|a| {
                a.expect_len(scores.len())?;
                Ok::<_, Error>(
                    (0..a.len())
                        .map(|i| a.get(i).map(|v| v as f64 * scores.risk[i]))
                        .collect(),
                )
            })
            .transpose()?;
        Ok(RiskStep {
            model,
            dropped,
            scores,
            expected_loss,
        })
    }

    /// The playbook signals of every account, from the table's own signal columns or derived
    /// from the risk inputs and scores.
    pub fn signals(
        &self,
        table: &AccountTable<'_>,
        inputs: &RiskInputs<'_>,
        risk: Option<&RiskScores>,
        as_of: NaiveDate,
    ) -> Result<Signals> {
        signals::derive(
            table,
            &signals::SignalSources {
                card: &self.scorecard,
                inputs,
                risk,
                windows: &self.windows,
                expansion: &self.expansion,
                as_of,
            },
        )
    }

    /// The new calls to action for the accounts `account_id` with `signals`, skipping
    /// (account, trigger) pairs in `open`.
    pub fn ctas(
        &self,
        account_id: &[String],
        signals: &Signals,
        as_of: NaiveDate,
        open: &[OpenCta],
    ) -> Result<Vec<Cta>> {
        self.playbook.evaluate(&signals.state(account_id), as_of, open)
    }

    /// The whole chain: health -> risk inputs -> risk -> signals -> CTAs.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use cs_core::pipeline::{AccountTable, Cells, MissingInputs, Pipeline};
    /// use cs_core::portfolio::Column;
    /// let ids = vec!["acme".to_owned(), "globex".to_owned()];
    /// let nps = [3.0, 10.0];
    /// let renewal = [20_700i32, 20_700]; // 2026-09-04
    /// let table = AccountTable::new(&ids)?
    ///     .with("nps", Cells::Number(Column::new("nps", &nps)))?
    ///     .with("renewal_date", Cells::Date(Column::new("renewal_date", &renewal)))?;
    /// let pipeline = Pipeline { missing_inputs: MissingInputs::Drop, ..Pipeline::default() };
    /// let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    /// let out = pipeline.run(&table, as_of, &[])?;
    /// // The 0-10 answer became the NPS category, the renewal date days to renewal.
    /// assert_eq!(out.inputs.get("nps_category").unwrap().get(0), Some(0.0));
    /// assert_eq!(out.inputs.get("days_to_renewal").unwrap().get(0), Some(66.0));
    /// assert!(out.risk.scores.risk[0] > out.risk.scores.risk[1]);
    /// assert!(out.ctas.iter().any(|c| c.account_id == "acme" && &*c.rule_id == "detractor_follow_up"));
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn run<'a>(
        &self,
        table: &AccountTable<'a>,
        as_of: NaiveDate,
        open: &[OpenCta],
    ) -> Result<PipelineResult<'a>> {
        let (health, inputs) = self.health_and_inputs(table, Some(as_of))?;
        let risk = self.risk(&inputs, table.integer("arr")?)?;
        let signals = self.signals(table, &inputs, Some(&risk.scores), as_of)?;
        let state = signals.state(table.account_id()?);
        let (ctas, cta_offsets) = self.playbook.evaluate_rows(&state, as_of, open)?;
        Ok(PipelineResult {
            health,
            inputs,
            risk,
            signals,
            ctas,
            cta_offsets,
        })
    }
}
