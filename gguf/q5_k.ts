// Q5_K: super-blocks of 256 = f16 d, f16 dmin, 12 bytes of 6-bit (scale, min) pairs, 32 bytes of
// fifth bits (bit 2c / 2c+1 of qh[l] for chunk c's low / high nibble), 128 bytes of 4-bit quants
// laid out as in Q4_K. x = (d * scale) * q - (dmin * min).

import { halfValues } from './f16.ts';
import { quantizeScaleMinSuperBlock, unpackScaleMinK4 } from './kquant-scales.ts';

export const Q5_K_BLOCK = 256;
export const Q5_K_BYTES = 176;

export function dequantizeQ5_K(src: Uint8Array, out: Float32Array): void {
  const half = halfValues();
  const scales = new Uint8Array(8);
  const mins = new Uint8Array(8);
  const nblocks = out.length / Q5_K_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const s = b * Q5_K_BYTES;
    let o = b * Q5_K_BLOCK;
    const d = half[src[s] | (src[s + 1] << 8)];
    const dmin = half[src[s + 2] | (src[s + 3] << 8)];
    unpackScaleMinK4(src, s + 4, scales, mins);
    const qh = s + 16;
    // Products are exact in f32; the single rounding happens on the store, as in ggml.
    for (let c = 0; c < 4; c++) {
      const qs = s + 48 + 32 * c;
      const d1 = d * scales[2 * c];
      const m1 = dmin * mins[2 * c];
      const d2 = d * scales[2 * c + 1];
      const m2 = dmin * mins[2 * c + 1];
      const lowBit = 1 << (2 * c);
      const highBit = 2 << (2 * c);
      for (let l = 0; l < 32; l++) {
        out[o + l] = d1 * ((src[qs + l] & 0xf) + (src[qh + l] & lowBit ? 16 : 0)) - m1;
      }
      for (let l = 0; l < 32; l++) {
        out[o + 32 + l] = d2 * ((src[qs + l] >> 4) + (src[qh + l] & highBit ? 16 : 0)) - m2;
      }
      o += 64;
    }
  }
}

/** quantize_row_q5_K_ref (no importance matrix); out holds 176 bytes per 256 values. */
export function quantizeQ5_K(src: Float32Array, out: Uint8Array): void {
  const L = new Uint8Array(Q5_K_BLOCK);
  const nblocks = src.length / Q5_K_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const s = b * Q5_K_BYTES;
    quantizeScaleMinSuperBlock(src, b * Q5_K_BLOCK, 31, -0.5, 15, out, s, L);
    const qh = s + 16;
    out.fill(0, qh, qh + 32);
    for (let c = 0; c < 4; c++) {
      const q = s + 48 + 32 * c;
      for (let l = 0; l < 32; l++) {
        const l1 = L[64 * c + l];
        const l2 = L[64 * c + l + 32];
        if (l1 > 15) out[qh + l] |= 1 << (2 * c);
        if (l2 > 15) out[qh + l] |= 2 << (2 * c);
        out[q + l] = (l1 & 0xf) | ((l2 & 0xf) << 4);
      }
    }
  }
}
