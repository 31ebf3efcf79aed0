//! `cs risk`, `cs retention` and `cs ctas`: renewal risk of a portfolio, revenue retention
//! between two snapshots, and playbook calls to action.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use chrono::NaiveDate;
use clap::Args;
use cs_core::document::Document;
use cs_core::health::{MeasureColumn, Scorecard, ValueKind, epoch_days};
use cs_core::nps::Category;
use cs_core::playbook::{OpenCta, Playbook, PortfolioState};
use cs_core::portfolio::{Column, Validity};
use cs_core::renewal::{RenewalWindows, RiskModel, RiskScores, RiskTable, RiskTier, inputs};
use cs_core::revenue::{ArrAtRisk, ExpansionCriteria, Snapshot, arr_at_risk, revenue_retention};
use cs_core::sample::SyntheticPortfolio;
use serde_json::{Value, json};

use crate::csv_input::CsvTable;
use crate::report::TextTable;

/// Where `cs risk` looks for a portfolio when no file is given.
const PORTFOLIO_CSV: &str = "examples/data/portfolio.csv";
/// Size, seed and date of the synthetic portfolio used when that file is absent.
const SYNTHETIC: (usize, u64, (i32, u32, u32)) = (1_000, 42, (2026, 6, 30));

#[derive(Args)]
pub(crate) struct RiskArgs {
    /// Portfolio CSV (one row per account); examples/data/portfolio.csv when omitted, or a
    /// seeded synthetic portfolio of 1000 accounts if that file is absent.
    file: Option<String>,
    /// Risk model document (JSON, or TOML by extension); the built-in model when omitted.
    #[arg(long)]
    model: Option<String>,
    /// The date to score as of (YYYY-MM-DD); today for a file, the synthetic portfolio's date
    /// otherwise.
    #[arg(long)]
    as_of: Option<String>,
    /// Accounts to list, by expected ARR loss.
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// Print JSON (every account) instead of tables.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub(crate) struct RetentionArgs {
    /// Snapshot CSV at the start of the period (account id and ARR per row).
    start: String,
    /// Snapshot CSV at the end of the period.
    end: String,
    /// Break down by this column of the start snapshot (e.g. segment).
    #[arg(long)]
    by: Option<String>,
    /// Column of account ids.
    #[arg(long, default_value = "account_id")]
    id: String,
    /// Column of ARR in integer minor units.
    #[arg(long, default_value = "arr")]
    arr: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub(crate) struct CtasArgs {
    /// Portfolio CSV: `account_id` plus any signal columns named as in the playbook's
    /// `AccountSignals` (`renewal_date`, `contact_confirmed`, `health_band`, `risk_tier`, ...).
    file: String,
    /// The evaluation date (YYYY-MM-DD).
    #[arg(long)]
    as_of: String,
    /// Playbook document (TOML, or JSON by extension); the built-in playbook when omitted.
    #[arg(long)]
    playbook: Option<String>,
    /// JSON list of CTAs still open (objects with `account_id` and `trigger`, e.g. an earlier
    /// `cs ctas --json`): no second CTA opens for the same account and trigger.
    #[arg(long)]
    open: Option<String>,
    /// Risk model used when the file has no `risk_tier` column.
    #[arg(long)]
    model: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn date(text: &str, what: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{what}: {text:?} is not a date (YYYY-MM-DD)"))
}

fn today() -> NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(days)))
        .unwrap_or_default()
}

fn is_toml(path: &str) -> bool {
    Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

fn read_document<T: Document>(path: &str) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let parsed = if is_toml(path) {
        T::from_toml(&text)
    } else {
        T::from_json(&text)
    };
    parsed.map_err(|e| format!("{path}: {e}"))
}

fn flag(cell: &str) -> Result<Option<bool>, String> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "true" | "yes" | "y" | "1" => Ok(Some(true)),
        "false" | "no" | "n" | "0" => Ok(Some(false)),
        other => Err(format!("{other:?} is not a flag (true/false, yes/no, 1/0)")),
    }
}

