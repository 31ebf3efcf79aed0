//! The synthetic portfolio generator: accounts, their measures and the CSV writer.

use std::fmt::Write as _;
use std::io;

use chrono::{Months, NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};

use crate::health::MeasureColumn;
use crate::portfolio::{Column, Validity, epoch_days};
pub(crate) use crate::statistics::Rng;
use crate::{Error, Result};

/// Customer segment (touch model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Segment {
    /// Many small accounts, digital / pooled touch.
    Community,
    /// Mid-size accounts with a named CSM.
    Enterprise,
    /// The largest accounts, high touch.
    Strategic,
}

impl Segment {
    /// The segment name.
    pub fn name(self) -> &'static str {
        match self {
            Segment::Community => "Community",
            Segment::Enterprise => "Enterprise",
            Segment::Strategic => "Strategic",
        }
    }
}

/// Sales region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Region {
    /// North America.
    NorthAmerica,
    /// Europe, Middle East and Africa.
    Emea,
    /// Asia-Pacific.
    Apac,
    /// Latin America.
    Latam,
}

impl Region {
    /// The region code.
    pub fn name(self) -> &'static str {
        match self {
            Region::NorthAmerica => "NA",
            Region::Emea => "EMEA",
            Region::Apac => "APAC",
            Region::Latam => "LATAM",
        }
    }
}

pub(crate) const CSM_NAMES: [&str; 12] = [
    "Avery Brooks",
    "Jordan Lee",
    "Sam Okafor",
    "Riley Chen",
    "Morgan Diaz",
    "Casey Novak",
    "Taylor Haddad",
    "Jamie Rossi",
    "Drew Nakamura",
    "Quinn Adeyemi",
    "Parker Lindqvist",
    "Robin Sato",
];

/// A synthetic portfolio as columns: entry `i` of every vector is account `i`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyntheticPortfolio {
    /// The seed.
    pub seed: u64,
    /// The date the portfolio describes (no date lies after it).
    pub as_of: NaiveDate,
    /// Account ids, written `ACC-0000042`.
    pub account_id: Vec<u64>,
    /// Segments.
    pub segment: Vec<Segment>,
    /// Regions.
    pub region: Vec<Region>,
    /// CSM, as an index into `csm_names`.
    pub csm: Vec<u16>,
    /// CSM names.
    pub csm_names: Vec<String>,
    /// Annual recurring revenue in minor units (cents).
    pub arr: Vec<i64>,
    /// Contract start dates.
    pub start_date: Vec<NaiveDate>,
    /// Next renewal dates.
    pub renewal_date: Vec<NaiveDate>,
    /// Licences purchased.
    pub licences: Vec<u32>,
    /// Users active in the last 30 days.
    pub active_users: Vec<u32>,
    /// Logins in the last 30 days.
    pub logins_30d: Vec<u32>,
    /// `active_users / licences`.
    pub licence_utilisation: Vec<f64>,
    /// `logins_30d / active_users` (0 without active users).
    pub logins_per_user: Vec<f64>,
    /// Support tickets opened in the last 90 days.
    pub open_tickets: Vec<u32>,
    /// Of which high priority.
    pub high_priority_tickets: Vec<u32>,
    /// Latest NPS answer, if any.
    pub nps: Vec<Option<u8>>,
    /// Date of that answer.
    pub nps_date: Vec<Option<NaiveDate>>,
    /// Days since the CSM's last touch.
    pub days_since_last_touch: Vec<u32>,
    /// Whether an executive sponsor is engaged.
    pub executive_sponsor: Vec<bool>,
}

pub(crate) fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-x))
}

pub(crate) fn logit(p: f64) -> f64 {
    libm::log(p / (1.0 - p))
}

/// The most accounts [`SyntheticPortfolio::try_generate`] makes (about 25 GB of columns).
pub const MAX_ACCOUNTS: usize = 200_000_000;

