//! Trainer throughput in headless Chromium (benches/TRAINER.md): the same measurement as
//! `benches/trainer.rs` (`wasmtune::trainer::throughput`), timed with `performance.now()`. Not a
//! test: it asserts nothing and prints one `TRAINER_WASM` JSON line per width. Run (simd128 comes
//! from .cargo/config.toml; the second line builds without it):
//! `wasm-pack test --release --headless --chrome . --test trainer_wasm -- --nocapture`
//! `RUSTFLAGS="-C target-feature=-simd128" wasm-pack test --release --headless --chrome . --test trainer_wasm -- --nocapture`
//! Each run measures twice: with `gemm`'s simd128 matmul kernels (as shipped) and without them.

#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use wasmtune::trainer::BackendChoice;
use wasmtune::trainer::throughput::measure;

wasm_bindgen_test_configure!(run_in_browser);

fn performance_now() -> impl Fn() -> f64 {
    let perf = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).unwrap();
    let now: js_sys::Function = js_sys::Reflect::get(&perf, &"now".into()).unwrap().unchecked_into();
    move || now.call0(&perf).unwrap().as_f64().unwrap()
}

#[wasm_bindgen_test]
async fn trainer_throughput() {
    let now = performance_now();
    let simd = cfg!(target_feature = "simd128");
    // candle turns on `gemm`'s simd128 matmul kernels whatever the crate-wide target feature says
    // (they carry their own `#[target_feature]`); the second pass switches them off, in the same
    // run, to measure what SIMD brings to the matmuls. Alternating twice, so that neither setting
    // gains from the engine's tier-up (V8 compiles hot wasm again, optimized) by running later.
    for gemm_simd in [true, false, true, false] {
        gemm_common::set_wasm_simd128(gemm_simd);
        for (width, steps) in [(128, 250), (512, 60), (1024, 30)] {
            let t = measure(BackendChoice::Cpu, width, 64, 20, steps, &now).await.unwrap();
            let epoch_s = 8000.0 / t.samples_per_second;
            let out = serde_json::json!({"width": width, "simd128": simd, "gemm_simd128": gemm_simd,
                "samples_per_second": t.samples_per_second.round(), "epoch_8000_seconds": (epoch_s * 1000.0).round() / 1000.0});
            console_log!("TRAINER_WASM {}", out);
        }
    }
    gemm_common::set_wasm_simd128(true);
}
