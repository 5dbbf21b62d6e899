// The attention prologue: QK-norm (LayerNorm over each head's D values, two-pass, PyTorch's
// order) then 2-D RoPE in rotate-half form, on q and k of every (row, head). One invocation per
// (row, head, q|k) writes the prepared vectors to a [rows, 2C] scratch (q' | k') that the flash
// kernel streams; this O(rows·C) pass keeps the O(rows²) kernel free of per-tile normalisation.
// The head dimension is baked in (private arrays need a constant size).
import { ELEMENTWISE_WORKGROUP, flatIndexWgsl } from './grid.ts';

export const QK_HAS_Q_NORM = 1;
export const QK_HAS_K_NORM = 2;
export const QK_HAS_ROPE = 4;

export function qkNormRopeShader(headDim: number): string {
  return /* wgsl */ `
const D = ${headDim}u;
struct Params { rows: u32, C: u32, heads: u32, seqLen: u32, eps: f32, flags: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> qkv: array<f32>;
@group(0) @binding(2) var<storage, read> qw: array<f32>;
@group(0) @binding(3) var<storage, read> qb: array<f32>;
@group(0) @binding(4) var<storage, read> kw: array<f32>;
@group(0) @binding(5) var<storage, read> kb: array<f32>;
@group(0) @binding(6) var<storage, read> ropeCos: array<f32>;
@group(0) @binding(7) var<storage, read> ropeSin: array<f32>;
@group(0) @binding(8) var<storage, read_write> out: array<f32>;
${flatIndexWgsl}

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let id = flatIndex(wg, groups, lid);
  if (id >= P.rows * P.heads * 2u) { return; }
  let isK = id % 2u;
  let h = (id / 2u) % P.heads;
  let row = id / (2u * P.heads);
  var v: array<f32, ${headDim}>;
  let src = row * 3u * P.C + isK * P.C + h * D;
  for (var e = 0u; e < D; e++) { v[e] = qkv[src + e]; }
  let norm = select(P.flags & ${QK_HAS_Q_NORM}u, P.flags & ${QK_HAS_K_NORM}u, isK == 1u) != 0u;
  if (norm) {
    var mean = 0.0;
    for (var e = 0u; e < D; e++) { mean += v[e]; }
    mean /= f32(D);
    var variance = 0.0;
    for (var e = 0u; e < D; e++) { let d = v[e] - mean; variance += d * d; }
    variance /= f32(D);
    let r = 1.0 / sqrt(variance + P.eps);
    for (var e = 0u; e < D; e++) {
      let w = select(qw[e], kw[e], isK == 1u);
      let b = select(qb[e], kb[e], isK == 1u);
      v[e] = (v[e] - mean) * r * w + b;
    }
  }
  let dst = row * 2u * P.C + isK * P.C + h * D;
  if ((P.flags & ${QK_HAS_ROPE}u) != 0u) {
    let t = (row % P.seqLen) * D;
    let half = D / 2u;
    let quarter = D / 4u;
    for (var k = 0u; k < D; k++) {
      let j = k % half;
      let base = k - j;
      let rotated = select(v[base + j - quarter], -v[base + j + quarter], j < quarter);
      out[dst + k] = v[k] * ropeCos[t + k] + rotated * ropeSin[t + k];
    }
  } else {
    for (var e = 0u; e < D; e++) { out[dst + e] = v[e]; }
  }
}`;
}
