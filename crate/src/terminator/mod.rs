//! The terminator: stops a whole study once more trials are unlikely to beat the noise in the
//! objective (Optuna 5.0.0's `optuna.terminator`). A pruner stops one unpromising trial; the
//! terminator stops the study.
//!
//! After each finished trial, a [`Terminator`] compares two numbers over the complete trials:
//! - an *improvement* estimate, how much better the best value could still get
//!   ([`ImprovementEvaluator`]: [`RegretBoundEvaluator`], Makarova et al. 2022;
//!   [`EmmrEvaluator`], Ishibashi et al. 2023; [`BestValueStagnationEvaluator`]);
//! - an *error* estimate, how much the objective itself varies from run to run
//!   ([`ErrorEvaluator`]: [`CrossValidationErrorEvaluator`] from the scores given to
//!   [`report_cross_validation_scores`], [`StaticErrorEvaluator`], [`MedianErrorEvaluator`]),
//!
//! and says "terminate" once there are at least `min_n_trials` complete trials and the
//! improvement is below the error. [`TerminatorCallback`] asks after each trial of
//! [`Study::optimize_with_callbacks`] and calls [`Study::stop`]; the CLI's `wasmtune stream
//! --terminator` does the same between trials. [`improvement_history`] gives, per trial, what
//! Optuna's `plot_terminator_improvement` draws.
//!
//! Defaults, as Optuna's `Terminator`: the improvement evaluator is a [`RegretBoundEvaluator`];
//! the error evaluator is a [`StaticErrorEvaluator`] at 0 when the improvement evaluator is a
//! [`BestValueStagnationEvaluator`], otherwise a [`CrossValidationErrorEvaluator`] (which
//! errors when no cross-validation scores were reported: give another error evaluator then);
//! `min_n_trials` is 20.
//!
//! The GP-based evaluators use the GP sampler's model ([`crate::samplers::gp`]: the normalized
//! space, the Matérn-5/2 kernel and Optuna's prior, fitted by L-BFGS from all-ones), so their
//! figures follow our fit, not PyTorch's: within a few percent of Optuna's on the recorded
//! fixtures (`tests/engine/terminator.rs` states the tolerance). Single-objective studies only.
//! Deterministic given each evaluator's seed.

pub mod cv_error;
pub mod emmr;
pub mod median_error;
pub mod regret_bound;
pub mod stagnation;
pub mod static_error;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use cv_error::{
    CV_SCORES_KEY, CrossValidationErrorEvaluator, report_cross_validation_scores, report_cross_validation_scores_for,
};
pub use emmr::{EmmrEvaluator, EmmrOptions};
pub use median_error::{MedianErrorEvaluator, MedianErrorOptions};
pub use regret_bound::{RegretBoundEvaluator, RegretBoundOptions};
pub use stagnation::{BestValueStagnationEvaluator, StagnationOptions};
pub use static_error::{StaticErrorEvaluator, StaticErrorOptions};

use crate::config::ComponentSpec;
use crate::distributions::Distribution;
use crate::error::{Error, Result};
use crate::samplers::SearchSpace;
use crate::samplers::gp::kernel::{Inputs, KernelParams, fit};
use crate::samplers::gp::posterior::Posterior;
use crate::samplers::gp::space::GpSpace;
use crate::search_space::IntersectionSearchSpace;
use crate::study::{Study, StudyCallback};
use crate::trial::{FrozenTrial, StudyDirection, TrialState};

/// Optuna's default `min_n_trials` of the terminator and of [`RegretBoundEvaluator`].
pub const DEFAULT_MIN_N_TRIALS: usize = 20;

/// Estimates how much the best value could still improve, from finished trials.
pub trait ImprovementEvaluator {
    /// The estimate over the complete trials among `trials` (others are ignored), in the
    /// objective's units (larger means more room left).
    fn evaluate(&mut self, trials: &[FrozenTrial], direction: StudyDirection) -> Result<f64>;
    /// Optuna's class name.
    fn name(&self) -> &'static str;
}

