// The WebAssembly SIMD backend: tensors live in one (shared) wasm memory, ops run the
// AssemblyScript kernels (asm/) on a pool of threads. Weights are packed for the GEMM and
// convolution micro-kernels the first time they are used as such. The packed form of a weight
// (uploaded with `weight: true`) replaces its plain values in place, so model weights occupy the
// heap once; the packed form of any other tensor is an extra copy kept until it is released.
import type {
  AttentionOptions, Backend, Conv2dOptions, LinearOptions, ResizeOptions, RowRange, StoredTensor, Tensor, UploadOptions,
} from '../backend.ts';
import { GGML_TYPE, ggmlTypeInfo } from '../../../gguf/types.ts';
import { wasmKeepsStored } from './kept-types.ts';
import { ACTIVATION_CODES, type KernelExports } from './kernel-exports.ts';
import { kernelBytes, pickBuild, relaxedSimdSupported } from './kernel-module.ts';
import { instantiateKernels, MAX_HEAP_BYTES, sharedMemorySupported } from './memory.ts';
import { Heap } from './heap.ts';
import { elementCount } from '../shape-checks.ts';
import { Storage, WasmTensor } from './wasm-tensor.ts';
import { planeBands, takesDirect1x1, takesWinograd, tapOffsets, winogradBands, WINOGRAD_MIN_CHANNELS } from './conv-plan.ts';
import { singleThread, startThreadPool, workersAvailable, type ThreadPool } from './thread-pool.ts';

export interface WasmBackendOptions {
  /** Threads per op, the caller's included (default: hardware concurrency; 1 without SharedArrayBuffer). */
  threads?: number;
  /** A precompiled kernel module (any of the four builds), for runtimes that cannot compile bytes. */
  module?: WebAssembly.Module;
  /** Use the relaxed-SIMD build when the runtime supports it (default true; ignored with `module`). */
  relaxedSimd?: boolean;
}

export interface WasmBackend extends Backend {
  readonly threads: number;
  /** Whether the built-in relaxed-SIMD build runs (false with a caller-supplied module). */
  readonly relaxedSimd: boolean;
  /** Bytes of the wasm heap in use (tensors and packed weights). */
  readonly heapBytes: number;
  /** The memory all tensors live in. */
  readonly memory: WebAssembly.Memory;
  /** Where t's values lie in `memory` (byte offset, float count), valid until t is released. */
  heapLocation(t: Tensor): { offset: number; length: number };
  /**
   * `values` encoded as Q8_0, Q4_K, Q5_K or Q6_K on the kernel threads (asm/quantize-blocks.ts),
   * byte-identical to gguf/quantize.ts; undefined for other types. values.length must be a
   * whole number of the type's blocks.
   */
  quantize(type: number, values: Float32Array): Uint8Array | undefined;
  /** Stops the worker threads; the backend must not be used afterwards. */
  dispose(): void;
}

const DEFAULT_QK_NORM_EPS = 1e-5;
/** Types the kernels quantize to (asm/quantize-blocks.ts). */
const QUANTIZED_BY_KERNELS = new Set<number>([GGML_TYPE.Q8_0, GGML_TYPE.Q4_K, GGML_TYPE.Q5_K, GGML_TYPE.Q6_K]);
/**
 * The integer GEMM converts Q8_0 block scales assuming finite halves; a file with an infinite or
 * NaN scale (which would make every output it touches inf/NaN anyway) is refused instead.
 */
function checkFiniteQ8Scales(bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; at += 34) {
    if ((bytes[at + 1]! & 0x7c) === 0x7c) throw new Error(`wasm backend: a Q8_0 weight has a non-finite block scale (block ${at / 34}); the file is corrupt`);
  }
}

export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const hardware = Math.max(1, (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1);
  const requested = options.threads ?? hardware;
  if (!Number.isInteger(requested) || requested < 1 || requested > 256) {
    throw new Error(`wasm backend: threads must be an integer in 1..256, got ${requested}`);
  }
  // More threads than cores only adds workers (memory, start-up) that wait for each other.
  const wanted = Math.min(requested, hardware);
  // Without SharedArrayBuffer or a way to start workers (e.g. edge runtimes) it runs on one thread.
  const shared = wanted > 1 && sharedMemorySupported() && workersAvailable();
  const relaxed = !options.module && options.relaxedSimd !== false && relaxedSimdSupported();
  const module = options.module ?? await WebAssembly.compile(kernelBytes(pickBuild(shared, relaxed)));
  const instance = await instantiateKernels(module, shared);
  const pool = instance.shared && wanted > 1
    ? await startThreadPool(module, instance.memory, instance.exports, wanted)
    : singleThread(instance.exports);
  const note = requested > wanted ? `${requested} threads requested, ${hardware} cores available`
    : pool.threads < requested ? `${requested} threads requested, ${!sharedMemorySupported() ? 'no SharedArrayBuffer' : 'no way to start workers'} here` : undefined;
  return new WasmBackendImpl(instance.memory, instance.exports, pool, relaxed, note);
}

