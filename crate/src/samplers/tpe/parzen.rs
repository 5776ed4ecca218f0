//! The Parzen estimator: a weighted mixture with one kernel per observation plus a prior kernel,
//! over a space of numeric and categorical dimensions (Optuna 5.0's `_ParzenEstimator`).
//!
//! Numeric dimensions live in a working coordinate: `ln v` for log parameters, `v` otherwise, on a
//! box widened by half a step each side for ints and stepped floats. Continuous dimensions use
//! truncated normal kernels; grid dimensions (ints, stepped floats, log ints) use each kernel's
//! probability mass of the grid value's cell, so every grid value gets its fair share. Categorical
//! dimensions use, per observation, the observed choice with weight 1 plus a uniform
//! `prior_weight / (n + 1)` on every choice; the prior kernel is uniform. In several dimensions a
//! kernel is the product of its per-dimension kernels.
//!
//! Bandwidths follow Optuna 5.0 for univariate and multivariate models alike: each observation's
//! σ is the larger gap to its sorted neighbours (the box ends count as neighbours only with
//! `consider_endpoints`, or when there is a single observation), clipped to
//! `[range / min(100, n + 2), range]` by the "magic clip"; the prior sits mid-box with σ = range.

use super::masses::MassCache;
use super::truncnorm::{self, LN_SQRT_2PI};
use crate::distributions::Distribution;
use crate::rng::Rng;

/// How one dimension of the space is modelled.
#[derive(Debug, Clone)]
pub enum DimSpec {
    /// A numeric dimension in working coordinates.
    Numeric {
        /// Box ends in working coordinates (widened by half a step for grid dimensions).
        low: f64,
        /// Box ends in working coordinates (widened by half a step for grid dimensions).
        high: f64,
        /// Whether the working coordinate is `ln v`.
        log: bool,
        /// For ints and stepped floats: `(step, first, last)` of the grid, in values.
        grid: Option<(f64, f64, f64)>,
    },
    /// A categorical dimension; values are choice indices.
    Categorical {
        /// How many choices.
        n: usize,
    },
}

impl DimSpec {
    /// The model for a distribution.
    pub fn of(d: &Distribution) -> Self {
        let (lo, hi, log, step) = match d {
            Distribution::Float(f) => (f.low(), f.high(), f.log(), f.step()),
            Distribution::Int(i) => (i.low() as f64, i.high() as f64, i.log(), Some(i.step() as f64)),
            Distribution::Categorical(c) => return DimSpec::Categorical { n: c.choices().len() },
        };
        let half = step.map_or(0.0, |s| s / 2.0);
        let enc = |v: f64| if log { libm::log(v) } else { v };
        DimSpec::Numeric { low: enc(lo - half), high: enc(hi + half), log, grid: step.map(|s| (s, lo, hi)) }
    }

    /// A parameter's internal value in working coordinates.
    pub fn encode(&self, internal: f64) -> f64 {
        match self {
            DimSpec::Numeric { log: true, .. } => libm::log(internal),
            _ => internal,
        }
    }

    /// Working coordinates back to a legal internal value (on the grid, inside the bounds).
    pub fn decode(&self, x: f64) -> f64 {
        match *self {
            DimSpec::Numeric { low, high, log, grid } => {
                let x = x.clamp(low, high);
                let v = if log { libm::exp(x) } else { x };
                match grid {
                    Some((step, first, last)) => (first + ((v - first) / step).round() * step).clamp(first, last),
                    None => v,
                }
            }
            DimSpec::Categorical { .. } => x,
        }
    }
}

/// Estimator settings (Optuna's `_ParzenEstimatorParameters`).
#[derive(Debug, Clone, Copy)]
pub struct ParzenParams {
    /// Weight of the prior kernel.
    pub prior_weight: f64,
    /// Clip bandwidths from below by `range / min(100, 1 + kernels)`.
    pub consider_magic_clip: bool,
    /// Count the box ends as neighbours when choosing bandwidths.
    pub consider_endpoints: bool,
}

#[derive(Debug, Clone)]
enum DimModel {
    /// Continuous: the kernels' `h` and `a` live in [`ParzenEstimator::coef`].
    Continuous { spec: DimSpec, mus: Vec<f64>, sigmas: Vec<f64> },
    /// A grid: mass of the value's cell, normalized by the kernel's mass inside the box. Padded
    /// to whole blocks.
    Grid { spec: DimSpec, mus: Vec<f64>, sigmas: Vec<f64>, log_z: Vec<f64> },
    /// Rows of choice probabilities per kernel, padded to whole blocks.
    Categorical { n: usize, log_p: Vec<f64>, p: Vec<f64> },
}

/// Kernels are scored in blocks of this many, the block's running sums kept in registers (two
/// 128-bit vectors, natively and in wasm simd128).
const LANES: usize = 4;

