//! Training on the GPU through WebGPU: the `wgpu` crate (Vulkan natively, `navigator.gpu` in the
//! browser) running our own WGSL kernels, one per step of forward, backward and update (see
//! `kernels/`, each file states its math once).
//!
//! Everything stays on the GPU between steps: parameters, optimizer state, activations. A step
//! uploads the batch (inputs, labels, dropout masks), records every dispatch into one command
//! encoder, and reads back only the mean loss. Activation buffers are sized for the largest batch
//! seen so far, and the bind groups of a batch size are built once and reused (an epoch's last,
//! smaller batch gets its own).

mod buffers;
mod kernels;

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::trainer::backend::{Backend, Batch};
use crate::trainer::spec::{Activation, LayerWeights, MlpSpec, OptimizerKind, OptimizerSpec, Weights};

use kernels::Kernels;

/// Rows evaluated per dispatch by [`GpuBackend::logits`], so a whole validation set does not
/// size every activation buffer.
const EVAL_CHUNK: usize = 1024;

/// Adam's β₁, β₂ and ε: PyTorch's defaults, as in [`OptimizerSpec`].
const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPS: f32 = 1e-8;

/// Which GPU adapters a backend may train on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdapterPolicy {
    /// Any adapter, software ones included (a user forcing WebGPU; the parity tests).
    Any,
    /// Only adapters that are not a CPU in disguise: software fallbacks (Chromium's SwiftShader,
    /// Mesa's lavapipe) train 5–20× slower than the CPU backend (benches/TRAINER_GPU.md), so
    /// "auto" must not pick them.
    HardwareOnly,
}

/// An MLP trained with WebGPU compute kernels. See the module documentation.
pub struct GpuBackend {
    device: wgpu::Device,
    queue: wgpu::Queue,
    adapter: String,
    kernels: Kernels,
    spec: MlpSpec,
    optimizer: OptimizerSpec,
    layers: Vec<Parameters>,
    /// The optimizer's hyperparameters and this step's bias corrections (`kernels/optimizer.wgsl`).
    hyper: wgpu::Buffer,
    /// Optimizer steps taken so far.
    step: u32,
    activations: Option<Activations>,
    plans: HashMap<(usize, Mode), Vec<Dispatch>>,
    loss_staging: wgpu::Buffer,
}

/// One linear layer's parameters, gradients and optimizer state (`v` only for Adam and AdamW).
struct Parameters {
    fan_in: usize,
    fan_out: usize,
    w: wgpu::Buffer,
    b: wgpu::Buffer,
    grad_w: wgpu::Buffer,
    grad_b: wgpu::Buffer,
    m_w: wgpu::Buffer,
    m_b: wgpu::Buffer,
    v_w: Option<wgpu::Buffer>,
    v_b: Option<wgpu::Buffer>,
}

/// Per-sample buffers, for up to `rows` samples.
struct Activations {
    rows: usize,
    x: wgpu::Buffer,
    labels: wgpu::Buffer,
    /// Per hidden layer.
    masks: Vec<wgpu::Buffer>,
    /// Per layer: pre-activations z = a·Wᵀ + b (the last layer's are the logits).
    z: Vec<wgpu::Buffer>,
    /// Per hidden layer: f(z) ⊙ mask.
    a: Vec<wgpu::Buffer>,
    /// Per layer: ∂loss/∂z (for a hidden layer, ∂loss/∂a until the activation's backward).
    delta: Vec<wgpu::Buffer>,
    row_loss: wgpu::Buffer,
    loss: wgpu::Buffer,
    logits_staging: wgpu::Buffer,
}

/// What a recorded sequence of dispatches does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Mode {
    /// Forward, loss, backward, update; `masked` when the batch carries dropout masks.
    Train { masked: bool },
    /// Forward only, without dropout.
    Eval,
}

struct Dispatch {
    pipeline: wgpu::ComputePipeline,
    bind_group: wgpu::BindGroup,
    groups: (u32, u32),
}

impl GpuBackend {
    /// Uploads `weights` to the first GPU adapter found and prepares the kernels. Fails with a
    /// clear error (`Error::Training`) when there is no adapter (no WebGPU in this browser or worker, or natively no
    /// Vulkan driver), so the caller can fall back to the CPU backend.
    pub async fn new(spec: &MlpSpec, optimizer: &OptimizerSpec, weights: &Weights) -> Result<GpuBackend> {
        GpuBackend::open(spec, optimizer, weights, AdapterPolicy::Any).await
    }

