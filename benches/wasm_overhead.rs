//! The sampler overhead benchmark in headless Chromium: the same measurement as `wasmtune overhead`
//! (see `wasmtune::overhead`), timed with `performance.now()`. Not a test: it asserts nothing and
//! runs only from `benches/run.sh`, which reads the `WASM_OVERHEAD` line it prints.
//!
//! TPE, 1,000 trials by default; another sampler is chosen at build time, e.g.
//! `WASM_OVERHEAD_SAMPLER=GPSampler WASM_OVERHEAD_TRIALS=300 WASM_BINDGEN_TEST_TIMEOUT=900
//! wasm-pack test --release --headless --chrome . --test wasm_overhead -- --nocapture` (the
//! measurement runs in one synchronous call, so a slow sampler needs the runner's timeout raised
//! past its 20 s default).

#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use wasmtune::StudyConfig;
use wasmtune::config::ComponentSpec;
use wasmtune::overhead::{per_trial_ms, ranges_json};

wasm_bindgen_test_configure!(run_in_browser);

fn performance_now() -> impl Fn() -> f64 {
    let perf = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).unwrap();
    let now: js_sys::Function = js_sys::Reflect::get(&perf, &"now".into()).unwrap().unchecked_into();
    move || now.call0(&perf).unwrap().as_f64().unwrap()
}

#[wasm_bindgen_test]
fn sampler_overhead_10d() {
    let sampler = option_env!("WASM_OVERHEAD_SAMPLER").unwrap_or("TPESampler");
    let n: usize = option_env!("WASM_OVERHEAD_TRIALS").map_or(1000, |v| v.parse().expect("WASM_OVERHEAD_TRIALS"));
    let dim = 10;
    let config = StudyConfig {
        sampler: ComponentSpec { name: sampler.into(), kwargs: serde_json::json!({"seed": 0}) },
        ..StudyConfig::default()
    };
    // V8 first runs wasm in its baseline compiler and optimizes hot functions later; a warm-up
    // study lets that happen, so the figure is steady-state speed, as the native one is.
    per_trial_ms(&config, dim, 300.min(n), &performance_now()).unwrap();
    let times = per_trial_ms(&config, dim, n, &performance_now()).unwrap();
    let mut spans: Vec<(usize, usize)> =
        [(0, 100), (100, 300), (100, 500), (500, 1000)].iter().map(|&(a, b)| (a, b.min(n))).collect();
    spans.dedup();
    let ranges = ranges_json(&times, &spans);
    let out = serde_json::json!({"sampler": sampler, "dim": dim, "n_trials": n, "ranges": ranges});
    console_log!("WASM_OVERHEAD {}", out);
}
