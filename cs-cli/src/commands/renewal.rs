//! `cs risk`, `cs retention` and `cs ctas`: renewal risk of a portfolio, revenue retention
//! between two snapshots, and playbook calls to action.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use chrono::NaiveDate;
use clap::Args;
use cs_core::document::Document;
use cs_core::pipeline::{MissingInputs, Pipeline};
use cs_core::playbook::{OpenCta, Playbook};
use cs_core::portfolio::Column;
use cs_core::renewal::RiskModel;
use cs_core::revenue::{ArrAtRisk, Snapshot, arr_at_risk, revenue_retention};
use cs_core::sample::SyntheticPortfolio;
use serde_json::{Value, json};

use crate::csv_input::CsvTable;
use crate::report::TextTable;
use crate::table_input::Loaded;

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

/// The required text column `name` of a snapshot, or the error naming the columns there are.
fn required_text(table: &CsvTable, name: &str) -> Result<Vec<String>, String> {
    let c = table.column(name)?;
    Ok((0..table.len()).map(|r| table.cell(r, c).to_owned()).collect())
}

fn text_column(table: &CsvTable, name: &str) -> Option<Vec<String>> {
    let c = table.column(name).ok()?;
    Some((0..table.len()).map(|r| table.cell(r, c).to_owned()).collect())
}

/// The portfolio of `cs risk`: a file, the bundled sample, or a seeded synthetic portfolio.
struct Portfolio {
    table: Loaded,
    default_as_of: NaiveDate,
}

