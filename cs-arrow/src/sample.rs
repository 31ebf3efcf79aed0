//! The sample company ([`cs_core::sample::SampleCompany`]) as RecordBatches, one per file, and
//! (with the `files` feature) a writer of the whole set into a directory: Parquet for every
//! file, CSV as well for the small ones. The column names are those the `cs` commands read
//! (docs/sample-company.md lists each file's schema).

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray, UInt8Array,
    UInt32Array,
};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use cs_core::portfolio::epoch_days;
use cs_core::sample::{HealthRecord, SampleCompany, SyntheticPortfolio};
use cs_core::{Error, Result};

/// Files with fewer rows than this are written as CSV too.
pub const CSV_MAX_ROWS: usize = 5_000;

/// Columns of one batch under construction.
#[derive(Default)]
struct Columns {
    fields: Vec<Field>,
    arrays: Vec<ArrayRef>,
}

impl Columns {
    fn push(mut self, name: &str, array: ArrayRef) -> Self {
        self.fields.push(Field::new(
            name,
            array.data_type().clone(),
            array.null_count() > 0 || nullable(name),
        ));
        self.arrays.push(array);
        self
    }

    fn text<'a>(self, name: &str, values: impl Iterator<Item = &'a str>) -> Self {
        self.push(name, Arc::new(values.map(Some).collect::<StringArray>()))
    }

    fn opt_text<'a>(self, name: &str, values: impl Iterator<Item = Option<&'a str>>) -> Self {
        self.push(name, Arc::new(values.collect::<StringArray>()))
    }

    fn int(self, name: &str, values: impl Iterator<Item = i64>) -> Self {
        self.push(name, Arc::new(values.map(Some).collect::<Int64Array>()))
    }

    fn opt_int(self, name: &str, values: impl Iterator<Item = Option<i64>>) -> Self {
        self.push(name, Arc::new(values.collect::<Int64Array>()))
    }

    fn float(self, name: &str, values: impl Iterator<Item = f64>) -> Self {
        self.push(name, Arc::new(values.map(Some).collect::<Float64Array>()))
    }

    fn flag(self, name: &str, values: impl Iterator<Item = bool>) -> Self {
        self.push(name, Arc::new(values.map(Some).collect::<BooleanArray>()))
    }

    fn date(self, name: &str, values: impl Iterator<Item = NaiveDate>) -> Self {
        self.push(
            name,
            Arc::new(values.map(|d| Some(epoch_days(d))).collect::<Date32Array>()),
        )
    }

    fn opt_date(self, name: &str, values: impl Iterator<Item = Option<NaiveDate>>) -> Self {
        self.push(
            name,
            Arc::new(values.map(|d| d.map(epoch_days)).collect::<Date32Array>()),
        )
    }

    fn batch(self, file: &str) -> Result<RecordBatch> {
        RecordBatch::try_new(Arc::new(Schema::new(self.fields)), self.arrays)
            .map_err(|e| Error::invalid("sample file", file, e.to_string()))
    }
}

/// Columns that may hold nulls in some sample, whether or not this one does, so the schema
/// of a file does not depend on the seed.
fn nullable(name: &str) -> bool {
    matches!(
        name,
        "churned_on"
            | "nps"
            | "nps_date"
            | "perceived"
            | "reason"
            | "handoff_completed"
            | "kickoff"
            | "joint_impact_plan"
            | "first_impact"
            | "renewed_on"
    ) || name.starts_with(|c: char| c.is_ascii_digit())
}

fn u(v: u32) -> i64 {
    i64::from(v)
}

/// The default scorecard's measure columns (and the measured counts behind them).
fn health_columns<'a>(c: Columns, rows: impl Iterator<Item = &'a HealthRecord> + Clone) -> Columns {
    c.int("licences", rows.clone().map(|h| u(h.licences)))
        .int("active_users", rows.clone().map(|h| u(h.active_users)))
        .float("licence_utilisation", rows.clone().map(|h| h.licence_utilisation))
        .float("logins_per_user", rows.clone().map(|h| h.logins_per_user))
        .int("open_tickets", rows.clone().map(|h| u(h.open_tickets)))
        .int(
            "high_priority_tickets",
            rows.clone().map(|h| u(h.high_priority_tickets)),
        )
        .opt_int("nps", rows.clone().map(|h| h.nps.map(i64::from)))
        .opt_date("nps_date", rows.clone().map(|h| h.nps_date))
        .int(
            "days_since_last_touch",
            rows.clone().map(|h| u(h.days_since_last_touch)),
        )
        .flag("executive_sponsor", rows.map(|h| h.executive_sponsor))
}

