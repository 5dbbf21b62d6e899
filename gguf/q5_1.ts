// Q5_1: blocks of 32 = f16 scale d, f16 min m, u32 of fifth bits, 16 bytes of low nibbles;
// x = q * d + m.

import { halfValues } from './f16.ts';

export const Q5_1_BLOCK = 32;
export const Q5_1_BYTES = 24;

export function dequantizeQ5_1(src: Uint8Array, out: Float32Array): void {
  const half = halfValues();
  const nblocks = out.length / Q5_1_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const s = b * Q5_1_BYTES;
    const o = b * Q5_1_BLOCK;
    const d = half[src[s] | (src[s + 1] << 8)];
    const m = half[src[s + 2] | (src[s + 3] << 8)];
    const qh = src[s + 4] | (src[s + 5] << 8) | (src[s + 6] << 16) | (src[s + 7] << 24);
    for (let j = 0; j < 16; j++) {
      const q = src[s + 8 + j];
      // q * d is exact, so the sum rounds once when stored to f32, as in C.
      out[o + j] = ((q & 0xf) | (((qh >>> j) << 4) & 0x10)) * d + m;
      out[o + j + 16] = ((q >> 4) | ((qh >>> (j + 12)) & 0x10)) * d + m;
    }
  }
}
