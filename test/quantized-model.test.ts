// Quantized GGUFs written by depth-anything.cpp's quantizer (q8_0, q6_k, q4_k of the tiny DA3
// model, trailing-1 dims dropped as ggml's writer does) load and predict. Each codec is bit-exact
// with ggml (gguf-dequant.test.ts); here the whole model must stay close to the float32
// reference. Gates sit below the measured correlations (q8_0 0.99989, q6_k 0.99971,
// q4_k 0.99694 on this 64-wide random model, whose weights quantize worse than real ones).
//
// The wasm backend keeps those weights quantized (asm/gemm-q8.ts, asm/stored-rows.ts); the same
// file with every weight widened to float32 at load (the reference semantics) must give the same
// depth up to the 16-bit activation rounding of the Q8_0 GEMM (every file here has Q8_0 tensors:
// rows of 64 and 128 are not whole k-quant super-blocks); measured max rel 1.4e-4 to 1.9e-4,
// Pearson above 0.9999999985.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import '../src/node.ts';
import { bytesSource, decodeImage, loadModel } from '../src/index.ts';
import { createWasmBackend } from '../src/backend/wasm/index.ts';
import { fixturePath, loadReference } from './helpers/fixtures.ts';
import { parity } from './helpers/metrics.ts';

const CASES = [
  { type: 'q8_0', minPearson: 0.9995 },
  { type: 'q6_k', minPearson: 0.999 },
  { type: 'q4_k', minPearson: 0.99 },
];

describe.each(CASES)('pack-da3 quantized to $type', ({ type, minPearson }) => {
  it('gives the depth of the same file widened to float32 at load (wasm, kept in its type)', async () => {
    const bytes = readFileSync(fixturePath(`quant/quantize/pack-da3/pack-da3-${type}.gguf`));
    const image = decodeImage(readFileSync(fixturePath('photos/desk.decoded.png')));
    const kept = await createWasmBackend({ threads: 2 });
    const widened = Object.assign(await createWasmBackend({ threads: 2 }), { keepsStored: () => false });
    /** The depth, and the heap bytes the loaded model holds. */
    const run = async (backend: typeof kept): Promise<[Float32Array, number]> => {
      const model = await loadModel(bytesSource(bytes), { backend });
      try {
        const heap = backend.heapBytes;
        return [(await model.predict(image)).depth, heap];
      } finally {
        model.dispose();
        backend.dispose();
      }
    };
    const [keptDepth, keptHeap] = await run(kept);
    const [widenedDepth, widenedHeap] = await run(widened);
    expect(keptHeap).toBeLessThan(widenedHeap);
    const p = parity(keptDepth, widenedDepth);
    expect(p.maxRel).toBeLessThan(1e-3);
    expect(p.pearson).toBeGreaterThan(0.9999999);
  });

  it('predicts depth and camera close to the float32 reference', async () => {
    const model = await loadModel(bytesSource(readFileSync(fixturePath(`quant/quantize/pack-da3/pack-da3-${type}.gguf`))));
    try {
      expect(Object.keys(model.info.tensorTypes)).toContain(type.toUpperCase());
      const ref = loadReference('refs/da3/desk.r504.safetensors');
      const out = await model.predict(decodeImage(readFileSync(fixturePath('photos/desk.decoded.png'))));
      expect(parity(out.depth, ref.f32('out.depth')).pearson).toBeGreaterThanOrEqual(minPearson);
      expect(Math.abs(out.intrinsics![0] / ref.f32('out.intrinsics')[0] - 1)).toBeLessThan(0.01);
    } finally {
      model.dispose();
    }
  });
});
