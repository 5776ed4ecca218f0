//! PED-ANOVA (Watanabe, Bansal & Hutter 2023, "PED-ANOVA: Efficiently Quantifying Hyperparameter
//! Importance in Arbitrary Subspaces"), with conditional parameters handled per regime as in
//! Conditional PED-ANOVA (2026): Optuna 5.0's default `PedAnovaImportanceEvaluator`.
//!
//! The importance of a parameter is the Pearson divergence between its density among the best
//! trials (the top `target_quantile`) and its density in a region (the top `region_quantile`, by
//! default every trial): a parameter whose good values look like any values does not matter. Each
//! density is a Parzen estimator on a grid: numeric ranges are cut into at most 50 points (log
//! ranges in log space; fewer points for short integer or stepped ranges), each trial counted at
//! its nearest point, with Gaussian kernels of Scott's-rule bandwidth (at least 0.5/1.64 grid
//! steps) truncated to the grid, plus one wide prior kernel; categoricals get one smoothed kernel
//! per observed choice plus a uniform prior. With `evaluate_on_local` false the region density is
//! uniform over the grid instead.
//!
//! Conditional parameters: the region's trials are grouped by the parameter's distribution (its
//! absence is a group of its own and contributes nothing); groups with fewer than 2 trials are
//! dropped; each group adds `α²/β · D(group)`, α and β being its shares of the target and region
//! trials; the sum is scaled by `(|target| / |region|)²`.
//!
//! Trials are ranked by the single objective in its direction, or by objective `target` in its
//! direction, or, for several objectives without a target, by non-domination rank with ties at the
//! cut broken by greedy hypervolume subset selection (as multi-objective TPE). Ties at a quantile's
//! cut are all kept.

use indexmap::IndexMap;
use serde::Deserialize;

use super::{ImportanceEvaluator, ImportanceInput};
use crate::distributions::Distribution;
use crate::error::{Error, Result};
use crate::multi_objective::{hypervolume, non_domination_ranks};
use crate::trial::{FrozenTrial, StudyDirection};

/// Grid points for a numeric range (Optuna's `n_steps`).
const N_STEPS: usize = 50;
/// The prior kernel's weight against each observation's (Optuna's `prior_weight`).
const PRIOR_WEIGHT: f64 = 1.0;
/// Smaller regimes of a conditional parameter are ignored (Optuna's `min_n_trials_in_regime`).
const MIN_TRIALS_IN_REGIME: usize = 2;
/// Added to both densities so that the ratio stays finite.
const DENSITY_FLOOR: f64 = 1e-12;

/// Options of [`PedAnovaImportanceEvaluator`] (Optuna's keyword names and defaults).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PedAnovaOptions {
    /// The share of best trials whose parameters are explained (γ' in the paper).
    pub target_quantile: f64,
    /// The share of best trials that defines the region compared against (γ).
    pub region_quantile: f64,
    /// Compare against the region's trials (true) or against the uniform grid (false).
    pub evaluate_on_local: bool,
}

impl Default for PedAnovaOptions {
    fn default() -> Self {
        PedAnovaOptions { target_quantile: 0.1, region_quantile: 1.0, evaluate_on_local: true }
    }
}

/// Optuna's `PedAnovaImportanceEvaluator`.
#[derive(Debug, Clone)]
pub struct PedAnovaImportanceEvaluator {
    options: PedAnovaOptions,
}

impl PedAnovaImportanceEvaluator {
    /// An evaluator with these options; needs `0 < target_quantile < region_quantile <= 1`.
    pub fn new(options: PedAnovaOptions) -> Result<Self> {
        let (t, r) = (options.target_quantile, options.region_quantile);
        if !(0.0 < t && t < r && r <= 1.0) {
            return Err(Error::InvalidArgument(format!(
                "PedAnovaImportanceEvaluator: need 0 < target_quantile < region_quantile <= 1, got target_quantile {t} \
                 and region_quantile {r}"
            )));
        }
        Ok(PedAnovaImportanceEvaluator { options })
    }
}

