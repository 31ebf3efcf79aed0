//! `cs lifecycle` and `cs handoff`: where each account is in its lifecycle, and how complete
//! and how late the Sales-to-CS handoffs are (cs-core's `onboarding` lifecycle and handoff).

use std::fmt::Write as _;

use clap::Args;
use cs_core::onboarding::{
    DEFAULT_HANDOFF_LAG_TARGET_DAYS, DEFAULT_RENEWAL_WINDOW_MONTHS, Handoff, LifecycleStage,
    MilestoneColumns, lifecycle_stages,
};
use cs_core::pipeline::Kind;
use serde_json::{Value, json};

use crate::output::{TextTable, json};
use crate::table_input::Loaded;

/// The milestone columns `cs lifecycle` reads, in `MilestoneColumns` order.
const MILESTONES: [&str; 7] = [
    "closed_on",
    "handoff_completed",
    "kickoff",
    "first_impact",
    "contract_end",
    "renewed_on",
    "churned_on",
];

#[derive(Args)]
#[command(after_long_help = "Input columns (CSV or Parquet), one row per account:\n  \
    account            label  the account (--id)\n  \
    closed_on          date   the close date of the deal (required)\n  \
    handoff_completed  date   when the handoff to CS was completed (optional, as the rest)\n  \
    kickoff            date   the kickoff meeting\n  \
    first_impact       date   when First Impact was reached\n  \
    contract_end       date   the end of the contract term\n  \
    renewed_on         date   when the contract was renewed\n  \
    churned_on         date   when the customer left")]
pub(crate) struct LifecycleArgs {
    /// Accounts with their milestone dates (CSV or Parquet), e.g. examples/data/onboarding.csv.
    file: String,
    /// The date to stage as of (YYYY-MM-DD); today when omitted.
    #[arg(long)]
    as_of: Option<String>,
    /// The renewal window: this many months before the contract end (default 3).
    #[arg(long)]
    window_months: Option<u32>,
    /// Column of account names or ids.
    #[arg(long, default_value = "account")]
    id: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn stage_name(s: LifecycleStage) -> &'static str {
    match s {
        LifecycleStage::Handoff => "handoff",
        LifecycleStage::Onboarding => "onboarding",
        LifecycleStage::Adoption => "adoption",
        LifecycleStage::RenewalWindow => "renewal_window",
        LifecycleStage::Renewed => "renewed",
        LifecycleStage::Churned => "churned",
    }
}

pub(crate) fn lifecycle(args: &LifecycleArgs) -> Result<String, String> {
    let as_of = match &args.as_of {
        Some(d) => crate::args::date_arg(d, "--as-of")?,
        None => crate::args::today(),
    };
    let window = args.window_months.unwrap_or(DEFAULT_RENEWAL_WINDOW_MONTHS);
    let loaded = Loaded::read(&args.file)?;
    let locate = |e: cs_core::Error| loaded.locate(e);
    let mut wanted: Vec<(&str, Kind)> = MILESTONES.iter().map(|&m| (m, Kind::Date)).collect();
    wanted.push((args.id.as_str(), Kind::Label));
    let columns = loaded.convert(&wanted, &["closed_on"])?;
    let table = columns.table().map_err(locate)?;
    let get = |name: &str| table.date(name).map_err(locate);
    let mut m =
        MilestoneColumns::new(get("closed_on")?.ok_or_else(|| locate(cs_core::Error::missing("closed_on")))?);
    m.handoff_completed = get("handoff_completed")?;
    m.kickoff = get("kickoff")?;
    m.first_impact = get("first_impact")?;
    m.contract_end = get("contract_end")?;
    m.renewed_on = get("renewed_on")?;
    m.churned_on = get("churned_on")?;
    let stages = lifecycle_stages(&m, as_of, window).map_err(locate)?;
    let labels = table.labels(&args.id).map_err(locate)?;
    let id = |i: usize| {
        labels
            .as_ref()
            .and_then(|l| l[i])
            .map_or_else(|| format!("row {}", i + 1), str::to_owned)
    };
    let mut counts: Vec<(Option<LifecycleStage>, usize)> = Vec::new();
    for s in &stages {
        match counts.iter_mut().find(|(k, _)| k == s) {
            Some((_, n)) => *n += 1,
            None => counts.push((*s, 1)),
        }
    }
    counts.sort();
    let name = |s: Option<LifecycleStage>| s.map_or("not closed yet", stage_name);
    if args.json {
        let rows: Vec<Value> = stages
            .iter()
            .enumerate()
            .map(|(i, s)| json!({"account": id(i), "stage": s}))
            .collect();
        let summary: serde_json::Map<String, Value> = counts
            .iter()
            .map(|(s, n)| (name(*s).to_owned(), json!(n)))
            .collect();
        return json(
            &json!({"source": loaded.source, "as_of": as_of, "window_months": window,
            "stages": summary, "accounts": rows}),
        );
    }
    let mut summary = TextTable::new(["stage", "accounts"]);
    for (s, n) in &counts {
        summary.push(vec![name(*s).to_owned(), n.to_string()]);
    }
    let mut t = TextTable::new(["account", "stage"]);
    for (i, s) in stages.iter().enumerate() {
        t.push(vec![id(i), name(*s).to_owned()]);
    }
    let mut out = format!(
        "Lifecycle stages of {} ({} accounts) as of {as_of}, renewal window {window} months\n\n",
        loaded.source,
        loaded.len()
    );
    out += &summary.render();
    out += "\n";
    out += &t.render();
    Ok(out)
}

