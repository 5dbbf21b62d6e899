// The register-blocked micro-kernel every matrix-shaped op runs on: an MR×8 block of
// C = Σ_k A[r,k]·B[k,0..8]. A is read one scalar at a time (load32_splat) through row pointers
// with arbitrary row and k strides; B one 8-wide row per k. With relaxed SIMD (fused madd) a 6×8
// block fits V8's 16 xmm registers; without it the mul+add temporary forces 4×8.
//
// The k dimension can be split into "taps": k runs over `kPerTap` steps for each entry of an
// i32 byte-offset table added to B's base. A plain GEMM uses one tap at offset 0; a convolution
// uses one tap per kernel position, so B is read straight from the (padded) input planes.
import { madd } from './vmath';

// @ts-ignore: decorator
@inline export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 4;

/** Row r of a block with `rows` valid rows: rows past the end repeat the last one (never stored). */
// @ts-ignore: decorator
@inline function rowOf(base: usize, stride: usize, r: i32, rows: i32): usize {
  return base + stride * <usize>min(r, rows - 1);
}

/** Stores the first `cols` (≤ 8) lanes of lo‖hi at p. */
// @ts-ignore: decorator
@inline export function storeCols(p: usize, lo: v128, hi: v128, cols: i32): void {
  if (cols >= 8) {
    v128.store(p, lo);
    v128.store(p, hi, 16);
    return;
  }
  let v = lo;
  if (cols >= 4) {
    v128.store(p, lo);
    p += 16;
    cols -= 4;
    v = hi;
  }
  if (cols > 0) store<f32>(p, f32x4.extract_lane(v, 0));
  if (cols > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (cols > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/**
 * C[rows ≤ MR, cols ≤ 8] (row stride ldc bytes) = or += A·B.
 * A element (r, k) at a + r·aRow + k·aK; B row k of tap t at b + tapOffset[t] + k·bK.
 * Reads may touch up to 8 columns and MR rows; only valid ones are written.
 */
// @ts-ignore: decorator
@inline export function tile(
  a: usize, aRow: usize, aK: usize, rows: i32,
  b: usize, bK: usize, tapOffsets: usize, taps: i32, kPerTap: i32,
  c: usize, ldc: usize, cols: i32, accumulate: bool,
): void {
  let a0 = a;
  let a1 = rowOf(a, aRow, 1, rows);
  let a2 = rowOf(a, aRow, 2, rows);
  let a3 = rowOf(a, aRow, 3, rows);
  let a4 = rowOf(a, aRow, 4, rows);
  let a5 = rowOf(a, aRow, 5, rows);
  const z = f32x4.splat(0);
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
  let c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
  if (accumulate) {
    let p = c; c00 = v128.load(p); c01 = v128.load(p, 16);
    p = rowOf(c, ldc, 1, rows); c10 = v128.load(p); c11 = v128.load(p, 16);
    p = rowOf(c, ldc, 2, rows); c20 = v128.load(p); c21 = v128.load(p, 16);
    p = rowOf(c, ldc, 3, rows); c30 = v128.load(p); c31 = v128.load(p, 16);
    if (MR > 4) {
      p = rowOf(c, ldc, 4, rows); c40 = v128.load(p); c41 = v128.load(p, 16);
      p = rowOf(c, ldc, 5, rows); c50 = v128.load(p); c51 = v128.load(p, 16);
    }
  }
  for (let t = 0; t < taps; t++) {
    let bp = b + <usize>load<i32>(tapOffsets + (<usize>t << 2));
    for (let i = 0; i < kPerTap; i++) {
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, 16);
      let x = v128.load32_splat(a0);
      c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
      x = v128.load32_splat(a1);
      c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
      x = v128.load32_splat(a2);
      c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
      x = v128.load32_splat(a3);
      c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
      if (MR > 4) {
        x = v128.load32_splat(a4);
        c40 = madd(x, b0, c40); c41 = madd(x, b1, c41);
        x = v128.load32_splat(a5);
        c50 = madd(x, b0, c50); c51 = madd(x, b1, c51);
        a4 += aK; a5 += aK;
      }
      a0 += aK; a1 += aK; a2 += aK; a3 += aK;
      bp += bK;
    }
  }
  storeCols(c, c00, c01, cols);
  if (rows > 1) storeCols(c + ldc, c10, c11, cols);
  if (rows > 2) storeCols(c + 2 * ldc, c20, c21, cols);
  if (rows > 3) storeCols(c + 3 * ldc, c30, c31, cols);
  if (MR > 4) {
    if (rows > 4) storeCols(c + 4 * ldc, c40, c41, cols);
    if (rows > 5) storeCols(c + 5 * ldc, c50, c51, cols);
  }
}
