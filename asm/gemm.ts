// Linear layers: out[M,N] = epilogue(x[M,K] · W[N,K]ᵀ). W is packed once into 8-column panels
// (panel p holds W[p·8 .. p·8+7, k] contiguously for each k, zero-padded past N) so the
// micro-kernel reads one 32-byte B row per k.
import { nextTask, threadSlot, ZERO_TAP } from './tasks';
import { storedRowBytes, widenRow } from './stored-rows';
import { MRQ, PANEL_BLOCK, tileQ8 } from './gemm-q8';
import { MR, tile, storeCols } from './tile';
import { ACT_GELU, ACT_NONE, activate } from './vmath';

const NR = 8;
/** Panels per task: a task's B block (K·256 bytes) stays in L2 while its rows stream past. */
const PANELS_PER_TASK = 8;

export function packedLinearBytes(n: i32, k: i32): i32 {
  return ((n + NR - 1) / NR) * k * NR * 4;
}

/** Packs W[N,K] into panels at dst (packedLinearBytes bytes). Tasks: one per panel. */
export function packLinear(w: usize, n: i32, k: i32, dst: usize): void {
  const panels = (n + NR - 1) / NR;
  for (let p = nextTask(); p < panels; p = nextTask()) {
    const panel = dst + <usize>p * k * NR * 4;
    for (let j = 0; j < NR; j++) {
      const row = p * NR + j;
      for (let kk = 0; kk < k; kk++) {
        const v: f32 = row < n ? load<f32>(w + (<usize>row * k + kk) * 4) : 0;
        store<f32>(panel + (<usize>kk * NR + j) * 4, v);
      }
    }
  }
}

/**
 * out = residual + scale ⊙ act(x·Wᵀ + bias); bias, scale and residual are optional (0 = absent).
 * Tasks: blocks of MR·8 rows × PANELS_PER_TASK panels.
 */
export function linear(
  x: usize, m: i32, k: i32, w: usize, n: i32,
  bias: usize, act: i32, scale: usize, residual: usize, out: usize,
): void {
  rowPanelTasks(x, m, k, w, <usize>k * NR * 4, n, bias, act, scale, residual, out, false);
}

/** Per-thread scratch of linearStored: one block of widened panels and four widened rows. */
export function linearStoredScratchBytes(k: i32): i32 {
  return (PANELS_PER_TASK * NR + 4) * k * 4;
}

/**
 * `linear` over a weight kept in its GGUF type (stored-rows.ts): each task widens one block of
 * PANELS_PER_TASK panels into the thread's scratch, then runs the f32 micro-kernel over a chunk
 * of `rowsPerChunk` rows. Tasks of one panel block are numbered consecutively, so a thread that
 * takes the next chunk of the same block reuses the panels it widened.
 */
export function linearStored(
  x: usize, m: i32, k: i32, w: usize, type: i32, n: i32, rowsPerChunk: i32,
  bias: usize, act: i32, scale: usize, residual: usize, out: usize, scratch: usize,
): void {
  const panels = (n + NR - 1) / NR;
  const panelBlocks = (panels + PANELS_PER_TASK - 1) / PANELS_PER_TASK;
  const chunks = (m + rowsPerChunk - 1) / rowsPerChunk;
  const own = scratch + <usize>threadSlot() * linearStoredScratchBytes(k);
  const rows = own + <usize>PANELS_PER_TASK * NR * k * 4;
  const rowBytes = <usize>storedRowBytes(type, k);
  let widened = -1;
  for (let task = nextTask(); task < panelBlocks * chunks; task = nextTask()) {
    const block = task / chunks;
    const p0 = block * PANELS_PER_TASK;
    const pEnd = min(p0 + PANELS_PER_TASK, panels);
    if (block != widened) {
      for (let p = p0; p < pEnd; p++) {
        for (let j = 0; j < NR; j += 4) widenFourColumns(w, type, rowBytes, p * NR + j, n, k, rows, own + <usize>(p - p0) * k * NR * 4 + <usize>j * 4);
      }
      widened = block;
    }
    const r0 = (task % chunks) * rowsPerChunk;
    panelBlock(x, k, r0, min(r0 + rowsPerChunk, m), own, <usize>k * NR * 4, p0, pEnd, n, bias, act, scale, residual, out, false, m);
  }
}

/**
 * Widens weight rows r..r+3 (zeros past n) into 4 lanes of a panel at dst (stride NR floats per
 * k), through `rows` (4·k floats of scratch): 4×4 blocks are transposed in registers.
 */
