//! `cs risk`, `cs retention` and `cs ctas`: renewal risk of a portfolio, revenue retention
//! between two snapshots, and playbook calls to action.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use cs_core::document::Document;
use cs_core::pipeline::{MissingInputs, Pipeline};
use cs_core::playbook::{OpenCta, Playbook};
use cs_core::portfolio::Column;
use cs_core::renewal::RiskModel;
use cs_core::revenue::{ArrAtRisk, Snapshot, arr_at_risk, revenue_retention};
use cs_core::sample::SyntheticPortfolio;
use cs_report::major_units;
use serde_json::{Value, json};

use crate::output::TextTable;
use crate::table_input::Loaded;

/// Where `cs risk` looks for a portfolio when no file is given.
const PORTFOLIO_CSV: &str = "examples/data/portfolio.csv";
/// Size, seed and date of the synthetic portfolio used when that file is absent.
const SYNTHETIC: (usize, u64, (i32, u32, u32)) = (1_000, 42, (2026, 6, 30));

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct RiskArgs {
    /// `fit` a model to past renewals or `evaluate` one; without it, score a portfolio.
    #[command(subcommand)]
    action: Option<RiskAction>,
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
    /// Fail when a factor has no input column, instead of leaving it out (and listing it).
    #[arg(long)]
    require_all: bool,
    /// Print JSON (every account) instead of tables.
    #[arg(long)]
    json: bool,
}

