//! A small seeded pseudo-random generator, for the synthetic samples and for seeded splits
//! (the held-out accounts of a weight fit): the same seed gives the same draws on every
//! platform and thread count.

/// `xoshiro256**` (Blackman and Vigna, 2018) seeded with `SplitMix64`.
pub(crate) struct Rng([u64; 4]);

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// The stream `index` of `seed` (each account, or each use, draws from its own stream).
    pub(crate) fn for_account(seed: u64, index: u64) -> Rng {
        let mut s = seed ^ index.wrapping_mul(0xD605_BBB5_8C8A_BBFD);
        Rng([
            splitmix64(&mut s),
            splitmix64(&mut s),
            splitmix64(&mut s),
            splitmix64(&mut s),
        ])
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub(crate) fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Standard normal (Box-Muller, one value per call).
    pub(crate) fn normal(&mut self) -> f64 {
        let u = 1.0 - self.uniform(); // (0, 1]
        let v = self.uniform();
        libm::sqrt(-2.0 * libm::log(u)) * libm::cos(2.0 * std::f64::consts::PI * v)
    }

    pub(crate) fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * libm::exp(sigma * self.normal())
    }

    pub(crate) fn poisson(&mut self, mean: f64) -> u32 {
        if mean > 30.0 {
            return libm::round(mean + libm::sqrt(mean) * self.normal()).max(0.0) as u32;
        }
        let limit = libm::exp(-mean);
        let (mut k, mut p) = (0u32, self.uniform());
        while p > limit {
            k += 1;
            p *= self.uniform();
        }
        k
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        (self.uniform() * n as f64) as u64
    }
}
