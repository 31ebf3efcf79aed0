//! A history of health measures scored row by row, each row on its own date.

use serde::{Deserialize, Serialize};

use super::table::AccountTable;
use crate::health::Scorecard;
use crate::portfolio::{Column, ColumnBuf, DateLike as _};
use crate::{Error, Result};

/// The score and band index of every row of a history table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryScores {
    /// Scores (null: insufficient data).
    pub score: ColumnBuf<f64>,
    /// Band indexes (null when unscored).
    pub band: ColumnBuf<u8>,
}

/// Scores every row of `table` (one account and date per row, as `cs health-trend` reads)
/// with `card` on the row's own date in `dates`, as [`super::health_trends`] does: the same
/// [`super::explain_row`] per row, so a band history and a trend agree.
///
/// ```
/// use cs_core::health::{Measure, Rule, Scorecard};
/// use cs_core::pipeline::{AccountTable, Cells, score_history};
/// use cs_core::portfolio::Column;
/// let mut card = Scorecard::new("usage only");
/// card.measures.push(Measure::new("usage", 1.0, Rule::Linear { min: 0.0, max: 1.0 }));
/// let ids: Vec<String> = ["a", "a"].map(String::from).to_vec();
/// let usage = [0.9, 0.2];
/// let dates = [20_600, 20_630];
/// let table = AccountTable::new(&ids)?.with("usage", Cells::Number(Column::new("usage", &usage)))?;
/// let h = score_history(&card, &table, Column::new("date", &dates))?;
/// assert_eq!(h.score.get(0), Some(90.0));
/// assert_eq!(h.band.get(1), Some(0)); // 20 is red
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn score_history(
    card: &Scorecard,
    table: &AccountTable<'_>,
    dates: Column<'_, i32>,
) -> Result<HistoryScores> {
    dates.expect_len(table.len())?;
    let mut score = Vec::with_capacity(table.len());
    let mut band = Vec::with_capacity(table.len());
    for i in 0..table.len() {
        let as_of = dates
            .get(i)
            .ok_or_else(|| Error::missing(dates.name()).at(i))?
            .to_date()
            .ok_or_else(|| Error::out_of_range(dates.name(), "day count", "chrono's date range").at(i))?;
        let h = super::explain_row(card, table, i, as_of)?;
        score.push(h.score);
        band.push(h.band_index.map(|b| b as u8));
    }
    Ok(HistoryScores {
        score: ColumnBuf::from(score),
        band: ColumnBuf::from(band),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::{Measure, Rule};
    use crate::pipeline::Cells;

    #[test]
    fn each_row_is_scored_on_its_own_date() {
        // 0.5 on a linear 0..1 rule is 50 points: amber under the default bands.
        let mut card = Scorecard::new("t");
        card.measures
            .push(Measure::new("usage", 1.0, Rule::Linear { min: 0.0, max: 1.0 }));
        let ids: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let usage = [0.5, 1.0, 0.0];
        let table = AccountTable::new(&ids)
            .unwrap()
            .with("usage", Cells::Number(Column::new("usage", &usage)))
            .unwrap();
        let h = score_history(&card, &table, Column::new("date", &[1, 2, 3])).unwrap();
        assert_eq!(h.score.get(0), Some(50.0));
        assert_eq!(h.score.get(1), Some(100.0));
        assert_eq!(h.band.get(1), Some(2));
        assert_eq!(h.band.get(2), Some(0));
        assert!(score_history(&card, &table, Column::new("date", &[1])).is_err());
    }
}
