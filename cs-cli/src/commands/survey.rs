//! `cs csat`, `cs perceived` and `cs nps-compare`: the survey measures of cs-core's `nps`
//! module beyond the NPS table (CSAT, NPS perceived vs actual, two groups or periods compared).

use std::fmt::Write as _;

use clap::Args;
use cs_core::nps::{Calibration, Csat, MissingAnswers, Nps, nps_by};
use cs_core::pipeline::Kind;
use cs_core::portfolio::Granularity;
use cs_core::statistics::Confidence;
use serde_json::{Value, json};

use crate::output::{TextTable, json};
use crate::table_input::Loaded;

fn survey(file: Option<&str>) -> Result<Loaded, String> {
    if let Some(path) = file {
        return Loaded::read(path);
    }
    let (source, text) = crate::commands::nps::SAMPLE_SURVEY;
    Loaded::csv_text(source, text.as_bytes())
}

/// The group key of row `i` of a label column ("" for an empty cell).
fn keys(labels: Option<Vec<Option<&str>>>, len: usize) -> Vec<String> {
    match labels {
        Some(l) => l.into_iter().map(|v| v.unwrap_or("").to_owned()).collect(),
        None => vec![String::new(); len],
    }
}

#[derive(Args)]
#[command(after_long_help = "Input columns (CSV or Parquet):\n  \
    csat   number  the rating, 1..=5 (any real value; --column to rename)\n  \
    <--by> label   optional group column (e.g. csm, segment)")]