    /// Like [`GpuBackend::new`], but only on an adapter `policy` accepts.
    pub async fn open(
        spec: &MlpSpec,
        optimizer: &OptimizerSpec,
        weights: &Weights,
        policy: AdapterPolicy,
    ) -> Result<GpuBackend> {
        spec.validate()?;
        check_weights(spec, weights)?;
        check_optimizer(optimizer)?;
        let (device, queue, adapter) = open_device(policy).await?;
        let update_entry = match optimizer.kind {
            OptimizerKind::Sgd { .. } => "sgd",
            OptimizerKind::Adam => "adam",
            OptimizerKind::AdamW => "adamw",
        };
        let kernels = Kernels::new(&device, update_entry);
        let needs_v = !matches!(optimizer.kind, OptimizerKind::Sgd { .. });
        let layers = weights
            .layers
            .iter()
            .map(|l| {
                let (nw, nb) = (l.w.len(), l.b.len());
                Parameters {
                    fan_in: l.fan_in,
                    fan_out: l.fan_out,
                    w: buffers::storage_with(&device, "w", &l.w),
                    b: buffers::storage_with(&device, "b", &l.b),
                    grad_w: buffers::storage(&device, "grad_w", nw),
                    grad_b: buffers::storage(&device, "grad_b", nb),
                    m_w: buffers::storage(&device, "m_w", nw),
                    m_b: buffers::storage(&device, "m_b", nb),
                    v_w: needs_v.then(|| buffers::storage(&device, "v_w", nw)),
                    v_b: needs_v.then(|| buffers::storage(&device, "v_b", nb)),
                }
            })
            .collect();
        let hyper = buffers::uniform(&device, "hyper", &[0; 8]);
        let loss_staging = buffers::staging(&device, "loss staging", 4);
        Ok(GpuBackend {
            device,
            queue,
            adapter,
            kernels,
            spec: spec.clone(),
            optimizer: *optimizer,
            layers,
            hyper,
            step: 0,
            activations: None,
            plans: HashMap::new(),
            loss_staging,
        })
    }

    /// The adapter in use, as the driver names it (e.g. "llvmpipe (LLVM 15.0.6), Vulkan"), for
    /// benchmark records.
    pub fn adapter(&self) -> &str {
        &self.adapter
    }

    /// Makes the per-sample buffers hold at least `rows` samples.
    fn reserve(&mut self, rows: usize) {
        if self.activations.as_ref().is_some_and(|a| a.rows >= rows) {
            return;
        }
        let device = &self.device;
        let hidden = &self.spec.hidden;
        let widths: Vec<usize> = self.layers.iter().map(|l| l.fan_out).collect();
        self.activations = Some(Activations {
            rows,
            x: buffers::storage(device, "x", rows * self.spec.input),
            labels: buffers::storage(device, "labels", rows),
            masks: hidden.iter().map(|&w| buffers::storage(device, "mask", rows * w)).collect(),
            z: widths.iter().map(|&w| buffers::storage(device, "z", rows * w)).collect(),
            a: hidden.iter().map(|&w| buffers::storage(device, "a", rows * w)).collect(),
            delta: widths.iter().map(|&w| buffers::storage(device, "delta", rows * w)).collect(),
            row_loss: buffers::storage(device, "row loss", rows),
            loss: buffers::storage(device, "loss", 1),
            logits_staging: buffers::staging(device, "logits staging", (rows * self.spec.output * 4) as u64),
        });
        // Bind groups name buffers, and these buffers are new.
        self.plans.clear();
    }

