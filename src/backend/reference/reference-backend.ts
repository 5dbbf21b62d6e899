// The reference backend: plain TypeScript loops that read like the math. It is the executable
// spec every faster backend is tested against, so clarity wins over speed here. Sums are
// accumulated in float64 and rounded to float32 once per output element.

import type {
  Activation, AttentionOptions, Backend, Conv2dOptions, LinearOptions, ResizeOptions, RowRange, Tensor,
} from '../backend.ts';
import { gelu } from './erf.ts';
import { checkProjection, dims2, dims3 } from '../shape-checks.ts';

class RefTensor implements Tensor {
  readonly shape: readonly number[];
  data: Float32Array;
  constructor(data: Float32Array, shape: readonly number[]) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new Error(`reference: data length ${data.length} does not match shape [${shape}]`);
    this.data = data;
    this.shape = [...shape];
  }
}

function ref(t: Tensor): RefTensor {
  if (!(t instanceof RefTensor)) throw new Error('reference backend: tensor belongs to another backend');
  return t;
}

function activate(x: number, act: Activation | undefined): number {
  if (act === 'relu') return x > 0 ? x : 0;
  if (act === 'gelu') return gelu(x);
  return x;
}

/** Two-pass mean/variance, y = ((x − μ)·r)·w + b with r = 1/√(σ² + eps) (PyTorch's order). */
function layerNormRow(src: Float32Array, off: number, n: number, w: Float32Array, b: Float32Array, eps: number, dst: Float32Array, dstOff: number): void {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += src[off + i];
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) { const d = src[off + i] - mean; variance += d * d; }
  variance /= n;
  const r = 1 / Math.sqrt(variance + eps);
  for (let i = 0; i < n; i++) dst[dstOff + i] = (src[off + i] - mean) * r * w[i] + b[i];
}

export class ReferenceBackend implements Backend {
  readonly name = 'reference';
  readonly description = 'reference (plain TypeScript, float64 sums)';

  /** Weights stay plain arrays here: nothing to convert, so every use remains valid. */
  upload(data: Float32Array, shape: readonly number[]): Tensor {
    return new RefTensor(data.slice(), shape);
  }

  async uploadWith(shape: readonly number[], fill: (target: Float32Array) => Promise<void>): Promise<Tensor> {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    await fill(data);
    return new RefTensor(data, shape);
  }

  async download(t: Tensor): Promise<Float32Array> {
    return ref(t).data.slice();
  }

  release(t: Tensor): void {
    ref(t).data = new Float32Array(0);
  }

  dispose(): void {
    // Tensors are plain typed arrays, reclaimed by the garbage collector.
  }

  reshape(t: Tensor, shape: readonly number[]): Tensor {
    return new RefTensor(ref(t).data, shape);
  }

