//! `TPESampler`: the Tree-structured Parzen Estimator (Optuna's default sampler).
//!
//! Papers: Bergstra et al. 2011, "Algorithms for Hyper-Parameter Optimization"; Watanabe 2023,
//! "Tree-structured Parzen estimator: Understanding its algorithm components and their roles for
//! better empirical performance" (which documents Optuna's choices); Ozaki et al. 2020/2022 for
//! multi-objective TPE; Falkner et al. 2018 (multivariate kernels).
//!
//! Each step splits the finished trials into a good set (the best `gamma(n)`) and the rest, fits a
//! Parzen estimator to each (`parzen`), draws `n_ei_candidates` points from the good model l(x) and
//! keeps the one maximizing l(x) / g(x). Options, defaults and semantics are Optuna 5.0.0's:
//! - `multivariate` unset means multivariate for single-objective studies, univariate otherwise;
//!   the joint space is the intersection of the finished trials' spaces, and parameters outside it
//!   get univariate TPE; `group` splits a conditional space into groups that always co-occur;
//! - `constant_liar` (default true): running trials join the bad set, so parallel workers spread out;
//! - ranking: complete trials by value; pruned ones after them, deeper first, then by their last
//!   report; trials that violate constraints after all feasible ones, by total violation; with
//!   several objectives, complete trials by non-domination rank, the boundary rank cut by greedy
//!   hypervolume subset selection (MOTPE), the good set then weighted uniformly;
//! - `gamma` is `min(ceil(0.1 n), 25)` (no cap for several objectives); `weights` ramps older
//!   observations down once there are more than 25.
//!
//! Where we differ: `gamma` and `weights` take names or small objects instead of Python callables
//! (`"default"`, `"hyperopt"`, `{"factor": 0.15, "max": 25}`; `"default"`, `"uniform"`);
//! constraints come from the trials' `constraints` system attribute (set through
//! `Study::set_trial_constraints`), so no callable is needed; `categorical_distance_func` is not
//! supported; exact hypervolume is used for any number of objectives (Optuna too, but its
//! reference point rule may differ in corner cases); each draw takes its randomness from its own
//! stream (the seed, the trial's number and the draw's parameters) rather than from one stream for
//! the study, so that a trial's values depend on its history only and [`explain`] can replay them.

mod explain;
mod masses;
mod parzen;
mod truncnorm;

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

pub use explain::{ExplainRequest, ParamExplanation, Phase, TpeExplanation, TpeModel, explain};
pub use masses::MassCache;
pub use parzen::{DimSpec, ParzenEstimator, ParzenParams, ordered_bits};

use super::{InternalParams, RandomSampler, Sampler, SearchSpace, StudyView};
use crate::distributions::Distribution;
use crate::error::{Error, Result};
use crate::multi_objective::{hypervolume, non_domination_ranks};
use crate::rng::Rng;
use crate::search_space::{GroupDecomposedSearchSpace, IntersectionSearchSpace};
use crate::trial::{FrozenTrial, StudyDirection, TrialState};

/// The system attribute holding a trial's constraint values (feasible when all are ≤ 0), as Optuna.
pub const CONSTRAINTS_KEY: &str = "constraints";

/// How many trials form the good set, given how many there are.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Gamma {
    /// `"default"` (Optuna's `default_gamma`) or `"hyperopt"` (`min(ceil(0.25 √n), 25)`).
    Named(GammaName),
    /// `min(ceil(factor · n), max)`.
    Linear {
        /// Fraction of trials in the good set.
        factor: f64,
        /// Cap (none when absent).
        max: Option<usize>,
    },
}

/// Named gamma rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GammaName {
    /// `min(ceil(0.1 n), 25)`; for several objectives `ceil(0.1 n)`.
    Default,
    /// `min(ceil(0.25 √n), 25)`.
    Hyperopt,
}

/// How observations are weighted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weights {
    /// Optuna's `default_weights`: the newest 25 weigh 1, older ones ramp down linearly.
    #[default]
    Default,
    /// All weigh 1.
    Uniform,
}

