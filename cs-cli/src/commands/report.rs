//! `cs report`: the portfolio report, every section of the bundled sample data (or a folder of
//! your own with the same file names) in one run. Each section is one of the other commands,
//! run with the arguments it shows, so the report never computes anything of its own.

use std::fmt::Write as _;

use clap::Args;

/// The default data folder and as-of date: the bundled sample data, generated as of 2026-06-30.
const SAMPLE_DIR: &str = "examples/data";
const SAMPLE_AS_OF: &str = "2026-06-30";

#[derive(Args)]
pub(crate) struct ReportArgs {
    /// Folder holding portfolio.csv, survey.csv, onboarding.csv, contracts.csv, delivered.csv,
    /// snapshot_2025.csv, snapshot_2026.csv and tenure.csv.
    #[arg(long, default_value = SAMPLE_DIR)]
    data: String,
    /// The date the report is made on (YYYY-MM-DD).
    #[arg(long, default_value = SAMPLE_AS_OF)]
    as_of: String,
}

/// The report's sections: a title and the `cs` arguments that produce it.
pub(crate) fn sections(args: &ReportArgs) -> Vec<(&'static str, Vec<String>)> {
    let file = |name: &str| format!("{}/{name}", args.data.trim_end_matches('/'));
    let as_of = args.as_of.clone();
    let argv = |parts: &[&str]| parts.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    vec![
        (
            "Customer health",
            argv(&["score", &file("portfolio.csv"), "--as-of", &as_of, "--worst", "5"]),
        ),
        (
            "Renewal risk",
            argv(&["risk", &file("portfolio.csv"), "--as-of", &as_of, "--top", "10"]),
        ),
        (
            "NPS by segment",
            argv(&["nps", &file("survey.csv"), "--by", "segment"]),
        ),
        (
            "NPS trend",
            argv(&["nps", &file("survey.csv"), "--period", "quarter"]),
        ),
        (
            "Onboarding: Time to First Impact",
            argv(&["onboarding", &file("onboarding.csv"), "--as-of", &as_of]),
        ),
        (
            "Success packages: delivered vs entitled",
            argv(&[
                "compliance",
                &file("contracts.csv"),
                &file("delivered.csv"),
                "--as-of",
                &as_of,
            ]),
        ),
        (
            "Revenue retention",
            argv(&[
                "retention",
                &file("snapshot_2025.csv"),
                &file("snapshot_2026.csv"),
                "--by",
                "segment",
            ]),
        ),
        (
            "Customer survival",
            argv(&["survival", &file("tenure.csv"), "--by", "segment"]),
        ),
    ]
}

/// Renders the report: a heading per section with the command that made it, then its output.
/// `run` executes one command line (the `cs` dispatcher); the first failure stops the report.
pub(crate) fn render(
    args: &ReportArgs,
    mut run: impl FnMut(&[String]) -> Result<String, String>,
) -> Result<String, String> {
    let mut out = format!("Customer Success portfolio report, as of {}\n", args.as_of);
    for (title, argv) in sections(args) {
        let body = run(&argv).map_err(|e| format!("{title}: {e}"))?;
        let rule = "=".repeat(title.chars().count());
        let _ = write!(
            out,
            "\n{title}\n{rule}\n$ cs {}\n\n{}",
            argv.join(" "),
            body.trim_end()
        );
        out.push('\n');
    }
    Ok(out)
}
