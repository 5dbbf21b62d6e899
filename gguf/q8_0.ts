// Q8_0: blocks of 32 = f16 scale d, then 32 int8 quants; x = q * d.

import { halfValues, writeHalf } from './f16.ts';

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

/** C roundf: halves away from zero (Math.round sends -2.5 to -2). */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** quantize_row_q8_0_ref: d = max|x| / 127, q = roundf(x / d); out holds 34 bytes per 32 values. */
export function quantizeQ8_0(src: Float32Array, out: Uint8Array): void {
  const f = Math.fround;
  const nblocks = src.length / Q8_0_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const x = b * Q8_0_BLOCK;
    const s = b * Q8_0_BYTES;
    let amax = 0;
    for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(src[x + j]));
    const d = f(amax / 127);
    const id = d ? f(1 / d) : 0;
    writeHalf(out, s, d);
    for (let j = 0; j < 32; j++) out[s + 2 + j] = roundHalfAway(f(src[x + j] * id)) & 0xff;
  }
}