/// Options, with Optuna's keyword names and defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TpeSamplerOptions {
    /// Always true in Optuna 5.0 (deprecated there); false drops the prior kernel's weight to ~0.
    pub consider_prior: Option<bool>,
    /// Weight of the prior kernel (1.0).
    pub prior_weight: Option<f64>,
    /// Clip small bandwidths (true).
    pub consider_magic_clip: Option<bool>,
    /// Count the box ends as neighbours for univariate bandwidths (false).
    pub consider_endpoints: Option<bool>,
    /// Random sampling until this many complete or pruned trials exist (10).
    pub n_startup_trials: usize,
    /// Candidates drawn from l(x) per sample (24).
    pub n_ei_candidates: usize,
    /// Good-set size rule.
    pub gamma: Option<Gamma>,
    /// Observation weights.
    pub weights: Weights,
    /// Seed.
    pub seed: Option<u64>,
    /// Joint model over the intersection space (unset: true for one objective, false for several).
    pub multivariate: Option<bool>,
    /// Decompose conditional spaces into groups (needs multivariate).
    pub group: bool,
    /// Accepted for Optuna compatibility; the engine emits no warnings.
    pub warn_independent_sampling: Option<bool>,
    /// Running trials count as bad (true, as Optuna 5.0).
    pub constant_liar: bool,
}

impl Default for TpeSamplerOptions {
    fn default() -> Self {
        TpeSamplerOptions {
            consider_prior: None,
            prior_weight: None,
            consider_magic_clip: None,
            consider_endpoints: None,
            n_startup_trials: 10,
            n_ei_candidates: 24,
            gamma: None,
            weights: Weights::Default,
            seed: None,
            multivariate: None,
            group: false,
            warn_independent_sampling: None,
            constant_liar: true,
        }
    }
}

/// Where a trial's vector for one search space stands in the cache.
#[derive(Clone)]
enum Cached {
    Unknown,
    /// The trial is finished and lacks a parameter of the space: never usable.
    Missing,
    Present(Vec<f64>),
}

/// What is kept per search space across trials.
#[derive(Default)]
struct SpaceCache {
    /// By trial number.
    rows: Vec<Cached>,
    /// Per dimension, `(ordered_bits(coordinate), trial number)` of every cached finished
    /// observation, sorted: kept up to date by insertion, so the estimators' bandwidth rule needs
    /// no sort per trial.
    sorted: Vec<Vec<(u64, u32)>>,
    /// Kernels' truncation terms by trial number, shared by the good and bad estimators.
    masses: MassCache,
    /// The good and bad estimators, refitted every trial in their own buffers.
    below: ParzenEstimator,
    above: ParzenEstimator,
}

/// The observations one TPE draw models.
struct Observations<'t> {
    /// The space's key in the cache.
    key: String,
    trials: Vec<&'t FrozenTrial>,
    /// A row of working coordinates per trial.
    flat: Vec<f64>,
    /// Per dimension, `(ordered_bits(coordinate), trial number)` of the running trials, sorted
    /// (the finished ones' are in the cache).
    running: Vec<Vec<(u64, u32)>>,
}

/// The TPE sampler.
pub struct TpeSampler {
    options: TpeSamplerOptions,
    parzen: ParzenParams,
    /// Each draw's stream is [`Rng::for_draw`] of this, the trial and the draw's parameters.
    draw_seed: u64,
    random: RandomSampler,
    intersection: IntersectionSearchSpace,
    groups: GroupDecomposedSearchSpace,
    /// Groups of the current relative space (a single group unless `group`).
    current_groups: Vec<SearchSpace>,
    /// Observation vectors by space (names joined) and trial number; a finished trial's parameters
    /// never change, so its vector is computed once.
    cache: HashMap<String, SpaceCache>,
    /// Relative samples of trials still running, for the constant liar.
    pending: HashMap<u64, InternalParams>,
}

