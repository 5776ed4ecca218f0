//! `NSGAIIISampler`: NSGA-III (Deb & Jain 2014, "An Evolutionary Many-Objective Optimization
//! Algorithm Using Reference-Point-Based Nondominated Sorting Approach"), as Optuna 5.0.0.
//!
//! The generational loop is NSGA-II's; the last front that does not fit whole is cut by niching:
//! objectives are normalized (translated to the ideal point, scaled by the intercepts of the
//! hyperplane through the extreme points, found with the achievement scalarizing function of the
//! paper's preprint), every candidate is associated with its nearest reference direction, and
//! survivors are taken one by one from the directions with the fewest members so far (the
//! closest candidate for an empty niche, a random one otherwise). Reference points default to
//! Das & Dennis's structured points with `dividing_parameter` divisions.
//!
//! Where we differ: objectives of maximized directions are negated before normalizing (Optuna
//! normalizes the raw values, which treats a maximized objective as minimized there).

use std::collections::HashMap;

use serde::Deserialize;

use super::{EliteSelection, GaOptions, GeneticSampler, OperatorSpec};
use crate::error::{Error, Result};
use crate::portable::PortableMath;
use crate::rng::Rng;
use crate::trial::{FrozenTrial, StudyDirection};

/// Options, with Optuna's keyword names and defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NsgaIIISamplerOptions {
    /// Trials per generation (50).
    pub population_size: usize,
    /// Mutation operator (none: mutated genes are drawn at random).
    pub mutation: Option<OperatorSpec>,
    /// Probability that a gene mutates (1 / number of parameters when absent).
    pub mutation_prob: Option<f64>,
    /// Crossover operator (`UniformCrossover` with `swapping_prob`).
    pub crossover: Option<OperatorSpec>,
    /// Probability of crossover (0.9).
    pub crossover_prob: f64,
    /// Gene-swap probability of the default uniform crossover (0.5).
    pub swapping_prob: f64,
    /// Seed.
    pub seed: Option<u64>,
    /// Reference points, one per row, one column per objective (Das–Dennis when absent).
    pub reference_points: Option<Vec<Vec<f64>>>,
    /// Divisions per objective for the default reference points (3).
    pub dividing_parameter: usize,
}

impl Default for NsgaIIISamplerOptions {
    fn default() -> Self {
        NsgaIIISamplerOptions {
            population_size: 50,
            mutation: None,
            mutation_prob: None,
            crossover: None,
            crossover_prob: 0.9,
            swapping_prob: 0.5,
            seed: None,
            reference_points: None,
            dividing_parameter: 3,
        }
    }
}

/// Das & Dennis's structured reference points: every vector of `n_objectives` non-negative
/// multiples of `1/divisions` summing to one (`C(divisions + m − 1, m − 1)` of them).
pub fn das_dennis(n_objectives: usize, divisions: usize) -> Vec<Vec<f64>> {
    fn rec(left: usize, slots: usize, divisions: usize, prefix: &mut Vec<f64>, out: &mut Vec<Vec<f64>>) {
        if slots == 1 {
            prefix.push(left as f64 / divisions as f64);
            out.push(prefix.clone());
            prefix.pop();
            return;
        }
        for k in (0..=left).rev() {
            prefix.push(k as f64 / divisions as f64);
            rec(left - k, slots - 1, divisions, prefix, out);
            prefix.pop();
        }
    }
    let mut out = Vec::new();
    if n_objectives > 0 {
        rec(divisions, n_objectives, divisions.max(1), &mut Vec::new(), &mut out);
    }
    out
}

/// Niching on reference directions.
#[derive(Debug, Clone)]
pub struct ReferencePointSelection {
    reference_points: Option<Vec<Vec<f64>>>,
    dividing_parameter: usize,
}

impl ReferencePointSelection {
    fn points(&mut self, m: usize) -> Result<&[Vec<f64>]> {
        let points = self.reference_points.get_or_insert_with(|| das_dennis(m, self.dividing_parameter));
        if points.iter().any(|p| p.len() != m) {
            return Err(Error::InvalidArgument(
                "The dimension of reference points vectors must be the same as the number of objectives of the study."
                    .into(),
            ));
        }
        Ok(points)
    }
}