/// One continuous dimension's terms for a block of kernels: `−½((x − μ)/σ)² = −(x·h − a)²` with
/// `h = 1/(σ√2)` and `a = μ·h`.
#[derive(Debug, Clone, Copy)]
struct Coef {
    h: [f64; LANES],
    a: [f64; LANES],
}

/// A fitted mixture (empty, with no kernels, until fitted).
#[derive(Debug, Clone, Default)]
pub struct ParzenEstimator {
    n_kernels: usize,
    cum_weights: Vec<f64>,
    /// Per block of kernels, each kernel's constant of the log density: log weight and, over
    /// continuous dimensions, `−ln σ − ln √(2π) − ln Z` (−∞ for the padding after the last kernel).
    constant: Vec<[f64; LANES]>,
    /// Continuous dimensions' terms, block-major: block `b`, `j`-th continuous dimension at
    /// `b · n_continuous + j`, so that scoring a block reads one run of memory.
    coef: Vec<Coef>,
    n_continuous: usize,
    dims: Vec<DimModel>,
    scratch: Scratch,
}

/// Buffers kept from one fit to the next.
#[derive(Debug, Clone, Default)]
struct Scratch {
    /// The previous fit's per-dimension vectors, cleared, for the next fit's.
    pool: Vec<Vec<f64>>,
    constant: Vec<f64>,
    slots: Vec<usize>,
    stale: Vec<bool>,
}

/// Terms this far (in log density) below the largest are left out of sums: e^−40 is 4e−18, far
/// below what the sum resolves.
const NEGLIGIBLE: f64 = 40.0;

/// A block of kernels is dropped from a candidate's score once all its partial sums are this far
/// below the best complete kernel so far. Later dimensions only lower a partial sum (continuous and
/// categorical terms are ≤ 0; a grid term is a cell's share of the kernel's mass, ≤ 0 up to
/// rounding), so such a kernel would end more than `NEGLIGIBLE` below the maximum and be left out
/// of the sum anyway: the score is the same bits as without the shortcut. The extra unit covers
/// rounding.
const DROP_BELOW: f64 = NEGLIGIBLE + 1.0;

/// Where a candidate's coordinate is, per dimension, prepared once for all kernel blocks.
#[derive(Clone, Copy)]
enum At {
    Continuous(f64),
    /// The grid cell's ends in working coordinates.
    Grid(f64, f64),
    Categorical(usize),
}

impl ParzenEstimator {
    /// Fits the mixture to `observations` (one row per trial, working coordinates, one column per
    /// dimension) with `weights` per observation (the prior's weight is appended here).
    pub fn new(specs: &[DimSpec], observations: &[&[f64]], weights: &[f64], params: ParzenParams) -> Self {
        let orders: Vec<Vec<u32>> = (0..specs.len())
            .map(|d| match specs[d] {
                DimSpec::Numeric { .. } => sorted_order(observations.iter().map(|o| o[d])),
                DimSpec::Categorical { .. } => Vec::new(),
            })
            .collect();
        let ids: Vec<u32> = (0..observations.len() as u32).collect();
        let mut pe = Self::default();
        pe.refit(specs, observations, weights, params, &orders, &ids, &mut MassCache::default());
        pe
    }