impl ImportanceEvaluator for PedAnovaImportanceEvaluator {
    fn evaluate(&self, input: &ImportanceInput) -> Result<IndexMap<String, f64>> {
        let params = resolve_params(input)?;
        let trials: Vec<&FrozenTrial> = input
            .completed()
            .filter(|t| match input.target {
                Some(_) => input.target_value(t).is_some_and(f64::is_finite),
                None => t.values.as_ref().is_some_and(|vs| vs.iter().all(|v| v.is_finite())),
            })
            .collect();
        let mut out: IndexMap<String, f64> = params.iter().map(|p| (p.clone(), 0.0)).collect();
        if trials.len() <= 1 {
            return Ok(out);
        }
        let target = top_quantile(input, &trials, self.options.target_quantile);
        let region = top_quantile(input, &trials, self.options.region_quantile);
        if target.is_empty() {
            return Ok(out);
        }
        let in_target: std::collections::HashSet<u64> = target.iter().map(|t| t.number).collect();
        for (name, importance) in out.iter_mut() {
            // Regimes: the region's trials grouped by the parameter's distribution, in first-seen order.
            let mut regimes: Vec<(Option<&Distribution>, Vec<&FrozenTrial>)> = Vec::new();
            for &t in &region {
                let d = t.params.get(name).map(|p| &p.distribution);
                match regimes.iter_mut().find(|(k, _)| *k == d) {
                    Some((_, ts)) => ts.push(t),
                    None => regimes.push((d, vec![t])),
                }
            }
            for (d, region_regime) in regimes.iter().filter(|(_, ts)| ts.len() >= MIN_TRIALS_IN_REGIME) {
                let Some(d) = d.filter(|d| !d.single()) else { continue };
                let target_regime: Vec<&FrozenTrial> =
                    region_regime.iter().copied().filter(|t| in_target.contains(&t.number)).collect();
                if target_regime.is_empty() {
                    continue;
                }
                let alpha = target_regime.len() as f64 / target.len() as f64;
                let beta = region_regime.len() as f64 / region.len() as f64;
                *importance += alpha * alpha / beta * self.divergence(name, d, &target_regime, region_regime);
            }
        }
        let q = target.len() as f64 / region.len() as f64;
        out.values_mut().for_each(|v| *v *= q * q);
        Ok(out)
    }
}

impl PedAnovaImportanceEvaluator {
    /// The Pearson divergence of the target trials' density from the region's (or the uniform).
    fn divergence(&self, name: &str, d: &Distribution, target: &[&FrozenTrial], region: &[&FrozenTrial]) -> f64 {
        let top = GridDensity::fit(name, d, target).pdf();
        let local = if self.options.evaluate_on_local {
            GridDensity::fit(name, d, region).pdf()
        } else {
            vec![1.0 / top.len() as f64; top.len()]
        };
        top.iter()
            .zip(&local)
            .map(|(&p, &q)| {
                let (p, q) = (p + DENSITY_FLOOR, if self.options.evaluate_on_local { q + DENSITY_FLOOR } else { q });
                q * (p / q - 1.0).powi(2)
            })
            .sum()
    }
}

/// The parameters to assess: the requested ones (each must appear in some completed trial), or
/// every parameter of any completed trial, by name.
fn resolve_params(input: &ImportanceInput) -> Result<Vec<String>> {
    let mut all: Vec<&String> = input.completed().flat_map(|t| t.params.keys()).collect();
    all.sort();
    all.dedup();
    match input.params {
        None => Ok(all.into_iter().cloned().collect()),
        Some(ps) => {
            let missing: Vec<&String> = ps.iter().filter(|p| all.binary_search(p).is_err()).collect();
            if !missing.is_empty() {
                return Err(Error::InvalidArgument(format!(
                    "the study must contain at least one completed trial for each specified parameter; missing \
                     parameters: {missing:?}"
                )));
            }
            Ok(ps.to_vec())
        }
    }
}

/// The best `quantile` of `trials` (all of them at 1), in trial order.
fn top_quantile<'t>(input: &ImportanceInput, trials: &[&'t FrozenTrial], quantile: f64) -> Vec<&'t FrozenTrial> {
    if quantile == 1.0 {
        return trials.to_vec();
    }
    if input.directions.len() > 1 && input.target.is_none() {
        let k = (quantile * trials.len() as f64).ceil() as usize;
        return top_pareto(input.directions, trials, k);
    }
    let i = input.target.unwrap_or(0);
    let sign = if input.directions[i] == StudyDirection::Maximize { -1.0 } else { 1.0 };
    let loss: Vec<f64> = trials.iter().map(|t| sign * t.values.as_ref().unwrap()[i]).collect();
    let cut_index = ((quantile * loss.len() as f64).ceil() as usize).max(1) - 1;
    let mut sorted = loss.clone();
    sorted.sort_by(f64::total_cmp);
    let cutoff = sorted[cut_index];
    trials.iter().zip(&loss).filter(|(_, l)| **l <= cutoff).map(|(t, _)| *t).collect()
}

