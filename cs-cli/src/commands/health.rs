//! `cs score`: health scores of a portfolio CSV with a scorecard, and a summary (% per band, ARR
//! share, rollups by segment and CSM, the worst accounts and what drags them down).
//! `cs portfolio`: a synthetic portfolio CSV.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::time::Instant;

use chrono::NaiveDate;
use clap::Args;
use cs_core::Error;
use cs_core::document::Document;
use cs_core::health::{
    AccountMeasures, AttributeColumn, BatchScores, HealthRollup, MeasureColumn, Observation, RollupInput,
    Scorecard, ScorecardSet, Value, ValueKind, health_rollup, health_summary,
};
use cs_core::portfolio::{Column, ColumnBuf, Validity};
use cs_core::sample::SyntheticPortfolio;
use serde_json::json;

use crate::report::TextTable;

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

/// Values of one parsed column; `valid` has one entry per row.
enum Values {
    Number(Vec<f64>),
    Bool(Vec<bool>),
    Text {
        codes: Vec<u32>,
        dictionary: Vec<String>,
    },
    Date(Vec<i32>),
}

struct Parsed {
    name: String,
    values: Values,
    valid: Vec<bool>,
    index: HashMap<String, u32>,
}

impl Parsed {
    fn new(name: &str, values: Values) -> Parsed {
        Parsed {
            name: name.to_owned(),
            values,
            valid: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// Appends one cell, read by the one cell grammar (cs-arrow); an empty cell is null.
    fn push(&mut self, cell: &str) -> Result<(), Error> {
        let empty = cell.is_empty();
        match &mut self.values {
            Values::Number(v) => {
                let x = cs_arrow::cells::number_cell(&self.name, cell, 0)?;
                self.valid.push(x.is_some());
                v.push(x.unwrap_or(0.0));
                return Ok(());
            }
            Values::Bool(v) => {
                let b = cs_arrow::cells::flag_cell(&self.name, cell, 0)?;
                self.valid.push(b.is_some());
                v.push(b.unwrap_or(false));
                return Ok(());
            }
            Values::Date(v) => {
                let d = cs_arrow::cells::date_cell(&self.name, cell, 0)?;
                self.valid.push(d.is_some());
                v.push(d.unwrap_or(0));
                return Ok(());
            }
            Values::Text { .. } => self.valid.push(!empty),
        }
        match &mut self.values {
            Values::Number(_) | Values::Bool(_) | Values::Date(_) => {}
            Values::Text { codes, dictionary } => {
                let code = if empty {
                    0
                } else if let Some(c) = self.index.get(cell) {
                    *c
                } else {
                    let c = dictionary.len() as u32;
                    dictionary.push(cell.to_owned());
                    self.index.insert(cell.to_owned(), c);
                    c
                };
                codes.push(code);
            }
        }
        Ok(())
    }

    fn bits(&self) -> Option<Vec<u8>> {
        if self.valid.iter().all(|v| *v) {
            return None;
        }
        let mut bits = vec![0u8; self.valid.len().div_ceil(8)];
        for (i, v) in self.valid.iter().enumerate() {
            if *v {
                bits[i / 8] |= 1 << (i % 8);
            }
        }
        Some(bits)
    }

    fn text(&self, row: usize) -> &str {
        match &self.values {
            Values::Text { codes, dictionary } if self.valid[row] => {
                dictionary.get(codes[row] as usize).map_or("", String::as_str)
            }
            _ => "",
        }
    }
}

/// A parsed column with its index in the CSV header.
type Indexed = (usize, Parsed);
/// A validity bitmap (`None`: no nulls).
type Bits = Option<Vec<u8>>;

/// What `cs score` reads from the portfolio.
struct Portfolio {
    source: String,
    headers: Vec<String>,
    lines: Vec<u64>,
    /// Measure columns (and their date columns), in first-use order.
    measures: Vec<(Parsed, Option<Parsed>)>,
    /// Assignment attributes of a scorecard set.
    attributes: Vec<Parsed>,
    /// Rollup keys.
    keys: Vec<Parsed>,
    id: Option<Parsed>,
    arr: Option<Vec<i64>>,
}

fn open<'a>(file: Option<&str>, sample: &'a [u8]) -> Result<Box<dyn Read + 'a>, String> {
    match file {
        Some(path) => Ok(Box::new(BufReader::with_capacity(
            1 << 20,
            File::open(path).map_err(|e| format!("{path}: {e}"))?,
        ))),
        None => Ok(Box::new(sample)),
    }
}

