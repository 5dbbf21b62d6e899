// The library's entry point: open a GGUF, pick the family from its metadata, place the weights
// on a backend, and return a model that turns decoded images into depth (and cameras).

import { readGguf } from '../../gguf/reader.ts';
import type { ByteSource } from '../../gguf/source.ts';
import type { Backend } from '../backend/backend.ts';
import { createBackendByName, type BackendName } from '../backend/select-backend.ts';
import type { DepthPrediction, ModelInfo, RgbImage } from '../types.ts';
import { readModelConfig, type ModelConfig } from './config.ts';
import { runDa3, type Da3Output } from './da3.ts';
import type { NetworkInput } from './encode-decode.ts';
import { describeModel } from './describe.ts';
import { GeometryCache } from './geometry-cache.ts';
import { runMonocular, type MonocularOutput } from './monocular.ts';
import { createNestedModel } from './nested.ts';
import { preprocessViews } from './preprocess-views.ts';
import { loadWeights } from './weights-loader.ts';

export { BACKEND_NAMES, type BackendName } from '../backend/select-backend.ts';

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

const SUPPORTED_FAMILIES = new Set(['da3', 'da3-mono', 'da3-metric', 'da3-nested-metric', 'da2', 'da2-metric']);

/** The backend to run on, and (for `auto`) why WebGPU was not chosen. */
async function createBackend(options: LoadOptions): Promise<{ backend: Backend; note?: string }> {
  const choice = options.backend ?? 'wasm';
  if (typeof choice !== 'string') return { backend: choice };
  return createBackendByName(choice, { threads: options.threads, wasmModule: options.wasmModule, device: options.device, weightPrecision: options.weightPrecision });
}

export async function loadModel(source: ByteSource, options: LoadOptions = {}): Promise<DepthModel> {
  if (options.metricModel) {
    const { metricModel, ...rest } = options;
    const { backend: be, note } = await createBackend(rest);
    const shared = { ...rest, backend: be };
    try {
      const nested = createNestedModel(await loadModel(source, shared), await loadModel(metricModel, shared));
      const backendDescription = nested.backendDescription + (note ? `; ${note}` : '');
      return { ...nested, backendDescription, dispose: () => { nested.dispose(); if (typeof options.backend !== 'object') be.dispose(); } };
    } catch (e) {
      if (typeof options.backend !== 'object') be.dispose();
      throw e;
    }
  }
  const file = await readGguf(source);
  const info = describeModel(file);
  const config = readModelConfig(file);
  if (!SUPPORTED_FAMILIES.has(config.family)) {
    throw new Error(`model: family '${config.family}' (${config.checkpointName || 'unnamed'}) is not supported yet; supported: ${[...SUPPORTED_FAMILIES].join(', ')}`);
  }
  const { backend: be, note } = await createBackend(options);
  const ownsBackend = typeof options.backend !== 'object';
  let weights, cache;
  try {
    weights = await loadWeights(file, source, be, (name) => options.gaussians === true || !name.startsWith('gs.'));
    cache = new GeometryCache(be, config.vit, await be.download(weights.get('vit.pos_embed', 2)), await be.download(weights.get('vit.cls_token', 1)));
  } catch (e) {
    if (ownsBackend) be.dispose(); // a truncated or inconsistent file must not leak the workers
    throw e;
  }
  const anyView = config.family === 'da3';
  const model: DepthModel = {
    info,
    config,
    backend: be.name,
    backendDescription: (be.description ?? be.name) + (note ? `; ${note}` : ''),
    threads: 'threads' in be && typeof be.threads === 'number' ? be.threads : 1,
    preprocess: (images, resolution) => preprocessViews(config, images, resolution),
    forward: (input, { rays = false, gaussians = false } = {}) => anyView
      ? runDa3(be, config, weights, cache, input, { rays, gaussians })
      : runMonocular(be, config, weights, cache, input),
    async predict(image: RgbImage, options?: PredictOptions): Promise<DepthPrediction> {
      return (await model.predictViews([image], options))[0];
    },
    async predictViews(images: readonly RgbImage[], options: PredictOptions = {}): Promise<DepthPrediction[]> {
      if (options.rayPose && !config.hasAuxRays) {
        throw new Error(`ray pose needs an aux-bearing GGUF (depth-anything.cpp converter --with-aux); ${config.checkpointName || 'this model'} has no aux ray head`);
      }
      if (options.gaussians && !anyView) throw new Error(`3D Gaussians need DA3-GIANT's GS head; ${config.checkpointName || 'this model'} (${config.family}) has none`);
      const input = model.preprocess(images, options.resolution);
      const out = await model.forward(input, { rays: options.rayPose, gaussians: options.gaussians });
      return images.map((_, v) => ({ ...toPrediction(out, v, config.vit.patchSize, options.rayPose), image: input.images?.[v] }));
    },
    dispose() {
      if (ownsBackend) be.dispose();
    },
  };
  return model;
}

/** View v of a network output as the public prediction. */
export function toPrediction(out: Da3Output | MonocularOutput, v: number, patch: number, rayPose = false): DepthPrediction {
  const { width, height } = out;
  const prediction: DepthPrediction = { width, height, depth: out.depth[v] };
  if ('confidence' in out) {
    const camera = rayPose ? out.rayCameras![v] : out.cameras[v];
    prediction.confidence = out.confidence[v];
    prediction.extrinsics = camera?.extrinsics;
    prediction.intrinsics = camera?.intrinsics;
    if (rayPose) {
      prediction.rays = { width: 8 * width / patch, height: 8 * height / patch, rays: out.rays![v], confidence: out.rayConfidence![v] };
    }
    if (out.gaussians) prediction.gaussians = out.gaussians[v];
  } else if (out.sky) {
    prediction.sky = out.sky[v];
  }
  return prediction;
}
