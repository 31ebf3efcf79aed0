use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Largest whole-number duration counted in an array instead of sorted (2^20 periods).
const COUNTING_LIMIT: u64 = 1 << 20;

/// The life table behind a Kaplan-Meier curve: for each distinct time, how many subjects were
/// still at risk just before it, how many had the event (churned) and how many were censored
/// (still active when last seen) at exactly that time.
///
/// The first row is always time 0 with every subject at risk, as in lifelines'
/// `survival_table_from_events` (all subjects enter at time 0). Later rows are the distinct
/// durations in increasing order.
///
/// ```
/// use cs_core::retention::EventTable;
/// let table = EventTable::from_durations(&[3.0, 1.0, 3.0, 5.0], &[true, false, true, false])?;
/// assert_eq!(table.times(), &[0.0, 1.0, 3.0, 5.0]);
/// assert_eq!(table.at_risk(), &[4, 4, 3, 1]);
/// assert_eq!(table.events(), &[0, 0, 2, 0]);
/// assert_eq!(table.censored(), &[0, 1, 0, 1]);
/// # Ok::<(), cs_core::Error>(())
/// ```
///
/// A table read back with serde is checked: equal column lengths, time 0 first, strictly
/// increasing finite times, and counts that add up (each row's at-risk count is the previous
/// one minus the subjects removed there, and every subject is removed by the last row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "EventTableData")]
pub struct EventTable {
    times: Vec<f64>,
    at_risk: Vec<u64>,
    events: Vec<u64>,
    censored: Vec<u64>,
}

/// The serialised form of an [`EventTable`], checked before use.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventTableData {
    times: Vec<f64>,
    at_risk: Vec<u64>,
    events: Vec<u64>,
    censored: Vec<u64>,
}

impl TryFrom<EventTableData> for EventTable {
    type Error = Error;

    fn try_from(d: EventTableData) -> Result<Self> {
        let rows = d.times.len();
        for (field, len) in [
            ("event table at_risk", d.at_risk.len()),
            ("event table events", d.events.len()),
            ("event table censored", d.censored.len()),
        ] {
            if len != rows {
                return Err(Error::LengthMismatch {
                    field: field.into(),
                    expected: rows,
                    actual: len,
                });
            }
        }
        if rows == 0 {
            return Err(Error::empty("event table"));
        }
        if d.times[0] != 0.0 {
            return Err(Error::invalid("event table time", d.times[0], "the first time must be 0").at(0));
        }
        if d.at_risk[0] == 0 {
            return Err(Error::out_of_range("event table at_risk", 0, "1 or more").at(0));
        }
        for i in 0..rows {
            let removed = d.events[i].checked_add(d.censored[i]);
            if removed.is_none_or(|r| r > d.at_risk[i]) {
                return Err(Error::invalid(
                    "event table row",
                    i,
                    "more subjects churned or censored than were at risk",
                ));
            }
            if i > 0 {
                let t = d.times[i];
                if !(t.is_finite() && t > d.times[i - 1]) {
                    return Err(Error::invalid(
                        "event table time",
                        t,
                        "times must be finite and strictly increasing",
                    )
                    .at(i));
                }
                let expected = d.at_risk[i - 1] - d.events[i - 1] - d.censored[i - 1];
                if d.at_risk[i] != expected {
                    return Err(Error::invalid(
                        "event table at_risk",
                        d.at_risk[i],
                        format!("expected {expected}: the previous row's at-risk count less its removals"),
                    )
                    .at(i));
                }
            }
        }
        let last = rows - 1;
        if d.events[last] + d.censored[last] != d.at_risk[last] {
            return Err(Error::invalid(
                "event table row",
                last,
                "subjects are still at risk after the last time",
            ));
        }
        Ok(EventTable {
            times: d.times,
            at_risk: d.at_risk,
            events: d.events,
            censored: d.censored,
        })
    }
}

