//! `EMMREvaluator`: a bound on how much the expected minimum simple regret changed with the last
//! trial (Ishibashi et al. 2023, "A stopping criterion for Bayesian optimization by the gap of
//! expected minimum simple regrets", AISTATS; Optuna 5.0.0's `EMMREvaluator`).
//!
//! The criterion is in standardized units (the values' standard deviation), so its threshold
//! has to be relative as well: Optuna pairs it with [`MedianErrorEvaluator`](super::MedianErrorEvaluator)
//! (a fraction of its own median over the early trials), not with a cross-validation error.
//!
//! With t complete trials, values turned to maximization and standardized over all t, a GP
//! `gp_{t−1}` fitted to the first t−1 and `gp_t` to all t (warm-started from `gp_{t−1}`'s
//! hyperparameters, as Optuna), and θ*_t, θ*_{t−1} the best observed points among t and t−1
//! trials, the bound of the paper's Theorem 1 / Algorithm 1 is the sum of
//! - Δμ = μ_{t−1}(θ*_{t−1}) − μ_t(θ*_t);
//! - v·φ(g) + v·g·Φ(g), with v² = Var_t(θ*_t) − 2 Cov_t(θ*_t, θ*_{t−1}) + Var_t(θ*_{t−1})
//!   (floored at 1e-10) and g = (μ_t(θ*_t) − μ_{t−1}(θ*_{t−1})) / v;
//! - κ_{t−1}·√(KL/2), κ_{t−1} the standardized regret bound of `gp_{t−1}` over the first t−1
//!   trials (as [`RegretBoundEvaluator`](super::RegretBoundEvaluator), with `delta`, no top-trial
//!   selection), and KL the divergence the paper's eq. 4 gives for one new observation y_t at
//!   the last point with predictive mean μ and variance σ², noise λ⁻¹:
//!   ½ ln(1 + λσ²) − ½ σ²/(σ² + λ⁻¹) + ½ σ²(y_t − μ)²/(σ² + λ⁻¹)².
//!
//! Where Optuna 5.0.0 departs from the paper we follow Optuna, since matching its decisions is
//! the point: θ* are the best *observed* values (not the posterior means' argmax); μ and σ² in
//! the KL term come from `gp_t` (which already saw y_t), not `gp_{t−1}`; λ⁻¹ is the noise floor
//! 1e-6, not the fitted noise. With fewer than `min_n_trials` complete trials, or no shared
//! parameter, the criterion is `f64::MAX / 10` (never terminate), as Optuna.

use serde::Deserialize;

use super::regret_bound::standardized_regret_bound;
use super::{ImprovementEvaluator, Normalized, complete};
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::samplers::gp::kernel::{Inputs, KernelParams, MIN_NOISE, fit};
use crate::samplers::gp::posterior::Posterior;
use crate::trial::{FrozenTrial, StudyDirection};

/// What the criterion is while it cannot be computed: large, so the terminator goes on.
pub const NOT_YET: f64 = f64::MAX * 0.1;

/// Options, with Optuna's keyword names and defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmmrOptions {
    /// Fix the GPs' noise at its floor (false).
    pub deterministic_objective: bool,
    /// Confidence parameter of κ's confidence bounds (0.1).
    pub delta: f64,
    /// Complete trials before the criterion is computed (2; at least 2).
    pub min_n_trials: usize,
    /// Seed of κ's random UCB points.
    pub seed: Option<u64>,
}

impl Default for EmmrOptions {
    fn default() -> Self {
        EmmrOptions { deterministic_objective: false, delta: 0.1, min_n_trials: 2, seed: None }
    }
}

/// The EMMR improvement evaluator.
pub struct EmmrEvaluator {
    options: EmmrOptions,
    rng: Rng,
}

impl EmmrEvaluator {
    /// Checks the options: `min_n_trials` ≥ 2, `delta` in (0, 1).
    pub fn new(options: EmmrOptions) -> Result<Self> {
        if options.min_n_trials <= 1 {
            return Err(Error::InvalidArgument(format!(
                "EMMREvaluator: min_n_trials must be an integer more than one, got {}",
                options.min_n_trials
            )));
        }
        if !(options.delta > 0.0 && options.delta < 1.0) {
            return Err(Error::InvalidArgument(format!(
                "EMMREvaluator: delta must be in (0, 1), got {}",
                options.delta
            )));
        }
        let rng = Rng::from_seed_option(options.seed);
        Ok(EmmrEvaluator { options, rng })
    }

