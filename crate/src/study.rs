//! The study: ask, tell, optimize, enqueue, best trials.
//!
//! Semantics follow Optuna 5.0's `Study`, with one deliberate difference: `optimize` treats an
//! objective's error like Optuna's `catch=(Exception,)` — the trial ends FAIL with the reason stored
//! in its `fail_reason` system attribute, and the study goes on — and ±inf values fail a trial like
//! NaN does (Optuna accepts inf), because an infinite value wrecks every model-based sampler.

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;

use indexmap::IndexMap;
use serde_json::Value;

use crate::clock::{Clock, system_clock};
use crate::distributions::{Distribution, ParamValue};
use crate::error::{Error, Result};
use crate::multi_objective::pareto_front;
use crate::pruners::{NopPruner, Pruner};
use crate::samplers::{InternalParams, RandomSampler, RandomSamplerOptions, Sampler, SearchSpace, StudyView};
use crate::storage::{InMemoryStorage, Storage, StudyId};
use crate::trial::{FAIL_REASON_KEY, FIXED_PARAMS_KEY, FrozenTrial, StudyDirection, Trial, TrialState};

/// Optuna's study system attribute for objective names.
const METRIC_NAMES_KEY: &str = "study:metric_names";

/// How an objective's evaluation ended, other than with values.
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectiveError {
    /// The objective chose to stop early (Optuna's `raise TrialPruned()`).
    Pruned,
    /// The objective failed; the message becomes the trial's `fail_reason`.
    Failed(String),
}

impl From<Error> for ObjectiveError {
    fn from(e: Error) -> Self {
        ObjectiveError::Failed(e.to_string())
    }
}
impl From<String> for ObjectiveError {
    fn from(s: String) -> Self {
        ObjectiveError::Failed(s)
    }
}
impl From<&str> for ObjectiveError {
    fn from(s: &str) -> Self {
        ObjectiveError::Failed(s.to_owned())
    }
}

impl fmt::Display for ObjectiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectiveError::Pruned => f.write_str("pruned"),
            ObjectiveError::Failed(m) => f.write_str(m),
        }
    }
}

/// What an objective may return: one value, or one per objective.
pub trait ObjectiveValues {
    /// The values as a vector.
    fn into_values(self) -> Vec<f64>;
}
impl ObjectiveValues for f64 {
    fn into_values(self) -> Vec<f64> {
        vec![self]
    }
}
impl ObjectiveValues for Vec<f64> {
    fn into_values(self) -> Vec<f64> {
        self
    }
}
impl<const N: usize> ObjectiveValues for [f64; N] {
    fn into_values(self) -> Vec<f64> {
        self.to_vec()
    }
}

/// How a trial is told to end.
#[derive(Debug, Clone, PartialEq)]
pub enum TrialOutcome {
    /// Finished with these values (checked: count and finiteness, else the trial FAILs).
    Complete(Vec<f64>),
    /// Pruned; its value becomes its last report (single-objective), as Optuna.
    Pruned,
    /// Failed for this reason.
    Fail(String),
}

/// Called after each trial of [`Study::optimize_with_callbacks`] finishes (Optuna's callback
/// `f(study, frozen_trial)`); closures `FnMut(&Study, &FrozenTrial) -> Result<()>` are callbacks.
pub trait StudyCallback {
    /// Sees the study and the trial just recorded; may call [`Study::stop`].
    fn on_trial(&mut self, study: &Study, trial: &FrozenTrial) -> Result<()>;
}

impl<F: FnMut(&Study, &FrozenTrial) -> Result<()>> StudyCallback for F {
    fn on_trial(&mut self, study: &Study, trial: &FrozenTrial) -> Result<()> {
        self(study, trial)
    }
}

/// Builds a [`Study`]; every part has a default (minimize, `RandomSampler`, `NopPruner`, memory).
pub struct StudyBuilder {
    name: Option<String>,
    directions: Vec<StudyDirection>,
    sampler: Option<Box<dyn Sampler>>,
    pruner: Option<Box<dyn Pruner>>,
    storage: Option<Box<dyn Storage>>,
    clock: Option<Clock>,
    load_if_exists: bool,
}

