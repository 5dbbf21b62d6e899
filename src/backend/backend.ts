// The Backend interface: every op the Depth Anything graphs need, written once in src/nn/ and
// executed by a backend (reference TS loops, WASM SIMD, WebGPU). A backend owns its tensors:
// data stays where it was computed until `download` is called.
//
// Layouts (all float32, row-major):
//   token matrices  [rows, cols]       e.g. tokens [S·T, C], weights of a linear [out, in]
//   feature maps    [C, H, W]          one view at a time (NCHW without the batch dimension)
//   conv weights    [Cout, Cin, kh, kw]            (PyTorch layout = GGUF bytes as stored)
//   conv-transpose  [Cin, Cout, kh, kw]

export interface Tensor {
  readonly shape: readonly number[];
}

export type Activation = 'none' | 'relu' | 'gelu';

export interface LinearOptions {
  activation?: Activation;
  /** out = residual + scale ⊙ act(x·Wᵀ + b); `scale` is a [N] vector (LayerScale), `residual` is [M, N]. */
  residual?: Tensor;
  scale?: Tensor;
}

export interface AttentionOptions {
  heads: number;
  /** Tokens per independent sequence; rows of qkv are `batch · seqLen`. */
  seqLen: number;
  /** QK-norm: LayerNorm over head_dim (weights [headDim]) applied to q and k of every head. */
  qNorm?: { weight: Tensor; bias: Tensor };
  kNorm?: { weight: Tensor; bias: Tensor };
  normEps?: number;
  /**
   * 2D RoPE after QK-norm: per token row (of one sequence) the cos and sin of every head
   * dimension, shape [seqLen, headDim] (rotate-half form: x·cos + rotateHalf(x)·sin per half).
   */
  rope?: { cos: Tensor; sin: Tensor };
}

export interface Conv2dOptions {
  stride?: number;
  pad?: number;
  /** Apply ReLU to the input before convolving (DPT residual units). */
  reluInput?: boolean;
  activation?: Activation;
  /** Added after the activation: out = act(conv(x) + b) + residual. */
  residual?: Tensor;
  /**
   * A 1×1 conv applied to that result (weight [P, Cout, 1, 1], optional bias [P]), returning
   * [P, Ho, Wo]. A backend may compute it band by band so the Cout-channel map never exists whole.
   */
  project?: { weight: Tensor; bias?: Tensor };
}

export interface UploadOptions {
  /**
   * A model parameter, constant for the backend's lifetime. A backend may then convert it in place
   * into the layout its first consumer needs (e.g. a packed GEMM operand) and drop the plain
   * values: afterwards the tensor serves only that use, and other uses throw.
   */
  weight?: boolean;
  /**
   * The same values as the GGUF stores them (`type` a GGML type id, `bytes` long). A backend
   * that keeps that type (`keepsStored`) fills through this instead of `fill`: no float32 copy
   * exists.
   */
  stored?: StoredTensor;
}

export interface StoredTensor {
  type: number;
  bytes: number;
  fill: (target: Uint8Array) => Promise<void>;
}

export interface ResizeOptions {
  /** Added to the resized map (same shape as the output): out = resize(x) + add. */
  add?: Tensor;
  /**
   * A map whose channels below `split` vary only along x and the others only along y (the UV
   * embedding), added without materialising it at full resolution: out[c, i, j] = resize(x)[c, i, j]
   * + (c < split ? x[c, 0, j] : y[c, i, 0]), with x [C, 1, outW] and y [C, outH, 1].
   */
  addSeparable?: { x: Tensor; y: Tensor; split: number };
}

export interface RowRange {
  tensor: Tensor;
  start: number;
  count: number;
}

export interface Backend {
  readonly name: string;
  /** What runs, in one line for a user, e.g. "wasm (relaxed-simd, 2 threads)". */
  readonly description?: string;
  /**
   * The most bytes of float32 tensors the backend can hold in all, when it has such a limit
   * (wasm32: a 4 GiB heap). Loading checks a model's weights against it before reading them.
   */
  readonly memoryLimitBytes?: number;
  /**
   * Whether a weight of this GGUF type and shape stays in that type in the backend's memory
   * (uploaded through `UploadOptions.stored`); otherwise it is widened to float32.
   */
  keepsStored?(type: number, shape: readonly number[]): boolean;

  upload(data: Float32Array, shape: readonly number[], opts?: UploadOptions): Tensor;
  /**
   * A new tensor whose values `fill` writes into the view it is given (the backend's own memory,
   * valid only during `fill`): weights stream from a file into place with no transient copy.
   */
  uploadWith(shape: readonly number[], fill: (target: Float32Array) => Promise<void>, opts?: UploadOptions): Promise<Tensor>;
  download(t: Tensor): Promise<Float32Array>;
  /**
   * Frees the tensor's storage; the handle (and every reshape view of it) must not be used
   * afterwards, except that releasing it again does nothing.
   */
  release(t: Tensor): void;
  /** Frees everything the backend holds (tensors, workers); it must not be used afterwards. */
  dispose(): void;
  /** Same data, new shape of equal size (a view: no copy; the result shares storage with t). */
  reshape(t: Tensor, shape: readonly number[]): Tensor;

  /** x [M, K] · W[N, K]ᵀ + b → [M, N], with a fused epilogue. */
  linear(x: Tensor, weight: Tensor, bias: Tensor | undefined, opts?: LinearOptions): Tensor;
  /** LayerNorm over the last dimension. */
  layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps: number): Tensor;
  /**
   * Multi-head self-attention core on a fused projection qkv [rows, 3·C] laid out
   * (q | k | v), heads contiguous inside each; returns [rows, C] = softmax(q·kᵀ/√d)·v.
   */
  attention(qkv: Tensor, opts: AttentionOptions): Tensor;
  /** x [M, 2H] → silu(x[:, :H]) ⊙ x[:, H:]  ([M, H]). */
  swiglu(x: Tensor): Tensor;
  /** New [Σ count, cols] tensor made of the listed row ranges, in order. */
  gatherRows(ranges: readonly RowRange[]): Tensor;
  /** [M, A] ‖ [M, B] → [M, A + B]. */
  concatCols(a: Tensor, b: Tensor): Tensor;
  /** [M, N] → [N, M] (tokens ↔ channel-major maps). */
  transpose(x: Tensor): Tensor;
  /** Elementwise a + b, same shape. */
  add(a: Tensor, b: Tensor): Tensor;
  /** Elementwise ReLU. */
  relu(x: Tensor): Tensor;

  /** [Cin, H, W] → [Cout, Ho, Wo], zero padding, cross-correlation. */
  conv2d(x: Tensor, weight: Tensor, bias: Tensor | undefined, opts?: Conv2dOptions): Tensor;
  /** Non-overlapping transposed convolution (kernel = stride), [Cin, H, W] → [Cout, H·k, W·k]. */
  convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | undefined): Tensor;
  /** Bilinear resize with align_corners = True, [C, H, W] → [C, outH, outW]. */
  resizeBilinear(x: Tensor, outH: number, outW: number, opts?: ResizeOptions): Tensor;
}
