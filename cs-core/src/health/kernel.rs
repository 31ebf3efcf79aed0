//! The batch kernel: scores one chunk of rows.
//!
//! Two shapes of the same definition:
//! - the **block path** (the fast one) works a block of [`BLOCK`] rows column at a time: for
//!   each measure a tight loop over its column writes the measure scores (or the missing
//!   policy's substitute) into a scratch buffer and sets the row's presence bit; then per row
//!   the presence pattern selects the effective weights from the plan's [`WeightTable`]
//!   (cached [`Plan::weigh`]) and [`Plan::combine`] adds up the score and driver. Number rules
//!   are resolved once per column ([`NumberScorer`]), and the validity and staleness checks
//!   are skipped for columns without them.
//! - the **row path** reads each measure of a row and calls [`Plan::evaluate`] as the
//!   per-account path does. It runs when the block path cannot: min / max groups or large
//!   cards (no weight table), blocks mixing scorecards, and blocks holding a bad value or a
//!   `fail` measure, which the row path re-runs to report the first error in row order.

use super::plan::{Accumulator, Outcome, Plan, Reading, Slot};
use super::scorer::NumberScorer;
use super::weights::{MAX_MEASURES, PATTERNS, Pattern, WeightTable};
use crate::portfolio::{Column, Validity};
use crate::{Error, Result};

/// Rows per block of the column-at-a-time path (the scratch stays in L1 / L2).
/// A power of two: a row index masked with `BLOCK - 1` needs no bounds check.
pub(crate) const BLOCK: usize = 512;

/// A measure column resolved for the kernel.
pub(crate) enum Source<'a> {
    Number(Column<'a, f64>),
    Bool(Column<'a, bool>),
    Category {
        codes: Column<'a, u32>,
        /// Per plan using the measure, per dictionary entry: the score, `None` if unknown.
        scores: Vec<Vec<Option<f64>>>,
        dictionary: &'a [String],
        name: &'a str,
    },
}

/// One input column with its optional observation dates.
pub(crate) struct Input<'a> {
    pub(crate) source: Source<'a>,
    pub(crate) observed: Option<Column<'a, i32>>,
}

/// Everything the chunks share: plans, their weight tables, the column of each plan measure.
pub(crate) struct Kernel<'k, 'a> {
    pub(crate) plans: &'k [Plan],
    pub(crate) tables: &'k [Option<WeightTable>],
    pub(crate) index: &'k [Vec<usize>],
    pub(crate) inputs: &'k [Input<'a>],
    pub(crate) driver_map: &'k [Vec<u16>],
    pub(crate) assignment: Option<&'k [u16]>,
    pub(crate) today: i32,
    pub(crate) width: usize,
}

/// Output slices of one chunk (or block): values and, for the nullable columns, their
/// validity bits (bit `r` of the slice is row `r`; chunks and blocks start on a byte).
pub(crate) struct Out<'o> {
    pub(crate) score: &'o mut [f64],
    /// Validity of score and band.
    pub(crate) scored: &'o mut [u8],
    pub(crate) band: &'o mut [u8],
    pub(crate) coverage: &'o mut [f64],
    pub(crate) driver: &'o mut [u16],
    /// Validity of driver.
    pub(crate) driven: &'o mut [u8],
}

impl Out<'_> {
    /// Rows `from..to`; `from` is a multiple of 8.
    fn range(&mut self, from: usize, to: usize) -> Out<'_> {
        let bytes = from / 8..to.div_ceil(8);
        Out {
            score: &mut self.score[from..to],
            scored: &mut self.scored[bytes.clone()],
            band: &mut self.band[from..to],
            coverage: &mut self.coverage[from..to],
            driver: &mut self.driver[from..to],
            driven: &mut self.driven[bytes],
        }
    }

    /// Writes row `r` (the row path).
    fn write(&mut self, r: usize, o: Outcome, driver: Option<u16>) {
        self.score[r] = o.score.unwrap_or(0.0);
        self.band[r] = o.band.unwrap_or(0);
        self.coverage[r] = o.coverage;
        self.driver[r] = driver.unwrap_or(0);
        set_bit(self.scored, r, o.score.is_some());
        set_bit(self.driven, r, driver.is_some());
    }
}

fn set_bit(bits: &mut [u8], r: usize, on: bool) {
    if let Some(b) = bits.get_mut(r / 8) {
        let m = 1u8 << (r % 8);
        *b = if on { *b | m } else { *b & !m };
    }
}

/// Stores the validity of rows `first..first + rows` (`first` a multiple of 64, `rows <= 64`)
/// from one word, row `first` in its lowest bit.
#[inline]
fn store_word(bits: &mut [u8], first: usize, rows: usize, word: u64) {
    let from = first / 8;
    let n = rows.div_ceil(8);
    if let Some(dst) = bits.get_mut(from..from + n) {
        dst.copy_from_slice(&word.to_le_bytes()[..n]);
    }
}

