//! Samplers: where the next parameters come from.
//!
//! The [`Sampler`] trait is Optuna's `BaseSampler`, kept as small as candle's `Optimizer`: one
//! required method (`sample_independent`) and provided defaults for the rest. A model-based sampler
//! overrides `infer_relative_search_space` and `sample_relative` to pick several parameters jointly;
//! anything outside that joint space falls back to `sample_independent`.
//!
//! Adding a sampler: one new file here with an options struct and a doc comment naming what it
//! follows, one line in [`from_name`], one test file.

pub mod auto;
mod brute_force;
pub mod cmaes;
pub mod gp;
mod grid;
pub mod nsga;
mod partial_fixed;
mod qmc;
mod random;
pub mod smac;
pub mod tpe;

use std::cell::Cell;
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;

pub use auto::{AUTO_SAMPLER_KEY, AutoChoice, AutoSampler, AutoSamplerOptions};
pub use brute_force::{BruteForceSampler, BruteForceSamplerOptions};
pub use cmaes::{CmaEsSampler, CmaEsSamplerOptions};
pub use gp::{GpSampler, GpSamplerOptions};
pub use grid::{GridSampler, GridSamplerOptions};
pub use nsga::{NsgaIIISampler, NsgaIIISamplerOptions, NsgaIISampler, NsgaIISamplerOptions};
pub use partial_fixed::{PartialFixedSampler, PartialFixedSamplerOptions};
pub use qmc::{QmcSampler, QmcSamplerOptions, QmcType, halton_point, sobol_point};
pub use random::{RandomSampler, RandomSamplerOptions};
pub use smac::{SmacSampler, SmacSamplerOptions};
pub use tpe::{CONSTRAINTS_KEY, Gamma, GammaName, TpeSampler, TpeSamplerOptions, Weights};

use crate::distributions::Distribution;
use crate::error::{Error, Result};
use crate::trial::{FrozenTrial, StudyDirection, TrialState};

/// A search space: parameter names (sorted) to distributions.
pub type SearchSpace = BTreeMap<String, Distribution>;

/// Parameters' internal values by name.
pub type InternalParams = BTreeMap<String, f64>;

/// System attributes a sampler asks the study to record on a trial.
pub type SystemAttrs = Vec<(String, Value)>;

/// What a sampler or pruner may see of the study: its name, directions and trials, and a way to
/// stop it.
pub struct StudyView<'a> {
    /// The study's name (Hyperband derives brackets from it, as Optuna).
    pub name: &'a str,
    /// One direction per objective.
    pub directions: &'a [StudyDirection],
    /// The trials in view, in number order (including the one being sampled). Usually all of
    /// them; with `HyperbandPruner`, samplers see only the trials of the same bracket, as Optuna.
    pub trials: Vec<&'a FrozenTrial>,
    pub(crate) stop: &'a Cell<bool>,
}

impl<'a> StudyView<'a> {
    /// A view over all `trials`, for tests and for tools that replay a study.
    pub fn new(
        name: &'a str,
        directions: &'a [StudyDirection],
        trials: &'a [FrozenTrial],
        stop: &'a Cell<bool>,
    ) -> Self {
        StudyView { name, directions, trials: trials.iter().collect(), stop }
    }

    /// The same study seen through `keep`.
    pub fn filtered(&self, keep: impl Fn(&FrozenTrial) -> bool) -> StudyView<'a> {
        let trials = self.trials.iter().copied().filter(|t| keep(t)).collect();
        StudyView { name: self.name, directions: self.directions, trials, stop: self.stop }
    }

    /// One past the largest trial number in view (for tables indexed by trial number).
    pub fn number_bound(&self) -> usize {
        self.trials.last().map_or(0, |t| t.number as usize + 1)
    }

    /// Asks the study to stop handing out new trials (Optuna's `study.stop()`).
    pub fn stop(&self) {
        self.stop.set(true);
    }

    /// Trials in any of `states`.
    pub fn trials_in<'s>(&'s self, states: &'s [TrialState]) -> impl Iterator<Item = &'a FrozenTrial> + 's {
        self.trials.iter().copied().filter(move |t| states.contains(&t.state))
    }
}

