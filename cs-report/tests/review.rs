//! The review of the Omnico sample: every section present, the headline equal to the core's
//! functions, nothing dated after the as-of date, user strings escaped, inputs and outputs
//! that fail named and left whole.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::{Arc, OnceLock};

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use chrono::NaiveDate;
use cs_core::health::{RollupInput, health_summary};
use cs_core::nps::{IntervalMethod, MissingAnswers, Nps};
use cs_core::pipeline::Pipeline;
use cs_core::portfolio::ColumnBuf;
use cs_core::statistics::Confidence;
use cs_report::{Review, ReviewInput, Table, render_html, summary_text};

fn sample() -> &'static (ReviewInput, Review) {
    static SAMPLE: OnceLock<(ReviewInput, Review)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let input = ReviewInput::sample().unwrap();
        let review = Review::build(&input, |_| {}).unwrap();
        (input, review)
    })
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn every_section_is_in_the_page_with_its_chart() {
    let (_, r) = sample();
    let html = render_html(r);
    for id in [
        "headline",
        "health",
        "nps",
        "renewals",
        "retention",
        "survival",
        "cohorts",
        "compliance",
        "onboarding",
        "ctas",
        "accounts",
    ] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "section {id}");
    }
    for chart in [
        "band-mix",
        "band-history",
        "nps-quarter",
        "nps-segment",
        "renewals",
        "survival",
        "cohorts",
        "compliance",
        "ctas",
    ] {
        let at = html
            .find(&format!("data-chart=\"{chart}\""))
            .unwrap_or_else(|| panic!("chart {chart}"));
        assert!(
            html[at..].find("<svg").unwrap() < 200,
            "chart {chart} has its svg"
        );
    }
    assert!(!html.contains("chart unavailable"));
    assert!(!html.contains("<script"), "no script in the page");
    assert!(html.contains("default-src 'none'; style-src 'unsafe-inline'; img-src data:"));
    assert!(html.contains("@media print"));
    assert!(
        html.contains("adjusted_wald"),
        "the page names the interval method"
    );
    assert_eq!(r.accounts.len(), cs_report::FOLLOWED_ACCOUNTS);
    let text = summary_text(r);
    assert!(text.contains("Portfolio review as of 2026-06-30"));
    let json = serde_json::to_value(r).unwrap();
    for k in [
        "accounts",
        "arr",
        "currency",
        "green_share",
        "green_arr_share",
        "nps",
        "csat",
        "grr",
        "nrr",
        "logo_churn",
        "arr_at_risk",
        "ttfi_median",
        "compliance",
    ] {
        assert!(!json["headline"][k].is_null(), "headline.{k}");
    }
}

#[test]
fn the_headline_equals_the_core_functions_on_the_sample() {
    let (input, r) = sample();
    // Health: the default pipeline on the portfolio table, rolled up by the core.
    let portfolio = input.table("portfolio").unwrap();
    let pipeline = Pipeline::default();
    let accounts = cs_arrow::AccountBatch::new(&portfolio.batch, &pipeline, "account_id").unwrap();
    let table = accounts.table().unwrap();
    let run = pipeline.run(&table, day(2026, 6, 30), &[]).unwrap();
    let health = run.health.unwrap();
    let arr: Vec<i64> = portfolio
        .integers("arr")
        .unwrap()
        .into_iter()
        .map(Option::unwrap)
        .collect();
    let all = health_summary(RollupInput {
        score: health.score.as_column("score"),
        band: health.band.as_column("band"),
        arr: Some(&arr),
        band_count: 3,
    })
    .unwrap();
    assert_eq!(r.headline.accounts, all.accounts);
    assert_eq!(r.headline.arr, arr.iter().sum::<i64>());
    // Every sample account is scored, so the share over all accounts is the rollup's.
    assert_eq!(all.insufficient, 0);
    assert_eq!(r.headline.green_share, all.band_share[2]);
    assert_eq!(r.headline.green_arr_share, all.arr_share_by_band[2]);
    // NPS: every answer, adjusted Wald.
    let survey = input.table("survey").unwrap();
    let answers = ColumnBuf::from(survey.numbers("score").unwrap());
    let nps = Nps::from_column(answers.as_column("score"), MissingAnswers::Reject).unwrap();
    let interval = nps.interval_by(Confidence::new(0.95).unwrap(), IntervalMethod::AdjustedWald);
    assert_eq!(r.headline.nps.nps, nps.score());
    assert_eq!(
        (r.headline.nps.ci_low, r.headline.nps.ci_high),
        (interval.low, interval.high)
    );
    assert_eq!(r.nps_interval, "adjusted_wald");
    // Risk: the expected loss Σ ARR × risk of the pipeline.
    let loss: f64 = run.risk.expected_loss.unwrap().iter().map(|v| v.unwrap()).sum();
    assert!((r.headline.arr_at_risk - loss).abs() < 1e-3 * loss.max(1.0));
    // Band mix over all accounts adds up to one, for accounts and for ARR.
    let m = &r.health.mix;
    assert!((m.band_share.iter().sum::<f64>() + m.insufficient_share - 1.0).abs() < 1e-12);
    assert!((m.arr_share_by_band.iter().sum::<f64>() + m.insufficient_arr_share - 1.0).abs() < 1e-12);
}

