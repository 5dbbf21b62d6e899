// The DA3 any-view network (small/base/large/giant and the nested "anyview" file): ViT backbone
// → DualDPT head (depth, confidence) and camera decoder (pose). Input: S normalized views of one
// size. Output: per-view maps at the network input resolution and cameras.

import type { Backend } from '../backend/backend.ts';
import { runCameraDecoder } from '../nn/camera-decoder.ts';
import { dptOutput, type DptGeometry } from '../nn/dpt.ts';
import type { Trace } from '../nn/trace.ts';
import type { Weights } from '../nn/weights.ts';
import { poseEncodingToCamera, type Camera } from '../geometry/camera.ts';
import { gaussiansFromHead } from '../geometry/gaussians.ts';
import { rayPose, type RayPoseOptions, type RayPoseView } from '../geometry/ray-pose.ts';
import type { ModelConfig } from './config.ts';
import type { Gaussians } from '../types.ts';
import { decodeGaussianView, decodeView, encodeViews, releaseEncoded, type NetworkInput } from './encode-decode.ts';
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

export async function runDa3(be: Backend, cfg: ModelConfig, w: Weights, cache: GeometryCache, input: NetworkInput, options: Da3RunOptions = {}): Promise<Da3Output> {
  const { trace } = options;
  if (options.rays && !cfg.hasAuxRays) throw new Error('ray pose needs an aux-bearing GGUF (depth-anything.cpp converter --with-aux)');
  if (options.gaussians && !w.has('gs.scratch.out2b.weight')) {
    throw new Error(cfg.hasGaussians ? '3D Gaussians: the gs.* weights were not loaded (load the model with { gaussians: true })' : '3D Gaussians need a GGUF with the GS head (gs.* tensors, DA3-GIANT)');
  }
  if (options.gaussians && !options.rays && !cfg.hasCameraDecoder) throw new Error('3D Gaussians need predicted cameras, and this GGUF has no camera decoder');
  const { views: S, height: H, width: W } = input;
  const encoded = await encodeViews(be, cfg, w, cache, input, trace);
  const aspect = W / H;
  const geo: DptGeometry = { ph: encoded.ph, pw: encoded.pw, height: H, width: W, uv: (c, gw, gh) => cache.uv(c, gw, gh, aspect), trace };
  const depth: Float32Array[] = [], confidence: Float32Array[] = [];
  const rays: Float32Array[] = [], rayConfidence: Float32Array[] = [];
  const gsLogits: Float32Array[] = [];
  for (let v = 0; v < S; v++) {
    const { features: g, rayLogits } = decodeView(be, w, encoded, v, geo, options.rays);
    if (rayLogits) {
      const r = await be.download(rayLogits);
      be.release(rayLogits);
      const pixels = r.length / 7;
      const ray = new Float32Array(pixels * 6), conf = new Float32Array(pixels);
      for (let p = 0; p < pixels; p++) {
        ray.set(r.subarray(7 * p, 7 * p + 6), 6 * p);
        conf[p] = Math.exp(r[7 * p + 6]) + 1;
      }
      rays.push(ray);
      rayConfidence.push(conf);
    }
    const logits = dptOutput(be, w, 'head.scratch.out2', g);
    be.release(g);
    trace?.('head.logits', logits);
    const z = await be.download(logits);
    be.release(logits);
    depth.push(z.subarray(0, H * W).map(Math.exp));
    confidence.push(z.subarray(H * W, 2 * H * W).map((x) => Math.exp(x) + 1));
    if (options.gaussians) {
      const gs = decodeGaussianView(be, w, encoded, input, v, geo);
      gsLogits.push(await be.download(gs));
      be.release(gs);
    }
  }
  const poseEncoding: Float32Array[] = [], cameras: Camera[] = [];
  if (cfg.hasCameraDecoder) {
    const enc = runCameraDecoder(be, w, encoded.cameraTokens);
    trace?.('cam.pose_enc', enc);
    const all = await be.download(enc);
    be.release(enc);
    for (let v = 0; v < S; v++) {
      const e = all.subarray(v * 9, (v + 1) * 9);
      poseEncoding.push(e);
      cameras.push(poseEncodingToCamera(e, H, W));
    }
  }
  const referenceView = encoded.referenceView;
  const { ph, pw } = encoded;
  releaseEncoded(be, encoded);
  const out: Da3Output = { height: H, width: W, depth, confidence, poseEncoding, cameras, referenceView };
  if (options.rays) {
    // The aux branch ends at twice the finest pyramid level: 8ph × 8pw.
    Object.assign(out, { rays, rayConfidence, rayCameras: rayPose(rays, rayConfidence, 8 * ph, 8 * pw, H, W, options.rayPose) });
  }
  if (options.gaussians) {
    const placed = out.rayCameras ?? cameras;
    out.gaussians = gsLogits.map((logits, v) => gaussiansFromHead(logits, depth[v], placed[v], H, W));
  }
  return out;
}

