//! NPS per integer group id: the counting kernel behind grouped tables, where the rows' groups
//! are already dense integers (a table layer's interned keys). One pass over the rows into a
//! count array per group, the same groups and counts as [`super::nps_by`] over the same keys.

use rayon::prelude::*;

use super::{Answer, MissingAnswers, Nps, NpsGroup};
use crate::portfolio::Column;
use crate::{Error, Result};

/// Cells per group in a count array: detractors, passives, promoters, skipped nulls (16 bytes
/// a group, so 200,000 groups stay within a core's L2 cache).
const CELLS: usize = 4;

/// The count cell of each answer: its category.
const CELL_OF: [usize; 11] = [0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2];

/// Rows below which one thread counts everything (the count arrays cost more than they save).
const PARALLEL_ROWS: usize = 1 << 20;

/// NPS per group id: `id(i)` is row `i`'s group, below `groups`. Groups come back in id order;
/// a group no row belongs to is left out, and a group whose answers were all skipped stays with
/// `nps = None` (as in [`super::nps_by`], which this gives the same result as with the ids as
/// keys). The first bad answer in row order is the error, whatever the thread count.
///
/// ```
/// use cs_core::nps::{nps_by_id, MissingAnswers};
/// use cs_core::portfolio::Column;
/// let scores = [10u8, 3, 9, 8];
/// let group = [1usize, 1, 0, 0];
/// let groups = nps_by_id(Column::new("score", &scores), MissingAnswers::Reject, 3, |i| group[i])?;
/// assert_eq!(groups.len(), 2);
/// assert_eq!((groups[0].key, groups[0].nps.unwrap().score()), (0, 50.0));
/// assert_eq!((groups[1].key, groups[1].nps.unwrap().score()), (1, 0.0));
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn nps_by_id<T, F>(
    scores: Column<'_, T>,
    missing: MissingAnswers,
    groups: usize,
    id: F,
) -> Result<Vec<NpsGroup<usize>>>
where
    T: Answer,
    F: Fn(usize) -> usize + Sync,
{
    nps_by_id_blocks(scores, missing, groups, |start, ids| {
        for (k, g) in ids.iter_mut().enumerate() {
            *g = id(start + k) as u64;
        }
    })
}

/// Rows whose group ids [`nps_by_id_blocks`] asks for at once (8 KiB of ids, in L1).
pub const ID_BLOCK: usize = 1024;

/// [`nps_by_id`] with the ids asked for a block of rows at a time: `fill(start, ids)` writes
/// the group ids of rows `start..start + ids.len()` (at most [`ID_BLOCK`] of them), so a table
/// layer computes them in a tight loop over its key columns instead of one call per row, and
/// never holds an id per row. Same groups, counts and errors as [`nps_by_id`].
///
/// ```
/// use cs_core::nps::{nps_by_id_blocks, MissingAnswers};
/// use cs_core::portfolio::Column;
/// let scores = [10u8, 3, 9, 8];
/// let group = [1u64, 1, 0, 0];
/// let groups = nps_by_id_blocks(Column::new("score", &scores), MissingAnswers::Reject, 2, |start, ids| {
///     ids.copy_from_slice(&group[start..start + ids.len()]);
/// })?;
/// assert_eq!((groups[1].key, groups[1].nps.unwrap().score()), (1, 0.0));
/// # Ok::<(), cs_core::Error>(())
/// ```
pub fn nps_by_id_blocks<T, F>(
    scores: Column<'_, T>,
    missing: MissingAnswers,
    groups: usize,
    fill: F,
) -> Result<Vec<NpsGroup<usize>>>
where
    T: Answer,
    F: Fn(usize, &mut [u64]) + Sync,
{
    if scores.is_empty() {
        return Err(Error::empty(scores.name()));
    }
    let cells = groups
        .checked_mul(CELLS)
        .ok_or_else(|| Error::out_of_range("groups", groups, "fewer groups"))?;
    let n = scores.len();
    let threads = if n < PARALLEL_ROWS {
        1
    } else {
        rayon::current_num_threads().clamp(1, n / (PARALLEL_ROWS / 2))
    };
    // Counts of a part are u32: no part has more rows.
    let parts = threads.max(n.div_ceil(u32::MAX as usize));
    let counted: Vec<Result<Vec<u32>>> = (0..parts)
        .into_par_iter()
        .map(|p| {
            let (start, end) = (n * p / parts, n * (p + 1) / parts);
            count(&scores, missing, start..end, &fill, cells)
        })
        .collect();
    // The first part with an error holds the first bad row of all.
    let mut total = vec![0u64; cells];
    for part in counted {
        total
            .iter_mut()
            .zip(&part?)
            .for_each(|(a, &b)| *a += u64::from(b));
    }
    let mut out = Vec::new();
    for (key, c) in total.chunks_exact(CELLS).enumerate() {
        let (detractors, passives, promoters, skipped) = (c[0], c[1], c[2], c[3]);
        if c.iter().all(|&x| x == 0) {
            continue;
        }
        // As `Nps::from_histogram` sums the answers by category.
        let nps = Nps::from_counts(promoters, passives, detractors)
            .ok()
            .map(|n| n.with_skipped(skipped));
        out.push(NpsGroup { key, nps, skipped });
    }
    Ok(out)
}

