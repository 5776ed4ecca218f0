//! `AutoSampler`: picks GP, TPE, CMA-ES or NSGA-II/III from the search space, the number of
//! finished trials and the number of objectives (OptunaHub's `samplers/auto_sampler`).
//!
//! Follows OptunaHub's AutoSampler as observed by running it (its README documents only the
//! options; the rules below were read off its `auto:sampler` system attribute, trial by trial, on
//! spaces of each kind — `benches/AUTO.md`):
//! - one objective, numeric space: GP, then CMA-ES (warm-started from the trials so far), at
//!   any dimension (ours: see below);
//! - one objective with a categorical or conditional parameter: TPE throughout (ours: see below);
//! - one objective with constraints: GP, then TPE (CMA-ES ignores constraints);
//! - two or three objectives: GP (TPE when a parameter is categorical or conditional), then
//!   NSGA-II; four or more: TPE, then NSGA-III;
//! - every trial records the sampler that chose it in the system attribute `auto:sampler` (the
//!   class name), and each delegate gets the AutoSampler's seed, so while it uses one sampler
//!   its trials are that sampler's with the same seed.
//!
//! Where we differ:
//! - **one objective, numeric space: GP hands over to CMA-ES after `max(90, 10 × parameters)`
//!   complete trials** (OptunaHub: 250), **and CMA-ES starts at GP's best trial with a local
//!   step** ([`CmaEsStart::Best`]: the spread of the trials nearest to it) instead of a warm start
//!   fitted to the best tenth of the trials. GP finds the basin; CMA-ES then refines it below GP's
//!   noise floor (branin after 200 trials: median regret 3e-9 against GP's 1.7e-5 and OptunaHub's
//!   8.5e-6). Ten trials per parameter is the usual size of a GP's first design (Loeppky, Sacks
//!   and Welch 2009); 90 is the floor measured on the harness's 14 problems, 10 seeds
//!   (`benches/AUTO.md`): hand-offs at 50 or 60 came too early on six-hump camel (GP had not
//!   found the minimum yet), at 100 too late to show at 100 trials. This made AutoSampler's
//!   average rank better than every single sampler's at 50, 100 and 200 trials. The warm start
//!   (OptunaHub's, `cma_es_start: "warm_start"`) restarted CMA-ES too wide to improve on GP's best
//!   within 200 trials, at any hand-off measured; `switch_trials: 250`, `cma_es_start:
//!   "warm_start"` and `gp_every: 0` give OptunaHub's rule;
//! - **after that hand-off every second trial still goes to GP** ([`AutoSamplerOptions::gp_every`]):
//!   CMA-ES refines the basin it was given, GP keeps searching the whole space (and sees CMA-ES's
//!   trials; CMA-ES counts only its own). Without it, on styblinski-tang (a basin per sign of each
//!   coordinate) CMA-ES stayed in GP's basin of trial 90 where GP alone, or OptunaHub's, went on to
//!   find the global one: median regret 15.1 against OptunaHub's 0.094 after 200 trials; with it
//!   14.1 (p 0.09), and the average ranks improved at 100 and 200 trials. Handing over only once
//!   GP's best had stalled for 10 or 20 trials did not help there (GP stalls in a local basin too);
//! - an option OptunaHub lacks, [`AutoSamplerOptions::cma_es_params`] (default `null`): with a
//!   number k, one objective and k or more numeric parameters use **CMA-ES from the start** (from
//!   the second trial: the first comes before the space is known, and is GP's random draw). It is
//!   not the default: on hartmann6 and griewank10 GP is better by orders of magnitude (hartmann6
//!   at 50 trials: 0.0017 against 0.76);
//! - other switches come after [`DEFAULT_SWITCH_TRIALS`] complete trials (250, as OptunaHub,
//!   whose reason is that Optuna's GP then costs seconds a trial; ours costs tens of milliseconds
//!   there, so cost alone would let it go on); [`AutoSamplerOptions::switch_trials`] sets every
//!   switch at once;
//! - one objective with a categorical parameter but the same parameters in every trial: GP, then
//!   TPE (OptunaHub: TPE throughout). Our GP models categoricals (Hamming distance) well: on the
//!   harness's mixed problem its median regret after 100 trials is 1.7e-7 against TPE's 0.023;
//!   conditional spaces stay with TPE;
//! - a one-parameter numeric space goes from GP to TPE, not to CMA-ES (which does not model one
//!   dimension: Optuna's falls back to random sampling there);
//! - OptunaHub's first trial is a `RandomSampler` draw; ours is the first delegate's (GP and TPE
//!   sample at random until they have trials to model, so the draw is as random);
//! - constraints come from the trials' `constraints` system attribute (`Trial::set_constraint`),
//!   as every sampler here, so there is no `constraints_func`.
//!
//! The rule is one function ([`decide`]) over what the study shows; [`explain`] runs it on a
//! study's trials, so the page and the CLI say which sampler is in use and why without
//! restating the rule.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::cmaes::SourceTrial;
use super::{
    CmaEsSampler, CmaEsSamplerOptions, GpSampler, InternalParams, NsgaIIISampler, NsgaIIISamplerOptions, NsgaIISampler,
    NsgaIISamplerOptions, Sampler, SearchSpace, StudyView, SystemAttrs, TpeSampler, TpeSamplerOptions,
};
use crate::distributions::{Distribution, ParamValue};
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::samplers::CONSTRAINTS_KEY;
use crate::search_space::Seen;
use crate::transform::{SearchSpaceTransform, TransformOptions};
use crate::trial::{FrozenTrial, StudyDirection, TrialState};

