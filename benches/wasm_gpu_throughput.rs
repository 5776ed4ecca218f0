//! The WebGPU trainer's throughput in headless Chromium (its software adapter, SwiftShader, here):
//! the measurement of `benches/gpu_throughput.rs` — samples per second for one Adam step of a
//! 784-W-10 ReLU MLP, batch 64, W = 128, 512, 1,024 — timed with `performance.now()`. Not a test:
//! it asserts nothing. Run it with
//! `WASM_BINDGEN_TEST_TIMEOUT=600 wasm-pack test --release --headless --chrome . --test wasm_gpu_throughput -- --nocapture`
//! and read the `WASM_GPU_THROUGHPUT` lines; the results are in `benches/TRAINER_GPU.md`.

#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use wasmtune::rng::Rng;
use wasmtune::trainer::{Activation, Backend, Batch, GpuBackend, MlpSpec, OptimizerKind, OptimizerSpec, Weights};

wasm_bindgen_test_configure!(run_in_browser);

const BATCH: usize = 64;

fn performance_now() -> impl Fn() -> f64 {
    let perf = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).unwrap();
    let now: js_sys::Function = js_sys::Reflect::get(&perf, &"now".into()).unwrap().unchecked_into();
    move || now.call0(&perf).unwrap().as_f64().unwrap()
}

#[wasm_bindgen_test]
async fn webgpu_training_throughput() {
    let now = performance_now();
    let optimizer = OptimizerSpec { kind: OptimizerKind::Adam, lr: 1e-3, weight_decay: 0.0 };
    let mut rng = Rng::seed_from_u64(0);
    for width in [128, 512, 1024] {
        let spec = MlpSpec { input: 784, hidden: vec![width], output: 10, activation: Activation::Relu };
        let mut gpu = GpuBackend::new(&spec, &optimizer, &Weights::init(&spec, 0)).await.unwrap();
        let batches: Vec<Batch> = (0..8)
            .map(|_| Batch {
                x: (0..BATCH * spec.input).map(|_| rng.uniform() as f32).collect(),
                y: (0..BATCH).map(|_| rng.below(10) as u32).collect(),
                rows: BATCH,
                dropout_masks: Vec::new(),
            })
            .collect();
        for b in &batches[..2] {
            gpu.train_step(b).await.unwrap();
        }
        let start = now();
        let mut steps = 0;
        while steps < 10 || now() - start < 3000.0 {
            gpu.train_step(&batches[steps % batches.len()]).await.unwrap();
            steps += 1;
        }
        let seconds = (now() - start) / 1000.0;
        let line = serde_json::json!({
            "adapter": gpu.adapter(), "width": width, "steps": steps, "seconds": seconds,
            "samples_per_s": (steps * BATCH) as f64 / seconds,
        });
        console_log!("WASM_GPU_THROUGHPUT {line}");
    }
}
