//! The study's bindings: `WasmStudy` (ask, tell, optimize's pieces, storage, importances, the
//! page's plot queries) and the engine's name lists.

use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::{js_err, to_js, to_json};
use crate::distributions::{CategoricalDistribution, Distribution, FloatDistribution, IntDistribution, ParamValue};
use crate::storage::{JournalStorage, ReplayReport, SharedBackend, Storage};
use crate::{ComponentSpec, FrozenTrial, Study, StudyConfig, TrialOutcome, pruners, samplers};

/// A trial as JS sees it (Optuna's `FrozenTrial` attributes, camelCase): parameters by their
/// external values, distributions in Optuna's JSON, and the duration in milliseconds.
fn trial_view(t: &FrozenTrial) -> Value {
    let dists: serde_json::Map<String, Value> =
        t.params.iter().map(|(k, p)| (k.clone(), p.distribution.to_json())).collect();
    serde_json::json!({
        "number": t.number,
        "state": t.state,
        "values": t.values,
        "value": t.value(),
        "params": t.param_values(),
        "distributions": dists,
        "intermediateValues": t.intermediate_values,
        "userAttrs": t.user_attrs,
        "systemAttrs": t.system_attrs,
        "datetimeStart": t.datetime_start,
        "datetimeComplete": t.datetime_complete,
        "duration": t.duration_ms(),
    })
}

/// The sampler names the engine knows (Optuna's class names).
#[wasm_bindgen(js_name = samplerNames)]
pub fn sampler_names() -> Vec<String> {
    samplers::SAMPLER_NAMES.iter().map(|s| s.to_string()).collect()
}

/// The pruner names the engine knows (Optuna's class names).
#[wasm_bindgen(js_name = prunerNames)]
pub fn pruner_names() -> Vec<String> {
    pruners::PRUNER_NAMES.iter().map(|s| s.to_string()).collect()
}

/// A study driven from JS. Trials are addressed by number.
#[wasm_bindgen(js_name = WasmStudy)]
pub struct WasmStudy {
    study: Study,
    /// For studies kept in an Optuna journal: the lines they started from, what they appended,
    /// how many appended lines the page has taken, and what the replay skipped.
    journal: Option<JournalState>,
    /// The sampler as built (its kwargs with the configuration's seed filled in), for the
    /// explanations that replay it.
    sampler: ComponentSpec,
    /// The terminator the page's or the caller's checks keep between trials.
    terminator: crate::terminator::TerminatorSlot,
}

struct JournalState {
    base: String,
    backend: SharedBackend,
    taken: usize,
    report: ReplayReport,
}

fn parse_config(config: &JsValue) -> Result<StudyConfig, JsError> {
    match to_json(config)? {
        Value::Null => Ok(StudyConfig::default()),
        v => serde_json::from_value(v).map_err(|e| JsError::new(&format!("invalid study configuration: {e}"))),
    }
}

fn built_sampler(config: &StudyConfig) -> Result<ComponentSpec, JsError> {
    Ok(ComponentSpec { name: config.sampler.name.clone(), kwargs: config.sampler_kwargs().map_err(js_err)? })
}

/// The names of the studies in an Optuna journal's text (for an import picker).
#[wasm_bindgen(js_name = journalStudies)]
pub fn journal_studies(text: &str) -> Result<JsValue, JsError> {
    let (storage, _) = JournalStorage::open(text, SharedBackend::new(), "reader");
    let names: Vec<String> = storage.studies().into_iter().map(|(_, name)| name).collect();
    to_js(&names)
}

