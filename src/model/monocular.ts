// Single-head DPT models: DA3 mono / metric (depth + sky) and Depth Anything V2 (relative or
// metric depth). Same backbone as DA3 without camera token or alternating attention, a DPT head
// without token norm or UV embedding.

import type { Backend } from '../backend/backend.ts';
import { dptOutput, type DptGeometry } from '../nn/dpt.ts';
import type { Trace } from '../nn/trace.ts';
import type { Weights } from '../nn/weights.ts';
import { fillSkyDepth } from '../geometry/sky-fill.ts';
import type { ModelConfig } from './config.ts';
import { dualDptView } from '../nn/dual-dpt.ts';
import { encodeViews, releaseEncoded, type NetworkInput } from './encode-views.ts';
import type { GeometryCache } from './geometry-cache.ts';

export interface MonocularOutput {
  height: number;
  width: number;
  /** Per view [H·W]: DA3 mono depth after the sky fill; DA2 disparity-like (relative) or metres (metric). */
  depth: Float32Array[];
  /** DA3 mono/metric: ReLU sky map per view. */
  sky?: Float32Array[];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export async function runMonocular(be: Backend, cfg: ModelConfig, w: Weights, cache: GeometryCache, input: NetworkInput, trace?: Trace): Promise<MonocularOutput> {
  const { views: S, height: H, width: W } = input;
  const encoded = await encodeViews(be, cfg, w, cache, input, trace);
  const geo: DptGeometry = { ph: encoded.ph, pw: encoded.pw, height: H, width: W, trace };
  const isDa2 = cfg.family === 'da2' || cfg.family === 'da2-metric';
  const depth: Float32Array[] = [], sky: Float32Array[] = [];
  for (let v = 0; v < S; v++) {
    const g = dualDptView(be, w, encoded.features, v, geo).features; // the single-head DPT: DualDPT's main chain
    const logits = dptOutput(be, w, 'head.scratch.out2', g);
    trace?.('head.logits', logits);
    const z = await be.download(logits);
    be.release(logits);
    if (isDa2) {
      depth.push(cfg.maxDepth > 0 ? z.map((x) => sigmoid(x) * cfg.maxDepth) : z.map((x) => Math.max(x, 0)));
    } else {
      const skyLogits = dptOutput(be, w, 'head.scratch.sky_out2', g);
      const s = (await be.download(skyLogits)).map((x) => Math.max(x, 0));
      be.release(skyLogits);
      const d = z.map(Math.exp);
      fillSkyDepth(d, s);
      depth.push(d);
      sky.push(s);
    }
    be.release(g);
  }
  releaseEncoded(be, encoded);
  return { height: H, width: W, depth, sky: isDa2 ? undefined : sky };
}
