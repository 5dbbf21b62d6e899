// Whole models on the webgpu backend beyond the f32 parity suites: F16 GGUFs (weights kept 16-bit
// on the GPU) against the wasm backend running the same file, and the f16 weight mode against
// the PyTorch reference at its own documented gates (Pearson ≥ 0.9999, max rel ≤ 1e-2).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import '../src/node.ts';
import { bytesSource, decodeImage, loadModel, quantizeModel } from '../src/index.ts';
import { concatBytes } from './helpers/bytes.ts';
import { fixturePath, loadReference } from './helpers/fixtures.ts';
import { parity } from './helpers/parity.ts';
import { WEBGPU_AVAILABLE } from './helpers/webgpu.ts';

const F32_MODEL = fixturePath('models/da3/pack-da3-aux-f32.gguf');
const photo = () => decodeImage(readFileSync(fixturePath('photos/desk.decoded.png')));

describe.runIf(WEBGPU_AVAILABLE)('webgpu half-precision models', () => {
  it('an F16 GGUF (depth-anything.cpp\'s quantizer) predicts what wasm predicts from the same file', async () => {
    const { chunks } = await quantizeModel(bytesSource(readFileSync(F32_MODEL)), 'f16');
    const f16 = concatBytes(chunks);
    const gpu = await loadModel(bytesSource(f16), { backend: 'webgpu' });
    const cpu = await loadModel(bytesSource(f16), { backend: 'wasm', threads: 2 });
    try {
      expect(gpu.info.tensorTypes.F16).toBeGreaterThan(0);
      const [a, b] = [await gpu.predict(photo()), await cpu.predict(photo())];
      const p = parity(a.depth, b.depth);
      expect(p.maxRel).toBeLessThanOrEqual(1e-4);
      expect(parity(a.confidence!, b.confidence!).maxRel).toBeLessThanOrEqual(1e-4);
      for (let i = 0; i < 12; i++) expect(Math.abs(a.extrinsics![i] - b.extrinsics![i])).toBeLessThanOrEqual(1e-5);
    } finally {
      gpu.dispose();
      cpu.dispose();
    }
  }, 120_000);

  it('weightPrecision f16 stays within the f16 gates of the PyTorch reference', async () => {
    const model = await loadModel(bytesSource(readFileSync(F32_MODEL)), { backend: 'webgpu', weightPrecision: 'f16' });
    try {
      expect(model.backendDescription).toMatch(/f16 weights/);
      const ref = loadReference('refs/da3/desk.r504.safetensors');
      const out = await model.predict(photo());
      const p = parity(out.depth, ref.f32('out.depth'));
      expect(p.pearson).toBeGreaterThanOrEqual(0.9999);
      expect(p.maxRel).toBeLessThanOrEqual(1e-2);
    } finally {
      model.dispose();
    }
  }, 120_000);

  it('f16 weights are refused on the CPU backends', async () => {
    await expect(loadModel(bytesSource(readFileSync(F32_MODEL)), { backend: 'wasm', weightPrecision: 'f16' })).rejects.toThrow(/webgpu option/);
  });
});
