//! `cs score fit`: a scorecard's weights fitted to past renewal outcomes
//! ([`cs_core::health::Scorecard::fit_weights`]), the proposed card written as a document and
//! the evidence printed: training and held-out AUC of both cards and their paired DeLong test.

use std::fmt::Write as _;
use std::path::Path;

use clap::Args;
use cs_core::document::Document as _;
use cs_core::health::{FitVerdict, Scorecard, WeightFit, WeightFitOptions};
use cs_core::sample::{RENEWAL_HEALTH_LEAD_DAYS, SampleCompany, SampleOptions};
use cs_core::statistics::Confidence;

use crate::output::TextTable;
use crate::table_input::Loaded;

#[derive(Args)]
pub(crate) struct ScoreFitArgs {
    /// History of past renewals (CSV or Parquet): per renewal, the scorecard's measures some
    /// time before it and the outcome. The Omnico sample's decided renewals when omitted (its
    /// health 90 days before each; the file `cs sample` writes as renewal_health).
    history: Option<String>,
    /// Column of outcomes (true / false: churned).
    #[arg(long, default_value = "churned")]
    outcome: String,
    /// The scorecard whose weights are fitted (TOML, or JSON by extension or content); the
    /// built-in scorecard when omitted. Its rules, bands and policies are kept.
    #[arg(long)]
    scorecard: Option<String>,
    /// The date every row is scored on (staleness of dated measures), YYYY-MM-DD; today for a
    /// file, the sample's date (2026-06-30) for the sample.
    #[arg(long)]
    as_of: Option<String>,
    /// Share of the churned and of the retained renewals held out for evaluation, in (0, 1).
    #[arg(long, default_value_t = WeightFitOptions::default().holdout)]
    holdout: f64,
    /// Seed of the hold-out split: the same seed gives the same split and the same card.
    #[arg(long, default_value_t = WeightFitOptions::default().seed)]
    seed: u64,
    /// Confidence level of the held-out AUC intervals and of the verdict.
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// Scorings of the history the search may make at most.
    #[arg(long, default_value_t = WeightFitOptions::default().max_evaluations)]
    max_evaluations: u32,
    /// Write the proposed scorecard: NEW.toml, or NEW.json (for `cs score --scorecard`).
    #[arg(short, long, value_name = "NEW")]
    output: Option<String>,
    /// Print the whole fit (proposed card, weights, AUCs, comparison) as JSON.
    #[arg(long)]
    json: bool,
}

/// `cs score fit`.
pub(crate) fn run(args: &ScoreFitArgs) -> Result<String, String> {
    if let Some(out) = &args.output {
        let inputs = [&args.history, &args.scorecard].into_iter().flatten();
        cs_arrow::files::refuse_input_as_output(Path::new(out), &inputs.collect::<Vec<_>>())
            .map_err(|e| e.to_string())?;
    }
    let card = match &args.scorecard {
        Some(p) => cs_arrow::files::read_document_as::<Scorecard>(Path::new(p)).map_err(|e| e.to_string())?,
        None => Scorecard::default_card(),
    };
    let options = WeightFitOptions {
        holdout: args.holdout,
        seed: args.seed,
        confidence: Confidence::new(args.confidence).map_err(|e| format!("--confidence: {e}"))?,
        max_evaluations: args.max_evaluations,
    };
    let (loaded, as_of) = if let Some(path) = &args.history {
        (
            Loaded::read(path)?,
            crate::args::as_of_or_today(args.as_of.as_deref())?,
        )
    } else {
        sample_history(args.as_of.as_deref())?
    };
    let fit = cs_arrow::health::fit_weights(&loaded.batch, &card, &args.outcome, as_of, &options)
        .map_err(|e| loaded.locate(e))?;
    if let Some(out) = &args.output {
        let json = Path::new(out)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let text = if json {
            fit.scorecard.to_json()
        } else {
            fit.scorecard.to_toml()
        }
        .map_err(|e| e.to_string())?;
        cs_arrow::files::write_atomically(Path::new(out), |w| {
            use std::io::Write as _;
            w.write_all(text.as_bytes()).map_err(|e| e.to_string())
        })
        .map_err(|e| e.to_string())?;
    }
    if args.json {
        return crate::output::json(&fit);
    }
    Ok(report(
        &fit,
        &card.name,
        &loaded.source,
        as_of,
        args.output.as_deref(),
    ))
}

