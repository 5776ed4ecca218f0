//! What pruning saves: a synthetic learning-curve objective (a parametric family of training
//! curves with noise, where some settings simply diverge or stall) run with TPE and each pruner at
//! the same number of trials, 10 seeds. Records total training steps spent and the best final
//! loss; writes `benches/PRUNING.md`. Run: `cargo bench --bench pruning`.

#![cfg(not(target_arch = "wasm32"))]

use serde_json::{Value, json};
use wasmtune::rng::Rng;
use wasmtune::{ComponentSpec, ObjectiveError, ParamValue, StudyConfig, Trial};

const STEPS: u64 = 50;
const TRIALS: u64 = 60;
const SEEDS: u64 = 10;

/// One training run: reports the validation loss each step; returns the last one.
fn learning_curve(t: &mut Trial<'_>, steps: &mut u64) -> Result<f64, ObjectiveError> {
    let lr = t.suggest_float_with("lr", 1e-4, 1.0, None, true)?;
    let width = t.suggest_int_with("width", 8, 256, 1, true)? as f64;
    let dropout = t.suggest_float("dropout", 0.0, 0.5)?;
    let opt = t.suggest_categorical("optimizer", vec!["sgd".into(), "adam".into(), "rmsprop".into()])?;
    // Too large a learning rate diverges; too small barely moves; wide nets and mild dropout reach
    // lower floors; plain SGD is slower.
    let speed = match opt {
        ParamValue::Str(ref s) if s == "sgd" => 0.4,
        ParamValue::Str(ref s) if s == "adam" => 1.0,
        _ => 0.8,
    };
    let log_lr = lr.log10();
    let rate = speed * 0.25 * (-(log_lr + 2.5).powi(2) / 2.0).exp();
    let floor = 0.05 + 0.3 / width.sqrt() + (dropout - 0.15).powi(2);
    let diverges = log_lr > -0.7;
    let mut noise = Rng::seed_from_u64(t.number() * 7919 + 1);
    let mut loss = 2.5;
    for step in 0..STEPS {
        let base =
            if diverges { 2.5 + 0.05 * step as f64 } else { floor + (2.5 - floor) * (-rate * step as f64).exp() };
        loss = base + 0.02 * noise.normal();
        t.report(loss, step)?;
        *steps += 1;
        if t.should_prune()? {
            return Err(ObjectiveError::Pruned);
        }
    }
    Ok(loss)
}

fn run(pruner: &str, kwargs: Value, seed: u64) -> (u64, f64) {
    let config = StudyConfig {
        sampler: ComponentSpec { name: "TPESampler".into(), kwargs: json!({"seed": seed}) },
        pruner: ComponentSpec { name: pruner.into(), kwargs },
        ..StudyConfig::default()
    };
    let mut study = config.build_study(None).unwrap();
    let mut steps = 0;
    study.optimize(|t| learning_curve(t, &mut steps), Some(TRIALS), None).unwrap();
    (steps, study.best_value().unwrap())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) }
}

fn main() {
    // `cargo test --all-targets` runs bench targets too, without `--bench`: skip the long run there.
    if !std::env::args().any(|a| a == "--bench") {
        println!("pruning benchmark: run it with `cargo bench --bench pruning`");
        return;
    }
    let pruners = [
        ("NopPruner", json!(null), "none"),
        ("MedianPruner", json!({"n_startup_trials": 5, "n_warmup_steps": 5}), "Median (5 startup, 5 warm-up)"),
        ("SuccessiveHalvingPruner", json!({}), "ASHA (auto, η = 4)"),
        (
            "HyperbandPruner",
            json!({"min_resource": 1, "max_resource": STEPS, "reduction_factor": 3}),
            "Hyperband (1..50, η = 3)",
        ),
    ];
    let mut rows = Vec::new();
    let (mut base_steps, mut base_loss) = (0.0, 0.0);
    for (name, kwargs, label) in pruners {
        let results: Vec<(u64, f64)> = (0..SEEDS).map(|s| run(name, kwargs.clone(), s)).collect();
        let steps = median(results.iter().map(|r| r.0 as f64).collect());
        let loss = median(results.iter().map(|r| r.1).collect());
        if name == "NopPruner" {
            (base_steps, base_loss) = (steps, loss);
        }
        rows.push(format!(
            "| {label} | {steps:.0} | {:.0}% | {loss:.4} | {:+.4} |",
            100.0 * (1.0 - steps / base_steps),
            loss - base_loss
        ));
    }
    let out = format!(
        "# Pruning benchmark\n\n- command: `cargo bench --bench pruning`\n- objective: synthetic learning curves ({STEPS} steps), TPESampler, {TRIALS} trials, seeds 0..{}; medians over seeds\n\n| pruner | training steps | steps saved | best final loss | loss vs none |\n|---|---|---|---|---|\n{}\n",
        SEEDS - 1,
        rows.join("\n")
    );
    print!("{out}");
    std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/PRUNING.md"), out).unwrap();
}
