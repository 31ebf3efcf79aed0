//! The `cs` command line as a library: the argument parser, every command and [`run`], so the
//! binary (`src/main.rs`) and the fuzz targets (`fuzz/`) run the same code.
//!
//! Every command reads a CSV (or the bundled sample when no file is given), calls cs-core, and
//! prints a readable table or, with `--json`, JSON. Errors name the file, line and column.

// Doc comments on commands and arguments are `--help` text for terminal readers, not rustdoc.
#![allow(clippy::doc_markdown)]

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod args;
mod commands;
mod output;
mod progress;
mod table_input;

/// Customer Success analytics from CSV files.
#[derive(Parser)]
#[command(name = "cs", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// NPS table of a survey: score, confidence interval and counts, per group and period.
    Nps(commands::nps::NpsArgs),
    // --- package ---
    /// The built-in success packages: each entitlement with its cadence, channel and source.
    Packages(commands::package::PackagesArgs),
    /// The dated engagement calendar of a contract ("a year in the life"), optionally as .ics.
    Calendar(commands::package::CalendarArgs),
    /// Delivered-vs-entitled compliance of a portfolio from contracts and delivery CSV files.
    Compliance(commands::package::ComplianceArgs),
    /// Joint Impact Plans: `show` a plan's status, `check` it (exit 0: fine, 1: something is
    /// overdue, 2: invalid or unreadable file).
    #[command(subcommand)]
    Plan(commands::plan::PlanCommand),
    /// Time to First Impact across a portfolio (median, p90, share past target, by segment or
    /// CSM) and the accounts still onboarding.
    Onboarding(commands::onboarding::OnboardingArgs),
    /// Survival of customer tenure (Kaplan-Meier) per group, medians and the log-rank test.
    Survival(commands::retention::SurvivalArgs),
    /// Shifted-beta-geometric fit of cohorts' alive counts: projections and residual lifetime.
    Cohort(commands::retention::CohortArgs),
    /// How well a score predicted churn: ROC AUC, top-k lift, churn per decile and band.
    Backtest(commands::retention::BacktestArgs),
    /// Health scores of a portfolio CSV: % per band, ARR share, rollups, worst accounts.
    Score(commands::score::ScoreArgs),
    /// Write a synthetic (seeded) portfolio CSV with the default scorecard's measures.
    Portfolio(commands::health::PortfolioArgs),
    /// Renewal risk of a portfolio: accounts by expected ARR loss, tiers, reasons, ARR at risk.
    #[command(after_long_help = commands::renewal::input_columns_help())]
    Risk(commands::renewal::RiskArgs),
    /// Revenue retention between two snapshots: GRR, NRR, logo churn, expansion, contraction.
    Retention(commands::renewal::RetentionArgs),
    /// Calls to action from a playbook over a portfolio, as of a date.
    #[command(after_long_help = commands::renewal::input_columns_help())]
    Ctas(commands::renewal::CtasArgs),
    /// Health trend of each account over a score history, with the change explained per
    /// measure.
    HealthTrend(commands::health_trend::TrendArgs),
    /// Band mix (accounts and ARR) of each snapshot date of a health history, and the share of
    /// accounts moving between bands from one date to the next (a transition matrix).
    HealthHistory(commands::health_history::HistoryArgs),
    /// Manual health overrides (score or band, reason, author, expiry) applied to a portfolio.
    HealthOverride(commands::health_trend::OverrideArgs),
    /// CSAT of a survey: % of 1..5 ratings above a threshold, overall and per group.
    Csat(commands::survey::CsatArgs),
    /// NPS perceived vs actual: how well CSMs read their accounts (match share, gaps, hidden
    /// detractors), overall and per group.
    Perceived(commands::survey::PerceivedArgs),
    /// NPS of two groups or periods compared: difference, standard error, z and p-value.
    NpsCompare(commands::survey::CompareArgs),
    /// Lifecycle stage of every account from its milestone dates.
    Lifecycle(commands::lifecycle::LifecycleArgs),
    /// Handoff completeness and lag of Sales-to-CS handoff documents.
    Handoff(commands::lifecycle::HandoffArgs),
    /// Renewal stage of every contract of a table, with review and notice dates.
    Renewals(commands::renewal::RenewalsArgs),
    /// Lost accounts by cancellation reason, by count and ARR.
    ChurnReasons(commands::renewal::ChurnReasonsArgs),
    /// Accounts whose utilisation, health and NPS signal room to expand.
    Expansion(commands::renewal::ExpansionArgs),
    /// How early the red health band warned of churn: lead times, recall and precision.
    LeadTimes(commands::lead_time::LeadTimeArgs),
    /// The portfolio review as one HTML page (and a summary, or every number as JSON): health,
    /// NPS, renewals and risk, retention, survival, cohorts, compliance, onboarding and calls to
    /// action of the Omnico sample (or `--data DIR`).
    Report(commands::report::ReportArgs),
    /// Write the sample company (Omnico's book of business: accounts, contracts, health
    /// history, survey, deliveries, onboarding, renewals, cohorts) as Parquet and CSV files.
    Sample(commands::sample::SampleArgs),
}

