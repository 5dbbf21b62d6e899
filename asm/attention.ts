// Multi-head self-attention, flash style: per (sequence, head, tile of queries) the keys are
// visited in blocks with an online softmax (running max m and sum l per query), so no more than
// a QT×KB block of scores ever exists. Both products run on the shared micro-kernel.
//
// attentionPrepare first rewrites q, k, v per (sequence, head) into kernel-friendly layouts,
// applying the optional QK-norm and RoPE on the way:
//   q  [bh][seq][d]           pre-multiplied by the softmax scale
//   k  [bh][seq/8][d][8]      8-key panels (zero-padded), the B operand of q·kᵀ
//   v  [bh][seq][dp]          dp = d rounded up to 8, zero-padded, the B operand of p·v
import { nextTask, threadSlot, ZERO_TAP } from './tasks';
import { MR, tile } from './tile';
import { layerNormRow } from './norm';
import { exp4 } from './vmath';

/** Queries per task. */
export const QT: i32 = MR * 8;
/** Keys per online-softmax step: DA3's sequences (≤ 1024 tokens per view) take one step. */
export const KB: i32 = 1024;

/** Private scratch each thread needs: one QT×KB score block plus m and l. */
export function attentionScratchBytes(): i32 {
  return (QT * KB + 2 * QT) * 4;
}

/**
 * On the d contiguous values at p: LayerNorm when w != 0, then rotate-half RoPE per half
 * (pairs (j, j+d/4) inside each half) when cos != 0, then the scale. Four lanes at a time.
 */
// @ts-ignore: decorator
@inline function normRopeScale(p: usize, d: i32, w: usize, b: usize, eps: f32, cos: usize, sin: usize, scale: f32): void {
  const d4 = d & ~3;
  if (w != 0) layerNormRow(p, p, d, w, b, eps);
  if (cos != 0) {
    const half = d >> 1;
    const quarter = d >> 2;
    const q4 = quarter & ~3;
    for (let h = 0; h < d; h += half) {
      for (let j = h; j < h + q4; j += 4) {
        const o1 = <usize>j * 4;
        const o2 = <usize>(j + quarter) * 4;
        const x1 = v128.load(p + o1);
        const x2 = v128.load(p + o2);
        v128.store(p + o1, f32x4.sub(f32x4.mul(x1, v128.load(cos + o1)), f32x4.mul(x2, v128.load(sin + o1))));
        v128.store(p + o2, f32x4.add(f32x4.mul(x2, v128.load(cos + o2)), f32x4.mul(x1, v128.load(sin + o2))));
      }
      for (let j = h + q4; j < h + quarter; j++) {
        const o1 = <usize>j * 4;
        const o2 = <usize>(j + quarter) * 4;
        const x1 = load<f32>(p + o1);
        const x2 = load<f32>(p + o2);
        store<f32>(p + o1, x1 * load<f32>(cos + o1) - x2 * load<f32>(sin + o1));
        store<f32>(p + o2, x2 * load<f32>(cos + o2) + x1 * load<f32>(sin + o2));
      }
    }
  }
  if (scale != 1) {
    const sv = f32x4.splat(scale);
    for (let j = 0; j < d4; j += 4) v128.store(p + <usize>j * 4, f32x4.mul(v128.load(p + <usize>j * 4), sv));
    for (let j = d4; j < d; j++) store<f32>(p + <usize>j * 4, load<f32>(p + <usize>j * 4) * scale);
  }
}

/**
 * qkv [rows, 3C] (q | k | v, heads contiguous) → the q, k, v layouts above. Norm weights,
 * cos/sin ([seq, d]) are optional (0). Tasks: one per token row.
 */
export function attentionPrepare(
  qkv: usize, rows: i32, c: i32, heads: i32, seq: i32,
  qw: usize, qb: usize, kw: usize, kb: usize, eps: f32, cos: usize, sin: usize, scale: f32,
  qDst: usize, kDst: usize, vDst: usize,
): void {
  const d = c / heads;
  const dp = (d + 7) & ~7;
  const kPanels = (seq + 7) >> 3;
  for (let row = nextTask(); row < rows; row = nextTask()) {
    const seqIndex = row / seq;
    const s = row % seq;
    const cs: usize = cos == 0 ? 0 : cos + <usize>s * d * 4;
    const sn: usize = sin == 0 ? 0 : sin + <usize>s * d * 4;
    for (let h = 0; h < heads; h++) {
      const src = qkv + (<usize>row * 3 * c + <usize>h * d) * 4;
      const bh = <usize>(seqIndex * heads + h);
      const q = qDst + ((bh * seq + s) * d) * 4;
      memory.copy(q, src, <usize>d * 4);
      normRopeScale(q, d, qw, qb, eps, cs, sn, scale);
      // k is normalised contiguously in v's slot, then spread into its panel column.
      const v = vDst + ((bh * seq + s) * dp) * 4;
      memory.copy(v, src + <usize>c * 4, <usize>d * 4);
      normRopeScale(v, d, kw, kb, eps, cs, sn, 1);
      const k = kDst + ((bh * kPanels + (s >> 3)) * d * 8 + (s & 7)) * 4;
      for (let j = 0; j < d; j++) store<f32>(k + <usize>j * 32, load<f32>(v + <usize>j * 4));
      memory.copy(v, src + <usize>c * 8, <usize>d * 4);
      memory.fill(v + <usize>d * 4, 0, <usize>(dp - d) * 4);
    }
  }
}

