//! The whole portfolio pipeline per account as one table: health, risk, expected loss, the
//! derived playbook signals and the calls to action of every account, from one
//! [`Pipeline::run`].
//!
//! The result has one row per input row, in input order, so a table split into batches
//! gives, batch by batch, the rows of the whole table (the Spark `portfolio_pipeline` relies
//! on it). Its columns, each present when the pipeline computes it:
//!
//! | column | type | when |
//! | --- | --- | --- |
//! | `account_id` | utf8 | always |
//! | `health_score`, `health_band`, `health_coverage`, `health_driver` | float64, dictionary, float64, dictionary | the table has the scorecard's measures (and no `health_score` of its own) |
//! | `risk`, `log_odds`, `risk_tier`, `reason_k`, `reason_k_contribution` | as [`crate::output::risk_columns`] (`tier` named `risk_tier`) | always |
//! | `expected_loss` | float64 (minor units; null where ARR is null) | the table has `arr` |
//! | `expansion_signal` | bool | the signal is given or derivable |
//! | `notice_deadline` | date32 | the deadline is given or derivable |
//! | `ctas` | list of utf8: the rule ids of the account's new calls to action, in rule order | always |

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{Array, ArrayRef, BooleanArray, Date32Array, Float64Array, RecordBatch, StringArray};
use arrow_buffer::BooleanBuffer;
use arrow_schema::{DataType, Field};
use chrono::NaiveDate;
use cs_core::Result;
use cs_core::pipeline::{Pipeline, PipelineResult};
use cs_core::playbook::OpenCta;
use cs_core::portfolio::{ColumnBuf, epoch_days};

use crate::AccountBatch;
use crate::output::{batch, null_buffer, risk_columns};

/// The per-account table of one pipeline run, and the risk factors left out for want of
/// input (see [`cs_core::pipeline::MissingInputs`]).
#[derive(Debug, Clone)]
pub struct PipelineTable {
    /// One row per account (see the module docs for the columns).
    pub batch: RecordBatch,
    /// The risk factors the model was scored without.
    pub dropped: Vec<String>,
}

/// Rows per block of [`run`]: results are row-independent, and blocks of this size keep one
/// block's intermediate results (its calls to action above all) in cache; one call over 4M
/// accounts was 1.3x slower than the same rows in blocks of 65,536.
const BLOCK_ROWS: usize = 1 << 16;

/// Runs `pipeline` on the account table `table` (account ids in column `account_id`) as of
/// `as_of`, with the calls to action in `open` still open, and returns one row per account.
/// The rows are computed in blocks of 65,536 (every figure is row-independent, so the result
/// is the same as in one block; errors name the row in the whole table).
pub fn run(
    table: &RecordBatch,
    pipeline: &Pipeline,
    account_id: &str,
    as_of: NaiveDate,
    open: &[OpenCta],
) -> Result<PipelineTable> {
    run_in_blocks(table, pipeline, account_id, as_of, open, BLOCK_ROWS)
}

fn run_in_blocks(
    table: &RecordBatch,
    pipeline: &Pipeline,
    account_id: &str,
    as_of: NaiveDate,
    open: &[OpenCta],
    block: usize,
) -> Result<PipelineTable> {
    let run_block = |from: usize, len: usize| -> Result<PipelineTable> {
        let part = table.slice(from, len);
        let accounts = AccountBatch::new(&part, pipeline, account_id).map_err(|e| e.shifted(from))?;
        let result = pipeline
            .run(&accounts.table()?, as_of, open)
            .map_err(|e| e.shifted(from))?;
        let ids = accounts.ids().unwrap_or_default();
        Ok(PipelineTable {
            dropped: result.risk.dropped.clone(),
            batch: per_account(ids, result)?,
        })
    };
    let n = table.num_rows();
    if n <= block {
        return run_block(0, n);
    }
    let mut dropped = Vec::new();
    let mut batches = Vec::with_capacity(n.div_ceil(block));
    for from in (0..n).step_by(block) {
        let part = run_block(from, block.min(n - from))?;
        dropped = part.dropped;
        batches.push(part.batch);
    }
    let schema = batches[0].schema();
    let batch = arrow_select::concat::concat_batches(&schema, &batches)
        .map_err(|e| cs_core::Error::invalid("pipeline table", "blocks", e.to_string()))?;
    Ok(PipelineTable { batch, dropped })
}

