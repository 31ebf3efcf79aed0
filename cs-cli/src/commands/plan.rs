//! `cs plan show` and `cs plan check`: a Joint Impact Plan's status, and its validation.
//!
//! Exit codes of `cs plan check`: 0 when the plan is valid and nothing is overdue, 1 when a goal
//! or action item is overdue or the plan's review is overdue, 2 when the file cannot be read or
//! is not a valid plan (the error names the field). `cs plan show` exits 2 on an invalid file
//! and 0 otherwise.

use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use cs_core::onboarding::{
    DEFAULT_TTFI_TARGET_DAYS, FirstImpactState, GoalStatus, JointImpactPlan, Overdue, PlanStatus,
    ReviewStatus, TtfiConfig, TtfiOrigin,
};

use crate::output::TextTable;

/// Exit code: something is overdue.
const OVERDUE: u8 = 1;
/// Exit code: the file cannot be read or is not a valid plan.
const INVALID: u8 = 2;

#[derive(Subcommand)]
pub(crate) enum PlanCommand {
    /// Summary of a plan as of a date: owners, goal progress, overdue items, next actions,
    /// review status and Time to First Impact (or the customer-facing Markdown).
    Show(ShowArgs),
    /// Validates a plan and lists what is overdue. Exit code 0: valid, nothing overdue;
    /// 1: a goal or action item is overdue, or the review is; 2: invalid or unreadable file.
    Check(CheckArgs),
}

// Doc comments here are `--help` text for users, not rustdoc.
#[allow(clippy::doc_markdown)]
#[derive(Args)]
pub(crate) struct ShowArgs {
    /// The plan: JSON (or TOML when the name ends in .toml).
    file: String,
    /// Evaluate the plan as recorded on this date (YYYY-MM-DD); today (UTC) by default.
    #[arg(long)]
    as_of: Option<String>,
    /// Print the customer-facing Markdown rendering instead of the summary.
    #[arg(long, conflicts_with = "json")]
    markdown: bool,
    /// Print the status as JSON.
    #[arg(long)]
    json: bool,
    /// How many next actions to list.
    #[arg(long, default_value_t = 5)]
    limit: usize,
    /// Where the Time to First Impact clock starts: kickoff or contract_start.
    #[arg(long, default_value = "kickoff")]
    origin: String,
    /// Time to First Impact target in days.
    #[arg(long, default_value_t = DEFAULT_TTFI_TARGET_DAYS)]
    target_days: u32,
}

// Doc comments here are `--help` text for users, not rustdoc.
#[allow(clippy::doc_markdown)]
#[derive(Args)]
pub(crate) struct CheckArgs {
    /// The plan: JSON (or TOML when the name ends in .toml).
    file: String,
    /// Check overdue items as of this date (YYYY-MM-DD); today (UTC) by default.
    #[arg(long)]
    as_of: Option<String>,
}

/// Runs a `cs plan` subcommand, printing its output, and returns the exit code.
pub(crate) fn run(command: &PlanCommand) -> ExitCode {
    let result = match command {
        PlanCommand::Show(args) => show(args),
        PlanCommand::Check(args) => check(args),
    };
    match result {
        Ok((text, code)) => {
            print!("{text}");
            ExitCode::from(code)
        }
        Err((message, code)) => {
            eprintln!("cs: {message}");
            ExitCode::from(code)
        }
    }
}

type Outcome = Result<(String, u8), (String, u8)>;

/// Today's date in UTC, from the system clock.
fn today() -> NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    cs_core::onboarding::DateLike::to_date(days as i64).unwrap_or(NaiveDate::MIN)
}

fn as_of(arg: Option<&str>) -> Result<NaiveDate, (String, u8)> {
    match arg {
        None => Ok(today()),
        Some(text) => crate::args::date_arg(text, "--as-of").map_err(|e| (e, INVALID)),
    }
}

