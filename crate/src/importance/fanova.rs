//! fANOVA (Hutter, Hoos & Leyton-Brown 2014, "An Efficient Approach for Assessing
//! Hyperparameter Importance") and mean decrease impurity, both on a random forest fitted to the
//! completed trials (`importance::forest`), as Optuna's `FanovaImportanceEvaluator` and
//! `MeanDecreaseImpurityImportanceEvaluator`.
//!
//! The forest sees each trial as Optuna encodes it for these evaluators: floats and ints by their
//! value (no log scale, no step widening), categoricals one-hot, over the box of the
//! distributions' bounds. A tree cuts that box into cells, one per leaf. fANOVA's importance of a
//! parameter is, per tree, the variance of the tree's prediction averaged over all other
//! parameters (the marginal), as a fraction of the prediction's total variance over the box, both
//! with uniform weight over the box; then the mean over trees with non-zero variance. For a
//! categorical the marginal is taken over all its one-hot columns jointly, as Optuna.
//!
//! Computing a marginal: the tree's thresholds on the parameter's columns cut its range into
//! intervals on which the marginal is constant; each leaf adds its value, weighted by its volume
//! in the other columns, to every interval its own range covers. A difference array along the
//! first column makes that one pass over the leaves per parameter.
//!
//! Options are Optuna's: `n_trees` (64), `max_depth` (64), `seed` (none: fresh each call). The
//! forest's random streams are not scikit-learn's, so a seed gives different trees than in Optuna;
//! the importances agree in distribution (checked against Optuna's mean over seeds).

use indexmap::IndexMap;
use serde::Deserialize;

use super::forest::{Data, Tree, fit_forest};
use super::{ImportanceEvaluator, ImportanceInput, forest_search_space, require_single_target};
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::samplers::{InternalParams, SearchSpace};
use crate::transform::{SearchSpaceTransform, TransformOptions};
use crate::trial::FrozenTrial;

/// Options of the forest evaluators (Optuna's keyword names and defaults).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FanovaOptions {
    /// Trees in the forest.
    pub n_trees: usize,
    /// The deepest a tree may grow.
    pub max_depth: usize,
    /// Seeds the forest; `None` draws a fresh seed each time.
    pub seed: Option<u64>,
}

impl Default for FanovaOptions {
    fn default() -> Self {
        FanovaOptions { n_trees: 64, max_depth: 64, seed: None }
    }
}

impl FanovaOptions {
    fn validate(self, class: &str) -> Result<Self> {
        if self.n_trees == 0 || self.max_depth == 0 {
            return Err(Error::InvalidArgument(format!("{class}: n_trees and max_depth must be at least 1")));
        }
        Ok(self)
    }
}

/// Optuna's `FanovaImportanceEvaluator`.
#[derive(Debug, Clone)]
pub struct FanovaImportanceEvaluator {
    options: FanovaOptions,
}

impl FanovaImportanceEvaluator {
    /// An evaluator with these options.
    pub fn new(options: FanovaOptions) -> Result<Self> {
        Ok(FanovaImportanceEvaluator { options: options.validate("FanovaImportanceEvaluator")? })
    }
}

/// Optuna's `MeanDecreaseImpurityImportanceEvaluator`: scikit-learn's `feature_importances_` of
/// the forest (per tree, each split's weighted decrease in squared error, normalized; averaged over
/// the trees that split at all), summed over a categorical's one-hot columns.
#[derive(Debug, Clone)]
pub struct MeanDecreaseImpurityImportanceEvaluator {
    options: FanovaOptions,
}

impl MeanDecreaseImpurityImportanceEvaluator {
    /// An evaluator with these options.
    pub fn new(options: FanovaOptions) -> Result<Self> {
        Ok(MeanDecreaseImpurityImportanceEvaluator {
            options: options.validate("MeanDecreaseImpurityImportanceEvaluator")?,
        })
    }
}

/// The encoded trials a forest is fitted to.
struct Encoded {
    transform: SearchSpaceTransform,
    columns: Vec<Vec<f64>>,
    y: Vec<f64>,
}

