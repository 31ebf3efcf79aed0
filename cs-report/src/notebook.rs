//! Notebook views of single results (`_repr_html_` in Python): NPS, a health score, a
//! Kaplan-Meier curve, a backtest and a risk-model evaluation, as small HTML fragments drawn by
//! the same templates (maud, every text escaped) and charts (plotters SVG) as the report.

use cs_core::health::{FitVerdict, HealthScore, WeightFit};
use cs_core::nps::{IntervalMethod, Nps};
use cs_core::renewal::Evaluation;
use cs_core::retention::{Backtest, KaplanMeier};
use cs_core::statistics::Confidence;
use maud::{Markup, PreEscaped, html};

use crate::charts::{Series, lines};

const STYLE: &str = "font-family:system-ui,sans-serif;font-size:13px;border-collapse:collapse";

fn num(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{v:.digits$}"))
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{:.1}%", 100.0 * v))
}

fn card(title: &str, body: &Markup) -> String {
    html! {
        div style="display:inline-block;border:1px solid #ccd;border-radius:6px;padding:8px 12px" {
            div style="font:600 14px system-ui,sans-serif;margin-bottom:6px" { (title) }
            (body)
        }
    }
    .into_string()
}

/// An NPS result: the score, its counts and both 95% intervals (Wald and adjusted Wald).
///
/// ```
/// let n = cs_core::nps::Nps::from_counts(5, 0, 0)?;
/// let html = cs_report::nps_html(&n);
/// assert!(html.contains("+100.0") && html.contains("adjusted Wald"));
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn nps_html(n: &Nps) -> String {
    let level = Confidence::default();
    let wald = n.interval_by(level, IntervalMethod::Wald);
    let adjusted = n.interval_by(level, IntervalMethod::AdjustedWald);
    let body = html! {
        table style=(STYLE) {
            tr { td { "NPS" } td { b { (format!("{:+.1}", n.score())) } } }
            tr { td { "responses" } td { (n.responses()) } }
            tr { td { "promoters / passives / detractors" } td { (n.promoters()) " / " (n.passives()) " / " (n.detractors()) } }
            tr { td { (format!("{level} interval, Wald")) } td { (format!("{:+.1} .. {:+.1}", wald.low, wald.high)) } }
            tr { td { (format!("{level} interval, adjusted Wald")) } td { (format!("{:+.1} .. {:+.1}", adjusted.low, adjusted.high)) } }
        }
    };
    card("NPS", &body)
}

/// A health score: score, band, coverage and each measure's points.
pub fn health_html(h: &HealthScore) -> String {
    let body = html! {
        div { "score " b { (num(h.score, 1)) } " · band " b { (h.band.as_deref().unwrap_or("insufficient data")) }
              " · coverage " (pct(Some(h.coverage))) " · as of " (h.as_of) }
        table style=(STYLE) {
            tr { th { "measure" } th { "status" } th { "measure score" } th { "weight" } th { "points" } }
            @for c in &h.contributions {
                tr {
                    td { (c.measure) }
                    td { (format!("{:?}", c.status).to_lowercase()) }
                    td { (num(c.measure_score, 1)) }
                    td { (format!("{:.1}", c.effective_weight)) }
                    td { (format!("{:.1}", c.points)) }
                }
            }
        }
        @if let Some(d) = &h.driver { div { "top negative driver: " b { (d) } } }
    };
    card(&format!("Health score ({})", h.scorecard), &body)
}

/// A Kaplan-Meier estimate: the curve with its band, and the median.
pub fn kaplan_meier_html(km: &KaplanMeier) -> String {
    let band = km.confidence_interval();
    let t = km.timeline();
    let mut points = vec![(0.0, 1.0)];
    let mut bands = vec![(0.0, 1.0, 1.0)];
    for (i, &time) in t.iter().enumerate() {
        points.push((time, km.survival()[i]));
        bands.push((time, band.lower[i], band.upper[i]));
    }
    let last = t.last().copied().unwrap_or(1.0);
    let series = [Series {
        name: "survival".into(),
        colour: plotters::style::RGBColor(40, 90, 160),
        points,
        band: Some(bands),
        step: true,
    }];
    let svg = lines(&series, (0.0, last), (0.0, 1.0), "tenure", "survival", &|x| {
        format!("{x}")
    })
    .unwrap_or_default();
    let body = html! {
        div { (km.subjects()) " customers, " (km.events()) " churned, median "
              (km.median().map_or_else(|| "not reached".to_owned(), |m| format!("{m}"))) }
        div style="max-width:640px" { (PreEscaped(svg)) }
    };
    card(&format!("Kaplan-Meier ({} band)", km.confidence()), &body)
}

/// A backtest: AUC, base rate, top-k precision and lift, churn by score bin.
pub fn backtest_html(b: &Backtest) -> String {
    let body = html! {
        div { "ROC AUC " b { (format!("{:.3}", b.auc)) } " · " (b.accounts) " accounts, " (b.churned)
              " churned (" (pct(Some(b.churn_rate))) ")" }
        table style=(STYLE) {
            tr { th { "top k" } th { "churned" } th { "precision" } th { "recall" } th { "lift" } }
            @for k in &b.top {
                tr { td { (k.k) } td { (format!("{:.1}", k.churned)) } td { (pct(Some(k.precision))) }
                     td { (pct(Some(k.recall))) } td { (format!("{:.2}", k.lift)) } }
            }
        }
        table style=(STYLE) {
            tr { th { "bin" } th { "accounts" } th { "churned" } th { "churn rate" } th { "scores" } }
            @for s in &b.bins {
                tr { td { (s.bin) } td { (s.accounts) } td { (s.churned) } td { (pct(s.churn_rate)) }
                     td { (num(s.min_score, 1)) " .. " (num(s.max_score, 1)) } }
            }
        }
    };
    card("Backtest", &body)
}