/// Estimates the statistical error of the objective: improvements below it are noise.
pub trait ErrorEvaluator {
    /// The error over the complete trials among `trials`, in the objective's units.
    fn evaluate(&mut self, trials: &[FrozenTrial], direction: StudyDirection) -> Result<f64>;
    /// Optuna's class name.
    fn name(&self) -> &'static str;
}

/// What one check of the terminator found.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Decision {
    /// Complete trials seen.
    pub n_complete: usize,
    /// The improvement estimate (None below `min_n_trials`, where nothing is evaluated).
    pub improvement: Option<f64>,
    /// The error estimate (None below `min_n_trials`).
    pub error: Option<f64>,
    /// Whether the study should stop: improvement < error.
    pub terminate: bool,
}

/// Decides when a study should stop (Optuna's `Terminator`).
pub struct Terminator {
    improvement: Box<dyn ImprovementEvaluator>,
    error: Box<dyn ErrorEvaluator>,
    min_n_trials: usize,
}

impl Terminator {
    /// A terminator with Optuna's defaults where an evaluator is None (see the module docs).
    /// `min_n_trials` must be at least 1.
    pub fn new(
        improvement: Option<Box<dyn ImprovementEvaluator>>,
        error: Option<Box<dyn ErrorEvaluator>>,
        min_n_trials: usize,
    ) -> Result<Self> {
        if min_n_trials == 0 {
            return Err(Error::InvalidArgument("Terminator: min_n_trials must be a positive integer".into()));
        }
        let improvement = improvement.unwrap_or_else(|| Box::new(RegretBoundEvaluator::default()));
        let error = error.unwrap_or_else(|| default_error_for(improvement.name()));
        Ok(Terminator { improvement, error, min_n_trials })
    }

    /// Builds a terminator from a [`TerminatorSpec`] (evaluators by Optuna class name).
    pub fn from_spec(spec: &TerminatorSpec) -> Result<Self> {
        let improvement = spec.improvement_evaluator.as_ref().map(improvement_from_spec).transpose()?;
        let error = spec.error_evaluator.as_ref().map(error_from_spec).transpose()?;
        Self::new(improvement, error, spec.min_n_trials)
    }

    /// The improvement evaluator's class name.
    pub fn improvement_name(&self) -> &'static str {
        self.improvement.name()
    }

    /// The error evaluator's class name.
    pub fn error_name(&self) -> &'static str {
        self.error.name()
    }

    /// The decision over `trials` with its figures.
    pub fn decide(&mut self, trials: &[FrozenTrial], direction: StudyDirection) -> Result<Decision> {
        let n_complete = complete(trials).count();
        if n_complete < self.min_n_trials {
            return Ok(Decision { n_complete, improvement: None, error: None, terminate: false });
        }
        let improvement = self.improvement.evaluate(trials, direction)?;
        let error = self.error.evaluate(trials, direction)?;
        Ok(Decision { n_complete, improvement: Some(improvement), error: Some(error), terminate: improvement < error })
    }

    /// Whether `study` should stop (Optuna's `should_terminate`). Single-objective studies only.
    pub fn should_terminate(&mut self, study: &Study) -> Result<bool> {
        let direction = single_direction(study.directions())?;
        Ok(self.decide(study.trials(), direction)?.terminate)
    }
}

/// The terminator's configuration by names, for the CLI and configuration files:
/// `{"improvement_evaluator": {"name": "EMMREvaluator", "kwargs": {...}}, "error_evaluator":
/// {...}, "min_n_trials": 20}`, each field optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TerminatorSpec {
    /// Improvement evaluator (default: `RegretBoundEvaluator`).
    pub improvement_evaluator: Option<ComponentSpec>,
    /// Error evaluator (default: as Optuna, see the module docs).
    pub error_evaluator: Option<ComponentSpec>,
    /// Complete trials before the terminator may stop the study (20).
    pub min_n_trials: usize,
}

impl Default for TerminatorSpec {
    fn default() -> Self {
        TerminatorSpec { improvement_evaluator: None, error_evaluator: None, min_n_trials: DEFAULT_MIN_N_TRIALS }
    }
}

