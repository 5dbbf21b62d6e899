// Camera pose and intrinsics from DA3's predicted ray map (`use_ray_pose`, DA3
// utils/ray_utils.py): a weighted RANSAC homography between the identity camera's image plane
// and the predicted ray directions, QL-decomposed into rotation and intrinsics; the translation
// is the confidence-weighted mean of the predicted ray origins. Float64 throughout.
//
// Upstream draws its RANSAC samples and the >8000-inlier subset from torch's unseeded RNG; here
// they come from the project's seeded PRNG (src/random.ts), or are fed in (parity tests replay
// the reference's draws).

import { Random } from '../random.ts';
import { invertRigid, type Camera } from './camera.ts';
import { weightedHomography } from './homography.ts';
import { ql3 } from './ql.ts';

export const RAY_POSE_DEFAULTS = {
  iterations: 100,
  samplesPerIteration: 8,
  /** Candidates for sampling: the top 30 % of points by weight. */
  sampleRatio: 0.3,
  reprojectionThreshold: 0.2,
  /** Rays with |z| at or below this get weight 0. */
  zThreshold: 1e-4,
  maxRefitPoints: 8000,
  seed: 1234,
};

export interface RayPoseOptions {
  /** RANSAC draws [iterations × samplesPerIteration]: positions in the candidate list, shared by all views. */
  sampleTable?: Int32Array;
  /** Per view, the points (ray-grid indices) of the final refit, replacing the inlier selection. */
  refitPoints?: (Int32Array | undefined)[];
  seed?: number;
}

export interface RayPoseView extends Camera {
  /** Best RANSAC homography after the refit, before the det > 0 sign fix. */
  homography: Float64Array;
  /** Points used in the refit (ray-grid indices). */
  refitPoints: Int32Array;
  /** Focal lengths and principal point in normalized units (DA3 `caminfo`). */
  focal: [number, number];
  principalPoint: [number, number];
  rotation: Float64Array;
  translation: Float64Array;
}

/**
 * rays: per view [hy·wx·6] channels-last (direction xyz, origin xyz) on the 8ph×8pw grid;
 * confidence: per view [hy·wx]. Image size (H, W) scales the intrinsics to processed pixels.
 */
export function rayPose(rays: Float32Array[], confidence: Float32Array[], hy: number, wx: number, height: number, width: number, options: RayPoseOptions = {}): RayPoseView[] {
  const d = RAY_POSE_DEFAULTS;
  const m = hy * wx;
  const candidates = Math.max(d.samplesPerIteration, Math.floor(m * d.sampleRatio));
  const table = options.sampleTable ?? drawSampleTable(candidates, new Random(options.seed ?? d.seed));
  const src = imagePlaneGrid(hy, wx);
  return rays.map((ray, v) => solveView(ray, confidence[v], src, m, candidates, table, options.refitPoints?.[v], height, width, new Random((options.seed ?? d.seed) ^ (v + 1))));
}

function drawSampleTable(candidates: number, random: Random): Int32Array {
  const { iterations, samplesPerIteration } = RAY_POSE_DEFAULTS;
  const table = new Int32Array(iterations * samplesPerIteration);
  for (let i = 0; i < iterations; i++) table.set(random.sample(candidates, samplesPerIteration), i * samplesPerIteration);
  return table;
}

/** Pixel centres of the identity camera with a 2×2 normalized image: ((2j+1)/wx − 1, (2i+1)/hy − 1). */
export function imagePlaneGrid(hy: number, wx: number): Float64Array {
  const grid = new Float64Array(hy * wx * 2);
  for (let i = 0; i < hy; i++) {
    for (let j = 0; j < wx; j++) {
      grid[2 * (i * wx + j)] = (2 * j + 1) / wx - 1;
      grid[2 * (i * wx + j) + 1] = (2 * i + 1) / hy - 1;
    }
  }
  return grid;
}