    /// Records `mode`'s dispatches for `rows` samples unless already recorded.
    fn plan(&mut self, rows: usize, mode: Mode) -> Result<()> {
        if self.plans.contains_key(&(rows, mode)) {
            return Ok(());
        }
        let acts = self.activations.as_ref().expect("reserve() before plan()");
        let mut plan = Vec::new();
        let recorder = Recorder { device: &self.device, kernels: &self.kernels };
        let masked = matches!(mode, Mode::Train { masked: true });
        let act = match self.spec.activation {
            Activation::Relu => 0,
            Activation::Gelu => 1,
            Activation::Tanh => 2,
        };
        let last = self.layers.len() - 1;
        let input_of = |l: usize| if l == 0 { &acts.x } else { &acts.a[l - 1] };
        for (l, p) in self.layers.iter().enumerate() {
            let (i, o) = (p.fan_in, p.fan_out);
            // Z = X·Wᵀ
            plan.push(recorder.matmul([rows, o, i], [i, 1], [1, i], input_of(l), &p.w, &acts.z[l])?);
            let shape = [rows, o, act, masked as usize];
            let n = rows * o;
            plan.push(if l < last {
                let k = &self.kernels.activation_forward;
                recorder.elementwise(
                    k,
                    n,
                    &shape,
                    &[(1, &p.b), (2, &acts.masks[l]), (3, &acts.z[l]), (4, &acts.a[l])],
                )?
            } else {
                recorder.elementwise(&self.kernels.add_bias, n, &shape, &[(1, &p.b), (3, &acts.z[l])])?
            });
        }
        if let Mode::Train { .. } = mode {
            let classes = self.spec.output;
            let shape = [rows, classes];
            let rows_kernel = &self.kernels.xent_rows;
            let bindings = [(1, &acts.z[last]), (2, &acts.labels), (3, &acts.delta[last]), (4, &acts.row_loss)];
            plan.push(recorder.dispatch(rows_kernel, groups_for(rows, 64)?, &shape, &bindings));
            let bindings = [(4, &acts.row_loss), (5, &acts.loss)];
            plan.push(recorder.dispatch(&self.kernels.xent_mean, (1, 1), &shape, &bindings));
            for (l, p) in self.layers.iter().enumerate().rev() {
                let (i, o) = (p.fan_in, p.fan_out);
                // dW = δᵀ·X
                plan.push(recorder.matmul([o, i, rows], [1, o], [i, 1], &acts.delta[l], input_of(l), &p.grad_w)?);
                let bindings = [(1, &acts.delta[l]), (2, &p.grad_b)];
                plan.push(recorder.dispatch(&self.kernels.bias_grad, groups_for(o, 64)?, &[rows, o], &bindings));
                if l > 0 {
                    // dX = δ·W, then through the previous layer's dropout and activation.
                    plan.push(recorder.matmul(
                        [rows, i, o],
                        [o, 1],
                        [i, 1],
                        &acts.delta[l],
                        &p.w,
                        &acts.delta[l - 1],
                    )?);
                    let shape = [rows, i, act, masked as usize];
                    let bindings = [(2, &acts.masks[l - 1]), (3, &acts.z[l - 1]), (4, &acts.delta[l - 1])];
                    plan.push(recorder.elementwise(&self.kernels.activation_backward, rows * i, &shape, &bindings)?);
                }
            }
            for p in &self.layers {
                let tensors = [(&p.w, &p.grad_w, &p.m_w, &p.v_w), (&p.b, &p.grad_b, &p.m_b, &p.v_b)];
                for (w, g, m, v) in tensors {
                    let mut bindings = vec![(0, &self.hyper), (1, w), (2, g), (3, m)];
                    if let Some(v) = v {
                        bindings.push((4, v));
                    }
                    let groups = elementwise_groups(w.size() as usize / 4)?;
                    plan.push(recorder.bind(&self.kernels.update, groups, &bindings));
                }
            }
        }
        self.plans.insert((rows, mode), plan);
        Ok(())
    }

