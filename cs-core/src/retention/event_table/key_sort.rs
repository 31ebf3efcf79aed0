//! Sorting of packed 64-bit keys (durations with event flags, scores as sortable integers):
//! one least-significant-digit radix sort per thread's part of the keys, then parallel merges.
//! A sorted array of integers is unique, so the result does not depend on the thread count.

/// Bits per radix digit: 2^11 counters fit in L1 with room for the scatter's write streams.
const DIGIT: u32 = 11;
const BUCKETS: usize = 1 << DIGIT;
const PASSES: usize = 64_usize.div_ceil(DIGIT as usize);
/// Below this many keys a part is sorted by comparison (a radix pass has a fixed cost).
const SMALL: usize = 1 << 12;

/// Sorts `keys` ascending, in parallel over the current rayon pool.
pub(crate) fn sort_keys(keys: &mut [u64]) {
    let mut scratch = vec![0u64; keys.len()];
    let depth = rayon::current_num_threads().next_power_of_two().trailing_zeros();
    sort_parts(keys, &mut scratch, depth);
}

/// Sorts `keys` in `2^depth` parts in parallel, merging pairs of sorted halves through `scratch`.
fn sort_parts(keys: &mut [u64], scratch: &mut [u64], depth: u32) {
    if depth == 0 || keys.len() < 2 * SMALL {
        radix_sort(keys, scratch);
        return;
    }
    let mid = keys.len() / 2;
    {
        let (left, right) = keys.split_at_mut(mid);
        let (sl, sr) = scratch.split_at_mut(mid);
        rayon::join(
            || sort_parts(left, sl, depth - 1),
            || sort_parts(right, sr, depth - 1),
        );
    }
    let (left, right) = keys.split_at(mid);
    merge(left, right, scratch, 1 << depth);
    keys.copy_from_slice(scratch);
}

/// Merges sorted `a` and `b` into `out` (`a.len() + b.len()` long) in `pieces` parallel pieces,
/// cut where the merged order puts the `k`-th output (the merge path's co-ranks).
fn merge(a: &[u64], b: &[u64], out: &mut [u64], pieces: usize) {
    let n = out.len();
    let cuts: Vec<(usize, usize)> = (0..=pieces).map(|p| co_rank(n * p / pieces, a, b)).collect();
    let mut jobs = Vec::with_capacity(pieces);
    let mut rest = out;
    for w in cuts.windows(2) {
        let ((i0, j0), (i1, j1)) = (w[0], w[1]);
        let (mine, tail) = rest.split_at_mut((i1 - i0) + (j1 - j0));
        rest = tail;
        jobs.push((&a[i0..i1], &b[j0..j1], mine));
    }
    rayon::scope(|s| {
        for (a, b, out) in jobs {
            s.spawn(move |_| merge_into(a, b, out));
        }
    });
}

/// `(i, j)` with `i + j = rank` such that the first `rank` merged keys are `a[..i]` and `b[..j]`
/// (ties taken from `a` first).
fn co_rank(rank: usize, a: &[u64], b: &[u64]) -> (usize, usize) {
    let (mut lo, mut hi) = (rank.saturating_sub(b.len()), rank.min(a.len()));
    while lo < hi {
        let from_a = lo + (hi - lo) / 2;
        let from_b = rank - from_a;
        // Too few from `a` when a[from_a] should come before b[from_b - 1].
        if from_b > 0 && from_a < a.len() && a[from_a] <= b[from_b - 1] {
            lo = from_a + 1;
        } else {
            hi = from_a;
        }
    }
    (lo, rank - lo)
}

fn merge_into(a: &[u64], b: &[u64], out: &mut [u64]) {
    let (mut i, mut j) = (0, 0);
    for o in out.iter_mut() {
        let take_a = j >= b.len() || (i < a.len() && a[i] <= b[j]);
        *o = if take_a { a[i] } else { b[j] };
        i += usize::from(take_a);
        j += usize::from(!take_a);
    }
}

/// Least-significant-digit radix sort of `keys` (result in `keys`): the histograms of every
/// digit in one read, then one stable scatter per digit that is not the same for all keys.
fn radix_sort(keys: &mut [u64], scratch: &mut [u64]) {
    if keys.len() < SMALL {
        keys.sort_unstable();
        return;
    }
    let mut counts = vec![[0usize; BUCKETS]; PASSES];
    for &k in keys.iter() {
        for (p, c) in counts.iter_mut().enumerate() {
            c[digit(k, p)] += 1;
        }
    }
    let n = keys.len();
    let mut in_keys = true;
    for (p, c) in counts.iter_mut().enumerate() {
        if c.contains(&n) {
            continue; // every key has this digit: the pass would not move anything
        }
        let mut start = 0;
        for x in c.iter_mut() {
            let count = *x;
            *x = start;
            start += count;
        }
        let (from, to) = if in_keys {
            (&*keys, &mut *scratch)
        } else {
            (&*scratch, &mut *keys)
        };
        for &k in from {
            let d = digit(k, p);
            to[c[d]] = k;
            c[d] += 1;
        }
        in_keys = !in_keys;
    }
    if !in_keys {
        keys.copy_from_slice(scratch);
    }
}

#[inline]
fn digit(k: u64, pass: usize) -> usize {
    ((k >> (pass as u32 * DIGIT)) as usize) & (BUCKETS - 1)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed pool build fails the test
mod tests {
    use super::*;

    fn xorshift(n: usize, mask: u64) -> Vec<u64> {
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                s & mask
            })
            .collect()
    }

    #[test]
    fn sorts_like_the_standard_sort_on_every_thread_count() {
        for (n, mask) in [
            (0, u64::MAX),
            (7, u64::MAX),
            (5000, 0xFF),
            (100_000, u64::MAX),
            (70_001, 0xF0F0_0000_0000_FFFF),
        ] {
            let keys = xorshift(n, mask);
            let mut expected = keys.clone();
            expected.sort_unstable();
            for threads in [1, 2, 3, 4] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let mut got = keys.clone();
                pool.install(|| sort_keys(&mut got));
                assert_eq!(got, expected, "n {n} mask {mask:x} threads {threads}");
            }
        }
    }

    #[test]
    fn co_rank_splits_ties_from_the_left_first() {
        let (a, b) = ([1u64, 2, 2, 3], [2u64, 2, 4]);
        for k in 0..=7 {
            let (i, j) = co_rank(k, &a, &b);
            assert_eq!(i + j, k);
            let mut merged = vec![0; 7];
            merge_into(&a, &b, &mut merged);
            let mut first: Vec<u64> = a[..i].iter().chain(&b[..j]).copied().collect();
            first.sort_unstable();
            assert_eq!(first, merged[..k], "k {k}");
        }
    }
}