/// `table` followed by a copy of its rows with `column` set to `date`.
fn with_rows_on(table: &Table, column: &str, date: NaiveDate) -> Table {
    let batch = &table.batch;
    let i = batch.schema().index_of(column).unwrap();
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    let days = cs_core::portfolio::epoch_days(date);
    let later: ArrayRef = Arc::new(arrow_array::Date32Array::from(vec![days; batch.num_rows()]));
    columns[i] = arrow_cast::cast(&later, batch.schema().field(i).data_type()).unwrap();
    let copy = RecordBatch::try_new(batch.schema(), columns).unwrap();
    Table {
        batch: arrow_select::concat::concat_batches(&batch.schema(), [batch, &copy]).unwrap(),
        ..table.clone()
    }
}

#[test]
fn nothing_dated_after_the_as_of_date_is_counted() {
    let (sample_input, r) = sample();
    let as_of = day(2026, 6, 30);
    let later = day(2026, 9, 1);
    let tables = sample_input
        .tables
        .iter()
        .map(|t| match t.name {
            "survey" | "health_history" | "delivered" => with_rows_on(t, "date", later),
            "churned" => with_rows_on(t, "churned_on", later),
            _ => t.clone(),
        })
        .collect();
    let input = ReviewInput::new("sample with later rows".into(), as_of, tables).unwrap();
    let survey = input.table("survey").unwrap();
    assert_eq!(
        survey.batch.num_rows(),
        sample_input.table("survey").unwrap().batch.num_rows()
    );
    let with_later = Review::build(&input, |_| {}).unwrap();
    assert!(
        with_later
            .nps
            .by_quarter
            .iter()
            .all(|q| q.key.as_str() <= "2026-Q2")
    );
    assert!(
        with_later
            .nps
            .csat_by_quarter
            .iter()
            .all(|(q, _)| q.as_str() <= "2026-Q2")
    );
    assert!(
        with_later
            .health
            .history
            .iter()
            .all(|m| m.key.as_str() <= "2026-06-30")
    );
    let mut a = serde_json::to_value(&with_later).unwrap();
    let mut b = serde_json::to_value(r).unwrap();
    a["source"] = serde_json::Value::Null;
    b["source"] = serde_json::Value::Null;
    assert_eq!(a, b, "rows after the as-of date changed the review");
    // A snapshot newer than the as-of date is refused, naming the file, row and field.
    let early = ReviewInput::new("sample".into(), day(2025, 12, 31), sample_input.tables.clone()).unwrap();
    let e = Review::build(&early, |_| {}).unwrap_err();
    assert!(
        e.0.contains("(portfolio) row") && e.0.contains("is after the scoring date 2025-12-31"),
        "{e}"
    );
}

fn replaced(table: &Table, column: &str, value: &str) -> Table {
    let batch = &table.batch;
    let i = batch.schema().index_of(column).unwrap();
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    let values: StringArray = (0..batch.num_rows()).map(|_| Some(value)).collect();
    columns[i] = Arc::new(values);
    let mut fields: Vec<arrow_schema::Field> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    fields[i] = arrow_schema::Field::new(column, arrow_schema::DataType::Utf8, true);
    Table {
        batch: RecordBatch::try_new(Arc::new(arrow_schema::Schema::new(fields)), columns).unwrap(),
        ..table.clone()
    }
}

#[test]
fn markup_in_user_strings_comes_out_escaped() {
    let (sample_input, _) = sample();
    let evil = "<script>alert(1)</script>";
    let tables = sample_input
        .tables
        .iter()
        .map(|t| match t.name {
            "portfolio" => replaced(&replaced(t, "segment", evil), "csm", evil),
            "survey" | "accounts" | "onboarding" => replaced(t, "segment", evil),
            _ => t.clone(),
        })
        .collect();
    let input = ReviewInput::new("<b>source</b>".into(), day(2026, 6, 30), tables).unwrap();
    let r = Review::build(&input, |_| {}).unwrap();
    assert_eq!(r.health.by_segment[0].key, evil);
    let html = render_html(&r);
    assert!(!html.contains("<script"), "markup reached the page unescaped");
    assert!(!html.contains("<b>source"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;b&gt;source&lt;/b&gt;"));
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let dir = std::env::temp_dir().join(format!("cs-report-missing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let e = ReviewInput::read_dir(&dir, day(2026, 6, 30)).unwrap_err();
    assert!(
        e.0.contains(&dir.join("accounts.parquet").display().to_string()),
        "{e}"
    );
    assert!(e.0.contains("accounts.csv"), "{e}");
    std::fs::write(dir.join("accounts.csv"), "account_id,segment\n\"unterminated\n").unwrap();
    let e = ReviewInput::read_dir(&dir, day(2026, 6, 30)).unwrap_err();
    assert!(e.0.contains("accounts.csv"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failed_write_leaves_no_partial_file_and_the_old_report_whole() {
    let dir = std::env::temp_dir().join(format!("cs-report-write-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("report.html");
    cs_report::write_html(&target, "old").unwrap();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    // A directory where the report should go: the rename fails after the temporary file is
    // written; it is removed and nothing else is left beside the target.
    let blocked = dir.join("blocked.html");
    std::fs::create_dir_all(blocked.join("inside")).unwrap();
    let e = cs_report::write_html(&blocked, "new").unwrap_err();
    assert!(e.0.contains("blocked.html"), "{e}");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["blocked.html", "report.html"]);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    std::fs::remove_dir_all(&dir).unwrap();
}
