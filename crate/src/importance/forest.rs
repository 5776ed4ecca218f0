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
//! split, minimum node and leaf sizes, bootstrapping off, and the other [`Splitter`]s: split points
//! drawn between the two neighbouring values (Hutter et al. 2014), or one random threshold per
//! feature (scikit-learn's random splitter, which SMAC3 grows its trees with); [`fit_forest`]
//! keeps the settings above.
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
    /// How a node's split is chosen.
    pub splitter: Splitter,
}

/// How a node's split is chosen among the features tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Splitter {
    /// Every split point of every feature tried; the threshold halfway between the two
    /// neighbouring values (scikit-learn's `splitter="best"`).
    Best,
    /// Every split point tried, the threshold drawn uniformly between the two neighbouring values
    /// (Hutter et al. 2014's forest, pyrfr).
    BestUniform,
    /// One threshold per feature tried, uniform over the node's range of that feature; the best of
    /// those wins (scikit-learn's `splitter="random"`, the extremely randomized trees of Geurts,
    /// Ernst & Wehenkel 2006). A feature constant in the node is passed over without counting
    /// towards `max_features`. A split costs one pass over the side it is summed on instead of a
    /// scan of every split point, and the thresholds spread the trees' steps between observations.
    Random,
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
            splitter: Splitter::Best,
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
    /// The neighbouring values the split falls between (the threshold twice for
    /// [`Splitter::Random`]).
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
    // Without branches, as in `partition`: a bootstrap leaves out about a third of the rows at
    // random, and a filter's branch on it was mispredicted as often.
    let sorted: Vec<Vec<u32>> = presorted
        .iter()
        .map(|r| {
            let mut kept = vec![0; r.len()];
            let mut k = 0;
            for &i in r {
                kept[k] = i;
                k += usize::from(counts[i as usize] > 0.0);
            }
            kept.truncate(k);
            kept
        })
        .collect();
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
        let best = if !splittable {
            None
        } else if g.settings.splitter == Splitter::Random {
            g.random_split(start, end, &mut order, rng)
        } else {
            g.best_split(start, end, &mut order, rng)
        };
        let Some(best) = best else { continue };
        let (a, b) = best.between;
        let mut threshold = match g.settings.splitter {
            Splitter::Best => 0.5 * (a + b),
            Splitter::BestUniform => a + rng.uniform() * (b - a),
            Splitter::Random => a,
        };
        // Rounding may land a threshold on the upper value, which would send it left.
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
        let (w, s) = self.totals(start, end);
        let mean = s / w;
        // Two passes, so that equal targets give exactly zero impurity whatever their magnitude.
        let ss: f64 = rows.iter().map(|&i| self.counts[i as usize] * (self.data.y[i as usize] - mean).powi(2)).sum();
        Node { feature: None, threshold: 0.0, left: 0, right: 0, value: mean, weight: w, impurity: ss / w }
    }

    /// The node's weight and weighted sum of targets (its rows in any one feature's order).
    fn totals(&self, start: usize, end: usize) -> (f64, f64) {
        let (mut w, mut s) = (0.0, 0.0);
        for &i in &self.sorted[0][start..end] {
            w += self.counts[i as usize];
            s += self.counts[i as usize] * self.data.y[i as usize];
        }
        (w, s)
    }

    /// The split maximizing the decrease in squared error, features tried in random order.
    fn best_split(&self, start: usize, end: usize, order: &mut [usize], rng: &mut Rng) -> Option<Best> {
        rng.shuffle(order);
        let (total_w, total_s) = self.totals(start, end);
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

    /// [`Splitter::Random`]: one uniform threshold in each of up to `max_features` features that
    /// vary in the node, the one maximizing the decrease in squared error.
    fn random_split(&self, start: usize, end: usize, order: &mut [usize], rng: &mut Rng) -> Option<Best> {
        rng.shuffle(order);
        let (total_w, total_s) = self.totals(start, end);
        let mut best: Option<Best> = None;
        let leaf = self.settings.min_samples_leaf;
        let mut tried = 0;
        for &f in order.iter() {
            if tried == self.settings.max_features.max(1) {
                break;
            }
            let rows = &self.sorted[f][start..end];
            let col = &self.data.columns[f];
            let (lo, hi) = (col[rows[0] as usize], col[rows[rows.len() - 1] as usize]);
            if hi <= lo + FEATURE_THRESHOLD {
                continue;
            }
            tried += 1;
            let mut t = lo + rng.uniform() * (hi - lo);
            if t >= hi {
                t = lo;
            }
            // The rows are sorted by this feature, so the left side is a prefix, at least one row
            // long (lo <= t) and one short of the whole (t < hi). It is found by walking in from
            // both ends at once, summing each walk: twice the shorter side's rows, where a binary
            // search's unpredictable branches cost more in the many small nodes.
            let (mut i, mut j) = (0, rows.len());
            let (mut w_l, mut s_l, mut w_r, mut s_r) = (0.0, 0.0, 0.0, 0.0);
            let (p, w, s) = loop {
                let r = rows[i] as usize;
                if col[r] > t {
                    break (i, w_l, s_l);
                }
                w_l += self.counts[r];
                s_l += self.counts[r] * self.data.y[r];
                i += 1;
                let r = rows[j - 1] as usize;
                if col[r] <= t {
                    break (j, total_w - w_r, total_s - s_r);
                }
                w_r += self.counts[r];
                s_r += self.counts[r] * self.data.y[r];
                j -= 1;
            };
            if w < leaf || total_w - w < leaf {
                continue;
            }
            let proxy = s * s / w + (total_s - s) * (total_s - s) / (total_w - w);
            if best.as_ref().is_none_or(|b| proxy > b.proxy) {
                best = Some(Best { feature: f, between: (t, t), n_left: p, proxy });
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
            self.buffer.resize(range.len(), 0);
            // Without branches: each row is written to both sides and only its own side's cursor
            // moves. Which side a row goes to is as good as random in every feature but the one
            // split on, so a branch here was mispredicted about half the time, and this loop was
            // most of a fit.
            let mut k = 0;
            for j in 0..range.len() {
                let i = range[j];
                let left = usize::from(self.goes_left[i as usize]);
                range[k] = i;
                self.buffer[j - k] = i;
                k += left;
            }
            let n_right = range.len() - k;
            range[k..].copy_from_slice(&self.buffer[..n_right]);
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

    /// The training rows (with their sample counts) that reach each node of `t`.
    fn rows_per_node(t: &Tree, cols: &[Vec<f64>]) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); t.nodes.len()];
        for i in (0..cols[0].len()).filter(|&i| t.counts[i] > 0.0) {
            let mut id = 0;
            loop {
                out[id].push(i);
                let Some(f) = t.nodes[id].feature else { break };
                id = if cols[f][i] <= t.nodes[id].threshold { t.nodes[id].left } else { t.nodes[id].right };
            }
        }
        out
    }

    #[test]
    fn the_random_splitter_splits_inside_each_nodes_range_with_exact_node_statistics_and_is_seeded() {
        let (cols, y) = data(300, 6);
        let d = Data { columns: &cols, y: &y };
        let settings = Settings {
            max_features: 2,
            min_samples_split: 3.0,
            min_samples_leaf: 3.0,
            splitter: Splitter::Random,
            ..Settings::breiman(5, 64, 3)
        };
        let forest: Vec<Tree> = fit_forest_with(&d, settings, &mut Rng::seed_from_u64(8)).collect();
        let mut splits = 0;
        for t in &forest {
            let rows = rows_per_node(t, &cols);
            for (id, n) in t.nodes.iter().enumerate() {
                // Every node's mean and variance are those of its rows, weighted by the counts.
                let w: f64 = rows[id].iter().map(|&i| t.counts[i]).sum();
                let mean = rows[id].iter().map(|&i| t.counts[i] * y[i]).sum::<f64>() / w;
                let var = rows[id].iter().map(|&i| t.counts[i] * (y[i] - mean).powi(2)).sum::<f64>() / w;
                assert!((n.weight - w).abs() < 1e-9 && (n.value - mean).abs() < 1e-12, "node {id}");
                assert!((n.impurity - var).abs() < 1e-12, "node {id}: {} vs {var}", n.impurity);
                let Some(f) = n.feature else {
                    assert!(w >= 3.0, "a leaf of {w} samples");
                    continue;
                };
                splits += 1;
                let (lo, hi) = rows[id]
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &i| (lo.min(cols[f][i]), hi.max(cols[f][i])));
                assert!(lo <= n.threshold && n.threshold < hi, "node {id}: {} outside [{lo}, {hi})", n.threshold);
                assert!(t.nodes[n.left].weight >= 3.0 && t.nodes[n.right].weight >= 3.0);
            }
        }
        assert!(splits > 100, "{splits}");
        // Random thresholds still model the step at x0 = 0.5.
        let mean = |x: [f64; 3]| forest.iter().map(|t| predict(t, &x)).sum::<f64>() / forest.len() as f64;
        let step = mean([0.8, 0.5, 0.5]) - mean([0.2, 0.5, 0.5]);
        assert!((step - 1.0).abs() < 0.2, "{step}");
        let again: Vec<Tree> = fit_forest_with(&d, settings, &mut Rng::seed_from_u64(8)).collect();
        let other: Vec<Tree> = fit_forest_with(&d, settings, &mut Rng::seed_from_u64(9)).collect();
        let thresholds = |f: &[Tree]| f.iter().flat_map(|t| t.nodes.iter().map(|n| n.threshold)).collect::<Vec<_>>();
        assert_eq!(thresholds(&forest), thresholds(&again));
        assert_ne!(thresholds(&forest), thresholds(&other));
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
