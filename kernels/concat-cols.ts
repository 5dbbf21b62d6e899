// [M, A] ‖ [M, B] → [M, A + B], one invocation per output value.
import { ELEMENTWISE_WORKGROUP, flatIndexWgsl } from './grid.ts';

export const concatColsShader = /* wgsl */ `
struct Params { n: u32, A: u32, B: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
${flatIndexWgsl}

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wg, groups, lid);
  if (i >= P.n) { return; }
  let w = P.A + P.B;
  let r = i / w;
  let c = i - r * w;
  out[i] = select(b[r * P.B + c - P.A], a[r * P.A + c], c < P.A);
}`;
