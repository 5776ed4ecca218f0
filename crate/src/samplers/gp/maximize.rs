//! Maximizing the acquisition over the normalized space, as Optuna 5.0.0's `optimize_acqf_mixed`:
//! evaluate quasi-random candidates, start local searches from the best of them, from others drawn
//! with probability ∝ exp(acquisition − best) (a roulette on the acquisition's own scale, so
//! near-best regions get several starts), and from the given warm starts (the best trials);
//! each local search alternates bounded L-BFGS over the continuous columns (scaled by the length
//! scales so the problem is well conditioned) with an exhaustive pass over each short grid and
//! categorical column and a search along each long grid, until nothing moves.
//!
//! Grids stay out of the gradient step: a step that also moved a long grid would end between two
//! of its points, and rounding it back could lose the whole step. That lost the refinement of the
//! continuous columns once a search had converged on an int-log-categorical problem (issue #6).
//!
//! Where we differ: Optuna line-searches long grids (Brent over the piecewise-linear
//! interpolation of the grid's values); we compass-search their index ([`grid_search`]), which
//! costs two evaluations where the point is already the best of its neighbours.

use super::acquisition::Acquisition;
use super::optim::{LbfgsOptions, minimize};
use super::space::{Column, GpSpace};
use crate::portable::PortableMath;
use crate::rng::Rng;
use crate::samplers::sobol_point;

/// How hard to search.
#[derive(Debug, Clone, Copy)]
pub struct SearchBudget {
    /// Quasi-random candidates (Optuna: 2048).
    pub n_preliminary: usize,
    /// Local searches, warm starts included (Optuna: 10).
    pub n_local: usize,
    /// Optuna's `tol` (the L-BFGS projected-gradient tolerance is its square root).
    pub tol: f64,
}

impl Default for SearchBudget {
    fn default() -> Self {
        SearchBudget { n_preliminary: 2048, n_local: 10, tol: 1e-4 }
    }
}

impl SearchBudget {
    /// Quasi-random candidates to draw against `n` observations. Each costs O(n²), so past 100
    /// observations the count ramps down linearly to 256 at 150 and stays there (Optuna: always
    /// 2048); the local searches, not the candidates, find the maximum.
    pub fn preliminary_for(&self, n: usize) -> usize {
        let floor = 256.min(self.n_preliminary);
        let t = (n.saturating_sub(100) as f64 / 50.0).min(1.0);
        (self.n_preliminary as f64 + t * (floor as f64 - self.n_preliminary as f64)).round() as usize
    }

    /// Local searches against `n` observations: Optuna's count up to 100, half of it past that,
    /// where each step of each search costs O(n²).
    pub fn local_for(&self, n: usize) -> usize {
        if n <= 100 { self.n_local } else { self.n_local.div_ceil(2).max(1) }
    }
}

/// The candidate the search ends on and its acquisition value.
pub fn maximize(
    acq: &Acquisition,
    space: &GpSpace,
    lengthscales: &[f64],
    warm_starts: &[Vec<f64>],
    budget: &SearchBudget,
    rng: &mut Rng,
) -> (Vec<f64>, f64) {
    let d = space.dim();
    // A Sobol sequence under a random shift modulo 1 (Cranley–Patterson rotation).
    let shift: Vec<f64> = (0..d).map(|_| rng.uniform()).collect();
    let n_preliminary = budget.preliminary_for(acq.n_observations());
    let mut candidates = Vec::with_capacity(n_preliminary);
    let mut values = Vec::with_capacity(n_preliminary);
    for i in 0..n_preliminary {
        let u: Vec<f64> = sobol_point(i as u64, d, None)
            .expect("a GP's space fits Sobol's table")
            .iter()
            .zip(&shift)
            .map(|(a, b)| (a + b).fract())
            .collect();
        let x = space.from_unit(&u);
        values.push(acq.eval(&x));
        candidates.push(x);
    }
    let best = argmax(&values);
    let mut starts = vec![candidates[best].clone()];
    let mut weights: Vec<f64> = values.iter().map(|v| (v - values[best]).exp_p()).collect();
    weights[best] = 0.0;
    let n_local = budget.local_for(acq.n_observations());
    let warm_starts = &warm_starts[..warm_starts.len().min(n_local.saturating_sub(1))];
    let n_roulette = n_local.saturating_sub(1 + warm_starts.len());
    for _ in 0..n_roulette {
        let total: f64 = weights.iter().sum();
        if total.is_nan() || total <= 0.0 {
            break;
        }
        let mut r = rng.uniform() * total;
        let mut pick = weights.len() - 1;
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                pick = i;
                break;
            }
            r -= w;
        }
        weights[pick] = 0.0;
        starts.push(candidates[pick].clone());
    }
    starts.extend(warm_starts.iter().cloned());
    let mut best = (starts[0].clone(), f64::NEG_INFINITY);
    for s in starts {
        let (x, v) = local_search(acq, space, lengthscales, s, budget.tol);
        if v > best.1 {
            best = (x, v);
        }
    }
    best
}