    /// Default options with a seed.
    pub fn seeded(seed: u64) -> Self {
        Self::new(EmmrOptions { seed: Some(seed), ..Default::default() }).expect("defaults are valid")
    }
}

impl Default for EmmrEvaluator {
    fn default() -> Self {
        Self::new(EmmrOptions::default()).expect("defaults are valid")
    }
}

/// Index of the first maximum.
fn argmax(v: &[f64]) -> usize {
    (0..v.len()).fold(0, |best, i| if v[i] > v[best] { i } else { best })
}

/// Standard normal density and distribution function.
fn phi(g: f64) -> (f64, f64) {
    let pdf = (-0.5 * g * g).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let cdf = 0.5 * libm::erfc(-g / std::f64::consts::SQRT_2);
    (pdf, cdf)
}

impl ImprovementEvaluator for EmmrEvaluator {
    fn evaluate(&mut self, trials: &[FrozenTrial], direction: StudyDirection) -> Result<f64> {
        let done: Vec<&FrozenTrial> = complete(trials).collect();
        if done.len() < self.options.min_n_trials {
            return Ok(NOT_YET);
        }
        let data = match Normalized::new(&done, direction, "EMMREvaluator") {
            Ok(d) => d,
            // Optuna warns and never terminates when no parameter is shared.
            Err(Error::InvalidArgument(m)) if m.contains("empty search space") => return Ok(NOT_YET),
            Err(e) => return Err(e),
        };
        let (space, d, t) = (&data.space, data.space.dim(), done.len());
        let n = t as f64;
        let mean = data.values.iter().sum::<f64>() / n;
        let std = (data.values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt().max(f64::MIN_POSITIVE);
        let y: Vec<f64> = data.values.iter().map(|v| (v - mean) / std).collect();

        let is_cat = space.is_cat();
        let det = self.options.deterministic_objective;
        let x1 = &data.x[..(t - 1) * d];
        let p1 = fit(&Inputs { x: x1, d, is_cat: &is_cat }, &y[..t - 1], &KernelParams::ones(d), det);
        let p = fit(&Inputs { x: &data.x, d, is_cat: &is_cat }, &y, &p1, det);
        let posterior = |x: &[f64], y: &[f64], params: KernelParams| {
            Posterior::new(x.to_vec(), d, is_cat.clone(), y.to_vec(), params).unwrap_or_else(|_| {
                let safe = KernelParams { noise: 1.0, ..KernelParams::ones(d) };
                Posterior::new(x.to_vec(), d, is_cat.clone(), y.to_vec(), safe)
                    .expect("unit noise is positive definite")
            })
        };
        let gp_t1 = posterior(x1, &y[..t - 1], p1);
        let gp_t = posterior(&data.x, &y, p);

        let i_t = argmax(&y);
        let i_t1 = argmax(&y[..t - 1]);
        let (th_t, th_t1) = (data.row(i_t), data.row(i_t1));
        let (mu_t_at_t, var_t_at_t) = gp_t.predict(th_t);
        let (_, var_t_at_t1) = gp_t.predict(th_t1);
        let cov = if i_t == i_t1 { var_t_at_t } else { gp_t.covariance(th_t, th_t1) };
        let (mu_t1_at_t1, _) = gp_t1.predict(th_t1);

        let delta_mu = mu_t1_at_t1 - mu_t_at_t;
        let v = (var_t_at_t - 2.0 * cov + var_t_at_t1).max(1e-10).sqrt();
        let g = (mu_t_at_t - mu_t1_at_t1) / v;
        let (pdf, cdf) = phi(g);

        // The new observation's KL term (see the module docs for whose posterior it uses).
        let (mu_new, var_new) = gp_t.predict(data.row(t - 1));
        let noise = MIN_NOISE;
        let kl = 0.5 * (1.0 + var_new / noise).ln() - 0.5 * var_new / (var_new + noise)
            + 0.5 * var_new * (y[t - 1] - mu_new).powi(2) / (var_new + noise).powi(2);
        let kappa = standardized_regret_bound(&gp_t1, space, x1, self.options.delta, &mut self.rng);

        let total = delta_mu + v * pdf + v * g * cdf + kappa * (0.5 * kl).sqrt();
        Ok(total.min(f64::MAX * 0.5))
    }

    fn name(&self) -> &'static str {
        "EMMREvaluator"
    }
}
