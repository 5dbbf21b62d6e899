// Half-precision storage: 16-bit values packed two per u32 word (element i in the low half of
// word i/2 when i is even), read with WGSL's core unpack2x16float, so no adapter needs the
// optional shader-f16 feature. widen: packed → f32 (for any op other than a GEMM weight, and
// downloads); narrow: f32 → packed (the f16 weight mode), rounded to nearest-even in integer
// arithmetic like gguf/f16.ts floatToHalf (pack2x16float's rounding is not pinned down: lavapipe
// truncates), so every adapter stores the same halves.
import { ELEMENTWISE_WORKGROUP, flatIndexWgsl } from './grid.ts';

export const widenHalfShader = /* wgsl */ `
struct Params { n: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
${flatIndexWgsl}

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wg, groups, lid);
  if (i >= P.n) { return; }
  out[i] = unpack2x16float(src[i / 2u])[i % 2u];
}`;

/** One invocation per output word (two values). */
export const narrowHalfShader = /* wgsl */ `
fn halfBits(f: f32) -> u32 {
  let x = bitcast<u32>(f);
  let sign = (x >> 16u) & 0x8000u;
  let a = x & 0x7fffffffu;
  if (a > 0x7f800000u) { return sign | 0x7e00u; }
  if (a >= 0x477ff000u) { return sign | 0x7c00u; }
  if (a < 0x38800000u) { return sign | u32(round(abs(f) * 16777216.0)); }
  var h = ((a - 0x38000000u) >> 13u) & 0x7fffu;
  let rest = a & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u) != 0u)) { h += 1u; }
  return sign | h;
}
struct Params { n: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
${flatIndexWgsl}

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let w = flatIndex(wg, groups, lid);
  if (2u * w >= P.n) { return; }
  let hi = select(0.0, src[min(2u * w + 1u, P.n - 1u)], 2u * w + 1u < P.n);
  out[w] = halfBits(src[2u * w]) | (halfBits(hi) << 16u);
}`;
