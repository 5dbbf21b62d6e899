// The library's entry point: open a GGUF, pick the family from its metadata, place the weights
// on a backend, and return a model that turns decoded images into depth (and cameras).

import { readGguf } from '../../gguf/reader.ts';
import type { ByteSource } from '../../gguf/source.ts';
import type { Backend } from '../backend/backend.ts';
import { createBackendByName } from '../backend/select-backend.ts';
import { readModelConfig } from './config.ts';
import { describeModel } from './describe.ts';
import { GeometryCache } from './geometry-cache.ts';
import type { DepthModel, LoadOptions } from './model-types.ts';
import { NestedModel } from './nested-model.ts';
import { NetworkModel } from './network-model.ts';
import { loadWeights } from './weights-loader.ts';

export { BACKEND_NAMES, type BackendName } from '../backend/select-backend.ts';
export type { DepthModel, LoadOptions, PredictOptions } from './model-types.ts';

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
    const ownsBackend = typeof options.backend !== 'object';
    try {
      const anyview = await loadModel(source, shared);
      const metric = await loadModel(metricModel, shared).catch((e: unknown) => { anyview.dispose(); throw e; });
      return new NestedModel(anyview, metric, note, () => { if (ownsBackend) be.dispose(); });
    } catch (e) {
      if (ownsBackend) be.dispose();
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
    weights = await loadWeights(file, source, be, (name) => options.gaussians === true || !name.startsWith('gs.'), options.onProgress);
    cache = new GeometryCache(be, config.vit, await be.download(weights.get('vit.pos_embed', 2)), await be.download(weights.get('vit.cls_token', 1)));
  } catch (e) {
    if (ownsBackend) be.dispose(); // a truncated or inconsistent file must not leak the workers
    throw e;
  }
  return new NetworkModel(info, config, be, weights, cache, ownsBackend, note);
}
