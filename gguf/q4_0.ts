// Q4_0: blocks of 32 = f16 scale d, then 16 bytes of 4-bit quants (low nibbles are elements 0..15,
// high nibbles 16..31); x = (q - 8) * d.

import { halfValues, writeHalf } from './f16.ts';

export const Q4_0_BLOCK = 32;
export const Q4_0_BYTES = 18;

export function dequantizeQ4_0(src: Uint8Array, out: Float32Array): void {
  const half = halfValues();
  const nblocks = out.length / Q4_0_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const s = b * Q4_0_BYTES;
    const o = b * Q4_0_BLOCK;
    const d = half[src[s] | (src[s + 1] << 8)];
    for (let j = 0; j < 16; j++) {
      const q = src[s + 2 + j];
      out[o + j] = ((q & 0xf) - 8) * d;
      out[o + j + 16] = ((q >> 4) - 8) * d;
    }
  }
}

/** The value of the block element with the largest magnitude (the first such, keeping its sign). */
export function signedAbsMax(src: Float32Array, at: number, n: number): number {
  let amax = 0;
  let max = 0;
  for (let j = 0; j < n; j++) {
    const v = src[at + j];
    if (amax < Math.abs(v)) {
      amax = Math.abs(v);
      max = v;
    }
  }
  return max;
}

/** C's (int8_t) of a float: truncation toward zero, then wrap to 8 bits as the compiled code does. */
export function truncToInt8(x: number): number {
  return (Math.trunc(x) << 24) >> 24;
}

/** quantize_row_q4_0_ref: d = max / −8 (signed max), q = min(15, (int8)(x / d + 8.5)). */
export function quantizeQ4_0(src: Float32Array, out: Uint8Array): void {
  const f = Math.fround;
  const nblocks = src.length / Q4_0_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const x = b * Q4_0_BLOCK;
    const s = b * Q4_0_BYTES;
    const d = f(signedAbsMax(src, x, 32) / -8);
    const id = d ? f(1 / d) : 0;
    writeHalf(out, s, d);
    for (let j = 0; j < 16; j++) {
      const q0 = Math.min(15, truncToInt8(f(f(src[x + j] * id) + 8.5))) & 0xff;
      const q1 = Math.min(15, truncToInt8(f(f(src[x + 16 + j] * id) + 8.5))) & 0xff;
      out[s + 2 + j] = (q0 | (q1 << 4)) & 0xff;
    }
  }
}
