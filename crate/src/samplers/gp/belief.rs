//! "What the model believes": the GP fitted to a study's complete trials exactly as
//! [`GpSampler`](super::GpSampler) fits it, evaluated on a grid over one or two parameters (the
//! others fixed at the best trial's values): posterior mean and standard deviation in the
//! objective's own units, and the acquisition the sampler maximizes (log EI, log constrained EI or
//! log EHVI). The page draws it beside a running study.

use crate::portable::PortableMath;
use serde::{Deserialize, Serialize};

use super::model::{FitCache, build};
use super::space::GpSpace;
use crate::distributions::Distribution;
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::samplers::{InternalParams, SearchSpace, StudyView};
use crate::search_space::IntersectionSearchSpace;
use crate::trial::{FrozenTrial, StudyDirection};

/// Which slice to draw.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BeliefRequest {
    /// One or two numeric parameter names (x, then y).
    pub params: Vec<String>,
    /// Grid points per axis (default 50, at most 500).
    #[serde(default)]
    pub resolution: Option<usize>,
    /// Which objective's mean and deviation to report with several objectives (default 0).
    #[serde(default)]
    pub objective: Option<usize>,
    /// As the sampler's option of that name (default false).
    #[serde(default)]
    pub deterministic_objective: bool,
    /// Only the trials numbered below this: the belief as it was when trial `before` was sampled
    /// (the page's replay of a finished study). Default: every trial.
    #[serde(default)]
    pub before: Option<u64>,
}

/// Values on the grid: a line for one parameter, rows `z[j][i]` (j along the second parameter, i
/// along the first: Plotly's contour convention) for two.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Grid {
    /// One value per point of the single axis.
    Line(Vec<f64>),
    /// One row per point of the second axis.
    Surface(Vec<Vec<f64>>),
}

/// The model's belief over the requested slice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Belief {
    /// The parameters, as requested.
    pub params: Vec<String>,
    /// External values along each axis.
    pub axes: Vec<Vec<f64>>,
    /// Posterior mean, in objective units.
    pub mean: Grid,
    /// Posterior standard deviation, in objective units.
    pub std: Grid,
    /// The sampler's acquisition (log scale).
    pub acquisition: Grid,
    /// How many complete trials the model was fitted to (the page says "after n trials", and a
    /// replayed belief can be matched with the live one).
    #[serde(rename = "nTrials")]
    pub n_trials: usize,
}

