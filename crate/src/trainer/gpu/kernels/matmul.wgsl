// C = A·B, with C row-major (m × n) and A (m × k), B (k × n) read through strides, so that a
// transposed operand is just other strides: A[i][j] = a[i·a_row + j·a_col]. All three products of
// a linear layer y = x·Wᵀ + b are this one kernel:
//   forward          Z  = X·Wᵀ    A = X,   B = Wᵀ
//   input gradient   dX = dZ·W    A = dZ,  B = W
//   weight gradient  dW = dZᵀ·X   A = dZᵀ, B = X
// A 16×16 workgroup computes one 64×64 block of C, walking k in slabs of 16: the slab's 64×16 of A
// and 16×64 of B are staged in workgroup memory, then each invocation accumulates a 4×4 set of
// outputs (rows ty + 16i, columns tx + 16j) in registers. Staging makes each element of A and B
// one buffer read per block, and the 4×4 register block gives 16 multiply-adds per pair of
// workgroup-memory reads and per barrier (barriers are what software drivers pay most for).

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

const BLOCK: u32 = 64u;
const SLAB: u32 = 16u;

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

var<workgroup> a_slab: array<array<f32, 16>, 64>;
var<workgroup> b_slab: array<array<f32, 64>, 16>;

@compute @workgroup_size(16, 16)
fn matmul(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_id) local: vec3<u32>) {
    let row0 = group.y * BLOCK;
    let col0 = group.x * BLOCK;
    let tx = local.x;
    let ty = local.y;
    var acc: array<array<f32, 4>, 4>;
    for (var k0 = 0u; k0 < dims.k; k0 += SLAB) {
        // Out-of-range entries are staged as 0 so the inner loop needs no bounds checks.
        for (var i = 0u; i < 4u; i++) {
            let r = row0 + ty + 16u * i;
            let k = k0 + tx;
            var v = 0.0;
            if r < dims.m && k < dims.k {
                v = a[r * dims.a_row + k * dims.a_col];
            }
            a_slab[ty + 16u * i][tx] = v;
        }
        for (var j = 0u; j < 4u; j++) {
            let k = k0 + ty;
            let col = col0 + tx + 16u * j;
            var v = 0.0;
            if k < dims.k && col < dims.n {
                v = b[k * dims.b_row + col * dims.b_col];
            }
            b_slab[ty][tx + 16u * j] = v;
        }
        workgroupBarrier();
        for (var t = 0u; t < SLAB; t++) {
            var a_reg: array<f32, 4>;
            var b_reg: array<f32, 4>;
            for (var i = 0u; i < 4u; i++) {
                a_reg[i] = a_slab[ty + 16u * i][t];
                b_reg[i] = b_slab[t][tx + 16u * i];
            }
            for (var i = 0u; i < 4u; i++) {
                for (var j = 0u; j < 4u; j++) {
                    acc[i][j] += a_reg[i] * b_reg[j];
                }
            }
        }
        workgroupBarrier();
    }
    for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
            let r = row0 + ty + 16u * i;
            let col = col0 + tx + 16u * j;
            if r < dims.m && col < dims.n {
                c[r * dims.n + col] = acc[i][j];
            }
        }
    }
}
