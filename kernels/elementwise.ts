// Elementwise ops, one invocation per output value on a folded 2-D grid:
// add (a + b), relu (x > 0 ? x : 0, so NaN becomes 0 as in the reference) and
// swiglu ([M, 2H] → silu(x[:, :H]) ⊙ x[:, H:], silu(a) = a / (1 + e^(−a))).
import { ELEMENTWISE_WORKGROUP, flatIndexWgsl } from './grid.ts';

const header = /* wgsl */ `
struct Params { n: u32, half: u32 }
@group(0) @binding(0) var<uniform> P: Params;
${flatIndexWgsl}`;

function elementwise(bindings: string, body: string): string {
  return /* wgsl */ `${header}
${bindings}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wg, groups, lid);
  if (i >= P.n) { return; }
  ${body}
}`;
}

export const addShader = elementwise(/* wgsl */ `
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;`, 'out[i] = a[i] + b[i];');

export const reluShader = elementwise(/* wgsl */ `
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;`, 'let v = x[i]; out[i] = select(0.0, v, v > 0.0);');

export const swigluShader = elementwise(/* wgsl */ `
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;`, /* wgsl */ `let r = i / P.half;
  let c = i - r * P.half;
  let a = x[r * 2u * P.half + c];
  let g = x[r * 2u * P.half + P.half + c];
  out[i] = (a / (1.0 + exp(-a))) * g;`);
