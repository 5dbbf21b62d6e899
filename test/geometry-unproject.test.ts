// Back-projection against DA3's own point cloud (`points.world`, float64 math, float32 out):
// first from the reference's depth and cameras (the geometry alone), then from our predictions.
import { describe, expect, it } from 'vitest';
import '../src/node.ts';
import { bytesSource, decodeImage, loadModel } from '../src/index.ts';
import { percentile, quantile, quantiles } from '../src/geometry/quantile.ts';
import { unprojectViews, type UnprojectView } from '../src/geometry/unproject.ts';
import { IMAGENET_MEAN, IMAGENET_STD, normalizeToTensor } from '../src/image/preprocess.ts';
import type { RgbImage } from '../src/types.ts';
import { loadReference, readFixture, type Reference } from './helpers/fixtures.ts';
import { parity } from './helpers/metrics.ts';

const CASES = [
  { name: 'da3 desk 112×70', ref: 'refs/da3/desk.r112.full.safetensors', model: 'models/da3/pack-da3-aux-f32.gguf', step2: 'desk.r112', resolution: 112 },
  { name: 'da3-giant desk 84×56', ref: 'refs/da3-giant/desk.r84.full.safetensors', model: 'models/da3-giant/pack-da3-giant-aux-f32.gguf', step2: 'desk.r84', resolution: 84 },
];

const step2Image = (name: string): RgbImage => decodeImage(readFixture(`photos/preprocessed/${name}.step2.png`));

function referenceView(ref: Reference, image: RgbImage): UnprojectView {
  return {
    width: image.width,
    height: image.height,
    depth: ref.f32('out.depth'),
    confidence: ref.f32('out.depth_conf'),
    extrinsics: ref.f32('out.extrinsics'),
    intrinsics: ref.f32('out.intrinsics'),
    image,
  };
}

/** max |ours − reference| over all coordinates, relative to the largest |coordinate|. */
function relativeMaxAbs(ours: Float32Array, expected: Float32Array): { maxAbs: number; scale: number } {
  const maxAbs = parity(ours, expected).maxAbs;
  return { maxAbs, scale: expected.reduce((m, x) => Math.max(m, Math.abs(x)), 0) };
}

describe.each(CASES)('unprojectViews vs DA3 points ($name)', ({ ref: refPath, model: modelPath, step2, resolution }) => {
  const ref = loadReference(refPath);
  const image = step2Image(step2);
  const expected = ref.f32('points.world');

  it('from the reference depth and cameras: every pixel, float32-exact up to one rounding', () => {
    const cloud = unprojectViews([referenceView(ref, image)]);
    expect(cloud.count).toBe(image.width * image.height); // all reference depths are > 0
    const { maxAbs, scale } = relativeMaxAbs(cloud.positions, expected);
    // float64 math both sides; only the matrix inversion method differs (LAPACK LU vs adjugate).
    expect(maxAbs / scale).toBeLessThanOrEqual(2 ** -23);
    expect(Array.from(cloud.pixel.subarray(0, 3))).toEqual([0, 1, 2]); // rows outer, columns inner
    expect(cloud.pixel[cloud.count - 1]).toBe(image.width * image.height - 1);
  });

  it('colours are the step2 image; DA3 truncates its de-normalized input, so it is 0 or 1 lower', () => {
    const cloud = unprojectViews([referenceView(ref, image)]);
    expect(cloud.colors).toEqual(image.data);
    const reference = ref.u8('points.colors_u8');
    let lower = 0;
    for (let i = 0; i < reference.length; i++) {
      const d = cloud.colors[i]! - reference[i]!;
      expect(d === 0 || d === 1).toBe(true);
      lower += d;
    }
    expect(lower).toBeGreaterThan(0);
    // …and that truncation reproduces the reference exactly, which pins down where the 1s come from.
    const x = normalizeToTensor(image, IMAGENET_MEAN, IMAGENET_STD);
    const n = image.width * image.height;
    const truncated = Uint8Array.from(reference, (_, i) => {
      const c = i % 3, p = (i - c) / 3;
      return Math.trunc(Math.min(Math.max(x[c * n + p]! * IMAGENET_STD[c]! + IMAGENET_MEAN[c]!, 0), 1) * 255);
    });
    expect(truncated).toEqual(reference);
  });

  it('end to end from our own prediction', async () => {
    const model = await loadModel(bytesSource(readFixture(modelPath)), { threads: 1 });
    try {
      const prediction = await model.predict(image, { resolution });
      expect([prediction.width, prediction.height]).toEqual([image.width, image.height]);
      const cloud = unprojectViews([{ ...prediction, extrinsics: prediction.extrinsics!, intrinsics: prediction.intrinsics!, image }]);
      expect(cloud.count).toBe(image.width * image.height);
      const { maxAbs, scale } = relativeMaxAbs(cloud.positions, expected);
      // Depth matches to max_rel 1e-4 and the camera to ~1e-5: points follow.
      expect(maxAbs / scale).toBeLessThanOrEqual(2e-4);
    } finally {
      model.dispose();
    }
  }, 60_000);
});