fn csv_reader<R: Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(input)
}

impl Portfolio {
    fn read(args: &ScoreArgs, cards: &Cards, input: impl Read, source: String) -> Result<Portfolio, String> {
        let mut reader = csv_reader(input);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| format!("{source}: {e}"))?
            .iter()
            .map(str::to_owned)
            .collect();
        let find = |name: &str| headers.iter().position(|h| h == name);
        let require = |name: &str| {
            find(name)
                .ok_or_else(|| format!("{source}: no column {name:?} (columns: {})", headers.join(", ")))
        };
        // (column index, parsed) for every column read.
        let mut measures: Vec<(Indexed, Option<Indexed>)> = Vec::new();
        for m in cards.list().iter().flat_map(|c| c.all_measures()) {
            if measures.iter().any(|((_, p), _)| p.name == m.name) {
                continue;
            }
            let values = match m.rule.value_kind() {
                ValueKind::Number => Values::Number(Vec::new()),
                ValueKind::Bool => Values::Bool(Vec::new()),
                ValueKind::Category => Values::Text {
                    codes: Vec::new(),
                    dictionary: Vec::new(),
                },
            };
            let date_name = m.date_column_name();
            let date = match (m.validity_days, find(&date_name)) {
                (Some(_), Some(c)) => Some((c, Parsed::new(&date_name, Values::Date(Vec::new())))),
                _ => None,
            };
            measures.push(((require(&m.name)?, Parsed::new(&m.name, values)), date));
        }
        let text = |name: &str| {
            Parsed::new(
                name,
                Values::Text {
                    codes: Vec::new(),
                    dictionary: Vec::new(),
                },
            )
        };
        let mut attributes: Vec<(usize, Parsed)> = Vec::new();
        if let Cards::Set(set) = cards {
            for a in &set.assignments {
                for k in a.when.keys() {
                    if let Some(c) = find(k)
                        && !attributes.iter().any(|(_, p)| &p.name == k)
                    {
                        attributes.push((c, text(k)));
                    }
                }
            }
        }
        let mut keys: Vec<(usize, Parsed)> = Vec::new();
        if args.by.is_empty() {
            for k in ["segment", "csm"] {
                if let Some(c) = find(k) {
                    keys.push((c, text(k)));
                }
            }
        } else {
            for k in &args.by {
                keys.push((require(k)?, text(k)));
            }
        }
        let mut id = find(&args.id).map(|c| (c, text(&args.id)));
        let arr_col = find(&args.arr);
        let mut arr: Vec<i64> = Vec::new();
        let mut lines = Vec::new();
        let mut record = csv::StringRecord::new();
        let started = Instant::now();
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let line = e.position().map_or(0, csv::Position::line);
                    return Err(format!("{source} line {line}: {e}"));
                }
            }
            let line = record.position().map_or(0, csv::Position::line);
            lines.push(line);
            let at = |name: &str, e: String| format!("{source} line {line}, column {name}: {e}");
            let push = |(c, p): &mut (usize, Parsed)| -> Result<(), String> {
                let cell = record.get(*c).unwrap_or("");
                p.push(cell)
                    .map_err(|e| format!("{source} line {line}, {}", e.split_position().0))
            };
            for (m, d) in &mut measures {
                push(m)?;
                if let Some(d) = d {
                    push(d)?;
                }
            }
            for a in attributes.iter_mut().chain(keys.iter_mut()).chain(id.iter_mut()) {
                push(a)?;
            }
            if let Some(c) = arr_col {
                let cell = record.get(c).unwrap_or("");
                let value = if cell.is_empty() {
                    0
                } else {
                    cell.parse::<i64>().ok().filter(|a| *a >= 0).ok_or_else(|| {
                        at(
                            &args.arr,
                            format!("{cell:?} is not a whole amount >= 0 (ARR in minor units)"),
                        )
                    })?
                };
                arr.push(value);
            }
            if lines.len().is_multiple_of(PROGRESS_EVERY) {
                eprintln!(
                    "cs score: read {} rows of {source} ({:.1}s)",
                    lines.len(),
                    started.elapsed().as_secs_f64()
                );
            }
        }
        Ok(Portfolio {
            source,
            headers,
            lines,
            measures: measures
                .into_iter()
                .map(|((_, m), d)| (m, d.map(|(_, d)| d)))
                .collect(),
            attributes: attributes.into_iter().map(|(_, p)| p).collect(),
            keys: keys.into_iter().map(|(_, p)| p).collect(),
            id: id.map(|(_, p)| p),
            arr: arr_col.map(|_| arr),
        })
    }

    fn len(&self) -> usize {
        self.lines.len()
    }

    /// A core error located at a row, as a message naming the file and line.
    fn locate(&self, e: Error) -> String {
        let mut e = e;
        let row = match &mut e {
            Error::OutOfRange { position, .. }
            | Error::Invalid { position, .. }
            | Error::Missing { position, .. } => position.take(),
            _ => None,
        };
        match row.and_then(|r| self.lines.get(r)) {
            Some(line) => format!("{} line {line}: {e}", self.source),
            None => format!("{}: {e}", self.source),
        }
    }

    fn score(&self, cards: &Cards, as_of: NaiveDate) -> Result<BatchScores, String> {
        let bits: Vec<(Bits, Option<Bits>)> = self
            .measures
            .iter()
            .map(|(m, d)| (m.bits(), d.as_ref().map(Parsed::bits)))
            .collect();
        let n = self.len();
        let mut columns = Vec::with_capacity(self.measures.len());
        for ((m, d), (mb, db)) in self.measures.iter().zip(&bits) {
            let mut c = measure_column(m, mb.as_deref(), n).map_err(|e| self.locate(e))?;
            if let (Some(d), Some(db)) = (d, db)
                && let Values::Date(days) = &d.values
            {
                let validity = db
                    .as_deref()
                    .map(|b| Validity::new(b, 0, n))
                    .transpose()
                    .map_err(|e| self.locate(e))?;
                c = c.with_observed(
                    Column::new(&d.name, days)
                        .with_optional_validity(validity)
                        .map_err(|e| self.locate(e))?,
                );
            }
            columns.push(c);
        }
        match cards {
            Cards::One(card) => card.score_batch(&columns, as_of),
            Cards::Set(set) => {
                let attr_bits: Vec<Option<Vec<u8>>> = self.attributes.iter().map(Parsed::bits).collect();
                let mut attributes = Vec::new();
                for (a, b) in self.attributes.iter().zip(&attr_bits) {
                    if let Values::Text { codes, dictionary } = &a.values {
                        let validity = b.as_deref().map(|b| Validity::new(b, 0, n)).transpose();
                        let codes = validity
                            .and_then(|v| Column::new(&a.name, codes).with_optional_validity(v))
                            .map_err(|e| self.locate(e))?;
                        attributes.push(AttributeColumn {
                            name: &a.name,
                            codes,
                            dictionary,
                        });
                    }
                }
                let assignment = set.assign_all(&attributes, n).map_err(|e| self.locate(e))?;
                set.score_batch(&assignment, &columns, as_of)
            }
        }
        .map_err(|e| self.locate(e))
    }

    /// The measures of row `row`, for a per-account explanation.
    fn account(&self, row: usize) -> AccountMeasures {
        let mut account = AccountMeasures::new();
        for (m, d) in &self.measures {
            if !m.valid[row] {
                continue;
            }
            let value = match &m.values {
                Values::Number(v) => Value::Number(v[row]),
                Values::Bool(v) => Value::Bool(v[row]),
                Values::Text { .. } => Value::Text(m.text(row).to_owned()),
                Values::Date(_) => continue,
            };
            let observed = d.as_ref().and_then(|d| match &d.values {
                Values::Date(days) if d.valid[row] => {
                    NaiveDate::default().checked_add_signed(chrono::TimeDelta::days(i64::from(days[row])))
                }
                _ => None,
            });
            account.0.insert(
                m.name.clone(),
                Observation {
                    value: Some(value),
                    observed,
                },
            );
        }
        account
    }
}

