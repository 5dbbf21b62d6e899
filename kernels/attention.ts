// Flash attention: softmax(q·kᵀ/√D)·v per (sequence, head) with an online softmax, so no
// score matrix ever exists in memory. A workgroup of 64 invocations owns 64 query rows of one
// head (one row each, q and the output accumulator in registers); keys and values stream
// through workgroup memory 16 at a time (2 × 16·D floats: 8 KiB at D = 64). The running max
// starts at a finite sentinel and masked keys are zeroed by select: WGSL does not promise
// infinities. q and k come from `qk` (the raw qkv, or the QK-norm/RoPE scratch), v from `v`.
// Head dimensions divisible by 4 (every DA3/DA2 model: 64) run a vec4 form: vec4 global loads,
// vec4 workgroup reads (4 FMAs each) and dot(); any other head dimension runs the scalar form.
export const ATTENTION_QUERY_TILE = 64;
const KEY_TILE = 16;

export function attentionShader(headDim: number): string {
  return headDim % 4 === 0 ? attentionVec4Shader(headDim) : attentionScalarShader(headDim);
}

/** All offsets and strides are multiples of 4 floats here (D, C = heads·D, 2C, 3C). */
function attentionVec4Shader(headDim: number): string {
  const d4 = headDim / 4;
  return /* wgsl */ `
const D4 = ${d4}u;
const TK = ${KEY_TILE}u;
const NEG = -3.0e38;
struct Params { L: u32, C: u32, qkStride: u32, qOff: u32, kOff: u32, vStride: u32, vOff: u32, scale: f32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> qk: array<vec4f>;
@group(0) @binding(2) var<storage, read> vin: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> out: array<vec4f>;

var<workgroup> Ks: array<vec4f, ${KEY_TILE * d4}>;
var<workgroup> Vs: array<vec4f, ${KEY_TILE * d4}>;

@compute @workgroup_size(${ATTENTION_QUERY_TILE})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let h = wg.y;
  let seq = wg.z;
  let i = wg.x * ${ATTENTION_QUERY_TILE}u + lid;
  let row = seq * P.L + min(i, P.L - 1u);
  var q: array<vec4f, ${d4}>;
  var o: array<vec4f, ${d4}>;
  for (var e = 0u; e < D4; e++) {
    q[e] = qk[(row * P.qkStride + P.qOff) / 4u + h * D4 + e];
    o[e] = vec4f(0.0);
  }
  var m = NEG;
  var l = 0.0;
  for (var j0 = 0u; j0 < P.L; j0 += TK) {
    for (var idx = lid; idx < TK * D4; idx += ${ATTENTION_QUERY_TILE}u) {
      let key = j0 + idx / D4;
      let e = idx % D4;
      let krow = seq * P.L + min(key, P.L - 1u);
      Ks[idx] = qk[(krow * P.qkStride + P.kOff) / 4u + h * D4 + e];
      Vs[idx] = vin[(krow * P.vStride + P.vOff) / 4u + h * D4 + e];
    }
    workgroupBarrier();
    var s: array<f32, ${KEY_TILE}>;
    var tileMax = NEG;
    for (var kj = 0u; kj < TK; kj++) {
      var acc = vec4f(0.0);
      for (var e = 0u; e < D4; e++) { acc = fma(q[e], Ks[kj * D4 + e], acc); }
      s[kj] = select(NEG, (acc.x + acc.y + acc.z + acc.w) * P.scale, j0 + kj < P.L);
      tileMax = max(tileMax, s[kj]);
    }
    let mNew = max(m, tileMax);
    let correction = exp(m - mNew);
    l *= correction;
    for (var e = 0u; e < D4; e++) { o[e] *= correction; }
    for (var kj = 0u; kj < TK; kj++) {
      let p = select(0.0, exp(s[kj] - mNew), j0 + kj < P.L);
      l += p;
      for (var e = 0u; e < D4; e++) { o[e] = fma(vec4f(p), Vs[kj * D4 + e], o[e]); }
    }
    m = mNew;
    workgroupBarrier();
  }
  if (i < P.L) {
    for (var e = 0u; e < D4; e++) { out[(row * P.C) / 4u + h * D4 + e] = o[e] / l; }
  }
}`;
}

function attentionScalarShader(headDim: number): string {
  return /* wgsl */ `
const D = ${headDim}u;
const TK = ${KEY_TILE}u;
const NEG = -3.0e38;
struct Params { L: u32, C: u32, qkStride: u32, qOff: u32, kOff: u32, vStride: u32, vOff: u32, scale: f32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> qk: array<f32>;
@group(0) @binding(2) var<storage, read> vin: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

var<workgroup> Ks: array<f32, ${KEY_TILE * headDim}>;
var<workgroup> Vs: array<f32, ${KEY_TILE * headDim}>;

@compute @workgroup_size(${ATTENTION_QUERY_TILE})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let h = wg.y;
  let seq = wg.z;
  let i = wg.x * ${ATTENTION_QUERY_TILE}u + lid;
  let row = seq * P.L + min(i, P.L - 1u);
  var q: array<f32, ${headDim}>;
  var o: array<f32, ${headDim}>;
  for (var e = 0u; e < D; e++) {
    q[e] = qk[row * P.qkStride + P.qOff + h * D + e];
    o[e] = 0.0;
  }
  var m = NEG;
  var l = 0.0;
  for (var j0 = 0u; j0 < P.L; j0 += TK) {
    for (var idx = lid; idx < TK * D; idx += ${ATTENTION_QUERY_TILE}u) {
      let key = j0 + idx / D;
      let e = idx % D;
      let krow = seq * P.L + min(key, P.L - 1u);
      Ks[idx] = qk[krow * P.qkStride + P.kOff + h * D + e];
      Vs[idx] = vin[krow * P.vStride + P.vOff + h * D + e];
    }
    workgroupBarrier();
    var s: array<f32, ${KEY_TILE}>;
    var tileMax = NEG;
    for (var kj = 0u; kj < TK; kj++) {
      var dot = 0.0;
      for (var e = 0u; e < D; e++) { dot = fma(q[e], Ks[kj * D + e], dot); }
      s[kj] = select(NEG, dot * P.scale, j0 + kj < P.L);
      tileMax = max(tileMax, s[kj]);
    }
    let mNew = max(m, tileMax);
    let correction = exp(m - mNew);
    l *= correction;
    for (var e = 0u; e < D; e++) { o[e] *= correction; }
    for (var kj = 0u; kj < TK; kj++) {
      let p = select(0.0, exp(s[kj] - mNew), j0 + kj < P.L);
      l += p;
      for (var e = 0u; e < D; e++) { o[e] = fma(p, Vs[kj * D + e], o[e]); }
    }
    m = mNew;
    workgroupBarrier();
  }
  if (i < P.L) {
    for (var e = 0u; e < D; e++) { out[row * P.C + h * D + e] = o[e] / l; }
  }
}`;
}
