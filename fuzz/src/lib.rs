//! The bodies of the fuzz targets, one plain function per target.
//!
//! Each `fuzz_targets/<name>.rs` calls the function of the same name, and the stable test
//! `cs-cli/tests/fuzz_corpus.rs` includes this file and calls the same functions on every file
//! of `fuzz/corpus/<name>/`, so `cargo test` replays the corpus without the nightly sanitizer
//! build. Errors are expected (most inputs are invalid); a panic, an abort or a hang is a bug.
//!
//! The document targets parse the input as TOML and as JSON; a document that parses is
//! validated (by the parser), serialised back to JSON and TOML and re-parsed (it must come back
//! equal), and exercised a little (scored, evaluated, expanded into a calendar). The command
//! targets write the input to a temporary `.csv` or `.parquet` file and run one `cs` command
//! on it, chosen by the first byte; a command that reads two files gets a fixed second one
//! from `fuzz/fixtures/` (the first 40 rows of the `examples/data` files and small override,
//! red-history and churn tables).

use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;
use cs_core::document::Document;
use cs_core::health::{AccountMeasures, Override, Scorecard, ScorecardSet};
use cs_core::nps::Category;
use cs_core::onboarding::{JointImpactPlan, TtfiConfig};
use cs_core::package::{
    Activity, Channel, ContractTerm, DeliveredActivity, IcalOptions, MatchingRules, SuccessPackage,
    engagement_calendar, entitlement_compliance,
};
use cs_core::playbook::{AccountSignals, Playbook};
use cs_core::renewal::{AccountFactors, RiskModel, RiskTier};

/// The body of a fuzz target.
pub type Body = fn(&[u8]);

