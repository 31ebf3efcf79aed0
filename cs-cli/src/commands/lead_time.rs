//! `cs lead-times`: how early the red health band warned of churn (cs-core's
//! `retention::red_lead_times`).

use std::fmt::Write as _;

use clap::Args;
use cs_core::pipeline::Kind;
use cs_core::retention::red_lead_times;
use serde_json::json;

use crate::output::TextTable;
use crate::table_input::Loaded;

#[derive(Args)]
#[command(
    after_long_help = "Input columns (CSV or Parquet; names set by the flags):\n  \
    HISTORY, one row per account and scoring date:\n    \
    account_id  label  the account (--account)\n    \
    date        date   the scoring date (--date)\n    \
    red         flag   whether the account's band was red on that date (--red)\n  \
    CHURNS, one row per churned account:\n    \
    account_id  label  the account (--account)\n    \
    churn_date  date   the churn date (--churn-date)"
)]
pub(crate) struct LeadTimeArgs {
    /// Score history (CSV or Parquet).
    history: String,
    /// Churned accounts (CSV or Parquet).
    churns: String,
    /// Column of account ids, in both files.
    #[arg(long, default_value = "account_id")]
    account: String,
    /// Column of scoring dates in the history.
    #[arg(long, default_value = "date")]
    date: String,
    /// Column of red flags in the history.
    #[arg(long, default_value = "red")]
    red: String,
    /// Column of churn dates in the churns file.
    #[arg(long, default_value = "churn_date")]
    churn_date: String,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
}

/// Accounts, dates and (with `extra`) flags of a file.
type Rows = (Vec<String>, Vec<chrono::NaiveDate>, Vec<bool>);

/// Required columns without nulls: account labels, dates and, with `extra`, red flags.
fn read_pairs(loaded: &Loaded, account: &str, date: &str, extra: Option<&str>) -> Result<Rows, String> {
    let locate = |e: cs_core::Error| loaded.locate(e);
    let mut wanted = vec![(account, Kind::Label), (date, Kind::Date)];
    if let Some(r) = extra {
        wanted.push((r, Kind::Flag));
    }
    let required: Vec<&str> = wanted.iter().map(|w| w.0).collect();
    let columns = loaded.convert(&wanted, &required)?;
    let table = columns.table().map_err(locate)?;
    let labels = table.labels(account).map_err(locate)?.unwrap_or_default();
    let accounts = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            l.map(str::to_owned)
                .ok_or_else(|| locate(cs_core::Error::missing(account).at(i)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let dates = cs_core::pipeline::dates(&table, date)
        .map_err(locate)?
        .unwrap_or_else(|| cs_core::portfolio::ColumnBuf::nulls(0));
    let dates = dates
        .iter()
        .enumerate()
        .map(|(i, d)| d.ok_or_else(|| locate(cs_core::Error::missing(date).at(i))))
        .collect::<Result<Vec<_>, _>>()?;
    let flags = match extra {
        Some(r) => {
            let c = table
                .flag(r)
                .map_err(locate)?
                .ok_or_else(|| locate(cs_core::Error::missing(r)))?;
            (0..c.len())
                .map(|i| c.get(i).ok_or_else(|| locate(cs_core::Error::missing(r).at(i))))
                .collect::<Result<Vec<_>, _>>()?
        }
        None => Vec::new(),
    };
    Ok((accounts, dates, flags))
}

pub(crate) fn run(args: &LeadTimeArgs) -> Result<String, String> {
    let history = Loaded::read(&args.history)?;
    let churns = Loaded::read(&args.churns)?;
    let (accounts, dates, red) = read_pairs(&history, &args.account, &args.date, Some(&args.red))?;
    let (churned, churn_dates, _) = read_pairs(&churns, &args.account, &args.churn_date, None)?;
    let lead = red_lead_times(&accounts, &dates, &red, &churned, &churn_dates)
        .map_err(|e| format!("{} / {}: {e}", history.source, churns.source))?;
    if args.json {
        let doc = json!({"history": history.source, "churns": churns.source, "lead_times": lead});
        return crate::output::json(&doc);
    }
    let opt = |v: Option<f64>, pct: bool| {
        v.map_or_else(
            || "-".to_owned(),
            |v| {
                if pct {
                    format!("{:.1}%", 100.0 * v)
                } else {
                    format!("{v:.1}")
                }
            },
        )
    };
    let mut out = format!(
        "Red-band lead times: {} (history) and {} (churns)\n\n",
        history.source, churns.source
    );
    let mut s = TextTable::new([
        "churned",
        "flagged",
        "recall",
        "red retained",
        "precision",
        "mean lead",
        "median lead",
    ]);
    s.push(vec![
        lead.churned.to_string(),
        lead.flagged.to_string(),
        opt(lead.flagged_share, true),
        lead.red_retained.to_string(),
        opt(lead.red_precision, true),
        opt(lead.mean_lead_days, false),
        opt(lead.median_lead_days, false),
    ]);
    out += &s.render();
    let mut t = TextTable::new(["account", "churn date", "first red", "lead days"]);
    for a in &lead.accounts {
        t.push(vec![
            a.account.clone(),
            a.churn_date.to_string(),
            a.first_red.map_or_else(|| "never".to_owned(), |d| d.to_string()),
            a.lead_days.map_or_else(|| "-".to_owned(), |d| d.to_string()),
        ]);
    }
    out += "\nPer churned account:\n";
    out += &t.render();
    let _ = writeln!(
        out,
        "\nflagged: churned accounts red on or before churn (recall = flagged / churned); red\n\
         retained: red at some point without churning (precision = flagged / all red); lead in days."
    );
    Ok(out)
}
