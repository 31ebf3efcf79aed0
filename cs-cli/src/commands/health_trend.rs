//! `cs health-trend` and `cs health-override`: the health trend of each account over a score
//! history with the change explained per measure, and manual overrides applied to a
//! portfolio (cs-core's `health` trend and manual modules, through the pipeline's tables).

use std::fmt::Write as _;

use clap::Args;
use cs_core::health::{Override, Scorecard, TrendOptions};
use cs_core::pipeline::{Kind, Pipeline, apply_overrides, health_trends};
use serde_json::{Value, json};

use crate::output::{TextTable, json};
use crate::table_input::Loaded;

fn scorecard(path: Option<&str>) -> Result<Scorecard, String> {
    match path {
        Some(path) => {
            cs_arrow::files::read_document_as(std::path::Path::new(path)).map_err(|e| e.to_string())
        }
        None => Ok(Scorecard::default_card()),
    }
}

/// The measure columns of `card`, for `--help`.
fn measure_help(head: &str) -> String {
    let mut s = String::from(head);
    for c in Pipeline::default().input_columns().iter().filter(|c| {
        Scorecard::default_card()
            .all_measures()
            .any(|m| m.name == c.name || m.date_column_name() == c.name)
    }) {
        let _ = writeln!(s, "  {:<26} {:<7} {}", c.name, c.kind.as_str(), c.doc);
    }
    s += "(the built-in scorecard's measures; --scorecard for others)\n";
    s
}

fn trend_help() -> String {
    measure_help(
        "Input columns (CSV or Parquet), one row per account and scoring date:\n  \
         account_id                 label   the account\n  \
         date                       date    the scoring date (--date)\n",
    )
}

fn override_help() -> String {
    let mut s = measure_help(
        "Input columns of the portfolio (CSV or Parquet), one row per account:\n  \
         account_id                 label   the account\n",
    );
    s += "Columns of the overrides file (CSV or Parquet), one override per row:\n  \
          account_id  label   the account overridden\n  \
          score       number  a manual score 0..=100, or\n  \
          band        label   a manual band name (exactly one of score and band)\n  \
          reason      label   why (required)\n  \
          author      label   who (required)\n  \
          expires     date    last day in force (required)\n  \
          lower_only  flag    only apply when it lowers the score or band (optional)\n";
    s
}

#[derive(Args)]
#[command(after_long_help = trend_help())]
pub(crate) struct TrendArgs {
    /// Score history (CSV or Parquet): the scorecard's measures per account and date.
    file: String,
    /// Column of scoring dates.
    #[arg(long, default_value = "date")]
    date: String,
    /// Scorecard document (TOML, or JSON by extension); the built-in scorecard when omitted.
    #[arg(long)]
    scorecard: Option<String>,
    /// The window: compare the latest score with the earliest at most this many days older
    /// (default 90).
    #[arg(long)]
    window_days: Option<u32>,
    /// A move of at most this many points is flat (default 1).
    #[arg(long)]
    flat_within: Option<f64>,
    /// Measures listed per account in the change explanation.
    #[arg(long, default_value_t = 3)]
    explain: usize,
    /// Print JSON (every measure's change) instead of a table.
    #[arg(long)]
    json: bool,
}

pub(crate) fn trend(args: &TrendArgs) -> Result<String, String> {
    let card = scorecard(args.scorecard.as_deref())?;
    let d = TrendOptions::default();
    let options = TrendOptions {
        window_days: args.window_days.unwrap_or(d.window_days),
        flat_within: args.flat_within.unwrap_or(d.flat_within),
    };
    let pipeline = Pipeline {
        scorecard: card,
        ..Pipeline::default()
    };
    let loaded = Loaded::read(&args.file)?;
    let locate = |e: cs_core::Error| loaded.locate(e);
    let accounts = loaded.accounts(&pipeline)?;
    let table = accounts.table().map_err(locate)?;
    let dates = loaded.convert(&[(args.date.as_str(), Kind::Date)], &[args.date.as_str()])?;
    let date_table = dates.table().map_err(locate)?;
    let date_column = date_table
        .date(&args.date)
        .map_err(locate)?
        .ok_or_else(|| locate(cs_core::Error::missing(args.date.as_str())))?;
    let trends = health_trends(&pipeline.scorecard, &table, date_column, options).map_err(locate)?;
    if args.json {
        let rows: Vec<Value> = trends
            .iter()
            .map(|(id, t)| json!({"account_id": id, "trend": t}))
            .collect();
        return json(
            &json!({"source": loaded.source, "scorecard": pipeline.scorecard.name,
            "window_days": options.window_days, "flat_within": options.flat_within, "accounts": rows}),
        );
    }
    let num = |v: Option<f64>, plus: bool| {
        v.map_or_else(
            || "-".to_owned(),
            |v| {
                if plus {
                    format!("{v:+.1}")
                } else {
                    format!("{v:.1}")
                }
            },
        )
    };
    let mut t = TextTable::new([
        "account",
        "from",
        "to",
        "score",
        "delta",
        "direction",
        "band",
        "largest changes",
    ]);
    for (id, tr) in &trends {
        let band = match (&tr.from_band, &tr.to_band) {
            (Some(a), Some(b)) if tr.band_changed => format!("{a} -> {b}"),
            (_, Some(b)) => b.clone(),
            _ => "-".into(),
        };
        let changes: Vec<String> = tr
            .changes
            .iter()
            .filter(|c| c.change != 0.0)
            .take(args.explain)
            .map(|c| format!("{} {:+.1}", c.measure, c.change))
            .collect();
        t.push(vec![
            id.clone(),
            tr.from.to_string(),
            tr.to.to_string(),
            format!("{} -> {}", num(tr.from_score, false), num(tr.to_score, false)),
            num(tr.delta, true),
            tr.direction
                .map_or_else(|| "-".to_owned(), |d| format!("{d:?}").to_lowercase()),
            band,
            changes.join(", "),
        ]);
    }
    let mut out = format!(
        "Health trend of {} ({} accounts), scorecard \"{}\", window {} days\n\n",
        loaded.source,
        trends.len(),
        pipeline.scorecard.name,
        options.window_days
    );
    out += &t.render();
    let _ = writeln!(
        out,
        "\nEach row is scored on its own date; delta = latest - earliest score in the window (flat\n\
         within {} points); the changes are the points each measure added to or took from the move.",
        options.flat_within
    );
    Ok(out)
}

