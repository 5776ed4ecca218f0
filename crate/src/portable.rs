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
