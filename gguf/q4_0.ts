// Q4_0: blocks of 32 = f16 scale d, then 16 bytes of 4-bit quants (low nibbles are elements 0..15,
// high nibbles 16..31); x = (q - 8) * d.

import { halfValues } from './f16.ts';

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
