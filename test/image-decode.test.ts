import { describe, expect, it } from 'vitest';
import { encode as encodePng } from 'fast-png';
import { decodeImage } from '../src/image/decode.ts';
import { MAX_IMAGE_SIDE } from '../src/image/limits.ts';
import { diffStats, loadFixtureImage, readFixture, sha256Hex } from './image-helpers.ts';

const manifest = JSON.parse(new TextDecoder().decode(readFixture('MANIFEST.json'))) as {
  photos: { decoded: Record<string, { sha256_rgb: string; hw: [number, number] }> };
};

describe('decodeImage: PNG', () => {
  it('decodes desk.decoded.png to the reference RGB bytes (sha256 from MANIFEST)', async () => {
    const img = loadFixtureImage('photos/desk.decoded.png');
    expect([img.height, img.width]).toEqual(manifest.photos.decoded.desk.hw);
    expect(await sha256Hex(img.data)).toBe(manifest.photos.decoded.desk.sha256_rgb);
  });

  // 2×2 pixels: (10,20,30) (40,50,60) / (70,80,90) (200,210,220)
  const rgb = [10, 20, 30, 40, 50, 60, 70, 80, 90, 200, 210, 220];
  const gray = [10, 40, 70, 200];
  const expectedGray = gray.flatMap((g) => [g, g, g]);
  const cases: { name: string; png: Parameters<typeof encodePng>[0]; expected: number[] }[] = [
    { name: 'RGB 8-bit', png: { width: 2, height: 2, channels: 3, depth: 8, data: new Uint8Array(rgb) }, expected: rgb },
    {
      name: 'RGBA 8-bit (alpha dropped, not composited)',
      png: { width: 2, height: 2, channels: 4, depth: 8, data: new Uint8Array([10, 20, 30, 0, 40, 50, 60, 128, 70, 80, 90, 255, 200, 210, 220, 1]) },
      expected: rgb,
    },
    { name: 'gray 8-bit', png: { width: 2, height: 2, channels: 1, depth: 8, data: new Uint8Array(gray) }, expected: expectedGray },
    { name: 'gray+alpha 8-bit', png: { width: 2, height: 2, channels: 2, depth: 8, data: new Uint8Array([10, 0, 40, 9, 70, 99, 200, 255]) }, expected: expectedGray },
    {
      name: 'RGB 16-bit (high byte kept)',
      png: { width: 2, height: 2, channels: 3, depth: 16, data: new Uint16Array(rgb.map((v, i) => v * 256 + (i * 37) % 256)) },
      expected: rgb,
    },
    {
      name: 'RGBA 16-bit',
      png: { width: 2, height: 2, channels: 4, depth: 16, data: new Uint16Array([10, 20, 30, 1, 40, 50, 60, 2, 70, 80, 90, 3, 200, 210, 220, 4].map((v) => v * 256 + 255)) },
      expected: rgb,
    },
    { name: 'gray 16-bit', png: { width: 2, height: 2, channels: 1, depth: 16, data: new Uint16Array(gray.map((v) => v * 256 + 128)) }, expected: expectedGray },
    // 1-bit rows are byte-padded: row 0 = 1,0 -> 0b10000000, row 1 = 0,1 -> 0b01000000
    { name: 'gray 1-bit (scaled to 0/255)', png: { width: 2, height: 2, channels: 1, depth: 1, data: new Uint8Array([0x80, 0x40]) }, expected: [255, 255, 255, 0, 0, 0, 0, 0, 0, 255, 255, 255] },
    // 4-bit: row 0 = 15,1 -> 0xF1, row 1 = 0,8 -> 0x08
    { name: 'gray 4-bit (x17)', png: { width: 2, height: 2, channels: 1, depth: 4, data: new Uint8Array([0xf1, 0x08]) }, expected: [255, 17, 0, 136].flatMap((g) => [g, g, g]) },
    {
      name: 'palette 8-bit',
      png: { width: 2, height: 2, channels: 1, depth: 8, data: new Uint8Array([2, 0, 1, 3]), palette: [[10, 20, 30], [40, 50, 60], [70, 80, 90], [200, 210, 220]] },
      expected: [70, 80, 90, 10, 20, 30, 40, 50, 60, 200, 210, 220],
    },
    {
      name: 'palette with transparency',
      png: { width: 2, height: 2, channels: 1, depth: 8, data: new Uint8Array([0, 1, 2, 3]), palette: [[10, 20, 30, 0], [40, 50, 60, 100], [70, 80, 90, 255], [200, 210, 220, 7]] },
      expected: rgb,
    },
  ];
  for (const c of cases) {
    it(`decodes ${c.name}`, () => {
      const img = decodeImage(encodePng(c.png));
      expect({ width: img.width, height: img.height, data: Array.from(img.data) }).toEqual({ width: 2, height: 2, data: c.expected });
    });
  }
});

