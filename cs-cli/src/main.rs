//! `cs`: Customer Success numbers from CSV files, on the command line.
//!
//! Every command reads a CSV (or the bundled sample when no file is given), calls cs-core, and
//! prints a readable table or, with `--json`, JSON. Errors name the file, line and column.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;
mod csv_input;
mod report;

/// Customer Success analytics from CSV files.
#[derive(Parser)]
#[command(name = "cs", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// NPS table of a survey: score, confidence interval and counts, per group and period.
    Nps(commands::nps::NpsArgs),
    /// Survival of customer tenure (Kaplan-Meier) per group, medians and the log-rank test.
    Survival(commands::retention::SurvivalArgs),
    /// Shifted-beta-geometric fit of cohorts' alive counts: projections and residual lifetime.
    Cohort(commands::retention::CohortArgs),
    /// How well a score predicted churn: ROC AUC, top-k lift, churn per decile and band.
    Backtest(commands::retention::BacktestArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Nps(args) => commands::nps::run(&args),
        Command::Survival(args) => commands::retention::survival(&args),
        Command::Cohort(args) => commands::retention::cohort(&args),
        Command::Backtest(args) => commands::retention::backtest_command(&args),
    };
    match result {
        Ok(output) => {
            print!("{output}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("cs: {message}");
            ExitCode::FAILURE
        }
    }
}