describe('unprojectViews rules', () => {
  const image: RgbImage = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => i) };
  const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0];
  const K = [2, 0, 1, 0, 4, 1, 0, 0, 1];

  it('hand-computed points, validity and confidence threshold', () => {
    const depth = Float32Array.of(1, NaN, 2, 0, -1, Infinity);
    const confidence = Float32Array.of(5, 5, 1, 5, 5, 5);
    const all = unprojectViews([{ width: 3, height: 2, depth, confidence, extrinsics: identity, intrinsics: K, image }]);
    expect(Array.from(all.pixel)).toEqual([0, 2]); // NaN, 0, negative, Inf dropped; no threshold
    // (u, v) = (0, 0), d 1: ((0 − 1)/2, (0 − 1)/4, 1); (2, 0), d 2: ((2 − 1)/2·2, −1/4·2, 2).
    expect(Array.from(all.positions)).toEqual([-0.5, -0.25, 1, 1, -0.5, 2]);
    expect(Array.from(all.colors)).toEqual([0, 1, 2, 6, 7, 8]);
    const kept = unprojectViews([{ width: 3, height: 2, depth, confidence, extrinsics: identity, intrinsics: K, image }], 2);
    expect(Array.from(kept.pixel)).toEqual([0]);
  });

  it('applies inverse(w2c) and numbers views in order; skips a singular camera', () => {
    const depth = new Float32Array(6).fill(1);
    // w2c: x_cam = x_world + (0, 0, −5) ⇒ world = cam + (0, 0, 5).
    const shifted = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, -5];
    const cloud = unprojectViews([
      { width: 3, height: 2, depth, extrinsics: identity, intrinsics: [0, 0, 0, 0, 0, 0, 0, 0, 1], image },
      { width: 3, height: 2, depth, extrinsics: shifted, intrinsics: K, image },
    ]);
    expect(cloud.count).toBe(6);
    expect(Array.from(cloud.view)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(cloud.positions.subarray(0, 3))).toEqual([-0.5, -0.25, 6]);
  });

  it('rejects inconsistent inputs with a message', () => {
    const bad = { width: 3, height: 2, depth: new Float32Array(5), extrinsics: identity, intrinsics: K, image };
    expect(() => unprojectViews([bad])).toThrow(/view 0: depth has 5 values for 3×2/);
    expect(() => unprojectViews([{ ...bad, depth: new Float32Array(6), extrinsics: [1] }])).toThrow(/extrinsics need 12/);
  });
});

describe('quantiles (numpy linear)', () => {
  it('interpolates between sorted neighbours', () => {
    const values = Float32Array.of(4, 1, 3, 2, 10);
    expect(quantile(values, 0.5)).toBe(3);
    expect(percentile(values, 40)).toBeCloseTo(2.6, 12); // idx 1.6 → 2 + 0.6·1
    const [q0, q90, q100] = quantiles(values, [0, 0.9, 1]);
    expect([q0, q100]).toEqual([1, 10]);
    expect(q90).toBeCloseTo(7.6, 12);
    expect(() => quantile(new Float32Array(0), 0.5)).toThrow(/empty/);
  });
});
