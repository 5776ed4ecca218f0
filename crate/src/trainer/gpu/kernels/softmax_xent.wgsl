// Softmax cross-entropy over a batch of logits (rows × classes), mean over rows.
//   per_row:  loss_r = log Σ_c exp(z_rc) − z_r,y_r        (max-shifted, so exp cannot overflow)
//             ∂loss/∂z_rc = (softmax(z_r)_c − [c = y_r]) / rows
//   mean:     loss = Σ_r loss_r / rows, summed in row order by one invocation, so the result does
//             not depend on scheduling.

struct Shape {
    rows: u32,
    classes: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> shape: Shape;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(4) var<storage, read_write> row_loss: array<f32>;
@group(0) @binding(5) var<storage, read_write> loss: array<f32>;

@compute @workgroup_size(64)
fn per_row(@builtin(global_invocation_id) id: vec3<u32>) {
    let r = id.x;
    if r >= shape.rows {
        return;
    }
    let base = r * shape.classes;
    var top = logits[base];
    for (var c = 1u; c < shape.classes; c++) {
        top = max(top, logits[base + c]);
    }
    var total = 0.0;
    for (var c = 0u; c < shape.classes; c++) {
        total += exp(logits[base + c] - top);
    }
    let y = labels[r];
    row_loss[r] = top + log(total) - logits[base + y];
    let scale = 1.0 / f32(shape.rows);
    for (var c = 0u; c < shape.classes; c++) {
        let p = exp(logits[base + c] - top) / total;
        dlogits[base + c] = (p - select(0.0, 1.0, c == y)) * scale;
    }
}

@compute @workgroup_size(1)
fn mean() {
    var total = 0.0;
    for (var r = 0u; r < shape.rows; r++) {
        total += row_loss[r];
    }
    loss[0] = total / f32(shape.rows);
}
