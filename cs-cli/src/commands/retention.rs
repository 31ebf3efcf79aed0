//! `cs survival`, `cs cohort` and `cs backtest`: retention analytics from CSV files.

use std::fmt::Write as _;

use clap::Args;
use cs_arrow::cells::{required_flags, required_numbers};
use cs_arrow::groups::Groups;
use cs_arrow::survival::{kaplan_meier_table, tenures};
use cs_core::retention::{
    BacktestOptions, BandChurn, ConfidenceType, KaplanMeier, LogRank, LogRankGroup, RestrictedMean, SbgFit,
    SbgModel, ScoreDirection, SurvivalGroup, TopK, backtest, churn_by_band, kaplan_meier, logrank_groups,
    roc_auc_compare, roc_auc_interval,
};
use cs_core::statistics::Confidence;
use serde_json::{Value, json};

use crate::output::{TextTable, json};
use crate::table_input::Loaded;

/// The bundled sample of customer tenures (examples/data/tenure.csv).
pub(crate) const SAMPLE_TENURE: (&str, &str) = (
    "the bundled sample tenures (examples/data/tenure.csv)",
    include_str!("../../../examples/data/tenure.csv"),
);

/// The bundled Fader-Hardie cohorts (examples/data/cohorts.csv).
pub(crate) const SAMPLE_COHORTS: (&str, &str) = (
    "the bundled Fader-Hardie cohorts (examples/data/cohorts.csv)",
    include_str!("../../../examples/data/cohorts.csv"),
);

/// The bundled sample of scores and outcomes (examples/data/scores.csv).
pub(crate) const SAMPLE_SCORES: (&str, &str) = (
    "the bundled sample scores (examples/data/scores.csv)",
    include_str!("../../../examples/data/scores.csv"),
);

/// A bundled sample or the file given, read through cs-arrow.
fn load(file: Option<&str>, sample: (&str, &str)) -> Result<Loaded, String> {
    match file {
        Some(path) => Loaded::read(path),
        None => Loaded::csv_text(sample.0, sample.1.as_bytes()),
    }
}

/// A comma-separated list of numbers.
fn numbers(text: &str, what: &str) -> Result<Vec<f64>, String> {
    text.split(',')
        .map(|s| {
            s.trim()
                .parse::<f64>()
                .map_err(|_| format!("{what}: {s:?} is not a number"))
        })
        .collect()
}

fn percent(v: f64) -> String {
    format!("{:.1}%", 100.0 * v)
}

// ---------------------------------------------------------------------------------------------