impl EliteSelection for ReferencePointSelection {
    fn fill(
        &mut self,
        directions: &[StudyDirection],
        already: &[&FrozenTrial],
        front: Vec<&FrozenTrial>,
        wanted: usize,
        rng: &mut Rng,
    ) -> Result<Vec<u64>> {
        let all: Vec<&FrozenTrial> = already.iter().copied().chain(front.iter().copied()).collect();
        let m = directions.len();
        let losses: Vec<Vec<f64>> = all
            .iter()
            .map(|t| {
                let v = t.values.as_deref().unwrap_or(&[]);
                v.iter().zip(directions).map(|(x, d)| if *d == StudyDirection::Maximize { -x } else { *x }).collect()
            })
            .collect();
        let normalized = normalize(clip_infinities(losses));
        let refs = self.points(m)?.to_vec();
        let (closest, distance) = associate(&normalized, &refs);
        let k = already.len();
        Ok(niche(wanted, k, &closest, &distance, rng).into_iter().map(|i| front[i].number).collect())
    }
}

/// Infinite objective values are clipped to three ranges beyond the finite ones.
fn clip_infinities(mut v: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    let m = v.first().map_or(0, Vec::len);
    for j in 0..m {
        let finite = v.iter().map(|r| r[j]).filter(|x| x.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
        if lo > hi {
            continue;
        }
        let margin = 3.0 * (hi - lo);
        v.iter_mut().for_each(|r| r[j] = r[j].clamp(lo - margin, hi + margin));
    }
    v
}

/// Translate to the ideal point and scale by the hyperplane intercepts (or, when the extreme
/// points are degenerate, by each objective's maximum).
fn normalize(mut v: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    let m = v.first().map_or(0, Vec::len);
    for j in 0..m {
        let lo = v.iter().map(|r| r[j]).fold(f64::INFINITY, f64::min);
        v.iter_mut().for_each(|r| r[j] -= lo);
    }
    // Extreme point of axis d: the minimizer of max_j(f_j · w_j) with w = 1 on axis d, 1e6 elsewhere.
    let asf = |r: &[f64], d: usize| {
        r.iter().enumerate().map(|(j, x)| x * if j == d { 1.0 } else { 1e6 }).fold(f64::NEG_INFINITY, f64::max)
    };
    let extremes: Vec<Vec<f64>> = (0..m)
        .map(|d| {
            let best = (0..v.len()).min_by(|&a, &b| asf(&v[a], d).total_cmp(&asf(&v[b], d))).expect("non-empty");
            v[best].clone()
        })
        .collect();
    let e = nalgebra::DMatrix::from_fn(m, m, |i, j| extremes[i][j]);
    let solved = (e.iter().all(|x| x.is_finite()) && e.rank(1e-10) == m)
        .then(|| e.lu().solve(&nalgebra::DVector::from_element(m, 1.0)))
        .flatten();
    let inv: Vec<f64> = match solved {
        Some(x) => x.iter().copied().collect(),
        None => (0..m)
            .map(|j| {
                let hi = v.iter().map(|r| r[j]).fold(f64::NEG_INFINITY, f64::max);
                1.0 / if hi == 0.0 { 1.0 } else { hi }
            })
            .collect(),
    };
    for r in &mut v {
        for (x, s) in r.iter_mut().zip(&inv) {
            *x *= if s.is_finite() { *s } else { 1.0 };
        }
    }
    v
}

/// Each point's nearest reference line (through the origin) and its perpendicular distance.
fn associate(points: &[Vec<f64>], refs: &[Vec<f64>]) -> (Vec<usize>, Vec<f64>) {
    let mut closest = Vec::with_capacity(points.len());
    let mut distance = Vec::with_capacity(points.len());
    for p in points {
        let mut best = (0, f64::INFINITY);
        for (k, r) in refs.iter().enumerate() {
            let rr: f64 = r.iter().map(|x| x * x).sum();
            let t = p.iter().zip(r).map(|(a, b)| a * b).sum::<f64>() / rr;
            let d = p.iter().zip(r).map(|(a, b)| (a - t * b).powi_p(2)).sum::<f64>().sqrt();
            if d < best.1 {
                best = (k, d);
            }
        }
        closest.push(best.0);
        distance.push(best.1);
    }
    (closest, distance)
}

/// Deb & Jain's niche preservation: indices (into the last front) of `wanted` survivors.
/// `closest`/`distance` cover the already selected points first (`n_elite` of them), then the front.
fn niche(wanted: usize, n_elite: usize, closest: &[usize], distance: &[f64], rng: &mut Rng) -> Vec<usize> {
    // Front members by reference direction, in order of first appearance.
    let mut members: HashMap<usize, Vec<(f64, usize)>> = HashMap::new();
    let mut order: Vec<usize> = Vec::new();
    for (i, &r) in closest[n_elite..].iter().enumerate() {
        members.entry(r).or_insert_with(|| {
            order.push(r);
            Vec::new()
        });
        members.get_mut(&r).expect("inserted").push((distance[n_elite + i], i));
    }
    let mut niche_count: HashMap<usize, usize> = HashMap::new();
    for &r in &closest[..n_elite] {
        *niche_count.entry(r).or_default() += 1;
    }
    // Directions waiting to give a member, by how many members their niche has.
    let mut by_count: HashMap<usize, Vec<usize>> = HashMap::new();
    for r in order {
        by_count.entry(niche_count.get(&r).copied().unwrap_or(0)).or_default().push(r);
    }
    let mut shuffled: HashMap<usize, bool> = HashMap::new();
    let mut chosen = Vec::with_capacity(wanted);
    let mut count = 0;
    let mut fresh_level = true;
    while chosen.len() < wanted {
        if fresh_level {
            if let Some(list) = by_count.get_mut(&count) {
                rng.shuffle(list);
            }
            fresh_level = false;
        }
        let Some(r) = by_count.get_mut(&count).and_then(Vec::pop) else {
            count += 1;
            fresh_level = true;
            continue;
        };
        let list = members.get_mut(&r).expect("direction has members");
        if count > 0 && !shuffled.get(&r).copied().unwrap_or(false) {
            rng.shuffle(list);
            shuffled.insert(r, true);
        } else if count == 0 {
            // The closest member fills an empty niche.
            list.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
        }
        let (_, i) = list.pop().expect("non-empty");
        chosen.push(i);
        if !list.is_empty() {
            by_count.entry(count + 1).or_default().push(r);
        }
    }
    chosen
}

/// NSGA-III as a sampler.
pub type NsgaIIISampler = GeneticSampler<ReferencePointSelection>;

impl GeneticSampler<ReferencePointSelection> {
    /// Validates the options as Optuna does.
    pub fn nsga3(o: NsgaIIISamplerOptions) -> Result<Self> {
        let options = GaOptions::new(
            "NSGAIIISampler",
            o.population_size,
            &o.mutation,
            o.mutation_prob,
            &o.crossover,
            o.crossover_prob,
            o.swapping_prob,
            o.seed,
        )?;
        if let Some(points) = &o.reference_points {
            let m = points.first().map_or(0, Vec::len);
            if points.is_empty()
                || m == 0
                || points.iter().any(|p| p.len() != m || p.iter().any(|x| !x.is_finite() || *x < 0.0))
            {
                return Err(Error::InvalidArgument(
                    "NSGAIIISampler: `reference_points` must be a non-empty list of rows of equal length with non-negative finite numbers"
                        .into(),
                ));
            }
        }
        if o.dividing_parameter == 0 {
            return Err(Error::InvalidArgument("NSGAIIISampler: `dividing_parameter` must be positive".into()));
        }
        let selection =
            ReferencePointSelection { reference_points: o.reference_points, dividing_parameter: o.dividing_parameter };
        Ok(GeneticSampler::with_selection(options, selection))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn das_dennis_counts_and_sums() {
        let p = das_dennis(3, 12);
        assert_eq!(p.len(), 91, "C(14, 2)");
        assert!(p.iter().all(|r| (r.iter().sum::<f64>() - 1.0).abs() < 1e-12));
        assert_eq!(das_dennis(2, 3).len(), 4);
    }

    #[test]
    fn normalization_maps_a_plane_front_to_the_unit_simplex() {
        // Points on x + y/2 = 1 (intercepts 1 and 2), shifted by (5, 5).
        let pts: Vec<Vec<f64>> =
            (0..=4).map(|i| i as f64 / 4.0).map(|x| vec![5.0 + x, 5.0 + 2.0 * (1.0 - x)]).collect();
        let n = normalize(pts);
        for r in &n {
            assert!((r[0] + r[1] - 1.0).abs() < 1e-9, "{r:?}");
        }
    }

    #[test]
    fn niching_prefers_empty_niches_then_the_closest() {
        // Two elites on direction 0; front members on directions 0, 1 (two) and 2.
        let closest = [0, 0, 0, 1, 1, 2];
        let distance = [0.0, 0.0, 0.01, 0.3, 0.1, 0.2];
        let mut rng = Rng::seed_from_u64(0);
        let mut got = niche(2, 2, &closest, &distance, &mut rng);
        got.sort();
        // Empty niches 1 and 2 each give their closest member: front indices 2 (d 0.1) and 3.
        assert_eq!(got, vec![2, 3]);
    }
}
