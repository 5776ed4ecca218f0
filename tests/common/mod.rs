//! Helpers shared by the native and the wasm test crates.

#![allow(dead_code)]

use serde_json::{Value, json};
use wasmtune::{StudyConfig, TrialOutcome};

/// The space the parity fixture samples: every distribution kind and option.
pub fn mixed_space() -> Value {
    json!({
        "x": {"name": "FloatDistribution", "attributes": {"low": -5.0, "high": 5.0, "log": false, "step": null}},
        "lr": {"name": "FloatDistribution", "attributes": {"low": 1e-5, "high": 1.0, "log": true, "step": null}},
        "s": {"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0, "log": false, "step": 0.25}},
        "n": {"name": "IntDistribution", "attributes": {"low": 1, "high": 100, "log": true, "step": 1}},
        "k": {"name": "IntDistribution", "attributes": {"low": 0, "high": 10, "log": false, "step": 2}},
        "c": {"name": "CategoricalDistribution", "attributes": {"choices": [null, true, 1, 2.5, "a"]}}
    })
}

/// An objective over five kinds of parameter (log float, stepped int, a categorical holding null,
/// stepped float, log int) that asserts every suggested value is legal: the model-based samplers'
/// seeded-determinism tests run it.
pub fn legal_mixed_objective(t: &mut wasmtune::Trial<'_>) -> Result<f64, wasmtune::ObjectiveError> {
    use wasmtune::ParamValue;
    let a = t.suggest_float_with("a", 1e-4, 1.0, None, true)?;
    let b = t.suggest_int_with("b", -10, 10, 2, false)?;
    let c = t.suggest_categorical("c", vec!["x".into(), "y".into(), ParamValue::Null])?;
    let d = t.suggest_float_with("d", 0.0, 1.0, Some(0.1), false)?;
    let e = t.suggest_int_with("e", 1, 1000, 1, true)?;
    assert!((1e-4..=1.0).contains(&a) && b % 2 == 0 && (-10..=10).contains(&b));
    assert!((0.0..=1.0).contains(&d) && ((d * 10.0).round() - d * 10.0).abs() < 1e-9);
    assert!((1..=1000).contains(&e));
    Ok(a.ln().abs() + (b as f64).abs() + d + (e as f64).ln() + if c == ParamValue::from("y") { 0.0 } else { 1.0 })
}

/// The sampler configurations the parity fixture covers.
pub fn parity_samplers() -> Vec<(&'static str, Value)> {
    vec![
        ("RandomSampler", json!({"seed": 42})),
        ("QMCSampler", json!({"seed": 42, "scramble": true})),
        ("QMCSampler", json!({"seed": 42, "qmc_type": "halton", "scramble": true})),
        ("QMCSampler", json!({"qmc_type": "sobol", "scramble": false, "seed": 7})),
        ("TPESampler", json!({"seed": 42})),
        ("TPESampler", json!({"seed": 42, "multivariate": false, "n_startup_trials": 5})),
        ("CmaEsSampler", json!({"seed": 42})),
        ("CmaEsSampler", json!({"seed": 42, "with_margin": true, "restart_strategy": "bipop", "popsize": 6})),
        (
            "NSGAIISampler",
            json!({"seed": 42, "population_size": 10, "crossover": "SBXCrossover", "mutation": "PolynomialMutation"}),
        ),
        ("NSGAIIISampler", json!({"seed": 42, "population_size": 10, "crossover": "UNDXCrossover"})),
        ("GPSampler", json!({"seed": 42, "n_startup_trials": 5})),
    ]
}

/// The first `n` parameter sets each parity sampler proposes, one JSON line per trial. Floats are
/// printed shortest-round-trip, so equal lines mean bit-identical values.
pub fn parity_lines(n: u64) -> Vec<String> {
    let space = wasmtune::distributions::search_space_from_json(&mixed_space()).unwrap();
    let mut lines = Vec::new();
    for (name, kwargs) in parity_samplers() {
        // A GP trial costs O(n³) and the wasm tests run unoptimized; 30 trials already cover the
        // kernel fit, the acquisition and its local search on every distribution kind.
        let n = if name == "GPSampler" { n.min(30) } else { n };
        let config = StudyConfig {
            sampler: wasmtune::ComponentSpec { name: name.into(), kwargs: kwargs.clone() },
            ..StudyConfig::default()
        };
        // A clock-free study, so the test does not depend on the platform clock either.
        let mut study = config.build_study(Some(Box::new(|| None))).unwrap();
        for _ in 0..n {
            let t = study.ask_with(&space).unwrap();
            let (number, x) = (t.number, t.params["x"].internal);
            let line = json!({"sampler": name, "kwargs": kwargs, "number": number, "params": t.param_values()});
            study.tell(number, TrialOutcome::Complete(vec![x * x])).unwrap();
            lines.push(line.to_string());
        }
    }
    lines
}

/// The committed fixture: what the native build produced.
pub const PARITY_FIXTURE: &str = include_str!("../fixtures/seed_parity.jsonl");
