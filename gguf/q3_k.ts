// Q3_K: super-blocks of 256 = 32 bytes hmask (third bit, one bit-plane per 32-element group),
// 64 bytes of 2-bit quants, 12 bytes of sixteen 6-bit scales, f16 d.
// x = (d * (scale - 32)) * (q - (hmask bit ? 0 : 4)).

import { floatToHalf, halfValues } from './f16.ts';
import { makeQ3Quants, nearestInt } from './kquant-search.ts';

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

/** quantize_row_q3_K_ref: per 16 values a make_q3_quants(4, rmse) scale, 6-bit signed scales against the signed largest. */
export function quantizeQ3_K(src: Float32Array, out: Uint8Array): void {
  const f = Math.fround;
  const half = halfValues();
  const L = new Int8Array(Q3_K_BLOCK);
  const scales = new Float32Array(16);
  const nblocks = src.length / Q3_K_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const x = b * Q3_K_BLOCK;
    const s = b * Q3_K_BYTES;
    const sc = s + 96;
    let maxScale = 0;
    let amax = 0;
    for (let j = 0; j < 16; j++) {
      scales[j] = makeQ3Quants(16, 4, src, x + 16 * j, L, 16 * j);
      if (Math.abs(scales[j]) > amax) {
        amax = Math.abs(scales[j]);
        maxScale = scales[j];
      }
    }
    out.fill(0, sc, sc + 12);
    let hd = 0;
    if (maxScale) {
      const iscale = f(-32 / maxScale);
      for (let j = 0; j < 16; j++) {
        // int8_t of nearest_int, clamped to [-32, 31], biased to 6 bits.
        const l = Math.max(-32, Math.min(31, (nearestInt(f(iscale * scales[j])) << 24) >> 24)) + 32;
        if (j < 8) out[sc + j] = l & 0xf;
        else out[sc + j - 8] |= (l & 0xf) << 4;
        out[sc + 8 + (j % 4)] |= (l >> 4) << (2 * (j >> 2));
      }
      hd = floatToHalf(f(1 / iscale));
    }
    out[s + 108] = hd & 0xff;
    out[s + 109] = hd >> 8;
    for (let j = 0; j < 16; j++) {
      const low = j < 8 ? out[sc + j] & 0xf : out[sc + j - 8] >> 4;
      const scale = (low | (((out[sc + 8 + (j % 4)] >> (2 * (j >> 2))) & 3) << 4)) - 32;
      const d = f(half[hd] * scale);
      if (!d) continue;
      for (let i = 0; i < 16; i++) L[16 * j + i] = Math.max(-4, Math.min(3, nearestInt(f(src[x + 16 * j + i] / d)))) + 4;
    }
    // High bits: element j goes to hmask[j % 32], bit j / 32.
    out.fill(0, s, s + 32);
    for (let j = 0; j < Q3_K_BLOCK; j++) {
      if (L[j] > 3) {
        out[s + (j & 31)] |= 1 << (j >> 5);
        L[j] -= 4;
      }
    }
    for (let n = 0; n < 2; n++) {
      const q = s + 32 + 32 * n;
      const o = 128 * n;
      for (let l = 0; l < 32; l++) out[q + l] = L[o + l] | (L[o + l + 32] << 2) | (L[o + l + 64] << 4) | (L[o + l + 96] << 6);
    }
  }
}
