// DA3NESTED-GIANT-LARGE: an any-view model (depth, confidence, cameras) and a metric model (depth
// in focal/300 units, sky) on the same input, combined by the metric alignment into depth and
// camera translations in metres.

import { alignNested } from '../geometry/nested-align.ts';
import type { DepthPrediction, RgbImage } from '../types.ts';
import type { Da3Output } from './da3.ts';
import type { DepthModel, PredictOptions } from './load.ts';
import type { MonocularOutput } from './monocular.ts';

const METRIC_FAMILIES = new Set(['da3-nested-metric', 'da3-metric', 'da3-mono']);

export function createNestedModel(anyview: DepthModel, metric: DepthModel): DepthModel {
  if (anyview.info.family !== 'da3' || !anyview.info.capabilities.includes('pose')) {
    throw new Error(`nested: the main model must be a DA3 any-view model with a camera head, got ${anyview.info.family} (${anyview.info.checkpointName})`);
  }
  if (!METRIC_FAMILIES.has(metric.info.family)) {
    throw new Error(`nested: the metric model must be a DA3 metric/mono model, got ${metric.info.family} (${metric.info.checkpointName})`);
  }
  const model: DepthModel = {
    info: { ...anyview.info, family: 'da3-nested', capabilities: [...anyview.info.capabilities, 'sky', 'metric'] },
    config: anyview.config,
    backend: anyview.backend,
    threads: anyview.threads,
    backendDescription: anyview.backendDescription,
    // The metric file carries no preprocessing keys: both branches see the any-view input.
    preprocess: anyview.preprocess,
    forward: anyview.forward,
    async predict(image: RgbImage, options?: PredictOptions): Promise<DepthPrediction> {
      return (await model.predictViews([image], options))[0];
    },
    async predictViews(images: readonly RgbImage[], options: PredictOptions = {}): Promise<DepthPrediction[]> {
      const input = anyview.preprocess(images, options.resolution);
      const a = await anyview.forward(input, { rays: options.rayPose }) as Da3Output;
      const m = await metric.forward(input) as MonocularOutput;
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
        depth: aligned.depth[v],
        confidence: aligned.confidence[v],
        sky: m.sky![v],
        extrinsics: aligned.extrinsics[v],
        intrinsics: cameras[v].intrinsics,
        metricScale: aligned.scale,
        image: input.images?.[v],
      }));
    },
    dispose() {
      anyview.dispose();
      metric.dispose();
    },
  };
  return model;
}
