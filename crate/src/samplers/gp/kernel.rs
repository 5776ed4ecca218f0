//! The GP's covariance: a Matérn-5/2 kernel with one length scale per input (automatic relevance
//! determination), a signal variance and a noise variance (Rasmussen & Williams 2006, §4.2, eq.
//! 4.17), and the fit of those hyperparameters by maximizing the log marginal likelihood plus
//! Optuna's log prior (eq. 5.8–5.9 for the likelihood and its gradient).
//!
//! As Optuna 5.0.0: categorical inputs are distances of 0 or 1 (Hamming); the prior is
//! `−Σ (0.1/ℓ⁻² + 0.1·ℓ⁻²)` on the inverse squared length scales, Gamma(2, 1) on the signal
//! variance and Gamma(1.1, 30) on the noise, whose floor is `1e-6`; the parameters are optimized
//! in log space with L-BFGS from the previous fit, falling back to all-ones when that fails.

use super::optim::{LbfgsMemory, LbfgsOptions, minimize_with_memory};
use super::posterior::{Posterior, dot};
use crate::portable::PortableMath;

/// The noise variance's floor (Optuna's `DEFAULT_MINIMUM_NOISE_VAR`).
pub const MIN_NOISE: f64 = 1e-6;

/// The hyperparameters.
#[derive(Debug, Clone, PartialEq)]
pub struct KernelParams {
    /// ℓ⁻² per input column.
    pub inv_sq_lengthscales: Vec<f64>,
    /// Signal variance k(x, x).
    pub scale: f64,
    /// Noise variance added to the diagonal.
    pub noise: f64,
}

impl KernelParams {
    /// Optuna's starting point: every parameter 1.
    pub fn ones(d: usize) -> Self {
        KernelParams { inv_sq_lengthscales: vec![1.0; d], scale: 1.0, noise: 1.0 }
    }

    /// Length scales ℓ per column.
    pub fn lengthscales(&self) -> Vec<f64> {
        self.inv_sq_lengthscales.iter().map(|v| 1.0 / v.sqrt()).collect()
    }

    /// The weighted squared distance Σ ℓ_j⁻² δ_j² between two points.
    #[inline]
    pub fn sq_dist(&self, a: &[f64], b: &[f64], is_cat: &[bool]) -> f64 {
        if !is_cat.contains(&true) {
            return a.iter().zip(b).zip(&self.inv_sq_lengthscales).map(|((x, y), w)| w * (x - y) * (x - y)).sum();
        }
        let mut r2 = 0.0;
        for j in 0..a.len() {
            let diff = a[j] - b[j];
            let sq = if is_cat[j] { if diff != 0.0 { 1.0 } else { 0.0 } } else { diff * diff };
            r2 += self.inv_sq_lengthscales[j] * sq;
        }
        r2
    }
}

/// Matérn-5/2 as a function of the squared distance, and its derivative in that squared distance.
#[inline]
pub fn matern52(r2: f64) -> (f64, f64) {
    let s = (5.0 * r2).sqrt();
    let e = (-s).exp_p();
    (e * (1.0 + s + 5.0 / 3.0 * r2), -5.0 / 6.0 * (1.0 + s) * e)
}

/// Optuna's log prior and its gradient in the raw (log) parameters.
fn log_prior(p: &KernelParams, noise_raw: Option<f64>, grad: &mut [f64]) -> f64 {
    let d = p.inv_sq_lengthscales.len();
    let mut lp = 0.0;
    for (j, &v) in p.inv_sq_lengthscales.iter().enumerate() {
        lp -= 0.1 / v + 0.1 * v;
        grad[j] = 0.1 / v - 0.1 * v;
    }
    // Gamma(2, 1) on the scale, without its constant.
    lp += p.scale.ln_p() - p.scale;
    grad[d] = 1.0 - p.scale;
    // Gamma(1.1, 30) on the noise.
    lp += 0.1 * p.noise.ln_p() - 30.0 * p.noise;
    if let Some(raw) = noise_raw {
        grad[d + 1] = (0.1 / p.noise - 30.0) * raw.exp_p();
    }
    lp
}

/// The training inputs the kernel sees: `n` rows of `d` columns, and which columns are categorical.
pub struct Inputs<'a> {
    /// Row-major `n × d`.
    pub x: &'a [f64],
    /// Columns per row.
    pub d: usize,
    /// Per column: Hamming distance instead of squared difference.
    pub is_cat: &'a [bool],
}

impl Inputs<'_> {
    /// Number of rows.
    pub fn n(&self) -> usize {
        self.x.len().checked_div(self.d).unwrap_or(0)
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.d..(i + 1) * self.d]
    }
}

