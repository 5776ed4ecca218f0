//! `CmaEsSampler`: the covariance matrix adaptation evolution strategy (Optuna's `CmaEsSampler`).
//!
//! References: Hansen, "The CMA Evolution Strategy: A Tutorial" (2016) for the optimizer
//! (`cma`); Ros & Hansen 2008 for `use_separable_cma`; Hamano et al. 2022 for `with_margin`
//! (`margin`); Nomura et al. 2023 for `lr_adapt`; Nomura et al. 2021 for `source_trials`
//! (`warm_start`); Auger & Hansen 2005 (IPOP) and Hansen 2009 (BIPOP) for `restart_strategy`
//! (`restart`). The optimizer's constants and bound handling are those of the `cmaes` package
//! Optuna wraps.
//!
//! Behaviour, as Optuna 5.0.0: the joint space is the intersection of the complete trials' spaces
//! without categorical or single-valued parameters, encoded into `[0, 1]` per coordinate (log
//! parameters in log space; with `with_margin`, int and stepped parameters keep their grid for the
//! margin instead of being widened by half a step). Until `n_startup_trials` trials are complete,
//! and for every parameter outside the joint space, `independent_sampler` (random by default)
//! decides. Each trial is tagged with its generation; once a generation has `popsize` complete
//! trials, the first `popsize` of them update the distribution. The optimizer's state is stored in
//! the system attributes of the trial asked right after the update, so a study reloaded from a
//! journal resumes the same search. Several objectives are refused.
//!
//! Where we differ: `restart_strategy` (`"ipop"`, `"bipop"`) and `inc_popsize` still work
//! (Optuna 4.4 deprecated them and ignores them now); BIPOP's small regime also shrinks the
//! initial step (Hansen 2009), which Optuna's old implementation did not. `x0` and `source_trials`
//! are JSON: `x0` maps names to external values, `source_trials` is a list of `{"params": {...},
//! "value": v}` objects (external values; `"state": "PRUNED"` is skipped unless
//! `consider_pruned_trials`). The stored optimizer is JSON, not a pickle, so Optuna cannot read it
//! (nor we Optuna's). Constraints are ignored, as Optuna (which warns).

mod cma;
mod driver;
mod explain;
mod margin;
mod restart;
mod warm_start;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use cma::{Cma, CmaConfig};
pub use driver::{Driver, DriverConfig};
pub use explain::{CmaAxis, CmaExplainRequest, CmaExplanation, CmaGeneration, explain};
pub use margin::CmaWithMargin;
pub use restart::{NextRun, RestartStrategy, Restarts};
pub use warm_start::warm_start_distribution;

use super::{InternalParams, Sampler, SearchSpace, StudyView, SystemAttrs};
use crate::config::ComponentSpec;
use crate::distributions::{Distribution, ParamValue};
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::search_space::IntersectionSearchSpace;
use crate::transform::{SearchSpaceTransform, TransformOptions};
use crate::trial::{FrozenTrial, StudyDirection, TrialState};

/// A source trial for warm starting (external parameter values).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceTrial {
    /// Parameter values by name.
    pub params: BTreeMap<String, ParamValue>,
    /// Its objective value.
    pub value: f64,
    /// `"COMPLETE"` (default) or `"PRUNED"`.
    #[serde(default)]
    pub state: Option<String>,
}

/// Options, with Optuna 5.0.0's keyword names and defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CmaEsSamplerOptions {
    /// Initial mean, by parameter name (external values); the box centre when absent.
    pub x0: Option<BTreeMap<String, ParamValue>>,
    /// Initial step size in the `[0, 1]`-scaled box (`1/6` when absent).
    pub sigma0: Option<f64>,
    /// Complete trials before CMA-ES takes over (1).
    pub n_startup_trials: usize,
    /// Sampler for parameters outside the joint space (a `RandomSampler` with `seed`).
    pub independent_sampler: Option<ComponentSpec>,
    /// Accepted for Optuna compatibility; the engine emits no warnings.
    pub warn_independent_sampling: bool,
    /// Seed.
    pub seed: Option<u64>,
    /// Pruned trials count as solutions, valued by their last report (false).
    pub consider_pruned_trials: bool,
    /// `"ipop"` or `"bipop"` (none by default).
    pub restart_strategy: Option<RestartStrategy>,
    /// Population size (`4 + ⌊3 ln n⌋` when absent).
    pub popsize: Option<usize>,
    /// Population multiplier per restart (−1: 2).
    pub inc_popsize: i64,
    /// Diagonal covariance (sep-CMA-ES).
    pub use_separable_cma: bool,
    /// CMA-ES with margin for int and stepped parameters.
    pub with_margin: bool,
    /// Learning-rate adaptation.
    pub lr_adapt: bool,
    /// Trials of a similar study to warm start from.
    pub source_trials: Option<Vec<SourceTrial>>,
}

