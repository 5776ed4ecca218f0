//! `HyperbandPruner` (Li et al. 2018, as Optuna runs it): several successive-halving brackets with
//! different early-stopping rates, each trial assigned to one bracket.
//!
//! As Optuna: `n_brackets = ⌊log_η(max_resource / min_resource)⌋ + 1`; bracket `s` gets a share
//! `⌈n_brackets · η^(n_brackets−1−s) / (n_brackets − s)⌉` of the trials; a trial's bracket is
//! `crc32("{study name}_{trial number}")` modulo the total, walked through the shares; bracket `s`
//! is `SuccessiveHalvingPruner(min_resource, η, min_early_stopping_rate = s)` judging only the
//! trials of its own bracket. Samplers too see only a trial's own bracket (through
//! [`Pruner::bracket_of`]). With `max_resource = "auto"`, nothing happens until a trial completes;
//! its last step + 1 becomes the maximum.

use serde::Deserialize;

use super::successive_halving::{MinResource, SuccessiveHalvingPrunerOptions};
use super::{BracketFn, Pruner, SuccessiveHalvingPruner, invalid, last_complete_step};
use crate::error::Result;
use crate::samplers::{StudyView, SystemAttrs};
use crate::trial::FrozenTrial;

/// `max_resource`: a number of steps, or `"auto"`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum MaxResource {
    /// A fixed number of steps.
    Steps(u64),
    /// The last step + 1 of the first complete trial(s).
    Auto(super::successive_halving::AutoTag),
}

/// Options, Optuna's names and defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HyperbandPrunerOptions {
    /// First rung's step in the most aggressive bracket (1).
    pub min_resource: u64,
    /// The most steps a trial runs, or `"auto"` (default).
    pub max_resource: MaxResource,
    /// η (3).
    pub reduction_factor: u64,
    /// Passed to every bracket's successive halving (0).
    pub bootstrap_count: usize,
}

impl Default for HyperbandPrunerOptions {
    fn default() -> Self {
        HyperbandPrunerOptions {
            min_resource: 1,
            max_resource: MaxResource::Auto(super::successive_halving::AutoTag::Auto),
            reduction_factor: 3,
            bootstrap_count: 0,
        }
    }
}

/// Hyperband over asynchronous successive halving.
pub struct HyperbandPruner {
    o: HyperbandPrunerOptions,
    max_resource: Option<u64>,
    pruners: Vec<SuccessiveHalvingPruner>,
    budgets: Vec<u64>,
}

impl HyperbandPruner {
    /// Validates the options.
    pub fn new(o: HyperbandPrunerOptions) -> Result<Self> {
        if o.min_resource < 1 {
            return Err(invalid("min_resource must be at least 1".into()));
        }
        if o.reduction_factor < 2 {
            return Err(invalid(format!("reduction_factor must be at least 2, but got {}", o.reduction_factor)));
        }
        let max_resource = match o.max_resource {
            MaxResource::Steps(m) if m < o.min_resource => {
                return Err(invalid(format!("max_resource ({m}) must be at least min_resource ({})", o.min_resource)));
            }
            MaxResource::Steps(m) => Some(m),
            MaxResource::Auto(_) if o.bootstrap_count > 0 => {
                return Err(invalid("bootstrap_count > 0 and max_resource \"auto\" cannot be combined".into()));
            }
            MaxResource::Auto(_) => None,
        };
        Ok(HyperbandPruner { o, max_resource, pruners: Vec::new(), budgets: Vec::new() })
    }

    /// Sets the brackets up once the maximum resource is known (from a complete trial, for "auto").
    fn try_initialize(&mut self, study: &StudyView) -> Result<()> {
        if self.pruners.is_empty() {
            self.initialize(last_complete_step(study))?;
        }
        Ok(())
    }

    /// Sets the brackets up, given the last step of the complete trials (what "auto" needs; ignored
    /// when `max_resource` was given). Returns whether the brackets exist now.
    pub fn initialize(&mut self, last_complete_step: Option<u64>) -> Result<bool> {
        if !self.pruners.is_empty() {
            return Ok(true);
        }
        if self.max_resource.is_none() {
            let Some(last) = last_complete_step else { return Ok(false) };
            self.max_resource = Some(last + 1);
        }
        let (min, max, eta) =
            (self.o.min_resource as f64, self.max_resource.unwrap_or(1) as f64, self.o.reduction_factor);
        // Floating point, as Optuna's math.log(x, base), so bracket counts agree at exact powers.
        let n_brackets = (libm::log(max / min) / libm::log(eta as f64)).floor().max(0.0) as u32 + 1;
        for s in 0..n_brackets {
            let rest = n_brackets - 1 - s;
            let num = n_brackets as u64 * eta.pow(rest);
            self.budgets.push(num.div_ceil(rest as u64 + 1));
            self.pruners.push(SuccessiveHalvingPruner::new(SuccessiveHalvingPrunerOptions {
                min_resource: MinResource::Steps(self.o.min_resource),
                reduction_factor: eta,
                min_early_stopping_rate: s,
                bootstrap_count: self.o.bootstrap_count,
            })?);
        }
        Ok(true)
    }

    /// The bracket of trial `number` in study `name`, once the brackets exist.
    pub fn bracket_id(&self, name: &str, number: u64) -> Option<usize> {
        bracket_fn(name, &self.budgets).map(|f| f(number))
    }
}

fn bracket_fn(name: &str, budgets: &[u64]) -> Option<BracketFn> {
    let total: u64 = budgets.iter().sum();
    if total == 0 {
        return None;
    }
    let (name, budgets) = (name.to_owned(), budgets.to_vec());
    Some(Box::new(move |number| {
        let mut n = crc32fast::hash(format!("{name}_{number}").as_bytes()) as i64 % total as i64;
        for (s, b) in budgets.iter().enumerate() {
            n -= *b as i64;
            if n < 0 {
                return s;
            }
        }
        budgets.len() - 1
    }))
}

impl Pruner for HyperbandPruner {
    fn prune(&mut self, study: &StudyView, trial: &FrozenTrial, attrs: &mut SystemAttrs) -> Result<bool> {
        self.try_initialize(study)?;
        let Some(bracket) = bracket_fn(study.name, &self.budgets) else { return Ok(false) };
        let mine = bracket(trial.number);
        let view = study.filtered(|t| bracket(t.number) == mine);
        self.pruners[mine].prune(&view, trial, attrs)
    }

    fn bracket_of(&mut self, study: &StudyView) -> Option<BracketFn> {
        // As Optuna, brackets appear only once pruning has started; until then all is one bracket.
        bracket_fn(study.name, &self.budgets)
    }
}
