// Q6_K: super-blocks of 256 = 128 bytes of low 4 bits (ql), 64 bytes of high 2 bits (qh), 16 int8
// scales (one per 16 elements), f16 d. Each half of 128 elements uses 64 ql, 32 qh and 8 scales.
// x = (d * scale) * (q - 32).

import { halfValues } from './f16.ts';

export const Q6_K_BLOCK = 256;
export const Q6_K_BYTES = 210;

export function dequantizeQ6_K(src: Uint8Array, out: Float32Array): void {
  const half = halfValues();
  const nblocks = out.length / Q6_K_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const s = b * Q6_K_BYTES;
    const d = half[src[s + 208] | (src[s + 209] << 8)];
    for (let n = 0; n < 2; n++) {
      const ql = s + 64 * n;
      const qh = s + 128 + 32 * n;
      const sc = s + 192 + 8 * n;
      const o = b * Q6_K_BLOCK + 128 * n;
      for (let l = 0; l < 32; l++) {
        const is = l >> 4;
        const h = src[qh + l];
        const q1 = ((src[ql + l] & 0xf) | ((h & 3) << 4)) - 32;
        const q2 = ((src[ql + l + 32] & 0xf) | (((h >> 2) & 3) << 4)) - 32;
        const q3 = ((src[ql + l] >> 4) | (((h >> 4) & 3) << 4)) - 32;
        const q4 = ((src[ql + l + 32] >> 4) | (((h >> 6) & 3) << 4)) - 32;
        // d * scale and its product with q are exact in f32 (at most 11 + 7 + 5 significant bits).
        out[o + l] = d * ((src[sc + is] << 24) >> 24) * q1;
        out[o + l + 32] = d * ((src[sc + is + 2] << 24) >> 24) * q2;
        out[o + l + 64] = d * ((src[sc + is + 4] << 24) >> 24) * q3;
        out[o + l + 96] = d * ((src[sc + is + 6] << 24) >> 24) * q4;
      }
    }
  }
}