/// A column buffer that can reserve room (object safe, for the one list of columns).
trait Reserve {
    fn try_reserve_exact_dyn(
        &mut self,
        n: usize,
    ) -> std::result::Result<(), std::collections::TryReserveError>;
    fn reserve_exact_dyn(&mut self, n: usize);
}

impl<T> Reserve for Vec<T> {
    fn try_reserve_exact_dyn(
        &mut self,
        n: usize,
    ) -> std::result::Result<(), std::collections::TryReserveError> {
        self.try_reserve_exact(n)
    }
    fn reserve_exact_dyn(&mut self, n: usize) {
        self.reserve_exact(n);
    }
}

impl SyntheticPortfolio {
    /// Generates `accounts` accounts from `seed`, as of `as_of`.
    ///
    /// Allocates the columns infallibly: a count too large for memory aborts the process
    /// (and one near `usize::MAX` panics on capacity overflow). Sizes that come from users
    /// should go through [`SyntheticPortfolio::try_generate`].
    ///
    /// ```
    /// use cs_core::sample::SyntheticPortfolio;
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    /// let a = SyntheticPortfolio::generate(100, 7, day);
    /// let b = SyntheticPortfolio::generate(10, 7, day);
    /// assert_eq!(a.len(), 100);
    /// assert_eq!(a.arr[..10], b.arr[..]); // the first accounts do not depend on the size
    /// ```
    pub fn generate(accounts: usize, seed: u64, as_of: NaiveDate) -> SyntheticPortfolio {
        let mut p = SyntheticPortfolio::empty(seed, as_of);
        p.reserve(accounts);
        p.fill(accounts);
        p
    }

    /// [`SyntheticPortfolio::generate`] without aborting: more than [`MAX_ACCOUNTS`] accounts
    /// is [`Error::OutOfRange`], and column buffers that cannot be allocated are
    /// [`Error::Invalid`] naming the count. The accounts are those of `generate`.
    ///
    /// ```
    /// use cs_core::sample::{MAX_ACCOUNTS, SyntheticPortfolio};
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    /// assert_eq!(SyntheticPortfolio::try_generate(10, 7, day)?, SyntheticPortfolio::generate(10, 7, day));
    /// assert!(SyntheticPortfolio::try_generate(MAX_ACCOUNTS + 1, 7, day).is_err());
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    pub fn try_generate(accounts: usize, seed: u64, as_of: NaiveDate) -> Result<SyntheticPortfolio> {
        if accounts > MAX_ACCOUNTS {
            return Err(Error::out_of_range(
                "synthetic portfolio accounts",
                accounts,
                format!("0..={MAX_ACCOUNTS}"),
            ));
        }
        let mut p = SyntheticPortfolio::empty(seed, as_of);
        p.try_reserve(accounts).map_err(|e| {
            Error::invalid(
                "synthetic portfolio accounts",
                accounts,
                format!("the columns cannot be allocated ({e})"),
            )
        })?;
        p.fill(accounts);
        Ok(p)
    }

    fn fill(&mut self, accounts: usize) {
        for i in 0..accounts {
            self.push_account(i as u64);
        }
    }

    fn empty(seed: u64, as_of: NaiveDate) -> Self {
        SyntheticPortfolio {
            seed,
            as_of,
            account_id: Vec::new(),
            segment: Vec::new(),
            region: Vec::new(),
            csm: Vec::new(),
            csm_names: CSM_NAMES.iter().map(|s| (*s).to_owned()).collect(),
            arr: Vec::new(),
            start_date: Vec::new(),
            renewal_date: Vec::new(),
            licences: Vec::new(),
            active_users: Vec::new(),
            logins_30d: Vec::new(),
            licence_utilisation: Vec::new(),
            logins_per_user: Vec::new(),
            open_tickets: Vec::new(),
            high_priority_tickets: Vec::new(),
            nps: Vec::new(),
            nps_date: Vec::new(),
            days_since_last_touch: Vec::new(),
            executive_sponsor: Vec::new(),
        }
    }