    /// Refits this estimator as [`Self::new`] would, given, for every numeric dimension, the
    /// observations' indices sorted by that coordinate (ties by index), as `sorted_order` gives
    /// them, and a stable id per observation (below `u32::MAX`) under which `cache` keeps its
    /// kernel's truncation terms: TPE keeps the orders up to date across trials, which spares a
    /// sort per dimension per estimator per trial, and most kernels' terms carry over from the
    /// previous trial. The previous fit's buffers are reused: a fit per trial would otherwise
    /// allocate and free about half a megabyte, which natively costs more in page faults than the
    /// arithmetic it feeds.
    #[allow(clippy::too_many_arguments)]
    pub fn refit(
        &mut self,
        specs: &[DimSpec],
        observations: &[&[f64]],
        weights: &[f64],
        params: ParzenParams,
        orders: &[Vec<u32>],
        ids: &[u32],
        cache: &mut MassCache,
    ) {
        let n = observations.len();
        debug_assert_eq!(ids.len(), n);
        let n_kernels = n + 1;
        let n_blocks = n_kernels.div_ceil(LANES);
        let padded = n_blocks * LANES;
        let pool = &mut self.scratch.pool;
        for dim in self.dims.drain(..) {
            match dim {
                DimModel::Continuous { mus, sigmas, .. } => pool.extend([mus, sigmas]),
                DimModel::Grid { mus, sigmas, log_z, .. } => pool.extend([mus, sigmas, log_z]),
                DimModel::Categorical { log_p, p, .. } => pool.extend([log_p, p]),
            }
        }
        let mut take = || {
            let mut v = pool.pop().unwrap_or_default();
            v.clear();
            v
        };
        let prior = if n == 0 { 1.0 } else { params.prior_weight };
        let total: f64 = weights.iter().sum::<f64>() + prior;
        let mut acc = 0.0;
        self.cum_weights.clear();
        self.cum_weights.extend(weights.iter().chain([&prior]).map(|x| {
            acc += x / total;
            acc
        }));
        let constant = &mut self.scratch.constant;
        constant.clear();
        constant.extend(weights.iter().chain([&prior]).map(|x| libm::log((x / total).max(1e-300))));

        // Centres and bandwidths of every numeric dimension (the prior last).
        let mut numeric: Vec<(Vec<f64>, Vec<f64>)> = Vec::new();
        let mut bounds = Vec::new();
        let mut is_grid = Vec::new();
        for (d, spec) in specs.iter().enumerate() {
            if let DimSpec::Numeric { low, high, grid, .. } = *spec {
                let (mut mus, mut sigmas) = (take(), take());
                mus.reserve(padded);
                mus.extend(observations.iter().map(|o| o[d]));
                sigmas.reserve(padded);
                bandwidths(&mus, &orders[d], low, high, params, &mut sigmas);
                mus.push(0.5 * (low + high));
                sigmas.push(high - low);
                numeric.push((mus, sigmas));
                bounds.push((low, high));
                is_grid.push(grid.is_some());
            }
        }
        let n_grid = is_grid.iter().filter(|g| **g).count();
        // Per continuous dimension, ln range + ln √(2π): the part of −ln(σ √(2π) Z) that is the
        // same for every kernel (the rest, ln((σ / range) Z), is summed in a product).
        let per_dim: Vec<f64> = bounds.iter().map(|(low, high)| libm::log(high - low) + LN_SQRT_2PI).collect();

        // The prior kernel has slot 0, observation `i` slot `ids[i] + 1`.
        let slots = &mut self.scratch.slots;
        slots.clear();
        slots.extend(ids.iter().map(|&i| i as usize + 1).chain([0]));
        cache.begin(&bounds, n_grid, slots.iter().max().map_or(1, |m| m + 1));
        let stale = &mut self.scratch.stale;
        stale.clear();
        stale.extend(slots.iter().map(|&slot| !cache.summarized(slot)));
        // One pass per numeric dimension finds the kernels whose centre or bandwidth changed and
        // lays out the continuous dimensions' scoring terms, reused from the cache where unchanged.
        let n_continuous = is_grid.iter().filter(|g| !**g).count();
        // Padding lanes after the last kernel score 0 (their constant is −∞).
        self.coef.clear();
        self.coef.resize(n_blocks * n_continuous, Coef { h: [0.0; LANES], a: [0.0; LANES] });
        let mut j = 0;
        for (i, (mus, sigmas)) in numeric.iter().enumerate() {
            let mut column = cache.column(i);
            let blocks =
                slots.chunks(LANES).zip(mus.chunks(LANES)).zip(sigmas.chunks(LANES)).zip(stale.chunks_mut(LANES));
            if is_grid[i] {
                for (((&slot, &mu), &s), stale) in slots.iter().zip(mus).zip(sigmas).zip(stale.iter_mut()) {
                    *stale |= column.scale(slot, mu, s).2;
                }
                continue;
            }
            for (c, (((slots, mus), sigmas), stale)) in self.coef.iter_mut().skip(j).step_by(n_continuous).zip(blocks) {
                for (l, (((&slot, &mu), &s), stale)) in slots.iter().zip(mus).zip(sigmas).zip(stale).enumerate() {
                    let (h, a, changed) = column.scale(slot, mu, s);
                    *stale |= changed;
                    (c.h[l], c.a[l]) = (h, a);
                }
            }
            j += 1;
        }
        let log_weights: Vec<(usize, f64)> =
            stale.iter().enumerate().filter(|(_, s)| **s).map(|(k, _)| (k, constant[k])).collect();
        // Kernels with cached terms: the same operations, in the same order, as for a fresh one
        // without a flush (below), one dimension at a time for all kernels.
        for (pd, _) in per_dim.iter().zip(&is_grid).filter(|(_, g)| !**g) {
            constant.iter_mut().for_each(|c| *c -= pd);
        }
        for (c, slot) in constant.iter_mut().zip(slots.iter()) {
            *c -= cache.log_product(*slot);
        }
        let mut log_z: Vec<Vec<f64>> = (0..n_grid)
            .map(|g| {
                let mut z = take();
                z.extend(slots.iter().map(|&s| cache.log_z(g, s)));
                z
            })
            .collect();
        let (mut mu_k, mut sigma_k, mut log_z_k) =
            (vec![0.0; bounds.len()], vec![0.0; bounds.len()], vec![0.0; n_grid]);
        for (k, lw) in log_weights {
            for (i, (mus, sigmas)) in numeric.iter().enumerate() {
                (mu_k[i], sigma_k[i]) = (mus[k], sigmas[k]);
            }
            // Π (σ / range)·Z over continuous dimensions, so that one log per kernel serves every
            // dimension (flushed into the constant before it could underflow; a kernel that
            // needed a flush is not summarized in the cache).
            let (mut c, mut product, mut flushed, mut g) = (lw, 1.0, false, 0);
            for (i, &(low, high)) in bounds.iter().enumerate() {
                let (mu, s) = (mu_k[i], sigma_k[i]);
                if is_grid[i] {
                    log_z_k[g] = mass(low, high, mu, s);
                    log_z[g][k] = log_z_k[g];
                    g += 1;
                    continue;
                }
                let z = if low <= mu && mu <= high {
                    1.0 - truncnorm::upper_tail((mu - low) / s) - truncnorm::upper_tail((high - mu) / s)
                } else {
                    libm::exp(mass(low, high, mu, s))
                };
                product *= (s / (high - low)) * z.max(1e-300);
                if product < 1e-250 {
                    c -= libm::log(product);
                    product = 1.0;
                    flushed = true;
                }
                c -= per_dim[i];
            }
            let log_product = libm::log(product);
            constant[k] = c - log_product;
            cache.store(slots[k], &log_z_k, if flushed { f64::NAN } else { log_product });
        }

        let (mut numeric, mut log_z) = (numeric.into_iter(), log_z.iter_mut());
        for (d, spec) in specs.iter().enumerate() {
            match *spec {
                DimSpec::Numeric { grid, .. } => {
                    let (mut mus, mut sigmas) = numeric.next().unwrap();
                    if grid.is_some() {
                        // Padding kernels: any finite values; their constant is −∞.
                        mus.resize(padded, 0.0);
                        sigmas.resize(padded, 1.0);
                        let mut log_z = std::mem::take(log_z.next().unwrap());
                        log_z.resize(padded, 0.0);
                        self.dims.push(DimModel::Grid { spec: spec.clone(), mus, sigmas, log_z });
                        continue;
                    }
                    self.dims.push(DimModel::Continuous { spec: spec.clone(), mus, sigmas });
                }
                DimSpec::Categorical { n: n_choices } => {
                    let mut p = take();
                    p.resize(n_kernels * n_choices, if n == 0 { 1.0 } else { params.prior_weight / n_kernels as f64 });
                    for (k, o) in observations.iter().enumerate() {
                        p[k * n_choices + o[d] as usize] += 1.0;
                    }
                    for row in p.chunks_mut(n_choices) {
                        let s: f64 = row.iter().sum();
                        row.iter_mut().for_each(|x| *x /= s);
                    }
                    let mut log_p = take();
                    log_p.extend(p.iter().map(|x| libm::log(x.max(1e-300))));
                    log_p.resize(padded * n_choices, 0.0);
                    self.dims.push(DimModel::Categorical { n: n_choices, log_p, p });
                }
            }
        }
        constant.resize(padded, f64::NEG_INFINITY);
        self.constant.clear();
        self.constant.extend(constant.chunks(LANES).map(|c| <[f64; LANES]>::try_from(c).unwrap()));
        self.n_kernels = n_kernels;
        self.n_continuous = n_continuous;
    }

