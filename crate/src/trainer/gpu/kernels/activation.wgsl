// A hidden layer's elementwise part, forward and backward, over a rows × cols matrix.
//   forward:  z ← z + b (b broadcast over rows);  a = f(z) ⊙ m
//   backward: δ ← δ ⊙ m ⊙ f′(z)   (δ arrives as ∂loss/∂a and leaves as ∂loss/∂z, in place)
// m is the inverted-dropout mask drawn by the training loop (0 or 1/(1−p)); `masked` = 0 means no
// mask (evaluation, or dropout off). The output layer only adds its bias (`add_bias`): its logits
// go to softmax cross-entropy.
// f is ReLU, GELU (tanh approximation, as candle's `gelu`) or tanh, chosen by `activation`.

struct Shape {
    rows: u32,
    cols: u32,
    activation: u32,
    masked: u32,
}

const RELU: u32 = 0u;
const GELU: u32 = 1u;
const TANH: u32 = 2u;
// √(2/π), the GELU tanh approximation's constant.
const GELU_C: f32 = 0.7978845608028654;
const GELU_A: f32 = 0.044715;

@group(0) @binding(0) var<uniform> shape: Shape;
@group(0) @binding(1) var<storage, read> bias: array<f32>;
@group(0) @binding(2) var<storage, read> mask: array<f32>;
@group(0) @binding(3) var<storage, read_write> z: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

// tanh through exp(−2|x|), which cannot overflow: some drivers build WGSL's tanh from exp(2x) and
// return NaN for large |x|.
fn tanh_stable(x: f32) -> f32 {
    let e = exp(-2.0 * abs(x));
    return sign(x) * (1.0 - e) / (1.0 + e);
}

fn f(x: f32) -> f32 {
    switch shape.activation {
        case RELU: { return max(x, 0.0); }
        case GELU: { return 0.5 * x * (1.0 + tanh_stable(GELU_C * (x + GELU_A * x * x * x))); }
        default: { return tanh_stable(x); }
    }
}

fn f_prime(x: f32) -> f32 {
    switch shape.activation {
        case RELU: { return select(0.0, 1.0, x > 0.0); }
        case GELU: {
            let t = tanh_stable(GELU_C * (x + GELU_A * x * x * x));
            return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * GELU_A * x * x);
        }
        default: {
            let t = tanh_stable(x);
            return 1.0 - t * t;
        }
    }
}

// Dispatches are 2-D when a matrix has more than 65,535 × 256 entries; this flattens them.
fn flat(id: vec3<u32>, groups: vec3<u32>) -> u32 {
    return id.x + id.y * groups.x * 256u;
}

fn mask_at(i: u32) -> f32 {
    if shape.masked == 0u {
        return 1.0;
    }
    return mask[i];
}

@compute @workgroup_size(256)
fn forward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat(id, groups);
    if i >= shape.rows * shape.cols {
        return;
    }
    let pre = z[i] + bias[i % shape.cols];
    z[i] = pre;
    out[i] = f(pre) * mask_at(i);
}

// Bindings for `backward`: z (read) and the gradient `out` (read_write, in place).
@compute @workgroup_size(256)
fn backward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat(id, groups);
    if i >= shape.rows * shape.cols {
        return;
    }
    out[i] = out[i] * mask_at(i) * f_prime(z[i]);
}

@compute @workgroup_size(256)
fn add_bias(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat(id, groups);
    if i >= shape.rows * shape.cols {
        return;
    }
    z[i] = z[i] + bias[i % shape.cols];
}
