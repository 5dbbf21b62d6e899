// Convolutions as implicit GEMM on the shared micro-kernel: out[Cout, pixels] = Wpacked · taps.
//
// The input is first rewritten into "planes" so that, for every kernel tap, the 8 inputs of
// 8 neighbouring output pixels are contiguous: zero padding is materialised, and for stride s
// the input is split into s×s phase planes (phase (py,px) holds rows py, py+s, … and columns
// px, px+s, …). Tap (ky,kx) then reads phase (ky%s, kx%s) at a fixed offset (ky/s rows,
// kx/s columns) from the output pixel: the per-tap offset table of the micro-kernel.
import { nextTask } from './tasks';
import { MR, tile, storeCols } from './tile';
import { activate, relu4 } from './vmath';

/** Output pixels per task along a row. */
const X_CHUNK = 64;

export function packedConvBytes(rows: i32, cin: i32, taps: i32): i32 {
  return rows * cin * taps * 4;
}

/**
 * Packs a weight into blocks of MR output rows (the last block holds the rest): block-major,
 * then tap, then input channel, then the block's rows. No padding, so the packed form has the
 * weight's size and can replace it in place. Source element (row, ci, tap) is at
 * src[row·rowStride + ci·ciStride + tap·tapStride] (element strides), so conv [Cout,Cin,kh,kw]
 * and conv-transpose [Cin,Cout,k,k] weights pack without a transpose. Tasks: one per block.
 */
export function packConv(
  src: usize, rows: i32, cin: i32, taps: i32,
  rowStride: i32, ciStride: i32, tapStride: i32, dst: usize,
): void {
  const blocks = (rows + MR - 1) / MR;
  for (let blk = nextTask(); blk < blocks; blk = nextTask()) {
    const r0 = blk * MR;
    const blockRows = min(MR, rows - r0);
    let p = dst + <usize>r0 * cin * taps * 4;
    for (let t = 0; t < taps; t++) {
      for (let ci = 0; ci < cin; ci++) {
        for (let r = r0; r < r0 + blockRows; r++) {
          store<f32>(p, load<f32>(src + (<usize>r * rowStride + <usize>ci * ciStride + <usize>t * tapStride) * 4));
          p += 4;
        }
      }
    }
  }
}

/**
 * Writes rows q0 .. q0+hq−1 of the stride phases of x [C,H,W] (optionally ReLU'd) with zero
 * padding into dst [s·s][C][hq][wq], phase (py,px) element (q,u) = x[c, (q0+q)·s+py−pad,
 * u·s+px−pad]. Tasks: one per (phase, channel).
 */
export function convPlanes(
  x: usize, c: i32, h: i32, w: i32, pad: i32, stride: i32, relu: bool,
  dst: usize, q0: i32, hq: i32, wq: i32,
): void {
  const count = stride * stride * c;
  for (let task = nextTask(); task < count; task = nextTask()) {
    const phase = task / c;
    const ch = task % c;
    const py = phase / stride;
    const px = phase % stride;
    const src = x + <usize>ch * h * w * 4;
    let p = dst + <usize>task * hq * wq * 4;
    for (let q = 0; q < hq; q++, p += <usize>wq * 4) {
      const iy = (q0 + q) * stride + py - pad;
      memory.fill(p, 0, <usize>wq * 4);
      if (iy < 0 || iy >= h) continue;
      const row = src + <usize>iy * w * 4;
      // Plane columns u with 0 ≤ ix = u·s + px − pad < w hold input; the rest stay zero.
      const u0 = px >= pad ? 0 : (pad - px + stride - 1) / stride;
      const last = w - 1 - px + pad;
      const u1 = last < 0 ? 0 : min(wq, last / stride + 1);
      if (u1 <= u0) continue;
      if (stride == 1) {
        copyRow(row + <usize>(u0 - pad) * 4, p + <usize>u0 * 4, u1 - u0, relu);
        continue;
      }
      for (let u = u0; u < u1; u++) {
        const v = load<f32>(row + <usize>(u * stride + px - pad) * 4);
        store<f32>(p + <usize>u * 4, relu ? select<f32>(v, 0, v > 0) : v);
      }
    }
  }
}