fn measure_column<'a>(p: &'a Parsed, bits: Option<&'a [u8]>, n: usize) -> Result<MeasureColumn<'a>, Error> {
    let validity = bits.map(|b| Validity::new(b, 0, n)).transpose()?;
    Ok(match &p.values {
        Values::Number(v) => {
            MeasureColumn::number(&p.name, Column::new(&p.name, v).with_optional_validity(validity)?)
        }
        Values::Bool(v) => {
            MeasureColumn::boolean(&p.name, Column::new(&p.name, v).with_optional_validity(validity)?)
        }
        Values::Text { codes, dictionary } => MeasureColumn::category(
            &p.name,
            Column::new(&p.name, codes).with_optional_validity(validity)?,
            dictionary,
        ),
        Values::Date(_) => {
            return Err(Error::invalid(
                format!("column {}", p.name),
                "dates",
                "a measure column holds values",
            ));
        }
    })
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn points(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"))
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `cs score`.
pub(crate) fn score(args: &ScoreArgs) -> Result<String, String> {
    if let Some(out) = &args.output {
        let inputs = [&args.file, &args.scorecard].into_iter().flatten();
        cs_arrow::files::refuse_input_as_output(std::path::Path::new(out), &inputs.collect::<Vec<_>>())
            .map_err(|e| e.to_string())?;
    }
    let as_of = crate::args::as_of_or_today(args.as_of.as_deref())?;
    let cards = Cards::read(args.scorecard.as_deref())?;
    // Without a file: the built-in sample portfolio, generated as of the scoring date.
    let sample = if args.file.is_none() {
        let mut buf = Vec::new();
        SyntheticPortfolio::try_generate(args.sample_rows, SAMPLE_SEED, as_of)
            .map_err(|e| format!("--sample-rows: {e}"))?
            .write_csv(&mut buf)
            .map_err(|e| e.to_string())?;
        buf
    } else {
        Vec::new()
    };
    let source = args
        .file
        .clone()
        .unwrap_or_else(|| format!("the built-in sample portfolio (seed {SAMPLE_SEED})"));
    let started = Instant::now();
    let portfolio = Portfolio::read(args, &cards, open(args.file.as_deref(), &sample)?, source)?;
    let n = portfolio.len();
    let large = n >= PROGRESS_EVERY;
    if large {
        eprintln!(
            "cs score: scoring {} accounts ({:.1}s)",
            thousands(n as u64),
            started.elapsed().as_secs_f64()
        );
    }
    let scores = portfolio.score(&cards, as_of)?;
    if large {
        eprintln!("cs score: scored ({:.1}s)", started.elapsed().as_secs_f64());
    }

    // Band indexes over the union of band names (one list for a single scorecard).
    let mut band_names: Vec<String> = Vec::new();
    for names in &scores.band_names {
        for b in names {
            if !band_names.contains(b) {
                band_names.push(b.clone());
            }
        }
    }
    let band: ColumnBuf<u8> = (0..n)
        .map(|i| {
            scores
                .band_name(i)
                .and_then(|b| band_names.iter().position(|x| x == b))
                .map(|k| k as u8)
        })
        .collect();
    let input = RollupInput {
        score: scores.score.as_column("score"),
        band: band.as_column("band"),
        arr: portfolio.arr.as_deref(),
        band_count: band_names.len(),
    };
    let all = health_summary(input).map_err(|e| portfolio.locate(e))?;
    let mut rollups: Vec<(String, Vec<HealthRollup>)> = Vec::new();
    for key in &portfolio.keys {
        let values: Vec<&str> = (0..n).map(|i| key.text(i)).collect();
        rollups.push((
            key.name.clone(),
            health_rollup(&values, input).map_err(|e| portfolio.locate(e))?,
        ));
    }
    let worst = scores.worst(args.worst);

    let mut note = String::new();
    if let Some(out) = &args.output {
        write_output(out, args, &portfolio, &scores, &sample)?;
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
        let lost = card_of(row)
            .score_account(&portfolio.account(row), as_of)
            .ok()
            .and_then(|h| {
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
                    "line": portfolio.lines[i],
                    "account": portfolio.id.as_ref().map(|p| p.text(i)),
                    "score": scores.score.get(i), "band": scores.band_name(i),
                    "coverage": scores.coverage[i], "driver": driver, "driver_points_lost": lost,
                })
            })
            .collect();
        let doc = json!({
            "source": portfolio.source, "as_of": as_of.to_string(), "scorecard": cards.label(),
            "bands": band_names, "all": rollup_json(&all), "by": by, "worst": worst_json,
        });
        return serde_json::to_string_pretty(&doc)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string());
    }

    let mut out = format!(
        "Health of {} accounts: {}, {}, as of {as_of}\n\n",
        thousands(n as u64),
        portfolio.source,
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
                    .map_or_else(|| portfolio.lines[i].to_string(), |p| p.text(i).to_owned()),
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
    args: &ScoreArgs,
    portfolio: &Portfolio,
    scores: &BatchScores,
    sample: &[u8],
) -> Result<(), String> {
    // Written to a temporary file beside `path` and renamed over it at the end: the input may
    // be the output (`cs score a.csv -o a.csv` re-reads a.csv below), and a run that fails or is
    // killed leaves the previous output whole.
    cs_arrow::files::write_atomically(std::path::Path::new(path), |out| {
        write_scored(out, path, args, portfolio, scores, sample)
    })
    .map_err(|e| e.to_string())
}

