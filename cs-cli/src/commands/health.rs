//! `cs score`: health scores of a portfolio CSV with a scorecard, and a summary (% per band, ARR
//! share, rollups by segment and CSM, the worst accounts and what drags them down).
//! `cs portfolio`: a synthetic portfolio CSV.

use std::fmt::Write as _;
use std::io::Write;
use std::time::Instant;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::Field;
use clap::Args;
use cs_arrow::AccountBatch;
use cs_arrow::health::{RollupColumns, append_columns, health_rollup, score_columns};
use cs_core::Error;
use cs_core::document::Document;
use cs_core::health::{BatchScores, HealthRollup, Scorecard, ScorecardSet};
use cs_core::pipeline::{explain_row, health_columns, score_health_set};
use cs_core::sample::SyntheticPortfolio;
use serde_json::json;

use crate::output::TextTable;
use crate::table_input::Loaded;

/// Rows between two progress lines on stderr.
const PROGRESS_EVERY: usize = 1_000_000;
/// Seed of the built-in sample portfolio.
const SAMPLE_SEED: u64 = 42;

#[derive(Args)]
pub(crate) struct ScoreArgs {
    /// Portfolio CSV, one account per row and a column per measure (empty cell = missing); the
    /// built-in sample portfolio when omitted.
    file: Option<String>,
    /// Scorecard (or scorecard set) in TOML, or JSON when the name ends in .json; the built-in
    /// default scorecard when omitted.
    #[arg(long)]
    scorecard: Option<String>,
    /// Scoring date, YYYY-MM-DD (default: today).
    #[arg(long)]
    as_of: Option<String>,
    /// Write every account's score: OUT.csv (the input columns plus score, band, coverage,
    /// driver) or OUT.json.
    #[arg(short, long, value_name = "OUT")]
    output: Option<String>,
    /// Roll up by this column (repeat for several); default segment and csm when present.
    #[arg(long)]
    by: Vec<String>,
    /// Column of ARR in minor units (cents), used when present.
    #[arg(long, default_value = "arr")]
    arr: String,
    /// Column naming each account in the list of worst accounts.
    #[arg(long, default_value = "account_id")]
    id: String,
    /// Number of worst accounts listed.
    #[arg(long, default_value_t = 10)]
    worst: usize,
    /// Accounts in the built-in sample portfolio (used when no file is given).
    #[arg(long, default_value_t = 5000)]
    sample_rows: usize,
    /// Print the summary as JSON instead of tables.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub(crate) struct PortfolioArgs {
    /// Number of accounts.
    #[arg(long, default_value_t = 1000)]
    rows: usize,
    /// Seed: the same seed gives the same accounts.
    #[arg(long, default_value_t = SAMPLE_SEED)]
    seed: u64,
    /// The date the portfolio describes, YYYY-MM-DD (default: today).
    #[arg(long)]
    as_of: Option<String>,
    /// Output CSV (default: standard output).
    #[arg(short, long, value_name = "OUT")]
    output: Option<String>,
}

/// `cs portfolio`.
pub(crate) fn portfolio(args: &PortfolioArgs) -> Result<String, String> {
    let as_of = crate::args::as_of_or_today(args.as_of.as_deref())?;
    let p =
        SyntheticPortfolio::try_generate(args.rows, args.seed, as_of).map_err(|e| format!("--rows: {e}"))?;
    let Some(path) = &args.output else {
        let mut buf = Vec::new();
        p.write_csv(&mut buf).map_err(|e| e.to_string())?;
        return String::from_utf8(buf).map_err(|e| e.to_string());
    };
    cs_arrow::files::write_atomically(std::path::Path::new(path), |out| {
        p.write_csv(out).map_err(|e| e.to_string())
    })
    .map_err(|e| e.to_string())?;
    Ok(format!(
        "wrote {} accounts (seed {}, as of {as_of}) to {path}\n",
        args.rows, args.seed
    ))
}