/// Optuna's `BaseSampler`. All methods take `&mut self` so samplers can keep caches and an RNG.
pub trait Sampler {
    /// Called when a trial starts, before anything is sampled; the returned system attributes are
    /// recorded on the trial (grid ids, QMC sample ids...).
    fn before_trial(&mut self, _study: &StudyView, _trial: &FrozenTrial) -> Result<SystemAttrs> {
        Ok(Vec::new())
    }

    /// The parameters this sampler will choose jointly for `trial`.
    fn infer_relative_search_space(&mut self, _study: &StudyView, _trial: &FrozenTrial) -> Result<SearchSpace> {
        Ok(SearchSpace::new())
    }

    /// Joint values (internal representation) for `space`.
    fn sample_relative(
        &mut self,
        _study: &StudyView,
        _trial: &FrozenTrial,
        _space: &SearchSpace,
    ) -> Result<InternalParams> {
        Ok(InternalParams::new())
    }

    /// A value (internal representation) for one parameter outside the relative space.
    fn sample_independent(
        &mut self,
        study: &StudyView,
        trial: &FrozenTrial,
        name: &str,
        distribution: &Distribution,
    ) -> Result<f64>;

    /// Called once a trial has ended (its state and values are already in `trial`).
    fn after_trial(&mut self, _study: &StudyView, _trial: &FrozenTrial) -> Result<()> {
        Ok(())
    }
}

/// The sampler names [`from_name`] knows, as Optuna's class names.
pub const SAMPLER_NAMES: &[&str] = &[
    "RandomSampler",
    "TPESampler",
    "CmaEsSampler",
    "NSGAIISampler",
    "NSGAIIISampler",
    "GridSampler",
    "BruteForceSampler",
    "QMCSampler",
    "PartialFixedSampler",
    "GPSampler",
    "AutoSampler",
    "SMACSampler",
];

/// Builds a sampler from Optuna's class name and keyword arguments (a JSON object, or null).
pub fn from_name(name: &str, kwargs: &Value) -> Result<Box<dyn Sampler>> {
    Ok(match name {
        "RandomSampler" => Box::new(RandomSampler::new(options(name, kwargs)?)),
        "TPESampler" => Box::new(TpeSampler::new(options(name, kwargs)?)?),
        "CmaEsSampler" => Box::new(CmaEsSampler::new(options(name, kwargs)?)?),
        "NSGAIISampler" => Box::new(NsgaIISampler::nsga2(options(name, kwargs)?)?),
        "NSGAIIISampler" => Box::new(NsgaIIISampler::nsga3(options(name, kwargs)?)?),
        "GridSampler" => Box::new(GridSampler::new(options(name, kwargs)?)?),
        "BruteForceSampler" => Box::new(BruteForceSampler::new(options(name, kwargs)?)),
        "QMCSampler" => Box::new(QmcSampler::new(options(name, kwargs)?)?),
        "PartialFixedSampler" => Box::new(PartialFixedSampler::new(options(name, kwargs)?)?),
        "GPSampler" => Box::new(GpSampler::new(options(name, kwargs)?)?),
        "AutoSampler" => Box::new(AutoSampler::new(options(name, kwargs)?)?),
        "SMACSampler" => Box::new(SmacSampler::new(options(name, kwargs)?)?),
        _ => {
            return Err(Error::UnknownName { kind: "sampler", name: name.to_owned(), known: SAMPLER_NAMES.join(", ") });
        }
    })
}

/// Reads an options struct from kwargs, naming the class in the error (unknown keys are refused).
pub(crate) fn options<T: DeserializeOwned + Default>(class: &str, kwargs: &Value) -> Result<T> {
    match kwargs {
        Value::Null => Ok(T::default()),
        Value::Object(_) => {
            serde_json::from_value(kwargs.clone()).map_err(|e| Error::InvalidArgument(format!("{class} options: {e}")))
        }
        other => Err(Error::InvalidArgument(format!("{class} options must be a JSON object, got {other}"))),
    }
}
