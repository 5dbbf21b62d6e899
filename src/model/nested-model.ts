// DA3NESTED-GIANT-LARGE: an any-view model (depth, confidence, cameras) and a metric model (depth
// in focal/300 units, sky) on the same input, combined by the metric alignment into depth and
// camera translations in metres.

import { alignNested } from '../geometry/nested-align.ts';
import type { DepthPrediction, ModelInfo, RgbImage } from '../types.ts';
import type { ModelConfig } from './config.ts';
import type { Da3Output } from './da3.ts';
import type { NetworkInput } from './encode-views.ts';
import type { DepthModel, PredictOptions } from './model-types.ts';
import type { MonocularOutput } from './monocular.ts';

const METRIC_FAMILIES = new Set(['da3-nested-metric', 'da3-metric', 'da3-mono']);

export class NestedModel implements DepthModel {
  readonly info: ModelInfo;
  readonly config: ModelConfig;
  readonly backend: string;
  readonly backendDescription: string;
  readonly threads: number;
  readonly #anyview: DepthModel;
  readonly #metric: DepthModel;
  readonly #onDispose: () => void;

  /** `onDispose` runs after both branches are disposed (e.g. frees a backend they share). */
  constructor(anyview: DepthModel, metric: DepthModel, backendNote?: string, onDispose: () => void = () => {}) {
    if (anyview.info.family !== 'da3' || !anyview.info.capabilities.includes('pose')) {
      throw new Error(`nested: the main model must be a DA3 any-view model with a camera head, got ${anyview.info.family} (${anyview.info.checkpointName})`);
    }
    if (!METRIC_FAMILIES.has(metric.info.family)) {
      throw new Error(`nested: the metric model must be a DA3 metric/mono model, got ${metric.info.family} (${metric.info.checkpointName})`);
    }
    this.#anyview = anyview;
    this.#metric = metric;
    this.#onDispose = onDispose;
    this.info = { ...anyview.info, family: 'da3-nested', capabilities: [...anyview.info.capabilities, 'sky', 'metric'] };
    this.config = anyview.config;
    this.backend = anyview.backend;
    this.threads = anyview.threads;
    this.backendDescription = anyview.backendDescription + (backendNote ? `; ${backendNote}` : '');
  }

  /** The metric file carries no preprocessing keys: both branches see the any-view input. */
  preprocess(images: readonly RgbImage[], resolution?: number): NetworkInput {
    return this.#anyview.preprocess(images, resolution);
  }

  forward(input: NetworkInput, options?: { rays?: boolean; gaussians?: boolean }): Promise<Da3Output | MonocularOutput> {
    return this.#anyview.forward(input, options);
  }

  async predict(image: RgbImage, options?: PredictOptions): Promise<DepthPrediction> {
    return (await this.predictViews([image], options))[0]!;
  }

  async predictViews(images: readonly RgbImage[], options: PredictOptions = {}): Promise<DepthPrediction[]> {
    const input = this.preprocess(images, options.resolution);
    const a = await this.#anyview.forward(input, { rays: options.rayPose }) as Da3Output;
    const m = await this.#metric.forward(input) as MonocularOutput;
    const cameras = options.rayPose ? a.rayCameras! : a.cameras;
    const aligned = alignNested({
      depth: a.depth,
      confidence: a.confidence,
      extrinsics: cameras.map((c) => c.extrinsics),
      intrinsics: cameras.map((c) => c.intrinsics),
      metricDepth: m.depth,
      metricSky: m.sky!,
    });
    return images.map((_, v) => ({
      width: a.width,
      height: a.height,
      depth: aligned.depth[v]!,
      confidence: aligned.confidence[v],
      sky: m.sky![v],
      extrinsics: aligned.extrinsics[v],
      intrinsics: cameras[v]!.intrinsics,
      metricScale: aligned.scale,
      image: input.images?.[v],
    }));
  }

  dispose(): void {
    this.#anyview.dispose();
    this.#metric.dispose();
    this.#onDispose();
  }
}
