//! [`Review`]: every number of the portfolio review, each computed by a cs-core function from
//! the [`ReviewInput`] tables. Nothing is computed here; this module reads columns, calls the
//! core and keeps the results.

use chrono::NaiveDate;
use cs_arrow::nps::{NpsBy, nps_total};
use cs_arrow::onboarding::{TtfiInputs, ttfi_statuses, ttfi_table};
use cs_core::health::{BandMix, RollupInput, Trend, TrendOptions, band_mix, band_mix_by, largest_falls};
use cs_core::nps::{Calibration, Csat, IntervalMethod, MissingAnswers, Nps};
use cs_core::onboarding::{TtfiConfig, TtfiGroup, TtfiSummary, still_onboarding, ttfi_summary};
use cs_core::package::{ComplianceGroup, MatchingRules, compliance_by};
use cs_core::pipeline::{Pipeline, health_history, health_trends};
use cs_core::playbook::{Cta, RoleQueue, Trigger, cta_queue};
use cs_core::portfolio::{ColumnBuf, Granularity};
use cs_core::renewal::{Reason, RiskTier};
use cs_core::retention::{LogRank, SbgModel, SurvivalGroup, logrank_groups};
use cs_core::revenue::{
    ArrAtRisk, ChurnReason, ReasonShare, RevenueRetention, UpcomingRenewals, arr_at_risk, churn_reasons,
    revenue_retention, upcoming_renewals,
};
use cs_core::statistics::Confidence;
use serde::Serialize;

use crate::ReportError;
use crate::input::{ReviewInput, Table};

/// The confidence level of every interval in the review.
pub const CONFIDENCE: f64 = 0.95;
/// The NPS interval method of the review (docs/report.md): does not collapse for small or
/// unanimous groups.
pub const NPS_METHOD: IntervalMethod = IntervalMethod::AdjustedWald;
/// Days ahead the renewal calendar covers.
pub const RENEWAL_HORIZON_DAYS: u32 = 180;
/// Accounts followed one by one (the top expected ARR losses).
pub const FOLLOWED_ACCOUNTS: usize = 5;
/// Accounts listed among the largest health falls.
pub const FALLERS: usize = 10;
/// Tenures (months) at which the survival curves are read.
pub const SURVIVAL_AT: [f64; 4] = [3.0, 6.0, 12.0, 24.0];
/// Periods projected beyond each cohort's observed years.
pub const COHORT_PROJECTION: u32 = 3;

/// The headline tiles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headline {
    /// Customers on the as-of date (rows of `portfolio`).
    pub accounts: u64,
    /// Their ARR, minor units.
    pub arr: i64,
    /// ISO currency of every amount.
    pub currency: String,
    /// Share of all accounts in the best band.
    pub green_share: f64,
    /// Share of all ARR in the best band.
    pub green_arr_share: f64,
    /// NPS of every answer up to the as-of date, with its interval.
    pub nps: NpsRow,
    /// CSAT, % of ratings above 3.5 of 5.
    pub csat: Option<f64>,
    /// Gross revenue retention over the year to the as-of date.
    pub grr: Option<f64>,
    /// Net revenue retention.
    pub nrr: Option<f64>,
    /// Logo churn.
    pub logo_churn: Option<f64>,
    /// Expected ARR loss Σ ARR × risk, minor units.
    pub arr_at_risk: f64,
    /// Median Time to First Impact, days.
    pub ttfi_median: Option<f64>,
    /// Entitlement compliance: delivered / owed items.
    pub compliance: Option<f64>,
}

/// One NPS row: counts, score and interval ([`NPS_METHOD`] at [`CONFIDENCE`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NpsRow {
    /// The group (a segment, a quarter, `all`).
    pub key: String,
    /// Answers.
    pub responses: u64,
    /// Promoters (9-10).
    pub promoters: u64,
    /// Passives (7-8).
    pub passives: u64,
    /// Detractors (0-6).
    pub detractors: u64,
    /// NPS, -100..=100.
    pub nps: f64,
    /// Interval low end.
    pub ci_low: f64,
    /// Interval high end.
    pub ci_high: f64,
    /// Half-width of the interval.
    pub margin_of_error: f64,
}