/// Scratch of one chunk, allocated once per chunk, never per row.
struct Scratch {
    readings: Vec<Reading>,
    slots: Vec<Slot>,
    /// Measure scores of a block, one [`BLOCK`]-row column per measure.
    scores: Vec<[f64; BLOCK]>,
    /// Presence pattern of each row of a block.
    masks: Vec<u16>,
}

impl Kernel<'_, '_> {
    /// Scores rows `start..start + out.score.len()`.
    pub(crate) fn chunk(&self, start: usize, mut out: Out<'_>) -> Result<()> {
        let mut scratch = Scratch {
            readings: vec![Reading::Missing; self.width],
            slots: vec![Slot::default(); self.width],
            scores: vec![[0.0; BLOCK]; self.width],
            masks: vec![0; BLOCK],
        };
        let len = out.score.len();
        let mut from = 0;
        while from < len {
            let to = (from + BLOCK).min(len);
            let plan = self.block_plan(start + from, start + to);
            let mut block = out.range(from, to);
            let done = match plan.and_then(|k| self.tables[k].as_ref().map(|t| (k, t))) {
                Some((k, table)) => self.block(k, table, start + from, &mut block, &mut scratch),
                None => false,
            };
            if !done {
                self.rows(start + from, &mut block, &mut scratch)?;
            }
            from = to;
        }
        Ok(())
    }

    /// The plan of every row in `from..to`, `None` when the rows mix plans.
    fn block_plan(&self, from: usize, to: usize) -> Option<usize> {
        let Some(a) = self.assignment else {
            return Some(0);
        };
        let rows = &a[from..to];
        let k = *rows.first()?;
        rows.iter().all(|x| *x == k).then_some(usize::from(k))
    }

    /// The block path; false when the block holds a bad value or a failing measure (nothing
    /// is reported: the row path re-runs the block and reports the first error).
    fn block(&self, k: usize, table: &WeightTable, start: usize, out: &mut Out<'_>, s: &mut Scratch) -> bool {
        let plan = &self.plans[k];
        let len = out.score.len();
        let masks = &mut s.masks[..len];
        masks.fill(0);
        let mut ok = true;
        for (i, (&col, scores)) in self.index[k].iter().zip(s.scores.iter_mut()).enumerate() {
            let pass = Pass {
                plan,
                i,
                start,
                today: self.today,
                observed: plan.measures[i]
                    .validity_days
                    .and_then(|d| self.inputs[col].observed.map(|o| (o, i64::from(d)))),
            };
            ok &= pass.run(&self.inputs[col].source, k, &mut scores[..len], masks);
        }
        if !ok || (table.fails() && masks.iter().any(|&m| table.pattern(m).0 == Pattern::Fail)) {
            return false;
        }
        let mut columns = [&s.scores[0]; MAX_MEASURES];
        let mut weights = [table.weights(0); MAX_MEASURES];
        for (i, (c, w)) in columns.iter_mut().zip(weights.iter_mut()).enumerate() {
            *c = s.scores.get(i).unwrap_or(&s.scores[0]);
            *w = table.weights(i.min(plan.measures.len().saturating_sub(1)));
        }
        let sum = Sum {
            plan,
            table,
            columns: &columns,
            weights: &weights,
            masks,
            driver_map: &self.driver_map[k],
        };
        // One copy of the row loop per card size, so the loop over measures is unrolled.
        match plan.measures.len() {
            1 => sum.rows::<1>(out),
            2 => sum.rows::<2>(out),
            3 => sum.rows::<3>(out),
            4 => sum.rows::<4>(out),
            5 => sum.rows::<5>(out),
            6 => sum.rows::<6>(out),
            7 => sum.rows::<7>(out),
            8 => sum.rows::<8>(out),
            9 => sum.rows::<9>(out),
            10 => sum.rows::<10>(out),
            _ => return false,
        }
        true
    }

    /// The row path over rows `start..start + out.score.len()`.
    fn rows(&self, start: usize, out: &mut Out<'_>, s: &mut Scratch) -> Result<()> {
        for r in 0..out.score.len() {
            let row = start + r;
            let k = self.assignment.map_or(0, |a| usize::from(a[row]));
            let plan = &self.plans[k];
            let n = plan.measures.len();
            for (i, (&col, reading)) in self.index[k].iter().zip(s.readings.iter_mut()).enumerate() {
                *reading = self
                    .read(plan, k, i, &self.inputs[col], row)
                    .map_err(|e| e.at(row))?;
            }
            let o = plan
                .evaluate(&s.readings[..n], &mut s.slots[..n])
                .map_err(|i| plan.fail_error(i).at(row))?;
            out.write(r, o, o.driver.map(|i| self.driver_map[k][usize::from(i)]));
        }
        Ok(())
    }