/// The `k` best trials of several objectives: whole non-domination fronts while they fit, the
/// front at the cut thinned by greedy hypervolume subset selection with a reference point just
/// beyond that front's worst values (as multi-objective TPE's split). In trial order.
fn top_pareto<'t>(directions: &[StudyDirection], trials: &[&'t FrozenTrial], k: usize) -> Vec<&'t FrozenTrial> {
    if k >= trials.len() {
        return trials.to_vec();
    }
    let loss: Vec<Vec<f64>> = trials
        .iter()
        .map(|t| {
            let vs = t.values.as_ref().unwrap();
            vs.iter().zip(directions).map(|(v, d)| if *d == StudyDirection::Maximize { -v } else { *v }).collect()
        })
        .collect();
    let refs: Vec<&[f64]> = loss.iter().map(Vec::as_slice).collect();
    let ranks = non_domination_ranks(&refs, &vec![StudyDirection::Minimize; directions.len()]);
    let mut chosen = vec![false; trials.len()];
    let mut taken = 0;
    let mut r = 0;
    while taken < k {
        let front: Vec<usize> = (0..trials.len()).filter(|&i| ranks[i] == r).collect();
        if taken + front.len() <= k {
            front.iter().for_each(|&i| chosen[i] = true);
            taken += front.len();
        } else {
            let reference: Vec<f64> = (0..directions.len())
                .map(|m| {
                    let worst = front.iter().map(|&i| loss[i][m]).fold(f64::NEG_INFINITY, f64::max);
                    let r = (1.1 * worst).max(0.9 * worst);
                    if r == 0.0 { 1e-12 } else { r }
                })
                .collect();
            let mut picked: Vec<Vec<f64>> = Vec::new();
            let mut left = front;
            let mut base = 0.0;
            while taken < k {
                let (mut best_pos, mut best_gain) = (0, f64::NEG_INFINITY);
                for (pos, &i) in left.iter().enumerate() {
                    picked.push(loss[i].clone());
                    let gain = hypervolume(&picked, &reference) - base;
                    picked.pop();
                    if gain > best_gain {
                        (best_pos, best_gain) = (pos, gain);
                    }
                }
                let i = left.remove(best_pos);
                picked.push(loss[i].clone());
                base = hypervolume(&picked, &reference);
                chosen[i] = true;
                taken += 1;
            }
        }
        r += 1;
    }
    trials.iter().zip(&chosen).filter(|(_, c)| **c).map(|(t, _)| *t).collect()
}

/// A Parzen estimator of one parameter over its grid.
struct GridDensity {
    /// Grid points.
    size: usize,
    /// Observed grid points and how many trials fell on each.
    observed: Vec<(usize, f64)>,
    categorical: bool,
}

impl GridDensity {
    fn fit(name: &str, d: &Distribution, trials: &[&FrozenTrial]) -> Self {
        let (size, index): (usize, Box<dyn Fn(f64) -> usize>) = match d {
            Distribution::Categorical(c) => (c.choices().len(), Box::new(|internal| internal as usize)),
            Distribution::Float(_) | Distribution::Int(_) => {
                let (low, high, log, n) = match d {
                    Distribution::Float(f) => {
                        let n = match f.step() {
                            Some(step) => (((f.high() - f.low()) / step).round() as usize + 1).min(N_STEPS),
                            None => N_STEPS,
                        };
                        (f.low(), f.high(), f.log(), n)
                    }
                    Distribution::Int(i) => {
                        let (low, high) = (i.low() as f64, i.high() as f64);
                        let n = if i.log() {
                            // ln ratio rather than log2, as Optuna, so exact powers of two round alike.
                            (((high - low + 1.0).ln() / 2f64.ln()).ceil() as usize + 1).min(N_STEPS)
                        } else {
                            (((high - low) / i.step() as f64).round() as usize + 1).min(N_STEPS)
                        };
                        (low, high, i.log(), n)
                    }
                    Distribution::Categorical(_) => unreachable!(),
                };
                let scale = move |x: f64| if log { x.ln() } else { x };
                let (lo, hi) = (scale(low), scale(high));
                let step = (hi - lo) / (n - 1) as f64;
                // Halfway between two points goes to the lower one (Optuna's rounding).
                let index = move |x: f64| ((scale(x) - lo) / step - 0.5).ceil().clamp(0.0, (n - 1) as f64) as usize;
                (n, Box::new(index))
            }
        };
        let mut counts = vec![0.0; size];
        for t in trials {
            counts[index(t.params[name].internal)] += 1.0;
        }
        let observed = counts.iter().enumerate().filter(|(_, c)| **c > 0.0).map(|(i, c)| (i, *c)).collect();
        GridDensity { size, observed, categorical: matches!(d, Distribution::Categorical(_)) }
    }

