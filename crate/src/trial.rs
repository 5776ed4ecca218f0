//! Trials: their states, their recorded form ([`FrozenTrial`]), and the define-by-run handle
//! ([`Trial`]) an objective receives.

use std::collections::BTreeMap;
use std::fmt;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::distributions::{CategoricalDistribution, Distribution, FloatDistribution, IntDistribution, ParamValue};
use crate::error::{Error, Result};
use crate::study::Study;

/// A trial's life cycle, with Optuna's numeric codes (used by its journal format).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TrialState {
    /// Asked and not yet told.
    Running = 0,
    /// Finished with values.
    Complete = 1,
    /// Stopped early by a pruner (or the objective).
    Pruned = 2,
    /// The objective failed, returned NaN, or returned the wrong number of values.
    Fail = 3,
    /// Enqueued and not yet asked.
    Waiting = 4,
}

impl TrialState {
    /// Whether the trial can no longer change.
    pub fn is_finished(self) -> bool {
        matches!(self, TrialState::Complete | TrialState::Pruned | TrialState::Fail)
    }

    /// Optuna's code for the state.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The state for an Optuna code.
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => TrialState::Running,
            1 => TrialState::Complete,
            2 => TrialState::Pruned,
            3 => TrialState::Fail,
            4 => TrialState::Waiting,
            _ => return None,
        })
    }

    /// Reads a state name as Optuna spells it, in any case (`"complete"`, `"PRUNED"`...).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "running" => TrialState::Running,
            "complete" => TrialState::Complete,
            "pruned" => TrialState::Pruned,
            "fail" => TrialState::Fail,
            "waiting" => TrialState::Waiting,
            _ => return None,
        })
    }
}

impl fmt::Display for TrialState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrialState::Running => "RUNNING",
            TrialState::Complete => "COMPLETE",
            TrialState::Pruned => "PRUNED",
            TrialState::Fail => "FAIL",
            TrialState::Waiting => "WAITING",
        })
    }
}

/// Whether an objective is minimized or maximized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StudyDirection {
    /// Smaller is better.
    Minimize,
    /// Larger is better.
    Maximize,
}

impl StudyDirection {
    /// Reads `"minimize"` / `"maximize"` in any case.
    pub fn from_name(name: &str) -> Result<Self> {
        match name.to_ascii_lowercase().as_str() {
            "minimize" => Ok(StudyDirection::Minimize),
            "maximize" => Ok(StudyDirection::Maximize),
            _ => Err(Error::InvalidArgument(format!("direction must be \"minimize\" or \"maximize\", got \"{name}\""))),
        }
    }

    /// Whether `a` is strictly better than `b` in this direction.
    pub fn better(self, a: f64, b: f64) -> bool {
        match self {
            StudyDirection::Minimize => a < b,
            StudyDirection::Maximize => a > b,
        }
    }
}

/// One recorded parameter: its distribution and its internal value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// The distribution it was sampled from.
    pub distribution: Distribution,
    /// Optuna's internal representation (a categorical's index).
    pub internal: f64,
}

impl Param {
    /// The value the objective saw.
    pub fn value(&self) -> ParamValue {
        self.distribution.to_external(self.internal)
    }
}

/// Everything recorded about one trial (Optuna's `FrozenTrial`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrozenTrial {
    /// Position in its study, from 0.
    pub number: u64,
    /// Id in its storage, unique across studies (Optuna's `_trial_id`).
    pub trial_id: u64,
    /// Where it is in its life cycle.
    pub state: TrialState,
    /// Parameters in the order they were suggested.
    pub params: IndexMap<String, Param>,
    /// One value per objective once complete (or the last reported value when pruned).
    pub values: Option<Vec<f64>>,
    /// Reports by step.
    pub intermediate_values: BTreeMap<u64, f64>,
    /// Attributes set by the user.
    pub user_attrs: IndexMap<String, Value>,
    /// Attributes set by samplers and the engine (`fixed_params`, `grid_id`, `fail_reason`...).
    pub system_attrs: IndexMap<String, Value>,
    /// Start time, milliseconds since the Unix epoch (None while waiting).
    pub datetime_start: Option<f64>,
    /// End time, milliseconds since the Unix epoch (None while unfinished).
    pub datetime_complete: Option<f64>,
}

/// The trials numbered below `k` (all of them when `k` is `None`): the study as it was after its
/// first k trials, for a replay. `trials` must be in number order, as a study keeps them.
pub fn trials_before(trials: &[FrozenTrial], k: Option<u64>) -> &[FrozenTrial] {
    match k {
        Some(k) => &trials[..trials.partition_point(|t| t.number < k)],
        None => trials,
    }
}

