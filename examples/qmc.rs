//! Quasi-Monte Carlo sampling (Optuna's `QMCSampler`): a scrambled Sobol sequence covers the box
//! more evenly than random points, a good baseline and a good start for other samplers.
//!
//! ```text
//! cargo run --release --example qmc
//! ```

use wasmtune::samplers::{QmcSampler, QmcSamplerOptions, QmcType};
use wasmtune::{Study, StudyDirection};

fn main() -> wasmtune::Result<()> {
    let sampler = QmcSampler::new(QmcSamplerOptions {
        qmc_type: QmcType::Sobol,
        scramble: true,
        seed: Some(5),
        ..Default::default()
    })?;
    let mut study = Study::builder().direction(StudyDirection::Minimize).sampler(Box::new(sampler)).build()?;
    study.optimize(
        |trial| {
            let x = trial.suggest_float("x", -1.0, 1.0)?;
            let y = trial.suggest_float("y", -1.0, 1.0)?;
            Ok(x * x + y * y)
        },
        Some(65),
        None,
    )?;
    // Even coverage: every quarter of the square holds a quarter of the 64 points. (The first trial
    // is drawn at random, as in Optuna: it is how the sampler learns the search space.)
    let mut quadrants = [0; 4];
    for t in &study.trials()[1..] {
        let (x, y) = (t.params["x"].internal, t.params["y"].internal);
        quadrants[usize::from(x >= 0.0) + 2 * usize::from(y >= 0.0)] += 1;
    }
    println!("points per quadrant: {quadrants:?}; best x² + y² = {:.4}", study.best_value()?);
    assert_eq!(quadrants, [16; 4], "a scrambled Sobol sequence of 64 points fills each quadrant equally");
    Ok(())
}