impl TpeSampler {
    /// Validates the options.
    pub fn new(options: TpeSamplerOptions) -> Result<Self> {
        if options.group && options.multivariate == Some(false) {
            return Err(Error::InvalidArgument("TPESampler: group=True needs multivariate=True".into()));
        }
        if options.n_ei_candidates == 0 {
            return Err(Error::InvalidArgument("TPESampler: n_ei_candidates must be at least 1".into()));
        }
        let prior_weight = options.prior_weight.unwrap_or(1.0);
        if !(prior_weight > 0.0 && prior_weight.is_finite()) {
            return Err(Error::InvalidArgument(format!(
                "TPESampler: prior_weight must be positive, got {prior_weight}"
            )));
        }
        if let Some(Gamma::Linear { factor, .. }) = options.gamma {
            if !(factor > 0.0 && factor <= 1.0) {
                return Err(Error::InvalidArgument(format!(
                    "TPESampler: gamma factor must be in (0, 1], got {factor}"
                )));
            }
        }
        let parzen = ParzenParams {
            prior_weight: if options.consider_prior == Some(false) { 1e-12 } else { prior_weight },
            consider_magic_clip: options.consider_magic_clip.unwrap_or(true),
            consider_endpoints: options.consider_endpoints.unwrap_or(false),
        };
        let mut seeder = Rng::from_seed_option(options.seed);
        let random = RandomSampler::seeded(seeder.next_u64());
        let draw_seed = seeder.next_u64();
        Ok(TpeSampler {
            parzen,
            draw_seed,
            random,
            intersection: IntersectionSearchSpace::new(true),
            groups: GroupDecomposedSearchSpace::new(true),
            current_groups: Vec::new(),
            cache: HashMap::new(),
            pending: HashMap::new(),
            options,
        })
    }

    fn multivariate(&self, study: &StudyView) -> bool {
        self.options.multivariate.unwrap_or(study.directions.len() == 1)
    }

    fn gamma(&self, n: usize, n_objectives: usize) -> usize {
        let ceil = |x: f64| x.ceil() as usize;
        match self.options.gamma {
            None | Some(Gamma::Named(GammaName::Default)) if n_objectives > 1 => ceil(0.1 * n as f64),
            None | Some(Gamma::Named(GammaName::Default)) => ceil(0.1 * n as f64).min(25),
            Some(Gamma::Named(GammaName::Hyperopt)) => ceil(0.25 * (n as f64).sqrt()).min(25),
            Some(Gamma::Linear { factor, max }) => ceil(factor * n as f64).min(max.unwrap_or(usize::MAX)),
        }
    }

    fn weights(&self, n: usize) -> Vec<f64> {
        match self.options.weights {
            Weights::Uniform => vec![1.0; n],
            Weights::Default if n < 25 => vec![1.0; n],
            Weights::Default => {
                // linspace(1/n, 1, n − 25) followed by 25 ones.
                let m = n - 25;
                let mut w: Vec<f64> = (0..m)
                    .map(|i| {
                        if m == 1 {
                            1.0 / n as f64
                        } else {
                            1.0 / n as f64 + (1.0 - 1.0 / n as f64) * i as f64 / (m - 1) as f64
                        }
                    })
                    .collect();
                w.extend(std::iter::repeat_n(1.0, 25));
                w
            }
        }
    }

    fn n_finished(study: &StudyView) -> usize {
        study.trials.iter().filter(|t| matches!(t.state, TrialState::Complete | TrialState::Pruned)).count()
    }