    /// Records `mode`'s dispatches for `rows` samples into one command encoder and, after them,
    /// `copy` (source, destination, bytes); then submits.
    fn run(&self, rows: usize, mode: Mode, copy: (&wgpu::Buffer, &wgpu::Buffer, u64)) {
        let plan = &self.plans[&(rows, mode)];
        let mut encoder = self.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("step") });
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor::default());
            for d in plan {
                pass.set_pipeline(&d.pipeline);
                pass.set_bind_group(0, &d.bind_group, &[]);
                pass.dispatch_workgroups(d.groups.0, d.groups.1, 1);
            }
        }
        encoder.copy_buffer_to_buffer(copy.0, 0, copy.1, 0, copy.2);
        self.queue.submit([encoder.finish()]);
    }

    fn check_batch(&self, batch: &Batch) -> Result<()> {
        let rows = batch.rows;
        if rows == 0 {
            return Err(Error::InvalidArgument("a training batch needs at least one sample".into()));
        }
        if batch.x.len() != rows * self.spec.input || batch.y.len() != rows {
            return Err(Error::InvalidArgument(format!(
                "a batch of {rows} samples needs {} features and {rows} labels, got {} and {}",
                rows * self.spec.input,
                batch.x.len(),
                batch.y.len()
            )));
        }
        if let Some(y) = batch.y.iter().find(|&&y| y as usize >= self.spec.output) {
            return Err(Error::InvalidArgument(format!("label {y} is outside 0..{}", self.spec.output)));
        }
        if !batch.dropout_masks.is_empty() {
            if batch.dropout_masks.len() != self.spec.hidden.len() {
                return Err(Error::InvalidArgument(format!(
                    "{} dropout masks for {} hidden layers",
                    batch.dropout_masks.len(),
                    self.spec.hidden.len()
                )));
            }
            for (mask, &w) in batch.dropout_masks.iter().zip(&self.spec.hidden) {
                if mask.len() != rows * w {
                    return Err(Error::InvalidArgument(format!(
                        "a dropout mask for a width-{w} layer and {rows} samples needs {} entries, got {}",
                        rows * w,
                        mask.len()
                    )));
                }
            }
        }
        Ok(())
    }

    fn write_hyper(&self) {
        let t = self.step as i32;
        let (momentum, correction1, correction2) = match self.optimizer.kind {
            OptimizerKind::Sgd { momentum } => (momentum, 1.0, 1.0),
            _ => (0.0, (1.0 - BETA1.powi(t)) as f32, (1.0 - BETA2.powi(t)) as f32),
        };
        let o = &self.optimizer;
        let values = [o.lr, o.weight_decay, momentum, BETA1 as f32, BETA2 as f32, EPS, correction1, correction2];
        self.queue.write_buffer(&self.hyper, 0, bytemuck::cast_slice(&values));
    }
}

impl Backend for GpuBackend {
    fn name(&self) -> &'static str {
        "webgpu"
    }

    async fn train_step(&mut self, batch: &Batch) -> Result<f32> {
        self.check_batch(batch)?;
        let rows = batch.rows;
        let mode = Mode::Train { masked: !batch.dropout_masks.is_empty() };
        self.reserve(rows);
        self.plan(rows, mode)?;
        let acts = self.activations.as_ref().expect("reserved above");
        self.queue.write_buffer(&acts.x, 0, bytemuck::cast_slice(&batch.x));
        self.queue.write_buffer(&acts.labels, 0, bytemuck::cast_slice(&batch.y));
        for (buffer, mask) in acts.masks.iter().zip(&batch.dropout_masks) {
            self.queue.write_buffer(buffer, 0, bytemuck::cast_slice(mask));
        }
        self.step += 1;
        self.write_hyper();
        self.run(rows, mode, (&acts.loss, &self.loss_staging, 4));
        let loss = buffers::read_f32(&self.device, &self.loss_staging, 1).await?;
        Ok(loss[0])
    }

    async fn logits(&mut self, x: &[f32], rows: usize) -> Result<Vec<f32>> {
        let input = self.spec.input;
        if x.len() != rows * input {
            return Err(Error::InvalidArgument(format!(
                "{rows} samples need {} features, got {}",
                rows * input,
                x.len()
            )));
        }
        let classes = self.spec.output;
        let mut out = Vec::with_capacity(rows * classes);
        self.reserve(rows.min(EVAL_CHUNK));
        for chunk in x.chunks(EVAL_CHUNK * input) {
            let n = chunk.len() / input;
            self.plan(n, Mode::Eval)?;
            let acts = self.activations.as_ref().expect("reserved above");
            self.queue.write_buffer(&acts.x, 0, bytemuck::cast_slice(chunk));
            let logits = acts.z.last().expect("at least one layer");
            self.run(n, Mode::Eval, (logits, &acts.logits_staging, (n * classes * 4) as u64));
            out.extend(buffers::read_f32(&self.device, &acts.logits_staging, n * classes).await?);
        }
        Ok(out)
    }

    async fn weights(&mut self) -> Result<Weights> {
        let total: usize = self.layers.iter().map(|p| p.fan_in * p.fan_out + p.fan_out).sum();
        let staging = buffers::staging(&self.device, "weights staging", (total * 4) as u64);
        let mut encoder =
            self.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("weights") });
        let mut offset = 0;
        for p in &self.layers {
            for (buffer, n) in [(&p.w, p.fan_in * p.fan_out), (&p.b, p.fan_out)] {
                encoder.copy_buffer_to_buffer(buffer, 0, &staging, offset, (n * 4) as u64);
                offset += (n * 4) as u64;
            }
        }
        self.queue.submit([encoder.finish()]);
        let flat = buffers::read_f32(&self.device, &staging, total).await?;
        let mut rest = flat.as_slice();
        let layers = self
            .layers
            .iter()
            .map(|p| {
                let (w, tail) = rest.split_at(p.fan_in * p.fan_out);
                let (b, tail) = tail.split_at(p.fan_out);
                rest = tail;
                LayerWeights { w: w.to_vec(), b: b.to_vec(), fan_in: p.fan_in, fan_out: p.fan_out }
            })
            .collect();
        Ok(Weights { layers })
    }
}