impl NpsRow {
    fn of(key: String, n: &Nps, confidence: Confidence) -> NpsRow {
        let i = n.interval_by(confidence, NPS_METHOD);
        NpsRow {
            key,
            responses: n.responses(),
            promoters: n.promoters(),
            passives: n.passives(),
            detractors: n.detractors(),
            nps: n.score(),
            ci_low: i.low,
            ci_high: i.high,
            margin_of_error: i.margin_of_error,
        }
    }
}

/// Health: the band mix now, by segment and month by month, and the largest falls.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthSection {
    /// The scorecard used.
    pub scorecard: String,
    /// Band names, lowest first.
    pub bands: Vec<String>,
    /// Mean score of the scored accounts.
    pub mean: Option<f64>,
    /// The mix of all accounts on the as-of date.
    pub mix: BandMix,
    /// Per segment.
    pub by_segment: Vec<BandMix>,
    /// Per month end of `health_history` (key: the date), each row scored on its own date.
    pub history: Vec<BandMix>,
    /// The accounts whose health fell most (in the trend window to their latest score).
    pub fallers: Vec<Faller>,
    /// The trend window, days.
    pub trend_window_days: u32,
}

/// An account whose health fell, with the measures that moved it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Faller {
    /// The account.
    pub account_id: String,
    /// Its trend: scores, bands and the change per measure.
    pub trend: Trend,
}

/// NPS and CSAT.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NpsSection {
    /// Every answer.
    pub total: NpsRow,
    /// Per quarter of the answer date.
    pub by_quarter: Vec<NpsRow>,
    /// Per segment.
    pub by_segment: Vec<NpsRow>,
    /// NPS perceived (the CSM's estimate) against the answers.
    pub perceived: Calibration,
    /// CSAT of every rating.
    pub csat: Csat,
    /// CSAT per quarter.
    pub csat_by_quarter: Vec<(String, Csat)>,
}

/// One account at risk: its risk and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskRow {
    /// The account.
    pub account_id: String,
    /// Its segment.
    pub segment: String,
    /// ARR, minor units.
    pub arr: i64,
    /// Renewal date.
    pub renewal_date: Option<NaiveDate>,
    /// Churn risk, 0..=1.
    pub risk: f64,
    /// Risk tier.
    pub tier: RiskTier,
    /// ARR × risk, minor units.
    pub expected_loss: f64,
    /// The factors raising the risk, largest first.
    pub reasons: Vec<Reason>,
}

/// Renewals and ARR at risk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenewalSection {
    /// The risk model.
    pub model: String,
    /// Renewals in the next [`RENEWAL_HORIZON_DAYS`] days by month and tier.
    pub upcoming: UpcomingRenewals,
    /// Accounts in the internal-review window without a review held (the playbook's CTAs).
    pub without_review: Vec<Cta>,
    /// ARR at risk by tier, renewal month and segment.
    pub arr_at_risk: ArrAtRisk,
    /// The largest expected losses.
    pub top: Vec<RiskRow>,
}

/// Revenue retention over the year and why customers left.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetentionSection {
    /// GRR / NRR / logo churn from `arr_start` to `portfolio`, overall and by segment.
    pub revenue: RevenueRetention,
    /// Lost accounts by cancellation reason (`churned` up to the as-of date).
    pub churn_reasons: Vec<ReasonShare>,
    /// Accounts lost up to the as-of date.
    pub churned_accounts: u64,
}

/// One Kaplan-Meier curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurvivalCurve {
    /// The group (a segment).
    pub group: String,
    /// Customers in the group.
    pub customers: u64,
    /// Churn events.
    pub churned: u64,
    /// Median tenure, months (`None`: not reached).
    pub median: Option<f64>,
    /// The step curve: tenure (months), survival and its pointwise band.
    pub steps: Vec<[f64; 4]>,
    /// The curve read at [`SURVIVAL_AT`]: tenure, survival, band low, band high.
    pub at: Vec<[f64; 4]>,
}