    /// The density at every grid point.
    fn pdf(&self) -> Vec<f64> {
        let n = self.size;
        if self.observed.is_empty() {
            return vec![1.0 / n as f64; n];
        }
        let total: f64 = self.observed.iter().map(|o| o.1).sum::<f64>() + PRIOR_WEIGHT;
        // The prior kernel is uniform for categoricals and a wide Gaussian for numeric grids.
        let mut out = if self.categorical {
            vec![PRIOR_WEIGHT / total / n as f64; n]
        } else {
            let mid = (n - 1) as f64 / 2.0;
            discrete_gaussian(n, mid, n as f64).into_iter().map(|p| p * PRIOR_WEIGHT / total).collect()
        };
        if self.categorical {
            // Each observed choice's kernel: prior / n_kernels on every choice, plus 1 on its own.
            let n_kernels = (self.observed.len() + 1) as f64;
            let row_sum = 1.0 + PRIOR_WEIGHT * n as f64 / n_kernels;
            for &(choice, count) in &self.observed {
                let w = count / total;
                for (j, p) in out.iter_mut().enumerate() {
                    let k = PRIOR_WEIGHT / n_kernels + if j == choice { 1.0 } else { 0.0 };
                    *p += w * k / row_sum;
                }
            }
        } else {
            let sigma = self.scott_bandwidth();
            for &(point, count) in &self.observed {
                let w = count / total;
                for (p, k) in out.iter_mut().zip(discrete_gaussian(n, point as f64, sigma)) {
                    *p += w * k;
                }
            }
        }
        out
    }

    /// Scott's rule on the grid indices, from the weighted standard deviation and interquartile
    /// range, with a floor that keeps kernels at least about one grid step wide.
    fn scott_bandwidth(&self) -> f64 {
        let w_sum: f64 = self.observed.iter().map(|o| o.1).sum();
        let mean = self.observed.iter().map(|(x, c)| *x as f64 * c).sum::<f64>() / w_sum;
        let var =
            self.observed.iter().map(|(x, c)| c * (*x as f64 - mean).powi(2)).sum::<f64>() / (w_sum - 1.0).max(1.0);
        // Quartiles on the cumulative counts (counts are whole numbers, so these are exact).
        let cum: Vec<f64> = self
            .observed
            .iter()
            .scan(0.0, |s, o| {
                *s += o.1;
                Some(*s)
            })
            .collect();
        let q1 = (w_sum / 4.0).floor();
        let q3 = (w_sum * 3.0 / 4.0).floor();
        let i1 = cum.partition_point(|&c| c < q1);
        let i3 = cum.partition_point(|&c| c <= q3).min(cum.len() - 1);
        let iqr = (self.observed[i3].0 as f64 - self.observed[i1.min(cum.len() - 1)].0 as f64).max(0.0);
        let sigma = 1.059 * (iqr / 1.34).min(var.sqrt()) * w_sum.powf(-0.2);
        sigma.max(0.5 / 1.64)
    }
}

/// N(mu, sigma²) discretized on grid points `0..n` (each point owning `[i − ½, i + ½]`) and
/// truncated to the grid: the probability of each point.
fn discrete_gaussian(n: usize, mu: f64, sigma: f64) -> Vec<f64> {
    let cdf = |x: f64| normal_cdf((x - mu) / sigma);
    let total = interval_mass(cdf(-0.5), cdf(n as f64 - 0.5), -0.5 - mu, n as f64 - 0.5 - mu, sigma);
    (0..n)
        .map(|i| {
            let (a, b) = (i as f64 - 0.5, i as f64 + 0.5);
            interval_mass(cdf(a), cdf(b), a - mu, b - mu, sigma) / total
        })
        .collect()
}

/// Φ(b) − Φ(a), taken from the upper tail when the interval lies right of the mean so that it
/// does not cancel.
fn interval_mass(cdf_a: f64, cdf_b: f64, a: f64, b: f64, sigma: f64) -> f64 {
    if a > 0.0 { normal_cdf(-a / sigma) - normal_cdf(-b / sigma) } else { cdf_b - cdf_a }
}

/// Φ(x), the standard normal CDF (`erfc` from `libm`: the same bits natively and in wasm).
fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}