/// The system attribute naming the sampler that chose a trial (OptunaHub's key).
pub const AUTO_SAMPLER_KEY: &str = "auto:sampler";

/// Complete trials after which the first phase ends by default, except GP's in a numeric
/// one-objective study: OptunaHub's figure. Ours is not held to it by cost (see the module
/// documentation); the measured quality beyond it did not favour another.
pub const DEFAULT_SWITCH_TRIALS: usize = 250;

/// In a numeric one-objective study GP hands over to CMA-ES after this many complete trials, or
/// [`GP_TRIALS_PER_PARAM`] per parameter when that is more (`benches/AUTO.md`).
pub const GP_TRIALS_BEFORE_CMA_ES: usize = 90;

/// Complete trials per numeric parameter GP gets before CMA-ES takes over: Loeppky, Sacks and
/// Welch's (2009) ten points per dimension for a GP to have learned a function's global shape.
pub const GP_TRIALS_PER_PARAM: usize = 10;

/// After the hand-off, every second trial still goes to GP: CMA-ES alone stayed in the basin it
/// was given, which on styblinski-tang (a basin per sign of each coordinate) was often not the
/// global one, where GP, still searching, found it (`benches/AUTO.md`).
pub const GP_EVERY: usize = 2;

/// Options: OptunaHub's (`seed`), and where to switch.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AutoSamplerOptions {
    /// Seed, passed unchanged to every delegate (random when absent, drawn once).
    pub seed: Option<u64>,
    /// Complete trials after which the first phase ends; `null` (the default): by the plan,
    /// `max(90, 10 × parameters)` from GP to CMA-ES ([`GP_TRIALS_BEFORE_CMA_ES`],
    /// [`GP_TRIALS_PER_PARAM`]), [`DEFAULT_SWITCH_TRIALS`] otherwise.
    pub switch_trials: Option<usize>,
    /// A numeric one-objective space with at least this many parameters uses CMA-ES from its
    /// first trials instead of GP; `null` (the default): GP first at any dimension, as
    /// OptunaHub. 5 ranked best on our benchmark but loses badly where GP shines (module docs).
    pub cma_es_params: Option<usize>,
    /// How CMA-ES starts when it takes over from GP: `"best"` (the default: centred on the best
    /// trial, with a step as wide as the trials nearest to it) or `"warm_start"` (as OptunaHub:
    /// fitted to the best tenth of the trials so far).
    pub cma_es_start: CmaEsStart,
    /// After GP's hand-off to CMA-ES, every trial whose number is a multiple of this still goes
    /// to GP ([`GP_EVERY`]): GP keeps searching the whole space while CMA-ES refines one basin.
    /// 0: CMA-ES alone after the hand-off (OptunaHub's).
    pub gp_every: usize,
}

