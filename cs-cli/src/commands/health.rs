//! `cs portfolio`: a synthetic portfolio CSV (the input `cs score` reads).

use clap::Args;
use cs_core::sample::SyntheticPortfolio;

/// Seed of the built-in sample portfolio.
pub(crate) const SAMPLE_SEED: u64 = 42;

#[derive(Args)]
pub(crate) struct PortfolioArgs {
    /// Number of accounts.
    #[arg(long, default_value_t = 1000)]
    rows: usize,
    /// Seed: the same seed gives the same accounts.
    #[arg(long, default_value_t = SAMPLE_SEED)]
    seed: u64,
    /// The date the portfolio describes, YYYY-MM-DD (default: today).
    #[arg(long)]
    as_of: Option<String>,
    /// Output CSV (default: standard output).
    #[arg(short, long, value_name = "OUT")]
    output: Option<String>,
}

/// `cs portfolio`.
pub(crate) fn portfolio(args: &PortfolioArgs) -> Result<String, String> {
    let as_of = crate::args::as_of_or_today(args.as_of.as_deref())?;
    let p =
        SyntheticPortfolio::try_generate(args.rows, args.seed, as_of).map_err(|e| format!("--rows: {e}"))?;
    let Some(path) = &args.output else {
        let mut buf = Vec::new();
        p.write_csv(&mut buf).map_err(|e| e.to_string())?;
        return String::from_utf8(buf).map_err(|e| e.to_string());
    };
    cs_arrow::files::write_atomically(std::path::Path::new(path), |out| {
        p.write_csv(out).map_err(|e| e.to_string())
    })
    .map_err(|e| e.to_string())?;
    Ok(format!(
        "wrote {} accounts (seed {}, as of {as_of}) to {path}\n",
        args.rows, args.seed
    ))
}