/// Builds dispatches: a uniform block of shape words plus the storage buffers an entry point uses.
struct Recorder<'a> {
    device: &'a wgpu::Device,
    kernels: &'a Kernels,
}

impl Recorder<'_> {
    fn bind(
        &self,
        pipeline: &wgpu::ComputePipeline,
        groups: (u32, u32),
        bindings: &[(u32, &wgpu::Buffer)],
    ) -> Dispatch {
        let entries: Vec<_> = bindings
            .iter()
            .map(|&(binding, buffer)| wgpu::BindGroupEntry { binding, resource: buffer.as_entire_binding() })
            .collect();
        let bind_group = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &pipeline.get_bind_group_layout(0),
            entries: &entries,
        });
        Dispatch { pipeline: pipeline.clone(), bind_group, groups }
    }

    /// A dispatch whose binding 0 is a fresh uniform block holding `shape`.
    fn dispatch(
        &self,
        pipeline: &wgpu::ComputePipeline,
        groups: (u32, u32),
        shape: &[usize],
        bindings: &[(u32, &wgpu::Buffer)],
    ) -> Dispatch {
        let words: Vec<u32> = shape.iter().map(|&s| s as u32).collect();
        let uniform = buffers::uniform(self.device, "shape", &words);
        let mut all = vec![(0, &uniform)];
        all.extend_from_slice(bindings);
        self.bind(pipeline, groups, &all)
    }

    /// One thread per element of an `n`-element matrix.
    fn elementwise(
        &self,
        pipeline: &wgpu::ComputePipeline,
        n: usize,
        shape: &[usize],
        bindings: &[(u32, &wgpu::Buffer)],
    ) -> Result<Dispatch> {
        Ok(self.dispatch(pipeline, elementwise_groups(n)?, shape, bindings))
    }

    /// C (m × n) = A·B with A's and B's (row, column) strides; `mnk` = [m, n, k].
    fn matmul(
        &self,
        mnk: [usize; 3],
        a_strides: [usize; 2],
        b_strides: [usize; 2],
        a: &wgpu::Buffer,
        b: &wgpu::Buffer,
        c: &wgpu::Buffer,
    ) -> Result<Dispatch> {
        let [m, n, k] = mnk;
        let groups = (tile_groups(n)?, tile_groups(m)?);
        let shape = [m, n, k, a_strides[0], a_strides[1], b_strides[0], b_strides[1], 0];
        Ok(self.dispatch(&self.kernels.matmul, groups, &shape, &[(1, a), (2, b), (3, c)]))
    }
}

/// WebGPU's per-dimension limit on workgroups in a dispatch.
const MAX_GROUPS: usize = 65_535;

fn groups_for(n: usize, size: usize) -> Result<(u32, u32)> {
    let groups = n.div_ceil(size);
    if groups > MAX_GROUPS {
        return Err(Error::InvalidArgument(format!("{n} rows or columns are more than one WebGPU dispatch covers")));
    }
    Ok((groups.max(1) as u32, 1))
}

/// Workgroups along one side of C: `kernels/matmul.wgsl` computes 64×64 blocks.
fn tile_groups(n: usize) -> Result<u32> {
    groups_for(n, 64).map(|g| g.0)
}