/// Improvement evaluators by Optuna class name.
pub const IMPROVEMENT_NAMES: &[&str] = &["RegretBoundEvaluator", "EMMREvaluator", "BestValueStagnationEvaluator"];
/// Error evaluators by Optuna class name.
pub const ERROR_NAMES: &[&str] = &["CrossValidationErrorEvaluator", "StaticErrorEvaluator", "MedianErrorEvaluator"];

/// An improvement evaluator from its class name and keyword arguments (unknown keys refused).
pub fn improvement_from_spec(spec: &ComponentSpec) -> Result<Box<dyn ImprovementEvaluator>> {
    let kwargs = &spec.kwargs;
    Ok(match spec.name.as_str() {
        "RegretBoundEvaluator" => Box::new(RegretBoundEvaluator::new(options(&spec.name, kwargs)?)?),
        "EMMREvaluator" => Box::new(EmmrEvaluator::new(options(&spec.name, kwargs)?)?),
        "BestValueStagnationEvaluator" => Box::new(BestValueStagnationEvaluator::new(options(&spec.name, kwargs)?)?),
        other => {
            return Err(Error::UnknownName {
                kind: "improvement evaluator",
                name: other.to_owned(),
                known: IMPROVEMENT_NAMES.join(", "),
            });
        }
    })
}

/// An error evaluator from its class name and keyword arguments. `MedianErrorEvaluator` takes
/// its paired improvement evaluator as `{"paired_improvement_evaluator": {"name": ..., "kwargs":
/// ...}}` (default: `EMMREvaluator`).
pub fn error_from_spec(spec: &ComponentSpec) -> Result<Box<dyn ErrorEvaluator>> {
    let kwargs = &spec.kwargs;
    Ok(match spec.name.as_str() {
        "CrossValidationErrorEvaluator" => {
            let _: Empty = options(&spec.name, kwargs)?;
            Box::new(CrossValidationErrorEvaluator)
        }
        "StaticErrorEvaluator" => Box::new(StaticErrorEvaluator::new(options(&spec.name, kwargs)?)?),
        "MedianErrorEvaluator" => Box::new(MedianErrorEvaluator::from_options(options(&spec.name, kwargs)?)?),
        other => {
            return Err(Error::UnknownName {
                kind: "error evaluator",
                name: other.to_owned(),
                known: ERROR_NAMES.join(", "),
            });
        }
    })
}

/// No options.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Empty {}

fn options<T: serde::de::DeserializeOwned + Default>(class: &str, kwargs: &Value) -> Result<T> {
    match kwargs {
        Value::Null => Ok(T::default()),
        Value::Object(_) => {
            serde_json::from_value(kwargs.clone()).map_err(|e| Error::InvalidArgument(format!("{class} options: {e}")))
        }
        other => Err(Error::InvalidArgument(format!("{class} options must be a JSON object, got {other}"))),
    }
}

/// Optuna's default error evaluator for an improvement evaluator.
fn default_error_for(improvement: &str) -> Box<dyn ErrorEvaluator> {
    if improvement == "BestValueStagnationEvaluator" {
        Box::new(StaticErrorEvaluator::default())
    } else {
        Box::new(CrossValidationErrorEvaluator)
    }
}

/// Stops the study when its terminator says so (Optuna's `TerminatorCallback`): pass it to
/// [`Study::optimize_with_callbacks`]. Keeps the last [`Decision`] for inspection.
pub struct TerminatorCallback {
    terminator: Terminator,
    last: Option<Decision>,
}

impl TerminatorCallback {
    /// Wraps `terminator`.
    pub fn new(terminator: Terminator) -> Self {
        TerminatorCallback { terminator, last: None }
    }

    /// The decision of the last check, if any.
    pub fn last_decision(&self) -> Option<Decision> {
        self.last
    }
}

impl Default for TerminatorCallback {
    /// Optuna's `TerminatorCallback()`: a default [`Terminator`].
    fn default() -> Self {
        Self::new(Terminator::new(None, None, DEFAULT_MIN_N_TRIALS).expect("defaults are valid"))
    }
}