impl Default for AutoSamplerOptions {
    fn default() -> Self {
        AutoSamplerOptions {
            seed: None,
            switch_trials: None,
            cma_es_params: None,
            cma_es_start: CmaEsStart::default(),
            gp_every: GP_EVERY,
        }
    }
}

/// How CMA-ES starts when it takes over from GP ([`AutoSamplerOptions::cma_es_start`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CmaEsStart {
    /// At the best complete trial, with a local step: the root-mean-square distance from it of its
    /// nearest complete trials in CMA-ES's `[0, 1]` box. It refines GP's best, where a warm start
    /// restarts too wide to beat GP within a few hundred trials (`benches/AUTO.md`).
    #[default]
    Best,
    /// Warm-started from the complete trials (Nomura et al. 2021), as OptunaHub's.
    WarmStart,
}

/// The samplers AutoSampler delegates to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Delegate {
    /// `GPSampler`.
    #[serde(rename = "GPSampler")]
    Gp,
    /// `TPESampler`.
    #[serde(rename = "TPESampler")]
    Tpe,
    /// `CmaEsSampler`.
    #[serde(rename = "CmaEsSampler")]
    CmaEs,
    /// `NSGAIISampler`.
    #[serde(rename = "NSGAIISampler")]
    NsgaII,
    /// `NSGAIIISampler`.
    #[serde(rename = "NSGAIIISampler")]
    NsgaIII,
}

impl Delegate {
    /// Optuna's class name (the value of `auto:sampler`).
    pub fn name(self) -> &'static str {
        match self {
            Delegate::Gp => "GPSampler",
            Delegate::Tpe => "TPESampler",
            Delegate::CmaEs => "CmaEsSampler",
            Delegate::NsgaII => "NSGAIISampler",
            Delegate::NsgaIII => "NSGAIIISampler",
        }
    }
}

/// What the rule looks at, gathered from the finished trials (complete and pruned ones shape the
/// space; failed ones may stop half-way and do not).
#[derive(Debug, Clone, Default)]
pub struct StudyFacts {
    /// Complete trials.
    pub n_complete: usize,
    /// Every parameter seen.
    params: BTreeSet<String>,
    /// The parameter names of the first finished trial, to tell a conditional space.
    first: Option<Vec<String>>,
    categorical: bool,
    conditional: bool,
    constrained: bool,
    seen: Seen,
}

impl StudyFacts {
    /// Folds in the trials that finished since the last call (each trial once).
    pub fn update(&mut self, trials: &[&FrozenTrial]) {
        let mut seen = std::mem::take(&mut self.seen);
        seen.for_each_fresh(trials, true, |t| self.fold(t));
        self.seen = seen;
    }

    fn fold(&mut self, t: &FrozenTrial) {
        self.n_complete += usize::from(t.state == TrialState::Complete);
        // A trial holds a few system attributes: comparing their names beats hashing one.
        self.constrained |= t.system_attrs.keys().any(|k| k == CONSTRAINTS_KEY);
        self.categorical |= t.params.values().any(|p| is_categorical(&p.distribution));
        // This runs once per trial, and a CMA-ES trial costs about 10 µs in all: a trial with the
        // first one's parameters in the first one's order (define-by-run code asks them in the
        // same order) is settled by comparing names, with no hashing, lookup or allocation.
        match &self.first {
            Some(first) if first.len() == t.params.len() && first.iter().zip(t.params.keys()).all(|(a, b)| a == b) => {}
            Some(first) => {
                self.conditional |= first.len() != t.params.len() || !first.iter().all(|k| t.params.contains_key(k));
                for k in t.params.keys() {
                    if !self.params.contains(k) {
                        self.params.insert(k.clone());
                    }
                }
            }
            None => {
                self.first = Some(t.params.keys().cloned().collect());
                self.params.extend(t.params.keys().cloned());
            }
        }
    }

    /// The facts of `trials` (in number order).
    pub fn of(trials: &[FrozenTrial]) -> StudyFacts {
        let mut facts = StudyFacts::default();
        facts.update(&trials.iter().collect::<Vec<_>>());
        facts
    }
}

/// A categorical parameter with more than one choice (one choice adds nothing to model).
fn is_categorical(d: &Distribution) -> bool {
    matches!(d, Distribution::Categorical(_)) && !d.single()
}