    /// Reserves room for `n` accounts in every column (the one list of them for both
    /// allocation paths).
    fn try_reserve_with(
        &mut self,
        n: usize,
        mut reserve: impl FnMut(
            &mut dyn Reserve,
            usize,
        ) -> std::result::Result<(), std::collections::TryReserveError>,
    ) -> std::result::Result<(), std::collections::TryReserveError> {
        reserve(&mut self.account_id, n)?;
        reserve(&mut self.segment, n)?;
        reserve(&mut self.region, n)?;
        reserve(&mut self.csm, n)?;
        reserve(&mut self.arr, n)?;
        reserve(&mut self.start_date, n)?;
        reserve(&mut self.renewal_date, n)?;
        reserve(&mut self.licences, n)?;
        reserve(&mut self.active_users, n)?;
        reserve(&mut self.logins_30d, n)?;
        reserve(&mut self.licence_utilisation, n)?;
        reserve(&mut self.logins_per_user, n)?;
        reserve(&mut self.open_tickets, n)?;
        reserve(&mut self.high_priority_tickets, n)?;
        reserve(&mut self.nps, n)?;
        reserve(&mut self.nps_date, n)?;
        reserve(&mut self.days_since_last_touch, n)?;
        reserve(&mut self.executive_sponsor, n)?;
        Ok(())
    }

    fn try_reserve(&mut self, n: usize) -> std::result::Result<(), std::collections::TryReserveError> {
        self.try_reserve_with(n, |v, n| v.try_reserve_exact_dyn(n))
    }

    fn reserve(&mut self, n: usize) {
        let _ = self.try_reserve_with(n, |v, n| {
            v.reserve_exact_dyn(n);
            Ok(())
        });
    }

    fn push_account(&mut self, index: u64) {
        let mut r = Rng::for_account(self.seed, index);
        let h = r.normal();
        let u = r.uniform();
        let (segment, k) = if u < 0.70 {
            (Segment::Community, 0)
        } else if u < 0.93 {
            (Segment::Enterprise, 1)
        } else {
            (Segment::Strategic, 2)
        };
        let u = r.uniform();
        let region = if u < 0.45 {
            Region::NorthAmerica
        } else if u < 0.78 {
            Region::Emea
        } else if u < 0.95 {
            Region::Apac
        } else {
            Region::Latam
        };
        // Community is pooled over CSMs 0-3, Enterprise 4-9, Strategic 10-11.
        let csm = [0u64, 4, 10][k] + r.below([4u64, 6, 2][k]);
        let licences = (r.lognormal([12.0, 150.0, 1500.0][k], [0.7, 0.6, 0.5][k]).round() as u32).max(1);
        let util = logistic(1.0 + 1.1 * h + 0.5 * r.normal());
        let active = ((f64::from(licences) * util).round() as u32).min(licences);
        let rate = libm::exp(libm::log(9.0) + 0.45 * h + 0.35 * r.normal());
        let logins = (f64::from(active) * rate).round() as u32;
        let tickets = r.poisson([1.5, 3.5, 6.0][k] * libm::exp(-0.4 * h));
        let p_high = (0.12 * libm::exp(-0.5 * h)).min(0.6);
        let high = (0..tickets).filter(|_| r.chance(p_high)).count() as u32;
        let answered = r.chance([0.35, 0.55, 0.70][k]);
        let nps_value = libm::round(7.2 + 1.9 * h + 1.6 * r.normal()).clamp(0.0, 10.0) as u8;
        let nps_age = r.below(541);
        let touch = -libm::log(1.0 - r.uniform()) * [75.0, 30.0, 12.0][k] * libm::exp(-0.35 * h);
        let sponsor = r.chance(logistic(logit([0.15, 0.55, 0.85][k]) + 0.8 * h));
        let arr_major = r
            .lognormal([6_000.0, 60_000.0, 400_000.0][k], [0.6, 0.5, 0.4][k])
            .max(100.0);
        let start = self.as_of - TimeDelta::days(30 + r.below(1971) as i64);
        let term = [12u32, 12, 36][k];
        let mut renewal = start;
        let mut months = 0;
        while renewal <= self.as_of {
            months += term;
            renewal = start
                .checked_add_months(Months::new(months))
                .unwrap_or(self.as_of + TimeDelta::days(1));
        }
        self.account_id.push(index + 1);
        self.segment.push(segment);
        self.region.push(region);
        self.csm.push(csm as u16);
        self.arr.push(libm::round(arr_major * 100.0) as i64);
        self.start_date.push(start);
        self.renewal_date.push(renewal);
        self.licences.push(licences);
        self.active_users.push(active);
        self.logins_30d.push(logins);
        self.licence_utilisation
            .push(f64::from(active) / f64::from(licences));
        self.logins_per_user.push(if active > 0 {
            f64::from(logins) / f64::from(active)
        } else {
            0.0
        });
        self.open_tickets.push(tickets);
        self.high_priority_tickets.push(high);
        self.nps.push(answered.then_some(nps_value));
        self.nps_date
            .push(answered.then(|| self.as_of - TimeDelta::days(nps_age as i64)));
        self.days_since_last_touch.push(libm::round(touch) as u32);
        self.executive_sponsor.push(sponsor);
    }

