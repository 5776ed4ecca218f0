//! `ThresholdPruner` (Optuna's): prune when the latest report leaves `[lower, upper]` or is NaN.

use serde::Deserialize;

use super::{Pruner, invalid, is_first_in_interval_step};
use crate::error::Result;
use crate::samplers::{StudyView, SystemAttrs};
use crate::trial::FrozenTrial;

/// Options, Optuna's names; at least one of `lower` and `upper` is required.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdPrunerOptions {
    /// Prune below this.
    pub lower: Option<f64>,
    /// Prune above this.
    pub upper: Option<f64>,
    /// Steps before pruning starts (0).
    #[serde(default)]
    pub n_warmup_steps: u64,
    /// Check every this many steps (1).
    pub interval_steps: Option<u64>,
}

/// Prunes reports outside fixed bounds.
#[derive(Debug, Clone)]
pub struct ThresholdPruner {
    lower: f64,
    upper: f64,
    n_warmup_steps: u64,
    interval_steps: u64,
}

impl ThresholdPruner {
    /// Validates the options.
    pub fn new(o: ThresholdPrunerOptions) -> Result<Self> {
        if o.lower.is_none() && o.upper.is_none() {
            return Err(invalid("ThresholdPruner: either lower or upper must be specified".into()));
        }
        let (lower, upper) = (o.lower.unwrap_or(f64::NEG_INFINITY), o.upper.unwrap_or(f64::INFINITY));
        if lower.is_nan() || upper.is_nan() || lower > upper {
            return Err(invalid(format!("ThresholdPruner: lower ({lower}) must not exceed upper ({upper})")));
        }
        let interval_steps = o.interval_steps.unwrap_or(1);
        if interval_steps < 1 {
            return Err(invalid(format!("interval_steps must be at least 1, but got {interval_steps}")));
        }
        Ok(ThresholdPruner { lower, upper, n_warmup_steps: o.n_warmup_steps, interval_steps })
    }
}

impl Pruner for ThresholdPruner {
    fn prune(&mut self, _study: &StudyView, trial: &FrozenTrial, _attrs: &mut SystemAttrs) -> Result<bool> {
        let Some((step, value)) = trial.last_intermediate() else { return Ok(false) };
        if step < self.n_warmup_steps
            || !is_first_in_interval_step(step, trial, self.n_warmup_steps, self.interval_steps)
        {
            return Ok(false);
        }
        Ok(value.is_nan() || value < self.lower || value > self.upper)
    }
}