/// The completed trials that have every parameter of `space` and a finite target, encoded; `None`
/// when at most one such trial exists (nothing to learn from).
fn encode(input: &ImportanceInput, assessed: &[String], space: &SearchSpace) -> Option<Encoded> {
    let trials: Vec<(&FrozenTrial, f64)> = input
        .completed()
        .filter(|t| assessed.iter().all(|p| t.params.contains_key(p)))
        .filter_map(|t| input.target_value(t).filter(|v| v.is_finite()).map(|v| (t, v)))
        .collect();
    if trials.len() <= 1 {
        return None;
    }
    let transform = SearchSpaceTransform::new(space, TransformOptions { log: false, step: false, zero_one: false });
    let mut columns = vec![Vec::with_capacity(trials.len()); transform.n_columns()];
    for (t, _) in &trials {
        let internal: InternalParams = space.keys().map(|k| (k.clone(), t.params[k].internal)).collect();
        for (col, x) in columns.iter_mut().zip(transform.transform(&internal)) {
            col.push(x);
        }
    }
    Some(Encoded { transform, columns, y: trials.iter().map(|(_, v)| *v).collect() })
}

impl ImportanceEvaluator for FanovaImportanceEvaluator {
    fn evaluate(&self, input: &ImportanceInput) -> Result<IndexMap<String, f64>> {
        require_single_target(input, "FanovaImportanceEvaluator")?;
        let space = forest_search_space(input)?;
        let assessed: Vec<String> = space.keys().cloned().collect();
        // A parameter with one possible value cannot matter (and has no box to split).
        let (varying, single): (SearchSpace, SearchSpace) = space.into_iter().partition(|(_, d)| !d.single());
        let zeros = |names: &mut dyn Iterator<Item = &String>| names.map(|k| (k.clone(), 0.0)).collect();
        if varying.is_empty() {
            return Ok(zeros(&mut single.keys()));
        }
        let Some(enc) = encode(input, &assessed, &varying) else {
            return Ok(zeros(&mut assessed.iter()));
        };
        let mut rng = Rng::from_seed_option(self.options.seed);
        let data = Data { columns: &enc.columns, y: &enc.y };
        let bounds = enc.transform.bounds();
        let names = enc.transform.names();
        // Tree by tree (see `fit_forest`): each parameter's sum of variance fractions over the
        // trees that vary, in tree order, and how many trees vary.
        let mut sums = vec![0.0; names.len()];
        let mut varying_trees = 0usize;
        for tree in fit_forest(&data, self.options.n_trees, self.options.max_depth, &mut rng) {
            let cells = TreeCells::new(&tree, &bounds);
            if cells.variance <= 0.0 {
                continue;
            }
            varying_trees += 1;
            for (i, sum) in sums.iter_mut().enumerate() {
                *sum += cells.marginal_variance(enc.transform.columns_of(i))?.max(0.0) / cells.variance;
            }
        }
        if varying_trees == 0 {
            return Err(Error::InvalidArgument(
                "FanovaImportanceEvaluator: the forest predicts a constant (zero total variance in all trees); \
                 are all target values equal?"
                    .into(),
            ));
        }
        let mut out: IndexMap<String, f64> =
            names.iter().zip(&sums).map(|(name, sum)| (name.clone(), sum / varying_trees as f64)).collect();
        out.extend(single.keys().map(|k| (k.clone(), 0.0)));
        Ok(out)
    }
}

impl ImportanceEvaluator for MeanDecreaseImpurityImportanceEvaluator {
    fn evaluate(&self, input: &ImportanceInput) -> Result<IndexMap<String, f64>> {
        require_single_target(input, "MeanDecreaseImpurityImportanceEvaluator")?;
        let space = forest_search_space(input)?;
        let assessed: Vec<String> = space.keys().cloned().collect();
        if assessed.is_empty() {
            return Ok(IndexMap::new());
        }
        let Some(enc) = encode(input, &assessed, &space) else {
            return Ok(assessed.iter().map(|k| (k.clone(), 0.0)).collect());
        };
        let mut rng = Rng::from_seed_option(self.options.seed);
        let data = Data { columns: &enc.columns, y: &enc.y };
        let n_cols = enc.columns.len();
        // Averaged over the trees that split at all, tree by tree (see `fit_forest`).
        let mut sums = vec![0.0; n_cols];
        let mut split_trees = 0usize;
        for tree in fit_forest(&data, self.options.n_trees, self.options.max_depth, &mut rng) {
            if tree.nodes.len() > 1 {
                split_trees += 1;
                sums.iter_mut().zip(tree.impurity_decrease(n_cols)).for_each(|(acc, v)| *acc += v);
            }
        }
        if split_trees == 0 {
            // No tree found a split worth making (e.g. every value equal): nothing explains anything.
            return Ok(enc.transform.names().iter().map(|name| (name.clone(), 0.0)).collect());
        }
        let per_column: Vec<f64> = sums.iter().map(|s| s / split_trees as f64).collect();
        let total: f64 = per_column.iter().sum();
        Ok(enc
            .transform
            .names()
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let v: f64 = per_column[enc.transform.columns_of(i)].iter().sum();
                (name.clone(), if total > 0.0 { v / total } else { 0.0 })
            })
            .collect())
    }
}