function solveView(ray: Float32Array, conf: Float32Array, src: Float64Array, m: number, candidates: number, table: Int32Array, fedRefit: Int32Array | undefined, height: number, width: number, random: Random): RayPoseView {
  const d = RAY_POSE_DEFAULTS;
  // Destination: ray directions projected to z = 1; rays near the z = 0 plane get no weight
  // (also in the translation average, as upstream zeroes the weights in place).
  const dst = new Float64Array(2 * m), w = new Float64Array(m);
  for (let n = 0; n < m; n++) {
    const x = ray[6 * n], y = ray[6 * n + 1], z = ray[6 * n + 2];
    const valid = Math.abs(z) > d.zThreshold;
    dst[2 * n] = valid ? x / z : x;
    dst[2 * n + 1] = valid ? y / z : y;
    w[n] = valid ? conf[n] : 0;
  }
  const byWeight = argsortDescending(w);
  const candidateIdx = byWeight.subarray(0, candidates);

  let best = -1, bestScore = -Infinity, bestH: Float64Array | undefined;
  const sample = new Int32Array(d.samplesPerIteration);
  for (let it = 0; it * d.samplesPerIteration < table.length; it++) {
    for (let k = 0; k < d.samplesPerIteration; k++) sample[k] = candidateIdx[table[it * d.samplesPerIteration + k]];
    const h = weightedHomography(src, dst, w, sample);
    const score = inlierWeight(h, src, dst, w, m);
    if (score > bestScore) { bestScore = score; best = it; bestH = h; }
  }
  if (best < 0 || !bestH) throw new Error('ray pose: RANSAC found no homography');

  const refitPoints = fedRefit ?? selectRefitPoints(bestH, src, dst, w, m, random);
  const homography = weightedHomography(src, dst, w, refitPoints);
  const a = det3(homography) < 0 ? homography.map((x) => -x) : homography;
  const { q, l } = ql3(a);
  const fx = l[0] / l[8], fy = l[4] / l[8], px = l[6] / l[8], py = l[7] / l[8];
  const focal: [number, number] = [1 / fx, 1 / fy];
  const principalPoint: [number, number] = [px + 1, py + 1];

  const translation = new Float64Array(3);
  let wsum = 0;
  for (let n = 0; n < m; n++) {
    for (let c = 0; c < 3; c++) translation[c] += w[n] * ray[6 * n + 3 + c];
    wsum += w[n];
  }
  for (let c = 0; c < 3; c++) translation[c] /= wsum;

  return {
    extrinsics: invertRigid(q, translation),
    intrinsics: Float64Array.of(focal[0] / 2 * width, 0, principalPoint[0] * width / 2, 0, focal[1] / 2 * height, principalPoint[1] * height / 2, 0, 0, 1),
    homography, refitPoints, focal, principalPoint, rotation: q, translation,
  };
}

/** Σ w over points whose reprojection error under h is below the threshold. */
function inlierWeight(h: Float64Array, src: Float64Array, dst: Float64Array, w: Float64Array, m: number): number {
  let score = 0;
  for (let n = 0; n < m; n++) if (isInlier(h, src, dst, n)) score += w[n];
  return score;
}

function isInlier(h: Float64Array, src: Float64Array, dst: Float64Array, n: number): boolean {
  const x = src[2 * n], y = src[2 * n + 1];
  const z = h[6] * x + h[7] * y + h[8];
  const u = (h[0] * x + h[1] * y + h[2]) / z - dst[2 * n];
  const v = (h[3] * x + h[4] * y + h[5]) / z - dst[2 * n + 1];
  return Math.sqrt(u * u + v * v) < RAY_POSE_DEFAULTS.reprojectionThreshold;
}

/**
 * The best hypothesis's inliers, by descending weight; above 8000 of them, a random 8000 of the
 * first max(⌊0.95·n⌋, 8000).
 */
function selectRefitPoints(h: Float64Array, src: Float64Array, dst: Float64Array, w: Float64Array, m: number, random: Random): Int32Array {
  const inliers: number[] = [];
  for (let n = 0; n < m; n++) if (isInlier(h, src, dst, n)) inliers.push(n);
  const sorted = Int32Array.from(inliers).sort((a, b) => w[b] - w[a] || a - b);
  const max = RAY_POSE_DEFAULTS.maxRefitPoints;
  if (sorted.length <= max) return sorted;
  const kept = sorted.subarray(0, Math.max(Math.floor(0.95 * sorted.length), max));
  return Int32Array.from(random.sample(kept.length, max), (i) => kept[i]);
}

function argsortDescending(w: Float64Array): Int32Array {
  return Int32Array.from(w, (_, i) => i).sort((a, b) => w[b] - w[a] || a - b);
}

function det3(a: ArrayLike<number>): number {
  return a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
}
