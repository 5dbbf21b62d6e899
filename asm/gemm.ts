// Linear layers: out[M,N] = epilogue(x[M,K] · W[N,K]ᵀ). W is packed once into 8-column panels
// (panel p holds W[p·8 .. p·8+7, k] contiguously for each k, zero-padded past N) so the
// micro-kernel reads one 32-byte B row per k.
import { nextTask, ZERO_TAP } from './tasks';
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
  const rowsPerTask = MR * 8;
  const rowBlocks = (m + rowsPerTask - 1) / rowsPerTask;
  const panels = (n + NR - 1) / NR;
  const panelBlocks = (panels + PANELS_PER_TASK - 1) / PANELS_PER_TASK;
  const lda = <usize>k * 4;
  const ldc = <usize>n * 4;
  for (let task = nextTask(); task < rowBlocks * panelBlocks; task = nextTask()) {
    const r0 = (task / panelBlocks) * rowsPerTask;
    const rEnd = min(r0 + rowsPerTask, m);
    const p0 = (task % panelBlocks) * PANELS_PER_TASK;
    const pEnd = min(p0 + PANELS_PER_TASK, panels);
    // GELU is a long dependency chain: applied per tile (8 values) it stalls the FMA pipeline, so
    // it runs afterwards over the task's whole block, where independent rows overlap.
    const deferred = act == ACT_GELU;
    for (let p = p0; p < pEnd; p++) {
      const col = p * NR;
      const cols = min(NR, n - col);
      const b = w + <usize>p * k * NR * 4;
      for (let r = r0; r < rEnd; r += MR) {
        const rows = min(MR, rEnd - r);
        const c = out + <usize>r * ldc + <usize>col * 4;
        tile(x + <usize>r * lda, lda, 4, rows, b, NR * 4, ZERO_TAP, 1, k, c, ldc, cols, false);
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
