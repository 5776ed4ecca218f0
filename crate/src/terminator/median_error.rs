//! `MedianErrorEvaluator`: a threshold relative to the improvement criterion's own early values
//! (Optuna 5.0.0's `MedianErrorEvaluator`, which its docs pair with EMMR, whose figures are in
//! standardized units and have no natural absolute threshold).
//!
//! Once `warm_up_trials + n_initial_trials` trials are complete, the paired evaluator is run on
//! the complete trials `warm_up..warm_up+i` for i = 1..=n_initial_trials (in trial-number order),
//! and the threshold is `threshold_ratio` times the upper median of those values; it is fixed
//! from then on. Before that the error is `−f64::MIN_POSITIVE` (never terminate: an improvement
//! is assumed non-negative), as Optuna.

use serde::Deserialize;

use super::{ErrorEvaluator, ImprovementEvaluator, complete, improvement_from_spec};
use crate::config::ComponentSpec;
use crate::error::{Error, Result};
use crate::trial::{FrozenTrial, StudyDirection};

/// Options, with Optuna's keyword names and defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MedianErrorOptions {
    /// The improvement evaluator whose early values set the threshold (default
    /// `EMMREvaluator`; Optuna has no default and requires it).
    pub paired_improvement_evaluator: Option<ComponentSpec>,
    /// Complete trials skipped before the initial ones (10).
    pub warm_up_trials: usize,
    /// Initial trials whose criteria give the median (20).
    pub n_initial_trials: usize,
    /// The threshold as a fraction of the median (0.01).
    pub threshold_ratio: f64,
}

impl Default for MedianErrorOptions {
    fn default() -> Self {
        MedianErrorOptions {
            paired_improvement_evaluator: None,
            warm_up_trials: 10,
            n_initial_trials: 20,
            threshold_ratio: 0.01,
        }
    }
}

/// The median-based error evaluator.
pub struct MedianErrorEvaluator {
    paired: Box<dyn ImprovementEvaluator>,
    warm_up_trials: usize,
    n_initial_trials: usize,
    threshold_ratio: f64,
    threshold: Option<f64>,
}

impl MedianErrorEvaluator {
    /// Pairs with `paired` (a separate instance from the terminator's own improvement evaluator,
    /// as in Optuna's example, or the same kind with the same seed to reproduce it).
    pub fn new(
        paired: Box<dyn ImprovementEvaluator>,
        warm_up_trials: usize,
        n_initial_trials: usize,
        threshold_ratio: f64,
    ) -> Result<Self> {
        if n_initial_trials == 0 {
            return Err(Error::InvalidArgument("MedianErrorEvaluator: n_initial_trials must be positive".into()));
        }
        if !(threshold_ratio > 0.0 && threshold_ratio.is_finite()) {
            return Err(Error::InvalidArgument(format!(
                "MedianErrorEvaluator: threshold_ratio must be positive and finite, got {threshold_ratio}"
            )));
        }
        Ok(MedianErrorEvaluator { paired, warm_up_trials, n_initial_trials, threshold_ratio, threshold: None })
    }

    /// From options (the paired evaluator by name).
    pub fn from_options(o: MedianErrorOptions) -> Result<Self> {
        let spec = o.paired_improvement_evaluator.unwrap_or_else(|| ComponentSpec::named("EMMREvaluator"));
        Self::new(improvement_from_spec(&spec)?, o.warm_up_trials, o.n_initial_trials, o.threshold_ratio)
    }

    /// The threshold once fixed.
    pub fn threshold(&self) -> Option<f64> {
        self.threshold
    }
}

impl ErrorEvaluator for MedianErrorEvaluator {
    fn evaluate(&mut self, trials: &[FrozenTrial], direction: StudyDirection) -> Result<f64> {
        if let Some(t) = self.threshold {
            return Ok(t);
        }
        let mut done: Vec<FrozenTrial> = complete(trials).cloned().collect();
        if done.len() < self.warm_up_trials + self.n_initial_trials {
            return Ok(-f64::MIN_POSITIVE);
        }
        done.sort_by_key(|t| t.number);
        let mut criteria = Vec::with_capacity(self.n_initial_trials);
        for i in 1..=self.n_initial_trials {
            criteria.push(self.paired.evaluate(&done[self.warm_up_trials..self.warm_up_trials + i], direction)?);
        }
        criteria.sort_by(f64::total_cmp);
        let t = (criteria[criteria.len() / 2] * self.threshold_ratio).min(f64::MAX);
        self.threshold = Some(t);
        Ok(t)
    }

    fn name(&self) -> &'static str {
        "MedianErrorEvaluator"
    }
}
