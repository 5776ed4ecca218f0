//! CMA-ES on the 5-dimensional Rosenbrock function, with an IPOP restart strategy (Optuna's
//! `CmaEsSampler(restart_strategy="ipop")`).
//!
//! ```text
//! cargo run --release --example cmaes
//! ```

use wasmtune::samplers::cmaes::RestartStrategy;
use wasmtune::samplers::{CmaEsSampler, CmaEsSamplerOptions};
use wasmtune::{Study, StudyDirection};

fn main() -> wasmtune::Result<()> {
    let sampler = CmaEsSampler::new(CmaEsSamplerOptions {
        seed: Some(1),
        restart_strategy: Some(RestartStrategy::Ipop),
        ..Default::default()
    })?;
    let mut study = Study::builder().direction(StudyDirection::Minimize).sampler(Box::new(sampler)).build()?;
    study.optimize(
        |trial| {
            let x: Vec<f64> =
                (0..5).map(|i| trial.suggest_float(&format!("x{i}"), -3.0, 3.0)).collect::<Result<_, _>>()?;
            Ok(x.windows(2).map(|w| 100.0 * (w[1] - w[0] * w[0]).powi(2) + (1.0 - w[0]).powi(2)).sum::<f64>())
        },
        Some(1000),
        None,
    )?;
    println!("best Rosenbrock value {:.5} (optimum 0 at x = 1)", study.best_value()?);
    for (name, value) in study.best_params()? {
        println!("  {name} = {value}");
    }
    assert!(study.best_value()? < 0.5, "CMA-ES should get near the optimum in 1,000 trials");
    Ok(())
}
