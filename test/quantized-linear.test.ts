// Linears over weights kept in their GGUF type (asm/stored-rows.ts, asm/gemm-q8.ts) against the
// reference backend on the dequantized weights, on every wasm build and on webgpu (which keeps
// F16 and widens the rest at upload).
//
// F16 and the k-quants widen their panels exactly (the dequant fixtures pin the values), so they
// meet the f32 GEMM's gate. Q8_0 also quantizes the activations: per row and block b of 32,
// d = amax/32767 and q = round(x/d), so |x − d·q| ≤ d/2 for every element, and an output differs
// from the exact product by at most Σ_b (amax_b / 65534) · Σ_{k∈b} |w_k| — computed per output
// below and gated with a small float32 allowance on top. That worst case is far above the typical
// error, so the squared error is also gated against its expectation for rounding errors spread
// uniformly over ±d/2 (variance d²/12 per element): Σ_b d_b²/12 · Σ_{k∈b} w_k², at most 4× it.
import { describe, expect, it } from 'vitest';
import type { Backend, Tensor } from '../src/backend/backend.ts';
import { ReferenceBackend } from '../src/backend/reference/reference-backend.ts';
import { createWasmBackend, type WasmBackend } from '../src/backend/wasm/index.ts';
import { createWebGpuBackend } from '../src/backend/webgpu/index.ts';
import { dequantize } from '../gguf/dequantize.ts';
import { quantize } from '../gguf/quantize.ts';
import { GGML_TYPE, ggmlTypeInfo, type GgmlTypeName } from '../gguf/types.ts';
import { nmse, values } from './helpers/op-cases.ts';
import { WEBGPU_AVAILABLE } from './helpers/webgpu.ts';

const KEPT: GgmlTypeName[] = ['F16', 'Q8_0', 'Q4_K', 'Q5_K', 'Q6_K'];
/** [m, k, n]: row tails of every tile height, column tails of the 8-wide panels, several panel blocks. */
const SHAPES: [number, number, number][] = [[1, 256, 1], [7, 256, 29], [37, 512, 70], [130, 768, 131]];
/** F16 rows can have any length: odd ones exercise the widening's k tail. */
const F16_SHAPES: [number, number, number][] = [[5, 50, 9], [13, 7, 17]];

const WASM_BUILDS = [
  { name: 'wasm relaxed-simd, 2 threads', create: () => createWasmBackend({ threads: 2 }) },
  { name: 'wasm simd128, 1 thread', create: () => createWasmBackend({ threads: 1, relaxedSimd: false }) },
];
const BACKENDS: { name: string; create: () => Promise<Backend> }[] = [
  ...WASM_BUILDS,
  ...(WEBGPU_AVAILABLE ? [{ name: 'webgpu', create: () => createWebGpuBackend() }] : []),
];

/** Uploads a weight as the loader does: stored bytes offered, float32 values for a backend that widens the type. */
function storedWeight(be: Backend, type: number, bytes: Uint8Array, shape: number[]): Promise<Tensor> {
  const kept = be.keepsStored?.(type, shape) ?? false;
  return be.uploadWith(shape, async (target) => {
    if (kept) throw new Error('the float32 fill must not be used for a kept type');
    target.set(dequantize(type, bytes, target.length));
  }, {
    weight: true,
    stored: { type, bytes: bytes.length, fill: async (target) => target.set(bytes) },
  });
}

/**
 * The Q8_0 path's error model per output: `bound`, Σ over blocks of (amax_b(x row) / 65534) · Σ_b |w|
 * (+ f32 slack), and `variance`, Σ_b d_b²/12 · Σ_b w².
 */
function q8ErrorModel(x: Float32Array, w: Float32Array, m: number, k: number, n: number): { bound: Float32Array; variance: Float64Array } {
  const bound = new Float32Array(m * n);
  const variance = new Float64Array(m * n);
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < n; c++) {
      let sum = 0, magnitude = 0, v = 0;
      for (let b = 0; b < k; b += 32) {
        let amax = 0, wabs = 0, wsq = 0;
        for (let i = b; i < b + 32; i++) {
          amax = Math.max(amax, Math.abs(x[r * k + i]!));
          wabs += Math.abs(w[c * k + i]!);
          wsq += w[c * k + i]! ** 2;
          magnitude += Math.abs(x[r * k + i]! * w[c * k + i]!);
        }
        sum += (amax / 65534) * wabs;
        v += ((amax / 32767) ** 2 / 12) * wsq;
      }
      bound[r * n + c] = sum + 1e-6 * magnitude;
      variance[r * n + c] = v;
    }
  }
  return { bound, variance };
}

