// Q2_K: super-blocks of 256 = 16 scale bytes (low nibble scale, high nibble min, one per 16
// elements), 64 bytes of 2-bit quants, f16 d, f16 dmin. Each half of 128 elements reads 32 quant
// bytes four times (shifts 0, 2, 4, 6). x = (d * scale) * q - (dmin * min).

import { halfValues } from './f16.ts';

export const Q2_K_BLOCK = 256;
export const Q2_K_BYTES = 84;

export function dequantizeQ2_K(src: Uint8Array, out: Float32Array): void {
  const half = halfValues();
  const nblocks = out.length / Q2_K_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const s = b * Q2_K_BYTES;
    let o = b * Q2_K_BLOCK;
    const d = half[src[s + 80] | (src[s + 81] << 8)];
    const dmin = half[src[s + 82] | (src[s + 83] << 8)];
    let is = s;
    for (let n = 0; n < 2; n++) {
      const q = s + 16 + 32 * n;
      for (let shift = 0; shift < 8; shift += 2) {
        // Two groups of 16 (q[0..15], then q[16..31]), each with its own scale byte.
        for (let g = 0; g < 32; g += 16) {
          const sc = src[is++];
          const dl = d * (sc & 0xf);
          const ml = dmin * (sc >> 4);
          for (let l = 0; l < 16; l++) out[o++] = dl * ((src[q + g + l] >> shift) & 3) - ml;
        }
      }
    }
  }
}
