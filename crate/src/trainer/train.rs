//! The training loop: seeded batch order and dropout masks, one epoch at a time, validation
//! accuracy after each, on whichever [`Backend`] was chosen.
//!
//! The loop is stepped from outside ([`Training::epoch`]) so that an objective can report each
//! epoch's accuracy to its trial and stop when the pruner says so. It is async because a backend
//! may be (WebGPU); natively [`block_on`] drives it, in the browser the bindings hand it to JS as a
//! promise.

use std::sync::Arc;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::trainer::backend::{Backend, Batch};
use crate::trainer::cpu::CpuBackend;
use crate::trainer::data::Dataset;
#[cfg(feature = "webgpu")]
use crate::trainer::gpu::{AdapterPolicy, GpuBackend};
use crate::trainer::spec::{MlpSpec, OptimizerSpec, TrainConfig, Weights};

/// Samples scored per call when computing validation accuracy: bounds the memory of one forward
/// pass without paying per-call overhead on every digit.
const EVAL_CHUNK: usize = 512;

/// Offsets the trial's seed for the loop's own stream, so batch order and masks are not drawn from
/// the numbers that already made the initial weights.
const LOOP_STREAM: u64 = 0x5eed_100b;

/// Which backend a run asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendChoice {
    /// candle on the CPU ([`CpuBackend`]).
    Cpu,
    /// WebGPU kernels ([`GpuBackend`]) on any adapter, software ones included; no adapter is an error.
    Webgpu,
    /// WebGPU on a hardware adapter, else the CPU: the fastest path this browser or machine has.
    Auto,
}

/// One of the backends, chosen at run time (the [`Backend`] trait's async methods rule out
/// `dyn Backend`).
pub enum AnyBackend {
    /// candle on the CPU.
    Cpu(CpuBackend),
    /// WebGPU compute kernels.
    #[cfg(feature = "webgpu")]
    Gpu(Box<GpuBackend>),
}

/// What [`AnyBackend::create`] opened, and why.
pub struct OpenedBackend {
    /// The backend.
    pub backend: AnyBackend,
    /// Why "auto" fell back to the CPU (no adapter, a software adapter, a device error); `None`
    /// when the choice was honoured as asked.
    pub fallback_reason: Option<String>,
}

impl AnyBackend {
    /// The backend `choice` names, holding `weights`. Async because opening a GPU device is.
    pub async fn create(
        choice: BackendChoice,
        mlp: &MlpSpec,
        opt: OptimizerSpec,
        weights: &Weights,
    ) -> Result<OpenedBackend> {
        let (backend, fallback_reason) = match choice {
            BackendChoice::Cpu => (AnyBackend::Cpu(CpuBackend::new(mlp, opt, weights)?), None),
            BackendChoice::Webgpu => (open_gpu(mlp, &opt, weights, false).await?, None),
            BackendChoice::Auto => match open_gpu(mlp, &opt, weights, true).await {
                Ok(b) => (b, None),
                // A bad network or optimizer is the caller's error whichever backend runs it:
                // the CPU backend refuses it too, with its own message.
                Err(e) => (AnyBackend::Cpu(CpuBackend::new(mlp, opt, weights)?), Some(e.to_string())),
            },
        };
        Ok(OpenedBackend { backend, fallback_reason })
    }

    /// The GPU adapter in use, as its driver names it; `None` on the CPU.
    pub fn adapter(&self) -> Option<&str> {
        match self {
            AnyBackend::Cpu(_) => None,
            #[cfg(feature = "webgpu")]
            AnyBackend::Gpu(g) => Some(g.adapter()),
        }
    }
}

/// The WebGPU backend, on a hardware adapter only or on any (software ones included).
#[cfg(feature = "webgpu")]
async fn open_gpu(mlp: &MlpSpec, opt: &OptimizerSpec, weights: &Weights, hardware_only: bool) -> Result<AnyBackend> {
    let policy = if hardware_only { AdapterPolicy::HardwareOnly } else { AdapterPolicy::Any };
    GpuBackend::open(mlp, opt, weights, policy).await.map(|g| AnyBackend::Gpu(Box::new(g)))
}

/// Built without WebGPU: asked for, it is an error; "auto" runs on the CPU and says why.
#[cfg(not(feature = "webgpu"))]
async fn open_gpu(_: &MlpSpec, _: &OptimizerSpec, _: &Weights, _hardware_only: bool) -> Result<AnyBackend> {
    Err(Error::InvalidArgument("this build of wasmtune has no WebGPU backend (Cargo feature `webgpu`)".into()))
}