class WasmBackendImpl implements WasmBackend {
  readonly name = 'wasm';
  readonly relaxedSimd: boolean;
  readonly #memory: WebAssembly.Memory;
  readonly #k: KernelExports;
  readonly #pool: ThreadPool;
  readonly #heap: Heap;

  /** Why fewer threads run than were asked for, if they do. */
  readonly threadNote: string | undefined;

  constructor(memory: WebAssembly.Memory, exports: KernelExports, pool: ThreadPool, relaxed: boolean, threadNote?: string) {
    this.threadNote = threadNote;
    this.#memory = memory;
    this.#k = exports;
    this.#pool = pool;
    this.#heap = new Heap(memory);
    this.relaxedSimd = relaxed;
  }

  get threads(): number {
    return this.#pool.threads;
  }

  readonly memoryLimitBytes = MAX_HEAP_BYTES;

  get description(): string {
    const note = this.threadNote ? `: ${this.threadNote}` : '';
    return `wasm (${this.relaxedSimd ? 'relaxed-simd' : 'simd128'}, ${this.threads} thread${this.threads === 1 ? '' : 's'}${note})`;
  }

  get heapBytes(): number {
    return this.#heap.usedBytes;
  }

  get memory(): WebAssembly.Memory {
    return this.#memory;
  }

  heapLocation(t: Tensor): { offset: number; length: number } {
    const w = this.#tensor(t, 'tensor');
    return { offset: w.ptr, length: w.size };
  }

  dispose(): void {
    this.#pool.dispose();
  }

  quantize(type: number, values: Float32Array): Uint8Array | undefined {
    const info = QUANTIZED_BY_KERNELS.has(type) ? ggmlTypeInfo(type) : undefined;
    if (!info) return undefined;
    if (values.length % info.blockSize !== 0) throw new Error(`wasm backend: ${values.length} values are not whole ${info.name} blocks`);
    const blocks = values.length / info.blockSize;
    const out = new Uint8Array(blocks * info.typeSize);
    this.#withScratch([values.byteLength, out.length, this.#pool.threads * this.#k.quantizeScratchBytes()], (src, dst, scratch) => {
      this.#view(src!, values.length).set(values);
      this.#pool.run('quantizeBlocks', [type, src!, blocks, dst!, scratch!]);
      out.set(new Uint8Array(this.#memory.buffer, dst!, out.length));
    });
    return out;
  }

  // ---- tensors ----

  #view(ptr: number, length: number): Float32Array {
    return new Float32Array(this.#memory.buffer, ptr, length);
  }

