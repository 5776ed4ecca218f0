// A bias's gradient is the column sum of its layer's δ (rows × cols): ∂loss/∂b_c = Σ_r δ_rc.
// One invocation per column, summing rows in order.

struct Shape {
    rows: u32,
    cols: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> shape: Shape;
@group(0) @binding(1) var<storage, read> delta: array<f32>;
@group(0) @binding(2) var<storage, read_write> grad: array<f32>;

@compute @workgroup_size(64)
fn column_sum(@builtin(global_invocation_id) id: vec3<u32>) {
    let c = id.x;
    if c >= shape.cols {
        return;
    }
    var total = 0.0;
    for (var r = 0u; r < shape.rows; r++) {
        total += delta[r * shape.cols + c];
    }
    grad[c] = total;
}
