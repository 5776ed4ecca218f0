//! `WilcoxonPruner` (Optuna's): for objectives that are averages over instances (folds, problems,
//! seeds), each step a different instance. A trial is compared with the best trial on the steps
//! both evaluated, by a one-sided Wilcoxon signed-rank test; it is pruned when it is significantly
//! worse (p < `p_threshold`), unless its own average is already better than the best's.
//!
//! The test matches SciPy's `wilcoxon(d, alternative, zero_method="zsplit")` as Optuna 5.0 calls
//! it: average ranks for ties, zero differences splitting their ranks between the signs; the exact
//! distribution of the statistic over all sign flips of the actual ranks up to 50 differences
//! without ties or zeros (13 with them, where SciPy's permutation test is still exhaustive), the
//! normal approximation with the tie-corrected variance beyond.

use serde::Deserialize;

use super::{Pruner, invalid};
use crate::error::Result;
use crate::samplers::{StudyView, SystemAttrs};
use crate::trial::{FrozenTrial, StudyDirection, TrialState};

/// Options, Optuna's names and defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WilcoxonPrunerOptions {
    /// Prune below this p-value (0.1).
    pub p_threshold: f64,
    /// Paired steps needed before any test (2; at least 2 in any case).
    pub n_startup_steps: usize,
}

impl Default for WilcoxonPrunerOptions {
    fn default() -> Self {
        WilcoxonPrunerOptions { p_threshold: 0.1, n_startup_steps: 2 }
    }
}

/// The signed-rank pruner.
#[derive(Debug, Clone)]
pub struct WilcoxonPruner {
    o: WilcoxonPrunerOptions,
}

impl WilcoxonPruner {
    /// Validates the options.
    pub fn new(o: WilcoxonPrunerOptions) -> Result<Self> {
        if !(0.0..=1.0).contains(&o.p_threshold) {
            return Err(invalid(format!("p_threshold must be between 0 and 1 but got {}", o.p_threshold)));
        }
        Ok(WilcoxonPruner { o })
    }
}

/// Which tail the test looks at: is the statistic (the positive differences' rank sum) large?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alternative {
    /// Differences tend to be positive.
    Greater,
    /// Differences tend to be negative.
    Less,
}

/// The one-sided p-value of the Wilcoxon signed-rank test on `d` (SciPy's `zsplit` zero method).
pub fn signed_rank_p(d: &[f64], alternative: Alternative) -> f64 {
    let n = d.len();
    if n == 0 {
        return f64::NAN;
    }
    // Average ranks of |d|, ties sharing their mean rank; kept doubled so they are integers.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| d[a].abs().total_cmp(&d[b].abs()));
    let mut rank2 = vec![0u64; n];
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && d[order[j + 1]].abs() == d[order[i]].abs() {
            j += 1;
        }
        // Ranks i+1..=j+1 share (i+1 + j+1)/2; doubled: i + j + 2.
        for &k in &order[i..=j] {
            rank2[k] = (i + j + 2) as u64;
        }
        let t = (j - i + 1) as f64;
        tie_term += t * t * t - t;
        i = j + 1;
    }
    // Doubled statistic: positive ranks, plus half of each zero's rank.
    let zero_half: u64 = (0..n).filter(|&k| d[k] == 0.0).map(|k| rank2[k]).sum::<u64>() / 2;
    let t2: u64 = (0..n).filter(|&k| d[k] > 0.0).map(|k| rank2[k]).sum::<u64>() + zero_half;
    let ties_or_zeros = tie_term > 0.0 || d.contains(&0.0);
    // SciPy's `method="auto"`: the exact null distribution without ties or zeros up to 50 values;
    // with them, an exact permutation test while the 2^n sign flips fit its 9,999 resamples;
    // otherwise the normal approximation.
    if (!ties_or_zeros && n <= 50) || (ties_or_zeros && (1u64 << n.min(63)) <= 9_999) {
        // Every sign flip of the non-zero ranks is equally likely under the null.
        let flips: Vec<u64> = (0..n).filter(|&k| d[k] != 0.0).map(|k| rank2[k]).collect();
        let total: u64 = flips.iter().sum();
        let mut counts = vec![0.0f64; total as usize + 1];
        counts[0] = 1.0;
        let mut reach = 0usize;
        for &r in &flips {
            for s in (0..=reach).rev() {
                if counts[s] > 0.0 {
                    counts[s + r as usize] += counts[s];
                }
            }
            reach += r as usize;
        }
        let all = 2f64.powi(flips.len() as i32);
        let observed = t2 - zero_half; // the flippable part
        let tail: f64 = match alternative {
            Alternative::Greater => counts[observed as usize..].iter().sum(),
            Alternative::Less => counts[..=observed as usize].iter().sum(),
        };
        return (tail / all).min(1.0);
    }
    let nf = n as f64;
    let mean = nf * (nf + 1.0) / 4.0;
    let var = nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tie_term / 48.0;
    let z = (t2 as f64 / 2.0 - mean) / var.sqrt();
    match alternative {
        Alternative::Greater => 0.5 * libm::erfc(z / std::f64::consts::SQRT_2),
        Alternative::Less => 0.5 * libm::erfc(-z / std::f64::consts::SQRT_2),
    }
}