  /** A tensor whose plain values are read (a weight kept in its GGUF type is widened first). */
  #tensor(t: Tensor, what: string): WasmTensor {
    const w = this.#weight(t, what);
    if (w.storage.stored) this.#widen(w.storage);
    if (w.storage.packedInPlace !== undefined) {
      throw new Error(`wasm backend: ${what} is a weight packed for ${w.storage.packedInPlace}; its plain values are gone`);
    }
    return w;
  }

  /** A tensor used as a packed operand (a weight may hold only its packed form). */
  #weight(t: Tensor, what: string): WasmTensor {
    if (!(t instanceof WasmTensor)) throw new Error(`wasm backend: ${what} is not a tensor of this backend`);
    if (t.storage.freed) throw new Error(`wasm backend: ${what} was released`);
    return t;
  }

  /**
   * A weight kept in its GGUF type, filled by `stored.fill`. Q8_0 is filled into scratch and
   * packed from there (one tensor's bytes of transient heap), so no weight is ever repacked later.
   */
  async #uploadStored(shape: readonly number[], stored: StoredTensor): Promise<WasmTensor> {
    const size = elementCount(shape, 'wasm backend');
    const k = shape[shape.length - 1]!;
    const rows = size / k;
    if (stored.bytes !== rows * this.#k.storedRowBytes(stored.type, k)) {
      throw new Error(`wasm backend: ${stored.bytes} stored bytes do not match shape [${shape.join(', ')}] of type ${stored.type}`);
    }
    const q8 = stored.type === GGML_TYPE.Q8_0;
    const bytes = q8 ? this.#k.packedQ8Bytes(rows, k) : stored.bytes;
    const storage = new Storage(this.#heap.alloc(bytes), size, true, bytes, { type: stored.type, rowLength: k });
    const raw = q8 ? this.#heap.alloc(stored.bytes) : storage.ptr;
    try {
      await stored.fill(new Uint8Array(this.#memory.buffer, raw, stored.bytes));
      if (q8) {
        checkFiniteQ8Scales(new Uint8Array(this.#memory.buffer, raw, stored.bytes));
        this.#pool.run('packQ8_0', [raw, rows, k, storage.ptr]);
      }
    } catch (e) {
      this.#heap.free(storage.ptr);
      throw e;
    } finally {
      if (q8) this.#heap.free(raw);
    }
    return new WasmTensor([...shape], storage);
  }

  #new(shape: readonly number[], weight = false): WasmTensor {
    const size = elementCount(shape, 'wasm backend');
    const capacity = weight ? this.#weightCapacity(shape, size) : size * 4;
    return new WasmTensor([...shape], new Storage(this.#heap.alloc(capacity), size, weight, capacity));
  }

  /**
   * Bytes to reserve for a weight: a Winograd-eligible 3×3 kernel gets room for its 16/9 larger
   * packed form, so that form replaces it in place among the other weights instead of landing
   * between activations (where it would split the free space) on first use. If the kernel ends up
   * packed for a direct (strided) conv, the tail is given back.
   */
  #weightCapacity(shape: readonly number[], size: number): number {
    const [cout, cin, kh, kw] = shape as [number, number, number, number];
    const winograd = shape.length === 4 && kh === 3 && kw === 3 && Math.min(cin, cout) >= WINOGRAD_MIN_CHANNELS;
    return winograd ? this.#k.packedWinogradBytes(cout, cin) : size * 4;
  }

  /**
   * Weights in these GGUF types stay in them: a linear runs on them directly (Q8_0 with integer
   * dot products, the others widened panel by panel inside the GEMM); any other use widens the
   * whole tensor to float32 once.
   */
  keepsStored(type: number, shape: readonly number[]): boolean {
    return wasmKeepsStored(type, shape);
  }

  /** Replaces a kept weight's stored bytes by its float32 values. */
  #widen(storage: Storage): void {
    const { type, rowLength: k } = storage.stored!;
    const ptr = this.#heap.alloc(storage.size * 4);
    if (type === GGML_TYPE.Q8_0) this.#pool.run('widenPackedQ8_0', [storage.ptr, storage.size / k, k, ptr]);
    else this.#pool.run('widenStored', [storage.ptr, type, storage.size / k, k, ptr]);
    this.#heap.free(storage.ptr);
    storage.ptr = ptr;
    storage.capacity = storage.size * 4;
    storage.stored = undefined;
  }

  upload(data: Float32Array, shape: readonly number[], opts: UploadOptions = {}): Tensor {
    if (elementCount(shape, 'wasm backend') !== data.length) {
      throw new Error(`wasm backend: upload of ${data.length} values into shape [${shape.join(', ')}]`);
    }
    const t = this.#new(shape, opts.weight === true);
    this.#view(t.ptr, t.size).set(data);
    return t;
  }

  async uploadWith(shape: readonly number[], fill: (target: Float32Array) => Promise<void>, opts: UploadOptions = {}): Promise<Tensor> {
    if (opts.weight === true && opts.stored !== undefined && this.keepsStored(opts.stored.type, shape)) return this.#uploadStored(shape, opts.stored);
    const t = this.#new(shape, opts.weight === true);
    try {
      await fill(this.#view(t.ptr, t.size));
    } catch (e) {
      this.release(t);
      throw e;
    }
    return t;
  }

  download(t: Tensor): Promise<Float32Array> {
    const w = this.#tensor(t, 'download input');
    return Promise.resolve(this.#view(w.ptr, w.size).slice());
  }

  release(t: Tensor): void {
    if (!(t instanceof WasmTensor)) throw new Error('wasm backend: released tensor is not a tensor of this backend');
    const storage = t.storage;
    if (storage.freed) return;
    storage.freed = true;
    this.#heap.free(storage.ptr);
    for (const ptr of storage.packed.values()) if (ptr !== storage.ptr) this.#heap.free(ptr);
    storage.packed.clear();
  }

  reshape(t: Tensor, shape: readonly number[]): Tensor {
    const w = this.#weight(t, 'reshape input');
    if (elementCount(shape, 'wasm backend') !== w.size) throw new Error(`wasm backend: cannot reshape [${w.shape.join(', ')}] to [${shape.join(', ')}]`);
    return new WasmTensor([...shape], w.storage);
  }

  /** Runs `body` with scratch blocks of the given byte sizes, freed afterwards. */
  #withScratch<T>(sizes: readonly number[], body: (...ptrs: number[]) => T): T {
    const ptrs = sizes.map((bytes) => this.#heap.alloc(bytes));
    try {
      return body(...ptrs);
    } finally {
      for (const ptr of ptrs) this.#heap.free(ptr);
    }
  }

  #optional(t: Tensor | undefined, what: string, size: number): number {
    if (!t) return 0;
    const w = this.#tensor(t, what);
    if (w.size !== size) throw new Error(`wasm backend: ${what} has ${w.size} values, expected ${size}`);
    return w.ptr;
  }

  // ---- dense ----

  /**
   * The packed form `key` of w (`bytes` long), made by `pack(src, dst)` on first use. A weight's
   * first packing replaces its plain values: in place through a scratch copy when it fits the
   * weight's block (no heap growth; a reserved tail it does not need is given back), else in a
   * new block.
   */
  #packed(w: WasmTensor, key: string, bytes: number, pack: (src: number, dst: number) => void): number {
    const storage = w.storage;
    const known = storage.packed.get(key);
    if (known !== undefined) return known;
    if (storage.stored) this.#widen(storage);
    if (storage.packedInPlace !== undefined) {
      throw new Error(`wasm backend: weight packed for ${storage.packedInPlace} cannot also be used as ${key}`);
    }
    let ptr: number;
    if (!storage.weight) {
      ptr = this.#heap.alloc(bytes);
      pack(storage.ptr, ptr);
    } else if (bytes <= storage.capacity) {
      ptr = storage.ptr;
      const plainBytes = storage.size * 4;
      this.#withScratch([plainBytes], (copy) => {
        new Uint8Array(this.#memory.buffer).copyWithin(copy!, ptr, ptr + plainBytes);
        pack(copy!, ptr);
      });
      this.#heap.shrink(ptr, bytes);
      storage.capacity = bytes;
    } else {
      ptr = this.#heap.alloc(bytes);
      pack(storage.ptr, ptr);
      this.#heap.free(storage.ptr);
      storage.ptr = ptr;
      storage.capacity = bytes;
    }
    if (storage.weight) storage.packedInPlace = key;
    storage.packed.set(key, ptr);
    return ptr;
  }

  #packedLinear(w: WasmTensor, n: number, k: number): number {
    return this.#packed(w, `linear ${n}x${k}`, this.#k.packedLinearBytes(n, k),
      (src, dst) => this.#pool.run('packLinear', [src, n, k, dst]));
  }

  linear(x: Tensor, weight: Tensor, bias: Tensor | undefined, opts: LinearOptions = {}): Tensor {
    const xs = this.#tensor(x, 'linear input');
    const ws = this.#weight(weight, 'linear weight');
    if (ws.shape.length !== 2) throw new Error(`wasm backend: linear weight must be [out, in], got [${ws.shape.join(', ')}]`);
    const [n, k] = ws.shape as [number, number];
    if (xs.shape.length < 1 || xs.shape[xs.shape.length - 1] !== k) {
      throw new Error(`wasm backend: linear input [${xs.shape.join(', ')}] does not end in ${k}`);
    }
    const m = xs.size / k;
    const epilogue = [
      this.#optional(bias, 'linear bias', n),
      ACTIVATION_CODES[opts.activation ?? 'none'],
      this.#optional(opts.scale, 'linear scale', n),
      this.#optional(opts.residual, 'linear residual', m * n),
    ];
    // A kept weight viewed with another row length is widened (its rows no longer match k).
    if (ws.storage.stored && ws.storage.stored.rowLength !== k) this.#tensor(ws, 'linear weight');
    const out = this.#new([...xs.shape.slice(0, -1), n]);
    const type = ws.storage.stored?.type;
    if (type === GGML_TYPE.Q8_0) {
      this.#withScratch([this.#k.quantizedActivationBytes(m, k)], (xq) => {
        this.#pool.run('quantizeActivations', [xs.ptr, m, k, xq!]);
        this.#pool.run('linearQ8', [xq!, m, k, ws.ptr, n, ...epilogue, out.ptr]);
      });
    } else if (type !== undefined) {
      this.#withScratch([this.#pool.threads * this.#k.linearStoredScratchBytes(k)], (scratch) => {
        this.#pool.run('linearStored', [xs.ptr, m, k, ws.ptr, type, n, this.#storedRowsPerChunk(m, n), ...epilogue, out.ptr, scratch!]);
      });
    } else {
      this.#pool.run('linear', [xs.ptr, m, k, this.#packedLinear(ws, n, k), n, ...epilogue, out.ptr]);
    }
    return out;
  }

  /**
   * Rows per task of linearStored: every task widens its block of 64 columns once per thread, so
   * rows are split only as far as needed to give each thread about 4 tasks, in multiples of 12
   * (whole tiles of either build's height, 4 or 6).
   */
  #storedRowsPerChunk(m: number, n: number): number {
    const panelBlocks = Math.ceil(n / 64);
    const chunks = Math.max(1, Math.ceil((4 * this.#pool.threads) / panelBlocks));
    return Math.max(12, Math.ceil(m / chunks / 12) * 12);
  }

  layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps: number): Tensor {
    const xs = this.#tensor(x, 'layerNorm input');
    const cols = xs.shape[xs.shape.length - 1] ?? 1;
    const out = this.#new(xs.shape);
    this.#pool.run('layerNorm', [
      xs.ptr, xs.size / cols, cols,
      this.#optional(weight, 'layerNorm weight', cols), this.#optional(bias, 'layerNorm bias', cols),
      eps, out.ptr,
    ]);
    return out;
  }

  attention(qkv: Tensor, opts: AttentionOptions): Tensor {
    const x = this.#tensor(qkv, 'attention qkv');
    const [rows, threeC] = x.shape as [number, number];
    const { heads, seqLen } = opts;
    if (x.shape.length !== 2 || threeC % 3 !== 0) throw new Error(`wasm backend: attention qkv must be [rows, 3·C], got [${x.shape.join(', ')}]`);
    const c = threeC / 3;
    if (!Number.isInteger(heads) || heads < 1 || c % heads !== 0) throw new Error(`wasm backend: attention: C=${c} not divisible by heads=${heads}`);
    if (!Number.isInteger(seqLen) || seqLen < 1 || rows % seqLen !== 0) throw new Error(`wasm backend: attention: ${rows} rows are not whole sequences of ${seqLen}`);
    const d = c / heads;
    if (opts.rope && d % 4 !== 0) throw new Error(`wasm backend: RoPE needs head_dim divisible by 4, got ${d}`);
    const batch = rows / seqLen;
    const dp = Math.ceil(d / 8) * 8;
    const bh = batch * heads;
    const out = this.#new([rows, c]);
    const eps = opts.normEps ?? DEFAULT_QK_NORM_EPS;
    const tableSize = seqLen * d;
    const args = [
      this.#optional(opts.qNorm?.weight, 'qNorm weight', d), this.#optional(opts.qNorm?.bias, 'qNorm bias', d),
      this.#optional(opts.kNorm?.weight, 'kNorm weight', d), this.#optional(opts.kNorm?.bias, 'kNorm bias', d),
      eps,
      this.#optional(opts.rope?.cos, 'rope cos', tableSize), this.#optional(opts.rope?.sin, 'rope sin', tableSize),
      1 / Math.sqrt(d),
    ];
    this.#withScratch([
      bh * seqLen * d * 4, bh * Math.ceil(seqLen / 8) * 8 * d * 4, bh * seqLen * dp * 4,
      this.#pool.threads * this.#k.attentionScratchBytes(),
    ], (q, k, v, scratch) => {
      this.#pool.run('attentionPrepare', [x.ptr, rows, c, heads, seqLen, ...args, q!, k!, v!]);
      this.#pool.run('attentionPadKeys', [k!, bh, seqLen, d]);
      this.#pool.run('attention', [q!, k!, v!, batch, heads, seqLen, d, out.ptr, scratch!]);
    });
    return out;
  }

  swiglu(x: Tensor): Tensor {
    const xs = this.#tensor(x, 'swiglu input');
    const cols = xs.shape[xs.shape.length - 1] ?? 0;
    if (cols % 2 !== 0) throw new Error(`wasm backend: swiglu needs an even last dimension, got ${cols}`);
    const out = this.#new([...xs.shape.slice(0, -1), cols / 2]);
    this.#pool.run('swiglu', [xs.ptr, xs.size / cols, cols / 2, out.ptr]);
    return out;
  }

  // ---- layout (plain copies on the calling thread) ----

  gatherRows(ranges: readonly RowRange[]): Tensor {
    if (ranges.length === 0) throw new Error('wasm backend: gatherRows needs at least one range');
    const first = this.#tensor(ranges[0]!.tensor, 'gatherRows input');
    const cols = first.shape[1] ?? 1;
    let rows = 0;
    for (const r of ranges) {
      const t = this.#tensor(r.tensor, 'gatherRows input');
      const tRows = t.shape[0] ?? 0;
      if (t.shape.length !== 2 || t.shape[1] !== cols) throw new Error(`wasm backend: gatherRows inputs must be [*, ${cols}], got [${t.shape.join(', ')}]`);
      if (!Number.isInteger(r.start) || !Number.isInteger(r.count) || r.start < 0 || r.count < 0 || r.start + r.count > tRows) {
        throw new Error(`wasm backend: gatherRows range ${r.start}+${r.count} outside ${tRows} rows`);
      }
      rows += r.count;
    }
    const out = this.#new([rows, cols]);
    const heap = new Float32Array(this.#memory.buffer);
    let at = out.ptr / 4;
    for (const r of ranges) {
      const src = (r.tensor as WasmTensor).ptr / 4 + r.start * cols;
      heap.copyWithin(at, src, src + r.count * cols);
      at += r.count * cols;
    }
    return out;
  }

  concatCols(a: Tensor, b: Tensor): Tensor {
    const as = this.#tensor(a, 'concatCols a');
    const bs = this.#tensor(b, 'concatCols b');
    const [m, ca] = as.shape as [number, number];
    const cb = bs.shape[1] ?? 0;
    if (as.shape.length !== 2 || bs.shape.length !== 2 || bs.shape[0] !== m) {
      throw new Error(`wasm backend: concatCols of [${as.shape.join(', ')}] and [${bs.shape.join(', ')}]`);
    }
    const out = this.#new([m, ca + cb]);
    const heap = new Float32Array(this.#memory.buffer);
    for (let r = 0; r < m; r++) {
      const dst = out.ptr / 4 + r * (ca + cb);
      heap.copyWithin(dst, as.ptr / 4 + r * ca, as.ptr / 4 + (r + 1) * ca);
      heap.copyWithin(dst + ca, bs.ptr / 4 + r * cb, bs.ptr / 4 + (r + 1) * cb);
    }
    return out;
  }

  transpose(x: Tensor): Tensor {
    const xs = this.#tensor(x, 'transpose input');
    if (xs.shape.length !== 2) throw new Error(`wasm backend: transpose needs a matrix, got [${xs.shape.join(', ')}]`);
    const [m, n] = xs.shape as [number, number];
    const out = this.#new([n, m]);
    this.#pool.run('transpose', [xs.ptr, m, n, out.ptr]);
    return out;
  }

  add(a: Tensor, b: Tensor): Tensor {
    const as = this.#tensor(a, 'add a');
    const bs = this.#tensor(b, 'add b');
    if (as.shape.join() !== bs.shape.join()) throw new Error(`wasm backend: add of [${as.shape.join(', ')}] and [${bs.shape.join(', ')}]`);
    const out = this.#new(as.shape);
    this.#pool.run('add', [as.ptr, bs.ptr, out.ptr, as.size]);
    return out;
  }

  relu(x: Tensor): Tensor {
    const xs = this.#tensor(x, 'relu input');
    const out = this.#new(xs.shape);
    this.#pool.run('relu', [xs.ptr, out.ptr, xs.size]);
    return out;
  }

  // ---- convolutions and resampling ----

  #packedConv(w: WasmTensor, kind: string, rows: number, cin: number, taps: number, strides: [number, number, number]): number {
    return this.#packed(w, `${kind} ${w.shape.join('x')}`, this.#k.packedConvBytes(rows, cin, taps),
      (src, dst) => this.#pool.run('packConv', [src, rows, cin, taps, ...strides, dst]));
  }

  conv2d(x: Tensor, weight: Tensor, bias: Tensor | undefined, opts: Conv2dOptions = {}): Tensor {
    const xs = this.#tensor(x, 'conv2d input');
    const ws = this.#weight(weight, 'conv2d weight');
    const stride = opts.stride ?? 1;
    const pad = opts.pad ?? 0;
    if (xs.shape.length !== 3 || ws.shape.length !== 4 || ws.shape[1] !== xs.shape[0]) {
      throw new Error(`wasm backend: conv2d of input [${xs.shape.join(', ')}] with weight [${ws.shape.join(', ')}]`);
    }
    if (!Number.isInteger(stride) || stride < 1 || !Number.isInteger(pad) || pad < 0) {
      throw new Error(`wasm backend: conv2d stride ${stride} / pad ${pad} invalid`);
    }
    const [cin, h, w] = xs.shape as [number, number, number];
    const [cout, , kh, kw] = ws.shape as [number, number, number, number];
    const ho = Math.floor((h + 2 * pad - kh) / stride) + 1;
    const wo = Math.floor((w + 2 * pad - kw) / stride) + 1;
    if (ho < 1 || wo < 1) throw new Error(`wasm backend: conv2d kernel ${kh}×${kw} larger than padded input ${h}×${w}`);
    const taps = kh * kw;
    const epilogue = [
      this.#optional(bias, 'conv2d bias', cout), ACTIVATION_CODES[opts.activation ?? 'none'],
      this.#optional(opts.residual, 'conv2d residual', cout * ho * wo),
    ];
    if (takesWinograd(kh, kw, stride, pad, cin, cout)) return this.#winogradConv(xs, ws, epilogue, opts.reluInput ?? false, opts.project);
    if (opts.project) {
      // Fused only on the Winograd path; elsewhere the full map is made, then projected. The
      // output is allocated first, as by every other op, so the steps' scratch never lies under it.
      const { project, ...conv } = opts;
      const channels = this.#projection(project, cout).shape[0]!;
      this.#optional(project.bias, 'conv2d project bias', channels);
      const out = this.#new([channels, ho, wo]);
      const full = this.conv2d(x, weight, bias, conv);
      const projected = this.#tensor(this.conv2d(full, project.weight, project.bias), 'conv2d projection');
      this.#view(out.ptr, out.size).set(this.#view(projected.ptr, projected.size));
      this.release(full);
      this.release(projected);
      return out;
    }
    const packed = this.#packedConv(ws, 'conv', cout, cin, taps, [cin * taps, taps, 1]);
    const out = this.#new([cout, ho, wo]);
    if (takesDirect1x1(taps, stride, pad, opts.reluInput ?? false, cin, h, w, cout)) {
      // A 1×1 conv is a GEMM over the flat pixel axis, read straight from the input while it
      // fits in cache; larger inputs take the banded planes below (channels close together).
      this.#withScratch([4], (table) => {
        this.#view(table!, 1)[0] = 0;
        this.#pool.run('conv', [xs.ptr, table!, 1, cin, h * w * 4, 0, packed, cout, ...epilogue, out.ptr, 1, h * w, 0, 1]);
      });
      return out;
    }
    // The planes are written and convolved one band of output rows at a time: the band's planes
    // stay in cache for the convolution and the scratch stays small at any resolution.
    const bands = planeBands(cin, w, kh, kw, stride, pad, ho, wo);
    const { extraRows, wq, band, planeBytes } = bands;
    this.#withScratch([stride * stride * cin * planeBytes, taps * 4], (planes, table) => {
      tapOffsets(new Int32Array(this.#memory.buffer, table!, taps), kh, kw, stride, cin, bands);
      for (let y0 = 0; y0 < ho; y0 += band) {
        const y1 = Math.min(ho, y0 + band);
        this.#pool.run('convPlanes', [xs.ptr, cin, h, w, pad, stride, opts.reluInput ? 1 : 0, planes!, y0, band + extraRows, wq]);
        this.#pool.run('conv', [planes!, table!, taps, cin, planeBytes, wq * 4, packed, cout, ...epilogue, out.ptr, ho, wo, y0, y1]);
      }
    });
    return out;
  }

  /** The weight of a conv2d `project` option, checked to be a 1×1 conv of `cout` channels. */
  #projection(project: NonNullable<Conv2dOptions['project']>, cout: number): WasmTensor {
    const pw = this.#weight(project.weight, 'conv2d project weight');
    if (pw.shape.length !== 4 || pw.shape[1] !== cout || pw.shape[2] !== 1 || pw.shape[3] !== 1) {
      throw new Error(`wasm backend: conv2d project weight [${pw.shape.join(', ')}] is not a 1×1 conv of ${cout} channels`);
    }
    return pw;
  }

  /**
   * A 3×3 pad-1 stride-1 conv by Winograd F(2×2, 3×3) (asm/winograd.ts) in one dispatch: each
   * task is a band of output rows within WINOGRAD_BAND_BYTES of transformed data, with at least
   * WINOGRAD_BANDS_PER_THREAD bands per thread where the map is tall enough (load balance).
   * With `project`, the 1×1 projection runs on each band (the conv's own output never exists).
   */
  #winogradConv(xs: WasmTensor, ws: WasmTensor, epilogue: number[], reluInput: boolean, project: Conv2dOptions['project']): WasmTensor {
    const [cin, h, w] = xs.shape as [number, number, number];
    const cout = ws.shape[0]!;
    let projection = [0, 0, 0];
    let outChannels = cout;
    if (project) {
      const pw = this.#projection(project, cout);
      outChannels = pw.shape[0]!;
      const projBias = this.#optional(project.bias, 'conv2d project bias', outChannels);
      projection = [this.#packedConv(pw, 'conv', outChannels, cout, 1, [cout, 1, 1]), outChannels, projBias];
    }
    const packed = this.#packed(ws, `winograd ${ws.shape.join('x')}`, this.#k.packedWinogradBytes(cout, cin),
      (src, dst) => this.#pool.run('packWinograd', [src, cout, cin, dst]));
    const out = this.#new([outChannels, h, w]);
    const { tpr, tileRows } = winogradBands(cin, cout, h, w, this.#pool.threads);
    const scratchBytes = this.#pool.threads * this.#k.winogradScratchBytes(cin, cout, tileRows, tpr, w);
    this.#withScratch([scratchBytes], (scratch) => {
      this.#pool.run('winogradConv', [xs.ptr, cin, h, w, reluInput ? 1 : 0, packed, cout, ...epilogue, ...projection,
        out.ptr, tileRows, tpr, scratch!]);
    });
    return out;
  }

  convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | undefined): Tensor {
    const xs = this.#tensor(x, 'convTranspose2d input');
    const ws = this.#weight(weight, 'convTranspose2d weight');
    if (xs.shape.length !== 3 || ws.shape.length !== 4 || ws.shape[0] !== xs.shape[0] || ws.shape[2] !== ws.shape[3]) {
      throw new Error(`wasm backend: convTranspose2d of input [${xs.shape.join(', ')}] with weight [${ws.shape.join(', ')}]`);
    }
    const [cin, h, w] = xs.shape as [number, number, number];
    const [, cout, k] = ws.shape as [number, number, number];
    const rows = cout * k * k;
    // Rows (co, ky, kx) of the GEMM are the weight's columns: element (row, ci) at ci·rows + row.
    const packed = this.#packedConv(ws, 'convTranspose', rows, cin, 1, [1, rows, 0]);
    const out = this.#new([cout, h * k, w * k]);
    this.#withScratch([rows * h * w * 4, 4], (products, table) => {
      this.#view(table!, 1)[0] = 0;
      this.#pool.run('conv', [xs.ptr, table!, 1, cin, h * w * 4, 0, packed, rows, 0, 0, 0, products!, 1, h * w, 0, 1]);
      this.#pool.run('convTransposeScatter', [products!, cout, k, h, w, this.#optional(bias, 'convTranspose2d bias', cout), out.ptr]);
    });
    return out;
  }

  resizeBilinear(x: Tensor, outH: number, outW: number, opts: ResizeOptions = {}): Tensor {
    const xs = this.#tensor(x, 'resizeBilinear input');
    if (xs.shape.length !== 3) throw new Error(`wasm backend: resizeBilinear needs [C, H, W], got [${xs.shape.join(', ')}]`);
    if (!Number.isInteger(outH) || !Number.isInteger(outW) || outH < 1 || outW < 1) {
      throw new Error(`wasm backend: resizeBilinear output ${outH}×${outW} invalid`);
    }
    const [c, h, w] = xs.shape as [number, number, number];
    const out = this.#new([c, outH, outW]);
    this.#pool.run('resizeBilinear', [xs.ptr, c, h, w, outH, outW, this.#optional(opts.add, 'resizeBilinear add', c * outH * outW),
      this.#optional(opts.addSeparable?.x, 'resizeBilinear addSeparable.x', c * outW),
      this.#optional(opts.addSeparable?.y, 'resizeBilinear addSeparable.y', c * outH), opts.addSeparable?.split ?? 0, out.ptr]);
    return out;
  }
}
