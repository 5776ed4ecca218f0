// C = A·B, with C row-major (m × n) and A (m × k), B (k × n) read through strides, so that a
// transposed operand is just other strides: A[i][j] = a[i·a_row + j·a_col]. All three products of
// a linear layer y = x·Wᵀ + b are this one kernel:
//   forward          Z  = X·Wᵀ    A = X,   B = Wᵀ
//   input gradient   dX = dZ·W    A = dZ,  B = W
//   weight gradient  dW = dZᵀ·X   A = dZᵀ, B = X
// A 16×16 workgroup computes one 16×16 tile of C, walking k in slabs of 16 staged in workgroup
// memory, so each element of A and B is read from the buffer once per tile instead of once per
// product.

struct Dims {
    m: u32,
    n: u32,
    k: u32,
    a_row: u32,
    a_col: u32,
    b_row: u32,
    b_col: u32,
    _pad: u32,
}

const TILE: u32 = 16u;

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

var<workgroup> a_tile: array<array<f32, 16>, 16>;
var<workgroup> b_tile: array<array<f32, 16>, 16>;

@compute @workgroup_size(16, 16)
fn matmul(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_id) local: vec3<u32>) {
    let row = group.y * TILE + local.y;
    let col = group.x * TILE + local.x;
    var sum = 0.0;
    for (var k0 = 0u; k0 < dims.k; k0 += TILE) {
        // Out-of-range entries are staged as 0 so the inner loop needs no bounds checks.
        let ak = k0 + local.x;
        var av = 0.0;
        if row < dims.m && ak < dims.k {
            av = a[row * dims.a_row + ak * dims.a_col];
        }
        a_tile[local.y][local.x] = av;
        let bk = k0 + local.y;
        var bv = 0.0;
        if bk < dims.k && col < dims.n {
            bv = b[bk * dims.b_row + col * dims.b_col];
        }
        b_tile[local.y][local.x] = bv;
        workgroupBarrier();
        for (var t = 0u; t < TILE; t++) {
            sum += a_tile[local.y][t] * b_tile[t][local.x];
        }
        workgroupBarrier();
    }
    if row < dims.m && col < dims.n {
        c[row * dims.n + col] = sum;
    }
}
