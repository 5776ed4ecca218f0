//! The seam between the training loop and where the arithmetic happens.

use crate::error::{Error, Result};
use crate::trainer::spec::{MlpSpec, Weights};

/// One mini-batch, prepared by the training loop so that every backend sees exactly the same
/// numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// `rows × input` features, row-major, already standardized (`data::standardize`).
    pub x: Vec<f32>,
    /// `rows` class labels.
    pub y: Vec<u32>,
    /// Samples in the batch.
    pub rows: usize,
    /// One mask per hidden layer (`rows × width`), each entry 0 or 1/(1−p) (inverted dropout); empty
    /// when dropout is off. Drawn by the loop from the seed, never by a backend.
    pub dropout_masks: Vec<Vec<f32>>,
}

impl Batch {
    /// Refuses a batch that does not fit `mlp` (sizes, labels, masks), saying what is off, so a
    /// backend never indexes out of bounds.
    pub fn check(&self, mlp: &MlpSpec) -> Result<()> {
        let bad = |why: String| Err(Error::InvalidArgument(format!("bad batch: {why}")));
        if self.rows == 0 {
            return bad("it has no samples".into());
        }
        if self.x.len() != self.rows * mlp.input {
            return bad(format!(
                "{} samples of {} features need {} numbers, got {}",
                self.rows,
                mlp.input,
                self.rows * mlp.input,
                self.x.len()
            ));
        }
        if self.y.len() != self.rows {
            return bad(format!("{} samples but {} labels", self.rows, self.y.len()));
        }
        if let Some(l) = self.y.iter().find(|&&l| l as usize >= mlp.output) {
            return bad(format!("label {l} is not one of the {} classes", mlp.output));
        }
        if !self.dropout_masks.is_empty() {
            if self.dropout_masks.len() != mlp.hidden.len() {
                return bad(format!(
                    "{} dropout masks for {} hidden layers",
                    self.dropout_masks.len(),
                    mlp.hidden.len()
                ));
            }
            for (i, (m, w)) in self.dropout_masks.iter().zip(&mlp.hidden).enumerate() {
                if m.len() != self.rows * w {
                    return bad(format!("dropout mask {i} has {} entries, not {} × {w}", m.len(), self.rows));
                }
            }
        }
        Ok(())
    }
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