/// Runs `cs` on the process arguments, prints the output and returns the exit code (what the
/// binary does).
pub fn main_with_process_args() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Plan(command) = &cli.command {
        return commands::plan::run(command);
    }
    let result = execute(&cli.command);
    match result {
        Ok(output) => {
            use std::io::Write as _;
            // A closed pipe (`cs ... | head`) is the reader's choice, not an error.
            match std::io::stdout().lock().write_all(output.as_bytes()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("cs: standard output: {e}");
                    ExitCode::FAILURE
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Err(message) => {
            eprintln!("cs: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Parses `argv` (the program name first, as in `std::env::args`) and runs the command,
/// returning what it would print. `--help`, `--version` and argument errors are `Err` with
/// clap's text; `plan` reports through its exit code and is an error here.
pub fn run<I, T>(argv: I) -> Result<String, String>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = Cli::try_parse_from(argv).map_err(|e| e.to_string())?;
    execute(&cli.command)
}

/// Runs one command and returns what it prints.
fn execute(command: &Command) -> Result<String, String> {
    match command {
        Command::Nps(args) => commands::nps::run(args),
        Command::Packages(args) => commands::package::packages(args),
        Command::Calendar(args) => commands::package::calendar(args),
        Command::Compliance(args) => commands::package::compliance(args),
        Command::Plan(_) => Err("`cs plan` reports through its exit code; run it on its own".to_owned()),
        Command::Onboarding(args) => commands::onboarding::run(args),
        Command::Survival(args) => commands::retention::survival(args),
        Command::Cohort(args) => commands::retention::cohort(args),
        Command::Backtest(args) => commands::retention::backtest_command(args),
        Command::Score(args) => commands::score::score(args),
        Command::Portfolio(args) => commands::health::portfolio(args),
        Command::Risk(args) => commands::renewal::run_risk(args),
        Command::Retention(args) => commands::renewal::run_retention(args),
        Command::Ctas(args) => commands::renewal::run_ctas(args),
        Command::HealthTrend(args) => commands::health_trend::trend(args),
        Command::HealthHistory(args) => commands::health_history::run(args),
        Command::HealthOverride(args) => commands::health_trend::overrides(args),
        Command::Csat(args) => commands::survey::csat(args),
        Command::Perceived(args) => commands::survey::perceived(args),
        Command::NpsCompare(args) => commands::survey::compare(args),
        Command::Lifecycle(args) => commands::lifecycle::lifecycle(args),
        Command::Handoff(args) => commands::lifecycle::handoff(args),
        Command::Renewals(args) => commands::renewal::run_renewals(args),
        Command::ChurnReasons(args) => commands::renewal::run_churn_reasons(args),
        Command::Expansion(args) => commands::renewal::run_expansion(args),
        Command::LeadTimes(args) => commands::lead_time::run(args),
        Command::Sample(args) => commands::sample::run(args),
        Command::Report(args) => commands::report::run(args),
    }
}