impl Default for CmaEsSamplerOptions {
    fn default() -> Self {
        CmaEsSamplerOptions {
            x0: None,
            sigma0: None,
            n_startup_trials: 1,
            independent_sampler: None,
            warn_independent_sampling: true,
            seed: None,
            consider_pruned_trials: false,
            restart_strategy: None,
            popsize: None,
            inc_popsize: -1,
            use_separable_cma: false,
            with_margin: false,
            lr_adapt: false,
            source_trials: None,
        }
    }
}

/// Everything that persists between trials (stored as JSON in a system attribute).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct State {
    driver: Driver,
    /// Trials numbered below this cannot belong to the current generation (a scan bound).
    generation_start: u64,
}

/// The CMA-ES sampler; see the module documentation.
pub struct CmaEsSampler {
    options: CmaEsSamplerOptions,
    rng: Rng,
    independent: Box<dyn Sampler>,
    search_space: IntersectionSearchSpace,
    state: Option<State>,
    /// The joint sample made in `before_trial` for this trial number.
    pending: Option<(u64, SearchSpace, InternalParams)>,
    /// Set once enough trials are complete (they never become fewer).
    started: bool,
}

impl CmaEsSampler {
    /// Validates the options as Optuna does.
    pub fn new(options: CmaEsSamplerOptions) -> Result<Self> {
        let bad = |m: &str| Err(Error::InvalidArgument(format!("CmaEsSampler: {m}")));
        if options.source_trials.is_some() && (options.x0.is_some() || options.sigma0.is_some()) {
            return bad("It is prohibited to pass `source_trials` argument when x0 or sigma0 is specified.");
        }
        if options.lr_adapt && (options.use_separable_cma || options.with_margin) {
            return bad(
                "It is prohibited to pass `use_separable_cma` or `with_margin` argument when using `lr_adapt`.",
            );
        }
        if options.use_separable_cma && options.with_margin {
            return bad("Currently, we do not support `use_separable_cma=True` and `with_margin=True`.");
        }
        if options.popsize == Some(0) {
            return bad("popsize must be a positive integer");
        }
        if options.sigma0.is_some_and(|s| !(s > 0.0 && s.is_finite())) {
            return bad("sigma0 must be a positive number");
        }
        if options.inc_popsize == 0 || options.inc_popsize == 1 || options.inc_popsize < -1 {
            return bad("inc_popsize must be at least 2 (or -1 for the default, 2)");
        }
        let independent = match &options.independent_sampler {
            Some(spec) => super::from_name(&spec.name, &spec.kwargs)?,
            None => super::from_name("RandomSampler", &serde_json::json!({ "seed": options.seed }))?,
        };
        Ok(CmaEsSampler {
            rng: Rng::from_seed_option(options.seed),
            options,
            independent,
            search_space: IntersectionSearchSpace::new(false),
            state: None,
            pending: None,
            started: false,
        })
    }

    /// The joint space: the intersection without categorical or single-valued parameters.
    fn joint_space(&mut self, study: &StudyView) -> SearchSpace {
        let mut space = self.search_space.calculate(&study.trials);
        space.retain(|_, d| !d.single() && !matches!(d, Distribution::Categorical(_)));
        space
    }

    fn transform(&self, space: &SearchSpace) -> SearchSpaceTransform {
        SearchSpaceTransform::new(
            space,
            TransformOptions { log: true, step: !self.options.with_margin, zero_one: true },
        )
    }