impl Backend for AnyBackend {
    fn name(&self) -> &'static str {
        match self {
            AnyBackend::Cpu(b) => b.name(),
            #[cfg(feature = "webgpu")]
            AnyBackend::Gpu(b) => b.name(),
        }
    }

    async fn train_step(&mut self, batch: &Batch) -> Result<f32> {
        match self {
            AnyBackend::Cpu(b) => b.train_step(batch).await,
            #[cfg(feature = "webgpu")]
            AnyBackend::Gpu(b) => b.train_step(batch).await,
        }
    }

    async fn logits(&mut self, x: &[f32], rows: usize) -> Result<Vec<f32>> {
        match self {
            AnyBackend::Cpu(b) => b.logits(x, rows).await,
            #[cfg(feature = "webgpu")]
            AnyBackend::Gpu(b) => b.logits(x, rows).await,
        }
    }

    async fn weights(&mut self) -> Result<Weights> {
        match self {
            AnyBackend::Cpu(b) => b.weights().await,
            #[cfg(feature = "webgpu")]
            AnyBackend::Gpu(b) => b.weights().await,
        }
    }
}

/// What one epoch did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EpochReport {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean of the batches' losses (each taken before its update).
    pub train_loss: f64,
    /// Share of validation digits classified correctly after the epoch.
    pub validation_accuracy: f64,
    /// Seconds spent in optimizer steps this epoch (validation not included); 0 without a clock.
    pub train_seconds: f64,
}

/// A validation digit the network gets wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Misclassified {
    /// The digit's index in the MNIST file (to draw it).
    pub source: u32,
    /// Its true class.
    pub label: u32,
    /// What the network says.
    pub predicted: u32,
}

/// A training run in progress.
pub struct Training {
    config: TrainConfig,
    backend: AnyBackend,
    fallback_reason: Option<String>,
    train: Arc<Dataset>,
    validation: Arc<Dataset>,
    rng: Rng,
    clock: Clock,
    history: Vec<EpochReport>,
}

impl Training {
    /// Checks `config` against the data, draws the initial weights from its seed and opens the
    /// backend.
    pub async fn new(
        config: TrainConfig,
        choice: BackendChoice,
        train: Arc<Dataset>,
        validation: Arc<Dataset>,
        clock: Clock,
    ) -> Result<Training> {
        config.validate()?;
        for (name, set) in [("training", &train), ("validation", &validation)] {
            if set.is_empty() {
                return Err(Error::InvalidArgument(format!("the {name} set is empty")));
            }
            if set.features != config.mlp.input {
                return Err(Error::InvalidArgument(format!(
                    "the {name} digits have {} features but the MLP takes {}",
                    set.features, config.mlp.input
                )));
            }
            if let Some(l) = set.y.iter().find(|&&l| l as usize >= config.mlp.output) {
                return Err(Error::InvalidArgument(format!(
                    "the {name} set has label {l} but the MLP has {} outputs",
                    config.mlp.output
                )));
            }
        }
        let weights = Weights::init(&config.mlp, config.seed);
        let opened = AnyBackend::create(choice, &config.mlp, config.optimizer, &weights).await?;
        let rng = Rng::seed_from_u64(config.seed ^ LOOP_STREAM);
        Ok(Training {
            config,
            backend: opened.backend,
            fallback_reason: opened.fallback_reason,
            train,
            validation,
            rng,
            clock,
            history: Vec::new(),
        })
    }

    /// The run's configuration.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// "cpu" or "webgpu": what actually trains.
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    /// The GPU adapter training runs on, as its driver names it; `None` on the CPU.
    pub fn adapter(&self) -> Option<&str> {
        self.backend.adapter()
    }

    /// Why [`BackendChoice::Auto`] trains on the CPU; `None` when the choice was honoured.
    pub fn fallback_reason(&self) -> Option<&str> {
        self.fallback_reason.as_deref()
    }

    /// The backend itself (to read weights, or to compare backends step by step).
    pub fn backend_mut(&mut self) -> &mut AnyBackend {
        &mut self.backend
    }

    /// The epochs done so far.
    pub fn history(&self) -> &[EpochReport] {
        &self.history
    }

    /// True once every configured epoch ran.
    pub fn is_done(&self) -> bool {
        self.history.len() >= self.config.epochs
    }

    /// Trainable parameters of the network.
    pub fn parameter_count(&self) -> usize {
        self.config.mlp.parameter_count()
    }

    /// Seconds spent in optimizer steps over all epochs so far.
    pub fn train_seconds(&self) -> f64 {
        self.history.iter().map(|e| e.train_seconds).sum()
    }

