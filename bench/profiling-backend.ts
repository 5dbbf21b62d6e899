// A Backend decorator that times every call of the backend it wraps and counts its work, for
// per-op profiles of a whole forward pass. Ops of the wasm backend are synchronous, so the time
// around a call is the op's time (download is awaited and timed the same way). A WebGPU backend
// only records work during a call: the decorator names each call (`timingLabel`) so that the
// GPU's timestamps can be attributed to it afterwards (see bench/profile.ts).
import type {
  AttentionOptions, Backend, Conv2dOptions, LinearOptions, ResizeOptions, RowRange, Tensor, UploadOptions,
} from '../src/backend/backend.ts';

export interface OpRecord {
  /** Op type, e.g. `linear`, `conv3x3`. */
  op: string;
  /** Shape detail within the type, e.g. `864×768→2304`. */
  detail: string;
  calls: number;
  ms: number;
  flop: number;
  /** Bytes read and written (inputs and outputs once each): the floor for memory-bound ops. */
  bytes: number;
}

const size = (t: Tensor) => t.shape.reduce((a, b) => a * b, 1);
const dims = (t: Tensor) => t.shape.join('×');

export class ProfilingBackend implements Backend {
  readonly name: string;
  readonly inner: Backend;
  readonly #records = new Map<string, OpRecord>();

  constructor(inner: Backend) {
    this.inner = inner;
    this.name = inner.name;
  }

  /** Threads of the wrapped backend, so model summaries report them. */
  get threads(): number {
    const t = (this.inner as { threads?: unknown }).threads;
    return typeof t === 'number' ? t : 1;
  }

  records(): OpRecord[] {
    return [...this.#records.values()];
  }

  reset(): void {
    this.#records.clear();
  }

  #time<T>(op: string, detail: string, flop: number, bytes: number, call: () => T): T {
    if ('timingLabel' in this.inner) (this.inner as { timingLabel: string }).timingLabel = `${op} ${detail}`;
    const start = performance.now();
    const out = call();
    this.#add(op, detail, flop, bytes, performance.now() - start);
    return out;
  }

