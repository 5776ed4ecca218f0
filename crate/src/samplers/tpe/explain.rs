//! "Why these parameters": a trial's TPE draw replayed, with what the sampler weighed. The page's
//! "Inside TPE" lesson draws it: the good/bad split, the densities l(x) and g(x), the candidates
//! drawn from l, their scores log l − log g, and the one kept.
//!
//! What it follows: the replay is the sampler's own code. A fresh [`TpeSampler`] with the study's
//! options is shown the trials as they stood when the trial started (those finished by then, those
//! still running as running, for the constant liar) and makes the same draw: every draw's random
//! stream is fixed by the seed, the trial's number and the draw's parameters
//! ([`Rng::for_draw`](crate::rng::Rng::for_draw)), not by what ran before, so the replay picks
//! the very values the trial has. The split, the estimators, the candidates and their scores are
//! the draw's own ([`Inspection`]).
//!
//! Where it differs: the densities drawn for a parameter are its marginals. For a univariate model
//! that is the model itself; for a joint (multivariate) one the marginal of a product-kernel
//! mixture over one dimension is the same mixture of that dimension's kernels, which is what a
//! one-dimensional estimator fitted to that column with the same weights is (every per-dimension
//! kernel is normalized, and bandwidths are per dimension). The candidates' scores stay joint.
//! The replay is exact (`reproduced`) only when it can be: the sampler was seeded, the trials
//! carry their start and end times, and no other trial ran while this one did (a trial running
//! alongside was then part of the history with only the parameters it had at that moment, which
//! are not recorded). Samplers under `HyperbandPruner` see only their bracket's trials; the
//! replay sees all of them.

use std::cell::Cell;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::parzen::{DimSpec, ParzenEstimator};
use super::{Inspection, TpeSampler, TpeSamplerOptions};
use crate::distributions::{Distribution, ParamValue};
use crate::error::{Error, Result};
use crate::samplers::{Sampler, SearchSpace, StudyView};
use crate::trial::{FrozenTrial, StudyDirection, TrialState};

/// Which trial, and which of its parameters, to explain.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExplainRequest {
    /// The trial's number.
    pub trial: u64,
    /// Parameters to explain (default: all the trial's, in suggestion order).
    #[serde(default)]
    pub params: Option<Vec<String>>,
    /// Points on each density's axis (default 200, 2..=2000).
    #[serde(default)]
    pub resolution: Option<usize>,
}

/// Whether a trial's parameters came from random sampling or from the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Fewer than `n_startup_trials` complete or pruned trials: random sampling.
    Startup,
    /// Drawn by TPE.
    Tpe,
}

/// A trial's draw, explained.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TpeExplanation {
    /// The trial's number.
    pub trial: u64,
    /// Random startup sampling or TPE.
    pub phase: Phase,
    /// Complete and pruned trials when the trial started.
    pub n_finished: usize,
    /// The sampler's `n_startup_trials`.
    pub n_startup_trials: usize,
    /// Whether the sampler models parameters jointly.
    pub multivariate: bool,
    /// Whether every modelled parameter's `value` is the sampler's draw replayed exactly (the
    /// study seeded, its history known); then `value == recorded`.
    pub reproduced: bool,
    /// Why the replay is not exact, when it is not.
    pub caveat: Option<String>,
    /// One entry per explained parameter.
    pub params: Vec<ParamExplanation>,
}

/// One parameter's draw.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParamExplanation {
    /// The parameter's name.
    pub name: String,
    /// Its distribution, in Optuna's JSON.
    pub distribution: Value,
    /// Random startup sampling or TPE.
    pub phase: Phase,
    /// What the model picks (null in startup, where the value was random).
    pub value: Option<ParamValue>,
    /// What the trial has.
    pub recorded: ParamValue,
    /// The model (null in startup and for a distribution with a single value).
    pub model: Option<TpeModel>,
}

/// What TPE weighed for one parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TpeModel {
    /// Observations in the good set (l's).
    pub n_below: usize,
    /// Observations in the bad set (g's), running trials included under the constant liar.
    pub n_above: usize,
    /// The good set's share of the finished trials the model saw.
    pub gamma: f64,
    /// `"density"` for continuous floats (per unit of `ln x` on a log scale), `"mass"` for
    /// categorical, integer and stepped parameters (the probability of each value).
    pub kind: &'static str,
    /// Whether the parameter was drawn jointly with others (then `l` and `g` are marginals and
    /// the scores joint).
    pub joint: bool,
    /// The parameters drawn together with it (itself included).
    pub group: Vec<String>,
    /// Values of the parameter (external units; geometric for log scales; every choice for a
    /// categorical; grid values for integers and stepped floats).
    pub axis: Vec<ParamValue>,
    /// l, the good set's density (or mass) at each axis value.
    pub l: Vec<f64>,
    /// g, the bad set's density (or mass) at each axis value.
    pub g: Vec<f64>,
    /// The candidates drawn from l, in draw order (this parameter's coordinate).
    pub candidates: Vec<ParamValue>,
    /// log l at each candidate (joint when `joint`).
    pub log_l: Vec<f64>,
    /// log g at each candidate (joint when `joint`).
    pub log_g: Vec<f64>,
    /// `log_l − log_g`, the score maximized.
    pub score: Vec<f64>,
    /// Which candidate was kept.
    pub chosen: usize,
}