/// The negative (log marginal likelihood + log prior), up to a constant, and its gradient in
/// `raw` = [ln ℓ⁻²_1..d, ln scale, ln(noise − floor)] (the last only when the noise is fitted).
/// Infinite where the covariance is not positive definite.
pub fn loss(inputs: &Inputs, y: &[f64], raw: &[f64], deterministic: bool, grad: &mut [f64]) -> f64 {
    let (d, n) = (inputs.d, inputs.n());
    let p = from_raw(raw, d, deterministic);
    let Ok(post) = Posterior::new(inputs.x.to_vec(), d, inputs.is_cat.to_vec(), y.to_vec(), p.clone()) else {
        return f64::INFINITY;
    };
    let alpha = post.alpha();
    let mll = -0.5 * post.log_det() - 0.5 * dot(y, alpha);
    // ∂mll/∂θ = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ), with W = ααᵀ − K⁻¹ read from its lower triangle.
    let inv = post.inverse_lower();
    let lp = log_prior(&p, (!deterministic).then(|| raw[d + 1]), grad);
    let mut g_isl = vec![0.0; d];
    let (mut g_scale, mut trace_w) = (0.0, 0.0);
    for a in 0..n {
        let ra = inputs.row(a);
        for b in 0..a {
            let rb = inputs.row(b);
            let (m, dm) = matern52(p.sq_dist(ra, rb, inputs.is_cat));
            // Both triangles: the factor ½ cancels.
            let wab = alpha[a] * alpha[b] - inv[a * n + b];
            g_scale += wab * p.scale * m;
            let c = wab * p.scale * dm;
            for j in 0..d {
                let diff = ra[j] - rb[j];
                let sq = if inputs.is_cat[j] { if diff != 0.0 { 1.0 } else { 0.0 } } else { diff * diff };
                g_isl[j] += c * sq;
            }
        }
        let waa = alpha[a] * alpha[a] - inv[a * n + a];
        g_scale += 0.5 * waa * p.scale;
        trace_w += waa;
    }
    for j in 0..d {
        grad[j] = -(g_isl[j] * p.inv_sq_lengthscales[j] + grad[j]);
    }
    grad[d] = -(g_scale + grad[d]);
    if !deterministic {
        grad[d + 1] = -(0.5 * trace_w * raw[d + 1].exp_p() + grad[d + 1]);
    }
    -(mll + lp)
}

/// The parameters a raw vector stands for.
pub fn from_raw(raw: &[f64], d: usize, deterministic: bool) -> KernelParams {
    KernelParams {
        inv_sq_lengthscales: raw[..d].iter().map(|v| v.exp_p()).collect(),
        scale: raw[d].exp_p(),
        noise: if deterministic { MIN_NOISE } else { raw[d + 1].exp_p() + MIN_NOISE },
    }
}

fn to_raw(p: &KernelParams, deterministic: bool) -> Vec<f64> {
    let mut raw: Vec<f64> = p.inv_sq_lengthscales.iter().map(|v| v.ln_p()).collect();
    raw.push(p.scale.ln_p());
    if !deterministic {
        // A start exactly on the floor would be ln 0.
        raw.push((p.noise - 0.99 * MIN_NOISE).max(1e-12).ln_p());
    }
    raw
}

/// Fits the hyperparameters to standardized values `y`, starting from `start` (the previous fit;
/// all-ones when it fails). Optuna's tolerance: projected gradient ≤ 1e-2.
pub fn fit(inputs: &Inputs, y: &[f64], start: &KernelParams, deterministic: bool) -> KernelParams {
    fit_with_memory(inputs, y, start, deterministic, &mut LbfgsMemory::default())
}

/// [`fit`], carrying the optimizer's curvature memory from the previous fit: after one more
/// observation the likelihood's shape barely changes, so the search needs a few steps instead of
/// rebuilding its curvature estimate from a steepest-descent start.
pub fn fit_with_memory(
    inputs: &Inputs,
    y: &[f64],
    start: &KernelParams,
    deterministic: bool,
    memory: &mut LbfgsMemory,
) -> KernelParams {
    let d = inputs.d;
    let opts = LbfgsOptions { pgtol: 1e-2, ..Default::default() };
    let bounds = vec![[f64::NEG_INFINITY, f64::INFINITY]; d + 1 + usize::from(!deterministic)];
    let ones = KernelParams::ones(d);
    for s in [start, &ones] {
        if s.inv_sq_lengthscales.len() != d {
            continue;
        }
        let r = minimize_with_memory(
            |raw, g| loss(inputs, y, raw, deterministic, g),
            &to_raw(s, deterministic),
            &bounds,
            &opts,
            memory,
        );
        if r.f.is_finite() {
            return from_raw(&r.x, d, deterministic);
        }
    }
    KernelParams { noise: if deterministic { MIN_NOISE } else { 1.0 }, ..ones }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loss_gradient_matches_finite_differences() {
        let x = [0.1, 0.2, 0.0, 0.5, 0.9, 1.0, 0.3, 0.7, 2.0, 0.8, 0.1, 0.0];
        let is_cat = [false, false, true];
        let inputs = Inputs { x: &x, d: 3, is_cat: &is_cat };
        let y = [0.3, -1.0, 0.5, 1.2];
        for deterministic in [false, true] {
            let raw: Vec<f64> = if deterministic { vec![0.3, -0.2, 0.1, 0.4] } else { vec![0.3, -0.2, 0.1, 0.4, -2.0] };
            let mut g = vec![0.0; raw.len()];
            loss(&inputs, &y, &raw, deterministic, &mut g);
            for i in 0..raw.len() {
                let h = 1e-6;
                let (mut up, mut down) = (raw.clone(), raw.clone());
                up[i] += h;
                down[i] -= h;
                let mut tmp = vec![0.0; raw.len()];
                let fd = (loss(&inputs, &y, &up, deterministic, &mut tmp)
                    - loss(&inputs, &y, &down, deterministic, &mut tmp))
                    / (2.0 * h);
                assert!((fd - g[i]).abs() < 1e-5 * fd.abs().max(1.0), "param {i}: fd {fd} vs {}", g[i]);
            }
        }
    }

    #[test]
    fn matern_derivative_matches_finite_differences() {
        for r2 in [1e-4, 0.3, 2.0, 9.0] {
            let h = 1e-7;
            let fd = (matern52(r2 + h).0 - matern52(r2 - h).0) / (2.0 * h);
            assert!((fd - matern52(r2).1).abs() < 1e-6, "{r2}");
        }
        assert_eq!(matern52(0.0).0, 1.0);
    }
}
