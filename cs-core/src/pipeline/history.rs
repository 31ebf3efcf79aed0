//! A history of health measures scored row by row, each row on its own date.

use serde::{Deserialize, Serialize};

use super::table::AccountTable;
use crate::health::{BandMix, BandTransitions, RollupInput, Scorecard, band_mix_by, band_transitions};
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

/// The health of a portfolio over time, from dated snapshots: the band mix (accounts and ARR)
/// of each snapshot date and the transitions of accounts between bands from one date to the
/// next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthHistory {
    /// The scorecard's band names, lowest first.
    pub bands: Vec<String>,
    /// One band mix per snapshot date (its `key`, `YYYY-MM-DD`), in date order.
    pub mix: Vec<BandMix>,
    /// Band moves between consecutive snapshot dates.
    pub transitions: BandTransitions,
}

/// The band mix per snapshot date and the transitions between consecutive dates of a history
/// table (one row per account and date): every row scored with `card` on its own date
/// ([`score_history`]), the mix by [`band_mix_by`] on the dates (ARR from `arr` when given) and
/// the moves by [`band_transitions`].
///
/// ```
/// use cs_core::health::{Measure, Rule, Scorecard};
/// use cs_core::pipeline::{AccountTable, Cells, health_history};
/// use cs_core::portfolio::Column;
/// let mut card = Scorecard::new("usage only");
/// card.measures.push(Measure::new("usage", 1.0, Rule::Linear { min: 0.0, max: 1.0 }));
/// let ids: Vec<String> = ["a", "b", "a", "b"].map(String::from).to_vec();
/// let usage = [0.9, 0.3, 0.4, 0.3];
/// let dates = [20_600, 20_600, 20_630, 20_630];
/// let arr = [100_00, 300_00, 100_00, 300_00];
/// let table = AccountTable::new(&ids)?.with("usage", Cells::Number(Column::new("usage", &usage)))?;
/// let h = health_history(&card, &table, Column::new("date", &dates), Some(&arr))?;
/// assert_eq!(h.mix.len(), 2);
/// assert_eq!(h.mix[0].band_counts, [1, 0, 1]); // b red, a green
/// assert_eq!(h.mix[1].arr_by_band[0], 400_00); // both red in the second snapshot
/// assert_eq!(h.transitions.steps[0].counts[2][0], 1); // a fell from green to red
/// assert_eq!(h.transitions.steps[0].moved_share, 0.5);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn health_history(
    card: &Scorecard,
    table: &AccountTable<'_>,
    dates: Column<'_, i32>,
    arr: Option<&[i64]>,
) -> Result<HealthHistory> {
    let scores = score_history(card, table, dates)?;
    let mut days = Vec::with_capacity(table.len());
    for i in 0..table.len() {
        days.push(
            dates
                .get(i)
                .and_then(crate::portfolio::DateLike::to_date)
                .ok_or_else(|| Error::missing(dates.name()).at(i))?,
        );
    }
    if let Some(a) = arr
        && a.len() != table.len()
    {
        return Err(Error::LengthMismatch {
            field: "arr".into(),
            expected: table.len(),
            actual: a.len(),
        });
    }
    let bands: Vec<String> = card.bands.iter().map(|b| b.name.clone()).collect();
    let input = RollupInput {
        score: scores.score.as_column("score"),
        band: scores.band.as_column("band"),
        arr,
        band_count: bands.len(),
    };
    let mix = band_mix_by(&days, input)?;
    let transitions = band_transitions(table.account_id()?, &days, scores.band.as_column("band"), &bands)?;
    Ok(HealthHistory {
        bands,
        mix,
        transitions,
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