/** Copies n floats, ReLU'd when asked (NaN becomes 0, like the reference's x > 0 ? x : 0). */
// @ts-ignore: decorator
@inline export function copyRow(src: usize, dst: usize, n: i32, relu: bool): void {
  if (!relu) {
    memory.copy(dst, src, <usize>n * 4);
    return;
  }
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(dst + <usize>j * 4, relu4(v128.load(src + <usize>j * 4)));
  for (; j < n; j++) {
    const v = load<f32>(src + <usize>j * 4);
    store<f32>(dst + <usize>j * 4, select<f32>(v, 0, v > 0));
  }
}

/**
 * Output rows y0 .. y1−1 of out[Cout, ho, wo] = act(W ⊛ planes + bias) + residual; the planes
 * start at the row of output row y0. `taps` is the byte-offset table of the kernel positions;
 * ciStride/rowStride are the plane strides in bytes. bias and residual are optional (0).
 * Tasks: (output row, 64-pixel chunk, MR·4 output channels).
 */
export function conv(
  planes: usize, taps: usize, tapCount: i32, cin: i32, ciStride: i32, rowStride: i32,
  w: usize, cout: i32, bias: usize, act: i32, residual: usize,
  out: usize, ho: i32, wo: i32, y0: i32, y1: i32,
): void {
  const coPerTask = MR * 4;
  const coBlocks = (cout + coPerTask - 1) / coPerTask;
  const chunks = (wo + X_CHUNK - 1) / X_CHUNK;
  const plane = <usize>ho * wo * 4;
  const rowBytes = <usize>cin * tapCount * 4;
  for (let task = nextTask(); task < (y1 - y0) * chunks * coBlocks; task = nextTask()) {
    const co0 = (task % coBlocks) * coPerTask;
    const coEnd = min(co0 + coPerTask, cout);
    const pos = task / coBlocks;
    const oy = y0 + pos / chunks;
    const x0 = (pos % chunks) * X_CHUNK;
    const xEnd = min(x0 + X_CHUNK, wo);
    for (let x = x0; x < xEnd; x += 8) {
      const cols = min(8, xEnd - x);
      const b = planes + <usize>(oy - y0) * rowStride + <usize>x * 4;
      for (let co = co0; co < coEnd; co += MR) {
        const rows = min(MR, coEnd - co);
        const pixel = (<usize>oy * wo + x) * 4;
        const c = out + <usize>co * plane + pixel;
        tile(w + <usize>co * rowBytes, 4, <usize>rows * 4, rows, b, ciStride, taps, tapCount, cin, c, plane, cols, false);
        for (let i = 0; i < rows; i++) {
          const offset = <usize>(co + i) * plane + pixel;
          const bv = bias == 0 ? f32x4.splat(0) : v128.load32_splat(bias + <usize>(co + i) * 4);
          let lo = activate(f32x4.add(v128.load(out + offset), bv), act);
          let hi = activate(f32x4.add(v128.load(out + offset, 16), bv), act);
          if (residual != 0) {
            lo = f32x4.add(lo, v128.load(residual + offset));
            hi = f32x4.add(hi, v128.load(residual + offset, 16));
          }
          storeCols(out + offset, lo, hi, cols);
        }
      }
    }
  }
}

/**
 * Conv-transpose with kernel = stride k: scatters tmp [Cout·k·k, h·w] (the per-tap products)
 * to out [Cout, h·k, w·k] and adds the bias. Tasks: one per (channel, input row).
 */
export function convTransposeScatter(tmp: usize, cout: i32, k: i32, h: i32, w: i32, bias: usize, out: usize): void {
  const ow = w * k;
  for (let task = nextTask(); task < cout * h; task = nextTask()) {
    const co = task / h;
    const y = task % h;
    const b: f32 = bias == 0 ? 0 : load<f32>(bias + <usize>co * 4);
    for (let ky = 0; ky < k; ky++) {
      const dst = out + (<usize>co * h * k + <usize>y * k + ky) * ow * 4;
      for (let kx = 0; kx < k; kx++) {
        const src = tmp + ((<usize>(co * k + ky) * k + kx) * h * w + <usize>y * w) * 4;
        for (let x = 0; x < w; x++) {
          store<f32>(dst + (<usize>x * k + kx) * 4, load<f32>(src + <usize>x * 4) + b);
        }
      }
    }
  }
}
