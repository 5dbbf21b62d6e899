// The 6-bit scale/min packing shared by Q4_K and Q5_K (ggml get_scale_min_k4): 12 bytes hold eight
// (scale, min) pairs, one per 32-element sub-block. Also the quantizer half both types share.

import { floatToHalf, halfToFloat } from './f16.ts';
import { makeQkx2Quants, nearestInt } from './kquant-search.ts';

/**
 * Unpacks the 12 bytes at src[at..] into scales[0..7] and mins[0..7].
 */
export function unpackScaleMinK4(src: Uint8Array, at: number, scales: Uint8Array, mins: Uint8Array): void {
  for (let j = 0; j < 4; j++) {
    scales[j] = src[at + j] & 63;
    mins[j] = src[at + j + 4] & 63;
  }
  for (let j = 4; j < 8; j++) {
    scales[j] = (src[at + j + 4] & 0xf) | ((src[at + j - 4] >> 6) << 4);
    mins[j] = (src[at + j + 4] >> 4) | ((src[at + j] >> 6) << 4);
  }
}

/**
 * The common part of quantize_row_q4_K_ref / q5_K_ref for the super-block src[at..at+256): per
 * 32-element sub-block a make_qkx2_quants search (weights sqrt(mean x²) + |x|), the eight scales and
 * mins quantized to 6 bits against their maxima, d and dmin stored as f16 at out[s], out[s+2] and the
 * packed pairs at out[s+4..s+16); then every level in [0, nmax] recomputed from the stored values
 * into L[0..256).
 */
export function quantizeScaleMinSuperBlock(
  src: Float32Array, at: number, nmax: number, rmin: number, nstep: number,
  out: Uint8Array, s: number, L: Uint8Array,
): void {
  const f = Math.fround;
  const weights = new Float32Array(32);
  const Laux = new Uint8Array(32);
  const scales = new Float32Array(8);
  const mins = new Float32Array(8);
  let maxScale = 0;
  let maxMin = 0;
  for (let j = 0; j < 8; j++) {
    const x = at + 32 * j;
    let sumX2 = 0;
    for (let l = 0; l < 32; l++) sumX2 = f(sumX2 + f(src[x + l] * src[x + l]));
    const avX = f(Math.sqrt(f(sumX2 / 32)));
    for (let l = 0; l < 32; l++) weights[l] = f(avX + Math.abs(src[x + l]));
    const { scale, min } = makeQkx2Quants(32, nmax, src, x, weights, L, 32 * j, Laux, rmin, f(0.1), nstep, false);
    scales[j] = scale;
    mins[j] = min;
    if (scale > maxScale) maxScale = scale;
    if (min > maxMin) maxMin = min;
  }
  const invScale = maxScale > 0 ? f(63 / maxScale) : 0;
  const invMin = maxMin > 0 ? f(63 / maxMin) : 0;
  const packed = s + 4;
  for (let j = 0; j < 8; j++) {
    // uint8_t of nearest_int, then MIN(63, ·), as in ggml.
    const ls = Math.min(63, nearestInt(f(invScale * scales[j])) & 0xff);
    const lm = Math.min(63, nearestInt(f(invMin * mins[j])) & 0xff);
    if (j < 4) {
      out[packed + j] = ls;
      out[packed + j + 4] = lm;
    } else {
      out[packed + j + 4] = (ls & 0xf) | ((lm & 0xf) << 4);
      out[packed + j - 4] |= (ls >> 4) << 6;
      out[packed + j] |= (lm >> 4) << 6;
    }
  }
  const hd = floatToHalf(f(maxScale / 63));
  const hm = floatToHalf(f(maxMin / 63));
  out[s] = hd & 0xff;
  out[s + 1] = hd >> 8;
  out[s + 2] = hm & 0xff;
  out[s + 3] = hm >> 8;
  const sc = new Uint8Array(8);
  const mn = new Uint8Array(8);
  unpackScaleMinK4(out, packed, sc, mn);
  for (let j = 0; j < 8; j++) {
    const d = f(halfToFloat(hd) * sc[j]);
    if (!d) continue;
    const dm = f(halfToFloat(hm) * mn[j]);
    for (let i = 0; i < 32; i++) {
      L[32 * j + i] = Math.max(0, Math.min(nmax, nearestInt(f(f(src[at + 32 * j + i] + dm) / d))));
    }
  }
}
