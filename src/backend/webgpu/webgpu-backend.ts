// The WebGPU backend: tensors are GPU storage buffers (recycled through a pool), ops record
// compute dispatches of the WGSL kernels in kernels/ into batched command buffers, and nothing
// comes back to the CPU until `download`. Weights are written once, streamed from their source
// into mapped-at-creation buffers (no whole-model copy in JS memory). F16 weights stay 16-bit
// (packed two per word) and are widened inside the GEMM; `weightPrecision: 'f16'` also narrows
// f32 linear weights on first use. All arithmetic is f32.
import type {
  AttentionOptions, Backend, Conv2dOptions, LinearOptions, ResizeOptions, RowRange, Tensor, UploadOptions,
} from '../backend.ts';
import { alignCornersTaps } from '../reference/reference-backend.ts';
import { ACT_GELU, ACT_NONE, ACT_RELU } from '../../../kernels/activation.ts';
import { ATTENTION_QUERY_TILE, attentionShader } from '../../../kernels/attention.ts';
import { concatColsShader } from '../../../kernels/concat-cols.ts';
import { CONVT_HAS_BIAS, convTranspose2dShader } from '../../../kernels/conv-transpose2d.ts';
import { CONV_HAS_BIAS, CONV_HAS_RESIDUAL, CONV_RELU_INPUT, conv2dShader } from '../../../kernels/conv2d.ts';
import { addShader, reluShader, swigluShader } from '../../../kernels/elementwise.ts';
import { GEMM_PARAM_WORDS, pickGemmTile, type GemmKernel } from '../../../kernels/gemm.ts';
import { ELEMENTWISE_WORKGROUP } from '../../../kernels/grid.ts';
import { narrowHalfShader, widenHalfShader } from '../../../kernels/half.ts';
import { layerNormShader } from '../../../kernels/layer-norm.ts';
import { LINEAR_HAS_BIAS, LINEAR_HAS_RESIDUAL, LINEAR_HAS_SCALE, linearHalfWeightShader, linearShader } from '../../../kernels/linear.ts';
import { QK_HAS_K_NORM, QK_HAS_Q_NORM, QK_HAS_ROPE, qkNormRopeShader } from '../../../kernels/qk-norm-rope.ts';
import { RESIZE_ADD, RESIZE_ADD_SEPARABLE, resizeBilinearShader } from '../../../kernels/resize-bilinear.ts';
import { TRANSPOSE_TILE, transposeShader } from '../../../kernels/transpose.ts';
import { BufferPool, USAGE_COPY_DST, USAGE_MAP_READ } from './buffer-pool.ts';
import { CommandRecorder, type Binding } from './command-recorder.ts';
import { acquireDevice, type DeviceRequest } from './device.ts';
import { checkProjection, dims2, dims3, elementCount } from '../shape-checks.ts';
import { webgpuKeepsStored } from './kept-types.ts';

export interface WebGpuBackendOptions extends DeviceRequest {
  /** A device of the caller's: used as is, and not destroyed by dispose(). */
  device?: GPUDevice;
  /**
   * Storage of linear (matmul) weights. 'f32' (default): as the file has them (F16 tensors stay
   * 16-bit either way, exactly). 'f16': f32 weights are also rounded to half precision on first
   * use, halving their memory and bandwidth at a small accuracy cost (measured in the README).
   */
  weightPrecision?: 'f32' | 'f16';
}

export interface WebGpuBackend extends Backend {
  readonly device: GPUDevice;
  /** The adapter as it describes itself ("vendor architecture description"). */
  readonly adapterName: string;
  readonly isFallbackAdapter: boolean;
  /** Bytes of GPU buffers currently allocated for tensors (live and pooled). */
  readonly gpuBytes: number;
  /** Dispatches recorded since creation. */
  readonly dispatchCount: number;
  /** Whether the device can time dispatches (the adapter has 'timestamp-query'). */
  readonly canTime: boolean;
  /** Profiling: time every dispatch on the GPU from now on, under the current `timingLabel`. */
  startTiming(): void;
  /** Ends profiling: GPU milliseconds per label. */
  stopTiming(): Promise<Map<string, number>>;
  /** The label dispatches are timed under (e.g. set per op by a profiler). */
  timingLabel: string;
}

