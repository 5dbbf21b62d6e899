// The op parity table every backend runs against the reference backend: a declarative list of
// cases (odd sizes, tails of every tile size, real DA3 head/backbone shapes scaled down) with an
// NMSE gate each. test/backend-ops.test.ts runs it; the table lives here so it is written once.
import { expect } from 'vitest';
import type { Backend, Tensor } from '../../src/backend/backend.ts';
import { ReferenceBackend } from '../../src/backend/reference/reference-backend.ts';

/** Deterministic values in [-scale, scale). */
export function values(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32 * 2 - 1) * scale;
  }
  return out;
}

/** Normalised mean squared error Σ(a−b)² / Σb². */
export function nmse(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let num = 0, den = 0;
  for (let i = 0; i < expected.length; i++) {
    num += (actual[i]! - expected[i]!) ** 2;
    den += expected[i]! ** 2;
  }
  return den === 0 ? num : num / den;
}

export type Inputs = Record<string, Tensor>;
export interface OpCase {
  name: string;
  /** Input shapes (values are drawn deterministically); `scale` per input where it matters. */
  inputs: Record<string, { shape: number[]; scale?: number; positive?: boolean }>;
  run(be: Backend, x: Inputs): Tensor;
  /** Largest allowed NMSE against the reference (0 = bit-exact). */
  maxNmse: number;
}

const ropeTables = (seq: number, d: number) => ({
  cos: { shape: [seq, d] }, sin: { shape: [seq, d] },
});