describe('decodeImage: JPEG (libjpeg-turbo-exact, see image-jpeg.test.ts)', () => {
  it('decodes desk.jpg to exactly the reference pipeline\'s decode', () => {
    const img = decodeImage(readFixture('photos/desk.jpg'));
    const ref = loadFixtureImage('photos/desk.decoded.png');
    expect([img.width, img.height]).toEqual([ref.width, ref.height]);
    const d = diffStats(img.data, ref.data);
    // jpeg-js (the previous decoder) was max 29, mean 0.447, 34.6 % of samples off.
    expect(d.max).toBe(0);
  });

  it('decodes all four sample photos at 1024x680', () => {
    for (const name of ['desk', 'street', 'canyon', 'mountains']) {
      const img = decodeImage(readFixture(`photos/${name}.jpg`));
      expect([img.height, img.width]).toEqual(manifest.photos.decoded[name].hw);
    }
  });
});

describe('decodeImage: bad input', () => {
  const jpeg = readFixture('photos/desk.jpg');
  const png = readFixture('photos/desk.decoded.png');

  it('rejects empty and unknown input', () => {
    expect(() => decodeImage(new Uint8Array(0))).toThrow(/image: input is empty/);
    expect(() => decodeImage(new TextEncoder().encode('GIF89a\u0001\u0000'))).toThrow(/image: unrecognised format/);
    expect(() => decodeImage(new Uint8Array([0xff]))).toThrow(/image: unrecognised format/);
  });

  it('rejects truncated JPEGs', () => {
    expect(() => decodeImage(jpeg.subarray(0, 100))).toThrow(/image: JPEG has no frame header/);
    for (const cut of [1000, 20000, jpeg.length - 2]) {
      expect(() => decodeImage(jpeg.subarray(0, cut))).toThrow(/image: corrupt, truncated or unsupported JPEG/);
    }
  });

  it('rejects truncated or corrupted PNGs', () => {
    expect(() => decodeImage(png.subarray(0, 20))).toThrow(/image: PNG is truncated or corrupt/);
    for (const cut of [40, 1000, 200000, png.length - 12]) {
      expect(() => decodeImage(png.subarray(0, cut))).toThrow(/image: corrupt, truncated or unsupported PNG/);
    }
    const flipped = png.slice();
    flipped[5000] ^= 0x55;
    expect(() => decodeImage(flipped)).toThrow(/CRC mismatch/);
  });

  it('refuses huge or empty declared sizes before allocating', () => {
    const sof = jpegSofOffset(jpeg);
    const withSize = (w: number, h: number): Uint8Array => {
      const b = jpeg.slice();
      b.set([h >> 8, h & 255, w >> 8, w & 255], sof + 5);
      return b;
    };
    expect(() => decodeImage(withSize(MAX_IMAGE_SIDE + 1, 10))).toThrow(/image: JPEG of 16385x10 exceeds the limit/);
    expect(() => decodeImage(withSize(12000, 12000))).toThrow(/exceeds the limit of 16384 px a side and 100 MP/);
    expect(() => decodeImage(withSize(0, 680))).toThrow(/image: JPEG declares an empty size/);
    const pngWithSize = (w: number, h: number): Uint8Array => {
      const b = png.slice();
      const v = new DataView(b.buffer);
      v.setUint32(16, w);
      v.setUint32(20, h);
      return b;
    };
    expect(() => decodeImage(pngWithSize(0x7fffffff, 1))).toThrow(/image: PNG of 2147483647x1 exceeds the limit/);
    expect(() => decodeImage(pngWithSize(10000, 10001))).toThrow(/exceeds the limit/);
    expect(() => decodeImage(pngWithSize(1024, 0))).toThrow(/image: PNG declares an empty size/);
  });
});

/** Offset of the SOF marker (0xFFC0..0xFFC2) in a JPEG whose header we know is well formed. */
function jpegSofOffset(jpeg: Uint8Array): number {
  let pos = 2;
  while (pos < jpeg.length) {
    const marker = jpeg[pos + 1];
    if (marker >= 0xc0 && marker <= 0xc2) return pos;
    pos += 2 + ((jpeg[pos + 2] << 8) | jpeg[pos + 3]);
  }
  throw new Error('no SOF marker');
}