const DEFAULT_QK_NORM_EPS = 1e-5;
const MAX_GROUPS = 65535;
const ACTIVATIONS = { none: ACT_NONE, relu: ACT_RELU, gelu: ACT_GELU } as const;

/** A buffer and the handles viewing it; released once, by any of them. */
class Storage {
  buffer: GPUBuffer | null;
  /** Values are packed halves (two per u32 word) instead of f32. */
  half: boolean;
  /** Uploaded as a model weight (may be narrowed to halves in the f16 weight mode). */
  readonly weight: boolean;
  constructor(buffer: GPUBuffer, half: boolean, weight: boolean) {
    this.buffer = buffer;
    this.half = half;
    this.weight = weight;
  }
}

class GpuTensor implements Tensor {
  readonly shape: readonly number[];
  readonly size: number;
  readonly storage: Storage;
  constructor(storage: Storage, shape: readonly number[]) {
    this.storage = storage;
    this.shape = [...shape];
    this.size = shape.reduce((a, b) => a * b, 1);
  }
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);
/** The bits of a float32, for a uniform word. */
function f32bits(x: number): number {
  f32Scratch[0] = x;
  return u32Scratch[0];
}

/** Bytes bound for n values as f32, or as packed halves (at least one word: empty bindings are invalid). */
const f32Bytes = (n: number) => Math.max(n, 1) * 4;
const halfBytes = (n: number) => Math.ceil(Math.max(n, 1) / 2) * 4;

/** Workgroup counts for `groups` 1-D workgroups, folded into y past the 65535 limit. */
function foldedGrid(groups: number): [number, number, number] {
  if (groups <= MAX_GROUPS) return [Math.max(groups, 1), 1, 1];
  return [MAX_GROUPS, Math.ceil(groups / MAX_GROUPS), 1];
}

export async function createWebGpuBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  const halfWeights = options.weightPrecision === 'f16';
  if (options.weightPrecision !== undefined && options.weightPrecision !== 'f32' && !halfWeights) {
    throw new Error(`webgpu: weightPrecision must be 'f32' or 'f16', got '${String(options.weightPrecision)}'`);
  }
  if (options.device) return new WebGpuBackendImpl(options.device, 'caller-supplied device', false, false, halfWeights);
  const acquired = await acquireDevice(options);
  try {
    const backend = new WebGpuBackendImpl(acquired.device, acquired.adapterName, acquired.isFallbackAdapter, true, halfWeights);
    await backend.precompile();
    return backend;
  } catch (e) {
    acquired.device.destroy();
    throw e;
  }
}

class WebGpuBackendImpl implements WebGpuBackend {
  readonly name = 'webgpu';
  readonly device: GPUDevice;
  readonly adapterName: string;
  readonly isFallbackAdapter: boolean;
  private readonly ownsDevice: boolean;
  private readonly pool: BufferPool;
  private readonly recorder: CommandRecorder;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly live = new Set<Storage>();
  private readonly taps = new Map<string, GpuTensor>();
  private readonly dummy: GPUBuffer;
  private readonly halfWeights: boolean;
  /** Widened copies of half tensors bound by the op being recorded; released after its dispatch. */
  private scratch: GpuTensor[] = [];
  private failure: string | undefined;
  private disposed = false;