    /// Number of accounts.
    pub fn len(&self) -> usize {
        self.account_id.len()
    }

    /// True when there are no accounts.
    pub fn is_empty(&self) -> bool {
        self.account_id.is_empty()
    }

    /// The measure columns of [`crate::health::Scorecard::default_card`] as owned buffers.
    pub fn measures(&self) -> SyntheticMeasures {
        let f = |v: &[u32]| v.iter().map(|x| f64::from(*x)).collect::<Vec<f64>>();
        let mut nps_valid = vec![0u8; self.len().div_ceil(8)];
        for (i, v) in self.nps.iter().enumerate() {
            if v.is_some() {
                nps_valid[i / 8] |= 1 << (i % 8);
            }
        }
        SyntheticMeasures {
            licence_utilisation: self.licence_utilisation.clone(),
            logins_per_user: self.logins_per_user.clone(),
            high_priority_tickets: f(&self.high_priority_tickets),
            open_tickets: f(&self.open_tickets),
            nps: self.nps.iter().map(|v| v.map_or(0.0, f64::from)).collect(),
            nps_valid,
            nps_date: self.nps_date.iter().map(|d| d.map_or(0, epoch_days)).collect(),
            days_since_last_touch: f(&self.days_since_last_touch),
            executive_sponsor: self.executive_sponsor.clone(),
        }
    }

    /// Writes the portfolio as CSV with a header row (dates ISO 8601, ARR in minor units,
    /// empty cells for missing NPS answers).
    pub fn write_csv<W: io::Write>(&self, mut out: W) -> Result<()> {
        let io_err = |e: io::Error| Error::Parse {
            format: "CSV".into(),
            message: format!("writing synthetic portfolio: {e}"),
        };
        out.write_all(CSV_HEADER.as_bytes()).map_err(io_err)?;
        let mut line = String::with_capacity(256);
        for i in 0..self.len() {
            line.clear();
            let _ = writeln!(
                line,
                "ACC-{:07},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                self.account_id[i],
                self.segment[i].name(),
                self.region[i].name(),
                self.csm_names[usize::from(self.csm[i])],
                self.arr[i],
                self.start_date[i],
                self.renewal_date[i],
                self.licences[i],
                self.active_users[i],
                self.logins_30d[i],
                self.licence_utilisation[i],
                self.logins_per_user[i],
                self.open_tickets[i],
                self.high_priority_tickets[i],
                self.nps[i].map(|v| v.to_string()).unwrap_or_default(),
                self.nps_date[i].map(|d| d.to_string()).unwrap_or_default(),
                self.days_since_last_touch[i],
                self.executive_sponsor[i],
            );
            out.write_all(line.as_bytes()).map_err(io_err)?;
        }
        Ok(())
    }
}