fn argmax(v: &[f64]) -> usize {
    let mut b = 0;
    for i in 1..v.len() {
        if v[i] > v[b] || v[b].is_nan() {
            b = i;
        }
    }
    b
}

/// Alternating continuous and discrete moves from `x` until neither improves.
fn local_search(
    acq: &Acquisition,
    space: &GpSpace,
    lengthscales: &[f64],
    mut x: Vec<f64>,
    tol: f64,
) -> (Vec<f64>, f64) {
    let cont: Vec<usize> =
        space.columns().iter().enumerate().filter(|(_, c)| matches!(c, Column::Continuous)).map(|(j, _)| j).collect();
    let mut fx = acq.eval(&x);
    let opts = LbfgsOptions { pgtol: tol.sqrt(), max_iters: 200, ..Default::default() };
    for _ in 0..100 {
        let mut moved = false;
        if !cont.is_empty() {
            let scale: Vec<f64> = cont.iter().map(|&j| lengthscales[j]).collect();
            let z0: Vec<f64> = cont.iter().zip(&scale).map(|(&j, s)| x[j] / s).collect();
            let bounds: Vec<[f64; 2]> = scale.iter().map(|s| [0.0, 1.0 / s]).collect();
            let mut point = x.clone();
            let mut grad = vec![0.0; x.len()];
            let r = minimize(
                |z, g| {
                    for (k, &j) in cont.iter().enumerate() {
                        point[j] = z[k] * scale[k];
                    }
                    let v = acq.eval_grad(&point, &mut grad);
                    for (k, &j) in cont.iter().enumerate() {
                        g[k] = -grad[j] * scale[k];
                    }
                    -v
                },
                &z0,
                &bounds,
                &opts,
            );
            if r.iters > 0 && -r.f > fx {
                for (k, &j) in cont.iter().enumerate() {
                    x[j] = r.x[k] * scale[k];
                }
                (fx, moved) = (-r.f, true);
            }
        }
        for (j, column) in space.columns().iter().enumerate() {
            let choices: Vec<f64> = match column {
                Column::Continuous => continue,
                Column::LongGrid(n) => {
                    moved |= grid_search(acq, space, j, *n, &mut x, &mut fx);
                    continue;
                }
                Column::Grid(g) => g.clone(),
                Column::Categorical(k) => (0..*k).map(|c| c as f64).collect(),
            };
            let start = x[j];
            let mut best = start;
            for c in choices {
                if c == start {
                    continue;
                }
                x[j] = c;
                let v = acq.eval(&x);
                if v > fx {
                    (fx, best, moved) = (v, c, true);
                }
            }
            x[j] = best;
        }
        if !moved {
            break;
        }
    }
    (x, fx)
}

/// Compass search along long grid column `j` (`n` points) from the point's index: try one stride
/// either side, move to the better side if it improves and double the stride, otherwise halve
/// it; stop when neither neighbour improves. Doubling crosses a long grid in a few dozen
/// evaluations; at a local maximum it costs two. Returns whether `x` moved.
pub fn grid_search(acq: &Acquisition, space: &GpSpace, j: usize, n: usize, x: &mut [f64], fx: &mut f64) -> bool {
    let mut i = space.grid_index(j, x[j]).min(n - 1);
    let mut stride = 1;
    let mut moved = false;
    // Each move raises the value, so the search ends; the cap only bounds a pathological one.
    for _ in 0..10_000 {
        let mut best: Option<(usize, f64)> = None;
        for k in [i.saturating_sub(stride), (i + stride).min(n - 1)] {
            if k == i {
                continue;
            }
            x[j] = space.grid_point(j, k);
            let v = acq.eval(x);
            if v > *fx && best.is_none_or(|(_, b)| v > b) {
                best = Some((k, v));
            }
        }
        match best {
            Some((k, v)) => {
                (i, *fx, moved) = (k, v, true);
                stride = stride.saturating_mul(2);
            }
            None if stride > 1 => stride /= 2,
            None => break,
        }
    }
    x[j] = space.grid_point(j, i);
    moved
}

#[cfg(test)]
mod tests {
    use super::super::acquisition::Objective;
    use super::super::kernel::{Inputs, KernelParams, fit};
    use super::super::posterior::Posterior;
    use super::*;
    use crate::distributions::{FloatDistribution, IntDistribution};
    use crate::samplers::{InternalParams, SearchSpace};

    /// `(log10 lr + 3)² + log2(units / 64)²`, the continuous and long-grid part of the harness's
    /// mixed problem.
    fn objective(lr: f64, units: f64) -> f64 {
        (lr.log10() + 3.0).powi(2) + (units / 64.0).log2().powi(2)
    }

