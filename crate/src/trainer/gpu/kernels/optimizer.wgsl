// One optimizer step on one parameter tensor (w, its gradient g, state m and v), elementwise, with
// PyTorch's semantics (λ = weight decay, η = learning rate, t = step counted from 1):
//   sgd:    g ← g + λw;  m ← μm + g;  w ← w − ηm
//   adam:   g ← g + λw;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
//           w ← w − η · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
//   adamw:  w ← w − ηλw, then the adam step without λ
// The bias corrections 1−β₁ᵗ and 1−β₂ᵗ are computed on the host each step.

struct Hyper {
    lr: f32,
    weight_decay: f32,
    momentum: f32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    correction1: f32,
    correction2: f32,
}

@group(0) @binding(0) var<uniform> hyper: Hyper;
@group(0) @binding(1) var<storage, read_write> w: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;

fn flat(id: vec3<u32>, groups: vec3<u32>) -> u32 {
    return id.x + id.y * groups.x * 256u;
}

fn adam_step(i: u32, grad: f32) {
    m[i] = hyper.beta1 * m[i] + (1.0 - hyper.beta1) * grad;
    v[i] = hyper.beta2 * v[i] + (1.0 - hyper.beta2) * grad * grad;
    let m_hat = m[i] / hyper.correction1;
    let v_hat = v[i] / hyper.correction2;
    w[i] = w[i] - hyper.lr * m_hat / (sqrt(v_hat) + hyper.eps);
}

@compute @workgroup_size(256)
fn sgd(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat(id, groups);
    if i >= arrayLength(&w) {
        return;
    }
    let grad = g[i] + hyper.weight_decay * w[i];
    m[i] = hyper.momentum * m[i] + grad;
    w[i] = w[i] - hyper.lr * m[i];
}

@compute @workgroup_size(256)
fn adam(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat(id, groups);
    if i >= arrayLength(&w) {
        return;
    }
    adam_step(i, g[i] + hyper.weight_decay * w[i]);
}

@compute @workgroup_size(256)
fn adamw(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat(id, groups);
    if i >= arrayLength(&w) {
        return;
    }
    w[i] = w[i] * (1.0 - hyper.lr * hyper.weight_decay);
    adam_step(i, g[i]);
}
