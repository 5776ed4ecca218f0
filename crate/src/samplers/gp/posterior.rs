//! The GP posterior given fitted hyperparameters: mean `k(x)ᵀ K⁻¹ y` and variance
//! `k(x, x) − |L⁻¹ k(x)|²` with L the Cholesky factor of K + noise·I (Rasmussen & Williams 2006,
//! Algorithm 2.1), with gradients in `x` for the acquisition's local search.
//!
//! We keep L⁻¹ itself rather than L, packed row by row: then `L⁻¹k` is a set of independent dot
//! products (no dependency chain, so it vectorizes), and a new observation under unchanged
//! hyperparameters appends one row in O(n²) — the inverse factor of a bordered matrix is the old
//! one bordered — instead of refactoring in O(n³).

use super::kernel::{KernelParams, matern52};
use crate::portable::PortableMath;

/// A GP conditioned on its training data.
#[derive(Debug, Clone)]
pub struct Posterior {
    /// Row-major training inputs, `n × d`.
    x: Vec<f64>,
    d: usize,
    is_cat: Vec<bool>,
    y: Vec<f64>,
    params: KernelParams,
    /// L⁻¹, lower triangular, row i (i + 1 entries) starting at i(i+1)/2.
    inv_l: Vec<f64>,
    /// K⁻¹ y.
    alpha: Vec<f64>,
}

/// Why a posterior could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotPositiveDefinite;

impl Posterior {
    /// Conditions on `x` (row-major, `d` columns) and `y`.
    pub fn new(
        x: Vec<f64>,
        d: usize,
        is_cat: Vec<bool>,
        y: Vec<f64>,
        params: KernelParams,
    ) -> Result<Self, NotPositiveDefinite> {
        let n = y.len();
        assert_eq!(x.len(), n * d, "inputs and values disagree");
        let mut p = Posterior {
            x: Vec::with_capacity(x.len()),
            d,
            is_cat,
            y: Vec::new(),
            params,
            inv_l: Vec::with_capacity(n * (n + 1) / 2),
            alpha: Vec::new(),
        };
        p.extend(&x)?;
        p.set_values(y);
        Ok(p)
    }

    /// Appends observations (row-major inputs) under the same hyperparameters; their values come
    /// with the next [`set_values`](Self::set_values).
    pub fn extend(&mut self, x: &[f64]) -> Result<(), NotPositiveDefinite> {
        let mut k = Vec::new();
        for row in x.chunks(self.d.max(1)) {
            let n = self.n_rows();
            self.cross(row, &mut k, None);
            let v = self.apply_inv_l(&k);
            let diag = self.params.scale + self.params.noise - dot(&v, &v);
            if diag.is_nan() || diag <= 0.0 {
                return Err(NotPositiveDefinite);
            }
            // [L 0; vᵀ δ]⁻¹ = [L⁻¹ 0; −vᵀL⁻¹/δ 1/δ].
            let delta = diag.sqrt();
            let start = self.inv_l.len();
            self.inv_l.resize(start + n + 1, 0.0);
            for (i, &vi) in v.iter().enumerate() {
                let row_i = i * (i + 1) / 2;
                let c = -vi / delta;
                let (head, tail) = self.inv_l.split_at_mut(start);
                axpy(c, &head[row_i..row_i + i + 1], &mut tail[..=i]);
            }
            self.inv_l[start + n] = 1.0 / delta;
            self.x.extend_from_slice(row);
        }
        Ok(())
    }

    /// Sets the training values (one per input row) and solves for K⁻¹y.
    pub fn set_values(&mut self, y: Vec<f64>) {
        assert_eq!(y.len(), self.n_rows(), "one value per input row");
        let v = self.apply_inv_l(&y);
        self.alpha = self.apply_inv_l_t(&v);
        self.y = y;
    }

    fn n_rows(&self) -> usize {
        self.x.len() / self.d.max(1)
    }

    /// Number of observations.
    pub fn n(&self) -> usize {
        self.y.len()
    }

    /// The hyperparameters.
    pub fn params(&self) -> &KernelParams {
        &self.params
    }

