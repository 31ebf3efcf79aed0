//! The terminal summary of a review: the headline and one line per section.

use std::fmt::Write as _;

use crate::{Review, major_units};

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |v| format!("{:.1}%", 100.0 * v))
}

/// The terminal summary: headline numbers, then the first lines of each section.
pub fn summary_text(r: &Review) -> String {
    let h = &r.headline;
    let c = &h.currency;
    let mut out = format!("Portfolio review as of {} ({})\n\n", r.as_of, r.source);
    let _ = writeln!(
        out,
        "  customers        {:>8}   ARR {c} {}",
        h.accounts,
        major_units(h.arr as f64)
    );
    let _ = writeln!(
        out,
        "  green            {:>8}   of ARR {}",
        pct(Some(h.green_share)),
        pct(Some(h.green_arr_share))
    );
    let _ = writeln!(
        out,
        "  NPS              {:>+8.1}   {:+.1} .. {:+.1} ({}, {:.0}%), {} answers",
        h.nps.nps,
        h.nps.ci_low,
        h.nps.ci_high,
        r.nps_interval,
        100.0 * r.confidence,
        h.nps.responses
    );
    let _ = writeln!(
        out,
        "  CSAT             {:>8}",
        h.csat.map_or_else(|| "-".to_owned(), |v| format!("{v:.1}%"))
    );
    let _ = writeln!(
        out,
        "  GRR / NRR        {:>8}   {}   logo churn {}",
        pct(h.grr),
        pct(h.nrr),
        pct(h.logo_churn)
    );
    let _ = writeln!(out, "  ARR at risk      {c} {}", major_units(h.arr_at_risk));
    let _ = writeln!(
        out,
        "  median TTFI      {:>8}",
        h.ttfi_median
            .map_or_else(|| "-".to_owned(), |v| format!("{v:.0} days"))
    );
    let _ = writeln!(out, "  compliance       {:>8}", pct(h.compliance));
    let _ = writeln!(
        out,
        "\n  {} renewals in the next {} days ({c} {}); {} in the review window without a review",
        r.renewals.upcoming.accounts,
        (r.renewals.upcoming.to - r.renewals.upcoming.from).num_days(),
        major_units(r.renewals.upcoming.arr as f64),
        r.renewals.without_review.len()
    );
    let _ = writeln!(out, "  {} calls to action opened:", r.ctas.total);
    for q in &r.ctas.by_owner {
        let _ = writeln!(
            out,
            "    {:<16} {:>5} ({} accounts)",
            q.owner_role, q.ctas, q.accounts
        );
    }
    if !r.accounts.is_empty() {
        let _ = writeln!(out, "  largest expected losses:");
        for a in &r.accounts {
            let reasons: Vec<&str> = a.risk.reasons.iter().map(|x| x.factor.as_str()).collect();
            let _ = writeln!(
                out,
                "    {:<12} {c} {:>12}  risk {:>5.1}%  {}",
                a.risk.account_id,
                major_units(a.risk.expected_loss),
                100.0 * a.risk.risk,
                reasons.join(", ")
            );
        }
    }
    out
}
