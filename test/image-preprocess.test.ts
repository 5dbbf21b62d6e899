import { describe, expect, it } from 'vitest';
import { decodeImage } from '../src/image/decode.ts';
import { da2TargetSize, da3TargetSizes, IMAGENET_MEAN, IMAGENET_STD, normalizeToTensor, preprocessDa2, preprocessDa3 } from '../src/image/preprocess.ts';
import { deskSquareCrop, diffStats, expectSameImage, loadFixtureImage, loadSafetensorsArrays, readFixture } from './image-helpers.ts';

const mean = IMAGENET_MEAN;
const std = IMAGENET_STD;
const desk = loadFixtureImage('photos/desk.decoded.png');

describe('DA3 preprocessing sizes', () => {
  it('follows the reference examples (Python round half-even, nearest multiple of 14 with ties up)', () => {
    const sizes = (w: number, h: number, target = 504, mode: 'upper_bound' | 'lower_bound' = 'upper_bound') => {
      const s = da3TargetSizes(w, h, target, mode);
      return [s.step1.width, s.step1.height, s.step2.width, s.step2.height];
    };
    expect(sizes(1024, 680)).toEqual([504, 335, 504, 336]);
    expect(sizes(1024, 680, 252)).toEqual([252, 167, 252, 168]);
    expect(sizes(1024, 680, 112)).toEqual([112, 74, 112, 70]);
    expect(sizes(1024, 680, 84)).toEqual([84, 56, 84, 56]);
    expect(sizes(640, 427)).toEqual([504, 336, 504, 336]);
    expect(sizes(1920, 1080)).toEqual([504, 284, 504, 280]); // 283.5 rounds to even 284
    expect(sizes(4032, 3024)).toEqual([504, 378, 504, 378]);
    expect(sizes(3000, 4000)).toEqual([378, 504, 378, 504]);
    expect(sizes(100, 50)).toEqual([504, 252, 504, 252]);
    expect(sizes(1024, 680, 518, 'lower_bound')).toEqual([780, 518, 784, 518]);
    expect(sizes(21, 20, 21)).toEqual([21, 20, 28, 14]); // 21 = 14 + 7: a tie goes up
    expect(() => da3TargetSizes(0, 5, 504, 'upper_bound')).toThrow(/image width must be a positive integer/);
  });
});

describe('preprocessDa3 on desk.decoded.png', () => {
  for (const res of [504, 252, 112]) {
    it(`r${res}: step1 and step2 equal the reference PNGs`, () => {
      const out = preprocessDa3(desk, { target: res, mode: 'upper_bound', mean, std });
      expectSameImage(out.step1, loadFixtureImage(`photos/preprocessed/desk.r${res}.step1.png`));
      expectSameImage(out.step2, loadFixtureImage(`photos/preprocessed/desk.r${res}.step2.png`));
      expect([out.width, out.height]).toEqual([out.step2.width, out.step2.height]);
      expect(diffStats(out.tensor, normalizeToTensor(out.step2, mean, std)).count).toBe(0);
    });
  }

  it('r84 (a single AREA step) and desk_sq680 r224 equal the reference step2 PNGs', () => {
    expectSameImage(preprocessDa3(desk, { target: 84, mode: 'upper_bound', mean, std }).step2, loadFixtureImage('photos/preprocessed/desk.r84.step2.png'));
    const square = preprocessDa3(deskSquareCrop(desk), { target: 224, mode: 'upper_bound', mean, std });
    expectSameImage(square.step2, loadFixtureImage('photos/preprocessed/desk_sq680.r224.step2.png'));
  });
});

describe('preprocessDa3 from the JPEGs: bit-exact with the reference step2 PNGs', () => {
  // The decoder matches libjpeg-turbo and the resizes match OpenCV, so the whole path from JPEG
  // bytes is exact (jpeg-js, the previous decoder, was up to 10 levels off at r504).
  for (const [photo, res] of [['street', 112], ['canyon', 112], ['mountains', 112], ['street', 504], ['desk', 504], ['desk', 112]] as const) {
    it(`${photo} r${res}`, () => {
      const out = preprocessDa3(decodeImage(readFixture(`photos/${photo}.jpg`)), { target: res, mode: 'upper_bound', mean, std });
      const ref = loadFixtureImage(`photos/preprocessed/${photo}.r${res}.step2.png`);
      expect([out.width, out.height]).toEqual([ref.width, ref.height]);
      expect(diffStats(out.step2.data, ref.data).max).toBe(0);
    });
  }
});