    /// `count` draws (working coordinates, row-major `count × dims`; grid dimensions on the grid).
    pub fn sample(&self, rng: &mut Rng, count: usize) -> Vec<f64> {
        let mut out = Vec::with_capacity(count * self.dims.len());
        for _ in 0..count {
            let u = rng.uniform();
            let k = self.cum_weights.partition_point(|&c| c <= u).min(self.cum_weights.len() - 1);
            for dim in &self.dims {
                out.push(match dim {
                    DimModel::Continuous { spec, mus, sigmas } | DimModel::Grid { spec, mus, sigmas, .. } => {
                        let DimSpec::Numeric { low, high, grid, .. } = *spec else { unreachable!() };
                        let x = truncnorm::sample(rng, mus[k], sigmas[k], low, high);
                        if grid.is_some() { spec.encode(spec.decode(x)) } else { x }
                    }
                    DimModel::Categorical { n, p, .. } => {
                        let row = &p[k * n..(k + 1) * n];
                        let u = rng.uniform();
                        let mut acc = 0.0;
                        row.iter()
                            .position(|x| {
                                acc += x;
                                u < acc
                            })
                            .unwrap_or(n - 1) as f64
                    }
                });
            }
        }
        out
    }

    /// Log density (log mass for grid and categorical dimensions) of each row of `xs`.
    pub fn log_pdf(&self, xs: &[f64]) -> Vec<f64> {
        if self.n_continuous == self.dims.len() { self.continuous_log_pdf(xs) } else { self.pruned_log_pdf(xs) }
    }

