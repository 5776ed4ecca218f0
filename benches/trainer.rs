//! Trainer throughput natively (benches/TRAINER.md): samples per second of forward + backward +
//! Adam update for 784-w-10 MLPs, batch 64, w = 128, 512, 1024, on candle's CPU backend; and the
//! time of one 8,000-sample epoch at w = 128 (125 steps). Prints one `TRAINER_NATIVE` JSON line per
//! width. Run: `cargo bench --bench trainer` (RAYON_NUM_THREADS=1 for one thread, as in wasm).

use std::time::Instant;

use wasmtune::trainer::throughput::measure;
use wasmtune::trainer::{BackendChoice, block_on};

fn main() {
    // `cargo test --all-targets` runs this binary too (without `--bench`): one step per width then,
    // to check that it works, not how fast.
    let quick = !std::env::args().any(|a| a == "--bench");
    let t0 = Instant::now();
    let now = move || t0.elapsed().as_secs_f64() * 1000.0;
    let threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "all".into());
    for (width, steps) in [(128, 375), (512, 125), (1024, 60)] {
        let (warmup, steps) = if quick { (0, 1) } else { (20, steps) };
        let t = block_on(measure(BackendChoice::Cpu, width, 64, warmup, steps, &now)).unwrap();
        let epoch_s = 8000.0 / t.samples_per_second;
        println!(
            "TRAINER_NATIVE {}",
            serde_json::json!({"width": width, "threads": threads, "samples_per_second": t.samples_per_second.round(),
                "epoch_8000_seconds": (epoch_s * 1000.0).round() / 1000.0})
        );
    }
}
