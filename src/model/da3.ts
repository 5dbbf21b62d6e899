// The DA3 any-view network (small/base/large/giant and the nested "anyview" file): ViT backbone
// → DualDPT head (depth, confidence) and camera decoder (pose). Input: S normalized views of one
// size. Output: per-view maps at the network input resolution and cameras.

import type { Backend, Tensor } from '../backend/backend.ts';
import { runCameraDecoder } from '../nn/camera-decoder.ts';
import { dptOutput, type DptGeometry } from '../nn/dpt.ts';
import { dualDptView } from '../nn/dual-dpt.ts';
import { gsHeadView } from '../nn/gs-head.ts';
import type { Trace } from '../nn/trace.ts';
import type { Weights } from '../nn/weights.ts';
import { poseEncodingToCamera, type Camera } from '../geometry/camera.ts';
import { gaussiansFromHead } from '../geometry/gaussians.ts';
import { rayPose, type RayPoseOptions, type RayPoseView } from '../geometry/ray-pose.ts';
import type { ModelConfig } from './config.ts';
import type { Gaussians } from '../types.ts';
import { encodeViews, releaseEncoded, type NetworkInput } from './encode-views.ts';
import type { GeometryCache } from './geometry-cache.ts';

export interface Da3Output {
  height: number;
  width: number;
  /** Per view [H·W]. */
  depth: Float32Array[];
  confidence: Float32Array[];
  /** Per view [9]: t (3), q xyzw (4), fov_h, fov_w. */
  poseEncoding: Float32Array[];
  cameras: Camera[];
  referenceView: number;
  /** With `rays`: per view the ray map [8ph·8pw·6] channels-last (direction xyz, origin xyz)… */
  rays?: Float32Array[];
  /** …its confidence [8ph·8pw] (exp + 1)… */
  rayConfidence?: Float32Array[];
  /** …and the cameras solved from it (ray pose). */
  rayCameras?: RayPoseView[];
  /** With `gaussians`: per view the world 3D Gaussians (placed with the ray-pose cameras when `rays`, as upstream does). */
  gaussians?: Gaussians[];
}

export interface Da3RunOptions {
  /** Run the aux ray branch and solve the ray pose (AUX GGUFs only). */
  rays?: boolean;
  rayPose?: RayPoseOptions;
  /** Run the 3D-Gaussian head and adapter (DA3-GIANT GGUFs loaded with their `gs.*` weights). */
  gaussians?: boolean;
  trace?: Trace;
}

/**
 * The forward, top to bottom: encode all views (ViT with cross-view attention), decode each
 * view with DualDPT (depth + confidence; rays and Gaussians when asked), decode the cameras from
 * the camera tokens, then turn the raw outputs into depth, confidence, cameras, ray pose and
 * Gaussians on the host. One download per map; the activations below are the reference's.
 */
