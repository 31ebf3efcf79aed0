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
    /// Renewal risk of a portfolio: accounts by expected ARR loss, tiers, reasons, ARR at risk.
    Risk(commands::renewal::RiskArgs),
    /// Revenue retention between two snapshots: GRR, NRR, logo churn, expansion, contraction.
    Retention(commands::renewal::RetentionArgs),
    /// Calls to action from a playbook over a portfolio, as of a date.
    Ctas(commands::renewal::CtasArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Nps(args) => commands::nps::run(&args),
        Command::Risk(args) => commands::renewal::run_risk(&args),
        Command::Retention(args) => commands::renewal::run_retention(&args),
        Command::Ctas(args) => commands::renewal::run_ctas(&args),
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