#[wasm_bindgen(js_class = WasmStudy)]
impl WasmStudy {
    /// Creates a study from a configuration object (see `StudyConfig`; Optuna's names).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<WasmStudy, JsError> {
        let config = parse_config(&config)?;
        let study = config.build_study(Some(Box::new(|| Some(js_sys::Date::now())))).map_err(js_err)?;
        Ok(WasmStudy { study, journal: None, sampler: built_sampler(&config)?, terminator: Default::default() })
    }

    /// A study kept in an Optuna journal: replays `journal` (may be empty), continues the study of
    /// the configuration's name if the journal has it (else creates it), and records every change
    /// as journal lines (see `takeJournal`). Lines that cannot be applied are skipped and reported
    /// (`journalReport`), never fatal.
    #[wasm_bindgen(js_name = withJournal)]
    pub fn with_journal(config: JsValue, journal: &str) -> Result<WasmStudy, JsError> {
        let config = parse_config(&config)?;
        let backend = SharedBackend::new();
        let worker = format!("wasmtune-page-{:016x}", crate::rng::Rng::from_entropy().next_u64());
        let (storage, report) = JournalStorage::open(journal, backend.clone(), &worker);
        let clock = Box::new(|| Some(js_sys::Date::now()));
        let study = config.build_study_in(Some(Box::new(storage)), Some(clock)).map_err(js_err)?;
        // Only complete lines were replayed; keep exactly those, each with its newline.
        let base = journal.rfind('\n').map_or(String::new(), |i| journal[..=i].to_owned());
        let sampler = built_sampler(&config)?;
        Ok(WasmStudy {
            study,
            journal: Some(JournalState { base, backend, taken: 0, report }),
            sampler,
            terminator: Default::default(),
        })
    }

    /// Journal lines appended since the last call (to persist them, in order).
    #[wasm_bindgen(js_name = takeJournal)]
    pub fn take_journal(&mut self) -> Result<JsValue, JsError> {
        let j = self
            .journal
            .as_mut()
            .ok_or_else(|| JsError::new("this study has no journal (use WasmStudy.withJournal)"))?;
        let lines = j.backend.lines_from(j.taken);
        j.taken += lines.len();
        to_js(&lines)
    }

    /// The whole journal: the lines the study started from and every line since (Optuna's format).
    #[wasm_bindgen(js_name = exportJournal)]
    pub fn export_journal(&self) -> Result<String, JsError> {
        let j = self
            .journal
            .as_ref()
            .ok_or_else(|| JsError::new("this study has no journal (use WasmStudy.withJournal)"))?;
        let mut text = j.base.clone();
        for line in j.backend.lines_from(0) {
            text.push_str(&line);
            text.push('\n');
        }
        Ok(text)
    }

    /// What the journal replay applied and skipped: `{applied, skipped: [[line, reason], ...]}`.
    #[wasm_bindgen(js_name = journalReport)]
    pub fn journal_report(&self) -> Result<JsValue, JsError> {
        let j = self.journal.as_ref().ok_or_else(|| JsError::new("this study has no journal"))?;
        to_js(&serde_json::json!({"applied": j.report.applied, "skipped": j.report.skipped}))
    }

    /// Ends every running trial as FAIL (a study reopened after the page closed mid-trial, as
    /// Optuna's stale-trial handling); returns their numbers.
    #[wasm_bindgen(js_name = failStaleTrials)]
    pub fn fail_stale_trials(&mut self, reason: &str) -> Result<JsValue, JsError> {
        let numbers = self.study.fail_running_trials(reason).map_err(js_err)?;
        to_js(&numbers)
    }

    /// Starts a trial; returns its number.
    pub fn ask(&mut self) -> Result<f64, JsError> {
        self.study.ask().map(|n| n as f64).map_err(js_err)
    }

    /// Suggests from a distribution in Optuna's JSON (`{"name": "FloatDistribution", "attributes":
    /// {...}}`); returns the external value.
    pub fn suggest(&mut self, number: f64, name: &str, distribution: JsValue) -> Result<JsValue, JsError> {
        let d = Distribution::from_json(&to_json(&distribution)?).map_err(js_err)?;
        let v = self.study.suggest(number as u64, name, d).map_err(js_err)?;
        to_js(&v)
    }

    /// Suggests a float; `step` may be undefined.
    #[wasm_bindgen(js_name = suggestFloat)]
    pub fn suggest_float(
        &mut self,
        number: f64,
        name: &str,
        low: f64,
        high: f64,
        step: Option<f64>,
        log: bool,
    ) -> Result<f64, JsError> {
        let d = FloatDistribution::new(low, high, log, step).map_err(js_err)?;
        let v = self.study.suggest(number as u64, name, d.into()).map_err(js_err)?;
        Ok(v.as_f64().unwrap_or(f64::NAN))
    }

    /// Suggests an integer (as a JS number).
    #[wasm_bindgen(js_name = suggestInt)]
    pub fn suggest_int(
        &mut self,
        number: f64,
        name: &str,
        low: f64,
        high: f64,
        step: f64,
        log: bool,
    ) -> Result<f64, JsError> {
        let int = |x: f64, what: &str| {
            if x.fract() == 0.0 && x.abs() < 9.0e15 {
                Ok(x as i64)
            } else {
                Err(JsError::new(&format!("suggestInt: {what} must be an integer, got {x}")))
            }
        };
        let d = IntDistribution::new(int(low, "low")?, int(high, "high")?, log, int(step, "step")?).map_err(js_err)?;
        let v = self.study.suggest(number as u64, name, d.into()).map_err(js_err)?;
        Ok(v.as_f64().unwrap_or(f64::NAN))
    }

    /// Suggests one of `choices` (an array of null, booleans, numbers, strings).
    #[wasm_bindgen(js_name = suggestCategorical)]
    pub fn suggest_categorical(&mut self, number: f64, name: &str, choices: JsValue) -> Result<JsValue, JsError> {
        let choices: Vec<ParamValue> = match to_json(&choices)? {
            Value::Array(a) => a.iter().map(ParamValue::from_json).collect::<Result<_, _>>().map_err(js_err)?,
            other => return Err(JsError::new(&format!("suggestCategorical: choices must be an array, got {other}"))),
        };
        let d = CategoricalDistribution::new(choices).map_err(js_err)?;
        let v = self.study.suggest(number as u64, name, Distribution::Categorical(d)).map_err(js_err)?;
        to_js(&v)
    }

    /// Records an intermediate value.
    pub fn report(&mut self, number: f64, value: f64, step: f64) -> Result<(), JsError> {
        if !(step >= 0.0 && step.fract() == 0.0) {
            return Err(JsError::new(&format!("report: step must be a non-negative integer, got {step}")));
        }
        self.study.report(number as u64, value, step as u64).map_err(js_err)
    }

    /// Whether the pruner says to stop the trial now.
    #[wasm_bindgen(js_name = shouldPrune)]
    pub fn should_prune(&mut self, number: f64) -> Result<bool, JsError> {
        self.study.should_prune(number as u64).map_err(js_err)
    }

    /// Sets a user attribute on a running trial.
    #[wasm_bindgen(js_name = setUserAttr)]
    pub fn set_user_attr(&mut self, number: f64, key: &str, value: JsValue) -> Result<(), JsError> {
        let v = to_json(&value)?;
        self.study.set_trial_user_attr(number as u64, key, v).map_err(js_err)
    }

    /// Ends a trial with values (a number or an array), or with `state` "pruned" / "fail".
    /// Returns the recorded trial.
    pub fn tell(
        &mut self,
        number: f64,
        values: JsValue,
        state: Option<String>,
        reason: Option<String>,
    ) -> Result<JsValue, JsError> {
        let outcome = match state.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("complete") => {
                let vals = match to_json(&values)? {
                    Value::Number(n) => vec![n.as_f64().unwrap_or(f64::NAN)],
                    Value::Array(a) => a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect(),
                    // JSON has no NaN/inf: JS non-finite numbers arrive as null and fail the trial.
                    Value::Null => vec![f64::NAN],
                    other => {
                        return Err(JsError::new(&format!("tell: values must be a number or an array, got {other}")));
                    }
                };
                TrialOutcome::Complete(vals)
            }
            Some("pruned") => TrialOutcome::Pruned,
            Some("fail") => TrialOutcome::Fail(reason.unwrap_or_else(|| "failed".into())),
            Some(s) => return Err(JsError::new(&format!("tell: unknown state \"{s}\""))),
        };
        let t = self.study.tell(number as u64, outcome).map_err(js_err)?;
        to_js(&trial_view(t))
    }

    /// Every trial, as plain objects.
    pub fn trials(&self) -> Result<JsValue, JsError> {
        to_js(&self.study.trials().iter().map(trial_view).collect::<Vec<_>>())
    }

    /// One trial by number, as a plain object.
    pub fn trial(&self, number: f64) -> Result<JsValue, JsError> {
        to_js(&trial_view(self.study.trial(number as u64).map_err(js_err)?))
    }

    /// The best trial of a single-objective study (throws before any trial completes).
    #[wasm_bindgen(js_name = bestTrial)]
    pub fn best_trial(&self) -> Result<JsValue, JsError> {
        to_js(&trial_view(self.study.best_trial().map_err(js_err)?))
    }

    /// The best value of a single-objective study.
    #[wasm_bindgen(js_name = bestValue)]
    pub fn best_value(&self) -> Result<f64, JsError> {
        self.study.best_value().map_err(js_err)
    }

    /// The best trial's parameters (external values).
    #[wasm_bindgen(js_name = bestParams)]
    pub fn best_params(&self) -> Result<JsValue, JsError> {
        to_js(&self.study.best_params().map_err(js_err)?)
    }

    /// The Pareto-optimal complete trials.
    #[wasm_bindgen(js_name = bestTrials)]
    pub fn best_trials(&self) -> Result<JsValue, JsError> {
        to_js(&self.study.best_trials().into_iter().map(trial_view).collect::<Vec<_>>())
    }

    /// The directions, as `"minimize"` / `"maximize"`.
    pub fn directions(&self) -> Result<JsValue, JsError> {
        to_js(&self.study.directions())
    }

    /// Adds a trial with fixed parameters (Optuna's `enqueue_trial`); returns its number, or
    /// undefined when `skipIfExists` found one already.
    #[wasm_bindgen(js_name = enqueueTrial)]
    pub fn enqueue_trial(&mut self, params: JsValue, skip_if_exists: bool) -> Result<Option<f64>, JsError> {
        let params = match to_json(&params)? {
            Value::Object(m) => m
                .iter()
                .map(|(k, v)| Ok((k.clone(), ParamValue::from_json(v)?)))
                .collect::<crate::Result<_>>()
                .map_err(js_err)?,
            other => return Err(JsError::new(&format!("enqueueTrial: params must be an object, got {other}"))),
        };
        Ok(self.study.enqueue_trial(params, skip_if_exists).map_err(js_err)?.map(|n| n as f64))
    }

    /// Asks the study to stop (Optuna's `study.stop()`); `isStopped` then reads true.
    pub fn stop(&self) {
        self.study.stop();
    }

    /// Whether the study asked to stop (e.g. a grid is exhausted).
    #[wasm_bindgen(js_name = isStopped)]
    pub fn is_stopped(&self) -> bool {
        self.study.is_stopped()
    }
}

