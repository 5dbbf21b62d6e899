// 3×3 stride-1 pad-1 convolution by Winograd F(2×2, 3×3): every 2×2 block of output pixels
// ("tile") comes from a 4×4 input patch d as Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A, so the products per
// tile drop from 36 to 16 per (input, output) channel pair. The 16 element-wise products summed
// over input channels are 16 independent GEMMs U[t] (Cout×Cin) · V[t] (Cin×tiles) on the shared
// micro-kernel; the transforms are a few additions per value, 4 tiles per f32x4.
//
// One task is one band of tile rows, run start to end by one thread in its private scratch:
// zero-padded (optionally ReLU'd) input planes → V → the 16 GEMMs into M → output transform and
// epilogue (then, optionally, a 1×1 projection of the band). A whole conv is thus one dispatch:
// no per-band synchronisation between threads.
//
// Layouts: U is packed like packConv with 16 taps (MR-row blocks, then t, then ci, then rows);
// per band, planes [Cin][2·rows + 2][wq], V [16][Cin][ntp] and M [16][Cout][ntp] with tile
// (row r, column j) at index r·tpr + j (tpr = tiles per row, a multiple of 4; ntp a multiple of 8).
import { copyRow } from './conv';
import { nextTask, threadSlot, ZERO_TAP } from './tasks';
import { MR, tile, storeCols } from './tile';
import { activate } from './vmath';

const TAPS = 16;

export function packedWinogradBytes(cout: i32, cin: i32): i32 {
  return cout * cin * TAPS * 4;
}

/** Packs U = G·g·Gᵀ of every 3×3 kernel g of w [Cout, Cin, 3, 3]. Tasks: one per MR-row block. */
export function packWinograd(w: usize, cout: i32, cin: i32, dst: usize): void {
  const blocks = (cout + MR - 1) / MR;
  const half: f32 = 0.5;
  for (let blk = nextTask(); blk < blocks; blk = nextTask()) {
    const r0 = blk * MR;
    const rows = min(MR, cout - r0);
    const base = dst + <usize>r0 * cin * TAPS * 4;
    for (let r = 0; r < rows; r++) {
      for (let ci = 0; ci < cin; ci++) {
        const g = w + (<usize>(r0 + r) * cin + ci) * 9 * 4;
        // t = G·g (4×3), then U = t·Gᵀ (4×4); G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1].
        for (let i = 0; i < 4; i++) {
          let t0: f32, t1: f32, t2: f32;
          if (i == 0 || i == 3) {
            const row = g + <usize>(i == 0 ? 0 : 6) * 4;
            t0 = load<f32>(row); t1 = load<f32>(row, 4); t2 = load<f32>(row, 8);
          } else {
            const sign: f32 = i == 1 ? 1 : -1;
            t0 = half * (load<f32>(g) + sign * load<f32>(g, 12) + load<f32>(g, 24));
            t1 = half * (load<f32>(g, 4) + sign * load<f32>(g, 16) + load<f32>(g, 28));
            t2 = half * (load<f32>(g, 8) + sign * load<f32>(g, 20) + load<f32>(g, 32));
          }
          const u0 = t0, u1 = half * (t0 + t1 + t2), u2 = half * (t0 - t1 + t2), u3 = t2;
          const at = base + (<usize>(i * 4) * cin + ci) * rows * 4 + <usize>r * 4;
          const tapStride = <usize>cin * rows * 4;
          store<f32>(at, u0);
          store<f32>(at + tapStride, u1);
          store<f32>(at + 2 * tapStride, u2);
          store<f32>(at + 3 * tapStride, u3);
        }
      }
    }
  }
}

/** Scratch bytes one thread needs for bands of `tileRows` tile rows. */
export function winogradScratchBytes(cin: i32, cout: i32, tileRows: i32, tpr: i32, w: i32): i32 {
  const ntp = (tileRows * tpr + 7) & ~7;
  return cin * (2 * tileRows + 2) * (2 * tpr + 2) * 4 + TAPS * (cin + cout) * ntp * 4 + bandOutBytes(cout, tileRows, w);
}

/** The band's conv output [Cout][2·tileRows][w], kept only when it is projected. */
// @ts-ignore: decorator
@inline function bandOutBytes(cout: i32, tileRows: i32, w: i32): i32 {
  return cout * 2 * tileRows * w * 4;
}

/**
 * y = act(conv3×3(relu?(x)) + bias) + residual for x [Cin, h, w], with U packed by packWinograd;
 * bias and residual optional (0). Without a projection (proj = 0) out = y [Cout, h, w]; with one,
 * out [projRows, h, w] = proj · y + projBias (a 1×1 conv, proj packed by packConv), computed
 * band by band so that y never exists whole. `scratch` holds winogradScratchBytes per thread.
 * Tasks: bands of `tileRows` tile rows (2·tileRows output rows).
 */
