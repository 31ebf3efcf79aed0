//! `cs report`: the portfolio review (cs-report) of the Omnico sample generated in memory, or
//! of a folder with the sample company's file names: an HTML file, a terminal summary, or
//! every number as JSON. The numbers come from cs-core through cs-report; this file parses
//! the arguments, writes the file and prints.

use std::path::Path;

use clap::Args;
use cs_report::{Review, ReviewInput};

use crate::progress::Progress;

/// Where the HTML report goes when `-o` is not given.
const DEFAULT_OUT: &str = "report.html";

#[derive(Args)]
pub(crate) struct ReportArgs {
    /// Folder with the sample company's files (accounts, contracts, health_history, survey,
    /// delivered, onboarding, churned, arr_start, portfolio, cohorts; each NAME.parquet or
    /// NAME.csv, docs/sample-company.md). Without it: the Omnico sample, generated in memory
    /// as of 2026-06-30.
    #[arg(long, value_name = "DIR")]
    data: Option<String>,
    /// The date of the review, YYYY-MM-DD: nothing dated after it is counted. Default: the
    /// sample's 2026-06-30 without --data, today with --data.
    #[arg(long)]
    as_of: Option<String>,
    /// The HTML file to write.
    #[arg(short, long, value_name = "FILE", default_value = DEFAULT_OUT)]
    output: String,
    /// Print every number of the review as JSON (with a top-level `headline`) instead of the
    /// summary; no HTML file is written.
    #[arg(long)]
    json: bool,
}

/// `cs report`.
pub(crate) fn run(args: &ReportArgs) -> Result<String, String> {
    let as_of = args
        .as_of
        .as_deref()
        .map(|d| crate::args::date_arg(d, "--as-of"))
        .transpose()?;
    let input = ReviewInput::open(args.data.as_deref().map(Path::new), as_of).map_err(|e| e.to_string())?;
    let progress = Progress::steps("cs report", cs_report::SECTIONS as u64);
    let review = Review::build(&input, |section| progress.step(section)).map_err(|e| e.to_string())?;
    drop(progress);
    if args.json {
        return crate::output::json(&review);
    }
    let html = cs_report::render_html(&review);
    cs_report::write_html(Path::new(&args.output), &html).map_err(|e| e.to_string())?;
    Ok(format!(
        "{}\nWrote {}\n",
        cs_report::summary_text(&review),
        args.output
    ))
}
