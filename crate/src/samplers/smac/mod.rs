//! `SMACSampler`: Bayesian optimization with a random-forest surrogate, OptunaHub's
//! `SMACSampler` (which runs SMAC3's hyperparameter-optimization facade), written from the papers
//! and from running it.
//!
//! References: Hutter, Hoos & Leyton-Brown 2011, "Sequential Model-Based Optimization for
//! General Algorithm Configuration" (the loop, log-cost EI, the local search, interleaved random
//! configurations); Hutter, Xu, Hoos & Leyton-Brown 2014, "Algorithm runtime prediction: Methods
//! & evaluation" (the forest's mean and variance).
//!
//! Each trial, over every parameter a complete trial has used ([`space`]):
//! 1. until `init_design_n_configs` trials are complete (by default
//!    `min(10 · dim, 0.25 · n_trials)`), a point of a scrambled Sobol sequence (or a uniform one);
//! 2. then, with probability `random_design_probability`, a random configuration;
//! 3. otherwise the costs (objective values, negated when maximizing) are scaled to `[0, 1]` and
//!    their logarithms (offset by the 5th percentile, see [`log_scaled_costs`]) modelled by a
//!    random forest ([`forest`]), and the
//!    configuration maximizing log EI ([`acquisition`]) over the incumbent (the observed
//!    configuration with the lowest predicted cost, as SMAC3's) is found by random sampling plus
//!    local search ([`search`]).
//!
//! Where we differ from OptunaHub's sampler and SMAC3:
//! - no search space is given up front: the space is inferred from the trials, so the first
//!   trial is drawn by the independent (random) sampler and the Sobol design covers the space
//!   known at each trial; a parameter seen with two distributions is left to the independent
//!   sampler;
//! - conditional spaces have no declared conditions: an inactive parameter is imputed outside its
//!   range for the forest, and candidates take the activity pattern of an observed trial;
//! - categoricals are one-hot features of CART trees rather than pyrfr's categorical splits;
//! - the local search narrows its steps further than SMAC3's (to 1e-5 rather than 5e-3, see
//!   [`search`]) and scores fewer random configurations (500, not 5,000); there is no
//!   intensification (Optuna's ask-and-tell evaluates each configuration once);
//! - `surrogate_model_type` is `"rf"` only (GPSampler is our GP), `acq_func_type` `"ei_log"` or
//!   `"ei"`, `init_design_type` `"sobol"` or `"random"`; `surrogate_model_rf_max_depth`,
//!   `surrogate_model_rf_bootstrapping` and `random_design_probability` expose SMAC3 settings
//!   OptunaHub leaves at their defaults, and `surrogate_model_rf_splitter` (`"random"`, SMAC3's, or
//!   `"best"`, the forest of Hutter et al. 2014) chooses how the trees split;
//! - random streams differ, so seeds do not reproduce SMAC3's trials.

pub mod acquisition;
pub mod forest;
pub mod search;
pub mod space;

use serde::Deserialize;

pub use acquisition::AcqFunc;
pub use forest::{Forest, ForestOptions, Splitter};
use search::SearchBudget;
use space::Encoder;

use super::{InternalParams, RandomSampler, Sampler, SearchSpace, StudyView, sobol_point};
use crate::distributions::Distribution;
use crate::error::{Error, Result};
use crate::portable::PortableMath;
use crate::rng::Rng;
use crate::trial::{FrozenTrial, StudyDirection, TrialState};

/// Added to the incumbent's distance from the 5th percentile, in the objective's own units, so that
/// its log cost stays finite when the best costs tie (SMAC3's `VERY_SMALL_NUMBER`).
pub const COST_EPSILON: f64 = 1e-10;