/// Survival by segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurvivalSection {
    /// One curve per segment.
    pub groups: Vec<SurvivalCurve>,
    /// The log-rank test across the segments.
    pub logrank: Option<LogRank<String>>,
}

/// One cohort's shifted-beta-geometric fit and projection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortProjection {
    /// The start quarter.
    pub cohort: String,
    /// Customers at the start.
    pub customers: u64,
    /// Fitted alpha.
    pub alpha: f64,
    /// Fitted beta.
    pub beta: f64,
    /// Mean churn probability per period.
    pub mean_churn: f64,
    /// Observed share alive per contract year.
    pub observed: Vec<f64>,
    /// Model survival per contract year, observed years plus [`COHORT_PROJECTION`].
    pub projected: Vec<f64>,
}

/// Entitlement compliance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComplianceSection {
    /// All accounts (key `all`).
    pub all: ComplianceGroup,
    /// Per success package.
    pub by_package: Vec<ComplianceGroup>,
}

/// Onboarding and Time to First Impact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OnboardingSection {
    /// The target, days.
    pub target_days: u32,
    /// All accounts.
    pub total: TtfiSummary,
    /// Per segment.
    pub by_segment: Vec<TtfiGroup<String>>,
    /// Accounts still onboarding past target.
    pub overdue: u64,
}

/// The calls to action opened on the as-of date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CtaSection {
    /// The playbook.
    pub playbook: String,
    /// Calls to action opened.
    pub total: u64,
    /// Per owner role.
    pub by_owner: Vec<RoleQueue>,
}

/// One account followed through every section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountStory {
    /// Risk, tier, reasons, renewal.
    pub risk: RiskRow,
    /// Health score on the as-of date.
    pub health_score: Option<f64>,
    /// Health band.
    pub health_band: Option<String>,
    /// The measure losing the most points.
    pub health_driver: Option<String>,
    /// Its health trend, when `health_history` has it.
    pub trend: Option<Trend>,
    /// Its latest NPS answer (0-10) and its date.
    pub latest_nps: Option<(NaiveDate, f64)>,
    /// Its calls to action.
    pub ctas: Vec<Cta>,
}

/// Every number of the portfolio review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    /// The date the review is made on: no input dated after it is counted.
    pub as_of: NaiveDate,
    /// Where the tables came from.
    pub source: String,
    /// The confidence level of the intervals.
    pub confidence: f64,
    /// The NPS interval method (`adjusted-wald`).
    pub nps_interval: String,
    /// The headline tiles.
    pub headline: Headline,
    /// Health.
    pub health: HealthSection,
    /// NPS and CSAT.
    pub nps: NpsSection,
    /// Renewals and ARR at risk.
    pub renewals: RenewalSection,
    /// Revenue retention and churn reasons.
    pub retention: RetentionSection,
    /// Kaplan-Meier tenure by segment.
    pub survival: SurvivalSection,
    /// sBG per cohort.
    pub cohorts: Vec<CohortProjection>,
    /// Entitlement compliance.
    pub compliance: ComplianceSection,
    /// Onboarding.
    pub onboarding: OnboardingSection,
    /// The CTA queue.
    pub ctas: CtaSection,
    /// The top accounts at risk, one by one.
    pub accounts: Vec<AccountStory>,
}

/// The number of sections [`Review::build`] goes through (for a progress counter).
pub const SECTIONS: usize = 9;

fn core(table: &Table) -> impl Fn(cs_core::Error) -> ReportError + '_ {
    move |e| table.locate(e)
}