/// One scorecard or a set assigning scorecards by segment.
enum Cards {
    One(Scorecard),
    Set(ScorecardSet),
}

impl Cards {
    fn read(path: Option<&str>) -> Result<Cards, String> {
        let Some(path) = path else {
            return Ok(Cards::One(Scorecard::default_card()));
        };
        let text = cs_arrow::files::read_document(std::path::Path::new(path)).map_err(|e| e.to_string())?;
        let json = std::path::Path::new(path)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let is_set = text.contains("scorecards");
        let result = match (json, is_set) {
            (false, false) => Scorecard::from_toml(&text).map(Cards::One),
            (true, false) => Scorecard::from_json(&text).map(Cards::One),
            (false, true) => ScorecardSet::from_toml(&text).map(Cards::Set),
            (true, true) => ScorecardSet::from_json(&text).map(Cards::Set),
        };
        result.map_err(|e| format!("{path}: {e}"))
    }

    /// The scorecards as one set (a single scorecard is a set of one).
    fn set(&self) -> ScorecardSet {
        match self {
            Cards::One(c) => ScorecardSet::single(c.clone()),
            Cards::Set(s) => s.clone(),
        }
    }

    fn list(&self) -> Vec<&Scorecard> {
        match self {
            Cards::One(c) => vec![c],
            Cards::Set(s) => s.scorecards.iter().collect(),
        }
    }

    fn label(&self) -> String {
        match self {
            Cards::One(c) => format!("scorecard {:?}", c.name),
            Cards::Set(s) => {
                let names: Vec<&str> = s.scorecards.iter().map(|c| c.name.as_str()).collect();
                format!("scorecards {} (default {:?})", names.join(", "), s.default)
            }
        }
    }
}

/// A text column of the portfolio (rollup keys, account names); blank or null is "".
struct Named {
    name: String,
    values: Vec<Option<String>>,
}

impl Named {
    fn text(&self, i: usize) -> &str {
        self.values[i].as_deref().unwrap_or("")
    }
}

/// What `cs score` reads from the portfolio: the health columns of the scorecards through
/// cs-arrow's cell grammar, the rollup key columns, the account names and the ARR column.
struct Portfolio {
    loaded: Loaded,
    health: AccountBatch,
    keys: Vec<Named>,
    id: Option<Named>,
    arr: Option<String>,
}

impl Portfolio {
    fn read(args: &ScoreArgs, set: &ScorecardSet, loaded: Loaded) -> Result<Portfolio, String> {
        let headers = loaded.headers();
        let require = |name: &str| {
            if loaded.has(name) {
                Ok(())
            } else {
                Err(format!(
                    "{}: no column {name:?} (columns: {})",
                    loaded.source,
                    headers.join(", ")
                ))
            }
        };
        for m in set.scorecards.iter().flat_map(Scorecard::all_measures) {
            require(&m.name)?;
        }
        let health = AccountBatch::with_columns(&loaded.batch, &health_columns(set), None)
            .map_err(|e| loaded.locate(e))?;
        let named = |name: &str| -> Result<Named, String> {
            Ok(Named {
                name: name.to_owned(),
                values: loaded.texts(name)?,
            })
        };
        let mut keys = Vec::new();
        if args.by.is_empty() {
            for k in ["segment", "csm"] {
                if loaded.has(k) {
                    keys.push(named(k)?);
                }
            }
        } else {
            for k in &args.by {
                require(k)?;
                keys.push(named(k)?);
            }
        }
        let id = if loaded.has(&args.id) {
            Some(named(&args.id)?)
        } else {
            None
        };
        let arr = loaded.has(&args.arr).then(|| args.arr.clone());
        Ok(Portfolio {
            loaded,
            health,
            keys,
            id,
            arr,
        })
    }

    fn len(&self) -> usize {
        self.loaded.len()
    }

