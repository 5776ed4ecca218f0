//! `RegretBoundEvaluator`: a high-probability upper bound on the simple regret of the best trial,
//! from a GP's confidence bounds (Makarova et al. 2022, "Automatic Termination for
//! Hyperparameter Optimization", AutoML-Conf; Optuna 5.0.0's `RegretBoundEvaluator`).
//!
//! Over the complete trials, values turned to maximization:
//! 1. keep the top `max(⌊n·top_trials_ratio⌋, min_n_trials)` (at most n) trials, and every trial
//!    tied with the last one kept, as Optuna does: the bound is about the region near the
//!    optimum, and a GP fitted there is not bent by the poor trials;
//! 2. standardize their values and fit our GP to them (all-ones start, Optuna's prior, fitted
//!    noise);
//! 3. with β = 2 ln(d·n²·π²/(6δ)) / 5 (δ = 0.1; the paper's GP-UCB β scaled down by 5 as in its
//!    experiments, d the number of parameters as Optuna takes it), the bound is
//!    `max UCB − max_{observed} LCB`, where UCB = μ + √β σ is maximized over the kept points and
//!    2048 uniform random points of the space, LCB = μ − √β σ over the kept points only;
//! 4. scaled back to the objective's units by the kept values' standard deviation.
//!
//! Differences from Optuna: the GP is ours (same model and prior, our L-BFGS), and the 2048
//! random points come from our generator; both move the bound by a few percent, the random
//! points most when few trials leave the UCB surface steep.

use serde::Deserialize;

use super::{DEFAULT_MIN_N_TRIALS, ImprovementEvaluator, Normalized, complete, fit_gp, standardize};
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::samplers::gp::posterior::Posterior;
use crate::samplers::gp::space::GpSpace;
use crate::trial::{FrozenTrial, StudyDirection};

/// Random points the UCB is maximized over, besides the observed ones (Optuna's 2048).
pub const UCB_SAMPLES: usize = 2048;

/// Options, with Optuna's keyword names and defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegretBoundOptions {
    /// Fraction of the best trials the GP is fitted to (0.5).
    pub top_trials_ratio: f64,
    /// At least this many of the best trials are kept (20).
    pub min_n_trials: usize,
    /// Seed of the random points the UCB is maximized over.
    pub seed: Option<u64>,
}

impl Default for RegretBoundOptions {
    fn default() -> Self {
        RegretBoundOptions { top_trials_ratio: 0.5, min_n_trials: DEFAULT_MIN_N_TRIALS, seed: None }
    }
}

/// The regret-bound improvement evaluator.
pub struct RegretBoundEvaluator {
    options: RegretBoundOptions,
    rng: Rng,
}

impl RegretBoundEvaluator {
    /// Checks the options: `top_trials_ratio` in (0, 1].
    pub fn new(options: RegretBoundOptions) -> Result<Self> {
        let r = options.top_trials_ratio;
        if !(r > 0.0 && r <= 1.0) {
            return Err(Error::InvalidArgument(format!(
                "RegretBoundEvaluator: top_trials_ratio must be in (0, 1], got {r}"
            )));
        }
        let rng = Rng::from_seed_option(options.seed);
        Ok(RegretBoundEvaluator { options, rng })
    }

    /// Default options with a seed.
    pub fn seeded(seed: u64) -> Self {
        Self::new(RegretBoundOptions { seed: Some(seed), ..Default::default() }).expect("defaults are valid")
    }
}

impl Default for RegretBoundEvaluator {
    fn default() -> Self {
        Self::new(RegretBoundOptions::default()).expect("defaults are valid")
    }
}

impl ImprovementEvaluator for RegretBoundEvaluator {
    fn evaluate(&mut self, trials: &[FrozenTrial], direction: StudyDirection) -> Result<f64> {
        let done: Vec<&FrozenTrial> = complete(trials).collect();
        if done.is_empty() {
            return Err(Error::InvalidArgument(
                "RegretBoundEvaluator: no trial has completed yet, so the regret bound cannot be evaluated".into(),
            ));
        }
        let data = Normalized::new(&done, direction, "RegretBoundEvaluator")?;
        let n = done.len();
        let top_n = ((n as f64 * self.options.top_trials_ratio) as usize).max(self.options.min_n_trials).min(n);
        // The top_n-th largest value; every trial at least as good is kept (ties included).
        let mut sorted = data.values.clone();
        sorted.sort_by(|a, b| b.total_cmp(a));
        let cut = sorted[top_n - 1];
        let keep: Vec<usize> = (0..n).filter(|&i| data.values[i] >= cut).collect();
        let x: Vec<f64> = keep.iter().flat_map(|&i| data.row(i).iter().copied()).collect();
        let top: Vec<f64> = keep.iter().map(|&i| data.values[i]).collect();
        let (y, std) = standardize(&top);
        let gp = fit_gp(&data.space, &x, &y, false);
        Ok(standardized_regret_bound(&gp, &data.space, &x, 0.1, &mut self.rng) * std)
    }

    fn name(&self) -> &'static str {
        "RegretBoundEvaluator"
    }
}

/// β of the confidence bounds for `n` observations of `d` parameters at confidence `1 − δ`.
pub fn beta(d: usize, n: usize, delta: f64) -> f64 {
    let n = n as f64;
    2.0 * (d as f64 * n * n * std::f64::consts::PI.powi(2) / 6.0 / delta).ln() / 5.0
}

/// `max UCB − max_{observed} LCB` of `gp` in its own (standardized) units, the UCB maximized
/// over the observed rows `x` and [`UCB_SAMPLES`] random points of `space`.
pub(crate) fn standardized_regret_bound(gp: &Posterior, space: &GpSpace, x: &[f64], delta: f64, rng: &mut Rng) -> f64 {
    let d = space.dim();
    let n = x.len() / d;
    let sqrt_beta = beta(d, n, delta).sqrt();
    let ucb = |p: &[f64]| {
        let (m, v) = gp.predict(p);
        m + sqrt_beta * v.sqrt()
    };
    let mut max_ucb = f64::NEG_INFINITY;
    let mut max_lcb = f64::NEG_INFINITY;
    for row in x.chunks_exact(d) {
        let (m, v) = gp.predict(row);
        max_ucb = max_ucb.max(m + sqrt_beta * v.sqrt());
        max_lcb = max_lcb.max(m - sqrt_beta * v.sqrt());
    }
    let mut u = vec![0.0; d];
    for _ in 0..UCB_SAMPLES {
        u.iter_mut().for_each(|v| *v = rng.uniform());
        max_ucb = max_ucb.max(ucb(&space.from_unit(&u)));
    }
    max_ucb - max_lcb
}