/// Options, with OptunaHub's keyword names and defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmacSamplerOptions {
    /// Seed for the design, the forest, the search and the independent sampler.
    pub seed: Option<u64>,
    /// The study's planned number of trials; it caps the initial design (100).
    pub n_trials: usize,
    /// The surrogate: `"rf"` (a random forest) only.
    pub surrogate_model_type: String,
    /// `"ei_log"` (expected improvement of the cost under a log-cost model) or `"ei"`.
    pub acq_func_type: String,
    /// `"sobol"` (scrambled Sobol points) or `"random"`.
    pub init_design_type: String,
    /// Trees in the forest (10).
    pub surrogate_model_rf_num_trees: usize,
    /// Share of the features tried at each split, in (0, 1] (1.0).
    pub surrogate_model_rf_ratio_features: f64,
    /// Smallest node that may split (2).
    pub surrogate_model_rf_min_samples_split: usize,
    /// Smallest leaf (1).
    pub surrogate_model_rf_min_samples_leaf: usize,
    /// Deepest tree level (SMAC3's 2²⁰). Not an OptunaHub option.
    pub surrogate_model_rf_max_depth: usize,
    /// Trees on bootstrap samples (SMAC3's true). Not an OptunaHub option.
    pub surrogate_model_rf_bootstrapping: bool,
    /// `"random"` (SMAC3's: one random threshold per feature tried) or `"best"` (every split point
    /// scanned, the threshold uniform between the two neighbouring values). Not an OptunaHub
    /// option.
    pub surrogate_model_rf_splitter: String,
    /// Size of the initial design; by default
    /// `min(n_configs_per_hyperparameter · dim, max_ratio · n_trials)`.
    pub init_design_n_configs: Option<usize>,
    /// Initial configurations per parameter (10).
    pub init_design_n_configs_per_hyperparameter: usize,
    /// The initial design takes at most this share of `n_trials` (0.25).
    pub init_design_max_ratio: f64,
    /// Chance that a trial after the initial design is random (SMAC3's 0.2). Not an OptunaHub
    /// option.
    pub random_design_probability: f64,
    /// Accepted for OptunaHub compatibility; nothing is written.
    pub output_directory: Option<String>,
}

impl Default for SmacSamplerOptions {
    fn default() -> Self {
        let f = ForestOptions::default();
        SmacSamplerOptions {
            seed: None,
            n_trials: 100,
            surrogate_model_type: "rf".into(),
            acq_func_type: "ei_log".into(),
            init_design_type: "sobol".into(),
            surrogate_model_rf_num_trees: f.num_trees,
            surrogate_model_rf_ratio_features: f.ratio_features,
            surrogate_model_rf_min_samples_split: f.min_samples_split,
            surrogate_model_rf_min_samples_leaf: f.min_samples_leaf,
            surrogate_model_rf_max_depth: f.max_depth,
            surrogate_model_rf_bootstrapping: f.bootstrapping,
            surrogate_model_rf_splitter: "random".into(),
            init_design_n_configs: None,
            init_design_n_configs_per_hyperparameter: 10,
            init_design_max_ratio: 0.25,
            random_design_probability: 0.2,
            output_directory: None,
        }
    }
}

/// The SMAC sampler.
pub struct SmacSampler {
    options: SmacSamplerOptions,
    forest: ForestOptions,
    acq: AcqFunc,
    sobol: bool,
    /// Scrambles the Sobol sequence, one scramble per sampler.
    sobol_seed: u64,
    rng: Rng,
    independent: RandomSampler,
    budget: SearchBudget,
    /// Trials' configurations by trial number, for the space they were encoded in: encoding
    /// every trial anew each time cost more than fitting the forest.
    configs: (SearchSpace, Vec<Option<Vec<f64>>>),
}

fn invalid(msg: String) -> Error {
    Error::InvalidArgument(format!("SMACSampler: {msg}"))
}

