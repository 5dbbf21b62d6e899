// glTF 2.0 binary point cloud + camera frustums, laid out byte for byte as depth-anything.cpp's
// `write_glb`: the scene is moved into the first camera's frame with glTF axes (y up, z back),
// centred on the cloud's per-axis median; points are a POINTS primitive, frustums a LINES one.
import { invert3x3, invertAffine, applyAffine } from '../geometry/matrix.ts';
import { quantiles } from '../geometry/quantile.ts';
import { formatG } from '../format/printf.ts';

export interface GlbPoints {
  count: number;
  /** xyz per point, world frame. */
  positions: Float32Array;
  /** RGB per point. */
  colors: Uint8Array;
}

export interface GlbCamera {
  width: number;
  height: number;
  /** 3×4 world-to-camera, row-major. */
  extrinsics: ArrayLike<number>;
  /** 3×3 intrinsics in processed pixels, row-major. */
  intrinsics: ArrayLike<number>;
}

export interface GlbOptions {
  /** Draw each camera as a frustum of 8 line segments (default true). */
  showCameras?: boolean;
}

/** The GLB exporter's confidence cut: min(max(1.05, P40), P90) over all pixels. */
export function glbConfidenceThreshold(confidence: Float32Array): number {
  const [p40, p90] = quantiles(confidence, [0.4, 0.9]);
  return Math.min(Math.max(1.05, p40!), p90!);
}

const FRUSTUM_SIZE = 0.03;
const GLB_MAGIC = 0x46546c67;
const CHUNK_JSON = 0x4e4f534a;
const CHUNK_BIN = 0x004e4942;
const FLOAT = 5126;
const UNSIGNED_BYTE = 5121;
const ARRAY_BUFFER = 34962;

/** A first-camera frame with glTF axes: rows 1 and 2 of w2c₀ negated (diag(1, −1, −1)). */
function gltfFromWorld(w2c: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: 12 }, (_, i) => (i < 4 ? w2c[i]! : -w2c[i]!));
}

/** Positions through `transform`, rounded to float32 (the C++ stores them so before centring). */
function transformPoints(transform: Float64Array, positions: ArrayLike<number>): Float32Array {
  const out = new Float32Array(positions.length);
  const p = new Float64Array(3);
  for (let i = 0; i < positions.length; i += 3) {
    applyAffine(transform, positions[i]!, positions[i + 1]!, positions[i + 2]!, p);
    out.set(p, i);
  }
  return out;
}

/** colorsys.hsv_to_rgb, each channel truncated to 0..255. */
function hsvToRgb8(h: number, s: number, v: number): [number, number, number] {
  const sector = Math.floor(h * 6);
  const f = h * 6 - sector;
  const p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  const rgb = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]][sector % 6]!;
  return [Math.trunc(rgb[0]! * 255), Math.trunc(rgb[1]! * 255), Math.trunc(rgb[2]! * 255)];
}

/**
 * Per axis of the aligned points: the median, which becomes the origin, and the P5..P95 extent,
 * whose length ‖P95 − P5‖ sizes the frustums (1 when there are too few points or it is degenerate).
 */
function cloudStatistics(aligned: Float32Array): { centre: number[]; scale: number } {
  if (aligned.length === 0) return { centre: [0, 0, 0], scale: 1 };
  const perAxis = [0, 1, 2].map((a) => quantiles(aligned.filter((_, i) => i % 3 === a), [0.05, 0.5, 0.95]));
  const extent = Math.sqrt(perAxis.reduce((sum, [p5, , p95]) => sum + (p95! - p5!) ** 2, 0));
  const usable = aligned.length >= 6 && Number.isFinite(extent) && extent > 0;
  return { centre: perAxis.map(([, median]) => median!), scale: usable ? extent : 1 };
}

/** 16 world-frame vertices per camera: centre→corner ×4, then the 4 image edges. */
function frustumVertices(camera: GlbCamera, size: number): Float64Array {
  const kInv = invert3x3(camera.intrinsics);
  const c2w = invertAffine(camera.extrinsics);
  if (!kInv || !c2w) throw new Error('glb: a camera has a singular intrinsic or extrinsic matrix');
  const { width: w, height: h } = camera;
  const centre = [c2w[3]!, c2w[7]!, c2w[11]!];
  const corners = [[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]].map(([u, v]) => {
    const ray = [0, 1, 2].map((r) => kInv[r * 3]! * u! + kInv[r * 3 + 1]! * v! + kInv[r * 3 + 2]!);
    const world = new Float64Array(3);
    applyAffine(c2w, (ray[0]! / ray[2]!) * size, (ray[1]! / ray[2]!) * size, size, world);
    return Array.from(world);
  });
  const segments = [0, 1, 2, 3].flatMap((i) => [centre, corners[i]!])
    .concat([0, 1, 2, 3].flatMap((i) => [corners[i]!, corners[(i + 1) % 4]!]));
  return Float64Array.from(segments.flat());
}

/** JSON chunk length: padded with spaces to 4 bytes. */
function padded(length: number): number {
  return (length + 3) & ~3;
}

function numbers(values: number[]): string {
  return `[${values.map((v) => formatG(v, 9)).join(',')}]`;
}

function bounds(positions: Float32Array): { min: number[]; max: number[] } {
  const min = [Infinity, Infinity, Infinity], max = [-Infinity, -Infinity, -Infinity];
  positions.forEach((v, i) => {
    min[i % 3] = Math.min(min[i % 3]!, v);
    max[i % 3] = Math.max(max[i % 3]!, v);
  });
  if (![...min, ...max].every(Number.isFinite)) throw new Error('glb: point coordinates are not finite');
  return { min, max };
}