impl FrozenTrial {
    /// A fresh trial record with nothing set.
    pub fn new(number: u64, trial_id: u64, state: TrialState) -> Self {
        FrozenTrial {
            number,
            trial_id,
            state,
            params: IndexMap::new(),
            values: None,
            intermediate_values: BTreeMap::new(),
            user_attrs: IndexMap::new(),
            system_attrs: IndexMap::new(),
            datetime_start: None,
            datetime_complete: None,
        }
    }

    /// The external values of all parameters, in suggestion order.
    pub fn param_values(&self) -> IndexMap<String, ParamValue> {
        self.params.iter().map(|(k, p)| (k.clone(), p.value())).collect()
    }

    /// The single objective value, for single-objective studies.
    pub fn value(&self) -> Option<f64> {
        match self.values.as_deref() {
            Some([v]) => Some(*v),
            _ => None,
        }
    }

    /// The last reported intermediate value (by step), if any.
    pub fn last_intermediate(&self) -> Option<(u64, f64)> {
        self.intermediate_values.iter().next_back().map(|(s, v)| (*s, *v))
    }

    /// Parameters fixed by `enqueue_trial`, if any.
    pub fn fixed_params(&self) -> Option<&serde_json::Map<String, Value>> {
        self.system_attrs.get(FIXED_PARAMS_KEY).and_then(Value::as_object)
    }

    /// Wall-clock duration in milliseconds, once finished.
    pub fn duration_ms(&self) -> Option<f64> {
        Some(self.datetime_complete? - self.datetime_start?)
    }
}

/// The system attribute holding an enqueued trial's parameters (Optuna's name).
pub const FIXED_PARAMS_KEY: &str = "fixed_params";
/// The system attribute holding why a trial failed.
pub const FAIL_REASON_KEY: &str = "fail_reason";

/// The define-by-run handle an objective receives: suggestions and reports go straight to the
/// study, so a trial's state is always in storage even if the objective later panics or errors.
pub struct Trial<'a> {
    pub(crate) study: &'a mut Study,
    pub(crate) number: u64,
}

impl<'a> Trial<'a> {
    /// The trial's number in its study.
    pub fn number(&self) -> u64 {
        self.number
    }

    /// Suggests a float in `[low, high]` (Optuna's `suggest_float(name, low, high, step=None, log=False)`).
    pub fn suggest_float(&mut self, name: &str, low: f64, high: f64) -> Result<f64> {
        self.suggest_float_with(name, low, high, None, false)
    }

    /// Suggests a float with an optional step or a log scale.
    pub fn suggest_float_with(&mut self, name: &str, low: f64, high: f64, step: Option<f64>, log: bool) -> Result<f64> {
        let d = FloatDistribution::new(low, high, log, step)?;
        let v = self.study.suggest(self.number, name, d.into())?;
        Ok(v.as_f64().expect("a float distribution yields floats"))
    }

    /// Suggests an integer in `[low, high]`.
    pub fn suggest_int(&mut self, name: &str, low: i64, high: i64) -> Result<i64> {
        self.suggest_int_with(name, low, high, 1, false)
    }

    /// Suggests an integer with a step or a log scale.
    pub fn suggest_int_with(&mut self, name: &str, low: i64, high: i64, step: i64, log: bool) -> Result<i64> {
        let d = IntDistribution::new(low, high, log, step)?;
        let v = self.study.suggest(self.number, name, d.into())?;
        Ok(v.as_i64().expect("an int distribution yields ints"))
    }

    /// Suggests one of `choices`.
    pub fn suggest_categorical(&mut self, name: &str, choices: Vec<ParamValue>) -> Result<ParamValue> {
        let d = CategoricalDistribution::new(choices)?;
        self.study.suggest(self.number, name, d.into())
    }

    /// Suggests from any distribution.
    pub fn suggest(&mut self, name: &str, distribution: Distribution) -> Result<ParamValue> {
        self.study.suggest(self.number, name, distribution)
    }

    /// Reports an intermediate objective value at `step`, for pruners.
    pub fn report(&mut self, value: f64, step: u64) -> Result<()> {
        self.study.report(self.number, value, step)
    }

    /// Asks the study's pruner whether this trial should stop now.
    pub fn should_prune(&mut self) -> Result<bool> {
        self.study.should_prune(self.number)
    }

    /// Sets a user attribute (any JSON value).
    pub fn set_user_attr(&mut self, key: &str, value: Value) -> Result<()> {
        self.study.set_trial_user_attr(self.number, key, value)
    }

    /// Records constraint values (feasible when all are ≤ 0), as Optuna's `constraints_func` would.
    pub fn set_constraint(&mut self, values: Vec<f64>) -> Result<()> {
        self.study.set_trial_constraints(self.number, values)
    }

    /// The trial as recorded so far.
    pub fn frozen(&self) -> Result<FrozenTrial> {
        self.study.trial(self.number).cloned()
    }
}