impl SmacSampler {
    /// Checks the options.
    pub fn new(options: SmacSamplerOptions) -> Result<Self> {
        let o = &options;
        if o.surrogate_model_type != "rf" {
            return Err(invalid(format!(
                "surrogate_model_type {:?} is not supported; only \"rf\" (GPSampler is the Gaussian-process sampler)",
                o.surrogate_model_type
            )));
        }
        let acq = match o.acq_func_type.as_str() {
            "ei_log" => AcqFunc::EiLog,
            "ei" => AcqFunc::Ei,
            other => {
                return Err(invalid(format!("acq_func_type {other:?} is not supported; use \"ei_log\" or \"ei\"")));
            }
        };
        let sobol = match o.init_design_type.as_str() {
            "sobol" => true,
            "random" => false,
            other => {
                return Err(invalid(format!(
                    "init_design_type {other:?} is not supported; use \"sobol\" or \"random\""
                )));
            }
        };
        let splitter = match o.surrogate_model_rf_splitter.as_str() {
            "random" => Splitter::Random,
            "best" => Splitter::BestUniform,
            other => {
                return Err(invalid(format!(
                    "surrogate_model_rf_splitter {other:?} is not supported; use \"random\" or \"best\""
                )));
            }
        };
        let checks = [
            (o.surrogate_model_rf_num_trees >= 1, "surrogate_model_rf_num_trees must be at least 1"),
            (
                o.surrogate_model_rf_ratio_features > 0.0 && o.surrogate_model_rf_ratio_features <= 1.0,
                "surrogate_model_rf_ratio_features must be in (0, 1]",
            ),
            (o.surrogate_model_rf_min_samples_split >= 1, "surrogate_model_rf_min_samples_split must be at least 1"),
            (o.surrogate_model_rf_min_samples_leaf >= 1, "surrogate_model_rf_min_samples_leaf must be at least 1"),
            (o.surrogate_model_rf_max_depth >= 1, "surrogate_model_rf_max_depth must be at least 1"),
            (o.n_trials >= 1, "n_trials must be at least 1"),
            (
                o.init_design_max_ratio > 0.0 && o.init_design_max_ratio <= 1.0,
                "init_design_max_ratio must be in (0, 1]",
            ),
            ((0.0..=1.0).contains(&o.random_design_probability), "random_design_probability must be in [0, 1]"),
        ];
        if let Some((_, msg)) = checks.iter().find(|(ok, _)| !ok) {
            return Err(invalid(msg.to_string()));
        }
        let forest = ForestOptions {
            num_trees: o.surrogate_model_rf_num_trees,
            ratio_features: o.surrogate_model_rf_ratio_features,
            min_samples_split: o.surrogate_model_rf_min_samples_split,
            min_samples_leaf: o.surrogate_model_rf_min_samples_leaf,
            max_depth: o.surrogate_model_rf_max_depth,
            bootstrapping: o.surrogate_model_rf_bootstrapping,
            splitter,
        };
        let mut rng = Rng::from_seed_option(o.seed);
        let independent = RandomSampler::seeded(rng.next_u64());
        let sobol_seed = rng.next_u64();
        Ok(SmacSampler {
            options,
            forest,
            acq,
            sobol,
            sobol_seed,
            rng,
            independent,
            budget: SearchBudget::default(),
            configs: Default::default(),
        })
    }

    /// A seeded sampler with default options.
    pub fn seeded(seed: u64) -> Self {
        Self::new(SmacSamplerOptions { seed: Some(seed), ..Default::default() }).expect("defaults are valid")
    }

    /// The size of the initial design over `dim` parameters.
    pub fn n_initial(&self, dim: usize) -> usize {
        let o = &self.options;
        o.init_design_n_configs.unwrap_or_else(|| {
            let cap = (o.init_design_max_ratio * o.n_trials as f64) as usize;
            (o.init_design_n_configs_per_hyperparameter * dim).min(cap).max(1)
        })
    }

    /// A point of the initial design for trial `number`.
    fn initial(&mut self, enc: &Encoder, number: u64) -> InternalParams {
        let dim = enc.space().dim();
        let u = match self.sobol.then(|| sobol_point(number, dim, Some(self.sobol_seed)).ok()).flatten() {
            Some(u) => u,
            None => (0..dim).map(|_| self.rng.uniform()).collect(),
        };
        enc.decode(&enc.space().from_unit(&u))
    }