fn write_scored(
    out: &mut impl Write,
    path: &str,
    args: &ScoreArgs,
    portfolio: &Portfolio,
    scores: &BatchScores,
    sample: &[u8],
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let mut out = out;
    let score_text = |i: usize| scores.score.get(i).map(|s| s.to_string()).unwrap_or_default();
    if std::path::Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        out.write_all(b"[\n").map_err(|e| err(&e))?;
        for i in 0..portfolio.len() {
            let row = json!({
                "line": portfolio.lines[i],
                "account": portfolio.id.as_ref().map(|p| p.text(i)),
                "score": scores.score.get(i), "band": scores.band_name(i),
                "coverage": scores.coverage[i], "driver": scores.driver_name(i),
            });
            let sep = if i + 1 < portfolio.len() { ",\n" } else { "\n" };
            serde_json::to_writer(&mut out, &row).map_err(|e| err(&e))?;
            out.write_all(sep.as_bytes()).map_err(|e| err(&e))?;
        }
        out.write_all(b"]\n").map_err(|e| err(&e))?;
    } else {
        // Second pass over the input: each row as read, plus the four result columns.
        let mut reader = csv_reader(open(args.file.as_deref(), sample)?);
        let mut writer = csv::Writer::from_writer(&mut out);
        let mut header: Vec<&str> = portfolio.headers.iter().map(String::as_str).collect();
        header.extend(["score", "band", "coverage", "driver"]);
        writer.write_record(&header).map_err(|e| err(&e))?;
        let mut record = csv::StringRecord::new();
        let mut i = 0;
        while reader.read_record(&mut record).map_err(|e| err(&e))? {
            if i >= portfolio.len() {
                break;
            }
            let extra = [
                score_text(i),
                scores.band_name(i).unwrap_or("").to_owned(),
                scores.coverage[i].to_string(),
                scores.driver_name(i).unwrap_or("").to_owned(),
            ];
            writer
                .write_record(record.iter().chain(extra.iter().map(String::as_str)))
                .map_err(|e| err(&e))?;
            i += 1;
        }
        writer.flush().map_err(|e| err(&e))?;
    }
    out.flush().map_err(|e: io::Error| err(&e))
}
