// The public API from bytes to predictions: loadModel → predict / predictViews on decoded images.
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesSource, decodeImage, loadModel, type DepthModel, type RgbImage } from '../src/index.ts';
import { GGUF_VALUE_TYPE } from '../gguf/kv.ts';
import { writeGguf } from '../gguf/writer.ts';
import { loadReference, readFixture } from './helpers/fixtures.ts';
import { expectDenseOutput, expectMaxAbs, expectMaxRel } from './helpers/metrics.ts';

describe('loadModel + predict (DA3 tiny model)', () => {
  let model: DepthModel;
  let desk: RgbImage;
  beforeAll(async () => {
    model = await loadModel(bytesSource(readFixture('models/da3/pack-da3-aux-f32.gguf')));
    desk = decodeImage(readFixture('photos/desk.decoded.png'));
  });

  it('describes the model', () => {
    expect(model.info.family).toBe('da3');
    expect(model.info.capabilities).toEqual(['depth', 'confidence', 'pose', 'rays']);
  });

  it('predict at a chosen resolution matches the reference for that resolution', async () => {
    const ref = loadReference('refs/da3/desk.r112.full.safetensors');
    const out = await model.predict(desk, { resolution: 112 });
    expect([out.width, out.height]).toEqual([112, 70]);
    expectDenseOutput('depth', out.depth, ref.f32('out.depth'));
    expectDenseOutput('confidence', out.confidence!, ref.f32('out.depth_conf'));
    expectMaxAbs('extrinsics', out.extrinsics!, ref.f32('out.extrinsics'), 1e-5);
    expectMaxRel('intrinsics', out.intrinsics!, ref.f32('out.intrinsics'), 1e-5);
  });

  it('rayPose: cameras from the ray map with our own seeded RANSAC draws, close to the reference', async () => {
    const ref = loadReference('refs/da3/desk.r112.full.safetensors');
    const out = await model.predict(desk, { resolution: 112, rayPose: true });
    expect([out.rays!.width, out.rays!.height]).toEqual([64, 40]);
    // README §8 gates for independent RANSAC draws: focal within 3 %, extrinsics within 1e-2.
    const k = ref.f32('raypose.out.intrinsics');
    expect(Math.abs(out.intrinsics![0] / k[0] - 1)).toBeLessThan(0.03);
    expect(Math.abs(out.intrinsics![4] / k[4] - 1)).toBeLessThan(0.03);
    expectMaxAbs('ray-pose extrinsics', out.extrinsics!, ref.f32('raypose.out.extrinsics'), 1e-2);
    const again = await model.predict(desk, { resolution: 112, rayPose: true });
    expect(Array.from(again.extrinsics!)).toEqual(Array.from(out.extrinsics!)); // seeded: deterministic
  });

  it('predictViews returns one prediction per view, each with its camera', async () => {
    const views = await model.predictViews([desk, desk], { resolution: 112 });
    expect(views).toHaveLength(2);
    for (const v of views) {
      expect(v.depth.every(Number.isFinite)).toBe(true);
      expect(v.extrinsics).toHaveLength(12);
    }
  });

  it('predictViews rejects views that preprocess to different sizes', async () => {
    const square: RgbImage = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) };
    await expect(model.predictViews([desk, square], { resolution: 112 })).rejects.toThrow(/same size/);
  });
});

it('rayPose on a model without the aux ray head is a clear error', async () => {
  const mono = await loadModel(bytesSource(readFixture('models/da3mono/pack-da3mono-f32.gguf')));
  const image = decodeImage(readFixture('photos/preprocessed/desk.r112.step2.png'));
  await expect(mono.predict(image, { rayPose: true })).rejects.toThrow(/aux-bearing GGUF/);
  mono.dispose();
});

it('loadModel rejects a GGUF that is not a Depth Anything model', async () => {
  const [header] = writeGguf({ kv: [['general.architecture', { type: GGUF_VALUE_TYPE.STRING, value: 'llama' }]], tensors: [] });
  await expect(loadModel(bytesSource(header))).rejects.toThrow(/not a Depth Anything GGUF/);
});
