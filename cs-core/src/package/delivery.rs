use std::collections::{BTreeMap, HashMap};

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Activity, Channel, DateRange};
use crate::portfolio::{Column, Granularity, Period};
use crate::{Error, Result};

/// One delivered activity from the CSM's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveredActivity {
    /// The day it happened.
    pub date: NaiveDate,
    /// What was delivered.
    pub activity: Activity,
    /// Through which channel.
    pub channel: Channel,
    /// Duration in minutes (0 when unknown or not applicable, e.g. an email).
    #[serde(default)]
    pub minutes: u32,
    /// Number of customer participants (0 when unknown).
    #[serde(default)]
    pub participants: u32,
}

impl DeliveredActivity {
    /// A delivered activity.
    pub fn new(
        date: NaiveDate,
        activity: Activity,
        channel: Channel,
        minutes: u32,
        participants: u32,
    ) -> Self {
        DeliveredActivity {
            date,
            activity,
            channel,
            minutes,
            participants,
        }
    }

    /// A delivered activity from activity and channel names (see [`Activity::parse`] and
    /// [`Channel::parse`]); unknown names are [`crate::Error::Unknown`] naming the value.
    pub fn parse(
        date: NaiveDate,
        activity: &str,
        channel: &str,
        minutes: u32,
        participants: u32,
    ) -> Result<Self> {
        Ok(DeliveredActivity::new(
            date,
            Activity::parse(activity)?,
            Channel::parse(channel)?,
            minutes,
            participants,
        ))
    }

    /// True when the customer took part: neither the channel nor the activity is internal.
    pub fn is_with_customer(&self) -> bool {
        self.channel != Channel::Internal && !self.activity.is_internal()
    }
}

/// A delivery log from columns, one row per delivery (the shape of a table or CSV file).
///
/// Activity and channel names are parsed with [`Activity::parse`] and [`Channel::parse`]
/// (each distinct name once); a null minutes or participants value counts as 0. Errors: a
/// column whose length differs from `date`'s, an unknown activity or channel name.
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::package::{delivered_from_columns, Activity, Channel};
/// use cs_core::portfolio::Column;
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let log = delivered_from_columns(
///     &[d(1, 20), d(3, 2)],
///     &["kickoff", "QBR"],
///     &["on-site", "virtual"],
///     Column::new("minutes", &[90, 45]),
///     Column::new("participants", &[4, 2]),
/// )?;
/// assert_eq!(log[1].activity, Activity::SuccessReview);
/// assert_eq!(log[1].channel, Channel::VirtualMeeting);
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn delivered_from_columns<S: AsRef<str>>(
    date: &[NaiveDate],
    activity: &[S],
    channel: &[S],
    minutes: Column<'_, u32>,
    participants: Column<'_, u32>,
) -> Result<Vec<DeliveredActivity>> {
    let rows = date.len();
    for (field, len) in [("activity", activity.len()), ("channel", channel.len())] {
        if len != rows {
            return Err(Error::LengthMismatch {
                field: field.into(),
                expected: rows,
                actual: len,
            });
        }
    }
    minutes.expect_len(rows)?;
    participants.expect_len(rows)?;
    // Names repeat across millions of rows: parse each distinct one once.
    let mut activities: HashMap<&str, Activity> = HashMap::new();
    let mut channels: HashMap<&str, Channel> = HashMap::new();
    let mut out = Vec::with_capacity(rows);
    for i in 0..rows {
        let name = activity[i].as_ref();
        let a = match activities.get(name) {
            Some(&known) => known,
            None => *activities
                .entry(name)
                .or_insert(Activity::parse(name).map_err(|e| e.at(i))?),
        };
        let name = channel[i].as_ref();
        let c = match channels.get(name) {
            Some(&known) => known,
            None => *channels
                .entry(name)
                .or_insert(Channel::parse(name).map_err(|e| e.at(i))?),
        };
        out.push(DeliveredActivity::new(
            date[i],
            a,
            c,
            minutes.get(i).unwrap_or(0),
            participants.get(i).unwrap_or(0),
        ));
    }
    Ok(out)
}

/// Time spent with the customer in one calendar period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeWithCustomer {
    /// The period.
    pub period: Period,
    /// Customer-facing deliveries in the period.
    pub touches: u32,
    /// Their minutes.
    pub minutes: u64,
    /// Σ minutes × participants (person-minutes of customer time).
    pub participant_minutes: u64,
}

