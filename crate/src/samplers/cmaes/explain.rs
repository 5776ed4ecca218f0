//! "What CMA-ES believes": each generation's search distribution `N(m, σ² C)` as the sampler held
//! it, the trials drawn from it, and the 1σ and 2σ ellipses of its projection on one or two
//! parameters. The page's "Inside CMA-ES" lesson draws it.
//!
//! What it follows: nothing is re-estimated. The sampler stores its whole optimizer in the system
//! attributes of the first trial it asks after each update (and after each restart), so the
//! distribution a generation was drawn from is read back from the study itself, and a trial
//! belongs to the generation its own `…generation` attribute names. An explanation up to trial k
//! therefore depends only on the trials numbered up to k: replaying a finished study to k gives
//! what was seen live at k.
//!
//! Where it differs: the ellipses are those of the unbounded Gaussian. The sampler redraws a
//! sample that falls outside the box (and clips after `10 n` tries), so near a bound the trials
//! are a truncated version of what the ellipse encloses. Log parameters are drawn in log space:
//! their ellipse is round in log units and looks skewed on a linear axis.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{CmaEsSamplerOptions, State, generation_key, prefix};
use crate::distributions::Distribution;
use crate::error::{Error, Result};
use crate::search_space::IntersectionSearchSpace;
use crate::transform::{SearchSpaceTransform, TransformOptions};
use crate::trial::{FrozenTrial, StudyDirection, TrialState};

/// Up to which trial, and on which parameters, to explain.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CmaExplainRequest {
    /// The last trial to take into account (default: every trial).
    #[serde(default)]
    pub trial: Option<u64>,
    /// One or two parameters of the joint space to project the distribution on (default: the
    /// first two, in the sampler's column order).
    #[serde(default)]
    pub params: Option<Vec<String>>,
    /// Points on each ellipse (default 64, 8..=1000).
    #[serde(default)]
    pub points: Option<usize>,
}

/// One parameter of the space CMA-ES searches.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CmaAxis {
    /// The parameter's name.
    pub name: String,
    /// Its distribution, in Optuna's JSON.
    pub distribution: Value,
    /// Whether CMA-ES searches it in log space.
    pub log: bool,
}

/// One generation's search distribution and the trials drawn from it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CmaGeneration {
    /// Restarts before this run (IPOP and BIPOP start a new run with a larger population).
    pub restart: u32,
    /// The generation within its run (0 for a run's first).
    pub generation: u64,
    /// λ, the trials of one generation.
    pub popsize: usize,
    /// The step size σ.
    pub sigma: f64,
    /// The mean in the sampler's `[0, 1]` box, one entry per column of `axes`.
    pub mean: Vec<f64>,
    /// C, row-major, in the box (the distribution is `N(mean, sigma² cov)`).
    pub cov: Vec<f64>,
    /// The mean on the shown parameters, in their units.
    pub shown_mean: Vec<f64>,
    /// The 1σ contour on the shown parameters (Mahalanobis distance 1), in their units; with one
    /// shown parameter, the interval `[low, high]` as two one-element points.
    pub ellipse1: Vec<Vec<f64>>,
    /// The 2σ contour, likewise.
    pub ellipse2: Vec<Vec<f64>>,
    /// The trial whose start recorded this distribution.
    pub first_trial: u64,
    /// The trials drawn from it (up to the requested trial), in number order.
    pub trials: Vec<u64>,
}

/// A CMA-ES study explained up to one trial.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CmaExplanation {
    /// The last trial taken into account (null: the study has none).
    pub trial: Option<u64>,
    /// The parameters CMA-ES searches jointly, in column order (the box's axes).
    pub axes: Vec<CmaAxis>,
    /// The parameters the means and ellipses are projected on.
    pub shown: Vec<String>,
    /// The sampler's `n_startup_trials`.
    pub n_startup_trials: usize,
    /// Trials not drawn by CMA-ES (before it started, or outside its space): the independent
    /// sampler's.
    pub independent: Vec<u64>,
    /// Every generation so far, oldest first.
    pub generations: Vec<CmaGeneration>,
}

