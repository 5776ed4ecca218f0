//! The one serializable study configuration, shared by the CLI, the JS API, the page and its URL
//! state: directions, sampler and pruner by Optuna class name with Optuna's keyword arguments, the
//! search space in Optuna's JSON, the budget and the seed.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::clock::Clock;
use crate::distributions::Distribution;
use crate::error::{Error, Result};
use crate::study::Study;
use crate::trial::StudyDirection;
use crate::{pruners, samplers};

/// A sampler or pruner named by Optuna's class name, with its keyword arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentSpec {
    /// Optuna's class name, e.g. `"RandomSampler"`.
    pub name: String,
    /// Optuna's keyword arguments as a JSON object (or null for none).
    #[serde(default)]
    pub kwargs: Value,
}

impl ComponentSpec {
    /// A spec with no keyword arguments.
    pub fn named(name: &str) -> Self {
        ComponentSpec { name: name.to_owned(), kwargs: Value::Null }
    }
}

/// Everything needed to reproduce a study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudyConfig {
    /// The study's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Which objective the page runs (its id); the engine does not interpret it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
    /// One direction per objective (default: one, minimize).
    #[serde(default = "default_directions")]
    pub directions: Vec<StudyDirection>,
    /// The sampler (default `RandomSampler`).
    #[serde(default = "default_sampler")]
    pub sampler: ComponentSpec,
    /// The pruner (default `NopPruner`).
    #[serde(default = "default_pruner")]
    pub pruner: ComponentSpec,
    /// The search space for define-and-run use (CLI, fixed-space objectives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_space: Option<IndexMap<String, Distribution>>,
    /// The trial budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n_trials: Option<u64>,
    /// A seed given to the sampler when its kwargs do not set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

fn default_directions() -> Vec<StudyDirection> {
    vec![StudyDirection::Minimize]
}
fn default_sampler() -> ComponentSpec {
    ComponentSpec::named("RandomSampler")
}
fn default_pruner() -> ComponentSpec {
    ComponentSpec::named("NopPruner")
}

impl Default for StudyConfig {
    fn default() -> Self {
        StudyConfig {
            name: None,
            objective: None,
            directions: default_directions(),
            sampler: default_sampler(),
            pruner: default_pruner(),
            search_space: None,
            n_trials: None,
            seed: None,
        }
    }
}

impl StudyConfig {
    /// Parses a configuration from JSON, with the engine's messages for every mistake.
    pub fn from_json_str(s: &str) -> Result<Self> {
        serde_json::from_str(s).map_err(|e| Error::InvalidArgument(format!("invalid study configuration: {e}")))
    }

    /// The sampler's kwargs with the config's seed filled in where they set none.
    pub fn sampler_kwargs(&self) -> Result<Value> {
        let mut kwargs = match &self.sampler.kwargs {
            Value::Null => serde_json::Map::new(),
            Value::Object(m) => m.clone(),
            other => {
                return Err(Error::InvalidArgument(format!(
                    "{} options must be a JSON object, got {other}",
                    self.sampler.name
                )));
            }
        };
        if let Some(seed) = self.seed {
            kwargs.entry("seed").or_insert(Value::from(seed));
        }
        Ok(Value::Object(kwargs))
    }

    /// Builds the study this configuration describes; `clock` overrides the platform clock.
    pub fn build_study(&self, clock: Option<Clock>) -> Result<Study> {
        self.build_study_in(None, clock)
    }

    /// Builds the study in `storage` (continuing a study of the same name if the storage has one,
    /// as Optuna's `load_if_exists`), or in memory when `storage` is `None`.
    pub fn build_study_in(
        &self,
        storage: Option<Box<dyn crate::storage::Storage>>,
        clock: Option<Clock>,
    ) -> Result<Study> {
        if self.directions.is_empty() {
            return Err(Error::InvalidArgument("a study needs at least one direction".into()));
        }
        let sampler = samplers::from_name(&self.sampler.name, &self.sampler_kwargs()?)?;
        let pruner = pruners::from_name(&self.pruner.name, &self.pruner.kwargs)?;
        let mut b = Study::builder().directions(self.directions.clone()).sampler(sampler).pruner(pruner);
        if let Some(name) = &self.name {
            b = b.name(name);
        }
        if let Some(clock) = clock {
            b = b.clock(clock);
        }
        if let Some(storage) = storage {
            b = b.storage(storage).load_if_exists(true);
        }
        b.build()
    }
}
