//! Acquisition functions, all in log space so that they stay finite and informative far from the
//! data (Ament et al. 2023, "Unexpected Improvements to Expected Improvement for Bayesian
//! Optimization"):
//! - log EI for one objective: `ln E[max(0, f − f*)]` with `f ~ N(μ, σ²)`;
//! - log constrained EI: log EI plus `ln P(c_i ≥ 0)` for each constraint's GP (Gardner et al.
//!   2014), constraint values negated so that feasible is large, as Optuna;
//! - log EHVI for several objectives: the hypervolume improvement over the Pareto front of the
//!   (standardized) observations, averaged over 128 quasi-random normal draws per objective, with
//!   the non-dominated region cut into boxes (Daulton et al. 2020), as Optuna 5.0.0's `LogEHVI`.
//!
//! Everything maximizes: objectives are standardized with minimized ones negated.
//!
//! Where Optuna evaluates `ln h(z)` (h(z) = φ(z) + zΦ(z)) with `erfcx` below z = −25, we use the
//! Mills-ratio continued fraction below z = −5, which needs no `erfcx` and loses no digits to
//! cancellation; above that both take `erfc` directly.

use super::posterior::Posterior;
use crate::portable::{PortableMath, ndtri};
use crate::samplers::sobol_point;

const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
/// Added to the posterior variance (Optuna's `stabilizing_noise`).
const STABILIZING_NOISE: f64 = 1e-12;
/// Floor of a box side in log EHVI (Optuna's `_EPS`).
const BOX_EPS: f64 = 1e-12;
/// Quasi-random draws per objective for log EHVI (Optuna and BoTorch: 128).
pub const N_EHVI_SAMPLES: usize = 128;

/// C(t) = 1/(t + 2/(t + 3/(t + ...))) for t ≥ 5: the Mills ratio is R(t) = 1/(t + C(t)).
pub(crate) fn mills_tail(t: f64) -> f64 {
    let mut c = 0.0;
    for k in (2..=60).rev() {
        c = k as f64 / (t + c);
    }
    1.0 / (t + c)
}

pub(crate) fn ln_phi(z: f64) -> f64 {
    -0.5 * z * z - LN_SQRT_2PI
}

/// ln h(z), h(z) = φ(z) + zΦ(z) = E[max(0, Z + z)] for standard normal Z, and d ln h / dz = Φ/h.
pub fn log_h(z: f64) -> (f64, f64) {
    if z > -5.0 {
        let cdf = 0.5 * libm::erfc(-z * std::f64::consts::FRAC_1_SQRT_2);
        let h = (-0.5 * z * z).exp_p() / (2.0 * std::f64::consts::PI).sqrt() + z * cdf;
        (h.ln_p(), cdf / h)
    } else {
        // h = φ(t)·C/(t + C) with t = −z, and Φ/h = 1/C.
        let t = -z;
        let c = mills_tail(t);
        (ln_phi(t) + c.ln_p() - (t + c).ln_p(), 1.0 / c)
    }
}

/// ln Φ(z) and its derivative φ/Φ.
pub fn log_ndtr(z: f64) -> (f64, f64) {
    if z > -5.0 {
        let cdf = 0.5 * libm::erfc(-z * std::f64::consts::FRAC_1_SQRT_2);
        (cdf.ln_p(), (ln_phi(z)).exp_p() / cdf)
    } else {
        // Φ(z) = φ(t)/(t + C).
        let t = -z;
        let c = mills_tail(t);
        (ln_phi(t) - (t + c).ln_p(), t + c)
    }
}

/// ln EI of N(mean, var) over `threshold`, and its derivatives in mean and var.
pub fn log_ei(mean: f64, var: f64, threshold: f64) -> (f64, f64, f64) {
    let sigma = (var + STABILIZING_NOISE).sqrt();
    let z = (mean - threshold) / sigma;
    let (lh, dlh) = log_h(z);
    let d_sigma = (1.0 - z * dlh) / sigma;
    (lh + sigma.ln_p(), dlh / sigma, d_sigma / (2.0 * sigma))
}