impl StudyCallback for TerminatorCallback {
    fn on_trial(&mut self, study: &Study, _trial: &FrozenTrial) -> Result<()> {
        let direction = single_direction(study.directions())?;
        let decision = self.terminator.decide(study.trials(), direction)?;
        self.last = Some(decision);
        if decision.terminate {
            study.stop();
        }
        Ok(())
    }
}

/// One point of the terminator's improvement plot.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ImprovementPoint {
    /// The trial number the estimate was taken after.
    pub trial_number: u64,
    /// Complete trials up to and including it (what `min_n_trials` counts: failed and pruned
    /// trials get a point too, so this is not the point's index).
    pub n_complete: usize,
    /// The improvement estimate over the complete trials up to this one.
    pub improvement: f64,
    /// The error estimate there, when an error evaluator was given.
    pub error: Option<f64>,
}

/// Per trial from the first complete one on, the improvement estimate (and, with `error`, the
/// error estimate) over the complete trials up to and including it: the series Optuna's
/// `plot_terminator_improvement` draws (it greys out the first `min_n_trials` of them, which are
/// computed all the same). With the default RegretBound this fits one GP per trial.
pub fn improvement_history(
    trials: &[FrozenTrial],
    direction: StudyDirection,
    improvement: &mut dyn ImprovementEvaluator,
    error: Option<&mut dyn ErrorEvaluator>,
) -> Result<Vec<ImprovementPoint>> {
    history_since(trials, direction, improvement, error, 0)
}

/// [`improvement_history`]'s points for the trials numbered `from` and up. Every point is still
/// computed: a seeded evaluator's draws advance with each evaluation (as in Optuna's plot), so a
/// point depends on how many came before it.
fn history_since(
    trials: &[FrozenTrial],
    direction: StudyDirection,
    improvement: &mut dyn ImprovementEvaluator,
    mut error: Option<&mut dyn ErrorEvaluator>,
    from: u64,
) -> Result<Vec<ImprovementPoint>> {
    let mut done: Vec<FrozenTrial> = Vec::new();
    let mut out = Vec::with_capacity(trials.len());
    for t in trials {
        if complete(std::slice::from_ref(t)).next().is_some() {
            done.push(t.clone());
        }
        if done.is_empty() {
            continue;
        }
        let value = improvement.evaluate(&done, direction)?;
        let err = match error.as_deref_mut() {
            Some(e) => Some(e.evaluate(&done, direction)?),
            None => None,
        };
        if t.number >= from {
            out.push(ImprovementPoint {
                trial_number: t.number,
                n_complete: done.len(),
                improvement: value,
                error: err,
            });
        }
    }
    Ok(out)
}

/// What a binding (the JS API, the page) asks of a terminator: the decision over a study's trials
/// now, and the improvement plot's points for the trials numbered `history_from` and up (all of
/// them computed, see [`improvement_history`]: each is a model fit for the GP evaluators).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TerminatorRequest {
    /// The terminator (Optuna's defaults where fields are absent).
    pub terminator: TerminatorSpec,
    /// The first trial number whose improvement point is wanted; no history when absent.
    pub history_from: Option<u64>,
    /// Only the trials numbered below this: the study as it was then (the page's replay).
    pub before: Option<u64>,
}

/// The answer to a [`TerminatorRequest`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TerminatorReport {
    /// The improvement evaluator's class name.
    pub improvement_evaluator: &'static str,
    /// The error evaluator's class name.
    pub error_evaluator: &'static str,
    /// Complete trials needed before the terminator may stop the study.
    pub min_n_trials: usize,
    /// The decision over every trial now.
    pub decision: Decision,
    /// Improvement (and error) points for the trials numbered `history_from` and up.
    pub history: Vec<ImprovementPoint>,
}

impl TerminatorRequest {
    /// Reads a request from JSON (`null` is the default request).
    pub fn from_json(v: &Value) -> Result<Self> {
        match v {
            Value::Null => Ok(Self::default()),
            v => serde_json::from_value(v.clone())
                .map_err(|e| Error::InvalidArgument(format!("terminator request: {e}"))),
        }
    }