    /// Fits the forest on the complete trials and maximizes the acquisition.
    fn optimize(&mut self, space: &SearchSpace, enc: &Encoder, trials: &[&FrozenTrial], sign: f64) -> InternalParams {
        if &self.configs.0 != space {
            self.configs = (space.clone(), Vec::new());
        }
        let cache = &mut self.configs.1;
        let configs: Vec<Vec<f64>> = trials
            .iter()
            .map(|t| {
                let n = t.number as usize;
                if cache.len() <= n {
                    cache.resize(n + 1, None);
                }
                cache[n].get_or_insert_with(|| enc.config(t)).clone()
            })
            .collect();
        let y = log_scaled_costs(trials.iter().map(|t| sign * t.values.as_ref().map_or(f64::NAN, |v| v[0])));
        let mut columns = vec![vec![0.0; trials.len()]; enc.n_features()];
        let mut row = vec![0.0; enc.n_features()];
        for (i, x) in configs.iter().enumerate() {
            enc.features(x, &mut row);
            for (c, v) in columns.iter_mut().zip(&row) {
                c[i] = *v;
            }
        }
        let forest = Forest::fit(&columns, &y, &self.forest, &mut self.rng);
        // The incumbent is the observed configuration the forest predicts best, and its predicted
        // log cost is what EI improves on (SMAC3's): the observed minimum sits below every
        // prediction (each tree averages it with others' values), which drives EI to wherever the
        // trees disagree most rather than to the incumbent's neighbourhood.
        let predicted: Vec<f64> = configs
            .iter()
            .map(|x| {
                enc.features(x, &mut row);
                forest.predict(&row).0
            })
            .collect();
        // The few best kept in order by insertion: a sort would link another instance of the
        // standard sort into the page's wasm.
        let keep = self.budget.n_starts.max(1);
        let mut best_observed: Vec<usize> = Vec::with_capacity(keep + 1);
        for (i, p) in predicted.iter().enumerate() {
            if best_observed.len() < keep || *p < predicted[best_observed[keep - 1]] {
                best_observed.insert(best_observed.partition_point(|&j| predicted[j] <= *p), i);
                best_observed.truncate(keep);
            }
        }
        let y_min = best_observed.first().map_or(f64::INFINITY, |&i| predicted[i]);
        let acq = self.acq;
        let mut score = |x: &[f64]| {
            enc.features(x, &mut row);
            let (m, v) = forest.predict(&row);
            acq.eval(m, v, y_min)
        };
        match search::maximize(&mut score, enc, &configs, &best_observed, &self.budget, &mut self.rng) {
            Some(x) => enc.decode(&x),
            // Every configuration tried was observed (a tiny discrete space): leave it to chance.
            None => InternalParams::new(),
        }
    }
}

