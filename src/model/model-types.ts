// What a loaded model is and what loading and predicting take: the public types, apart from the
// code that builds models (load.ts) and the families that implement them (network-model.ts,
// nested-model.ts), so those can depend on them without depending on each other.
import type { ByteSource } from '../../gguf/source.ts';
import type { Backend } from '../backend/backend.ts';
import type { BackendName } from '../backend/select-backend.ts';
import type { DepthPrediction, ModelInfo, RgbImage } from '../types.ts';
import type { ModelConfig } from './config.ts';
import type { Da3Output } from './da3.ts';
import type { NetworkInput } from './encode-views.ts';
import type { MonocularOutput } from './monocular.ts';

export interface LoadOptions {
  /**
   * A backend name, or a Backend instance (e.g. one shared between models). Default: wasm.
   * `auto` runs WebGPU on a hardware adapter and wasm otherwise (see `backendDescription`).
   */
  backend?: BackendName | (string & {}) | Backend;
  /** Threads for the wasm backend (default: all cores where workers are available). */
  threads?: number;
  /** A precompiled kernel module for the wasm backend, for runtimes that refuse to compile bytes. */
  wasmModule?: WebAssembly.Module;
  /** A GPUDevice of the caller's for the webgpu backend (used as is, not destroyed on dispose). */
  device?: GPUDevice;
  /**
   * webgpu: 'f16' keeps linear (matmul) weights as halves — half their GPU memory and bandwidth,
   * depth within Pearson ≥ 0.9999 / max rel ≤ 1e-2 of f32. F16 GGUF tensors stay 16-bit anyway.
   */
  weightPrecision?: 'f32' | 'f16';
  /**
   * DA3NESTED: the metric-branch GGUF to pair with this any-view GGUF. Predictions are then in
   * metres (depth and camera translations scaled by the metric alignment).
   */
  metricModel?: ByteSource;
  /** Called as weights load: bytes of tensor data read so far, of the total (e.g. for a progress bar). */
  onProgress?: (loadedBytes: number, totalBytes: number) => void;
  /** Also load the 3D-Gaussian head's `gs.*` weights (DA3-GIANT), needed by `predict({ gaussians })`; skipped by default (they are large). */
  gaussians?: boolean;
}

export interface PredictOptions {
  /** Longest side (DA3) / shortest side (DA2) to process at; default: the GGUF's `img.resize_target`. */
  resolution?: number;
  /**
   * Cameras from the aux ray map (RANSAC homography + QL, seeded) instead of the camera decoder;
   * needs an aux-bearing GGUF. The prediction then also carries the ray map.
   */
  rayPose?: boolean;
  /** DA3-GIANT: also predict per-pixel 3D Gaussians (needs the model loaded with `gaussians: true`). */
  gaussians?: boolean;
}

export interface DepthModel {
  readonly info: ModelInfo;
  readonly config: ModelConfig;
  /** The backend running the network, and how many threads it uses per op. */
  readonly backend: string;
  readonly threads: number;
  /** What runs the network, in one line, e.g. "webgpu (nvidia ampere …)" or "wasm (relaxed-simd, 2 threads; no WebGPU adapter)". */
  readonly backendDescription: string;
  /** Preprocesses the image as the reference does (resize to the GGUF's target, multiple of 14) and runs the network. */
  predict(image: RgbImage, options?: PredictOptions): Promise<DepthPrediction>;
  /**
   * Several views of one scene in one pass (DA3 any-view: cross-view attention, one shared world
   * frame, reference-view selection for ≥ 3 views). All views must preprocess to the same size.
   */
  predictViews(images: readonly RgbImage[], options?: PredictOptions): Promise<DepthPrediction[]>;
  /** The network input for images: the family's preprocessing, views stacked. */
  preprocess(images: readonly RgbImage[], resolution?: number): NetworkInput;
  /** Runs the network on an already normalized input [S, 3, H, W] (H, W multiples of the patch size). */
  forward(input: NetworkInput, options?: { rays?: boolean; gaussians?: boolean }): Promise<Da3Output | MonocularOutput>;
  dispose(): void;
}