/// The per-account columns of a pipeline result over the accounts `ids`.
fn per_account(ids: &[String], result: PipelineResult) -> Result<RecordBatch> {
    let mut columns: Vec<(Field, ArrayRef)> = vec![(
        Field::new("account_id", DataType::Utf8, false),
        Arc::new(StringArray::from_iter_values(ids)),
    )];
    if let Some(health) = result.health {
        let named = ["health_score", "health_band", "health_coverage", "health_driver"];
        let scored = crate::health::score_columns(health, None)?;
        columns.extend(
            scored
                .into_iter()
                .zip(named)
                .map(|((f, a), name)| (f.with_name(name), a)),
        );
    }
    for (f, a) in risk_columns(result.risk.scores)? {
        let f = if f.name() == "tier" {
            f.with_name("risk_tier")
        } else {
            f
        };
        columns.push((f, a));
    }
    if let Some(loss) = result.risk.expected_loss {
        columns.push((
            Field::new("expected_loss", DataType::Float64, true),
            Arc::new(Float64Array::from(loss)),
        ));
    }
    if let Some(signal) = result.signals.expansion_signal {
        columns.push((
            Field::new("expansion_signal", DataType::Boolean, true),
            flags(signal),
        ));
    }
    if let Some(deadline) = result.signals.notice_deadline {
        columns.push((
            Field::new("notice_deadline", DataType::Date32, true),
            dates(deadline),
        ));
    }
    let mut ctas =
        ListBuilder::new(StringBuilder::new()).with_field(Field::new("item", DataType::Utf8, false));
    for row in result.cta_offsets.windows(2) {
        for cta in result.ctas.get(row[0]..row[1]).unwrap_or_default() {
            ctas.values().append_value(&cta.rule_id);
        }
        ctas.append(true);
    }
    let ctas = ctas.finish();
    columns.push((
        Field::new("ctas", ctas.data_type().clone(), false),
        Arc::new(ctas),
    ));
    batch(columns)
}

fn flags(col: ColumnBuf<bool>) -> ArrayRef {
    let len = col.len();
    let (values, bits) = col.into_parts();
    Arc::new(BooleanArray::new(
        BooleanBuffer::from_iter(values),
        null_buffer(bits, len),
    ))
}

fn dates(col: ColumnBuf<NaiveDate>) -> ArrayRef {
    let len = col.len();
    let (values, bits) = col.into_parts();
    let days: Vec<i32> = values.into_iter().map(epoch_days).collect();
    Arc::new(Date32Array::new(days.into(), null_buffer(bits, len)))
}