export function winogradConv(
  x: usize, cin: i32, h: i32, w: i32, relu: bool, u: usize, cout: i32,
  bias: usize, act: i32, residual: usize, proj: usize, projRows: i32, projBias: usize,
  out: usize, tileRows: i32, tpr: i32, scratch: usize,
): void {
  const wq = 2 * tpr + 2;
  const ntp = (tileRows * tpr + 7) & ~7;
  const planeBytes = <usize>(2 * tileRows + 2) * wq * 4;
  const planes = scratch + <usize>threadSlot() * winogradScratchBytes(cin, cout, tileRows, tpr, w);
  const v = planes + <usize>cin * planeBytes;
  const m = v + <usize>TAPS * cin * ntp * 4;
  const bandOut = m + <usize>TAPS * cout * ntp * 4;
  const plane = <usize>h * w * 4;
  const bands = ((h + 1) / 2 + tileRows - 1) / tileRows;
  for (let band = nextTask(); band < bands; band = nextTask()) {
    const y0 = band * 2 * tileRows;
    const y1 = min(h, y0 + 2 * tileRows);
    const rows = (y1 - y0 + 1) >> 1;
    for (let ci = 0; ci < cin; ci++) {
      const plane = planes + <usize>ci * planeBytes;
      writePlane(x + <usize>ci * h * w * 4, h, w, relu, plane, y0 - 1, 2 * rows + 2, wq);
      for (let r = 0; r < rows; r++) {
        transformInput(plane + <usize>(2 * r) * wq * 4, <usize>wq * 4, tpr, v + (<usize>ci * ntp + <usize>r * tpr) * 4, <usize>cin * ntp * 4);
      }
    }
    multiplyTaps(u, cin, cout, v, m, ntp, (rows * tpr + 7) & ~7);
    // y goes to the output, or to the band buffer [Cout][y1 − y0][w] when projected.
    const yPlane: usize = proj == 0 ? plane : <usize>(y1 - y0) * w * 4;
    const yBase: usize = proj == 0 ? out + <usize>y0 * w * 4 : bandOut;
    for (let co = 0; co < cout; co++) {
      const bv = bias == 0 ? f32x4.splat(0) : v128.load32_splat(bias + <usize>co * 4);
      for (let r = 0; r < rows; r++) {
        const row = <usize>co * yPlane + <usize>(2 * r) * w * 4;
        const residualRow: usize = residual == 0 ? 0 : residual + <usize>co * plane + <usize>(y0 + 2 * r) * w * 4;
        transformOutput(m + (<usize>co * ntp + <usize>r * tpr) * 4, <usize>cout * ntp * 4, bv, act, yBase + row, residualRow, w, y0 + 2 * r + 1 < y1);
      }
    }
    if (proj != 0) project(proj, projRows, projBias, bandOut, cout, (y1 - y0) * w, out + <usize>y0 * w * 4, plane);
  }
}

/** out[r, p] = proj[r, :] · y[:, p] + bias[r] for the n pixels of a band (out rows `plane` bytes apart). */
// @ts-ignore: decorator
@inline function project(proj: usize, rows: i32, bias: usize, y: usize, k: i32, n: i32, out: usize, plane: usize): void {
  for (let px = 0; px < n; px += 8) {
    const cols = min(8, n - px);
    for (let r = 0; r < rows; r += MR) {
      const blockRows = min(MR, rows - r);
      const c = out + <usize>r * plane + <usize>px * 4;
      tile(proj + <usize>r * k * 4, 4, <usize>blockRows * 4, blockRows, y + <usize>px * 4, <usize>n * 4, ZERO_TAP, 1, k, c, plane, cols, false);
      if (bias == 0) continue;
      for (let i = 0; i < blockRows; i++) {
        const at = c + <usize>i * plane;
        const bv = v128.load32_splat(bias + <usize>(r + i) * 4);
        storeCols(at, f32x4.add(v128.load(at), bv), f32x4.add(v128.load(at, 16), bv), cols);
      }
    }
  }
}

/** Input rows iy0 .. iy0+n−1 of one channel, zero outside the image, at plane column ix + 1. */
// @ts-ignore: decorator
@inline function writePlane(src: usize, h: i32, w: i32, relu: bool, plane: usize, iy0: i32, n: i32, wq: i32): void {
  memory.fill(plane, 0, <usize>n * wq * 4);
  for (let q = 0; q < n; q++) {
    const iy = iy0 + q;
    if (iy >= 0 && iy < h) copyRow(src + <usize>iy * w * 4, plane + (<usize>q * wq + 1) * 4, w, relu);
  }
}

