// LayerNorm over the last dimension, two-pass in f32 like PyTorch's CPU kernel:
// out = ((x − μ)·r)·w + b with r = 1/√(σ² + eps), σ² the biased variance.
import { nextTask } from './tasks';

const ROWS_PER_TASK = 8;

// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** One row: dst[0..n) = LayerNorm(src[0..n)) with weight w and bias b (dst may be src). */
// @ts-ignore: decorator
@inline export function layerNormRow(src: usize, dst: usize, n: i32, w: usize, b: usize, eps: f32): void {
  const n4 = n & ~3;
  let acc = f32x4.splat(0);
  for (let j = 0; j < n4; j += 4) acc = f32x4.add(acc, v128.load(src + <usize>j * 4));
  let sum = hsum(acc);
  for (let j = n4; j < n; j++) sum += load<f32>(src + <usize>j * 4);
  const mean = sum / <f32>n;
  const mv = f32x4.splat(mean);
  acc = f32x4.splat(0);
  for (let j = 0; j < n4; j += 4) {
    const t = f32x4.sub(v128.load(src + <usize>j * 4), mv);
    acc = f32x4.add(acc, f32x4.mul(t, t));
  }
  let sq = hsum(acc);
  for (let j = n4; j < n; j++) {
    const t = load<f32>(src + <usize>j * 4) - mean;
    sq += t * t;
  }
  const rstd: f32 = 1 / sqrt<f32>(sq / <f32>n + eps);
  const rv = f32x4.splat(rstd);
  for (let j = 0; j < n4; j += 4) {
    const o = <usize>j * 4;
    const t = f32x4.mul(f32x4.sub(v128.load(src + o), mv), rv);
    v128.store(dst + o, f32x4.add(f32x4.mul(t, v128.load(w + o)), v128.load(b + o)));
  }
  for (let j = n4; j < n; j++) {
    const o = <usize>j * 4;
    store<f32>(dst + o, (load<f32>(src + o) - mean) * rstd * load<f32>(w + o) + load<f32>(b + o));
  }
}

export function layerNorm(x: usize, rows: i32, cols: i32, w: usize, b: usize, eps: f32, out: usize): void {
  const tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
  for (let task = nextTask(); task < tasks; task = nextTask()) {
    const rEnd = min(rows, (task + 1) * ROWS_PER_TASK);
    for (let r = task * ROWS_PER_TASK; r < rEnd; r++) {
      layerNormRow(x + <usize>r * cols * 4, out + <usize>r * cols * 4, cols, w, b, eps);
    }
  }
}