/// ln P(N(mean, var) ≥ threshold), and its derivatives in mean and var.
pub fn log_pi(mean: f64, var: f64, threshold: f64) -> (f64, f64, f64) {
    let sigma = (var + STABILIZING_NOISE).sqrt();
    let z = (mean - threshold) / sigma;
    let (lp, dlp) = log_ndtr(z);
    (lp, dlp / sigma, -dlp * z / sigma / (2.0 * sigma))
}

/// The objective part of an acquisition.
#[derive(Debug, Clone)]
pub enum Objective {
    /// log EI over the best (feasible) standardized value; `None` when nothing is feasible yet,
    /// and then only the constraints count (Optuna returns 0 there).
    Ei {
        /// The objective's GP.
        gp: Posterior,
        /// The best feasible standardized value.
        threshold: Option<f64>,
    },
    /// log EHVI; `None` boxes when no observation is feasible yet.
    Ehvi {
        /// One GP per objective.
        gps: Vec<Posterior>,
        /// Boxes of the not-yet-dominated region, (lower, upper) in maximize space.
        boxes: Option<Vec<(Vec<f64>, Vec<f64>)>>,
        /// `N_EHVI_SAMPLES` standard normal draws per objective, row-major.
        samples: Vec<f64>,
    },
}

/// An acquisition function over the normalized box.
#[derive(Debug, Clone)]
pub struct Acquisition {
    /// What is improved.
    pub objective: Objective,
    /// Constraint GPs (fitted to negated, standardized constraint values) with the standardized
    /// threshold that stands for 0.
    pub constraints: Vec<(Posterior, f64)>,
    /// Input columns.
    pub d: usize,
}

impl Acquisition {
    /// How many observations the objective's GPs hold.
    pub fn n_observations(&self) -> usize {
        match &self.objective {
            Objective::Ei { gp, .. } => gp.n(),
            Objective::Ehvi { gps, .. } => gps.first().map_or(0, Posterior::n),
        }
    }

    /// The value at `x`.
    pub fn eval(&self, x: &[f64]) -> f64 {
        let mut v: f64 = self.constraints.iter().map(|(gp, t)| log_pi_at(gp, x, *t)).sum();
        match &self.objective {
            Objective::Ei { gp, threshold: Some(t) } => {
                let (m, var) = gp.predict(x);
                v += log_ei(m, var, *t).0;
            }
            Objective::Ei { threshold: None, .. } | Objective::Ehvi { boxes: None, .. } => {}
            Objective::Ehvi { gps, boxes: Some(boxes), samples } => {
                let mv: Vec<(f64, f64)> = gps.iter().map(|gp| gp.predict(x)).collect();
                v += log_ehvi(&mv, boxes, samples, None);
            }
        }
        v
    }

    /// The value at `x` and its gradient (zero in categorical columns).
    pub fn eval_grad(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        let d = self.d;
        grad.iter_mut().for_each(|g| *g = 0.0);
        let (mut dm, mut dv) = (vec![0.0; d], vec![0.0; d]);
        let mut v = 0.0;
        let add = |grad: &mut [f64], dm: &[f64], dv: &[f64], a: f64, b: f64| {
            for j in 0..d {
                grad[j] += a * dm[j] + b * dv[j];
            }
        };
        for (gp, t) in &self.constraints {
            let (m, var) = gp.predict_grad(x, &mut dm, &mut dv);
            let (lp, a, b) = log_pi(m, var, *t);
            v += lp;
            add(grad, &dm, &dv, a, b);
        }
        match &self.objective {
            Objective::Ei { gp, threshold: Some(t) } => {
                let (m, var) = gp.predict_grad(x, &mut dm, &mut dv);
                let (le, a, b) = log_ei(m, var, *t);
                v += le;
                add(grad, &dm, &dv, a, b);
            }
            Objective::Ei { threshold: None, .. } | Objective::Ehvi { boxes: None, .. } => {}
            Objective::Ehvi { gps, boxes: Some(boxes), samples } => {
                let mut grads = Vec::with_capacity(gps.len());
                let mut mv = Vec::with_capacity(gps.len());
                for gp in gps {
                    let (m, var) = gp.predict_grad(x, &mut dm, &mut dv);
                    mv.push((m, var));
                    grads.push((dm.clone(), dv.clone()));
                }
                let mut dmv = vec![(0.0, 0.0); gps.len()];
                v += log_ehvi(&mv, boxes, samples, Some(&mut dmv));
                for (k, (gm, gv)) in grads.iter().enumerate() {
                    add(grad, gm, gv, dmv[k].0, dmv[k].1);
                }
            }
        }
        v
    }
}

