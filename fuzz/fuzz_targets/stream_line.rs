//! The `wasmtune stream` protocol on arbitrary input: the CLI's own module (included from the
//! binary's source, so this is the code the CLI runs) drives a study of three parameters, four
//! trials, two at a time, with a pruner, reading the fuzzer's bytes as stdin. A clean error (a
//! bad line, input ending early) is fine; a panic or a hang is not, and when the stream ends
//! well its last line is the best trial.
#![no_main]

#[allow(dead_code)]
#[path = "../../crate/src/bin/wasmtune/stream.rs"]
mod stream;

use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use wasmtune::distributions::search_space_from_json;
use wasmtune::{ComponentSpec, StudyConfig};

fuzz_target!(|data: &[u8]| {
    let space = json!({
        "x": {"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0, "log": false, "step": null}},
        "n": {"name": "IntDistribution", "attributes": {"low": 1, "high": 8, "log": false, "step": 1}},
        "c": {"name": "CategoricalDistribution", "attributes": {"choices": ["a", 1, null]}},
    });
    let config = StudyConfig {
        sampler: ComponentSpec { name: "TPESampler".into(), kwargs: json!({"seed": 1, "n_startup_trials": 2}) },
        pruner: ComponentSpec { name: "MedianPruner".into(), kwargs: json!({"n_startup_trials": 1}) },
        search_space: Some(search_space_from_json(&space).expect("a valid space")),
        n_trials: Some(4),
        ..StudyConfig::default()
    };
    let mut out = Vec::new();
    let result = stream::drive(&config, 2, data, &mut out);
    let text = String::from_utf8(out).expect("the stream writes UTF-8");
    let lines: Vec<Value> =
        text.lines().map(|l| serde_json::from_str(l).expect("every line written is JSON")).collect();
    if result.is_ok() {
        assert!(lines.last().is_some_and(|l| l.get("best").is_some()), "a finished stream ends with the best trial");
    }
});
