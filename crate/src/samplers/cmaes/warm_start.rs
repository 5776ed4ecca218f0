//! Warm starting CMA-ES from a related study (Nomura, Watanabe, Akimoto, Ozaki & Onishi 2021,
//! "Warm Starting CMA-ES for Hyperparameter Optimization", the `cmaes` package's
//! `get_warm_start_mgd`).
//!
//! The best `gamma` fraction of the source solutions defines a Gaussian (their mean, and their
//! covariance plus `alpha² I` as a prior); it is split into a step size and a covariance of
//! determinant one for the new optimizer.

use nalgebra::{DMatrix, DVector};

use crate::error::{Error, Result};
use crate::portable::PortableMath;

/// The warm-start distribution: `(mean, sigma, cov)` with `cov` row-major and `det cov = 1`.
pub fn warm_start_distribution(
    mut solutions: Vec<(Vec<f64>, f64)>,
    gamma: f64,
    alpha: f64,
) -> Result<(Vec<f64>, f64, Vec<f64>)> {
    if solutions.is_empty() {
        return Err(Error::InvalidArgument("No compatible source_trials".into()));
    }
    solutions.sort_by(|a, b| a.1.total_cmp(&b.1));
    let top = (solutions.len() as f64 * gamma).floor() as usize;
    if top == 0 {
        return Err(Error::InvalidArgument(format!(
            "source_trials: the best {:.0}% of {} trials is no trial; give at least {} complete source trials",
            gamma * 100.0,
            solutions.len(),
            (1.0 / gamma).ceil()
        )));
    }
    let n = solutions[0].0.len();
    let xs: Vec<DVector<f64>> = solutions[..top].iter().map(|(x, _)| DVector::from_column_slice(x)).collect();
    let mean = xs.iter().fold(DVector::zeros(n), |acc, x| acc + x) / top as f64;
    let second = xs.iter().fold(DMatrix::zeros(n, n), |acc, x| acc + x * x.transpose()) / top as f64;
    let sigma_matrix = DMatrix::identity(n, n) * (alpha * alpha) + second - &mean * mean.transpose();
    let det = sigma_matrix.determinant();
    let sigma = det.powf_p(0.5 / n as f64);
    let cov = sigma_matrix / det.powf_p(1.0 / n as f64);
    let cov_rows = (0..n * n).map(|k| cov[(k / n, k % n)]).collect();
    Ok((mean.iter().copied().collect(), sigma, cov_rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centres_on_the_best_solutions() {
        // 20 solutions, the best two at (1, 1) and (3, 1): mean (2, 1); spread only along x.
        let mut sols: Vec<(Vec<f64>, f64)> = (0..18).map(|i| (vec![i as f64, -5.0], 10.0 + i as f64)).collect();
        sols.push((vec![1.0, 1.0], 0.0));
        sols.push((vec![3.0, 1.0], 1.0));
        let (mean, sigma, cov) = warm_start_distribution(sols, 0.1, 0.1).unwrap();
        assert_eq!(mean, vec![2.0, 1.0]);
        // Σ = diag(0.01 + 1, 0.01); det C = 1 and σ² C = Σ.
        let det = cov[0] * cov[3] - cov[1] * cov[2];
        assert!((det - 1.0).abs() < 1e-12);
        assert!((sigma * sigma * cov[0] - 1.01).abs() < 1e-12 && (sigma * sigma * cov[3] - 0.01).abs() < 1e-12);
    }

    #[test]
    fn too_few_solutions_is_an_error() {
        let err = warm_start_distribution(vec![(vec![0.0], 1.0)], 0.1, 0.1).unwrap_err();
        assert!(err.to_string().contains("source_trials"), "{err}");
    }
}