    /// The first run: centred on `x0` or the box, or warm-started from `source_trials`.
    fn new_driver(&self, trans: &SearchSpaceTransform, space: &SearchSpace) -> Result<Driver> {
        let n = trans.n_columns();
        let sigma0 = self.options.sigma0.unwrap_or(1.0 / 6.0);
        let (mut mean, mut sigma, mut cov) = (vec![0.5; n], sigma0, None);
        if let Some(x0) = &self.options.x0 {
            let mut internal = InternalParams::new();
            for (name, d) in space {
                let v = x0.get(name).ok_or_else(|| {
                    Error::InvalidArgument(format!("CmaEsSampler: x0 has no value for parameter '{name}'"))
                })?;
                internal.insert(name.clone(), d.to_internal(name, v)?);
            }
            mean = trans.transform(&internal);
        } else if let Some(source) = &self.options.source_trials {
            let mut solutions = Vec::new();
            for t in source {
                let pruned = t.state.as_deref() == Some("PRUNED");
                if (pruned && !self.options.consider_pruned_trials) || t.params.len() != space.len() {
                    continue;
                }
                let mut internal = InternalParams::new();
                for (name, d) in space {
                    let Some(v) = t.params.get(name) else { break };
                    internal.insert(name.clone(), d.to_internal(name, v)?);
                }
                if internal.len() == space.len() {
                    solutions.push((trans.transform(&internal), t.value));
                }
            }
            let (m, s, c) = warm_start_distribution(solutions, 0.1, 0.1)?;
            (mean, sigma, cov) = (m, s, Some(c));
        }
        // Grid steps in the [0, 1]-scaled box; log parameters stay continuous, as Optuna.
        let margin_steps = self.options.with_margin.then(|| {
            space
                .values()
                .map(|d| match d {
                    Distribution::Float(f) if !f.log() => f.step().map_or(0.0, |s| s / (f.high() - f.low())),
                    Distribution::Int(i) if !i.log() => i.step() as f64 / (i.high() - i.low()) as f64,
                    _ => 0.0,
                })
                .collect()
        });
        let inc = if self.options.inc_popsize == -1 { 2 } else { self.options.inc_popsize as usize };
        let config = DriverConfig {
            bounds: trans.bounds(),
            margin_steps,
            sigma0,
            popsize: self.options.popsize,
            separable: self.options.use_separable_cma,
            lr_adapt: self.options.lr_adapt,
            restart: self.options.restart_strategy.map(|s| (s, inc)),
        };
        Ok(Driver::new(config, mean, sigma, cov))
    }

    /// The stored state, from memory or (after a reload) from the newest trial that carries it.
    fn restore(&mut self, study: &StudyView) {
        if self.state.is_some() {
            return;
        }
        let key = format!("{}optimizer", prefix(&self.options));
        self.state = study.trials.iter().rev().find_map(|t| t.system_attrs.get(&key)).and_then(|v| match v {
            Value::String(text) => serde_json::from_str(text).ok(),
            // A journal may hand back a string that holds JSON as the JSON value itself.
            other => serde_json::from_value(other.clone()).ok(),
        });
    }

    /// The joint sample for `trial`, and the system attributes to record with it.
    fn sample(
        &mut self,
        study: &StudyView,
        trial: &FrozenTrial,
    ) -> Result<Option<(SearchSpace, InternalParams, SystemAttrs)>> {
        if study.directions.len() > 1 {
            return Err(Error::InvalidArgument("CmaEsSampler does not support multi-objective optimization.".into()));
        }
        let space = self.joint_space(study);
        if space.is_empty() {
            return Ok(None);
        }
        let direction = study.directions[0];
        if !self.started {
            let n = study.trials.iter().filter(|t| solution_value(&self.options, t, direction).is_some()).count();
            if n < self.options.n_startup_trials {
                return Ok(None);
            }
            self.started = true;
        }
        let trans = self.transform(&space);
        self.restore(study);
        let mut attrs = SystemAttrs::new();
        let mut changed = false;
        if self.state.is_none() {
            self.state = Some(State { driver: self.new_driver(&trans, &space)?, generation_start: trial.number });
            changed = true;
        }
        let state = self.state.as_mut().expect("set above");
        let cma = state.driver.cma();
        if cma.dim() != trans.n_columns() {
            // The space changed under CMA-ES: Optuna falls back to the independent sampler.
            return Ok(None);
        }
        let (generation, popsize) = (cma.generation(), cma.population_size());
        let key =
            generation_key(self.options.restart_strategy.is_some(), prefix(&self.options), state.driver.restarts());
        let start = study.trials.partition_point(|t| t.number < state.generation_start);
        let with_margin = state.driver.has_margin();
        // Cheap count first: vectors are built only once a generation is complete.
        let members: Vec<(&FrozenTrial, f64)> = study.trials[start..]
            .iter()
            .filter(|t| t.system_attrs.get(&key).and_then(Value::as_u64) == Some(generation))
            .filter_map(|t| Some((*t, solution_value(&self.options, t, direction)?)))
            .take(popsize)
            .collect();
        let mut solutions = Vec::with_capacity(popsize);
        if members.len() == popsize {
            for (t, y) in members {
                let x = if with_margin {
                    t.system_attrs
                        .get("x_for_tell")
                        .and_then(Value::as_array)
                        .and_then(|v| v.iter().map(Value::as_f64).collect())
                } else {
                    let internal: Option<InternalParams> =
                        space.keys().map(|k| t.params.get(k).map(|p| (k.clone(), p.internal))).collect();
                    internal.map(|p| trans.transform(&p))
                };
                if let Some(x) = x.filter(|x: &Vec<f64>| x.len() == trans.n_columns() && Cma::representable(x)) {
                    solutions.push((x, y));
                }
            }
        }
        if solutions.len() == popsize {
            state.driver.tell(solutions, &mut self.rng);
            state.generation_start = trial.number;
            changed = true;
        }
        let (x, raw) = state.driver.ask(&mut self.rng);
        let key =
            generation_key(self.options.restart_strategy.is_some(), prefix(&self.options), state.driver.restarts());
        attrs.push((key, Value::from(state.driver.cma().generation())));
        if let Some(raw) = raw {
            attrs.push(("x_for_tell".into(), serde_json::json!(raw)));
        }
        if changed {
            attrs.push((
                format!("{}optimizer", prefix(&self.options)),
                serde_json::to_value(&*state).map_err(Error::from)?,
            ));
        }
        let params = trans.untransform(&x);
        Ok(Some((space, params, attrs)))
    }
}