    /// Answers the request over a study's trials (in number order) and directions, with a new
    /// terminator.
    pub fn evaluate(&self, trials: &[FrozenTrial], directions: &[StudyDirection]) -> Result<TerminatorReport> {
        TerminatorSlot::default().answer(self, trials, directions)
    }
}

/// A terminator kept between requests (a binding's study keeps one), as Optuna's callback keeps
/// its terminator: a stateful evaluator then works once, not at every check (the median error
/// fixes its threshold from the paired evaluator's first values, 20 model fits). A request with
/// another spec replaces it.
#[derive(Default)]
pub struct TerminatorSlot {
    kept: Option<(TerminatorSpec, Terminator)>,
}

impl TerminatorSlot {
    /// Answers `request` over a study's trials (in number order) and directions.
    pub fn answer(
        &mut self,
        request: &TerminatorRequest,
        trials: &[FrozenTrial],
        directions: &[StudyDirection],
    ) -> Result<TerminatorReport> {
        let direction = single_direction(directions)?;
        let trials = match request.before {
            Some(b) => &trials[..trials.partition_point(|t| t.number < b)],
            None => trials,
        };
        let spec = &request.terminator;
        let terminator = match &mut self.kept {
            Some((kept, t)) if kept == spec => t,
            slot => &mut slot.insert((spec.clone(), Terminator::from_spec(spec)?)).1,
        };
        let decision = terminator.decide(trials, direction)?;
        let history = match request.history_from {
            None => Vec::new(),
            // A fresh terminator: each point must be what the evaluators say over the trials up
            // to it, not what a threshold fixed later says.
            Some(from) => {
                let mut fresh = Terminator::from_spec(spec)?;
                let error: &mut dyn ErrorEvaluator = &mut *fresh.error;
                history_since(trials, direction, &mut *fresh.improvement, Some(error), from)?
            }
        };
        Ok(TerminatorReport {
            improvement_evaluator: terminator.improvement_name(),
            error_evaluator: terminator.error_name(),
            min_n_trials: terminator.min_n_trials,
            decision,
            history,
        })
    }
}

/// The complete trials with a value.
pub(crate) fn complete(trials: &[FrozenTrial]) -> impl Iterator<Item = &FrozenTrial> {
    trials.iter().filter(|t| t.state == TrialState::Complete && t.values.is_some())
}

/// The one direction of a single-objective study.
pub(crate) fn single_direction(directions: &[StudyDirection]) -> Result<StudyDirection> {
    match directions {
        [d] => Ok(*d),
        _ => Err(Error::InvalidArgument(format!(
            "the terminator supports single-objective studies only; this one has {} objectives",
            directions.len()
        ))),
    }
}

/// A trial's single value turned to maximization (the GP's convention).
pub(crate) fn signed_value(t: &FrozenTrial, direction: StudyDirection) -> Result<f64> {
    let values = t.values.as_deref().unwrap_or_default();
    let [v] = values else {
        return Err(Error::InvalidArgument(format!(
            "the terminator supports single-objective studies only; trial {} has {} values",
            t.number,
            values.len()
        )));
    };
    Ok(if direction == StudyDirection::Minimize { -v } else { *v })
}

/// Complete trials in the GP's normalized space: the parameters every one of them shares with
/// the same distribution (Optuna's intersection search space; single-valued ones dropped, they
/// are constant columns), each row in `[0, 1]`.
pub(crate) struct Normalized {
    /// The space.
    pub space: GpSpace,
    /// Row-major `n × d`.
    pub x: Vec<f64>,
    /// Values turned to maximization, one per row.
    pub values: Vec<f64>,
}