impl EventTable {
    /// Builds the table from one duration per subject and whether its event (churn) was observed
    /// (`false` = right-censored, e.g. a customer still active).
    ///
    /// Durations must be finite and non-negative. Whole-number durations up to 2^20 (days or
    /// months of tenure) are counted in one pass; other inputs are sorted once (parallel
    /// unstable sort of packed 64-bit keys).
    pub fn from_durations(durations: &[f64], observed: &[bool]) -> Result<Self> {
        check_lengths(durations, observed)?;
        let limit = COUNTING_LIMIT.min(4 * durations.len() as u64 + 1024);
        if let Some(table) = Self::by_counting(durations, observed, limit) {
            return Ok(table);
        }
        validate(durations, observed)?;
        let mut keys = pack(durations, observed);
        keys.par_sort_unstable();
        Ok(Self::from_sorted_keys(&keys))
    }

    /// Builds the table from counts per time: `events[i]` churns and `censored[i]` censored
    /// subjects at `times[i]`, rows in any order, a time repeated any number of times (its
    /// counts are summed), rows with no subject skipped. This is how partial tables merge: the
    /// counts of several parts of a population (Spark partitions, batches) summed per time give
    /// the table [`EventTable::from_durations`] builds from the whole population, the same
    /// integers and times, hence the same Kaplan-Meier curve to the last bit.
    ///
    /// ```
    /// use cs_core::retention::EventTable;
    /// let whole = EventTable::from_durations(&[3.0, 1.0, 3.0, 5.0], &[true, false, true, false])?;
    /// // Two parts: {3 churned, 1 censored} and {3 churned, 5 censored}.
    /// let merged = EventTable::from_counts(&[3.0, 1.0, 5.0, 3.0], &[1, 0, 0, 1], &[0, 1, 1, 0])?;
    /// assert_eq!(merged, whole);
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    ///
    /// Times must be finite and non-negative, the columns of equal length, and there must be
    /// at least one subject; a sum beyond `u64` is [`Error::OutOfRange`].
    pub fn from_counts(times: &[f64], events: &[u64], censored: &[u64]) -> Result<Self> {
        for (field, len) in [("events", events.len()), ("censored", censored.len())] {
            if len != times.len() {
                return Err(Error::LengthMismatch {
                    field: field.into(),
                    expected: times.len(),
                    actual: len,
                });
            }
        }
        let mut rows: Vec<(u64, u64, u64)> = Vec::with_capacity(times.len());
        for (i, ((&t, &e), &c)) in times.iter().zip(events).zip(censored).enumerate() {
            if !t.is_finite() {
                return Err(Error::invalid("time", t, "times must be finite numbers").at(i));
            }
            if t < 0.0 {
                return Err(Error::out_of_range("time", t, "0 or more").at(i));
            }
            if e > 0 || c > 0 {
                // The bits of a non-negative float sort as the float; -0.0 folds into 0.0.
                rows.push(((t + 0.0).to_bits(), e, c));
            }
        }
        rows.sort_unstable_by_key(|r| r.0);
        let too_many = |what: &str| Error::out_of_range(what, "the sum", "a count within u64");
        let mut merged: Vec<(u64, u64, u64)> = Vec::with_capacity(rows.len());
        let mut subjects = 0u64;
        for (t, e, c) in rows {
            subjects = subjects
                .checked_add(e)
                .and_then(|s| s.checked_add(c))
                .ok_or_else(|| too_many("subjects"))?;
            match merged.last_mut() {
                Some(last) if last.0 == t => {
                    last.1 += e;
                    last.2 += c;
                }
                _ => merged.push((t, e, c)),
            }
        }
        if subjects == 0 {
            return Err(Error::empty("event table counts"));
        }
        let mut builder = Builder::with_capacity(subjects, merged.len() + 1);
        for (t, e, c) in merged {
            builder.push(f64::from_bits(t), e + c, e);
        }
        Ok(builder.finish())
    }

