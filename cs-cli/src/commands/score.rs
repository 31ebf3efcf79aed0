//! `cs score`: health scores of a portfolio file with a scorecard, and a summary (% per band,
//! ARR share, rollups by segment and CSM, the worst accounts and what drags them down).
//!
//! The file is streamed: batches are read (on a thread of their own) through cs-arrow, each
//! batch is scored, rolled up and written before the next, so memory stays at a few batches
//! whatever the file's size. The rollups accumulate in row order across batches and the worst
//! accounts are merged by (score, row), so the summary and the output file are those of one
//! pass over the whole table.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use clap::Args;
use cs_arrow::AccountBatch;
use cs_arrow::files::{AtomicFile, ReadAhead, ReadProgress, TableBatches, TableWriter, locate_in_batch};
use cs_arrow::groups::Groups;
use cs_arrow::health::{BatchRollups, append_columns, band_names, score_columns};
use cs_core::document::Document;
use cs_core::health::{BatchScores, HealthRollup, Scorecard, ScorecardSet};
use cs_core::pipeline::{AccountTable, explain_row, health_columns, score_health_set};
use cs_core::sample::SyntheticPortfolio;
use cs_report::grouped as thousands;
use serde_json::json;

use super::health::SAMPLE_SEED;
use crate::output::TextTable;
use crate::progress::Progress;

/// Rows per batch read, scored and written.
const BATCH_ROWS: usize = 64 * 1024;
/// Batches decoded ahead of the one being scored.
const READ_AHEAD: usize = 1;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct ScoreArgs {
    /// `fit` the scorecard's weights to past renewal outcomes; without it, score a portfolio.
    #[command(subcommand)]
    action: Option<ScoreAction>,
    /// Portfolio CSV or Parquet file, one account per row and a column per measure (empty
    /// cell = missing); the built-in sample portfolio when omitted.
    file: Option<String>,
    /// Scorecard (or scorecard set) in TOML, or JSON when the name ends in .json; the built-in
    /// default scorecard when omitted.
    #[arg(long)]
    scorecard: Option<String>,
    /// Scoring date, YYYY-MM-DD (default: today).
    #[arg(long)]
    as_of: Option<String>,
    /// Write every account's score: OUT.csv or OUT.parquet (the input columns plus score,
    /// band, coverage, driver) or OUT.json.
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
    /// Rows per batch streamed through the scorer (results do not depend on it; for tests).
    #[arg(long, default_value_t = BATCH_ROWS, hide = true)]
    batch_rows: usize,
}

/// `cs score fit`.
#[derive(clap::Subcommand)]
pub(crate) enum ScoreAction {
    /// Fit the scorecard's group and measure weights to past renewals (which weights best
    /// rank churners below renewals), with the held-out AUC of the current and the proposed
    /// card and their paired DeLong test; writes the proposed card with -o.
    Fit(super::score_fit::ScoreFitArgs),
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
        let text = cs_arrow::files::read_document(Path::new(path)).map_err(|e| e.to_string())?;
        let json = cs_arrow::files::document_is_json(Path::new(path), &text);
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

/// Where the batches come from: a file read ahead on its own thread, or the built-in sample
/// (one table in memory, handed out in slices).
enum Batches {
    File(ReadAhead),
    Sample {
        table: RecordBatch,
        next: usize,
        rows: usize,
    },
}

impl Batches {
    fn schema(&self) -> SchemaRef {
        match self {
            Batches::File(r) => r.schema(),
            Batches::Sample { table, .. } => table.schema(),
        }
    }

    fn next_batch(&mut self) -> Option<Result<RecordBatch, String>> {
        match self {
            Batches::File(r) => r.next().map(|b| b.map_err(|e| e.to_string())),
            Batches::Sample { table, next, rows } => {
                // At least one (maybe empty) slice.
                if *next > 0 && *next >= table.num_rows() {
                    return None;
                }
                let len = (*rows).min(table.num_rows() - *next);
                let batch = table.slice(*next, len);
                *next += len.max(1);
                Some(Ok(batch))
            }
        }
    }
}

/// The portfolio being read: what to call it, where its rows are, and the columns `cs score`
/// reads besides the measures.
struct Source {
    name: String,
    /// Row `i` is on line `i + 2` (a CSV file with a header line).
    csv: bool,
    keys: Vec<String>,
    id: Option<String>,
    arr: Option<String>,
}

impl Source {
    /// Where row `i` of the table is in the file: its line in a CSV file (the header is line
    /// 1), its row number otherwise.
    fn line(&self, i: usize) -> usize {
        if self.csv { i + 2 } else { i + 1 }
    }

