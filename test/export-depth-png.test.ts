import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { encodeDepthPng } from '../src/export/depth-png.ts';

function pixels(png: Uint8Array) {
  const image = decode(png);
  return { width: image.width, height: image.height, channels: image.channels, depth: image.depth, data: Array.from(image.data) };
}

describe('encodeDepthPng, gray', () => {
  it('writes an 8-bit single-channel PNG, near = bright by default', () => {
    const depth = new Float32Array([0, 1, 2, 3, 4, 4]);
    const image = pixels(encodeDepthPng(depth, 3, 2));
    expect(image).toMatchObject({ width: 3, height: 2, channels: 1, depth: 8 });
    // t = d/4 inverted → 1, .75, .5, .25, 0, 0 → int(t·255 + 0.5)
    expect(image.data).toEqual([255, 191, 128, 64, 0, 0]);
  });

  it('--no-invert maps near to dark', () => {
    const depth = new Float32Array([0, 1, 2, 3, 4, 4]);
    expect(pixels(encodeDepthPng(depth, 3, 2, { invert: false })).data).toEqual([0, 64, 128, 191, 255, 255]);
  });

  it('is all 255 (inverted) or all 0 when max == min', () => {
    const flat = new Float32Array(4).fill(2.5);
    expect(pixels(encodeDepthPng(flat, 2, 2)).data).toEqual([255, 255, 255, 255]);
    expect(pixels(encodeDepthPng(flat, 2, 2, { invert: false })).data).toEqual([0, 0, 0, 0]);
  });

  it('matches the C++ float32 arithmetic where double arithmetic would differ by one', () => {
    // [min, max, d] triples; the third pixel's level was printed by the C++ formula compiled
    // with g++ (a double computation gives one less in each case).
    const cases: [number, number, number, number][] = [
      [2.800767183303833, 4.288062572479248, 3.421931743621826, 149],
      [1.3601677417755127, 2.129655599594116, 1.5457501411437988, 194],
      [0.47051161527633667, 5.456546783447266, 0.6953720450401306, 244],
    ];
    for (const [min, max, d, level] of cases) {
      expect(pixels(encodeDepthPng(new Float32Array([min, max, d]), 3, 1)).data).toEqual([255, 0, level]);
    }
  });

  it('ignores non-finite values for min/max and paints them 0', () => {
    const depth = new Float32Array([NaN, 1, Infinity, 3, -Infinity, 2]);
    expect(pixels(encodeDepthPng(depth, 3, 2)).data).toEqual([0, 255, 0, 0, 0, 128]);
    const none = new Float32Array([NaN, Infinity]);
    expect(pixels(encodeDepthPng(none, 2, 1)).data).toEqual([0, 0]);
  });

  it('rejects a value count that does not match the size', () => {
    expect(() => encodeDepthPng(new Float32Array(5), 3, 2)).toThrow(/5 values for a 3x2 map/);
  });
});

describe('encodeDepthPng, turbo', () => {
  it('writes RGB through the Turbo polynomial: t = 0, ¼, ½, ¾, 1', () => {
    // Expected bytes: round(255 · polynomial(t)) evaluated independently (Python, float64).
    const depth = new Float32Array([0, 1, 2, 3, 4]);
    const image = pixels(encodeDepthPng(depth, 5, 1, { colormap: 'turbo', invert: false }));
    expect(image).toMatchObject({ width: 5, height: 1, channels: 3, depth: 8 });
    expect(image.data).toEqual([
      35, 23, 27, // dark blue
      38, 189, 225, // cyan
      150, 250, 80, // green-yellow
      255, 128, 29, // orange (red channel clamped)
      144, 13, 0, // dark red (blue clamped at 0)
    ]);
  });

  it('inverts by default (near = red end) and paints non-finite pixels black', () => {
    const depth = new Float32Array([0, NaN, 4]);
    expect(pixels(encodeDepthPng(depth, 3, 1, { colormap: 'turbo' })).data).toEqual([144, 13, 0, 0, 0, 0, 35, 23, 27]);
  });
});
