//! A plain-Rust MLP trainer, in f64, written straight from the math of the trainer's seam
//! (`y = x·Wᵀ + b`, inverted-dropout masks from the batch, mean softmax cross-entropy, PyTorch's
//! SGD/Adam/AdamW), and random batches to feed it. The backends' tests compare against it; it is
//! slow and obvious on purpose.

#![allow(dead_code)]
// Index loops, so each line reads like its formula.
#![allow(clippy::needless_range_loop)]

use wasmtune::rng::Rng;
use wasmtune::trainer::{Activation, Batch, MlpSpec, OptimizerKind, OptimizerSpec, Weights};

/// The reference trainer's state: parameters and optimizer moments, all f64.
pub struct Reference {
    spec: MlpSpec,
    optimizer: OptimizerSpec,
    /// Per layer: (w, b).
    params: Vec<(Vec<f64>, Vec<f64>)>,
    m: Vec<(Vec<f64>, Vec<f64>)>,
    v: Vec<(Vec<f64>, Vec<f64>)>,
    step: i32,
}

fn f(act: Activation, x: f64) -> f64 {
    match act {
        Activation::Relu => x.max(0.0),
        Activation::Gelu => 0.5 * x * (1.0 + ((2.0 / std::f64::consts::PI).sqrt() * (x + 0.044715 * x.powi(3))).tanh()),
        Activation::Tanh => x.tanh(),
    }
}

fn f_prime(act: Activation, x: f64) -> f64 {
    match act {
        Activation::Relu => {
            if x > 0.0 {
                1.0
            } else {
                0.0
            }
        }
        Activation::Gelu => {
            let c = (2.0 / std::f64::consts::PI).sqrt();
            let t = (c * (x + 0.044715 * x.powi(3))).tanh();
            0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * c * (1.0 + 3.0 * 0.044715 * x * x)
        }
        Activation::Tanh => 1.0 - x.tanh().powi(2),
    }
}

impl Reference {
    pub fn new(spec: &MlpSpec, optimizer: &OptimizerSpec, weights: &Weights) -> Reference {
        let params: Vec<(Vec<f64>, Vec<f64>)> = weights
            .layers
            .iter()
            .map(|l| (l.w.iter().map(|&v| v as f64).collect(), l.b.iter().map(|&v| v as f64).collect()))
            .collect();
        let zeros: Vec<_> = params.iter().map(|(w, b)| (vec![0.0; w.len()], vec![0.0; b.len()])).collect();
        Reference { spec: spec.clone(), optimizer: *optimizer, params, m: zeros.clone(), v: zeros, step: 0 }
    }

