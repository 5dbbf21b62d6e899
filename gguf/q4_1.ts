// Q4_1: blocks of 32 = f16 scale d, f16 min m, then 16 bytes of 4-bit quants; x = q * d + m.

import { halfValues } from './f16.ts';

export const Q4_1_BLOCK = 32;
export const Q4_1_BYTES = 20;

export function dequantizeQ4_1(src: Uint8Array, out: Float32Array): void {
  const half = halfValues();
  const nblocks = out.length / Q4_1_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const s = b * Q4_1_BYTES;
    const o = b * Q4_1_BLOCK;
    const d = half[src[s] | (src[s + 1] << 8)];
    const m = half[src[s + 2] | (src[s + 3] << 8)];
    for (let j = 0; j < 16; j++) {
      const q = src[s + 4 + j];
      // q * d is exact, so the sum rounds once when stored to f32, as in C.
      out[o + j] = (q & 0xf) * d + m;
      out[o + j + 16] = (q >> 4) * d + m;
    }
  }
}
