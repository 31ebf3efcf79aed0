//! `cs sample`: writes the sample company (Omnico's book of business) as a set of files.

use std::fmt::Write as _;
use std::path::Path;

use clap::Args;
use cs_core::sample::{SampleCompany, SampleOptions};

/// Where `cs sample` writes when `--out` is not given.
pub(crate) const DEFAULT_OUT: &str = "examples/data/omnico";

#[derive(Args)]
pub(crate) struct SampleArgs {
    /// Output directory (created when absent; existing files of the set are replaced).
    #[arg(long, default_value = DEFAULT_OUT)]
    out: String,
    /// Seed: the same options give the same files, byte for byte.
    #[arg(long, default_value_t = SampleOptions::default().seed)]
    seed: u64,
    /// Accounts ever won (1 to 50000).
    #[arg(long, default_value_t = SampleOptions::default().accounts)]
    accounts: usize,
    /// The date the book describes, YYYY-MM-DD: nothing is dated after it.
    #[arg(long, default_value = "2026-06-30")]
    as_of: String,
    /// The first day deals may close, YYYY-MM-DD (a year to 15 years before --as-of).
    #[arg(long, default_value = "2023-01-01")]
    start: String,
}

/// `cs sample`.
pub(crate) fn run(args: &SampleArgs) -> Result<String, String> {
    let options = SampleOptions {
        seed: args.seed,
        accounts: args.accounts,
        as_of: crate::args::date_arg(&args.as_of, "--as-of")?,
        start: crate::args::date_arg(&args.start, "--start")?,
    };
    let company = SampleCompany::generate(options).map_err(|e| e.to_string())?;
    let written =
        cs_arrow::sample::write_sample(Path::new(&args.out), &company).map_err(|e| e.to_string())?;
    let mut out = format!(
        "Omnico sample: {} accounts ({} customers on {}), seed {}, history from {}\n",
        company.accounts.len(),
        company.portfolio.len(),
        options.as_of,
        options.seed,
        options.start
    );
    let mut total = 0;
    let (mut handoffs, mut handoff_bytes) = (0, 0);
    for f in &written {
        total += f.bytes;
        if f.path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|n| n == "handoffs")
        {
            handoffs += 1;
            handoff_bytes += f.bytes;
            continue;
        }
        let _ = writeln!(
            out,
            "  {:<44} {:>8} rows {:>10} bytes",
            f.path.display(),
            f.rows,
            f.bytes
        );
    }
    if handoffs > 0 {
        let dir = Path::new(&args.out).join("handoffs");
        let _ = writeln!(
            out,
            "  {:<44} {handoffs:>8} docs {handoff_bytes:>10} bytes",
            format!("{}/*.json", dir.display())
        );
    }
    let _ = writeln!(out, "{} files, {total} bytes", written.len());
    Ok(out)
}
