// LayerNorm over the last dimension: one 64-invocation workgroup per row, two passes (mean, then
// the variance of the deviations) reduced in workgroup memory, y = ((x − μ)·r)·w + b with
// r = 1/√(σ² + eps), PyTorch's order. Rows fold into a 2-D grid past 65535.
export const LAYER_NORM_WORKGROUP = 64;

export const layerNormShader = /* wgsl */ `
struct Params { rows: u32, n: u32, eps: f32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
var<workgroup> partial: array<f32, ${LAYER_NORM_WORKGROUP}>;

fn reduceSum(lid: u32, v: f32) -> f32 {
  partial[lid] = v;
  workgroupBarrier();
  for (var s = ${LAYER_NORM_WORKGROUP / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { partial[lid] += partial[lid + s]; }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(${LAYER_NORM_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * groups.x + wg.x;
  if (row >= P.rows) { return; } // uniform across the workgroup
  let base = row * P.n;
  var s = 0.0;
  for (var i = lid; i < P.n; i += ${LAYER_NORM_WORKGROUP}u) { s += x[base + i]; }
  let mean = reduceSum(lid, s) / f32(P.n);
  var v = 0.0;
  for (var i = lid; i < P.n; i += ${LAYER_NORM_WORKGROUP}u) { let d = x[base + i] - mean; v += d * d; }
  let r = 1.0 / sqrt(reduceSum(lid, v) / f32(P.n) + P.eps);
  for (var i = lid; i < P.n; i += ${LAYER_NORM_WORKGROUP}u) { out[base + i] = (x[base + i] - mean) * r * w[i] + b[i]; }
}`;
