//! The random forest regressor fANOVA and mean decrease impurity are computed on: Breiman's
//! forest of CART regression trees, with the settings Optuna gives scikit-learn's
//! `RandomForestRegressor` (bootstrap samples of the trials, every feature considered at every
//! split, squared-error criterion, `min_samples_split` 2, `min_samples_leaf` 1, `max_depth`).
//!
//! Written here rather than taken from a crate because fANOVA needs the fitted trees themselves
//! (each split's feature and threshold, each leaf's value): `linfa-trees`, which exposes its nodes,
//! fits classification trees only, and bringing a general machine-learning crate for a regression
//! forest of about 250 lines was not worth its dependencies. Written here, the forest is also seeded
//! by [`crate::rng`], so a seed gives the same trees natively and in wasm.
//!
//! [`Settings`] adds what SMAC's forest needs (`samplers::smac`): a share of the features per
//! split, minimum node and leaf sizes, bootstrapping off, and split points drawn between the two
//! neighbouring values (Hutter et al. 2014); [`fit_forest`] keeps the settings above.
//!
//! Like scikit-learn: a split lies halfway between two neighbouring distinct values; a node is a
//! leaf at `max_depth`, with one distinct sample, or with (near) zero impurity; features are tried
//! in a fresh random order at each node and the first best split wins, so ties between equally
//! good features are broken at random. The random streams differ from scikit-learn's, so the
//! trees are the same in distribution, not one by one.

use crate::rng::Rng;

/// Values closer than this count as equal (scikit-learn's `FEATURE_THRESHOLD`).
const FEATURE_THRESHOLD: f64 = 1e-7;

/// One node of a fitted tree.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// The column split on, or `None` at a leaf.
    pub feature: Option<usize>,
    /// Samples with `x[feature] <= threshold` go left.
    pub threshold: f64,
    /// Child node indices (unused at a leaf).
    pub left: usize,
    pub right: usize,
    /// The (bootstrap-weighted) mean target of the node's samples: the prediction at a leaf.
    pub value: f64,
    /// The bootstrap-weighted number of samples in the node.
    pub weight: f64,
    /// The weighted variance of the node's targets (squared error per sample).
    pub impurity: f64,
}

/// A fitted regression tree; node 0 is the root.
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    pub nodes: Vec<Node>,
    /// How many times the tree's sample holds each training row (all 1 without bootstrapping).
    pub counts: Vec<f64>,
}

/// How trees grow. [`Settings::breiman`] is the forest importance fits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub n_trees: usize,
    pub max_depth: usize,
    /// Features tried at each split (the first ones of a fresh random order).
    pub max_features: usize,
    /// A node with a smaller (bootstrap-weighted) sample stays a leaf.
    pub min_samples_split: f64,
    /// A split must leave at least this much (bootstrap-weighted) sample on each side.
    pub min_samples_leaf: f64,
    /// Each tree on a bootstrap sample (true) or on all rows once.
    pub bootstrap: bool,
    /// Split points uniform between the two neighbouring values rather than halfway.
    pub random_threshold: bool,
}

impl Settings {
    /// Breiman's forest with scikit-learn's defaults over `n_features` features.
    pub fn breiman(n_trees: usize, max_depth: usize, n_features: usize) -> Self {
        Settings {
            n_trees,
            max_depth,
            max_features: n_features,
            min_samples_split: 2.0,
            min_samples_leaf: 1.0,
            bootstrap: true,
            random_threshold: false,
        }
    }
}

/// The training data: `n` rows of `columns.len()` features, stored by column.
pub(crate) struct Data<'a> {
    pub columns: &'a [Vec<f64>],
    pub y: &'a [f64],
}

/// Fits `n_trees` trees, each on its own bootstrap sample, with streams drawn from `rng`; lazily,
/// one tree per step, so that a caller that reduces each tree to a few numbers (fANOVA, mean
/// decrease impurity) never holds the whole forest: at 10,000 trials the 64 trees and their cells
/// took ~90 MB of a page's wasm memory, which a wasm module never gives back.
pub(crate) fn fit_forest<'a>(
    data: &'a Data<'a>,
    n_trees: usize,
    max_depth: usize,
    rng: &mut Rng,
) -> impl Iterator<Item = Tree> + 'a {
    fit_forest_with(data, Settings::breiman(n_trees, max_depth, data.columns.len()), rng)
}

/// [`fit_forest`] with explicit [`Settings`].
pub(crate) fn fit_forest_with<'a>(
    data: &'a Data<'a>,
    settings: Settings,
    rng: &mut Rng,
) -> impl Iterator<Item = Tree> + 'a {
    // Sorted once; each tree keeps the rows its bootstrap drew, in this order.
    let n = data.y.len() as u32;
    let presorted: Vec<Vec<u32>> = data
        .columns
        .iter()
        .map(|col| {
            let mut r: Vec<u32> = (0..n).collect();
            r.sort_by(|&a, &b| col[a as usize].total_cmp(&col[b as usize]).then(a.cmp(&b)));
            r
        })
        .collect();
    // The trees' streams are drawn now, in order, so the forest is the same however it is consumed.
    let seeds: Vec<u64> = (0..settings.n_trees).map(|_| rng.next_u64()).collect();
    seeds.into_iter().map(move |seed| fit_tree(data, &presorted, &settings, &mut Rng::seed_from_u64(seed)))
}

