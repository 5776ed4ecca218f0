//! Pareto dominance, non-dominated sorting (with constraints), crowding distance and hypervolume:
//! the pieces `Study::best_trials`, MOTPE, NSGA-II/III and the page's Pareto plots share.

use crate::trial::StudyDirection;

/// Whether `a` Pareto-dominates `b`: no worse in every objective and better in at least one.
pub fn dominates(a: &[f64], b: &[f64], directions: &[StudyDirection]) -> bool {
    let mut strictly = false;
    for ((x, y), d) in a.iter().zip(b).zip(directions) {
        if d.better(*y, *x) {
            return false;
        }
        strictly |= d.better(*x, *y);
    }
    strictly
}

/// Indices of the points no other point dominates, in input order. Duplicated points all stay.
pub fn pareto_front(points: &[&[f64]], directions: &[StudyDirection]) -> Vec<usize> {
    (0..points.len()).filter(|&i| !points.iter().any(|q| dominates(q, points[i], directions))).collect()
}

/// Non-domination rank of each point (0 for the Pareto front, 1 for the front once that is
/// removed, ...). Plain peeling, O(fronts · n²): fine for the hundreds of trials samplers rank.
pub fn non_domination_ranks(points: &[&[f64]], directions: &[StudyDirection]) -> Vec<usize> {
    let n = points.len();
    let mut rank = vec![usize::MAX; n];
    let mut left: Vec<usize> = (0..n).collect();
    let mut r = 0;
    while !left.is_empty() {
        let front: Vec<usize> = left
            .iter()
            .copied()
            .filter(|&i| !left.iter().any(|&j| dominates(points[j], points[i], directions)))
            .collect();
        for &i in &front {
            rank[i] = r;
        }
        left.retain(|i| rank[*i] == usize::MAX);
        r += 1;
    }
    rank
}

/// Ranks with constraints (Deb's constrained domination, as Optuna's NSGA-II): feasible points
/// (`penalty ≤ 0`) by non-domination rank first; infeasible ones after all of them, ranked by
/// their total violation alone (equal violations share a rank).
pub fn constrained_ranks(points: &[&[f64]], penalty: &[f64], directions: &[StudyDirection]) -> Vec<usize> {
    let feasible: Vec<usize> = (0..points.len()).filter(|&i| penalty[i] <= 0.0).collect();
    let mut rank = vec![0; points.len()];
    let feasible_points: Vec<&[f64]> = feasible.iter().map(|&i| points[i]).collect();
    let feasible_ranks = non_domination_ranks(&feasible_points, directions);
    for (&i, &r) in feasible.iter().zip(&feasible_ranks) {
        rank[i] = r;
    }
    let first_infeasible = feasible_ranks.iter().max().map_or(0, |r| r + 1);
    let mut violations: Vec<f64> = (0..points.len()).filter(|&i| penalty[i] > 0.0).map(|i| penalty[i]).collect();
    violations.sort_by(f64::total_cmp);
    violations.dedup();
    for i in (0..points.len()).filter(|&i| penalty[i] > 0.0) {
        rank[i] = first_infeasible + violations.partition_point(|v| *v < penalty[i]);
    }
    rank
}

/// Crowding distance of each point in one front (Deb et al. 2002, as Optuna computes it): per
/// objective, the gap between a point's two neighbours in sorted order over the objective's
/// finite range, summed; the extremes get infinity. Objectives where all values are equal add
/// nothing, and an infinite gap between two equal infinities counts as zero.
#[allow(clippy::needless_range_loop)] // `m` is the objective index of every point, not a position.
pub fn crowding_distances(points: &[&[f64]]) -> Vec<f64> {
    let n = points.len();
    let mut dist = vec![0.0; n];
    let Some(first) = points.first() else { return dist };
    let mut order: Vec<usize> = (0..n).collect();
    for m in 0..first.len() {
        order.sort_by(|&a, &b| points[a][m].total_cmp(&points[b][m]));
        let (lo, hi) = (points[order[0]][m], points[order[n - 1]][m]);
        if lo == hi {
            continue;
        }
        let finite = order.iter().map(|&i| points[i][m]).filter(|v| v.is_finite());
        let (fmin, fmax) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        let width = if fmax - fmin > 0.0 { fmax - fmin } else { 1.0 };
        let value = |k: isize| {
            if k < 0 {
                f64::NEG_INFINITY
            } else if k as usize >= n {
                f64::INFINITY
            } else {
                points[order[k as usize]][m]
            }
        };
        for k in 0..n as isize {
            let (below, above) = (value(k - 1), value(k + 1));
            let gap = if below == above { 0.0 } else { above - below };
            dist[order[k as usize]] += gap / width;
        }
    }
    dist
}

/// The hypervolume dominated by `points` (all objectives minimized) up to `reference`.
/// Exact: a sweep in 2-D, recursive slicing along the last objective above that.
pub fn hypervolume(points: &[Vec<f64>], reference: &[f64]) -> f64 {
    let pts: Vec<&[f64]> =
        points.iter().map(Vec::as_slice).filter(|p| p.iter().zip(reference).all(|(x, r)| x < r)).collect();
    hv(&pts, reference)
}