/// Explains the CMA-ES search of a study with `trials` and `directions`, sampled by a
/// `CmaEsSampler` with `options`, up to `request.trial`.
pub fn explain(
    trials: &[FrozenTrial],
    directions: &[StudyDirection],
    options: &CmaEsSamplerOptions,
    request: &CmaExplainRequest,
) -> Result<CmaExplanation> {
    let bad = |msg: String| Error::InvalidArgument(format!("cmaesExplain: {msg}"));
    if directions.len() > 1 {
        return Err(bad("CmaEsSampler does not support multi-objective optimization".into()));
    }
    let points = request.points.unwrap_or(64);
    if !(8..=1000).contains(&points) {
        return Err(bad(format!("points must be in 8..=1000, got {points}")));
    }
    if let Some(k) = request.trial {
        if !trials.iter().any(|t| t.number == k) {
            return Err(bad(format!("the study has no trial {k} (it has {} trials)", trials.len())));
        }
    }
    let upto: Vec<&FrozenTrial> = trials.iter().filter(|t| request.trial.is_none_or(|k| t.number <= k)).collect();

    // The joint space as the sampler computes it (see `CmaEsSampler::joint_space`).
    let mut space = IntersectionSearchSpace::new(false).calculate(&upto);
    space.retain(|_, d| !d.single() && !matches!(d, Distribution::Categorical(_)));
    let trans =
        SearchSpaceTransform::new(&space, TransformOptions { log: true, step: !options.with_margin, zero_one: true });
    let axes: Vec<CmaAxis> = space
        .iter()
        .map(|(name, d)| CmaAxis { name: name.clone(), distribution: d.to_json(), log: is_log(d) })
        .collect();
    let shown: Vec<String> = match &request.params {
        Some(p) => {
            if p.is_empty() || p.len() > 2 {
                return Err(bad(format!("params must name one or two parameters, got {}", p.len())));
            }
            for name in p {
                if !space.contains_key(name) {
                    let names: Vec<&str> = space.keys().map(String::as_str).collect();
                    return Err(bad(format!(
                        "'{name}' is not in the space CMA-ES searches (numeric parameters every complete trial has: {})",
                        if names.is_empty() { "none yet".to_string() } else { names.join(", ") }
                    )));
                }
            }
            p.clone()
        }
        None => space.keys().take(2).cloned().collect(),
    };
    let columns: Vec<usize> =
        shown.iter().map(|n| trans.names().iter().position(|m| m == n).expect("in space")).collect();

    let prefix = prefix(options);
    let optimizer_key = format!("{prefix}optimizer");
    let restarts_on = options.restart_strategy.is_some();
    let mut generations: Vec<CmaGeneration> = Vec::new();
    let mut independent = Vec::new();
    for t in &upto {
        if t.state == TrialState::Waiting {
            continue;
        }
        if let Some(state) = t.system_attrs.get(&optimizer_key).and_then(parse_state) {
            let cma = state.driver.cma();
            let ellipses = if cma.dim() == trans.n_columns() && !columns.is_empty() {
                let mean: Vec<f64> = columns.iter().map(|&c| cma.mean()[c]).collect();
                let n = cma.dim();
                let block: Vec<f64> = columns
                    .iter()
                    .flat_map(|&i| columns.iter().map(move |&j| (i, j)))
                    .map(|(i, j)| cma.sigma() * cma.sigma() * cma.cov()[i * n + j])
                    .collect();
                let to_units = |p: Vec<f64>| -> Vec<f64> {
                    p.iter().zip(&columns).map(|(u, &c)| trans.continuous(c, *u)).collect()
                };
                Some((
                    to_units(mean.clone()),
                    contour(&mean, &block, 1.0, points).into_iter().map(to_units).collect(),
                    contour(&mean, &block, 2.0, points).into_iter().map(to_units).collect(),
                ))
            } else {
                // The space changed under the sampler (it then samples independently).
                None
            };
            let (shown_mean, ellipse1, ellipse2) = ellipses.unwrap_or_default();
            generations.push(CmaGeneration {
                restart: state.driver.restarts(),
                generation: cma.generation(),
                popsize: cma.population_size(),
                sigma: cma.sigma(),
                mean: cma.mean().to_vec(),
                cov: cma.cov().to_vec(),
                shown_mean,
                ellipse1,
                ellipse2,
                first_trial: t.number,
                trials: Vec::new(),
            });
        }
        let member = generations.last_mut().filter(|g| {
            t.system_attrs.get(&generation_key(restarts_on, prefix, g.restart)).and_then(Value::as_u64)
                == Some(g.generation)
        });
        match member {
            Some(g) => g.trials.push(t.number),
            None => independent.push(t.number),
        }
    }
    Ok(CmaExplanation {
        trial: upto.last().map(|t| t.number),
        axes,
        shown,
        n_startup_trials: options.n_startup_trials,
        independent,
        generations,
    })
}