/// Which sampler AutoSampler uses for the next trial, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoChoice {
    /// The sampler in use (its class name, as recorded in `auto:sampler`).
    pub sampler: Delegate,
    /// One sentence: the facts that decided, and what comes next.
    pub reason: String,
    /// Complete trials so far.
    pub n_complete: usize,
    /// Objectives of the study.
    pub n_objectives: usize,
    /// Parameters seen so far.
    pub n_params: usize,
    /// Whether a parameter is categorical.
    pub categorical: bool,
    /// Whether trials have different sets of parameters.
    pub conditional: bool,
    /// Whether trials carry constraint values.
    pub constrained: bool,
    /// The complete-trial count at which the sampler changes, and to which (none when it stays).
    pub switch_at: Option<usize>,
    /// The sampler after the switch.
    pub next: Option<Delegate>,
}

/// The rule without its wording: the sampler of the first phase, the one after the switch (none
/// when it stays), and why. Called every trial, so it allocates nothing.
fn plan(
    facts: &StudyFacts,
    n_objectives: usize,
    options: &AutoSamplerOptions,
) -> (Delegate, Option<Delegate>, &'static str) {
    use Delegate::*;
    let (categorical, n_params) = (facts.categorical, facts.params.len());
    let numeric = !categorical && !facts.conditional;
    if n_objectives >= 4 {
        (Tpe, Some(NsgaIII), "TPE scales to many objectives; NSGA-III keeps a many-objective front spread")
    } else if n_objectives >= 2 {
        if numeric {
            (Gp, Some(NsgaII), "GP's expected hypervolume improvement is sample-efficient; NSGA-II for long runs")
        } else {
            (Tpe, Some(NsgaII), "TPE handles categorical and conditional parameters; NSGA-II for long runs")
        }
    } else if facts.conditional {
        (Tpe, None, "TPE models conditional parameters")
    } else if categorical {
        (Gp, Some(Tpe), "GP's kernel handles categorical parameters; TPE (CMA-ES does not model them) for long runs")
    } else if facts.constrained {
        (Gp, Some(Tpe), "GP models the constraints; TPE (not CMA-ES) keeps handling them in long runs")
    } else if n_params == 1 {
        (Gp, Some(Tpe), "CMA-ES does not model a single parameter, so TPE for long runs")
    } else if options.cma_es_params.is_some_and(|k| n_params >= k) {
        (
            CmaEs,
            None,
            "set by cma_es_params (on our benchmark CMA-ES out-ranked GP on most problems of 5 to 10 parameters)",
        )
    } else if options.cma_es_start == CmaEsStart::WarmStart {
        (Gp, Some(CmaEs), "GP is the most sample-efficient; CMA-ES, warm-started from the trials so far, for long runs")
    } else {
        (
            Gp,
            Some(CmaEs),
            "GP is the most sample-efficient; then CMA-ES, started at GP's best trial with a step as wide as the \
             trials nearest to it, refines it",
        )
    }
}

/// Complete trials after which `plan`'s first phase ends, given the options.
fn switch_trials(plan: (Delegate, Option<Delegate>), n_params: usize, options: &AutoSamplerOptions) -> usize {
    match (options.switch_trials, plan) {
        (Some(n), _) => n,
        (None, (Delegate::Gp, Some(Delegate::CmaEs))) => GP_TRIALS_BEFORE_CMA_ES.max(GP_TRIALS_PER_PARAM * n_params),
        (None, _) => DEFAULT_SWITCH_TRIALS,
    }
}

/// Whether trial `number` goes back to GP after its hand-off to CMA-ES.
fn back_to_gp(plan: (Delegate, Option<Delegate>), number: u64, gp_every: usize) -> bool {
    plan == (Delegate::Gp, Some(Delegate::CmaEs)) && gp_every > 0 && number % gp_every as u64 == 0
}

/// The sampler of trial `number` after `n` complete trials, given the plan.
fn in_use(
    (first, then, _): (Delegate, Option<Delegate>, &str),
    n: usize,
    switch_trials: usize,
    number: u64,
    gp_every: usize,
) -> Delegate {
    match then {
        Some(_) if n >= switch_trials && back_to_gp((first, then), number, gp_every) => first,
        Some(next) if n >= switch_trials => next,
        _ => first,
    }
}