fn hv(points: &[&[f64]], reference: &[f64]) -> f64 {
    let d = reference.len();
    if points.is_empty() {
        return 0.0;
    }
    if d == 1 {
        return reference[0] - points.iter().map(|p| p[0]).fold(f64::INFINITY, f64::min);
    }
    if d == 2 {
        let mut sorted: Vec<&[f64]> = points.to_vec();
        sorted.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
        let (mut area, mut best_y) = (0.0, reference[1]);
        for p in sorted {
            if p[1] < best_y {
                area += (reference[0] - p[0]) * (best_y - p[1]);
                best_y = p[1];
            }
        }
        return area;
    }
    // Slice along the last objective: between consecutive levels, the dominated set is the
    // (d−1)-dimensional hypervolume of the points at or below that level.
    let mut sorted: Vec<&[f64]> = points.to_vec();
    sorted.sort_by(|a, b| a[d - 1].total_cmp(&b[d - 1]));
    let mut total = 0.0;
    for i in 0..sorted.len() {
        let next = if i + 1 < sorted.len() { sorted[i + 1][d - 1] } else { reference[d - 1] };
        let depth = next - sorted[i][d - 1];
        if depth > 0.0 {
            let slice: Vec<&[f64]> = sorted[..=i].iter().map(|p| &p[..d - 1]).collect();
            total += depth * hv(&slice, &reference[..d - 1]);
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use StudyDirection::{Maximize, Minimize};

    #[test]
    fn dominance_respects_directions() {
        assert!(dominates(&[1.0, 1.0], &[2.0, 1.0], &[Minimize, Minimize]));
        assert!(!dominates(&[1.0, 1.0], &[1.0, 1.0], &[Minimize, Minimize]));
        assert!(dominates(&[1.0, 3.0], &[1.0, 2.0], &[Minimize, Maximize]));
        assert!(!dominates(&[0.0, 1.0], &[1.0, 0.0], &[Minimize, Minimize]));
    }

    #[test]
    fn front_of_a_small_set() {
        let pts: Vec<Vec<f64>> = vec![vec![1.0, 4.0], vec![2.0, 2.0], vec![3.0, 3.0], vec![4.0, 1.0], vec![2.0, 2.0]];
        let refs: Vec<&[f64]> = pts.iter().map(Vec::as_slice).collect();
        assert_eq!(pareto_front(&refs, &[Minimize, Minimize]), vec![0, 1, 3, 4]);
        assert_eq!(pareto_front(&refs, &[Maximize, Maximize]), vec![0, 2, 3]);
    }

    #[test]
    fn ranks_peel_fronts() {
        let pts: Vec<Vec<f64>> = vec![vec![1.0, 4.0], vec![2.0, 2.0], vec![3.0, 3.0], vec![4.0, 4.0], vec![4.0, 1.0]];
        let refs: Vec<&[f64]> = pts.iter().map(Vec::as_slice).collect();
        assert_eq!(non_domination_ranks(&refs, &[Minimize, Minimize]), vec![0, 0, 1, 2, 0]);
    }

    #[test]
    fn constrained_ranks_put_feasible_first_then_by_violation() {
        let pts: Vec<Vec<f64>> = vec![vec![5.0, 5.0], vec![0.0, 0.0], vec![1.0, 2.0], vec![2.0, 1.0], vec![9.0, 9.0]];
        let refs: Vec<&[f64]> = pts.iter().map(Vec::as_slice).collect();
        let penalty = [0.0, 3.0, 0.0, 0.0, 1.0];
        assert_eq!(constrained_ranks(&refs, &penalty, &[Minimize, Minimize]), vec![1, 3, 0, 0, 2]);
    }

    #[test]
    fn crowding_gives_extremes_infinity_and_middles_their_gaps() {
        let pts: Vec<Vec<f64>> = vec![vec![0.0, 4.0], vec![1.0, 2.0], vec![3.0, 1.0], vec![4.0, 0.0]];
        let refs: Vec<&[f64]> = pts.iter().map(Vec::as_slice).collect();
        let d = crowding_distances(&refs);
        assert!(d[0].is_infinite() && d[3].is_infinite());
        // Point 1: x gap (3 − 0)/4, y gap (4 − 1)/4; point 2: (4 − 1)/4 + (2 − 0)/4.
        assert!((d[1] - 1.5).abs() < 1e-12 && (d[2] - 1.25).abs() < 1e-12, "{d:?}");
        let flat: Vec<Vec<f64>> = vec![vec![1.0, 1.0]; 3];
        let refs: Vec<&[f64]> = flat.iter().map(Vec::as_slice).collect();
        assert_eq!(crowding_distances(&refs), vec![0.0; 3]);
    }

    #[test]
    fn hypervolume_of_known_sets() {
        let r = [4.0, 4.0];
        assert_eq!(hypervolume(&[vec![1.0, 3.0], vec![2.0, 2.0], vec![3.0, 1.0]], &r), 3.0 + 2.0 + 1.0);
        assert_eq!(hypervolume(&[vec![5.0, 1.0]], &r), 0.0, "points beyond the reference add nothing");
        // Three boxes of volume 2 whose pairwise and triple overlaps are the unit cube [1, 2]^3:
        // 3·2 − 3·1 + 1 = 4.
        let v = hypervolume(&[vec![0.0, 1.0, 1.0], vec![1.0, 0.0, 1.0], vec![1.0, 1.0, 0.0]], &[2.0, 2.0, 2.0]);
        assert!((v - 4.0).abs() < 1e-12, "{v}");
    }
}

// ---------------------------------------------------------------------------------------------
// Box decomposition of the non-dominated region (used by the GP sampler's log EHVI).
// ---------------------------------------------------------------------------------------------

/// Boxes `(lower, upper)` that together cover, without overlap, the part of the region below
/// `reference` that no point of `front` dominates (all objectives minimized). A candidate's
/// hypervolume improvement is the volume of its dominated orthant inside these boxes, which is
/// what log EHVI integrates. Lower ends may be −∞.
///
/// Cells come from the grid of the points' coordinates in the first m−1 objectives; within a cell,
/// what stays non-dominated along the last objective is the half-line below the smallest last
/// coordinate among the points that dominate the cell's lower corner, so each cell gives one box:
/// `(k+1)^(m−1)` boxes for `k` points, exact (not the minimal count of Lacour et al. 2017, which
/// Optuna uses, but the same region).
pub fn non_dominated_boxes(front: &[Vec<f64>], reference: &[f64]) -> Vec<(Vec<f64>, Vec<f64>)> {
    let m = reference.len();
    let pts: Vec<&Vec<f64>> = front.iter().filter(|p| p.iter().zip(reference).all(|(x, r)| x < r)).collect();
    // Cell edges per leading objective: −∞, the sorted distinct coordinates, the reference.
    let edges: Vec<Vec<f64>> = (0..m.saturating_sub(1))
        .map(|j| {
            let mut e: Vec<f64> = pts.iter().map(|p| p[j]).collect();
            e.sort_by(f64::total_cmp);
            e.dedup();
            let mut out = vec![f64::NEG_INFINITY];
            out.extend(e);
            out.push(reference[j]);
            out
        })
        .collect();
    let mut boxes = Vec::new();
    let mut idx = vec![0usize; m.saturating_sub(1)];
    loop {
        let lower: Vec<f64> = idx.iter().enumerate().map(|(j, &i)| edges[j][i]).collect();
        let upper: Vec<f64> = idx.iter().enumerate().map(|(j, &i)| edges[j][i + 1]).collect();
        let top = pts
            .iter()
            .filter(|p| p[..m - 1].iter().zip(&lower).all(|(x, l)| x <= l))
            .map(|p| p[m - 1])
            .fold(reference[m - 1], f64::min);
        if top > f64::NEG_INFINITY {
            let (mut lo, mut hi) = (lower, upper);
            lo.push(f64::NEG_INFINITY);
            hi.push(top);
            boxes.push((lo, hi));
        }
        // Next cell, odometer order.
        let mut j = 0;
        loop {
            if j == idx.len() {
                return boxes;
            }
            idx[j] += 1;
            if idx[j] + 1 < edges[j].len() {
                break;
            }
            idx[j] = 0;
            j += 1;
        }
    }
}

#[cfg(test)]
mod box_tests {
    use super::*;

    /// Volume of a box clipped below at `floor`.
    fn clipped_volume(lo: &[f64], hi: &[f64], floor: &[f64]) -> f64 {
        lo.iter().zip(hi).zip(floor).map(|((l, h), f)| (h - l.max(*f)).max(0.0)).product()
    }

    #[test]
    fn boxes_cover_exactly_what_the_front_leaves() {
        // Inside [0, 4]^m, the boxes' volume is the reference box minus the hypervolume.
        let fronts: Vec<(Vec<Vec<f64>>, Vec<f64>)> = vec![
            (vec![vec![1.0, 3.0], vec![2.0, 2.0], vec![3.0, 1.0]], vec![4.0, 4.0]),
            (vec![vec![0.5, 1.0, 3.0], vec![1.0, 0.5, 2.0], vec![2.0, 2.0, 0.5], vec![3.0, 3.0, 3.0]], vec![4.0; 3]),
            (vec![], vec![4.0, 4.0]),
        ];
        for (front, r) in fronts {
            let floor = vec![0.0; r.len()];
            let boxes = non_dominated_boxes(&front, &r);
            let covered: f64 = boxes.iter().map(|(l, h)| clipped_volume(l, h, &floor)).sum();
            let expected = 4f64.powi(r.len() as i32) - hypervolume(&front, &r);
            assert!((covered - expected).abs() < 1e-12, "{front:?}: {covered} vs {expected}");
            // No box holds a dominated point: each box's lower-left region is free of the front.
            for (l, h) in &boxes {
                let mid: Vec<f64> =
                    l.iter().zip(h).map(|(a, b)| if a.is_finite() { 0.5 * (a + b) } else { b - 1e-9 }).collect();
                assert!(!front.iter().any(|p| p.iter().zip(&mid).all(|(x, y)| x <= y)), "{mid:?}");
            }
        }
    }
}
