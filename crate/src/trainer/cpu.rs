//! The CPU backend: candle tensors with candle's autograd and matrix kernels (gemm, which uses
//! simd128 in wasm built with that target feature).
//!
//! candle-nn gives the loss and log-softmax; the three update rules are written here on tensors
//! because candle-nn has SGD without momentum and AdamW only, and all three must follow PyTorch's
//! formulas exactly (see [`OptimizerKind`]) for the WebGPU path to be comparable step by step.
//! Dropout multiplies by the masks in the [`Batch`]: candle's own dropout draws from an unseeded
//! generator.

use candle_core::{Device, Tensor, Var};

use crate::error::{Error, Result};
use crate::trainer::backend::{Backend, Batch};
use crate::trainer::spec::{Activation, LayerWeights, MlpSpec, OptimizerKind, OptimizerSpec, Weights};

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPS: f64 = 1e-8;

fn candle_err(e: candle_core::Error) -> Error {
    Error::Training(e.to_string())
}

/// Optimizer memory for one parameter tensor: SGD's momentum buffer in `first`; Adam's first and
/// second moments.
struct Moments {
    first: Option<Tensor>,
    second: Option<Tensor>,
}

/// An MLP trained by candle on the CPU.
pub struct CpuBackend {
    mlp: MlpSpec,
    optimizer: OptimizerSpec,
    /// `(weight fan_out × fan_in, bias fan_out)` per layer, input side first.
    params: Vec<(Var, Var)>,
    /// One entry per tensor in `params` order (w0, b0, w1, b1, …).
    moments: Vec<Moments>,
    /// Optimizer steps taken (Adam's bias correction).
    steps: i32,
    device: Device,
}

impl CpuBackend {
    /// A backend holding `weights` (which must have `mlp`'s shape), updated by `optimizer`.
    pub fn new(mlp: &MlpSpec, optimizer: OptimizerSpec, weights: &Weights) -> Result<CpuBackend> {
        mlp.validate()?;
        optimizer.validate()?;
        let dims: Vec<_> = weights.layers.iter().map(|l| (l.fan_in, l.fan_out)).collect();
        if dims != mlp.layer_dims() {
            return Err(Error::InvalidArgument(format!(
                "the weights' layers {dims:?} do not match the MLP's {:?}",
                mlp.layer_dims()
            )));
        }
        let device = Device::Cpu;
        let params = weights
            .layers
            .iter()
            .map(|l| {
                if l.w.len() != l.fan_in * l.fan_out || l.b.len() != l.fan_out {
                    return Err(Error::InvalidArgument(format!(
                        "a {}→{} layer needs {} weights and {} biases, got {} and {}",
                        l.fan_in,
                        l.fan_out,
                        l.fan_in * l.fan_out,
                        l.fan_out,
                        l.w.len(),
                        l.b.len()
                    )));
                }
                let w = Var::from_slice(&l.w, (l.fan_out, l.fan_in), &device).map_err(candle_err)?;
                let b = Var::from_slice(&l.b, l.fan_out, &device).map_err(candle_err)?;
                Ok((w, b))
            })
            .collect::<Result<Vec<_>>>()?;
        let moments = (0..params.len() * 2).map(|_| Moments { first: None, second: None }).collect();
        Ok(CpuBackend { mlp: mlp.clone(), optimizer, params, moments, steps: 0, device })
    }

    /// Logits for `x` through `params`; `masks`, when given, follow each hidden activation.
    fn forward(&self, x: &Tensor, params: &[(Tensor, Tensor)], masks: &[Tensor]) -> candle_core::Result<Tensor> {
        let mut h = x.clone();
        for (i, (w, b)) in params.iter().enumerate() {
            h = h.matmul(&w.t()?)?.broadcast_add(b)?;
            if i + 1 < params.len() {
                h = match self.mlp.activation {
                    Activation::Relu => h.relu()?,
                    Activation::Gelu => h.gelu()?,
                    Activation::Tanh => h.tanh()?,
                };
                if let Some(mask) = masks.get(i) {
                    h = (h * mask)?;
                }
            }
        }
        Ok(h)
    }

