// The JPEG decoder against libjpeg-turbo: a committed corpus made by its own cjpeg (every
// sampling layout, progressive, restarts, qualities, optimised tables, grayscale; sizes that are
// not multiples of the MCU) must decode byte-identical to djpeg; so must the bundled photos
// (their lossless decode from the reference pipeline is desk.decoded.png) and, where cjpeg and
// djpeg are installed (CI), freshly generated files of random sizes. Bad input only ever gives a
// JpegError: truncations, corruptions, unsupported codings, and a seeded mutation fuzz.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodeJpeg } from '../src/image/jpeg/decode-jpeg.ts';
import { JpegError } from '../src/image/jpeg/jpeg-error.ts';
import { fixturePath, readFixture } from './helpers/fixtures.ts';
import { CJPEG_OPTIONS, cjpeg, photoCrop, djpeg, readPnm, toolsAvailable } from './helpers/jpeg-tools.ts';

const corpus = readdirSync(fixturePath('jpeg')).filter((f) => f.endsWith('.jpg')).sort();

/** Index of the first differing byte, or -1. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('JPEG decoding is byte-identical to libjpeg-turbo (djpeg)', () => {
  it('has the corpus', () => expect(corpus.length).toBeGreaterThanOrEqual(80));

  it.each(corpus)('%s', (name) => {
    const out = decodeJpeg(readFixture(`jpeg/${name}`));
    const expected = readFixture(`jpeg/${name.replace(/\.jpg$/, '.rgb')}`);
    expect(out.data.length).toBe(out.width * out.height * 3);
    expect(firstDifference(out.data, expected)).toBe(-1);
  });

  it('desk.jpg gives the reference pipeline\'s own decode (desk.decoded.png)', () => {
    const out = decodeJpeg(readFixture('photos/desk.jpg'));
    const png = decode(readFixture('photos/desk.decoded.png'));
    expect([out.width, out.height]).toEqual([png.width, png.height]);
    const rgb = new Uint8Array(png.width * png.height * 3);
    for (let i = 0; i < png.width * png.height; i++) rgb.set((png.data as Uint8Array).subarray(i * png.channels, i * png.channels + 3), 3 * i);
    expect(firstDifference(out.data, rgb)).toBe(-1);
  });

  it.runIf(toolsAvailable())('matches djpeg on freshly encoded files of random sizes and options (seeded)', () => {
    let seed = 12345;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
    for (let i = 0; i < 24; i++) {
      const opts = CJPEG_OPTIONS[rand(CJPEG_OPTIONS.length)];
      const w = 1 + rand(180), h = 1 + rand(120);
      const jpeg = cjpeg(photoCrop(w, h, rand(1024 - w), rand(680 - h), opts.includes('-grayscale')), [...opts, '-quality', String(40 + rand(61))]);
      const expected = readPnm(djpeg(jpeg));
      const out = decodeJpeg(jpeg);
      expect([out.width, out.height, i]).toEqual([expected.width, expected.height, i]);
      expect(firstDifference(out.data, expected.rgb), `${opts.join(' ')} ${w}x${h}`).toBe(-1);
    }
  });

  // SHA-256 of `djpeg -pnm` pixel bytes (libjpeg-turbo 2.1.5), so the full-size photos need no committed decode.
  it.each([
    ['canyon.jpg', '7ef84ecbd685615a7140c25376a8a88e84217fc5cd5e1c20dd3414f1d482ebe9'],
    ['mountains.jpg', '6c6b238116bc4871ffbc30f77123a6631c38e3f103ad2dcdccd31601a298addf'],
    ['street.jpg', '2f5528dd546e6c0e13d76d48452abe3c0cbaad30082f900a802d58def1e94fab'],
  ])('bundled photo %s decodes to djpeg\'s pixels', (name, sha256) => {
    const out = decodeJpeg(readFixture(`photos/${name}`));
    expect(createHash('sha256').update(out.data).digest('hex')).toBe(sha256);
  });
});

describe('Adobe CMYK / YCCK JPEGs', () => {
  it('convert to RGB like Pillow (inverted Adobe CMYK, then (255 − k)·(1 − c/255)): close to the photo they were made from', () => {
    // ImageMagick 6 (libjpeg-turbo) wrote this YCCK JPEG (Adobe transform 2) from the committed
    // 64×48 PPM crop. No djpeg oracle exists for CMYK → RGB, so this checks the conventions
    // (inversion, K, YCCK → CMYK); a wrong sign or inversion would be off by ~100 levels.
    const out = decodeJpeg(readFixture('photos/adobe-cmyk-64x48.jpg'));
    const source = readPnm(readFixture('photos/adobe-cmyk-64x48.source.ppm'));
    expect([out.width, out.height]).toEqual([source.width, source.height]);
    let sum = 0, max = 0;
    for (let i = 0; i < out.data.length; i++) { const d = Math.abs(out.data[i] - source.rgb[i]); sum += d; max = Math.max(max, d); }
    expect(sum / out.data.length).toBeLessThan(2.5); // measured 1.59 (JPEG loss at quality 95)
    expect(max).toBeLessThanOrEqual(20); // measured 13
  });
});

describe('bad JPEGs give a JpegError, never output', () => {
  const good = readFixture(`jpeg/${corpus.find((f) => f.includes('2x2') && !f.includes('progressive'))}`);
  const progressive = readFixture(`jpeg/${corpus.find((f) => f.includes('progressive'))}`);

  it('refuses truncated files at every length', () => {
    for (const bytes of [good, progressive]) {
      for (let n = 0; n < bytes.length - 2; n += Math.max(1, Math.floor(bytes.length / 300))) {
        expect(() => decodeJpeg(bytes.subarray(0, n))).toThrow(JpegError);
      }
    }
  });

  it('names unsupported codings', () => {
    const sofAt = (b: Uint8Array) => b.findIndex((v, i) => v === 0xff && (b[i + 1] === 0xc0 || b[i + 1] === 0xc2));
    for (const [marker, what] of [[0xc3, /lossless/], [0xc9, /arithmetic/], [0xc5, /hierarchical/]] as const) {
      const bytes = good.slice();
      bytes[sofAt(bytes) + 1] = marker;
      expect(() => decodeJpeg(bytes)).toThrow(what);
    }
    const twelveBit = good.slice();
    twelveBit[sofAt(twelveBit) + 4] = 12;
    expect(() => decodeJpeg(twelveBit)).toThrow(/12-bit samples are not supported/);
    expect(() => decodeJpeg(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toThrow(/not a JPEG/);
  });

  it('survives a seeded mutation fuzz: every outcome is an image or a JpegError', () => {
    let seed = 7;
    const rand = (n: number) => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed % n; };
    const inputs = corpus.filter((_, i) => i % 6 === 0).map((f) => readFixture(`jpeg/${f}`));
    let decoded = 0, refused = 0;
    for (let i = 0; i < 1500; i++) {
      const bytes = inputs[i % inputs.length].slice();
      const edits = 1 + rand(4);
      for (let e = 0; e < edits; e++) {
        const at = rand(bytes.length);
        const kind = rand(3);
        if (kind === 0) bytes[at] = rand(256);
        else if (kind === 1) bytes[at] ^= 1 << rand(8);
        else bytes[at] = [0xff, 0x00, 0xd9, 0xda, 0xc4][rand(5)];
      }
      try {
        const out = decodeJpeg(bytes);
        expect(out.data.length).toBe(out.width * out.height * 3);
        decoded++;
      } catch (e) {
        if (!(e instanceof JpegError)) throw e;
        refused++;
      }
    }
    expect(decoded + refused).toBe(1500);
    expect(refused).toBeGreaterThan(0);
  }, 120_000); // a hang fails by this timeout
});
