// What `depth` reports on stdout, one shape for every run: per view a pose line (models with a
// camera) and a depth line, then one `wrote` line per output, in the order written; or, with
// --json, the same facts as one JSON object.
import { finiteRange } from '../export/finite-range.ts';
import { formatFixed } from '../format/printf.ts';
import type { DepthPrediction, ModelFamily } from '../types.ts';
import type { WrittenExport } from './depth-export.ts';

/** depth-anything.cpp tags the depth line with the route it took. */
const ROUTE_SUFFIX: Record<ModelFamily, string> = {
  'da3': '',
  'da3-mono': ' (mono+sky)',
  'da3-metric': ' (mono+sky)',
  'da3-nested-metric': ' (mono+sky)',
  'da3-nested': ' (metric)',
  'da2': ' (da2)',
  'da2-metric': ' (da2)',
};

export interface RunSummary {
  family: ModelFamily;
  backend: string;
  rayPose: boolean;
  predictions: readonly DepthPrediction[];
  /** Files in the order written. */
  files: readonly string[];
  exports: readonly WrittenExport[];
}

function poseLine(intrinsics: Float64Array, rayPose: boolean): string {
  const [fx, , cx, , fy, cy] = intrinsics;
  return `pose${rayPose ? ' (ray)' : ''}: fx=${formatFixed(fx!, 4)} fy=${formatFixed(fy!, 4)} cx=${formatFixed(cx!, 4)} cy=${formatFixed(cy!, 4)}`;
}

function depthLine(p: DepthPrediction, family: ModelFamily): string {
  const range = finiteRange(p.depth) ?? { min: NaN, max: NaN };
  const extent = `${p.width}x${p.height} min=${formatFixed(range.min, 4)} max=${formatFixed(range.max, 4)}`;
  if (p.metricScale !== undefined) return `metric depth ${extent} scale_factor=${formatFixed(p.metricScale, 6)}`;
  return `depth ${extent}${ROUTE_SUFFIX[family]}`;
}

export function summaryText(s: RunSummary): string {
  const lines: string[] = [];
  s.predictions.forEach((p, i) => {
    const prefix = s.predictions.length > 1 ? `view ${i}: ` : '';
    if (p.intrinsics) lines.push(prefix + poseLine(p.intrinsics, s.rayPose));
    lines.push(prefix + depthLine(p, s.family));
  });
  for (const file of s.files) lines.push(`wrote ${file}`);
  for (const e of s.exports) lines.push(e.kind === 'glb' ? `wrote ${e.path}` : `wrote COLMAP model (${e.format}) to ${e.path}`);
  return lines.join('\n') + '\n';
}

const rows = (m: Float64Array, cols: number) => Array.from({ length: m.length / cols }, (_, r) => Array.from(m.subarray(r * cols, (r + 1) * cols)));

export function summaryJson(s: RunSummary): string {
  return JSON.stringify({
    family: s.family,
    backend: s.backend,
    views: s.predictions.map((p) => {
      const range = finiteRange(p.depth);
      return {
        width: p.width,
        height: p.height,
        depth: { min: range?.min ?? null, max: range?.max ?? null },
        ...(p.metricScale !== undefined ? { metric_scale: p.metricScale } : {}),
        ...(p.intrinsics ? { intrinsics: rows(p.intrinsics, 3), pose_source: s.rayPose ? 'rays' : 'camera_decoder' } : {}),
        ...(p.extrinsics ? { extrinsics: rows(p.extrinsics, 4) } : {}),
      };
    }),
    files: [...s.files, ...s.exports.filter((e) => e.kind === 'glb').map((e) => e.path)],
    ...(s.exports.some((e) => e.kind === 'colmap') ? { colmap: s.exports.filter((e) => e.kind === 'colmap').map((e) => ({ dir: e.path, format: e.format })) } : {}),
  }, null, 2) + '\n';
}
