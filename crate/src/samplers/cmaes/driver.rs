//! One CMA-ES search over a box, restarts included: the optimizer in use (plain or with margin)
//! and the restart schedule. The sampler stores a [`Driver`] between trials and only adds the
//! bookkeeping of which trials belong to which generation; tests and benchmarks drive it directly.

use serde::{Deserialize, Serialize};

use super::cma::{Cma, CmaConfig};
use super::margin::CmaWithMargin;
use super::restart::{RestartStrategy, Restarts};
use crate::rng::Rng;

/// How every run of the search is built.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DriverConfig {
    /// The box.
    pub bounds: Vec<[f64; 2]>,
    /// Grid step per coordinate for CMA-ES with margin (0 = continuous); `None` for plain CMA-ES.
    pub margin_steps: Option<Vec<f64>>,
    /// Initial step size of a fresh run.
    pub sigma0: f64,
    /// Population size of the first run (default rule when absent).
    pub popsize: Option<usize>,
    /// Diagonal covariance.
    pub separable: bool,
    /// Learning-rate adaptation.
    pub lr_adapt: bool,
    /// Restart scheme and population multiplier.
    pub restart: Option<(RestartStrategy, usize)>,
}

/// The optimizer of the current run.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum Optimizer {
    Plain(Cma),
    Margin(CmaWithMargin),
}

/// A CMA-ES search with optional restarts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Driver {
    config: DriverConfig,
    optimizer: Optimizer,
    restarts: Option<Restarts>,
}

impl Driver {
    /// A search whose first run starts at `mean` with step `sigma` and covariance `cov`
    /// (row-major, identity when absent); restarts use `config.sigma0` and random means.
    pub fn new(config: DriverConfig, mean: Vec<f64>, sigma: f64, cov: Option<Vec<f64>>) -> Driver {
        let optimizer = build(&config, mean, sigma, cov, config.popsize);
        let restarts = config.restart.map(|(s, inc)| Restarts::new(s, inc, cma_of(&optimizer).population_size()));
        Driver { config, optimizer, restarts }
    }

    /// The current run's optimizer.
    pub fn cma(&self) -> &Cma {
        cma_of(&self.optimizer)
    }

    /// Restarts made so far.
    pub fn restarts(&self) -> u32 {
        self.restarts.as_ref().map_or(0, |r| r.count)
    }

    /// Whether candidates carry a separate vector to tell (CMA-ES with margin).
    pub fn has_margin(&self) -> bool {
        matches!(self.optimizer, Optimizer::Margin(_))
    }

    /// A candidate: the point to evaluate and, with margin, the raw sample to tell instead.
    pub fn ask(&mut self, rng: &mut Rng) -> (Vec<f64>, Option<Vec<f64>>) {
        match &mut self.optimizer {
            Optimizer::Plain(c) => (c.ask(rng), None),
            Optimizer::Margin(m) => {
                let (enc, raw) = m.ask(rng);
                (enc, Some(raw))
            }
        }
    }

    /// Tells one population (`x` as [`Self::ask`] said to tell it, value to minimize); when a
    /// stopping rule fires and restarts are on, starts the next run. Returns whether it restarted.
    pub fn tell(&mut self, solutions: Vec<(Vec<f64>, f64)>, rng: &mut Rng) -> bool {
        match &mut self.optimizer {
            Optimizer::Plain(c) => c.tell(solutions),
            Optimizer::Margin(m) => m.tell(solutions),
        }
        let Some(restarts) = self.restarts.as_mut() else { return false };
        let cma = match &mut self.optimizer {
            Optimizer::Plain(c) => c,
            Optimizer::Margin(m) => m.cma_mut(),
        };
        if !cma.should_stop() {
            return false;
        }
        let spent = cma.population_size() as u64 * cma.generation();
        let next = restarts.next(spent, rng);
        let mean = self.config.bounds.iter().map(|[lo, hi]| lo + (hi - lo) * rng.uniform()).collect();
        self.optimizer = build(&self.config, mean, self.config.sigma0 * next.sigma_factor, None, Some(next.popsize));
        true
    }
}

fn cma_of(o: &Optimizer) -> &Cma {
    match o {
        Optimizer::Plain(c) => c,
        Optimizer::Margin(m) => m.cma(),
    }
}

fn build(
    config: &DriverConfig,
    mean: Vec<f64>,
    sigma: f64,
    cov: Option<Vec<f64>>,
    popsize: Option<usize>,
) -> Optimizer {
    let n = config.bounds.len();
    let cma = Cma::new(CmaConfig {
        mean,
        sigma,
        cov,
        bounds: config.bounds.clone(),
        popsize,
        n_max_resampling: 10 * n,
        separable: config.separable && n > 1,
        lr_adapt: config.lr_adapt,
    });
    match &config.margin_steps {
        Some(steps) => Optimizer::Margin(CmaWithMargin::new(cma, steps, None)),
        None => Optimizer::Plain(cma),
    }
}
