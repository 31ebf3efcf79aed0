//! `cs health-history`: the band mix (accounts and ARR) of every snapshot date of a health
//! history, and the share of accounts moving between bands from one date to the next
//! ([`cs_core::pipeline::health_history`] through cs-arrow).

use std::fmt::Write as _;
use std::path::Path;

use clap::Args;
use cs_core::health::{BandTransition, Scorecard};
use cs_report::grouped as thousands;

use crate::output::{TextTable, json};
use crate::table_input::Loaded;

#[derive(Args)]
pub(crate) struct HistoryArgs {
    /// Health history (CSV or Parquet): one row per account (account_id) and snapshot date,
    /// with the scorecard's measures; e.g. examples/data/omnico/health_history.parquet.
    file: String,
    /// Column of snapshot dates (each row is scored on its own date).
    #[arg(long, default_value = "date")]
    date: String,
    /// Column of ARR in integer minor units (ARR per band); `arr` when the file has it.
    #[arg(long)]
    arr: Option<String>,
    /// Scorecard document (TOML, or JSON by extension or content); the built-in scorecard
    /// when omitted.
    #[arg(long)]
    scorecard: Option<String>,
    /// Snapshot dates listed in the band-mix table, the latest ones (all with --json).
    #[arg(long, default_value_t = 12)]
    last: usize,
    /// Print JSON (every date's mix, every step's matrix) instead of tables.
    #[arg(long)]
    json: bool,
}

/// `cs health-history`.
pub(crate) fn run(args: &HistoryArgs) -> Result<String, String> {
    let card = match &args.scorecard {
        Some(p) => cs_arrow::files::read_document_as::<Scorecard>(Path::new(p)).map_err(|e| e.to_string())?,
        None => Scorecard::default_card(),
    };
    let loaded = Loaded::read(&args.file)?;
    let arr = args
        .arr
        .clone()
        .or_else(|| loaded.has("arr").then(|| "arr".to_owned()));
    let h = cs_arrow::health::health_history(&loaded.batch, &card, &args.date, arr.as_deref())
        .map_err(|e| loaded.locate(e))?;
    if args.json {
        return json(&serde_json::json!({
            "source": loaded.source,
            "scorecard": card.name,
            "history": h,
        }));
    }
    let mut out = format!(
        "Health history of {} ({} snapshot dates), scorecard \"{}\"\n\n",
        loaded.source,
        h.mix.len(),
        card.name
    );
    let mut headers = vec!["date".to_owned(), "accounts".to_owned()];
    headers.extend(h.bands.iter().cloned());
    headers.push("no score".into());
    if arr.is_some() {
        headers.extend(h.bands.iter().map(|b| format!("{b} ARR")));
    }
    let mut mix = TextTable::new(headers);
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    for m in h.mix.iter().skip(h.mix.len().saturating_sub(args.last)) {
        let mut row = vec![m.key.clone(), thousands(m.accounts)];
        row.extend(m.band_share.iter().map(|&s| pct(s)));
        row.push(pct(m.insufficient_share));
        if arr.is_some() {
            row.extend(m.arr_share_by_band.iter().map(|&s| pct(s)));
        }
        mix.push(row);
    }
    out += "Band mix (share of all accounts; ARR: share of all ARR):\n";
    out += &mix.render();
    if let Some(total) = &h.transitions.total {
        let _ = writeln!(
            out,
            "\nBand moves between consecutive snapshots, {} to {} ({} steps):",
            total.from,
            total.to,
            h.transitions.steps.len()
        );
        out += &matrix(&h.transitions.states, total);
        let _ = writeln!(
            out,
            "\n{} of {} account-steps changed band ({}); {} entered, {} left.",
            thousands(total.moved),
            thousands(total.stayed),
            pct(total.moved_share),
            thousands(total.entered_total),
            thousands(total.left_total),
        );
        if let Some(last) = h.transitions.steps.last() {
            let _ = writeln!(out, "\nLatest step, {} to {}:", last.from, last.to);
            out += &matrix(&h.transitions.states, last);
        }
    }
    Ok(out)
}

/// A transition matrix as a table: one row per state moved from, the share of its accounts
/// in each state moved to.
fn matrix(states: &[String], t: &BandTransition) -> String {
    let mut headers = vec!["from \\ to".to_owned(), "accounts".to_owned()];
    headers.extend(states.iter().cloned());
    let mut table = TextTable::new(headers);
    for (s, name) in states.iter().enumerate() {
        let mut row = vec![name.clone(), thousands(t.from_totals[s])];
        row.extend(t.shares[s].iter().map(|&x| format!("{:.1}%", 100.0 * x)));
        table.push(row);
    }
    table.render()
}
