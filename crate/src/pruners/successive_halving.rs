//! `SuccessiveHalvingPruner` (Optuna's asynchronous successive halving, ASHA; Li et al. 2020).
//!
//! Rungs sit at steps `min_resource · reduction_factor^(min_early_stopping_rate + rung)`. When a
//! trial reaches a rung it records its value there (the `completed_rung_N` system attribute,
//! Optuna's name) and continues only if that value is in the top `1 / reduction_factor` of all
//! values recorded at that rung so far (with fewer than `reduction_factor` of them, only the best
//! continues). `min_resource = "auto"` waits for a complete trial and takes 1% of its last step.
//! With `bootstrap_count`, a rung prunes everything until it holds more than that many values.

use serde::Deserialize;
use serde_json::Value;

use super::{Pruner, invalid, last_complete_step};
use crate::error::Result;
use crate::samplers::{StudyView, SystemAttrs};
use crate::trial::{FrozenTrial, StudyDirection};

/// `min_resource`: a number of steps, or `"auto"`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum MinResource {
    /// A fixed number of steps (≥ 1).
    Steps(u64),
    /// Estimated from the first complete trials.
    Auto(AutoTag),
}

/// The literal `"auto"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AutoTag {
    /// `"auto"`.
    Auto,
}

/// Options, Optuna's names and defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SuccessiveHalvingPrunerOptions {
    /// First rung's step, or `"auto"` (default).
    pub min_resource: MinResource,
    /// Rung spacing and survival rate (4).
    pub reduction_factor: u64,
    /// Skip this many rungs (0).
    pub min_early_stopping_rate: u32,
    /// Values a rung needs before anything is promoted from it (0).
    pub bootstrap_count: usize,
}

impl Default for SuccessiveHalvingPrunerOptions {
    fn default() -> Self {
        SuccessiveHalvingPrunerOptions {
            min_resource: MinResource::Auto(AutoTag::Auto),
            reduction_factor: 4,
            min_early_stopping_rate: 0,
            bootstrap_count: 0,
        }
    }
}

/// Asynchronous successive halving.
#[derive(Debug, Clone)]
pub struct SuccessiveHalvingPruner {
    min_resource: Option<u64>,
    reduction_factor: u64,
    min_early_stopping_rate: u32,
    bootstrap_count: usize,
}

fn rung_key(rung: u32) -> String {
    format!("completed_rung_{rung}")
}

impl SuccessiveHalvingPruner {
    /// Validates the options.
    pub fn new(o: SuccessiveHalvingPrunerOptions) -> Result<Self> {
        let min_resource = match o.min_resource {
            MinResource::Steps(0) => {
                return Err(invalid("min_resource must be at least 1 or \"auto\"".into()));
            }
            MinResource::Steps(n) => Some(n),
            MinResource::Auto(_) => None,
        };
        if o.reduction_factor < 2 {
            return Err(invalid(format!("reduction_factor must be at least 2, but got {}", o.reduction_factor)));
        }
        if o.bootstrap_count > 0 && min_resource.is_none() {
            return Err(invalid("bootstrap_count > 0 and min_resource \"auto\" cannot be combined".into()));
        }
        Ok(SuccessiveHalvingPruner {
            min_resource,
            reduction_factor: o.reduction_factor,
            min_early_stopping_rate: o.min_early_stopping_rate,
            bootstrap_count: o.bootstrap_count,
        })
    }

    /// The first rung's step (estimated once, for `"auto"`).
    fn resolve_min_resource(&mut self, study: &StudyView) -> Option<u64> {
        if self.min_resource.is_none() {
            let last = last_complete_step(study)?;
            self.min_resource = Some((last / 100).max(1));
        }
        self.min_resource
    }
}

impl Pruner for SuccessiveHalvingPruner {
    fn prune(&mut self, study: &StudyView, trial: &FrozenTrial, attrs: &mut SystemAttrs) -> Result<bool> {
        let Some((step, value)) = trial.last_intermediate() else { return Ok(false) };
        let mut rung = (0..).find(|r| !trial.system_attrs.contains_key(&rung_key(*r))).unwrap_or(0);
        let Some(min_resource) = self.resolve_min_resource(study) else { return Ok(false) };
        let maximize = study.directions[0] == StudyDirection::Maximize;
        loop {
            let promotion_step = self
                .reduction_factor
                .checked_pow(self.min_early_stopping_rate + rung)
                .and_then(|f| f.checked_mul(min_resource))
                .unwrap_or(u64::MAX);
            if step < promotion_step {
                return Ok(false);
            }
            if value.is_nan() {
                return Ok(true);
            }
            let key = rung_key(rung);
            attrs.push((key.clone(), Value::from(value)));
            let mut competing: Vec<f64> = study
                .trials
                .iter()
                .filter(|t| t.number != trial.number)
                .filter_map(|t| t.system_attrs.get(&key).and_then(Value::as_f64))
                .collect();
            competing.push(value);
            if competing.len() <= self.bootstrap_count {
                return Ok(true);
            }
            let idx = (competing.len() / self.reduction_factor as usize).saturating_sub(1);
            competing.sort_by(f64::total_cmp);
            let promotable =
                if maximize { value >= competing[competing.len() - 1 - idx] } else { value <= competing[idx] };
            if !promotable {
                return Ok(true);
            }
            rung += 1;
        }
    }
}