/// The importance evaluator names the engine knows (Optuna's class names; the first is the default).
#[wasm_bindgen(js_name = importanceEvaluatorNames)]
pub fn importance_evaluator_names() -> Vec<String> {
    crate::importance::EVALUATOR_NAMES.iter().map(|s| s.to_string()).collect()
}

#[wasm_bindgen(js_class = WasmStudy)]
impl WasmStudy {
    /// Parameter importances (Optuna's `get_param_importances`) from the completed trials:
    /// `request` is undefined or `{evaluator?, kwargs?, params?, target?, normalize?}` (evaluator by
    /// Optuna's class name, default `PedAnovaImportanceEvaluator`; `target` an objective index).
    /// Returns `{param: importance}`, largest first.
    pub fn importances(&self, request: JsValue) -> Result<JsValue, JsError> {
        let request = crate::importance::ImportanceRequest::from_json(&to_json(&request)?).map_err(js_err)?;
        let out = request.evaluate(self.study.trials(), self.study.directions()).map_err(js_err)?;
        to_js(&out)
    }
}

#[wasm_bindgen(js_class = WasmStudy)]
impl WasmStudy {
    /// The terminator over this study's trials (Optuna's `Terminator`): `request` is undefined or
    /// `{terminator?: {improvement_evaluator?, error_evaluator?, min_n_trials?}, history_from?}`
    /// (evaluators as `{name, kwargs}` by Optuna's class names). Returns `{improvement_evaluator,
    /// error_evaluator, min_n_trials, decision: {n_complete, improvement, error, terminate},
    /// history: [{trial_number, improvement, error}]}`.
    /// The terminator is kept between calls with the same spec (a stateful error evaluator then
    /// works once).
    pub fn terminator(&mut self, request: JsValue) -> Result<JsValue, JsError> {
        let request = crate::terminator::TerminatorRequest::from_json(&to_json(&request)?).map_err(js_err)?;
        let report = self.terminator.answer(&request, self.study.trials(), self.study.directions()).map_err(js_err)?;
        to_js(&report)
    }
}

