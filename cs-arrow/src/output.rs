//! Core results as Arrow columns and RecordBatches.

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::types::{Int8Type, Int16Type};
use arrow_array::{
    Array, ArrayRef, Date32Array, DictionaryArray, Float64Array, Int8Array, Int16Array, RecordBatch,
    StringArray,
};
use arrow_buffer::{BooleanBuffer, NullBuffer};
use arrow_schema::{DataType, Field, Schema};
use cs_core::playbook::Cta;
use cs_core::portfolio::epoch_days;
use cs_core::renewal::{RiskScores, RiskTier};
use cs_core::{Error, Result};

fn arrow_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::invalid(what, "arrays", e.to_string())
}

/// A validity bitmap (least significant bit first, as [`cs_core::portfolio::ColumnBuf`] keeps
/// it) of `len` rows as an Arrow null buffer, without a copy.
pub(crate) fn null_buffer(bits: Option<Vec<u8>>, len: usize) -> Option<NullBuffer> {
    bits.map(|b| NullBuffer::new(BooleanBuffer::new(arrow_buffer::Buffer::from_vec(b), 0, len)))
}

/// Named columns as a RecordBatch.
pub fn batch(columns: Vec<(Field, ArrayRef)>) -> Result<RecordBatch> {
    let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = columns.into_iter().unzip();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| arrow_error("result table", e))
}

fn dict_type(key: DataType) -> DataType {
    DataType::Dictionary(Box::new(key), Box::new(DataType::Utf8))
}

/// The tier names, in [`RiskTier::ALL`] order (the dictionary of tier columns).
pub fn tier_names() -> ArrayRef {
    Arc::new(StringArray::from_iter_values(RiskTier::ALL.map(RiskTier::as_str)))
}

/// The risk columns of `scores`: `risk`, `log_odds`, `tier` (dictionary) and `reason_1` ..
/// `reason_k` (dictionary of factor names) with `reason_i_contribution` (log-odds).
pub fn risk_columns(scores: RiskScores) -> Result<Vec<(Field, ArrayRef)>> {
    let names: ArrayRef = Arc::new(StringArray::from_iter_values(&scores.factor_names));
    let tier_keys = Int8Array::from(scores.tier.iter().map(|t| t.index() as i8).collect::<Vec<i8>>());
    let tier =
        DictionaryArray::<Int8Type>::try_new(tier_keys, tier_names()).map_err(|e| arrow_error("tier", e))?;
    let mut reason_cols = Vec::with_capacity(2 * scores.ranks.len());
    for (r, rank) in scores.ranks.into_iter().enumerate() {
        // Each rank is already a column: its buffers become the arrays' buffers (the u16
        // factor indices turn into i16 dictionary keys in place; there are at most
        // MAX_FACTORS of them).
        let (factors, bits) = rank.factor.into_parts();
        let len = factors.len();
        let keys: Vec<i16> = factors.into_iter().map(|f| f as i16).collect();
        let nulls = null_buffer(bits, len).filter(|n| n.null_count() > 0);
        let keys = Int16Array::new(keys.into(), nulls.clone());
        let contrib = Float64Array::new(rank.contribution.into(), nulls);
        let factor = DictionaryArray::<Int16Type>::try_new(keys, names.clone())
            .map_err(|e| arrow_error("reason", e))?;
        reason_cols.push((
            Field::new(format!("reason_{}", r + 1), dict_type(DataType::Int16), true),
            Arc::new(factor) as ArrayRef,
        ));
        reason_cols.push((
            Field::new(format!("reason_{}_contribution", r + 1), DataType::Float64, true),
            Arc::new(contrib) as ArrayRef,
        ));
    }
    let mut out = vec![
        (
            Field::new("risk", DataType::Float64, false),
            Arc::new(Float64Array::from(scores.risk)) as ArrayRef,
        ),
        (
            Field::new("log_odds", DataType::Float64, false),
            Arc::new(Float64Array::from(scores.log_odds)) as ArrayRef,
        ),
        (
            Field::new("tier", dict_type(DataType::Int8), false),
            Arc::new(tier),
        ),
    ];
    out.extend(reason_cols);
    Ok(out)
}

/// Calls to action as a table: account_id, rule_id, trigger, priority, created, due,
/// owner_role, steps (list of text) and evidence.
pub fn cta_batch(ctas: &[Cta]) -> Result<RecordBatch> {
    let s = |f: &dyn Fn(&Cta) -> &str| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(ctas.iter().map(f)))
    };
    let d = |f: &dyn Fn(&Cta) -> chrono::NaiveDate| -> ArrayRef {
        Arc::new(Date32Array::from_iter_values(
            ctas.iter().map(|c| epoch_days(f(c))),
        ))
    };
    let mut steps = ListBuilder::new(StringBuilder::new());
    for c in ctas {
        for step in c.steps.iter() {
            steps.values().append_value(step);
        }
        steps.append(true);
    }
    let steps = steps.finish();
    let steps_type = steps.data_type().clone();
    batch(vec![
        (
            Field::new("account_id", DataType::Utf8, false),
            s(&|c| &c.account_id),
        ),
        (Field::new("rule_id", DataType::Utf8, false), s(&|c| &c.rule_id)),
        (Field::new("trigger", DataType::Utf8, false), s(&|c| &c.trigger)),
        (
            Field::new("priority", DataType::Utf8, false),
            s(&|c| c.priority.as_str()),
        ),
        (Field::new("created", DataType::Date32, false), d(&|c| c.created)),
        (Field::new("due", DataType::Date32, false), d(&|c| c.due)),
        (
            Field::new("owner_role", DataType::Utf8, false),
            s(&|c| &c.owner_role),
        ),
        (
            Field::new("steps", steps_type, false),
            Arc::new(steps) as ArrayRef,
        ),
        (Field::new("evidence", DataType::Utf8, false), s(&|c| &c.evidence)),
    ])
}