/// The Omnico sample's renewal history, scored on `--as-of` or the sample's date.
fn sample_history(as_of: Option<&str>) -> Result<(Loaded, chrono::NaiveDate), String> {
    let sample = SampleOptions::default();
    let company = SampleCompany::generate(sample).map_err(|e| e.to_string())?;
    let batch = cs_arrow::sample::renewal_health_batch(&company).map_err(|e| e.to_string())?;
    let as_of = match as_of {
        Some(a) => crate::args::date_arg(a, "--as-of")?,
        None => sample.as_of,
    };
    let source = format!("the Omnico sample's renewals (health {RENEWAL_HEALTH_LEAD_DAYS} days before each)");
    let loaded = Loaded {
        source,
        batch,
        csv: false,
    };
    Ok((loaded, as_of))
}

/// The text report of a fit.
fn report(
    fit: &WeightFit,
    card: &str,
    source: &str,
    as_of: chrono::NaiveDate,
    output: Option<&str>,
) -> String {
    let level = fit.options.confidence;
    let mut out = format!(
        "Weights of scorecard {card:?} fitted to {source}, scored as of {as_of}\n\
         {} renewals ({} churned) for training, {} ({} churned) held out (seed {}); \
         {} rows without a score left out; {} scorings\n\n",
        fit.training.accounts,
        fit.training.churned,
        fit.holdout.accounts,
        fit.holdout.churned,
        fit.options.seed,
        fit.unscored,
        fit.evaluations
    );
    let mut weights = TextTable::new(["group", "measure or group", "current", "proposed", ""]);
    for w in &fit.weights {
        weights.push(vec![
            w.parent.clone().unwrap_or_default(),
            w.name.clone(),
            format!("{:.1}", w.current),
            format!("{:.0}", w.proposed),
            if w.fitted {
                String::new()
            } else {
                "kept (min / max group)".into()
            },
        ]);
    }
    out += "Weights (points of 100 among siblings):\n";
    out += &weights.render();
    let interval = |i: &cs_core::retention::AucInterval| format!("{:.3} to {:.3}", i.lower, i.upper);
    let mut aucs = TextTable::new([
        "ROC AUC".to_owned(),
        "training".to_owned(),
        "held out".to_owned(),
        format!("{level} interval"),
    ]);
    aucs.push(vec![
        "current card".into(),
        format!("{:.3}", fit.training.auc_current),
        format!("{:.3}", fit.holdout.auc_current),
        interval(&fit.holdout_current),
    ]);
    aucs.push(vec![
        "proposed card".into(),
        format!("{:.3}", fit.training.auc_proposed),
        format!("{:.3}", fit.holdout.auc_proposed),
        interval(&fit.holdout_proposed),
    ]);
    out += "\n";
    out += &aucs.render();
    let c = &fit.comparison;
    let test = match (c.z, c.p_value) {
        (Some(z), Some(p)) => format!("z {z:.2}, p {p:.4}"),
        _ => "no test: the two cards score the held-out renewals alike".into(),
    };
    let _ = writeln!(
        out,
        "\nHeld out, proposed minus current: {:+.3} (standard error {:.3}; paired DeLong, {test})",
        c.difference, c.standard_error
    );
    out += match fit.verdict {
        FitVerdict::Better => "Verdict: the proposed card ranks held-out churners better, beyond noise.\n",
        FitVerdict::Worse => {
            "Verdict: the proposed card ranks held-out churners worse; the training gain did not hold.\n"
        }
        FitVerdict::NoEvidence => {
            "Verdict: no significant difference on the held-out renewals; the gain may be noise.\n"
        }
    };
    if let Some(o) = output {
        let _ = writeln!(out, "Wrote the proposed scorecard to {o}");
    }
    out
}
