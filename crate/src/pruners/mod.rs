//! Pruners: whether a running trial should stop early, judged from its reports.
//!
//! The [`Pruner`] trait is Optuna's `BasePruner`: one method. Adding a pruner is one file here with
//! an options struct, one line in [`from_name`], one test file. Decisions are checked against
//! fixtures recorded from Optuna 5.0.0 (`tests/engine/pruners.rs`).

mod hyperband;
mod nop;
mod patient;
mod percentile;
mod successive_halving;
mod threshold;
mod wilcoxon;

use serde_json::Value;

pub use hyperband::{HyperbandPruner, HyperbandPrunerOptions, MaxResource};
pub use nop::NopPruner;
pub use patient::{PatientPruner, PatientPrunerOptions};
pub use percentile::{MedianPrunerOptions, PercentilePruner, PercentilePrunerOptions};
pub use successive_halving::{AutoTag, MinResource, SuccessiveHalvingPruner, SuccessiveHalvingPrunerOptions};
pub use threshold::{ThresholdPruner, ThresholdPrunerOptions};
pub use wilcoxon::{Alternative, WilcoxonPruner, WilcoxonPrunerOptions, signed_rank_p};

use crate::error::{Error, Result};
use crate::samplers::{StudyView, SystemAttrs, options};
use crate::trial::FrozenTrial;

/// Maps a trial number to its bracket.
pub type BracketFn = Box<dyn Fn(u64) -> usize>;

/// Optuna's `BasePruner`.
pub trait Pruner {
    /// Whether `trial` (running, with its reports so far) should be pruned now. System attributes
    /// pushed to `attrs` are recorded on the trial (successive halving's rungs).
    fn prune(&mut self, study: &StudyView, trial: &FrozenTrial, attrs: &mut SystemAttrs) -> Result<bool>;

    /// For pruners that split the study into brackets (Hyperband), the bracket of each trial
    /// number, so that samplers see only a trial's own bracket. `None` for the others.
    fn bracket_of(&mut self, _study: &StudyView) -> Option<BracketFn> {
        None
    }
}

/// The pruner names [`from_name`] knows, as Optuna's class names.
pub const PRUNER_NAMES: &[&str] = &[
    "NopPruner",
    "MedianPruner",
    "PercentilePruner",
    "ThresholdPruner",
    "PatientPruner",
    "SuccessiveHalvingPruner",
    "HyperbandPruner",
];

/// Builds a pruner from Optuna's class name and keyword arguments (a JSON object, or null).
pub fn from_name(name: &str, kwargs: &Value) -> Result<Box<dyn Pruner>> {
    Ok(match name {
        "NopPruner" => {
            options::<nop::NopPrunerOptions>(name, kwargs)?;
            Box::new(NopPruner)
        }
        "MedianPruner" => Box::new(PercentilePruner::median(options(name, kwargs)?)?),
        "PercentilePruner" => Box::new(PercentilePruner::new(options(name, kwargs)?)?),
        "ThresholdPruner" => Box::new(ThresholdPruner::new(options(name, kwargs)?)?),
        "PatientPruner" => Box::new(PatientPruner::new(options(name, kwargs)?)?),
        "SuccessiveHalvingPruner" => Box::new(SuccessiveHalvingPruner::new(options(name, kwargs)?)?),
        "HyperbandPruner" => Box::new(HyperbandPruner::new(options(name, kwargs)?)?),
        "WilcoxonPruner" => Box::new(WilcoxonPruner::new(options(name, kwargs)?)?),
        _ => {
            return Err(Error::UnknownName { kind: "pruner", name: name.to_owned(), known: PRUNER_NAMES.join(", ") });
        }
    })
}

/// Whether `step` is the first report at or after the latest pruning step of the interval
/// schedule `warmup, warmup + interval, ...` (Optuna's `_is_first_in_interval_step`): pruners that
/// check every `interval_steps` act once per interval, however the steps are spaced.
pub(crate) fn is_first_in_interval_step(
    step: u64,
    trial: &FrozenTrial,
    n_warmup_steps: u64,
    interval_steps: u64,
) -> bool {
    let nearest_lower = (step - n_warmup_steps) / interval_steps * interval_steps + n_warmup_steps;
    let second_last = trial.intermediate_values.keys().filter(|&&s| s != step).max().map_or(-1, |&s| s as i64);
    second_last < nearest_lower as i64
}

/// The last reported step of the complete trials (what `"auto"` resources are estimated from).
pub(crate) fn last_complete_step(study: &StudyView) -> Option<u64> {
    study
        .trials
        .iter()
        .filter(|t| t.state == crate::trial::TrialState::Complete)
        .filter_map(|t| t.last_intermediate())
        .map(|(s, _)| s)
        .max()
}

pub(crate) fn invalid(msg: String) -> Error {
    Error::InvalidArgument(msg)
}
