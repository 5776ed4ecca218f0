//! `PartialFixedSampler`: some parameters fixed, the rest from a base sampler (Optuna's
//! `PartialFixedSampler`). As in Optuna, a fixed value outside its distribution's range is used
//! as given; a categorical value that is not one of the choices is an error.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use super::{InternalParams, Sampler, SearchSpace, StudyView, SystemAttrs};
use crate::config::ComponentSpec;
use crate::distributions::{Distribution, ParamValue};
use crate::error::Result;
use crate::trial::FrozenTrial;

/// Options. `base_sampler` is `{"name": "<Optuna class name>", "kwargs": {...}}` (default:
/// `RandomSampler` with no seed).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialFixedSamplerOptions {
    /// Parameter name → the value every trial gets.
    pub fixed_params: IndexMap<String, ParamValue>,
    /// The sampler for everything else.
    pub base_sampler: Option<ComponentSpec>,
}

/// Fixes some parameters and delegates the rest.
pub struct PartialFixedSampler {
    fixed: IndexMap<String, ParamValue>,
    base: Box<dyn Sampler>,
}

impl PartialFixedSampler {
    /// Builds the base sampler from its spec.
    pub fn new(options: PartialFixedSamplerOptions) -> Result<Self> {
        let base = match &options.base_sampler {
            Some(spec) => super::from_name(&spec.name, &spec.kwargs)?,
            None => super::from_name("RandomSampler", &Value::Null)?,
        };
        Ok(Self::with_base(options.fixed_params, base))
    }

    /// Wraps an existing sampler.
    pub fn with_base(fixed: IndexMap<String, ParamValue>, base: Box<dyn Sampler>) -> Self {
        PartialFixedSampler { fixed, base }
    }
}

impl Sampler for PartialFixedSampler {
    fn before_trial(&mut self, study: &StudyView, trial: &FrozenTrial) -> Result<SystemAttrs> {
        self.base.before_trial(study, trial)
    }

    fn infer_relative_search_space(&mut self, study: &StudyView, trial: &FrozenTrial) -> Result<SearchSpace> {
        let mut space = self.base.infer_relative_search_space(study, trial)?;
        space.retain(|name, _| !self.fixed.contains_key(name));
        Ok(space)
    }

    fn sample_relative(
        &mut self,
        study: &StudyView,
        trial: &FrozenTrial,
        space: &SearchSpace,
    ) -> Result<InternalParams> {
        self.base.sample_relative(study, trial, space)
    }

    fn sample_independent(
        &mut self,
        study: &StudyView,
        trial: &FrozenTrial,
        name: &str,
        d: &Distribution,
    ) -> Result<f64> {
        match self.fixed.get(name) {
            Some(v) => d.to_internal(name, v),
            None => self.base.sample_independent(study, trial, name, d),
        }
    }

    fn after_trial(&mut self, study: &StudyView, trial: &FrozenTrial) -> Result<()> {
        self.base.after_trial(study, trial)
    }
}
