// Q3_K: super-blocks of 256 = 32 bytes hmask (third bit, one bit-plane per 32-element group),
// 64 bytes of 2-bit quants, 12 bytes of sixteen 6-bit scales, f16 d.
// x = (d * (scale - 32)) * (q - (hmask bit ? 0 : 4)).

import { halfValues } from './f16.ts';

export const Q3_K_BLOCK = 256;
export const Q3_K_BYTES = 110;

/** Unpacks the 12 scale bytes at src[at..] into sixteen signed scales (already minus 32). */
function unpackScales(src: Uint8Array, at: number, scales: Int8Array): void {
  for (let k = 0; k < 16; k++) {
    // Scale k: low 4 bits from byte k % 8 (low nibble for k < 8, high for k >= 8), high 2 bits
    // from byte 8 + k % 4 at bit position 2 * (k >> 2).
    const low = k < 8 ? src[at + k] & 0xf : src[at + k - 8] >> 4;
    const high = (src[at + 8 + (k & 3)] >> (2 * (k >> 2))) & 3;
    scales[k] = (low | (high << 4)) - 32;
  }
}

export function dequantizeQ3_K(src: Uint8Array, out: Float32Array): void {
  const half = halfValues();
  const scales = new Int8Array(16);
  const nblocks = out.length / Q3_K_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const s = b * Q3_K_BYTES;
    let o = b * Q3_K_BLOCK;
    const d = half[src[s + 108] | (src[s + 109] << 8)];
    unpackScales(src, s + 96, scales);
    let is = 0;
    let m = 1;
    for (let n = 0; n < 2; n++) {
      const q = s + 32 + 32 * n;
      for (let shift = 0; shift < 8; shift += 2) {
        for (let g = 0; g < 32; g += 16) {
          const dl = d * scales[is++];
          for (let l = 0; l < 16; l++) {
            const hm = s + g + l;
            out[o++] = dl * (((src[q + g + l] >> shift) & 3) - (src[hm] & m ? 0 : 4));
          }
        }
        m <<= 1;
      }
    }
  }
}
