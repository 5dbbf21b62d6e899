// Q5_1: blocks of 32 = f16 scale d, f16 min m, u32 of fifth bits, 16 bytes of low nibbles;
// x = q * d + m.

import { halfValues, writeHalf } from './f16.ts';
import { blockRange } from './q4_1.ts';
import { packFiveBit } from './q5_0.ts';

export const Q5_1_BLOCK = 32;
export const Q5_1_BYTES = 24;

export function dequantizeQ5_1(src: Uint8Array, out: Float32Array): void {
  const half = halfValues();
  const nblocks = out.length / Q5_1_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const s = b * Q5_1_BYTES;
    const o = b * Q5_1_BLOCK;
    const d = half[src[s] | (src[s + 1] << 8)];
    const m = half[src[s + 2] | (src[s + 3] << 8)];
    const qh = src[s + 4] | (src[s + 5] << 8) | (src[s + 6] << 16) | (src[s + 7] << 24);
    for (let j = 0; j < 16; j++) {
      const q = src[s + 8 + j];
      // q * d is exact, so the sum rounds once when stored to f32, as in C.
      out[o + j] = ((q & 0xf) | (((qh >>> j) << 4) & 0x10)) * d + m;
      out[o + j + 16] = ((q >> 4) | ((qh >>> (j + 12)) & 0x10)) * d + m;
    }
  }
}

/** quantize_row_q5_1_ref: d = (max − min) / 31, m = min, q = (uint8)((x − min) / d + 0.5). */
export function quantizeQ5_1(src: Float32Array, out: Uint8Array): void {
  const f = Math.fround;
  const levels = new Uint8Array(32);
  const nblocks = src.length / Q5_1_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const x = b * Q5_1_BLOCK;
    const s = b * Q5_1_BYTES;
    const [min, max] = blockRange(src, x, 32);
    const d = f(f(max - min) / 31);
    const id = d ? f(1 / d) : 0;
    writeHalf(out, s, d);
    writeHalf(out, s + 2, min);
    // (uint8_t) of a float: truncation, then the low 8 bits.
    for (let j = 0; j < 32; j++) levels[j] = Math.trunc(f(f(f(src[x + j] - min) * id) + 0.5)) & 0xff;
    packFiveBit(levels, out, s + 4, s + 8);
  }
}