  #add(op: string, detail: string, flop: number, bytes: number, ms: number): void {
    const key = `${op} ${detail}`;
    let r = this.#records.get(key);
    if (!r) {
      r = { op, detail, calls: 0, ms: 0, flop: 0, bytes: 0 };
      this.#records.set(key, r);
    }
    r.calls++;
    r.ms += ms;
    r.flop += flop;
    r.bytes += bytes;
  }

  upload(data: Float32Array, shape: readonly number[], opts?: UploadOptions): Tensor {
    return this.#time('upload', '', 0, data.byteLength, () => this.inner.upload(data, shape, opts));
  }

  uploadWith(shape: readonly number[], fill: (target: Float32Array) => Promise<void>, opts?: UploadOptions): Promise<Tensor> {
    return this.inner.uploadWith(shape, fill, opts); // loading, not part of a forward
  }

  async download(t: Tensor): Promise<Float32Array> {
    const start = performance.now();
    const out = await this.inner.download(t);
    this.#add('download', '', 0, out.byteLength, performance.now() - start);
    return out;
  }

  release(t: Tensor): void {
    this.#time('release', '', 0, 0, () => this.inner.release(t));
  }

  dispose(): void {
    this.inner.dispose();
  }

  reshape(t: Tensor, shape: readonly number[]): Tensor {
    return this.inner.reshape(t, shape);
  }

  linear(x: Tensor, weight: Tensor, bias: Tensor | undefined, opts?: LinearOptions): Tensor {
    const [n, k] = weight.shape as [number, number];
    const m = size(x) / k;
    const epilogue = `${opts?.activation && opts.activation !== 'none' ? ` +${opts.activation}` : ''}${opts?.residual ? ' +res' : ''}`;
    return this.#time('linear', `${m}×${k}→${n}${epilogue}`, 2 * m * n * k, 4 * (m * k + m * n + n * k),
      () => this.inner.linear(x, weight, bias, opts));
  }

  layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps: number): Tensor {
    return this.#time('layerNorm', dims(x), 0, 8 * size(x), () => this.inner.layerNorm(x, weight, bias, eps));
  }

  attention(qkv: Tensor, opts: AttentionOptions): Tensor {
    const [rows, threeC] = qkv.shape as [number, number];
    const extras = `${opts.qNorm ? ' +qknorm' : ''}${opts.rope ? ' +rope' : ''}`;
    const flop = 4 * rows * opts.seqLen * (threeC / 3);
    return this.#time('attention', `seq ${opts.seqLen} ×${rows / opts.seqLen}${extras}`, flop, 4 * (rows * threeC + rows * threeC / 3),
      () => this.inner.attention(qkv, opts));
  }

  swiglu(x: Tensor): Tensor {
    return this.#time('swiglu', dims(x), 0, 6 * size(x), () => this.inner.swiglu(x));
  }

  gatherRows(ranges: readonly RowRange[]): Tensor {
    const out = this.#time('gatherRows', '', 0, 0, () => this.inner.gatherRows(ranges));
    this.#records.get('gatherRows ')!.bytes += 8 * size(out);
    return out;
  }

  concatCols(a: Tensor, b: Tensor): Tensor {
    return this.#time('concatCols', '', 0, 8 * (size(a) + size(b)), () => this.inner.concatCols(a, b));
  }

  transpose(x: Tensor): Tensor {
    return this.#time('transpose', dims(x), 0, 8 * size(x), () => this.inner.transpose(x));
  }

  add(a: Tensor, b: Tensor): Tensor {
    return this.#time('add', dims(a), 0, 12 * size(a), () => this.inner.add(a, b));
  }

  relu(x: Tensor): Tensor {
    return this.#time('relu', dims(x), 0, 8 * size(x), () => this.inner.relu(x));
  }

  conv2d(x: Tensor, weight: Tensor, bias: Tensor | undefined, opts: Conv2dOptions = {}): Tensor {
    const [cin, h, w] = x.shape as [number, number, number];
    const [cout, , kh, kw] = weight.shape as [number, number, number, number];
    const stride = opts.stride ?? 1, pad = opts.pad ?? 0;
    const ho = Math.floor((h + 2 * pad - kh) / stride) + 1, wo = Math.floor((w + 2 * pad - kw) / stride) + 1;
    const op = `conv${kh}x${kw}${stride > 1 ? ` s${stride}` : ''}`;
    const projected = opts.project?.weight.shape[0] ?? 0;
    const detail = `${cin}→${cout}${projected ? `→1×1→${projected}` : ''} at ${h}×${w}`;
    const flops = 2 * cout * ho * wo * (cin * kh * kw + projected);
    return this.#time(op, detail, flops, 4 * (size(x) + (projected || cout) * ho * wo + size(weight)),
      () => this.inner.conv2d(x, weight, bias, opts));
  }

  convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | undefined): Tensor {
    const [cin, h, w] = x.shape as [number, number, number];
    const [, cout, k] = weight.shape as [number, number, number];
    return this.#time('convTranspose', `${cin}→${cout} ×${k} at ${h}×${w}`, 2 * cin * cout * k * k * h * w, 4 * (size(x) * (1 + cout * k * k / cin)),
      () => this.inner.convTranspose2d(x, weight, bias));
  }

  resizeBilinear(x: Tensor, outH: number, outW: number, opts?: ResizeOptions): Tensor {
    const [c] = x.shape as [number];
    const added = opts?.add ? ' +add' : opts?.addSeparable ? ' +separable add' : '';
    const tables = opts?.addSeparable ? c * (outH + outW) : 0;
    return this.#time('resize', `${dims(x)}→${outH}×${outW}${added}`, 0, 4 * (size(x) + c * outH * outW * (opts?.add ? 2 : 1) + tables),
      () => this.inner.resizeBilinear(x, outH, outW, opts));
  }
}
