//! `cs onboarding`: Time to First Impact across a portfolio, overall and per segment or CSM,
//! and the accounts still onboarding.

use std::fmt::Write as _;

use clap::Args;
use cs_arrow::onboarding::{TtfiInputs, ttfi_statuses, ttfi_table};
use cs_core::onboarding::{
    DEFAULT_TTFI_TARGET_DAYS, TtfiConfig, TtfiOrigin, TtfiSummary, still_onboarding, ttfi_summary,
};
use serde_json::{Value, json};

use crate::output::TextTable;
use crate::table_input::Loaded;

/// The bundled sample portfolio (examples/data/onboarding.csv), used when no file is given.
pub(crate) const SAMPLE_ACCOUNTS: (&str, &str) = (
    "the bundled sample portfolio (examples/data/onboarding.csv)",
    include_str!("../../../examples/data/onboarding.csv"),
);

// Doc comments here are `--help` text for users, not rustdoc.
#[allow(clippy::doc_markdown)]
#[derive(Args)]
pub(crate) struct OnboardingArgs {
    /// Accounts CSV, one account per row, dates as YYYY-MM-DD (empty: not yet); the bundled
    /// sample portfolio when omitted.
    file: Option<String>,
    /// The date to evaluate at (YYYY-MM-DD); First Impact dates after it count as not reached.
    #[arg(long)]
    as_of: String,
    /// Break the statistics down by this column, e.g. segment or csm (repeat for several).
    #[arg(long)]
    by: Vec<String>,
    /// Where the clock starts: kickoff or contract_start.
    #[arg(long, default_value = "kickoff")]
    origin: String,
    /// Time to First Impact target in days.
    #[arg(long, default_value_t = DEFAULT_TTFI_TARGET_DAYS)]
    target_days: u32,
    /// Column of kickoff dates.
    #[arg(long, default_value = "kickoff")]
    kickoff: String,
    /// Column of contract start dates.
    #[arg(long, default_value = "contract_start")]
    contract_start: String,
    /// Column of First Impact dates.
    #[arg(long, default_value = "first_impact")]
    first_impact: String,
    /// Column naming the account in the list of accounts still onboarding.
    #[arg(long, default_value = "account")]
    id: String,
    /// How many accounts still onboarding to list (longest open first).
    #[arg(long, default_value_t = 10)]
    list: usize,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
}

fn summary_json(s: &TtfiSummary) -> Value {
    serde_json::to_value(s).unwrap_or(Value::Null)
}

fn stat(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"))
}