/// Replays the TPE draw of trial `request.trial` among `trials` (a study with `directions`,
/// sampled by a `TPESampler` with `options`) and explains it.
pub fn explain(
    trials: &[FrozenTrial],
    directions: &[StudyDirection],
    options: &TpeSamplerOptions,
    request: &ExplainRequest,
) -> Result<TpeExplanation> {
    let bad = |msg: String| Error::InvalidArgument(format!("tpeExplain: {msg}"));
    let resolution = request.resolution.unwrap_or(200);
    if !(2..=2000).contains(&resolution) {
        return Err(bad(format!("resolution must be in 2..=2000, got {resolution}")));
    }
    let target = trials
        .iter()
        .find(|t| t.number == request.trial)
        .ok_or_else(|| bad(format!("the study has no trial {} (it has {} trials)", request.trial, trials.len())))?;
    if target.state == TrialState::Waiting {
        return Err(bad(format!("trial {} is waiting: nothing was sampled yet", target.number)));
    }
    let names: Vec<String> = request.params.clone().unwrap_or_else(|| target.params.keys().cloned().collect());
    for name in &names {
        if !target.params.contains_key(name) {
            return Err(bad(format!(
                "trial {} has no parameter '{name}' (it has: {})",
                target.number,
                target.params.keys().cloned().collect::<Vec<_>>().join(", ")
            )));
        }
        if target.fixed_params().is_some_and(|f| f.contains_key(name)) {
            return Err(bad(format!(
                "parameter '{name}' of trial {} was fixed (enqueued), not sampled by TPE",
                target.number
            )));
        }
    }

    let History { trials: history, caveat } = history(trials, target);
    let mut caveat = caveat;
    if options.seed.is_none() {
        caveat = Some("the sampler was not seeded, so its random draws cannot be replayed".into());
    }
    let stop = Cell::new(false);
    let view = StudyView::new("", directions, &history, &stop);
    let current = history.iter().find(|t| t.number == target.number).expect("the target is in its history");
    let mut sampler = TpeSampler::new(options.clone())?;
    let n_finished = TpeSampler::n_finished(&view);
    let phase = if n_finished < options.n_startup_trials { Phase::Startup } else { Phase::Tpe };
    let multivariate = sampler.multivariate(&view);
    // The relative space the study asked for when the trial started (its groups).
    let groups: Vec<SearchSpace> = if phase == Phase::Tpe {
        sampler.infer_relative_search_space(&view, current)?;
        std::mem::take(&mut sampler.current_groups)
    } else {
        Vec::new()
    };

    let mut params = Vec::with_capacity(names.len());
    for name in &names {
        let p = &target.params[name];
        let d = &p.distribution;
        let mut entry = ParamExplanation {
            name: name.clone(),
            distribution: d.to_json(),
            phase,
            value: None,
            recorded: p.value(),
            model: None,
        };
        if phase == Phase::Startup {
            params.push(entry);
            continue;
        }
        if d.single() {
            // The study takes the only value without asking the sampler.
            entry.value = Some(p.value());
            params.push(entry);
            continue;
        }
        // As the study: the relative sample when the parameter is in the relative space with
        // this very distribution, an independent draw otherwise.
        let space = match groups.iter().find(|g| g.get(name) == Some(d)) {
            Some(group) => group.clone(),
            None => SearchSpace::from([(name.clone(), d.clone())]),
        };
        let mut inspection = Inspection::default();
        let drawn = sampler.sample_space(&view, current, &space, Some(&mut inspection));
        entry.value = Some(d.to_external(drawn[name]));
        let column = space.keys().position(|k| k == name).expect("the parameter is in its space");
        entry.model = Some(model(&sampler, &inspection, &space, column, d, resolution));
        params.push(entry);
    }
    Ok(TpeExplanation {
        trial: target.number,
        phase,
        n_finished,
        n_startup_trials: options.n_startup_trials,
        multivariate,
        reproduced: caveat.is_none(),
        caveat,
        params,
    })
}

/// The trials as the sampler saw them when `target` started.
struct History {
    trials: Vec<FrozenTrial>,
    /// Why that view is not certain, if it is not.
    caveat: Option<String>,
}