/// The rule: which sampler for trial `number` of a study with `facts`, `n_objectives` objectives
/// and `options` (where to switch, from how many numeric parameters CMA-ES starts), and why.
pub fn decide(facts: &StudyFacts, n_objectives: usize, options: &AutoSamplerOptions, number: u64) -> AutoChoice {
    let (categorical, n_params, n) = (facts.categorical, facts.params.len(), facts.n_complete);
    let space = if facts.first.is_none() {
        "no finished trial yet (the space is unknown; GP's first trial is a random draw)".to_owned()
    } else if facts.conditional {
        format!("a conditional space ({n_params} parameters, not all in every trial)")
    } else if categorical {
        format!("{n_params} parameters, some categorical")
    } else {
        format!("{n_params} numeric parameter{}", if n_params == 1 { "" } else { "s" })
    };
    let (first, then, why) = plan(facts, n_objectives, options);
    let switch_trials = switch_trials((first, then), n_params, options);
    let why = match (first, then, options.cma_es_params) {
        (Delegate::CmaEs, None, Some(k)) => {
            format!("With {k} or more numeric parameters, CMA-ES from the start: {why}")
        }
        (Delegate::Gp, Some(Delegate::CmaEs), Some(k)) if facts.first.is_some() => {
            format!("With fewer than {k} numeric parameters, {why}")
        }
        _ => why.to_owned(),
    };
    let objectives = if n_objectives == 1 { "1 objective".to_owned() } else { format!("{n_objectives} objectives") };
    let constraints = if facts.constrained { ", constrained" } else { "" };
    let trials = format!("{n} complete trial{}", if n == 1 { "" } else { "s" });
    let sampler = in_use((first, then, ""), n, switch_trials, number, options.gp_every);
    let (switch_at, next, budget) = match then {
        Some(next) if n < switch_trials => {
            (Some(switch_trials), Some(next), format!("below the {switch_trials}-trial switch to {}", next.name()))
        }
        Some(next) if sampler == first => (
            None,
            None,
            format!(
                "past the {switch_trials}-trial switch to {}, but every {} trial goes back to {} to keep searching \
                 the whole space",
                next.name(),
                ordinal(options.gp_every),
                first.name()
            ),
        ),
        Some(_) => (None, None, format!("at or past the {switch_trials}-trial switch from {}", first.name())),
        None => (None, None, "at any budget".to_owned()),
    };
    AutoChoice {
        sampler,
        reason: format!("{}: {space}, {objectives}{constraints}, {trials}, {budget}. {why}.", sampler.name()),
        n_complete: n,
        n_objectives,
        n_params,
        categorical,
        conditional: facts.conditional,
        constrained: facts.constrained,
        switch_at,
        next,
    }
}

/// "2nd", "3rd", "4th"...
fn ordinal(k: usize) -> String {
    let suffix = match (k % 10, k % 100) {
        (1, r) if r != 11 => "st",
        (2, r) if r != 12 => "nd",
        (3, r) if r != 13 => "rd",
        _ => "th",
    };
    format!("{k}{suffix}")
}

/// Which sampler AutoSampler with `options` uses after `trials` (all of a study's trials, in
/// number order), and why. In a study run one trial at a time this is the choice the sampler
/// made for the next trial, and `explain(&trials[..k], ..)` is the one recorded on trial `k`.
pub fn explain(trials: &[FrozenTrial], directions: &[StudyDirection], options: &AutoSamplerOptions) -> AutoChoice {
    decide(&StudyFacts::of(trials), directions.len(), options, trials.len() as u64)
}

/// The AutoSampler; see the module documentation.
pub struct AutoSampler {
    options: AutoSamplerOptions,
    seed: u64,
    facts: StudyFacts,
    /// By `Delegate as usize`, built on first use and kept: CMA-ES and NSGA keep generation
    /// state across trials. An array, not a map: each trial looks its delegate up a dozen times,
    /// and CMA-ES's whole trial takes about 10 µs.
    delegates: [Option<Box<dyn Sampler>>; 5],
    /// The delegate of each trial still running (usually one: a short list beats a map).
    running: Vec<(u64, Delegate)>,
}