pub(crate) fn run(args: &OnboardingArgs) -> Result<String, String> {
    let as_of = crate::args::date_arg(&args.as_of, "--as-of")?;
    let cfg = TtfiConfig {
        origin: TtfiOrigin::parse(&args.origin).map_err(|e| e.to_string())?,
        target_days: args.target_days,
    };
    let table = match args.file.as_deref() {
        Some(path) => Loaded::read(path)?,
        None => Loaded::csv_text(SAMPLE_ACCOUNTS.0, SAMPLE_ACCOUNTS.1.as_bytes())?,
    };
    let origin_name = match cfg.origin {
        TtfiOrigin::Kickoff => &args.kickoff,
        TtfiOrigin::ContractStart => &args.contract_start,
    };
    let columns = TtfiInputs {
        kickoff: &args.kickoff,
        contract_start: &args.contract_start,
        first_impact: &args.first_impact,
    };
    // The table recipe every front end shares (cs-arrow); an error names the CSV line.
    let statuses = ttfi_statuses(&table.batch, as_of, cfg, &columns).map_err(|e| table.locate(e))?;
    let origin = table.dates(origin_name)?;
    let text_of = |name: &str| -> Result<Vec<String>, String> {
        Ok(table
            .texts(name)?
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect())
    };
    let by_cols = args
        .by
        .iter()
        .map(|b| text_of(b))
        .collect::<Result<Vec<_>, _>>()?;
    let total = ttfi_summary(&statuses);
    let groups: Vec<(Vec<String>, TtfiSummary)> = if args.by.is_empty() {
        Vec::new()
    } else {
        let t = ttfi_table(&table.batch, &statuses, &args.by).map_err(|e| table.locate(e))?;
        t.summaries()
            .enumerate()
            .map(|(i, s)| (t.labels(i), s.clone()))
            .collect()
    };
    let id_col = if table.has(&args.id) {
        Some(text_of(&args.id)?)
    } else {
        None
    };
    let open = still_onboarding(&statuses);
    let account = |row: usize| {
        id_col
            .as_ref()
            .map_or_else(|| format!("row {}", row + 1), |c| c[row].clone())
    };

    if args.json {
        let group_rows: Vec<Value> = groups
            .iter()
            .map(|g| {
                let mut obj = serde_json::Map::new();
                for (name, value) in args.by.iter().zip(&g.0) {
                    obj.insert(name.clone(), json!(value));
                }
                obj.insert("summary".into(), summary_json(&g.1));
                Value::Object(obj)
            })
            .collect();
        let open_rows: Vec<Value> = open
            .iter()
            .map(|o| json!({"account": account(o.row), "days_open": o.days_open, "overdue": o.overdue}))
            .collect();
        let doc = json!({
            "as_of": as_of,
            "origin": cfg.origin,
            "target_days": cfg.target_days,
            "total": summary_json(&total),
            "groups": group_rows,
            "still_onboarding": open_rows,
        });
        return crate::output::json(&doc);
    }

    let from = match cfg.origin {
        TtfiOrigin::Kickoff => "kickoff",
        TtfiOrigin::ContractStart => "contract start",
    };
    let mut out = format!(
        "Time to First Impact of {} as of {as_of} ({} accounts; days from {from}, target {} days)\n\n",
        table.source,
        table.len(),
        cfg.target_days
    );
    let mut headers: Vec<String> = args.by.clone();
    headers.extend(
        [
            "accounts",
            "achieved",
            "median",
            "p90",
            "past target",
            "onboarding",
            "overdue",
            "not started",
        ]
        .map(str::to_owned),
    );
    let mut text = TextTable::new(headers);
    let row = |label: Vec<String>, s: &TtfiSummary| {
        let mut r = label;
        r.extend([
            s.accounts.to_string(),
            s.achieved.to_string(),
            stat(s.median_days),
            stat(s.p90_days),
            s.share_past_target
                .map_or_else(|| "-".to_owned(), |v| format!("{:.1}%", v * 100.0)),
            s.onboarding.to_string(),
            s.overdue.to_string(),
            s.not_started.to_string(),
        ]);
        r
    };
    for (key, summary) in &groups {
        text.push(row(key.clone(), summary));
    }
    if groups.len() != 1 {
        let mut label = Vec::new();
        if !args.by.is_empty() {
            label.push("all".to_owned());
            label.resize(args.by.len(), String::new());
        }
        text.push(row(label, &total));
    }
    out += &text.render();
    out += "\nmedian and p90: days to First Impact of the accounts that achieved it. past target: \
            (achieved late + overdue) / (achieved + overdue).\n";
    let shown = open.len().min(args.list);
    let _ = writeln!(
        out,
        "\nStill onboarding: {} account(s), {} overdue{}",
        open.len(),
        open.iter().filter(|o| o.overdue).count(),
        if shown < open.len() {
            format!(" (longest open {shown} listed)")
        } else {
            String::new()
        }
    );
    if shown > 0 {
        let mut headers = vec![args.id.clone()];
        headers.extend(args.by.iter().cloned());
        headers.extend([origin_name.clone(), "days open".into(), String::new()]);
        let mut list = TextTable::new(headers);
        for o in open.iter().take(shown) {
            let mut r = vec![account(o.row)];
            r.extend(by_cols.iter().map(|c| c[o.row].clone()));
            r.push(origin[o.row].map(|d| d.to_string()).unwrap_or_default());
            r.push(o.days_open.to_string());
            r.push(if o.overdue {
                "overdue".into()
            } else {
                String::new()
            });
            list.push(r);
        }
        out += &list.render();
    }
    Ok(out)
}
