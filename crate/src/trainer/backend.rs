//! The seam between the training loop and where the arithmetic happens.

use crate::error::Result;
use crate::trainer::spec::Weights;

/// One mini-batch, prepared by the training loop so that every backend sees exactly the same
/// numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// `rows × input` features, row-major, already scaled (MNIST pixels / 255).
    pub x: Vec<f32>,
    /// `rows` class labels.
    pub y: Vec<u32>,
    /// Samples in the batch.
    pub rows: usize,
    /// One mask per hidden layer (`rows × width`), each entry 0 or 1/(1−p) (inverted dropout); empty
    /// when dropout is off. Drawn by the loop from the seed, never by a backend.
    pub dropout_masks: Vec<Vec<f32>>,
}

/// Where an MLP is trained: candle on the CPU, or WebGPU. Both start from given [`Weights`] and
/// follow [`crate::trainer::OptimizerSpec`] with PyTorch's semantics, so the same batches give the
/// same losses within float rounding.
///
/// The methods are async because WebGPU only gives results back through a promise; the CPU backend's
/// futures are ready at once.
#[allow(async_fn_in_trait)] // Backends are not Send on wasm (WebGPU handles are JS objects).
pub trait Backend {
    /// Short name shown to the user per trial: "cpu" or "webgpu".
    fn name(&self) -> &'static str;

    /// One optimizer step on the batch (forward, mean softmax cross-entropy, backward, update);
    /// returns the batch's mean loss before the update.
    async fn train_step(&mut self, batch: &Batch) -> Result<f32>;

    /// Logits (`rows × output`, row-major) for `rows` samples, without dropout.
    async fn logits(&mut self, x: &[f32], rows: usize) -> Result<Vec<f32>>;

    /// The current parameters.
    async fn weights(&mut self) -> Result<Weights>;
}
