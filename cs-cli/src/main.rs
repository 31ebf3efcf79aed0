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
    /// Health scores of a portfolio CSV: % per band, ARR share, rollups, worst accounts.
    Score(commands::health::ScoreArgs),
    /// Write a synthetic (seeded) portfolio CSV with the default scorecard's measures.
    Portfolio(commands::health::PortfolioArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Nps(args) => commands::nps::run(&args),
        Command::Score(args) => commands::health::score(&args),
        Command::Portfolio(args) => commands::health::portfolio(&args),
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