/// Reads and validates the plan; any failure is exit code 2, naming the file.
fn load(path: &str) -> Result<JointImpactPlan, (String, u8)> {
    cs_arrow::files::read_document_as(std::path::Path::new(path)).map_err(|e| (e.to_string(), INVALID))
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// A text progress bar of `width` cells: `[######----]`.
fn bar(share: f64, width: usize) -> String {
    let filled = ((share.clamp(0.0, 1.0) * width as f64).round() as usize).min(width);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled))
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

fn overdue_lines(out: &mut String, overdue: &Overdue) {
    if overdue.is_empty() {
        out.push_str("Overdue: nothing\n");
        return;
    }
    let _ = writeln!(
        out,
        "Overdue: {} goal(s), {} action item(s)",
        overdue.goals.len(),
        overdue.actions.len()
    );
    let mut table = TextTable::new(["", "id", "title", "owner", "due", "days overdue"]);
    for (kind, items) in [("goal", &overdue.goals), ("action", &overdue.actions)] {
        for item in items {
            let owner = match (&item.owner, item.side) {
                (Some(o), Some(side)) => format!("{o} ({})", side.as_str()),
                (Some(o), None) => o.clone(),
                (None, _) => "-".into(),
            };
            table.push(vec![
                kind.into(),
                item.id.clone(),
                shorten(&item.title, 48),
                owner,
                item.due.to_string(),
                item.days_overdue.to_string(),
            ]);
        }
    }
    out.push_str(&indent(&table.render()));
}

fn review_line(review: &ReviewStatus, interval: u32) -> String {
    let last = review
        .last_review
        .map_or_else(|| "never reviewed".to_owned(), |d| format!("last {d}"));
    let state = if review.overdue {
        format!("OVERDUE (no review for {})", days(review.days_since))
    } else {
        "on schedule".into()
    };
    format!(
        "Review: {last}, next due {} (every {interval} months): {state}\n",
        review.next_due
    )
}

fn indent(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.lines() {
        let _ = writeln!(out, "  {line}");
    }
    out
}

fn show(args: &ShowArgs) -> Outcome {
    let plan = load(&args.file)?;
    let as_of = as_of(args.as_of.as_deref())?;
    let origin = TtfiOrigin::parse(&args.origin).map_err(|e| (e.to_string(), INVALID))?;
    let cfg = TtfiConfig {
        origin,
        target_days: args.target_days,
    };
    if args.markdown {
        let text = if args.as_of.is_some() {
            plan.to_markdown_as_of(as_of)
        } else {
            Ok(plan.to_markdown())
        };
        return text.map(|t| (t, 0)).map_err(|e| (e.to_string(), INVALID));
    }
    let status = plan
        .status(as_of, args.limit, cfg)
        .map_err(|e| (e.to_string(), INVALID))?;
    if args.json {
        let text = serde_json::to_string_pretty(&status).map_err(|e| (e.to_string(), INVALID))?;
        return Ok((text + "\n", 0));
    }
    let past = plan.revision_at(as_of).map_err(|e| (e.to_string(), INVALID))?;
    Ok((summary(&past, &status, plan.revisions.len(), cfg), 0))
}

