// linear: out[m, n] = residual[m, n] + scale[n] · act(Σ_k x[m, k]·W[n, k] + bias[n]), the
// reference's epilogue order. Weights stay in their GGUF/PyTorch [out, in] layout, as f32 or as
// packed halves (half.ts) widened on load into the tile; the arithmetic is f32 either way.
import { activationWgsl } from './activation.ts';
import { gemmShader, type GemmKernel } from './gemm.ts';

export const LINEAR_HAS_BIAS = 1;
export const LINEAR_HAS_SCALE = 2;
export const LINEAR_HAS_RESIDUAL = 4;

function linearKernel(halfWeights: boolean): GemmKernel {
  return gemmShader({
    aKContiguous: true,
    bKContiguous: true,
    body: /* wgsl */ `
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> W: array<${halfWeights ? 'u32' : 'f32'}>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> scale: array<f32>;
@group(0) @binding(5) var<storage, read> residual: array<f32>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;
${activationWgsl}
fn loadA(m: u32, k: u32) -> f32 { return X[m * P.K + k]; }
fn loadB(k: u32, n: u32) -> f32 {
  let i = n * P.K + k;
  return ${halfWeights ? 'unpack2x16float(W[i / 2u])[i % 2u]' : 'W[i]'};
}
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
}

export const linearShader = linearKernel(false);
/** The same with the weight stored as packed halves. */
export const linearHalfWeightShader = linearKernel(true);