/// Costs scaled to `[0, 1]` by their range, as logarithms of the scaled cost plus an offset: the
/// 5th percentile's distance from the minimum, plus [`COST_EPSILON`], scaled (SMAC3's log-scaled
/// encoding, up to a constant in the log). The offset keeps the incumbent's log cost within a few
/// units of the rest while the best costs are spread out; once most trials crowd the optimum it
/// shrinks with them, so that the forest still tells a gain of 1e-8 from one of 1e-6 there (a
/// floor at 1e-5 of the range, as here before, blurred every cost within it and stalled the
/// refinement). A non-finite cost counts as the worst finite one.
pub fn log_scaled_costs(costs: impl Iterator<Item = f64>) -> Vec<f64> {
    // Halved, which changes no result (scaling by a power of two is exact) but keeps every
    // difference below f64::MAX when the costs span more than it.
    let costs: Vec<f64> = costs.map(|c| 0.5 * c).collect();
    let mut sorted: Vec<f64> = costs.iter().copied().filter(|c| c.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let (lo, hi) = match (sorted.first(), sorted.last()) {
        (Some(&lo), Some(&hi)) if hi > lo => (lo, hi),
        _ => return vec![0.0; costs.len()],
    };
    // The 5th percentile, interpolated linearly between order statistics (NumPy's default).
    let q = 0.05 * (sorted.len() - 1) as f64;
    let (i, frac) = (q.floor() as usize, q - q.floor());
    let p5 = sorted[i] + frac * (sorted[(i + 1).min(sorted.len() - 1)] - sorted[i]);
    let offset = (p5 - lo + 0.5 * COST_EPSILON) / (hi - lo);
    costs
        .iter()
        .map(|&c| {
            let c = if c.is_finite() { c } else { hi };
            ((c - lo) / (hi - lo) + offset).ln_p()
        })
        .collect()
}

impl Sampler for SmacSampler {
    fn infer_relative_search_space(&mut self, study: &StudyView, _trial: &FrozenTrial) -> Result<SearchSpace> {
        if study.directions.len() > 1 {
            return Err(invalid("multi-objective studies are not supported".into()));
        }
        Ok(space::union_space(study.trials_in(&[TrialState::Complete])))
    }

    fn sample_relative(
        &mut self,
        study: &StudyView,
        trial: &FrozenTrial,
        space: &SearchSpace,
    ) -> Result<InternalParams> {
        if space.is_empty() {
            return Ok(InternalParams::new());
        }
        let enc = Encoder::new(space);
        let trials: Vec<&FrozenTrial> = study
            .trials_in(&[TrialState::Complete])
            .filter(|t| t.values.as_ref().is_some_and(|v| !v[0].is_nan()))
            .collect();
        if trials.len() < self.n_initial(enc.space().dim()) {
            return Ok(self.initial(&enc, trial.number));
        }
        if self.rng.uniform() < self.options.random_design_probability {
            // An empty relative sample leaves every parameter to the random independent sampler.
            return Ok(InternalParams::new());
        }
        let sign = if study.directions[0] == StudyDirection::Maximize { -1.0 } else { 1.0 };
        Ok(self.optimize(space, &enc, &trials, sign))
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_scale_to_the_unit_interval_and_shift_by_the_5th_percentile_before_the_log() {
        // 21 costs 0, 1, ..., 20: the 5th percentile is 1, so the offset is 1/20 (and the epsilon
        // over 20, which moves the logs by about 2e-9 at most).
        let y = log_scaled_costs((0..21).rev().map(f64::from));
        assert!((y[20] - 0.05f64.ln()).abs() < 1e-8, "{}", y[20]);
        assert!((y[10] - 0.55f64.ln()).abs() < 1e-8, "{}", y[10]);
        assert!(y[20] > 0.05f64.ln(), "the epsilon is added, not floored");
        // Ties at the minimum leave only the epsilon (over the range, 2); a non-finite cost counts
        // as the worst.
        let y = log_scaled_costs([3.0, 1.0, 1.0, f64::INFINITY].into_iter());
        let floor = COST_EPSILON / 2.0;
        assert!((y[1] - floor.ln()).abs() < 1e-9, "{}", y[1]);
        assert!((y[3] - (1.0 + floor).ln()).abs() < 1e-12);
        assert_eq!(log_scaled_costs([2.0, 2.0].into_iter()), vec![0.0, 0.0]);
        // A range past f64::MAX stays finite.
        assert!(log_scaled_costs([-1e308, 1e308, 0.0].into_iter()).iter().all(|v| v.is_finite()));
    }

    #[test]
    fn the_initial_design_is_capped_by_the_budget_share() {
        let s = SmacSampler::seeded(0);
        assert_eq!(s.n_initial(2), 20);
        assert_eq!(s.n_initial(5), 25);
        let s = SmacSampler::new(SmacSamplerOptions { init_design_n_configs: Some(3), ..Default::default() }).unwrap();
        assert_eq!(s.n_initial(5), 3);
    }
}
