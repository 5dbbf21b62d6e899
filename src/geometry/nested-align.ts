// DA3NESTED: scale the any-view branch's relative depth and camera translations to metres with
// the metric branch (NestedDepthAnything3Net + utils/alignment.py). One least-squares scale is
// pooled over all views; quantiles are exact (upstream subsamples above 100 000 values).

import { quantile } from './quantile.ts';
import { SKY_THRESHOLD } from './sky-fill.ts';

/** The metric branch's depth is in units of focal/300: metres = depth · ((fx + fy)/2) / 300. */
export const METRIC_FOCAL_DIVISOR = 300;
const MIN_METRIC_DEPTH = 1e-2;
const MIN_DEPTH = 1e-3;
const MAX_SKY_DEPTH = 200;

export interface NestedBranches {
  /** Any-view branch, per view. */
  depth: Float32Array[];
  confidence: Float32Array[];
  extrinsics: Float64Array[];
  intrinsics: Float64Array[];
  /** Metric branch (after its own sky fill), per view. */
  metricDepth: Float32Array[];
  metricSky: Float32Array[];
}

export interface NestedAlignment {
  depth: Float32Array[];
  confidence: Float32Array[];
  /** w2c with the translation scaled to metres. */
  extrinsics: Float64Array[];
  scale: number;
  /** Intermediates, for inspection and tests. */
  metricDepthScaled: Float32Array[];
  medianConfidence: number;
  alignMask: Uint8Array[];
  skyDepth: number;
}

export function alignNested(b: NestedBranches): NestedAlignment {
  const views = b.depth.length;
  const metricDepthScaled = b.metricDepth.map((d, v) => {
    const focal = Math.fround(Math.fround(b.intrinsics[v][0] + b.intrinsics[v][4]) / 2);
    const factor = Math.fround(focal / METRIC_FOCAL_DIVISOR);
    return d.map((x) => x * factor);
  });
  const nonSky = b.metricSky.map((s) => s.map((x) => (x < SKY_THRESHOLD ? 1 : 0)));
  const pick = (maps: Float32Array[]) => Float32Array.from(maps.flatMap((m, v) => Array.from(m.filter((_, i) => nonSky[v][i]))));
  const medianConfidence = Math.fround(quantile(pick(b.confidence), 0.5));

  let num = 0, den = 0;
  const alignMask = b.depth.map((d, v) => {
    const mask = new Uint8Array(d.length);
    for (let i = 0; i < d.length; i++) {
      const m = metricDepthScaled[v][i];
      if (b.confidence[v][i] >= medianConfidence && nonSky[v][i] && m > MIN_METRIC_DEPTH && d[i] > MIN_DEPTH) {
        mask[i] = 1;
        num += m * d[i];
        den += d[i] * d[i];
      }
    }
    return mask;
  });
  const scale = num / Math.max(den, 1e-12);

  const depth = b.depth.map((d) => d.map((x) => x * scale));
  const skyDepth = Math.min(Math.fround(quantile(pick(depth), 0.99)), MAX_SKY_DEPTH);
  const confidence = b.confidence.map((c) => c.slice());
  for (let v = 0; v < views; v++) {
    for (let i = 0; i < depth[v].length; i++) {
      if (!nonSky[v][i]) { depth[v][i] = skyDepth; confidence[v][i] = 1; }
    }
  }
  const extrinsics = b.extrinsics.map((e) => e.map((x, i) => (i % 4 === 3 ? x * scale : x)));
  return { depth, confidence, extrinsics, scale, metricDepthScaled, medianConfidence, alignMask, skyDepth };
}