impl AutoSampler {
    /// Validates the options.
    pub fn new(options: AutoSamplerOptions) -> Result<Self> {
        if options.switch_trials == Some(0) {
            return Err(Error::InvalidArgument("AutoSampler: switch_trials must be at least 1".into()));
        }
        if options.cma_es_params.is_some_and(|k| k < 2) {
            return Err(Error::InvalidArgument("AutoSampler: cma_es_params must be at least 2 (or null)".into()));
        }
        let seed = options.seed.unwrap_or_else(|| Rng::from_entropy().next_u64());
        Ok(AutoSampler {
            options,
            seed,
            facts: StudyFacts::default(),
            delegates: Default::default(),
            running: Vec::new(),
        })
    }

    /// A seeded sampler with default options.
    pub fn seeded(seed: u64) -> Self {
        Self::new(AutoSamplerOptions { seed: Some(seed), ..Default::default() }).expect("defaults are valid")
    }

    fn build(&self, which: Delegate, study: &StudyView) -> Result<Box<dyn Sampler>> {
        let seed = Some(self.seed);
        Ok(match which {
            Delegate::Gp => Box::new(GpSampler::seeded(self.seed)),
            Delegate::Tpe => Box::new(TpeSampler::new(TpeSamplerOptions { seed, ..Default::default() })?),
            Delegate::CmaEs => {
                let options = match self.options.cma_es_start {
                    CmaEsStart::Best => local_start(study)
                        .map(|(x0, sigma0)| CmaEsSamplerOptions {
                            x0: Some(x0),
                            sigma0: Some(sigma0),
                            ..Default::default()
                        })
                        .unwrap_or_default(),
                    CmaEsStart::WarmStart => {
                        // The warm start fits the best tenth of the trials, so it needs ten of them.
                        let source_trials = warm_start_trials(study);
                        let source_trials = (source_trials.len() >= 10).then_some(source_trials);
                        CmaEsSamplerOptions { source_trials, ..Default::default() }
                    }
                };
                Box::new(CmaEsSampler::new(CmaEsSamplerOptions { seed, ..options })?)
            }
            Delegate::NsgaII => Box::new(NsgaIISampler::nsga2(NsgaIISamplerOptions { seed, ..Default::default() })?),
            Delegate::NsgaIII => Box::new(NsgaIIISampler::nsga3(NsgaIIISamplerOptions { seed, ..Default::default() })?),
        })
    }

    /// The delegate that chose `trial`.
    fn delegate(&mut self, trial: &FrozenTrial) -> Result<&mut Box<dyn Sampler>> {
        let missing = || Error::InvalidArgument(format!("AutoSampler: trial {} was not started by it", trial.number));
        let &(_, which) = self.running.iter().find(|(n, _)| *n == trial.number).ok_or_else(missing)?;
        self.delegates[which as usize].as_mut().ok_or_else(missing)
    }
}

/// The complete trials as CMA-ES warm-start sources (values turned to minimization).
fn warm_start_trials(study: &StudyView) -> Vec<SourceTrial> {
    minimized(study)
        .map(|(value, t)| {
            let params = t.params.iter().map(|(k, p)| (k.clone(), p.value())).collect();
            SourceTrial { params, value, state: None }
        })
        .collect()
}