    /// A core error of the batch starting at row `first`, placed in the file.
    fn locate(&self, first: usize, e: cs_core::Error) -> String {
        locate_in_batch(&self.name, self.csv, first, e)
    }
}

/// One of the worst accounts, with what the summary shows of it (taken while its batch is
/// at hand).
struct Worst {
    row: usize,
    score: f64,
    account: Option<String>,
    keys: Vec<String>,
    band: Option<String>,
    coverage: f64,
    driver: String,
    lost: Option<f64>,
}

/// Where every account's score goes.
enum Output {
    /// A CSV or Parquet file, opened at the first batch (its columns are the input's and the
    /// result's).
    Table {
        path: String,
        writer: Option<TableWriter>,
    },
    Json {
        file: AtomicFile,
        rows: usize,
    },
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn points(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"))
}

/// The text of row `row` of column `name` of `batch` by the cell grammar ("" when blank).
fn cell_text(batch: &RecordBatch, name: &str, row: usize) -> Result<String, cs_core::Error> {
    let array = cs_arrow::column(batch, name)?;
    let texts = cs_arrow::cells::texts(&array.slice(row, 1), name)?;
    Ok(texts.into_iter().next().flatten().unwrap_or_default())
}

/// What one batch contributes: scores, rollups, worst candidates and output rows.
struct Run<'a> {
    args: &'a ScoreArgs,
    cards: &'a Cards,
    set: ScorecardSet,
    as_of: chrono::NaiveDate,
    source: Source,
    rollups: Option<BatchRollups>,
    band_names: Vec<String>,
    worst: Vec<Worst>,
    output: Option<Output>,
    rows: usize,
}

impl Run<'_> {
    fn batch(&mut self, batch: &RecordBatch) -> Result<(), String> {
        let first = self.rows;
        let (name, csv) = (self.source.name.clone(), self.source.csv);
        let locate = |e| locate_in_batch(&name, csv, first, e);
        let health = AccountBatch::with_columns(batch, &health_columns(&self.set), None).map_err(locate)?;
        let table = health.table().map_err(locate)?;
        let scores = score_health_set(&self.set, &table, self.as_of).map_err(locate)?;
        if self.rollups.is_none() {
            self.band_names = band_names(&scores);
            let rollups = BatchRollups::new(&self.source.keys, self.source.arr.as_deref(), &self.band_names);
            self.rollups = Some(rollups.map_err(locate)?);
        }
        let Some(rollups) = self.rollups.as_mut() else {
            return Ok(());
        };
        // Rollup errors already name the row in the whole table.
        let groups = rollups
            .add(batch, &scores)
            .map_err(|e| self.source.locate(0, e))?;
        self.worst_of(batch, &scores, &table, &groups)?;
        match &mut self.output {
            None => {}
            Some(Output::Json { file, rows }) => {
                json_rows(file, rows, batch, &scores, &self.source, first).map_err(locate)?;
            }
            Some(Output::Table { path, writer }) => {
                let results = score_columns(scores, None).map_err(locate)?;
                let scored = append_columns(batch, results).map_err(locate)?;
                if writer.is_none() {
                    let created = TableWriter::create(Path::new(path), scored.schema());
                    *writer = Some(created.map_err(|e| e.to_string())?);
                }
                if let Some(w) = writer {
                    w.write(&scored).map_err(|e| e.to_string())?;
                }
            }
        }
        self.rows += batch.num_rows();
        Ok(())
    }

    /// Merges the batch's worst accounts into the worst so far: (score, row) is a strict total
    /// order, so the `n` lowest of the batches' `n` lowest are the `n` lowest of the table.
    fn worst_of(
        &mut self,
        batch: &RecordBatch,
        scores: &BatchScores,
        table: &AccountTable<'_>,
        groups: &[Groups],
    ) -> Result<(), String> {
        let first = self.rows;
        let cards = self.cards.list();
        for i in scores.worst(self.args.worst) {
            let Some(score) = scores.score.get(i) else {
                continue;
            };
            let account = match &self.source.id {
                Some(id) => Some(cell_text(batch, id, i).map_err(|e| self.source.locate(first, e))?),
                None => None,
            };
            let (driver, lost) = match scores.driver_name(i) {
                None => ("-".to_owned(), None),
                Some(driver) => {
                    let card = cards[usize::from(scores.scorecard[i])];
                    let lost = explain_row(card, table, i, self.as_of).ok().and_then(|h| {
                        h.contributions
                            .iter()
                            .find(|c| c.measure == driver)
                            .map(cs_core::health::Contribution::points_lost)
                    });
                    (driver.to_owned(), lost)
                }
            };
            self.worst.push(Worst {
                row: first + i,
                score,
                account,
                keys: groups.iter().map(|g| g.labels(g.codes()[i]).concat()).collect(),
                band: scores.band_name(i).map(str::to_owned),
                coverage: scores.coverage[i],
                driver,
                lost,
            });
        }
        self.worst
            .sort_by(|a, b| a.score.total_cmp(&b.score).then(a.row.cmp(&b.row)));
        self.worst.truncate(self.args.worst);
        Ok(())
    }
}