/// 256-thread workgroups over `n` elements, folded into a second dimension past 65,535 of them
/// (the kernels flatten it back).
fn elementwise_groups(n: usize) -> Result<(u32, u32)> {
    let groups = n.div_ceil(256).max(1);
    if groups <= MAX_GROUPS {
        return Ok((groups as u32, 1));
    }
    let rows = groups.div_ceil(MAX_GROUPS);
    if rows > MAX_GROUPS {
        return Err(Error::InvalidArgument(format!("{n} elements are more than one WebGPU dispatch covers")));
    }
    Ok((MAX_GROUPS as u32, rows as u32))
}

fn check_weights(spec: &MlpSpec, weights: &Weights) -> Result<()> {
    let dims = spec.layer_dims();
    let shapes_match = weights.layers.len() == dims.len()
        && weights
            .layers
            .iter()
            .zip(&dims)
            .all(|(l, &(i, o))| l.fan_in == i && l.fan_out == o && l.w.len() == i * o && l.b.len() == o);
    if !shapes_match {
        return Err(Error::InvalidArgument(format!(
            "the weights do not fit the MLP {} → {:?} → {}",
            spec.input, spec.hidden, spec.output
        )));
    }
    Ok(())
}

fn check_optimizer(o: &OptimizerSpec) -> Result<()> {
    if !(o.lr.is_finite() && o.lr > 0.0) {
        return Err(Error::InvalidArgument(format!("learning rate must be positive, got {}", o.lr)));
    }
    if !(o.weight_decay.is_finite() && o.weight_decay >= 0.0) {
        return Err(Error::InvalidArgument(format!("weight decay must be ≥ 0, got {}", o.weight_decay)));
    }
    if let OptimizerKind::Sgd { momentum } = o.kind
        && !(0.0..1.0).contains(&momentum)
    {
        return Err(Error::InvalidArgument(format!("SGD momentum must be in [0, 1), got {momentum}")));
    }
    Ok(())
}

/// The first adapter WebGPU offers (Vulkan natively, `navigator.gpu` in a browser), with the
/// adapter's own limits, so wide layers get the largest buffers it allows.
async fn open_device(policy: AdapterPolicy) -> Result<(wgpu::Device, wgpu::Queue, String)> {
    let backends = if cfg!(target_arch = "wasm32") { wgpu::Backends::BROWSER_WEBGPU } else { wgpu::Backends::VULKAN };
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends,
        ..wgpu::InstanceDescriptor::new_without_display_handle()
    });
    let adapter = instance
        .request_adapter(&wgpu::RequestAdapterOptions {
            power_preference: wgpu::PowerPreference::HighPerformance,
            force_fallback_adapter: false,
            ..Default::default()
        })
        .await
        .map_err(|e| {
            let hint = if cfg!(target_arch = "wasm32") {
                "this browser or worker offers no WebGPU adapter (navigator.gpu)"
            } else {
                "no Vulkan driver found; on Debian/Ubuntu install mesa-vulkan-drivers (lavapipe, a software \
                 Vulkan) or a GPU driver"
            };
            Error::Training(format!("no WebGPU adapter: {hint} ({e})"))
        })?;
    let info = adapter.get_info();
    // Browsers often leave the description empty (SwiftShader does): say what is known.
    let mut details = vec![format!("{:?}", info.backend)];
    details.extend((!info.driver_info.is_empty()).then(|| info.driver_info.clone()));
    details.extend((info.device_type == wgpu::DeviceType::Cpu).then(|| "software".to_string()));
    let label = if info.name.is_empty() { "unnamed adapter" } else { info.name.as_str() };
    let name = format!("{label} ({})", details.join(", "));
    // The browser flags its fallback adapter and Vulkan reports lavapipe as a CPU device: both
    // map to `DeviceType::Cpu`.
    if policy == AdapterPolicy::HardwareOnly && info.device_type == wgpu::DeviceType::Cpu {
        return Err(Error::Training(format!(
            "the only WebGPU adapter, {name}, is a software fallback running on the CPU (slower than the CPU backend)"
        )));
    }
    let (device, queue) = adapter
        .request_device(&wgpu::DeviceDescriptor {
            label: Some("wasmtune trainer"),
            required_features: wgpu::Features::empty(),
            required_limits: adapter.limits(),
            experimental_features: Default::default(),
            memory_hints: wgpu::MemoryHints::Performance,
            trace: Default::default(),
        })
        .await
        .map_err(|e| Error::Training(format!("the WebGPU adapter {name} refused a device: {e}")))?;
    Ok((device, queue, name))
}