    /// Observation vectors for `names` (working coordinates), from the cache when possible.
    fn vectors<'t>(
        &mut self,
        study: &'t StudyView,
        current: u64,
        names: &[&String],
        specs: &[DimSpec],
        space: &SearchSpace,
    ) -> Observations<'t> {
        let key = names.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\u{1f}");
        let cache = self.cache.entry(key.clone()).or_default();
        cache.rows.resize(study.number_bound().max(cache.rows.len()), Cached::Unknown);
        cache.sorted.resize(specs.len(), Vec::new());
        let states: &[TrialState] = if self.options.constant_liar {
            &[TrialState::Complete, TrialState::Pruned, TrialState::Running]
        } else {
            &[TrialState::Complete, TrialState::Pruned]
        };
        // One flat buffer (a row per trial) rather than a vector per trial: no allocation per
        // observation on the hot path.
        let (mut trials, mut flat) = (Vec::with_capacity(study.trials.len()), Vec::new());
        flat.reserve(study.trials.len() * specs.len());
        // The running trials' keys (not cached).
        let mut running: Vec<Vec<(u64, u32)>> = vec![Vec::new(); specs.len()];
        let pending = &self.pending;
        for &t in &study.trials {
            if t.number == current || !states.contains(&t.state) {
                continue;
            }
            let vector = || -> Option<Vec<f64>> {
                names
                    .iter()
                    .zip(specs)
                    .map(|(name, spec)| {
                        let internal = match t.params.get(*name) {
                            // Categorical indices only mean something for the same choices.
                            Some(p)
                                if matches!(spec, DimSpec::Categorical { .. }) && p.distribution != space[*name] =>
                            {
                                return None;
                            }
                            Some(p) => p.internal,
                            // A running trial's relative sample counts before it is suggested, so
                            // the liar knows where that trial is going (Optuna shares these
                            // through system attributes between processes; we are one process).
                            None if t.state == TrialState::Running => *pending.get(&t.number)?.get(*name)?,
                            None => return None,
                        };
                        Some(spec.encode(internal))
                    })
                    .collect()
            };
            if t.state == TrialState::Running {
                // Not cached: a running trial's parameters are still arriving.
                if let Some(v) = vector() {
                    for (r, &x) in running.iter_mut().zip(&v) {
                        r.push((ordered_bits(x), t.number as u32));
                    }
                    trials.push(t);
                    flat.extend_from_slice(&v);
                }
                continue;
            }
            let slot = &mut cache.rows[t.number as usize];
            if let Cached::Unknown = slot {
                *slot = vector().map_or(Cached::Missing, Cached::Present);
                if let Cached::Present(v) = slot {
                    for (sorted, &x) in cache.sorted.iter_mut().zip(v.iter()) {
                        let entry = (ordered_bits(x), t.number as u32);
                        let at = sorted.partition_point(|e| *e < entry);
                        sorted.insert(at, entry);
                    }
                }
            }
            if let Cached::Present(v) = slot {
                trials.push(t);
                flat.extend_from_slice(v);
            }
        }
        running.iter_mut().for_each(|r| r.sort_unstable());
        Observations { key, trials, flat, running }
    }

    /// One TPE draw for `space` (internal values by name); `inspect`, when given, receives what
    /// the draw saw and weighed (the explanation's source, so that it cannot drift from the draw).
    fn sample_space(
        &mut self,
        study: &StudyView,
        trial: &FrozenTrial,
        space: &SearchSpace,
        inspect: Option<&mut Inspection>,
    ) -> InternalParams {
        let names: Vec<&String> = space.keys().collect();
        let specs: Vec<DimSpec> = space.values().map(DimSpec::of).collect();
        let Observations { key, trials: obs, flat, running } = self.vectors(study, trial.number, &names, &specs, space);
        let n_finished = obs.iter().filter(|t| t.state != TrialState::Running).count();
        let n_below = self.gamma(n_finished, study.directions.len());
        let Split { is_below, uniform_below } = split(study.directions, &obs, n_below);

        // Rows in trial-number order on each side, so the weights ramp by age.
        let d = specs.len();
        let (mut rows_below, mut rows_above): (Vec<&[f64]>, Vec<&[f64]>) =
            (Vec::with_capacity(n_below), Vec::with_capacity(obs.len()));
        for (i, row) in flat.chunks(d.max(1)).enumerate().take(obs.len()) {
            if is_below[i] { rows_below.push(row) } else { rows_above.push(row) }
        }
        let params = self.parzen;
        let w_below = if uniform_below { vec![1.0; rows_below.len()] } else { self.weights(rows_below.len()) };
        let w_above = self.weights(rows_above.len());
        // Per trial number: its row's position on its side (rows within a side follow trial
        // order, like the side's rows), the top bit set for the good side; u32::MAX for trials
        // this draw leaves out (the current one's own cached row).
        const BELOW: u32 = 1 << 31;
        let mut side_of = vec![u32::MAX; study.number_bound()];
        let (mut ids_below, mut ids_above) = (Vec::with_capacity(n_below), Vec::with_capacity(obs.len()));
        for (t, &below) in obs.iter().zip(&is_below) {
            let ids = if below { &mut ids_below } else { &mut ids_above };
            side_of[t.number as usize] = ids.len() as u32 | if below { BELOW } else { 0 };
            ids.push(t.number as u32);
        }
        let (nb, na) = (ids_below.len(), ids_above.len());
        // Each side's rows in each dimension's order: one merge of the cached and running
        // trials' sorted keys per dimension fills both sides.
        let sorted = &self.cache[&key].sorted;
        let (mut orders_below, mut orders_above) = (Vec::with_capacity(d), Vec::with_capacity(d));
        for ((sorted, running), spec) in sorted.iter().zip(&running).zip(&specs) {
            let (mut below, mut above) = (Vec::new(), Vec::new());
            if !matches!(spec, DimSpec::Categorical { .. }) {
                (below, above) = (Vec::with_capacity(nb), Vec::with_capacity(na));
                for (_, number) in merge_sorted(sorted, running) {
                    match side_of[number as usize] {
                        u32::MAX => {}
                        c if c & BELOW != 0 => below.push(c & !BELOW),
                        c => above.push(c),
                    }
                }
            }
            orders_below.push(below);
            orders_above.push(above);
        }
        let SpaceCache { masses, below: l, above: g, .. } = self.cache.get_mut(&key).expect("filled by vectors()");
        l.refit(&specs, &rows_below, &w_below, params, &orders_below, &ids_below, masses);
        g.refit(&specs, &rows_above, &w_above, params, &orders_above, &ids_above, masses);

        // Per draw, not one stream for the study: a trial's values then depend on its history
        // only, which is what lets `explain` replay the draw.
        let mut rng = Rng::for_draw(self.draw_seed, trial.number, &key);
        let candidates = l.sample(&mut rng, self.options.n_ei_candidates);
        let (ll, lg) = (l.log_pdf(&candidates), g.log_pdf(&candidates));
        let mut best = 0;
        for i in 1..ll.len() {
            if ll[i] - lg[i] > ll[best] - lg[best] {
                best = i;
            }
        }
        let x = &candidates[best * d..(best + 1) * d];
        let out = names.iter().zip(&specs).zip(x).map(|((name, spec), &v)| ((*name).clone(), spec.decode(v))).collect();
        if let Some(inspect) = inspect {
            *inspect = Inspection {
                n_finished,
                specs: specs.clone(),
                below: rows_below.concat(),
                above: rows_above.concat(),
                w_below,
                w_above,
                candidates,
                log_l: ll,
                log_g: lg,
                chosen: best,
            };
        }
        out
    }
}