/// Time spent with the customer per calendar period, from a delivery log.
///
/// Only customer-facing deliveries count ([`DeliveredActivity::is_with_customer`]). With a
/// `range`, every period overlapping it is reported (zero when nothing happened: a month
/// without contact is information) and only deliveries in the range count; without one, the
/// periods run from the first to the last customer-facing delivery.
///
/// ```
/// use chrono::NaiveDate;
/// use cs_core::package::{time_with_customer, Activity, Channel, DeliveredActivity};
/// use cs_core::portfolio::Granularity;
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let log = [
///     DeliveredActivity::new(d(1, 20), Activity::Kickoff, Channel::OnSite, 90, 4),
///     DeliveredActivity::new(d(3, 2), Activity::CheckIn, Channel::Phone, 30, 1),
/// ];
/// let t = time_with_customer(&log, Granularity::Month, None);
/// assert_eq!(t.iter().map(|p| p.minutes).collect::<Vec<_>>(), vec![90, 0, 30]);
/// assert_eq!(t[0].participant_minutes, 360);
/// ```
pub fn time_with_customer(
    delivered: &[DeliveredActivity],
    granularity: Granularity,
    range: Option<DateRange>,
) -> Vec<TimeWithCustomer> {
    let counted = delivered
        .iter()
        .filter(|d| d.is_with_customer() && range.is_none_or(|r| r.contains(d.date)));
    let mut by_period: BTreeMap<Period, TimeWithCustomer> = BTreeMap::new();
    for d in counted.clone() {
        let period = granularity.period_of(d.date);
        let entry = by_period.entry(period).or_insert_with(|| empty(period));
        entry.touches += 1;
        entry.minutes += u64::from(d.minutes);
        entry.participant_minutes += u64::from(d.minutes) * u64::from(d.participants);
    }
    let bounds = match range {
        Some(r) => Some((r.from(), r.to())),
        None => counted
            .clone()
            .map(|d| d.date)
            .min()
            .zip(counted.map(|d| d.date).max()),
    };
    let Some((first, last)) = bounds else {
        return Vec::new();
    };
    let step = match granularity {
        Granularity::Month => 1,
        Granularity::Quarter => 3,
        Granularity::Year => 12,
    };
    let last_period = granularity.period_of(last);
    let mut out = Vec::new();
    let mut period = granularity.period_of(first);
    loop {
        out.push(by_period.get(&period).copied().unwrap_or_else(|| empty(period)));
        let next = period
            .start()
            .and_then(|s| s.checked_add_months(Months::new(step)));
        match next {
            Some(n) if period < last_period => period = granularity.period_of(n),
            _ => break,
        }
    }
    out
}

fn empty(period: Period) -> TimeWithCustomer {
    TimeWithCustomer {
        period,
        touches: 0,
        minutes: 0,
        participant_minutes: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn internal_work_is_not_time_with_the_customer() {
        let log = [
            DeliveredActivity::new(
                d(2026, 2, 1),
                Activity::InternalRenewalReview,
                Channel::Internal,
                60,
                0,
            ),
            DeliveredActivity::new(
                d(2026, 2, 3),
                Activity::FeedbackMonitoring,
                Channel::VirtualMeeting,
                20,
                0,
            ),
            DeliveredActivity::new(
                d(2026, 2, 9),
                Activity::SuccessReview,
                Channel::VirtualMeeting,
                45,
                2,
            ),
        ];
        let t = time_with_customer(&log, Granularity::Quarter, None);
        assert_eq!(t.len(), 1);
        assert_eq!(
            (t[0].touches, t[0].minutes, t[0].participant_minutes),
            (1, 45, 90)
        );
        assert_eq!(t[0].period.to_string(), "2026-Q1");
    }

    #[test]
    fn range_reports_every_period_even_empty_ones() {
        let log = [DeliveredActivity::new(
            d(2026, 5, 1),
            Activity::CheckIn,
            Channel::Phone,
            15,
            1,
        )];
        let r = DateRange::new(d(2026, 1, 15), d(2026, 12, 31)).unwrap();
        let t = time_with_customer(&log, Granularity::Month, Some(r));
        assert_eq!(t.len(), 12);
        assert_eq!(t[4].minutes, 15);
        assert_eq!(t.iter().map(|p| p.minutes).sum::<u64>(), 15);
        assert!(time_with_customer(&[], Granularity::Month, None).is_empty());
    }

    #[test]
    fn columns_become_a_log_with_nulls_as_zero() {
        use crate::portfolio::Validity;
        let bits = [0b01u8];
        let log = delivered_from_columns(
            &[d(2026, 1, 20), d(2026, 3, 2)],
            &["kickoff", "check in"],
            &["on_site", "call"],
            Column::new("minutes", &[90, 7])
                .with_validity(Validity::new(&bits, 0, 2).unwrap())
                .unwrap(),
            Column::new("participants", &[4, 1]),
        )
        .unwrap();
        assert_eq!(
            log[1],
            DeliveredActivity::new(d(2026, 3, 2), Activity::CheckIn, Channel::Phone, 0, 1)
        );
        let e = delivered_from_columns(
            &[d(2026, 1, 20)],
            &["kickoff", "kickoff"],
            &["on_site"],
            Column::new("minutes", &[1]),
            Column::new("participants", &[1]),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "column activity has 2 rows, expected 1");
        let e = delivered_from_columns(
            &[d(2026, 1, 20)],
            &["golf_day"],
            &["on_site"],
            Column::new("minutes", &[1]),
            Column::new("participants", &[1]),
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("unknown activity \"golf_day\""), "{e}");
    }

    #[test]
    fn parse_names_unknown_values() {
        let e = DeliveredActivity::parse(d(2026, 1, 1), "review", "phone", 0, 0).unwrap_err();
        assert!(e.to_string().starts_with("unknown activity \"review\""));
        let e = DeliveredActivity::parse(d(2026, 1, 1), "check-in", "pigeon", 0, 0).unwrap_err();
        assert!(e.to_string().starts_with("unknown channel \"pigeon\""));
    }
}
