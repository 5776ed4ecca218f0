//! Restart strategies for CMA-ES: IPOP (Auger & Hansen 2005, "A Restart CMA Evolution Strategy
//! With Increasing Population Size") and BIPOP (Hansen 2009, "Benchmarking a BI-Population
//! CMA-ES on the BBOB-2009 Function Testbed").
//!
//! When a run meets a stopping rule, the next one starts from a uniformly random mean. IPOP
//! multiplies the population by `inc_popsize` at each restart. BIPOP interleaves two regimes and
//! spends about as many evaluations on each: large populations (as IPOP) and small ones with a
//! random size between the default and half the last large one, and a smaller initial step.

use serde::{Deserialize, Serialize};

use crate::portable::PortableMath;
use crate::rng::Rng;

/// Which restart scheme to run (Optuna's `restart_strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RestartStrategy {
    /// Increasing population size.
    Ipop,
    /// Two interleaved regimes, large and small populations.
    Bipop,
}

/// What the next run looks like.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NextRun {
    /// Its population size.
    pub popsize: usize,
    /// Its initial step size as a multiple of `sigma0`.
    pub sigma_factor: f64,
}

/// Restart bookkeeping; serializable with the optimizer so a reloaded study continues the schedule.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Restarts {
    strategy: RestartStrategy,
    inc_popsize: usize,
    popsize0: usize,
    /// Restarts made so far.
    pub count: u32,
    n_large: u32,
    evals_small: u64,
    evals_large: u64,
    current_is_large: bool,
}

impl Restarts {
    /// A schedule whose first run has the default population `popsize0`.
    pub fn new(strategy: RestartStrategy, inc_popsize: usize, popsize0: usize) -> Restarts {
        Restarts {
            strategy,
            inc_popsize,
            popsize0,
            count: 0,
            n_large: 0,
            evals_small: 0,
            evals_large: 0,
            // The first, default-sized run counts as a small one, as in Optuna's BIPOP.
            current_is_large: false,
        }
    }

    /// The run that follows one which spent `evaluations` and then stopped.
    pub fn next(&mut self, evaluations: u64, rng: &mut Rng) -> NextRun {
        self.count += 1;
        let inc = self.inc_popsize as f64;
        match self.strategy {
            RestartStrategy::Ipop => {
                NextRun { popsize: self.popsize0 * self.inc_popsize.pow(self.count), sigma_factor: 1.0 }
            }
            RestartStrategy::Bipop => {
                if self.current_is_large {
                    self.evals_large += evaluations;
                } else {
                    self.evals_small += evaluations;
                }
                if self.evals_small < self.evals_large {
                    self.current_is_large = false;
                    let u = rng.uniform();
                    let largest = self.popsize0 as f64 * inc.powi_p(self.n_large as i32);
                    let popsize = (self.popsize0 as f64 * (0.5 * largest / self.popsize0 as f64).max(1.0).powf_p(u * u))
                        .floor()
                        .max(self.popsize0 as f64) as usize;
                    NextRun { popsize, sigma_factor: 10f64.powf_p(-2.0 * rng.uniform()) }
                } else {
                    self.current_is_large = true;
                    self.n_large += 1;
                    NextRun { popsize: self.popsize0 * self.inc_popsize.pow(self.n_large), sigma_factor: 1.0 }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipop_doubles() {
        let mut r = Restarts::new(RestartStrategy::Ipop, 2, 10);
        let mut rng = Rng::seed_from_u64(0);
        let sizes: Vec<usize> = (0..3).map(|_| r.next(1000, &mut rng).popsize).collect();
        assert_eq!(sizes, vec![20, 40, 80]);
    }

    #[test]
    fn bipop_balances_the_budgets() {
        let mut r = Restarts::new(RestartStrategy::Bipop, 2, 10);
        let mut rng = Rng::seed_from_u64(0);
        // The first run (small) spent 1,000: the next is large.
        let first = r.next(1000, &mut rng);
        assert_eq!(first, NextRun { popsize: 20, sigma_factor: 1.0 });
        // The large run spent 4,000: small runs follow until they have spent as much.
        let mut small = 0;
        let mut next = r.next(4000, &mut rng);
        while next.popsize < 20 || next.sigma_factor < 1.0 {
            assert_eq!(next.popsize, 10, "half the last large population is the default one");
            small += 1;
            next = r.next(1000, &mut rng);
        }
        assert_eq!(small, 3, "1,000 + 3 × 1,000 small evaluations balance 4,000 large ones");
        assert_eq!(next.popsize, 40);
    }
}