impl StudyBuilder {
    /// The study's name (default `"no-name"`).
    pub fn name(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }
    /// One objective in `direction`.
    pub fn direction(self, direction: StudyDirection) -> Self {
        self.directions(vec![direction])
    }
    /// One direction per objective.
    pub fn directions(mut self, directions: Vec<StudyDirection>) -> Self {
        self.directions = directions;
        self
    }
    /// The sampler.
    pub fn sampler(mut self, sampler: Box<dyn Sampler>) -> Self {
        self.sampler = Some(sampler);
        self
    }
    /// The pruner.
    pub fn pruner(mut self, pruner: Box<dyn Pruner>) -> Self {
        self.pruner = Some(pruner);
        self
    }
    /// The storage.
    pub fn storage(mut self, storage: Box<dyn Storage>) -> Self {
        self.storage = Some(storage);
        self
    }
    /// Continue the study of this name if the storage has it (Optuna's `load_if_exists`).
    pub fn load_if_exists(mut self, yes: bool) -> Self {
        self.load_if_exists = yes;
        self
    }
    /// Where "now" comes from (see [`crate::clock`]).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Creates the study in its storage.
    pub fn build(self) -> Result<Study> {
        let mut storage = self.storage.unwrap_or_else(|| Box::new(InMemoryStorage::new()));
        let directions = if self.directions.is_empty() { vec![StudyDirection::Minimize] } else { self.directions };
        let name = self.name.unwrap_or_else(|| "no-name".to_owned());
        let study_id = match storage.study_id_by_name(&name) {
            // An existing study (a journal reopened): continue it, as Optuna's `load_if_exists`.
            Some(id) if self.load_if_exists => {
                let stored = storage.study_directions(id)?;
                if stored != directions.as_slice() {
                    return Err(Error::InvalidArgument(format!(
                        "study '{name}' exists with directions {stored:?}, not {directions:?}"
                    )));
                }
                id
            }
            _ => storage.create_new_study(&directions, &name)?,
        };
        Ok(Study {
            storage,
            study_id,
            name,
            directions,
            sampler: self.sampler.unwrap_or_else(|| Box::new(RandomSampler::new(RandomSamplerOptions::default()))),
            pruner: self.pruner.unwrap_or_else(|| Box::new(NopPruner)),
            clock: self.clock.unwrap_or_else(system_clock),
            stop: Cell::new(false),
            relative: HashMap::new(),
            waiting_from: 0,
        })
    }
}

/// An optimization study (Optuna's `Study`).
pub struct Study {
    storage: Box<dyn Storage>,
    study_id: StudyId,
    name: String,
    directions: Vec<StudyDirection>,
    sampler: Box<dyn Sampler>,
    pruner: Box<dyn Pruner>,
    clock: Clock,
    stop: Cell<bool>,
    /// Relative search space and values chosen at `ask`, by trial number, until the trial ends.
    relative: HashMap<u64, (SearchSpace, InternalParams)>,
    /// No trial numbered below this is waiting: trials are only ever created waiting at the end
    /// of the list and never return to waiting, so `ask` scans from here, not from trial 0.
    waiting_from: usize,
}

impl Study {
    /// A builder with every default.
    pub fn builder() -> StudyBuilder {
        StudyBuilder {
            name: None,
            directions: Vec::new(),
            sampler: None,
            pruner: None,
            storage: None,
            clock: None,
            load_if_exists: false,
        }
    }

    /// The study's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// One direction per objective.
    pub fn directions(&self) -> &[StudyDirection] {
        &self.directions
    }

    /// Every trial, in number order.
    pub fn trials(&self) -> &[FrozenTrial] {
        self.storage.trials(self.study_id).expect("the study exists in its own storage")
    }