/// The complete trials with their first value, negated when the study maximizes, so that lower is
/// better for both CMA-ES starts.
fn minimized<'a>(study: &'a StudyView) -> impl Iterator<Item = (f64, &'a FrozenTrial)> + 'a {
    let sign = if study.directions.first() == Some(&StudyDirection::Maximize) { -1.0 } else { 1.0 };
    study.trials_in(&[TrialState::Complete]).filter_map(move |t| Some((sign * *t.values.as_ref()?.first()?, t)))
}

/// CMA-ES's start at the best complete trial: its parameters, and a step as wide as the best
/// trials' spread around it (root-mean-square distance per coordinate in CMA-ES's `[0, 1]` box of its
/// `d + 1` nearest complete trials). GP's trials crowd where it believes the optimum lies, so the
/// spread is the scale GP is working at; CMA-ES's step adaptation widens it if it is too narrow.
/// `None` with fewer than `d + 2` complete trials (CMA-ES from the start, as `cma_es_params`
/// gives, or a switch that early): CMA-ES then starts from the box, as CmaEsSampler.
fn local_start(study: &StudyView) -> Option<(BTreeMap<String, ParamValue>, f64)> {
    let scored: Vec<(f64, &FrozenTrial)> = minimized(study).filter(|(v, _)| v.is_finite()).collect();
    // The first of equal bests, as a stable sort would give; min_by keeps the first minimum.
    let best = scored.iter().min_by(|a, b| a.0.total_cmp(&b.0))?.1;
    // Maps filled by `insert`, not `collect`: each `collect` into a map links another copy of the
    // map's bulk builder into the page's wasm (this function cost 3.6 KB gzip with them, 1.2 without).
    let mut space = SearchSpace::new();
    let mut x0 = BTreeMap::new();
    for (k, p) in &best.params {
        space.insert(k.clone(), p.distribution.clone());
        x0.insert(k.clone(), p.value());
    }
    let trans = SearchSpaceTransform::new(&space, TransformOptions { log: true, step: true, zero_one: true });
    let encode = |t: &FrozenTrial| -> Option<Vec<f64>> {
        let mut internal = InternalParams::new();
        for k in space.keys() {
            internal.insert(k.clone(), t.params.get(k)?.internal);
        }
        Some(trans.transform(&internal))
    };
    let centre = encode(best)?;
    let d = centre.len().max(1);
    // The nearest trials to the best, not the best-valued ones: a landscape with several equal
    // minima (branin has three) spreads the best-valued trials over all of them.
    // The d + 1 smallest squared distances, kept sorted by insertion: a full sort would link
    // another instance of the standard sort into the page's wasm for one call per study.
    let mut nearest: Vec<f64> = Vec::with_capacity(d + 2);
    for t in scored.iter().map(|(_, t)| t).filter(|t| t.number != best.number) {
        let Some(u) = encode(t) else { continue };
        let sq: f64 = u.iter().zip(&centre).map(|(a, b)| (a - b) * (a - b)).sum();
        if nearest.len() <= d || sq < nearest[d] {
            nearest.insert(nearest.partition_point(|x| *x <= sq), sq);
            nearest.truncate(d + 1);
        }
    }
    if nearest.len() < d + 1 {
        return None;
    }
    let (sum, count) = (nearest.iter().sum::<f64>(), (d + 1) * d);
    // Floor: a step far below the box's float resolution stalls CMA-ES; ceiling: Optuna's 1/6.
    let sigma0 = (sum / count.max(1) as f64).sqrt().clamp(1e-4, 1.0 / 6.0);
    Some((x0, sigma0))
}

impl Sampler for AutoSampler {
    fn before_trial(&mut self, study: &StudyView, trial: &FrozenTrial) -> Result<SystemAttrs> {
        self.facts.update(&study.trials);
        let plan = plan(&self.facts, study.directions.len(), &self.options);
        let at = switch_trials((plan.0, plan.1), self.facts.params.len(), &self.options);
        let which = in_use(plan, self.facts.n_complete, at, trial.number, self.options.gp_every);
        if self.delegates[which as usize].is_none() {
            self.delegates[which as usize] = Some(self.build(which, study)?);
        }
        self.running.push((trial.number, which));
        let mut attrs = self.delegate(trial)?.before_trial(study, trial)?;
        attrs.push((AUTO_SAMPLER_KEY.to_owned(), which.name().into()));
        Ok(attrs)
    }

    fn infer_relative_search_space(&mut self, study: &StudyView, trial: &FrozenTrial) -> Result<SearchSpace> {
        self.delegate(trial)?.infer_relative_search_space(study, trial)
    }

    fn sample_relative(
        &mut self,
        study: &StudyView,
        trial: &FrozenTrial,
        space: &SearchSpace,
    ) -> Result<InternalParams> {
        self.delegate(trial)?.sample_relative(study, trial, space)
    }

    fn sample_independent(
        &mut self,
        study: &StudyView,
        trial: &FrozenTrial,
        name: &str,
        distribution: &Distribution,
    ) -> Result<f64> {
        self.delegate(trial)?.sample_independent(study, trial, name, distribution)
    }

    fn after_trial(&mut self, study: &StudyView, trial: &FrozenTrial) -> Result<()> {
        let result = self.delegate(trial)?.after_trial(study, trial);
        self.running.retain(|(n, _)| *n != trial.number);
        result
    }
}