// ---- page plots: constraints and hypervolume (appended for the playground's Pareto views) ----

#[wasm_bindgen(js_class = WasmStudy)]
impl WasmStudy {
    /// Records constraint values for a running trial (feasible when every value is ≤ 0; Optuna's
    /// `constraints` system attribute).
    #[wasm_bindgen(js_name = setConstraint)]
    pub fn set_constraint(&mut self, number: f64, values: Vec<f64>) -> Result<(), JsError> {
        self.study.set_trial_constraints(number as u64, values).map_err(js_err)
    }
}

/// Which of `points` (each a list of objective values) no other point dominates under
/// `directions` (`"minimize"` / `"maximize"` per objective): their indices, ascending. The engine's
/// Pareto front, as `bestTrials` computes it, for any subset of trials (a replay).
#[wasm_bindgen(js_name = paretoFront)]
pub fn pareto_front(points: JsValue, directions: JsValue) -> Result<Vec<u32>, JsError> {
    let points: Vec<Vec<f64>> = serde_json::from_value(to_json(&points)?)
        .map_err(|e| JsError::new(&format!("paretoFront: points must be lists of numbers: {e}")))?;
    let directions: Vec<crate::StudyDirection> = serde_json::from_value(to_json(&directions)?)
        .map_err(|e| JsError::new(&format!("paretoFront: directions must be \"minimize\" or \"maximize\": {e}")))?;
    if let Some(p) = points.iter().find(|p| p.len() != directions.len()) {
        return Err(JsError::new(&format!(
            "paretoFront: a point has {} values, the directions {}",
            p.len(),
            directions.len()
        )));
    }
    let refs: Vec<&[f64]> = points.iter().map(Vec::as_slice).collect();
    let mut front = crate::multi_objective::pareto_front(&refs, &directions);
    front.sort_unstable();
    Ok(front.into_iter().map(|i| i as u32).collect())
}

