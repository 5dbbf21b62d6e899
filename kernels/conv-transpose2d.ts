// Non-overlapping transposed convolution (kernel = stride) as a GEMM: M = Cout·kh·kw output
// phases (o, a, b), N = H·W input pixels, K = Cin. A(m, c) = weight[c, m] (stored [Cin, Cout, kh, kw]),
// B(c, p) = x[c, p]; each result lands at output pixel (y·kh + a, x·kw + b) of channel o.
// Params: p0 = W (input width), p1 = kh, p2 = kw.
import { gemmShader } from './gemm.ts';

export const CONVT_HAS_BIAS = 1;

export const convTranspose2dShader = gemmShader({
  aKContiguous: false,
  bKContiguous: false,
  body: /* wgsl */ `
@group(0) @binding(1) var<storage, read> Wt: array<f32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
fn loadA(m: u32, k: u32) -> f32 { return Wt[k * P.M + m]; }
fn loadB(k: u32, n: u32) -> f32 { return X[k * P.N + n]; }
fn store(m: u32, n: u32, acc: f32) {
  let taps = P.p1 * P.p2;
  let o = m / taps;
  let t = m - o * taps;
  let a = t / P.p2;
  let b = t - a * P.p2;
  let y = n / P.p0;
  let x = n - y * P.p0;
  let wo = P.p0 * P.p2;
  let ho = (P.N / P.p0) * P.p1;
  var v = acc;
  if ((P.flags & ${CONVT_HAS_BIAS}u) != 0u) { v += bias[o]; }
  out[(o * ho + y * P.p1 + a) * wo + x * P.p2 + b] = v;
}`,
});