/// The files of a sample company, in writing order: `(file stem, batch)`.
///
/// `accounts`, `contracts`, `health_history`, `survey`, `delivered`, `onboarding`,
/// `renewals`, `churned`, `arr_start`, `portfolio`, `cohorts` and `renewal_health`
/// ([`renewal_health_batch`]).
#[allow(clippy::many_single_char_names, clippy::too_many_lines)] // one short name per record set
pub fn sample_batches(c: &SampleCompany) -> Result<Vec<(&'static str, RecordBatch)>> {
    let a = &c.accounts;
    let accounts = Columns::default()
        .text("account_id", a.iter().map(|x| x.account_id.as_str()))
        .text("segment", a.iter().map(|x| x.segment.name()))
        .text("region", a.iter().map(|x| x.region.name()))
        .text("csm", a.iter().map(|x| x.csm.as_str()))
        .text("package", a.iter().map(|x| x.package.as_str()))
        .text("currency", a.iter().map(|x| x.currency.as_str()))
        .int("arr", a.iter().map(|x| x.arr))
        .date("customer_since", a.iter().map(|x| x.customer_since))
        .opt_date("churned_on", a.iter().map(|x| x.churned_on))
        .flag("churned", a.iter().map(|x| x.churned))
        .int("tenure_months", a.iter().map(|x| u(x.tenure_months)))
        .text("cohort", a.iter().map(|x| x.cohort.as_str()))
        .batch("accounts")?;

    let k = &c.contracts;
    let contracts = Columns::default()
        .text("account", k.iter().map(|x| x.account_id.as_str()))
        .text("account_id", k.iter().map(|x| x.account_id.as_str()))
        .text("package", k.iter().map(|x| x.package.as_str()))
        .date("start", k.iter().map(|x| x.start))
        .date("renewal", k.iter().map(|x| x.renewal))
        .date("renewal_date", k.iter().map(|x| x.renewal))
        .int("term_months", k.iter().map(|x| u(x.term_months)))
        .flag("auto_renew", k.iter().map(|x| x.auto_renew))
        .int("notice_days", k.iter().map(|x| u(x.notice_days)))
        .text("renewal_contact", k.iter().map(|x| x.renewal_contact.as_str()))
        .flag("contact_confirmed", k.iter().map(|x| x.contact_confirmed))
        .int("arr", k.iter().map(|x| x.arr))
        .text("currency", k.iter().map(|x| x.currency.as_str()))
        .text("outcome", k.iter().map(|x| x.outcome.as_str()))
        .batch("contracts")?;

    let h = &c.health;
    let health = Columns::default()
        .text("account_id", h.iter().map(|x| x.account_id.as_str()))
        .date("date", h.iter().map(|x| x.date))
        .text("segment", h.iter().map(|x| x.segment.name()))
        .int("arr", h.iter().map(|x| x.arr));
    let health = health_columns(health, h.iter()).batch("health_history")?;

    let s = &c.survey;
    let survey = Columns::default()
        .text("response_id", s.iter().map(|x| x.response_id.as_str()))
        .date("date", s.iter().map(|x| x.date))
        .text("account_id", s.iter().map(|x| x.account_id.as_str()))
        .text("segment", s.iter().map(|x| x.segment.name()))
        .text("region", s.iter().map(|x| x.region.name()))
        .text("csm", s.iter().map(|x| x.csm.as_str()))
        .int("score", s.iter().map(|x| i64::from(x.score)))
        .opt_int("perceived", s.iter().map(|x| x.perceived.map(i64::from)))
        .float("csat", s.iter().map(|x| x.csat))
        .batch("survey")?;

    let d = &c.delivered;
    let delivered = Columns::default()
        .text("account", d.iter().map(|x| x.account.as_str()))
        .date("date", d.iter().map(|x| x.date))
        .text("activity", d.iter().map(|x| x.activity.name()))
        .text("channel", d.iter().map(|x| x.channel.name()))
        .int("minutes", d.iter().map(|x| u(x.minutes)))
        .int("participants", d.iter().map(|x| u(x.participants)))
        .batch("delivered")?;

    let o = &c.onboarding;
    let onboarding = Columns::default()
        .text("account", o.iter().map(|x| x.account.as_str()))
        .text("segment", o.iter().map(|x| x.segment.name()))
        .text("csm", o.iter().map(|x| x.csm.as_str()))
        .date("closed_on", o.iter().map(|x| x.closed_on))
        .opt_date("handoff_completed", o.iter().map(|x| x.handoff_completed))
        .date("contract_start", o.iter().map(|x| x.contract_start))
        .opt_date("kickoff", o.iter().map(|x| x.kickoff))
        .opt_date("joint_impact_plan", o.iter().map(|x| x.joint_impact_plan))
        .opt_date("first_impact", o.iter().map(|x| x.first_impact))
        .date("contract_end", o.iter().map(|x| x.contract_end))
        .opt_date("renewed_on", o.iter().map(|x| x.renewed_on))
        .opt_date("churned_on", o.iter().map(|x| x.churned_on))
        .batch("onboarding")?;

    let r = &c.renewals;
    let renewals = Columns::default()
        .text("account_id", r.iter().map(|x| x.account_id.as_str()))
        .date("renewal_date", r.iter().map(|x| x.renewal_date))
        .int("term", r.iter().map(|x| u(x.term)))
        .text("outcome", r.iter().map(|x| x.outcome.as_str()))
        .int("arr_before", r.iter().map(|x| x.arr_before))
        .int("arr_after", r.iter().map(|x| x.arr_after))
        .text("movement", r.iter().map(|x| x.movement.as_str()))
        .opt_text(
            "reason",
            r.iter()
                .map(|x| x.reason.map(cs_core::revenue::ChurnReason::as_str)),
        )
        .text("currency", r.iter().map(|x| x.currency.as_str()))
        .batch("renewals")?;

    let l = &c.churned;
    let churned = Columns::default()
        .text("account_id", l.iter().map(|x| x.account_id.as_str()))
        .date("churned_on", l.iter().map(|x| x.churned_on))
        .text("segment", l.iter().map(|x| x.segment.name()))
        .text("reason", l.iter().map(|x| x.reason.as_str()))
        .int("arr", l.iter().map(|x| x.arr))
        .batch("churned")?;

    let z = &c.arr_start;
    let arr_start = Columns::default()
        .text("account_id", z.iter().map(|x| x.account_id.as_str()))
        .date("date", z.iter().map(|x| x.date))
        .text("segment", z.iter().map(|x| x.segment.name()))
        .int("arr", z.iter().map(|x| x.arr))
        .batch("arr_start")?;

    let p = &c.portfolio;
    let portfolio = Columns::default()
        .text("account_id", p.iter().map(|x| x.account_id.as_str()))
        .text("segment", p.iter().map(|x| x.segment.name()))
        .text("region", p.iter().map(|x| x.region.name()))
        .text("csm", p.iter().map(|x| x.csm.as_str()))
        .text("package", p.iter().map(|x| x.package.as_str()))
        .int("arr", p.iter().map(|x| x.arr))
        .int("previous_arr", p.iter().map(|x| x.previous_arr))
        .date("renewal_date", p.iter().map(|x| x.renewal_date))
        .flag("auto_renew", p.iter().map(|x| x.auto_renew))
        .int("notice_days", p.iter().map(|x| u(x.notice_days)))
        .flag("contact_confirmed", p.iter().map(|x| x.contact_confirmed))
        .flag("first_impact_reached", p.iter().map(|x| x.first_impact_reached));
    let portfolio = health_columns(portfolio, p.iter().map(|x| &x.health)).batch("portfolio")?;

    let t = &c.cohorts;
    let periods = t.periods();
    let mut cohorts = Columns::default().int("year", (0..periods).map(|y| y as i64));
    for (label, alive) in t.labels.iter().zip(&t.alive) {
        cohorts = cohorts.opt_int(
            label,
            (0..periods).map(|y| alive.get(y).map(|n| i64::try_from(*n).unwrap_or(i64::MAX))),
        );
    }
    let cohorts = cohorts.batch("cohorts")?;

    Ok(vec![
        ("accounts", accounts),
        ("contracts", contracts),
        ("health_history", health),
        ("survey", survey),
        ("delivered", delivered),
        ("onboarding", onboarding),
        ("renewals", renewals),
        ("churned", churned),
        ("arr_start", arr_start),
        ("portfolio", portfolio),
        ("cohorts", cohorts),
        ("renewal_health", renewal_health_batch(c)?),
    ])
}

