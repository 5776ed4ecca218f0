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
            let x = t.params["x"].internal;
            study.tell(t.number, TrialOutcome::Complete(vec![x * x])).unwrap();
            lines.push(
                json!({"sampler": name, "kwargs": kwargs, "number": t.number, "params": t.param_values()}).to_string(),
            );
        }
    }
    lines
}

/// The committed fixture: what the native build produced.
pub const PARITY_FIXTURE: &str = include_str!("../fixtures/seed_parity.jsonl");
