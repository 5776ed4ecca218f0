//! From finished trials to a fitted model and its acquisition: what [`GpSampler`](super::GpSampler)
//! maximizes and what [`belief`](mod@super::belief) draws, built by one function so both agree.
//!
//! As Optuna 5.0.0: objectives are turned to maximization and standardized per objective
//! (non-finite values clipped to the finite range first); constraint values are negated and
//! standardized the same way, each with its own GP, the standardized image of 0 as threshold; the
//! best (feasible) trial, or for several objectives up to `n_local/2` random Pareto-optimal ones,
//! warm-start the local search.

use serde_json::Value;

use super::acquisition::{Acquisition, N_EHVI_SAMPLES, Objective, normal_samples};
use super::kernel::{Inputs, KernelParams, fit_with_memory};
use super::optim::LbfgsMemory;
use super::posterior::Posterior;
use super::space::GpSpace;
use crate::error::{Error, Result};
use crate::multi_objective::{non_dominated_boxes, non_domination_ranks};
use crate::rng::Rng;
use crate::samplers::CONSTRAINTS_KEY;
use crate::trial::{FrozenTrial, StudyDirection};

/// Floor of a standard deviation in standardization (Optuna's `EPS`).
const EPS: f64 = 1e-10;

/// Hyperparameters are refitted at every trial below this many observations (as Optuna), and
/// above it only once the data has grown by a fifth since the last fit; in between, the factor is
/// extended by the new rows in O(n²) per row. Optuna refits every trial; a fit costs O(n³) per
/// likelihood evaluation, which past a hundred observations would be most of a trial's time.
pub const REFIT_EVERY_TRIAL_BELOW: usize = 100;

/// Whether `n` observations call for a new fit, the last one having seen `n_fit`.
pub fn needs_refit(n: usize, n_fit: usize) -> bool {
    n < REFIT_EVERY_TRIAL_BELOW || n * 5 >= n_fit * 6
}

/// A GP kept between trials with the count it was fitted on.
#[derive(Debug, Clone)]
pub struct Fitted {
    gp: Posterior,
    n_fit: usize,
    memory: LbfgsMemory,
}

/// Fitted GPs kept between trials, so each fit starts from the last and unchanged
/// hyperparameters reuse the factor.
#[derive(Debug, Clone, Default)]
pub struct FitCache {
    objectives: Vec<Fitted>,
    constraints: Vec<Fitted>,
}

/// Everything fitted for one step.
pub struct Model {
    /// The acquisition to maximize.
    pub acquisition: Acquisition,
    /// Length scales for preconditioning the local search (averaged over objectives).
    pub lengthscales: Vec<f64>,
    /// Normalized points the local search also starts from.
    pub warm_starts: Vec<Vec<f64>>,
    /// Per objective: the value `mean + std·u` in maximize units stands for `u`.
    pub standardization: Vec<(f64, f64)>,
}