impl Sampler for CmaEsSampler {
    fn before_trial(&mut self, study: &StudyView, trial: &FrozenTrial) -> Result<SystemAttrs> {
        self.pending = None;
        let mut attrs = self.independent.before_trial(study, trial)?;
        if let Some((space, params, own)) = self.sample(study, trial)? {
            attrs.extend(own);
            self.pending = Some((trial.number, space, params));
        }
        Ok(attrs)
    }

    fn infer_relative_search_space(&mut self, _study: &StudyView, trial: &FrozenTrial) -> Result<SearchSpace> {
        Ok(match &self.pending {
            Some((n, space, _)) if *n == trial.number => space.clone(),
            _ => SearchSpace::new(),
        })
    }

    fn sample_relative(
        &mut self,
        _study: &StudyView,
        trial: &FrozenTrial,
        _space: &SearchSpace,
    ) -> Result<InternalParams> {
        Ok(match self.pending.take() {
            Some((n, _, params)) if n == trial.number => params,
            _ => InternalParams::new(),
        })
    }

    fn sample_independent(
        &mut self,
        study: &StudyView,
        trial: &FrozenTrial,
        name: &str,
        distribution: &Distribution,
    ) -> Result<f64> {
        if study.directions.len() > 1 {
            return Err(Error::InvalidArgument("CmaEsSampler does not support multi-objective optimization.".into()));
        }
        self.independent.sample_independent(study, trial, name, distribution)
    }

    fn after_trial(&mut self, study: &StudyView, trial: &FrozenTrial) -> Result<()> {
        self.independent.after_trial(study, trial)
    }
}

/// System attribute prefix, as Optuna's for each variant.
fn prefix(o: &CmaEsSamplerOptions) -> &'static str {
    if o.use_separable_cma {
        "sepcma:"
    } else if o.with_margin {
        "cmawm:"
    } else {
        "cma:"
    }
}

/// The system attribute holding a trial's generation (per restart when restarts are on).
fn generation_key(restarts_on: bool, prefix: &str, restart: u32) -> String {
    if restarts_on { format!("{prefix}restart_{restart}:generation") } else { format!("{prefix}generation") }
}

/// The value CMA-ES minimizes for a trial that counts as a solution, if it does.
fn solution_value(o: &CmaEsSamplerOptions, t: &FrozenTrial, direction: StudyDirection) -> Option<f64> {
    let v = match t.state {
        TrialState::Complete => t.values.as_ref()?.first().copied()?,
        TrialState::Pruned if o.consider_pruned_trials => t.last_intermediate()?.1,
        _ => return None,
    };
    Some(if direction == StudyDirection::Maximize { -v } else { v })
}