fn number(cell: &str) -> Result<Option<f64>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    if let Ok(Some(b)) = flag(cell) {
        return Ok(Some(if b { 1.0 } else { 0.0 }));
    }
    cell.parse::<f64>()
        .map(Some)
        .map_err(|_| format!("{cell:?} is not a number"))
}

fn optional_date(cell: &str) -> Result<Option<NaiveDate>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(cell, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("{cell:?} is not a date (YYYY-MM-DD)"))
}

fn has(table: &CsvTable, name: &str) -> bool {
    table.column(name).is_ok()
}

/// Values with an Arrow-layout validity bitmap, ready to borrow as a [`Column`].
type Nullable<T> = (Vec<T>, Vec<u8>);

/// Health scores and band indices (NaN where undetermined).
type Health = (Vec<f64>, Vec<f64>);

/// Values and validity of optional values (the default under a null).
fn nullable<T: Copy + Default>(v: Vec<Option<T>>) -> Nullable<T> {
    let present: Vec<bool> = v.iter().map(Option::is_some).collect();
    (
        v.into_iter().map(Option::unwrap_or_default).collect(),
        bitmap(&present),
    )
}

/// Borrows a nullable column.
fn nullable_column<'a, T: Copy>(
    name: &'a str,
    o: Option<&'a Nullable<T>>,
) -> Result<Option<Column<'a, T>>, String> {
    o.map(|(v, bits)| {
        Column::new(name, v)
            .with_validity(Validity::new(bits, 0, v.len()).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())
    })
    .transpose()
}

/// The text of column `name`, or the error naming the columns there are.
fn required_text(table: &CsvTable, name: &str) -> Result<Vec<String>, String> {
    let c = table.column(name)?;
    Ok((0..table.len()).map(|r| table.cell(r, c).to_owned()).collect())
}

enum MeasureValues {
    Number(Vec<f64>),
    Bool(Vec<bool>),
}

struct OwnedMeasure {
    name: String,
    data: MeasureValues,
    valid: Vec<u8>,
    observed: Option<Nullable<i32>>,
}

/// A validity bitmap (Arrow layout) of `present`.
fn bitmap(present: &[bool]) -> Vec<u8> {
    let mut bits = vec![0u8; present.len().div_ceil(8)];
    for (i, p) in present.iter().enumerate() {
        if *p {
            bits[i / 8] |= 1 << (i % 8);
        }
    }
    bits
}

/// Health score and band index from the built-in scorecard, when the file has every one of its
/// measure columns (as the synthetic portfolio does); NaN where the score is undetermined.
fn default_health(table: &CsvTable, as_of: NaiveDate) -> Result<Option<Health>, String> {
    let card = Scorecard::default_card();
    let measures: Vec<_> = card
        .measures
        .iter()
        .chain(card.groups.iter().flat_map(|g| &g.measures))
        .collect();
    if !measures.iter().all(|m| has(table, &m.name)) {
        return Ok(None);
    }
    let mut owned = Vec::new();
    for m in &measures {
        let (data, present) = if m.rule.value_kind() == ValueKind::Bool {
            let v = table.parse_column(&m.name, flag)?;
            let present: Vec<bool> = v.iter().map(Option::is_some).collect();
            (
                MeasureValues::Bool(v.into_iter().map(|b| b.unwrap_or(false)).collect()),
                present,
            )
        } else {
            let v = table.parse_column(&m.name, number)?;
            let present: Vec<bool> = v.iter().map(Option::is_some).collect();
            (
                MeasureValues::Number(v.into_iter().map(|x| x.unwrap_or(0.0)).collect()),
                present,
            )
        };
        let date_col = m.date_column_name();
        let observed = if has(table, &date_col) {
            let d = table.parse_column(&date_col, optional_date)?;
            let present: Vec<bool> = d.iter().map(Option::is_some).collect();
            Some((
                d.into_iter().map(|d| d.map_or(0, epoch_days)).collect(),
                bitmap(&present),
            ))
        } else {
            None
        };
        owned.push(OwnedMeasure {
            name: m.name.clone(),
            data,
            valid: bitmap(&present),
            observed,
        });
    }
    let n = table.len();
    let err = |e: cs_core::Error| format!("{}: health: {e}", table.source);
    let mut columns = Vec::new();
    for o in &owned {
        let validity = Validity::new(&o.valid, 0, n).map_err(err)?;
        let mut col = match &o.data {
            MeasureValues::Number(v) => MeasureColumn::number(
                &o.name,
                Column::new(&o.name, v).with_validity(validity).map_err(err)?,
            ),
            MeasureValues::Bool(v) => MeasureColumn::boolean(
                &o.name,
                Column::new(&o.name, v).with_validity(validity).map_err(err)?,
            ),
        };
        if let Some((dates, valid)) = &o.observed {
            let v = Validity::new(valid, 0, n).map_err(err)?;
            col = col.with_observed(Column::new(&o.name, dates).with_validity(v).map_err(err)?);
        }
        columns.push(col);
    }
    let scores = card.score_batch(&columns, as_of).map_err(err)?;
    let score = scores.score.iter().map(|s| s.unwrap_or(f64::NAN)).collect();
    let band = scores
        .band
        .iter()
        .map(|b| b.map_or(f64::NAN, f64::from))
        .collect();
    Ok(Some((score, band)))
}