/// What one TPE draw saw and weighed (for [`explain`]).
#[derive(Debug, Clone, Default)]
struct Inspection {
    /// Complete and pruned trials among the observations (running ones are the liar's).
    n_finished: usize,
    /// The draw's dimensions, in the space's (name) order.
    specs: Vec<DimSpec>,
    /// The good and bad observations, rows of working coordinates, in trial-number order.
    below: Vec<f64>,
    above: Vec<f64>,
    /// Their weights (without the prior's).
    w_below: Vec<f64>,
    w_above: Vec<f64>,
    /// The candidates drawn from l(x), rows of working coordinates, and their log densities.
    candidates: Vec<f64>,
    log_l: Vec<f64>,
    log_g: Vec<f64>,
    /// The candidate kept.
    chosen: usize,
}

/// Two sorted lists merged, in order.
fn merge_sorted<'a>(a: &'a [(u64, u32)], b: &'a [(u64, u32)]) -> impl Iterator<Item = (u64, u32)> + 'a {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || {
        let next = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x <= y => {
                i += 1;
                *x
            }
            (_, Some(y)) => {
                j += 1;
                *y
            }
            (Some(x), None) => {
                i += 1;
                *x
            }
            (None, None) => return None,
        };
        Some(next)
    })
}

/// Which observations are good.
struct Split {
    is_below: Vec<bool>,
    /// Several objectives: the good side is weighted uniformly (Optuna 5.0).
    uniform_below: bool,
}