/// Writes the batch's rows to the JSON output (one object per account).
fn json_rows(
    file: &mut AtomicFile,
    written: &mut usize,
    batch: &RecordBatch,
    scores: &BatchScores,
    source: &Source,
    first: usize,
) -> Result<(), cs_core::Error> {
    let ids = match &source.id {
        Some(id) => Some(cs_arrow::cells::texts(cs_arrow::column(batch, id)?, id)?),
        None => None,
    };
    let io = |e: &dyn std::fmt::Display| cs_core::Error::invalid("output", "JSON", e.to_string());
    for i in 0..batch.num_rows() {
        let row = json!({
            "line": source.line(first + i),
            "account": ids.as_ref().map(|t| t[i].as_deref().unwrap_or("")),
            "score": scores.score.get(i), "band": scores.band_name(i),
            "coverage": scores.coverage[i], "driver": scores.driver_name(i),
        });
        let sep: &[u8] = if *written == 0 { b"" } else { b",\n" };
        file.write_all(sep).map_err(|e| io(&e))?;
        serde_json::to_writer(&mut *file, &row).map_err(|e| io(&e))?;
        *written += 1;
    }
    Ok(())
}

/// `cs score`.
pub(crate) fn score(args: &ScoreArgs) -> Result<String, String> {
    if let Some(ScoreAction::Fit(fit)) = &args.action {
        return super::score_fit::run(fit);
    }
    if let Some(out) = &args.output {
        let inputs = [&args.file, &args.scorecard].into_iter().flatten();
        cs_arrow::files::refuse_input_as_output(Path::new(out), &inputs.collect::<Vec<_>>())
            .map_err(|e| e.to_string())?;
    }
    let as_of = crate::args::as_of_or_today(args.as_of.as_deref())?;
    let cards = Cards::read(args.scorecard.as_deref())?;
    let batch_rows = args.batch_rows.max(1);
    // Without a file: the built-in sample portfolio, generated as of the scoring date, as one
    // table (no CSV text in between).
    let (mut batches, name, csv, progress): (Batches, String, bool, Option<Arc<ReadProgress>>) =
        if let Some(path) = &args.file {
            let file = TableBatches::open(Path::new(path), batch_rows).map_err(|e| e.to_string())?;
            let csv = cs_arrow::files::Format::of(Path::new(path)) == cs_arrow::files::Format::Csv;
            let progress = file.progress();
            (
                Batches::File(file.read_ahead(READ_AHEAD)),
                path.clone(),
                csv,
                Some(progress),
            )
        } else {
            let sample = SyntheticPortfolio::try_generate(args.sample_rows, SAMPLE_SEED, as_of)
                .map_err(|e| format!("--sample-rows: {e}"))?;
            let table = cs_arrow::sample::synthetic_batch(&sample).map_err(|e| e.to_string())?;
            let name = format!("the built-in sample portfolio (seed {SAMPLE_SEED})");
            (
                Batches::Sample {
                    table,
                    next: 0,
                    rows: batch_rows,
                },
                name,
                false,
                None,
            )
        };
    let set = cards.set();
    let source = columns(args, &set, &batches.schema(), name, csv)?;
    let output = match &args.output {
        None => None,
        Some(out)
            if Path::new(out)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json")) =>
        {
            let mut file = AtomicFile::create(Path::new(out)).map_err(|e| e.to_string())?;
            file.write_all(b"[\n").map_err(|e| format!("{out}: {e}"))?;
            Some(Output::Json { file, rows: 0 })
        }
        Some(out) => Some(Output::Table {
            path: out.clone(),
            writer: None,
        }),
    };
    let mut run = Run {
        args,
        cards: &cards,
        set,
        as_of,
        source,
        rollups: None,
        band_names: Vec::new(),
        worst: Vec::new(),
        output,
        rows: 0,
    };
    let bar = progress.as_ref().map(|p| Progress::read("cs score", p));
    while let Some(batch) = batches.next_batch() {
        let batch = batch?;
        run.batch(&batch)?;
        if let (Some(bar), Some(p)) = (&bar, &progress) {
            bar.read_to(p);
        }
    }
    drop(bar);
    let n = run.rows;
    let mut note = String::new();
    if let Some(out) = &args.output {
        match run.output.take() {
            Some(Output::Table { writer: Some(w), .. }) => w.finish().map_err(|e| e.to_string())?,
            Some(Output::Json { mut file, rows }) => {
                let end: &[u8] = if rows == 0 { b"]\n" } else { b"\n]\n" };
                file.write_all(end).map_err(|e| format!("{out}: {e}"))?;
                file.commit().map_err(|e| e.to_string())?;
            }
            Some(Output::Table { writer: None, .. }) | None => {}
        }
        let _ = writeln!(note, "\nWrote {} scored accounts to {out}.", thousands(n as u64));
    }
    summary(&run, n, &note)
}