/// `--require-all`: fail on a factor without input; otherwise the core's default.
fn missing_inputs(require_all: bool) -> MissingInputs {
    if require_all {
        MissingInputs::Error
    } else {
        MissingInputs::default()
    }
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

fn read_document<T: Document>(path: &str) -> Result<T, String> {
    cs_arrow::files::read_document_as(Path::new(path)).map_err(|e| e.to_string())
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
            default_as_of: crate::args::today(),
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
    SyntheticPortfolio::try_generate(n, seed, as_of)
        .map_err(|e| e.to_string())?
        .write_csv(&mut text)
        .map_err(|e| e.to_string())?;
    Ok(Portfolio {
        table: Loaded::csv_text(&format!("a synthetic portfolio (seed {seed})"), &text)?,
        default_as_of: as_of,
    })
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
    match &args.action {
        Some(RiskAction::Fit(a)) => return run_fit(a),
        Some(RiskAction::Evaluate(a)) => return run_evaluate(a),
        None => {}
    }
    let pipeline = Pipeline {
        model: risk_model(args.model.as_deref())?,
        missing_inputs: missing_inputs(args.require_all),
        ..Pipeline::default()
    };
    let portfolio = load_portfolio(args.file.as_deref())?;
    let loaded = &portfolio.table;
    let as_of = match &args.as_of {
        Some(d) => crate::args::date_arg(d, "--as-of")?,
        None => portfolio.default_as_of,
    };
    let locate = |e: cs_core::Error| loaded.locate(e);
    let accounts = loaded.accounts(&pipeline)?;
    let table = accounts.table().map_err(locate)?;
    let ids = table.account_id().map_err(locate)?;
    let (_, inputs) = pipeline.health_and_inputs(&table, Some(as_of)).map_err(locate)?;
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
        return crate::output::json(&doc);
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
            major_units(arr.get(i).unwrap_or(0) as f64),
            date.map_or_else(String::new, |d| d.to_string()),
            date.map_or_else(String::new, |d| (d - as_of).num_days().to_string()),
            format!("{:.1}%", 100.0 * step.scores.risk[i]),
            step.scores.tier[i].to_string(),
            major_units(loss[i]),
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
            major_units(g.arr as f64),
            major_units(g.expected_loss),
        ]);
    }
    tiers.push(vec![
        "all".into(),
        summary.accounts.to_string(),
        major_units(summary.arr as f64),
        major_units(summary.expected_loss),
    ]);
    out += "\nARR at risk by tier:\n";
    out += &tiers.render();
    if !summary.by_renewal_month.is_empty() {
        let mut months = TextTable::new(["renewal month", "accounts", "ARR", "expected loss"]);
        for g in summary.by_renewal_month.iter().take(12) {
            months.push(vec![
                g.key.map_or_else(|| "none".to_owned(), |p| p.to_string()),
                g.accounts.to_string(),
                major_units(g.arr as f64),
                major_units(g.expected_loss),
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
    let loaded = Loaded::read(path)?;
    cs_arrow::revenue::snapshot(
        &loaded.batch,
        &args.id,
        &args.arr,
        args.by.as_deref(),
        segment_required,
    )
    .map_err(|e| loaded.locate(e))
}

pub(crate) fn run_retention(args: &RetentionArgs) -> Result<String, String> {
    let start = snapshot(&args.start, args, true)?;
    let end = snapshot(&args.end, args, false)?;
    let r = revenue_retention(&start, &end).map_err(|e| e.to_string())?;
    if args.json {
        return crate::output::json(&r);
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
            major_units(s.start_arr as f64),
            major_units(s.end_arr as f64),
            pct(s.grr),
            pct(s.nrr),
            pct(s.logo_churn),
            major_units(s.expansion_arr as f64),
            major_units(s.contraction_arr as f64),
            major_units(s.churned_arr as f64),
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
    let as_of = crate::args::date_arg(&args.as_of, "--as-of")?;
    let pipeline = Pipeline {
        model: risk_model(args.model.as_deref())?,
        playbook: match &args.playbook {
            Some(p) => read_document::<Playbook>(p)?,
            None => Playbook::builtin(),
        },
        ..Pipeline::default()
    };
    let open: Vec<OpenCta> = match &args.open {
        Some(p) => {
            let text = cs_arrow::files::read_document(Path::new(p)).map_err(|e| e.to_string())?;
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
        return crate::output::json(&ctas);
    }
    let mut t = TextTable::new(["due", "priority", "account", "rule", "owner", "evidence"]);
    for c in &ctas {
        t.push(vec![
            c.due.to_string(),
            c.priority.to_string(),
            c.account_id.clone(),
            c.rule_id.to_string(),
            c.owner_role.to_string(),
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

/// `cs risk fit` and `cs risk evaluate`.
#[derive(Subcommand)]
pub(crate) enum RiskAction {
    /// Fit a risk model to past renewals (L2-regularised logistic regression) and write it
    /// as JSON for `cs risk --model`.
    #[command(after_long_help = history_columns_help())]
    Fit(RiskFitArgs),
    /// How well a risk model ranks and calibrates on labelled renewals: ROC AUC, Brier score,
    /// log-loss, churn per tier and calibration by decile.
    #[command(after_long_help = history_columns_help())]
    Evaluate(RiskEvaluateArgs),
}

#[derive(Args)]
#[allow(clippy::struct_excessive_bools)] // independent command-line switches
pub(crate) struct RiskFitArgs {
    /// History of past renewals (CSV or Parquet): the inputs some time before each renewal
    /// and the outcome.
    file: String,
    /// Where to write the fitted model (JSON).
    #[arg(short, long)]
    output: String,
    /// Column of outcomes (true / false: churned).
    #[arg(long, default_value = "churned")]
    outcome: String,
    /// Model whose factors are fitted (JSON or TOML); the built-in model when omitted.
    #[arg(long)]
    template: Option<String>,
    /// Inverse regularisation strength (scikit-learn's C).
    #[arg(long, default_value_t = 1.0, conflicts_with = "no_penalty")]
    c: f64,
    /// Fit without a penalty (maximum likelihood).
    #[arg(long)]
    no_penalty: bool,
    /// Keep the template's centers and scales instead of re-estimating them.
    #[arg(long)]
    no_standardise: bool,
    /// Newton iterations at most.
    #[arg(long, default_value_t = 100)]
    max_iterations: u32,
    /// Fail when a factor has no input column, instead of leaving it out.
    #[arg(long)]
    require_all: bool,
    /// Print the fitted model as JSON instead of a summary.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub(crate) struct RiskEvaluateArgs {
    /// Labelled renewals (CSV or Parquet), ideally not the ones the model was fitted on.
    file: String,
    /// Risk model document (JSON, or TOML by extension); the built-in model when omitted.
    #[arg(long)]
    model: Option<String>,
    /// Column of outcomes (true / false: churned).
    #[arg(long, default_value = "churned")]
    outcome: String,
    /// Column of ARR in integer minor units (ARR per tier); `arr` when the file has it.
    #[arg(long)]
    arr: Option<String>,
    /// Fail when a factor has no input column, instead of leaving it out.
    #[arg(long)]
    require_all: bool,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
}

/// The input columns of `cs risk fit|evaluate`, for `--help`.
pub(crate) fn history_columns_help() -> String {
    let mut s = String::from(
        "Input columns: the outcome column (--outcome, default churned: true / false) plus the\n\
         columns of `cs risk` (below; a history has no evaluation date, so days_to_renewal is\n\
         read as given, not derived from renewal_date).\n",
    );
    s += &input_columns_help();
    s
}

/// A history of renewals read for the risk model: its risk inputs and outcomes.
struct History {
    source: String,
    model: RiskModel,
    dropped: Vec<String>,
}

fn with_history<T>(
    path: &str,
    template: RiskModel,
    outcome: &str,
    require_all: bool,
    arr: Option<&str>,
    run: impl FnOnce(
        &History,
        &cs_core::renewal::RiskTable<'_>,
        Column<'_, bool>,
        Option<Column<'_, i64>>,
    ) -> Result<T, cs_core::Error>,
) -> Result<T, String> {
    use cs_core::pipeline::{Cells, Kind};
    let pipeline = Pipeline {
        model: template,
        missing_inputs: missing_inputs(require_all),
        ..Pipeline::default()
    };
    let loaded = Loaded::read(path)?;
    let locate = |e: cs_core::Error| loaded.locate(e);
    let accounts = loaded.accounts(&pipeline)?;
    let table = accounts.table().map_err(locate)?;
    let inputs = pipeline.risk_inputs(&table, None, None).map_err(locate)?;
    let risk_table = inputs.table().map_err(locate)?;
    let (model, dropped) = pipeline.missing_inputs.model_for(&pipeline.model, &risk_table);
    let mut wanted = vec![(outcome, Kind::Flag)];
    let arr = arr.or_else(|| loaded.batch.column_by_name("arr").map(|_| "arr"));
    if let Some(a) = arr {
        wanted.push((a, Kind::Integer));
    }
    let required: Vec<&str> = wanted.iter().map(|w| w.0).collect();
    let columns = loaded.convert(&wanted, &required)?;
    let cells = columns.table().map_err(locate)?;
    let Some(Cells::Flag(churned)) = cells.get(outcome) else {
        return Err(locate(cs_core::Error::missing(outcome)));
    };
    let arr = match arr {
        Some(a) => cells.integer(a).map_err(locate)?,
        None => None,
    };
    let history = History {
        source: loaded.source.clone(),
        model,
        dropped,
    };
    run(&history, &risk_table, churned, arr).map_err(locate)
}

fn run_fit(args: &RiskFitArgs) -> Result<String, String> {
    let inputs = [Some(&args.file), args.template.as_ref()].into_iter().flatten();
    cs_arrow::files::refuse_input_as_output(Path::new(&args.output), &inputs.collect::<Vec<_>>())
        .map_err(|e| e.to_string())?;
    let template = risk_model(args.template.as_deref())?;
    let options = cs_core::renewal::FitOptions {
        c: (!args.no_penalty).then_some(args.c),
        standardise: !args.no_standardise,
        max_iterations: args.max_iterations,
        ..cs_core::renewal::FitOptions::default()
    };
    let (fitted, source, dropped) = with_history(
        &args.file,
        template,
        &args.outcome,
        args.require_all,
        None,
        |h, table, churned, _| {
            Ok((
                h.model.fit(table, churned, &options)?,
                h.source.clone(),
                h.dropped.clone(),
            ))
        },
    )?;
    let text = fitted.to_json().map_err(|e| e.to_string())?;
    cs_arrow::files::write_atomically(Path::new(&args.output), |w| {
        use std::io::Write as _;
        w.write_all(text.as_bytes()).map_err(|e| e.to_string())
    })
    .map_err(|e| format!("{}: {e}", args.output))?;
    if args.json {
        return Ok(text + "\n");
    }
    let mut out = format!("Risk model fitted on {source}, written to {}\n\n", args.output);
    if let Some(r) = &fitted.fit {
        let _ = writeln!(
            out,
            "{} rows, {} churned; C {}; {} iterations, converged: {}, separation: {}",
            r.rows,
            r.churned,
            r.c.map_or_else(|| "none".to_owned(), |c| c.to_string()),
            r.iterations,
            r.converged,
            r.separation
        );
        let _ = writeln!(out, "log-likelihood {:.3}; {}\n", r.log_likelihood, r.message);
    }
    let mut t = TextTable::new(["factor", "input", "center", "scale", "coefficient"]);
    for f in &fitted.factors {
        t.push(vec![
            f.name.clone(),
            f.input.clone(),
            format!("{:.4}", f.center),
            format!("{:.4}", f.scale),
            format!("{:+.4}", f.coefficient),
        ]);
    }
    let _ = writeln!(out, "intercept {:+.4}", fitted.intercept);
    out += &t.render();
    if !dropped.is_empty() {
        let _ = writeln!(out, "\nLeft out (no input column): {}", dropped.join(", "));
    }
    Ok(out)
}

fn run_evaluate(args: &RiskEvaluateArgs) -> Result<String, String> {
    let model = risk_model(args.model.as_deref())?;
    let (e, source, name, dropped) = with_history(
        &args.file,
        model,
        &args.outcome,
        args.require_all,
        args.arr.as_deref(),
        |h, table, churned, arr| {
            Ok((
                h.model.evaluate(table, churned, arr)?,
                h.source.clone(),
                h.model.name.clone(),
                h.dropped.clone(),
            ))
        },
    )?;
    if args.json {
        let doc = json!({"source": source, "model": name, "dropped_factors": dropped, "evaluation": e});
        return crate::output::json(&doc);
    }
    let opt = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.3}"));
    let mut out = format!(
        "Risk model \"{name}\" on {source}: {} rows, {} churned\n\nROC AUC {}, Brier {:.4}, log-loss {:.4}\n\n",
        e.rows,
        e.churned,
        opt(e.auc),
        e.brier,
        e.log_loss
    );
    let mut tiers = TextTable::new([
        "tier",
        "accounts",
        "churned",
        "churn rate",
        "mean risk",
        "ARR",
        "churned ARR",
    ]);
    let pct = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{:.1}%", 100.0 * v));
    for t in &e.by_tier {
        tiers.push(vec![
            t.tier.to_string(),
            t.accounts.to_string(),
            t.churned.to_string(),
            pct(t.churn_rate),
            pct(t.mean_risk),
            major_units(t.arr as f64),
            major_units(t.churned_arr as f64),
        ]);
    }
    out += &tiers.render();
    let mut cal = TextTable::new(["decile", "accounts", "mean risk", "churn rate"]);
    for b in &e.calibration {
        cal.push(vec![
            b.bin.to_string(),
            b.accounts.to_string(),
            format!("{:.1}%", 100.0 * b.mean_risk),
            format!("{:.1}%", 100.0 * b.churn_rate),
        ]);
    }
    out += "\nCalibration (1 = lowest predicted risk):\n";
    out += &cal.render();
    if !dropped.is_empty() {
        let _ = writeln!(out, "\nLeft out (no input column): {}", dropped.join(", "));
    }
    Ok(out)
}

#[derive(Args)]
#[command(
    after_long_help = "Input columns (CSV or Parquet; names set by the flags):\n  \
    renewal_date  date     the renewal date (required; empty: no stage)\n  \
    account_id    label    the account, shown in the table (--id)\n  \
    auto_renew    flag     whether the contract renews automatically (optional)\n  \
    notice_days   integer  notice period of an auto-renewing contract, days (optional)\n  \
    outcome       label    open, renewed or churned (optional; empty: open)"
)]
pub(crate) struct RenewalsArgs {
    /// Contracts (CSV or Parquet), one row per contract.
    file: String,
    /// The date to stage as of (YYYY-MM-DD); today when omitted.
    #[arg(long)]
    as_of: Option<String>,
    /// Column of account names or ids.
    #[arg(long, default_value = "account_id")]
    id: String,
    /// Column of renewal dates.
    #[arg(long, default_value = "renewal_date")]
    renewal_date: String,
    /// Column of auto-renewal flags.
    #[arg(long, default_value = "auto_renew")]
    auto_renew: String,
    /// Column of notice periods in days.
    #[arg(long, default_value = "notice_days")]
    notice_days: String,
    /// Column of recorded outcomes.
    #[arg(long, default_value = "outcome")]
    outcome: String,
    /// Planning starts this many days before the renewal (default 180).
    #[arg(long)]
    planning_days: Option<u32>,
    /// The internal review is due this many days before (default 90).
    #[arg(long)]
    internal_review_days: Option<u32>,
    /// The renewal is imminent this many days before (default 30).
    #[arg(long)]
    imminent_days: Option<u32>,
    /// Days after the renewal date an undecided renewal is overdue, not lapsed (default 30).
    #[arg(long)]
    grace_days: Option<u32>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run_renewals(args: &RenewalsArgs) -> Result<String, String> {
    use cs_core::pipeline::Kind;
    use cs_core::renewal::{RenewalOutcome, RenewalWindows};
    let as_of = match &args.as_of {
        Some(d) => crate::args::date_arg(d, "--as-of")?,
        None => crate::args::today(),
    };
    let d = RenewalWindows::default();
    let windows = RenewalWindows {
        planning_days: args.planning_days.unwrap_or(d.planning_days),
        internal_review_days: args.internal_review_days.unwrap_or(d.internal_review_days),
        imminent_days: args.imminent_days.unwrap_or(d.imminent_days),
        grace_days: args.grace_days.unwrap_or(d.grace_days),
    };
    let loaded = Loaded::read(&args.file)?;
    let locate = |e: cs_core::Error| loaded.locate(e);
    let columns = loaded.convert(
        &[
            (args.id.as_str(), Kind::Label),
            (args.renewal_date.as_str(), Kind::Date),
            (args.auto_renew.as_str(), Kind::Flag),
            (args.notice_days.as_str(), Kind::Integer),
            (args.outcome.as_str(), Kind::Label),
        ],
        &[args.renewal_date.as_str()],
    )?;
    let table = columns.table().map_err(locate)?;
    let dates = cs_core::pipeline::dates(&table, &args.renewal_date)
        .map_err(locate)?
        .unwrap_or_else(|| cs_core::portfolio::ColumnBuf::nulls(loaded.len()));
    let auto = table.flag(&args.auto_renew).map_err(locate)?;
    let notice: Option<Vec<Option<u32>>> = table
        .integer(&args.notice_days)
        .map_err(locate)?
        .map(|c| {
            (0..c.len())
                .map(|i| {
                    c.get(i)
                        .map(|v| {
                            u32::try_from(v).map_err(|_| {
                                cs_core::Error::out_of_range(args.notice_days.as_str(), v, ">= 0").at(i)
                            })
                        })
                        .transpose()
                })
                .collect::<Result<_, _>>()
        })
        .transpose()
        .map_err(locate)?;
    let notice = notice.map(cs_core::portfolio::ColumnBuf::from);
    let outcomes: Option<cs_core::portfolio::ColumnBuf<RenewalOutcome>> = table
        .labels(&args.outcome)
        .map_err(locate)?
        .map(|l| {
            l.iter()
                .enumerate()
                .map(|(i, v)| {
                    v.map(RenewalOutcome::parse)
                        .transpose()
                        .map_err(|e| placed(&args.outcome, v.unwrap_or(""), &e, i))
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()
        .map_err(locate)?
        .map(cs_core::portfolio::ColumnBuf::from);
    let statuses = windows
        .statuses(
            dates.as_column(&args.renewal_date),
            as_of,
            auto,
            notice.as_ref().map(|n| n.as_column(&args.notice_days)),
            outcomes.as_ref().map(|o| o.as_column(&args.outcome)),
        )
        .map_err(locate)?;
    let ids = keys_or_rows(table.labels(&args.id).map_err(locate)?.as_deref(), loaded.len());
    if args.json {
        let rows: Vec<Value> = statuses
            .iter()
            .enumerate()
            .map(|(i, s)| json!({"account": ids[i], "renewal_date": dates.get(i), "status": s}))
            .collect();
        let doc = json!({"source": loaded.source, "as_of": as_of, "windows": windows, "contracts": rows});
        return crate::output::json(&doc);
    }
    let mut t = TextTable::new(["account", "renewal", "days", "stage", "review by", "notice by"]);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let show = |d: Option<NaiveDate>| d.map_or_else(String::new, |d| d.to_string());
    for (i, s) in statuses.iter().enumerate() {
        match s {
            Some(s) => {
                *counts.entry(s.stage.to_string()).or_default() += 1;
                t.push(vec![
                    ids[i].clone(),
                    show(dates.get(i)),
                    s.days_to_renewal.to_string(),
                    s.stage.to_string(),
                    show(s.internal_review_by),
                    show(s.notice_deadline),
                ]);
            }
            None => t.push(vec![
                ids[i].clone(),
                String::new(),
                String::new(),
                "-".into(),
                String::new(),
                String::new(),
            ]),
        }
    }
    let mut out = format!(
        "Renewal stages of {} ({} contracts) as of {as_of}\n\n",
        loaded.source,
        loaded.len()
    );
    out += &t.render();
    out += "\n";
    out += &counts
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        out,
        "\nWindows: planning {} days, internal review {} days, imminent {} days, grace {} days.",
        windows.planning_days, windows.internal_review_days, windows.imminent_days, windows.grace_days
    );
    Ok(out)
}

/// A name a parser rejected, placed at its column and row (the parsers' errors name no row).
fn placed(column: &str, value: &str, e: &cs_core::Error, row: usize) -> cs_core::Error {
    cs_core::Error::invalid(
        format!("column {column} value"),
        format!("{value:?}"),
        e.to_string(),
    )
    .at(row)
}

/// Labels per row, or "row N" where the file has no such column or the cell is empty.
fn keys_or_rows(labels: Option<&[Option<&str>]>, len: usize) -> Vec<String> {
    (0..len)
        .map(|i| {
            labels
                .as_ref()
                .and_then(|l| l[i])
                .map_or_else(|| format!("row {}", i + 1), str::to_owned)
        })
        .collect()
}

#[derive(Args)]
#[command(
    after_long_help = "Input columns (CSV or Parquet), one row per lost account:\n  \
    reason  label    the cancellation reason: price, no_value, low_adoption, product_fit,\n                   \
    product_quality, service_experience, competitor, champion_left,\n                   \
    renewal_not_asked, business_change, consolidation or other\n  \
    arr     integer  the lost ARR, integer minor units"
)]
pub(crate) struct ChurnReasonsArgs {
    /// Lost accounts (CSV or Parquet).
    file: String,
    /// Column of reasons.
    #[arg(long, default_value = "reason")]
    reason: String,
    /// Column of lost ARR (integer minor units).
    #[arg(long, default_value = "arr")]
    arr: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run_churn_reasons(args: &ChurnReasonsArgs) -> Result<String, String> {
    use cs_core::pipeline::Kind;
    use cs_core::revenue::{ChurnReason, churn_reasons};
    let loaded = Loaded::read(&args.file)?;
    let locate = |e: cs_core::Error| loaded.locate(e);
    let wanted = [
        (args.reason.as_str(), Kind::Label),
        (args.arr.as_str(), Kind::Integer),
    ];
    let columns = loaded.convert(&wanted, &[args.reason.as_str(), args.arr.as_str()])?;
    let table = columns.table().map_err(locate)?;
    let labels = table.labels(&args.reason).map_err(locate)?.unwrap_or_default();
    let reasons = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            l.ok_or_else(|| cs_core::Error::missing(args.reason.as_str()).at(i))
                .and_then(|v| ChurnReason::parse(v).map_err(|e| placed(&args.reason, v, &e, i)))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(locate)?;
    let arr = table
        .integer(&args.arr)
        .map_err(locate)?
        .ok_or_else(|| locate(cs_core::Error::missing(args.arr.as_str())))?;
    let rows = churn_reasons(&reasons, arr).map_err(locate)?;
    if args.json {
        let doc = json!({"source": loaded.source, "reasons": rows});
        return crate::output::json(&doc);
    }
    let mut t = TextTable::new(["reason", "accounts", "share", "lost ARR", "ARR share"]);
    for r in &rows {
        t.push(vec![
            r.reason.to_string(),
            r.accounts.to_string(),
            format!("{:.1}%", 100.0 * r.account_share),
            major_units(r.arr as f64),
            r.arr_share
                .map_or_else(|| "-".to_owned(), |s| format!("{:.1}%", 100.0 * s)),
        ]);
    }
    let mut out = format!(
        "Churn reasons of {} ({} lost accounts), largest lost ARR first\n\n",
        loaded.source,
        reasons.len()
    );
    out += &t.render();
    out += "Money in major units.\n";
    Ok(out)
}

#[derive(Args)]
#[command(after_long_help = commands_expansion_help())]
pub(crate) struct ExpansionArgs {
    /// Portfolio (CSV or Parquet), one row per account.
    file: String,
    /// The scoring date of health measures (YYYY-MM-DD); today when omitted.
    #[arg(long)]
    as_of: Option<String>,
    /// Utilisation at or above this (default 0.85).
    #[arg(long)]
    min_utilisation: Option<f64>,
    /// Health score at or above this (default 75).
    #[arg(long)]
    min_health: Option<f64>,
    /// Latest NPS category at least this: detractor, passive or promoter (default promoter).
    #[arg(long)]
    min_nps: Option<String>,
    /// List every account, not only those signalling expansion.
    #[arg(long)]
    all: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn commands_expansion_help() -> String {
    format!(
        "An account signals room to expand when utilisation, health and NPS all clear their\n\
         minimums. The inputs come from `utilisation`, `health_score` and `nps_category`, or\n\
         are derived as `cs risk` derives them (licence_utilisation, the scorecard's measures,\n\
         nps).\n\n{}",
        input_columns_help()
    )
}

pub(crate) fn run_expansion(args: &ExpansionArgs) -> Result<String, String> {
    use cs_core::renewal::inputs;
    let d = cs_core::revenue::ExpansionCriteria::default();
    let criteria = cs_core::revenue::ExpansionCriteria {
        min_utilisation: args.min_utilisation.unwrap_or(d.min_utilisation),
        min_health: args.min_health.unwrap_or(d.min_health),
        min_nps: match &args.min_nps {
            Some(n) => cs_core::nps::Category::parse(n).map_err(|e| format!("--min-nps: {e}"))?,
            None => d.min_nps,
        },
    };
    let as_of = match &args.as_of {
        Some(d) => crate::args::date_arg(d, "--as-of")?,
        None => crate::args::today(),
    };
    let pipeline = Pipeline {
        expansion: criteria,
        ..Pipeline::default()
    };
    let loaded = Loaded::read(&args.file)?;
    let locate = |e: cs_core::Error| loaded.locate(e);
    let accounts = loaded.accounts(&pipeline)?;
    let table = accounts.table().map_err(locate)?;
    let ids = table.account_id().map_err(locate)?;
    let (_, inputs) = pipeline.health_and_inputs(&table, Some(as_of)).map_err(locate)?;
    let risk_table = inputs.table().map_err(locate)?;
    let flags = pipeline.expansion.signals(&risk_table).map_err(locate)?;
    let value = |name: &str, i: usize| inputs.get(name).and_then(|c| c.get(i));
    let category = |i: usize| {
        value(inputs::NPS_CATEGORY, i)
            .and_then(|c| cs_core::nps::Category::ALL.get(c as usize).copied())
            .map(|c| c.to_string())
    };
    let shown: Vec<usize> = (0..flags.len()).filter(|&i| args.all || flags[i]).collect();
    let signalled = flags.iter().filter(|&&f| f).count();
    if args.json {
        let rows: Vec<Value> = shown
            .iter()
            .map(|&i| {
                json!({"account_id": ids[i], "expansion_signal": flags[i],
                    "utilisation": value(inputs::UTILISATION, i),
                    "health_score": value(inputs::HEALTH_SCORE, i),
                    "nps_category": category(i)})
            })
            .collect();
        let doc = json!({"source": loaded.source, "as_of": as_of, "criteria": criteria,
            "accounts": loaded.len(), "signalled": signalled, "rows": rows});
        return crate::output::json(&doc);
    }
    let mut t = TextTable::new(["account", "signal", "utilisation", "health", "NPS"]);
    let num = |v: Option<f64>, d: usize| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.d$}"));
    for &i in &shown {
        t.push(vec![
            ids[i].clone(),
            if flags[i] { "yes" } else { "no" }.into(),
            num(value(inputs::UTILISATION, i), 2),
            num(value(inputs::HEALTH_SCORE, i), 1),
            category(i).unwrap_or_else(|| "-".into()),
        ]);
    }
    let mut out = format!(
        "Expansion signals of {} as of {as_of}: {signalled} of {} accounts\n\n",
        loaded.source,
        loaded.len()
    );
    if !shown.is_empty() {
        out += &t.render();
    }
    let _ = writeln!(
        out,
        "\nCriteria: utilisation >= {}, health >= {}, NPS category at least {}.",
        criteria.min_utilisation, criteria.min_health, criteria.min_nps
    );
    Ok(out)
}