    /// The reading of measure `i` of plan `k` in `row` (the row path).
    #[inline]
    fn read(&self, plan: &Plan, k: usize, i: usize, input: &Input<'_>, row: usize) -> Result<Reading> {
        let present = match &input.source {
            Source::Number(c) => c.get(row).is_some_and(|x| !(x.is_nan() && plan.nan_is_missing)),
            Source::Bool(c) => c.get(row).is_some(),
            Source::Category { codes, .. } => codes.get(row).is_some(),
        };
        if !present {
            return Ok(Reading::Missing);
        }
        if plan.is_stale(i, input.observed.and_then(|o| o.get(row)), self.today)? {
            return Ok(Reading::Stale);
        }
        match &input.source {
            Source::Number(c) => c
                .get(row)
                .map_or(Ok(Reading::Missing), |x| plan.read_number(i, x)),
            Source::Bool(c) => c.get(row).map_or(Ok(Reading::Missing), |x| plan.read_bool(i, x)),
            Source::Category {
                codes,
                scores,
                dictionary,
                name,
            } => {
                let Some(code) = codes.get(row) else {
                    return Ok(Reading::Missing);
                };
                let table = &scores[k];
                match table.get(code as usize) {
                    Some(Some(s)) => Ok(Reading::Score(*s)),
                    Some(None) => {
                        Err(plan
                            .unknown_category(i, dictionary.get(code as usize).map_or("", String::as_str)))
                    }
                    None => Err(Error::out_of_range(
                        format!("column {name} code"),
                        code,
                        format!("0..{}", table.len()),
                    )),
                }
            }
        }
    }
}

/// The dates of a measure without an observation column (never read as dates).
const NO_DATES: [i32; BLOCK] = [0; BLOCK];

/// The second half of the block path: per row, the accumulated score and driver.
struct Sum<'s> {
    plan: &'s Plan,
    table: &'s WeightTable,
    /// The measure score columns (entries past the card's measures repeat the first).
    columns: &'s [&'s [f64; BLOCK]; MAX_MEASURES],
    /// The weight rows of the table, likewise.
    weights: &'s [&'s [f64; PATTERNS]; MAX_MEASURES],
    masks: &'s [u16],
    driver_map: &'s [u16],
}

impl Sum<'_> {
    /// Row by row, measure by measure over the card's `N` measures: the same additions in
    /// the same order as the per-account path; the rows' chains are independent, so they
    /// overlap in the CPU.
    #[inline]
    fn rows<const N: usize>(&self, out: &mut Out<'_>) {
        for (g, masks) in self.masks.chunks(64).enumerate() {
            let (mut scored, mut driven) = (0u64, 0u64);
            for (j, &mask) in masks.iter().enumerate() {
                let r = g * 64 + j;
                let (pattern, coverage) = self.table.pattern(mask);
                let m = WeightTable::index(mask);
                let mut acc = Accumulator::default();
                for i in 0..N {
                    acc.add(i as u16, self.weights[i][m], self.columns[i][r & (BLOCK - 1)]);
                }
                // Unscored patterns have all-zero weights: nothing is lost, no driver.
                let (score, band, driver) = acc.finish(&self.plan.bands);
                let ok = pattern == Pattern::Scored;
                out.coverage[r] = coverage;
                out.score[r] = if ok { score } else { 0.0 };
                out.band[r] = if ok { band } else { 0 };
                let driver = driver.filter(|_| ok);
                out.driver[r] =
                    driver.map_or(0, |d| self.driver_map.get(usize::from(d)).copied().unwrap_or(0));
                scored |= u64::from(ok) << j;
                driven |= u64::from(driver.is_some()) << j;
            }
            store_word(out.scored, g * 64, masks.len(), scored);
            store_word(out.driven, g * 64, masks.len(), driven);
        }
    }
}

/// One measure's column pass over a block.
struct Pass<'p> {
    plan: &'p Plan,
    /// The measure (and presence bit).
    i: usize,
    /// First row of the block.
    start: usize,
    today: i32,
    /// Observation dates and validity days, when the measure can go stale.
    observed: Option<(Column<'p, i32>, i64)>,
}

