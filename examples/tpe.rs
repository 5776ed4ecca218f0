//! TPE (Optuna's default sampler) on a mixed search space: a log-scale float, an int and a
//! categorical, as a small model's hyperparameters would be.
//!
//! ```text
//! cargo run --release --example tpe
//! ```

use wasmtune::samplers::{TpeSampler, TpeSamplerOptions};
use wasmtune::{ParamValue, Study, StudyDirection};

fn main() -> wasmtune::Result<()> {
    let sampler = TpeSampler::new(TpeSamplerOptions { seed: Some(42), ..Default::default() })?;
    let mut study = Study::builder().direction(StudyDirection::Minimize).sampler(Box::new(sampler)).build()?;

    // A stand-in for a validation loss: best near lr = 1e-2, 3 layers, the "adam" optimizer.
    study.optimize(
        |trial| {
            let lr = trial.suggest_float_with("lr", 1e-5, 1e-1, None, true)?;
            let layers = trial.suggest_int("layers", 1, 6)?;
            let optimizer =
                trial.suggest_categorical("optimizer", vec!["sgd".into(), "adam".into(), "rmsprop".into()])?;
            let penalty = match optimizer {
                ParamValue::Str(ref s) if s == "adam" => 0.0,
                ParamValue::Str(ref s) if s == "rmsprop" => 0.1,
                _ => 0.3,
            };
            Ok((lr.log10() + 2.0).powi(2) + 0.05 * (layers as f64 - 3.0).powi(2) + penalty)
        },
        Some(100),
        None,
    )?;

    let best = study.best_trial()?;
    println!("best loss {:.4} at trial {}", study.best_value()?, best.number);
    for (name, value) in study.best_params()? {
        println!("  {name} = {value}");
    }
    // The example is also a check (CI runs it): 100 TPE trials find the basin.
    assert!(study.best_value()? < 0.1, "TPE should get within 0.1 of the optimum in 100 trials");
    Ok(())
}
