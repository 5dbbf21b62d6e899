// Q8_0: blocks of 32 = f16 scale d, then 32 int8 quants; x = q * d.

import { halfValues } from './f16.ts';

export const Q8_0_BLOCK = 32;
export const Q8_0_BYTES = 34;

export function dequantizeQ8_0(src: Uint8Array, out: Float32Array): void {
  const half = halfValues();
  const nblocks = out.length / Q8_0_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const s = b * Q8_0_BYTES;
    const o = b * Q8_0_BLOCK;
    const d = half[src[s] | (src[s + 1] << 8)];
    for (let j = 0; j < 32; j++) out[o + j] = ((src[s + 2 + j] << 24) >> 24) * d;
  }
}