// @ts-ignore: decorator
@inline function widenFourColumns(w: usize, type: i32, rowBytes: usize, r: i32, n: i32, k: i32, rows: usize, dst: usize): void {
  const rowFloats = <usize>k * 4;
  for (let i = 0; i < 4; i++) {
    const row = rows + <usize>i * rowFloats;
    if (r + i < n) widenRow(type, w + <usize>(r + i) * rowBytes, k, row);
    else memory.fill(row, 0, rowFloats);
  }
  const ldp = <usize>NR * 4;
  let kk = 0;
  for (; kk + 4 <= k; kk += 4) {
    const at = <usize>kk << 2;
    const a0 = v128.load(rows + at), a1 = v128.load(rows + rowFloats + at);
    const a2 = v128.load(rows + 2 * rowFloats + at), a3 = v128.load(rows + 3 * rowFloats + at);
    const t0 = i32x4.shuffle(a0, a1, 0, 4, 1, 5), t1 = i32x4.shuffle(a2, a3, 0, 4, 1, 5);
    const t2 = i32x4.shuffle(a0, a1, 2, 6, 3, 7), t3 = i32x4.shuffle(a2, a3, 2, 6, 3, 7);
    const out = dst + <usize>kk * ldp;
    v128.store(out, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
    v128.store(out + ldp, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
    v128.store(out + 2 * ldp, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
    v128.store(out + 3 * ldp, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
  }
  for (; kk < k; kk++) {
    for (let i = 0; i < 4; i++) store<f32>(dst + <usize>kk * ldp + <usize>i * 4, load<f32>(rows + <usize>i * rowFloats + (<usize>kk << 2)));
  }
}

/**
 * `linear` over a Q8_0 weight packed by packQ8_0, x quantized by quantizeActivations (gemm-q8.ts).
 * Tasks: blocks of MRQ·8 rows × PANELS_PER_TASK panels.
 */
export function linearQ8(
  xq: usize, m: i32, k: i32, w: usize, n: i32,
  bias: usize, act: i32, scale: usize, residual: usize, out: usize,
): void {
  rowPanelTasks(xq, m, k, w, <usize>(k / 32) * PANEL_BLOCK, n, bias, act, scale, residual, out, true);
}

/** The task loop of linear and linearQ8: blocks of 8 tiles of rows × PANELS_PER_TASK panels. */
// @ts-ignore: decorator
@inline function rowPanelTasks(
  x: usize, m: i32, k: i32, w: usize, panelBytes: usize, n: i32,
  bias: usize, act: i32, scale: usize, residual: usize, out: usize, q8: bool,
): void {
  const rowsPerTask = (q8 ? MRQ : MR) * 8;
  const rowBlocks = (m + rowsPerTask - 1) / rowsPerTask;
  const panels = (n + NR - 1) / NR;
  const panelBlocks = (panels + PANELS_PER_TASK - 1) / PANELS_PER_TASK;
  for (let task = nextTask(); task < rowBlocks * panelBlocks; task = nextTask()) {
    const r0 = (task / panelBlocks) * rowsPerTask;
    const p0 = (task % panelBlocks) * PANELS_PER_TASK;
    panelBlock(x, k, r0, min(r0 + rowsPerTask, m), w + <usize>p0 * panelBytes, panelBytes, p0, min(p0 + PANELS_PER_TASK, panels),
      n, bias, act, scale, residual, out, q8, m);
  }
}

/**
 * Rows r0..rEnd × panels p0..pEnd of a linear, the panels (panelBytes each) from b0 on: f32
 * panels for the f32 micro-kernel, or with `q8` Q8_0 panels and quantized rows of m.
 */
// @ts-ignore: decorator
@inline function panelBlock(
  x: usize, k: i32, r0: i32, rEnd: i32, b0: usize, panelBytes: usize, p0: i32, pEnd: i32, n: i32,
  bias: usize, act: i32, scale: usize, residual: usize, out: usize, q8: bool, m: i32,
): void {
  const lda = <usize>k * 4;
  const ldc = <usize>n * 4;
  // GELU is a long dependency chain: applied per tile (8 values) it stalls the FMA pipeline, so
  // it runs afterwards over the task's whole block, where independent rows overlap.
  const deferred = act == ACT_GELU;
  for (let p = p0; p < pEnd; p++) {
    const col = p * NR;
    const cols = min(NR, n - col);
    const b = b0 + <usize>(p - p0) * panelBytes;
    const step = q8 ? MRQ : MR;
    for (let r = r0; r < rEnd; r += step) {
      const rows = min(step, rEnd - r);
      const c = out + <usize>r * ldc + <usize>col * 4;
      if (q8) tileQ8(x, m, k, r, rows, b, c, ldc, cols);
      else tile(x + <usize>r * lda, lda, 4, rows, b, NR * 4, ZERO_TAP, 1, k, c, ldc, cols, false);
      for (let i = 0; i < rows; i++) {
        const offset = <usize>(r + i) * ldc + <usize>col * 4;
        if (deferred) linearEpilogue(out + offset, bias, col, ACT_NONE, 0, 0, cols);
        else linearEpilogue(out + offset, bias, col, act, scale, residual == 0 ? 0 : residual + offset, cols);
      }
    }
  }
  if (deferred) {
    const col0 = p0 * NR;
    const colEnd = min(pEnd * NR, n);
    for (let r = r0; r < rEnd; r++) {
      for (let col = col0; col < colEnd; col += NR) {
        const offset = <usize>r * ldc + <usize>col * 4;
        linearEpilogue(out + offset, 0, col, act, scale, residual == 0 ? 0 : residual + offset, min(NR, n - col));
      }
    }
  }
}

/** Applies the fused epilogue to 8 (cols valid) outputs of one row at c, starting at column col. */
// @ts-ignore: decorator
@inline function linearEpilogue(c: usize, bias: usize, col: i32, act: i32, scale: usize, residual: usize, cols: i32): void {
  let lo = v128.load(c);
  let hi = v128.load(c, 16);
  const o = <usize>col * 4;
  if (bias != 0) {
    lo = f32x4.add(lo, v128.load(bias + o));
    hi = f32x4.add(hi, v128.load(bias + o, 16));
  }
  lo = activate(lo, act);
  hi = activate(hi, act);
  if (scale != 0) {
    lo = f32x4.mul(lo, v128.load(scale + o));
    hi = f32x4.mul(hi, v128.load(scale + o, 16));
  }
  if (residual != 0) {
    lo = f32x4.add(v128.load(residual), lo);
    hi = f32x4.add(v128.load(residual, 16), hi);
  }
  storeCols(c, lo, hi, cols);
}
