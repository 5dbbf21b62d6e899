// Linear layers over Q8_0 weights with integer dot products: the activations are quantized per
// row and block of 32 to 16 bits (d = amax/32767, q = round(x/d): an error ≈258× below ggml's
// 8-bit activations), i32x4.dot_i16x8_s adds 8 products per instruction (4 output columns × 2
// k), and each block's integer sum is converted once and scaled by d_x·d_w. The sums are exact
// (|Σ| ≤ 32·32767·127 < 2³¹), so every build gives the same integers.
import { nextTask } from './tasks';
import { storeCols } from './tile';
import { halfToFloat } from './stored-rows';
import { absMax32, madd } from './vmath';

const NR = 8;
/**
 * Bytes of one panel (8 columns) per block of 32 k: the 8 f16 scales, then 16 k-pairs × 16 bytes:
 * exactly the Q8_0 bytes of those 8 rows, so a packed weight takes the file's size.
 */
export const PANEL_BLOCK: i32 = 16 + 2 * 128;
/** Rows per tile. */
export const MRQ: i32 = 4;

export function packedQ8Bytes(n: i32, k: i32): i32 {
  return ((n + NR - 1) / NR) * (k / 32) * PANEL_BLOCK;
}

/**
 * Repacks Q8_0 rows (w: n rows of k/32 blocks of 34 bytes) into panels at dst: for panel p and
 * block b, the f16 scales of columns p·8..p·8+7, then for each k-pair s the 16 bytes
 * q[col0][2s] q[col0][2s+1] q[col1][2s] … q[col7][2s+1]. Columns past n are zero.
 * Tasks: one per panel.
 */
export function packQ8_0(w: usize, n: i32, k: i32, dst: usize): void {
  const blocks = k / 32;
  const panels = (n + NR - 1) / NR;
  const rowBytes = <usize>blocks * 34;
  for (let p = nextTask(); p < panels; p = nextTask()) {
    for (let b = 0; b < blocks; b++) {
      const out = dst + (<usize>p * blocks + b) * PANEL_BLOCK;
      for (let j = 0; j < NR; j++) {
        const row = p * NR + j;
        const src = w + <usize>row * rowBytes + <usize>b * 34;
        store<u16>(out + (<usize>j << 1), row < n ? load<u16>(src) : 0);
        for (let s = 0; s < 16; s++) store<u16>(out + 16 + (<usize>s << 4) + (<usize>j << 1), row < n ? load<u16>(src + 2 + (<usize>s << 1)) : 0);
      }
    }
  }
}

/** The float32 values [n, k] of a weight packed by packQ8_0 (exactly ggml's dequantization). Tasks: one per panel. */
export function widenPackedQ8_0(src: usize, n: i32, k: i32, dst: usize): void {
  const blocks = k / 32;
  const panels = (n + NR - 1) / NR;
  for (let p = nextTask(); p < panels; p = nextTask()) {
    for (let b = 0; b < blocks; b++) {
      const block = src + (<usize>p * blocks + b) * PANEL_BLOCK;
      for (let j = 0; j < min(NR, n - p * NR); j++) {
        const d = halfToFloat(load<u16>(block + (<usize>j << 1)));
        const out = dst + ((<usize>(p * NR + j) * k + b * 32) << 2);
        for (let i = 0; i < 32; i++) {
          store<f32>(out + (<usize>i << 2), d * <f32>load<i8>(block + 16 + (<usize>(i >> 1) << 4) + (<usize>j << 1) + (i & 1)));
        }
      }
    }
  }
}

/**
 * Bytes of quantized activations for an m×k input. Rows are quantized in groups of MRQ = 4 (the
 * tile height; rows past m are zero), interleaved so that a tile reads one 16-byte chunk per k-pair:
 * per group and block of 32, 16 chunks of [row0 x(2s) x(2s+1) | row1 … | row2 … | row3 …] as i16
 * (256 bytes); after all groups, per group and block the 4 rows' f32 scales (16 bytes).
 */
export function quantizedActivationBytes(m: i32, k: i32): i32 {
  return ((m + MRQ - 1) / MRQ) * (k / 32) * (256 + 16);
}

/** Quantizes x [m, k] into dst as laid out above. Tasks: one per row, padding rows included. */
export function quantizeActivations(x: usize, m: i32, k: i32, dst: usize): void {
  const blocks = k / 32;
  const groups = (m + MRQ - 1) / MRQ;
  const scales = dst + <usize>groups * blocks * 256;
  for (let r = nextTask(); r < groups * MRQ; r = nextTask()) {
    const lane = <usize>(r & 3) << 2;
    for (let b = 0; b < blocks; b++) {
      const chunks = dst + (<usize>(r >> 2) * blocks + b) * 256 + lane;
      const scale = scales + (<usize>(r >> 2) * blocks + b) * 16 + lane;
      if (r >= m) {
        for (let s: usize = 0; s < 16; s++) store<u32>(chunks + (s << 4), 0);
        store<f32>(scale, 0);
        continue;
      }
      const src = x + ((<usize>r * k + b * 32) << 2);
      const top = absMax32(src);
      store<f32>(scale, top / 32767);
      const id = f32x4.splat(top != 0 ? <f32>32767 / top : 0);
      for (let i: usize = 0; i < 32; i += 8) {
        const lo = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(src + (i << 2)), id)));
        const hi = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(src + (i << 2), 16), id)));
        const pairs = i16x8.narrow_i32x4_s(lo, hi); // k-pairs i/2 .. i/2+3 as 4 × 32 bits
        const at = chunks + (i << 3); // chunk i/2
        store<u32>(at, i32x4.extract_lane(pairs, 0));
        store<u32>(at, i32x4.extract_lane(pairs, 1), 16);
        store<u32>(at, i32x4.extract_lane(pairs, 2), 32);
        store<u32>(at, i32x4.extract_lane(pairs, 3), 48);
      }
    }
  }
}