impl Review {
    /// The review of `input` (tables already filtered to `input.as_of`); `progress` is called
    /// with each section's name as it starts.
    pub fn build(input: &ReviewInput, mut progress: impl FnMut(&str)) -> Result<Review, ReportError> {
        let as_of = input.as_of;
        let confidence = Confidence::new(CONFIDENCE).map_err(|e| ReportError(e.to_string()))?;
        let pipeline = Pipeline::default();

        progress("health, risk and calls to action");
        let portfolio = input.table("portfolio")?;
        let loc = core(portfolio);
        let accounts =
            cs_arrow::AccountBatch::new(&portfolio.batch, &pipeline, "account_id").map_err(&loc)?;
        let table = accounts.table().map_err(&loc)?;
        let ids = table.account_id().map_err(&loc)?.to_vec();
        let run = pipeline.run(&table, as_of, &[]).map_err(&loc)?;
        let scores = run
            .health
            .as_ref()
            .ok_or_else(|| ReportError(format!("{}: no health measures to score", portfolio.source)))?;
        let arr = portfolio.required("arr", portfolio.integers("arr")?)?;
        let currency = portfolio
            .texts("currency")
            .ok()
            .and_then(|c| c.into_iter().flatten().next())
            .unwrap_or_else(|| "USD".to_owned());
        let segments = portfolio.labels("segment")?;
        let latest_nps = portfolio.numbers("nps")?;
        let latest_nps_date = portfolio.dates("nps_date")?;
        let bands = pipeline.scorecard.band_names();
        let rollup = RollupInput {
            score: scores.score.as_column("score"),
            band: scores.band.as_column("band"),
            arr: Some(&arr),
            band_count: bands.len(),
        };
        let mix = band_mix(rollup).map_err(&loc)?;
        let by_segment = band_mix_by(&segments, rollup).map_err(&loc)?;
        let mean = cs_core::health::health_summary(rollup).map_err(&loc)?.mean;
        let arr_col = cs_core::portfolio::Column::new("arr", &arr);
        let renewal = portfolio.dates("renewal_date")?;
        let renewal_buf = ColumnBuf::from(renewal.clone());
        let risk = arr_at_risk(
            arr_col,
            &run.risk.scores.risk,
            &run.risk.scores.tier,
            Some(renewal_buf.as_column("renewal_date")),
            Some(&segments),
        )
        .map_err(&loc)?;
        let upcoming = upcoming_renewals(
            arr_col,
            &run.risk.scores.tier,
            renewal_buf.as_column("renewal_date"),
            as_of,
            RENEWAL_HORIZON_DAYS,
        )
        .map_err(&loc)?;
        let loss: Vec<f64> = run.risk.expected_loss.as_ref().map_or_else(
            || vec![0.0; ids.len()],
            |l| l.iter().map(|v| v.unwrap_or(0.0)).collect(),
        );
        let risk_row = |i: usize| RiskRow {
            account_id: ids[i].clone(),
            segment: segments[i].clone(),
            arr: arr[i],
            renewal_date: renewal[i],
            risk: run.risk.scores.risk[i],
            tier: run.risk.scores.tier[i],
            expected_loss: loss[i],
            reasons: run.risk.scores.reasons(i),
        };
        let top: Vec<RiskRow> = run
            .risk
            .worst_first()
            .into_iter()
            .take(20)
            .map(risk_row)
            .collect();
        let review_key = Trigger::RenewalWindowWithoutReview { within_days: 0 }.key();
        let without_review: Vec<Cta> = run
            .ctas
            .iter()
            .filter(|c| &*c.trigger == review_key)
            .cloned()
            .collect();
        let queue = cta_queue(&run.ctas);

        progress("health history");
        let history_table = input.table("health_history")?;
        let hloc = core(history_table);
        let hist_accounts =
            cs_arrow::AccountBatch::new(&history_table.batch, &pipeline, "account_id").map_err(&hloc)?;
        let hist = hist_accounts.table().map_err(&hloc)?;
        let hist_dates = history_table.required("date", history_table.dates("date")?)?;
        let hist_days: Vec<i32> = hist_dates
            .iter()
            .map(|d| cs_core::portfolio::epoch_days(*d))
            .collect();
        let hist_arr = history_table.required("arr", history_table.integers("arr")?)?;
        let options = TrendOptions::default();
        let trends = health_trends(
            &pipeline.scorecard,
            &hist,
            cs_core::portfolio::Column::new("date", &hist_days),
            options,
        )
        .map_err(&hloc)?;
        let history = health_history(
            &pipeline.scorecard,
            &hist,
            cs_core::portfolio::Column::new("date", &hist_days),
            Some(&hist_arr),
        )
        .map_err(&hloc)?
        .mix;
        // The falls of today's customers (a lost account's history ends where it left).
        let customers: std::collections::BTreeSet<&str> = ids.iter().map(String::as_str).collect();
        let current: Vec<&(String, Trend)> = trends
            .iter()
            .filter(|(a, _)| customers.contains(a.as_str()))
            .collect();
        let trend_list: Vec<Trend> = current.iter().map(|(_, t)| t.clone()).collect();
        let fallers: Vec<Faller> = largest_falls(&trend_list, FALLERS)
            .into_iter()
            .map(|i| Faller {
                account_id: current[i].0.clone(),
                trend: current[i].1.clone(),
            })
            .collect();

        progress("NPS and CSAT");
        let survey = input.table("survey")?;
        let sloc = core(survey);
        let answers = ColumnBuf::from(survey.numbers("score")?);
        let answers = answers.as_column("score");
        let dates = survey.required("date", survey.dates("date")?)?;
        // NPS by the table layer's recipe (the one `cs nps` and Python's `nps_by` use).
        let total = nps_total(&survey.batch, "score", MissingAnswers::Reject).map_err(&sloc)?;
        let segment_key = ["segment".to_owned()];
        let table = |by: &[String], period: Option<Granularity>| {
            let spec = NpsBy {
                score: "score",
                by,
                period,
                date: "date",
                missing: MissingAnswers::Reject,
            };
            cs_arrow::nps::nps_by(&survey.batch, &spec).map_err(&sloc)
        };
        let by_seg = table(&segment_key, None)?;
        let quarter = |i: usize| Granularity::Quarter.period_of(dates[i]);
        let by_quarter = table(&[], Some(Granularity::Quarter))?;
        let rows = |t: &cs_arrow::nps::NpsTable, label: &dyn Fn(usize) -> String| -> Vec<NpsRow> {
            t.rows()
                .iter()
                .enumerate()
                .filter_map(|(i, g)| g.nps.map(|n| NpsRow::of(label(i), &n, confidence)))
                .collect()
        };
        let by_quarter = rows(&by_quarter, &|i| {
            by_quarter.rows()[i]
                .key
                .1
                .map(|p| p.to_string())
                .unwrap_or_default()
        });
        let by_seg_rows = rows(&by_seg, &|i| by_seg.labels(i).concat());
        let perceived = ColumnBuf::from(survey.numbers("perceived")?);
        let perceived =
            Calibration::from_columns(perceived.as_column("perceived"), answers).map_err(&sloc)?;
        let ratings = ColumnBuf::from(survey.numbers("csat")?);
        let csat = Csat::from_column(ratings.as_column("csat"), None).map_err(&sloc)?;
        let csat_by_quarter = Csat::by(ratings.as_column("csat"), None, |i| Ok(quarter(i)))
            .map_err(&sloc)?
            .into_iter()
            .map(|(k, c)| (k.to_string(), c))
            .collect();
        let nps = NpsSection {
            total: NpsRow::of("all".into(), &total, confidence),
            by_quarter,
            by_segment: by_seg_rows,
            perceived,
            csat,
            csat_by_quarter,
        };

        progress("revenue retention");
        let start = input.table("arr_start")?;
        let start_snapshot =
            cs_arrow::revenue::snapshot(&start.batch, "account_id", "arr", Some("segment"), true)
                .map_err(core(start))?;
        let end_snapshot =
            cs_arrow::revenue::snapshot(&portfolio.batch, "account_id", "arr", Some("segment"), false)
                .map_err(&loc)?;
        let revenue =
            revenue_retention(&start_snapshot, &end_snapshot).map_err(|e| ReportError(e.to_string()))?;
        let churned = input.table("churned")?;
        let cloc = core(churned);
        let reasons = churned
            .labels("reason")?
            .iter()
            .enumerate()
            .map(|(i, r)| ChurnReason::parse(r).map_err(|e| churned.locate(e.at(i))))
            .collect::<Result<Vec<_>, _>>()?;
        let lost_arr = churned.integers("arr")?;
        let lost_arr = ColumnBuf::from(lost_arr);
        let churn = churn_reasons(&reasons, lost_arr.as_column("arr")).map_err(&cloc)?;
        let retention = RetentionSection {
            revenue,
            churn_reasons: churn,
            churned_accounts: churned.batch.num_rows() as u64,
        };

        progress("survival and cohorts");
        let book = input.table("accounts")?;
        let km = cs_arrow::survival::kaplan_meier_table(
            &book.batch,
            "tenure_months",
            Some("churned"),
            &["segment".to_owned()],
            confidence,
        )
        .map_err(core(book))?;
        let km: Vec<SurvivalGroup<String>> = km
            .curves
            .iter()
            .enumerate()
            .map(|(i, g)| SurvivalGroup {
                key: km.labels(i).concat(),
                estimate: g.estimate.clone(),
            })
            .collect();
        let logrank = (km.len() > 1)
            .then(|| logrank_groups(&km))
            .transpose()
            .map_err(|e| ReportError(format!("{}: {e}", book.source)))?;
        let groups = km
            .iter()
            .map(|g| {
                let k = &g.estimate;
                let band = k.confidence_interval();
                let steps = (0..k.timeline().len())
                    .map(|i| [k.timeline()[i], k.survival()[i], band.lower[i], band.upper[i]])
                    .collect();
                let at = SURVIVAL_AT
                    .iter()
                    .map(|&t| {
                        let i = k.timeline().partition_point(|&x| x <= t);
                        if i == 0 {
                            [t, 1.0, 1.0, 1.0]
                        } else {
                            [t, k.survival()[i - 1], band.lower[i - 1], band.upper[i - 1]]
                        }
                    })
                    .collect();
                SurvivalCurve {
                    group: g.key.clone(),
                    customers: k.subjects(),
                    churned: k.events(),
                    median: k.median(),
                    steps,
                    at,
                }
            })
            .collect();
        let survival = SurvivalSection { groups, logrank };
        let cohort_table = input.table("cohorts")?;
        let names: Vec<String> = cohort_table
            .batch
            .schema()
            .fields()
            .iter()
            .skip(1)
            .map(|f| f.name().clone())
            .collect();
        let mut cohorts = Vec::new();
        for name in names {
            let alive: Vec<u64> = cohort_table
                .integers(&name)?
                .into_iter()
                .enumerate()
                .map_while(|(i, v)| {
                    v.map(|v| {
                        u64::try_from(v).map_err(|_| {
                            cohort_table.locate(cs_core::Error::out_of_range(name.clone(), v, ">= 0").at(i))
                        })
                    })
                })
                .collect::<Result<_, _>>()?;
            let fail =
                |e: cs_core::Error| ReportError(format!("{}, cohort {name}: {e}", cohort_table.source));
            let fit = SbgModel::fit(&alive).map_err(fail)?;
            let periods = u32::try_from(alive.len().saturating_sub(1)).unwrap_or(0) + COHORT_PROJECTION;
            cohorts.push(CohortProjection {
                customers: fit.customers,
                alpha: fit.model.alpha(),
                beta: fit.model.beta(),
                mean_churn: fit.model.mean_churn(),
                observed: SbgModel::observed_survival(&alive).map_err(fail)?,
                projected: fit.model.survival_curve(periods).map_err(fail)?,
                cohort: name,
            });
        }

        progress("entitlement compliance");
        let contracts = input.table("contracts")?;
        let delivered = input.table("delivered")?;
        let (book_of_contracts, compliance) = cs_arrow::compliance::portfolio(
            &contracts.batch,
            &delivered.batch,
            &[],
            as_of,
            &MatchingRules::default(),
        )
        .map_err(|(which, e)| match which {
            cs_core::package::ComplianceInput::Contracts => contracts.locate(e),
            cs_core::package::ComplianceInput::Deliveries => delivered.locate(e),
            cs_core::package::ComplianceInput::Rules => ReportError(e.to_string()),
        })?;
        let everything = vec!["all"; compliance.reports.len()];
        let all = compliance_by(&compliance, &everything)
            .map_err(core(contracts))?
            .into_iter()
            .next()
            .ok_or_else(|| ReportError(format!("{}: no contracts", contracts.source)))?;
        let by_package = compliance_by(&compliance, &book_of_contracts.package).map_err(core(contracts))?;

        progress("onboarding");
        let onboarding = input.table("onboarding")?;
        let cfg = TtfiConfig::default();
        let inputs = TtfiInputs {
            kickoff: "kickoff",
            contract_start: "contract_start",
            first_impact: "first_impact",
        };
        let statuses = ttfi_statuses(&onboarding.batch, as_of, cfg, &inputs).map_err(core(onboarding))?;
        let ttfi = ttfi_summary(&statuses);
        let ttfi_table =
            ttfi_table(&onboarding.batch, &statuses, &["segment".to_owned()]).map_err(core(onboarding))?;
        let ttfi_segments: Vec<TtfiGroup<String>> = ttfi_table
            .summaries()
            .enumerate()
            .map(|(i, s)| TtfiGroup {
                key: ttfi_table.labels(i).concat(),
                summary: s.clone(),
            })
            .collect();
        let overdue = still_onboarding(&statuses).iter().filter(|o| o.overdue).count() as u64;

        progress("accounts");
        let stories = top
            .iter()
            .take(FOLLOWED_ACCOUNTS)
            .map(|r| {
                let i = ids.iter().position(|x| *x == r.account_id).unwrap_or(0);
                let latest_nps = latest_nps_date[i].zip(latest_nps[i]);
                AccountStory {
                    risk: r.clone(),
                    health_score: scores.score.get(i),
                    health_band: scores.band_name(i).map(str::to_owned),
                    health_driver: scores.driver_name(i).map(str::to_owned),
                    trend: trends
                        .iter()
                        .find(|(a, _)| *a == r.account_id)
                        .map(|(_, t)| t.clone()),
                    latest_nps,
                    ctas: run
                        .ctas
                        .iter()
                        .filter(|c| c.account_id == r.account_id)
                        .cloned()
                        .collect(),
                }
            })
            .collect();

        let best = bands.len().saturating_sub(1);
        let headline = Headline {
            accounts: mix.accounts,
            arr: mix.arr,
            currency,
            green_share: mix.band_share.get(best).copied().unwrap_or(0.0),
            green_arr_share: mix.arr_share_by_band.get(best).copied().unwrap_or(0.0),
            nps: nps.total.clone(),
            csat: Some(nps.csat.score()),
            grr: retention.revenue.overall.grr,
            nrr: retention.revenue.overall.nrr,
            logo_churn: retention.revenue.overall.logo_churn,
            arr_at_risk: risk.expected_loss,
            ttfi_median: ttfi.median_days,
            compliance: all.ratio,
        };
        Ok(Review {
            as_of,
            source: input.source.clone(),
            confidence: confidence.level(),
            nps_interval: NPS_METHOD.name().to_owned(),
            headline,
            health: HealthSection {
                scorecard: pipeline.scorecard.name.clone(),
                bands,
                mean,
                mix,
                by_segment,
                history,
                fallers,
                trend_window_days: options.window_days,
            },
            nps,
            renewals: RenewalSection {
                model: run.risk.model.name.clone(),
                upcoming,
                without_review,
                arr_at_risk: risk,
                top,
            },
            retention,
            survival,
            cohorts,
            compliance: ComplianceSection { all, by_package },
            onboarding: OnboardingSection {
                target_days: cfg.target_days,
                total: ttfi,
                by_segment: ttfi_segments,
                overdue,
            },
            ctas: CtaSection {
                playbook: pipeline.playbook.name.clone(),
                total: run.ctas.len() as u64,
                by_owner: queue,
            },
            accounts: stories,
        })
    }
}