    /// Row-major training inputs.
    pub fn x(&self) -> &[f64] {
        &self.x
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.d..(i + 1) * self.d]
    }

    /// L⁻¹ b over the first `b.len()` rows.
    fn apply_inv_l(&self, b: &[f64]) -> Vec<f64> {
        (0..b.len()).map(|i| dot(&self.inv_l[i * (i + 1) / 2..i * (i + 1) / 2 + i + 1], &b[..=i])).collect()
    }

    /// L⁻ᵀ v.
    fn apply_inv_l_t(&self, v: &[f64]) -> Vec<f64> {
        let mut w = vec![0.0; v.len()];
        for (i, &vi) in v.iter().enumerate() {
            axpy(vi, &self.inv_l[i * (i + 1) / 2..i * (i + 1) / 2 + i + 1], &mut w[..=i]);
        }
        w
    }

    /// Covariances with the training points; with `dk`, also dk_i/d(r²_i).
    fn cross(&self, x: &[f64], k: &mut Vec<f64>, mut dk: Option<&mut Vec<f64>>) {
        let n = self.n_rows();
        k.clear();
        if let Some(dk) = dk.as_deref_mut() {
            dk.clear();
        }
        for i in 0..n {
            let (m, dm) = matern52(self.params.sq_dist(x, self.row(i), &self.is_cat));
            k.push(self.params.scale * m);
            if let Some(dk) = dk.as_deref_mut() {
                dk.push(self.params.scale * dm);
            }
        }
    }

    /// ln det(K + noise·I).
    pub fn log_det(&self) -> f64 {
        -2.0 * (0..self.n_rows()).map(|i| self.inv_l[i * (i + 1) / 2 + i].ln_p()).sum::<f64>()
    }

    /// K⁻¹y.
    pub fn alpha(&self) -> &[f64] {
        &self.alpha
    }

    /// (K + noise·I)⁻¹ = L⁻ᵀL⁻¹, lower triangle of a row-major `n × n` matrix (the upper triangle
    /// is left at 0): one symmetric rank-one update per row of L⁻¹.
    pub fn inverse_lower(&self) -> Vec<f64> {
        let n = self.n_rows();
        let mut w = vec![0.0; n * n];
        for i in 0..n {
            let row = &self.inv_l[i * (i + 1) / 2..i * (i + 1) / 2 + i + 1];
            for a in 0..=i {
                axpy(row[a], &row[..=a], &mut w[a * n..a * n + a + 1]);
            }
        }
        w
    }

    /// Posterior mean and variance at `x` (the variance clipped at 0 against rounding).
    pub fn predict(&self, x: &[f64]) -> (f64, f64) {
        let mut k = Vec::with_capacity(self.n());
        self.cross(x, &mut k, None);
        let mean = dot(&k, &self.alpha);
        let v = self.apply_inv_l(&k);
        (mean, (self.params.scale - dot(&v, &v)).max(0.0))
    }

    /// Posterior covariance of the latent function at `a` and `b` (no noise term): what the
    /// terminator's EMMR needs between two incumbents.
    pub fn covariance(&self, a: &[f64], b: &[f64]) -> f64 {
        let (mut ka, mut kb) = (Vec::with_capacity(self.n()), Vec::with_capacity(self.n()));
        self.cross(a, &mut ka, None);
        self.cross(b, &mut kb, None);
        let prior = self.params.scale * matern52(self.params.sq_dist(a, b, &self.is_cat)).0;
        prior - dot(&self.apply_inv_l(&ka), &self.apply_inv_l(&kb))
    }

    /// Mean and variance with their gradients in the continuous columns of `x` (zero in
    /// categorical ones).
    pub fn predict_grad(&self, x: &[f64], dmean: &mut [f64], dvar: &mut [f64]) -> (f64, f64) {
        let n = self.n();
        let (mut k, mut dk) = (Vec::with_capacity(n), Vec::with_capacity(n));
        self.cross(x, &mut k, Some(&mut dk));
        let mean = dot(&k, &self.alpha);
        let v = self.apply_inv_l(&k);
        let var = self.params.scale - dot(&v, &v);
        // ∂var/∂k = −2 K⁻¹k; ∂k_i/∂x_j = dk_i · 2 ℓ_j⁻² (x_j − X_ij).
        let w = self.apply_inv_l_t(&v);
        dmean.iter_mut().for_each(|g| *g = 0.0);
        dvar.iter_mut().for_each(|g| *g = 0.0);
        for i in 0..n {
            let (cm, cv) = (dk[i] * self.alpha[i], -2.0 * dk[i] * w[i]);
            let r = self.row(i);
            for j in 0..self.d {
                if !self.is_cat[j] {
                    let t = 2.0 * self.params.inv_sq_lengthscales[j] * (x[j] - r[j]);
                    dmean[j] += cm * t;
                    dvar[j] += cv * t;
                }
            }
        }
        if var <= 0.0 {
            dvar.iter_mut().for_each(|g| *g = 0.0);
        }
        (mean, var.max(0.0))
    }
}