/// Cells a marginal may be tabulated on before we refuse (a categorical with many choices that
/// one tree splits on many of would need one cell per combination of its one-hot sides).
const MAX_CELLS: usize = 1 << 24;

/// One tree's leaves as cells of the box: per column, the tree's thresholds cut the column's
/// range into intervals, and each leaf covers a run of intervals in every column.
struct TreeCells {
    /// Per column: interval widths as fractions of the column's range.
    widths: Vec<Vec<f64>>,
    /// Per leaf: its prediction and, per column, the intervals `[lo, hi)` it covers.
    leaves: Vec<(f64, Vec<(u32, u32)>)>,
    /// Per leaf and column: the fraction of the column's range the leaf covers.
    spans: Vec<Vec<f64>>,
    /// The variance of the prediction over the box (uniform weight).
    variance: f64,
}

impl TreeCells {
    fn new(tree: &Tree, bounds: &[[f64; 2]]) -> Self {
        let n_cols = bounds.len();
        let mut thresholds = vec![Vec::new(); n_cols];
        for n in &tree.nodes {
            if let Some(f) = n.feature {
                thresholds[f].push(n.threshold);
            }
        }
        for t in &mut thresholds {
            t.sort_by(f64::total_cmp);
            t.dedup();
        }
        let widths: Vec<Vec<f64>> = thresholds
            .iter()
            .zip(bounds)
            .map(|(t, &[lo, hi])| {
                let edges: Vec<f64> = std::iter::once(lo).chain(t.iter().copied()).chain(std::iter::once(hi)).collect();
                edges.windows(2).map(|e| (e[1] - e[0]) / (hi - lo)).collect()
            })
            .collect();
        let mut leaves = Vec::new();
        let root: Vec<(u32, u32)> = widths.iter().map(|w| (0, w.len() as u32)).collect();
        let mut stack = vec![(0usize, root)];
        while let Some((id, ranges)) = stack.pop() {
            let node = &tree.nodes[id];
            let Some(f) = node.feature else {
                leaves.push((node.value, ranges));
                continue;
            };
            // The threshold is the k-th cut of its column: interval k+1 starts right of it.
            let k = thresholds[f].partition_point(|&t| t < node.threshold) as u32 + 1;
            let (mut left, mut right) = (ranges.clone(), ranges);
            left[f].1 = left[f].1.min(k);
            right[f].0 = right[f].0.max(k);
            stack.push((node.left, left));
            stack.push((node.right, right));
        }
        // Prefix sums of the widths, so that a leaf's span in a column costs one subtraction.
        let cumulative: Vec<Vec<f64>> = widths
            .iter()
            .map(|w| {
                let mut acc = vec![0.0; w.len() + 1];
                for (k, x) in w.iter().enumerate() {
                    acc[k + 1] = acc[k] + x;
                }
                acc
            })
            .collect();
        let spans: Vec<Vec<f64>> = leaves
            .iter()
            .map(|(_, r)| r.iter().zip(&cumulative).map(|(&(lo, hi), c)| c[hi as usize] - c[lo as usize]).collect())
            .collect();
        let weighted: Vec<(f64, f64)> = leaves.iter().zip(&spans).map(|((v, _), s)| (*v, s.iter().product())).collect();
        TreeCells { widths, leaves, spans, variance: weighted_variance(&weighted) }
    }

