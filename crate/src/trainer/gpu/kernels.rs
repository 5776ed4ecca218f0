//! The compiled WGSL kernels, one compute pipeline per step of training. The math each one does
//! is written once, at the top of its `.wgsl` file in `kernels/`.

/// Every pipeline the backend dispatches. Layouts are derived from each entry point's bindings,
/// so a bind group lists exactly the buffers that entry point reads or writes.
pub(super) struct Kernels {
    /// `kernels/matmul.wgsl`: C = A·B through strides (forward, input and weight gradients).
    pub matmul: wgpu::ComputePipeline,
    /// `kernels/activation.wgsl`: z += b, a = f(z) ⊙ mask.
    pub activation_forward: wgpu::ComputePipeline,
    /// `kernels/activation.wgsl`: δ ← δ ⊙ mask ⊙ f′(z).
    pub activation_backward: wgpu::ComputePipeline,
    /// `kernels/activation.wgsl`: z += b for the output layer.
    pub add_bias: wgpu::ComputePipeline,
    /// `kernels/softmax_xent.wgsl`: per-row loss and ∂loss/∂logits.
    pub xent_rows: wgpu::ComputePipeline,
    /// `kernels/softmax_xent.wgsl`: the batch's mean loss.
    pub xent_mean: wgpu::ComputePipeline,
    /// `kernels/bias_grad.wgsl`: column sums of δ.
    pub bias_grad: wgpu::ComputePipeline,
    /// `kernels/optimizer.wgsl`: the update rule chosen for this run.
    pub update: wgpu::ComputePipeline,
}

impl Kernels {
    /// Compiles the kernels; `update_entry` is "sgd", "adam" or "adamw".
    pub fn new(device: &wgpu::Device, update_entry: &str) -> Kernels {
        let module = |label: &str, source: &str| {
            device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(label),
                source: wgpu::ShaderSource::Wgsl(source.into()),
            })
        };
        let matmul = module("matmul", include_str!("kernels/matmul.wgsl"));
        let activation = module("activation", include_str!("kernels/activation.wgsl"));
        let xent = module("softmax_xent", include_str!("kernels/softmax_xent.wgsl"));
        let bias_grad = module("bias_grad", include_str!("kernels/bias_grad.wgsl"));
        let optimizer = module("optimizer", include_str!("kernels/optimizer.wgsl"));
        let pipeline = |module: &wgpu::ShaderModule, entry: &str| {
            device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(entry),
                layout: None,
                module,
                entry_point: Some(entry),
                compilation_options: Default::default(),
                cache: None,
            })
        };
        Kernels {
            matmul: pipeline(&matmul, "matmul"),
            activation_forward: pipeline(&activation, "forward"),
            activation_backward: pipeline(&activation, "backward"),
            add_bias: pipeline(&activation, "add_bias"),
            xent_rows: pipeline(&xent, "per_row"),
            xent_mean: pipeline(&xent, "mean"),
            bias_grad: pipeline(&bias_grad, "column_sum"),
            update: pipeline(&optimizer, update_entry),
        }
    }
}
