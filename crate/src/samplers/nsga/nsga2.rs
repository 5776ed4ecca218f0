//! `NSGAIISampler`: NSGA-II (Deb, Pratap, Agarwal & Meyarivan 2002, "A Fast and Elitist
//! Multiobjective Genetic Algorithm: NSGA-II"), Optuna 5.0.0's default multi-objective genetic
//! sampler. The generational loop is in the parent module; what is NSGA-II's own is how the last
//! front that does not fit whole is cut: by crowding distance, most isolated first.

use serde::Deserialize;

use super::{EliteSelection, GaOptions, GeneticSampler, OperatorSpec};
use crate::error::Result;
use crate::multi_objective::crowding_distances;
use crate::rng::Rng;
use crate::trial::{FrozenTrial, StudyDirection};

/// Options, with Optuna's keyword names and defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NsgaIISamplerOptions {
    /// Trials per generation (50).
    pub population_size: usize,
    /// Mutation operator (none: mutated genes are drawn at random).
    pub mutation: Option<OperatorSpec>,
    /// Probability that a gene mutates (1 / number of parameters when absent).
    pub mutation_prob: Option<f64>,
    /// Crossover operator (`UniformCrossover` with `swapping_prob`).
    pub crossover: Option<OperatorSpec>,
    /// Probability of crossover; otherwise a child copies one parent (0.9).
    pub crossover_prob: f64,
    /// Gene-swap probability of the default uniform crossover (0.5).
    pub swapping_prob: f64,
    /// Seed.
    pub seed: Option<u64>,
    /// Tournaments by Deb's crowded comparison (rank, then crowding distance) instead of Pareto
    /// dominance alone (false, as Optuna). Not an Optuna option: it keeps the front spread on
    /// problems like ZDT2 where dominance-only tournaments collapse it to one end.
    pub crowded_tournament: bool,
}

impl Default for NsgaIISamplerOptions {
    fn default() -> Self {
        NsgaIISamplerOptions {
            population_size: 50,
            mutation: None,
            mutation_prob: None,
            crossover: None,
            crossover_prob: 0.9,
            swapping_prob: 0.5,
            seed: None,
            crowded_tournament: false,
        }
    }
}

/// The last front is cut by crowding distance (largest first; ties keep the later trial first,
/// as Optuna's reversed stable sort).
#[derive(Debug, Clone, Default)]
pub struct CrowdingSelection {
    crowded_tournament: bool,
}

impl EliteSelection for CrowdingSelection {
    fn fill(
        &mut self,
        _directions: &[StudyDirection],
        _already: &[&FrozenTrial],
        front: Vec<&FrozenTrial>,
        wanted: usize,
        _rng: &mut Rng,
    ) -> Result<Vec<u64>> {
        let values: Vec<&[f64]> = front.iter().map(|t| t.values.as_deref().unwrap_or(&[])).collect();
        let dist = crowding_distances(&values);
        let mut order: Vec<usize> = (0..front.len()).collect();
        order.sort_by(|&a, &b| dist[a].total_cmp(&dist[b]));
        order.reverse();
        Ok(order.into_iter().take(wanted).map(|i| front[i].number).collect())
    }

    fn crowded_tournament(&self) -> bool {
        self.crowded_tournament
    }
}

/// NSGA-II as a sampler.
pub type NsgaIISampler = GeneticSampler<CrowdingSelection>;

impl GeneticSampler<CrowdingSelection> {
    /// Validates the options as Optuna does.
    pub fn nsga2(o: NsgaIISamplerOptions) -> Result<Self> {
        let options = GaOptions::new(
            "NSGAIISampler",
            o.population_size,
            &o.mutation,
            o.mutation_prob,
            &o.crossover,
            o.crossover_prob,
            o.swapping_prob,
            o.seed,
        )?;
        Ok(GeneticSampler::with_selection(options, CrowdingSelection { crowded_tournament: o.crowded_tournament }))
    }
}
