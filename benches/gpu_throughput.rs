//! Training throughput of the WebGPU backend natively: samples per second for one optimizer step
//! (forward, loss, backward, Adam update, loss read back) of a 784-W-10 ReLU MLP, batch 64, at
//! widths W = 128, 512 and 1,024. Random inputs: the arithmetic does not depend on the pixels.
//!
//! `cargo bench --bench gpu_throughput` prints a Markdown table for `benches/TRAINER_GPU.md`; under
//! `cargo test --all-targets` (no `--bench` argument) it takes one step per width, as a smoke test.

use std::time::Instant;

use wasmtune::rng::Rng;
use wasmtune::trainer::{Activation, Backend, Batch, GpuBackend, MlpSpec, OptimizerKind, OptimizerSpec, Weights};

const BATCH: usize = 64;

fn batch(spec: &MlpSpec, rng: &mut Rng) -> Batch {
    let x = (0..BATCH * spec.input).map(|_| rng.uniform() as f32).collect();
    let y = (0..BATCH).map(|_| rng.below(spec.output as u64) as u32).collect();
    Batch { x, y, rows: BATCH, dropout_masks: Vec::new() }
}

fn main() {
    let measure = std::env::args().any(|a| a == "--bench");
    let optimizer = OptimizerSpec { kind: OptimizerKind::Adam, lr: 1e-3, weight_decay: 0.0 };
    let mut rng = Rng::seed_from_u64(0);
    let mut header = false;
    for width in [128, 512, 1024] {
        let spec = MlpSpec { input: 784, hidden: vec![width], output: 10, activation: Activation::Relu };
        let weights = Weights::init(&spec, 0);
        let mut gpu =
            pollster::block_on(GpuBackend::new(&spec, &optimizer, &weights)).unwrap_or_else(|e| panic!("{e}"));
        if !header {
            println!("adapter: {}\n", gpu.adapter());
            println!("| width | steps | seconds | samples/s |\n|---:|---:|---:|---:|");
            header = true;
        }
        let batches: Vec<Batch> = (0..8).map(|_| batch(&spec, &mut rng)).collect();
        // Warm-up: pipelines, bind groups and the driver's own first-use costs.
        for b in &batches[..2] {
            pollster::block_on(gpu.train_step(b)).unwrap();
        }
        if !measure {
            continue;
        }
        let start = Instant::now();
        let mut steps = 0;
        while steps < 10 || start.elapsed().as_secs_f64() < 3.0 {
            pollster::block_on(gpu.train_step(&batches[steps % batches.len()])).unwrap();
            steps += 1;
        }
        let seconds = start.elapsed().as_secs_f64();
        println!("| {width} | {steps} | {seconds:.2} | {:.0} |", (steps * BATCH) as f64 / seconds);
    }
}
