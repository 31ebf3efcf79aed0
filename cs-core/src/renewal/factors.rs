use serde::{Deserialize, Serialize};

use crate::nps::Category;
use crate::portfolio::Column;
use crate::{Error, Result};

/// Standard input column names of the risk model, with their encodings. Every input is an
/// `f64` column (null where unknown); the health, NPS, package and onboarding modules produce
/// these values, the caller places them in a [`RiskTable`].
pub mod inputs {
    /// Health score, 0..=100.
    pub const HEALTH_SCORE: &str = "health_score";
    /// Health band index, 0 = the worst band (red), increasing with health.
    pub const HEALTH_BAND: &str = "health_band";
    /// Change of the health score over the trend period, in points (negative: declining).
    pub const HEALTH_DELTA: &str = "health_delta";
    /// Latest NPS category as `nps::Category::index()`: 0 detractor, 1 passive, 2 promoter.
    pub const NPS_CATEGORY: &str = "nps_category";
    /// NPS perceived − actual, in points (positive: the CSM was too optimistic).
    pub const NPS_GAP: &str = "nps_gap";
    /// Licence utilisation / adoption: used ÷ entitled (1.0 = at the limit).
    pub const UTILISATION: &str = "utilisation";
    /// Open high-priority support cases (count).
    pub const OPEN_HIGH_PRIORITY_CASES: &str = "open_high_priority_cases";
    /// Share of entitled success activities not delivered so far, 0..=1.
    pub const UNDER_DELIVERY: &str = "under_delivery";
    /// 1 when First Impact has been reached, 0 when not yet.
    pub const FIRST_IMPACT_REACHED: &str = "first_impact_reached";
    /// 1 when time to First Impact is past its target, else 0.
    pub const TTFI_PAST_TARGET: &str = "ttfi_past_target";
    /// 1 when a success plan has been reviewed with the customer, else 0.
    pub const PLAN_REVIEWED: &str = "plan_reviewed";
    /// 1 when the renewal contact is the confirmed decision maker; 0 or null otherwise.
    pub const CONTACT_CONFIRMED: &str = "contact_confirmed";
    /// Days to the renewal date (negative once passed).
    pub const DAYS_TO_RENEWAL: &str = "days_to_renewal";
    /// ARR change since the last term as a ratio (−0.2 = 20 % contraction).
    pub const ARR_CHANGE: &str = "arr_change";

    /// All standard names.
    pub const ALL: [&str; 14] = [
        HEALTH_SCORE,
        HEALTH_BAND,
        HEALTH_DELTA,
        NPS_CATEGORY,
        NPS_GAP,
        UTILISATION,
        OPEN_HIGH_PRIORITY_CASES,
        UNDER_DELIVERY,
        FIRST_IMPACT_REACHED,
        TTFI_PAST_TARGET,
        PLAN_REVIEWED,
        CONTACT_CONFIRMED,
        DAYS_TO_RENEWAL,
        ARR_CHANGE,
    ];
}

/// A columnar table of risk inputs: named, borrowed `f64` columns of equal length, each with an
/// optional validity bitmap. NaN and infinite values are read as null.
///
/// ```
/// use cs_core::portfolio::Column;
/// use cs_core::renewal::RiskTable;
/// let health = [80.0, 35.0];
/// let table = RiskTable::new(2).with(Column::new("health_score", &health))?;
/// assert_eq!(table.value("health_score", 1), Some(35.0));
/// assert_eq!(table.value("nps_category", 1), None);
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct RiskTable<'a> {
    len: usize,
    columns: Vec<Column<'a, f64>>,
}

impl<'a> RiskTable<'a> {
    /// An empty table of `len` rows.
    pub fn new(len: usize) -> Self {
        RiskTable {
            len,
            columns: Vec::new(),
        }
    }

    /// Adds a column; its length must be the table's and its name new.
    pub fn with(mut self, column: Column<'a, f64>) -> Result<Self> {
        column.expect_len(self.len)?;
        if self.columns.iter().any(|c| c.name() == column.name()) {
            return Err(Error::duplicate("risk table column", column.name()));
        }
        self.columns.push(column);
        Ok(self)
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The column called `name`, if present.
    pub fn column(&self, name: &str) -> Option<Column<'a, f64>> {
        self.columns.iter().find(|c| c.name() == name).copied()
    }

    /// The column names, in insertion order.
    pub fn names(&self) -> Vec<&'a str> {
        self.columns.iter().map(Column::name).collect()
    }

    /// The value of `name` at `row`: `None` when the column is absent, the value null or not
    /// finite.
    pub fn value(&self, name: &str, row: usize) -> Option<f64> {
        self.column(name)
            .and_then(|c| c.get(row))
            .filter(|v| v.is_finite())
    }

    /// The column called `name`, or [`Error::Missing`] naming it.
    pub(crate) fn require(&self, name: &str) -> Result<Column<'a, f64>> {
        self.column(name)
            .ok_or_else(|| Error::missing(format!("risk input column {name}")))
    }
}