#[derive(Args)]
#[command(after_long_help = override_help())]
pub(crate) struct OverrideArgs {
    /// Portfolio (CSV or Parquet) with the scorecard's measures.
    file: String,
    /// Overrides (CSV or Parquet), one per row.
    #[arg(long)]
    overrides: String,
    /// The scoring date (YYYY-MM-DD).
    #[arg(long)]
    as_of: String,
    /// Scorecard document (TOML, or JSON by extension); the built-in scorecard when omitted.
    #[arg(long)]
    scorecard: Option<String>,
    /// Print JSON (the explained scores) instead of a table.
    #[arg(long)]
    json: bool,
}

/// The overrides of a file, one per row, as (account id, override).
fn read_overrides(loaded: &Loaded) -> Result<Vec<(String, Override)>, String> {
    let locate = |e: cs_core::Error| loaded.locate(e);
    let columns = loaded.convert(
        &[
            ("account_id", Kind::Label),
            ("score", Kind::Number),
            ("band", Kind::Label),
            ("reason", Kind::Label),
            ("author", Kind::Label),
            ("expires", Kind::Date),
            ("lower_only", Kind::Flag),
        ],
        &["account_id", "reason", "author", "expires"],
    )?;
    let table = columns.table().map_err(locate)?;
    let labels = |name: &str| -> Result<Vec<Option<&str>>, String> {
        Ok(table
            .labels(name)
            .map_err(locate)?
            .unwrap_or_else(|| vec![None; loaded.len()]))
    };
    let (ids, bands, reasons, authors) = (
        labels("account_id")?,
        labels("band")?,
        labels("reason")?,
        labels("author")?,
    );
    let scores = table.number("score").map_err(locate)?;
    let lower = table.flag("lower_only").map_err(locate)?;
    let expires = cs_core::pipeline::dates(&table, "expires")
        .map_err(locate)?
        .ok_or_else(|| locate(cs_core::Error::missing("expires")))?;
    (0..loaded.len())
        .map(|i| {
            let id = ids[i].ok_or_else(|| locate(cs_core::Error::missing("account_id").at(i)))?;
            let manual = Override {
                score: scores.as_ref().and_then(|s| s.get(i)),
                band: bands[i].map(str::to_owned),
                reason: reasons[i].unwrap_or("").to_owned(),
                author: authors[i].unwrap_or("").to_owned(),
                expires: expires
                    .get(i)
                    .ok_or_else(|| locate(cs_core::Error::missing("expires").at(i)))?,
                lower_only: lower.and_then(|l| l.get(i)).unwrap_or(false),
            };
            Ok((id.to_owned(), manual))
        })
        .collect()
}

pub(crate) fn overrides(args: &OverrideArgs) -> Result<String, String> {
    let as_of = crate::args::date_arg(&args.as_of, "--as-of")?;
    let pipeline = Pipeline {
        scorecard: scorecard(args.scorecard.as_deref())?,
        ..Pipeline::default()
    };
    let portfolio = Loaded::read(&args.file)?;
    let accounts = portfolio.accounts(&pipeline)?;
    let table = accounts.table().map_err(|e| portfolio.locate(e))?;
    let file = Loaded::read(&args.overrides)?;
    let manual = read_overrides(&file)?;
    let scores = apply_overrides(&pipeline.scorecard, &table, as_of, &manual).map_err(|e| file.locate(e))?;
    if args.json {
        let rows: Vec<Value> = manual
            .iter()
            .zip(&scores)
            .map(|((id, _), s)| json!({"account_id": id, "health": s}))
            .collect();
        return json(
            &json!({"source": portfolio.source, "overrides": file.source, "as_of": as_of, "accounts": rows}),
        );
    }
    let num = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"));
    let mut t = TextTable::new([
        "account", "computed", "shown", "status", "expires", "author", "reason",
    ]);
    for ((id, m), s) in manual.iter().zip(&scores) {
        let Some(o) = &s.override_outcome else { continue };
        t.push(vec![
            id.clone(),
            format!(
                "{} {}",
                num(o.computed_score),
                o.computed_band.as_deref().unwrap_or("-")
            ),
            format!("{} {}", num(s.score), s.band.as_deref().unwrap_or("-")),
            serde_json::to_value(o.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            m.expires.to_string(),
            m.author.clone(),
            m.reason.clone(),
        ]);
    }
    let mut out = format!(
        "Manual health overrides of {} on {} as of {as_of}, scorecard \"{}\"\n\n",
        file.source, portfolio.source, pipeline.scorecard.name
    );
    out += &t.render();
    out += "\napplied: in force; expired: past its expiry date; not_lower: a lower-only exception that\n\
            would not lower the score. Scores and bands shown are what the account shows.\n";
    Ok(out)
}