describe('normalizeToTensor (torchvision ToTensor + Normalize in float32)', () => {
  // The DA3 references do not store their input tensor, but `points.colors_u8` =
  // uint8(clip(x·std + mean, 0, 1)·255) in float64 is derived from it; every value must agree.
  for (const [ref, res] of [['refs/da3/desk.r112.full.safetensors', 112], ['refs/da3-giant/desk.r84.full.safetensors', 84]] as const) {
    it(`reproduces ${ref} points.colors_u8 from the r${res} tensor`, () => {
      const colors = loadSafetensorsArrays(ref)('points.colors_u8');
      const out = preprocessDa3(desk, { target: res, mode: 'upper_bound', mean, std });
      expect(colors.shape).toEqual([1, out.height, out.width, 3]);
      const plane = out.width * out.height;
      const derived = new Uint8Array(3 * plane);
      for (let i = 0; i < plane; i++) {
        for (let c = 0; c < 3; c++) {
          const v = out.tensor[c * plane + i] * std[c] + mean[c];
          derived[3 * i + c] = Math.floor(Math.min(1, Math.max(0, v)) * 255);
        }
      }
      expect(derived).toEqual(colors.data);
    });
  }

  it('computes (f32(u8)/255 - mean)/std with float32 rounding at every step, CHW', () => {
    const img = { width: 2, height: 1, data: new Uint8Array([0, 128, 255, 7, 99, 200]) };
    const t = normalizeToTensor(img, mean, std);
    const f = Math.fround;
    const expected = [0, 7, 128, 99, 255, 200].map((u, i) => {
      const c = i >> 1;
      return f(f(f(u / 255) - f(mean[c])) / f(std[c]));
    });
    expect(Array.from(t)).toEqual(expected);
  });

  it('rejects bad mean/std and mismatched data', () => {
    const img = { width: 1, height: 1, data: new Uint8Array(3) };
    expect(() => normalizeToTensor(img, [0.5, 0.5], std)).toThrow(/mean and std need 3 values/);
    expect(() => normalizeToTensor(img, mean, [1, 0, 1])).toThrow(/non-zero std/);
    expect(() => normalizeToTensor({ width: 2, height: 1, data: new Uint8Array(3) }, mean, std)).toThrow(/does not match 2x1x3/);
  });
});

describe('preprocessDa2 (float64 pipeline, one INTER_CUBIC)', () => {
  it('sizes: desk 518 -> 784x518, 70 -> 112x70', () => {
    expect(da2TargetSize(1024, 680, 518)).toEqual({ width: 784, height: 518 });
    expect(da2TargetSize(1024, 680, 70)).toEqual({ width: 112, height: 70 });
    expect(da2TargetSize(680, 1024, 518)).toEqual({ width: 518, height: 784 });
    expect(da2TargetSize(518, 518, 518)).toEqual({ width: 518, height: 518 });
  });

  it('reproduces refs/da2/desk.r70.full input.tensor bit for bit', () => {
    const expected = loadSafetensorsArrays('refs/da2/desk.r70.full.safetensors')('input.tensor');
    expect(expected.shape).toEqual([1, 3, 70, 112]);
    const out = preprocessDa2(desk, { target: 70, mean, std });
    expect([out.width, out.height]).toEqual([112, 70]);
    expect(new Uint32Array(out.tensor.buffer)).toEqual(new Uint32Array((expected.data as Float32Array).buffer));
  });

  it('float32-rounded mean/std (as a GGUF stores them) are off by at most 1 ulp on some values', () => {
    // Documents why IMAGENET_MEAN/STD must be the float64 constants for DA2.
    const expected = loadSafetensorsArrays('refs/da2/desk.r70.full.safetensors')('input.tensor').data as Float32Array;
    const out = preprocessDa2(desk, { target: 70, mean: mean.map(Math.fround), std: std.map(Math.fround) });
    const d = diffStats(out.tensor, expected);
    expect(d.count).toBeGreaterThan(0);
    expect(d.max).toBeLessThanOrEqual(2.4e-7);
  });
});