/** V = Bᵀ·d·B for the tpr tiles of one tile row: the 4×4 patches start at plane row p, column 2j. */
// @ts-ignore: decorator
@inline function transformInput(p: usize, rowBytes: usize, tpr: i32, dst: usize, tapStride: usize): void {
  for (let j = 0; j < tpr; j += 4) {
    // Row transform d·B of the 4 patch rows for tiles j .. j+3: columns (c0, c1, c2, c3).
    const q = p + <usize>j * 8;
    const a0 = v128.load(q), b0 = v128.load(q, 16), c0 = v128.load(q, 8), d0 = v128.load(q, 24);
    const r00 = f32x4.sub(v128.shuffle<f32>(a0, b0, 0, 2, 4, 6), v128.shuffle<f32>(c0, d0, 0, 2, 4, 6));
    const r01 = f32x4.add(v128.shuffle<f32>(a0, b0, 1, 3, 5, 7), v128.shuffle<f32>(c0, d0, 0, 2, 4, 6));
    const r02 = f32x4.sub(v128.shuffle<f32>(c0, d0, 0, 2, 4, 6), v128.shuffle<f32>(a0, b0, 1, 3, 5, 7));
    const r03 = f32x4.sub(v128.shuffle<f32>(a0, b0, 1, 3, 5, 7), v128.shuffle<f32>(c0, d0, 1, 3, 5, 7));
    const q1 = q + rowBytes;
    const a1 = v128.load(q1), b1 = v128.load(q1, 16), c1 = v128.load(q1, 8), d1 = v128.load(q1, 24);
    const r10 = f32x4.sub(v128.shuffle<f32>(a1, b1, 0, 2, 4, 6), v128.shuffle<f32>(c1, d1, 0, 2, 4, 6));
    const r11 = f32x4.add(v128.shuffle<f32>(a1, b1, 1, 3, 5, 7), v128.shuffle<f32>(c1, d1, 0, 2, 4, 6));
    const r12 = f32x4.sub(v128.shuffle<f32>(c1, d1, 0, 2, 4, 6), v128.shuffle<f32>(a1, b1, 1, 3, 5, 7));
    const r13 = f32x4.sub(v128.shuffle<f32>(a1, b1, 1, 3, 5, 7), v128.shuffle<f32>(c1, d1, 1, 3, 5, 7));
    const q2 = q + 2 * rowBytes;
    const a2 = v128.load(q2), b2 = v128.load(q2, 16), c2 = v128.load(q2, 8), d2 = v128.load(q2, 24);
    const r20 = f32x4.sub(v128.shuffle<f32>(a2, b2, 0, 2, 4, 6), v128.shuffle<f32>(c2, d2, 0, 2, 4, 6));
    const r21 = f32x4.add(v128.shuffle<f32>(a2, b2, 1, 3, 5, 7), v128.shuffle<f32>(c2, d2, 0, 2, 4, 6));
    const r22 = f32x4.sub(v128.shuffle<f32>(c2, d2, 0, 2, 4, 6), v128.shuffle<f32>(a2, b2, 1, 3, 5, 7));
    const r23 = f32x4.sub(v128.shuffle<f32>(a2, b2, 1, 3, 5, 7), v128.shuffle<f32>(c2, d2, 1, 3, 5, 7));
    const q3 = q + 3 * rowBytes;
    const a3 = v128.load(q3), b3 = v128.load(q3, 16), c3 = v128.load(q3, 8), d3 = v128.load(q3, 24);
    const r30 = f32x4.sub(v128.shuffle<f32>(a3, b3, 0, 2, 4, 6), v128.shuffle<f32>(c3, d3, 0, 2, 4, 6));
    const r31 = f32x4.add(v128.shuffle<f32>(a3, b3, 1, 3, 5, 7), v128.shuffle<f32>(c3, d3, 0, 2, 4, 6));
    const r32 = f32x4.sub(v128.shuffle<f32>(c3, d3, 0, 2, 4, 6), v128.shuffle<f32>(a3, b3, 1, 3, 5, 7));
    const r33 = f32x4.sub(v128.shuffle<f32>(a3, b3, 1, 3, 5, 7), v128.shuffle<f32>(c3, d3, 1, 3, 5, 7));
    // Column transform Bᵀ·(d·B): tap t = 4·row + column.
    const o = dst + <usize>j * 4;
    v128.store(o, f32x4.sub(r00, r20));
    v128.store(o + tapStride, f32x4.sub(r01, r21));
    v128.store(o + 2 * tapStride, f32x4.sub(r02, r22));
    v128.store(o + 3 * tapStride, f32x4.sub(r03, r23));
    v128.store(o + 4 * tapStride, f32x4.add(r10, r20));
    v128.store(o + 5 * tapStride, f32x4.add(r11, r21));
    v128.store(o + 6 * tapStride, f32x4.add(r12, r22));
    v128.store(o + 7 * tapStride, f32x4.add(r13, r23));
    v128.store(o + 8 * tapStride, f32x4.sub(r20, r10));
    v128.store(o + 9 * tapStride, f32x4.sub(r21, r11));
    v128.store(o + 10 * tapStride, f32x4.sub(r22, r12));
    v128.store(o + 11 * tapStride, f32x4.sub(r23, r13));
    v128.store(o + 12 * tapStride, f32x4.sub(r10, r30));
    v128.store(o + 13 * tapStride, f32x4.sub(r11, r31));
    v128.store(o + 14 * tapStride, f32x4.sub(r12, r32));
    v128.store(o + 15 * tapStride, f32x4.sub(r13, r33));
  }
}