  linear(x: Tensor, weight: Tensor, bias: Tensor | undefined, opts: LinearOptions = {}): Tensor {
    const [m, k] = dims2(x, 'linear input');
    const [n, kw] = dims2(weight, 'linear weight');
    if (k !== kw) throw new Error(`linear: input has ${k} columns but weight expects ${kw}`);
    const X = ref(x).data, W = ref(weight).data;
    const B = bias ? ref(bias).data : undefined;
    const R = opts.residual ? ref(opts.residual).data : undefined;
    const S = opts.scale ? ref(opts.scale).data : undefined;
    if (R && R.length !== m * n) throw new Error('linear: residual shape does not match the output');
    const out = new Float32Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) acc += X[i * k + p] * W[j * k + p];
        let y = Math.fround(acc + (B ? B[j] : 0));
        y = Math.fround(activate(y, opts.activation));
        if (S) y = Math.fround(y * S[j]);
        out[i * n + j] = R ? R[i * n + j] + y : y;
      }
    }
    return new RefTensor(out, [m, n]);
  }

  layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps: number): Tensor {
    const n = x.shape[x.shape.length - 1];
    const X = ref(x).data;
    const out = new Float32Array(X.length);
    for (let off = 0; off < X.length; off += n) layerNormRow(X, off, n, ref(weight).data, ref(bias).data, eps, out, off);
    return new RefTensor(out, x.shape);
  }

  attention(qkv: Tensor, opts: AttentionOptions): Tensor {
    const [rows, c3] = dims2(qkv, 'attention qkv');
    const c = c3 / 3, d = c / opts.heads, L = opts.seqLen;
    if (!Number.isInteger(d) || rows % L !== 0) throw new Error(`attention: qkv [${rows}, ${c3}] does not split into ${opts.heads} heads and sequences of ${L}`);
    const QKV = ref(qkv).data;
    const out = new Float32Array(rows * c);
    const q = new Float32Array(L * d), kk = new Float32Array(L * d), v = new Float32Array(L * d);
    const scores = new Float64Array(L);
    const scale = 1 / Math.sqrt(d);
    for (let s0 = 0; s0 < rows; s0 += L) {
      for (let h = 0; h < opts.heads; h++) {
        for (let t = 0; t < L; t++) {
          const base = (s0 + t) * c3 + h * d;
          for (let e = 0; e < d; e++) {
            q[t * d + e] = QKV[base + e];
            kk[t * d + e] = QKV[base + c + e];
            v[t * d + e] = QKV[base + 2 * c + e];
          }
          if (opts.qNorm) layerNormRow(q, t * d, d, ref(opts.qNorm.weight).data, ref(opts.qNorm.bias).data, opts.normEps ?? 1e-5, q, t * d);
          if (opts.kNorm) layerNormRow(kk, t * d, d, ref(opts.kNorm.weight).data, ref(opts.kNorm.bias).data, opts.normEps ?? 1e-5, kk, t * d);
          if (opts.rope) {
            applyRope(q, t * d, d, ref(opts.rope.cos).data, ref(opts.rope.sin).data, t * d);
            applyRope(kk, t * d, d, ref(opts.rope.cos).data, ref(opts.rope.sin).data, t * d);
          }
        }
        for (let i = 0; i < L; i++) {
          let max = -Infinity;
          for (let j = 0; j < L; j++) {
            let dot = 0;
            for (let e = 0; e < d; e++) dot += q[i * d + e] * kk[j * d + e];
            scores[j] = dot * scale;
            if (scores[j] > max) max = scores[j];
          }
          let sum = 0;
          for (let j = 0; j < L; j++) { scores[j] = Math.exp(scores[j] - max); sum += scores[j]; }
          for (let e = 0; e < d; e++) {
            let acc = 0;
            for (let j = 0; j < L; j++) acc += scores[j] * v[j * d + e];
            out[(s0 + i) * c + h * d + e] = acc / sum;
          }
        }
      }
    }
    return new RefTensor(out, [rows, c]);
  }

  swiglu(x: Tensor): Tensor {
    const [m, n2] = dims2(x, 'swiglu');
    const n = n2 / 2;
    const X = ref(x).data;
    const out = new Float32Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const a = X[i * n2 + j], b = X[i * n2 + n + j];
        out[i * n + j] = Math.fround(a / (1 + Math.exp(-a))) * b;
      }
    }
    return new RefTensor(out, [m, n]);
  }

  gatherRows(ranges: readonly RowRange[]): Tensor {
    if (ranges.length === 0) throw new Error('gatherRows: no ranges');
    const cols = ranges[0].tensor.shape[1];
    const total = ranges.reduce((a, r) => a + r.count, 0);
    const out = new Float32Array(total * cols);
    let row = 0;
    for (const r of ranges) {
      const [rows, rc] = dims2(r.tensor, 'gatherRows');
      if (rc !== cols || r.start < 0 || r.start + r.count > rows) throw new Error(`gatherRows: range [${r.start}, +${r.count}) of [${rows}, ${rc}] is invalid`);
      out.set(ref(r.tensor).data.subarray(r.start * cols, (r.start + r.count) * cols), row * cols);
      row += r.count;
    }
    return new RefTensor(out, [total, cols]);
  }

  concatCols(a: Tensor, b: Tensor): Tensor {
    const [m, na] = dims2(a, 'concatCols'), [mb, nb] = dims2(b, 'concatCols');
    if (m !== mb) throw new Error(`concatCols: row counts differ (${m} vs ${mb})`);
    const A = ref(a).data, B = ref(b).data;
    const out = new Float32Array(m * (na + nb));
    for (let i = 0; i < m; i++) {
      out.set(A.subarray(i * na, (i + 1) * na), i * (na + nb));
      out.set(B.subarray(i * nb, (i + 1) * nb), i * (na + nb) + na);
    }
    return new RefTensor(out, [m, na + nb]);
  }

  transpose(x: Tensor): Tensor {
    const [m, n] = dims2(x, 'transpose');
    const X = ref(x).data;
    const out = new Float32Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = X[i * n + j];
    return new RefTensor(out, [n, m]);
  }

  add(a: Tensor, b: Tensor): Tensor {
    const A = ref(a).data, B = ref(b).data;
    if (A.length !== B.length) throw new Error(`add: shapes [${a.shape}] and [${b.shape}] differ`);
    const out = new Float32Array(A.length);
    for (let i = 0; i < A.length; i++) out[i] = A[i] + B[i];
    return new RefTensor(out, a.shape);
  }

  relu(x: Tensor): Tensor {
    const X = ref(x).data;
    return new RefTensor(X.map((v) => (v > 0 ? v : 0)), x.shape);
  }

  conv2d(x: Tensor, weight: Tensor, bias: Tensor | undefined, opts: Conv2dOptions = {}): Tensor {
    if (opts.project) {
      const { project, ...conv } = opts;
      checkProjection(project, weight);
      return this.conv2d(this.conv2d(x, weight, bias, conv), project.weight, project.bias);
    }
    const [ci, h, w] = dims3(x, 'conv2d input');
    const [co, wci, kh, kw] = weight.shape;
    if (weight.shape.length !== 4 || wci !== ci) throw new Error(`conv2d: weight [${weight.shape}] does not fit input [${x.shape}]`);
    const stride = opts.stride ?? 1, pad = opts.pad ?? 0;
    const ho = Math.floor((h + 2 * pad - kh) / stride) + 1, wo = Math.floor((w + 2 * pad - kw) / stride) + 1;
    const X = opts.reluInput ? ref(this.relu(x)).data : ref(x).data;
    const W = ref(weight).data, B = bias ? ref(bias).data : undefined;
    const R = opts.residual ? ref(opts.residual).data : undefined;
    if (R && R.length !== co * ho * wo) throw new Error('conv2d: residual shape does not match the output');
    const out = new Float32Array(co * ho * wo);
    const acc = new Float64Array(ho * wo);
    for (let o = 0; o < co; o++) {
      acc.fill(0);
      for (let c = 0; c < ci; c++) {
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const wv = W[((o * ci + c) * kh + ky) * kw + kx];
            for (let oy = 0; oy < ho; oy++) {
              const iy = oy * stride + ky - pad;
              if (iy < 0 || iy >= h) continue;
              const rowBase = (c * h + iy) * w;
              for (let ox = 0; ox < wo; ox++) {
                const ix = ox * stride + kx - pad;
                if (ix >= 0 && ix < w) acc[oy * wo + ox] += wv * X[rowBase + ix];
              }
            }
          }
        }
      }
      for (let i = 0; i < ho * wo; i++) {
        const y = Math.fround(activate(Math.fround(acc[i] + (B ? B[o] : 0)), opts.activation));
        out[o * ho * wo + i] = R ? R[o * ho * wo + i] + y : y;
      }
    }
    return new RefTensor(out, [co, ho, wo]);
  }

  convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | undefined): Tensor {
    const [ci, h, w] = dims3(x, 'convTranspose2d input');
    const [wci, co, kh, kw] = weight.shape;
    if (weight.shape.length !== 4 || wci !== ci) throw new Error(`convTranspose2d: weight [${weight.shape}] does not fit input [${x.shape}]`);
    const X = ref(x).data, W = ref(weight).data, B = bias ? ref(bias).data : undefined;
    const ho = h * kh, wo = w * kw;
    const out = new Float32Array(co * ho * wo);
    for (let o = 0; o < co; o++) {
      for (let y = 0; y < h; y++) {
        for (let xx = 0; xx < w; xx++) {
          for (let a = 0; a < kh; a++) {
            for (let b = 0; b < kw; b++) {
              let acc = 0;
              for (let c = 0; c < ci; c++) acc += X[(c * h + y) * w + xx] * W[((c * co + o) * kh + a) * kw + b];
              out[(o * ho + y * kh + a) * wo + xx * kw + b] = acc + (B ? B[o] : 0);
            }
          }
        }
      }
    }
    return new RefTensor(out, [co, ho, wo]);
  }

  resizeBilinear(x: Tensor, outH: number, outW: number, opts: ResizeOptions = {}): Tensor {
    const [c, h, w] = dims3(x, 'resizeBilinear input');
    const X = ref(x).data;
    const ys = alignCornersTaps(h, outH), xs = alignCornersTaps(w, outW);
    const out = new Float32Array(c * outH * outW);
    for (let ch = 0; ch < c; ch++) {
      const plane = ch * h * w;
      for (let oy = 0; oy < outH; oy++) {
        const y0 = ys.i0[oy], y1 = ys.i1[oy], ly = ys.lambda[oy];
        for (let ox = 0; ox < outW; ox++) {
          const x0 = xs.i0[ox], x1 = xs.i1[ox], lx = xs.lambda[ox];
          const top = (1 - lx) * X[plane + y0 * w + x0] + lx * X[plane + y0 * w + x1];
          const bottom = (1 - lx) * X[plane + y1 * w + x0] + lx * X[plane + y1 * w + x1];
          out[(ch * outH + oy) * outW + ox] = (1 - ly) * top + ly * bottom;
        }
      }
    }
    if (opts.addSeparable) {
      const { x: tx, y: ty, split } = opts.addSeparable;
      const ax = ref(tx).data, ay = ref(ty).data;
      if (ax.length !== c * outW || ay.length !== c * outH) {
        throw new Error(`reference backend: resizeBilinear addSeparable needs [${c}, 1, ${outW}] and [${c}, ${outH}, 1]`);
      }
      for (let ch = 0; ch < c; ch++) {
        for (let oy = 0; oy < outH; oy++) {
          for (let ox = 0; ox < outW; ox++) out[(ch * outH + oy) * outW + ox] += ch < split ? ax[ch * outW + ox] : ay[ch * outH + oy];
        }
      }
    }
    const resized = new RefTensor(out, [c, outH, outW]);
    return opts.add ? this.add(resized, opts.add) : resized;
  }
}