    /// Pre-activations and activations of every layer; `masks` empty means no dropout.
    fn forward(&self, x: &[f32], rows: usize, masks: &[Vec<f32>]) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        let dims = self.spec.layer_dims();
        let mut inputs = vec![x.iter().map(|&v| v as f64).collect::<Vec<f64>>()];
        let mut pre = Vec::new();
        for (l, &(fan_in, fan_out)) in dims.iter().enumerate() {
            let (w, b) = &self.params[l];
            let input = &inputs[l];
            let mut z = vec![0.0; rows * fan_out];
            for r in 0..rows {
                for o in 0..fan_out {
                    let dot: f64 = (0..fan_in).map(|i| input[r * fan_in + i] * w[o * fan_in + i]).sum();
                    z[r * fan_out + o] = dot + b[o];
                }
            }
            if l + 1 < dims.len() {
                let a = z
                    .iter()
                    .enumerate()
                    .map(|(k, &v)| f(self.spec.activation, v) * masks.get(l).map_or(1.0, |m| m[k] as f64))
                    .collect();
                inputs.push(a);
            }
            pre.push(z);
        }
        (pre, inputs)
    }

    /// Logits without dropout, as f32.
    pub fn logits(&self, x: &[f32], rows: usize) -> Vec<f32> {
        let (pre, _) = self.forward(x, rows, &[]);
        pre.last().unwrap().iter().map(|&v| v as f32).collect()
    }

    /// One step; returns the mean loss before the update.
    pub fn train_step(&mut self, batch: &Batch) -> f64 {
        let rows = batch.rows;
        let dims = self.spec.layer_dims();
        let (pre, inputs) = self.forward(&batch.x, rows, &batch.dropout_masks);
        let classes = self.spec.output;
        let logits = pre.last().unwrap();
        let mut delta = vec![0.0; rows * classes];
        let mut loss = 0.0;
        for r in 0..rows {
            let row = &logits[r * classes..(r + 1) * classes];
            let top = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let total: f64 = row.iter().map(|v| (v - top).exp()).sum();
            let y = batch.y[r] as usize;
            loss += top + total.ln() - row[y];
            for c in 0..classes {
                let p = (row[c] - top).exp() / total;
                delta[r * classes + c] = (p - if c == y { 1.0 } else { 0.0 }) / rows as f64;
            }
        }
        loss /= rows as f64;
        let mut grads = vec![(Vec::new(), Vec::new()); dims.len()];
        for l in (0..dims.len()).rev() {
            let (fan_in, fan_out) = dims[l];
            let input = &inputs[l];
            let mut gw = vec![0.0; fan_in * fan_out];
            let mut gb = vec![0.0; fan_out];
            for r in 0..rows {
                for o in 0..fan_out {
                    let d = delta[r * fan_out + o];
                    gb[o] += d;
                    for i in 0..fan_in {
                        gw[o * fan_in + i] += d * input[r * fan_in + i];
                    }
                }
            }
            if l > 0 {
                let w = &self.params[l].0;
                let mut below = vec![0.0; rows * fan_in];
                for r in 0..rows {
                    for i in 0..fan_in {
                        let da: f64 = (0..fan_out).map(|o| delta[r * fan_out + o] * w[o * fan_in + i]).sum();
                        let k = r * fan_in + i;
                        let mask = batch.dropout_masks.get(l - 1).map_or(1.0, |m| m[k] as f64);
                        below[k] = da * mask * f_prime(self.spec.activation, pre[l - 1][k]);
                    }
                }
                delta = below;
            }
            grads[l] = (gw, gb);
        }
        self.step += 1;
        for (l, (gw, gb)) in grads.iter().enumerate() {
            self.update(l, true, gw);
            self.update(l, false, gb);
        }
        loss
    }

    fn update(&mut self, l: usize, weights: bool, grad: &[f64]) {
        let pick = |pair: &mut (Vec<f64>, Vec<f64>)| {
            if weights { std::mem::take(&mut pair.0) } else { std::mem::take(&mut pair.1) }
        };
        let (mut w, mut m, mut v) = (pick(&mut self.params[l]), pick(&mut self.m[l]), pick(&mut self.v[l]));
        let lr = self.optimizer.lr as f64;
        let wd = self.optimizer.weight_decay as f64;
        let (b1, b2, eps) = (0.9f64, 0.999f64, 1e-8f64);
        let (c1, c2) = (1.0 - b1.powi(self.step), 1.0 - b2.powi(self.step));
        for k in 0..w.len() {
            match self.optimizer.kind {
                OptimizerKind::Sgd { momentum } => {
                    let g = grad[k] + wd * w[k];
                    m[k] = momentum as f64 * m[k] + g;
                    w[k] -= lr * m[k];
                }
                OptimizerKind::Adam | OptimizerKind::AdamW => {
                    let g = if self.optimizer.kind == OptimizerKind::Adam {
                        grad[k] + wd * w[k]
                    } else {
                        w[k] *= 1.0 - lr * wd;
                        grad[k]
                    };
                    m[k] = b1 * m[k] + (1.0 - b1) * g;
                    v[k] = b2 * v[k] + (1.0 - b2) * g * g;
                    w[k] -= lr * (m[k] / c1) / ((v[k] / c2).sqrt() + eps);
                }
            }
        }
        let put = |pair: &mut (Vec<f64>, Vec<f64>), value| if weights { pair.0 = value } else { pair.1 = value };
        put(&mut self.params[l], w);
        put(&mut self.m[l], m);
        put(&mut self.v[l], v);
    }

    /// The current parameters, flattened layer by layer (w then b).
    pub fn flat_weights(&self) -> Vec<f64> {
        self.params.iter().flat_map(|(w, b)| w.iter().chain(b).cloned()).collect()
    }
}

/// Weights flattened the same way as [`Reference::flat_weights`].
pub fn flatten(weights: &Weights) -> Vec<f64> {
    weights.layers.iter().flat_map(|l| l.w.iter().chain(&l.b).map(|&v| v as f64)).collect()
}

/// A random batch: features in [0, 1), labels below `spec.output`, and, when `dropout` > 0,
/// inverted-dropout masks.
pub fn random_batch(spec: &MlpSpec, rows: usize, dropout: f32, rng: &mut Rng) -> Batch {
    let x = (0..rows * spec.input).map(|_| rng.uniform() as f32).collect();
    let y = (0..rows).map(|_| rng.below(spec.output as u64) as u32).collect();
    let keep = 1.0 / (1.0 - dropout);
    let dropout_masks = if dropout > 0.0 {
        spec.hidden
            .iter()
            .map(|&w| (0..rows * w).map(|_| if rng.uniform() < dropout as f64 { 0.0 } else { keep }).collect())
            .collect()
    } else {
        Vec::new()
    };
    Batch { x, y, rows, dropout_masks }
}

/// SGD with momentum, Adam and AdamW, each with weight decay.
pub fn optimizers() -> [OptimizerSpec; 3] {
    [
        OptimizerSpec { kind: OptimizerKind::Sgd { momentum: 0.9 }, lr: 0.05, weight_decay: 1e-3 },
        OptimizerSpec { kind: OptimizerKind::Adam, lr: 5e-3, weight_decay: 1e-3 },
        OptimizerSpec { kind: OptimizerKind::AdamW, lr: 5e-3, weight_decay: 1e-2 },
    ]
}