/// The hypervolume dominated by `points` (each a list of objective values, all minimized) up to
/// `reference` (the engine's exact computation, for the page's hypervolume history).
#[wasm_bindgen(js_name = hypervolume)]
pub fn hypervolume(points: JsValue, reference: Vec<f64>) -> Result<f64, JsError> {
    let points: Vec<Vec<f64>> = serde_json::from_value(to_json(&points)?)
        .map_err(|e| JsError::new(&format!("hypervolume: points must be lists of numbers: {e}")))?;
    if let Some(p) = points.iter().find(|p| p.len() != reference.len()) {
        return Err(JsError::new(&format!(
            "hypervolume: a point has {} values, the reference {}",
            p.len(),
            reference.len()
        )));
    }
    Ok(crate::multi_objective::hypervolume(&points, &reference))
}
#[wasm_bindgen(js_class = WasmStudy)]
impl WasmStudy {
    /// What a Gaussian process fitted to the complete trials (as `GPSampler` fits it) believes over
    /// one or two numeric parameters, the others at the best trial: `request` is
    /// `{params: [x] | [x, y], resolution?: 50}`; returns `{params, axes, mean, std, acquisition}`
    /// (objective units; flat arrays for one parameter, rows `z[j][i]` along y for two).
    #[wasm_bindgen(js_name = gpBelief)]
    pub fn gp_belief(&self, request: JsValue) -> Result<JsValue, JsError> {
        let request: samplers::gp::BeliefRequest =
            serde_json::from_value(to_json(&request)?).map_err(|e| JsError::new(&format!("gpBelief: {e}")))?;
        let belief = samplers::gp::belief(self.study.trials(), self.study.directions(), &request).map_err(js_err)?;
        to_js(&belief)
    }
}

