//! `cs nps`: the NPS table of a survey.

use std::fmt::Write as _;

use clap::Args;
use cs_arrow::nps::{NpsBy, nps_by, nps_total};
use cs_core::nps::{IntervalMethod, MissingAnswers, Nps};
use cs_core::portfolio::Granularity;
use cs_core::statistics::Confidence;
use serde_json::{Value, json};

use crate::output::TextTable;
use crate::table_input::Loaded;

/// The bundled sample survey (examples/data/survey.csv), used when no file is given.
pub(crate) const SAMPLE_SURVEY: (&str, &str) = (
    "the bundled sample survey (examples/data/survey.csv)",
    include_str!("../../../examples/data/survey.csv"),
);

#[derive(Args)]
pub(crate) struct NpsArgs {
    /// Survey CSV with one answer per row; the bundled sample survey when omitted.
    file: Option<String>,
    /// Column of 0-10 answers.
    #[arg(long, default_value = "score")]
    score: String,
    /// Group by this column (repeat for several).
    #[arg(long)]
    by: Vec<String>,
    /// Cut a trend by answer date: month, quarter or year.
    #[arg(long)]
    period: Option<String>,
    /// Column of answer dates (YYYY-MM-DD), used with --period.
    #[arg(long, default_value = "date")]
    date: String,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// How the intervals are computed: wald (score ± z × SE) or adjusted-wald (¾ pseudo-
    /// promoter and ¾ pseudo-detractor; does not collapse for small all-promoter groups).
    #[arg(long, default_value = "wald")]
    interval: String,
    /// Skip empty answers instead of failing.
    #[arg(long)]
    skip_missing: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

type Key = (Vec<String>, Option<cs_core::portfolio::Period>);

pub(crate) fn run(args: &NpsArgs) -> Result<String, String> {
    let confidence = Confidence::new(args.confidence).map_err(|e| e.to_string())?;
    let method = IntervalMethod::parse(&args.interval).map_err(|e| format!("--interval: {e}"))?;
    let granularity = args
        .period
        .as_deref()
        .map(Granularity::parse)
        .transpose()
        .map_err(|e| e.to_string())?;
    let table = match args.file.as_deref() {
        Some(path) => Loaded::read(path)?,
        None => Loaded::csv_text(SAMPLE_SURVEY.0, SAMPLE_SURVEY.1.as_bytes())?,
    };
    let missing = if args.skip_missing {
        MissingAnswers::Skip
    } else {
        MissingAnswers::Reject
    };
    let hint = |e: cs_core::Error| {
        let missing_answer = matches!(e, cs_core::Error::Missing { ref field, .. } if *field == args.score);
        let text = table.locate(e);
        if missing_answer {
            format!("{text} (use --skip-missing to skip empty answers)")
        } else {
            text
        }
    };
    // The one table recipe (cs-arrow): answers and dates by the cell grammar, keys by its
    // group rule; the answers' scale is checked by the core.
    let spec = NpsBy {
        score: &args.score,
        by: &args.by,
        period: granularity,
        date: &args.date,
        missing,
    };
    let result = nps_by(&table.batch, &spec).map_err(hint)?;
    let total = nps_total(&table.batch, &args.score, missing).map_err(hint)?;
    let groups: Vec<(Key, Option<&Nps>, u64)> = result
        .rows()
        .iter()
        .enumerate()
        .map(|(i, g)| ((result.labels(i), g.key.1), g.nps.as_ref(), g.skipped))
        .collect();

    let row_json = |keys: &Key, nps: Option<&Nps>, skipped: u64| -> Value {
        let mut obj = serde_json::Map::new();
        for (name, value) in args.by.iter().zip(&keys.0) {
            obj.insert(name.clone(), json!(value));
        }
        if let Some(p) = keys.1 {
            obj.insert("period".into(), json!(p.to_string()));
        }
        obj.insert("responses".into(), json!(nps.map_or(0, Nps::responses)));
        obj.insert("promoters".into(), json!(nps.map_or(0, Nps::promoters)));
        obj.insert("passives".into(), json!(nps.map_or(0, Nps::passives)));
        obj.insert("detractors".into(), json!(nps.map_or(0, Nps::detractors)));
        obj.insert("skipped".into(), json!(skipped));
        obj.insert("nps".into(), json!(nps.map(Nps::score)));
        obj.insert("standard_error".into(), json!(nps.map(Nps::standard_error)));
        let interval = nps.map(|n| n.interval_by(confidence, method));
        obj.insert(
            "margin_of_error".into(),
            json!(interval.map(|i| i.margin_of_error)),
        );
        obj.insert("ci_low".into(), json!(interval.map(|i| i.low)));
        obj.insert("ci_high".into(), json!(interval.map(|i| i.high)));
        Value::Object(obj)
    };
    if args.json {
        let rows: Vec<Value> = groups
            .iter()
            .map(|(key, nps, skipped)| row_json(key, *nps, *skipped))
            .collect();
        let doc = json!({
            "confidence": confidence.level(),
            "interval": method.name(),
            "groups": rows,
            "total": row_json(&(Vec::new(), None), Some(&total), total.skipped()),
        });
        return crate::output::json(&doc);
    }

    let mut headers: Vec<String> = args.by.clone();
    if granularity.is_some() {
        headers.push("period".into());
    }
    headers.extend(
        [
            "n",
            "promoters",
            "passives",
            "detractors",
            "NPS",
            "±",
            &format!("{confidence} CI"),
        ]
        .map(str::to_owned),
    );
    let mut text = TextTable::new(headers);
    let mut push = |label: Vec<String>, nps: Option<&Nps>| {
        let mut row = label;
        match nps {
            Some(n) => {
                let i = n.interval_by(confidence, method);
                row.extend([
                    n.responses().to_string(),
                    n.promoters().to_string(),
                    n.passives().to_string(),
                    n.detractors().to_string(),
                    format!("{:+.1}", n.score()),
                    format!("{:.1}", i.margin_of_error),
                    format!("{:+.1} .. {:+.1}", i.low, i.high),
                ]);
            }
            None => row.extend(["0", "0", "0", "0", "-", "-", "-"].map(str::to_owned)),
        }
        text.push(row);
    };
    for (key, nps, _) in &groups {
        let mut label = key.0.clone();
        if let Some(p) = key.1 {
            label.push(p.to_string());
        }
        push(label, *nps);
    }
    if groups.len() > 1 {
        let mut label = vec!["all".to_owned()];
        label.resize(args.by.len() + usize::from(granularity.is_some()), String::new());
        push(label, Some(&total));
    }
    let mut out = format!("NPS of {} ({} answers", table.source, total.responses());
    if total.skipped() > 0 {
        let _ = write!(out, ", {} empty skipped", total.skipped());
    }
    out += ")\n\n";
    out += &text.render();
    let _ = write!(
        out,
        "\nNPS = % promoters (9-10) - % detractors (0-6). ± is the margin of error at {confidence}\n\
         (Wald interval, multinomial variance); a wide interval means a small group.\n"
    );
    Ok(out)
}