    /// The table of subjects whose packed keys (see [`pack_key`]) are sorted ascending.
    ///
    /// The keys are cut into pieces at time boundaries; each piece counts its rows, then
    /// fills its own part of the table in parallel (the subjects at risk at a key are the
    /// keys from it on). Only integer counts are involved, so the table does not depend on
    /// the thread count.
    pub(crate) fn from_sorted_keys(keys: &[u64]) -> Self {
        let n = keys.len();
        // Subjects with rest_a zero duration leave in the time-0 row itself.
        let zeros = keys.partition_point(|&k| k >> 1 == 0);
        let zero_events = keys[..zeros].iter().map(|&k| k & 1).sum::<u64>();
        let pieces = (rayon::current_num_threads() * 4).max(1);
        let mut bounds = vec![zeros];
        for p in 1..pieces {
            let last = bounds[bounds.len() - 1];
            let mut i = (n / pieces * p).max(last + 1);
            while i < n && keys[i] >> 1 == keys[i - 1] >> 1 {
                i += 1;
            }
            if i < n {
                bounds.push(i);
            }
        }
        if bounds[bounds.len() - 1] < n {
            bounds.push(n);
        }
        let ranges: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
        let counts: Vec<usize> = ranges
            .par_iter()
            .map(|&(from, to)| {
                1 + keys[from..to]
                    .windows(2)
                    .filter(|w| w[0] >> 1 != w[1] >> 1)
                    .count()
            })
            .collect();
        let rows = 1 + counts.iter().sum::<usize>();
        let mut times = vec![0.0f64; rows];
        let mut at_risk = vec![0u64; rows];
        let mut events = vec![0u64; rows];
        let mut censored = vec![0u64; rows];
        at_risk[0] = n as u64;
        events[0] = zero_events;
        censored[0] = zeros as u64 - zero_events;
        let mut jobs = Vec::with_capacity(ranges.len());
        let (mut rest_t, mut rest_a, mut rest_e, mut rest_c) = (
            &mut times[1..],
            &mut at_risk[1..],
            &mut events[1..],
            &mut censored[1..],
        );
        for (&(from, to), &len) in ranges.iter().zip(&counts) {
            let (times_0, times_1) = rest_t.split_at_mut(len);
            let (risk_0, risk_1) = rest_a.split_at_mut(len);
            let (events_0, events_1) = rest_e.split_at_mut(len);
            let (censored_0, censored_1) = rest_c.split_at_mut(len);
            (rest_t, rest_a, rest_e, rest_c) = (times_1, risk_1, events_1, censored_1);
            jobs.push((
                &keys[from..to],
                (n - from) as u64,
                times_0,
                risk_0,
                events_0,
                censored_0,
            ));
        }
        jobs.into_par_iter()
            .for_each(|(keys, at_start, times, at_risk, events, censored)| {
                // One branch-free step per key: `row` moves to the next row when the time changes.
                let mut row = 0usize;
                let mut prev = keys[0] >> 1;
                let mut risk = at_start;
                for (i, &k) in keys.iter().enumerate() {
                    let time_bits = k >> 1;
                    let new = time_bits != prev;
                    row += usize::from(new);
                    risk = if new { at_start - i as u64 } else { risk };
                    prev = time_bits;
                    times[row] = f64::from_bits(time_bits);
                    at_risk[row] = risk;
                    events[row] += k & 1;
                    censored[row] += 1 - (k & 1);
                }
            });
        EventTable {
            times,
            at_risk,
            events,
            censored,
        }
    }