/// A risk-model evaluation: AUC, Brier score and log-loss, outcomes per tier, calibration.
pub fn risk_evaluation_html(e: &Evaluation) -> String {
    let body = html! {
        div { "ROC AUC " b { (num(e.auc, 3)) } " · Brier " (format!("{:.4}", e.brier)) " · log-loss "
              (format!("{:.4}", e.log_loss)) " · " (e.rows) " renewals, " (e.churned) " churned" }
        table style=(STYLE) {
            tr { th { "tier" } th { "accounts" } th { "churned" } th { "churn rate" } th { "mean risk" } }
            @for t in &e.by_tier {
                tr { td { (t.tier.as_str()) } td { (t.accounts) } td { (t.churned) } td { (pct(t.churn_rate)) }
                     td { (pct(t.mean_risk)) } }
            }
        }
        table style=(STYLE) {
            tr { th { "bin" } th { "accounts" } th { "mean risk" } th { "churn rate" } }
            @for c in &e.calibration {
                tr { td { (c.bin) } td { (c.accounts) } td { (pct(Some(c.mean_risk))) } td { (pct(Some(c.churn_rate))) } }
            }
        }
    };
    card("Risk model evaluation", &body)
}

/// A weight fit (`Scorecard.fit_weights`): the weights current and proposed, both cards' AUC on
/// the training and the held-out renewals, the paired DeLong test and its verdict.
///
/// ```
/// # use chrono::NaiveDate;
/// # use cs_core::health::{Measure, MeasureColumn, Rule, Scorecard, WeightFitOptions};
/// # use cs_core::portfolio::Column;
/// # let mut card = Scorecard::new("two");
/// # card.measures.push(Measure::new("usage", 50.0, Rule::Linear { min: 0.0, max: 1.0 }));
/// # card.measures.push(Measure::new("noise", 50.0, Rule::Linear { min: 0.0, max: 1.0 }));
/// # let usage: Vec<f64> = (0..40).map(|i| if i % 2 == 0 { 0.2 } else { 0.8 } + (i as f64) / 1000.0).collect();
/// # let noise: Vec<f64> = (0..40).map(|i| ((i * 7) % 11) as f64 / 10.0).collect();
/// # let churned: Vec<bool> = (0..40).map(|i| i % 2 == 0).collect();
/// # let columns = [MeasureColumn::number("usage", Column::new("usage", &usage)),
/// #     MeasureColumn::number("noise", Column::new("noise", &noise))];
/// # let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
/// let fit = card.fit_weights(&columns, Column::new("churned", &churned), day, &WeightFitOptions::default())?;
/// let html = cs_report::weight_fit_html(&fit);
/// assert!(html.contains("usage") && html.contains("held out") && html.contains("DeLong"));
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn weight_fit_html(fit: &WeightFit) -> String {
    let level = fit.options.confidence;
    let c = &fit.comparison;
    let verdict = match fit.verdict {
        FitVerdict::Better => "better beyond noise",
        FitVerdict::Worse => "worse beyond noise",
        FitVerdict::NoEvidence => "no significant difference",
    };
    let interval = |i: &cs_core::retention::AucInterval| format!("{:.3} – {:.3}", i.lower, i.upper);
    let body = html! {
        div { (fit.training.accounts) " renewals for training (" (fit.training.churned) " churned), "
              (fit.holdout.accounts) " held out (" (fit.holdout.churned) " churned), seed " (fit.options.seed) }
        table style=(STYLE) {
            tr { th { "group" } th { "measure or group" } th { "current" } th { "proposed" } }
            @for w in &fit.weights {
                tr { td { (w.parent.as_deref().unwrap_or("")) } td { (w.name) }
                     td { (format!("{:.1}", w.current)) }
                     td { (if w.fitted { format!("{:.0}", w.proposed) } else { "kept".to_owned() }) } }
            }
        }
        table style=(STYLE) {
            tr { th { "ROC AUC" } th { "training" } th { "held out" } th { (level) " interval" } }
            tr { td { "current card" } td { (format!("{:.3}", fit.training.auc_current)) }
                 td { (format!("{:.3}", fit.holdout.auc_current)) } td { (interval(&fit.holdout_current)) } }
            tr { td { "proposed card" } td { (format!("{:.3}", fit.training.auc_proposed)) }
                 td { (format!("{:.3}", fit.holdout.auc_proposed)) } td { (interval(&fit.holdout_proposed)) } }
        }
        div { "Held out, proposed − current " b { (format!("{:+.3}", c.difference)) }
              " · paired DeLong p " (num(c.p_value, 4)) " · " (verdict) }
    };
    card(
        &format!("Weights of {:?} fitted to outcomes", fit.scorecard.name),
        &body,
    )
}
