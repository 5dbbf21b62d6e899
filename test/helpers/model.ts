// Loading fixture models and reference inputs for the network parity tests.
import { decode } from 'fast-png';
import type { Backend, Tensor } from '../../src/backend/backend.ts';
import { normalizeToTensor } from '../../src/image/preprocess.ts';
import { readModelConfig, type ModelConfig } from '../../src/model/config.ts';
import type { NetworkInput } from '../../src/model/encode-views.ts';
import { GeometryCache } from '../../src/model/geometry-cache.ts';
import { loadWeights } from '../../src/model/weights-loader.ts';
import type { Trace } from '../../src/nn/trace.ts';
import type { Weights } from '../../src/nn/weights.ts';
import { openGgufFixture, readFixture } from './fixtures.ts';

export interface FixtureModel { be: Backend; cfg: ModelConfig; weights: Weights; cache: GeometryCache }

export async function loadFixtureModel(be: Backend, gguf: string): Promise<FixtureModel> {
  const { file, source } = await openGgufFixture(gguf);
  const cfg = readModelConfig(file);
  const weights = await loadWeights(file, source, be);
  const cache = new GeometryCache(be, cfg.vit, await be.download(weights.get('vit.pos_embed', 2)), await be.download(weights.get('vit.cls_token', 1)));
  return { be, cfg, weights, cache };
}

/** The views' step2 PNGs (the reference's network-size images), normalized and stacked. */
export function step2Input(views: string[], cfg: ModelConfig): NetworkInput {
  const images = views.map((name) => {
    const png = decode(readFixture(`photos/preprocessed/${name}.step2.png`));
    return { width: png.width, height: png.height, data: new Uint8Array(png.data as Uint8Array) };
  });
  const { width, height } = images[0];
  const data = new Float32Array(images.length * 3 * width * height);
  images.forEach((rgb, v) => data.set(normalizeToTensor(rgb, cfg.preprocess.mean, cfg.preprocess.std), v * 3 * width * height));
  return { data, views: images.length, height, width };
}

export interface Traced { shape: readonly number[]; data: Promise<Float32Array> }

/** A Trace that keeps a copy of every intermediate by name. */
export function recordingTrace(be: Backend, into: Map<string, Traced>): Trace {
  return (name: string, t: Tensor) => { into.set(name, { shape: t.shape, data: be.download(t) }); };
}

/** [rows, cols] → [cols, rows], to compare token matrices with NCHW reference maps. */
export function transposed(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}