    fn step(&mut self, batch: &Batch) -> candle_core::Result<f32> {
        let x = Tensor::from_slice(&batch.x, (batch.rows, self.mlp.input), &self.device)?;
        let y = Tensor::from_slice(&batch.y, batch.rows, &self.device)?;
        let masks = batch
            .dropout_masks
            .iter()
            .zip(&self.params)
            .map(|(m, (w, _))| Tensor::from_slice(m, (batch.rows, w.dims()[0]), &self.device))
            .collect::<candle_core::Result<Vec<_>>>()?;
        let tracked: Vec<_> = self.params.iter().map(|(w, b)| (w.as_tensor().clone(), b.as_tensor().clone())).collect();
        let logits = self.forward(&x, &tracked, &masks)?;
        let loss = candle_nn::loss::cross_entropy(&logits, &y)?;
        let grads = loss.backward()?;
        self.steps += 1;
        let vars: Vec<Var> = self.params.iter().flat_map(|(w, b)| [w.clone(), b.clone()]).collect();
        for (var, moments) in vars.iter().zip(self.moments.iter_mut()) {
            // A parameter the loss does not reach (impossible in an MLP) keeps its value.
            let Some(grad) = grads.get(var) else { continue };
            let updated = update(&self.optimizer, self.steps, &var.as_tensor().detach(), &grad.detach(), moments)?;
            var.set(&updated)?;
        }
        loss.to_scalar::<f32>()
    }
}

/// One parameter's new value under PyTorch's rule for `opt` at step `t` (1-based).
fn update(opt: &OptimizerSpec, t: i32, w: &Tensor, g: &Tensor, m: &mut Moments) -> candle_core::Result<Tensor> {
    let (lr, wd) = (opt.lr as f64, opt.weight_decay as f64);
    let l2 = |g: &Tensor| if wd > 0.0 { g + w.affine(wd, 0.0)? } else { Ok(g.clone()) };
    match opt.kind {
        OptimizerKind::Sgd { momentum } => {
            let g = l2(g)?;
            // PyTorch starts the buffer at the first gradient itself (dampening 0).
            let v = match (&m.first, momentum > 0.0) {
                (Some(v), true) => (v.affine(momentum as f64, 0.0)? + &g)?,
                _ => g,
            };
            let w = (w - v.affine(lr, 0.0)?)?;
            m.first = Some(v);
            Ok(w)
        }
        OptimizerKind::Adam | OptimizerKind::AdamW => {
            let decoupled = matches!(opt.kind, OptimizerKind::AdamW);
            let (w, g) = if decoupled {
                (if wd > 0.0 { w.affine(1.0 - lr * wd, 0.0)? } else { w.clone() }, g.clone())
            } else {
                (w.clone(), l2(g)?)
            };
            let first = match &m.first {
                Some(m1) => (m1.affine(BETA1, 0.0)? + g.affine(1.0 - BETA1, 0.0)?)?,
                None => g.affine(1.0 - BETA1, 0.0)?,
            };
            let g2 = g.sqr()?;
            let second = match &m.second {
                Some(m2) => (m2.affine(BETA2, 0.0)? + g2.affine(1.0 - BETA2, 0.0)?)?,
                None => g2.affine(1.0 - BETA2, 0.0)?,
            };
            let bc1 = 1.0 - BETA1.powi(t);
            let bc2 = 1.0 - BETA2.powi(t);
            // PyTorch's arrangement: lr/bc1 · m / (√v/√bc2 + ε).
            let denom = second.sqrt()?.affine(1.0 / bc2.sqrt(), EPS)?;
            let w = (w - (&first / denom)?.affine(lr / bc1, 0.0)?)?;
            m.first = Some(first);
            m.second = Some(second);
            Ok(w)
        }
    }
}

impl Backend for CpuBackend {
    fn name(&self) -> &'static str {
        "cpu"
    }

    async fn train_step(&mut self, batch: &Batch) -> Result<f32> {
        batch.check(&self.mlp)?;
        self.step(batch).map_err(candle_err)
    }

    async fn logits(&mut self, x: &[f32], rows: usize) -> Result<Vec<f32>> {
        let features = self.mlp.input;
        if x.len() != rows * features {
            return Err(Error::InvalidArgument(format!(
                "{rows} samples of {features} features need {} numbers, got {}",
                rows * features,
                x.len()
            )));
        }
        let run = || -> candle_core::Result<Vec<f32>> {
            let x = Tensor::from_slice(x, (rows, features), &self.device)?;
            let frozen: Vec<_> =
                self.params.iter().map(|(w, b)| (w.as_tensor().detach(), b.as_tensor().detach())).collect();
            self.forward(&x, &frozen, &[])?.flatten_all()?.to_vec1()
        };
        run().map_err(candle_err)
    }

    async fn weights(&mut self) -> Result<Weights> {
        let layers = self
            .params
            .iter()
            .map(|(w, b)| {
                let (fan_out, fan_in) = w.dims2()?;
                Ok(LayerWeights { w: w.flatten_all()?.to_vec1()?, b: b.to_vec1()?, fan_in, fan_out })
            })
            .collect::<candle_core::Result<Vec<_>>>()
            .map_err(candle_err)?;
        Ok(Weights { layers })
    }
}
