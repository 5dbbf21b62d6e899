// Bilinear resize with align_corners = True, [C, H, W] → [C, outH, outW], one invocation per
// output value. The source taps (i0, i1, λ per output row and column) come precomputed from
// the CPU in ATen's float32 arithmetic (alignCornersTaps), so the GPU cannot round them
// differently. Optional fused additions: a full map (`add`), or the separable UV embedding
// (channels below `split` vary along x only, the rest along y only) read from its two edges.
import { ELEMENTWISE_WORKGROUP, flatIndexWgsl } from './grid.ts';

export const RESIZE_ADD = 1;
export const RESIZE_ADD_SEPARABLE = 2;

export const resizeBilinearShader = /* wgsl */ `
struct Params { n: u32, H: u32, W: u32, outH: u32, outW: u32, flags: u32, split: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> tapsY: array<f32>;
@group(0) @binding(3) var<storage, read> tapsX: array<f32>;
@group(0) @binding(4) var<storage, read> addMap: array<f32>;
@group(0) @binding(5) var<storage, read> addX: array<f32>;
@group(0) @binding(6) var<storage, read> addY: array<f32>;
@group(0) @binding(7) var<storage, read_write> out: array<f32>;
${flatIndexWgsl}

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wg, groups, lid);
  if (i >= P.n) { return; }
  let ox = i % P.outW;
  let oy = (i / P.outW) % P.outH;
  let c = i / (P.outW * P.outH);
  let y0 = u32(tapsY[3u * oy]);
  let y1 = u32(tapsY[3u * oy + 1u]);
  let ly = tapsY[3u * oy + 2u];
  let x0 = u32(tapsX[3u * ox]);
  let x1 = u32(tapsX[3u * ox + 1u]);
  let lx = tapsX[3u * ox + 2u];
  let plane = c * P.H * P.W;
  let top = (1.0 - lx) * x[plane + y0 * P.W + x0] + lx * x[plane + y0 * P.W + x1];
  let bottom = (1.0 - lx) * x[plane + y1 * P.W + x0] + lx * x[plane + y1 * P.W + x1];
  var v = (1.0 - ly) * top + ly * bottom;
  if ((P.flags & ${RESIZE_ADD_SEPARABLE}u) != 0u) {
    v += select(addY[c * P.outH + oy], addX[c * P.outW + ox], c < P.split);
  }
  if ((P.flags & ${RESIZE_ADD}u) != 0u) { v += addMap[i]; }
  out[i] = v;
}`;