    /// The variance of the marginal prediction over columns `cols` (others averaged out).
    fn marginal_variance(&self, cols: std::ops::Range<usize>) -> Result<f64> {
        let dims: Vec<usize> = cols.clone().map(|c| self.widths[c].len()).collect();
        let n_cells = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d).filter(|&n| n <= MAX_CELLS));
        let Some(n_cells) = n_cells else {
            return Err(Error::InvalidArgument(
                "FanovaImportanceEvaluator: a categorical parameter has too many choices split in one tree to \
                 tabulate its marginal"
                    .into(),
            ));
        };
        let first = dims[0];
        let rows = n_cells / first;
        // Per row (one combination of the other columns' intervals): a difference array along the
        // first column, for the weighted sum of predictions and the total weight.
        let mut num = vec![0.0; rows * (first + 1)];
        let mut den = vec![0.0; rows * (first + 1)];
        let mut idx = vec![0usize; dims.len()];
        for ((value, ranges), spans) in self.leaves.iter().zip(&self.spans) {
            let outside: f64 = spans.iter().enumerate().filter(|(c, _)| !cols.contains(c)).map(|(_, s)| s).product();
            if outside == 0.0 {
                continue;
            }
            let own = &ranges[cols.clone()];
            // Walk every combination of the other columns' intervals this leaf covers.
            for (d, r) in idx.iter_mut().zip(own).skip(1) {
                *d = r.0 as usize;
            }
            loop {
                let mut row = 0;
                for d in (1..dims.len()).rev() {
                    row = row * dims[d] + idx[d];
                }
                let base = row * (first + 1);
                let (lo, hi) = (own[0].0 as usize, own[0].1 as usize);
                num[base + lo] += value * outside;
                num[base + hi] -= value * outside;
                den[base + lo] += outside;
                den[base + hi] -= outside;
                let mut d = 1;
                while d < dims.len() {
                    idx[d] += 1;
                    if idx[d] < own[d].1 as usize {
                        break;
                    }
                    idx[d] = own[d].0 as usize;
                    d += 1;
                }
                if d == dims.len() {
                    break;
                }
            }
        }
        let mut points = Vec::with_capacity(n_cells);
        for row in 0..rows {
            // The interval sizes of the other columns for this row.
            let mut rest = row;
            let mut size = 1.0;
            for (k, c) in cols.clone().enumerate().skip(1) {
                size *= self.widths[c][rest % dims[k]];
                rest /= dims[k];
            }
            let (mut n, mut w) = (0.0, 0.0);
            for i in 0..first {
                n += num[row * (first + 1) + i];
                w += den[row * (first + 1) + i];
                if w > 0.0 {
                    points.push((n / w, w * size * self.widths[cols.start][i]));
                }
            }
        }
        Ok(weighted_variance(&points))
    }
}

/// The variance of values under weights: `(value, weight)` pairs.
fn weighted_variance(points: &[(f64, f64)]) -> f64 {
    let total: f64 = points.iter().map(|p| p.1).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let mean = points.iter().map(|(v, w)| v * w).sum::<f64>() / total;
    points.iter().map(|(v, w)| w * (v - mean).powi(2)).sum::<f64>() / total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::importance::forest::Node;

    fn leaf(value: f64) -> Node {
        Node { feature: None, threshold: 0.0, left: 0, right: 0, value, weight: 1.0, impurity: 0.0 }
    }

    fn split(feature: usize, threshold: f64, left: usize, right: usize) -> Node {
        Node { feature: Some(feature), threshold, left, right, value: 0.0, weight: 1.0, impurity: 0.0 }
    }

    #[test]
    fn an_additive_tree_splits_its_variance_between_the_two_columns() {
        // f(x, y) = [x > 0.5] + 2 [y > 0.25] on the unit square, as a tree.
        let tree = Tree {
            nodes: vec![
                split(0, 0.5, 1, 2),
                split(1, 0.25, 3, 4),
                split(1, 0.25, 5, 6),
                leaf(0.0),
                leaf(2.0),
                leaf(1.0),
                leaf(3.0),
            ],
            counts: Vec::new(),
        };
        let cells = TreeCells::new(&tree, &[[0.0, 1.0], [0.0, 1.0]]);
        // Var([x > .5]) = 1/4, Var(2 [y > .25]) = 4 · 3/16 = 3/4; additive, so they sum.
        assert!((cells.variance - 1.0).abs() < 1e-12, "{}", cells.variance);
        assert!((cells.marginal_variance(0..1).unwrap() - 0.25).abs() < 1e-12);
        assert!((cells.marginal_variance(1..2).unwrap() - 0.75).abs() < 1e-12);
        // Jointly, both columns explain everything.
        assert!((cells.marginal_variance(0..2).unwrap() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn an_interaction_leaves_the_marginals_below_the_total() {
        // f = 1 only where x > 0.5 and y > 0.5: mean 1/4, variance 3/16; each marginal is 0 or 1/2
        // with equal weight: variance 1/16.
        let tree = Tree {
            nodes: vec![split(0, 0.5, 1, 2), leaf(0.0), split(1, 0.5, 3, 4), leaf(0.0), leaf(1.0)],
            counts: Vec::new(),
        };
        let cells = TreeCells::new(&tree, &[[0.0, 1.0], [0.0, 1.0]]);
        assert!((cells.variance - 3.0 / 16.0).abs() < 1e-12);
        for c in 0..2 {
            assert!((cells.marginal_variance(c..c + 1).unwrap() - 1.0 / 16.0).abs() < 1e-12);
        }
    }
}