    /// The table counted in one pass when every duration is a whole number from 0 to `limit`
    /// (days or months of tenure), `None` as soon as one is not (the caller then validates
    /// and sorts). Each chunk of rows is checked, then counted into a histogram while it is
    /// still in cache; histograms are summed as integers, so the table is the same on any
    /// number of threads. A bin packs removals (low 32 bits) and events (high 32 bits) so a row
    /// costs one branch-free increment; pieces of fewer than 2^32 rows keep them from mixing.
    #[allow(clippy::needless_bitwise_bool)] // branch-free checks: the loop vectorises
    fn by_counting(durations: &[f64], observed: &[bool], limit: u64) -> Option<Self> {
        let mut removed: Vec<u64> = Vec::new();
        let mut events: Vec<u64> = Vec::new();
        let piece = u32::MAX as usize;
        for (durations, observed) in durations.chunks(piece).zip(observed.chunks(piece)) {
            let packed = durations
                .par_chunks(1 << 16)
                .zip(observed.par_chunks(1 << 16))
                .try_fold(Vec::new, |mut h: Vec<u64>, (d, o)| {
                    // Below 2^52, d + 2^52 rounds d to a whole number (the spacing of floats
                    // there is 1), so (d + 2^52) - 2^52 == d exactly when d is whole: three
                    // vector instructions, where `fract` calls libm's `trunc` on baseline
                    // x86-64. NaN fails the equality; negatives fail `d >= 0`; 2^52 and more
                    // (infinity too) fail the limit.
                    const SHIFT: f64 = 4_503_599_627_370_496.0; // 2^52
                    let (mut whole, mut max) = (true, 0.0f64);
                    for &d in d {
                        whole &= ((d + SHIFT) - SHIFT == d) & (d >= 0.0);
                        max = if d > max { d } else { max };
                    }
                    if !whole || max > limit as f64 {
                        return None;
                    }
                    if h.len() <= max as usize {
                        h.resize(max as usize + 1, 0);
                    }
                    for (&d, &o) in d.iter().zip(o) {
                        // Checked above: a whole number within the limit, so the u32
                        // conversion is exact (and one instruction; to u64 it is several).
                        h[d as u32 as usize] += 1 | (u64::from(o) << 32);
                    }
                    Some(h)
                })
                .try_reduce(Vec::new, |a, b| {
                    let (mut long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
                    long.iter_mut().zip(&short).for_each(|(x, y)| *x += y);
                    Some(long)
                })?;
            if removed.len() < packed.len() {
                removed.resize(packed.len(), 0);
                events.resize(packed.len(), 0);
            }
            for ((r, e), &x) in removed.iter_mut().zip(events.iter_mut()).zip(&packed) {
                *r += x & 0xFFFF_FFFF;
                *e += x >> 32;
            }
        }
        let mut builder = Builder::new(durations.len() as u64);
        for (t, (&r, &e)) in removed.iter().zip(&events).enumerate() {
            if r > 0 {
                builder.push(t as f64, r, e);
            }
        }
        Some(builder.finish())
    }

    /// The distinct times, starting with 0.
    pub fn times(&self) -> &[f64] {
        &self.times
    }

    /// Subjects at risk just before each time.
    pub fn at_risk(&self) -> &[u64] {
        &self.at_risk
    }

    /// Events (churns) at each time.
    pub fn events(&self) -> &[u64] {
        &self.events
    }

    /// Censored subjects at each time.
    pub fn censored(&self) -> &[u64] {
        &self.censored
    }

    /// Number of subjects.
    pub fn subjects(&self) -> u64 {
        self.at_risk.first().copied().unwrap_or(0)
    }

    /// Total number of observed events.
    pub fn total_events(&self) -> u64 {
        self.events.iter().sum()
    }

    /// Number of subjects removed (event or censored) at row `i`.
    pub(crate) fn removed(&self, i: usize) -> u64 {
        self.events[i] + self.censored[i]
    }
}

/// Accumulates rows in increasing time order, inserting the time-0 row first.
struct Builder {
    remaining: u64,
    table: EventTable,
}

impl Builder {
    fn new(subjects: u64) -> Self {
        Self::with_capacity(subjects, 1)
    }

    /// A builder whose columns have room for `rows` rows (the time-0 row included).
    fn with_capacity(subjects: u64, rows: usize) -> Self {
        let column = |first: u64| {
            let mut v = Vec::with_capacity(rows);
            v.push(first);
            v
        };
        let mut times = Vec::with_capacity(rows);
        times.push(0.0);
        Builder {
            remaining: subjects,
            table: EventTable {
                times,
                at_risk: column(subjects),
                events: column(0),
                censored: column(0),
            },
        }
    }