impl Normalized {
    /// Encodes `trials` (all complete); `who` names the evaluator in errors.
    pub fn new(trials: &[&FrozenTrial], direction: StudyDirection, who: &str) -> Result<Self> {
        let space: SearchSpace = IntersectionSearchSpace::new(false)
            .calculate(trials)
            .into_iter()
            .filter(|(_, d): &(String, Distribution)| !d.single())
            .collect();
        if space.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "{who}: the complete trials share no parameter (empty search space)"
            )));
        }
        let space = GpSpace::new(&space);
        let mut x = Vec::with_capacity(trials.len() * space.dim());
        let mut values = Vec::with_capacity(trials.len());
        for t in trials {
            let p = t.params.iter().map(|(k, p)| (k.clone(), p.internal)).collect();
            x.extend(space.encode(&p));
            values.push(signed_value(t, direction)?);
        }
        if let Some(v) = values.iter().find(|v| !v.is_finite()) {
            return Err(Error::InvalidArgument(format!("{who}: objective values must be finite, got {v}")));
        }
        Ok(Normalized { space, x, values })
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        let d = self.space.dim();
        &self.x[i * d..(i + 1) * d]
    }
}

/// `(v − mean) / std` with the population std floored at 1e-10 (Optuna's standardization),
/// and the std used.
pub(crate) fn standardize(values: &[f64]) -> (Vec<f64>, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let std = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt().max(1e-10);
    (values.iter().map(|v| (v - mean) / std).collect(), std)
}

/// A GP fitted to standardized `y` at the rows `x`, from all-ones hyperparameters (Optuna fits
/// the terminator's GPs from scratch each time).
pub(crate) fn fit_gp(space: &GpSpace, x: &[f64], y: &[f64], deterministic: bool) -> Posterior {
    let (d, is_cat) = (space.dim(), space.is_cat());
    let params = fit(&Inputs { x, d, is_cat: &is_cat }, y, &KernelParams::ones(d), deterministic);
    Posterior::new(x.to_vec(), d, is_cat.clone(), y.to_vec(), params).unwrap_or_else(|_| {
        let safe = KernelParams { noise: 1.0, ..KernelParams::ones(d) };
        Posterior::new(x.to_vec(), d, is_cat, y.to_vec(), safe).expect("unit noise keeps the matrix positive definite")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samplers::gp::kernel::KernelParams;

    #[test]
    fn standardize_floors_the_spread() {
        let (y, std) = standardize(&[1.0, 3.0]);
        assert_eq!((y, std), (vec![-1.0, 1.0], 1.0));
        let (y, std) = standardize(&[2.0, 2.0]);
        assert_eq!((y, std), (vec![0.0, 0.0], 1e-10));
    }

    #[test]
    fn beta_is_the_scaled_gp_ucb_beta() {
        // 2 ln(d n² π² / (6 δ)) / 5 with d = 2, n = 10, δ = 0.1.
        let want = 2.0 * (2.0 * 100.0 * std::f64::consts::PI.powi(2) / 0.6).ln() / 5.0;
        assert!((regret_bound::beta(2, 10, 0.1) - want).abs() < 1e-12);
    }

    #[test]
    fn posterior_covariance_is_the_variance_on_the_diagonal_and_symmetric() {
        let x = vec![0.1, 0.2, 0.5, 0.9, 0.7, 0.3];
        let gp = Posterior::new(x, 2, vec![false, false], vec![0.3, -1.0, 0.7], KernelParams::ones(2)).unwrap();
        let (a, b) = ([0.4, 0.4], [0.8, 0.1]);
        assert!((gp.covariance(&a, &a) - gp.predict(&a).1).abs() < 1e-12);
        assert!((gp.covariance(&a, &b) - gp.covariance(&b, &a)).abs() < 1e-15);
        // Far apart points of a smooth kernel are nearly uncorrelated.
        assert!(gp.covariance(&a, &b).abs() < gp.predict(&a).1.max(gp.predict(&b).1));
    }

    #[test]
    fn below_min_n_trials_nothing_is_evaluated() {
        let mut t = Terminator::new(None, None, 3).unwrap();
        let trials: Vec<FrozenTrial> = (0..2)
            .map(|i| {
                let mut t = FrozenTrial::new(i, i, TrialState::Complete);
                t.values = Some(vec![i as f64]);
                t
            })
            .collect();
        let d = t.decide(&trials, StudyDirection::Minimize).unwrap();
        assert_eq!(d, Decision { n_complete: 2, improvement: None, error: None, terminate: false });
    }
}
