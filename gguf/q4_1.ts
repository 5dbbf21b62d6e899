// Q4_1: blocks of 32 = f16 scale d, f16 min m, then 16 bytes of 4-bit quants; x = q * d + m.

import { halfValues, writeHalf } from './f16.ts';
import { truncToInt8 } from './q4_0.ts';

export const Q4_1_BLOCK = 32;
export const Q4_1_BYTES = 20;

export function dequantizeQ4_1(src: Uint8Array, out: Float32Array): void {
  const half = halfValues();
  const nblocks = out.length / Q4_1_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const s = b * Q4_1_BYTES;
    const o = b * Q4_1_BLOCK;
    const d = half[src[s] | (src[s + 1] << 8)];
    const m = half[src[s + 2] | (src[s + 3] << 8)];
    for (let j = 0; j < 16; j++) {
      const q = src[s + 4 + j];
      // q * d is exact, so the sum rounds once when stored to f32, as in C.
      out[o + j] = (q & 0xf) * d + m;
      out[o + j + 16] = (q >> 4) * d + m;
    }
  }
}

/** Smallest and largest value of a block, as ggml's min/max scan finds them. */
export function blockRange(src: Float32Array, at: number, n: number): [min: number, max: number] {
  let min = 3.4028234663852886e38;
  let max = -3.4028234663852886e38;
  for (let j = 0; j < n; j++) {
    const v = src[at + j];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** quantize_row_q4_1_ref: d = (max − min) / 15, m = min, q = min(15, (int8)((x − min) / d + 0.5)). */
export function quantizeQ4_1(src: Float32Array, out: Uint8Array): void {
  const f = Math.fround;
  const nblocks = src.length / Q4_1_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const x = b * Q4_1_BLOCK;
    const s = b * Q4_1_BYTES;
    const [min, max] = blockRange(src, x, 32);
    const d = f(f(max - min) / 15);
    const id = d ? f(1 / d) : 0;
    writeHalf(out, s, d);
    writeHalf(out, s + 2, min);
    for (let j = 0; j < 16; j++) {
      const q0 = Math.min(15, truncToInt8(f(f(f(src[x + j] - min) * id) + 0.5))) & 0xff;
      const q1 = Math.min(15, truncToInt8(f(f(f(src[x + 16 + j] - min) * id) + 0.5))) & 0xff;
      out[s + 4 + j] = (q0 | (q1 << 4)) & 0xff;
    }
  }
}