/// Orders observations good-first and cuts after `n_below`.
fn split(directions: &[StudyDirection], obs: &[&FrozenTrial], n_below: usize) -> Split {
    let sign: Vec<f64> = directions.iter().map(|d| if *d == StudyDirection::Maximize { -1.0 } else { 1.0 }).collect();
    let violation = |t: &FrozenTrial| -> f64 {
        t.system_attrs
            .get(CONSTRAINTS_KEY)
            .and_then(Value::as_array)
            .map_or(0.0, |cs| cs.iter().map(|c| c.as_f64().unwrap_or(f64::INFINITY).max(0.0)).sum())
    };
    // Tiers: 0 feasible complete, 1 feasible pruned, 2 infeasible, 3 running.
    let tier = |t: &FrozenTrial| match t.state {
        TrialState::Running => 3,
        _ if violation(t) > 0.0 => 2,
        TrialState::Pruned => 1,
        _ => 0,
    };
    let mut order: Vec<usize> = (0..obs.len()).collect();
    let mut mo_rank: Vec<f64> = vec![0.0; obs.len()];
    // Computed once: attribute look-ups inside the sort's comparisons would dominate its cost.
    let tiers: Vec<u8> = obs.iter().map(|t| tier(t)).collect();
    let complete: Vec<usize> = order.iter().copied().filter(|&i| tiers[i] == 0).collect();
    let multi = directions.len() > 1;
    if multi {
        // Whole fronts while they fit; the front that does not fit is cut by greedy hypervolume
        // subset selection, with a reference point taken from that front alone (as Optuna).
        let pts: Vec<Vec<f64>> = complete
            .iter()
            .map(|&i| obs[i].values.as_ref().unwrap().iter().zip(&sign).map(|(v, s)| v * s).collect())
            .collect();
        let refs: Vec<&[f64]> = pts.iter().map(Vec::as_slice).collect();
        let ranks = non_domination_ranks(&refs, &vec![StudyDirection::Minimize; directions.len()]);
        let (mut taken, mut r) = (0usize, 0);
        while taken < n_below.min(complete.len()) {
            let front: Vec<usize> = (0..complete.len()).filter(|&j| ranks[j] == r).collect();
            let room = n_below - taken;
            let picked = if front.len() <= room {
                front
            } else {
                let front_pts: Vec<Vec<f64>> = front.iter().map(|&j| pts[j].clone()).collect();
                hssp(&pts, &front, room, &reference_point(&front_pts))
            };
            for (pos, &j) in picked.iter().enumerate() {
                mo_rank[complete[j]] = (taken + pos) as f64 - 1e9;
            }
            taken += picked.len();
            r += 1;
        }
    }
    let key = |i: usize| -> (u8, f64, f64) {
        let t = obs[i];
        match tiers[i] {
            0 if multi => (0, mo_rank[i], 0.0),
            0 => (0, t.values.as_ref().unwrap()[0] * sign[0], 0.0),
            1 => match t.last_intermediate() {
                Some((step, v)) if !v.is_nan() && !multi => (1, -(step as f64), v * sign[0]),
                Some((step, _)) => (1, -(step as f64), f64::INFINITY),
                None => (1, f64::INFINITY, f64::INFINITY),
            },
            2 => (2, violation(t), 0.0),
            _ => (3, t.number as f64, 0.0),
        }
    };
    let keys: Vec<(u8, f64, f64)> = (0..obs.len()).map(key).collect();
    let n_below = n_below.min(order.len());
    // Only membership matters (each side is used in trial-number order), so a selection suffices.
    if n_below > 0 && n_below < order.len() {
        order.select_nth_unstable_by(n_below - 1, |&a, &b| {
            let (ka, kb) = (keys[a], keys[b]);
            ka.0.cmp(&kb.0)
                .then(ka.1.total_cmp(&kb.1))
                .then(ka.2.total_cmp(&kb.2))
                .then(obs[a].number.cmp(&obs[b].number))
        });
    }
    let mut is_below = vec![false; obs.len()];
    for &i in &order[..n_below] {
        is_below[i] = true;
    }
    Split { is_below, uniform_below: multi }
}

/// A reference point just beyond the worst value of each (minimized) objective (Optuna's rule:
/// `max(1.1·w, 0.9·w)`, a tiny positive number where `w` is 0).
fn reference_point(pts: &[Vec<f64>]) -> Vec<f64> {
    let d = pts.first().map_or(0, Vec::len);
    (0..d)
        .map(|k| {
            let worst = pts.iter().map(|p| p[k]).fold(f64::NEG_INFINITY, f64::max);
            if worst == 0.0 { 1e-12 } else { worst + 0.1 * worst.abs() }
        })
        .collect()
}

