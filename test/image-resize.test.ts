import { describe, expect, it } from 'vitest';
import { resizeArea } from '../src/image/resize-area.ts';
import { resizeCubic, resizeCubicF64 } from '../src/image/resize-cubic.ts';
import type { RgbImage } from '../src/types.ts';
import { expectSameImage, loadFixtureImage, loadSafetensorsArrays } from './image-helpers.ts';

// unit/ops.safetensors: OpenCV 4.6 cv2.resize outputs. cv2.src_u8 = street.jpg decoded, rows
// 255..424, columns 384..639 (256×170); cv2.noise_u8 = 53×37 noise.
const ops = loadSafetensorsArrays('unit/ops.safetensors');
const opsImage = (name: string): RgbImage => {
  const t = ops(name);
  return { width: t.shape[1], height: t.shape[0], data: t.data as Uint8Array };
};

describe('resizeArea (OpenCV INTER_AREA, uint8)', () => {
  it('matches cv2 bit-exactly on the unit fixtures', () => {
    const src = opsImage('cv2.src_u8');
    expectSameImage(resizeArea(src, 126, 84), opsImage('cv2.area_126x84_u8'));
    expectSameImage(resizeArea(src, 75, 50), opsImage('cv2.area_75x50_u8'));
    expectSameImage(resizeArea(opsImage('cv2.noise_u8'), 20, 13), opsImage('cv2.noise_area_down_20x13_u8'));
  });

  it('matches the DA3 step-1 PNGs of desk (1024x680 -> 504x335, 252x167, 112x74)', () => {
    const desk = loadFixtureImage('photos/desk.decoded.png');
    for (const res of [504, 252, 112]) {
      const step1 = loadFixtureImage(`photos/preprocessed/desk.r${res}.step1.png`);
      expectSameImage(resizeArea(desk, step1.width, step1.height), step1);
    }
  });

  it('exact 2x uses OpenCV\'s half-up (a+b+c+d+2)>>2 fast path', () => {
    // Block sums 10 (2.5 -> 3, where round-half-even would give 2), 6 (1.5 -> 2), 7, 1020.
    const src = rgbFromGray(4, 4, [
      1, 3, 1, 1,
      3, 3, 2, 2,
      2, 2, 255, 255,
      1, 2, 255, 255,
    ]);
    expect(Array.from(resizeArea(src, 2, 2).data.filter((_, i) => i % 3 === 0))).toEqual([3, 2, 2, 255]);
  });

  it('other integer factors use the block mean (3x3 and 1x2)', () => {
    const values = Array.from({ length: 36 }, (_, i) => (i * 37) % 251);
    const src = rgbFromGray(6, 6, values);
    const mean = (x0: number, y0: number, fx: number, fy: number): number => {
      let s = 0;
      for (let y = y0; y < y0 + fy; y++) for (let x = x0; x < x0 + fx; x++) s += values[y * 6 + x];
      return Math.round(s / (fx * fy)); // block sums here never land on .5
    };
    expect(Array.from(resizeArea(src, 2, 2).data.filter((_, i) => i % 3 === 0))).toEqual([mean(0, 0, 3, 3), mean(3, 0, 3, 3), mean(0, 3, 3, 3), mean(3, 3, 3, 3)]);
    // 1x2 blocks: an odd pair sum is an exact .5 tie, which this path rounds half to even.
    const expected: number[] = [];
    let ties = 0;
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 6; x++) {
        const s = values[2 * y * 6 + x] + values[(2 * y + 1) * 6 + x];
        const low = Math.floor(s / 2);
        if (s % 2 === 1) ties++;
        expected.push(s % 2 === 1 && low % 2 === 1 ? low + 1 : low);
      }
    }
    expect(ties).toBeGreaterThan(4);
    expect(Array.from(resizeArea(src, 6, 3).data.filter((_, i) => i % 3 === 0))).toEqual(expected);
  });

  it('returns a copy for the same size and rejects enlargement and bad sizes', () => {
    const src = rgbFromGray(2, 2, [1, 2, 3, 4]);
    const same = resizeArea(src, 2, 2);
    expect(same).toEqual(src);
    expect(same.data).not.toBe(src.data);
    expect(() => resizeArea(src, 3, 2)).toThrow(/resizeArea: 2x2 -> 3x2 enlarges an axis/);
    expect(() => resizeArea(src, 0, 1)).toThrow(/target size 0x1 is not a positive integer size/);
    expect(() => resizeArea({ width: 2, height: 2, data: new Uint8Array(5) }, 1, 1)).toThrow(/data length 5 does not match 2x2x3/);
  });
});

describe('resizeCubic (OpenCV INTER_CUBIC, uint8 fixed point)', () => {
  it('matches cv2 bit-exactly on the unit fixtures', () => {
    expectSameImage(resizeCubic(opsImage('cv2.area_126x84_u8'), 126, 85), opsImage('cv2.cubic_126x85_from_126x84_u8'));
    expectSameImage(resizeCubic(opsImage('cv2.noise_u8'), 100, 71), opsImage('cv2.noise_cubic_up_100x71_u8'));
  });

  it('matches the DA3 step-2 PNGs of desk (504x335 -> 504x336, 252x167 -> 252x168)', () => {
    for (const res of [504, 252]) {
      const step1 = loadFixtureImage(`photos/preprocessed/desk.r${res}.step1.png`);
      const step2 = loadFixtureImage(`photos/preprocessed/desk.r${res}.step2.png`);
      expectSameImage(resizeCubic(step1, step2.width, step2.height), step2);
    }
  });

  it('rejects bad sizes', () => {
    expect(() => resizeCubic(rgbFromGray(2, 2, [1, 2, 3, 4]), 2.5, 2)).toThrow(/resizeCubic: target size 2.5x2/);
    expect(() => resizeCubic(rgbFromGray(2, 2, [1, 2, 3, 4]), 20000, 2)).toThrow(/resizeCubic: target of 20000x2 exceeds the limit/);
  });
});

describe('resizeCubicF64 (OpenCV INTER_CUBIC on float64, the DA2 path)', () => {
  it('matches cv2 on noise/255 bit-exactly after the float32 cast', () => {
    const noise = opsImage('cv2.noise_u8');
    // The fixture's float64 image holds the noise channels in reverse order (DA2's BGR→RGB
    // convention); the resize itself is per channel.
    const scaled = new Float64Array(noise.data.length);
    for (let i = 0; i < scaled.length; i += 3) {
      for (let c = 0; c < 3; c++) scaled[i + c] = noise.data[i + 2 - c] / 255;
    }
    const out = Float32Array.from(resizeCubicF64(scaled, noise.width, noise.height, 3, 84, 56));
    const expected = ops('cv2.noise_f64_cubic_to_84x56_as_f32');
    expect(expected.shape).toEqual([56, 84, 3]);
    expect(new Uint32Array(out.buffer)).toEqual(new Uint32Array((expected.data as Float32Array).buffer));
  });
});

function rgbFromGray(width: number, height: number, gray: number[]): RgbImage {
  return { width, height, data: new Uint8Array(gray.flatMap((g) => [g, g, g])) };
}