fn log_pi_at(gp: &Posterior, x: &[f64], threshold: f64) -> f64 {
    let (m, var) = gp.predict(x);
    log_pi(m, var, threshold).0
}

/// log EHVI from per-objective (mean, var); with `grad`, the derivatives in each (mean, var).
fn log_ehvi(
    mv: &[(f64, f64)],
    boxes: &[(Vec<f64>, Vec<f64>)],
    samples: &[f64],
    grad: Option<&mut Vec<(f64, f64)>>,
) -> f64 {
    let m = mv.len();
    let sigma: Vec<f64> = mv.iter().map(|(_, v)| (v + STABILIZING_NOISE).sqrt()).collect();
    let n_s = samples.len() / m;
    // Terms are Σ_j ln(side_j) per (sample, box); a running log-sum-exp keeps them in range.
    let mut terms = Vec::with_capacity(n_s * boxes.len());
    let mut y = vec![0.0; m];
    for s in 0..n_s {
        for j in 0..m {
            y[j] = mv[j].0 + sigma[j] * samples[s * m + j];
        }
        for (lo, hi) in boxes {
            let mut t = 0.0;
            for j in 0..m {
                t += (y[j] - lo[j]).clamp(BOX_EPS, (hi[j] - lo[j]).max(BOX_EPS)).ln_p();
            }
            terms.push(t);
        }
    }
    let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = terms.iter().map(|t| (t - top).exp_p()).sum();
    let lse = top + sum.ln_p();
    if let Some(grad) = grad {
        grad.iter_mut().for_each(|g| *g = (0.0, 0.0));
        let mut i = 0;
        for s in 0..n_s {
            for j in 0..m {
                y[j] = mv[j].0 + sigma[j] * samples[s * m + j];
            }
            for (lo, hi) in boxes {
                let w = (terms[i] - lse).exp_p();
                i += 1;
                for j in 0..m {
                    let side = y[j] - lo[j];
                    if side > BOX_EPS && side < hi[j] - lo[j] {
                        let g = w / side;
                        grad[j].0 += g;
                        // dσ/dvar = 1/(2σ).
                        grad[j].1 += g * samples[s * m + j] / (2.0 * sigma[j]);
                    }
                }
            }
        }
    }
    lse - (n_s as f64).ln_p()
}