fn parse_state(v: &Value) -> Option<State> {
    match v {
        Value::String(text) => serde_json::from_str(text).ok(),
        other => serde_json::from_value(other.clone()).ok(),
    }
}

fn is_log(d: &Distribution) -> bool {
    match d {
        Distribution::Float(f) => f.log(),
        Distribution::Int(i) => i.log(),
        Distribution::Categorical(_) => false,
    }
}

/// The points at Mahalanobis distance `r` from `mean` under covariance `block` (1-D: the two ends
/// of the interval; 2-D: `points` points around the ellipse, the first repeated at the end so the
/// curve closes).
fn contour(mean: &[f64], block: &[f64], r: f64, points: usize) -> Vec<Vec<f64>> {
    if mean.len() == 1 {
        let half = r * block[0].max(0.0).sqrt();
        return vec![vec![mean[0] - half], vec![mean[0] + half]];
    }
    let (a, b, d) = (block[0], 0.5 * (block[1] + block[2]), block[3]);
    // Eigen-decomposition of the symmetric 2×2 [[a, b], [b, d]].
    let half_trace = 0.5 * (a + d);
    let root = (0.25 * (a - d) * (a - d) + b * b).sqrt();
    let (l1, l2) = ((half_trace + root).max(0.0), (half_trace - root).max(0.0));
    let angle = 0.5 * (2.0 * b).atan2(a - d);
    let (c, s) = (angle.cos(), angle.sin());
    (0..=points)
        .map(|k| {
            let t = std::f64::consts::TAU * (k % points) as f64 / points as f64;
            let (u, v) = (r * l1.sqrt() * t.cos(), r * l2.sqrt() * t.sin());
            vec![mean[0] + c * u - s * v, mean[1] + s * u + c * v]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::contour;

    /// Every contour point is at Mahalanobis distance r, for a tilted covariance.
    #[test]
    fn contour_points_are_at_distance_r() {
        let block = [0.04, 0.015, 0.015, 0.01];
        let det = block[0] * block[3] - block[1] * block[2];
        let inv = [block[3] / det, -block[1] / det, -block[2] / det, block[0] / det];
        for r in [1.0, 2.0] {
            let pts = contour(&[0.3, 0.6], &block, r, 32);
            assert_eq!(pts.len(), 33);
            assert_eq!(pts[0], pts[32]);
            for p in &pts {
                let (x, y) = (p[0] - 0.3, p[1] - 0.6);
                let m = x * (inv[0] * x + inv[1] * y) + y * (inv[2] * x + inv[3] * y);
                assert!((m.sqrt() - r).abs() < 1e-9, "distance {} for r {r}", m.sqrt());
            }
        }
        let interval = contour(&[0.5], &[0.09], 2.0, 32);
        assert_eq!(interval, vec![vec![0.5 - 0.6], vec![0.5 + 0.6]]);
    }
}