/// One file written by [`write_sample`].
#[cfg(feature = "files")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    /// Its path.
    pub path: std::path::PathBuf,
    /// Data rows.
    pub rows: usize,
    /// Size in bytes.
    pub bytes: u64,
}

/// Writes every file of `company` into `dir` (created when absent): `<stem>.parquet` for each,
/// and `<stem>.csv` as well when it has fewer than [`CSV_MAX_ROWS`] rows, then one handoff
/// document per recent deal as `handoffs/<account>.json` (pretty JSON). Each file goes
/// through a temporary file renamed over the target; the bytes depend only on the company.
#[cfg(feature = "files")]
pub fn write_sample(dir: &std::path::Path, company: &SampleCompany) -> Result<Vec<WrittenFile>> {
    let io = |path: &std::path::Path, e: &dyn std::fmt::Display| {
        Error::invalid("sample output", path.display(), e.to_string())
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, &e))?;
    let mut written = Vec::new();
    for (stem, batch) in sample_batches(company)? {
        let mut paths = vec![dir.join(format!("{stem}.parquet"))];
        if batch.num_rows() < CSV_MAX_ROWS {
            paths.push(dir.join(format!("{stem}.csv")));
        }
        for path in paths {
            crate::files::write_table(&path, &batch).map_err(|e| io(&path, &e))?;
            let bytes = std::fs::metadata(&path).map_err(|e| io(&path, &e))?.len();
            written.push(WrittenFile {
                path,
                rows: batch.num_rows(),
                bytes,
            });
        }
    }
    let handoffs = dir.join("handoffs");
    if !company.handoffs.is_empty() {
        std::fs::create_dir_all(&handoffs).map_err(|e| io(&handoffs, &e))?;
    }
    for handoff in &company.handoffs {
        use cs_core::document::Document as _;
        let path = handoffs.join(format!("{}.json", handoff.account));
        let mut text = handoff.to_json()?;
        text.push('\n');
        crate::files::write_atomically(&path, |out| {
            std::io::Write::write_all(out, text.as_bytes()).map_err(|e| e.to_string())
        })
        .map_err(|e| io(&path, &e))?;
        let bytes = std::fs::metadata(&path).map_err(|e| io(&path, &e))?.len();
        written.push(WrittenFile { path, rows: 1, bytes });
    }
    Ok(written)
}