/// Checks the columns the run reads and names the rollup keys, id and ARR columns.
fn columns(
    args: &ScoreArgs,
    set: &ScorecardSet,
    schema: &SchemaRef,
    name: String,
    csv: bool,
) -> Result<Source, String> {
    let has = |c: &str| schema.column_with_name(c).is_some();
    let require = |c: &str| {
        if has(c) {
            Ok(())
        } else {
            let headers: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            Err(format!(
                "{name}: no column {c:?} (columns: {})",
                headers.join(", ")
            ))
        }
    };
    for m in set.scorecards.iter().flat_map(Scorecard::all_measures) {
        require(&m.name)?;
    }
    let mut keys = Vec::new();
    if args.by.is_empty() {
        keys.extend(
            ["segment", "csm"]
                .into_iter()
                .filter(|k| has(k))
                .map(str::to_owned),
        );
    } else {
        for k in &args.by {
            require(k)?;
            keys.push(k.clone());
        }
    }
    Ok(Source {
        id: has(&args.id).then(|| args.id.clone()),
        arr: has(&args.arr).then(|| args.arr.clone()),
        keys,
        name,
        csv,
    })
}

/// The summary: tables, or JSON with `--json`.
fn summary(run: &Run<'_>, n: usize, note: &str) -> Result<String, String> {
    let args = run.args;
    let band_names = &run.band_names;
    let Some(rollups) = &run.rollups else {
        return Err(format!("{}: nothing was read", run.source.name));
    };
    let all = rollups.all();
    let by = rollups.by().map_err(|e| run.source.locate(0, e))?;
    let source = &run.source;
    let as_of = run.as_of;
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
        let by_json: serde_json::Map<String, serde_json::Value> = by
            .iter()
            .map(|(k, rs)| (k.clone(), rs.iter().map(rollup_json).collect()))
            .collect();
        let worst_json: Vec<serde_json::Value> = run
            .worst
            .iter()
            .map(|w| {
                json!({
                    "line": source.line(w.row),
                    "account": w.account,
                    "score": w.score, "band": w.band,
                    "coverage": w.coverage, "driver": w.driver, "driver_points_lost": w.lost,
                })
            })
            .collect();
        let doc = json!({
            "source": source.name, "as_of": as_of.to_string(), "scorecard": run.cards.label(),
            "bands": band_names, "all": rollup_json(&all), "by": by_json, "worst": worst_json,
        });
        return crate::output::json(&doc);
    }

    let mut out = format!(
        "Health of {} accounts: {}, {}, as of {as_of}\n\n",
        thousands(n as u64),
        source.name,
        run.cards.label()
    );
    let has_arr = source.arr.is_some();
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
    for (key, rs) in &by {
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
    if !run.worst.is_empty() {
        let _ = writeln!(out, "\nWorst {} accounts", run.worst.len());
        let mut headers: Vec<String> = vec![source.id.clone().unwrap_or_else(|| "line".to_owned())];
        headers.extend(source.keys.iter().cloned());
        headers
            .extend(["score", "band", "coverage", "top negative driver", "points lost"].map(str::to_owned));
        let mut t = TextTable::new(headers);
        for w in &run.worst {
            let mut row = vec![
                w.account
                    .clone()
                    .unwrap_or_else(|| source.line(w.row).to_string()),
            ];
            row.extend(w.keys.iter().cloned());
            row.extend([
                points(Some(w.score)),
                w.band.clone().unwrap_or_else(|| "-".to_owned()),
                pct(w.coverage),
                w.driver.clone(),
                points(w.lost),
            ]);
            t.push(row);
        }
        out += &t.render();
    }
    out += "\nScore 0-100 = Σ effective weight × measure score; the driver is the measure losing the most\n\
            points (effective weight × (100 − measure score)). Missing measures are handled by the\n\
            scorecard's missing-data policy; stale values count as missing.\n";
    out += note;
    Ok(out)
}
