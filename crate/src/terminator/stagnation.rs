//! `BestValueStagnationEvaluator`: how many more trials may pass without a new best value
//! (Optuna 5.0.0's `BestValueStagnationEvaluator`, a plain patience rule with no model).
//!
//! Over the complete trials in order, with `best` the index of the first trial that reached the
//! best value and `last` the last index, the estimate is
//! `max_stagnation_trials − (last − best)`. Paired with a [`StaticErrorEvaluator`](super::StaticErrorEvaluator)
//! at 0 (the terminator's default for it), the study stops once more than
//! `max_stagnation_trials` trials have gone by since the best one.

use serde::Deserialize;

use super::{ImprovementEvaluator, complete, signed_value};
use crate::error::{Error, Result};
use crate::trial::{FrozenTrial, StudyDirection};

/// Options, with Optuna's keyword names and defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StagnationOptions {
    /// Trials allowed without improvement (30).
    pub max_stagnation_trials: i64,
}

impl Default for StagnationOptions {
    fn default() -> Self {
        StagnationOptions { max_stagnation_trials: 30 }
    }
}

/// The stagnation improvement evaluator.
#[derive(Debug, Clone)]
pub struct BestValueStagnationEvaluator {
    max_stagnation_trials: i64,
}

impl BestValueStagnationEvaluator {
    /// Checks the options: `max_stagnation_trials` must not be negative.
    pub fn new(options: StagnationOptions) -> Result<Self> {
        if options.max_stagnation_trials < 0 {
            return Err(Error::InvalidArgument(format!(
                "BestValueStagnationEvaluator: max_stagnation_trials must not be negative, got {}",
                options.max_stagnation_trials
            )));
        }
        Ok(BestValueStagnationEvaluator { max_stagnation_trials: options.max_stagnation_trials })
    }
}

impl Default for BestValueStagnationEvaluator {
    fn default() -> Self {
        Self::new(StagnationOptions::default()).expect("defaults are valid")
    }
}

impl ImprovementEvaluator for BestValueStagnationEvaluator {
    fn evaluate(&mut self, trials: &[FrozenTrial], direction: StudyDirection) -> Result<f64> {
        let done: Vec<&FrozenTrial> = complete(trials).collect();
        if done.is_empty() {
            return Err(Error::InvalidArgument(
                "BestValueStagnationEvaluator: no trial has completed yet, so the improvement cannot be evaluated"
                    .into(),
            ));
        }
        let mut best = 0;
        let mut best_value = signed_value(done[0], direction)?;
        for (i, t) in done.iter().enumerate().skip(1) {
            let v = signed_value(t, direction)?;
            // Strictly better only: a tie keeps the earlier trial as the best.
            if v > best_value {
                (best, best_value) = (i, v);
            }
        }
        Ok((self.max_stagnation_trials - (done.len() - 1 - best) as i64) as f64)
    }

    fn name(&self) -> &'static str {
        "BestValueStagnationEvaluator"
    }
}