pub(crate) struct CsatArgs {
    /// Survey CSV or Parquet file; the bundled sample survey when omitted.
    file: Option<String>,
    /// Column of 1..=5 ratings.
    #[arg(long, default_value = "csat")]
    column: String,
    /// A rating counts as satisfied when strictly above this (1..=5; 3.5 when omitted).
    #[arg(long)]
    threshold: Option<f64>,
    /// Group by this column.
    #[arg(long)]
    by: Option<String>,
    /// Confidence level of the margin of error.
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub(crate) fn csat(args: &CsatArgs) -> Result<String, String> {
    let confidence = Confidence::new(args.confidence).map_err(|e| e.to_string())?;
    let loaded = survey(args.file.as_deref())?;
    let locate = |e: cs_core::Error| loaded.locate(e);
    let mut wanted = vec![(args.column.as_str(), Kind::Number)];
    if let Some(b) = &args.by {
        wanted.push((b.as_str(), Kind::Label));
    }
    let required: Vec<&str> = wanted.iter().map(|w| w.0).collect();
    let columns = loaded.convert(&wanted, &required)?;
    let table = columns.table().map_err(locate)?;
    let ratings = columns
        .number(&args.column)
        .map_err(locate)?
        .ok_or_else(|| locate(cs_core::Error::missing(args.column.as_str())))?;
    let total = Csat::from_column(ratings, args.threshold).map_err(locate)?;
    let groups = match &args.by {
        Some(b) => {
            let k = keys(table.labels(b).map_err(locate)?, loaded.len());
            Csat::by(ratings, args.threshold, |i| Ok(k[i].clone())).map_err(locate)?
        }
        None => Vec::new(),
    };
    let margin = |c: &Csat| c.margin_of_error(confidence.level()).map_err(|e| e.to_string());
    let row_json = |key: Option<&str>, c: &Csat| -> Result<Value, String> {
        let mut v = json!({
            "responses": c.responses,
            "satisfied": c.satisfied,
            "csat": c.score(),
            "margin_of_error": margin(c)?,
        });
        if let (Some(b), Some(k)) = (&args.by, key) {
            v[b.as_str()] = json!(k);
        }
        Ok(v)
    };
    if args.json {
        let rows = groups
            .iter()
            .map(|(k, c)| row_json(Some(k), c))
            .collect::<Result<Vec<_>, _>>()?;
        return json(&json!({
            "source": loaded.source,
            "threshold": total.threshold,
            "confidence": confidence.level(),
            "groups": rows,
            "total": row_json(None, &total)?,
        }));
    }
    let label = args.by.clone().unwrap_or_else(|| "survey".into());
    let mut t = TextTable::new([label.as_str(), "n", "satisfied", "CSAT", "±"]);
    let mut push = |name: String, c: &Csat| -> Result<(), String> {
        t.push(vec![
            name,
            c.responses.to_string(),
            c.satisfied.to_string(),
            format!("{:.1}%", c.score()),
            format!("{:.1}", margin(c)?),
        ]);
        Ok(())
    };
    for (k, c) in &groups {
        push(if k.is_empty() { "(none)".into() } else { k.clone() }, c)?;
    }
    push("all".into(), &total)?;
    let mut out = format!(
        "CSAT of {} ({} ratings, column {})\n\n",
        loaded.source, total.responses, args.column
    );
    out += &t.render();
    let _ = writeln!(
        out,
        "\nCSAT = % of ratings above {} (1..=5 scale); ± is the Wald margin of error at {confidence}.",
        total.threshold
    );
    Ok(out)
}

#[derive(Args)]
#[command(after_long_help = "Input columns (CSV or Parquet):\n  \
    perceived  number  the CSM's estimate of the answer, 0..=10 (empty: no estimate)\n  \
    score      number  the customer's NPS answer, 0..=10 (empty: no answer)\n  \
    <--by>     label   optional group column (e.g. csm)")]
pub(crate) struct PerceivedArgs {
    /// Survey CSV or Parquet file; the bundled sample survey when omitted.
    file: Option<String>,
    /// Column of the CSM's estimates.
    #[arg(long, default_value = "perceived")]
    perceived: String,
    /// Column of the customers' answers.
    #[arg(long, default_value = "score")]
    score: String,
    /// Group by this column (e.g. csm).
    #[arg(long)]
    by: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn calibration_json(c: &Calibration) -> Value {
    json!({
        "pairs": c.pairs,
        "matches": c.matches,
        "match_share": c.match_share(),
        "mean_signed_gap": c.mean_signed_gap(),
        "mean_absolute_gap": c.mean_absolute_gap(),
        "hidden_detractors": c.hidden_detractors(),
        "confusion": c.confusion,
    })
}

pub(crate) fn perceived(args: &PerceivedArgs) -> Result<String, String> {
    let loaded = survey(args.file.as_deref())?;
    let locate = |e: cs_core::Error| loaded.locate(e);
    let mut wanted = vec![
        (args.perceived.as_str(), Kind::Number),
        (args.score.as_str(), Kind::Number),
    ];
    if let Some(b) = &args.by {
        wanted.push((b.as_str(), Kind::Label));
    }
    let required: Vec<&str> = wanted.iter().map(|w| w.0).collect();
    let columns = loaded.convert(&wanted, &required)?;
    let table = columns.table().map_err(locate)?;
    let get = |name: &str| {
        columns
            .number(name)
            .map_err(locate)?
            .ok_or_else(|| locate(cs_core::Error::missing(name)))
    };
    let (p, a) = (get(&args.perceived)?, get(&args.score)?);
    let total = Calibration::from_columns(p, a).map_err(locate)?;
    let groups = match &args.by {
        Some(b) => {
            let k = keys(table.labels(b).map_err(locate)?, loaded.len());
            Calibration::by(p, a, |i| Ok(k[i].clone())).map_err(locate)?
        }
        None => Vec::new(),
    };
    if args.json {
        let rows: Vec<Value> = groups
            .iter()
            .map(|(k, c)| {
                let mut v = calibration_json(c);
                if let Some(b) = &args.by {
                    v[b.as_str()] = json!(k);
                }
                v
            })
            .collect();
        return json(&json!({
            "source": loaded.source,
            "groups": rows,
            "total": calibration_json(&total),
        }));
    }
    let label = args.by.clone().unwrap_or_else(|| "survey".into());
    let gap = |g: Option<f64>| g.map_or_else(|| "-".to_owned(), |g| format!("{g:+.2}"));
    let mut t = TextTable::new([
        label.as_str(),
        "pairs",
        "match",
        "mean gap",
        "mean |gap|",
        "hidden detractors",
    ]);
    let mut push = |name: String, c: &Calibration| {
        t.push(vec![
            name,
            c.pairs.to_string(),
            format!("{:.1}%", 100.0 * c.match_share()),
            gap(c.mean_signed_gap()),
            c.mean_absolute_gap()
                .map_or_else(|| "-".to_owned(), |g| format!("{g:.2}")),
            c.hidden_detractors().to_string(),
        ]);
    };
    for (k, c) in &groups {
        push(if k.is_empty() { "(none)".into() } else { k.clone() }, c);
    }
    push("all".into(), &total);
    let mut out = format!(
        "NPS perceived ({}) vs actual ({}) of {}: {} pairs\n\n",
        args.perceived, args.score, loaded.source, total.pairs
    );
    out += &t.render();
    let mut confusion = TextTable::new(["perceived \\ actual", "detractor", "passive", "promoter"]);
    for (name, row) in ["detractor", "passive", "promoter"].iter().zip(total.confusion) {
        confusion.push(vec![
            (*name).to_owned(),
            row[0].to_string(),
            row[1].to_string(),
            row[2].to_string(),
        ]);
    }
    out += "\nAll pairs by category:\n";
    out += &confusion.render();
    out += "\nmatch = estimate in the answer's category; gap = perceived - actual (positive: the CSM\n\
            was optimistic); hidden detractors = believed passive or promoter, answered 0-6.\n";
    Ok(out)
}

#[derive(Args)]
#[command(after_long_help = "Input columns (CSV or Parquet):\n  \
    score   number  the NPS answer, 0..=10\n  \
    <--by>  label   the column whose values A and B name the two groups, or\n  \
    date    date    the answer date, with --period (A and B are periods: 2025-Q1, 2025-07, 2025)")]
pub(crate) struct CompareArgs {
    /// The first group or period (difference = A - B).
    a: String,
    /// The second group or period.
    b: String,
    /// Survey CSV or Parquet file; the bundled sample survey when omitted.
    #[arg(long)]
    file: Option<String>,
    /// Column of 0-10 answers.
    #[arg(long, default_value = "score")]
    score: String,
    /// Compare two values of this column (e.g. segment).
    #[arg(long, conflicts_with = "period", required_unless_present = "period")]
    by: Option<String>,
    /// Compare two periods of the answer dates: month, quarter or year.
    #[arg(long)]
    period: Option<String>,
    /// Column of answer dates, used with --period.
    #[arg(long, default_value = "date")]
    date: String,
    /// Skip empty answers instead of failing.
    #[arg(long)]
    skip_missing: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub(crate) fn compare(args: &CompareArgs) -> Result<String, String> {
    let granularity = args
        .period
        .as_deref()
        .map(Granularity::parse)
        .transpose()
        .map_err(|e| e.to_string())?;
    let loaded = survey(args.file.as_deref())?;
    let locate = |e: cs_core::Error| loaded.locate(e);
    let group_column = args.by.as_deref().unwrap_or(&args.date);
    let kind = if granularity.is_some() {
        Kind::Date
    } else {
        Kind::Label
    };
    let wanted = [(args.score.as_str(), Kind::Number), (group_column, kind)];
    let columns = loaded.convert(&wanted, &[args.score.as_str(), group_column])?;
    let table = columns.table().map_err(locate)?;
    let scores = columns
        .number(&args.score)
        .map_err(locate)?
        .ok_or_else(|| locate(cs_core::Error::missing(args.score.as_str())))?;
    let key: Vec<String> = match granularity {
        Some(g) => {
            let dates = cs_core::pipeline::dates(&table, group_column)
                .map_err(locate)?
                .ok_or_else(|| locate(cs_core::Error::missing(group_column)))?;
            dates
                .iter()
                .map(|d| d.map_or_else(String::new, |d| g.period_of(d).to_string()))
                .collect()
        }
        None => keys(table.labels(group_column).map_err(locate)?, loaded.len()),
    };
    let missing = if args.skip_missing {
        MissingAnswers::Skip
    } else {
        MissingAnswers::Reject
    };
    let groups = nps_by(scores, missing, |i| Ok(key[i].clone())).map_err(locate)?;
    let find = |name: &str| -> Result<Nps, String> {
        groups
            .iter()
            .find(|g| g.key == name)
            .and_then(|g| g.nps)
            .ok_or_else(|| {
                let known: Vec<&str> = groups.iter().map(|g| g.key.as_str()).collect();
                format!(
                    "{}: no answers in {group_column} {name:?} (there are: {})",
                    loaded.source,
                    known.join(", ")
                )
            })
    };
    let (a, b) = (find(&args.a)?, find(&args.b)?);
    let c = a.compare(&b);
    let side = |name: &str, n: &Nps| {
        json!({"group": name, "responses": n.responses(), "promoters": n.promoters(),
            "passives": n.passives(), "detractors": n.detractors(), "nps": n.score(),
            "standard_error": n.standard_error()})
    };
    if args.json {
        return json(&json!({
            "source": loaded.source,
            "column": group_column,
            "period": args.period,
            "a": side(&args.a, &a),
            "b": side(&args.b, &b),
            "difference": c.difference,
            "standard_error": c.standard_error,
            "z": c.z,
            "p_value": c.p_value,
        }));
    }
    let what = match &args.period {
        Some(p) => format!("{p} of {group_column}"),
        None => group_column.to_owned(),
    };
    let mut t = TextTable::new([
        what.as_str(),
        "n",
        "promoters",
        "passives",
        "detractors",
        "NPS",
        "SE",
    ]);
    for (name, n) in [(&args.a, &a), (&args.b, &b)] {
        t.push(vec![
            name.clone(),
            n.responses().to_string(),
            n.promoters().to_string(),
            n.passives().to_string(),
            n.detractors().to_string(),
            format!("{:+.1}", n.score()),
            format!("{:.1}", n.standard_error()),
        ]);
    }
    let mut out = format!("NPS of {}: {} vs {}\n\n", loaded.source, args.a, args.b);
    out += &t.render();
    let opt = |v: Option<f64>, digits: usize| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.digits$}"));
    let _ = writeln!(
        out,
        "\ndifference {:+.1} points, SE {:.2}, z {}, p {} (two-sided, independent samples)",
        c.difference,
        c.standard_error,
        opt(c.z, 2),
        opt(c.p_value, 4)
    );
    Ok(out)
}
