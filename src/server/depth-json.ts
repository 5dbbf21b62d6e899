// The JSON answer of POST /v1/depth: per view the requested maps (base64 little-endian float32,
// row-major, or a 16-bit PNG for depth), the camera as nested arrays, and for the scene the
// back-projected point cloud above the confidence cut.
import { encodeDepthPng16 } from '../export/depth-png16.ts';
import { scenePoints, sceneViews } from '../geometry/scene-views.ts';
import type { DepthPrediction } from '../types.ts';
import type { DepthRequest } from './depth-request.ts';

export interface Timings {
  decode_ms: number;
  queue_ms: number;
  infer_ms: number;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Float32 values as base64 of their little-endian bytes, whatever this machine's byte order. */
export function float32Base64(values: Float32Array): string {
  if (littleEndian) return base64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  const out = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((v, i) => out.setFloat32(i * 4, v, true));
  return base64(new Uint8Array(out.buffer));
}

function rows(values: ArrayLike<number>, columns: number): number[][] {
  return Array.from({ length: values.length / columns }, (_, r) => Array.from({ length: columns }, (_, c) => values[r * columns + c]!));
}

function viewJson(request: DepthRequest, p: DepthPrediction): Record<string, unknown> {
  const out: Record<string, unknown> = { width: p.width, height: p.height };
  if (request.includeDepth) {
    if (request.depthFormat === 'png16') {
      const { png, min, max } = encodeDepthPng16(p.depth, p.width, p.height);
      Object.assign(out, { depth: base64(png), depth_format: 'png16', depth_range: [min, max] });
    } else {
      Object.assign(out, { depth: float32Base64(p.depth), depth_format: 'f32' });
    }
  }
  if (request.includeConf && p.confidence) out.confidence = float32Base64(p.confidence);
  if (request.includeSky && p.sky) out.sky = float32Base64(p.sky);
  if (request.includePose && p.extrinsics && p.intrinsics) {
    out.extrinsics = rows(p.extrinsics, 4);
    out.intrinsics = rows(p.intrinsics, 3);
  }
  if (p.metricScale !== undefined) out.metric_scale = p.metricScale;
  return out;
}

/** The scene's points: above conf_threshold if given, else the GLB exporter's cut. */
function pointsJson(request: DepthRequest, predictions: readonly DepthPrediction[]) {
  const views = sceneViews(predictions);
  if (!views) return undefined;
  const cloud = scenePoints(views, request.confThreshold);
  return { count: cloud.count, conf_threshold: cloud.threshold, xyz: float32Base64(cloud.positions), rgb: base64(cloud.colors) };
}

export function depthJson(modelId: string, request: DepthRequest, predictions: readonly DepthPrediction[], timings: Timings): Record<string, unknown> {
  const points = request.includePoints ? pointsJson(request, predictions) : undefined;
  const scene = request.multiView ? { views: predictions.map((p) => viewJson(request, p)) } : viewJson(request, predictions[0]!);
  return { model: modelId, ...scene, ...(points && { points }), timings };
}