    /// [`Self::log_pdf`] for dimensions of any kind, scoring kernels in blocks that are dropped
    /// once they cannot matter (see [`Self::score_blocks`]): grid terms cost a `log_ndtr_diff` each,
    /// which the early exit spares.
    fn pruned_log_pdf(&self, xs: &[f64]) -> Vec<f64> {
        let d = self.dims.len();
        let mut kept = Vec::with_capacity(self.constant.len());
        let mut at = Vec::with_capacity(d);
        xs.chunks(d)
            .map(|x| {
                kept.clear();
                at.clear();
                at.extend(self.dims.iter().zip(x).map(|(dim, &xd)| match dim {
                    DimModel::Continuous { .. } => At::Continuous(xd),
                    DimModel::Grid { spec, .. } => {
                        let DimSpec::Numeric { log, grid: Some((step, ..)), .. } = *spec else { unreachable!() };
                        let v = spec.decode(xd);
                        let enc = |v: f64| if log { libm::log(v) } else { v };
                        At::Grid(enc(v - step / 2.0), enc(v + step / 2.0))
                    }
                    DimModel::Categorical { .. } => At::Categorical(xd as usize),
                }));
                let max = self.score_blocks(&mut kept, |b, acc, floor| self.mixed_block(b, &at, acc, floor));
                // Kernel order, as the blocks were scored last to first.
                log_sum_exp(kept.iter().rev().map(|(b, acc)| (*b, acc)), self.n_kernels, max)
            })
            .collect()
    }

    /// [`Self::log_pdf`] when every dimension is continuous. Every kernel is scored in full, with
    /// no early exit: a continuous term is a handful of vector instructions, cheaper than the
    /// unpredictable branch that would skip the rest of a kernel's dimensions. Candidates go
    /// [`GROUP`] at a time through each block of kernels, which gives the processor independent
    /// chains of additions to overlap.
    fn continuous_log_pdf(&self, xs: &[f64]) -> Vec<f64> {
        let d = self.n_continuous;
        let mut sums = vec![[[0.0; LANES]; GROUP]; self.constant.len()];
        let mut out = Vec::with_capacity(xs.len() / d.max(1));
        let mut xt = vec![[0.0; GROUP]; d];
        for group in xs.chunks(d * GROUP) {
            // Coordinates by dimension then candidate; a short last group repeats its last candidate.
            let count = group.len() / d;
            for (j, xt) in xt.iter_mut().enumerate() {
                for (g, v) in xt.iter_mut().enumerate() {
                    *v = group[g.min(count - 1) * d + j];
                }
            }
            let lane_max = block_sums(&self.coef, &self.constant, &xt, &mut sums);
            for (g, lane_max) in lane_max.iter().enumerate().take(count) {
                let max = lane_max.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                out.push(log_sum_exp(sums.iter().map(|s| &s[g]).enumerate(), self.n_kernels, max));
            }
        }
        out
    }

    /// Scores every block of kernels with `block(b, acc, floor)`, which adds block `b`'s terms to
    /// `acc` (its constants) and may stop early, returning false, once every partial sum is below
    /// `floor`. Pushes the blocks that were scored to the end onto `kept` and returns the largest
    /// log density. Blocks go last to first: the prior kernel, last, is broad and often the
    /// largest far from the observations, which sets a high floor from the start.
    fn score_blocks(
        &self,
        kept: &mut Vec<(usize, [f64; LANES])>,
        mut block: impl FnMut(usize, &mut [f64; LANES], f64) -> bool,
    ) -> f64 {
        let (mut best, mut floor) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for (b, constant) in self.constant.iter().enumerate().rev() {
            let mut acc = *constant;
            if !block(b, &mut acc, floor) {
                continue;
            }
            let block_max = acc.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if block_max > best {
                best = block_max;
                floor = best - DROP_BELOW;
            }
            kept.push((b, acc));
        }
        best
    }

    /// One block's terms over dimensions of any kind (see [`Self::score_blocks`]).
    fn mixed_block(&self, b: usize, at: &[At], acc: &mut [f64; LANES], floor: f64) -> bool {
        let coef = &self.coef[b * self.n_continuous..(b + 1) * self.n_continuous];
        let mut j = 0;
        for (dim, at) in self.dims.iter().zip(at) {
            match (dim, *at) {
                (DimModel::Continuous { .. }, At::Continuous(x)) => {
                    continuous_term(acc, &coef[j], x);
                    j += 1;
                }
                (DimModel::Grid { mus, sigmas, log_z, .. }, At::Grid(left, right)) => {
                    for (l, acc) in acc.iter_mut().enumerate() {
                        let k = b * LANES + l;
                        let (m, s) = (mus[k], sigmas[k]);
                        *acc += truncnorm::log_ndtr_diff((left - m) / s, (right - m) / s) - log_z[k];
                    }
                }
                (DimModel::Categorical { n, log_p, .. }, At::Categorical(c)) => {
                    for (l, acc) in acc.iter_mut().enumerate() {
                        *acc += log_p[(b * LANES + l) * n + c];
                    }
                }
                _ => unreachable!("prepared for the same dimensions"),
            }
            if all_below(acc, floor) {
                return false;
            }
        }
        true
    }
}