/// The synthetic portfolio (`cs portfolio`, Python's `synthetic_portfolio`) as one
/// RecordBatch: account_id, segment, region, csm, arr (minor units), start_date, renewal_date,
/// the usage and support measures, nps with nps_date (null without an answer),
/// days_since_last_touch and executive_sponsor.
pub fn synthetic_batch(p: &SyntheticPortfolio) -> Result<RecordBatch> {
    let text = |v: Vec<Option<String>>| -> ArrayRef { Arc::new(StringArray::from(v)) };
    let date = |d: &[NaiveDate]| -> ArrayRef {
        Arc::new(d.iter().map(|d| Some(epoch_days(*d))).collect::<Date32Array>())
    };
    let u32s = |v: &[u32]| -> ArrayRef { Arc::new(UInt32Array::from(v.to_vec())) };
    crate::output::batch(vec![
        (
            Field::new("account_id", DataType::Utf8, false),
            text(p.account_id.iter().map(|i| Some(format!("ACC-{i:07}"))).collect()),
        ),
        (
            Field::new("segment", DataType::Utf8, false),
            text(p.segment.iter().map(|s| Some(s.name().to_owned())).collect()),
        ),
        (
            Field::new("region", DataType::Utf8, false),
            text(p.region.iter().map(|r| Some(r.name().to_owned())).collect()),
        ),
        (
            Field::new("csm", DataType::Utf8, false),
            text(
                p.csm
                    .iter()
                    .map(|c| Some(p.csm_names[usize::from(*c)].clone()))
                    .collect(),
            ),
        ),
        (
            Field::new("arr", DataType::Int64, false),
            Arc::new(Int64Array::from(p.arr.clone())),
        ),
        (
            Field::new("start_date", DataType::Date32, false),
            date(&p.start_date),
        ),
        (
            Field::new("renewal_date", DataType::Date32, false),
            date(&p.renewal_date),
        ),
        (Field::new("licences", DataType::UInt32, false), u32s(&p.licences)),
        (
            Field::new("active_users", DataType::UInt32, false),
            u32s(&p.active_users),
        ),
        (
            Field::new("logins_30d", DataType::UInt32, false),
            u32s(&p.logins_30d),
        ),
        (
            Field::new("licence_utilisation", DataType::Float64, false),
            Arc::new(Float64Array::from(p.licence_utilisation.clone())),
        ),
        (
            Field::new("logins_per_user", DataType::Float64, false),
            Arc::new(Float64Array::from(p.logins_per_user.clone())),
        ),
        (
            Field::new("open_tickets", DataType::UInt32, false),
            u32s(&p.open_tickets),
        ),
        (
            Field::new("high_priority_tickets", DataType::UInt32, false),
            u32s(&p.high_priority_tickets),
        ),
        (
            Field::new("nps", DataType::UInt8, true),
            Arc::new(UInt8Array::from(p.nps.clone())),
        ),
        (
            Field::new("nps_date", DataType::Date32, true),
            Arc::new(
                p.nps_date
                    .iter()
                    .map(|d| d.map(epoch_days))
                    .collect::<Date32Array>(),
            ),
        ),
        (
            Field::new("days_since_last_touch", DataType::UInt32, false),
            u32s(&p.days_since_last_touch),
        ),
        (
            Field::new("executive_sponsor", DataType::Boolean, false),
            Arc::new(BooleanArray::from(p.executive_sponsor.clone())),
        ),
    ])
}

