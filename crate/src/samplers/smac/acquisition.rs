//! SMAC's acquisition functions, as logarithms so that candidates far from the incumbent still
//! rank by how unlikely they are to improve rather than all rounding to zero.
//!
//! The forest models `y = ln c` of the (scaled) cost `c`. Hutter, Hoos & Leyton-Brown 2011 (§5.2)
//! give the expected improvement in `c` itself when `y ~ N(μ, σ²)` (SMAC's `ei_log`):
//!
//! E[max(0, c_min − e^y)] = c_min Φ(v) − e^{μ + σ²/2} Φ(v − σ),  v = (ln c_min − μ)/σ.
//!
//! With φ(v − σ) = φ(v) e^{vσ − σ²/2} this is `c_min φ(v) [M(v) − M(v − σ)]`, where
//! `M(z) = Φ(z)/φ(z)` (the lower-tail Mills ratio), which we evaluate in logs with the continued
//! fraction below −5, so that nothing cancels or underflows. `ei` is Jones et al.'s expected
//! improvement in `y` itself.

use crate::portable::PortableMath;
use crate::samplers::gp::acquisition::{ln_phi, log_ei, log_ndtr, mills_tail};

/// Which acquisition function ranks candidates (SMAC's `acq_func_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcqFunc {
    /// Expected improvement of the cost when the model predicts its logarithm (`ei_log`).
    EiLog,
    /// Expected improvement of the modelled value itself (`ei`).
    Ei,
}

/// ln M(z) = ln(Φ(z)/φ(z)).
fn ln_mills(z: f64) -> f64 {
    if z > -5.0 { log_ndtr(z).0 - ln_phi(z) } else { -(-z + mills_tail(-z)).ln_p() }
}

/// ln E[max(0, e^{y_min} − e^y)] for `y ~ N(mean, var)`: SMAC's `ei_log` with the incumbent's
/// modelled log cost `y_min`.
pub fn log_ei_log(mean: f64, var: f64, y_min: f64) -> f64 {
    let sigma = var.sqrt();
    let v = (y_min - mean) / sigma;
    let (a, b) = (ln_mills(v), ln_mills(v - sigma));
    // M is increasing, so b < a; ln(M(v) − M(v − σ)) = a + ln(1 − e^{b − a}).
    y_min + ln_phi(v) + a + libm::log1p(-(b - a).exp_p())
}

/// ln E[max(0, y_min − y)] for `y ~ N(mean, var)`.
pub fn log_ei_plain(mean: f64, var: f64, y_min: f64) -> f64 {
    log_ei(-mean, var, -y_min).0
}

impl AcqFunc {
    /// The log acquisition of a prediction, given the incumbent's modelled value.
    pub fn eval(self, mean: f64, var: f64, y_min: f64) -> f64 {
        match self {
            AcqFunc::EiLog => log_ei_log(mean, var, y_min),
            AcqFunc::Ei => log_ei_plain(mean, var, y_min),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mills_form_matches_the_direct_formula_where_it_is_representable() {
        let cdf = |z: f64| 0.5 * libm::erfc(-z / std::f64::consts::SQRT_2);
        for (mean, var, y_min) in [(0.0, 1.0, 0.0), (-1.0, 0.3, -2.0), (2.0, 4.0, -1.0), (-3.0, 0.01, -2.9)] {
            let s: f64 = f64::sqrt(var);
            let v = (y_min - mean) / s;
            let direct = y_min.exp() * cdf(v) - (mean + var / 2.0).exp() * cdf(v - s);
            let ours = log_ei_log(mean, var, y_min).exp();
            assert!((ours - direct).abs() <= 1e-10 * direct.abs().max(1e-300), "{mean} {var}: {ours} vs {direct}");
        }
    }
}
