//! `PercentilePruner` and `MedianPruner` (Optuna's): prune a trial whose best report so far is
//! worse than the given percentile of the complete trials' reports at the same step.
//!
//! As Optuna: nothing is pruned until `n_startup_trials` trials are complete, before
//! `n_warmup_steps`, off the `interval_steps` schedule, or when fewer than `n_min_trials` complete
//! trials reported at this step; a trial whose reports are all NaN is pruned. Percentiles
//! interpolate linearly between order statistics (NumPy's default), ignoring NaN.

use serde::Deserialize;

use super::{Pruner, invalid, is_first_in_interval_step};
use crate::error::Result;
use crate::samplers::{StudyView, SystemAttrs};
use crate::trial::{FrozenTrial, StudyDirection, TrialState};

/// `PercentilePruner` options, Optuna's names and defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PercentilePrunerOptions {
    /// Keep trials better than this percentile (0–100); required, as in Optuna.
    pub percentile: f64,
    /// Complete trials needed before pruning starts (5).
    #[serde(default = "five")]
    pub n_startup_trials: usize,
    /// Steps before pruning starts within a trial (0).
    #[serde(default)]
    pub n_warmup_steps: u64,
    /// Prune only every this many steps after the warm-up (1).
    #[serde(default = "one")]
    pub interval_steps: u64,
    /// Complete trials that must have reported at the step (1).
    #[serde(default = "one_usize")]
    pub n_min_trials: usize,
}

impl Default for PercentilePrunerOptions {
    fn default() -> Self {
        PercentilePrunerOptions {
            percentile: 50.0,
            n_startup_trials: 5,
            n_warmup_steps: 0,
            interval_steps: 1,
            n_min_trials: 1,
        }
    }
}

/// `MedianPruner` options: `PercentilePruner`'s without the percentile (it is 50).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MedianPrunerOptions {
    /// Complete trials needed before pruning starts (5).
    #[serde(default = "five")]
    pub n_startup_trials: usize,
    /// Steps before pruning starts within a trial (0).
    #[serde(default)]
    pub n_warmup_steps: u64,
    /// Prune only every this many steps after the warm-up (1).
    #[serde(default = "one")]
    pub interval_steps: u64,
    /// Complete trials that must have reported at the step (1).
    #[serde(default = "one_usize")]
    pub n_min_trials: usize,
}

impl Default for MedianPrunerOptions {
    fn default() -> Self {
        MedianPrunerOptions { n_startup_trials: 5, n_warmup_steps: 0, interval_steps: 1, n_min_trials: 1 }
    }
}

fn five() -> usize {
    5
}
fn one() -> u64 {
    1
}
fn one_usize() -> usize {
    1
}

/// Prunes below a percentile of the complete trials at the same step.
#[derive(Debug, Clone)]
pub struct PercentilePruner {
    o: PercentilePrunerOptions,
}

impl PercentilePruner {
    /// Validates the options.
    pub fn new(o: PercentilePrunerOptions) -> Result<Self> {
        if !(0.0..=100.0).contains(&o.percentile) {
            return Err(invalid(format!("percentile must be between 0 and 100, but got {}", o.percentile)));
        }
        if o.interval_steps < 1 {
            return Err(invalid(format!("interval_steps must be at least 1, but got {}", o.interval_steps)));
        }
        if o.n_min_trials < 1 {
            return Err(invalid(format!("n_min_trials must be at least 1, but got {}", o.n_min_trials)));
        }
        Ok(PercentilePruner { o })
    }

    /// `MedianPruner`: the 50th percentile.
    pub fn median(o: MedianPrunerOptions) -> Result<Self> {
        Self::new(PercentilePrunerOptions {
            percentile: 50.0,
            n_startup_trials: o.n_startup_trials,
            n_warmup_steps: o.n_warmup_steps,
            interval_steps: o.interval_steps,
            n_min_trials: o.n_min_trials,
        })
    }
}

/// The `q`-th percentile (0–100) of `values`, ignoring NaN, interpolating linearly; NaN if none.
pub(crate) fn nan_percentile(values: &mut Vec<f64>, q: f64) -> f64 {
    values.retain(|v| !v.is_nan());
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let pos = q / 100.0 * (values.len() - 1) as f64;
    let (lo, frac) = (pos.floor() as usize, pos - pos.floor());
    let hi = (lo + 1).min(values.len() - 1);
    values[lo] + (values[hi] - values[lo]) * frac
}

impl Pruner for PercentilePruner {
    fn prune(&mut self, study: &StudyView, trial: &FrozenTrial, _attrs: &mut SystemAttrs) -> Result<bool> {
        let complete: Vec<&FrozenTrial> =
            study.trials.iter().copied().filter(|t| t.state == TrialState::Complete).collect();
        if complete.is_empty() || complete.len() < self.o.n_startup_trials {
            return Ok(false);
        }
        let Some((step, _)) = trial.last_intermediate() else { return Ok(false) };
        if step < self.o.n_warmup_steps
            || !is_first_in_interval_step(step, trial, self.o.n_warmup_steps, self.o.interval_steps)
        {
            return Ok(false);
        }
        let maximize = study.directions[0] == StudyDirection::Maximize;
        let reported = trial.intermediate_values.values().copied().filter(|v| !v.is_nan());
        let best = if maximize { reported.fold(f64::NAN, f64::max) } else { reported.fold(f64::NAN, f64::min) };
        if best.is_nan() {
            return Ok(true);
        }
        let mut at_step: Vec<f64> = complete.iter().filter_map(|t| t.intermediate_values.get(&step).copied()).collect();
        if at_step.len() < self.o.n_min_trials {
            return Ok(false);
        }
        let q = if maximize { 100.0 - self.o.percentile } else { self.o.percentile };
        let p = nan_percentile(&mut at_step, q);
        if p.is_nan() {
            return Ok(false);
        }
        Ok(if maximize { best < p } else { best > p })
    }
}

#[cfg(test)]
mod tests {
    use super::nan_percentile;

    #[test]
    fn percentiles_interpolate_like_numpy() {
        // numpy.nanpercentile([1, 2, 3, 4, nan], [0, 25, 50, 90, 100]) = [1, 1.75, 2.5, 3.7, 4]
        for (q, want) in [(0.0, 1.0), (25.0, 1.75), (50.0, 2.5), (90.0, 3.7), (100.0, 4.0)] {
            let got = nan_percentile(&mut vec![4.0, 2.0, f64::NAN, 1.0, 3.0], q);
            assert!((got - want).abs() < 1e-12, "{q}: {got}");
        }
        assert!(nan_percentile(&mut vec![f64::NAN], 50.0).is_nan());
    }
}
