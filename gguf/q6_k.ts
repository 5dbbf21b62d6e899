// Q6_K: super-blocks of 256 = 128 bytes of low 4 bits (ql), 64 bytes of high 2 bits (qh), 16 int8
// scales (one per 16 elements), f16 d. Each half of 128 elements uses 64 ql, 32 qh and 8 scales.
// x = (d * scale) * (q - 32).

import { floatToHalf, halfValues } from './f16.ts';
import { GROUP_MAX_EPS, makeQxQuants, nearestInt } from './kquant-search.ts';

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

/** quantize_row_q6_K_ref: per 16 values a make_qx_quants(32, rmse 1) scale, int8 scales against the signed largest. */
export function quantizeQ6_K(src: Float32Array, out: Uint8Array): void {
  const f = Math.fround;
  const half = halfValues();
  const L = new Uint8Array(Q6_K_BLOCK);
  const scales = new Float32Array(16);
  const nblocks = src.length / Q6_K_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const x = b * Q6_K_BLOCK;
    const s = b * Q6_K_BYTES;
    let maxScale = 0;
    let maxAbsScale = 0;
    for (let ib = 0; ib < 16; ib++) {
      const scale = makeQxQuants(16, 32, src, x + 16 * ib, L, 16 * ib);
      scales[ib] = scale;
      if (Math.abs(scale) > maxAbsScale) {
        maxAbsScale = Math.abs(scale);
        maxScale = scale;
      }
    }
    if (maxAbsScale < GROUP_MAX_EPS) {
      out.fill(0, s, s + Q6_K_BYTES);
      continue;
    }
    const iscale = f(-128 / maxScale);
    const hd = floatToHalf(f(1 / iscale));
    out[s + 208] = hd & 0xff;
    out[s + 209] = hd >> 8;
    for (let ib = 0; ib < 16; ib++) out[s + 192 + ib] = Math.min(127, nearestInt(f(iscale * scales[ib]))) & 0xff;
    for (let j = 0; j < 16; j++) {
      const d = f(half[hd] * ((out[s + 192 + j] << 24) >> 24));
      if (!d) continue;
      for (let i = 0; i < 16; i++) L[16 * j + i] = Math.max(-32, Math.min(31, nearestInt(f(src[x + 16 * j + i] / d)))) + 32;
    }
    for (let n = 0; n < 2; n++) {
      const ql = s + 64 * n;
      const qh = s + 128 + 32 * n;
      const o = 128 * n;
      for (let l = 0; l < 32; l++) {
        const q1 = L[o + l], q2 = L[o + l + 32], q3 = L[o + l + 64], q4 = L[o + l + 96];
        out[ql + l] = (q1 & 0xf) | ((q3 & 0xf) << 4);
        out[ql + l + 32] = (q2 & 0xf) | ((q4 & 0xf) << 4);
        out[qh + l] = (q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6);
      }
    }
  }
}