export const OP_CASES: OpCase[] = [
  // ---- linear: every MR/8-column tail, each epilogue, real DA3 widths with few rows ----
  { name: 'linear 1×1→1', inputs: { x: { shape: [1, 1] }, w: { shape: [1, 1] } }, run: (be, x) => be.linear(x.x!, x.w!, undefined), maxNmse: 1e-13 },
  { name: 'linear 37×50→29 +bias', inputs: { x: { shape: [37, 50] }, w: { shape: [29, 50] }, b: { shape: [29] } }, run: (be, x) => be.linear(x.x!, x.w!, x.b), maxNmse: 1e-12 },
  { name: 'linear 53×19→71 gelu', inputs: { x: { shape: [53, 19], scale: 3 }, w: { shape: [71, 19] }, b: { shape: [71] } }, run: (be, x) => be.linear(x.x!, x.w!, x.b, { activation: 'gelu' }), maxNmse: 1e-12 },
  { name: 'linear 13×40→17 relu', inputs: { x: { shape: [13, 40] }, w: { shape: [17, 40] }, b: { shape: [17] } }, run: (be, x) => be.linear(x.x!, x.w!, x.b, { activation: 'relu' }), maxNmse: 1e-12 },
  { name: 'linear residual + LayerScale', inputs: { x: { shape: [49, 64] }, w: { shape: [70, 64] }, b: { shape: [70] }, r: { shape: [49, 70] }, s: { shape: [70] } }, run: (be, x) => be.linear(x.x!, x.w!, x.b, { residual: x.r, scale: x.s }), maxNmse: 1e-12 },
  { name: 'linear DA3-small qkv width 97×384→1152', inputs: { x: { shape: [97, 384] }, w: { shape: [1152, 384], scale: 0.05 }, b: { shape: [1152] } }, run: (be, x) => be.linear(x.x!, x.w!, x.b), maxNmse: 1e-12 },
  { name: 'linear DA3-small fc2 width 25×1536→384 + residual/scale', inputs: { x: { shape: [25, 1536] }, w: { shape: [384, 1536], scale: 0.03 }, b: { shape: [384] }, r: { shape: [25, 384] }, s: { shape: [384] } }, run: (be, x) => be.linear(x.x!, x.w!, x.b, { residual: x.r, scale: x.s }), maxNmse: 1e-12 },
  // Big enough for the GPU's 128×128 GEMM tile (kernels/gemm.ts GEMM_LARGE_MIN_TILES), with row and column tails.
  { name: 'linear 1700×40→1900 +bias gelu (large GEMM tile)', inputs: { x: { shape: [1700, 40] }, w: { shape: [1900, 40] }, b: { shape: [1900] } }, run: (be, x) => be.linear(x.x!, x.w!, x.b, { activation: 'gelu' }), maxNmse: 1e-12 },
  // ---- norms and elementwise ----
  { name: 'layerNorm 33×384', inputs: { x: { shape: [33, 384], scale: 4 }, w: { shape: [384] }, b: { shape: [384] } }, run: (be, x) => be.layerNorm(x.x!, x.w!, x.b!, 1e-6), maxNmse: 1e-13 },
  { name: 'layerNorm 5×7 eps 1e-5', inputs: { x: { shape: [5, 7] }, w: { shape: [7] }, b: { shape: [7] } }, run: (be, x) => be.layerNorm(x.x!, x.w!, x.b!, 1e-5), maxNmse: 1e-13 },
  { name: 'swiglu 9×74', inputs: { x: { shape: [9, 74], scale: 6 } }, run: (be, x) => be.swiglu(x.x!), maxNmse: 1e-13 },
  { name: 'add 3×5×7', inputs: { a: { shape: [3, 5, 7] }, b: { shape: [3, 5, 7] } }, run: (be, x) => be.add(x.a!, x.b!), maxNmse: 0 },
  { name: 'add 40000', inputs: { a: { shape: [40000] }, b: { shape: [40000] } }, run: (be, x) => be.add(x.a!, x.b!), maxNmse: 0 },
  { name: 'relu 2×1001', inputs: { x: { shape: [2, 1001] } }, run: (be, x) => be.relu(x.x!), maxNmse: 0 },
  { name: 'transpose 37×53', inputs: { x: { shape: [37, 53] } }, run: (be, x) => be.transpose(x.x!), maxNmse: 0 },
  { name: 'transpose 1×9', inputs: { x: { shape: [1, 9] } }, run: (be, x) => be.transpose(x.x!), maxNmse: 0 },
  { name: 'concatCols 7×3 ‖ 7×5', inputs: { a: { shape: [7, 3] }, b: { shape: [7, 5] } }, run: (be, x) => be.concatCols(x.a!, x.b!), maxNmse: 0 },
  { name: 'gatherRows', inputs: { a: { shape: [6, 4] }, b: { shape: [9, 4] } }, run: (be, x) => be.gatherRows([{ tensor: x.b!, start: 8, count: 1 }, { tensor: x.a!, start: 1, count: 4 }, { tensor: x.b!, start: 0, count: 2 }]), maxNmse: 0 },
  // ---- attention: head dims 16/24/64, tails of query tiles and 8-key panels, >1 key block ----
  { name: 'attention 2 seqs × 37, 3 heads × 16', inputs: { qkv: { shape: [74, 144], scale: 2 } }, run: (be, x) => be.attention(x.qkv!, { heads: 3, seqLen: 37 }), maxNmse: 1e-12 },
  { name: 'attention 1 × 20, 2 heads × 24 (padded v)', inputs: { qkv: { shape: [20, 144], scale: 2 } }, run: (be, x) => be.attention(x.qkv!, { heads: 2, seqLen: 20 }), maxNmse: 1e-12 },
  {
    name: 'attention QK-norm + RoPE, 53 tokens, 2 heads × 64',
    inputs: { qkv: { shape: [53, 384], scale: 2 }, qw: { shape: [64] }, qb: { shape: [64] }, kw: { shape: [64] }, kb: { shape: [64] }, ...ropeTables(53, 64) },
    run: (be, x) => be.attention(x.qkv!, { heads: 2, seqLen: 53, qNorm: { weight: x.qw!, bias: x.qb! }, kNorm: { weight: x.kw!, bias: x.kb! }, rope: { cos: x.cos!, sin: x.sin! } }),
    maxNmse: 1e-12,
  },
  {
    name: 'attention 300 tokens, QK-norm + RoPE, eps 1e-6',
    inputs: { qkv: { shape: [300, 384], scale: 3 }, qw: { shape: [64] }, qb: { shape: [64] }, kw: { shape: [64] }, kb: { shape: [64] }, ...ropeTables(300, 64) },
    run: (be, x) => be.attention(x.qkv!, { heads: 2, seqLen: 300, normEps: 1e-6, qNorm: { weight: x.qw!, bias: x.qb! }, kNorm: { weight: x.kw!, bias: x.kb! }, rope: { cos: x.cos!, sin: x.sin! } }),
    maxNmse: 1e-12,
  },
  { name: 'attention 1100 tokens (two 1024-key blocks: online softmax rescaling), 1 head × 16', inputs: { qkv: { shape: [1100, 48], scale: 3 } }, run: (be, x) => be.attention(x.qkv!, { heads: 1, seqLen: 1100 }), maxNmse: 1e-12 },
  { name: 'attention 1 × 19, 1 head × 6 (scalar lanes: head dim not a multiple of 4)', inputs: { qkv: { shape: [19, 18], scale: 2 } }, run: (be, x) => be.attention(x.qkv!, { heads: 1, seqLen: 19 }), maxNmse: 1e-12 },
  { name: 'global attention over 3 views of 41 tokens, 1 head × 32', inputs: { qkv: { shape: [123, 96], scale: 2 } }, run: (be, x) => be.attention(x.qkv!, { heads: 1, seqLen: 123 }), maxNmse: 1e-12 },
  // ---- convolutions: DPT head patterns on small maps ----
  { name: 'conv 3×3 p1 8→13 on 11×19 +bias', inputs: { x: { shape: [8, 11, 19] }, w: { shape: [13, 8, 3, 3] }, b: { shape: [13] } }, run: (be, x) => be.conv2d(x.x!, x.w!, x.b, { pad: 1 }), maxNmse: 1e-12 },
  { name: 'conv 3×3 p1 RCU (reluInput, relu)', inputs: { x: { shape: [16, 12, 18] }, w: { shape: [16, 16, 3, 3] }, b: { shape: [16] } }, run: (be, x) => be.conv2d(x.x!, x.w!, x.b, { pad: 1, reluInput: true, activation: 'relu' }), maxNmse: 1e-12 },
  { name: 'conv 3×3 p1 residual, no bias', inputs: { x: { shape: [6, 9, 10] }, w: { shape: [6, 6, 3, 3] }, r: { shape: [6, 9, 10] } }, run: (be, x) => be.conv2d(x.x!, x.w!, undefined, { pad: 1, residual: x.r }), maxNmse: 1e-12 },
  { name: 'conv 3×3 s2 p1 6→10 on 12×17', inputs: { x: { shape: [6, 12, 17] }, w: { shape: [10, 6, 3, 3] }, b: { shape: [10] } }, run: (be, x) => be.conv2d(x.x!, x.w!, x.b, { stride: 2, pad: 1 }), maxNmse: 1e-12 },
  { name: 'conv 3×3 p1 RCU 32→6 on 90×400 (3 row bands, the last short)', inputs: { x: { shape: [32, 90, 400] }, w: { shape: [6, 32, 3, 3], scale: 0.2 }, b: { shape: [6] }, r: { shape: [6, 90, 400] } }, run: (be, x) => be.conv2d(x.x!, x.w!, x.b, { pad: 1, reluInput: true, residual: x.r }), maxNmse: 1e-12 },
  { name: 'conv 3×3 s2 p1 64→4 on 40×300 (2 row bands)', inputs: { x: { shape: [64, 40, 300] }, w: { shape: [4, 64, 3, 3], scale: 0.2 }, b: { shape: [4] } }, run: (be, x) => be.conv2d(x.x!, x.w!, x.b, { stride: 2, pad: 1 }), maxNmse: 1e-12 },
  // Winograd F(2×2, 3×3) path (3×3 p1 s1, ≥ 16 channels in and out, also the RCU case above); measured NMSE ≈ 1e-14 (max |error| 4e-7 at
  // unit-scale outputs), the same order as the direct path, so the direct threshold holds.
  { name: 'conv 3×3 p1 Winograd 16→24 on 45×61 +bias relu (odd size)', inputs: { x: { shape: [16, 45, 61] }, w: { shape: [24, 16, 3, 3], scale: 0.3 }, b: { shape: [24] } }, run: (be, x) => be.conv2d(x.x!, x.w!, x.b, { pad: 1, activation: 'relu' }), maxNmse: 1e-12 },
  { name: 'conv 3×3 p1 Winograd RCU 32→16 on 37×330 (10 row bands, the last a single row)', inputs: { x: { shape: [32, 37, 330] }, w: { shape: [16, 32, 3, 3], scale: 0.2 }, b: { shape: [16] }, r: { shape: [16, 37, 330] } }, run: (be, x) => be.conv2d(x.x!, x.w!, x.b, { pad: 1, reluInput: true, residual: x.r }), maxNmse: 1e-12 },
  { name: 'conv 3×3 p1 Winograd + relu + fused 1×1 projection 16→24→5 on 21×37', inputs: { x: { shape: [16, 21, 37] }, w: { shape: [24, 16, 3, 3], scale: 0.3 }, b: { shape: [24] }, pw: { shape: [5, 24, 1, 1], scale: 0.3 }, pb: { shape: [5] } }, run: (be, x) => be.conv2d(x.x!, x.w!, x.b, { pad: 1, activation: 'relu', project: { weight: x.pw!, bias: x.pb } }), maxNmse: 1e-12 },
  { name: 'conv 3×3 p1 + residual + 1×1 projection, no projection bias, 32→16→3 on 37×330 (bands)', inputs: { x: { shape: [32, 37, 330] }, w: { shape: [16, 32, 3, 3], scale: 0.2 }, r: { shape: [16, 37, 330] }, pw: { shape: [3, 16, 1, 1] } }, run: (be, x) => be.conv2d(x.x!, x.w!, undefined, { pad: 1, residual: x.r, project: { weight: x.pw! } }), maxNmse: 1e-12 },
  { name: 'conv 3×3 p1 + 1×1 projection on the direct path (6 channels)', inputs: { x: { shape: [6, 9, 10] }, w: { shape: [6, 6, 3, 3] }, b: { shape: [6] }, pw: { shape: [4, 6, 1, 1] }, pb: { shape: [4] } }, run: (be, x) => be.conv2d(x.x!, x.w!, x.b, { pad: 1, project: { weight: x.pw!, bias: x.pb } }), maxNmse: 1e-12 },
  { name: 'conv 3×3 p1 8→200 on 100×123 + residual (large GEMM tile)', inputs: { x: { shape: [8, 100, 123] }, w: { shape: [200, 8, 3, 3], scale: 0.3 }, b: { shape: [200] }, r: { shape: [200, 100, 123] } }, run: (be, x) => be.conv2d(x.x!, x.w!, x.b, { pad: 1, residual: x.r }), maxNmse: 1e-12 },
  { name: 'conv 3×3 no pad', inputs: { x: { shape: [3, 7, 9] }, w: { shape: [5, 3, 3, 3] } }, run: (be, x) => be.conv2d(x.x!, x.w!, undefined), maxNmse: 1e-12 },
  { name: 'conv 1×1 16→7 on 9×10 +bias relu', inputs: { x: { shape: [16, 9, 10] }, w: { shape: [7, 16, 1, 1] }, b: { shape: [7] } }, run: (be, x) => be.conv2d(x.x!, x.w!, x.b, { activation: 'relu' }), maxNmse: 1e-12 },
  { name: 'conv 1×1 reluInput (planes path)', inputs: { x: { shape: [5, 4, 6] }, w: { shape: [3, 5, 1, 1] } }, run: (be, x) => be.conv2d(x.x!, x.w!, undefined, { reluInput: true }), maxNmse: 1e-12 },
  { name: 'conv 14×14 s14 patch embed 3→8 on 28×42', inputs: { x: { shape: [3, 28, 42] }, w: { shape: [8, 3, 14, 14], scale: 0.1 }, b: { shape: [8] } }, run: (be, x) => be.conv2d(x.x!, x.w!, x.b, { stride: 14 }), maxNmse: 1e-12 },
  { name: 'convTranspose k4s4 8→5 on 3×5', inputs: { x: { shape: [8, 3, 5] }, w: { shape: [8, 5, 4, 4] }, b: { shape: [5] } }, run: (be, x) => be.convTranspose2d(x.x!, x.w!, x.b), maxNmse: 1e-12 },
  { name: 'convTranspose k2s2 9→6 on 4×7, no bias', inputs: { x: { shape: [9, 4, 7] }, w: { shape: [9, 6, 2, 2] } }, run: (be, x) => be.convTranspose2d(x.x!, x.w!, undefined), maxNmse: 1e-12 },
  // ---- resampling ----
  { name: 'resize 4×7×9 → 13×18', inputs: { x: { shape: [4, 7, 9] } }, run: (be, x) => be.resizeBilinear(x.x!, 13, 18), maxNmse: 1e-13 },
  { name: 'resize ×1.75 2×12×18 → 21×31', inputs: { x: { shape: [2, 12, 18] } }, run: (be, x) => be.resizeBilinear(x.x!, 21, 31), maxNmse: 1e-13 },
  { name: 'resize down 3×9×8 → 4×3', inputs: { x: { shape: [3, 9, 8] } }, run: (be, x) => be.resizeBilinear(x.x!, 4, 3), maxNmse: 1e-13 },
  { name: 'resize + add 3×10×14 → 23×37', inputs: { x: { shape: [3, 10, 14] }, a: { shape: [3, 23, 37] } }, run: (be, x) => be.resizeBilinear(x.x!, 23, 37, { add: x.a }), maxNmse: 1e-13 },
  { name: 'resize + separable add 4×10×14 → 23×37 (x terms below channel 2, y terms above)', inputs: { x: { shape: [4, 10, 14] }, ax: { shape: [4, 1, 37] }, ay: { shape: [4, 23, 1] } }, run: (be, x) => be.resizeBilinear(x.x!, 23, 37, { addSeparable: { x: x.ax!, y: x.ay!, split: 2 } }), maxNmse: 1e-13 },
  { name: 'resize same size', inputs: { x: { shape: [2, 5, 6] } }, run: (be, x) => be.resizeBilinear(x.x!, 5, 6), maxNmse: 0 },
];

export function uploadInputs(be: Backend, c: OpCase, seed: number): Inputs {
  const out: Inputs = {};
  let i = 0;
  for (const [name, spec] of Object.entries(c.inputs)) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    out[name] = be.upload(values(n, seed * 131 + ++i * 7919, spec.scale ?? 1), spec.shape);
  }
  return out;
}

export const reference = new ReferenceBackend();
const expected = new Map<string, Promise<Float32Array>>();
export function expectedOf(c: OpCase): Promise<Float32Array> {
  let result = expected.get(c.name);
  if (!result) {
    result = reference.download(c.run(reference, uploadInputs(reference, c, c.name.length)));
    expected.set(c.name, result);
  }
  return result;
}

