// Q5_0: blocks of 32 = f16 scale d, u32 of fifth bits (bit j for element j), 16 bytes of low
// nibbles as in Q4_0; x = (q - 16) * d.

import { halfValues, writeHalf } from './f16.ts';
import { signedAbsMax, truncToInt8 } from './q4_0.ts';

export const Q5_0_BLOCK = 32;
export const Q5_0_BYTES = 22;

export function dequantizeQ5_0(src: Uint8Array, out: Float32Array): void {
  const half = halfValues();
  const nblocks = out.length / Q5_0_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const s = b * Q5_0_BYTES;
    const o = b * Q5_0_BLOCK;
    const d = half[src[s] | (src[s + 1] << 8)];
    const qh = src[s + 2] | (src[s + 3] << 8) | (src[s + 4] << 16) | (src[s + 5] << 24);
    for (let j = 0; j < 16; j++) {
      const q = src[s + 6 + j];
      out[o + j] = (((q & 0xf) | (((qh >>> j) << 4) & 0x10)) - 16) * d;
      out[o + j + 16] = (((q >> 4) | ((qh >>> (j + 12)) & 0x10)) - 16) * d;
    }
  }
}

/** Stores 32 five-bit levels: low nibbles as in Q4_0 at qs, fifth bits as a u32 LE at qh. */
export function packFiveBit(levels: Uint8Array, out: Uint8Array, qh: number, qs: number): void {
  let high = 0;
  for (let j = 0; j < 16; j++) {
    const q0 = levels[j];
    const q1 = levels[j + 16];
    out[qs + j] = (q0 & 0xf) | ((q1 & 0xf) << 4);
    high |= ((q0 & 0x10) >> 4) << j;
    high |= ((q1 & 0x10) >> 4) << (j + 16);
  }
  out[qh] = high & 0xff;
  out[qh + 1] = (high >>> 8) & 0xff;
  out[qh + 2] = (high >>> 16) & 0xff;
  out[qh + 3] = (high >>> 24) & 0xff;
}

/** quantize_row_q5_0_ref: d = max / −16 (signed max), q = min(31, (int8)(x / d + 16.5)). */
export function quantizeQ5_0(src: Float32Array, out: Uint8Array): void {
  const f = Math.fround;
  const levels = new Uint8Array(32);
  const nblocks = src.length / Q5_0_BLOCK;
  for (let b = 0; b < nblocks; b++) {
    const x = b * Q5_0_BLOCK;
    const s = b * Q5_0_BYTES;
    const d = f(signedAbsMax(src, x, 32) / -16);
    const id = d ? f(1 / d) : 0;
    writeHalf(out, s, d);
    for (let j = 0; j < 32; j++) levels[j] = Math.min(31, truncToInt8(f(f(src[x + j] * id) + 16.5))) & 0xff;
    packFiveBit(levels, out, s + 2, s + 6);
  }
}
