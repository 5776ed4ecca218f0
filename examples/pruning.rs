//! A pruner (Optuna's `MedianPruner`): each trial reports a learning curve step by step, and a
//! trial whose curve is worse than the median of earlier trials at the same step stops early.
//!
//! ```text
//! cargo run --release --example pruning
//! ```

use wasmtune::pruners::{MedianPrunerOptions, PercentilePruner};
use wasmtune::samplers::RandomSampler;
use wasmtune::{ObjectiveError, Study, StudyDirection, TrialState};

fn main() -> wasmtune::Result<()> {
    let pruner =
        PercentilePruner::median(MedianPrunerOptions { n_startup_trials: 5, n_warmup_steps: 2, ..Default::default() })?;
    let mut study = Study::builder()
        .direction(StudyDirection::Minimize)
        .sampler(Box::new(RandomSampler::seeded(11)))
        .pruner(Box::new(pruner))
        .build()?;
    let mut steps_run = 0u64;
    study.optimize(
        |trial| {
            // A learning rate decides how fast a simulated loss falls and where it levels off.
            let lr = trial.suggest_float_with("lr", 1e-4, 1.0, None, true)?;
            let floor = (lr.log10() + 1.5).powi(2) * 0.1;
            let mut loss = 1.0;
            for step in 0..20 {
                loss = floor + (loss - floor) * (1.0 - lr.min(0.5));
                steps_run += 1;
                trial.report(loss, step)?;
                if trial.should_prune()? {
                    return Err(ObjectiveError::Pruned);
                }
            }
            Ok(loss)
        },
        Some(60),
        None,
    )?;
    let pruned = study.trials().iter().filter(|t| t.state == TrialState::Pruned).count();
    println!(
        "{pruned} of 60 trials pruned; {steps_run} of {} steps run; best loss {:.4}",
        60 * 20,
        study.best_value()?
    );
    assert!(pruned > 10, "the median pruner should stop the clearly worse curves");
    Ok(())
}