/** Zeroes the k panel slots of the padding keys (seq..8·⌈seq/8⌉) so their scores are finite. */
export function attentionPadKeys(kDst: usize, bhCount: i32, seq: i32, d: i32): void {
  const kPanels = (seq + 7) >> 3;
  if ((seq & 7) == 0) return;
  for (let bh = nextTask(); bh < bhCount; bh = nextTask()) {
    const panel = kDst + ((<usize>bh * kPanels + kPanels - 1) * d * 8) * 4;
    for (let j = 0; j < d; j++) {
      for (let s = seq & 7; s < 8; s++) store<f32>(panel + (<usize>j * 8 + s) * 4, 0);
    }
  }
}

/**
 * out [batch·seq, C] (heads contiguous) = softmax(q·kᵀ)·v from the prepared layouts.
 * `scratch` holds attentionScratchBytes() per thread. Tasks: (sequence·head, query tile).
 */
export function attention(
  q: usize, k: usize, v: usize, batch: i32, heads: i32, seq: i32, d: i32,
  out: usize, scratch: usize,
): void {
  const dp = (d + 7) & ~7;
  const c = heads * d;
  const ldo = <usize>c * 4;
  const kPanels = (seq + 7) >> 3;
  const tiles = (seq + QT - 1) / QT;
  const scores = scratch + <usize>threadSlot() * attentionScratchBytes();
  const maxes = scores + <usize>QT * KB * 4;
  const sums = maxes + <usize>QT * 4;
  const lds = <usize>KB * 4;
  for (let task = nextTask(); task < batch * heads * tiles; task = nextTask()) {
    const bh = task / tiles;
    const i0 = (task % tiles) * QT;
    const nq = min(QT, seq - i0);
    const qBase = q + (<usize>bh * seq + i0) * d * 4;
    const o = out + (<usize>(bh / heads) * seq + i0) * ldo + <usize>(bh % heads) * d * 4;
    for (let r = 0; r < nq; r++) {
      memory.fill(o + <usize>r * ldo, 0, <usize>d * 4);
      store<f32>(maxes + <usize>r * 4, -Infinity);
      store<f32>(sums + <usize>r * 4, 0);
    }
    for (let key0 = 0; key0 < seq; key0 += KB) {
      const nk = min(KB, seq - key0);
      for (let p = 0; p < (nk + 7) >> 3; p++) {
        const panel = k + ((<usize>bh * kPanels + (key0 >> 3) + p) * d * 8) * 4;
        for (let r = 0; r < nq; r += MR) {
          tile(qBase + <usize>r * d * 4, <usize>d * 4, 4, min(MR, nq - r), panel, 32, ZERO_TAP, 1, d,
            scores + <usize>r * lds + <usize>p * 32, lds, 8, false);
        }
      }
      for (let r = 0; r < nq; r++) {
        onlineSoftmaxRow(scores + <usize>r * lds, nk, maxes + <usize>r * 4, sums + <usize>r * 4, o + <usize>r * ldo, d);
      }
      const vBlock = v + (<usize>bh * seq + key0) * dp * 4;
      for (let col = 0; col < d; col += 8) {
        for (let r = 0; r < nq; r += MR) {
          tile(scores + <usize>r * lds, lds, 4, min(MR, nq - r), vBlock + <usize>col * 4, <usize>dp * 4, ZERO_TAP, 1, nk,
            o + <usize>r * ldo + <usize>col * 4, ldo, min(8, d - col), true);
        }
      }
    }
    for (let r = 0; r < nq; r++) scaleRow(o + <usize>r * ldo, d, 1, load<f32>(sums + <usize>r * 4));
  }
}

/**
 * One query's step of the online softmax over nk new scores: p = e^(s − m_new) in place,
 * l = l·e^(m − m_new) + Σp, and the output row so far rescaled by e^(m − m_new).
 */
// @ts-ignore: decorator
@inline function onlineSoftmaxRow(s: usize, nk: i32, mPtr: usize, lPtr: usize, o: usize, d: i32): void {
  const n4 = nk & ~3;
  let mv = f32x4.splat(-Infinity);
  for (let j = 0; j < n4; j += 4) mv = f32x4.max(mv, v128.load(s + <usize>j * 4));
  let mx = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
  for (let j = n4; j < nk; j++) mx = max(mx, load<f32>(s + <usize>j * 4));
  const mOld = load<f32>(mPtr);
  const mNew = max(mOld, mx);
  const mSplat = f32x4.splat(mNew);
  let sv = f32x4.splat(0);
  for (let j = 0; j < n4; j += 4) {
    const e = exp4(f32x4.sub(v128.load(s + <usize>j * 4), mSplat));
    v128.store(s + <usize>j * 4, e);
    sv = f32x4.add(sv, e);
  }
  let sum = (f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1)) + (f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3));
  for (let j = n4; j < nk; j++) {
    const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(s + <usize>j * 4) - mNew)), 0);
    store<f32>(s + <usize>j * 4, e);
    sum += e;
  }
  const alpha = mOld == -Infinity ? <f32>0 : f32x4.extract_lane(exp4(f32x4.splat(mOld - mNew)), 0);
  store<f32>(lPtr, load<f32>(lPtr) * alpha + sum);
  store<f32>(mPtr, mNew);
  // The first step's output row is still zero: nothing to rescale.
  if (mOld != -Infinity && alpha != 1) scaleRow(o, d, alpha, 1);
}

/** The d values at p times mul, divided by div (d a multiple of 4 in f32x4 steps, the rest scalar). */
// @ts-ignore: decorator
@inline function scaleRow(p: usize, d: i32, mul: f32, div: f32): void {
  const mv = f32x4.splat(mul), dv = f32x4.splat(div);
  const d4 = d & ~3;
  for (let j = 0; j < d4; j += 4) v128.store(p + <usize>j * 4, f32x4.div(f32x4.mul(v128.load(p + <usize>j * 4), mv), dv));
  for (let j = d4; j < d; j++) store<f32>(p + <usize>j * 4, load<f32>(p + <usize>j * 4) * mul / div);
}
