//! `PatientPruner` (Optuna's): wait `patience` steps without improvement (by more than
//! `min_delta`) before asking the wrapped pruner, or pruning outright when there is none.

use serde::Deserialize;

use super::{Pruner, invalid};
use crate::config::ComponentSpec;
use crate::error::Result;
use crate::samplers::{StudyView, SystemAttrs};
use crate::trial::{FrozenTrial, StudyDirection};

/// Options, Optuna's names. `wrapped_pruner` is `{"name": ..., "kwargs": {...}}` or null.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatientPrunerOptions {
    /// The pruner consulted once patience runs out (none: prune).
    pub wrapped_pruner: Option<ComponentSpec>,
    /// Steps without improvement tolerated; required, as in Optuna.
    pub patience: u64,
    /// The improvement that counts (0).
    #[serde(default)]
    pub min_delta: f64,
}

/// Early stopping on stalled learning curves.
pub struct PatientPruner {
    wrapped: Option<Box<dyn Pruner>>,
    patience: usize,
    min_delta: f64,
}

impl PatientPruner {
    /// Validates the options and builds the wrapped pruner.
    pub fn new(o: PatientPrunerOptions) -> Result<Self> {
        if o.min_delta.is_nan() || o.min_delta < 0.0 {
            return Err(invalid(format!("min_delta cannot be negative but got {}", o.min_delta)));
        }
        let wrapped = o.wrapped_pruner.as_ref().map(|spec| super::from_name(&spec.name, &spec.kwargs)).transpose()?;
        Ok(PatientPruner { wrapped, patience: o.patience as usize, min_delta: o.min_delta })
    }
}

impl Pruner for PatientPruner {
    fn prune(&mut self, study: &StudyView, trial: &FrozenTrial, attrs: &mut SystemAttrs) -> Result<bool> {
        let values: Vec<f64> = trial.intermediate_values.values().copied().collect();
        if values.len() <= self.patience + 1 {
            return Ok(false);
        }
        let (before, after) = values.split_at(values.len() - self.patience - 1);
        let nan_min = |xs: &[f64]| xs.iter().copied().filter(|v| !v.is_nan()).fold(f64::NAN, f64::min);
        let nan_max = |xs: &[f64]| xs.iter().copied().filter(|v| !v.is_nan()).fold(f64::NAN, f64::max);
        // Comparisons with NaN are false, as NumPy's are.
        let stalled = match study.directions[0] {
            StudyDirection::Minimize => nan_min(before) + self.min_delta < nan_min(after),
            StudyDirection::Maximize => nan_max(before) - self.min_delta > nan_max(after),
        };
        match (&mut self.wrapped, stalled) {
            (_, false) => Ok(false),
            (Some(p), true) => p.prune(study, trial, attrs),
            (None, true) => Ok(true),
        }
    }
}
