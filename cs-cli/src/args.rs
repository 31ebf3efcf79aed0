//! Command-line arguments that every command reads the same way: dates and today.

use chrono::NaiveDate;

/// A date argument (`--as-of 2026-06-30`); `what` names the argument in the error.
pub(crate) fn date_arg(text: &str, what: &str) -> Result<NaiveDate, String> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{what} {text:?} is not a date (YYYY-MM-DD)"))?;
    cs_core::portfolio::check_date(what, date).map_err(|e| e.to_string())
}

/// Today (UTC), from the system clock.
pub(crate) fn today() -> NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(days)))
        .unwrap_or_default()
}

/// `--as-of` when given, else today.
pub(crate) fn as_of_or_today(arg: Option<&str>) -> Result<NaiveDate, String> {
    arg.map_or_else(|| Ok(today()), |d| date_arg(d, "--as-of"))
}
