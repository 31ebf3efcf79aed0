//! Shared helpers of the benchmarks: deterministic inputs and the "floor" loops that a kernel is
//! measured against (the least work that reads the same bytes and writes the same outputs).

/// A deterministic generator (`SplitMix64`) so every run of a benchmark sees the same rows.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The best time of `repeat` (at least one) calls of `f`, in milliseconds, with the last
/// call's result (each result passes through `black_box`, so no call is optimised away).
pub fn best<T>(repeat: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut call = || {
        let start = std::time::Instant::now();
        let r = std::hint::black_box(f());
        (start.elapsed().as_secs_f64() * 1e3, r)
    };
    let (mut ms, mut out) = call();
    for _ in 1..repeat {
        let (t, r) = call();
        ms = ms.min(t);
        out = r;
    }
    (ms, out)
}

/// `n` NPS answers 0..=10 from a fixed xorshift stream (the same bytes on every run).
pub fn answers(n: usize) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ((state >> 32) % 11) as u8
        })
        .collect()
}

/// The floor of NPS counting: one pass that only counts the bytes in a 256-bin histogram.
pub fn count_bytes_floor(bytes: &[u8]) -> [u64; 256] {
    let mut bins = [0u64; 256];
    for &b in bytes {
        bins[usize::from(b)] += 1;
    }
    bins
}

/// The floor of batch health scoring: one pass over the same measure columns (values,
/// validity, observation dates) that writes the same outputs per row (values and validity
/// bits, into the same zeroed buffers), with the same fixed chunking over the current rayon
/// pool, but no scoring: each row's "score" is the sum of its present values.
pub fn health_floor(columns: &[cs_core::health::MeasureColumn<'_>]) -> cs_core::health::BatchScores {
    use cs_core::health::{BATCH_CHUNK, BatchScores, MeasureData};
    use cs_core::portfolio::ColumnBuf;
    use rayon::prelude::*;

    let rows = columns.first().map_or(0, |c| match c.data {
        MeasureData::Number(v) => v.len(),
        MeasureData::Bool(v) => v.len(),
        MeasureData::Category { codes, .. } => codes.len(),
    });
    let mut out = BatchScores {
        score: ColumnBuf::nulls(rows),
        band: ColumnBuf::nulls(rows),
        coverage: vec![0.0; rows],
        driver: ColumnBuf::nulls(rows),
        scorecard: vec![0; rows],
        measure_names: Vec::new(),
        band_names: Vec::new(),
    };
    let width = columns.len() as f64;
    let (score, scored) = out.score.parts_mut();
    let (band, _) = out.band.parts_mut();
    let (driver, driven) = out.driver.parts_mut();
    let bytes = BATCH_CHUNK / 8;
    score
        .par_chunks_mut(BATCH_CHUNK)
        .zip(scored.par_chunks_mut(bytes))
        .zip(band.par_chunks_mut(BATCH_CHUNK))
        .zip(out.coverage.par_chunks_mut(BATCH_CHUNK))
        .zip(driver.par_chunks_mut(BATCH_CHUNK))
        .zip(driven.par_chunks_mut(bytes))
        .enumerate()
        .for_each(|(k, (((((s, sv), b), c), d), dv))| {
            let start = k * BATCH_CHUNK;
            let (mut valid, mut dated_rows) = (0u64, 0u64);
            for r in 0..s.len() {
                let row = start + r;
                let (mut total, mut present, mut dated) = (0.0, 0u16, 0i32);
                for col in columns {
                    let v = match col.data {
                        MeasureData::Number(v) => v.get(row),
                        MeasureData::Bool(v) => v.get(row).map(f64::from),
                        MeasureData::Category { codes, .. } => codes.get(row).map(f64::from),
                    };
                    if let Some(v) = v {
                        total += v;
                        present += 1;
                    }
                    if let Some(o) = col.observed.and_then(|o| o.get(row)) {
                        dated ^= o;
                    }
                }
                s[r] = total;
                b[r] = (dated & 1) as u8;
                c[r] = f64::from(present) / width;
                d[r] = present;
                valid |= u64::from(present > 0) << (r % 64);
                dated_rows |= u64::from(dated != 0) << (r % 64);
                if r % 64 == 63 || r + 1 == s.len() {
                    let (from, n) = (r / 64 * 8, (r % 64 + 1).div_ceil(8));
                    sv[from..from + n].copy_from_slice(&valid.to_le_bytes()[..n]);
                    dv[from..from + n].copy_from_slice(&dated_rows.to_le_bytes()[..n]);
                    (valid, dated_rows) = (0, 0);
                }
            }
        });
    out
}
