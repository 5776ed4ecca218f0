//! Parameter importances: how much each parameter matters to the objective, from a study's
//! completed trials (Optuna's `optuna.importance`).
//!
//! Evaluators, by Optuna's class names and keyword arguments ([`EVALUATOR_NAMES`]):
//! - `PedAnovaImportanceEvaluator` (the default, as in Optuna 5.0): PED-ANOVA, Watanabe et al.
//!   2023, with conditional parameters handled per regime as in Conditional PED-ANOVA (2026);
//!   see [`ped_anova`];
//! - `FanovaImportanceEvaluator`: fANOVA, Hutter et al. 2014, on a random forest; see [`fanova`];
//! - `MeanDecreaseImpurityImportanceEvaluator`: the forest's mean decrease in impurity.
//!
//! Semantics follow Optuna 5.0.0's `get_param_importances`: only COMPLETE trials with a finite
//! target count; the forest evaluators look at the parameters every completed trial has (the
//! intersection search space) and PED-ANOVA at every parameter any completed trial has;
//! `normalize` divides by the sum (equal shares when it is zero); the result is ordered by
//! importance, largest first. Results are checked against Optuna's on recorded studies
//! (`tests/engine/importance.rs`).
//!
//! Where we differ: `target` is an objective index instead of a Python callable. fANOVA and MDI
//! use that objective's values (Optuna's `target=lambda t: t.values[i]`); PED-ANOVA, which treats
//! lower as better whenever a target is given, gets the objective in its study direction (for a
//! maximized objective, Optuna's `target=lambda t: -t.values[i]`). A study with no completed trial
//! is refused with [`Error::NoCompletedTrial`] where Optuna returns an empty dict, so a caller can
//! say why nothing is shown.

pub mod fanova;
pub(crate) mod forest;
pub mod ped_anova;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

pub use fanova::{FanovaImportanceEvaluator, FanovaOptions, MeanDecreaseImpurityImportanceEvaluator};
pub use ped_anova::{PedAnovaImportanceEvaluator, PedAnovaOptions};

use crate::error::{Error, Result};
use crate::samplers::SearchSpace;
use crate::trial::{FrozenTrial, StudyDirection, TrialState};

/// The evaluator names [`from_name`] knows, as Optuna's class names.
pub const EVALUATOR_NAMES: &[&str] =
    &["PedAnovaImportanceEvaluator", "FanovaImportanceEvaluator", "MeanDecreaseImpurityImportanceEvaluator"];

/// The evaluator used when none is named (Optuna 5.0's default).
pub const DEFAULT_EVALUATOR: &str = "PedAnovaImportanceEvaluator";

/// What an evaluator is asked about: the study's trials and directions, which parameters, and
/// which objective.
pub struct ImportanceInput<'a> {
    /// All of the study's trials (evaluators pick the completed ones).
    pub trials: &'a [FrozenTrial],
    /// One direction per objective.
    pub directions: &'a [StudyDirection],
    /// The parameters to assess, or `None` for the evaluator's default set.
    pub params: Option<&'a [String]>,
    /// The objective index, or `None` for the only objective (PED-ANOVA: all objectives).
    pub target: Option<usize>,
}

impl ImportanceInput<'_> {
    fn completed(&self) -> impl Iterator<Item = &FrozenTrial> {
        self.trials.iter().filter(|t| t.state == TrialState::Complete)
    }

    /// The value a trial is assessed by, if it has one (the single objective, or `target`'s).
    fn target_value(&self, t: &FrozenTrial) -> Option<f64> {
        let values = t.values.as_ref()?;
        values.get(self.target.unwrap_or(0)).copied().filter(|_| self.target.is_some() || values.len() == 1)
    }
}

/// Optuna's `BaseImportanceEvaluator`: unnormalized importances, in the order assessed (which
/// decides the order of ties once sorted).
pub trait ImportanceEvaluator {
    /// Each assessed parameter's importance (non-negative).
    fn evaluate(&self, input: &ImportanceInput) -> Result<IndexMap<String, f64>>;
}

/// Builds an evaluator from Optuna's class name and keyword arguments (a JSON object, or null).
pub fn from_name(name: &str, kwargs: &Value) -> Result<Box<dyn ImportanceEvaluator>> {
    Ok(match name {
        "PedAnovaImportanceEvaluator" => Box::new(PedAnovaImportanceEvaluator::new(options(name, kwargs)?)?),
        "FanovaImportanceEvaluator" => Box::new(FanovaImportanceEvaluator::new(options(name, kwargs)?)?),
        "MeanDecreaseImpurityImportanceEvaluator" => {
            Box::new(MeanDecreaseImpurityImportanceEvaluator::new(options(name, kwargs)?)?)
        }
        _ => {
            return Err(Error::UnknownName {
                kind: "importance evaluator",
                name: name.to_owned(),
                known: EVALUATOR_NAMES.join(", "),
            });
        }
    })
}

fn options<T: serde::de::DeserializeOwned + Default>(class: &str, kwargs: &Value) -> Result<T> {
    crate::samplers::options(class, kwargs)
}

