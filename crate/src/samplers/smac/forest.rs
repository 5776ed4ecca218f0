//! SMAC's random-forest surrogate: regression trees on bootstrap samples, each leaf keeping the
//! mean and variance of its training targets; the forest predicts by treating its trees as an
//! equal mixture (Hutter, Xu, Hoos & Leyton-Brown 2014, "Algorithm runtime prediction: Methods &
//! evaluation", §4.3.2):
//!
//! μ = (1/B) Σ_b μ_b,  σ² = (1/B) Σ_b (σ²_b + μ_b²) − μ²   (the law of total variance).
//!
//! The trees are the importance module's CART trees with SMAC's settings: a share of the features
//! at each split, minimum node and leaf sizes, and by default SMAC3's random splitter (one uniform
//! threshold per feature tried, [`Splitter::Random`]), whose thresholds fall anywhere between
//! observations and so smooth the mixture. [`Splitter::BestUniform`] is the forest of Hutter et
//! al. 2014 (every split point scanned, the threshold uniform between the two neighbouring
//! values), SMACSampler's until issue #22: at 500 trials in 10-D a trial costs about 5% more CPU
//! with it, and the random splitter modelled the harness problems as well or better
//! (benches/SMAC.md).

pub use crate::importance::forest::Splitter;
use crate::importance::forest::{Data, Settings, Tree, fit_forest_with};
use crate::rng::Rng;

/// The smallest predicted variance, so that EI never divides by zero where every tree agrees.
pub const VAR_FLOOR: f64 = 1e-10;

/// How the forest grows (SMAC3's names without the `surrogate_model_rf_` prefix).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForestOptions {
    /// Trees in the forest.
    pub num_trees: usize,
    /// Share of the features tried at each split, in (0, 1].
    pub ratio_features: f64,
    /// A node with fewer samples stays a leaf.
    pub min_samples_split: usize,
    /// A split must leave at least this many samples on each side.
    pub min_samples_leaf: usize,
    /// Deepest level of a tree.
    pub max_depth: usize,
    /// Each tree on a bootstrap sample (true) or on every observation once.
    pub bootstrapping: bool,
    /// How a node's split is chosen.
    pub splitter: Splitter,
}

impl Default for ForestOptions {
    /// The values OptunaHub's `SMACSampler` passes to SMAC3 (10 trees, all features, 2 and 1),
    /// and SMAC3's depth limit (2²⁰, in effect none), bootstrapping and random splitter.
    fn default() -> Self {
        ForestOptions {
            num_trees: 10,
            ratio_features: 1.0,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_depth: 1 << 20,
            bootstrapping: true,
            splitter: Splitter::Random,
        }
    }
}

/// A fitted forest.
#[derive(Debug, Clone)]
pub struct Forest {
    trees: Vec<Tree>,
    /// Each tree's nodes as [`Step`]s, in the same order.
    steps: Vec<Vec<Step>>,
}

/// A node as prediction reads it: 16 bytes rather than the fitted node's 64, so that a forest of
/// ten trees grown on 600 trials (about 200 KB) stays in a core's L2 cache; walking the trees was
/// a fifth of a trial's time at 500 trials.
///
/// One step from node `id` goes to `left + 1` unless `x[feature] <= threshold` (so NaN goes right,
/// as in the fitted tree). A leaf is a step to itself: its threshold is NaN, so the comparison is
/// false whatever `x` holds, and its `left` is `id - 1` (wrapping at the root). Walking is then
/// the same branch-free step at every node, and several trees can be walked side by side.
#[derive(Debug, Clone, Copy)]
struct Step {
    threshold: f64,
    feature: u32,
    left: u32,
}

impl Step {
    #[inline]
    fn next(self, x: &[f64]) -> u32 {
        self.left.wrapping_add(1).wrapping_sub(u32::from(x[self.feature as usize] <= self.threshold))
    }
}

/// Trees walked side by side in [`Forest::predict`]: each walk is a chain of dependent loads, and
/// interleaving several lets their latencies overlap. Sixteen takes SMAC's ten trees in one group,
/// 3% faster at 500 trials than groups of eight and two.
const LANES: usize = 16;

impl Forest {
    /// Fits the forest on `columns` (one vector per feature, each as long as `y`).
    pub fn fit(columns: &[Vec<f64>], y: &[f64], options: &ForestOptions, rng: &mut Rng) -> Self {
        assert!(
            !y.is_empty() && !columns.is_empty() && columns.iter().all(|c| c.len() == y.len()),
            "at least one feature, and one value per row in every column"
        );
        let n_features = columns.len();
        let settings = Settings {
            n_trees: options.num_trees.max(1),
            max_depth: options.max_depth,
            max_features: ((options.ratio_features * n_features as f64).ceil() as usize).clamp(1, n_features.max(1)),
            min_samples_split: options.min_samples_split as f64,
            min_samples_leaf: options.min_samples_leaf as f64,
            bootstrap: options.bootstrapping,
            splitter: options.splitter,
        };
        let data = Data { columns, y };
        let trees: Vec<Tree> = fit_forest_with(&data, settings, rng).collect();
        let steps = trees
            .iter()
            .map(|t| {
                t.nodes
                    .iter()
                    .enumerate()
                    .map(|(id, n)| match n.feature {
                        Some(f) => {
                            debug_assert_eq!(n.right, n.left + 1);
                            Step { threshold: n.threshold, feature: f as u32, left: n.left as u32 }
                        }
                        None => Step { threshold: f64::NAN, feature: 0, left: (id as u32).wrapping_sub(1) },
                    })
                    .collect()
            })
            .collect();
        Forest { trees, steps }
    }

    /// Number of trees.
    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }

    /// The index of the leaf of tree `tree` that `x` falls in.
    pub fn leaf(&self, tree: usize, x: &[f64]) -> usize {
        let steps = &self.steps[tree];
        let mut id = 0;
        loop {
            let next = steps[id as usize].next(x);
            if next == id {
                return id as usize;
            }
            id = next;
        }
    }

    /// How many times tree `tree`'s sample holds each training row.
    pub fn sample_counts(&self, tree: usize) -> &[f64] {
        &self.trees[tree].counts
    }

    /// The mean and variance of the training targets in the leaf of tree `tree` that `x` falls in
    /// (weighted by the tree's sample counts).
    pub fn leaf_stats(&self, tree: usize, x: &[f64]) -> (f64, f64) {
        let node = &self.trees[tree].nodes[self.leaf(tree, x)];
        (node.value, node.impurity)
    }

    /// The mixture's mean and variance at `x` (variance floored at [`VAR_FLOOR`]).
    pub fn predict(&self, x: &[f64]) -> (f64, f64) {
        let (mut m, mut second) = (0.0, 0.0);
        for first in (0..self.trees.len()).step_by(LANES) {
            let lanes = LANES.min(self.trees.len() - first);
            let steps = &self.steps[first..first + lanes];
            let mut ids = [0u32; LANES];
            // Until every tree of the group stands on its leaf, which steps to itself.
            loop {
                let mut moved = false;
                for (id, steps) in ids.iter_mut().zip(steps) {
                    let next = steps[*id as usize].next(x);
                    moved |= next != *id;
                    *id = next;
                }
                if !moved {
                    break;
                }
            }
            for (k, &id) in ids[..lanes].iter().enumerate() {
                let node = &self.trees[first + k].nodes[id as usize];
                m += node.value;
                second += node.impurity + node.value * node.value;
            }
        }
        let b = self.trees.len() as f64;
        let mean = m / b;
        (mean, (second / b - mean * mean).max(VAR_FLOOR))
    }
}