const CSV_HEADER: &str = "account_id,segment,region,csm,arr,start_date,renewal_date,licences,active_users,logins_30d,\
licence_utilisation,logins_per_user,open_tickets,high_priority_tickets,nps,nps_date,days_since_last_touch,executive_sponsor\n";

/// The default scorecard's measure columns of a [`SyntheticPortfolio`], owned, ready to be
/// borrowed as [`MeasureColumn`]s.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticMeasures {
    licence_utilisation: Vec<f64>,
    logins_per_user: Vec<f64>,
    high_priority_tickets: Vec<f64>,
    open_tickets: Vec<f64>,
    nps: Vec<f64>,
    nps_valid: Vec<u8>,
    nps_date: Vec<i32>,
    days_since_last_touch: Vec<f64>,
    executive_sponsor: Vec<bool>,
}

impl SyntheticMeasures {
    /// The columns, named after the default scorecard's measures (NPS with its validity bitmap
    /// and observation dates).
    pub fn columns(&self) -> Result<Vec<MeasureColumn<'_>>> {
        let n = self.nps.len();
        let nps = Column::new("nps", &self.nps).with_validity(Validity::new(&self.nps_valid, 0, n)?)?;
        let nps_date =
            Column::new("nps_date", &self.nps_date).with_validity(Validity::new(&self.nps_valid, 0, n)?)?;
        Ok(vec![
            MeasureColumn::number(
                "licence_utilisation",
                Column::new("licence_utilisation", &self.licence_utilisation),
            ),
            MeasureColumn::number(
                "logins_per_user",
                Column::new("logins_per_user", &self.logins_per_user),
            ),
            MeasureColumn::number(
                "high_priority_tickets",
                Column::new("high_priority_tickets", &self.high_priority_tickets),
            ),
            MeasureColumn::number("open_tickets", Column::new("open_tickets", &self.open_tickets)),
            MeasureColumn::number("nps", nps).with_observed(nps_date),
            MeasureColumn::number(
                "days_since_last_touch",
                Column::new("days_since_last_touch", &self.days_since_last_touch),
            ),
            MeasureColumn::boolean(
                "executive_sponsor",
                Column::new("executive_sponsor", &self.executive_sponsor),
            ),
        ])
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn generator_output_is_pinned() {
        // Golden values: a change here means every seeded portfolio changed.
        let mut r = Rng::for_account(42, 0);
        let first = [r.next_u64(), r.next_u64(), r.next_u64()];
        assert_eq!(
            first,
            [
                1_546_998_764_402_558_742,
                6_990_951_692_964_543_102,
                12_544_586_762_248_559_009
            ]
        );
        let p = SyntheticPortfolio::generate(3, 42, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
        assert_eq!(p.arr, vec![358_558, 770_684, 624_402]);
        assert_eq!(p.licences, vec![10, 3, 70]);
        assert_eq!(p.nps, vec![None, Some(9), Some(6)]);
        let renewal: Vec<String> = p.renewal_date.iter().map(ToString::to_string).collect();
        assert_eq!(renewal, ["2026-09-20", "2027-04-22", "2026-10-22"]);
    }

    #[test]
    fn uniform_and_normal_are_sane() {
        let mut r = Rng::for_account(1, 2);
        let n = 20_000;
        let (mut sum, mut sq) = (0.0, 0.0);
        for _ in 0..n {
            let u = r.uniform();
            assert!((0.0..1.0).contains(&u));
            let z = r.normal();
            sum += z;
            sq += z * z;
        }
        let mean = sum / f64::from(n);
        // Mean within 4 standard errors (4 / sqrt(20000) = 0.028) of 0, variance near 1.
        assert!(mean.abs() < 0.03, "{mean}");
        assert!((sq / f64::from(n) - 1.0).abs() < 0.05);
        let poisson_mean = (0..n).map(|_| f64::from(r.poisson(3.0))).sum::<f64>() / f64::from(n);
        assert!((poisson_mean - 3.0).abs() < 0.06, "{poisson_mean}");
    }
}