    /// One trial by number.
    pub fn trial(&self, number: u64) -> Result<&FrozenTrial> {
        self.storage.trial(self.study_id, number)
    }

    /// Whether something (a grid sampler running out, [`Study::stop`]) asked the study to stop.
    pub fn is_stopped(&self) -> bool {
        self.stop.get()
    }

    /// Asks `optimize` to finish after the current trial (Optuna's `study.stop()`).
    pub fn stop(&self) {
        self.stop.set(true);
    }

    fn now(&self) -> Option<f64> {
        (self.clock)()
    }

    /// Starts a trial (an enqueued one first, as Optuna) and samples its relative parameters.
    /// Returns its number; suggest parameters with [`Study::suggest`] or [`Study::trial_handle`].
    pub fn ask(&mut self) -> Result<u64> {
        // Other workers sharing the storage may have added, claimed or ended trials.
        self.storage.refresh(self.study_id)?;
        let now = self.now();
        let mut claimed = None;
        loop {
            let from = self.waiting_from.min(self.trials().len());
            let waiting = self.trials()[from..].iter().find(|t| t.state == TrialState::Waiting).map(|t| t.number);
            self.waiting_from = waiting.map_or(self.trials().len(), |n| n as usize);
            let Some(n) = waiting else { break };
            // Refused when another worker claimed it first: each enqueued trial runs once.
            if self.storage.set_trial_state_values(self.study_id, n, TrialState::Running, None, now)? {
                claimed = Some(n);
                break;
            }
            self.waiting_from = n as usize + 1;
        }
        let number = match claimed {
            Some(n) => n,
            None => {
                let mut t = FrozenTrial::new(0, 0, TrialState::Running);
                t.datetime_start = now;
                self.storage.create_new_trial(self.study_id, Some(t))?
            }
        };
        match self.sample_relative_for(number) {
            Ok(relative) => {
                self.relative.insert(number, relative);
                Ok(number)
            }
            Err(e) => {
                // A sampler that cannot start the trial must not leave it running forever.
                self.tell(number, TrialOutcome::Fail(e.to_string()))?;
                Err(e)
            }
        }
    }

    /// Runs the sampler's start-of-trial hooks and relative sampling for a new trial.
    fn sample_relative_for(&mut self, number: u64) -> Result<(SearchSpace, InternalParams)> {
        let trials = self.storage.trials(self.study_id)?;
        let view =
            for_sampler(&mut *self.pruner, StudyView::new(&self.name, &self.directions, trials, &self.stop), number);
        let attrs = self.sampler.before_trial(&view, &trials[number as usize])?;
        // Recorded before relative sampling, which may read them (QMC's sample id).
        for (k, v) in attrs {
            self.storage.set_trial_system_attr(self.study_id, number, &k, v)?;
        }
        let trials = self.storage.trials(self.study_id)?;
        let view =
            for_sampler(&mut *self.pruner, StudyView::new(&self.name, &self.directions, trials, &self.stop), number);
        let trial = &trials[number as usize];
        let space = self.sampler.infer_relative_search_space(&view, trial)?;
        let values = if space.is_empty() {
            InternalParams::new()
        } else {
            self.sampler.sample_relative(&view, trial, &space)?
        };
        Ok((space, values))
    }

    /// Asks a trial and suggests every parameter of `space` at once (Optuna's
    /// `study.ask(fixed_distributions)`), in the space's order. Returns the trial as stored.
    ///
    /// The trial is borrowed, not copied: an ask-and-tell loop would otherwise clone every
    /// parameter and system attribute of every trial only to drop them again, a measurable share
    /// of the per-trial cost of the fast samplers. Take `.number` (a `u64`) to keep the trial's
    /// handle across later calls on the study, or clone the trial where an owned copy is needed.
    pub fn ask_with(&mut self, space: &IndexMap<String, Distribution>) -> Result<&FrozenTrial> {
        let number = self.ask()?;
        for (name, d) in space {
            if let Err(e) = self.suggest(number, name, d.clone()) {
                // Don't leave a half-sampled trial running forever.
                self.tell(number, TrialOutcome::Fail(e.to_string()))?;
                return Err(e);
            }
        }
        self.trial(number)
    }