/// Every target: its name (the directory of its corpus) and its body.
pub const TARGETS: &[(&str, Body)] = &[
    ("scorecard", scorecard),
    ("scorecard_set", scorecard_set),
    ("package", package),
    ("matching_rules", matching_rules),
    ("plan", plan),
    ("playbook", playbook),
    ("risk_model", risk_model),
    ("health_override", health_override),
    ("csv_commands", csv_commands),
    ("parquet_commands", parquet_commands),
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The dates the targets evaluate documents on.
fn as_of_dates() -> [NaiveDate; 3] {
    [date(2026, 6, 30), date(1970, 1, 1), date(2100, 12, 31)]
}

/// The documents `data` parses into, as TOML and as JSON, each checked to round-trip.
fn documents<D: Document + PartialEq + Debug>(data: &[u8]) -> Vec<D> {
    let Ok(text) = std::str::from_utf8(data) else {
        return Vec::new();
    };
    let docs: Vec<D> = [D::from_toml(text), D::from_json(text)]
        .into_iter()
        .filter_map(Result::ok)
        .collect();
    for doc in &docs {
        round_trip(doc);
    }
    docs
}

/// A valid document serialises to JSON and TOML, and both parse back to an equal document.
fn round_trip<D: Document + PartialEq + Debug>(doc: &D) {
    let json = doc
        .to_json()
        .unwrap_or_else(|e| panic!("{} does not serialise to JSON: {e}\n{doc:?}", D::KIND));
    let back =
        D::from_json(&json).unwrap_or_else(|e| panic!("{} JSON does not parse back: {e}\n{json}", D::KIND));
    assert_eq!(&back, doc, "{} JSON round trip\n{json}", D::KIND);
    // TOML has no null: a document holding JSON nulls (a plan's revision history records
    // `"from": null` for a field that was unset) has no TOML form. That is an error, not a
    // panic; a TOML form that exists must parse back equal.
    let Ok(toml) = doc.to_toml() else {
        return;
    };
    let back =
        D::from_toml(&toml).unwrap_or_else(|e| panic!("{} TOML does not parse back: {e}\n{toml}", D::KIND));
    assert_eq!(&back, doc, "{} TOML round trip\n{toml}", D::KIND);
}

/// Scores a few fixed accounts with `card`: no measure at all, then every measure at a low
/// and a high number, as booleans and as text (errors are fine: a measure has one kind).
fn score_fixed_accounts(card: &Scorecard) {
    let _ = card.score_account(&AccountMeasures::new(), date(2026, 6, 30));
    let names = card.measure_names();
    for value in [0.0, 0.5, 75.0, 1e9, -1.0] {
        let account = names
            .iter()
            .fold(AccountMeasures::new(), |a, name| a.with(name.as_str(), value));
        for as_of in as_of_dates() {
            let _ = card.score_account(&account, as_of);
        }
    }
    for value in [true, false] {
        let account = names
            .iter()
            .fold(AccountMeasures::new(), |a, name| a.with(name.as_str(), value));
        let _ = card.score_account(&account, date(2026, 6, 30));
    }
    let account = names
        .iter()
        .fold(AccountMeasures::new(), |a, name| a.with(name.as_str(), "yes"));
    let _ = card.score_account(&account, date(2026, 6, 30));
    for score in [f64::NEG_INFINITY, 0.0, 50.0, 75.0, 100.0, f64::NAN] {
        let _ = card.band_of(score);
    }
}

/// A scorecard (TOML / JSON): parse, round trip, score fixed accounts.
pub fn scorecard(data: &[u8]) {
    for card in documents::<Scorecard>(data) {
        score_fixed_accounts(&card);
    }
}

/// A scorecard set (TOML / JSON): parse, round trip, assign segments, score with each card.
pub fn scorecard_set(data: &[u8]) {
    for set in documents::<ScorecardSet>(data) {
        for segment in [None, Some("Strategic"), Some("SMB"), Some("")] {
            let card = set.card_for(|_| segment);
            let _ = card.score_account(&AccountMeasures::new(), date(2026, 6, 30));
        }
        for card in &set.scorecards {
            score_fixed_accounts(card);
        }
    }
}

/// A success package (TOML / JSON): parse, round trip, build its calendar (and iCalendar) and
/// its compliance against a small delivery log.
pub fn package(data: &[u8]) {
    for package in documents::<SuccessPackage>(data) {
        for start in [date(2026, 1, 31), date(2024, 2, 29)] {
            let Ok(term) = ContractTerm::one_year(start) else {
                continue;
            };
            if let Ok(calendar) = engagement_calendar(&package, &term) {
                let _ = calendar.try_to_ical(&IcalOptions::default());
            }
            let delivered: Vec<DeliveredActivity> = Activity::ALL
                .iter()
                .zip(Channel::ALL.iter().cycle())
                .enumerate()
                .map(|(i, (&activity, &channel))| {
                    DeliveredActivity::new(start + chrono::Days::new(i as u64 * 20), activity, channel, 30, 2)
                })
                .collect();
            let _ = entitlement_compliance(
                &package,
                &term,
                &delivered,
                date(2026, 12, 31),
                &MatchingRules::default(),
            );
        }
    }
}

/// Matching rules (TOML / JSON): parse, round trip, every channel pair, compliance of the
/// built-in enterprise package under the rules.
pub fn matching_rules(data: &[u8]) {
    for rules in documents::<MatchingRules>(data) {
        for &entitled in &Channel::ALL {
            for &delivered in &Channel::ALL {
                let _ = rules.accepts(entitled, delivered);
            }
        }
        let (Ok(package), Ok(term)) = (
            SuccessPackage::builtin("enterprise"),
            ContractTerm::one_year(date(2026, 1, 15)),
        ) else {
            continue;
        };
        let delivered: Vec<DeliveredActivity> = Channel::ALL
            .iter()
            .enumerate()
            .map(|(i, &channel)| {
                DeliveredActivity::new(
                    date(2026, 1, 15) + chrono::Days::new(i as u64 * 31),
                    Activity::ALL[i % Activity::ALL.len()],
                    channel,
                    60,
                    3,
                )
            })
            .collect();
        let _ = entitlement_compliance(&package, &term, &delivered, date(2026, 12, 31), &rules);
    }
}

/// A Joint Impact Plan (TOML / JSON): parse, round trip, progress, overdue items, status,
/// Markdown and the revision on a few dates.
pub fn plan(data: &[u8]) {
    for plan in documents::<JointImpactPlan>(data) {
        let _ = plan.to_markdown();
        for as_of in as_of_dates() {
            let _ = plan.progress(as_of);
            let _ = plan.overdue(as_of);
            let _ = plan.next_actions(as_of, 5);
            let _ = plan.review_status(as_of);
            let _ = plan.status(as_of, 5, TtfiConfig::default());
            let _ = plan.to_markdown_as_of(as_of);
            if let Ok(past) = plan.revision_at(as_of) {
                round_trip(&past);
            }
        }
    }
}

/// A playbook (TOML / JSON): parse, round trip, evaluate two fixed accounts.
pub fn playbook(data: &[u8]) {
    let as_of = date(2026, 6, 30);
    let signals = [
        AccountSignals::default(),
        AccountSignals {
            health_score: Some(20.0),
            health_band: Some(0),
            previous_health_band: Some(2),
            nps_category: Some(Category::Detractor),
            renewal_date: Some(date(2026, 8, 1)),
            internal_review_done: Some(false),
            next_success_review_due: Some(date(2026, 6, 1)),
            ttfi_past_target: Some(true),
            risk_tier: Some(RiskTier::High),
            expansion_signal: Some(true),
            contact_confirmed: Some(false),
            notice_deadline: Some(date(2026, 7, 1)),
        },
    ];
    for playbook in documents::<Playbook>(data) {
        for s in &signals {
            let _ = playbook.evaluate_account("acme", s, as_of, &[]);
        }
    }
}

/// A risk model (TOML / JSON): parse, round trip, score two fixed accounts.
pub fn risk_model(data: &[u8]) {
    let accounts = [
        AccountFactors::default(),
        AccountFactors {
            health_score: Some(35.0),
            health_band: Some(0),
            health_delta: Some(-12.0),
            nps_category: Some(Category::Detractor),
            nps_gap: Some(40.0),
            utilisation: Some(0.3),
            open_high_priority_cases: Some(4),
            under_delivery: Some(0.5),
            first_impact_reached: Some(false),
            ttfi_past_target: Some(true),
            plan_reviewed: Some(false),
            contact_confirmed: Some(false),
            ..AccountFactors::default()
        },
    ];
    for model in documents::<RiskModel>(data) {
        for account in &accounts {
            let score = model.score_account(account);
            assert!(
                (0.0..=1.0).contains(&score.risk),
                "risk {} outside 0..=1 for {account:?}",
                score.risk
            );
        }
    }
}

/// A manual health override: the first byte picks the JSON document (validated and applied
/// to a scored account of the default scorecard), the overrides CSV file or the overrides
/// Parquet file of `cs health-override`.
pub fn health_override(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    match selector % 3 {
        0 => {
            let Ok(manual) = serde_json::from_slice::<Override>(rest) else {
                return;
            };
            let card = Scorecard::default_card();
            if manual.validate(&card).is_err() {
                return;
            }
            let json = serde_json::to_string(&manual)
                .unwrap_or_else(|e| panic!("override does not serialise: {e}\n{manual:?}"));
            let back: Override = serde_json::from_str(&json)
                .unwrap_or_else(|e| panic!("override JSON does not parse back: {e}\n{json}"));
            assert_eq!(back, manual, "override JSON round trip");
            let account = AccountMeasures::new();
            if let Ok(health) = card.score_account(&account, date(2026, 6, 30)) {
                let _ = health.with_override(&manual, &card);
            }
        }
        extension => {
            let extension = if extension == 1 { "csv" } else { "parquet" };
            let portfolio = fixture("portfolio.csv", PORTFOLIO_CSV);
            with_temp_file(extension, rest, |overrides| {
                let _ = cs_cli::run([
                    "cs",
                    "health-override",
                    path_str(&portfolio),
                    "--overrides",
                    path_str(overrides),
                    "--as-of",
                    "2026-06-30",
                    "--json",
                ]);
            });
        }
    }
}

const PORTFOLIO_CSV: &[u8] = include_bytes!("../fixtures/portfolio.csv");
const SNAPSHOT_2025_CSV: &[u8] = include_bytes!("../fixtures/snapshot_2025.csv");
const SNAPSHOT_2026_CSV: &[u8] = include_bytes!("../fixtures/snapshot_2026.csv");
const CONTRACTS_CSV: &[u8] = include_bytes!("../fixtures/contracts.csv");
const DELIVERED_CSV: &[u8] = include_bytes!("../fixtures/delivered.csv");
const OVERRIDES_CSV: &[u8] = include_bytes!("../fixtures/overrides.csv");
const RED_HISTORY_CSV: &[u8] = include_bytes!("../fixtures/red_history.csv");
const CHURNS_CSV: &[u8] = include_bytes!("../fixtures/churns.csv");

/// The `cs` arguments of each command the command targets run; `FILE` is the fuzz input,
/// `@name` a fixed file (see [`fixture`]). The first byte of the input picks one.
pub const COMMANDS: &[&[&str]] = &[
    &["nps", "FILE", "--by", "segment", "--period", "quarter", "--json"],
    &["csat", "FILE", "--by", "segment", "--json"],
    &["perceived", "FILE", "--by", "csm", "--json"],
    &[
        "nps-compare",
        "Enterprise",
        "Community",
        "--by",
        "segment",
        "--file",
        "FILE",
        "--json",
    ],
    &["score", "FILE", "--as-of", "2026-06-30", "--json"],
    &["risk", "FILE", "--as-of", "2026-06-30", "--json"],
    &["risk", "fit", "FILE", "-o", "OUT.json", "--json"],
    &["risk", "evaluate", "FILE", "--json"],
    &[
        "retention",
        "FILE",
        "@snapshot_2026.csv",
        "--by",
        "segment",
        "--json",
    ],
    &[
        "retention",
        "@snapshot_2025.csv",
        "FILE",
        "--by",
        "segment",
        "--json",
    ],
    &["ctas", "FILE", "--as-of", "2026-01-15", "--json"],
    &[
        "renewals",
        "FILE",
        "--id",
        "account",
        "--renewal-date",
        "renewal",
        "--as-of",
        "2026-06-20",
        "--json",
    ],
    &["churn-reasons", "FILE", "--json"],
    &["expansion", "FILE", "--as-of", "2026-06-30", "--json"],
    &[
        "onboarding",
        "FILE",
        "--as-of",
        "2026-06-30",
        "--by",
        "segment",
        "--json",
    ],
    &["lifecycle", "FILE", "--as-of", "2026-06-30", "--json"],
    &["survival", "FILE", "--by", "segment", "--at", "6,12,24", "--json"],
    &[
        "cohort",
        "FILE",
        "--joint",
        "--discount",
        "0.1",
        "--margin",
        "1200",
        "--json",
    ],
    &[
        "backtest",
        "FILE",
        "--score",
        "health_score",
        "--direction",
        "health",
        "--band",
        "band",
        "--json",
    ],
    &["health-trend", "FILE", "--json"],
    &[
        "health-override",
        "FILE",
        "--overrides",
        "@overrides.csv",
        "--as-of",
        "2026-06-30",
        "--json",
    ],
    &[
        "health-override",
        "@portfolio.csv",
        "--overrides",
        "FILE",
        "--as-of",
        "2026-06-30",
        "--json",
    ],
    &["lead-times", "FILE", "@churns.csv", "--json"],
    &["lead-times", "@red_history.csv", "FILE", "--json"],
    &[
        "compliance",
        "FILE",
        "@delivered.csv",
        "--as-of",
        "2026-06-30",
        "--json",
    ],
    &[
        "compliance",
        "@contracts.csv",
        "FILE",
        "--as-of",
        "2026-06-30",
        "--json",
    ],
];

/// CSV ingestion of every command: the first byte picks the command, the rest is the file.
pub fn csv_commands(data: &[u8]) {
    command("csv", data);
}

/// Parquet ingestion of every command: the first byte picks the command, the rest is the
/// file.
pub fn parquet_commands(data: &[u8]) {
    command("parquet", data);
}

fn command(extension: &str, data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let template = COMMANDS[usize::from(selector) % COMMANDS.len()];
    with_temp_file(extension, rest, |file| {
        let out = temp_path("json");
        let argv: Vec<String> = std::iter::once("cs".to_owned())
            .chain(template.iter().map(|&arg| match arg {
                "FILE" => path_str(file).to_owned(),
                "OUT.json" => path_str(&out).to_owned(),
                _ => arg.strip_prefix('@').map_or_else(
                    || arg.to_owned(),
                    |name| path_str(&fixture(name, fixture_bytes(name))).to_owned(),
                ),
            }))
            .collect();
        let _ = cs_cli::run(&argv);
        let _ = std::fs::remove_file(&out);
    });
}

fn fixture_bytes(name: &str) -> &'static [u8] {
    match name {
        "portfolio.csv" => PORTFOLIO_CSV,
        "snapshot_2025.csv" => SNAPSHOT_2025_CSV,
        "snapshot_2026.csv" => SNAPSHOT_2026_CSV,
        "contracts.csv" => CONTRACTS_CSV,
        "delivered.csv" => DELIVERED_CSV,
        "overrides.csv" => OVERRIDES_CSV,
        "red_history.csv" => RED_HISTORY_CSV,
        "churns.csv" => CHURNS_CSV,
        _ => panic!("no fixture {name}"),
    }
}

/// A fixed input file, written once per process into a private temporary directory.
fn fixture(name: &str, bytes: &[u8]) -> PathBuf {
    let path = fixture_dir().join(name);
    if !path.exists() {
        let tmp = temp_path("tmp");
        std::fs::write(&tmp, bytes).unwrap_or_else(|e| panic!("write {}: {e}", tmp.display()));
        std::fs::rename(&tmp, &path).unwrap_or_else(|e| panic!("rename to {}: {e}", path.display()));
    }
    path
}

fn fixture_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("cs-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        dir
    })
}

/// A fresh path in the private temporary directory (unique across the threads of a test).
fn temp_path(extension: &str) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    fixture_dir().join(format!("input-{n}.{extension}"))
}

/// Writes `bytes` to a fresh temporary file named `*.extension`, runs `f` on its path and
/// removes it.
fn with_temp_file(extension: &str, bytes: &[u8], f: impl FnOnce(&Path)) {
    let path = temp_path(extension);
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    f(&path);
    let _ = std::fs::remove_file(&path);
}

fn path_str(path: &Path) -> &str {
    path.to_str()
        .unwrap_or_else(|| panic!("temporary path {} is not UTF-8", path.display()))
}