/// `n` quasi-random standard normal draws in `m` dimensions (scrambled Sobol through the inverse
/// normal CDF), row-major.
pub fn normal_samples(n: usize, m: usize, seed: u64) -> Vec<f64> {
    let mut out = Vec::with_capacity(n * m);
    for i in 0..n {
        let u = sobol_point(i as u64, m, Some(seed)).expect("a few objectives fit Sobol's table");
        out.extend(u.iter().map(|&p| ndtri(p.clamp(1e-12, 1.0 - 1e-12))));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h_direct(z: f64) -> f64 {
        (-0.5 * z * z).exp_p() / (2.0 * std::f64::consts::PI).sqrt() + z * 0.5 * libm::erfc(-z / 2f64.sqrt())
    }

    #[test]
    fn log_ei_matches_the_direct_formula_where_it_is_representable() {
        for z in [-12.0, -8.0, -5.5, -5.0, -4.9, -2.0, -0.3, 0.0, 0.7, 3.0, 10.0] {
            let (lh, _) = log_h(z);
            let direct = h_direct(z).ln_p();
            // Below −8 the direct formula itself loses digits to cancellation.
            let tol = if z < -8.0 { 1e-4 } else { 1e-10 };
            assert!((lh - direct).abs() < tol * direct.abs().max(1.0), "z={z}: {lh} vs {direct}");
        }
        // Scale: EI of N(μ, σ²) over f* is σ h((μ − f*)/σ).
        let (v, _, _) = log_ei(1.0, 4.0, 2.0);
        assert!((v - (2.0 * h_direct(-0.5)).ln_p()).abs() < 1e-10);
    }

    #[test]
    fn log_ei_stays_finite_and_monotone_far_below_the_threshold() {
        let mut last = f64::NEG_INFINITY;
        for i in 0..2000 {
            let z = -1e4 + 5.0 * i as f64;
            let (lh, d) = log_h(z);
            assert!(lh.is_finite() && d.is_finite() && d > 0.0, "z={z}");
            assert!(lh > last, "z={z}: {lh} ≤ {last}");
            last = lh;
        }
        // Asymptotically ln h(z) ≈ −z²/2 − ln √(2π) − 2 ln|z|.
        let z: f64 = -1e3;
        assert!((log_h(z).0 - (-0.5 * z * z - LN_SQRT_2PI - 2.0 * z.abs().ln_p())).abs() < 1e-5);
    }

    #[test]
    fn derivatives_match_finite_differences_across_the_branch() {
        for z in [-30.0, -6.0, -5.0001, -4.9999, -1.0, 2.0] {
            let h = 1e-6;
            let fd = (log_h(z + h).0 - log_h(z - h).0) / (2.0 * h);
            assert!((fd - log_h(z).1).abs() < 1e-5 * fd.abs().max(1.0), "h z={z}: {fd} {}", log_h(z).1);
            let fd = (log_ndtr(z + h).0 - log_ndtr(z - h).0) / (2.0 * h);
            assert!((fd - log_ndtr(z).1).abs() < 1e-5 * fd.abs().max(1.0), "Φ z={z}");
        }
        let (_, dm, dv) = log_ei(0.3, 0.5, 1.0);
        let h = 1e-6;
        assert!(((log_ei(0.3 + h, 0.5, 1.0).0 - log_ei(0.3 - h, 0.5, 1.0).0) / (2.0 * h) - dm).abs() < 1e-6);
        assert!(((log_ei(0.3, 0.5 + h, 1.0).0 - log_ei(0.3, 0.5 - h, 1.0).0) / (2.0 * h) - dv).abs() < 1e-6);
    }

    #[test]
    fn log_ehvi_gradient_matches_finite_differences() {
        let boxes = vec![(vec![0.0, -1.0], vec![1.0, 2.0]), (vec![1.0, 0.5], vec![3.0, 2.0])];
        let samples = normal_samples(16, 2, 3);
        let mv = [(0.8, 0.3), (0.2, 0.5)];
        let mut g = vec![(0.0, 0.0); 2];
        log_ehvi(&mv, &boxes, &samples, Some(&mut g));
        let h = 1e-6;
        for j in 0..2 {
            let (mut up, mut down) = (mv, mv);
            up[j].0 += h;
            down[j].0 -= h;
            let fd = (log_ehvi(&up, &boxes, &samples, None) - log_ehvi(&down, &boxes, &samples, None)) / (2.0 * h);
            assert!((fd - g[j].0).abs() < 1e-5, "mean {j}: {fd} {}", g[j].0);
            let (mut up, mut down) = (mv, mv);
            up[j].1 += h;
            down[j].1 -= h;
            let fd = (log_ehvi(&up, &boxes, &samples, None) - log_ehvi(&down, &boxes, &samples, None)) / (2.0 * h);
            assert!((fd - g[j].1).abs() < 1e-5, "var {j}: {fd} {}", g[j].1);
        }
    }
}
