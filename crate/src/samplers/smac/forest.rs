//! SMAC's random-forest surrogate: regression trees on bootstrap samples, each leaf keeping the
//! mean and variance of its training targets; the forest predicts by treating its trees as an
//! equal mixture (Hutter, Xu, Hoos & Leyton-Brown 2014, "Algorithm runtime prediction: Methods &
//! evaluation", §4.3.2):
//!
//! μ = (1/B) Σ_b μ_b,  σ² = (1/B) Σ_b (σ²_b + μ_b²) − μ²   (the law of total variance).
//!
//! The trees are the importance module's CART trees with SMAC's settings: a share of the features
//! at each split, minimum node and leaf sizes, and split points drawn uniformly between the two
//! neighbouring values, which smooths the mixture between observations (Hutter et al. 2014).

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
}

impl Default for ForestOptions {
    /// The values OptunaHub's `SMACSampler` passes to SMAC3 (10 trees, all features, 2 and 1),
    /// and SMAC3's depth limit (2²⁰, in effect none) and bootstrapping.
    fn default() -> Self {
        ForestOptions {
            num_trees: 10,
            ratio_features: 1.0,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_depth: 1 << 20,
            bootstrapping: true,
        }
    }
}

/// A fitted forest.
#[derive(Debug, Clone)]
pub struct Forest {
    trees: Vec<Tree>,
}

impl Forest {
    /// Fits the forest on `columns` (one vector per feature, each as long as `y`).
    pub fn fit(columns: &[Vec<f64>], y: &[f64], options: &ForestOptions, rng: &mut Rng) -> Self {
        assert!(!y.is_empty() && columns.iter().all(|c| c.len() == y.len()), "one value per row in every column");
        let n_features = columns.len();
        let settings = Settings {
            n_trees: options.num_trees.max(1),
            max_depth: options.max_depth,
            max_features: ((options.ratio_features * n_features as f64).ceil() as usize).clamp(1, n_features.max(1)),
            min_samples_split: options.min_samples_split as f64,
            min_samples_leaf: options.min_samples_leaf as f64,
            bootstrap: options.bootstrapping,
            splitter: crate::importance::forest::Splitter::BestUniform,
        };
        let data = Data { columns, y };
        Forest { trees: fit_forest_with(&data, settings, rng).collect() }
    }

    /// Number of trees.
    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }

    /// The index of the leaf of tree `tree` that `x` falls in.
    pub fn leaf(&self, tree: usize, x: &[f64]) -> usize {
        let nodes = &self.trees[tree].nodes;
        let mut id = 0;
        while let Some(f) = nodes[id].feature {
            id = if x[f] <= nodes[id].threshold { nodes[id].left } else { nodes[id].right };
        }
        id
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
        for t in 0..self.trees.len() {
            let (mu, var) = self.leaf_stats(t, x);
            m += mu;
            second += var + mu * mu;
        }
        let b = self.trees.len() as f64;
        let mean = m / b;
        (mean, (second / b - mean * mean).max(VAR_FLOOR))
    }
}