/** Four finite f16 values (bits in the low half of each lane) as f32, exactly (see halfToFloat). */
// @ts-ignore: decorator
@inline function finiteHalvesToFloats(h: v128): v128 {
  const magnitude = f32x4.mul(i32x4.shl(v128.and(h, i32x4.splat(0x7fff)), 13), f32x4.splat(5.192296858534828e33)); // 2^112
  return v128.or(magnitude, i32x4.shl(v128.and(h, i32x4.splat(0x8000)), 16));
}

/**
 * C[rows ≤ 4, cols ≤ 8] = quantized x rows row..row+rows-1 (row a multiple of 4) · Q8_0 panel b
 * (all k). Pointers advance with the data, so every load has a constant offset.
 */
// @ts-ignore: decorator
@inline export function tileQ8(xq: usize, m: i32, k: i32, row: i32, rows: i32, b: usize, c: usize, ldc: usize, cols: i32): void {
  const blocks = k / 32;
  const groups = (m + MRQ - 1) / MRQ;
  let px = xq + <usize>(row >> 2) * blocks * 256;
  let ps = xq + <usize>groups * blocks * 256 + <usize>(row >> 2) * blocks * 16;
  let pw = b;
  const z = f32x4.splat(0);
  let f00 = z, f01 = z, f10 = z, f11 = z, f20 = z, f21 = z, f30 = z, f31 = z;
  for (let bi = 0; bi < blocks; bi++) {
    const halves = v128.load(pw);
    pw += 16;
    const zi = i32x4.splat(0);
    let s00 = zi, s01 = zi, s10 = zi, s11 = zi, s20 = zi, s21 = zi, s30 = zi, s31 = zi;
    for (let s = 0; s < 16; s++) {
      const w0 = v128.load8x8_s(pw);
      const w1 = v128.load8x8_s(pw, 8);
      let x = v128.load32_splat(px);
      s00 = i32x4.add(s00, i32x4.dot_i16x8_s(w0, x)); s01 = i32x4.add(s01, i32x4.dot_i16x8_s(w1, x));
      x = v128.load32_splat(px, 4);
      s10 = i32x4.add(s10, i32x4.dot_i16x8_s(w0, x)); s11 = i32x4.add(s11, i32x4.dot_i16x8_s(w1, x));
      x = v128.load32_splat(px, 8);
      s20 = i32x4.add(s20, i32x4.dot_i16x8_s(w0, x)); s21 = i32x4.add(s21, i32x4.dot_i16x8_s(w1, x));
      x = v128.load32_splat(px, 12);
      s30 = i32x4.add(s30, i32x4.dot_i16x8_s(w0, x)); s31 = i32x4.add(s31, i32x4.dot_i16x8_s(w1, x));
      pw += 16;
      px += 16;
    }
    const w0 = finiteHalvesToFloats(i32x4.extend_low_i16x8_u(halves));
    const w1 = finiteHalvesToFloats(i32x4.extend_high_i16x8_u(halves));
    const d = v128.load(ps);
    ps += 16;
    let dr = i32x4.shuffle(d, d, 0, 0, 0, 0);
    f00 = madd(f32x4.convert_i32x4_s(s00), f32x4.mul(w0, dr), f00); f01 = madd(f32x4.convert_i32x4_s(s01), f32x4.mul(w1, dr), f01);
    dr = i32x4.shuffle(d, d, 1, 1, 1, 1);
    f10 = madd(f32x4.convert_i32x4_s(s10), f32x4.mul(w0, dr), f10); f11 = madd(f32x4.convert_i32x4_s(s11), f32x4.mul(w1, dr), f11);
    dr = i32x4.shuffle(d, d, 2, 2, 2, 2);
    f20 = madd(f32x4.convert_i32x4_s(s20), f32x4.mul(w0, dr), f20); f21 = madd(f32x4.convert_i32x4_s(s21), f32x4.mul(w1, dr), f21);
    dr = i32x4.shuffle(d, d, 3, 3, 3, 3);
    f30 = madd(f32x4.convert_i32x4_s(s30), f32x4.mul(w0, dr), f30); f31 = madd(f32x4.convert_i32x4_s(s31), f32x4.mul(w1, dr), f31);
  }
  storeCols(c, f00, f01, cols);
  if (rows > 1) storeCols(c + ldc, f10, f11, cols);
  if (rows > 2) storeCols(c + 2 * ldc, f20, f21, cols);
  if (rows > 3) storeCols(c + 3 * ldc, f30, f31, cols);
}
