//! The one seeded random-number generator every sampler uses.
//!
//! xoshiro256++ (Blackman & Vigna 2019), seeded from a `u64` through SplitMix64, from the
//! `rand_xoshiro` crate. The conversions to floats, ranges and normals are written here rather than
//! taken from `rand`'s distributions, because `rand` does not promise those stay the same across
//! versions, and we promise that a seed gives the same parameters natively and in wasm, today and
//! after a dependency update.

use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{RngCore, SeedableRng};

/// A portable, seeded PRNG with the few draws samplers need.
#[derive(Debug, Clone)]
pub struct Rng {
    inner: Xoshiro256PlusPlus,
}

impl Rng {
    /// A generator whose whole stream is fixed by `seed`, on every platform.
    pub fn seed_from_u64(seed: u64) -> Self {
        Rng { inner: Xoshiro256PlusPlus::seed_from_u64(seed) }
    }

    /// A generator seeded from the operating system (or the browser's `crypto.getRandomValues`).
    pub fn from_entropy() -> Self {
        Rng::seed_from_u64(entropy_seed())
    }

    /// `Some(seed)` gives a reproducible stream, `None` a fresh one.
    pub fn from_seed_option(seed: Option<u64>) -> Self {
        seed.map_or_else(Rng::from_entropy, Rng::seed_from_u64)
    }

    /// An independent stream for one draw of a sampler, fixed by the sampler's `base` seed, a
    /// trial number and a label (which parameters the draw is for). A sampler that seeds each
    /// draw this way gives a trial the same values whatever ran before it, so the draw can be
    /// replayed later from the seed and the trial's history alone (TPE's explanation does).
    pub fn for_draw(base: u64, number: u64, label: &str) -> Self {
        // FNV-1a over the label, then SplitMix64's finalizer over each part: distinct (number,
        // label) pairs land on unrelated seeds, not on neighbours of one another.
        let mix = |mut z: u64| {
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let label = label.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
        let seed = mix(mix(base ^ mix(number.wrapping_add(0x9e37_79b9_7f4a_7c15))) ^ label);
        Rng::seed_from_u64(seed)
    }

    /// The next raw 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// A uniform float in `[0, 1)` with 53 bits of precision.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform float in `[low, high)` (or exactly `low` when the range is empty).
    pub fn uniform_range(&mut self, low: f64, high: f64) -> f64 {
        let x = low + (high - low) * self.uniform();
        // Rounding can land on `high` for wide ranges; keep the half-open promise.
        if x >= high && high > low { low.max(f64_prev(high)) } else { x }
    }

    /// A uniform integer in `0..n`, unbiased (Lemire's multiply-and-reject). `n` must be positive.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "Rng::below needs a positive bound");
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = (self.next_u64() as u128) * (n as u128);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }

    /// A uniform index into a slice of length `n`.
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// A standard normal draw (Marsaglia's polar method; the spare value is dropped so that the
    /// stream position depends only on the number of calls).
    pub fn normal(&mut self) -> f64 {
        loop {
            let u = 2.0 * self.uniform() - 1.0;
            let v = 2.0 * self.uniform() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                return u * (-2.0 * libm::log(s) / s).sqrt();
            }
        }
    }

    /// Fisher–Yates shuffle in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }
}

fn f64_prev(x: f64) -> f64 {
    if x > 0.0 { f64::from_bits(x.to_bits() - 1) } else { x - f64::EPSILON * x.abs().max(1.0) }
}

fn entropy_seed() -> u64 {
    let mut buf = [0u8; 8];
    // getrandom only fails on platforms with no entropy source at all; a time-free constant
    // would silently make "unseeded" studies identical, so fail loudly instead.
    getrandom::fill(&mut buf).expect("no entropy source available; pass a seed");
    u64::from_le_bytes(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_known_first_value() {
        let mut a = Rng::seed_from_u64(42);
        let mut b = Rng::seed_from_u64(42);
        let xs: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(Rng::seed_from_u64(43).next_u64(), xs[0]);
    }

    #[test]
    fn uniform_in_unit_interval_with_sane_mean() {
        let mut r = Rng::seed_from_u64(1);
        let n = 100_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let u = r.uniform();
            assert!((0.0..1.0).contains(&u));
            sum += u;
        }
        assert!((sum / n as f64 - 0.5).abs() < 0.01);
    }

    #[test]
    fn below_is_unbiased_and_in_range() {
        let mut r = Rng::seed_from_u64(7);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[r.below(3) as usize] += 1;
        }
        for c in counts {
            assert!((9_500..10_500).contains(&c), "{counts:?}");
        }
    }

    #[test]
    fn normal_has_unit_variance() {
        let mut r = Rng::seed_from_u64(3);
        let n = 50_000;
        let xs: Vec<f64> = (0..n).map(|_| r.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.02 && (var - 1.0).abs() < 0.03, "mean {mean} var {var}");
    }

    #[test]
    fn uniform_range_stays_half_open() {
        let mut r = Rng::seed_from_u64(9);
        for _ in 0..1000 {
            let x = r.uniform_range(-1e300, 1e300);
            assert!(x < 1e300);
        }
        assert_eq!(r.uniform_range(2.0, 2.0), 2.0);
    }
}
