// Back-projection of depth maps to a coloured world point cloud (depth-anything.cpp
// `back_project`, DA3's glb/COLMAP exporters): X_cam = K⁻¹·(u, v, 1)·depth at integer pixel
// coordinates, X_world = inverse(w2c)·X_cam, all in float64, stored as float32.
import type { RgbImage } from '../types.ts';
import { applyAffine, invert3x3, invertAffine } from './matrix.ts';

export interface UnprojectView {
  width: number;
  height: number;
  depth: Float32Array;
  /** Per-pixel confidence; pixels below the threshold are dropped (ignored when absent). */
  confidence?: Float32Array;
  /** 3×4 world-to-camera, row-major. */
  extrinsics: ArrayLike<number>;
  /** 3×3 intrinsics in processed pixels, row-major. */
  intrinsics: ArrayLike<number>;
  /** The processed (network-size) RGB image: the colour of each point. */
  image: RgbImage;
}

export interface PointCloud {
  count: number;
  /** xyz per point, world frame. */
  positions: Float32Array;
  /** RGB per point. */
  colors: Uint8Array;
  /** Per point: index of the view it came from. */
  view: Uint32Array;
  /** Per point: pixel index v·width + u within its view. */
  pixel: Uint32Array;
}

function checkView(view: UnprojectView, index: number): void {
  const { width, height } = view;
  const pixels = width * height;
  const problem =
    !Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 ? `bad size ${width}×${height}`
    : view.depth.length !== pixels ? `depth has ${view.depth.length} values for ${width}×${height}`
    : view.confidence && view.confidence.length !== pixels ? `confidence has ${view.confidence.length} values for ${width}×${height}`
    : view.image.width !== width || view.image.height !== height ? `image is ${view.image.width}×${view.image.height}, depth ${width}×${height}`
    : view.image.data.length !== pixels * 3 ? `image has ${view.image.data.length} bytes for ${width}×${height} RGB`
    : view.extrinsics.length !== 12 ? `extrinsics need 12 values, got ${view.extrinsics.length}`
    : view.intrinsics.length !== 9 ? `intrinsics need 9 values, got ${view.intrinsics.length}`
    : undefined;
  if (problem) throw new Error(`unproject: view ${index}: ${problem}`);
}

/**
 * Every valid pixel of every view, in order views → rows → columns. A pixel is valid when its
 * depth is finite and > 0 and, if `confidenceThreshold` is given and the view has confidence,
 * confidence ≥ threshold. Views with a singular K or extrinsic matrix contribute nothing.
 */
export function unprojectViews(views: readonly UnprojectView[], confidenceThreshold?: number): PointCloud {
  views.forEach(checkView);
  const capacity = views.reduce((n, v) => n + v.width * v.height, 0);
  const positions = new Float32Array(capacity * 3);
  const colors = new Uint8Array(capacity * 3);
  const viewOf = new Uint32Array(capacity);
  const pixelOf = new Uint32Array(capacity);
  const world = new Float64Array(3);
  let count = 0;
  views.forEach((view, index) => {
    const kInv = invert3x3(view.intrinsics);
    const c2w = invertAffine(view.extrinsics);
    if (!kInv || !c2w) return;
    const { width, height, depth, confidence, image } = view;
    const filter = confidence !== undefined && confidenceThreshold !== undefined;
    for (let v = 0; v < height; v++) {
      for (let u = 0; u < width; u++) {
        const p = v * width + u;
        const d = depth[p]!;
        if (!(Number.isFinite(d) && d > 0)) continue;
        if (filter && !(confidence[p]! >= confidenceThreshold)) continue;
        const x = (kInv[0]! * u + kInv[1]! * v + kInv[2]!) * d;
        const y = (kInv[3]! * u + kInv[4]! * v + kInv[5]!) * d;
        const z = (kInv[6]! * u + kInv[7]! * v + kInv[8]!) * d;
        applyAffine(c2w, x, y, z, world);
        positions.set(world, count * 3);
        colors.set(image.data.subarray(p * 3, p * 3 + 3), count * 3);
        viewOf[count] = index;
        pixelOf[count] = p;
        count++;
      }
    }
  });
  return {
    count,
    positions: positions.slice(0, count * 3),
    colors: colors.slice(0, count * 3),
    view: viewOf.slice(0, count),
    pixel: pixelOf.slice(0, count),
  };
}
