// Q5_0: blocks of 32 = f16 scale d, u32 of fifth bits (bit j for element j), 16 bytes of low
// nibbles as in Q4_0; x = (q - 16) * d.

import { halfValues } from './f16.ts';

export const Q5_0_BLOCK = 32;
export const Q5_0_BYTES = 22;

export function dequantizeQ5_0(src: Uint8Array, out: Float32Array): void {
  const half = halfValues();
  const nblocks = out.length / Q5_0_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const s = b * Q5_0_BYTES;
    const o = b * Q5_0_BLOCK;
    const d = half[src[s] | (src[s + 1] << 8)];
    const qh = src[s + 2] | (src[s + 3] << 8) | (src[s + 4] << 16) | (src[s + 5] << 24);
    for (let j = 0; j < 16; j++) {
      const q = src[s + 6 + j];
      out[o + j] = (((q & 0xf) | (((qh >>> j) << 4) & 0x10)) - 16) * d;
      out[o + j + 16] = (((q >> 4) | ((qh >>> (j + 12)) & 0x10)) - 16) * d;
    }
  }
}
