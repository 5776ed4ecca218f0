//! `RandomSampler`: independent uniform sampling (Optuna's `RandomSampler`).
//!
//! Each parameter is drawn uniformly from its box in the shared [`crate::transform`] — so log
//! parameters are log-uniform, and every value of an int, stepped or categorical parameter is
//! equally likely — then decoded. Same seed, same sequence, natively and in wasm.

use serde::Deserialize;

use super::{Sampler, SearchSpace, StudyView};
use crate::distributions::Distribution;
use crate::error::Result;
use crate::rng::Rng;
use crate::transform::{SearchSpaceTransform, TransformOptions};
use crate::trial::FrozenTrial;

/// Options, with Optuna's keyword names.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RandomSamplerOptions {
    /// Seed for the generator; `None` draws one from the system.
    pub seed: Option<u64>,
}

/// Uniform independent sampling.
#[derive(Debug, Clone)]
pub struct RandomSampler {
    rng: Rng,
}

impl RandomSampler {
    /// A sampler with `options`.
    pub fn new(options: RandomSamplerOptions) -> Self {
        RandomSampler { rng: Rng::from_seed_option(options.seed) }
    }

    /// A seeded sampler.
    pub fn seeded(seed: u64) -> Self {
        Self::new(RandomSamplerOptions { seed: Some(seed) })
    }

    /// One uniform draw for a single distribution (shared with samplers that fall back to it).
    pub fn draw(&mut self, name: &str, distribution: &Distribution) -> f64 {
        let mut space = SearchSpace::new();
        space.insert(name.to_owned(), distribution.clone());
        let t = SearchSpaceTransform::new(&space, TransformOptions::default());
        let x: Vec<f64> = t.bounds().iter().map(|[lo, hi]| self.rng.uniform_range(*lo, *hi)).collect();
        t.untransform(&x)[name]
    }
}

impl Sampler for RandomSampler {
    fn sample_independent(&mut self, _: &StudyView, _: &FrozenTrial, name: &str, d: &Distribution) -> Result<f64> {
        Ok(self.draw(name, d))
    }
}
