//! SMAC's acquisition maximizer (Hutter, Hoos & Leyton-Brown 2011, §4.3): random configurations,
//! and local searches in the one-exchange neighbourhood started from the best-scoring of the
//! observed and random configurations; the best configuration found that was not observed before
//! wins.
//!
//! In a conditional space, every candidate takes the activity pattern of the observed
//! configurations ([`ActivityPatterns`]).
//!
//! The neighbours of a configuration change one active parameter: a categorical to each other
//! choice (four random others past eight choices), a number to four draws from a normal of
//! standard deviation 0.2 around it on the unit interval, rounded onto its grid. Each step moves
//! to the best neighbour while that improves the score (best improvement rather than SMAC's
//! first improvement, so that a step does not depend on the order neighbours are drawn in).

use super::space::{ActivityPatterns, Encoder};
use crate::rng::Rng;
use crate::samplers::gp::space::Column;

/// How much work a maximization does.
#[derive(Debug, Clone, Copy)]
pub struct SearchBudget {
    /// Random configurations scored.
    pub n_random: usize,
    /// Local searches, from the best observed and random configurations.
    pub n_starts: usize,
    /// Steps per local search at most.
    pub max_steps: usize,
}

impl Default for SearchBudget {
    /// Far below SMAC3's 10,000 challengers: with 500 random configurations and five local
    /// searches, a trial at 500 trials in 10-D costs a few milliseconds, most of it the forest.
    fn default() -> Self {
        SearchBudget { n_random: 500, n_starts: 5, max_steps: 50 }
    }
}

/// Numeric neighbours per parameter and their spread on the unit interval.
const NUMERIC_NEIGHBOURS: usize = 4;
const NUMERIC_SPREAD: f64 = 0.2;
/// Categoricals with more choices get this many random neighbours instead of all of them.
const MAX_CATEGORICAL_NEIGHBOURS: usize = 8;

fn key(x: &[f64]) -> Vec<u64> {
    // NaN (inactive) has one bit pattern here: configurations come from `f64::NAN` only.
    x.iter().map(|v| v.to_bits()).collect()
}

/// A uniformly random configuration, with the parameters its activity pattern leaves out inactive.
pub fn random_config(enc: &Encoder, patterns: &ActivityPatterns, rng: &mut Rng) -> Vec<f64> {
    let u: Vec<f64> = (0..enc.space().dim()).map(|_| rng.uniform()).collect();
    let mut x = enc.space().from_unit(&u);
    patterns.apply(enc, &mut x, rng);
    x
}

fn neighbours(enc: &Encoder, patterns: &ActivityPatterns, x: &[f64], rng: &mut Rng) -> Vec<Vec<f64>> {
    let space = enc.space();
    let mut out = Vec::new();
    for (j, c) in space.columns().iter().enumerate() {
        if x[j].is_nan() {
            continue;
        }
        match c {
            Column::Categorical(k) => {
                let mut others: Vec<usize> = (0..*k).filter(|&i| i as f64 != x[j]).collect();
                if others.len() > MAX_CATEGORICAL_NEIGHBOURS {
                    rng.shuffle(&mut others);
                    others.truncate(NUMERIC_NEIGHBOURS);
                }
                for i in others {
                    let mut y = x.to_vec();
                    y[j] = i as f64;
                    // Another choice may switch conditional parameters on or off.
                    patterns.apply(enc, &mut y, rng);
                    out.push(y);
                }
            }
            _ => {
                let mut filled: Vec<f64> = x.iter().map(|v| if v.is_nan() { 0.0 } else { *v }).collect();
                for _ in 0..NUMERIC_NEIGHBOURS {
                    let mut v = f64::NAN;
                    for _ in 0..10 {
                        v = x[j] + NUMERIC_SPREAD * rng.normal();
                        if (0.0..=1.0).contains(&v) {
                            break;
                        }
                    }
                    filled[j] = v.clamp(0.0, 1.0);
                    space.snap(&mut filled);
                    if filled[j] != x[j] {
                        let mut y = x.to_vec();
                        y[j] = filled[j];
                        out.push(y);
                    }
                }
            }
        }
    }
    out
}

/// Best first; stable, so that ties keep their order (observed first) on every platform. One
/// function, so that the wasm holds one copy of the sort.
fn by_score(scored: &mut [(f64, Vec<f64>)]) {
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
}

/// The unobserved configuration with the highest `score` found (`None` only when every
/// configuration tried had been observed).
pub fn maximize(
    score: &mut dyn FnMut(&[f64]) -> f64,
    enc: &Encoder,
    observed: &[Vec<f64>],
    budget: &SearchBudget,
    rng: &mut Rng,
) -> Option<Vec<f64>> {
    // A list scanned rather than a hash set or a sorted list: the first few candidates are
    // usually new, and each generic collection or sort costs the page's wasm kilobytes.
    let seen: Vec<Vec<u64>> = observed.iter().map(|x| key(x)).collect();
    let patterns = ActivityPatterns::new(enc, observed);
    let mut scored: Vec<(f64, Vec<f64>)> = observed.iter().map(|x| (score(x), x.clone())).collect();
    for _ in 0..budget.n_random {
        let x = random_config(enc, &patterns, rng);
        scored.push((score(&x), x));
    }
    by_score(&mut scored);
    let starts: Vec<(f64, Vec<f64>)> = scored.iter().take(budget.n_starts).cloned().collect();
    for (mut best, mut x) in starts {
        for _ in 0..budget.max_steps {
            let step = neighbours(enc, &patterns, &x, rng).into_iter().map(|y| (score(&y), y)).fold(
                None,
                |acc: Option<(f64, Vec<f64>)>, c| match acc {
                    Some(a) if a.0 >= c.0 => Some(a),
                    _ => Some(c),
                },
            );
            match step {
                Some((s, y)) if s > best => {
                    best = s;
                    x = y;
                }
                _ => break,
            }
        }
        scored.push((best, x));
    }
    by_score(&mut scored);
    scored.into_iter().map(|(_, x)| x).find(|x| !seen.contains(&key(x)))
}
