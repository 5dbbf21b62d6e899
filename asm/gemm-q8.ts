// Linear layers over Q8_0 weights with integer dot products: the activations are quantized per
// row and block of 32 to 16 bits (d = amax/32767, q = round(x/d): an error ≈258× below ggml's
// 8-bit activations), i32x4.dot_i16x8_s adds 8 products per instruction (4 output columns × 2
// k), and each block's integer sum is converted once and scaled by d_x·d_w. The sums are exact
// (|Σ| ≤ 32·32767·127 < 2³¹), so every build gives the same integers.
import { nextTask } from './tasks';
import { storeCols } from './tile';
import { halfToFloat } from './stored-rows';
import { madd } from './vmath';

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

/** Bytes of quantized activations for an m×k input: i16 values, then f32 block scales. */
export function quantizedActivationBytes(m: i32, k: i32): i32 {
  return m * k * 2 + m * (k / 32) * 4;
}

/**
 * Quantizes x [m, k] into dst (quantizedActivationBytes): i16 values at dst, the scale of
 * each row's block b at dst + 2·m·k + (row·k/32 + b)·4. Tasks: one per row.
 */
export function quantizeActivations(x: usize, m: i32, k: i32, dst: usize): void {
  const blocks = k / 32;
  const scales = dst + <usize>m * k * 2;
  for (let r = nextTask(); r < m; r = nextTask()) {
    for (let b = 0; b < blocks; b++) {
      const src = x + ((<usize>r * k + b * 32) << 2);
      let amax = f32x4.splat(0);
      for (let i = 0; i < 32; i += 4) amax = f32x4.max(amax, f32x4.abs(v128.load(src + (<usize>i << 2))));
      const top = max(max(f32x4.extract_lane(amax, 0), f32x4.extract_lane(amax, 1)),
        max(f32x4.extract_lane(amax, 2), f32x4.extract_lane(amax, 3)));
      store<f32>(scales + ((<usize>r * blocks + b) << 2), top / 32767);
      const id = f32x4.splat(top != 0 ? <f32>32767 / top : 0);
      const q = dst + ((<usize>r * k + b * 32) << 1);
      for (let i = 0; i < 32; i += 8) {
        const lo = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(src + (<usize>i << 2)), id)));
        const hi = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(src + (<usize>i << 2), 16), id)));
        v128.store(q + (<usize>i << 1), i16x8.narrow_i32x4_s(lo, hi));
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

/** Row r of a block with `rows` valid rows: rows past the end repeat the last one (never stored). */
// @ts-ignore: decorator
@inline function clampRow(row: i32, r: i32, rows: i32): usize {
  return <usize>(row + min(r, rows - 1));
}

/** C[rows ≤ 4, cols ≤ 8] = quantized x rows row..row+rows-1 · Q8_0 panel b (all k). */
// @ts-ignore: decorator
@inline export function tileQ8(xq: usize, m: i32, k: i32, row: i32, rows: i32, b: usize, c: usize, ldc: usize, cols: i32): void {
  const blocks = k / 32;
  const r0 = clampRow(row, 0, rows), r1 = clampRow(row, 1, rows), r2 = clampRow(row, 2, rows), r3 = clampRow(row, 3, rows);
  const a0 = xq + r0 * k * 2, a1 = xq + r1 * k * 2, a2 = xq + r2 * k * 2, a3 = xq + r3 * k * 2;
  const scales = xq + <usize>m * k * 2;
  const d0 = scales + r0 * blocks * 4, d1 = scales + r1 * blocks * 4, d2 = scales + r2 * blocks * 4, d3 = scales + r3 * blocks * 4;
  const z = f32x4.splat(0);
  let f00 = z, f01 = z, f10 = z, f11 = z, f20 = z, f21 = z, f30 = z, f31 = z;
  for (let bi = 0; bi < blocks; bi++) {
    const blk = b + <usize>bi * PANEL_BLOCK;
    const zi = i32x4.splat(0);
    let s00 = zi, s01 = zi, s10 = zi, s11 = zi, s20 = zi, s21 = zi, s30 = zi, s31 = zi;
    const o = <usize>bi * 64;
    for (let s: usize = 0; s < 16; s++) {
      const w0 = v128.load8x8_s(blk + 16 + (s << 4));
      const w1 = v128.load8x8_s(blk + 24 + (s << 4));
      let x = v128.load32_splat(a0 + o + (s << 2));
      s00 = i32x4.add(s00, i32x4.dot_i16x8_s(w0, x)); s01 = i32x4.add(s01, i32x4.dot_i16x8_s(w1, x));
      x = v128.load32_splat(a1 + o + (s << 2));
      s10 = i32x4.add(s10, i32x4.dot_i16x8_s(w0, x)); s11 = i32x4.add(s11, i32x4.dot_i16x8_s(w1, x));
      x = v128.load32_splat(a2 + o + (s << 2));
      s20 = i32x4.add(s20, i32x4.dot_i16x8_s(w0, x)); s21 = i32x4.add(s21, i32x4.dot_i16x8_s(w1, x));
      x = v128.load32_splat(a3 + o + (s << 2));
      s30 = i32x4.add(s30, i32x4.dot_i16x8_s(w0, x)); s31 = i32x4.add(s31, i32x4.dot_i16x8_s(w1, x));
    }
    const halves = v128.load(blk);
    const w0 = finiteHalvesToFloats(i32x4.extend_low_i16x8_u(halves));
    const w1 = finiteHalvesToFloats(i32x4.extend_high_i16x8_u(halves));
    const o4 = <usize>bi * 4;
    let d = v128.load32_splat(d0 + o4);
    f00 = madd(f32x4.convert_i32x4_s(s00), f32x4.mul(w0, d), f00); f01 = madd(f32x4.convert_i32x4_s(s01), f32x4.mul(w1, d), f01);
    d = v128.load32_splat(d1 + o4);
    f10 = madd(f32x4.convert_i32x4_s(s10), f32x4.mul(w0, d), f10); f11 = madd(f32x4.convert_i32x4_s(s11), f32x4.mul(w1, d), f11);
    d = v128.load32_splat(d2 + o4);
    f20 = madd(f32x4.convert_i32x4_s(s20), f32x4.mul(w0, d), f20); f21 = madd(f32x4.convert_i32x4_s(s21), f32x4.mul(w1, d), f21);
    d = v128.load32_splat(d3 + o4);
    f30 = madd(f32x4.convert_i32x4_s(s30), f32x4.mul(w0, d), f30); f31 = madd(f32x4.convert_i32x4_s(s31), f32x4.mul(w1, d), f31);
  }
  storeCols(c, f00, f01, cols);
  if (rows > 1) storeCols(c + ldc, f10, f11, cols);
  if (rows > 2) storeCols(c + 2 * ldc, f20, f21, cols);
  if (rows > 3) storeCols(c + 3 * ldc, f30, f31, cols);
}