/// The count array of rows `range`: `counts[id * CELLS + category]`, skipped nulls in the
/// last cell of each group. The ids come a block at a time from `fill`.
fn count<T, F>(
    scores: &Column<'_, T>,
    missing: MissingAnswers,
    range: std::ops::Range<usize>,
    fill: &F,
    cells: usize,
) -> Result<Vec<u32>>
where
    T: Answer,
    F: Fn(usize, &mut [u64]),
{
    let mut counts = vec![0u32; cells];
    let values = scores.values();
    let validity = scores.validity();
    let bad = |i: usize, v: T| Error::out_of_range(scores.name(), v.describe(), "0..=10").at(i);
    let groups = (cells / CELLS) as u64;
    let mut ids = [0u64; ID_BLOCK];
    let mut start = range.start;
    while start < range.end {
        let len = ID_BLOCK.min(range.end - start);
        let ids = &mut ids[..len];
        fill(start, ids);
        for (k, &id) in ids.iter().enumerate() {
            let i = start + k;
            if id >= groups {
                return Err(Error::out_of_range("group id", id, format!("0..{groups}")).at(i));
            }
            let g = id as usize * CELLS;
            let v = values[i];
            if validity.is_some_and(|valid| !valid.is_valid(i)) || v.is_missing() {
                skip(scores, missing, &mut counts[g + CELLS - 1], i)?;
                continue;
            }
            match v.to_score() {
                Some(s) => counts[g + CELL_OF[usize::from(s)]] += 1,
                None => return Err(bad(i, v)),
            }
        }
        start += len;
    }
    Ok(counts)
}

/// A null answer: counted as skipped, or the error naming its row.
fn skip<T: Copy>(scores: &Column<'_, T>, missing: MissingAnswers, skipped: &mut u32, i: usize) -> Result<()> {
    if missing == MissingAnswers::Skip {
        *skipped += 1;
        Ok(())
    } else {
        Err(Error::Missing {
            field: scores.name().to_owned(),
            position: Some(i),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nps::nps_by;
    use crate::portfolio::Validity;

    /// Pseudo-random answers (some null, some NaN) and ids, by a fixed linear congruence.
    fn sample(n: usize) -> (Vec<f64>, Vec<u8>, Vec<usize>) {
        let mut x = 12345u64;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as usize
        };
        let mut scores = Vec::with_capacity(n);
        let mut ids = Vec::with_capacity(n);
        let mut bits = vec![0u8; n.div_ceil(8)];
        for i in 0..n {
            let r = next();
            scores.push(if r % 97 == 0 { f64::NAN } else { (r % 11) as f64 });
            if r % 89 != 0 {
                bits[i / 8] |= 1 << (i % 8);
            }
            ids.push(next() % 1000);
        }
        (scores, bits, ids)
    }

    #[test]
    fn same_groups_as_nps_by_on_any_thread_count() {
        let n = 3 * PARALLEL_ROWS + 17;
        let (scores, bits, ids) = sample(n);
        let col = Column::new("score", &scores)
            .with_validity(Validity::new(&bits, 0, n).unwrap())
            .unwrap();
        let want = nps_by(col, MissingAnswers::Skip, |i| Ok(ids[i])).unwrap();
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let got = pool
                .install(|| nps_by_id(col, MissingAnswers::Skip, 1001, |i| ids[i]))
                .unwrap();
            assert_eq!(got, want, "{threads} threads");
        }
        // The last id (1000) has no rows and is left out; skipped nulls were counted.
        assert_eq!(want.len(), 1000);
        assert!(want.iter().any(|g| g.skipped > 0));
    }

    #[test]
    fn first_bad_row_is_the_error_on_any_thread_count() {
        let n = 2 * PARALLEL_ROWS + 5;
        let mut scores = vec![9i64; n];
        scores[n - 3] = 12;
        scores[n - 1] = -1;
        let col = Column::new("score", &scores);
        let want = nps_by(col, MissingAnswers::Reject, |i| Ok(i % 3)).unwrap_err();
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let got = pool
                .install(|| nps_by_id(col, MissingAnswers::Reject, 3, |i| i % 3))
                .unwrap_err();
            assert_eq!(got.to_string(), want.to_string());
        }
        assert!(
            want.to_string().contains(&format!("position {}", n - 3)),
            "{want}"
        );
        let nulls = [0b10u8];
        let col = Column::new("score", &[9u8, 3])
            .with_validity(Validity::new(&nulls, 0, 2).unwrap())
            .unwrap();
        let e = nps_by_id(col, MissingAnswers::Reject, 1, |_| 0).unwrap_err();
        assert_eq!(
            e.to_string(),
            nps_by(col, MissingAnswers::Reject, |_| Ok(0))
                .unwrap_err()
                .to_string()
        );
        let e = nps_by_id(Column::new("score", &[9u8]), MissingAnswers::Reject, 1, |_| 1).unwrap_err();
        assert!(e.to_string().contains("group id"), "{e}");
    }
}