export async function runDa3(be: Backend, cfg: ModelConfig, w: Weights, cache: GeometryCache, input: NetworkInput, options: Da3RunOptions = {}): Promise<Da3Output> {
  checkRunOptions(cfg, w, options);
  const { trace } = options;
  const { views: S, height: H, width: W } = input;

  // 1. Backbone over all views.
  const encoded = await encodeViews(be, cfg, w, cache, input, trace);
  const geo: DptGeometry = { ph: encoded.ph, pw: encoded.pw, height: H, width: W, uv: (c, gw, gh) => cache.uv(c, gw, gh, W / H), trace };

  // 2. DualDPT per view: depth/confidence logits, aux rays, 3D-Gaussian logits.
  const depth: Float32Array[] = [], confidence: Float32Array[] = [];
  const rays: Float32Array[] = [], rayConfidence: Float32Array[] = [];
  const gsLogits: Float32Array[] = [];
  for (let v = 0; v < S; v++) {
    const head = dualDptView(be, w, encoded.features, v, geo, options.rays);
    if (head.rayLogits) {
      const ray = splitRayLogits(await downloadAndRelease(be, head.rayLogits));
      rays.push(ray.rays);
      rayConfidence.push(ray.confidence);
    }
    const logits = dptOutput(be, w, 'head.scratch.out2', head.features);
    be.release(head.features);
    trace?.('head.logits', logits);
    const maps = depthAndConfidence(await downloadAndRelease(be, logits), H * W);
    depth.push(maps.depth);
    confidence.push(maps.confidence);
    if (options.gaussians) {
      const plane = 3 * H * W;
      gsLogits.push(await downloadAndRelease(be, gsHeadView(be, w, encoded.features, v, input.data.subarray(plane * v, plane * (v + 1)), geo)));
    }
  }

  // 3. Camera decoder on the camera tokens: pose encoding → w2c extrinsics + intrinsics.
  const poseEncoding: Float32Array[] = [], cameras: Camera[] = [];
  if (cfg.hasCameraDecoder) {
    const enc = runCameraDecoder(be, w, encoded.cameraTokens);
    trace?.('cam.pose_enc', enc);
    const all = await downloadAndRelease(be, enc);
    for (let v = 0; v < S; v++) {
      poseEncoding.push(all.subarray(v * 9, (v + 1) * 9));
      cameras.push(poseEncodingToCamera(poseEncoding[v]!, H, W));
    }
  }
  const { referenceView, ph, pw } = encoded;
  releaseEncoded(be, encoded);

  // 4. Host-side outputs: ray pose from the ray maps, Gaussians placed with the cameras.
  const out: Da3Output = { height: H, width: W, depth, confidence, poseEncoding, cameras, referenceView };
  if (options.rays) {
    // The aux branch ends at twice the finest pyramid level: 8ph × 8pw.
    Object.assign(out, { rays, rayConfidence, rayCameras: rayPose(rays, rayConfidence, 8 * ph, 8 * pw, H, W, options.rayPose) });
  }
  if (options.gaussians) {
    const placed = out.rayCameras ?? cameras;
    out.gaussians = gsLogits.map((logits, v) => gaussiansFromHead(logits, depth[v]!, placed[v]!, H, W));
  }
  return out;
}

function checkRunOptions(cfg: ModelConfig, w: Weights, options: Da3RunOptions): void {
  if (options.rays && !cfg.hasAuxRays) throw new Error('ray pose needs an aux-bearing GGUF (depth-anything.cpp converter --with-aux)');
  if (options.gaussians && !w.has('gs.scratch.out2b.weight')) {
    throw new Error(cfg.hasGaussians ? '3D Gaussians: the gs.* weights were not loaded (load the model with { gaussians: true })' : '3D Gaussians need a GGUF with the GS head (gs.* tensors, DA3-GIANT)');
  }
  if (options.gaussians && !options.rays && !cfg.hasCameraDecoder) throw new Error('3D Gaussians need predicted cameras, and this GGUF has no camera decoder');
}

async function downloadAndRelease(be: Backend, t: Tensor): Promise<Float32Array> {
  const values = await be.download(t);
  be.release(t);
  return values;
}

/** DualDPT's two output channels: depth = exp(z₀), confidence = exp(z₁) + 1. */
function depthAndConfidence(z: Float32Array, pixels: number): { depth: Float32Array; confidence: Float32Array } {
  return { depth: z.subarray(0, pixels).map(Math.exp), confidence: z.subarray(pixels, 2 * pixels).map((x) => Math.exp(x) + 1) };
}

/** Aux ray logits, channels-last [pixels, 7] → ray map [pixels, 6] and its confidence exp(z₆) + 1. */
function splitRayLogits(r: Float32Array): { rays: Float32Array; confidence: Float32Array } {
  const pixels = r.length / 7;
  const rays = new Float32Array(pixels * 6), confidence = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    rays.set(r.subarray(7 * p, 7 * p + 6), 6 * p);
    confidence[p] = Math.exp(r[7 * p + 6]!) + 1;
  }
  return { rays, confidence };
}