/// Optuna's `get_param_importances`: the importances of `params` (default: the evaluator's set)
/// by `evaluator` (name and kwargs; default [`DEFAULT_EVALUATOR`]), for objective `target`,
/// normalized to sum to 1 when `normalize`, largest first.
pub fn get_param_importances(
    trials: &[FrozenTrial],
    directions: &[StudyDirection],
    evaluator: Option<&crate::ComponentSpec>,
    params: Option<&[String]>,
    target: Option<usize>,
    normalize: bool,
) -> Result<IndexMap<String, f64>> {
    let evaluator = match evaluator {
        Some(spec) => from_name(&spec.name, &spec.kwargs)?,
        None => from_name(DEFAULT_EVALUATOR, &Value::Null)?,
    };
    if let Some(i) = target.filter(|&i| i >= directions.len()) {
        return Err(Error::InvalidArgument(format!(
            "target {i} is not an objective index: the study has {} objective(s)",
            directions.len()
        )));
    }
    if params.is_some_and(<[String]>::is_empty) {
        return Ok(IndexMap::new());
    }
    if !trials.iter().any(|t| t.state == TrialState::Complete) {
        return Err(Error::NoCompletedTrial);
    }
    let input = ImportanceInput { trials, directions, params, target };
    let raw = evaluator.evaluate(&input)?;
    Ok(sorted(if normalize { normalized(raw) } else { raw }))
}

/// A request as the JS API and the CLI take it: `{evaluator?, kwargs?, params?, target?,
/// normalize?, before?}` (all optional; Optuna's names).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportanceRequest {
    /// The evaluator's class name (default [`DEFAULT_EVALUATOR`]).
    #[serde(default)]
    pub evaluator: Option<String>,
    /// The evaluator's keyword arguments.
    #[serde(default)]
    pub kwargs: Value,
    /// The parameters to assess.
    #[serde(default)]
    pub params: Option<Vec<String>>,
    /// The objective index.
    #[serde(default)]
    pub target: Option<usize>,
    /// Whether to normalize to a sum of 1 (default true).
    #[serde(default)]
    pub normalize: Option<bool>,
    /// Only the trials numbered below this: the study as it was after that many trials (the
    /// page's replay). Every trial when absent.
    #[serde(default)]
    pub before: Option<u64>,
}

impl ImportanceRequest {
    /// Reads a request from JSON (`null` is the default request).
    pub fn from_json(v: &Value) -> Result<Self> {
        match v {
            Value::Null => Ok(Self::default()),
            v => serde_json::from_value(v.clone())
                .map_err(|e| Error::InvalidArgument(format!("invalid importance request: {e}"))),
        }
    }

    /// Evaluates the request on a study's trials.
    pub fn evaluate(&self, trials: &[FrozenTrial], directions: &[StudyDirection]) -> Result<IndexMap<String, f64>> {
        let spec = crate::ComponentSpec {
            name: self.evaluator.clone().unwrap_or_else(|| DEFAULT_EVALUATOR.to_owned()),
            kwargs: self.kwargs.clone(),
        };
        get_param_importances(
            crate::trial::trials_before(trials, self.before),
            directions,
            Some(&spec),
            self.params.as_deref(),
            self.target,
            self.normalize.unwrap_or(true),
        )
    }
}

/// Importances divided by their sum; equal shares when the sum is zero (as Optuna).
fn normalized(raw: IndexMap<String, f64>) -> IndexMap<String, f64> {
    let sum: f64 = raw.values().sum();
    let n = raw.len() as f64;
    raw.into_iter().map(|(k, v)| (k, if sum == 0.0 { 1.0 / n } else { v / sum })).collect()
}

/// Largest first; ties keep Optuna's order (the reverse of the order they were assessed in, since
/// Optuna sorts ascending and then reverses).
fn sorted(raw: IndexMap<String, f64>) -> IndexMap<String, f64> {
    let mut items: Vec<(String, f64)> = raw.into_iter().rev().collect();
    items.sort_by(|a, b| b.1.total_cmp(&a.1));
    items.into_iter().collect()
}

/// The search space the forest evaluators assess (Optuna's `_get_distributions`): without
/// `params`, the parameters every completed trial has with one distribution; with `params`, their
/// distributions in the completed trials that have them all, which must agree.
fn forest_search_space(input: &ImportanceInput) -> Result<SearchSpace> {
    let Some(params) = input.params else {
        let mut space: Option<SearchSpace> = None;
        for t in input.completed() {
            let s = space
                .get_or_insert_with(|| t.params.iter().map(|(k, p)| (k.clone(), p.distribution.clone())).collect());
            s.retain(|name, d| t.params.get(name).is_some_and(|p| &p.distribution == d));
        }
        return Ok(space.unwrap_or_default());
    };
    let mut space: Option<SearchSpace> = None;
    for t in input.completed().filter(|t| params.iter().all(|p| t.params.contains_key(p))) {
        match &space {
            None => {
                space = Some(params.iter().map(|p| (p.clone(), t.params[p].distribution.clone())).collect());
            }
            Some(s) => {
                if s.iter().any(|(name, d)| &t.params[name].distribution != d) {
                    return Err(Error::InvalidArgument(format!(
                        "parameter importances cannot be assessed with dynamic search spaces if parameters are \
                         specified; specified parameters: {params:?}"
                    )));
                }
            }
        }
    }
    space.ok_or_else(|| {
        Error::InvalidArgument(format!(
            "the study must contain completed trials with all specified parameters; specified parameters: {params:?}"
        ))
    })
}

/// Refuses multi-objective studies without a target (fANOVA and MDI need one value per trial).
fn require_single_target(input: &ImportanceInput, class: &str) -> Result<()> {
    if input.target.is_none() && input.directions.len() > 1 {
        return Err(Error::InvalidArgument(format!(
            "{class} needs a target for a multi-objective study: pass the objective index, e.g. target 0 for the first"
        )));
    }
    Ok(())
}