#[wasm_bindgen(js_class = WasmStudy)]
impl WasmStudy {
    /// Why `TPESampler` picked a trial's parameters: the draw replayed from the study's seed and
    /// the trial's history (see `samplers::tpe::explain`). `request` is `{trial, params?,
    /// resolution?: 200}`; returns `{trial, phase, nFinished, nStartupTrials, multivariate,
    /// reproduced, caveat, params: [{name, distribution, phase, value, recorded, model}]}`.
    #[wasm_bindgen(js_name = tpeExplain)]
    pub fn tpe_explain(&self, request: JsValue) -> Result<JsValue, JsError> {
        let (options, request): (samplers::TpeSamplerOptions, samplers::tpe::ExplainRequest) =
            self.explain_inputs("tpeExplain", "TPESampler", &request)?;
        let explanation =
            samplers::tpe::explain(self.study.trials(), self.study.directions(), &options, &request).map_err(js_err)?;
        to_js(&explanation)
    }
}

#[wasm_bindgen(js_class = WasmStudy)]
impl WasmStudy {
    /// What `CmaEsSampler` believed, generation by generation: the distribution `N(m, σ²C)` it
    /// stored in the study, the trials drawn from it, and its 1σ/2σ contours on one or two
    /// parameters (see `samplers::cmaes::explain`). `request` is `{trial?, params?, points?: 64}`;
    /// returns `{trial, axes, shown, nStartupTrials, independent, generations: [{restart,
    /// generation, popsize, sigma, mean, cov, shownMean, ellipse1, ellipse2, firstTrial, trials}]}`.
    #[wasm_bindgen(js_name = cmaesExplain)]
    pub fn cmaes_explain(&self, request: JsValue) -> Result<JsValue, JsError> {
        let (options, request): (samplers::CmaEsSamplerOptions, samplers::cmaes::CmaExplainRequest) =
            self.explain_inputs("cmaesExplain", "CmaEsSampler", &request)?;
        let explanation = samplers::cmaes::explain(self.study.trials(), self.study.directions(), &options, &request)
            .map_err(js_err)?;
        to_js(&explanation)
    }
}

impl WasmStudy {
    /// What every `*Explain` binding starts with: the study's sampler options, refused with a
    /// message naming `method` unless the sampler is `sampler`, and the request (an absent one is
    /// `{}`, which is enough where every field is optional).
    fn explain_inputs<O, R>(&self, method: &str, sampler: &str, request: &JsValue) -> Result<(O, R), JsError>
    where
        O: serde::de::DeserializeOwned + Default,
        R: serde::de::DeserializeOwned,
    {
        if self.sampler.name != sampler {
            return Err(JsError::new(&format!(
                "{method}: the study's sampler is {}, not {sampler}",
                self.sampler.name
            )));
        }
        let options = samplers::options(sampler, &self.sampler.kwargs).map_err(js_err)?;
        let json = if request.is_undefined() || request.is_null() {
            Value::Object(Default::default())
        } else {
            to_json(request)?
        };
        let request = serde_json::from_value(json).map_err(|e| JsError::new(&format!("{method}: {e}")))?;
        Ok((options, request))
    }
}

/// Which trial `autoExplain` explains.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AutoExplainRequest {
    /// The choice made for this trial (default: the one for the next trial).
    #[serde(default)]
    trial: Option<u64>,
}

#[wasm_bindgen(js_class = WasmStudy)]
impl WasmStudy {
    /// Which sampler `AutoSampler` uses and why (see `samplers::auto::explain`): for the next
    /// trial, or with `{trial}` for that trial (from the trials before it). Returns `{sampler,
    /// reason, nComplete, nObjectives, nParams, categorical, conditional, constrained, switchAt,
    /// next}`.
    #[wasm_bindgen(js_name = autoExplain)]
    pub fn auto_explain(&self, request: JsValue) -> Result<JsValue, JsError> {
        let (options, request): (samplers::AutoSamplerOptions, AutoExplainRequest) =
            self.explain_inputs("autoExplain", "AutoSampler", &request)?;
        if let Some(k) = request.trial.filter(|&k| k as usize >= self.study.trials().len()) {
            return Err(JsError::new(&format!("autoExplain: the study has no trial {k}")));
        }
        let trials = crate::trial::trials_before(self.study.trials(), request.trial);
        to_js(&samplers::auto::explain(trials, self.study.directions(), &options))
    }
}