    /// A define-by-run handle on a running trial.
    pub fn trial_handle(&mut self, number: u64) -> Result<Trial<'_>> {
        self.running(number)?;
        Ok(Trial { study: self, number })
    }

    fn running(&self, number: u64) -> Result<&FrozenTrial> {
        let t = self.trial(number)?;
        match t.state {
            TrialState::Running => Ok(t),
            TrialState::Waiting => Err(Error::InvalidArgument(format!("trial {number} is waiting; ask it first"))),
            s => Err(Error::TrialFinished { number, state: s.to_string() }),
        }
    }

    /// Suggests a value for `name` in trial `number`: the trial's existing value if the name was
    /// asked before (the distributions must be compatible), an enqueued value, the relative
    /// sample, or the sampler's independent sample, in that order.
    pub fn suggest(&mut self, number: u64, name: &str, distribution: Distribution) -> Result<ParamValue> {
        let trial = self.running(number)?;
        if let Some(p) = trial.params.get(name) {
            p.distribution.check_compatible(name, &distribution)?;
            return Ok(p.value());
        }
        let internal = if let Some(v) = trial.fixed_params().and_then(|f| f.get(name)) {
            distribution.to_internal(name, &ParamValue::from_json(v)?)?
        } else if distribution.single() {
            distribution_low(&distribution)
        } else if let Some(v) = self.relative_value(number, name, &distribution) {
            v
        } else {
            let trials = self.storage.trials(self.study_id)?;
            let view = for_sampler(
                &mut *self.pruner,
                StudyView::new(&self.name, &self.directions, trials, &self.stop),
                number,
            );
            self.sampler.sample_independent(&view, &trials[number as usize], name, &distribution)?
        };
        self.storage.set_trial_param(self.study_id, number, name, internal, &distribution)?;
        Ok(distribution.to_external(internal))
    }

    fn relative_value(&self, number: u64, name: &str, distribution: &Distribution) -> Option<f64> {
        let (space, values) = self.relative.get(&number)?;
        // A relative value drawn for another range would be silently wrong: fall back instead.
        (space.get(name)? == distribution).then(|| values.get(name).copied()).flatten()
    }

    /// Records an intermediate value at `step` (single-objective only, as Optuna). A step already
    /// reported keeps its first value, as Optuna.
    pub fn report(&mut self, number: u64, value: f64, step: u64) -> Result<()> {
        if self.directions.len() > 1 {
            return Err(Error::InvalidArgument("report is not supported for multi-objective studies".into()));
        }
        if self.running(number)?.intermediate_values.contains_key(&step) {
            return Ok(());
        }
        self.storage.set_trial_intermediate_value(self.study_id, number, step, value)
    }

    /// Asks the pruner about a running trial. False until the trial has reported something.
    pub fn should_prune(&mut self, number: u64) -> Result<bool> {
        let trial = self.running(number)?;
        if trial.intermediate_values.is_empty() {
            return Ok(false);
        }
        let trials = self.storage.trials(self.study_id)?;
        let view = StudyView::new(&self.name, &self.directions, trials, &self.stop);
        let mut attrs = Vec::new();
        let prune = self.pruner.prune(&view, &trials[number as usize], &mut attrs)?;
        for (k, v) in attrs {
            self.storage.set_trial_system_attr(self.study_id, number, &k, v)?;
        }
        Ok(prune)
    }

    /// Sets a user attribute on a running trial.
    pub fn set_trial_user_attr(&mut self, number: u64, key: &str, value: Value) -> Result<()> {
        self.running(number)?;
        self.storage.set_trial_user_attr(self.study_id, number, key, value)
    }

    /// Sets a system attribute on a running trial (engine-owned keys such as the terminator's
    /// cross-validation scores).
    pub(crate) fn set_trial_system_attr(&mut self, number: u64, key: &str, value: Value) -> Result<()> {
        self.running(number)?;
        self.storage.set_trial_system_attr(self.study_id, number, key, value)
    }

    /// Records constraint values for a running trial (feasible when every value is ≤ 0); samplers
    /// that handle constraints (TPE) rank infeasible trials after feasible ones. Optuna's
    /// `constraints` system attribute.
    pub fn set_trial_constraints(&mut self, number: u64, values: Vec<f64>) -> Result<()> {
        self.running(number)?;
        if values.iter().any(|v| v.is_nan()) {
            return Err(Error::InvalidArgument("constraint values must not be NaN".into()));
        }
        let v = Value::from(values);
        self.storage.set_trial_system_attr(self.study_id, number, crate::samplers::CONSTRAINTS_KEY, v)
    }

    /// Ends a running trial. Values of the wrong count or non-finite turn a completion into FAIL
    /// (with the reason recorded), as Optuna does for NaN. Returns the trial as recorded.
    ///
    /// The trial is borrowed from the study's storage, not copied, for the same reason as
    /// [`ask_with`](Self::ask_with)'s: no per-trial copy of its parameters and attributes. Callers
    /// that only need the state or values read them from the reference; clone it to keep it.
    pub fn tell(&mut self, number: u64, outcome: TrialOutcome) -> Result<&FrozenTrial> {
        let trial = self.running(number)?;
        let (state, values, reason) = match outcome {
            TrialOutcome::Complete(values) => match self.check_values(&values) {
                Ok(()) => (TrialState::Complete, Some(values), None),
                Err(reason) => (TrialState::Fail, None, Some(reason)),
            },
            TrialOutcome::Pruned => {
                let last = trial.last_intermediate().map(|(_, v)| v).filter(|v| !v.is_nan());
                let values = if self.directions.len() == 1 { last.map(|v| vec![v]) } else { None };
                (TrialState::Pruned, values, None)
            }
            TrialOutcome::Fail(reason) => (TrialState::Fail, None, Some(reason)),
        };
        if let Some(reason) = reason {
            self.storage.set_trial_system_attr(self.study_id, number, FAIL_REASON_KEY, Value::String(reason))?;
        }
        let now = self.now();
        self.storage.set_trial_state_values(self.study_id, number, state, values, now)?;
        self.relative.remove(&number);
        let trials = self.storage.trials(self.study_id)?;
        let view =
            for_sampler(&mut *self.pruner, StudyView::new(&self.name, &self.directions, trials, &self.stop), number);
        let trial = &trials[number as usize];
        self.sampler.after_trial(&view, trial)?;
        Ok(trial)
    }

    fn check_values(&self, values: &[f64]) -> std::result::Result<(), String> {
        if values.len() != self.directions.len() {
            return Err(format!(
                "the objective returned {} value(s) but the study has {} objective(s)",
                values.len(),
                self.directions.len()
            ));
        }
        match values.iter().find(|v| !v.is_finite()) {
            Some(v) => Err(format!("the objective returned {v}, which is not a finite number")),
            None => Ok(()),
        }
    }

    /// Runs `objective` on new trials until `n_trials` have run, `timeout_ms` has passed, or the
    /// study is stopped (whichever comes first; with neither limit, until stopped). Failures are
    /// recorded and the study goes on. Errors only when the engine itself cannot continue.
    pub fn optimize<V, F>(&mut self, objective: F, n_trials: Option<u64>, timeout_ms: Option<f64>) -> Result<()>
    where
        V: ObjectiveValues,
        F: FnMut(&mut Trial<'_>) -> std::result::Result<V, ObjectiveError>,
    {
        self.optimize_with_callbacks(objective, n_trials, timeout_ms, &mut [])
    }

    /// [`optimize`](Self::optimize) calling each of `callbacks` after every finished trial, in
    /// order, with the study and the trial as recorded (Optuna's `callbacks=`); a callback may
    /// [`stop`](Self::stop) the study, as
    /// [`TerminatorCallback`](crate::terminator::TerminatorCallback) does. A callback's error
    /// ends the run with that error.
    pub fn optimize_with_callbacks<V, F>(
        &mut self,
        mut objective: F,
        n_trials: Option<u64>,
        timeout_ms: Option<f64>,
        callbacks: &mut [&mut dyn StudyCallback],
    ) -> Result<()>
    where
        V: ObjectiveValues,
        F: FnMut(&mut Trial<'_>) -> std::result::Result<V, ObjectiveError>,
    {
        if n_trials.is_none() && timeout_ms.is_none() {
            return Err(Error::InvalidArgument("optimize needs n_trials, a timeout, or both".into()));
        }
        let start = match timeout_ms {
            Some(_) => Some(
                self.now()
                    .ok_or_else(|| Error::InvalidArgument("a timeout needs a clock, and this study has none".into()))?,
            ),
            None => None,
        };
        self.stop.set(false);
        let mut done = 0;
        while n_trials.is_none_or(|n| done < n) && !self.stop.get() {
            if let (Some(limit), Some(t0)) = (timeout_ms, start) {
                if self.now().is_some_and(|now| now - t0 >= limit) {
                    break;
                }
            }
            let number = self.ask()?;
            let result = objective(&mut Trial { study: self, number });
            let outcome = match result {
                Ok(v) => TrialOutcome::Complete(v.into_values()),
                Err(ObjectiveError::Pruned) => TrialOutcome::Pruned,
                Err(ObjectiveError::Failed(reason)) => TrialOutcome::Fail(reason),
            };
            self.tell(number, outcome)?;
            let frozen = self.trial(number)?;
            for cb in callbacks.iter_mut() {
                cb.on_trial(self, frozen)?;
            }
            done += 1;
        }
        Ok(())
    }

    /// Adds a trial whose parameters are fixed to `params` (Optuna's `enqueue_trial`); the next
    /// `ask` takes it. Parameters it does not name are sampled as usual. With `skip_if_exists`,
    /// nothing is added when a trial with the same fixed parameters already exists.
    pub fn enqueue_trial(&mut self, params: IndexMap<String, ParamValue>, skip_if_exists: bool) -> Result<Option<u64>> {
        let fixed: serde_json::Map<String, Value> =
            params.iter().map(|(k, v)| Ok((k.clone(), serde_json::to_value(v)?))).collect::<Result<_>>()?;
        if skip_if_exists {
            let same = |t: &FrozenTrial| {
                t.fixed_params() == Some(&fixed)
                    || (!t.params.is_empty()
                        && params.iter().all(|(k, v)| t.params.get(k).map(|p| p.value()).as_ref() == Some(v)))
            };
            if self.trials().iter().any(same) {
                return Ok(None);
            }
        }
        let mut t = FrozenTrial::new(0, 0, TrialState::Waiting);
        t.system_attrs.insert(FIXED_PARAMS_KEY.to_owned(), Value::Object(fixed));
        Ok(Some(self.storage.create_new_trial(self.study_id, Some(t))?))
    }

    /// Complete trials that satisfy their constraints (all values ≤ 0; trials without
    /// constraints count as feasible), as Optuna 5 picks best trials from.
    fn feasible_complete(&self) -> impl Iterator<Item = &FrozenTrial> {
        self.trials().iter().filter(|t| t.state == TrialState::Complete).filter(|t| {
            match t.system_attrs.get(crate::samplers::CONSTRAINTS_KEY).and_then(Value::as_array) {
                Some(c) => c.iter().all(|v| v.as_f64().is_some_and(|x| x <= 0.0)),
                None => true,
            }
        })
    }

    /// The best feasible complete trial of a single-objective study (the first one on ties).
    pub fn best_trial(&self) -> Result<&FrozenTrial> {
        if self.directions.len() != 1 {
            return Err(Error::InvalidArgument(
                "a single best trial cannot be retrieved from a multi-objective study; use best_trials".into(),
            ));
        }
        let d = self.directions[0];
        let mut best: Option<&FrozenTrial> = None;
        for t in self.feasible_complete() {
            let v = t.value().expect("complete trials have one value");
            if best.is_none_or(|b| d.better(v, b.value().expect("complete"))) {
                best = Some(t);
            }
        }
        match best {
            Some(t) => Ok(t),
            None if self.trials().iter().any(|t| t.state == TrialState::Complete) => {
                Err(Error::InvalidArgument("No feasible trials are completed yet.".into()))
            }
            None => Err(Error::NoCompletedTrial),
        }
    }

    /// The best value of a single-objective study.
    pub fn best_value(&self) -> Result<f64> {
        Ok(self.best_trial()?.value().expect("complete trials have one value"))
    }

    /// The parameters of the best trial.
    pub fn best_params(&self) -> Result<IndexMap<String, ParamValue>> {
        Ok(self.best_trial()?.param_values())
    }

    /// The Pareto-optimal feasible complete trials (for one objective: every trial with the best
    /// value).
    pub fn best_trials(&self) -> Vec<&FrozenTrial> {
        let complete: Vec<&FrozenTrial> = self.feasible_complete().collect();
        let points: Vec<&[f64]> = complete.iter().map(|t| t.values.as_deref().expect("complete")).collect();
        pareto_front(&points, &self.directions).into_iter().map(|i| complete[i]).collect()
    }

    /// Ends every running trial as FAIL with `reason` (Optuna's stale-trial handling, for a study
    /// reopened after its process or page went away mid-trial). Returns their numbers.
    pub fn fail_running_trials(&mut self, reason: &str) -> Result<Vec<u64>> {
        let running: Vec<u64> =
            self.trials().iter().filter(|t| t.state == TrialState::Running).map(|t| t.number).collect();
        for &n in &running {
            self.tell(n, TrialOutcome::Fail(reason.to_owned()))?;
        }
        Ok(running)
    }

    /// Sets a study-level user attribute.
    pub fn set_user_attr(&mut self, key: &str, value: Value) -> Result<()> {
        self.storage.set_study_user_attr(self.study_id, key, value)
    }

    /// Study-level user attributes.
    pub fn user_attrs(&self) -> &IndexMap<String, Value> {
        self.storage.study_user_attrs(self.study_id).expect("the study exists in its own storage")
    }

    /// Names the objectives (Optuna's `set_metric_names`), one per direction.
    pub fn set_metric_names(&mut self, names: Vec<String>) -> Result<()> {
        if names.len() != self.directions.len() {
            return Err(Error::InvalidArgument(format!(
                "{} metric name(s) given for {} objective(s)",
                names.len(),
                self.directions.len()
            )));
        }
        self.storage.set_study_system_attr(self.study_id, METRIC_NAMES_KEY, Value::from(names))
    }

    /// The objectives' names, if set.
    pub fn metric_names(&self) -> Option<Vec<String>> {
        let attrs = self.storage.study_system_attrs(self.study_id).ok()?;
        serde_json::from_value(attrs.get(METRIC_NAMES_KEY)?.clone()).ok()
    }
}

/// What the sampler sees when it works on trial `number`: the whole study, or, when the pruner
/// splits the study into brackets (Hyperband), only that trial's bracket, as Optuna.
fn for_sampler<'v>(pruner: &mut dyn Pruner, view: StudyView<'v>, number: u64) -> StudyView<'v> {
    match pruner.bracket_of(&view) {
        Some(bracket) => {
            let mine = bracket(number);
            view.filtered(|t| bracket(t.number) == mine)
        }
        None => view,
    }
}

/// The one value of a single-valued distribution.
fn distribution_low(d: &Distribution) -> f64 {
    match d {
        Distribution::Float(f) => f.low(),
        Distribution::Int(i) => i.low() as f64,
        Distribution::Categorical(_) => 0.0,
    }
}
