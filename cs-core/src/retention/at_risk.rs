use serde::{Deserialize, Serialize};

use super::KaplanMeier;
use crate::{Error, Result};

/// One column of the numbers-at-risk table printed under a survival plot (see
/// [`KaplanMeier::at_risk`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AtRisk {
    /// The time.
    pub time: f64,
    /// Customers still followed after `time` (tenure > `time`).
    pub at_risk: u64,
    /// Churns up to and including `time` (cumulative from 0).
    pub events: u64,
    /// Censorings up to and including `time` (cumulative from 0).
    pub censored: u64,
}

impl KaplanMeier {
    /// The numbers-at-risk table at chosen `times` (any order, returned in that order), with
    /// the counts of lifelines' `add_at_risk_counts` (its default,
    /// `at_risk_count_from_start_of_period=False`): at each time `t`,
    ///
    /// - `at_risk`: customers whose tenure is longer than `t` (still followed after `t`);
    /// - `events`, `censored`: churns and censorings at any time up to and including `t`,
    ///   cumulative from 0, not per interval between the chosen times;
    ///
    /// so `at_risk + events + censored` is always the number of customers. (R's
    /// `summary(fit, times = ...)` counts differently: `n.risk` is the number with tenure
    /// `>= t` and `n.event` the churns since the previous time listed.)
    ///
    /// Errors: a time that is negative or not a finite number (with its position).
    ///
    /// ```
    /// use cs_core::retention::kaplan_meier;
    /// use cs_core::statistics::Confidence;
    /// // Churns at 2, 5 and 8; censored at 5 and 12.
    /// let km = kaplan_meier(&[2.0, 5.0, 5.0, 8.0, 12.0], &[true, true, false, true, false], Confidence::NINETY_FIVE)?;
    /// let table = km.at_risk(&[0.0, 5.0, 10.0])?;
    /// assert_eq!((table[0].at_risk, table[0].events, table[0].censored), (5, 0, 0));
    /// // By 5: churns at 2 and 5, the censoring at 5; two customers are followed after 5.
    /// assert_eq!((table[1].at_risk, table[1].events, table[1].censored), (2, 2, 1));
    /// assert_eq!((table[2].at_risk, table[2].events, table[2].censored), (1, 3, 1));
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn at_risk(&self, times: &[f64]) -> Result<Vec<AtRisk>> {
        let table = self.table();
        // Cumulative churns and censorings through each row of the life table.
        let cumulative = |column: &[u64]| -> Vec<u64> {
            column
                .iter()
                .scan(0u64, |sum, &x| {
                    *sum += x;
                    Some(*sum)
                })
                .collect()
        };
        let events = cumulative(table.events());
        let censored = cumulative(table.censored());
        let timeline = self.timeline();
        times
            .iter()
            .enumerate()
            .map(|(i, &t)| {
                if !t.is_finite() {
                    return Err(Error::invalid("at-risk time", t, "a time must be a finite number").at(i));
                }
                if t < 0.0 {
                    return Err(Error::out_of_range("at-risk time", t, "0 or more").at(i));
                }
                // The timeline starts at 0 <= t, so at least one row is at or before t.
                let row = timeline.partition_point(|&x| x <= t) - 1;
                Ok(AtRisk {
                    time: t,
                    at_risk: self.subjects() - events[row] - censored[row],
                    events: events[row],
                    censored: censored[row],
                })
            })
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // unwrap reports a failure
mod tests {
    use proptest::prelude::*;

    use crate::retention::kaplan_meier;
    use crate::statistics::Confidence;

    #[test]
    fn zero_durations_and_times_between_rows() {
        // Two customers leave at 0 (one churn, one censored), churns at 1.5 and 3.
        let km = kaplan_meier(
            &[0.0, 0.0, 1.5, 3.0, 4.0],
            &[true, false, true, true, false],
            Confidence::NINETY_FIVE,
        )
        .unwrap();
        let t = km.at_risk(&[3.0, 0.0, 1.0, 99.0]).unwrap();
        let counts: Vec<(f64, u64, u64, u64)> = t
            .iter()
            .map(|r| (r.time, r.at_risk, r.events, r.censored))
            .collect();
        assert_eq!(
            counts,
            [(3.0, 1, 3, 1), (0.0, 3, 1, 1), (1.0, 3, 1, 1), (99.0, 0, 3, 2)]
        );
    }

    #[test]
    fn bad_times_name_their_position() {
        let km = kaplan_meier(&[1.0, 2.0], &[true, true], Confidence::NINETY_FIVE).unwrap();
        let e = km.at_risk(&[1.0, -2.0]).unwrap_err().to_string();
        assert_eq!(e, "at-risk time -2 at position 1 is outside 0 or more");
        assert!(km.at_risk(&[f64::NAN]).is_err());
        assert!(km.at_risk(&[]).unwrap().is_empty());
    }

    proptest! {
        #[test]
        fn counts_add_up_and_follow_the_data(
            rows in proptest::collection::vec((0u32..30, any::<bool>()), 1..100),
            t in 0u32..35,
        ) {
            let d: Vec<f64> = rows.iter().map(|r| f64::from(r.0)).collect();
            let o: Vec<bool> = rows.iter().map(|r| r.1).collect();
            prop_assume!(o.iter().any(|&x| x));
            let km = kaplan_meier(&d, &o, Confidence::NINETY_FIVE).unwrap();
            let r = km.at_risk(&[f64::from(t)]).unwrap()[0];
            let t = f64::from(t);
            // Straight from the rows: tenure > t, churned by t, censored by t.
            let after = d.iter().filter(|&&x| x > t).count() as u64;
            let churned = d.iter().zip(&o).filter(|(x, c)| **x <= t && **c).count() as u64;
            let censored = d.iter().zip(&o).filter(|(x, c)| **x <= t && !**c).count() as u64;
            prop_assert_eq!((r.at_risk, r.events, r.censored), (after, churned, censored));
        }
    }
}
