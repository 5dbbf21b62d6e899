// linear: out[m, n] = residual[m, n] + scale[n] · act(Σ_k x[m, k]·W[n, k] + bias[n]), the
// reference's epilogue order. Weights stay in their GGUF/PyTorch [out, in] layout.
import { activationWgsl } from './activation.ts';
import { gemmShader } from './gemm.ts';

export const LINEAR_HAS_BIAS = 1;
export const LINEAR_HAS_SCALE = 2;
export const LINEAR_HAS_RESIDUAL = 4;

export const linearShader = gemmShader({
  aKContiguous: true,
  bKContiguous: true,
  body: /* wgsl */ `
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> W: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> scale: array<f32>;
@group(0) @binding(5) var<storage, read> residual: array<f32>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;
${activationWgsl}
fn loadA(m: u32, k: u32) -> f32 { return X[m * P.K + k]; }
fn loadB(k: u32, n: u32) -> f32 { return W[n * P.K + k]; }
fn store(m: u32, n: u32, acc: f32) {
  var y = acc;
  if ((P.flags & ${LINEAR_HAS_BIAS}u) != 0u) { y += bias[n]; }
  y = activate(y, P.act);
  if ((P.flags & ${LINEAR_HAS_SCALE}u) != 0u) { y *= scale[n]; }
  let i = m * P.N + n;
  if ((P.flags & ${LINEAR_HAS_RESIDUAL}u) != 0u) { y = residual[i] + y; }
  out[i] = y;
}`,
});
