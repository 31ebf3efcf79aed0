//! `cs packages`, `cs calendar` and `cs compliance`: the success package catalog, the dated
//! engagement calendar of a contract ("a year in the life"), and delivered-vs-entitled
//! compliance of a portfolio.

use std::fmt::Write as _;

use chrono::NaiveDate;
use clap::Args;
use cs_core::document::Document;
use cs_core::package::{
    ComplianceInput, ContractTerm, DateRange, EngagementCalendar, IcalOptions, MatchingRules,
    PackageTimeline, SuccessPackage, catalog, resolve,
};
use serde_json::{Value, json};

use crate::output::{TextTable, json};
use crate::table_input::Loaded;

fn date(cell: &str) -> Result<NaiveDate, String> {
    let d = NaiveDate::parse_from_str(cell, "%Y-%m-%d")
        .map_err(|_| format!("{cell:?} is not a date (YYYY-MM-DD)"))?;
    cs_core::portfolio::check_date("date", d).map_err(|e| e.to_string())
}

/// "digital touch", "high touch", "personal touch".
fn touch(p: &SuccessPackage) -> String {
    let name = p.touch_model.name().replace('_', " ");
    if name.ends_with("touch") {
        name
    } else {
        format!("{name} touch")
    }
}

fn extension_is(path: &str, ext: &str) -> bool {
    std::path::Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// Reads a custom package document (TOML, or JSON when the file ends in `.json`).
fn read_package(path: &str) -> Result<SuccessPackage, String> {
    cs_arrow::files::read_document_as(std::path::Path::new(path)).map_err(|e| e.to_string())
}

/// A package by built-in name, or from a file when the argument names a `.toml` / `.json` file.
fn package_arg(arg: &str, custom: &[SuccessPackage]) -> Result<SuccessPackage, String> {
    if (extension_is(arg, "toml") || extension_is(arg, "json")) && std::path::Path::new(arg).exists() {
        return read_package(arg);
    }
    resolve(arg, custom).map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------------------------
// cs packages

#[derive(Args)]
pub(crate) struct PackagesArgs {
    /// Show only this package (a built-in name, or a custom package file).
    package: Option<String>,
    /// Print JSON (the package documents) instead of tables.
    #[arg(long)]
    json: bool,
}

pub(crate) fn packages(args: &PackagesArgs) -> Result<String, String> {
    let list = match &args.package {
        Some(name) => vec![package_arg(name, &[])?],
        None => catalog(),
    };
    if args.json {
        let docs = list
            .iter()
            .map(Document::to_json_value)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        return json(&Value::Array(docs));
    }
    let mut out = String::new();
    for (i, p) in list.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{} ({})", p.name, touch(p));
        if let Some(d) = &p.description {
            let _ = writeln!(out, "{d}");
        }
        out.push('\n');
        let mut table = TextTable::new(["entitlement", "activity", "cadence", "channel", "source"]);
        for e in &p.entitlements {
            table.push(vec![
                e.label().to_owned(),
                e.activity.title().to_owned(),
                e.cadence.to_string(),
                e.channel.title().to_owned(),
                e.source.clone().unwrap_or_default(),
            ]);
        }
        out += &table.render();
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// cs calendar

#[derive(Args)]
pub(crate) struct CalendarArgs {
    /// The package: a built-in name (see `cs packages`) or a custom package file (.toml / .json).
    #[arg(long)]
    package: String,
    /// Contract start date (YYYY-MM-DD).
    #[arg(long, value_parser = date)]
    start: NaiveDate,
    /// Renewal (anniversary) date; default start + --term-months.
    #[arg(long, value_parser = date, conflicts_with = "term_months")]
    renewal: Option<NaiveDate>,
    /// Contract term in months when no renewal date is given.
    #[arg(long, default_value_t = 12)]
    term_months: u32,
    /// Show only activities on or after this date.
    #[arg(long, value_parser = date)]
    from: Option<NaiveDate>,
    /// Show only activities on or before this date.
    #[arg(long, value_parser = date)]
    to: Option<NaiveDate>,
    /// A package change during the term, DATE=PACKAGE (repeat for several).
    #[arg(long, value_name = "DATE=PACKAGE")]
    change: Vec<String>,
    /// Account name, prefixed to every event of the iCalendar export.
    #[arg(long)]
    account: Option<String>,
    /// Also write the calendar to this iCalendar (.ics) file.
    #[arg(long, value_name = "FILE")]
    ics: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub(crate) fn calendar(args: &CalendarArgs) -> Result<String, String> {
    if let Some(path) = &args.ics {
        let changed = args
            .change
            .iter()
            .filter_map(|c| c.split_once('=').map(|(_, p)| p.trim()));
        let inputs: Vec<&str> = std::iter::once(args.package.as_str()).chain(changed).collect();
        cs_arrow::files::refuse_input_as_output(std::path::Path::new(path), &inputs)
            .map_err(|e| e.to_string())?;
    }
    let package = package_arg(&args.package, &[])?;
    let term = match args.renewal {
        Some(r) => ContractTerm::new(args.start, r),
        None => ContractTerm::with_term_months(args.start, args.term_months),
    }
    .map_err(|e| e.to_string())?;
    let mut timeline = PackageTimeline::new(package);
    for change in &args.change {
        let (when, name) = change
            .split_once('=')
            .ok_or_else(|| format!("--change {change:?}: expected DATE=PACKAGE"))?;
        let when = date(when.trim()).map_err(|e| format!("--change: {e}"))?;
        timeline = timeline.with_change(when, package_arg(name.trim(), &[])?);
    }
    let range = match (args.from, args.to) {
        (None, None) => None,
        (from, to) => Some(
            DateRange::new(from.unwrap_or(term.start()), to.unwrap_or(term.last_day()))
                .map_err(|e| e.to_string())?,
        ),
    };
    let cal = EngagementCalendar::build(&timeline, &term, range).map_err(|e| e.to_string())?;
    let mut notes = String::new();
    if let Some(path) = &args.ics {
        let options = IcalOptions {
            account: args.account.clone(),
            ..IcalOptions::default()
        };
        let text = cal.to_ical(&options);
        cs_arrow::files::write_atomically(std::path::Path::new(path), |out| {
            std::io::Write::write_all(out, text.as_bytes()).map_err(|e| e.to_string())
        })
        .map_err(|e| e.to_string())?;
        let _ = writeln!(notes, "\nWrote {} events to {path} (iCalendar).", cal.len());
    }
    if args.json {
        let value = serde_json::to_value(&cal).map_err(|e| e.to_string())?;
        return json(&value);
    }
    let names: Vec<&str> = std::iter::once(timeline.initial.name.as_str())
        .chain(timeline.changes.iter().map(|c| c.package.name.as_str()))
        .collect();
    let mut out = format!(
        "Engagement calendar: {} ({}), contract {} to {} (renewal {})\n",
        names.join(" -> "),
        touch(&timeline.initial),
        term.start(),
        term.last_day(),
        term.renewal()
    );
    match cal.window {
        Some(w) => {
            let _ = writeln!(out, "{} activities from {} to {}\n", cal.len(), w.from(), w.to());
        }
        None => {
            let _ = writeln!(out, "the requested dates lie outside the contract term\n");
        }
    }
    let changed = !timeline.changes.is_empty();
    let mut headers = vec!["date", "day", "year", "activity", "channel", "entitlement"];
    if changed {
        headers.push("package");
    }
    let mut table = TextTable::new(headers);
    for item in &cal.items {
        let mut row = vec![
            item.date.to_string(),
            item.date.format("%a").to_string(),
            item.contract_year.to_string(),
            item.activity.title().to_owned(),
            item.channel.title().to_owned(),
            item.entitlement.clone(),
        ];
        if changed {
            row.push(item.package.clone());
        }
        table.push(row);
    }
    out += &table.render();
    out += &notes;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// cs compliance

#[derive(Args)]
pub(crate) struct ComplianceArgs {
    /// Contracts CSV: account, package, start, renewal (one row per account).
    contracts: String,
    /// Delivered activities CSV: account, date, activity, channel, and optional minutes and
    /// participants.
    delivered: String,
    /// The date the comparison is made on (YYYY-MM-DD).
    #[arg(long, value_parser = date)]
    as_of: NaiveDate,
    /// A custom package file (.toml / .json) the package column may name (repeat for several).
    #[arg(long = "package-file", value_name = "FILE")]
    package_files: Vec<String>,
    /// Matching rules file (TOML): grace and early windows in days, channel substitutions.
    #[arg(long, value_name = "FILE")]
    rules: Option<String>,
    /// Also show the per-entitlement detail of this account.
    #[arg(long)]
    account: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "-".to_owned(), |r| format!("{:.1}%", 100.0 * r))
}

fn mark(flag: bool, text: &str) -> String {
    if flag { text.to_owned() } else { String::new() }
}

pub(crate) fn compliance(args: &ComplianceArgs) -> Result<String, String> {
    let custom = args
        .package_files
        .iter()
        .map(|p| read_package(p))
        .collect::<Result<Vec<_>, _>>()?;
    let rules = match &args.rules {
        Some(path) => {
            cs_arrow::files::read_document_as(std::path::Path::new(path)).map_err(|e| e.to_string())?
        }
        None => MatchingRules::default(),
    };

    // Both tables through cs-arrow's grammar and the core's checks; an error names the file
    // and line of the value to fix.
    let contracts = Loaded::read(&args.contracts)?;
    let log = Loaded::read(&args.delivered)?;
    let (book, portfolio) =
        cs_arrow::compliance::portfolio(&contracts.batch, &log.batch, &custom, args.as_of, &rules).map_err(
            |(input, e)| match input {
                ComplianceInput::Contracts => contracts.locate(e),
                ComplianceInput::Deliveries => log.locate(e),
                ComplianceInput::Rules => {
                    format!("{}: {e}", args.rules.as_deref().unwrap_or("matching rules"))
                }
            },
        )?;
    let (account, package, start, renewal) = (&book.account, &book.package, &book.start, &book.renewal);

    let detail = match &args.account {
        Some(a) => Some(
            account
                .iter()
                .position(|x| x == a)
                .ok_or_else(|| format!("--account {a:?}: no such account in {}", contracts.source))?,
        ),
        None => None,
    };

    if args.json {
        let accounts: Vec<Value> = portfolio
            .reports
            .iter()
            .enumerate()
            .map(|(i, r)| {
                json!({
                    "account": account[i],
                    "package": package[i],
                    "start": start[i],
                    "renewal": renewal[i],
                    "delivered": r.delivered,
                    "due": r.due,
                    "overdue": r.overdue,
                    "upcoming": r.upcoming,
                    "owed": r.owed,
                    "ratio": r.ratio,
                    "under_delivered": r.under_delivered,
                    "over_delivered": r.over_delivered,
                    "minutes_with_customer": r.minutes_with_customer,
                    "ignored": r.ignored,
                    "entitlements": r.entitlements,
                })
            })
            .collect();
        return json(&json!({
            "as_of": portfolio.as_of,
            "accounts": accounts,
            "total": {
                "delivered": portfolio.delivered,
                "owed": portfolio.owed,
                "overdue": portfolio.overdue,
                "ratio": portfolio.ratio,
                "mean_account_ratio": portfolio.mean_account_ratio,
                "under_delivered_accounts": portfolio.under_delivered_accounts,
                "over_delivered_accounts": portfolio.over_delivered_accounts,
                "minutes_with_customer": portfolio.minutes_with_customer,
            },
        }));
    }

    let mut out = format!(
        "Entitlement compliance as of {} ({} accounts, {} deliveries)\n\n",
        args.as_of,
        portfolio.accounts.len(),
        log.len()
    );
    let mut table = TextTable::new([
        "account",
        "package",
        "delivered",
        "overdue",
        "due",
        "upcoming",
        "compliance",
        "under",
        "over",
        "minutes",
    ]);
    for (i, r) in portfolio.reports.iter().enumerate() {
        table.push(vec![
            account[i].clone(),
            package[i].clone(),
            r.delivered.to_string(),
            r.overdue.to_string(),
            r.due.to_string(),
            r.upcoming.to_string(),
            pct(r.ratio),
            mark(r.under_delivered, "UNDER"),
            mark(r.over_delivered, "OVER"),
            r.minutes_with_customer.to_string(),
        ]);
    }
    let sum = |f: fn(&cs_core::package::AccountCompliance) -> u32| -> String {
        portfolio
            .reports
            .iter()
            .map(|r| u64::from(f(r)))
            .sum::<u64>()
            .to_string()
    };
    table.push(vec![
        "all".to_owned(),
        String::new(),
        portfolio.delivered.to_string(),
        portfolio.overdue.to_string(),
        sum(|r| r.due),
        sum(|r| r.upcoming),
        pct(portfolio.ratio),
        portfolio.under_delivered_accounts.to_string(),
        portfolio.over_delivered_accounts.to_string(),
        portfolio.minutes_with_customer.to_string(),
    ]);
    out += &table.render();
    let _ = write!(
        out,
        "\ncompliance = delivered / (delivered + overdue); mean over accounts {}.\n\
         UNDER: promised service overdue (grace {} days). OVER: more delivered than the package\n\
         entitles to date, or a richer channel than entitled (margin and value erosion).\n",
        pct(portfolio.mean_account_ratio),
        rules.grace_days
    );
    if let Some(i) = detail {
        let r = &portfolio.reports[i];
        let _ = writeln!(out, "\n{} ({}): per entitlement\n", account[i], package[i]);
        let mut t = TextTable::new([
            "entitlement",
            "channel",
            "in term",
            "delivered",
            "overdue",
            "due",
            "upcoming",
            "compliance",
        ]);
        for e in &r.entitlements {
            t.push(vec![
                e.entitlement.clone(),
                e.channel.title().to_owned(),
                e.in_term.to_string(),
                e.delivered.to_string(),
                e.overdue.to_string(),
                e.due.to_string(),
                e.upcoming.to_string(),
                pct(e.ratio),
            ]);
        }
        out += &t.render();
        let extra: Vec<String> = r
            .activities
            .iter()
            .filter(|a| a.extra > 0 || a.upgraded > 0)
            .map(|a| {
                format!(
                    "{} ({} extra, {} channel upgrades)",
                    a.activity, a.extra, a.upgraded
                )
            })
            .collect();
        if !extra.is_empty() {
            let _ = writeln!(out, "\nover-delivered: {}", extra.join(", "));
        }
    }
    Ok(out)
}