fn load_portfolio(file: Option<&str>) -> Result<Portfolio, String> {
    if let Some(path) = file {
        return Ok(Portfolio {
            table: Loaded::read(path)?,
            default_as_of: today(),
        });
    }
    let (n, seed, (y, m, d)) = SYNTHETIC;
    let as_of = NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    if Path::new(PORTFOLIO_CSV).exists() {
        return Ok(Portfolio {
            table: Loaded::read(PORTFOLIO_CSV)?,
            default_as_of: as_of,
        });
    }
    let mut text = Vec::new();
    SyntheticPortfolio::generate(n, seed, as_of)
        .write_csv(&mut text)
        .map_err(|e| e.to_string())?;
    Ok(Portfolio {
        table: Loaded::csv_text(&format!("a synthetic portfolio (seed {seed})"), &text)?,
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

/// The columns the portfolio pipeline reads, for `--help`.
pub(crate) fn input_columns_help() -> String {
    let mut s = String::from(
        "Input columns (CSV or Parquet; any subset, an absent column is unknown; cells follow the\n\
         one cell grammar of the README, \"One definition\"):\n",
    );
    for c in Pipeline::default().input_columns() {
        let _ = writeln!(s, "  {:<26} {:<7} {}", c.name, c.kind.as_str(), c.doc);
    }
    s
}

fn risk_model(path: Option<&str>) -> Result<RiskModel, String> {
    match path {
        Some(p) => read_document::<RiskModel>(p),
        None => Ok(RiskModel::default()),
    }
}

pub(crate) fn run_risk(args: &RiskArgs) -> Result<String, String> {
    let pipeline = Pipeline {
        model: risk_model(args.model.as_deref())?,
        missing_inputs: MissingInputs::Drop,
        ..Pipeline::default()
    };
    let portfolio = load_portfolio(args.file.as_deref())?;
    let loaded = &portfolio.table;
    let as_of = match &args.as_of {
        Some(d) => date(d, "--as-of")?,
        None => portfolio.default_as_of,
    };
    let locate = |e: cs_core::Error| loaded.locate(e);
    let accounts = loaded.accounts(&pipeline)?;
    let table = accounts.table().map_err(locate)?;
    let ids = table.account_id().map_err(locate)?;
    let health = pipeline.health(&table, as_of).map_err(locate)?;
    let inputs = pipeline
        .risk_inputs(&table, health.as_ref(), Some(as_of))
        .map_err(locate)?;
    let arr = table
        .integer("arr")
        .map_err(locate)?
        .ok_or_else(|| locate(cs_core::Error::missing("column arr")))?;
    if let Some(i) = (0..arr.len()).find(|&i| arr.get(i).is_none()) {
        return Err(locate(cs_core::Error::missing("arr").at(i)));
    }
    let step = pipeline.risk(&inputs, Some(arr)).map_err(locate)?;
    let renewal = cs_core::pipeline::dates(&table, "renewal_date").map_err(locate)?;
    let segments: Option<Vec<&str>> = table
        .labels("segment")
        .map_err(locate)?
        .map(|s| s.into_iter().map(|s| s.unwrap_or("")).collect());
    let summary = arr_at_risk(
        arr,
        &step.scores.risk,
        &step.scores.tier,
        renewal.as_ref().map(|r| r.as_column("renewal_date")),
        segments.as_deref(),
    )
    .map_err(locate)?;
    let loss: Vec<f64> = step
        .expected_loss
        .as_ref()
        .map(|l| l.iter().map(|v| v.unwrap_or(0.0)).collect())
        .unwrap_or_default();
    let order = step.worst_first();
    let renewal_of = |i: usize| renewal.as_ref().and_then(|r| r.get(i));
    let segment_of = |i: usize| segments.as_ref().map(|s| s[i].to_owned());
    let sources: Vec<(String, String)> = inputs
        .sources()
        .iter()
        .map(|s| (s.input.clone(), s.source.clone()))
        .collect();

    if args.json {
        let rows: Vec<Value> = order
            .iter()
            .map(|&i| {
                json!({
                    "account_id": ids[i],
                    "segment": segment_of(i),
                    "arr": arr.get(i),
                    "renewal_date": renewal_of(i),
                    "risk": step.scores.risk[i],
                    "tier": step.scores.tier[i],
                    "expected_loss": loss[i],
                    "reasons": step.scores.reasons(i),
                })
            })
            .collect();
        let inputs: BTreeMap<&str, &str> = sources.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let doc = json!({
            "source": loaded.source,
            "as_of": as_of,
            "model": step.model.name,
            "inputs": inputs,
            "dropped_factors": step.dropped,
            "summary": summary_json(&summary),
            "accounts": rows,
        });
        return serde_json::to_string_pretty(&doc)
            .map(|t| t + "\n")
            .map_err(|e| e.to_string());
    }

    let mut out = format!(
        "Renewal risk of {} ({} accounts) as of {as_of}, model \"{}\"\n\n",
        loaded.source,
        loaded.len(),
        step.model.name
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
        let reasons: Vec<String> = step.scores.reasons(i).into_iter().map(|r| r.factor).collect();
        let date = renewal_of(i);
        top.push(vec![
            ids[i].clone(),
            segment_of(i).unwrap_or_default(),
            money(arr.get(i).unwrap_or(0) as f64),
            date.map_or_else(String::new, |d| d.to_string()),
            date.map_or_else(String::new, |d| (d - as_of).num_days().to_string()),
            format!("{:.1}%", 100.0 * step.scores.risk[i]),
            step.scores.tier[i].to_string(),
            money(loss[i]),
            reasons.join(", "),
        ]);
    }
    let _ = writeln!(
        out,
        "Top {} accounts by expected ARR loss (ARR x risk):",
        args.top.min(loaded.len())
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
    out += &sources
        .iter()
        .map(|(k, v)| if k == v { k.clone() } else { format!("{k} <- {v}") })
        .collect::<Vec<_>>()
        .join("; ");
    out += "\n";
    if !step.dropped.is_empty() {
        let _ = writeln!(
            out,
            "Dropped factors (no input column; they count as typical): {}",
            step.dropped.join(", ")
        );
    }
    out += "Money in major units; tiers: medium >= ";
    let t = step.model.tiers;
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
    let pipeline = Pipeline {
        model: risk_model(args.model.as_deref())?,
        playbook: match &args.playbook {
            Some(p) => read_document::<Playbook>(p)?,
            None => Playbook::builtin(),
        },
        missing_inputs: MissingInputs::Drop,
        ..Pipeline::default()
    };
    let open: Vec<OpenCta> = match &args.open {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}"))?;
            serde_json::from_str(&text).map_err(|e| format!("{p}: {e}"))?
        }
        None => Vec::new(),
    };
    let loaded = Loaded::read(&args.file)?;
    let locate = |e: cs_core::Error| loaded.locate(e);
    let accounts = loaded.accounts(&pipeline)?;
    let table = accounts.table().map_err(locate)?;
    let n = table.len();
    let result = pipeline.run(&table, as_of, &open).map_err(locate)?;
    let ctas = result.ctas;
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
        loaded.source,
        pipeline.playbook.name
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
