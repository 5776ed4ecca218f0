//! `GridSampler`: every combination of an explicit grid, each once, in random order (Optuna's
//! `GridSampler`).
//!
//! Grid points are the Cartesian product of the parameters' value lists, parameters taken in name
//! order. Each trial claims an unvisited point (recorded as the `grid_id` and `search_space` system
//! attributes, Optuna's names, so a restored study knows what is left); running trials' points are
//! avoided while others remain. Once every point belongs to a finished trial the study stops. When
//! more trials are asked than points exist, points repeat, as in Optuna.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use super::{Sampler, StudyView, SystemAttrs};
use crate::distributions::{Distribution, ParamValue};
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::trial::{FrozenTrial, TrialState};

const GRID_ID_KEY: &str = "grid_id";
const SEARCH_SPACE_KEY: &str = "search_space";

/// Options, with Optuna's keyword names.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridSamplerOptions {
    /// Parameter name → the values to try.
    pub search_space: IndexMap<String, Vec<ParamValue>>,
    /// Seed for the order in which points are visited.
    pub seed: Option<u64>,
}

/// Exhaustive search over an explicit grid.
pub struct GridSampler {
    /// Parameters in name order, each with its values.
    grid: Vec<(String, Vec<ParamValue>)>,
    n_points: u64,
    space_json: Value,
    rng: Rng,
}

impl GridSampler {
    /// Validates the grid: at least one parameter, no empty value list, a countable product.
    pub fn new(options: GridSamplerOptions) -> Result<Self> {
        let mut grid: Vec<(String, Vec<ParamValue>)> = options.search_space.into_iter().collect();
        if grid.is_empty() {
            return Err(Error::InvalidArgument("GridSampler needs a non-empty search_space".into()));
        }
        grid.sort_by(|a, b| a.0.cmp(&b.0));
        let mut n_points: u64 = 1;
        for (name, values) in &grid {
            if values.is_empty() {
                return Err(Error::InvalidArgument(format!("GridSampler: parameter '{name}' has no values")));
            }
            n_points = n_points
                .checked_mul(values.len() as u64)
                .ok_or_else(|| Error::InvalidArgument("GridSampler: the grid has too many points".into()))?;
        }
        let space_json = Value::Object(grid.iter().map(|(k, v)| (k.clone(), serde_json::json!(v))).collect());
        Ok(GridSampler { grid, n_points, space_json, rng: Rng::from_seed_option(options.seed) })
    }

    /// How many points the grid has.
    pub fn n_points(&self) -> u64 {
        self.n_points
    }

    /// The grid point with index `id` (last parameter varying fastest).
    fn point(&self, mut id: u64) -> Vec<&ParamValue> {
        let mut out = vec![&self.grid[0].1[0]; self.grid.len()];
        for (i, (_, values)) in self.grid.iter().enumerate().rev() {
            let n = values.len() as u64;
            out[i] = &values[(id % n) as usize];
            id /= n;
        }
        out
    }

    /// Grid ids held by this grid's trials: (finished, running).
    fn taken(&self, study: &StudyView) -> (Vec<bool>, Vec<bool>) {
        let n = self.n_points as usize;
        let (mut finished, mut running) = (vec![false; n], vec![false; n]);
        for t in &study.trials {
            if t.system_attrs.get(SEARCH_SPACE_KEY) != Some(&self.space_json) {
                continue;
            }
            if let Some(id) = t.system_attrs.get(GRID_ID_KEY).and_then(Value::as_u64).filter(|&id| id < self.n_points) {
                match t.state {
                    s if s.is_finished() => finished[id as usize] = true,
                    TrialState::Running => running[id as usize] = true,
                    _ => {}
                }
            }
        }
        (finished, running)
    }
}

impl Sampler for GridSampler {
    fn before_trial(&mut self, study: &StudyView, _trial: &FrozenTrial) -> Result<SystemAttrs> {
        let (finished, running) = self.taken(study);
        let free: Vec<u64> = (0..self.n_points).filter(|&i| !finished[i as usize] && !running[i as usize]).collect();
        let unfinished: Vec<u64> = (0..self.n_points).filter(|&i| !finished[i as usize]).collect();
        let id = if !free.is_empty() {
            free[self.rng.index(free.len())]
        } else if !unfinished.is_empty() {
            unfinished[self.rng.index(unfinished.len())]
        } else {
            study.stop();
            self.rng.below(self.n_points)
        };
        Ok(vec![(SEARCH_SPACE_KEY.into(), self.space_json.clone()), (GRID_ID_KEY.into(), Value::from(id))])
    }

    fn sample_independent(&mut self, _: &StudyView, trial: &FrozenTrial, name: &str, d: &Distribution) -> Result<f64> {
        let index = self.grid.iter().position(|(n, _)| n == name).ok_or_else(|| {
            Error::InvalidArgument(format!("GridSampler: the parameter name '{name}' is not found in the given grid"))
        })?;
        let id =
            trial.system_attrs.get(GRID_ID_KEY).and_then(Value::as_u64).ok_or_else(|| {
                Error::InvalidArgument(format!("GridSampler: trial {} has no grid point", trial.number))
            })?;
        d.to_internal(name, self.point(id)[index])
    }

    fn after_trial(&mut self, study: &StudyView, _trial: &FrozenTrial) -> Result<()> {
        if self.taken(study).0.iter().all(|&f| f) {
            study.stop();
        }
        Ok(())
    }
}