/// Fits the GP to the complete trials of a study with `directions` and evaluates it on the slice.
pub fn belief(trials: &[FrozenTrial], directions: &[StudyDirection], request: &BeliefRequest) -> Result<Belief> {
    let n_params = request.params.len();
    if !(1..=2).contains(&n_params) {
        return Err(Error::InvalidArgument(format!("gpBelief: give one or two parameters, got {n_params}")));
    }
    if n_params == 2 && request.params[0] == request.params[1] {
        return Err(Error::InvalidArgument("gpBelief: the two parameters must differ".into()));
    }
    let resolution = request.resolution.unwrap_or(50);
    if !(2..=500).contains(&resolution) {
        return Err(Error::InvalidArgument(format!("gpBelief: resolution must be in 2..=500, got {resolution}")));
    }
    let objective = request.objective.unwrap_or(0);
    if objective >= directions.len() {
        return Err(Error::InvalidArgument(format!(
            "gpBelief: objective {objective} does not exist (the study has {})",
            directions.len()
        )));
    }
    let trials = crate::trial::trials_before(trials, request.before);
    let stop = std::cell::Cell::new(false);
    let view = StudyView::new("", directions, trials, &stop);
    let space: SearchSpace =
        IntersectionSearchSpace::new(false).calculate(&view.trials).into_iter().filter(|(_, d)| !d.single()).collect();
    let mut dists = Vec::new();
    for name in &request.params {
        match space.get(name) {
            Some(Distribution::Categorical(_)) => {
                return Err(Error::InvalidArgument(format!(
                    "gpBelief: parameter '{name}' is categorical; choose a numeric one"
                )));
            }
            Some(d) => dists.push(d.clone()),
            None => {
                return Err(Error::InvalidArgument(format!(
                    "gpBelief: parameter '{name}' is not in every complete trial (known: {})",
                    space.keys().cloned().collect::<Vec<_>>().join(", ")
                )));
            }
        }
    }
    let usable = super::usable(&view, &space);
    if usable.len() < 2 {
        return Err(Error::InvalidArgument(format!(
            "gpBelief: the model needs at least 2 complete trials, the study has {}",
            usable.len()
        )));
    }
    let gp_space = GpSpace::new(&space);
    let mut rng = Rng::seed_from_u64(0);
    let model =
        build(&gp_space, &usable, directions, &mut FitCache::default(), request.deterministic_objective, 10, &mut rng)?;
    // The others sit at the best trial (the first warm start), or the last trial when none is feasible.
    let base: Vec<f64> = model.warm_starts.first().cloned().unwrap_or_else(|| {
        let last = usable.last().expect("at least two trials");
        gp_space.encode(&last.params.iter().map(|(k, p)| (k.clone(), p.internal)).collect())
    });
    let base_params = gp_space.decode(&base);
    let axes: Vec<Vec<f64>> = dists.iter().map(|d| axis(d, resolution)).collect();
    let columns: Vec<usize> =
        request.params.iter().map(|n| gp_space.names().iter().position(|m| m == n).expect("in the space")).collect();
    let (mu, sd) = model.standardization[objective];
    let sign = if directions[objective] == StudyDirection::Minimize { -1.0 } else { 1.0 };
    let gp = model.objective_gp(objective);
    let eval = |values: &[f64]| -> (f64, f64, f64) {
        let mut p: InternalParams = base_params.clone();
        for (name, v) in request.params.iter().zip(values) {
            p.insert(name.clone(), *v);
        }
        let mut x = base.clone();
        let encoded = gp_space.encode(&p);
        for &c in &columns {
            x[c] = encoded[c];
        }
        let (m, var) = gp.predict(&x);
        (sign * (m * sd + mu), var.sqrt() * sd, model.acquisition.eval(&x))
    };
    let (mean, std, acquisition) = if n_params == 1 {
        let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
        for v in &axes[0] {
            let (m, s, q) = eval(&[*v]);
            a.push(m);
            b.push(s);
            c.push(q);
        }
        (Grid::Line(a), Grid::Line(b), Grid::Line(c))
    } else {
        let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
        for vy in &axes[1] {
            let (mut ra, mut rb, mut rc) = (Vec::new(), Vec::new(), Vec::new());
            for vx in &axes[0] {
                let (m, s, q) = eval(&[*vx, *vy]);
                ra.push(m);
                rb.push(s);
                rc.push(q);
            }
            a.push(ra);
            b.push(rb);
            c.push(rc);
        }
        (Grid::Surface(a), Grid::Surface(b), Grid::Surface(c))
    };
    Ok(Belief { params: request.params.clone(), axes, mean, std, acquisition, n_trials: usable.len() })
}

/// `n` values across a numeric distribution (geometric on a log scale; an integer range shorter
/// than `n` gives each of its values once).
fn axis(d: &Distribution, n: usize) -> Vec<f64> {
    let (low, high, log) = match d {
        Distribution::Float(f) => (f.low(), f.high(), f.log()),
        Distribution::Int(i) => {
            if (i.len() as usize) <= n {
                return (0..i.len() as i64).map(|k| (i.low() + k * i.step()) as f64).collect();
            }
            (i.low() as f64, i.high() as f64, i.log())
        }
        Distribution::Categorical(_) => unreachable!("refused before"),
    };
    let mut out: Vec<f64> = (0..n)
        .map(|k| {
            let t = k as f64 / (n - 1) as f64;
            if log { (low.ln_p() + t * (high.ln_p() - low.ln_p())).exp_p() } else { low + t * (high - low) }
        })
        .map(|v| v.clamp(low, high))
        .collect();
    if let Distribution::Int(i) = d {
        // Onto the integer grid; neighbours may coincide on a log scale, so duplicates go.
        for v in &mut out {
            *v = (i.low() as f64 + ((*v - i.low() as f64) / i.step() as f64).round() * i.step() as f64).min(high);
        }
        out.dedup();
    }
    out
}