impl Pass<'_> {
    /// Writes measure `i`'s score (or substitute) of every row into its column `scores` and sets its
    /// presence bit in `masks`; false on a bad value (non-finite number, unknown category,
    /// observation after the scoring date).
    fn run(&self, source: &Source<'_>, k: usize, scores: &mut [f64], masks: &mut [u16]) -> bool {
        let m = &self.plan.measures[self.i];
        let nan_missing = self.plan.nan_is_missing;
        match source {
            Source::Number(c) => {
                let missing = |x: f64| nan_missing && x.is_nan();
                match m.rule.number_scorer(m.direction) {
                    // Scored whether finite or not, then kept only if finite: no branch.
                    Some(NumberScorer::Linear(r)) => self.column(c, scores, masks, missing, |x: f64| {
                        x.is_finite().then_some(r.score(x))
                    }),
                    Some(NumberScorer::Piecewise(r)) => self.column(c, scores, masks, missing, |x: f64| {
                        x.is_finite().then_some(r.score(x))
                    }),
                    Some(NumberScorer::Steps(r)) => self.column(c, scores, masks, missing, |x: f64| {
                        r.score(x).filter(|_| x.is_finite())
                    }),
                    None => false,
                }
            }
            Source::Bool(c) => {
                let (yes, no) = (
                    m.rule.score_bool(true, m.direction),
                    m.rule.score_bool(false, m.direction),
                );
                let (Some(yes), Some(no)) = (yes, no) else {
                    return false;
                };
                self.column(
                    c,
                    scores,
                    masks,
                    |_| false,
                    |b: bool| Some(if b { yes } else { no }),
                )
            }
            Source::Category {
                codes, scores: table, ..
            } => {
                let table = &table[k];
                self.column(
                    codes,
                    scores,
                    masks,
                    |_| false,
                    |code: u32| table.get(code as usize).copied().flatten(),
                )
            }
        }
    }

    /// The generic loop: `missing` says whether a valid value still counts as missing (NaN),
    /// `score` scores a fresh value (`None`: a bad value).
    #[inline]
    fn column<T: Copy + Default>(
        &self,
        col: &Column<'_, T>,
        scores: &mut [f64],
        masks: &mut [u16],
        missing: impl Fn(T) -> bool,
        score: impl Fn(T) -> Option<f64>,
    ) -> bool {
        let bit = 1u16 << self.i;
        let sub = self.plan.substitute(self.i);
        let len = masks.len();
        let values = &col.values()[self.start..self.start + len];
        let rows = scores.iter_mut().zip(masks.iter_mut()).zip(values);
        let mut bad = false;
        match (col.validity(), self.observed) {
            (None, None) => {
                for ((slot, mask), &x) in rows {
                    let fresh = !missing(x);
                    let s = score(if fresh { x } else { T::default() });
                    bad |= fresh & s.is_none();
                    *slot = if fresh { s.unwrap_or(sub) } else { sub };
                    *mask |= if fresh { bit } else { 0 };
                }
            }
            (validity, observed) => {
                // Per 64 rows, the rows with a fresh value as one word (validity, NaN,
                // staleness, future dates: simple loops without branches), then the fast
                // path's scoring loop reading that word. A row without a date, or a measure
                // without dates, is never stale.
                let (dates, date_valid, days) = match observed {
                    Some((d, days)) => (&d.values()[self.start..self.start + len], d.validity(), days),
                    None => (&NO_DATES[..len], None, i64::MAX),
                };
                let today = i64::from(self.today);
                let words =
                    |v: Option<Validity<'_>>, r: usize| v.map_or(u64::MAX, |v| v.word(self.start + r));
                for (g, (((scores, masks), values), dates)) in scores
                    .chunks_mut(64)
                    .zip(masks.chunks_mut(64))
                    .zip(values.chunks(64))
                    .zip(dates.chunks(64))
                    .enumerate()
                {
                    let valid = words(validity, g * 64);
                    let dated = if observed.is_some() {
                        words(date_valid, g * 64)
                    } else {
                        0
                    };
                    let (mut absent, mut stale, mut future) = (0u64, 0u64, 0u64);
                    for (j, &x) in values.iter().enumerate() {
                        absent |= u64::from(missing(x)) << j;
                    }
                    for (j, &o) in dates.iter().enumerate() {
                        stale |= u64::from(today - i64::from(o) > days) << j;
                        future |= u64::from(i64::from(o) > today) << j;
                    }
                    let present = valid & !absent;
                    bad |= present & dated & future != 0;
                    let fresh = present & !(dated & stale);
                    for (j, ((slot, mask), &x)) in
                        scores.iter_mut().zip(masks.iter_mut()).zip(values).enumerate()
                    {
                        let fresh = (fresh >> j) & 1 == 1;
                        let s = score(if fresh { x } else { T::default() });
                        bad |= fresh & s.is_none();
                        *slot = if fresh { s.unwrap_or(sub) } else { sub };
                        *mask |= if fresh { bit } else { 0 };
                    }
                }
            }
        }
        !bad
    }
}

impl Plan {
    /// The score used for measure `i` when it has no fresh value: the policy's substitute, 0
    /// for renormalise (whose weight is then 0) and for fail (an error anyway).
    pub(crate) fn substitute(&self, i: usize) -> f64 {
        match self.measures[i].policy {
            super::scorecard::MissingPolicy::Neutral(v) => v,
            _ => 0.0,
        }
    }
}
