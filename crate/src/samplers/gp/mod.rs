//! `GPSampler`: Gaussian-process Bayesian optimization (Optuna 5.0.0's `GPSampler`).
//!
//! References: Rasmussen & Williams 2006, "Gaussian Processes for Machine Learning" (the model,
//! Matérn kernel, marginal likelihood); Jones, Schonlau & Welch 1998 (Expected Improvement);
//! Ament et al. 2023, "Unexpected Improvements to Expected Improvement for Bayesian Optimization"
//! (log EI); Gardner et al. 2014, "Bayesian Optimization with Inequality Constraints" (constrained
//! EI); Daulton et al. 2020, "Differentiable Expected Hypervolume Improvement for Parallel
//! Multi-Objective Bayesian Optimization" (log EHVI); Byrd et al. 1995 (L-BFGS-B).
//!
//! Each trial after `n_startup_trials` complete ones, over the intersection search space:
//! 1. parameters are normalized to `[0, 1]` ([`space`]: log scale, half-step widening through the
//!    shared transform; a categorical is one column of choice indices with Hamming distance);
//!    objectives are turned to maximization and standardized ([`model`]);
//! 2. a Matérn-5/2 ARD kernel's length scales, signal variance and noise are fitted by maximizing
//!    the marginal likelihood plus Optuna's priors with L-BFGS, warm-started from the previous
//!    trial's fit ([`kernel`], [`optim`]);
//! 3. the acquisition ([`acquisition`]) — log EI, log constrained EI when trials carry
//!    constraints, log EHVI for several objectives — is maximized from 2048 quasi-random
//!    candidates and local searches from the best ones ([`maximize`](mod@maximize)).
//!
//! Parameters outside the joint space, and every parameter before `n_startup_trials`, come from
//! `independent_sampler` (a seeded `RandomSampler` by default).
//!
//! Where we differ from Optuna:
//! - running trials are ignored (Optuna 5.0 conditions on them through q-batch Monte-Carlo
//!   acquisitions); in-process studies here run one trial at a time;
//! - constraints come from the trials' `constraints` system attribute (`Study::set_trial_constraints`
//!   / `trial.set_constraint`), so there is no `constraints_func`;
//! - `independent_sampler` is a spec, `{"name": "<Optuna class name>", "kwargs": {...}}`;
//! - the bounded L-BFGS is the projected variant, not SciPy's generalized-Cauchy-point code;
//!   long grids (more than 16 points) are compass-searched along their index instead of
//!   line-searched with Brent's method;
//! - random streams differ (ours are `crate::rng`), so seeds do not reproduce Optuna's trials.

pub mod acquisition;
pub mod belief;
pub mod kernel;
pub mod maximize;
pub mod model;
pub mod optim;
pub mod posterior;
pub mod space;

use serde::Deserialize;

pub use belief::{Belief, BeliefRequest, belief};

use super::{InternalParams, Sampler, SearchSpace, StudyView, SystemAttrs};
use crate::config::ComponentSpec;
use crate::distributions::Distribution;
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::search_space::IntersectionSearchSpace;
use crate::trial::{FrozenTrial, TrialState};
use maximize::{SearchBudget, maximize};
use model::FitCache;
use space::GpSpace;

/// The most parameters the joint space may have (the columns of the Sobol table).
const MAX_DIM: usize = 1000;

/// Options, with Optuna's keyword names and defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GpSamplerOptions {
    /// Seed for the candidates, roulette and the default independent sampler.
    pub seed: Option<u64>,
    /// Sampler for the startup trials and for parameters outside the joint space
    /// (default: `RandomSampler` with the same seed).
    pub independent_sampler: Option<ComponentSpec>,
    /// Complete trials before the GP is used (10).
    pub n_startup_trials: usize,
    /// Fix the noise variance at its floor (false).
    pub deterministic_objective: bool,
    /// Accepted for Optuna compatibility; the engine emits no warnings.
    pub warn_independent_sampling: Option<bool>,
}

impl Default for GpSamplerOptions {
    fn default() -> Self {
        GpSamplerOptions {
            seed: None,
            independent_sampler: None,
            n_startup_trials: 10,
            deterministic_objective: false,
            warn_independent_sampling: None,
        }
    }
}

/// The GP sampler.
pub struct GpSampler {
    options: GpSamplerOptions,
    rng: Rng,
    independent: Box<dyn Sampler>,
    intersection: IntersectionSearchSpace,
    cache: FitCache,
    budget: SearchBudget,
}

impl GpSampler {
    /// Builds the independent sampler from its spec.
    pub fn new(options: GpSamplerOptions) -> Result<Self> {
        let mut rng = Rng::from_seed_option(options.seed);
        let independent = match &options.independent_sampler {
            Some(spec) => super::from_name(&spec.name, &spec.kwargs)?,
            None => Box::new(super::RandomSampler::seeded(rng.next_u64())),
        };
        Ok(GpSampler {
            options,
            rng,
            independent,
            intersection: IntersectionSearchSpace::new(false),
            cache: FitCache::default(),
            budget: SearchBudget::default(),
        })
    }

    /// A seeded sampler with default options.
    pub fn seeded(seed: u64) -> Self {
        Self::new(GpSamplerOptions { seed: Some(seed), ..Default::default() }).expect("defaults are valid")
    }
}

/// The complete trials holding every parameter of `space` with its distribution.
pub(crate) fn usable<'a>(study: &StudyView<'a>, space: &SearchSpace) -> Vec<&'a FrozenTrial> {
    study
        .trials_in(&[TrialState::Complete])
        .filter(|t| space.iter().all(|(k, d)| t.params.get(k).is_some_and(|p| &p.distribution == d)))
        .collect()
}

impl Sampler for GpSampler {
    fn before_trial(&mut self, study: &StudyView, trial: &FrozenTrial) -> Result<SystemAttrs> {
        self.independent.before_trial(study, trial)
    }

    fn infer_relative_search_space(&mut self, study: &StudyView, _trial: &FrozenTrial) -> Result<SearchSpace> {
        Ok(self.intersection.calculate(&study.trials).into_iter().filter(|(_, d)| !d.single()).collect())
    }

    fn sample_relative(
        &mut self,
        study: &StudyView,
        _trial: &FrozenTrial,
        space: &SearchSpace,
    ) -> Result<InternalParams> {
        if space.is_empty() {
            return Ok(InternalParams::new());
        }
        let trials = usable(study, space);
        if trials.len() < self.options.n_startup_trials.max(1) {
            return Ok(InternalParams::new());
        }
        let gp_space = GpSpace::new(space);
        if gp_space.dim() > MAX_DIM {
            return Err(Error::InvalidArgument(format!(
                "GPSampler: the joint space has {} parameters; the candidates' Sobol sequence covers at most {MAX_DIM}",
                gp_space.dim()
            )));
        }
        let model = model::build(
            &gp_space,
            &trials,
            study.directions,
            &mut self.cache,
            self.options.deterministic_objective,
            self.budget.n_local,
            &mut self.rng,
        )?;
        let (x, _) = maximize(
            &model.acquisition,
            &gp_space,
            &model.lengthscales,
            &model.warm_starts,
            &self.budget,
            &mut self.rng,
        );
        Ok(gp_space.decode(&x))
    }

    fn sample_independent(
        &mut self,
        study: &StudyView,
        trial: &FrozenTrial,
        name: &str,
        d: &Distribution,
    ) -> Result<f64> {
        self.independent.sample_independent(study, trial, name, d)
    }

    fn after_trial(&mut self, study: &StudyView, trial: &FrozenTrial) -> Result<()> {
        self.independent.after_trial(study, trial)
    }
}