/// One account's risk inputs, typed: the per-account shape of a [`RiskTable`] row. `None` means
/// unknown. Each field maps to the standard input name in [`inputs`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AccountFactors {
    /// Health score, 0..=100.
    pub health_score: Option<f64>,
    /// Health band index, 0 = worst (red).
    pub health_band: Option<u8>,
    /// Health score change over the trend period, in points.
    pub health_delta: Option<f64>,
    /// Latest NPS category.
    pub nps_category: Option<Category>,
    /// NPS perceived − actual, in points.
    pub nps_gap: Option<f64>,
    /// Utilisation ratio (1.0 = at the licensed limit).
    pub utilisation: Option<f64>,
    /// Open high-priority support cases.
    pub open_high_priority_cases: Option<u32>,
    /// Share of entitled activities not delivered, 0..=1.
    pub under_delivery: Option<f64>,
    /// Whether First Impact has been reached.
    pub first_impact_reached: Option<bool>,
    /// Whether time to First Impact is past target.
    pub ttfi_past_target: Option<bool>,
    /// Whether a success plan has been reviewed with the customer.
    pub plan_reviewed: Option<bool>,
    /// Whether the renewal contact is the confirmed decision maker.
    pub contact_confirmed: Option<bool>,
    /// Days to renewal.
    pub days_to_renewal: Option<i64>,
    /// ARR change since last term, as a ratio.
    pub arr_change: Option<f64>,
    /// Further named inputs for custom factors.
    pub extra: Vec<(String, f64)>,
}

fn flag(b: Option<bool>) -> Option<f64> {
    b.map(|b| if b { 1.0 } else { 0.0 })
}

impl AccountFactors {
    /// The value of input `name`, encoded as in a [`RiskTable`]; `None` when unknown (or not
    /// finite). Unknown names are looked up in `extra`.
    pub fn value(&self, name: &str) -> Option<f64> {
        let v = match name {
            inputs::HEALTH_SCORE => self.health_score,
            inputs::HEALTH_BAND => self.health_band.map(f64::from),
            inputs::HEALTH_DELTA => self.health_delta,
            inputs::NPS_CATEGORY => self.nps_category.map(|c| c.index() as f64),
            inputs::NPS_GAP => self.nps_gap,
            inputs::UTILISATION => self.utilisation,
            inputs::OPEN_HIGH_PRIORITY_CASES => self.open_high_priority_cases.map(f64::from),
            inputs::UNDER_DELIVERY => self.under_delivery,
            inputs::FIRST_IMPACT_REACHED => flag(self.first_impact_reached),
            inputs::TTFI_PAST_TARGET => flag(self.ttfi_past_target),
            inputs::PLAN_REVIEWED => flag(self.plan_reviewed),
            inputs::CONTACT_CONFIRMED => flag(self.contact_confirmed),
            inputs::DAYS_TO_RENEWAL => self.days_to_renewal.map(|d| d as f64),
            inputs::ARR_CHANGE => self.arr_change,
            other => self.extra.iter().find(|(n, _)| n == other).map(|(_, v)| *v),
        };
        v.filter(|v| v.is_finite())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp, clippy::many_single_char_names)]
mod tests {
    use super::*;

    #[test]
    fn account_factors_encode_like_table_columns() {
        let a = AccountFactors {
            nps_category: Some(Category::Promoter),
            contact_confirmed: Some(false),
            health_score: Some(f64::NAN),
            extra: vec![("seats".into(), 12.0)],
            ..AccountFactors::default()
        };
        assert_eq!(a.value(inputs::NPS_CATEGORY), Some(2.0));
        assert_eq!(a.value(inputs::CONTACT_CONFIRMED), Some(0.0));
        assert_eq!(a.value(inputs::HEALTH_SCORE), None);
        assert_eq!(a.value("seats"), Some(12.0));
        assert_eq!(a.value("nothing"), None);
    }

    #[test]
    fn table_rejects_wrong_length_and_duplicate_names() {
        let a = [1.0, 2.0];
        let b = [1.0];
        assert!(RiskTable::new(2).with(Column::new("x", &b)).is_err());
        let t = RiskTable::new(2).with(Column::new("x", &a)).unwrap();
        assert!(t.clone().with(Column::new("x", &a)).is_err());
        assert_eq!(
            t.require("y").unwrap_err().to_string(),
            "risk input column y is missing"
        );
    }
}
