// Q2_K: super-blocks of 256 = 16 scale bytes (low nibble scale, high nibble min, one per 16
// elements), 64 bytes of 2-bit quants, f16 d, f16 dmin. Each half of 128 elements reads 32 quant
// bytes four times (shifts 0, 2, 4, 6). x = (d * scale) * q - (dmin * min).

import { floatToHalf, halfValues } from './f16.ts';
import { makeQkx2Quants, nearestInt } from './kquant-search.ts';

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

/** quantize_row_q2_K_ref: per 16 values a make_qkx2_quants(3, |x| weights, absolute error) scale and min, 4-bit each. */
export function quantizeQ2_K(src: Float32Array, out: Uint8Array): void {
  const f = Math.fround;
  const half = halfValues();
  const L = new Uint8Array(Q2_K_BLOCK);
  const Laux = new Uint8Array(16);
  const weights = new Float32Array(16);
  const scales = new Float32Array(16);
  const mins = new Float32Array(16);
  const nblocks = src.length / Q2_K_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const x = b * Q2_K_BLOCK;
    const s = b * Q2_K_BYTES;
    let maxScale = 0;
    let maxMin = 0;
    for (let j = 0; j < 16; j++) {
      for (let l = 0; l < 16; l++) weights[l] = Math.abs(src[x + 16 * j + l]);
      const { scale, min } = makeQkx2Quants(16, 3, src, x + 16 * j, weights, L, 16 * j, Laux, -0.5, f(0.1), 15, true);
      scales[j] = scale;
      mins[j] = min;
      if (scale > maxScale) maxScale = scale;
      if (min > maxMin) maxMin = min;
    }
    let hd = 0;
    if (maxScale > 0) {
      const iscale = f(15 / maxScale);
      for (let j = 0; j < 16; j++) out[s + j] = nearestInt(f(iscale * scales[j])) & 0xff;
      hd = floatToHalf(f(maxScale / 15));
    } else {
      out.fill(0, s, s + 16);
    }
    let hm = 0;
    if (maxMin > 0) {
      const iscale = f(15 / maxMin);
      for (let j = 0; j < 16; j++) out[s + j] |= (nearestInt(f(iscale * mins[j])) << 4) & 0xff;
      hm = floatToHalf(f(maxMin / 15));
    }
    out[s + 80] = hd & 0xff;
    out[s + 81] = hd >> 8;
    out[s + 82] = hm & 0xff;
    out[s + 83] = hm >> 8;
    for (let j = 0; j < 16; j++) {
      const d = f(half[hd] * (out[s + j] & 0xf));
      if (!d) continue;
      const dm = f(half[hm] * (out[s + j] >> 4));
      for (let i = 0; i < 16; i++) L[16 * j + i] = Math.max(0, Math.min(3, nearestInt(f(f(src[x + 16 * j + i] + dm) / d))));
    }
    for (let n = 0; n < 2; n++) {
      const q = s + 16 + 32 * n;
      const o = 128 * n;
      for (let l = 0; l < 32; l++) out[q + l] = L[o + l] | (L[o + l + 32] << 2) | (L[o + l + 64] << 4) | (L[o + l + 96] << 6);
    }
  }
}
