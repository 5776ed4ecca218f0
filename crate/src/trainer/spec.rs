//! What a training run is: the network's shape, the optimizer, the schedule, and the weights both
//! backends start from.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::rng::Rng;

/// A hidden layer's nonlinearity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// max(0, x).
    Relu,
    /// GELU with the tanh approximation (Hendrycks & Gimpel 2016, eq. 2): candle's `gelu`, and
    /// cheap to write in WGSL, which has no `erf`. PyTorch's default is the exact erf form; the two
    /// differ by < 1e-3.
    Gelu,
    /// tanh(x).
    Tanh,
}

/// A multilayer perceptron: `input` → `hidden[0]` → … → `output`, every hidden layer followed by
/// the activation (and dropout while training); the last layer gives logits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MlpSpec {
    /// Input features (784 for MNIST).
    pub input: usize,
    /// Widths of the hidden layers, 1 to 4 of them.
    pub hidden: Vec<usize>,
    /// Classes (10 for MNIST).
    pub output: usize,
    /// Nonlinearity after every hidden layer.
    pub activation: Activation,
}

impl MlpSpec {
    /// Refuses shapes the trainer cannot build, with the reason.
    pub fn validate(&self) -> Result<()> {
        if self.input == 0 || self.output == 0 {
            return Err(Error::InvalidArgument("the MLP needs at least one input and one output".into()));
        }
        if self.hidden.is_empty() || self.hidden.len() > 4 {
            return Err(Error::InvalidArgument(format!(
                "the MLP takes 1 to 4 hidden layers, got {}",
                self.hidden.len()
            )));
        }
        if let Some(w) = self.hidden.iter().find(|&&w| w == 0 || w > 4096) {
            return Err(Error::InvalidArgument(format!("hidden width {w} is outside 1..=4096")));
        }
        Ok(())
    }

    /// `(fan_in, fan_out)` of every linear layer, input side first.
    pub fn layer_dims(&self) -> Vec<(usize, usize)> {
        let mut sizes = vec![self.input];
        sizes.extend(&self.hidden);
        sizes.push(self.output);
        sizes.windows(2).map(|w| (w[0], w[1])).collect()
    }

    /// Trainable parameters (weights and biases).
    pub fn parameter_count(&self) -> usize {
        self.layer_dims().iter().map(|&(i, o)| i * o + o).sum()
    }
}

/// Which update rule, with PyTorch's semantics (the ones people know from tutorials).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum OptimizerKind {
    /// `v = momentum·v + g + wd·w; w -= lr·v` (PyTorch SGD, dampening 0, no Nesterov).
    Sgd {
        /// Momentum factor in [0, 1).
        momentum: f32,
    },
    /// Adam (Kingma & Ba 2015) with bias correction; weight decay is L2, added to the gradient.
    Adam,
    /// AdamW (Loshchilov & Hutter 2019): weight decay decoupled, `w -= lr·wd·w` before the Adam step.
    AdamW,
}

/// An optimizer with its hyperparameters. Adam's betas and epsilon are PyTorch's defaults
/// (0.9, 0.999, 1e-8).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OptimizerSpec {
    /// The update rule.
    #[serde(flatten)]
    pub kind: OptimizerKind,
    /// Learning rate.
    pub lr: f32,
    /// Weight decay (L2 for SGD/Adam, decoupled for AdamW); applies to weights and biases alike.
    pub weight_decay: f32,
}

impl OptimizerSpec {
    /// Refuses hyperparameters no update rule can use, with the reason.
    pub fn validate(&self) -> Result<()> {
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return Err(Error::InvalidArgument(format!("the learning rate must be positive, got {}", self.lr)));
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return Err(Error::InvalidArgument(format!(
                "weight decay must be zero or positive, got {}",
                self.weight_decay
            )));
        }
        if let OptimizerKind::Sgd { momentum } = self.kind {
            if !(0.0..1.0).contains(&momentum) {
                return Err(Error::InvalidArgument(format!("SGD momentum must be in [0, 1), got {momentum}")));
            }
        }
        Ok(())
    }
}

/// A whole training run: network, optimizer, schedule, regularization, seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// The network.
    pub mlp: MlpSpec,
    /// The optimizer.
    pub optimizer: OptimizerSpec,
    /// Samples per step; the last, smaller batch of an epoch is kept.
    pub batch_size: usize,
    /// Passes over the training set.
    pub epochs: usize,
    /// Probability of zeroing a hidden unit while training (inverted dropout), in [0, 1).
    pub dropout: f32,
    /// Fixes the initial weights, the batch order and the dropout masks.
    pub seed: u64,
}

impl TrainConfig {
    /// Refuses a run that cannot start (network, optimizer, batch size, epochs, dropout), with the
    /// reason.
    pub fn validate(&self) -> Result<()> {
        self.mlp.validate()?;
        self.optimizer.validate()?;
        if self.batch_size == 0 {
            return Err(Error::InvalidArgument("the batch size must be at least 1".into()));
        }
        if self.epochs == 0 {
            return Err(Error::InvalidArgument("training needs at least 1 epoch".into()));
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return Err(Error::InvalidArgument(format!("dropout must be in [0, 1), got {}", self.dropout)));
        }
        Ok(())
    }
}

/// Parameters of an MLP, in the layout both backends share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// One entry per linear layer, input side first.
    pub layers: Vec<LayerWeights>,
}

/// One linear layer `y = x·Wᵀ + b`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerWeights {
    /// Rows = fan_out, columns = fan_in, row-major (candle's and PyTorch's `Linear` layout).
    pub w: Vec<f32>,
    /// fan_out biases.
    pub b: Vec<f32>,
    /// fan_in.
    pub fan_in: usize,
    /// fan_out.
    pub fan_out: usize,
}

impl Weights {
    /// PyTorch's `nn.Linear` initialisation — weights and biases uniform in ±1/√fan_in — drawn from
    /// our seeded generator, so both backends, native and wasm, start from the same numbers.
    pub fn init(spec: &MlpSpec, seed: u64) -> Weights {
        let mut rng = Rng::seed_from_u64(seed);
        let layers = spec
            .layer_dims()
            .into_iter()
            .map(|(fan_in, fan_out)| {
                let bound = 1.0 / (fan_in as f64).sqrt();
                let mut draw =
                    |n: usize| -> Vec<f32> { (0..n).map(|_| rng.uniform_range(-bound, bound) as f32).collect() };
                let w = draw(fan_in * fan_out);
                let b = draw(fan_out);
                LayerWeights { w, b, fan_in, fan_out }
            })
            .collect();
        Weights { layers }
    }
}
