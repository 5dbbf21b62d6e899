import { describe, expect, it } from 'vitest';
import { decodePfm, encodePfm } from '../src/export/pfm.ts';

describe('encodePfm', () => {
  it('writes the exact header, then float32 LE rows from the bottom row up', () => {
    // 3 wide, 2 high; top row 1,2,3, bottom row 4,5,6.
    const values = new Float32Array([1, 2, 3, 4, 5, 6]);
    const bytes = encodePfm(values, 3, 2);
    const header = 'Pf\n3 2\n-1.0\n';
    expect(new TextDecoder().decode(bytes.subarray(0, header.length))).toBe(header);
    expect(bytes.length).toBe(header.length + 6 * 4);
    const body = new DataView(bytes.buffer, bytes.byteOffset + header.length);
    const stored = Array.from({ length: 6 }, (_, i) => body.getFloat32(i * 4, true));
    expect(stored).toEqual([4, 5, 6, 1, 2, 3]);
    // Spot-check raw bytes: 4.0f little-endian is 00 00 80 40.
    expect(Array.from(bytes.subarray(header.length, header.length + 4))).toEqual([0x00, 0x00, 0x80, 0x40]);
  });

  it('keeps values bit-exact, including non-finite ones', () => {
    const values = new Float32Array([Math.fround(0.1), -0, Infinity, NaN, 1e-40, -3.5e38]);
    const decoded = decodePfm(encodePfm(values, 2, 3));
    expect(decoded.width).toBe(2);
    expect(decoded.height).toBe(3);
    expect(new Uint8Array(decoded.values.buffer)).toEqual(new Uint8Array(values.buffer));
  });

  it('rejects a value count that does not match the size', () => {
    expect(() => encodePfm(new Float32Array(5), 3, 2)).toThrow(/5 values for a 3x2 map/);
    expect(() => encodePfm(new Float32Array(0), 0, 0)).toThrow(/invalid size/);
  });
});

describe('decodePfm', () => {
  it('reads big-endian files (positive scale) too', () => {
    const header = new TextEncoder().encode('Pf\n1 2\n1.0\n');
    const bytes = new Uint8Array(header.length + 8);
    bytes.set(header);
    const view = new DataView(bytes.buffer, header.length);
    view.setFloat32(0, 7, false); // bottom row
    view.setFloat32(4, 9, false); // top row
    expect(Array.from(decodePfm(bytes).values)).toEqual([9, 7]);
  });

  it('rejects malformed files with a clear message', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(() => decodePfm(enc('PF\n1 1\n-1.0\n0000'))).toThrow(/single-channel/);
    expect(() => decodePfm(enc('Pf\n2 2\n-1.0\n0000'))).toThrow(/expected 16 data bytes/);
    expect(() => decodePfm(enc('Pf\n2 2'))).toThrow(/truncated or malformed header/);
    expect(() => decodePfm(enc('Pf\n-2 2\n-1.0\n'))).toThrow(/invalid size/);
    expect(() => decodePfm(enc('Pf\n1 1\n0\n0000'))).toThrow(/invalid scale/);
  });
});
