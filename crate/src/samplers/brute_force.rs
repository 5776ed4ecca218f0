//! `BruteForceSampler`: every combination of a discrete space, each once (Optuna's
//! `BruteForceSampler`).
//!
//! The space is discovered from the trials themselves, so conditional spaces work: trials form a
//! tree whose nodes are parameters (in the order each trial asked them) and whose branches are
//! values. A new value is drawn at random among the branches not yet exhausted; a branch is
//! exhausted when a trial ended there or all of its sub-branches are. Once the whole tree is
//! exhausted the study stops. Floats need a `step`. Running trials count as taken unless
//! `avoid_premature_stop` is set, in which case only finished trials decide when to stop (Optuna's
//! option of the same name).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Sampler, StudyView};
use crate::distributions::Distribution;
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::trial::{FrozenTrial, TrialState};

/// Refuse parameters with more values than this: brute force over them would never finish.
const MAX_VALUES: u64 = 1 << 20;

/// Options, with Optuna's keyword names.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BruteForceSamplerOptions {
    /// Seed for the order of exploration.
    pub seed: Option<u64>,
    /// Only finished trials (not running ones) count when deciding that the space is exhausted.
    #[serde(default)]
    pub avoid_premature_stop: bool,
}

/// Exhaustive search over a discrete, possibly conditional, space.
pub struct BruteForceSampler {
    rng: Rng,
    avoid_premature_stop: bool,
}

#[derive(Default)]
struct Node {
    /// The parameter asked at this node and all its internal values, once a trial went past it.
    param: Option<(String, Vec<f64>)>,
    children: BTreeMap<u64, Node>,
    /// A trial ended here (asked nothing more).
    leaf: bool,
}

impl Node {
    fn insert(&mut self, trial: &FrozenTrial) -> Result<()> {
        let mut node = self;
        for (name, p) in &trial.params {
            if node.param.is_none() {
                node.param = Some((name.clone(), all_values(name, &p.distribution)?));
            }
            node = node.children.entry(p.internal.to_bits()).or_default();
        }
        node.leaf = true;
        Ok(())
    }

    fn exhausted(&self) -> bool {
        self.leaf
            || match &self.param {
                None => false,
                Some((_, values)) => {
                    values.iter().all(|v| self.children.get(&v.to_bits()).is_some_and(Node::exhausted))
                }
            }
    }
}

/// Every internal value of a discrete distribution.
fn all_values(name: &str, d: &Distribution) -> Result<Vec<f64>> {
    let n = match d {
        Distribution::Float(f) => match f.step() {
            Some(step) => ((f.high() - f.low()) / step).round() as u64 + 1,
            None => {
                return Err(Error::InvalidArgument(format!(
                    "BruteForceSampler: parameter '{name}' is a float without a step; give it a step"
                )));
            }
        },
        Distribution::Int(i) => i.len(),
        Distribution::Categorical(c) => c.choices().len() as u64,
    };
    if n > MAX_VALUES {
        return Err(Error::InvalidArgument(format!(
            "BruteForceSampler: parameter '{name}' has {n} values, more than {MAX_VALUES}"
        )));
    }
    Ok((0..n)
        .map(|k| match d {
            Distribution::Float(f) => (f.low() + k as f64 * f.step().unwrap_or(0.0)).min(f.high()),
            Distribution::Int(i) => (i.low() + k as i64 * i.step()) as f64,
            Distribution::Categorical(_) => k as f64,
        })
        .collect())
}

impl BruteForceSampler {
    /// A sampler with `options`.
    pub fn new(options: BruteForceSamplerOptions) -> Self {
        BruteForceSampler {
            rng: Rng::from_seed_option(options.seed),
            avoid_premature_stop: options.avoid_premature_stop,
        }
    }

    fn tree<'t>(&self, trials: impl Iterator<Item = &'t FrozenTrial>) -> Result<Node> {
        let mut root = Node::default();
        for t in trials {
            root.insert(t)?;
        }
        Ok(root)
    }
}

impl Sampler for BruteForceSampler {
    fn sample_independent(
        &mut self,
        study: &StudyView,
        trial: &FrozenTrial,
        name: &str,
        d: &Distribution,
    ) -> Result<f64> {
        let values = all_values(name, d)?;
        let others = study.trials.iter().copied().filter(|t| {
            t.number != trial.number
                && matches!(t.state, TrialState::Complete | TrialState::Pruned | TrialState::Fail | TrialState::Running)
        });
        let root = self.tree(others)?;
        // Walk down the branch this trial has taken so far.
        let mut node = Some(&root);
        for p in trial.params.values() {
            node = node.and_then(|n| n.children.get(&p.internal.to_bits()));
        }
        let open: Vec<f64> = values
            .iter()
            .copied()
            .filter(|v| node.and_then(|n| n.children.get(&v.to_bits())).is_none_or(|c| !c.exhausted()))
            .collect();
        let pool = if open.is_empty() { &values } else { &open };
        Ok(pool[self.rng.index(pool.len())])
    }

    fn after_trial(&mut self, study: &StudyView, _trial: &FrozenTrial) -> Result<()> {
        let counted = study
            .trials
            .iter()
            .copied()
            .filter(|t| t.state.is_finished() || (t.state == TrialState::Running && !self.avoid_premature_stop));
        if self.tree(counted)?.exhausted() {
            study.stop();
        }
        Ok(())
    }
}
