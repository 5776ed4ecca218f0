//! The Gaussian-process sampler (Optuna's `GPSampler`) on the Branin function: few, expensive
//! evaluations, where a model of the objective pays for itself.
//!
//! ```text
//! cargo run --release --example gp
//! ```

use std::f64::consts::PI;

use wasmtune::samplers::GpSampler;
use wasmtune::{Study, StudyDirection};

fn branin(x: f64, y: f64) -> f64 {
    let (b, c, t) = (5.1 / (4.0 * PI * PI), 5.0 / PI, 1.0 / (8.0 * PI));
    (y - b * x * x + c * x - 6.0).powi(2) + 10.0 * (1.0 - t) * x.cos() + 10.0
}

fn main() -> wasmtune::Result<()> {
    let mut study =
        Study::builder().direction(StudyDirection::Minimize).sampler(Box::new(GpSampler::seeded(3))).build()?;
    study.optimize(
        |trial| {
            let x = trial.suggest_float("x", -5.0, 10.0)?;
            let y = trial.suggest_float("y", 0.0, 15.0)?;
            Ok(branin(x, y))
        },
        Some(40),
        None,
    )?;
    println!("best Branin value {:.4} after 40 trials (global minimum 0.3979)", study.best_value()?);
    assert!(study.best_value()? < 0.5, "GP should get within 0.1 of Branin's minimum in 40 trials");
    Ok(())
}
