//! The issue's closing study, run natively (benches/TRAINER.md): 20 TPE trials (seed 1) over the
//! page's default MNIST search space, each trial trained on the 8,000/2,000 split by the same loop
//! the page runs (`Training`, candle CPU backend, trial seed = trial number), maximizing the final
//! validation accuracy. Prints one `TRAINER_STUDY` JSON line per trial and the best.
//! Not part of the test run (ignored): `cargo test --release --test trainer_study -- --ignored --nocapture`.

#![cfg(not(target_arch = "wasm32"))]

use std::sync::Arc;

use serde_json::json;
use wasmtune::clock::system_clock;
use wasmtune::trainer::{
    Activation, BackendChoice, MlpSpec, Mnist, OptimizerKind, OptimizerSpec, TrainConfig, Training, block_on,
};
use wasmtune::{ParamValue, StudyConfig};

#[test]
#[ignore]
fn tpe_20_trials_on_mnist() {
    let mnist = Mnist::load(concat!(env!("CARGO_MANIFEST_DIR"), "/www/data/mnist.bin")).unwrap();
    let (train, validation) = mnist.split(8000, 2000).unwrap();
    let (train, validation) = (Arc::new(train), Arc::new(validation));
    let config = StudyConfig::from_json_str(
        r#"{"directions": ["maximize"], "sampler": {"name": "TPESampler", "kwargs": {"seed": 1}}}"#,
    )
    .unwrap();
    let mut study = config.build_study(Some(system_clock())).unwrap();
    study
        .optimize(
            |trial| {
                let hidden = trial.suggest_int_with("hidden", 16, 512, 1, true)? as usize;
                let layers = trial.suggest_int("layers", 1, 3)? as usize;
                let lr = trial.suggest_float_with("lr", 1e-4, 1e-1, None, true)? as f32;
                let opt = trial.suggest_categorical("optimizer", vec!["adam".into(), "adamw".into(), "sgd".into()])?;
                let batch = trial
                    .suggest_categorical("batch_size", [32, 64, 128, 256].into_iter().map(ParamValue::Int).collect())?;
                let dropout = trial.suggest_float("dropout", 0.0, 0.5)? as f32;
                let epochs = trial.suggest_int("epochs", 1, 10)? as usize;
                // The page's mapping (www/src/objectives/mnist.ts): SGD momentum 0.9, AdamW decay 0.01.
                let (kind, weight_decay) = match &opt {
                    ParamValue::Str(s) if s == "sgd" => (OptimizerKind::Sgd { momentum: 0.9 }, 0.0),
                    ParamValue::Str(s) if s == "adamw" => (OptimizerKind::AdamW, 0.01),
                    _ => (OptimizerKind::Adam, 0.0),
                };
                let cfg = TrainConfig {
                    mlp: MlpSpec { input: 784, hidden: vec![hidden; layers], output: 10, activation: Activation::Relu },
                    optimizer: OptimizerSpec { kind, lr, weight_decay },
                    batch_size: batch.as_i64().unwrap() as usize,
                    epochs,
                    dropout,
                    seed: trial.number(),
                };
                let mut t = block_on(Training::new(
                    cfg,
                    BackendChoice::Cpu,
                    train.clone(),
                    validation.clone(),
                    system_clock(),
                ))?;
                block_on(t.run(|_| true))?;
                let curve: Vec<f64> = t.history().iter().map(|e| e.validation_accuracy).collect();
                println!(
                    "TRAINER_STUDY {}",
                    json!({"trial": trial.number(), "hidden": hidden, "layers": layers, "lr": lr, "optimizer": opt,
                        "batch_size": batch, "dropout": dropout, "epochs": epochs, "accuracy": curve,
                        "train_seconds": (t.train_seconds() * 100.0).round() / 100.0})
                );
                Ok(t.validation_accuracy())
            },
            Some(20),
            None,
        )
        .unwrap();
    let best = study.best_trial().unwrap();
    println!(
        "TRAINER_STUDY best {}",
        json!({"trial": best.number, "value": best.value(), "params": best.param_values()})
    );
}