fn history(trials: &[FrozenTrial], target: &FrozenTrial) -> History {
    let finished = |t: &FrozenTrial| t.state.is_finished();
    let mut out = Vec::new();
    let mut caveat = None;
    let Some(start) = target.datetime_start else {
        // No clock: assume trials ran one after another, in number order.
        for t in trials.iter().filter(|t| t.number < target.number && finished(t)) {
            out.push(t.clone());
        }
        out.push(as_started(target));
        return History {
            trials: out,
            caveat: Some("the trials carry no start times; assumed they ran one after another".into()),
        };
    };
    let end = target.datetime_complete;
    for t in trials {
        if t.number == target.number {
            out.push(as_started(target));
            continue;
        }
        let Some(t_start) = t.datetime_start else { continue };
        // Ties on the millisecond: a trial told in the same millisecond as this one was asked
        // was told first (one worker tells, then asks); trials asked in the same millisecond
        // started in number order.
        let started_before = t_start < start || (t_start == start && t.number < target.number);
        let done_before = started_before && finished(t) && t.datetime_complete.is_some_and(|e| e <= start);
        let started_after_end = end.is_some_and(|e| t_start >= e);
        if done_before {
            out.push(t.clone());
        } else if !started_after_end {
            if caveat.is_none() {
                caveat = Some(format!(
                    "trial {} ran alongside this one; the parameters it had at the time are not recorded",
                    t.number
                ));
            }
            if started_before {
                // The constant liar counted it as running (with its parameters as they are now).
                let mut running = t.clone();
                running.state = TrialState::Running;
                running.values = None;
                running.datetime_complete = None;
                out.push(running);
            }
        }
    }
    History { trials: out, caveat }
}

/// `target` as it was when it started: running, nothing suggested yet.
fn as_started(target: &FrozenTrial) -> FrozenTrial {
    let mut t = FrozenTrial::new(target.number, target.trial_id, TrialState::Running);
    t.system_attrs = target.system_attrs.clone();
    t.datetime_start = target.datetime_start;
    t
}

/// The model of the parameter in column `column` of the draw `inspection` describes.
fn model(
    sampler: &TpeSampler,
    inspection: &Inspection,
    space: &SearchSpace,
    column: usize,
    d: &Distribution,
    resolution: usize,
) -> TpeModel {
    let Inspection { n_finished, specs, below, above, w_below, w_above, candidates, log_l, log_g, chosen } = inspection;
    let dims = specs.len();
    let spec = &specs[column];
    // The marginal: a one-dimensional estimator on this column, with the draw's weights.
    let marginal = |rows: &[f64], weights: &[f64]| {
        let column: Vec<[f64; 1]> = rows.chunks(dims).map(|r| [r[column]]).collect();
        let rows: Vec<&[f64]> = column.iter().map(|r| r.as_slice()).collect();
        ParzenEstimator::new(std::slice::from_ref(spec), &rows, weights, sampler.parzen)
    };
    let (l_model, g_model) = (marginal(below, w_below), marginal(above, w_above));
    let (kind, internal_axis) = axis(d, spec, resolution);
    let working: Vec<f64> = internal_axis.iter().map(|&v| spec.encode(v)).collect();
    let density = |m: &ParzenEstimator| m.log_pdf(&working).into_iter().map(f64::exp).collect();
    let n_below = below.len() / dims;
    TpeModel {
        n_below,
        n_above: above.len() / dims,
        gamma: if *n_finished == 0 { 0.0 } else { n_below as f64 / *n_finished as f64 },
        kind,
        joint: dims > 1,
        group: space.keys().cloned().collect(),
        axis: internal_axis.iter().map(|&v| d.to_external(v)).collect(),
        l: density(&l_model),
        g: density(&g_model),
        candidates: candidates.chunks(dims).map(|c| d.to_external(spec.decode(c[column]))).collect(),
        log_l: log_l.clone(),
        log_g: log_g.clone(),
        score: log_l.iter().zip(log_g).map(|(l, g)| l - g).collect(),
        chosen: *chosen,
    }
}

/// The axis (internal values) on which a parameter's densities are drawn, and their kind.
fn axis(d: &Distribution, spec: &DimSpec, n: usize) -> (&'static str, Vec<f64>) {
    match (d, spec) {
        (Distribution::Categorical(c), _) => ("mass", (0..c.choices().len()).map(|i| i as f64).collect()),
        (_, DimSpec::Numeric { grid: Some((step, first, last)), .. }) => {
            // Every grid value, or `n` of them spread evenly (in working coordinates) when there
            // are more.
            let count = ((last - first) / step).round() as usize + 1;
            if count <= n {
                return ("mass", (0..count).map(|k| (first + k as f64 * step).min(*last)).collect());
            }
            let (lo, hi) = (spec.encode(*first), spec.encode(*last));
            let mut values: Vec<f64> =
                (0..n).map(|k| spec.decode(lo + (hi - lo) * k as f64 / (n - 1) as f64)).collect();
            values.dedup();
            ("mass", values)
        }
        (_, DimSpec::Numeric { low, high, .. }) => {
            let values = (0..n).map(|k| spec.decode(low + (high - low) * k as f64 / (n - 1) as f64)).collect();
            ("density", values)
        }
        (_, DimSpec::Categorical { .. }) => unreachable!("a categorical spec comes from a categorical distribution"),
    }
}