    /// The latest validation accuracy (0 before the first epoch).
    pub fn validation_accuracy(&self) -> f64 {
        self.history.last().map_or(0.0, |e| e.validation_accuracy)
    }

    /// The batches of the next epoch, in order: a fresh shuffle of the training set, the last batch
    /// possibly smaller, and dropout masks when dropout is on. Public so that two backends can be fed
    /// exactly the same batches.
    pub fn next_epoch_batches(&mut self) -> Vec<Batch> {
        let n = self.train.len();
        let mut order: Vec<usize> = (0..n).collect();
        self.rng.shuffle(&mut order);
        order.chunks(self.config.batch_size).map(|idx| self.batch(idx)).collect()
    }

    fn batch(&mut self, idx: &[usize]) -> Batch {
        let f = self.train.features;
        let mut x = Vec::with_capacity(idx.len() * f);
        for &i in idx {
            x.extend_from_slice(self.train.row(i));
        }
        let y = idx.iter().map(|&i| self.train.y[i]).collect();
        let p = self.config.dropout;
        let dropout_masks = if p > 0.0 {
            let keep = 1.0 / (1.0 - p);
            let rng = &mut self.rng;
            let masks =
                self.config.mlp.hidden.iter().map(|&w| {
                    (0..idx.len() * w).map(|_| if (rng.uniform() as f32) < p { 0.0 } else { keep }).collect()
                });
            masks.collect()
        } else {
            Vec::new()
        };
        Batch { x, y, rows: idx.len(), dropout_masks }
    }

    /// Trains one more epoch and scores the validation set.
    pub async fn epoch(&mut self) -> Result<EpochReport> {
        if self.is_done() {
            return Err(Error::InvalidArgument(format!("all {} epochs already ran", self.config.epochs)));
        }
        let batches = self.next_epoch_batches();
        let start = (self.clock)();
        let mut loss_sum = 0.0;
        for batch in &batches {
            loss_sum += self.backend.train_step(batch).await? as f64;
        }
        let train_seconds = match (start, (self.clock)()) {
            (Some(a), Some(b)) => (b - a).max(0.0) / 1000.0,
            _ => 0.0,
        };
        let predictions = self.predict_validation().await?;
        let correct = predictions.iter().zip(&self.validation.y).filter(|(p, y)| p == y).count();
        let report = EpochReport {
            epoch: self.history.len() + 1,
            train_loss: loss_sum / batches.len() as f64,
            validation_accuracy: correct as f64 / self.validation.len() as f64,
            train_seconds,
        };
        self.history.push(report.clone());
        Ok(report)
    }

    /// Runs the remaining epochs, calling `on_epoch` after each; it returns false to stop early (a
    /// pruned trial).
    pub async fn run(&mut self, mut on_epoch: impl FnMut(&EpochReport) -> bool) -> Result<()> {
        while !self.is_done() {
            let report = self.epoch().await?;
            if !on_epoch(&report) {
                break;
            }
        }
        Ok(())
    }

    /// The predicted class of every validation digit.
    pub async fn predict_validation(&mut self) -> Result<Vec<u32>> {
        let classes = self.config.mlp.output;
        let f = self.validation.features;
        let mut predictions = Vec::with_capacity(self.validation.len());
        for start in (0..self.validation.len()).step_by(EVAL_CHUNK) {
            let rows = EVAL_CHUNK.min(self.validation.len() - start);
            let x = &self.validation.x[start * f..(start + rows) * f];
            let logits = self.backend.logits(x, rows).await?;
            predictions.extend(logits.chunks(classes).map(argmax));
        }
        Ok(predictions)
    }

    /// Up to `limit` validation digits the network gets wrong now, in validation order.
    pub async fn misclassified(&mut self, limit: usize) -> Result<Vec<Misclassified>> {
        let predictions = self.predict_validation().await?;
        let v = &self.validation;
        Ok((0..v.len())
            .filter(|&i| predictions[i] != v.y[i])
            .take(limit)
            .map(|i| Misclassified { source: v.source[i], label: v.y[i], predicted: predictions[i] })
            .collect())
    }
}

/// The first index of the largest value; a NaN never wins (a diverged network predicts class 0).
fn argmax(row: &[f32]) -> u32 {
    let mut best = 0;
    for (i, v) in row.iter().enumerate() {
        if *v > row[best] || row[best].is_nan() && !v.is_nan() {
            best = i;
        }
    }
    best as u32
}

/// Runs a future to completion on this thread: the native way to drive the async loop (the CPU
/// backend's futures are ready at once; a GPU backend's wait on the device).
#[cfg(not(target_arch = "wasm32"))]
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    pollster::block_on(future)
}