impl Pruner for WilcoxonPruner {
    fn prune(&mut self, study: &StudyView, trial: &FrozenTrial, _attrs: &mut SystemAttrs) -> Result<bool> {
        if trial.intermediate_values.is_empty() || trial.intermediate_values.values().any(|v| !v.is_finite()) {
            return Ok(false);
        }
        let maximize = study.directions[0] == StudyDirection::Maximize;
        // The best complete trial, first on ties, as Study::best_trial.
        let mut best: Option<&FrozenTrial> = None;
        for t in study.trials.iter().copied().filter(|t| t.state == TrialState::Complete) {
            let better = |a: f64, b: f64| if maximize { a > b } else { a < b };
            if best.is_none_or(|b| better(t.value().unwrap_or(f64::NAN), b.value().unwrap_or(f64::NAN))) {
                best = Some(t);
            }
        }
        let Some(best) = best else { return Ok(false) };
        if best.intermediate_values.is_empty() || best.intermediate_values.values().any(|v| !v.is_finite()) {
            return Ok(false);
        }
        let diffs: Vec<f64> = trial
            .intermediate_values
            .iter()
            .filter_map(|(step, v)| best.intermediate_values.get(step).map(|b| v - b))
            .collect();
        if diffs.len() < self.o.n_startup_steps.max(2) {
            return Ok(false);
        }
        let mean = |xs: &mut dyn Iterator<Item = &f64>| {
            let (mut s, mut c) = (0.0, 0.0);
            for x in xs {
                s += x;
                c += 1.0;
            }
            s / c
        };
        let (best_avg, avg) =
            (mean(&mut best.intermediate_values.values()), mean(&mut trial.intermediate_values.values()));
        let (alternative, average_is_best) =
            if maximize { (Alternative::Less, best_avg <= avg) } else { (Alternative::Greater, best_avg >= avg) };
        let p = signed_rank_p(&diffs, alternative);
        Ok(p < self.o.p_threshold && !average_is_best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values_match_scipy() {
        // scipy.stats.wilcoxon(d, alternative=..., zero_method="zsplit").pvalue, SciPy 1.17.1.
        let cases: [(&[f64], Alternative, f64); 6] = [
            (&[1.0, 2.0, 3.0, -0.5], Alternative::Greater, 0.125),
            (&[1.0, 2.0, 3.0, -0.5], Alternative::Less, 0.9375),
            (&[1.0, 1.0, -1.0, 2.0, 0.0], Alternative::Greater, 0.25),
            (&[1.0, 1.0, -1.0, 2.0, 0.0], Alternative::Less, 0.9375),
            (&[0.0, 0.0, 1.0, 2.0], Alternative::Greater, 0.25),
            (&[0.0, 0.0, 1.0, 2.0], Alternative::Less, 1.0),
        ];
        for (d, alt, want) in cases {
            let got = signed_rank_p(d, alt);
            assert!((got - want).abs() < 1e-12, "{d:?} {alt:?}: {got} vs {want}");
        }
    }
}
