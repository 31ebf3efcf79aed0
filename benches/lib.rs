//! Shared helpers of the benchmarks: deterministic inputs and the "floor" loops that a kernel is
//! measured against (the least work that reads the same bytes and writes the same outputs).

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