/// Standardizes each column of `rows` (non-finite values clipped to the column's finite range).
fn standardize(rows: &[Vec<f64>]) -> (Vec<Vec<f64>>, Vec<(f64, f64)>) {
    let m = rows.first().map_or(0, Vec::len);
    let n = rows.len() as f64;
    let mut cols = vec![Vec::with_capacity(rows.len()); m];
    let mut stats = Vec::with_capacity(m);
    for j in 0..m {
        let finite: Vec<f64> = rows.iter().map(|r| r[j]).filter(|v| v.is_finite()).collect();
        let (lo, hi) = finite.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
        let (lo, hi) = if finite.is_empty() { (0.0, 0.0) } else { (lo, hi) };
        let clipped: Vec<f64> = rows.iter().map(|r| if r[j].is_nan() { lo } else { r[j].clamp(lo, hi) }).collect();
        let mean = clipped.iter().sum::<f64>() / n;
        let std = (clipped.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        cols[j] = clipped.iter().map(|v| (v - mean) / std.max(EPS)).collect();
        stats.push((mean, std.max(EPS)));
    }
    (cols, stats)
}

/// Constraint values of `trials`, or None when none has any; an error when their counts differ.
fn constraint_rows(trials: &[&FrozenTrial]) -> Result<Option<Vec<Vec<f64>>>> {
    let rows: Vec<Option<Vec<f64>>> = trials
        .iter()
        .map(|t| {
            t.system_attrs
                .get(CONSTRAINTS_KEY)
                .and_then(Value::as_array)
                .map(|cs| cs.iter().map(|c| c.as_f64().unwrap_or(f64::NAN)).collect())
        })
        .collect();
    if rows.iter().all(Option::is_none) {
        return Ok(None);
    }
    let len = rows.iter().flatten().next().map_or(0, Vec::len);
    if rows.iter().any(|r| r.as_ref().map(Vec::len) != Some(len)) {
        return Err(Error::InvalidArgument(
            "GPSampler: every complete trial must have the same number of constraints".into(),
        ));
    }
    Ok(Some(rows.into_iter().flatten().collect()))
}

fn fit_posterior(space: &GpSpace, x: &[f64], y: Vec<f64>, cached: Option<Fitted>, deterministic: bool) -> Fitted {
    let (d, is_cat, n) = (space.dim(), space.is_cat(), y.len());
    let (mut start, mut memory) = (KernelParams::ones(d), LbfgsMemory::default());
    if let Some(mut c) = cached.filter(|c| c.gp.params().inv_sq_lengthscales.len() == d) {
        start = c.gp.params().clone();
        memory = std::mem::take(&mut c.memory);
        let old = c.gp.x().len();
        // Same rows first (trials finish in order unless a parallel one overtakes) and no refit due.
        if old <= x.len() && x[..old] == *c.gp.x() && !needs_refit(n, c.n_fit) && c.gp.extend(&x[old..]).is_ok() {
            c.gp.set_values(y);
            c.memory = memory;
            return c;
        }
    }
    let inputs = Inputs { x, d, is_cat: &is_cat };
    let params = fit_with_memory(&inputs, &y, &start, deterministic, &mut memory);
    let gp = Posterior::new(x.to_vec(), d, is_cat.clone(), y.clone(), params).unwrap_or_else(|_| {
        // The fit's optimum was positive definite; this guards the fallback parameters.
        let safe = KernelParams { noise: 1.0, ..KernelParams::ones(d) };
        Posterior::new(x.to_vec(), d, is_cat, y, safe).expect("unit noise keeps the matrix positive definite")
    });
    Fitted { gp, n_fit: n, memory }
}

/// Fits one GP per column of `ys`, reusing `cached` when it has one per column.
fn fit_all(space: &GpSpace, x: &[f64], ys: Vec<Vec<f64>>, cached: Vec<Fitted>, deterministic: bool) -> Vec<Fitted> {
    let mut old = if cached.len() == ys.len() { cached.into_iter().map(Some).collect() } else { vec![None; ys.len()] };
    ys.into_iter().enumerate().map(|(k, y)| fit_posterior(space, x, y, old[k].take(), deterministic)).collect()
}

/// Fits the model to complete `trials` (all holding every parameter of `space`).
pub fn build(
    space: &GpSpace,
    trials: &[&FrozenTrial],
    directions: &[StudyDirection],
    cache: &mut FitCache,
    deterministic: bool,
    n_local: usize,
    rng: &mut Rng,
) -> Result<Model> {
    let d = space.dim();
    let x: Vec<f64> = trials
        .iter()
        .flat_map(|t| {
            let p = t.params.iter().map(|(k, p)| (k.clone(), p.internal)).collect();
            space.encode(&p)
        })
        .collect();
    let signed: Vec<Vec<f64>> = trials
        .iter()
        .map(|t| {
            let v = t.values.as_ref().expect("complete trials have values");
            v.iter().zip(directions).map(|(v, dir)| if *dir == StudyDirection::Minimize { -v } else { *v }).collect()
        })
        .collect();
    let (ys, standardization) = standardize(&signed);
    let m = directions.len();
    cache.objectives = fit_all(space, &x, ys.clone(), std::mem::take(&mut cache.objectives), deterministic);
    let gps: Vec<Posterior> = cache.objectives.iter().map(|f| f.gp.clone()).collect();

    let mut constraints = Vec::new();
    let mut feasible = vec![true; trials.len()];
    if let Some(rows) = constraint_rows(trials)? {
        for (i, r) in rows.iter().enumerate() {
            feasible[i] = r.iter().all(|c| *c <= 0.0);
        }
        let negated: Vec<Vec<f64>> = rows.iter().map(|r| r.iter().map(|c| -c).collect()).collect();
        let (cs, stats) = standardize(&negated);
        cache.constraints = fit_all(space, &x, cs, std::mem::take(&mut cache.constraints), deterministic);
        for (f, (mean, std)) in cache.constraints.iter().zip(stats) {
            constraints.push((f.gp.clone(), -mean / std));
        }
    }

    let row = |i: usize| x[i * d..(i + 1) * d].to_vec();
    let feasible_idx: Vec<usize> = (0..trials.len()).filter(|&i| feasible[i]).collect();
    let mut lengthscales = vec![0.0; d];
    for g in &gps {
        for (l, v) in lengthscales.iter_mut().zip(g.params().lengthscales()) {
            *l += v / gps.len() as f64;
        }
    }
    let (objective, warm_starts) = if m == 1 {
        let best = feasible_idx.iter().copied().max_by(|&a, &b| ys[0][a].total_cmp(&ys[0][b]));
        let gp = gps.into_iter().next().expect("one objective");
        (Objective::Ei { gp, threshold: best.map(|i| ys[0][i]) }, best.map(row).into_iter().collect())
    } else {
        // Loss space (minimized) for the front and its boxes; the acquisition works in maximize space.
        let loss: Vec<Vec<f64>> = feasible_idx.iter().map(|&i| (0..m).map(|k| -ys[k][i]).collect()).collect();
        let samples = normal_samples(N_EHVI_SAMPLES, m, rng.next_u64());
        if loss.is_empty() {
            (Objective::Ehvi { gps, boxes: None, samples }, Vec::new())
        } else {
            let reference: Vec<f64> = (0..m)
                .map(|k| {
                    let worst = loss.iter().map(|l| l[k]).fold(f64::NEG_INFINITY, f64::max);
                    let r = (1.1 * worst).max(0.9 * worst);
                    r + r.abs().max(f64::MIN_POSITIVE) * f64::EPSILON
                })
                .collect();
            let refs: Vec<&[f64]> = loss.iter().map(Vec::as_slice).collect();
            let ranks = non_domination_ranks(&refs, &vec![StudyDirection::Minimize; m]);
            let front_idx: Vec<usize> = (0..loss.len()).filter(|&i| ranks[i] == 0).collect();
            let front: Vec<Vec<f64>> = front_idx.iter().map(|&i| loss[i].clone()).collect();
            let boxes = non_dominated_boxes(&front, &reference)
                .into_iter()
                .map(|(lo, hi)| (hi.iter().map(|v| -v).collect(), lo.iter().map(|v| -v).collect()))
                .collect();
            let mut pool = front_idx.clone();
            rng.shuffle(&mut pool);
            let warm = pool.iter().take((n_local / 2).min(pool.len())).map(|&i| row(feasible_idx[i])).collect();
            (Objective::Ehvi { gps, boxes: Some(boxes), samples }, warm)
        }
    };
    Ok(Model { acquisition: Acquisition { objective, constraints, d }, lengthscales, warm_starts, standardization })
}

impl Model {
    /// The GP of objective `k`.
    pub fn objective_gp(&self, k: usize) -> &Posterior {
        match &self.acquisition.objective {
            Objective::Ei { gp, .. } => gp,
            Objective::Ehvi { gps, .. } => &gps[k],
        }
    }
}
