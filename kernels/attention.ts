// Flash attention: softmax(q·kᵀ/√D)·v per (sequence, head) with an online softmax, so no
// score matrix ever exists in memory. A workgroup of 64 invocations owns 64 query rows of one
// head (one row each, q and the output accumulator in registers); keys and values stream
// through workgroup memory 16 at a time (2 × 16·D floats: 8 KiB at D = 64). The running max
// starts at a finite sentinel and masked keys are zeroed by select: WGSL does not promise
// infinities. q and k come from `qk` (the raw qkv, or the QK-norm/RoPE scratch), v from `v`.
// Head dimensions divisible by 4 (every DA3/DA2 model: 64) run in vec4 lanes: vec4 global loads
// and vec4 workgroup reads (4 FMAs each); any other head dimension runs the same code on scalars.
export const ATTENTION_QUERY_TILE = 64;
const KEY_TILE = 16;

export function attentionShader(headDim: number): string {
  // W: floats per lane. Offsets and strides (D, C = heads·D, 2C, 3C) are then multiples of W.
  const w = headDim % 4 === 0 ? 4 : 1;
  const lanes = headDim / w;
  const T = w === 4 ? 'vec4f' : 'f32';
  const hsum = (v: string) => (w === 4 ? `(${v}.x + ${v}.y + ${v}.z + ${v}.w)` : v);
  return /* wgsl */ `
const DL = ${lanes}u;
const TK = ${KEY_TILE}u;
const NEG = -3.0e38;
struct Params { L: u32, C: u32, qkStride: u32, qOff: u32, kOff: u32, vStride: u32, vOff: u32, scale: f32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> qk: array<${T}>;
@group(0) @binding(2) var<storage, read> vin: array<${T}>;
@group(0) @binding(3) var<storage, read_write> out: array<${T}>;

var<workgroup> Ks: array<${T}, ${KEY_TILE * lanes}>;
var<workgroup> Vs: array<${T}, ${KEY_TILE * lanes}>;

@compute @workgroup_size(${ATTENTION_QUERY_TILE})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let h = wg.y;
  let seq = wg.z;
  let i = wg.x * ${ATTENTION_QUERY_TILE}u + lid;
  let row = seq * P.L + min(i, P.L - 1u);
  var q: array<${T}, ${lanes}>;
  var o: array<${T}, ${lanes}>;
  for (var e = 0u; e < DL; e++) {
    q[e] = qk[(row * P.qkStride + P.qOff) / ${w}u + h * DL + e];
    o[e] = ${T}(0.0);
  }
  var m = NEG;
  var l = 0.0;
  for (var j0 = 0u; j0 < P.L; j0 += TK) {
    for (var idx = lid; idx < TK * DL; idx += ${ATTENTION_QUERY_TILE}u) {
      let key = j0 + idx / DL;
      let e = idx % DL;
      let krow = seq * P.L + min(key, P.L - 1u);
      Ks[idx] = qk[(krow * P.qkStride + P.kOff) / ${w}u + h * DL + e];
      Vs[idx] = vin[(krow * P.vStride + P.vOff) / ${w}u + h * DL + e];
    }
    workgroupBarrier();
    var s: array<f32, ${KEY_TILE}>;
    var tileMax = NEG;
    for (var kj = 0u; kj < TK; kj++) {
      var acc = ${T}(0.0);
      for (var e = 0u; e < DL; e++) { acc = fma(q[e], Ks[kj * DL + e], acc); }
      s[kj] = select(NEG, ${hsum('acc')} * P.scale, j0 + kj < P.L);
      tileMax = max(tileMax, s[kj]);
    }
    let mNew = max(m, tileMax);
    let correction = exp(m - mNew);
    l *= correction;
    for (var e = 0u; e < DL; e++) { o[e] *= correction; }
    for (var kj = 0u; kj < TK; kj++) {
      let p = select(0.0, exp(s[kj] - mNew), j0 + kj < P.L);
      l += p;
      for (var e = 0u; e < DL; e++) { o[e] = fma(${T}(p), Vs[kj * DL + e], o[e]); }
    }
    m = mNew;
    workgroupBarrier();
  }
  if (i < P.L) {
    for (var e = 0u; e < DL; e++) { out[(row * P.C) / ${w}u + h * DL + e] = o[e] / l; }
  }
}`;
}