/// Candidates scored together by [`block_sums`].
const GROUP: usize = 4;

/// Every block's log densities at [`GROUP`] candidates (all dimensions continuous; `xt[j][g]` is
/// candidate `g`'s coordinate `j`) into `sums`; returns their maxima per candidate and lane.
/// Natively on x86-64 with AVX, the same operations run on 256-bit vectors (a block per
/// instruction instead of half of one): no fused multiply-add is enabled, so the bits are the
/// same as on any other path, wasm included.
fn block_sums(
    coef: &[Coef],
    constant: &[[f64; LANES]],
    xt: &[[f64; GROUP]],
    sums: &mut [[[f64; LANES]; GROUP]],
) -> [[f64; LANES]; GROUP] {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU has AVX, checked just above.
        return unsafe { block_sums_avx(coef, constant, xt, sums) };
    }
    block_sums_portable(coef, constant, xt, sums)
}

/// [`block_sums`] compiled for AVX.
///
/// # Safety
/// The CPU must support AVX.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn block_sums_avx(
    coef: &[Coef],
    constant: &[[f64; LANES]],
    xt: &[[f64; GROUP]],
    sums: &mut [[[f64; LANES]; GROUP]],
) -> [[f64; LANES]; GROUP] {
    block_sums_portable(coef, constant, xt, sums)
}

#[inline(always)]
fn block_sums_portable(
    coef: &[Coef],
    constant: &[[f64; LANES]],
    xt: &[[f64; GROUP]],
    sums: &mut [[[f64; LANES]; GROUP]],
) -> [[f64; LANES]; GROUP] {
    let mut lane_max = [[f64::NEG_INFINITY; LANES]; GROUP];
    for ((sum, coef), constant) in sums.iter_mut().zip(coef.chunks_exact(xt.len())).zip(constant) {
        let mut acc = [*constant; GROUP];
        for (c, x) in coef.iter().zip(xt) {
            for (acc, &x) in acc.iter_mut().zip(x) {
                continuous_term(acc, c, x);
            }
        }
        for (max, acc) in lane_max.iter_mut().zip(&acc) {
            for (m, a) in max.iter_mut().zip(acc) {
                *m = if *a > *m { *a } else { *m };
            }
        }
        *sum = acc;
    }
    lane_max
}

/// Adds a continuous dimension's `−(x·h − a)²` to a block's sums.
#[inline(always)]
fn continuous_term(acc: &mut [f64; LANES], c: &Coef, x: f64) {
    for ((acc, h), a) in acc.iter_mut().zip(&c.h).zip(&c.a) {
        let z = x * h - a;
        *acc -= z * z;
    }
}

/// Whether every sum of a block is below `floor` (without branching per lane).
#[inline(always)]
fn all_below(acc: &[f64; LANES], floor: f64) -> bool {
    acc.iter().fold(true, |all, &v| all & (v < floor))
}

/// `ln Z`: the log mass of N(μ, σ²) inside `[low, high]`.
fn mass(low: f64, high: f64, mu: f64, sigma: f64) -> f64 {
    truncnorm::log_ndtr_diff((low - mu) / sigma, (high - mu) / sigma)
}

/// `ln Σ exp(x)` over blocks of kernels' log densities, given `m = max x`: each block comes with
/// its index, in increasing order, and only the first `n` kernels (the ones before the padding)
/// count. Terms more than `NEGLIGIBLE` below the largest are left out (each moves the sum by less
/// than 4e−18 of itself). With TPE's narrow kernels most terms are that far below, so the skip
/// saves most of the exponentials, and a block with no term above the cut is skipped at once.
fn log_sum_exp<'a>(blocks: impl Iterator<Item = (usize, &'a [f64; LANES])>, n: usize, m: f64) -> f64 {
    if !m.is_finite() {
        return m;
    }
    let mut sum = 0.0;
    for (b, block) in blocks {
        let d = block.map(|x| x - m);
        if d.iter().fold(false, |any, &d| any | (d > -NEGLIGIBLE)) {
            for &d in &d[..LANES.min(n - b * LANES)] {
                if d > -NEGLIGIBLE {
                    sum += exp_nonpositive(d);
                }
            }
        }
    }
    m + libm::log(sum)
}