  constructor(device: GPUDevice, adapterName: string, isFallbackAdapter: boolean, ownsDevice: boolean, halfWeights: boolean) {
    this.device = device;
    this.halfWeights = halfWeights;
    this.adapterName = adapterName;
    this.isFallbackAdapter = isFallbackAdapter;
    this.ownsDevice = ownsDevice;
    this.pool = new BufferPool(device);
    this.recorder = new CommandRecorder(device);
    this.dummy = device.createBuffer({ size: 16, usage: 0x80 });
    // Errors surface as exceptions from the next op or download. preventDefault keeps Dawn from
    // also printing them to stdout (where a CLI may be writing image bytes).
    device.addEventListener('uncapturederror', (event) => {
      event.preventDefault();
      this.failure ??= `webgpu: ${(event as GPUUncapturedErrorEvent).error.message}`;
    });
    void device.lost.then((info) => {
      if (!this.disposed) this.failure ??= `webgpu: device lost (${info.reason}): ${info.message || 'no message'}`;
    });
  }

  get description(): string {
    return `webgpu (${this.adapterName}${this.isFallbackAdapter ? ', software adapter' : ''}${this.halfWeights ? ', f16 weights' : ''})`;
  }

  keepsStored(type: number): boolean {
    return webgpuKeepsStored(type);
  }

  get canTime(): boolean {
    return this.device.features.has('timestamp-query');
  }

  get timingLabel(): string {
    return this.recorder.label;
  }

  set timingLabel(label: string) {
    this.recorder.label = label;
  }

  startTiming(): void {
    if (!this.canTime) throw new Error('webgpu: this device cannot time dispatches (no timestamp-query feature)');
    this.check();
    this.recorder.startTiming();
  }

  stopTiming(): Promise<Map<string, number>> {
    return this.recorder.stopTiming();
  }

  get gpuBytes(): number {
    return this.pool.allocatedBytes;
  }

  get dispatchCount(): number {
    return this.recorder.dispatches;
  }

  /** Compiles the shape-independent pipelines up front, in parallel (first-run stalls otherwise). */
  async precompile(): Promise<void> {
    const sources = [...[linearShader, linearHalfWeightShader, conv2dShader, convTranspose2dShader].flatMap((k) => [k.small, k.large]), widenHalfShader, layerNormShader, addShader, reluShader, swigluShader,
      transposeShader, concatColsShader, resizeBilinearShader, attentionShader(64), qkNormRopeShader(64)];
    await Promise.all(sources.map(async (code) => {
      if (!this.pipelines.has(code)) this.pipelines.set(code, await this.device.createComputePipelineAsync(this.pipelineDescriptor(code)));
    }));
  }

  // ---- tensors ----

  upload(data: Float32Array, shape: readonly number[], opts: UploadOptions = {}): Tensor {
    const size = elementCount(shape, 'webgpu');
    if (data.length !== size) throw new Error(`webgpu: upload of ${data.length} values does not match shape [${shape}]`);
    this.check();
    this.checkBindingSize(size, shape);
    const { buffer, range } = this.pool.createMapped(f32Bytes(size));
    new Float32Array(range).set(data);
    buffer.unmap();
    return this.adopt(buffer, size, shape, false, opts.weight === true);
  }

  async uploadWith(shape: readonly number[], fill: (target: Float32Array) => Promise<void>, opts: UploadOptions = {}): Promise<Tensor> {
    const size = elementCount(shape, 'webgpu');
    this.check();
    this.checkBindingSize(size, shape);
    const half = opts.weight === true && opts.stored !== undefined && this.keepsStored(opts.stored.type);
    const { buffer, range } = this.pool.createMapped(half ? halfBytes(size) : f32Bytes(size));
    try {
      if (half) await opts.stored!.fill(new Uint8Array(range, 0, size * 2));
      else await fill(new Float32Array(range, 0, size));
    } catch (e) {
      buffer.unmap();
      buffer.destroy();
      this.pool.allocatedBytes -= buffer.size;
      throw e;
    }
    buffer.unmap();
    return this.adopt(buffer, size, shape, half, opts.weight === true);
  }

