//! The review as one self-contained HTML page: maud templates (every interpolated string is
//! escaped by maud), inline CSS, inline SVG charts; no script, no font, nothing fetched.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::ReportError;
use crate::charts::{self, GREY, SERIES, Series, TIER_COLOURS, band_colour};
use crate::review::{NpsRow, Review, RiskRow};

/// The page's Content-Security-Policy: nothing may be fetched, only inline styles and data
/// images are allowed.
pub(crate) const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE: &str = r"
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:24px 32px}header h1{margin:0 0 4px;font-size:24px}header p{margin:0;opacity:.8}
main{max-width:1080px;margin:0 auto;padding:16px 24px 48px}
section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:16px 24px;margin:16px 0}
h2{font-size:19px;margin:4px 0 12px}h3{font-size:15px;margin:16px 0 8px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px}
.tile{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:12px 16px}
.tile .v{font-size:22px;font-weight:600}.tile .k{font-size:12px;color:#5b6475;text-transform:uppercase;letter-spacing:.04em}
.tile .s{font-size:12px;color:#5b6475}
table{border-collapse:collapse;width:100%;font-size:13px;margin:4px 0 12px}
th,td{padding:4px 8px;border-bottom:1px solid #e4e7ec;text-align:right}th:first-child,td:first-child{text-align:left}
th{background:#f0f2f5;font-weight:600}
figure.chart{margin:8px 0}figure.chart svg{max-width:100%;height:auto}figcaption{font-size:12px;color:#5b6475}
.note{font-size:12px;color:#5b6475}.legend span{display:inline-block;margin-right:12px;font-size:12px}
.sw{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px;vertical-align:middle}
.account{border-left:4px solid #c62828;padding-left:12px;margin:12px 0}
@media print{body{background:#fff}header{background:#fff;color:#000;border-bottom:2px solid #000}
section,.tile{box-shadow:none;border:1px solid #ccc;break-inside:avoid}main{max-width:none;padding:0}}
";

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn opt_pct(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), pct)
}

fn num(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{v:.digits$}"))
}

/// A count with thousands separators (`1,661`): the one formatting of counts in the report and
/// the command line's tables.
///
/// ```
/// assert_eq!(cs_report::grouped(1_234_567), "1,234,567");
/// assert_eq!(cs_report::grouped(999), "999");
/// ```
pub fn grouped(n: u64) -> String {
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

/// Minor units as whole major units with thousands separators, for the report and the command
/// line alike.
///
/// ```
/// assert_eq!(cs_report::major_units(123_456_789.0), "1,234,568");
/// assert_eq!(cs_report::major_units(-250_000.0), "-2,500");
/// ```
pub fn major_units(minor: f64) -> String {
    let major = (minor / 100.0).round();
    let sign = if major < 0.0 { "-" } else { "" };
    format!("{sign}{}", grouped(major.abs() as u64))
}

/// Minor units as whole major units with the currency, e.g. `USD 1,234,567`.
fn money(minor: f64, currency: &str) -> String {
    format!("{currency} {}", major_units(minor))
}

fn figure(name: &str, caption: &str, svg: Result<String, ReportError>) -> Markup {
    html! {
        figure.chart data-chart=(name) {
            @match svg {
                Ok(s) => (PreEscaped(s)),
                Err(e) => p.note { "chart unavailable: " (e.0) },
            }
            figcaption { (caption) }
        }
    }
}

fn nps_table(label: &str, rows: &[NpsRow]) -> Markup {
    html! {
        table {
            tr { th { (label) } th { "answers" } th { "promoters" } th { "passives" } th { "detractors" } th { "NPS" } th { "95% interval" } }
            @for r in rows {
                tr {
                    td { (r.key) } td { (grouped(r.responses)) } td { (r.promoters) } td { (r.passives) } td { (r.detractors) }
                    td { (format!("{:+.1}", r.nps)) } td { (format!("{:+.1} .. {:+.1}", r.ci_low, r.ci_high)) }
                }
            }
        }
    }
}

fn risk_table(rows: &[RiskRow], currency: &str) -> Markup {
    html! {
        table {
            tr { th { "account" } th { "segment" } th { "ARR" } th { "renewal" } th { "risk" } th { "tier" } th { "expected loss" } th { "reasons" } }
            @for r in rows {
                tr {
                    td { (r.account_id) } td { (r.segment) } td { (money(r.arr as f64, currency)) }
                    td { (r.renewal_date.map(|d| d.to_string()).unwrap_or_default()) }
                    td { (pct(r.risk)) } td { (r.tier.as_str()) } td { (money(r.expected_loss, currency)) }
                    td { (r.reasons.iter().map(|x| x.factor.as_str()).collect::<Vec<_>>().join(", ")) }
                }
            }
        }
    }
}

fn tile(key: &str, value: &str, sub: &str) -> Markup {
    html! { div.tile { div.k { (key) } div.v { (value) } div.s { (sub) } } }
}

/// A colour halfway to white (the projected series of a cohort).
fn lighter(c: plotters::style::RGBColor) -> plotters::style::RGBColor {
    let half = |v: u8| v / 2 + 128;
    plotters::style::RGBColor(half(c.0), half(c.1), half(c.2))
}

fn colour_css(c: plotters::style::RGBColor) -> String {
    format!("background:#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// The review as a self-contained HTML page.
pub fn render_html(r: &Review) -> String {
    let h = &r.headline;
    let cur = h.currency.as_str();
    let bands = &r.health.bands;
    let nb = bands.len();
    let mix = &r.health.mix;

    let mix_rows = vec![
        (
            "Accounts".to_owned(),
            (0..nb)
                .rev()
                .map(|k| (mix.band_share[k], band_colour(k, nb)))
                .chain([(mix.insufficient_share, GREY)])
                .collect(),
        ),
        (
            "ARR".to_owned(),
            (0..nb)
                .rev()
                .map(|k| (mix.arr_share_by_band[k], band_colour(k, nb)))
                .chain([(mix.insufficient_arr_share, GREY)])
                .collect(),
        ),
    ];
    let history = &r.health.history;
    let history_series: Vec<Series> = (0..nb)
        .rev()
        .map(|k| Series {
            name: bands[k].clone(),
            colour: band_colour(k, nb),
            points: history
                .iter()
                .enumerate()
                .map(|(i, m)| (i as f64, m.band_share[k]))
                .collect(),
            band: None,
            step: false,
        })
        .collect();
    let history_labels: Vec<String> = history.iter().map(|m| m.key.clone()).collect();
    let history_format = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 {
            history_labels
                .get(i as usize)
                .map(|s| s.chars().take(7).collect())
                .unwrap_or_default()
        } else {
            String::new()
        }
    };
    let interval_rows = |rows: &[NpsRow]| {
        rows.iter()
            .map(|n| (n.key.clone(), n.nps, n.ci_low, n.ci_high))
            .collect::<Vec<_>>()
    };
    let renewal_rows: Vec<(String, Vec<(f64, plotters::style::RGBColor)>)> = r
        .renewals
        .upcoming
        .by_month
        .iter()
        .map(|m| {
            (
                m.month.to_string(),
                (0..4)
                    .map(|t| (m.arr_by_tier[t] as f64 / 100.0, TIER_COLOURS[t]))
                    .collect(),
            )
        })
        .collect();
    let survival_series: Vec<Series> = r
        .survival
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let mut points = vec![(0.0, 1.0)];
            points.extend(g.steps.iter().map(|s| (s[0], s[1])));
            let mut band = vec![(0.0, 1.0, 1.0)];
            band.extend(g.steps.iter().map(|s| (s[0], s[2], s[3])));
            Series {
                name: g.group.clone(),
                colour: SERIES[i % SERIES.len()],
                points,
                band: Some(band),
                step: true,
            }
        })
        .collect();
    let max_tenure = r
        .survival
        .groups
        .iter()
        .filter_map(|g| g.steps.last().map(|s| s[0]))
        .fold(1.0_f64, f64::max);
    let mut cohort_series = Vec::new();
    for (i, c) in r.cohorts.iter().enumerate() {
        let colour = SERIES[i % SERIES.len()];
        cohort_series.push(Series {
            name: format!("{} observed", c.cohort),
            colour,
            points: c
                .observed
                .iter()
                .enumerate()
                .map(|(t, s)| (t as f64, *s))
                .collect(),
            band: None,
            step: false,
        });
        cohort_series.push(Series {
            name: format!("{} sBG", c.cohort),
            colour: lighter(colour),
            points: c
                .projected
                .iter()
                .enumerate()
                .map(|(t, s)| (t as f64, *s))
                .collect(),
            band: None,
            step: false,
        });
    }
    let cohort_len = r.cohorts.iter().map(|c| c.projected.len()).max().unwrap_or(1);
    let compliance_rows: Vec<(String, Vec<(f64, plotters::style::RGBColor)>)> = r
        .compliance
        .by_package
        .iter()
        .map(|g| {
            let owed = g.owed.max(1) as f64;
            (
                g.key.clone(),
                vec![
                    (g.delivered as f64 / owed, TIER_COLOURS[0]),
                    (g.overdue as f64 / owed, TIER_COLOURS[3]),
                ],
            )
        })
        .collect();
    let cta_rows: Vec<(String, Vec<(f64, plotters::style::RGBColor)>)> = r
        .ctas
        .by_owner
        .iter()
        .map(|q| {
            (
                q.owner_role.clone(),
                (0..4)
                    .rev()
                    .map(|p| (q.by_priority[p] as f64, TIER_COLOURS[p]))
                    .collect(),
            )
        })
        .collect();
    let integer = |x: &f64| format!("{x:.0}");
    let revenue = &r.retention.revenue;

    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CSP);
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Portfolio review as of " (r.as_of) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "Portfolio review" }
                    p { "As of " (r.as_of) " · " (r.source) " · nothing dated after the as-of date is counted" }
                }
                main {
                    section id="headline" {
                        h2 { "Headline" }
                        div.tiles {
                            (tile("Customers", &grouped(h.accounts), &money(h.arr as f64, cur)))
                            (tile("Green", &pct(h.green_share), &format!("{} of ARR", pct(h.green_arr_share))))
                            (tile("NPS", &format!("{:+.1}", h.nps.nps), &format!("{:+.1} .. {:+.1} ({} answers)", h.nps.ci_low, h.nps.ci_high, grouped(h.nps.responses))))
                            (tile("CSAT", &num(h.csat, 1), "% of ratings above 3.5 of 5"))
                            (tile("GRR", &opt_pct(h.grr), &format!("NRR {}", opt_pct(h.nrr))))
                            (tile("Logo churn", &opt_pct(h.logo_churn), "over the year"))
                            (tile("ARR at risk", &money(h.arr_at_risk, cur), "expected loss Σ ARR × risk"))
                            (tile("Median TTFI", &format!("{} days", num(h.ttfi_median, 0)), "kickoff to First Impact"))
                            (tile("Compliance", &opt_pct(h.compliance), "entitled items delivered"))
                        }
                    }
                    section id="health" {
                        h2 { "Health" }
                        p.note { "Scorecard " (r.health.scorecard) "; shares over all " (grouped(mix.accounts)) " accounts and all their ARR, accounts without a score counted as insufficient data. Mean score " (num(r.health.mean, 1)) "." }
                        div.legend {
                            @for k in (0..nb).rev() { span { span.sw style=(colour_css(band_colour(k, nb))) {} (bands[k]) } }
                            span { span.sw style=(colour_css(GREY)) {} "insufficient data" }
                        }
                        (figure("band-mix", "Band mix by accounts and by ARR", charts::stacked_bars(&mix_rows, "share")))
                        table {
                            tr { th { "band" } th { "accounts" } th { "share" } th { "ARR" } th { "ARR share" } }
                            @for k in (0..nb).rev() {
                                tr { td { (bands[k]) } td { (grouped(mix.band_counts[k])) } td { (pct(mix.band_share[k])) } td { (money(mix.arr_by_band[k] as f64, cur)) } td { (pct(mix.arr_share_by_band[k])) } }
                            }
                            tr { td { "insufficient data" } td { (grouped(mix.insufficient)) } td { (pct(mix.insufficient_share)) } td { (money(mix.insufficient_arr as f64, cur)) } td { (pct(mix.insufficient_arr_share)) } }
                        }
                        h3 { "By segment" }
                        table {
                            tr { th { "segment" } th { "accounts" } @for k in (0..nb).rev() { th { "% " (bands[k]) } } th { "% insufficient" } @for k in (0..nb).rev() { th { "ARR % " (bands[k]) } } }
                            @for m in &r.health.by_segment {
                                tr { td { (m.key) } td { (grouped(m.accounts)) } @for k in (0..nb).rev() { td { (pct(m.band_share[k])) } } td { (pct(m.insufficient_share)) } @for k in (0..nb).rev() { td { (pct(m.arr_share_by_band[k])) } } }
                            }
                        }
                        h3 { "Month by month" }
                        (figure("band-history", "Share of accounts per band at each month end (each row scored on its own date)", charts::lines(&history_series, (0.0, history.len().saturating_sub(1) as f64), (0.0, 1.0), "month end", "share of accounts", &history_format)))
                        h3 { "Largest falls (" (r.health.trend_window_days) "-day window)" }
                        table {
                            tr { th { "account" } th { "from" } th { "to" } th { "score" } th { "band" } th { "why (points per measure)" } }
                            @for f in &r.health.fallers {
                                tr {
                                    td { (f.account_id) } td { (f.trend.from) } td { (f.trend.to) }
                                    td { (num(f.trend.from_score, 1)) " → " (num(f.trend.to_score, 1)) " (" (num(f.trend.delta, 1)) ")" }
                                    td { (f.trend.from_band.clone().unwrap_or_default()) " → " (f.trend.to_band.clone().unwrap_or_default()) }
                                    td { (f.trend.changes.iter().filter(|c| c.change != 0.0).take(3).map(|c| format!("{} {:+.1}", c.measure, c.change)).collect::<Vec<_>>().join(", ")) }
                                }
                            }
                        }
                    }
                    section id="nps" {
                        h2 { "NPS and CSAT" }
                        p.note { "Intervals: " (r.nps_interval) " (adjusted Wald: ¾ pseudo-promoter and ¾ pseudo-detractor added, so small or unanimous groups keep a width) at " (pct(r.confidence)) " confidence." }
                        (figure("nps-quarter", "NPS by quarter with its interval", charts::intervals(&interval_rows(&r.nps.by_quarter), "NPS")))
                        (nps_table("quarter", &r.nps.by_quarter))
                        (figure("nps-segment", "NPS by segment with its interval", charts::intervals(&interval_rows(&r.nps.by_segment), "NPS")))
                        (nps_table("segment", &r.nps.by_segment))
                        (nps_table("all", std::slice::from_ref(&r.nps.total)))
                        h3 { "Perceived vs actual" }
                        p { "The CSM's estimate matched the answer's category for " (pct(r.nps.perceived.match_share())) " of " (grouped(r.nps.perceived.pairs)) " answers; mean gap (perceived − actual) " (num(r.nps.perceived.mean_signed_gap(), 2)) " points; " (r.nps.perceived.hidden_detractors()) " hidden detractors (thought passive or promoter)." }
                        h3 { "CSAT" }
                        p { (num(Some(r.nps.csat.score()), 1)) "% of " (grouped(r.nps.csat.responses)) " ratings above " (r.nps.csat.threshold) " of 5." }
                        table {
                            tr { th { "quarter" } th { "ratings" } th { "CSAT" } }
                            @for (q, c) in &r.nps.csat_by_quarter { tr { td { (q) } td { (grouped(c.responses)) } td { (format!("{:.1}%", c.score())) } } }
                        }
                    }
                    section id="renewals" {
                        h2 { "Renewals and ARR at risk" }
                        p.note { (grouped(r.renewals.upcoming.accounts)) " renewals worth " (money(r.renewals.upcoming.arr as f64, cur)) " from " (r.renewals.upcoming.from) " to " (r.renewals.upcoming.to) ", by month and risk tier (model " (r.renewals.model) ")." }
                        div.legend { @for (t, name) in ["low", "medium", "high", "critical"].iter().enumerate() { span { span.sw style=(colour_css(TIER_COLOURS[t])) {} (name) } } }
                        (figure("renewals", &format!("ARR renewing per month by risk tier ({cur})"), charts::stacked_bars(&renewal_rows, cur)))
                        table {
                            tr { th { "month" } th { "accounts" } th { "ARR" } th { "low" } th { "medium" } th { "high" } th { "critical" } }
                            @for m in &r.renewals.upcoming.by_month {
                                tr { td { (m.month) } td { (m.accounts) } td { (money(m.arr as f64, cur)) } @for t in 0..4 { td { (m.accounts_by_tier[t]) " · " (money(m.arr_by_tier[t] as f64, cur)) } } }
                            }
                        }
                        h3 { "In the internal-review window without a review (" (r.renewals.without_review.len()) ")" }
                        table {
                            tr { th { "account" } th { "due" } th { "owner" } th { "why" } }
                            @for c in r.renewals.without_review.iter().take(15) { tr { td { (c.account_id) } td { (c.due) } td { (c.owner_role) } td { (c.evidence) } } }
                        }
                        h3 { "ARR at risk by tier" }
                        table {
                            tr { th { "tier" } th { "accounts" } th { "ARR" } th { "expected loss" } }
                            @for g in &r.renewals.arr_at_risk.by_tier { tr { td { (g.key.as_str()) } td { (grouped(g.accounts)) } td { (money(g.arr as f64, cur)) } td { (money(g.expected_loss, cur)) } } }
                            tr { td { "all" } td { (grouped(r.renewals.arr_at_risk.accounts)) } td { (money(r.renewals.arr_at_risk.arr as f64, cur)) } td { (money(r.renewals.arr_at_risk.expected_loss, cur)) } }
                        }
                        h3 { "Largest expected losses, with reasons" }
                        (risk_table(&r.renewals.top, cur))
                    }
                    section id="retention" {
                        h2 { "Revenue retention and churn" }
                        table {
                            tr { th { "segment" } th { "accounts" } th { "start ARR" } th { "end ARR" } th { "GRR" } th { "NRR" } th { "logo churn" } }
                            @for (k, s) in &revenue.by_segment {
                                tr { td { (k.clone().unwrap_or_else(|| "(none)".into())) } td { (s.start_accounts) } td { (money(s.start_arr as f64, cur)) } td { (money(s.end_arr as f64, cur)) } td { (opt_pct(s.grr)) } td { (opt_pct(s.nrr)) } td { (opt_pct(s.logo_churn)) } }
                            }
                            tr { td { "all" } td { (revenue.overall.start_accounts) } td { (money(revenue.overall.start_arr as f64, cur)) } td { (money(revenue.overall.end_arr as f64, cur)) } td { (opt_pct(revenue.overall.grr)) } td { (opt_pct(revenue.overall.nrr)) } td { (opt_pct(revenue.overall.logo_churn)) } }
                        }
                        h3 { "Why customers left (" (grouped(r.retention.churned_accounts)) " lost accounts)" }
                        table {
                            tr { th { "reason" } th { "accounts" } th { "share" } th { "lost ARR" } th { "ARR share" } }
                            @for c in &r.retention.churn_reasons { tr { td { (c.reason.to_string()) } td { (c.accounts) } td { (pct(c.account_share)) } td { (money(c.arr as f64, cur)) } td { (opt_pct(c.arr_share)) } } }
                        }
                    }
                    section id="survival" {
                        h2 { "Customer tenure (Kaplan-Meier) by segment" }
                        (figure("survival", "Share of customers still active by tenure (months), with 95% pointwise bands", charts::lines(&survival_series, (0.0, max_tenure), (0.0, 1.0), "tenure (months)", "still a customer", &integer)))
                        table {
                            tr { th { "segment" } th { "customers" } th { "churned" } @for t in crate::review::SURVIVAL_AT { th { "S(" (t) ")" } } th { "median" } }
                            @for g in &r.survival.groups {
                                tr { td { (g.group) } td { (g.customers) } td { (g.churned) } @for a in &g.at { td { (pct(a[1])) " (" (pct(a[2])) "–" (pct(a[3])) ")" } } td { (num(g.median, 0)) } }
                            }
                        }
                        @if let Some(t) = &r.survival.logrank { p.note { "Log-rank test across segments: χ² " (format!("{:.2}", t.statistic)) " with " (t.degrees_of_freedom) " df, p = " (format!("{:.3e}", t.p_value)) "." } }
                    }
                    section id="cohorts" {
                        h2 { "Cohort projection (shifted-beta-geometric)" }
                        (figure("cohorts", "Share of each start-quarter cohort alive per contract year: observed and the sBG fit projected", charts::lines(&cohort_series, (0.0, cohort_len.saturating_sub(1) as f64), (0.0, 1.0), "contract year", "alive", &integer)))
                        table {
                            tr { th { "cohort" } th { "customers" } th { "alpha" } th { "beta" } th { "mean churn" } th { "projected survival" } }
                            @for c in &r.cohorts { tr { td { (c.cohort) } td { (c.customers) } td { (format!("{:.3}", c.alpha)) } td { (format!("{:.3}", c.beta)) } td { (pct(c.mean_churn)) } td { (c.projected.iter().map(|s| pct(*s)).collect::<Vec<_>>().join(" · ")) } } }
                        }
                    }
                    section id="compliance" {
                        h2 { "Entitlement compliance by package" }
                        (figure("compliance", "Items owed by package: delivered (green) and overdue (red)", charts::stacked_bars(&compliance_rows, "share of owed items")))
                        table {
                            tr { th { "package" } th { "accounts" } th { "delivered" } th { "owed" } th { "overdue" } th { "compliance" } th { "under-delivered" } th { "over-delivered" } }
                            @for g in r.compliance.by_package.iter().chain([&r.compliance.all]) {
                                tr { td { (g.key) } td { (g.accounts) } td { (grouped(g.delivered)) } td { (grouped(g.owed)) } td { (grouped(g.overdue)) } td { (opt_pct(g.ratio)) } td { (g.under_delivered_accounts) } td { (g.over_delivered_accounts) } }
                            }
                        }
                    }
                    section id="onboarding" {
                        h2 { "Onboarding and Time to First Impact" }
                        p.note { "Target " (r.onboarding.target_days) " days from kickoff; " (r.onboarding.overdue) " accounts still onboarding past target." }
                        table {
                            tr { th { "segment" } th { "accounts" } th { "achieved" } th { "late" } th { "onboarding" } th { "overdue" } th { "median days" } th { "p90 days" } th { "past target" } }
                            @for (k, s) in r.onboarding.by_segment.iter().map(|g| (g.key.as_str(), &g.summary)).chain([("all", &r.onboarding.total)]) {
                                tr { td { (k) } td { (s.accounts) } td { (s.achieved) } td { (s.achieved_late) } td { (s.onboarding) } td { (s.overdue) } td { (num(s.median_days, 0)) } td { (num(s.p90_days, 0)) } td { (opt_pct(s.share_past_target)) } }
                            }
                        }
                    }
                    section id="ctas" {
                        h2 { "Calls to action by owner" }
                        p.note { (grouped(r.ctas.total)) " calls to action opened on " (r.as_of) " by the playbook " (r.ctas.playbook) "." }
                        (figure("ctas", "Calls to action per owner role by priority (urgent, high, medium, low)", charts::stacked_bars(&cta_rows, "calls to action")))
                        table {
                            tr { th { "owner" } th { "CTAs" } th { "accounts" } th { "urgent" } th { "high" } th { "medium" } th { "low" } th { "rules" } }
                            @for q in &r.ctas.by_owner {
                                tr { td { (q.owner_role) } td { (q.ctas) } td { (q.accounts) } td { (q.by_priority[3]) } td { (q.by_priority[2]) } td { (q.by_priority[1]) } td { (q.by_priority[0]) } td { (q.by_rule.iter().map(|(r, n)| format!("{r} {n}")).collect::<Vec<_>>().join(", ")) } }
                            }
                        }
                    }
                    section id="accounts" {
                        h2 { "Accounts to follow" }
                        p.note { "The " (r.accounts.len()) " largest expected losses, each through every section." }
                        @for a in &r.accounts {
                            div.account {
                                h3 { (a.risk.account_id) " · " (a.risk.segment) " · " (money(a.risk.arr as f64, cur)) }
                                p { "Health " (num(a.health_score, 1)) " (" (a.health_band.clone().unwrap_or_else(|| "insufficient data".into())) "), top drag: " (a.health_driver.clone().unwrap_or_else(|| "–".into())) "." }
                                @if let Some(t) = &a.trend {
                                    p { "Trend " (t.from) " → " (t.to) ": " (num(t.from_score, 1)) " → " (num(t.to_score, 1)) "; " (t.changes.iter().filter(|c| c.change != 0.0).take(3).map(|c| format!("{} {:+.1}", c.measure, c.change)).collect::<Vec<_>>().join(", ")) }
                                }
                                p { "Renewal " (a.risk.renewal_date.map_or_else(|| "–".to_owned(), |d| d.to_string())) ", risk " (pct(a.risk.risk)) " (" (a.risk.tier.as_str()) "), expected loss " (money(a.risk.expected_loss, cur)) "; reasons: " (a.risk.reasons.iter().map(|x| x.factor.as_str()).collect::<Vec<_>>().join(", ")) "." }
                                p { "Latest NPS answer: " (a.latest_nps.map_or_else(|| "none".to_owned(), |(d, s)| format!("{s:.0} on {d}"))) "." }
                                @if !a.ctas.is_empty() {
                                    table {
                                        tr { th { "call to action" } th { "priority" } th { "due" } th { "owner" } th { "why" } }
                                        @for c in &a.ctas { tr { td { (c.rule_id) } td { (c.priority.to_string()) } td { (c.due) } td { (c.owner_role) } td { (c.evidence) } } }
                                    }
                                }
                            }
                        }
                    }
                    p.note { "Made by cs-core's `cs report`; every number comes from a cs-core function (docs/report.md)." }
                }
            }
        }
    };
    page.into_string()
}