    /// Where row `i` is in the file: its line in a CSV file (the header is line 1), its row
    /// number otherwise.
    fn line(&self, i: usize) -> usize {
        if self.loaded.csv { i + 2 } else { i + 1 }
    }

    /// The rollup keys, the ARR column and the result columns, as one table for the table
    /// layer's rollup (result columns are named so that no input column can clash).
    fn rollup_table(&self, results: &[(Field, ArrayRef)]) -> Result<RecordBatch, String> {
        let mut columns: Vec<(Field, ArrayRef)> = Vec::new();
        let names = self
            .keys
            .iter()
            .map(|k| k.name.as_str())
            .chain(self.arr.as_deref());
        for name in names {
            let array = cs_arrow::column(&self.loaded.batch, name).map_err(|e| self.loaded.locate(e))?;
            columns.push((Field::new(name, array.data_type().clone(), true), array.clone()));
        }
        for (field, array) in results.iter().take(2) {
            let name = format!("cs:{}", field.name());
            columns.push((field.clone().with_name(name), array.clone()));
        }
        cs_arrow::output::batch(columns).map_err(|e| self.loaded.locate(e))
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn points(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"))
}

use cs_report::grouped as thousands;

/// `cs score`.
pub(crate) fn score(args: &ScoreArgs) -> Result<String, String> {
    if let Some(out) = &args.output {
        let inputs = [&args.file, &args.scorecard].into_iter().flatten();
        cs_arrow::files::refuse_input_as_output(std::path::Path::new(out), &inputs.collect::<Vec<_>>())
            .map_err(|e| e.to_string())?;
    }
    let as_of = crate::args::as_of_or_today(args.as_of.as_deref())?;
    let cards = Cards::read(args.scorecard.as_deref())?;
    let started = Instant::now();
    // Without a file: the built-in sample portfolio, generated as of the scoring date, as one
    // table (no CSV text in between).
    let loaded = if let Some(path) = &args.file {
        Loaded::read(path)?
    } else {
        let sample = SyntheticPortfolio::try_generate(args.sample_rows, SAMPLE_SEED, as_of)
            .map_err(|e| format!("--sample-rows: {e}"))?;
        Loaded {
            source: format!("the built-in sample portfolio (seed {SAMPLE_SEED})"),
            batch: cs_arrow::sample::synthetic_batch(&sample).map_err(|e| e.to_string())?,
            csv: false,
        }
    };
    let set = cards.set();
    let portfolio = Portfolio::read(args, &set, loaded)?;
    let n = portfolio.len();
    let large = n >= PROGRESS_EVERY;
    if large {
        eprintln!(
            "cs score: read {} accounts, scoring ({:.1}s)",
            thousands(n as u64),
            started.elapsed().as_secs_f64()
        );
    }
    let locate = |e: Error| portfolio.loaded.locate(e);
    let table = portfolio.health.table().map_err(locate)?;
    let scores = score_health_set(&set, &table, as_of).map_err(locate)?;
    if large {
        eprintln!("cs score: scored ({:.1}s)", started.elapsed().as_secs_f64());
    }

    // The rollups by the table layer (cs-arrow): keys by its group rule, ARR by the cell
    // grammar, over the result columns of this run.
    let band_names = cs_arrow::health::band_names(&scores);
    let results = score_columns(scores.clone(), None).map_err(locate)?;
    let rollup_batch = portfolio.rollup_table(&results)?;
    let (score_col, band_col) = ("cs:score", "cs:band");
    let spec = RollupColumns {
        by: &[],
        arr: portfolio.arr.as_deref(),
        score: score_col,
        band: band_col,
        band_names: &band_names,
    };
    let all = health_rollup(&rollup_batch, &spec).map_err(locate)?.all;
    let mut rollups: Vec<(String, Vec<HealthRollup>)> = Vec::new();
    for key in &portfolio.keys {
        let by = [key.name.clone()];
        let table = health_rollup(&rollup_batch, &RollupColumns { by: &by, ..spec }).map_err(locate)?;
        rollups.push((key.name.clone(), table.rows().to_vec()));
    }
    let worst = scores.worst(args.worst);

    let mut note = String::new();
    if let Some(out) = &args.output {
        write_output(out, &portfolio, &scores, results)?;
        let _ = writeln!(note, "\nWrote {} scored accounts to {out}.", thousands(n as u64));
    }
    if large {
        eprintln!("cs score: done ({:.1}s)", started.elapsed().as_secs_f64());
    }
    let cards_for_rows = cards.list();
    let card_of = |row: usize| cards_for_rows[usize::from(scores.scorecard[row])];
    let explain_driver = |row: usize| -> (String, Option<f64>) {
        let Some(driver) = scores.driver_name(row) else {
            return ("-".to_owned(), None);
        };
        let lost = explain_row(card_of(row), &table, row, as_of).ok().and_then(|h| {
            h.contributions
                .iter()
                .find(|c| c.measure == driver)
                .map(cs_core::health::Contribution::points_lost)
        });
        (driver.to_owned(), lost)
    };

    if args.json {
        let shares = |v: &[f64]| -> serde_json::Map<String, serde_json::Value> {
            band_names
                .iter()
                .cloned()
                .zip(v.iter().map(|x| json!(x)))
                .collect()
        };
        let rollup_json = |r: &HealthRollup| {
            json!({
                "key": r.key, "accounts": r.accounts, "scored": r.scored, "insufficient": r.insufficient,
                "mean": r.mean, "arr_weighted_mean": r.arr_weighted_mean,
                "band_share": shares(&r.band_share),
                "arr_share": shares(&r.arr_share_by_band),
                "arr": r.arr,
            })
        };
        let by: serde_json::Map<String, serde_json::Value> = rollups
            .iter()
            .map(|(k, rs)| (k.clone(), rs.iter().map(rollup_json).collect()))
            .collect();
        let worst_json: Vec<serde_json::Value> = worst
            .iter()
            .map(|&i| {
                let (driver, lost) = explain_driver(i);
                json!({
                    "line": portfolio.line(i),
                    "account": portfolio.id.as_ref().map(|p| p.text(i)),
                    "score": scores.score.get(i), "band": scores.band_name(i),
                    "coverage": scores.coverage[i], "driver": driver, "driver_points_lost": lost,
                })
            })
            .collect();
        let doc = json!({
            "source": portfolio.loaded.source, "as_of": as_of.to_string(), "scorecard": cards.label(),
            "bands": band_names, "all": rollup_json(&all), "by": by, "worst": worst_json,
        });
        return crate::output::json(&doc);
    }

    let mut out = format!(
        "Health of {} accounts: {}, {}, as of {as_of}\n\n",
        thousands(n as u64),
        portfolio.loaded.source,
        cards.label()
    );
    let has_arr = portfolio.arr.is_some();
    let mut bands = TextTable::new(if has_arr {
        vec!["band", "accounts", "share", "ARR share"]
    } else {
        vec!["band", "accounts", "share"]
    });
    for k in (0..band_names.len()).rev() {
        let mut row = vec![
            band_names[k].clone(),
            thousands(all.band_counts[k]),
            pct(all.band_share[k]),
        ];
        if has_arr {
            row.push(pct(all.arr_share_by_band[k]));
        }
        bands.push(row);
    }
    if all.insufficient > 0 {
        let mut row = vec![
            "insufficient data".to_owned(),
            thousands(all.insufficient),
            "-".to_owned(),
        ];
        if has_arr {
            row.push("-".to_owned());
        }
        bands.push(row);
    }
    out += &bands.render();
    let _ = write!(out, "\nMean score {}", points(all.mean));
    if has_arr {
        let _ = write!(out, ", ARR-weighted mean {}", points(all.arr_weighted_mean));
    }
    out += " (bands use the unrounded score).\n";
    for (key, rs) in &rollups {
        let _ = writeln!(out, "\nBy {key}");
        let mut headers = vec![key.clone(), "accounts".into(), "mean".into()];
        if has_arr {
            headers.push("ARR-wtd".into());
        }
        for b in band_names.iter().rev() {
            headers.push(format!("% {b}"));
        }
        if has_arr {
            for b in band_names.iter().rev() {
                headers.push(format!("ARR % {b}"));
            }
        }
        let mut t = TextTable::new(headers);
        for r in rs {
            let mut row = vec![r.key.clone(), thousands(r.accounts), points(r.mean)];
            if has_arr {
                row.push(points(r.arr_weighted_mean));
            }
            for k in (0..band_names.len()).rev() {
                row.push(pct(r.band_share[k]));
            }
            if has_arr {
                for k in (0..band_names.len()).rev() {
                    row.push(pct(r.arr_share_by_band[k]));
                }
            }
            t.push(row);
        }
        out += &t.render();
    }
    if !worst.is_empty() {
        let _ = writeln!(out, "\nWorst {} accounts", worst.len());
        let mut headers: Vec<String> = vec![
            portfolio
                .id
                .as_ref()
                .map_or_else(|| "line".to_owned(), |p| p.name.clone()),
        ];
        headers.extend(portfolio.keys.iter().map(|k| k.name.clone()));
        headers
            .extend(["score", "band", "coverage", "top negative driver", "points lost"].map(str::to_owned));
        let mut t = TextTable::new(headers);
        for &i in &worst {
            let mut row = vec![
                portfolio
                    .id
                    .as_ref()
                    .map_or_else(|| portfolio.line(i).to_string(), |p| p.text(i).to_owned()),
            ];
            row.extend(portfolio.keys.iter().map(|k| k.text(i).to_owned()));
            let (driver, lost) = explain_driver(i);
            row.extend([
                points(scores.score.get(i)),
                scores.band_name(i).unwrap_or("-").to_owned(),
                pct(scores.coverage[i]),
                driver,
                points(lost),
            ]);
            t.push(row);
        }
        out += &t.render();
    }
    out += "\nScore 0-100 = Σ effective weight × measure score; the driver is the measure losing the most\n\
            points (effective weight × (100 − measure score)). Missing measures are handled by the\n\
            scorecard's missing-data policy; stale values count as missing.\n";
    out += &note;
    Ok(out)
}

fn write_output(
    path: &str,
    portfolio: &Portfolio,
    scores: &BatchScores,
    results: Vec<(Field, ArrayRef)>,
) -> Result<(), String> {
    // Written to a temporary file beside `path` and renamed over it at the end, so a run that
    // fails or is killed leaves the previous output whole.
    let target = std::path::Path::new(path);
    if !target.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        // CSV or Parquet by extension: the input columns as read, plus the four results.
        let batch =
            append_columns(&portfolio.loaded.batch, results).map_err(|e| portfolio.loaded.locate(e))?;
        return cs_arrow::files::write_table(target, &batch).map_err(|e| e.to_string());
    }
    cs_arrow::files::write_atomically(target, |out| {
        let err = |e: &dyn std::fmt::Display| e.to_string();
        let mut out = out;
        out.write_all(b"[\n").map_err(|e| err(&e))?;
        for i in 0..portfolio.len() {
            let row = json!({
                "line": portfolio.line(i),
                "account": portfolio.id.as_ref().map(|p| p.text(i)),
                "score": scores.score.get(i), "band": scores.band_name(i),
                "coverage": scores.coverage[i], "driver": scores.driver_name(i),
            });
            let sep = if i + 1 < portfolio.len() { ",\n" } else { "\n" };
            serde_json::to_writer(&mut out, &row).map_err(|e| err(&e))?;
            out.write_all(sep.as_bytes()).map_err(|e| err(&e))?;
        }
        out.write_all(b"]\n").map_err(|e| err(&e))?;
        out.flush().map_err(|e| err(&e))
    })
    .map_err(|e| e.to_string())
}