/** Rotate-half RoPE on one head vector in place: each half (y, then x) pairs j with j + F/2. */
function applyRope(v: Float32Array, off: number, d: number, cos: Float32Array, sin: Float32Array, tableOff: number): void {
  const half = d / 2, quarter = d / 4;
  const src = v.slice(off, off + d);
  for (let k = 0; k < d; k++) {
    const j = k % half, base = k - j;
    const rotated = j < quarter ? -src[base + j + quarter] : src[base + j - quarter];
    v[off + k] = Math.fround(src[k] * cos[tableOff + k]) + Math.fround(rotated * sin[tableOff + k]);
  }
}

/**
 * Source taps of PyTorch's bilinear interpolation with align_corners=True, computed in float32
 * as ATen does: scale = (in−1)/(out−1), s = scale·o, i0 = floor(s), λ = s − i0.
 */
export function alignCornersTaps(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; lambda: Float32Array } {
  const i0 = new Int32Array(outSize), i1 = new Int32Array(outSize), lambda = new Float32Array(outSize);
  const scale = outSize > 1 ? Math.fround((inSize - 1) / (outSize - 1)) : 0;
  for (let o = 0; o < outSize; o++) {
    if (inSize === outSize) { i0[o] = i1[o] = o; lambda[o] = 0; continue; }
    const s = Math.fround(scale * o);
    const f = Math.min(Math.floor(s), inSize - 1);
    i0[o] = f;
    i1[o] = f + (f < inSize - 1 ? 1 : 0);
    lambda[o] = Math.min(Math.max(Math.fround(s - f), 0), 1);
  }
  return { i0, i1, lambda };
}