/** M[t] = U[t] · V[t] for the 16 taps over the first `cols` (a multiple of 8) tile columns. */
// @ts-ignore: decorator
@inline function multiplyTaps(u: usize, cin: i32, cout: i32, v: usize, m: usize, ntp: i32, cols: i32): void {
  const ld = <usize>ntp * 4;
  for (let t = 0; t < TAPS; t++) {
    const b = v + <usize>t * cin * ld;
    for (let co = 0; co < cout; co += MR) {
      const rows = min(MR, cout - co);
      const a = u + (<usize>co * TAPS + <usize>t * rows) * cin * 4;
      const c = m + <usize>(t * cout + co) * ld;
      for (let x = 0; x < cols; x += 8) {
        tile(a, 4, <usize>rows * 4, rows, b + <usize>x * 4, ld, ZERO_TAP, 1, cin, c + <usize>x * 4, ld, 8, false);
      }
    }
  }
}

/**
 * Two output rows (the second when `secondRow`) of one channel from one tile row of M at p:
 * Aᵀ·M·A + epilogue, written at dst (rows w floats apart); residual: its matching row, or 0.
 */
// @ts-ignore: decorator
@inline function transformOutput(
  p: usize, tapStride: usize, bv: v128, act: i32, dst: usize, residual: usize, w: i32, secondRow: bool,
): void {
  const tilesWide = (w + 1) >> 1;
  for (let j = 0; j < tilesWide; j += 4) {
    // s = Aᵀ·M (2×4), Aᵀ = [1 1 1 0; 0 1 −1 −1]; then y = s·A.
    const q = p + <usize>j * 4;
    const m0 = v128.load(q), m1 = v128.load(q + tapStride), m2 = v128.load(q + 2 * tapStride), m3 = v128.load(q + 3 * tapStride);
    const m4 = v128.load(q + 4 * tapStride), m5 = v128.load(q + 5 * tapStride), m6 = v128.load(q + 6 * tapStride), m7 = v128.load(q + 7 * tapStride);
    const m8 = v128.load(q + 8 * tapStride), m9 = v128.load(q + 9 * tapStride), m10 = v128.load(q + 10 * tapStride), m11 = v128.load(q + 11 * tapStride);
    const m12 = v128.load(q + 12 * tapStride), m13 = v128.load(q + 13 * tapStride), m14 = v128.load(q + 14 * tapStride), m15 = v128.load(q + 15 * tapStride);
    const x = 2 * j;
    const cols = min(8, w - x);
    const at = <usize>x * 4;
    storeOutputRow(dst + at,
      f32x4.add(f32x4.add(m0, m4), m8), f32x4.add(f32x4.add(m1, m5), m9),
      f32x4.add(f32x4.add(m2, m6), m10), f32x4.add(f32x4.add(m3, m7), m11),
      bv, act, residual == 0 ? 0 : residual + at, cols);
    if (secondRow) {
      const below = at + <usize>w * 4;
      storeOutputRow(dst + below,
        f32x4.sub(f32x4.sub(m4, m8), m12), f32x4.sub(f32x4.sub(m5, m9), m13),
        f32x4.sub(f32x4.sub(m6, m10), m14), f32x4.sub(f32x4.sub(m7, m11), m15),
        bv, act, residual == 0 ? 0 : residual + below, cols);
    }
  }
}

/** One output row of 4 tiles: y = (s0 + s1 + s2, s1 − s2 − s3) per tile, interleaved, + epilogue. */
// @ts-ignore: decorator
@inline function storeOutputRow(p: usize, s0: v128, s1: v128, s2: v128, s3: v128, bv: v128, act: i32, residual: usize, cols: i32): void {
  const even = f32x4.add(f32x4.add(s0, s1), s2);
  const odd = f32x4.sub(f32x4.sub(s1, s2), s3);
  let lo = activate(f32x4.add(v128.shuffle<f32>(even, odd, 0, 4, 1, 5), bv), act);
  let hi = activate(f32x4.add(v128.shuffle<f32>(even, odd, 2, 6, 3, 7), bv), act);
  if (residual != 0) {
    lo = f32x4.add(lo, v128.load(residual));
    hi = f32x4.add(hi, v128.load(residual, 16));
  }
  storeCols(p, lo, hi, cols);
}