#[cfg(test)]
mod tests {
    use arrow_array::Int64Array;
    use arrow_array::cast::AsArray;

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Two rows of one account keep their own CTAs; the columns follow the module docs.
    #[test]
    fn one_row_per_input_row_with_its_own_ctas() {
        let ids: ArrayRef = Arc::new(StringArray::from(vec!["acme", "globex", "acme"]));
        let nps: ArrayRef = Arc::new(Int64Array::from(vec![Some(3), Some(10), None]));
        let arr: ArrayRef = Arc::new(Int64Array::from(vec![Some(1_000_000), None, Some(500)]));
        let table = batch(vec![
            (Field::new("account_id", DataType::Utf8, false), ids),
            (Field::new("nps", DataType::Int64, true), nps),
            (Field::new("arr", DataType::Int64, true), arr),
        ])
        .unwrap();
        let pipeline = Pipeline::default();
        let out = run(&table, &pipeline, "account_id", day(2026, 3, 2), &[]).unwrap();
        let b = &out.batch;
        assert_eq!(b.num_rows(), 3);
        let schema = b.schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(&names[..4], ["account_id", "risk", "log_odds", "risk_tier"]);
        assert!(names.contains(&"expected_loss"));
        assert!(
            !names.contains(&"health_score"),
            "no measures, no health: {names:?}"
        );
        assert_eq!(names.last(), Some(&"ctas"));
        assert!(!out.dropped.is_empty(), "the table lacks most risk inputs");

        // The same run through the core: the CTAs of each row are that row's.
        let accounts = AccountBatch::new(&table, &pipeline, "account_id").unwrap();
        let result = pipeline
            .run(&accounts.table().unwrap(), day(2026, 3, 2), &[])
            .unwrap();
        let ctas = b.column_by_name("ctas").unwrap().as_list::<i32>();
        let rule_ids = |i: usize| -> Vec<String> {
            let v = ctas.value(i);
            v.as_string::<i32>()
                .iter()
                .map(|s| s.unwrap().to_owned())
                .collect()
        };
        assert!(
            rule_ids(0).iter().any(|r| r.contains("detractor")),
            "{:?}",
            rule_ids(0)
        );
        assert!(
            rule_ids(1).is_empty(),
            "a promoter without risk: {:?}",
            rule_ids(1)
        );
        let all: Vec<String> = (0..3).flat_map(rule_ids).collect();
        let core: Vec<String> = result.ctas.iter().map(|c| c.rule_id.to_string()).collect();
        assert_eq!(all, core);

        let risk = b
            .column_by_name("risk")
            .unwrap()
            .as_primitive::<arrow_array::types::Float64Type>();
        assert_eq!(risk.values().as_ref(), result.risk.scores.risk.as_slice());
        let loss = b
            .column_by_name("expected_loss")
            .unwrap()
            .as_primitive::<arrow_array::types::Float64Type>();
        assert_eq!(loss.value(0), 1_000_000.0 * result.risk.scores.risk[0]);
        assert!(loss.is_null(1));
    }

    /// Blocks of 7 rows give the table of one block, cell for cell (dictionaries decoded), and
    /// an error names its row in the whole table.
    #[test]
    fn blocks_give_the_table_of_one_block() {
        let as_of = day(2026, 6, 30);
        let p = cs_core::sample::SyntheticPortfolio::generate(300, 7, as_of);
        let table = crate::sample::synthetic_batch(&p).unwrap();
        let pipeline = Pipeline::default();
        let one = run_in_blocks(&table, &pipeline, "account_id", as_of, &[], 1_000).unwrap();
        let blocks = run_in_blocks(&table, &pipeline, "account_id", as_of, &[], 7).unwrap();
        assert_eq!(one.dropped, blocks.dropped);
        assert_eq!(one.batch.schema(), blocks.batch.schema());
        let ctas = one.batch.column_by_name("ctas").unwrap().as_list::<i32>();
        assert!(ctas.values().len() > 10, "the sample opens CTAs");
        for (i, (a, b)) in one.batch.columns().iter().zip(blocks.batch.columns()).enumerate() {
            let plain = |c: &ArrayRef| match c.data_type() {
                DataType::Dictionary(_, value) => arrow_cast::cast(c, value).unwrap(),
                _ => Arc::clone(c),
            };
            assert_eq!(plain(a).to_data(), plain(b).to_data(), "column {i}");
        }
        // A bad NPS answer at row 200 (block 28): the error names row 200.
        let mut nps: Vec<Option<i64>> = vec![Some(5); 300];
        nps[200] = Some(11);
        let bad = batch(vec![
            (
                Field::new("account_id", DataType::Utf8, false),
                Arc::clone(table.column_by_name("account_id").unwrap()),
            ),
            (
                Field::new("nps", DataType::Int64, true),
                Arc::new(Int64Array::from(nps)),
            ),
        ])
        .unwrap();
        let e = run_in_blocks(&bad, &pipeline, "account_id", as_of, &[], 7).unwrap_err();
        assert_eq!(e.position(), Some(200), "{e}");
    }

    /// An empty table gives an empty table of the same columns (Spark derives its schema so).
    #[test]
    fn an_empty_table_has_the_columns_of_a_full_one() {
        let ids: ArrayRef = Arc::new(StringArray::from(Vec::<&str>::new()));
        let table = batch(vec![(Field::new("account_id", DataType::Utf8, false), ids)]).unwrap();
        let out = run(&table, &Pipeline::default(), "account_id", day(2026, 3, 2), &[]).unwrap();
        assert_eq!(out.batch.num_rows(), 0);
        assert!(out.batch.column_by_name("ctas").is_some());
    }
}