    fn push(&mut self, time: f64, removed: u64, events: u64) {
        let t = &mut self.table;
        if time == 0.0 {
            // Subjects with a zero duration leave in the time-0 row itself.
            t.events[0] += events;
            t.censored[0] += removed - events;
        } else {
            t.times.push(time);
            t.at_risk.push(self.remaining);
            t.events.push(events);
            t.censored.push(removed - events);
        }
        self.remaining -= removed;
    }

    fn finish(self) -> EventTable {
        self.table
    }
}

/// Checks that `observed` has one flag per duration and that there is at least one.
fn check_lengths(durations: &[f64], observed: &[bool]) -> Result<()> {
    if observed.len() != durations.len() {
        return Err(Error::LengthMismatch {
            field: "observed".into(),
            expected: durations.len(),
            actual: observed.len(),
        });
    }
    if durations.is_empty() {
        return Err(Error::empty("durations"));
    }
    Ok(())
}

/// Checks lengths, emptiness and that every duration is finite and non-negative.
#[allow(clippy::needless_bitwise_bool)] // branch-free checks: the loop vectorises
pub(crate) fn validate(durations: &[f64], observed: &[bool]) -> Result<()> {
    check_lengths(durations, observed)?;
    // Checked in parallel; on a bad value, a sequential scan reports the first one.
    let ok = durations
        .par_chunks(1 << 16)
        .all(|chunk| chunk.iter().fold(true, |ok, &d| ok & d.is_finite() & (d >= 0.0)));
    if !ok {
        for (i, &d) in durations.iter().enumerate() {
            if !d.is_finite() {
                return Err(Error::invalid("duration", d, "durations must be finite numbers").at(i));
            }
            if d < 0.0 {
                return Err(Error::out_of_range("duration", d, "0 or more").at(i));
            }
        }
    }
    Ok(())
}

/// A duration and its event flag packed into one integer whose order is the order of durations:
/// the bits of a non-negative f64 (63 bits, sign clear) shifted left, event flag in bit 0.
/// `-0.0` is folded into `0.0`.
#[inline]
pub(crate) fn pack_key(duration: f64, observed: bool) -> u64 {
    ((duration + 0.0).to_bits() << 1) | u64::from(observed)
}

fn pack(durations: &[f64], observed: &[bool]) -> Vec<u64> {
    durations
        .par_iter()
        .zip(observed.par_iter())
        .map(|(&d, &o)| pack_key(d, o))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)] // exact expected values; unwrap reports a failure
mod tests {
    use super::*;

    #[test]
    fn counting_and_sorting_paths_agree() {
        let durations = [5.0, 0.0, 2.0, 2.0, 7.0, 5.0, 0.0, 1.0];
        let observed = [true, true, false, true, false, true, false, true];
        let counted = EventTable::from_durations(&durations, &observed).unwrap();
        let mut keys: Vec<u64> = durations
            .iter()
            .zip(&observed)
            .map(|(&d, &o)| pack_key(d, o))
            .collect();
        keys.sort_unstable();
        assert_eq!(counted, EventTable::from_sorted_keys(&keys));
        // Two zero durations (one event, one censored) land in the time-0 row.
        assert_eq!(counted.times(), &[0.0, 1.0, 2.0, 5.0, 7.0]);
        assert_eq!(counted.at_risk(), &[8, 6, 5, 3, 1]);
        assert_eq!(counted.events(), &[1, 1, 1, 2, 0]);
        assert_eq!(counted.censored(), &[1, 0, 1, 0, 1]);
    }

    fn sorted(durations: &[f64], observed: &[bool]) -> EventTable {
        let mut keys: Vec<u64> = durations
            .iter()
            .zip(observed)
            .map(|(&d, &o)| pack_key(d, o))
            .collect();
        keys.sort_unstable();
        EventTable::from_sorted_keys(&keys)
    }

    fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(f)
    }

    /// 300,000 rows: several 65,536-row chunks of the one-pass count.
    fn many_days() -> (Vec<f64>, Vec<bool>) {
        let durations: Vec<f64> = (0..300_000u64).map(|i| ((i * 7_919) % 1_461) as f64).collect();
        let observed: Vec<bool> = (0..300_000u64).map(|i| (i * 31) % 5 < 2).collect();
        (durations, observed)
    }

    #[test]
    fn counting_over_many_chunks_equals_sorting_on_any_thread_count() {
        let (durations, observed) = many_days();
        let expected = sorted(&durations, &observed);
        assert_eq!(expected.times().len(), 1_461);
        for threads in [1, 2, 3, 7] {
            let counted = in_pool(threads, || {
                EventTable::from_durations(&durations, &observed).unwrap()
            });
            assert_eq!(counted, expected, "{threads} threads");
        }
    }

    #[test]
    fn one_late_value_off_the_counting_path_sorts_the_whole_table() {
        // A fraction, a value beyond the counting limit, and 2^53 (whole, far beyond it), each
        // in the last chunk after whole days: the count gives up, the sort gives the table.
        let (mut durations, observed) = many_days();
        for late in [0.5, (COUNTING_LIMIT + 1) as f64, 9_007_199_254_740_992.0] {
            durations[250_000] = late;
            for threads in [1, 3] {
                let table = in_pool(threads, || {
                    EventTable::from_durations(&durations, &observed).unwrap()
                });
                assert_eq!(
                    table,
                    sorted(&durations, &observed),
                    "{late} on {threads} threads"
                );
                assert_eq!(table.times().len(), 1_462, "{late}");
                assert!(table.times().contains(&late), "{late}");
            }
        }
    }

    #[test]
    fn a_late_bad_value_among_whole_days_names_its_row() {
        let (mut durations, observed) = many_days();
        for (bad, message) in [
            (f64::NAN, "duration NaN at position 200000 is invalid"),
            (f64::INFINITY, "duration inf at position 200000 is invalid"),
            (-3.0, "duration -3 at position 200000 is outside 0 or more"),
        ] {
            durations[200_000] = bad;
            for threads in [1, 3] {
                let e = in_pool(threads, || EventTable::from_durations(&durations, &observed)).unwrap_err();
                assert!(e.to_string().starts_with(message), "{e}");
            }
        }
    }

    #[test]
    fn fractional_durations_take_the_sorting_path() {
        let t = EventTable::from_durations(&[0.5, 2.25, 0.5], &[true, true, false]).unwrap();
        assert_eq!(t.times(), &[0.0, 0.5, 2.25]);
        assert_eq!(t.at_risk(), &[3, 3, 1]);
        assert_eq!(t.events(), &[0, 1, 1]);
    }

    #[test]
    fn bad_durations_are_typed_errors() {
        let e = EventTable::from_durations(&[1.0, -2.0], &[true, true]).unwrap_err();
        assert_eq!(e.to_string(), "duration -2 at position 1 is outside 0 or more");
        let e = EventTable::from_durations(&[f64::NAN], &[true]).unwrap_err();
        assert!(e.to_string().starts_with("duration NaN at position 0 is invalid"));
        assert!(matches!(
            EventTable::from_durations(&[1.0], &[true, false]),
            Err(Error::LengthMismatch { .. })
        ));
        assert_eq!(
            EventTable::from_durations(&[], &[]),
            Err(Error::empty("durations"))
        );
    }

    #[test]
    fn serde_round_trip_and_inconsistent_tables_are_rejected() {
        let t = EventTable::from_durations(&[0.0, 1.0, 2.0, 2.0, 5.5], &[true, false, true, true, false])
            .unwrap();
        let text = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<EventTable>(&text).unwrap(), t);
        let bad = |json: &str| serde_json::from_str::<EventTable>(json).unwrap_err().to_string();
        // 3 at risk, 1 removed at 0, so 2 must be at risk at time 1, not 3.
        let e = bad(r#"{"times":[0,1],"at_risk":[3,3],"events":[1,3],"censored":[0,0]}"#);
        assert!(
            e.contains("event table at_risk 3 at position 1 is invalid: expected 2"),
            "{e}"
        );
        let e = bad(r#"{"times":[0,1],"at_risk":[2,2],"events":[0,1],"censored":[0,0]}"#);
        assert!(e.contains("still at risk after the last time"), "{e}");
        let e = bad(r#"{"times":[0,0],"at_risk":[2,2],"events":[0,2],"censored":[0,0]}"#);
        assert!(e.contains("strictly increasing"), "{e}");
        let e = bad(r#"{"times":[1],"at_risk":[1],"events":[1],"censored":[0]}"#);
        assert!(e.contains("the first time must be 0"), "{e}");
        let e = bad(r#"{"times":[0],"at_risk":[1],"events":[1,0],"censored":[0]}"#);
        assert!(e.contains("event table events has 2 rows, expected 1"), "{e}");
        let e = bad(r#"{"times":[0],"at_risk":[1],"events":[2],"censored":[0]}"#);
        assert!(
            e.contains("more subjects churned or censored than were at risk"),
            "{e}"
        );
    }

    #[test]
    fn negative_zero_is_zero() {
        let t = EventTable::from_durations(&[-0.0, 0.5], &[true, true]).unwrap();
        assert_eq!(t.times(), &[0.0, 0.5]);
        assert_eq!(t.events(), &[1, 1]);
    }

    /// The rows of a table as `(time, events, censored)` counts, time 0 included.
    fn counts(t: &EventTable) -> (Vec<f64>, Vec<u64>, Vec<u64>) {
        (t.times().to_vec(), t.events().to_vec(), t.censored().to_vec())
    }

    proptest::proptest! {
        /// The tables of any split of a population, merged by `from_counts`, are the table of
        /// the whole population (both construction paths: counting and sorting).
        #[test]
        fn parts_merged_by_counts_are_the_whole_table(
            rows in proptest::collection::vec((0u32..40, proptest::bool::ANY, 0usize..4, proptest::bool::ANY), 1..300),
        ) {
            let durations: Vec<f64> = rows.iter().map(|r| if r.3 { f64::from(r.0) } else { f64::from(r.0) / 8.0 }).collect();
            let observed: Vec<bool> = rows.iter().map(|r| r.1).collect();
            let whole = EventTable::from_durations(&durations, &observed).unwrap();
            let (mut times, mut events, mut censored) = (Vec::new(), Vec::new(), Vec::new());
            for part in 0..4 {
                let (d, o): (Vec<f64>, Vec<bool>) = rows
                    .iter()
                    .zip(durations.iter().zip(&observed))
                    .filter(|(r, _)| r.2 == part)
                    .map(|(_, (d, o))| (*d, *o))
                    .unzip();
                if d.is_empty() {
                    continue;
                }
                let (t, e, c) = counts(&EventTable::from_durations(&d, &o).unwrap());
                times.extend(t.into_iter().rev());
                events.extend(e.into_iter().rev());
                censored.extend(c.into_iter().rev());
            }
            proptest::prop_assert_eq!(EventTable::from_counts(&times, &events, &censored).unwrap(), whole);
        }
    }

    #[test]
    fn bad_counts_are_typed_errors() {
        let e = EventTable::from_counts(&[1.0, f64::NAN], &[1, 1], &[0, 0]).unwrap_err();
        assert_eq!(e.position(), Some(1));
        assert!(EventTable::from_counts(&[-1.0], &[1], &[0]).is_err());
        assert!(matches!(
            EventTable::from_counts(&[1.0], &[1, 2], &[0]).unwrap_err(),
            Error::LengthMismatch { .. }
        ));
        assert!(matches!(
            EventTable::from_counts(&[1.0], &[0], &[0]).unwrap_err(),
            Error::Empty { .. }
        ));
        assert!(EventTable::from_counts(&[1.0, 2.0], &[u64::MAX, 1], &[0, 0]).is_err());
        // -0.0 and 0.0 are one time.
        let t = EventTable::from_counts(&[-0.0, 0.0, 2.0], &[1, 1, 0], &[0, 0, 1]).unwrap();
        assert_eq!(
            (t.times(), t.events(), t.censored()),
            (&[0.0, 2.0][..], &[2, 0][..], &[0, 1][..])
        );
    }
}