/** A POSITION (float32 VEC3) + COLOR_0 (normalized u8 VEC4) pair of buffer views and accessors. */
function primitiveJson(positions: Float32Array, rgba: Uint8Array, firstView: number, offset: number, mode: number) {
  const count = positions.length / 3;
  const { min, max } = bounds(positions);
  const views = [
    `{"buffer":0,"byteOffset":${offset},"byteLength":${positions.byteLength},"target":${ARRAY_BUFFER}}`,
    `{"buffer":0,"byteOffset":${offset + positions.byteLength},"byteLength":${rgba.length},"target":${ARRAY_BUFFER}}`,
  ];
  const accessors = [
    `{"bufferView":${firstView},"componentType":${FLOAT},"count":${count},"type":"VEC3","min":${numbers(min)},"max":${numbers(max)}}`,
    `{"bufferView":${firstView + 1},"componentType":${UNSIGNED_BYTE},"normalized":true,"count":${count},"type":"VEC4"}`,
  ];
  const primitive = `{"attributes":{"POSITION":${firstView},"COLOR_0":${firstView + 1}},"mode":${mode}}`;
  const sections = [new Uint8Array(positions.buffer, positions.byteOffset, positions.byteLength), rgba];
  return { views, accessors, primitive, sections };
}

function container(json: string, bin: Uint8Array | undefined): Uint8Array {
  const jsonBytes = new TextEncoder().encode(json);
  const jsonLength = padded(jsonBytes.length);
  const total = 12 + 8 + jsonLength + (bin ? 8 + bin.length : 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, GLB_MAGIC, true);
  view.setUint32(4, 2, true);
  view.setUint32(8, total, true);
  view.setUint32(12, jsonLength, true);
  view.setUint32(16, CHUNK_JSON, true);
  out.set(jsonBytes, 20);
  out.fill(0x20, 20 + jsonBytes.length, 20 + jsonLength);
  if (bin) {
    const at = 20 + jsonLength;
    view.setUint32(at, bin.length, true);
    view.setUint32(at + 4, CHUNK_BIN, true);
    out.set(bin, at + 8);
  }
  return out;
}

/**
 * The GLB file for a coloured point cloud seen by `cameras` (the first one defines the frame).
 * Sections without elements are left out; with nothing to draw the scene is empty.
 */
export function encodeGlb(points: GlbPoints, cameras: readonly GlbCamera[], options: GlbOptions = {}): Uint8Array {
  if (cameras.length === 0) throw new Error('glb: at least one camera is needed');
  if (points.positions.length !== points.count * 3 || points.colors.length !== points.count * 3) {
    throw new Error(`glb: ${points.count} points need ${points.count * 3} coordinates and colour bytes`);
  }
  const transform = gltfFromWorld(cameras[0]!.extrinsics);
  const aligned = transformPoints(transform, points.positions);
  const { centre, scale } = cloudStatistics(aligned);
  const centred = (values: Float32Array) => values.map((v, i) => v - centre[i % 3]!);

  const pointRgba = new Uint8Array(points.count * 4).fill(255);
  for (let i = 0; i < points.count; i++) pointRgba.set(points.colors.subarray(i * 3, i * 3 + 3), i * 4);
  const parts = [];
  if (points.count > 0) parts.push({ positions: centred(aligned), rgba: pointRgba, mode: 0 });
  if (options.showCameras ?? true) {
    const size = FRUSTUM_SIZE * scale;
    const lines = new Float32Array(cameras.length * 16 * 3);
    const lineRgba = new Uint8Array(cameras.length * 16 * 4).fill(255);
    cameras.forEach((camera, i) => {
      lines.set(centred(transformPoints(transform, frustumVertices(camera, size))), i * 48);
      const rgb = hsvToRgb8((i + 0.5) / cameras.length, 0.85, 0.95);
      for (let k = 0; k < 16; k++) lineRgba.set(rgb, (i * 16 + k) * 4);
    });
    parts.push({ positions: lines, rgba: lineRgba, mode: 1 });
  }

  const asset = '"asset":{"version":"2.0","generator":"depth-anything-ts"},"scene":0';
  if (parts.length === 0) return container(`{${asset},"scenes":[{"nodes":[]}]}`, undefined);
  // Every section (12 bytes per position, 4 per colour) is already 4-byte aligned: no padding between them.
  let offset = 0;
  const views: string[] = [], accessors: string[] = [], primitives: string[] = [], sections: Uint8Array[] = [];
  for (const part of parts) {
    const json = primitiveJson(part.positions, part.rgba, views.length, offset, part.mode);
    views.push(...json.views);
    accessors.push(...json.accessors);
    primitives.push(json.primitive);
    sections.push(...json.sections);
    offset += json.sections.reduce((n, bytes) => n + bytes.length, 0);
  }
  const bin = new Uint8Array(offset);
  sections.reduce((at, bytes) => (bin.set(bytes, at), at + bytes.length), 0);
  const json =
    `{${asset},"scenes":[{"nodes":[0]}],"nodes":[{"mesh":0}],"bufferViews":[${views.join(',')}],` +
    `"accessors":[${accessors.join(',')}],"meshes":[{"primitives":[${primitives.join(',')}]}],` +
    `"buffers":[{"byteLength":${bin.length}}]}`;
  return container(json, bin);
}
