// Weight rows kept in their GGUF type (F16, Q8_0, Q4_K, Q5_K, Q6_K) widened to float32, one row
// at a time, with ggml's arithmetic: every product below is exact in f32 (an f16 scale times
// small integers), so a value is rounded at most once, as in ggml's dequantizers (bit-exact with
// gguf/*.ts, which the dequant fixtures check against ggml).

import { nextTask } from './tasks';

export const TYPE_F16: i32 = 1;
export const TYPE_Q8_0: i32 = 8;
export const TYPE_Q4_K: i32 = 12;
export const TYPE_Q5_K: i32 = 13;
export const TYPE_Q6_K: i32 = 14;

/** Bytes of one row of k values stored as `type` (k a multiple of the type's block). */
export function storedRowBytes(type: i32, k: i32): i32 {
  if (type == TYPE_F16) return k * 2;
  if (type == TYPE_Q8_0) return (k / 32) * 34;
  if (type == TYPE_Q4_K) return (k / 256) * 144;
  if (type == TYPE_Q5_K) return (k / 256) * 176;
  if (type == TYPE_Q6_K) return (k / 256) * 210;
  return 0;
}

/** IEEE half bits → f32, exactly (subnormals via a power-of-two product, inf/NaN kept). */
// @ts-ignore: decorator
@inline export function halfToFloat(h: u32): f32 {
  const sign = (h & 0x8000) << 16;
  const magnitude = h & 0x7fff;
  const bits = magnitude >= 0x7c00
    ? 0x7f800000 | ((magnitude & 0x3ff) << 13)
    : reinterpret<u32>(reinterpret<f32>(magnitude << 13) * <f32>5.192296858534828e33); // 2^112
  return reinterpret<f32>(bits | sign);
}

/** Widens one stored row (k values at src) into k floats at dst. */
export function widenRow(type: i32, src: usize, k: i32, dst: usize): void {
  if (type == TYPE_F16) widenF16(src, k, dst);
  else if (type == TYPE_Q8_0) widenQ8_0(src, k, dst);
  else if (type == TYPE_Q4_K) widenQ45_K(src, k, dst, false);
  else if (type == TYPE_Q5_K) widenQ45_K(src, k, dst, true);
  else if (type == TYPE_Q6_K) widenQ6_K(src, k, dst);
  else unreachable();
}

function widenF16(src: usize, k: i32, dst: usize): void {
  for (let i = 0; i < k; i++) store<f32>(dst + (<usize>i << 2), halfToFloat(load<u16>(src + (<usize>i << 1))));
}

function widenQ8_0(src: usize, k: i32, dst: usize): void {
  for (let b = 0; b < k / 32; b++) {
    const block = src + <usize>b * 34;
    const d = halfToFloat(load<u16>(block));
    const out = dst + (<usize>b << 7);
    for (let i = 0; i < 32; i++) store<f32>(out + (<usize>i << 2), d * <f32>load<i8>(block + 2 + i));
  }
}

/** The (scale, min) pair j of a Q4_K/Q5_K super-block's 12 packed bytes (ggml get_scale_min_k4). */
// @ts-ignore: decorator
@inline export function scaleMin(p: usize, j: i32): u32 {
  if (j < 4) return (<u32>load<u8>(p + j) & 63) | ((<u32>load<u8>(p + j + 4) & 63) << 8);
  const sc = (<u32>load<u8>(p + j + 4) & 0xf) | ((<u32>load<u8>(p + j - 4) >> 6) << 4);
  const mn = (<u32>load<u8>(p + j + 4) >> 4) | ((<u32>load<u8>(p + j) >> 6) << 4);
  return sc | (mn << 8);
}

/** Q4_K (144-byte super-blocks) or, with `fifth`, Q5_K (176 bytes: 32 bytes of fifth bits first). */
function widenQ45_K(src: usize, k: i32, dst: usize, fifth: bool): void {
  const blockBytes: usize = fifth ? 176 : 144;
  for (let b = 0; b < k / 256; b++) {
    const block = src + <usize>b * blockBytes;
    const d = halfToFloat(load<u16>(block));
    const dmin = halfToFloat(load<u16>(block, 2));
    const qh = block + 16;
    const qs = block + (fifth ? 48 : 16);
    let out = dst + (<usize>b << 10);
    for (let c = 0; c < 4; c++) {
      const sm1 = scaleMin(block + 4, 2 * c);
      const sm2 = scaleMin(block + 4, 2 * c + 1);
      const d1 = d * <f32>(sm1 & 0xff), m1 = dmin * <f32>(sm1 >> 8);
      const d2 = d * <f32>(sm2 & 0xff), m2 = dmin * <f32>(sm2 >> 8);
      const q = qs + <usize>(32 * c);
      const lowBit: u32 = 1 << (2 * c), highBit: u32 = 2 << (2 * c);
      for (let l = 0; l < 32; l++) {
        const byte = <u32>load<u8>(q + l);
        const h = fifth ? <u32>load<u8>(qh + l) : 0;
        const lo = (byte & 0xf) + ((h & lowBit) != 0 ? 16 : 0);
        const hi = (byte >> 4) + ((h & highBit) != 0 ? 16 : 0);
        store<f32>(out + (<usize>l << 2), d1 * <f32>lo - m1);
        store<f32>(out + (<usize>(l + 32) << 2), d2 * <f32>hi - m2);
      }
      out += 256;
    }
  }
}

function widenQ6_K(src: usize, k: i32, dst: usize): void {
  for (let b = 0; b < k / 256; b++) {
    const block = src + <usize>b * 210;
    const d = halfToFloat(load<u16>(block, 208));
    for (let n = 0; n < 2; n++) {
      const ql = block + <usize>(64 * n);
      const qh = block + 128 + <usize>(32 * n);
      const sc = block + 192 + <usize>(8 * n);
      const out = dst + (<usize>(b * 256 + 128 * n) << 2);
      for (let l = 0; l < 32; l++) {
        const is = l >> 4;
        const h = <i32>load<u8>(qh + l);
        const a = <i32>load<u8>(ql + l), c = <i32>load<u8>(ql + l + 32);
        const q1 = ((a & 0xf) | ((h & 3) << 4)) - 32;
        const q2 = ((c & 0xf) | (((h >> 2) & 3) << 4)) - 32;
        const q3 = ((a >> 4) | (((h >> 4) & 3) << 4)) - 32;
        const q4 = ((c >> 4) | (((h >> 6) & 3) << 4)) - 32;
        store<f32>(out + (<usize>l << 2), d * <f32>load<i8>(sc + is) * <f32>q1);
        store<f32>(out + (<usize>(l + 32) << 2), d * <f32>load<i8>(sc + is + 2) * <f32>q2);
        store<f32>(out + (<usize>(l + 64) << 2), d * <f32>load<i8>(sc + is + 4) * <f32>q3);
        store<f32>(out + (<usize>(l + 96) << 2), d * <f32>load<i8>(sc + is + 6) * <f32>q4);
      }
    }
  }
}

/** Widens `rows` stored rows of k values into float32 [rows, k] at dst. Tasks: one per row. */
export function widenStored(src: usize, type: i32, rows: i32, k: i32, dst: usize): void {
  const rowBytes = <usize>storedRowBytes(type, k);
  for (let r = nextTask(); r < rows; r = nextTask()) widenRow(type, src + <usize>r * rowBytes, k, dst + <usize>r * k * 4);
}