/// The text summary of `cs plan show` for the plan as recorded at the status date.
fn summary(past: &JointImpactPlan, status: &PlanStatus, revisions: usize, cfg: TtfiConfig) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", past.title);
    let _ = writeln!(out, "Account: {}", past.account);
    let person = |p: &cs_core::onboarding::Person| match &p.title {
        Some(t) => format!("{}, {t}", p.name),
        None => p.name.clone(),
    };
    let _ = writeln!(
        out,
        "Owners:  {} (customer); {} (ours)",
        person(&past.owners.customer),
        person(&past.owners.ours)
    );
    let _ = writeln!(
        out,
        "As of {} (revision {} of {revisions})\n",
        status.as_of, status.revision
    );
    match status.progress.overall {
        Some(p) => {
            let _ = writeln!(out, "Overall progress {} {}\n", bar(p, 20), percent(p));
        }
        None => out.push_str("Overall progress: no weighted goal\n\n"),
    }
    if !status.progress.goals.is_empty() {
        let mut table = TextTable::new(["goal", "title", "kind", "due", "status", "progress", "%"]);
        for g in &status.progress.goals {
            let due = past
                .goal(&g.id)
                .map(|goal| goal.due.to_string())
                .unwrap_or_default();
            let mut state = g.status.label().to_owned();
            if g.overdue {
                state += " (overdue)";
            }
            let shown = if g.status == GoalStatus::Dropped {
                "-".to_owned()
            } else {
                bar(g.progress, 10)
            };
            table.push(vec![
                g.id.clone(),
                shorten(&g.title, 40),
                g.kind.label().to_owned(),
                due,
                state,
                shown,
                percent(g.progress),
            ]);
        }
        out.push_str(&table.render());
        out.push('\n');
    }
    overdue_lines(&mut out, &status.overdue);
    out.push('\n');
    if status.next_actions.is_empty() {
        out.push_str("Next actions: none open\n");
    } else {
        out.push_str("Next actions:\n");
        let mut table = TextTable::new(["due", "action", "owner", "status"]);
        for a in &status.next_actions {
            let mut state = a.status.label().to_owned();
            if a.is_overdue(status.as_of) {
                state += " (overdue)";
            }
            table.push(vec![
                a.due.to_string(),
                shorten(&a.title, 56),
                format!("{} ({})", a.owner, a.side.as_str()),
                state,
            ]);
        }
        out.push_str(&indent(&table.render()));
    }
    out.push('\n');
    out.push_str(&review_line(&status.review, past.review_interval_months));
    out.push_str(&ttfi_line(status, cfg));
    out
}

fn ttfi_line(status: &PlanStatus, cfg: TtfiConfig) -> String {
    let from = match cfg.origin {
        TtfiOrigin::Kickoff => "kickoff",
        TtfiOrigin::ContractStart => "contract start",
    };
    let target = format!("target {}", days(i64::from(cfg.target_days)));
    let Some(fi) = status.first_impact else {
        return "Time to First Impact: the plan defines no First Impact goal\n".into();
    };
    let text = match (fi.state, fi.days, fi.days_open) {
        (FirstImpactState::Achieved, Some(d), _) => {
            let late = if fi.past_target { ", past target" } else { "" };
            format!("achieved in {} from {from} ({target}{late})", days(d))
        }
        (FirstImpactState::Achieved, None, _) => format!("achieved (no {from} date to measure from)"),
        (FirstImpactState::Overdue, _, Some(open)) => {
            format!("OVERDUE: open {} since {from} ({target})", days(open))
        }
        (_, _, Some(open)) => format!("onboarding, open {} since {from} ({target})", days(open)),
        _ => format!("not started (no {from} date yet)"),
    };
    format!("Time to First Impact: {text}\n")
}

fn check(args: &CheckArgs) -> Outcome {
    let plan = load(&args.file)?;
    let as_of = as_of(args.as_of.as_deref())?;
    let overdue = plan.overdue(as_of).map_err(|e| (e.to_string(), INVALID))?;
    let review = plan.review_status(as_of).map_err(|e| (e.to_string(), INVALID))?;
    let mut out = format!(
        "{}: valid joint impact plan \"{}\" ({} goals, {} action items, {} revisions)\nAs of {as_of}:\n",
        args.file,
        plan.title,
        plan.goals.len(),
        plan.action_items.len(),
        plan.revisions.len()
    );
    overdue_lines(&mut out, &overdue);
    out.push_str(&review_line(&review, plan.review_interval_months));
    let code = if overdue.is_empty() && !review.overdue {
        0
    } else {
        OVERDUE
    };
    Ok((out, code))
}
