// Q4_K: super-blocks of 256 = f16 d, f16 dmin, 12 bytes of 6-bit (scale, min) pairs for eight
// sub-blocks of 32, then 128 bytes of 4-bit quants. Each 32 bytes of quants hold two sub-blocks
// (low nibbles, then high nibbles). x = (d * scale) * q - (dmin * min).

import { halfValues } from './f16.ts';
import { quantizeScaleMinSuperBlock, unpackScaleMinK4 } from './kquant-scales.ts';

export const Q4_K_BLOCK = 256;
export const Q4_K_BYTES = 144;

export function dequantizeQ4_K(src: Uint8Array, out: Float32Array): void {
  const half = halfValues();
  const scales = new Uint8Array(8);
  const mins = new Uint8Array(8);
  const nblocks = out.length / Q4_K_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const s = b * Q4_K_BYTES;
    let o = b * Q4_K_BLOCK;
    const d = half[src[s] | (src[s + 1] << 8)];
    const dmin = half[src[s + 2] | (src[s + 3] << 8)];
    unpackScaleMinK4(src, s + 4, scales, mins);
    // Every product below is exact in f32 (f16 times small integers), so the one rounding
    // happens on the store, matching ggml's float arithmetic.
    for (let c = 0; c < 4; c++) {
      const qs = s + 16 + 32 * c;
      const d1 = d * scales[2 * c];
      const m1 = dmin * mins[2 * c];
      const d2 = d * scales[2 * c + 1];
      const m2 = dmin * mins[2 * c + 1];
      for (let l = 0; l < 32; l++) out[o + l] = d1 * (src[qs + l] & 0xf) - m1;
      for (let l = 0; l < 32; l++) out[o + 32 + l] = d2 * (src[qs + l] >> 4) - m2;
      o += 64;
    }
  }
}

/** quantize_row_q4_K_ref (no importance matrix); out holds 144 bytes per 256 values. */
export function quantizeQ4_K(src: Float32Array, out: Uint8Array): void {
  const L = new Uint8Array(Q4_K_BLOCK);
  const nblocks = src.length / Q4_K_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const s = b * Q4_K_BYTES;
    quantizeScaleMinSuperBlock(src, b * Q4_K_BLOCK, 15, -1, 20, out, s, L);
    for (let c = 0; c < 4; c++) {
      const q = s + 16 + 32 * c;
      for (let l = 0; l < 32; l++) out[q + l] = L[64 * c + l] | (L[64 * c + l + 32] << 4);
    }
  }
}
