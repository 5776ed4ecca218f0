//! Sampler overhead, measured the same way natively (the `wasmtune overhead` command) and in wasm
//! (the headless-Chromium benchmark): a `dim`-dimensional sphere in [−5, 5]^dim with every parameter
//! suggested through ask-and-tell (one sphere per objective, shifted, when the config has several), timed per trial by a caller-supplied clock. The objective is
//! trivial, so the time is the engine's: ask, sampling, tell.

use indexmap::IndexMap;

use crate::config::StudyConfig;
use crate::distributions::{Distribution, FloatDistribution};
use crate::error::Result;
use crate::study::TrialOutcome;

/// Milliseconds spent on each of `n_trials` trials.
pub fn per_trial_ms(config: &StudyConfig, dim: usize, n_trials: usize, now_ms: &dyn Fn() -> f64) -> Result<Vec<f64>> {
    let mut study = config.build_study(None)?;
    let space: IndexMap<String, Distribution> = (0..dim)
        .map(|i| (format!("x{i}"), FloatDistribution::new(-5.0, 5.0, false, None).map(Into::into)))
        .map(|(k, d)| Ok((k, d?)))
        .collect::<Result<_>>()?;
    let mut times = Vec::with_capacity(n_trials);
    for _ in 0..n_trials {
        let t0 = now_ms();
        let t = study.ask_with(&space)?;
        let number = t.number;
        // One sphere per objective, centred at 0, 1, 2...: conflicting objectives for several.
        let values: Vec<f64> = (0..config.directions.len())
            .map(|k| t.params.values().map(|p| (p.internal - k as f64).powi(2)).sum())
            .collect();
        study.tell(number, TrialOutcome::Complete(values))?;
        times.push(now_ms() - t0);
    }
    Ok(times)
}

/// Mean of `times[from..to]` (clipped to what exists), or NaN when empty.
pub fn mean_ms(times: &[f64], from: usize, to: usize) -> f64 {
    let slice = &times[from.min(times.len())..to.min(times.len())];
    if slice.is_empty() { f64::NAN } else { slice.iter().sum::<f64>() / slice.len() as f64 }
}

/// Median of `times[from..to]` (clipped to what exists; the upper middle for an even count), or
/// NaN when empty. Unlike the mean, it ignores the few trials that a pause outside the engine (the
/// browser's other threads on a small machine, a memory grow) makes many times slower.
pub fn median_ms(times: &[f64], from: usize, to: usize) -> f64 {
    let mut slice = times[from.min(times.len())..to.min(times.len())].to_vec();
    if slice.is_empty() {
        return f64::NAN;
    }
    slice.sort_by(f64::total_cmp);
    slice[slice.len() / 2]
}

/// The JSON summary both overhead measurements print: per range of trials (half-open, clipped to
/// what ran), `from`, `to` (inclusive), `mean_ms` and `median_ms`.
pub fn ranges_json(times: &[f64], ranges: &[(usize, usize)]) -> Vec<serde_json::Value> {
    ranges
        .iter()
        .filter(|(from, _)| *from < times.len())
        .map(|&(from, to)| {
            serde_json::json!({
                "from": from,
                "to": to.min(times.len()) - 1,
                "mean_ms": mean_ms(times, from, to),
                "median_ms": median_ms(times, from, to),
            })
        })
        .collect()
}
