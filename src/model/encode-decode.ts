// The two halves every family shares: the ViT encoder over all views, and the DPT decoder of one
// view up to the full-resolution feature map that the output convolutions read.

import type { Backend, Tensor } from '../backend/backend.ts';
import { auxRayLogits } from '../nn/aux-rays.ts';
import { dptFuse, dptPyramid, dptUpsample, releasePyramid, type DptGeometry } from '../nn/dpt.ts';
import { gsHeadLogits } from '../nn/gs-head.ts';
import type { Trace } from '../nn/trace.ts';
import { runBackbone, type BackboneOutput } from '../nn/vit.ts';
import type { Weights } from '../nn/weights.ts';
import type { RgbImage } from '../types.ts';
import type { ModelConfig } from './config.ts';
import type { GeometryCache } from './geometry-cache.ts';
import { patchify } from './patchify.ts';

export interface NetworkInput {
  /** Normalized images [S, 3, H, W]. */
  data: Float32Array;
  views: number;
  height: number;
  width: number;
  /** The network-size RGB images, when preprocessing made them (DA3's uint8 pipeline). */
  images?: RgbImage[];
}

export interface Encoded extends BackboneOutput {
  ph: number;
  pw: number;
}

export async function encodeViews(be: Backend, cfg: ModelConfig, w: Weights, cache: GeometryCache, input: NetworkInput, trace?: Trace): Promise<Encoded> {
  const { views: S, height: H, width: W } = input;
  const p = cfg.vit.patchSize;
  const ph = H / p, pw = W / p;
  const patches = be.upload(patchify(input.data, S, H, W, p), [S * ph * pw, 3 * p * p]);
  const backbone = await runBackbone(be, cfg.vit, w, cache.backbone(S, ph, pw), patches, trace);
  be.release(patches);
  return { ...backbone, ph, pw };
}

export interface DecodedView {
  /** Main DPT chain: the [F/2, H, W] map before output_conv2. */
  features: Tensor;
  /** Aux ray branch logits, channels-last [8ph·8pw, 7], when asked for. */
  rayLogits?: Tensor;
}

/** The four out-layer token matrices of view v, [ph·pw, 2C] each (the caller releases them). */
function viewStageTokens(be: Backend, encoded: Encoded, v: number): Tensor[] {
  const np = encoded.ph * encoded.pw;
  return encoded.features.map((f) => be.gatherRows([{ tensor: f, start: v * np, count: np }]));
}

/** The DPT decoder (prefix `head.`) of view v, with the aux ray branch when `withRays`. */
export function decodeView(be: Backend, w: Weights, encoded: Encoded, v: number, geo: DptGeometry, withRays = false): DecodedView {
  const stageTokens = viewStageTokens(be, encoded, v);
  const pyramid = dptPyramid(be, w, 'head.', stageTokens, geo);
  for (const t of stageTokens) be.release(t);
  const fused = dptFuse(be, w, 'head.scratch.', '', pyramid, (name, t) => geo.trace?.('head.' + name, t));
  const rayLogits = withRays ? auxRayLogits(be, w, pyramid, geo) : undefined;
  releasePyramid(be, pyramid);
  const features = dptUpsample(be, w, 'head.', fused, geo); // consumes fused
  return { features, rayLogits };
}

/** The 3D-Gaussian head (prefix `gs.`) of view v: logits [38, H, W]. */
export function decodeGaussianView(be: Backend, w: Weights, encoded: Encoded, input: NetworkInput, v: number, geo: DptGeometry): Tensor {
  const plane = input.height * input.width;
  const image = be.upload(input.data.slice(3 * plane * v, 3 * plane * (v + 1)), [3, input.height, input.width]);
  const stageTokens = viewStageTokens(be, encoded, v);
  const logits = gsHeadLogits(be, w, stageTokens, image, geo);
  for (const t of stageTokens) be.release(t);
  be.release(image);
  return logits;
}

export function releaseEncoded(be: Backend, encoded: Encoded): void {
  for (const f of encoded.features) be.release(f);
  be.release(encoded.cameraTokens);
}
