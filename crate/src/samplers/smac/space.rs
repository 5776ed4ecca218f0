//! SMAC's view of a define-by-run space: every parameter any complete trial used (the union, not
//! the intersection), one normalized value per parameter through the GP's [`GpSpace`] (unit
//! interval for numbers, choice index for categoricals), and `NaN` where a configuration leaves
//! a parameter inactive.
//!
//! The forest sees numbers as they are and categoricals one-hot; an inactive parameter is imputed
//! outside its range (−1 for a number, all-zero for a categorical), so that a tree can split
//! active from inactive, as SMAC imputes inactive hyperparameters.

use std::collections::BTreeMap;

use crate::distributions::Distribution;
use crate::samplers::gp::space::{Column, GpSpace};
use crate::samplers::{InternalParams, SearchSpace};
use crate::trial::FrozenTrial;

/// The value a forest feature takes for an inactive number.
const INACTIVE: f64 = -1.0;

/// The parameters seen in `trials` with one distribution each (a parameter seen with two
/// distributions is left out) and more than one value.
pub fn union_space<'a>(trials: impl Iterator<Item = &'a FrozenTrial>) -> SearchSpace {
    let mut seen: BTreeMap<String, Option<Distribution>> = BTreeMap::new();
    for t in trials {
        for (name, p) in &t.params {
            match seen.get_mut(name) {
                None => {
                    seen.insert(name.clone(), Some(p.distribution.clone()));
                }
                Some(slot) => {
                    if slot.as_ref().is_some_and(|d| d != &p.distribution) {
                        *slot = None;
                    }
                }
            }
        }
    }
    seen.into_iter().filter_map(|(k, d)| d.filter(|d| !d.single()).map(|d| (k, d))).collect()
}

/// Encodes configurations for the forest and decodes them into parameters.
pub struct Encoder {
    space: GpSpace,
    /// A legal internal value per parameter, standing in for an absent one while encoding.
    placeholders: InternalParams,
    distributions: Vec<Distribution>,
    n_features: usize,
}

impl Encoder {
    /// The encoder of `space`.
    pub fn new(space: &SearchSpace) -> Self {
        let placeholders = space
            .iter()
            .map(|(k, d)| {
                let v = match d {
                    Distribution::Float(f) => f.low(),
                    Distribution::Int(i) => i.low() as f64,
                    Distribution::Categorical(_) => 0.0,
                };
                (k.clone(), v)
            })
            .collect();
        let gp = GpSpace::new(space);
        let n_features = gp.columns().iter().map(|c| if let Column::Categorical(k) = c { *k } else { 1 }).sum();
        Encoder { space: gp, placeholders, distributions: space.values().cloned().collect(), n_features }
    }

    /// The normalized space.
    pub fn space(&self) -> &GpSpace {
        &self.space
    }

    /// Length of a forest feature vector.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The configuration of a trial's parameters (`NaN` where absent or of another distribution).
    pub fn config(&self, trial: &FrozenTrial) -> Vec<f64> {
        let mut params = self.placeholders.clone();
        let mut active = Vec::with_capacity(self.distributions.len());
        for (name, d) in self.space.names().iter().zip(&self.distributions) {
            let p = trial.params.get(name).filter(|p| &p.distribution == d);
            if let Some(p) = p {
                params.insert(name.clone(), p.internal);
            }
            active.push(p.is_some());
        }
        let mut x = self.space.encode(&params);
        for (v, a) in x.iter_mut().zip(active) {
            if !a {
                *v = f64::NAN;
            }
        }
        x
    }

    /// Writes the forest features of configuration `x` into `out` (length [`Self::n_features`]).
    pub fn features(&self, x: &[f64], out: &mut [f64]) {
        let mut k = 0;
        for (v, c) in x.iter().zip(self.space.columns()) {
            match c {
                Column::Categorical(n) => {
                    out[k..k + n].iter_mut().for_each(|o| *o = 0.0);
                    if !v.is_nan() {
                        out[k + *v as usize] = 1.0;
                    }
                    k += n;
                }
                _ => {
                    out[k] = if v.is_nan() { INACTIVE } else { *v };
                    k += 1;
                }
            }
        }
    }

    /// The active parameters of configuration `x` as internal values.
    pub fn decode(&self, x: &[f64]) -> InternalParams {
        let filled: Vec<f64> = x.iter().map(|v| if v.is_nan() { 0.0 } else { *v }).collect();
        let mut out = self.space.decode(&filled);
        for (name, v) in self.space.names().iter().zip(x) {
            if v.is_nan() {
                out.remove(name);
            }
        }
        out
    }
}

/// Which parameters are active, learnt from the observed configurations: the define-by-run space
/// declares no conditions, so a candidate takes the activity pattern of the observed
/// configuration that agrees with it on the most categorical values (the usual parents of
/// conditional parameters), the first such one in observation order.
pub struct ActivityPatterns {
    /// Distinct (configuration's categorical values, activity) pairs, in observation order.
    patterns: Vec<(Vec<f64>, Vec<bool>)>,
    categorical: Vec<usize>,
}

impl ActivityPatterns {
    /// The patterns of `observed` configurations.
    pub fn new(enc: &Encoder, observed: &[Vec<f64>]) -> Self {
        let categorical: Vec<usize> = enc
            .space()
            .columns()
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c, Column::Categorical(_)))
            .map(|(j, _)| j)
            .collect();
        let mut patterns: Vec<(Vec<f64>, Vec<bool>)> = Vec::new();
        for x in observed {
            let cats: Vec<f64> = categorical.iter().map(|&j| x[j]).collect();
            let active: Vec<bool> = x.iter().map(|v| !v.is_nan()).collect();
            // Bitwise, so that inactive (NaN) categoricals compare equal.
            let same = |(c, a): &(Vec<f64>, Vec<bool>)| {
                a == &active && c.iter().zip(&cats).all(|(u, v)| u.to_bits() == v.to_bits())
            };
            if !patterns.iter().any(same) {
                patterns.push((cats, active));
            }
        }
        // One pattern with everything active: nothing to learn, and [`Self::apply`] is free.
        if patterns.iter().all(|(_, a)| a.iter().all(|&b| b)) {
            patterns.clear();
        }
        ActivityPatterns { patterns, categorical }
    }

    /// Deactivates the parameters `x`'s pattern leaves out and gives the ones it needs a random
    /// value.
    pub fn apply(&self, enc: &Encoder, x: &mut [f64], rng: &mut crate::rng::Rng) {
        let agreement = |cats: &[f64]| self.categorical.iter().zip(cats).filter(|&(&j, &c)| x[j] == c).count();
        let Some((_, active)) = self.patterns.iter().fold(None, |best: Option<(usize, &Vec<bool>)>, (cats, a)| {
            let n = agreement(cats);
            if best.is_some_and(|(m, _)| m >= n) { best } else { Some((n, a)) }
        }) else {
            return;
        };
        for (j, &a) in active.iter().enumerate() {
            if !a {
                x[j] = f64::NAN;
            } else if x[j].is_nan() {
                let mut u = vec![0.5; x.len()];
                u[j] = rng.uniform();
                x[j] = enc.space().from_unit(&u)[j];
            }
        }
    }
}