/// The sample's renewal history for a weight fit ([`SampleCompany::renewal_health`]): per
/// decided renewal `account_id`, `renewal_date`, `churned` (the outcome), `date` (of the
/// health record, [`cs_core::sample::RENEWAL_HEALTH_LEAD_DAYS`] or more before) and the
/// default scorecard's measure columns. Without `nps_date`: a fit scores every row on one
/// date, and each record's answer was current on the record's own date.
pub fn renewal_health_batch(c: &SampleCompany) -> Result<RecordBatch> {
    let rows = c.renewal_health();
    let columns = Columns::default()
        .text("account_id", rows.iter().map(|(r, _)| r.account_id.as_str()))
        .date("renewal_date", rows.iter().map(|(r, _)| r.renewal_date))
        .flag(
            "churned",
            rows.iter()
                .map(|(r, _)| r.outcome == cs_core::sample::Outcome::Churned),
        )
        .date("date", rows.iter().map(|(_, h)| h.date));
    let batch = health_columns(columns, rows.iter().map(|(_, h)| *h)).batch("renewal_health")?;
    let keep: Vec<usize> = (0..batch.num_columns())
        .filter(|&i| batch.schema().field(i).name() != "nps_date")
        .collect();
    batch
        .project(&keep)
        .map_err(|e| Error::invalid("renewal_health", "columns", e.to_string()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use arrow_schema::DataType;
    use cs_core::sample::SampleOptions;

    #[test]
    fn batches_have_one_row_per_record() {
        let c = SampleCompany::generate(SampleOptions {
            accounts: 60,
            ..SampleOptions::default()
        })
        .unwrap();
        let batches = sample_batches(&c).unwrap();
        let rows: Vec<(&str, usize)> = batches.iter().map(|(n, b)| (*n, b.num_rows())).collect();
        assert_eq!(rows[0], ("accounts", 60));
        assert_eq!(rows[2], ("health_history", c.health.len()));
        assert_eq!(rows[4], ("delivered", c.delivered.len()));
        let portfolio = &batches[9].1;
        assert_eq!(
            portfolio.schema().field_with_name("nps").unwrap().data_type(),
            &DataType::Int64
        );
    }
}
