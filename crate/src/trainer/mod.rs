//! The MNIST objective's trainer: a small MLP classifier trained on the CPU through candle, or on
//! the GPU through WebGPU (`wgpu`) with our own WGSL kernels.
//!
//! candle has no WebGPU backend, so training goes through a small seam, [`Backend`]: one
//! optimizer step on a batch, logits for evaluation, the current weights. Everything that must be
//! identical on both paths is decided here, outside the backends, from the trial's seed: the initial
//! weights ([`Weights::init`]), the batch order and the dropout masks. That is what makes a run
//! reproducible and lets the two backends be compared step by step.

pub mod backend;
pub mod cpu;
pub mod data;
#[cfg(feature = "webgpu")]
pub mod gpu;
pub mod spec;
pub mod throughput;
pub mod train;

pub use backend::{Backend, Batch};
pub use cpu::CpuBackend;
pub use data::{Dataset, Mnist};
#[cfg(feature = "webgpu")]
pub use gpu::{AdapterPolicy, GpuBackend};
pub use spec::{Activation, LayerWeights, MlpSpec, OptimizerKind, OptimizerSpec, TrainConfig, Weights};
#[cfg(not(target_arch = "wasm32"))]
pub use train::block_on;
pub use train::{AnyBackend, BackendChoice, EpochReport, Misclassified, OpenedBackend, Training};