/// Scratch state for growing one tree: for every feature, the node's distinct samples sorted by
/// that feature, each node owning the same index range in every feature's array. Splitting a node
/// partitions each range stably, so nothing is sorted again below the root.
struct Grower<'a> {
    data: &'a Data<'a>,
    /// Bootstrap multiplicity of each row.
    counts: Vec<f64>,
    /// `sorted[f][start..end]`: the node's rows by increasing `x[f]`.
    sorted: Vec<Vec<u32>>,
    goes_left: Vec<bool>,
    buffer: Vec<u32>,
    settings: Settings,
}

struct Best {
    feature: usize,
    /// The neighbouring values the split falls between.
    between: (f64, f64),
    n_left: usize,
    proxy: f64,
}

fn fit_tree(data: &Data, presorted: &[Vec<u32>], settings: &Settings, rng: &mut Rng) -> Tree {
    let n = data.y.len();
    let counts = if settings.bootstrap {
        let mut counts = vec![0.0; n];
        for _ in 0..n {
            counts[rng.index(n)] += 1.0;
        }
        counts
    } else {
        vec![1.0; n]
    };
    let sorted: Vec<Vec<u32>> =
        presorted.iter().map(|r| r.iter().copied().filter(|&i| counts[i as usize] > 0.0).collect()).collect();
    let n_rows = sorted.first().map_or(0, Vec::len);
    let mut g = Grower { data, counts, sorted, goes_left: vec![false; n], buffer: Vec::new(), settings: *settings };
    let mut nodes = Vec::new();
    // (node index, range start, range end, depth); children are filled in when popped.
    let mut stack = vec![(0usize, 0usize, n_rows, 0usize)];
    nodes.push(g.leaf(0, n_rows));
    let mut order: Vec<usize> = (0..data.columns.len()).collect();
    while let Some((id, start, end, depth)) = stack.pop() {
        let node = nodes[id].clone();
        let splittable = depth < g.settings.max_depth
            && end - start >= 2
            && node.weight >= g.settings.min_samples_split
            && node.impurity > f64::EPSILON;
        let best = if splittable { g.best_split(start, end, &mut order, rng) } else { None };
        let Some(best) = best else { continue };
        let (a, b) = best.between;
        let mut threshold = if g.settings.random_threshold { a + rng.uniform() * (b - a) } else { 0.5 * (a + b) };
        if threshold >= b {
            threshold = a;
        }
        g.partition(start, end, best.feature, threshold);
        let mid = start + best.n_left;
        let (left, right) = (nodes.len(), nodes.len() + 1);
        nodes.push(g.leaf(start, mid));
        nodes.push(g.leaf(mid, end));
        let n = &mut nodes[id];
        n.feature = Some(best.feature);
        n.threshold = threshold;
        n.left = left;
        n.right = right;
        stack.push((right, mid, end, depth + 1));
        stack.push((left, start, mid, depth + 1));
    }
    Tree { nodes, counts: g.counts }
}

impl Grower<'_> {
    /// A leaf for the rows in `start..end` (any feature's array holds the same rows).
    fn leaf(&self, start: usize, end: usize) -> Node {
        let rows = &self.sorted[0][start..end];
        let (mut w, mut s) = (0.0, 0.0);
        for &i in rows {
            w += self.counts[i as usize];
            s += self.counts[i as usize] * self.data.y[i as usize];
        }
        let mean = s / w;
        // Two passes, so that equal targets give exactly zero impurity whatever their magnitude.
        let ss: f64 = rows.iter().map(|&i| self.counts[i as usize] * (self.data.y[i as usize] - mean).powi(2)).sum();
        Node { feature: None, threshold: 0.0, left: 0, right: 0, value: mean, weight: w, impurity: ss / w }
    }

    /// The split maximizing the decrease in squared error, features tried in random order.
    fn best_split(&self, start: usize, end: usize, order: &mut [usize], rng: &mut Rng) -> Option<Best> {
        rng.shuffle(order);
        let (mut total_w, mut total_s) = (0.0, 0.0);
        for &i in &self.sorted[0][start..end] {
            total_w += self.counts[i as usize];
            total_s += self.counts[i as usize] * self.data.y[i as usize];
        }
        let mut best: Option<Best> = None;
        let leaf = self.settings.min_samples_leaf;
        for &f in order.iter().take(self.settings.max_features.max(1)) {
            let rows = &self.sorted[f][start..end];
            let col = &self.data.columns[f];
            if col[rows[rows.len() - 1] as usize] <= col[rows[0] as usize] + FEATURE_THRESHOLD {
                continue;
            }
            let (mut w, mut s) = (0.0, 0.0);
            for p in 1..rows.len() {
                let prev = rows[p - 1] as usize;
                w += self.counts[prev];
                s += self.counts[prev] * self.data.y[prev];
                let (a, b) = (col[prev], col[rows[p] as usize]);
                if b <= a + FEATURE_THRESHOLD || w < leaf || total_w - w < leaf {
                    continue;
                }
                // Maximizing s_l²/w_l + s_r²/w_r is maximizing the decrease in squared error.
                let proxy = s * s / w + (total_s - s) * (total_s - s) / (total_w - w);
                if best.as_ref().is_none_or(|b| proxy > b.proxy) {
                    best = Some(Best { feature: f, between: (a, b), n_left: p, proxy });
                }
            }
        }
        best
    }

    /// Partitions every feature's range stably into the rows going left, then right.
    fn partition(&mut self, start: usize, end: usize, feature: usize, threshold: f64) {
        let col = &self.data.columns[feature];
        for &i in &self.sorted[feature][start..end] {
            self.goes_left[i as usize] = col[i as usize] <= threshold;
        }
        for f in 0..self.sorted.len() {
            if f == feature {
                continue;
            }
            let range = &mut self.sorted[f][start..end];
            self.buffer.clear();
            let mut k = 0;
            for j in 0..range.len() {
                let i = range[j];
                if self.goes_left[i as usize] {
                    range[k] = i;
                    k += 1;
                } else {
                    self.buffer.push(i);
                }
            }
            range[k..].copy_from_slice(&self.buffer);
        }
    }
}

