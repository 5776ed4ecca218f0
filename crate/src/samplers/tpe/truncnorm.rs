//! The normal distribution truncated to an interval: log probabilities of intervals and sampling.
//! `erfc` comes from `libm`, so results are the same bits natively and in wasm.

use crate::rng::Rng;

const SQRT_2: f64 = std::f64::consts::SQRT_2;
/// `ln(sqrt(2π))`.
pub const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
/// Floor for probabilities, so log stays finite (as Optuna's `EPS`).
const TINY: f64 = 1e-300;

/// Φ(x), the standard normal CDF, accurate in both tails through `erfc`.
pub fn ndtr(x: f64) -> f64 {
    0.5 * libm::erfc(-x / SQRT_2)
}

/// Beyond this many standard deviations the upper tail is below 1e−17: zero, for our sums.
const TAIL_END: f64 = 8.5;
/// Nodes per unit of the tail table.
const NODES_PER_UNIT: f64 = 128.0;

/// The upper tail Q(t) = 1 − Φ(t) for `t ≥ 0`, to about 1e−11 absolute, without `erfc`: cubic
/// Hermite interpolation (values and the exact derivative −φ) on a table built once from `erfc`,
/// stored as per-interval polynomial coefficients. Fitting a mixture needs Q for every kernel and
/// dimension, and `erfc` there was most of TPE's time.
pub fn upper_tail(t: f64) -> f64 {
    static TABLE: std::sync::OnceLock<Vec<[f64; 4]>> = std::sync::OnceLock::new();
    if t >= TAIL_END {
        return 0.0;
    }
    let table = TABLE.get_or_init(|| {
        let h = 1.0 / NODES_PER_UNIT;
        let node = |i: usize| {
            let x = i as f64 * h;
            (ndtr(-x), -libm::exp(-0.5 * x * x - LN_SQRT_2PI) * h)
        };
        (0..(TAIL_END * NODES_PER_UNIT) as usize)
            .map(|i| {
                let ((q0, m0), (q1, m1)) = (node(i), node(i + 1));
                [q0, m0, 3.0 * (q1 - q0) - 2.0 * m0 - m1, 2.0 * (q0 - q1) + m0 + m1]
            })
            .collect()
    });
    let pos = t.max(0.0) * NODES_PER_UNIT;
    let i = pos as u32 as usize;
    let u = pos - i as f64;
    let [a0, a1, a2, a3] = table[i];
    a0 + u * (a1 + u * (a2 + u * a3))
}

/// `ln(Φ(b) − Φ(a))` for `a <= b`, computed on the side of zero where the difference does not
/// cancel.
pub fn log_ndtr_diff(a: f64, b: f64) -> f64 {
    let p = if a > 0.0 {
        // Both in the upper tail: Φ(b) − Φ(a) = Q(a) − Q(b), with Q(x) = Φ(−x) small and exact.
        ndtr(-a) - ndtr(-b)
    } else {
        ndtr(b) - ndtr(a)
    };
    libm::log(p.max(TINY))
}

/// A draw from N(mu, sigma²) truncated to `[low, high]`: rejection while the interval holds a fair
/// share of the mass (always, for TPE's kernels, whose centres lie inside), inverse-CDF by
/// bisection otherwise.
pub fn sample(rng: &mut Rng, mu: f64, sigma: f64, low: f64, high: f64) -> f64 {
    let (a, b) = ((low - mu) / sigma, (high - mu) / sigma);
    // Only a threshold test: the tabulated tail is accurate enough and much cheaper than erfc.
    let cdf = |x: f64| if x >= 0.0 { 1.0 - upper_tail(x) } else { upper_tail(-x) };
    let mass = cdf(b) - cdf(a);
    if mass > 0.05 {
        for _ in 0..200 {
            let z = rng.normal();
            if a <= z && z <= b {
                return mu + sigma * z;
            }
        }
    }
    // Invert the CDF on [a, b]: bisection is slow but exact enough and needs no ndtri.
    let (pa, pb) = (ndtr(a), ndtr(b));
    let target = pa + rng.uniform() * (pb - pa);
    let (mut lo, mut hi) = (a, b);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if ndtr(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (mu + sigma * 0.5 * (lo + hi)).clamp(low, high)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdf_and_interval_masses() {
        assert!((ndtr(0.0) - 0.5).abs() < 1e-15);
        assert!((ndtr(1.959963984540054) - 0.975).abs() < 1e-12);
        assert!((log_ndtr_diff(-1.0, 1.0).exp() - 0.682_689_492_137_085_9).abs() < 1e-12);
        // Far in the upper tail the naive difference would be 0; ours stays accurate.
        let v = log_ndtr_diff(10.0, 11.0);
        assert!((v - (-53.231_310_225_583_13)).abs() < 1e-9, "{v}"); // scipy: log(norm.sf(10) - norm.sf(11))
        assert!(log_ndtr_diff(3.0, 3.0).is_finite());
    }

    #[test]
    fn tabulated_tail_matches_erfc() {
        let mut worst: f64 = 0.0;
        for i in 0..20_000 {
            let t = i as f64 * 9.0 / 20_000.0;
            worst = worst.max((upper_tail(t) - ndtr(-t)).abs());
        }
        assert!(worst < 2e-11, "{worst}");
    }

    #[test]
    fn samples_stay_in_bounds_even_deep_in_a_tail() {
        let mut rng = Rng::seed_from_u64(1);
        for &(mu, sigma, lo, hi) in
            &[(0.0, 1.0, -0.5, 0.5), (0.0, 1.0, 4.0, 6.0), (5.0, 0.01, -1.0, 1.0), (0.0, 1e-9, 0.0, 1.0)]
        {
            for _ in 0..500 {
                let x = sample(&mut rng, mu, sigma, lo, hi);
                assert!((lo..=hi).contains(&x), "{x} not in [{lo}, {hi}]");
            }
        }
    }

    #[test]
    fn truncated_sample_mean_matches_theory() {
        // N(0,1) truncated to [0, ∞) has mean sqrt(2/π).
        let mut rng = Rng::seed_from_u64(2);
        let n = 40_000;
        let mean = (0..n).map(|_| sample(&mut rng, 0.0, 1.0, 0.0, 50.0)).sum::<f64>() / n as f64;
        assert!((mean - (2.0 / std::f64::consts::PI).sqrt()).abs() < 0.01, "{mean}");
    }
}