#[derive(Args)]
#[command(
    after_long_help = "Input: handoff documents (JSON, or TOML by extension), one account each, in\n\
    the form of cs-core's Handoff (schema_version, account, closed_on, completed_on, spiced,\n\
    questions, org_structure, personas, key_contacts, red_flags)."
)]
pub(crate) struct HandoffArgs {
    /// Handoff documents.
    #[arg(required = true)]
    files: Vec<String>,
    /// The date to measure pending handoffs to (YYYY-MM-DD); today when omitted.
    #[arg(long)]
    as_of: Option<String>,
    /// Target days from close to completed handoff (default 5).
    #[arg(long)]
    target_days: Option<u32>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn read_handoff(path: &str) -> Result<Handoff, String> {
    cs_arrow::files::read_document_as(std::path::Path::new(path)).map_err(|e| e.to_string())
}

pub(crate) fn handoff(args: &HandoffArgs) -> Result<String, String> {
    let as_of = match &args.as_of {
        Some(d) => crate::args::date_arg(d, "--as-of")?,
        None => crate::args::today(),
    };
    let target = args.target_days.unwrap_or(DEFAULT_HANDOFF_LAG_TARGET_DAYS);
    let handoffs = args
        .files
        .iter()
        .map(|f| read_handoff(f))
        .collect::<Result<Vec<_>, _>>()?;
    let rows: Vec<_> = handoffs
        .iter()
        .map(|h| (h, h.completeness(), h.lag(as_of, target)))
        .collect();
    if args.json {
        let list: Vec<Value> = rows
            .iter()
            .map(|(h, c, l)| {
                json!({"account": h.account, "closed_on": h.closed_on,
                "completed_on": h.completed_on, "completeness": c, "lag": l})
            })
            .collect();
        return json(&json!({"as_of": as_of, "target_days": target, "handoffs": list}));
    }
    let mut t = TextTable::new([
        "account",
        "closed",
        "completed",
        "parts",
        "complete",
        "lag days",
        "late",
        "missing",
    ]);
    for (h, c, l) in &rows {
        let missing: Vec<&str> = c.missing.iter().map(|p| p.field()).collect();
        t.push(vec![
            h.account.clone(),
            h.closed_on.to_string(),
            h.completed_on
                .filter(|_| l.completed)
                .map_or_else(|| "pending".to_owned(), |d| d.to_string()),
            format!("{}/{}", c.complete, c.total),
            format!("{:.0}%", 100.0 * c.share),
            l.days.to_string(),
            if l.late { "late" } else { "" }.into(),
            missing.join(", "),
        ]);
    }
    let mut out = format!("Handoffs as of {as_of} ({} accounts)\n\n", rows.len());
    out += &t.render();
    let _ = writeln!(
        out,
        "\nLag: days from close to completed handoff (to {as_of} while pending); late: over {target} days."
    );
    Ok(out)
}
