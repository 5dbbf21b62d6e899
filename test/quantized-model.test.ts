// Quantized GGUFs written by depth-anything.cpp's quantizer (q8_0, q6_k, q4_k of the tiny DA3
// model, trailing-1 dims dropped as ggml's writer does) load and predict. Each codec is bit-exact
// with ggml (gguf-dequant.test.ts); here the whole model must stay close to the float32
// reference. Gates sit below the measured correlations (q8_0 0.99989, q6_k 0.99971,
// q4_k 0.99694 on this 64-wide random model, whose weights quantize worse than real ones).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import '../src/node.ts';
import { bytesSource, decodeImage, loadModel } from '../src/index.ts';
import { fixturePath, loadReference } from './helpers/fixtures.ts';
import { parity } from './helpers/metrics.ts';

const CASES = [
  { type: 'q8_0', minPearson: 0.9995 },
  { type: 'q6_k', minPearson: 0.999 },
  { type: 'q4_k', minPearson: 0.99 },
];

describe.each(CASES)('pack-da3 quantized to $type', ({ type, minPearson }) => {
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