/// Risk inputs read from a portfolio CSV: each standard input from its own column or from the
/// columns it can be derived from, with a note of where it came from.
struct Inputs {
    columns: Vec<(&'static str, Vec<f64>)>,
    sources: Vec<(&'static str, String)>,
}

impl Inputs {
    fn read(table: &CsvTable, as_of: NaiveDate) -> Result<Inputs, String> {
        let mut columns = Vec::new();
        let mut sources = Vec::new();
        let nums = |name: &str| -> Result<Vec<f64>, String> {
            Ok(table
                .parse_column(name, number)?
                .into_iter()
                .map(|v| v.unwrap_or(f64::NAN))
                .collect())
        };
        let health = if has(table, inputs::HEALTH_SCORE) {
            None
        } else {
            default_health(table, as_of)?
        };
        for name in inputs::ALL {
            let derived: Option<(Vec<f64>, String)> = if has(table, name) {
                let values = if name == inputs::NPS_CATEGORY {
                    table.parse_column(name, |cell| -> Result<f64, String> {
                        if cell.is_empty() {
                            return Ok(f64::NAN);
                        }
                        match cell.parse::<f64>() {
                            Ok(v) => Ok(v),
                            Err(_) => Category::parse(cell)
                                .map(|c| c.index() as f64)
                                .map_err(|e| e.to_string()),
                        }
                    })?
                } else {
                    nums(name)?
                };
                Some((values, name.to_owned()))
            } else {
                match name {
                    inputs::HEALTH_SCORE => health
                        .as_ref()
                        .map(|(s, _)| (s.clone(), "the built-in health scorecard".to_owned())),
                    inputs::HEALTH_BAND if !has(table, inputs::HEALTH_SCORE) => health
                        .as_ref()
                        .map(|(_, b)| (b.clone(), "the built-in health scorecard".to_owned())),
                    inputs::UTILISATION if has(table, "licence_utilisation") => {
                        Some((nums("licence_utilisation")?, "licence_utilisation".to_owned()))
                    }
                    inputs::OPEN_HIGH_PRIORITY_CASES if has(table, "high_priority_tickets") => {
                        Some((nums("high_priority_tickets")?, "high_priority_tickets".to_owned()))
                    }
                    inputs::NPS_CATEGORY if has(table, "nps") => {
                        let v = table.parse_column("nps", |cell| -> Result<f64, String> {
                            match number(cell)? {
                                None => Ok(f64::NAN),
                                Some(x) if (0.0..=10.0).contains(&x) && x.fract() == 0.0 => {
                                    Ok(Category::of(x as u8).index() as f64)
                                }
                                Some(x) => Err(format!("nps score {x} is outside 0..=10")),
                            }
                        })?;
                        Some((v, "nps (0-10 answer)".to_owned()))
                    }
                    inputs::DAYS_TO_RENEWAL if has(table, "renewal_date") => {
                        let v = table.parse_column("renewal_date", optional_date)?;
                        let days = v
                            .iter()
                            .map(|d| d.map_or(f64::NAN, |d| (d - as_of).num_days() as f64))
                            .collect();
                        Some((days, format!("renewal_date as of {as_of}")))
                    }
                    inputs::ARR_CHANGE if has(table, "previous_arr") && has(table, "arr") => {
                        let now = nums("arr")?;
                        let before = nums("previous_arr")?;
                        let change = now
                            .iter()
                            .zip(&before)
                            .map(|(a, b)| if *b > 0.0 { a / b - 1.0 } else { f64::NAN })
                            .collect();
                        Some((change, "arr / previous_arr - 1".to_owned()))
                    }
                    _ => None,
                }
            };
            if let Some((values, source)) = derived {
                columns.push((name, values));
                sources.push((name, source));
            }
        }
        Ok(Inputs { columns, sources })
    }

    fn table(&self, rows: usize) -> Result<RiskTable<'_>, String> {
        let mut t = RiskTable::new(rows);
        for (name, values) in &self.columns {
            t = t.with(Column::new(name, values)).map_err(|e| e.to_string())?;
        }
        Ok(t)
    }
}

struct Portfolio {
    table: CsvTable,
    default_as_of: NaiveDate,
}

fn load_portfolio(file: Option<&str>) -> Result<Portfolio, String> {
    if let Some(path) = file {
        return Ok(Portfolio {
            table: CsvTable::read(Some(path), ("", ""))?,
            default_as_of: today(),
        });
    }
    let (n, seed, (y, m, d)) = SYNTHETIC;
    let as_of = NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    if Path::new(PORTFOLIO_CSV).exists() {
        return Ok(Portfolio {
            table: CsvTable::read(Some(PORTFOLIO_CSV), ("", ""))?,
            default_as_of: as_of,
        });
    }
    let mut text = Vec::new();
    SyntheticPortfolio::generate(n, seed, as_of)
        .write_csv(&mut text)
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8(text).map_err(|e| e.to_string())?;
    let name = format!("a synthetic portfolio (seed {seed})");
    Ok(Portfolio {
        table: CsvTable::read(None, (&name, &text))?,
        default_as_of: as_of,
    })
}

/// Minor units as whole major units with thousands separators.
fn money(minor: f64) -> String {
    let major = (minor / 100.0).round() as i64;
    let digits = major.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if major < 0 { format!("-{out}") } else { out }
}

/// Scores of a portfolio with the model restricted to the inputs found.
struct Scored {
    model: RiskModel,
    dropped: Vec<String>,
    scores: RiskScores,
    sources: Vec<(&'static str, String)>,
}

fn score(table: &CsvTable, model: &RiskModel, as_of: NaiveDate) -> Result<Scored, String> {
    let inputs = Inputs::read(table, as_of)?;
    let risk_table = inputs.table(table.len())?;
    let (model, dropped) = model.restricted_to(&risk_table);
    let scores = model
        .score(&risk_table)
        .map_err(|e| format!("{}: {e}", table.source))?;
    Ok(Scored {
        model,
        dropped,
        scores,
        sources: inputs.sources,
    })
}

fn text_column(table: &CsvTable, name: &str) -> Option<Vec<String>> {
    let c = table.column(name).ok()?;
    Some((0..table.len()).map(|r| table.cell(r, c).to_owned()).collect())
}

fn group_json<K: serde::Serialize>(key: &str, groups: &[cs_core::revenue::ArrGroup<K>]) -> Vec<Value> {
    groups
        .iter()
        .map(|g| json!({key: g.key, "accounts": g.accounts, "arr": g.arr, "expected_loss": g.expected_loss}))
        .collect()
}

fn summary_json(s: &ArrAtRisk) -> Value {
    let months: Vec<Value> = s
        .by_renewal_month
        .iter()
        .map(|g| {
            json!({"month": g.key.map(|p| p.to_string()), "accounts": g.accounts, "arr": g.arr,
                "expected_loss": g.expected_loss})
        })
        .collect();
    json!({
        "accounts": s.accounts,
        "arr": s.arr,
        "expected_loss": s.expected_loss,
        "by_tier": group_json("tier", &s.by_tier),
        "by_renewal_month": months,
        "by_segment": group_json("segment", &s.by_segment),
    })
}

pub(crate) fn run_risk(args: &RiskArgs) -> Result<String, String> {
    let model = match &args.model {
        Some(p) => read_document::<RiskModel>(p)?,
        None => RiskModel::default(),
    };
    let portfolio = load_portfolio(args.file.as_deref())?;
    let table = &portfolio.table;
    let as_of = match &args.as_of {
        Some(d) => date(d, "--as-of")?,
        None => portfolio.default_as_of,
    };
    let s = score(table, &model, as_of)?;
    let ids = required_text(table, "account_id")?;
    let arr: Vec<i64> = table.parse_column("arr", |cell| {
        cell.parse::<i64>()
            .map_err(|_| format!("{cell:?} is not a whole number of minor units"))
    })?;
    let renewal: Option<Vec<Option<NaiveDate>>> = if has(table, "renewal_date") {
        Some(table.parse_column("renewal_date", optional_date)?)
    } else {
        None
    };
    let segments = text_column(table, "segment");
    let dates_owned: Option<(Vec<NaiveDate>, Vec<u8>)> = renewal.as_ref().map(|r| {
        let present: Vec<bool> = r.iter().map(Option::is_some).collect();
        (
            r.iter().map(|d| d.unwrap_or_default()).collect(),
            bitmap(&present),
        )
    });
    let date_col = match &dates_owned {
        Some((d, valid)) => Some(
            Column::new("renewal_date", d)
                .with_validity(Validity::new(valid, 0, d.len()).map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    let summary = arr_at_risk(
        Column::new("arr", &arr),
        &s.scores.risk,
        &s.scores.tier,
        date_col,
        segments.as_deref(),
    )
    .map_err(|e| format!("{}: {e}", table.source))?;
    let loss: Vec<f64> = arr
        .iter()
        .zip(&s.scores.risk)
        .map(|(a, r)| *a as f64 * r)
        .collect();
    let mut order: Vec<usize> = (0..table.len()).collect();
    order.sort_by(|&a, &b| loss[b].total_cmp(&loss[a]).then(a.cmp(&b)));

    if args.json {
        let accounts: Vec<Value> = order
            .iter()
            .map(|&i| {
                json!({
                    "account_id": ids[i],
                    "segment": segments.as_ref().map(|s| s[i].clone()),
                    "arr": arr[i],
                    "renewal_date": renewal.as_ref().and_then(|r| r[i]),
                    "risk": s.scores.risk[i],
                    "tier": s.scores.tier[i],
                    "expected_loss": loss[i],
                    "reasons": s.scores.reasons(i),
                })
            })
            .collect();
        let inputs: BTreeMap<&str, &str> = s.sources.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let doc = json!({
            "source": table.source,
            "as_of": as_of,
            "model": s.model.name,
            "inputs": inputs,
            "dropped_factors": s.dropped,
            "summary": summary_json(&summary),
            "accounts": accounts,
        });
        return serde_json::to_string_pretty(&doc)
            .map(|t| t + "\n")
            .map_err(|e| e.to_string());
    }

    let mut out = format!(
        "Renewal risk of {} ({} accounts) as of {as_of}, model \"{}\"\n\n",
        table.source,
        table.len(),
        s.model.name
    );
    let mut top = TextTable::new([
        "account",
        "segment",
        "ARR",
        "renewal",
        "days",
        "risk",
        "tier",
        "exp. loss",
        "reasons",
    ]);
    for &i in order.iter().take(args.top) {
        let reasons: Vec<String> = s.scores.reasons(i).into_iter().map(|r| r.factor).collect();
        let date = renewal.as_ref().and_then(|r| r[i]);
        top.push(vec![
            ids[i].clone(),
            segments.as_ref().map_or_else(String::new, |s| s[i].clone()),
            money(arr[i] as f64),
            date.map_or_else(String::new, |d| d.to_string()),
            date.map_or_else(String::new, |d| (d - as_of).num_days().to_string()),
            format!("{:.1}%", 100.0 * s.scores.risk[i]),
            s.scores.tier[i].to_string(),
            money(loss[i]),
            reasons.join(", "),
        ]);
    }
    let _ = writeln!(
        out,
        "Top {} accounts by expected ARR loss (ARR x risk):",
        args.top.min(table.len())
    );
    out += &top.render();

    let mut tiers = TextTable::new(["tier", "accounts", "ARR", "expected loss"]);
    for g in &summary.by_tier {
        tiers.push(vec![
            g.key.to_string(),
            g.accounts.to_string(),
            money(g.arr as f64),
            money(g.expected_loss),
        ]);
    }
    tiers.push(vec![
        "all".into(),
        summary.accounts.to_string(),
        money(summary.arr as f64),
        money(summary.expected_loss),
    ]);
    out += "\nARR at risk by tier:\n";
    out += &tiers.render();
    if !summary.by_renewal_month.is_empty() {
        let mut months = TextTable::new(["renewal month", "accounts", "ARR", "expected loss"]);
        for g in summary.by_renewal_month.iter().take(12) {
            months.push(vec![
                g.key.map_or_else(|| "none".to_owned(), |p| p.to_string()),
                g.accounts.to_string(),
                money(g.arr as f64),
                money(g.expected_loss),
            ]);
        }
        out += "\nARR at risk by renewal month (first 12):\n";
        out += &months.render();
    }
    out += "\nInputs: ";
    out += &s
        .sources
        .iter()
        .map(|(k, v)| {
            if k == v {
                (*k).to_owned()
            } else {
                format!("{k} <- {v}")
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    out += "\n";
    if !s.dropped.is_empty() {
        let _ = writeln!(
            out,
            "Dropped factors (no input column; they count as typical): {}",
            s.dropped.join(", ")
        );
    }
    out += "Money in major units; tiers: medium >= ";
    let t = s.model.tiers;
    let _ = writeln!(
        out,
        "{}, high >= {}, critical >= {}.",
        t.medium, t.high, t.critical
    );
    Ok(out)
}

fn snapshot(path: &str, args: &RetentionArgs, segment_required: bool) -> Result<Snapshot, String> {
    let table = CsvTable::read(Some(path), ("", ""))?;
    let ids = required_text(&table, &args.id)?;
    let arr: Vec<i64> = table.parse_column(&args.arr, |cell| {
        cell.parse::<i64>()
            .map_err(|_| format!("{cell:?} is not a whole number of minor units"))
    })?;
    let segments = match &args.by {
        Some(b) if segment_required => Some(required_text(&table, b)?),
        Some(b) => text_column(&table, b),
        None => None,
    };
    Snapshot::new(&ids, Column::new(&args.arr, &arr), segments.as_deref()).map_err(|e| {
        let line = match &e {
            cs_core::Error::OutOfRange {
                position: Some(p), ..
            }
            | cs_core::Error::Invalid {
                position: Some(p), ..
            }
            | cs_core::Error::Missing {
                position: Some(p), ..
            } => format!(" (data row {})", p + 1),
            _ => String::new(),
        };
        format!("{path}: {e}{line}")
    })
}

pub(crate) fn run_retention(args: &RetentionArgs) -> Result<String, String> {
    let start = snapshot(&args.start, args, true)?;
    let end = snapshot(&args.end, args, false)?;
    let r = revenue_retention(&start, &end).map_err(|e| e.to_string())?;
    if args.json {
        return serde_json::to_string_pretty(&r)
            .map(|t| t + "\n")
            .map_err(|e| e.to_string());
    }
    let pct = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{:.1}%", 100.0 * v));
    let label = args.by.clone().unwrap_or_else(|| "cohort".into());
    let mut t = TextTable::new([
        label.as_str(),
        "accounts",
        "start ARR",
        "end ARR",
        "GRR",
        "NRR",
        "logo churn",
        "expansion",
        "contraction",
        "churned ARR",
        "new",
    ]);
    let mut push = |name: String, s: &cs_core::revenue::RetentionSummary| {
        t.push(vec![
            name,
            s.start_accounts.to_string(),
            money(s.start_arr as f64),
            money(s.end_arr as f64),
            pct(s.grr),
            pct(s.nrr),
            pct(s.logo_churn),
            money(s.expansion_arr as f64),
            money(s.contraction_arr as f64),
            money(s.churned_arr as f64),
            s.new_accounts.to_string(),
        ]);
    };
    if args.by.is_some() {
        for (k, s) in &r.by_segment {
            push(k.clone().unwrap_or_else(|| "(none)".into()), s);
        }
    }
    push("all".into(), &r.overall);
    let mut out = format!(
        "Revenue retention from {} to {} ({} starting accounts)\n\n",
        args.start, args.end, r.overall.start_accounts
    );
    out += &t.render();
    out += "\nGRR = sum(min(end, start)) / sum(start); NRR = sum(end) / sum(start), both over the starting\n\
            accounts (new accounts excluded, shown under \"new\"). Money in major units.\n";
    Ok(out)
}

pub(crate) fn run_ctas(args: &CtasArgs) -> Result<String, String> {
    let as_of = date(&args.as_of, "--as-of")?;
    let playbook = match &args.playbook {
        Some(p) => read_document::<Playbook>(p)?,
        None => Playbook::builtin(),
    };
    let open: Vec<OpenCta> = match &args.open {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}"))?;
            serde_json::from_str(&text).map_err(|e| format!("{p}: {e}"))?
        }
        None => Vec::new(),
    };
    let table = CsvTable::read(Some(&args.file), ("", ""))?;
    let ids = required_text(&table, "account_id")?;
    let n = table.len();

    let optional = |name: &str| has(&table, name).then_some(());
    let dates = |name: &str| -> Result<Option<Nullable<NaiveDate>>, String> {
        optional(name)
            .map(|()| Ok(nullable(table.parse_column(name, optional_date)?)))
            .transpose()
    };
    let flags = |name: &str| -> Result<Option<Nullable<bool>>, String> {
        optional(name)
            .map(|()| Ok(nullable(table.parse_column(name, flag)?)))
            .transpose()
    };
    let band_of = |cell: &str| -> Result<Option<u8>, String> {
        if cell.is_empty() {
            return Ok(None);
        }
        cell.parse::<u8>()
            .map(Some)
            .map_err(|_| format!("{cell:?} is not a band index (0 = red)"))
    };
    let renewal_date = dates("renewal_date")?;
    let review_due = dates("next_success_review_due")?;
    let review_done = flags("internal_review_done")?;
    let ttfi = flags("ttfi_past_target")?;
    let confirmed = flags("contact_confirmed")?;
    let previous_band = optional("previous_health_band")
        .map(|()| Ok::<_, String>(nullable(table.parse_column("previous_health_band", band_of)?)))
        .transpose()?;

    // Signals derived from the risk inputs (health, NPS, utilisation, ...) when the file has no
    // column of their own: risk tier from the model, expansion from the default criteria.
    let inputs = Inputs::read(&table, as_of)?;
    let risk_table = inputs.table(n)?;
    let input = |name: &str| inputs.columns.iter().find(|(k, _)| *k == name).map(|(_, v)| v);
    let health_score: Option<(Vec<f64>, Vec<u8>)> = input(inputs::HEALTH_SCORE)
        .map(|v| nullable(v.iter().map(|x| (!x.is_nan()).then_some(*x)).collect()));
    let health_band: Option<(Vec<u8>, Vec<u8>)> = input(inputs::HEALTH_BAND)
        .map(|v| nullable(v.iter().map(|x| (!x.is_nan()).then_some(*x as u8)).collect()));
    let nps: Option<(Vec<Category>, Vec<u8>)> = input(inputs::NPS_CATEGORY).map(|v| {
        let present: Vec<bool> = v.iter().map(|x| !x.is_nan()).collect();
        let cats = v
            .iter()
            .map(|x| {
                Category::ALL
                    .get(*x as usize)
                    .copied()
                    .unwrap_or(Category::Passive)
            })
            .collect();
        (cats, bitmap(&present))
    });
    let tier: Option<(Vec<RiskTier>, Vec<u8>)> = if has(&table, "risk_tier") {
        let v = table.parse_column("risk_tier", |cell| {
            if cell.is_empty() {
                Ok(None)
            } else {
                RiskTier::parse(cell).map(Some).map_err(|e| e.to_string())
            }
        })?;
        let present: Vec<bool> = v.iter().map(Option::is_some).collect();
        Some((
            v.into_iter().map(|t| t.unwrap_or(RiskTier::Low)).collect(),
            bitmap(&present),
        ))
    } else {
        let model = match &args.model {
            Some(p) => read_document::<RiskModel>(p)?,
            None => RiskModel::default(),
        };
        let (model, _) = model.restricted_to(&risk_table);
        let scores = model.score(&risk_table).map_err(|e| e.to_string())?;
        Some((scores.tier, bitmap(&vec![true; n])))
    };
    let expansion = if has(&table, "expansion_signal") {
        flags("expansion_signal")?
    } else {
        ExpansionCriteria::default()
            .signals(&risk_table)
            .ok()
            .map(|v| (v, bitmap(&vec![true; n])))
    };
    let notice: Option<(Vec<NaiveDate>, Vec<u8>)> = if has(&table, "notice_deadline") {
        dates("notice_deadline")?
    } else if let (Some((dates, bits)), true) = (&renewal_date, has(&table, "auto_renew")) {
        let auto = nullable(table.parse_column("auto_renew", flag)?);
        let days = if has(&table, "notice_days") {
            table.parse_column("notice_days", |cell| {
                if cell.is_empty() {
                    Ok(0)
                } else {
                    cell.parse::<u32>()
                        .map_err(|_| format!("{cell:?} is not a number of days"))
                }
            })?
        } else {
            vec![0; n]
        };
        let statuses = RenewalWindows::default()
            .statuses(
                Column::new("renewal_date", dates)
                    .with_validity(Validity::new(bits, 0, n).map_err(|e| e.to_string())?)
                    .map_err(|e| e.to_string())?,
                as_of,
                nullable_column("auto_renew", Some(&auto))?,
                Some(Column::new("notice_days", &days)),
                None,
            )
            .map_err(|e| format!("{}: {e}", table.source))?;
        Some(nullable(
            statuses
                .iter()
                .map(|s| s.and_then(|s| s.notice_deadline))
                .collect(),
        ))
    } else {
        None
    };

    let mut state = PortfolioState::new(&ids);
    state.health_score = nullable_column("health_score", health_score.as_ref())?;
    state.health_band = nullable_column("health_band", health_band.as_ref())?;
    state.previous_health_band = nullable_column("previous_health_band", previous_band.as_ref())?;
    state.nps_category = nullable_column("nps_category", nps.as_ref())?;
    state.renewal_date = nullable_column("renewal_date", renewal_date.as_ref())?;
    state.internal_review_done = nullable_column("internal_review_done", review_done.as_ref())?;
    state.next_success_review_due = nullable_column("next_success_review_due", review_due.as_ref())?;
    state.ttfi_past_target = nullable_column("ttfi_past_target", ttfi.as_ref())?;
    state.risk_tier = nullable_column("risk_tier", tier.as_ref())?;
    state.expansion_signal = nullable_column("expansion_signal", expansion.as_ref())?;
    state.contact_confirmed = nullable_column("contact_confirmed", confirmed.as_ref())?;
    state.notice_deadline = nullable_column("notice_deadline", notice.as_ref())?;
    let ctas = playbook
        .evaluate(&state, as_of, &open)
        .map_err(|e| format!("{}: {e}", table.source))?;
    if args.json {
        return serde_json::to_string_pretty(&ctas)
            .map(|t| t + "\n")
            .map_err(|e| e.to_string());
    }
    let mut t = TextTable::new(["due", "priority", "account", "rule", "owner", "evidence"]);
    for c in &ctas {
        t.push(vec![
            c.due.to_string(),
            c.priority.to_string(),
            c.account_id.clone(),
            c.rule_id.clone(),
            c.owner_role.clone(),
            c.evidence.clone(),
        ]);
    }
    let mut out = format!(
        "{} new calls to action for {} ({n} accounts) as of {as_of}, playbook \"{}\"",
        ctas.len(),
        table.source,
        playbook.name
    );
    if !open.is_empty() {
        let _ = write!(out, ", {} still open", open.len());
    }
    out += "\n\n";
    if !ctas.is_empty() {
        out += &t.render();
    }
    Ok(out)
}