  async download(t: Tensor): Promise<Float32Array> {
    const g = this.f32(t);
    const bytes = g.size * 4;
    const out = new Float32Array(g.size);
    if (bytes === 0) return out;
    const staging = this.device.createBuffer({ size: Math.ceil(bytes / 4) * 4, usage: USAGE_MAP_READ | USAGE_COPY_DST });
    try {
      this.recorder.copy(g.storage.buffer!, 0, staging, 0, bytes);
      this.recorder.submit();
      try {
        await staging.mapAsync(1 /* GPUMapMode.READ */);
      } catch (e) {
        throw new Error(this.failure ?? `webgpu: reading a result back failed: ${(e as Error).message}`);
      }
      this.check();
      out.set(new Float32Array(staging.getMappedRange(0, bytes)));
      staging.unmap();
    } finally {
      staging.destroy();
      this.releaseScratch();
    }
    return out;
  }

  release(t: Tensor): void {
    const s = this.tensor(t, true).storage;
    if (!s.buffer) return;
    this.pool.release(s.buffer);
    s.buffer = null;
    this.live.delete(s);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.recorder.destroy();
    for (const s of this.live) s.buffer?.destroy();
    this.live.clear();
    this.pool.destroyAll();
    this.dummy.destroy();
    if (this.ownsDevice) this.device.destroy();
  }

  reshape(t: Tensor, shape: readonly number[]): Tensor {
    const g = this.tensor(t);
    if (elementCount(shape, 'webgpu') !== g.size) throw new Error(`webgpu: cannot reshape [${t.shape}] to [${shape}]`);
    return new GpuTensor(g.storage, shape);
  }

  // ---- ops ----

  linear(x: Tensor, weight: Tensor, bias: Tensor | undefined, opts: LinearOptions = {}): Tensor {
    const [m, k] = dims2(x, 'linear input');
    const [n, kw] = dims2(weight, 'linear weight');
    if (k !== kw) throw new Error(`linear: input [${x.shape}] does not end in ${kw} (weight [${weight.shape}])`);
    if (bias && this.tensor(bias).size !== n) throw new Error(`linear: bias [${bias.shape}] does not have ${n} values`);
    if (opts.scale && this.tensor(opts.scale).size !== n) throw new Error(`linear: scale [${opts.scale.shape}] does not have ${n} values`);
    if (opts.residual && this.tensor(opts.residual).size !== m * n) throw new Error('linear: residual shape does not match the output');
    const w = this.tensor(weight).storage;
    if (this.halfWeights && w.weight && !w.half) this.narrow(w, n * k);
    const out = this.alloc([m, n]);
    const flags = (bias ? LINEAR_HAS_BIAS : 0) | (opts.scale ? LINEAR_HAS_SCALE : 0) | (opts.residual ? LINEAR_HAS_RESIDUAL : 0);
    this.gemm(w.half ? linearHalfWeightShader : linearShader, [m, n, k, ACTIVATIONS[opts.activation ?? 'none'], flags],
      [this.bind(x), w.half ? this.bindRaw(weight) : this.bind(weight), this.bindOptional(bias), this.bindOptional(opts.scale), this.bindOptional(opts.residual), this.bind(out)]);
    return out;
  }

  layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps: number): Tensor {
    const g = this.tensor(x);
    const n = x.shape[x.shape.length - 1];
    if (!(n > 0) || this.tensor(weight).size !== n || this.tensor(bias).size !== n) throw new Error(`layerNorm: weight/bias do not match the last dimension of [${x.shape}]`);
    const rows = g.size / n;
    const out = this.alloc(x.shape);
    this.run(layerNormShader, [rows, n, f32bits(eps)], [this.bind(x), this.bind(weight), this.bind(bias), this.bind(out)], foldedGrid(rows));
    return out;
  }

  attention(qkv: Tensor, opts: AttentionOptions): Tensor {
    const [rows, c3] = dims2(qkv, 'attention qkv');
    const c = c3 / 3, d = c / opts.heads, L = opts.seqLen;
    if (!Number.isInteger(d) || d < 1) throw new Error(`attention: qkv width ${c3} is not divisible by heads (${opts.heads}) × 3`);
    if (opts.rope && d % 4 !== 0) throw new Error(`attention: RoPE needs a head dimension divisible by 4, got ${d}`);
    if (!(L > 0) || rows % L !== 0) throw new Error(`attention: ${rows} rows do not split into sequences of ${L}`);
    const batches = rows / L;
    if (opts.heads > MAX_GROUPS || batches > MAX_GROUPS) throw new Error(`attention: ${opts.heads} heads × ${batches} sequences exceed the dispatch grid`);
    let qk: GpuTensor = this.tensor(qkv);
    let qkStride = c3;
    let prepared: GpuTensor | undefined;
    if (opts.qNorm || opts.kNorm || opts.rope) {
      if (opts.rope && (this.tensor(opts.rope.cos).size !== L * d || this.tensor(opts.rope.sin).size !== L * d)) {
        throw new Error(`attention: RoPE tables must be [${L}, ${d}]`);
      }
      for (const norm of [opts.qNorm, opts.kNorm]) {
        if (norm && (this.tensor(norm.weight).size !== d || this.tensor(norm.bias).size !== d)) throw new Error(`attention: QK-norm weights must have ${d} values`);
      }
      prepared = this.alloc([rows, 2 * c]);
      const flags = (opts.qNorm ? QK_HAS_Q_NORM : 0) | (opts.kNorm ? QK_HAS_K_NORM : 0) | (opts.rope ? QK_HAS_ROPE : 0);
      this.run(qkNormRopeShader(d), [rows, c, opts.heads, L, f32bits(opts.normEps ?? DEFAULT_QK_NORM_EPS), flags], [
        this.bind(qkv), this.bindOptional(opts.qNorm?.weight), this.bindOptional(opts.qNorm?.bias),
        this.bindOptional(opts.kNorm?.weight), this.bindOptional(opts.kNorm?.bias),
        this.bindOptional(opts.rope?.cos), this.bindOptional(opts.rope?.sin), this.bind(prepared),
      ], foldedGrid(Math.ceil(rows * opts.heads * 2 / ELEMENTWISE_WORKGROUP)));
      qk = prepared;
      qkStride = 2 * c;
    }
    const out = this.alloc([rows, c]);
    this.run(attentionShader(d), [L, c, qkStride, 0, c, c3, 2 * c, f32bits(1 / Math.sqrt(d))],
      [this.bind(qk), this.bind(qkv), this.bind(out)], [Math.ceil(L / ATTENTION_QUERY_TILE), opts.heads, batches]);
    if (prepared) this.release(prepared);
    return out;
  }

  swiglu(x: Tensor): Tensor {
    const [m, n2] = dims2(x, 'swiglu');
    if (n2 % 2 !== 0) throw new Error(`swiglu: width ${n2} is odd`);
    const out = this.alloc([m, n2 / 2]);
    this.elementwise(swigluShader, [m * n2 / 2, n2 / 2], [this.bind(x), this.bind(out)]);
    return out;
  }

  gatherRows(ranges: readonly RowRange[]): Tensor {
    if (ranges.length === 0) throw new Error('gatherRows: no ranges');
    const cols = ranges[0].tensor.shape[1];
    for (const r of ranges) {
      const [rows, rc] = dims2(r.tensor, 'gatherRows');
      if (rc !== cols || !Number.isInteger(r.start) || !Number.isInteger(r.count) || r.start < 0 || r.count < 0 || r.start + r.count > rows) {
        throw new Error(`gatherRows: range [${r.start}, +${r.count}) of [${rows}, ${rc}] is invalid`);
      }
      this.tensor(r.tensor);
    }
    const out = this.alloc([ranges.reduce((a, r) => a + r.count, 0), cols]);
    let row = 0;
    try {
      for (const r of ranges) {
        if (r.count > 0) this.recorder.copy(this.f32(r.tensor).storage.buffer!, r.start * cols * 4, out.storage.buffer!, row * cols * 4, r.count * cols * 4);
        row += r.count;
      }
    } finally {
      this.releaseScratch();
    }
    return out;
  }

  concatCols(a: Tensor, b: Tensor): Tensor {
    const [m, na] = dims2(a, 'concatCols'), [mb, nb] = dims2(b, 'concatCols');
    if (m !== mb) throw new Error(`concatCols: row counts differ (${m} vs ${mb})`);
    const out = this.alloc([m, na + nb]);
    this.elementwise(concatColsShader, [m * (na + nb), na, nb], [this.bind(a), this.bind(b), this.bind(out)]);
    return out;
  }

  transpose(x: Tensor): Tensor {
    const [m, n] = dims2(x, 'transpose');
    const out = this.alloc([n, m]);
    const gx = Math.ceil(n / TRANSPOSE_TILE), gy = Math.ceil(m / TRANSPOSE_TILE);
    if (gx > MAX_GROUPS || gy > MAX_GROUPS) throw new Error(`transpose: [${m}, ${n}] exceeds the dispatch grid`);
    if (m * n > 0) this.run(transposeShader, [m, n], [this.bind(x), this.bind(out)], [gx, gy, 1]);
    return out;
  }

  add(a: Tensor, b: Tensor): Tensor {
    const ga = this.tensor(a), gb = this.tensor(b);
    if (ga.size !== gb.size) throw new Error(`add of [${a.shape}] and [${b.shape}]: sizes differ`);
    const out = this.alloc(a.shape);
    this.elementwise(addShader, [ga.size, 0], [this.bind(a), this.bind(b), this.bind(out)]);
    return out;
  }

  relu(x: Tensor): Tensor {
    const out = this.alloc(x.shape);
    this.elementwise(reluShader, [this.tensor(x).size, 0], [this.bind(x), this.bind(out)]);
    return out;
  }

  conv2d(x: Tensor, weight: Tensor, bias: Tensor | undefined, opts: Conv2dOptions = {}): Tensor {
    if (opts.project) {
      const { project, ...conv } = opts;
      checkProjection(project, weight);
      const mid = this.conv2d(x, weight, bias, conv);
      const out = this.conv2d(mid, project.weight, project.bias);
      this.release(mid);
      return out;
    }
    const [ci, h, w] = dims3(x, 'conv2d input');
    const [co, wci, kh, kw] = weight.shape;
    if (weight.shape.length !== 4 || wci !== ci) throw new Error(`conv2d: weight [${weight.shape}] does not fit input [${x.shape}]`);
    const stride = opts.stride ?? 1, pad = opts.pad ?? 0;
    if (!(stride >= 1) || !(pad >= 0)) throw new Error(`conv2d: invalid stride ${stride} / pad ${pad}`);
    if (h + 2 * pad < kh || w + 2 * pad < kw) throw new Error(`conv2d: kernel ${kh}×${kw} is larger than the padded input [${x.shape}]`);
    const ho = Math.floor((h + 2 * pad - kh) / stride) + 1, wo = Math.floor((w + 2 * pad - kw) / stride) + 1;
    if (bias && this.tensor(bias).size !== co) throw new Error(`conv2d: bias [${bias.shape}] does not have ${co} values`);
    if (opts.residual && this.tensor(opts.residual).size !== co * ho * wo) throw new Error('conv2d: residual shape does not match the output');
    const out = this.alloc([co, ho, wo]);
    const flags = (bias ? CONV_HAS_BIAS : 0) | (opts.residual ? CONV_HAS_RESIDUAL : 0) | (opts.reluInput ? CONV_RELU_INPUT : 0);
    this.gemm(conv2dShader, [co, ho * wo, ci * kh * kw, ACTIVATIONS[opts.activation ?? 'none'], flags, h, w, wo, kh, kw, stride, pad],
      [this.bind(weight), this.bind(x), this.bindOptional(bias), this.bindOptional(opts.residual), this.bind(out)]);
    return out;
  }

  convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | undefined): Tensor {
    const [ci, h, w] = dims3(x, 'convTranspose2d input');
    const [wci, co, kh, kw] = weight.shape;
    if (weight.shape.length !== 4 || wci !== ci) throw new Error(`convTranspose2d: weight [${weight.shape}] does not fit input [${x.shape}]`);
    if (bias && this.tensor(bias).size !== co) throw new Error(`convTranspose2d: bias [${bias.shape}] does not have ${co} values`);
    const out = this.alloc([co, h * kh, w * kw]);
    this.gemm(convTranspose2dShader, [co * kh * kw, h * w, ci, ACT_NONE, bias ? CONVT_HAS_BIAS : 0, w, kh, kw],
      [this.bind(weight), this.bind(x), this.bindOptional(bias), this.bind(out)]);
    return out;
  }

  resizeBilinear(x: Tensor, outH: number, outW: number, opts: ResizeOptions = {}): Tensor {
    const [c, h, w] = dims3(x, 'resizeBilinear input');
    if (!(Number.isInteger(outH) && Number.isInteger(outW) && outH > 0 && outW > 0)) throw new Error(`resizeBilinear: invalid output size ${outH}×${outW}`);
    const n = c * outH * outW;
    if (opts.add && this.tensor(opts.add).size !== n) throw new Error('resizeBilinear: add map does not match the output');
    const sep = opts.addSeparable;
    if (sep && (this.tensor(sep.x).size !== c * outW || this.tensor(sep.y).size !== c * outH)) {
      throw new Error(`resizeBilinear: addSeparable needs [${c}, 1, ${outW}] and [${c}, ${outH}, 1]`);
    }
    const out = this.alloc([c, outH, outW]);
    const flags = (opts.add ? RESIZE_ADD : 0) | (sep ? RESIZE_ADD_SEPARABLE : 0);
    this.elementwise(resizeBilinearShader, [n, h, w, outH, outW, flags, sep?.split ?? 0], [
      this.bind(x), this.bind(this.tapTable(h, outH)), this.bind(this.tapTable(w, outW)),
      this.bindOptional(opts.add), this.bindOptional(sep?.x), this.bindOptional(sep?.y), this.bind(out),
    ]);
    return out;
  }

  // ---- plumbing ----

  private check(): void {
    if (this.disposed) throw new Error('webgpu: the backend was disposed');
    if (this.failure) throw new Error(this.failure);
  }

  private tensor(t: Tensor, allowReleased = false): GpuTensor {
    if (!(t instanceof GpuTensor)) throw new Error('webgpu: not a tensor of this backend');
    if (!allowReleased && !t.storage.buffer) throw new Error('webgpu: tensor was released');
    if (!this.live.has(t.storage) && t.storage.buffer) throw new Error('webgpu: not a tensor of this backend');
    return t;
  }

  private checkBindingSize(size: number, shape: readonly number[]): void {
    const max = this.device.limits.maxStorageBufferBindingSize;
    if (size * 4 > max) {
      throw new Error(`webgpu: tensor [${shape}] needs ${(size * 4 / 2 ** 20).toFixed(1)} MiB, more than this adapter's largest storage binding (${(max / 2 ** 20).toFixed(0)} MiB)`);
    }
  }

  private adopt(buffer: GPUBuffer, size: number, shape: readonly number[], half = false, weight = false): GpuTensor {
    const storage = new Storage(buffer, half, weight);
    this.live.add(storage);
    return new GpuTensor(storage, shape);
  }

  private alloc(shape: readonly number[]): GpuTensor {
    this.check();
    const size = elementCount(shape, 'webgpu');
    this.checkBindingSize(size, shape);
    return this.adopt(this.pool.acquire(f32Bytes(size)), size, shape);
  }

  /** An f32 binding of t (a half tensor is widened into a scratch copy for this op). */
  private bind(t: Tensor): Binding {
    const g = this.f32(t);
    return { buffer: g.storage.buffer!, size: f32Bytes(g.size) };
  }

  /** t's buffer as stored (f32, or packed halves). */
  private bindRaw(t: Tensor): Binding {
    const g = this.tensor(t);
    return { buffer: g.storage.buffer!, size: g.storage.half ? halfBytes(g.size) : f32Bytes(g.size) };
  }

  /** t itself when it holds f32, else a widened scratch copy released after the current op. */
  private f32(t: Tensor): GpuTensor {
    const g = this.tensor(t);
    if (!g.storage.half) return g;
    const wide = this.alloc(g.shape);
    this.recorder.dispatch(this.pipeline(widenHalfShader), Uint32Array.of(g.size), [this.bindRaw(g), { buffer: wide.storage.buffer!, size: f32Bytes(g.size) }],
      foldedGrid(Math.ceil(g.size / ELEMENTWISE_WORKGROUP)));
    this.scratch.push(wide);
    return wide;
  }

  private releaseScratch(): void {
    for (const t of this.scratch.splice(0)) this.release(t);
  }

  /** The f16 weight mode: replaces a weight's f32 values by packed halves, on the GPU. */
  private narrow(storage: Storage, size: number): void {
    const packed = this.pool.acquire(halfBytes(size));
    this.recorder.dispatch(this.pipeline(narrowHalfShader), Uint32Array.of(size), [
      { buffer: storage.buffer!, size: f32Bytes(size) }, { buffer: packed, size: halfBytes(size) },
    ], foldedGrid(Math.ceil(size / 2 / ELEMENTWISE_WORKGROUP)));
    this.pool.release(storage.buffer!);
    storage.buffer = packed;
    storage.half = true;
  }

  private bindOptional(t: Tensor | undefined): Binding {
    return t ? this.bind(t) : { buffer: this.dummy, size: 16 };
  }

  /** The (i0, i1, λ) source taps of an align-corners resize axis, uploaded once per size pair. */
  private tapTable(inSize: number, outSize: number): GpuTensor {
    const key = `${inSize}>${outSize}`;
    let table = this.taps.get(key);
    if (!table) {
      const { i0, i1, lambda } = alignCornersTaps(inSize, outSize);
      const data = new Float32Array(3 * outSize);
      for (let o = 0; o < outSize; o++) data.set([i0[o], i1[o], lambda[o]], 3 * o);
      table = this.upload(data, [outSize, 3]) as GpuTensor;
      this.taps.set(key, table);
    }
    return table;
  }

  private pipeline(code: string): GPUComputePipeline {
    let p = this.pipelines.get(code);
    if (!p) this.pipelines.set(code, (p = this.device.createComputePipeline(this.pipelineDescriptor(code))));
    return p;
  }

  private pipelineDescriptor(code: string): GPUComputePipelineDescriptor {
    return { layout: 'auto', compute: { module: this.device.createShaderModule({ code }), entryPoint: 'main' } };
  }

  private run(code: string, params: readonly number[], bindings: Binding[], groups: [number, number, number]): void {
    try {
      this.check();
      this.recorder.dispatch(this.pipeline(code), Uint32Array.from(params), bindings, groups);
    } finally {
      this.releaseScratch();
    }
  }

  private elementwise(code: string, params: readonly number[], bindings: Binding[]): void {
    const n = params[0];
    if (n > 0) this.run(code, params, bindings, foldedGrid(Math.ceil(n / ELEMENTWISE_WORKGROUP)));
  }

  private gemm(kernel: GemmKernel, params: number[], bindings: Binding[]): void {
    const [m, n, k] = params;
    const tile = pickGemmTile(m, n);
    const gx = Math.ceil(n / tile.bn), gy = Math.ceil(m / tile.bm);
    if (gx > MAX_GROUPS || gy > MAX_GROUPS) throw new Error(`webgpu: a ${m}×${n} product exceeds the dispatch grid`);
    if (m === 0 || n === 0) return;
    if (k === 0) throw new Error('webgpu: empty reduction dimension');
    while (params.length < GEMM_PARAM_WORDS) params.push(0);
    this.run(tile.bm === 64 ? kernel.small : kernel.large, params, bindings, [gx, gy, 1]);
  }

}
