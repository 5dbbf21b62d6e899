// The library's entry point: open a GGUF, pick the family from its metadata, place the weights
// on a backend, and return a model that turns decoded images into depth (and cameras).

import { readGguf } from '../../gguf/reader.ts';
import type { ByteSource } from '../../gguf/source.ts';
import type { Backend } from '../backend/backend.ts';
import { ReferenceBackend } from '../backend/reference/reference-backend.ts';
import { preprocessDa2, preprocessDa3 } from '../image/preprocess.ts';
import type { DepthPrediction, ModelInfo, RgbImage } from '../types.ts';
import { readModelConfig, type ModelConfig } from './config.ts';
import { runDa3, type Da3Output } from './da3.ts';
import type { NetworkInput } from './encode-decode.ts';
import { describeModel } from './describe.ts';
import { GeometryCache } from './geometry-cache.ts';
import { runMonocular, type MonocularOutput } from './monocular.ts';
import { loadWeights } from './weights-loader.ts';

export type BackendName = 'reference';

export interface LoadOptions {
  /** A backend name, or a Backend instance (e.g. one shared between models). Default: reference. */
  backend?: BackendName | (string & {}) | Backend;
  /** Worker threads for backends that use them (ignored by the reference backend). */
  threads?: number;
}

export interface DepthModel {
  readonly info: ModelInfo;
  readonly config: ModelConfig;
  /** Preprocesses the image as the reference does (resize to the GGUF's target, multiple of 14) and runs the network. */
  predict(image: RgbImage): Promise<DepthPrediction>;
  /** Runs the network on an already normalized input [S, 3, H, W] (H, W multiples of the patch size). */
  forward(input: NetworkInput): Promise<Da3Output | MonocularOutput>;
  dispose(): void;
}

const SUPPORTED_FAMILIES = new Set(['da3', 'da3-mono', 'da3-metric', 'da2', 'da2-metric']);

/** The decimal constant a float32 metadata value was written from (0.48500001 → 0.485): DA2 normalizes in float64. */
const shortestDecimal = (v: number) => Number(Math.fround(v).toPrecision(7));

function createBackend(choice: LoadOptions['backend']): Backend {
  if (choice === undefined || choice === 'reference') return new ReferenceBackend();
  if (typeof choice === 'string') throw new Error(`unknown backend '${choice}' (available: reference)`);
  return choice;
}

export async function loadModel(source: ByteSource, options: LoadOptions = {}): Promise<DepthModel> {
  const file = await readGguf(source);
  const info = describeModel(file);
  const config = readModelConfig(file);
  if (!SUPPORTED_FAMILIES.has(config.family)) {
    throw new Error(`model: family '${config.family}' (${config.checkpointName || 'unnamed'}) is not supported yet; supported: ${[...SUPPORTED_FAMILIES].join(', ')}`);
  }
  const be = createBackend(options.backend);
  const weights = await loadWeights(file, source, be, (name) => !name.startsWith('gs.') && !name.includes('_aux'));
  const cache = new GeometryCache(be, config.vit, await be.download(weights.get('vit.pos_embed', 2)), await be.download(weights.get('vit.cls_token', 1)));
  const anyView = config.family === 'da3';
  const forward = (input: NetworkInput) => anyView ? runDa3(be, config, weights, cache, input) : runMonocular(be, config, weights, cache, input);
  const pre = config.preprocess;
  const isDa2 = config.family === 'da2' || config.family === 'da2-metric';
  return {
    info,
    config,
    forward,
    async predict(image: RgbImage): Promise<DepthPrediction> {
      const input = isDa2
        ? preprocessDa2(image, { target: pre.resizeTarget, mean: pre.mean.map(shortestDecimal), std: pre.std.map(shortestDecimal), patch: config.vit.patchSize })
        : preprocessDa3(image, { target: pre.resizeTarget, mode: pre.resizeMode, mean: pre.mean, std: pre.std, patch: config.vit.patchSize });
      const out = await forward({ data: input.tensor, views: 1, height: input.height, width: input.width });
      const prediction: DepthPrediction = { width: out.width, height: out.height, depth: out.depth[0] };
      if ('confidence' in out) {
        prediction.confidence = out.confidence[0];
        prediction.extrinsics = out.cameras[0]?.extrinsics;
        prediction.intrinsics = out.cameras[0]?.intrinsics;
      } else if (out.sky) {
        prediction.sky = out.sky[0];
      }
      return prediction;
    },
    dispose() {
      // Tensors are garbage-collected with the backend on the reference path.
    },
  };
}
