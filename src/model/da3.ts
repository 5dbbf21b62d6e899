// The DA3 any-view network (small/base/large/giant and the nested "anyview" file): ViT backbone
// → DualDPT head (depth, confidence) and camera decoder (pose). Input: S normalized views of one
// size. Output: per-view maps at the network input resolution and cameras.

import type { Backend } from '../backend/backend.ts';
import { runCameraDecoder } from '../nn/camera-decoder.ts';
import { dptFuse, dptOutput, dptPyramid, dptUpsample, releasePyramid, type DptGeometry } from '../nn/dpt.ts';
import type { Trace } from '../nn/trace.ts';
import { runBackbone } from '../nn/vit.ts';
import type { Weights } from '../nn/weights.ts';
import { poseEncodingToCamera, type Camera } from '../geometry/camera.ts';
import type { ModelConfig } from './config.ts';
import type { GeometryCache } from './geometry-cache.ts';
import { patchify } from './patchify.ts';

export interface NetworkInput {
  /** Normalized images [S, 3, H, W]. */
  data: Float32Array;
  views: number;
  height: number;
  width: number;
}

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
}

export async function runDa3(be: Backend, cfg: ModelConfig, w: Weights, cache: GeometryCache, input: NetworkInput, trace?: Trace): Promise<Da3Output> {
  const { views: S, height: H, width: W } = input;
  const p = cfg.vit.patchSize;
  const ph = H / p, pw = W / p, np = ph * pw;
  const patches = be.upload(patchify(input.data, S, H, W, p), [S * np, 3 * p * p]);
  const backbone = await runBackbone(be, cfg.vit, w, cache.backbone(S, ph, pw), patches, trace);
  be.release(patches);

  const aspect = W / H;
  const geo: DptGeometry = { ph, pw, height: H, width: W, uv: (c, gw, gh) => cache.uv(c, gw, gh, aspect), trace };
  const depth: Float32Array[] = [], confidence: Float32Array[] = [];
  for (let v = 0; v < S; v++) {
    const stageTokens = backbone.features.map((f) => be.gatherRows([{ tensor: f, start: v * np, count: np }]));
    const pyramid = dptPyramid(be, w, 'head.', stageTokens, geo);
    for (const t of stageTokens) be.release(t);
    const fused = dptFuse(be, w, 'head.scratch.', '', pyramid, (name, t) => trace?.('head.' + name, t));
    releasePyramid(be, pyramid);
    const g = dptUpsample(be, w, 'head.', fused, geo);
    be.release(fused);
    const logits = dptOutput(be, w, 'head.scratch.out2', g);
    be.release(g);
    trace?.('head.logits', logits);
    const z = await be.download(logits);
    be.release(logits);
    depth.push(z.subarray(0, H * W).map(Math.exp));
    confidence.push(z.subarray(H * W, 2 * H * W).map((x) => Math.exp(x) + 1));
  }
  for (const f of backbone.features) be.release(f);

  const poseEncoding: Float32Array[] = [], cameras: Camera[] = [];
  if (cfg.hasCameraDecoder) {
    const enc = runCameraDecoder(be, w, backbone.cameraTokens);
    trace?.('cam.pose_enc', enc);
    const all = await be.download(enc);
    be.release(enc);
    for (let v = 0; v < S; v++) {
      const e = all.subarray(v * 9, (v + 1) * 9);
      poseEncoding.push(e);
      cameras.push(poseEncodingToCamera(e, H, W));
    }
  }
  be.release(backbone.cameraTokens);
  return { height: H, width: W, depth, confidence, poseEncoding, cameras, referenceView: backbone.referenceView };
}