/// A dot product with eight independent accumulators over exact chunks (no bounds checks in the
/// loop): enough parallel additions to hide their latency once vectorized.
#[inline]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    let mut acc = [0.0f64; 8];
    for (x, y) in ca.zip(cb) {
        for l in 0..8 {
            acc[l] += x[l] * y[l];
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// y += c·x over the common length.
#[inline]
pub fn axpy(c: f64, x: &[f64], y: &mut [f64]) {
    for (t, v) in y.iter_mut().zip(x) {
        *t += c * v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::{DMatrix, DVector};

    #[test]
    fn extending_the_factor_equals_refactoring() {
        let x = vec![0.1, 0.9, 0.4, 0.2, 0.8, 0.5, 0.3, 0.3];
        let params = KernelParams { inv_sq_lengthscales: vec![2.0, 0.5], scale: 1.3, noise: 0.01 };
        let full = Posterior::new(x.clone(), 2, vec![false; 2], vec![1.0, -0.5, 0.2, 0.7], params.clone()).unwrap();
        let mut grown = Posterior::new(x[..6].to_vec(), 2, vec![false; 2], vec![1.0, -0.5, 0.2], params).unwrap();
        grown.extend(&x[6..]).unwrap();
        grown.set_values(vec![1.0, -0.5, 0.2, 0.7]);
        let (a, b) = (full.predict(&[0.6, 0.6]), grown.predict(&[0.6, 0.6]));
        assert!((a.0 - b.0).abs() < 1e-12 && (a.1 - b.1).abs() < 1e-12);
    }

    #[test]
    fn gradients_match_finite_differences() {
        let x = vec![0.1, 0.9, 0.0, 0.4, 0.2, 1.0, 0.8, 0.5, 0.0];
        let params = KernelParams { inv_sq_lengthscales: vec![2.0, 0.5, 1.0], scale: 1.3, noise: 0.01 };
        let p = Posterior::new(x, 3, vec![false, false, true], vec![1.0, -0.5, 0.2], params).unwrap();
        let q = [0.35, 0.6, 1.0];
        let (mut dm, mut dv) = ([0.0; 3], [0.0; 3]);
        p.predict_grad(&q, &mut dm, &mut dv);
        for j in 0..2 {
            let h = 1e-6;
            let (mut up, mut down) = (q, q);
            up[j] += h;
            down[j] -= h;
            let (a, b) = (p.predict(&up), p.predict(&down));
            assert!(((a.0 - b.0) / (2.0 * h) - dm[j]).abs() < 1e-6);
            assert!(((a.1 - b.1) / (2.0 * h) - dv[j]).abs() < 1e-6);
        }
        assert_eq!((dm[2], dv[2]), (0.0, 0.0));
    }

    #[test]
    fn mean_and_variance_match_the_closed_form() {
        // Dense textbook formulas with nalgebra's inverse.
        let x = [0.0, 0.25, 0.6, 1.0];
        let y = [0.5, -0.3, 1.1, 0.2];
        let params = KernelParams { inv_sq_lengthscales: vec![4.0], scale: 0.8, noise: 0.05 };
        let p = Posterior::new(x.to_vec(), 1, vec![false], y.to_vec(), params).unwrap();
        let k = |a: f64, b: f64| 0.8 * matern52(4.0 * (a - b) * (a - b)).0;
        let kmat = DMatrix::from_fn(4, 4, |i, j| k(x[i], x[j]) + if i == j { 0.05 } else { 0.0 });
        let inv = kmat.try_inverse().unwrap();
        for q in [0.1, 0.5, 0.9, 1.3] {
            let kq = DVector::from_fn(4, |i, _| k(q, x[i]));
            let mean = (kq.transpose() * &inv * DVector::from_column_slice(&y))[0];
            let var = 0.8 - (kq.transpose() * &inv * &kq)[0];
            let (m, v) = p.predict(&[q]);
            assert!((m - mean).abs() < 1e-12 && (v - var).abs() < 1e-12, "{q}: {m} {v} vs {mean} {var}");
        }
    }
}
