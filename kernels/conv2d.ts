// conv2d as an implicit GEMM: M = Cout, N = Ho·Wo, K = Cin·kh·kw; A is the weight as stored
// [Cout, Cin, kh, kw], B(k, p) the im2col value gathered from the [Cin, H, W] input on the fly
// (zero padding by a bounds test, optional ReLU on the input), so no im2col buffer exists.
// Epilogue: out = act(acc + bias[co]) + residual, written straight in [Cout, Ho, Wo].
// Params: p0 = H, p1 = W, p2 = Wo, p3 = kh, p4 = kw, p5 = stride, p6 = pad.
import { activationWgsl } from './activation.ts';
import { gemmShader } from './gemm.ts';

export const CONV_HAS_BIAS = 1;
export const CONV_HAS_RESIDUAL = 4;
export const CONV_RELU_INPUT = 8;

export const conv2dShader = gemmShader({
  aKContiguous: true,
  bKContiguous: false,
  body: /* wgsl */ `
@group(0) @binding(1) var<storage, read> Wt: array<f32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> residual: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
${activationWgsl}
fn loadA(m: u32, k: u32) -> f32 { return Wt[m * P.K + k]; }
fn loadB(k: u32, n: u32) -> f32 {
  let taps = P.p3 * P.p4;
  let c = k / taps;
  let t = k - c * taps;
  let ky = t / P.p4;
  let kx = t - ky * P.p4;
  let oy = n / P.p2;
  let ox = n - oy * P.p2;
  let iy = i32(oy * P.p5 + ky) - i32(P.p6);
  let ix = i32(ox * P.p5 + kx) - i32(P.p6);
  if (iy < 0 || ix < 0 || iy >= i32(P.p0) || ix >= i32(P.p1)) { return 0.0; }
  let v = X[(c * P.p0 + u32(iy)) * P.p1 + u32(ix)];
  if ((P.flags & ${CONV_RELU_INPUT}u) != 0u) { return max(v, 0.0); }
  return v;
}
fn store(m: u32, n: u32, acc: f32) {
  var y = acc;
  if ((P.flags & ${CONV_HAS_BIAS}u) != 0u) { y += bias[m]; }
  y = activate(y, P.act);
  let i = m * P.N + n;
  if ((P.flags & ${CONV_HAS_RESIDUAL}u) != 0u) { y = residual[i] + y; }
  out[i] = y;
}`,
});
