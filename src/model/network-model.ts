// One network on one backend (DA3 any-view, DA3 mono/metric, DA2): preprocessing as the
// reference does it, the forward (runDa3 / runMonocular), and the outputs as public predictions.
import type { Backend } from '../backend/backend.ts';
import type { Weights } from '../nn/weights.ts';
import type { DepthPrediction, ModelInfo, RgbImage } from '../types.ts';
import type { ModelConfig } from './config.ts';
import { runDa3, type Da3Output } from './da3.ts';
import type { NetworkInput } from './encode-views.ts';
import type { GeometryCache } from './geometry-cache.ts';
import type { DepthModel, PredictOptions } from './model-types.ts';
import { runMonocular, type MonocularOutput } from './monocular.ts';
import { preprocessViews } from './preprocess-views.ts';

export class NetworkModel implements DepthModel {
  readonly info: ModelInfo;
  readonly config: ModelConfig;
  readonly backend: string;
  readonly backendDescription: string;
  readonly threads: number;
  readonly #be: Backend;
  readonly #weights: Weights;
  readonly #cache: GeometryCache;
  readonly #ownsBackend: boolean;

  constructor(info: ModelInfo, config: ModelConfig, be: Backend, weights: Weights, cache: GeometryCache, ownsBackend: boolean, backendNote?: string) {
    this.info = info;
    this.config = config;
    this.#be = be;
    this.#weights = weights;
    this.#cache = cache;
    this.#ownsBackend = ownsBackend;
    this.backend = be.name;
    this.backendDescription = (be.description ?? be.name) + (backendNote ? `; ${backendNote}` : '');
    this.threads = 'threads' in be && typeof be.threads === 'number' ? be.threads : 1;
  }

  /** Any-view DA3: DualDPT + camera decoder; the others: a single DPT head. */
  get #anyView(): boolean {
    return this.config.family === 'da3';
  }

  preprocess(images: readonly RgbImage[], resolution?: number): NetworkInput {
    return preprocessViews(this.config, images, resolution);
  }

  forward(input: NetworkInput, { rays = false, gaussians = false } = {}): Promise<Da3Output | MonocularOutput> {
    return this.#anyView
      ? runDa3(this.#be, this.config, this.#weights, this.#cache, input, { rays, gaussians })
      : runMonocular(this.#be, this.config, this.#weights, this.#cache, input);
  }

  async predict(image: RgbImage, options?: PredictOptions): Promise<DepthPrediction> {
    return (await this.predictViews([image], options))[0]!;
  }

  async predictViews(images: readonly RgbImage[], options: PredictOptions = {}): Promise<DepthPrediction[]> {
    const name = this.config.checkpointName || 'this model';
    if (options.rayPose && !this.config.hasAuxRays) {
      throw new Error(`ray pose needs an aux-bearing GGUF (depth-anything.cpp converter --with-aux); ${name} has no aux ray head`);
    }
    if (options.gaussians && !this.#anyView) throw new Error(`3D Gaussians need DA3-GIANT's GS head; ${name} (${this.config.family}) has none`);
    const input = this.preprocess(images, options.resolution);
    const out = await this.forward(input, { rays: options.rayPose, gaussians: options.gaussians });
    return images.map((_, v) => ({ ...toPrediction(out, v, this.config.vit.patchSize, options.rayPose), image: input.images?.[v] }));
  }

  dispose(): void {
    if (this.#ownsBackend) this.#be.dispose();
  }
}

/** View v of a network output as the public prediction. */
export function toPrediction(out: Da3Output | MonocularOutput, v: number, patch: number, rayPose = false): DepthPrediction {
  const { width, height } = out;
  const prediction: DepthPrediction = { width, height, depth: out.depth[v]! };
  if ('confidence' in out) {
    const camera = rayPose ? out.rayCameras![v] : out.cameras[v];
    prediction.confidence = out.confidence[v];
    prediction.extrinsics = camera?.extrinsics;
    prediction.intrinsics = camera?.intrinsics;
    if (rayPose) {
      prediction.rays = { width: 8 * width / patch, height: 8 * height / patch, rays: out.rays![v]!, confidence: out.rayConfidence![v]! };
    }
    if (out.gaussians) prediction.gaussians = out.gaussians[v];
  } else if (out.sky) {
    prediction.sky = out.sky[v];
  }
  return prediction;
}
