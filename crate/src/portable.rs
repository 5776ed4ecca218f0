//! Transcendental functions with the same bits on every platform.
//!
//! `f64::exp`, `ln` and `powf` call the platform's math library (glibc natively, a Rust port in
//! wasm), which may round the last bit differently; samplers promise that a seed proposes the
//! same parameters natively and in the browser, so they use these `libm`-backed methods instead.

/// `libm` versions of the `f64` methods samplers use.
pub trait PortableMath {
    /// `e^self`.
    fn exp_p(self) -> f64;
    /// Natural logarithm.
    fn ln_p(self) -> f64;
    /// `self^e`.
    fn powf_p(self, e: f64) -> f64;
    /// `self^n`.
    fn powi_p(self, n: i32) -> f64;
    /// Cosine.
    fn cos_p(self) -> f64;
}

impl PortableMath for f64 {
    fn exp_p(self) -> f64 {
        libm::exp(self)
    }
    fn ln_p(self) -> f64 {
        libm::log(self)
    }
    fn powf_p(self, e: f64) -> f64 {
        libm::pow(self, e)
    }
    fn powi_p(self, n: i32) -> f64 {
        libm::pow(self, n as f64)
    }
    fn cos_p(self) -> f64 {
        libm::cos(self)
    }
}

/// The standard normal CDF.
pub fn ndtr(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// The standard normal quantile: Acklam's rational approximation, polished by one Halley step
/// (absolute error below 1e-13 on (1e-300, 1 − 1e-16)).
pub fn ndtri(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383_577_518_672_69e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] =
        [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let x = if p < 0.02425 {
        tail((-2.0 * p.ln_p()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln_p()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    // Halley's step on Φ(x) − p.
    let e = ndtr(x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp_p();
    x - u / (1.0 + x * u / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndtri_inverts_ndtr() {
        for p in [1e-12, 1e-6, 0.01, 0.1, 0.3, 0.5, 0.77, 0.975, 0.999_999] {
            let x = ndtri(p);
            assert!((ndtr(x) - p).abs() < 1e-12 * p.max(1e-3), "p {p}: x {x}");
        }
        assert!((ndtri(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
    }
}