describe.each(BACKENDS)('linear over kept GGUF types on $name', ({ name, create }) => {
  const keeps = name.startsWith('wasm') ? KEPT : ['F16'];
  it.each(KEPT)('%s weights, every tile tail, bias + residual + LayerScale epilogue', async (typeName) => {
    const be = await create();
    const ref = new ReferenceBackend();
    const type = GGML_TYPE[typeName];
    try {
      for (const [m, k, n] of typeName === 'F16' ? [...SHAPES, ...F16_SHAPES] : SHAPES) {
        const x = values(m * k, 11 + m, 2);
        const bytes = quantize(type, values(n * k, 5 + n));
        const w = dequantize(type, bytes, n * k);
        const bias = values(n, 3), scale = values(n, 4), residual = values(m * n, 6);
        expect(be.keepsStored?.(type, [n, k]) ?? false).toBe(keeps.includes(typeName));
        const weight = await storedWeight(be, type, bytes, [n, k]);
        const opts = (b: Backend) => ({ scale: b.upload(scale, [n]), residual: b.upload(residual, [m, n]) });
        const got = await be.download(be.linear(be.upload(x, [m, k]), weight, be.upload(bias, [n]), opts(be)));
        const want = await ref.download(ref.linear(ref.upload(x, [m, k]), ref.upload(w, [n, k]), ref.upload(bias, [n]), opts(ref)));
        if (typeName === 'Q8_0' && keeps.includes('Q8_0')) {
          const { bound, variance } = q8ErrorModel(x, w, m, k, n);
          // The LayerScale multiplies the product's error; the residual and bias add none.
          let squared = 0, expected = 0;
          for (let i = 0; i < got.length; i++) {
            const s = scale[i % n]!;
            expect(Math.abs(got[i]! - want[i]!), `${m}×${k}→${n} output ${i}`).toBeLessThanOrEqual(bound[i]! * Math.abs(s) + 1e-6);
            squared += (got[i]! - want[i]!) ** 2;
            expected += variance[i]! * s * s;
          }
          if (m * n >= 100) expect(squared, `${m}×${k}→${n} squared error vs its expectation`).toBeLessThanOrEqual(4 * expected);
          expect(squared).toBeGreaterThan(0); // the activations really were quantized
        } else {
          expect(nmse(got, want), `${m}×${k}→${n}`).toBeLessThan(1e-12);
        }
      }
    } finally {
      be.dispose();
    }
  });
});

describe.each(WASM_BUILDS)('kept weights in the wasm heap ($name)', ({ create }) => {
  it.each(['Q4_K', 'Q8_0'] as const)('%s: take about their stored bytes, and widen exactly when used as anything but a linear weight', async (typeName) => {
    const be = await create() as WasmBackend;
    try {
      const [n, k] = [64, 1024];
      const type = GGML_TYPE[typeName];
      const bytes = quantize(type, values(n * k, 9));
      const before = be.heapBytes;
      const t = await storedWeight(be, type, bytes, [n, k]);
      const resident = be.heapBytes - before;
      // Q8_0 is repacked for the integer GEMM into exactly as many bytes.
      expect(resident).toBeLessThan(bytes.length + 256);
      expect(resident).toBeLessThan((n * k * 4) / 3.5);
      // A GELU linear keeps it as stored; a download widens it to exactly the dequantized values.
      be.linear(be.upload(values(3 * k, 1), [3, k]), t, undefined, { activation: 'gelu' });
      expect(be.heapBytes - before).toBeLessThan(resident + 3 * k * 4 + 3 * n * 4 + 512);
      expect(await be.download(t)).toEqual(dequantize(type, bytes, n * k));
    } finally {
      be.dispose();
    }
  });

  it('refuse stored bytes that do not match the shape', async () => {
    const be = await create();
    try {
      const info = ggmlTypeInfo(GGML_TYPE.Q8_0)!;
      const bytes = new Uint8Array((64 / info.blockSize) * info.typeSize * 3);
      await expect(storedWeight(be, GGML_TYPE.Q8_0, bytes, [4, 64])).rejects.toThrow(/stored bytes do not match shape \[4, 64\]/);
      // A Q8_0 block scale that is infinite or NaN (f16 exponent 31) is a corrupt file.
      const corrupt = quantize(GGML_TYPE.Q8_0, values(4 * 64, 2));
      corrupt[34 + 1] = 0x7c;
      await expect(storedWeight(be, GGML_TYPE.Q8_0, corrupt, [4, 64])).rejects.toThrow(/non-finite block scale \(block 1\)/);
      // A row length that is not a whole number of blocks is widened at upload instead.
      expect(be.keepsStored?.(GGML_TYPE.Q4_K, [4, 100])).toBe(false);
    } finally {
      be.dispose();
    }
  });
});