/// `e^x` for `−NEGLIGIBLE < x ≤ 0`, to a few ulps: x = k·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its
/// Taylor series to degree 12 (truncation below 2e−16), then scaled by 2^k through the exponent
/// bits. Plain arithmetic, so the same bits everywhere, and cheaper than a general `exp`, which
/// the mixture sums call hundreds of thousands of times per trial.
fn exp_nonpositive(x: f64) -> f64 {
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    const C: [f64; 13] = [
        1.0,
        1.0,
        1.0 / 2.0,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5040.0,
        1.0 / 40320.0,
        1.0 / 362_880.0,
        1.0 / 3_628_800.0,
        1.0 / 39_916_800.0,
        1.0 / 479_001_600.0,
    ];
    // Truncating y − ½ (y ≤ 0) picks k with |y − k| ≤ ½; `round` would be a libm call on baseline x86-64.
    let k = ((x * std::f64::consts::LOG2_E - 0.5) as i32) as f64;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let mut p = C[12];
    for c in C[..12].iter().rev() {
        p = p * r + c;
    }
    p * f64::from_bits(((k as i32 + 1023) as u64) << 52)
}

/// A key whose unsigned order is `f64::total_cmp`'s order.
pub fn ordered_bits(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// Indices of `values` in increasing order, ties by index. Sorts integer keys that order like the
/// floats, paired with the index: integer comparisons make this sort several times cheaper.
pub fn sorted_order(values: impl Iterator<Item = f64>) -> Vec<u32> {
    let mut pairs: Vec<(u64, u32)> = values.enumerate().map(|(i, m)| (ordered_bits(m), i as u32)).collect();
    pairs.sort_unstable();
    pairs.into_iter().map(|(_, i)| i).collect()
}

/// Observation bandwidths (Optuna 5.0): the larger gap to the sorted neighbours, magic-clipped,
/// written to `sigmas`. `order` lists the observations by increasing `mus`.
fn bandwidths(mus: &[f64], order: &[u32], low: f64, high: f64, p: ParzenParams, sigmas: &mut Vec<f64>) {
    let n = mus.len();
    debug_assert_eq!(order.len(), n);
    let range = high - low;
    let min_sigma = if p.consider_magic_clip { range / (100f64).min(2.0 + n as f64) } else { 1e-12 };
    sigmas.clear();
    sigmas.resize(n, 0.0);
    // A window over the sorted centres, one look-up per observation.
    let (mut prev, mut here) = (low, order.first().map_or(high, |&i| mus[i as usize]));
    for (j, &i) in order.iter().enumerate() {
        let next = order.get(j + 1).map_or(high, |&i| mus[i as usize]);
        let (below, above) = (here - prev, next - here);
        // Plain comparisons: `f64::max` and `min` also order NaNs, which costs several
        // instructions each here and cannot occur (the centres lie in the box).
        let mut sigma = if above > below { above } else { below };
        // Without endpoints, the outermost observations look inward only (needs two of them).
        if !p.consider_endpoints && n >= 2 {
            if j == 0 {
                sigma = above;
            } else if j + 1 == n {
                sigma = below;
            }
        }
        sigma = if sigma < min_sigma { min_sigma } else { sigma };
        sigmas[i as usize] = if sigma > range { range } else { sigma };
        (prev, here) = (here, next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distributions::{CategoricalDistribution, FloatDistribution, IntDistribution};

    fn params() -> ParzenParams {
        ParzenParams { prior_weight: 1.0, consider_magic_clip: true, consider_endpoints: false }
    }

    #[test]
    fn continuous_density_integrates_to_one_over_the_box() {
        for d in [
            FloatDistribution::new(-2.0, 3.0, false, None).unwrap(),
            FloatDistribution::new(1e-3, 10.0, true, None).unwrap(),
        ] {
            let spec = DimSpec::of(&d.clone().into());
            let obs: Vec<Vec<f64>> =
                [0.5, 1.0, 2.9, 0.002].iter().map(|v: &f64| vec![spec.encode(v.clamp(d.low(), d.high()))]).collect();
            let rows: Vec<&[f64]> = obs.iter().map(Vec::as_slice).collect();
            {
                let pe = ParzenEstimator::new(std::slice::from_ref(&spec), &rows, &[1.0; 4], params());
                let DimSpec::Numeric { low, high, .. } = spec else { unreachable!() };
                let m = 20_000;
                let h = (high - low) / m as f64;
                let xs: Vec<f64> = (0..m).map(|i| low + (i as f64 + 0.5) * h).collect();
                let integral: f64 = pe.log_pdf(&xs).iter().map(|l| l.exp() * h).sum();
                assert!((integral - 1.0).abs() < 1e-3, "{d:?}: {integral}");
            }
        }
    }

    #[test]
    fn grid_and_categorical_masses_sum_to_one() {
        let int = DimSpec::of(&IntDistribution::new(0, 10, false, 2).unwrap().into());
        let cat =
            DimSpec::of(&CategoricalDistribution::new(vec![1i64.into(), 2i64.into(), 3i64.into()]).unwrap().into());
        let specs = [int, cat];
        let obs = [[4.0, 0.0], [6.0, 2.0], [10.0, 0.0]];
        let rows: Vec<&[f64]> = obs.iter().map(|r| r.as_slice()).collect();
        let pe = ParzenEstimator::new(&specs, &rows, &[1.0, 1.0, 1.0], params());
        let mut xs = Vec::new();
        for v in [0.0, 2.0, 4.0, 6.0, 8.0, 10.0] {
            for c in 0..3 {
                xs.extend([v, c as f64]);
            }
        }
        let total: f64 = pe.log_pdf(&xs).iter().map(|l| l.exp()).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
    }

    #[test]
    fn samples_are_legal_and_concentrate_near_observations() {
        let spec = DimSpec::of(&FloatDistribution::new(0.0, 100.0, false, None).unwrap().into());
        let obs: Vec<[f64; 1]> = (0..30).map(|i| [50.0 + (i % 3) as f64]).collect();
        let rows: Vec<&[f64]> = obs.iter().map(|r| r.as_slice()).collect();
        let pe = ParzenEstimator::new(std::slice::from_ref(&spec), &rows, &[1.0; 30], params());
        let mut rng = Rng::seed_from_u64(3);
        let xs = pe.sample(&mut rng, 2000);
        assert!(xs.iter().all(|x| (0.0..=100.0).contains(x)));
        let near = xs.iter().filter(|x| (45.0..58.0).contains(*x)).count();
        assert!(near > 1700, "{near}");
    }

    #[test]
    fn every_scoring_path_gives_the_same_bits() {
        // The AVX path (where this CPU has it) and the portable one (wasm's) must agree to the bit,
        // or seeds would give other trials natively than in the browser; and the mixed-space path
        // with its early exits must agree with both on an all-continuous space.
        let mut rng = Rng::seed_from_u64(11);
        // Observations clustered in a corner of the box, so that many kernels matter at a candidate
        // (and dropping one too early would change the sum).
        let d = 3;
        let specs: Vec<DimSpec> =
            (0..d).map(|_| DimSpec::of(&FloatDistribution::new(-5.0, 5.0, false, None).unwrap().into())).collect();
        let obs: Vec<Vec<f64>> = (0..203).map(|_| (0..d).map(|_| rng.uniform_range(-1.0, 1.0)).collect()).collect();
        let rows: Vec<&[f64]> = obs.iter().map(Vec::as_slice).collect();
        let weights: Vec<f64> = (0..rows.len()).map(|i| 0.1 + i as f64 / 203.0).collect();
        let pe = ParzenEstimator::new(&specs, &rows, &weights, params());
        let xs = pe.sample(&mut rng, 9);
        let xt: Vec<[f64; GROUP]> = (0..d).map(|j| std::array::from_fn(|g| xs[g * d + j])).collect();
        let mut sums = vec![[[0.0; LANES]; GROUP]; pe.constant.len()];
        let mut portable = sums.clone();
        let max = block_sums(&pe.coef, &pe.constant, &xt, &mut sums);
        let portable_max = block_sums_portable(&pe.coef, &pe.constant, &xt, &mut portable);
        let bits = |v: &[[[f64; LANES]; GROUP]]| {
            v.as_flattened().as_flattened().iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        };
        assert_eq!(bits(&sums), bits(&portable));
        assert_eq!(bits(&[max]), bits(&[portable_max]));
        let pruned = pe.pruned_log_pdf(&xs);
        let full = pe.log_pdf(&xs);
        assert_eq!(
            full.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            pruned.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
        assert!(full.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn fast_exp_matches_libm() {
        for i in 0..=40_000 {
            let x = -(i as f64) * 1e-3;
            let (a, b) = (exp_nonpositive(x), libm::exp(x));
            assert!(((a - b) / b).abs() < 4e-16, "{x}: {a} vs {b}");
        }
    }

    #[test]
    fn decode_rounds_onto_grids() {
        let s = DimSpec::of(&IntDistribution::new(1, 100, true, 1).unwrap().into());
        assert_eq!(s.decode(s.encode(37.0) + 0.001), 37.0);
        let DimSpec::Numeric { low, high, .. } = s else { unreachable!() };
        assert_eq!(s.decode(low), 1.0);
        assert_eq!(s.decode(high), 100.0);
        let f = DimSpec::of(&FloatDistribution::new(0.0, 1.0, false, Some(0.25)).unwrap().into());
        assert_eq!(f.decode(0.6), 0.5);
        assert_eq!(f.decode(1.12), 1.0);
    }
}
