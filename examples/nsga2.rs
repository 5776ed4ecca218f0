//! NSGA-II on a two-objective problem (Binh and Korn): no single best trial, a Pareto front of
//! trade-offs instead (Optuna's `study.best_trials`).
//!
//! ```text
//! cargo run --release --example nsga2
//! ```

use wasmtune::samplers::{NsgaIISampler, NsgaIISamplerOptions};
use wasmtune::{Study, StudyDirection};

fn main() -> wasmtune::Result<()> {
    let sampler = NsgaIISampler::nsga2(NsgaIISamplerOptions { seed: Some(7), ..Default::default() })?;
    let mut study = Study::builder()
        .directions(vec![StudyDirection::Minimize, StudyDirection::Minimize])
        .sampler(Box::new(sampler))
        .build()?;
    study.optimize(
        |trial| {
            let x = trial.suggest_float("x", 0.0, 5.0)?;
            let y = trial.suggest_float("y", 0.0, 3.0)?;
            Ok(vec![4.0 * x * x + 4.0 * y * y, (x - 5.0).powi(2) + (y - 5.0).powi(2)])
        },
        Some(500),
        None,
    )?;
    let mut front: Vec<Vec<f64>> = study.best_trials().iter().map(|t| t.values.clone().unwrap_or_default()).collect();
    front.sort_by(|a, b| a[0].total_cmp(&b[0]));
    println!("{} trials on the Pareto front; from one end to the other:", front.len());
    for v in front.iter().step_by((front.len() / 5).max(1)) {
        println!("  f1 = {:7.2}  f2 = {:6.2}", v[0], v[1]);
    }
    assert!(front.len() >= 20, "500 NSGA-II trials should spread along the front");
    Ok(())
}