    /// Log EI fitted to a study that has converged: 40 spread observations and 16 close to
    /// the optimum (lr = 1e-3, units = 64). Returns the space, the acquisition and the best point.
    fn converged() -> (GpSpace, Acquisition, Vec<f64>) {
        let mut space = SearchSpace::new();
        space.insert("lr".into(), FloatDistribution::new(1e-5, 1.0, true, None).unwrap().into());
        space.insert("units".into(), IntDistribution::new(8, 512, true, 1).unwrap().into());
        let space = GpSpace::new(&space);
        let mut rng = Rng::seed_from_u64(7);
        let mut points: Vec<(f64, f64)> =
            (0..40).map(|_| (10f64.powf(rng.uniform_range(-5.0, 0.0)), rng.below(505) as f64 + 8.0)).collect();
        for i in 0..16 {
            let lr = 1e-3 * 10f64.powf(0.02 * rng.uniform_range(-1.0, 1.0) / (1 + i) as f64);
            points.push((lr, (64 + rng.below(5) as i64 - 2) as f64));
        }
        let x: Vec<f64> = points
            .iter()
            .flat_map(|&(lr, units)| {
                let p: InternalParams = [("lr".to_owned(), lr), ("units".to_owned(), units)].into();
                space.encode(&p)
            })
            .collect();
        let y: Vec<f64> = points.iter().map(|&(lr, u)| -objective(lr, u)).collect();
        let mean = y.iter().sum::<f64>() / y.len() as f64;
        let sd = (y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / y.len() as f64).sqrt();
        let y: Vec<f64> = y.iter().map(|v| (v - mean) / sd).collect();
        let is_cat = vec![false, false];
        let params = fit(&Inputs { x: &x, d: 2, is_cat: &is_cat }, &y, &KernelParams::ones(2), true);
        let best = (0..y.len()).max_by(|&a, &b| y[a].total_cmp(&y[b])).unwrap();
        let threshold = y[best];
        let gp = Posterior::new(x.clone(), 2, is_cat, y, params).unwrap();
        let acq =
            Acquisition { objective: Objective::Ei { gp, threshold: Some(threshold) }, constraints: vec![], d: 2 };
        (space, acq, x[best * 2..best * 2 + 2].to_vec())
    }

    #[test]
    fn the_search_refines_a_continuous_column_beside_a_long_grid() {
        let (space, acq, best) = converged();
        assert!(matches!(space.columns()[1], Column::LongGrid(505)));
        // Brute force: every grid point of units against 201 values of lr, then lr on a 1e-6 grid
        // around the best cell, for the best grid point and its neighbours.
        let mut top = (f64::NEG_INFINITY, 0, 0.0);
        for k in 0..505 {
            for i in 0..=200 {
                let x = [i as f64 / 200.0, space.grid_point(1, k)];
                let v = acq.eval(&x);
                if v > top.0 {
                    top = (v, k, x[0]);
                }
            }
        }
        let mut brute = top.0;
        for k in top.1.saturating_sub(3)..(top.1 + 4).min(505) {
            for i in 0..=20_000 {
                let lr = (top.2 + (i as f64 - 10_000.0) * 1e-6).clamp(0.0, 1.0);
                brute = brute.max(acq.eval(&[lr, space.grid_point(1, k)]));
            }
        }
        let lengthscales = match &acq.objective {
            Objective::Ei { gp, .. } => gp.params().lengthscales(),
            _ => unreachable!(),
        };
        for seed in 0..5 {
            let (x, v) = maximize(
                &acq,
                &space,
                &lengthscales,
                std::slice::from_ref(&best),
                &SearchBudget::default(),
                &mut Rng::seed_from_u64(seed),
            );
            assert!(v >= brute - 1e-6, "seed {seed}: found {v} at {x:?}, brute force {brute}");
            assert_eq!(x[1], space.grid_point(1, space.grid_index(1, x[1])), "units off its grid: {x:?}");
        }
    }

    #[test]
    fn the_grid_search_climbs_to_a_point_better_than_both_neighbours() {
        let (space, acq, _) = converged();
        for (lr, start) in [(0.4, 0), (0.4, 504), (0.9, 250), (0.1, 17)] {
            let mut x = vec![lr, space.grid_point(1, start)];
            let mut fx = acq.eval(&x);
            let before = fx;
            let moved = grid_search(&acq, &space, 1, 505, &mut x, &mut fx);
            let k = space.grid_index(1, x[1]);
            assert_eq!(fx, acq.eval(&x));
            assert_eq!(moved, fx > before);
            for n in [k.saturating_sub(1), (k + 1).min(504)] {
                assert!(acq.eval(&[lr, space.grid_point(1, n)]) <= fx, "start {start}: {k} is beaten by {n}");
            }
            assert!(moved || start == k);
        }
    }
}