/// Greedy hypervolume subset selection: `k` of `candidates` (indices into `pts`), each step adding
/// the point that adds the most hypervolume.
fn hssp(pts: &[Vec<f64>], candidates: &[usize], k: usize, reference: &[f64]) -> Vec<usize> {
    let mut chosen: Vec<usize> = Vec::with_capacity(k);
    let mut left: Vec<usize> = candidates.to_vec();
    let mut current: Vec<Vec<f64>> = Vec::new();
    let mut base = 0.0;
    while chosen.len() < k && !left.is_empty() {
        let mut best = (0, f64::NEG_INFINITY);
        for (pos, &j) in left.iter().enumerate() {
            current.push(pts[j].clone());
            let gain = hypervolume(&current, reference) - base;
            current.pop();
            if gain > best.1 {
                best = (pos, gain);
            }
        }
        let j = left.remove(best.0);
        current.push(pts[j].clone());
        base = hypervolume(&current, reference);
        chosen.push(j);
    }
    chosen
}

impl Sampler for TpeSampler {
    fn infer_relative_search_space(&mut self, study: &StudyView, _trial: &FrozenTrial) -> Result<SearchSpace> {
        if !self.multivariate(study) {
            self.current_groups.clear();
            return Ok(SearchSpace::new());
        }
        let drop_single = |s: SearchSpace| -> SearchSpace { s.into_iter().filter(|(_, d)| !d.single()).collect() };
        self.current_groups = if self.options.group {
            self.groups.calculate(&study.trials).into_iter().map(drop_single).filter(|g| !g.is_empty()).collect()
        } else {
            let s = drop_single(self.intersection.calculate(&study.trials));
            if s.is_empty() { Vec::new() } else { vec![s] }
        };
        Ok(self.current_groups.iter().flat_map(|g| g.iter().map(|(k, v)| (k.clone(), v.clone()))).collect())
    }

    fn sample_relative(
        &mut self,
        study: &StudyView,
        trial: &FrozenTrial,
        _space: &SearchSpace,
    ) -> Result<InternalParams> {
        if Self::n_finished(study) < self.options.n_startup_trials {
            return Ok(InternalParams::new());
        }
        let mut out = InternalParams::new();
        for group in std::mem::take(&mut self.current_groups) {
            out.extend(self.sample_space(study, trial, &group, None));
        }
        if self.options.constant_liar && !out.is_empty() {
            self.pending.insert(trial.number, out.clone());
        }
        Ok(out)
    }

    fn sample_independent(
        &mut self,
        study: &StudyView,
        trial: &FrozenTrial,
        name: &str,
        d: &Distribution,
    ) -> Result<f64> {
        if Self::n_finished(study) < self.options.n_startup_trials {
            return self.random.sample_independent(study, trial, name, d);
        }
        let mut space = SearchSpace::new();
        space.insert(name.to_owned(), d.clone());
        Ok(self.sample_space(study, trial, &space, None)[name])
    }

    fn after_trial(&mut self, _study: &StudyView, trial: &FrozenTrial) -> Result<()> {
        self.pending.remove(&trial.number);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_gamma_and_weights_match_optuna() {
        let s = TpeSampler::new(TpeSamplerOptions::default()).unwrap();
        assert_eq!([5, 10, 50, 100, 300, 1000].map(|n| s.gamma(n, 1)), [1, 1, 5, 10, 25, 25]);
        assert_eq!([5, 10, 50, 100, 300, 1000].map(|n| s.gamma(n, 2)), [1, 1, 5, 10, 30, 100]);
        // default_weights(30)[:6] in Optuna: [0.0333, 0.275, 0.5167, 0.7583, 1.0, 1.0]
        let w = s.weights(30);
        for (a, b) in w[..6].iter().zip([0.033_333_333, 0.275, 0.516_666_667, 0.758_333_333, 1.0, 1.0]) {
            assert!((a - b).abs() < 1e-8, "{w:?}");
        }
        assert_eq!(s.weights(24), vec![1.0; 24]);
    }
}
