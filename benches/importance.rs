//! How long parameter importances take, natively, on studies of the size the page shows live:
//! 10 parameters (6 floats, one on a log scale, 2 ints, 2 categoricals), 100 to 2,000 random
//! trials. Fastest and median of 7 runs per cell (on a shared machine the fastest is the least
//! disturbed); writes `benches/IMPORTANCE.md`.
//! Run: `cargo bench --bench importance`.

#![cfg(not(target_arch = "wasm32"))]

use std::time::Instant;

use serde_json::json;
use wasmtune::importance::ImportanceRequest;
use wasmtune::{ComponentSpec, ParamValue, StudyConfig};

const SIZES: [u64; 3] = [100, 1000, 2000];
const REPEATS: usize = 7;

fn study(n_trials: u64) -> wasmtune::Study {
    let config = StudyConfig {
        sampler: ComponentSpec { name: "RandomSampler".into(), kwargs: json!({"seed": 1}) },
        ..StudyConfig::default()
    };
    let mut s = config.build_study(None).unwrap();
    s.optimize(
        |t| {
            let mut v = 0.0;
            for i in 0..5 {
                let x = t.suggest_float(&format!("x{i}"), -5.0, 5.0)?;
                v += (i + 1) as f64 * x * x;
            }
            let lr = t.suggest_float_with("lr", 1e-5, 1e-1, None, true)?;
            let n = t.suggest_int("n", 1, 64)? as f64;
            let k = t.suggest_int_with("k", 0, 100, 5, false)? as f64;
            let opt = t.suggest_categorical("opt", vec!["adam".into(), "sgd".into(), "rmsprop".into()])?;
            let act = t.suggest_categorical("act", vec!["relu".into(), "tanh".into()])?;
            v += (lr.log10() + 3.0).powi(2) + 0.01 * n + 0.001 * k;
            v += if opt == ParamValue::Str("sgd".into()) { 2.0 } else { 0.0 };
            v += if act == ParamValue::Str("tanh".into()) { 0.5 } else { 0.0 };
            Ok(v)
        },
        Some(n_trials),
        None,
    )
    .unwrap();
    s
}

/// (fastest, median) in milliseconds.
fn timings_ms(s: &wasmtune::Study, request: &ImportanceRequest) -> (f64, f64) {
    let mut times: Vec<f64> = (0..REPEATS)
        .map(|_| {
            let start = Instant::now();
            let out = request.evaluate(s.trials(), s.directions()).unwrap();
            assert_eq!(out.len(), 10);
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[0], times[REPEATS / 2])
}

fn main() {
    // `cargo test --all-targets` runs bench targets too, without `--bench`: skip the run there.
    if !std::env::args().any(|a| a == "--bench") {
        println!("importance benchmark: run it with `cargo bench --bench importance`");
        return;
    }
    let evaluators = [
        ("PedAnovaImportanceEvaluator", json!({})),
        ("FanovaImportanceEvaluator", json!({"seed": 0})),
        ("MeanDecreaseImpurityImportanceEvaluator", json!({"seed": 0})),
    ];
    let mut md = String::from("# Importance benchmark\n\n");
    md.push_str("- command: `cargo bench --bench importance` (native, release build)\n");
    md.push_str("- study: 10 parameters (6 floats, one log; 2 ints; 2 categoricals), RandomSampler seed 1\n");
    md.push_str("- default options (forests: 64 trees, max depth 64); milliseconds, fastest / median of 7 runs\n\n");
    md.push_str("| evaluator |");
    for n in SIZES {
        md.push_str(&format!(" {n} trials |"));
    }
    md.push_str("\n|---|");
    md.push_str(&"---|".repeat(SIZES.len()));
    md.push('\n');
    let studies: Vec<_> = SIZES.iter().map(|&n| study(n)).collect();
    for (name, kwargs) in evaluators {
        let request = ImportanceRequest { evaluator: Some(name.into()), kwargs, ..Default::default() };
        md.push_str(&format!("| {name} |"));
        for s in &studies {
            let (fastest, median) = timings_ms(s, &request);
            md.push_str(&format!(" {fastest:.1} / {median:.1} |"));
            eprintln!("{name} {} trials: {fastest:.1} / {median:.1} ms", s.trials().len());
        }
        md.push('\n');
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/IMPORTANCE.md");
    std::fs::write(path, &md).unwrap();
    print!("{md}");
}
