//! The trainer's speed, measured the same way natively and in the browser (benches/TRAINER.md):
//! samples per second of forward + backward + update on a backend, on random inputs (the pixels'
//! values do not change the arithmetic), timed by a clock the caller passes in (`Instant`
//! natively, `performance.now()` in wasm).

use crate::error::Result;
use crate::rng::Rng;
use crate::trainer::backend::{Backend, Batch};
use crate::trainer::spec::{Activation, MlpSpec, OptimizerKind, OptimizerSpec, Weights};
use crate::trainer::train::{AnyBackend, BackendChoice};

/// What one measurement ran.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Throughput {
    /// Hidden width of the 784-`width`-10 MLP.
    pub width: usize,
    /// Samples per step.
    pub batch: usize,
    /// Steps timed (after the warm-up).
    pub steps: usize,
    /// Samples per second.
    pub samples_per_second: f64,
}

/// Times `steps` Adam steps of a 784-`width`-10 ReLU MLP on batches of `batch` random samples,
/// after `warmup` untimed steps (wasm engines optimize hot code after a while; native caches warm
/// up). `now` returns milliseconds.
pub async fn measure(
    choice: BackendChoice,
    width: usize,
    batch: usize,
    warmup: usize,
    steps: usize,
    now: &dyn Fn() -> f64,
) -> Result<Throughput> {
    let mlp = MlpSpec { input: 784, hidden: vec![width], output: 10, activation: Activation::Relu };
    let opt = OptimizerSpec { kind: OptimizerKind::Adam, lr: 1e-3, weight_decay: 0.0 };
    let mut backend = AnyBackend::create(choice, &mlp, opt, &Weights::init(&mlp, 0)).await?.backend;
    let mut rng = Rng::seed_from_u64(1);
    let batches: Vec<Batch> = (0..4)
        .map(|_| Batch {
            x: (0..batch * 784).map(|_| rng.uniform() as f32).collect(),
            y: (0..batch).map(|_| rng.below(10) as u32).collect(),
            rows: batch,
            dropout_masks: Vec::new(),
        })
        .collect();
    for i in 0..warmup {
        backend.train_step(&batches[i % batches.len()]).await?;
    }
    let start = now();
    for i in 0..steps {
        backend.train_step(&batches[i % batches.len()]).await?;
    }
    let seconds = (now() - start) / 1000.0;
    Ok(Throughput { width, batch, steps, samples_per_second: (steps * batch) as f64 / seconds })
}
