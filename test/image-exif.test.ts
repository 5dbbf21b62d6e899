import { describe, expect, it } from 'vitest';
import { decodeImage } from '../src/image/decode.ts';
import { applyOrientation, readJpegOrientation } from '../src/image/exif.ts';
import type { RgbImage } from '../src/types.ts';
import { readFixture } from './helpers/fixtures.ts';

describe('applyOrientation', () => {
  // 3×2 image whose pixels are labelled a..f (value = label index · 10 in every channel):
  //   a b c
  //   d e f
  const labels = 'abcdef';
  const stored: RgbImage = { width: 3, height: 2, data: new Uint8Array([...labels].flatMap((_, i) => [i * 10, i * 10 + 1, i * 10 + 2])) };
  const expected: Record<number, string[]> = {
    1: ['abc', 'def'],
    2: ['cba', 'fed'], // mirror
    3: ['fed', 'cba'], // rotate 180
    4: ['def', 'abc'], // flip vertically
    5: ['ad', 'be', 'cf'], // transpose
    6: ['da', 'eb', 'fc'], // rotate 90 clockwise
    7: ['fc', 'eb', 'da'], // transverse
    8: ['cf', 'be', 'ad'], // rotate 90 counter-clockwise
  };
  for (let o = 1; o <= 8; o++) {
    it(`orientation ${o}`, () => {
      const out = applyOrientation(stored, o);
      const rows = expected[o];
      expect([out.width, out.height]).toEqual([rows[0].length, rows.length]);
      const got: string[] = [];
      for (let y = 0; y < out.height; y++) {
        let row = '';
        for (let x = 0; x < out.width; x++) {
          const p = (y * out.width + x) * 3;
          expect([out.data[p + 1] - out.data[p], out.data[p + 2] - out.data[p]]).toEqual([1, 2]);
          row += labels[out.data[p] / 10];
        }
        got.push(row);
      }
      expect(got).toEqual(rows);
    });
  }

  it('rejects orientations outside 1..8', () => {
    expect(() => applyOrientation(stored, 0)).toThrow(/orientation must be an integer 1..8/);
    expect(() => applyOrientation(stored, 9)).toThrow(/orientation must be an integer 1..8/);
  });
});

describe('EXIF orientation in JPEG files', () => {
  // 32×16 JPEG (cjpeg -quality 95 -sample 1x1) with four solid 16×8 quadrants: red | green over blue | white.
  const plainJpeg = readFixture('photos/quadrants-32x16.jpg');
  const width = 32, height = 16;

  /** The JPEG with an APP1 EXIF segment holding only IFD0 → Orientation, spliced in after SOI. */
  function withOrientation(orientation: number, littleEndian: boolean): Uint8Array {
    const tiff = new Uint8Array(8 + 2 + 12 + 4);
    const v = new DataView(tiff.buffer);
    tiff.set(littleEndian ? [0x49, 0x49] : [0x4d, 0x4d]);
    v.setUint16(2, 42, littleEndian);
    v.setUint32(4, 8, littleEndian); // IFD0 right after the header
    v.setUint16(8, 1, littleEndian); // one entry
    v.setUint16(10, 0x0112, littleEndian); // Orientation
    v.setUint16(12, 3, littleEndian); // SHORT
    v.setUint32(14, 1, littleEndian); // count 1
    v.setUint16(18, orientation, littleEndian); // value, left-justified in the 4-byte field
    const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff]; // "Exif\0\0" + TIFF
    const segment = [0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 255, ...payload];
    return new Uint8Array([...plainJpeg.subarray(0, 2), ...segment, ...plainJpeg.subarray(2)]);
  }

  const stored = decodeImage(plainJpeg);
  // Colour of the display corner (top-left, top-right, bottom-left, bottom-right) per orientation.
  const R = 'red', G = 'green', B = 'blue', W = 'white';
  const corners: Record<number, string[]> = {
    1: [R, G, B, W], 2: [G, R, W, B], 3: [W, B, G, R], 4: [B, W, R, G],
    5: [R, B, G, W], 6: [B, R, W, G], 7: [W, G, B, R], 8: [G, W, R, B],
  };
  const nameOf = (img: RgbImage, x: number, y: number): string => {
    const p = (y * img.width + x) * 3;
    const [r, g, b] = [img.data[p] > 128, img.data[p + 1] > 128, img.data[p + 2] > 128];
    return r && g && b ? W : r ? R : g ? G : b ? B : 'other';
  };

  for (let o = 1; o <= 8; o++) {
    for (const little of [true, false]) {
      it(`orientation ${o} (${little ? 'II' : 'MM'} byte order)`, () => {
        const bytes = withOrientation(o, little);
        expect(readJpegOrientation(bytes)).toBe(o);
        const shown = decodeImage(bytes);
        expect(shown).toEqual(applyOrientation(stored, o));
        const w = shown.width, h = shown.height;
        expect([w, h]).toEqual(o >= 5 ? [height, width] : [width, height]);
        expect([nameOf(shown, 1, 1), nameOf(shown, w - 2, 1), nameOf(shown, 1, h - 2), nameOf(shown, w - 2, h - 2)]).toEqual(corners[o]);
        // Opting out gives the stored pixels, as the PyTorch reference sees them.
        expect(decodeImage(bytes, { applyExifOrientation: false })).toEqual(stored);
      });
    }
  }

  it('treats missing, out-of-range and truncated EXIF as orientation 1', () => {
    expect(readJpegOrientation(plainJpeg)).toBe(1);
    expect(readJpegOrientation(withOrientation(0, true))).toBe(1);
    expect(readJpegOrientation(withOrientation(9, false))).toBe(1);
    const truncated = withOrientation(6, true);
    truncated[5] = 6 + 2 + 12; // APP1 length cut to end inside the IFD0 entry
    expect(readJpegOrientation(truncated)).toBe(1);
    expect(readJpegOrientation(new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff]))).toBe(1);
  });
});