impl Tree {
    /// Mean decrease in impurity per feature, scikit-learn's `feature_importances_` of one tree:
    /// each split's weighted impurity decrease, summed per feature and normalized to sum 1 (all
    /// zero for a tree that is a single leaf).
    pub fn impurity_decrease(&self, n_features: usize) -> Vec<f64> {
        let mut out = vec![0.0; n_features];
        for n in &self.nodes {
            if let Some(f) = n.feature {
                let (l, r) = (&self.nodes[n.left], &self.nodes[n.right]);
                out[f] += n.weight * n.impurity - l.weight * l.impurity - r.weight * r.impurity;
            }
        }
        let total: f64 = out.iter().sum();
        if total > 0.0 {
            out.iter_mut().for_each(|v| *v /= total);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(n: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<f64>) {
        let mut rng = Rng::seed_from_u64(seed);
        let cols: Vec<Vec<f64>> = (0..3).map(|_| (0..n).map(|_| rng.uniform()).collect()).collect();
        let y = (0..n).map(|i| if cols[0][i] > 0.5 { 1.0 } else { 0.0 } + 0.1 * cols[1][i]).collect();
        (cols, y)
    }

    fn predict(t: &Tree, x: &[f64]) -> f64 {
        let mut id = 0;
        while let Some(f) = t.nodes[id].feature {
            id = if x[f] <= t.nodes[id].threshold { t.nodes[id].left } else { t.nodes[id].right };
        }
        t.nodes[id].value
    }

    #[test]
    fn a_deep_tree_fits_its_distinct_samples_exactly_and_splits_first_on_the_step() {
        let (cols, y) = data(200, 1);
        let d = Data { columns: &cols, y: &y };
        let trees: Vec<Tree> = fit_forest(&d, 4, 64, &mut Rng::seed_from_u64(2)).collect();
        for t in &trees {
            assert_eq!(t.nodes[0].feature, Some(0));
            assert!((t.nodes[0].threshold - 0.5).abs() < 0.02, "{}", t.nodes[0].threshold);
            // Every training row that the bootstrap drew is predicted exactly (leaves are pure).
            let hits =
                (0..200).filter(|&i| (predict(t, &[cols[0][i], cols[1][i], cols[2][i]]) - y[i]).abs() < 1e-12).count();
            assert!(hits > 110, "{hits}");
        }
    }

    #[test]
    fn depth_limit_and_seed_are_respected() {
        let (cols, y) = data(100, 3);
        let d = Data { columns: &cols, y: &y };
        let stump: Vec<Tree> = fit_forest(&d, 1, 1, &mut Rng::seed_from_u64(5)).collect();
        assert_eq!(stump[0].nodes.len(), 3);
        let a: Vec<Tree> = fit_forest(&d, 3, 64, &mut Rng::seed_from_u64(7)).collect();
        let b: Vec<Tree> = fit_forest(&d, 3, 64, &mut Rng::seed_from_u64(7)).collect();
        let thresholds = |f: &[Tree]| f.iter().flat_map(|t| t.nodes.iter().map(|n| n.threshold)).collect::<Vec<_>>();
        assert_eq!(thresholds(&a), thresholds(&b));
        let imp = a[0].impurity_decrease(3);
        assert!((imp.iter().sum::<f64>() - 1.0).abs() < 1e-12 && imp[0] > 0.9, "{imp:?}");
    }

    #[test]
    fn constant_targets_give_a_single_leaf() {
        let (cols, _) = data(50, 4);
        let y = vec![2.5; 50];
        let d = Data { columns: &cols, y: &y };
        let t: Vec<Tree> = fit_forest(&d, 1, 64, &mut Rng::seed_from_u64(1)).collect();
        assert_eq!(t[0].nodes.len(), 1);
        assert_eq!(t[0].nodes[0].value, 2.5);
    }
}
