use std::fmt::Write;

use chrono::NaiveDate;

use super::goal::{Goal, SuccessMetric};
use super::people::Person;
use super::plan::JointImpactPlan;
use crate::Result;

/// Escapes text for a Markdown table cell or line: pipes are escaped, line breaks become
/// spaces, and characters that start Markdown markup at the beginning of a cell are escaped.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

fn person(p: &Person) -> String {
    match &p.title {
        Some(t) if !t.trim().is_empty() => format!("{} ({})", cell(&p.name), cell(t)),
        _ => cell(&p.name),
    }
}

fn number(v: f64) -> String {
    // Whole numbers without a decimal point; others with up to 2 decimals.
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

fn metric(m: &SuccessMetric) -> String {
    let unit = m
        .unit
        .as_deref()
        .map(|u| format!(" {}", cell(u)))
        .unwrap_or_default();
    let current = m
        .current
        .map_or_else(|| "not measured".to_owned(), |c| format!("{}{unit}", number(c)));
    format!(
        "{}: {}{unit} → {}{unit} (now {current})",
        cell(&m.name),
        number(m.baseline),
        number(m.target)
    )
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn goal_row(out: &mut String, g: &Goal, as_of: Option<NaiveDate>) {
    let overdue = as_of.is_some_and(|d| g.is_overdue(d));
    let status = if overdue {
        format!("{} (overdue)", g.status.label())
    } else {
        g.status.label().to_owned()
    };
    let horizon = match g.horizon {
        super::Horizon::Short => "Short term",
        super::Horizon::Long => "Long term",
    };
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} |",
        cell(&g.title),
        g.kind.label(),
        horizon,
        g.metric.as_ref().map_or_else(|| "-".to_owned(), metric),
        percent(g.progress()),
        g.due,
        status
    );
}

impl JointImpactPlan {
    /// The customer-facing Markdown rendering of the current plan: owners, goals with their
    /// success metrics and progress, action items, challenges, opportunities, important dates
    /// and the last review. Internal history (the revision log) is left out; the plan is sent
    /// to the customer's contacts before each review (docs/domain-sources.md, "Success plan").
    pub fn to_markdown(&self) -> String {
        self.render(None)
    }

    /// The Markdown rendering of the plan as recorded at `as_of`, with overdue goals and
    /// actions marked.
    pub fn to_markdown_as_of(&self, as_of: NaiveDate) -> Result<String> {
        Ok(self.revision_at(as_of)?.render(Some(as_of)))
    }

    fn render(&self, as_of: Option<NaiveDate>) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# {}\n", cell(&self.title));
        let _ = writeln!(out, "**Account:** {}  ", cell(&self.account));
        let _ = writeln!(
            out,
            "**Owners:** {} (customer), {} (ours)  ",
            person(&self.owners.customer),
            person(&self.owners.ours)
        );
        if let Some(k) = self.kickoff_on {
            let _ = writeln!(out, "**Kickoff:** {k}  ");
        }
        let updated = self.last_revised().map_or(self.created_on, |t| t.date());
        let _ = writeln!(
            out,
            "**Plan created:** {}, last updated {updated}",
            self.created_on
        );
        if let Some(d) = as_of {
            let _ = writeln!(out, "\n_Status as of {d}._");
        }
        let progress = self.progress_now(as_of.unwrap_or(NaiveDate::MIN));
        if let Some(overall) = progress.overall {
            let _ = writeln!(out, "\n**Overall progress:** {}", percent(overall));
        }

        if !self.goals.is_empty() {
            out.push_str(
                "\n## Goals\n\n| Goal | Kind | Horizon | Success metric | Progress | Due | Status |\n",
            );
            out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
            for g in &self.goals {
                goal_row(&mut out, g, as_of);
            }
        }
        if !self.action_items.is_empty() {
            out.push_str(
                "\n## Action items\n\n| Action | Owner | Due | Status |\n| --- | --- | --- | --- |\n",
            );
            let mut items: Vec<_> = self.action_items.iter().collect();
            items.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.id.cmp(&b.id)));
            for a in items {
                let side = match a.side {
                    super::Side::Customer => "",
                    super::Side::Ours => " (ours)",
                };
                let overdue = as_of.is_some_and(|d| a.is_overdue(d));
                let status = if overdue {
                    format!("{} (overdue)", a.status.label())
                } else {
                    a.status.label().to_owned()
                };
                let _ = writeln!(
                    out,
                    "| {} | {}{side} | {} | {status} |",
                    cell(&a.title),
                    cell(&a.owner),
                    a.due
                );
            }
        }
        if !self.challenges.is_empty() {
            out.push_str("\n## Challenges\n\n");
            for c in &self.challenges {
                let _ = write!(out, "- {}", cell(&c.description));
                if let Some(m) = &c.mitigation {
                    let _ = write!(out, " — plan: {}", cell(m));
                }
                out.push('\n');
            }
        }
        if !self.opportunities.is_empty() {
            out.push_str("\n## Opportunities\n\n");
            for o in &self.opportunities {
                let _ = writeln!(out, "- {}", cell(&o.description));
            }
        }
        if !self.important_dates.is_empty() {
            out.push_str("\n## Important dates\n\n");
            let mut dates: Vec<_> = self.important_dates.iter().collect();
            dates.sort_by_key(|d| d.date);
            for d in dates {
                let _ = writeln!(out, "- {}: {}", d.date, cell(&d.label));
            }
        }
        if let Some(r) = self.reviews.iter().max_by_key(|r| r.date) {
            let _ = writeln!(out, "\n## Last review: {}\n", r.date);
            if !r.attendees.is_empty() {
                let names: Vec<String> = r.attendees.iter().map(|a| cell(a)).collect();
                let _ = writeln!(out, "Attendees: {}\n", names.join(", "));
            }
            if !r.notes.trim().is_empty() {
                let _ = writeln!(out, "{}", cell(&r.notes));
            }
        }
        out
    }
}