#[derive(Args)]
pub(crate) struct SurvivalArgs {
    /// Portfolio CSV with one customer per row; the bundled sample when omitted.
    file: Option<String>,
    /// Column of tenures (any unit, 0 or more).
    #[arg(long, default_value = "tenure_months")]
    duration: String,
    /// Column of churn flags (true/false or 1/0, any case); false = still a customer.
    #[arg(long, default_value = "churned")]
    observed: String,
    /// Group by this column (segment, package, CSM, ...) and test the groups (log-rank).
    #[arg(long)]
    by: Option<String>,
    /// Horizons at which to read the curves, comma-separated.
    #[arg(long, default_value = "3,6,12,24")]
    at: String,
    /// Confidence level of the intervals (the median's interval; the curve's in --json).
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// Band the intervals come from: log-log (lifelines'), log (R's default) or plain.
    #[arg(long, default_value = "log-log")]
    confidence_type: String,
    /// Also the restricted mean tenure up to this horizon, with its standard error.
    #[arg(long)]
    rmean: Option<f64>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// A time or "-" (not reached).
fn time_or_dash(t: Option<f64>) -> String {
    t.map_or_else(|| "-".to_owned(), |t| format!("{t}"))
}

pub(crate) fn survival(args: &SurvivalArgs) -> Result<String, String> {
    let confidence = Confidence::new(args.confidence).map_err(|e| e.to_string())?;
    let kind = ConfidenceType::parse(&args.confidence_type).map_err(|e| format!("--confidence-type: {e}"))?;
    let horizons = numbers(&args.at, "--at")?;
    let table = load(args.file.as_deref(), SAMPLE_TENURE)?;
    let source = &table.source;
    let curves = match &args.by {
        Some(by) => Some(
            kaplan_meier_table(
                &table.batch,
                &args.duration,
                Some(&args.observed),
                std::slice::from_ref(by),
                confidence,
            )
            .map_err(|e| table.locate(e))?,
        ),
        None => None,
    };
    let tenure = match &curves {
        Some(c) => c.tenure.clone(),
        None => tenures(&table.batch, &args.duration, Some(&args.observed)).map_err(|e| table.locate(e))?,
    };
    let all = kaplan_meier(&tenure.durations, &tenure.observed, confidence).map_err(|e| table.locate(e))?;
    let groups = match curves {
        Some(curves) => {
            let test = (curves.curves.len() > 1)
                .then(|| logrank_groups(&curves.curves))
                .transpose()
                .map_err(|e| format!("{source}: {e}"))?;
            // Group keys as their labels (the table layer's group rule).
            let label = |code: u64| curves.groups.labels(code).concat();
            let test = test.map(|t| LogRank {
                statistic: t.statistic,
                degrees_of_freedom: t.degrees_of_freedom,
                p_value: t.p_value,
                groups: t
                    .groups
                    .into_iter()
                    .map(|g| LogRankGroup {
                        key: label(g.key),
                        subjects: g.subjects,
                        observed: g.observed,
                        expected: g.expected,
                    })
                    .collect(),
            });
            let named: Vec<SurvivalGroup<String>> = curves
                .curves
                .iter()
                .map(|g| SurvivalGroup {
                    key: label(g.key),
                    estimate: g.estimate.clone(),
                })
                .collect();
            Some((named, test))
        }
        None => None,
    };

    let rmean = |km: &KaplanMeier| -> Result<Option<RestrictedMean>, String> {
        args.rmean
            .map(|t| km.restricted_mean(t).map_err(|e| format!("--rmean: {e}")))
            .transpose()
    };
    let curve_json = |key: &str, km: &KaplanMeier| -> Result<Value, String> {
        let band = km.confidence_band(confidence, kind);
        let at: Vec<Value> = horizons
            .iter()
            .map(|&t| {
                let i = km.timeline().partition_point(|&x| x <= t);
                let (s, lo, hi) = if i == 0 {
                    (1.0, 1.0, 1.0)
                } else {
                    (km.survival()[i - 1], band.lower[i - 1], band.upper[i - 1])
                };
                json!({"time": t, "survival": s, "ci_low": lo, "ci_high": hi})
            })
            .collect();
        let at_risk = km.at_risk(&horizons).map_err(|e| format!("--at: {e}"))?;
        let median_ci = km.median_confidence_interval(confidence, kind);
        let mut doc = json!({
            "group": key,
            "customers": km.subjects(),
            "churned": km.events(),
            "median": km.median(),
            "median_ci": {"lower": median_ci.lower, "upper": median_ci.upper},
            "at": at,
            "at_risk": at_risk,
        });
        if let Some(rm) = rmean(km)? {
            doc["rmean"] = json!(rm);
        }
        Ok(doc)
    };
    if args.json {
        let mut doc = json!({
            "confidence": confidence.level(),
            "confidence_type": kind,
            "all": curve_json("all", &all)?,
        });
        if let Some((groups, test)) = &groups {
            doc["by"] = json!(args.by);
            doc["groups"] = Value::Array(
                groups
                    .iter()
                    .map(|g| curve_json(&g.key, &g.estimate))
                    .collect::<Result<_, _>>()?,
            );
            doc["logrank"] = json!(test);
        }
        return json(&doc);
    }

    let mut headers = vec![args.by.clone().unwrap_or_else(|| "customers".into())];
    if args.by.is_some() {
        headers.push("customers".into());
    }
    headers.push("churned".into());
    headers.extend(horizons.iter().map(|t| format!("S({t})")));
    headers.push("median".into());
    headers.push(format!("median {}% CI", confidence.level() * 100.0));
    if let Some(t) = args.rmean {
        headers.push(format!("rmean({t})"));
        headers.push("se(rmean)".into());
    }
    let mut text = TextTable::new(headers);
    let mut push = |label: Option<&str>, km: &KaplanMeier| -> Result<(), String> {
        let mut row = Vec::new();
        if let Some(l) = label {
            row.push(l.to_owned());
        }
        row.push(km.subjects().to_string());
        row.push(km.events().to_string());
        for &t in &horizons {
            row.push(percent(km.survival_at(t).map_err(|e| e.to_string())?));
        }
        row.push(time_or_dash(km.median()));
        let ci = km.median_confidence_interval(confidence, kind);
        row.push(format!(
            "{} to {}",
            time_or_dash(ci.lower),
            time_or_dash(ci.upper)
        ));
        if let Some(rm) = rmean(km)? {
            row.push(format!("{:.2}", rm.value));
            row.push(format!("{:.2}", rm.standard_error));
        }
        text.push(row);
        Ok(())
    };
    match &groups {
        Some((groups, _)) => {
            for g in groups {
                push(Some(&g.key), &g.estimate)?;
            }
            push(Some("all"), &all)?;
        }
        None => push(None, &all)?,
    }
    let mut out = format!(
        "Survival of {} ({} customers, {} churned)\n\n",
        table.source,
        all.subjects(),
        all.events()
    );
    out += &text.render();
    out += "\nS(t) = share of customers still active after t (Kaplan-Meier; active customers are\n\
            censored at their current tenure). median = first tenure with S <= 50% (- = not reached).\n";
    let _ = writeln!(
        out,
        "median CI = where the {} band crosses 50% (Brookmeyer-Crowley, as R's print.survfit).",
        kind.name()
    );
    if let Some(t) = args.rmean {
        let _ = writeln!(
            out,
            "rmean({t}) = mean tenure within the first {t} (area under S), se as R's se(rmean)."
        );
    }
    if let Some((_, Some(test))) = &groups {
        let _ = write!(
            out,
            "\nLog-rank test across {}: chi-square {:.2} with {} df, p = {:.3e}{}\n",
            args.by.as_deref().unwrap_or_default(),
            test.statistic,
            test.degrees_of_freedom,
            test.p_value,
            if test.p_value < 0.05 {
                " (the groups' survival differs)"
            } else {
                " (no evidence that the groups differ)"
            }
        );
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------

#[derive(Args)]
pub(crate) struct CohortArgs {
    /// CSV of customers still active at the start of each period: the first column is the
    /// period, every other column one cohort (cells may be empty after a cohort's last
    /// period); the bundled Fader-Hardie cohorts when omitted.
    file: Option<String>,
    /// Fit only this cohort column (repeat for several); all columns after the first by default.
    #[arg(long)]
    cohort: Vec<String>,
    /// Also fit one model to all the cohorts jointly.
    #[arg(long)]
    joint: bool,
    /// Periods to project beyond the longest cohort.
    #[arg(long, default_value_t = 5)]
    project: u32,
    /// Discount rate per period for the residual lifetime (DERL).
    #[arg(long, default_value_t = 0.1)]
    discount: f64,
    /// Margin per customer per period: adds the expected residual value (DERL x margin).
    #[arg(long)]
    margin: Option<f64>,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
}

struct Cohort {
    name: String,
    alive: Vec<u64>,
    fit: SbgFit,
}

fn read_cohort(table: &Loaded, name: &str) -> Result<Vec<u64>, String> {
    let cells = table.integers(name)?;
    let counts = cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            c.map(|v| {
                u64::try_from(v).map_err(|_| {
                    table
                        .locate(cs_core::Error::out_of_range(format!("column {name} count"), v, ">= 0").at(i))
                })
            })
            .transpose()
        })
        .collect::<Result<Vec<Option<u64>>, String>>()?;
    let len = counts.iter().position(Option::is_none).unwrap_or(counts.len());
    if let Some(row) = counts[len..].iter().position(Option::is_some) {
        return Err(table.error_at(
            len + row,
            format!("column {name}: a count after an empty cell (a cohort's counts must be consecutive)"),
        ));
    }
    Ok(counts.into_iter().map_while(|c| c).collect())
}

pub(crate) fn cohort(args: &CohortArgs) -> Result<String, String> {
    let table = load(args.file.as_deref(), SAMPLE_COHORTS)?;
    let source = &table.source;
    let names: Vec<String> = if args.cohort.is_empty() {
        table.headers().iter().skip(1).cloned().collect()
    } else {
        args.cohort.clone()
    };
    if names.is_empty() {
        return Err(format!(
            "{source}: no cohort columns (the first column is the period, the others cohorts)"
        ));
    }
    let period_name = table
        .headers()
        .first()
        .cloned()
        .unwrap_or_else(|| "period".into());
    let mut cohorts = Vec::new();
    for name in &names {
        let alive = read_cohort(&table, name)?;
        let fit = SbgModel::fit(&alive).map_err(|e| format!("{source}, cohort {name}: {e}"))?;
        cohorts.push(Cohort {
            name: name.clone(),
            alive,
            fit,
        });
    }
    let joint = if args.joint && cohorts.len() > 1 {
        let all: Vec<&[u64]> = cohorts.iter().map(|c| c.alive.as_slice()).collect();
        Some(SbgModel::fit_cohorts(&all).map_err(|e| format!("{source}, joint fit: {e}"))?)
    } else {
        None
    };
    let longest = cohorts.iter().map(|c| c.alive.len()).max().unwrap_or(0);
    let horizon = u32::try_from(longest.saturating_sub(1))
        .unwrap_or(u32::MAX)
        .saturating_add(args.project);
    if horizon > cs_core::retention::MAX_PERIODS {
        return Err(format!(
            "--project {}: {}",
            args.project,
            cs_core::Error::out_of_range(
                "periods",
                horizon,
                format!("0..={}", cs_core::retention::MAX_PERIODS)
            )
        ));
    }
    let renewals: Vec<u32> = (0..=4).collect();
    let mut fits: Vec<(&str, &SbgFit)> = cohorts.iter().map(|c| (c.name.as_str(), &c.fit)).collect();
    if let Some(j) = &joint {
        fits.push(("joint", j));
    }
    let derl = |fit: &SbgFit, n: u32| fit.model.derl(args.discount, n).map_err(|e| e.to_string());

    if args.json {
        let mut rows = Vec::new();
        for (name, fit) in &fits {
            let mut doc = serde_json::to_value(fit).map_err(|e| e.to_string())?;
            doc["cohort"] = json!(name);
            doc["survival"] = json!(fit.model.survival_curve(horizon).map_err(|e| e.to_string())?);
            doc["retention"] = json!(
                (1..=horizon)
                    .map(|t| fit.model.retention(t).map_err(|e| e.to_string()))
                    .collect::<Result<Vec<_>, _>>()?
            );
            let d = renewals
                .iter()
                .map(|&n| derl(fit, n))
                .collect::<Result<Vec<_>, _>>()?;
            doc["derl"] = json!(d);
            if let Some(m) = args.margin {
                let values = renewals
                    .iter()
                    .map(|&n| {
                        fit.model
                            .residual_value(m, args.discount, n)
                            .map_err(|e| e.to_string())
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                doc["residual_value"] = json!(values);
            }
            rows.push(doc);
        }
        return json(&json!({"discount": args.discount, "renewals": renewals, "fits": rows}));
    }

    let mut out = format!(
        "Shifted-beta-geometric fit of {source} ({} cohort{})\n\n",
        cohorts.len(),
        if cohorts.len() == 1 { "" } else { "s" }
    );
    let mut fit_table = TextTable::new([
        "cohort",
        "customers",
        "periods",
        "alpha",
        "± se",
        "beta",
        "± se",
        "mean churn",
        "log-likelihood",
    ]);
    let se = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.3}"));
    for (name, fit) in &fits {
        let periods = if *name == "joint" {
            "-".to_owned()
        } else {
            cohorts
                .iter()
                .find(|c| c.name == *name)
                .map_or(0, |c| c.alive.len() - 1)
                .to_string()
        };
        fit_table.push(vec![
            (*name).to_owned(),
            fit.customers.to_string(),
            periods,
            format!("{:.3}", fit.model.alpha()),
            se(fit.alpha_se),
            format!("{:.3}", fit.model.beta()),
            se(fit.beta_se),
            percent(fit.model.mean_churn()),
            format!("{:.2}", fit.log_likelihood),
        ]);
    }
    out += &fit_table.render();

    let mut headers = vec![period_name];
    for c in &cohorts {
        headers.push(format!("{} actual", c.name));
        headers.push(format!("{} S(t)", c.name));
        headers.push(format!("{} r(t)", c.name));
    }
    let mut projection = TextTable::new(headers);
    let observed = cohorts
        .iter()
        .map(|c| SbgModel::observed_survival(&c.alive).map_err(|e| format!("cohort {}: {e}", c.name)))
        .collect::<Result<Vec<_>, _>>()?;
    for t in 0..=horizon {
        let mut row = vec![t.to_string()];
        for (c, observed) in cohorts.iter().zip(&observed) {
            let m = &c.fit.model;
            row.push(
                observed
                    .get(t as usize)
                    .map_or_else(|| "-".to_owned(), |&s| percent(s)),
            );
            row.push(percent(m.survival(t)));
            row.push(if t == 0 {
                "-".to_owned()
            } else {
                percent(m.retention(t).map_err(|e| e.to_string())?)
            });
        }
        projection.push(row);
    }
    out += "\nShare of the cohort still active (actual, fitted S(t)) and retention r(t) = S(t)/S(t-1):\n\n";
    out += &projection.render();

    let mut headers = vec!["renewals".to_owned()];
    for (name, _) in &fits {
        headers.push(format!("{name} DERL"));
        if args.margin.is_some() {
            headers.push(format!("{name} value"));
        }
    }
    let mut value_table = TextTable::new(headers);
    for &n in &renewals {
        let mut row = vec![n.to_string()];
        for (_, fit) in &fits {
            let d = derl(fit, n)?;
            row.push(format!("{d:.2}"));
            if let Some(m) = args.margin {
                let value = fit
                    .model
                    .residual_value(m, args.discount, n)
                    .map_err(|e| e.to_string())?;
                row.push(format!("{value:.2}"));
            }
        }
        value_table.push(row);
    }
    let _ = write!(
        out,
        "\nDiscounted expected residual lifetime (DERL, in periods, discount {}% per period) of a\n\
         customer who has renewed n times, seen just before the next renewal:\n\n",
        args.discount * 100.0
    );
    out += &value_table.render();
    out += "\nsBG model (Fader and Hardie 2007): each customer churns with a constant probability per\n\
            period, which varies across customers as Beta(alpha, beta); retention rises with tenure\n\
            as the likeliest churners leave. DERL: Fader and Hardie (2010).\n";
    Ok(out)
}

// ---------------------------------------------------------------------------------------------

#[derive(Args)]
pub(crate) struct BacktestArgs {
    /// CSV with one account per row: a score and whether the account churned; the bundled
    /// sample when omitted.
    file: Option<String>,
    /// Column of scores.
    #[arg(long, default_value = "risk")]
    score: String,
    /// Column of outcomes (true/false or 1/0, any case).
    #[arg(long, default_value = "churned")]
    churned: String,
    /// Which way the score points: risk (higher is riskier) or health (higher is healthier).
    #[arg(long, default_value = "risk")]
    direction: String,
    /// Cut-offs for precision / recall / lift: shares (0.1) or counts (100), comma-separated.
    #[arg(long, default_value = "0.05,0.1,0.2")]
    top: String,
    /// Number of score bins (10 = deciles).
    #[arg(long, default_value_t = 10)]
    bins: u32,
    /// Column of health bands (red / yellow / green): adds the churn rate per band.
    #[arg(long)]
    band: Option<String>,
    /// Column of a second score of the same accounts (read in the same direction): compares the
    /// two AUCs by DeLong's paired test ("is the new score better, or noise?").
    #[arg(long)]
    compare: Option<String>,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
}

fn top_k(text: &str) -> Result<Vec<TopK>, String> {
    text.split(',')
        .map(|s| {
            let s = s.trim();
            if let Ok(k) = s.parse::<u64>() {
                Ok(TopK::Count(k))
            } else {
                s.parse::<f64>()
                    .map(TopK::Share)
                    .map_err(|_| format!("--top: {s:?} is neither a count nor a share"))
            }
        })
        .collect()
}

pub(crate) fn backtest_command(args: &BacktestArgs) -> Result<String, String> {
    let options = BacktestOptions {
        direction: ScoreDirection::parse(&args.direction).map_err(|e| e.to_string())?,
        top: top_k(&args.top)?,
        bins: args.bins,
    };
    let table = load(args.file.as_deref(), SAMPLE_SCORES)?;
    let column = |name: &str| cs_arrow::column(&table.batch, name).map_err(|e| table.locate(e));
    let scores = required_numbers(column(&args.score)?, &args.score).map_err(|e| table.locate(e))?;
    let churned = required_flags(column(&args.churned)?, &args.churned).map_err(|e| table.locate(e))?;
    let bt = backtest(&scores, &churned, &options).map_err(|e| table.locate(e))?;
    // DeLong's interval needs two accounts of each class; with fewer the AUC stands alone.
    let interval = roc_auc_interval(&scores, &churned, options.direction, Confidence::NINETY_FIVE).ok();
    let comparison = match &args.compare {
        Some(other) => {
            let second = required_numbers(column(other)?, other).map_err(|e| table.locate(e))?;
            Some(
                roc_auc_compare(&scores, &second, &churned, options.direction)
                    .map_err(|e| table.locate(e))?,
            )
        }
        None => None,
    };
    let bands = match &args.band {
        Some(b) => {
            let groups = Groups::new(&table.batch, std::slice::from_ref(b)).map_err(|e| table.locate(e))?;
            let codes = groups.codes();
            let rates = churn_by_band(&churned, |i| Ok(codes[i])).map_err(|e| table.locate(e))?;
            Some(
                rates
                    .into_iter()
                    .map(|r| BandChurn {
                        key: groups.labels(r.key).concat(),
                        accounts: r.accounts,
                        churned: r.churned,
                        churn_rate: r.churn_rate,
                    })
                    .collect::<Vec<_>>(),
            )
        }
        None => None,
    };
    if args.json {
        let mut doc = serde_json::to_value(&bt).map_err(|e| e.to_string())?;
        doc["score"] = json!(args.score);
        if let Some(b) = &bands {
            doc["bands"] = json!(b);
        }
        if let Some(i) = &interval {
            doc["auc_interval"] = json!(i);
        }
        if let (Some(c), Some(other)) = (&comparison, &args.compare) {
            doc["comparison"] = json!(c);
            doc["compare"] = json!(other);
        }
        return json(&doc);
    }
    let direction = match bt.direction {
        ScoreDirection::HigherIsRiskier => "higher is riskier",
        ScoreDirection::HigherIsHealthier => "higher is healthier",
    };
    let mut out = format!(
        "Backtest of {} ({direction}) in {}: {} accounts, {} churned ({})\n\n",
        args.score,
        table.source,
        bt.accounts,
        bt.churned,
        percent(bt.churn_rate)
    );
    let ci = interval.map_or_else(String::new, |i| {
        format!(", 95% CI {:.3} - {:.3} (DeLong)", i.lower, i.upper)
    });
    let _ = writeln!(
        out,
        "ROC AUC {:.3}{ci}  (1 = every churned account looked riskier than every retained one; 0.5 = chance)",
        bt.auc
    );
    if let (Some(c), Some(other)) = (&comparison, &args.compare) {
        let test = match (c.z, c.p_value) {
            (Some(z), Some(p)) => format!("z {z:.2}, p {p:.4} (paired DeLong)"),
            _ => "no test: the two scores rank every pair alike".to_owned(),
        };
        let _ = writeln!(
            out,
            "Against {other}: ROC AUC {:.3}, difference {:+.3}; {test}",
            c.auc_b, c.difference
        );
    }
    out.push('\n');
    let mut top = TextTable::new(["top", "k", "churned", "precision", "recall", "lift"]);
    for (t, r) in options.top.iter().zip(&bt.top) {
        top.push(vec![
            match t {
                TopK::Share(s) => percent(*s),
                TopK::Count(k) => k.to_string(),
            },
            r.k.to_string(),
            format!("{:.1}", r.churned),
            percent(r.precision),
            percent(r.recall),
            format!("{:.2}", r.lift),
        ]);
    }
    out += &top.render();
    let mut bins = TextTable::new(["bin", "accounts", "churned", "churn rate", "scores"]);
    for b in &bt.bins {
        bins.push(vec![
            b.bin.to_string(),
            b.accounts.to_string(),
            b.churned.to_string(),
            b.churn_rate.map_or_else(|| "-".to_owned(), percent),
            match (b.min_score, b.max_score) {
                (Some(lo), Some(hi)) => format!("{lo} .. {hi}"),
                _ => "-".to_owned(),
            },
        ]);
    }
    let _ = write!(
        out,
        "\nChurn rate per score bin ({} bins, 1 = most at risk):\n\n",
        args.bins
    );
    out += &bins.render();
    if let Some(bands) = &bands {
        let mut t = TextTable::new([
            args.band.clone().unwrap_or_default(),
            "accounts".into(),
            "churned".into(),
            "churn rate".into(),
        ]);
        for b in bands {
            t.push(vec![
                b.key.clone(),
                b.accounts.to_string(),
                b.churned.to_string(),
                percent(b.churn_rate),
            ]);
        }
        out += "\nChurn rate per band:\n\n";
        out += &t.render();
    }
    out += "\nTies in the score count one half in the AUC and are shared pro rata at a top-k cut-off.\n";
    Ok(out)
}
