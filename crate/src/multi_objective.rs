//! Pareto dominance and the non-dominated front, shared by `Study::best_trials` and, later, the
//! multi-objective samplers and plots.

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
}
